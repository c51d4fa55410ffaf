"""Sentence boundaries from the text alone, computed once per Doc.

spaCy's ``doc.sents`` builds a Token object per token on every call, which cost more than
all our rules together; the rules only need character bounds. A line break ends a
sentence (titles and captions have no period) unless the line goes on in lower case
after a word or a comma (a wrapped line); . ! ? end one unless they close an
abbreviation listed in patterns/sentences.json.
"""

from __future__ import annotations

import bisect
import re
from functools import lru_cache

from spacy.language import Language
from spacy.tokens import Doc

from ..rules import Rules, open_json, string_list
from .component import RulesComponent
from .facts import text_of

FILE = "sentences.json"
KEY = "cartfacts_sentences"

# A sentence ends at a line break and after . ! ? followed by white space (closing quotes
# and brackets between), or after a CJK full stop. A break takes the white space after
# it, so the next sentence starts trimmed. Every branch starts with a plain character
# (the regex engine skips to those quickly; a lookbehind, or white space before the line
# break, made it test every position); a sentence ends just after its punctuation.
_BREAK = re.compile(
    r"\n\s*"
    r"|[.!?\u3002\uff01\uff1f](?=[\"'\u201d\u2019)\]]*\s)[\"'\u201d\u2019)\]]*\s+"
    r"|[\u3002\uff01\uff1f]"
)
_PUNCT = ".!?\u3002\uff01\uff1f"


def _wrapped(text: str, m: re.Match[str], end: int) -> bool:
    """Whether a single line break only wraps a sentence (a line ending "a complete
    disappearance of", the next "cancer in 22%"): the line goes on in lower case after a
    word or a comma. A title or a caption is followed by a capital letter or a blank
    line, so it still ends there."""
    return (
        m.group(0).count("\n") == 1
        and m.end() < len(text)
        and "a" <= text[m.end()] <= "z"
        and end > 0
        and (text[end - 1].isalnum() or text[end - 1] in ",;")
    )


_WORD_BEFORE = re.compile(r"([\w.]+)\.$")


@lru_cache(maxsize=8)
def load_abbreviations(patterns: Rules) -> frozenset[str]:
    data, file = open_json(patterns, FILE, allowed={"abbreviations"}, required={"abbreviations"})
    return frozenset(string_list(data["abbreviations"], file=file, key="abbreviations"))


def split(text: str, abbreviations: frozenset[str]) -> list[tuple[int, int]]:
    """(start, end) of each sentence, white space trimmed, in order.

    >>> split("Dr. Li said so. Prices fell.\\nNext", frozenset({"Dr"}))
    [(0, 15), (16, 28), (29, 33)]
    >>> split("Prices fell\\nfor a wrapped line.\\nA Title\\nThe text", frozenset())
    [(0, 31), (32, 39), (40, 48)]
    """
    bounds = []
    start = len(text) - len(text.lstrip())
    for m in _BREAK.finditer(text):
        found = m.group(0)
        if found[0] in _PUNCT:
            end = m.start() + 1
            if "\n" not in found:
                before = _WORD_BEFORE.search(text, max(0, end - 12), end)
                if before and before.group(1) in abbreviations:
                    continue
        else:
            end = m.start()
            while end > start and text[end - 1].isspace():  # blanks before the line break
                end -= 1
            if _wrapped(text, m, end):
                continue
        if end > start:
            bounds.append((start, end))
        start = m.end()
    end = len(text.rstrip())
    if end > start:
        bounds.append((start, end))
    return bounds or [(0, len(text))]


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


class SentencesComponent(RulesComponent):
    def setup(self, patterns: Rules) -> None:
        self.abbreviations = load_abbreviations(patterns)

    def __call__(self, doc: Doc) -> Doc:
        doc.user_data[KEY] = split(text_of(doc), self.abbreviations)
        return doc


@Language.factory("cartfacts_sentences", default_config={"patterns": ""})
def make_sentences(nlp: Language, name: str, patterns: str) -> SentencesComponent:
    return SentencesComponent(nlp, name, patterns)
