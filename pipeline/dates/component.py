"""The spaCy component of dates: finds spans and calls the pure parser in parse.py."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

from spacy.language import Language

from ..nlp.component import RulesComponent
from ..nlp.scan import alternation, widen
from ..nlp.triggers import hits, register
from ..rules import Rules
from .parse import WINDOW, TriggerGroup, find_dates, load_dates

# characters before a split character where a number holding it may start ("18-")
SPLIT_REACH = 3


class DatesComponent(RulesComponent):
    def setup(self, patterns: Rules) -> None:
        self.rules = load_dates(patterns)
        groups = self.rules.triggers
        # one flag for every trigger word; each flagged token is then sorted into groups
        self.trigger = register(self.nlp.vocab, TriggerGroup.union(list(groups.values())).holds)
        # groups whose numbers the tokenizer splits: a search for where it may, and the
        # numbers
        self.split = [
            (name, re.compile(alternation(g.split_at)), g.numbers)
            for name, g in groups.items()
            if g.split_at and g.numbers is not None
        ]
        self._groups_of = lru_cache(maxsize=50_000)(
            lambda w: tuple(name for name, g in groups.items() if g.holds(w))
        )

    @staticmethod
    def _split_numbers(
        text: str, split: re.Pattern[str], numbers: re.Pattern[str]
    ) -> Iterator[tuple[int, int]]:
        """The ``numbers`` that hold one of the ``split`` characters ("9-18-15"): sought
        from a few characters before each such character (a literal search, far cheaper
        than the numbers' regex over the whole text)."""
        last = -1
        for hit in split.finditer(text):
            if hit.start() < last:
                continue
            for m in numbers.finditer(text, max(0, hit.start() - SPLIT_REACH), hit.end() + 1):
                if m.start() <= hit.start() < m.end():
                    found = numbers.match(text, m.start())  # (the full text's end, not ours)
                    if found is not None:
                        last = found.end()
                        yield found.span()
                    break

    def __call__(self, doc: Any) -> Any:
        from ..nlp.facts import Fact, add_fact, text_of

        text = text_of(doc)
        spans: dict[str, list[tuple[int, int]]] = {name: [] for name in self.rules.triggers}
        for start, end in hits(doc, self.trigger):
            for name in self._groups_of(text[start:end]):
                spans[name].append((start, end))
        for name, split, numbers in self.split:
            # (numbers the tokenizer splits: none of their tokens holds the trigger alone)
            spans[name] = sorted({*spans[name], *self._split_numbers(text, split, numbers)})
        near = {name: widen(s, WINDOW, WINDOW, len(text)) for name, s in spans.items()}
        for m in find_dates(text, doc.user_data.get("published"), self.rules, near):
            add_fact(
                doc,
                "dates",
                Fact(
                    m.start,
                    m.end,
                    m.rule,
                    {
                        "value": m.value.value,
                        "granularity": m.value.granularity,
                        "relative": m.value.relative,
                    },
                ),
            )
        return doc


class PublishedComponent(RulesComponent):
    """The publication date of a text whose reading found none under a label: a date
    alone on one of its first lines, or a dateline (dates.dateline.find_dated_line).
    Every date rule runs on those lines, so it is a component: within the article's time
    bound, before the components that count from the date."""

    def setup(self, patterns: Rules) -> None:
        self.rules = load_dates(patterns)

    def __call__(self, doc: Any) -> Any:
        from ..nlp.facts import original_text_of
        from .dateline import find_dated_line

        if doc.user_data.get("published") is None:
            # (its lines as the article has them)
            dated = find_dated_line(original_text_of(doc), self.rules)
            if dated is not None:
                doc.user_data["published"] = dated
                doc.user_data[PUBLISHED_FOUND] = True
        return doc


# set on a Doc whose publication date the text gave (PublishedComponent)
PUBLISHED_FOUND = "cartfacts_published_found"


@Language.factory("cartfacts_published", default_config={"patterns": ""})
def make_published(nlp: Language, name: str, patterns: str) -> PublishedComponent:
    return PublishedComponent(nlp, name, patterns)


@Language.factory("cartfacts_dates", default_config={"patterns": ""}, requires=["doc._.cartfacts"])
def make_dates(nlp: Language, name: str, patterns: str) -> DatesComponent:
    return DatesComponent(nlp, name, patterns)
