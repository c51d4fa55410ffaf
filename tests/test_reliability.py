"""One run per output folder, time bounds per article, files readable as the umask says,
clean messages for write failures, and HTML read by trafilatura, not the fallback."""

import errno
import os
import threading
import time

import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner
from conftest import CORPUS, SEED_ARTICLES

import pipeline
from pipeline.cli import main
from pipeline.errors import CartfactsError
from pipeline.read.html import html_to_text
from pipeline.write.lock import locked


def test_a_second_run_into_a_locked_folder_stops_with_a_message(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    with locked(out):
        result = CliRunner().invoke(main, ["run", str(CORPUS), "--out", str(out), "-q"])
    assert result.exit_code == 1
    assert "another cartfacts run is writing" in result.output
    assert "Traceback" not in result.output
    assert not (out / "articles.parquet").exists(), "the refused run touched nothing"


def test_wait_queues_behind_the_run_holding_the_lock(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    told: list[str] = []
    held = threading.Event()

    def holder() -> None:
        with locked(out):
            held.set()
            time.sleep(1.0)

    thread = threading.Thread(target=holder)
    thread.start()
    held.wait()
    report = pipeline.run(CORPUS, out, wait=True, waiting=told.append)
    thread.join()
    assert report.articles == SEED_ARTICLES
    assert told and "waiting" in told[0]


def test_an_article_over_its_time_bound_becomes_an_error_row(tmp_path):
    report = pipeline.run(CORPUS, tmp_path / "out", article_timeout=1e-6)
    articles = pipeline.load(tmp_path / "out")["articles"]
    assert report.articles == SEED_ARTICLES
    assert set(articles["status"]) == {"error"}
    assert articles["error"].str.contains("took longer than").all()


def test_part_files_are_readable_as_the_umask_allows(tmp_path):
    old = os.umask(0o022)
    try:
        pipeline.run(CORPUS, tmp_path / "out")
    finally:
        os.umask(old)
    for part in (tmp_path / "out").glob("*.parquet/*.parquet"):
        assert part.stat().st_mode & 0o644 == 0o644, part
    assert not list((tmp_path / "out").glob("*.parquet/.tmp-*")), "no temporary file left"


def test_a_failed_write_is_a_message_not_a_traceback(tmp_path, monkeypatch):
    def full_disk(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(pq, "write_table", full_disk)
    result = CliRunner().invoke(main, ["run", str(CORPUS), "--out", str(tmp_path / "out"), "-q"])
    assert result.exit_code == 1
    assert "No space left on device" in result.output
    assert "Traceback" not in result.output
    with pytest.raises(CartfactsError):
        pipeline.run(CORPUS, tmp_path / "out2")


def test_html_is_read_by_trafilatura_not_the_fallback():
    page = (
        "<html><head><title>CAR-T prices</title></head><body><nav>Home | News</nav>"
        "<article><h1>CAR-T prices</h1><p>"
        + "The therapy costs 1.2 million yuan per bag in Shanghai, doctors said. " * 5
        + "</p></article><footer>Contact us</footer></body></html>"
    )
    text, title, _published, fallback = html_to_text(page)
    assert fallback is None, fallback
    assert "1.2 million yuan" in text and "Contact us" not in text
    assert title == "CAR-T prices"


def test_a_catastrophic_rule_costs_one_article_its_time_bound(tmp_path):
    import json
    import shutil

    from pipeline.rules import default_patterns_dir

    patterns = tmp_path / "patterns"
    shutil.copytree(default_patterns_dir(), patterns)
    dates = json.loads((patterns / "dates.json").read_text(encoding="utf-8"))
    rule = next(r for r in dates["rules"] if r["id"] == "date.year")
    # exponential backtracking on "aaa...!" (overlapping branches: the load-time check
    # refuses nested repeats, not every slow regex)
    rule["regex"] = "(?P<year>(?:a|a)+$)"
    (patterns / "dates.json").write_text(json.dumps(dates), encoding="utf-8")
    articles = tmp_path / "in"
    articles.mkdir()
    (articles / "slow.txt").write_text("In 2024 " + "a" * 40 + "!", encoding="utf-8")
    (articles / "fine.txt").write_text("It costs $1m in 2023.", encoding="utf-8")
    started = time.perf_counter()
    pipeline.run(articles, tmp_path / "out", patterns=patterns, article_timeout=1.0)
    assert time.perf_counter() - started < 30
    rows = pipeline.load(tmp_path / "out")["articles"].set_index("source")
    assert rows.loc["slow.txt", "status"] == "error"
    assert "took longer" in rows.loc["slow.txt", "error"]
    assert rows.loc["fine.txt", "status"] == "ok"


def test_two_concurrent_runs_with_wait_lose_and_duplicate_nothing(tmp_path):
    import subprocess
    import sys

    first, second = tmp_path / "a", tmp_path / "b"
    for folder, n in ((first, 0), (second, 1)):
        folder.mkdir()
        for i in range(40):
            (folder / f"{i}.txt").write_text(
                f"Article {n}-{i}: the therapy costs {100 + i} million yuan in {2000 + i}.",
                encoding="utf-8",
            )
    out = tmp_path / "out"
    command = [sys.executable, "-m", "pipeline.cli", "run", "--out", str(out), "-q", "--wait"]
    runs = [
        subprocess.Popen([*command[:4], str(folder), *command[4:]], stderr=subprocess.PIPE)
        for folder in (first, second)
    ]
    for run in runs:
        assert run.wait(timeout=300) == 0, run.stderr.read() if run.stderr else ""
    tables = pipeline.load(out)
    articles = tables["articles"]
    assert len(articles) == 80 and articles["article_id"].is_unique
    assert len(tables["prices"]) == 80 and tables["prices"]["fact_id"].is_unique


def test_every_input_is_accounted_for_in_the_inputs_table(tmp_path):
    import shutil

    folder = tmp_path / "in"
    shutil.copytree(CORPUS, folder)
    first = sorted(folder.glob("*.txt"))[0]
    shutil.copy(first, folder / "copy.txt")
    (folder / "slides.pdf").write_bytes(b"%PDF-1.4")
    (folder / "notes.docx").write_bytes(b"PK")
    out = folder / "out"  # the output folder inside the input: never read back
    report = pipeline.run(folder, out)
    pipeline.run(folder, out)  # a second run: everything already there
    inputs = pipeline.load(out)["inputs"]
    assert report.passed == {".docx": 1, ".pdf": 1, "output folder": 1}
    assert len(inputs) == 2 * (SEED_ARTICLES + 4)
    statuses = inputs.groupby("source")["status"].agg(set).to_dict()
    assert statuses["copy.txt"] == {"duplicate", "already"}  # first run, second run
    assert statuses[first.name] == {"new", "already"}
    assert statuses["slides.pdf"] == {"unsupported"} and statuses["out"] == {"output"}
    assert set(inputs["duplicate_of"].dropna()) == {first.name}
    articles = pipeline.load(out)["articles"]
    assert len(articles) == SEED_ARTICLES and articles["article_id"].is_unique


def test_a_file_named_explicitly_of_an_unsupported_type_is_passed_over_as_in_a_folder(tmp_path):
    (tmp_path / "in").mkdir()
    pdf = tmp_path / "in" / "report.pdf"
    pdf.write_bytes(b"%PDF-1.4 binary")
    alone = pipeline.run(pdf, tmp_path / "out")
    in_folder = pipeline.run(tmp_path / "in", tmp_path / "out2")
    assert alone.passed == in_folder.passed == {".pdf": 1}
    assert (alone.articles, alone.errors) == (0, 0)
    row = pipeline.load(tmp_path / "out")["inputs"].iloc[0]
    assert row["status"] == "unsupported" and "unsupported type .pdf" in row["message"]


def test_readers_never_see_the_facts_of_an_uncommitted_batch(tmp_path):
    from pipeline.write.tables import write_part

    out = tmp_path / "out"
    pipeline.run(CORPUS, out)
    before = len(pipeline.load(out)["prices"])
    row = pipeline.extract("It costs $1m.")["prices"][0]
    # a crash after a batch's fact parts and before its articles part (the commit)
    write_part(
        out, "prices", [{**row, "fact_id": "orphan", "article_id": "orphan"}], "00c0ffee00c0ffee"
    )
    assert len(pipeline.load(out)["prices"]) == before
    pipeline.run(CORPUS, out)  # the next run removes the orphan part
    assert not (out / "prices.parquet" / "part-00c0ffee00c0ffee.parquet").exists()


def test_the_progress_total_counts_what_the_run_reads(tmp_path):
    from pipeline.read.ingest import count_articles

    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "feed.jsonl").write_text('{"text": "a"}\n\n{"text": "b"}\n{bad\n', encoding="utf-8")
    (folder / "one.txt").write_text("It costs $1m.", encoding="utf-8")
    (folder / "outside.txt").symlink_to("/etc/hostname")
    (folder / "slides.pdf").write_bytes(b"%PDF")
    report = pipeline.run(folder, tmp_path / "out")
    assert count_articles(folder) == report.articles == 5
    assert count_articles(CORPUS) == SEED_ARTICLES


def test_a_file_unreadable_once_and_read_later_has_one_row(tmp_path):
    import os

    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "fine.txt").write_text("It costs $1m in Shanghai.", encoding="utf-8")
    os.mkfifo(folder / "late.txt")  # not a regular file: an error row, by its name
    out = tmp_path / "out"
    pipeline.run(folder, out)
    first = pipeline.load(out)["articles"].set_index("source")
    assert first.loc["late.txt", "status"] == "error"
    (folder / "late.txt").unlink()
    (folder / "late.txt").write_text("Now it reads: $2m.", encoding="utf-8")
    pipeline.run(folder, out)
    tables = pipeline.load(out)
    articles = tables["articles"]
    assert sorted(articles["source"]) == ["fine.txt", "late.txt"]
    assert set(articles["status"]) == {"ok"} and articles["article_id"].is_unique
    assert sorted(tables["prices"]["amount"]) == [1_000_000, 2_000_000]


def test_an_error_row_is_replaced_atomically_with_the_row_that_replaces_it(tmp_path, monkeypatch):
    """A run that reads a file which once failed is killed (a deterministic hook) after
    the new row's batch is committed and before the old batch is removed: readers see
    each article once, and the next run removes the old batch."""
    import os

    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "fine.txt").write_text("It costs $1m in Shanghai.", encoding="utf-8")
    os.mkfifo(folder / "late.txt")
    out = tmp_path / "out"
    pipeline.run(folder, out)
    (folder / "late.txt").unlink()
    (folder / "late.txt").write_text("Now it reads: $2m.", encoding="utf-8")

    def killed(*args, **kwargs):
        raise KeyboardInterrupt("killed before the old batch went")

    with monkeypatch.context() as patch:
        patch.setattr("pipeline.api.remove_part", killed)
        with pytest.raises(KeyboardInterrupt):
            pipeline.run(folder, out)
    tables = pipeline.load(out)
    articles = tables["articles"]
    assert articles["article_id"].is_unique and sorted(articles["source"]) == [
        "fine.txt",
        "late.txt",
    ]
    assert set(articles["status"]) == {"ok"}
    assert sorted(tables["prices"]["amount"]) == [1_000_000, 2_000_000]
    parts_before = len(list((out / "articles.parquet").glob("part-*.parquet")))
    pipeline.run(folder, out)
    assert len(list((out / "articles.parquet").glob("part-*.parquet"))) == parts_before - 1
    again = pipeline.load(out)
    assert again["articles"]["article_id"].is_unique and len(again["articles"]) == 2
    assert sorted(again["prices"]["amount"]) == [1_000_000, 2_000_000]


def test_runs_started_together_check_writability_without_stepping_on_each_other(
    tmp_path, monkeypatch
):
    """Two runs check that the folder is writable before either holds its lock: the
    other run's check, made between this one's probe and its removal (a deterministic
    hook on the removal), must not make this one fail."""
    from pipeline.write.store import writable_output

    out = tmp_path / "out"
    real_unlink = os.unlink
    nested = []

    def other_run_checks_first(path, *args, **kwargs):
        if not nested:
            nested.append(path)
            writable_output(out)  # the other run, in between
        return real_unlink(path, *args, **kwargs)

    monkeypatch.setattr(os, "unlink", other_run_checks_first)
    writable_output(out)
    assert nested and not any(p.name.startswith(".cartfacts-write-test") for p in out.iterdir())


def test_an_html_page_whose_parsing_takes_too_long_is_an_error_row(monkeypatch):
    """Parsing one HTML page is bounded too (a page of megabytes of links took minutes):
    past its bound the page is an error row, the run goes on."""
    from pipeline.read import ingest

    def endless(html):
        while True:  # a parser that never ends on this page
            pass

    monkeypatch.setattr(ingest, "html_to_text", endless)
    monkeypatch.setattr(ingest, "HTML_SECONDS_BASE", 0.2)
    article = ingest.make_article(b"<html>", "<html><p>x</p></html>", "page.html", html=True)
    assert article.status == "error" and "reading the HTML page took longer" in article.error


def test_extraction_in_a_thread_that_no_signal_interrupts_is_bounded_between_components():
    """A Dask worker runs tasks in threads, where no alarm can interrupt them: the bound is
    checked between components, so a slow article stops after the component that overran."""
    import types

    import spacy

    from pipeline.engine.batches import process
    from pipeline.read.ingest import make_article

    ran = []

    def slow(doc):
        started = time.monotonic()
        while time.monotonic() - started < 0.3:
            pass
        ran.append("slow")
        return doc

    def after(doc):
        ran.append("after")
        return doc

    nlp = types.SimpleNamespace(
        make_doc=spacy.blank("en").make_doc, pipeline=[("slow", slow), ("after", after)]
    )
    article = make_article(b"a", "Kymriah costs $475,000.", "a.txt")
    result = []
    worker = threading.Thread(target=lambda: result.append(process(article, nlp, timeout=0.1)))
    worker.start()
    worker.join()
    done, rows = result[0]
    assert ran == ["slow"] and done.status == "error" and "took longer than" in done.error
