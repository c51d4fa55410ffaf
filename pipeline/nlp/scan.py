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


def guarded(words: Iterable[str]) -> str:
    """``alternation(words)`` behind a lookahead on their first characters, which lets
    the regex engine skip every other position at C speed (a long alternation tried at
    each character of Chinese text costs far more). Case-blind only under ``(?i)``.

    >>> guarded(["仁济医院", "瑞金医院"])
    '(?=[仁瑞])(?:仁济医院|瑞金医院)'
    """
    words = set(words)
    if not words:
        return "(?!)"
    firsts = "".join(sorted({re.escape(w[0]) for w in words}))
    return f"(?=[{firsts}])(?:{alternation(words)})"


# a Chinese character (CJK unified ideographs): Chinese text, with no spaces between words
CJK = re.compile(r"[\u4e00-\u9fff]")


def lowered(text: str) -> str:
    """``text.lower()`` with every character in place: the few characters whose lower
    case is longer ("İ") stay as they are, so offsets still agree.

    >>> lowered("ICU İstanbul")
    'icu İstanbul'
    """
    low = text.lower()
    if len(low) == len(text):
        return low
    return "".join(c if len(c.lower()) != 1 else c.lower() for c in text)


def windows(text: str, trigger: re.Pattern[str], margin: int) -> list[tuple[int, int]]:
    """Merged (start, end) windows of ``margin`` characters around every trigger."""
    return widen([m.span() for m in trigger.finditer(text)], margin, margin, len(text))


def widen(
    spans: Iterable[tuple[int, int]], before: int, after: int, length: int
) -> list[tuple[int, int]]:
    """Spans (in order) widened by ``before``/``after`` characters, clipped, merged.

    >>> widen([(10, 12), (15, 20), (90, 95)], 5, 5, 100)
    [(5, 25), (85, 100)]
    """
    out: list[tuple[int, int]] = []
    for s, e in spans:
        lo, hi = max(0, s - before), min(length, e + after)
        if out and lo <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], hi))
        else:
            out.append((lo, hi))
    return out


def marked(spans: Iterable[tuple[int, int]], length: int) -> bytearray:
    """A mark (1) on each of ``length`` characters that one of ``spans`` holds; a span
    [s, e) touches one where ``marks.find(1, s, e) != -1``. Linear however many spans
    there are (testing each new span against every old one was quadratic).

    >>> marked([(1, 3)], 5).find(1, 2, 4), marked([(1, 3)], 5).find(1, 3, 5)
    (2, -1)
    """
    marks = bytearray(length)
    for start, end in spans:
        marks[start:end] = b"\x01" * (end - start)
    return marks


# the most characters a window's end is carried to finish a word
WORD_CARRY = 64


def finditer(
    regex: re.Pattern[str], text: str, spans: list[tuple[int, int]] | None
) -> Iterator[re.Match[str]]:
    """Matches of regex inside the windows, each once, in order (``spans`` None: the whole
    text). A window that ends inside a word is carried to the word's end: the regex engine
    takes a window's end for the end of the text, so "Jun" cut from "Juno" would end in a
    word boundary."""
    if spans is None:
        yield from regex.finditer(text)
        return
    last_end = -1
    length = len(text)
    for start, end in spans:
        stop = end
        while (
            stop < length
            and stop - end < WORD_CARRY
            and text[stop].isalnum()
            and text[stop - 1].isalnum()
        ):
            stop += 1
        for m in regex.finditer(text, max(start, last_end), stop):
            last_end = m.end()
            yield m
