"""Chinese articles: the case files tests/data/zh_<table>.jsonl, one sentence each,
through the pipeline the article's language selects."""

import pytest
from conftest import DATA, assert_rows, params

TABLES = sorted(p.stem.removeprefix("zh_") for p in DATA.glob("zh_*.jsonl"))


@pytest.mark.parametrize(
    ("table", "case"),
    [
        pytest.param(t, *p.values, id=f"{t}-{p.id}", marks=p.marks)
        for t in TABLES
        for p in params(f"zh_{t}.jsonl")
    ],
)
def test_chinese_case(table, case, extract):
    rows = extract(case["text"], case.get("published"))[table]
    assert_rows(rows, case["expected"], case["text"])
