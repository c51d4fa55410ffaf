"""Response rates: efficacy percentages with their metric, range, timepoint,
indication and product. Everything else that is a percentage (market shares, adverse
events, price cuts, confidence intervals) is left out.

``find_rates(sentence, rules)`` is pure: one sentence in, RateFacts (offsets relative
to the sentence) out. The component maps sentences and product mentions.
"""

from __future__ import annotations

import itertools
import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from ..errors import PatternError
from ..nlp.link import VERSUS_END, VERSUS_GAP
from ..nlp.scan import alternation, fast_fields, widen
from ..nlp.scan import finditer as scan_finditer
from ..rules import Rules, check_keys, expect, load_patterns, open_json, section, string_list
from ..words.chinese import HAN, clause_break, load_variants
from ..words.numbers import NumberWords, chinese_number, load_numbers, words_to_number
from ..words.qualifiers import Qualifiers, load_qualifiers

FILE = "rates.json"


@dataclass(frozen=True)
class Lexicon:
    """Phrases (case-insensitive) and abbreviations (exact case) mapped to labels."""

    regex: re.Pattern[str] | None
    labels: dict[str, str]  # lower-cased phrase or exact abbreviation -> label
    # traditional -> simplified characters, one for one: Taiwan and Hong Kong text is
    # read in the simplified forms the phrases are written in (offsets unchanged)
    t2s: dict[int, str] = field(default_factory=dict)

    def find(self, text: str) -> list[tuple[int, int, str]]:
        if self.regex is None:
            return []
        if text.isascii():
            return self._found(text)
        if self.t2s:
            text = text.translate(self.t2s)
        out = self._found(text)
        across = []
        for g in _CHINESE_GAP.finditer(text):
            # a Chinese phrase read across a bracketed abbreviation or blanks inside it
            # (总缓解（ORR）率, 微小残留病灶（MRD）阴性率): matched in the characters on
            # either side of the gap without it (no phrase is longer than PHRASE_REACH),
            # offsets mapped back; it replaces the shorter phrases found inside it
            lo, hi = max(0, g.start() - PHRASE_REACH), min(len(text), g.end() + PHRASE_REACH)
            left = g.start() - lo
            for s, e, label in self._found(text[lo : g.start()] + text[g.end() : hi]):
                if s < left < e:  # (it holds the gap)
                    gap = g.end() - g.start()
                    across.append((lo + s, lo + e + gap, label))
        if across:
            out = [o for o in out if not any(a[0] <= o[0] and o[1] <= a[1] for a in across)]
            out = sorted(out + across)
        return out

    def _found(self, text: str) -> list[tuple[int, int, str]]:
        out = []
        for m in self.regex.finditer(text):  # type: ignore[union-attr]
            word = m.group(0)
            label = self.labels.get(word) or self.labels.get(_fold(word))
            if label is not None:
                out.append((m.start(), m.end(), label))
        return out


# the most characters of a Chinese phrase on one side of a gap inside it
PHRASE_REACH = 16
# what may interrupt a Chinese phrase: a bracketed abbreviation, or blanks (one blanked)
_CHINESE_GAP = re.compile(
    rf"(?<={HAN.pattern})(?:\s*[(（]\s*[A-Za-z][\w/+-]{{0,9}}\s*[)）]\s*|\s+)(?={HAN.pattern})"
)


def _fold(word: str) -> str:
    """A phrase as the labels hold it: lower case, hyphens as spaces, one space between
    words ("Leukemia-free  survival" -> "leukemia free survival")."""
    return " ".join(word.lower().replace("-", " ").split())


def _lexicon(
    phrases: dict[str, str], exact: dict[str, str], t2s: dict[int, str] | None = None
) -> Lexicon:
    parts = []
    if phrases:
        parts.append("(?i:" + alternation(list(phrases)) + ")")
    if exact:
        parts.append(alternation(list(exact)))
    if not parts:
        return Lexicon(None, {})
    # a space in a phrase matches any run of blanks (a blanked abbreviation leaves
    # several), a hyphen a hyphen or a space ("leukemia-free", "leukemia free")
    body = "|".join(parts).replace("\\ ", r"\s+").replace("\\-", r"[-\s]")
    # a phrase is a whole word of Latin letters; Chinese text has no spaces, so only
    # letters, digits and hyphens around it end a match, and none at a Chinese end of
    # a phrase ("B-ALL完全缓解")
    regex = re.compile(
        rf"(?:(?<![A-Za-z0-9_-])|(?={HAN.pattern}))(?:{body})"
        rf"(?:(?<={HAN.pattern})|(?![A-Za-z0-9_-]|-(?:free|negative)\b))"
    )
    labels = {_fold(k): v for k, v in phrases.items()}
    labels.update(exact)
    return Lexicon(regex, labels, t2s or {})


# a word holding one of these (letters as a whole word) marks a sentence that may state
# a figure (the units of the figure regex below: "%", "percent", "per cent", "pct")
UNIT_WORDS = ("%", "％", "percent", "cent", "pct")
# and the characters of Chinese figures written in words (百分之八十, 八成五, 三分之二, 半数): a
# sentence holding one is read whole
CHINESE_UNIT_WORDS = ("百分之", "成", "分之", "半数")
# a sentence that may hold a Chinese figure in words (read whole, the unit words being
# before the number or inside it): 百分之..., or a numeral before 成
_CHINESE_FIGURE = re.compile("百分之|[一二三四五六七八九1-9]成|分之|半数")
# words that pair a list of figures with a list of metrics in order
RESPECTIVELY = ("respectively", "分别", "分別")
# characters after 成 that make it part of a word, not "tenths" (成为, 成功, 一成不变)
CHENG_WORDS = "为為功长長本员員立果绩績熟交不人型效分品"
# characters before a unit word in which its figure starts ("between seventy-five and
# eighty-two percent" is 42)
FIGURE_REACH = 80
# characters read on each side of a figure for its qualifier
QUALIFIER_REACH = 40
# the farthest a metric may be from a figure it governs as the nearest one (_nearest)
NEAREST_REACH = 220
# the longest metric, indication or blocker phrase (for lookups by position)
PHRASE_LONGEST = 80
# characters between a figure (or its metric) and a timepoint that belongs to it
TIMEPOINT_REACH = 60
# characters after a unit word that a figure's match may read: a fraction's people
# ("two-thirds of all the adult patients")
PEOPLE_REACH = 45
# the longest timepoint expression ("at twenty-four months")
TIMEPOINT_LENGTH = 40
# the most characters from a figure to the end of its group (a semicolon, its bracket):
# read no further, so a sentence of many figures stays linear
GROUP_REACH = 200


@dataclass(frozen=True)
class State:
    """A metric a clause states in words: every group has a word in it; with
    ``negated``, a negation before the last group's word (or "-free" after it)."""

    metric: str
    groups: tuple[re.Pattern[str], ...]
    negated: bool
    over_metrics: bool

    def said(self, clause: str, rules: RateRules) -> tuple[int, int] | None:
        """Where in ``clause`` the state's last word is, when the clause says it."""
        hits: list[re.Match[str]] = []
        for group in self.groups:
            hit = group.search(clause)
            if hit is None:
                return None
            hits.append(hit)
        if not hits:
            return None
        first, last = hits[0], hits[-1]
        if not self.negated and (
            rules.negated.search(clause, max(0, first.start() - 24), first.start())
            or rules.negation.search(clause, max(0, first.start() - 3), first.start())
        ):
            return None  # "were not MRD-negative", "not alive", 未能存活: the state denied
        if rules.who_had.search(clause, max(0, first.start() - 40), first.start()):
            return None  # "patients with a response had ...": who, not what is measured
        if (
            not self.negated
            or re.match(r"\w*[- ]?free\b", clause[last.end() :])
            or rules.negation.search(clause, 0, last.start()) is not None
        ):
            return last.span()
        return None


@dataclass(frozen=True)
class RateRules:
    figure: re.Pattern[str]
    numbers: NumberWords
    # the last words of numbers.json fractions ("thirds" of "two thirds"), in lower case
    fraction_words: frozenset[str]
    metrics: Lexicon
    not_efficacy: Lexicon
    indications: Lexicon
    qualifiers: Qualifiers
    bracket_skip: tuple[str, ...]
    followed_skip: re.Pattern[str]
    # the people right after some words ("... patients"), which a skip phrase of "of"
    # ("of all") does not make another share's ("80% of all patients")
    people_after: re.Pattern[str]
    # Chinese: the people who had something (…者, …的患者: rates.json people_zh) right
    # before 占 and a figure
    those_who_had_share: re.Pattern[str]
    preceded_skip: re.Pattern[str]
    # a Chinese comparison right before a figure (比传统治疗高): a difference, no rate
    difference_before: re.Pattern[str]
    change_verbs: re.Pattern[str]
    timepoint: re.Pattern[str]
    timepoint_hint: re.Pattern[str]
    time_units: dict[str, str]
    # words before a duration that make it a follow-up time, not a timepoint
    timepoint_not_after: re.Pattern[str]
    # blocker phrases that only lead a state ("of patients were"): the state after decides
    state_leads: frozenset[str]
    # words after a duration that make it a follow-up time ("two years of follow-up",
    # "两年的随访")
    timepoint_not_before: re.Pattern[str] = re.compile("(?!)")
    # the states a figure's clause can say in words of no metric phrase (states in rates.json)
    states: tuple[State, ...] = ()
    # a negation anywhere before a state's word; one right before a metric phrase (at
    # most a word between: "did not respond", "failed to achieve a response")
    negation: re.Pattern[str] = re.compile("(?!)")
    negated: re.Pattern[str] = re.compile("(?!)")
    # a time of its own right after a figure that is no timepoint ("at final follow-up"):
    # the figure takes none from nearby
    untimed: re.Pattern[str] = re.compile("(?!)")
    # a metric phrase right before one of these nouns modifies it ("overall survival
    # interpretation", "the OS benefit"): it names no figure that it does not lead
    modifying: re.Pattern[str] = re.compile("(?!)")
    # a number whose unit the next timepoint of its list gives: "6-" or "six-" of "six-
    # and 12-month"
    suspended: re.Pattern[str] = re.compile("(?!)")
    # numbers that share the unit after the last of them: "at 12 and 24 months", "at six
    # and 12 months", "at 1, 2 and 3 years"; the unit first: "at months 3 and 6"
    shared_unit: re.Pattern[str] = re.compile("(?!)")
    # clause shapes built with the words for people (rates.json "people"): what stands
    # between a figure and the metric it leads, a clause the figure is the subject of, a
    # share of patients, the people a metric phrase names ("patients with a response")
    figure_first: re.Pattern[str] = re.compile("(?!)")
    predicate: re.Pattern[str] = re.compile("(?!)")
    share_of_patients: re.Pattern[str] = re.compile("(?!)")
    who_had: re.Pattern[str] = re.compile("(?!)")
    # a relative clause that says which people a figure counts, up to the verb of the
    # figure's own clause ("of 14 patients who were not in remission | had a response")
    relative: re.Pattern[str] = re.compile("(?!)")
    # what follows a word that describes the people ("relapsed or refractory patients")
    describes: re.Pattern[str] = re.compile("(?!)")
    # a word that opens a subset of the people a figure counts ("including", "of whom")
    subset: re.Pattern[str] = re.compile("(?!)")
    # a word that makes a figure the share of a count its clause before states ("8
    # patients had a complete response, accounting for 80%"): rates.json count_share_leads
    count_share_lead: re.Pattern[str] = re.compile("(?!)")
    # a share of the people before them ("the proportion of"): what they had is counted
    share_of: re.Pattern[str] = re.compile("(?!)")
    # two metric phrases joined as one ("complete response/stringent complete response"):
    # (metric, metric) -> (what may join them, the metric they make together)
    # (the second metric of a pair may be limited to some of its phrases: "complete
    # remission or CR with incomplete recovery" is every complete remission, "complete or
    # partial response" every response, but "or stable disease" makes neither)
    unions: dict[tuple[str, str], list[tuple[re.Pattern[str], str, str, tuple[str, ...]]]] = field(
        default_factory=dict
    )


def _unions(
    spec: Any, metrics: set[str], file: str
) -> dict[tuple[str, str], list[tuple[re.Pattern[str], str, str, tuple[str, ...]]]]:
    """rates.json 'unions' per ordered pair of metrics (both orders): a regex of the
    gap that joins them into one, the metric that the two make, and the phrases (their
    starts, lower case) that the pair's second metric must be written with ('only'; any
    when empty)."""
    out: dict[tuple[str, str], list[tuple[re.Pattern[str], str, str, tuple[str, ...]]]] = {}
    for i, item in enumerate(expect(spec or [], list, file=file, key="unions")):
        key = f"unions[{i}]"
        check_keys(
            item,
            file=file,
            allowed={"of", "joined_by", "is", "only"},
            required={"of", "joined_by", "is"},
        )
        pair = string_list(item["of"], file=file, key=f"{key}.of")
        joiners = string_list(item["joined_by"], file=file, key=f"{key}.joined_by")
        only = tuple(w.lower() for w in string_list(item.get("only", []), file=file, key=key))
        unknown = [m for m in (*pair, item["is"]) if m not in metrics]
        if len(pair) != 2 or unknown:
            raise PatternError(
                file, f"two known metrics make a known one: {unknown or pair}", key=key
            )
        gap = re.compile(rf"(?i)\s*(?:{alternation(joiners)})\s*")
        for a, b in ((pair[0], pair[1]), (pair[1], pair[0])):
            out.setdefault((a, b), []).append((gap, item["is"], pair[1], only))
    return out


def _word_after_bracket(words: list[str], shortest: int, longest: int) -> re.Pattern[str]:
    """One of ``words`` (any case, a whole word) next, a bracket of ``shortest`` to
    ``longest`` characters allowed before it (matched at a position: "(OS) analysis",
    " (n=12) at final follow-up"); none when there are no words."""
    if not words:
        return re.compile("(?!)")
    return re.compile(
        rf"(?i)\s*(?:[(（][^()（）]{{{shortest},{longest}}}[)）]\s*)?(?:{alternation(words)})\b"
    )


def _comparative(spec: Any, file: str) -> re.Pattern[str]:
    """figure_context.comparatives as a regex that ends right before a figure: a word of
    'than', up to 20 characters of its clause, a word of 'degree' (and 了)."""
    if spec is None:
        return re.compile("(?!)")
    than = string_list(spec["than"], file=file, key="figure_context.comparatives.than")
    degree = string_list(spec["degree"], file=file, key="figure_context.comparatives.degree")
    return re.compile(
        rf"(?:{alternation(than)})[^，。；,;！？!?]{{1,20}}?(?:{alternation(degree)})了?\s*$"
    )


def _compounds(spec: Any, file: str, key: str) -> list[str]:
    """The phrases a term's parts compose, each part one of its choices in order
    (rates.json metrics' 'compounds': 微小/微量 + 残留/残存 + 病/疾病 + 阴性/转阴 + /率).

    >>> _compounds([[["a", "b"], ["x", ""]]], "f", "k")
    ['ax', 'a', 'bx', 'b']
    """
    out = []
    for i, parts in enumerate(expect(spec, list, file=file, key=key)):
        choices = [
            string_list(part, file=file, key=f"{key}[{i}][{j}]")
            for j, part in enumerate(expect(parts, list, file=file, key=f"{key}[{i}]"))
        ]
        out += ["".join(words) for words in itertools.product(*choices) if "".join(words)]
    return out


@lru_cache(maxsize=8)
def load_rates(patterns: Rules) -> RateRules:
    data, file = open_json(
        patterns,
        FILE,
        allowed={
            "metrics",
            "unions",
            "not_efficacy",
            "figure_context",
            "change_verbs",
            "modified_nouns",
            "timepoint",
            "indications",
            "case_sensitive_indications",
            "states",
            "people",
            "people_which",
            "people_zh",
            "disease_words",
        },
        required={"metrics", "not_efficacy", "figure_context", "indications", "timepoint"},
    )
    phrases: dict[str, str] = {}
    exact: dict[str, str] = {}
    for metric, spec in section(data, "metrics", dict, file=file).items():
        check_keys(
            spec, file=file, allowed={"phrases", "compounds", "abbreviations"}, required={"phrases"}
        )
        composed = _compounds(spec.get("compounds", []), file, f"metrics.{metric}.compounds")
        for p in (
            *string_list(spec["phrases"], file=file, key=f"metrics.{metric}.phrases"),
            *composed,
        ):
            phrases[p] = metric
            # Taiwan and Hong Kong write 存活 for 生存 (總存活率, 無惡化存活率): every
            # Chinese survival phrase holds in both words
            if "生存" in p:
                phrases.setdefault(p.replace("生存", "存活"), metric)
        for a in string_list(
            spec.get("abbreviations", []), file=file, key=f"metrics.{metric}.abbreviations"
        ):
            exact[a] = metric
    ne = section(data, "not_efficacy", dict, file=file)
    check_keys(ne, file=file, allowed={"phrases", "abbreviations"}, required={"phrases"})
    t2s = load_variants(patterns)
    not_eff = _lexicon(
        {
            p: "not_efficacy"
            for p in string_list(ne["phrases"], file=file, key="not_efficacy.phrases")
        },
        {
            a: "not_efficacy"
            for a in string_list(
                ne.get("abbreviations", []), file=file, key="not_efficacy.abbreviations"
            )
        },
        t2s,
    )
    cs = {x for x in data.get("case_sensitive_indications", [])}
    ind_phrases: dict[str, str] = {}
    ind_exact: dict[str, str] = {}
    for disease, words in section(data, "indications", dict, file=file).items():
        for w in string_list(words, file=file, key=f"indications.{disease}"):
            if w.upper() in cs:
                ind_exact[w.upper()] = disease
            else:
                ind_phrases[w] = disease
    ctx = section(data, "figure_context", dict, file=file)
    check_keys(
        ctx,
        file=file,
        allowed={
            "skip_inside_brackets_with",
            "skip_if_followed_by",
            "skip_if_preceded_by",
            "state_leads",
            "subset_leads",
            "count_share_leads",
            "share_words",
            "comparatives",
        },
    )
    numbers = load_numbers(patterns)
    people = alternation(string_list(data.get("people", []), file=file, key="people")) or "(?!)"
    # the words that open a phrase saying which people a share is of ("in the X arm")
    which = (
        alternation(string_list(data.get("people_which", []), file=file, key="people_which"))
        or "(?!)"
    )
    people_zh = (
        alternation(string_list(data.get("people_zh", []), file=file, key="people_zh")) or "(?!)"
    )
    # "%28" in a URL is an escape, not a percent sign
    unit = r"\s?(?:%(?![0-9A-Fa-f]{2})|％|percent\b|per cent\b|pct\b)"
    fig = rf"(?:\d+(?:\.\d+)?|{numbers.regex()})"
    tenths = "[" + "".join(k for k, v in numbers.chinese.items() if 0 < v < 10) + "]"
    figure = re.compile(
        # (not the tail of "1.52%"; a point after a word is an abbreviation's: "vs.52%")
        rf"(?<![A-Za-z0-9_%&?])(?:(?<=[%％]/)|(?<!/))(?<![0-9]\.)(?:(?i:between)\s+(?P<b1>{fig})(?:{unit})?\s+and\s+(?P<b2>{fig}){unit}"
        rf"|(?P<r1>\d+(?:\.\d+)?)(?P<u1>{unit})?\s?(?:-|–|—|~|～|〜|to|到|至)\s?(?P<r2>\d+(?:\.\d+)?){unit}"
        # Chinese: 百分之八十二点五; 八成五 (85%), 八成 (80%), not 一成不变 or 成为
        rf"|百分之(?P<zp>{numbers.chinese_regex()})"
        rf"|(?<![{''.join(numbers.chinese)}])(?P<zc>{tenths})成(?P<zc2>{tenths})?(?![{CHENG_WORDS}])"
        # 3成, 8.5成: tenths in digits
        rf"|(?<![0-9.])(?P<dc>[1-9](?:\.[0-9])?)成(?![{CHENG_WORDS}0-9])"
        rf"|(?P<w1>{fig})(?:{unit})?\s+to\s+(?P<w2>{fig}){unit}"
        # "50 and 76%": a range, or two figures of two metrics (_split_and_ranges);
        # "77.6% and 82.1%" are two figures
        rf"|(?P<a1>{fig})\s+and\s+(?P<a2>{fig}){unit}"
        # (and a share written as a fraction of the people after it: "two-thirds of the
        # patients", 三分之二的患者: _fraction_figures)
        rf"|(?P<s>{fig}){unit}" + _fraction_figures(numbers, people, people_zh) + ")"
    )
    tp = section(data, "timepoint", dict, file=file)
    check_keys(
        tp,
        file=file,
        allowed={"units", "chinese_units", "not_after", "not_before", "untimed"},
        required={"units"},
    )
    units = {k.lower(): v for k, v in tp["units"].items()}
    zh_units = {str(k): str(v) for k, v in tp.get("chinese_units", {}).items()}
    unit_alt = alternation(list(units))
    num_alt = rf"(?:\d+|{numbers.regex()})"
    zh_alt = alternation(zh_units) if zh_units else "(?!)"
    # a duration the figure is measured at: "2-year", "12-month" (hyphenated, or written
    # "12 months" right before a metric: checked by _timepoint), "at 12 months", "at month
    # 6", "by one year"; never a decimal ("21.7 months" is a follow-up time)
    timepoint = re.compile(
        rf"(?i)(?<![\d.])(?:(?P<n1>{num_alt})(?P<sep>[- ])(?P<u1>{unit_alt})\b(?!\.\d)(?!\s+(?:later|after|ago))"
        rf"|\b(?:at|by|within)\s+(?:the\s+)?(?P<u2>{unit_alt})\s+(?P<n2>\d+)\b"
        rf"|\b(?:at|by|within|after)\s+(?:the\s+)?(?:first\s+)?(?P<n3>{num_alt})\s+(?P<u3>{unit_alt})\b"
        # "five years after treatment": counted from the therapy itself
        rf"|(?<![\d.])(?P<n5>{num_alt})\s+(?P<u5>{unit_alt})\s+(?:after|post|following)\s+"
        rf"(?:the\s+|their\s+|a\s+|an\s+)?(?:[\w-]+\s+)?"
        rf"(?:treatment|infusion|therapy|dosing|administration)\b)"
        # Chinese: 1年, 12个月, 第3个月, 两年 (not a calendar year: 2023年)
        rf"|(?<![\d.])(?P<n4>\d{{1,2}}|{numbers.chinese_regex()})\s*(?P<u4>{zh_alt})(?![前以来來间間底初])"
    )
    units.update(zh_units)
    qualifiers = load_qualifiers(patterns)
    states_data = expect(data.get("states", {}), dict, file=file, key="states")
    states = tuple(
        State(
            str(item["metric"]),
            tuple(
                # (a word may go on: "respond" holds "responded", not "respondents",
                # the people a survey asked)
                re.compile(r"(?i)(?<![A-Za-z])(?:" + alternation(group) + r")(?!ents?\b)")
                for group in item["all"]
            ),
            bool(item.get("negated", False)),
            bool(item.get("over_metrics", False)),
        )
        for item in expect(states_data.get("items", []), list, file=file, key="states.items")
    )
    negations = string_list(states_data.get("negations", []), file=file, key="states.negations")
    diseases = (
        alternation(string_list(data.get("disease_words", []), file=file, key="disease_words"))
        or "(?!)"
    )
    return fast_fields(
        RateRules(
            figure=figure,
            numbers=numbers,
            fraction_words=frozenset(f.split()[-1].lower() for f in numbers.fractions),
            metrics=_lexicon(phrases, exact, t2s),
            not_efficacy=not_eff,
            indications=_lexicon(ind_phrases, ind_exact, t2s),
            qualifiers=qualifiers,
            bracket_skip=string_list(
                ctx.get("skip_inside_brackets_with", []), file=file, key="skip_inside_brackets_with"
            ),
            followed_skip=re.compile(
                r"(?i)^\s*(?:" + alternation(ctx.get("skip_if_followed_by", [])) + r")\b"
            ),
            people_after=re.compile(_people_after(people)),
            those_who_had_share=re.compile(rf"(?:的)?(?:者|{people_zh})\s*(?:占|佔)\s*(?:比\s*)?$"),
            preceded_skip=re.compile(
                # (a Chinese change word may take 了 before its figure: 提高了30%)
                r"(?i)(?<![a-z])(?:" + alternation(ctx.get("skip_if_preceded_by", [])) + r")"
                r"\s*(?:了\s*)?$"
            ),
            difference_before=_comparative(ctx.get("comparatives"), file),
            change_verbs=re.compile(
                r"(?i)\b(?:" + alternation(data.get("change_verbs", [])) + r")\b"
            ),
            modifying=_word_after_bracket(data.get("modified_nouns", []), 1, 12),
            timepoint=timepoint,
            # a unit word anywhere: every timepoint holds one (a cheap test before the above)
            timepoint_hint=re.compile(rf"(?i){unit_alt}|{zh_alt}"),
            time_units=units,
            timepoint_not_after=re.compile(
                # (no number between: in "a median OS of 25 months and a 3-year OS rate"
                # the median is the 25 months', not the 3 years')
                r"(?i)(?:" + alternation(tp.get("not_after", [])) + r")[^.;,，；。\d]{0,24}$"
                if tp.get("not_after")
                else "(?!)"
            ),
            timepoint_not_before=re.compile(
                # (an approximation may come between: "两年多的随访")
                r"(?i)\s*(?:多|余|餘|左右)?(?:" + alternation(tp.get("not_before", [])) + r")"
                if tp.get("not_before")
                else "(?!)"
            ),
            untimed=_word_after_bracket(tp.get("untimed", []), 0, 60),
            suspended=re.compile(
                rf"(?i)(?<![\w.-])(\d{{1,3}}|{numbers.regex()})-(?=\s*(?:,|and\b|or\b))"
            ),
            shared_unit=re.compile(_SHARED_UNIT.format(n=rf"(?:\d{{1,3}}|{numbers.regex()})")),
            state_leads=frozenset(
                _fold(x)
                for x in string_list(ctx.get("state_leads", []), file=file, key="state_leads")
            ),
            states=states,
            negation=re.compile(rf"(?i)(?:{_words(negations)})(?![A-Za-z])"),
            negated=re.compile(rf"(?i)(?:{_words(negations)})\s+(?:\w+\s+)?$"),
            figure_first=re.compile(_FIGURE_FIRST.format(people=people, word=_LIST_WORD)),
            predicate=re.compile(_PREDICATE.format(people=people, which=which)),
            share_of_patients=re.compile(_SHARE_OF_PATIENTS.format(people=people)),
            who_had=re.compile(_WHO_HAD.format(people=people)),
            relative=re.compile(
                _RELATIVE.format(people=people, verbs=_SUBJECT_VERBS, others=_RELATIVE_VERBS)
            ),
            describes=re.compile(_DESCRIBES.format(people=people, diseases=diseases)),
            share_of=re.compile(
                rf"(?i)(?<![A-Za-z])(?:{alternation(ctx.get('share_words', []))})\s+of\s+"
                r"(?:the\s+|all\s+|these\s+)?(?:[\w-]+\s+){0,2}?$"
                if ctx.get("share_words")
                else "(?!)"
            ),
            subset=re.compile(
                rf"(?i)(?<![A-Za-z])(?:{alternation(ctx.get('subset_leads', []))})(?![A-Za-z])"
                if ctx.get("subset_leads")
                else "(?!)"
            ),
            count_share_lead=re.compile(
                rf"(?i)[\s,]*(?:{alternation(ctx['count_share_leads'])})"
                r"\s+(?:(?:about|around|nearly|approximately|some)\s+)?$"
                if ctx.get("count_share_leads")
                else "(?!)"
            ),
            unions=_unions(data.get("unions"), set(data["metrics"]), file),
        )
    )


# ---------------------------------------------------------------- pure extraction


@dataclass(frozen=True)
class RateFact:
    start: int
    end: int
    rule: str
    percent: float
    percent_high: float | None
    metric: str
    timepoint: str | None
    indication: str | None
    qualifier: str | None


@dataclass(frozen=True)
class _Figure:
    start: int
    end: int
    low: float
    high: float | None
    # a share standing alone as its clause's subject ("half were alive"): a figure only
    # where the clause states what it counts (rate.state)
    stated_only: bool = False


def _num(text: str, rules: RateRules) -> float | None:
    try:
        return float(text)
    except ValueError:
        value = words_to_number(text, rules.numbers)
        return chinese_number(text, rules.numbers) if value is None else value


def _people_after(people: str) -> str:
    """A regex of the people right after some words: up to two words, then one of
    ``people`` (an alternation of rates.json "people"): " adult patients"."""
    return rf"\s+(?:[\w-]+\s+){{0,2}}?(?:{people})\b"


# the verbs of a clause a figure is the subject of ("were alive", "had a response"): after
# a figure's people (_PREDICATE) or a share that stands alone ("half were alive")
_SUBJECT_VERBS = (
    "were|was|had|have|has|remained|remain|achieved|achieving|achieve|showed|show|"
    "saw|experienced|reached|reach|attained|attain|did|are|is|lived|live|survived|survive|"
    "responded|respond|stayed|stay|went|go|continued|became|become|cured|relapse|relapsed|"
    "progress|progressed|died|die"
)
# verbs of a relative clause that says which people a figure counts ("of patients who got
# the cells were alive"), besides _SUBJECT_VERBS
_RELATIVE_VERBS = "got|get|received|receive|underwent|undergo|undergone"


def _fraction_figures(numbers: NumberWords, people: str, people_zh: str) -> str:
    """Regex alternatives for a share written as a fraction right before the people it
    counts: one of numbers.json ("two-thirds of the patients", "half of all children", "a
    quarter of these adults": group fr), or in Chinese a denominator and numerator (三分之二
    的患者: groups zd, zn) or 半数 (group zh)."""
    out = ""
    if numbers.fractions:
        fractions = "|".join(
            f.replace(" ", "[ -]") for f in sorted(numbers.fractions, key=len, reverse=True)
        )
        out += (
            rf"|(?i:(?:(?:a|one)[ -])?(?P<fr>{fractions}))"
            rf"(?=\s+of(?:\s+(?i:the|all|these|those|its|their))?{_people_after(people)})"
            # ("about half were still alive", "two-thirds of them responded": the share is
            # the subject of a clause, which must state what it counts)
            rf"|(?i:(?:(?:a|one)[ -])?(?P<fs>{fractions}))"
            rf"(?=\s+(?:of\s+(?i:them|those)\s+)?(?:{_SUBJECT_VERBS})\b)"
        )
    digits = "".join(k for k, v in numbers.chinese.items() if 0 < v <= 10)
    if digits:
        out += (
            rf"|(?<![{digits}百])(?P<zd>[{digits}])分之(?P<zn>[{digits}])(?=的?(?:{people_zh}))"
            rf"|(?P<zh>半数)(?=的?(?:{people_zh}))"
        )
    return out


def _figure_windows(
    sentence: str, units: list[tuple[int, int]], rules: RateRules
) -> list[tuple[int, int]]:
    """Where a figure may stand: just before and over its unit word, and for a fraction
    ("two-thirds") over the people after it too, whom the figure's regex reads."""
    length = len(sentence)
    fraction = [u for u in units if sentence[u[0] : u[1]].lower() in rules.fraction_words]
    windows = widen(units, FIGURE_REACH, 1, length)
    if fraction:
        windows = widen(
            sorted([*windows, *widen(fraction, FIGURE_REACH, PEOPLE_REACH, length)]), 0, 0, length
        )
    return windows


def figures(
    sentence: str, rules: RateRules, units: list[tuple[int, int]] | None = None
) -> list[_Figure]:
    """Percent figures of a sentence; with ``units`` (where its unit words are), the
    figure regex runs only just before and over them."""
    out = []
    matches = (
        rules.figure.finditer(sentence)
        if units is None or _CHINESE_FIGURE.search(sentence)
        else scan_finditer(rules.figure, sentence, _figure_windows(sentence, units, rules))
    )
    for m in matches:
        g = m.groupdict()
        if g["zp"] or g["zc"]:
            value = (
                chinese_number(g["zp"], rules.numbers)
                if g["zp"]
                else 10
                * (
                    rules.numbers.chinese[g["zc"]]
                    + rules.numbers.chinese.get(g["zc2"] or "", 0) / 10
                )
            )
            if value is not None:
                out.append(_Figure(m.start(), m.end(), value, None))
            continue
        if g["dc"]:
            out.append(_Figure(m.start(), m.end(), round(10 * float(g["dc"]), 6), None))
            continue
        if g.get("fr") or g.get("fs"):
            fraction = g.get("fr") or g["fs"]
            share = rules.numbers.fractions[re.sub(r"[ -]+", " ", fraction.lower())]
            out.append(_Figure(m.start(), m.end(), round(100 * share, 1), None, bool(g.get("fs"))))
            continue
        if g.get("zd"):
            n, d = rules.numbers.chinese[g["zn"]], rules.numbers.chinese[g["zd"]]
            if 0 < n < d:
                out.append(_Figure(m.start(), m.end(), round(100 * n / d, 1), None))
            continue
        if g.get("zh"):
            out.append(_Figure(m.start(), m.end(), 50.0, None))
            continue
        if g["s"]:
            value = _num(g["s"], rules)
            if value is not None:
                out.append(_Figure(m.start(), m.end(), value, None))
            continue
        a, b = next(
            (g[x], g[y])
            for x, y in (("b1", "b2"), ("r1", "r2"), ("w1", "w2"), ("a1", "a2"))
            if g[x]
        )
        low, high = _num(a, rules), _num(b, rules)
        if low is None or high is None:
            continue
        before = sentence[max(0, m.start() - 60) : m.start()]
        if high <= low or (
            re.search(r"(?i)\bfrom\s+(?:\w+\s+)?$", before) and rules.change_verbs.search(before)
        ):
            # "increased from 20% to 70%" is a change, not a range: two figures
            split = re.search(r"\s?(?:-|–|—|~|to|and)\s?(?=[^-–—~]*$)", m.group(0))
            cut = m.start() + (split.start() if split else 0)
            out.append(_Figure(m.start(), cut, low, None))
            out.append(_Figure(cut + (len(split.group(0)) if split else 0), m.end(), high, None))
            continue
        out.append(_Figure(m.start(), m.end(), low, high))
    return [f for f in out if 0 <= f.low <= 100 and (f.high is None or f.high <= 100)]


# "by (about) N%" right before a figure: with a change verb before it, a change
_BY = re.compile(r"(?i)\bby\s+(?:about\s+|around\s+|nearly\s+|more than\s+|over\s+|up to\s+)?$")


def _words(words: Iterable[str]) -> str:
    """An alternation of words, each not inside a longer word (a word written after a
    letter, "n't", may follow one); one that matches nothing for none."""
    return (
        "|".join(
            (r"(?<![A-Za-z])" if w[:1].isalpha() else "") + re.escape(w)
            for w in sorted(set(words), key=lambda w: (-len(w), w))
        )
        or "(?!)"
    )


def _skipped(sentence: str, fig: _Figure, rules: RateRules) -> bool:
    skip = rules.followed_skip.match(sentence[fig.end : fig.end + 30])
    if skip is not None and not (
        # "of all" skips "60% of all trials", not "60% of all patients"
        (
            skip.group().split()[0].lower() == "of"
            and rules.people_after.match(sentence, fig.end + skip.end())
        )
        # "of them" skips "80% of them are foreigners", not "80% of them responded"
        # (what the clause after the skip words states: "40% of those responses were
        # ongoing" says no state of the responses' patients)
        or _states_after(sentence, fig.end + skip.end(), rules)
    ):
        return True
    lead = sentence[max(0, fig.start - 80) : fig.start]
    by = _BY.search(lead)
    if by is not None and rules.change_verbs.search(lead[: by.start()][-60:]):
        return True  # "improved overall survival by 20%": a change, not a rate
    # (but in "达到完全缓解者占87%" the people who had a metric are what 占 counts)
    if rules.preceded_skip.search(
        sentence[max(0, fig.start - 30) : fig.start]
    ) and not _share_of_those_who_had(sentence, fig.start, rules):
        return True
    if rules.difference_before.search(sentence, max(0, fig.start - 30), fig.start):
        return True  # 疗效比传统治疗高16%: a difference, not a rate
    open_at = _enclosing(sentence, fig.start)
    if open_at != -1 and sentence.find(_CLOSING[sentence[open_at]], open_at) >= fig.end:
        # "(95% CI 80-99%)" skips what follows the CI words, not "(100%, 95% CI ...)"
        inside = sentence[open_at : fig.start]
        if any(word in inside for word in rules.bracket_skip):
            return True
    return False


def _states_after(sentence: str, end: int, rules: RateRules) -> bool:
    """Whether a figure ending at ``end`` is the subject of a clause that states what it
    counts in words of rates.json states ("80% of them responded", "half were alive")."""
    stop = _CLAUSE_END.search(sentence, end)
    tail = sentence[end : stop.start() if stop else len(sentence)]
    return rules.predicate.match(tail) is not None and any(
        state.said(tail, rules) for state in rules.states
    )


# the bracket that closes each opening one
_CLOSING = {"(": ")", "[": "]", "（": "）"}
_OPENING = {v: k for k, v in _CLOSING.items()}
_BRACKET = re.compile(r"[()\[\]（）]")


def _enclosing(sentence: str, at: int, reach: int = 200) -> int:
    """Where the innermost bracket still open at ``at`` opens (-1: none within reach):
    in "(100%, 95% CI [CI] = 90%-100%)" the round one, since [CI] closed before.

    >>> _enclosing("(a [b] c", 7), _enclosing("[a] b", 4)
    (0, -1)
    """
    closed: list[str] = []
    for m in reversed(list(_BRACKET.finditer(sentence, max(0, at - reach), at))):
        i, c = m.start(), m.group(0)
        if c in _OPENING:
            closed.append(_OPENING[c])
        elif c in _CLOSING:
            if closed and closed[-1] == c:
                closed.pop()
            elif not closed:
                return i
    return -1


def _share_of_those_who_had(sentence: str, at: int, rules: RateRules) -> bool:
    """Whether the 占 before a figure at ``at`` counts the people who had a metric, named
    right before them (达到完全缓解者占, 获得缓解的患者占): the figure is that metric's rate,
    not a share of something else (占市场份额的30%)."""
    people = rules.those_who_had_share.search(sentence, max(0, at - 12), at)
    if people is None:
        return False
    before = sentence[max(0, people.start() - 30) : people.start()]
    return any(end == len(before) for _, end, _ in rules.metrics.find(before))


# a disease that a preposition right after a figure introduces governs it ("58% for
# DLBCL", "79% in patients with r/r FL"), before any nearer one before the figure
_FOR_DISEASE = re.compile(
    r"(?i)\s*[)\]]?\s*(?:for|in|among)\s+(?:(?:the\s+)?(?:patients|people|those|subjects"
    r"|cases|adults|children)\s+(?:with|who had)\s+)?(?:(?:r/r|relapsed(?:/refractory)?"
    r"|refractory|relapsed or refractory|newly diagnosed)\s+)?"
)
# two diseases a rate is about together: "follicular lymphoma (FL) or mantle cell lymphoma"
_DISEASE_OR = re.compile(r"\s*(?:\([^()]{1,15}\)\s*)?or\s+")


# a place's name and a comma before two capitals: a state or province, not a disease
# ("Tampa, FL"; "DLBCL, FL" is a list of diseases)
_PLACE_BEFORE = re.compile(r"\b[A-Z][a-z]+,\s?$")


def _place_letters(sentence: str, start: int, end: int) -> bool:
    """Whether sentence[start:end] is two capitals after a place's name and a comma."""
    return (
        end - start == 2
        and sentence[start:end].isupper()
        and _PLACE_BEFORE.search(sentence, max(0, start - 30), start) is not None
    )


def _indication(fig: _Figure, indications: _Spans, sentence: str) -> str | None:
    """The disease a figure is about: one a preposition right after it introduces ("for
    DLBCL"), else the nearest in its clause (a disease past a clause break after the
    figure is the next clause's when one stands before it: "A组…分别为55%和34%，B组…";
    the gap is read with the disease's first character, as a comma breaks a clause
    among Chinese words), else the nearest; with the disease joined to it by "or"."""
    near = sorted(indications.near(fig.start, fig.end, 400))
    governed = [
        d for d in near if d[0] >= fig.end and _FOR_DISEASE.fullmatch(sentence, fig.end, d[0])
    ]
    own = [d for d in near if d[0] < fig.end or not _clause_after(sentence[fig.end : d[0] + 1])]
    found = (
        governed[0] if governed else _nearest(own, fig, limit=400) or _nearest(near, fig, limit=400)
    )
    if found is None:
        return None
    for other in near:
        if other[0] >= found[1] and _DISEASE_OR.fullmatch(sentence, found[1], other[0]):
            return f"{found[2]} or {other[2]}" if other[2] != found[2] else found[2]
        if other[1] <= found[0] and _DISEASE_OR.fullmatch(sentence, other[1], found[0]):
            return f"{other[2]} or {found[2]}" if other[2] != found[2] else found[2]
    return found[2]


def _clause_after(gap: str) -> bool:
    """Whether the text after a figure ends its clause: a Chinese clause break, a
    semicolon, or a comma before a word that opens another clause (", while")."""
    return clause_break(gap) or ";" in gap or _NEXT_CLAUSE.search(gap) is not None


def _nearest(
    items: list[tuple[int, int, str]], fig: _Figure, limit: int = 220
) -> tuple[int, int, str] | None:
    best = None
    for item in items:
        s, e, _ = item
        if e <= fig.start:
            distance = fig.start - e
        elif s >= fig.end:
            distance = int((s - fig.end) * 1.5) + 2
        else:
            continue
        if distance <= limit and (best is None or distance < best[0]):
            best = (distance, item)
    return best[1] if best else None


def time_value(n: int, unit: str) -> str:
    """A timepoint as the tables write it: "12-month", "2-year", and a day as the day of
    assessment, "day 28".

    >>> time_value(12, "month"), time_value(28, "day")
    ('12-month', 'day 28')
    """
    return f"day {n}" if unit == "day" else f"{n}-{unit}"


def time_unit(value: str) -> str | None:
    """The unit of a timepoint value (time_value), None for none.

    >>> time_unit("12-month"), time_unit("day 28"), time_unit("12")
    ('month', 'day', None)
    """
    if value.startswith("day "):
        return "day"
    return value.split("-", 1)[1] if "-" in value else None


def timepoints(sentence: str, lo: int, hi: int, rules: RateRules, metrics: _Spans) -> list[_Time]:
    """The durations in sentence[lo:hi] that a figure can be measured at, in order: not a
    follow-up time ("a median follow-up of 12 months"), and a duration written with a
    space ("12 months") only right before a metric ("12 months PFS")."""
    out: list[_Time] = []
    if rules.timepoint_hint.search(sentence, lo, hi) is None:
        return out
    for m in rules.timepoint.finditer(sentence, lo, hi):
        g = m.groupdict()
        listed = bool(out) and _LIST_GAP.match(sentence[out[-1].end : m.start()]) is not None
        n = g["n1"] or g["n2"] or g["n3"] or g["n4"] or g["n5"]
        unit = rules.time_units[(g["u1"] or g["u2"] or g["u3"] or g["u4"] or g["u5"]).lower()]
        value = _num(n, rules)
        if (
            value is None
            or rules.timepoint_not_after.search(sentence, max(0, m.start() - 40), m.start())
            # ("at six months follow-up" is measured at that time)
            or (not (g["n2"] or g["n3"]) and rules.timepoint_not_before.match(sentence, m.end()))
        ):
            continue
        if g["sep"] == " " and not listed and not metrics.between(m.end(), m.end() + 3):
            continue
        out.append(_Time(m.start(), m.end(), time_value(int(value), unit), g["sep"] == "-"))
    return out


@dataclass(frozen=True)
class _Time:
    start: int
    end: int
    value: str
    # written as a word before a noun ("the 2-year rate"), not after a figure ("at 2 years")
    modifier: bool = False


def _timepoint(
    sentence: str,
    near: tuple[int, int],
    rules: RateRules,
    metrics: _Spans,
    own: tuple[int, int, str] | None,
    figure: int | None = None,
) -> str | None:
    """The timepoint nearest a figure (starting at ``figure``) and its metric ``own``;
    one written right before another metric ("3-year OS rate 58.9% and PFS rate 40.7%")
    is that metric's, and one in a group before a semicolon is that group's, also where
    the figure shares the metric named there ("A was 71% at 3 months; at 6 months, 60%")."""
    figure = near[0] if figure is None else figure
    if rules.untimed.match(sentence, near[1]):
        return None  # "94% at final follow-up"
    best = None
    reach = TIMEPOINT_REACH + TIMEPOINT_LENGTH
    lo, hi = max(0, near[0] - reach), near[1] + reach
    for t in timepoints(sentence, lo, hi, rules, metrics):
        modifies = metrics.between(t.end, t.end + 3)
        if modifies and "," in sentence[t.end : modifies[0][0]]:
            modifies = []  # "At 18 months, PFS was A and OS B": a frame for the clause
        if modifies and own is not None and modifies[0][:2] != own[:2]:
            # "1-year OS and PFS rates" is of both: a list from the metric it modifies
            listed = metrics.between(modifies[0][0], own[0] + 1)
            if own not in listed or not _joined(listed, sentence):
                continue
        if t.start >= near[1] and _NEXT_CLAUSE.search(sentence, near[1], t.start):
            continue  # "A was 83%, and the 6-month B was 71%": the next clause's
        if (
            t.start >= near[1]
            and _AND_THEN.match(sentence, near[1], t.start)
            and rules.figure.search(sentence, t.end, t.end + TIMEPOINT_REACH)
        ):
            continue  # "A was 74% and at month 6 was 68%": the next figure's
        if (
            t.start >= near[1]
            and metrics.between(near[1], t.start)
            and rules.figure.search(sentence, near[1], t.start)
        ):
            continue  # "63% achieving A and 42% achieving B within 3 months": B's
        if t.end <= figure and any(c in sentence[t.end : figure] for c in ";；"):
            continue  # "A=95% at month 3; B=90%": the group before the semicolon's
        distance = min(abs(t.end - near[0]), abs(t.start - near[1]))
        if (
            own is not None
            and t.modifier
            and own[1] <= t.start
            and t.end <= figure
            and rules.figure.search(sentence, t.end, figure) is None
        ):
            # between the metric and its figure, with no other figure after it: the
            # figure's own ("the 6-month PFS rate was A, and the 12-month rate was B")
            distance = -1
        if distance <= TIMEPOINT_REACH and (best is None or distance < best[0]):
            best = (distance, t.value)
    if best is not None:
        return best[1]
    return _group_timepoint(sentence, near[1], rules, metrics) or _frame_timepoint(
        sentence, near[0], rules, metrics
    )


# what joins a figure to a timepoint that opens the next figure's phrase
_AND_THEN = re.compile(r"(?i)\s*,?\s*(?:and|while|but|whereas)\s+(?:(?:at|by|after|in|on)\s+)?$")


def _group_timepoint(sentence: str, end: int, rules: RateRules, metrics: _Spans) -> str | None:
    """The timepoint that closes the group a figure is in, past a timepoint's reach: a
    group ends at a semicolon or at the bracket around it ("(ORR=95%, CRR=80% at month
    3; ...)": both at month 3). A bracket opened after the figure is read through."""
    depth, stop = 0, len(sentence)
    for i in range(end, min(len(sentence), end + GROUP_REACH)):
        c = sentence[i]
        if c in "(（":
            depth += 1
        elif c in ")）":
            depth -= 1
            if depth < 0:
                stop = i
                break
        elif c in ";；" and depth == 0:
            stop = i
            break
    if stop == len(sentence):
        return None  # no group within reach: the sentence goes on
    found = timepoints(sentence, end, stop, rules, metrics)
    if found and not sentence[found[-1].end : stop].strip(" ,."):
        return found[-1].value
    return None


def _frame_timepoint(sentence: str, start: int, rules: RateRules, metrics: _Spans) -> str | None:
    """A timepoint that opens the sentence as its frame ("At two years after infusion,
    A was 43% and B 64%"): every figure of the sentence is at it."""
    opening = timepoints(sentence, 0, min(start, TIMEPOINT_LENGTH), rules, metrics)
    if not opening or sentence[: opening[0].start].strip():
        return None
    comma = sentence.find(",", opening[0].end, start)
    if comma == -1 or metrics.between(opening[0].end, comma):
        return None
    return opening[0].value


# an abbreviation in brackets right after the words it shortens: "objective response
# rate (ORR)"
_ABBREVIATION_IN_BRACKETS = re.compile(r"[(（]\s*([A-Za-z][A-Za-z/+-]{0,7})\s*[)）]")
_DEFINED = re.compile(rf"(?i:\s+rates?)?\s*{_ABBREVIATION_IN_BRACKETS.pattern}")
# characters before a bracket read for the phrase it abbreviates
DEFINITION_REACH = 120


def defined_abbreviations(text: str, rules: RateRules) -> dict[str, str]:
    """The metric abbreviations an article defines otherwise than their usual reading:
    "the objective response rate (ORR)" makes a later "ORR" the objective response, though
    "ORR" alone reads as the overall response. The first definition of each counts.
    Found from the brackets (a literal the regex engine finds fast): a metric phrase is
    looked for only in the words right before a bracket that holds a metric's
    abbreviation (reading every metric phrase of the article cost more than the rest
    of the step).

    >>> r = default_rates()
    >>> defined_abbreviations("The objective response rate (ORR) was 80%. Later, ORR was 90%.", r)
    {'ORR': 'objective response'}
    >>> defined_abbreviations("The overall response rate (ORR) was 80%.", r)
    {}
    """
    out: dict[str, str] = {}
    for bracket in _ABBREVIATION_IN_BRACKETS.finditer(text):
        abbreviation = bracket.group(1)
        if abbreviation in out:
            continue
        usual = rules.metrics.find(abbreviation)
        if not usual or usual[0][1] != len(abbreviation):
            continue  # no metric's abbreviation
        # the words before it, from a word's start
        reach = max(0, bracket.start() - DEFINITION_REACH)
        space = text.find(" ", reach, bracket.start())
        lo = reach if reach == 0 or space == -1 else space + 1
        words = text[lo : bracket.start()]
        for m in reversed(_united(rules.metrics.find(words), words, rules)):
            defined = _DEFINED.match(text, lo + m[1])
            if defined is not None and defined.start(1) == bracket.start(1):
                if m[2] != usual[0][2]:
                    out[abbreviation] = m[2]
                break
    return out


_RATE_WORD = re.compile(r"\s+rates?$", re.IGNORECASE)


def find_rates(
    sentence: str,
    rules: RateRules,
    header_metric: str | None = None,
    units: list[tuple[int, int]] | None = None,
    defined: dict[str, str] | None = None,
    previous: tuple[str, ...] = (),
) -> list[RateFact]:
    """Efficacy figures of one sentence, offsets relative to it. ``defined``: the metric
    abbreviations its article defines (defined_abbreviations). ``previous``: the metrics
    of a list the sentence before paired with its figures, in order, which a list of as
    many figures here takes when the sentence refers back to them ("These respective
    rates were A and B in the other group").

    >>> r = default_rates()
    >>> [(f.percent, f.metric, f.indication) for f in find_rates(
    ...     "ORR and CR rates in myeloma were 92% and 75%, respectively.", r)]
    [(92.0, 'overall response', 'multiple myeloma'), (75.0, 'complete remission', 'multiple myeloma')]
    """
    figs = [f for f in figures(sentence, rules, units) if not _skipped(sentence, f, rules)]
    if not figs:
        return []
    metrics = [
        (m[0], m[1], "not_efficacy")
        if rules.negated.search(sentence, max(0, m[0] - 24), m[0])
        else m
        for m in rules.metrics.find(_masked(sentence))
        if not _population(m, sentence, rules)
    ]
    metrics = _united(metrics, sentence, rules)
    if defined:
        metrics = [
            (m[0], m[1], defined.get(_RATE_WORD.sub("", sentence[m[0] : m[1]]), m[2]))
            if m[2] != "not_efficacy"
            else m
            for m in metrics
        ]
    metrics += _elided(metrics, sentence, rules)
    timed, metric_times = _timed(metrics, sentence, rules)
    metrics += timed
    blockers = rules.not_efficacy.find(sentence)
    inside = _Spans(metrics)
    metrics = _restated(metrics, sentence)
    blockers = [
        b
        for b in blockers
        if not inside.covering(b[0]) and not rules.describes.match(sentence, b[1])
    ]
    # a metric phrase that starts inside a blocker is that blocker's tail ("duration of
    # response rate": the blocker "duration of response" holds "response rate")
    metrics = [m for m in metrics if not any(b[0] < m[0] < b[1] for b in blockers)]
    labelled = _Spans(metrics + blockers)
    indications = _Spans(
        i for i in rules.indications.find(sentence) if not _place_letters(sentence, i[0], i[1])
    )
    respectively = any(w in sentence.lower() for w in RESPECTIVELY) and len(figs) > 1
    figs = _split_and_ranges(figs, labelled, sentence)
    assigned = _compared_first(
        _compared_to_state(
            _stated(
                _assign(figs, labelled, indications, sentence, respectively, rules),
                sentence,
                labelled,
                rules,
            ),
            sentence,
        ),
        sentence,
    )
    if previous and _REFERS_BACK.search(sentence):
        assigned = _previous_list(assigned, previous)
    paired = _paired_timepoints(assigned, sentence, rules, labelled)
    if metric_times:
        # a metric a list of timepoints shares has its own timepoint, and the other
        # items of its list have none of theirs ("" here)
        timed_lists = {a[4] for a in assigned if a[1] in metric_times}
        for fig, metric, _ind, _rule, index in assigned:
            if index in timed_lists:
                paired[fig] = metric_times.get(metric, "") if metric else ""
    out = []
    for fig, metric, indication, rule, _group in assigned:
        if fig.stated_only and rule != "rate.state":
            continue  # "half were women": no state of its own
        if metric is None:
            if header_metric is None:
                continue
            metric_name, near, rule = header_metric, (fig.start, fig.end), "rate.header_metric"
        else:
            if metric[2] == "not_efficacy":
                continue
            metric_name, near = metric[2], (metric[0], metric[1])
        if indication is None:
            indication = _indication(fig, indications, sentence)
        qualifier = rules.qualifiers.of(
            sentence[max(0, fig.start - QUALIFIER_REACH) : fig.start],
            sentence[fig.end : fig.end + QUALIFIER_REACH],
        )
        out.append(
            RateFact(
                fig.start,
                fig.end,
                rule,
                fig.low,
                fig.high,
                metric_name,
                (paired[fig] or None)
                if fig in paired
                else _timepoint(
                    sentence,
                    (min(near[0], fig.start), max(near[1], fig.end)),
                    rules,
                    labelled,
                    metric,
                    fig.start,
                ),
                indication,
                qualifier,
            )
        )
    return out


# a short bracket right after a phrase: its abbreviation ("minimal residual disease (MRD)
# negativity"), blanked out so the phrase around it is found whole
_ABBREVIATION = re.compile(r"\s?\([A-Za-z][\w/+-]{0,9}\)")
# the Chinese words for the people a figure is a share of (患者, 受试者, 患儿 ...)
_CHINESE_PEOPLE = "患者|病人|受试者|受試者|患儿|患兒|病童|儿童|兒童|病例"
# what may stand between a figure and the metric it leads ("46% of the patients
# achieving a complete response", "94.7% (36/38) achieved MRD negativity"); {people} is
# the words for people of rates.json
_FIGURE_FIRST = (
    # Chinese: "63%（29例）的患者获得完全缓解", "2例（20%）达到部分缓解" (the figure's own
    # bracket closed first)
    r"^\s*[)）]?\s*(?:[(（][^()（）]{{0,20}}[)）])?\s*的?(?:[^，,；;。%]{{0,12}}?(?:"
    + _CHINESE_PEOPLE
    + r"))?"
    r"中?\s*(?:可|均|都|最终|最終)?(?:达到了?|達到了?|获得了?|獲得了?|实现了?|實現了?|出现了?|出現了?|"
    r"取得了?)?\s*$|"
    # a figure in its own bracket is closed first: "15 (75%) with a complete response"
    r"(?i:^\s*[)\]]?\s*(?:\([^()]{{0,30}}\)|\[[^\[\]]{{0,30}}\])?\s*"
    r"(?:(?:of|among)\s+(?:the\s+|all\s+|these\s+)?(?:[\w-]+\s+){{0,3}}?(?:{people})\s+)?"
    r"(?:who\s+)?(?:(?:achiev\w*|reach\w*|attain\w*|had|have|having|with|experienc\w*|show\w*|"
    r"obtain\w*|got|remained|were|was|develop\w*)\s*(?:an?\s+|the\s+)?"
    # (after a verb, a list of words that describe the metric: "rapid, deep and durable")
    r"(?:{word}(?:,\s+{word}){{0,3}}(?:,?\s+(?:and|or)\s+|,\s+))?|(?:an?\s+|the\s+)?)"
    r"(?:{word}\s+){{0,1}}?$)"
)
# a word that may stand in such a list (not one that joins clauses)
_LIST_WORD = r"(?!(?:and|or|but|while)\b)[\w-]+"
# the most characters _METRIC_THEN reads between a metric and its figure
_METRIC_THEN_REACH = 60
# what may stand between a metric and its figure in one phrase ("the overall response
# rate of 61%", "ORR=92%", "CR rate (CRR) was as high as 80%"): no comma, no other
# figure, no "and" (in "a 24% CR rate and a 33% ORR" the CR rate is the 24%'s)
# ("or better" belongs to the metric: "VGPR or better was seen in 90%")
_METRIC_THEN = re.compile(
    r"(?i)^(?![^,;%]*\b(?:and|or(?!\s+(?:better|higher|above|more)\b)|with|while|whereas)\b)"
    rf"[^,;%，；]{{0,{_METRIC_THEN_REACH}}}$"
)
# the patients a rate counts, named by what they achieved ("of patients who achieved",
# "among those reaching", "in patients with"), right before a metric that says who
# they are
_POPULATION = re.compile(
    r"(?i)\b(?:of|in|among|for)\s+(?:the\s+)?(?:[\w-]+\s+){0,2}?"
    r"(?:patients|subjects|participants|people|those|children|adults|cases)\s+"
    r"(?:(?:who|that)\s+(?:had\s+)?(?:achieved|attained|reached|obtained|had|were\s+in)"
    r"|achieving|attaining|reaching|obtaining|having|with|in)\s+"
    r"(?:an?\s+|the\s+)?$"
)
# figures of one list: only commas, "and", "or" between them
_BRACKETED_WORDS = re.compile(r"\s*[(（][^()（）]*[)）]")
_LIST_GAP = re.compile(r"(?i)^\s*(?:[,，、]\s*)?(?:and|or|和|及|与|與|或|/)?\s*$")
_CLAUSE = re.compile(r"[;:；：。]|\.\s")


class _Spans(list[tuple[int, int, str]]):
    """(start, end, label) items of a sentence in order, looked up by position with
    bisect, so that each figure reads only the items near it (a sentence of 300 KB with
    thousands of figures and metric words stays linear)."""

    def __init__(self, items: Iterable[tuple[int, int, str]]) -> None:
        super().__init__(sorted(items))
        self.starts = [item[0] for item in self]

    def between(self, lo: int, hi: int) -> list[tuple[int, int, str]]:
        """The items starting in [lo, hi)."""
        return self[bisect_left(self.starts, lo) : bisect_left(self.starts, hi)]

    def near(self, start: int, end: int, reach: int) -> list[tuple[int, int, str]]:
        """The items within ``reach`` characters of [start, end) (every item is short:
        a phrase of at most PHRASE_LONGEST characters)."""
        return self.between(start - reach - PHRASE_LONGEST, end + 2 * reach)

    def covering(self, pos: int) -> bool:
        i = bisect_right(self.starts, pos) - 1
        return i >= 0 and self[i][0] <= pos < self[i][1]

    def count_ending_by(self, pos: int) -> int:
        """How many items end at or before ``pos``."""
        i = bisect_right(self.starts, pos)
        return sum(1 for item in self[max(0, i - 2) : i] if item[1] <= pos) + max(0, i - 2)


# a bracket that only restates the metric before it: "response rates (complete remission
# rates) of 70-90%"; one that explains it ("(partial + complete remission rates)") holds
# more than one metric or a joining word
_RESTATING = re.compile(r"^\s?[(（]\s*$")
_JOINING = re.compile(r"(?i)[+＋&]|\b(?:and|plus|or|with)\b|和|加")


def _restated(metrics: list[tuple[int, int, str]], sentence: str) -> list[tuple[int, int, str]]:
    """A metric phrase followed by a bracket holding just one other metric phrase takes
    that metric: the bracket says which rate the phrase means.

    >>> _restated([(0, 14, "overall response"), (16, 40, "complete remission")],
    ...           "response rates (complete remission rates) of 70%")
    [(0, 14, 'complete remission'), (16, 40, 'complete remission')]
    """
    metrics = sorted(metrics)
    out = list(metrics)
    for i, (start, end, _label) in enumerate(metrics[:-1]):
        nxt = metrics[i + 1]
        close = sentence.find(")", nxt[1]) if "(" in sentence[end : nxt[0]] else -1
        if close < 0 or close - nxt[1] > 8 or not _RESTATING.match(sentence[end : nxt[0]]):
            continue
        if i + 2 < len(metrics) and metrics[i + 2][0] < close:
            continue  # two metrics in the bracket: it explains, not restates
        if _JOINING.search(sentence[nxt[0] : close + 1]) or nxt[2] == "not_efficacy":
            continue
        out[i] = (start, end, nxt[2])
    return out


def _united(
    metrics: list[tuple[int, int, str]], sentence: str, rules: RateRules
) -> list[tuple[int, int, str]]:
    """Two metric phrases that rates.json 'unions' joins into one, as one phrase of the
    metric they make: "complete response/stringent complete response" counts every
    complete response (a stringent one is one too), as "CR or better" does.

    >>> _united([(0, 2, "complete remission"), (3, 6, "stringent complete remission")],
    ...         "CR/sCR rate", default_rates())
    [(0, 6, 'complete remission')]
    """
    if not rules.unions or len(metrics) < 2:
        return metrics
    metrics = sorted(metrics)
    out = [metrics[0]]
    for start, end, metric in metrics[1:]:
        p_start, p_end, previous = out[-1]
        made = next(
            (
                made
                for gap, made, limited, only in rules.unions.get((previous, metric), ())
                if gap.fullmatch(sentence, p_end, start)
                and all(
                    m != limited or not only or sentence[s:e].lower().startswith(only)
                    for s, e, m in ((p_start, p_end, previous), (start, end, metric))
                )
            ),
            None,
        )
        if made is not None:
            out[-1] = (p_start, end, made)
        else:
            out.append((start, end, metric))
    return out


@lru_cache(maxsize=16)
def _masked(sentence: str) -> str:
    """The sentence with short bracketed abbreviations blanked (same length)."""
    return _ABBREVIATION.sub(lambda m: " " * len(m.group(0)), sentence)


def _brackets(sentence: str) -> list[tuple[int, int]]:
    """(start, end) of each outermost bracket of the sentence."""
    out, depth, start = [], 0, 0
    for i, ch in enumerate(sentence):
        if ch in "([":
            if depth == 0:
                start = i
            depth += 1
        elif ch in ")]" and depth:
            depth -= 1
            if depth == 0:
                out.append((start, i + 1))
    return out


# words before a number that make it something other than a share: "over 65", "aged 70"
_NOT_A_SHARE_BEFORE = re.compile(
    r"(?i)\b(?:over|under|above|below|aged|age|ages|older than|younger than"
    # ("74% at month 3 and 68% at month 6": a timepoint's, a grade's or a phase's number)
    r"|(?:month|day|week|year|cycle|phase|grade|stage|cohort)s?)\s+$"
)


def _split_and_ranges(figs: list[_Figure], labelled: _Spans, sentence: str) -> list[_Figure]:
    """ "EFS and OS were 50 and 76%": a figure written "N and M%" after two metrics is two
    figures, one per metric, not a range."""
    out = []
    for fig in figs:
        text = sentence[fig.start : fig.end]
        cut = re.search(r"\s+and\s+", text)
        if fig.high is not None and cut and labelled.count_ending_by(fig.start) >= 2:
            out.append(_Figure(fig.start, fig.start + cut.start(), fig.low, None))
            out.append(_Figure(fig.start + cut.end(), fig.end, fig.high, None))
        elif (
            fig.high is not None
            and cut
            and _NOT_A_SHARE_BEFORE.search(sentence, max(0, fig.start - 20), fig.start)
        ):
            # "were over 65 and 92% responded": the first number is an age or a count,
            # "at month 3 and 68%": a timepoint's
            out.append(_Figure(fig.start + cut.end(), fig.end, fig.high, None))
        else:
            out.append(fig)
    return out


def _assign(
    figs: list[_Figure],
    labelled: _Spans,
    indications: _Spans,
    sentence: str,
    respectively: bool,
    rules: RateRules,
) -> list[_Assigned]:
    """The metric that governs each figure, by the sentence's structure, with the index
    of the figure's list (figures with only commas and "and" between them):
    - a metric named inside the figure's own bracket ("(58% complete response rate)");
    - a metric the figure leads ("46% achieving a complete response", "a 33% overall
      response rate");
    - a list of figures after a list of as many metrics, paired in order ("OS and RFS at
      1 year are 53.0 and 45.0%"; "..., respectively"), items that are not efficacy
      (NRM, duration of response) taking their figure without a row; a later list of as
      many figures with no metric of its own in its clause pairs the same way ("... in
      group 1 were A and B; in group 2, C and D");
    - the last metric named before the figure in its clause, since the previous figure
      ("the objective response rate ... was 94.9%", not a metric after it);
    - else the nearest metric.
    Metrics inside a bracket that does not hold the figure explain another phrase
    ("overall response rates (partial + complete remission rates)") and govern nothing
    outside it."""
    brackets = _brackets(sentence)
    bracket_starts = [b[0] for b in brackets]
    clause_ends = [m.end() for m in _CLAUSE.finditer(sentence)]

    def bracket_of(pos: int) -> tuple[int, int] | None:
        i = bisect_right(bracket_starts, pos) - 1
        return brackets[i] if i >= 0 and pos < brackets[i][1] else None

    def valid(m: tuple[int, int, str], fig: _Figure) -> bool:
        b = bracket_of(m[0])
        return b is None or b == bracket_of(fig.start)

    out: list[_Assigned] = []
    last_pairing: list[tuple[int, int, str]] = []
    # lists of figures: consecutive figures with only commas/and/or between them
    groups: list[list[_Figure]] = []
    for fig in figs:
        if groups and _LIST_GAP.match(sentence[groups[-1][-1].end : fig.start]):
            groups[-1].append(fig)
        else:
            groups.append([fig])
    # where the next figure that is not coordinated with each one starts (by its own
    # start): "90% (children) and 70% (of all) reached complete remission" share the
    # metric after both
    next_start: dict[int, int] = {}
    for a, b in reversed(list(itertools.pairwise(figs))):
        gap = _BRACKETED_WORDS.sub("", sentence[a.end : b.start])
        coordinated = _LIST_GAP.match(gap) is not None
        next_start[a.start] = next_start.get(b.start, len(sentence)) if coordinated else b.start
    previous_end = 0
    listed_ind = _distinct_in_order(
        [i for i in indications.between(0, figs[0].start) if i[1] <= figs[0].start] if figs else []
    )
    for index, group in enumerate(groups):
        first = group[0]
        at = bisect_right(clause_ends, first.start) - 1
        clause = clause_ends[at] if at >= 0 else 0
        window = max(previous_end, clause)
        before = [
            m
            for m in labelled.between(window, first.start)
            if m[1] <= first.start and valid(m, first)
        ]
        if len(group) > 1 and len(before) > len(group) and _joined(before[-len(group) :], sentence):
            before = before[-len(group) :]  # "... CR (80%); PFS and OS were A and B"
        if len(group) > 1 and len(before) == len(group):
            rule = "rate.respectively" if respectively else "rate.list"
            last_pairing = before
            for fig, metric in zip(group, before, strict=True):
                out.append((fig, metric, None, rule, index))
        elif len(group) > 1 and not before and len(last_pairing) == len(group):
            for fig, metric in zip(group, last_pairing, strict=True):
                out.append((fig, metric, None, "rate.list_again", index))
        elif (
            len(group) > 1
            and not before
            and len(paired := _listed_after(group, groups, index, labelled, sentence, clause_ends))
            == len(group)
        ):
            for fig, metric in zip(group, paired, strict=True):
                out.append((fig, metric, None, "rate.list_after", index))
        elif (
            len(group) > 1
            and respectively
            and len({m[2] for m in before}) == 1
            and len(listed_ind) == len(group)
        ):
            for fig, ind_item in zip(group, listed_ind, strict=True):
                out.append((fig, before[0], ind_item[2], "rate.respectively", index))
        else:
            for fig in group:
                following = next_start.get(fig.start, len(sentence))
                found = _governing(
                    fig, labelled, sentence, window, valid, bracket_of, rules, following
                )
                out.append((fig, *found, index))
        previous_end = group[-1].end
    return _versus(out, sentence)


def _listed_after(
    group: list[_Figure],
    groups: list[list[_Figure]],
    index: int,
    labelled: _Spans,
    sentence: str,
    clause_ends: list[int],
) -> list[tuple[int, int, str]]:
    """The list of metrics that follows a list of figures no metric leads, in the
    figures' clause and before the next figure ("rates of 82% and 54% were reported for
    ORR and CR"): one list, joined by list words only; none when there is no such list."""
    end = group[-1].end
    stop = groups[index + 1][0].start if index + 1 < len(groups) else len(sentence)
    at = bisect_right(clause_ends, end)
    if at < len(clause_ends):
        stop = min(stop, clause_ends[at])
    following = [m for m in labelled.between(end, stop) if m[1] <= stop]
    if len(following) != len(group) or not _joined(following, sentence):
        return []
    return following


# what starts the next clause after a figure ("..., and the 6-month rate was ...")
_NEXT_CLAUSE = re.compile(r"(?i)[;；。]|,\s*(?:and|while|but|whereas|whilst)\s")
# a figure's clause ends at a clause break or a word that starts another clause
# (not the comma of a list of words: "achieved rapid, deep and durable responses")
_CLAUSE_END = re.compile(
    r"[;:，；。]|,(?!\s+[A-Za-z-]+,?\s+(?:and|or)\s+[A-Za-z-]+\s+[A-Za-z-]+)"
    r"|\.(?:\s|$)|\b(?:but|while|whereas|although)\b"
)
# the start of a clause a figure is the subject of: "(N%) of the patients were", "N% had",
# "N(M%) patients achieved" (what it states follows)
_PREDICATE = (
    # Chinese: the people the figure is a share of, then their clause ("三成患者在三年内未出现
    # 疾病进展", "60%的患者仍然存活"): the clause's state words decide
    r"^\s*(?:[(（][^()（）]{{0,20}}[)）])?\s*的?[^，,；;。%\s]{{0,12}}?"
    r"(?:" + _CHINESE_PEOPLE + r")|"
    r"(?i:^\s*[)\]]?\s*(?:\([^()]{{0,30}}\)\s*)?"
    # ("of patients in the higher-dose arm were": the people with a phrase saying which)
    r"(?:(?:of|among)\s+(?:[\w-]+\s+){{0,2}}?(?:{people})\s+(?:{which})\s+(?:[\w-]+\s+){{1,5}}?"
    r"|(?:of|among)\s+(?:[\w-]+\s+){{0,3}}?[\w-]+\s+"
    r"|(?:[\w-]+\s+){{0,2}}?(?:{people})\s*)?"
    r"(?:who\s+|that\s+)?"
    # ("50% of patients can achieve long-term survival": a verb after a modal)
    r"(?:(?:can|could|may|might|will|would)\s+(?:still\s+|now\s+)?(?:be\s+)?)?"
    # ("20% later progressed": a word of time before the verb)
    r"(?:(?:still|later|eventually|ultimately|subsequently|also|then)\s+)?"
    r"(?:" + _SUBJECT_VERBS + r")\b)"
)
# "58% high-risk patients": a share of the patients, not what happened to them ("44% in
# younger patients" is a rate among them)
_SHARE_OF_PATIENTS = r"(?i)^\s*(?!(?:in|among|across|for)\s)(?:[\w-]+\s+){{0,3}}?(?:{people})\b"
# "among responders": the people a figure is about, not its metric
_AMONG = re.compile(r"(?i)\b(?:among|within|in|of|for)\s+(?:the\s+|all\s+)?(?:[\w-]+\s+)?$")
# "relapsed/refractory B-ALL patients", "relapsed or refractory disease": a word before
# the people or their disease describes them; it is not what a figure measures
_DESCRIBES = (
    r"(?i)(?:\s*(?:/|\bor\b|\band\b)\s*(?:refractory|resistant|recurrent|relapsing)\b)?"
    # (words between that start a clause or count people: "25% relapsed and two patients")
    r"\s+(?:(?!(?:and|or|but|while|whereas|then|the|a|an|of|in|who|that|one|two|three|four|"
    r"five|six|seven|eight|nine|ten)\b)[a-z][\w/-]*\s+){{0,3}}?"
    r"(?:{people}|(?:{diseases})s?)\b"
)
# "patients with a complete response": people named by what they had
_WHO_HAD = (
    r"(?i)\b(?:{people}|those)\s+"
    r"(?:with|who\s+(?:had|achieved|reached|attained))\s+(?:a\s+|an\s+)?(?:[\w-]+\s+)?$"
)

# "30%获得缓解的患者在一年内复发": in Chinese the words before 的 and the people say which
# people a figure counts (group rel; who is empty), when a clause of theirs follows
_CHINESE_RELATIVE = re.compile(
    rf"^\s*(?P<who>)(?P<rel>[^，,；;。%\s的]{{1,12}})的(?:{_CHINESE_PEOPLE})"
    r"(?=[^，,；;。]*?[\u4e00-\u9fff])"
)
# "patients who were not in SD had ...": the relative clause after the people (group
# rel), from its own verb to the next verb, which is the clause's the figure is subject of
_RELATIVE = (
    r"(?i)\b(?:{people})\s+(?P<who>(?:who|that)\s+(?:{verbs}|{others})\b)"
    r"(?P<rel>(?:\s+(?:not\s+(?:{verbs})\b|(?!(?:{verbs})\b)[\w/-]+)){{1,8}}?)"
    r"(?=\s+(?:{verbs})\b)"
)


def _population(metric: tuple[int, int, str], sentence: str, rules: RateRules) -> bool:
    """Whether a metric phrase names people a figure is taken among ("among responders",
    "patients with a complete response") rather than what the figure measures."""
    before = max(0, metric[0] - 40)
    had = rules.who_had.search(sentence, before, metric[0])
    if had is not None:
        # "the proportion of patients with a complete response": what the share counts
        return rules.share_of.search(sentence, max(0, had.start() - 50), had.start()) is None
    return sentence[metric[0] : metric[1]].lower().endswith("responders") and bool(
        _AMONG.search(sentence, max(0, metric[0] - 30), metric[0])
    )


def _state_of(
    clause: str, at: int, named: list[tuple[int, int, str]], rules: RateRules, first: bool
) -> tuple[int, int, str] | None:
    """The metric a figure's clause (``clause``, at offset ``at`` of its sentence) states,
    with where: a state that says more than a metric phrase, else the first metric phrase
    named in it, else any state (``first``: the clause follows the figure, so its metric
    phrases count)."""
    for over in (True, False):
        for state in rules.states:
            where = state.over_metrics == over and state.said(clause, rules)
            if where:
                same = [m for m in named if m[2] == state.metric]
                return same[0] if same else (at + where[0], at + where[1], state.metric)
        if over and first and named:
            return named[0]
    return None


def _stated(
    assigned: list[_Assigned], sentence: str, labelled: _Spans, rules: RateRules
) -> list[_Assigned]:
    """Each figure with the state its own clause says in words (states in rates.json):
    the clause it is the subject of ("62% were alive and free of progression" is PFS,
    "74% were still alive" OS), else, for a figure no metric governs, the clause that leads
    to it ("a complete disappearance of tumours in 31%"). A figure followed by words
    describing patients ("58% high-risk patients") that governs nothing is a share of
    them, not a rate."""
    out: list[_Assigned] = []
    starts = [a[0].start for a in assigned]
    for i, (fig, metric, indication, rule, index) in enumerate(assigned):
        nxt = starts[i + 1] if i + 1 < len(assigned) else len(sentence)
        stop = _CLAUSE_END.search(sentence, fig.end, nxt)
        limit = stop.start() if stop else nxt
        tail = sentence[fig.end : limit]
        named = [
            m
            for m in labelled.between(fig.end, limit)
            if m[1] <= limit and _fold(sentence[m[0] : m[1]]) not in rules.state_leads
        ]
        found = None
        adjective = _STATE_NOUN.match(tail)
        subject = False
        lo = hi = -1  # the relative clause that says which people the figure counts
        if rule == "rate.list_after":
            pass  # the list of metrics the clause names after it pairs with it
        elif rules.predicate.match(tail):
            subject = True
            rel = rules.relative.search(tail) or _CHINESE_RELATIVE.match(tail)
            said = tail
            if rel is not None:
                # metric or state words that say which people are counted ("of patients
                # who respond ... relapse") are not what is counted
                lo, hi = fig.end + rel.start("who"), fig.end + rel.end("rel")
                named = [m for m in named if not lo <= m[0] < hi]
                said = tail[: rel.start("who")] + " " * (rel.end("rel") - rel.start("who"))
                said += tail[rel.end("rel") :]
            found = _state_of(said, fig.end, named, rules, first=True)
        elif (
            (metric is None or metric[2] == "not_efficacy")
            and adjective is not None
            and _ARTICLE_BEFORE.search(sentence, max(0, fig.start - 6), fig.start)
        ):
            # "a 95% response in the first patients": the figure describes the state
            # word after it
            found = _state_of(adjective.group(), fig.end, [], rules, first=False)
        elif metric is None or metric[2] == "not_efficacy":
            # the clause before it, since the previous figure (read within a reach, so a
            # sentence of thousands of figures stays linear)
            lo = max(fig.start - NEAREST_REACH, out[-1][0].end if out else 0, 0)
            ends = [m.end() for m in _CLAUSE_END.finditer(sentence, lo, fig.start)]
            if ends and rules.count_share_lead.match(sentence, ends[-1], fig.start):
                # "8 patients were completely relieved, accounting for 80%": the share of
                # the count the clause before states
                ends.pop()
            lo = ends[-1] if ends else lo
            found = _state_of(sentence[lo : fig.start], lo, [], rules, first=False)
            if found is not None and metric is not None and found[0] < metric[1]:
                found = None  # the words nearer the figure say it is no efficacy
        if found is not None:
            out.append((fig, found, indication, "rate.state", index))
        elif metric is not None and lo <= metric[0] < hi:
            # "40% of patients who respond ... relapse": the metric says who is counted,
            # and the clause states nothing of efficacy about them
            out.append(
                (fig, (metric[0], metric[1], "not_efficacy"), indication, "rate.share", index)
            )
        elif (
            # (no metric of its own: none, or the lead of the state before it, "of
            # patients were", which that figure's state has replaced)
            (
                metric is None
                or (
                    metric[2] == "not_efficacy"
                    and _fold(sentence[metric[0] : metric[1]]) in rules.state_leads
                )
            )
            and out
            and out[-1][1] is not None
            and not tail.strip(" .,)")
            and _ELLIPSIS.match(sentence, out[-1][0].end, fig.start)
        ):
            # "60% were alive at 6 months; at 12 months, 45%": the clause leaves out what
            # the one before it said
            out.append((fig, out[-1][1], indication or out[-1][2], "rate.ellipsis", index))
        elif (
            rule in ("rate.nearest_metric", "rate.clause_metric")
            and not named
            and (subject or rules.share_of_patients.match(tail))
            # ("the 79% reached after X": a figure named before, not a clause's subject)
            and not _THE_BEFORE.search(sentence, max(0, fig.start - 5), fig.start)
        ):
            # "where 40% were older than 65": the subject of a clause that states neither
            # a metric nor a state counts patients of some kind, whatever metric is near
            out.append((fig, (fig.end, limit, "not_efficacy"), indication, "rate.share", index))
        else:
            out.append((fig, metric, indication, rule, index))
    return out


# what stands between a figure and the next when the next one's clause leaves out its
# metric and state: the rest of the first clause, a semicolon, perhaps a time ("; at 12
# months, 45%", "; 3 years later, 38%")
_ELLIPSIS = re.compile(
    r"(?i)[^;；。]{0,80}[;；]\s*(?:(?:at|by|after|in|on|within)\s+)?(?:[\w-]+\s+){0,3}?"
    r"(?:[\w-]+)?,?\s*$"
)

# a figure after "the": one the text has named, not the subject of a new clause
_THE_BEFORE = re.compile(r"(?i)\bthe\s+$")
# a figure used as an adjective: "a 95% response", "an 80% remission"
_ARTICLE_BEFORE = re.compile(r"(?i)\ban?\s+$")
_STATE_NOUN = re.compile(r"\s*[\w-]+")


def _compared_to_state(assigned: list[_Assigned], sentence: str) -> list[_Assigned]:
    """A figure of no metric after a comparison word ("55% of patients were alive,
    compared with 46% of those who had chemotherapy") is of the state the figure before it
    stated: the other side of the comparison."""
    return _other_side(
        assigned,
        lambda prev, cur: (
            cur[1] is None
            and prev[3] == "rate.state"
            and prev[1] is not None
            and VERSUS_END.search(sentence, prev[0].end, cur[0].start) is not None
        ),
        own_indication=True,
    )


# a comparison that opens a clause before its figure, perhaps with the other side's
# owner ("Compared with Abecma's 73%, ...", "Versus 42% for chemotherapy, ...")
_COMPARISON_OPENS = re.compile(
    r"(?i)(?:^|[,;:]\s*|\b(?:and|while|but)\s+)(?:compared\s+(?:with|to)|versus|vs\.?|against"
    r"|relative\s+to|in\s+contrast\s+to)\s+"
    r"(?-i:(?:[A-Z][\w&.-]*\s+){0,3}[A-Z][\w&.-]*(?:'s|’s|'|’)\s+)?"
    r"(?:(?:the|just|only|about|around|roughly|nearly)\s+)?$"
)


def _compared_first(assigned: list[_Assigned], sentence: str) -> list[_Assigned]:
    """A figure of no metric that a comparison opens with, before a comma and the
    clause it compares with ("Compared with Abecma's 73%, Carvykti achieved an ORR of
    97%"), is of the metric of the figure that clause states: the other side."""
    out = list(assigned)
    for i in range(len(out) - 1):
        cur, nxt = out[i], out[i + 1]
        if (
            cur[1] is None
            and nxt[1] is not None
            # (read back over the words just before it only: a sentence may hold
            # thousands of figures)
            and _COMPARISON_OPENS.search(sentence, max(0, cur[0].start - 80), cur[0].start)
            is not None
            and "," in sentence[cur[0].end : nxt[0].start]
        ):
            out[i] = (cur[0], nxt[1], cur[2] or nxt[2], "rate.versus", cur[4])
    return out


def _versus(assigned: list[_Assigned], sentence: str) -> list[_Assigned]:
    """The second figure of a comparison ("ORR 71% vs 42%") is of the first's metric."""
    return _other_side(
        assigned,
        lambda prev, cur: (
            prev[1] is not None
            and VERSUS_GAP.match(sentence[prev[0].end : cur[0].start]) is not None
        ),
        own_indication=False,
    )


def _other_side(
    assigned: list[_Assigned],
    compared: Callable[[_Assigned, _Assigned], bool],
    own_indication: bool,
) -> list[_Assigned]:
    """Each figure that ``compared`` says is the other side of a comparison with the one
    before it takes that one's metric (rule rate.versus) and, unless ``own_indication``
    and it names one of its own, its indication."""
    out = list(assigned)
    for i in range(1, len(out)):
        prev, cur = out[i - 1], out[i]
        if compared(prev, cur):
            indication = (cur[2] if own_indication else None) or prev[2]
            out[i] = (cur[0], prev[1], indication, "rate.versus", cur[4])
    return out


# words that refer a list of figures back to the metrics of the sentence before
_REFERS_BACK = re.compile(
    r"(?i)\b(?:respective|corresponding)\s+(?:rates|figures|values|proportions)\b"
    r"|\b(?:these|the same)\s+(?:rates|figures)\s+were\b"
)
# the rules of a figure paired in order with a list of metrics
LIST_RULES = frozenset({"rate.respectively", "rate.list", "rate.list_again", "rate.list_after"})


def _previous_list(assigned: list[_Assigned], previous: tuple[str, ...]) -> list[_Assigned]:
    """Each list of as many figures as ``previous`` that no list of its own sentence
    pairs takes those metrics in order (rule rate.previous_list)."""
    groups: dict[int, list[int]] = {}
    for i, (*_, index) in enumerate(assigned):
        groups.setdefault(index, []).append(i)
    out = list(assigned)
    for members in groups.values():
        if len(members) != len(previous) or any(out[i][3] in LIST_RULES for i in members):
            continue
        for i, metric in zip(members, previous, strict=True):
            fig, _metric, indication, _rule, index = out[i]
            out[i] = (fig, (fig.start, fig.end, metric), indication, "rate.previous_list", index)
    return out


def _joined(metrics: list[tuple[int, int, str]], sentence: str) -> bool:
    """Whether metrics stand as one list ("PFS (..) and OS"): only list words between,
    and the modifier of the next ("six- and 12-month OS", whose "six-" stands for a
    metric of its own)."""
    masked = _masked(sentence)
    return all(
        _LIST_GAP.match(_MODIFIER_TAIL.sub("", masked[a[1] : b[0]])) is not None
        for a, b in zip(metrics, metrics[1:], strict=False)
    )


# a hyphenated word right before a metric ("12-month", "long-term")
_MODIFIER_TAIL = re.compile(r"[\w.]+-[A-Za-z]+\s*$")


_Assigned = tuple[_Figure, tuple[int, int, str] | None, str | None, str, int]


def _paired_timepoints(
    assigned: list[_Assigned], sentence: str, rules: RateRules, metrics: _Spans
) -> dict[_Figure, str]:
    """A list of figures after a list of as many timepoints in its clause takes them in
    order ("5-year and 10-year OS were 58% and 44%"; "OS at 3 years, 1 year and 6
    months were A, B and C"), as metrics pair."""
    groups: dict[int, list[_Figure]] = {}
    for fig, *_rest, index in assigned:
        groups.setdefault(index, []).append(fig)
    out: dict[_Figure, str] = {}
    clause_ends: list[int] | None = None
    for figs in groups.values():
        if len(figs) < 2:
            continue
        if clause_ends is None:  # found once per sentence, looked up per list
            clause_ends = [m.end() for m in _CLAUSE.finditer(sentence)]
        at = bisect_right(clause_ends, figs[0].start) - 1
        clause = clause_ends[at] if at >= 0 else 0
        found = timepoints(sentence, clause, figs[0].start, rules, metrics)
        times = [t.value for t in found] if _coordinated(found, sentence, metrics) else []
        if len(times) != len(figs):
            times = _shared_unit_times(sentence, clause, figs[0].start, rules)
        if len(times) == len(figs):
            out.update(dict(zip(figs, times, strict=True)))
    return out


def _coordinated(times: list[_Time], sentence: str, metrics: _Spans) -> bool:
    """Whether timepoints form one list: only list words, and the metrics each one
    leads, between them ("5-year and 10-year OS", "1-year PFS and 2-year PFS"), not a
    clause's own time before another list ("in CR at month 3, the 24-month EFS and OS")."""
    for a, b in itertools.pairwise(times):
        gap = sentence[a.end : b.start]
        for m in metrics.between(a.end, b.start):
            if m[1] <= b.start:
                gap = gap.replace(sentence[m[0] : m[1]], "", 1)
        if not _LIST_GAP.match(gap):
            return False
    return True


# numbers that share the unit after the last of them: "at 12 and 24 months", "at 1, 2 and
# 3 years"
# ({n}: a number in digits or words)
_SHARED_UNIT = (
    r"(?i)\b(?:at|by|after)\s+(?:(?P<numbers>{n}(?:\s*,\s*{n})*,?\s+(?:and|or)\s+{n})"
    r"\s+(?P<unit>[a-z]+)\b"
    # (the unit first: "at months 3 and 6", "by days 14 and 28")
    r"|(?P<unit_first>[a-z]+)\s+(?P<numbers_after>\d{{1,3}}(?:\s*,\s*\d{{1,3}})*,?\s+(?:and|or)\s+\d{{1,3}})\b)"
)
_LIST_SEPARATOR = re.compile(r"(?i)\s*,\s*(?:and\s+|or\s+)?|\s+(?:and|or)\s+")


def _shared_unit_times(sentence: str, lo: int, hi: int, rules: RateRules) -> list[str]:
    """The timepoints of the last list of numbers sharing one unit in sentence[lo:hi], in
    order ("at 12 and 24 months" -> 12-month, 24-month; "at days 14 and 28" -> day 14,
    day 28); none where there is no such list.

    >>> _shared_unit_times("PFS at 12 and 24 months was", 0, 27, default_rates())
    ['12-month', '24-month']
    >>> _shared_unit_times("CR at days 14 and 28 was", 0, 24, default_rates())
    ['day 14', 'day 28']
    """
    found = list(rules.shared_unit.finditer(sentence, lo, hi))
    if not found:
        return []
    last = found[-1]
    unit = rules.time_units.get((last.group("unit") or last.group("unit_first")).lower())
    if unit is None or rules.timepoint_not_after.search(
        sentence, max(0, last.start() - 40), last.start()
    ):
        return []  # (no unit of time, or follow-up times: "a median follow-up at ...")
    numbers = last.group("numbers") or last.group("numbers_after")
    values = [_num(n, rules) for n in _LIST_SEPARATOR.split(numbers)]
    return [time_value(int(v), unit) for v in values if v is not None]


_COORDINATED = re.compile(
    r"(?i)\b([a-z][a-z-]*)\s*(?:,\s*(?:and\s+|or\s+)?|\band\s+|\bor\s+|/\s*|&\s*)$"
)


def _elided(
    metrics: list[tuple[int, int, str]], sentence: str, rules: RateRules
) -> list[tuple[int, int, str]]:
    """Metrics whose head a coordinated phrase shares: in "overall and complete response
    rates", "overall" is the overall response (the phrase read as "overall response").

    >>> r = default_rates()
    >>> _elided(r.metrics.find("Overall and complete response rates"),
    ...         "Overall and complete response rates", r)
    [(0, 7, 'overall response')]
    """
    taken = _Spans(metrics)
    out = []
    for start, end, _label in metrics:
        words = sentence[start:end].split(maxsplit=1)
        if len(words) < 2:
            continue
        pos = start
        while (m := _COORDINATED.search(sentence, max(0, pos - 40), pos)) is not None:
            word = m.group(1)
            if taken.covering(m.start(1)):
                break
            found = rules.metrics.find(f"{word} {words[1]}")
            if not found or found[0][0] != 0 or found[0][1] <= len(word) + 1:
                break
            out.append((m.start(1), m.end(1), found[0][2]))
            pos = m.start(1)
    return out


def _timed(
    metrics: list[tuple[int, int, str]], sentence: str, rules: RateRules
) -> tuple[list[tuple[int, int, str]], dict[tuple[int, int, str], str]]:
    """Metrics that a list of timepoints shares: in "1-year and 2-year OS rates" (or "6-
    and 12-month PFS") each timepoint but the last stands for one more metric of the same
    kind, so a list of figures pairs with them in order. The new metrics (at their
    timepoint's place) and the timepoint of each.

    >>> r = default_rates()
    >>> s = "The 6- and 12-month PFS rates were 70% and 55%."
    >>> added, times = _timed(r.metrics.find(s), s, r)
    >>> added, sorted(times.values())
    ([(4, 6, 'progression-free survival')], ['12-month', '6-month'])
    """
    if not metrics or rules.timepoint_hint.search(sentence) is None:
        return [], {}
    added: list[tuple[int, int, str]] = []
    times: dict[tuple[int, int, str], str] = {}
    empty = _Spans([])
    for start, _end, label in metrics:
        lo = max(0, start - 80)
        items = [(t.start, t.end, t.value) for t in timepoints(sentence, lo, start, rules, empty)]
        items += [
            (m.start(), m.end(), str(int(number)))
            for m in rules.suspended.finditer(sentence, lo, start)
            if (number := _num(m.group(1), rules)) is not None
        ]
        items.sort()
        # the chain of items that ends right before the metric, joined as a list
        if not items or sentence[items[-1][1] : start].strip(" -"):
            continue
        chain = [items[-1]]
        for item in reversed(items[:-1]):
            if not _LIST_GAP.match(sentence[item[1] : chain[0][0]]):
                break
            chain.insert(0, item)
        if len(chain) < 2:
            continue
        unit = time_unit(chain[-1][2])
        for a, b, value in chain[:-1]:
            if value.isdigit():  # a suspended number takes the last item's unit
                if unit is None:
                    break
                value = time_value(int(value), unit)
            metric = (a, b, label)
            added.append(metric)
            times[metric] = value
        times[(start, _end, label)] = chain[-1][2]
    return added, times


def _governing(
    fig: _Figure,
    labelled: _Spans,
    sentence: str,
    window: int,
    valid: Callable[[tuple[int, int, str], _Figure], bool],
    bracket_of: Callable[[int], tuple[int, int] | None],
    rules: RateRules,
    following: int,
) -> tuple[tuple[int, int, str] | None, None, str]:
    """The metric that governs a figure outside lists (_assign); ``following``: where
    the next figure starts (a metric past it is that figure's to take, not this one's
    nearest: "in 30 of 32 (94%), with 24 (75%) achieving a complete response")."""
    own = bracket_of(fig.start)
    if own is not None:
        # (not one past a break after the figure: "(84% vs 67%; complete response, ...)")
        inside = [
            m
            for m in labelled.between(own[0], own[1])
            if m[1] <= own[1] and not (m[0] >= fig.end and _CLAUSE.search(sentence, fig.end, m[0]))
        ]
        led = [m for m in inside if m[1] <= fig.start]
        if led and _METRIC_THEN.match(sentence[led[-1][1] : fig.start]):
            # "(overall response rate (ORR)=100%, complete response rate ...)": the
            # metric that leads the figure inside its bracket, not the nearest one
            return led[-1], None, "rate.bracket_metric"
        if inside:
            return _nearest(inside, fig), None, "rate.bracket_metric"
    before = [m for m in labelled.between(window, fig.start) if m[1] <= fig.start and valid(m, fig)]
    if before and _METRIC_THEN.match(sentence[before[-1][1] : fig.start]):
        right_after = next(iter(labelled.between(fig.end, fig.end + 2)), None)
        if (
            before[-1][2] == "not_efficacy"
            and right_after is not None
            and right_after[2] != "not_efficacy"
            and not sentence[fig.end : right_after[0]].strip()
        ):
            # a metric right after the figure names it ("a later cut showed 61% CR"):
            # a word that only hints at something else does not outweigh it
            return right_after, None, "rate.figure_first"
        if (
            len(before) > 1
            and _POPULATION.search(sentence, before[-2][1], before[-1][0]) is not None
            and not clause_break(sentence[before[-2][1] : before[-1][0]])
        ):
            # "the OS rate of patients who achieved CR was 80%": the metric inside the
            # clause says who was counted; the rate is the one its subject names
            return before[-2], None, "rate.metric_then_figure"
        return before[-1], None, "rate.metric_then_figure"
    after = [
        m
        for m in labelled.between(fig.end, fig.end + 91)
        # (a comma of a list of words that describe the metric breaks no clause: "had
        # rapid, deep and durable responses"; a metric past "including" is a subset's)
        if (
            not clause_break(sentence[fig.end : m[0]])
            or rules.figure_first.match(sentence[fig.end : m[0]])
        )
        and not rules.subset.search(sentence, fig.end, m[0])
    ]
    lead = None
    for m in after:
        if rules.figure_first.match(sentence[fig.end : m[0]]):
            if lead is None and _fold(sentence[m[0] : m[1]]) in rules.state_leads:
                lead = m  # "80% of patients were ...": the state after it decides
                continue
            return m, None, "rate.figure_first"
    if lead is not None:
        return lead, None, "rate.figure_first"
    if before:
        return before[-1], None, "rate.clause_metric"
    found = _nearest(
        [
            m
            for m in labelled.near(fig.start, fig.end, NEAREST_REACH)
            if valid(m, fig)
            and not (
                m[0] >= fig.end
                and (
                    m[0] >= following
                    # (nor one that leads the next figure: "... and the ORR was 84%")
                    or (
                        following < len(sentence)
                        and following - m[1] <= _METRIC_THEN_REACH
                        and _METRIC_THEN.match(sentence[m[1] : following]) is not None
                    )
                    or clause_break(sentence[fig.end : m[0]])
                    # (a metric past ", but" or ", while" is the next clause's)
                    or _NEXT_CLAUSE.search(sentence, fig.end, m[0])
                    # ("..., confounding overall survival (OS) interpretation")
                    or rules.modifying.match(sentence, m[1])
                    or rules.subset.search(sentence, fig.end, m[0])
                )
            )
        ],
        fig,
    )
    return found, None, "rate.nearest_metric"


def _heading_metric(sentence: str, rules: RateRules) -> str | None:
    """The metric of a heading line ("Complete remission rates:"): short, no figure,
    exactly one metric named."""
    if (
        not sentence.rstrip().endswith((":", "："))
        or len(sentence) > 80
        or figures(sentence, rules)
    ):
        return None
    metrics = {m[2] for m in rules.metrics.find(sentence)}
    return metrics.pop() if len(metrics) == 1 else None


def _distinct_in_order(items: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    seen: set[str] = set()
    out = []
    for item in items:
        if item[2] not in seen:
            seen.add(item[2])
            out.append(item)
    return out


def default_rates() -> RateRules:
    return load_rates(load_patterns())
