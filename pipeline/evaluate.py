"""Score extraction against gold annotations with the contract's rules.

Per table, per article, as sets of distinct facts; micro precision, recall and F1 over
the corpus. A gold fact marked optional is neither rewarded nor punished: a prediction
matching it is ignored, and missing it is no miss.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import errors
from .build import MAX_CHARS, build_nlp, check_rules
from .engine.batches import process
from .errors import CartfactsError
from .read.ingest import read_file

TABLES = ("products", "prices", "response_rates", "dates", "hospitals", "companies")


@dataclass
class TableScore:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    misses: list[str] = field(default_factory=list)
    extras: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def _fold(text: str) -> str:
    return " ".join(text.replace("’", "'").lower().split())


def _close(a: float, b: float, rel: float = 0.0, tol: float = 0.0) -> bool:
    return abs(a - b) <= max(tol, rel * abs(b))


# --- per-table: distinct predicted facts, and whether one matches a gold fact


def _pred_products(rows: list[dict[str, Any]]) -> list[Any]:
    return sorted({r["product"] for r in rows if r.get("product")})


def _pred_prices(rows: list[dict[str, Any]]) -> list[Any]:
    keys = {
        (r["currency"], r["amount"], r.get("amount_high")) for r in rows if r.get("kind") == "price"
    }
    return sorted(keys, key=lambda k: (k[0], k[1], k[2] or 0))


def _pred_rates(rows: list[dict[str, Any]]) -> list[Any]:
    keys = {(r["percent"], r.get("percent_high"), r["metric"]) for r in rows}
    return sorted(keys, key=lambda k: (k[0], k[1] or 0, k[2]))


def _pred_dates(rows: list[dict[str, Any]]) -> list[Any]:
    return sorted({r["value"] for r in rows})


def _pred_entities(column: str) -> Callable[[list[dict[str, Any]]], list[Any]]:
    def group(rows: list[dict[str, Any]]) -> list[Any]:
        entities: dict[str, set[str]] = {}
        for r in rows:
            entities.setdefault(r[column], set()).add(r["text"])
        return [(name, frozenset(texts)) for name, texts in sorted(entities.items())]

    return group


def _match_products(pred: Any, gold: dict[str, Any]) -> bool:
    return bool(pred == gold.get("product"))


def _match_prices(pred: Any, gold: dict[str, Any]) -> bool:
    currency, amount, high = pred
    if currency != gold["currency"] or not _close(amount, float(gold["amount"]), rel=0.005):
        return False
    if gold.get("amount_high") is not None:
        return high is not None and _close(high, float(gold["amount_high"]), rel=0.005)
    return True


def _match_rates(pred: Any, gold: dict[str, Any]) -> bool:
    percent, high, metric = pred
    if not _close(percent, float(gold["percent"]), tol=0.05) or metric != gold["metric"]:
        return False
    if gold.get("percent_high") is not None:
        return high is not None and _close(high, float(gold["percent_high"]), tol=0.05)
    return True


def _match_dates(pred: Any, gold: dict[str, Any]) -> bool:
    return bool(pred == gold["value"])


def _match_entity(column: str) -> Callable[[Any, dict[str, Any]], bool]:
    def match(pred: Any, gold: dict[str, Any]) -> bool:
        name, texts = pred
        names = {_fold(gold[column]), *(_fold(m) for m in gold.get("mentions", []))}
        return _fold(name) in names or any(_fold(t) in names for t in texts)

    return match


SCORERS: dict[
    str, tuple[Callable[[list[dict[str, Any]]], list[Any]], Callable[[Any, dict[str, Any]], bool]]
] = {
    "products": (_pred_products, _match_products),
    "prices": (_pred_prices, _match_prices),
    "response_rates": (_pred_rates, _match_rates),
    "dates": (_pred_dates, _match_dates),
    "hospitals": (_pred_entities("hospital"), _match_entity("hospital")),
    "companies": (_pred_entities("company"), _match_entity("company")),
}


def score_article(
    table: str,
    rows: list[dict[str, Any]],
    gold: list[dict[str, Any]],
    score: TableScore,
    label: str,
) -> None:
    distinct, matches = SCORERS[table]
    preds = distinct(rows)
    matched_gold: set[int] = set()
    for pred in preds:
        hits = [i for i, g in enumerate(gold) if matches(pred, g)]
        required = [i for i in hits if not gold[i].get("optional")]
        fresh = [i for i in required if i not in matched_gold]
        if fresh:
            score.tp += 1
            matched_gold.add(fresh[0])
        elif hits and not required:
            continue  # matches an optional fact only: neutral
        else:
            score.fp += 1  # no gold fact, or a gold entity already matched (a split)
            score.extras.append(
                f"{label}: {pred if not isinstance(pred, tuple) or table not in ('hospitals', 'companies') else pred[0]}"
            )
    for i, g in enumerate(gold):
        if not g.get("optional") and i not in matched_gold:
            score.fn += 1
            score.misses.append(f"{label}: {g.get('evidence') or g.get(_key(table)) or g}")


def _key(table: str) -> str:
    return {
        "products": "product",
        "hospitals": "hospital",
        "companies": "company",
        "dates": "value",
    }.get(table, "")


@dataclass
class Evaluation:
    scores: dict[str, TableScore]
    articles: int

    def table(self) -> str:
        lines = [f"{'table':<16}{'P':>7}{'R':>7}{'F1':>7}{'TP':>5}{'FP':>5}{'FN':>5}"]
        for name, s in self.scores.items():
            lines.append(
                f"{name:<16}{s.precision:>7.3f}{s.recall:>7.3f}{s.f1:>7.3f}{s.tp:>5}{s.fp:>5}{s.fn:>5}"
            )
        return "\n".join(lines)

    def min_f1(self) -> float:
        return min(s.f1 for s in self.scores.values())


def load_gold(folder: Path) -> list[dict[str, Any]]:
    files = sorted(folder.glob("*.json"))
    if not files:
        raise CartfactsError(errors.GOLD_MISSING.format(path=folder))
    return [json.loads(f.read_text(encoding="utf-8")) | {"_file": f.name} for f in files]


def evaluate(
    gold_dir: Path,
    corpus: Path,
    *,
    patterns: str | Path | None = None,
    tables: Iterable[str] = TABLES,
) -> Evaluation:
    nlp = build_nlp(patterns)
    rules = check_rules(patterns)
    scores = {t: TableScore() for t in tables}
    golds = load_gold(gold_dir)
    for gold in golds:
        path = corpus / gold["article"]
        if not path.is_file():
            raise CartfactsError(
                errors.GOLD_ARTICLE_MISSING.format(
                    gold=gold["_file"], article=gold["article"], corpus=corpus
                )
            )
        articles = list(read_file(path, gold["article"], max_chars=MAX_CHARS, patterns=rules))
        _, rows = process(articles[0], nlp)
        for table in scores:
            score_article(table, rows[table], gold.get(table, []), scores[table], gold["article"])
    return Evaluation(scores, len(golds))
