"""One run at a time per output folder: an OS lock on ``OUT/.cartfacts.lock``, held for
the whole run. The OS drops it when the process ends, however it ends (kill -9
included), so a crashed run never leaves the folder locked. The file's name starts with
a dot, which Parquet readers skip.

The run that holds the lock writes a token of its own into the file. Work done for it in
other processes (Dask tasks) carries the token and commits only while ``holds_lock``:
the file still holds that token and a process still holds the lock, so a task of a run
that died, or that another run has followed, never commits."""

from __future__ import annotations

import fcntl
import os
import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from .. import errors
from ..errors import CartfactsError

LOCK_FILE = ".cartfacts.lock"


@contextmanager
def locked(
    out: Path, *, wait: bool = False, waiting: Callable[[str], None] | None = None
) -> Iterator[str]:
    """Hold the lock of ``out`` inside the block, which gets the run's token. Another
    run holding it makes this one fail with a message, or, with ``wait``, block until it
    is free (``waiting`` is told once, so the user knows why nothing happens)."""
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
        token = secrets.token_hex(8)
        os.ftruncate(fd, 0)
        os.pwrite(fd, token.encode("ascii"), 0)
        yield token
    finally:
        os.close(fd)  # closing the descriptor releases the lock


def holds_lock(out: Path, token: str) -> bool:
    """Whether the run of ``token`` still holds the lock of ``out``: its token is in the
    lock file and some process holds the lock (taken here, it was free: the run is gone)."""
    try:
        fd = os.open(out / LOCK_FILE, os.O_RDWR)
    except OSError:
        return False
    try:
        if os.pread(fd, 64, 0).decode("ascii", "replace") != token:
            return False
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True  # held, by the run that wrote the token
        return False  # free: the run that wrote it has ended
    finally:
        os.close(fd)
