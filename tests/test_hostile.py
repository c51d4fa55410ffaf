"""Hostile input: every generated file gets its articles row with the right status, the
run exits 0, nothing is written outside --out; deep folders and symlink loops are safe;
a killed run loses nothing and a re-run completes it."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import params, read_cases

import pipeline
from pipeline.cli import main


def make(folder: Path, case: dict) -> None:
    name = os.fsdecode(bytes.fromhex(case["name_hex"])) if "name_hex" in case else case["name"]
    path = folder / name
    if case["kind"] == "symlink":
        path.symlink_to(case["target"])
    elif case["kind"] == "fifo":
        os.mkfifo(path)
    elif case["kind"] == "bytes_hex":
        path.write_bytes(bytes.fromhex(case["hex"]))
    elif case["kind"] == "repeat":
        # before, unit x count, close x count (nesting), after
        content = (
            case.get("before", "")
            + case["unit"] * case["count"]
            + case.get("close", "") * case["count"]
            + case.get("after", "")
        )
        path.write_bytes(content.encode("utf-8"))
    else:
        path.write_bytes(case["content"].encode(case["encoding"]))


@pytest.fixture(scope="module")
def hostile_run(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    inp, out = root / "in", root / "out"
    inp.mkdir()
    for case in read_cases("hostile.jsonl"):
        make(inp, case)
    deep = inp
    for level in range(40):
        deep = deep / f"level {level}"
    deep.mkdir(parents=True)
    (deep / "deep.txt").write_text("It costs $2m.", encoding="utf-8")
    (inp / "loop").symlink_to(inp, target_is_directory=True)
    before = sorted(p.name for p in root.iterdir())
    result = CliRunner().invoke(main, ["run", str(inp), "--out", str(out), "--quiet"])
    after = sorted(p.name for p in root.iterdir())
    return result, pipeline.load(out), before, after, out


@pytest.mark.parametrize("case", params("hostile.jsonl"))
def test_hostile_case(case, hostile_run):
    result, tables, *_ = hostile_run
    assert result.exit_code == 0, result.output
    articles = tables["articles"]
    shown = case.get("shown", case.get("name"))
    rows = articles[articles["source"].str.startswith(shown)].sort_values("source")
    expected = case["status"] if isinstance(case["status"], list) else [case["status"]]
    assert sorted(rows["status"]) == sorted(expected), rows[["source", "status", "error"]].to_dict(
        "records"
    )
    for _, row in rows.iterrows():
        if row["status"] != "ok":
            assert row["error"], "a failed article says why"
        if case.get("warnings"):
            assert case["warnings"] in (row["warnings"] or ""), row["warnings"]
    for table, n in case.get("facts", {}).items():
        ids = set(rows["article_id"])
        got = int(tables[table]["article_id"].isin(ids).sum())
        assert got >= n if n else got == 0, (table, got)


def test_deep_folder_and_symlink_loop(hostile_run):
    _, tables, *_ = hostile_run
    sources = list(tables["articles"]["source"])
    assert any(s.endswith("deep.txt") for s in sources)
    assert len(sources) == len(set(tables["articles"]["article_id"])), "the loop read nothing twice"


def test_nothing_written_outside_out(hostile_run):
    _, _, before, after, out = hostile_run
    assert set(after) - set(before) == {"out"}
    names = {p.name for p in out.iterdir()}
    assert names == {f"{t}.parquet" for t in pipeline.write.tables.TABLES} | {".cartfacts.lock"}


def _corpus(folder: Path, n: int) -> None:
    folder.mkdir()
    for i in range(n):
        (folder / f"a{i:04d}.txt").write_text(
            f"Article {i}. The drug costs {i + 1}.2 million yuan per bag; the CR rate was {i % 90}%. "
            "It was approved on June 22, 2021 at Ruijin Hospital. " * 20,
            encoding="utf-8",
        )


@pytest.mark.slow
def test_killed_run_loses_nothing_and_rerun_completes(tmp_path):
    inp, out = tmp_path / "in", tmp_path / "out"
    _corpus(inp, 400)
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parent.parent)}
    cmd = [
        sys.executable,
        "-m",
        "pipeline.cli",
        "run",
        str(inp),
        "--out",
        str(out),
        "--batch-size",
        "10",
        "-q",
    ]
    proc = subprocess.Popen(cmd, env=env)
    deadline = time.time() + 120
    while time.time() < deadline:
        parts = (
            list((out / "articles.parquet").glob("part-*.parquet"))
            if (out / "articles.parquet").exists()
            else []
        )
        if len(parts) >= 3:
            break
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    partial = pipeline.load(out)  # every table is readable after the kill
    assert partial["articles"]["article_id"].is_unique
    done_before = len(partial["articles"])
    assert 0 < done_before < 400, "the kill landed mid-run"
    started = time.perf_counter()
    report = pipeline.run(inp, out, batch_size=10)
    first_rerun = time.perf_counter() - started
    assert report.skipped == done_before and report.articles == 400 - done_before
    final = pipeline.load(out)
    assert len(final["articles"]) == 400 and final["articles"]["article_id"].is_unique
    ids = set(final["articles"]["article_id"])
    assert set(final["prices"]["article_id"]) <= ids
    per_article = final["prices"].groupby("article_id").size()
    assert per_article.nunique() == 1, "no article's facts were written twice"
    started = time.perf_counter()
    again = pipeline.run(inp, out, batch_size=10)
    assert again.articles == 0
    assert time.perf_counter() - started < first_rerun


def test_a_folder_swapped_for_a_link_out_of_the_input_is_not_read(tmp_path, monkeypatch):
    """The walk lists in/sub/a.txt; before it is read, sub becomes a link to a folder
    outside the input that holds an a.txt. That file is refused, not read."""
    from pipeline.read import ingest

    inp, outside = tmp_path / "in", tmp_path / "outside"
    (inp / "sub").mkdir(parents=True)
    (inp / "sub" / "a.txt").write_text("Kymriah costs $475,000.", encoding="utf-8")
    outside.mkdir()
    (outside / "a.txt").write_text("SECRET Yescarta costs $373,000.", encoding="utf-8")
    walk = ingest.discover

    def swapping(root, **kwargs):
        for path, source in walk(root, **kwargs):
            (inp / "sub").rename(tmp_path / "old-sub")
            (inp / "sub").symlink_to(outside, target_is_directory=True)
            yield path, source

    monkeypatch.setattr(ingest, "discover", swapping)
    rows = list(ingest.read_articles(inp))
    assert [r.status for r in rows] == ["error"]
    assert "link out of the input" in rows[0].error
    assert "SECRET" not in rows[0].text
