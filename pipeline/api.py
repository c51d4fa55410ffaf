"""The Python API that the CLI wraps: run over a folder, extract from one text, load
the tables of an output folder."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import errors
from .errors import CartfactsError
from .read.ingest import Article, article_id, make_article, read_articles, unread_id
from .rules import Rules, load_patterns
from .write.lock import locked
from .write.store import (
    Stored,
    input_row,
    prepare_output,
    repair,
    writable_output,
    write_inputs,
)
from .write.tables import (
    FACT_TABLES,
    TABLES,
    part_names,
    read_table,
    remove_part,
    schema,
    table_dir,
    write_part,
)

if TYPE_CHECKING:
    from spacy.language import Language

    from .engine.batches import BatchSummary

# (spaCy and the pipeline's components are imported by the functions that extract: reading
# the tables, summaries, reports and exports need none of them, and spaCy costs 70 MB and
# half a second a process)

BATCH_SIZE = 200
ENGINES = ("local", "dask")


@dataclass
class RunReport:
    out: Path
    articles: int = 0
    skipped: int = 0
    duplicates: int = 0
    errors: int = 0
    empty: int = 0
    facts: dict[str, int] = field(default_factory=lambda: {t: 0 for t in FACT_TABLES})
    seconds: float = 0.0
    problems: list[tuple[str, str]] = field(default_factory=list)
    reextracted: int = 0  # articles extracted again because their rules changed
    rules: str = ""  # digest of the rules of this run
    # files that are no articles, by type (".pdf": 3), and files inside --out
    passed: dict[str, int] = field(default_factory=dict)
    dated: int = 0  # new articles with a publication date
    prices: int = 0  # new price rows of kind price
    linked_prices: int = 0  # ... of them tied to a product
    # damaged or missing parts found at the start, whose articles were extracted again
    repaired: list[str] = field(default_factory=list)

    def add(self, batch: BatchSummary) -> None:
        for table, n in batch.facts.items():
            self.facts[table] += n
        self.dated += batch.dated
        self.prices += batch.prices
        self.linked_prices += batch.linked_prices
        for status, source, error in batch.statuses:
            self.articles += 1
            if status == "error":
                self.errors += 1
            elif status == "empty":
                self.empty += 1
            else:
                continue
            self.problems.append((source, error))

    def as_dict(self) -> dict[str, Any]:
        """The report for machines (``cartfacts run --json``)."""
        return {
            "out": str(self.out),
            "tables": {t: str(table_dir(self.out, t)) for t in TABLES},
            "new_articles": self.articles,
            "errors": self.errors,
            "empty": self.empty,
            "already": self.skipped,
            "duplicates": self.duplicates,
            "reextracted": self.reextracted,
            "not_read": dict(sorted(self.passed.items())),
            "facts": self.facts,
            "coverage": {
                "dated_articles": self.dated,
                "prices": self.prices,
                "prices_with_product": self.linked_prices,
            },
            "problems": [{"source": s, "problem": p} for s, p in self.problems],
            "repaired": self.repaired,
            "rules": self.rules,
            "seconds": round(self.seconds, 3),
        }

    def summary(self) -> str:
        """What the run did, a line per subject, ending with where the tables are."""
        counts = ", ".join(f"{t} {n}" for t, n in self.facts.items())
        lines = [
            f"{self.articles} new articles ({self.errors} error, {self.empty} empty), "
            f"{self.skipped} already in the tables, {self.duplicates} duplicate inputs"
            + (
                f", {self.reextracted} extracted again with changed rules"
                if self.reextracted
                else ""
            ),
            f"facts: {counts}",
        ]
        if self.articles:
            ok = self.articles - self.errors - self.empty
            lines.append(
                f"coverage: {self.dated} of {ok} new articles dated; "
                f"{self.linked_prices} of {self.prices} prices tied to a product"
            )
        if self.passed:
            kinds = ", ".join(f"{n} {kind}" for kind, n in sorted(self.passed.items()))
            lines.append(f"not read: {kinds} (see the inputs table)")
        for found in self.repaired:
            lines.append(f"repaired: {found}; its articles extracted again")
        lines.append(f"tables: {self.out}/<table>.parquet ({self.seconds:.1f} s)")
        return "\n".join(lines)


def extract(
    text: str,
    published: date | str | None = None,
    *,
    nlp: Language | None = None,
    patterns: str | Path | None = None,
) -> dict[str, list[dict[str, Any]]]:
    """The facts of one text as rows of every table (``articles`` included).

    Offsets refer to the cleaned text, which is the ``text`` of the articles row.
    """
    if isinstance(published, str):
        from .dates.parse import parse_published_value

        value = published
        published = parse_published_value(value)
        if published is None:
            raise CartfactsError(errors.BAD_PUBLISHED_ARGUMENT.format(value=value))
    data = text.encode("utf-8")
    from .build import MAX_CHARS, check_rules
    from .engine.batches import process, shared_nlp

    rules = check_rules(patterns)
    article = make_article(
        data, text, "<text>", published=published, max_chars=MAX_CHARS, patterns=rules
    )
    language = article.language or "en"
    article, rows = process(article, nlp or shared_nlp(patterns, rules, language))
    return {"articles": [{**article.row(), "rules": rules.digest}], **rows}


def run(
    input: str | Path,
    out: str | Path = "outputs",
    *,
    patterns: str | Path | None = None,
    overwrite: bool = False,
    reextract: bool = False,
    batch_size: int = BATCH_SIZE,
    progress: Callable[[int], None] | None = None,
    workers: int = 1,
    engine: str = "local",
    scheduler: str | None = None,
    wait: bool = False,
    waiting: Callable[[str], None] | None = None,
    follow_symlinks: bool = False,
    article_timeout: float | None = None,
) -> RunReport:
    """Extract every article under ``input`` into the tables of ``out``.

    Articles already in ``out`` (same article_id) and extracted with the same rules are
    skipped; ``overwrite`` starts afresh. Articles whose facts came from other rules (an
    edited patterns folder) are extracted again: from the input when it holds them, else
    from the text stored in ``out``; then their old parts go, so facts of two rule sets
    never mix. ``reextract`` extracts every stored article again.

    Each batch is written as one part file per table, articles last, so an interrupted
    run loses at most the batch in flight and a re-run completes it. ``workers`` > 1
    extracts in that many processes (each builds the pipeline once); results keep the
    input order, so the tables are the same as with one worker.

    ``engine="dask"`` sends the batches to a Dask cluster: the scheduler at ``scheduler``
    ("tcp://host:8786"), or a LocalCluster of ``workers`` processes when it is None.
    Batches are cut the same way, so the part files and rows are the same as a local run.

    One run at a time writes to ``out`` (write.lock): another run holding it makes this
    one fail, or wait with ``wait``. What the folder holds is read under the lock.
    Symbolic links out of ``input`` are not followed unless ``follow_symlinks``. An
    article whose extraction takes longer than ``article_timeout`` seconds (default:
    engine.batches.timeout_for, a few seconds per 100 KB) becomes an error row.
    """
    started = time.perf_counter()
    source, target = Path(input), Path(out).absolute()
    if engine not in ENGINES:
        raise CartfactsError(errors.UNKNOWN_ENGINE.format(engine=engine, known=", ".join(ENGINES)))
    if scheduler is not None and engine != "dask":
        raise CartfactsError(errors.SCHEDULER_NEEDS_DASK)
    if source.exists() and source.resolve() == target.resolve():
        raise CartfactsError(errors.INPUT_IS_OUTPUT.format(path=source))
    if not source.exists():
        raise CartfactsError(errors.INPUT_MISSING.format(path=source))
    if engine == "dask":
        from .engine.dask import require

        require()
    from .build import check_rules

    rules = check_rules(patterns)  # every pattern file valid before anything is touched
    writable_output(target)
    with locked(target, wait=wait, waiting=waiting) as token:
        return _run_locked(
            token,
            source,
            target,
            rules,
            patterns,
            overwrite,
            reextract,
            batch_size,
            progress,
            workers,
            engine,
            scheduler,
            follow_symlinks,
            article_timeout,
            started,
        )


def _run_locked(
    token: str,
    source: Path,
    target: Path,
    rules: Rules,
    patterns: str | Path | None,
    overwrite: bool,
    reextract: bool,
    batch_size: int,
    progress: Callable[[int], None] | None,
    workers: int,
    engine: str,
    scheduler: str | None,
    follow_symlinks: bool,
    article_timeout: float | None,
    started: float,
) -> RunReport:
    from .build import MAX_CHARS
    from .engine.batches import batches

    found = prepare_output(target, overwrite)
    report = RunReport(out=target, rules=rules.digest, repaired=found.lines())
    stored = Stored.read(target, rules.digest, reextract, repair(target, found))
    stale = stored.stale_ids()
    seen: dict[str, str] = {}  # article id -> the source it came from first
    superseded: set[str] = set()  # error rows of files now read
    inputs: list[dict[str, Any]] = []
    passed: list[tuple[str, str, str]] = []

    def fresh() -> Iterator[Article]:
        for article in read_articles(
            source,
            max_chars=MAX_CHARS,
            patterns=rules,
            follow_symlinks=follow_symlinks,
            passed=passed,
            exclude=target,
        ):
            if progress:
                progress(1)
            row = {"source": article.source, "article_id": article.article_id}
            unread = unread_id(article.source)
            if article.article_id != unread and unread in stored.current:
                # this file could not be read before; its old error row goes, at the
                # commit of the batch that holds this article (obsolete_parts)
                superseded.add(unread)
                stale.update(stored.supersede(unread))
                article = replace(article, replaces=unread)
            if article.article_id in stored.current:
                report.skipped += 1
                inputs.append({**row, "status": "already"})
            elif article.article_id in seen:
                report.duplicates += 1
                inputs.append(
                    {**row, "status": "duplicate", "duplicate_of": seen[article.article_id]}
                )
            else:
                seen[article.article_id] = article.source
                if article.article_id in stale:
                    report.reextracted += 1
                inputs.append(input_row(row, article, article.article_id in stale))
                yield article
        # not in this input: extract them again from their stored text
        left = stale - set(seen) - superseded
        report.reextracted += len(left)
        yield from stored.stored_articles(target, left)

    patterns_arg = str(patterns) if patterns else None
    written: set[str] = set()
    if engine == "dask":
        from .engine.dask import run_batches as dask_batches

        summaries = dask_batches(
            batches(fresh(), batch_size), target, patterns_arg, workers, scheduler, token
        )
    else:
        from .engine.local import run_batches as local_batches

        summaries = local_batches(
            batches(fresh(), batch_size),
            target,
            patterns_arg,
            rules.digest,
            workers,
            article_timeout,
        )
    for summary in summaries:
        written.add(summary.part)
        report.add(summary)
    for part in stored.stale:  # every article of these is in a new part now
        if part not in written:
            remove_part(target, part)
    for source_name, status, message in passed:
        inputs.append({"source": source_name, "status": status, "message": message})
        kind = "output folder" if status == "output" else Path(source_name).suffix or "no suffix"
        report.passed[kind] = report.passed.get(kind, 0) + 1
    if inputs:
        write_inputs(target, inputs, rules.digest)
    for table in TABLES:  # every table exists, with its schema, even with no rows
        if not part_names(target, table):
            write_part(target, table, [], "empty", rules=rules.digest)
    report.seconds = time.perf_counter() - started
    return report


def load(
    out: str | Path = "outputs",
    *,
    distinct: bool = False,
    claims: bool = False,
    texts: bool = True,
) -> dict[str, Any]:
    """Every table of an output folder as a pandas DataFrame, keyed by table name, with
    ``articles.published`` as datetime64 (so ``.dt.year`` works, as a DATE does in DuckDB
    and polars). With ``distinct``, each fact table has one row per distinct fact per
    article, with its ``mentions`` count and first evidence (views.distinct). With
    ``claims``, a ``claims`` table too: each distinct price or rate claim across articles,
    with how many articles and sites state it and where sources disagree (views.claims).
    With ``texts=False``, without the article texts and the sentences of fact rows
    (products keep theirs, which name reviews quote): what a large folder's overview needs
    (``write.tables.part_texts`` reads the texts of one batch)."""
    folder = tables_folder(out)
    tables = {
        table: articles_frame(folder, texts)
        if table == "articles"
        else read_table(folder, table, None if texts else light_columns(table)).to_pandas()
        for table in TABLES
    }
    if claims:
        from .views import claims as claims_view

        found = claims_view(tables)
    if distinct:
        from .views import distinct as distinct_facts

        tables.update(distinct_facts(tables))
    if claims:
        tables["claims"] = found
    return tables


def tables_folder(out: str | Path) -> Path:
    """The output folder ``out``, which must hold cartfacts tables."""
    folder = Path(out)
    if not table_dir(folder, "articles").is_dir():
        raise CartfactsError(errors.NO_TABLES.format(path=folder))
    return folder


def articles_frame(folder: Path, texts: bool = True) -> Any:
    """The articles table (without texts with ``texts=False``) as load gives it:
    ``published`` as datetime64, and refused when it mixes two rule sets (while a run
    with other rules extracts a folder's articles again, its new batches stand beside the
    old until it ends, and the same articles twice)."""
    import pandas as pd

    articles = read_table(
        folder, "articles", None if texts else light_columns("articles")
    ).to_pandas()
    digests = articles["rules"].dropna().unique()
    if len(digests) > 1:
        raise CartfactsError(errors.MIXED_RULES.format(path=folder, n=len(digests)))
    articles["published"] = pd.to_datetime(articles["published"])
    return articles


def light_columns(table: str) -> list[str]:
    """A table's columns but its heavy texts: the articles' texts and the fact rows'
    sentences (products keep theirs, which name reviews quote)."""
    heavy = {"text"} if table == "articles" else set() if table == "products" else {"sentence"}
    return [c for c in schema(table).names if c not in heavy]


# a resolved name this close to the threshold is listed for review too
REVIEW_MARGIN = 0.05


# the sections of the names list (``status``), in the order they are shown
NAME_STATUSES = ("unresolved", "weak", "no row")


def unresolved_names(out: str | Path = "outputs", tables: dict[str, Any] | None = None) -> Any:
    """The analyst's curation list of an output folder's product names, one row per
    spelling (case folded) and ``status``: ``unresolved`` (a products row that names no
    product of the knowledge base), ``weak`` (resolved within REVIEW_MARGIN of the
    threshold, not by an alias) and ``no row`` (scored, nearest a product, but below the
    floor of a products row: the name_candidates table). Each with its count, best
    candidate, best score, product (when resolved: its INN, or its id when it has none)
    and an example sentence; by status, then most frequent first.
    ``tables``: the folder's tables when the caller has loaded them already (else only
    the weak rows of the products table are read into memory)."""
    import pandas as pd

    from .names.kb import load_kb

    threshold = load_kb(load_patterns(None)).translit.scoring["product_threshold"]
    hospitals = None
    if tables is not None:
        products = tables["products"]
        below = tables.get("name_candidates")
        hospitals = tables.get("hospitals")
    else:
        import pyarrow.compute as pc

        folder = tables_folder(out)
        arrow = read_table(folder, "products")
        weak_rows = pc.or_kleene(
            pc.is_null(arrow["product_id"]),
            pc.and_kleene(
                pc.not_equal(pc.fill_null(arrow["method"], ""), "alias"),
                pc.less(arrow["score"], threshold + REVIEW_MARGIN),
            ),
        )
        products = arrow.filter(pc.fill_null(weak_rows, False)).to_pandas()
        below = read_table(folder, "name_candidates").to_pandas()
        hospitals = read_table(folder, "hospitals", ["article_id", "start", "end"]).to_pandas()
    # (a product without an INN resolves to its id; its product column stays null)
    unresolved = _not_ordinary(products[products["product_id"].isna()], hospitals)
    if below is not None:
        below = _not_ordinary(below, hospitals)
    weak = products[
        products["product_id"].notna()
        & (products["method"] != "alias")
        & (products["score"] < threshold + REVIEW_MARGIN)
    ]
    rows = []
    for status, part in zip(
        NAME_STATUSES,
        (unresolved, weak, below if below is not None else unresolved.iloc[0:0]),
        strict=True,
    ):
        for _spelling, group in part.groupby(part["text"].str.lower(), sort=False):
            best = group.sort_values("score", ascending=False, kind="stable").iloc[0]
            product = next(
                (v for v in (best.get("product"), best.get("product_id")) if pd.notna(v)), None
            )
            rows.append(
                {
                    "name": str(best["text"]),
                    "status": status,
                    "count": len(group),
                    # the best candidate of an unresolved name, the product of a weak one
                    "candidate": next(
                        (v for v in (best.get("candidate"), product) if pd.notna(v)), None
                    ),
                    "score": float(best["score"]),
                    "product": product,
                    "example": str(best["sentence"]),
                }
            )
    frame = pd.DataFrame(
        rows, columns=["name", "status", "count", "candidate", "score", "product", "example"]
    )
    order = frame["status"].map({s: i for i, s in enumerate(NAME_STATUSES)})
    return (
        frame.assign(_order=order)
        .sort_values(["_order", "count", "name"], ascending=[True, False, True], kind="stable")
        .drop(columns="_order")
        .reset_index(drop=True)
    )


def _not_ordinary(rows: Any, hospitals: Any) -> Any:
    """The names list's rows without the names that are something else: a place (a city
    or country of hospitals.json: "San Diego"), a number in words ("Seventy-five"), or a
    part of a hospital's name found in the same article ("NYU Langone")."""
    from .hospitals.parse import load_hospitals
    from .words.numbers import load_numbers, words_to_number

    if rows.empty:
        return rows
    rules = load_patterns(None)
    places = load_hospitals(rules)
    numbers = load_numbers(rules)
    spans: dict[str, list[tuple[int, int]]] = {}
    if hospitals is not None:
        for art, s, e in zip(
            hospitals["article_id"], hospitals["start"], hospitals["end"], strict=True
        ):
            spans.setdefault(art, []).append((int(s), int(e)))

    def ordinary(row: Any) -> bool:
        low = str(row["text"]).lower()
        return (
            low in places.cities
            or low in places.countries
            or words_to_number(low, numbers) is not None
            or any(s < row["end"] and row["start"] < e for s, e in spans.get(row["article_id"], ()))
        )

    return rows[[not ordinary(r) for _, r in rows.iterrows()]]


__all__ = ["RunReport", "article_id", "extract", "load", "run", "unresolved_names"]


@dataclass(frozen=True)
class Normalized:
    """How one spelling resolves (``normalize``): the name it resolves to (None when
    unresolved), the method and score, the threshold it had to reach, and the closest
    candidates with their scores."""

    spelling: str
    target: str | None
    method: str
    score: float
    threshold: float
    candidates: tuple[tuple[str, float], ...]


def normalize(
    names: Iterable[str], *, company: bool = False, patterns: str | Path | None = None
) -> list[Normalized]:
    """How product (or, with ``company``, company) spellings resolve against the
    knowledge base of ``patterns``, out of context; ``extract`` resolves them in context."""
    from .build import check_rules
    from .names.kb import load_kb, resolve_company, resolve_product

    kb = load_kb(check_rules(patterns))
    threshold = kb.translit.scoring["company_threshold" if company else "product_threshold"]
    if company:
        label = {cid: c.name for cid, c in kb.companies.items()}
    else:
        label = {pid: p.label for pid, p in kb.products.items()}
    out = []
    for name in names:
        res = resolve_company(name, kb) if company else resolve_product(name, kb)
        out.append(
            Normalized(
                name,
                label[res.target_id] if res.target_id else None,
                res.method,
                res.score,
                threshold,
                tuple((label[cid], score) for cid, score in res.candidates),
            )
        )
    return out


def count_inputs(
    input: str | Path, *, follow_symlinks: bool = False, exclude: Path | None = None
) -> int:
    """How many articles ``run`` would read under ``input`` (files, and JSONL lines)."""
    from .read.ingest import count_articles

    return count_articles(Path(input), follow_symlinks=follow_symlinks, exclude=exclude)


def with_aliases(
    aliases: str | Path, folder: str | Path, patterns: str | Path | None = None
) -> Path:
    """A patterns folder holding the rules of ``patterns`` and the confirmed spellings of
    ``aliases``: a CSV as ``cartfacts names --csv`` writes it, in which a row whose
    ``product`` column holds an INN (copy the candidate there to accept it) makes its
    ``name`` an alias of that product. Its rules differ from the others', so a run with it
    extracts again the articles made with other rules. The folder is ``folder`` with a
    digest of its content appended, made in a temporary folder and renamed into place,
    so runs with the same or other alias files never write over each other's rules."""
    import csv
    import hashlib
    import json
    import shutil
    import tempfile

    from .build import check_rules
    from .rules import patterns_dir

    source = Path(aliases)
    try:
        with source.open(encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise CartfactsError(errors.ALIASES_UNREADABLE.format(path=source, detail=exc)) from None
    if rows and not {"name", "product"} <= set(rows[0]):
        raise CartfactsError(errors.ALIASES_COLUMNS.format(path=source))
    lines = "".join(
        json.dumps(
            {"alias": r["name"].strip(), "product": r["product"].strip()}, ensure_ascii=False
        )
        + "\n"
        for r in rows
        if (r.get("product") or "").strip() and (r.get("name") or "").strip()
    )
    base = patterns_dir(patterns)
    digest = hashlib.sha256((check_rules(base).digest + lines).encode()).hexdigest()[:12]
    target = Path(f"{folder}-{digest}")
    if not target.is_dir():
        target.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".tmp-patterns-", dir=target.parent))
        try:
            shutil.copytree(base, staging, dirs_exist_ok=True)
            (staging / "aliases.jsonl").write_text(lines, encoding="utf-8")
            check_rules(staging)  # a product no one knows fails here, naming the line
            try:
                staging.rename(target)
            except OSError:
                if not target.is_dir():  # another run made the same folder first: fine
                    raise
        finally:
            if staging.exists():
                shutil.rmtree(staging, ignore_errors=True)
    return target


def verify(out: str | Path = "outputs") -> list[str]:
    """What a run into ``out`` would find and repair, a line each: parts that cannot be
    read or are missing (their articles would be extracted again), and files cartfacts
    did not write (a run refuses to start while they are there). Empty when all is sound."""
    from .write.tables import inspect_parts

    return inspect_parts(Path(out)).lines()


def table_columns() -> dict[str, list[tuple[str, str, bool, str]]]:
    """Each table's columns: (name, Arrow type, nullable, description)."""
    return {
        table: [(c.name, str(c.type), c.nullable, c.description) for c in columns]
        for table, columns in TABLES.items()
    }
