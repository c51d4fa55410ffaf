"""spaCy component: product and company mentions, resolved to one INN and one company.

Finds candidates (known names with PhraseMatchers, name-shaped spans in product contexts
with the token patterns of patterns/product_contexts.jsonl, words shaped like the 仑赛
family) and calls the pure resolvers of kb.py. Article-level support then resolves
weaker spellings of a product the article already names, and keeps every spelling of
one product (or company) on one value.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache, partial
from typing import Any, NamedTuple

from rapidfuzz.distance import Levenshtein
from spacy.language import Language
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc, Span

from ..nlp.component import RulesComponent
from ..nlp.facts import Fact, add_fact, text_of
from ..nlp.scan import CJK, alternation, guarded, has_cjk, marked
from ..nlp.sentences import Sentences
from ..nlp.triggers import hits, register, token_starts
from ..prices.parse import find_money, load_money
from ..rules import Rules
from ..words.chinese import han_run_start, homophones, load_pinyin, readings
from .contexts import Anchor, load_contexts
from .kb import (
    KB,
    Resolution,
    company_cutoff,
    consonant_start,
    load_kb,
    resolve_chinese_generic,
    resolve_company,
    resolve_product,
    score_products,
)
from .similarity import FAMILY_ENDINGS, MISSPELLED_SHORTEST, by_initial, misspelled_name
from .translit import Translit

# resolutions remembered per spelling (least recently used go first), so memory stays bounded
CACHE_LIMIT = 50_000
MATCHER_CALL_TOKENS = 10
# a word long enough to be a transliterated generic name, in any case ("sedakiolunsis")
_TITLE_WORD = re.compile(r"\b[A-Za-z][a-z]{6,}\b")
# the capitalised word right before another, with one space or hyphen between
_WORD_BEFORE = re.compile(r"(?<![\w-])([A-Z][a-z]+)[ -]$")

# runs of capitalised words (company candidates) and the words inside a run
# (a word's characters: letters and digits but not Chinese ones, which run on without a
# space after a Latin name: "由Novartis研发")
_W = r"[^\W\u3000-\u9fff\uff00-\uffef]|['’.-]"
_CAPITALISED_RUN = re.compile(rf"[A-Z](?:{_W})*(?:[ \t]+(?:[A-Z](?:{_W})*|&|\([A-Z](?:{_W})*\)))*")
_RUN_WORD = re.compile(r"\S+")
_NOT_LETTER = re.compile(r"[^a-z]")
# a character a capitalised token must hold: a capital letter, or any non-ASCII one
# (so the test never wrongly says no)
_CAPITAL = re.compile(r"[A-Z\u0080-\U0010ffff]")


# a bracket right after a name, and what it holds
_BRACKET_AFTER = re.compile(r"\s?[（(](?P<inside>[^（）()]{1,40})[）)]")


@dataclass(frozen=True)
class Candidate:
    start: int
    end: int
    text: str
    rule: str
    key: str = ""  # what is scored, when not the text (a Chinese name's pinyin)

    @property
    def spelling(self) -> str:
        return self.key or self.text


GENERIC_RULE = "product.zh_generic"
# a capitalised word shorter than this ("Fu", "He") starts a company's name by sound
# only with the word after it (_find_best_in_run)
SHORT_SYLLABLE = 3
# ... and holds this many words at least
SHORT_START_WORDS = 3
# the most words of a name written as spaced pinyin: one per character of the longest
# Chinese names (布瑞基奥仑赛, six)
PINYIN_RUN_WORDS = 6
# characters before a name read for a person's title ("Deputy Director ")
PERSON_TITLE_REACH = 30


class SentenceSupport(NamedTuple):
    """What a sentence offers as support to the names in it, read once per sentence."""

    amounts: frozenset[tuple[int, str]]  # (amount, currency) pairs it states
    antigens: frozenset[str]  # target antigens it names
    therapy: bool  # whether it names the therapy (CAR-T)
    trials: frozenset[str]  # products whose trials it names


# the number that ends a numbered trial's name ("ZUMA-7": its series is "ZUMA")
_TRIAL_NUMBER = re.compile(r"[- ]?\d+$")


@dataclass
class Mention:
    start: int
    end: int
    text: str
    rule: str
    product_id: str | None
    method: str
    score: float
    candidates: tuple[tuple[str, float], ...] = ()


class ProductsComponent(RulesComponent):
    def setup(self, patterns: Rules) -> None:
        nlp = self.nlp
        self.kb: KB = load_kb(patterns)
        self.money = load_money(patterns)  # a KB price near a name supports it
        # answers kept per spelling (and per capitalised run): names recur across news
        # every product's score per spelling, for the second pass with context support
        # (only the best few can win, so only they are kept)
        self._scores = lru_cache(maxsize=CACHE_LIMIT // 10)(
            lambda text: score_products(text, self.kb)[:5]
        )
        self._resolve = lru_cache(maxsize=CACHE_LIMIT)(
            lambda text: resolve_product(text, self.kb, scores=self._scores(text))
        )
        self._resolve_company = lru_cache(maxsize=CACHE_LIMIT)(
            # (only resolved names and near ones at the support floor are read from it)
            partial(resolve_company, kb=self.kb, cutoff=company_cutoff(self.kb.translit.scoring))
        )
        self._best_in_run = lru_cache(maxsize=CACHE_LIMIT)(self._find_best_in_run)
        self._pinyin_shaped = lru_cache(maxsize=CACHE_LIMIT)(self._spaced_pinyin)
        # (the same words start many runs: "University", "China", a company's first word)
        self._may_start = lru_cache(maxsize=CACHE_LIMIT)(
            partial(_may_start_company, firsts=self.kb.company_first_forms)
        )
        self._open_in_run = lru_cache(maxsize=CACHE_LIMIT)(
            partial(_open_company, t=self.kb.translit)
        )
        self._resolve_generic = lru_cache(maxsize=CACHE_LIMIT)(self._generic)
        # a candidate below its floor is listed (name_candidates) from this score up
        self.listed_floor = float(self.kb.translit.scoring["list_floor"])
        # the amounts of a sentence, for price support (asked once per sentence, not per
        # unresolved name in it)
        self._amounts = lru_cache(maxsize=1024)(
            lambda sentence: frozenset(
                (round(m.amount), m.currency) for m in find_money(sentence, self.money)
            )
        )
        self.known = PhraseMatcher(nlp.vocab, attr="LOWER")
        for alias, pid in sorted(self.kb.product_names.items()):
            self.known.add(pid, [nlp.make_doc(alias)])
        self.companies = PhraseMatcher(nlp.vocab, attr="LOWER")
        for alias, cid in sorted(self.kb.company_aliases.items()):
            self.companies.add(cid, [nlp.make_doc(alias)])
        self.companies_cs = PhraseMatcher(nlp.vocab, attr="ORTH")
        for alias, cid in sorted(self.kb.company_aliases_cs.items()):
            self.companies_cs.add(cid, [nlp.make_doc(alias)])
        # Chinese names inside running Chinese text, with the optional 注射液 ("injection")
        self.chinese = re.compile(f"(?P<name>{guarded(self.kb.chinese_names)})(?:注射液)?")
        names, stems = _chinese_company_names(self.kb)
        self.chinese_company_ids = {**stems, **names}
        self.pinyin = load_pinyin(patterns)
        # companies whose name starts with an ordinary word ("Legend Biotech"), and their
        # short names ("Bristol"): those words, alone (not before another capitalised word)
        common = self.kb.translit.common_words
        self.maker_words = {
            c.id: re.compile(rf"(?<![\w-])(?:{alternation(short)})(?![\w-])(?!\s+[A-Z])")
            for c in self.kb.companies.values()
            if (
                short := [
                    *c.short_names,
                    *(first for first in c.name.split()[:1] if first.lower() in common),
                ]
            )
            and any(w[:1].isupper() for w in short)
        }
        self.short_names = frozenset(n for c in self.kb.companies.values() for n in c.short_names)
        t = self.kb.translit
        # what makes a short name the company: a word right after it ("Bristol said"), or
        # a joiner between it and another company ("Legend and Janssen")
        self.company_after = re.compile(
            rf"(?:['’]s)?(?:\s*{t.company_ticker.pattern}"
            rf"|\s+(?:{alternation(t.company_after) or '(?!)'})\b)"
        )
        # ... or a word right before it ("revenue for Bristol", "shares of Legend")
        self.company_before = re.compile(
            rf"(?i)(?<![\w-])(?:{alternation(t.company_before) or '(?!)'})\s+$"
        )
        marks = alternation(j for j in t.company_joiners if not j.isalpha()) or "(?!)"
        joining = alternation(j for j in t.company_joiners if j.isalpha()) or "(?!)"
        self.company_joined = re.compile(rf"\s*(?:(?:{marks})\s*)?(?:(?:{joining})\b\s*)?")
        # a known company's Chinese stem alone (科济 of 科济药业) in Chinese text, before a
        # word of its context (the Chinese words of company_context: 科济宣布, 传奇与杨森),
        # or before any word a company does next (X的) where the article names its product,
        # or before a bracket holding its Latin name (a stem that is a place or an ordinary
        # word is none: 华东, 精准)
        not_names = {*t.open_chinese_places, *t.open_chinese_not_names}
        self.chinese_short_ids = {s: cid for s, cid in stems.items() if s not in not_names}
        chinese_after = [w for w in t.company_after if CJK.search(w)]
        # (the joiners written in Chinese text: characters and the enumeration comma 、)
        self.chinese_joiners = tuple(j for j in t.company_joiners if not j.isascii())
        others = [*self.chinese_joiners, *t.open_chinese_unsuffixed[1]]
        # a word of the context, time words and adverbs before it allowed (科济今年将宣布)
        adverbs = alternation(t.company_adverbs) or "(?!)"
        self.chinese_after = re.compile(
            rf"(?:{adverbs})*(?:{alternation(chinese_after) or '(?!)'})"
        )
        # (a joiner after a company may stand before it: 强生与传奇联合开发; each joiner a
        # lookbehind of its own, as they differ in length)
        after_joiner = "|".join(f"(?<={re.escape(j)})" for j in self.chinese_joiners)
        self.chinese_short = (
            # (or before a bracket, which may hold its Latin name: 传奇（Legend）)
            re.compile(
                rf"(?:{guarded(self.chinese_short_ids)})"
                rf"(?={self.chinese_after.pattern}|(?:{alternation(others) or '(?!)'})|\s*[（(])"
                + (
                    rf"|(?:{after_joiner})(?:{guarded(self.chinese_short_ids)})"
                    if after_joiner
                    else ""
                )
            )
            if self.chinese_short_ids and (chinese_after or others)
            else None
        )
        # the first four letters of every product name (alias_key): a cheap exact test
        # before a spelling is scored
        self.alias_starts = frozenset(k[:4] for k in self.kb.product_aliases if len(k) >= 4)
        # one-word Latin names of products (brands, INNs, short INNs without the hyphen)
        joined = (
            (alias.replace("-", "").lower(), pid) for alias, pid in self.kb.product_names.items()
        )
        brands = by_initial(
            {
                name: pid
                for name, pid in joined
                if name.isascii()
                and name.isalpha()
                and len(name) >= MISSPELLED_SHORTEST
                and not name.endswith(FAMILY_ENDINGS)
            }
        )
        self.misspelled = lru_cache(maxsize=CACHE_LIMIT)(lambda word: misspelled_name(word, brands))
        # a word that misspells a brand, asked once per word of the vocabulary
        self.misspelled_word = register(
            nlp.vocab,
            lambda text: (
                MISSPELLED_SHORTEST - 2 <= len(text) <= 16
                and text[:1].isupper()
                and text[1:].islower()
                and text.isalpha()
                and self.misspelled(text) is not None
            ),
        )
        # the readings of each full Chinese company name of three characters or more
        self.company_sounds = {
            tuple(readings(name, self.pinyin)): (name, cid)
            for name, cid in sorted(names.items())
            if len(name) >= 3 and len(readings(name, self.pinyin)) == len(name)
        }
        self.pinyin_word = lru_cache(maxsize=CACHE_LIMIT)(
            pinyin_word(frozenset(self.pinyin.values())).fullmatch
        )
        ascii_legal = alternation(
            w.rstrip(".")
            for w in self.kb.translit.corporate_suffixes
            if w.isascii() and w[0] != "("
        )
        # (a whole word: "co-markets" holds no "Co")
        self.legal_after = re.compile(
            rf",\s?(?i:{ascii_legal})(?![\w-])\.?" if ascii_legal else "(?!)"
        )
        self.therapy_words = re.compile(
            rf"(?i)(?<![a-z]){alternation(self.kb.translit.therapy_words)}(?![a-z])"
            if self.kb.translit.therapy_words
            else "(?!)"
        )
        # the products' trials by name ("CARTITUDE-4", "ZUMA 7"): a series name stands for
        # each of its studies, a numbered name for that study only
        self.trial_ids = {n.upper(): p.id for p in self.kb.products.values() for n in p.trials}
        bases = sorted(
            {_TRIAL_NUMBER.sub("", n) for p in self.kb.products.values() for n in p.trials}
        )
        self.trial_names = re.compile(
            rf"(?<![\w-])(?P<base>{alternation([*bases, *(b.upper() for b in bases)])})"
            r"(?:[- ]?(?P<number>\d{1,2}))?(?!\w)"
            if bases
            else "(?!)"
        )
        # a company name machine translation left in lower case ("legend biologics"): up
        # to three lower-case words and a word that makes a company (biotech, pharma:
        # open_companies.ends), not any industry word ("precision cell therapy" is none)
        t = self.kb.translit
        ascii_industry = alternation(
            sorted(w for w in t.industry_words & t.open_ends if w.isascii())
        )
        # (found by the industry word, then read back: a regex tried at every letter of
        # the text cost a third of a millisecond per article)
        self.lower_industry = re.compile(
            rf"(?<=[a-z'’] )(?:{ascii_industry})(?![A-Za-z])" if ascii_industry else "(?!)"
        )
        # the shared endings of generic names, each character or another of its sound
        # (…伦塞 for …仑赛: a typist's or converter's homophone), known by their readings
        self.ending_heads = {
            tuple(readings(ending, self.pinyin)): span
            for ending, span in self.kb.translit.chinese_endings.items()
        }
        by_sound: dict[str, set[str]] = {}
        for ch, reading in self.pinyin.items():
            by_sound.setdefault(reading, set()).add(ch)
        endings = "|".join(
            dict.fromkeys(
                _homophone_regex(ending, self.pinyin, by_sound)
                for ending in sorted(self.kb.translit.chinese_endings, key=len, reverse=True)
            )
        )
        suffixes = alternation(self.kb.translit.chinese_suffixes) or "(?!)"
        self.generic_ending = re.compile(
            f"(?P<ending>{endings})(?:{suffixes})?" if endings else "(?!)"
        )
        t = self.kb.translit
        industry = alternation(w for w in t.industry_words if not w.isascii()) or "(?!)"
        legal = alternation(w for w in t.corporate_suffixes if not w.isascii()) or "(?!)"
        # a legal suffix may follow a place in brackets (药明巨诺（上海）有限公司) and
        # another suffix (X集团股份有限公司)
        legal = rf"(?:[（(][\u4e00-\u9fff]{{2,4}}[）)])?(?:{legal}){{1,2}}"
        # a company outside the knowledge base in Chinese text: industry words and a
        # legal suffix after its name (X生物科技有限公司), found by the suffix, read back
        self.open_chinese = re.compile(rf"(?:{industry})+{legal}")
        # ... and one with no legal suffix, known by what a company does next (X医药宣布)
        bare = t.open_chinese_unsuffixed
        # (time words and adverbs may come between: X生物正式向港交所递交, X医药今年将)
        self.unsuffixed = re.compile(
            rf"(?<=[\u4e00-\u9fff])(?P<word>{alternation(bare[0])})"
            rf"(?=(?:{adverbs})*(?:{alternation(bare[1])}))"
            if bare[0] and bare[1]
            else "(?!)"
        )
        self.chinese_companies = re.compile(
            (rf"(?P<name>{guarded(names)})(?:(?:{industry})*{legal})?" if names else "(?!)")
            + (
                rf"|(?P<stem>{guarded(stems)})(?:(?:{industry})+(?:{legal})?|{legal})"
                if stems
                else ""
            )
        )
        # Latin names between non-Latin characters (in Chinese text)
        self.latin_names = _latin_alternation(self.kb.product_names)
        # a one-word name of letters with a footnote's number glued to it ("Kymriah1", a
        # superscript flattened): the tokenizer keeps it one word, so no PhraseMatcher sees
        # it; asked of each new word once (a regex over every text cost a tenth of the step)
        plain = [n for n in self.kb.product_names if n.isascii() and n.isalpha() and len(n) >= 5]
        self.footnoted = re.compile(
            rf"(?i)(?P<name>{guarded(plain)})\d{{1,2}}" if plain else "(?!)"
        ).fullmatch
        self.footnoted_word = register(nlp.vocab, lambda w: self.footnoted(w) is not None)
        # a short form written with a space for its hyphen ("cilta cel"): the word "cel"
        # flags where to look back for a known short form's first part
        self.spaced_short = {
            n.removesuffix("-cel"): pid
            for n, pid in self.kb.product_names.items()
            if n.endswith("-cel") and n.count("-") == 1
        }
        self.cel_word = register(nlp.vocab, lambda w: w.lower() == "cel")
        self.latin_companies = _latin_alternation(self.kb.company_aliases)
        # a known company's first Latin word right after a Chinese word for a company
        # (初创企业X, 明星企业X: the word is the company there), where that word
        # starts one company's name only and is no ordinary word
        firsts: dict[str, dict[str, str]] = {}  # first word -> name -> its first id
        for cid, c in sorted(self.kb.companies.items()):
            first = c.name.split()[0]
            if first.isascii() and first.isalpha() and len(first) >= 4:
                firsts.setdefault(first, {}).setdefault(c.name, cid)
        self.first_word_ids = {
            w: next(iter(names.values()))
            for w, names in firsts.items()
            if len(names) == 1 and w.lower() not in t.common_words
        }
        chinese_leads = [*t.open_chinese_leads, *t.company_chinese_before]
        self.first_word_after_lead = re.compile(
            rf"(?:{alternation(chinese_leads)})\s?(?P<name>{alternation(self.first_word_ids)})"
            r"(?![A-Za-z0-9])"
            if self.first_word_ids and chinese_leads
            else "(?!)"
        )
        # ... and right after a Chinese joiner (艾伯维与X达成合作: in Chinese text a Latin
        # word joined to a clause is a name), unless the word is a place's
        named = [w for w in self.first_word_ids if w.lower() not in t.place_words]
        self.first_word_after_joiner = re.compile(
            rf"(?:{alternation(self.chinese_joiners)})\s?(?P<name>{alternation(named)})"
            r"(?![A-Za-z0-9])"
            if named and self.chinese_joiners
            else "(?!)"
        )
        # the part of each known INN before its CAR-T infix ("cilta" of ciltacabtagene
        # autoleucel), for INNs of that shape that name no known product (_open_inns)
        self.inn_prefixes = {
            m.group("prefix").lower(): (pid, product.inn)
            for pid, product in sorted(self.kb.products.items())
            if product.inn and (m := t.open_inn.fullmatch(product.inn))
        }
        # whole-word INN stems ("autoleucel"), which WORD_BEFORE names keep with the word before
        self.stem_words = tuple(s for s in self.kb.translit.inn_stems if len(s) >= 8)
        self.contexts = Matcher(nlp.vocab, validate=True)
        self.context_labels: dict[str, str] = {}
        anchors: list[Anchor] = []
        for rule in load_contexts(patterns):
            self.contexts.add(rule.id, [rule.pattern], greedy="LONGEST")
            self.context_labels[rule.id] = rule.label
            anchors.append(rule.anchor)
        # The Matcher costs about a microsecond per token whatever the patterns, so it
        # reads only the tokens around a word that every match must contain.
        # a capitalised word long enough to be a transliterated generic name and shaped
        # like the 仑赛 family ("Akilunsai")
        shape = self.kb.translit.name_shape
        self.shaped = register(nlp.vocab, lambda w: any(_shaped_words(w, 0, len(w), shape)))
        one = self.kb.translit.pinyin_syllable
        # a word cut into one to three pinyin syllables ("Nuoda")
        self._syllables = (
            re.compile(f"(?:{one.pattern.removeprefix('(?i)')}){{1,3}}", one.flags) if one else None
        )
        # every way a brand's syllables are written as one word (奕凯达 yi-kai-da as
        # "yikeda", "yicaida": the initials and finals tables): such a word is a candidate
        # wherever it stands, no product word after it needed
        self.brand_renderings = frozenset(
            head
            for p in self.kb.products.values()
            for target in p.targets
            if target.kind == "brand"
            for head in target.heads
        )
        words = frozenset().union(*(a.words for a in anchors))
        self.context_trigger = (
            register(nlp.vocab, lambda text: text.lower() in words)
            if anchors and all(a.words for a in anchors)
            else None
        )
        # the patterns that can match around each anchor word
        self.anchored: dict[str, list[Anchor]] = {
            w: [a for a in anchors if w in a.words] for w in words
        }

    # ------------------------------------------------------------ candidates

    def _known(self, doc: Doc) -> list[Mention]:
        out = []
        text = text_of(doc)
        # a name inside a longer one of the same product is no mention of its own
        # ("Axicabtagene" of "Axicabtagene ciloleucel"): longest first at each start, then
        # each product's farthest end so far (linear, however many names an article has)
        farthest: dict[int, int] = {}
        for match_id, start, end in sorted(self.known(doc), key=lambda m: (m[1], -m[2])):
            if farthest.get(match_id, -1) >= end:
                continue
            farthest[match_id] = end
            span = doc[start:end]
            pid = doc.vocab.strings[match_id]
            out.append(
                Mention(
                    span.start_char, span.end_char, span.text, "product.alias", pid, "alias", 1.0
                )
            )
        for start, end in hits(doc, self.footnoted_word):
            name = self.footnoted(text, start, end)
            if name is not None:
                pid = self.kb.product_names[name.group("name").lower()]
                stop = name.end("name")
                out.append(
                    Mention(start, stop, text[start:stop], "product.alias", pid, "alias", 1.0)
                )
        for start, end in hits(doc, self.cel_word):
            before = _WORD_BEFORE_SPACE.search(text, max(0, start - SHORT_FORM_REACH), start)
            short = self.spaced_short.get(before.group(1).lower()) if before else None
            if before is not None and short is not None:
                first = before.start(1)
                out.append(
                    Mention(first, end, text[first:end], "product.alias", short, "alias", 1.0)
                )
        out += self._misspelled(doc, [(m.start, m.end) for m in out])
        if has_cjk(text):
            # the PhraseMatcher misses names in Chinese text (no spaces between words)
            out += _in_chinese_text(
                text,
                self.kb.t2s,
                (self.chinese, self.kb.chinese_names, "product.chinese", "chinese"),
                (self.latin_names, self.kb.product_names, "product.alias", "alias"),
                keep=self.kb.products,
                taken=[(m.start, m.end) for m in out],
            )
        return out

    def _person(self, text: str, start: int, end: int) -> bool:
        """Whether the words at text[start:end] are a person's name: a word of speech right
        after or before them ("X Y said", "said X Y"), or a title right before them or after
        a comma ("Professor X Y", "X Y, director of ..."; transliteration.json
        product_contexts.person)."""
        t = self.kb.translit
        return (
            t.speech_after.match(text, end) is not None
            or t.title_after.match(text, end) is not None
            or t.person_before.search(text, max(0, start - PERSON_TITLE_REACH), start) is not None
        )

    def _misspelled(self, doc: Doc, taken: list[tuple[int, int]]) -> list[Mention]:
        """Brand names written with a letter or two wrong ("Kymraih", "Carvytki"): a
        capitalised word that is no known name but one or two edits from exactly one
        product's one-word name (similarity.misspelled_name)."""
        out = []
        text = text_of(doc)
        for start, end in hits(doc, self.misspelled_word):
            if any(s < end and start < e for s, e in taken):
                continue  # (rare: a misspelling is seldom inside a known name)
            word = text[start:end]
            found = self.misspelled(word)
            if found is not None:
                pid, score = found
                out.append(
                    Mention(start, end, word, "product.misspelled", pid, "misspelled", score)
                )
        return out

    def _chinese_companies(self, text: str) -> list[Mention]:
        """Companies by their Chinese names, in either script, with or without a legal
        suffix (驯鹿生物科技有限公司), and by Latin names glued to Chinese text; then names
        written with one character of the same sound (药明巨糯 for 药明巨诺)."""
        if not has_cjk(text):
            return []
        found = _in_chinese_text(
            text,
            self.kb.t2s,
            (self.chinese_companies, self.chinese_company_ids, "company.chinese", "chinese"),
            (self.latin_companies, self.kb.company_aliases, "company.alias", "alias"),
            keep=self.kb.companies,
        )
        taken = [(m.start, m.end) for m in found]
        for m in (
            *self.first_word_after_lead.finditer(text),
            *self.first_word_after_joiner.finditer(text),
        ):
            start, end = m.start("name"), m.end("name")
            if not any(s < end and start < e for s, e in taken):
                cid = self.first_word_ids[m.group("name")]
                found.append(
                    Mention(start, end, m.group("name"), "company.first_word", cid, "context", 0.9)
                )
                taken.append((start, end))
        folded = text.translate(self.kb.t2s)
        for start, end, cid in homophones(folded, self.company_sounds, self.pinyin):
            # (a name found inside it is a part of it: the longer name wins below)
            if not any(s < end and start < e and not start <= s < e <= end for s, e in taken):
                found.append(
                    Mention(start, end, text[start:end], "company.homophone", cid, "homophone", 0.9)
                )
        return found

    def _context_matches(self, doc: Doc) -> list[tuple[int, int, int]]:
        """The context Matcher's matches (match id, token start, token end), read in
        merged windows around the anchor words, each inside its sentence. A window reaches
        as far as a pattern with that anchor can; a match of another pattern needs its own
        anchor inside, whose window then overlaps and is merged in. A pattern that needs a
        capitalised token on one side of its anchor is not looked for where that side
        holds no capital letter (most context words stand in lower-case text)."""
        if self.context_trigger is None:
            return list(self.contexts(doc))
        sentences = Sentences(doc)
        text = text_of(doc)
        starts = token_starts(doc)
        spans: list[tuple[int, int, int]] = []
        for hit_start, hit_end in hits(doc, self.context_trigger):
            s0, s1 = sentences.at(hit_start)
            first = max(bisect_right(starts, s0) - 1, 0)  # tokens of the sentence
            last = bisect_left(starts, s1)
            i = bisect_left(starts, hit_start)  # the anchor word's token
            lo, hi = last, first
            for a in self.anchored[text[hit_start:hit_end].lower()]:
                b = first if a.before is None else max(first, i - a.before)
                e = last if a.after is None else min(last, i + 1 + a.after)
                if a.capital_before and not _CAPITAL.search(text, starts[b], hit_start):
                    continue
                after_end = starts[e] if e < len(starts) else len(text)
                if a.capital_after and not _CAPITAL.search(text, hit_end, after_end):
                    continue
                lo, hi = min(lo, b), max(hi, e)
            if lo < hi:
                spans.append((first, lo, hi))
        windows: list[tuple[int, int, int]] = []  # (sentence start, lo, hi), merged
        for sent, lo, hi in sorted(spans):
            # windows of one sentence a few tokens apart are read in one call: a Matcher
            # call costs about as much as ten more tokens
            if windows and windows[-1][0] == sent and lo <= windows[-1][2] + MATCHER_CALL_TOKENS:
                windows[-1] = (sent, windows[-1][1], max(windows[-1][2], hi))
            else:
                windows.append((sent, lo, hi))
        out: list[tuple[int, int, int]] = []
        for _sent, lo, hi in windows:
            out.extend((m, lo + a, lo + b) for m, a, b in self.contexts(doc[lo:hi]))
        return out

    def _candidates(self, doc: Doc, runs: list[re.Match[str]]) -> list[Candidate]:
        out: list[Candidate] = []
        for match_id, start, end in self._context_matches(doc):
            rule = doc.vocab.strings[match_id]
            name = _name_run(doc, start, end, self.context_labels[rule], self.stem_words)
            if name is not None:
                out.append(Candidate(name.start_char, name.end_char, name.text, rule))
        text = text_of(doc)
        syllable = self.kb.translit.pinyin_syllable
        if syllable is not None:
            # a name written as spaced pinyin ("Bei Nuo Da", "Bei Nuoda", "Yi-Kaida"): two to
            # PINYIN_RUN_WORDS capitalised words (a generic name has six characters), each
            # cut into one to three syllables, one of them a single syllable (the spacing
            # of a Chinese name's characters)
            for run in runs:
                spelled = run.group(0).rstrip(".,;:'’")
                lower = self._lower_syllables(text, run.start() + len(spelled), spelled)
                if lower is not None:
                    # "Bei nuo da": the lower-case syllables after a capitalised one,
                    # kept only where the whole names a product
                    out.append(Candidate(run.start(), lower[0], lower[1], "product.pinyin_run"))
                    continue
                if self._pinyin_shaped(spelled):
                    rule = "product.pinyin_run"
                elif self._brand_word(spelled):
                    rule = "product.brand_rendering"
                else:
                    continue
                end = run.start() + len(spelled)
                if self._person(text, run.start(), end):
                    continue  # "Wang Ning said", "Professor Li Hua"
                if _dateline_place(text, run.start(), end):
                    continue  # "SANTA MONICA, Calif., June 3, 2024 --": a place
                out.append(Candidate(run.start(), end, spelled, rule))
        shape = self.kb.translit.name_shape
        several = self._syllables
        for start, end in hits(doc, self.shaped):  # tokens holding such a word
            for m in _shaped_words(text, start, end, shape):
                begin = m.start()
                # "Xidaki Aolunsai": a pinyin word before the stem word is its head
                # (when it resolves the name better than the stem word alone does)
                head = _WORD_BEFORE.search(text, max(0, begin - 24), begin)
                if (
                    head is not None
                    and several is not None
                    and several.fullmatch(head.group(1))
                    and self._better_whole(text[head.start(1) : m.end()], m.group(0))
                ):
                    begin = head.start(1)
                out.append(Candidate(begin, m.end(), text[begin : m.end()], "product.shape"))
        if has_cjk(text):
            out += self._chinese_generics(text)
        return out

    def _spaced_pinyin(self, spelled: str) -> bool:
        """Whether a capitalised run is shaped as a name written in spaced pinyin: two to
        PINYIN_RUN_WORDS words, none an English word that cuts into syllables ("In"),
        each cut into one to three syllables, one of them a single syllable (or two
        words), the first no place ("Hangzhou Xinyuan" is a place's company). Asked once
        per run text (_pinyin_shaped): runs recur across news."""
        several, syllable = self._syllables, self.kb.translit.pinyin_syllable
        assert several is not None and syllable is not None
        words = spelled.replace("-", " ").split()
        t = self.kb.translit
        return (
            2 <= len(words) <= PINYIN_RUN_WORDS
            and not any(w.lower() in t.not_pinyin_words for w in words)
            and all(several.fullmatch(w) for w in words)
            and (any(syllable.fullmatch(w) for w in words) or len(words) == 2)
            and words[0].lower() not in t.place_words
        )

    def _brand_word(self, spelled: str) -> bool:
        """Whether a capitalised word is written as a brand's syllables are ("Yikeda"): one
        of brand_renderings exactly, cut into pinyin syllables, and no English word that
        cuts into them too (product_contexts.not_pinyin_words). An exact rendering, not a
        near one: a single word has no neighbours to vouch for it as a name."""
        several = self._syllables
        low = spelled.lower()
        return (
            low in self.brand_renderings  # (first: it rules out nearly every run)
            and several is not None
            and spelled.isalpha()
            and spelled[:1].isupper()
            and spelled[1:].islower()
            and low not in self.kb.translit.not_pinyin_words
            and several.fullmatch(spelled) is not None
        )

    def _lower_syllables(self, text: str, end: int, spelled: str) -> tuple[int, str] | None:
        """(end, spelling) of a capitalised pinyin word followed by lower-case words of
        pinyin syllables ("Bei nuo da"), up to five words in all, as far as resolves best
        to a product; None when none does (lower-case words that cut into syllables are
        mostly English: "Li and")."""
        # (cheap exact tests first: most runs are followed by a word no product's name
        # starts with)
        following = _LOWER_SYLLABLE.match(text, end)
        if (
            following is None
            or (spelled + following.group(1)).lower()[:4] not in self.alias_starts
            or " " in spelled
            or "-" in spelled
        ):
            return None
        several = self._syllables
        assert several is not None
        if not several.fullmatch(spelled):
            return None
        stops: list[int] = []  # where each lower-case word after it ends
        stop = end
        while (
            len(stops) < 4  # (five words in all)
            and (m := _LOWER_SYLLABLE.match(text, stop))
            and several.fullmatch(m.group(1))
        ):
            stop = m.end()
            stops.append(stop)
        best: tuple[float, int] | None = None  # the likeliest, the longer at a tie
        for stop in stops:
            res = self._resolve(text[end - len(spelled) : stop])
            if res.target_id is not None and (best is None or res.score >= best[0]):
                best = (res.score, stop)
        return None if best is None else (best[1], text[end - len(spelled) : best[1]])

    def _better_whole(self, whole: str, part: str) -> bool:
        """Whether ``whole`` resolves to a product, and no worse than ``part`` alone."""
        a, b = self._resolve(whole), self._resolve(part)
        return a.target_id is not None and a.score >= b.score

    def _chinese_generics(self, text: str) -> list[Candidate]:
        """Chinese generic names the knowledge base does not hold, by their shared ending
        (…基奥仑赛, …仑赛): a head of as many characters before the ending as the
        ending allows, never past a boundary character, read as pinyin and resolved by
        kb.resolve_chinese_generic."""
        t = self.kb.translit
        folded = text.translate(self.kb.t2s)
        out = []
        for m in self.generic_ending.finditer(folded):
            fewest, most = self.ending_heads[tuple(readings(m.group("ending"), self.pinyin))]
            lo = han_run_start(folded, m.start(), most, t.chinese_boundary)
            # a head that resolves wins (the best, then the longest); else the longest,
            # since how an unknown name sounds says nothing about where it starts
            best: tuple[tuple[bool, float, int], int, Resolution] | None = None
            for start in range(lo, m.start() - fewest + 1):
                if self._cuts_word(folded, start):
                    continue
                res = self._resolve_generic(folded[start : m.end("ending")])
                found = res.target_id is not None
                rank = (found, res.score if found else 0.0, m.start() - start)
                if best is None or rank > best[0]:
                    best = (rank, start, res)
            if best is not None:
                _, start, _res = best
                name = folded[start : m.end("ending")]
                out.append(Candidate(start, m.end(), text[start : m.end()], GENERIC_RULE, name))
        return out

    def _cuts_word(self, text: str, start: int) -> bool:
        """Whether a name starting at ``start`` would start inside a word of
        chinese_generic.boundary_words (产品, 生物) that holds the character before it."""
        words = self.kb.translit.chinese_boundary_words
        return any(
            text[i : i + n] in words for n in (2, 3) for i in range(max(0, start - n + 1), start)
        )

    def _bracketed(self, text: str, cand: Candidate) -> Resolution | None:
        """A known name in a bracket right after a candidate names the same product
        ("X注射液（代号：KTE-C19）", "X (Yescarta)")."""
        m = _BRACKET_AFTER.match(text, cand.end)
        if m is None:
            return None
        inside = m.group("inside")
        found = {
            self.kb.product_names.get(n.group(0).lower()) for n in self.latin_names.finditer(inside)
        } | {
            self.kb.chinese_names.get(n.group("name"))
            for n in self.chinese.finditer(inside.translate(self.kb.t2s))
        }
        found = {pid for pid in found if pid in self.kb.products}
        if len(found) != 1:
            return None
        return Resolution(cand.key or cand.text, found.pop(), "bracket_alias", 1.0)

    def _generic(self, name: str) -> Resolution:
        """resolve_chinese_generic over the readings of a Chinese name (folded)."""
        syllables = readings(name, self.pinyin)
        return resolve_chinese_generic(syllables, " ".join(syllables), self.kb)

    # ------------------------------------------------------------ resolution

    def __call__(self, doc: Doc) -> Doc:
        mentions = self._known(doc)
        # the characters names already hold: a candidate over any of them is dropped (a
        # mark per character keeps this linear however many names an article has)
        taken = marked(((m.start, m.end) for m in mentions), len(text_of(doc)))
        pending: list[Candidate] = []
        # runs of capitalised words: spaced pinyin names and company names come from them
        runs = list(_CAPITALISED_RUN.finditer(text_of(doc)))
        for cand in self._candidates(doc, runs):
            if cand.end <= cand.start or taken.find(1, cand.start, cand.end) != -1:
                continue
            taken[cand.start : cand.end] = b"\x01" * (cand.end - cand.start)
            pending.append(cand)
        companies, near_companies = self._companies(doc, self._company_runs(text_of(doc), runs))
        company_ids = {c.product_id for c in companies}
        first_pass = [
            (
                cand,
                self._bracketed(text_of(doc), cand) or self._resolve_generic(cand.key)
                if cand.rule == GENERIC_RULE
                else self._resolve(cand.spelling),
            )
            for cand in pending
        ]
        sentences = Sentences(doc)
        first_pass = [
            (cand, self._by_company(cand, res, companies, sentences))
            if cand.rule == GENERIC_RULE and res.target_id is None
            else (cand, res)
            for cand, res in first_pass
        ]
        resolved = {m.product_id for m in mentions} | {
            r.target_id for _, r in first_pass if r.target_id
        }
        doc_text = text_of(doc)
        support_floor = self.kb.translit.scoring["support_floor"]
        dropped: list[tuple[Candidate, Resolution, float]] = []
        # what each sentence offers as support, read once per sentence (not per name in
        # it), and the companies by where they end, so each name reads only its own
        context: dict[tuple[int, int], SentenceSupport] = {}
        by_end = sorted(companies, key=lambda c: c.end)
        ends = [c.end for c in by_end]
        for cand, res in first_pass:
            if (
                res.target_id is None
                and res.score >= support_floor  # below it, no support can change the answer
                and res.candidates
                and cand.rule != GENERIC_RULE
            ):
                bounds = sentences.at(cand.start)
                if bounds not in context:
                    sentence = doc_text[bounds[0] : bounds[1]]
                    context[bounds] = SentenceSupport(
                        self._amounts(sentence),
                        frozenset(t for t in self.kb.antigens if t in sentence),
                        self.therapy_words.search(sentence) is not None,
                        self._trials(sentence),
                    )
                named = {
                    c.product_id
                    for c in by_end[
                        bisect_left(ends, cand.start - 4) : bisect_right(ends, cand.start)
                    ]
                }  # "Fosun Kite's X injection": the company named with the product
                support = self._support(context[bounds], res, resolved, company_ids, named)
                res = resolve_product(cand.spelling, self.kb, support, self._scores(cand.spelling))
            if res.target_id is None and self._surname_led(cand):
                continue  # "Wang Li met ...": a person's name that names no product
            floor = self.kb.translit.scoring[
                "support_floor" if cand.rule.startswith("product.ctx.") else "report_floor"
            ]
            if res.target_id is None and res.score < floor:
                # not name-like enough to report even as unresolved: a word found only by
                # its shape ("disappearance") needs more likeness than one a context marks;
                # kept for the names list when a product was near at all and it is
                # written as a name (an all lower-case word is an ordinary one)
                if res.candidates and res.score >= self.listed_floor and not cand.text.islower():
                    dropped.append((cand, res, floor))
                continue
            mentions.append(
                Mention(
                    cand.start,
                    cand.end,
                    cand.text,
                    cand.rule,
                    res.target_id,
                    res.method,
                    res.score,
                    res.candidates,
                )
            )
        mentions += _open_inns(doc_text, mentions, self.kb.translit, self.inn_prefixes)
        mentions.sort(key=lambda m: (m.start, m.end))
        companies = self._supported_companies(text_of(doc), companies, near_companies, mentions)
        companies = self._makers_by_word(text_of(doc), companies, mentions)
        companies = self._chinese_short_names(text_of(doc), companies, mentions)
        # a name that is a product's (a spaced brand: "Bei Nuo Da") is not also a company's
        named_products = [(m.start, m.end) for m in mentions if m.product_id]
        companies = [
            c
            for c in companies
            if c.rule != "company.rendering"
            or not any(s <= c.start and c.end <= e for s, e in named_products)
        ]
        for m in mentions:
            add_fact(doc, "products", self._product_fact(m, company_ids))
        for cand, res, floor in dropped:
            if any(c.start < cand.end and cand.start < c.end for c in companies):
                continue  # a company's name ("Fosun Kite"), not a product's
            best = self.kb.products[res.candidates[0][0]]
            add_fact(
                doc,
                "name_candidates",
                Fact(
                    cand.start,
                    cand.end,
                    cand.rule,
                    {
                        "candidate": best.label,
                        "candidate_id": best.id,
                        "score": float(res.score),
                        "floor": float(floor),
                    },
                ),
            )
        for c in companies:
            cid = c.product_id or ""
            add_fact(
                doc,
                "companies",
                Fact(
                    c.start,
                    c.end,
                    c.rule,
                    {
                        "company": cid[len(OPEN_PREFIX) :]
                        if cid.startswith(OPEN_PREFIX)
                        else self.kb.companies[cid].name,
                        "method": c.method,
                        "score": c.score,
                    },
                ),
            )
        return doc

    def _by_company(
        self, cand: Candidate, res: Resolution, companies: list[Mention], sentences: Sentences
    ) -> Resolution:
        """An unseen Chinese generic name (…仑赛) whose sentence names companies: the
        product of theirs whose reading is fewest syllables from the name's (at most
        COMPANY_SYLLABLE_EDITS, and alone at that distance), method company. Its sound
        alone may be nearer another company's product (one character of the head
        changed); which company brings it is the better evidence."""
        lo, hi = sentences.at(cand.start)
        named = {c.product_id for c in companies if lo <= c.start < hi}
        if not named:
            return res
        sylls = readings(cand.key, self.pinyin)
        distance = {
            p.id: Levenshtein.distance(sylls, p.pinyin.split("-"))  # syllables as units
            for p in self.kb.products.values()
            if p.pinyin and named & set(p.companies)
        }
        if not distance:
            return res
        best = min(distance.values())
        nearest = [pid for pid, d in distance.items() if d == best]
        if best > COMPANY_SYLLABLE_EDITS or len(nearest) != 1:
            return res
        return Resolution(res.text, nearest[0], "company", res.score, res.candidates)

    def _makers_by_word(
        self, text: str, companies: list[Mention], products: list[Mention]
    ) -> list[Mention]:
        """A company whose name starts with an ordinary word ("Legend" of Legend Biotech),
        or its short name ("Bristol"), named by that word alone in an article that names
        one of its products: the word is the company there (rule company.maker_word). A
        short name is the company also where a company's context says so (_company_context,
        rule company.short_name)."""
        makers = {
            cid
            for m in products
            if m.product_id in self.kb.products
            for cid in self.kb.products[m.product_id or ""].companies
            if cid in self.maker_words
        }
        # (a cheap test first: most text names no short name)
        short_named = self.short_names and any(n in text for n in self.short_names)
        askers = set(self.maker_words) if short_named else makers
        if not askers:
            return companies
        taken = marked(((c.start, c.end) for c in companies), len(text))
        added: list[Mention] = []
        # a short name joined to another one a context names ("Bristol and Bluebird
        # said") is named once that one is: passes until none is added
        for _pass in range(MAKER_PASSES):
            found = [*companies, *added]
            starts, ends = sorted(c.start for c in found), sorted(c.end for c in found)
            before = len(added)
            for cid in sorted(askers):
                for m in self.maker_words[cid].finditer(text):
                    if taken.find(1, m.start(), m.end()) != -1:
                        continue
                    if cid in makers:
                        rule = "company.maker_word"
                    elif m.group(0) in self.short_names and self._company_context(
                        text, m.start(), m.end(), starts, ends
                    ):
                        rule = "company.short_name"
                    else:
                        continue
                    taken[m.start() : m.end()] = b"\x01" * (m.end() - m.start())
                    added.append(Mention(m.start(), m.end(), m.group(0), rule, cid, "context", 0.9))
            if len(added) == before:
                break
        return sorted([*companies, *added], key=lambda m: (m.start, m.end)) if added else companies

    def _chinese_short_names(
        self, text: str, companies: list[Mention], products: list[Mention]
    ) -> list[Mention]:
        """A known company's Chinese stem alone (科济 of 科济药业) where a company's context
        follows it (科济宣布), a joiner joins it to a company named beside it (传奇与杨森,
        杨森和传奇), or the article names one of its products (驯鹿的伊基奥仑赛): rule
        company.chinese_short."""
        if self.chinese_short is None or not has_cjk(text):
            return companies
        folded = text.translate(self.kb.t2s)
        makers = {
            cid
            for m in products
            if m.product_id in self.kb.products
            for cid in self.kb.products[m.product_id or ""].companies
        }
        taken = marked(((c.start, c.end) for c in companies), len(text))
        starts, ends = {c.start for c in companies}, {c.end for c in companies}
        pending = [m for m in self.chinese_short.finditer(folded) if taken.find(1, *m.span()) == -1]
        added: list[Mention] = []
        # a stem joined to one that is a name joins in turn (百济神州、信达、君实宣布;
        # 信达、君实等企业): a list is read forwards, then backwards for what joins the
        # names found on its right, so each stem is asked at most twice
        for order in (pending, pending[::-1]):
            for m in order:
                start, end = m.span()
                if start in starts:
                    continue  # (named in the forward reading)
                cid = self.chinese_short_ids[m.group(0)]
                joined = any(
                    (folded.startswith(j, end) and end + len(j) in starts)
                    or (folded.endswith(j, 0, start) and start - len(j) in ends)
                    for j in self.chinese_joiners
                )
                if (
                    cid in makers
                    or joined
                    or self.chinese_after.match(folded, end)
                    or self._named_in_bracket(folded, end, cid)
                ):
                    added.append(
                        Mention(
                            start,
                            end,
                            text[start:end],
                            "company.chinese_short",
                            cid,
                            "context",
                            0.9,
                        )
                    )
                    starts.add(start)
                    ends.add(end)
        return sorted([*companies, *added], key=lambda m: (m.start, m.end)) if added else companies

    def _named_in_bracket(self, text: str, end: int, cid: str) -> bool:
        """Whether the bracket right after ``end`` holds one of the company's Latin names
        (传奇（Legend）): an alias, a short name, or a spelling that resolves to it."""
        bracket = _LATIN_IN_BRACKET.match(text, end)
        if bracket is None:
            return False
        name = bracket.group(1)
        company = self.kb.companies[cid]
        return (
            name in company.short_names
            or self.kb.company_aliases.get(name.lower()) == cid
            or self._resolve_company(name).target_id == cid
        )

    def _company_context(
        self, text: str, start: int, end: int, starts: list[int], ends: list[int]
    ) -> bool:
        """Whether a company's context follows a word (company_context.after: "Bristol
        said"; its ticker: "Legend (LEGN)"), stands right before it (company_context.before:
        "revenue for Bristol") or joins it to another company named beside it
        ("Legend and Janssen"): the nearest company mention before it ends, or the
        nearest after it starts, across a joiner (``starts``, ``ends``: the mentions'
        offsets, sorted; two lookups, so a text of many names stays linear) the word at
        text[start:end]."""
        if self.company_after.match(text, end) or self.company_before.search(
            text, max(0, start - COMPANY_BEFORE_REACH), start
        ):
            return True
        joined = self.company_joined.fullmatch
        i = bisect_right(ends, start) - 1
        if i >= 0 and text[ends[i] : start].strip() and joined(text, ends[i], start):
            return True
        j = bisect_left(starts, end)
        return (
            j < len(starts)
            and bool(text[end : starts[j]].strip())
            and joined(text, end, starts[j]) is not None
        )

    def _supported_companies(
        self,
        doc_text: str,
        companies: list[Mention],
        near: list[tuple[int, int, str]],
        products: list[Mention],
    ) -> list[Mention]:
        """Names that resolve to a company only with support, added to the companies
        found: the article names one of its products ("Kate Pharma" with Yescarta), or a
        company's context stands around the name ("Gileed acquired a start-up": company_context,
        as for short names)."""
        if not near:
            return companies
        bonus = self.kb.translit.scoring["support"]
        makers = {
            cid
            for m in products
            if m.product_id in self.kb.products
            for cid in self.kb.products[m.product_id or ""].companies
        }
        taken = [(c.start, c.end) for c in companies]
        starts, ends = sorted(c.start for c in companies), sorted(c.end for c in companies)
        added = []
        for start, end, text in near:
            if any(s < end and start < e for s, e in taken):
                continue
            if self._personal(doc_text, start, end):
                continue  # "Dr. Yang Chen" is a person whoever's product the article names
            support = dict.fromkeys(sorted(makers), bonus["company_makes_named_product"])
            if self._company_context(doc_text, start, end, starts, ends):
                # (the likeliest company, as the run's reading found it: a near name is at
                # the support floor, above the cutoff that cached reading scores in full)
                for cid, _score in self._resolve_company(text).candidates[:1]:
                    support[cid] = support.get(cid, 0.0) + bonus["company_context"]
            if not support:
                continue
            res = resolve_company(text, self.kb, support)
            if res.target_id:
                added.append(
                    Mention(
                        start, end, text, "company.rendering", res.target_id, res.method, res.score
                    )
                )
        return sorted([*companies, *added], key=lambda m: (m.start, m.end)) if added else companies

    def _trials(self, sentence: str) -> frozenset[str]:
        """The products whose trials a sentence names ("the CARTITUDE-1 study")."""
        found = set()
        for m in self.trial_names.finditer(sentence):
            base = m.group("base").upper()
            pid = self.trial_ids.get(f"{base}-{m.group('number')}") or self.trial_ids.get(base)
            if pid:
                found.add(pid)
        return frozenset(found)

    def _support(
        self,
        sentence: SentenceSupport,
        res: Resolution,
        resolved: set[str | None],
        company_ids: set[str | None],
        named: set[str | None] = frozenset(),  # type: ignore[assignment]
    ) -> dict[str, float]:
        """Context bonuses per candidate product, from what the name's sentence states."""
        bonus = self.kb.translit.scoring["support"]
        amounts, antigens, therapy, trials = sentence
        support: dict[str, float] = {}
        for pid, _score in res.candidates:
            product = self.kb.products[pid]
            extra = 0.0
            if pid in resolved:
                extra += bonus["same_article"]
            if company_ids & set(product.companies):
                extra += bonus["company_in_article"]
            if named & set(product.companies):
                extra += bonus["company_named_with"]
            if pid in trials:
                extra += bonus["trial_in_sentence"]  # "the CARTITUDE-1 study of X"
            if any((round(amount), currency) in amounts for amount, currency in product.prices):
                extra += bonus["price_in_sentence"]
            if product.target and product.target.split()[0] in antigens:
                # an antigen many products share (CD19) says little about which one
                extra += bonus["target_in_sentence"] / self.kb.sharing_target(product.target)
            if therapy:
                # the sentence is about CAR-T: a name in it is likelier one of them
                extra += bonus["therapy_in_sentence"]
            if extra:
                support[pid] = extra
        return support

    def _find_best_in_run(
        self, run: str
    ) -> tuple[tuple[int, int, Resolution] | None, tuple[int, int, Resolution] | None]:
        """The best company name inside a capitalised run (offsets in the run): up to five
        words from each word that starts like a rendering; and, when none resolves, the
        likeliest one above the support floor, which the article's products may decide.
        Runs recur across news ("CAR-T", a company's name), so the answer is kept per
        run text (_best_in_run)."""
        floor = self.kb.translit.scoring["company_support_floor"]
        best: tuple[int, int, Resolution] | None = None
        near: tuple[int, int, Resolution] | None = None
        split = run.split()
        if any(
            self._fewest_words(w, after) for w, after in zip(split, [*split[1:], ""], strict=True)
        ):
            raw = list(_RUN_WORD.finditer(run))
            words = [_trim_word(run, w.start(), w.end()) for w in raw]
            # a word with the full stop of a sentence ("Biologics. In") ends any name
            # that holds it, as a possessive does; an abbreviation's or a corporate
            # suffix's stop does not
            stops = [
                i
                for i, w in enumerate(raw)
                if (w.group(0).endswith(".") and not self._abbreviated(w.group(0)))
                # a possessive ends the name that holds it ("X's Relma" names X's product)
                or w.group(0).endswith(("'s", "’s"))
            ]
            for i, (ws, we) in enumerate(words):
                after = run[slice(*words[i + 1])] if i + 1 < len(words) else ""
                fewest = self._fewest_words(run[ws:we], after)
                if not fewest:
                    continue
                last = next((k + 1 for k in stops if k >= i), len(words))
                for j in range(min(last, i + 5), i + fewest - 1, -1):
                    if j - 1 > i and run[words[j - 1][0]] in _OPENING_BRACKETS:
                        continue  # a name ends before a bracket it opens ("X (XYZ)")
                    end = words[j - 1][1]
                    res = self._resolve_company(run[ws:end])
                    # the longest name that resolves ("Fosun Kate", not "Fosun")
                    better = best is None or (end - ws, res.score) > (
                        best[1] - best[0],
                        best[2].score,
                    )
                    if res.target_id:
                        if better:
                            best = (ws, end, res)
                        # a shorter name from the same word is never better, and the
                        # near one matters only when none resolves
                        break
                    if (
                        res.candidates
                        and res.score >= floor
                        and (near is None or res.score > near[2].score)
                    ):
                        near = (ws, end, res)
        return best, (None if best else near)

    def _personal(self, text: str, start: int, end: int) -> bool:
        """Whether a company name read from its sound is a person's: a title right before
        it ("Dr. Xin Ji") or a person's role in an apposition after it ("Yang Chen, a
        doctor at ...": product_contexts.person)."""
        t = self.kb.translit
        return (
            t.role_after.match(text, end) is not None
            or t.title_before.search(text, max(0, start - PERSON_TITLE_REACH), start) is not None
        )

    def _surname_led(self, cand: Candidate) -> bool:
        """Whether a spaced pinyin candidate starts with a Chinese surname (product_contexts
        person.surnames): one that names no product is a person's name."""
        return (
            cand.rule == "product.pinyin_run"
            and re.split(r"[\s-]+", cand.text, maxsplit=1)[0].lower() in self.kb.translit.surnames
        )

    def _described(self, text: str, end: int) -> bool:
        """Whether the word right after a company-shaped run makes it a description, not
        a name ("Chinese Biotech companies", "a Biotech firm": open_companies
        generic_after)."""
        word = _NEXT_WORD.match(text, end)
        return word is not None and word.group(1).lower() in self.kb.translit.open_generic_after

    def _fewest_words(self, word: str, after: str) -> int:
        """How many words a company name that starts with ``word`` holds at least: one
        when the word starts like a rendering; SHORT_START_WORDS when only the word and
        the one ``after`` it together do (a syllable too short to say how a name starts:
        "Fu Xing Kai Te"; two short ones are as often a person's given name, "Li He
        Yuan"); 0 when it starts none."""
        if self._may_start(word):
            return 1
        if after and len(word) < SHORT_SYLLABLE and self._may_start(word + after):
            return SHORT_START_WORDS
        return 0

    def _abbreviated(self, word: str) -> bool:
        """Whether a word's full stop is an abbreviation's ("Co.", "Inc.", "U.S.", "J."),
        not a sentence's."""
        t = self.kb.translit
        return (
            word.lower() in t.corporate_suffixes
            or word.lower().rstrip(".") in t.corporate_suffixes
            or len(word.rstrip(".")) <= 2
            or "." in word[:-1]
        )

    def _product_fact(self, m: Mention, company_ids: set[str | None]) -> Fact:
        if m.product_id and m.product_id.startswith(OPEN_PREFIX):
            # a product outside the knowledge base, named by its INN (_open_inns)
            return Fact(
                m.start,
                m.end,
                m.rule,
                {
                    "product": m.product_id[len(OPEN_PREFIX) :],
                    "product_id": m.product_id,
                    "brand": None,
                    "company": None,
                    "method": m.method,
                    "score": float(m.score),
                    "candidate": None,
                },
            )
        product = self.kb.products.get(m.product_id or "")
        company = None
        if product is not None and product.companies:
            named = [c for c in product.companies if c in company_ids]
            company = self.kb.companies[(named or list(product.companies))[0]].name
        return Fact(
            m.start,
            m.end,
            m.rule,
            {
                "product": product.inn if product else None,
                "product_id": product.id if product else None,
                "brand": product.brands[0] if product and product.brands else None,
                "company": company,
                "method": m.method,
                "score": float(m.score),
                "candidate": (
                    self.kb.products[m.candidates[0][0]].label
                    if m.candidates and not product
                    else None
                ),
            },
        )

    def _company_runs(self, text: str, runs: list[re.Match[str]]) -> list[tuple[int, str]]:
        """Where company names may stand: each capitalised run, with the lower-case words
        after it that read as pinyin ("Ming junuo"), and lower-case company-shaped runs."""
        out = []
        for run in runs:
            end = run.end()
            legal = self.legal_after.match(text, end)  # "X Co., Ltd.": one name
            if legal is not None:
                end = legal.end()
            while True:
                word = _NEXT_LOWER.match(text, end)
                if word is None or self.pinyin_word(word.group(1)) is None:
                    break
                end = word.end()
            out.append((run.start(), text[run.start() : end]))
        return out

    def _lower_companies(self, text: str) -> list[Mention]:
        """Lower-case company-shaped names ("legend biologics"): up to three lower-case
        words before an industry word; the longest one that resolves, always ending in
        its industry word."""
        found = []
        for hit in self.lower_industry.finditer(text):
            words = _LOWER_WORDS_BEFORE.search(text, max(0, hit.start() - 60), hit.start())
            if words is None:
                continue
            start = words.start()
            run = text[start : hit.end()]
            for word in _RUN_WORD.finditer(run):
                if not self._may_start(word.group(0)):
                    continue
                res = self._resolve_company(run[word.start() :])
                if res.target_id:
                    begin = start + word.start()
                    found.append(
                        Mention(
                            begin,
                            hit.end(),
                            text[begin : hit.end()],
                            "company.rendering",
                            res.target_id,
                            res.method,
                            res.score,
                        )
                    )
                    break
        return found

    def _companies(
        self, doc: Doc, runs: list[tuple[int, str]]
    ) -> tuple[list[Mention], list[tuple[int, int, str]]]:
        """Company mentions, and the names that resolve only with support (start, end,
        text)."""
        found: list[Mention] = []
        near: list[tuple[int, int, str]] = []
        for matcher, rule in (
            (self.companies, "company.alias"),
            (self.companies_cs, "company.alias_cs"),
        ):
            for match_id, start, end in matcher(doc):
                span = doc[start:end]
                found.append(
                    Mention(
                        span.start_char,
                        span.end_char,
                        span.text,
                        rule,
                        doc.vocab.strings[match_id],
                        "alias",
                        1.0,
                    )
                )
        doc_text = text_of(doc)
        for run_start, run in runs:
            best, almost = self._best_in_run(run)
            if almost is not None:
                near.append(
                    (run_start + almost[0], run_start + almost[1], run[almost[0] : almost[1]])
                )
            elif (
                best is None
                and (shaped := self._open_in_run(run)) is not None
                and not self._described(doc_text, run_start + len(run))
            ):
                rel_start, rel_end, name = shaped
                found.append(
                    Mention(
                        run_start + rel_start,
                        run_start + rel_end,
                        run[rel_start:rel_end],
                        "company.open",
                        OPEN_PREFIX + name,
                        "open",
                        0.0,
                    )
                )
            if best is not None and not self._personal(
                doc_text, run_start + best[0], run_start + best[1]
            ):
                rel_start, rel_end, res = best
                start, end = run_start + rel_start, run_start + rel_end
                found.append(
                    Mention(
                        start,
                        end,
                        doc_text[start:end],
                        "company.rendering",
                        res.target_id,
                        res.method,
                        res.score,
                    )
                )
        found.extend(self._chinese_companies(doc_text))
        found.extend(_open_chinese(doc_text, found, self.open_chinese, self.kb.translit))
        found.extend(_bare_chinese(doc_text, found, self.kb.translit))
        found.extend(_bare_chinese(doc_text, found, self.kb.translit, self.unsuffixed, 2))
        found.extend(self._lower_companies(doc_text))
        # a longer name wins over a short alias inside it ("WuXi Juno" over "Juno")
        return _longest(found), near


# words that never stand inside a lower-case company name
_FUNCTION_WORDS = r"(?:and|or|of|the|a|an|in|for|to|with|by|on|at|its|their|as|is|was|are)\b"

# one to three lower-case words (no function word among them) ending where the search ends
_LOWER_WORDS_BEFORE = re.compile(rf"(?<![A-Za-z'’])(?:(?!{_FUNCTION_WORDS})[a-z][a-z'’]+ ){{1,3}}$")

# how many syllables an unseen Chinese generic name may differ from the product of the
# company its sentence names (a syllable changed and one added: 益基利仑赛 / 阿基仑赛)
COMPANY_SYLLABLE_EDITS = 2


# a Latin name alone in a bracket: 传奇（Legend）
_LATIN_IN_BRACKET = re.compile(r"\s*[（(]\s*([A-Za-z][A-Za-z0-9 .&-]{1,40}?)\s*[）)]")

# the id of a company outside the knowledge base: this prefix and its name
OPEN_PREFIX = "open:"
# the word right before a spaced "cel" (its short form's first part), and how far back
_WORD_BEFORE_SPACE = re.compile(r"(?<![\w-])([A-Za-z]+) $")
SHORT_FORM_REACH = 12
_BRACKET_OPEN = re.compile(r"\s*[（(]\s*")
_BRACKET_CLOSE = re.compile(r"[^（()）]{0,40}[）)]")


def _bracketed(text: str, end: int, found: list[Mention]) -> Mention | None:
    """The known company named first in one of the (up to two) brackets right after
    ``end``: "X公司（纳斯达克：ABC）（Name Bio）"."""
    for _ in range(2):
        bracket = _BRACKET_OPEN.match(text, end)
        if bracket is None:
            return None
        named = next((f for f in found if f.start == bracket.end()), None)
        if named is not None:
            return named
        close = _BRACKET_CLOSE.match(text, bracket.end())
        if close is None:
            return None
        end = close.end()
    return None


# the characters read back from a Chinese company's industry word (a place and a name),
# the most a name without a place has, and those taken where nothing marks its start
CHINESE_NAME_LONGEST = 7
CHINESE_NAME_MOST = 4
CHINESE_NAME_SHORT = 2


def _after_lead_verb(text: str, lo: int, hi: int, t: Translit) -> int | None:
    """Where a name ending at ``hi`` starts after a deal's verb (收购X医药: after 收购)
    that stands in text[lo:hi] or runs into it from before, leaving two characters or
    more; None when none does."""
    best = None
    for verb in t.open_chinese_lead_verbs:
        at = text.rfind(verb, max(0, lo - len(verb) + 1), hi)
        if at != -1 and hi - (at + len(verb)) >= 2 and (best is None or at + len(verb) > best):
            best = at + len(verb)
    return best


def _after_place(window: str, t: Translit) -> int:
    """Where a company's name starts after the place or the word that leads it in
    ``window`` (杭州X生物, 企业X生物: after 杭州, 企业), -1 when no word of
    ``open_chinese_places`` or ``open_chinese_leads`` stands there."""
    return max(
        (
            window.rfind(p) + len(p)
            for p in (*t.open_chinese_places, *t.open_chinese_leads)
            if p in window
        ),
        default=-1,
    )


def _place_start(window: str, at: int, t: Translit) -> int:
    """Where the place that ends at ``at`` in ``window`` starts (_after_place); ``at``
    itself when a lead word (企业X生物), not a place, ends there or nothing does."""
    if at < 0:
        return len(window)
    longest = max((len(p) for p in t.open_chinese_places if window.endswith(p, 0, at)), default=0)
    return at - longest


# a place in brackets right before a company's industry word: X（上海）生物科技有限公司
_PLACE_BRACKET_BEFORE = re.compile(r"[（(][\u4e00-\u9fff]{2,4}[）)]$")


def _open_inns(
    text: str, mentions: list[Mention], t: Translit, known: dict[str, tuple[str, str]]
) -> list[Mention]:
    """Products named by an INN of the CAR-T shape (transliteration.json 'open_inns':
    "arlocabtagene autoleucel") where no name was found. The part before the infix
    decides: a known product's, or one letter from it ("cilti" for "cilta", four letters
    or more), names that product (method "misspelled": "axicabtagen ciloleucel"); within
    two letters of any known one, none (too near to tell); farther from all, a product
    outside the knowledge base, named by its INN in lower case (method "inn"), as is its
    short form in the same text ("arlo-cel": the prefix and 'short'). A known INN itself
    where no name matcher saw it (glued to a mark: "autoleucel)1") is that product by
    alias. ``known``: known prefixes -> (product id, INN).

    >>> from pipeline.rules import load_patterns
    >>> from pipeline.names.translit import load_translit
    >>> t = load_translit(load_patterns())
    >>> s = "Arlo-cel (arlocabtagene autoleucel) was filed, as was cilticabtagene autoleucel."
    >>> known = {"cilta": ("product.c", "ciltacabtagene autoleucel")}
    >>> [(m.text, m.product_id) for m in _open_inns(s, [], t, known)]
    [('arlocabtagene autoleucel', 'open:arlocabtagene autoleucel'), ('cilticabtagene autoleucel', 'product.c'), ('Arlo-cel', 'open:arlocabtagene autoleucel')]
    """
    if t.open_inn_infix.search(text) is None:
        return []  # (a cheap test of the infix alone: the full regex tries every letter)
    taken = marked(((m.start, m.end) for m in mentions), len(text))
    out: list[Mention] = []
    shorts: dict[str, str] = {}

    def mention(m: re.Match[str], target: str, method: str, score: float) -> Mention:
        rule = {"misspelled": "product.misspelled", "alias": "product.alias"}.get(
            method, "product.open_inn"
        )
        return Mention(m.start(), m.end(), m.group(0), rule, target, method, score)

    for m in t.open_inn.finditer(text):
        if taken.find(1, m.start(), m.end()) != -1:
            continue
        prefix = m.group("prefix").lower()
        written = " ".join(m.group(0).lower().split())
        distances = sorted((Levenshtein.distance(prefix, p), v) for p, v in known.items())
        near = [(d, v) for d, v in distances if d <= OPEN_INN_APART]
        if near:
            closest, (pid, inn) = near[0]
            alone = len(near) == 1 or near[1][0] > closest
            if alone and written == inn:
                out.append(mention(m, pid, "alias", 1.0))
            elif alone and (closest == 0 or (closest == 1 and len(near) == 1 and len(prefix) >= 4)):
                out.append(mention(m, pid, "misspelled", 0.9))
            continue
        out.append(mention(m, OPEN_PREFIX + written, "inn", 1.0))
        if t.open_inn_short:
            shorts.setdefault(prefix + t.open_inn_short, written)
    if shorts:
        short = re.compile(rf"(?i)(?<![A-Za-z0-9-])(?:{alternation(shorts)})(?![A-Za-z0-9-])")
        for m in short.finditer(text):
            if taken.find(1, m.start(), m.end()) == -1:
                out.append(mention(m, OPEN_PREFIX + shorts[m.group(0).lower()], "inn", 1.0))
    return out


# the fewest letters an unknown INN's prefix differs from every known one's by, to be
# a product of its own (_open_inns)
OPEN_INN_APART = 2


def _open_chinese(
    text: str, found: list[Mention], suffix: re.Pattern[str], t: Translit
) -> list[Mention]:
    """Companies outside the knowledge base in Chinese text: the Han characters before
    industry words and a legal suffix, back to a boundary character (的, 与, a mark) and
    a place aside, name the company with its first industry word (杭州X生物科技有限公司:
    X生物, the mention keeping its place); where that name stands alone in the article,
    it names it too. Where a known
    company stands, none is read.

    >>> from pipeline.rules import load_patterns
    >>> from pipeline.names.translit import load_translit
    >>> t = load_translit(load_patterns())
    >>> industry = "|".join(w for w in t.industry_words if not w.isascii())
    >>> legal = "|".join(w for w in t.corporate_suffixes if not w.isascii())
    >>> suffix = re.compile(f"(?:{industry})+(?:{legal})")
    >>> [(m.text, m.product_id) for m in _open_chinese("由杭州澜星生物科技有限公司开发。澜星生物称", [], suffix, t)]
    [('杭州澜星生物科技有限公司', 'open:澜星生物'), ('澜星生物', 'open:澜星生物')]
    """
    if not has_cjk(text):
        return []
    taken = [(m.start, m.end) for m in found]
    names: set[str] = set()
    out = []
    for m in suffix.finditer(text):
        # a place in brackets may stand between the name and its industry word
        # (X（上海）生物科技有限公司)
        placed = _PLACE_BRACKET_BEFORE.search(text, max(0, m.start() - 8), m.start())
        end = placed.start() if placed else m.start()
        start = han_run_start(text, end, CHINESE_NAME_LONGEST, t.chinese_boundary)
        window = text[start:end]
        at = _after_place(window, t)
        # the registered name holds its place (杭州X生物科技有限公司), the company's
        # name does not (X生物)
        written = start + _place_start(window, at, t)
        if at >= 0:
            start += at  # after a place: 杭州X生物
        elif len(window) > CHINESE_NAME_MOST:
            # no place and no boundary near: words of the sentence may run into the name,
            # so only its shortest common form is taken (先行者X生物: X)
            start = end - CHINESE_NAME_SHORT
        core = text[start:end]
        if len(core) < 2 or any(core.startswith(w) for w in t.open_chinese_not_names):
            continue
        if any(s < m.end() and start < e for s, e in taken):
            continue
        named = _bracketed(text, m.end(), found)
        if named:
            # "X生物技术公司（Name Biotech）": the known company its brackets name
            out.append(
                Mention(
                    start,
                    m.end(),
                    text[start : m.end()],
                    "company.bracketed",
                    named.product_id,
                    named.method,
                    named.score,
                )
            )
            continue
        industry = next(
            w for w in sorted(t.industry_words, key=len) if text.startswith(w, m.start())
        )
        name = core + industry
        names.add(name)
        written = min(written, start)
        out.append(
            Mention(
                written,
                m.end(),
                text[written : m.end()],
                "company.open",
                OPEN_PREFIX + name,
                "open",
                0.0,
            )
        )
    for name in sorted(names):
        # the name alone elsewhere ("X生物称"), outside the full names found
        for hit in re.finditer(re.escape(name), text):
            if not any(o.start <= hit.start() < o.end for o in out) and not any(
                s <= hit.start() < e for s, e in taken
            ):
                out.append(
                    Mention(
                        hit.start(),
                        hit.end(),
                        name,
                        "company.open",
                        OPEN_PREFIX + name,
                        "open",
                        0.0,
                    )
                )
    return sorted(out, key=lambda m: m.start)


def _open_company(run: str, t: Translit) -> tuple[int, int, str] | None:
    """A company-shaped name in a capitalised run that named no known company
    (offsets in the run, and the name without its company words): the run's last word
    is a company word ("Biotechnologies", "Co., Ltd."), one to four capitalised words
    before it, none of them an institution's or the therapy's own word.

    >>> from pipeline.rules import load_patterns
    >>> from pipeline.names.translit import load_translit
    >>> t = load_translit(load_patterns())
    >>> _open_company("Recently Nuvola Biotechnologies Co., Ltd.", t)
    (9, 41, 'Nuvola')
    >>> _open_company("Peking University Cancer Biotech", t) is None
    True
    >>> _open_company("Harbin Pharmaceuticals Co., Ltd.", t)
    (0, 32, 'Harbin Pharmaceuticals')
    """
    words = [(m.start(), m.end(), m.group(0)) for m in _RUN_WORD.finditer(run)]
    company = t.open_ends | t.industry_words | t.corporate_suffixes
    key = [w.lower().rstrip(",;:") for _, _, w in words]
    if not words or key[-1] not in t.open_ends:
        return None
    end = len(words)
    while end > 0 and key[end - 1] in company:
        end -= 1  # the company words: "Biotech Co., Ltd."
    if end == 0:
        return None
    start = end
    while start > 0 and end - start < 5 and words[start - 1][2][:1].isupper():
        if key[start - 1] in t.open_excluded or not re.fullmatch(r"[\w'’&.-]+", key[start - 1]):
            break
        start -= 1
    if start > 0 and key[start - 1] in t.open_excluded:
        return None  # "Institute of X Biotech": part of an institution's name
    while start < end and (
        key[start] in t.open_leading
        or (len(key[start]) > 4 and key[start].endswith("ly"))
        or key[start].endswith("-based")
    ):
        start += 1  # "Recently X Biotech": a sentence's first word; "Shanghai-based"
    if start == end or any(key[i] in t.open_excluded for i in range(start, len(words))):
        return None
    if all(key[i] in t.place_words or key[i] in t.common_words for i in range(start, end)):
        # a place or an ordinary word alone names nothing ("Shanghai Pharmaceuticals" is
        # not "Shanghai"): the industry words stay in the name, a legal suffix does not
        while end < len(words) and key[end] not in t.corporate_suffixes:
            end += 1
    name = " ".join(w for _, _, w in words[start:end]).rstrip(",;:")
    return words[start][0], words[-1][1], name


# a lower-case word right after a capitalised run
_NEXT_LOWER = re.compile(r"[ \t]+([a-z]{4,12})(?![A-Za-z])")
# any word right after a run
_NEXT_WORD = re.compile(r"[ \t]+([A-Za-z]+)")
# characters before a short name that a word of company_context.before may take
COMPANY_BEFORE_REACH = 30

# passes over short company names, each reading the ones the last named ("Bristol and
# Bluebird said": Bluebird first, by the verb; then Bristol, joined to it)
MAKER_PASSES = 3

# a lower-case word of one to six letters after a name's word ("Bei nuo da")
_LOWER_SYLLABLE = re.compile(r"[ \t]+([a-z]{1,6})(?![A-Za-z])")


def pinyin_word(syllables: frozenset[str]) -> re.Pattern[str]:
    """A lower-case word that cuts wholly into two or more pinyin syllables ("junuo":
    ju-nuo), so it may be the rest of a transliterated name rather than an English word
    (single syllables such as "long" or "men" are left out).

    >>> pinyin_word(frozenset({"ju", "nuo", "jun", "uo"})).fullmatch("junuo") is not None
    True
    >>> pinyin_word(frozenset({"pu"})).fullmatch("product") is None
    True
    """
    one = alternation(sorted(syllables, key=len, reverse=True)) if syllables else "(?!)"
    return re.compile(rf"(?:{one})(?:{one})+")


_WORD_TAIL = re.compile(r"(?:['’]s)?[.,;:!?\"”’')]*$")


def _shaped_words(
    text: str, start: int, end: int, shape: re.Pattern[str]
) -> Iterator[re.Match[str]]:
    """Capitalised words in text[start:end] long enough to be a transliterated generic
    name and shaped like the 仑赛 family ("Akilunsai")."""
    for m in _TITLE_WORD.finditer(text, start, end):
        if shape.search(m.group(0).lower()):
            yield m


def _chinese_company_names(kb: KB) -> tuple[dict[str, str], dict[str, str]]:
    """Each company's Chinese names, and their stems where a stem names one company
    only: the name without its industry word (科济药业 -> 科济), which text writes with
    another industry word or a legal suffix (科济制药股份有限公司). A stem stands only before
    such a word (the regex adds them), and never shorter than two characters."""
    names = {n: i for n, i in kb.chinese_names.items() if i in kb.companies}
    industry = sorted((w for w in kb.translit.industry_words if not w.isascii()), key=len)
    stems: dict[str, set[str]] = {}
    for name, cid in names.items():
        for word in reversed(industry):  # longest first
            if name.endswith(word) and len(name) - len(word) >= 2:
                stems.setdefault(name[: -len(word)], set()).add(cid)
                break
    unique = {
        stem: next(iter(ids)) for stem, ids in stems.items() if len(ids) == 1 and stem not in names
    }
    return names, unique


# 公司 (company) right after a Chinese character: a name may stand before it with no
# industry word (由X公司研发)
_BARE_COMPANY = re.compile(r"(?<=[\u4e00-\u9fff])公司")
BARE_NAME_SHORTEST = 3
# a punctuation mark or a blank: where a name may start
_MARK = re.compile(r"[\s\u3000-\u303f\uff00-\uffef,.;:!?\"'“”‘’()]")


def _bare_chinese(
    text: str,
    found: list[Mention],
    t: Translit,
    ends: re.Pattern[str] = _BARE_COMPANY,
    shortest: int = BARE_NAME_SHORTEST,
) -> list[Mention]:
    """Companies outside the knowledge base named by 公司 alone (由博X公司开发): three or
    four Han characters right after a boundary character (由, 与, 的, a mark; not a
    digit: 7月加入公司), a place before them aside, none of the words that are no name
    (该, 一家, 上市) and no verb at their end (加入公司). Two
    characters before 公司 are most often a word (美国公司, 有关公司), so they name none.
    Without a boundary that near, a clause may run into the name, so none is read.
    ``ends``: what follows the name (公司 by default; an industry word before a verb,
    恒X医药宣布, keeps the word in the name), and ``shortest`` its fewest characters.

    >>> from pipeline.rules import load_patterns
    >>> from pipeline.names.translit import load_translit
    >>> t = load_translit(load_patterns())
    >>> [(m.text, m.product_id) for m in _bare_chinese("由澜星泰公司开发，该公司称", [], t)]
    [('澜星泰公司', 'open:澜星泰')]
    """
    if not has_cjk(text):
        return []
    taken = [(m.start, m.end) for m in found]
    out = []
    for m in ends.finditer(text):
        start = han_run_start(text, m.start(), CHINESE_NAME_MOST + 1, t.chinese_boundary)
        led = _after_lead_verb(text, start, m.start(), t)
        start = led if led is not None else start
        window = text[start : m.start()]
        at = max(0, _after_place(window, t))
        core = window[at:]
        if (
            len(window) > CHINESE_NAME_MOST
            or len(core) < shortest
            or any(core.startswith(w) for w in t.open_chinese_not_names)
            or any(core.endswith(w) for w in t.industry_words)
            or core.endswith(t.open_chinese_not_ends)
            or (
                start > 0
                and led is None
                and text[start - 1] not in t.chinese_boundary
                and not _MARK.match(text[start - 1])
            )
            or any(s < m.end() and start < e for s, e in taken)
        ):
            continue
        begin = start + at
        out.append(
            Mention(
                begin,
                m.end(),
                text[begin : m.end()],
                "company.open",
                OPEN_PREFIX + core + (m.groupdict().get("word") or ""),
                "open",
                0.0,
            )
        )
    return out


NameFinder = tuple[re.Pattern[str], dict[str, str], str, str]  # regex, name -> id, rule, method


def _in_chinese_text(
    text: str,
    t2s: dict[int, str],
    chinese: NameFinder,
    latin: NameFinder,
    keep: Any,
    taken: list[tuple[int, int]] | None = None,
) -> list[Mention]:
    """Names in Chinese text: Chinese names in either script (the text folded to simplified
    characters one for one, so offsets are the text's), then Latin names glued to Chinese
    characters, which the tokenizer leaves inside one token ("由Kymriah开启"). Only ids
    in ``keep`` count; spans overlapping ``taken`` (found already) are left out."""
    out: list[Mention] = []
    found = list(taken or ())
    for finder, source in ((chinese, text.translate(t2s)), (latin, text)):
        regex, ids, rule, method = finder
        taken = found + [(m.start, m.end) for m in out]
        for m in regex.finditer(source):
            groups = m.groupdict()
            key = groups.get("name") or groups.get("stem") or m.group(0).lower()
            target = ids.get(key)
            if target in keep and not any(s < m.end() and m.start() < e for s, e in taken):
                out.append(
                    Mention(
                        m.start(), m.end(), text[m.start() : m.end()], rule, target, method, 1.0
                    )
                )
    return out


def _latin_alternation(names: dict[str, str]) -> re.Pattern[str]:
    """Names (case-insensitive) not inside a longer run of Latin letters or digits."""
    latin = [n for n in names if n.isascii() and len(n) >= 4]
    if not latin:
        return re.compile("(?!)")
    return re.compile(rf"(?i)(?<![A-Za-z0-9]){guarded(latin)}(?![A-Za-z0-9])")


# what follows the place of a dateline: a comma, perhaps a state's abbreviation, then a
# date ("SANTA MONICA, Calif., June 3", "LONDON, 12 March")
_DATELINE_DATE_AFTER_PLACE = re.compile(
    r",\s+(?:[A-Z][A-Za-z]{1,5}\.?,\s+)?(?:[A-Z][a-z]{2,8}\.?\s+\d{1,2}\b|\d{1,2}\s+[A-Z][a-z]{2,8})"
)


def _dateline_place(text: str, start: int, end: int) -> bool:
    """Whether text[start:end] is the place of a dateline: the first words of a line, a
    comma and a date after them.

    >>> _dateline_place("Title\\nSANTA MONICA, Calif., June 3, 2024 -- Kite", 6, 18)
    True
    >>> _dateline_place("We met Bei Nuo Da, June 3 was the day", 7, 17)
    False
    """
    line_start = text.rfind("\n", 0, start) + 1
    return (
        not text[line_start:start].strip()
        and _DATELINE_DATE_AFTER_PLACE.match(text, end) is not None
    )


def _may_start_company(word: str, firsts: frozenset[str]) -> bool:
    """Whether a word of a capitalised run, once trimmed (_trim_word drops at most one
    letter, the s of a possessive), can start like a company rendering: its first three
    letters, or (upper case) the start of its consonant key, are those of a rendering.

    >>> _may_start_company("WuXi's", frozenset({"wux"})), _may_start_company("GEs", frozenset({"ge"}))
    (True, True)
    >>> _may_start_company("Kingsray", frozenset({"KNS"}))
    True
    """
    key = _NOT_LETTER.sub("", word.lower())
    return (
        key[:3] in firsts
        or (len(key) <= 3 and key.endswith("s") and key[:-1] in firsts)
        or consonant_start(key) in firsts
    )


def _homophone_regex(word: str, pinyin: dict[str, str], by_sound: dict[str, set[str]]) -> str:
    """A regex of ``word`` with each character written as itself or any character of the
    same reading (``pinyin``: character -> reading; ``by_sound``: reading -> characters).

    >>> _homophone_regex("仑赛", {"仑": "lun", "赛": "sai"}, {"lun": {"仑", "伦"}, "sai": {"赛", "塞"}})
    '[仑伦][塞赛]'
    """
    return "".join(
        "[" + "".join(sorted(by_sound.get(pinyin.get(ch, ""), set()) | {ch})) + "]" for ch in word
    )


_OPENING_BRACKETS = "([（【"


def _trim_word(text: str, start: int, end: int) -> tuple[int, int]:
    """A word of a capitalised run without trailing punctuation or a possessive 's."""
    tail = _WORD_TAIL.search(text, start, end)
    cut = tail.start() if tail is not None else end
    return start, max(cut, start + 1)


def _longest(mentions: list[Mention]) -> list[Mention]:
    mentions = sorted(mentions, key=lambda m: (m.start, -(m.end - m.start)))
    out: list[Mention] = []
    end = -1
    for m in mentions:
        if m.start >= end:
            out.append(m)
            end = m.end
    return out


def _name_run(
    doc: Doc, start: int, end: int, label: str, stems: tuple[str, ...] = ()
) -> Span | None:
    """The capitalised name inside a context match, without function words; for
    WORD_BEFORE, the word before the match's last token (see product_contexts.jsonl)."""
    if label == "WORD_BEFORE":
        j = end - 1
        if j > start and doc[j - 1].lower_ in ("'s", "’s"):
            j -= 1
        i = j
        # the parts of one hyphenated word: tokens with no space between them
        while (
            i > 0
            and (doc[i - 1].is_alpha or doc[i - 1].text == "-")
            and (i == j or doc[i - 1].whitespace_ == "")
        ):
            i -= 1
        if i > 0 and doc[i:j].text.lower() in stems and doc[i - 1].is_alpha:
            i -= 1  # "nacel autoleucel": the stem and the word before it
        while i < j and doc[i].text == "-":
            i += 1
        return doc[i:j] if i < j else None
    if label == "NAME_BEFORE":
        i = end - 1
        j = i
        while (
            j > start and doc[j - 1].is_title and not doc[j - 1].is_stop and not doc[j - 1].like_num
        ):
            j -= 1
        return doc[j:i] if j < i else None
    i = end
    j = i
    while j > start and doc[j - 1].is_title and not doc[j - 1].is_stop:
        j -= 1
    return doc[j:i] if j < i else None


@Language.factory(
    "cartfacts_products",
    default_config={"patterns": ""},
    assigns=["doc._.cartfacts"],
)
def make_products(nlp: Language, name: str, patterns: str) -> ProductsComponent:
    return ProductsComponent(nlp, name, patterns)
