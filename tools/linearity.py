"""Is every stage linear in its input? Doubling an adversarial article must at most about
double each stage's time.

Usage: python tools/linearity.py [--size 20000] [--limit 2.2]

For each adversarial kind (a percent storm, a month storm, a run of Chinese hospital
names, Chinese dates, a money storm, capitalised names) it builds an article of about
--size characters and one of twice that, runs each through the pipeline of its language
stage by stage (tokenizer, then each component), best of three, and prints each stage's
time for both and the ratio. It exits 1 when a stage that takes long enough to time
(MIN_SECONDS) grows more than --limit times.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.build import build_nlp  # noqa: E402
from pipeline.nlp.facts import remember_text  # noqa: E402

# below this, a stage's time is noise
MIN_SECONDS = 0.02

# one unit of each kind of adversarial text (repeated to the size asked)
UNITS = {
    "percent storm (en)": ("en", "the CR rate was 45% and 67%, ORR 82.5% (95% CI 70%-90%); "),
    "month storm (en)": ("en", "in March, April and May 2021, then June 3 and July 4, "),
    "money storm (en)": ("en", "it costs $373,000 or 1.2 million yuan (about €350,000); "),
    "capitalised names (en)": ("en", "Akilunsai Injection Fosun Kite Ruijin Hospital Yikaida "),
    "Chinese hospital run (zh)": ("zh", "上海交通大学医学院附属瑞金医院、北京大学人民医院、"),
    "Chinese dates (zh)": ("zh", "2021年3月5日、去年11月、今年上半年、第三季度、"),
}


def stages(nlp, text: str) -> dict[str, float]:
    """Seconds of each stage over ``text`` (best of three)."""
    best: dict[str, float] = {}
    for _ in range(3):
        clock = time.perf_counter()
        doc = nlp.make_doc(text)
        remember_text(doc, text)
        doc.user_data["published"] = None
        doc.user_data["url"] = None
        times = {"tokenize": time.perf_counter() - clock}
        for name, proc in nlp.pipeline:
            clock = time.perf_counter()
            doc = proc(doc)
            times[name.removeprefix("cartfacts_")] = time.perf_counter() - clock
        for k, v in times.items():
            best[k] = min(best.get(k, v), v)
    return best


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=20_000)
    parser.add_argument("--limit", type=float, default=2.2)
    args = parser.parse_args(argv)
    pipelines = {lang: build_nlp(lang=lang) for lang in ("en", "zh")}
    worst = 0.0
    failed = []
    for kind, (lang, unit) in UNITS.items():
        text = unit * (args.size // len(unit) + 1)
        small = stages(pipelines[lang], text[: args.size])
        large = stages(pipelines[lang], (text * 2)[: 2 * args.size])
        print(f"{kind}: {args.size:,} -> {2 * args.size:,} characters")
        for stage, seconds in large.items():
            ratio = seconds / small[stage] if small[stage] > 0 else 0.0
            timed = seconds >= MIN_SECONDS
            mark = ""
            if timed and ratio > args.limit:
                mark = "  <- more than linear"
                failed.append(f"{kind}: {stage}")
            if timed:
                worst = max(worst, ratio)
            print(f"  {stage:<12} {small[stage]:8.3f} s {seconds:8.3f} s  {ratio:5.2f}x{mark}")
    print(f"worst ratio of a timed stage: {worst:.2f}x (limit {args.limit}x)")
    if failed:
        print("more than linear: " + ", ".join(failed))
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
