import pytest
from conftest import assert_rows, params


@pytest.mark.parametrize("case", params("hospitals.jsonl"))
def test_hospital_case(case, extract):
    rows = extract(case["text"], case.get("published"))["hospitals"]
    assert_rows(rows, case["expected"], case["text"])
