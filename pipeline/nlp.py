"""The one place the spaCy pipeline is assembled: a blank English pipeline, sentence
boundaries, then one component per fact type. Order matters: prices and rates read the
product mentions."""

from __future__ import annotations

import re
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


# new strings a pipeline may intern before it is built afresh (about 400 bytes each with
# their lexeme and tokenizer cache entry: 20 MB)
VOCAB_GROWTH = 50_000


def outgrown(nlp: Language, built_with: int, growth: int | None = None) -> bool:
    """Whether ``nlp`` interned more than ``growth`` (VOCAB_GROWTH) strings since it was
    built with ``built_with`` of them.

    spaCy interns every new word (and number) it sees, for good, so a long run's pipeline
    is replaced now and then (api.shared_nlp). spaCy's own remedy, ``memory_zone``, is
    no good here: inside a zone the tokenizer caches nothing, which made tokenizing 60%
    slower.
    """
    return len(nlp.vocab.strings) - built_with > (VOCAB_GROWTH if growth is None else growth)


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
