"""Whole runs: all tables, incremental re-runs, overwrite, stable ids, determinism,
per-article errors, crash leftovers."""

import shutil

import pyarrow.parquet as pq
import pytest
from conftest import CORPUS, SEED_ARTICLES

import pipeline
from pipeline.write import tables


@pytest.fixture
def corpus_copy(tmp_path):
    folder = tmp_path / "corpus"
    shutil.copytree(CORPUS, folder)
    return folder


def test_run_writes_every_table(corpus_copy, tmp_path):
    report = pipeline.run(corpus_copy, tmp_path / "out")
    assert report.articles == SEED_ARTICLES and report.errors == 0
    for table in tables.TABLES:
        assert tables.table_dir(tmp_path / "out", table).is_dir()
    loaded = pipeline.load(tmp_path / "out")
    assert set(loaded) == set(tables.TABLES)
    assert len(loaded["articles"]) == SEED_ARTICLES
    assert loaded["prices"]["start"].dtype.name == "int32"
    assert set(loaded["products"]["product"].dropna()) == {
        "axicabtagene ciloleucel",
        "relmacabtagene autoleucel",
    }


def test_rerun_adds_nothing_and_new_files_are_added(corpus_copy, tmp_path):
    out = tmp_path / "out"
    pipeline.run(corpus_copy, out)
    again = pipeline.run(corpus_copy, out)
    assert again.articles == 0 and again.skipped == SEED_ARTICLES
    (corpus_copy / "new.txt").write_text("The drug costs $373,000.", encoding="utf-8")
    third = pipeline.run(corpus_copy, out)
    assert third.articles == 1 and third.skipped == SEED_ARTICLES
    loaded = pipeline.load(out)
    assert len(loaded["articles"]) == SEED_ARTICLES + 1
    assert loaded["articles"]["article_id"].is_unique


def test_overwrite_starts_afresh(corpus_copy, tmp_path):
    out = tmp_path / "out"
    pipeline.run(corpus_copy, out)
    report = pipeline.run(corpus_copy, out, overwrite=True)
    assert report.articles == SEED_ARTICLES
    assert len(pipeline.load(out)["articles"]) == SEED_ARTICLES


def test_article_id_depends_on_bytes_only(corpus_copy, tmp_path):
    first = sorted(corpus_copy.iterdir())[0]
    shutil.copy(first, corpus_copy / "zz_copy_of_first.txt")
    report = pipeline.run(corpus_copy, tmp_path / "out")
    assert report.duplicates == 1
    again = pipeline.run(corpus_copy, tmp_path / "out2")
    ids1 = sorted(pipeline.load(tmp_path / "out")["articles"]["article_id"])
    ids2 = sorted(pipeline.load(tmp_path / "out2")["articles"]["article_id"])
    assert ids1 == ids2 and again.articles == SEED_ARTICLES


def test_two_runs_give_identical_files(corpus_copy, tmp_path):
    pipeline.run(corpus_copy, tmp_path / "a")
    pipeline.run(corpus_copy, tmp_path / "b")
    for table in tables.TABLES:
        a = sorted(tables.table_dir(tmp_path / "a", table).glob("*.parquet"))
        b = sorted(tables.table_dir(tmp_path / "b", table).glob("*.parquet"))
        assert [p.name for p in a] == [p.name for p in b]
        for pa_, pb_ in zip(a, b, strict=True):
            assert pa_.read_bytes() == pb_.read_bytes(), table


def test_failing_article_becomes_error_row(corpus_copy, tmp_path, monkeypatch):
    from pipeline.engine import batches

    real = batches.doc_rows

    def fragile(doc, article_id):
        if "Jiahui" in doc.text:
            raise RuntimeError("component exploded")
        return real(doc, article_id)

    monkeypatch.setattr(batches, "doc_rows", fragile)
    report = pipeline.run(corpus_copy, tmp_path / "out")
    assert report.articles == SEED_ARTICLES and report.errors == 1
    articles = pipeline.load(tmp_path / "out")["articles"]
    bad = articles[articles["status"] == "error"]
    assert len(bad) == 1 and "component exploded" in bad["error"].iloc[0]


def test_leftovers_of_a_crash_are_removed(corpus_copy, tmp_path):
    out = tmp_path / "out"
    pipeline.run(corpus_copy, out)
    orphan = tables.write_part(out, "prices", [], "0badc0de0badc0de")  # facts, no articles part
    (tables.table_dir(out, "dates") / ".tmp-123.parquet").write_bytes(b"half")
    pipeline.run(corpus_copy, out)
    assert not orphan.exists()
    assert not list(tables.table_dir(out, "dates").glob(".tmp-*"))


def test_missing_input_is_a_clear_error(tmp_path):
    with pytest.raises(pipeline.errors.CartfactsError, match="does not exist"):
        pipeline.run(tmp_path / "nope", tmp_path / "out")


def test_output_that_is_a_file_is_a_clear_error(corpus_copy, tmp_path):
    (tmp_path / "out").write_text("x")
    with pytest.raises(pipeline.errors.CartfactsError, match="not a folder"):
        pipeline.run(corpus_copy, tmp_path / "out")


def test_parquet_metadata(corpus_copy, tmp_path):
    pipeline.run(corpus_copy, tmp_path / "out")
    for table in tables.TABLES:
        for part in tables.table_dir(tmp_path / "out", table).glob("*.parquet"):
            meta = pq.read_schema(part).metadata
            assert meta[b"schema_version"] and meta[b"pipeline_version"]


def test_duckdb_reads_a_table_folder(corpus_copy, tmp_path):
    duckdb = pytest.importorskip("duckdb")
    pipeline.run(corpus_copy, tmp_path / "out")
    n = duckdb.sql(f"select count(*) from '{tmp_path / 'out' / 'articles.parquet'}'").fetchall()[0][
        0
    ]
    assert n == SEED_ARTICLES


def test_two_workers_give_the_same_tables(corpus_copy, tmp_path):
    pipeline.run(corpus_copy, tmp_path / "one")
    pipeline.run(corpus_copy, tmp_path / "two", workers=2)
    for table in tables.TABLES:
        a = sorted(tables.table_dir(tmp_path / "one", table).glob("*.parquet"))
        b = sorted(tables.table_dir(tmp_path / "two", table).glob("*.parquet"))
        assert [p.read_bytes() for p in a] == [p.read_bytes() for p in b], table


def test_renewing_the_vocabulary_changes_no_row(corpus_copy, tmp_path, monkeypatch):
    """A long run builds its pipeline afresh now and then, freeing spaCy's interned
    strings (engine.batches.shared_nlp, nlp.outgrown); the new pipeline's lexemes must carry the
    same trigger flags, so the rows are the same as without renewals."""
    from pipeline import build as nlp_module

    for i in range(6):  # new words in every batch
        words = " ".join(f"Zq{i}x{k}" for k in range(40))
        (corpus_copy / f"extra{i}.txt").write_text(
            f"{words}. Kymriah costs $475,000 in 2017; ORR was 83%.", encoding="utf-8"
        )
    pipeline.run(corpus_copy, tmp_path / "plain", batch_size=2)
    monkeypatch.setattr(nlp_module, "VOCAB_GROWTH", 10)
    pipeline.run(corpus_copy, tmp_path / "renewed", batch_size=2)
    for table in tables.TABLES:
        a = sorted(tables.table_dir(tmp_path / "plain", table).glob("*.parquet"))
        b = sorted(tables.table_dir(tmp_path / "renewed", table).glob("*.parquet"))
        assert [p.read_bytes() for p in a] == [p.read_bytes() for p in b], table
    assert len(pipeline.load(tmp_path / "renewed")["prices"]) >= 6


def test_a_run_with_nothing_to_extract_again_never_reads_stored_texts(tmp_path, monkeypatch):
    """Stored texts are read only for articles to extract again, part by part: a re-run
    that adds nothing reads no articles part whole (it read the whole table, texts
    included, at the end of every run)."""
    from pipeline.write import store

    out = tmp_path / "out"
    pipeline.run(CORPUS, out)
    whole = []
    monkeypatch.setattr(store, "read_part", lambda *a, **k: whole.append(a) or None)
    report = pipeline.run(CORPUS, out)
    assert report.articles == 0 and whole == []
