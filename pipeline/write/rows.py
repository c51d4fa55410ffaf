"""From a processed Doc to table rows: the shared provenance columns (article_id,
fact_id, offsets, evidence text, sentence, rule) plus each fact's values."""

from __future__ import annotations

from typing import Any

from spacy.tokens import Doc

from ..nlp.facts import facts, original_text_of
from ..nlp.sentences import Sentences
from .tables import FACT_TABLES, TABLES, fact_id

_COLUMNS = {table: frozenset(c.name for c in TABLES[table]) for table in FACT_TABLES}


# a sentence longer than this (a page with no full stops) is stored as a window of
# SENTENCE_WINDOW characters on each side of the fact, marked with "…"
SENTENCE_LONGEST = 2000
SENTENCE_WINDOW = 500


def sentence_of(text: str, s0: int, s1: int, start: int, end: int) -> str:
    """The sentence column of a fact at text[start:end] in the sentence text[s0:s1].

    >>> window = sentence_of("x" * 3000 + " 5% " + "y" * 3000, 0, 6004, 3001, 3003)
    >>> window[:3], len(window)
    ('…xx', 1004)
    """
    if s1 - s0 <= SENTENCE_LONGEST:
        return text[s0:s1].strip()
    lo, hi = max(s0, start - SENTENCE_WINDOW), min(s1, end + SENTENCE_WINDOW)
    return ("…" if lo > s0 else "") + text[lo:hi] + ("…" if hi < s1 else "")


def doc_rows(doc: Doc, article_id: str) -> dict[str, list[dict[str, Any]]]:
    sentences = Sentences(doc)
    text = original_text_of(doc)  # (evidence as the article has it)
    out: dict[str, list[dict[str, Any]]] = {}
    for table in FACT_TABLES:
        columns = _COLUMNS[table]
        rows = []
        seen: dict[str, int] = {}
        for fact in sorted(facts(doc, table), key=lambda f: (f.start, f.end, f.rule)):
            s0, s1 = sentences.at(fact.start)
            if fact.end > s1:  # (a name over a line break read as a sentence end)
                s1 = sentences.at(fact.end - 1)[1]
            base = fact_id(article_id, table, fact.start, fact.end, fact.rule)
            n = seen.get(base, 0)
            seen[base] = n + 1
            row: dict[str, Any] = {
                "article_id": article_id,
                "fact_id": base
                if n == 0
                else fact_id(article_id, table, fact.start, fact.end, fact.rule, str(n)),
                "start": fact.start,
                "end": fact.end,
                "text": text[fact.start : fact.end],
                "sentence": sentence_of(text, s0, s1, fact.start, fact.end),
                "rule": fact.rule,
            }
            row.update({k: v for k, v in fact.values.items() if k in columns})
            rows.append(row)
        out[table] = rows
    return out
