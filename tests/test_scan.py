"""Fast paths must answer as the slow ones did. scan.fast puts a lookahead on a rule's
first characters before it: it must find exactly the matches the rule finds, checked for
every rule that runs in windows, on the bundled corpus and every text of the test case
files. The trigger questions look plain-letter words up in sets: they must say what one
regex over the word said (random words, hypothesis). A list of words written as a trie
(scan.alternation) must match what the plain list, longest first, matched: the same
spans, also where the rest of a rule makes the engine go back to a shorter word, with
and without case-blindness (random words and texts, hypothesis)."""

import functools
import re

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from test_tokenizer import case_texts

from pipeline.dates.parse import load_dates
from pipeline.hospitals.parse import default_hospitals
from pipeline.nlp.scan import fast
from pipeline.prices.parse import default_money
from pipeline.rates.parse import default_rates
from pipeline.rules import load_patterns


def window_rules():
    money = default_money()
    hospitals = default_hospitals()
    rules = [(f"money.{rule}", regex) for rule, regex in money.money]
    rules += [(f"date.{r.id}", r.regex) for r in load_dates(load_patterns()).rules]
    rules += [
        ("hospital.mention", hospitals.mention),
        ("hospital.lead", hospitals.lead_mention),
        ("hospital.abbreviation", hospitals.abbreviation),
        ("rate.figure", default_rates().figure),
    ]
    return rules


@pytest.fixture(scope="module")
def texts():
    return case_texts()


@pytest.mark.parametrize(("rule", "regex"), window_rules(), ids=lambda v: str(v)[:40])
def test_fast_finds_the_same_matches(texts, rule, regex):
    quick = fast(regex)
    for text in texts:
        same = [(m.span(), m.groupdict()) for m in regex.finditer(text)]
        assert [(m.span(), m.groupdict()) for m in quick.finditer(text)] == same, (rule, text[:80])


@pytest.mark.parametrize(
    ("pattern", "guarded"),
    [
        (r"\bcosts?\b", True),
        (r"(?<![A-Za-z])(?:US\$|€)\s?\d", True),
        (r"(?i)\b(?:yuan|rmb)", True),
        (r"(?:the )?x?", False),  # can match nothing
        (r".x", False),  # starts with any character
        (r"[^a-z]x", False),  # a negated class
        (r"(?=[ab])a", False),  # guarded already
    ],
)
def test_fast_guards_only_what_it_can(pattern, guarded):
    regex = re.compile(pattern)
    assert (fast(regex) is not regex) == guarded


def _reference_containing(words, whole_words):
    """The question as one regex over the lower-cased word, as it was built before the
    set look-ups: what ``containing`` must still answer."""
    from pipeline.nlp.scan import alternation

    needles = {w.lower() for w in words if w}
    letters = {w for w in needles if w.isascii() and w.isalpha()}
    short = sorted(w for w in letters if len(w) <= 3 and not whole_words)
    whole = sorted(letters) if whole_words else []
    anywhere = sorted(needles - set(short) - set(whole))
    parts = [alternation(anywhere)] if anywhere else []
    if short:
        parts.append(rf"(?<![a-z])(?:{alternation(short)})(?![a-z])")
    if whole:
        parts.append(rf"(?<![a-z])(?:{alternation(whole)})s?(?![a-z])")
    search = re.compile("|".join(parts) or "(?!)").search
    return lambda text: search(text.lower()) is not None


WORD = st.text(alphabet="yuaneorsdlUSRMB$€.-1 元萬", max_size=10)


@settings(max_examples=300, deadline=None)
@given(word=WORD, whole_words=st.booleans())
def test_containing_answers_as_the_regex_did(word, whole_words):
    from pipeline.nlp.triggers import containing

    needles = ["yuan", "euro", "rs", "rmb", "us$", "$", "€", "元", "萬元", "dollars"]
    ask = containing(needles, whole_words=whole_words)
    assert ask(word) == _reference_containing(needles, whole_words)(word), word


DATE_WORD = st.one_of(
    st.text(alphabet="maychJunedcMAYlsqtr'12年月日", max_size=9),
    st.sampled_from(["May", "mayor", "June", "Q3", "2024", "3rd", "Patrick's", "年底", "spring"]),
)


@functools.cache
def date_triggers():
    """Every trigger word and number of the date rules, as the component asks them."""
    from pipeline.dates.parse import TriggerGroup

    return TriggerGroup.union(list(load_dates(load_patterns()).triggers.values()))


@settings(max_examples=300, deadline=None)
@given(word=DATE_WORD)
def test_date_trigger_words_answer_as_the_regex_does(word):
    group = date_triggers()
    assert group.holds(word) == (group.in_word.search(word.lower()) is not None), word


LETTERS = "abAB元萬-"
ALT_WORDS = st.lists(st.text(alphabet=LETTERS, min_size=1, max_size=4), min_size=1, max_size=8)


@settings(max_examples=400, deadline=None)
@given(words=ALT_WORDS, text=st.text(alphabet=LETTERS + " x", max_size=30))
@example(words=["Ab", "abb"], text="abb")  # (?i): the longer word of the other case first
def test_a_trie_of_words_matches_as_the_list_did(words, text):
    from pipeline.nlp.scan import alternation

    plain = "|".join(re.escape(w) for w in sorted(set(words), key=lambda w: (-len(w), w)))
    # after the words: nothing, a letter that makes a longer word fail, the end of a word
    for after in ("", "(?=[bx ])", r"(?![a-z])"):
        for flags in ("", "(?i)"):
            ours = re.compile(f"{flags}(?:{alternation(words)}){after}")
            theirs = re.compile(f"{flags}(?:{plain}){after}")
            assert [m.span() for m in ours.finditer(text)] == [
                m.span() for m in theirs.finditer(text)
            ], (words, text, after, flags)
