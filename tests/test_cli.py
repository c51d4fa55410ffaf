"""The cartfacts command through click's CliRunner."""

import json
import shutil

import pytest
from click.testing import CliRunner
from conftest import CORPUS, GOLD, SEED_ARTICLES, params

import pipeline
from pipeline.cli import main


@pytest.mark.parametrize(
    "command", [[], ["run"], ["evaluate"], ["normalize"], ["names"], ["report"]]
)
def test_help_has_examples(command):
    result = CliRunner().invoke(main, [*command, "--help"])
    assert result.exit_code == 0
    assert "Examples" in result.output


def test_run_and_evaluate(tmp_path):
    shutil.copytree(CORPUS, tmp_path / "corpus")
    result = CliRunner().invoke(
        main, ["run", str(tmp_path / "corpus"), "--out", str(tmp_path / "out"), "-q"]
    )
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out" / "prices.parquet").is_dir()
    result = CliRunner().invoke(
        main, ["evaluate", "--gold", str(GOLD), "--corpus", str(CORPUS), "--min-f1", "1.0"]
    )
    assert result.exit_code == 0, result.output
    assert "response_rates" in result.output and "1.000" in result.output


def test_run_missing_input_exits_2(tmp_path):
    result = CliRunner().invoke(
        main, ["run", str(tmp_path / "missing"), "--out", str(tmp_path / "out")]
    )
    assert result.exit_code == 2
    assert "does not exist" in result.output


def test_normalize_explains(tmp_path):
    result = CliRunner().invoke(main, ["normalize", "Akilunza injection", "Insulin injection"])
    assert result.exit_code == 0
    assert "axicabtagene ciloleucel" in result.output
    assert "UNRESOLVED" in result.output
    result = CliRunner().invoke(main, ["normalize", "-c", "WuXi Giant Nuo"])
    assert "JW Therapeutics" in result.output


def test_normalize_reads_chinese_names_as_a_run_would():
    result = CliRunner().invoke(main, ["normalize", "瑞基奧侖賽注射液", "Akilunza"])
    assert result.exit_code == 0, result.output
    assert "relmacabtagene autoleucel" in result.output
    assert "axicabtagene ciloleucel" in result.output
    result = CliRunner().invoke(main, ["normalize", "-c", "信达生物制药（苏州）有限公司"])
    assert "Innovent Biologics" in result.output


def test_normalize_in_context_resolves_as_a_run_would():
    name = "Aqilutamide injection"
    alone = CliRunner().invoke(main, ["normalize", name])
    assert "UNRESOLVED" in alone.output  # shaped like another real drug: needs context
    context = "The notice said Fosun Kite's Aqilutamide injection passed the review."
    result = CliRunner().invoke(main, ["normalize", name, "--context", context])
    assert result.exit_code == 0, result.output
    assert "axicabtagene ciloleucel" in result.output and "phonetic+context" in result.output


def test_names_lists_unresolved_spellings(tmp_path):
    (tmp_path / "in").mkdir()
    text = "Qurvalenza injection was approved. Qurvalenza injection, a CAR-T therapy, costs 1 million yuan."
    (tmp_path / "in" / "a.txt").write_text(text, encoding="utf-8")
    CliRunner().invoke(main, ["run", str(tmp_path / "in"), "--out", str(tmp_path / "out"), "-q"])
    result = CliRunner().invoke(
        main, ["names", str(tmp_path / "out"), "--csv", str(tmp_path / "n.csv")]
    )
    assert result.exit_code == 0, result.output
    import pandas as pd

    frame = pd.read_csv(tmp_path / "n.csv")
    assert list(frame.columns) == [
        "name",
        "status",
        "count",
        "candidate",
        "score",
        "product",
        "example",
    ]
    row = frame[frame["name"] == "Qurvalenza"]
    assert len(row) == 1 and row["count"].iloc[0] == 2 and "Qurvalenza" in row["example"].iloc[0]
    assert row["status"].iloc[0] == "unresolved" and isinstance(row["candidate"].iloc[0], str)
    listing = CliRunner().invoke(main, ["names", str(tmp_path / "out")])
    assert "Unresolved" in listing.output and "best candidate" in listing.output


def test_run_prints_a_summary_on_stdout_and_json_on_request(tmp_path):
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["run", str(CORPUS), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "new articles" in result.stdout and f"cartfacts report {out}" in result.stdout
    assert f"of {SEED_ARTICLES} new articles dated" in result.stdout
    result = CliRunner().invoke(main, ["run", str(CORPUS), "--out", str(out), "--json"])
    data = json.loads(result.stdout)
    assert data["already"] > 0 and data["new_articles"] == 0
    assert data["tables"]["prices"].endswith("prices.parquet")
    assert set(data["coverage"]) == {"dated_articles", "prices", "prices_with_product"}


@pytest.mark.parametrize("case", params("cli_usage.jsonl"))
def test_a_command_line_that_cannot_work_stops_with_a_message(case, tmp_path):
    if case.get("prepare"):
        pipeline.run(CORPUS, tmp_path / "out")
    args = [a.format(corpus=CORPUS, tmp=tmp_path) for a in case["args"]]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == case["code"], result.output
    for word in case["message"]:
        assert word in result.output, result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "no-such-folder").exists(), "nothing created"


def test_parents_creates_the_folders_above_out(tmp_path):
    out = tmp_path / "a" / "b" / "out"
    result = CliRunner().invoke(main, ["run", str(CORPUS), "--out", str(out), "--parents", "-q"])
    assert result.exit_code == 0, result.output
    assert (out / "articles.parquet").is_dir()


def test_summary_in_a_narrow_terminal_keeps_numbers_whole(tmp_path):
    from rich.console import Console

    from pipeline.cli import _print_tables
    from pipeline.views import product_summary

    pipeline.run(CORPUS, tmp_path / "out")
    frames = product_summary(pipeline.load(tmp_path / "out"))
    console = Console(width=100, record=True)
    _print_tables({"prices": frames["prices"]}, console)
    shown = console.export_text()
    for amount in frames["prices"]["amount"]:
        assert f"{amount:,.0f}" in shown


def test_a_report_of_an_article_without_facts_warns_nothing(tmp_path, recwarn):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text("Nothing here but words.", encoding="utf-8")
    pipeline.run(tmp_path / "in", tmp_path / "out")
    result = CliRunner().invoke(main, ["report", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert "W117" not in result.output
    assert not [w for w in recwarn if "W117" in str(w.message)]


def test_commands_use_jemalloc_unless_the_user_chose_a_pool(monkeypatch):
    import pyarrow as pa

    from pipeline.cli import _arrow_memory_pool

    before = pa.default_memory_pool()
    try:
        monkeypatch.setenv("ARROW_DEFAULT_MEMORY_POOL", "system")
        _arrow_memory_pool()
        assert pa.default_memory_pool().backend_name == before.backend_name
        monkeypatch.delenv("ARROW_DEFAULT_MEMORY_POOL")
        _arrow_memory_pool()
        if "jemalloc" in pa.supported_memory_backends():
            assert pa.default_memory_pool().backend_name == "jemalloc"
    finally:
        pa.set_memory_pool(before)
