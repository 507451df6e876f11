"""Assemble the rows of all plans into the published tables: typed, complete columns, sorted by primary key."""

from __future__ import annotations

import csv
import io
import math
from typing import Any, Iterable

from yigai import metadata
from yigai.indicators import CodeList
from yigai.errors import YigaiError
from yigai.pipeline import PlanResult
from yigai.registry import Registry


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


def _sort_key(row: dict, key: list[str], types: dict[str, str]) -> tuple:
    parts = []
    for name in key:
        value = row.get(name)
        if types[name] in ("integer", "number"):
            parts.append((value is None, float(value) if value is not None else 0.0, ""))
        elif name == "task_id" or name == "parent_task_id":
            parts.append((value is None, 0.0, _path_key(value)))
        else:
            parts.append((value is None, 0.0, str(value or "")))
    return tuple(parts)


def _path_key(task_id: Any) -> str:
    """Sort task ids by outline order (2.10 after 2.9) with a fixed-width rendering of each number."""
    if task_id is None:
        return ""
    plan, _, path = str(task_id).partition(":")
    pieces = []
    for piece in path.split("."):
        prefix = "".join(ch for ch in piece if not ch.isdigit())
        digits = "".join(ch for ch in piece if ch.isdigit()) or "0"
        pieces.append(f"{'~' if prefix else ' '}{prefix}{int(digits):05d}")
    return plan + ":" + ".".join(pieces)


def complete_rows(table: str, rows: Iterable[dict]) -> list[dict]:
    """Give every row exactly the table's columns (missing ones as None) and sort by the primary key.

    Raises:
        YigaiError: when two rows share a primary key (naming the table and key).
    """
    columns = metadata.columns(table)
    key = metadata.primary_key(table)
    types = {name: metadata.fields()[name]["type"] for name in columns}
    out = [{c: row.get(c) for c in columns} for row in rows]
    out.sort(key=lambda r: _sort_key(r, key, types))
    seen: set[tuple] = set()
    for i, row in enumerate(out, start=1):
        ident = tuple(str(row[k]) for k in key)
        if ident in seen:
            raise YigaiError(f"duplicate primary key {dict(zip(key, ident))}", file=f"data/{table}.csv", row=i,
                             field=",".join(key))
        seen.add(ident)
    return out


def to_csv(table: str, rows: list[dict]) -> str:
    """Render a table as CSV text: header, UTF-8, \\n line endings, minimal quoting."""
    columns = metadata.columns(table)
    types = {name: metadata.fields()[name]["type"] for name in columns}
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([format_value(row.get(c), types[c]) for c in columns])
    return buffer.getvalue()


def run(results: list[PlanResult], registry: Registry, codes: CodeList | None = None) -> dict[str, list[dict]]:
    """Collect the rows of every plan into one list per table, complete and sorted.

    The `agencies` table is the registry: every canonical body, including draft bodies added while resolving. The
    `indicators` table is the code list of standard indicators (sources/indicators.yml).
    """
    tables: dict[str, list[dict]] = {name: [] for name in metadata.table_names()}
    for result in results:
        for name, rows in result.rows.items():
            tables[name].extend(rows)
        tables["corrections"].extend(result.correction_rows())
    tables["agencies"] = [agency.as_row() for agency in registry.agencies.values()]
    tables["indicators"] = codes.rows() if codes else []
    return {name: complete_rows(name, rows) for name, rows in tables.items()}
