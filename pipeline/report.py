"""A self-contained HTML review page of an output folder: counts, charts (inline SVG drawn by
pipeline.svg), and every article as written with its facts marked by character offset (a
small label after each, the normalised value and the rule on hover, the article's facts
listed beside it), unresolved product names marked; filters in inline JS.
No network: CSS, JS and images are all in the page."""

from __future__ import annotations

import html
import itertools
from collections import OrderedDict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .api import articles_frame, light_columns, tables_folder
from .write.tables import (
    TABLES,
    article_ids_by_part,
    columns_schema,
    committed_parts,
    part_texts,
    read_part,
    table_dir,
    table_rows,
)

COLOURS = {
    "products": "#b8e0d2",
    "prices": "#ffd59e",
    "response_rates": "#c6d8ff",
    "dates": "#e2e2e2",
    "hospitals": "#f5c6cb",
    "companies": "#d7c6f5",
    "unresolved": "#ff6b6b",
}
LABELS = {
    "products": "PRODUCT",
    "prices": "PRICE",
    "response_rates": "RATE",
    "dates": "DATE",
    "hospitals": "HOSPITAL",
    "companies": "COMPANY",
}


def fact_value(table: str, row: dict[str, Any]) -> str:
    """The normalised value of a row, as shown beside its evidence."""
    if table == "products":
        return str(row["product"] or f"unresolved (best: {row.get('candidate') or '-'})")
    if table == "prices":
        amount = f"{row['amount']:,.0f}" + (
            f"-{row['amount_high']:,.0f}" if _present(row.get("amount_high")) else ""
        )
        per = f" per {row['per']}" if _present(row.get("per")) else ""
        return f"{amount} {row['currency']}{per} [{row['kind']}]"
    if table == "response_rates":
        high = f"-{row['percent_high']:g}" if _present(row.get("percent_high")) else ""
        return f"{row['percent']:g}{high}% {row['metric']}"
    if table == "dates":
        return str(row["value"])
    if table == "hospitals":
        return str(row["hospital"]) + (f", {row['city']}" if _present(row.get("city")) else "")
    return str(row["company"])


def article_name(article: dict[str, Any]) -> str:
    """How a page names an article: its title, or its source when it has none (a missing
    title read back from Parquet is None or NaN, never shown as "nan")."""
    title = article.get("title")
    return str(title) if _present(title) and title else str(article["source"])


def _present(value: Any) -> bool:
    """Not None, NaN or NaT."""
    return value is not None and not (pd.api.types.is_scalar(value) and pd.isna(value))


def article_html(text: str, facts: list[tuple[str, dict[str, Any]]]) -> str:
    """One article's text as written (paragraphs and line breaks kept, character offsets,
    no tokens), each fact marked where it stands with a compact label after its words
    (displaCy's entity style), its value and rule on hover; facts that overlap split the
    text between them, so none is dropped. Labels stand in the line, so they never cover
    a word."""
    marks = sorted(
        (
            (max(0, int(row["start"])), min(len(text), int(row["end"])), table, row)
            for table, row in facts
        ),
        key=lambda m: (m[0], -m[1], m[2]),
    )
    marks = [m for m in marks if m[0] < m[1]]
    cuts = sorted({0, len(text), *(m[0] for m in marks), *(m[1] for m in marks)})
    out: list[str] = []
    active: list[tuple[int, int, str, dict[str, Any]]] = []
    following = 0
    for lo, hi in zip(cuts, cuts[1:], strict=False):
        while following < len(marks) and marks[following][0] <= lo:
            active.append(marks[following])
            following += 1
        active = [m for m in active if m[1] > lo]
        piece = html.escape(text[lo:hi], quote=False)
        if not active:
            out.append(piece)
            continue
        inner = min(active, key=lambda m: (m[1] - m[0], m[2]))  # the most specific fact
        unresolved = inner[2] == "products" and not inner[3].get("product")
        colour = COLOURS["unresolved" if unresolved else inner[2]]
        hover = html.escape(
            "\n".join(f"{LABELS[t]}: {fact_value(t, r)} · {r['rule']}" for _, _, t, r in active),
            quote=False,
        ).replace('"', "&quot;")  # (the attribute is in double quotes)
        labels = "".join(
            f"<span class='lab'>{LABELS[t]}</span>" for _, end, t, _ in active if end == hi
        )
        out.append(
            f"<mark class='f' style='background:{colour}' title=\"{hover}\">{piece}{labels}</mark>"
        )
    return f"<div class='text'>{''.join(out)}</div>"


def facts_list(facts: list[tuple[str, dict[str, Any]]]) -> str:
    """The article's facts beside its text: kind, value, evidence and rule, in text order."""
    rows = "".join(
        f"<tr><td><span class='key' style='background:{COLOURS[t]}'>{LABELS[t]}</span></td>"
        f"<td>{html.escape(fact_value(t, r), quote=False)}</td>"
        f"<td>{html.escape(str(r['text']), quote=False)}</td>"
        f"<td class='rule'>{html.escape(str(r['rule']), quote=False)}</td></tr>"
        for t, r in sorted(facts, key=lambda f: (int(f[1]["start"]), f[0]))
    )
    return (
        "<aside class='facts'><table><thead><tr><th>fact</th><th>value</th><th>evidence</th>"
        f"<th>rule</th></tr></thead><tbody>{rows}</tbody></table></aside>"
    )


def charts(tables: dict[str, pd.DataFrame]) -> list[str]:
    """Prices per product over publication year (USD, whole years, dollar figures) and
    the distinct response rates per metric (a dot each, the median marked), as inline SVG."""
    from . import svg

    prices = tables["prices"]
    # (only the columns drawn: an archive's price table is hundreds of thousands of rows)
    prices = prices.loc[
        (prices["kind"] == "price") & prices["amount_usd"].notna(),
        ["article_id", "product", "amount_usd"],
    ].merge(tables["articles"][["article_id", "published"]], on="article_id")
    series = {}
    for product, group in prices.groupby(prices["product"].fillna("unnamed product")):
        usd = group.dropna(subset=["published"])  # (amounts in USD only, above)
        if not usd.empty:
            years = pd.to_datetime(usd["published"]).dt.year
            # (each point once: one drawn again on itself shows nothing more)
            series[str(product)] = list(
                dict.fromkeys(
                    zip(years.astype(float), usd["amount_usd"].astype(float), strict=True)
                )
            )
    out = [
        svg.scatter(
            series,
            "Therapy prices (USD, publication year); articles without a date are left out",
            "publication year",
            "USD",
            lambda v: f"${v:,.0f}",
            empty="no therapy price in an article with a publication date",
        )
    ]
    rates = tables["response_rates"][["metric", "percent"]].dropna(subset=["percent"])
    # a dot plot: one row per metric, every distinct figure a dot, the median a bar (bars
    # per metric and indication were too thin to read, and their legend covered them)
    metrics = sorted(rates["metric"].dropna().unique()) if not rates.empty else []
    rng = np.random.default_rng(0)  # the same jitter every time: the page is deterministic
    rows = []
    for metric in metrics:
        values = rates.loc[rates["metric"] == metric, "percent"].to_numpy(dtype=float)
        # a dot per distinct value (a dot drawn again on itself shows nothing more: an
        # archive's tens of thousands of figures made a page of megabytes)
        shown = np.unique(values)
        rows.append(
            (
                f"{metric} ({len(values)})",
                shown.tolist(),
                rng.uniform(-0.5, 0.5, len(shown)).tolist(),
                float(np.median(values)),
            )
        )
    x_max = max(100.0, float(rates["percent"].max()) + 2) if metrics else 100.0
    out.append(
        svg.dots(
            rows,
            "Response rates: each distinct figure, the median as a bar (figures per metric)",
            "percent",
            x_max,
            empty="no response rate",
        )
    )
    return out


_SCRIPT = """
function applyFilters() {
  const table = document.getElementById('f-table').value;
  const product = document.getElementById('f-product').value;
  const query = document.getElementById('f-text').value.toLowerCase();
  let shown = 0;
  document.querySelectorAll('.item').forEach(a => {
    const tables = a.dataset.tables.split(' ');
    const products = a.dataset.products.split('|');
    const ok = (!table || tables.includes(table)) && (!product || products.includes(product))
      && (!query || a.textContent.toLowerCase().includes(query));
    a.style.display = ok ? '' : 'none';
    if (ok) shown++;
  });
  document.getElementById('shown').textContent = shown;
}
function sortBy(th) {
  const table = th.closest('table'), body = table.tBodies[0];
  const col = Array.from(th.parentNode.children).indexOf(th);
  const asc = th.dataset.asc !== '1'; th.dataset.asc = asc ? '1' : '0';
  const key = r => { const t = r.children[col].dataset.v ?? r.children[col].textContent;
                     const n = parseFloat(t); return isNaN(n) ? t : n; };
  Array.from(body.rows).sort((a, b) => { const x = key(a), y = key(b);
    return (x > y ? 1 : x < y ? -1 : 0) * (asc ? 1 : -1); }).forEach(r => body.appendChild(r));
}
"""

# system fonts only (the page stays self-contained), Chinese-capable ones before the generic
# family: a machine whose default sans-serif has no CJK glyphs still finds one it has
_FONTS = (
    'system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,"Noto Sans",'
    '"Noto Sans CJK SC","Source Han Sans SC","PingFang SC","Hiragino Sans GB",'
    '"Microsoft YaHei","WenQuanYi Micro Hei","WenQuanYi Zen Hei","Droid Sans Fallback",sans-serif'
)
# how an article's text and its marks look (the pages, and pipeline.render in a notebook)
_ARTICLE_STYLE = (
    """.text{font-family:"""
    + _FONTS
    + """;white-space:pre-wrap;line-height:2;
overflow-wrap:anywhere} mark.f{padding:.15em .2em;border-radius:.3em;color:inherit}
.lab{font-size:.62em;font-weight:600;letter-spacing:.03em;margin-left:.35em;padding:0 .3em;
border-radius:.25em;background:rgba(255,255,255,.7);vertical-align:.1em;white-space:nowrap}"""
)
_STYLE = (
    "body{font-family:"
    + _FONTS
    + ";max-width:1300px;margin:auto;padding:1em}"
    + _ARTICLE_STYLE
    + """
.doc{display:grid;grid-template-columns:minmax(0,3fr) minmax(0,2fr);gap:1.5em;align-items:start}
aside.facts td{vertical-align:top} aside.facts .rule{color:#666;font-size:80%}
section.article{border-top:1px solid #ccc;margin-top:1.5em} .meta{color:#666;font-size:90%}
.err{color:#b00} .key{padding:2px 6px;margin-right:4px;border-radius:3px}
table{border-collapse:collapse} td,th{border:1px solid #ddd;padding:2px 8px;font-size:90%}
th{cursor:pointer;background:#f4f4f4} .charts svg{max-width:100%;height:auto} nav a{margin-right:1em}"""
)

# articles per article page, and rows of the index's fact table
PAGE_ARTICLES = 100
FACT_ROWS = 2000


def _page(title: str, body: str) -> str:
    return (
        f"<!doctype html><html><head><meta charset='utf-8'><title>{html.escape(title)}</title>"
        f"<style>{_STYLE}</style><script>{_SCRIPT}</script></head><body>{body}</body></html>"
    )


def _filters(tables_present: list[str], products: list[str], total: int, noun: str) -> str:
    options = "".join(f"<option value='{t}'>{t}</option>" for t in tables_present)
    product_options = "".join(f"<option>{html.escape(p)}</option>" for p in products)
    return (
        f"<p><span id='shown'>{total}</span> {noun} shown. "
        f"Table <select id='f-table' onchange='applyFilters()'><option value=''>any</option>{options}</select> "
        f"Product <select id='f-product' onchange='applyFilters()'><option value=''>any</option>{product_options}</select> "
        "Text <input id='f-text' oninput='applyFilters()' placeholder='search'></p>"
    )


def _table(frame: pd.DataFrame, links: dict[str, str] | None = None) -> str:
    """A sortable HTML table of a frame (click a heading); ``links``: article id -> page."""
    head = "".join(f"<th onclick='sortBy(this)'>{html.escape(str(c))}</th>" for c in frame.columns)
    rows = []
    for record in frame.to_dict("records"):
        cells = []
        for column, value in record.items():
            shown = "" if not _present(value) else str(value)
            if isinstance(value, float) and _present(value):
                shown = f"{value:,.2f}".rstrip("0").rstrip(".")
            if hasattr(value, "date") and _present(value):
                shown = str(value.date())
            cell = html.escape(shown)
            if links and column == "article_id" and value in links:
                cell = f"<a href='{links[value]}#a-{value}'>{cell}</a>"
            cells.append(f"<td>{cell}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def write_report(
    out: str | Path,
    target: str | Path | None = None,
    *,
    limit: int | None = None,
    per_page: int = PAGE_ARTICLES,
) -> Path:
    """Write the review of an output folder: an index page (counts, coverage, charts,
    products, unresolved names, a sortable and searchable table of distinct facts) at
    ``target`` (default OUT/report/index.html), and beside it one page per
    ``per_page`` articles with their text and facts highlighted, so a large archive
    gives a folder of small pages. ``limit``: at most that many articles get pages.
    Every page is self-contained (no network). Returns the index's path.

    Memory stays that of the distinct facts, not of the tables: the facts are made
    distinct a batch part at a time, and a page reads its articles' texts and fact rows
    from their batch parts."""
    from .api import unresolved_names
    from .views import product_summary

    folder_out = tables_folder(out)
    all_articles = articles_frame(folder_out, texts=False)
    facts, rows = _distinct_by_part(folder_out)
    rows.update({t: table_rows(folder_out, t) for t in TABLES if t not in rows})
    parts = _Parts(folder_out)
    index = Path(target) if target else folder_out / "report" / "index.html"
    folder = index.parent
    folder.mkdir(parents=True, exist_ok=True)
    articles = all_articles.sort_values("source", kind="stable")
    if limit is not None:
        articles = articles.head(limit)
    stem = index.stem
    pages: dict[str, str] = {}
    count = len(articles)
    starts = list(range(0, count, per_page)) or [0]
    names = [f"{stem}-articles-{n + 1:04d}.html" for n in range(len(starts))]
    products = sorted(facts["products"]["product"].dropna().unique())
    for n, first in enumerate(starts):
        chunk = articles.iloc[first : first + per_page].to_dict("records")
        sections = []
        for art in chunk:
            pages[art["article_id"]] = names[n]
            art["text"], art_facts = parts.of(art["article_id"])
            sections.append(_article_section(art, art_facts))
        nav = (
            f"<nav><a href='{index.name}'>index</a>"
            + (f"<a href='{names[n - 1]}'>previous</a>" if n else "")
            + (f"<a href='{names[n + 1]}'>next</a>" if n + 1 < len(starts) else "")
            + f"page {n + 1} of {len(starts)}</nav>"
        )
        body = (
            f"{nav}<h1>Articles {first + 1}-{first + len(chunk)}</h1>"
            f"<p>{_legend()}</p>{_filters(list(LABELS), products, len(chunk), 'articles')}"
            + "".join(sections)
            + f"{nav}<script>applyFilters()</script>"
        )
        (folder / names[n]).write_text(_page("cartfacts articles", body), encoding="utf-8")
    # each fact's article by its title (its source when it has none), not by its id
    titles = {
        a["article_id"]: article_name(a)
        for a in all_articles[["article_id", "title", "source"]].to_dict("records")
    }
    fact_pages, first_facts = write_fact_pages(folder, stem, facts, titles, pages)
    overview = {"articles": all_articles}
    index.write_text(
        _index(
            all_articles,
            rows,
            facts,
            product_summary(overview, facts),
            unresolved_names(out),
            pages,
            count,
            fact_pages,
            first_facts,
        ),
        encoding="utf-8",
    )
    return index


def _distinct_by_part(out: Path) -> tuple[dict[str, pd.DataFrame], dict[str, int]]:
    """Each fact table's distinct facts (views.distinct) without its sentences, made a
    batch part at a time (an article's facts all stand in its batch's part, so the
    part's distinct facts are its articles' own), in article id order as for a whole
    table; and how many rows each table holds."""
    from .views import distinct_table

    facts: dict[str, pd.DataFrame] = {}
    rows: dict[str, int] = {}
    for table in LABELS:
        wanted = columns_schema(table, light_columns(table))
        pieces = []
        rows[table] = 0
        for file in committed_parts(out, table):
            frame = read_part(file, wanted).to_pandas()
            rows[table] += len(frame)
            pieces.append(distinct_table(table, frame)[list(SHOWN[table])])
        if not pieces:
            pieces.append(
                distinct_table(table, wanted.empty_table().to_pandas())[list(SHOWN[table])]
            )
        whole = pd.concat(pieces, ignore_index=True)
        facts[table] = whole.sort_values("article_id", kind="stable").reset_index(drop=True)
    return facts, rows


# the columns of the distinct facts the index shows or sums (the rest of a fact row is
# on the article pages only)
_EVIDENCE = ("article_id", "text", "rule", "mentions")
SHOWN: dict[str, tuple[str, ...]] = {
    "products": (*_EVIDENCE, "product", "candidate", "brand", "company"),
    "prices": (
        *_EVIDENCE,
        "amount",
        "amount_high",
        "currency",
        "per",
        "kind",
        "product",
        "amount_usd",
    ),
    "response_rates": (
        *_EVIDENCE,
        "percent",
        "percent_high",
        "metric",
        "timepoint",
        "indication",
        "product",
    ),
    "dates": (*_EVIDENCE, "value"),
    "hospitals": (*_EVIDENCE, "hospital", "city"),
    "companies": (*_EVIDENCE, "company"),
}


class _Parts:
    """Each article's text and fact rows (without sentences), read a batch part at a
    time and kept for the last few parts (pages in source order mostly follow the parts,
    which hold batches of sources in order)."""

    KEPT = 2

    def __init__(self, out: Path):
        self.out = out
        self.part_of = {aid: file for file, ids in article_ids_by_part(out) for aid in ids}
        self.kept: OrderedDict[Path, tuple[dict[str, str], dict[str, list[Any]]]] = OrderedDict()

    def of(self, article_id: str) -> tuple[str, list[tuple[str, dict[str, Any]]]]:
        part = self.part_of[article_id]
        if part not in self.kept:
            if len(self.kept) >= self.KEPT:
                self.kept.popitem(last=False)
            self.kept[part] = (part_texts(part), self._facts(part.name))
        self.kept.move_to_end(part)
        texts, facts = self.kept[part]
        return texts[article_id], facts.get(article_id, [])

    def _facts(self, name: str) -> dict[str, list[Any]]:
        """The fact rows of one batch part by article, table by table in LABELS order."""
        by_article: dict[str, list[Any]] = {}
        for table in LABELS:
            file = table_dir(self.out, table) / name
            if not file.is_file():
                continue
            wanted = columns_schema(table, light_columns(table))
            for row in read_part(file, wanted).to_pandas().to_dict("records"):
                by_article.setdefault(row["article_id"], []).append((table, row))
        return by_article


def _legend() -> str:
    return "".join(
        f"<span class='key' style='background:{c}'>{n}</span>" for n, c in COLOURS.items()
    )


def _article_section(art: dict[str, Any], facts: list[tuple[str, dict[str, Any]]]) -> str:
    names = sorted({t for t, _ in facts})
    prods = sorted({str(r["product"]) for t, r in facts if t == "products" and r.get("product")})
    body = (
        f"<div class='doc'>{article_html(art['text'], facts)}{facts_list(facts)}</div>"
        if art["status"] == "ok"
        else f"<p class='err'>{html.escape(str(art['error']))}</p>"
    )
    published = art["published"].date() if _present(art["published"]) else "unknown"
    return (
        f"<section class='article item' id='a-{art['article_id']}' data-tables='{' '.join(names)}' "
        f"lang='{'zh' if art.get('language') == 'zh' else 'en'}' "
        f"data-products='{html.escape('|'.join(prods))}'>"
        f"<h2>{html.escape(article_name(art))}</h2>"
        f"<p class='meta'>{html.escape(art['source'])} · published {published} · "
        f"language {art.get('language') or '?'} · status {art['status']} · {len(facts)} facts</p>"
        f"{body}</section>"
    )


def _index(
    articles: pd.DataFrame,
    rows: dict[str, int],
    facts: dict[str, pd.DataFrame],
    summary: dict[str, pd.DataFrame],
    unresolved: pd.DataFrame,
    pages: dict[str, str],
    shown_articles: int,
    fact_pages: list[str],
    first_facts: list[str],
) -> str:
    counts = pd.DataFrame(
        [
            {"table": t, "rows": rows[t], "distinct facts": len(facts[t]) if t in facts else ""}
            for t in TABLES
        ]
    )
    ok = articles[articles["status"] == "ok"]
    prices = facts["prices"][facts["prices"]["kind"] == "price"]
    coverage = pd.DataFrame(
        [
            {"measure": "articles read (ok)", "value": f"{len(ok)} of {len(articles)}"},
            {
                "measure": "articles with a publication date",
                "value": f"{int(ok['published'].notna().sum())} of {len(ok)}",
            },
            {"measure": "articles in Chinese", "value": int((ok["language"] == "zh").sum())},
            {
                "measure": "prices (distinct) linked to a product",
                "value": f"{int(prices['product'].notna().sum())} of {len(prices)}",
            },
            {
                "measure": "prices (distinct) in USD",
                "value": f"{int(prices['amount_usd'].notna().sum())} of {len(prices)}",
            },
            {"measure": "unresolved or weak product spellings", "value": len(unresolved)},
            {"measure": "articles with pages below", "value": shown_articles},
        ]
    )
    total = sum(len(facts[table]) for table in LABELS)
    links = " ".join(f"<a href='{p}'>{i + 1}</a>" for i, p in enumerate(fact_pages))
    note = (
        f"<p>{total:,} distinct facts on {len(fact_pages)} pages of {FACT_ROWS:,}: {links}. "
        "The first page:</p>"
        if len(fact_pages) > 1
        else ""
    )
    first_pages = sorted(set(pages.values()))
    page_links = " ".join(f"<a href='{p}'>{i + 1}</a>" for i, p in enumerate(first_pages))
    body = (
        "<h1>cartfacts review</h1>"
        f"<h2>Tables</h2>{_table(counts)}<h2>Coverage</h2>{_table(coverage)}"
        f"<div class='charts'>{''.join(charts({**facts, 'articles': articles}))}</div>"
        f"<h2>Products</h2>{_table(summary['products'])}"
        f"<h2>Prices per product</h2>{_table(summary['prices'])}"
        f"<h2>Names that did not resolve, or barely</h2>{_table(unresolved.head(200))}"
        f"<h2>Article pages</h2><p>{page_links}</p>"
        f"<h2>Distinct facts</h2>{note}{_fact_table(first_facts)}"
    )
    return _page("cartfacts review", body)


_FACT_COLUMNS = ("article", "table", "value", "mentions", "evidence", "rule")


def _fact_rows(
    facts: dict[str, pd.DataFrame], names: dict[str, str], pages: dict[str, str]
) -> Iterator[str]:
    """The table row of every distinct fact, table by table, made a slice at a time (a
    large archive has hundreds of thousands)."""
    for table in LABELS:
        frame = facts[table]
        for first in range(0, len(frame), FACT_ROWS):
            for record in frame.iloc[first : first + FACT_ROWS].to_dict("records"):
                aid = str(record["article_id"])
                link = pages.get(aid)
                name = html.escape(names.get(aid, aid), quote=False)
                target = (
                    f"<a href='{link}#a-{html.escape(aid)}' title='{html.escape(aid)}'>{name}</a>"
                    if link
                    else name
                )
                yield (
                    f"<tr class='item' data-tables='{table}' data-products=''>"
                    f"<td>{target}</td><td>{table}</td>"
                    f"<td>{html.escape(fact_value(table, record), quote=False)}</td>"
                    f"<td>{record['mentions']}</td>"
                    f"<td>{html.escape(str(record['text']), quote=False)}</td>"
                    f"<td>{html.escape(str(record['rule']), quote=False)}</td></tr>"
                )


def _fact_table(rows: list[str]) -> str:
    head = "".join(f"<th onclick='sortBy(this)'>{c}</th>" for c in _FACT_COLUMNS)
    return (
        f"{_filters(list(LABELS), [], len(rows), 'facts')}"
        f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
        "<script>applyFilters()</script>"
    )


def write_fact_pages(
    folder: Path,
    stem: str,
    facts: dict[str, pd.DataFrame],
    names: dict[str, str],
    pages: dict[str, str],
) -> tuple[list[str], list[str]]:
    """Every distinct fact, FACT_ROWS to a page (``stem``-facts-0001.html ...), each
    searchable and sortable: the pages' names and the first page's rows (the index
    shows them)."""
    total = sum(len(facts[table]) for table in LABELS)
    written = [f"{stem}-facts-{n + 1:04d}.html" for n in range(max(1, -(-total // FACT_ROWS)))]
    rows = _fact_rows(facts, names, pages)
    first: list[str] = []
    for n, name in enumerate(written):  # one page's rows in memory at a time
        chunk = list(itertools.islice(rows, FACT_ROWS))
        first = first or chunk
        nav = (
            f"<nav><a href='{stem}.html'>index</a>"
            + (f"<a href='{written[n - 1]}'>previous</a>" if n else "")
            + (f"<a href='{written[n + 1]}'>next</a>" if n + 1 < len(written) else "")
            + f"facts page {n + 1} of {len(written)}</nav>"
        )
        (folder / name).write_text(
            _page("cartfacts facts", f"{nav}<h1>Distinct facts</h1>{_fact_table(chunk)}{nav}"),
            encoding="utf-8",
        )
    return written, first


class Highlighted(str):
    """HTML of a text with its facts marked: a string, which a notebook shows once as the
    rendered page (``_repr_html_``)."""

    def _repr_html_(self) -> str:
        return str(self)


def render(text: str, published: str | None = None) -> Highlighted:
    """A text with its facts highlighted (the review page's view of one article)."""
    from .api import extract

    rows = extract(text, published)
    facts = [(t, r) for t in LABELS for r in rows[t]]
    page = article_html(rows["articles"][0]["text"], facts)
    return Highlighted(f"<style>{_ARTICLE_STYLE}</style>{page}")


__all__ = ["render", "write_report"]
