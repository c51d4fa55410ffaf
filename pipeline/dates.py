"""Dates: find date expressions with rules from patterns/dates.json, resolve them to
TIMEX3-style values against the publication date.

The core is pure: ``resolve(kind, groups, published)`` takes the regex groups and the
publication date (never the clock) and returns a DateValue or None. The spaCy component
at the bottom only finds spans and calls the core.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

from spacy.language import Language

from .errors import PatternError
from .numbers import NumberWords, load_numbers, words_to_number
from .resources import check_keys, expect, open_json, section, string_list
from .scan import finditer as scan_finditer
from .scan import widen, windows
from .triggers import hits, register

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
    trigger: re.Pattern[str] | None = None
    trigger_words: tuple[str, ...] = ()
    trigger_numbers: str = r"\d{4}"


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
    "none",
}
_RULE_KEYS = {"id", "regex", "resolve", "span_group", "emit"}


def _trigger(words: tuple[str, ...], numbers: str) -> re.Pattern[str] | None:
    """Trigger words (in the lower-cased text) or trigger numbers, anywhere in a text."""
    if not words:
        return None
    alternatives = [re.escape(w) for w in sorted(words, key=len, reverse=True)]
    return re.compile("|".join([*alternatives, numbers]))


def trigger_question(rules: DateRules) -> Callable[[str], bool]:
    """The same triggers asked of one word: a run of its letters starts with a trigger
    word ("March" starts with "mar"), or it holds a trigger number ("2024", "15th")."""
    words = tuple(sorted(rules.trigger_words))
    numbers = re.compile(rules.trigger_numbers)

    def question(text: str) -> bool:
        low = text.lower()
        return any(run.startswith(words) for run in _LETTERS.findall(low)) or bool(
            numbers.search(low)
        )

    return question


_LETTERS = re.compile(r"[a-z]+")


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
def load_rules(root: Path) -> DateRules:
    data, file = open_json(
        root,
        FILE,
        allowed={
            "months",
            "weekdays",
            "relative_years",
            "relative_days",
            "relative_months",
            "parts",
            "rules",
            "exclude_before",
            "published_labels",
            "trigger_words",
            "trigger_numbers",
        },
        required={"months", "weekdays", "relative_years", "parts", "rules", "published_labels"},
    )
    months = section(data, "months", dict, file=file)
    weekdays = section(data, "weekdays", dict, file=file)
    parts = dict(section(data, "parts", dict, file=file))
    parts["MONTH"] = _alternation(list(months))
    parts["WEEKDAY"] = _alternation(list(weekdays))
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
            regex = re.compile(_expand(raw["regex"], parts))
        except KeyError as exc:
            raise PatternError(
                file, f"{where} ({raw['id']}): unknown part {exc}", key="regex"
            ) from None
        except re.error as exc:
            raise PatternError(
                file, f"{where} ({raw['id']}): bad regex: {exc}", key="regex"
            ) from None
        rules.append(
            DateRule(raw["id"], regex, raw["resolve"], raw.get("span_group"), raw.get("emit", True))
        )
    labels = string_list(data["published_labels"], file=file, key="published_labels")
    label_alt = "|".join(re.escape(x) for x in sorted(labels, key=len, reverse=True))
    published_line = re.compile(
        rf"^[\s\u2022\u00b7*\-\u2013|>#]*(?:{label_alt})\s*[:\uff1a]?\s*(?P<date>.{{6,60}}?)\s*$",
        re.IGNORECASE,
    )
    trigger_words = string_list(data.get("trigger_words", []), file=file, key="trigger_words")
    trigger_numbers = str(data.get("trigger_numbers", r"\d{4}"))
    try:
        re.compile(trigger_numbers)
    except re.error as exc:
        raise PatternError(file, f"bad regex: {exc}", key="trigger_numbers") from None
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
        numbers=load_numbers(root),
        trigger=_trigger(trigger_words, trigger_numbers),
        trigger_words=trigger_words,
        trigger_numbers=trigger_numbers,
    )


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
    month = _month(groups, rules)
    day = int(re.sub(r"\D", "", groups["day"])) if groups.get("day") else None
    year = int(groups["year"]) if groups.get("year") else None
    pub_year = published.year if published else None

    if kind == "ymd":
        if year is None or month is None or day is None or not _valid(year, month, day):
            return None
        return DateValue(f"{year:04d}-{month:02d}-{day:02d}", "day", False)
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
        if pub_year is None:
            return DateValue(f"XXXX-{month:02d}-{day:02d}", "day", True)
        if not _valid(pub_year, month, day):
            return None
        return DateValue(f"{pub_year:04d}-{month:02d}-{day:02d}", "day", True)
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
        n = (
            int(groups["n"])
            if groups["n"].isdigit()
            else int(words_to_number(groups["n"], rules.numbers) or 0)
        )
        unit = groups["unit"].lower().rstrip("s")
        if unit == "year":
            return DateValue(f"{published.year - n:04d}", "year", True)
        if unit == "month":
            return DateValue(_shift_month(published, -n), "month", True)
        days = n * (7 if unit == "week" else 1)
        return DateValue((published - timedelta(days=days)).isoformat(), "day", True)
    if kind == "weekday":
        if published is None:
            return None
        target = rules.weekdays[groups["weekday"].lower()]
        back = (published.weekday() - target) % 7
        return DateValue((published - timedelta(days=back)).isoformat(), "day", True)
    return None


def _shift_month(day: date, offset: int) -> str:
    index = day.year * 12 + day.month - 1 + offset
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


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
    spans: list[tuple[int, int]] | None = None,
) -> list[DateMatch]:
    """Every date expression in text, resolved; non-overlapping, in text order. The
    rules run in ``spans`` when given, else in windows around the trigger words."""
    found: list[tuple[int, int, int, DateRule, re.Match[str]]] = []
    if spans is None:
        spans = [(0, len(text))]
        if rules.trigger is not None:
            lowered = text.lower()
            spans = windows(lowered if len(lowered) == len(text) else text, rules.trigger, WINDOW)
    for order, rule in enumerate(rules.rules):
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
        value = resolve(rule.resolve, m.groupdict(), published, rules)
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


def parse_published_line(line: str, root: Path | None = None) -> date | None:
    """The date of a header line such as "date 2024-05-26" or "Last Update: 2021-11-05"."""
    rules = load_rules(_root(root))
    match = rules.published_line.match(line)
    if not match:
        return None
    return parse_absolute(match.group("date"), rules)


def _root(root: Path | None) -> Path:
    from .resources import patterns_dir

    return patterns_dir(root)


def default_rules() -> DateRules:
    return load_rules(_root(None))


# ---------------------------------------------------------------- component


class DatesComponent:
    def __init__(self, nlp: Language, name: str, patterns: str):
        self.rules = load_rules(_root(Path(patterns) if patterns else None))
        self.trigger = (
            register(nlp.vocab, trigger_question(self.rules)) if self.rules.trigger else None
        )

    def __call__(self, doc: Any) -> Any:
        from .facts import Fact, add_fact, text_of

        text = text_of(doc)
        spans = None
        if self.trigger is not None:
            spans = widen(hits(doc, self.trigger), WINDOW, WINDOW, len(text))
        for m in find_dates(text, doc.user_data.get("published"), self.rules, spans):
            add_fact(
                doc,
                "dates",
                Fact(
                    m.start,
                    m.end,
                    m.rule,
                    {
                        "value": m.value.value,
                        "granularity": m.value.granularity,
                        "relative": m.value.relative,
                    },
                ),
            )
        return doc


@Language.factory("cartfacts_dates", default_config={"patterns": ""}, requires=["doc._.cartfacts"])
def make_dates(nlp: Language, name: str, patterns: str) -> DatesComponent:
    return DatesComponent(nlp, name, patterns)
