"""Shared fixtures: one pipeline for the session, and case files turned into params."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

DATA = Path(__file__).parent / "data"
GOLD = Path(__file__).parent / "gold"
CORPUS = Path(__file__).parent.parent / "corpus"
# the bundled articles (English seeds and a Chinese one)
SEED_ARTICLES = len(list(CORPUS.glob("*.txt")))


def read_cases(name: str) -> list[dict[str, Any]]:
    """Records of a JSON-lines case file in tests/data (lines starting // are comments)."""
    cases = []
    for number, line in enumerate((DATA / name).read_text(encoding="utf-8").splitlines(), 1):
        if line.strip() and not line.lstrip().startswith("//"):
            record = json.loads(line)
            record.setdefault("id", f"line{number}")
            cases.append(record)
    return cases


def params(name: str) -> list[Any]:
    """pytest params with readable ids; a case with "xfail" is a known miss (strict)."""
    out = []
    for case in read_cases(name):
        marks = [pytest.mark.xfail(reason=case["xfail"], strict=True)] if case.get("xfail") else []
        out.append(pytest.param(case, id=case["id"], marks=marks))
    return out


@pytest.fixture(scope="session")
def nlp():
    from pipeline.build import build_nlp

    return build_nlp()


@pytest.fixture(scope="session")
def extract():
    """pipeline.extract with the packaged rules: each text goes through the pipeline of
    its language (built once per language for the session)."""
    import pipeline

    def run(text: str, published: str | None = None) -> dict[str, list[dict[str, Any]]]:
        return pipeline.extract(text, published)

    return run


def assert_rows(rows: list[dict[str, Any]], expected: list[dict[str, Any]], text: str) -> None:
    """Rows match the expected facts in order, on the keys each expected fact gives."""
    got = [{k: r.get(k) for k in e} for r, e in zip(rows, expected, strict=False)]
    shown = [{k: r.get(k) for k in (expected[0] if expected else r)} for r in rows]
    assert len(rows) == len(expected), f"{text!r}: expected {expected}, got {shown}"
    for g, e in zip(got, expected, strict=True):
        for key, value in e.items():
            if (
                isinstance(value, float | int)
                and not isinstance(value, bool)
                and g[key] is not None
            ):
                assert g[key] == pytest.approx(value, rel=1e-4), (
                    f"{text!r}: {key} {g[key]} != {value}"
                )
            else:
                assert g[key] == value, f"{text!r}: {key} {g[key]!r} != {value!r} (row {g})"


@pytest.fixture(scope="session")
def seed_out(tmp_path_factory):
    """The bundled corpus run once into a folder; tests read it, or copy it to change it."""
    import pipeline

    folder = tmp_path_factory.mktemp("seed") / "out"
    pipeline.run(CORPUS, folder)
    return folder
