"""What an analyst asks of the tables: distinct facts, a summary per product, exports,
the schema, dates as dates."""

import json

import pandas as pd
import pytest
from click.testing import CliRunner
from conftest import CORPUS

import pipeline
from pipeline.cli import main


@pytest.fixture(scope="module")
def out(seed_out):
    return seed_out


def test_distinct_facts_count_mentions_once_per_article(out):
    every = pipeline.load(out)
    once = pipeline.load(out, distinct=True)
    assert len(once["prices"]) < len(every["prices"])
    assert once["prices"]["mentions"].sum() == len(every["prices"])
    keys = ["article_id", "amount", "amount_high", "currency", "per", "kind", "product"]
    assert not once["prices"].duplicated(keys).any()
    assert set(once["prices"].columns) >= set(every["prices"].columns) | {"mentions"}


def test_published_loads_as_datetime(out):
    articles = pipeline.load(out)["articles"]
    assert pd.api.types.is_datetime64_any_dtype(articles["published"])
    assert set(articles["published"].dt.year.dropna()) >= {2024}


def test_each_products_prices_in_usd_by_publication_date(out):
    # the README's notebook example, as an analyst would write it
    t = pipeline.load(out, distinct=True)
    prices = (
        t["prices"]
        .query("kind == 'price'")
        .merge(t["articles"][["article_id", "published"]], on="article_id")
    )
    answer = prices.dropna(subset=["product", "amount_usd"])[["product", "amount_usd", "published"]]
    assert len(answer) >= 2 and answer["published"].notna().all()


def test_summary_prints_tables_and_json(out, tmp_path):
    result = CliRunner().invoke(main, ["summary", str(out)])
    assert result.exit_code == 0, result.output
    assert "axicabtagene ciloleucel" in result.output and "Prices" in result.output
    result = CliRunner().invoke(main, ["summary", str(out), "--json"])
    data = json.loads(result.output)
    assert set(data) == {"products", "prices", "response_rates", "hospitals"}
    assert any(p["amount_usd"] for p in data["prices"])
    result = CliRunner().invoke(
        main,
        ["summary", str(out), "--csv", str(tmp_path / "csv"), "--xlsx", str(tmp_path / "s.xlsx")],
    )
    assert result.exit_code == 0, result.output
    assert (tmp_path / "csv" / "prices.csv").exists() and (tmp_path / "s.xlsx").exists()
    sheets = pd.read_excel(tmp_path / "s.xlsx", sheet_name=None)
    assert set(sheets) == {"products", "prices", "response_rates", "hospitals"}


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "xlsx"])
def test_export_writes_every_table(out, tmp_path, fmt):
    dest = tmp_path / ("t.xlsx" if fmt == "xlsx" else "export")
    result = CliRunner().invoke(main, ["export", str(out), "--format", fmt, "--dest", str(dest)])
    assert result.exit_code == 0, result.output
    tables = set(pipeline.write.tables.TABLES)
    if fmt == "xlsx":
        assert set(pd.read_excel(dest, sheet_name=None)) == tables
    else:
        assert {p.stem for p in dest.iterdir()} == tables


def test_schema_prints_columns_and_descriptions():
    result = CliRunner().invoke(main, ["schema", "prices"])
    assert result.exit_code == 0
    assert "amount_usd" in result.output and "double" in result.output
    assert CliRunner().invoke(main, ["schema", "nope"]).exit_code == 2


def _readme() -> str:

    return (CORPUS.parent / "README.md").read_text(encoding="utf-8")


def test_the_readme_names_every_column_of_every_table():
    from pipeline.write.tables import TABLES

    section = _readme().split("## Tables", 1)[1].split("\n## ", 1)[0]
    shared = {"article_id", "fact_id", "start", "end", "text", "sentence", "rule"}
    missing = [
        f"{table}.{column.name}"
        for table, columns in TABLES.items()
        if table != "inputs"
        for column in columns
        if column.name not in shared and f"{column.name}" not in section
    ]
    assert missing == []


def test_the_readme_notebook_snippet_gives_whole_years_and_counts_undated_rows(
    tmp_path, monkeypatch, capsys
):
    import shutil

    shutil.copytree(CORPUS, tmp_path / "corpus")
    monkeypatch.chdir(tmp_path)
    block = _readme().split("## In a notebook", 1)[1].split("```python", 1)[1].split("```", 1)[0]
    namespace: dict = {}
    exec(compile(block, "README.md", "exec"), namespace)  # noqa: S102 - our own README
    assert str(namespace["year"].dtype) == "Int64"
    assert "articles with no date" in capsys.readouterr().out


def test_load_without_texts_leaves_only_the_heavy_columns_out(out):
    whole, light = pipeline.load(out), pipeline.load(out, texts=False)
    assert "text" not in light["articles"] and "sentence" not in light["prices"]
    assert "sentence" in light["products"]  # name reviews quote it
    for table, frame in light.items():
        kept = list(frame.columns)
        assert kept == [c for c in whole[table].columns if c in kept]
        assert frame.equals(whole[table][kept]), table
