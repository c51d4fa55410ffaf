"""The output contract: schemas, metadata, empty tables, atomic parts."""

import json
import subprocess
import sys
from datetime import date

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from conftest import CORPUS, DATA

from pipeline.write import tables

CONTRACT = json.loads((DATA / "contract_columns.json").read_text())


@pytest.mark.parametrize("table", [t for t in CONTRACT if t not in ("_comment", "shared")])
def test_schema_keeps_contract_columns(table):
    schema = tables.schema(table)
    promised = dict(CONTRACT[table])
    if table != "articles":
        promised.update(CONTRACT["shared"])
    for column, type_name in promised.items():
        assert column in schema.names, f"{table}.{column} missing"
        assert str(schema.field(column).type) == type_name, f"{table}.{column}"
    assert schema.metadata[b"schema_version"] == tables.SCHEMA_VERSION.encode()
    assert b"pipeline_version" in schema.metadata


@pytest.mark.parametrize("table", list(tables.TABLES))
def test_empty_table_has_full_schema(table, tmp_path):
    path = tables.write_part(tmp_path, table, [], "empty")
    written = pq.read_table(path)
    assert written.num_rows == 0
    assert written.schema.names == tables.schema(table).names
    assert written.schema.metadata[b"schema_version"] == tables.SCHEMA_VERSION.encode()


def test_unknown_column_is_an_error():
    with pytest.raises(ValueError, match="unknown columns"):
        tables.to_arrow("dates", [{"valeu": "2021"}])


def test_write_is_atomic(tmp_path, monkeypatch):
    def crash(*args, **kwargs):
        raise KeyboardInterrupt("killed while writing")

    monkeypatch.setattr(tables.pq, "write_table", crash)
    with pytest.raises(KeyboardInterrupt):
        tables.write_part(tmp_path, "dates", [], "p1")
    folder = tables.table_dir(tmp_path, "dates")
    assert list(folder.iterdir()) == [], "no part and no temporary file is left behind"


# every column type of the tables, with nulls, non-ASCII text, negatives, dates before
# 1970 and more than eight values (a bitmap of two bytes)
COLUMN_VALUES = {
    "string": ["a", None, "é中文", "", *"bcdefghij"],
    "int32": [1, None, -5, 2**31 - 1, 0, 7, 8, 9, 10],
    "double": [1.5, None, 2, -0.0, 1e-300, 3.25, 4.0, 5.0, 6.0],
    "bool": [True, None, False, True, True, False, None, True, False],
    "date32[day]": [
        date(2024, 3, 1),
        None,
        date(1969, 12, 31),
        *[date(2000, 1, d) for d in range(1, 8)],
    ],
}
WRONG_VALUES = {
    "string": [1],
    "int32": [1.5],
    "double": ["1"],
    "bool": [1],
    "date32[day]": ["2024"],
}
TYPES = {str(f.type): f.type for t in tables.TABLES for f in tables.schema(t)}


@pytest.mark.parametrize("type_name", sorted(TYPES))
def test_columns_are_built_as_pyarrow_builds_them(type_name):
    values = COLUMN_VALUES[type_name]
    built = tables.arrow_column(values, TYPES[type_name], "c")
    assert built.equals(pa.array(values, type=TYPES[type_name]))
    assert built.null_count == values.count(None)
    with pytest.raises(TypeError, match="column c"):
        tables.arrow_column(WRONG_VALUES[type_name], TYPES[type_name], "c")


def test_a_run_does_not_import_pandas(tmp_path):
    # pandas costs a run 60 MB and 0.3 s; writing and reading parts needs none of it
    script = (
        "import sys; from pipeline.api import run; "
        f"run({str(CORPUS)!r}, {str(tmp_path / 'out')!r}); "
        f"run({str(CORPUS)!r}, {str(tmp_path / 'out')!r}); "
        "print('pandas' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split()[-1] == "False"


def test_reading_the_tables_does_not_import_spacy(tmp_path):
    # load, summaries, reports and exports read tables: spaCy (70 MB, half a second) is
    # for extracting only
    from pipeline.api import run

    run(CORPUS, tmp_path / "out")
    script = (
        "import sys; from pipeline.api import load, unresolved_names; "
        "from pipeline.views import distinct, product_summary; import pipeline.report; "
        f"t = load({str(tmp_path / 'out')!r}); product_summary(t, distinct(t)); "
        f"unresolved_names({str(tmp_path / 'out')!r}, t); print('spacy' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split()[-1] == "False"
