"""The fact record components attach to a Doc, before it becomes a table row."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from spacy.tokens import Doc

EXTENSION = "cartfacts"


@dataclass(frozen=True)
class Fact:
    """One extracted fact: character offsets of its evidence, the rule id, and the
    table-specific values (column name -> value)."""

    start: int
    end: int
    rule: str
    values: dict[str, Any] = field(default_factory=dict)


def ensure_extensions() -> None:
    if not Doc.has_extension(EXTENSION):
        Doc.set_extension(EXTENSION, default=None)


def add_fact(doc: Doc, table: str, fact: Fact) -> None:
    ensure_extensions()
    store = doc._.get(EXTENSION)
    if store is None:
        store = {}
        doc._.set(EXTENSION, store)
    store.setdefault(table, []).append(fact)


def facts(doc: Doc, table: str) -> list[Fact]:
    store = doc._.get(EXTENSION) if Doc.has_extension(EXTENSION) else None
    return list((store or {}).get(table, []))


class Sentences:
    """Sentence bounds of a Doc with a fast offset lookup."""

    def __init__(self, doc: Doc):
        if doc.has_annotation("SENT_START"):
            self.bounds = [(s.start_char, s.end_char) for s in doc.sents]
        else:
            self.bounds = [(0, len(doc.text))]
        self.starts = [b[0] for b in self.bounds]

    def at(self, pos: int) -> tuple[int, int]:
        import bisect

        i = bisect.bisect_right(self.starts, pos) - 1
        return self.bounds[max(i, 0)]


def sentence_bounds(doc: Doc) -> list[tuple[int, int]]:
    return Sentences(doc).bounds
