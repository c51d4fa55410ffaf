"""Chinese script helpers shared by every table: folding traditional characters to
simplified ones, one for one, so that rules written in simplified script match either
and every offset stays that of the text as stored (patterns/zh_variants.json); and the
reading of each character, for names built from Chinese text (patterns/pinyin.json)."""

from __future__ import annotations

import re
from functools import lru_cache

from ..errors import PatternError
from ..nlp.scan import HAN as HAN  # (defined where the tokens' layer uses it too)
from ..rules import Rules, expect, open_json

VARIANTS_FILE = "zh_variants.json"
PINYIN_FILE = "pinyin.json"


def han_run_start(text: str, end: int, most: int, boundary: frozenset[str]) -> int:
    """Where a name ending at ``end`` may start: back over at most ``most`` Chinese
    characters, not past a boundary character (的, 与, 、) or any other character.

    >>> han_run_start("由澜星生物", 3, 6, frozenset("由的"))
    1
    """
    start = end
    while (
        start > 0
        and end - start < most
        and HAN.match(text[start - 1])
        and text[start - 1] not in boundary
    ):
        start -= 1
    return start


@lru_cache(maxsize=8)
def load_variants(patterns: Rules) -> dict[int, str]:
    """The traditional -> simplified character table, one character for one (for
    ``str.translate``)."""
    data, file = open_json(patterns, VARIANTS_FILE, allowed={"traditional_to_simplified"})
    table = expect(
        data.get("traditional_to_simplified", {}), dict, file=file, key="traditional_to_simplified"
    )
    for k, v in table.items():
        if not (isinstance(v, str) and len(k) == 1 and len(v) == 1):
            raise PatternError(
                file, "expected one character for one", key=f"traditional_to_simplified.{k}"
            )
    return str.maketrans(table)


@lru_cache(maxsize=8)
def load_pinyin(patterns: Rules) -> dict[str, str]:
    """Character -> its reading in Latin letters, without tones ("长" -> "chang")."""
    data, file = open_json(patterns, PINYIN_FILE, allowed={"readings"}, required={"readings"})
    table = expect(data["readings"], dict, file=file, key="readings")
    for k, v in table.items():
        if not (len(k) == 1 and isinstance(v, str) and v.isascii() and v.isalpha()):
            raise PatternError(file, "expected a character and its reading", key=f"readings.{k}")
    return dict(table)


def readings(text: str, table: dict[str, str]) -> list[str]:
    """The reading of each character of ``text`` that has one, in order.

    >>> readings("仁济A", {"仁": "ren", "济": "ji"})
    ['ren', 'ji']
    """
    return [table[c] for c in text if c in table]


def romanised(text: str, table: dict[str, str]) -> str:
    """A Chinese name written as one capitalised word of its readings ("仁济" -> "Renji").

    >>> romanised("长海", {"长": "chang", "海": "hai"})
    'Changhai'
    """
    return "".join(readings(text, table)).capitalize()


def clause_break(gap: str) -> bool:
    """Whether text between two words ends a Chinese clause: a full-width comma,
    semicolon or stop, or an ASCII one among Chinese words. A word past it is about
    the next clause ("20%的患者复发，中位总生存期6个月").

    >>> clause_break("的患者复发，中位"), clause_break("的患者达到"), clause_break(", the")
    (True, False, False)
    """
    return any(c in gap for c in "，；。") or (
        any(c in gap for c in ",;") and HAN.search(gap) is not None
    )


_HAN_RUN = re.compile(HAN.pattern + "+")


def homophones(
    text: str, names: dict[tuple[str, ...], tuple[str, str]], table: dict[str, str]
) -> list[tuple[int, int, str]]:
    """(start, end, id) of each run of ``text`` that reads as a known name (``names``:
    the readings of a name -> (the name, its id)) but is written with one other character
    of the same sound: 药明巨糯 for 药明巨诺. Names are read whole: of three characters
    or more, inside runs of Chinese characters, the longest first at each place.

    >>> names = {("yao", "ming", "ju", "nuo"): ("药明巨诺", "jw")}
    >>> table = {"药": "yao", "明": "ming", "巨": "ju", "诺": "nuo", "糯": "nuo"}
    >>> homophones("由药明巨糯引进", names, table), homophones("药明巨诺", names, table)
    ([(1, 5, 'jw')], [])
    """
    lengths = sorted({len(k) for k in names}, reverse=True)
    out: list[tuple[int, int, str]] = []
    for run in _HAN_RUN.finditer(text):
        chars = run.group(0)
        sounds = [table.get(c, "") for c in chars]
        i = 0
        while i < len(chars):
            for n in lengths:
                found = names.get(tuple(sounds[i : i + n])) if i + n <= len(chars) else None
                if found is None:
                    continue
                written = chars[i : i + n]
                if sum(a != b for a, b in zip(written, found[0], strict=True)) == 1:
                    out.append((run.start() + i, run.start() + i + n, found[1]))
                    i += n - 1
                    break
            i += 1
    return out
