"""Every class of broken update is rejected, naming resource, row and field; legitimate edits stay green.

Each broken copy has its hashes refreshed in datapackage.json, as a contributor (or an attacker) who knows the
format would: only the rules can catch it. The command's exit status is checked through the CLI.
"""

from __future__ import annotations

import json

import pytest
from broken_copies import BROKEN, LEGITIMATE, refresh_hashes
from click.testing import CliRunner

from yigai import validate
from yigai.cli import main


@pytest.mark.parametrize("breaker", BROKEN, ids=lambda f: f.__name__)
def test_a_broken_update_is_rejected_naming_resource_row_and_field(breaker, package_copy, suites_dir):
    check, resource, row, field = breaker(package_copy)
    refresh_hashes(package_copy)
    report = validate.run(package_copy, suites_dir=suites_dir)
    assert not report.valid, f"{breaker.__name__} passed"
    named = [p for p in report.errors if p.resource == resource and p.row == row and p.field == field
             and (check is None or p.check == check)]
    assert named, f"{breaker.__name__}: expected {check} on {resource} row {row} field {field}:\n{report.to_text()}"
    assert all(p.file and p.hint for p in named)


def test_the_exit_status_of_a_broken_update_is_1(package_copy, suites_dir):
    BROKEN[0](package_copy)
    refresh_hashes(package_copy)
    result = CliRunner().invoke(main, ["validate", str(package_copy), "--suites", str(suites_dir)])
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize("change", LEGITIMATE, ids=lambda f: f.__name__)
def test_a_legitimate_edit_stays_valid(change, package_copy, suites_dir):
    change(package_copy)
    refresh_hashes(package_copy)
    report = validate.run(package_copy, suites_dir=suites_dir)
    assert report.valid, report.to_text()


def test_a_nul_byte_is_shown_not_swallowed(package_copy, suites_dir):
    from broken_copies import nul_byte_in_a_cell

    nul_byte_in_a_cell(package_copy)
    refresh_hashes(package_copy)
    report = validate.run(package_copy, suites_dir=suites_dir)
    text = report.to_text()
    assert "\\x00" in text and "\x00" not in text
    assert "\x00" not in report.to_json() and json.loads(report.to_json())["valid"] is False


def test_per_plan_rules_can_be_restricted_while_cross_plan_rules_still_run(package_copy, suites_dir):
    from broken_copies import negative_count, plans, same_raw_under_two_plan_ids

    check, resource, row, field = negative_count(package_copy)
    same_raw_under_two_plan_ids(package_copy)
    refresh_hashes(package_copy)
    from validate_helpers import read_table

    broken_plan = read_table(package_copy, "targets")[1][row - 1]["plan_id"]
    others = {p["plan_id"] for p in plans(package_copy)} - {broken_plan}
    report = validate.run(package_copy, suites_dir=suites_dir, plans=others)
    assert not [p for p in report.problems if p.check == check], "the unchanged plan's rows are not judged"
    assert [p for p in report.problems if p.check == "constraint-error" and p.field == "source_sha256"], \
        "a rule across plans still runs"
    assert not validate.run(package_copy, suites_dir=suites_dir, plans={broken_plan}).valid
