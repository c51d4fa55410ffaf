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


# How many lines from the top a date standing alone on its line is the publication's
# (a headline, a byline, then "12 March 2025"): farther down it is an event's.
BARE_DATE_LINES = 6
# what may stand beside a date alone on its line: a time ("10:31 AM", "14:05 GMT+8")
_TIME = re.compile(
    r"\b\d{1,2}:\d{2}(?::\d{2})?(?:\s*[AaPp]\.?[Mm]\.?)?(?:\s*(?:[A-Z]{2,4})?(?:[+-]\d{1,2}(?::?\d{2})?)?)?"
)


def find_published(text: str, patterns: Rules | None = None) -> date | None:
    r"""The publication date a text states near its top ("date 2024-05-26", "Published: ..."),
    with the line labels of ``patterns`` (dates.json; default: the packaged rules); else a
    full date standing alone on one of the first lines ("Wednesday, 12 March 2025 10:31")
    or opening one as a dateline ("SANTA MONICA, Calif., June 3, 2024 -- ...").

    >>> find_published("Sydney hospital offers new therapy\nBy a reporter\n12 March 2025\n\nA hospital ...")
    datetime.date(2025, 3, 12)
    >>> find_published("Title\nThe drug was approved on 12 March 2025 in Australia.") is None
    True
    """
    for match in _HEADER_LINE.finditer(text, 0, min(len(text), PUBLISHED_WINDOW)):
        found = parse_published_line(match.group(0), patterns)
        if found is not None:
            return found
    lines = [line for line in text[:PUBLISHED_WINDOW].split("\n") if line.strip()]
    for line in lines[:BARE_DATE_LINES]:
        found = _date_alone(line, patterns) or _dateline(line, patterns)
        if found is not None:
            return found
    return None


# a dateline: a place in capitalised words ("SANTA MONICA, Calif.,", "BEIJING,") before
# the date that opens a paragraph, and a dash, a wire's name or a bracket after it
_PLACE_BEFORE = re.compile(r"^[\W_]*(?:[A-Z][\w.'’-]*[ ,]*){0,5}[A-Z][\w.'’-]*,\s*$")
_DATELINE_AFTER = re.compile(r"\s*(?:\([^()]{1,40}\)\s*)?(?:/[^/\n]{2,40}/\s*)?(?:--|[-–—])\s")


def _dateline(line: str, patterns: Rules | None) -> date | None:
    """The full date of a dateline that opens a paragraph ("SANTA MONICA, Calif., June 3,
    2024 -- Kite today announced ..."): a press release's or a wire's publication day."""
    from ..dates.parse import default_rules, find_dates

    head = line[:90]
    rules = default_rules() if patterns is None else load_dates(patterns)
    found = find_dates(head, None, rules)
    if not found:
        return None
    m = found[0]
    if (
        m.value.granularity != "day"
        or m.value.relative
        or not _PLACE_BEFORE.match(head[: m.start])
        or not _DATELINE_AFTER.match(line, m.end)
    ):
        return None
    return date.fromisoformat(m.value.value)


def _weekday(word: str, weekdays: dict[str, int]) -> bool:
    """Whether a lower-case word names a weekday, in full or cut short ("wed", "thurs")."""
    return len(word) >= 3 and any(day.startswith(word) for day in weekdays)


def _date_alone(line: str, patterns: Rules | None) -> date | None:
    """The full date a line holds when nothing but a weekday, a time and punctuation
    stands beside it, and perhaps its source or author after a label (dates.json
    published_trailers: "2024-11-05 09:30 来源：X")."""
    from ..dates.parse import default_rules, find_dates

    rules = default_rules() if patterns is None else load_dates(patterns)
    line = rules.published_trailer.sub("", line).strip()  # ("来源：X", "Source: X")
    if len(line) > 60 or not any(c.isdigit() for c in line):
        return None
    found = find_dates(line, None, rules)
    if len(found) != 1:
        return None
    m = found[0]
    if m.value.granularity != "day" or m.value.relative:
        return None
    rest = _TIME.sub(" ", line[: m.start] + " " + line[m.end :]).lower()
    words = re.findall(r"[^\W\d_]+", rest)
    if any(not _weekday(w, rules.weekdays) for w in words):
        return None
    return date.fromisoformat(m.value.value)


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
