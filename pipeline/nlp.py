"""The one place the spaCy pipeline is assembled: a blank English pipeline, sentence
boundaries, then one component per fact type. Order matters: prices and rates read the
product mentions."""

from __future__ import annotations

from pathlib import Path

import spacy
from spacy.language import Language

from . import dates, hospitals, prices, products, rates, sentences  # noqa: F401  (register factories)
from .facts import ensure_extensions
from .resources import patterns_dir

# Large enough for any real article; longer texts are reported, not processed (ingest).
MAX_CHARS = 1_000_000

COMPONENTS = (
    "cartfacts_products",
    "cartfacts_prices",
    "cartfacts_rates",
    "cartfacts_dates",
    "cartfacts_hospitals",
)


def build_nlp(patterns: str | Path | None = None) -> Language:
    """spacy.blank("en") with the cartfacts components, reading rules from ``patterns``
    (default: the packaged patterns/)."""
    root = str(patterns_dir(patterns))
    ensure_extensions()
    nlp = spacy.blank("en")
    nlp.max_length = MAX_CHARS + 1
    nlp.add_pipe("cartfacts_sentences", config={"patterns": root})
    for name in COMPONENTS:
        nlp.add_pipe(name, config={"patterns": root})
    return nlp
