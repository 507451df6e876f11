"""Structural checks by Frictionless: the descriptor, types, constraints, keys and foreign keys, hashes and sizes."""

from __future__ import annotations

from pathlib import Path

from frictionless import Package, system

from yigai.validate.report import Problem

HINTS = {
    "type-error": "write the value in the column's type (see the data dictionary)",
    "constraint-error": "the value breaks a documented constraint (pattern, enum, minimum or required)",
    "primary-key": "every row needs a unique primary key",
    "foreign-key": "the value must exist in the referenced table",
    "hash-count": "the file changed after datapackage.json was written: rebuild with `yigai build`",
    "byte-count": "the file changed after datapackage.json was written: rebuild with `yigai build`",
    "missing-label": "a column is missing from the header: the header must list every column of the schema",
    "incorrect-label": "the header names differ from the schema",
    "extra-label": "the header has a column the schema does not define",
    "extra-cell": "a row has more cells than the header",
    "missing-cell": "a row has fewer cells than the header",
    "encoding-error": "save the file as UTF-8 without a byte order mark",
    "scheme-error": "a file named in datapackage.json is missing or was renamed",
}


def check(descriptor_path: Path) -> list[Problem]:
    """Validate a package with Frictionless and translate every error into a Problem."""
    problems: list[Problem] = []
    try:
        with system.use_context(trusted=False):
            package = Package(str(descriptor_path))
            report = package.validate()
    except Exception as exc:  # Frictionless raises for descriptors it cannot even read.
        return [Problem(check="package-error", message=str(exc), file="datapackage.json",
                        hint="datapackage.json must be valid JSON following the Data Package standard")]
    for error in report.errors:
        problems.append(Problem(check=error.type, message=error.message, file="datapackage.json",
                                hint=HINTS.get(error.type)))
    for task in report.tasks:
        for error in task.errors:
            data = error.to_descriptor()
            problems.append(Problem(
                check=error.type, message=data.get("note") or error.message, file=task.place or task.name,
                resource=task.name, row=_data_row(data.get("rowNumber")), field=data.get("fieldName"),
                value=None if data.get("cell") is None else str(data.get("cell")), hint=HINTS.get(error.type)))
    return problems


def _data_row(row_number: int | None) -> int | None:
    """Frictionless counts the header as row 1; reports count data rows from 1."""
    return None if row_number is None else row_number - 1
