"""Property tests: parsing functions and the whole pipeline take any text without an
exception, within a time bound per character that catches catastrophic backtracking."""

import re
import time
from datetime import date

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from pipeline.dates.parse import default_rules, find_dates
from pipeline.hospitals.parse import default_hospitals, find_hospitals
from pipeline.names.kb import load_kb, resolve_company, resolve_product
from pipeline.nlp.sentences import Sentences, load_sentence_rules, split
from pipeline.prices.parse import classify, default_money, find_money
from pipeline.rates.parse import default_rates, figures, find_rates
from pipeline.read.clean import clean_text
from pipeline.rules import load_patterns

# Text made of the pieces the rules care about, so the search reaches deep into them.
PIECES = [
    "$",
    "US$",
    "¥",
    "RMB",
    "€",
    "£",
    "₹",
    "HK$",
    " ",
    "  ",
    "\n",
    ",",
    ".",
    "-",
    "~",
    "%",
    "(",
    ")",
    "1",
    "2",
    "12",
    "1.2",
    "2021",
    "120",
    "000",
    "million",
    "yuan",
    "dollars",
    "lakh",
    "万元",
    "per",
    "bag",
    "to",
    "and",
    "between",
    "about",
    "June",
    "May",
    "Dec.",
    "of",
    "this",
    "last",
    "year",
    "ago",
    "on the",
    "18th",
    "Monday",
    "Hospital",
    "Cancer",
    "People's",
    "Affiliated",
    "University",
    "Shenyang",
    "Sixth",
    "the",
    "CR",
    "ORR",
    "complete",
    "remission",
    "rate",
    "respectively",
    "PFS",
    "4-year",
    "Akilunsai",
    "injection",
    "WuXi",
    "Juno",
    "Fosun",
    "Kate",
    "阿基仑赛",
    "a",
]
texts = st.one_of(
    st.text(max_size=400),
    st.lists(st.sampled_from(PIECES), max_size=120).map("".join),
)
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
# generous: a linear rule costs microseconds per character; backtracking costs seconds
SECONDS_PER_CHAR = 0.002
PUBLISHED = st.one_of(st.none(), st.dates(min_value=date(1990, 1, 1), max_value=date(2040, 12, 31)))


def bounded(fn, text):
    """fn(text), failing when it takes longer than a linear rule could. A slow first
    call is timed again: backtracking is slow every time, while a one-off (a lazy load,
    the machine busy elsewhere) is not, and made this test fail now and then."""
    limit = 0.2 + SECONDS_PER_CHAR * len(text)
    for _attempt in range(2):
        started = time.perf_counter()
        result = fn(text)
        if time.perf_counter() - started < limit:
            return result
    raise AssertionError(f"{fn} took over {limit:.2f} s twice on {len(text)} characters")


@SETTINGS
@given(texts, PUBLISHED)
def test_dates_never_fail(text, published):
    rules = default_rules()
    for m in bounded(lambda t: find_dates(t, published, rules), text):
        assert 0 <= m.start < m.end <= len(text)
        assert m.value.granularity in {"day", "month", "year"}


@SETTINGS
@given(texts)
def test_money_never_fails(text):
    rules = default_money()
    for m in bounded(lambda t: find_money(t, rules), text):
        assert m.amount >= 0 and len(m.currency) == 3
        assert m.amount_high is None or m.amount_high > m.amount
        c = classify(text, m.start, m.end, rules)
        assert c.kind in {"price", "revenue", "investment", "market", "reimbursement", "other"}


@SETTINGS
@given(texts)
def test_rates_never_fail(text):
    rules = default_rates()
    for r in bounded(lambda t: find_rates(t, rules), text):
        assert 0 <= r.percent <= 100


@SETTINGS
@given(texts)
def test_hospitals_never_fail(text):
    rules = default_hospitals()
    for h in bounded(lambda t: find_hospitals(t, rules), text):
        assert h.name.display


@SETTINGS
@given(texts)
def test_names_never_fail(text):
    kb = load_kb(load_patterns())
    bounded(lambda t: resolve_product(t, kb), text[:80])
    bounded(lambda t: resolve_company(t, kb), text[:80])


@SETTINGS
@given(texts)
# (a long wrapped Chinese line joined to two short ones: joined once, then again)
@example(text="$$$$millionmillionHospital万元\n1\n1")
def test_cleaning_and_sentences(text):
    cleaned = bounded(clean_text, text)
    assert clean_text(cleaned) == cleaned, "cleaning is idempotent"
    rules = load_sentence_rules(load_patterns())
    bounds = split(cleaned, rules.abbreviations, rules.continues_after)
    assert all(0 <= s <= e <= len(cleaned) for s, e in bounds)


@pytest.fixture(scope="module")
def run_extract(nlp):
    import pipeline

    return lambda text: pipeline.extract(text, nlp=nlp)


@settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(text=texts)
def test_whole_pipeline_never_fails(run_extract, text):
    rows = bounded(run_extract, text)
    article = rows["articles"][0]
    assert article["status"] in {"ok", "empty"}, article["error"]
    for table, table_rows in rows.items():
        for row in table_rows if table != "articles" else []:
            assert article["text"][row["start"] : row["end"]] == row["text"]


# The components run their rules only in windows around trigger words (pipeline/triggers.py).
# Over text dense with triggers, the windows must find exactly what the rules find over the
# whole text.
WINDOW_PIECES = [
    *PIECES,
    "weeks",
    "days",
    "quarter",
    "half",
    "percent",
    "per cent",
    "Center",
    "Medical",
    "March",
    "2024-05-26",
    "twenty",
    "one hundred",
    "Rs.",
    "crore",
    # near misses of trigger words (whole words, case as the rules want it)
    "hospital",
    "Hospitals",
    "Hospital's",
    "-Hospital",
    "Clinical",
    "mayor",
    "market",
    "Junior",
    "Monday",
    "Mon",
    "Sept.",
    "mid-March",
    "January2024",
    "daily",
    "months",
    "Europe",
    "neurotoxicity",
    "yuans",
    "million-yuans",
    "US-dollars",
    "wonder",
    "Centers",
]
window_texts = st.lists(st.sampled_from(WINDOW_PIECES), max_size=160).map(" ".join)


@settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(text=window_texts, published=PUBLISHED)
def test_windows_find_what_whole_text_rules_find(run_extract_dated, text, published):
    rows = run_extract_dated(text, published)
    cleaned = rows["articles"][0]["text"]
    money = default_money()
    assert [(r["start"], r["end"], r["amount"]) for r in rows["prices"]] == [
        (m.start, m.end, m.amount) for m in find_money(cleaned, money)
    ]
    dates = default_rules()
    everywhere = {group: [(0, len(cleaned))] for group in dates.triggers}
    assert [(r["start"], r["end"], r["value"]) for r in rows["dates"]] == [
        (m.start, m.end, m.value.value) for m in find_dates(cleaned, published, dates, everywhere)
    ]
    hospitals = default_hospitals()
    assert [(r["start"], r["end"]) for r in rows["hospitals"]] == [
        (h.start, h.end) for h in find_hospitals(cleaned, hospitals)
    ]
    rates = default_rates()
    units = [m.span() for m in re.finditer(r"%|％|percent|cent|pct", cleaned)]
    assert figures(cleaned, rates, units) == figures(cleaned, rates)


@pytest.fixture(scope="module")
def run_extract_dated(nlp):
    import pipeline

    return lambda text, published: pipeline.extract(text, published, nlp=nlp)


@settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    text=st.lists(
        st.sampled_from(
            [
                *WINDOW_PIECES,
                *["drug", "product", "therapy", "Injection", "trade name", "CD19", ":"],
                *[
                    "Akilunsai's",
                    "Relmacel",
                    "Kailunsai-",
                    "(Ruikiorenza)",
                    "Ciltacelx2",
                    "_Akilunsai",
                ],
            ]
        ),
        max_size=160,
    ).map(" ".join)
)
def test_context_matcher_windows_find_what_the_whole_doc_gives(nlp, text):
    """The same matches as the Matcher over each whole sentence: by design, a name is
    looked for in the sentence of its context word, so a match that would run across a
    sentence end ("drug" at the end of one line, "Juno" starting the next) is none, and
    the shorter one inside the sentence stands (over the whole Doc the longest match
    across the end hid it: "drug Sept. . Monday")."""
    doc = nlp(text)
    products = nlp.get_pipe("cartfacts_products")
    whole = []
    for s0, s1 in Sentences(doc).bounds:
        sentence = doc.char_span(s0, s1, alignment_mode="expand")
        if sentence is not None:
            whole += [
                (m, sentence.start + a, sentence.start + b)
                for m, a, b in products.contexts(sentence)
            ]
    assert sorted(products._context_matches(doc)) == sorted(whole)
    # shaped words ("Akilunsai") come from a lexeme flag: the same as a scan of the text
    shape = products.kb.translit.name_shape
    scanned = [
        m.span()
        for m in re.finditer(r"\b[A-Za-z][a-z]{6,}\b", text)
        if shape.search(m.group(0).lower())
    ]
    found = [(c.start, c.end) for c in products._candidates(doc, []) if c.rule == "product.shape"]
    # (a candidate may take the pinyin word before its stem word: "Xidaki Aolunsai")
    assert [end for _, end in found] == [end for _, end in scanned]
    assert all(start <= s for (start, _), (s, _) in zip(found, scanned, strict=True))
