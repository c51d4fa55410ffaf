import pytest
from conftest import assert_rows, params


@pytest.mark.parametrize("case", params("rates.jsonl"))
def test_rate_case(case, extract):
    rows = extract(case["text"], case.get("published"))["response_rates"]
    assert_rows(rows, case["expected"], case["text"])
