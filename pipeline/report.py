"""A self-contained HTML review page of an output folder: counts, charts (inline SVG via
matplotlib), and every article with its facts highlighted by displaCy, the normalised
value and the rule in each label, unresolved product names marked; filters in inline JS.
No network: CSS, JS and images are all in the page."""

from __future__ import annotations

import html
import io
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd

from .api import load

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


def _present(value: Any) -> bool:
    return value is not None and not (isinstance(value, float) and pd.isna(value))


def article_html(text: str, facts: list[tuple[str, dict[str, Any]]]) -> str:
    """One article's text with its facts as displaCy spans (overlapping facts stack, none
    is dropped), each labelled with its table, normalised value and rule."""
    from spacy import displacy

    doc = _tokenizer().make_doc(text)
    spans, colours = [], {}
    for table, row in sorted(facts, key=lambda f: (f[1]["start"], -f[1]["end"], f[0])):
        unresolved = table == "products" and not row.get("product")
        # displaCy puts labels into the page as they are: a rule id or an INN from an
        # edited patterns folder must not become markup
        label = html.escape(
            f"{LABELS[table]}: {fact_value(table, row)} · {row['rule']}", quote=False
        )
        span = doc.char_span(
            int(row["start"]), int(row["end"]), label=label, alignment_mode="expand"
        )
        if span is not None:
            colours[label] = COLOURS["unresolved" if unresolved else table]
            spans.append(span)
    doc.spans[REVIEW_KEY] = spans
    return str(
        displacy.render(
            doc,
            style="span",
            page=False,
            jupyter=False,
            options={"spans_key": REVIEW_KEY, "colors": colours},
        )
    )


REVIEW_KEY = "review"


@lru_cache(maxsize=1)
def _tokenizer() -> Any:
    import spacy

    return spacy.blank("en")


def _svg(fig: Any) -> str:
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", bbox_inches="tight")
    svg = buffer.getvalue()
    return svg[svg.index("<svg") :]


def charts(tables: dict[str, pd.DataFrame]) -> list[str]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    out = []
    prices = tables["prices"]
    prices = prices[prices["kind"] == "price"].merge(
        tables["articles"][["article_id", "published"]], on="article_id"
    )
    prices = prices.assign(product=prices["product"].fillna("(no product named)"))
    fig, ax = plt.subplots(figsize=(7, 3.2))
    for product, group in prices.groupby("product"):
        usd = group.dropna(subset=["amount_usd", "published"])
        if not usd.empty:
            years = pd.to_datetime(usd["published"]).dt.year
            ax.scatter(years, usd["amount_usd"], label=product)
    ax.set_title("Therapy prices (USD, publication year); articles without a date are left out")
    ax.set_xlabel("publication year")
    ax.set_ylabel("USD")
    if ax.collections:
        ax.legend(fontsize=7)
    else:
        ax.text(
            0.5,
            0.5,
            "no therapy price in an article with a publication date",
            ha="center",
            va="center",
            transform=ax.transAxes,
        )
    out.append(_svg(fig))
    plt.close(fig)
    rates = tables["response_rates"]
    fig, ax = plt.subplots(figsize=(7, 3.2))
    if not rates.empty:
        keyed = rates.assign(product=rates["product"].fillna("unnamed"))
        means = keyed.groupby(["metric", "product"])["percent"].mean().unstack(fill_value=0)
        means.plot.barh(ax=ax)
        ax.legend(fontsize=7)
    ax.set_title("Response rates: mean percent per metric and product")
    ax.set_xlabel("percent")
    out.append(_svg(fig))
    plt.close(fig)
    return out


_SCRIPT = """
function applyFilters() {
  const table = document.getElementById('f-table').value;
  const product = document.getElementById('f-product').value;
  const query = document.getElementById('f-text').value.toLowerCase();
  let shown = 0;
  document.querySelectorAll('section.article').forEach(a => {
    const tables = a.dataset.tables.split(' ');
    const products = a.dataset.products.split('|');
    const ok = (!table || tables.includes(table)) && (!product || products.includes(product))
      && (!query || a.textContent.toLowerCase().includes(query));
    a.style.display = ok ? '' : 'none';
    if (ok) shown++;
  });
  document.getElementById('shown').textContent = shown;
}
"""


def build_report(out: str | Path) -> str:
    tables = load(out)
    articles = tables["articles"]
    by_article: dict[str, list[tuple[str, dict[str, Any]]]] = {}
    for table in LABELS:
        for row in tables[table].to_dict("records"):
            by_article.setdefault(row["article_id"], []).append((table, row))
    counts = "".join(f"<tr><td>{t}</td><td>{len(tables[t])}</td></tr>" for t in tables)
    products = sorted(tables["products"]["product"].dropna().unique())
    sections = []
    for art in articles.sort_values("source").to_dict("records"):
        facts = by_article.get(art["article_id"], [])
        names = sorted({t for t, _ in facts})
        prods = sorted(
            {str(r["product"]) for t, r in facts if t == "products" and r.get("product")}
        )
        body = (
            article_html(art["text"], facts)
            if art["status"] == "ok"
            else f"<p class='err'>{html.escape(str(art['error']))}</p>"
        )
        sections.append(
            f"<section class='article' data-tables='{' '.join(names)}' data-products='{html.escape('|'.join(prods))}'>"
            f"<h2>{html.escape(str(art['title'] or art['source']))}</h2>"
            f"<p class='meta'>{html.escape(art['source'])} · published {art['published'] or 'unknown'} · "
            f"status {art['status']} · {len(facts)} facts</p>{body}</section>"
        )
    options = "".join(f"<option value='{t}'>{t}</option>" for t in LABELS)
    product_options = "".join(f"<option>{html.escape(p)}</option>" for p in products)
    legend = "".join(
        f"<span class='key' style='background:{c}'>{n}</span>" for n, c in COLOURS.items()
    )
    return f"""<!doctype html><html><head><meta charset="utf-8"><title>cartfacts review</title>
<style>body{{font-family:sans-serif;max-width:1100px;margin:auto;padding:1em}}
section.article{{border-top:1px solid #ccc;margin-top:1.5em}} .meta{{color:#666;font-size:90%}}
.err{{color:#b00}} .key{{padding:2px 6px;margin-right:4px;border-radius:3px}} table{{border-collapse:collapse}}
td{{border:1px solid #ddd;padding:2px 8px}} .charts svg{{max-width:100%;height:auto}}</style>
<script>{_SCRIPT}</script></head><body>
<h1>cartfacts review</h1>
<h2>Summary</h2><table><tr><td>table</td><td>rows</td></tr>{counts}</table>
<div class="charts">{"".join(charts(tables))}</div>
<h2>Articles (<span id="shown">{len(articles)}</span> shown)</h2>
<p>{legend}</p>
<p>Table <select id="f-table" onchange="applyFilters()"><option value="">any</option>{options}</select>
Product <select id="f-product" onchange="applyFilters()"><option value="">any</option>{product_options}</select>
Text <input id="f-text" oninput="applyFilters()" placeholder="search"></p>
{"".join(sections)}
<script>applyFilters()</script></body></html>"""


def write_report(out: str | Path, target: str | Path | None = None) -> Path:
    path = Path(target) if target else Path(out) / "report.html"
    path.write_text(build_report(out), encoding="utf-8")
    return path


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
    return Highlighted(article_html(rows["articles"][0]["text"], facts))


__all__ = ["build_report", "render", "write_report"]
