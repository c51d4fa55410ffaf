"""From a processed Doc to table rows: the shared provenance columns (article_id,
fact_id, offsets, evidence text, sentence, rule) plus each fact's values."""

from __future__ import annotations

from typing import Any

from spacy.tokens import Doc

from ..nlp.facts import facts, text_of
from ..nlp.sentences import Sentences
from .tables import FACT_TABLES, TABLES, fact_id

_COLUMNS = {table: frozenset(c.name for c in TABLES[table]) for table in FACT_TABLES}


def doc_rows(doc: Doc, article_id: str) -> dict[str, list[dict[str, Any]]]:
    sentences = Sentences(doc)
    text = text_of(doc)
    out: dict[str, list[dict[str, Any]]] = {}
    for table in FACT_TABLES:
        columns = _COLUMNS[table]
        rows = []
        seen: dict[str, int] = {}
        for fact in sorted(facts(doc, table), key=lambda f: (f.start, f.end, f.rule)):
            s0, s1 = sentences.at(fact.start)
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
                "sentence": text[s0:s1].strip(),
                "rule": fact.rule,
            }
            row.update({k: v for k, v in fact.values.items() if k in columns})
            rows.append(row)
        out[table] = rows
    return out
