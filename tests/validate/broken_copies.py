"""Ways to break a copy of the package as a careless or hostile contributor would, hashes refreshed afterwards.

Each function edits a package copy and returns what the report must name: (check or None, resource, row, field).
The row is the data row the edit touched (None where a row does not apply, e.g. a whole text file). Nothing here
names one of our plans: rows are picked by their shape (a nested task, a target with a task, another plan's row).
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from pathlib import Path

from validate_helpers import read_table, write_table


def refresh_hashes(package: Path) -> None:
    """Recompute every resource's hash and size in datapackage.json, as a hostile editor would."""
    path = package / "datapackage.json"
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    for resource in descriptor["resources"]:
        file = package / resource["path"]
        if file.is_file() and not file.is_symlink():
            data = file.read_bytes()
            resource["hash"] = "sha256:" + hashlib.sha256(data).hexdigest()
            resource["bytes"] = len(data)
    path.write_text(json.dumps(descriptor, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def edit(package: Path, table: str, pick, **changes) -> int:
    """Change cells of the first row `pick(row, rows)` accepts; returns its data row number."""
    header, rows = read_table(package, table)
    index = next(i for i, row in enumerate(rows) if pick(row, rows))
    rows[index].update(changes)
    write_table(package, table, header, rows)
    return index + 1


def plans(package: Path) -> list[dict[str, str]]:
    return read_table(package, "plans")[1]


def other_plan(package: Path, plan_id: str) -> str:
    return next(p["plan_id"] for p in plans(package) if p["plan_id"] != plan_id)


def text_of(package: Path, plan_id: str) -> str:
    return (package / "texts" / f"{plan_id}.txt").read_text(encoding="utf-8")


def a_task_of_another_plan(package: Path, plan_id: str) -> str:
    other = other_plan(package, plan_id)
    return next(r["task_id"] for r in read_table(package, "tasks")[1] if r["plan_id"] == other)


# --- the classes of broken update -------------------------------------------------------------------------------

def task_parent_in_another_plan(package):
    tasks = read_table(package, "tasks")[1]
    nested = next(r for r in tasks if r["parent_task_id"])
    row = edit(package, "tasks", lambda r, _: r is not None and r["task_id"] == nested["task_id"],
               parent_task_id=a_task_of_another_plan(package, nested["plan_id"]))
    return None, "tasks", row, "parent_task_id"


def task_parent_is_itself(package):
    row = edit(package, "tasks", lambda r, _: bool(r["parent_task_id"]), parent_task_id=None)
    header, rows = read_table(package, "tasks")
    rows[row - 1]["parent_task_id"] = rows[row - 1]["task_id"]
    write_table(package, "tasks", header, rows)
    return None, "tasks", row, "parent_task_id"


def target_task_in_another_plan(package):
    targets = read_table(package, "targets")[1]
    target = targets[0]
    row = edit(package, "targets", lambda r, _: r["target_id"] == target["target_id"],
               task_id=a_task_of_another_plan(package, target["plan_id"]))
    return "same-plan", "targets", row, "task_id"


def _shifted(package, table, pick):
    """Move a row's span to other words of the same length in its plan's text (offsets stay in range)."""
    header, rows = read_table(package, table)
    index = next(i for i, r in enumerate(rows) if pick(r) and r["char_start"])
    row = rows[index]
    plan = row.get("plan_id") or row["task_id"].split(":")[0]
    text = text_of(package, plan)
    start, end = int(row["char_start"]), int(row["char_end"])
    shift = 1 if end + 1 <= len(text) else -1
    while text[start + shift:end + shift] == text[start:end]:
        shift += 1 if shift > 0 else -1
    row.update(char_start=str(start + shift), char_end=str(end + shift))
    write_table(package, table, header, rows)
    return index + 1


def task_span_points_at_other_text(package):
    return "quote-in-text", "tasks", _shifted(package, "tasks", lambda r: not r["path"].startswith("A")), "text"


def mention_span_points_at_other_text(package):
    return "quote-in-text", "responsibilities", _shifted(package, "responsibilities", lambda r: True), "mention"


def cited_title_span_points_at_other_text(package):
    return "quote-in-text", "citations", _shifted(package, "citations", lambda r: True), "cited_title"


def depth_contradicts_path(package):
    row = edit(package, "tasks", lambda r, _: r["depth"] == "2", depth="3")
    return "outline", "tasks", row, "depth"


def negative_count(package):
    row = edit(package, "targets", lambda r, _: r["unit"] in ("个", "家", "名") and r["relative"] == "false",
               value="-3")
    return "negative-value", "targets", row, "value"


def nan_value(package):
    return "constraint-error", "targets", edit(package, "targets", lambda r, _: True, value="NaN"), "value"


def infinite_value(package):
    return "constraint-error", "targets", edit(package, "targets", lambda r, _: True, value="INF"), "value"


def range_upside_down(package):
    row = edit(package, "targets", lambda r, _: r["comparator"] != "range" and r["relative"] == "false",
               comparator="range", value="10", value_max="8")
    return "range", "targets", row, "value_max"


def range_without_upper_bound(package):
    row = edit(package, "targets", lambda r, _: r["comparator"] != "range", comparator="range", value_max="")
    return "range", "targets", row, "value_max"


def admin_code_not_in_gbt2260(package):
    return "admin-code", "plans", edit(package, "plans", lambda r, _: True, admin_code="339999"), "admin_code"


def admin_level_contradicts_code(package):
    row = edit(package, "plans", lambda r, _: r["admin_level"] != "province", admin_level="province")
    return "admin-level", "plans", row, "admin_level"


def published_in_2999(package):
    return "date-in-future", "plans", edit(package, "plans", lambda r, _: True, publish_date="2999-01-01"), \
        "publish_date"


def text_path_of_another_plan(package):
    first = plans(package)[0]["plan_id"]
    row = edit(package, "plans", lambda r, _: r["plan_id"] == first,
               text_path=f"texts/{other_plan(package, first)}.txt")
    return "text-path", "plans", row, "text_path"


def wrong_source_sha256(package):
    return "golden-digest", "plans", edit(package, "plans", lambda r, _: True, source_sha256="0" * 64), \
        "source_sha256"


def malformed_cited_doc_number(package):
    row = edit(package, "citations", lambda r, _: bool(r["cited_doc_number"]), cited_doc_number="国办发[2017]32")
    return "constraint-error", "citations", row, "cited_doc_number"


def nul_byte_in_a_cell(package):
    row = edit(package, "agencies", lambda r, _: True, agency_name="某某\x00卫生健康委员会")
    return None, "agencies", row, "agency_name"


def text_resource_deleted(package):
    path = package / "datapackage.json"
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    first = plans(package)[0]["plan_id"]
    descriptor["resources"] = [r for r in descriptor["resources"] if r["name"] != f"text-{first}"]
    path.write_text(json.dumps(descriptor, ensure_ascii=False, indent=2), encoding="utf-8")
    return "missing-text", "plans", 1, "text_path"


def same_raw_under_two_plan_ids(package):
    rows = plans(package)
    row = edit(package, "plans", lambda r, _: r["plan_id"] == rows[1]["plan_id"],
               source_sha256=rows[0]["source_sha256"])
    return "constraint-error", "plans", row, "source_sha256"


def text_edited_outside_every_span(package):
    plan = plans(package)[0]["plan_id"]
    path = package / "texts" / f"{plan}.txt"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.rstrip("\n") + "\n本行由他人添加。\n", encoding="utf-8")
    return "golden-digest", f"text-{plan}", None, "text_sha256"


BROKEN = [task_parent_in_another_plan, task_parent_is_itself, target_task_in_another_plan,
          task_span_points_at_other_text, mention_span_points_at_other_text, cited_title_span_points_at_other_text,
          depth_contradicts_path, negative_count, nan_value, infinite_value, range_upside_down,
          range_without_upper_bound, admin_code_not_in_gbt2260, admin_level_contradicts_code, published_in_2999,
          text_path_of_another_plan, wrong_source_sha256, malformed_cited_doc_number, nul_byte_in_a_cell,
          text_resource_deleted, same_raw_under_two_plan_ids, text_edited_outside_every_span]


# --- legitimate edits -------------------------------------------------------------------------------------------

def rows_reordered(package):
    for table in ("tasks", "responsibilities", "agencies"):
        header, rows = read_table(package, table)
        write_table(package, table, header, list(reversed(rows)))


def every_cell_quoted(package):
    for path in sorted((package / "data").glob("*.csv")):
        rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))
        out = io.StringIO()
        csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\n").writerows(rows)
        path.write_text(out.getvalue(), encoding="utf-8")


def an_alias_added(package):
    edit(package, "agencies", lambda r, _: True)
    header, rows = read_table(package, "agencies")
    rows[0]["aliases"] = "|".join(filter(None, [rows[0]["aliases"], "本级卫生部门"]))
    write_table(package, "agencies", header, rows)


LEGITIMATE = [rows_reordered, every_cell_quoted, an_alias_added]
