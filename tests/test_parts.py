"""Part files a run did not write are never touched, and damaged ones are repaired:
each fault of tests/data/damaged_parts.jsonl put into a clean run's folder."""

from __future__ import annotations

import shutil

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner
from conftest import CORPUS, params

import pipeline
from pipeline.cli import main
from pipeline.errors import CartfactsError


@pytest.fixture(scope="module")
def clean(seed_out):
    return seed_out


def rows(out):
    """Every table as sorted rows, for comparing two folders."""
    tables = pipeline.load(out)
    return {
        name: sorted(map(repr, frame.drop(columns=["seconds"], errors="ignore").to_dict("records")))
        for name, frame in tables.items()
        if name != "inputs"
    }


def put_fault(out, table, fault):
    folder = out / f"{table}.parquet"
    part = sorted(folder.glob("part-*.parquet"))[0]
    if fault == "foreign_name":
        target = folder / "theirs.parquet"
        pq.write_table(pa.table({"x": [1, 2]}), target)
    elif fault == "foreign_schema":
        target = folder / "part-0123456789abcdef.parquet"
        pq.write_table(pa.table({"article_id": ["a", "b"]}), target)
    elif fault == "foreign_folder":
        target = folder / "notes"
        target.mkdir()
        (target / "readme.txt").write_text("mine")
    elif fault == "truncated":
        data = part.read_bytes()
        part.write_bytes(data[: len(data) // 2])
        target = part
    elif fault == "zero_byte":
        part.write_bytes(b"")
        target = part
    elif fault == "deleted":
        part.unlink()
        target = part
    else:
        raise ValueError(fault)
    return target


@pytest.mark.parametrize("case", params("damaged_parts.jsonl"))
def test_a_fault_in_the_output_is_refused_or_repaired(case, clean, tmp_path):
    out = tmp_path / "out"
    shutil.copytree(clean, out)
    target = put_fault(out, case["table"], case["fault"])
    found = pipeline.api.verify(out)
    assert any(target.name in line for line in found), found
    if case["refused"]:
        before = sorted(p.relative_to(out) for p in out.rglob("*"))
        with pytest.raises(CartfactsError, match="did not write") as raised:
            pipeline.run(CORPUS, out)
        assert target.name in str(raised.value)
        assert sorted(p.relative_to(out) for p in out.rglob("*")) == before, "nothing touched"
        with pytest.raises(CartfactsError, match="did not write"):
            pipeline.run(CORPUS, out, overwrite=True)  # not even when starting afresh
        assert target.exists()
    else:
        report = pipeline.run(CORPUS, out)
        assert report.repaired and target.name in report.repaired[0]
        assert pipeline.api.verify(out) == []
        assert rows(out) == rows(clean)


def test_a_reader_names_a_damaged_part(clean, tmp_path):
    out = tmp_path / "out"
    shutil.copytree(clean, out)
    target = put_fault(out, "prices", "truncated")
    with pytest.raises(CartfactsError, match=target.name):
        pipeline.load(out)


def test_verify_says_what_it_finds(clean, tmp_path):
    runner = CliRunner()
    result = runner.invoke(main, ["verify", str(clean)])
    assert result.exit_code == 0 and "every part is sound" in result.output
    out = tmp_path / "out"
    shutil.copytree(clean, out)
    put_fault(out, "dates", "zero_byte")
    result = runner.invoke(main, ["verify", str(out)])
    assert result.exit_code == 1 and "damaged" in result.output and "Traceback" not in result.output


def test_a_run_with_nothing_to_read_leaves_a_folder_the_next_run_accepts(tmp_path):
    """A table with no rows gets an empty part of its own; it is ours."""
    (tmp_path / "in").mkdir()
    pipeline.run(tmp_path / "in", tmp_path / "out")
    assert pipeline.api.verify(tmp_path / "out") == []
    report = pipeline.run(CORPUS, tmp_path / "out")
    assert report.articles > 0


def test_tables_of_two_rule_sets_are_refused_until_a_run_ends(clean, tmp_path):
    """While a run with other rules extracts a folder again, its batches stand beside the
    old ones: readers refuse the mix with a message instead of returning it, and once a
    run has ended the tables read again."""
    from pipeline.report import write_report

    out = tmp_path / "out"
    shutil.copytree(clean, out)
    part = sorted((out / "articles.parquet").glob("part-*.parquet"))[0]
    data = pq.read_table(part)
    # (the seed corpus is one batch: its first article stands for a batch of other rules)
    digests = ["digest-of-other-rules", *data.column("rules").to_pylist()[1:]]
    other = pa.array(digests, data.schema.field("rules").type)
    data = data.set_column(data.schema.get_field_index("rules"), "rules", other)
    pq.write_table(data, part)  # as a run with other rules wrote it
    with pytest.raises(CartfactsError, match="2 rule sets"):
        pipeline.load(out)
    with pytest.raises(CartfactsError, match="2 rule sets"):
        write_report(out)
    pipeline.run(CORPUS, out)  # extracts that batch again with this run's rules
    assert rows(out) == rows(clean)
