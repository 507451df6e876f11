"""Frictionless's part: the descriptor against the Data Package standard, and (with --strict) its row checks.

The descriptor is always validated by Frictionless (profile, names, Table Schemas, licences), without reading any
data file. With `strict`, Frictionless also validates every row of every safe, readable table the slow way, row by
row in Python: the engine's SQL rules already say everything it says, so this is a cross-check for small packages
(CI), not the gate. Only what yigai.validate.files accepted is handed to Frictionless: a resource whose path leaves
the package never reaches it.
"""

from __future__ import annotations

import copy
import re
from typing import Any

from yigai.validate.files import DESCRIPTOR, KNOWN_PROFILES, Layout
from yigai.validate.report import Problem

HINTS = {
    "type-error": "write the value in the column's type (see docs/data-dictionary.md)",
    "constraint-error": "the value breaks a documented constraint (see docs/data-dictionary.md)",
    "primary-key": "every row needs a unique primary key: remove the duplicate or give it its own id",
    "foreign-key": "the value must exist in the referenced table: add that row there, or correct the id",
    "hash-count": "the file changed after datapackage.json was written: rebuild with `yigai build`",
    "byte-count": "the file changed after datapackage.json was written: rebuild with `yigai build`",
}
_ROW_POSITION = re.compile(r"position (\d+)")


def safe_copy(layout: Layout, broken: frozenset[str]) -> dict[str, Any]:
    """The descriptor with only the resources whose files were found safe and readable (deep copy)."""
    descriptor = copy.deepcopy(layout.descriptor)
    for key in ("$schema", "profile"):
        if descriptor.get(key) not in (None, *KNOWN_PROFILES):
            descriptor.pop(key)
    keep = set(layout.files) - broken
    descriptor["resources"] = [r for r in descriptor["resources"] if isinstance(r, dict) and r.get("name") in keep
                               and not isinstance(r.get("schema"), str) and not isinstance(r.get("dialect"), str)]
    for resource in descriptor["resources"]:
        schema = resource.get("schema")
        if isinstance(schema, dict) and isinstance(schema.get("foreignKeys"), list):
            schema["foreignKeys"] = [fk for fk in schema["foreignKeys"] if not isinstance(fk, dict)
                                     or (fk.get("reference") or {}).get("resource") in ("", None, *keep)]
    return descriptor


def check(layout: Layout, strict: bool = False, broken: frozenset[str] = frozenset()) -> list[Problem]:
    """Validate the descriptor with Frictionless; with `strict`, also every row of the safe tables.

    Args:
        layout: the package's layout.
        strict: also run Frictionless's row checks.
        broken: resources not to hand to Frictionless (a snapshot: this may run in a thread while checks go on).
    """
    from frictionless import Package, system

    descriptor = safe_copy(layout, broken)
    try:
        with system.use_context(trusted=False):
            report = Package.validate_descriptor(descriptor, basepath=str(layout.root))
            problems = [Problem(error.type, error.message, file=DESCRIPTOR,
                                hint="datapackage.json must follow the Data Package standard; rebuild it with "
                                     "`yigai build`") for error in report.errors]
            if strict and not problems:
                problems += _rows(Package(descriptor, basepath=str(layout.root)).validate(), layout)
    except Exception as exc:  # Frictionless raises for descriptors it cannot even read: say so, no traceback
        return [Problem("package-error", f"Frictionless cannot read the descriptor: {exc}", file=DESCRIPTOR,
                        hint="datapackage.json must be valid JSON following the Data Package standard")]
    return problems


def _rows(report, layout: Layout) -> list[Problem]:
    problems = [Problem(error.type, error.message, file=DESCRIPTOR, hint=HINTS.get(error.type))
                for error in report.errors]
    for task in report.tasks:
        for error in task.errors:
            data = error.to_descriptor()
            row = data.get("rowNumber")
            problems.append(Problem(
                f"frictionless/{error.type}", data.get("note") or data.get("message") or error.type,
                file=layout.path_of(task.name), resource=task.name, row=None if row is None else row - 1,
                field=data.get("fieldName") or ",".join(data.get("fieldNames") or []) or None,
                value=None if data.get("cell") is None else str(data["cell"]), hint=HINTS.get(error.type)))
    return problems
