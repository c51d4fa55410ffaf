"""Exports: text cells a spreadsheet would run as formulas are shown as text (OWASP, CSV
injection), in CSV and in Excel; an interrupted export leaves the previous file whole."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

import pipeline
from pipeline.cli import main

HOSTILE = ['=HYPERLINK("http://x.example","open")', "+1+1", "-2+3", "@SUM(A1:A2)", "\t=1"]


@pytest.fixture(scope="module")
def hostile_out(tmp_path_factory):
    root = tmp_path_factory.mktemp("export")
    feed = root / "feed.jsonl"
    feed.write_text(
        "".join(
            json.dumps({"id": f"a{i}", "title": title, "text": f"Kymriah costs $475,000. {i}"})
            + "\n"
            for i, title in enumerate(HOSTILE)
        ),
        encoding="utf-8",
    )
    (root / "=cmd.txt").write_text("Yescarta costs $373,000.", encoding="utf-8")
    out = root / "out"
    pipeline.run(root / "feed.jsonl", out)
    pipeline.run(root / "=cmd.txt", out)
    return out


def test_csv_cells_that_start_a_formula_are_text(hostile_out, tmp_path):
    import csv

    result = CliRunner().invoke(main, ["export", str(hostile_out), "--dest", str(tmp_path)])
    assert result.exit_code == 0, result.output
    with (tmp_path / "articles.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    titles = {r["title"] for r in rows}
    assert {"'" + t for t in HOSTILE} <= titles
    assert any(r["source"].startswith("'=") for r in rows)
    assert not any(v.startswith(("=", "+", "-", "@")) for r in rows for v in r.values() if v)


def test_excel_cells_that_start_a_formula_are_text(hostile_out, tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    dest = tmp_path / "tables.xlsx"
    result = CliRunner().invoke(
        main, ["export", str(hostile_out), "--format", "xlsx", "--dest", str(dest)]
    )
    assert result.exit_code == 0, result.output
    sheet = openpyxl.load_workbook(dest)["articles"]
    cells = [c for row in sheet.iter_rows() for c in row if isinstance(c.value, str)]
    assert not any(c.data_type == "f" for c in cells), "no cell is a formula"
    assert {"'" + t for t in HOSTILE} <= {c.value for c in cells}


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_an_interrupted_export_leaves_the_previous_file_whole(
    hostile_out, tmp_path, monkeypatch, fmt
):
    pytest.importorskip("openpyxl")
    import pandas as pd

    dest = tmp_path / ("tables.xlsx" if fmt == "xlsx" else "export")
    args = ["export", str(hostile_out), "--format", fmt, "--dest", str(dest)]
    assert CliRunner().invoke(main, args).exit_code == 0
    written = dest if fmt == "xlsx" else dest / "articles.csv"
    before = written.read_bytes()

    def killed(*args, **kwargs):
        raise KeyboardInterrupt("killed while writing")

    if fmt == "xlsx":  # killed once the workbook is written, before it replaces the old
        monkeypatch.setattr("pipeline.export.os.replace", killed)
    else:  # killed while the CSV file is written
        monkeypatch.setattr(pd.DataFrame, "to_csv", killed)
    result = CliRunner().invoke(main, args)
    assert result.exit_code != 0
    assert written.read_bytes() == before
    assert not [p for p in written.parent.iterdir() if p.name.endswith(".tmp")]


@pytest.fixture(scope="module")
def database(tmp_path_factory):
    from conftest import CORPUS

    out = tmp_path_factory.mktemp("sqlite") / "out"
    pipeline.run(CORPUS, out)
    result = CliRunner().invoke(main, ["export", str(out), "--format", "sqlite"])
    assert result.exit_code == 0, result.output
    return out, out / "tables.db"


def test_the_sqlite_export_holds_every_table_row_for_row(database):
    import sqlite3

    out, path = database
    db = sqlite3.connect(path)
    tables = pipeline.load(out)
    for name, frame in tables.items():
        assert db.execute(f'SELECT COUNT(*) FROM "{name}"').fetchone()[0] == len(frame), name
    distinct = pipeline.load(out, distinct=True)
    for name in ("products", "prices", "response_rates", "dates", "hospitals", "companies"):
        count = db.execute(f'SELECT COUNT(*) FROM "distinct_{name}"').fetchone()[0]
        assert count == len(distinct[name]), name
    claims = pipeline.load(out, claims=True)["claims"]
    assert db.execute("SELECT COUNT(*) FROM claims").fetchone()[0] == len(claims)
    hits = db.execute(
        'SELECT e."table" FROM evidence_fts f JOIN evidence e ON e.rowid = f.rowid '
        "WHERE evidence_fts MATCH 'yuan'"
    ).fetchall()
    assert ("prices",) in hits


@pytest.mark.slow
def test_datasette_browses_the_export(database):
    """datasette serves the file: a facet page of prices answers with its currencies."""
    import socket
    import subprocess
    import sys
    import time
    import urllib.request

    pytest.importorskip("datasette")
    _, path = database
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "-m", "datasette", "serve", str(path), "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        url = f"http://127.0.0.1:{port}/tables/prices.json?_facet=currency&_shape=objects"
        for _ in range(100):
            try:
                with urllib.request.urlopen(url, timeout=2) as response:
                    page = json.loads(response.read())
                break
            except OSError:
                time.sleep(0.2)
        else:
            pytest.fail("datasette did not answer")
        currencies = {r["value"] for r in page["facet_results"]["currency"]["results"]}
        assert "CNY" in currencies and len(page["rows"]) > 0
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_exported_fact_sheets_carry_the_publication_date(database, tmp_path):
    import csv

    out, _ = database
    result = CliRunner().invoke(main, ["export", str(out), "--dest", str(tmp_path)])
    assert result.exit_code == 0, result.output
    with (tmp_path / "prices.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert rows and all("published" in r for r in rows)
    assert any(r["published"].startswith("20") for r in rows)
