"""The places a product name stands, as spaCy token patterns (patterns/product_contexts.jsonl:
"X injection", "CAR-T product X"), read and validated at load, and where each pattern can
match (its anchor word), so the component runs the Matcher only around those words."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from spacy.errors import MatchPatternError
from spacy.matcher import Matcher
from spacy.vocab import Vocab

from ..errors import PatternError
from ..nlp.tokenizer import LEXEME_ATTRS
from ..rules import Rules, check_keys, compile_regex

CONTEXTS_FILE = "product_contexts.jsonl"
LABELS = ("NAME_BEFORE", "NAME_AFTER", "WORD_BEFORE")


@dataclass(frozen=True)
class Anchor:
    """Where a context pattern can match: around one of ``words``, which every match
    holds; up to ``before``/``after`` tokens on either side (None: to the sentence's
    end); and whether a match must hold a capitalised token (IS_TITLE, IS_UPPER) on
    that side, which lets a window with no capital letter there be skipped."""

    words: frozenset[str]
    before: int | None
    after: int | None
    capital_before: bool = False
    capital_after: bool = False


@dataclass(frozen=True)
class ContextRule:
    id: str
    label: str
    pattern: list[dict[str, Any]]
    anchor: Anchor


# what a pattern token may test: the word itself, its length, and the word attributes
# the pipeline computes (a blank pipeline has no tags or lemmas, and a new word gets only
# LEXEME_ATTRS: any other test would quietly never hold)
_TOKEN_KEYS = LEXEME_ATTRS | {"ORTH", "TEXT", "LENGTH", "OP"}


@lru_cache(maxsize=8)
def load_contexts(patterns: Rules) -> tuple[ContextRule, ...]:
    """Every token pattern, checked by spaCy's pattern validator here, so a bad pattern
    fails at load with its file and line instead of inside spaCy at run time."""
    file = patterns.path(CONTEXTS_FILE)
    matcher = Matcher(Vocab(), validate=True)
    out = []
    for line, rec in patterns.jsonl(CONTEXTS_FILE):
        check_keys(
            rec,
            file=file,
            allowed={"label", "pattern", "id"},
            required={"label", "pattern", "id"},
            line=line,
        )
        for key in ("id", "label"):
            if not isinstance(rec[key], str) or not rec[key]:
                raise PatternError(file, "expected a non-empty string", line=line, key=key)
        if rec["label"] not in LABELS:
            raise PatternError(
                file, f"unknown label (known: {', '.join(LABELS)})", line=line, key="label"
            )
        pattern = rec["pattern"]
        if (
            not isinstance(pattern, list)
            or not pattern
            or not all(isinstance(t, dict) for t in pattern)
        ):
            raise PatternError(file, "expected a list of token objects", line=line, key="pattern")
        for i, token in enumerate(pattern):
            unread = sorted(k for k in token if k not in _TOKEN_KEYS)
            if unread:
                raise PatternError(
                    file,
                    f"token {i} reads {', '.join(unread)}, which the pipeline does not"
                    f" compute (it computes {', '.join(sorted(_TOKEN_KEYS - {'OP'}))})",
                    line=line,
                    key="pattern",
                )
        for where, regex in _token_regexes(pattern):
            # spaCy compiles these itself: the same check as every rule file's regexes
            compile_regex(regex, file=file, key=f"pattern{where}", line=line)
        try:
            matcher.add(rec["id"], [pattern])
            found = anchor(pattern)
        except (MatchPatternError, ValueError, TypeError, re.error) as exc:
            detail = " ".join(str(exc).split())
            raise PatternError(
                file, f"bad token pattern: {detail}", line=line, key="pattern"
            ) from None
        out.append(ContextRule(rec["id"], rec["label"], pattern, found))
    return tuple(out)


def _token_regexes(value: Any, where: str = "") -> list[tuple[str, str]]:
    """The REGEX values of a token pattern, with where each stands ("[0].LOWER.REGEX").

    >>> _token_regexes([{"LOWER": {"REGEX": "^inj"}}, {"TEXT": "x"}])
    [('[0].LOWER.REGEX', '^inj')]
    """
    found = []
    if isinstance(value, list):
        for i, item in enumerate(value):
            found += _token_regexes(item, f"{where}[{i}]")
    elif isinstance(value, dict):
        for key, item in value.items():
            if key == "REGEX" and isinstance(item, str):
                found.append((f"{where}.REGEX", item))
            else:
                found += _token_regexes(item, f"{where}.{key}")
    return found


def _repeats(token: dict[str, Any]) -> tuple[int, int | None]:
    """Fewest and most tokens one pattern token matches (most None: unbounded). "!"
    matches one token that does not fit.

    >>> _repeats({"OP": "{1,4}"}), _repeats({"OP": "*"}), _repeats({}), _repeats({"OP": "!"})
    ((1, 4), (0, None), (1, 1), (1, 1))
    """
    op = str(token.get("OP", ""))
    fixed = {"": (1, 1), "?": (0, 1), "!": (1, 1), "+": (1, None), "*": (0, None)}
    if op in fixed:
        return fixed[op]
    counts = re.fullmatch(r"\{(\d*)(,?)(\d*)\}", op)
    if counts is None:
        raise ValueError(f"unknown OP {op!r}")
    least = int(counts.group(1) or 0)
    if not counts.group(2):
        return least, least
    return least, int(counts.group(3)) if counts.group(3) else None


def _reach(tokens: list[dict[str, Any]]) -> int | None:
    most = [_repeats(t)[1] for t in tokens]
    return None if None in most else sum(m or 0 for m in most)


def _needs_capital(tokens: list[dict[str, Any]]) -> bool:
    """Whether every match of these pattern tokens holds a capitalised token."""
    return any(
        t.get("OP") != "!"
        and _repeats(t)[0] >= 1
        and (t.get("IS_TITLE") is True or t.get("IS_UPPER") is True)
        for t in tokens
    )


def anchor(pattern: list[dict[str, Any]]) -> Anchor:
    """Where a token pattern can match: the lower-case words of which every match contains
    one (the literal LOWER, ORTH or TEXT values of its first token that is not
    optional), the most tokens a match spans before and after that word (None:
    unbounded), and whether it needs a capitalised token on either side. No words when
    the pattern has no such token.

    >>> p = [{"IS_TITLE": True, "OP": "{1,4}"}, {"LOWER": {"IN": ["drug", "Product"]}},
    ...      {"IS_PUNCT": True, "OP": "?"}]
    >>> a = anchor(p)
    >>> sorted(a.words), a.before, a.after, a.capital_before, a.capital_after
    (['drug', 'product'], 4, 1, True, False)
    """
    for i, token in enumerate(pattern):
        if token.get("OP") == "!" or _repeats(token)[0] == 0:
            continue
        for attr in ("LOWER", "ORTH", "TEXT"):
            value = token.get(attr)
            if isinstance(value, str):
                words = {value.lower()}
            elif isinstance(value, dict) and set(value) == {"IN"}:
                words = {str(v).lower() for v in value["IN"]}
            else:
                continue
            before, after = pattern[:i], pattern[i + 1 :]
            return Anchor(
                frozenset(words),
                _reach(before),
                _reach(after),
                _needs_capital(before),
                _needs_capital(after),
            )
    return Anchor(frozenset(), None, None)
