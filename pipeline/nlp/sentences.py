"""Sentence boundaries from the text alone, computed once per Doc.

spaCy's ``doc.sents`` builds a Token object per token on every call, which cost more than
all our rules together; the rules only need character bounds. A line break ends a
sentence (titles and captions have no period) unless the line only wraps it (_wrapped);
. ! ? end one unless they close an abbreviation listed in patterns/sentences.json.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from functools import lru_cache

from spacy.language import Language
from spacy.tokens import Doc

from ..rules import Rules, open_json, string_list
from .component import RulesComponent
from .facts import text_of, unwrap

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


def _wrapped(text: str, m: re.Match[str], end: int, continues_after: frozenset[str]) -> bool:
    """Whether a single line break only wraps a sentence (a line ending "a complete
    disappearance of", the next "cancer in 22%"): the line goes on after a word or a
    comma in lower case or with a number or an amount ("rate was" / "54%", "June" / "3,
    2024"), or goes on in any case after a word no sentence ends with ("treated at the" /
    "Ruijin Hospital": sentences.json continues_after). A title or a caption is followed
    by a capital letter or a blank line, so it still ends there."""
    if m.group(0).count("\n") != 1 or m.end() >= len(text) or end <= 0:
        return False
    after = text[m.end()]
    if (text[end - 1].isalnum() or text[end - 1] in ",;") and (
        "a" <= after <= "z"
        # (a number goes on a line as long as a wrapped one; a short line before it is a
        # heading: "Milestones" / "2018: ...")
        or (
            (after.isdigit() or after in _AMOUNT_START)
            and end - (text.rfind("\n", 0, end) + 1) >= WRAPPED_LINE
        )
    ):
        return True
    last = _LAST_WORD.search(text, max(0, end - 20), end)
    return last is not None and last.group(0) in continues_after


# the fewest characters of a line that a number on the next one continues (a shorter
# line is a heading or a label)
WRAPPED_LINE = 40
# what an amount may start with on a wrapped line ("$1.2 million", "€320,000")
_AMOUNT_START = "$€£¥₹"
_LAST_WORD = re.compile(r"\b[a-z]+$")
_WORD_BEFORE = re.compile(r"([\w.]+)\.$")


@dataclass(frozen=True)
class SentenceRules:
    abbreviations: frozenset[str]
    # lower-case words no sentence ends with: a line ending in one goes on
    continues_after: frozenset[str] = frozenset()


@lru_cache(maxsize=8)
def load_sentence_rules(patterns: Rules) -> SentenceRules:
    data, file = open_json(
        patterns, FILE, allowed={"abbreviations", "continues_after"}, required={"abbreviations"}
    )
    return SentenceRules(
        frozenset(string_list(data["abbreviations"], file=file, key="abbreviations")),
        frozenset(
            w.lower()
            for w in string_list(data.get("continues_after", []), file=file, key="continues_after")
        ),
    )


def split(
    text: str, abbreviations: frozenset[str], continues_after: frozenset[str] = frozenset()
) -> list[tuple[int, int]]:
    """(start, end) of each sentence, white space trimmed, in order.

    >>> split("Dr. Li said so. Prices fell.\\nNext", frozenset({"Dr"}))
    [(0, 15), (16, 28), (29, 33)]
    >>> split("Prices fell\\nfor a wrapped line.\\nA Title\\nThe text", frozenset())
    [(0, 31), (32, 39), (40, 48)]
    >>> split("The rate was\\n54%. Treated at the\\nRuijin Hospital.", frozenset(), frozenset({"was", "the"}))
    [(0, 17), (18, 49)]
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
            if _wrapped(text, m, end, continues_after):
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
        self.rules = load_sentence_rules(patterns)

    def __call__(self, doc: Doc) -> Doc:
        bounds = split(text_of(doc), self.rules.abbreviations, self.rules.continues_after)
        doc.user_data[KEY] = bounds
        unwrap(doc, bounds)  # (the rules read a wrapped line as one)
        return doc


@Language.factory("cartfacts_sentences", default_config={"patterns": ""})
def make_sentences(nlp: Language, name: str, patterns: str) -> SentencesComponent:
    return SentencesComponent(nlp, name, patterns)
