"""Measure the money, percent and date parsers against a peer's public test specs.

Usage: python tools/peer_eval.py ../shared/peer [--show N]

The peer files (Recognizers-Text specs, MIT) are read from where they are; they are not
part of this project. Money is scored on (amount, currency), percentages on the value,
dates on the TIMEX value: exact, or for a peer value with an unknown year ('XXXX-10-02')
our resolution to one of its 'alternatives' (we resolve a year-less date to the
publication year, the peer keeps XXXX). Reported: precision, recall, and misses.
"""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path

from pipeline.dates.parse import default_rules, find_dates
from pipeline.prices.parse import default_money, find_money
from pipeline.rates.parse import default_rates, figures


def load(path: Path) -> list[dict]:
    return [
        json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()
    ]


def score(name: str, cases: list[dict], predict, match, show: int) -> None:
    tp = fp = fn = 0
    misses = []
    for case in cases:
        got = predict(case)
        expected = list(case["expected"])
        for g in got:
            hit = next((e for e in expected if match(g, e)), None)
            if hit is not None:
                expected.remove(hit)
                tp += 1
            else:
                fp += 1
                misses.append(f"  extra  {g!r:40} in {case['input'][:90]!r}")
        fn += len(expected)
        misses += [f"  missed {e.get('text')!r:40} in {case['input'][:90]!r}" for e in expected]
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    print(
        f"{name:<9} cases {len(cases):>4}  P {p:.3f}  R {r:.3f}  F1 {f1:.3f}  (tp {tp}, fp {fp}, fn {fn})"
    )
    for line in misses[:show]:
        print(line)


def main(folder: Path, show: int) -> None:
    money, rates, date_rules = default_money(), default_rates(), default_rules()
    score(
        "currency",
        load(folder / "currency.jsonl"),
        lambda c: [(m.amount, m.currency) for m in find_money(c["input"], money)],
        lambda g, e: abs(g[0] - e["amount"]) <= 0.005 * abs(e["amount"]) and g[1] == e["currency"],
        show,
    )
    score(
        "percent",
        load(folder / "percent.jsonl"),
        lambda c: [f.low for f in figures(c["input"], rates)],
        lambda g, e: abs(g - e["percent"]) < 0.05,
        show,
    )

    def predict_dates(c: dict) -> list[str]:
        ref = date.fromisoformat(c["reference"]) if c.get("reference") else None
        return [m.value.value for m in find_dates(c["input"], ref, date_rules)]

    score(
        "dates",
        load(folder / "dates.jsonl"),
        predict_dates,
        lambda g, e: g == e["value"] or g in e.get("alternatives", []),
        show,
    )


if __name__ == "__main__":
    args = sys.argv[1:]
    show = int(args[args.index("--show") + 1]) if "--show" in args else 0
    main(Path(args[0]) if args else Path("../shared/peer"), show)
