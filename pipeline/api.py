"""The Python API that the CLI wraps: run over a folder, extract from one text, load
the tables of an output folder."""

from __future__ import annotations

import gc
import hashlib
import shutil
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from spacy.language import Language

from . import errors
from .errors import CartfactsError
from .extract import doc_rows
from .facts import remember_text
from .ingest import Article, article_id, make_article, read_articles
from .nlp import MAX_CHARS, build_nlp, outgrown
from .tables import FACT_TABLES, TABLES, part_names, read_column, read_table, table_dir, write_part

BATCH_SIZE = 200
ENGINES = ("local", "dask")


@dataclass
class RunReport:
    out: Path
    articles: int = 0
    skipped: int = 0
    duplicates: int = 0
    errors: int = 0
    empty: int = 0
    facts: dict[str, int] = field(default_factory=lambda: {t: 0 for t in FACT_TABLES})
    seconds: float = 0.0
    problems: list[tuple[str, str]] = field(default_factory=list)

    def add(self, batch: BatchSummary) -> None:
        for table, n in batch.facts.items():
            self.facts[table] += n
        for status, source, error in batch.statuses:
            self.articles += 1
            if status == "error":
                self.errors += 1
            elif status == "empty":
                self.empty += 1
            else:
                continue
            self.problems.append((source, error))

    def summary(self) -> str:
        counts = ", ".join(f"{t} {n}" for t, n in self.facts.items())
        return (
            f"{self.articles} new articles ({self.errors} error, {self.empty} empty), "
            f"{self.skipped} already in {self.out}, {self.duplicates} duplicate inputs; "
            f"facts: {counts}; {self.seconds:.1f} s"
        )


Results = list[tuple[Article, dict[str, list[dict[str, Any]]]]]


def process(article: Article, nlp: Language) -> tuple[Article, dict[str, list[dict[str, Any]]]]:
    """Facts of one article; an exception inside a component becomes an error row."""
    empty: dict[str, list[dict[str, Any]]] = {t: [] for t in FACT_TABLES}
    if article.status != "ok":
        return article, empty
    try:
        doc = nlp.make_doc(article.text)
        remember_text(doc, article.text)
        doc.user_data["published"] = article.published
        for _name, proc in nlp.pipeline:
            doc = proc(doc)
        return article, doc_rows(doc, article.article_id)
    except Exception as exc:  # one bad article must not stop the run
        failed = Article(
            article.article_id,
            article.source,
            article.text,
            status="error",
            error=errors.PROCESSING_FAILED.format(detail=f"{type(exc).__name__}: {exc}"),
            title=article.title,
            published=article.published,
            published_source=article.published_source,
            url=article.url,
        )
        return failed, empty


def process_batch(articles: list[Article], patterns: str | Path | None) -> Results:
    """Facts of a batch of articles, with this process's pipeline for ``patterns``."""
    nlp = shared_nlp(patterns)
    return [process(article, nlp) for article in articles]


# patterns -> (pipeline, strings it held when built)
_NLP_CACHE: dict[str, tuple[Language, int]] = {}
_NLP_LOCK = threading.Lock()


def shared_nlp(patterns: str | Path | None, *, fresh: bool = False) -> Language:
    """This process's pipeline for ``patterns``: built once for extract(), the local run,
    pool workers and Dask workers (whose tasks may run on several threads), and built
    afresh when its vocabulary has grown too much (nlp.outgrown), so a long run's memory
    stays bounded. A Doc being processed keeps its own pipeline's vocabulary alive.
    ``fresh`` builds it anew, so a run reads pattern files edited since the last one."""
    key = str(patterns or "")
    with _NLP_LOCK:
        entry = _NLP_CACHE.get(key)
        if entry is None or fresh or outgrown(*entry):
            if entry is not None:
                del _NLP_CACHE[key], entry
                gc.collect()  # a Language holds reference cycles; free the old one now
            nlp = build_nlp(patterns)
            entry = _NLP_CACHE[key] = (nlp, len(nlp.vocab.strings))
        return entry[0]


_WORKER_PATTERNS: str | None = None


def _init_worker(patterns: str | None) -> None:
    global _WORKER_PATTERNS
    _WORKER_PATTERNS = patterns
    shared_nlp(patterns, fresh=True)  # built when the worker starts, not on its first chunk


def _process_in_worker(articles: list[Article]) -> Results:
    return process_batch(articles, _WORKER_PATTERNS)


def extract(
    text: str,
    published: date | str | None = None,
    *,
    nlp: Language | None = None,
    patterns: str | Path | None = None,
) -> dict[str, list[dict[str, Any]]]:
    """The facts of one text as rows of every table (``articles`` included).

    Offsets refer to the cleaned text, which is the ``text`` of the articles row.
    """
    if isinstance(published, str):
        published = date.fromisoformat(published)
    data = text.encode("utf-8")
    article = make_article(data, text, "<text>", published=published, max_chars=MAX_CHARS)
    article, rows = process(article, nlp or shared_nlp(patterns))
    return {"articles": [article.row()], **rows}


def _batches(items: Iterable[Article], size: int) -> Iterator[list[Article]]:
    batch: list[Article] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def prepare_output(out: Path, overwrite: bool) -> None:
    if out.exists() and not out.is_dir():
        raise CartfactsError(errors.OUTPUT_NOT_DIR.format(path=out))
    try:
        out.mkdir(parents=True, exist_ok=True)
        probe = out / ".cartfacts-write-test"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        raise CartfactsError(errors.OUTPUT_NOT_WRITABLE.format(path=out, detail=exc)) from None
    for table in TABLES:
        folder = table_dir(out, table)
        if folder.exists() and not folder.is_dir():
            raise CartfactsError(errors.OUTPUT_NOT_OURS.format(path=folder))
        if overwrite and folder.is_dir():
            shutil.rmtree(folder)
    _remove_orphans(out)


def _remove_orphans(out: Path) -> None:
    """A crash between writing a batch's fact parts and its articles part leaves fact
    parts with no articles part; those articles will be processed again, so drop them.
    Temporary files of an interrupted write go too."""
    committed = part_names(out, "articles")
    for table in TABLES:
        folder = table_dir(out, table)
        if not folder.is_dir():
            continue
        for tmp in folder.glob(".tmp-*"):
            tmp.unlink(missing_ok=True)
        if table == "articles":
            continue
        for name in part_names(out, table) - committed:
            (folder / name).unlink(missing_ok=True)


def run(
    input: str | Path,
    out: str | Path = "outputs",
    *,
    patterns: str | Path | None = None,
    overwrite: bool = False,
    batch_size: int = BATCH_SIZE,
    progress: Callable[[int], None] | None = None,
    workers: int = 1,
    engine: str = "local",
    scheduler: str | None = None,
) -> RunReport:
    """Extract every article under ``input`` into the tables of ``out``.

    Articles already in ``out`` (same article_id) are skipped; ``overwrite`` starts afresh.
    Each batch is written as one part file per table, articles last, so an interrupted
    run loses at most the batch in flight and a re-run completes it. ``workers`` > 1
    extracts in that many processes (each builds the pipeline once); results keep the
    input order, so the tables are the same as with one worker.

    ``engine="dask"`` sends the batches to a Dask cluster: the scheduler at ``scheduler``
    ("tcp://host:8786"), or a LocalCluster of ``workers`` processes when it is None.
    Batches are cut the same way, so the part files and rows are the same as a local run.
    """
    started = time.perf_counter()
    source, target = Path(input), Path(out).absolute()
    if engine not in ENGINES:
        raise CartfactsError(errors.UNKNOWN_ENGINE.format(engine=engine, known=", ".join(ENGINES)))
    if scheduler is not None and engine != "dask":
        raise CartfactsError(errors.SCHEDULER_NEEDS_DASK)
    if not source.exists():
        raise CartfactsError(errors.INPUT_MISSING.format(path=source))
    if engine == "dask":
        from .dask_engine import require

        require()
    prepare_output(target, overwrite)
    report = RunReport(out=target)
    known = set(read_column(target, "articles", "article_id"))
    seen: set[str] = set()

    def fresh() -> Iterator[Article]:
        for article in read_articles(source, max_chars=MAX_CHARS):
            if progress:
                progress(1)
            if article.article_id in known:
                report.skipped += 1
            elif article.article_id in seen:
                report.duplicates += 1
            else:
                seen.add(article.article_id)
                yield article

    batches = _batches(fresh(), batch_size)
    patterns_arg = str(patterns) if patterns else None
    if engine == "dask":
        from .dask_engine import run_batches

        for summary in run_batches(batches, target, patterns_arg, workers, scheduler):
            report.add(summary)
    elif workers > 1:
        import multiprocessing

        # fork where it is safe (Linux): a spawned worker imports spaCy and the pipeline
        # again, 1.5 s before its first batch, against 0.5 s (a sixth of a 2,000-article
        # run with two workers). Workers only extract: they never call pyarrow, whose
        # threads the parent may have started when it read the existing tables.
        method = "fork" if sys.platform.startswith("linux") else "spawn"
        with multiprocessing.get_context(method).Pool(
            workers, initializer=_init_worker, initargs=(patterns_arg,)
        ) as pool:
            # two batches in flight: while the workers extract one, this process reads
            # the next and writes the previous (in order, so parts match one worker's)
            previous = None
            for batch in batches:
                size = max(1, -(-len(batch) // (4 * workers)))  # four chunks per worker
                chunks = [batch[i : i + size] for i in range(0, len(batch), size)]
                current = pool.map_async(_process_in_worker, chunks)
                if previous is not None:
                    report.add(write_batch(target, [r for c in previous.get() for r in c]))
                previous = current
            if previous is not None:
                report.add(write_batch(target, [r for c in previous.get() for r in c]))
    else:
        shared_nlp(patterns_arg, fresh=True)
        for batch in batches:
            report.add(write_batch(target, process_batch(batch, patterns_arg)))
    for table in TABLES:  # every table exists, with its schema, even with no rows
        if not part_names(target, table):
            write_part(target, table, [], "empty")
    report.seconds = time.perf_counter() - started
    return report


@dataclass
class BatchSummary:
    """What a written batch adds to the run report (small, so a Dask worker can return it)."""

    facts: dict[str, int]
    statuses: list[tuple[str, str, str]]  # (status, source, error) per article


def batch_part(article_ids: Iterable[str]) -> str:
    """The part-file name of a batch: a hash of its article ids, so a re-run of the same
    batch replaces its own files and never collides with another batch."""
    return hashlib.sha1("\n".join(article_ids).encode()).hexdigest()[:16]


def write_batch(target: Path, results: Results) -> BatchSummary:
    """Write one batch: a part per fact table first, the articles part last (the commit)."""
    part = batch_part(a.article_id for a, _ in results)
    counts = {}
    for table in FACT_TABLES:
        rows = [row for _, r in results for row in r[table]]
        counts[table] = len(rows)
        write_part(target, table, rows, part)
    write_part(target, "articles", [a.row() for a, _ in results], part)
    return BatchSummary(counts, [(a.status, a.source, a.error or "") for a, _ in results])


def load(out: str | Path = "outputs") -> dict[str, Any]:
    """Every table of an output folder as a pandas DataFrame, keyed by table name."""
    folder = Path(out)
    if not table_dir(folder, "articles").is_dir():
        raise CartfactsError(errors.NO_TABLES.format(path=folder))
    return {table: read_table(folder, table).to_pandas() for table in TABLES}


__all__ = ["RunReport", "article_id", "extract", "load", "process", "run"]
