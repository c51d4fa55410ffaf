"""Hospitals named in Chinese: 浙江大学医学院附属第一医院, 上海长海医院, 瑪麗醫院, 浙大一院.

Pure functions over the text folded to simplified script (one character for one, so
offsets are the text's). A name ends in a head word (医院, 医学中心); Chinese has no
spaces, so its start is the nearest boundary before the head: a character that is not
Chinese, or a function character (在, 于, 和, 至...) unless it stands inside a name word
(协和). A known hospital (the gazetteer's ``chinese`` names) is recognised by its name or a
name ending it; any other is read into its parts (place, university, school, 附属,
ordinal, type words, distinctive characters) and given an English name built from them,
which then goes through the English canonical key (parse.parse_hospital), so "上海交通大学
医学院附属仁济医院" and "Renji Hospital" meet. Rules: patterns/hospitals_zh.json.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from ..nlp.scan import alternation, guarded, marked
from ..nlp.scan import finditer as scan_finditer
from ..rules import Rules, compile_regex, expect, open_json, section, string_list
from ..words.chinese import HAN, load_pinyin, load_variants, romanised
from .parse import (
    GazetteerEntry,
    HospitalMention,
    HospitalName,
    HospitalRules,
    known_name,
    load_hospitals,
    parse_hospital,
)

FILE = "hospitals_zh.json"
# characters a name may reach back from its head (the longest names are about 20:
# 华中科技大学同济医学院附属协和医院)
LONGEST_NAME = 24
# the most characters a head has (医学中心, 肿瘤防治中心)
HEAD_LONGEST = 8
# distinctive characters a name without place or university may have
DISTINCTIVE_ALONE = 4


@dataclass(frozen=True)
class Place:
    name: str  # English
    city: str | None
    kind: str  # city, province or country


@dataclass(frozen=True)
class University:
    name: str
    city: str | None


@dataclass(frozen=True)
class ChineseHospitalRules:
    english: HospitalRules
    t2s: dict[int, str]
    pinyin: dict[str, str]
    heads: dict[str, str]
    head: re.Pattern[str]
    # a head that ends the text searched (a name's head right before a joiner)
    head_end: re.Pattern[str]
    boundary: frozenset[str]
    vague: frozenset[str]
    counted: re.Pattern[str]
    name_words: tuple[str, ...]
    leading: re.Pattern[str]
    not_names: re.Pattern[str]
    not_after: re.Pattern[str]
    ordinals: dict[str, str]
    affiliated: tuple[str, ...]
    kinds: dict[str, tuple[str, bool]]  # word -> (English, after the head)
    kind: re.Pattern[str]
    schools: dict[str, str]
    school: re.Pattern[str]
    places: dict[str, Place]
    place: re.Pattern[str]
    unknown_place: re.Pattern[str]
    place_suffixes: dict[str, str]
    universities: dict[str, University]
    university: re.Pattern[str]
    unknown_university: re.Pattern[str]
    university_endings: dict[str, str]
    short_form: re.Pattern[str]
    abbreviation: re.Pattern[str]
    known: re.Pattern[str]
    # a known hospital's short name (chinese_short: 北荣) right before one of its
    # departments or staff (血液科, 医师): the hospital
    short_department: re.Pattern[str] = re.compile("(?!)")
    # words right after a place that make a hospital the place's local one (本地, 当地)
    local: re.Pattern[str] = re.compile("(?!)")
    # boundary characters no name or place holds (的): no start is sought past one
    hard_boundary: frozenset[str] = frozenset()
    # words after which a name begins and before which none reaches: what stands before
    # them is a parent, not part of the name (医管局辖下医院, 集团旗下医院)
    hard_boundary_words: tuple[str, ...] = ()
    # a known hospital's short name (chinese_short) at a boundary, and those short names
    # that also name a university (台大, 成大): joined to another hospital by 与, 和 or 及
    # (北荣与高医), a short name is the hospital, unless both are such
    short_name: re.Pattern[str] = re.compile("(?!)")
    university_shorts: frozenset[str] = frozenset()


_KEYS = {
    "heads",
    "boundary_characters",
    "hard_boundary_characters",
    "hard_boundary_words",
    "name_words",
    "leading_words",
    "not_names",
    "local_words",
    "not_after_head",
    "ordinals",
    "affiliated",
    "kinds",
    "schools",
    "places",
    "place_suffixes",
    "universities",
    "university_endings",
    "short_form",
    "vague_characters",
    "counted",
    "university_shorts",
}


def _starting(words: Iterable[str]) -> re.Pattern[str]:
    """Matches one of ``words`` (longest first) at a position (with ``.match``)."""
    return re.compile(rf"(?:{alternation(words)})" if words else "(?!)")


def _known_names(names: list[str]) -> re.Pattern[str]:
    """The gazetteer's Chinese names, longest first; the lookahead on first characters
    lets the engine skip other positions at C speed."""
    return re.compile(guarded(names))


@lru_cache(maxsize=8)
def load_chinese_hospitals(patterns: Rules) -> ChineseHospitalRules:
    data, file = open_json(
        patterns, FILE, allowed=_KEYS | {"short_before_department"}, required=_KEYS
    )
    english = load_hospitals(patterns)
    heads = {str(k): str(v) for k, v in section(data, "heads", dict, file=file).items()}
    kinds: dict[str, tuple[str, bool]] = {}
    for word, value in section(data, "kinds", dict, file=file).items():
        pair = expect(value, list, file=file, key=f"kinds.{word}")
        kinds[word] = (str(pair[0]), len(pair) > 1 and pair[1] == "after")
    places: dict[str, Place] = {}
    for word, value in section(data, "places", dict, file=file).items():
        triple = expect(value, list, file=file, key=f"places.{word}")
        places[word] = Place(str(triple[0]), triple[1], str(triple[2]))
    universities: dict[str, University] = {}
    for i, rec in enumerate(expect(data["universities"], list, file=file, key="universities")):
        where = f"universities[{i}]"
        record = expect(rec, dict, file=file, key=where)
        university = University(
            expect(record.get("name"), str, file=file, key=f"{where}.name"), record.get("city")
        )
        for name in string_list(record.get("chinese", []), file=file, key=f"{where}.chinese"):
            universities.setdefault(name, university)
        for name in string_list(record.get("short", []), file=file, key=f"{where}.short"):
            universities.setdefault(name, university)
    endings = {
        str(k): str(v) for k, v in section(data, "university_endings", dict, file=file).items()
    }
    ordinals = {str(k): str(v) for k, v in section(data, "ordinals", dict, file=file).items()}
    suffixes = {str(k): str(v) for k, v in section(data, "place_suffixes", dict, file=file).items()}
    affiliated = tuple(string_list(data["affiliated"], file=file, key="affiliated"))
    ordinal = f"[{''.join(ordinals)}]"
    affix = alternation(["附", *affiliated])
    return ChineseHospitalRules(
        english=english,
        t2s=load_variants(patterns),
        pinyin=load_pinyin(patterns),
        heads=heads,
        head=re.compile(alternation(heads)),
        head_end=re.compile(f"(?:{alternation(heads)})$"),
        boundary=frozenset(
            expect(data["boundary_characters"], str, file=file, key="boundary_characters")
        ),
        hard_boundary=frozenset(
            expect(
                data.get("hard_boundary_characters", ""),
                str,
                file=file,
                key="hard_boundary_characters",
            )
        ),
        hard_boundary_words=tuple(
            string_list(data.get("hard_boundary_words", []), file=file, key="hard_boundary_words")
        ),
        counted=compile_regex(
            expect(data["counted"], str, file=file, key="counted"), file=file, key="counted"
        ),
        vague=frozenset(expect(data["vague_characters"], str, file=file, key="vague_characters")),
        name_words=tuple(string_list(data["name_words"], file=file, key="name_words")),
        leading=re.compile(
            rf"(?:{alternation(string_list(data['leading_words'], file=file, key='leading_words'))})+"
        ),
        not_names=_starting(string_list(data["not_names"], file=file, key="not_names")),
        local=_starting(string_list(data.get("local_words", []), file=file, key="local_words")),
        not_after=_starting(string_list(data["not_after_head"], file=file, key="not_after_head")),
        ordinals=ordinals,
        affiliated=affiliated,
        kinds=kinds,
        kind=_starting(kinds),
        schools={str(k): str(v) for k, v in section(data, "schools", dict, file=file).items()},
        school=_starting(section(data, "schools", dict, file=file)),
        places=places,
        place=re.compile(
            rf"(?P<place>{alternation(places)})(?P<suffix>{alternation(suffixes)})?"
            if places
            else "(?!)"
        ),
        # a place the table does not hold, by its administrative suffix: 湖州市, 桐庐县
        unknown_place=re.compile(
            rf"(?P<stem>{HAN.pattern}{{2,3}}?)(?P<suffix>{alternation(s for s in suffixes if s)})"
        ),
        place_suffixes=suffixes,
        universities=universities,
        university=_starting(universities),
        unknown_university=re.compile(
            rf"(?P<stem>{HAN.pattern}{{2,6}}?)(?P<ending>{alternation(endings)})"
        ),
        university_endings=endings,
        short_form=compile_regex(
            expect(data["short_form"], str, file=file, key="short_form"),
            file=file,
            key="short_form",
        ),
        # a university's short name with an ordinal: 浙大一院, 郑大一附院
        # or, with no ordinal, its affiliated hospital: 徐医附院, 青大附院
        abbreviation=re.compile(
            rf"(?P<university>{alternation(universities)})"
            rf"(?:(?P<a1>{affix})?(?P<ordinal>{ordinal})(?P<a2>{affix})?|(?P<a3>附))"
            rf"院(?![长士校区])"
            if universities
            else "(?!)"
        ),
        known=_known_names(list(english.chinese)),
        short_department=_short_department(
            data.get("short_before_department"), list(english.chinese_short), data, file
        ),
        short_name=(
            re.compile(_short_at_boundary(list(english.chinese_short), data))
            if english.chinese_short
            else re.compile("(?!)")
        ),
        university_shorts=frozenset(
            string_list(data.get("university_shorts", []), file=file, key="university_shorts")
        ),
    )


def _short_department(
    department: Any, shorts: list[str], data: dict[str, Any], file: str
) -> re.Pattern[str]:
    """A short name at a boundary (not inside a word: after a character that is not
    Chinese, or a boundary character) right before what ``department`` matches."""
    if department is None or not shorts:
        return re.compile("(?!)")
    after = compile_regex(
        expect(department, str, file=file, key="short_before_department"),
        file=file,
        key="short_before_department",
    )
    return re.compile(rf"{_short_at_boundary(shorts, data)}(?={after.pattern})")


def _short_at_boundary(shorts: list[str], data: dict[str, Any]) -> str:
    """A regex of the short names where one begins: after a character that is not
    Chinese, or after a boundary character (not inside a word)."""
    boundary = re.escape(str(data["boundary_characters"]))
    return rf"(?:(?<![\u4e00-\u9fff])|(?<=[{boundary}]))(?:{guarded(shorts)})"


# ---------------------------------------------------------------- reading a name


@dataclass
class _Parts:
    place: Place | None = None
    place_suffix: str = ""
    university: University | None = None
    school: str | None = None
    affiliated: bool = False
    ordinal: str | None = None
    kinds: tuple[str, ...] = ()
    distinctive: str = ""
    head: str = "Hospital"

    def identifies(self) -> bool:
        """Whether the parts name one hospital: a place or a university with something
        more than the head, or a distinctive name of two characters or more."""
        more = bool(self.ordinal or self.kinds or self.distinctive or self.school)
        if self.university is not None:
            return True
        if self.place is not None and self.place.kind != "country":
            return more
        # a name of its own, with no place: 慈济医院 (longer runs are seldom one name)
        return 2 <= len(self.distinctive) <= DISTINCTIVE_ALONE


def read_parts(name: str, rules: ChineseHospitalRules) -> _Parts:
    """The parts of a Chinese hospital name (simplified script), left to right."""
    parts = _Parts()
    head = next((h for h in sorted(rules.heads, key=len, reverse=True) if name.endswith(h)), "")
    parts.head = rules.heads.get(head, "Hospital")
    body = name[: len(name) - len(head)]
    i = 0
    m = rules.place.match(body)
    if m and not rules.university.match(body):  # 北京大学 is a university, not 北京
        parts.place, parts.place_suffix = rules.places[m.group("place")], m.group("suffix") or ""
        i = m.end()
    elif not rules.university.match(body) and not rules.unknown_university.match(body):
        m = rules.unknown_place.match(body)
        if m and m.end() < len(body):
            stem, suffix = romanised(m.group("stem"), rules.pinyin), m.group("suffix")
            kind = "province" if rules.place_suffixes[suffix] == "Provincial" else "city"
            county = rules.place_suffixes[suffix] if kind == "city" else ""
            name = f"{stem} {county}".strip()
            parts.place = Place(name, name if kind == "city" and not county else None, kind)
            parts.place_suffix, i = suffix, m.end()
    if parts.place is not None:
        m = rules.unknown_place.match(body, i)  # a district or county of it: 朝阳区
        if m and m.end() < len(body) and rules.place_suffixes[m.group("suffix")]:
            district = f"{romanised(m.group('stem'), rules.pinyin)} {rules.place_suffixes[m.group('suffix')]}"
            parts.place = Place(f"{parts.place.name} {district}", parts.place.city, "city")
            parts.place_suffix, i = m.group("suffix"), m.end()
    m = rules.university.match(body, i)
    if m:
        parts.university, i = rules.universities[m.group(0)], m.end()
    else:
        unknown = rules.unknown_university.match(body, i)
        if unknown:
            stem = romanised(unknown.group("stem"), rules.pinyin)
            ending = rules.university_endings[unknown.group("ending")]
            parts.university, i = University(f"{stem} {ending}", None), unknown.end()
    if parts.university is not None:
        m = rules.school.match(body, i)
        if m:
            parts.school, i = rules.schools[m.group(0)], m.end()
    distinctive: list[str] = []
    kinds: list[str] = []
    while i < len(body):
        if any(body.startswith(a, i) for a in rules.affiliated):
            parts.affiliated = True
            i += 2
            continue
        if body[i] == "第" and i + 1 < len(body) and body[i + 1] in rules.ordinals:
            parts.ordinal = rules.ordinals[body[i + 1]]
            i += 2
            continue
        if body[i] in rules.ordinals and (i + 1 == len(body) or body[i + 1] in "附人"):
            parts.ordinal = rules.ordinals[body[i]]  # 湘雅二医院, 一附院
            i += 1
            continue
        m = rules.kind.match(body, i)
        if m:
            kinds.append(m.group(0))
            i = m.end()
            continue
        distinctive.append(body[i])
        i += 1
    parts.kinds = tuple(kinds)
    parts.distinctive = "".join(distinctive)
    return parts


def english_name(parts: _Parts, rules: ChineseHospitalRules) -> str:
    """An English name built from the parts, in the form Chinese hospitals use for
    their own ("The First Affiliated Hospital of X University", "Renji Hospital, X
    University School of Medicine", "The Second People's Hospital of Y")."""
    before = [rules.kinds[k][0] for k in parts.kinds if not rules.kinds[k][1]]
    after = [rules.kinds[k][0] for k in parts.kinds if rules.kinds[k][1]]
    name = romanised(parts.distinctive, rules.pinyin) if parts.distinctive else ""
    words = [name, *before, parts.head, *after]
    if parts.ordinal:
        affiliated = "Affiliated " if parts.affiliated else ""
        core = f"The {parts.ordinal} {affiliated}" + " ".join(w for w in words if w)
    else:
        core = " ".join(w for w in words if w)
    if parts.university is not None:
        university = parts.university.name
        if parts.school == "School of Medicine":
            return f"{core}, {university} School of Medicine"
        if parts.school:
            return f"{core}, {parts.school}, {university}"
        if parts.ordinal or name:
            return f"{core} of {university}"
        if parts.affiliated and not before:
            return f"The Affiliated {core} of {university}"
        return f"{university} {core}"
    if parts.place is not None:
        place = parts.place.name
        qualifier = rules.place_suffixes.get(parts.place_suffix, "")
        if parts.place.kind != "province" or qualifier != "Provincial":
            qualifier = ""  # a county's or district's word is part of its name already
        if parts.ordinal:
            return f"{core} of {place}"
        return " ".join(w for w in (place, qualifier, core) if w)
    return core


def _city(parts: _Parts) -> str | None:
    if parts.place is not None and parts.place.city:
        return parts.place.city
    return parts.university.city if parts.university is not None else None


# ---------------------------------------------------------------- finding names


def _start(folded: str, head_start: int, rules: ChineseHospitalRules) -> list[int]:
    """Where a name ending at ``head_start`` may begin, nearest first: after each
    boundary before it, up to LONGEST_NAME characters back (digits just before the head
    belong to it: 301医院)."""
    lo = max(0, head_start - LONGEST_NAME)
    i = head_start
    while i > lo and folded[i - 1].isdigit():
        i -= 1
    starts = []
    protected = _protected(folded, lo, head_start, rules)
    while i > lo:
        c = folded[i - 1]
        if not HAN.match(c):
            break
        if c in rules.hard_boundary:
            break  # (治疗的儿童医院: no name reaches past 的)
        if any(folded.endswith(w, lo, i) for w in rules.hard_boundary_words):
            starts.append(i)
            return starts  # (医管局辖下医院: the name starts after 辖下, if it is one)
        if (
            rules.not_after.match(folded, i)
            and rules.head_end.search(folded, max(lo, i - HEAD_LONGEST), i) is not None
        ):
            # (申康医院发展中心负责市级医院: a body named after a head, 医院发展中心, ends
            # there; what follows up to this head is no hospital's name)
            return starts
        if c in rules.boundary and (i - 1) not in protected:
            starts.append(i)
            if rules.head_end.search(folded, max(lo, i - 1 - HEAD_LONGEST), i - 1) is not None:
                # "第一医院和第三医院": no name holds another hospital's head and a joiner
                return starts
        i -= 1
    starts.append(i)
    return starts


def _protected(folded: str, lo: int, hi: int, rules: ChineseHospitalRules) -> set[int]:
    """Positions inside a name word (协和) between ``lo`` and ``hi``."""
    out: set[int] = set()
    for word in rules.name_words:
        j = folded.find(word, max(0, lo - len(word) + 1), hi + len(word))
        while j != -1 and j < hi:
            out.update(range(j, j + len(word)))
            j = folded.find(word, j + 1, hi + len(word))
    return out


def _candidate(folded: str, start: int, end: int, rules: ChineseHospitalRules) -> int | None:
    """The start of the name in folded[start:end] once leading words are dropped; None
    when what is left is no name (该医院, 定点医院)."""
    m = rules.leading.match(folded, start, end)
    if m:
        start = m.end()
    if start >= end or rules.not_names.match(folded, start, end):
        return None
    place = rules.place.match(folded, start, end)
    if place is not None and rules.local.match(folded, place.end(), end):
        return None  # 香港本地医院: a local hospital of the place, none by name
    if rules.counted.search(folded, start, end):
        return None  # 多家医院, 3家医院
    return start


def _identify(chinese: str, rules: ChineseHospitalRules) -> HospitalName | None:
    """The hospital a Chinese name (simplified) names: a gazetteer entry by the whole
    name, or by a known name ending it whose place and university agree; else one built
    from its parts."""
    entry = rules.english.chinese.get(chinese)
    if entry is not None:
        return known_name(entry, rules.english)
    center = _MEDICAL_CENTER.match(chinese)
    if center is not None and center.group("ordinal") in rules.ordinals:
        # a numbered medical center of a known hospital (a hospital group's campus):
        # 解放军总医院第一医学中心 -> Chinese PLA General Hospital First Medical Center
        parent = rules.english.chinese.get(center.group("parent"))
        if parent is not None:
            ordinal = rules.ordinals[center.group("ordinal")]
            # the hospital's own name (before the university a comma adds), then the
            # center, as the gold tables and the gazetteer's fifth center write it
            own = parent.name.split(",")[0].removeprefix("The ")
            display = f"{own} {ordinal} Medical Center"
            return HospitalName(
                ("zh", parent.id, ordinal), display, parent.city, (ordinal,), "medical center"
            )
    branch = _branch(chinese, rules)
    if branch is not None:
        return branch
    entry = _known_ending(chinese, rules) or _known_inside(chinese, rules)
    if entry is not None:
        return known_name(entry, rules.english)
    parts = read_parts(chinese, rules)
    if not parts.identifies() or rules.vague.intersection(parts.distinctive):
        return None
    english = english_name(parts, rules)
    city = _city(parts)
    parsed = parse_hospital(english, rules.english)
    if parsed is None:
        return HospitalName(("zh", chinese), english, city, (chinese,), parts.head.lower())
    known = rules.english.gazetteer.get(parsed.key)
    if known is not None:
        return known_name(known, rules.english)
    return HospitalName(parsed.key, english, city or parsed.city, parsed.distinctive, parsed.head)


def _known_inside(chinese: str, rules: ChineseHospitalRules) -> GazetteerEntry | None:
    """A gazetteer entry whose short name (one without a head: 丹娜法伯) stands inside a
    name with a generic ending ("...丹娜法伯癌症中心")."""
    heads = tuple(rules.heads)
    for name, entry in rules.english.chinese.items():
        if len(name) >= 4 and name in chinese and not name.endswith(heads):
            return entry
    return None


# a known hospital's numbered medical center (第一医学中心)
_MEDICAL_CENTER = re.compile(r"(?P<parent>.+?医院)第(?P<ordinal>.)医学中心$")
# a hospital a known one runs in another place, named after both (X医院海南医院, X医院Y分院)
_BRANCH = re.compile(r"(?P<parent>.+?医院)(?P<place>[\u4e00-\u9fff]{2,4}?)(?:医院|分院)$")


def _branch(chinese: str, rules: ChineseHospitalRules) -> HospitalName | None:
    """A known hospital's branch in a place (复旦大学附属中山医院厦门医院): the parent's
    own name with the place in brackets, then the rest of the parent's name ("Zhongshan
    Hospital (Xiamen), Fudan University"), as such branches write their English names.
    None unless the parent is a known hospital and the words between name a place."""
    m = _BRANCH.match(chinese)
    if m is None:
        return None
    place = rules.place.fullmatch(m.group("place"))
    if place is None:
        return None
    parent = rules.english.chinese.get(m.group("parent")) or _known_ending(m.group("parent"), rules)
    if parent is None:
        return None
    where = rules.places[place.group("place")]
    own, comma, rest = parent.name.partition(", ")
    display = f"{own} ({where.name}){comma}{rest}"
    return HospitalName(
        ("zh", parent.id, "branch", where.name),
        display,
        # (a province's branch stands in a city the name does not say)
        where.city if where.kind != "province" else None,
        (where.name,),
        "branch",
    )


def _known_ending(chinese: str, rules: ChineseHospitalRules) -> GazetteerEntry | None:
    """A gazetteer entry whose Chinese name ends this one ("上海仁济医院" ends in 仁济医院),
    when what stands before agrees with the entry: its characters all appear, in order,
    in another of the entry's names."""
    found = _ending_name(chinese, len(chinese), rules)
    if found is None or not _prefix_belongs(chinese[: found[0]], found[1], rules):
        return None
    return found[1]


def _unrelated_lead(chinese: str, rules: ChineseHospitalRules) -> int:
    """How many leading characters of a candidate name stand before a known hospital's
    name and are no part of it (介绍北京大学肿瘤医院: a verb): they name no place,
    university or kind of hospital, and are not characters of the hospital's other names
    (上海仁济医院 keeps 上海). 0 when the candidate ends in no known name (or in a known
    hospital's numbered medical center)."""
    center = _MEDICAL_CENTER.match(chinese)
    found = _ending_name(chinese, center.end("parent") if center else len(chinese), rules)
    if found is None:
        return 0
    start, entry = found
    prefix = chinese[:start]
    if _prefix_belongs(prefix, entry, rules):
        return 0
    tells = (rules.place, rules.university, rules.unknown_place, rules.unknown_university)
    if any(p.search(prefix) for p in tells) or rules.kind.search(prefix):
        return 0  # 长沙仁济医院 may be another hospital than Shanghai's
    return start


def _place_start(chinese: str, rules: ChineseHospitalRules) -> int:
    """Where the first known place or university inside a candidate name stands, when
    the name does not start with one (0 when it does, or holds none)."""
    if rules.place.match(chinese) or rules.university.match(chinese):
        return 0
    found = [
        m.start()
        for m in (rules.place.search(chinese, 1), rules.university.search(chinese, 1))
        if m
    ]
    return min(found, default=0)


def _ending_name(
    chinese: str, end: int, rules: ChineseHospitalRules
) -> tuple[int, GazetteerEntry] | None:
    """The longest known name ending chinese[:end] after its first character: (where it
    starts, its entry)."""
    for i in range(1, end - 2):
        entry = rules.english.chinese.get(chinese[i:end])
        if entry is not None:
            return i, entry
    return None


def _prefix_belongs(prefix: str, entry: GazetteerEntry, rules: ChineseHospitalRules) -> bool:
    """Whether the characters before a known name all appear, in order, in one of its
    hospital's names (上海 in 上海交通大学医学院附属仁济医院), or name the hospital's own
    city (香港 before 玛丽医院, a Hong Kong hospital), or a country it may stand in (美国
    before 安德森癌症中心: a hospital abroad in a city no place of China's names)."""
    names = [n for n, e in rules.english.chinese.items() if e is entry]
    if any(_in_order(prefix, n) for n in names):
        return True
    place = rules.places.get(prefix) or rules.places.get(prefix.removesuffix("市"))
    if place is None or entry.city is None:
        return False
    if place.kind == "country":
        at_home = entry.city in {p.city for p in rules.places.values() if p.kind != "country"}
        return at_home == (place.name == "China")
    return place.city == entry.city


# where a list of names ends: clause punctuation (its items are joined by 、)
_LIST_END = frozenset("，,。；;：:！？!?（）()【】《》\n")
_ITEM = re.compile(r"[^、]+")
# what ends the last item of a list: 等 (and what follows it: 等医学中心)
_ITEM_TAIL = re.compile(r"等")
# what may join the last two items (中荣与高荣)
_ITEM_JOINS = "与和及"


def _listed(
    folded: str, found: list[HospitalMention], rules: ChineseHospitalRules
) -> list[HospitalMention]:
    """Hospitals written as items of a list that names a hospital (台大医院、马偕、奇美): an
    item that is exactly a known hospital's Chinese name or short name (``chinese_short``
    in the gazetteer, which names a hospital only so). Linear in the text: the list
    bounds are found once, each list is read once."""
    if "、" not in folded or not found:
        return []
    ends = [i for i, c in enumerate(folded) if c in _LIST_END]
    lists = set()
    for f in found:
        k = bisect_left(ends, f.start)
        lists.add((ends[k - 1] + 1 if k else 0, ends[k] if k < len(ends) else len(folded)))
    taken = sorted((f.start, f.end) for f in found)
    taken_starts = [s for s, _ in taken]
    out: list[HospitalMention] = []
    for lo, hi in sorted(lists):
        if folded.find("、", lo, hi) == -1:
            continue
        for item in _ITEM.finditer(folded, lo, hi):
            a, b = item.span()
            while a < b and folded[a].isspace():
                a += 1
            lead = rules.leading.match(folded, a, b)
            if lead is not None:
                a = lead.end()
            tail = _ITEM_TAIL.search(folded, a, b)
            if tail is not None:
                b = tail.start()
            while b > a and folded[b - 1].isspace():
                b -= 1
            if b - a > LONGEST_NAME:
                continue  # no name is this long: a clause, not an item
            for x, y, entry in _items(folded, a, b, rules):
                k = bisect_left(taken_starts, y)  # found mentions do not overlap
                if k and taken[k - 1][1] > x:
                    continue
                name = known_name(entry, rules.english)
                out.append(HospitalMention(x, y, "hospital.zh_listed", name, folded[x:y]))
    return out


def _in_department(
    folded: str, found: list[HospitalMention], rules: ChineseHospitalRules
) -> list[HospitalMention]:
    """Known hospitals named by their short name before one of their departments or
    staff (北荣血液科, 高医医师; rules.short_department)."""
    out = []
    taken = marked(((f.start, f.end) for f in found), len(folded))
    for m in rules.short_department.finditer(folded):
        if taken.find(1, m.start(), m.end()) != -1:
            continue
        entry = rules.english.chinese_short[m.group(0)]
        name = known_name(entry, rules.english)
        out.append(
            HospitalMention(m.start(), m.end(), "hospital.zh_short_department", name, m.group(0))
        )
    return out


def _joined(
    folded: str, found: list[HospitalMention], rules: ChineseHospitalRules
) -> list[HospitalMention]:
    """Known hospitals named by their short name (chinese_short) joined by 与, 和 or 及
    to another hospital: a name found, or another short name (北荣与高医, 三总与台中荣总).
    Two short names that also name universities (台大与成大) are left: they are as often
    the universities."""
    taken = marked(((f.start, f.end) for f in found), len(folded))
    shorts = [
        (m.start(), m.end(), m.group(0))
        for m in rules.short_name.finditer(folded)
        if taken.find(1, m.start(), m.end()) == -1
    ]
    if not shorts:
        return []
    ends = {f.end for f in found}
    starts = {f.start for f in found}
    short_at = {a: (a, b, text) for a, b, text in shorts}
    short_end = {b: (a, b, text) for a, b, text in shorts}
    out = []
    for a, b, text in shorts:
        partner: tuple[int, int, str] | None = None
        joined_found = False
        if b < len(folded) and folded[b] in _ITEM_JOINS:
            joined_found = b + 1 in starts
            partner = short_at.get(b + 1)
        if not joined_found and partner is None and a > 0 and folded[a - 1] in _ITEM_JOINS:
            joined_found = a - 1 in ends
            partner = short_end.get(a - 1)
        if not joined_found and (
            partner is None
            or (text in rules.university_shorts and partner[2] in rules.university_shorts)
        ):
            continue
        entry = rules.english.chinese_short[text]
        out.append(
            HospitalMention(a, b, "hospital.zh_joined", known_name(entry, rules.english), text)
        )
    return out


def _listed_entry(text: str, rules: ChineseHospitalRules) -> GazetteerEntry | None:
    return rules.english.chinese_short.get(text) or rules.english.chinese.get(text)


def _items(
    folded: str, a: int, b: int, rules: ChineseHospitalRules
) -> list[tuple[int, int, GazetteerEntry]]:
    """The known hospitals an item folded[a:b] names (start, end, entry): itself, or the
    two halves of "X与Y" when both are known names."""
    whole = _listed_entry(folded[a:b], rules)
    if whole is not None:
        return [(a, b, whole)]
    for i in range(a + 1, b - 1):
        if folded[i] not in _ITEM_JOINS:
            continue
        left, right = _listed_entry(folded[a:i], rules), _listed_entry(folded[i + 1 : b], rules)
        if left is not None and right is not None:
            return [(a, i, left), (i + 1, b, right)]
    return []


def _in_order(chars: str, text: str) -> bool:
    it = iter(text)
    return all(c in it for c in chars)


def find_chinese_hospitals(
    text: str, rules: ChineseHospitalRules, spans: list[tuple[int, int]] | None = None
) -> list[HospitalMention]:
    """Hospital mentions of a text in Chinese (or holding Chinese names), in order."""
    folded = text.translate(rules.t2s)
    windows = spans if spans is not None else [(0, len(text))]
    found: list[HospitalMention] = []
    for m in scan_finditer(rules.head, folded, windows):
        if rules.not_after.match(folded, m.end()):
            continue  # 医院管理局
        # the nearest start that gives a name; a farther one only where the nearer part
        # names nothing yet (纪念医院 in ...中和纪念医院)
        for start in _start(folded, m.start(), rules):
            begin = _candidate(folded, start, m.end(), rules)
            if begin is None:
                break  # 该医院, 多家医院: no name
            begin += _unrelated_lead(folded[begin : m.end()], rules)
            chinese = folded[begin : m.end()]
            name = _identify(chinese, rules)
            cut = _place_start(chinese, rules) if name is None else 0
            if cut:
                # words before a known place that open no name (进入武汉市第一医院: a
                # verb and its subject): the name starts at the place
                name = _identify(chinese[cut:], rules)
                if name is not None:
                    begin, chinese = begin + cut, chinese[cut:]
            if name is not None:
                found.append(HospitalMention(begin, m.end(), "hospital.zh_name", name, chinese))
                break
            shared = _shared_parent(folded, begin, m.end(), found, rules)
            if shared is not None:
                found.append(shared)
                break
            placed = _placed_by_sentence(folded, begin, chinese, rules)
            if placed is not None:
                found.append(
                    HospitalMention(begin, m.end(), "hospital.zh_sentence_place", placed, chinese)
                )
                break
    for m in scan_finditer(rules.known, folded, windows):
        if rules.not_after.match(folded, m.end()):
            continue
        found.append(
            HospitalMention(
                m.start(), m.end(), "hospital.zh_known", _must(m.group(0), rules), m.group(0)
            )
        )
    for m in scan_finditer(rules.abbreviation, folded, windows):
        name = _abbreviated(m, rules)
        if name is not None:
            found.append(
                HospitalMention(m.start(), m.end(), "hospital.zh_abbreviation", name, m.group(0))
            )
    kept = _longest(found)
    kept += _introduced(folded, kept, rules)
    kept += _listed(folded, kept, rules)
    kept += _in_department(folded, kept, rules)
    kept += _joined(folded, kept, rules)
    return sorted(kept, key=lambda f: (f.start, f.end))


# a numbered hospital or center whose parent is left out: 第三医院, 第二附属医院, 第四医学中心
_ORDINAL_ITEM = re.compile(r"第[一二三四五六七八九十0-9]{1,3}(?:附属)?(?:人民)?(?:医院|医学中心)")
# what joins two items of a list of hospitals
_JOINER = re.compile(r"\s*(?:、|，|,|和|及|与|以及|、以及)\s*")


# how far back in its sentence a place names a hospital written by its kind alone
SENTENCE_PLACE_REACH = 40
_SENTENCE_END = re.compile(r"[。！？!?；;\n]")


def _placed_by_sentence(
    folded: str, begin: int, chinese: str, rules: ChineseHospitalRules
) -> HospitalName | None:
    """A name of kind words alone (协和医院, 肿瘤医院), which many places have, after the
    one place its sentence names before it (武汉的协和医院, 武汉同济医院和协和医院):
    that place's hospital of the kind, as if the place were written in the name. None
    when the sentence names no place there, or more than one."""
    parts = read_parts(chinese, rules)
    if not parts.kinds or any(
        (parts.place, parts.university, parts.distinctive, parts.ordinal, parts.school)
    ):
        return None
    lo = max(0, begin - SENTENCE_PLACE_REACH)
    ends = [e.end() for e in _SENTENCE_END.finditer(folded, lo, begin)]
    lo = ends[-1] if ends else lo
    named = {
        p.group("place")
        for p in rules.place.finditer(folded, lo, begin)
        if rules.places[p.group("place")].kind != "country"
    }
    if len(named) != 1:
        return None
    return _identify(named.pop() + chinese, rules)


def _shared_parent(
    folded: str, begin: int, end: int, found: list[HospitalMention], rules: ChineseHospitalRules
) -> HospitalMention | None:
    """A numbered item right after a numbered hospital and a joiner, its parent left out
    ("中山大学附属第一医院和第三医院"): the hospital of that parent with the item's number,
    when that names one."""
    item = folded[begin:end]
    if not found or not _ORDINAL_ITEM.fullmatch(item):
        return None
    before = found[-1]
    joined = _JOINER.fullmatch(folded, before.end, begin)
    at = (before.chinese or "").rfind("第")
    if joined is None or at <= 0:
        return None
    name = _identify((before.chinese or "")[:at] + item, rules)
    if name is None:
        return None
    return HospitalMention(begin, end, "hospital.zh_shared_parent", name, item)


def chinese_name(mention: HospitalMention, rules: ChineseHospitalRules) -> str | None:
    """The Chinese name of a mention's hospital: a known hospital's first (full) Chinese
    name, else the name as written, in simplified script; None for an English mention."""
    if mention.chinese is None:
        return None
    entry = rules.english.gazetteer.get(mention.name.key)
    if entry is not None:
        for name, other in rules.english.chinese.items():
            if other is entry:
                return name
    return mention.chinese


def _must(chinese: str, rules: ChineseHospitalRules) -> HospitalName:
    return known_name(rules.english.chinese[chinese], rules.english)


def _abbreviated(m: re.Match[str], rules: ChineseHospitalRules) -> HospitalName | None:
    university = rules.universities[m.group("university")]
    parts = _Parts(
        university=university,
        ordinal=rules.ordinals[m.group("ordinal")] if m.group("ordinal") else None,
        affiliated=bool(m.group("a1") or m.group("a2") or m.group("a3")),
    )
    english = english_name(parts, rules)
    parsed = parse_hospital(english, rules.english)
    if parsed is None:
        return None
    known = rules.english.gazetteer.get(parsed.key)
    if known is not None:
        return known_name(known, rules.english)
    return HospitalName(parsed.key, english, university.city, parsed.distinctive, parsed.head)


def _longest(found: list[HospitalMention]) -> list[HospitalMention]:
    """Of overlapping mentions, the longest (the first of equals). The kept mentions do
    not overlap, so each new one is checked against its two neighbours by position."""
    kept: list[HospitalMention] = []
    starts: list[int] = []  # of the kept mentions, in order; by_start follows it
    by_start: list[HospitalMention] = []
    for f in sorted(found, key=lambda f: (-(f.end - f.start), f.start)):
        i = bisect_left(starts, f.start)
        before = by_start[i - 1] if i else None
        after = by_start[i] if i < len(by_start) else None
        if (before is not None and before.end > f.start) or (
            after is not None and after.start < f.end
        ):
            continue
        kept.append(f)
        starts.insert(i, f.start)
        by_start.insert(i, f)
    return kept


def _introduced(
    folded: str, found: list[HospitalMention], rules: ChineseHospitalRules
) -> list[HospitalMention]:
    """Short names an article introduces for a hospital it named ("...医院（以下简称X）"):
    that mention and every later one."""
    out: list[HospitalMention] = []
    taken = [(f.start, f.end) for f in found]
    for f in found:
        m = rules.short_form.match(folded, f.end)
        if m is None:
            continue
        short = m.group("short")
        for s in re.finditer(re.escape(short), folded[f.end :]):
            a, b = f.end + s.start(), f.end + s.end()
            if not any(x < b and a < y for x, y in taken):
                out.append(HospitalMention(a, b, "hospital.zh_short_form", f.name, short))
                taken.append((a, b))
    return out
