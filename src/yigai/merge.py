"""Combine plans built separately: their registry drafts into one registry, their row blocks into sorted tables.

Drafts are merged in plan_id order, each plan's once the plans before it are merged, so the result never depends on
which plan finished first. A draft body that an earlier plan already proposed under the same name is that body. A
draft whose id an earlier plan gave to a body of another name gets the next free id (`<id>-2`, `<id>-3`, …, as the
alias rules number ids within one plan), and the plan's rows and report are rewritten to it. Every plan reports the
draft bodies it relies on.

Tables are streamed: each plan's block of sorted CSV lines is appended in plan order, which is the table's sorted
order because every primary key starts with its plan's id. The sort keys at the ends of each block are checked, so
should two blocks ever interleave or touch (a curated row keyed under another plan's id, say), that table alone is
re-sorted from all blocks in memory, which gives exactly what one global sort gives.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
from pathlib import Path
from typing import Any, BinaryIO

from yigai import metadata, tables
from yigai.errors import YigaiError
from yigai.registry import Agency, Registry

AGENCY_COLUMN = "agency_id"
DRAFT_KIND = "draft-agency"  # corrections report entries that name a drafted body's id in their reason


def _free_id(registry: Registry, agency_id: str) -> str:
    base = re.sub(r"-[0-9]+$", "", agency_id)
    number = 2
    while f"{base}-{number}" in registry.agencies:
        number += 1
    return f"{base}-{number}"


class DraftMerger:
    """Add the drafts of plans, one plan at a time in plan_id order, to a copy of the registry.

    Attributes:
        registry: the merged registry so far (the canonical one the plans were built with is not changed).
        renames: for each plan whose drafts got another id, the ids to rewrite (old → new).
    """

    def __init__(self, registry: Registry):
        self.registry = Registry(dict(registry.agencies))
        self.renames: dict[str, dict[str, str]] = {}
        self._by_name: dict[str, str] = {}

    def add(self, plan_id: str, drafts: list[dict[str, Any]]) -> dict[str, str]:
        """Merge one plan's drafts (as Agency fields); return the ids of its drafts to rewrite (old → new)."""
        mapping: dict[str, str] = {}
        for fields in drafts:
            agency = Agency(**fields)
            target = self._by_name.get(agency.name)
            if target is None:
                target = agency.agency_id
                if target in self.registry.agencies:
                    target = _free_id(self.registry, target)
                self.registry.add(dataclasses.replace(agency, agency_id=target))
                self._by_name[agency.name] = target
            if target != agency.agency_id:
                mapping[agency.agency_id] = target
        if mapping:
            self.renames[plan_id] = mapping
        return mapping


def rename(sections: dict[str, bytes], blocks: dict[str, dict], mapping: dict[str, str]
           ) -> tuple[dict[str, bytes], dict[str, dict]]:
    """Rewrite a plan's blocks so that they use the merged ids of its draft bodies (re-sorted, new end keys)."""
    pattern = re.compile(r"(?<![\w-])(" + "|".join(re.escape(k) for k in sorted(mapping, key=len, reverse=True))
                         + r")(?![\w-])")
    sections, blocks = dict(sections), dict(blocks)
    for table, data in list(sections.items()):
        if table not in blocks:
            continue
        columns = metadata.columns(table)
        rows = tables.parse_lines(table, data.decode("utf-8"))
        for row in rows:
            if AGENCY_COLUMN in columns and row.get(AGENCY_COLUMN) in mapping:
                row[AGENCY_COLUMN] = mapping[row[AGENCY_COLUMN]]
            if row.get("kind") == DRAFT_KIND and row.get("reason"):
                row["reason"] = pattern.sub(lambda m: mapping[m.group(1)], row["reason"])
        ordered = tables.sort_rows(table, rows)
        sections[table] = tables.csv_lines(table, ordered).encode("utf-8")
        blocks[table] = tables.block_meta(table, ordered)
    return sections, blocks


class HashingFile:
    """A file being written whose SHA-256 and size are known when it is closed."""

    def __init__(self, path: Path):
        path.parent.mkdir(parents=True, exist_ok=True)
        self.handle: BinaryIO = open(path, "wb")  # noqa: SIM115 - closed by close()
        self.digest = hashlib.sha256()
        self.size = 0

    def write(self, data: bytes) -> None:
        """Append bytes."""
        self.handle.write(data)
        self.digest.update(data)
        self.size += len(data)

    def close(self) -> tuple[str, int]:
        """Close the file; return its SHA-256 (hex) and size in bytes."""
        self.handle.close()
        return self.digest.hexdigest(), self.size


def write_file(path: Path, data: bytes) -> tuple[str, int]:
    """Write a whole file; return its SHA-256 (hex) and size."""
    out = HashingFile(path)
    out.write(data)
    return out.close()


class TableWriter:
    """Write one table by appending plans' blocks in order, checking that the result is sorted and unique."""

    def __init__(self, table: str, path: Path):
        self.table = table
        self.path = path
        self.out = HashingFile(path)
        self.out.write(tables.header(table).encode("utf-8"))
        self.rows = 0
        self.last: tuple | None = None
        self.in_order = True
        self.error: YigaiError | None = None

    def add(self, block: dict[str, Any], data: bytes) -> None:
        """Append one plan's sorted rows (block: the metadata tables.block_meta gave for them)."""
        if not block["count"]:
            return
        first = tables.key_of(block["first"])
        if self.last is not None and not self.last < first:
            self.in_order = False  # blocks touch or interleave: the table is re-sorted as a whole
        if self.in_order and block["duplicate"] and self.error is None:
            row, key = block["duplicate"]
            self.error = tables.duplicate_error(self.table, self.rows + row, key)
        self.out.write(data)
        self.rows += block["count"]
        self.last = tables.key_of(block["last"])

    def close(self) -> tuple[str, int]:
        """Finish the file; return its SHA-256 and size."""
        return self.out.close()

    def resort(self, blocks) -> tuple[str, int]:
        """Rewrite the table from all blocks (iterable of (block, data)) sorted as one; return SHA-256 and size.

        Raises:
            YigaiError: on a duplicated primary key (with the row number in the sorted table).
        """
        rows: list[dict] = []
        for _, data in blocks:
            rows += tables.parse_lines(self.table, data.decode("utf-8"))
        self.error = None
        ordered = tables.complete_rows(self.table, rows)
        self.rows = len(ordered)
        return write_file(self.path, tables.to_csv(self.table, ordered).encode("utf-8"))
