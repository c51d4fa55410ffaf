"""The fact record components attach to a Doc, before it becomes a table row, and its
spaCy span: every fact is also a span in ``doc.spans["cartfacts"]`` (``label_`` the
table, ``id_`` the rule id, ``kb_id_`` the normalized name where the table has one, the
typed values in ``span._.cartfacts``), so displaCy and other spaCy tools see the facts."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from spacy.tokens import Doc, Span

EXTENSION = "cartfacts"
# the span group of every fact
SPANS = "cartfacts"
# the value a table's spans carry as kb_id_: its normalized name
KB_ID = {"products": "product", "companies": "company", "hospitals": "hospital"}


@dataclass(frozen=True)
class Fact:
    """One extracted fact: character offsets of its evidence, the rule id, and the
    table-specific values (column name -> value)."""

    start: int
    end: int
    rule: str
    values: dict[str, Any] = field(default_factory=dict)


# the Doc's facts live in user_data (table -> facts); ``doc._.cartfacts`` reads them.
# Going through doc._ cost several microseconds a fact (an Underscore object each time).
_FACTS = "cartfacts_facts"


def _stored(doc: Doc) -> dict[str, list[Fact]] | None:
    return doc.user_data.get(_FACTS)


def ensure_extensions() -> None:
    if not Doc.has_extension(EXTENSION):
        Doc.set_extension(EXTENSION, getter=_stored)
    if not Span.has_extension(EXTENSION):
        Span.set_extension(EXTENSION, default=None)


def add_fact(doc: Doc, table: str, fact: Fact) -> None:
    store = doc.user_data.get(_FACTS)
    if store is None:
        store = doc.user_data[_FACTS] = {}
    store.setdefault(table, []).append(fact)
    name = fact.values.get(KB_ID.get(table, ""))
    span = doc.char_span(
        fact.start,
        fact.end,
        label=table,
        kb_id=name if isinstance(name, str) else "",
        span_id=fact.rule,
        alignment_mode="expand",
    )
    if span is not None:
        span._.set(EXTENSION, fact.values)
        doc.spans.setdefault(SPANS, []).append(span)


def facts(doc: Doc, table: str) -> list[Fact]:
    return list((doc.user_data.get(_FACTS) or {}).get(table, []))


_TEXT = "cartfacts_text"


def remember_text(doc: Doc, text: str) -> None:
    """Keep the text a Doc was made from: spaCy's tokenizer never changes characters, so
    it equals ``doc.text``, which would cost a Token object per token to rebuild."""
    doc.user_data[_TEXT] = text


def text_of(doc: Doc) -> str:
    """The Doc's text as the rules read it, built once (``doc.text`` joins every token
    again on each access): once sentences are known, a line break inside a sentence (a
    wrapped line) reads as a space (``unwrap``), so "June\\n3, 2024" is a date. Same
    length and offsets as the article's text, which rows quote (``original_text_of``)."""
    text = doc.user_data.get(_TEXT)
    if text is None:
        text = doc.text
        doc.user_data[_TEXT] = text
    return str(text)


_ORIGINAL = "cartfacts_original_text"


def original_text_of(doc: Doc) -> str:
    """The Doc's text as the article has it, wrapped lines and all: what evidence quotes."""
    original = doc.user_data.get(_ORIGINAL)
    return text_of(doc) if original is None else str(original)


def unwrap(doc: Doc, sentences: list[tuple[int, int]]) -> None:
    """Make the rules read a line break inside a sentence (a wrapped line) as a space;
    the article's own text stays for the rows (``original_text_of``)."""
    text = text_of(doc)
    if "\n" not in text:
        return
    parts: list[str] = []
    last = 0
    for start, end in sentences:
        if "\n" in text[start:end]:
            parts.append(text[last:start])
            parts.append(text[start:end].replace("\n", " "))
            last = end
    if not parts:
        return
    parts.append(text[last:])
    doc.user_data[_ORIGINAL] = text
    doc.user_data[_TEXT] = "".join(parts)
