"""The spaCy component of dates: finds spans and calls the pure parser in parse.py."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from spacy.language import Language

from ..nlp.component import RulesComponent
from ..nlp.scan import widen
from ..nlp.triggers import hits, register
from ..rules import Rules
from .parse import WINDOW, TriggerGroup, find_dates, load_dates


class DatesComponent(RulesComponent):
    def setup(self, patterns: Rules) -> None:
        self.rules = load_dates(patterns)
        groups = self.rules.triggers
        # one flag for every trigger word; each flagged token is then sorted into groups
        self.trigger = register(self.nlp.vocab, TriggerGroup.union(list(groups.values())).holds)
        self._groups_of = lru_cache(maxsize=50_000)(
            lambda w: tuple(name for name, g in groups.items() if g.holds(w))
        )

    def __call__(self, doc: Any) -> Any:
        from ..nlp.facts import Fact, add_fact, text_of

        text = text_of(doc)
        spans: dict[str, list[tuple[int, int]]] = {name: [] for name in self.rules.triggers}
        for start, end in hits(doc, self.trigger):
            for name in self._groups_of(text[start:end]):
                spans[name].append((start, end))
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


@Language.factory("cartfacts_dates", default_config={"patterns": ""}, requires=["doc._.cartfacts"])
def make_dates(nlp: Language, name: str, patterns: str) -> DatesComponent:
    return DatesComponent(nlp, name, patterns)
