"""How machine translation spells Chinese names, and how alike two spellings sound.

Pure functions over the tables in patterns/transliteration.json:
- ``phonetic_key`` folds a spelling to consonant classes and vowels ("Akilunza" and
  "Ajilunsai" both become AKILUNSA...), so renderings of one syllable meet;
- ``segment_forms`` lists the ways a Chinese name part is written: its official English
  name, its pinyin, per-character mixes of pinyin and meaning ("giant" for 巨);
- ``similarity`` scores a candidate spelling against a name's forms with rapidfuzz.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from rapidfuzz.distance import Indel, Levenshtein

from ..rules import Rules, check_keys, open_json, section, string_list

FILE = "transliteration.json"
SCORING_KEYS = {
    "product_threshold",
    "company_threshold",
    "margin",
    "weights",
    "support",
    "support_floor",
}


@dataclass(frozen=True)
class Translit:
    initials: dict[str, tuple[str, ...]]
    finals: dict[str, tuple[str, ...]]
    meanings: dict[str, tuple[str, ...]]
    corporate_suffixes: frozenset[str]
    industry_words: frozenset[str]
    digraphs: tuple[tuple[str, str], ...]
    letters: dict[str, str]
    soft_c_before: str
    soft_c_class: str
    name_shape: re.Pattern[str]
    drop_words: frozenset[str]
    scoring: dict[str, Any]


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
        },
        required={"initials", "finals", "meanings", "key", "product_contexts", "scoring"},
    )
    key = section(data, "key", dict, file=file)
    check_keys(
        key, file=file, allowed={"digraphs", "letters", "soft_c"}, required={"digraphs", "letters"}
    )
    contexts = section(data, "product_contexts", dict, file=file)
    check_keys(contexts, file=file, allowed={"name_shape", "drop_words"}, required={"name_shape"})
    scoring = section(data, "scoring", dict, file=file)
    check_keys(scoring, file=file, allowed=SCORING_KEYS, required=SCORING_KEYS)
    soft_c = key.get("soft_c", {"before": "", "class": "K"})
    digraphs = sorted(key["digraphs"].items(), key=lambda kv: -len(kv[0]))
    return Translit(
        initials={k: tuple(v) for k, v in section(data, "initials", dict, file=file).items()},
        finals={k: tuple(v) for k, v in section(data, "finals", dict, file=file).items()},
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
        letters=dict(key["letters"]),
        soft_c_before=soft_c["before"],
        soft_c_class=soft_c["class"],
        name_shape=re.compile(contexts["name_shape"]),
        drop_words=frozenset(
            string_list(contexts.get("drop_words", []), file=file, key="drop_words")
        ),
        scoring=scoring,
    )


def letters_only(text: str) -> str:
    """Lower-case ASCII letters of a spelling ("WuXi Giant-Nuo" -> "wuxigiantnuo")."""
    folded = unicodedata.normalize("NFKD", text.lower())
    return re.sub(r"[^a-z]", "", folded)


def phonetic_key(text: str, t: Translit) -> str:
    """Fold a spelling to consonant classes and vowels; repeated classes collapse.

    >>> from pipeline.rules import load_patterns
    >>> t = load_translit(load_patterns())
    >>> phonetic_key("Akilunza", t) == phonetic_key("ajilunsa", t)
    True
    """
    s = letters_only(text)
    out: list[str] = []
    i = 0
    while i < len(s):
        for graph, cls in t.digraphs:
            if s.startswith(graph, i):
                out.append(cls)
                i += len(graph)
                break
        else:
            ch = s[i]
            if ch == "c" and i + 1 < len(s) and s[i + 1] in t.soft_c_before:
                out.append(t.soft_c_class)
            else:
                out.append(t.letters.get(ch, ""))
            i += 1
    key = "".join(out)
    return re.sub(r"(.)\1+", r"\1", key)


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


def similarity(a: str, b: str) -> float:
    """Normalised Levenshtein similarity of two letter strings, 0..1."""
    return float(Levenshtein.normalized_similarity(a, b))


def indel_similarity(a: str, b: str) -> float:
    return float(Indel.normalized_similarity(a, b))
