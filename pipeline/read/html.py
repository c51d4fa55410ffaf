"""HTML pages to text: the article's paragraphs without scripts, navigation and markup,
with the title, publication date and canonical URL the page states."""

from __future__ import annotations

import logging
from datetime import date
from html.parser import HTMLParser

from .. import errors


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
