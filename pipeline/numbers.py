"""Number words ("ninety-five", "one hundred", "a") to values, from patterns/numbers.json."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .resources import open_json, section, string_list

FILE = "numbers.json"


@dataclass(frozen=True)
class NumberWords:
    units: dict[str, int]
    tens: dict[str, int]
    scales: dict[str, int]
    articles: frozenset[str]

    def regex(self) -> str:
        """A regex alternation for one number written in words (longest first)."""
        unit = "|".join(sorted(self.units, key=len, reverse=True))
        ten = "|".join(sorted(self.tens, key=len, reverse=True))
        scale = "|".join(self.scales)
        simple = rf"(?:(?:{ten})(?:[- ](?:{unit}))?|{unit})"
        articles = "|".join(sorted(self.articles, key=len, reverse=True)) or "a"
        return (
            rf"(?i:(?:(?:{articles}|{simple})\s+(?:{scale})(?:\s+(?:and\s+)?{simple})?|{simple}"
            rf"|(?:{articles})(?=[ -]\w)))"
        )


@lru_cache(maxsize=8)
def load_numbers(root: Path) -> NumberWords:
    data, file = open_json(
        root,
        FILE,
        allowed={"units", "tens", "scales", "articles"},
        required={"units", "tens", "scales"},
    )
    return NumberWords(
        units={k: int(v) for k, v in section(data, "units", dict, file=file).items()},
        tens={k: int(v) for k, v in section(data, "tens", dict, file=file).items()},
        scales={k: int(v) for k, v in section(data, "scales", dict, file=file).items()},
        articles=frozenset(string_list(data.get("articles", []), file=file, key="articles")),
    )


def words_to_number(text: str, words: NumberWords) -> float | None:
    """Value of a number in words, else None.

    >>> from pipeline.resources import default_patterns_dir
    >>> w = load_numbers(default_patterns_dir())
    >>> words_to_number("ninety-five", w), words_to_number("one hundred", w), words_to_number("a", w)
    (95.0, 100.0, 1.0)
    """
    total = 0
    current = 0
    seen = False
    for word in re.split(r"[\s-]+", text.lower().strip()):
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
