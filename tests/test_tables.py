"""The output contract: schemas, metadata, empty tables, atomic parts."""

import json

import pyarrow.parquet as pq
import pytest
from conftest import DATA

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
