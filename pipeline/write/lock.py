"""One run at a time per output folder: an OS lock on ``OUT/.cartfacts.lock``, held for
the whole run. The OS drops it when the process ends, however it ends (kill -9
included), so a crashed run never leaves the folder locked. The file's name starts with
a dot, which Parquet readers skip."""

from __future__ import annotations

import fcntl
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from .. import errors
from ..errors import CartfactsError

LOCK_FILE = ".cartfacts.lock"


@contextmanager
def locked(
    out: Path, *, wait: bool = False, waiting: Callable[[str], None] | None = None
) -> Iterator[None]:
    """Hold the lock of ``out`` inside the block. Another run holding it makes this one
    fail with a message, or, with ``wait``, block until it is free (``waiting`` is told
    once, so the user knows why nothing happens)."""
    path = out / LOCK_FILE
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o666)
    except OSError as exc:
        raise CartfactsError(errors.OUTPUT_NOT_WRITABLE.format(path=out, detail=exc)) from None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if not wait:
                raise CartfactsError(errors.OUTPUT_LOCKED.format(path=out)) from None
            if waiting is not None:
                waiting(errors.WAITING_FOR_LOCK.format(path=out))
            fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the lock
