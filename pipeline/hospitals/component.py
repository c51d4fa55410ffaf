"""The spaCy component of hospitals: finds spans and calls the pure parser in parse.py."""

from __future__ import annotations

import re

from spacy.language import Language
from spacy.tokens import Doc

from ..nlp.component import RulesComponent
from ..nlp.facts import Fact, add_fact, text_of
from ..nlp.scan import has_cjk, widen
from ..nlp.triggers import hits, register
from ..rules import Rules
from ..words.chinese import HAN
from .chinese import LONGEST_NAME, chinese_name, find_chinese_hospitals, load_chinese_hospitals
from .parse import SHOUTED_HEADS, find_hospitals, gazetteer_id, load_hospitals

# characters around a head word in which a full name can stand (eight name words before
# it, "affiliated to the ... University School of Medicine" after it)
WINDOW = 250


# one or two digits a footnote glues to the end of a word
_FOOTNOTE_DIGITS = re.compile(r"(?<=[A-Za-z])\d{1,2}$")


class HospitalsComponent(RulesComponent):
    def setup(self, patterns: Rules) -> None:
        self.rules = load_hospitals(patterns)
        # names are looked for only around the last word of a head ("Hospital", "Center")
        # (or a known abbreviation: "PUMCH")
        head_word = self.rules.head_word
        # a known short name is asked of its last word ("MD Anderson": "Anderson"; the
        # tokenizer splits "Dana-Farber" at its hyphen)
        known = frozenset(
            re.split(r"[\s-]", a)[-1].strip(".,;:()'\"") for a in self.rules.abbreviations
        )
        # a word that ends a name whose head is left out ("Children's"; the tokenizer may
        # split its possessive off: both pieces are asked)
        implied = self.rules.implied_words | {
            w.removesuffix("'s").removesuffix("’s") for w in self.rules.implied_words
        }
        self.trigger = register(
            self.nlp.vocab,
            lambda text: (
                head_word.search(text) is not None
                # (a footnote's number glued after it: "Anderson4")
                or _FOOTNOTE_DIGITS.sub("", text.strip(".,;:()'\"")) in known
                or text in implied  # "Seattle Children's"
                or text in SHOUTED_HEADS
            ),
        )
        # a head word in lower case ("hospital"): a name there only after a capitalised word
        lower = self.rules.lower_head_word
        self.lower_trigger = register(self.nlp.vocab, lambda text: lower.match(text) is not None)
        # Chinese names: runs of Chinese characters holding a head (医院), a known name or
        # a university's short name with an ordinal
        self.chinese = chinese = load_chinese_hospitals(patterns)
        regexes = (chinese.head, chinese.known, chinese.abbreviation)
        self.chinese_trigger = register(
            self.nlp.vocab,
            lambda text: (
                HAN.match(text) is not None
                and any(r.search(text.translate(chinese.t2s)) for r in regexes)
            ),
        )

    def __call__(self, doc: Doc) -> Doc:
        text = text_of(doc)
        heads = hits(doc, self.trigger)
        # lower-case heads right after a capitalised word ("Zhongshan hospital")
        lower_head = self.rules.lower_head
        lowered = [
            (start, end)
            for start, end in hits(doc, self.lower_trigger)
            if any(
                end in (m.end("head"), m.end("ordinal"), m.end("owned"))
                for m in lower_head.finditer(text, max(0, start - 80), end + 40)
            )
        ]
        if lowered:
            heads = sorted([*heads, *lowered])
        spans = widen(heads, WINDOW, WINDOW, len(text))
        found = find_hospitals(text, self.rules, spans) if spans else []
        chinese = widen(hits(doc, self.chinese_trigger), LONGEST_NAME, 0, len(text))
        # (Chinese text with no head may still name a hospital by its short name: 北荣血液科)
        if chinese or has_cjk(text):
            taken = [(h.start, h.end) for h in found]
            found += [
                h
                for h in find_chinese_hospitals(text, self.chinese, chinese)
                if not any(s < h.end and h.start < e for s, e in taken)
            ]
            found.sort(key=lambda h: (h.start, h.end))
        for h in found:
            add_fact(
                doc,
                "hospitals",
                Fact(
                    h.start,
                    h.end,
                    h.rule,
                    {
                        "hospital": h.name.display,
                        "city": h.name.city,
                        "gazetteer_id": gazetteer_id(h.name, self.rules),
                        "hospital_zh": chinese_name(h, self.chinese),
                    },
                ),
            )
        return doc


@Language.factory(
    "cartfacts_hospitals", default_config={"patterns": ""}, requires=["doc._.cartfacts"]
)
def make_hospitals(nlp: Language, name: str, patterns: str) -> HospitalsComponent:
    return HospitalsComponent(nlp, name, patterns)
