"""The package as the site's pages see it: its tables, their columns, labels for fields and codes, and spam masking.

Pages take the columns of a table from the package's own schema, so a column added to the package (for example an
English name of an agency) shows up on the pages without a change here; only columns a page shows in another form
(character offsets, a quote behind a link) are left out by name.
"""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from yigai import metadata
from yigai.loading import read_descriptor

# The corrections table's own code for text injected by the hosting site; never shown verbatim.
SPAM_KIND = "spam"
NO_DEADLINE = "no deadline"


@dataclass
class Site:
    """The rows of a package and what the pages need to describe them.

    Attributes:
        tables: every tabular resource's rows (as strings, empty for null), by table name.
        columns: every tabular resource's column names in schema order, by table name.
        version: the package version.
        sources: each plan's source.yml facts, by plan_id (empty when sources/ has none).
        texts: each plan's published text, by plan_id.
    """

    tables: dict[str, list[dict[str, str]]]
    columns: dict[str, list[str]]
    version: str
    sources: dict[str, dict[str, Any]] = field(default_factory=dict)
    texts: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.spam = sorted({r["original"] for r in self.rows("corrections")
                            if r.get("kind") == SPAM_KIND and r.get("original")}, key=lambda s: (-len(s), s))
        self.tasks = {r["task_id"]: r for r in self.rows("tasks")}
        self.responsibilities_by_task: dict[str, list[dict[str, str]]] = defaultdict(list)
        for row in self.rows("responsibilities"):
            self.responsibilities_by_task[row["task_id"]].append(row)
        self.agencies = {r["agency_id"]: r for r in self.rows("agencies")}
        self.by_plan: dict[str, dict[str, list[dict[str, str]]]] = defaultdict(lambda: defaultdict(list))
        for table, rows in self.tables.items():
            for row in rows:
                plan_id = plan_of(row)
                if plan_id:
                    self.by_plan[plan_id][table].append(row)

    def rows(self, table: str) -> list[dict[str, str]]:
        """The rows of a table (none when the package has no such table)."""
        return self.tables.get(table, [])

    def plan_rows(self, plan_id: str, table: str) -> list[dict[str, str]]:
        """The rows of a table that belong to one plan, in package order."""
        return self.by_plan.get(plan_id, {}).get(table, [])

    @property
    def plans(self) -> list[dict[str, str]]:
        """The plans, in package order."""
        return self.rows("plans")

    def mask(self, value: Any) -> str:
        """The value as text with every spam string of the corrections table replaced by a note of its length."""
        text = "" if value is None else str(value)
        for spam in self.spam:
            if spam in text:
                text = text.replace(spam, masked(spam))
        return text

    def domain_of_target(self, target: dict[str, str]) -> str:
        """The reform domain of a target: the domain of the task it belongs to ('' when unknown)."""
        return (self.tasks.get(target.get("task_id") or "") or {}).get("domain") or ""

    def leads(self, task_id: str, role: str = "lead") -> list[dict[str, str]]:
        """The responsibilities rows of a task with the given role, in package order."""
        return [r for r in self.responsibilities_by_task.get(task_id, []) if r.get("role") == role]

    def agency_name(self, agency_id: str) -> str:
        """The canonical name of a body, or its id when the agencies table does not list it."""
        return (self.agencies.get(agency_id) or {}).get("agency_name") or agency_id


def masked(spam: str) -> str:
    """The note shown instead of a spam string: how many characters were hidden."""
    return f"[spam masked: {len(spam)} characters]"


def plan_of(row: dict[str, str]) -> str | None:
    """The plan a row belongs to: its plan_id, or the part of its task_id before ':'."""
    if row.get("plan_id"):
        return row["plan_id"]
    task = row.get("task_id") or ""
    return task.split(":", 1)[0] if ":" in task else None


def local_id(identifier: str) -> str:
    """The part of a plan-scoped id after the plan ('guangdong-2017-01:t001' → 't001'), usable as an anchor."""
    return re.sub(r"[^A-Za-z0-9_-]", "-", identifier.split(":", 1)[-1])


def deadline_year(row: dict[str, str]) -> str:
    """The year of a row's deadline, or NO_DEADLINE."""
    return (row.get("deadline") or "")[:4] or NO_DEADLINE


def field_zh(name: str) -> str:
    """The Chinese term of a field ('' for a field the metadata does not know)."""
    return str(metadata.fields().get(name, {}).get("zh") or "")


def code_label(field_name: str, code: str) -> str:
    """A short Chinese label for a code of a field, from its documentation, followed by the code.

    The metadata documents each code in English with the Chinese terms in parentheses; the first of them names the
    code ('tiered-care' → '分级诊疗 tiered-care'). A code without Chinese terms is shown as it is.
    """
    if not code:
        return "—"
    spec = metadata.fields().get(field_name, {})
    zh = (spec.get("enum_zh") or {}).get(code)
    if not zh:
        found = re.search(r"\(([^)]*[\u4e00-\u9fff][^)]*)\)", str((spec.get("enum_doc") or {}).get(code) or ""))
        zh = re.split(r"[、,，/;；]", found.group(1))[0].strip() if found else ""
    return f"{zh} {code}" if zh else code


def load(package_dir: Path, sources_dir: Path | None = None) -> Site:
    """Read a package (and, when given, the plans' source.yml files) for the site."""
    package_dir = Path(package_dir)
    descriptor = read_descriptor(package_dir)
    tables, columns = {}, {}
    for resource in descriptor.get("resources", []):
        schema = resource.get("schema")
        if not schema:
            continue
        columns[resource["name"]] = [f["name"] for f in schema.get("fields", [])]
        with open(package_dir / resource["path"], encoding="utf-8", newline="") as handle:
            tables[resource["name"]] = list(csv.DictReader(handle))
    sources, texts = {}, {}
    for plan in tables.get("plans", []):
        plan_id = plan["plan_id"]
        text_path = package_dir / (plan.get("text_path") or f"texts/{plan_id}.txt")
        if text_path.is_file():
            texts[plan_id] = text_path.read_text(encoding="utf-8")
        source = Path(sources_dir) / plan_id / "source.yml" if sources_dir else None
        if source is not None and source.is_file():
            sources[plan_id] = yaml.safe_load(source.read_text(encoding="utf-8")) or {}
    return Site(tables, columns, str(descriptor.get("version")), sources, texts)
