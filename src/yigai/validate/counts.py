"""Golden row counts: how many rows each plan has in each table, recorded in validation/golden_counts.json.

A change that adds or loses rows must say why. The file records, for every plan, its row count per table and the
`reason` for the current counts; a contributor whose change moves a count updates the file in the same change
(`yigai validate datapackage --update-counts "why"`), and the reviewer reads the reason next to the diff.

    {"plans": {"<plan_id>": {"counts": {"tasks": 120, ...}, "reason": "why these counts"}}}
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from yigai import metadata
from yigai.validate.frames import TEXTS, Frame, plan_ids
from yigai.validate.report import Problem

FILE = "golden_counts.json"
ABOUT = ("Row counts per plan and table of the published package. A change that moves a count updates this file in "
         "the same pull request and says why in `reason` (yigai validate datapackage --update-counts \"why\").")
HINT = ("if the change is intended, record the new counts and why: `yigai validate datapackage --update-counts "
        "\"<why>\"` (edits validation/golden_counts.json; commit it with your change)")


def per_plan_tables() -> list[str]:
    """Tables whose rows belong to one plan (by plan_id or task_id)."""
    return [name for name in metadata.table_names()
            if {"plan_id", "task_id"} & set(metadata.columns(name))]


def actual(frames: dict[str, Frame]) -> dict[str, dict[str, int]]:
    """Rows per plan per table in the package (plans come from the plans table)."""
    plans = sorted(frames["plans"].data["plan_id"].dropna().unique()) if "plans" in frames else []
    counts = {plan: {} for plan in plans}
    for table in per_plan_tables():
        if table not in frames or table == TEXTS:
            continue
        by_plan = plan_ids(frames[table].data).value_counts()
        for plan in plans:
            counts[plan][table] = int(by_plan.get(plan, 0))
    return counts


def read(path: Path) -> tuple[dict[str, Any] | None, list[Problem]]:
    """Read the golden counts file (None and a problem when it is missing or malformed)."""
    shown = f"{path.parent.name}/{path.name}"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None, [Problem("golden-counts", "the golden counts file is missing", file=shown, hint=HINT)]
    except json.JSONDecodeError as exc:
        return None, [Problem("golden-counts", f"not valid JSON: {exc.msg}", file=shown, row=exc.lineno)]
    if not isinstance(data, dict) or not isinstance(data.get("plans"), dict):
        return None, [Problem("golden-counts", "expected an object with a 'plans' mapping", file=shown,
                              field="plans")]
    return data, []


def check(frames: dict[str, Frame], path: Path, complete: bool = True) -> list[Problem]:
    """Compare the package's counts with the golden counts.

    Args:
        frames: the package's frames.
        path: validation/golden_counts.json.
        complete: the package holds every plan (so a plan in the file but not in the package is a problem).
    """
    golden, problems = read(path)
    if golden is None or "plans" not in frames:
        # Without a readable plans table there is nothing to count by (its file problem is reported already).
        return problems
    shown = f"{path.parent.name}/{path.name}"
    counts = actual(frames)
    for plan, tables in counts.items():
        entry = golden["plans"].get(plan)
        if not isinstance(entry, dict):
            problems.append(Problem("golden-counts", f"plan {plan} has no golden counts (a new plan?)", file=shown,
                                    field=f"plans.{plan}", value=json.dumps(tables, sort_keys=True), hint=HINT))
            continue
        if not str(entry.get("reason") or "").strip():
            problems.append(Problem("golden-counts", f"the counts of plan {plan} do not say why (no reason)",
                                    file=shown, field=f"plans.{plan}.reason", hint=HINT))
        expected = entry.get("counts") or {}
        for table, n in tables.items():
            if expected.get(table) != n:
                problems.append(Problem(
                    "golden-counts", f"plan {plan} has {n} {table} rows, but the golden counts say "
                    f"{expected.get(table, 'nothing')}", file=f"data/{table}.csv", resource=table, field="plan_id",
                    value=f"{plan}: {n} rows", expected=f"{expected.get(table)} rows ({shown})", hint=HINT))
    if complete:
        for plan in sorted(set(golden["plans"]) - set(counts)):
            problems.append(Problem("golden-counts", f"plan {plan} has golden counts but is not in the package",
                                    file=shown, field=f"plans.{plan}", hint=HINT))
    return problems


def _show(tables: dict[str, int]) -> str:
    return ", ".join(f"{table} {n}" for table, n in sorted(tables.items()))


def update(frames: dict[str, Frame], path: Path, reason: str, complete: bool = True) -> list[str]:
    """Record the package's counts; plans whose counts change (or are new) get `reason`. Returns what changed."""
    if not reason.strip():
        raise ValueError("a reason is required")
    golden, _ = read(path)
    plans: dict[str, Any] = dict((golden or {}).get("plans") or {})
    changed = []
    for plan, tables in actual(frames).items():
        entry = plans.get(plan) if isinstance(plans.get(plan), dict) else {}
        if entry.get("counts") != tables or not entry.get("reason"):
            was = _show(entry.get("counts")) if entry.get("counts") else "new plan"
            changed.append(f"{path.parent.name}/{path.name}: {plan}: {_show(tables)} (was: {was})")
            plans[plan] = {"counts": tables, "reason": reason.strip()}
    if complete:
        present = set(actual(frames))
        for plan in sorted(set(plans) - present):
            changed.append(f"{path.parent.name}/{path.name}: {plan} removed (not in the package)")
            del plans[plan]
    if changed or golden is None:
        data = {"about": ABOUT, "plans": dict(sorted(plans.items()))}
        path.write_text(json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return changed

