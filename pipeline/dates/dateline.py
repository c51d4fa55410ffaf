"""The publication date a text gives without a label: a full date standing alone on one
of its first lines, or a dateline that opens one. Every date rule runs on those lines, so
this is read by a component (dates.component.PublishedComponent), within the article's
time bound, not while reading the file."""

from __future__ import annotations

import re
from datetime import date

from .parse import DateRules, find_dates

# How many lines from the top a date standing alone on its line is the publication's
# (a headline, a byline, then "12 March 2025"): farther down it is an event's.
BARE_DATE_LINES = 6
# the characters of a text's top read for such a line
HEAD_CHARACTERS = 3000
# the longest line read as a date alone, with its source after it, and without
LONGEST_LINE = 160
LONGEST_DATE = 60
# what may stand beside a date alone on its line: a time ("10:31 AM", "14:05 GMT+8")
_TIME = re.compile(
    r"\b\d{1,2}:\d{2}(?::\d{2})?(?:\s*[AaPp]\.?[Mm]\.?)?(?:\s*(?:[A-Z]{2,4})?(?:[+-]\d{1,2}(?::?\d{2})?)?)?"
)


def find_dated_line(text: str, rules: DateRules) -> date | None:
    r"""The publication date of a text with no labelled date line: a full date standing
    alone on one of its first lines ("Wednesday, 12 March 2025 10:31") or opening one as a
    dateline ("SANTA MONICA, Calif., June 3, 2024 -- ...").

    >>> from pipeline.dates.parse import default_rules
    >>> find_dated_line("Sydney hospital offers new therapy\nBy a reporter\n12 March 2025\n\nA ...", default_rules())
    datetime.date(2025, 3, 12)
    >>> find_dated_line("Title\nThe drug was approved on 12 March 2025 in Australia.", default_rules()) is None
    True
    """
    lines = [
        line for line in text[:HEAD_CHARACTERS].split("\n", BARE_DATE_LINES * 3) if line.strip()
    ]
    for line in lines[:BARE_DATE_LINES]:
        found = _date_alone(line, rules) or _dateline(line, rules)
        if found is not None:
            return found
    return None


# a dateline: a place in capitalised words ("SANTA MONICA, Calif.,", "BEIJING,") before
# the date that opens a paragraph, and a dash, a wire's name or a bracket after it
_PLACE = r"[\W_]*(?:[A-Z][\w.'’-]*[ ,]*){0,5}[A-Z][\w.'’-]*,"
_PLACE_BEFORE = re.compile(rf"^(?:{_PLACE})?\s*$")
# (a cheap test first: a capitalised place and its comma open the line)
_PLACE_OPENS = re.compile(_PLACE)
_YEAR = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")
# a wire's name or a dash, after a date that opens a paragraph with no place before it
# ("Nov. 14, 2023 /PRNewswire/ -- ...")
_WIRE_OR_DASH = re.compile(r"/[^/\n]{2,40}/|--|[-–—]\s")
_DATELINE_AFTER = re.compile(r"\s*(?:\([^()]{1,40}\)\s*)?(?:/[^/\n]{2,40}/\s*)?(?:--|[-–—])\s")


def _dateline(line: str, rules: DateRules) -> date | None:
    """The full date of a dateline that opens a paragraph ("SANTA MONICA, Calif., June 3,
    2024 -- Kite today announced ..."): a press release's or a wire's publication day."""
    head = line[:90]
    if _YEAR.search(head) is None or (
        _PLACE_OPENS.match(head) is None and _WIRE_OR_DASH.search(head) is None
    ):
        return None  # (most lines: the date rules are not run)
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


# words that join a time or its zone to a date alone on its line ("November 14, 2023 at
# 10:32 a.m. EST"; _TIME takes the time itself, a.m. and a zone right after it)
_BESIDE_TIME = frozenset(
    {
        "at",
        "est",
        "edt",
        "cst",
        "cdt",
        "pst",
        "pdt",
        "et",
        "pt",
        "gmt",
        "utc",
        "bst",
        "cet",
        "cest",
        "bjt",
        "hkt",
        "jst",
        "kst",
        "ist",
    }
)


def _weekday(word: str, weekdays: dict[str, int]) -> bool:
    """Whether a lower-case word names a weekday, in full or cut short ("wed", "thurs")."""
    return len(word) >= 3 and any(day.startswith(word) for day in weekdays)


def _date_alone(line: str, rules: DateRules) -> date | None:
    """The full date a line holds when nothing but a weekday, a time and punctuation
    stands beside it, and perhaps its source or author after a label (dates.json
    published_trailers: "2024-11-05 09:30 来源：X")."""
    if len(line) > LONGEST_LINE or _YEAR.search(line) is None:  # (a full date states its year)
        return None
    line = rules.published_trailer.sub("", line).strip()  # ("来源：X", "Source: X")
    if len(line) > LONGEST_DATE:
        return None
    found = find_dates(line, None, rules)
    if len(found) != 1:
        return None
    m = found[0]
    if m.value.granularity != "day" or m.value.relative:
        return None
    rest = _TIME.sub(" ", line[: m.start] + " " + line[m.end :]).lower()
    words = re.findall(r"[^\W\d_]+", rest)
    if any(not _weekday(w, rules.weekdays) and w not in _BESIDE_TIME for w in words):
        return None
    return date.fromisoformat(m.value.value)
