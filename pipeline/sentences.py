"""Sentence boundaries from the text alone, computed once per Doc.

spaCy's ``doc.sents`` builds a Token object per token on every call, which cost more than
all our rules together; the rules only need character bounds. A line break ends a
sentence (titles and captions have no period); . ! ? end one unless they close an
abbreviation listed in patterns/sentences.json.
"""

from __future__ import annotations

import bisect
import re
from functools import lru_cache
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc

from .facts import text_of
from .resources import open_json, patterns_dir, string_list

FILE = "sentences.json"
KEY = "cartfacts_sentences"

# A sentence ends at line breaks and after . ! ? followed by white space (closing quotes
# and brackets between), or after a CJK full stop. The match starts at the punctuation
# (a plain character class, which the regex engine skips to quickly; a lookbehind made
# it test every position) and the sentence ends just after it.
_BREAK = re.compile(
    r"\n+|[.!?\u3002\uff01\uff1f](?=[\"'\u201d\u2019)\]]*\s)[\"'\u201d\u2019)\]]*\s+"
    r"|[\u3002\uff01\uff1f]"
)
_WORD_BEFORE = re.compile(r"([\w.]+)\.$")


@lru_cache(maxsize=8)
def load_abbreviations(root: Path) -> frozenset[str]:
    data, file = open_json(root, FILE, allowed={"abbreviations"}, required={"abbreviations"})
    return frozenset(string_list(data["abbreviations"], file=file, key="abbreviations"))


def split(text: str, abbreviations: frozenset[str]) -> list[tuple[int, int]]:
    """(start, end) of each sentence, white space trimmed, in order.

    >>> split("Dr. Li said so. Prices fell.\\nNext", frozenset({"Dr"}))
    [(0, 15), (16, 28), (29, 33)]
    """
    bounds = []
    start = 0
    for m in _BREAK.finditer(text):
        end = m.start() if m.group(0)[0] == "\n" else m.start() + 1
        if "\n" not in m.group(0):
            before = _WORD_BEFORE.search(text, max(0, end - 12), end)
            if before and before.group(1) in abbreviations:
                continue
        if text[start:end].strip():
            bounds.append(_trim(text, start, end))
        start = m.end()
    if text[start:].strip():
        bounds.append(_trim(text, start, len(text)))
    return bounds or [(0, len(text))]


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


class Sentences:
    """Sentence bounds of a Doc with a fast offset lookup."""

    def __init__(self, doc: Doc):
        bounds = doc.user_data.get(KEY)
        self.bounds: list[tuple[int, int]] = (
            bounds if bounds is not None else [(0, len(text_of(doc)))]
        )
        self.starts = [b[0] for b in self.bounds]

    def at(self, pos: int) -> tuple[int, int]:
        i = bisect.bisect_right(self.starts, pos) - 1
        return self.bounds[max(i, 0)]


class SentencesComponent:
    def __init__(self, nlp: Language, name: str, patterns: str):
        self.abbreviations = load_abbreviations(patterns_dir(patterns or None))

    def __call__(self, doc: Doc) -> Doc:
        doc.user_data[KEY] = split(text_of(doc), self.abbreviations)
        return doc


@Language.factory("cartfacts_sentences", default_config={"patterns": ""})
def make_sentences(nlp: Language, name: str, patterns: str) -> SentencesComponent:
    return SentencesComponent(nlp, name, patterns)
