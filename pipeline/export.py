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
from .write.tables import FILE_MODE

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
        os.chmod(tmp, FILE_MODE)  # as any file the user creates (mkstemp makes it 0600)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def write_frames(frames: dict[str, Any], fmt: str, dest: Path) -> list[Path]:
    """Write DataFrames as csv or jsonl files in the folder ``dest``, or as the sheets of
    one xlsx file ``dest``; the paths written. A failed write is a CartfactsError naming
    the path."""
    writers: dict[str, Callable[[Any, Path], None]] = {
        "csv": _write_csv,
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
            _write_csv(frame, tmp)
    except OSError as exc:
        raise CartfactsError(errors.WRITE_FAILED.format(path=path, detail=exc)) from None
    return path


def _write_csv(frame: Any, path: Path) -> None:
    for_spreadsheet(frame).to_csv(path, index=False)


def _write_jsonl(frame: Any, path: Path) -> None:
    with path.open("w", encoding="utf-8") as handle:
        for record in as_records(frame):
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")


# SQLite column types of Arrow types (dates and timestamps as ISO text, which SQLite's
# date functions read)
def _sqlite_type(arrow_type: Any) -> str:
    import pyarrow as pa

    if pa.types.is_integer(arrow_type) or pa.types.is_boolean(arrow_type):
        return "INTEGER"
    if pa.types.is_floating(arrow_type):
        return "REAL"
    return "TEXT"


def _sqlite_value(value: Any) -> Any:
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def write_sqlite(out: Path, dest: Path, batch_rows: int = 5000) -> Path:
    """One SQLite file with every table of ``out`` (streamed part by part, never whole
    in memory), a ``distinct_<table>`` view per fact table (one row per distinct fact per
    article, with its mention count), the ``claims`` table (views.claims), and full-text
    search over the evidence: ``evidence`` (every fact's table, id, article, text and
    sentence) with the FTS5 index ``evidence_fts``, which datasette offers as a search
    box. Written to a temporary file and renamed."""
    import sqlite3

    import pyarrow.parquet as pq

    from .views import DISTINCT_KEYS, claims
    from .write.tables import FACT_TABLES, TABLES, committed_parts, schema

    dest.parent.mkdir(parents=True, exist_ok=True)
    try:
        with _replacing(dest) as tmp:
            tmp.unlink()  # sqlite3 creates it
            db = sqlite3.connect(tmp)
            try:
                for table in TABLES:
                    fields = list(schema(table))
                    names = [f.name for f in fields]
                    columns = ", ".join(f'"{f.name}" {_sqlite_type(f.type)}' for f in fields)
                    key = " PRIMARY KEY" if table == "articles" else ""
                    db.execute(f'CREATE TABLE "{table}" ({columns}{key and ""})')
                    insert = f'INSERT INTO "{table}" VALUES ({", ".join("?" for _ in names)})'
                    for part in committed_parts(out, table):
                        reader = pq.ParquetFile(part)
                        for batch in reader.iter_batches(batch_size=batch_rows):
                            present = batch.schema.names
                            rows = zip(
                                *(
                                    batch.column(n).to_pylist()
                                    if n in present
                                    else [None] * batch.num_rows
                                    for n in names
                                ),
                                strict=True,
                            )
                            db.executemany(
                                insert, ([_sqlite_value(v) for v in row] for row in rows)
                            )
                    if table in FACT_TABLES or table == "articles":
                        db.execute(f'CREATE INDEX "{table}_article" ON "{table}" (article_id)')
                for table, keys in DISTINCT_KEYS.items():
                    group = ", ".join(f'"{k}"' for k in ("article_id", *keys) if k != "spelling")
                    if table == "products":
                        group += ", CASE WHEN product IS NULL THEN lower(text) END"
                    # with one MIN() aggregate, SQLite takes the other columns from the row
                    # holding the minimum: the first mention's evidence
                    db.execute(
                        f'CREATE VIEW "distinct_{table}" AS SELECT *, MIN(start) AS first_start, '
                        f'COUNT(*) AS mentions FROM "{table}" GROUP BY {group}'
                    )
                db.execute(
                    'CREATE TABLE evidence ("table" TEXT, fact_id TEXT, article_id TEXT, '
                    "text TEXT, sentence TEXT, rule TEXT)"
                )
                for table in FACT_TABLES:
                    db.execute(
                        f"INSERT INTO evidence SELECT '{table}', fact_id, article_id, text, "
                        f'sentence, rule FROM "{table}"'
                    )
                db.execute(
                    "CREATE VIRTUAL TABLE evidence_fts USING FTS5(text, sentence, "
                    "content=[evidence])"
                )
                db.execute(
                    "INSERT INTO evidence_fts (rowid, text, sentence) "
                    "SELECT rowid, text, sentence FROM evidence"
                )
                db.commit()
                from .api import load

                found = claims(load(out))
                _frame_to_sqlite(db, "claims", found)
                db.commit()
            finally:
                db.close()
    except (OSError, sqlite3.Error) as exc:
        raise CartfactsError(errors.WRITE_FAILED.format(path=dest, detail=exc)) from None
    return dest


def _frame_to_sqlite(db: Any, name: str, frame: Any) -> None:
    records = as_records(frame)
    columns = list(frame.columns)
    db.execute(f'CREATE TABLE "{name}" ({", ".join(f"{chr(34)}{c}{chr(34)}" for c in columns)})')
    db.executemany(
        f'INSERT INTO "{name}" VALUES ({", ".join("?" for _ in columns)})',
        ([r[c] for c in columns] for r in records),
    )
