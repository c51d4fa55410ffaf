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


_TEXT = "cartfacts_text"


def remember_text(doc: Doc, text: str) -> None:
    """Keep the text a Doc was made from: spaCy's tokenizer never changes characters, so
    it equals ``doc.text``, which would cost a Token object per token to rebuild."""
    doc.user_data[_TEXT] = text


def text_of(doc: Doc) -> str:
    """The Doc's text, built once: ``doc.text`` joins every token again on each access."""
    text = doc.user_data.get(_TEXT)
    if text is None:
        text = doc.text
        doc.user_data[_TEXT] = text
    return str(text)
