"""One batch of articles: extract each article with this process's pipeline, then write
the batch's part files (fact tables first, articles last: the commit). The local run,
pool workers and Dask workers all go through here."""

from __future__ import annotations

import gc
import hashlib
import json
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from spacy.language import Language

from .. import errors
from ..bounds import ArticleTimeout, Deadline, time_limit
from ..build import build_nlp, check_rules, outgrown
from ..dates.component import PUBLISHED_FOUND
from ..errors import CartfactsError
from ..nlp.facts import remember_text
from ..read.ingest import Article
from ..rules import Rules
from ..write.lock import holds_lock
from ..write.rows import doc_rows
from ..write.tables import FACT_TABLES, SUPERSEDES, commit_parts, stage_part

Rows = dict[str, list[dict[str, Any]]]
Results = list[tuple[Article, Rows]]


# the time an article may take: a base, and more per 100,000 characters
TIMEOUT_BASE = 5.0
TIMEOUT_PER_100K = 3.0


def timeout_for(article: Article) -> float:
    """The default time bound of one article's extraction (seconds)."""
    return TIMEOUT_BASE + TIMEOUT_PER_100K * len(article.text) / 100_000


def process(article: Article, nlp: Language, timeout: float | None = None) -> tuple[Article, Rows]:
    """Facts of one article; an exception inside a component becomes an error row, and
    so does an extraction that takes longer than ``timeout`` (default timeout_for)."""
    empty: Rows = {t: [] for t in FACT_TABLES}
    if article.status != "ok":
        return article, empty
    seconds = timeout_for(article) if timeout is None else timeout
    try:
        # (a Dask worker's thread cannot be interrupted: there the bound is checked
        # between components)
        deadline = Deadline(seconds)
        with time_limit(seconds):
            doc = nlp.make_doc(article.text)
            remember_text(doc, article.text)
            doc.user_data["published"] = article.published
            doc.user_data["url"] = article.url
            for _name, proc in nlp.pipeline:
                deadline.check()
                doc = proc(doc)
            rows = doc_rows(doc, article.article_id)
        if doc.user_data.get(PUBLISHED_FOUND):  # (a date line the text gave)
            article = replace(
                article, published=doc.user_data["published"], published_source="text"
            )
        return article, rows
    except ArticleTimeout:
        return article.failed(errors.TIMED_OUT.format(seconds=seconds)), empty
    except Exception as exc:  # one bad article must not stop the run
        failed = article.failed(
            errors.PROCESSING_FAILED.format(detail=f"{type(exc).__name__}: {exc}")
        )
        return failed, empty


def process_batch(
    articles: list[Article],
    patterns: str | None,
    rules: Rules | None = None,
    timeout: float | None = None,
) -> Results:
    """Facts of a batch of articles, each with this process's pipeline for its language
    and ``patterns`` (``rules``: those patterns, when the caller has read them already),
    each within ``timeout`` seconds (default: timeout_for the article)."""
    rules = rules or check_rules(patterns)
    return [process(a, shared_nlp(patterns, rules, a.language or "en"), timeout) for a in articles]


# (rules digest, language) -> (pipeline, strings it held when built)
_NLP_CACHE: dict[tuple[str, str], tuple[Language, int]] = {}
_NLP_LOCK = threading.Lock()


def shared_nlp(
    patterns: str | Path | None, rules: Rules | None = None, lang: str = "en"
) -> Language:
    """This process's pipeline for ``lang`` and the rules now in ``patterns``: built once
    for extract(), the local run, pool workers and Dask workers (whose tasks may run on
    several threads), built afresh when a pattern file has changed (the cache is keyed
    by the rules' content) and when its vocabulary has grown too much (nlp.outgrown), so
    a long run's memory stays bounded. A Doc being processed keeps its own pipeline's
    vocabulary alive. ``rules`` saves reading the folder again when the caller has."""
    key = ((rules or check_rules(patterns)).digest, lang)
    with _NLP_LOCK:
        entry = _NLP_CACHE.get(key)
        if entry is None or outgrown(*entry):
            # one pipeline per process and language: drop those of older rules, and
            # this one when its vocabulary has grown
            stale = [k for k in _NLP_CACHE if k[0] != key[0] or k == key]
            if stale:
                for k in stale:
                    del _NLP_CACHE[k]
                del entry
                gc.collect()  # a Language holds reference cycles; free the old one now
            nlp = build_nlp(patterns, lang)
            entry = _NLP_CACHE[key] = (nlp, len(nlp.vocab.strings))
        return entry[0]


def batches(items: Iterable[Article], size: int) -> Iterator[list[Article]]:
    batch: list[Article] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


@dataclass
class BatchSummary:
    """What a written batch adds to the run report (small, so a Dask worker can return it)."""

    part: str
    facts: dict[str, int]
    statuses: list[tuple[str, str, str]]  # (status, source, error) per article
    dated: int = 0  # articles with a publication date
    linked_prices: int = 0  # price rows (kind price) tied to a product
    prices: int = 0  # price rows of kind price


def batch_part(article_ids: Iterable[str]) -> str:
    """The part-file name of a batch: a hash of its article ids, so a re-run of the same
    batch replaces its own files and never collides with another batch."""
    return hashlib.sha1("\n".join(article_ids).encode()).hexdigest()[:16]


def write_batch(
    target: Path, results: Results, rules: str, token: str | None = None
) -> BatchSummary:
    """Write one batch: a part per fact table first, the articles part last (the commit).
    ``rules`` is the digest of the rules the facts came from, kept in every part. With
    ``token`` (work of a run in another process), it commits only while that run holds
    the output's lock."""
    part = batch_part(a.article_id for a, _ in results)
    counts = {}
    staged = []
    for table in FACT_TABLES:
        rows = [row for _, r in results for row in r[table]]
        counts[table] = len(rows)
        staged.append(stage_part(target, table, rows, part, rules=rules))
    articles = [{**a.row(), "rules": rules} for a, _ in results]
    # error rows this batch replaces go with its commit (write.tables.obsolete_parts)
    replaced = sorted(a.replaces for a, _ in results if a.replaces)
    extra = {SUPERSEDES: json.dumps(replaced)} if replaced else None
    staged.append(stage_part(target, "articles", articles, part, rules=rules, metadata=extra))
    if token is not None and not holds_lock(target, token):
        for tmp, _ in staged:
            tmp.unlink(missing_ok=True)
        raise CartfactsError(errors.RUN_GONE.format(path=target))
    commit_parts(staged)  # every file written first; then facts, then articles, renamed
    prices = [row for _, r in results for row in r["prices"] if row.get("kind") == "price"]
    return BatchSummary(
        part,
        counts,
        [(a.status, a.source, a.error or "") for a, _ in results],
        dated=sum(1 for a, _ in results if a.status == "ok" and a.published is not None),
        linked_prices=sum(1 for row in prices if row.get("product")),
        prices=len(prices),
    )


def extract_and_write(
    articles: list[Article],
    target: Path,
    patterns: str | None,
    timeout: float | None = None,
    token: str | None = None,
) -> BatchSummary:
    """Extract one batch and write it, with the rules now in ``patterns`` (``token``: see
    write_batch)."""
    rules = check_rules(patterns)
    results = process_batch(articles, patterns, rules, timeout)
    return write_batch(target, results, rules.digest, token)
