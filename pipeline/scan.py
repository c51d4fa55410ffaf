"""Run many rules over only the parts of a text where they can match.

One cheap trigger regex finds the places worth looking at (a month name, a currency
sign); the rules then run on merged windows around them instead of over the whole text.
Python's ``finditer(text, pos, endpos)`` still sees the characters around the window for
lookbehinds and word boundaries, so a match inside a window is the same match.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator


def alternation(words: Iterable[str]) -> str:
    """A regex alternation of literal words, longest first (so "million" beats "m")."""
    return "|".join(re.escape(w) for w in sorted(set(words), key=lambda w: (-len(w), w)))


def windows(text: str, trigger: re.Pattern[str], margin: int) -> list[tuple[int, int]]:
    """Merged (start, end) windows of ``margin`` characters around every trigger."""
    out: list[tuple[int, int]] = []
    for m in trigger.finditer(text):
        start, end = max(0, m.start() - margin), min(len(text), m.end() + margin)
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return out


def finditer(
    regex: re.Pattern[str], text: str, spans: list[tuple[int, int]]
) -> Iterator[re.Match[str]]:
    """Matches of regex inside the windows, each once, in order."""
    last_end = -1
    for start, end in spans:
        for m in regex.finditer(text, max(start, last_end), end):
            last_end = m.end()
            yield m
