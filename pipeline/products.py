"""spaCy component: product and company mentions, resolved to one INN and one company.

Finds candidates (known names with PhraseMatchers, name-shaped spans in product contexts
with the token patterns of patterns/product_contexts.jsonl, words shaped like the 仑赛
family) and calls the pure resolvers of kb.py. Article-level support then resolves
weaker spellings of a product the article already names, and keeps every spelling of
one product (or company) on one value.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.language import Language
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc, Span

from .facts import Fact, add_fact
from .kb import KB, Resolution, load_kb, resolve_company, resolve_product
from .resources import check_keys, patterns_dir, read_jsonl

CONTEXTS_FILE = "product_contexts.jsonl"
_CJK = re.compile(r"[\u4e00-\u9fff]")
_NUMBER = re.compile(r"(\d[\d,]*(?:\.\d+)?)\s*(million|m|万|wan)?", re.IGNORECASE)


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


class ProductsComponent:
    def __init__(self, nlp: Language, name: str, patterns: str):
        root = patterns_dir(patterns or None)
        self.kb: KB = load_kb(root)
        self.known = PhraseMatcher(nlp.vocab, attr="LOWER")
        for alias, pid in sorted(self.kb.product_aliases.items()):
            self.known.add(pid, [nlp.make_doc(alias)])
        self.companies = PhraseMatcher(nlp.vocab, attr="LOWER")
        for alias, cid in sorted(self.kb.company_aliases.items()):
            self.companies.add(cid, [nlp.make_doc(alias)])
        self.companies_cs = PhraseMatcher(nlp.vocab, attr="ORTH")
        for alias, cid in sorted(self.kb.company_aliases_cs.items()):
            self.companies_cs.add(cid, [nlp.make_doc(alias)])
        # Chinese names inside running Chinese text, with the optional 注射液 ("injection")
        names = sorted(self.kb.chinese_names, key=len, reverse=True)
        self.chinese = re.compile("(?P<name>" + "|".join(map(re.escape, names)) + ")(?:注射液)?")
        self.contexts = Matcher(nlp.vocab, validate=True)
        self.context_labels: dict[str, str] = {}
        file = str(root / CONTEXTS_FILE)
        for line, rec in read_jsonl(root, CONTEXTS_FILE):
            check_keys(
                rec,
                file=file,
                allowed={"label", "pattern", "id"},
                required={"label", "pattern", "id"},
                line=line,
            )
            self.contexts.add(rec["id"], [rec["pattern"]], greedy="LONGEST")
            self.context_labels[rec["id"]] = rec["label"]

    # ------------------------------------------------------------ candidates

    def _known(self, doc: Doc) -> list[Mention]:
        out = []
        for match_id, start, end in self.known(doc):
            span = doc[start:end]
            pid = doc.vocab.strings[match_id]
            out.append(
                Mention(
                    span.start_char, span.end_char, span.text, "product.alias", pid, "alias", 1.0
                )
            )
        if _CJK.search(doc.text):
            for m in self.chinese.finditer(doc.text):
                pid = self.kb.chinese_names[m.group("name")]
                if pid in self.kb.products:
                    out.append(
                        Mention(
                            m.start(), m.end(), m.group(0), "product.chinese", pid, "chinese", 1.0
                        )
                    )
        return out

    def _candidates(self, doc: Doc) -> list[tuple[Span, str]]:
        spans: list[tuple[Span, str]] = []
        for match_id, start, end in self.contexts(doc):
            rule = doc.vocab.strings[match_id]
            name = _name_run(doc, start, end, self.context_labels[rule])
            if name is not None:
                spans.append((name, rule))
        shape = self.kb.translit.name_shape
        for token in doc:
            if token.is_title and len(token) >= 6 and shape.search(token.lower_):
                spans.append((doc[token.i : token.i + 1], "product.shape"))
        return spans

    # ------------------------------------------------------------ resolution

    def __call__(self, doc: Doc) -> Doc:
        mentions = self._known(doc)
        taken = {(m.start, m.end) for m in mentions}
        pending: list[tuple[Span, str]] = []
        for span, rule in self._candidates(doc):
            if any(s < span.end_char and span.start_char < e for s, e in taken):
                continue
            taken.add((span.start_char, span.end_char))
            pending.append((span, rule))
        companies = self._companies(doc)
        company_ids = {c.product_id for c in companies}
        first_pass = []
        for span, rule in pending:
            res = resolve_product(span.text, self.kb)
            first_pass.append((span, rule, res))
        resolved = {m.product_id for m in mentions} | {
            r.target_id for _, _, r in first_pass if r.target_id
        }
        for span, rule, res in first_pass:
            if res.target_id is None and res.candidates:
                support = self._support(span, res, resolved, company_ids)
                res = resolve_product(span.text, self.kb, support)
            if res.target_id is None and res.score < self.kb.translit.scoring["support_floor"]:
                continue  # not name-like enough to report even as unresolved
            mentions.append(
                Mention(
                    span.start_char,
                    span.end_char,
                    span.text,
                    rule,
                    res.target_id,
                    res.method,
                    res.score,
                    res.candidates,
                )
            )
        mentions.sort(key=lambda m: (m.start, m.end))
        for m in mentions:
            add_fact(doc, "products", self._product_fact(m, company_ids))
        for c in companies:
            company = self.kb.companies[c.product_id or ""]
            add_fact(
                doc,
                "companies",
                Fact(
                    c.start,
                    c.end,
                    c.rule,
                    {
                        "company": company.name,
                        "method": c.method,
                        "score": c.score,
                    },
                ),
            )
        return doc

    def _support(
        self, span: Span, res: Resolution, resolved: set[str | None], company_ids: set[str | None]
    ) -> dict[str, float]:
        bonus = self.kb.translit.scoring["support"]
        sentence = span.sent.text if span.doc.has_annotation("SENT_START") else span.doc.text
        amounts = {round(a) for a in _amounts(sentence)}
        support: dict[str, float] = {}
        for pid, _score in res.candidates:
            product = self.kb.products[pid]
            extra = 0.0
            if pid in resolved:
                extra += bonus["same_article"]
            if company_ids & set(product.companies):
                extra += bonus["company_in_article"]
            if any(round(amount) in amounts for amount, _cur in product.prices):
                extra += bonus["price_in_sentence"]
            if product.target and product.target.split()[0] in sentence:
                extra += bonus["target_in_sentence"]
            if extra:
                support[pid] = extra
        return support

    def _product_fact(self, m: Mention, company_ids: set[str | None]) -> Fact:
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

    def _companies(self, doc: Doc) -> list[Mention]:
        found: list[Mention] = []
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
        firsts = self.kb.company_first_forms
        for run in _capitalised_runs(doc):
            best: Mention | None = None
            for i in range(len(run)):
                if re.sub(r"[^a-z]", "", run[i].lower_)[:3] not in firsts:
                    continue
                for j in range(min(len(run), i + 5), i + 1, -1):
                    span = doc[run[i].i : run[j - 1].i + 1]
                    res = resolve_company(span.text, self.kb)
                    better = best is None or (res.score, span.end_char - span.start_char) > (
                        best.score,
                        best.end - best.start,
                    )
                    if res.target_id and better:
                        best = Mention(
                            span.start_char,
                            span.end_char,
                            span.text,
                            "company.rendering",
                            res.target_id,
                            res.method,
                            res.score,
                        )
            if best is not None:
                found.append(best)
        # a longer name wins over a short alias inside it ("WuXi Juno" over "Juno")
        return _longest(found)


def _amounts(text: str) -> list[float]:
    out = []
    for m in _NUMBER.finditer(text):
        try:
            value = float(m.group(1).replace(",", ""))
        except ValueError:
            continue
        unit = (m.group(2) or "").lower()
        out.append(value * {"million": 1e6, "m": 1e6, "万": 1e4, "wan": 1e4}.get(unit, 1))
    return out


def _longest(mentions: list[Mention]) -> list[Mention]:
    mentions = sorted(mentions, key=lambda m: (m.start, -(m.end - m.start)))
    out: list[Mention] = []
    end = -1
    for m in mentions:
        if m.start >= end:
            out.append(m)
            end = m.end
    return out


def _name_run(doc: Doc, start: int, end: int, label: str) -> Span | None:
    """The capitalised name inside a context match, without function words."""
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


def _capitalised_runs(doc: Doc) -> list[list]:
    runs: list[list] = []
    current: list = []
    for token in doc:
        if (
            token.text[:1].isupper() or (current and token.text in {"&", "-"})
        ) and not token.is_space:
            current.append(token)
        else:
            if current:
                runs.append(current)
            current = []
    if current:
        runs.append(current)
    return runs


@Language.factory(
    "cartfacts_products",
    default_config={"patterns": ""},
    assigns=["doc._.cartfacts"],
)
def make_products(nlp: Language, name: str, patterns: str) -> ProductsComponent:
    return ProductsComponent(nlp, name, patterns)
