"""Input formats and encodings: each case writes its file, runs, and checks the rows."""

from collections import Counter

import pandas as pd
import pytest
from conftest import params

import pipeline
from pipeline.write.tables import FACT_TABLES


def write_case(folder, case):
    path = folder / case["name"]
    if "bytes_hex" in case:
        path.write_bytes(bytes.fromhex(case["bytes_hex"]))
    else:
        path.write_bytes(case["content"].encode(case["encoding"]))
    return path


@pytest.mark.parametrize("case", params("ingest.jsonl"))
def test_input_case(case, tmp_path):
    (tmp_path / "in").mkdir()
    write_case(tmp_path / "in", case)
    report = pipeline.run(tmp_path / "in", tmp_path / "out")
    assert report.articles == len(case["expected"])
    tables = pipeline.load(tmp_path / "out")
    articles = tables["articles"]
    rows = [articles.iloc[i] for i in range(len(articles))]
    by_source = {r["source"]: r for r in rows}
    for expected in case["expected"]:
        if "source" in expected:
            row = by_source[expected["source"]]
        else:
            assert len(rows) == 1
            row = rows[0]
        assert row["status"] == expected["status"], (row["source"], row["error"])
        if row["status"] != "ok":
            assert row["error"], "a non-ok article says why"
            continue
        if "published" in expected:
            if expected["published"] is None:  # (no publication date stated)
                assert pd.isna(row["published"]), row["published"]
            else:
                assert str(row["published"].date()) == expected["published"]
        if "title" in expected:
            assert row["title"] == expected["title"]
        if "warnings" in expected:
            assert expected["warnings"] in (row["warnings"] or ""), row["warnings"]
        counts = Counter()
        for table in FACT_TABLES:
            df = tables[table]
            counts[table] = int((df["article_id"] == row["article_id"]).sum())
            if table in expected:
                assert counts[table] == expected[table], (table, counts)
        # "values": {"prices.amount": [...]}: the column's values for this article, sorted
        for where, values in expected.get("values", {}).items():
            table, column = where.split(".")
            df = tables[table]
            found = sorted(df[df["article_id"] == row["article_id"]][column].tolist())
            assert found == sorted(values), (where, found)


def test_html_boilerplate_yields_no_facts(tmp_path):
    case = next(c.values[0] for c in params("ingest.jsonl") if c.id == "html-boilerplate")
    (tmp_path / "in").mkdir()
    write_case(tmp_path / "in", case)
    pipeline.run(tmp_path / "in", tmp_path / "out")
    tables = pipeline.load(tmp_path / "out")
    text = tables["articles"]["text"].iloc[0]
    assert "999,999" not in text and "555,555" not in text and "777,777" not in text
    assert set(tables["prices"]["amount"]) == {1200000.0}


def test_a_long_jsonl_line_is_never_read_whole():
    """A JSONL line over the limit is an error row, read at most limit + 1 bytes at a time."""
    import io

    from pipeline.read.ingest import read_jsonl

    class Recording(io.BytesIO):
        asked: list[int] = []

        def readline(self, size=-1):
            self.asked.append(size)
            return super().readline(size)

    good = b'{"id": "a", "text": "It costs $1m."}\n'
    feed = Recording(good + b'{"id": "b", "text": "' + b"x" * 50_000 + b'"}\n' + good)
    rows = list(read_jsonl(feed, "feed.jsonl", max_chars=1000))
    assert [r.status for r in rows] == ["ok", "error", "ok"]
    assert "50" in rows[1].error  # its whole length is reported
    assert all(0 < size <= 8001 for size in Recording.asked)
