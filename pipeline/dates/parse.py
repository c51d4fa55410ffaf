"""Dates: find date expressions with rules from patterns/dates.json, resolve them to
TIMEX3-style values against the publication date.

The core is pure: ``resolve(kind, groups, published)`` takes the regex groups and the
publication date (never the clock) and returns a DateValue or None. The spaCy component
at the bottom only finds spans and calls the core.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import cached_property, lru_cache
from typing import Any

from ..errors import PatternError
from ..nlp.scan import alternation, lowered, widen, windows
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
    granularity: str  # day, month, year
    relative: bool


@dataclass(frozen=True)
class DateRule:
    id: str
    regex: re.Pattern[str]
    resolve: str
    span_group: str | None
    emit: bool
    near: tuple[str, ...] = ()  # trigger groups one of which every match holds; () = any


@dataclass(frozen=True)
class TriggerGroup:
    """Words (each a whole run of letters: "may" marks "May 5", not "mayor") and
    numbers (a regex) that mark where some rules can match."""

    words: tuple[str, ...]
    numbers: re.Pattern[str] | None

    def holds(self, word: str) -> bool:
        """Whether one word (a token) holds a trigger of the group."""
        return self.in_word.search(word.lower()) is not None

    @cached_property
    def in_word(self) -> re.Pattern[str]:
        """A trigger word that is a whole run of letters, or a trigger number: asked of
        one token by the component, of the whole lower-cased text by group_windows."""
        parts = [rf"(?<![a-z])(?:{alternation(self.words)})(?![a-z])"] if self.words else []
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
    relative_days: dict[str, int]
    relative_months: dict[str, int]
    rules: tuple[DateRule, ...]
    exclude_before: tuple[str, ...]
    published_line: re.Pattern[str]
    numbers: NumberWords
    triggers: dict[str, TriggerGroup] = field(default_factory=dict)
    # Chinese unit words of "N units ago" (天 -> day)
    units: dict[str, str] = field(default_factory=dict)
    # "next week" -> 1, for a weekday of a week ("next week Sunday")
    relative_weeks: dict[str, int] = field(default_factory=dict)
    # the character after 周 / 星期 of each weekday (一 -> 0, 日 and 天 -> 6)
    weekdays_zh: dict[str, int] = field(default_factory=dict)


_RESOLVERS = {
    "rel_day",
    "rel_month_word",
    "ago",
    "ymd",
    "ym",
    "month_rel_year",
    "rel_month",
    "md",
    "month_only",
    "rel_year",
    "year",
    "day_only",
    "weekday",
    "rel_weekday",
    "slash_date",
    "md_rel_year",
    "in_offset",
    "from_today",
    "day_rel_month",
    "roc",
    "ymd_or_md",
    "same_year",
    "weekday_day",
    "week_weekday",
    "ago_compound",
    "md_numeric",
    "ym_numeric",
    "ordinal_month",
    "nth_weekday",
    "none",
}
_RULE_KEYS = {"id", "regex", "resolve", "span_group", "emit", "near"}


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
            "relative_days",
            "relative_months",
            "units",
            "relative_weeks",
            "weekdays_zh",
            "parts",
            "rules",
            "exclude_before",
            "published_labels",
            "triggers",
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
    rules = []
    for index, raw in enumerate(section(data, "rules", list, file=file)):
        where = f"rules[{index}]"
        expect(raw, dict, file=file, key=where)
        check_keys(raw, file=file, allowed=_RULE_KEYS, required={"id", "regex", "resolve"})
        if raw["resolve"] not in _RESOLVERS:
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
    return DateRules(
        months={k.lower(): int(v) for k, v in months.items()},
        weekdays={k.lower(): int(v) for k, v in weekdays.items()},
        relative_years={
            k.lower(): int(v) for k, v in section(data, "relative_years", dict, file=file).items()
        },
        relative_days={k.lower(): int(v) for k, v in data.get("relative_days", {}).items()},
        relative_months={k.lower(): int(v) for k, v in data.get("relative_months", {}).items()},
        rules=tuple(rules),
        exclude_before=string_list(data.get("exclude_before", []), file=file, key="exclude_before"),
        published_line=published_line,
        numbers=numbers,
        triggers=triggers,
        units={str(k): str(v) for k, v in data.get("units", {}).items()},
        relative_weeks={k.lower(): int(v) for k, v in data.get("relative_weeks", {}).items()},
        weekdays_zh={str(k): int(v) for k, v in data.get("weekdays_zh", {}).items()},
    )


def _trigger_groups(
    raw: Any, file: str, tables: dict[str, dict[str, int]]
) -> dict[str, TriggerGroup]:
    expect(raw, dict, file=file, key="triggers")
    groups = {}
    for name, spec in raw.items():
        key = f"triggers.{name}"
        expect(spec, dict, file=file, key=key)
        check_keys(spec, file=file, allowed={"words", "tables", "numbers"}, required=set())
        numbers = None
        if "numbers" in spec:
            numbers = compile_regex(str(spec["numbers"]), file=file, key=f"{key}.numbers")
        words = string_list(spec.get("words", []), file=file, key=f"{key}.words")
        for table in string_list(spec.get("tables", []), file=file, key=f"{key}.tables"):
            if table not in tables:
                known = ", ".join(sorted(tables))
                raise PatternError(file, f"unknown table {table!r} (known: {known})", key=key)
            words = (*words, *sorted(tables[table]))
        groups[name] = TriggerGroup(tuple(w.lower() for w in words), numbers)
    return groups


# ---------------------------------------------------------------- pure resolution


def _valid(year: int, month: int, day: int) -> bool:
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True


def resolve(
    kind: str, groups: dict[str, Any], published: date | None, rules: DateRules
) -> DateValue | None:
    """Turn the groups of one rule match into a TIMEX3-style value.

    >>> r = default_rules()
    >>> resolve("month_rel_year", {"monthname": "December", "rel": "last"}, date(2024, 5, 26), r)
    DateValue(value='2023-12', granularity='month', relative=True)
    >>> resolve("month_rel_year", {"monthname": "June", "rel": "this"}, None, r)
    DateValue(value='XXXX-06', granularity='month', relative=True)
    """
    groups = {k: _arabic(v) if isinstance(v, str) else v for k, v in groups.items()}
    if groups.get("rel2") and not groups.get("rel"):  # a rule's second form ("the year after next")
        groups["rel"] = groups["rel2"]
    month = _month(groups, rules)
    day = _day(groups.get("day"), rules)
    year = _year_of(groups.get("year"), rules)
    if (groups.get("day") and day is None) or (groups.get("year") and year is None):
        return None
    pub_year = published.year if published else None

    if kind == "ymd":
        if year is None or month is None or day is None or not _valid(year, month, day):
            return None
        return DateValue(f"{year:04d}-{month:02d}-{day:02d}", "day", False)
    if kind == "same_year":
        # "同年9月", "in May of the same year": find_dates gives the year of the date
        # before it in the text, if any
        shown = f"{year:04d}" if year else "XXXX"
        if month is None:
            return DateValue(shown, "year", True) if year else None
        if day is None:
            return DateValue(f"{shown}-{month:02d}", "month", True)
        if year and not _valid(year, month, day):
            return None
        return DateValue(f"{shown}-{month:02d}-{day:02d}", "day", True)
    if kind == "ymd_or_md":
        # a day carried after a full date: its year when the text gives one
        return resolve("ymd" if year is not None else "md", groups, published, rules)
    if kind == "ym":
        if year is None or month is None:
            return None
        return DateValue(f"{year:04d}-{month:02d}", "month", False)
    if kind == "year":
        return DateValue(f"{year:04d}", "year", False) if year else None
    if kind == "rel_year":
        offset = rules.relative_years.get(groups["rel"].lower())
        if offset is None:
            return None
        return DateValue(_year(pub_year, offset), "year", True)
    if kind == "month_rel_year":
        offset = rules.relative_years.get(groups["rel"].lower())
        if offset is None or month is None:
            return None
        return DateValue(f"{_year(pub_year, offset)}-{month:02d}", "month", True)
    if kind == "rel_month":
        # "last December": the most recent December before the publication month;
        # "this June": June of the publication year; "next June": the first June after.
        if month is None:
            return None
        rel = groups["rel"].lower()
        if published is None:
            return DateValue(f"XXXX-{month:02d}", "month", True)
        if rel == "last":
            y = published.year if month < published.month else published.year - 1
        elif rel == "next":
            y = published.year if month > published.month else published.year + 1
        else:
            y = published.year
        return DateValue(f"{y:04d}-{month:02d}", "month", True)
    if kind == "md":
        if month is None or day is None or not _valid(2000, month, day):
            return None
        if published is None:
            return DateValue(f"XXXX-{month:02d}-{day:02d}", "day", True)
        # the year that puts the day nearest the publication date ("Jan. 1" in a
        # December article is next year's)
        years = [
            y
            for y in (published.year - 1, published.year, published.year + 1)
            if _valid(y, month, day)
        ]
        if not years:
            return None
        y = min(years, key=lambda y: (abs((date(y, month, day) - published).days), -y))
        return DateValue(f"{y:04d}-{month:02d}-{day:02d}", "day", True)
    if kind == "md_rel_year":
        # "November 25 last year"
        offset = rules.relative_years.get(groups["rel"].lower())
        if offset is None or month is None or day is None or not _valid(2000, month, day):
            return None
        if pub_year is None:
            return DateValue(f"XXXX-{month:02d}-{day:02d}", "day", True)
        y = pub_year + offset
        return (
            DateValue(f"{y:04d}-{month:02d}-{day:02d}", "day", True)
            if _valid(y, month, day)
            else None
        )
    if kind == "slash_date":
        # 08/27/2024 (month first, as US pages write it) or 27/08/2024 (a first part
        # over 12 can only be a day)
        a, b = int(groups["a"]), int(groups["b"])
        m, d = (b, a) if a > 12 else (a, b)
        if year is None or not _valid(year, m, d):
            return None
        return DateValue(f"{year:04d}-{m:02d}-{d:02d}", "day", False)
    if kind in ("in_offset", "from_today"):
        # "in two weeks", "3 days from today", "two days after today"
        if published is None:
            return None
        n = _count(groups["n"], rules)
        if n is None:
            return None
        unit = groups["unit"].lower().rstrip("s")
        sign = -1 if groups.get("dir", "").lower() in ("before", "prior to") else 1
        # the day counted from: "from tomorrow", "before yesterday"
        shift = rules.relative_days.get((groups.get("anchor") or "today").lower(), 0)
        return _offset(published + timedelta(days=shift), sign * n, unit)
    if kind == "day_rel_month":
        # "the 15th of next month"
        offset = rules.relative_months.get(groups["rel"].lower())
        if published is None or offset is None or day is None:
            return None
        y, m = _months_on(published, offset)
        return DateValue(f"{y:04d}-{m:02d}-{day:02d}", "day", True) if _valid(y, m, day) else None
    if kind == "month_only":
        if month is None:
            return None
        return DateValue(f"{_year(pub_year, 0)}-{month:02d}", "month", True)
    if kind == "day_only":
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
    if kind == "rel_day":
        offset = rules.relative_days.get(groups["relday"].lower())
        if published is None or offset is None:
            return None
        return DateValue((published + timedelta(days=offset)).isoformat(), "day", True)
    if kind == "rel_month_word":
        offset = rules.relative_months.get(groups["rel"].lower())
        if published is None or offset is None:
            return None
        return DateValue(_shift_month(published, offset), "month", True)
    if kind == "ago":
        if published is None:
            return None
        n = _count(groups["n"], rules)
        if n is None:
            return None
        unit = rules.units.get(groups["unit"], groups["unit"].lower().rstrip("s"))
        return _offset(published, -n, unit)
    if kind == "weekday":
        if published is None:
            return None
        target = _weekday(groups["weekday"], rules)
        back = (published.weekday() - target) % 7
        return DateValue((published - timedelta(days=back)).isoformat(), "day", True)
    if kind == "roc":
        # a Taiwan-calendar year, perhaps with a month, perhaps written after 今/去/明
        # ("今（114）年2月": relative in form, the year given)
        y = int(groups["roc"]) + 1911
        relative = bool(groups.get("rel"))
        if month is None:
            return DateValue(f"{y:04d}", "year", relative)
        return DateValue(f"{y:04d}-{month:02d}", "month", relative)
    if kind == "rel_weekday":
        # "next Monday": Monday of next week; "last Wednesday": Wednesday of the week
        # before; "this/coming Friday": the next one from the publication day; "this
        # past Wednesday": the latest one before it
        if published is None:
            return None
        target = _weekday(groups["weekday"], rules)
        rel = " ".join(groups["rel"].lower().split())
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
    return _resolve_more(kind, groups, published, rules, month=month, day=day, year=year)


def _resolve_more(
    kind: str,
    groups: dict[str, Any],
    published: date | None,
    rules: DateRules,
    *,
    month: int | None,
    day: int | None,
    year: int | None,
) -> DateValue | None:
    """Resolvers of week-relative, numeric and compound forms (split from resolve)."""
    if kind == "md_numeric":
        # "on 4/22", "Friday 7.6": month first unless the first part cannot be a month
        a, b = int(groups["a"]), int(groups["b"])
        m, d = (b, a) if a > 12 else (a, b)
        return resolve("md", {"month": str(m), "day": str(d)}, published, rules)
    if kind == "ym_numeric":
        # "2016-11", "2016 / 11", "11 - 2016", "2015.3"; "2011-12" with a hyphen may be
        # the years 2011 to 2012, so a hyphen month above the year's last two digits
        # gives no row
        if year is None or month is None:
            return None
        hyphen = groups.get("sep", "").strip() in ("-", "–") and groups.get("yearfirst")
        if hyphen and len(groups["month"]) == 2 and int(groups["month"]) > year % 100:
            return None
        return DateValue(f"{year:04d}-{month:02d}", "month", False)
    if kind == "weekday_day":
        # "Thursday the 21st": the nearest day to the publication date that is both
        if published is None or day is None:
            return None
        target = _weekday(groups["weekday"], rules)
        best = None
        for shift in range(-6, 7):
            y, m = _months_on(published, shift)
            if _valid(y, m, day) and date(y, m, day).weekday() == target:
                cand = date(y, m, day)
                if best is None or abs((cand - published).days) < abs((best - published).days):
                    best = cand
        return DateValue(best.isoformat(), "day", True) if best else None
    if kind == "week_weekday":
        # "next week Sunday", "on Tuesday of last week", "this week Friday"
        if published is None:
            return None
        offset = rules.relative_weeks.get(" ".join(groups["rel"].lower().split()))
        if offset is None:
            return None
        target = _weekday(groups["weekday"], rules)
        monday = published - timedelta(days=published.weekday())
        return DateValue((monday + timedelta(days=7 * offset + target)).isoformat(), "day", True)
    if kind == "ago_compound":
        # "1 month and 21 days ago", "2 years 1 month 21 days ago": a day
        if published is None:
            return None
        months_back = days_back = 0
        for n, unit in re.findall(r"(\w+) (year|month|week|day)s?", groups["offsets"].lower()):
            count = _count(n, rules)
            if count is None:
                return None
            if unit in ("year", "month"):
                months_back += count * (12 if unit == "year" else 1)
            else:
                days_back += count * (7 if unit == "week" else 1)
        y, m = _months_on(published, -months_back)
        d = min(published.day, calendar.monthrange(y, m)[1])
        return DateValue((date(y, m, d) - timedelta(days=days_back)).isoformat(), "day", True)
    if kind == "ordinal_month":
        # "the third month of 2021", "the 9th month of next year"
        n = _ordinal(groups["ord"], rules)
        if n is None or not 1 <= n <= 12:
            return None
        if year is None:
            offset = rules.relative_years.get((groups.get("rel") or "").lower())
            if offset is None:
                return None
            return DateValue(
                f"{_year(published.year if published else None, offset)}-{n:02d}", "month", True
            )
        return DateValue(f"{year:04d}-{n:02d}", "month", False)
    if kind == "nth_weekday":
        # "the second Sunday" (of the publication month), "the first Monday of March"
        n = _ordinal(groups["ord"], rules)
        target = _weekday(groups["weekday"], rules)
        in_month = month or (published.month if published else None)
        in_year = year or (published.year if published else None)
        if n is None or in_month is None or in_year is None:
            return None
        first = date(in_year, in_month, 1)
        day_ = first + timedelta(days=(target - first.weekday()) % 7 + 7 * (n - 1))
        if day_.month != in_month:
            return None
        return DateValue(day_.isoformat(), "day", year is None)
    return None


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


def _year_of(text: str | None, rules: DateRules) -> int | None:
    """A year in four digits, in two ("'87", "05/05/89": the nearer century, pivot
    50), or in words ("nineteen ninety six")."""
    if not text:
        return None
    text = text.strip().lstrip("'’")
    if text.isdigit():
        if len(text) == 2:
            return 2000 + int(text) if int(text) < 50 else 1900 + int(text)
        return int(text)
    return rules.numbers.year_value(text)


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
    if not text or any(c not in _ZH_DIGITS and c != "十" for c in text):
        return text
    if "十" not in text:
        return "".join(str(_ZH_DIGITS[c]) for c in text)
    tens, _, units = text.partition("十")
    return str((_ZH_DIGITS[tens] if tens else 1) * 10 + (_ZH_DIGITS[units] if units else 0))


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
    out: list[DateMatch] = []
    taken_end = -1
    for start, neg_len, _order, rule, m in found:
        end = start - neg_len
        if start < taken_end:
            continue
        taken_end = end
        if not rule.emit or _excluded(text, m.start(), rules):
            continue
        groups = m.groupdict()
        if rule.resolve == "same_year":
            years = [o.value.value[:4] for o in out if o.value.value[:4].isdigit()]
            groups["year"] = years[-1] if years else None
        value = resolve(rule.resolve, groups, published, rules)
        if value is None:
            continue
        out.append(DateMatch(start, end, rule.id, value))
    return out


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
