"""Qualifiers before an amount or a percentage ("about", "more than"), from
patterns/qualifiers.json, shared by prices and response rates."""

from __future__ import annotations

import re
from functools import lru_cache

from ..rules import Rules, open_json, section

FILE = "qualifiers.json"


@lru_cache(maxsize=8)
def load_qualifiers(patterns: Rules) -> dict[str, str]:
    data, file = open_json(patterns, FILE, allowed={"qualifiers"}, required={"qualifiers"})
    return {k.lower(): str(v) for k, v in section(data, "qualifiers", dict, file=file).items()}


def qualifier_regex(qualifiers: dict[str, str]) -> re.Pattern[str]:
    """Matches a qualifier at the end of the text before a number ("reaching about ")."""
    alt = "|".join(re.escape(q) for q in sorted(qualifiers, key=len, reverse=True))
    return re.compile(rf"(?i)\b(?P<q>{alt})\s+(?:only\s+|just\s+|of\s+)?$")
