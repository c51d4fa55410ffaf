"""The one place that defines the output tables: columns, pyarrow schemas, writing.

Each table is a Parquet dataset folder ``OUT/<table>.parquet/`` of part files, so that
incremental and distributed runs add parts instead of rewriting. pandas, DuckDB and
polars read the folder as one table. Every part is written to a temporary name and
renamed, so a crash never leaves a half-written part.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
from array import array
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from itertools import accumulate
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from .. import errors
from ..errors import CartfactsError
from ..version import __version__

SCHEMA_VERSION = "1"


@dataclass(frozen=True)
class Column:
    name: str
    type: pa.DataType
    nullable: bool
    description: str

    def field(self) -> pa.Field:
        return pa.field(
            self.name, self.type, nullable=self.nullable, metadata={"description": self.description}
        )


def _c(name: str, type_: pa.DataType, nullable: bool, description: str) -> Column:
    return Column(name, type_, nullable, description)


STR, F64, I32, BOOL, DATE = pa.string(), pa.float64(), pa.int32(), pa.bool_(), pa.date32()

FACT_COLUMNS: tuple[Column, ...] = (
    _c("article_id", STR, False, "id of the article; joins to articles"),
    _c("fact_id", STR, False, "stable id of this row: article, table, offsets and rule"),
    _c("start", I32, False, "character offset of the evidence span in articles.text"),
    _c("end", I32, False, "end offset (exclusive) of the evidence span"),
    _c("text", STR, False, "the evidence span as it stands in the article"),
    _c("sentence", STR, False, "the sentence holding the span"),
    _c("rule", STR, False, "id of the pattern or rule that produced the row"),
)

# how a price's or a rate's product was found (nlp.link.link_product)
_PRODUCT_SOURCE = _c(
    "product_source",
    STR,
    True,
    "where product came from: sentence, respectively, together, article (its one product)"
    " or previous (a sentence referring back to the product named before it)",
)


TABLES: dict[str, tuple[Column, ...]] = {
    "articles": (
        _c("article_id", STR, False, "stable: the same input bytes always give the same id"),
        _c("source", STR, False, "input path relative to INPUT, or FILE.jsonl#ID for records"),
        _c("title", STR, True, "title, when the input gives one"),
        _c("published", DATE, True, "publication date when the article states one"),
        _c("text", STR, False, "the cleaned text that every offset refers to"),
        _c("status", STR, False, "ok, empty or error"),
        _c("error", STR, True, "why, when status is not ok"),
        _c("url", STR, True, "url of a JSONL record, when given"),
        _c("published_source", STR, True, "where published came from: record, text or html"),
        _c("rules", STR, True, "digest of the rules (patterns folder) the facts came from"),
        _c("language", STR, True, "en or zh: the language of the text, whose pipeline ran"),
        _c(
            "warnings",
            STR,
            True,
            "what reading repaired or worked around: bytes not UTF-8, an HTML fallback",
        ),
    ),
    "products": FACT_COLUMNS
    + (
        _c("product", STR, True, "lower-case INN; null when the mention could not be resolved"),
        _c(
            "product_id",
            STR,
            True,
            "id of the knowledge-base entry (also for products with no INN)",
        ),
        _c("brand", STR, True, "brand name of the product"),
        _c("company", STR, True, "canonical name of the company behind the product"),
        _c(
            "method",
            STR,
            False,
            "how the name was resolved: alias, chinese, phonetic, ... (README)",
        ),
        _c("score", F64, False, "confidence of the resolution, 0..1"),
        _c("candidate", STR, True, "best candidate INN even when below the threshold"),
    ),
    "prices": FACT_COLUMNS
    + (
        _c("amount", F64, False, "amount in units of currency"),
        _c("amount_high", F64, True, "upper end of a range"),
        _c("currency", STR, False, "ISO 4217 code"),
        _c("per", STR, True, "what the price is for: dose, injection, bag, treatment, ..."),
        _c("qualifier", STR, True, "about, under, over, up to, from, ..."),
        _c("product", STR, True, "INN of the product the amount is stated for"),
        _c("amount_usd", F64, True, "amount in US dollars at the article's year"),
        _c("amount_high_usd", F64, True, "amount_high in US dollars at the article's year"),
        _c(
            "usd_rate_status",
            STR,
            True,
            "the rate behind amount_usd: published (G.5A), unchecked or provisional",
        ),
        _c("kind", STR, False, "price, revenue, investment, market, reimbursement or other"),
        _PRODUCT_SOURCE,
    ),
    "response_rates": FACT_COLUMNS
    + (
        _c("percent", F64, False, "82.4 for 82.4%"),
        _c("percent_high", F64, True, "upper end of a range"),
        _c("metric", STR, False, "canonical efficacy metric"),
        _c("timepoint", STR, True, "4-year, 12-month, ..."),
        _c("indication", STR, True, "disease the rate is about, lower case"),
        _c("product", STR, True, "INN, when the text ties the rate to a product"),
        _c("qualifier", STR, True, "more than, nearly, up to, ..."),
        _PRODUCT_SOURCE,
    ),
    "dates": FACT_COLUMNS
    + (
        _c("value", STR, False, "TIMEX3-style value; unknown parts are X"),
        _c("granularity", STR, False, "day, month or year"),
        _c("relative", BOOL, False, "resolved against the publication date"),
    ),
    "hospitals": FACT_COLUMNS
    + (
        _c("hospital", STR, False, "canonical English name"),
        _c("city", STR, True, "city of the hospital"),
        _c("gazetteer_id", STR, True, "id of the gazetteer entry, when the hospital is known"),
        _c("hospital_zh", STR, True, "Chinese name (simplified) of a hospital named in Chinese"),
    ),
    "companies": FACT_COLUMNS
    + (
        _c("company", STR, False, "canonical English name of the drug company"),
        _c("method", STR, False, "how the name was resolved"),
        _c("score", F64, False, "confidence of the resolution, 0..1"),
    ),
    # product names that were scored and fell below the floor of a products row: the
    # analyst's curation list (cartfacts names) reads them with the unresolved rows
    "name_candidates": FACT_COLUMNS
    + (
        _c("candidate", STR, False, "the nearest product (its INN, or its label)"),
        _c("candidate_id", STR, False, "id of the nearest product's knowledge-base entry"),
        _c("score", F64, False, "likeness to the nearest product, 0..1"),
        _c("floor", F64, False, "the score a products row needed (scoring in patterns)"),
    ),
    # every path a run saw, and what became of it: "nothing lost" is a query
    "inputs": (
        _c("source", STR, False, "input path relative to INPUT (escaped), or FILE.jsonl#ID"),
        _c("article_id", STR, True, "the article it gave, if any (joins to articles)"),
        _c(
            "status",
            STR,
            False,
            "new, error, empty (extracted by this run), already (in --out with these rules), "
            "reextracted, duplicate (the same bytes as another input), unsupported, output "
            "(a file inside --out)",
        ),
        _c("message", STR, True, "why, for anything but new and already"),
        _c("duplicate_of", STR, True, "the source whose bytes it repeats"),
    ),
}

# tables of facts: one row per fact, with the shared provenance columns
FACT_TABLES: tuple[str, ...] = tuple(name for name in TABLES if name not in ("articles", "inputs"))


# metadata key of an articles part: the ids of the error rows its batch replaces
SUPERSEDES = "supersedes"


def schema(table: str, rules: str = "", extra: Mapping[str, str] | None = None) -> pa.Schema:
    """The table's pyarrow schema; ``rules`` (the digest of the rules that made a part's
    facts) and ``extra`` go into its key-value metadata."""
    metadata = {"schema_version": SCHEMA_VERSION, "pipeline_version": __version__, "table": table}
    if rules:
        metadata["rules"] = rules
    metadata.update(extra or {})
    return pa.schema([c.field() for c in TABLES[table]]).with_metadata(metadata)


def fact_id(article_id: str, table: str, start: int, end: int, rule: str, extra: str = "") -> str:
    key = f"{article_id}\x1f{table}\x1f{start}\x1f{end}\x1f{rule}\x1f{extra}"
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]


def to_arrow(
    table: str,
    rows: Sequence[Mapping[str, Any]],
    rules: str = "",
    metadata: Mapping[str, str] | None = None,
) -> pa.Table:
    """Rows (dicts) to an Arrow table with the table's exact schema; extra keys are an error."""
    names = [c.name for c in TABLES[table]]
    for row in rows:
        unknown = set(row) - set(names)
        if unknown:
            raise ValueError(f"{table}: unknown columns {sorted(unknown)}")
    full = schema(table, rules, metadata)
    columns = [arrow_column([row.get(f.name) for row in rows], f.type, f.name) for f in full]
    return pa.Table.from_arrays(columns, schema=full)


_EPOCH = date(1970, 1, 1)
# the Python array codes of the fixed-width column types (date32: days since 1970)
_FIXED = {pa.int32(): "i", pa.float64(): "d", pa.date32(): "i"}


def arrow_column(values: Sequence[Any], type: pa.DataType, name: str = "") -> pa.Array:
    """One column of ``type`` (string, int32, double, bool, date32; None is null), the
    same array ``pa.array(values, type)`` gives, built from its buffers: ``pa.array``
    imports pandas (60 MB and 0.3 s a process) to ask whether the values are a pandas
    object, and writing tables needs nothing of pandas. A value of the wrong type is a
    TypeError naming the column, as with ``pa.array``."""
    n = len(values)
    valid = [v is not None for v in values]
    nulls = n - sum(valid)
    bitmap = pa.py_buffer(_bits(valid)) if nulls else None
    try:
        if type == pa.string():
            data = [b"" if v is None else v.encode("utf-8") for v in values]
            offsets = array("i", accumulate(map(len, data), initial=0))
            buffers = [bitmap, pa.py_buffer(offsets), pa.py_buffer(b"".join(data))]
        elif type == pa.bool_():
            buffers = [bitmap, pa.py_buffer(_bits([v is True for v in values]))]
            if any(v is not None and not isinstance(v, bool) for v in values):
                raise TypeError("expected bool")
        elif type == pa.date32():
            days = array("i", [0 if v is None else (v - _EPOCH).days for v in values])
            buffers = [bitmap, pa.py_buffer(days)]
        elif type in _FIXED:
            fixed = array(_FIXED[type], [0 if v is None else v for v in values])
            buffers = [bitmap, pa.py_buffer(fixed)]
        else:
            return pa.array(values, type=type)
    except (AttributeError, TypeError, OverflowError) as exc:
        raise TypeError(f"column {name}: {type} expected ({exc})") from None
    return pa.Array.from_buffers(type, n, buffers, null_count=nulls)


def _bits(flags: Sequence[bool]) -> bytes:
    """Flags packed into Arrow's bitmap: eight a byte, the first in the lowest bit."""
    out = bytearray((len(flags) + 7) // 8)
    for i, flag in enumerate(flags):
        if flag:
            out[i >> 3] |= 1 << (i & 7)
    return bytes(out)


def table_dir(out: Path, table: str) -> Path:
    return out / f"{table}.parquet"


def write_part(
    out: Path, table: str, rows: Sequence[Mapping[str, Any]], part: str, *, rules: str = ""
) -> Path:
    """Write one part file atomically: a temporary file in the same folder, then rename."""
    staged = stage_part(out, table, rows, part, rules=rules)
    commit_parts([staged])
    return staged[1]


def stage_part(
    out: Path,
    table: str,
    rows: Sequence[Mapping[str, Any]],
    part: str,
    *,
    rules: str = "",
    metadata: Mapping[str, str] | None = None,
) -> tuple[Path, Path]:
    """Write a part's rows to a hidden temporary file beside its place: (temporary, final).
    Nothing reads it until commit_parts renames it."""
    folder = table_dir(out, table)
    target = folder / part_file(part)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        arrow = to_arrow(table, rows, rules, metadata)
        # hidden and not *.parquet, so no Parquet reader or glob sees a file being written
        fd, name = tempfile.mkstemp(prefix=".tmp-", suffix=".part", dir=folder)
        os.close(fd)
    except OSError as exc:
        raise CartfactsError(errors.WRITE_FAILED.format(path=target, detail=exc)) from None
    tmp = Path(name)
    try:
        pq.write_table(arrow, tmp, compression="zstd")
        os.chmod(tmp, FILE_MODE)  # as any file the user creates (mkstemp makes it 0600)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise CartfactsError(errors.WRITE_FAILED.format(path=target, detail=exc)) from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return tmp, target


def commit_parts(staged: Sequence[tuple[Path, Path]]) -> None:
    """Rename staged parts into place, in order (a batch's fact parts, then its articles
    part, the commit): after writing every file first, the renames are all that stand
    between a batch being invisible and whole."""
    try:
        for tmp, target in staged:
            os.replace(tmp, target)
    except OSError as exc:
        for tmp, _ in staged:
            tmp.unlink(missing_ok=True)
        raise CartfactsError(
            errors.WRITE_FAILED.format(path=staged[0][1].parent, detail=exc)
        ) from None


def _file_mode() -> int:
    """0666 less the process's umask (read once: setting it is the only way to read it)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return 0o666 & ~mask


FILE_MODE = _file_mode()


def part_file(part: str) -> str:
    return f"part-{part}.parquet"


def remove_part(out: Path, part: str) -> None:
    """Remove one batch: its fact parts first, its articles part (the commit) last."""
    for table in (*FACT_TABLES, "articles"):
        (table_dir(out, table) / part_file(part)).unlink(missing_ok=True)


def read_parts(out: Path, table: str, columns: list[str]) -> Iterator[tuple[str, pa.Table]]:
    """(part file name, the part's columns) for every part of a table, in name order; a
    column an older part lacks comes back as nulls."""
    folder = table_dir(out, table)
    if not folder.is_dir():
        return
    wanted = schema(table)
    for file in sorted(folder.glob("part-*.parquet")):
        # only the columns asked for are read (the articles table holds every text)
        data = _read_part(file, lambda names: [c for c in columns if c in names])
        present = data.column_names
        for c in columns:
            if c not in present:
                data = data.append_column(
                    wanted.field(c), pa.nulls(len(data), wanted.field(c).type)
                )
        yield file.name, data.select(columns)


def part_names(out: Path, table: str) -> set[str]:
    folder = table_dir(out, table)
    if not folder.is_dir():
        return set()
    return {p.name for p in folder.glob("part-*.parquet")}


def committed_parts(out: Path, table: str) -> list[Path]:
    """The part files of a table a reader may see, in name order: for a fact table only
    those of committed batches (with an articles part), so a reader never sees the facts
    of a batch a crash cut short; never those of an obsolete batch (obsolete_parts)."""
    folder = table_dir(out, table)
    files = sorted(folder.glob("part-*.parquet")) if folder.is_dir() else []
    if table in FACT_TABLES:
        committed = part_names(out, "articles")
        files = [f for f in files if f.name in committed]
    if table in FACT_TABLES or table == "articles":
        obsolete = obsolete_parts(out)
        files = [f for f in files if f.name not in obsolete]
    return files


def obsolete_parts(out: Path) -> set[str]:
    """Batches (part file names) that a later committed batch replaced whole: a batch
    holding the error row of a file that has been read since (its id in a later articles
    part's SUPERSEDES metadata) whose other articles all stand in other parts. The run
    that read the file removes such a batch at its end; a run killed before that leaves
    it, and readers skip it, so the replacement is atomic with the new batch's commit.
    Reads footers, and article ids only where some part replaced an error row;
    remembered per listing of the folder."""
    folder = table_dir(out, "articles")
    if not folder.is_dir():
        return set()
    listing = tuple(
        sorted(
            (e.name, e.stat().st_mtime_ns, e.stat().st_size)
            for e in os.scandir(folder)
            if e.name.startswith("part-") and e.name.endswith(".parquet")
        )
    )
    key = (str(folder), listing)
    if key not in _OBSOLETE:
        if len(_OBSOLETE) > 16:
            _OBSOLETE.clear()
        _OBSOLETE[key] = _find_obsolete(folder, [name for name, _, _ in listing])
    return set(_OBSOLETE[key])


_OBSOLETE: dict[tuple[str, tuple[tuple[str, int, int], ...]], frozenset[str]] = {}


def _find_obsolete(folder: Path, names: list[str]) -> frozenset[str]:
    superseded: set[str] = set()
    for name in names:
        try:
            metadata = pq.read_schema(folder / name).metadata or {}
        except (OSError, pa.ArrowException):
            continue  # a damaged part: inspect_parts reports it
        if SUPERSEDES.encode() in metadata:
            superseded.update(json.loads(metadata[SUPERSEDES.encode()]))
    if not superseded:
        return frozenset()
    ids: dict[str, set[str]] = {}
    for name in names:
        try:
            column = pq.read_table(folder / name, columns=["article_id"]).column(0)
        except (OSError, pa.ArrowException):
            continue
        ids[name] = set(column.to_pylist())
    obsolete = set()
    for name, held in ids.items():
        if not held & superseded:
            continue
        elsewhere = set().union(*(other for n, other in ids.items() if n != name))
        if held <= elsewhere | superseded:
            obsolete.add(name)
    return frozenset(obsolete)


def read_table(out: Path, table: str, columns: Sequence[str] | None = None) -> pa.Table:
    """A whole table, from its committed parts (committed_parts); ``columns``: only
    those (the rest is never read)."""
    whole = schema(table)
    wanted = whole if columns is None else columns_schema(table, columns)
    files = committed_parts(out, table)
    if not files:
        return wanted.empty_table()
    parts = [read_part(f, wanted) for f in files]
    return pa.concat_tables(parts).replace_schema_metadata(whole.metadata)


def table_rows(out: Path, table: str) -> int:
    """How many rows a table's committed parts hold (from their footers: no row is read)."""
    return sum(pq.ParquetFile(f).metadata.num_rows for f in committed_parts(out, table))


def columns_schema(table: str, columns: Sequence[str]) -> pa.Schema:
    """The table's schema narrowed to ``columns``, in their order."""
    whole = schema(table)
    return pa.schema([whole.field(c) for c in columns])


def article_ids_by_part(out: Path) -> Iterator[tuple[Path, list[str]]]:
    """Each committed articles part, in name order, with its article ids (only that
    column is read: memory stays that of one id column however large the folder)."""
    ids_only = columns_schema("articles", ["article_id"])
    for file in committed_parts(out, "articles"):
        yield file, read_part(file, ids_only).column(0).to_pylist()


def part_texts(part: Path) -> dict[str, str]:
    """The article texts of one articles part, by article id."""
    data = read_part(part, columns_schema("articles", ["article_id", "text"]))
    return dict(
        zip(data.column("article_id").to_pylist(), data.column("text").to_pylist(), strict=True)
    )


def read_part(file: Path, as_schema: pa.Schema) -> pa.Table:
    """One part file as ``as_schema``: its columns, those an older part lacks as nulls."""
    return _read_part(file, lambda names: as_schema.names, as_schema)


def _read_part(
    file: Path,
    pick: Callable[[list[str]], list[str]] | None,
    as_schema: pa.Schema | None = None,
) -> pa.Table:
    """One part file, the columns ``pick`` chooses from those it holds (all: None); a
    part that cannot be read is an error naming it (``cartfacts verify`` says more)."""
    # (pq.read_table goes through pyarrow.dataset, which imports pandas: 60 MB and 0.3 s
    # for a run that needs nothing of it)
    try:
        with pq.ParquetFile(file) as part:
            held = part.schema_arrow.names
            columns = pick(held) if pick is not None else None
            table = part.read(
                columns=None if columns is None else [c for c in columns if c in held]
            )
        return table if as_schema is None else _conform(table, as_schema)
    except (OSError, pa.ArrowException) as exc:
        raise CartfactsError(errors.PART_UNREADABLE.format(path=file, detail=exc)) from None


def _conform(table: pa.Table, as_schema: pa.Schema) -> pa.Table:
    """``table`` with the columns of ``as_schema``, in its order and types; a column it
    lacks (a part written before the column was added) is all nulls."""
    held = set(table.column_names)
    columns = [
        table.column(f.name).cast(f.type) if f.name in held else pa.nulls(len(table), f.type)
        for f in as_schema
    ]
    return pa.Table.from_arrays(columns, schema=as_schema)


# the names of the part files a run writes: a batch's (a hash of its article ids), a
# run's inputs part, and the empty part that gives a table with no rows its schema
PART_NAME = re.compile(r"part-(?:(?:inputs-)?[0-9a-f]{16}|empty)\.parquet")


@dataclass
class Inspection:
    """What ``inspect_parts`` found in an output folder besides sound parts of ours."""

    # files and folders in the table folders that a run did not write (never touched)
    foreign: list[Path] = field(default_factory=list)
    # parts of ours that cannot be read (truncated, empty), with why
    damaged: list[tuple[Path, str]] = field(default_factory=list)
    # (table, part file) of a committed batch with no part in that fact table
    missing: list[tuple[str, str]] = field(default_factory=list)

    def batches(self) -> set[str]:
        """The batches (part file names) whose facts are damaged or missing."""
        return {p.name for p, _ in self.damaged} | {name for _, name in self.missing}

    def lines(self) -> list[str]:
        """What was found, a line each."""
        return (
            [f"not written by cartfacts: {p}" for p in self.foreign]
            + [f"damaged: {p} ({why})" for p, why in self.damaged]
            + [f"missing: {table}.parquet/{name}" for table, name in self.missing]
        )


def inspect_parts(out: Path) -> Inspection:
    """Check every file of the table folders of ``out``: a part of ours has a part name
    and, in its footer, the metadata this module writes for its table; a file that has
    neither is foreign; one whose footer cannot be read is damaged. A committed batch
    (one with an articles part) must have a part in every fact table. Reads footers
    only."""
    found = Inspection()
    for table in TABLES:
        folder = table_dir(out, table)
        if not folder.is_dir():
            continue
        for entry in sorted(os.scandir(folder), key=lambda e: e.name):
            path = Path(entry.path)
            if entry.name.startswith(".tmp-") and entry.is_file(follow_symlinks=False):
                continue  # a write an interrupted run left; the next run removes it
            if not PART_NAME.fullmatch(entry.name) or not entry.is_file(follow_symlinks=False):
                found.foreign.append(path)
                continue
            try:
                metadata = pq.read_schema(path).metadata or {}
            except (OSError, pa.ArrowException) as exc:
                found.damaged.append((path, str(exc).splitlines()[0][:200]))
                continue
            if metadata.get(b"table") != table.encode():
                found.foreign.append(path)  # our name, not our footer: someone else's
    committed = part_names(out, "articles")
    for table in FACT_TABLES:
        have = part_names(out, table)
        found.missing.extend((table, name) for name in sorted(committed - have))
    return found
