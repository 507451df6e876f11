"""Rows rendered as CSV lines exactly as the csv module writes them, and sorted by their primary key."""

from __future__ import annotations

import csv
import io

from hypothesis import given, settings
from hypothesis import strategies as st

from yigai import metadata, tables

from conftest import REPO

CELLS = st.one_of(st.none(), st.text(alphabet=list('a中,"\n\r \t、（）|'), max_size=6))


def csv_module(table: str, rows: list[dict]) -> str:
    """What the csv module writes for the rows (the cells formatted as csv_lines formats them)."""
    columns = metadata.columns(table)
    types = {name: metadata.fields()[name]["type"] for name in columns}
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    for row in rows:
        writer.writerow([tables.format_value(row.get(c), types[c]) for c in columns])
    return buffer.getvalue()


@given(st.lists(st.tuples(CELLS, CELLS, CELLS), max_size=5))
@settings(max_examples=300, deadline=None)
def test_csv_lines_are_what_the_csv_module_writes(cells):
    rows = [{"plan_id": "p-2020-01", "position": i, "kind": kind, "before": before, "after": after}
            for i, (kind, before, after) in enumerate(cells, start=1)]
    assert tables.csv_lines("corrections", rows) == csv_module("corrections", rows)


def test_the_committed_tables_are_written_back_byte_for_byte():
    for table in metadata.table_names():
        data = (REPO / "datapackage" / "data" / f"{table}.csv").read_text(encoding="utf-8")
        body = data[len(tables.header(table)):]
        rows = tables.parse_lines(table, body)
        assert tables.csv_lines(table, rows) == body == csv_module(table, rows), table


@given(st.lists(st.tuples(st.sampled_from(["1", "2", "10", "2.10", "2.9", "A1.2", "3.1.2", "b2"]),
                          st.sampled_from(["x-1", "x-2", None])), max_size=12))
@settings(max_examples=200, deadline=None)
def test_rows_are_ordered_by_their_sort_keys(pairs):
    rows = [{"task_id": f"p-2020-01:{path}", "agency_id": agency} for path, agency in pairs]
    ordered = tables.order("responsibilities", rows)
    assert ordered == sorted(rows, key=lambda row: tables.sort_key("responsibilities", row))
