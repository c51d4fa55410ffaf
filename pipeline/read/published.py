"""What an article says of itself near its top: the publication line (a date under a
label such as "Published:") and the title line."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from ..dates.parse import load_dates, parse_published_line
from ..rules import Rules, expect, open_json, string_list

# Where a publication date is looked for in a text: its first characters.
PUBLISHED_WINDOW = 3000
_HEADER_LINE = re.compile(r"^[^\n]{1,120}$", re.MULTILINE)


def find_published(text: str, patterns: Rules | None = None) -> date | None:
    """The publication date a text states near its top under a label ("date 2024-05-26",
    "Published: ..."), with the line labels of ``patterns`` (dates.json; default: the
    packaged rules). Dates without a label are read later, within the article's time
    bound (dates.dateline, the cartfacts_published component): they run every date
    rule."""
    for match in _HEADER_LINE.finditer(text, 0, min(len(text), PUBLISHED_WINDOW)):
        found = parse_published_line(match.group(0), patterns)
        if found is not None:
            return found
    return None


# ---------------------------------------------------------------- titles

TITLES_FILE = "titles.json"
_TITLE_KEYS = {"lines_read", "fewest_words", "fewest_chinese", "most_characters", "furniture"}


@dataclass(frozen=True)
class TitleRules:
    lines_read: int
    fewest_words: int
    fewest_chinese: int
    most_characters: int
    furniture: frozenset[str]


@lru_cache(maxsize=8)
def load_titles(patterns: Rules) -> TitleRules:
    data, file = open_json(patterns, TITLES_FILE, allowed=_TITLE_KEYS, required=_TITLE_KEYS)
    numbers = {k: expect(data[k], int, file=file, key=k) for k in _TITLE_KEYS - {"furniture"}}
    words = string_list(data["furniture"], file=file, key="furniture")
    return TitleRules(**numbers, furniture=frozenset(w.lower() for w in words))


_LINK_SEPARATORS = re.compile(r"\s[|·>»/]\s|\s\|\s?|\|")
_HAN_CHAR = re.compile(r"[\u4e00-\u9fff]")


def find_title(text: str, patterns: Rules | None = None) -> str | None:
    r"""The first line near the top that reads like a headline (titles.json): not a date
    line, not navigation ("Menu", "Home | News | Health"), not a logo caption.

    >>> find_title("Menu\nHome | News | Health\ndate 2024-05-26\nCAR-T price falls to 1 million yuan\n...")
    'CAR-T price falls to 1 million yuan'
    """
    from ..rules import load_patterns

    patterns = patterns or load_patterns()
    rules, dates = load_titles(patterns), load_dates(patterns)
    for line in text.split("\n", rules.lines_read)[: rules.lines_read]:
        line = line.strip()
        if not line or len(line) > rules.most_characters or not any(c.isalpha() for c in line):
            continue
        lowered = line.lower()
        first_word = _LINK_SEPARATORS.split(lowered, 1)[0].strip()
        if lowered in rules.furniture or first_word in rules.furniture:
            continue
        if any(w in lowered.split() for w in ("logo",)) and len(lowered.split()) <= 4:
            continue
        if len(_LINK_SEPARATORS.findall(line)) >= 2:
            continue  # a row of links
        if dates.published_line.match(line):
            continue  # a labelled date line ("date 2024-05-26"), told by its label alone
        chinese = len(_HAN_CHAR.findall(line))
        if chinese >= rules.fewest_chinese or len(line.split()) >= rules.fewest_words:
            return line
    return None
