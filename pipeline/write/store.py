"""The output folder as a store: checking it can be written, preparing it under the
run's lock (starting afresh, removing what an interrupted run left), what it already
holds (``Stored``), and the inputs table of a run."""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import errors
from ..errors import CartfactsError
from ..read.ingest import Article
from .tables import (
    TABLES,
    Inspection,
    article_ids_by_part,
    inspect_parts,
    obsolete_parts,
    part_names,
    read_part,
    read_parts,
    remove_part,
    schema,
    table_dir,
    write_part,
)


def writable_output(out: Path) -> None:
    """Create ``out`` if needed and make sure files can be written in it."""
    if out.exists() and not out.is_dir():
        raise CartfactsError(errors.OUTPUT_NOT_DIR.format(path=out))
    try:
        out.mkdir(parents=True, exist_ok=True)
        # a probe of this process's own: runs started together check before the lock,
        # and one's probe removed by another made it fail
        fd, probe = tempfile.mkstemp(dir=out, prefix=".cartfacts-write-test-")
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        raise CartfactsError(errors.OUTPUT_NOT_WRITABLE.format(path=out, detail=exc)) from None


def prepare_output(out: Path, overwrite: bool) -> Inspection:
    """Under the folder's lock: check the table folders and every part in them
    (inspect_parts), refuse to go on when they hold files a run did not write, start
    afresh with ``overwrite``, remove what an interrupted run left, and set damaged
    batches aside for extraction again (``repair``). What was found."""
    for table in TABLES:
        folder = table_dir(out, table)
        if folder.exists() and not folder.is_dir():
            raise CartfactsError(errors.OUTPUT_NOT_OURS.format(path=folder))
    found = inspect_parts(out)
    if found.foreign:
        shown = ", ".join(str(p) for p in found.foreign[:5])
        more = len(found.foreign) - 5
        raise CartfactsError(
            errors.FOREIGN_FILES.format(
                out=out, files=shown + (f" and {more} more" if more > 0 else "")
            )
        )
    if overwrite:
        for table in TABLES:  # every file in them is ours (checked above)
            if table_dir(out, table).is_dir():
                shutil.rmtree(table_dir(out, table))
        return Inspection()
    remove_orphans(out)
    return found


def repair(out: Path, found: Inspection) -> set[str]:
    """Set aside the batches ``found`` damaged: a batch whose articles part cannot be
    read goes whole (its articles come back from the input); one with a damaged or
    missing fact part is kept as is for ``Stored.read``, which marks it stale so its
    articles are extracted again (from the input, else from their stored text) and its
    old parts then go. The part names of the latter."""
    stale = set()
    articles = table_dir(out, "articles")
    for name in sorted(found.batches()):
        if any(p.parent == articles and p.name == name for p, _ in found.damaged):
            remove_part(out, name.removeprefix("part-").removesuffix(".parquet"))
        else:
            stale.add(name)
    return stale


def remove_orphans(out: Path) -> None:
    """A crash between writing a batch's fact parts and its articles part leaves fact
    parts with no articles part; those articles will be processed again, so drop them.
    Temporary files of an interrupted write go too."""
    committed = part_names(out, "articles")
    for table in TABLES:
        folder = table_dir(out, table)
        if not folder.is_dir():
            continue
        for tmp in folder.glob(".tmp-*"):  # only the lock holder gets here
            tmp.unlink(missing_ok=True)
        if table in ("articles", "inputs"):
            continue
        for name in part_names(out, table) - committed:
            (folder / name).unlink(missing_ok=True)


@dataclass
class Stored:
    """What an output folder already holds: the articles extracted with this run's rules
    (``current``), and the parts whose facts came from other rules (``stale``: part ->
    its article ids)."""

    current: set[str] = field(default_factory=set)
    stale: dict[str, list[str]] = field(default_factory=dict)
    part_of: dict[str, str] = field(default_factory=dict)  # current article id -> its part
    parts: dict[str, list[str]] = field(default_factory=dict)  # current part -> its ids

    @classmethod
    def read(
        cls,
        out: Path,
        rules: str,
        reextract: bool,
        damaged: set[str] = frozenset(),  # type: ignore[assignment]
    ) -> Stored:
        """``damaged``: part names of batches whose facts must be extracted again."""
        stored = cls()
        for name in sorted(obsolete_parts(out)):
            # replaced whole by a later batch (a run stopped before it removed them)
            remove_part(out, name.removeprefix("part-").removesuffix(".parquet"))
        parts = list(read_parts(out, "articles", ["article_id", "rules"]))
        for name, part in parts:
            ids = part.column("article_id").to_pylist()
            key = name.removeprefix("part-").removesuffix(".parquet")
            same_rules = set(part.column("rules").to_pylist()) == {rules}
            if not reextract and same_rules and name not in damaged:
                stored.current.update(ids)
                stored.parts[key] = ids
                stored.part_of.update(dict.fromkeys(ids, key))
            else:
                stored.stale[name.removeprefix("part-").removesuffix(".parquet")] = ids
        # a stale part whose articles were all extracted again (a run that stopped
        # before it removed the part) goes now
        for part, ids in list(stored.stale.items()):
            if ids and stored.current.issuperset(ids):
                remove_part(out, part)
                del stored.stale[part]
        return stored

    def supersede(self, article_id: str) -> set[str]:
        """Drop a stored article (the error row of a file that could not be read, now
        read): its part becomes stale, so its other articles are extracted again (from
        the input, or their stored text) into new parts and the old part goes. The ids to
        extract again."""
        part = self.part_of.pop(article_id, None)
        if part is None or part in self.stale:
            return set()
        ids = self.parts.pop(part)
        self.stale[part] = ids
        self.current.difference_update(ids)
        return set(ids) - {article_id}

    def stale_ids(self) -> set[str]:
        return {a for ids in self.stale.values() for a in ids} - self.current

    def stored_articles(self, out: Path, ids: set[str]) -> Iterator[Article]:
        """Articles as stored in ``out``, to extract again from their text. Part by part,
        and only the parts that hold one of ``ids`` are read whole: memory stays that of
        one part however large the folder (reading the whole table, texts included, at
        the end of every run took 370 MB at 10,000 articles)."""
        if not ids:
            return
        for part, held in article_ids_by_part(out):
            if not ids.intersection(held):
                continue
            for row in read_part(part, schema("articles")).to_pylist():
                if row["article_id"] in ids:
                    ids.discard(row["article_id"])
                    yield Article.from_row(row)
            if not ids:
                return


def input_row(row: dict[str, Any], article: Article, again: bool) -> dict[str, Any]:
    """The inputs row of an article this run extracts (with a status timeouts and
    extraction errors can still change: see write_inputs)."""
    if again:
        return {**row, "status": "reextracted"}
    if article.status != "ok":
        return {**row, "status": article.status, "message": article.error}
    return {**row, "status": "new"}


def write_inputs(target: Path, inputs: list[dict[str, Any]], rules: str) -> None:
    """One part of the inputs table for this run, rows in source order; its name is a
    hash of its rows, so the same run over the same folder writes the same part. An
    article that failed while it was extracted (a timeout) is an error here too."""
    failed = {}
    for _name, part in read_parts(target, "articles", ["article_id", "status", "error"]):
        for aid, status, error in zip(
            part.column("article_id").to_pylist(),
            part.column("status").to_pylist(),
            part.column("error").to_pylist(),
            strict=True,
        ):
            if status != "ok":
                failed[aid] = (status, error)
    for row in inputs:
        if row["status"] == "new" and row.get("article_id") in failed:
            row["status"], row["message"] = failed[row["article_id"]]
    inputs.sort(key=lambda r: (r["source"], r["status"]))
    key = "\n".join(f"{r['source']}\0{r['status']}\0{r.get('article_id')}" for r in inputs)
    part = "inputs-" + hashlib.sha1(key.encode("utf-8", "surrogateescape")).hexdigest()[:16]
    write_part(target, "inputs", inputs, part, rules=rules)
