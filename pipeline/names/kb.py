"""The knowledge base of CAR-T products and their companies (patterns/products.jsonl,
patterns/companies.jsonl) and the resolution of a spelling to one of them.

``resolve_product`` and ``resolve_company`` are pure: a spelling (and optional context
support) in, a Resolution out. Known names resolve by alias; unseen spellings by the
phonetic and edit-distance similarity of translit.py, or stay unresolved.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from functools import cached_property, lru_cache
from typing import Any

from rapidfuzz.distance import Levenshtein
from rapidfuzz.process import extractOne

from ..errors import PatternError
from ..rules import Rules, check_keys, expect, string_list
from ..words.chinese import load_pinyin, load_variants, readings
from .similarity import (
    CUTOFF_SLACK,
    PART_RENDERINGS,
    Part,
    Target,
    best_similarity,
    cut_keys,
    make_part,
    part_scores,
    renderings,
    score_target,
    segment_score,
    split_words,
    syllables,
)
from .translit import (
    Translit,
    collapse_repeats,
    letters_only,
    load_translit,
    phonetic_key,
    segment_forms,
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
    targets: tuple[Target, ...] = ()
    # its clinical trials by name ("CARTITUDE", "ZUMA-7"): a trial named beside a
    # spelling supports the product
    trials: tuple[str, ...] = ()

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
    chinese_aliases: tuple[str, ...] = ()
    # what news calls the company for short when the word is also an ordinary word or a
    # place ("Bristol", "Legend"): the company only where a company's context says so
    short_names: tuple[str, ...] = ()
    # the letter forms of each part of the Chinese name that is not an industry word
    # (生物 "bio", 医药 "pharma"), in order; one tuple of forms per part
    parts: tuple[Part, ...] = ()
    # how any of its forms or parts can start (first letters, consonant start): a
    # spelling whose first word starts otherwise is not scored against this company
    starts: frozenset[str] = frozenset()
    # the later parts that name it alone ("Squibb"): those no other company's name holds
    # (神州 of 百济神州 is also in 艺妙神州: "Shenzhou" alone names neither)
    alone: tuple[Part, ...] = ()
    # how those parts' forms start: a spelling that starts so may be one alone
    later_starts: frozenset[str] = frozenset()


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
    # alias_key(name) -> product id, for looking a spelling up
    product_aliases: dict[str, str] = field(default_factory=dict)
    # lower-case name as written -> product id, for finding names in text
    product_names: dict[str, str] = field(default_factory=dict)
    company_aliases: dict[str, str] = field(default_factory=dict)
    company_aliases_cs: dict[str, str] = field(default_factory=dict)
    chinese_names: dict[str, str] = field(default_factory=dict)  # chinese -> product/company id
    company_first_forms: frozenset[str] = frozenset()
    # the companies a spelling may be scored against, by how it starts (Company.starts):
    # a spelling is compared with those only, not with every company
    companies_by_start: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # str.translate table: traditional Chinese characters -> simplified (zh_variants.json)
    t2s: dict[int, str] = field(default_factory=dict)

    @cached_property
    def antigens(self) -> frozenset[str]:
        """The target antigens of the products (their first word: CD19, BCMA)."""
        return frozenset(p.target.split()[0] for p in self.products.values() if p.target)

    def sharing_target(self, target: str) -> int:
        """How many products have this target antigen (its first word)."""
        first = target.split()[0]
        return sum(1 for p in self.products.values() if p.target and p.target.split()[0] == first)


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
    "trials",
}
_COMPANY_KEYS = {
    "id",
    "name",
    "aliases",
    "aliases_cs",
    "short_names",
    "chinese",
    "chinese_aliases",
    "segments",
}
_SEGMENT_KEYS = {"chinese", "pinyin", "english"}


def _opt_str(value: Any, *, file: str, key: str, line: int) -> str | None:
    return None if value is None else expect(value, str, file=file, key=key, line=line)


@lru_cache(maxsize=8)
def load_kb(patterns: Rules) -> KB:
    t = load_translit(patterns)
    companies = _load_companies(patterns, t)
    products = _load_products(patterns, t, companies)
    kb = KB(products=products, companies=companies, translit=t, t2s=load_variants(patterns))
    for p in products.values():
        names = [
            p.inn,
            # the first word of a two-word INN, written alone ("axicabtagene"): no other
            # product's INN starts with it
            *([p.inn.split()[0]] if p.inn and " " in p.inn else []),
            *p.inn_aliases,
            *(v for b in p.brands for v in brand_forms(b)),
            *(v for c in p.codes for v in code_forms(c)),
        ]
        if p.pinyin:
            names.append(p.pinyin.replace("-", ""))
        for name in names:
            if name and len(alias_key(name)) >= 3:
                kb.product_aliases.setdefault(alias_key(name), p.id)
                kb.product_names.setdefault(name.lower(), p.id)
        for chinese in (p.chinese, p.chinese_brand):
            if chinese:
                kb.chinese_names[chinese] = p.id
    _curated_aliases(patterns, kb)
    for c in companies.values():
        for alias in c.aliases:
            kb.company_aliases.setdefault(alias.lower(), c.id)
        for alias in c.aliases_cs:
            kb.company_aliases_cs.setdefault(alias, c.id)
        for chinese in (c.chinese, *c.chinese_aliases):
            if chinese:
                kb.chinese_names.setdefault(chinese, c.id)
    kb.company_first_forms = frozenset(
        start
        for c in companies.values()
        for form in c.forms
        for start in (form[:3], consonant_start(form))
    )
    by_start: dict[str, list[str]] = {}
    for c in companies.values():
        for start in sorted(c.starts):
            by_start.setdefault(start, []).append(c.id)
    kb.companies_by_start = {start: tuple(ids) for start, ids in by_start.items()}
    return kb


# spellings an analyst confirmed for a product (cartfacts names --csv, then run --aliases):
# optional, one JSON object per line: {"alias": ..., "product": INN or product id}
ALIASES_FILE = "aliases.jsonl"


def _curated_aliases(patterns: Rules, kb: KB) -> None:
    """Add the confirmed spellings of ``aliases.jsonl`` (when the folder has one) as
    aliases of their products."""
    if ALIASES_FILE not in patterns.files:
        return
    file = patterns.path(ALIASES_FILE)
    by_name = {p.id: p.id for p in kb.products.values()}
    by_name.update({p.inn.lower(): p.id for p in kb.products.values() if p.inn})
    for line, rec in patterns.jsonl(ALIASES_FILE):
        check_keys(
            rec, file=file, allowed={"alias", "product"}, required={"alias", "product"}, line=line
        )
        alias = expect(rec["alias"], str, file=file, key="alias", line=line).strip()
        product = expect(rec["product"], str, file=file, key="product", line=line)
        pid = by_name.get(product) or by_name.get(product.lower())
        if pid is None:
            raise PatternError(file, f"unknown product {product!r}", line=line, key="product")
        if len(alias_key(alias)) >= 3:
            kb.product_aliases[alias_key(alias)] = pid
            kb.product_names[alias.lower()] = pid


def _load_companies(patterns: Rules, t: Translit) -> dict[str, Company]:
    file = patterns.path(COMPANIES_FILE)
    out: dict[str, Company] = {}
    table = load_pinyin(patterns)
    trailing = _chinese_trailing_words(t)
    for line, rec in patterns.jsonl(COMPANIES_FILE):
        check_keys(
            rec, file=file, allowed=_COMPANY_KEYS, required={"id", "name", "aliases"}, line=line
        )
        cid = expect(rec["id"], str, file=file, key="id", line=line)
        if cid in out:
            raise PatternError(file, f"duplicate id {cid!r}", line=line, key="id")
        parts: list[tuple[str, ...]] = []
        rendered: list[tuple[str, ...]] = []
        segments = expect(rec.get("segments", []), list, file=file, key="segments", line=line)
        chinese = _opt_str(rec.get("chinese"), file=file, key="chinese", line=line)
        limit = PART_RENDERINGS
        if not segments and chinese:
            segments = _derived_segments(chinese, trailing, table)
            limit = DERIVED_RENDERINGS
        for seg in segments:
            expect(seg, dict, file=file, key="segments", line=line)
            check_keys(seg, file=file, allowed=_SEGMENT_KEYS, required={"pinyin"}, line=line)
            english = string_list(
                seg.get("english", []), file=file, key="segments.english", line=line
            )
            parts.append(segment_forms(seg["pinyin"], seg.get("chinese"), english, t))
            rendered.append(renderings(syllables(seg["pinyin"]), t, limit))
        aliases = string_list(rec["aliases"], file=file, key="aliases", line=line)
        forms = {letters_only(a) for a in aliases}
        if parts:
            forms.update(
                "".join(combo) for combo in itertools.islice(itertools.product(*parts), 4096)
            )
        weight = t.scoring["rendering_weight"]
        core = tuple(
            make_part(p, t, r, weight)
            for p, r in zip(parts, rendered, strict=True)
            if not set(p) & t.industry_words
        )
        out[cid] = Company(
            id=cid,
            name=expect(rec["name"], str, file=file, key="name", line=line),
            aliases=aliases,
            aliases_cs=string_list(
                rec.get("aliases_cs", []), file=file, key="aliases_cs", line=line
            ),
            short_names=_with_spoken_acronyms(
                string_list(rec.get("short_names", []), file=file, key="short_names", line=line),
                string_list(rec.get("aliases_cs", []), file=file, key="aliases_cs", line=line),
            ),
            chinese=chinese,
            chinese_aliases=string_list(
                rec.get("chinese_aliases", []), file=file, key="chinese_aliases", line=line
            ),
            forms=tuple(sorted(f for f in forms if f)),
            parts=core,
            starts=_starts((*forms, *(f for part in core for f in part.forms))),
        )
    return _with_alone_parts(out)


def _chinese_trailing_words(t: Translit) -> tuple[str, ...]:
    """The Chinese industry and legal words a company's name may end in, longest first."""
    return tuple(
        sorted(
            (w for w in (*t.industry_words, *t.corporate_suffixes) if not w.isascii()),
            key=len,
            reverse=True,
        )
    )


def _derived_segments(
    chinese: str, trailing: tuple[str, ...], table: dict[str, str]
) -> list[dict[str, Any]]:
    """The part of a company's Chinese name before its industry and legal words
    (``trailing``: _chinese_trailing_words), read with the pinyin table (pinyin.json,
    from pypinyin), as one segment: what a company
    whose file entry cuts no segments by hand is matched by when news renders its name
    ("Youruike Biology" for 优瑞科生物). None when a character has no reading or too
    little is left to tell it from others, or it is too long to be read by sound
    (DERIVED_SHORTEST, DERIVED_LONGEST).

    >>> from pipeline.rules import load_patterns
    >>> from pipeline.names.translit import load_translit
    >>> p = load_patterns()
    >>> trailing, table = _chinese_trailing_words(load_translit(p)), load_pinyin(p)
    >>> _derived_segments("优瑞科生物", trailing, table), _derived_segments("启函生物", trailing, table)
    ([{'chinese': '优瑞科', 'pinyin': 'you-rui-ke'}], [])
    """
    stem = chinese
    while word := next((w for w in trailing if stem.endswith(w) and len(stem) > len(w)), None):
        stem = stem[: -len(word)]
    sounds = readings(stem, table)
    if not DERIVED_SHORTEST <= len(stem) <= DERIVED_LONGEST or len(sounds) != len(stem):
        return []
    return [{"chinese": stem, "pinyin": "-".join(sounds)}]


# the fewest characters of a Chinese name's own part that is read for renderings: two
# are a word or a place as often as a name (神州 "China", 药明 of three companies), and
# their two syllables a person's name (礼来 as "Li Lai")
DERIVED_SHORTEST = 3
# ... and the most: a longer one is a description news translates by meaning (上海细胞治疗
# "Shanghai cell therapy") or a foreign name it writes in its own letters (葛兰素史克 is
# GSK), and its thousands of renderings cost memory for nothing
DERIVED_LONGEST = 4
# renderings kept per derived part (a hand-cut one keeps PART_RENDERINGS): a name's plain
# pinyin and its nearest renderings come first, and the rest cost memory
DERIVED_RENDERINGS = 1500


def _with_alone_parts(companies: dict[str, Company]) -> dict[str, Company]:
    """Each company with the later parts of its name that no other company's forms hold
    (as letters): only those name it alone."""
    out = {}
    for cid, c in companies.items():
        others = [f for other in companies.values() if other.id != cid for f in other.forms]
        alone = tuple(
            part
            for part in c.parts[1:]
            if not any(form in other for form in part.forms for other in others)
        )
        out[cid] = replace(
            c, alone=alone, later_starts=_starts(f for part in alone for f in part.forms)
        )
    return out


def _starts(forms: Iterable[str]) -> frozenset[str]:
    """How a spelling of one of these forms can start: its first three letters, or its
    consonant start."""
    return frozenset(s for f in forms for s in (f[:3], consonant_start(f)))


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
        inn = _opt_str(rec["inn"], file=file, key="inn", line=line)
        out[pid] = Product(
            id=pid,
            inn=inn,
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
            trials=string_list(rec.get("trials", []), file=file, key="trials", line=line),
            targets=_targets(inn, pinyin, brand_pinyin, t),
        )
    return out


def _best_form(letters: str, forms: tuple[str, ...], cutoff: float = 0.0) -> float:
    """The best normalised Levenshtein similarity of a spelling to any of the forms (0.0
    below ``cutoff``)."""
    if not forms:
        return 0.0
    found = extractOne(
        letters, forms, scorer=Levenshtein.normalized_similarity, score_cutoff=cutoff
    )
    return float(found[1]) if found else 0.0


@lru_cache(maxsize=100_000)
def consonant_start(letters: str) -> str:
    """The first three consonant classes of a spelling, upper case ("kingsray" -> "KNS",
    as "jinsirui" is): two renderings of one name start alike by sound when their
    letters do not ("Kingsrui", "Jinsirui").

    >>> consonant_start("kingsray") == consonant_start("jinsirui")
    True
    """
    key = _CONSONANT_CLASS.sub("", letters.lower().replace("ng", "n").translate(_CLASSES))
    return collapse_repeats(key)[:3]


# consonant classes for consonant_start (j, q, g, k, c meet; s, x, z; l, r; b, p; d, t);
# "ng" is folded to n first
_CLASSES = str.maketrans("jqgkcxzsrlbpdtvfmnhwy", "KKKKKSSSLLPPTTFFMN...")
_CONSONANT_CLASS = re.compile(r"[^A-Z]")


def _targets(
    inn: str | None, pinyin: str | None, brand_pinyin: str | None, t: Translit
) -> tuple[Target, ...]:
    """The ways a product is named, scored part by part (names.similarity): its Chinese
    generic name (head: the syllables before the family stem 基奥仑赛/仑赛), its brand's
    pinyin (all head), and its INN prefix before the stem ("axi" of axicabtagene)."""
    out = []
    head_syllables: list[str] = []
    tail: list[str] = []
    if pinyin:
        sylls = syllables(pinyin)
        head_syllables, tail = sylls, []
        for suffix in FAMILY_SUFFIXES:
            stem = syllables(suffix)
            if sylls[-len(stem) :] == stem and len(sylls) > len(stem):
                head_syllables, tail = sylls[: -len(stem)], stem
                break
        out.append(Target("generic", renderings(head_syllables, t), phonetic_key("".join(tail), t)))
    if brand_pinyin:
        out.append(Target("brand", renderings(syllables(brand_pinyin), t)))
    if inn:
        prefix = _inn_prefix(inn, t)
        if prefix:
            # a short form keeps the head, sometimes with the 基 ji that starts the stem
            # ("iji-cel" for 伊基 yi-ji)
            with_ji = head_syllables + tail[:1] if tail[:1] == ["ji"] else []
            heads = {prefix, *renderings(head_syllables, t), *renderings(with_ji, t)}
            out.append(Target("inn", tuple(sorted(heads))))
    return tuple(out)


def _inn_prefix(inn: str, t: Translit) -> str:
    """The part of an INN's first word before its CAR-T stem, the longest of the INN
    stems of transliteration.json ("axicabtagene ciloleucel" -> "axi",
    "tisagenlecleucel" -> "tisa")."""
    first = inn.split()[0]
    for stem in t.inn_stems:  # longest first
        at = first.find(stem)
        if at > 0:
            return first[:at]
    return ""


# ---------------------------------------------------------------- resolution


def clean_candidate(text: str, t: Translit) -> str:
    words = [w for w in re.split(r"[\s\-]+", text.strip()) if w]
    while words and words[-1].lower().strip(".,;:'’®™") in t.drop_words:
        words.pop()
    return " ".join(words)


def code_forms(code: str) -> list[str]:
    """A product code as news writes it: as given, and with a hyphen between letters and
    number or none; a code written with a separator also with a space and with the
    number short of its leading zeros ("XYZ-0007": XYZ 7). A glued code keeps its digits
    (AB012 is not "AB 12", which reads as a scan), its leading zero also written as the
    letter O (ABO12).

    >>> code_forms("XYZ-0007")
    ['XYZ-0007', 'XYZ0007', 'XYZ 0007', 'XYZ-7', 'XYZ7', 'XYZ 7']
    >>> code_forms("AB012")
    ['AB012', 'AB-012', 'ABO12']
    """
    m = re.fullmatch(r"([A-Za-z]+)([-\s]?)(\d+)", code)
    if not m:
        return [code]
    letters, sep, digits = m.groups()
    numbers = (digits, digits.lstrip("0") or "0") if sep else (digits,)
    seps = ("-", "", " ") if sep else ("-", "")
    out = [code]
    for number in dict.fromkeys(numbers):
        for s in seps:
            form = f"{letters}{s}{number}"
            if form not in out:
                out.append(form)
    if not sep and digits.startswith("0") and len(digits) > 1:
        # a zero right after the letters is often typed or read as the letter O
        out.append(f"{letters}O{digits[1:]}")
    return out


def brand_forms(brand: str) -> list[str]:
    """A brand as news writes it: as given, and a word glued to a number also with a
    space or a hyphen between them (a word of four letters or more, so no code: AB012).

    >>> brand_forms("Wordmark19"), brand_forms("Kymriah")
    (['Wordmark19', 'Wordmark 19', 'Wordmark-19'], ['Kymriah'])
    """
    m = re.fullmatch(r"([A-Za-z]{4,})(\d+)", brand)
    return [brand] if m is None else [brand, f"{m[1]} {m[2]}", f"{m[1]}-{m[2]}"]


def alias_key(text: str) -> str:
    """A name as the alias tables hold it: lower-case letters and digits only, so that
    "relma-cel", "Relma cel" and "Bei Nuo Da" meet "relma-cel" and "Beinuoda"."""
    return re.sub(r"[^0-9a-z]", "", unicodedata.normalize("NFKD", text.lower()))


_INJECTION = re.compile(r"(?i)\b(?:injections?|inj\.?)(?![a-z])")


def _inn_stem(letters: str, t: Translit) -> str:
    """The INN stem a spelling ends with ("brexuleucel" -> "leucel"), or ""."""
    for stem in t.inn_stems:
        if letters.endswith(stem) and len(letters) - len(stem) >= 2:
            return stem
    return ""


def substituted_drug(text: str, t: Translit) -> bool:
    """Whether a spelling ends like another real drug's name ("-amide", "-mab"): such a
    word names a CAR-T product only with support from its context."""
    letters = letters_only(clean_candidate(text, t))
    return not _inn_stem(letters, t) and any(letters.endswith(s) for s in t.drug_stems)


def score_products(text: str, kb: KB) -> list[tuple[str, float]]:
    """How well a spelling reads as each product, best first (names.similarity): its
    best target, a generic name cut into head and stem, a brand whole, a half-translated
    INN by the part before its stem."""
    t = kb.translit
    letters = letters_only(clean_candidate(text, t))
    if len(letters) < 4:
        return []
    weights = t.scoring["weights"]
    keys = cut_keys(letters, t)
    # the stem is looked for before the drop words go ("nacel autoleucel")
    whole = letters_only(_INJECTION.sub("", text))
    inn_heads = []
    head = whole
    while stem := _inn_stem(head, t):  # "nacelle autoleucel": nacelle, then na
        head = head[: -len(stem)]
        inn_heads.append(head)
    scores = []
    for p in kb.products.values():
        best = 0.0
        for target in p.targets:
            if target.kind == "inn":
                for head in inn_heads:
                    # the stem says "a CAR-T product"; which one, only the head can say
                    h = score_target(head, [], target, weights)
                    best = max(best, weights["inn_head"] * h + 1 - weights["inn_head"])
            else:
                best = max(best, score_target(letters, keys, target, weights))
        if best:
            scores.append((p.id, best))
    scores.sort(key=lambda s: (-s[1], s[0]))
    return scores


def resolve_product(
    text: str,
    kb: KB,
    support: dict[str, float] | None = None,
    scores: list[tuple[str, float]] | None = None,
) -> Resolution:
    """Resolve a product spelling: alias, Chinese name, or similarity above the threshold
    with a margin over the runner-up. ``support`` adds context bonuses per id; a spelling
    shaped like another real drug resolves only with support."""
    for form in (text, clean_candidate(text, kb.translit)):
        key = alias_key(form)
        if key in kb.product_aliases:
            return Resolution(text, kb.product_aliases[key], "alias", 1.0)
    chinese = re.sub(r"(注射液|注射剂)$", "", text.strip())
    if chinese in kb.chinese_names and kb.chinese_names[chinese] in kb.products:
        return Resolution(text, kb.chinese_names[chinese], "chinese", 1.0)
    scoring = kb.translit.scoring
    scored = score_products(text, kb) if scores is None else scores
    if support:
        scored = sorted(
            (
                (pid, min(1.0, s + support.get(pid, 0.0)) if s >= scoring["support_floor"] else s)
                for pid, s in scored
            ),
            key=lambda x: (-x[1], x[0]),
        )
    if not scored:
        return Resolution(text, None, "unresolved", 0.0)
    best_id, best = scored[0]
    runner = scored[1][1] if len(scored) > 1 else 0.0
    top = tuple((pid, round(s, 4)) for pid, s in scored[:3])
    boosted = support is not None and support.get(best_id, 0.0) > 0
    if substituted_drug(text, kb.translit) and not boosted:
        return Resolution(text, None, "needs context", round(best, 4), top)
    threshold = scoring["product_threshold"]
    if (
        best >= threshold
        and best - runner >= scoring["margin"]
        and not _head_rival(text, best_id, best, kb)
    ):
        return Resolution(
            text, best_id, "phonetic+context" if boosted else "phonetic", round(best, 4), top
        )
    method = "ambiguous" if best >= threshold else "unresolved"
    return Resolution(text, None, method, round(best, 4), top)


def _head_rival(text: str, best_id: str, best: float, kb: KB) -> bool:
    """Whether a spelling that won as a product's brand (read whole, all distinguishing
    part) reads at least as well as another product's generic head alone: with no
    stem after it, nothing says it is a brand rather than a generic name cut short
    ("Xida" is 西达 of 西达基奥仑赛 as much as a brand's syllables), so the closer-spelled
    product need not be the one meant. Scores of a generic name cut short are weighed
    down by the stem they lack, which is why the heads are compared here as they are."""
    letters = letters_only(clean_candidate(text, kb.translit))
    winner = kb.products[best_id]
    brand = max(
        (best_similarity(letters, tg.heads) for tg in winner.targets if tg.kind == "brand"),
        default=0.0,
    )
    if brand < best - CUTOFF_SLACK:
        return False  # it won by a stem, an INN or support: not a brand read whole
    return any(
        best_similarity(letters, tg.heads, best) >= best - CUTOFF_SLACK
        for p in kb.products.values()
        if p.id != best_id
        for tg in p.targets
        if tg.kind == "generic"
    )


def resolve_chinese_generic(syllables: list[str], text: str, kb: KB) -> Resolution:
    """A Chinese generic name the knowledge base does not hold, by its readings
    (``syllables``: "ze ji ao lun sai" as a list). Chinese script has no spelling
    variants of a sound, so a near sound is no evidence here; what is:
    - the readings of a known name (a homophone character: 伦 for 仑), or those of a
      known name with one syllable dropped or added (泽基奥仑赛 for 泽沃基奥仑赛);
    - a head (the syllables before 基 or the ending) that starts exactly one INN
      (安巴基奥仑赛, an-ba: anbalcabtagene), for products with no Chinese name.
    Anything else stays unresolved, with the closest sounds as candidates.

    >>> from pipeline.rules import load_patterns
    >>> kb = load_kb(load_patterns())
    >>> [resolve_chinese_generic(s.split(), s, kb).target_id for s in ("ze ji ao lun sai", "ka ji lun sai")]
    ['product.zevorcabtagene_autoleucel', None]
    """
    known = {
        pid: p.pinyin.split("-") for pid, p in kb.products.items() if p.pinyin
    }  # "xi-da-ji-ao-lun-sai"
    same = sorted(pid for pid, s in known.items() if s == syllables)
    if len(same) == 1:
        return Resolution(text, same[0], "chinese_reading", 1.0)
    near = sorted(pid for pid, s in known.items() if _one_syllable_apart(s, syllables))
    if len(near) == 1:
        return Resolution(text, near[0], "chinese_variant", 0.9)
    head = "".join(_head(syllables))
    if head:
        starts = sorted(
            pid
            for pid, p in kb.products.items()
            if not p.pinyin and p.inn and p.inn.split()[0].startswith(head)
        )
        if len(starts) == 1:
            return Resolution(text, starts[0], "inn_prefix", 0.85)
    scored = score_products(" ".join(syllables), kb)[:3]
    top = tuple((pid, round(sc, 4)) for pid, sc in scored)
    return Resolution(text, None, "unresolved", round(scored[0][1], 4) if scored else 0.0, top)


def _head(syllables: list[str]) -> list[str]:
    """The syllables before the shared part of a generic name (ji ao lun sai, lun sai)."""
    for i, syllable in enumerate(syllables):
        if syllable == "ji" and i > 0:
            return syllables[:i]
    return syllables[:-2]


def _one_syllable_apart(a: list[str], b: list[str]) -> bool:
    """Whether one list is the other with one syllable more (dropped or added)."""
    if abs(len(a) - len(b)) != 1:
        return False
    long, short = (a, b) if len(a) > len(b) else (b, a)
    return any(long[:i] + long[i + 1 :] == short for i in range(len(long)))


def _with_spoken_acronyms(short: tuple[str, ...], exact: tuple[str, ...]) -> tuple[str, ...]:
    """A company's short names, with the title-case form of each of its upper-case names
    that is spoken as a word (four letters or more, a vowel among them): news writes
    "Casi said" for CASI, never "Cttq" for CTTQ. Like every short name, it names the
    company only in a company's context.

    >>> _with_spoken_acronyms((), ("CASI", "CTTQ", "BMS"))
    ('Casi',)
    """
    spoken = [
        a.capitalize()
        for a in exact
        if len(a) >= 4 and a.isalpha() and a.isupper() and any(v in a for v in "AEIOU")
    ]
    return (*short, *(a for a in spoken if a not in short))


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


def company_cutoff(scoring: dict[str, Any]) -> float:
    """The lowest company score that decides anything: a name resolves at a threshold or
    above, a runner-up counts only within the margin below it, and an unresolved name
    is kept for its context's support only at the support floor."""
    lowest = min(scoring["company_threshold"], scoring["company_shaped_threshold"])
    return min(lowest - scoring["company_margin"], scoring["company_support_floor"])


def resolve_company(
    text: str, kb: KB, support: dict[str, float] | None = None, cutoff: float = 0.0
) -> Resolution:
    """Resolve a company spelling: an official alias, its Chinese name, or the renderings
    of its Chinese name's parts (names.similarity.segment_score: pinyin, official English
    and meanings per part, any corporate or industry suffix aside). A name that ends in
    such a suffix ("Kingsrui Bio", "... Co., Ltd.") is company-shaped and needs a lower
    score; a later part of a name alone counts when it is not an ordinary English word.
    ``support`` adds context bonuses per company id (the article names its product) to
    scores at or above the company support floor: a near rendering of a short name
    ("Kait Pharma") resolves only so.

    A caller that reads only the resolved company, and the score and candidates of an
    unresolved name at or above ``cutoff``, may pass one (``company_cutoff``): companies
    that cannot reach it are then not scored in full, and an answer below it may differ."""
    t = kb.translit
    scoring = t.scoring
    text = text.strip()
    name = strip_corporate(text, t)
    core = strip_industry(name, t)
    for form in (name, core):
        if form in kb.company_aliases_cs:
            return Resolution(text, kb.company_aliases_cs[form], "alias", 1.0)
        if form.lower() in kb.company_aliases:
            return Resolution(text, kb.company_aliases[form.lower()], "alias", 1.0)
        if form in kb.chinese_names and kb.chinese_names[form] in kb.companies:
            return Resolution(text, kb.chinese_names[form], "chinese", 1.0)
    shaped = core != text
    if all(w.lower() in t.industry_words for w in core.split()):
        return Resolution(text, None, "unresolved", 0.0)  # "Biotechnology Co." alone
    # a leading place name ("Shanghai X Biotech") is often not part of the KB name
    words = core.split()
    if len(words) > 1 and words[0].lower() in t.place_words:
        placeless = resolve_company(" ".join(text.split()[1:]), kb, cutoff=cutoff)
        if placeless.target_id:
            return Resolution(
                text, placeless.target_id, placeless.method, placeless.score, placeless.candidates
            )
    letters = letters_only(core)
    if len(letters) < (4 if shaped else 5):
        return Resolution(text, None, "unresolved", 0.0)
    if core == name and core.lower() in t.common_words:
        # an ordinary English word names a company only before an industry word
        # ("Legend Biotech", not "Legend" or "Legend Holdings")
        return Resolution(text, None, "unresolved", 0.0)
    split: list[str] | None = None  # (split only where a company's parts are compared)
    opening = {letters[:3], consonant_start(letters)}
    scored: list[tuple[str, float]] = []
    ids = sorted({cid for start in opening for cid in kb.companies_by_start.get(start, ())})
    gate = scoring["segment_gate"]
    exact = max(0.0, cutoff - CUTOFF_SLACK)  # scores at or above it are exact
    for c in (kb.companies[cid] for cid in ids):
        if len(c.parts) == 1:
            best = max(
                _best_form(letters, c.forms, exact),
                max(part_scores([letters], c.parts[0], t, cutoff).values()),
            )
        else:
            # (the segment gate's decisions stay exact)
            best = _best_form(letters, c.forms, min(exact, gate - CUTOFF_SLACK))
            if c.parts and best >= gate:
                # parts one by one only where the whole name is somewhat alike already
                if split is None:
                    split = split_words(core)
                best = max(best, segment_score(split, c.parts, t))
            alone_possible = best >= gate or opening & c.later_starts
            if c.alone and core.lower() not in t.common_words and alone_possible:
                # a later part alone ("Squibb"); never the leading one, which is often a
                # group or a place that other companies share (WuXi, Fosun, Shanghai)
                wanted = cutoff / scoring["partial"]
                alone = max(
                    max(part_scores([letters], part, t, wanted).values()) for part in c.alone
                )
                best = max(best, scoring["partial"] * alone)
        if best:
            scored.append((c.id, best))
    if support:
        floor = scoring["company_support_floor"]
        scored = [(cid, s + support.get(cid, 0.0) if s >= floor else s) for cid, s in scored]
    scored.sort(key=lambda s: (-s[1], s[0]))
    # entries of one company (its Chinese names) compete as one
    best_per_name: dict[str, tuple[str, float]] = {}
    for cid, s in scored:  # best first, so the first of each name is its best
        best_per_name.setdefault(kb.companies[cid].name, (cid, s))
    scored = list(best_per_name.values())
    if not scored:
        return Resolution(text, None, "unresolved", 0.0)
    best_id, best = scored[0]
    runner = scored[1][1] if len(scored) > 1 else 0.0
    top = tuple((cid, round(s, 4)) for cid, s in scored[:3])
    threshold = scoring["company_shaped_threshold" if shaped else "company_threshold"]
    if len(letters) <= 7:
        # chance likeness is likelier between short names ("Class II" is not CASI)
        threshold = max(threshold, scoring["short_company_threshold"])
    if best >= threshold and best - runner >= scoring["company_margin"]:
        method = "rendering" if best >= 0.999 else "fuzzy"
        if support and support.get(best_id):
            method = "fuzzy+context"
        return Resolution(text, best_id, method, round(best, 4), top)
    return Resolution(text, None, "unresolved", round(best, 4), top)
