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
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from functools import lru_cache

from ..errors import PatternError
from ..nlp.scan import alternation, fast_fields, marked
from ..nlp.scan import finditer as scan_finditer
from ..rules import Rules, check_keys, expect, load_patterns, open_json, section, string_list
from ..words.chinese import load_pinyin

FILE = "hospitals.json"
GAZETTEER = "hospitals_gazetteer.jsonl"
# a Chinese name of two characters ("华西", "高医") is too often part of other words
CHINESE_SHORTEST = 3
# the fewest letters by which a name's spelling alone finds a known hospital
SPELLED_SHORTEST = 5


@dataclass(frozen=True)
class GazetteerEntry:
    id: str
    name: str
    city: str | None


# words that name a kind of institution, not one institution


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
    # words that make a department of what follows "of" (Department, Division, Ward)
    department: frozenset[str] = frozenset()
    # a known hospital's abbreviation (exact case, a whole word) -> its entry
    abbreviations: dict[str, GazetteerEntry] = field(default_factory=dict)
    # names shaped like a hospital's that name an agency or institute (lower case)
    not_hospitals: frozenset[str] = frozenset()
    # any of them as a whole word (compiled once the gazetteer is read)
    abbreviation: re.Pattern[str] = re.compile("(?!)")
    # a known hospital's Chinese names, in simplified script -> its entry
    chinese: dict[str, GazetteerEntry] = field(default_factory=dict)
    # short Chinese names (two characters and up: 北荣) that name a hospital only as an
    # item of a list of hospitals
    chinese_short: dict[str, GazetteerEntry] = field(default_factory=dict)
    # a token holding the last word of a head as the mention regex needs it (same case,
    # not after a letter, at a word's end): every name holds one
    head_word: re.Pattern[str] = re.compile("(?!)")
    # machine translation's lower case inside a name: a head written in lower case after
    # a capitalised word ("Zhongshan hospital"), a parent after "affiliated to" ("fudan
    # university"); the last word of a head in lower case, as a token holds it
    lower_head: re.Pattern[str] = re.compile("(?!)")
    lower_parent: re.Pattern[str] = re.compile("(?!)")
    lower_head_word: re.Pattern[str] = re.compile("(?!)")
    # an ordinal in lower case before a capitalised head ("first affiliated Hospital"):
    # with a head in lower case, what makes lower_head worth running in a window
    lower_ordinal: re.Pattern[str] = re.compile("(?!)")
    # a name that opens with a list of numbers ("First and Second Affiliated ..."), and
    # one number word
    ordinal_list: re.Pattern[str] = re.compile("(?!)")
    ordinal_word: re.Pattern[str] = re.compile("(?!)")
    ordinal_lead: re.Pattern[str] = re.compile("(?!)")
    # province (lower case) -> its capital: a place in names that is no city
    provinces: dict[str, str] = field(default_factory=dict)
    # the provinces' capitals (the values of provinces)
    capitals: frozenset[str] = frozenset()
    # words before "of" that belong to the name ("Prince of Wales Hospital")
    titles: frozenset[str] = frozenset()
    # a name whose type word comes first ("Hôpital Saint-Louis", "Rigshospitalet")
    lead_mention: re.Pattern[str] = re.compile("(?!)")
    lead_heads: frozenset[str] = frozenset()  # lower case
    # words that name a kind of institution, not one (generic words, head words, college)
    kind_words: frozenset[str] = frozenset()
    # words of a parent institution (university, college): no hospital's name alone
    institutions: frozenset[str] = frozenset()
    # countries and regions (lower case): places, like cities, that stand before "and" in
    # front of a name ("UK and Shanghai Children's Hospital", "Arizona and X Clinic")
    countries: frozenset[str] = frozenset()
    # phrases of a parent's name that hold "and" ("Science and Technology"): no "and" of
    # two institutions
    and_phrases: tuple[str, ...] = ()
    # a name that ends in one of these words with no head after it ("Seattle Children's"):
    # the hospital the words name with "Hospital" after them
    implied: re.Pattern[str] = re.compile("(?!)")
    implied_words: frozenset[str] = frozenset()
    connectors: frozenset[str] = frozenset()
    # a known hospital by its name's letters and head (HospitalName.spelled) -> the key
    # it is known by, and its entry
    spelled: dict[tuple[str, str], tuple[tuple[str, ...], GazetteerEntry]] = field(
        default_factory=dict
    )
    # words of one to six letters before a head's last word: where a name written
    # syllable by syllable may stand ("Rui jin Hospital"); and the pinyin syllables
    spaced: re.Pattern[str] = re.compile("(?!)")
    syllables: frozenset[str] = frozenset()
    # a parent institution (its letters, HospitalName.parent) -> the one city of every
    # known hospital under it: an unknown hospital of that parent is in that city
    parent_cities: dict[str, str] = field(default_factory=dict)
    # a known hospital (its id) -> the parent institutions its names write (their letters)
    entry_parents: dict[str, set[str]] = field(default_factory=dict)
    known_parents: set[str] = field(default_factory=set)  # every one of those
    # parse_hospital's answers by mention (the same names recur across articles)
    parsed: dict[str, HospitalName | None] = field(default_factory=dict, compare=False, repr=False)


@dataclass(frozen=True)
class HospitalName:
    key: tuple[str, ...]
    display: str
    city: str | None
    distinctive: tuple[str, ...]
    head: str
    named_city: str | None = None  # a city written in the name ("Shanghai" of "Shanghai X")
    # the letters of the name's own words, places included and type words out, and its
    # number if it has one: names whose syllables are written apart or together meet
    # here ("Rui Jin", "Ruijin")
    spelled: str = ""
    parent: str = ""  # the letters of its parent institution ("fudanuniversity")


# a footnote's number glued after a name ("Mayo Clinic3", a superscript flattened)
FOOTNOTE = r"(?=\d{1,2}(?!\w)(?![.,]\d))"


def _enter_chinese(
    names: dict[str, GazetteerEntry],
    name: str,
    entry: GazetteerEntry,
    file: str,
    line: int,
    key: str = "chinese",
) -> None:
    """Enter a Chinese name of a gazetteer entry; refused when another entry holds it (a
    branch listed under its parent named the parent wherever the branch stood)."""
    held = names.setdefault(name, entry)
    if held.id != entry.id:
        raise PatternError(
            file, f"{name} names two hospitals: {held.id} and {entry.id}", key=key, line=line
        )


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
    optional = {
        "department_words",
        "lead_heads",
        "compound_heads",
        "name_connectors",
        "provinces",
        "name_titles",
        "institution_words",
        "countries",
        "regions",
        "implied_heads",
        "not_hospitals",
        "and_phrases",
    }
    data, file = open_json(patterns, FILE, allowed=keys | optional, required=keys)
    heads = string_list(data["heads"], file=file, key="heads")
    titles = string_list(data.get("name_titles", []), file=file, key="name_titles")
    implied = string_list(data.get("implied_heads", []), file=file, key="implied_heads")
    # a title written with its full stop is a word of the name ("St. Luke's Hospital")
    dotted = alternation(t for t in titles if t.endswith(".")) or "(?!)"
    # (and a person's initial inside a name: "Robert H. Lurie Cancer Center")
    cap = (
        # (a word whose hyphen leads to a participle modifies the name: "NCI-designated",
        # "Boston-based"; "Sun Yat-sen" is a name)
        rf"(?:No\.\s?\d{{1,2}}|(?:{dotted})|[A-Z]\.(?=\s+[A-Z][a-z])|[A-Z](?![\w'’]*-(?:[a-z]+ed|run)\b)[\w'’\-]*"
        rf"|\d{{1,3}}(?:st|nd|rd|th)?)"
    )
    # a word inside a name, which is never a head word: "Ruijin Hospital and Huashan
    # Hospital" is two names, not one
    last_words = alternation([h.split()[-1] for h in heads])
    # ... except a head's last word that names the hospital's type before "Hospital"
    # ("Wuhan Center Hospital": 中心医院, a central hospital), and "Hospital" before
    # "Medical Center" ("Cincinnati Children's Hospital Medical Center")
    # (and "Institute of", which may lead a hospital's name: _lead_length decides)
    # (nor the first word of a longer head that stands here: "Cancer Hospital & Institute",
    # unless "Hospital" follows that head: "National Cancer Center Hospital")
    longer = alternation(h for h in heads if " " in h)
    inner = (
        rf"(?:(?!(?!Institute\s+of\b)(?:{last_words})\b(?!\s+(?:Hospital|Medical\s+Cent(?:er|re))\b))"
        rf"(?!(?:{longer})\b(?!\s+Hospital\b)){cap})"
    )
    # ("and" after a university or college ends its name: "X University and Y Medical
    # Center" are two institutions; "Brigham and Women's" is one name)
    conn = r"(?:of|(?<!University\s)(?<!College\s)(?<!Trust\s)(?:and|&)|de|for|the|affiliated)"
    lead_words_all = string_list(data["lead_words"], file=file, key="lead_words")
    head = alternation(heads)
    not_after = alternation(string_list(data["not_after_head"], file=file, key="not_after_head"))
    phead = alternation(string_list(data["parent_heads"], file=file, key="parent_heads"))
    ptail = alternation(string_list(data["parent_tails"], file=file, key="parent_tails"))
    cities = {c.lower(): c for c in string_list(data["cities"], file=file, key="cities")}
    regions = string_list(data.get("regions", []), file=file, key="regions")
    # "Huazhong University of Science and Technology": a parent head may go on with "of",
    # and a place of more than one word ("University of Hong Kong") is one word of it
    spaced = alternation(p for p in (*cities.values(), *regions) if " " in p) or "(?!)"
    of_part = (
        rf"\s+of\s+(?:{spaced}|{cap}(?:\s+{cap}){{0,2}})(?:\s+of\s+{cap})?"
        rf"(?:\s+(?:and|&)\s+{cap})*"
    )
    of_tail = rf"(?:{of_part})?"
    parent = rf"(?:{cap}(?:\s+{conn})?\s+){{0,6}}(?:{phead}){of_tail}(?:,?\s+(?:{ptail}))?"
    # a parent after a comma names itself: words before its head, or "University of X"
    # (a bare "University" there starts another institution: ", University Health Network")
    # (no head word among its words: ", First Affiliated Hospital of X University" is
    # another hospital, not the parent of the one before the comma)
    parent_word = rf"(?!(?:{last_words})\b){cap}"
    named_parent = (
        rf"(?:(?:{parent_word}(?:\s+{conn})?\s+){{1,6}}(?:{phead}){of_tail}|(?:{phead})"
        rf"(?:{of_part}))(?:,?\s+(?:{ptail}))?(?!\s+[A-Z])"
    )
    words = rf"(?:{cap}(?:\s+{conn})?\s+){{0,6}}{cap}"
    # A name starts with a capital or a digit: the lookahead lets the regex engine give up
    # at other positions before trying the rest (a third faster).
    mention = re.compile(
        # (not a letter glued to a word before it by a hyphen: the "T." of "CAR-T."; a
        # capital right after digits starts one: the affiliation number of "8Roswell Park")
        rf"(?=[A-Z0-9])(?<![A-Za-z_'’-])(?<![0-9](?=[0-9]))(?P<core>(?:{inner}(?:\s+{conn})?\s+){{0,8}}(?:{head}))(?:\b|{FOOTNOTE})(?!\s+(?:{not_after})\b)"
        # (not a name made an adjective: "a National Cancer Institute-designated center")
        rf"(?!-(?:designated|funded|accredited|certified|recognized|recognised)\b)"
        rf"(?P<tail>,?\s+(?:[Aa]ffiliated|[Aa]ttached)\s+(?:to|with)\s+(?:the\s+)?{parent}(?:,\s*{parent}){{0,2}}"
        rf"|\s+of\s+(?:the\s+)?{parent}(?:,\s*{parent}){{0,2}}"
        rf"|\s+of\s+(?:the\s+)?{words}"
        # "Tongji Hospital, Tongji Medical College, Huazhong University of Science and
        # Technology": a chain of parents, with or without a space after each comma
        rf"|(?:,\s*{named_parent}){{1,3}}"
        # "for (Sick) Children": a word, not the therapy's code ("for CAR-T therapy")
        rf"|\s+for\s+(?:Sick\s+)?[A-Z][a-z][\w'’-]*"
        rf"|\s+de\s+{cap}"
        # "University Hospital Basel", "University Hospitals Plymouth NHS Trust": a place
        # after a name that is only its type
        rf"|(?:(?<=University Hospital)|(?<=University Hospitals)|(?<=University Medical Center)|(?<=University Medical Centre))\s+(?!(?:{alternation(lead_words_all)})\b)[A-Z][\w'’-]+"
        rf"(?=\s*(?:[,.;:)]|$)|\s+(?:[a-z]|NHS\b))"
        # "National Cancer Centre Singapore": a known city written after any head, and
        # a state or province abroad ("Children's Hospital Colorado", "Mayo Clinic Arizona")
        rf"|\s+(?:{alternation([*cities.values(), *regions])})(?=\s*(?:[,.;:)]|$)|\s+[a-z]))?"
    )
    lead_heads = string_list(data.get("lead_heads", []), file=file, key="lead_heads")
    compounds = string_list(data.get("compound_heads", []), file=file, key="compound_heads")
    connectors = string_list(data.get("name_connectors", []), file=file, key="name_connectors")
    # a capitalised word of a name that is no word leading the next clause ("Director")
    name_word = rf"(?!(?:{alternation(lead_words_all)})\b){cap}"
    # (a compound is more than the word: "Hospital" is no "...spital")
    compound = rf"(?!Hospital\b)[A-Z]\w*(?:{alternation(compounds)})" if compounds else "(?!)"
    lead = alternation(lead_heads) if lead_heads else "(?!)"
    lead_mention = re.compile(
        rf"(?<![A-Za-z_'’])(?P<lead>{lead}|{compound})\b"
        rf"(?P<rest>(?:(?:\s+(?:{alternation(connectors) or '(?!)'}))?\s+{name_word}){{0,5}})"
    )
    # the word that triggers reading a name: a head's last word, or a lead head's first
    lead_first = alternation(sorted({h.split()[0] for h in lead_heads})) if lead_heads else "(?!)"
    ordinal_words = alternation([o for o in data["ordinals"] if o.isalpha()])
    # type words that may lead a name in lower case ("the children's hospital of X")
    kinds = alternation(
        w.lower()
        for w in data["generic_words"]
        if w[:1].isalpha()
        and w.lower()
        not in {"of", "and", "the", "hospital", "center", "institute", "medicine", "blood"}
    )
    owner_before = "|".join(
        f"(?<={parent}{mark}s )" for parent in ("University", "College") for mark in "'’"
    )
    rules = HospitalRules(
        mention=mention,
        heads=tuple(h.lower() for h in heads),
        # (a digit may stand right before: an affiliation's number, "4Centre Hospitalier")
        head_word=re.compile(
            rf"(?<![A-Za-z_'’])(?:{last_words}|{lead_first}|{compound})(?:\b|{FOOTNOTE})"
        ),
        lower_head_word=re.compile(rf"^(?:{last_words.lower()})\b"),
        lower_head=re.compile(
            # "Henan provincial people's hospital", "Peking university people's hospital":
            # type words and a university in lower case between (not after a word that
            # leads a name: "The cancer hospital" is no name)
            rf"\b(?!(?:{alternation(lead_words_all)})\b)"
            rf"[A-Z][\w'’-]*\s+(?P<head>(?:(?:{kinds}|{phead.lower()})\s+){{0,3}}(?:{head.lower()}))\b"
            # "the first affiliated hospital of Zhejiang University", "the children's
            # hospital of Fudan University": ordinals and type words before a head, of a
            # capitalised parent
            rf"|\b(?P<ordinal>(?:(?:{ordinal_words}|{kinds})\s+){{1,3}}"
            rf"(?:{head.lower()}|{head}))\s+of\s+(?:the\s+)?"
            # (of a parent in capitals, or in lower case too: "... of zhejiang university")
            rf"(?:[A-Z]|(?P<lparent>(?:[a-z][\w'’-]*\s+){{1,4}}?(?:{phead.lower()}))\b)"
            # "Soochow University's first affiliated hospital": the parent before it
            rf"|(?:{owner_before})(?P<owned>(?:{ordinal_words})\s+(?:affiliated\s+)?"
            rf"(?:people's\s+)?(?:{head.lower()}))\b"
        ),
        ordinal_list=re.compile(
            rf"(?i)(?:the\s+)?(?:(?:{ordinal_words})\s*,\s*)*(?:{ordinal_words}),?\s+(?:and|&)\s+"
            rf"(?:{ordinal_words})\s+(?P<rest>\S.*)$"
        ),
        ordinal_word=re.compile(rf"(?i)\b(?:{ordinal_words})\b"),
        ordinal_lead=re.compile(rf"(?i)(?<![\w-])(?:(?:{ordinal_words})\s*,\s*)+$"),
        lower_ordinal=re.compile(
            rf"\b(?:{ordinal_words})\s+(?:(?:{kinds})\s+){{0,2}}(?:{head})\s+of\b"
        ),
        lower_parent=re.compile(
            rf"\b(?:affiliated|attached)\s+(?:to|with)\s+(?:the\s+)?"
            rf"(?P<parent>(?:[a-z][\w'’-]*\s+){{1,5}}?(?:{phead.lower()}))\b"
            # "of hebei Medical University": a place in lower case before a parent's head
            rf"|\bof\s+(?:the\s+)?(?P<place>[a-z][\w'’-]*)(?=\s+(?:{phead})\b)"
            # "of Soochow university": a parent's head in lower case after its name
            rf"|\bof\s+(?:the\s+)?(?:[A-Z][\w'’-]*\s+){{1,3}}(?P<phead>{phead.lower()})\b"
        ),
        parent_head=re.compile(rf"(?:{phead}){of_tail}(?:,?\s+(?:{ptail}))?$"),
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
        not_hospitals=frozenset(
            w.lower()
            for w in string_list(data.get("not_hospitals", []), file=file, key="not_hospitals")
        ),
        gazetteer={},
        department=frozenset(
            string_list(data.get("department_words", []), file=file, key="department_words")
        ),
        lead_mention=lead_mention,
        lead_heads=frozenset(h.lower() for h in lead_heads),
        kind_words=frozenset(
            {w.lower() for w in data["generic_words"]}
            | {
                w.lower()
                for w in string_list(
                    data.get("institution_words", []), file=file, key="institution_words"
                )
            }
            | {w.lower() for h in heads for w in h.split()}
        ),
        institutions=frozenset(
            w.lower()
            for w in string_list(
                data.get("institution_words", []), file=file, key="institution_words"
            )
        ),
        connectors=frozenset(connectors),
        and_phrases=tuple(string_list(data.get("and_phrases", []), file=file, key="and_phrases")),
        countries=frozenset(
            w.lower()
            for key in ("countries", "regions")
            for w in string_list(data.get(key, []), file=file, key=key)
        ),
        implied=_implied(implied, heads),
        implied_words=frozenset(implied),
        provinces={
            str(k).lower(): str(v)
            for k, v in expect(data.get("provinces", {}), dict, file=file, key="provinces").items()
        },
        capitals=frozenset(str(v) for v in data.get("provinces", {}).values()),
        titles=frozenset(titles),
        spaced=re.compile(
            rf"(?<![\w'’-])[A-Z][a-z]{{0,5}}(?:\s+[A-Za-z][a-z]{{0,5}}){{1,9}}"
            rf"(?=\s+(?:{last_words})\b)"
        ),
        syllables=frozenset(load_pinyin(patterns).values()),
    )
    gfile = patterns.path(GAZETTEER)
    with_city: list[tuple[tuple[str, ...], GazetteerEntry]] = []
    parent_cities: dict[str, set[str]] = {}
    for line, rec in patterns.jsonl(GAZETTEER):
        check_keys(
            rec,
            file=gfile,
            allowed={"id", "name", "city", "aliases", "abbreviations", "chinese", "chinese_short"},
            required={"id", "name"},
            line=line,
        )
        entry = GazetteerEntry(
            expect(rec["id"], str, file=gfile, key="id", line=line),
            expect(rec["name"], str, file=gfile, key="name", line=line),
            rec.get("city"),
        )
        for abbrev in string_list(
            rec.get("abbreviations", []), file=gfile, key="abbreviations", line=line
        ):
            rules.abbreviations[abbrev] = entry
        for chinese in string_list(rec.get("chinese", []), file=gfile, key="chinese", line=line):
            if len(chinese) < CHINESE_SHORTEST:
                raise PatternError(
                    gfile,
                    f"a Chinese name needs {CHINESE_SHORTEST} characters or more "
                    "(a shorter one counts where an article introduces it)",
                    key="chinese",
                    line=line,
                )
            _enter_chinese(rules.chinese, chinese, entry, gfile, line)
        for short in string_list(
            rec.get("chinese_short", []), file=gfile, key="chinese_short", line=line
        ):
            _enter_chinese(rules.chinese_short, short, entry, gfile, line, "chinese_short")
        for alias in (
            entry.name,
            *string_list(rec.get("aliases", []), file=gfile, key="aliases", line=line),
        ):
            parsed = parse_hospital(alias, rules)
            if parsed is None or _generic_part(alias, parsed, rules):
                # a name the mention regex cannot read ("Tata Memorial Centre", "LMU
                # Klinikum"), or reads only the generic part of ("Vall d'Hebron
                # University Hospital" as "University Hospital"), is known as written,
                # as an abbreviation is
                rules.abbreviations.setdefault(alias, entry)
                continue
            if (
                parsed.named_city
                and parsed.named_city == entry.city
                and parsed.key[-2:-1] != ("@",)
            ):
                # registered under the name without its city only once every name that
                # writes no city is (below), and under the name with it now
                with_city.append((parsed.key, entry))
                rules.gazetteer.setdefault((*parsed.key, "@", parsed.named_city.lower()), entry)
            else:
                rules.gazetteer.setdefault(parsed.key, entry)
            if len(parsed.spelled) >= SPELLED_SHORTEST:
                rules.spelled.setdefault((parsed.spelled, parsed.head), (parsed.key, entry))
            if parsed.parent:
                rules.entry_parents.setdefault(entry.id, set()).add(parsed.parent)
                rules.known_parents.add(parsed.parent)
                # (and under the name with its parent, as with its city: "Tongji Hospital
                # of Tongji University" is Shanghai's, the name alone Wuhan's)
                rules.gazetteer.setdefault((*parsed.key, "@", parsed.parent), entry)
            if parsed.parent and entry.city:
                parent_cities.setdefault(parsed.parent, set()).add(entry.city)
    # the universities Chinese names are read with (hospitals_zh.json) are known parents
    # too: "Xiamen University" is another than Fudan's, though no known hospital has it
    if "hospitals_zh.json" in patterns.files:
        zh = patterns.json("hospitals_zh.json")
        for uni in zh.get("universities", []) if isinstance(zh, dict) else []:
            if isinstance(uni, dict) and isinstance(uni.get("name"), str):
                rules.known_parents.add(re.sub(r"[^a-z]", "", uni["name"].lower()))
    # a name written without its city is a known hospital only where one city has it
    # ("Chang Gung Memorial Hospital" is three, in Taipei, Kaohsiung and Taoyuan)
    cities_of: dict[tuple[str, ...], set[str]] = {}
    for key, entry in with_city:
        cities_of.setdefault(key, set()).add(entry.id)
    for key, entry in with_city:
        # (not a key of institution words alone: "LMU University Hospital Munich" is
        # not every "University Hospital")
        generic = "|" in key and all(w in rules.institutions for w in key[1 : key.index("|")])
        if len(cities_of[key]) == 1 and not generic:
            rules.gazetteer.setdefault(key, entry)
    # (a parent whose hospitals stand in several cities, Peking University's in Beijing
    # and Shenzhen, says nothing of a new one's)
    rules.parent_cities.update(
        {parent: next(iter(cities)) for parent, cities in parent_cities.items() if len(cities) == 1}
    )
    if rules.abbreviations:
        # (built once: made per article, the alternation of every abbreviation cost a
        # sixth of the step)
        # (a footnote's number may be glued after it: "MD Anderson4")
        regex = re.compile(
            rf"(?<![\w-])(?:{alternation(rules.abbreviations)})(?:(?![\w-])|{FOOTNOTE})"
        )
        rules = replace(rules, abbreviation=regex)
    # (what was parsed while the gazetteer filled reads it as it was then)
    rules.parsed.clear()
    # every regex behind a lookahead on its first characters (scan.fast)
    return fast_fields(rules)


# ---------------------------------------------------------------- pure canonicalisation


_SPACES = re.compile(r"\s+")
_POSSESSIVE_PARENT = re.compile(
    r"^(?:[Tt]he )?(.+?(?:University|College|Academy of Medical Sciences))'s (.+)$"
)


_INNER_AFFILIATED = re.compile(r"(?<=[A-Za-z] )affiliated(?= [A-Z])")
_NUMBERED = re.compile(r"\bNo\.\s?(\d{1,2})\b")


# a capitalised word and "City" before more of a name
_CITY_WORD = re.compile(r"\b([A-Z][a-z]+(?:'[a-z]+)?) City(?= [A-Z])")


def _normalise(text: str, rules: HospitalRules) -> str:
    text = _SPACES.sub(" ", text.replace("’", "'")).strip(" ,.;:")
    # "Zhejiang University's First Affiliated Hospital" -> "First Affiliated Hospital of Zhejiang University"
    possessive = _POSSESSIVE_PARENT.match(text)
    if possessive:
        text = f"{possessive.group(2)} of {possessive.group(1)}"
    for old, new in rules.synonyms:
        text = old.sub(_case_keeping(new, text, rules.heads), text)
    # "Changzhou City First People's Hospital": machine translation's 市 after a known
    # city is no word of the name
    text = _CITY_WORD.sub(
        lambda m: m.group(1) if m.group(1).lower() in rules.cities else m.group(0), text
    )
    # "First affiliated Hospital": a type word inside a name, written as names write it
    text = _INNER_AFFILIATED.sub("Affiliated", text)
    # "No. 1 Hospital": the first
    by_number = {n: w.title() for w, n in rules.ordinals.items() if w.isalpha()}
    return _NUMBERED.sub(lambda m: by_number.get(int(m.group(1)), m.group(0)), text)


def _case_keeping(new: str, text: str, heads: Iterable[str]) -> Callable[[re.Match[str]], str]:
    """The replacement of a synonym in the case of what it replaces; a phrase whose
    first word ends a head with the word before it stays ("Cancer Center Hospital" is no
    "Central Hospital": "Cancer Center" is a head)."""

    def replace_one(m: re.Match[str]) -> str:
        word = m.group(0).split()[0].lower()
        before = text[: m.start()].split()[-1:]
        if " " in m.group(0) and before and f"{before[0].lower()} {word}" in heads:
            return m.group(0)
        return _same_case(m.group(0), new)

    return replace_one


# words a name writes in lower case inside it
_SMALL_WORDS = frozenset({"of", "and", "the", "for", "de"})


def _same_case(original: str, new: str) -> str:
    """``new`` in the case of ``original``, word by word when both have as many words
    ("Center Hospital" -> "Central Hospital"), else by the first letter.

    >>> _same_case("Center Hospital", "central hospital"), _same_case("Tumor", "cancer")
    ('Central Hospital', 'Cancer')
    """
    old_words, new_words = original.split(), new.split()
    if len(old_words) == 1 < len(new_words) and len(original) > 1 and original.isupper():
        # an abbreviation spelt out ("CAMS"): each word capitalised, as a name writes it
        return " ".join(w if w in _SMALL_WORDS else w[:1].upper() + w[1:] for w in new_words)
    if len(old_words) == len(new_words) > 1:
        return " ".join(_same_case(o, n) for o, n in zip(old_words, new_words, strict=True))
    return new[:1].upper() + new[1:] if original[:1].isupper() else new


# type words that make another hospital of the same name (a city's people's hospital, a
# children's hospital), kept in a name's key
_KEYED_TYPES = frozenset({"people's", "people’s", "children's", "children’s", "women's", "women’s"})


def _generic_part(name: str, parsed: HospitalName, rules: HospitalRules) -> bool:
    """Whether a known name was read only in part, and that part is all kind words
    ("University Medical Center" of "University Medical Center Utrecht"): under its
    key any university medical center would be that one."""
    partial = rules.mention.fullmatch(_normalise(name, rules)) is None
    return partial and all(w in rules.kind_words for w in parsed.distinctive)


# the most answers parse_hospital keeps per rules (then it starts afresh): the names that
# recur across articles are a few thousand (a 20,000-article run peaks at 287 MB with it,
# as without the cache)
PARSED_LIMIT = 4_096


def parse_hospital(mention: str, rules: HospitalRules) -> HospitalName | None:
    """Canonical key, display name and city of a hospital mention; None if it names no
    particular hospital ("Cancer Hospital" alone). Kept per mention (rules.parsed).

    >>> r = default_hospitals()
    >>> a = parse_hospital("Shengjing Hospital affiliated to China Medical University", r)
    >>> a.key == parse_hospital("Shengjing Hospital", r).key
    True
    >>> parse_hospital("the Sixth Hospital of Shenyang", r).key == parse_hospital("Shenyang Sixth People's Hospital", r).key
    True
    """
    kept = rules.parsed
    if mention not in kept:
        if len(kept) >= PARSED_LIMIT:
            kept.clear()
        kept[mention] = _parse_hospital(mention, rules)
    return kept[mention]


def _parse_hospital(mention: str, rules: HospitalRules) -> HospitalName | None:
    text = _normalise(mention, rules)
    m = rules.mention.fullmatch(text) or rules.mention.search(text)
    if m is None:
        return None
    core, tail = m.group("core"), (m.group("tail") or "")
    words = core.split()
    while words and (words[0] in rules.lead or words[0].lower() == "the"):
        words.pop(0)
    if not words or (" ".join(words).lower() in rules.heads and not tail):
        return None  # "Clinic" alone names no clinic
    parent = None
    city = None
    extra_name: list[str] = []
    tail = tail.strip(" ,")
    tail = re.sub(
        r"^(?:(?:[Aa]ffiliated|[Aa]ttached) (?:to|with)|of|de) (?:the )?", "", tail
    ).strip()
    written_parent = False
    if tail:
        if rules.parent_head.search(tail):
            parent = rules.parent_tail.sub("", tail)
        elif m.group("tail")[:1].isspace() and m.group("tail").lstrip()[:1].isupper():
            # "University Hospital Basel": the place is the name's, and the city of a
            # university hospital that a place names ("University Hospitals Plymouth";
            # a state or country is none: "Children's Hospital Colorado")
            city = rules.cities.get(tail.lower())
            if (
                city is None
                and words[-2:-1] == ["University"]
                and tail.lower() not in rules.countries
            ):
                city = tail
            extra_name = [tail]
        elif tail.lower() in rules.cities:
            city = rules.cities[tail.lower()]
        elif m.group("tail").lstrip().startswith("de"):
            city = rules.cities.get(tail.lower())
            extra_name = ["de", tail]
        else:
            # "for Children" keeps its own word; "of X" says of
            extra_name = tail.split() if tail.startswith("for ") else ["of", *tail.split()]
    # "Chongqing University Cancer Hospital": the university is the parent.
    for i in range(len(words) - 1, 0, -1):
        prefix = " ".join(words[:i])
        if (
            rules.parent_head.search(prefix)
            and not rules.parent_head.fullmatch(prefix)  # "University Hospital" is a type
            and not rules.parent_head.search(" ".join(words))
        ):
            parent = parent or rules.parent_tail.sub("", prefix)
            written = " ".join(words)
            words = words[i:]
            written_parent = True
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
    spelled = "".join(
        re.sub(r"[^a-z]", "", w)
        for w in lowered[: len(lowered) - len(head.split())]
        if w not in rules.generic and w not in rules.ordinals and w not in {"of", "de", "the"}
    ) + (f" {ordinal}" if ordinal else "")  # ("The Third Xiangya Hospital" is another)
    # "of Traditional Chinese Medicine" after the head is the hospital's kind: another
    # hospital than the one without it ("Shanghai Hospital of Traditional Chinese Medicine")
    kind_tail = [w for w in extra_name if w.lower() not in {"of", "for", "the"}]
    if not kind_tail or not all(w.lower() in rules.generic for w in kind_tail):
        kind_tail = []
    type_words = tuple(
        w
        for w in lowered + [k.lower() for k in kind_tail]
        if w in rules.generic and w not in {"affiliated", "of", "the", "and", "&"}
    )
    # "Zhongshan People's Hospital" (of the city) is not "Zhongshan Hospital" (of a
    # university): the type words that make another hospital are part of its key and of
    # its spelling
    kinds = tuple(w for w in type_words if w in _KEYED_TYPES)
    spelled += "".join(f" {k}" for k in kinds)
    if distinctive:
        # "The Second Xiangya Hospital" is not "Xiangya Hospital"
        key = ("name", *distinctive, "|", *kinds, head, *((str(ordinal),) if ordinal else ()))
        display = " ".join(words + extra_name)
        if words[0].lower() in rules.ordinals:
            display = f"The {display}"  # "The Second People's Hospital of Gansu Province"
        elif written_parent:
            # "Columbia University Irving Medical Center": named with its university
            display = " ".join([written, *extra_name])
    elif ordinal is not None and named_city and "affiliated" not in lowered:
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
        if len(kept) < len(words) and parent:
            kept = words  # "Shandong Provincial Hospital": its place is part of its name
        display = " ".join(kept + (extra_name if kind_tail else [])) + (
            f" of {parent}" if parent else ""
        )
        if kept and kept[0].lower() in rules.ordinals:
            display = f"The {display}"  # "The First Affiliated Hospital of X University"
        if written_parent:
            display = written  # "Peking University Shenzhen Hospital", as written
        elif not parent and city and "affiliated" in lowered and kept[0].lower() in rules.ordinals:
            # "The First Affiliated Hospital, Hangzhou": a university's hospital whose
            # university goes unnamed, not the city's numbered one
            display = f"The {' '.join(kept)}"
        elif not parent and city:
            display = f"{city} {' '.join(kept + (extra_name if kind_tail else []))}"
    else:
        return None
    entry = rules.gazetteer.get(key)
    at_city = (*key, "@", named_city.lower()) if named_city else key
    if (
        distinctive
        and named_city
        and named_city.lower() not in rules.provinces  # (a province holds many cities)
        and (
            (entry is not None and entry.city not in (None, named_city))
            or (entry is None and at_city in rules.gazetteer)
        )
    ):
        # "Shanghai Tongji Hospital" is not Wuhan's Tongji Hospital: a city written in
        # the name that is not the known hospital's makes it another one (and where
        # several cities have a hospital of that name, the city's is the one)
        key = at_city
        entry = rules.gazetteer.get(key)
    elif (
        entry is not None
        and named_city
        and named_city.lower() in rules.provinces
        and entry.city in rules.capitals
        and entry.city != rules.provinces[named_city.lower()]
    ):
        # "Hebei Province Cancer Hospital" is not Jiangsu's "Province Hospital": a
        # province written in the name whose capital is not the known hospital's city,
        # when that city is another province's capital, makes it another one
        key = at_city
        entry = rules.gazetteer.get(key)
    elif entry is not None and entry.city and (place := _place_of(extra_name, rules)):
        if place != entry.city:
            # "the Tumor Hospital of Henan Province" is no hospital of Nanjing: a place
            # named after the head that is not the known hospital's makes it another one
            key = (*key, "@", place.lower())
            entry = rules.gazetteer.get(key)
    elif (
        entry is None
        and distinctive
        and len(spelled) >= SPELLED_SHORTEST
        and not all(w in rules.kind_words for w in lowered[: len(lowered) - len(head.split())])
        # (a name its words after the head make distinctive is no spelling of a known one:
        # "X Provincial Hospital of Integrated ... Medicine")
        and not any(w.lower() in distinctive for w in extra_name)
    ):
        # "Rui Jin Hospital", "RuiJin Hospital": a known name with its syllables apart
        # (a name of kind words only before its head is no spelling of one: "University
        # Hospital of Bonn")
        key, entry = rules.spelled.get((spelled, head), (key, None))
    if entry is not None and _other_parent(parent_key, entry, rules):
        # "Zhongshan Hospital of Xiamen University" is not Fudan University's: a parent
        # written with the name that is another known institution than the known
        # hospital's (_other_parent) makes it another one
        key = (*key, "@", parent_key)
        entry = rules.gazetteer.get(key)
        if entry is None and parent and parent not in display:
            display = f"{display} of {parent}"
    if entry is not None:
        return HospitalName(
            key, entry.name, entry.city or city, distinctive, head, named_city, spelled, parent_key
        )
    if city is not None and city.lower() in rules.provinces:
        # a province is no city: a hospital it names is in its capital
        city = rules.provinces[city.lower()] if named_city == city else None
    elif city is None:
        # "... Hospital of Hainan Province": the province's capital
        city = next(
            (rules.provinces[w.lower()] for w in extra_name if w.lower() in rules.provinces), None
        )
    if city is None and parent_key:
        # "Children's Hospital of Fudan University": where its parent's known hospitals are
        city = rules.parent_cities.get(parent_key)
    return HospitalName(key, display, city, distinctive, head, named_city, spelled, parent_key)


def _other_parent(parent: str, entry: GazetteerEntry, rules: HospitalRules) -> bool:
    """Whether a parent institution written with a name (its letters) is another than
    those a known hospital's names write: a parent of other known hospitals that holds
    none of them and none of them holds ("Fudan University" and "Fudan University
    Shanghai Medical College" are one). A parent no known hospital has may be a former
    or unofficial name of the known one's: it says nothing."""
    known = rules.entry_parents.get(entry.id)
    if not parent or not known or parent not in rules.known_parents:
        return False
    return not any(parent in k or k in parent for k in known)


def _place_of(words: list[str], rules: HospitalRules) -> str | None:
    """The city that the words after a head name ("of Henan Province": its capital)."""
    for w in words:
        low = w.lower()
        if low in rules.provinces:
            return rules.provinces[low]
        if low in rules.cities:
            return rules.cities[low]
    return None


def gazetteer_id(name: HospitalName, rules: HospitalRules) -> str | None:
    if name.key[0] == "known":
        return name.key[1]
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
    # the name as written in Chinese, in simplified script, for a Chinese mention
    chinese: str | None = None


_WORD = re.compile(r"\S+")


def _implied(words: Iterable[str], heads: Iterable[str]) -> re.Pattern[str]:
    """One to three capitalised words ("and" between them) before an implied head, with
    no head or capitalised word after it ("Seattle Children's", "Brigham and Women's")."""
    words = list(words)
    if not words:
        return re.compile("(?!)")
    heads = list(heads)
    after = alternation([h.split()[0].lower() for h in heads] + ["health", "medical"])
    # a word of the name is no implied or head word: "Boston Children's and Cincinnati
    # Children's" are two names, "X Children's Hospital and Y Children's" too
    ends = alternation([*words, *(h.split()[-1] for h in heads)])
    word = rf"(?!(?:{ends})(?![\w'’-]))[A-Z][\w.'’-]*"
    return re.compile(
        rf"(?<![\w'’.-])(?P<name>{word}(?:\s+(?:and\s+)?{word}){{0,2}})"
        rf"\s+(?:and\s+)?(?P<implied>{alternation(words)})(?![\w'’-])"
        rf"(?!\s+[A-Z])(?!\s+(?i:{after})\b)"
    )


def _implied_heads(
    text: str,
    found: list[HospitalMention],
    rules: HospitalRules,
    spans: list[tuple[int, int]] | None,
) -> list[HospitalMention]:
    """Names whose head the news leaves out ("treated at Seattle Children's"): read with
    "Hospital" after them; a name that parses to no particular hospital is none."""
    matches = scan_finditer(rules.implied, text, spans)
    taken = marked(((h.start, h.end) for h in found), len(text))
    out = []
    for m in matches:
        # the name starts after the words that lead a sentence ("The", "At")
        words = list(_WORD.finditer(text, m.start("name"), m.end("name")))
        while words and (words[0].group() in rules.lead or words[0].group().lower() == "the"):
            words.pop(0)
        if not words or taken.find(1, m.start(), m.end()) != -1:
            continue
        # ("Dana-Farber and Boston Children's": a known name before "and" is a hospital
        # of its own, not the first words of one, as "Brigham" of "Brigham and Women's")
        for k, w in enumerate(words[1:-1], start=1):
            if w.group() in ("and", "&") and text[words[0].start() : words[k - 1].end()] in (
                rules.abbreviations
            ):
                words = words[k + 1 :]
                break
        start = words[0].start()
        name = parse_hospital(f"{text[start : m.end()]} Hospital", rules)
        if name is not None and (name.distinctive or name.named_city):
            out.append(HospitalMention(start, m.end(), "hospital.implied_head", name))
    return out


def find_hospitals(
    text: str, rules: HospitalRules, spans: list[tuple[int, int]] | None = None
) -> list[HospitalMention]:
    """Hospital mentions of an article: full names (looked for only inside ``spans`` when
    given: windows around head words), then short forms and bracketed abbreviations of
    names it used."""
    leads = scan_finditer(rules.lead_mention, text, spans)
    found = [h for m in leads if (h := _lead_named(m, rules)) is not None]
    names = scan_finditer(rules.mention, text, spans)
    taken = [(h.start, h.end) for h in found]
    found.extend(
        h
        for h in _names(text, text, names, rules)
        # (a head-final reading that overlaps a name led by its head word is part of it,
        # or runs into it: "Hospital X and Hospital Y" is no "X and Hospital")
        if not any(s < h.end and h.start < e for s, e in taken)
        and h.name.display.lower().removeprefix("the ") not in rules.not_hospitals
    )
    view = _case_repaired(text, rules, spans)
    if view is not None:
        # names that read only with machine translation's lower case repaired count when
        # they are known hospitals (a lower-case "Shanghai hospital" is any hospital there)
        again = scan_finditer(rules.mention, view, spans)
        for h in _names(view, text, again, rules, rule="hospital.case_repaired"):
            known = gazetteer_id(h.name, rules) is not None
            if not (
                known
                or _ordinal_of_parent(h.name)
                or _kind_of_university(h.name)
                # a place written first and a type word before the head: the place's
                # hospital of that type ("Henan provincial people's hospital"; "a Shanghai
                # hospital" is any one there, "Beijing provincial hospitals" are many)
                or (
                    h.name.key[0] == "generic"
                    and text[h.start : h.end].split()[0].lower() in rules.cities
                    and h.name.key.index("|") > 2
                    and not h.name.head.endswith("s")
                )
                # a shouted name whose place or university is named
                or (
                    text[h.start : h.end].isupper()
                    and (h.name.named_city or h.name.key[0] == "generic")
                )
            ):
                continue
            overlaps = [f for f in found if f.start < h.end and h.start < f.end]
            if known and all(h.start < f.start and f.end <= h.end for f in overlaps):
                # a known name whose first words were lower case holds what was read of
                # it without them ("Hospital, affiliated with X" of "Zhong shan Hospital")
                found = [f for f in found if f not in overlaps]
            elif overlaps:
                continue
            found.append(h)
    found = _ordinal_lists(text, found, rules)
    found.extend(_shared_head(text, found, rules, spans))
    found.extend(_implied_heads(text, found, rules, spans))
    written = _known_abbreviations(text, found, rules, spans)
    # a known name written out holds what was read of it in part ("University Medical
    # Center" of "University Medical Center Utrecht")
    found = [f for f in found if not any(_holds(k, f) for k in written)]
    found.extend(written)
    found.extend(_abbreviations(text, found))
    found.extend(_short_forms(text, found, rules))
    return _one_display(
        sorted(
            _shared_cities(_bracketed_names(text, found, rules), rules),
            key=lambda h: (h.start, h.end),
        )
    )


_BRACKET_OPEN = re.compile(r"\s*[(（]\s*(?:(?:the|formerly|also known as|now)\s+)*")
_BRACKET_CLOSE = re.compile(r"\s*[)）]")


def _bracketed_names(
    text: str, found: list[HospitalMention], rules: HospitalRules
) -> list[HospitalMention]:
    """A hospital's other name in brackets right after it ("X Provincial Hospital (the
    First Affiliated Hospital of Y University)") is the same hospital: both take the
    known one's name (the first one's when both or neither are known).

    >>> r = default_hospitals()
    >>> t = "Anhui Provincial Hospital (the First Affiliated Hospital of Anhui Medical University) said"
    >>> len({h.name.key for h in find_hospitals(t, r)})
    1
    """
    by_start = {h.start: i for i, h in enumerate(found)}
    out = list(found)
    for i, h in enumerate(found):
        opening = _BRACKET_OPEN.match(text, h.end)
        if opening is None or opening.end() == h.end or opening.end() not in by_start:
            continue
        j = by_start[opening.end()]
        other = found[j]
        if not _BRACKET_CLOSE.match(text, other.end):
            continue
        known_first = gazetteer_id(h.name, rules) is not None
        name = other.name if not known_first and gazetteer_id(other.name, rules) else h.name
        out[i] = replace(h, name=name)
        out[j] = replace(other, name=name)
    return out


def _names(
    view: str,
    text: str,
    matches: Iterable[re.Match[str]],
    rules: HospitalRules,
    rule: str = "hospital.name",
) -> list[HospitalMention]:
    """The full names of the mention regex's matches in ``view`` (the text, or the text
    with its case repaired: same length, so offsets hold in ``text``)."""
    found: list[HospitalMention] = []
    for m in matches:
        # "the University of Pennsylvania's Abramson Cancer Center": the possessive at the
        # front completes the institution before it, which owns the hospital
        owned = _INSTITUTION_OF.search(view, max(0, m.start() - 40), m.start()) is not None
        # "X Hospital in Sha Tin and Y Hospital": right after a name and "in", the words
        # before "and" are that hospital's place, whether or not the place is known
        placed = bool(found) and _IN_PLACE.fullmatch(view, found[-1].end, m.start()) is not None
        start = m.start() + _lead_length(m.group("core"), rules, owned, placed)
        parsed = parse_hospital(view[start : m.end()], rules)
        if parsed is None and view[start : m.end()].lower() not in rules.heads:
            # "the Provincial Cancer Hospital" ... "Henan Province": a name of type words
            # only is the one of the place its sentence names
            place = _place_near(text, start, m.end(), rules)
            if place is not None:
                parsed = parse_hospital(f"{place} {view[start : m.end()]}", rules)
        if parsed is None:
            continue
        written = view[start : m.end()]
        cut = _second_name(written, rules)
        if cut is not None:
            # "The Children's Hospital of X and Y Memorial Hospital": two names; and in
            # "the Cancer Hospital of X Academy and Y University Cancer Hospital" the read
            # ends at a parent, and the head right after it makes Y's its own hospital
            s2, e2 = start + cut + len(_AND), m.end()
            first, second = parse_hospital(written[:cut], rules), parse_hospital(view[s2:e2], rules)
            head_after = _HEAD_AFTER.match(view, m.end())
            if (
                second is None
                and head_after is not None
                and head_after.group(1).lower() in rules.heads
            ):
                e2 = head_after.end()
                second = parse_hospital(view[s2:e2], rules)
            if first is not None and second is not None:
                found.append(HospitalMention(start, start + cut, rule, first))
                found.append(
                    HospitalMention(s2, e2, rule, _placed(second, text, s2, e2, rules, view[s2:e2]))
                )
                continue
        found.append(
            HospitalMention(
                start, m.end(), rule, _placed(parsed, text, start, m.end(), rules, written)
            )
        )
    return found


_AND = " and "
# a head word right after a name read (capitalised, up to three words)
_HEAD_AFTER = re.compile(r"\s+((?:[A-Z][a-z]+\s){0,2}[A-Z][a-z]+)\b")


def _second_name(written: str, rules: HospitalRules) -> int | None:
    """Where " and " joins two names in one match: the words before it hold a head of
    their own ("Cancer Hospital of X Academy and Y University Cancer Hospital"), so what
    follows with its head is another hospital; None when no such "and" stands there."""
    at = written.rfind(_AND)
    if at <= 0:
        return None
    before = written[:at].lower()
    holds_head = any(re.search(rf"\b{re.escape(h)}\b", before) is not None for h in rules.heads)
    return at if holds_head else None


def _placed(
    name: HospitalName, text: str, start: int, end: int, rules: HospitalRules, written: str
) -> HospitalName:
    """A name with the city written right after it ("Necker Hospital in Paris"): its city
    when it had none; a known hospital of another city ("Queen Elizabeth Hospital in
    Birmingham" is not Hong Kong's) is another hospital, named as ``written``. With no
    city after it, a city owning it ("Beijing's Chaoyang Hospital") gives one it lacks."""
    place = _place_after(text, end, rules)
    if place is None or place == name.city or place.lower() in rules.provinces:
        if name.city is None and (owner := _CITY_OWNS.search(text, max(0, start - 30), start)):
            city = rules.cities.get(owner.group(1).lower())
            return replace(name, city=city) if city else name
        return name
    if name.city is None:
        return replace(name, city=place)
    if name.named_city is None and name.distinctive and rules.gazetteer.get(name.key):
        key = (*name.key, "@", place.lower())
        entry = rules.gazetteer.get(key)  # "Tongji Hospital ... in Shanghai": Shanghai's
        display = entry.name if entry else _SPACES.sub(" ", written).strip(" ,.;:")
        return replace(name, key=key, display=display, city=place)
    return name


def _ordinal_of_parent(name: HospitalName) -> bool:
    """Whether a name is a numbered hospital of a university or city ("First Affiliated
    Hospital of X University"): one hospital, even where its words were lower case."""
    return name.key[0] == "generic" and name.key[-1] != ""


def _kind_of_university(name: HospitalName) -> bool:
    """Whether a name is a university's hospital of one kind ("Children's Hospital of
    Fudan University", "the cancer hospital of X University"): one hospital too."""
    if name.key[0] != "generic" or "|" not in name.key:
        return False
    bar = name.key.index("|")
    kinds = [w for w in name.key[1:bar] if w != name.head]
    return bool(kinds) and any(p in name.key[bar + 1] for p in ("university", "college"))


def _lead_named(m: re.Match[str], rules: HospitalRules) -> HospitalMention | None:
    """A name whose type word comes first ("Hôpital Saint-Louis", "Klinikum rechts der
    Isar", "Rigshospitalet"): what follows the type word is its name."""
    lead, rest = m.group("lead"), m.group("rest").split()
    if lead.split()[-1].lower() in rules.connectors and not rest:
        return None  # "Hospital de" with no name after it
    while rest and rest[-1].lower() in rules.connectors:
        rest.pop()
    words = [*lead.split(), *rest]
    if len(words) < 2 and (
        lead.lower() in rules.lead_heads or not rules.lead_mention.fullmatch(lead)
    ):
        return None  # a type word alone ("Hôpital") names none; a compound does ("Rigshospitalet")
    # the span ends with the last word kept (a trailing connector is left out)
    end = m.start() + [w.end() for w in re.finditer(r"\S+", m.group(0))][len(words) - 1]
    folded = tuple(
        unicodedata.normalize("NFKD", w).encode("ascii", "ignore").decode().lower()
        for w in words
        if w.lower() not in rules.connectors
    )
    known = rules.abbreviations.get(" ".join(words))
    if known is not None:  # "Rigshospitalet", a gazetteer name as written
        return HospitalMention(m.start(), end, "hospital.lead_name", known_name(known, rules))
    city = next((rules.cities[w.lower()] for w in rest if w.lower() in rules.cities), None)
    # ("Ospedale X in Rome": the city written after it)
    city = city or _place_after(m.string, end, rules)
    name = HospitalName(("lead", *folded), " ".join(words), city, folded, folded[0])
    return HospitalMention(m.start(), end, "hospital.lead_name", name)


# a name in capitals only ("WEST CHINA HOSPITAL OF SICHUAN UNIVERSITY"), read with its
# case repaired (the component looks for names around these words too)
SHOUTED_HEADS = frozenset({"HOSPITAL", "HOSPITALS", "CENTER", "CENTRE", "CLINIC", "INFIRMARY"})
_SHOUTED = re.compile(
    rf"\b(?:[A-Z][A-Z'’&.-]+\s+){{1,8}}(?:{'|'.join(sorted(SHOUTED_HEADS))})\b"
    r"(?:\s+OF\s+(?:THE\s+)?(?:[A-Z][A-Z'’&.-]+)(?:\s+[A-Z][A-Z'’&.-]+){0,6})?"
)


def _case_repaired(
    text: str, rules: HospitalRules, spans: list[tuple[int, int]] | None
) -> str | None:
    """The text with the lower case machine translation leaves inside names capitalised
    ("Zhongshan hospital affiliated to fudan university" -> "... Hospital ... Fudan
    University"), same length; None when there is nothing to repair.

    >>> r = default_hospitals()
    >>> _case_repaired("He saw Ruijin hospital affiliated to fudan university.", r, None)
    'He saw Ruijin Hospital affiliated to Fudan University.'
    """
    windows = [(0, len(text))] if spans is None else spans
    edits: list[tuple[int, int]] = []
    for lo, hi in windows:
        window = text[lo:hi]
        # (a cheap test first: every match ends in a head in lower case, or is an
        # ordinal in lower case before a capitalised one: "first affiliated Hospital of")
        if any(head in window for head in rules.heads) or rules.lower_ordinal.search(window):
            for m in rules.lower_head.finditer(text, lo, hi):
                edits.append(m.span(next(g for g in ("head", "ordinal", "owned") if m.group(g))))
                if m.group("lparent"):
                    edits.append(m.span("lparent"))
        for m in rules.lower_parent.finditer(text, lo, hi):
            edits.append(m.span(next(g for g in ("parent", "place", "phead") if m.group(g))))
    for lo, hi in windows:
        edits.extend(_spaced_syllables(text, lo, hi, rules))
    shouted = [
        m.span()
        for lo, hi in windows
        if any(head in text[lo:hi] for head in SHOUTED_HEADS)  # (a cheap test first)
        for m in _SHOUTED.finditer(text, lo, hi)
    ]
    if not edits and not shouted:
        return None
    chars = list(text)
    for start, end in shouted:  # "PEKING UNIVERSITY PEOPLE'S HOSPITAL": title case
        for w in re.finditer(r"[A-Z][A-Z'’-]*", text[start:end]):
            word = w.group(0)
            small = word.lower() if word in ("OF", "AND", "THE", "FOR", "DE") else word.title()
            chars[start + w.start() : start + w.end()] = list(small.replace("’S", "’s"))
    for start, end in edits:
        for w in re.finditer(r"(?<![\w'’-])[a-z][\w'’-]*", text[start:end]):
            if w.group(0) not in ("of", "and", "the", "for", "de"):
                chars[start + w.start()] = chars[start + w.start()].upper()
    return "".join(chars)


def _spaced_syllables(text: str, lo: int, hi: int, rules: HospitalRules) -> list[tuple[int, int]]:
    """Lower-case pinyin syllables of a name written syllable by syllable before its head
    ("Xiang ya Hospital"): the syllables right before the head, when one is lower case.

    >>> r = default_hospitals()
    >>> t = "He went to Xiang ya Hospital."
    >>> [t[s:e] for s, e in _spaced_syllables(t, 0, len(t), r)]
    ['ya']
    """
    out: list[tuple[int, int]] = []
    for m in rules.spaced.finditer(text, lo, hi):
        words = list(re.finditer(r"\S+", m.group(0)))
        syllables = []
        for w in reversed(words):
            if w.group(0).lower() not in rules.syllables:
                break
            syllables.append(w)
        lower = [w for w in syllables if w.group(0).islower()]
        if lower and len(syllables) > len(lower):
            out.extend((m.start() + w.start(), m.start() + w.end()) for w in lower)
    return out


# a place written right after a name ("Union Hospital in Wuhan", "..., Wuhan", "..., in
# Wuhan", "... (Wuhan)")
_PLACE_AFTER = re.compile(r"(?:,?\s+in|,|\s*\()\s*([A-Z][^\W\d_]+)(?:\s+([A-Z][^\W\d_]+))?")


# a place's possessive right before a name: "Beijing's "
_CITY_OWNS = re.compile(r"\b([A-Z][a-z]+)['’]s\s+$")


def _place_after(text: str, end: int, rules: HospitalRules) -> str | None:
    """The known city written right after a name (one or two words: "in São Paulo")."""
    m = _PLACE_AFTER.match(text, end)
    if m is None:
        return None
    if m.group(2):
        # two capitalised words: a city of two ("São Paulo"), else the first starts
        # another name ("Mayo Clinic, Cleveland Clinic and ..."), no place
        return rules.cities.get(f"{m.group(1)} {m.group(2)}".lower())
    return rules.cities.get(m.group(1).lower())


# a place's possessive right before a name ("Tianjin's Blood Diseases Hospital")
_PLACE_OWNER = re.compile(r"\b([A-Z][a-z]+)(?:'s|’s)\s+$")


def _place_near(text: str, start: int, end: int, rules: HospitalRules) -> str | None:
    """The city written right after a mention or as a possessive right before it
    ("Tianjin's"), else the one city or province named within 150 characters of it, in
    its sentence."""
    after = _place_after(text, end, rules)
    if after is not None:
        return after
    owner = _PLACE_OWNER.search(text, max(0, start - 30), start)
    if owner is not None and owner.group(1).lower() in rules.cities:
        return rules.cities[owner.group(1).lower()]
    lo = max(text.rfind(". ", 0, start) + 1, start - 150)
    hi = text.find(". ", end)
    window = text[lo : min(hi if hi != -1 else len(text), end + 150)]
    found = {
        rules.cities[w.lower()]
        for w in re.findall(r"[A-Z][a-z]+", window)
        if w.lower() in rules.cities
    }
    if len(found) > 1 and "Provincial" in text[start:end]:
        # a provincial hospital is the province's ("... in Zhengzhou ... Henan Province")
        found = {p for p in found if re.search(rf"\b{p}\s+Province\b", window)}
    return found.pop() if len(found) == 1 else None


# the end of an institution's name that a possessive completes ("University of X's")
_INSTITUTION_OF = re.compile(r"\b(?:University|College|Institute|School|Academy) of $")


# the most words of a known hospital's short name before "and" in front of a name
KNOWN_BEFORE_AND = 4
# the most words of a hospital's place between "in" and "and" ("X Hospital in Sha Tin and
# Y Hospital"), and what stands between the name and the place
PLACE_BEFORE_AND = 3
_IN_PLACE = re.compile(r",?\s+in\s+(?:the\s+)?")


def _lead_length(core: str, rules: HospitalRules, owned: bool = False, placed: bool = False) -> int:
    """Characters at the front of a matched name that are not part of it: capitalised
    lead words ("In", "Professor"), a person's name before "of" ("Huang of ..."), and,
    when the name follows "University of" (``owned``), the possessive that ends the
    institution's name ("Pennsylvania's"); when it follows another name and "in"
    (``placed``), up to PLACE_BEFORE_AND words before "and", that name's place.

    >>> r = default_hospitals()
    >>> _lead_length("Pennsylvania's Abramson Cancer Center", r, owned=True)
    15
    >>> _lead_length("King's College Hospital", r)
    0
    """
    words = core.split(" ")
    keep = 0
    if placed:
        keep = next(
            (
                n + 1
                for n in range(1, min(PLACE_BEFORE_AND, len(words) - 2) + 1)
                if words[n] == "and"
            ),
            0,
        )
    places = rules.cities.keys() | rules.countries
    while (
        keep < len(words) - 2
        and words[keep + 1][-2:] in ("'s", "’s")
        and f"{words[keep]} {words[keep + 1][:-2]}".lower() in places
    ):
        keep += 2  # "Hong Kong's Queen Mary Hospital"
    while keep < len(words) - 1:
        if words[keep + 1] == "and" and words[keep].lower() in places:
            keep += 2
        elif known := next(
            (
                n
                for n in range(1, min(KNOWN_BEFORE_AND, len(words) - keep - 2) + 1)
                if words[keep + n] == "and"
                and " ".join(words[keep : keep + n]) in rules.abbreviations
            ),
            0,
        ):
            keep += known + 1  # "Royal Marsden and X Hospital": a known hospital, then a name
        elif (
            keep < len(words) - 3
            and words[keep + 2] == "and"
            and f"{words[keep]} {words[keep + 1]}".lower() in places
        ):
            keep += 3  # "Tel Aviv and X Medical Center"
        elif (
            words[keep] in rules.lead
            or words[keep].endswith("-based")  # "Mumbai-based"
            or (words[keep][-2:] in ("'s", "’s") and words[keep][:-2].lower() in places)
        ):
            keep += 2 if words[keep + 1] == "and" else 1
        else:
            break
    rest = words[keep:-1]
    if rest[:2] == ["Institute", "of"] and "of" not in rest[2:] and ({"and", "&"} & set(rest)):
        # "Institute of Hematology and Blood Diseases Hospital": one name
        return len(" ".join(words[:keep])) + (1 if keep else 0)
    departments = [
        w
        for i, w in enumerate(words[keep:-1], keep)
        # ("X University School of Medicine ... Hospital": a school of a university is
        # the hospital's parent, not a department)
        if w in rules.department
        and not (w == "School" and words[i - 1] in ("University", "College"))
    ]
    if departments and "of" in words[keep:-1]:
        # "Department of Hematology of West China Hospital": the name after the last "of"
        last_of = len(words) - 1 - words[::-1].index("of")
        return len(" ".join(words[: last_of + 1])) + 1
    if "of" in words[keep:-1]:
        cut = words.index("of", keep)
        before = [w.lower() for w in words[keep:cut]]
        if (
            before
            and not any(w in rules.generic or w in rules.ordinals for w in before)
            and words[keep] not in rules.titles  # "Prince of Wales Hospital"
            # "X University School of Medicine First Affiliated Hospital": the parent
            and before[-1] not in ("school", "college", "faculty", "academy")
            and not _university_named(words[keep:], cut - keep, rules.and_phrases)
        ):
            keep = cut + 1
            owned = owned or _INSTITUTION_OF.search(" ".join(words[: cut + 1]) + " ") is not None
            if words[cut - 1] in ("University", "College"):
                # "University of X and Y Hospital": two institutions, the hospital is Y's
                keep = _after_and(words, keep, rules.and_phrases)
    if owned and keep < len(words) - 1 and words[keep][-2:] in ("'s", "’s"):
        keep += 1  # "University of Pennsylvania's": the owner of the name after it
    else:
        # "Emory's Winship Cancer Institute": the hospital has a name of its own
        keep += _owner_of_name(words[keep:], rules)
    return len(" ".join(words[:keep])) + (1 if keep else 0)


def _after_and(words: list[str], keep: int, and_phrases: tuple[str, ...]) -> int:
    """The index after the first "and" (or "&") from ``keep`` that joins two names, with
    a word of the second before its head ("Oxford and Churchill Hospital"): not one of
    ``and_phrases`` ("Science and Technology"); ``keep`` when there is none."""
    for j in range(keep + 1, len(words) - 2):
        if words[j] in ("and", "&") and " ".join(words[j - 1 : j + 2]) not in and_phrases:
            return j + 1
    return keep


def _owner_of_name(words: list[str], rules: HospitalRules) -> int:
    """The words of an owner in the possessive (up to seven, the last ending in 's or
    s') before a name that has a proper word of its own ("Stanford's Lucile Packard
    Children's Hospital", "Penn Medicine's Abramson Cancer Center"), or 0: not before
    one that needs its owner ("Fudan's Affiliated Hospital") nor in a name of its own
    that is written so ("King's College Hospital", "Children's Mercy Hospital").

    >>> r = default_hospitals()
    >>> _owner_of_name("Emory's Winship Cancer Institute".split(), r)
    1
    >>> _owner_of_name("Big Valley Health's Ann Doe Cancer Center".split(), r)
    3
    >>> _owner_of_name("Medical University of Inland Province's Ann Doe Cancer Center".split(), r)
    5
    >>> [_owner_of_name(n.split(), r) for n in ("King's College Hospital", "Duke's Cancer Institute", "Brigham and Women's Hospital")]
    [0, 0, 0]
    """
    for i, word in enumerate(words[: min(7, len(words) - 2)]):
        if not word.endswith(("'s", "’s", "s'", "s’")):
            continue
        if word.lower().replace("’", "'") in rules.generic:
            # "Seattle Children's Hospital": a type word of the name (but "Penn
            # Medicine's" is an owner: the type word does not end in 's)
            return 0
        rest = words[i + 1 : -1]
        if rest[0].lower() in rules.connectors or rest[0] in ("and", "&"):
            return 0  # "Guy's and St Thomas' Hospital": one name
        proper = any(
            w[:1].isupper()
            and not w.endswith(("'s", "’s"))
            and w.lower() not in rules.kind_words
            and w.lower() not in rules.ordinals
            for w in rest
        )
        return i + 1 if proper else 0
    return 0


def _university_named(words: list[str], of: int, and_phrases: tuple[str, ...] = ()) -> bool:
    """Whether "University of X" leads the name as one with it ("University of Utah
    Cancer Center"), not as an owner written with a possessive ("University of X's Y")
    nor as one of two institutions ("University of X and Y Hospital"; an "and" of
    ``and_phrases`` is the university's own: "University of Science and Technology").

    >>> _university_named("University of Utah Cancer Center".split(), 1)
    True
    >>> _university_named("University of Utah's Huntsman Cancer Institute".split(), 1)
    False
    >>> _university_named("University of Science and Technology Union Hospital".split(), 1)
    False
    >>> _university_named("University of Science and Technology Union Hospital".split(), 1, ("Science and Technology",))
    True
    """
    after = " ".join(words[of + 1 : -1])
    for phrase in and_phrases:
        after = after.replace(phrase, " ")
    return (
        words[of - 1] in ("University", "College")
        and not any(w[-2:] in ("'s", "’s") for w in after.split())
        and not ({"and", "&"} & set(after.split()))
    )


_ABBREVIATION = re.compile(
    r"^\s*\((?:(?:hereinafter|hereafter)\s+(?:referred\s+to\s+as|called)\s+)?[\"“”']?"
    r"([A-Z][A-Za-z&]{1,9}(?:\s+[A-Z][\w’']*){0,3})[\"“”']?\)"
)


def _known_abbreviations(
    text: str,
    found: list[HospitalMention],
    rules: HospitalRules,
    spans: list[tuple[int, int]] | None,
) -> list[HospitalMention]:
    """A gazetteer hospital named by its abbreviation alone ("PUMCH"), except as the
    owner of a name found right after it ("NYU Langone's Perlmutter Cancer Center")."""
    if not rules.abbreviations:
        return []
    regex = rules.abbreviation
    taken = [(h.start, h.end) for h in found]
    owned = {h.start for h in found}
    out = []
    for m in scan_finditer(regex, text, spans):
        # (not inside a name found, nor across one it does not hold whole and more)
        if any(
            s < m.end()
            and m.start() < e
            and not (m.start() <= s and e <= m.end() and m.end() - m.start() > e - s)
            for s, e in taken
        ):
            continue
        if text[m.end() : m.end() + 2] in ("'s", "’s") and m.end() + 3 in owned:
            continue
        name = known_name(rules.abbreviations[m.group(0)], rules)
        out.append(HospitalMention(m.start(), m.end(), "hospital.known_abbreviation", name))
    return out


def _holds(outer: HospitalMention, inner: HospitalMention) -> bool:
    """Whether ``outer`` spans ``inner`` and more."""
    return (
        outer.start <= inner.start
        and inner.end <= outer.end
        and outer.end - outer.start > inner.end - inner.start
    )


def known_name(entry: GazetteerEntry, rules: HospitalRules) -> HospitalName:
    """The name of a gazetteer hospital, keyed as its official name is (by its id where
    that name has no head word: "Charité – Universitätsmedizin Berlin")."""
    parsed = parse_hospital(entry.name, rules)
    if parsed is None:
        return HospitalName(("known", entry.id), entry.name, entry.city, (), "")
    return HospitalName(parsed.key, entry.name, entry.city, parsed.distinctive, parsed.head)


def _abbreviations(text: str, found: list[HospitalMention]) -> list[HospitalMention]:
    """ "Peking Union Medical College Hospital (PUMCH)", "... (hereinafter referred to as
    "PKU Shenzhen Hospital")": later uses of the short name are the hospital, also where
    the short name was read as a name of its own (it takes the full name's entity)."""
    out: list[HospitalMention] = []
    for h in list(found):
        bracket = _ABBREVIATION.match(text[h.end : h.end + 80])
        if bracket is None or sum(1 for c in bracket.group(1) if c.isupper()) < 2:
            continue
        abbrev = bracket.group(1)
        for i, other in enumerate(found):
            if other.start > h.start and text[other.start : other.end] == abbrev:
                found[i] = HospitalMention(other.start, other.end, other.rule, h.name)
        taken = [(x.start, x.end) for x in found + out]
        for m in re.finditer(rf"(?<![\w-]){re.escape(abbrev)}(?![\w-])", text):
            if m.start() > h.start and not any(s <= m.start() < e for s, e in taken):
                out.append(HospitalMention(m.start(), m.end(), "hospital.abbreviation", h.name))
                taken.append((m.start(), m.end()))
    return out


_NAME = r"[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*)?"
# names that share one plural head written after the last ("the Ruijin and Renji
# hospitals", "Huashan, Zhongshan or Renji hospitals")
# (found by the plural head, then read back over the characters before it: the list
# regex tried at every capital of a window cost more than all the rest of this step)
_PLURAL_HEAD = re.compile(r"(?<=\s)[Hh]ospitals\b")
_SHARED_HEAD = re.compile(
    rf"(?<![\w'’-])(?P<names>{_NAME}(?:\s*,\s*{_NAME})*,?\s+(?:and|or|&)\s+{_NAME})\s+$"
)
_LIST_REACH = 160


def _shared_head(
    text: str,
    found: list[HospitalMention],
    rules: HospitalRules,
    spans: list[tuple[int, int]] | None,
) -> list[HospitalMention]:
    """Known hospitals named in a list before one plural head: each name with the head
    is a name ("Renji Hospital"); a place before the head names no hospital ("Beijing and
    Shanghai hospitals" are hospitals there), and an unknown name is left alone.

    >>> r = default_hospitals()
    >>> t = "Patients went to the Ruijin and Renji hospitals."
    >>> [(t[h.start : h.end], h.name.display[:6]) for h in _shared_head(t, [], r, None)]
    [('Ruijin', 'Ruijin'), ('Renji', 'Renji ')]
    """
    taken = [(h.start, h.end) for h in found]
    places = rules.cities.keys() | rules.provinces.keys() | rules.countries
    out = []
    heads = scan_finditer(_PLURAL_HEAD, text, spans)
    for head in heads:
        m = _SHARED_HEAD.search(text, max(0, head.start() - _LIST_REACH), head.start())
        if m is None or any(s < head.end() and m.start() < e for s, e in taken):
            continue
        for name in re.finditer(_NAME, m.group("names")):
            words = name.group(0).split()
            if words[0] in rules.lead or any(w.lower() in places for w in words):
                continue
            parsed = parse_hospital(f"{name.group(0)} Hospital", rules)
            if parsed is not None and gazetteer_id(parsed, rules) is not None:
                start = m.start("names") + name.start()
                out.append(
                    HospitalMention(
                        start, start + len(name.group(0)), "hospital.shared_head", parsed
                    )
                )
    return out


# the plural of a head that ends a list of numbered hospitals ("Affiliated Hospitals")
_PLURAL_HEAD_WORD = re.compile(r"\b(Hospital|Center|Centre|Clinic)s\b")


def _ordinal_lists(
    text: str, found: list[HospitalMention], rules: HospitalRules
) -> list[HospitalMention]:
    """A name that opens with a list of numbers ("First and Second Affiliated Hospitals
    of X University", "First, Second and Third ...") is one hospital per number: the first
    ones are their number word, the last runs to the end of the name.

    >>> r = default_hospitals()
    >>> t = "the First and Third Affiliated Hospitals of Zhengzhou University"
    >>> [(t[h.start : h.end], h.name.display) for h in find_hospitals(t, r)]
    [('First', 'The First Affiliated Hospital of Zhengzhou University'), ('Third Affiliated Hospitals of Zhengzhou University', 'The Third Affiliated Hospital of Zhengzhou University')]
    """
    out: list[HospitalMention] = []
    for h in found:
        # ("First, Second and Third ...": the name read may start at the last comma)
        lead = rules.ordinal_lead.search(text, max(0, h.start - 60), h.start)
        base = lead.start() if lead is not None else h.start
        written = text[base : h.end]
        listed = rules.ordinal_list.match(written)
        if listed is None:
            out.append(h)
            continue
        rest = _PLURAL_HEAD_WORD.sub(r"\1", listed.group("rest"))
        numbers = list(rules.ordinal_word.finditer(written, 0, listed.start("rest")))
        split: list[HospitalMention] = []
        for i, number in enumerate(numbers):
            name = parse_hospital(f"{number.group(0)} {rest}", rules)
            if name is None:
                split = []
                break
            end = h.end if i == len(numbers) - 1 else base + number.end()
            split.append(HospitalMention(base + number.start(), end, "hospital.ordinal_list", name))
        out.extend(split or [h])
    return out


def _one_display(found: list[HospitalMention]) -> list[HospitalMention]:
    """Mentions of one hospital (one key) in an article (``found`` in text order) carry
    one name: the one with the most words, the first written at a tie ("Shanghai Tongren Hospital" for "Tongren
    Hospital in Shanghai" too). The key already says they are one hospital; without this
    its rows named it two ways.

    >>> n = lambda d: HospitalName(("name", "x", "|", "hospital"), d, "Y", ("x",), "hospital")
    >>> m = [HospitalMention(0, 10, "r", n("X Hospital")), HospitalMention(20, 35, "r", n("Y X Hospital"))]
    >>> [h.name.display for h in _one_display(m)]
    ['Y X Hospital', 'Y X Hospital']
    """
    chosen: dict[tuple[str, ...], str] = {}
    for h in found:
        best = chosen.get(h.name.key)
        if best is None or len(h.name.display.split()) > len(best.split()):
            chosen[h.name.key] = h.name.display
    return [
        h
        if chosen[h.name.key] == h.name.display
        else replace(h, name=replace(h.name, display=chosen[h.name.key]))
        for h in found
    ]


def _shared_cities(found: list[HospitalMention], rules: HospitalRules) -> list[HospitalMention]:
    """A hospital with no city takes the city of one that shares its distinctive name in
    the same article (Jiahui International Cancer Center, of Jiahui International Hospital);
    a name of institution words only distinguishes nothing ("University Hospitals" are not
    the "University Hospital Zurich" of the article)."""
    cities = {
        h.name.distinctive: h.name.city
        for h in found
        if h.name.city and h.name.distinctive and not set(h.name.distinctive) <= rules.institutions
    }
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
        for start, end in _alone(text, original.group(0), h.end):
            if any(s <= start < e for s, e in taken):
                continue
            out.append(HospitalMention(start, end, "hospital.short_form", h.name))
    return out


_CAPITAL_NEXT = re.compile(r"\s+[A-Z&]")


def _alone(text: str, word: str, start: int) -> Iterator[tuple[int, int]]:
    """Where ``word`` stands from ``start`` on as a whole word that no word, hyphen or
    apostrophe continues and no capitalised word follows (found with str.find: a regex
    per word, made per article, cost more than the rest of the step).

    >>> list(_alone("Jiahui said; Jiahui's; Jiahui Clinic; the Jiahui.", "Jiahui", 0))
    [(0, 6), (42, 48)]
    """
    at = text.find(word, start)
    while at != -1:
        end = at + len(word)
        if (
            (at == 0 or not (text[at - 1].isalnum() or text[at - 1] == "_"))
            and (end == len(text) or not (text[end].isalnum() or text[end] in "_'’-"))
            and not _CAPITAL_NEXT.match(text, end)
        ):
            yield at, end
        at = text.find(word, at + 1)
