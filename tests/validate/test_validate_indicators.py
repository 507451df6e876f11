"""Checks of standard indicators and English names: foreign key, unit agreement, English names present and English."""

from __future__ import annotations

import json

from validate_helpers import REPO, a_task, append_row, first_plan, problems_of, read_table, write_table

from yigai import indicators, validate


def add_target(package, **values) -> int:
    plan = first_plan(package)
    row = {"target_id": f"{plan['plan_id']}:t999", "plan_id": plan["plan_id"],
           "task_id": a_task(package, plan["plan_id"]), "indicator": "平均住院日", "comparator": "<=", "value": "8",
           "unit": "天", "relative": "false", "approximate": "false", "quote": "平均住院日",
           "indicator_code": "average-length-of-stay", "indicator_rule": "name"}
    row.update(values)
    return append_row(package, "targets", row)


def test_a_coded_target_with_agreeing_units_passes(package_copy, suites_dir):
    add_target(package_copy, unit="日")
    add_target(package_copy, target_id=first_plan(package_copy)["plan_id"] + ":t998", unit="%", relative="true")
    assert not problems_of(validate.run(package_copy, suites_dir=suites_dir), "indicator-unit")


def test_a_unit_that_does_not_agree_with_the_indicator_is_named(package_copy, suites_dir):
    row = add_target(package_copy, unit="%")
    report = validate.run(package_copy, suites_dir=suites_dir)
    [problem] = problems_of(report, "indicator-unit")
    assert (problem.resource, problem.row, problem.field, problem.value) == ("targets", row, "unit", "%")
    assert "average-length-of-stay" in problem.message and "天" in problem.expected and problem.hint


def test_an_unknown_indicator_code_is_named(package_copy, suites_dir):
    row = add_target(package_copy, indicator_code="no-such-indicator")
    report = validate.run(package_copy, suites_dir=suites_dir)
    [problem] = [p for p in problems_of(report, "foreign-key", "targets") if p.field == "indicator_code"]
    assert (problem.row, problem.value) == (row, "no-such-indicator")


def test_missing_or_untranslated_english_names_are_named(package_copy, suites_dir):
    header, agencies = read_table(package_copy, "agencies")
    agencies[0]["agency_name_en"] = agencies[0]["agency_name"]
    agencies[1]["agency_name_en"] = ""
    write_table(package_copy, "agencies", header, agencies)
    report = validate.run(package_copy, suites_dir=suites_dir)
    assert [p.row for p in problems_of(report, "english-name", "agencies")] == [1]
    assert any(p.row == 2 and p.field == "agency_name_en" for p in report.problems if p.resource == "agencies"
               and p.check != "english-name")


def test_the_unit_expectation_lists_exactly_the_documented_conversions():
    suite = json.loads((REPO / "validation" / "targets.json").read_text(encoding="utf-8"))
    [expectation] = [e for e in suite["expectations"] if e["meta"]["check"] == "indicator-unit"]
    codes = indicators.load(REPO / "sources" / indicators.INDICATORS_FILE)
    assert {tuple(pair) for pair in expectation["kwargs"]["value_pairs_set"]} == set(codes.unit_pairs), \
        "unit_conversions in sources/indicators.yml and the indicator-unit expectation must list the same pairs"
