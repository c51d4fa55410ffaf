"""Soak test of a run's durability: kill -9 at random moments, then concurrent runs.

Usage: python tools/soak.py [--articles 600] [--kills 10] [--seed 1] [--keep DIR]

It makes two corpora of made-up articles (benchmarks/bench.py's generator: A with
--articles, B with half as many) and runs ``cartfacts run`` as a user would:

1. a clean run of A, and a clean run of A then B, as the references;
2. --kills runs of A into one folder, each killed with SIGKILL at a random moment of
   what a clean run takes, each followed by the check below (of what was committed);
   each run resumes what the killed ones left, and its kill lands at a random moment
   of the work still to do (once a folder holds every article, a run to the end is
   checked against the clean run and the kills go on in a fresh folder); then a run
   to the end, whose tables must equal the clean run's;
3. a run of A and a run of B started together into one folder (``--wait``), whose
   tables must equal the clean run of A then B;
4. faults, each in a copy of the clean run's folder: a part file someone else put in a
   table folder (the run must stop, keep it byte for byte, and give the clean tables once
   it is gone); a truncated and a deleted fact part (a run must repair them to the clean
   tables); an input subfolder swapped for a symlink to a folder outside the input (nothing
   of it read); an input that failed to read and reads again (its error row replaced, with
   kills during the run that replaces it: the clean tables, no duplicate rows); a run on
   a Dask cluster of its own (a scheduler and a worker process) whose client is killed
   mid-run (what the dead client left on the cluster commits nothing; a run to the end
   on the same cluster gives the clean tables).

The check after each step: every table reads, ``article_id`` is unique, no fact row
belongs to an article missing from ``articles``, and (after a run that finished) each
inputs part (one per finished run with distinct outcomes) holds an input once, every
input is in one, none was extracted twice, and the fact rows equal the reference's
row for row. It prints one line per step (what was done, time, peak memory of the run,
result) and exits 1 on the first failed check.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench import make_corpus  # noqa: E402

import pipeline  # noqa: E402
from pipeline.write.tables import read_parts  # noqa: E402

FACT_TABLES = ("products", "prices", "response_rates", "dates", "hospitals", "companies")


def command(inputs: list[Path], out: Path, *extra: str) -> list[str]:
    return [
        sys.executable,
        "-m",
        "pipeline.cli",
        "run",
        *map(str, inputs),
        "--out",
        str(out),
        "--batch-size",
        "10",
        "-q",
        *extra,
    ]


def run_to_end(inputs: list[Path], out: Path, *extra: str) -> float:
    started = time.perf_counter()
    done = subprocess.run(command(inputs, out, *extra), capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"run failed: {done.stderr.strip()[-500:]}")
    return time.perf_counter() - started


def children_peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def tables_of(out: Path) -> dict[str, pd.DataFrame]:
    """Every table, sorted by its stable id (the row order of parts is not part of the
    contract)."""
    tables = pipeline.load(out)
    keys = {"articles": "article_id", "inputs": "source"}
    return {
        name: df.sort_values(keys.get(name, "fact_id"), kind="stable").reset_index(drop=True)
        for name, df in tables.items()
    }


def check(out: Path, reference: dict[str, pd.DataFrame] | None, history: bool = True) -> str:
    """The checks of the module docstring; an empty string when all hold. ``history``:
    the inputs parts too (not where a run read an input that later changed)."""
    if not (out / "articles.parquet").exists():
        return "" if reference is None else "no tables"  # killed before its first commit
    try:
        tables = tables_of(out)
    except Exception as exc:  # noqa: BLE001  (any failure to read is the finding)
        return f"a table does not read: {exc}"
    articles = tables["articles"]
    if not articles["article_id"].is_unique:
        return f"{articles['article_id'].duplicated().sum()} duplicate article rows"
    known = set(articles["article_id"])
    for name in FACT_TABLES:
        orphans = set(tables[name]["article_id"]) - known
        if orphans:
            return f"{len(orphans)} articles have {name} rows but no articles row"
        if not tables[name]["fact_id"].is_unique:
            return f"duplicate {name} rows"
    if reference is None:
        return ""
    if not history:
        return _same_tables(tables, reference)
    # each finished run wrote one inputs part (a run whose rows equal an earlier run's
    # writes the same part): in each, an input once, and every input in one of them; an
    # input is its path and the article it gave (two folders may hold one relative path)
    expected = set(
        zip(reference["articles"]["source"], reference["articles"]["article_id"], strict=True)
    )
    parts = list(read_parts(out, "inputs", ["source", "article_id", "status"]))
    if not parts:
        return "no inputs rows"
    seen: set[tuple[str, str]] = set()
    for name, part in parts:
        pairs = list(
            zip(
                part.column("source").to_pylist(),
                part.column("article_id").to_pylist(),
                strict=True,
            )
        )
        if len(pairs) != len(set(pairs)):
            return f"inputs part {name}: an input twice"
        seen.update(pairs)
    if seen != expected:
        return f"inputs: {len(seen)} inputs seen, {len(expected)} given"
    extracted = tables["inputs"].query("status == 'new'").groupby(["source", "article_id"]).size()
    if len(extracted) and extracted.max() > 1:
        return "an input was extracted twice"
    return _same_tables(tables, reference)


def _same_tables(tables: dict[str, pd.DataFrame], reference: dict[str, pd.DataFrame]) -> str:
    for name in ("articles", *FACT_TABLES):
        got, want = tables[name], reference[name]
        if not got.equals(want):
            return f"{name}: {len(got)} rows, the clean run has {len(want)}"
    return ""


def _copy_clean(work: Path, name: str) -> Path:
    out = work / name
    shutil.copytree(work / "ref_a", out)
    return out


def foreign_part(work: Path, a: Path, ref: dict[str, pd.DataFrame], rng: random.Random) -> str:
    """A part file someone else put in a table folder: kept byte for byte, the run stops
    with a message; once it is gone, a run gives the clean tables."""
    out = _copy_clean(work, "foreign")
    foreign = out / "prices.parquet" / "part-00000-theirs.parquet"
    pq.write_table(pa.table({"note": ["not written by cartfacts"]}), foreign)
    before = foreign.read_bytes()
    done = subprocess.run(command([a], out), capture_output=True, text=True)
    if done.returncode == 0:
        return "a run into a folder holding someone else's part went on"
    if not foreign.exists() or foreign.read_bytes() != before:
        return "someone else's part was deleted or rewritten"
    if str(foreign) not in done.stderr:
        return f"the message does not name it: {done.stderr.strip()[-200:]}"
    foreign.unlink()
    run_to_end([a], out)
    return check(out, ref)


def damaged_parts(work: Path, a: Path, ref: dict[str, pd.DataFrame], rng: random.Random) -> str:
    """A fact part truncated to half and another deleted: a run repairs both."""
    out = _copy_clean(work, "damaged")
    prices = sorted((out / "prices.parquet").glob("*.parquet"))
    dates = sorted((out / "dates.parquet").glob("*.parquet"))
    if not prices or not dates:
        return "no parts to damage"
    victim = rng.choice(prices)
    victim.write_bytes(victim.read_bytes()[: victim.stat().st_size // 2])
    rng.choice(dates).unlink()
    run_to_end([a], out)
    return check(out, ref)


def symlink_swap(work: Path, a: Path, ref: dict[str, pd.DataFrame], rng: random.Random) -> str:
    """An input subfolder swapped for a symlink to a folder outside the input, between
    two runs: nothing of the outside folder is read."""
    inputs, outside = work / "swap-in", work / "outside"
    (inputs / "sub").mkdir(parents=True)
    outside.mkdir()
    for i, path in enumerate(sorted(a.glob("*.txt"))[:20]):
        shutil.copy(path, inputs / "sub" / path.name if i % 2 else inputs / path.name)
    marker = "Outsidefile Zebracorn Hospital"
    (outside / "secret.txt").write_text(f"A page no run may read: {marker}.\n", encoding="utf-8")
    out = work / "swap-out"
    run_to_end([inputs], out)
    shutil.rmtree(inputs / "sub")
    (inputs / "sub").symlink_to(outside, target_is_directory=True)
    run_to_end([inputs], out)
    tables = pipeline.load(out)
    if tables["articles"]["source"].astype(str).str.contains("secret").any():
        return "a file outside the input was read"
    if (tables["hospitals"]["text"].astype(str) == marker).any():
        return "a fact from outside the input"
    return ""


def error_row_replaced(
    work: Path, a: Path, ref: dict[str, pd.DataFrame], rng: random.Random
) -> str:
    """An input that cannot be read (a FIFO where a file was: an error row), then reads
    again: killed runs while its row is replaced, then a run to the end, give the clean
    run's tables (a file whose bytes changed is another article, kept as such)."""
    out = work / "error-rows"
    victim = sorted(a.glob("*.txt"))[rng.randrange(len(list(a.glob("*.txt"))))]
    text = victim.read_bytes()
    try:
        victim.unlink()
        os.mkfifo(victim)  # not a regular file: unread, an error row by its name
        run_to_end([a], out)
        if "error" not in set(pipeline.load(out)["articles"].get("status", [])):
            return "the unread input gave no error row"
    finally:
        victim.unlink(missing_ok=True)
        victim.write_bytes(text)
    for _ in range(3):
        proc = subprocess.Popen(command([a], out), stderr=subprocess.DEVNULL)
        try:
            proc.wait(timeout=rng.uniform(1.0, 4.0))
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        problem = check(out, None)
        if problem:
            return f"after a kill: {problem}"
    run_to_end([a], out)
    return check(out, ref, history=False)  # (an inputs part keeps the failed read)


def _dask_cluster(work: Path) -> tuple[str, list[subprocess.Popen[bytes]]]:
    """A Dask scheduler and one worker process of their own (as a user's cluster is):
    the scheduler's address and the processes."""
    info = work / "scheduler.json"
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    cli = [sys.executable, "-m"]
    scheduler = subprocess.Popen(
        [
            *cli,
            "distributed.cli.dask_scheduler",
            "--scheduler-file",
            str(info),
            "--port",
            "0",
            "--no-dashboard",
        ],
        **quiet,
    )
    procs = [scheduler]
    deadline = time.monotonic() + 60
    while not info.exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    worker = subprocess.Popen(
        [
            *cli,
            "distributed.cli.dask_worker",
            "--scheduler-file",
            str(info),
            "--nworkers",
            "1",
            "--nthreads",
            "1",
            "--no-dashboard",
        ],
        **quiet,
    )
    procs.append(worker)
    return json.loads(info.read_text())["address"], procs


def dask_client_death(work: Path, a: Path, ref: dict[str, pd.DataFrame], rng: random.Random) -> str:
    """A run on a Dask cluster of its own whose client is killed with SIGKILL mid-run:
    the batches the dead client left on the cluster commit nothing after it (the folder
    holds no more articles ten seconds later, and stays consistent), and a run to the end
    on the same cluster gives the clean tables."""
    try:
        import distributed  # noqa: F401
    except ImportError:
        return "skipped: dask.distributed is not installed"
    address, procs = _dask_cluster(work)
    out = work / "dask-killed"
    try:
        extra = ("--engine", "dask", "--scheduler", address)
        proc = subprocess.Popen(command([a], out, *extra), stderr=subprocess.DEVNULL)
        # until some batches are committed, then at a random moment after
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline and proc.poll() is None:
            if (out / "articles.parquet").is_dir() and len(
                list((out / "articles.parquet").glob("part-*.parquet"))
            ) >= 3:
                break
            time.sleep(0.1)
        time.sleep(rng.uniform(0.5, 3.0))
        if proc.poll() is not None:
            return "the run ended before its client was killed"
        proc.kill()
        proc.wait()
        time.sleep(1.0)  # a commit under way at the kill may end
        problem = check(out, None)
        if problem:
            return f"after the client's death: {problem}"
        at_kill = len(tables_of(out)["articles"])
        time.sleep(10.0)  # the cluster would run what the dead client left
        problem = check(out, None)
        if problem:
            return f"while the dead client's tasks ran: {problem}"
        later = len(tables_of(out)["articles"])
        if later != at_kill:
            return f"the dead client's tasks committed {later - at_kill} articles after it"
        run_to_end([a], out, *extra)
        return check(out, ref)
    finally:
        for p in reversed(procs):
            p.kill()
            p.wait()


FAULTS = (
    ("someone else's part in a table folder", foreign_part),
    ("a truncated and a deleted fact part", damaged_parts),
    ("an input subfolder swapped for a symlink", symlink_swap),
    ("an error row replaced, with kills", error_row_replaced),
    ("a Dask client killed mid-run", dask_client_death),
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=600)
    parser.add_argument("--kills", type=int, default=10)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it")
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory() as tmp:
        work = args.keep or Path(tmp)
        a, b = work / "a", work / "b"
        for folder, n, seed in (
            (a, args.articles, args.seed),
            (b, args.articles // 2, args.seed + 1),
        ):
            folder.mkdir(parents=True, exist_ok=True)
            make_corpus(ROOT / "corpus", folder, n, seed=seed)
        failures = 0

        def report(step: str, seconds: float, problem: str) -> None:
            nonlocal failures
            failures += bool(problem)
            result = problem or "ok"
            print(f"{step:<52} {seconds:7.1f} s  {children_peak_mb():6.0f} MB  {result}")

        clean = run_to_end([a], work / "ref_a")
        ref_a = tables_of(work / "ref_a")
        report(f"clean run of A ({args.articles} articles)", clean, check(work / "ref_a", None))
        run_to_end([a], work / "ref_ab")
        run_to_end([b], work / "ref_ab")
        ref_ab = tables_of(work / "ref_ab")

        folders = 1
        out = work / "killed-1"
        startup = run_to_end([a], work / "ref_a")  # nothing left to do: the start-up cost
        for i in range(args.kills):
            done = len(tables_of(out)["articles"]) if (out / "articles.parquet").exists() else 0
            if done == args.articles:
                # all committed (a killed run writes no inputs part): a run to the end
                # must now give the clean run's tables; the next kills go to a fresh
                # folder, so that each lands mid-run
                seconds = run_to_end([a], out)
                report(f"folder {folders}: run to the end", seconds, check(out, ref_a))
                folders += 1
                out = work / f"killed-{folders}"
                done = 0
            left = 1 - done / args.articles
            moment = startup + rng.uniform(0.05, 0.9) * max(clean - startup, 0.1) * left
            started = time.perf_counter()
            proc = subprocess.Popen(command([a], out), stderr=subprocess.DEVNULL)
            try:
                proc.wait(timeout=moment)
                what = "ended before its kill"
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
                what = "killed"
            problem = check(out, None)
            step = f"kill -9 {i + 1} at {moment:.1f} s, {done} done ({what})"
            report(step, time.perf_counter() - started, problem)
        seconds = run_to_end([a], out)
        report("run of A to the end after the kills", seconds, check(out, ref_a))

        out = work / "concurrent"
        started = time.perf_counter()
        procs = [
            subprocess.Popen(command([folder], out, "--wait"), stderr=subprocess.PIPE, text=True)
            for folder in (a, b)
        ]
        codes = [p.wait() for p in procs]
        problem = "" if codes == [0, 0] else f"exit codes {codes}"
        # the two runs may go in either order; each input is in inputs once
        problem = problem or check(out, ref_ab)
        report("runs of A and B together (--wait)", time.perf_counter() - started, problem)

        for step, fault in FAULTS:
            started = time.perf_counter()
            problem = fault(work, a, ref_a, rng)
            report(step, time.perf_counter() - started, problem)
        return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
