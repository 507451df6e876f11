"""`yigai add`: what it writes, what it refuses (leaving the tree byte for byte as it was), and that any failure,
including a failing rebuild or an interruption, puts sources/, datapackage/ and validation/ back exactly."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from yigai import add, newplan, registry
from yigai.cli import main
from yigai.errors import YigaiError

REPO = Path(__file__).resolve().parents[1]
INVENTED = REPO / "tests" / "add" / "invented-plan.txt"
NEW_ID = "lianchi-2024-01"


def tree(root: Path) -> dict[str, bytes | None]:
    """Every file under root (hidden ones too) with its bytes, and every folder (as None); the build's scratch
    folder build/ (its cache) is the machine's and may change."""
    return {p.relative_to(root).as_posix(): (p.read_bytes() if p.is_file() else None)
            for p in sorted(root.rglob("*")) if p.relative_to(root).parts[0] != "build"}


@pytest.fixture()
def checkout(tmp_path, monkeypatch) -> Path:
    """A folder with copies of sources/, datapackage/ and validation/, as the working directory."""
    root = tmp_path / "repo"
    for name in ("sources", "datapackage", "validation"):
        shutil.copytree(REPO / name, root / name)
    monkeypatch.chdir(root)
    return root


def first_plan() -> Path:
    return next(p for p in sorted((REPO / "sources").iterdir()) if (p / "raw.txt").is_file())


def invoke(*args: str):
    return CliRunner().invoke(main, ["add", *args])


def refused(root: Path, args: list[str], code: int, *words: str) -> None:
    before = tree(root)
    result = invoke(*args)
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output
    for word in words:
        assert word in result.output, result.output
    assert tree(root) == before


def test_an_id_that_breaks_the_pattern_is_refused(checkout):
    for bad in ("Lianchi-2024-01", "lianchi-24-01", "lianchi_2024_01", "../lianchi-2024-01", "-rf", ""):
        refused(checkout, [str(INVENTED), "--plan-id", bad], 2, "plan_id")


def test_an_existing_plan_is_refused(checkout):
    plan_id = first_plan().name
    refused(checkout, [str(INVENTED), "--plan-id", plan_id], 1, "already exists", plan_id)


def test_a_file_already_added_under_another_id_is_refused(checkout):
    plan = first_plan()
    refused(checkout, [str(plan / "raw.txt"), "--plan-id", NEW_ID], 1, "already the raw.txt of plan", plan.name)


@pytest.mark.parametrize("data, words", [
    (b"", ("empty",)), (b"  \n\t\n", ("whitespace",)), (bytes(range(256)) * 40, ("NUL",)),
    (b"\x89PNG\r\n\x1a\n" + bytes(range(1, 200)) * 30, ("not",)),
])
def test_a_file_that_is_not_text_is_refused(checkout, tmp_path, data, words):
    path = tmp_path / "page.txt"
    path.write_bytes(data)
    refused(checkout, [str(path), "--plan-id", NEW_ID], 1, *words)


def test_bad_arguments_are_usage_errors(checkout, tmp_path):
    refused(checkout, [str(INVENTED), "--plan-id", NEW_ID, "--url", "javascript:alert(1)"], 2, "--url")
    refused(checkout, [str(INVENTED), "--plan-id", NEW_ID, "--admin-code", "999999"], 2, "--admin-code")
    refused(checkout, [str(INVENTED), "--plan-id", NEW_ID, "--captured", "2024-02-30"], 2, "--captured")
    refused(checkout, [str(tmp_path / "missing.txt"), "--plan-id", NEW_ID], 2, "file not found")


def test_a_page_naming_no_jurisdiction_is_refused_until_the_code_is_given(checkout, tmp_path):
    path = tmp_path / "page.txt"
    path.write_text("关于做好医改重点工作的通知\n\n一、工作目标\n\n（一）提升服务能力。年内建成社区医院2家。\n", encoding="utf-8")
    refused(checkout, [str(path), "--plan-id", NEW_ID, "--no-build"], 1, "--admin-code")
    result = invoke(str(path), "--plan-id", NEW_ID, "--no-build", "--admin-code", "130606")
    assert result.exit_code == 0, result.output
    assert "130606" in (checkout / "sources" / NEW_ID / "source.yml").read_text(encoding="utf-8")


def test_sources_are_written_as_a_reviewer_reads_them(checkout):
    registry_before = (checkout / "sources" / "agencies.yml").read_text(encoding="utf-8")
    result = invoke(str(INVENTED), "--plan-id", NEW_ID, "--url", "https://www.example.gov.cn/art/7.html",
                    "--captured", "2024-04-10", "--no-build")
    assert result.exit_code == 0, result.output
    folder = checkout / "sources" / NEW_ID
    assert (folder / "raw.txt").read_bytes() == INVENTED.read_bytes()
    source = yaml.safe_load((folder / "source.yml").read_text(encoding="utf-8"))
    assert source["raw"]["sha256"] == add.hashlib.sha256(INVENTED.read_bytes()).hexdigest()
    assert source["raw"]["original_name"] == INVENTED.name and source["raw"]["encoding"] == "utf-8"
    assert source["raw"]["url"] == "https://www.example.gov.cn/art/7.html"
    assert str(source["raw"]["captured"]) == "2024-04-10" and source["licence"]["status"]
    assert source["facts"]["admin_code"] == "130606" and source["facts"]["doc_number"] == "莲政办发〔2024〕7号"
    assert yaml.safe_load((folder / "corrections.yml").read_text(encoding="utf-8")) == {"corrections": []}
    assert "stage: text" in (folder / "corrections.yml").read_text(encoding="utf-8")
    # the registry keeps every byte it had, and gains the bodies the plan names, proposed for review
    text = (checkout / "sources" / "agencies.yml").read_text(encoding="utf-8")
    assert text.startswith(registry_before)
    loaded = registry.load(checkout / "sources" / "agencies.yml")
    earlier = registry.load(REPO / "sources" / "agencies.yml").proposed
    proposed = {p.agency_id: p for p in loaded.proposed.values() if p.agency_id not in earlier}
    assert proposed and all(p.proposed_by == NEW_ID and p.mention for p in proposed.values())
    assert "130606-health" in proposed and loaded.agencies["130606-health"].name.endswith("卫生健康局")
    # every signer proposed for the registry is marked for review next to the fact
    markers = newplan.review_markers(folder / "source.yml")
    assert any("130606-government-office" in why for _, why in markers)


@pytest.mark.parametrize("page, plan_id, paths", [
    # the rows of a Markdown table of tasks: annex tasks whose span is the whole row (cells and bars)
    ("task-table-plan.txt", "ningbo-2025-99", ["1", "2", "A1.1", "A1.2"]),
    # a task list titled 清单, cells split at full-width bars
    ("task-list-plan.txt", "nanzhang-2024-99", ["A1.1", "A1.2", "A1.3"]),
    # chapters and articles whose labels are followed by a space (第一章 总体目标)
    ("articles-plan.txt", "chengdu-2021-99", ["1", "1.1", "2", "2.1", "2.2", "2.3", "3", "3.1"]),
    # a table of indicators in an annex, outside every numbered item: targets of the plan with no task
    ("../extract/annotated/layouts/cell-per-line-merged.txt", "anhui-2022-99", ["1", "2", "2.1", "2.2"]),
])
def test_plans_in_other_layouts_are_added_and_valid(checkout, page, plan_id, paths):
    # serial 99 and a line break more: an id and bytes no committed plan has, so that adding plans never breaks this
    copy = checkout.parent / Path(page).name
    copy.write_bytes((REPO / "tests" / "add" / page).read_bytes() + b"\n")
    result = invoke(str(copy), "--plan-id", plan_id, "--captured", "2025-01-20")
    assert result.exit_code == 0, result.output
    tasks = [row for row in csv.DictReader((checkout / "datapackage" / "data" / "tasks.csv").open(encoding="utf-8"))
             if row["plan_id"] == plan_id]
    assert sorted(row["path"] for row in tasks) == paths


def test_json_output_names_every_proposal_and_review(checkout):
    result = CliRunner().invoke(main, ["add", str(INVENTED), "--plan-id", NEW_ID, "--no-build", "--format", "json"])
    data = json.loads(result.stdout)
    assert data["plan_id"] == NEW_ID and data["built"] is False
    assert {p["agency_id"] for p in data["proposals"]} >= {"130606-health", "130606-healthcare-security"}
    assert data["plan"]["title"] == "莲池区2024年深化医药卫生体制改革重点工作任务"


def failing(exc: BaseException):
    def fail(*args, **kwargs):
        raise exc
    return fail


@pytest.mark.parametrize("where, exc", [
    ("yigai.package.run", YigaiError("the build failed")),
    ("yigai.validate.run", YigaiError("validation failed")),
    ("yigai.package.run", KeyboardInterrupt()),
    ("shutil.copytree", OSError("disk full")),
])
def test_any_failure_puts_everything_back(checkout, monkeypatch, where, exc):
    before = tree(checkout)
    monkeypatch.setattr(where, failing(exc))
    request = add.Request(INVENTED, NEW_ID)
    with pytest.raises(type(exc)):
        add.run(request, checkout / "sources", checkout / "datapackage")
    assert tree(checkout) == before


def test_an_invalid_rebuild_is_reported_and_undone(checkout, monkeypatch):
    from yigai.validate.report import Problem, Report

    def invalid(path, **kwargs):
        return Report(target=str(path), problems=[Problem("percent-range", "a share over 100%")])

    before = tree(checkout)
    monkeypatch.setattr("yigai.validate.run", invalid)
    result = invoke(str(INVENTED), "--plan-id", NEW_ID)
    assert result.exit_code == 1 and "percent-range" in result.output and "--no-build" in result.output
    assert tree(checkout) == before


def test_a_failure_after_the_swap_puts_the_package_back(checkout, monkeypatch):
    before = tree(checkout)
    real = add.Transaction.swap_in
    calls = []

    def swap_then_fail(self, staged, target):
        calls.append(target)
        if len(calls) == 2:
            raise OSError("cannot replace the golden counts")
        return real(self, staged, target)

    monkeypatch.setattr(add.Transaction, "swap_in", swap_then_fail)
    with pytest.raises(OSError):
        add.run(add.Request(INVENTED, NEW_ID), checkout / "sources", checkout / "datapackage")
    assert tree(checkout) == before


def test_a_registry_laid_out_otherwise_is_refused_before_anything_is_written(checkout):
    path = checkout / "sources" / "agencies.yml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    path.write_text(yaml.safe_dump({"agencies": data["agencies"], "about": "a key after the list"},
                                   allow_unicode=True, sort_keys=False), encoding="utf-8")
    refused(checkout, [str(INVENTED), "--plan-id", NEW_ID], 1, "cannot append")


def test_proposed_entries_are_checked_by_the_registry_loader(tmp_path):
    entry = ("agencies:\n  - agency_id: 130606-health\n    name: 保定市莲池区卫生健康局\n    admin_code: \"130606\"\n"
             "    function: health\n    aliases: []\n")
    path = tmp_path / "agencies.yml"
    for tail, words in (("    status: accepted\n    proposed_by: lianchi-2024-01\n", "status"),
                        ("    status: proposed\n", "proposed_by"),
                        ("    status: proposed\n    proposed_by: Lianchi\n", "proposed_by"),
                        ("    proposed_by: lianchi-2024-01\n", "status")):
        path.write_text(entry + tail, encoding="utf-8")
        with pytest.raises(YigaiError) as caught:
            registry.load(path)
        assert words in str(caught.value)
    path.write_text(entry + "    status: proposed\n    proposed_by: lianchi-2024-01\n    mention: 区卫健局\n",
                    encoding="utf-8")
    loaded = registry.load(path)
    assert loaded.proposed["130606-health"].mention == "区卫健局" and "130606-health" in loaded.agencies


def test_registry_text_appends_without_touching_what_is_there():
    proposal = newplan.Proposal("130606-health", "保定市莲池区卫生健康局", "130606", "health", ["区卫健局"], "区卫健局")
    for current in ("# a comment\nagencies:\n  # bodies\n  - agency_id: 110108-health\n    name: 北京市海淀区卫生健康委员会\n"
                    "    admin_code: \"110108\"\n    function: health\n    aliases: []  # none\n",
                    "", "# only a comment\n", "agencies:\n"):
        text = newplan.registry_text(current, NEW_ID, [proposal])
        assert text.startswith(current)
        assert yaml.safe_load(text)["agencies"][-1]["proposed_by"] == NEW_ID


def test_a_plan_id_of_another_year_is_refused(checkout):
    refused(checkout, [str(INVENTED), "--plan-id", "lianchi-2023-01"], 1, "2024-04-08", "lianchi-2024-01")


def test_validation_lists_what_still_awaits_review(checkout):
    from yigai import validate

    assert invoke(str(INVENTED), "--plan-id", NEW_ID, "--no-build").exit_code == 0
    report = validate.run(checkout / "sources" / NEW_ID, suites_dir=checkout / "validation")
    warned = {p.check for p in report.warnings}
    assert {"review", "proposed-agency"} <= warned
    source = checkout / "sources" / NEW_ID / "source.yml"
    source.write_text(source.read_text(encoding="utf-8").replace("# REVIEW:", "#"), encoding="utf-8")
    report = validate.run(checkout / "sources" / NEW_ID, suites_dir=checkout / "validation")
    assert "review" not in {p.check for p in report.warnings}
