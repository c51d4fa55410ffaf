"""Prices: every money amount, normalised (amount, range, ISO currency), classified
(kind, per, qualifier) and tied to a product when its sentence names one.

The regexes are built in one place (``MoneyRules``) from the vocabularies of
patterns/money.json; ``find_money`` and ``classify`` are pure functions over plain text.
The spaCy component at the bottom only maps matches to sentences and product mentions.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any
from urllib.parse import unquote, urlsplit

from ..errors import PatternError
from ..nlp.scan import CJK, alternation, fast_fields, has_cjk, lowered
from ..nlp.scan import finditer as scan_finditer
from ..rules import Rules, check_keys, expect, load_patterns, open_json, section, string_list
from ..words.chinese import clause_break
from ..words.numbers import NumberWords, chinese_number, load_numbers, words_to_number
from ..words.qualifiers import Qualifiers, load_qualifiers

FILE = "money.json"
RATES_FILE = "exchange_rates.json"


def _prefix_alternation(symbols: list[str]) -> str:
    """Currency symbols written before a number. Letter-dollar symbols of two or more
    letters (HK$, US$, NT$) may be written in any case and with a space ("hk $ 10");
    one-letter ones (C$, S$) only in capitals, so "it's $5" stays a dollar."""
    parts: list[str] = []
    plain: list[str] = []  # literal symbols since the last letter-dollar one
    for symbol in sorted(set(symbols), key=lambda s: (-len(s), s)):
        letters = re.fullmatch(r"([A-Za-z]+)\$", symbol)
        if not letters:
            plain.append(symbol)
            continue
        if plain:  # (a run of literals, longest first, as one trie: scan.alternation)
            parts.append(alternation(plain))
            plain = []
        if len(letters.group(1)) >= 2:
            parts.append(f"(?i:{re.escape(letters.group(1))})\\s?\\$")
        else:
            parts.append(f"{re.escape(letters.group(1))}\\s?\\$")
    if plain:
        parts.append(alternation(plain))
    return "|".join(parts)


def _words_regex(words: Sequence[str], latin: bool) -> re.Pattern[str]:
    """The Latin words (``latin``) between word boundaries, or the others (Chinese)
    anywhere: there are no spaces between Chinese words."""
    if latin:
        chosen = [w for w in words if w.isascii()]
        return re.compile(r"\b(?:" + alternation(chosen) + r")\b" if chosen else "(?!)")
    chosen = [w for w in words if not w.isascii()]
    return re.compile("(?:" + alternation(chosen) + ")" if chosen else "(?!)")


def _any_words_regex(words: Sequence[str]) -> re.Pattern[str]:
    """The Latin words between word boundaries (any case) and the Chinese ones anywhere."""
    latin, chinese = _words_regex(words, latin=True), _words_regex(words, latin=False)
    return re.compile(f"(?i){latin.pattern}|{chinese.pattern}")


def _premium_regex(cues: dict[str, Any], file: str) -> re.Pattern[str]:
    """premium_cues as one regex: a word that marks a premium alone (enrollees, 保费), or a
    word of joining followed, within three words, by a plan's ("to join the city's
    insurance plan"; not "to join the trial")."""
    words = _any_words_regex(
        string_list(cues.get("words", []), file=file, key="premium_cues.words")
    )
    joining = string_list(cues.get("joining", []), file=file, key="premium_cues.joining")
    plans = string_list(cues.get("plans", []), file=file, key="premium_cues.plans")
    if not (joining and plans):
        return words
    joined = rf"\b(?:{alternation(joining)})\s+(?:[\w'’-]+\s+){{0,3}}?(?:{alternation(plans)})\b"
    return re.compile(rf"{words.pattern}|(?i:{joined})")


def _separator(words: tuple[str, ...], qualifiers: tuple[str, ...] = ()) -> str:
    """The range separator between two amounts: a sign with optional spaces around it
    ("1.2-2", "1.2 – 2"), or a word with spaces and perhaps a qualifier ("1.2 to 2",
    "$50,000 to over $100,000").

    >>> re.fullmatch(_separator(("-", "to"), ("over",)), " to over ") is not None
    True
    """
    # a word of Latin letters stands between spaces; signs and Chinese words (到, 至) not
    named = [w for w in words if w.isascii() and w.isalpha()]
    signs = [w for w in words if w not in named]
    parts = []
    if signs:
        parts.append(
            r"\s?(?:" + "|".join(map(re.escape, sorted(signs, key=len, reverse=True))) + r")\s?"
        )
    if named:
        qualifier = rf"(?:(?i:{alternation(qualifiers)})\s+)?" if qualifiers else ""
        parts.append(r"\s+(?:" + alternation(named) + r")\s+" + qualifier)
    return "(?P<sep>" + "|".join(parts) + ")"


def _prefix_code(matched: str, codes: dict[str, str]) -> str | None:
    key = re.sub(r"\s+", "", matched)
    return codes.get(key) or codes.get(key.upper()) or codes.get(key.replace("$", "").upper() + "$")


@dataclass(frozen=True)
class MoneyRules:
    money: tuple[tuple[str, re.Pattern[str]], ...]  # (rule id, regex), tried in order
    prefix_codes: dict[str, str]
    suffix_codes: dict[str, str]
    needs_multiplier: frozenset[str]
    multipliers: dict[str, float]
    implies: dict[str, str]
    numbers: NumberWords
    yen_context: re.Pattern[str]
    qualifiers: Qualifiers
    per_after: re.Pattern[str]
    per_before: re.Pattern[str]
    per: dict[str, str]
    per_cues: tuple[tuple[str, str], ...]
    kind_words: re.Pattern[str]  # every Latin kind keyword, matched in the lower-cased sentence
    kind_words_zh: re.Pattern[str]  # the Chinese ones, looked for only in Chinese text
    kinds: dict[str, tuple[int, str]]  # keyword -> (priority, kind); the first kind listed wins
    idle_kind: frozenset[str]  # phrases holding a kind word that decide no kind (lower case)
    # between an amount and its equivalent in another currency (equivalent_leads)
    equivalent_gap: re.Pattern[str]
    therapy: re.Pattern[str]
    rates: dict[str, dict[int, float]]
    # year -> "unchecked" or "provisional" (exchange_rates.json year_status); others published
    rate_status: dict[int, str]
    adjective_codes: dict[str, str]
    # a scaled ISO code ("MUSD", lower case) -> its multiplier
    code_scales: dict[str, float] = field(default_factory=dict)
    # "increased from" just before a "from X to Y": two amounts, not a range
    change_before: re.Pattern[str] = re.compile("(?!)")
    # a therapy word right after the amount ("the 1.2 million yuan drug"): a price
    therapy_after: re.Pattern[str] = re.compile("(?!)")
    # ... in Chinese: 的 and a therapy word of the amount's own phrase ("129万元的抗癌药")
    therapy_after_zh: re.Pattern[str] = re.compile("(?!)")
    # a word of a place, body or scheme ("programme", "centre", "trial"): what such a
    # subject costs is no price of a therapy
    not_therapy_head: re.Pattern[str] = re.compile("(?!)")
    # kind words that name a price itself ("the price to X"), which no scheme's cost is
    price_nouns: frozenset[str] = frozenset()
    # words of joining an insurance plan ("to join", "enrollees", 参保): what is paid in
    # their clause is a premium, not a therapy's price
    premium_cue: re.Pattern[str] = re.compile("(?!)")
    # the Chinese therapy words (therapy_words_zh), anywhere
    therapy_zh: re.Pattern[str] = re.compile("(?!)")
    # "to make", "to develop" after the amount: what it costs its maker, not a price
    production_after: re.Pattern[str] = re.compile("(?!)")
    # "costs the manufacturer X": what something costs its maker, not a price
    maker_before: re.Pattern[str] = re.compile("(?!)")
    # "per share", "/QALY" right after the amount: not a price
    other_unit_after: re.Pattern[str] = re.compile("(?!)")
    # a difference of amounts ("cut by $50,000", "$100,000 cheaper"): not a price
    difference_before: re.Pattern[str] = re.compile("(?!)")
    difference_after: re.Pattern[str] = re.compile("(?!)")
    # currency -> words whose presence in an article makes its bare 元/萬 that currency
    locale_currency: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # "¥33.49 million ($305,000)": the currency a ¥ amount is, told by how many of it make
    # the US dollar amount in the bracket after it (currency -> lowest, highest ratio)
    yen_ratios: dict[str, tuple[float, float]] = field(default_factory=dict)
    # "1.29 million yuan ($187,000)": a bare $ equivalent whose amount is the first one's
    # in US dollars, within these ratios, is the US dollar whatever place the article
    # names (usd_equivalent_ratio)
    usd_equivalent: tuple[float, float] = (1.0, 1.0)
    # a bare ¥ price at or above this is yen (yen_price_above)
    yen_price_above: float = float("inf")
    # a bare 元 price at or above this, on a page of no place, is the Taiwan dollar
    yuan_price_above: float = float("inf")
    # the ending of a web host -> a word of its place (".jp" -> Japan), read with the
    # article's text by local_currency and the ¥ rule (yen_context)
    url_places: dict[str, str] = field(default_factory=dict)
    # currency -> a regex of the places whose dollar a bare $ is (USD: the places that
    # keep it the US dollar)
    dollar_places: dict[str, re.Pattern[str]] = field(default_factory=dict)
    # any of them (one scan finds where a place is named; local_dollar)
    any_dollar_place: re.Pattern[str] = re.compile("(?!)")
    # "between 300,000 and": the bare low end of a range whose currency stands at its end
    between_low: re.Pattern[str] = re.compile("(?!)")
    # " and 475,000" after "between US$373,000": the bare high end of a range whose
    # currency stands at its start (not a percent; _bare_high refuses an amount there)
    bare_high: re.Pattern[str] = re.compile("(?!)")
    scale_word: re.Pattern[str] = re.compile("(?!)")
    # units that name no currency of their own (元): a currency written before decides
    generic_suffixes: frozenset[str] = frozenset()
    # a currency named before a Chinese qualifier, right before an amount in 元
    # (港幣約三百萬元): the amount's currency
    named_before: re.Pattern[str] = re.compile("(?!)")
    # the change words, lower case: a kind word that is one ("raised to") does not decide
    change_words: frozenset[str] = frozenset()
    # (lowest, highest) US dollars a price can be (price_bounds_usd)
    price_bounds: tuple[float, float] = (0.0, float("inf"))
    # the highest of them for a price that only a product's name in its sentence makes one
    named_high: float = float("inf")


def _price_above(data: dict[str, Any], key: str, file: str) -> float:
    """The amount at or above which a bare sign's price is another currency's (none: no
    amount is)."""
    return float(expect(data.get(key, float("inf")), (int, float), file=file, key=key))


# the end of a currency word after an amount: a word of letters ends where the letters
# do ("yuan", not "yuanbao"); a Chinese one (元) may be followed by anything ("4亿元B轮")
_SUFFIX_END = r"(?!(?<=[A-Za-z])[A-Za-z])"


@lru_cache(maxsize=8)
def load_money(patterns: Rules) -> MoneyRules:
    data, file = open_json(
        patterns,
        FILE,
        allowed={
            "currencies",
            "yen_context",
            "yen_by_equivalent",
            "usd_equivalent_ratio",
            "yen_price_above",
            "yuan_price_above",
            "multipliers",
            "scaled_codes",
            "implies",
            "range_separators",
            "adjective_currencies",
            "per",
            "per_cues",
            "per_not_before",
            "kinds",
            "therapy_words",
            "therapy_words_zh",
            "change_words",
            "saving_words",
            "difference_after",
            "range_qualifiers",
            "vague_counts",
            "counted_after",
            "other_units",
            "production_after",
            "makers",
            "locale_currency",
            "url_places",
            "dollar_places",
            "generic_suffixes",
            "not_therapy_heads",
            "price_nouns",
            "premium_cues",
            "idle_kind_phrases",
            "equivalent_leads",
            "price_bounds_usd",
        },
        required={"currencies", "multipliers", "per", "kinds"},
    )
    prefix_codes: dict[str, str] = {}
    suffix_codes: dict[str, str] = {}
    needs: set[str] = set()
    for code, spec in section(data, "currencies", dict, file=file).items():
        if not isinstance(spec, dict) or set(spec) - {"prefix", "suffix", "needs_multiplier"}:
            raise PatternError(
                file,
                "expected an object with prefix, suffix, needs_multiplier",
                key=f"currencies.{code}",
            )
        if not re.fullmatch(r"[A-Z]{3}", code):
            raise PatternError(file, "not an ISO 4217 code", key=f"currencies.{code}")
        for sym in spec.get("prefix", []):
            prefix_codes.setdefault(sym, code)
        for word in spec.get("suffix", []):
            suffix_codes.setdefault(word.lower(), code)
        needs.update(w.lower() for w in spec.get("needs_multiplier", []))
    multipliers = {k: float(v) for k, v in section(data, "multipliers", dict, file=file).items()}
    # "30 MUSD", "MEUR 120": a scale letter glued to an ISO code
    code_scales: dict[str, float] = {}
    scaled = expect(data.get("scaled_codes", {}), dict, file=file, key="scaled_codes")
    for letter, scale in scaled.items():
        if not isinstance(scale, (int, float)) or isinstance(scale, bool):
            raise PatternError(file, "expected a number", key=f"scaled_codes.{letter}")
        for code in sorted(set(prefix_codes.values())):
            prefix_codes.setdefault(letter + code, code)
            suffix_codes.setdefault((letter + code).lower(), code)
            code_scales[(letter + code).lower()] = float(scale)
    numbers = load_numbers(patterns)

    adjective_codes = {k.lower(): str(v) for k, v in data.get("adjective_currencies", {}).items()}
    implies = {k: str(v) for k, v in data.get("implies", {}).items()}
    prefix = _prefix_alternation(list(prefix_codes))
    suffix = "(?i:" + alternation(list(suffix_codes)) + ")"
    mult_words = [m for m in multipliers if len(m) > 1 or not m.isascii()]
    mult_word = "(?:" + alternation(mult_words) + ")"
    wordnum = numbers.regex()
    # 1,234,567.5 / 373 000 (a space, or a narrow or no-break one, between thousands) / 12.5
    number = (
        # ($450, 000: a space typed after the comma, right after a currency sign)
        r"(?:(?<=[$€£¥￥])\d{1,3}(?:, \d{3})+(?![\d.,])"
        # 40,00,000 (lakhs and crores: pairs of digits before the last three, as India
        # groups them)
        r"|\d{1,2}(?:,\d{2})+,\d{3}(?:\.\d+)?(?![\d,])"
        r"|\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?!\d|[.,]\d)"
        # 1.200.000 / 475.000 (points between thousands, as much of Europe writes them)
        r"|\d{1,3}(?:\.\d{3}){2,}(?![\d.,])|\d{1,3}\.000(?![\d.,])"
        # 370'000 (apostrophes between thousands, as Switzerland writes them)
        r"|\d{1,3}(?:['’]\d{3})+(?![\d'’])"
        # 1,2 million (a decimal comma, before a scale word)
        rf"|\d{{1,3}},\d{{1,2}}(?=[ \-]?{mult_word}(?![A-Za-z]))"
        # (a full-width point in Chinese text: １．５万元)
        r"|\d+(?:[.．]\d+)?)"
    )

    zh_digits = numbers.chinese
    # 十, 一千多, 两百: Chinese numerals, which count only before a scale word (萬, 亿)
    # (with a decimal part: 七點三億, 七‧三億)
    vague = string_list(data.get("vague_counts", []), file=file, key="vague_counts")
    counted = (
        alternation(string_list(data.get("counted_after", []), file=file, key="counted_after"))
        or "(?!)"
    )
    # (no amount right after a vague count: 数十万元 is "some hundreds of thousands")
    not_vague = "".join(f"(?<!{re.escape(w)})" for w in vague)
    zh_number = "(?!)" if not zh_digits else not_vague + numbers.chinese_regex() + "(?:多|余|餘)?"
    zh_tail = "(?!)" if not zh_digits else "[" + "".join(map(re.escape, zh_digits)) + "]+"

    def amount(i: int) -> str:
        # "1.2 million", "1.2m", "$475K", "120万", "one million", "1.2-million"
        # a compound Chinese amount goes on after its scale: 3349万3407, 九萬五千
        return (
            # (300多万元, 50余万元: "some" before a Chinese scale word)
            rf"(?:(?P<n{i}>{number})(?:[多余餘](?=[万萬亿億]))?|(?P<w{i}>{wordnum})|(?P<z{i}>{zh_number}))"
            rf"(?:(?P<ma{i}>[mMkKbB])(?![A-Za-z])|[ \-]?(?P<mw{i}>{mult_word})(?![A-Za-z])"
            rf"(?P<t{i}>(?<=[万萬])(?:\d{{1,4}}(?![\d.,．千仟百佰])|{zh_tail})(?![万萬亿億])"
            # (Arabic digits with Chinese places: 99万9千, 1亿2千万)
            rf"|(?<=[万萬亿億])\d(?:[千仟百佰十拾]\d?)+(?:(?<=[千仟])[万萬])?(?![\d万萬亿億]))?)?"
        )

    range_qualifiers = string_list(
        data.get("range_qualifiers", []), file=file, key="range_qualifiers"
    )
    sep = _separator(
        string_list(data.get("range_separators", ["-", "to"]), file=file, key="range_separators"),
        range_qualifiers,
    )
    # not the 2 of "1 1/2 million" nor the 200 of "1,200"; a comma after a word is a
    # clause's ("上市时,120万元": Chinese text often has no space after it)
    start = r"(?<![A-Za-z0-9_.$/])(?<![0-9],)"
    rules = (
        # US$373,000 / RMB 1.2 million / $400K - 750K / ₹40-45 lakh (currency first)
        (
            "money.prefixed",
            re.compile(
                rf"(?<![A-Za-z])(?P<pre>{prefix})\s?{amount(1)}(?:{sep}(?:{prefix})?\s?{amount(2)})?"
                rf"(?:\s?(?P<suf>{suffix}){_SUFFIX_END})?"
            ),
        ),
        # 1.2 million yuan / 1.2 to 2 million yuan / 120万元 / 373,000 US dollars (currency after)
        (
            "money.suffixed",
            re.compile(
                rf"{start}{amount(1)}(?:{sep}{amount(2)})?[\s-]?(?P<suf>{suffix}){_SUFFIX_END}"
                rf"(?:\s(?P<mwa>{mult_word})(?![A-Za-z]))?"
            ),
        ),
        # million-dollar / billion-yuan (an adjective)
        (
            "money.adjective",
            re.compile(
                # (a number before it: "two-million-pound", "1.5-million-dollar",
                # "half-a-million-dollar")
                rf"(?<![\w-])(?:(?:(?P<n1>\d+(?:\.\d+)?)|(?P<w1>{wordnum}))[ -])?"
                rf"(?:multi-?)?(?P<mw1>million|billion)-(?P<suf>{alternation(adjective_codes)})s?\b"
            ),
        ),
        # lakh and crore imply rupees: "2 crore", "40-45 lakh"; 万 and 亿 yuan, unless
        # what they count follows (4万例, 百万人: counted_after; 人民币 is money)
        (
            "money.implied",
            re.compile(
                rf"{start}(?:(?P<n1>{number})|(?P<z1>{zh_number}))(?:{sep}(?P<n2>{number}))?\s?"
                rf"(?P<imp>{alternation(list(implies))})(?![A-Za-z])"
                rf"(?!(?!人民[币幣])[多余餘]?(?:{counted}))"
            ),
        ),
    )

    qualifiers = load_qualifiers(patterns)
    # the heads of places, bodies and schemes, whose cost is no therapy's price
    not_heads = alternation(
        string_list(data.get("not_therapy_heads", []), file=file, key="not_therapy_heads")
    )
    per = {k.lower(): v for k, v in section(data, "per", dict, file=file).items()}
    per_alt = alternation(list(per))
    kinds: dict[str, tuple[int, str]] = {}
    zh_therapy = expect(data.get("therapy_words_zh", {}), dict, file=file, key="therapy_words_zh")
    zh_therapy_words = string_list(
        zh_therapy.get("words", []), file=file, key="therapy_words_zh.words"
    )
    for priority, (kind, words) in enumerate(section(data, "kinds", dict, file=file).items()):
        if kind not in {"price", "revenue", "investment", "market", "reimbursement", "other"}:
            raise PatternError(file, "unknown kind", key=f"kinds.{kind}")
        for word in string_list(words, file=file, key=f"kinds.{kind}"):
            kinds.setdefault(word.lower(), (priority, kind))
    idle_kind = frozenset(
        w.lower()
        for w in string_list(data.get("idle_kind_phrases", []), file=file, key="idle_kind_phrases")
    )
    leads = expect(data.get("equivalent_leads", {}), dict, file=file, key="equivalent_leads")
    check_keys(leads, file=file, allowed={"bracket", "comma"}, within="equivalent_leads")
    in_bracket = alternation(
        string_list(leads.get("bracket", []), file=file, key="equivalent_leads.bracket")
    )
    after_comma = alternation(
        string_list(leads.get("comma", []), file=file, key="equivalent_leads.comma")
    )
    # what stands between an amount and its equivalent in another currency (perhaps after
    # what the first is paid for: "1.1 million yuan per patient, or about $155,000")
    equivalent_gap = re.compile(
        rf"(?i)^\s*(?:[(\[（]\s*(?:(?:{in_bracket or '(?!)'})\s*)?"
        rf"|(?:(?:per|each|a|an)\s+[a-z]+)?\s*[,，]\s*(?:{after_comma or '(?!)'})\s*)$"
    )
    rates = {}
    rates_data = patterns.json(RATES_FILE)
    rates_file = patterns.path(RATES_FILE)
    for code, by_year in section(rates_data, "rates", dict, file=rates_file).items():
        year_rates = expect(by_year, dict, file=rates_file, key=f"rates.{code}")
        for y, r in year_rates.items():
            if not (str(y).isdigit() and isinstance(r, (int, float)) and not isinstance(r, bool)):
                raise PatternError(
                    rates_file, "expected a year and a number of units", key=f"rates.{code}.{y}"
                )
        rates[code] = {int(y): float(r) for y, r in year_rates.items()}
    rate_status: dict[int, str] = {}
    statuses = expect(rates_data.get("year_status", {}), dict, file=rates_file, key="year_status")
    for status, years in statuses.items():
        if status not in ("unchecked", "provisional"):
            raise PatternError(
                rates_file, "expected unchecked or provisional", key=f"year_status.{status}"
            )
        for year in expect(years, list, file=rates_file, key=f"year_status.{status}"):
            if not isinstance(year, int):
                raise PatternError(rates_file, "expected a year", key=f"year_status.{status}")
            rate_status[year] = status
    place_words = {
        code: string_list(words, file=file, key=f"dollar_places.{code}")
        for code, words in expect(
            data.get("dollar_places", {}), dict, file=file, key="dollar_places"
        ).items()
        if not code.startswith("_")
    }
    dollar_places = {
        code: re.compile(r"(?<![A-Za-z])(?:" + alternation(words) + r")(?![A-Za-z])")
        for code, words in place_words.items()
    }
    bounds = expect(data.get("price_bounds_usd", {}), dict, file=file, key="price_bounds_usd")
    change_words = string_list(data.get("change_words", []), file=file, key="change_words")
    # a change word and up to two words, before "from" or "by" and the amount
    change_word = rf"(?i)\b(?:{alternation(change_words)})\s+"
    saving = string_list(data.get("saving_words", []), file=file, key="saving_words")
    # "a year earlier", "a month later": a time, not what the amount is for
    per_not_before = string_list(data.get("per_not_before", []), file=file, key="per_not_before")
    changed = rf"{change_word}(?:\w+\s+){{0,2}}"
    difference_after = string_list(
        data.get("difference_after", []), file=file, key="difference_after"
    )
    return fast_fields(
        MoneyRules(
            money=rules,
            prefix_codes=prefix_codes,
            suffix_codes=suffix_codes,
            needs_multiplier=frozenset(needs),
            multipliers=multipliers,
            implies=implies,
            numbers=numbers,
            yen_context=re.compile(
                r"\b(?:" + alternation(data.get("yen_context", ["yen"])) + r")\b"
            ),
            dollar_places=dollar_places,
            any_dollar_place=re.compile(
                r"(?<![A-Za-z])(?:"
                + alternation(w for ws in place_words.values() for w in ws)
                + r")(?![A-Za-z])"
                if any(place_words.values())
                else "(?!)"
            ),
            between_low=re.compile(rf"(?i)\bbetween\s+{amount(1)}\s+and\s+$"),
            bare_high=re.compile(
                rf"(?i)\s+(?:and|to)\s+{amount(1)}(?![\d.,]*\s*(?:%|percent\b|per cent\b))"
            ),
            scale_word=re.compile(rf"(?<![A-Za-z]){mult_word}(?![A-Za-z])"),
            url_places={
                str(k).lower(): str(v)
                for k, v in expect(
                    data.get("url_places", {}), dict, file=file, key="url_places"
                ).items()
            },
            yen_price_above=_price_above(data, "yen_price_above", file),
            yuan_price_above=_price_above(data, "yuan_price_above", file),
            yen_ratios={
                str(code): _ratio_pair(pair, file, f"yen_by_equivalent.{code}")
                for code, pair in expect(
                    data.get("yen_by_equivalent", {}), dict, file=file, key="yen_by_equivalent"
                ).items()
            },
            usd_equivalent=(
                _ratio_pair(data["usd_equivalent_ratio"], file, "usd_equivalent_ratio")
                if "usd_equivalent_ratio" in data
                else (1.0, 1.0)
            ),
            qualifiers=qualifiers,
            named_before=re.compile(
                rf"(?P<pre>{prefix})\s?(?:{alternation(list(qualifiers.han))})\s?$"
                if qualifiers.han
                else "(?!)"
            ),
            per_after=re.compile(
                # (past the amount's own bracket, or another amount's in brackets:
                # "£300,000 ($391,551) per patient")
                r"(?i)^\)?\s*(?:\([^()]{1,40}\)\s*)?(?:-\s*)?"
                r"(?:per|a|an|each|every|/|一|每|for\s+(?:one|each|a|every|the|one single))\s*-?\s*"
                rf"(?P<unit>{per_alt})(?![A-Za-z])"
                + (rf"(?!\s+(?:{alternation(per_not_before)})\b)" if per_not_before else "")
            ),
            per_before=re.compile(
                rf"(?i)(?:\b(?:one|a|each|per|every|the)\s+(?:single\s+|one-time\s+)?(?P<unit>{per_alt})\s+"
                r"(?:of|costs?|is|was|at|for|(?:is\s+|was\s+)?(?:priced|sold|listed)\s+at)\s+"
                # (and a qualifier: "a single dose costs about X")
                rf"(?:(?:{alternation([w for w in qualifiers.table if w.isascii()])})\s+)?"
                # 每针100万元, 一剂130万元
                rf"|(?:每|一|单|單)\s*(?P<unit_zh>{per_alt})[^\s，,。；]{{0,4}}\s*)$"
            ),
            per=per,
            per_cues=tuple(
                sorted(
                    ((k.lower(), v) for k, v in data.get("per_cues", {}).items()),
                    key=lambda kv: -len(kv[0]),
                )
            ),
            # (an idle phrase holding a kind word is read whole, so the word is not)
            kind_words=_words_regex([*kinds, *idle_kind], latin=True),
            kind_words_zh=_words_regex([*kinds, *idle_kind], latin=False),
            kinds=kinds,
            idle_kind=idle_kind,
            equivalent_gap=equivalent_gap,
            therapy=re.compile(r"(?i)\b(?:" + alternation(data.get("therapy_words", [])) + r")\b"),
            not_therapy_head=re.compile(r"(?i)\b(?:" + not_heads + r")\b"),
            premium_cue=_premium_regex(
                expect(data.get("premium_cues", {}), dict, file=file, key="premium_cues"), file
            ),
            therapy_zh=_any_words_regex(zh_therapy_words),
            price_nouns=frozenset(
                w.lower()
                for w in string_list(data.get("price_nouns", []), file=file, key="price_nouns")
            ),
            rates=rates,
            rate_status=rate_status,
            adjective_codes=adjective_codes,
            code_scales=code_scales,
            change_words=frozenset(w.lower() for w in change_words),
            change_before=re.compile(rf"{changed}(?:from|by)\s+(?:\w+\s+){{0,2}}$"),
            # (the thing changed may stand between: "cut the price of its CAR-T therapy by")
            difference_before=re.compile(
                rf"{change_word}(?:[\w'’-]+\s+){{0,8}}by\s+(?:\w+\s+){{0,2}}$"
                # what a saving saves ("save the insurer $80,000", "a saving of $60,000"),
                # in its own clause ("saved lives and costs $400,000" is a price)
                rf"|\b(?:{alternation(saving) or '(?!)'})\s+"
                r"(?:(?!(?:and|or|but|which|that|while|whereas|costs?|is|was|are|were)\b)"
                r"[\w'’-]+\s+){0,4}$"
            ),
            difference_after=re.compile(rf"(?i)\s+(?:{alternation(difference_after) or '(?!)'})\b"),
            locale_currency={
                code: string_list(words, file=file, key=f"locale_currency.{code}")
                for code, words in expect(
                    data.get("locale_currency", {}), dict, file=file, key="locale_currency"
                ).items()
            },
            production_after=re.compile(
                r"(?i)^\s*(?:(?:each|apiece|per\s+[a-z]+|a\s+[a-z]+)\s+)?(?:"
                + (
                    alternation(
                        string_list(
                            data.get("production_after", []), file=file, key="production_after"
                        )
                    )
                    or "(?!)"
                )
                + ")"
            ),
            maker_before=re.compile(
                r"(?i)\b(?:cost|costs|costing)\s+(?:the\s+|its\s+|their\s+|a\s+)?(?:"
                + (
                    alternation(string_list(data.get("makers", []), file=file, key="makers"))
                    or "(?!)"
                )
                + r")\b[^.;:]{0,40}$"
            ),
            other_unit_after=re.compile(
                r"(?i)^\s*(?:per|/|a|each)\s*(?:"
                + alternation(
                    string_list(data.get("other_units", []), file=file, key="other_units")
                )
                + r")\b"
            ),
            therapy_after=re.compile(
                # up to three modifiers, none a function word ("from cell therapy" is not one)
                r"(?i)^[\s-]*(?:(?!(?:of|from|for|after|before|in|on|to|the|a|an|per|each|by|with|at|as"
                # nor a word that starts another clause ("59 yuan and covers the drug")
                r"|and|or|but|which|that|who|is|was|are|were|will|would|can|could|may|has|have|had"
                r"|its|their|not)\b)"
                r"[\w-]+\s+){0,3}?(?:" + alternation(data.get("therapy_words", [])) + r")\b"
                # not a place or body named after a therapy ("a $105 million treatment centre")
                r"(?![\s-]+(?:" + not_heads + r")\b)"
            ),
            therapy_after_zh=_therapy_after_zh(
                zh_therapy_words,
                expect(zh_therapy.get("not_in", ""), str, file=file, key="therapy_words_zh.not_in"),
                [w for w, (_, kind) in kinds.items() if kind != "price" and CJK.match(w)],
            ),
            generic_suffixes=frozenset(
                string_list(data.get("generic_suffixes", []), file=file, key="generic_suffixes")
            ),
            price_bounds=(float(bounds.get("low", 0.0)), float(bounds.get("high", float("inf")))),
            named_high=float(bounds.get("named_high", float("inf"))),
        )
    )


# ---------------------------------------------------------------- pure parsing


# the most times its low end a range's high end may be, when only the high end has a
# scale and the low end reads as a whole amount ("999,000 to 1.2 million")
RANGE_SPREAD = 20


@dataclass(frozen=True)
class Money:
    start: int
    end: int
    rule: str
    amount: float
    amount_high: float | None
    currency: str


_POINT_THOUSANDS = re.compile(r"\d{1,3}(?:\.\d{3}){2,}|\d{1,3}\.000")
# "1,2" (million): a decimal comma, read only before a scale word
_DECIMAL_COMMA = re.compile(r"\d{1,3},\d{1,2}")


def _value(m: re.Match[str], i: int, rules: MoneyRules) -> tuple[float | None, float | None]:
    """(number, multiplier) of side i of a match; number None when absent."""
    n, w = m.groupdict().get(f"n{i}"), m.groupdict().get(f"w{i}")
    z = m.groupdict().get(f"z{i}")
    mult_text = m.groupdict().get(f"ma{i}") or m.groupdict().get(f"mw{i}")
    mult = None
    if mult_text:
        mult = rules.multipliers.get(mult_text, rules.multipliers.get(mult_text.lower()))
    tail = m.groupdict().get(f"t{i}")
    if tail and mult:
        rest = _tail_value(tail, rules)
        head, _ = _value_of(n, w, z, m, rules, mult)
        if head is None or rest is None:
            return None, None
        return head + rest / mult, mult
    return _value_of(n, w, z, m, rules, mult)


_TO_CHINESE_DIGITS = str.maketrans("0123456789", "零一二三四五六七八九")


def _tail_value(tail: str, rules: MoneyRules) -> float | None:
    """The value of what follows a scale word in a compound amount: digits (3349万3407),
    Chinese numerals (九萬五千), or digits with Chinese places (99万9千, 1亿2千万: 2千万 is
    twenty million).

    >>> r = default_money()
    >>> [_tail_value(t, r) for t in ("3407", "五千", "9千", "2千万")]
    [3407.0, 5000.0, 9000.0, 20000000.0]
    """
    if tail.isdigit():
        return float(tail)
    scale = 10_000.0 if tail[-1] in "万萬" else 1.0
    value = chinese_number(tail.rstrip("万萬").translate(_TO_CHINESE_DIGITS), rules.numbers)
    return None if value is None else value * scale


def _value_of(
    n: str | None,
    w: str | None,
    z: str | None,
    m: re.Match[str],
    rules: MoneyRules,
    mult: float | None,
) -> tuple[float | None, float | None]:
    if n:
        if mult is None and _POINT_THOUSANDS.fullmatch(n):
            n = n.replace(".", "")
        if _DECIMAL_COMMA.fullmatch(n):
            n = n.replace(",", ".")
        return float(re.sub(r"[,\s'’]", "", n).replace("．", ".")), mult
    if w:
        value = words_to_number(w, rules.numbers)
        if value is None or (rules.numbers.needs_scale(w) and mult is None):
            return None, None
        return value, mult
    if z:
        value = chinese_number(z, rules.numbers)
        mult = mult or rules.multipliers.get(m.groupdict().get("imp") or "")
        if value is None or mult is None:  # "一" alone is no amount
            return None, None
        return value, mult
    return (1.0, mult) if mult else (None, None)


def _currency(m: re.Match[str], rule: str, context: str, rules: MoneyRules) -> str | None:
    suf = m.groupdict().get("suf")
    pre = m.groupdict().get("pre")
    if suf and pre and suf in rules.generic_suffixes:
        suf = None  # "美金475,000元": the currency named before the number
    if suf:
        code = rules.suffix_codes.get(suf.lower()) or rules.adjective_codes.get(suf.lower())
        if code and not (pre and _prefix_code(pre, rules.prefix_codes) not in (None, "USD", "CNY")):
            return code
    if pre:
        code = _prefix_code(pre, rules.prefix_codes) or "USD"
        if pre in ("¥", "￥") and rules.yen_context.search(context):
            return "JPY"
        return code
    if m.groupdict().get("imp"):
        return rules.implies.get(m.group("imp").lower())
    return None


def trigger_words(rules: MoneyRules) -> set[str]:
    """Words of which every money amount holds one: currency signs and codes, the head
    word of each currency name ("dollars" of "US dollars"), rupee scale words."""
    words = {sym.replace(" ", "") for sym in rules.prefix_codes}
    words |= {name.split()[-1] for name in rules.suffix_codes}
    return words | set(rules.implies) | set(rules.adjective_codes)


# characters before an amount that a currency and a qualifier before it may take
NAMED_BEFORE_REACH = 12


def find_money(
    text: str,
    rules: MoneyRules,
    context: str | None = None,
    spans: list[tuple[int, int]] | None = None,
) -> list[Money]:
    """Every money amount in text (only inside ``spans`` when given: windows around
    trigger words), non-overlapping, in order.

    >>> r = default_money()
    >>> [(m.amount, m.amount_high, m.currency) for m in find_money("It costs 1.2 to 2 million yuan.", r)]
    [(1200000.0, 2000000.0, 'CNY')]
    >>> [(m.amount, m.currency) for m in find_money("RMB1.2m, or US$373,000 and 120万元", r)]
    [(1200000.0, 'CNY'), (373000.0, 'USD'), (1200000.0, 'CNY')]
    """
    found = []
    for order, (rule, regex) in enumerate(rules.money):
        for m in scan_finditer(regex, text, spans):
            found.append((m.start(), -(m.end() - m.start()), order, rule, m))
    found.sort(key=lambda t: (t[0], t[1], t[2]))
    out: list[Money] = []
    taken = -1
    for start, _neg, _order, rule, m in found:
        if start < taken:
            continue
        money = _to_money(m, rule, context if context is not None else text, rules)
        if money is None:
            continue
        groups = m.groupdict()
        if (groups.get("suf") or "") in rules.generic_suffixes and not groups.get("pre"):
            named = rules.named_before.search(text, max(0, start - NAMED_BEFORE_REACH), start)
            if named is not None:
                # 港幣約三百萬元: the currency named before the qualifier
                code = _prefix_code(named.group("pre"), rules.prefix_codes) or money.currency
                money = replace(money, rule="money.named_before", currency=code)
        out.append(money)
        taken = m.end()
        if money.end < taken:
            # a range read as none ("cut $475,000 to $400,000"): the rest holds amounts
            # of its own
            out.extend(find_money(text, rules, context, [(money.end, taken)]))
    out = _shared_scales(text, out, rules)
    return _yen_by_equivalent(text, _changes(text, _between_ranges(text, out, rules), rules), rules)


# what joins two amounts that share the scale written after the second ("$1.2 and $1.5
# million", "$25.6- and $387.4-million", "$2-$3 million")
_SCALE_JOIN = re.compile(r"(?i)\s*-?\s*(?:and|or|to|&)\s*|\s*[-–—~]\s*")


def _shared_scales(text: str, found: list[Money], rules: MoneyRules) -> list[Money]:
    """An amount written with no scale right before one of its currency written with
    one, joined as a pair, takes that scale ("$1.2 and $1.5 million": 1.2 million), when
    the scaled amount is under a thousand (no price is "$1.2") and no more than
    RANGE_SPREAD times the second.

    >>> r = default_money()
    >>> [m.amount for m in find_money("fees of $25.6- and $387.4-million", r)]
    [25600000.0, 387400000.0]
    >>> [m.amount for m in find_money("$500 and $2 million", r)]
    [500.0, 2000000.0]
    """
    out = list(found)
    for i, (a, b) in enumerate(itertools.pairwise(found)):
        if (
            a.amount_high is not None
            or a.amount >= 1000
            or a.currency != b.currency
            or not _SCALE_JOIN.fullmatch(text, a.end, b.start)
            or rules.scale_word.search(text, a.start, a.end)
        ):
            continue
        word = rules.scale_word.search(text, b.start, b.end)
        scale = rules.multipliers.get(word.group(0)) if word else None
        if scale is None or a.amount * scale > b.amount * RANGE_SPREAD:
            continue
        out[i] = replace(a, amount=round(a.amount * scale, 6))
    return out


# a bracket opening right after an amount, up to where its equivalent starts
_EQUIVALENT_GAP = re.compile(
    r"(?i)^\s*[(（]\s*(?:about|approximately|around|roughly|nearly|~|≈)?\s*$"
)


def _yen_by_equivalent(text: str, found: list[Money], rules: MoneyRules) -> list[Money]:
    """A ¥ amount with its US dollar equivalent in brackets is yuan or yen by the ratio
    of the two ("¥33.49 million ($305,000)": 110 to the dollar, yen).

    >>> r = default_money()
    >>> [m.currency for m in find_money("It costs ¥33.49 million ($305,000) there.", r)]
    ['JPY', 'USD']
    >>> [m.currency for m in find_money("It costs ¥1.2 million ($175,000) there.", r)]
    ['CNY', 'USD']
    """
    if not rules.yen_ratios:
        return found
    out = list(found)
    for i, (money, after) in enumerate(itertools.pairwise(found)):
        if (
            text[money.start : money.start + 1] not in ("¥", "￥")
            or after.currency != "USD"
            or not after.amount
            or not _EQUIVALENT_GAP.match(text[money.end : after.start])
        ):
            continue
        ratio = money.amount / after.amount
        for code, (low, high) in rules.yen_ratios.items():
            if low <= ratio <= high:
                out[i] = replace(money, currency=code)
    return out


def _ratio_pair(value: Any, file: str, key: str) -> tuple[float, float]:
    pair = expect(value, list, file=file, key=key)
    if len(pair) != 2 or not all(isinstance(v, int | float) for v in pair):
        raise PatternError(file, "expected [lowest, highest]", key=key)
    return float(pair[0]), float(pair[1])


_BETWEEN = re.compile(r"(?i)\bbetween\s+$")
_AND = re.compile(r"^\s+and\s+$")
# "from (around) X to (over) Y": the words around two amounts that make them one range
_FROM = re.compile(r"(?i)\bfrom\s+(?:\w+\s+){0,2}$")
_TO = re.compile(r"(?i)^\s+(?:up\s+)?to\s+(?:\w+\s+){0,2}$")
_WORD_TO = re.compile(r"(?i)\s+to\s+")
_ZH_TO = re.compile(r"^\s*[至到~～—-]\s*$")


def _between_ranges(text: str, found: list[Money], rules: MoneyRules) -> list[Money]:
    """Two amounts of one currency that are one range: "between $500,000 and $1 million",
    "from around $50,000 to over $100,000" (unless a change word precedes the "from":
    "increased from X to Y" are two prices); "between 300,000 and 500,000 dollars", whose
    low end has its currency (and scale) only at the range's end.

    >>> r = default_money()
    >>> [(m.amount, m.amount_high) for m in find_money("between 1.5 and 2 million dollars", r)]
    [(1500000.0, 2000000.0)]
    """
    out: list[Money] = []
    for money in found:
        low = _bare_low(text, money, rules)
        if low is not None:
            out.append(low)
            continue
        high = _bare_high(text, money, found, rules)
        if high is not None:
            out.append(high)
            continue
        last = out[-1] if out else None
        if (
            last is not None
            and last.amount_high is None
            and money.amount_high is None
            and last.currency == money.currency
            and money.amount > last.amount
        ):
            gap, lead = text[last.end : money.start], text[max(0, last.start - 30) : last.start]
            between = _AND.match(gap) and _BETWEEN.search(lead[-12:])
            from_to = _TO.match(gap) and _FROM.search(lead) and not rules.change_before.search(lead)
            # 100万元至150万元, "40 million yen to 50 million yen": two amounts of one
            # currency, each with it, joined by "to" alone (a change says its verb:
            # 从120万元降至99万元, "cut $475,000 to $400,000")
            joined = (
                (_ZH_TO.match(gap) or _WORD_TO.fullmatch(gap))
                and money.amount <= last.amount * RANGE_SPREAD
                and not rules.change_before.search(lead)
            )
            if between or from_to or joined:
                rule = "money.between" if between else "money.from_to"
                out[-1] = Money(
                    last.start, money.end, rule, last.amount, money.amount, last.currency
                )
                continue
        out.append(money)
    return out


def _bare_low(text: str, money: Money, rules: MoneyRules) -> Money | None:
    """``money`` with the bare number of "between N and" before it as its low end."""
    if money.amount_high is not None:
        return None
    m = rules.between_low.search(text, max(0, money.start - 60), money.start)
    if m is None or m.end() != money.start:
        return None
    low, scale = _value(m, 1, rules)
    if low is None:
        return None
    if scale is None:  # "between 1.5 and 2 million": the end's scale is both ends'
        word = rules.scale_word.search(text, money.start, money.end)
        scale = rules.multipliers[word.group(0)] if word else 1.0
        if low >= 1000 and low * scale >= money.amount > low:
            scale = 1.0  # "between 800,000 and 1.1 million": the low end written in full
    amount = round(low * scale, 6)
    if amount >= money.amount:
        return None
    return Money(m.start(), money.end, "money.between", amount, money.amount, money.currency)


def _bare_high(text: str, money: Money, found: list[Money], rules: MoneyRules) -> Money | None:
    """``money`` as the low end of "between US$373,000 and 475,000" or "from $X to Y":
    the bare number after it (no amount found there) is the high end, in its currency,
    at its own scale or, written without one, at the low end's ("from $1.2 million to
    1.5"); larger than the low end and at most RANGE_SPREAD times it."""
    if money.amount_high is not None:
        return None
    lead = text[max(0, money.start - 30) : money.start]
    between = _BETWEEN.search(lead[-12:]) is not None
    if not between and (_FROM.search(lead) is None or rules.change_before.search(lead)):
        return None
    m = rules.bare_high.match(text, money.end)
    if m is None or (between and not m.group(0).lstrip().lower().startswith("and")):
        return None
    if any(money.end < f.start < m.end() for f in found):
        return None  # an amount of its own stands there
    high, scale = _value(m, 1, rules)
    if high is None:
        return None
    if scale is None:
        word = rules.scale_word.search(text, money.start, money.end)
        scale = rules.multipliers[word.group(0)] if word else 1.0
    amount = round(high * scale, 6)
    if amount <= money.amount or amount > money.amount * RANGE_SPREAD:
        return None
    rule = "money.between" if between else "money.from_to"
    return Money(money.start, m.end(), rule, money.amount, amount, money.currency)


# a place whose dollar a bare $ is though the article names others: named at least this
# often, and this many times as often as all others together
DOMINANT_MENTIONS = 3
DOMINANT = 3


def local_dollar(text: str, rules: MoneyRules, also: str = "") -> str | None:
    """The currency of a bare $ in an article: the dollar of the one place it names (in
    its text or ``also``, what its address says), when it names no US place; or of the
    place it names far more often than any other (DOMINANT times all others together:
    an Australian story that once mentions travel to the United States).

    >>> local_dollar("Sydney hospitals charge $500,000.", default_money())
    'AUD'
    >>> local_dollar("In Toronto and at the FDA, $1 million.", default_money()) is None
    True
    >>> local_dollar("Australia, Australian, Melbourne; a trip to the US.", default_money())
    'AUD'
    """
    counts = dollar_place_counts(f"{text}\n{also}" if also else text, rules)
    if not counts:
        return None
    top = max(sorted(counts), key=lambda c: counts[c])
    others = sum(counts.values()) - counts[top]
    if top == "USD":
        return None
    if others == 0 or (counts[top] >= DOMINANT_MENTIONS and counts[top] >= DOMINANT * others):
        return top
    return None


def dollar_place_counts(where: str, rules: MoneyRules) -> dict[str, int]:
    """How many times ``where`` names a place of each dollar (dollar_places), counting
    every position where one of its places starts."""
    # Every place named matches the union of all places where it starts, so stepping
    # through the union's matches (overlapping ones too) and asking each place's regex
    # there finds the same places as asking each currency's at every position.
    counts: dict[str, int] = {}
    hit = rules.any_dollar_place.search(where)
    while hit is not None:
        for c, place in rules.dollar_places.items():
            if place.match(where, hit.start()):
                counts[c] = counts.get(c, 0) + 1
        hit = rules.any_dollar_place.search(where, hit.start() + 1)
    return counts


_DOLLARS_AT_END = re.compile(r"(?<![A-Za-z])(?i:dollars?)$")
_WORD_BEFORE_DOLLARS = re.compile(r"([A-Za-z.]+) $")


def bare_dollar(amount_text: str, rules: MoneyRules) -> bool:
    """Whether an amount's currency is written only as $ or "dollars" (no US$, HK$, "US
    dollars"): a word before "dollars" names its country unless it is a scale word
    ("a million dollars").

    >>> r = default_money()
    >>> [bare_dollar(t, r) for t in ("$5", "500 dollars", "a million dollars", "US dollars")]
    [True, True, True, False]
    """
    if amount_text.startswith("$"):
        return True
    dollars = _DOLLARS_AT_END.search(amount_text)
    if dollars is None:
        return False
    before = _WORD_BEFORE_DOLLARS.search(amount_text, 0, dollars.start())
    return before is None or before.group(1).lower() in rules.multipliers


def _changes(text: str, found: list[Money], rules: MoneyRules) -> list[Money]:
    """A range written "X to Y" after a change word ("rose from $465,000 to $555,300",
    "rose from $373,000 to 399,000") is two amounts: the one before and the one after."""
    out: list[Money] = []
    for money in found:
        lead = text[max(0, money.start - 40) : money.start]
        to = _WORD_TO.search(text, money.start, money.end)
        if money.amount_high is not None and to and rules.change_before.search(lead):
            first = find_money(text[money.start : to.start()], rules)
            second = find_money(text[to.end() : money.end], rules)
            s0, s1 = money.start, to.end()
            if len(first) == 1 and len(second) == 1:
                a, b = first[0], second[0]
                out.append(Money(s0 + a.start, s0 + a.end, a.rule, a.amount, None, a.currency))
                out.append(Money(s1 + b.start, s1 + b.end, b.rule, b.amount, None, b.currency))
                continue
            if len(first) == 1 and not second:
                # "rose from $373,000 to 399,000": the second number is bare, in the first's
                # currency (and scale: the range read it so)
                a = first[0]
                out.append(Money(s0 + a.start, s0 + a.end, a.rule, a.amount, None, a.currency))
                out.append(Money(s1, money.end, a.rule, money.amount_high, None, a.currency))
                continue
        out.append(money)
    return out


# two neighbouring Chinese digits before a unit: an approximate range (六七十, 三四百)
_APPROXIMATE_PAIR = re.compile(r"([一二两三四五六七八])([二三四五六七八九])([十百千]?)")


# the characters before an ambiguous unit ("pounds") read for a word of money
MONEY_WORD_REACH = 60


def _money_said(m: re.Match[str], low: float, rules: MoneyRules) -> bool:
    """Whether an amount in a unit that may be no money ("282,000 pounds") is money all
    the same: a thousand or more, after a word that says what money is (costs, paid,
    reimbursed: a kind keyword) in its clause.

    >>> r = default_money()
    >>> [[x.amount for x in find_money(t, r)] for t in ("It costs 282,000 pounds.", "He weighed 150 pounds.")]
    [[282000.0], []]
    >>> [x.currency for x in find_money("Set at 360,039,359 won ($296,138) per shot.", r)]
    ['KRW', 'USD']
    """
    if low < 1000:
        return False
    if _EQUIVALENT_AFTER.match(m.string, m.end()):
        return True  # "360,039,359 won ($296,138)": its value in another currency
    before = m.string[max(0, m.start() - MONEY_WORD_REACH) : m.start()]
    return rules.kind_words.search(lowered(_SENTENCE_STOP.split(before)[-1])) is not None


# what ends the words an amount is read with (its clause, before or after it)
_SENTENCE_STOP = re.compile(r"[.;:!?]")

# an amount in another currency in brackets right after an amount
_EQUIVALENT_AFTER = re.compile(r"\s*[(（]\s*(?:[A-Z]{0,3}\$|[€£¥₩￥]|USD|EUR|GBP|CNY|JPY|RMB)\s?\d")


# the groups of a money match's first number (amount(1)): digits, words or Chinese, and
# its scale
_SIDE_ONE = ("n1", "w1", "z1", "ma1", "mw1", "t1")


def _to_money(m: re.Match[str], rule: str, context: str, rules: MoneyRules) -> Money | None:
    low, low_mult = _value(m, 1, rules)
    if low is None:
        return None
    high, high_mult = _value(m, 2, rules)
    suf = (m.groupdict().get("suf") or "").lower()
    if (
        suf in rules.needs_multiplier
        and not (low_mult or high_mult)
        and not _money_said(m, low, rules)
    ):
        return None
    currency = _currency(m, rule, context, rules)
    if currency is None:
        return None
    if m.groupdict().get("imp"):
        low_mult = high_mult = rules.multipliers[m.group("imp").lower()]
    # a multiplier after the code ("75 USD million") or in it ("30 MUSD")
    code = (m.groupdict().get("pre") or suf or "").replace(" ", "").lower()
    after = m.groupdict().get("mwa")
    scale = rules.multipliers[after.lower()] if after else rules.code_scales.get(code)
    if scale is not None and low_mult is None and high_mult is None:
        low_mult = high_mult = scale
    amount_high = high * (high_mult or 1.0) if high is not None else None
    # "1.2 to 2 million": the multiplier covers both ends, unless the low end is already
    # of the high end's size ("999,000 to 1.2 million"; one too small is no range, below)
    if (
        amount_high is not None
        and low_mult is None
        and high_mult is not None
        and (low * high_mult < amount_high or low * RANGE_SPREAD < amount_high)
    ):
        low_mult = high_mult
    # "$1.2 million to 1.5": the low end's multiplier covers a bare high end above it
    if (
        high is not None
        and high_mult is None
        and low_mult is not None
        and low < high < low * RANGE_SPREAD
    ):
        amount_high = high * low_mult
    pair = _APPROXIMATE_PAIR.fullmatch(m.groupdict().get("z1") or "")
    if pair is not None and high is None:
        # 六七十万元: "sixty or seventy" ten-thousands, a range
        low, high = (chinese_number(pair.group(d) + pair.group(3), rules.numbers) for d in (1, 2))
        if low is None or high is None or high <= low:
            return None
        amount_high = high * (low_mult or 1.0)
    amount = low * (low_mult or 1.0)
    if amount_high is not None and amount_high <= amount:
        if m.groupdict().get("pre"):
            # "$475,000 to 500 hospitals": the currency is the first number's, the second
            # no part of the amount
            end = max(m.end(g) for g in _SIDE_ONE if m.groupdict().get(g))
            return Money(m.start(), end, rule, round(amount, 6), None, currency)
        # "5-2 million yuan" is not a range: the amount is its second number's
        second = min(m.start(g) for g in ("n2", "w2", "z2") if m.groupdict().get(g))
        return Money(second, m.end(), rule, round(amount_high, 6), None, currency)
    return Money(
        m.start(), m.end(), rule, round(amount, 6), amount_high and round(amount_high, 6), currency
    )


@dataclass(frozen=True)
class Classification:
    kind: str
    per: str | None
    qualifier: str | None
    # a price only because its sentence names a product (no word near it says so)
    named_only: bool = False


# how far (in characters, weighted 1.5 after the amount) a kind word decides an amount's
# kind, and a margin longer than any kind word
KIND_REACH = 120
KIND_MARGIN = 60


# an amount a price noun is the subject of, in the amount's own clause ("the price
# after insurance is about", "its list price of", "the cost per patient was")
_PRICE_SUBJECT = re.compile(
    r"(?i)\b(?:price|cost|fee|charge|bill)s?\b[^,;:.()]{0,50}?"
    r"\b(?:is|was|are|were|of|at|reache[sd]|totals?|totall?ed|came to|comes to|amounts? to)\s+"
    r"(?:[a-z]+\s+){0,2}$"
)

# what a clause break between a kind word and an amount adds to their distance
CLAUSE_COST = 40
_CHANGE_AFTER = re.compile(r"\s+(?:to|from|by)\b")
_CLAUSE_BREAK = re.compile(r"[,;:()—]|\b(?:which|while|but|whereas|although)\b")

# "reimbursed at", "cover the therapy at": the amount is the rate paid for it (not
# "capped at": a cap)
_RATE_AT = re.compile(r"(?i)\b(?:reimburs|cover)\w*\b[^,;:.]{0,40}?\bat\s+$")
# units of time an amount may be per ("a premium of 59 yuan per year"): no treatment
_TIME_UNITS = frozenset({"day", "week", "month", "year"})

# characters read on each side of an amount for its qualifier, per unit and cues
NEAR = 100


@lru_cache(maxsize=64)
def _names_therapy(therapy: re.Pattern[str], sentence: str) -> bool:
    """Whether a sentence names a therapy: asked once per sentence, not per amount in it
    (a string's hash is kept, so asking again costs nothing)."""
    return therapy.search(sentence) is not None


# an amount's purpose right after it: "for the mental health sector", "to build a ..."
_PURPOSE = re.compile(r"\s*(?:for|towards?|to build|to fund)\s+((?:[\w'’-]+\s*){1,5})")


def _for_scheme(after: str, rules: MoneyRules) -> bool:
    """Whether the words right after an amount give it to a place, body or scheme ("for
    the mental health sector", "for a new cell therapy centre"): one of not_therapy_heads
    within five words, with no therapy word after it."""
    m = _PURPOSE.match(after)
    if m is None:
        return False
    words = m.group(1)
    head = rules.not_therapy_head.search(words)
    return head is not None and rules.therapy.search(words, head.end()) is None


def _scheme_subject(before: str, after: str, rules: MoneyRules) -> bool:
    """Whether the clause of an amount is about a place, body or scheme before it and
    names no therapy ("the new centre will cost", "running the programme costs"; not
    "the company put a $X price on its therapy")."""
    clause = _SENTENCE_STOP.split(before)[-1]
    rest = _SENTENCE_STOP.split(after)[0]
    return (
        rules.not_therapy_head.search(clause) is not None
        and rules.therapy.search(clause) is None
        and rules.therapy.search(rest) is None
    )


# 多, 余 or 餘 between a number and its Chinese scale word: more than the number says
_SOME_MORE = re.compile(r"[\d一二三四五六七八九十百千][多余餘](?=[万萬亿億])")


def classify(
    sentence: str,
    start: int,
    end: int,
    rules: MoneyRules,
    product: bool = False,
    named: bool = False,
) -> Classification:
    """kind, per and qualifier of the amount at sentence[start:end], from nearby words.
    ``product``: the amount stands in brackets right after a product's name, so with no
    word that says what it is, it is that product's price ("Yescarta ($373,000) and ...").
    ``named``: the sentence names a product, which, as a therapy word does, makes an
    amount with no word of its own its price ("Kymriah is listed in the US at $475,000")."""
    # only the words near the amount count: slicing the whole sentence per amount made a
    # sentence of thousands of amounts quadratic
    before, after = sentence[max(0, start - NEAR) : start], sentence[end : end + NEAR]
    qualifier = rules.qualifiers.of(before, after)
    if qualifier is None and _SOME_MORE.search(sentence, start, end):
        qualifier = "over"  # 800餘萬元, 300多万元: "some" after the number, more than it
    per = None
    pa = rules.per_after.match(after[:50])
    pb = rules.per_before.search(before[-50:])
    if pa:
        per = rules.per[pa.group("unit").lower()]
    elif pb:
        per = rules.per[(pb.group("unit") or pb.group("unit_zh")).lower()]
    else:
        tail = before[-90:].lower()
        for cue, unit in rules.per_cues:
            if cue in tail:
                per = unit
                break
    best: tuple[float, int, str, float] | None = None
    best_word = ""
    named_only = False
    # one pass over the lower-cased text near the amount (a case-blind regex per kind
    # cost 90 us); a word farther than KIND_REACH never decides, and the margin keeps
    # words cut at the edges of the piece out of reach too
    lo = max(0, start - KIND_REACH - KIND_MARGIN)
    near = lowered(sentence[lo : end + KIND_REACH + KIND_MARGIN])
    found = list(rules.kind_words.finditer(near))
    if CJK.search(near):
        found += rules.kind_words_zh.finditer(near)
    # a per unit written with the amount ("每人平均650萬元") makes it the amount's own
    # clause that says what it is: kind words past a Chinese clause break do not decide
    own_clause = (pa or pb) is not None
    for m in found:
        m_start, m_end = m.start() + lo, m.end() + lo
        if own_clause and clause_break(
            sentence[m_end:start] if m_end <= start else sentence[end:m_start]
        ):
            continue
        if m_end <= start:
            gap, distance = sentence[m_end:start], float(start - m_end)
        elif m_start >= end:
            gap, distance = sentence[end:m_start], (m_start - end) * 1.5 + 5
        else:
            continue
        # a word in the amount's own clause governs it before one past a clause break
        rank = distance + CLAUSE_COST * len(_CLAUSE_BREAK.findall(gap))
        if m.group(0) in rules.change_words and _CHANGE_AFTER.match(near, m.end()):
            continue  # "raised to $475,000": a change of the amount, not what it is
        if m.group(0) in rules.idle_kind:
            continue  # "products already on the market": no market size
        priority, kind = rules.kinds[m.group(0)]
        candidate = (rank, priority, kind, distance)
        if best is None or candidate < best:
            best, best_word = candidate, m.group(0)
    if (
        rules.other_unit_after.match(after[:40])
        or rules.production_after.match(after[:40])
        or rules.maker_before.search(before[-90:])
    ):
        kind = "other"  # "$9 per share", "$100,000/QALY", "$10,000 to make", "costs its maker"
    elif rules.difference_before.search(before[-60:]) or rules.difference_after.match(after[:40]):
        kind = "other"  # "cut the price by $50,000", "$100,000 cheaper than": a difference
    elif (subject := _PRICE_SUBJECT.search(before[-90:])) is not None and not (
        # (the subject runs to the amount: a word within it is nearer than its length)
        best is not None and best[2] == "other" and best[3] <= len(subject.group())
    ):
        # "the price after insurance is X": the amount is what it costs (unless its
        # subject is a cost that is no price: "the incremental cost ... was X")
        kind = "price"
    elif rules.therapy_after.match(after[:40]) or rules.therapy_after_zh.match(after[:40]):
        kind = "price"  # "the 1.2 million yuan one-shot drug": the amount names the price
    elif best is not None and best[3] <= KIND_REACH:
        kind = best[2]
        if (
            kind == "price"
            and per is None
            and not product
            and best_word not in rules.price_nouns  # "the company set the price at X"
            and _scheme_subject(before, after, rules)
        ):
            kind = "other"  # "funding the programme will cost $14 million": a budget
    elif per is not None or product:
        kind = "price"
    elif (therapy := _names_therapy(rules.therapy, sentence)) or named:
        # what a therapy sentence's amount with no word of its own is, unless it is for a
        # place, body or scheme ("and $16 million for the mental health sector")
        kind = "other" if _for_scheme(after[:60], rules) else "price"
        named_only = kind == "price" and not therapy
    else:
        kind = "other"
    # an amount for one patient, dose or treatment is what the therapy costs (a payer's
    # too: "the insurer pays X per patient"), whatever deal or sales word is near; a cap
    # on what a payer covers ("up to X per case") stays reimbursement
    if (
        per is not None
        and per not in _TIME_UNITS
        and (
            kind in ("investment", "market", "revenue")
            or (kind == "reimbursement" and qualifier != "up to")
        )
    ):
        kind = "price"
    elif kind == "reimbursement" and qualifier is None and _RATE_AT.search(before[-60:]):
        kind = "price"  # "insurers reimburse it at X": the rate a payer pays for it
    if kind == "price" and _premium(before, after, rules):
        kind = "reimbursement"  # "members pay 129 yuan a year to join": a premium
    # (what follows only ever makes an amount a price, so a named-only price stays one)
    return Classification(kind, per, qualifier, named_only)


def _premium(before: str, after: str, rules: MoneyRules) -> bool:
    """Whether the clause of an amount speaks of joining an insurance plan (premium_cues)
    and names no therapy: "Enrollees pay 129 yuan a year to join the plan", "参保人每年缴纳
    69元"; not "enrollees pay 200,000 yuan for the CAR-T drug"."""
    clause = _PREMIUM_BREAK.split(before[-90:])[-1] + " " + _PREMIUM_BREAK.split(after[:90])[0]
    return (
        rules.premium_cue.search(clause) is not None
        and rules.therapy.search(clause) is None
        and rules.therapy_zh.search(clause) is None
    )


# what ends the clause of a premium: a break of _CLAUSE_BREAK's or a Chinese one
_PREMIUM_BREAK = re.compile(rf"{_CLAUSE_BREAK.pattern}|[，；。：、]")


def _therapy_after_zh(words: Iterable[str], not_in: str, other_kinds: list[str]) -> re.Pattern[str]:
    """An amount's own phrase naming a therapy in Chinese: 的, up to eight characters of
    its modifiers, then a therapy word (the longest there) that neither starts a longer
    word of a maker or a regulator (a character of ``not_in`` after it) nor stands
    before a word of another kind (``other_kinds``): "120万元的药", "129万元的抗癌药即将";
    not "5亿元的药企", "2亿元的药品销售收入".

    >>> r = _therapy_after_zh(["药", "药品", "疗法"], "企", ["销售收入"])
    >>> [bool(r.match(t)) for t in ("的抗癌药即将", "的CAR-T疗法。", "的药企", "融资的药", "的药品销售收入")]
    [True, True, False, False, False]
    """
    words = list(words)
    if not words:
        return re.compile("(?!)")
    stops = [f"[{re.escape(not_in)}]"] if not_in else []
    if other_kinds:
        stops.append(alternation(other_kinds))
    after = f"(?!{'|'.join(stops)})" if stops else ""
    # (atomic: a longer word that fails is not tried again as its first character)
    return re.compile(rf"^\s*的[^\s，,。；;：:、的]{{0,8}}?(?>{alternation(words)}){after}")


def url_place_text(url: str | None, rules: MoneyRules) -> str:
    """What an article's web address says of its place: the place word of its host's
    ending (url_places) and its decoded path ("/香港只有一種..." names Hong Kong).

    >>> url_place_text("https://www.example.co.jp/news/a%20b", default_money())
    'Japan /news/a b'
    """
    if not url:
        return ""
    parts = urlsplit(url if "//" in url else "//" + url)
    host = (parts.hostname or "").lower()
    place = next((w for end, w in rules.url_places.items() if host.endswith(end)), "")
    return f"{place} {unquote(parts.path)}".strip()


def local_currency(text: str, rules: MoneyRules, also: str = "") -> str | None:
    """The currency of a bare 元 or 萬 in an article written in Chinese: the one whose
    place the article (or ``also``: what its address says) names (Taiwan, Hong Kong),
    when exactly one does.

    >>> local_currency("台灣健保給付760萬元", default_money()), local_currency("120万元", default_money())
    ('TWD', None)
    """
    if not has_cjk(text):
        return None
    found = named_currencies(f"{text}\n{also}" if also else text, rules)
    if not found and any(c in text for c in rules.locale_currency.get("_traditional", ())):
        return "TWD"  # traditional script, no place named: most such news is Taiwan's
    return found.pop() if len(found) == 1 else None


def named_currencies(text: str, rules: MoneyRules) -> set[str]:
    """The currencies whose places (locale_currency) ``text`` names."""
    return {
        code
        for code, words in rules.locale_currency.items()
        if not code.startswith("_") and any(w in text for w in words)
    }


def bare_yuan(amount_text: str) -> bool:
    """Whether an amount's currency is written only as 元 or 萬 (no 人民币, 美元, 港元)."""
    return bool(_BARE_YUAN.search(amount_text))


_BARE_YUAN = re.compile(r"(?:[\d\s萬万亿億千百十]元|[萬万亿億])$")


def to_usd(amount: float, currency: str, year: int | None, rules: MoneyRules) -> float | None:
    if currency == "USD":
        return amount
    if year is None:
        return None
    rate = rules.rates.get(currency, {}).get(year)
    return None if rate is None else round(amount / rate, 2)


def latest_usd(amount: float, currency: str, rules: MoneyRules) -> float | None:
    """An amount in US dollars at its currency's latest rate (None: no rate)."""
    if currency == "USD":
        return amount
    by_year = rules.rates.get(currency)
    return amount / by_year[max(by_year)] if by_year else None


def plausible_price(
    amount: float, currency: str, per: str | None, rules: MoneyRules, named_only: bool = False
) -> bool:
    """Whether an amount can be what one therapy or service costs: not above the highest
    price (a budget, a deal), nor below the lowest unless paid per a unit, at the
    currency's latest rate (named_high for a price only a product's name makes one). A
    currency with no rate is not judged.

    >>> r = default_money()
    >>> plausible_price(1.2e6, "CNY", None, r), plausible_price(3e9, "USD", None, r)
    (True, False)
    >>> plausible_price(59, "CNY", None, r), plausible_price(500, "CNY", "day", r)
    (False, True)
    """
    usd = latest_usd(amount, currency, rules)
    if usd is None:
        return True
    low, high = rules.price_bounds
    if named_only:
        high = min(high, rules.named_high)
    return usd <= high and (usd >= low or per is not None)


def usd_rate_status(currency: str, year: int | None, rules: MoneyRules) -> str | None:
    """How far the rate behind amount_usd can be trusted: "published" (a G.5A figure),
    "unchecked" (entered by hand), "provisional" (an estimate of a year not yet
    published); None when no rate was used (a USD amount, or no rate for the year)."""
    if currency == "USD" or year is None or year not in rules.rates.get(currency, {}):
        return None
    return rules.rate_status.get(year, "published")


def default_money() -> MoneyRules:
    return load_money(load_patterns())
