import pytest
from conftest import assert_rows, params


@pytest.mark.parametrize("case", params("dates.jsonl"))
def test_date_case(case, extract):
    rows = extract(case["text"], case.get("published"))["dates"]
    assert_rows(rows, case["expected"], case["text"])
