"""Golden facts per plan, recorded in validation/golden_counts.json: row counts, and the digests of its texts.

A change that adds or loses rows must say why. The file records, for every plan, its row count per table, the
sha256 of its raw source (`source_sha256`, as the plans table states it) and of its published text (`text_sha256`),
and the `reason` for the current record. A package whose text was edited, even where no row's span points, or whose
plan names another raw file, no longer matches; a contributor whose change is intended updates the file in the same
change (`yigai validate datapackage --update-counts "why"`), and the reviewer reads the reason next to the diff.

    {"plans": {"<plan_id>": {"counts": {"tasks": 120, ...}, "reason": "why", "source_sha256": "…",
                             "text_sha256": "…"}}}
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import duckdb

from yigai import metadata
from yigai.validate.loader import plan_expression, quote
from yigai.validate.report import Problem

FILE = "golden_counts.json"
ABOUT = ("Row counts and digests (raw source, published text) per plan of the published package. A change that moves "
         "one updates this file in the same pull request and says why in `reason` (yigai validate datapackage "
         "--update-counts \"why\").")
HINT = ("if the change is intended, record the new counts and why: `yigai validate datapackage --update-counts "
        "\"<why>\"` (edits validation/golden_counts.json; commit it with your change)")
DIGESTS = ("source_sha256", "text_sha256")


def per_plan_tables() -> list[str]:
    """Tables whose rows belong to one plan (by plan_id or task_id)."""
    return [name for name in metadata.table_names() if "NULL" not in plan_expression(name)]


def actual(con: duckdb.DuckDBPyConnection, available: set[str], texts: dict[str, str]) -> dict[str, dict[str, Any]]:
    """Per plan of the plans table: rows per table, its source_sha256 and the sha256 of its text."""
    if "plans" not in available:
        return {}
    facts: dict[str, dict[str, Any]] = {}
    for plan, source, row in con.execute("SELECT plan_id, arg_min(source_sha256, _row), min(_row) FROM v_plans "
                                         "WHERE plan_id IS NOT NULL GROUP BY plan_id ORDER BY plan_id").fetchall():
        text = texts.get(plan)
        facts[plan] = {"counts": {}, "source_sha256": source, "row": row,
                       "text_sha256": None if text is None else hashlib.sha256(text.encode("utf-8")).hexdigest()}
    for table in per_plan_tables():
        if table not in available:
            continue
        found = dict(con.execute(f"SELECT _plan, count(*) FROM {quote(table)} GROUP BY _plan").fetchall())
        for plan, entry in facts.items():
            entry["counts"][table] = int(found.get(plan, 0))
    return facts


def read(path: Path) -> tuple[dict[str, Any] | None, list[Problem]]:
    """Read the golden counts file (None and a problem when it is missing or malformed)."""
    shown = f"{path.parent.name}/{path.name}"
    try:
        data = json.loads(path.read_bytes().decode("utf-8"))
    except FileNotFoundError:
        return None, [Problem("golden-counts", "the golden counts file is missing", file=shown, hint=HINT)]
    except (json.JSONDecodeError, UnicodeDecodeError, RecursionError, OSError) as exc:
        return None, [Problem("golden-counts", f"not valid JSON: {getattr(exc, 'msg', exc)}", file=shown,
                              row=getattr(exc, "lineno", None))]
    if not isinstance(data, dict) or not isinstance(data.get("plans"), dict):
        return None, [Problem("golden-counts", "expected an object with a 'plans' mapping", file=shown,
                              field="plans")]
    return data, []


def check(facts: dict[str, dict[str, Any]], path: Path, complete: bool = True,
          plans: set[str] | None = None, table_files: dict[str, str] | None = None) -> list[Problem]:
    """Compare the package's counts and digests with the golden file.

    Args:
        facts: the package's facts per plan (see actual()).
        path: validation/golden_counts.json.
        complete: the package holds every plan (so a plan in the file but not in the package is a problem).
        plans: when given, only these plans are compared.
        table_files: table → its file in the package (named in the problem).
    """
    golden, problems = read(path)
    if golden is None:
        return problems
    shown = f"{path.parent.name}/{path.name}"
    for plan, entry in facts.items():
        if plans is not None and plan not in plans:
            continue
        recorded = golden["plans"].get(plan)
        if not isinstance(recorded, dict):
            problems.append(Problem("golden-counts", f"plan {plan} has no golden counts (a new plan?)", file=shown,
                                    field=f"plans.{plan}", value=json.dumps(entry["counts"], sort_keys=True),
                                    hint=HINT, plan=plan))
            continue
        if not str(recorded.get("reason") or "").strip():
            problems.append(Problem("golden-counts", f"the counts of plan {plan} do not say why (no reason)",
                                    file=shown, field=f"plans.{plan}.reason", hint=HINT, plan=plan))
        expected = recorded.get("counts") if isinstance(recorded.get("counts"), dict) else {}
        for table, n in entry["counts"].items():
            if expected.get(table) != n:
                problems.append(Problem(
                    "golden-counts", f"plan {plan} has {n} {table} rows, but the golden counts say "
                    f"{expected.get(table, 'nothing')}", file=(table_files or {}).get(table, f"data/{table}.csv"),
                    resource=table, field="plan_id", value=f"{plan}: {n} rows",
                    expected=f"{expected.get(table)} rows ({shown})", hint=HINT, plan=plan))
        problems += _digest_problems(plan, entry, recorded, shown)
    if complete and plans is None:
        for plan in sorted(set(golden["plans"]) - set(facts)):
            problems.append(Problem("golden-counts", f"plan {plan} has golden counts but is not in the package",
                                    file=shown, field=f"plans.{plan}", hint=HINT, plan=plan))
    return problems


def _digest_problems(plan: str, entry: dict[str, Any], recorded: dict[str, Any], shown: str) -> list[Problem]:
    problems = []
    if entry["source_sha256"] != recorded.get("source_sha256"):
        problems.append(Problem("golden-digest", f"plan {plan} names a raw source other than the one recorded",
                                file="data/plans.csv", resource="plans", field="source_sha256", row=entry["row"],
                                value=str(entry["source_sha256"]), expected=f"{recorded.get('source_sha256')} "
                                f"({shown})", hint="source_sha256 is the sha256 of sources/<plan_id>/raw.txt; "
                                + HINT, plan=plan))
    if entry["text_sha256"] is not None and entry["text_sha256"] != recorded.get("text_sha256"):
        problems.append(Problem("golden-digest", f"the published text of plan {plan} is not the one recorded",
                                file=f"texts/{plan}.txt", resource=f"text-{plan}", field="text_sha256",
                                value=entry["text_sha256"], expected=f"{recorded.get('text_sha256')} ({shown})",
                                hint="texts are written by the build from sources/, never by hand; " + HINT,
                                plan=plan))
    return problems


def _show(tables: dict[str, int]) -> str:
    return ", ".join(f"{table} {n}" for table, n in sorted(tables.items()))


def update(facts: dict[str, dict[str, Any]], path: Path, reason: str, complete: bool = True) -> list[str]:
    """Record the package's counts and digests; plans whose record changes get `reason`. Returns what changed."""
    if not reason.strip():
        raise ValueError("a reason is required")
    golden, _ = read(path)
    plans: dict[str, Any] = dict((golden or {}).get("plans") or {})
    changed = []
    for plan, entry in facts.items():
        old = plans.get(plan) if isinstance(plans.get(plan), dict) else {}
        new = {"counts": entry["counts"], **{k: entry[k] for k in DIGESTS}}
        if any(old.get(k) != v for k, v in new.items()) or not old.get("reason"):
            was = _show(old["counts"]) if isinstance(old.get("counts"), dict) else "new plan"
            what = _show(entry["counts"])
            if old and old.get("counts") == entry["counts"]:
                what = "digests " + ", ".join(k for k in DIGESTS if old.get(k) != entry[k])
            changed.append(f"{path.parent.name}/{path.name}: {plan}: {what} (was: {was})")
            plans[plan] = {**new, "reason": reason.strip()}
    if complete:
        for plan in sorted(set(plans) - set(facts)):
            changed.append(f"{path.parent.name}/{path.name}: {plan} removed (not in the package)")
            del plans[plan]
    if changed or golden is None:
        data = {"about": ABOUT, "plans": dict(sorted(plans.items()))}
        path.write_text(json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return changed
