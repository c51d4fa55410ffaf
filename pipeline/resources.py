"""Find and read the rule and dictionary files kept in patterns/.

The installed wheel carries them as ``pipeline/patterns`` (hatchling force-include);
a source checkout keeps them at the repository root. ``--patterns DIR`` points at an
edited copy. Every reader reports problems with the file, line and key.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from .errors import PatternError


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


def _load_json_text(file: Path) -> str:
    try:
        return file.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise PatternError(str(file), "file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise PatternError(str(file), f"cannot read: {exc}") from None


@lru_cache(maxsize=64)
def _read_json(file: Path) -> Any:
    text = _load_json_text(file)
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise PatternError(str(file), f"invalid JSON: {exc.msg}", line=exc.lineno) from None


@lru_cache(maxsize=64)
def _read_jsonl(file: Path) -> tuple[tuple[int, dict[str, Any]], ...]:
    records = []
    for number, line in enumerate(_load_json_text(file).splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("//"):
            continue
        try:
            value = json.loads(line)
        except json.JSONDecodeError as exc:
            raise PatternError(str(file), f"invalid JSON: {exc.msg}", line=number) from None
        if not isinstance(value, dict):
            raise PatternError(str(file), "each line must be a JSON object", line=number)
        records.append((number, value))
    return tuple(records)


def read_json(root: Path, name: str) -> Any:
    """A whole JSON file from the patterns folder (cached per path)."""
    return _read_json((root / name).resolve())


def read_jsonl(root: Path, name: str) -> tuple[tuple[int, dict[str, Any]], ...]:
    """(line number, record) pairs of a JSON-lines file from the patterns folder."""
    return _read_jsonl((root / name).resolve())


def check_keys(
    record: Mapping[str, Any],
    *,
    file: str,
    allowed: Iterable[str],
    required: Iterable[str] = (),
    line: int | None = None,
) -> None:
    """Reject unknown and missing keys with a message naming file, line and key."""
    allowed = set(allowed)
    for key in record:
        if key not in allowed:
            raise PatternError(
                file, f"unknown key (allowed: {', '.join(sorted(allowed))})", line=line, key=key
            )
    for key in required:
        if key not in record:
            raise PatternError(file, "required key is missing", line=line, key=key)


def open_json(
    root: Path, name: str, *, allowed: Iterable[str], required: Iterable[str] = ()
) -> tuple[Any, str]:
    """A JSON pattern file checked for unknown and missing top-level keys: (data, path)."""
    data = read_json(root, name)
    file = str(root / name)
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
