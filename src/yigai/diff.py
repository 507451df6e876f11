"""Compare two versions of the data package: schema changes, and rows added, removed and changed by primary key.

A diff says what a user of the old version must know about the new one, and which semantic-version bump the
change requires:

- **major**: a table or column was removed or renamed, a column changed type, a primary key changed, or a plan
  was withdrawn (its identifiers disappear);
- **minor**: a table, column or plan was added, or rows were added;
- **patch**: values changed, rows were removed by a correction, entries were added to the corrections report,
  texts or documentation changed.

Values are compared as published (the CSV text), so a diff never depends on parsing. Tables are not held in
memory: each is streamed into an SQLite file owned by its snapshot and compared by key there (yigai.keyed; the
standard library's sqlite3, so `pip install yigai` can diff without extras), so two packages of a million tasks
each compare with flat memory.
"""

from __future__ import annotations

import csv
import hashlib
import json
import tempfile
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Iterator

from yigai import keyed
from yigai.errors import YigaiError
from yigai.loading import open_package, read_descriptor

LEVELS = ("none", "patch", "minor", "major")
REPORT_TABLES = ("corrections",)  # a log of the processing: new entries come with corrections, not new data
RENAME_SIMILARITY = 0.9
MARKDOWN_ROW_LIMIT = 50
VALUE_WIDTH = 80


class StoredRows(Mapping):
    """A table's rows by primary key, read from its stored copy only when asked for (len() needs no rows)."""

    def __init__(self, table: "Table"):
        self.table = table
        self._rows: dict[tuple, dict[str, str]] | None = None

    def __len__(self) -> int:
        with keyed.session() as con:
            return keyed.distinct_keys(con, self.table.store, self.table.key_positions)

    def _load(self) -> dict[tuple, dict[str, str]]:
        if self._rows is None:
            with keyed.session() as con:
                self._rows = keyed.load_rows(con, self.table.store, self.table.key_positions, self.table.names)
        return self._rows

    def __getitem__(self, key: tuple) -> dict[str, str]:
        return self._load()[key]

    def __iter__(self) -> Iterator[tuple]:
        return iter(self._load())


@dataclass
class Table:
    """One tabular resource as published: schema, and its rows (cell text) stored on disk by primary key.

    Attributes:
        store: the stored copy of the CSV (column i of `stored` as c<i>), in a database file owned by the snapshot.
        stored: the stored columns: the distinct schema columns, then key columns the schema lacks.
        count: data rows in the CSV (rows sharing a key included).
    """

    name: str
    columns: list[str]
    types: dict[str, str]
    key: list[str]
    fields: dict[str, dict]
    store: keyed.Stored
    stored: list[str]
    count: int

    @property
    def names(self) -> list[str]:
        """The distinct schema columns, in order (the keys of each row)."""
        return [c for c in self.stored if c in self.fields]

    def position(self, name: str) -> int:
        """The stored position of a column."""
        return self.stored.index(name)

    @property
    def key_positions(self) -> list[int]:
        """Stored positions of the primary key's columns."""
        return [self.position(k) for k in self.key]

    @property
    def rows(self) -> StoredRows:
        """Rows by primary key (loaded into memory on first access except for len())."""
        return StoredRows(self)


@dataclass
class Snapshot:
    """What a diff compares of one package: its descriptor, tables and text files."""

    version: str | None
    descriptor: dict
    tables: dict[str, Table]
    files: dict[str, str]  # non-tabular resource path → sha256
    store: Any = field(default=None, repr=False, compare=False)  # the folder holding the tables' stored copies


def read_table(folder: Path, resource: dict, store: keyed.Store) -> Table:
    """Store one tabular resource of a package folder (as text cells) in `store`, for keyed comparison."""
    schema = resource["schema"]
    columns = [f["name"] for f in schema["fields"]]
    key = schema.get("primaryKey") or columns
    key = [key] if isinstance(key, str) else list(key)
    stored = list(dict.fromkeys(columns + key))
    try:
        target, count = store.store_csv(folder / resource["path"], stored)
    except UnicodeDecodeError as exc:
        raise YigaiError(f"not UTF-8 text ({exc.reason} at byte {exc.start})", file=resource["path"]) from None
    except (OSError, csv.Error) as exc:
        raise YigaiError(f"cannot read the table: {exc}", file=resource["path"]) from None
    return Table(resource["name"], columns, {f["name"]: f.get("type", "string") for f in schema["fields"]}, key,
                 {f["name"]: f for f in schema["fields"]}, target, stored, count)


def snapshot(path: str | Path) -> Snapshot:
    """Read a package folder, release archive or URL for comparison.

    Archives are verified before reading; folders are read as they are, so work in progress can be compared.
    """
    store = tempfile.TemporaryDirectory(prefix="yigai-snapshot-")
    with open_package(path, verify_folder=False) as folder:
        descriptor = read_descriptor(folder)
        tables, files = {}, {}
        writer = keyed.Store(Path(store.name) / "tables.sqlite")
        try:
            for resource in descriptor.get("resources", []):
                if resource.get("schema"):
                    tables[resource["name"]] = read_table(folder, resource, writer)
                else:
                    files[resource["path"]] = hashlib.sha256((folder / resource["path"]).read_bytes()).hexdigest()
        finally:
            writer.close()
        return Snapshot(descriptor.get("version"), descriptor, tables, files, store)


@dataclass
class RowChange:
    """A row present in both versions whose values differ: field → [before, after]."""

    key: dict[str, str]
    fields: dict[str, list[str]]


@dataclass
class TableDiff:
    """Everything that changed in one table."""

    name: str
    key: list[str] = field(default_factory=list)
    old_name: str | None = None
    columns_added: list[str] = field(default_factory=list)
    columns_removed: list[str] = field(default_factory=list)
    columns_renamed: dict[str, str] = field(default_factory=dict)  # old → new
    type_changes: dict[str, list[str]] = field(default_factory=dict)  # column → [old type, new type]
    key_change: list[list[str]] | None = None
    described_changes: list[str] = field(default_factory=list)  # columns whose description/constraints changed
    added: list[dict[str, str]] = field(default_factory=list)
    removed: list[dict[str, str]] = field(default_factory=list)
    changed: list[RowChange] = field(default_factory=list)

    @property
    def schema_changed(self) -> bool:
        """True when columns, types or the key changed."""
        return bool(self.columns_added or self.columns_removed or self.columns_renamed or self.type_changes
                    or self.key_change or self.old_name)

    @property
    def empty(self) -> bool:
        """True when nothing at all changed in the table."""
        return not (self.schema_changed or self.described_changes or self.added or self.removed or self.changed)


@dataclass
class PackageDiff:
    """The difference between two package versions."""

    old_version: str | None
    new_version: str | None
    tables_added: list[str] = field(default_factory=list)
    tables_removed: list[str] = field(default_factory=list)
    tables: list[TableDiff] = field(default_factory=list)
    files_added: list[str] = field(default_factory=list)
    files_removed: list[str] = field(default_factory=list)
    files_changed: list[str] = field(default_factory=list)
    metadata_changed: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        """True when the two packages publish the same data and metadata."""
        return not (self.tables_added or self.tables_removed or self.files_added or self.files_removed
                    or self.files_changed or self.metadata_changed or any(not t.empty for t in self.tables))

    def required_bump(self) -> tuple[str, list[str]]:
        """The smallest semantic-version bump the change requires, and the reasons for it."""
        reasons: dict[str, list[str]] = {level: [] for level in LEVELS}
        reasons["major"] += [f"table {t} removed" for t in self.tables_removed]
        reasons["minor"] += [f"table {t} added" for t in self.tables_added]
        reasons["minor"] += [f"text {f} added" for f in self.files_added]
        reasons["patch"] += [f"text {f} removed" for f in self.files_removed]
        reasons["patch"] += [f"text {f} changed" for f in self.files_changed]
        reasons["patch"] += [f"package metadata '{m}' changed" for m in self.metadata_changed]
        for t in self.tables:
            if t.old_name:
                reasons["major"].append(f"table {t.old_name} renamed to {t.name}")
            reasons["major"] += [f"column {t.name}.{c} removed" for c in t.columns_removed]
            reasons["major"] += [f"column {t.name}.{o} renamed to {n}" for o, n in t.columns_renamed.items()]
            reasons["major"] += [f"column {t.name}.{c} changed type {a} → {b}" for c, (a, b) in t.type_changes.items()]
            if t.key_change:
                reasons["major"].append(f"primary key of {t.name} changed")
            if t.name == "plans" and t.removed:
                reasons["major"].append(f"{len(t.removed)} plan(s) withdrawn")
            elif t.removed:
                reasons["patch"].append(f"{len(t.removed)} row(s) removed from {t.name}")
            reasons["minor"] += [f"column {t.name}.{c} added" for c in t.columns_added]
            if t.added and t.name in REPORT_TABLES:
                reasons["patch"].append(f"{len(t.added)} entry(ies) added to the {t.name} report")
            elif t.added:
                reasons["minor"].append(f"{len(t.added)} row(s) added to {t.name}")
            if t.changed:
                reasons["patch"].append(f"{len(t.changed)} row(s) corrected in {t.name}")
            if t.described_changes:
                reasons["patch"].append(f"documentation of {t.name} columns changed")
        for level in reversed(LEVELS[1:]):
            if reasons[level]:
                return level, reasons[level]
        return "none", []

    def to_dict(self) -> dict[str, Any]:
        """The diff as plain data (for JSON)."""
        level, reasons = self.required_bump()
        data = asdict(self)
        data["tables"] = [asdict(t) for t in self.tables if not t.empty]
        data["required_bump"] = {"level": level, "reasons": reasons}
        return data

    def to_json(self) -> str:
        """The diff for machines."""
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2, sort_keys=True) + "\n"

    def to_markdown(self, level: int = 1, title: bool = True, limit: int = MARKDOWN_ROW_LIMIT) -> str:
        """The diff for people (and for CHANGELOG.md): schema changes, row counts, then field-level changes.

        Args:
            level: heading level of the title, or of the sections when `title` is false.
            title: whether to start with a "Changes from A to B" heading.
            limit: at most this many changed/added/removed rows are listed per table.
        """
        return _markdown(self, level, title, limit)


def _similarity(old: Table, new: Table, old_col: str, new_col: str, con) -> float:
    common, same = keyed.similarity(con, old.store, old.key_positions, new.store, new.key_positions,
                                    old.position(old_col), new.position(new_col))
    if not common:
        return 1.0 if old.columns.index(old_col) == new.columns.index(new_col) else 0.0
    return same / common


def _renames(old: Table, new: Table, removed: list[str], added: list[str], con) -> dict[str, str]:
    candidates = sorted(((_similarity(old, new, r, a, con), r, a) for r in removed for a in added
                         if old.types[r] == new.types[a]), key=lambda c: (-c[0], c[1], c[2]))
    renames: dict[str, str] = {}
    for score, r, a in candidates:
        if score >= RENAME_SIMILARITY and r not in renames and a not in renames.values():
            renames[r] = a
    return renames


def diff_tables(old: Table, new: Table, con=None) -> TableDiff:
    """Compare two versions of one table: columns, then rows by the new primary key (in keyed session `con`)."""
    if con is None:
        with keyed.session() as session:
            return diff_tables(old, new, session)
    result = TableDiff(new.name, list(new.key), old_name=old.name if old.name != new.name else None)
    removed = [c for c in old.columns if c not in new.columns]
    added = [c for c in new.columns if c not in old.columns]
    result.columns_renamed = _renames(old, new, removed, added, con)
    result.columns_removed = [c for c in removed if c not in result.columns_renamed]
    result.columns_added = [c for c in added if c not in result.columns_renamed.values()]
    mapping = {c: c for c in old.columns if c in new.columns} | result.columns_renamed
    for old_col, new_col in mapping.items():
        if old.types[old_col] != new.types[new_col]:
            result.type_changes[new_col] = [old.types[old_col], new.types[new_col]]
        elif {k: v for k, v in old.fields[old_col].items() if k != "name"} != \
                {k: v for k, v in new.fields[new_col].items() if k != "name"}:
            result.described_changes.append(new_col)
    old_key_in_new = [mapping.get(k, k) for k in old.key]
    if old_key_in_new != new.key:
        result.key_change = [old.key, new.key]
    inverse = {n: o for o, n in mapping.items()}
    rekey = [old.position(inverse[k]) for k in new.key] if all(k in inverse for k in new.key) else None
    pairs = [(old.position(o), new.position(n)) for o, n in mapping.items()]
    result.added, result.removed, changed = keyed.row_diff(con, old.store, old.names, old.key_positions, new.store,
                                                           new.names, new.key_positions, rekey, pairs)
    for before, after in changed:
        changes = {new_col: [before[old_col], after[new_col]] for old_col, new_col in mapping.items()
                   if before[old_col] != after[new_col]}
        result.changed.append(RowChange({k: after.get(k, "") for k in new.key}, changes))
    return result


def _table_renames(old: dict[str, Table], new: dict[str, Table]) -> dict[str, str]:
    gone = [t for t in old if t not in new]
    fresh = [t for t in new if t not in old]
    renames = {}
    for o in gone:
        for n in fresh:
            if old[o].columns == new[n].columns and n not in renames.values():
                renames[o] = n
                break
    return renames


def _compare_tables(old: Snapshot, new: Snapshot, result: PackageDiff, con) -> None:
    renames = _table_renames(old.tables, new.tables)
    result.tables_removed = [t for t in old.tables if t not in new.tables and t not in renames]
    result.tables_added = [t for t in new.tables if t not in old.tables and t not in renames.values()]
    for name in new.tables:
        source = name if name in old.tables else next((o for o, n in renames.items() if n == name), None)
        if source is not None:
            result.tables.append(diff_tables(old.tables[source], new.tables[name], con))


def compare(old: Snapshot, new: Snapshot) -> PackageDiff:
    """Compare two package snapshots."""
    result = PackageDiff(old.version, new.version)
    with keyed.session() as con:
        _compare_tables(old, new, result, con)
    result.files_added = sorted(set(new.files) - set(old.files))
    result.files_removed = sorted(set(old.files) - set(new.files))
    result.files_changed = sorted(p for p in set(old.files) & set(new.files) if old.files[p] != new.files[p])
    ignored = {"resources", "version", "sources"}
    keys = sorted((set(old.descriptor) | set(new.descriptor)) - ignored)
    result.metadata_changed = [k for k in keys if old.descriptor.get(k) != new.descriptor.get(k)]
    return result


def run(old_path: str | Path, new_path: str | Path) -> PackageDiff:
    """Compare two packages given as folders, release archives or URLs."""
    return compare(snapshot(old_path), snapshot(new_path))


def _code(value: str) -> str:
    if value == "":
        return "*(empty)*"
    text = value if len(value) <= VALUE_WIDTH else value[:VALUE_WIDTH - 1] + "…"
    text = text.replace("\n", " ").replace("|", "\\|")
    return f"`` {text} ``" if "`" in text else f"`{text}`"


def _key_text(key: dict[str, str]) -> str:
    return ", ".join(_code(v) for v in key.values())


def _row_key(row: dict[str, str], key: list[str]) -> str:
    return ", ".join(_code(row.get(k, "")) for k in key)


def _markdown(d: PackageDiff, level: int, title: bool, limit: int) -> str:
    lines: list[str] = []
    if title:
        lines += [f"{'#' * level} Changes from {d.old_version or '(none)'} to {d.new_version or '(none)'}", ""]
    h = "#" * ((level + 1 if title else level) - 1)
    if d.empty:
        return "\n".join(lines + ["No changes.", ""])
    bump, reasons = d.required_bump()
    lines += [f"Smallest version bump this requires: **{bump}** ({'; '.join(reasons[:5])}"
              f"{'; …' if len(reasons) > 5 else ''}).", ""]
    schema = [f"- Table `{t}` added." for t in d.tables_added] + [f"- Table `{t}` removed." for t in d.tables_removed]
    for t in d.tables:
        if t.old_name:
            schema.append(f"- Table `{t.old_name}` looks renamed to `{t.name}`.")
        schema += [f"- Column `{t.name}.{c}` added." for c in t.columns_added]
        schema += [f"- Column `{t.name}.{c}` removed." for c in t.columns_removed]
        schema += [f"- Column `{t.name}.{o}` looks renamed to `{n}`." for o, n in t.columns_renamed.items()]
        schema += [f"- Column `{t.name}.{c}` changed type: {a} → {b}." for c, (a, b) in t.type_changes.items()]
        if t.key_change:
            schema.append(f"- Primary key of `{t.name}` changed: {t.key_change[0]} → {t.key_change[1]}.")
        schema += [f"- Description or constraints of `{t.name}.{c}` changed." for c in t.described_changes]
    schema += [f"- Package metadata `{k}` changed." for k in d.metadata_changed]
    if schema:
        lines += [f"{h}# Schema", ""] + schema + [""]
    touched = [t for t in d.tables if t.added or t.removed or t.changed]
    if touched:
        lines += [f"{h}# Rows", "", "| table | added | removed | changed |", "|---|---:|---:|---:|"]
        lines += [f"| `{t.name}` | {len(t.added)} | {len(t.removed)} | {len(t.changed)} |" for t in touched]
        lines.append("")
        for t in touched:
            lines += [f"{h}## `{t.name}`", ""]
            items = [f"- changed {_key_text(c.key)}: " + "; ".join(
                f"`{f}` {_code(b)} → {_code(a)}" for f, (b, a) in c.fields.items()) for c in t.changed]
            items += [f"- added {_row_key(r, t.key)}" for r in t.added]
            items += [f"- removed {_row_key(r, t.key)}" for r in t.removed]
            lines += items[:limit]
            if len(items) > limit:
                lines.append(f"- … and {len(items) - limit} more (see `yigai diff --format json`)")
            lines.append("")
    files = [f"- Text `{p}` added." for p in d.files_added] + [f"- Text `{p}` removed." for p in d.files_removed]
    files += [f"- Text `{p}` changed." for p in d.files_changed]
    if files:
        lines += [f"{h}# Texts", ""] + files + [""]
    return "\n".join(lines)

