"""The one place the spaCy pipeline is assembled: a blank English pipeline, sentence
boundaries, then one component per fact type. Order matters: prices and rates read the
product mentions."""

from __future__ import annotations

import re
import weakref
from contextlib import ExitStack
from pathlib import Path

import spacy
from spacy.language import Language

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


# new strings a pipeline may intern before its vocabulary is renewed (about 400 bytes
# each with their lexeme and tokenizer cache entry: 20 MB)
VOCAB_GROWTH = 50_000
_ZONES: weakref.WeakKeyDictionary[Language, tuple[ExitStack, int]] = weakref.WeakKeyDictionary()


def bounded_vocab(nlp: Language, growth: int | None = None) -> None:
    """Keep a long run's vocabulary from growing with the corpus.

    spaCy interns every new word (and number) it sees, for good. Called between batches,
    this keeps the pipeline inside a ``memory_zone`` and, once more than ``growth`` (VOCAB_GROWTH)
    strings were added in it, closes the zone (freeing them and their lexemes) and opens
    another. Renewing costs a cold tokenizer cache, so it is rare, not per batch. No Doc
    may be alive across the call.
    """
    entry = _ZONES.get(nlp)
    if entry is not None:
        if len(nlp.vocab.strings) - entry[1] <= (VOCAB_GROWTH if growth is None else growth):
            return
        entry[0].close()
    stack = ExitStack()
    stack.enter_context(nlp.memory_zone())
    _ZONES[nlp] = (stack, len(nlp.vocab.strings))


def build_nlp(patterns: str | Path | None = None) -> Language:
    """spacy.blank("en") with the cartfacts components, reading rules from ``patterns``
    (default: the packaged patterns/)."""
    root = str(patterns_dir(patterns))
    ensure_extensions()
    nlp = spacy.blank("en")
    nlp.max_length = MAX_CHARS + 1
    _guard_long_tokens(nlp)
    nlp.add_pipe("cartfacts_sentences", config={"patterns": root})
    for name in COMPONENTS:
        nlp.add_pipe(name, config={"patterns": root})
    return nlp
