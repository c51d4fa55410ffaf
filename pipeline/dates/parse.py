"""Dates: find date expressions with rules from patterns/dates.json, resolve them to
TIMEX3-style values against the publication date.

The core is pure: ``resolve(kind, groups, published)`` takes the regex groups and the
publication date (never the clock) and returns a DateValue or None. The spaCy component
at the bottom only finds spans and calls the core.
"""

from __future__ import annotations

import calendar
import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import cached_property, lru_cache, partial
from typing import Any

from ..errors import PatternError
from ..nlp.scan import alternation, fast_fields, guarded, lowered, widen, windows
from ..nlp.scan import finditer as scan_finditer
from ..rules import (
    Rules,
    check_keys,
    compile_regex,
    expect,
    load_patterns,
    open_json,
    section,
    string_list,
)
from ..words.numbers import NumberWords, chinese_number, load_numbers, words_to_number

FILE = "dates.json"
# characters around a trigger in which the rules look (longer than any date expression)
WINDOW = 60


@dataclass(frozen=True)
class DateValue:
    value: str
    granularity: str  # day, month, quarter, half, year
    relative: bool


@dataclass(frozen=True)
class Anchor:
    """The reference time of a date written without its year, as HeidelTime keeps one:
    the year of an explicit date near it (its month when it has one), and whether that
    date joins it as the other end of a range ("March 1 to 20, 2025")."""

    year: int
    month: int | None = None
    after: bool = False  # the anchor stands after the date
    range_end: bool = False  # joined to the date by "to", "and", a dash
    earlier: bool = False  # stated in a sentence before the date's, not in its own

    def year_for(self, month: int) -> int:
        """The year of ``month``: the anchor's, or the one before or after when the two
        ends of a range cross a new year ("December 20 to January 5, 2025")."""
        if self.range_end and self.month is not None:
            if self.after and month > self.month:
                return self.year - 1
            if not self.after and month < self.month:
                return self.year + 1
        return self.year


@dataclass(frozen=True)
class DateRule:
    id: str
    regex: re.Pattern[str]
    resolve: str
    span_group: str | None
    emit: bool
    near: tuple[str, ...] = ()  # trigger groups one of which every match holds; () = any
    # which years anchor a match without one: "sentence" (the nearest in its sentence,
    # else the last before it) or "range" (only the other end of a range it opens)
    anchor: str = "sentence"


@dataclass(frozen=True)
class TriggerGroup:
    """Words (each a whole run of letters: "may" marks "May 5", not "mayor") and
    numbers (a regex) that mark where some rules can match."""

    words: tuple[str, ...]
    numbers: re.Pattern[str] | None
    # characters the tokenizer splits the numbers at ("9-18-15" is five tokens): around
    # each, the numbers are also looked for in the text
    split_at: tuple[str, ...] = ()

    def holds(self, word: str) -> bool:
        """Whether one word (a token) holds a trigger of the group."""
        low = word.lower()
        if low.isascii() and low.isalpha():
            # a word of plain letters holds a trigger word only by being one (a set look-up
            # instead of the alternation of every word: a tenth of the time per new word)
            return low in self._plain_words or (
                self.numbers is not None and self.numbers.search(low) is not None
            )
        return self.in_word.search(low) is not None

    @cached_property
    def _plain_words(self) -> frozenset[str]:
        return frozenset(w.lower() for w in self.words)

    @cached_property
    def in_word(self) -> re.Pattern[str]:
        """A trigger word that is a whole run of letters, or a trigger number: asked of
        one token by the component, of the whole lower-cased text by group_windows."""
        parts = [rf"(?<![a-z]){guarded(self.words)}(?![a-z])"] if self.words else []
        if self.numbers is not None:
            parts.append(self.numbers.pattern)
        return re.compile("|".join(parts) or "(?!)")

    @staticmethod
    def union(groups: list[TriggerGroup]) -> TriggerGroup:
        """One group holding the words and numbers of all."""
        numbers = [g.numbers.pattern for g in groups if g.numbers is not None]
        return TriggerGroup(
            tuple(w for g in groups for w in g.words),
            re.compile("|".join(numbers)) if numbers else None,
        )


@dataclass(frozen=True)
class DateRules:
    months: dict[str, int]
    weekdays: dict[str, int]
    relative_years: dict[str, int]
    # relative words that count from the year of the date before them in the text (the
    # reference time), not from the publication date: "the following year", 次年
    anaphoric: frozenset[str]
    relative_days: dict[str, int]
    relative_months: dict[str, int]
    rules: tuple[DateRule, ...]
    exclude_before: tuple[str, ...]
    published_line: re.Pattern[str]
    numbers: NumberWords
    # what may follow a publication date on its line: its source, author or editor
    # ("2024-11-05 09:30 来源：X"), read from a label to the line's end
    published_trailer: re.Pattern[str] = re.compile("(?!)")
    triggers: dict[str, TriggerGroup] = field(default_factory=dict)
    # Chinese unit words of "N units ago" (天 -> day)
    units: dict[str, str] = field(default_factory=dict)
    # "next week" -> 1, for a weekday of a week ("next week Sunday")
    relative_weeks: dict[str, int] = field(default_factory=dict)
    # words that move a quarter from the publication date's ("next quarter", 上季度)
    relative_quarters: dict[str, int] = field(default_factory=dict)
    # the character after 周 / 星期 of each weekday (一 -> 0, 日 and 天 -> 6)
    weekdays_zh: dict[str, int] = field(default_factory=dict)
    # holiday name -> "MM-DD" (a fixed day) or {year: "MM-DD"} (a lunar one, by year)
    holidays: dict[str, str | dict[str, str]] = field(default_factory=dict)
    # words that number a part of a year besides ordinals (上 -> 1, latter -> 2); "last"
    # words name the last part (a half's second, a quarter's fourth)
    part_words: dict[str, int] = field(default_factory=dict)
    last_part_words: tuple[str, ...] = ()
    # resolvers of dates written without their year, which take an anchor's
    anchored: tuple[str, ...] = ()
    # a year written alone, which anchors a date without one ("the 2022 forum")
    bare_year: re.Pattern[str] = re.compile("(?!)")
    # where a sentence ends, for anchors; what lies between the two ends of a range
    sentence_break: re.Pattern[str] = re.compile("(?!)")
    range_gap: re.Pattern[str] = re.compile("(?!)")
    # what may stand before and after a dateline, the date that opens a text
    dateline_before: re.Pattern[str] = re.compile("(?!)")
    dateline_after: re.Pattern[str] = re.compile("(?!)")
    # a year in two digits: 20yy when the publication is at most years_ahead years before
    # it, else 19yy ("03/18/40" in a 2016 article is 1940); with no publication date,
    # 20yy below year_pivot
    year_pivot: int = 50
    years_ahead: int = 20
    # words that put a date without its year ahead of the publication date or behind it
    # ("will launch in May", "was approved in May"): tense.future and tense.past
    future: re.Pattern[str] = re.compile("(?!)")
    past: re.Pattern[str] = re.compile("(?!)")


_RULE_KEYS = {"id", "regex", "resolve", "span_group", "emit", "near", "anchor"}


def group_windows(text: str, rules: DateRules) -> dict[str, list[tuple[int, int]]]:
    """Windows around each trigger group's words, found in the text itself (the spaCy
    component reads them from token flags instead)."""
    low = lowered(text)
    return {name: windows(low, group.in_word, WINDOW) for name, group in rules.triggers.items()}


def _union(spans: list[list[tuple[int, int]]]) -> list[tuple[int, int]]:
    if len(spans) == 1:
        return spans[0]
    return widen(sorted(s for group in spans for s in group), 0, 0, 1 << 62)


def _alternation(words: list[str]) -> str:
    forms: list[str] = []
    for word in sorted(words, key=len, reverse=True):
        forms += [word.title(), word.upper()]
    return "(?:" + "|".join(re.escape(f) for f in forms) + ")"


def _expand(template: str, parts: dict[str, str]) -> str:
    def sub(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in parts:
            raise KeyError(name)
        return parts[name]

    # Parts may refer to other parts; two passes are enough for our nesting.
    out = template
    for _ in range(3):
        out = re.sub(r"\{([A-Z]+)\}", sub, out)
    return out


@lru_cache(maxsize=8)
def load_dates(patterns: Rules) -> DateRules:
    data, file = open_json(
        patterns,
        FILE,
        allowed={
            "months",
            "weekdays",
            "relative_years",
            "anaphoric",
            "relative_days",
            "relative_months",
            "relative_quarters",
            "units",
            "relative_weeks",
            "weekdays_zh",
            "parts",
            "rules",
            "exclude_before",
            "published_labels",
            "published_trailers",
            "triggers",
            "holidays",
            "part_words",
            "last_part_words",
            "anchored_resolvers",
            "anchor",
            "tense",
            "two_digit_years",
        },
        required={"months", "weekdays", "relative_years", "parts", "rules", "published_labels"},
    )
    months = section(data, "months", dict, file=file)
    weekdays = section(data, "weekdays", dict, file=file)
    parts = dict(section(data, "parts", dict, file=file))
    numbers = load_numbers(patterns)
    parts["MONTH"] = _alternation(list(months))
    parts["WEEKDAY"] = _alternation(list(weekdays))
    # weekdays in any case ("tuesday of next week"): no English word is spelled as one
    parts["WEEKDAYL"] = "(?i:" + alternation(list(weekdays)) + ")"
    parts["DAYWORD"] = numbers.day_regex()
    parts["YEARWORD"] = numbers.year_regex()
    parts["ORDWORD"] = "(?i:" + alternation(list(numbers.ordinals)) + ")"
    # holiday names: Chinese as written, English in any case
    holidays = _holidays(data.get("holidays", {}), file)
    parts["HOLIDAY"] = "(?i:" + alternation(list(holidays)) + ")" if holidays else "(?!)"
    rules = []
    for index, raw in enumerate(section(data, "rules", list, file=file)):
        where = f"rules[{index}]"
        expect(raw, dict, file=file, key=where)
        check_keys(raw, file=file, allowed=_RULE_KEYS, required={"id", "regex", "resolve"})
        if raw["resolve"] not in RESOLVERS:
            raise PatternError(
                file, f"{where} ({raw['id']}): unknown resolver {raw['resolve']!r}", key="resolve"
            )
        try:
            expanded = _expand(raw["regex"], parts)
        except KeyError as exc:
            raise PatternError(
                file, f"{where} ({raw['id']}): unknown part {exc}", key="regex"
            ) from None
        regex = compile_regex(expanded, file=file, key=f"{where} ({raw['id']}).regex")
        near = string_list(raw.get("near", []), file=file, key=f"{where}.near")
        rules.append(
            DateRule(
                raw["id"],
                regex,
                raw["resolve"],
                raw.get("span_group"),
                raw.get("emit", True),
                tuple(near),
                _one_of(
                    raw.get("anchor", "sentence"), ("sentence", "range"), file, f"{where}.anchor"
                ),
            )
        )
    labels = string_list(data["published_labels"], file=file, key="published_labels")
    label_alt = "|".join(re.escape(x) for x in sorted(labels, key=len, reverse=True))
    published_line = re.compile(
        rf"^[\s\u2022\u00b7*\-\u2013|>#]*(?:{label_alt})\s*[:\uff1a]?\s*(?P<date>.{{6,60}}?)\s*$",
        re.IGNORECASE,
    )
    tables = {"months": months, "weekdays": weekdays}
    triggers = _trigger_groups(data.get("triggers", {}), file, tables)
    for rule in rules:
        unknown = set(rule.near) - set(triggers)
        if unknown:
            raise PatternError(
                file, f"rule {rule.id}: unknown trigger group {sorted(unknown)}", key="near"
            )
    pivot, ahead = _two_digit_years(data.get("two_digit_years", {}), file)
    return fast_fields(
        DateRules(
            months={k.lower(): int(v) for k, v in months.items()},
            weekdays={k.lower(): int(v) for k, v in weekdays.items()},
            relative_years={
                k.lower(): int(v)
                for k, v in section(data, "relative_years", dict, file=file).items()
            },
            anaphoric=frozenset(
                w.lower()
                for w in string_list(data.get("anaphoric", []), file=file, key="anaphoric")
            ),
            relative_days={k.lower(): int(v) for k, v in data.get("relative_days", {}).items()},
            relative_months={k.lower(): int(v) for k, v in data.get("relative_months", {}).items()},
            relative_quarters={
                k.lower(): int(v) for k, v in data.get("relative_quarters", {}).items()
            },
            rules=tuple(rules),
            exclude_before=string_list(
                data.get("exclude_before", []), file=file, key="exclude_before"
            ),
            published_line=published_line,
            published_trailer=re.compile(
                r"(?i)(?:^|(?<=\s)|(?<=[|｜丨]))(?:"
                + (
                    alternation(
                        string_list(
                            data.get("published_trailers", []),
                            file=file,
                            key="published_trailers",
                        )
                    )
                    or "(?!)"
                )
                + r")\s*[:：].*$"
            ),
            numbers=numbers,
            triggers=triggers,
            units={str(k): str(v) for k, v in data.get("units", {}).items()},
            relative_weeks={k.lower(): int(v) for k, v in data.get("relative_weeks", {}).items()},
            weekdays_zh={str(k): int(v) for k, v in data.get("weekdays_zh", {}).items()},
            holidays={k.lower(): v for k, v in holidays.items()},
            part_words={str(k).lower(): int(v) for k, v in data.get("part_words", {}).items()},
            last_part_words=string_list(
                data.get("last_part_words", []), file=file, key="last_part_words"
            ),
            anchored=string_list(
                data.get("anchored_resolvers", []), file=file, key="anchored_resolvers"
            ),
            year_pivot=pivot,
            years_ahead=ahead,
            **_anchor_rules(data.get("anchor", {}), file, parts),
            **_tense_rules(data.get("tense", {}), file),
        )
    )


def _two_digit_years(raw: Any, file: str) -> tuple[int, int]:
    """The century rule of a year in two digits (DateRules.year_pivot, years_ahead)."""
    expect(raw, dict, file=file, key="two_digit_years")
    check_keys(raw, file=file, allowed={"_comment", "pivot", "ahead"}, within="two_digit_years")
    return (
        int(raw.get("pivot", DateRules.year_pivot)),
        int(raw.get("ahead", DateRules.years_ahead)),
    )


def _tense_rules(raw: Any, file: str) -> dict[str, re.Pattern[str]]:
    """The regexes of the words of each tense: whole words (or Chinese characters)."""
    expect(raw, dict, file=file, key="tense")
    check_keys(
        raw, file=file, allowed={"_comment", "future", "past", "not_past_ed"}, within="tense"
    )
    out = {}
    for key in ("future", "past"):
        words = string_list(raw.get(key, []), file=file, key=f"tense.{key}")
        alternatives = [rf"(?<![A-Za-z'])(?:{alternation(words)})(?![A-Za-z])"] if words else []
        if key == "past" and "not_past_ed" in raw:
            # any English word in -ed (not -eed) is a past form too, but for the
            # adjectives and words of the future listed ("advanced", "scheduled")
            not_past = string_list(raw["not_past_ed"], file=file, key="tense.not_past_ed")
            alternatives.append(
                rf"(?<![A-Za-z'-])(?!(?:{alternation(not_past)})(?![A-Za-z]))"
                r"[a-z]{2,}[^e\W\d_]ed(?![A-Za-z-])"
            )
        if alternatives:
            out[key] = re.compile("(?i)" + "|".join(alternatives))
    return out


_ANCHOR_KEYS = ("bare_year", "sentence_break", "range_gap", "dateline_before", "dateline_after")


def _anchor_rules(raw: Any, file: str, parts: dict[str, str]) -> dict[str, re.Pattern[str]]:
    """The regexes of the reference time: a bare year, a sentence break, a range gap."""
    expect(raw, dict, file=file, key="anchor")
    check_keys(
        raw,
        file=file,
        allowed={"_comment", *_ANCHOR_KEYS},
        required=set(),
    )
    out = {}
    for key in _ANCHOR_KEYS:
        if key in raw:
            out[key] = compile_regex(_expand(str(raw[key]), parts), file=file, key=f"anchor.{key}")
    return out


def _one_of(value: Any, allowed: tuple[str, ...], file: str, key: str) -> str:
    if value not in allowed:
        raise PatternError(file, f"{value!r} is not one of {', '.join(allowed)}", key=key)
    return str(value)


def _holidays(raw: Any, file: str) -> dict[str, str | dict[str, str]]:
    """Holiday names with the day of each: "MM-DD", a rule (``holiday_day``), or a table
    {year: "MM-DD"}."""
    expect(raw, dict, file=file, key="holidays")
    day = re.compile(rf"(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01])|{_HOLIDAY_RULE.pattern}")
    out: dict[str, str | dict[str, str]] = {}
    for name, when in raw.items():
        if name.startswith("_"):
            continue
        days = when if isinstance(when, dict) else {"": when}
        for year, value in days.items():
            if not isinstance(value, str) or not day.fullmatch(value):
                raise PatternError(file, f"holidays.{name}: {value!r} is not MM-DD", key=name)
            if year and not re.fullmatch(r"\d{4}", year):
                raise PatternError(file, f"holidays.{name}: {year!r} is not a year", key=name)
        out[name] = when if isinstance(when, str) else dict(when)
    return out


def _trigger_groups(
    raw: Any, file: str, tables: dict[str, dict[str, int]]
) -> dict[str, TriggerGroup]:
    expect(raw, dict, file=file, key="triggers")
    groups = {}
    for name, spec in raw.items():
        key = f"triggers.{name}"
        expect(spec, dict, file=file, key=key)
        check_keys(
            spec, file=file, allowed={"words", "tables", "numbers", "split_at"}, required=set()
        )
        numbers = None
        if "numbers" in spec:
            numbers = compile_regex(str(spec["numbers"]), file=file, key=f"{key}.numbers")
        words = string_list(spec.get("words", []), file=file, key=f"{key}.words")
        for table in string_list(spec.get("tables", []), file=file, key=f"{key}.tables"):
            if table not in tables:
                known = ", ".join(sorted(tables))
                raise PatternError(file, f"unknown table {table!r} (known: {known})", key=key)
            words = (*words, *sorted(tables[table]))
        split_at = tuple(string_list(spec.get("split_at", []), file=file, key=f"{key}.split_at"))
        groups[name] = TriggerGroup(tuple(w.lower() for w in words), numbers, split_at)
    return groups


# ---------------------------------------------------------------- pure resolution


def _valid(year: int, month: int, day: int) -> bool:
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True


@dataclass(frozen=True)
class Parts:
    """What one rule match says, read once: its regex groups, the month, day and year
    they name, the publication date and the anchor (reference time) of the match."""

    groups: dict[str, Any]
    published: date | None
    rules: DateRules
    month: int | None
    day: int | None
    year: int | None
    anchor: Anchor | None = None
    tense: str | None = None  # "future" or "past": what the date's clause says (_tense)

    @property
    def pub_year(self) -> int | None:
        return self.published.year if self.published else None

    def offset(self, table: dict[str, int], key: str = "rel") -> int | None:
        return table.get((self.groups.get(key) or "").lower())


Resolver = Callable[[Parts], "DateValue | None"]
# resolver name (the "resolve" of a rule in dates.json) -> function; each declared once
RESOLVERS: dict[str, Resolver] = {}


def resolver(*names: str) -> Callable[[Resolver], Resolver]:
    def register(fn: Resolver) -> Resolver:
        for name in names:
            RESOLVERS[name] = fn
        return fn

    return register


def resolve(
    kind: str,
    groups: dict[str, Any],
    published: date | None,
    rules: DateRules,
    anchor: Anchor | None = None,
    tense: str | None = None,
) -> DateValue | None:
    """Turn the groups of one rule match into a TIMEX3-style value.

    >>> r = default_rules()
    >>> resolve("month_rel_year", {"monthname": "December", "rel": "last"}, date(2024, 5, 26), r)
    DateValue(value='2023-12', granularity='month', relative=True)
    >>> resolve("month_rel_year", {"monthname": "June", "rel": "this"}, None, r)
    DateValue(value='XXXX-06', granularity='month', relative=True)
    >>> resolve("md", {"monthname": "June", "day": "3"}, date(2024, 5, 26), r, Anchor(2022))
    DateValue(value='2022-06-03', granularity='day', relative=False)
    """
    groups = {k: _arabic(v) if isinstance(v, str) else v for k, v in groups.items()}
    for key in ("rel", "day"):
        # a rule's other forms name their groups key2, key3, ... ("the year after next")
        if not groups.get(key):
            groups[key] = next(
                (groups[k] for i in range(2, 10) if groups.get(k := f"{key}{i}")), None
            )
    day = _day(groups.get("day"), rules)
    year = _year_of(groups.get("year"), rules, published)
    if (groups.get("day") and day is None) or (groups.get("year") and year is None):
        return None
    parts = Parts(groups, published, rules, _month(groups, rules), day, year, anchor, tense)
    value = RESOLVERS[kind](parts)
    # a value with no known part ("last year" in an undated article) says nothing
    if value is None or not value.value.strip("X-"):
        return None
    return value


@resolver("none")
def _none(p: Parts) -> DateValue | None:
    return None


@resolver("ymd")
def _ymd(p: Parts) -> DateValue | None:
    if p.year is None or p.month is None or p.day is None or not _valid(p.year, p.month, p.day):
        return None
    return DateValue(f"{p.year:04d}-{p.month:02d}-{p.day:02d}", "day", False)


@resolver("same_year")
def _same_year(p: Parts) -> DateValue | None:
    # "同年9月", "in May of the same year": find_dates gives the year of the date before
    # it in the text, if any
    shown = f"{p.year:04d}" if p.year else "XXXX"
    if p.month is None:
        return DateValue(shown, "year", True) if p.year else None
    if p.day is None:
        return DateValue(f"{shown}-{p.month:02d}", "month", True)
    if p.year and not _valid(p.year, p.month, p.day):
        return None
    return DateValue(f"{shown}-{p.month:02d}-{p.day:02d}", "day", True)


@resolver("ymd_or_md")
def _ymd_or_md(p: Parts) -> DateValue | None:
    # a day carried after a full date: its year when the text gives one
    return _ymd(p) if p.year is not None else _md(p)


@resolver("ym")
def _ym(p: Parts) -> DateValue | None:
    if p.year is None or p.month is None:
        return None
    return DateValue(f"{p.year:04d}-{p.month:02d}", "month", False)


@resolver("year")
def _year_rule(p: Parts) -> DateValue | None:
    return DateValue(f"{p.year:04d}", "year", False) if p.year else None


@resolver("rel_year")
def _rel_year(p: Parts) -> DateValue | None:
    offset = p.offset(p.rules.relative_years)
    if offset is None:
        return None
    return DateValue(_year(p.pub_year, offset), "year", True)


@resolver("month_rel_year")
def _month_rel_year(p: Parts) -> DateValue | None:
    offset = p.offset(p.rules.relative_years)
    if offset is None or p.month is None:
        return None
    return DateValue(f"{_year(p.pub_year, offset)}-{p.month:02d}", "month", True)


@resolver("rel_month")
def _rel_month(p: Parts) -> DateValue | None:
    # "last December": the most recent December before the publication month;
    # "this June": June of the publication year; "next June": the first June after.
    month, published = p.month, p.published
    if month is None:
        return None
    rel = p.groups["rel"].lower()
    if published is None:
        return DateValue(f"XXXX-{month:02d}", "month", True)
    if rel == "last":
        y = published.year if month < published.month else published.year - 1
    elif rel == "next":
        y = published.year if month > published.month else published.year + 1
    else:
        y = published.year
    return DateValue(f"{y:04d}-{month:02d}", "month", True)


@resolver("md")
def _md(p: Parts) -> DateValue | None:
    month, day, published = p.month, p.day, p.published
    if month is None or day is None or not _valid(2000, month, day):
        return None
    if p.anchor is not None:
        y = p.anchor.year_for(month)
        return (
            DateValue(f"{y:04d}-{month:02d}-{day:02d}", "day", False)
            if _valid(y, month, day)
            else None
        )
    if published is None:
        return DateValue(f"XXXX-{month:02d}-{day:02d}", "day", True)
    # the year that puts the day nearest the publication date ("Jan. 1" in a
    # December article is next year's)
    years = [
        y for y in (published.year - 1, published.year, published.year + 1) if _valid(y, month, day)
    ]
    if not years:
        return None
    y = min(years, key=lambda y: (abs((date(y, month, day) - published).days), -y))
    return DateValue(f"{y:04d}-{month:02d}-{day:02d}", "day", True)


@resolver("md_rel_year")
def _md_rel_year(p: Parts) -> DateValue | None:
    # "November 25 last year"
    offset = p.offset(p.rules.relative_years)
    month, day = p.month, p.day
    if offset is None or month is None or day is None or not _valid(2000, month, day):
        return None
    if p.pub_year is None:
        return DateValue(f"XXXX-{month:02d}-{day:02d}", "day", True)
    y = p.pub_year + offset
    return (
        DateValue(f"{y:04d}-{month:02d}-{day:02d}", "day", True) if _valid(y, month, day) else None
    )


@resolver("slash_date")
def _slash_date(p: Parts) -> DateValue | None:
    # 08/27/2024 (month first, as US pages write it) or 27/08/2024 (a first part over 12
    # can only be a day)
    a, b = int(p.groups["a"]), int(p.groups["b"])
    m, d = (b, a) if a > 12 else (a, b)
    if p.year is None or not _valid(p.year, m, d):
        return None
    return DateValue(f"{p.year:04d}-{m:02d}-{d:02d}", "day", False)


@resolver("in_offset", "from_today")
def _in_offset(p: Parts) -> DateValue | None:
    # "in two weeks", "3 days from today", "two days after today"
    if p.published is None:
        return None
    n = _count(p.groups["n"], p.rules)
    if n is None:
        return None
    unit = p.groups["unit"].lower().rstrip("s")
    sign = -1 if p.groups.get("dir", "").lower() in ("before", "prior to") else 1
    # the day counted from: "from tomorrow", "before yesterday"
    shift = p.rules.relative_days.get((p.groups.get("anchor") or "today").lower(), 0)
    return _offset(p.published + timedelta(days=shift), sign * n, unit)


@resolver("day_rel_month")
def _day_rel_month(p: Parts) -> DateValue | None:
    # "the 15th of next month"
    offset = p.offset(p.rules.relative_months)
    if p.published is None or offset is None or p.day is None:
        return None
    y, m = _months_on(p.published, offset)
    return DateValue(f"{y:04d}-{m:02d}-{p.day:02d}", "day", True) if _valid(y, m, p.day) else None


@resolver("month_only")
def _month_only(p: Parts) -> DateValue | None:
    if p.month is None:
        return None
    if p.anchor is not None:
        return DateValue(f"{p.anchor.year_for(p.month):04d}-{p.month:02d}", "month", False)
    if p.published is None:
        return DateValue(f"XXXX-{p.month:02d}", "month", True)
    # the year that puts the month nearest the publication date ("September" in a
    # January article is last year's), the publication year on a tie; on its side of
    # the publication date when the sentence's tense says which ("will launch in May")
    month = p.month - 1
    y = _nearest_year(
        p.published.year,
        p.published.year * 12 + p.published.month - 1,
        p.tense,
        lambda y: y * 12 + month,
    )
    if y is None:
        return None
    return DateValue(f"{y:04d}-{p.month:02d}", "month", True)


def _nearest_year(
    pub_year: int, pub_at: int, tense: str | None, at: Callable[[int], int | None]
) -> int | None:
    """Of the publication year and the years either side, the one whose occurrence of a
    month or holiday (``at(year)``, on the scale of ``pub_at``; None where there is none)
    is nearest the publication, on the side the clause's tense says; the publication
    year on a tie."""
    found = [(y, pos) for y in (pub_year, pub_year - 1, pub_year + 1) if (pos := at(y)) is not None]
    if tense == "future":
        found = [f for f in found if f[1] >= pub_at]
    elif tense == "past":
        found = [f for f in found if f[1] <= pub_at]
    if not found:
        return None
    return min(found, key=lambda f: abs(f[1] - pub_at))[0]


@resolver("day_only")
def _day_only(p: Parts) -> DateValue | None:
    day, published = p.day, p.published
    if day is None:
        return None
    if published is None:
        return DateValue(f"XXXX-XX-{day:02d}", "day", True)
    y, m = published.year, published.month
    if day > published.day:  # "on the 28th" in an article of the 5th: last month
        y, m = (y, m - 1) if m > 1 else (y - 1, 12)
    if not _valid(y, m, day):
        return None
    return DateValue(f"{y:04d}-{m:02d}-{day:02d}", "day", True)


@resolver("rel_day")
def _rel_day(p: Parts) -> DateValue | None:
    offset = p.offset(p.rules.relative_days, "relday")
    if p.published is None or offset is None:
        return None
    return DateValue((p.published + timedelta(days=offset)).isoformat(), "day", True)


@resolver("rel_month_word")
def _rel_month_word(p: Parts) -> DateValue | None:
    offset = p.offset(p.rules.relative_months)
    if p.published is None or offset is None:
        return None
    return DateValue(_shift_month(p.published, offset), "month", True)


@resolver("rel_quarter")
def _rel_quarter(p: Parts) -> DateValue | None:
    # "next quarter", 本季度, 上一季度: the quarter of the publication date, moved
    offset = p.offset(p.rules.relative_quarters)
    if p.published is None or offset is None:
        return None
    n = p.published.year * 4 + (p.published.month - 1) // 3 + offset
    return DateValue(f"{n // 4:04d}-Q{n % 4 + 1}", "quarter", True)


@resolver("ago")
def _ago(p: Parts) -> DateValue | None:
    if p.published is None:
        return None
    n = _count(p.groups["n"], p.rules)
    if n is None:
        return None
    unit = p.rules.units.get(p.groups["unit"], p.groups["unit"].lower().rstrip("s"))
    return _offset(p.published, -n, unit)


@resolver("weekday")
def _weekday_rule(p: Parts) -> DateValue | None:
    if p.published is None:
        return None
    target = _weekday(p.groups["weekday"], p.rules)
    back = (p.published.weekday() - target) % 7
    return DateValue((p.published - timedelta(days=back)).isoformat(), "day", True)


@resolver("roc")
def _roc(p: Parts) -> DateValue | None:
    # a Taiwan-calendar year, perhaps with a month, perhaps written after 今/去/明
    # ("今（114）年2月": relative in form, the year given)
    y = int(p.groups["roc"]) + 1911
    relative = bool(p.groups.get("rel"))
    if p.month is None:
        return DateValue(f"{y:04d}", "year", relative)
    return DateValue(f"{y:04d}-{p.month:02d}", "month", relative)


@resolver("rel_weekday")
def _rel_weekday(p: Parts) -> DateValue | None:
    # "next Monday": Monday of next week; "last Wednesday": Wednesday of the week
    # before; "this/coming Friday": the next one from the publication day; "this past
    # Wednesday": the latest one before it
    published = p.published
    if published is None:
        return None
    target = _weekday(p.groups["weekday"], p.rules)
    rel = " ".join(p.groups["rel"].lower().split())
    monday = published - timedelta(days=published.weekday())
    if rel in ("next", "following", "the following"):
        day_ = monday + timedelta(days=7 + target)
    elif rel in ("last", "previous", "the previous"):
        day_ = monday - timedelta(days=7 - target)
    elif rel in ("past", "this past"):
        day_ = published - timedelta(days=(published.weekday() - target) % 7 or 7)
    elif rel == "this":
        day_ = published + timedelta(days=(target - published.weekday()) % 7)
    else:  # coming, this coming, upcoming: the next one, a week on when it is today
        day_ = published + timedelta(days=(target - published.weekday()) % 7 or 7)
    return DateValue(day_.isoformat(), "day", True)


@resolver("md_numeric")
def _md_numeric(p: Parts) -> DateValue | None:
    # "on 4/22", "Friday 7.6": month first unless the first part cannot be a month
    a, b = int(p.groups["a"]), int(p.groups["b"])
    m, d = (b, a) if a > 12 else (a, b)
    return resolve("md", {"month": str(m), "day": str(d)}, p.published, p.rules, p.anchor)


@resolver("ym_numeric")
def _ym_numeric(p: Parts) -> DateValue | None:
    # "2016-11", "2016 / 11", "11 - 2016", "2015.3"; "2011-12" with a hyphen may be the
    # years 2011 to 2012, so a hyphen month above the year's last two digits gives no row
    year, month = p.year, p.month
    if year is None or month is None:
        return None
    hyphen = p.groups.get("sep", "").strip() in ("-", "–") and p.groups.get("yearfirst")
    if hyphen and len(p.groups["month"]) == 2 and int(p.groups["month"]) > year % 100:
        return None
    return DateValue(f"{year:04d}-{month:02d}", "month", False)


@resolver("weekday_day")
def _weekday_day(p: Parts) -> DateValue | None:
    # "Thursday the 21st": the nearest day to the publication date that is both
    published, day = p.published, p.day
    if published is None or day is None:
        return None
    target = _weekday(p.groups["weekday"], p.rules)
    best = None
    for shift in range(-6, 7):
        y, m = _months_on(published, shift)
        if _valid(y, m, day) and date(y, m, day).weekday() == target:
            cand = date(y, m, day)
            if best is None or abs((cand - published).days) < abs((best - published).days):
                best = cand
    return DateValue(best.isoformat(), "day", True) if best else None


@resolver("week_weekday")
def _week_weekday(p: Parts) -> DateValue | None:
    # "next week Sunday", "on Tuesday of last week", "this week Friday"
    if p.published is None:
        return None
    offset = p.rules.relative_weeks.get(" ".join(p.groups["rel"].lower().split()))
    if offset is None:
        return None
    target = _weekday(p.groups["weekday"], p.rules)
    monday = p.published - timedelta(days=p.published.weekday())
    return DateValue((monday + timedelta(days=7 * offset + target)).isoformat(), "day", True)


@resolver("ago_compound")
def _ago_compound(p: Parts) -> DateValue | None:
    # "1 month and 21 days ago", "2 years 1 month 21 days ago": a day
    if p.published is None:
        return None
    counted = _counted(p.groups["offsets"], p.rules)
    if counted is None:
        return None
    return DateValue(_shifted(p.published, *counted, sign=-1).isoformat(), "day", True)


@resolver("date_offset")
def _date_offset(p: Parts) -> DateValue | None:
    # "three weeks after": no date alone; find_dates counts it from the date after it
    return None


_OFFSET_PARTS = re.compile(r"(\w+) (year|month|fortnight|week|day)s?")


def _counted(offsets: str, rules: DateRules) -> tuple[int, int] | None:
    """Months and days an offset counts ("2 years 1 month 21 days" -> (25, 21))."""
    months = days = 0
    for n, unit in _OFFSET_PARTS.findall(offsets.lower()):
        count = _count(n, rules)
        if count is None:
            return None
        if unit in ("year", "month"):
            months += count * (12 if unit == "year" else 1)
        else:
            days += count * {"week": 7, "fortnight": 14}.get(unit, 1)
    return months, days


def _shifted(day: date, months: int, days: int, sign: int) -> date:
    y, m = _months_on(day, sign * months)
    d = min(day.day, calendar.monthrange(y, m)[1])
    return date(y, m, d) + timedelta(days=sign * days)


def _from_date(value: DateValue, offsets: str, before: bool, rules: DateRules) -> DateValue | None:
    """A date counted from another ("two weeks after March 3, 2023" -> 2023-03-17): a day
    from a day, a month from a month by whole months, a year from a year by whole years;
    none where the count is finer than the date ("two weeks after 2022")."""
    counted = _counted(offsets, rules)
    if counted is None or "X" in value.value:
        return None
    months, days = counted
    sign = -1 if before else 1
    if value.granularity == "day":
        shifted = _shifted(date.fromisoformat(value.value), months, days, sign)
        return DateValue(shifted.isoformat(), "day", value.relative)
    if value.granularity == "month" and not days:
        first = date.fromisoformat(f"{value.value}-01")
        return DateValue(_shift_month(first, sign * months), "month", value.relative)
    if value.granularity == "year" and not days and not months % 12:
        return DateValue(f"{int(value.value) + sign * months // 12:04d}", "year", value.relative)
    return None


def _year_or_relative(p: Parts) -> tuple[str, bool] | None:
    """The year a part of a year belongs to: written ("2024"), relative ("this year",
    今年, against the publication date), else the reference time's ("the second quarter
    of 2022 and ... the third quarter") or, with none, the publication year."""
    if p.year is not None:
        return f"{p.year:04d}", False
    if p.anchor is not None and not p.groups.get("rel"):
        return f"{p.anchor.year:04d}", False
    offset = p.offset(p.rules.relative_years) if p.groups.get("rel") else 0
    if offset is None:
        return None
    return _year(p.pub_year, offset), True


@resolver("ordinal_month")
def _ordinal_month(p: Parts) -> DateValue | None:
    # "the third month of 2021", "the 9th month of next year"
    n = _ordinal(p.groups["ord"], p.rules)
    if n is None or not 1 <= n <= 12 or (p.year is None and not p.groups.get("rel")):
        return None
    shown = _year_or_relative(p)
    return None if shown is None else DateValue(f"{shown[0]}-{n:02d}", "month", shown[1])


@resolver("half", "quarter")
def _part_of_year(p: Parts) -> DateValue | None:
    # "the first half of 2024" -> 2024-H1, "Q3 2023" / 2023年第三季度 -> 2023-Q3; the
    # number comes as a word, an ordinal, a digit or 上/下 (the first/second half)
    halves = p.groups.get("half") is not None
    word = p.groups["part"].lower()
    n = (2 if halves else 4) if word in p.rules.last_part_words else None
    n = n or p.rules.part_words.get(word) or _ordinal(word, p.rules)
    if n is None or not 1 <= n <= (2 if halves else 4):
        return None
    shown = _year_or_relative(p)
    if shown is None or not shown[0].isdigit():
        return None  # a part of an unknown year says little
    year = int(shown[0])
    if p.year is None and p.anchor is None and not p.groups.get("rel") and p.published:
        # the publication year's, unless the clause's tense puts it on the other side of
        # the publication date ("sales rose in the fourth quarter" in a March article:
        # last year's; "will launch in the first quarter" in a November one: next year's)
        months = 6 if halves else 3
        first = p.published.replace(day=1, month=(n - 1) * months + 1)
        if p.tense == "past" and first > p.published:
            year -= 1
        elif p.tense == "future" and first.month + months - 1 < p.published.month:
            year += 1
    return DateValue(
        f"{year:04d}-{'H' if halves else 'Q'}{n}", "half" if halves else "quarter", shown[1]
    )


_HOLIDAY_RULE = re.compile(
    r"(?:easter|(?P<month>0[1-9]|1[0-2])/(?P<weekday>mon|tue|wed|thu|fri|sat|sun)/(?P<n>-1|[1-5]))"
    r"(?P<days>[+-]\d{1,2})?"
)
_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def holiday_day(rule: str, year: int) -> date:
    """The day of a holiday by rule in a year: "easter" (Western Easter Sunday) or
    "MM/weekday/n", the nth weekday of a month (-1: the last), each with a count of days.

    >>> holiday_day("easter", 2024), holiday_day("easter-2", 2019)
    (datetime.date(2024, 3, 31), datetime.date(2019, 4, 19))
    >>> holiday_day("11/thu/4+1", 2010), holiday_day("05/mon/-1", 2023)
    (datetime.date(2010, 11, 26), datetime.date(2023, 5, 29))
    """
    m = _HOLIDAY_RULE.fullmatch(rule)
    if m is None:
        raise ValueError(f"not a holiday rule: {rule!r}")
    if m.group("month") is None:
        # the Gregorian computus (Meeus/Jones/Butcher)
        a, b, c = year % 19, year // 100, year % 100
        d, e = divmod(b, 4)
        g = (8 * b + 13) // 25
        h = (19 * a + b - d - g + 15) % 30
        i, k = divmod(c, 4)
        ell = (32 + 2 * e + 2 * i - h - k) % 7
        shift = (a + 11 * h + 19 * ell) // 433
        month, day_ = divmod(h + ell - 7 * shift + 114, 31)
        found = date(year, month, day_ + 1)
    else:
        month, n = int(m.group("month")), int(m.group("n"))
        target = _WEEKDAYS.index(m.group("weekday"))
        if n > 0:
            first = date(year, month, 1)
            found = first + timedelta(days=(target - first.weekday()) % 7 + 7 * (n - 1))
        else:
            last = date(year, month, calendar.monthrange(year, month)[1])
            found = last - timedelta(days=(last.weekday() - target) % 7)
    return found + timedelta(days=int(m.group("days") or 0))


def _holiday_in(when: str | dict[str, str], year: int) -> date | None:
    """The day of a holiday in a year: fixed, by rule, or from its table by year."""
    if isinstance(when, dict):
        when = when.get(str(year), "")
        if not when:
            return None
    if _HOLIDAY_RULE.fullmatch(when):
        return holiday_day(when, year)
    month, day_ = (int(x) for x in when.split("-"))
    return date(year, month, day_) if _valid(year, month, day_) else None


@resolver("holiday")
def _holiday(p: Parts) -> DateValue | None:
    # a holiday of a fixed day (国庆节 -> 10-01), by rule (Easter), or of a lunar one from
    # the table of its dates by year; the year as written, relative, or the publication
    # year; "last Easter", "next Christmas": the nearest one before or after publication
    when = p.rules.holidays.get(p.groups["holiday"].lower())
    if when is None:
        return None
    nearest = (p.groups.get("near") or "").lower()
    if nearest and p.published is not None:
        later = nearest == "next"
        for year in range(p.published.year - 1, p.published.year + 2)[:: 1 if later else -1]:
            day_ = _holiday_in(when, year)
            if day_ is not None and (day_ > p.published if later else day_ < p.published):
                return DateValue(day_.isoformat(), "day", True)
        return None
    if p.year is None and p.anchor is None and not p.groups.get("rel") and p.published:
        # no year to go by: the one nearest publication, on the side the clause's tense
        # says ("国庆节期间，该院开出了处方" in a June article: last October's)
        def occurs(y: int) -> int | None:
            day_ = _holiday_in(when, y)
            return day_.toordinal() if day_ else None

        y = _nearest_year(p.published.year, p.published.toordinal(), p.tense, occurs)
        day_ = _holiday_in(when, y) if y is not None else None
        return DateValue(day_.isoformat(), "day", True) if day_ else None
    shown = _year_or_relative(p)
    if shown is None or not shown[0].isdigit():
        return None
    day_ = _holiday_in(when, int(shown[0]))
    return DateValue(day_.isoformat(), "day", shown[1]) if day_ else None


@resolver("nth_weekday")
def _nth_weekday(p: Parts) -> DateValue | None:
    # "the second Sunday" (of the publication month), "the first Monday of March"
    n = _ordinal(p.groups["ord"], p.rules)
    target = _weekday(p.groups["weekday"], p.rules)
    in_month = p.month or (p.published.month if p.published else None)
    in_year = p.year or (p.published.year if p.published else None)
    if n is None or in_month is None or in_year is None:
        return None
    first = date(in_year, in_month, 1)
    day_ = first + timedelta(days=(target - first.weekday()) % 7 + 7 * (n - 1))
    if day_.month != in_month:
        return None
    return DateValue(day_.isoformat(), "day", p.year is None)


def _weekday(name: str, rules: DateRules) -> int:
    """Monday 0 .. Sunday 6, from an English name or a Chinese one (一 of 周一, 日; the
    numeral comes here as a digit, read by _arabic)."""
    key = name.lower()
    if key in rules.weekdays:
        return rules.weekdays[key]
    if key.isdigit():
        return int(key) - 1
    return rules.weekdays_zh[key]


def _ordinal(text: str, rules: DateRules) -> int | None:
    """ "third" -> 3, "9th" -> 9."""
    text = text.strip().lower()
    digits = re.match(r"(\d+)(?:st|nd|rd|th)?$", text)
    if digits:
        return int(digits.group(1))
    return rules.numbers.ordinals.get(text)


def _day(text: str | None, rules: DateRules) -> int | None:
    """A day of the month in digits ("21st") or words ("twenty-first")."""
    if not text:
        return None
    digits = re.sub(r"\D", "", text)
    if digits:
        return int(digits)
    return rules.numbers.day_words.get(" ".join(re.split(r"[\s-]+", text.lower().strip())))


def _year_of(text: str | None, rules: DateRules, published: date | None = None) -> int | None:
    """A year in four digits, in two ("'87", "05/05/89": this century unless that puts it
    more than years_ahead after the publication, or with none at or past year_pivot), or
    in words ("nineteen ninety six", 两千零四).

    >>> r = default_rules()
    >>> _year_of("40", r, date(2016, 11, 7)), _year_of("30", r, date(2016, 11, 7)), _year_of("40", r)
    (1940, 2030, 2040)
    """
    if not text:
        return None
    text = text.strip().lstrip("'’")
    if text.isdigit():
        if len(text) == 2:
            year = 2000 + int(text)
            if published is not None:
                return year if year <= published.year + rules.years_ahead else year - 100
            return year if int(text) < rules.year_pivot else year - 100
        return int(text)
    value = rules.numbers.year_value(text) or chinese_number(text, rules.numbers)
    return int(value) if value else None


_ZH_DIGITS = {
    "〇": 0,
    "○": 0,
    "零": 0,
    "一": 1,
    "二": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}


def _arabic(text: str) -> str:
    """Chinese numerals as digits: a year digit by digit (二○二一 -> 2021), a month or
    day with 十 (十二 -> 12, 二十三 -> 23, 三十 -> 30); other text unchanged.

    >>> _arabic("二○二一"), _arabic("十二"), _arabic("二十三"), _arabic("八"), _arabic("May")
    ('2021', '12', '23', '8', 'May')
    """
    if text == "元":
        return "1"  # 元月: the first month
    if not text or any(c not in _ZH_DIGITS and c != "十" for c in text):
        return text
    if "十" not in text:
        return "".join(str(_ZH_DIGITS[c]) for c in text)
    tens, _, units = text.partition("十")
    return str((_ZH_DIGITS[tens] if tens else 1) * 10 + (_ZH_DIGITS[units] if units else 0))


# resolvers whose relative word counts years: an anaphoric one ("the following year",
# "May the following year") counts from the reference year; a relative month, week or
# day ("the following month") still counts from the publication date
_YEAR_RELATIVE = frozenset(
    {"rel_year", "month_rel_year", "md_rel_year", "half", "quarter", "ordinal_month"}
)


def _reference_year(found: list[DateMatch]) -> str | None:
    """The year of the last date found before, where it has one: the reference time of
    an anaphoric date (同年, "the following year")."""
    years = [o.value.value[:4] for o in found if o.value.value[:4].isdigit()]
    return years[-1] if years else None


def _anaphoric(groups: dict[str, Any], rules: DateRules) -> bool:
    """Whether a match's relative word counts from the reference time (rules.anaphoric)."""
    rel = groups.get("rel") or groups.get("rel2") or groups.get("rel3")
    return isinstance(rel, str) and " ".join(rel.lower().split()) in rules.anaphoric


def _ended_before(found: list[DateMatch], start: int) -> list[DateMatch]:
    """The dates of ``found`` that end by ``start``, in text order."""
    return sorted((o for o in found if o.end <= start), key=lambda o: o.start)


def _base_date(
    rule: DateRule,
    groups: dict[str, Any],
    published: date | None,
    before: Callable[[], list[DateMatch]],
    rules: DateRules,
) -> date | None:
    """What a match's relative word counts from: the publication date, or for an
    anaphoric year ("approved the following year", "the first half of the following
    year") the year of the last date ``before()`` gives, where there is one (asked only
    then: the dates before a match, in order, cost a sort per match)."""
    if rule.resolve in _YEAR_RELATIVE and _anaphoric(groups, rules):
        year = _reference_year(before())
        if year is not None:
            return _in_year(published, int(year))
    return published


def _in_year(published: date | None, year: int) -> date:
    """The publication day moved into ``year`` (a reference time that has only a year
    keeps the publication's month and day; 29 February becomes the 28th)."""
    if published is None:
        return date(year, 1, 1)
    return published.replace(
        year=year, day=min(published.day, 28) if published.month == 2 else published.day
    )


def _count(text: str, rules: DateRules) -> int | None:
    """A count written as digits, words or "a" ("a week")."""
    text = text.strip().lower()
    if text.isdigit():
        return int(text)
    if text in ("a", "an", "one"):
        return 1
    if text in ("a few", "few", "several"):
        return None  # no count, no day
    value = words_to_number(text, rules.numbers) or chinese_number(text, rules.numbers)
    return int(value) if value else None


def _offset(published: date, n: int, unit: str) -> DateValue:
    """The day n days or weeks after (before, when negative) the publication date; a
    count of months says a month, of years a year (as TIMEX3 news annotation does)."""
    if unit == "year":
        return DateValue(f"{published.year + n:04d}", "year", True)
    if unit == "month":
        return DateValue(_shift_month(published, n), "month", True)
    days = n * (7 if unit == "week" else 14 if unit == "fortnight" else 1)
    return DateValue((published + timedelta(days=days)).isoformat(), "day", True)


def _months_on(day: date, offset: int) -> tuple[int, int]:
    """(year, month) ``offset`` months after (before, when negative) ``day``'s month."""
    index = day.year * 12 + day.month - 1 + offset
    return index // 12, index % 12 + 1


def _shift_month(day: date, offset: int) -> str:
    year, month = _months_on(day, offset)
    return f"{year:04d}-{month:02d}"


def _month(groups: dict[str, Any], rules: DateRules) -> int | None:
    if groups.get("month"):
        return int(groups["month"])
    name = groups.get("monthname")
    return rules.months.get(name.lower().rstrip(".")) if name else None


def _year(pub_year: int | None, offset: int) -> str:
    return "XXXX" if pub_year is None else f"{pub_year + offset:04d}"


@dataclass(frozen=True)
class DateMatch:
    start: int
    end: int
    rule: str
    value: DateValue


# the matches find_dates keeps, in text order: (start, end, rule, groups)
_Kept = list[tuple[int, int, DateRule, dict[str, Any]]]


def find_dates(
    text: str,
    published: date | None,
    rules: DateRules,
    near: dict[str, list[tuple[int, int]]] | None = None,
) -> list[DateMatch]:
    """Every date expression in text, resolved; non-overlapping, in text order.

    Each rule runs only in the windows of its trigger groups: ``near`` (group -> windows)
    when given, else found in the text by ``group_windows``.
    """
    found: list[tuple[int, int, int, DateRule, re.Match[str]]] = []
    if not rules.triggers:
        near, everywhere = {}, [(0, len(text))]
    else:
        near = group_windows(text, rules) if near is None else near
        everywhere = _union(list(near.values()))
    # rules share trigger groups: their windows are merged once per set of groups
    merged: dict[tuple[str, ...], list[tuple[int, int]]] = {}
    for order, rule in enumerate(rules.rules):
        if rule.near:
            spans = merged.get(rule.near)
            if spans is None:
                spans = merged[rule.near] = _union([near.get(g, []) for g in rule.near])
        else:
            spans = everywhere
        if not spans:
            continue  # none of its trigger words in the text (Chinese rules in English)
        for m in scan_finditer(rule.regex, text, spans):
            s, e = m.span(rule.span_group) if rule.span_group and rule.emit else m.span()
            found.append((s, -(e - s), order, rule, m))
    found.sort(key=lambda t: (t[0], t[1], t[2]))
    kept: _Kept = []
    taken_end = -1
    for start, neg_len, _order, rule, m in found:
        end = start - neg_len
        if start < taken_end:
            continue
        taken_end = end
        if rule.emit and not _excluded(text, m.start(), rules):
            kept.append((start, end, rule, m.groupdict()))
    # dates that state their year first; then those without one, each against an anchor
    out: list[DateMatch] = []
    for start, end, rule, groups in kept:
        if rule.resolve in rules.anchored or rule.resolve in _REFERENCED:
            continue
        value = resolve(
            rule.resolve, groups, _base_date(rule, groups, published, lambda: out, rules), rules
        )
        if value is not None:
            out.append(DateMatch(start, end, rule.id, value))
    yearless = [k for k in kept if k[2].resolve in rules.anchored]
    if yearless:
        refs = _References(text, _explicit_years(text, out, rules), rules)
        for start, end, rule, groups in yearless:
            # a dateline ("3月17日丨", "BEIJING, June 3 -") is the day of publication
            dateline = rules.dateline_before.fullmatch(
                text, 0, start
            ) and rules.dateline_after.match(text, end)
            # (a rule anchored on ranges only, as Chinese dates are, takes its sentence's
            # year too when there is no publication date to fall back on)
            how = rule.anchor if published is not None else "sentence"
            anchor = None if dateline else _anchor(text, start, end, refs, rules, how)
            tense = None
            if (
                anchor is not None
                and anchor.earlier
                and published is not None
                and anchor.year != published.year
            ):
                tense = _tense(text, start, end, refs, rules)
                if tense == ("future" if anchor.year < published.year else "past"):
                    # "Sales were $1.6 billion in 2023. The data will be presented on June
                    # 14.": an earlier sentence's past year is no reference for the future,
                    # nor its future year for the past ("... a trial in fiscal 2025.
                    # Shares have risen since January.")
                    anchor = None
            if anchor is not None or not published:
                tense = None
            elif tense is None:
                tense = _tense(text, start, end, refs, rules)
            base = _base_date(
                rule,
                groups,
                published,
                partial(_ended_before, out, start),
                rules,
            )
            value = resolve(rule.resolve, groups, base, rules, anchor, tense)
            if (
                value is not None
                and anchor is not None
                and not anchor.range_end  # (a range's stated year is its two ends')
                and published is not None
                and _starts_after(value.value, published)
                and _tense(text, start, end, refs, rules) == "past"
            ):
                # "sales rose in the fourth quarter" in a March article that named its
                # own year before: what is past began before the publication date
                value = resolve(rule.resolve, groups, base, rules, None, "past")
            if value is not None:
                out.append(DateMatch(start, end, rule.id, value))
        out.sort(key=lambda o: o.start)
    # last, the dates read from the one before them (同年, "later that year"), in text
    # order: every other date is known by then, so each counts from the nearest before it
    for start, end, rule, groups in kept:
        if rule.resolve not in _REFERENCED:
            continue
        before = [o for o in out if o.end <= start]
        groups["year"] = _reference_year(before)
        value = resolve(rule.resolve, groups, published, rules)
        if value is not None:
            out.insert(len(before), DateMatch(start, end, rule.id, value))
    return _counted_from(text, _days_of_named_month(text, out, kept, rules), kept, rules)


def _days_of_named_month(
    text: str,
    found: list[DateMatch],
    kept: _Kept,
    rules: DateRules,
) -> list[DateMatch]:
    """A day written alone ("on the 20th") after a date of its sentence that names a
    month ("opened on 2 March and shipped on the 20th") is a day of that month, in that
    date's year; with none before it in its sentence it stays a day of the publication
    month."""
    alone = {start for start, _end, rule, _groups in kept if rule.resolve == "day_only"}
    if not alone:
        return found
    out: list[DateMatch] = []
    for match in found:
        previous = out[-1] if out else None
        if (
            match.start in alone
            and previous is not None
            and previous.value.granularity in ("day", "month")
            and rules.sentence_break.search(text, previous.end, match.start) is None
        ):
            day = match.value.value.rsplit("-", 1)[-1]
            month = previous.value.value[:7]  # "2024-03" of "2024-03-02", "XXXX-03"
            if _valid_day(month, day):
                value = DateValue(f"{month}-{day}", "day", previous.value.relative)
                match = DateMatch(match.start, match.end, match.rule, value)
        out.append(match)
    return out


def _valid_day(month: str, day: str) -> bool:
    """Whether ``day`` ("30") is a day of ``month`` ("2024-02"; an unknown year, "XXXX",
    allows 29 February)."""
    year, number = month.split("-")
    try:
        date(int(year) if year.isdigit() else 2000, int(number), int(day))
    except ValueError:
        return False
    return True


# resolvers that count from the date before them (the reference time), read last
_REFERENCED = frozenset({"same_year"})


_VALUE_START = re.compile(r"(\d{4})(?:-(?:(\d{2})(?:-(\d{2}))?|Q([1-4])|H([12])))?$")


def _starts_after(value: str, day: date) -> bool:
    """Whether the time a TIMEX3 value names begins after ``day`` ("2024-Q4" after
    2024-03-04); False for a value with unknown parts.

    >>> _starts_after("2024-Q4", date(2024, 3, 4)), _starts_after("2024-03", date(2024, 3, 4))
    (True, False)
    """
    m = _VALUE_START.match(value)
    if m is None:
        return False
    year, month, dom, quarter, half = m.groups()
    if quarter:
        month = str((int(quarter) - 1) * 3 + 1)
    elif half:
        month = str((int(half) - 1) * 6 + 1)
    return date(int(year), int(month or 1), int(dom or 1)) > day


def _tense(text: str, start: int, end: int, refs: _References, rules: DateRules) -> str | None:
    """What the clause of a date (text[start:end]) says of its time: "future" when it
    holds a word of the future ("will", "plans to"), else "past" when it holds one of the
    past ("was", "approved"), else None. A date that is its clause's only words, set
    before the clause it frames ("In May, the drug was approved", "8月，该院已完成"), takes
    that next clause's tense."""
    s_lo, s_hi = refs.sentence(start)
    # (the date's own clause: "approved in May, and will launch in June" has two; read
    # within TENSE_REACH, so a sentence of thousands of dates stays linear)
    lo, hi = max(s_lo, start - TENSE_REACH), min(s_hi, start + TENSE_REACH)
    cut = [m.end() for m in _CLAUSE_CUT.finditer(text, lo, start)]
    lo = cut[-1] if cut else lo
    after = _CLAUSE_CUT.search(text, start, hi)
    hi = after.start() if after else hi
    clauses = [(lo, hi)]
    if (
        after is not None
        and _FRAME_TAIL.fullmatch(text, end, hi) is not None
        and len(text[lo:start].strip()) <= FRAME_LEAD
    ):
        clauses.append((after.end(), _clause_end(text, after.end(), s_hi)))
    for a, b in clauses:
        if rules.future.search(text, a, b):
            return "future"
        if rules.past.search(text, a, b):
            return "past"
    return None


def _clause_end(text: str, start: int, limit: int) -> int:
    """Where the clause from ``start`` ends (a clause cut, or ``limit``), within
    TENSE_REACH."""
    limit = min(limit, start + TENSE_REACH)
    cut = _CLAUSE_CUT.search(text, start, limit)
    return cut.start() if cut else limit


# the most characters of a date's clause read on each side for its tense
TENSE_REACH = 160
# the most characters before a date in a clause of its own that frames the next ("In")
FRAME_LEAD = 12
# what may follow such a date in its clause: nothing, or a Chinese word of time (期间,
# 前后, 时, 以来)
_FRAME_TAIL = re.compile(r"\s*[\u4e00-\u9fff]{0,3}\s*")
# where a clause ends inside a sentence
_CLAUSE_CUT = re.compile(r"[,;:，；：]|\b(?:and|but|while|whereas|which|after|before)\b")


_BEFORE_ANCHOR = re.compile(r"\s+(?:the\s+)?")


def _counted_from(
    text: str,
    found: list[DateMatch],
    kept: _Kept,
    rules: DateRules,
) -> list[DateMatch]:
    """Dates written as an offset from the date right after it ("3 days after January
    12th") become the date counted; an offset from no date ("after the infusion") is
    none."""
    offsets = {
        end: (start, groups) for start, end, rule, groups in kept if rule.resolve == "date_offset"
    }
    if not offsets:
        return found
    ends = sorted(offsets)  # (kept matches do not overlap: one ends before the next)
    out = []
    for match in found:
        # only the offset ending nearest before the date can be joined to it (looked up,
        # not read over: a storm of offsets stays linear)
        i = bisect_right(ends, match.start) - 1
        if i < 0 or not _BEFORE_ANCHOR.fullmatch(text, ends[i], match.start):
            out.append(match)
            continue
        start, groups = offsets[ends[i]]
        earlier = groups["dir"].lower() in ("before", "prior to")
        value = _from_date(match.value, groups["offsets"], earlier, rules)
        if value is None:
            out.append(match)  # the date counted from, as it is
        else:
            out.append(DateMatch(start, match.end, "date.offset_from_date", value))
    return out


@dataclass(frozen=True)
class _Year:
    """A year the text states: a date's, or a bare year ("the 2022 forum")."""

    start: int
    end: int
    year: int
    month: int | None


def _explicit_years(text: str, dates: list[DateMatch], rules: DateRules) -> list[_Year]:
    """Every year the text states, in order: the dates that give one as written (not
    resolved against the publication date), and bare years outside them."""
    years = [
        _Year(d.start, d.end, int(d.value.value[:4]), _month_of(d.value.value))
        for d in dates
        if not d.value.relative and d.value.value[:4].isdigit()
    ]
    starts = [y.start for y in years]  # the dates are in text order and do not overlap
    for m in rules.bare_year.finditer(text):
        i = bisect_right(starts, m.start()) - 1
        if i < 0 or m.start() >= years[i].end:
            years.append(_Year(m.start(), m.end(), int(m.group()), None))
    return sorted(years, key=lambda y: y.start)


def _month_of(value: str) -> int | None:
    return int(value[5:7]) if len(value) >= 7 and value[5:7].isdigit() else None


class _References:
    """The stated years and sentence breaks of a text, found once and looked up by
    position (an article of many dates stays linear)."""

    def __init__(self, text: str, years: list[_Year], rules: DateRules) -> None:
        # a bare year inside a stated date ("2021" of "March 5, 2021") says nothing the
        # date does not, and a kept pair would make the years overlap (read all, below)
        years = sorted(years, key=lambda y: (y.start, -y.end))
        kept: list[_Year] = []
        for y in years:
            if kept and kept[-1].start <= y.start and y.end <= kept[-1].end:
                continue
            kept.append(y)
        years = kept
        self.years = years
        self.starts = [y.start for y in years]
        # stated years that do not overlap one another end in the order they start, so
        # the nearest before a point is the last one starting before it
        self.ordered = all(a.end <= b.start for a, b in zip(years, years[1:], strict=False))
        breaks = [m.span() for m in rules.sentence_break.finditer(text)]
        self.break_starts = [b[0] for b in breaks]
        self.break_ends = [b[1] for b in breaks]
        self.length = len(text)

    def sentence(self, start: int) -> tuple[int, int]:
        """The (start, end) of the sentence around offset ``start``."""
        i = bisect_right(self.break_ends, start)
        j = bisect_left(self.break_starts, start)
        lo = self.break_ends[i - 1] if i else 0
        return lo, self.break_starts[j] if j < len(self.break_starts) else self.length

    def between(self, lo: int, hi: int) -> list[_Year]:
        """The years starting in [lo, hi)."""
        return self.years[bisect_left(self.starts, lo) : bisect_left(self.starts, hi)]

    def nearest(self, lo: int, hi: int, start: int, end: int) -> _Year | None:
        """Of the years starting in [lo, hi) but not inside [start, end), the nearest to
        that span (distance to the year's end before it, to its start after it); of two
        as near, the earlier. Looked up by position, not by reading every year."""
        if not self.ordered:  # overlapping years: read them all
            inside = [y for y in self.between(lo, hi) if not (start <= y.start < end)]
            if not inside:
                return None
            return min(inside, key=lambda y: y.start - end if y.start >= end else start - y.end)
        i_lo, i_s, i_e, i_hi = (bisect_left(self.starts, x) for x in (lo, start, end, hi))
        before = self.years[i_s - 1] if i_s > i_lo else None
        after = self.years[i_e] if i_e < i_hi else None
        if before is None or (after is not None and after.start - end < start - before.end):
            return after
        return before

    def last_before(self, start: int) -> _Year | None:
        """The last year that starts and ends before ``start``."""
        i = bisect_left(self.starts, start) - 1
        while i >= 0 and self.years[i].end > start:
            i -= 1
        return self.years[i] if i >= 0 else None


def _anchor(
    text: str, start: int, end: int, refs: _References, rules: DateRules, how: str
) -> Anchor | None:
    """The reference time of a date without a year: the nearest year stated in its
    sentence, else the last one stated before it in the text; with ``how`` "range", only
    the other end of a range the date opens. None leaves the date to the publication
    date."""
    lo, hi = refs.sentence(start)
    best = refs.nearest(lo, hi, start, end)
    if best is not None:
        after = best.start >= end
        gap = text[end : best.start] if after else text[best.end : start]
        joined = rules.range_gap.fullmatch(gap) is not None
        if joined or how != "range":
            return Anchor(best.year, best.month, after, joined)
    if how == "range":
        return None
    before = refs.last_before(start)
    return Anchor(before.year, before.month, earlier=True) if before else None


def _excluded(text: str, start: int, rules: DateRules) -> bool:
    before = text[max(0, start - 24) : start]
    return any(word in before for word in rules.exclude_before)


def parse_absolute(text: str, rules: DateRules) -> date | None:
    """A full calendar date written alone ("2024-05-26", "May 26, 2024"), else None."""
    for match in find_dates(text.strip(), None, rules):
        if match.value.granularity == "day" and not match.value.relative:
            return date.fromisoformat(match.value.value)
    return _dateparser_day(text.strip())


@lru_cache(maxsize=4096)
def _dateparser_day(text: str) -> date | None:
    """dateparser for the header formats our rules do not cover ("26/05/2024 10:31 GMT+8")."""
    if not re.search(r"\d", text) or len(text) > 60:
        return None
    import dateparser

    parsed = dateparser.parse(text, languages=["en"], settings=_DATEPARSER_SETTINGS)
    return parsed.date() if parsed else None


_DATEPARSER_SETTINGS: dict[str, Any] = {
    "REQUIRE_PARTS": ["day", "month", "year"],
    "PREFER_DAY_OF_MONTH": "first",
    "STRICT_PARSING": True,
}


def parse_published_value(value: object, patterns: Rules | None = None) -> date | None:
    """A record's publication date in any common form: an ISO date or timestamp, "March
    3, 2024", an RFC 2822 date ("Sun, 03 Mar 2024 10:00:00 +0800"), 2024年3月3日, or an
    epoch in seconds or milliseconds; None when it is none of these.

    >>> [parse_published_value(v) for v in ("2024-03-03T10:00:00Z", "March 3, 2024", 1709424000)]
    [datetime.date(2024, 3, 3), datetime.date(2024, 3, 3), datetime.date(2024, 3, 3)]
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        seconds = value / 1000 if value > 1e11 else value
        try:
            return datetime.fromtimestamp(seconds, tz=UTC).date()
        except (OverflowError, OSError, ValueError):
            return None
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        pass
    rules = default_rules() if patterns is None else load_dates(patterns)
    return parse_absolute(text, rules)


def parse_published_line(line: str, patterns: Rules | None = None) -> date | None:
    """The date of a header line such as "date 2024-05-26" or "Last Update: 2021-11-05",
    with the labels of ``patterns`` (default: the packaged rules)."""
    rules = default_rules() if patterns is None else load_dates(patterns)
    match = rules.published_line.match(line)
    if not match:
        return None
    return parse_absolute(match.group("date"), rules)


@lru_cache(maxsize=1)
def default_rules() -> DateRules:
    """The rules of the packaged patterns (found once: header lines ask for every line)."""
    return load_dates(load_patterns())
