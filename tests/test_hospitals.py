import pytest
from conftest import assert_rows, params


@pytest.mark.parametrize("case", params("hospitals.jsonl"))
def test_hospital_case(case, extract):
    rows = extract(case["text"], case.get("published"))["hospitals"]
    assert_rows(rows, case["expected"], case["text"])


def test_kept_parses_are_those_of_the_finished_gazetteer():
    """parse_hospital keeps its answers per mention; loading the rules parses every
    gazetteer name while the gazetteer fills, and none of those answers may outlive it."""
    from pipeline.hospitals.parse import _parse_hospital, load_hospitals, parse_hospital
    from pipeline.rules import load_patterns

    rules = load_hospitals(load_patterns())
    names = [entry.name for entry in {id(e): e for e in rules.gazetteer.values()}.values()]
    assert len(names) > 100
    for name in names:
        assert parse_hospital(name, rules) == _parse_hospital(name, rules), name
