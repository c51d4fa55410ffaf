"""The benchmark script runs (no timing assertions: speed goals live in the script)."""

import importlib.util
from pathlib import Path

import pytest


@pytest.mark.slow
def test_benchmark_smoke():
    path = Path(__file__).parent.parent / "benchmarks" / "bench.py"
    spec = importlib.util.spec_from_file_location("bench", path)
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    rows = bench.main(["--articles", "6", "12", "--workers", "1"])
    assert [r["articles"] for r in rows] == [6, 12]
    assert all(r["articles_per_s"] > 0 and r["peak_mb"] > 0 for r in rows)
    rows = bench.main(["--articles", "4", "--workers", "1", "--language", "zh"])
    assert [(r["language"], r["articles"]) for r in rows] == [("zh", 4)]
