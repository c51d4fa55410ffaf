"""Views over loaded tables for analysts: distinct facts, and a summary per product.

Every mention of a fact is a row of its table ("1.2 million yuan" twelve times in one
article is twelve price rows), which is what provenance needs and what averages must not
weigh. ``distinct`` keeps one row per distinct fact per article, with its mention count
and its first evidence.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

# the columns that make two mentions one fact (besides article_id)
DISTINCT_KEYS: dict[str, tuple[str, ...]] = {
    "products": ("product", "spelling"),
    "prices": ("amount", "amount_high", "currency", "per", "kind", "product"),
    "response_rates": ("percent", "percent_high", "metric", "timepoint", "indication", "product"),
    "dates": ("value",),
    "hospitals": ("hospital",),
    "companies": ("company",),
}


def distinct(tables: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """One row per distinct fact per article for every fact table: the key columns, the
    first mention's other columns (its text, sentence, offsets and rule as evidence) and
    ``mentions``, how often the article states it. An unresolved product is told apart
    by its spelling (case folded)."""
    return {table: distinct_table(table, tables[table]) for table in DISTINCT_KEYS}


def distinct_table(table: str, frame: pd.DataFrame) -> pd.DataFrame:
    """``distinct`` of one fact table, in article id order, each article's facts in the
    order of their first mention. An article's facts are the same whether the frame holds
    its batch's rows or the whole table's."""
    keys = DISTINCT_KEYS[table]
    frame = frame.sort_values(["article_id", "start", "end"], kind="stable")
    if table == "products":
        frame = frame.assign(
            spelling=frame["text"].str.lower().where(frame["product"].isna(), None)
        )
    by = ["article_id", *keys]
    grouped = frame.groupby(by, dropna=False, sort=False)
    first = grouped.head(1).reset_index(drop=True)
    counts = grouped.size().rename("mentions").reset_index()
    merged = first.merge(counts, on=by, how="left")
    if table == "products":
        merged = merged.drop(columns="spelling")
    return merged.reset_index(drop=True)


def dated(tables: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """The tables with each fact row's article ``published`` date beside it (for sheets
    read without a join)."""
    articles = tables["articles"][["article_id", "published"]]
    out = dict(tables)
    for table in DISTINCT_KEYS:
        if table in out and "published" not in out[table].columns:
            out[table] = out[table].merge(articles, on="article_id", how="left")
    return out


def with_published(frame: pd.DataFrame, articles: pd.DataFrame) -> pd.DataFrame:
    """A fact table with each article's ``published`` date and ``source``."""
    return frame.merge(articles[["article_id", "published", "source"]], on="article_id")


def product_summary(
    tables: dict[str, pd.DataFrame], facts: dict[str, pd.DataFrame] | None = None
) -> dict[str, pd.DataFrame]:
    """Per product (INN): its prices (kind price) in the stated currency and in USD with
    publication dates and sources; its response rates by metric, indication and
    timepoint; the hospitals of the articles that name it; its first and last dates.
    ``facts``: ``distinct(tables)`` when the caller has it already."""
    facts = distinct(tables) if facts is None else facts
    articles = tables["articles"]
    products = facts["products"].dropna(subset=["product"])
    per_article = products[["article_id", "product"]].drop_duplicates()
    overview = (
        products.groupby("product")
        .agg(brand=("brand", "first"), company=("company", "first"), mentions=("mentions", "sum"))
        .join(per_article.groupby("product").size().rename("articles"))
    )
    dated = with_published(per_article, articles)
    overview = overview.join(
        dated.groupby("product")["published"].agg(first_published="min", last_published="max")
    ).reset_index()
    # (the rows and columns shown, then their dates: a price table of an archive is
    # hundreds of thousands of rows)
    prices = facts["prices"]
    prices = prices.loc[
        (prices["kind"] == "price") & prices["product"].notna(),
        ["article_id", "product", "amount", "amount_high", "currency", "per", "amount_usd", "text"],
    ]
    prices = with_published(prices, articles)[
        [
            "product",
            "amount",
            "amount_high",
            "currency",
            "per",
            "amount_usd",
            "published",
            "source",
            "text",
        ]
    ].sort_values(["product", "published", "amount"], na_position="last")
    rates = facts["response_rates"].dropna(subset=["product"])
    rate_table = (
        rates.groupby(["product", "metric", "indication", "timepoint"], dropna=False)["percent"]
        .agg(["count", "min", "max", "median"])
        .reset_index()
        .rename(columns={"count": "figures"})
    )
    hospitals = facts["hospitals"].merge(per_article, on="article_id")
    hospital_table = (
        hospitals.groupby(["product", "hospital"], dropna=False)
        .agg(city=("city", "first"), articles=("article_id", "nunique"))
        .reset_index()
        .sort_values(["product", "articles", "hospital"], ascending=[True, False, True])
    )
    return {
        "products": overview,
        "prices": prices.reset_index(drop=True),
        "response_rates": rate_table,
        "hospitals": hospital_table.reset_index(drop=True),
    }


# how far apart two values of one product, year and unit may be and still agree: prices
# relative to the smaller, rates in percentage points
PRICE_TOLERANCE = 0.05
RATE_TOLERANCE = 2.0

# what makes two facts one claim: the table's value columns, the unit, what the value
# is of, and the year (of publication)
CLAIM_KEYS: dict[str, tuple[str, ...]] = {
    "prices": ("product", "currency", "per", "amount", "amount_high", "year"),
    "response_rates": (
        "product",
        "metric",
        "timepoint",
        "indication",
        "percent",
        "percent_high",
        "year",
    ),
}
# within one product and year, the columns whose values must agree across claims
COMPARED: dict[str, tuple[str, ...]] = {
    "prices": ("product", "currency", "per", "year"),
    "response_rates": ("product", "metric", "timepoint", "indication", "year"),
}


def site(url: Any, source: Any) -> str:
    """Where an article came from: the host of its URL (without www.), else the first
    part of its source (a folder, or the JSONL file of a record).

    >>> site("https://www.example.com/a/b", "x.jsonl#1"), site(None, "feeds/cn/a.txt")
    ('example.com', 'feeds')
    >>> site(None, "news.jsonl#17")
    'news.jsonl'
    """
    from urllib.parse import urlsplit

    if isinstance(url, str) and url:
        host = urlsplit(url if "//" in url else f"//{url}").hostname or ""
        if host:
            return host.removeprefix("www.")
    text = str(source or "")
    return text.split("#", 1)[0].split("/", 1)[0]


def claims(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """One row per distinct claim across articles: a price (kind price) or a response rate
    of a product, with its value, unit and year of publication; how many articles and
    distinct sites state it, its first and last publication dates, an example; and
    ``disagreement``: another claim of the same product, year and unit (currency and per;
    metric, timepoint and indication) has a value beyond the tolerance (PRICE_TOLERANCE
    relative, RATE_TOLERANCE points). Disagreements first, then the most reported."""
    facts = distinct(tables)
    articles = tables["articles"].assign(
        site=[
            site(u, s)
            for u, s in zip(tables["articles"]["url"], tables["articles"]["source"], strict=True)
        ]
    )
    keep = ["article_id", "published", "site"]
    frames = []
    for table, keys in CLAIM_KEYS.items():
        frame = facts[table]
        if table == "prices":
            frame = frame[frame["kind"] == "price"]
        frame = frame[frame["product"].notna()].merge(articles[keep], on="article_id")
        frame = frame.assign(year=frame["published"].dt.year.astype("Int64"))
        grouped = frame.sort_values(
            ["published", "article_id", "start"], na_position="last"
        ).groupby(list(keys), dropna=False, sort=True)
        claim = grouped.agg(
            articles=("article_id", "nunique"),
            sites=("site", "nunique"),
            first_published=("published", "min"),
            last_published=("published", "max"),
            example=("sentence", "first"),
            example_article=("article_id", "first"),
        ).reset_index()
        value = "amount" if table == "prices" else "percent"
        claim = claim.assign(
            table=table,
            value=claim[value],
            value_high=claim[f"{value}_high"],
            unit=claim["currency"] if table == "prices" else claim["metric"],
            disagreement=_disagreeing(claim, COMPARED[table], value, table),
        )
        frames.append(claim)
    columns = [
        "table",
        "product",
        "value",
        "value_high",
        "unit",
        "per",
        "timepoint",
        "indication",
        "year",
        "articles",
        "sites",
        "first_published",
        "last_published",
        "disagreement",
        "example",
        "example_article",
    ]
    out = pd.concat([f.reindex(columns=columns) for f in frames], ignore_index=True)
    out["year"] = out["year"].astype("Int64")
    out["disagreement"] = out["disagreement"].astype(bool)
    return out.sort_values(
        ["disagreement", "articles", "product", "table", "year", "value"],
        ascending=[False, False, True, True, True, True],
        na_position="last",
        kind="stable",
    ).reset_index(drop=True)


def _disagreeing(
    claim: pd.DataFrame, compared: tuple[str, ...], value: str, table: str
) -> list[bool]:
    """Per claim: whether a claim of the same ``compared`` values (year known) states a
    value beyond the tolerance."""
    out = [False] * len(claim)
    if claim.empty:
        return out
    for _, rows in claim[claim["year"].notna()].groupby(list(compared), dropna=False):
        values = rows[value].tolist()
        lo, hi = min(values), max(values)
        apart = (hi - lo) > (PRICE_TOLERANCE * lo if table == "prices" else RATE_TOLERANCE)
        if apart:
            for index in rows.index:
                out[claim.index.get_loc(index)] = True
    return out


def as_records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """A frame as JSON-ready records (dates as ISO strings, missing values as None)."""
    clean = frame.astype(object).where(frame.notna(), None)
    records = clean.to_dict("records")
    for record in records:
        for key, value in record.items():
            if hasattr(value, "isoformat"):
                record[key] = value.isoformat()[:10]
    return records
