"""Finding articles: the files under an input folder (regular files of the types read,
links and special files accounted for) and the names they are shown by."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

from .. import errors

TEXT_SUFFIXES = {".txt", ".md", ".text"}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | JSONL_SUFFIXES


def discover(
    root: Path,
    *,
    follow_symlinks: bool = False,
    skipped: list[tuple[str, str]] | None = None,
    passed: list[tuple[str, str, str]] | None = None,
    exclude: Path | None = None,
) -> Iterator[tuple[Path, str]]:
    """(path, source) for every article file under root, in name order.

    Only regular files are read: FIFOs, devices and sockets are skipped (opening one can
    block forever), and so is a symlink that leads out of the input folder (to /etc or
    /proc) unless ``follow_symlinks``. The walk is iterative (any depth) and never enters
    a folder twice (symlink loops). What is passed over, and why, is appended to
    ``skipped`` as (source, reason). Files that are no articles, of a type not read
    (.pdf, .docx) or inside ``exclude`` (the run's own --out: its tables and report are no
    input), go to ``passed`` as (source, status, message). A source is the path below
    root, with any bytes that are not UTF-8 and any control characters escaped
    (``display_name``)."""
    if skipped is None:
        skipped = []
    if passed is None:
        passed = []
    excluded = exclude.resolve() if exclude is not None else None
    try:
        st = root.stat()
    except OSError as exc:
        skipped.append((display_name(root.name), errors.UNREADABLE.format(detail=exc)))
        return
    if not stat.S_ISDIR(st.st_mode):
        if stat.S_ISREG(st.st_mode):
            yield root, display_name(root.name)
        else:
            skipped.append((display_name(root.name), errors.SPECIAL_FILE))
        return
    top = root.resolve()
    seen: set[tuple[int, int]] = set()
    stack: list[Path] = [root]
    while stack:
        folder = stack.pop()
        try:
            fst = folder.stat()
        except OSError as exc:
            skipped.append((_source(folder, root), errors.UNREADABLE.format(detail=exc)))
            continue
        key = (fst.st_dev, fst.st_ino)
        if key in seen:
            continue
        seen.add(key)
        if excluded is not None and folder.resolve() == excluded:
            passed.append((_source(folder, root), "output", errors.OUTPUT_FOLDER))
            continue
        try:
            entries = sorted(os.scandir(folder), key=lambda e: os.fsencode(e.name))
        except OSError as exc:
            skipped.append((_source(folder, root), errors.UNREADABLE_FOLDER.format(detail=exc)))
            continue
        subfolders = []
        for entry in entries:
            path = Path(entry.path)
            try:
                if entry.is_symlink() and not follow_symlinks:
                    target = path.resolve()
                    if target != top and top not in target.parents:
                        skipped.append((_source(path, root), errors.OUTSIDE_LINK))
                        continue
                est = path.stat()
            except (OSError, RuntimeError) as exc:
                skipped.append((_source(path, root), errors.UNREADABLE.format(detail=exc)))
                continue
            if stat.S_ISDIR(est.st_mode):
                subfolders.append(path)
            elif path.suffix.lower() not in SUFFIXES:
                passed.append(
                    (
                        _source(path, root),
                        "unsupported",
                        errors.UNSUPPORTED.format(kind=file_kind(path)),
                    )
                )
            elif stat.S_ISREG(est.st_mode):
                yield path, _source(path, root)
            else:
                skipped.append((_source(path, root), errors.SPECIAL_FILE))
        stack.extend(reversed(subfolders))  # name order, depth first


def file_kind(path: Path) -> str:
    """A file's type as the summary counts it: its suffix, or "no suffix"."""
    return path.suffix.lower() or "no suffix"


def _source(path: Path, root: Path) -> str:
    return display_name(path.relative_to(root).as_posix())


def display_name(name: str) -> str:
    r"""A file name as text that any table and terminal takes: bytes that are not UTF-8
    (held by Python as lone surrogates) as \xNN, control characters (a newline in a
    name) as \n or \xNN.

    >>> display_name("a\udcffb.txt"), display_name("two\nlines.txt"), display_name("新闻.txt")
    ('a\\xffb.txt', 'two\\nlines.txt', '新闻.txt')
    """
    if name.isprintable():
        return name
    out = []
    for ch in name:
        code = ord(ch)
        if 0xDC80 <= code <= 0xDCFF:
            out.append(f"\\x{code - 0xDC00:02x}")
        elif ch.isprintable() or ch == " ":
            out.append(ch)
        else:
            out.append(ch.encode("unicode_escape").decode("ascii"))
    return "".join(out)
