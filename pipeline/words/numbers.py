"""Number words ("ninety-five", "one hundred", "a") to values, from patterns/numbers.json."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

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

    def chinese_regex(self) -> str:
        """A run of Chinese numerals, with a decimal part (八十二点五), or "(?!)"."""
        if not self.chinese:
            return "(?!)"
        digit = "[" + "".join(map(re.escape, self.chinese)) + "]"
        point = alternation(self.chinese_point) if self.chinese_point else "(?!)"
        return rf"{digit}+(?:(?:{point}){digit}+)?"

    def regex(self) -> str:
        """A regex alternation for one number written in words (longest first)."""
        unit = "|".join(sorted(self.units, key=len, reverse=True))
        ten = "|".join(sorted(self.tens, key=len, reverse=True))
        scale = "|".join(self.scales)
        simple = rf"(?:(?:{ten})(?:[- ](?:{unit}))?|{unit})"
        articles = "|".join(sorted(self.articles, key=len, reverse=True)) or "a"
        fractional = ""
        if self.fractions:
            frac = "|".join(
                f.replace(" ", r"\s+") for f in sorted(self.fractions, key=len, reverse=True)
            )
            # "one and a half", then "half a" / "a quarter of a" (before "million")
            fractional = (
                rf"{simple}\s+and\s+(?:{articles})\s+(?:{frac})\b"
                rf"|(?:(?:{articles})\s+)?(?:{frac})(?:\s+of)?\s+(?:{articles})(?=[ -]\w)|"
            )
        return (
            rf"(?i:{fractional}(?:(?:{articles}|{simple})\s+(?:{scale})(?:\s+(?:and\s+)?{simple})?|{simple}"
            rf"|(?:{articles})(?=[ -]\w)))"
        )

    def needs_scale(self, text: str) -> bool:
        """Whether a number in words counts only before a scale word: "a" ("a million")
        and fractions of one ("half a million"), not "one and a half"."""
        return text.lower().split()[-1] in self.articles


@lru_cache(maxsize=8)
def load_numbers(patterns: Rules) -> NumberWords:
    data, file = open_json(
        patterns,
        FILE,
        allowed={"units", "tens", "scales", "articles", "fractions", "chinese", "chinese_point"},
        required={"units", "tens", "scales"},
    )
    return NumberWords(
        units={k: int(v) for k, v in section(data, "units", dict, file=file).items()},
        tens={k: int(v) for k, v in section(data, "tens", dict, file=file).items()},
        scales={k: int(v) for k, v in section(data, "scales", dict, file=file).items()},
        articles=frozenset(string_list(data.get("articles", []), file=file, key="articles")),
        fractions={
            k.lower(): float(v)
            for k, v in expect(data.get("fractions", {}), dict, file=file, key="fractions").items()
        },
        chinese={
            k: int(v)
            for k, v in expect(data.get("chinese", {}), dict, file=file, key="chinese").items()
        },
        chinese_point=tuple(
            string_list(data.get("chinese_point", []), file=file, key="chinese_point")
        ),
    )


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
    r"(?:(?P<whole>.+?) and an? (?P<frac>\w+(?: \w+)?)|(?:an? )?(?P<frac2>\w+(?: (?!of\b)\w+)?)(?: of)? an?)"
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
