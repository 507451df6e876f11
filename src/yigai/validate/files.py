"""The package's files before any table is parsed: the descriptor, safe paths, bytes, hashes, encodings, headers.

Every file named in datapackage.json is located with yigai.validate.safepath (a path that leaves the package is
refused and never opened), then read once as bytes: its size and hash are compared with the descriptor, and a byte
order mark, Windows line ends, NUL bytes, a header that differs from the schema or an empty file are named in plain
words. A table with such a problem is "broken": the later checks skip it (and the foreign keys into it), so one
mistake is reported once. The plans' texts are decoded here too (they are small), for the span and clean-text checks.
The tables' full bytes are read by integrity(), which runs while DuckDB parses them (hashing releases the
interpreter lock).
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from yigai import metadata
from yigai.validate.report import WARNING, Problem
from yigai.validate.safepath import UnsafePath, inside

BOM = b"\xef\xbb\xbf"
DESCRIPTOR = "datapackage.json"
TEXT_PREFIX = "text-"
REBUILD = "rebuild it with `yigai build`"
FIX_HINT = "run `yigai validate --fix {path}` to fix it, or re-save the file as UTF-8 without BOM and with LF line ends"
KNOWN_PROFILES = ("https://datapackage.org/profiles/2.0/datapackage.json",
                  "https://datapackage.org/profiles/1.0/datapackage.json", "data-package", "tabular-data-package")
_NAME = re.compile(r"^[a-z0-9._-]+$")
HASHES = ("md5", "sha1", "sha256", "sha512")
CHUNK = 4 * 1024 * 1024


@dataclass
class Layout:
    """Where a package's files are, read from its datapackage.json.

    Attributes:
        root: the package folder.
        descriptor: the parsed datapackage.json.
        tables: tabular resource name → its descriptor entry (only the tables yigai defines).
        texts: plan_id → path (inside the package, as written) of the plan's published text.
        files: resource name → the checked file inside the package (only resources whose path is safe and exists).
        text_content: plan_id → the decoded text (texts that are readable UTF-8 without BOM or CRLF).
        broken: names of resources whose file cannot be read reliably (skipped by later checks).
    """

    root: Path
    descriptor: dict[str, Any]
    tables: dict[str, dict[str, Any]] = field(default_factory=dict)
    texts: dict[str, str] = field(default_factory=dict)
    files: dict[str, Path] = field(default_factory=dict)
    text_content: dict[str, str] = field(default_factory=dict)
    broken: set[str] = field(default_factory=set)

    @staticmethod
    def text_resource(plan_id: str) -> str:
        """The resource name of a plan's text."""
        return f"{TEXT_PREFIX}{plan_id}"

    def path_of(self, name: str) -> str:
        """The path of a resource as written in the descriptor (what a report names)."""
        if name.startswith(TEXT_PREFIX) and name[len(TEXT_PREFIX):] in self.texts:
            return self.texts[name[len(TEXT_PREFIX):]]
        return str((self.tables.get(name) or {}).get("path") or DESCRIPTOR)


def _descriptor_problem(message: str, row: int | None = None, fld: str | None = None, **extra) -> Problem:
    return Problem("descriptor", message, file=DESCRIPTOR, row=row, field=fld, hint=extra.pop("hint", REBUILD),
                   **extra)


def read_layout(root: Path) -> tuple[Layout | None, list[Problem]]:
    """Read datapackage.json and locate every resource; None when it cannot be parsed (then nothing can be checked)."""
    try:
        descriptor = json.loads((root / DESCRIPTOR).read_bytes().decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        return None, [_descriptor_problem(f"datapackage.json is not UTF-8 ({exc.reason})")]
    except json.JSONDecodeError as exc:
        return None, [_descriptor_problem(f"datapackage.json is not valid JSON: {exc.msg} (column {exc.colno})",
                                          row=exc.lineno)]
    except (OSError, RecursionError, ValueError) as exc:
        return None, [_descriptor_problem(f"datapackage.json cannot be read: {exc}")]
    if not isinstance(descriptor, dict) or not isinstance(descriptor.get("resources"), list):
        return None, [_descriptor_problem("datapackage.json has no list of resources", fld="resources")]
    layout = Layout(root=root, descriptor=descriptor)
    problems = _check_profiles(descriptor)
    seen: set[str] = set()
    for i, resource in enumerate(descriptor["resources"], start=1):
        name, path = (resource.get("name"), resource.get("path")) if isinstance(resource, dict) else (None, None)
        if not isinstance(name, str) or not _NAME.fullmatch(name):
            problems.append(_descriptor_problem(f"resource {i} needs a name of lowercase letters, digits, '-', '.' "
                                                "or '_'", row=i, fld="resources.name", value=str(name)))
            continue
        if name in seen:
            problems.append(_descriptor_problem(f"resource name '{name}' is used twice", row=i, fld="name",
                                                resource=name))
            continue
        seen.add(name)
        for key in ("schema", "dialect"):
            if isinstance(resource.get(key), str):
                problems.append(_descriptor_problem(f"the {key} of '{name}' is a path; a package written by yigai "
                                                    f"keeps it inline", row=i, fld=key, resource=name,
                                                    value=resource[key]))
                resource = {k: v for k, v in resource.items() if k != key}
        if name.startswith(TEXT_PREFIX):
            layout.texts[name[len(TEXT_PREFIX):]] = path if isinstance(path, str) else repr(path)
        elif name in metadata.resources():
            layout.tables[name] = resource
        else:
            problems.append(Problem("extra-resource", f"'{name}' is not a table or text of the package",
                                    file=DESCRIPTOR, resource=name, severity=WARNING,
                                    hint="it is not validated; tables are defined in src/yigai/metadata/"))
            continue
        try:
            layout.files[name] = inside(root, path)
        except UnsafePath as exc:
            layout.broken.add(name)
            problems.append(Problem("unsafe-path", f"refused: {exc}", file=DESCRIPTOR, resource=name, row=i,
                                    field="path", value=str(path), expected="a relative path inside the package "
                                    "folder, e.g. data/tasks.csv", hint="the file was not read; " + REBUILD))
        except FileNotFoundError:
            layout.broken.add(name)
            problems.append(_missing_file(layout, name, path))
    return layout, problems


def _check_profiles(descriptor: dict[str, Any]) -> list[Problem]:
    """Only the standard Data Package profiles are accepted: another URL would be fetched by Frictionless."""
    problems = []
    for key in ("$schema", "profile"):
        value = descriptor.get(key)
        if value is not None and value not in KNOWN_PROFILES:
            problems.append(_descriptor_problem(f"unknown {key}: only the standard Data Package profiles are used",
                                                fld=key, value=str(value), expected=KNOWN_PROFILES[0]))
    return problems


def _missing_file(layout: Layout, name: str, path: str) -> Problem:
    folder = layout.root / Path(path).parent
    listed = {r.get("path") for r in layout.descriptor["resources"] if isinstance(r, dict)
              and isinstance(r.get("path"), str)}
    strays = sorted(p.relative_to(layout.root).as_posix() for p in folder.glob(f"*{Path(path).suffix}")
                    if not p.is_symlink() and p.relative_to(layout.root).as_posix() not in listed) \
        if folder.is_dir() and not folder.is_symlink() else []
    hint = "every file named in datapackage.json must exist; " + REBUILD
    if strays:
        hint = f"{', '.join(strays)} is not named in datapackage.json: was it renamed? Name it back to {path}"
    return Problem("missing-file", "file named in datapackage.json is missing", file=path, resource=name, hint=hint)


def check(layout: Layout) -> list[Problem]:
    """The quick checks: schemas against the metadata, each table's first bytes (BOM, header), the texts entirely.

    The tables' full bytes (size, hash, line ends) are checked by integrity(), which can run while DuckDB parses.
    """
    problems = _check_schemas(layout)
    for name in sorted(set(layout.files) & set(layout.tables)):
        problems += _check_start(layout, name)
    for plan_id in sorted(layout.texts):
        name = layout.text_resource(plan_id)
        if name in layout.files and name not in layout.broken:
            problems += _check_file(layout, name)
            problems += _decode_text(layout, plan_id)
    return problems


def integrity(layout: Layout) -> list[Problem]:
    """The tables' full bytes: size and hash against the descriptor, Windows line ends (marks a table broken)."""
    problems: list[Problem] = []
    for name in sorted(set(layout.tables) & set(layout.files) - layout.broken):
        problems += _check_file(layout, name)
    return problems


def _check_start(layout: Layout, name: str) -> list[Problem]:
    """A table's first bytes: a byte order mark, an empty file, a header that is not the schema's."""
    where = dict(file=layout.path_of(name), resource=name)
    try:
        with open(layout.files[name], "rb") as handle:
            head = handle.read(65536)
    except OSError as exc:
        layout.broken.add(name)
        return [Problem("unreadable-file", f"the file cannot be read ({exc.strerror})", **where)]
    if head.startswith(BOM):
        layout.broken.add(name)
        return [Problem("byte-order-mark", "file starts with a UTF-8 byte order mark (BOM)",
                        hint=FIX_HINT.format(path=layout.root), **where)]
    return _check_header(layout, name, head, where)


def _check_file(layout: Layout, name: str) -> list[Problem]:
    """One file's bytes: size and hash against the descriptor, a text's BOM, CRLF; keeps a text's bytes.

    A table is streamed in chunks (it may be large); a text is read whole (it is small, and decoded next).
    """
    path = layout.path_of(name)
    resource = next((r for r in layout.descriptor["resources"] if isinstance(r, dict) and r.get("name") == name), {})
    recorded = resource.get("hash") if isinstance(resource.get("hash"), str) else ""
    algorithm = (recorded.rpartition(":")[0] or "md5") if recorded else None
    where = dict(file=path, resource=name)
    if algorithm is not None and algorithm not in HASHES:
        return [Problem("hash-count", f"unknown hash algorithm '{algorithm}'", field="hash", value=recorded,
                        expected="sha256:<hex>", **where)]
    digest = hashlib.new(algorithm) if algorithm else None
    size, crlf, last, head = 0, False, b"", b""
    try:
        with open(layout.files[name], "rb") as handle:
            while chunk := handle.read(CHUNK):
                size += len(chunk)
                if digest is not None:
                    digest.update(chunk)
                crlf = crlf or _has_crlf(chunk) or (last.endswith(b"\r") and chunk.startswith(b"\n"))
                last = chunk
                if name.startswith(TEXT_PREFIX):
                    head += chunk
    except OSError as exc:
        layout.broken.add(name)
        return [Problem("unreadable-file", f"the file cannot be read ({exc.strerror})", **where)]
    problems = _check_integrity(resource, size, digest.hexdigest() if digest else None, where)
    if name.startswith(TEXT_PREFIX) and head.startswith(BOM):
        layout.broken.add(name)
        problems.append(Problem("byte-order-mark", "file starts with a UTF-8 byte order mark (BOM)",
                                hint=FIX_HINT.format(path=layout.root), **where))
    if crlf:
        layout.broken.add(name)
        problems.append(Problem("line-endings", "file uses Windows line ends (CRLF); the package uses LF",
                                hint=FIX_HINT.format(path=layout.root), **where))
    if name.startswith(TEXT_PREFIX):
        layout.text_content[name[len(TEXT_PREFIX):]] = head  # decoded by _decode_text
    return problems


def _has_crlf(data: bytes) -> bool:
    """True when the bytes hold CR LF (searching for the rare CR with memchr is far faster than for the pair)."""
    at = data.find(b"\r")
    while at != -1:
        if data[at + 1:at + 2] == b"\n":
            return True
        at = data.find(b"\r", at + 1)
    return False


def _check_integrity(resource: dict[str, Any], size: int, digest: str | None, where: dict) -> list[Problem]:
    """The size and hash recorded in the descriptor (a file changed after datapackage.json was written)."""
    problems = []
    recorded = resource.get("bytes")
    if recorded is not None and recorded != size:
        problems.append(Problem("byte-count", "the file's size in bytes is not the one recorded in datapackage.json",
                                value=str(size), expected=str(recorded), hint="the file changed after "
                                "datapackage.json was written: " + REBUILD, **where))
    recorded = resource.get("hash")
    if digest is not None and digest != recorded.rpartition(":")[2].lower():
        algorithm = recorded.rpartition(":")[0] or "md5"
        problems.append(Problem("hash-count", "the file's hash is not the one recorded in datapackage.json",
                                field="hash", value=f"{algorithm}:{digest}", expected=recorded,
                                hint="the file changed after datapackage.json was written: " + REBUILD, **where))
    return problems


def _check_header(layout: Layout, name: str, data: bytes, where: dict) -> list[Problem]:
    expected = metadata.columns(name)
    head = data[:65536].decode("utf-8", "replace")
    header = next(csv.reader(io.StringIO(head, newline="")), None) if head.strip() else None
    if header is None:
        layout.broken.add(name)
        return [Problem("empty-file", "file is empty: it needs at least the header row", expected=",".join(expected),
                        **where)]
    if header == expected:
        return []
    layout.broken.add(name)
    missing = [c for c in expected if c not in header]
    extra = [c for c in header if c not in expected]
    shown = dict(value=",".join(header)[:500], expected=",".join(expected), **where)
    if len(missing) == 1 and len(extra) == 1:
        return [Problem("missing-column", f"column '{missing[0]}' is missing; the header has '{extra[0]}' in its "
                        "place (renamed?)", field=missing[0], hint=f"rename the column back to '{missing[0]}'",
                        **shown)]
    problems = [Problem("missing-column", f"column '{c}' is missing from the header", field=c,
                        hint="every column of the schema must be present, in order (cells may be empty)", **shown)
                for c in missing]
    problems += [Problem("extra-column", f"column '{c}' is not defined by the schema", field=c[:100],
                         hint="remove it, or add the field to src/yigai/metadata/ first", **shown) for c in extra]
    if not problems:
        problems.append(Problem("column-order", "the columns are not in the schema's order",
                                hint="write the columns in the order of the schema", **shown))
    return problems


def _decode_text(layout: Layout, plan_id: str) -> list[Problem]:
    name, path = layout.text_resource(plan_id), layout.texts[plan_id]
    data = layout.text_content.pop(plan_id, b"")
    if name in layout.broken:
        return []
    try:
        layout.text_content[plan_id] = data.decode("utf-8")
        return []
    except UnicodeDecodeError as exc:
        layout.broken.add(name)
        return [encoding_problem(data, exc, dict(file=path, resource=name), lines_are_rows=False)]


def encoding_problem(data: bytes, exc: UnicodeDecodeError, where: dict, lines_are_rows: bool) -> Problem:
    """Say that a file is not UTF-8, where the first bad byte is, and what it probably is instead."""
    line = data[:exc.start].count(b"\n") + 1
    guess = "not UTF-8"
    try:
        data.decode("gb18030")
        guess = "not UTF-8: it looks GBK/GB18030-encoded (the Chinese Windows default)"
    except UnicodeDecodeError:
        pass
    row = line - 1 if lines_are_rows else line
    return Problem("encoding", f"file is {guess}; first bad byte on line {line}", row=row or None,
                   field=_column_at(data, exc.start) if lines_are_rows else None,
                   value=data[exc.start:exc.start + 4].hex(" "), expected="UTF-8 text",
                   hint="re-save the file as UTF-8, e.g. `iconv -f GB18030 -t UTF-8 old.csv > new.csv`", **where)


def _column_at(data: bytes, offset: int) -> str | None:
    """The header name of the CSV column that the byte at `offset` falls in (by counting cells on its line)."""
    header = next(csv.reader([data[:data.find(b"\n")].decode("utf-8", "replace")]), [])
    line_start = data.rfind(b"\n", 0, offset) + 1
    cells = next(csv.reader([data[line_start:offset].decode("utf-8", "replace")]), [])
    index = max(len(cells) - 1, 0)
    return header[index] if index < len(header) else None


def _schema_core(schema: Any) -> dict[str, Any]:
    """The parts of a Table Schema that decide validity (names, types, constraints, keys), not descriptions."""
    schema = schema if isinstance(schema, dict) else {}
    fields = schema.get("fields") if isinstance(schema.get("fields"), list) else []
    return {"fields": [(f.get("name"), f.get("type"), f.get("constraints") or {}) if isinstance(f, dict) else f
                       for f in fields],
            "primaryKey": schema.get("primaryKey"), "foreignKeys": schema.get("foreignKeys") or []}


def _check_schemas(layout: Layout) -> list[Problem]:
    """A package's schemas must be yigai's: a fork cannot pass by loosening a constraint in its datapackage.json."""
    problems = []
    for name in metadata.table_names():
        resource = layout.tables.get(name)
        if resource is None:
            layout.broken.add(name)
            problems.append(Problem("missing-resource", f"datapackage.json has no resource '{name}'",
                                    file=DESCRIPTOR, resource=name, field="resources",
                                    hint="every table of the package must be listed; " + REBUILD))
            continue
        got, want = _schema_core(resource.get("schema")), _schema_core(metadata.table_schema(name))
        if got == want:
            continue
        where, have, need = "primaryKey/foreignKeys", (got["primaryKey"], got["foreignKeys"]), \
            (want["primaryKey"], want["foreignKeys"])
        for found, wanted in zip(got["fields"] + [None] * len(want["fields"]), want["fields"]):
            if found != wanted:
                parts = ("name", "type", "constraints")
                found = found if isinstance(found, tuple) else (None,) * 3
                part = next((p for p, a, b in zip(parts, found, wanted) if a != b), "name")
                where, have, need = f"{wanted[0]} ({part})", found[parts.index(part)], wanted[parts.index(part)]
                break
        problems.append(Problem("schema-drift", f"the schema of '{name}' in datapackage.json differs from the data "
                                "dictionary", file=DESCRIPTOR, resource=name, field=where,
                                value=json.dumps(have, ensure_ascii=False, default=str)[:500],
                                expected=json.dumps(need, ensure_ascii=False), hint="do not edit schemas by hand: "
                                "change src/yigai/metadata/*.yml, then " + REBUILD + " (a package built by older "
                                "code also shows this)"))
    return problems
