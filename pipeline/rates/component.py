"""The spaCy component of rates: finds spans and calls the pure parser in parse.py."""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from ..nlp.component import RulesComponent
from ..nlp.facts import Fact, add_fact, facts, text_of
from ..nlp.link import link_product, resolved_products
from ..nlp.sentences import Sentences
from ..nlp.triggers import containing, hits, register
from ..rules import Rules
from .parse import (
    CHINESE_UNIT_WORDS,
    LIST_RULES,
    UNIT_WORDS,
    _heading_metric,
    defined_abbreviations,
    find_rates,
    load_rates,
)


class RatesComponent(RulesComponent):
    def setup(self, patterns: Rules) -> None:
        self.rules = load_rates(patterns)
        # sentences without a percent unit hold no figure and are not read
        # (a Chinese figure in words by its last character: 百分之, 八成; a fraction by
        # its last word: "two-thirds of the patients")
        fractions = tuple(sorted(self.rules.fraction_words))
        words = UNIT_WORDS + tuple(w[-1] for w in CHINESE_UNIT_WORDS) + fractions
        self.trigger = register(self.nlp.vocab, containing(words, whole_words=True))

    def __call__(self, doc: Doc) -> Doc:
        text = text_of(doc)
        sentences = Sentences(doc)
        units: dict[tuple[int, int], list[tuple[int, int]]] = {}  # sentence -> unit words
        for start, end in hits(doc, self.trigger):
            for bounds in {sentences.at(start), sentences.at(end - 1)}:
                s0, s1 = bounds
                units.setdefault(bounds, []).append((max(start, s0) - s0, min(end, s1) - s0))
        if not units:
            return doc
        products = resolved_products(facts(doc, "products"))
        defined = defined_abbreviations(text, self.rules)
        header: str | None = None  # a metric named in a heading line, reused below it
        previous_end = 0
        listed: tuple[str, ...] = ()  # the metrics of the last sentence's list, in order
        for s0, s1 in sentences.bounds:
            sentence = text[s0:s1]
            if "\n\n" in text[previous_end:s0]:
                header = None  # a blank line ends the heading's scope
            previous_end = s1
            here = units.get((s0, s1))
            facts_here = (
                find_rates(sentence, self.rules, header, here, defined, listed) if here else []
            )
            in_list = [r.metric for r in facts_here if r.rule in LIST_RULES]
            listed = tuple(in_list) if len(in_list) > 1 else ()
            heading = _heading_metric(sentence, self.rules)
            if heading is not None:
                header = heading
            figures = [s0 + r.start for r in facts_here]
            for r in facts_here:
                product, source = link_product(
                    products, s0, s1, s0 + r.start, text=text, figures=figures, end=s0 + r.end
                )
                add_fact(
                    doc,
                    "response_rates",
                    Fact(
                        s0 + r.start,
                        s0 + r.end,
                        r.rule,
                        {
                            "percent": r.percent,
                            "percent_high": r.percent_high,
                            "metric": r.metric,
                            "timepoint": r.timepoint,
                            "indication": r.indication,
                            "product": product,
                            "product_source": source,
                            "qualifier": r.qualifier,
                        },
                    ),
                )
        return doc


@Language.factory("cartfacts_rates", default_config={"patterns": ""}, requires=["doc._.cartfacts"])
def make_rates(nlp: Language, name: str, patterns: str) -> RatesComponent:
    return RatesComponent(nlp, name, patterns)
