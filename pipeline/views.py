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
    out = {}
    for table, keys in DISTINCT_KEYS.items():
        frame = tables[table].sort_values(["article_id", "start", "end"], kind="stable")
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
        out[table] = merged.reset_index(drop=True)
    return out


def with_published(frame: pd.DataFrame, articles: pd.DataFrame) -> pd.DataFrame:
    """A fact table with each article's ``published`` date and ``source``."""
    return frame.merge(articles[["article_id", "published", "source"]], on="article_id")


def product_summary(tables: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """Per product (INN): its prices (kind price) in the stated currency and in USD with
    publication dates and sources; its response rates by metric, indication and
    timepoint; the hospitals of the articles that name it; its first and last dates."""
    facts = distinct(tables)
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
    prices = with_published(facts["prices"], articles)
    prices = prices[(prices["kind"] == "price") & prices["product"].notna()][
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


def as_records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """A frame as JSON-ready records (dates as ISO strings, missing values as None)."""
    clean = frame.astype(object).where(frame.notna(), None)
    records = clean.to_dict("records")
    for record in records:
        for key, value in record.items():
            if hasattr(value, "isoformat"):
                record[key] = value.isoformat()[:10]
    return records
