"""Which product a price or a rate is stated for: the one its sentence names, else the
one its article is about, when it is about one product only."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any


def resolved_products(products: Iterable[Any]) -> list[tuple[int, str]]:
    """(offset, INN) of the product facts (nlp.facts.Fact) that resolved to an INN."""
    return [(f.start, str(f.values["product"])) for f in products if f.values.get("product")]


def link_product(
    products: Sequence[tuple[int, str]], s0: int, s1: int, at: int
) -> tuple[str | None, str | None]:
    """(INN, where the link came from: "sentence" or "article") for a fact at offset
    ``at`` in the sentence text[s0:s1]; ``products`` are (offset, INN) of the article's
    resolved product mentions. In a sentence naming several products, the nearest one
    before the fact wins (the nearest after it when none is before).

    >>> link_product([(0, "a"), (50, "b")], 40, 80, 70)
    ('b', 'sentence')
    >>> link_product([(0, "a"), (5, "a")], 40, 80, 70)
    ('a', 'article')
    >>> link_product([(0, "a"), (5, "b")], 40, 80, 70)
    (None, None)
    """
    inside = [(start, inn) for start, inn in products if s0 <= start < s1]
    if inside:
        before = [p for p in inside if p[0] < at]
        if before:
            return before[-1][1], "sentence"
        return min(inside, key=lambda p: p[0] - at)[1], "sentence"
    named = {inn for _, inn in products}
    if len(named) == 1:
        return named.pop(), "article"
    return None, None
