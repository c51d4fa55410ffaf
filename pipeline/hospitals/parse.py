"""Hospitals: named hospitals, every variant of one hospital grouped under one canonical
English name, with its city.

``parse_hospital`` is pure: a mention ("Shengjing Hospital affiliated to China Medical
University") becomes a HospitalName with a canonical key, so variants meet: word order and
affiliation wording are dropped for distinctive names, "Tumor" reads as "Cancer", an
ordinal hospital is keyed by city and number. A gazetteer (patterns/hospitals_gazetteer.jsonl)
maps keys to official names and cities across articles; an unknown hospital still gets a
stable name from its key.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from ..nlp.scan import alternation
from ..nlp.scan import finditer as scan_finditer
from ..rules import Rules, check_keys, expect, load_patterns, open_json, section, string_list

FILE = "hospitals.json"
GAZETTEER = "hospitals_gazetteer.jsonl"


@dataclass(frozen=True)
class GazetteerEntry:
    id: str
    name: str
    city: str | None


@dataclass(frozen=True)
class HospitalRules:
    mention: re.Pattern[str]
    heads: tuple[str, ...]
    parent_head: re.Pattern[str]
    parent_tail: re.Pattern[str]
    synonyms: tuple[tuple[re.Pattern[str], str], ...]  # (word, replacement), longest first
    ordinals: dict[str, int]
    generic: frozenset[str]
    lead: frozenset[str]
    cities: dict[str, str]  # lower -> display
    short_form_stop: frozenset[str]
    gazetteer: dict[tuple[str, ...], GazetteerEntry]
    # a token holding the last word of a head as the mention regex needs it (same case,
    # not after a letter, at a word's end): every name holds one
    head_word: re.Pattern[str] = re.compile("(?!)")


@dataclass(frozen=True)
class HospitalName:
    key: tuple[str, ...]
    display: str
    city: str | None
    distinctive: tuple[str, ...]
    head: str


@lru_cache(maxsize=8)
def load_hospitals(patterns: Rules) -> HospitalRules:
    keys = {
        "heads",
        "parent_heads",
        "parent_tails",
        "not_after_head",
        "synonyms",
        "ordinals",
        "generic_words",
        "lead_words",
        "cities",
        "short_form_stop",
    }
    data, file = open_json(patterns, FILE, allowed=keys, required=keys)
    heads = string_list(data["heads"], file=file, key="heads")
    cap = r"(?:[A-Z][\w'’\-]*|\d{1,3}(?:st|nd|rd|th)?)"
    # a word inside a name, which is never a head word: "Ruijin Hospital and Huashan
    # Hospital" is two names, not one
    last_words = alternation([h.split()[-1] for h in heads])
    inner = rf"(?:(?!(?:{last_words})\b){cap})"
    conn = r"(?:of|and|&|de|for|the)"
    head = alternation(heads)
    not_after = alternation(string_list(data["not_after_head"], file=file, key="not_after_head"))
    phead = alternation(string_list(data["parent_heads"], file=file, key="parent_heads"))
    ptail = alternation(string_list(data["parent_tails"], file=file, key="parent_tails"))
    parent = rf"(?:{cap}(?:\s+{conn})?\s+){{0,6}}(?:{phead})(?:,?\s+(?:{ptail}))?"
    words = rf"(?:{cap}(?:\s+{conn})?\s+){{0,6}}{cap}"
    # A name starts with a capital or a digit: the lookahead lets the regex engine give up
    # at other positions before trying the rest (a third faster).
    mention = re.compile(
        rf"(?=[A-Z0-9])(?<![\w'’])(?P<core>(?:{inner}(?:\s+{conn})?\s+){{0,8}}(?:{head}))\b(?!\s+(?:{not_after})\b)"
        rf"(?P<tail>,?\s+(?:[Aa]ffiliated|[Aa]ttached)\s+(?:to|with)\s+(?:the\s+)?{parent}"
        rf"|\s+of\s+(?:the\s+)?{parent}"
        rf"|\s+of\s+(?:the\s+)?{words}"
        rf"|,\s+{parent}"
        rf"|\s+de\s+{cap})?"
    )
    cities = {c.lower(): c for c in string_list(data["cities"], file=file, key="cities")}
    rules = HospitalRules(
        mention=mention,
        heads=tuple(h.lower() for h in heads),
        head_word=re.compile(rf"(?<![\w'’])(?:{last_words})\b"),
        parent_head=re.compile(rf"(?:{phead})(?:,?\s+(?:{ptail}))?$"),
        parent_tail=re.compile(rf",?\s+(?:{ptail})$"),
        synonyms=tuple(
            (re.compile(rf"(?i)\b{re.escape(old)}\b"), new)
            for old, new in sorted(
                section(data, "synonyms", dict, file=file).items(), key=lambda kv: -len(kv[0])
            )
        ),
        ordinals={k.lower(): int(v) for k, v in section(data, "ordinals", dict, file=file).items()},
        generic=frozenset(
            w.lower() for w in string_list(data["generic_words"], file=file, key="generic_words")
        ),
        lead=frozenset(string_list(data["lead_words"], file=file, key="lead_words")),
        cities=cities,
        short_form_stop=frozenset(
            string_list(data["short_form_stop"], file=file, key="short_form_stop")
        ),
        gazetteer={},
    )
    gfile = patterns.path(GAZETTEER)
    for line, rec in patterns.jsonl(GAZETTEER):
        check_keys(
            rec,
            file=gfile,
            allowed={"id", "name", "city", "aliases"},
            required={"id", "name"},
            line=line,
        )
        entry = GazetteerEntry(
            expect(rec["id"], str, file=gfile, key="id", line=line),
            expect(rec["name"], str, file=gfile, key="name", line=line),
            rec.get("city"),
        )
        for alias in (
            entry.name,
            *string_list(rec.get("aliases", []), file=gfile, key="aliases", line=line),
        ):
            parsed = parse_hospital(alias, rules)
            if parsed is not None:
                rules.gazetteer.setdefault(parsed.key, entry)
    return rules


# ---------------------------------------------------------------- pure canonicalisation


_SPACES = re.compile(r"\s+")
_POSSESSIVE_PARENT = re.compile(
    r"^(?:[Tt]he )?(.+?(?:University|College|Academy of Medical Sciences))'s (.+)$"
)


def _normalise(text: str, rules: HospitalRules) -> str:
    text = _SPACES.sub(" ", text.replace("’", "'")).strip(" ,.;:")
    # "Zhejiang University's First Affiliated Hospital" -> "First Affiliated Hospital of Zhejiang University"
    possessive = _POSSESSIVE_PARENT.match(text)
    if possessive:
        text = f"{possessive.group(2)} of {possessive.group(1)}"
    for old, new in rules.synonyms:
        text = old.sub(_case_keeping(new), text)
    return text


def _case_keeping(new: str) -> Callable[[re.Match[str]], str]:
    return lambda m: _same_case(m.group(0), new)


def _same_case(original: str, new: str) -> str:
    return new[:1].upper() + new[1:] if original[:1].isupper() else new


def parse_hospital(mention: str, rules: HospitalRules) -> HospitalName | None:
    """Canonical key, display name and city of a hospital mention; None if it names no
    particular hospital ("Cancer Hospital" alone).

    >>> r = default_hospitals()
    >>> a = parse_hospital("Shengjing Hospital affiliated to China Medical University", r)
    >>> a.key == parse_hospital("Shengjing Hospital", r).key
    True
    >>> parse_hospital("the Sixth Hospital of Shenyang", r).key == parse_hospital("Shenyang Sixth People's Hospital", r).key
    True
    """
    text = _normalise(mention, rules)
    m = rules.mention.fullmatch(text) or rules.mention.search(text)
    if m is None:
        return None
    core, tail = m.group("core"), (m.group("tail") or "")
    words = core.split()
    while words and (words[0] in rules.lead or words[0].lower() == "the"):
        words.pop(0)
    if not words:
        return None
    parent = None
    city = None
    extra_name: list[str] = []
    tail = tail.strip(" ,")
    tail = re.sub(
        r"^(?:(?:[Aa]ffiliated|[Aa]ttached) (?:to|with)|of|de) (?:the )?", "", tail
    ).strip()
    if tail:
        if rules.parent_head.search(tail):
            parent = rules.parent_tail.sub("", tail)
        elif tail.lower() in rules.cities:
            city = rules.cities[tail.lower()]
        elif m.group("tail").lstrip().startswith("de"):
            city = rules.cities.get(tail.lower())
            extra_name = ["de", tail]
        else:
            extra_name = ["of", *tail.split()]
    # "Chongqing University Cancer Hospital": the university is the parent.
    for i in range(len(words) - 1, 0, -1):
        prefix = " ".join(words[:i])
        if rules.parent_head.search(prefix) and not rules.parent_head.search(" ".join(words)):
            parent = parent or rules.parent_tail.sub("", prefix)
            words = words[i:]
            break
    lowered = [w.lower() for w in words]
    head = next((h for h in rules.heads if " ".join(lowered).endswith(h)), lowered[-1])
    if "affiliated" in lowered and lowered.index("affiliated") < len(lowered) - 1 - len(
        head.split()
    ):
        i = lowered.index("affiliated")
        del words[i], lowered[i]
    ordinal = next((rules.ordinals[w] for w in lowered if w in rules.ordinals), None)
    cities_in = [rules.cities[w] for w in lowered if w in rules.cities]
    if city is None and cities_in:
        city = cities_in[0]
    named_city = city  # a city written in the name, not inferred from the parent
    if city is None and parent:
        city = next(
            (rules.cities[w.lower()] for w in parent.split() if w.lower() in rules.cities), None
        )
    distinctive = tuple(
        w
        for w in lowered + [x.lower() for x in extra_name]
        if w not in rules.generic
        and w not in rules.cities
        and w not in rules.ordinals
        and w not in {"of", "de", "the"}
    )
    parent_key = re.sub(r"[^a-z]", "", (parent or "").lower())
    type_words = tuple(
        w
        for w in lowered
        if w in rules.generic and w not in {"affiliated", "of", "the", "and", "&"}
    )
    if distinctive:
        key = ("name", *distinctive, "|", head)
        display = " ".join(words + extra_name)
    elif ordinal is not None and named_city:
        # "People's" is dropped: "Shenyang Sixth Hospital" and "Shenyang Sixth People's
        # Hospital" are one hospital; other type words ("Central") stay in the name.
        skip = {"people's", "affiliated", "of", "the", "and", "&", *head.split()}
        others = [w for w in words if w.lower() in rules.generic and w.lower() not in skip]
        key = ("ordinal", named_city.lower(), str(ordinal), *(o.lower() for o in others), head)
        ordinal_word = next(w for w in words if w.lower() in rules.ordinals)
        display = " ".join([named_city, ordinal_word.title(), *others, head.title()])
    elif parent_key or city:
        anchor = parent_key or (city or "").lower()
        key = ("generic", *type_words, "|", anchor, str(ordinal or ""))
        kept = [w for w in words if w.lower() not in rules.cities]
        display = " ".join(kept) + (f" of {parent}" if parent else "")
        if not parent and city:
            display = f"{city} {' '.join(kept)}"
    else:
        return None
    entry = rules.gazetteer.get(key)
    if entry is not None:
        return HospitalName(key, entry.name, entry.city or city, distinctive, head)
    return HospitalName(key, display, city, distinctive, head)


def gazetteer_id(name: HospitalName, rules: HospitalRules) -> str | None:
    entry = rules.gazetteer.get(name.key)
    return entry.id if entry else None


def default_hospitals() -> HospitalRules:
    return load_hospitals(load_patterns())


@dataclass(frozen=True)
class HospitalMention:
    start: int
    end: int
    rule: str
    name: HospitalName


def find_hospitals(
    text: str, rules: HospitalRules, spans: list[tuple[int, int]] | None = None
) -> list[HospitalMention]:
    """Hospital mentions of an article: full names (looked for only inside ``spans`` when
    given: windows around head words), then short forms and bracketed abbreviations of
    names it used."""
    found: list[HospitalMention] = []
    names = (
        rules.mention.finditer(text) if spans is None else scan_finditer(rules.mention, text, spans)
    )
    for m in names:
        start = m.start() + _lead_length(m.group("core"), rules)
        parsed = parse_hospital(text[start : m.end()], rules)
        if parsed is None:
            continue
        found.append(HospitalMention(start, m.end(), "hospital.name", parsed))
    found.extend(_abbreviations(text, found))
    found.extend(_short_forms(text, found, rules))
    return sorted(_shared_cities(found), key=lambda h: (h.start, h.end))


def _lead_length(core: str, rules: HospitalRules) -> int:
    """Characters at the front of a matched name that are not part of it: capitalised
    lead words ("In", "Professor") and a person's name before "of" ("Huang of ...")."""
    words = core.split(" ")
    keep = 0
    while keep < len(words) - 1 and words[keep] in rules.lead:
        keep += 1
    if "of" in words[keep:-1]:
        cut = words.index("of", keep)
        before = [w.lower() for w in words[keep:cut]]
        if before and not any(w in rules.generic or w in rules.ordinals for w in before):
            keep = cut + 1
    return len(" ".join(words[:keep])) + (1 if keep else 0)


_ABBREVIATION = re.compile(r"^\s*\(([A-Z][A-Za-z&]{1,9})\)")


def _abbreviations(text: str, found: list[HospitalMention]) -> list[HospitalMention]:
    """ "Peking Union Medical College Hospital (PUMCH)": later uses of PUMCH are the hospital."""
    out = []
    taken = [(h.start, h.end) for h in found]
    for h in found:
        bracket = _ABBREVIATION.match(text[h.end : h.end + 16])
        if bracket is None or sum(1 for c in bracket.group(1) if c.isupper()) < 2:
            continue
        abbrev = bracket.group(1)
        for m in re.finditer(rf"(?<![\w-]){re.escape(abbrev)}(?![\w-])", text):
            if m.start() > h.start and not any(s <= m.start() < e for s, e in taken):
                out.append(HospitalMention(m.start(), m.end(), "hospital.abbreviation", h.name))
                taken.append((m.start(), m.end()))
    return out


def _shared_cities(found: list[HospitalMention]) -> list[HospitalMention]:
    """A hospital with no city takes the city of one that shares its distinctive name in
    the same article (Jiahui International Cancer Center, of Jiahui International Hospital)."""
    cities = {h.name.distinctive: h.name.city for h in found if h.name.city and h.name.distinctive}
    out = []
    for h in found:
        if h.name.city is None and h.name.distinctive in cities:
            name = HospitalName(
                h.name.key,
                h.name.display,
                cities[h.name.distinctive],
                h.name.distinctive,
                h.name.head,
            )
            h = HospitalMention(h.start, h.end, h.rule, name)
        out.append(h)
    return out


def _short_forms(
    text: str, found: list[HospitalMention], rules: HospitalRules
) -> list[HospitalMention]:
    """A distinctive name used alone after its full form ("Jiahui" for Jiahui International
    Hospital), when not followed by another capitalised word."""
    by_word: dict[str, HospitalMention] = {}
    for h in sorted(found, key=lambda h: (h.name.head != "hospital", h.start)):
        if len(h.name.distinctive) == 1:
            word = h.name.distinctive[0]
            by_word.setdefault(word, h)
    out = []
    taken = [(h.start, h.end) for h in found]
    for word, h in by_word.items():
        original = re.search(rf"(?i)\b{re.escape(word)}\b", text[h.start : h.end])
        if original is None or original.group(0) in rules.short_form_stop or len(word) < 4:
            continue
        pattern = re.compile(
            rf"\b{re.escape(original.group(0))}\b(?![\w'’-])(?!\s+[A-Z&])(?!['’]s\s+[A-Z])"
        )
        for m in pattern.finditer(text, h.end):
            if any(s <= m.start() < e for s, e in taken):
                continue
            out.append(HospitalMention(m.start(), m.end(), "hospital.short_form", h.name))
    return out
