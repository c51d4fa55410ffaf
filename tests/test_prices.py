import pytest
from conftest import assert_rows, params


@pytest.mark.parametrize("case", params("prices.jsonl"))
def test_price_case(case, extract):
    rows = extract(case["text"], case.get("published"))["prices"]
    assert_rows(rows, case["expected"], case["text"])
