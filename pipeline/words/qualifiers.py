"""Qualifiers of an amount or a percentage ("about", "more than"; 约, 超过 before it,
左右, 以上 after it), from patterns/qualifiers.json, shared by prices and response rates."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ..nlp.scan import alternation
from ..rules import Rules, open_json, section

FILE = "qualifiers.json"
# characters read on each side of a figure for its qualifier
REACH = 40


@dataclass(frozen=True)
class Qualifiers:
    before: re.Pattern[str]  # at the end of the text before a number
    after: re.Pattern[str]  # at the start of the text after it
    table: dict[str, str]  # lower-cased word -> canonical qualifier
    han: tuple[str, ...] = ()  # the Chinese words of ``before`` (约, 超过)

    def of(self, before: str, after: str = "") -> str | None:
        """The canonical qualifier of a figure from the text just before and after it.

        >>> q = default_qualifiers()
        >>> q.of("reaching about "), q.of("定价约"), q.of("", "左右。"), q.of("the ")
        ('about', 'about', 'about', None)
        """
        m = self.before.search(before[-REACH:])
        if m is None:
            m = self.after.match(after[:REACH])
        if m is None:
            return None
        word = m.groupdict().get("q") or m.groupdict().get("qz") or ""
        return self.table[word.lower()]


def _han(word: str) -> bool:
    return not word.isascii()


@lru_cache(maxsize=8)
def load_qualifiers(patterns: Rules) -> Qualifiers:
    data, file = open_json(patterns, FILE, allowed={"qualifiers", "after"}, required={"qualifiers"})
    before = {k.lower(): str(v) for k, v in section(data, "qualifiers", dict, file=file).items()}
    after = {k.lower(): str(v) for k, v in data.get("after", {}).items()}
    latin = [w for w in before if not _han(w)]
    han = [w for w in before if _han(w)]
    parts = []
    if latin:
        parts.append(rf"(?i)\b(?P<q>{alternation(latin)})\s+(?:only\s+|just\s+|of\s+)?$")
    if han:
        # Chinese writes no space between the word and the number: 约120万元, 超过80%
        parts.append(rf"(?P<qz>{alternation(han)})\s*$")
    return Qualifiers(
        before=re.compile("|".join(parts) if parts else "(?!)"),
        after=re.compile(rf"^\s*(?P<q>{alternation(after)})" if after else "(?!)"),
        table={**before, **after},
        han=tuple(han),
    )


def default_qualifiers() -> Qualifiers:
    from ..rules import load_patterns

    return load_qualifiers(load_patterns())
