"""Helpers for the validation tests: read, write and break the tables of a package copy."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from yigai import validate

REPO = Path(__file__).resolve().parents[2]


def read_table(package: Path, table: str) -> tuple[list[str], list[dict[str, str]]]:
    """The header and rows of a package table."""
    with open(package / "data" / f"{table}.csv", encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames or []), list(reader)


def write_table(package: Path, table: str, header: list[str], rows: list[dict[str, str]],
                encoding: str = "utf-8") -> None:
    """Write a package table back (as a contributor's editor would)."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=header, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    (package / "data" / f"{table}.csv").write_bytes(buffer.getvalue().encode(encoding))


def append_row(package: Path, table: str, row: dict[str, str]) -> int:
    """Append a row (missing columns empty) and return its data row number."""
    header, rows = read_table(package, table)
    rows.append({column: row.get(column, "") for column in header})
    write_table(package, table, header, rows)
    return len(rows)


def first_plan(package: Path) -> dict[str, str]:
    """The first row of the plans table."""
    return read_table(package, "plans")[1][0]


def a_task(package: Path, plan_id: str) -> str:
    """A task_id of the plan when the tasks table has one, else a well-formed id (its foreign key then fails too)."""
    tasks = [r["task_id"] for r in read_table(package, "tasks")[1] if r["plan_id"] == plan_id]
    return tasks[0] if tasks else f"{plan_id}:1"


def problems_of(report: validate.Report, check: str | None = None, resource: str | None = None) -> list:
    """The report's problems of one check and/or resource."""
    return [p for p in report.problems if (check is None or p.check == check)
            and (resource is None or p.resource == resource)]
