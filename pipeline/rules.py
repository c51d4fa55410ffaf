"""The one reader of patterns/: every rule and dictionary file of a patterns folder, read
once, validated and cached by its content.

``load_patterns(path)`` reads every ``*.json`` / ``*.jsonl`` file of the folder (the
packaged patterns/ when ``path`` is None) into a ``Rules`` object, keyed by a digest of
the files' names and bytes: an edited copy is a new ``Rules`` at once, in the same
process, and an unchanged folder is the same object. Every stage builds its typed rules
from that object (``load_money(rules)``, ``load_dates(rules)``, ...), cached per
``Rules``; ``build.check_rules`` builds all of them, so a broken file fails at load
with a message naming the file, the line and the key, never per article.

The installed wheel carries the files as ``pipeline/patterns`` (hatchling force-include);
a source checkout keeps them at the repository root.
"""

from __future__ import annotations

import hashlib
import importlib
import json
import os
import re
import stat
import threading
from collections.abc import Iterable, Mapping
from functools import cache, lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from .errors import PatternError
from .kept import remembered

# Python's own regex parser (re._parser since 3.11; no public interface), for the
# shape check of compile_regex
_parser: Any = importlib.import_module("re._parser")
_c: Any = importlib.import_module("re._constants")

# a pattern file larger than this is not a pattern file (a stray dump, /dev/zero)
MAX_FILE_BYTES = 8_000_000
# JSON nested deeper than this is refused before the parser recurses into it
MAX_DEPTH = 40
SUFFIXES = (".json", ".jsonl")


@lru_cache(maxsize=1)
def default_patterns_dir() -> Path:
    packaged = resources.files("pipeline").joinpath("patterns")
    if packaged.is_dir():
        return Path(str(packaged))
    return Path(__file__).resolve().parent.parent / "patterns"


def patterns_dir(path: str | Path | None) -> Path:
    root = Path(path) if path else default_patterns_dir()
    if not root.is_dir():
        raise PatternError(str(root), "patterns folder not found")
    return root


class Rules:
    """The files of one patterns folder as read at one moment. Two ``Rules`` are equal
    when their files are (``digest``), so a typed loader's cache keyed by it serves an
    edited folder afresh."""

    def __init__(self, root: Path, files: Mapping[str, bytes]):
        self.root = root
        self.files = dict(files)
        h = hashlib.sha256()
        for name in sorted(self.files):
            h.update(name.encode() + b"\0" + self.files[name] + b"\0")
        self.digest = h.hexdigest()[:16]
        self._parsed: dict[str, Any] = {}

    def __hash__(self) -> int:
        return hash(self.digest)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Rules) and other.digest == self.digest

    def __repr__(self) -> str:
        return f"Rules({str(self.root)!r}, digest={self.digest!r})"

    def path(self, name: str) -> str:
        """The file's path, as messages name it."""
        return str(self.root / name)

    def text(self, name: str) -> str:
        data = self.files.get(name)
        if data is None:
            raise PatternError(self.path(name), "file not found")
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise PatternError(self.path(name), f"not UTF-8 text: {exc}") from None

    def json(self, name: str) -> Any:
        """A whole JSON file."""
        if name not in self._parsed:
            text = self.text(name)
            _check_depth(text, self.path(name))
            try:
                value = json.loads(text)
            except json.JSONDecodeError as exc:
                raise PatternError(
                    self.path(name), f"invalid JSON: {exc.msg}", line=exc.lineno
                ) from None
            check_schema(name, value, self.path(name), text=text, source=text)
            self._parsed[name] = value
        return self._parsed[name]

    def jsonl(self, name: str) -> tuple[tuple[int, dict[str, Any]], ...]:
        """(line number, record) pairs of a JSON-lines file; blank and // lines skipped."""
        key = name + "\0lines"
        if key not in self._parsed:
            records = []
            file = self.path(name)
            for number, line in enumerate(self.text(name).splitlines(), start=1):
                if not line.strip() or line.lstrip().startswith("//"):
                    continue
                _check_depth(line, file, number)
                try:
                    value = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise PatternError(file, f"invalid JSON: {exc.msg}", line=number) from None
                if not isinstance(value, dict):
                    raise PatternError(file, "each line must be a JSON object", line=number)
                check_schema(name, value, file, line=number, source=line)
                records.append((number, value))
            self._parsed[key] = tuple(records)
        result: tuple[tuple[int, dict[str, Any]], ...] = self._parsed[key]
        return result

    def write(self, folder: Path) -> None:
        """Copy the files into ``folder`` (a saved pipeline carries its rules)."""
        folder.mkdir(parents=True, exist_ok=True)
        for name, data in self.files.items():
            (folder / name).write_bytes(data)


# the schema of each rule file: pipeline/schemas/<file stem>.schema.json (JSON Schema,
# draft 2020-12); for a JSON-lines file, the schema of one line
SCHEMAS = Path(__file__).parent / "schemas"


@cache
def _schema(name: str) -> tuple[str, str] | None:
    """The text of a rule file's schema and its digest; None for a file without one."""
    path = SCHEMAS / f"{name.rsplit('.', 1)[0]}.schema.json"
    if not path.is_file():
        return None
    text = path.read_text(encoding="utf-8")
    return text, _digest(text)


@cache
def _validator(name: str) -> Any:
    from jsonschema import Draft202012Validator

    schema = _schema(name)
    return None if schema is None else Draft202012Validator(json.loads(schema[0]))


def _digest(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()


def check_schema(
    name: str,
    value: Any,
    file: str,
    *,
    line: int | None = None,
    text: str | None = None,
    source: str | None = None,
) -> None:
    """Validate a rule file (or one line of a JSON-lines file) against its schema: types,
    allowed keys, value ranges. Every violation is named, each with its key (a dotted
    path) and line (``text``: the file, to find the line of a key in). ``source``, the
    text the value was read from, lets a passing check be kept between runs (kept)."""
    schema = _schema(name)
    if schema is None:
        return
    # (the schema's digest once per file name, not once per line of a JSON-lines file)
    if source is not None and remembered(
        "schema",
        (schema[1], _digest(source)),
        lambda: next(_validator(name).iter_errors(value), None) is None,
    ):
        return  # (then jsonschema is not even imported)
    validator = _validator(name)
    found = sorted(validator.iter_errors(value), key=lambda e: [str(p) for p in e.absolute_path])
    if not found:
        return
    problems = []
    for error in found:
        path = list(error.absolute_path)
        if error.validator == "additionalProperties" and isinstance(error.instance, dict):
            # name the unknown key itself, at its own line
            known = set(error.schema.get("properties", {}))
            path += sorted(k for k in error.instance if k not in known)[:1]
        where = line if text is None else _line_of(text, path)
        problems.append((where, _dotted(path) or None, _problem(error)))
    first_line, first_key, first = problems[0]
    more = "".join(
        "; and "
        + (f"key {key!r}" if key else "the record")
        + (f" (line {at})" if at else "")
        + f": {what}"
        for at, key, what in problems[1:10]
    )
    raise PatternError(file, first + more, line=first_line, key=first_key)


def _problem(error: Any) -> str:
    """A violation in words."""
    if error.validator == "additionalProperties":
        return f"unknown key: {error.message.split('(')[-1].rstrip(')')}"
    if error.validator == "anyOf":
        return f"{error.instance!r} is none of the types allowed here"
    return str(error.message)


def _dotted(path: list[Any]) -> str:
    """["currencies", "CNY", "prefix"] -> "currencies.CNY.prefix"; list indices in [].

    >>> _dotted(["rules", 3, "regex"])
    'rules[3].regex'
    """
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _line_of(text: str, path: list[Any]) -> int | None:
    """The line of the last key of ``path`` in a JSON text, found key by key (list
    indices are not followed: the line of the list's key is given)."""
    pos = 0
    for part in path:
        if isinstance(part, int):
            continue
        found = re.compile(rf'"{re.escape(json.dumps(part)[1:-1])}"\s*:').search(text, pos)
        if found is None:
            break
        pos = found.start()
    return text.count("\n", 0, pos) + 1 if pos else None


def _check_depth(text: str, file: str, line: int | None = None) -> None:
    """Refuse JSON nested deeper than MAX_DEPTH (the parser would recurse until the
    interpreter's limit). Counting brackets outside strings is enough for a bound."""
    depth = deepest = 0
    in_string = escaped = False
    for ch in text:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif ch in "]}":
            depth -= 1
    if deepest > MAX_DEPTH:
        raise PatternError(file, f"nested deeper than {MAX_DEPTH} levels", line=line)


def _read_file(path: Path) -> bytes:
    """The bytes of a regular pattern file: FIFOs, devices and oversized files are refused
    before they are opened or read."""
    try:
        info = path.stat()
    except OSError as exc:
        raise PatternError(str(path), f"cannot read: {exc.strerror or exc}") from None
    if not stat.S_ISREG(info.st_mode):
        raise PatternError(str(path), "not a regular file")
    if info.st_size > MAX_FILE_BYTES:
        raise PatternError(str(path), f"larger than {MAX_FILE_BYTES:,} bytes")
    try:
        with open(path, "rb") as f:
            data = f.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise PatternError(str(path), f"cannot read: {exc.strerror or exc}") from None
    if len(data) > MAX_FILE_BYTES:
        raise PatternError(str(path), f"larger than {MAX_FILE_BYTES:,} bytes")
    return data


_CACHE: dict[tuple[str, str], Rules] = {}
_LOCK = threading.Lock()


def load_patterns(path: str | Path | None = None) -> Rules:
    """The rules of a patterns folder (the packaged one when ``path`` is None), read now.
    The same content gives the same object, so every typed loader's cache holds."""
    root = patterns_dir(path).resolve()
    files = {}
    try:
        names = sorted(os.listdir(root))
    except OSError as exc:
        raise PatternError(str(root), f"cannot list: {exc.strerror or exc}") from None
    for name in names:
        if name.endswith(SUFFIXES) and not name.startswith("."):
            files[name] = _read_file(root / name)
    rules = Rules(root, files)
    with _LOCK:
        return _CACHE.setdefault((str(root), rules.digest), rules)


def check_keys(
    record: Mapping[str, Any],
    *,
    file: str,
    allowed: Iterable[str],
    required: Iterable[str] = (),
    line: int | None = None,
    within: str = "",
) -> None:
    """Reject unknown and missing keys with a message naming file, line and key
    (``within``: the key path of a nested object, "prices" for "prices.amount")."""
    allowed = set(allowed)
    prefix = f"{within}." if within else ""
    for key in record:
        if key not in allowed:
            raise PatternError(
                file,
                f"unknown key (allowed: {', '.join(sorted(allowed))})",
                line=line,
                key=prefix + key,
            )
    for key in required:
        if key not in record:
            raise PatternError(file, "required key is missing", line=line, key=prefix + key)


def open_json(
    rules: Rules, name: str, *, allowed: Iterable[str], required: Iterable[str] = ()
) -> tuple[Any, str]:
    """A JSON pattern file checked for unknown and missing top-level keys: (data, path)."""
    data = rules.json(name)
    file = rules.path(name)
    if not isinstance(data, dict):
        raise PatternError(file, "top level must be a JSON object")
    check_keys(data, file=file, allowed=set(allowed) | {"_comment"}, required=required)
    return data, file


def expect(
    value: Any, kind: type | tuple[type, ...], *, file: str, key: str, line: int | None = None
) -> Any:
    if not isinstance(value, kind):
        names = kind.__name__ if isinstance(kind, type) else " or ".join(k.__name__ for k in kind)
        raise PatternError(
            file, f"expected {names}, got {type(value).__name__}", line=line, key=key
        )
    return value


def string_list(value: Any, *, file: str, key: str, line: int | None = None) -> tuple[str, ...]:
    expect(value, list, file=file, key=key, line=line)
    for item in value:
        expect(item, str, file=file, key=key, line=line)
    return tuple(value)


def section(data: Any, key: str, kind: type, *, file: str) -> Any:
    """A required top-level section of a JSON pattern file, type-checked."""
    if not isinstance(data, dict):
        raise PatternError(file, "top level must be a JSON object")
    if key not in data:
        raise PatternError(file, "required section is missing", key=key)
    return expect(data[key], kind, file=file, key=key)


# a group repeated without bound: ")+", ")*", "){2,}"
_GROUP_REPEAT = re.compile(r"\)(?:[*+]|\{\d*,\})")


def compile_regex(pattern: str, *, file: str, key: str, line: int | None = None) -> re.Pattern[str]:
    """A regex of a rule file, compiled; a bad one, or one that nests an unbounded
    repeat directly in another ("(a+)+", "(?:\\w*)*": exponential backtracking on a near
    miss), is a PatternError at load instead of a stalled article.

    >>> compile_regex("(?:ab+c)+", file="f", key="k").pattern
    '(?:ab+c)+'
    >>> compile_regex("(?:[a-z]+ )+", file="f", key="k").pattern  # the space is required
    '(?:[a-z]+ )+'
    >>> compile_regex("(a+)+$", file="f", key="k")
    Traceback (most recent call last):
    ...
    pipeline.errors.PatternError: bad pattern file f: key 'k': a repeat inside a repeat ("(a+)+") backtracks without end on a near miss; bound the inner one or make it atomic ((?>...))
    """
    try:
        compiled = re.compile(pattern)
        # only a group can carry the outer repeat: most regexes need no parse (a parse
        # of every date rule cost a run 0.5 s at start)
        parsed = _parser.parse(pattern) if _GROUP_REPEAT.search(pattern) else ()
    except (re.error, OverflowError, RecursionError) as exc:
        raise PatternError(file, f"bad regex: {exc}", key=key, line=line) from None
    if _nested_repeat(list(parsed)):
        raise PatternError(
            file,
            'a repeat inside a repeat ("(a+)+") backtracks without end on a near miss; '
            "bound the inner one or make it atomic ((?>...))",
            key=key,
            line=line,
        )
    return compiled


def _nested_repeat(items: list[Any], inside: bool = False) -> bool:
    """Whether an unbounded repeat holds another unbounded repeat that can take all of
    one pass of it: the inner repeat is its body, or stands in it beside items that can
    all match nothing ("(a+)+", "(?:[a-z]+\\s?)+"). Such a regex splits a run in
    exponentially many ways on a near miss."""
    for op, av in items:
        if op in (_c.MAX_REPEAT, _c.MIN_REPEAT):
            _low, high, body = av
            unbounded = high == _c.MAXREPEAT
            if unbounded and inside:
                return True
            core = _unwrap(list(body))
            if unbounded and any(
                _unbounded(item) and all(_nullable(o) for o in core if o is not item)
                for item in core
            ):
                return True
            if _nested_repeat(core, unbounded and len(core) == 1):
                return True
        elif op is _c.SUBPATTERN:
            if _nested_repeat(list(av[3]), inside):
                return True
        elif op is _c.BRANCH:
            if any(_nested_repeat(list(branch), inside) for branch in av[1]):
                return True
        elif op in (_c.ASSERT, _c.ASSERT_NOT) and _nested_repeat(list(av[1])):
            return True
    return False


def _unwrap(items: list[Any]) -> list[Any]:
    """The items of a body, through groups that hold it whole."""
    while len(items) == 1 and items[0][0] is _c.SUBPATTERN:
        items = list(items[0][1][3])
    return items


def _unbounded(item: Any) -> bool:
    """An item that repeats without bound (through groups holding one item)."""
    op, av = _unwrap([item])[0] if item[0] is _c.SUBPATTERN else item
    return op in (_c.MAX_REPEAT, _c.MIN_REPEAT) and av[1] == _c.MAXREPEAT


def _nullable(item: Any) -> bool:
    """Whether an item can match the empty string."""
    op, av = item
    if op in (_c.MAX_REPEAT, _c.MIN_REPEAT):
        return av[0] == 0 or all(_nullable(i) for i in av[2])
    if op is _c.SUBPATTERN:
        return all(_nullable(i) for i in av[3])
    if op is _c.BRANCH:
        return any(all(_nullable(i) for i in branch) for branch in av[1])
    return op in (_c.AT, _c.ASSERT, _c.ASSERT_NOT)
