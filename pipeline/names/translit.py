"""How machine translation spells Chinese names, and how alike two spellings sound.

Pure functions over the tables in patterns/transliteration.json:
- ``phonetic_key`` folds a spelling to consonant classes and vowels ("Akilunza" and
  "Ajilunsai" both become AKILUNSA...), so renderings of one syllable meet;
- ``segment_forms`` lists the ways a Chinese name part is written: its official English
  name, its pinyin, per-character mixes of pinyin and meaning ("giant" for 巨);
- names/similarity.py scores a candidate spelling against a name's forms with them.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from ..errors import PatternError
from ..nlp.scan import alternation
from ..rules import Rules, check_keys, compile_regex, expect, open_json, section, string_list
from ..words.chinese import load_variants
from ..words.numbers import load_numbers

FILE = "transliteration.json"
SCORING_KEYS = {
    "product_threshold",
    "company_threshold",
    "company_shaped_threshold",
    "short_company_threshold",
    "margin",
    "company_margin",
    "partial",
    "weights",
    "support",
    "support_floor",
    "report_floor",
    "list_floor",
    "segment_gate",
    "company_support_floor",
    "rendering_weight",
}
WEIGHT_KEYS = {"head", "tail", "inn_head"}
SUPPORT_KEYS = {
    "same_article",
    "company_in_article",
    "company_named_with",
    "trial_in_sentence",
    "price_in_sentence",
    "target_in_sentence",
    "company_makes_named_product",
    "therapy_in_sentence",
    "company_context",
}


@dataclass(frozen=True, eq=False)  # hashed by identity: the per-spelling caches key on it
class Translit:
    initials: dict[str, tuple[str, ...]]
    finals: dict[str, tuple[str, ...]]
    meanings: dict[str, tuple[str, ...]]
    corporate_suffixes: frozenset[str]
    industry_words: frozenset[str]
    digraphs: tuple[tuple[str, str], ...]
    letters: dict[str, str]
    soft_c_class: str
    name_shape: re.Pattern[str]
    drop_words: frozenset[str]
    # capitalised English words that also cut into pinyin syllables ("In June"): never
    # part of a spaced pinyin name
    not_pinyin_words: frozenset[str]
    # one pinyin syllable, as a whole word ("Yi", "Kai", "Da" of a spaced brand)
    pinyin_syllable: re.Pattern[str] | None
    scoring: dict[str, Any]
    # the phonetic key's regex (digraphs first, then a c before a soft vowel, then any
    # letter) and the class of each digraph and letter
    key_pattern: re.Pattern[str] = re.compile("(?!)")
    key_classes: dict[str, str] = field(default_factory=dict)
    # what marks a spaced pinyin run as a person's name: a word of speech right after it,
    # a title after a comma, either right before it (product_contexts.person)
    speech_after: re.Pattern[str] = re.compile("(?!)")
    title_after: re.Pattern[str] = re.compile("(?!)")  # ", director of ..."
    person_before: re.Pattern[str] = re.compile("(?!)")  # "Dr. X Y", "said X Y"
    # Chinese surnames in pinyin, lower case: a spaced pinyin run they lead that names no
    # product is a person's name, no candidate ("Wang Li met ...")
    surnames: frozenset[str] = frozenset()
    # what marks a company-shaped rendering as a person's name: a title right before it
    # ("Dr. X Y") or a person's role in an apposition after it ("X Y, a doctor at")
    title_before: re.Pattern[str] = re.compile("(?!)")
    role_after: re.Pattern[str] = re.compile("(?!)")
    inn_stems: tuple[str, ...] = ()
    # the INN of a CAR-T product the knowledge base does not hold ("arlocabtagene
    # autoleucel": a prefix, the CAR-T infix, a cell word), and its short form's ending
    # ("arlo-cel"): (regex of the INN, short ending)
    open_inn: re.Pattern[str] = re.compile("(?!)")
    open_inn_infix: re.Pattern[str] = re.compile("(?!)")
    open_inn_short: str = ""
    drug_stems: tuple[str, ...] = ()
    common_words: frozenset[str] = frozenset()
    place_words: frozenset[str] = frozenset()
    # unseen Chinese generic names: their endings (基奥仑赛), the longest head before
    # one, the characters a head never reaches past, and the words that may follow
    chinese_endings: dict[str, tuple[int, int]] = field(default_factory=dict)  # fewest, most
    chinese_boundary: frozenset[str] = frozenset()
    # words a head never starts inside (产品, 生物: "…产品X基仑赛" starts at X)
    chinese_boundary_words: frozenset[str] = frozenset()
    chinese_suffixes: tuple[str, ...] = ()
    # names of companies outside the knowledge base: the last words that make a
    # capitalised run company-shaped, and the words that keep it from being one
    open_ends: frozenset[str] = frozenset()
    open_excluded: frozenset[str] = frozenset()
    open_leading: frozenset[str] = frozenset()
    # a word right after a company-shaped run that makes it a description, not a name
    # ("Chinese Biotech companies", "a Biotech firm")
    open_generic_after: frozenset[str] = frozenset()
    # ... in Chinese text: places a name may start with (杭州X生物科技有限公司 is X生物),
    # and words before an industry word that name no company (中国生物科技公司)
    open_chinese_places: tuple[str, ...] = ()
    # words that lead a Chinese company name without being part of it (企业, 药企)
    open_chinese_leads: tuple[str, ...] = ()
    open_chinese_not_names: frozenset[str] = frozenset()
    # words that end no company's name before 公司: verbs of a clause (加入公司, 收购公司)
    open_chinese_not_ends: tuple[str, ...] = ()
    # verbs of a deal a company's Chinese name may follow with no boundary character
    # (收购X医药, 投资X生物): the name starts after them
    open_chinese_lead_verbs: tuple[str, ...] = ()
    # industry words that name a company with no legal suffix, and what may follow them
    # then (恒X医药宣布): (words, followers)
    open_chinese_unsuffixed: tuple[tuple[str, ...], tuple[str, ...]] = ((), ())
    # words that say a sentence is about the therapy ("CAR-T"): support for a name in it
    therapy_words: tuple[str, ...] = ()
    # what makes a company's short name ("Bristol") the company: words right before it
    # ("revenue for"), words right after it ("said", "shares") and words that join it to
    # another company named beside it
    company_before: tuple[str, ...] = ()
    company_after: tuple[str, ...] = ()
    company_joiners: tuple[str, ...] = ()
    # Chinese time words and adverbs that may stand between a company's stem and a word
    # of its context (科济今年将启动)
    company_adverbs: tuple[str, ...] = ()
    # Chinese words that, right before a known company's first Latin word, make it that
    # company, besides open_chinese_leads (公司X)
    company_chinese_before: tuple[str, ...] = ()
    company_ticker: re.Pattern[str] = re.compile("(?!)")  # "(LEGN)", "(NYSE: BMY)"


def _syllable(
    initials: dict[str, tuple[str, ...]], finals: dict[str, tuple[str, ...]]
) -> re.Pattern[str]:
    """One syllable of a Chinese name as English text writes it: an initial of the pinyin
    inventory or one of its renderings (ts for z), then a final or one of its renderings
    (ay for ai), any case.

    >>> s = _syllable({"z": ("z", "ts"), "d": ("d",)}, {"ai": ("ai", "ay"), "e": ("e",)})
    >>> [bool(s.fullmatch(w)) for w in ("Tse", "day", "Dai", "Dx")]
    [True, True, True, False]
    """
    heads = {x for k, v in initials.items() for x in (k, *v) if x}
    tails = {x for k, v in finals.items() for x in (k, *v) if x}
    return re.compile(f"(?i)(?:{alternation(heads)})?(?:{alternation(tails)})")


def _both_scripts(characters: str, t2s: dict[int, str]) -> frozenset[str]:
    """Characters with their traditional forms (與 beside 与): Taiwan and Hong Kong text
    is read as written.

    >>> sorted(_both_scripts("与的", {ord("與"): "与"}))
    ['与', '的', '與']
    """
    return frozenset(characters) | {chr(t) for t, s in t2s.items() if s in characters}


def _number_words(patterns: Rules) -> frozenset[str]:
    """The English number words of numbers.json (cardinals, tens, scales, ordinals)."""
    n = load_numbers(patterns)
    return frozenset(
        w.lower() for table in (n.units, n.tens, n.scales, n.ordinals, n.year_scales) for w in table
    )


@lru_cache(maxsize=8)
def load_translit(patterns: Rules) -> Translit:
    data, file = open_json(
        patterns,
        FILE,
        allowed={
            "initials",
            "finals",
            "meanings",
            "corporate_suffixes",
            "industry_words",
            "key",
            "product_contexts",
            "scoring",
            "inn_stems",
            "open_inns",
            "drug_stems",
            "common_words",
            "place_words",
            "open_companies",
            "therapy_words",
            "company_context",
        },
        required={"initials", "finals", "meanings", "key", "product_contexts", "scoring"},
    )
    key = section(data, "key", dict, file=file)
    open_spec = expect(data.get("open_companies", {}), dict, file=file, key="open_companies")
    unsuffixed = expect(
        open_spec.get("chinese_unsuffixed", {}),
        dict,
        file=file,
        key="open_companies.chinese_unsuffixed",
    )
    check_keys(
        open_spec,
        file=file,
        allowed={
            "ends",
            "not_in_name",
            "leading",
            "generic_after",
            "chinese_places",
            "chinese_leads",
            "chinese_not_names",
            "chinese_not_name_ends",
            "chinese_lead_verbs",
            "chinese_unsuffixed",
        },
        required=set(),
    )
    company_context = expect(
        data.get("company_context", {}), dict, file=file, key="company_context"
    )
    check_keys(
        company_context,
        file=file,
        allowed={
            "_comment",
            "before",
            "after",
            "joiners",
            "ticker",
            "chinese_adverbs",
            "chinese_before",
        },
        required=set(),
    )
    check_keys(
        key, file=file, allowed={"digraphs", "letters", "soft_c"}, required={"digraphs", "letters"}
    )
    contexts = section(data, "product_contexts", dict, file=file)
    check_keys(
        contexts,
        file=file,
        allowed={
            "name_shape",
            "drop_words",
            "pinyin_syllable",
            "chinese_generic",
            "not_pinyin_words",
            "person",
        },
        required={"name_shape"},
    )
    person = expect(contexts.get("person", {}), dict, file=file, key="product_contexts.person")
    check_keys(
        person,
        file=file,
        allowed={"speech_after", "titles_before", "surnames", "roles_after"},
        within="product_contexts.person",
    )
    speech = string_list(person.get("speech_after", []), file=file, key="person.speech_after")
    titles = string_list(person.get("titles_before", []), file=file, key="person.titles_before")
    roles = string_list(person.get("roles_after", []), file=file, key="person.roles_after")
    scoring = section(data, "scoring", dict, file=file)
    check_keys(scoring, file=file, allowed=SCORING_KEYS, required=SCORING_KEYS)
    for name, keys in (("weights", WEIGHT_KEYS), ("support", SUPPORT_KEYS)):
        part = expect(scoring[name], dict, file=file, key=f"scoring.{name}")
        check_keys(part, file=file, allowed=keys, required=keys, within=f"scoring.{name}")
        for k, v in part.items():
            _number(v, file, f"scoring.{name}.{k}")
    for k in SCORING_KEYS - {"weights", "support"}:
        _number(scoring[k], file, f"scoring.{k}")
    generic = expect(
        contexts.get("chinese_generic", {}), dict, file=file, key="product_contexts.chinese_generic"
    )
    check_keys(
        generic,
        file=file,
        allowed={"endings", "boundary", "boundary_words", "suffixes"},
        within="product_contexts.chinese_generic",
    )
    soft_c = key.get("soft_c", {"before": "", "class": "K"})
    digraphs = sorted(key["digraphs"].items(), key=lambda kv: -len(kv[0]))
    initials = {k: tuple(v) for k, v in section(data, "initials", dict, file=file).items()}
    finals = {k: tuple(v) for k, v in section(data, "finals", dict, file=file).items()}
    return Translit(
        initials=initials,
        finals=finals,
        meanings={
            k: string_list(v, file=file, key=f"meanings.{k}") for k, v in data["meanings"].items()
        },
        corporate_suffixes=frozenset(
            string_list(data.get("corporate_suffixes", []), file=file, key="corporate_suffixes")
        ),
        industry_words=frozenset(
            string_list(data.get("industry_words", []), file=file, key="industry_words")
        ),
        digraphs=tuple(digraphs),
        key_pattern=_key_pattern([g for g, _ in digraphs], soft_c["before"]),
        key_classes={**dict(key["letters"]), **dict(digraphs)},
        letters=dict(key["letters"]),
        soft_c_class=soft_c["class"],
        name_shape=compile_regex(
            contexts["name_shape"], file=file, key="product_contexts.name_shape"
        ),
        pinyin_syllable=_syllable(initials, finals),
        drop_words=frozenset(
            string_list(contexts.get("drop_words", []), file=file, key="drop_words")
        ),
        # (a comma may stand between: "X Y, director of ..., said" is read at its name)
        speech_after=re.compile(rf"(?i)\s*,?\s*(?:{alternation(speech)})\b" if speech else "(?!)"),
        title_before=re.compile(
            rf"(?i)(?<![A-Za-z])(?:{alternation(titles)})\s+$" if titles else "(?!)"
        ),
        role_after=re.compile(
            rf"(?i)\s*,\s*(?:the\s+|a\s+|an\s+)?(?:[\w'’-]+\s+){{0,2}}?(?:{alternation(roles)})"
            r"(?![A-Za-z])"
            if roles
            else "(?!)"
        ),
        surnames=frozenset(
            w.lower()
            for w in string_list(person.get("surnames", []), file=file, key="person.surnames")
        ),
        # (a bracket may stand between: "X Y (the name in Chinese), director of")
        title_after=re.compile(
            rf"(?i)\s*(?:[(（][^()（）]{{1,20}}[)）])?\s*,\s*(?:the\s+|a\s+|an\s+)?"
            rf"(?:{alternation(titles)})(?![A-Za-z])"
            if titles
            else "(?!)"
        ),
        # a title or a word of speech right before: "Professor X Y", "said X Y"
        person_before=re.compile(
            rf"(?i)(?<![A-Za-z])(?:{alternation([*titles, *speech, 'according to'])})\s+$"
        ),
        not_pinyin_words=frozenset(
            w.lower()
            for w in string_list(
                contexts.get("not_pinyin_words", []), file=file, key="not_pinyin_words"
            )
        ),
        scoring=scoring,
        inn_stems=tuple(
            sorted(
                (
                    s.replace(" ", "")
                    for s in string_list(data.get("inn_stems", []), file=file, key="inn_stems")
                ),
                key=len,
                reverse=True,
            )
        ),
        **_open_inns(data.get("open_inns"), file),
        drug_stems=string_list(data.get("drug_stems", []), file=file, key="drug_stems"),
        place_words=_lower_words(data, "place_words", file),
        # number words are ordinary words too ("Seventy" of "2seventy" with its digit gone)
        common_words=_lower_words(data, "common_words", file) | _number_words(patterns),
        chinese_endings={
            str(ending): _head_lengths(span, file, f"chinese_generic.endings.{ending}")
            for ending, span in expect(
                generic.get("endings", {}), dict, file=file, key="chinese_generic.endings"
            ).items()
        },
        chinese_boundary=_both_scripts(
            expect(generic.get("boundary", ""), str, file=file, key="chinese_generic.boundary"),
            load_variants(patterns),
        ),
        chinese_suffixes=string_list(
            generic.get("suffixes", []), file=file, key="chinese_generic.suffixes"
        ),
        chinese_boundary_words=frozenset(
            string_list(
                generic.get("boundary_words", []), file=file, key="chinese_generic.boundary_words"
            )
        ),
        therapy_words=string_list(data.get("therapy_words", []), file=file, key="therapy_words"),
        company_before=string_list(
            company_context.get("before", []), file=file, key="company_context.before"
        ),
        company_after=string_list(
            company_context.get("after", []), file=file, key="company_context.after"
        ),
        company_joiners=string_list(
            company_context.get("joiners", []), file=file, key="company_context.joiners"
        ),
        company_chinese_before=string_list(
            company_context.get("chinese_before", []),
            file=file,
            key="company_context.chinese_before",
        ),
        company_adverbs=string_list(
            company_context.get("chinese_adverbs", []),
            file=file,
            key="company_context.chinese_adverbs",
        ),
        company_ticker=compile_regex(
            company_context.get("ticker", "(?!)"), file=file, key="company_context.ticker"
        ),
        open_ends=_lower_words(open_spec, "ends", file, "open_companies."),
        open_leading=_lower_words(open_spec, "leading", file, "open_companies."),
        open_generic_after=_lower_words(open_spec, "generic_after", file, "open_companies."),
        open_excluded=_lower_words(open_spec, "not_in_name", file, "open_companies."),
        open_chinese_places=string_list(
            open_spec.get("chinese_places", []), file=file, key="open_companies.chinese_places"
        ),
        open_chinese_leads=string_list(
            open_spec.get("chinese_leads", []), file=file, key="open_companies.chinese_leads"
        ),
        open_chinese_not_names=frozenset(
            string_list(
                open_spec.get("chinese_not_names", []),
                file=file,
                key="open_companies.chinese_not_names",
            )
        ),
        open_chinese_not_ends=string_list(
            open_spec.get("chinese_not_name_ends", []),
            file=file,
            key="open_companies.chinese_not_name_ends",
        ),
        open_chinese_lead_verbs=string_list(
            open_spec.get("chinese_lead_verbs", []),
            file=file,
            key="open_companies.chinese_lead_verbs",
        ),
        open_chinese_unsuffixed=(
            string_list(
                unsuffixed.get("words", []),
                file=file,
                key="open_companies.chinese_unsuffixed.words",
            ),
            string_list(
                unsuffixed.get("followed_by", []),
                file=file,
                key="open_companies.chinese_unsuffixed.followed_by",
            ),
        ),
    )


def _key_pattern(digraphs: list[str], soft_before: str) -> re.Pattern[str]:
    """Digraphs (longest first), then a c before a soft vowel (a group of its own, which
    maps to the soft-c class), then any single letter."""
    graphs = "|".join(re.escape(g) for g in sorted(digraphs, key=len, reverse=True))
    soft = f"(?P<soft>c(?=[{re.escape(soft_before)}]))" if soft_before else "(?P<soft>(?!))"
    return re.compile(f"(?P<graph>{graphs})|{soft}|(?P<one>.)" if graphs else f"{soft}|(?P<one>.)")


def _lower_words(section: dict[str, Any], key: str, file: str, where: str = "") -> frozenset[str]:
    """A list of words of a rules section, lower case (absent: none)."""
    return frozenset(
        w.lower() for w in string_list(section.get(key, []), file=file, key=where + key)
    )


def _head_lengths(value: Any, file: str, key: str) -> tuple[int, int]:
    """[fewest, most] characters of a head before a Chinese ending."""
    if not (isinstance(value, list) and len(value) == 2 and all(isinstance(v, int) for v in value)):
        raise PatternError(file, "expected [fewest, most] characters", key=key)
    fewest, most = value
    if not 1 <= fewest <= most:
        raise PatternError(file, "expected 1 <= fewest <= most", key=key)
    return fewest, most


def _number(value: Any, file: str, key: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise PatternError(file, "expected a number", key=key)
    return float(value)


def letters_only(text: str) -> str:
    """Lower-case ASCII letters of a spelling ("WuXi Giant-Nuo" -> "wuxigiantnuo")."""
    folded = unicodedata.normalize("NFKD", text.lower())
    return _NOT_A_TO_Z("", folded)


_NOT_A_TO_Z = re.compile(r"[^a-z]").sub


def phonetic_key(text: str, t: Translit) -> str:
    """Fold a spelling to consonant classes and vowels; repeated classes collapse.

    >>> from pipeline.rules import load_patterns
    >>> t = load_translit(load_patterns())
    >>> phonetic_key("Akilunza", t) == phonetic_key("ajilunsa", t)
    True
    """
    return letter_key(letters_only(text), t)


@lru_cache(maxsize=50_000)
def letter_key(s: str, t: Translit) -> str:
    """phonetic_key of a string that is lower-case letters already."""
    # one regex pass: a digraph, a soft c, or one letter, each to its class
    classes, soft = t.key_classes, t.soft_c_class
    key = t.key_pattern.sub(
        lambda m: soft if m.lastgroup == "soft" else classes.get(m.group(0), ""), s
    )
    return collapse_repeats(key)


_REPEATS = re.compile(r"(.)\1+")


def collapse_repeats(key: str) -> str:
    """A key with each run of one character written once ("KKSS" -> "KS")."""
    return _REPEATS.sub(r"\1", key)


def split_syllable(syllable: str, t: Translit) -> tuple[str, str]:
    for size in (2, 1):
        head = syllable[:size]
        if len(syllable) > size and head in t.initials:
            return head, syllable[size:]
    return "", syllable


def syllable_forms(syllable: str, t: Translit) -> tuple[str, ...]:
    """Common machine renderings of one pinyin syllable ("lun" -> lun, len, run, ren, ...)."""
    initial, final = split_syllable(syllable, t)
    heads = t.initials.get(initial, (initial,)) if initial else ("",)
    tails = t.finals.get(final, (final,))
    forms = {h + f for h, f in itertools.product(heads, tails)}
    forms.add(syllable)
    return tuple(sorted(forms))


def segment_forms(
    pinyin: str | None, chinese: str | None, english: tuple[str, ...], t: Translit
) -> tuple[str, ...]:
    """Letter strings a name part may be written as: English names, pinyin, meaning mixes."""
    forms = {letters_only(e) for e in english}
    if pinyin:
        syllables = [s for s in re.split(r"[-\s]+", pinyin.lower()) if s]
        forms.add("".join(syllables))
        if chinese and len(chinese) == len(syllables):
            options = []
            for word, syls in _meaning_words(chinese, syllables, t):
                options.append(
                    ["".join(syls)] + [letters_only(m) for m in t.meanings.get(word, ())]
                )
            for combo in itertools.islice(itertools.product(*options), 64):
                forms.add("".join(combo))
    if chinese and chinese in t.meanings:
        forms.update(letters_only(m) for m in t.meanings[chinese])
    return tuple(sorted(f for f in forms if f))


def _meaning_words(chinese: str, syllables: list[str], t: Translit) -> list[tuple[str, list[str]]]:
    """Cut a Chinese name into the longest words the meanings table knows, else characters,
    each with its syllables ("生命科技" -> 生命/sheng-ming, 科技/ke-ji)."""
    out: list[tuple[str, list[str]]] = []
    i = 0
    while i < len(chinese):
        for size in range(min(4, len(chinese) - i), 0, -1):
            word = chinese[i : i + size]
            if size == 1 or word in t.meanings:
                out.append((word, syllables[i : i + size]))
                i += size
                break
    return out


def _open_inns(spec: Any, file: str) -> dict[str, Any]:
    """transliteration.json 'open_inns' as Translit fields: the INN shape of a CAR-T
    product (a prefix of at least 'prefix_min' letters, an 'infixes' word part, a space
    and one of 'second_words') and the ending of its short form ('short')."""
    if spec is None:
        return {}
    spec = expect(spec, dict, file=file, key="open_inns")
    check_keys(
        spec,
        file=file,
        allowed={"prefix_min", "infixes", "second_words", "short"},
        required={"infixes", "second_words"},
    )
    least = spec.get("prefix_min", 3)
    if not isinstance(least, int) or isinstance(least, bool) or least < 1:
        raise PatternError(file, "expected a whole number of letters", key="open_inns.prefix_min")
    infixes = alternation(string_list(spec["infixes"], file=file, key="open_inns.infixes"))
    seconds = alternation(
        string_list(spec["second_words"], file=file, key="open_inns.second_words")
    )
    return {
        "open_inn": re.compile(
            rf"(?i)(?<![A-Za-z-])(?P<prefix>[a-z]{{{least},}}?)(?:{infixes})\s+(?:{seconds})(?![A-Za-z])"
        ),
        "open_inn_infix": re.compile(f"(?i){infixes}"),
        "open_inn_short": str(spec.get("short", "")),
    }
