"""Structural checks by Frictionless: types, constraints, keys and foreign keys, hashes and sizes.

Every Frictionless error becomes a Problem naming the resource, the data row, the field, the value and what the
schema expected. Resources the pre-checks found broken are left out, so a broken file is reported once, clearly.
"""

from __future__ import annotations

import json

import re
from pathlib import Path
from typing import Any

from frictionless import Package, system

from yigai.validate.report import Problem

HINTS = {
    "type-error": "write the value in the column's type (see docs/data-dictionary.md)",
    "constraint-error": "the value breaks a documented constraint (see docs/data-dictionary.md)",
    "primary-key": "every row needs a unique primary key: remove the duplicate or give it its own id",
    "foreign-key": "the value must exist in the referenced table: add that row there, or correct the id",
    "hash-count": "the file changed after datapackage.json was written: rebuild with `yigai build`",
    "byte-count": "the file changed after datapackage.json was written: rebuild with `yigai build`",
    "missing-label": "a column is missing from the header: the header must list every column of the schema",
    "incorrect-label": "the header names differ from the schema",
    "extra-label": "the header has a column the schema does not define",
    "extra-cell": "a row has more cells than the header",
    "missing-cell": "a row has fewer cells than the header",
    "blank-row": "remove the empty line",
    "encoding-error": "save the file as UTF-8 without a byte order mark",
    "scheme-error": "a file named in datapackage.json is missing or was renamed",
}
_CONSTRAINT = re.compile(r'constraint "(\w+)" is "(.*)"', re.S)
_TYPE = re.compile(r'type is "(\w+)')
_COUNTS = re.compile(r'expected is "([^"]*)" and actual is "([^"]*)"')
_ROW_POSITION = re.compile(r"row at position (\d+)")


def check(descriptor_path: Path, descriptor: dict[str, Any] | None = None, skip: set[str] = frozenset()) -> list[Problem]:
    """Validate a package with Frictionless and translate every error into a Problem.

    Args:
        descriptor_path: the package's datapackage.json.
        descriptor: the parsed descriptor (for primary keys and constraints in messages).
        skip: resources already reported broken; their errors, and foreign keys into them, are left out.
    """
    schemas = {r.get("name"): r.get("schema") or {} for r in (descriptor or {}).get("resources", [])
               if isinstance(r, dict)}
    try:
        with system.use_context(trusted=False):
            if skip and descriptor:
                # Leave out broken resources and the foreign keys into them, so that one unreadable file is
                # reported once (by the file checks) and not again under every table that refers to it.
                package = Package(_without(descriptor, skip), basepath=str(descriptor_path.parent))
            else:
                package = Package(str(descriptor_path))
            report = package.validate()
    except Exception as exc:  # Frictionless raises for descriptors it cannot even read.
        return [Problem(check="package-error", message=str(exc), file="datapackage.json",
                        hint="datapackage.json must be valid JSON following the Data Package standard")]
    problems = [Problem(check=error.type, message=error.message, file="datapackage.json", hint=HINTS.get(error.type))
                for error in report.errors]
    for task in report.tasks:
        if task.name in skip:
            continue
        for error in task.errors:
            data = error.to_descriptor()
            if data.get("referenceName") and data["referenceName"] in skip:
                continue
            problems.append(_problem(error.type, data, task.name, task.place or task.name,
                                     schemas.get(task.name, {})))
    return problems


def _without(descriptor: dict[str, Any], skip: set[str]) -> dict[str, Any]:
    """A copy of the descriptor without the resources in `skip` and without foreign keys that point to them."""
    copy = json.loads(json.dumps(descriptor))
    copy["resources"] = [r for r in copy.get("resources", []) if r.get("name") not in skip]
    for resource in copy["resources"]:
        schema = resource.get("schema")
        if isinstance(schema, dict) and schema.get("foreignKeys"):
            schema["foreignKeys"] = [fk for fk in schema["foreignKeys"]
                                     if (fk.get("reference") or {}).get("resource") not in skip]
    return copy


def _problem(kind: str, data: dict[str, Any], resource: str, file: str, schema: dict[str, Any]) -> Problem:
    """Translate one Frictionless error descriptor into a Problem people can act on."""
    note = data.get("note") or data.get("message") or kind
    problem = Problem(check=kind, message=note, file=file, resource=resource, row=_data_row(data.get("rowNumber")),
                      field=data.get("fieldName"), value=None if data.get("cell") is None else str(data["cell"]),
                      hint=HINTS.get(kind))
    if kind == "constraint-error" and (match := _CONSTRAINT.search(note)):
        name, rule = match.groups()
        field = next((f for f in schema.get("fields", []) if f.get("name") == problem.field), {})
        rule_value = (field.get("constraints") or {}).get(name, rule)
        problem.message = "a value is required" if name == "required" else f"the value breaks the '{name}' constraint"
        problem.expected = {"required": "a value", "enum": f"one of {rule_value}", "pattern": f"text matching {rule_value}",
                            "minimum": f"at least {rule_value}", "maximum": f"at most {rule_value}"}.get(
                                name, f"{name} {rule_value}")
    elif kind == "type-error" and (match := _TYPE.search(note)):
        problem.message = f"the value is not a valid {match.group(1)}"
        problem.expected = {"date": "an ISO date YYYY-MM-DD", "boolean": "true or false"}.get(
            match.group(1), f"a {match.group(1)}")
    elif kind in ("hash-count", "byte-count") and (match := _COUNTS.search(note)):
        problem.expected, problem.value = match.groups()
        what = "sha256 hash" if kind == "hash-count" else "size in bytes"
        problem.message = f"the file's {what} is not the one recorded in datapackage.json"
    elif kind == "foreign-key":
        reference = data.get("referenceName") or resource
        ref_fields = ",".join(data.get("referenceFieldNames") or [])
        problem.field = ",".join(data.get("fieldNames") or [])
        problem.value = ",".join(str(c) for c in data.get("fieldCells") or [])
        problem.message = f"{problem.field} '{problem.value}' does not exist in {reference}.{ref_fields}"
        problem.expected = f"a {ref_fields} listed in {reference}"
    elif kind == "primary-key":
        key = list(schema.get("primaryKey") or [])
        names = [f.get("name") for f in schema.get("fields", [])]
        cells = data.get("cells") or []
        problem.field = ",".join(key)
        problem.value = ",".join(str(cells[names.index(k)]) if k in names and names.index(k) < len(cells) else ""
                                 for k in key)
        first = _ROW_POSITION.search(note.replace('"', "")) or re.search(r"position (\d+)", note)
        problem.message = "duplicate primary key" + (f": the same as row {int(first.group(1)) - 1}" if first else "")
        problem.expected = "a key no other row has"
    return problem


def _data_row(row_number: int | None) -> int | None:
    """Frictionless counts the header as row 1; reports count data rows from 1."""
    return None if row_number is None else row_number - 1
