"""Number words ("ninety-five", "one hundred", "a") to values, from patterns/numbers.json."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import Any

from ..nlp.scan import alternation
from ..rules import Rules, expect, open_json, section, string_list

FILE = "numbers.json"


@dataclass(frozen=True)
class NumberWords:
    units: dict[str, int]
    tens: dict[str, int]
    scales: dict[str, int]
    articles: frozenset[str]
    fractions: dict[str, float] = field(default_factory=dict)
    chinese: dict[str, int] = field(default_factory=dict)  # 一 -> 1, 十 -> 10
    chinese_point: tuple[str, ...] = ()  # 点: a decimal point in Chinese numerals
    ordinals: dict[str, int] = field(default_factory=dict)  # first -> 1, thirtieth -> 30
    year_scales: dict[str, int] = field(default_factory=dict)  # thousand -> 1000

    @cached_property
    def day_words(self) -> dict[str, int]:
        """Every day of a month in words: ordinals ("first", "twenty-first") and the
        compound cardinals ("twenty one"); a single cardinal ("five") is left out, as
        "in March two companies" is no date. Keys use one space between words."""
        out = {word: value for word, value in self.ordinals.items() if value <= 31}
        small = {w: v for w, v in self.ordinals.items() if v < 10}
        units = {w: v for w, v in self.units.items() if 0 < v < 10}
        for ten, tv in self.tens.items():
            if tv > 30:
                continue
            for word, value in [*small.items(), *units.items()]:
                if tv + value <= 31:
                    out[f"{ten} {word}"] = tv + value
        return out

    def day_regex(self) -> str:
        """A day of the month in words (see day_words), hyphen or space between parts."""
        forms = sorted(self.day_words, key=len, reverse=True)
        return "(?i:" + "|".join(re.escape(f).replace(r"\ ", "[- ]") for f in forms) + ")"

    def year_regex(self) -> str:
        """A year in words: "nineteen ninety six", "nineteen oh five", "two thousand and
        fifteen", "nineteen hundred ninety three"."""
        unit, ten, num = self._word_alternations()
        # the last two digits of "nineteen ninety six", "twenty ten": 10 and up (the
        # "zero five" form aside), so "May twenty nine" is a day, not 2009
        teen = "|".join(
            sorted((w for w, v in self.units.items() if v >= 10), key=len, reverse=True)
        )
        big = [w for w, v in self.year_scales.items() if v == 1000]
        small = [w for w, v in self.year_scales.items() if v == 100]
        if not big or not small:
            return "(?!)"
        thousand, hundred = alternation(big), alternation(small)
        return (
            rf"(?i:{num} (?:{thousand})(?:(?: and)? {num} (?:{hundred}))?(?:(?: and)? {num})?"
            rf"|{num} (?:{hundred})(?:(?: and)? {num})?"
            rf"|{num} (?:(?:zero|oh)[- ](?:{unit})|(?:{ten})(?:[- ](?:{unit}))?|{teen}))"
        )

    def year_value(self, text: str) -> int | None:
        """The year a year_regex match says, or None outside 1000-2199.

        >>> from pipeline.rules import load_patterns
        >>> w = load_numbers(load_patterns())
        >>> [w.year_value(t) for t in ("nineteen ninety six", "two thousand and fifteen",
        ...  "nineteen hundred ninety three", "nineteen zero one", "twenty twenty one")]
        [1996, 2015, 1993, 1901, 2021]
        """
        words = re.sub(r"[\s-]+", " ", text.lower()).replace(" and ", " ").split()
        for scale, factor in sorted(self.year_scales.items(), key=lambda kv: -kv[1]):
            if scale in words:
                at = words.index(scale)
                head = words_to_number(" ".join(words[:at]), self)
                after = " ".join(words[at + 1 :])
                tail = words_to_number(after, self) if after else 0.0
                if head is None or tail is None:
                    return None
                year = int(head) * factor + int(tail)
                return year if 1000 <= year <= 2199 else None
        if len(words) < 2:
            return None
        head = words_to_number(words[0], self)
        rest = words[2:] if words[1] in ("zero", "oh") else words[1:]
        tail = words_to_number(" ".join(rest), self)
        if words[1] not in ("zero", "oh") and tail is not None and tail < 10:
            return None
        if head is None or tail is None or tail >= 100:
            return None
        year = int(head) * 100 + int(tail)
        return year if 1000 <= year <= 2199 else None

    def chinese_regex(self) -> str:
        """A run of Chinese numerals, with a decimal part (八十二点五), or "(?!)"."""
        if not self.chinese:
            return "(?!)"
        digit = "[" + "".join(map(re.escape, self.chinese)) + "]"
        point = alternation(self.chinese_point) if self.chinese_point else "(?!)"
        return rf"{digit}+(?:(?:{point}){digit}+)?"

    def _word_alternations(self) -> tuple[str, str, str]:
        """The alternations of the unit words, of the tens, and of one number below a
        hundred ("ninety-five", "twelve"), longest first."""
        unit = alternation(self.units)
        ten = alternation(self.tens)
        return unit, ten, rf"(?:(?:{ten})(?:[- ](?:{unit}))?|{unit})"

    def regex(self) -> str:
        """A regex alternation for one number written in words (longest first)."""
        _unit, _ten, simple = self._word_alternations()
        scale = "|".join(self.scales)
        articles = "|".join(sorted(self.articles, key=len, reverse=True)) or "a"
        fractional = ""
        if self.fractions:
            frac = "|".join(
                f.replace(" ", r"\s+") for f in sorted(self.fractions, key=len, reverse=True)
            )
            # "one and a half", then "half a" / "a quarter of a" / "half-a" / "a half"
            # (before "million": "half-million-dollar", "a half million")
            fractional = (
                rf"{simple}\s+and\s+(?:{articles})\s+(?:{frac})\b"
                rf"|(?:(?:{articles})[\s-]+)?(?:{frac})(?:[\s-]+of)?(?:[\s-]+(?:{articles}))?"
                rf"(?=[ -]\w)|"
            )
        return (
            rf"(?i:{fractional}(?:(?:{articles}|{simple})\s+(?:{scale})(?:\s+(?:and\s+)?{simple})?|{simple}"
            rf"|(?:{articles})(?=[ -]\w)))"
        )

    def needs_scale(self, text: str) -> bool:
        """Whether a number in words counts only before a scale word: "a" ("a million")
        and fractions of one ("half a million", "half-million"), not "one and a half".

        >>> from pipeline.rules import load_patterns
        >>> w = load_numbers(load_patterns())
        >>> w.needs_scale("half-a"), w.needs_scale("half"), w.needs_scale("one and a half")
        (True, True, False)
        """
        low = re.sub(r"[\s-]+", " ", text.lower().strip())
        if low.split(" ")[-1] in self.articles:
            return True
        # a fraction alone ("half", "half-a"), not a whole number and a fraction
        parts = _FRACTION.fullmatch(low)
        return parts is not None and parts.group("frac2") in self.fractions


@lru_cache(maxsize=8)
def load_numbers(patterns: Rules) -> NumberWords:
    data, file = open_json(
        patterns,
        FILE,
        allowed={
            "units",
            "tens",
            "scales",
            "articles",
            "fractions",
            "chinese",
            "chinese_point",
            "ordinals",
            "year_scales",
        },
        required={"units", "tens", "scales"},
    )
    return NumberWords(
        units={k: int(v) for k, v in section(data, "units", dict, file=file).items()},
        tens={k: int(v) for k, v in section(data, "tens", dict, file=file).items()},
        scales={k: int(v) for k, v in section(data, "scales", dict, file=file).items()},
        articles=frozenset(string_list(data.get("articles", []), file=file, key="articles")),
        fractions=_table(data, "fractions", file, float),
        chinese=_table(data, "chinese", file, int),
        chinese_point=tuple(
            string_list(data.get("chinese_point", []), file=file, key="chinese_point")
        ),
        ordinals=_table(data, "ordinals", file, int),
        year_scales=_table(data, "year_scales", file, int),
    )


def _table(data: dict[str, Any], key: str, file: str, kind: type) -> dict[str, Any]:
    """An optional word -> value table of numbers.json, words in lower case."""
    table = expect(data.get(key, {}), dict, file=file, key=key)
    return {k.lower(): kind(v) for k, v in table.items()}


def chinese_number(text: str, words: NumberWords) -> float | None:
    """The value of a number in Chinese numerals: place values up to 千 (萬 and 亿 are
    the multipliers of money that follow it), digit by digit after a decimal point;
    "多" (and more) is left to the qualifier.

    >>> from pipeline.rules import load_patterns
    >>> w = load_numbers(load_patterns())
    >>> [chinese_number(t, w) for t in ("一千多", "十", "二百五十", "百", "八十二点五", "九五")]
    [1000.0, 10.0, 250.0, 100.0, 82.5, 95.0]
    """
    text = text.rstrip("多余餘")
    for point in words.chinese_point:
        if point in text:
            whole, _, decimals = text.partition(point)
            head = chinese_number(whole, words) if whole else 0.0
            tail = [words.chinese.get(ch) for ch in decimals]
            if head is None or not tail or any(d is None or d > 9 for d in tail):
                return None
            return head + float("0." + "".join(str(d) for d in tail))
    total = current = 0
    place = False
    for ch in text:
        value = words.chinese.get(ch)
        if value is None:
            return None
        if value >= 10:
            total += (current or 1) * value
            current, place = 0, True
        elif place or not current:
            current = value
        else:
            current = current * 10 + value  # digit by digit: 九五 is 95
    total += current
    return float(total) if total or text in ("零", "〇", "○") else None


# "one and a half" (whole and fraction), "half a" / "a quarter of a" (a fraction of one)
_FRACTION = re.compile(
    r"(?:(?P<whole>.+?) and an? (?P<frac>\w+(?: \w+)?)"
    r"|(?:an? )?(?P<frac2>\w+(?: (?!of\b|an?\b)\w+)?)(?: of)?(?: an?)?)"
)


def words_to_number(text: str, words: NumberWords) -> float | None:
    """Value of a number in words, else None.

    >>> from pipeline.rules import load_patterns
    >>> w = load_numbers(load_patterns())
    >>> words_to_number("ninety-five", w), words_to_number("one hundred", w), words_to_number("a", w)
    (95.0, 100.0, 1.0)
    >>> words_to_number("half a", w), words_to_number("a quarter of a", w), words_to_number("two and a half", w)
    (0.5, 0.25, 2.5)
    """
    low = re.sub(r"[\s-]+", " ", text.lower().strip())
    parts = _FRACTION.fullmatch(low)
    frac = parts and (parts.group("frac") or parts.group("frac2"))
    if parts and frac in words.fractions:
        if parts.group("whole") is None:
            return words.fractions[frac]
        value = words_to_number(parts.group("whole"), words)
        return None if value is None else value + words.fractions[frac]
    total = 0
    current = 0
    seen = False
    for word in low.split(" "):
        if not word or word == "and":
            continue
        if word in words.articles:
            current += 1
        elif word in words.units:
            current += words.units[word]
        elif word in words.tens:
            current += words.tens[word]
        elif word in words.scales:
            current = max(current, 1) * words.scales[word]
            total += current
            current = 0
        else:
            return None
        seen = True
    return float(total + current) if seen else None
