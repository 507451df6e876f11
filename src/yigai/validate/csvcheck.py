"""Pre-checks of a package's files before Frictionless reads them: descriptor, missing files, encoding, headers, rows.

Frictionless reports a broken file with messages a contributor cannot act on (an "incorrect label" for a byte order
mark, an encoding error without a line). These checks look at every file first and say in plain words what is wrong
with it, where, and how to fix it. A file that fails here is "broken": the later checks skip it, so one mistake is
reported once.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from yigai import metadata
from yigai.validate.report import Problem

BOM = b"\xef\xbb\xbf"
MAX_ROW_PROBLEMS = 20
FIX_HINT = "run `yigai validate --fix {path}` to fix it, or re-save the file as UTF-8 without BOM and with LF line ends"


@dataclass
class Layout:
    """Where a package's files are, read from its datapackage.json.

    Attributes:
        root: the package folder.
        descriptor: the parsed datapackage.json.
        tables: tabular resource name → its descriptor entry.
        texts: plan_id → path (inside the package) of the plan's published text.
        broken: names of resources whose file cannot be read reliably (skipped by later checks).
    """

    root: Path
    descriptor: dict[str, Any]
    tables: dict[str, dict[str, Any]] = field(default_factory=dict)
    texts: dict[str, str] = field(default_factory=dict)
    broken: set[str] = field(default_factory=set)

    def text_resource(self, plan_id: str) -> str:
        """The resource name of a plan's text."""
        return f"text-{plan_id}"


def read_layout(root: Path) -> tuple[Layout | None, list[Problem]]:
    """Read datapackage.json; None when it cannot be parsed (then nothing else can be checked)."""
    path = root / "datapackage.json"
    try:
        descriptor = json.loads(path.read_text(encoding="utf-8-sig"))
    except UnicodeDecodeError as exc:
        return None, [Problem("descriptor", f"datapackage.json is not UTF-8 ({exc.reason})", file="datapackage.json",
                              hint="rebuild it with `yigai build`")]
    except json.JSONDecodeError as exc:
        return None, [Problem("descriptor", f"datapackage.json is not valid JSON: {exc.msg} (column {exc.colno})",
                              file="datapackage.json", row=exc.lineno, hint="rebuild it with `yigai build`")]
    if not isinstance(descriptor, dict) or not isinstance(descriptor.get("resources"), list):
        return None, [Problem("descriptor", "datapackage.json has no list of resources", file="datapackage.json",
                              field="resources", hint="rebuild it with `yigai build`")]
    layout = Layout(root=root, descriptor=descriptor)
    problems: list[Problem] = []
    for i, resource in enumerate(descriptor["resources"], start=1):
        name, path_ = (resource.get("name"), resource.get("path")) if isinstance(resource, dict) else (None, None)
        if not isinstance(name, str) or not isinstance(path_, str):
            problems.append(Problem("descriptor", f"resource {i} needs a name and a single path", row=i,
                                    file="datapackage.json", field="resources", hint="rebuild it with `yigai build`"))
        elif name.startswith("text-"):
            layout.texts[name[len("text-"):]] = path_
        elif "schema" in resource or path_.endswith(".csv"):
            layout.tables[name] = resource
    return layout, problems


def check(layout: Layout) -> list[Problem]:
    """Check the schema against the metadata and every file of the package; marks broken resources in the layout."""
    problems = _check_schemas(layout)
    for name, resource in layout.tables.items():
        problems += _check_table(layout, name, resource)
    for plan_id, path in layout.texts.items():
        problems += _check_text(layout, layout.text_resource(plan_id), path)
    return problems


def _schema_core(schema: dict[str, Any]) -> dict[str, Any]:
    """The parts of a Table Schema that decide validity (names, types, constraints, keys), not descriptions."""
    return {"fields": [(f.get("name"), f.get("type"), f.get("constraints") or {}) for f in schema.get("fields", [])],
            "primaryKey": schema.get("primaryKey"), "foreignKeys": schema.get("foreignKeys") or []}


def _check_schemas(layout: Layout) -> list[Problem]:
    """A package's schemas must be yigai's: a fork cannot pass by loosening a constraint in its datapackage.json."""
    problems = []
    for name in metadata.table_names():
        resource = layout.tables.get(name)
        if resource is None:
            layout.broken.add(name)
            problems.append(Problem("missing-resource", f"datapackage.json has no resource '{name}'",
                                    file="datapackage.json", resource=name, field="resources",
                                    hint="every table of the package must be listed; rebuild with `yigai build`"))
            continue
        got, want = _schema_core(resource.get("schema") or {}), _schema_core(metadata.table_schema(name))
        if got == want:
            continue
        where, have, need = "primaryKey/foreignKeys", (got["primaryKey"], got["foreignKeys"]), \
            (want["primaryKey"], want["foreignKeys"])
        for found, wanted in zip(got["fields"] + [None] * len(want["fields"]), want["fields"]):
            if found != wanted:
                parts = ("name", "type", "constraints")
                part = next((p for p, a, b in zip(parts, found or (None,) * 3, wanted) if a != b), "name")
                where, have, need = f"{wanted[0]} ({part})", found and found[parts.index(part)], \
                    wanted[parts.index(part)]
                break
        problems.append(Problem("schema-drift", f"the schema of '{name}' in datapackage.json differs from the data "
                                "dictionary", file="datapackage.json", resource=name, field=where,
                                value=json.dumps(have, ensure_ascii=False), expected=json.dumps(need, ensure_ascii=False),
                                hint="do not edit schemas by hand: change src/yigai/metadata/*.yml, then rebuild with "
                                     "`yigai build` (a package built by older code also shows this)"))
    return problems


def _missing_file(layout: Layout, name: str, path: str) -> Problem:
    folder = (layout.root / path).parent
    listed = {r.get("path") for r in layout.descriptor["resources"] if isinstance(r, dict)}
    strays = sorted(p.relative_to(layout.root).as_posix() for p in folder.glob(f"*{Path(path).suffix}")
                    if p.relative_to(layout.root).as_posix() not in listed) if folder.is_dir() else []
    hint = "every file named in datapackage.json must exist; rebuild with `yigai build`"
    if strays:
        hint = f"{', '.join(strays)} is not named in datapackage.json: was it renamed? Name it back to {path}"
    return Problem("missing-file", "file named in datapackage.json is missing", file=path, resource=name, hint=hint)


def _read(layout: Layout, name: str, path: str, lines_are_rows: bool) -> tuple[str | None, list[Problem]]:
    """Read a file as UTF-8 text, reporting a missing file, a BOM, another encoding or CRLF line ends."""
    full = layout.root / path
    if not full.is_file():
        return None, [_missing_file(layout, name, path)]
    data = full.read_bytes()
    problems = []
    where = dict(file=path, resource=name)
    if data.startswith(BOM):
        problems.append(Problem("byte-order-mark", "file starts with a UTF-8 byte order mark (BOM)",
                                hint=FIX_HINT.format(path=layout.root), **where))
        data = data[len(BOM):]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        guess = "not UTF-8"
        try:
            data.decode("gb18030")
            guess = "not UTF-8: it looks GBK/GB18030-encoded (the Chinese Windows default)"
        except UnicodeDecodeError:
            pass
        row = line - 1 if lines_are_rows else line
        problems.append(Problem("encoding", f"file is {guess}; first bad byte on line {line}", row=row or None,
                                field=_column_at(data, exc.start) if lines_are_rows else None,
                                value=data[exc.start:exc.start + 4].hex(" "), expected="UTF-8 text",
                                hint="re-save the file as UTF-8, e.g. `iconv -f GB18030 -t UTF-8 old.csv > new.csv`",
                                **where))
        return None, problems
    if "\r\n" in text:
        problems.append(Problem("line-endings", "file uses Windows line ends (CRLF); the package uses LF",
                                hint=FIX_HINT.format(path=layout.root), **where))
    return text, problems


def _column_at(data: bytes, offset: int) -> str | None:
    """The header name of the CSV column that the byte at `offset` falls in (by counting cells on its line)."""
    header = next(csv.reader([data[:data.find(b"\n")].decode("utf-8", "replace")]), [])
    line_start = data.rfind(b"\n", 0, offset) + 1
    cells = next(csv.reader([data[line_start:offset].decode("utf-8", "replace")]), [])
    index = max(len(cells) - 1, 0)
    return header[index] if index < len(header) else None


def _check_text(layout: Layout, name: str, path: str) -> list[Problem]:
    text, problems = _read(layout, name, path, lines_are_rows=False)
    if problems:  # every offset into a text with a BOM, CRLF or bad bytes is off
        layout.broken.add(name)
    return problems


def _check_table(layout: Layout, name: str, resource: dict[str, Any]) -> list[Problem]:
    path = resource["path"]
    text, problems = _read(layout, name, path, lines_are_rows=True)
    if text is None or any(p.check == "byte-order-mark" for p in problems):
        layout.broken.add(name)
        return problems
    dialect = resource.get("dialect") or {}
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=dialect.get("delimiter", ","),
                        quotechar=dialect.get("quoteChar", '"'), strict=True)
    expected = [f.get("name") for f in (resource.get("schema") or {}).get("fields", [])]
    where = dict(file=path, resource=name)
    ragged: list[tuple[int, list[str]]] = []
    try:
        header = next(reader, None)
        if header is None:
            layout.broken.add(name)
            return problems + [Problem("empty-file", "file is empty: it needs at least the header row",
                                       expected=",".join(expected), **where)]
        header_problems = _check_header(header, expected, where)
        if header_problems:
            layout.broken.add(name)
            return problems + header_problems
        for row_number, row in enumerate(reader, start=1):
            if len(row) != len(header):
                ragged.append((row_number, row))
    except csv.Error as exc:
        layout.broken.add(name)
        return problems + [Problem("csv-syntax", f"the file is not valid CSV near line {reader.line_num}: {exc}",
                                   row=max(reader.line_num - 1, 1), hint="a cell that holds a quote must be quoted "
                                   "with the quote doubled: \"say \"\"this\"\"\"; check for an unclosed quote",
                                   **where)]
    for row_number, row in ragged[:MAX_ROW_PROBLEMS]:
        problems.append(Problem("ragged-row", f"row has {len(row)} cells but the header has {len(header)}",
                                row=row_number, value=",".join(row), expected=f"{len(header)} cells: "
                                + ",".join(header), hint="a cell holding a comma or quote must be quoted \"like, "
                                "this\"; every row needs one cell per column, empty for a missing value", **where))
    if len(ragged) > MAX_ROW_PROBLEMS:
        problems.append(Problem("ragged-row", f"… and {len(ragged) - MAX_ROW_PROBLEMS} more rows with the wrong "
                                "number of cells", **where))
    if ragged:
        layout.broken.add(name)
    return problems


def _check_header(header: list[str], expected: list[str], where: dict) -> list[Problem]:
    if header == expected:
        return []
    missing = [c for c in expected if c not in header]
    extra = [c for c in header if c not in expected]
    shown = dict(value=",".join(header), expected=",".join(expected), **where)
    if len(missing) == 1 and len(extra) == 1:
        return [Problem("missing-column", f"column '{missing[0]}' is missing; the header has '{extra[0]}' in its "
                        "place (renamed?)", field=missing[0], hint=f"rename the column back to '{missing[0]}'",
                        **shown)]
    problems = [Problem("missing-column", f"column '{c}' is missing from the header", field=c,
                        hint="every column of the schema must be present, in order (cells may be empty)", **shown)
                for c in missing]
    problems += [Problem("extra-column", f"column '{c}' is not defined by the schema", field=c,
                         hint="remove it, or add the field to src/yigai/metadata/ first", **shown) for c in extra]
    if not problems:
        problems.append(Problem("column-order", "the columns are not in the schema's order",
                                hint="write the columns in the order of the schema", **shown))
    return problems
