import pytest
from conftest import assert_rows, params


@pytest.mark.parametrize("case", params("companies.jsonl"))
def test_company_case(case, extract):
    rows = extract(case["text"])["companies"]
    assert_rows(rows, case["expected"], case["text"])
