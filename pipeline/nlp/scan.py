"""Run many rules over only the parts of a text where they can match.

One cheap trigger regex finds the places worth looking at (a month name, a currency
sign); the rules then run on merged windows around them instead of over the whole text.
Python's ``finditer(text, pos, endpos)`` still sees the characters around the window for
lookbehinds and word boundaries, so a match inside a window is the same match.
"""

from __future__ import annotations

import dataclasses
import re
import re._constants as sre
import re._parser as sre_parse
from collections.abc import Iterable, Iterator
from functools import lru_cache
from typing import Any, TypeVar

from ..kept import remembered

T = TypeVar("T")


def alternation(words: Iterable[str]) -> str:
    """A regex alternation of literal words that tries the longest first (so "million"
    beats "m"), written as a trie: the engine reads each character once instead of trying
    every word in turn (a list of hundreds of names cost a test per word at every position
    where one could start). The words that can match at one position all lie on one path
    of the trie, and each node tries its longer words before ending, so the matches are
    tried in the same order as "|".join of the words longest first. Below a node whose
    branches differ only in case (under (?i) both would be tried) its words are listed
    plainly, longest first.

    >>> alternation(["m", "million", "mn", "bn"])
    '(?:bn|m(?:illion|n|))'
    >>> alternation(["RMB", "Rmb", "RUB"])
    'R(?:MB|UB|mb)'
    >>> alternation(["Rm", "RMB"])
    'R(?:MB|m)'
    """
    ordered = sorted(set(words), key=lambda w: (-len(w), w))
    if len(ordered) < 2:
        return "|".join(re.escape(w) for w in ordered)
    trie: dict[str, Any] = {}
    for word in ordered:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}
    return _trie_regex(trie)


def _trie_regex(node: dict[str, Any]) -> str:
    """The regex of a trie node: its branches, then the end of a word (tried last); or,
    where two branches differ only in case, its words longest first."""
    keys = sorted(k for k in node if k)
    if len({k.casefold() for k in keys}) < len(keys) or len({k.upper() for k in keys}) < len(keys):
        tails = sorted(_words_below(node), key=lambda w: (-len(w), w))
        return "(?:" + "|".join(re.escape(w) for w in tails) + ")"
    branches = [re.escape(ch) + _trie_regex(node[ch]) for ch in keys]
    if "" in node:
        if not branches:
            return ""
        branches.append("")
    if len(branches) == 1:
        return branches[0]
    return "(?:" + "|".join(branches) + ")"


def _words_below(node: dict[str, Any]) -> Iterator[str]:
    for ch, child in node.items():
        if ch:
            yield from (ch + rest for rest in _words_below(child))
        else:
            yield ""


def guarded(words: Iterable[str]) -> str:
    """``alternation(words)`` behind a lookahead on their first characters, which lets
    the regex engine skip every other position at C speed (a long alternation tried at
    each character of Chinese text costs far more). Case-blind only under ``(?i)``.

    >>> guarded(["仁济医院", "瑞金医院"])
    '(?=[仁瑞])(?:(?:仁济医院|瑞金医院))'
    """
    words = set(words)
    if not words:
        return "(?!)"
    firsts = "".join(sorted({re.escape(w[0]) for w in words}))
    return f"(?=[{firsts}])(?:{alternation(words)})"


# a Chinese character (CJK unified ideographs): Chinese text, with no spaces between words
CJK = re.compile(r"[\u4e00-\u9fff]")
# a Chinese character of any block a name uses (unified ideographs, extension A and the
# compatibility ideographs): words.chinese reads names with it, triggers runs of it
HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


@lru_cache(maxsize=8)
def has_cjk(text: str) -> bool:
    """Whether text holds a Chinese character. Seven steps ask it of every article, and
    in English text the search reads every character (some 50 us an article each); the
    answer is kept for the few texts in hand (a string keeps its hash)."""
    return CJK.search(text) is not None


def lowered(text: str) -> str:
    """``text.lower()`` with every character in place: the few characters whose lower
    case is longer ("İ") stay as they are, so offsets still agree.

    >>> lowered("ICU İstanbul")
    'icu İstanbul'
    """
    low = text.lower()
    if len(low) == len(text):
        return low
    return "".join(c if len(c.lower()) != 1 else c.lower() for c in text)


def windows(text: str, trigger: re.Pattern[str], margin: int) -> list[tuple[int, int]]:
    """Merged (start, end) windows of ``margin`` characters around every trigger."""
    return widen([m.span() for m in trigger.finditer(text)], margin, margin, len(text))


def widen(
    spans: Iterable[tuple[int, int]], before: int, after: int, length: int
) -> list[tuple[int, int]]:
    """Spans (in order) widened by ``before``/``after`` characters, clipped, merged.

    >>> widen([(10, 12), (15, 20), (90, 95)], 5, 5, 100)
    [(5, 25), (85, 100)]
    """
    out: list[tuple[int, int]] = []
    for s, e in spans:
        lo, hi = max(0, s - before), min(length, e + after)
        if out and lo <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], hi))
        else:
            out.append((lo, hi))
    return out


def marked(spans: Iterable[tuple[int, int]], length: int) -> bytearray:
    """A mark (1) on each of ``length`` characters that one of ``spans`` holds; a span
    [s, e) touches one where ``marks.find(1, s, e) != -1``. Linear however many spans
    there are (testing each new span against every old one was quadratic).

    >>> marked([(1, 3)], 5).find(1, 2, 4), marked([(1, 3)], 5).find(1, 3, 5)
    (2, -1)
    """
    marks = bytearray(length)
    for start, end in spans:
        marks[start:end] = b"\x01" * (end - start)
    return marks


# the most characters a window's end is carried to finish a word
WORD_CARRY = 64


def finditer(
    regex: re.Pattern[str], text: str, spans: list[tuple[int, int]] | None
) -> Iterator[re.Match[str]]:
    """Matches of regex inside the windows, each once, in order (``spans`` None: the whole
    text). A window that ends inside a word is carried to the word's end: the regex engine
    takes a window's end for the end of the text, so "Jun" cut from "Juno" would end in a
    word boundary."""
    if spans is None:
        yield from regex.finditer(text)
        return
    last_end = -1
    length = len(text)
    for start, end in spans:
        stop = end
        while (
            stop < length
            and stop - end < WORD_CARRY
            and text[stop].isalnum()
            and text[stop - 1].isalnum()
        ):
            stop += 1
        for m in fast(regex).finditer(text, max(start, last_end), stop):
            last_end = m.end()
            yield m


@lru_cache(maxsize=2048)
def fast(regex: re.Pattern[str]) -> re.Pattern[str]:
    """``regex`` behind a lookahead on the characters its matches can start with, when
    they can be worked out: the same matches, but every other position is given up after
    one test of a character, where the regex engine would otherwise try each alternative,
    lookbehind and word boundary there (rules start with those, so the engine finds no
    first character of its own to skip to). A regex that can match nothing, or whose
    first character can be anything, is left as it is.

    >>> print(fast(re.compile(r"(?<![A-Za-z])(?:(?i:usd)|\\$)\\s?\\d|\\bUS")).pattern)
    (?i:(?=[U\\$u]))(?:(?<![A-Za-z])(?:(?i:usd)|\\$)\\s?\\d|\\bUS)
    >>> print(fast(re.compile(r"\\b(?:the )?x?")).pattern)  # can match nothing
    \\b(?:the )?x?
    """
    if regex.pattern.startswith("(?=["):
        return regex  # (guarded already)
    # (the parse is a start-up's cost: its answer is kept between runs)
    guarded = remembered("fast", (regex.pattern, regex.flags), lambda: _guarded(regex))
    if guarded is None:
        return regex
    try:
        return re.compile(guarded, regex.flags)
    except re.error:
        return regex


def _guarded(regex: re.Pattern[str]) -> str | None:
    """The pattern of ``fast(regex)``; None where it is ``regex`` itself."""
    try:
        found = _firsts(sre_parse.parse(regex.pattern, regex.flags).data, regex.flags)
    except (re.error, TypeError, ValueError, AttributeError):  # (a private module: play safe)
        return None
    if found is None or found[1]:  # any character, or an empty match
        return None
    chars, _, caseless = found
    lookahead = f"(?=[{''.join(sorted(chars))}])"
    if caseless:
        lookahead = f"(?i:{lookahead})"
    flags = _GLOBAL_FLAGS.match(regex.pattern)  # "(?i)" must stay first
    head = flags.group(0) if flags else ""
    # (in a group: the lookahead is for every alternative of the whole regex)
    rest = regex.pattern[len(head) :] + ("\n" if regex.flags & re.VERBOSE else "")
    return f"{head}{lookahead}(?:{rest})"


def fast_fields(rules: T) -> T:
    """A frozen dataclass of rules with every regex field through ``fast`` (the loaders
    return their rules so: the regexes the steps run directly get the lookahead too)."""
    changes = {
        f.name: fast(value)
        for f in dataclasses.fields(rules)  # type: ignore[arg-type]
        if isinstance(value := getattr(rules, f.name), re.Pattern)
    }
    return dataclasses.replace(rules, **changes)  # type: ignore[type-var]


_GLOBAL_FLAGS = re.compile(r"\(\?[aiLmsux]+\)")
_CATEGORIES = {
    sre.CATEGORY_DIGIT: r"\d",
    sre.CATEGORY_NOT_DIGIT: r"\D",
    sre.CATEGORY_SPACE: r"\s",
    sre.CATEGORY_NOT_SPACE: r"\S",
    sre.CATEGORY_WORD: r"\w",
    sre.CATEGORY_NOT_WORD: r"\W",
}
_ZERO_WIDTH = (sre.AT, sre.ASSERT, sre.ASSERT_NOT)
_REPEATS = (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT)


def _firsts(items: Any, flags: int) -> tuple[set[str], bool, bool] | None:
    """What a sequence of parsed regex items can start with: the character-class pieces
    of its first character, whether it can match nothing, and whether case is ignored
    somewhere in them; None when the first character can be anything."""
    chars: set[str] = set()
    caseless = False
    for op, av in items:
        if op in _ZERO_WIDTH:
            continue  # (lookarounds and boundaries consume nothing)
        if op in (sre.SUBPATTERN, sre.ATOMIC_GROUP):
            inner_flags = (flags | av[1]) & ~av[2] if op is sre.SUBPATTERN else flags
            found = _firsts(av[-1], inner_flags)
        elif op in _REPEATS:
            found = _firsts(av[2], flags)
            if found is not None and av[0] == 0:
                found = (found[0], True, found[2])
        elif op is sre.BRANCH:
            found = (set(), False, False)
            for branch in av[1]:
                one = _firsts(branch, flags)
                if one is None:
                    return None
                found = (found[0] | one[0], found[1] or one[1], found[2] or one[2])
        elif op is sre.LITERAL:
            found = ({re.escape(chr(av))}, False, bool(flags & re.IGNORECASE))
        elif op is sre.IN:
            pieces = _class_pieces(av)
            if pieces is None:
                return None
            found = (pieces, False, bool(flags & re.IGNORECASE))
        else:  # any character, a back reference, ...
            return None
        if found is None:
            return None
        chars |= found[0]
        caseless = caseless or found[2]
        if not found[1]:
            return chars, False, caseless
    return chars, True, caseless


def _class_pieces(items: Any) -> set[str] | None:
    out = set()
    for op, av in items:
        if op is sre.LITERAL:
            out.add(re.escape(chr(av)))
        elif op is sre.RANGE:
            out.add(f"{re.escape(chr(av[0]))}-{re.escape(chr(av[1]))}")
        elif op is sre.CATEGORY and av in _CATEGORIES:
            out.add(_CATEGORIES[av])
        else:  # a negated class, ...
            return None
    return out
