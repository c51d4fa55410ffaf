"""How alike a spelling is to a name's parts, syllable by syllable.

A product name is scored from its parts: the syllables that tell one product from
another (the head: 西达 xi-da of 西达基奥仑赛, the brand 奕凯达 yi-kai-da, the INN prefix
"axi-") and the family stem that only says "a CAR-T product" (基奥仑赛, "-cel"). Each
head is held as the letter strings machine translation writes it, built from the
initials and finals tables of patterns/transliteration.json ("xi" -> xi, si, ce, shi,
...); a candidate is cut at every point into a head, scored against those renderings,
and a tail, scored against the stem's phonetic key. A company name is scored per part
of its Chinese name in the same way: each part by its pinyin, its official English and
the meanings of its characters.

Pure functions; rapidfuzz does the string comparisons (``cdist`` compares all cuts
against all renderings in one call).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from rapidfuzz.distance import OSA, Indel
from rapidfuzz.process import cdist, extractOne

from .translit import Translit, letter_key, letters_only, phonetic_key, syllable_forms

# renderings kept per head: the product of every syllable's forms, bounded
MAX_RENDERINGS = 4000
# ... and per company name part (a part's renderings are compared only with pieces
# already alike, so more of them cost little)
PART_RENDERINGS = 6000
# a piece of a company name is compared with a part's renderings only when it is this
# alike to the part's pinyin, English or meanings already (as letters or as sound)
RENDERING_GATE = 0.6
# how far below a cutoff scores are still computed exactly: float rounding (a score is
# rounded to float32, a cutoff may be divided by a weight) never moves a score across it
CUTOFF_SLACK = 1e-6


@dataclass(frozen=True)
class Target:
    """One way a product is named: ``heads`` are the letter strings its distinguishing
    part is written as, ``tail`` the phonetic key of the stem that may follow ("" when
    the name is all head, as a brand is). ``kind``: generic, brand or inn."""

    kind: str
    heads: tuple[str, ...]
    tail: str = ""


def syllables(pinyin: str) -> list[str]:
    return [s for s in re.split(r"[-\s]+", pinyin.lower()) if s]


def renderings(sylls: list[str], t: Translit, limit: int = MAX_RENDERINGS) -> tuple[str, ...]:
    """Letter strings a run of pinyin syllables is written as ("yi-kai-da" -> yikaida,
    ikaida, icaida, ...), at most ``limit``, the plain pinyin always among them."""
    if not sylls:
        return ()
    forms = [syllable_forms(s, t) for s in sylls]
    out = {"".join(sylls)}
    for combo in itertools.islice(itertools.product(*forms), limit):
        out.add("".join(combo))
    return tuple(sorted(out))


def score_target(
    letters: str, key_of_cuts: list[str], target: Target, weights: dict[str, float]
) -> float:
    """How well ``letters`` (a candidate, lower-case letters only) reads as ``target``.

    ``key_of_cuts[i]`` is the phonetic key of ``letters[i:]`` (computed once per
    candidate). A brand is scored whole; a generic name at its best cut into head and
    tail, a head alone scoring only the head's weight.
    """
    if not letters or not target.heads:
        return 0.0
    if not target.tail:
        return float(cdist([letters], target.heads, scorer=Indel.normalized_similarity).max())
    n = len(letters)
    cuts = [letters[:i] for i in range(1, n + 1)]
    sims = cdist(cuts, target.heads, scorer=Indel.normalized_similarity)
    best_head = sims.argmax(axis=1)
    wh, wt = weights["head"], weights["tail"]
    # every cut at once, in float64 as Python floats computed them one cut at a time (the
    # same operations in the same order, so the same scores): the head's likeness at each
    # cut, and the tail's (the key of the letters after it; none after the last cut)
    h = sims[np.arange(n), best_head].astype(np.float64)
    tails = key_of_cuts[1:n]
    t = np.zeros(n)
    if tails:
        t[: n - 1] = cdist(
            tails, [target.tail], scorer=Indel.normalized_similarity, dtype=np.float64
        )[:, 0]
        t[: n - 1][[not k for k in tails]] = 0.0
    # each part weighs by how many letters it covers, so a short head that leaves the tail
    # to explain extra letters scores less than a head that explains them
    lh = np.arange(1, n + 1) + np.array([len(target.heads[j]) for j in best_head])
    lt = np.array([len(k) for k in tails] + [0]) + len(target.tail)
    by_length = (h * lh + t * lt) / (lh + lt)
    return float(max(0.0, (0.5 * (wh * h + wt * t) + 0.5 * by_length).max()))


def cut_keys(letters: str, t: Translit) -> list[str]:
    """The phonetic key of every suffix of ``letters`` (index i: letters[i:])."""
    return [phonetic_key(letters[i:], t) for i in range(len(letters) + 1)]


def split_words(text: str) -> list[str]:
    """Words of a name, camel-case runs apart ("FOSUNKate" -> FOSUN, Kate)."""
    out: list[str] = []
    for word in _WORD_BREAK(text):
        out.extend(p for p in _CAMEL_PARTS(word) if p)
    return out


_WORD_BREAK = re.compile(r"[\s\-]+").split
_CAMEL_PARTS = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+").findall


@dataclass(frozen=True)
class Part:
    """One part of a company's Chinese name: the letter strings it is written as (pinyin,
    official English, meaning mixes) and their phonetic keys; and the renderings of its
    syllables (initials and finals tables), which count at ``weight``: a name that is
    only near a rendering is weaker evidence than one near the pinyin or the English."""

    forms: tuple[str, ...]
    keys: tuple[str, ...]
    renderings: tuple[str, ...] = ()
    weight: float = 1.0


def make_part(
    forms: tuple[str, ...], t: Translit, renderings: tuple[str, ...] = (), weight: float = 1.0
) -> Part:
    return Part(forms, tuple(phonetic_key(f, t) for f in forms), renderings, weight)


def best_similarity(piece: str, choices: Sequence[str], cutoff: float = 0.0) -> float:
    """The best normalised Indel similarity of ``piece`` to any of ``choices``, rounded to
    float32 as the similarity matrix (``cdist``) of earlier versions gave it, so scores and
    their ties are unchanged. One piece at a time: ``cdist`` cost some 15 us a call to set
    up its matrix, most of this function's time for the one or two pieces it gets. Below
    ``cutoff`` the answer is 0.0 (rapidfuzz stops early on such choices)."""
    found = extractOne(piece, choices, scorer=Indel.normalized_similarity, score_cutoff=cutoff)
    return float(np.float32(found[1])) if found else 0.0


def part_scores(
    pieces: list[str], part: Part, t: Translit, cutoff: float = 0.0
) -> dict[str, float]:
    """Each piece's best similarity to the part, as letters, as sound or as a rendering.

    A score at or above ``cutoff`` is exact; one below it may come out lower (0.0), which
    a caller that decides nothing below the cutoff may take to save time."""
    if not pieces or not part.forms:
        return dict.fromkeys(pieces, 0.0)
    # (the rendering gate's decision stays exact however high the cutoff is)
    low = max(0.0, min(cutoff, RENDERING_GATE) - CUTOFF_SLACK)
    # (pieces are letters already, so letter_key is their key)
    out = {
        p: max(
            best_similarity(p, part.forms, low), best_similarity(letter_key(p, t), part.keys, low)
        )
        for p in pieces
    }
    # the renderings (thousands per part) only for a piece already somewhat alike
    if part.renderings:
        weighted = min(1.0, max(0.0, cutoff / part.weight - CUTOFF_SLACK)) if part.weight else 0.0
        for p, score in out.items():
            if score >= RENDERING_GATE:
                out[p] = max(score, part.weight * best_similarity(p, part.renderings, weighted))
    return out


def segment_score(words: list[str], parts: tuple[Part, ...], t: Translit) -> float:
    """How well a run of words reads as a company's name parts in order: the words are
    shared out among the parts (each part one or more whole words, or cut inside a
    single run of letters when there are fewer words than parts), each part scored by
    its best form, and the scores averaged."""
    n = len(parts)
    letters = [w for w in (letters_only(w) for w in words) if w]
    if not letters or not n:
        return 0.0
    if len(letters) >= n:
        options = [
            ["".join(letters[a:b]) for a, b in itertools.pairwise((0, *cuts, len(letters)))]
            for cuts in itertools.combinations(range(1, len(letters)), n - 1)
        ]
    else:
        whole = "".join(letters)
        options = [
            [whole[a:b] for a, b in itertools.pairwise((0, *cuts, len(whole)))]
            for cuts in itertools.combinations(range(2, len(whole) - 1), n - 1)
        ]
    options = options[:300]
    if not options:
        return 0.0
    tables = [part_scores(sorted({o[k] for o in options}), part, t) for k, part in enumerate(parts)]
    return max(sum(tables[k][o[k]] for k in range(n)) / n for o in options)


# the shortest one-word name a misspelling is looked for (shorter names are too near
# ordinary words)
MISSPELLED_SHORTEST = 6


# the endings every Chinese generic name shares (…仑赛: "-lunsai"): names ending so are
# told apart by their heads (resolve_chinese_generic), never by an edit or two
FAMILY_ENDINGS = ("lunsai", "lunse", "lunzai")


def by_initial(names: dict[str, str]) -> dict[str, dict[str, str]]:
    """Names grouped by their first letter, as misspelled_name reads them."""
    out: dict[str, dict[str, str]] = {}
    for name, pid in names.items():
        out.setdefault(name[:1], {})[name] = pid
    return out


def misspelled_name(word: str, names: dict[str, dict[str, str]]) -> tuple[str, float] | None:
    """(id, similarity) of the one name ``word`` misspells: its first letter kept, one
    edit away (two for a name of eight letters or more; a swap of neighbours is one), no
    other product as near. ``names``: first letter -> lower-case one-word names ->
    product id (by_initial).

    >>> names = by_initial({"kymriah": "tisa", "carvykti": "cilta", "abecma": "ide"})
    >>> misspelled_name("Kymraih", names), misspelled_name("Carvytki", names)
    (('tisa', 0.857), ('cilta', 0.875))
    >>> misspelled_name("Kymriah", names), misspelled_name("Camera", names)
    (None, None)
    """
    low = word.lower()
    same_initial = names.get(low[:1], {})
    if low in same_initial or low.endswith(FAMILY_ENDINGS):
        return None  # (a generic name's stem is shared: its head decides, not one edit)
    best: dict[str, int] = {}
    for name, pid in same_initial.items():
        if abs(len(name) - len(low)) > 2:
            continue
        limit = 2 if len(name) >= 8 else 1
        d = OSA.distance(low, name, score_cutoff=limit)
        if d <= limit:
            best[pid] = min(d, best.get(pid, d))
    if len(best) != 1:
        return None  # none, or two products as near: not resolved
    pid, d = next(iter(best.items()))
    return pid, round(1 - d / max(len(low), 1), 3)
