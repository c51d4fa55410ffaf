"""Where each component should look, read from the tokens instead of scanning the text.

Python's regex engine costs 20 to 90 ns per character and pattern with no literal
prefix, so a trigger regex over a whole article ("any currency word", "any month
name") costs as much as the rules it guards. spaCy already holds one record per
distinct word (the Lexeme), so a component registers a yes/no question about words
(``register``: "does it contain a currency sign or word?") as a lexeme flag. The
question is asked once per distinct word in the vocabulary, never again per text,
and for each Doc one ``to_array`` call reads every registered flag for every token.

``hits`` gives the character spans of the flagged tokens; ``scan.widen`` turns them
into the windows where the component's rules run (``scan.finditer``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from spacy.attrs import IDX, LENGTH
from spacy.tokens import Doc
from spacy.vocab import Vocab

from .scan import alternation

_CACHE = "cartfacts_flags"


class Question:
    """A yes/no question about a word's text, marked as ours among the vocabulary's
    lexeme attribute getters (so the flags of a vocabulary are found without a registry)."""

    def __init__(self, ask: Callable[[str], bool]):
        self.ask = ask

    def __call__(self, text: str) -> bool:
        return bool(self.ask(text))


def _flags(vocab: Vocab) -> list[int]:
    getters = vocab.lex_attr_getters  # type: ignore[attr-defined]
    return sorted(k for k, f in getters.items() if isinstance(f, Question))


def register(vocab: Vocab, question: Callable[[str], bool]) -> int:
    """Add a lexeme flag answering ``question`` about a word's text; its flag id."""
    return int(vocab.add_flag(Question(question)))


def containing(words: Iterable[str]) -> Callable[[str], bool]:
    """A question: does the word hold one of ``words``? Matching ignores case. A short
    word made of letters (three or fewer: "rs", "won", "eur") must be a whole run of
    letters ("RMB1.2m" holds "rmb", "neurons" does not hold "eur"); longer words and
    symbols may sit anywhere ("US$373" holds "$", "dollars" holds "dollar").

    >>> ask = containing(["yuan", "$", "rs"])
    >>> ask("US$373"), ask("Rs.5"), ask("years"), ask("1.2yuan")
    (True, True, False, True)
    """
    needles = {w.lower() for w in words if w}
    short = sorted(w for w in needles if w.isascii() and w.isalpha() and len(w) <= 3)
    anywhere = sorted(needles - set(short))
    parts = [alternation(anywhere)] if anywhere else []
    if short:
        parts.append(rf"(?<![a-z])(?:{alternation(short)})(?![a-z])")
    # one compiled search per new word: a Python loop over the words cost 3.4 us
    search = re.compile("|".join(parts) or "(?!)").search
    return lambda text: search(text.lower()) is not None


def hits(doc: Doc, flag: int) -> list[tuple[int, int]]:
    """(start, end) characters of each token with ``flag`` set, in order."""
    cached = doc.user_data.get(_CACHE)
    if cached is None or flag not in cached[0]:  # built once per Doc for every flag
        flags = _flags(doc.vocab)
        table = doc.to_array([*flags, IDX, LENGTH]) if len(doc) else None
        cached = doc.user_data[_CACHE] = (flags, table)
    flags, table = cached
    if table is None:
        return []
    column = flags.index(flag)
    rows = table[table[:, column] == 1]
    starts, lengths = rows[:, -2].tolist(), rows[:, -1].tolist()  # plain ints, at C speed
    return [(s, s + n) for s, n in zip(starts, lengths, strict=True)]
