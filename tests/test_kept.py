"""What a start-up keeps between runs (pipeline.kept) must be what it works out: a regex
compiled from its kept code matches as Python's own compiling does (the patterns of the
case file, cold and warm, and every regex a pipeline build compiles: the same code), a
pipeline built from the cache gives the same rows as one built without it, a damaged
file or an entry the regex engine refuses is worked out again, and ``off`` keeps
nothing."""

from __future__ import annotations

import _sre
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import CORPUS, params

from pipeline import kept


def _matches(pattern: re.Pattern[str], text: str) -> list[tuple[tuple[int, int], tuple]]:
    return [(m.span(), m.groups()) for m in pattern.finditer(text)]


@pytest.mark.parametrize("case", params("kept.jsonl"))
def test_kept_code_matches_as_compiled(case, tmp_path, monkeypatch):
    monkeypatch.setenv("CARTFACTS_CACHE", str(tmp_path))
    flags = 0
    for name in case["flags"]:
        flags |= getattr(re, name)
    plain = re.compile(case["pattern"], flags)
    for round_ in ("cold", "warm"):
        re.purge()  # (else re's own cache answers)
        with kept.kept("cases"):
            pattern = re.compile(case["pattern"], flags)
        assert pattern == plain, round_  # same flags, pattern and code
        assert _matches(pattern, case["text"]) == _matches(plain, case["text"]), round_
        assert pattern.groupindex == plain.groupindex
    assert len(list(tmp_path.iterdir())) == 1


# a fresh process, so that every rule is compiled in the build (the loaders keep their
# answers per process): builds the pipeline and prints the rows of the bundled corpus
_ROWS = """
import json, sys
from pathlib import Path
from pipeline.build import build_nlp
from pipeline.nlp.facts import remember_text
from pipeline.write.rows import doc_rows
nlp = build_nlp()
for path in sorted(Path(sys.argv[1]).glob("*.txt")):
    text = path.read_text(encoding="utf-8")
    doc = nlp.make_doc(text)
    remember_text(doc, text)
    for _name, proc in nlp.pipeline:
        doc = proc(doc)
    print(json.dumps(doc_rows(doc, path.stem), sort_keys=True, default=str))
"""


def _rows(cache: str) -> str:
    env = {**os.environ, "CARTFACTS_CACHE": cache}
    done = subprocess.run(
        [sys.executable, "-c", _ROWS, str(CORPUS)], env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


@pytest.fixture(scope="module")
def warm_folder(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("kept")
    _rows(str(folder))  # cold: worked out and written
    return folder


def test_every_regex_of_a_build_is_kept_as_compiled(warm_folder):
    (path,) = warm_folder.iterdir()
    entries = kept._read(path)
    regexes = [k for k in entries if k[0] == "re"]
    assert len(regexes) > 300
    for _, pattern, flags in regexes:
        from_kept = _sre.compile(pattern, *entries["re", pattern, flags])
        assert from_kept == re._compiler.compile(pattern, flags), pattern[:80]


def test_a_pipeline_from_the_cache_gives_the_same_rows(warm_folder):
    warm = _rows(str(warm_folder))
    assert warm.count("\n") >= 5
    assert warm == _rows("off")


def test_a_damaged_file_or_a_refused_entry_is_worked_out_again(tmp_path, monkeypatch):
    monkeypatch.setenv("CARTFACTS_CACHE", str(tmp_path))
    path = tmp_path / kept._file_name("damaged")
    path.write_bytes(b"\x00not marshal data")
    re.purge()
    with kept.kept("damaged"):
        assert re.compile(r"a(b+)c").findall("abbc") == ["bb"]
    assert kept._read(path)  # written afresh
    # an entry of code the engine refuses (another build's, a damaged one)
    path.write_bytes(kept.marshal.dumps({("re", r"x(y+)z", 0): (32, [0], 0, {}, (None,))}))
    re.purge()
    with kept.kept("damaged"):
        assert re.compile(r"x(y+)z").findall("xyyz") == ["yy"]


def test_off_keeps_nothing(tmp_path, monkeypatch):
    monkeypatch.setenv("CARTFACTS_CACHE", "off")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    re.purge()
    with kept.kept("off"):
        assert re.compile(r"q+").findall("qq q") == ["qq", "q"]
    assert kept.cache_folder() is None
    assert not list(tmp_path.iterdir())
