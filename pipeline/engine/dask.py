"""Run the batches of `cartfacts run` on a Dask cluster (``--engine dask``).

The client reads and cleans the articles and cuts them into the same batches as a
local run; each batch goes to a worker as one task. The worker builds the spaCy
pipeline once per process, extracts the batch and writes its part files itself (fact
tables first, articles last, each through a temporary file and a rename), so the
output folder must be one that every worker can reach. A task returns only a small
summary. At most a few batches per worker are in flight, so neither the client nor the
cluster ever holds the corpus.

dask.distributed is an optional extra: ``pip install 'cartfacts[dask]'``.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from .. import errors
from ..errors import CartfactsError
from .batches import extract_and_write

# batches queued per worker thread: enough to keep workers busy, few enough to bound memory
IN_FLIGHT_PER_THREAD = 2
CONNECT_TIMEOUT = "10s"


def extract_and_write_task(
    batch: list[Any], target: str, patterns: str | None, token: str | None = None
) -> Any:
    """The task a worker runs: extract one batch and write its part files, committing
    only while the run of ``token`` holds the output's lock (a task of a client that
    died, or of a run another has followed, writes nothing)."""
    return extract_and_write(batch, Path(target), patterns, token=token)


def require() -> None:
    """Fail with the install hint when dask.distributed is missing (before any work)."""
    try:
        import distributed  # noqa: F401
    except ImportError as exc:
        raise CartfactsError(errors.DASK_MISSING.format(detail=exc)) from None


def _client(workers: int, scheduler: str | None) -> tuple[Any, Any]:
    require()
    from distributed import Client, LocalCluster

    if scheduler is not None:
        try:
            return Client(scheduler, timeout=CONNECT_TIMEOUT), None
        except (OSError, TimeoutError, ValueError) as exc:
            raise CartfactsError(
                errors.DASK_UNREACHABLE.format(address=scheduler, detail=exc)
            ) from None
    cluster = LocalCluster(
        n_workers=workers if workers > 1 else (os.cpu_count() or 1),
        threads_per_worker=1,  # spaCy work holds the GIL: processes, not threads
        processes=True,
        dashboard_address=":0",
    )
    return Client(cluster), cluster


def run_batches(
    batches: Iterable[list[Any]],
    target: Path,
    patterns: str | None,
    workers: int,
    scheduler: str | None,
    token: str | None = None,
) -> Iterator[Any]:
    """Submit every batch, keeping a bounded number in flight; yield each batch's
    summary as it completes (completion order: the tables do not depend on it)."""
    client, cluster = _client(workers, scheduler)
    from distributed import as_completed

    try:
        threads = sum(client.nthreads().values())
        if threads == 0:
            raise CartfactsError(errors.DASK_NO_WORKERS.format(address=scheduler))
        limit = max(2, IN_FLIGHT_PER_THREAD * threads)
        pending = as_completed()
        in_flight = 0
        for batch in batches:
            # pure=False: a batch is a unit of work with side effects, never a cached value
            pending.add(
                client.submit(
                    extract_and_write_task, batch, str(target), patterns, token, pure=False
                )
            )
            in_flight += 1
            if in_flight >= limit:
                yield next(pending).result()
                in_flight -= 1
        for future in pending:
            yield future.result()
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
