"""Standard indicators in the built package: codes, cross-plan consistency, per-plan expectations and the docs view."""

from __future__ import annotations

import contextlib
import csv
import io
import os
import re
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest
import yaml

from yigai import indicators

from conftest import REPO, SOURCES

EXPECTED = yaml.safe_load((REPO / "tests" / "expected" / "indicator_codes.yml").read_text(encoding="utf-8"))
DOCS = REPO / "docs" / "indicators.md"


def rows(package: Path, table: str) -> list[dict[str, str]]:
    with open(package / "data" / f"{table}.csv", encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_every_code_is_in_the_indicators_table_with_its_rule(built_package):
    codes = {r["indicator_code"] for r in rows(built_package, "indicators")}
    assert codes == {i.code for i in indicators.load(SOURCES / indicators.INDICATORS_FILE).indicators}
    for target in rows(built_package, "targets"):
        assert (target["indicator_code"] == "") == (target["indicator_rule"] == ""), target["target_id"]
        assert target["indicator_code"] in codes | {""}, target["target_id"]


def test_the_same_wording_gets_the_same_code_in_every_plan(built_package):
    seen: dict[tuple[str, str, str], set[str]] = defaultdict(set)
    for target in rows(built_package, "targets"):
        key = (indicators.normalise_wording(target["indicator"]), target["scope"] if "人群" in target["scope"] else "",
               target["unit"])
        seen[key].add(target["indicator_code"])
    assert {key: codes for key, codes in seen.items() if len(codes) > 1} == {}


def test_uncertain_matches_are_flagged_in_the_corrections_report(built_package):
    coded = {r["target_id"]: r["indicator_code"] for r in rows(built_package, "targets")}
    flags = [r for r in rows(built_package, "corrections") if r["kind"] == "indicator-code"]
    for flag in flags:
        target_id = re.match(r"target (\S+):", flag["reason"]).group(1)
        assert flag["status"] == "flagged" and coded[target_id] == "", flag["reason"]


@pytest.mark.parametrize("plan_id", sorted(EXPECTED))
def test_our_plans_targets_carry_the_codes_a_careful_reader_gives(built_package, plan_id):
    targets = [r for r in rows(built_package, "targets") if r["plan_id"] == plan_id]
    if not targets:
        pytest.skip(f"{plan_id} is not among the sources")
    found = 0
    for wording, code in EXPECTED[plan_id].items():
        matching = [r for r in targets if r["indicator"] == wording]
        found += bool(matching)
        for row in matching:
            assert row["indicator_code"] == (code or ""), (row["target_id"], wording)
    assert found, f"none of the expected wordings of {plan_id} is extracted any more: update tests/expected"


def test_the_coverage_script_reports_per_plan_and_overall(built_package):
    done = subprocess.run([sys.executable, str(REPO / "scripts" / "indicator_coverage.py"), str(built_package)],
                          capture_output=True, text=True, check=True)
    targets = rows(built_package, "targets")
    coded = sum(1 for r in targets if r["indicator_code"])
    overall = next(line for line in done.stdout.splitlines() if line.startswith("overall"))
    assert overall.split()[1:4] == [str(len(targets)), str(coded), f"{coded / len(targets):.1%}"]
    for plan_id in {r["plan_id"] for r in targets}:
        assert re.search(rf"^{re.escape(plan_id)}\s", done.stdout, re.M)


def test_the_docs_code_list_is_up_to_date():
    text = DOCS.read_text(encoding="utf-8")
    codes = indicators.load(SOURCES / indicators.INDICATORS_FILE)
    assert indicators.docs_page(text, codes) == text, "run `python -m yigai.indicators` and commit docs/indicators.md"
    for indicator in codes.indicators:
        assert f"`{indicator.code}`" in text and indicator.name_en in text


def _block(language: str) -> str:
    return re.search(rf"```{language}\n(.*?)```", DOCS.read_text(encoding="utf-8"), re.S).group(1)


@contextlib.contextmanager
def _inside(directory: Path):
    before = Path.cwd()
    os.chdir(directory)
    try:
        yield
    finally:
        os.chdir(before)


def test_the_documented_sql_lines_every_coded_target_up_by_indicator(built_package):
    duckdb = pytest.importorskip("duckdb")
    with _inside(built_package.parent):
        result = duckdb.sql(_block("sql")).fetchall()
    targets = [r for r in rows(built_package, "targets") if r["indicator_code"]]
    assert len(result) == len(targets)
    assert [r[0] for r in result] == sorted(r[0] for r in result)
    assert {(r[0], r[3]) for r in result} == {(t["indicator_code"], t["plan_id"]) for t in targets}


def test_the_documented_pandas_example_runs(built_package):
    output = io.StringIO()
    with _inside(built_package.parent), contextlib.redirect_stdout(output):
        exec(compile(_block("python"), "docs/indicators.md", "exec"), {})
    for code in {r["indicator_code"] for r in rows(built_package, "targets") if r["indicator_code"]}:
        assert code in output.getvalue()
