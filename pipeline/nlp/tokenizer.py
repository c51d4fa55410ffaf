"""The tokenizer: spaCy's English tokenizer with a guard against very long tokens, and
a cache that keeps what spaCy's own cache drops (``CachingTokenizer``). Registered as
``cartfacts.tokenizer.v1`` so that a saved pipeline loads with it."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import spacy
from spacy.attrs import IDS
from spacy.language import Language
from spacy.tokenizer import Tokenizer
from spacy.tokens import Doc
from spacy.vocab import Vocab

# spaCy's affix splitting is quadratic in the length of a whitespace-free run of
# punctuation (12,000 characters took 25 s); a run longer than this stays one token.
LONGEST_TOKEN = 100


def long_token_match(previous: Callable[[str], Any] | None) -> Callable[[str], Any]:
    """A tokenizer's token_match that also keeps a whitespace-free run longer than
    LONGEST_TOKEN as one token (``previous``: the language's own, or None)."""
    if previous is None:
        # a compiled regex's match is called from C with no Python frame: a Python
        # function here cost 10% of the tokenizer's time
        return re.compile(rf"[\s\S]{{{LONGEST_TOKEN + 1}}}").match

    def token_match(text: str) -> bool:
        return len(text) > LONGEST_TOKEN or previous(text) is not None

    return token_match


# The word attributes that our code and token patterns (patterns/product_contexts.jsonl)
# read. spaCy computes some twenty for every new word it meets, with a Python function
# each (its shape, prefix and suffix are new strings too); those we never read took a
# fifth of the tokenizer's time on text with new words. A token pattern that asks for
# another one is refused when the rules load (names.contexts). LANG is spaCy's own:
# ``vocab.lang`` reads it.
LEXEME_ATTRS = frozenset(
    {
        "LANG",
        "LOWER",
        "IS_ALPHA",
        "IS_DIGIT",
        "IS_LOWER",
        "IS_PUNCT",
        "IS_SPACE",
        "IS_STOP",
        "IS_TITLE",
        "IS_UPPER",
        "LIKE_NUM",
    }
)


def keep_lexeme_attrs(vocab: Vocab) -> None:
    """Compute only LEXEME_ATTRS for each new word of ``vocab`` (the others read 0)."""
    kept = {IDS[name] for name in LEXEME_ATTRS}
    getters = vocab.lex_attr_getters  # type: ignore[attr-defined]
    vocab.lex_attr_getters = {k: f for k, f in getters.items() if k in kept}  # type: ignore[attr-defined]


# an opening bracket glued to the word before it: "Carteyva(R)", "CT053[5]" (a mark or a
# citation after a name), which spaCy's infixes leave in one token with the name
GLUED_BRACKET = r"(?<=[A-Za-z0-9])[(\[](?=[A-Za-z0-9])"


def infix_finditer(nlp: Language) -> Callable[[str], Any]:
    """The language's infixes and GLUED_BRACKET, so the name before a bracket is a token."""
    infixes = [*(nlp.Defaults.infixes or ()), GLUED_BRACKET]
    return spacy.util.compile_infix_regex(infixes).finditer


def language_tokenizer(nlp: Language) -> Tokenizer:
    """spaCy's tokenizer of the language (as ``create_tokenizer`` makes it) with
    ``infix_finditer`` and ``long_token_match``, given when it is built: set afterwards,
    each reloaded all 450 special cases (0.14 s a pipeline, at every renewal)."""
    defaults = nlp.Defaults
    prefixes, suffixes = defaults.prefixes, defaults.suffixes
    return Tokenizer(
        nlp.vocab,
        rules=defaults.tokenizer_exceptions,
        prefix_search=spacy.util.compile_prefix_regex(prefixes).search if prefixes else None,
        suffix_search=spacy.util.compile_suffix_regex(suffixes).search if suffixes else None,
        infix_finditer=infix_finditer(nlp),
        token_match=long_token_match(defaults.token_match),
        url_match=defaults.url_match,
    )


# chunks of blanks between tokens in cleaned text (the first plain space after a token is
# not a chunk of its own)
_WHITESPACE_CHUNKS = ("\n", "\n\n", " ", "\n ", " \n")
# Chunks of letters, digits and punctuation that no special case of spaCy's English
# tokenizer holds; once stripped of that punctuation, such a chunk touches a special case
# only if it is one ("cannot", "10am").
_PLAIN_PUNCT = ",!?%$&#"
_PLAIN = re.compile(rf"[A-Za-z0-9{re.escape(_PLAIN_PUNCT)}]+").fullmatch


def _special_at_start(specials: frozenset[str]) -> Callable[[str], Any]:
    """A search for a special case that starts a chunk or follows a character other than
    a letter or digit. spaCy looks a chunk up among its special cases whole, and each
    piece left once prefixes (punctuation, currency signs) and suffixes are split off
    (``Tokenizer._split_affixes``); such a piece starts at the chunk's start or after a
    prefix, whose last character is never a letter or digit. A chunk where this finds
    nothing ("hospital.", "(CD19)", "patients’") never touches one."""
    if not specials:
        return re.compile("(?!)").search
    keys = sorted(specials, key=lambda k: (-len(k), k))
    return re.compile(f"(?<![A-Za-z0-9])(?:{'|'.join(map(re.escape, keys))})").search


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
        self._may_be_special = _special_at_start(self._specials)
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
        # Chunks that cannot touch a special case are learnt together in one call (a call
        # of its own cost 10 us more per chunk); the others one at a time.
        plain: list[str] = []
        others: list[str] = []
        for chunk in new:
            if _PLAIN(chunk):
                is_plain = chunk.strip(_PLAIN_PUNCT) not in self._specials
            else:
                is_plain = self._may_be_special(chunk) is None
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


@spacy.registry.tokenizers("cartfacts.tokenizer.v1")
def make_tokenizer() -> Callable[[Language], CachingTokenizer]:
    """The language's own tokenizer, guarded and wrapped in the cache."""

    def create(nlp: Language) -> CachingTokenizer:
        keep_lexeme_attrs(nlp.vocab)
        return CachingTokenizer(language_tokenizer(nlp))

    return create


# A Chinese character, or a CJK or full-width punctuation mark: one token each. Other
# runs (Latin names, codes, numbers) are tokenized as in English.
_CHINESE_PIECES = re.compile(
    r"([\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef])|(\s+)"
)


class ChineseTokenizer:
    """spaCy's character segmenter for Chinese (``spacy.blank("zh")``, no model), except
    that a run of other characters ("CAR-T", "Carvykti", "129.5") is tokenized by the
    English tokenizer instead of letter by letter: the name rules read such tokens as in
    English text, and every Chinese character stays a token of its own."""

    def __init__(self, vocab: Any, latin: Callable[[str], Doc]):
        self.vocab = vocab
        self.latin = latin
        self._words: dict[str, list[str]] = {}

    def _latin_words(self, piece: str) -> list[str]:
        words = self._words.get(piece)
        if words is None:
            if len(self._words) >= TOKENIZER_CACHE:
                self._words.clear()
            words = self._words[piece] = [t.text for t in self.latin(piece)]
        return words

    def __call__(self, text: str) -> Doc:
        words: list[str] = []
        spaces: list[bool] = []
        last = 0
        for m in _CHINESE_PIECES.finditer(text):
            if m.start() > last:
                piece = self._latin_words(text[last : m.start()])
                words.extend(piece)
                spaces.extend([False] * len(piece))
            blank = m.group(2)
            if blank is None:
                words.append(m.group(1))
                spaces.append(False)
            elif words and not spaces[-1] and blank[0] == " ":
                spaces[-1] = True  # one space after a token belongs to it, as in spaCy
                if len(blank) > 1:
                    words.append(blank[1:])
                    spaces.append(False)
            else:
                words.append(blank)
                spaces.append(False)
            last = m.end()
        if last < len(text):
            piece = self._latin_words(text[last:])
            words.extend(piece)
            spaces.extend([False] * len(piece))
        return Doc(self.vocab, words=words, spaces=spaces)

    def __getstate__(self) -> dict[str, Any]:
        return {**self.__dict__, "_words": {}}

    # Saving and loading (nlp.to_disk, spacy.load): the tokenizer holds no data of its
    # own. Its segmentation is fixed, and the English tokenizer of Latin runs is built
    # afresh by the registered function of the config, so there is nothing to write.
    def to_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> None:
        Path(path).mkdir(parents=True, exist_ok=True)

    def from_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> ChineseTokenizer:
        return self

    def to_bytes(self, *, exclude: Iterable[str] = ()) -> bytes:
        return b""

    def from_bytes(self, data: bytes, *, exclude: Iterable[str] = ()) -> ChineseTokenizer:
        return self


@spacy.registry.tokenizers("cartfacts.zh_tokenizer.v1")
def make_chinese_tokenizer() -> Callable[[Language], ChineseTokenizer]:
    """Chinese characters one by one, other runs by the English tokenizer."""

    def create(nlp: Language) -> ChineseTokenizer:
        keep_lexeme_attrs(nlp.vocab)
        english = spacy.blank(
            "en", config={"nlp": {"tokenizer": {"@tokenizers": "cartfacts.tokenizer.v1"}}}
        )
        return ChineseTokenizer(nlp.vocab, english.tokenizer)

    return create
