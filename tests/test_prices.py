import pytest
from conftest import assert_rows, params, read_cases


@pytest.mark.parametrize("case", params("prices.jsonl"))
def test_price_case(case, extract):
    rows = extract(case["text"], case.get("published"))["prices"]
    assert_rows(rows, case["expected"], case["text"])


PLACES = [
    "Sydney hospitals charge $500,000.",
    "In Toronto and at the FDA, $1 million.",
    "New South Wales and Victoria pay $450,000; Auckland pays less.",
    "A clinic in Singapore, another in Hong Kong: $300,000 each.",
    "No place at all: $1.",
    "Melbourne-based Cartherics; Vancouver, B.C.; $2 million.",
]


@pytest.mark.parametrize("text", PLACES + [c["text"] for c in read_cases("prices.jsonl")])
def test_a_bare_dollar_place_is_found_as_by_one_search_per_currency(text):
    """dollar_place_counts steps through one union of every place; the counts must be
    those of asking each currency's places at every position of the text."""
    from pipeline.prices.parse import default_money, dollar_place_counts

    rules = default_money()
    naive = {
        c: n
        for c, place in rules.dollar_places.items()
        if (n := sum(1 for i in range(len(text)) if place.match(text, i)))
    }
    assert dollar_place_counts(text, rules) == naive
