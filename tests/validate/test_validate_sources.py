"""Contributed updates under sources/: schema, sha256, stale corrections, the registry, new plans, and --fix."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest
import yaml
from validate_helpers import REPO, problems_of

from yigai import validate
from yigai.validate import fix

# Any plan will do: the first one whose source.yml states its admin_code.
PLAN = next(p.name for p in sorted((REPO / "sources").iterdir()) if (p / "source.yml").is_file() and
            (yaml.safe_load((p / "source.yml").read_text(encoding="utf-8")).get("facts") or {}).get("admin_code"))


@pytest.fixture()
def sources_copy(tmp_path) -> Path:
    """A private copy of sources/ to edit as a contributor would."""
    out = tmp_path / "sources"
    shutil.copytree(REPO / "sources", out)
    return out


def add_correction(plan_dir: Path, correction: dict) -> int:
    """Append a correction to the plan's corrections.yml; returns its number."""
    path = plan_dir / "corrections.yml"
    data = yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else None
    items = (data or {}).get("corrections") or []
    items.append(correction)
    path.write_text(yaml.safe_dump({"corrections": items}, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return len(items)


@pytest.mark.plans
def test_the_committed_sources_pass(suites_dir):
    report = validate.run(REPO / "sources", suites_dir=suites_dir)
    assert report.valid, report.to_text()
    assert report.checked[:2] == ["sources", "pipeline"] and "suites" in report.checked[-1]


def test_an_edited_raw_file_is_named(sources_copy, suites_dir):
    raw = sources_copy / PLAN / "raw.txt"
    raw.write_bytes(raw.read_bytes() + "医疗".encode())
    report = validate.run(sources_copy / PLAN, suites_dir=suites_dir)
    assert not report.valid
    [problem] = problems_of(report, "sha256")
    assert problem.file.endswith(f"{PLAN}/raw.txt") and problem.field == "raw.sha256"
    assert problem.value != problem.expected and "git checkout" in problem.hint


def test_a_stale_text_correction_is_named(sources_copy, suites_dir):
    number = add_correction(sources_copy / PLAN, {"stage": "text", "kind": "typo", "expect": "这句话不在文本里",
                                                  "value": "这句话", "reason": "test"})
    report = validate.run(sources_copy / PLAN, suites_dir=suites_dir)
    [problem] = problems_of(report, "stale-correction")
    assert problem.file.endswith(f"{PLAN}/corrections.yml")
    assert problem.field == f"corrections[{number}].expect" and problem.hint


def test_a_stale_row_correction_is_named(sources_copy, suites_dir):
    number = add_correction(sources_copy / PLAN, {
        "stage": "row", "action": "update", "table": "plans", "key": {"plan_id": PLAN}, "field": "title",
        "expect": "一个早已不是这样的标题", "value": "新标题", "reason": "test"})
    [problem] = problems_of(validate.run(sources_copy / PLAN, suites_dir=suites_dir), "stale-correction")
    assert problem.field == f"corrections[{number}].expect"


def test_source_yml_schema_problems_are_all_named(sources_copy, suites_dir):
    path = sources_copy / PLAN / "source.yml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["raw"]["sha256"] = "ABC"
    del data["licence"]
    data["facts"]["issue_date"] = "2023/12/07"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    report = validate.run(sources_copy / PLAN, suites_dir=suites_dir)
    fields = {p.field for p in problems_of(report, "source-yml")}
    assert {"raw.sha256", "licence.status", "facts.issue_date"} <= fields


def test_invalid_yaml_is_named_with_its_line(sources_copy, suites_dir):
    path = sources_copy / PLAN / "corrections.yml"
    path.write_text("corrections:\n  - stage: text\n   expect: [unclosed\n", encoding="utf-8")
    [problem] = problems_of(validate.run(sources_copy / PLAN, suites_dir=suites_dir), "yaml")
    assert problem.file.endswith("corrections.yml") and problem.row == 3


def test_a_registry_problem_is_named(sources_copy, suites_dir):
    path = sources_copy / "agencies.yml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["agencies"][1]["function"] = "health-and-happiness"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    [problem] = problems_of(validate.run(sources_copy, suites_dir=suites_dir), "registry")
    line = next(i for i, text in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
                if "health-and-happiness" in text)
    assert problem.field == "function" and problem.file.endswith("agencies.yml")
    assert line - 4 <= problem.row <= line, "the line of the entry is named"


def test_a_new_plan_needs_golden_counts_with_a_reason(sources_copy, suites_dir, tmp_path):
    """The contribution guide's loop: add a plan folder, validate it, record its counts, validate again."""
    newtown = f"newtown-{PLAN.split('-')[-2]}-01"  # a plan issued in the same year
    new = sources_copy / newtown
    shutil.copytree(sources_copy / PLAN, new)
    raw = (sources_copy / PLAN / "raw.txt").read_bytes() + "\n另一份文件的末行。\n".encode()
    (new / "raw.txt").write_bytes(raw)
    source = (sources_copy / PLAN / "source.yml").read_text(encoding="utf-8")
    old_sha = yaml.safe_load(source)["raw"]["sha256"]
    (new / "source.yml").write_text(source.replace(PLAN, newtown).replace(
        old_sha, hashlib.sha256(raw).hexdigest()), encoding="utf-8")
    if (new / "corrections.yml").is_file():
        corrections = (new / "corrections.yml").read_text(encoding="utf-8")
        (new / "corrections.yml").write_text(corrections.replace(PLAN, newtown), encoding="utf-8")
    suites = tmp_path / "validation"
    shutil.copytree(suites_dir, suites)
    report = validate.run(new, suites_dir=suites)
    [problem] = problems_of(report, "golden-counts")
    assert newtown in problem.message and "--update-counts" in problem.hint
    report = validate.run(new, suites_dir=suites, update_counts=f"add {newtown}")
    assert report.valid, report.to_text()
    assert any(newtown in line for line in report.fixed)
    assert PLAN in (suites / "golden_counts.json").read_text(encoding="utf-8"), "other plans' counts are kept"


def test_fix_repairs_yaml_mechanically_and_never_touches_raw(sources_copy, suites_dir):
    plan = sources_copy / PLAN
    raw_before = (plan / "raw.txt").read_bytes()
    path = plan / "source.yml"
    text = path.read_text(encoding="utf-8")
    code = str(yaml.safe_load(text)["facts"]["admin_code"])
    wide = "".join(chr(ord(c) + 0xFEE0) for c in code)
    assert f'admin_code: "{code}"' in text
    broken = text.replace(f'admin_code: "{code}"', f'admin_code: "{wide}"').replace(
        f"plan_id: {PLAN}", f"plan_id: {PLAN} \t").replace("\n", "\r\n")
    path.write_bytes(("\ufeff" + broken).encode("utf-8"))
    before = validate.run(plan, suites_dir=suites_dir)
    assert not before.valid and problems_of(before, "format")
    report = validate.run(plan, suites_dir=suites_dir, fix=True)
    assert report.valid, report.to_text()
    assert path.read_text(encoding="utf-8") == text
    assert (plan / "raw.txt").read_bytes() == raw_before
    changes = "\n".join(report.fixed)
    assert "byte order mark" in changes and "CRLF" in changes and "trailing" in changes and wide in changes


def test_fix_leaves_meaningful_text_alone():
    assert fix.narrow_digits("２０２３-１２-０７") == "2023-12-07"
    assert fix.narrow_digits("第１２条") == "第１２条"
    block = "corrections:\n  - reason: |\n      trailing spaces here are text   \n    occurrence: ２\n"
    fixed, changes = fix.fix_yaml(block)
    assert fixed == block.replace("２", "2") and any(c.startswith("not fixed: line(s) 3") for c in changes)
    text = 'corrections:\n  - expect: "２０１７"  \n    value: "２０１７年"\n'
    fixed, _ = fix.fix_yaml(text)
    assert fixed == text.replace('"  \n', '"\n'), "a correction's expected text keeps its full-width digits"


def test_fix_repairs_package_csv_line_ends_and_bom(built_package, tmp_path):
    package = tmp_path / "datapackage"
    shutil.copytree(built_package, package)
    path = package / "data" / "plans.csv"
    original = path.read_bytes()
    path.write_bytes(b"\xef\xbb\xbf" + original.replace(b"\n", b"\r\n"))
    changed = fix.apply(package, "package")
    assert path.read_bytes() == original
    assert any("plans.csv" in line and "CRLF" in line for line in changed)


def test_the_same_raw_file_under_two_plan_ids_is_named(sources_copy, suites_dir):
    twin = sources_copy / "newtown-2023-01"
    shutil.copytree(sources_copy / PLAN, twin)
    source = (twin / "source.yml").read_text(encoding="utf-8")
    (twin / "source.yml").write_text(source.replace(f"plan_id: {PLAN}", "plan_id: newtown-2023-01"),
                                     encoding="utf-8")
    report = validate.run(twin, suites_dir=suites_dir)
    assert not report.valid
    [problem] = problems_of(report, "duplicate-raw")
    assert problem.file.endswith("newtown-2023-01/raw.txt") and problem.field == "raw.sha256"
    assert PLAN in problem.message and problem.hint
