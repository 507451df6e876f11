"""The package checks: the clean build passes, and each realistic broken update fails naming resource, row and field."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from validate_helpers import REPO, a_task, append_row, first_plan, problems_of, read_table, write_table

from yigai import validate
from yigai.cli import main


def run(path, suites_dir):
    return validate.run(path, suites_dir=suites_dir)


@pytest.mark.plans
def test_the_clean_package_passes(built_package, suites_dir):
    report = run(built_package, suites_dir)
    assert report.valid, report.to_text()
    assert report.checked == ["files", "frictionless", "rules", "suites", "golden-counts"]


@pytest.mark.plans
def test_the_committed_golden_counts_match_the_build(built_package):
    """validation/golden_counts.json says how many rows each plan has: a change that moves a count updates it."""
    report = validate.run(built_package, suites_dir=REPO / "validation")
    moved = [p for p in report.problems if p.check == "golden-counts"]
    assert not moved, "\n".join(f"{p.message}" for p in moved) + (
        "\nif intended: yigai validate datapackage --update-counts \"<why>\"")


def test_a_percentage_above_100_is_named(package_copy, suites_dir):
    plan = first_plan(package_copy)
    row = append_row(package_copy, "targets", {
        "target_id": f"{plan['plan_id']}:t999", "plan_id": plan["plan_id"], "task_id": a_task(package_copy,
                                                                                              plan["plan_id"]),
        "indicator": "家庭医生签约覆盖率", "comparator": ">=", "value": "120", "unit": "%", "relative": "false",
        "approximate": "false", "quote": "家庭医生签约覆盖率达到120%"})
    report = run(package_copy, suites_dir)
    assert not report.valid
    [problem] = problems_of(report, "percent-range")
    assert (problem.resource, problem.row, problem.field, problem.value) == ("targets", row, "value", "120")
    assert problem.file == "data/targets.csv" and "100" in problem.expected and problem.hint


def test_a_relative_percentage_may_exceed_100(package_copy, suites_dir):
    plan = first_plan(package_copy)
    append_row(package_copy, "targets", {
        "target_id": f"{plan['plan_id']}:t999", "plan_id": plan["plan_id"],
        "task_id": a_task(package_copy, plan["plan_id"]), "indicator": "门诊量增长", "comparator": ">=",
        "value": "150", "unit": "%", "relative": "true", "approximate": "false", "quote": "增长150%"})
    assert not problems_of(run(package_copy, suites_dir), "percent-range")


def test_a_dangling_agency_in_responsibilities_is_named(package_copy, suites_dir):
    plan = first_plan(package_copy)
    row = append_row(package_copy, "responsibilities", {
        "task_id": a_task(package_copy, plan["plan_id"]), "agency_id": "999999-nowhere", "role": "lead",
        "rule": "prose", "flagged": "false"})
    report = run(package_copy, suites_dir)
    [problem] = [p for p in problems_of(report, "foreign-key", "responsibilities") if p.field == "agency_id"]
    assert (problem.row, problem.value) == (row, "999999-nowhere")
    assert "agencies" in problem.message and problem.hint


def test_a_target_without_a_task_passes_but_a_responsibility_without_one_is_named(package_copy, suites_dir):
    header, rows = read_table(package_copy, "targets")
    rows[0]["task_id"] = ""
    write_table(package_copy, "targets", header, rows)
    assert not [p for p in problems_of(run(package_copy, suites_dir), resource="targets") if p.field == "task_id"]
    header, rows = read_table(package_copy, "responsibilities")
    rows[0]["task_id"] = ""
    write_table(package_copy, "responsibilities", header, rows)
    report = run(package_copy, suites_dir)
    assert any(p.field == "task_id" and p.row == 1 for p in problems_of(report, "constraint-error", "responsibilities"))


def test_an_agency_of_another_jurisdiction_is_named(package_copy, suites_dir):
    plans = read_table(package_copy, "plans")[1]
    agencies = read_table(package_copy, "agencies")[1]
    plan = plans[0]
    foreign = next(a for a in agencies if a["admin_code"][:2] != plan["admin_code"][:2])
    row = append_row(package_copy, "responsibilities", {
        "task_id": a_task(package_copy, plan["plan_id"]), "agency_id": foreign["agency_id"], "role": "co",
        "rule": "prose", "flagged": "false"})
    [problem] = problems_of(run(package_copy, suites_dir), "agency-jurisdiction")
    assert (problem.resource, problem.row, problem.field, problem.value) == (
        "responsibilities", row, "agency_id", foreign["agency_id"])


def test_a_duplicated_id_is_named(package_copy, suites_dir):
    header, rows = read_table(package_copy, "agencies")
    write_table(package_copy, "agencies", header, rows + [rows[0]])
    report = run(package_copy, suites_dir)
    [problem] = problems_of(report, "primary-key", "agencies")
    assert (problem.row, problem.field, problem.value) == (len(rows) + 1, "agency_id", rows[0]["agency_id"])
    assert "row 1" in problem.message


def test_a_quote_that_is_not_in_the_text_is_named(package_copy, suites_dir):
    plan = first_plan(package_copy)
    row = append_row(package_copy, "targets", {
        "target_id": f"{plan['plan_id']}:t999", "plan_id": plan["plan_id"],
        "task_id": a_task(package_copy, plan["plan_id"]), "indicator": "床位数", "comparator": ">=", "value": "5",
        "unit": "张", "relative": "false", "approximate": "false", "quote": "床位数不少于5张",
        "char_start": "0", "char_end": "8"})
    [problem] = problems_of(run(package_copy, suites_dir), "quote-in-text")
    assert (problem.resource, problem.row, problem.field, problem.value) == ("targets", row, "quote", "床位数不少于5张")
    assert problem.expected.startswith("text[0:8]")


def test_a_deadline_outside_the_plans_time_is_named(package_copy, suites_dir):
    plan = first_plan(package_copy)
    year = int(plan["issue_date"][:4]) if plan["issue_date"] else int(plan["plan_id"][-7:-3])
    early = append_row(package_copy, "targets", {
        "target_id": f"{plan['plan_id']}:t998", "plan_id": plan["plan_id"],
        "task_id": a_task(package_copy, plan["plan_id"]), "indicator": "x", "comparator": "=", "value": "1",
        "unit": "个", "deadline": f"{year - 3}-12-31", "relative": "false", "approximate": "false", "quote": "x"})
    late = append_row(package_copy, "targets", {
        "target_id": f"{plan['plan_id']}:t999", "plan_id": plan["plan_id"],
        "task_id": a_task(package_copy, plan["plan_id"]), "indicator": "x", "comparator": "=", "value": "1",
        "unit": "个", "deadline": "2099-12-31", "relative": "false", "approximate": "false", "quote": "x"})
    found = {(p.row, p.field) for p in problems_of(run(package_copy, suites_dir), "deadline-range", "targets")}
    assert found == {(early, "deadline"), (late, "deadline")}


def test_a_traditional_character_row_is_named(package_copy, suites_dir):
    header, rows = read_table(package_copy, "plans")
    rows[0]["notice_title"] = "關於印發醫療衛生體制改革方案的通知"
    write_table(package_copy, "plans", header, rows)
    [problem] = problems_of(run(package_copy, suites_dir), "clean-text", "plans")
    assert (problem.row, problem.field) == (1, "notice_title")
    assert "traditional" in problem.message and "醫" in problem.message


def test_inline_pinyin_and_a_replacement_character_are_named(package_copy, suites_dir):
    header, rows = read_table(package_copy, "citations")
    rows[0]["cited_title"] = "关(guān)于推进医疗\ufffd联合体建设的指导意见"
    write_table(package_copy, "citations", header, rows)
    [problem] = problems_of(run(package_copy, suites_dir), "clean-text", "citations")
    assert (problem.row, problem.field) == (1, "cited_title")
    assert "(guān)" in problem.message and "U+FFFD" in problem.message


def test_an_issue_date_after_the_publish_date_is_named(package_copy, suites_dir):
    header, rows = read_table(package_copy, "plans")
    rows[0].update(issue_date="2020-05-02", publish_date="2020-05-01")
    write_table(package_copy, "plans", header, rows)
    [problem] = problems_of(run(package_copy, suites_dir), "issue-before-publish")
    assert (problem.resource, problem.row, problem.field, problem.value) == ("plans", 1, "issue_date", "2020-05-02")


def test_a_gbk_encoded_csv_is_named_without_traceback(package_copy, suites_dir):
    header, rows = read_table(package_copy, "plans")
    write_table(package_copy, "plans", header, rows, encoding="gb18030")
    report = run(package_copy, suites_dir)
    [problem] = problems_of(report, "encoding", "plans")
    assert problem.file == "data/plans.csv" and problem.row == 1 and problem.field in header
    assert "GBK" in problem.message and "iconv" in problem.hint
    assert not problems_of(report, resource="plans")[1:], "a broken file is reported once"
    assert [p.file for p in report.problems] == ["data/plans.csv"], "nor again under the tables that refer to it"


def test_a_missing_column_is_named(package_copy, suites_dir):
    header, rows = read_table(package_copy, "targets")
    header = [c for c in header if c != "unit"]
    write_table(package_copy, "targets", header, [{c: r[c] for c in header} for r in rows])
    [problem] = problems_of(run(package_copy, suites_dir), "missing-column", "targets")
    assert problem.field == "unit" and problem.file == "data/targets.csv"


def test_a_bom_ragged_rows_bad_quoting_and_a_renamed_file_are_named(package_copy, suites_dir):
    data = package_copy / "data"
    (data / "citations.csv").write_bytes(b"\xef\xbb\xbf" + (data / "citations.csv").read_bytes())
    with open(data / "agencies.csv", "a", encoding="utf-8") as handle:
        handle.write("110000-health,北京市卫生健康委员会,北京市\n")
    (data / "corrections.csv").rename(data / "correction.csv")
    issuers = len(read_table(package_copy, "plan_issuers")[1])
    with open(data / "plan_issuers.csv", "a", encoding="utf-8") as handle:
        handle.write('nanjing-2023-01,9,320100-health,"unclosed\n')
    report = run(package_copy, suites_dir)
    assert [p.resource for p in problems_of(report, "byte-order-mark")] == ["citations"]
    [ragged] = problems_of(report, "ragged-row", "agencies")
    assert ragged.row == len(read_table(package_copy, "agencies")[1]) and "3 cells" in ragged.message
    [missing] = problems_of(report, "missing-file")
    assert missing.file == "data/corrections.csv" and "data/correction.csv" in missing.hint
    [syntax] = problems_of(report, "csv-syntax")
    assert (syntax.resource, syntax.row) == ("plan_issuers", issuers + 1) and "unclosed quote" in syntax.hint


def test_json_format_parses_and_exit_codes_are_0_1_2(built_package, package_copy, suites_dir, tmp_path):
    runner = CliRunner()
    clean = runner.invoke(main, ["validate", str(built_package), "--suites", str(suites_dir), "--format", "json"])
    assert clean.exit_code == 0, clean.output
    assert json.loads(clean.stdout)["valid"] is True
    header, rows = read_table(package_copy, "agencies")
    write_table(package_copy, "agencies", header, rows + [rows[0]])
    broken = runner.invoke(main, ["validate", str(package_copy), "--suites", str(suites_dir), "--format", "json"])
    assert broken.exit_code == 1
    report = json.loads(broken.stdout)
    assert report["valid"] is False and report["errors"] >= 1
    assert any(p["check"] == "primary-key" and p["row"] == len(rows) + 1 for p in report["files"]["data/agencies.csv"])
    for args in (["validate", str(tmp_path / "nope")], ["validate", str(tmp_path)], ["validate", "--format", "xml"]):
        result = runner.invoke(main, args)
        assert result.exit_code == 2, (args, result.output)
        assert "Traceback" not in result.output


def test_a_text_report_groups_problems_by_file(package_copy, suites_dir):
    header, rows = read_table(package_copy, "agencies")
    write_table(package_copy, "agencies", header, rows + [rows[0]])
    text = run(package_copy, suites_dir).to_text()
    assert "INVALID" in text and "\ndata/agencies.csv\n" in text
    assert f"row {len(rows) + 1}, field agency_id" in text and "hint:" in text


def test_data_docs_are_rendered(built_package, suites_dir, tmp_path):
    docs = tmp_path / "build" / "data-docs"
    report = validate.run(built_package, suites_dir=suites_dir, data_docs=docs)
    assert report.valid
    assert (docs / "index.html").is_file()
    assert {p.stem for p in (docs / "expectations").glob("*.html")} >= {"plans", "targets", "texts"}
    assert [p.name for p in docs.parent.iterdir()] == ["data-docs"], "the temporary context is removed"


def test_validation_imports_neither_great_expectations_nor_pandas(built_package, suites_dir):
    """Great Expectations is imported only for Data Docs (its import alone takes seconds); pandas not at all."""
    import subprocess
    import sys

    code = ("import sys; from pathlib import Path; from yigai import validate; "
            f"report = validate.run(Path({str(built_package)!r}), suites_dir=Path({str(suites_dir)!r})); "
            "print(report.valid, 'great_expectations' in sys.modules, 'pandas' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["True", "False", "False"]
