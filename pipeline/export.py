"""Tables to files an analyst opens: CSV and JSON-lines files, or the sheets of one Excel
workbook. Every file is written to a temporary name beside its place and renamed, so an
interrupted export never leaves a half-written file; text cells that a spreadsheet would
run as a formula are neutralised (``neutralise``)."""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from . import errors
from .errors import CartfactsError
from .views import as_records

FORMATS = ("csv", "xlsx", "jsonl")

# what a spreadsheet reads as the start of a formula (OWASP, CSV injection): =, +, -, @,
# and a tab or carriage return before one
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Excel's longest cell
EXCEL_CELL = 32_000


def neutralise(value: Any) -> Any:
    """A text cell a spreadsheet would run as a formula, prefixed with an apostrophe so
    it is shown as text (OWASP's advice); any other value as it is.

    >>> neutralise("=HYPERLINK(\\"http://x\\")"), neutralise("@SUM(A1)"), neutralise("CAR-T")
    ('\\'=HYPERLINK("http://x")', "'@SUM(A1)", 'CAR-T')
    >>> neutralise(-5), neutralise(None)
    (-5, None)
    """
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def for_spreadsheet(frame: Any, limit: int | None = None) -> Any:
    """A copy of a DataFrame whose text cells are neutralised (and cut at ``limit``)."""
    from pandas.api.types import is_string_dtype

    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object or is_string_dtype(out[column].dtype):
            out[column] = out[column].map(
                lambda v: neutralise(v[:limit] if limit and isinstance(v, str) else v)
            )
    return out


@contextmanager
def _replacing(path: Path) -> Iterator[Path]:
    """A temporary path beside ``path``, renamed to it when the block ends without an
    error, removed otherwise."""
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_frames(frames: dict[str, Any], fmt: str, dest: Path) -> list[Path]:
    """Write DataFrames as csv or jsonl files in the folder ``dest``, or as the sheets of
    one xlsx file ``dest``; the paths written. A failed write is a CartfactsError naming
    the path."""
    writers: dict[str, Callable[[Any, Path], None]] = {
        "csv": lambda frame, path: for_spreadsheet(frame).to_csv(path, index=False),
        "jsonl": _write_jsonl,
    }
    try:
        if fmt == "xlsx":
            try:
                import openpyxl  # noqa: F401
            except ImportError:
                raise CartfactsError(errors.XLSX_MISSING) from None
            import pandas as pd

            dest.parent.mkdir(parents=True, exist_ok=True)
            with _replacing(dest) as tmp, pd.ExcelWriter(tmp, engine="openpyxl") as writer:
                for name, frame in frames.items():
                    for_spreadsheet(frame, EXCEL_CELL).to_excel(
                        writer, sheet_name=name[:31], index=False
                    )
            return [dest]
        dest.mkdir(parents=True, exist_ok=True)
        paths = []
        for name, frame in frames.items():
            path = dest / f"{name}.{fmt}"
            with _replacing(path) as tmp:
                writers[fmt](frame, tmp)
            paths.append(path)
        return paths
    except OSError as exc:
        raise CartfactsError(errors.WRITE_FAILED.format(path=dest, detail=exc)) from None


def write_csv(frame: Any, path: Path) -> Path:
    """One DataFrame as a CSV file, neutralised and written atomically."""
    try:
        with _replacing(path) as tmp:
            for_spreadsheet(frame).to_csv(tmp, index=False)
    except OSError as exc:
        raise CartfactsError(errors.WRITE_FAILED.format(path=path, detail=exc)) from None
    return path


def _write_jsonl(frame: Any, path: Path) -> None:
    with path.open("w", encoding="utf-8") as handle:
        for record in as_records(frame):
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
