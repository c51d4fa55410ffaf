"""The one place the spaCy pipeline is assembled: a blank English pipeline, sentence
boundaries, the publication date a text gives without a label, then one component per
fact type. Order matters: prices and rates read the product mentions, and every fact
component may count from the publication date."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import spacy
from spacy.language import Language

from . import errors

# importing the components registers their factories with spaCy (cartfacts_published too)
from .dates import component as _dates  # noqa: F401
from .dates.parse import load_dates
from .errors import CartfactsError, PatternError
from .hospitals import component as _hospitals  # noqa: F401
from .hospitals.chinese import load_chinese_hospitals
from .hospitals.parse import load_hospitals
from .kept import kept
from .names import component as _names  # noqa: F401
from .names.contexts import load_contexts
from .names.kb import load_kb
from .nlp import sentences as _sentences  # noqa: F401
from .nlp.facts import ensure_extensions
from .nlp.sentences import load_sentence_rules
from .nlp.tokenizer import make_tokenizer  # noqa: F401  (registers cartfacts.tokenizer.v1)
from .prices import component as _prices  # noqa: F401
from .prices.parse import load_money
from .rates import component as _rates  # noqa: F401
from .rates.parse import load_rates
from .read.published import load_titles
from .rules import Rules, load_patterns, patterns_dir
from .words.chinese import load_pinyin, load_variants
from .words.numbers import load_numbers
from .words.qualifiers import load_qualifiers

# Large enough for any real article; longer texts are reported, not processed (ingest).
MAX_CHARS = 1_000_000

COMPONENTS = (
    "cartfacts_products",
    "cartfacts_prices",
    "cartfacts_rates",
    "cartfacts_dates",
    "cartfacts_hospitals",
)


# new strings a pipeline may intern before it is built afresh (with their lexemes, the
# tokenizer's caches and the name caches, about 1 KB each: 45 MB). Each renewal costs
# about 0.5 s (building, then tokenizing with a cold cache for a while); the benchmark's
# text brings some 57 new strings an article, so this is one renewal per 800 articles
# (2-3% of a run's time). Peak memory of 20,000 benchmark articles: 354 MB at 100,000,
# 303 MB at 60,000, 277 MB at 45,000.
VOCAB_GROWTH = 45_000


def outgrown(nlp: Language, built_with: int, growth: int | None = None) -> bool:
    """Whether ``nlp`` interned more than ``growth`` (VOCAB_GROWTH) strings since it was
    built with ``built_with`` of them.

    spaCy interns every new word (and number) it sees, for good, so a long run's pipeline
    is replaced now and then (engine.batches.shared_nlp). spaCy's own remedy, ``memory_zone``, is
    no good here: inside a zone the tokenizer caches nothing, which made tokenizing 60%
    slower.
    """
    return len(nlp.vocab.strings) - built_with > (VOCAB_GROWTH if growth is None else growth)


def check_rules(patterns: str | Path | None = None) -> Rules:
    """The rules of a patterns folder with every typed part built, so that any broken file
    fails here, naming the file, the line and the key (cached per content)."""
    rules = load_patterns(patterns)
    # (the rules' regexes compiled once, then kept on disk: pipeline.kept; within a
    # pipeline's build, in that build's file)
    with kept("rules"):
        for loader in LOADERS:
            try:
                loader(rules)
            except CartfactsError:
                raise
            except (ValueError, TypeError, KeyError, IndexError, re.error, RecursionError) as exc:
                # a check a loader lacks: still a message, never a traceback
                raise PatternError(
                    str(rules.root), f"{loader.__name__}: {type(exc).__name__}: {exc}"
                ) from None
    return rules


# every typed reader of a pattern file, each cached per Rules
LOADERS: tuple[Callable[[Rules], Any], ...] = (
    load_sentence_rules,
    load_numbers,
    load_qualifiers,
    load_money,
    load_rates,
    load_dates,
    load_hospitals,
    load_chinese_hospitals,
    load_pinyin,
    load_variants,
    load_kb,
    load_contexts,
    load_titles,
)

# the tokenizer of each language's pipeline (nlp.tokenizer): English as spaCy's with our
# guard and cache; Chinese character by character, other runs as in English
TOKENIZERS = {"en": "cartfacts.tokenizer.v1", "zh": "cartfacts.zh_tokenizer.v1"}
LANGUAGES = tuple(TOKENIZERS)


def build_nlp(patterns: str | Path | None = None, lang: str = "en") -> Language:
    """The cartfacts pipeline for ``lang`` (``"en"``, ``"zh"``): a blank spaCy pipeline
    (``spacy.blank(lang)``, no model) with our tokenizer,
    sentence bounds, then one component per fact type, each built from the rules of
    ``patterns`` (default: the packaged patterns/). Facts come out as spans in
    ``doc.spans["cartfacts"]``, and as rows through ``write.rows.doc_rows``."""
    if lang not in LANGUAGES:
        raise CartfactsError(errors.UNKNOWN_LANGUAGE.format(lang=lang, known=", ".join(LANGUAGES)))
    # (what the build compiles kept on disk: pipeline.kept)
    with kept(lang):
        check_rules(patterns)  # every file valid before any component is made
        config = {"patterns": str(patterns_dir(patterns)) if patterns else ""}
        ensure_extensions()
        tokenizer = {"@tokenizers": TOKENIZERS[lang]}
        nlp = spacy.blank(lang, config={"nlp": {"tokenizer": tokenizer}})
        nlp.max_length = MAX_CHARS + 1
        nlp.add_pipe("cartfacts_sentences", config=config)
        # (a publication date read from the text's first lines, for the components after it)
        nlp.add_pipe("cartfacts_published", config=config)
        for name in COMPONENTS:
            nlp.add_pipe(name, config=config)
    return nlp
