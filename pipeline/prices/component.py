"""The spaCy component of prices: finds spans and calls the pure parser in parse.py."""

from __future__ import annotations

import re
from bisect import bisect_right
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc

from ..nlp.component import RulesComponent
from ..nlp.facts import Fact, add_fact, facts, text_of
from ..nlp.link import link_product, resolved_products
from ..nlp.scan import widen
from ..nlp.sentences import Sentences
from ..nlp.triggers import containing, hits, register
from ..rules import Rules
from .parse import (
    Money,
    bare_dollar,
    bare_yuan,
    classify,
    find_money,
    latest_usd,
    load_money,
    local_currency,
    local_dollar,
    named_currencies,
    plausible_price,
    to_usd,
    trigger_words,
    url_place_text,
    usd_rate_status,
)

# characters around a currency word in which an amount can stand ("one hundred and
# twenty thousand to one hundred and fifty thousand yuan" is 70)
WINDOW = 100


class PricesComponent(RulesComponent):
    def setup(self, patterns: Rules) -> None:
        self.rules = load_money(patterns)
        # the money rules run only in windows around a currency word or sign (a word as
        # the rules need it: not "euro" in "Europe")
        self.trigger = register(
            self.nlp.vocab, containing(trigger_words(self.rules), whole_words=True)
        )

    def _in_usd(self, money: Money, first: dict[str, Any]) -> bool:
        """Whether an equivalent amount is the first amount (its row ``first``), in
        another currency, written in US dollars: their ratio says so (at the article's
        year's rate, else the latest)."""
        if first.get("currency") == "USD" or not money.amount:
            return False
        usd = first.get("amount_usd") or latest_usd(first["amount"], first["currency"], self.rules)
        if not usd:
            return False
        low, high = self.rules.usd_equivalent
        return low <= money.amount / usd <= high

    def _paragraph_place(
        self, text: str, at: int, breaks: list[int], known: dict[int, str | None]
    ) -> str | None:
        """The currency of the one place the paragraph holding ``at`` names (``breaks``:
        where blank lines end paragraphs); None when it names none or several.
        ``known``: the answers so far, by paragraph."""
        i = bisect_right(breaks, at)
        if i not in known:
            start = breaks[i - 1] + 2 if i else 0
            end = breaks[i] if i < len(breaks) else len(text)
            here = named_currencies(text[start:end], self.rules)
            known[i] = here.pop() if len(here) == 1 else None
        return known[i]

    def __call__(self, doc: Doc) -> Doc:
        text = text_of(doc)
        spans = widen(hits(doc, self.trigger), WINDOW, WINDOW, len(text))
        if not spans:
            return doc
        sentences = Sentences(doc)
        products = resolved_products(facts(doc, "products"))
        name_ends = {end for _, end, _ in products}
        published = doc.user_data.get("published")
        place = url_place_text(doc.user_data.get("url"), self.rules)
        local = local_currency(text, self.rules, place)
        dollar = local_dollar(text, self.rules, place)
        year = published.year if published is not None else None
        previous: tuple[Money, dict[str, Any]] | None = None
        held: tuple[tuple[int, int], str] = ((-1, -1), "")
        context = f"{text}\n{place}" if place else None  # a .jp page's ¥ is yen
        found = find_money(text, self.rules, context=context, spans=spans)
        # each paragraph's place, read once (an article of one long paragraph may hold
        # thousands of amounts)
        by_paragraph: dict[int, str | None] = {}
        breaks = [m.start() for m in _PARAGRAPH_BREAK.finditer(text)]
        # an amount in brackets (or after 约合, "or about") right after another is its
        # equivalent in another currency, not a figure
        bracketed = [
            i > 0
            and self.rules.equivalent_gap.match(text[found[i - 1].end : money.start]) is not None
            for i, money in enumerate(found)
        ]
        figures: dict[tuple[int, int], list[int]] = {}
        for money, inside in zip(found, bracketed, strict=True):
            if not inside:
                figures.setdefault(sentences.at(money.start), []).append(money.start)
        for money, inside in zip(found, bracketed, strict=True):
            bounds = sentences.at(money.start)
            if bounds != held[0]:  # one copy of a sentence for all its amounts
                held = (bounds, text[bounds[0] : bounds[1]])
            (s0, s1), sentence = held
            named_only = False
            if previous and inside:
                values = dict(previous[1])
                rule = "money.bracketed"
            else:
                product, source = link_product(
                    products,
                    s0,
                    s1,
                    money.start,
                    text=text,
                    figures=figures[bounds],
                    end=money.end,
                )
                c = classify(
                    sentence,
                    money.start - s0,
                    money.end - s0,
                    self.rules,
                    _after_name(name_ends, text, money.start),
                    named=source in _NAMED_IN_SENTENCE,
                )
                named_only = c.named_only
                values = {
                    "kind": c.kind,
                    "per": c.per,
                    "qualifier": c.qualifier,
                    "product": product,
                    "product_source": source,
                }
                rule = money.rule
            currency = money.currency
            # a currency named before the number (or before its qualifier: 港幣約三百萬元)
            named = money.rule in ("money.prefixed", "money.named_before")
            bare = currency == "CNY" and not named and bare_yuan(text[money.start : money.end])
            # where an article's paragraphs name different places, the place of the
            # amount's own paragraph decides; else the article's (a Taiwan page's 元 is TWD)
            placed = (
                self._paragraph_place(text, money.start, breaks, by_paragraph) if bare else None
            ) or local
            if bare and placed:
                currency = placed
            elif (
                dollar
                and currency == "USD"
                and bare_dollar(text[money.start : money.end], self.rules)
                and not (inside and previous and self._in_usd(money, previous[1]))
            ):
                currency = dollar  # an Australian page's $ is AUD
            elif (
                currency == "CNY"
                and values["kind"] == "price"
                and text[money.start] in "¥￥"
                and (money.amount_high or money.amount) >= self.rules.yen_price_above
            ):
                currency = "JPY"  # no therapy costs ¥32 million in yuan
            elif (
                bare
                and placed is None
                and values["kind"] == "price"
                and (money.amount_high or money.amount) >= self.rules.yuan_price_above
            ):
                currency = "TWD"  # no therapy costs ten million yuan; Taiwan's do (千万元)
            if values["kind"] == "price" and not plausible_price(
                money.amount_high or money.amount,
                currency,
                values["per"],
                self.rules,
                named_only,
            ):
                values["kind"] = "other"  # a deal's or a budget's size, a share price
            values.update(
                {
                    "amount": money.amount,
                    "amount_high": money.amount_high,
                    "currency": currency,
                    "amount_usd": to_usd(money.amount, currency, year, self.rules),
                    "amount_high_usd": (
                        None
                        if money.amount_high is None
                        else to_usd(money.amount_high, currency, year, self.rules)
                    ),
                    "usd_rate_status": usd_rate_status(currency, year, self.rules),
                }
            )
            add_fact(doc, "prices", Fact(money.start, money.end, rule, values))
            previous = (money, values)
        return doc


# a blank line: the end of a paragraph
_PARAGRAPH_BREAK = re.compile(r"\n\n")

# where a link to a product comes from when the amount's sentence names one
_NAMED_IN_SENTENCE = ("sentence", "respectively", "together")

# an opening bracket after a name: "Yescarta ($373,000)"
_OPENING = re.compile(r"\s?[(（]\s?")


def _after_name(name_ends: set[int], text: str, start: int) -> bool:
    """Whether the amount at ``start`` opens a bracket right after a product's name (one
    of ``name_ends``): looked up by position, so an article of many names and amounts
    stays linear."""
    return any(
        start - gap in name_ends and _OPENING.fullmatch(text, start - gap, start)
        for gap in (1, 2, 3)
    )


@Language.factory("cartfacts_prices", default_config={"patterns": ""}, requires=["doc._.cartfacts"])
def make_prices(nlp: Language, name: str, patterns: str) -> PricesComponent:
    return PricesComponent(nlp, name, patterns)
