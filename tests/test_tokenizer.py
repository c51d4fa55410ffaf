"""The pipeline's tokenizer (nlp.CachingTokenizer) gives exactly spaCy's tokens: it only
changes what spaCy caches. Checked on the bundled corpus, on every text of the test case
files, and on random text full of spaCy's special cases."""

import json
from pathlib import Path

import pytest
import spacy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.build import build_nlp
from pipeline.nlp.tokenizer import CachingTokenizer, infix_finditer, long_token_match

ROOT = Path(__file__).resolve().parent.parent


def spacy_tokens(doc):
    return [(t.text, t.idx, t.whitespace_) for t in doc]


def stock():
    nlp = spacy.blank("en")
    # the pipeline splits a bracket glued to a name and keeps very long runs whole; so
    # does this one
    # (set on spaCy's own tokenizer afterwards: the pipeline gives them when it builds one)
    nlp.tokenizer.infix_finditer = infix_finditer(nlp)
    nlp.tokenizer.token_match = long_token_match(nlp.tokenizer.token_match)
    return nlp.tokenizer


def case_texts():
    texts = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "corpus").glob("*.txt"))]
    for path in sorted((ROOT / "tests" / "data").glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip() and not line.lstrip().startswith("//"):
                record = json.loads(line)
                texts += [v for k, v in record.items() if k == "text" and isinstance(v, str)]
    return texts


def test_same_tokens_on_corpus_and_case_files():
    texts = case_texts()
    assert len(texts) > 50
    plain, caching = stock(), build_nlp().tokenizer
    assert isinstance(caching, CachingTokenizer)
    for _ in range(2):  # the second pass reads the chunks from the cache
        for text in texts:
            assert spacy_tokens(caching(text)) == spacy_tokens(plain(text)), text[:80]


PIECES = [
    *["U.S.", "Mr.", "don't", "It's", "it's", "(U.S.)", "e.g.", ":)", "cannot", "gonna", "'s"],
    *["Kymriah", "costs", "$475,000", "1.2", "million", "yuan", "CAR-T", "83%", "(ORR)"],
    *["Akilunsai's", "WuXi", "Jan.", "2024-05-26", "\u201cquoted\u201d", "a.m.", "vs."],
    *[" ", "  ", "\n", "\n\n", "\t", "\u00a0", ",", ".", "-", "(", ")", '"', "x" * 120],
]


# the pieces above, and made-up words with the characters special cases are made of
PIECE = st.one_of(
    st.sampled_from(PIECES), st.text(alphabet="abXY019.,'’:;()-$%!\u2014", max_size=8)
)


@pytest.fixture(scope="module")
def tokenizers():
    """spaCy's tokenizer and a caching one, kept across examples: the cache carries what
    earlier examples taught it, which makes the test stricter (and building a tokenizer
    per example cost 0.2 s)."""
    return stock(), CachingTokenizer(stock())


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(texts=st.lists(st.lists(PIECE, max_size=40).map("".join), max_size=6))
def test_same_tokens_on_texts_full_of_special_cases(tokenizers, texts):
    plain, caching = tokenizers
    for text in texts + texts:
        assert spacy_tokens(caching(text)) == spacy_tokens(plain(text))


def test_the_remembered_chunks_stay_bounded():
    caching = CachingTokenizer(stock(), limit=50)
    plain = stock()
    for i in range(20):
        text = " ".join(f"w{i}x{k}" for k in range(10)) + " U.S. don't"
        assert spacy_tokens(caching(text)) == spacy_tokens(plain(text))
        assert len(caching._seen) <= 50 + 12


@pytest.mark.parametrize("attribute", ["rules", "token_match", "prefix_search"])
def test_spacy_tokenizer_attributes_stay_reachable(attribute):
    assert getattr(build_nlp().tokenizer, attribute) is not None


@pytest.mark.parametrize("how", ["pickle", "deepcopy"])
def test_a_copy_tokenizes_the_same_and_learns_again(how):
    import copy
    import pickle

    caching = CachingTokenizer(stock())
    text = "Kymriah costs $475,000 in the U.S.; it's (roughly) 3.4 million yuan."
    caching(text)
    twin = pickle.loads(pickle.dumps(caching)) if how == "pickle" else copy.deepcopy(caching)
    assert spacy_tokens(twin(text)) == spacy_tokens(stock()(text))
    assert twin.max_cache_size == caching.limit and "Kymriah" in twin._seen
