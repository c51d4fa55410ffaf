"""The Dask engine gives the same tables as the local engine, row for row and byte for
byte, whether it starts its own LocalCluster or is pointed at a running scheduler."""

import shutil

import pytest
from conftest import CORPUS, SEED_ARTICLES

import pipeline
from pipeline.errors import CartfactsError
from pipeline.write import tables

distributed = pytest.importorskip("distributed")
pytestmark = pytest.mark.slow  # clusters start in seconds


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    folder = tmp_path_factory.mktemp("dask") / "corpus"
    shutil.copytree(CORPUS, folder)
    # an error row and an empty row travel through the workers too
    (folder / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8)
    (folder / "blank.txt").write_text("   \n", encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def local_out(corpus, tmp_path_factory):
    out = tmp_path_factory.mktemp("local") / "out"
    pipeline.run(corpus, out, batch_size=2)
    return out


@pytest.fixture(scope="module")
def scheduler():
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0"
    ) as cluster:
        yield cluster.scheduler_address


def same_tables(a, b):
    for table in tables.TABLES:
        pa = sorted(tables.table_dir(a, table).glob("*.parquet"))
        pb = sorted(tables.table_dir(b, table).glob("*.parquet"))
        assert [p.name for p in pa] == [p.name for p in pb], table
        assert [p.read_bytes() for p in pa] == [p.read_bytes() for p in pb], table
    la, lb = pipeline.load(a), pipeline.load(b)
    for table in tables.TABLES:
        key = {"articles": ["article_id"], "inputs": ["source", "status"]}.get(table, ["fact_id"])
        left = la[table].sort_values(key).reset_index(drop=True)
        right = lb[table].sort_values(key).reset_index(drop=True)
        assert left.equals(right), table


def test_own_local_cluster_matches_local_engine(corpus, local_out, tmp_path):
    report = pipeline.run(corpus, tmp_path / "out", batch_size=2, engine="dask", workers=2)
    assert report.articles == SEED_ARTICLES + 2 and report.errors == 1 and report.empty == 1
    same_tables(local_out, tmp_path / "out")


def test_running_scheduler_matches_local_engine(corpus, local_out, scheduler, tmp_path):
    out = tmp_path / "out"
    report = pipeline.run(corpus, out, batch_size=2, engine="dask", scheduler=scheduler)
    assert report.articles == SEED_ARTICLES + 2
    same_tables(local_out, out)
    again = pipeline.run(corpus, out, batch_size=2, engine="dask", scheduler=scheduler)
    assert again.articles == 0 and again.skipped == SEED_ARTICLES + 2


def test_scheduler_needs_the_dask_engine(corpus, tmp_path):
    with pytest.raises(CartfactsError, match="--engine dask"):
        pipeline.run(corpus, tmp_path / "out", scheduler="tcp://127.0.0.1:1")


def test_unreachable_scheduler_is_a_clear_error(corpus, tmp_path, monkeypatch):
    from pipeline.engine import dask as dask_engine

    monkeypatch.setattr(dask_engine, "CONNECT_TIMEOUT", "1s")
    with pytest.raises(CartfactsError, match="cannot reach the Dask scheduler"):
        pipeline.run(corpus, tmp_path / "out", engine="dask", scheduler="tcp://127.0.0.1:9")


def test_missing_dask_is_a_clear_error(corpus, tmp_path, monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "distributed", None)  # import fails as if not installed
    with pytest.raises(CartfactsError, match=r"pip install 'cartfacts\[dask\]'"):
        pipeline.run(corpus, tmp_path / "out", engine="dask")
    assert not (tmp_path / "out").exists()


def test_the_lock_file_names_the_run_that_holds_it(tmp_path):
    from pipeline.write.lock import holds_lock, locked

    with locked(tmp_path) as token:
        assert holds_lock(tmp_path, token)
        assert not holds_lock(tmp_path, "0123456789abcdef")  # another run's token
    assert not holds_lock(tmp_path, token)  # the run ended: nobody holds the lock
    with locked(tmp_path) as later:
        assert later != token and not holds_lock(tmp_path, token)


def test_a_task_of_a_run_that_is_gone_writes_nothing(tmp_path):
    """A Dask task of a dead client finishes after the next run took the output: its
    batch is refused at the commit, and no part of it is left behind."""
    from pipeline.engine.dask import extract_and_write_task
    from pipeline.read.ingest import read_articles
    from pipeline.write.lock import locked

    out = tmp_path / "out"
    out.mkdir()
    batch = list(read_articles(CORPUS))[:2]
    with locked(out) as dead:
        pass  # the client that held it died
    with locked(out) as live:
        with pytest.raises(CartfactsError, match="no longer holds the lock"):
            extract_and_write_task(batch, str(out), None, dead)
        assert not [p for p in out.rglob("*") if p.is_file() and p.name != ".cartfacts.lock"]
        summary = extract_and_write_task(batch, str(out), None, live)  # the live run's own
        assert sum(summary.facts.values()) > 0 and (out / "articles.parquet").is_dir()
