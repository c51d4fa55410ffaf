"""Read articles from files and folders: txt/md, html, jsonl, in any common encoding.

Nothing here raises for a bad article: it becomes an Article with status ``error`` or
``empty`` and a message, so one bad file never stops a run.
"""

from __future__ import annotations

import codecs
import hashlib
import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

from .. import errors
from ..dates.parse import parse_published_line
from ..rules import Rules
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


def discover(root: Path) -> Iterator[tuple[Path, str]]:
    """(path, source) for every article file under root, sorted, symlink loops safe."""
    if root.is_file():
        yield root, root.name
        return
    seen: set[tuple[int, int]] = set()

    def walk(folder: Path) -> Iterator[Path]:
        try:
            st = folder.stat()
        except OSError:
            return
        key = (st.st_dev, st.st_ino)
        if key in seen:
            return
        seen.add(key)
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError:
            return
        for entry in entries:
            path = Path(entry.path)
            try:
                if entry.is_dir(follow_symlinks=True):
                    yield from walk(path)
                elif entry.is_file(follow_symlinks=True) and path.suffix.lower() in SUFFIXES:
                    yield path
            except OSError:
                continue

    for path in walk(root):
        yield path, path.relative_to(root).as_posix()


# ---------------------------------------------------------------- decoding


def decode(data: bytes) -> str:
    """Bytes to text: BOMs first, then UTF-8, then charset-normalizer's best guess.

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
            return data.decode(codec, errors="replace")
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
                return text
        raise ValueError(
            errors.BINARY_DATA.format(detail=f"{nul} NUL bytes in the first {len(sample)}")
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = _guess_decode(data)
    if not _looks_like_text(text):
        raise ValueError(errors.BINARY_DATA.format(detail="too many control characters"))
    return text


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


def html_to_text(html: str) -> tuple[str, str | None, date | None]:
    """(article text, title, published) of a saved web page, boilerplate removed."""
    text: str | None = None
    title: str | None = None
    published: date | None = None
    try:
        import trafilatura

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
    except Exception:  # trafilatura is a helper; the fallback below always works
        text = None
    if not text or not text.strip():
        parser = _TextExtractor()
        parser.feed(html)
        parser.close()
        text = "".join(parser.parts)
        title = title or ("".join(parser.title).strip() or None)
    return text, title, published


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
) -> Article:
    aid = article_id(data)
    published_source = "record" if published else None
    if html:
        raw, html_title, html_date = html_to_text(raw)
        title = title or html_title
        if published is None and html_date is not None:
            published, published_source = html_date, "html"
    text = clean_text(raw)
    if not text:
        message = errors.EMPTY_AFTER_CLEANING if html and raw else errors.EMPTY_TEXT
        return Article(aid, source, "", status="empty", error=message, title=title, url=url)
    if len(text) > max_chars:
        return Article(
            aid,
            source,
            "",
            status="error",
            error=errors.TOO_LONG.format(n=len(text), limit=max_chars),
            title=title,
            url=url,
        )
    if published is None:
        published = find_published(text, patterns)
        published_source = "text" if published else None
    if title is None:
        first = text.split("\n", 1)[0].strip()
        title = first if 0 < len(first) <= 200 else None
    return Article(
        aid,
        source,
        text,
        title=title,
        published=published,
        published_source=published_source,
        url=url,
        language=detect(text),
    )


def read_file(
    path: Path, source: str, *, max_chars: int = 1_000_000, patterns: Rules | None = None
) -> Iterator[Article]:
    """The articles of one file (one, or one per line for JSONL)."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        key = article_id(f"unreadable\0{source}".encode())
        yield Article(key, source, "", status="error", error=errors.UNREADABLE.format(detail=exc))
        return
    suffix = path.suffix.lower()
    if suffix in JSONL_SUFFIXES:
        yield from read_jsonl(data, source, max_chars=max_chars, patterns=patterns)
        return
    if not data.strip():
        yield Article(article_id(data), source, "", status="empty", error=errors.EMPTY_TEXT)
        return
    try:
        raw = decode(data)
    except ValueError as exc:
        yield Article(article_id(data), source, "", status="error", error=str(exc))
        return
    yield make_article(
        data, raw, source, html=suffix in HTML_SUFFIXES, max_chars=max_chars, patterns=patterns
    )


def read_jsonl(
    data: bytes, source: str, *, max_chars: int = 1_000_000, patterns: Rules | None = None
) -> Iterator[Article]:
    for number, line in enumerate(data.split(b"\n"), start=1):
        if not line.strip():
            continue
        key = f"{source}#{number}"
        try:
            record = json.loads(decode(line))
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
        if isinstance(record.get("published"), str):
            try:
                published = date.fromisoformat(record["published"][:10])
            except ValueError:
                published = None
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
        )


def read_articles(
    root: Path, *, max_chars: int = 1_000_000, patterns: Rules | None = None
) -> Iterator[Article]:
    """Every article under ``root``, with publication lines read by ``patterns``."""
    for path, source in discover(root):
        yield from read_file(path, source, max_chars=max_chars, patterns=patterns)
