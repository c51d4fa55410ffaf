"""Where each component should look, read from the tokens instead of scanning the text.

Python's regex engine costs 20 to 90 ns per character and pattern with no literal
prefix, so a trigger regex over a whole article ("any currency word", "any month
name") costs as much as the rules it guards. spaCy already holds one record per
distinct word (the Lexeme), so a component registers a yes/no question about words
(``register``: "does it contain a currency sign or word?"). All questions share one
lexeme flag, set when any of them says yes; it is computed once per distinct word in
the vocabulary, never again per text. For each Doc one ``to_array`` call reads that
flag for every token, and only the flagged words are asked which questions said yes.

``hits`` gives the character spans of the flagged tokens; ``scan.widen`` turns them
into the windows where the component's rules run (``scan.finditer``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from spacy.attrs import FLAG19, FLAG63, IDX, LENGTH
from spacy.tokens import Doc
from spacy.vocab import Vocab

from .facts import text_of
from .scan import HAN, guarded

_CACHE = "cartfacts_flags"
# answers remembered per word; cleared when full, so memory stays bounded
ANSWER_LIMIT = 50_000


class Questions:
    """The yes/no questions registered on one vocabulary, answered together by one
    lexeme flag: set when any question says yes. Reading one flag column costs as much as
    reading all six we had as separate flags did one; which questions said yes is then
    asked only for the few flagged words, and remembered per word.

    It is found among the vocabulary's lexeme attribute getters (no registry to keep)."""

    def __init__(self) -> None:
        self.asks: list[Callable[[str], bool]] = []
        self.flag = -1
        self._answers: dict[str, tuple[int, ...]] = {}

    def which(self, text: str) -> tuple[int, ...]:
        """The numbers of the questions that say yes about ``text``."""
        found = self._answers.get(text)
        if found is None:
            if len(self._answers) > ANSWER_LIMIT:
                self._answers.clear()
            found = self._answers[text] = tuple(i for i, ask in enumerate(self.asks) if ask(text))
        return found

    def __call__(self, text: str) -> bool:
        # the flag of a new word: asked once per word, so nothing is remembered (which
        # questions said yes is asked again only for the few flagged words); a loop, not
        # any() over a generator, which cost a third more
        for ask in self.asks:  # noqa: SIM110
            if ask(text):
                return True
        return False


def _questions(vocab: Vocab) -> Questions | None:
    getters = vocab.lex_attr_getters  # type: ignore[attr-defined]
    return next((f for f in getters.values() if isinstance(f, Questions)), None)


def register(vocab: Vocab, question: Callable[[str], bool]) -> int:
    """Add ``question`` about a word's text to the vocabulary's questions; its number
    (for ``hits``)."""
    questions = _questions(vocab)
    if questions is None:
        questions = Questions()
        questions.asks.append(question)
        # a bit spaCy leaves to users (FLAG19-FLAG63): add_flag's own choice was bit 13,
        # spaCy's IS_OOV_DEPRECATED, which a later spaCy could take back
        getters = vocab.lex_attr_getters  # type: ignore[attr-defined]
        free = next(i for i in range(FLAG19, FLAG63 + 1) if i not in getters)
        questions.flag = int(vocab.add_flag(questions, flag_id=free))  # sets existing lexemes
        return 0
    questions.asks.append(question)
    questions._answers.clear()
    for lexeme in vocab:  # words seen before this question came: the flag of each holds
        if question(lexeme.orth_):  # the others' answers already, so only it is asked
            lexeme.set_flag(questions.flag, True)
    return len(questions.asks) - 1


def containing(words: Iterable[str], *, whole_words: bool = False) -> Callable[[str], bool]:
    """A question: does the word hold one of ``words``? Matching ignores case. A short
    word made of letters (three or fewer: "rs", "won", "eur") must be a whole run of
    letters ("RMB1.2m" holds "rmb", "neurons" does not hold "eur"); other words and
    symbols may sit anywhere ("US$373" holds "$", "dollars" holds "dollar"). With
    ``whole_words`` every word made of letters must be a whole run, or one with a
    plural s ("yuans" holds "yuan", "Europe" does not hold "euro").

    >>> ask = containing(["yuan", "$", "rs"])
    >>> ask("US$373"), ask("Rs.5"), ask("years"), ask("1.2yuan")
    (True, True, False, True)
    >>> containing(["euro"])("Europe"), containing(["euro"], whole_words=True)("Europe")
    (True, False)
    >>> containing(["yuan"], whole_words=True)("million-yuans")
    True
    """
    needles = {w.lower() for w in words if w}
    letters = {w for w in needles if w.isascii() and w.isalpha()}
    short = frozenset(w for w in letters if len(w) <= 3 and not whole_words)
    whole = frozenset(letters if whole_words else ())
    anywhere = sorted(needles - short - whole)
    # the needles that may sit anywhere (symbols, longer words): one compiled search,
    # behind a lookahead on their first characters, which skips other positions at C speed
    search = re.compile(guarded(anywhere)).search if anywhere else None

    # every such needle holds something other than a plain letter: a word of plain
    # letters (most new words) holds none of them
    symbolic = all(not (w.isascii() and w.isalpha()) for w in anywhere)

    # A word that must be a whole run of letters is looked up in a set, run by run: one
    # regex of every word with lookarounds cost 3 us a new word (the price question was
    # two fifths of all the questions' time)
    def ask(text: str) -> bool:
        low = text.lower()
        plain = low.isascii() and low.isalpha()
        if search is not None and not (plain and symbolic) and search(low) is not None:
            return True
        if short or whole:
            for run in (low,) if plain else _LETTER_RUNS(low):
                if run in short or run in whole or (run[-1] == "s" and run[:-1] in whole):
                    return True
        return False

    return ask


_LETTER_RUNS = re.compile("[a-z]+").findall


def hits(doc: Doc, question: int) -> list[tuple[int, int]]:
    """(start, end) characters of each token ``question`` says yes about, in order."""
    found = _answers(doc).found
    return found[question] if question < len(found) else []


def token_starts(doc: Doc) -> list[int]:
    """The first character of every token, in order (for bisecting a character offset
    to its token without spaCy's ``char_span``, which costs microseconds a call)."""
    answers = _answers(doc)
    if answers.starts is None:
        answers.starts = [] if answers.table is None else answers.table[:, 1].tolist()
    return answers.starts


class _Answers:
    """What one Doc's flag table says, built once per Doc for every question."""

    def __init__(self, doc: Doc):
        questions = _questions(doc.vocab)
        self.found: list[list[tuple[int, int]]] = [
            [] for _ in (questions.asks if questions else ())
        ]
        self.table = None
        self.starts: list[int] | None = None
        if questions is None or not len(doc):
            return
        self.table = table = doc.to_array([questions.flag, IDX, LENGTH])
        rows = table[table[:, 0] == 1]
        starts, lengths = rows[:, 1].tolist(), rows[:, 2].tolist()  # plain ints, at C speed
        text = text_of(doc)
        spans = [(start, start + length) for start, length in zip(starts, lengths, strict=True)]
        if doc.vocab.lang == "zh":
            spans = _chinese_spans(text, spans)
        for span in spans:
            for i in questions.which(text[span[0] : span[1]]):
                self.found[i].append(span)


# a run of Chinese characters: the "word" a question is asked about in Chinese text,
# where every character is a token of its own
_CHINESE_RUN = re.compile(HAN.pattern + "+")


def _chinese_spans(text: str, token_spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The flagged tokens that are not Chinese characters, and every run of Chinese
    characters, in order: "医院" or "万元" is asked about as a whole."""
    spans = [s for s in token_spans if not _CHINESE_RUN.match(text, s[0], s[1])]
    spans.extend(m.span() for m in _CHINESE_RUN.finditer(text))
    spans.sort()
    return spans


def _answers(doc: Doc) -> _Answers:
    cached = doc.user_data.get(_CACHE)
    if cached is None:
        cached = doc.user_data[_CACHE] = _Answers(doc)
    return cached
