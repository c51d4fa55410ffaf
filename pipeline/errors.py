"""Every user-facing message in one place, and the project's exception types."""

from __future__ import annotations


class CartfactsError(Exception):
    """An error the user can act on; the CLI prints it without a traceback."""


class PatternError(CartfactsError):
    """A pattern file is malformed. The message names the file, the line and the key."""

    def __init__(self, file: str, problem: str, *, line: int | None = None, key: str | None = None):
        where = file if line is None else f"{file}, line {line}"
        what = problem if key is None else f"key {key!r}: {problem}"
        super().__init__(f"bad pattern file {where}: {what}")
        self.file, self.line, self.key = file, line, key


# Article-level problems: they become an `articles` row with status error/empty.
EMPTY_TEXT = "the article has no text"
EMPTY_AFTER_CLEANING = "the article has no text left after removing markup and boilerplate"
BINARY_DATA = "the file looks like binary data, not text ({detail})"
UNDECODABLE = "the file's encoding could not be determined"
TOO_LONG = "the article has {n:,} characters, more than the limit of {limit:,}"
HTML_TIMED_OUT = "reading the HTML page took longer than {seconds:.1f} s: stopped"
JSONL_BAD_LINE = "line {line} is not valid JSON: {detail}"
JSONL_NO_TEXT = "the record has no 'text' string"
JSONL_TOO_DEEP = "JSONL line {line}: nested too deep to be an article"
JSONL_SURROGATE = (
    "JSONL line {line}: its {field} holds an unpaired surrogate escape (such as \\ud800), "
    "which is no character"
)
JSONL_NOT_OBJECT = "the line is JSON but not an object"
UNREADABLE = "the file could not be read: {detail}"
UNREADABLE_FOLDER = "the folder could not be listed: {detail}"
BAD_PUBLISHED = "line {line}: 'published' {value!r} is no date this reads; left empty"
BAD_PUBLISHED_ARGUMENT = "published={value!r} is no date (try '2024-03-03' or 'March 3, 2024')"
UNSUPPORTED = "unsupported type {kind}: only .txt, .md, .html and .jsonl files are read"
OUTPUT_FOLDER = "the run's own output folder: its files are no input"
SPECIAL_FILE = "not a regular file (a FIFO, device or socket): not read"
OUTSIDE_LINK = "a symbolic link out of the input folder: not followed (--follow-symlinks)"
TOO_LARGE = "the file has {n:,} bytes, more than the limit of {limit:,}: not read"
TIMED_OUT = "extraction took longer than {seconds:.1f} s (--article-timeout): stopped"
HTML_FALLBACK = "page text from the fallback HTML parser (trafilatura failed: {detail})"
REPAIRED_BYTES = "{n:,} bytes that are not UTF-8 read as {codec}"
PROCESSING_FAILED = "extraction failed: {detail}"

# Run-level problems: the run cannot go on.
INPUT_MISSING = "input {path} does not exist"
OUTPUT_NOT_DIR = "output {path} exists and is not a folder"
OUTPUT_NOT_WRITABLE = "cannot write to output folder {path}: {detail}"
WRITE_FAILED = "cannot write {path}: {detail}"
OUTPUT_LOCKED = (
    "another cartfacts run is writing to {path}; wait for it to finish, or use --wait to queue"
)
WAITING_FOR_LOCK = "waiting for the run writing to {path} to finish..."
RUN_GONE = (
    "not written: the run this batch was for no longer holds the lock of {path} (it ended, "
    "or another run has started)"
)
OUTPUT_NOT_OURS = "{path} is not a cartfacts table folder; refusing to touch it"
FOREIGN_FILES = (
    "{out} holds files cartfacts did not write, and a run never deletes or rewrites them: "
    "{files}. Move them out of the table folders, or choose another --out"
)
PART_UNREADABLE = "cannot read {path}: {detail} (cartfacts verify OUT checks every part)"
GOLD_MISSING = "no gold files (*.json) in {path}"
GOLD_ARTICLE_MISSING = "gold file {gold} names article {article}, which is not in {corpus}"
UNKNOWN_LANGUAGE = "no pipeline for language {lang!r} (known: {known})"
UNKNOWN_ENGINE = "unknown engine {engine!r} (known: {known})"
SCHEDULER_NEEDS_DASK = "--scheduler needs --engine dask"
ALIASES_UNREADABLE = "cannot read the aliases file {path}: {detail}"
ALIASES_COLUMNS = (
    "{path} needs the columns name and product (as cartfacts names --csv writes them; "
    "put a product's INN in the product column to accept a name)"
)
INPUT_IS_OUTPUT = (
    "{path} is both the input and --out: its tables are no articles; give the folder of "
    "articles as INPUT and another folder as --out"
)
OUT_PARENT_MISSING = (
    "the folder that would hold --out, {parent}, does not exist (a misspelling?); "
    "pass --parents to create it"
)
DASK_MISSING = "the dask engine needs the optional extra: pip install 'cartfacts[dask]' ({detail})"
DASK_UNREACHABLE = "cannot reach the Dask scheduler at {address}: {detail}"
DASK_NO_WORKERS = "the Dask scheduler at {address} has no workers"
XLSX_MISSING = "Excel export needs openpyxl: pip install 'cartfacts[xlsx]'"
NO_TABLES = "{path} holds no cartfacts tables (run `cartfacts run --out {path}` first)"
MIXED_RULES = (
    "{path} holds articles extracted with {n} rule sets: a run with other rules "
    "(--patterns, or another cartfacts version) is extracting them again, or was stopped "
    "before the end; read the tables once such a run has ended"
)
