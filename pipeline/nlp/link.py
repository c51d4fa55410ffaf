"""Which product a price or a rate is stated for: the one its sentence names, else the
one its article is about, when it is about one product only.

In a sentence that names several products:
- a "respectively" list pairs its products with its figures in order
  ("A and B cost X and Y, respectively": X is A's);
- a figure stated once for products named together ("A and B cost X") is about the
  class, not one product, and takes none;
- the two figures of "X% vs Y%" go to the two products compared, in order, and the
  right one to none when only one product is named (the other side is a comparator);
- otherwise the product named nearest before the figure, in its own clause when one is
  there ("A costs X, more than B, which costs Y": X is A's, Y is B's); one named after
  it only when no comparison stands between ("X, compared with B's Y": X is not B's).

A sentence that names no product takes the one its article names, when it names one
only, unless it speaks of a class ("CAR-T therapies cost ...", 七款CAR-T产品); one that
refers back to a product ("the drug", "该产品") takes the product named last before it,
within ANAPHOR_REACH characters, when its article names several.

``product_source`` says which: ``sentence``, ``respectively``, ``together`` (no product:
the figure is stated for several), ``article``, ``previous``.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import Any

# words that say the figures of a sentence go with its list of names in order
RESPECTIVELY = re.compile(r"(?i)\brespectively\b|分别|分別")
# what may stand between two names of one list: "A and B", "A, B and C", "A or B",
# a bracketed INN after a brand ("Kymriah (tisagenlecleucel) and Yescarta")
_JOINED = re.compile(r"(?i)^(?:\s*\([^()]{0,60}\))?,?\s*(?:and|or|&|as well as|、|和|与|與|及)\s*$")
# the words of a comparison of two sides ("compared with", "versus", 相比 ...)
_VERSUS_WORDS = (
    r"(?<![\w-])(?:compared\s+(?:\w+\s+)?(?:with|to)|in comparison (?:with|to)|versus|vs\.?"
    r"|against)(?![\w-])|相比|相较|相較|对比|對比"
)
# a comparison between a figure and a product named after it: the product is the other
# side's ("$465,000, compared with Abecma's $419,500"; "71% vs 42% for ...")
_COMPARED = re.compile(
    rf"(?i){_VERSUS_WORDS}|\bthan\b"
    r"|\b(?:in line with|on (?:a )?par with|comparable (?:to|with)|similar to|close to)\b"
)
# a clause break between the names and the figure: the figure is not the list's
_BREAK = re.compile(r"[,;:，；：。]")


# a product mention: (start, end, INN)
Mention = tuple[int, int, str]


def resolved_products(products: Iterable[Any]) -> list[Mention]:
    """(start, end, INN) of the product facts (nlp.facts.Fact) that resolved to an INN, in
    text order."""
    return sorted(
        (f.start, f.end, str(f.values["product"])) for f in products if f.values.get("product")
    )


def _names_in_order(mentions: Sequence[Mention]) -> list[str]:
    """The distinct INNs of mentions, in the order they are first named."""
    seen: list[str] = []
    for _, _, inn in mentions:
        if inn not in seen:
            seen.append(inn)
    return seen


def link_product(
    products: Sequence[Mention],
    s0: int,
    s1: int,
    at: int,
    *,
    text: str = "",
    figures: Sequence[int] = (),
    end: int | None = None,
) -> tuple[str | None, str | None]:
    """(INN, where the link came from) for a fact at offset ``at`` in the sentence
    text[s0:s1]; ``products`` are (start, end, INN) of the article's resolved product
    mentions in text order; ``figures`` are the offsets of every fact of its kind in the sentence
    (with ``text``, they let a list be paired or seen to be stated together); ``end``,
    where the fact ends: a product named right after it by "of", "for" or "with" is its
    own ("lower than the 83% of axi-cel").

    >>> link_product([(0, 1, "a"), (50, 51, "b")], 40, 80, 70)
    ('b', 'sentence')
    >>> link_product([(0, 1, "a"), (5, 6, "a")], 40, 80, 70)
    ('a', 'article')
    >>> link_product([(0, 1, "a"), (5, 6, "b")], 40, 80, 70)
    (None, None)
    >>> s = "A and B cost 1 and 2, respectively."
    >>> link_product([(0, 1, "a"), (6, 7, "b")], 0, len(s), 19, text=s, figures=[13, 19])
    ('b', 'respectively')
    >>> s = "It costs 5, compared with A's 4."
    >>> link_product([(27, 28, "a")], 0, len(s), 9, text=s, figures=[9, 31])
    (None, None)
    >>> s = "A and B cost 1 each."
    >>> link_product([(0, 1, "a"), (6, 7, "b")], 0, len(s), 13, text=s, figures=[13])
    (None, 'together')
    """
    inside = [p for p in products if s0 <= p[0] < s1]
    if inside:
        owner = _OWNER_AFTER.match(text, end) if text and end is not None else None
        if owner is not None:
            for start, _, inn in inside:
                if start == owner.end():
                    return inn, "sentence"
        before = [p for p in inside if p[0] < at]
        if text and figures and before:
            paired = _respectively(inside, text, s0, s1, at, figures)
            if paired is not None:
                return paired, "respectively"
            if _stated_together(before, text, figures):
                return None, "together"
            paired_side, side = _versus_side(before, text, at, figures)
            if paired_side:
                return side, "sentence" if side else None
        if before:
            return before[-1][2], "sentence"
        after = min(inside, key=lambda p: p[0] - at)
        if text and _COMPARED.search(text, at, after[0]):
            # "... at $465,000, compared with Abecma's $419,500": the product named past
            # the comparison is the other side's, not this figure's; the sentence may
            # still refer back to the one it is about ("The drug costs X, in line with
            # B's Y")
            return _previous(products, text, s0, s1, at)
        return after[2], "sentence"
    if text and figures and _compared_side(text, at, figures):
        # "priced at Rs 30 lakh, compared with Rs 4 crore for similar therapies abroad":
        # the other side of a comparison is not the article's product
        return None, None
    named = {inn for _, _, inn in products}
    if len(named) == 1:
        if text and _about_class(text, s0, at):
            # "CAR-T therapies cost over $400,000", "国内已有7款CAR-T产品…": the class,
            # not the one product the article names
            return None, "together"
        return named.pop(), "article"
    if len(named) > 1 and text and _refers_back(text, s0, s1):
        return _previous(products, text, s0, s1)
    return None, None


def _previous(
    products: Sequence[Mention], text: str, s0: int, s1: int, at: int | None = None
) -> tuple[str | None, str | None]:
    """The product a sentence refers back to ("the drug", "该产品", before ``at`` when
    given): the one named last before the sentence, near it and not ending a list."""
    end = _first_reference_end(text, s0, s1) if text else -1
    if end == -1 or (at is not None and end > at):
        return None, None
    i = bisect_left(products, (s0,))
    if i and products[i - 1][0] >= s0 - ANAPHOR_REACH and not _listed_last(products, i - 1, text):
        return products[i - 1][2], "previous"
    return None, None


# the words between a figure and the product it is stated for, named right after it
# ("the 83% of axi-cel", "1.2 million yuan for Yikaida", "an ORR of 52% with X"), perhaps
# after a price or rate noun and a participle ("the $419,500 charged for X", "the 54%
# remission rate seen with X", "the $373,000 list price of X")
_OWNER_AFTER = re.compile(
    # (the noun's own words only: no word that joins or opens another clause or phrase)
    r"(?i)\s*(?:(?:(?!(?:and|or|but|while|whereas|although|the|an?|its|their|is|was|are|were)\b)"
    r"[a-z-]+\s+){0,2}(?:price\s+tag|prices?|costs?|charge|fee|rates?)\s+)?"
    r"(?:[a-z]+(?:ed|en)\s+)?"
    r"(?:of|for|with)\s+(?:the\s+)?"
    # the maker's possessive before the product ("the $475,000 cost of Novartis' Kymriah")
    r"(?-i:(?:[A-Z][\w&.-]*\s+){0,3}[A-Z][\w&.-]*(?:'s|’s|'|’)\s+)?"
)


def _refers_back(text: str, s0: int, s1: int) -> bool:
    """Whether text[s0:s1] refers back to a product without naming it."""
    return _first_reference_end(text, s0, s1) != -1


@lru_cache(maxsize=64)
def _first_reference_end(text: str, s0: int, s1: int) -> int:
    """Where the first words in text[s0:s1] that refer back to a product end, -1 when
    none do (asked once per sentence, not once per figure: a sentence may hold
    thousands)."""
    m = _ANAPHOR.search(text, s0, s1)
    return -1 if m is None else m.end()


# a sentence that names no product but refers back to one ("the drug", "该产品")
_ANAPHOR = re.compile(
    r"(?i)\b(?:the|this|that)\s+(?:[\w-]+\s+)?"
    # ("the treatment of lymphoma" names a use, not a product)
    r"(?:drug|product|medicine|injection|(?:therapy|treatment)(?!\s+(?:of|for)\b))\b"
    r"|[该該此本](?:产品|產品|药物|藥物|药|藥|注射液)"
)
# how far before its sentence the product a reference points back to may be named
ANAPHOR_REACH = 600


def _listed_last(products: Sequence[Mention], i: int, text: str) -> bool:
    """Whether product mention ``i`` ends a list of products ("Carvykti and Abecma"): a
    reference back to "the drug" after it could mean any of them."""
    return (
        i > 0
        and products[i - 1][2] != products[i][2]
        and _JOINED.match(text[products[i - 1][1] : products[i][0]]) is not None
    )


def _about_class(text: str, s0: int, at: int) -> bool:
    """Whether the words of a sentence (from ``s0``) before a figure at ``at``, naming
    no product, speak of a class of therapies ("CAR-T therapies", "these products",
    七款CAR-T产品, 此类疗法) and not of one ("like other therapies, the drug costs")."""
    return _CLASS.search(text, s0, at) is not None and _ANAPHOR.search(text, s0, at) is None


# a class of therapies: a plural therapy noun, or in Chinese a counted or demonstrative
# plural before one, or one said to hold generally
_CLASS = re.compile(
    r"(?i)\b(?:therapies|treatments|products|drugs|medicines)\b"
    r"|(?:[0-9一二三四五六七八九十几幾多两兩各]+\s*[款种種类類]|这些|這些|此类|此類|该类|該類|同类|同類)"
    r"\s*(?:CAR-?T\s*)?(?:细胞)?(?:产品|產品|疗法|療法|药物|藥物|药品|藥品)"
    r"|(?:产品|產品|疗法|療法|药物|藥物)的?(?:价格|價格|定价|定價)?(?:普遍|大多|大都)"
)


def _compared_side(text: str, at: int, figures: Sequence[int]) -> bool:
    """Whether the figure at ``at`` follows another of its sentence after a comparison
    word ("X, compared with Y", "X versus Y"): the comparison's other side."""
    i = bisect_left(figures, at)
    return (
        0 < i < len(figures)
        and figures[i] == at
        and VERSUS_END.search(_gap(text, figures[i - 1], at)) is not None
    )


# what stands between the two figures of a comparison ("71% vs 42%", "A versus B", a
# bracket closing or opening beside the word): the pair takes the first figure's metric
# (rates.parse) and the two sides' products (_versus_side)
VERSUS_GAP = re.compile(
    r"(?i)^\s*[)\]]?\s*(?:vs\.?|versus|v\.|compared (?:with|to)|against|对比|對比|对|對|比)\s*[(\[]?\s*$"
)


# what ends the words before the second figure of a comparison, however long the first
# side: "44% of patients in the X arm ... compared to 8% in the control arm" (not "than":
# "higher than the 67% reported a year before" is often the same product's)
VERSUS_END = re.compile(
    rf"(?i)(?:{_VERSUS_WORDS}|比)\s*(?:(?:the|a|an|just|only|about|around|roughly|nearly|some"
    r"|approximately|almost|over|under|more than|less than|up to)\s+){0,2}$"
)


def _versus_side(
    before: Sequence[Mention], text: str, at: int, figures: Sequence[int]
) -> tuple[bool, str | None]:
    """Whether a figure is one of "A% vs B%", and the product of its side: the first
    figure the first product named before it, the second the second one named, or none
    when only one is named (the other side is a comparator: "ide-cel vs standard
    regimens (71% vs 42%)"). ``figures``: the sentence's figures, in order (found by
    bisection, so a sentence of many figures stays linear).

    >>> s = "X vs SOC (71% vs 42%)"
    >>> _versus_side([(0, 1, "x")], s, 16, [10, 16]), _versus_side([(0, 1, "x")], s, 10, [10, 16])
    ((True, None), (True, 'x'))
    """
    if _compared_side(text, at, figures):
        names = _names_in_order(before)
        return True, names[1] if len(names) >= 2 else None  # the right side
    i = bisect_left(figures, at)
    if i == len(figures) or figures[i] != at:
        return False, None
    if i + 1 < len(figures) and VERSUS_GAP.match(_gap(text, at, figures[i + 1])):
        names = _names_in_order(before)
        return True, names[0] if len(names) >= 2 else names[-1]  # the left side
    return False, None


_AMOUNT_END = re.compile(r"[\d.,]+\s*(?:%|％|percent|per cent)?|\S+")


def _gap(text: str, figure: int, nxt: int) -> str:
    """The words between the figure at ``figure`` (its number skipped) and the next one."""
    m = _AMOUNT_END.match(text, figure)
    return text[m.end() if m else figure : nxt]


def _respectively(
    inside: Sequence[Mention],
    text: str,
    s0: int,
    s1: int,
    at: int,
    figures: Sequence[int],
) -> str | None:
    """The product a "respectively" list pairs with the figure at ``at``: the names
    before the first figure, in order, when there are as many as figures."""
    if at not in figures or not RESPECTIVELY.search(text, s0, s1):
        return None
    listed = _names_in_order([p for p in inside if p[0] < figures[0]])
    if len(listed) < 2 or len(listed) != len(figures):
        return None
    return listed[list(figures).index(at)]


def _stated_together(before: Sequence[Mention], text: str, figures: Sequence[int]) -> bool:
    """Whether the one figure of a sentence is stated for several products named as one
    list just before it ("A and B cost X"): the last two names before it are different
    and nothing but a joining word stands between them."""
    if len(figures) != 1 or len(before) < 2:
        return False
    (_, first_end, first), (second, second_end, inn) = before[-2], before[-1]
    return (
        first != inn
        and bool(_JOINED.match(text[first_end:second]))
        and not _BREAK.search(text, second_end, figures[0])
    )
