"""The batches of a local run: in this process, or in a pool of worker processes."""

from __future__ import annotations

import multiprocessing
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

from ..read.ingest import Article
from .batches import (
    BatchSummary,
    Results,
    extract_and_write,
    process_batch,
    shared_nlp,
    write_batch,
)

_WORKER_PATTERNS: str | None = None
_WORKER_TIMEOUT: float | None = None


def _init_worker(patterns: str | None, timeout: float | None) -> None:
    global _WORKER_PATTERNS, _WORKER_TIMEOUT
    _WORKER_PATTERNS, _WORKER_TIMEOUT = patterns, timeout
    shared_nlp(patterns)  # built when the worker starts, not on its first chunk


def _process_in_worker(articles: list[Article]) -> Results:
    # each article has its own time bound in the worker's main thread, so a stuck one
    # holds up its chunk by at most that bound
    return process_batch(articles, _WORKER_PATTERNS, timeout=_WORKER_TIMEOUT)


def run_batches(
    batches: Iterable[list[Article]],
    target: Path,
    patterns: str | None,
    rules: str,
    workers: int,
    timeout: float | None = None,
) -> Iterator[BatchSummary]:
    """Extract and write every batch, in input order, so the part files are the same for
    any number of workers; yield each batch's summary once it is written."""
    if workers <= 1:
        shared_nlp(patterns)
        for batch in batches:
            yield extract_and_write(batch, target, patterns, timeout)
        return
    # fork where it is safe (Linux): a spawned worker imports spaCy and the pipeline
    # again, 1.5 s before its first batch, against 0.5 s (a sixth of a 2,000-article
    # run with two workers). Workers only extract: they never call pyarrow, whose
    # threads the parent may have started when it read the existing tables.
    method = "fork" if sys.platform.startswith("linux") else "spawn"
    with multiprocessing.get_context(method).Pool(
        workers, initializer=_init_worker, initargs=(patterns, timeout)
    ) as pool:
        # two batches in flight: while the workers extract one, this process reads
        # the next and writes the previous (in order, so parts match one worker's)
        previous = None
        for batch in batches:
            size = max(1, -(-len(batch) // (4 * workers)))  # four chunks per worker
            chunks = [batch[i : i + size] for i in range(0, len(batch), size)]
            current = pool.map_async(_process_in_worker, chunks)
            if previous is not None:
                yield write_batch(target, [r for c in previous.get() for r in c], rules)
            previous = current
        if previous is not None:
            yield write_batch(target, [r for c in previous.get() for r in c], rules)
