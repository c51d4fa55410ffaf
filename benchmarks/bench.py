"""Benchmark: articles/s, words/s, peak memory, and the pipeline's time over a blank
spaCy tokenizer of the articles' language on the same texts (the yardstick), beside a
stock rule pipeline (the blank pipeline plus an EntityRuler), with the time of each stage,
for one or more worker counts.

The yardstick is spaCy's tokenizer with its cache working. As shipped, spaCy's English
tokenizer caches nothing more in a text once one chunk touches a special case ("Dr.",
"don't", a lone newline; spaCy#1250), which nearly every news article does, so it runs
several times slower than designed; timed as shipped it would flatter any pipeline that
avoids the trap. The yardstick is the same tokenizer without its special cases; the
script also times it as shipped and says how many texts touch a special case.

Usage: python benchmarks/bench.py [--articles N [N ...]] [--workers 1 2] [--corpus DIR]
       [--language en|zh]

``--language`` picks the bundled articles of one language (detected as a run detects
it) and the blank tokenizer to compare with: ``spacy.blank("en")``, or
``spacy.blank("zh")`` with its default character segmenter. The bar is the same for both.

Several sizes (``--articles 1000 10000 50000 --workers 1``) show whether peak memory
stays flat as the corpus grows. ``--repeat N`` times each run and the stages N times
and keeps the least: on a shared machine one run can take a third longer than the next.

It makes N articles from the bundled corpus: numbers vary (each keeps its shape: dates
stay valid dates, integers integers) and 8% of the words are replaced by made-up ones,
so the vocabulary grows as a news archive's does (``--new-words``). It writes them to a
temporary folder, times ``spacy.blank("en")`` tokenizing them, then runs
``cartfacts run`` in a fresh process per worker count and reads that process's peak memory.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import date, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


# Share of words replaced by made-up ones. At 0.08, 1,000 articles (950,000 words) hold
# about 70,000 distinct chunks (words with their punctuation); a million words of English
# hold some 50,000 distinct words (Brown corpus). Without it the corpus is five texts
# over and over, and every cache looks better than it will on news.
NEW_WORDS = 0.08

# an ISO date, a number with thousands separators, or a plain number
_NUMBER = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b|\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?")


def vary(match: re.Match[str], rng: random.Random) -> str:
    """Another number of the same shape: a date stays a valid date, a year a year, an
    integer an integer, "1.25" two decimals, "700,000" grouped, a phone number its length.
    (News does not say "date 1814.9-7.4-14.2"; text like that sent every header line to
    dateparser's slow failure path and the benchmark measured that.)"""
    if match.group(1):
        return (date(2015, 1, 1) + timedelta(days=rng.randrange(4000))).isoformat()
    text = match.group(0)
    plain = text.replace(",", "")
    if len(plain) == 4 and plain[:2] in ("19", "20"):
        return str(rng.randint(2012, 2026))
    if len(plain) > 6 and plain.isdigit():
        return str(rng.randint(1, 9)) + "".join(str(rng.randint(0, 9)) for _ in plain[1:])
    value = float(plain) * rng.uniform(0.5, 1.5)
    decimals = len(plain.partition(".")[2])
    if decimals:
        return f"{value:,.{decimals}f}" if "," in text else f"{value:.{decimals}f}"
    return f"{max(1, round(value)):,}" if "," in text else str(max(1, round(value)))


# letters of made-up words (new names and terms of each article)
_ONSETS, _VOWELS = "bcdfghklmnprstvwz", "aeiou"
_WORD = re.compile(r"[A-Za-z]{3,}")


def new_word(rng: random.Random, like: str) -> str:
    """A made-up word, capitalised like ``like``."""
    word = "".join(rng.choice(_ONSETS) + rng.choice(_VOWELS) for _ in range(rng.randint(2, 5)))
    return word.capitalize() if like[0].isupper() else word


def make_corpus(
    source: Path,
    folder: Path,
    n: int,
    seed: int = 7,
    new_words: float = NEW_WORDS,
    language: str = "en",
) -> list[str]:
    """N articles from the texts of ``source`` in ``language``: numbers varied
    (``vary``), and a share ``new_words`` of the words replaced by made-up ones, so the
    vocabulary keeps growing as a news archive's does instead of repeating five texts."""
    from pipeline.read.language import detect

    rng = random.Random(seed)
    bases = [p.read_text(encoding="utf-8") for p in sorted(source.glob("*.txt"))]
    bases = [b for b in bases if detect(b) == language]
    if not bases:
        raise SystemExit(f"no {language} articles in {source}")
    folder.mkdir(parents=True, exist_ok=True)
    texts = []
    for i in range(n):
        text = _NUMBER.sub(lambda m: vary(m, rng), bases[i % len(bases)])
        if new_words:
            text = _WORD.sub(
                lambda m: new_word(rng, m.group(0)) if rng.random() < new_words else m.group(0),
                text,
            )
        text = f"Article {i}\n\n{text}"
        (folder / f"a{i:06d}.txt").write_text(text, encoding="utf-8")
        texts.append(text)
    return texts


def yardstick(language: str = "en", special_cases: bool = False) -> Any:
    """A fresh ``spacy.blank(language)``. For English, ``special_cases=False`` empties its
    special cases: once a chunk of a text touches one ("Dr.", "don't", a lone newline),
    spaCy caches nothing more for the rest of that text (spaCy#1250), and most news
    articles touch one early. Without them the same affix rules run and every chunk is
    cached, which is the tokenizer working as designed: the yardstick."""
    import spacy

    nlp = spacy.blank(language)
    nlp.max_length = 10_000_000
    if language == "en" and not special_cases:
        nlp.tokenizer.rules = {}
    return nlp


def tokenizer_seconds(
    texts: list[str],
    repeat: int = 3,
    ours: bool = False,
    language: str = "en",
    special_cases: bool = False,
) -> float:
    """The median time of a fresh blank tokenizer (``yardstick``) tokenizing every text (a
    fresh pipeline each time, so creating the vocabulary is counted, as in a run).
    ``ours``: the tokenizer of cartfacts's own pipeline instead (built before the clock
    starts), which keeps spaCy's special cases and caches around the trap
    (pipeline/nlp/tokenizer.py). ``special_cases``: spaCy's tokenizer as it ships."""
    times = []
    for _ in range(repeat):
        if ours:
            from pipeline.build import build_nlp

            nlp = build_nlp(lang=language)
        else:
            nlp = yardstick(language, special_cases)
        started = time.perf_counter()
        for text in texts:
            nlp.make_doc(text)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


# chunks of blanks that are special cases of spaCy's English tokenizer: a lone newline,
# tab or no-break space between words sets the trap as "Dr." does
_BLANK_SPECIAL = re.compile(r"(?<=\S)[\n\t\u00a0](?=\S)|(?<=\S)  (?=\S)")


def trap_texts(texts: list[str], sample: int = 200) -> tuple[int, int, Counter[str]]:
    """How many of the first ``sample`` texts touch a special case of spaCy's English
    tokenizer (which turns its cache off for the rest of the text), of how many, and the
    special cases met (``Tokenizer.explain``, which names each token's rule)."""
    nlp = yardstick("en", special_cases=True)
    met: Counter[str] = Counter()
    trapped = 0
    for text in texts[:sample]:
        found = [tok for rule, tok in nlp.tokenizer.explain(text) if rule.startswith("SPECIAL")]
        found += [repr(m.group(0)) for m in _BLANK_SPECIAL.finditer(text)]
        trapped += bool(found)
        met.update(found)
    return trapped, min(sample, len(texts)), met


def ruler_seconds(texts: list[str], language: str = "en", patterns: int = 500) -> float:
    """A stock rule pipeline over the same texts: the blank yardstick pipeline plus an
    EntityRuler of ``patterns`` phrase patterns (product, company and hospital names of
    the packaged rules), built before the clock starts."""
    from pipeline.names.kb import load_kb
    from pipeline.rules import load_patterns

    rules = load_patterns()
    kb = load_kb(rules)
    names = sorted({*kb.product_names, *kb.company_aliases})
    names += sorted({record["name"] for _, record in rules.jsonl("hospitals_gazetteer.jsonl")})
    nlp = yardstick(language)
    ruler = nlp.add_pipe("entity_ruler", config={"phrase_matcher_attr": "LOWER"})
    ruler.add_patterns([{"label": "NAME", "pattern": n} for n in names[:patterns]])
    started = time.perf_counter()
    for text in texts:
        nlp(text)
    return time.perf_counter() - started


_CHILD = """
import json, resource, sys, time


def own_peak_mb():
    # VmHWM is this process's own high-water mark. ru_maxrss is not: on Linux a child
    # starts from its parent's high-water mark at fork (the bench process holding the
    # whole corpus) and keeps it across exec, which reported 925 MB for a 233 MB run.
    try:
        for line in open("/proc/self/status"):
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


started = time.perf_counter()
if sys.argv[4] == "report":  # the review pages of the output folder
    from pipeline.cli import main
    try:
        main(["report", sys.argv[2]])
    except SystemExit as stop:
        if stop.code:
            raise
    articles = 0
else:  # a run: afresh ("new"), or again over the output it wrote ("again": nothing to do)
    from pipeline.api import run
    articles = run(sys.argv[1], sys.argv[2], workers=int(sys.argv[3]),
                   overwrite=sys.argv[4] == "new").articles
seconds = time.perf_counter() - started
# worker processes (--workers > 1): their ru_maxrss, an upper bound for the same reason
workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
print(json.dumps({"seconds": seconds, "articles": articles, "peak_mb": own_peak_mb(),
                  "worker_peak_mb": workers}))
"""


_STAGES = """
import json, sys, tempfile, time
from pathlib import Path
started = time.perf_counter()
from pipeline.engine.batches import write_batch
from pipeline.build import build_nlp
from pipeline.nlp.facts import remember_text
from pipeline.read.ingest import read_articles
from pipeline.rules import load_patterns
from pipeline.write.rows import doc_rows

seconds = {"import": time.perf_counter() - started}
clock = time.perf_counter()
rules = load_patterns()
nlp = build_nlp(lang=sys.argv[2])
seconds["build"] = time.perf_counter() - clock


def timed(stage, step, *args):
    clock = time.perf_counter()
    value = step(*args)
    seconds[stage] = seconds.get(stage, 0.0) + time.perf_counter() - clock
    return value


articles = timed("read", lambda: list(read_articles(Path(sys.argv[1]), patterns=rules)))
results = []
for article in articles:
    doc = timed("tokenize", nlp.make_doc, article.text)
    remember_text(doc, article.text)
    doc.user_data["published"] = article.published
    doc.user_data["url"] = article.url
    for name, proc in nlp.pipeline:
        doc = timed(name.removeprefix("cartfacts_"), proc, doc)
    results.append((article, timed("rows", doc_rows, doc, article.article_id)))
with tempfile.TemporaryDirectory() as out:
    for i in range(0, len(results), 200):
        timed("write", write_batch, Path(out), results[i : i + 200], rules.digest)
print(json.dumps(seconds))
"""


def stage_seconds(folder: Path, language: str) -> dict[str, float]:
    """Seconds of each stage of one extraction of ``folder`` in a fresh process: import,
    building the pipeline, reading, tokenizing, each component, rows and writing (the
    steps of ``cartfacts run`` one after another, without its bookkeeping)."""
    result = subprocess.run(
        [sys.executable, "-c", _STAGES, str(folder), language],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def run_pipeline(folder: Path, out: Path, workers: int, step: str = "new") -> dict[str, float]:
    """Seconds and peak memory of one step in a fresh process: a run afresh ("new"), a
    run again over its own output ("again", nothing left to do) or "report"."""
    result = subprocess.run(
        [sys.executable, "-c", _CHILD, str(folder), str(out), str(workers), step],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> list[dict[str, float]]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, nargs="+", default=[2000])
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--corpus", type=Path, default=ROOT / "corpus")
    parser.add_argument("--language", choices=["en", "zh"], default="en")
    parser.add_argument(
        "--new-words",
        type=float,
        default=NEW_WORDS,
        help="share of words replaced by made-up ones (default %(default)s)",
    )
    parser.add_argument(
        "--after",
        action="store_true",
        help="also the peak memory of a run again over the first run's output (nothing "
        "to do) and of `cartfacts report` on it",
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=1,
        help="time each run and the stages this many times in fresh processes and keep the "
        "least (the spread is printed): a shared machine's speed moves between runs",
    )
    args = parser.parse_args(argv)
    rows = []
    for n in args.articles:
        rows += measure(
            n, args.workers, args.corpus, args.new_words, args.language, args.after, args.repeat
        )
    if len(args.articles) > 1:
        print("articles  workers  peak MB")
        for row in rows:
            print(f"{row['articles']:>8,}  {row['workers']:>7}  {row['peak_mb']:>7.0f}")
    return rows


def measure(
    n: int,
    worker_counts: list[int],
    corpus: Path,
    new_words: float = NEW_WORDS,
    language: str = "en",
    after: bool = False,
    repeat: int = 1,
) -> list[dict[str, float]]:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "articles"
        texts = make_corpus(corpus, folder, n, new_words=new_words, language=language)
        # words: whitespace-separated in English, characters in Chinese
        words = sum(len(t.split()) if language == "en" else len(t) for t in texts)
        tok = tokenizer_seconds(texts, language=language)
        own = tokenizer_seconds(texts, ours=True, language=language)
        ruler = ruler_seconds(texts, language=language)
        print(f"{n} {language} articles, {words:,} words")
        print(f"  yardstick: blank {language} tokenizer, cache working: {tok:.2f} s (median of 3)")
        if language == "en":
            shipped = tokenizer_seconds(texts, repeat=1, special_cases=True)
            trapped, sampled, met = trap_texts(texts)
            common = ", ".join(f"{k} {v}" for k, v in met.most_common(4))
            print(
                f"  spaCy's tokenizer as shipped: {shipped:.2f} s ({shipped / tok:.2f}x); "
                f"{trapped} of {sampled} texts sampled touch a special case, which turns "
                f"its cache off for the rest of the text (spaCy#1250){': ' + common if common else ''}"
            )
        print(
            f"  stock rule pipeline (blank + EntityRuler of 500 phrases): {ruler:.2f} s "
            f"({ruler / tok:.2f}x)"
        )
        print(f"  cartfacts's own tokenizing: {own:.2f} s ({own / tok:.2f}x)")
        del texts
        repeat = max(1, repeat)
        tries = [stage_seconds(folder, language) for _ in range(repeat)]
        stages = {k: min(t[k] for t in tries) for k in tries[0]}  # each stage's least
        per = 1000 / n
        fixed = ("import", "build")
        print(
            f"  start-up: import {stages['import']:.2f} s, building the pipeline "
            f"{stages['build']:.2f} s; then seconds per 1,000 articles: "
            + ", ".join(f"{k} {v * per:.2f}" for k, v in stages.items() if k not in fixed)
        )
        rows = []
        for workers in worker_counts:
            runs = [
                run_pipeline(folder, Path(tmp) / f"out{workers}-{i}", workers)
                for i in range(repeat)
            ]
            r = min(runs, key=lambda run: run["seconds"])
            slowest = max(run["seconds"] for run in runs)
            row = {
                "language": language,
                "articles": n,
                "workers": workers,
                "seconds": r["seconds"],
                "articles_per_s": n / r["seconds"],
                "words_per_s": words / r["seconds"],
                "peak_mb": r["peak_mb"],
                "worker_peak_mb": r["worker_peak_mb"],
                "ratio_to_tokenizer": r["seconds"] / tok,
                "ruler_ratio": ruler / tok,
                "own_tokenizer_ratio": own / tok,
                **{f"stage_{k}": v for k, v in stages.items()},
            }
            rows.append(row)
            print(
                f"  cartfacts run, workers {workers}: {r['seconds']:.2f} s, "
                f"{row['articles_per_s']:.0f} articles/s, {row['words_per_s']:,.0f} words/s, "
                f"peak {r['peak_mb']:.0f} MB"
                + (f" (workers {r['worker_peak_mb']:.0f} MB)" if workers > 1 else "")
                + f", {row['ratio_to_tokenizer']:.2f}x the yardstick"
                + (f" (least of {len(runs)}; the slowest {slowest:.2f} s)" if len(runs) > 1 else "")
            )
        if after:
            out = Path(tmp) / f"out{worker_counts[0]}-0"
            for step, label in (("again", "run again, nothing to do"), ("report", "report")):
                r = run_pipeline(folder, out, worker_counts[0], step)
                rows[0][f"{step}_peak_mb"] = r["peak_mb"]
                print(f"  {label}: {r['seconds']:.2f} s, peak {r['peak_mb']:.0f} MB")
        if len(rows) > 1:
            print(
                f"speed-up {rows[0]['seconds'] / rows[-1]['seconds']:.2f}x with {rows[-1]['workers']} workers"
            )
        return rows


if __name__ == "__main__":
    main()
