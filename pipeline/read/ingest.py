"""Read articles from files and folders: txt/md, html, jsonl, in any common encoding.

Nothing here raises for a bad article: it becomes an Article with status ``error`` or
``empty`` and a message, so one bad file never stops a run.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import stat
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import BinaryIO

from .. import errors
from ..bounds import ArticleTimeout, time_limit
from ..dates.parse import parse_published_value
from ..rules import Rules
from .clean import clean_text
from .decode import decode, decode_text
from .discover import HTML_SUFFIXES, JSONL_SUFFIXES, SUFFIXES, discover, display_name, file_kind
from .html import html_to_text
from .language import detect
from .published import find_published, find_title


@dataclass(frozen=True)
class Article:
    article_id: str
    source: str
    text: str
    status: str = "ok"
    error: str | None = None
    title: str | None = None
    published: date | None = None
    published_source: str | None = None
    url: str | None = None
    # "en" or "zh" (read.language.detect); the pipeline the article goes through
    language: str | None = None
    # what reading had to repair or work around (bytes not UTF-8, an HTML fallback)
    warnings: str | None = None
    # the id of the error row this article replaces (its file could not be read before);
    # not a column: its batch's articles part records it (write.tables.obsolete_parts)
    replaces: str | None = None

    def row(self) -> dict[str, object]:
        return {
            "article_id": self.article_id,
            "source": self.source,
            "title": self.title,
            "published": self.published,
            "text": self.text,
            "status": self.status,
            "error": self.error,
            "url": self.url,
            "published_source": self.published_source,
            "language": self.language,
            "warnings": self.warnings,
        }

    def failed(self, error: str) -> Article:
        """The same article as an error row (its text kept, so offsets still hold)."""
        return replace(self, status="error", error=error)

    @classmethod
    def from_row(cls, row: dict[str, object]) -> Article:
        """An article as stored in an articles table (to extract it again)."""
        fields = {f: row.get(f) for f in cls.__dataclass_fields__}
        article = cls(**fields)  # type: ignore[arg-type]
        if article.language is None and article.text:  # stored before languages were told
            article = replace(article, language=detect(article.text))
        return article


def article_id(data: bytes) -> str:
    """Stable id: the same input bytes always give the same id."""
    return hashlib.sha256(data).hexdigest()[:16]


# ---------------------------------------------------------------- articles


# the time one HTML page's parsing may take: a base, and more per million characters (a
# page of a few megabytes of links took minutes)
HTML_SECONDS_BASE = 10.0
HTML_SECONDS_PER_MILLION = 2.0


def html_seconds(chars: int) -> float:
    """The time bound of parsing an HTML page of ``chars`` characters (seconds)."""
    return HTML_SECONDS_BASE + HTML_SECONDS_PER_MILLION * chars / 1_000_000


def make_article(
    data: bytes,
    raw: str,
    source: str,
    *,
    html: bool = False,
    title: str | None = None,
    published: date | None = None,
    url: str | None = None,
    max_chars: int = 1_000_000,
    patterns: Rules | None = None,
    warning: str | None = None,
) -> Article:
    aid = article_id(data)
    published_source = "record" if published else None

    def too_long(n: int) -> Article:
        message = errors.TOO_LONG.format(n=n, limit=max_chars)
        return Article(aid, source, "", status="error", error=message, title=title, url=url)

    if len(raw) > max_chars * BYTES_PER_CHAR:
        # cleaning and HTML parsing take time in proportion to the raw text: too long a
        # raw text is refused before either runs
        return too_long(len(raw))
    if html:
        seconds = html_seconds(len(raw))
        try:
            with time_limit(seconds):
                raw, html_title, html_date, fallback = html_to_text(raw)
        except ArticleTimeout:
            message = errors.HTML_TIMED_OUT.format(seconds=seconds)
            return Article(aid, source, "", status="error", error=message, title=title, url=url)
        if fallback:
            warning = "; ".join(w for w in (warning, fallback) if w)
        title = title or html_title
        if published is None and html_date is not None:
            published, published_source = html_date, "html"
    text = clean_text(raw)
    if not text:
        message = errors.EMPTY_AFTER_CLEANING if html and raw else errors.EMPTY_TEXT
        return Article(aid, source, "", status="empty", error=message, title=title, url=url)
    if len(text) > max_chars:
        return too_long(len(text))
    if published is None:
        published = find_published(text, patterns)
        published_source = "text" if published else None
    if title is None:
        title = find_title(text, patterns)
    return Article(
        aid,
        source,
        text,
        title=title,
        published=published,
        published_source=published_source,
        url=url,
        language=detect(text),
        warnings=warning,
    )


# bytes of a file per character allowed in an article (UTF-16, markup around HTML text)
BYTES_PER_CHAR = 8
# bytes of a JSONL file: it holds many articles, each line checked on its own
JSONL_LIMIT = 4 * 1024**3


def read_file(
    path: Path,
    source: str,
    *,
    max_chars: int = 1_000_000,
    patterns: Rules | None = None,
    inside: Path | None = None,
) -> Iterator[Article]:
    """The articles of one file (one, or one per line for JSONL). Only a regular file is
    read, its size checked on the opened file before anything is read. ``inside`` (a
    resolved folder): the file opened must lie in it, checked on the opened file, so a
    folder swapped for a link out of the input after the walk is refused."""
    suffix = path.suffix.lower()
    limit = JSONL_LIMIT if suffix in JSONL_SUFFIXES else max_chars * BYTES_PER_CHAR
    try:
        # non-blocking: opening a FIFO swapped in after the walk must not hang
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        yield _failed(source, errors.UNREADABLE.format(detail=exc))
        return
    with os.fdopen(fd, "rb") as handle:
        try:
            st = os.fstat(fd)
            if not stat.S_ISREG(st.st_mode):
                yield _failed(source, errors.SPECIAL_FILE)
                return
            if inside is not None and not _opened_inside(path, st, inside):
                yield _failed(source, errors.OUTSIDE_LINK)
                return
            if st.st_size > limit:
                yield _failed(source, errors.TOO_LARGE.format(n=st.st_size, limit=limit))
                return
            if suffix in JSONL_SUFFIXES:
                yield from read_jsonl(handle, source, max_chars=max_chars, patterns=patterns)
                return
            data = handle.read(limit + 1)  # a file that grew since stat is cut, not read whole
        except OSError as exc:
            yield _failed(source, errors.UNREADABLE.format(detail=exc))
            return
    if not data.strip():
        yield Article(article_id(data), source, "", status="empty", error=errors.EMPTY_TEXT)
        return
    try:
        raw, warning = decode_text(data)
    except ValueError as exc:
        yield Article(article_id(data), source, "", status="error", error=str(exc))
        return
    yield make_article(
        data,
        raw,
        source,
        html=suffix in HTML_SUFFIXES,
        max_chars=max_chars,
        patterns=patterns,
        warning=warning,
    )


def _opened_inside(path: Path, opened: os.stat_result, folder: Path) -> bool:
    """Whether the file opened (``opened``: its fstat) is the file ``path`` resolves to
    now and lies in ``folder``. A link swapped in between the open and this check makes
    the two differ, so the answer is no rather than a file outside."""
    real = Path(os.path.realpath(path))
    try:
        now = real.stat()
    except OSError:
        return False
    same = (now.st_dev, now.st_ino) == (opened.st_dev, opened.st_ino)
    return same and real.is_relative_to(folder)


def unread_id(source: str) -> str:
    """The article id of an input that was not read: from its name, there being no bytes
    to hash (a later run that reads the file replaces that row)."""
    return article_id(f"unread\0{source}".encode("utf-8", "surrogateescape"))


def _failed(source: str, message: str) -> Article:
    """An error row for an input that was not read."""
    return Article(unread_id(source), source, "", status="error", error=message)


def read_jsonl(
    data: bytes | BinaryIO,
    source: str,
    *,
    max_chars: int = 1_000_000,
    patterns: Rules | None = None,
) -> Iterator[Article]:
    """One article per line of a JSONL file (bytes, or a file read line by line, so a
    large file is never held whole); a line longer than an article may be is an error."""
    line_limit = max_chars * BYTES_PER_CHAR
    for number, (line, size) in enumerate(_lines(data, line_limit), start=1):
        if not line.strip():
            continue
        if size > line_limit:
            yield Article(
                article_id(line[:4096] + str(number).encode()),
                f"{source}#{number}",
                "",
                status="error",
                error=errors.TOO_LARGE.format(n=size, limit=line_limit),
            )
            continue
        key = f"{source}#{number}"
        try:
            record = json.loads(decode(line))  # (a line's stray bytes are repaired too)
        except RecursionError:
            yield Article(
                article_id(line),
                key,
                "",
                status="error",
                error=errors.JSONL_TOO_DEEP.format(line=number),
            )
            continue
        except (ValueError, json.JSONDecodeError) as exc:
            yield Article(
                article_id(line),
                key,
                "",
                status="error",
                error=errors.JSONL_BAD_LINE.format(line=number, detail=exc),
            )
            continue
        if not isinstance(record, dict):
            yield Article(article_id(line), key, "", status="error", error=errors.JSONL_NOT_OBJECT)
            continue
        unpaired = next(
            (f for f in ("id", "text", "title", "url", "published") if _unpaired(record.get(f))),
            None,
        )
        if unpaired is not None:
            # a \ud800 escape: JSON allows it, no encoding can write it
            yield Article(
                article_id(line),
                f"{source}#{number}",
                "",
                status="error",
                error=errors.JSONL_SURROGATE.format(line=number, field=unpaired),
            )
            continue
        if record.get("id") is not None:
            key = f"{source}#{record['id']}"
        text = record.get("text")
        title = record.get("title") if isinstance(record.get("title"), str) else None
        url = record.get("url") if isinstance(record.get("url"), str) else None
        if not isinstance(text, str):
            yield Article(
                article_id(line), key, "", status="error", error=errors.JSONL_NO_TEXT, title=title
            )
            continue
        published = None
        warning = None
        if record.get("published") not in (None, ""):
            published = parse_published_value(record["published"], patterns)
            if published is None:
                warning = errors.BAD_PUBLISHED.format(line=number, value=record["published"])
        yield make_article(
            line,
            text,
            key,
            title=title,
            published=published,
            url=url,
            max_chars=max_chars,
            patterns=patterns,
            html=bool(re.match(r"\s*<(!doctype|html)", text, re.IGNORECASE)),
            warning=warning,
        )


# nesting no article needs; Python's JSON parser recurses once per level
JSONL_DEPTH = 100
_JSON_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"')
_NOT_BRACKET = re.compile(rb"[^\[\]{}]+")


def _too_deep(line: bytes) -> bool:
    """Whether a JSON line nests deeper than JSONL_DEPTH (brackets outside strings).

    >>> _too_deep(b'{"a": [[1]], "b": "[[[["}'), _too_deep(b"[" * 500 + b"]" * 500)
    (False, True)
    """
    if line.count(b"[") + line.count(b"{") <= JSONL_DEPTH:
        return False
    depth = 0
    for bracket in _NOT_BRACKET.sub(b"", _JSON_STRING.sub(b"", line)):
        depth += 1 if bracket in b"[{" else -1
        if depth > JSONL_DEPTH:
            return True
    return False


# a UTF-16 surrogate on its own (from a JSON escape such as \ud800)
_SURROGATE = re.compile("[\ud800-\udfff]")


def _unpaired(value: object) -> bool:
    return isinstance(value, str) and _SURROGATE.search(value) is not None


def _lines(data: bytes | BinaryIO, limit: int) -> Iterator[tuple[bytes, int]]:
    """(line, its length in bytes) for each line of ``data``. From a file, a line is read
    at most ``limit`` + 1 bytes at a time, so a longer one is never held whole: its first
    bytes come with its whole length, and the rest is skipped."""
    if isinstance(data, bytes):
        for line in data.split(b"\n"):
            yield line, len(line)
        return
    while True:
        line = data.readline(limit + 1)
        if not line:
            return
        size = len(line)
        if size > limit and not line.endswith(b"\n"):
            while True:  # skip the rest of the line
                more = data.readline(limit + 1)
                size += len(more)
                if not more or more.endswith(b"\n"):
                    break
            line = line[:4096]
        yield line, size


def count_articles(
    root: Path, *, follow_symlinks: bool = False, exclude: Path | None = None
) -> int:
    """How many articles ``read_articles`` will yield, about (a file each, a line each of
    JSONL, an error row each for what is passed over): the total of a progress bar. Reads
    only JSONL files, line by line."""
    skipped: list[tuple[str, str]] = []
    total = 0
    for path, _source in discover(
        root, follow_symlinks=follow_symlinks, skipped=skipped, exclude=exclude
    ):
        if path.suffix.lower() in JSONL_SUFFIXES:
            try:
                with path.open("rb") as handle:
                    total += sum(1 for line in handle if line.strip())
            except OSError:
                total += 1
        else:
            total += 1
    return total + len(skipped)


def read_articles(
    root: Path,
    *,
    max_chars: int = 1_000_000,
    patterns: Rules | None = None,
    follow_symlinks: bool = False,
    passed: list[tuple[str, str, str]] | None = None,
    exclude: Path | None = None,
) -> Iterator[Article]:
    """Every article under ``root``, with publication lines read by ``patterns``; an
    input passed over (a special file, a link out of the folder, an unreadable folder)
    is an error row too, so every path seen is accounted for, and files that are no
    articles go to ``passed`` (see discover), as does a file named explicitly whose
    type is not read (".pdf"), as it would in a folder."""
    skipped: list[tuple[str, str]] = []
    if root.suffix.lower() not in SUFFIXES and root.is_file():
        # as the same file in a folder: passed over, not an article that failed
        if passed is not None:
            passed.append(
                (
                    display_name(root.name),
                    "unsupported",
                    errors.UNSUPPORTED.format(kind=file_kind(root)),
                )
            )
        return
    found = discover(
        root, follow_symlinks=follow_symlinks, skipped=skipped, passed=passed, exclude=exclude
    )
    # what is read must lie in the input folder (unless links may lead out of it)
    inside = root.resolve() if root.is_dir() and not follow_symlinks else None
    for path, source in found:
        while skipped:
            yield _failed(*skipped.pop(0))
        yield from read_file(path, source, max_chars=max_chars, patterns=patterns, inside=inside)
    for source, message in skipped:
        yield _failed(source, message)
