"""Time bounds: a block of work that must end within some seconds (an article's
extraction, the parsing of one HTML page), and the check a thread that cannot be
interrupted makes between steps instead."""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any


class ArticleTimeout(Exception):
    """Raised inside a bounded block when its time is up."""


def interruptible() -> bool:
    """Whether SIGALRM can interrupt work here: in a process's main thread (a local run,
    a pool worker), not in another thread (a Dask worker's)."""
    return hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Raise ArticleTimeout in this block after ``seconds`` (wall clock). It works where
    ``interruptible``: SIGALRM interrupts Python code and the regex engine alike.
    Elsewhere the block runs unbounded (``Deadline`` checks between steps instead)."""
    if not (seconds > 0 and interruptible()):
        yield
        return

    def expired(signum: int, frame: Any) -> None:
        raise ArticleTimeout

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


class Deadline:
    """A bound checked between steps: ``check`` raises ArticleTimeout once ``seconds``
    have passed since the deadline was set. Where no signal can interrupt (a Dask worker's
    thread), it bounds a run of steps to its time plus the last step's."""

    def __init__(self, seconds: float):
        self.at = time.monotonic() + seconds if seconds > 0 else float("inf")

    def check(self) -> None:
        if time.monotonic() > self.at:
            raise ArticleTimeout
