"""The knowledge base of CAR-T products and their companies (patterns/products.jsonl,
patterns/companies.jsonl) and the resolution of a spelling to one of them.

``resolve_product`` and ``resolve_company`` are pure: a spelling (and optional context
support) in, a Resolution out. Known names resolve by alias; unseen spellings by the
phonetic and edit-distance similarity of translit.py, or stay unresolved.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from ..errors import PatternError
from ..rules import Rules, check_keys, expect, string_list
from .translit import (
    Translit,
    indel_similarity,
    letters_only,
    load_translit,
    phonetic_key,
    segment_forms,
    similarity,
)

PRODUCTS_FILE = "products.jsonl"
COMPANIES_FILE = "companies.jsonl"

# Syllables that close most Chinese CAR-T generic names (基奥仑赛, 仑赛): the part before
# them is what tells one product from another.
FAMILY_SUFFIXES = ("ji-ao-lun-sai", "ji-lun-sai", "lun-sai")


@dataclass(frozen=True)
class Product:
    id: str
    inn: str | None
    inn_aliases: tuple[str, ...]
    brands: tuple[str, ...]
    codes: tuple[str, ...]
    chinese: str | None
    pinyin: str | None
    chinese_brand: str | None
    brand_pinyin: str | None
    companies: tuple[str, ...]
    target: str | None
    status: str
    prices: tuple[tuple[float, str], ...]
    forms: tuple[str, ...] = ()
    keys: tuple[str, ...] = ()
    prefix_key: str = ""

    @property
    def label(self) -> str:
        return self.inn or (self.codes[0] if self.codes else self.id)


@dataclass(frozen=True)
class Company:
    id: str
    name: str
    aliases: tuple[str, ...]
    aliases_cs: tuple[str, ...]
    chinese: str | None
    forms: tuple[str, ...]


@dataclass(frozen=True)
class Resolution:
    text: str
    target_id: str | None
    method: str
    score: float
    candidates: tuple[tuple[str, float], ...] = ()


@dataclass
class KB:
    products: dict[str, Product]
    companies: dict[str, Company]
    translit: Translit
    product_aliases: dict[str, str] = field(default_factory=dict)  # lower alias -> product id
    company_aliases: dict[str, str] = field(default_factory=dict)
    company_aliases_cs: dict[str, str] = field(default_factory=dict)
    chinese_names: dict[str, str] = field(default_factory=dict)  # chinese -> product/company id
    company_first_forms: frozenset[str] = frozenset()


_PRODUCT_KEYS = {
    "id",
    "inn",
    "inn_aliases",
    "brands",
    "codes",
    "chinese",
    "pinyin",
    "chinese_brand",
    "brand_pinyin",
    "companies",
    "target",
    "status",
    "prices",
}
_COMPANY_KEYS = {"id", "name", "aliases", "aliases_cs", "chinese", "segments"}
_SEGMENT_KEYS = {"chinese", "pinyin", "english"}


def _opt_str(value: Any, *, file: str, key: str, line: int) -> str | None:
    return None if value is None else expect(value, str, file=file, key=key, line=line)


@lru_cache(maxsize=8)
def load_kb(patterns: Rules) -> KB:
    t = load_translit(patterns)
    companies = _load_companies(patterns, t)
    products = _load_products(patterns, t, companies)
    kb = KB(products=products, companies=companies, translit=t)
    for p in products.values():
        names = [p.inn, *p.inn_aliases, *p.brands, *p.codes]
        if p.pinyin:
            names.append(p.pinyin.replace("-", ""))
        for name in names:
            if name:
                kb.product_aliases.setdefault(name.lower(), p.id)
        for chinese in (p.chinese, p.chinese_brand):
            if chinese:
                kb.chinese_names[chinese] = p.id
    for c in companies.values():
        for alias in c.aliases:
            kb.company_aliases.setdefault(alias.lower(), c.id)
        for alias in c.aliases_cs:
            kb.company_aliases_cs.setdefault(alias, c.id)
        if c.chinese:
            kb.chinese_names.setdefault(c.chinese, c.id)
    kb.company_first_forms = frozenset(form[:3] for c in companies.values() for form in c.forms)
    return kb


def _load_companies(patterns: Rules, t: Translit) -> dict[str, Company]:
    file = patterns.path(COMPANIES_FILE)
    out: dict[str, Company] = {}
    for line, rec in patterns.jsonl(COMPANIES_FILE):
        check_keys(
            rec, file=file, allowed=_COMPANY_KEYS, required={"id", "name", "aliases"}, line=line
        )
        cid = expect(rec["id"], str, file=file, key="id", line=line)
        if cid in out:
            raise PatternError(file, f"duplicate id {cid!r}", line=line, key="id")
        parts: list[tuple[str, ...]] = []
        for seg in expect(rec.get("segments", []), list, file=file, key="segments", line=line):
            expect(seg, dict, file=file, key="segments", line=line)
            check_keys(seg, file=file, allowed=_SEGMENT_KEYS, required={"pinyin"}, line=line)
            english = string_list(
                seg.get("english", []), file=file, key="segments.english", line=line
            )
            parts.append(segment_forms(seg["pinyin"], seg.get("chinese"), english, t))
        aliases = string_list(rec["aliases"], file=file, key="aliases", line=line)
        forms = {letters_only(a) for a in aliases}
        if parts:
            forms.update(
                "".join(combo) for combo in itertools.islice(itertools.product(*parts), 4096)
            )
        out[cid] = Company(
            id=cid,
            name=expect(rec["name"], str, file=file, key="name", line=line),
            aliases=aliases,
            aliases_cs=string_list(
                rec.get("aliases_cs", []), file=file, key="aliases_cs", line=line
            ),
            chinese=_opt_str(rec.get("chinese"), file=file, key="chinese", line=line),
            forms=tuple(sorted(f for f in forms if f)),
        )
    return out


def _load_products(
    patterns: Rules, t: Translit, companies: dict[str, Company]
) -> dict[str, Product]:
    file = patterns.path(PRODUCTS_FILE)
    out: dict[str, Product] = {}
    for line, rec in patterns.jsonl(PRODUCTS_FILE):
        check_keys(
            rec, file=file, allowed=_PRODUCT_KEYS, required={"id", "inn", "companies"}, line=line
        )
        pid = expect(rec["id"], str, file=file, key="id", line=line)
        if pid in out:
            raise PatternError(file, f"duplicate id {pid!r}", line=line, key="id")
        company_ids = string_list(rec["companies"], file=file, key="companies", line=line)
        for cid in company_ids:
            if cid not in companies:
                raise PatternError(file, f"unknown company {cid!r}", line=line, key="companies")
        prices = []
        for price in expect(rec.get("prices", []), list, file=file, key="prices", line=line):
            if not isinstance(price, dict):
                raise PatternError(file, "expected an object", line=line, key="prices")
            check_keys(
                price,
                file=file,
                allowed={"amount", "amount_high", "currency", "year"},
                required={"amount", "currency"},
                line=line,
                within="prices",
            )
            amount = expect(
                price["amount"], (int, float), file=file, key="prices.amount", line=line
            )
            currency = expect(price["currency"], str, file=file, key="prices.currency", line=line)
            prices.append((float(amount), currency))
        pinyin = _opt_str(rec.get("pinyin"), file=file, key="pinyin", line=line)
        brand_pinyin = _opt_str(rec.get("brand_pinyin"), file=file, key="brand_pinyin", line=line)
        forms, keys, prefix = _name_forms(pinyin, t)
        out[pid] = Product(
            id=pid,
            inn=_opt_str(rec["inn"], file=file, key="inn", line=line),
            inn_aliases=string_list(
                rec.get("inn_aliases", []), file=file, key="inn_aliases", line=line
            ),
            brands=string_list(rec.get("brands", []), file=file, key="brands", line=line),
            codes=string_list(rec.get("codes", []), file=file, key="codes", line=line),
            chinese=_opt_str(rec.get("chinese"), file=file, key="chinese", line=line),
            pinyin=pinyin,
            chinese_brand=_opt_str(
                rec.get("chinese_brand"), file=file, key="chinese_brand", line=line
            ),
            brand_pinyin=brand_pinyin,
            companies=company_ids,
            target=_opt_str(rec.get("target"), file=file, key="target", line=line),
            status=str(rec.get("status", "")),
            prices=tuple(prices),
            forms=forms,
            keys=keys,
            prefix_key=prefix,
        )
    return out


def _name_forms(pinyin: str | None, t: Translit) -> tuple[tuple[str, ...], tuple[str, ...], str]:
    """Letter forms and phonetic keys of a product's Chinese generic name, and the key of
    the part that distinguishes it within the 基奥仑赛 family."""
    if not pinyin:
        return (), (), ""
    forms = {pinyin.replace("-", "")}
    prefix = pinyin
    for suffix in FAMILY_SUFFIXES:
        if pinyin.endswith(suffix) and pinyin != suffix:
            prefix = pinyin[: -len(suffix)].rstrip("-")
            break
    keys = {phonetic_key(f, t) for f in forms}
    return tuple(sorted(forms)), tuple(sorted(keys)), phonetic_key(prefix.replace("-", ""), t)


# ---------------------------------------------------------------- resolution


def clean_candidate(text: str, t: Translit) -> str:
    words = [w for w in re.split(r"[\s\-]+", text.strip()) if w]
    while words and words[-1].lower().strip(".,;:'’") in t.drop_words:
        words.pop()
    return " ".join(words)


def score_products(text: str, kb: KB) -> list[tuple[str, float]]:
    """Phonetic and edit-distance similarity of a spelling to every product with a
    Chinese name, best first."""
    t = kb.translit
    name = letters_only(clean_candidate(text, t))
    if len(name) < 4:
        return []
    key = phonetic_key(name, t)
    w = t.scoring["weights"]
    scores = []
    for p in kb.products.values():
        if not p.keys:
            continue
        key_sim = max(indel_similarity(key, k) for k in p.keys)
        raw_sim = max(indel_similarity(name, f) for f in p.forms)
        prefix_sim = similarity(key[: len(p.prefix_key)], p.prefix_key) if p.prefix_key else 0.0
        scores.append((p.id, w["key"] * key_sim + w["raw"] * raw_sim + w["prefix"] * prefix_sim))
    scores.sort(key=lambda s: (-s[1], s[0]))
    return scores


def resolve_product(text: str, kb: KB, support: dict[str, float] | None = None) -> Resolution:
    """Resolve a product spelling: alias, Chinese name, or phonetic similarity above the
    threshold with a margin over the runner-up. ``support`` adds context bonuses per id."""
    lowered = text.strip().lower()
    if lowered in kb.product_aliases:
        return Resolution(text, kb.product_aliases[lowered], "alias", 1.0)
    stripped = clean_candidate(text, kb.translit).lower()
    if stripped in kb.product_aliases:
        return Resolution(text, kb.product_aliases[stripped], "alias", 1.0)
    chinese = re.sub(r"(注射液|注射剂)$", "", text.strip())
    if chinese in kb.chinese_names and kb.chinese_names[chinese] in kb.products:
        return Resolution(text, kb.chinese_names[chinese], "chinese", 1.0)
    scored = score_products(text, kb)
    if support:
        scored = sorted(
            (
                (
                    pid,
                    min(1.0, s + support.get(pid, 0.0))
                    if s >= kb.translit.scoring["support_floor"]
                    else s,
                )
                for pid, s in scored
            ),
            key=lambda x: (-x[1], x[0]),
        )
    if not scored:
        return Resolution(text, None, "unresolved", 0.0)
    best_id, best = scored[0]
    runner = scored[1][1] if len(scored) > 1 else 0.0
    top = tuple((pid, round(s, 4)) for pid, s in scored[:3])
    threshold = kb.translit.scoring["product_threshold"]
    if best >= threshold and best - runner >= kb.translit.scoring["margin"]:
        boosted = support is not None and support.get(best_id, 0.0) > 0
        return Resolution(
            text, best_id, "phonetic+context" if boosted else "phonetic", round(best, 4), top
        )
    method = "ambiguous" if best >= threshold else "unresolved"
    return Resolution(text, None, method, round(best, 4), top)


def strip_corporate(text: str, t: Translit) -> str:
    words = text.split()
    while len(words) > 1 and words[-1].lower().strip(",") in t.corporate_suffixes:
        words.pop()
    return " ".join(words).rstrip(",")


def strip_industry(text: str, t: Translit) -> str:
    """Drop trailing industry words ("Biotech", "Pharmaceutical") a translation may add."""
    words = text.split()
    while len(words) > 1 and words[-1].lower() in t.industry_words:
        words.pop()
    return " ".join(words)


def resolve_company(text: str, kb: KB) -> Resolution:
    """Resolve a company spelling: official alias, or similarity to the renderings built
    from its Chinese name parts (pinyin, official English, meanings)."""
    name = strip_corporate(text.strip(), kb.translit)
    if name in kb.company_aliases_cs:
        return Resolution(text, kb.company_aliases_cs[name], "alias", 1.0)
    if name.lower() in kb.company_aliases:
        return Resolution(text, kb.company_aliases[name.lower()], "alias", 1.0)
    if name in kb.chinese_names and kb.chinese_names[name] in kb.companies:
        return Resolution(text, kb.chinese_names[name], "chinese", 1.0)
    spellings = {letters_only(name), letters_only(strip_industry(name, kb.translit))}
    spellings = {s for s in spellings if len(s) >= 5}
    if not spellings:
        return Resolution(text, None, "unresolved", 0.0)
    scored: list[tuple[str, float]] = []
    for c in kb.companies.values():
        if c.forms:
            scored.append((c.id, max(similarity(s, f) for f in c.forms for s in spellings)))
    scored.sort(key=lambda s: (-s[1], s[0]))
    if not scored:
        return Resolution(text, None, "unresolved", 0.0)
    best_id, best = scored[0]
    top = tuple((cid, round(s, 4)) for cid, s in scored[:3])
    if best >= kb.translit.scoring["company_threshold"]:
        method = "rendering" if best == 1.0 else "fuzzy"
        return Resolution(text, best_id, method, round(best, 4), top)
    return Resolution(text, None, "unresolved", round(best, 4), top)
