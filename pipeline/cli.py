"""The `cartfacts` command: a thin click layer over pipeline.api."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

import click

from . import errors
from .errors import CartfactsError
from .version import __version__

EXISTING_DIR = click.Path(exists=True, file_okay=False, path_type=Path)


def _fail(exc: CartfactsError) -> None:
    click.echo(f"cartfacts: error: {exc}", err=True)
    sys.exit(1)  # a runtime failure; click exits 2 for usage errors


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="cartfacts")
def main() -> None:
    """Turn CAR-T cell therapy news into Parquet fact tables with provenance.

    \b
    Examples:
      cartfacts run                      # corpus/ -> outputs/
      cartfacts run news/ --out tables/  # any folder of .txt/.md/.html/.jsonl
      cartfacts evaluate -v              # score against tests/gold
      cartfacts normalize "Akilunza injection" "WuXi Giant Nuo"
      cartfacts report outputs           # HTML review page
    """
    _arrow_memory_pool()


def _arrow_memory_pool() -> None:
    """Arrow's allocator for this command's process: jemalloc where pyarrow has it, which
    hands freed memory back sooner than its default (`report` of 20,000 articles 509 ->
    420 MB peak, `summary` 394 -> 296 MB, a run 237 -> 226 MB); a pool the user chose
    (ARROW_DEFAULT_MEMORY_POOL) wins. Only the command line does this: a notebook's
    process keeps its own."""
    if os.environ.get("ARROW_DEFAULT_MEMORY_POOL"):
        return
    import pyarrow as pa

    if "jemalloc" in pa.supported_memory_backends():
        pa.set_memory_pool(pa.jemalloc_memory_pool())


def _return_arrow_memory() -> None:
    """Have jemalloc hand Arrow's freed memory back at once rather than after a second:
    `report` reads a batch part after another, and the parts it is done with would
    otherwise stay counted (50,000 articles: 472 -> under 400 MB peak)."""
    import pyarrow as pa

    if pa.default_memory_pool().backend_name == "jemalloc":
        pa.jemalloc_set_decay_ms(0)


@main.command()
@click.argument(
    "input", required=False, default="corpus", type=click.Path(exists=True, path_type=Path)
)
@click.option(
    "--out",
    "-o",
    default="outputs",
    show_default=True,
    type=click.Path(path_type=Path),
    help="Folder for the Parquet tables.",
)
@click.option(
    "--parents",
    is_flag=True,
    help="Create the folders above --out too (otherwise a missing one is an error: a "
    "misspelled path).",
)
@click.option(
    "--patterns", type=EXISTING_DIR, default=None, help="Use an edited copy of the patterns folder."
)
@click.option(
    "--aliases",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="A CSV of confirmed names (cartfacts names --csv, with the product column filled "
    "for the names to accept): they resolve as aliases from this run on.",
)
@click.option(
    "--overwrite", is_flag=True, help="Start afresh instead of adding to existing tables."
)
@click.option(
    "--reextract",
    is_flag=True,
    help="Extract every article already in --out again, from its stored text.",
)
@click.option(
    "--batch-size",
    default=200,
    show_default=True,
    type=click.IntRange(1, 100_000),
    help="Articles per written part file.",
)
@click.option(
    "--workers",
    "-w",
    default=1,
    show_default=True,
    type=click.IntRange(1, 256),
    help="Processes that extract in parallel (each loads the pipeline once).",
)
@click.option(
    "--engine",
    type=click.Choice(["local", "dask"]),
    default="local",
    show_default=True,
    help="local: this machine's processes; dask: a Dask cluster (pip install 'cartfacts[dask]').",
)
@click.option(
    "--scheduler",
    metavar="ADDRESS",
    default=None,
    help="Dask scheduler to use, e.g. tcp://10.0.0.5:8786 (default: a LocalCluster of --workers).",
)
@click.option(
    "--wait",
    is_flag=True,
    help="If another run is writing to --out, wait for it instead of stopping.",
)
@click.option(
    "--follow-symlinks",
    is_flag=True,
    help="Follow symbolic links that lead out of INPUT (by default they are skipped).",
)
@click.option(
    "--article-timeout",
    type=click.FloatRange(min=0, min_open=True),
    default=None,
    metavar="SECONDS",
    help="Stop an article's extraction after this long and record it as an error "
    "(default: 5 s plus 3 s per 100,000 characters).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the run's summary as JSON on stdout.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar and no summary.")
def run(
    input: Path,
    out: Path,
    parents: bool,
    patterns: Path | None,
    aliases: Path | None,
    overwrite: bool,
    reextract: bool,
    batch_size: int,
    workers: int,
    engine: str,
    scheduler: str | None,
    wait: bool,
    follow_symlinks: bool,
    article_timeout: float | None,
    as_json: bool,
    quiet: bool,
) -> None:
    """Extract facts from every article under INPUT (default: corpus/) into --out.

    INPUT is a file or a folder searched recursively for .txt, .md, .html and .jsonl
    articles in any common encoding. Articles already in --out are skipped, so a re-run
    adds only what is new; articles whose facts came from other rules (an edited
    --patterns folder) are extracted again, so one table never mixes two rule sets.
    A bad article becomes an articles row with status error.

    \b
    Examples:
      cartfacts run
      cartfacts run archive/2024 --out tables --quiet
      cartfacts run feed.jsonl --out tables --overwrite
      cartfacts run archive/ --workers 2
      cartfacts run archive/ --engine dask --scheduler tcp://127.0.0.1:8786
    """
    from tqdm import tqdm

    from .api import run as run_api

    if scheduler is not None and engine != "dask":
        raise click.UsageError(errors.SCHEDULER_NEEDS_DASK)
    parent = out.absolute().parent
    if not out.exists() and not parent.exists() and not parents:
        raise click.UsageError(errors.OUT_PARENT_MISSING.format(parent=parent))
    if aliases is not None:
        from .api import with_aliases

        try:
            # the rules with the confirmed names, kept beside the tables
            patterns = with_aliases(aliases, out / ".cartfacts-patterns", patterns)
        except CartfactsError as exc:
            _fail(exc)

    # no bar in a redirected log: carriage returns would fill it; in a terminal, a total
    # (counted first: a walk of the folder, JSONL lines counted) gives the ETA
    shown = not quiet and not as_json and sys.stderr.isatty()
    total = None
    if shown:
        from .api import count_inputs

        total = count_inputs(input, follow_symlinks=follow_symlinks, exclude=out)
    bar = tqdm(
        desc="articles", unit=" art", total=total, disable=not shown, file=sys.stderr, leave=False
    )
    try:
        report = run_api(
            input,
            out,
            patterns=patterns,
            overwrite=overwrite,
            reextract=reextract,
            batch_size=batch_size,
            progress=bar.update,
            workers=workers,
            engine=engine,
            scheduler=scheduler,
            wait=wait,
            waiting=lambda message: click.echo(message, err=True),
            follow_symlinks=follow_symlinks,
            article_timeout=article_timeout,
        )
    except CartfactsError as exc:
        bar.close()
        _fail(exc)
        return
    bar.close()
    if as_json:
        click.echo(json.dumps(report.as_dict(), ensure_ascii=False, indent=1))
        return
    if not quiet:
        for source, problem in report.problems[:20]:
            click.echo(f"  {source}: {problem}", err=True)
        if len(report.problems) > 20:
            click.echo(
                f"  ... and {len(report.problems) - 20} more (see the articles table)", err=True
            )
        click.echo(report.summary())
        click.echo(f"next: cartfacts summary {out}   |   cartfacts report {out}")


@main.command()
@click.option(
    "--gold",
    default="tests/gold",
    show_default=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder of gold JSON files (the project's, from its folder).",
)
@click.option(
    "--corpus",
    default="corpus",
    show_default=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder holding the articles.",
)
@click.option(
    "--patterns", type=EXISTING_DIR, default=None, help="Use an edited copy of the patterns folder."
)
@click.option(
    "--min-f1",
    type=click.FloatRange(0, 1),
    default=None,
    help="Exit 1 when any table scores below this F1.",
)
@click.option("--verbose", "-v", is_flag=True, help="List the missed and the extra facts.")
def evaluate(
    gold: Path, corpus: Path, patterns: Path | None, min_f1: float | None, verbose: bool
) -> None:
    """Score the pipeline against gold annotations: precision, recall, F1 per table.

    \b
    Examples:
      cartfacts evaluate
      cartfacts evaluate -v --min-f1 0.9
    """
    for option, folder in (("--gold", gold), ("--corpus", corpus)):
        if not folder.is_dir():
            raise click.UsageError(
                f"{option} {folder} does not exist here: run cartfacts evaluate from the "
                "project folder (its tests/gold and corpus), or pass --gold and --corpus"
            )
    from .evaluate import evaluate as evaluate_api

    try:
        result = evaluate_api(gold, corpus, patterns=patterns)
    except CartfactsError as exc:
        _fail(exc)
        return
    click.echo(f"{result.articles} gold articles")
    click.echo(result.table())
    if verbose:
        for name, score in result.scores.items():
            for miss in score.misses:
                click.echo(f"  missed  {name}: {miss}")
            for extra in score.extras:
                click.echo(f"  extra   {name}: {extra}")
    if min_f1 is not None and result.min_f1() < min_f1:
        click.echo(
            f"cartfacts: lowest F1 {result.min_f1():.3f} is below --min-f1 {min_f1}", err=True
        )
        sys.exit(1)


@main.command()
@click.argument("names", nargs=-1, required=True)
@click.option("--company", "-c", is_flag=True, help="Resolve the names as companies, not products.")
@click.option(
    "--patterns", type=EXISTING_DIR, default=None, help="Use an edited copy of the patterns folder."
)
@click.option(
    "--context",
    metavar="TEXT",
    default=None,
    help="Resolve each name as a run would inside this text (its company, price, target).",
)
def normalize(
    names: tuple[str, ...], company: bool, patterns: Path | None, context: str | None
) -> None:
    """Show how product (or, with -c, company) names resolve, and why.

    \b
    Examples:
      cartfacts normalize "Akilunza injection" "Ruiji Orenza"
      cartfacts normalize -c "WuXi Giant Nuo" "Fosun Kate"
      cartfacts normalize "Aqilutamide injection" --context "Fosun Kite's Aqilutamide injection"
    """
    if context is not None:
        _normalize_in_context(names, company, patterns, context)
        return
    from .api import normalize
    from .read.language import detect

    chinese = tuple(n for n in names if detect(n) == "zh")
    for name in chinese:
        # a Chinese name is found and resolved the way an article's text is
        _normalize_in_context((name,), company, patterns, name)
    names = tuple(n for n in names if n not in chinese)
    if not names:
        return
    try:
        resolved = normalize(names, company=company, patterns=patterns)
    except CartfactsError as exc:
        _fail(exc)
        return
    for res in resolved:
        click.echo(
            f"{res.spelling!r} -> {res.target or 'UNRESOLVED'}  (method {res.method}, "
            f"score {res.score:.3f}, threshold {res.threshold})"
        )
        for label, score in res.candidates:
            click.echo(f"    candidate {label:<32} {score:.3f}")


def _normalize_in_context(
    names: tuple[str, ...], company: bool, patterns: Path | None, context: str
) -> None:
    from .api import extract

    table = "companies" if company else "products"
    for name in names:
        text = context if name in context else f"{context}\n{name}"
        try:
            rows = extract(text, patterns=patterns)[table]
        except CartfactsError as exc:
            _fail(exc)
            return
        found = [r for r in rows if name in r["text"] or r["text"] in name]
        if not found:
            click.echo(f"{name!r} -> not found as a {table[:-1]} mention in the context")
        for r in found:
            value = r.get("company") if company else r.get("product")
            candidate = "" if company or not r.get("candidate") else f", best {r['candidate']}"
            click.echo(
                f"{r['text']!r} -> {value or 'UNRESOLVED'}  (method {r['method']}, "
                f"score {r['score']:.3f}, rule {r['rule']}{candidate})"
            )


@main.command()
@click.argument("out", default="outputs", type=EXISTING_DIR)
@click.option(
    "--csv",
    "csv_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write the list as CSV to this file.",
)
@click.option(
    "--limit", default=50, show_default=True, type=click.IntRange(1, 100_000), help="Rows to print."
)
def names(out: Path, csv_path: Path | None, limit: int) -> None:
    """List the product names of a run that did not resolve, resolved barely, or were
    scored and gave no row, with counts, best candidates and an example sentence: the
    curation list (--csv, then --aliases FILE on the next run) that grows the knowledge
    base.

    \b
    Examples:
      cartfacts names outputs
      cartfacts names outputs --csv unresolved.csv
    """
    from .api import unresolved_names

    try:
        frame = unresolved_names(out)
    except CartfactsError as exc:
        _fail(exc)
        return
    if csv_path is not None:
        from .export import write_csv

        try:
            write_csv(frame, csv_path)
        except CartfactsError as exc:
            _fail(exc)
        click.echo(f"{len(frame)} names written to {csv_path}")
        return
    if frame.empty:
        click.echo("every product name resolved")
        return
    from .api import NAME_STATUSES

    headings = dict(
        zip(
            NAME_STATUSES,
            (
                "Unresolved: product rows without a product (best candidate shown)",
                "Resolved below the confidence line: check the product",
                "Scored but no row: nearest a product, below the floor of a products row",
            ),
            strict=True,
        )
    )
    click.echo(f"{'count':>5}  {'name':<36} {'best candidate (score)':<42} example")
    shown = frame.head(limit)
    for status in NAME_STATUSES:
        section = shown[shown["status"] == status]
        if section.empty:
            continue
        click.echo(f"\n{headings[status]} ({int((frame['status'] == status).sum())})")
        for row in section.itertuples():
            best = f"{row.candidate if isinstance(row.candidate, str) else '-'} ({row.score:.3f})"
            click.echo(f"{row.count:5d}  {row.name!r:<36} {best:<42} {row.example[:80]!r}")
    if len(frame) > limit:
        click.echo(f"\n... {len(frame) - limit} more (--limit, or --csv FILE for all)")


@main.command()
@click.argument("out", default="outputs", type=EXISTING_DIR)
@click.option(
    "--html",
    "target",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Where to write the index page; article pages go beside it "
    "(default: OUT/report/index.html).",
)
@click.option(
    "--limit",
    type=click.IntRange(1),
    default=None,
    help="Give pages to at most this many articles (the index always covers all).",
)
@click.option(
    "--per-page",
    type=click.IntRange(1, 10_000),
    default=100,
    show_default=True,
    help="Articles per article page.",
)
def report(out: Path, target: Path | None, limit: int | None, per_page: int) -> None:
    """Write the review pages of an output folder: an index (counts, coverage, charts,
    products, unresolved names, a sortable, searchable table of distinct facts) and
    article pages with every fact highlighted and labelled with its value and rule.
    Every page is self-contained and needs no network.

    \b
    Examples:
      cartfacts report
      cartfacts report tables --html review/index.html --limit 5000
    """
    from .report import write_report

    _return_arrow_memory()
    try:
        path = write_report(out, target, limit=limit, per_page=per_page)
    except CartfactsError as exc:
        _fail(exc)
        return
    except OSError as exc:
        _fail(CartfactsError(errors.WRITE_FAILED.format(path=target or out, detail=exc)))
        return
    click.echo(f"wrote {path} and its article pages")


def _load(out: Path, *, distinct: bool = False, texts: bool = True) -> dict[str, Any]:
    from .api import load

    try:
        return load(out, distinct=distinct, texts=texts)
    except CartfactsError as exc:
        _fail(exc)
        raise  # (not reached: _fail exits)


def _write_frames(frames: dict[str, Any], fmt: str, dest: Path) -> list[Path]:
    from .export import write_frames

    try:
        return write_frames(frames, fmt, dest)
    except CartfactsError as exc:
        _fail(exc)
        raise


@main.command()
@click.argument("out", default="outputs", type=EXISTING_DIR)
@click.option(
    "--csv",
    "csv_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Also write each summary table as CSV into this folder.",
)
@click.option(
    "--xlsx",
    "xlsx_file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Also write the summary tables as sheets of this Excel file.",
)
@click.option(
    "--json", "as_json", is_flag=True, help="Print the summary as JSON instead of tables."
)
@click.option(
    "--claims",
    "show_claims",
    is_flag=True,
    help="Each distinct claim across articles instead: how many articles and sites state "
    "it, first and last dates, and where sources disagree (listed first).",
)
def summary(
    out: Path, csv_dir: Path | None, xlsx_file: Path | None, as_json: bool, show_claims: bool
) -> None:
    """Per product: its prices in the stated currency and in USD with publication dates
    and sources, its response rates by metric, indication and timepoint, the hospitals
    of the articles that name it, and when it was written about. Facts are counted once
    per article (distinct facts), not once per mention.

    \b
    Examples:
      cartfacts summary outputs
      cartfacts summary outputs --csv summary/ --xlsx summary.xlsx
      cartfacts summary outputs --json | jq '.prices[] | select(.currency == "CNY")'
      cartfacts summary outputs --claims
    """
    from .views import as_records, claims, product_summary

    if show_claims:
        found = claims(_load(out))
        frames = {"claims": found.drop(columns=["example_article"])}
        if not as_json:
            disagreeing = int(found["disagreement"].sum())
            click.echo(
                f"{len(found)} distinct claims in {found['articles'].sum() if len(found) else 0} "
                f"article statements; {disagreeing} where sources disagree"
            )
    else:
        frames = product_summary(_load(out, texts=False))  # (no texts or sentences in it)
    if as_json:
        click.echo(
            json.dumps({k: as_records(v) for k, v in frames.items()}, ensure_ascii=False, indent=1)
        )
    elif show_claims:
        # a terminal gets the claim and its counts; the example sentence is in --json/--csv
        shown = frames["claims"].drop(columns=["example", "indication"])
        _print_tables({"claims": shown.rename(columns={"disagreement": "disagrees"})})
    else:
        _print_tables(frames)
    for dest, fmt in ((csv_dir, "csv"), (xlsx_file, "xlsx")):
        if dest is not None:
            for path in _write_frames(frames, fmt, dest):
                click.echo(f"wrote {path}", err=True)


def _print_tables(frames: dict[str, Any], console: Any = None) -> None:
    from rich.console import Console
    from rich.table import Table

    # a pipe or a file gets wide lines, not a terminal's 80 columns
    console = console or Console(width=None if sys.stdout.isatty() else 160)
    titles = {
        "products": "Products (distinct facts per article)",
        "prices": "Prices (kind price) with publication dates",
        "response_rates": "Response rates by metric, indication and timepoint",
        "hospitals": "Hospitals of the articles naming each product",
        "claims": "Claims across articles (disagreements first)",
    }
    for name, frame in frames.items():
        table = Table(title=titles.get(name, name), show_lines=False)
        rows = [[_cell(v) for v in row] for row in frame.itertuples(index=False)]
        for i, column in enumerate(frame.columns):
            numeric = frame[column].dtype.kind in "ifM"  # numbers and dates
            # a number or a date is never cut or wrapped: text columns give way
            widest = max((len(r[i]) for r in rows), default=0) if numeric else None
            table.add_column(
                str(column),
                justify="right" if numeric else "left",
                no_wrap=numeric,
                min_width=widest,
            )
        for row_cells in rows:
            table.add_row(*row_cells)
        if not len(frame):
            table.caption = "none"
        console.print(table)


def _cell(value: Any) -> str:
    import pandas as pd

    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    if isinstance(value, float):
        return f"{value:,.2f}".rstrip("0").rstrip(".") if value % 1 else f"{value:,.0f}"
    if hasattr(value, "date"):
        return str(value.date())
    return str(value)


@main.command()
@click.argument("out", default="outputs", type=EXISTING_DIR)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["csv", "xlsx", "jsonl", "sqlite"]),
    default="csv",
    show_default=True,
    help="File format of the export.",
)
@click.option(
    "--dest",
    type=click.Path(path_type=Path),
    default=None,
    help="Folder for csv/jsonl, file for xlsx and sqlite (default: OUT/export, "
    "OUT/tables.xlsx, OUT/tables.db).",
)
@click.option(
    "--distinct", is_flag=True, help="Fact tables with one row per distinct fact per article."
)
def export(out: Path, fmt: str, dest: Path | None, distinct: bool) -> None:
    """Write every table as CSV files, JSON-lines files, the sheets of one Excel file, or
    one SQLite database (every table, distinct-fact views, the claims across articles, and
    full-text search over the evidence: `datasette tables.db` browses it at any size).

    \b
    Examples:
      cartfacts export outputs --format csv
      cartfacts export outputs --format xlsx --dest tables.xlsx --distinct
      cartfacts export outputs --format sqlite --dest tables.db && datasette tables.db
    """
    if fmt == "sqlite":
        from .export import write_sqlite

        try:
            path = write_sqlite(out, dest or out / "tables.db")
        except CartfactsError as exc:
            _fail(exc)
            return
        click.echo(f"wrote {path}")
        return
    from .views import dated

    frames = dated(_load(out, distinct=distinct))  # each fact with its article's date
    target = dest or (out / "tables.xlsx" if fmt == "xlsx" else out / "export")
    for path in _write_frames(frames, fmt, target):
        click.echo(f"wrote {path}")


@main.command()
@click.argument("out", default="outputs", type=EXISTING_DIR)
def verify(out: Path) -> None:
    """Check every part file of OUT (footers and names only) and say what a run would
    repair: damaged or missing parts (their articles are extracted again) and files
    cartfacts did not write (a run refuses to touch them). Exit 1 when anything is found.

    \b
    Examples:
      cartfacts verify outputs
    """
    from .api import verify as verify_api

    found = verify_api(out)
    for line in found:
        click.echo(line)
    if found:
        sys.exit(1)
    click.echo(f"{out}: every part is sound")


@main.command()
@click.argument("table", required=False)
def schema(table: str | None) -> None:
    """Print the columns of every table (or of TABLE): type, whether it may be null,
    and what it holds, from the schemas the Parquet files are written with.

    \b
    Examples:
      cartfacts schema
      cartfacts schema prices
    """
    from .api import table_columns

    tables = table_columns()
    if table is not None and table not in tables:
        raise click.BadParameter(f"unknown table {table!r} (known: {', '.join(tables)})")
    for name in [table] if table else list(tables):
        click.echo(name)
        for column, type_, nullable, description in tables[name]:
            null = "null" if nullable else "    "
            click.echo(f"  {column:<18} {type_:<12} {null}  {description}")


if __name__ == "__main__":
    main()
