"""Rows of the published tables: typed, complete columns, sorted by primary key, rendered as CSV.

Each plan's rows are rendered on their own (a *block*: CSV lines sorted by primary key, with the sort keys of its
first and last rows), so plans can be built separately and their blocks concatenated into the published table
without holding every row in memory; see yigai.merge.
"""

from __future__ import annotations

import csv
import io
import math
from functools import lru_cache
from typing import Any, Callable, Iterable

from yigai import metadata
from yigai.errors import YigaiError


_TYPED = ("boolean", "integer", "number")  # field types whose cells format_value renders from a typed value


def format_value(value: Any, field_type: str) -> str:
    """Format one cell the same way on every machine (the CSV text is part of the published bytes)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if field_type == "boolean":
        return "true" if value else "false"
    if field_type == "integer":
        return str(int(value))
    if field_type == "number":
        number = float(value)
        return str(int(number)) if number.is_integer() else repr(number)
    return str(value)


def parse_value(text: str, field_type: str) -> Any:
    """Read back a cell written by format_value (an empty cell is None)."""
    if text == "":
        return None
    if field_type == "boolean":
        return text == "true"
    if field_type == "integer":
        return int(text)
    if field_type == "number":
        return float(text)
    return text


@lru_cache(maxsize=64)
def _types(table: str) -> dict[str, str]:
    """Column → field type of a table (do not change the dict: it is shared)."""
    return {name: metadata.fields()[name]["type"] for name in metadata.columns(table)}


@lru_cache(maxsize=64)
def _key_parts(table: str) -> tuple[tuple[str, str], ...]:
    """The primary key of a table as (column, how it sorts): as a number, in outline order, or as text."""
    types = _types(table)
    return tuple((name, "number" if types[name] in ("integer", "number") else
                  "path" if name in ("task_id", "parent_task_id") else "text") for name in metadata.primary_key(table))


def _row_key(row: dict, parts: tuple[tuple[str, str], ...], path_key: Callable[[Any], str]) -> tuple:
    out = []
    for name, kind in parts:
        value = row.get(name)
        if kind == "number":
            out.append((value is None, float(value) if value is not None else 0.0, ""))
        elif kind == "path":
            out.append((value is None, 0.0, path_key(value)))
        else:
            out.append((value is None, 0.0, str(value or "")))
    return tuple(out)


def _path_key(task_id: Any) -> str:
    """Sort task ids by outline order (2.10 after 2.9) with a fixed-width rendering of each number."""
    if task_id is None:
        return ""
    plan, _, path = str(task_id).partition(":")
    pieces = []
    for piece in path.split("."):
        if piece.isascii() and piece.isdigit():  # the usual piece: a number
            pieces.append(f" {int(piece):05d}")
            continue
        prefix = "".join(ch for ch in piece if not ch.isdigit())
        digits = "".join(ch for ch in piece if ch.isdigit()) or "0"
        pieces.append(f"{'~' if prefix else ' '}{prefix}{int(digits):05d}")
    return plan + ":" + ".".join(pieces)


def sort_key(table: str, row: dict) -> tuple:
    """The key a row of `table` is sorted by: its primary key, numbers as numbers, task ids in outline order."""
    return _row_key(row, _key_parts(table), _path_key)


def order(table: str, rows: Iterable[dict]) -> list[dict]:
    """The rows sorted by the table's primary key (stable); rows are not copied (a missing column reads as None).

    The keys are those of sort_key, with each task id's outline key worked out once (many rows share a task).
    """
    parts = _key_parts(table)
    paths: dict[str, str] = {}

    def path_key(task_id: Any) -> str:
        if task_id.__class__ is not str:
            return _path_key(task_id)
        found = paths.get(task_id)
        if found is None:
            found = paths[task_id] = _path_key(task_id)
        return found

    return sorted(rows, key=lambda row: _row_key(row, parts, path_key))


def sort_rows(table: str, rows: Iterable[dict]) -> list[dict]:
    """Give every row exactly the table's columns (missing ones as None) and sort by the primary key (stable)."""
    columns = metadata.columns(table)
    return order(table, [{c: row.get(c) for c in columns} for row in rows])


def identity(table: str, row: dict) -> tuple[str, ...]:
    """A row's primary key as text: two rows with the same identity are duplicates."""
    return tuple(str(row[k]) for k in metadata.primary_key(table))


def first_duplicate(table: str, rows: list[dict]) -> tuple[int, dict[str, str]] | None:
    """The row number (1-based) and key of the first row whose primary key an earlier row already has."""
    key = metadata.primary_key(table)
    seen: set[tuple] = set()
    for i, row in enumerate(rows, start=1):
        ident = tuple(map(str, map(row.get, key)))
        if ident in seen:
            return i, dict(zip(key, ident))
        seen.add(ident)
    return None


def duplicate_error(table: str, row: int, key: dict[str, str]) -> YigaiError:
    """The error for a duplicated primary key at a row of a published table."""
    return YigaiError(f"duplicate primary key {key}", file=f"data/{table}.csv", row=row,
                      field=",".join(metadata.primary_key(table)))


def complete_rows(table: str, rows: Iterable[dict]) -> list[dict]:
    """Give every row exactly the table's columns (missing ones as None) and sort by the primary key.

    Raises:
        YigaiError: when two rows share a primary key (naming the table and key).
    """
    out = sort_rows(table, rows)
    duplicate = first_duplicate(table, out)
    if duplicate:
        raise duplicate_error(table, *duplicate)
    return out


def csv_lines(table: str, rows: Iterable[dict]) -> str:
    """Render rows as CSV lines without the header: UTF-8 text, \\n line endings, minimal quoting.

    Lines are made as the csv module makes them (which the tests check), only faster: it reads every character
    of every cell, while a line whose cells hold no comma, double quote or line break is just its cells joined.
    """
    columns = metadata.columns(table)
    types = [_types(table)[c] for c in columns]
    as_is = [t not in _TYPED for t in types]  # a text cell holding a str is published as it is
    commas = len(columns) - 1
    lines = []
    for row in rows:
        cells = [value if plain and value.__class__ is str else "" if value is None else format_value(value, field_type)
                 for value, field_type, plain in zip(map(row.get, columns), types, as_is)]
        line = ",".join(cells)
        if line.count(",") != commas or '"' in line or "\n" in line:  # minimal quoting, as the csv module quotes
            line = ",".join(['"' + cell.replace('"', '""') + '"' if "," in cell or '"' in cell or "\n" in cell
                             else cell for cell in cells])
        if not line or "\r" in line:  # one empty cell; a carriage return (quoted by some Python versions only)
            line = csv_lines_of([cells])[:-1]
        lines.append(line + "\n")
    return "".join(lines)


def header(table: str) -> str:
    """The CSV header line of a table."""
    return csv_lines_of([metadata.columns(table)])


def csv_lines_of(cells: Iterable[list[str]]) -> str:
    """Render lists of cell texts as CSV lines (the published dialect)."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(cells)
    return buffer.getvalue()


def to_csv(table: str, rows: list[dict]) -> str:
    """Render a table as CSV text: header, UTF-8, \\n line endings, minimal quoting."""
    return header(table) + csv_lines(table, rows)


def parse_lines(table: str, data: str) -> list[dict]:
    """Read back CSV lines written by csv_lines as typed rows (an empty cell is None)."""
    columns = metadata.columns(table)
    types = _types(table)
    return [{c: parse_value(cell, types[c]) for c, cell in zip(columns, cells)}
            for cells in csv.reader(io.StringIO(data, newline=""))]


def block_meta(table: str, rows: list[dict]) -> dict[str, Any]:
    """What merging needs to know of one plan's sorted rows: count, first and last sort keys, first duplicate."""
    duplicate = first_duplicate(table, rows)
    return {"count": len(rows),
            "first": [list(part) for part in sort_key(table, rows[0])] if rows else None,
            "last": [list(part) for part in sort_key(table, rows[-1])] if rows else None,
            "duplicate": list(duplicate) if duplicate else None}


def key_of(stored: list | None) -> tuple | None:
    """A sort key stored by block_meta (JSON lists) as the tuple sort_key returns."""
    return None if stored is None else tuple(tuple(part) for part in stored)
