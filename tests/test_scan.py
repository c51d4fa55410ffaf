"""scan.fast puts a lookahead on a rule's first characters before it: it must find
exactly the matches the rule finds. Checked for every rule that runs in windows, on the
bundled corpus and every text of the test case files."""

import re

import pytest
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
