"""Read articles from files and folders: txt/md, html, jsonl, in any common encoding.

Nothing here raises for a bad article: it becomes an Article with status ``error`` or
``empty`` and a message, so one bad file never stops a run.
"""

from __future__ import annotations

import codecs
import hashlib
import json
import logging
import os
import re
import stat
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date
from functools import lru_cache
from html.parser import HTMLParser
from pathlib import Path
from typing import BinaryIO

from .. import errors
from ..dates.parse import load_dates, parse_published_line, parse_published_value
from ..rules import Rules, expect, open_json, string_list
from .clean import clean_text
from .language import detect

TEXT_SUFFIXES = {".txt", ".md", ".text"}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | JSONL_SUFFIXES

COMMON_ENCODINGS = ["utf_8", "gb18030", "cp1252"]

# Where a publication date is looked for in a text: its first characters.
PUBLISHED_WINDOW = 3000


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


# ---------------------------------------------------------------- discovery


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
                        errors.UNSUPPORTED.format(kind=_kind(path)),
                    )
                )
            elif stat.S_ISREG(est.st_mode):
                yield path, _source(path, root)
            else:
                skipped.append((_source(path, root), errors.SPECIAL_FILE))
        stack.extend(reversed(subfolders))  # name order, depth first


def _kind(path: Path) -> str:
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


# ---------------------------------------------------------------- decoding


def decode(data: bytes) -> str:
    """Bytes to text (``decode_text`` without its warning)."""
    return decode_text(data)[0]


def decode_text(data: bytes) -> tuple[str, str | None]:
    """Bytes to text and what had to be repaired: BOMs first, then UTF-8; UTF-8 with a
    few stray bytes of another codec (one Windows-1252 quote pasted in) keeps its UTF-8
    and reads only those bytes as Windows-1252, with a warning; else charset-normalizer's
    best guess for the whole text.

    Raises ValueError with a user-facing message when the bytes are not text.
    """
    for bom, codec in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF32_LE, "utf-32"),
        (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            return data.decode(codec, errors="replace"), None
    sample = data[:65536]
    nul = sample.count(0)
    if nul and nul > len(sample) * 0.3:
        # UTF-16 without a BOM: every other byte is NUL in mostly-ASCII text.
        for codec in ("utf-16-le", "utf-16-be"):
            try:
                text = data.decode(codec)
            except UnicodeDecodeError:
                continue
            if _looks_like_text(text):
                return text, None
        raise ValueError(
            errors.BINARY_DATA.format(detail=f"{nul} NUL bytes in the first {len(sample)}")
        )
    warning = None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = data.decode("utf-8", errors="surrogateescape")
        stray = sum(1 for ch in text if "\udc80" <= ch <= "\udcff")
        if stray <= max(3, len(data) // 1000) and _has_utf8_sequences(data):
            text = _STRAY.sub(lambda m: _stray_bytes(m.group(0)), text)
            warning = errors.REPAIRED_BYTES.format(n=stray, codec="Windows-1252")
        else:
            text = _guess_decode(data)
    if not _looks_like_text(text):
        raise ValueError(errors.BINARY_DATA.format(detail="too many control characters"))
    return text, warning


# bytes that were not UTF-8, as surrogateescape holds them
_STRAY = re.compile("[\udc80-\udcff]+")


def _stray_bytes(run: str) -> str:
    return bytes(ord(ch) - 0xDC00 for ch in run).decode("cp1252", errors="replace")


def _has_utf8_sequences(data: bytes) -> bool:
    """Whether the bytes hold valid multi-byte UTF-8 (or are plain ASCII around the stray
    bytes): text written as UTF-8, not a whole file in a one-byte codec."""
    return (
        bool(re.search(rb"[\xc2-\xf4][\x80-\xbf]", data))
        or data.isascii()
        or (sum(b >= 0x80 for b in data) <= max(3, len(data) // 1000))
    )


def _guess_decode(data: bytes) -> str:
    from charset_normalizer import from_bytes

    # Short texts fool open-ended detection (Windows-1252 read as cp850), so the
    # encodings news actually comes in are tried first, then everything else.
    best = from_bytes(data, cp_isolation=COMMON_ENCODINGS).best() or from_bytes(data).best()
    if best is None:
        raise ValueError(errors.UNDECODABLE)
    return str(best)


# control characters that text does not contain, and the replacement character
_NOT_TEXT = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\ufffd]")


def _looks_like_text(text: str) -> bool:
    sample = text[:65536]
    if not sample:
        return True
    bad = len(_NOT_TEXT.findall(sample))
    return bad <= max(8, len(sample) * 0.05)


# ---------------------------------------------------------------- html


class _TextExtractor(HTMLParser):
    """Fallback HTML to text: drops script, style and page furniture."""

    SKIP = {
        "script",
        "style",
        "nav",
        "footer",
        "header",
        "aside",
        "noscript",
        "form",
        "svg",
        "template",
    }
    BLOCK = {
        "p",
        "div",
        "br",
        "li",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "tr",
        "section",
        "article",
        "title",
    }

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.title: list[str] = []
        self._skip = 0
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.SKIP:
            self._skip += 1
        if tag == "title":
            self._in_title = True
        if tag in self.BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIP and self._skip:
            self._skip -= 1
        if tag == "title":
            self._in_title = False
        if tag in self.BLOCK:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title.append(data)
        elif not self._skip:
            self.parts.append(data)


def html_to_text(html: str) -> tuple[str, str | None, date | None, str | None]:
    """(article text, title, published, fallback) of a saved web page, boilerplate
    removed by trafilatura; ``fallback`` says why the simple parser below had to be used
    instead (trafilatura failed on the page, or found no text), else None. trafilatura is
    a dependency: a broken install fails here loudly instead of quietly falling back."""
    import trafilatura

    # trafilatura logs its failures at ERROR, which Python prints to stderr when nothing
    # is configured; the row's warnings say what happened instead
    logging.getLogger("trafilatura").setLevel(logging.CRITICAL)
    text: str | None = None
    title: str | None = None
    published: date | None = None
    fallback: str | None = None
    try:
        text = trafilatura.extract(
            html, include_comments=False, include_tables=True, favor_recall=True, deduplicate=True
        )
        meta = trafilatura.extract_metadata(html)
        if meta is not None:
            title = meta.title or None
            if meta.date:
                try:
                    published = date.fromisoformat(meta.date[:10])
                except ValueError:
                    published = None
    except (ValueError, TypeError, AttributeError, LookupError, RecursionError) as exc:
        # a page trafilatura cannot parse (deep nesting, odd markup): the fallback reads it
        text, fallback = None, errors.HTML_FALLBACK.format(detail=f"{type(exc).__name__}: {exc}")
    if not text or not text.strip():
        parser = _TextExtractor()
        parser.feed(html)
        parser.close()
        text = "".join(parser.parts)
        title = title or ("".join(parser.title).strip() or None)
    return text, title, published, fallback


# ---------------------------------------------------------------- publication date

_HEADER_LINE = re.compile(r"^[^\n]{1,120}$", re.MULTILINE)


def find_published(text: str, patterns: Rules | None = None) -> date | None:
    """The publication date a text states near its top ("date 2024-05-26", "Published: ..."),
    with the line labels of ``patterns`` (dates.json; default: the packaged rules)."""
    for match in _HEADER_LINE.finditer(text, 0, min(len(text), PUBLISHED_WINDOW)):
        found = parse_published_line(match.group(0), patterns)
        if found is not None:
            return found
    return None


# ---------------------------------------------------------------- titles

TITLES_FILE = "titles.json"
_TITLE_KEYS = {"lines_read", "fewest_words", "fewest_chinese", "most_characters", "furniture"}


@dataclass(frozen=True)
class TitleRules:
    lines_read: int
    fewest_words: int
    fewest_chinese: int
    most_characters: int
    furniture: frozenset[str]


@lru_cache(maxsize=8)
def load_titles(patterns: Rules) -> TitleRules:
    data, file = open_json(patterns, TITLES_FILE, allowed=_TITLE_KEYS, required=_TITLE_KEYS)
    numbers = {k: expect(data[k], int, file=file, key=k) for k in _TITLE_KEYS - {"furniture"}}
    words = string_list(data["furniture"], file=file, key="furniture")
    return TitleRules(**numbers, furniture=frozenset(w.lower() for w in words))


_LINK_SEPARATORS = re.compile(r"\s[|·>»/]\s|\s\|\s?|\|")
_HAN_CHAR = re.compile(r"[\u4e00-\u9fff]")


def find_title(text: str, patterns: Rules | None = None) -> str | None:
    r"""The first line near the top that reads like a headline (titles.json): not a date
    line, not navigation ("Menu", "Home | News | Health"), not a logo caption.

    >>> find_title("Menu\nHome | News | Health\ndate 2024-05-26\nCAR-T price falls to 1 million yuan\n...")
    'CAR-T price falls to 1 million yuan'
    """
    from ..rules import load_patterns

    patterns = patterns or load_patterns()
    rules, dates = load_titles(patterns), load_dates(patterns)
    for line in text.split("\n", rules.lines_read)[: rules.lines_read]:
        line = line.strip()
        if not line or len(line) > rules.most_characters or not any(c.isalpha() for c in line):
            continue
        lowered = line.lower()
        first_word = _LINK_SEPARATORS.split(lowered, 1)[0].strip()
        if lowered in rules.furniture or first_word in rules.furniture:
            continue
        if any(w in lowered.split() for w in ("logo",)) and len(lowered.split()) <= 4:
            continue
        if len(_LINK_SEPARATORS.findall(line)) >= 2:
            continue  # a row of links
        if dates.published_line.match(line):
            continue  # a labelled date line ("date 2024-05-26"), told by its label alone
        chinese = len(_HAN_CHAR.findall(line))
        if chinese >= rules.fewest_chinese or len(line.split()) >= rules.fewest_words:
            return line
    return None


# ---------------------------------------------------------------- articles


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
        raw, html_title, html_date, fallback = html_to_text(raw)
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
    path: Path, source: str, *, max_chars: int = 1_000_000, patterns: Rules | None = None
) -> Iterator[Article]:
    """The articles of one file (one, or one per line for JSONL). The size is checked
    with stat before anything is read, and only a regular file is opened."""
    suffix = path.suffix.lower()
    limit = JSONL_LIMIT if suffix in JSONL_SUFFIXES else max_chars * BYTES_PER_CHAR
    try:
        st = path.stat()
        if not stat.S_ISREG(st.st_mode):
            yield _failed(source, errors.SPECIAL_FILE)
            return
        if st.st_size > limit:
            yield _failed(source, errors.TOO_LARGE.format(n=st.st_size, limit=limit))
            return
        if suffix in JSONL_SUFFIXES:
            with path.open("rb") as handle:
                yield from read_jsonl(handle, source, max_chars=max_chars, patterns=patterns)
            return
        with path.open("rb") as handle:
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
    lines: Iterator[bytes] = (
        iter(data.split(b"\n")) if isinstance(data, bytes) else iter(data.readline, b"")
    )
    line_limit = max_chars * BYTES_PER_CHAR
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        if len(line) > line_limit:
            yield Article(
                article_id(line[:4096] + str(number).encode()),
                f"{source}#{number}",
                "",
                status="error",
                error=errors.TOO_LARGE.format(n=len(line), limit=line_limit),
            )
            continue
        key = f"{source}#{number}"
        try:
            record = json.loads(decode(line))  # (a line's stray bytes are repaired too)
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
    articles go to ``passed`` (see discover). A file named explicitly whose type is not
    read is an error row ("unsupported type .pdf")."""
    skipped: list[tuple[str, str]] = []
    if root.suffix.lower() not in SUFFIXES and root.is_file():
        yield _failed(display_name(root.name), errors.UNSUPPORTED.format(kind=_kind(root)))
        return
    found = discover(
        root, follow_symlinks=follow_symlinks, skipped=skipped, passed=passed, exclude=exclude
    )
    for path, source in found:
        while skipped:
            yield _failed(*skipped.pop(0))
        yield from read_file(path, source, max_chars=max_chars, patterns=patterns)
    for source, message in skipped:
        yield _failed(source, message)
