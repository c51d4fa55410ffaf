import pytest
from conftest import assert_rows, params


@pytest.mark.parametrize("case", params("products.jsonl"))
def test_product_case(case, extract):
    rows = extract(case["text"])["products"]
    assert_rows(rows, case["expected"], case["text"])
