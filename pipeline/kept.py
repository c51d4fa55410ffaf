"""What a start-up works out from the rules, kept between runs.

Building a pipeline compiles some 700 regexes from the rules (patterns/) and checks every
rule file against its schema: more than half a second of every start-up, spent on the
same answers each time. Python parses each pattern and generates its matching code, and
neither can be pickled (a pickled ``re.Pattern`` is compiled again when loaded). Within
``kept(name)``, each pattern compiled from text is looked up by its text and flags in a
file of the user's cache folder and its code handed straight to the regex engine
(``_sre.compile``, which checks the code it is given); other answers that depend only on
their key are kept the same way (``remembered``: the characters a rule's match can start
with, a rule file's passing its schema). Whatever is not found is worked out as before,
and the file is written afresh at the end. An entry depends on nothing but its key (a
pattern's text and flags, a file's digest), so an edited rule is simply a new entry; a
file written by another Python is never read (its name holds the interpreter's version
and the regex engine's magic number).

Anything unexpected (no cache folder, an unreadable or foreign file, an entry the engine
refuses) falls back to working the answer out: the cache changes how long a start-up
takes, never what a rule does. ``CARTFACTS_CACHE`` names the folder; ``off`` turns the
cache off."""

from __future__ import annotations

import _sre
import marshal
import os
import re
import re._compiler as sre_compile
import re._parser as sre_parse
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

# the arguments of _sre.compile after the pattern: flags, code, groups, group index,
# index group
Compiled = tuple[int, list[int], int, dict[str, int], tuple[str | None, ...]]
Entries = dict[tuple[Any, ...], Any]
V = TypeVar("V")

# the entries of the kept() now active: (read from its file, used since). (None is held
# longer: a file's entries take some 7 MB in memory, and a read 30 ms.)
_ACTIVE: list[tuple[Entries, Entries]] = []


def cache_folder() -> Path | None:
    """Where answers are kept: ``CARTFACTS_CACHE``, else the user's cache folder
    (``XDG_CACHE_HOME`` or ~/.cache) under cartfacts; None when ``CARTFACTS_CACHE`` is
    ``off``."""
    chosen = os.environ.get("CARTFACTS_CACHE")
    if chosen:
        return None if chosen.lower() == "off" else Path(chosen)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "cartfacts"


def _file_name(name: str) -> str:
    version = "-".join(map(str, sys.version_info[:3]))
    return f"kept-{name}-py{version}-sre{_sre.MAGIC}.marshal"


def _read(path: Path) -> Entries:
    try:
        data = marshal.loads(path.read_bytes())
    except (OSError, EOFError, ValueError, TypeError):
        return {}
    return data if isinstance(data, dict) else {}


def _write(path: Path, entries: Entries) -> None:
    """Write the file whole or not at all (another process may be reading it)."""
    temporary: str | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, delete=False, suffix=".tmp") as f:
            temporary = f.name
            f.write(marshal.dumps(entries))
        os.replace(temporary, path)
    except (OSError, ValueError):
        if temporary is not None:
            Path(temporary).unlink(missing_ok=True)


def remembered(kind: str, key: tuple[Any, ...], work_out: Callable[[], V]) -> V:
    """The answer ``work_out`` gives for ``key``: from the cache file of the kept() that
    is active, else worked out (and kept). It must be made of numbers, strings, None,
    tuples, lists and dicts, and depend on nothing but the key."""
    if not _ACTIVE:
        return work_out()
    read, used = _ACTIVE[-1]
    full = (kind, *key)
    value: V = read[full] if full in read else work_out()
    used[full] = value
    return value


def _generate(pattern: str, flags: int) -> Compiled:
    """What Python's own compiling hands the regex engine (re._compiler.compile)."""
    parsed = sre_parse.parse(pattern, flags)
    code = sre_compile._code(parsed, flags)
    groupindex = dict(parsed.state.groupdict)
    indexgroup: list[str | None] = [None] * parsed.state.groups
    for key, i in groupindex.items():
        indexgroup[i] = key
    return (
        int(flags | parsed.state.flags),
        [int(c) for c in code],
        parsed.state.groups - 1,
        groupindex,
        tuple(indexgroup),
    )


def _compile_kept(original: Callable[..., Any]) -> Callable[..., Any]:
    """re._compiler.compile with its answers kept (for regexes compiled from text)."""

    def compile(p: Any, flags: int = 0) -> Any:
        if not isinstance(p, str) or flags & re.DEBUG or not _ACTIVE:
            return original(p, flags)
        read, used = _ACTIVE[-1]
        key = ("re", p, int(flags))
        entry = read.get(key)
        if entry is not None:
            try:
                pattern = _sre.compile(p, *entry)
            except (RuntimeError, TypeError, ValueError):  # (not this engine's code)
                entry = None
        if entry is None:
            entry = _generate(p, int(flags))
            pattern = _sre.compile(p, *entry)
        used[key] = entry
        return pattern

    return compile


@contextmanager
def kept(name: str) -> Iterator[None]:
    """Within it, regexes compiled from text and ``remembered`` answers come from the
    cache file ``name`` (``rules`` for checking the rules, build.check_rules; one per
    pipeline language for what building that pipeline works out besides). A kept()
    inside another one adds to the outer one's file."""
    folder = cache_folder()
    if folder is None or _ACTIVE:
        yield
        return
    path = folder / _file_name(name)
    read = _read(path)
    used: Entries = {}
    original = sre_compile.compile
    sre_compile.compile = _compile_kept(original)
    _ACTIVE.append((read, used))
    try:
        yield
    finally:
        _ACTIVE.pop()
        sre_compile.compile = original
    if used.keys() - read.keys():
        # (what this build worked out, so the file keeps no answer that is gone)
        _write(path, used)
