"""The benchmark script runs (no timing assertions: speed goals live in the script)."""

import importlib.util
from pathlib import Path


def test_benchmark_smoke():
    path = Path(__file__).parent.parent / "benchmarks" / "bench.py"
    spec = importlib.util.spec_from_file_location("bench", path)
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    rows = bench.main(["--articles", "12", "--workers", "1"])
    assert rows[0]["articles_per_s"] > 0 and rows[0]["peak_mb"] > 0
