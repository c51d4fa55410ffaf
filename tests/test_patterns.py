"""Pattern files: the shipped ones load; broken copies fail at load, naming the file."""

import json
import shutil

import pytest
from conftest import params

from pipeline.build import build_nlp
from pipeline.errors import PatternError
from pipeline.rules import default_patterns_dir


def test_shipped_patterns_load():
    nlp = build_nlp()
    assert [name for name in nlp.pipe_names if name.startswith("cartfacts_")]


def test_rule_ids_are_unique():
    root = default_patterns_dir()
    ids = []
    for name in (
        "products.jsonl",
        "companies.jsonl",
        "product_contexts.jsonl",
        "hospitals_gazetteer.jsonl",
    ):
        for line in (root / name).read_text(encoding="utf-8").splitlines():
            if line.strip() and not line.startswith("//"):
                ids.append(json.loads(line)["id"])
    ids += [r["id"] for r in json.loads((root / "dates.json").read_text())["rules"]]
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize("case", params("bad_patterns.jsonl"))
def test_broken_pattern_file_names_file_and_key(case, tmp_path):
    root = tmp_path / "patterns"
    shutil.copytree(default_patterns_dir(), root)
    target = root / case["file"]
    if case.get("delete"):
        target.unlink()
    elif "append" in case:
        target.write_text(target.read_text(encoding="utf-8") + case["append"], encoding="utf-8")
    else:
        old, new = case["replace"]
        text = target.read_text(encoding="utf-8")
        assert old in text, "the case no longer matches the file"
        target.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(PatternError) as info:
        build_nlp(root)
    message = str(info.value)
    for word in case["message"]:
        assert word in message, message
