"""The one place the spaCy pipeline is assembled: a blank English pipeline, sentence
boundaries, then one component per fact type. Order matters: prices and rates read the
product mentions."""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from . import dates, hospitals, prices, products, rates, sentences  # noqa: F401  (register factories)
from .facts import ensure_extensions
from .resources import patterns_dir

# Large enough for any real article; longer texts are reported, not processed (ingest).
MAX_CHARS = 1_000_000
# spaCy's affix splitting is quadratic in the length of a whitespace-free run of
# punctuation (12,000 characters took 25 s); a run longer than this stays one token.
LONGEST_TOKEN = 100

COMPONENTS = (
    "cartfacts_products",
    "cartfacts_prices",
    "cartfacts_rates",
    "cartfacts_dates",
    "cartfacts_hospitals",
)


def _guard_long_tokens(nlp: Language) -> None:
    previous = nlp.tokenizer.token_match  # type: ignore[union-attr]
    if previous is None:
        # a compiled regex's match is called from C with no Python frame: a Python
        # function here cost 10% of the tokenizer's time
        nlp.tokenizer.token_match = re.compile(  # type: ignore[union-attr]
            rf"[\s\S]{{{LONGEST_TOKEN + 1}}}"
        ).match
        return

    def token_match(text: str) -> bool:
        return len(text) > LONGEST_TOKEN or previous(text) is not None

    nlp.tokenizer.token_match = token_match  # type: ignore[union-attr]


# new strings a pipeline may intern before it is built afresh (about 400 bytes each with
# their lexeme and tokenizer cache entry: 40 MB). Each renewal costs about 0.5 s (building,
# then tokenizing with a cold cache for a while); news brings some 70 new strings an
# article, so this is one renewal per 1,400 articles.
VOCAB_GROWTH = 100_000


def outgrown(nlp: Language, built_with: int, growth: int | None = None) -> bool:
    """Whether ``nlp`` interned more than ``growth`` (VOCAB_GROWTH) strings since it was
    built with ``built_with`` of them.

    spaCy interns every new word (and number) it sees, for good, so a long run's pipeline
    is replaced now and then (api.shared_nlp). spaCy's own remedy, ``memory_zone``, is
    no good here: inside a zone the tokenizer caches nothing, which made tokenizing 60%
    slower.
    """
    return len(nlp.vocab.strings) - built_with > (VOCAB_GROWTH if growth is None else growth)


# chunks of blanks between tokens in cleaned text (the first plain space after a token is
# not a chunk of its own)
_WHITESPACE_CHUNKS = ("\n", "\n\n", " ", "\n ", " \n")
# Chunks of letters, digits and punctuation that no special case of spaCy's English
# tokenizer holds; once stripped of that punctuation, such a chunk touches a special case
# only if it is one ("cannot", "10am").
_PLAIN_PUNCT = ",!?%$&#"
_PLAIN = re.compile(rf"[A-Za-z0-9{re.escape(_PLAIN_PUNCT)}]+").fullmatch
# chunks remembered by CachingTokenizer (a run builds its pipeline afresh after
# VOCAB_GROWTH new strings, well before)
TOKENIZER_CACHE = 200_000


class CachingTokenizer:
    """spaCy's tokenizer, made to keep what it learns.

    spaCy tokenizes each whitespace-separated chunk on its own and caches the result, but
    once one chunk of a text involves a special case ("U.S.", "don't", "Mr."), it saves
    nothing more for the rest of that text (``Tokenizer._save_cached``; spaCy issue
    1250). Almost every article has one early on, so most chunks went through the affix
    regexes again in every article. This tokenizes each chunk it has not seen before
    alone first, where nothing stops the cache, then the whole text as before, which now
    reads those chunks from the cache. The tokens are the same: a chunk is tokenized the
    same way alone or in a text (tests compare with spaCy's tokenizer).

    ``limit`` bounds the chunks remembered (and spaCy's cache); past it, it learns no more.
    A long run never gets there: its pipeline is built afresh first (``outgrown``).
    """

    def __init__(self, tokenizer: Any, limit: int = TOKENIZER_CACHE):
        self.tokenizer = tokenizer
        self.limit = limit
        tokenizer.max_cache_size = limit
        self._seen: set[str] = set()
        self._specials = frozenset(tokenizer.rules or ())
        self._learn(_WHITESPACE_CHUNKS)

    def _learn(self, chunks: Iterable[str]) -> None:
        seen = self._seen
        if len(seen) >= self.limit:
            return  # full: tokenize as spaCy does (emptying spaCy's cache slowed it down)
        new = []
        for chunk in chunks:  # in text order, so the work is the same on every run
            if chunk not in seen:
                seen.add(chunk)
                new.append(chunk)
        if not new:
            return
        # Plain chunks cannot touch a special case, so they are learnt together in one
        # call (a call of its own cost 10 us more per chunk); the others one at a time.
        plain: list[str] = []
        others: list[str] = []
        for chunk in new:
            is_plain = _PLAIN(chunk) and chunk.strip(_PLAIN_PUNCT) not in self._specials
            (plain if is_plain else others).append(chunk)
        if plain:
            self.tokenizer(" ".join(plain))
        for chunk in others:
            self.tokenizer(chunk)

    def __call__(self, text: str) -> Doc:
        self._learn(text.split())
        return self.tokenizer(text)

    def __getattr__(self, name: str) -> Any:  # rules, token_match, ... of spaCy's tokenizer
        if name.startswith("_") or name == "tokenizer":  # not set yet (unpickling)
            raise AttributeError(name)
        return getattr(self.tokenizer, name)

    def __getstate__(self) -> dict[str, Any]:
        # a copy (pickled for another process, deep-copied) starts with an empty cache,
        # so it must learn every chunk again
        return {**self.__dict__, "_seen": set()}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self.tokenizer.max_cache_size = self.limit  # not part of spaCy's pickled state


def build_nlp(patterns: str | Path | None = None) -> Language:
    """spacy.blank("en") with the cartfacts components, reading rules from ``patterns``
    (default: the packaged patterns/)."""
    root = str(patterns_dir(patterns))
    ensure_extensions()
    nlp = spacy.blank("en")
    nlp.max_length = MAX_CHARS + 1
    _guard_long_tokens(nlp)
    nlp.tokenizer = CachingTokenizer(nlp.tokenizer)
    nlp.add_pipe("cartfacts_sentences", config={"patterns": root})
    for name in COMPONENTS:
        nlp.add_pipe(name, config={"patterns": root})
    return nlp
