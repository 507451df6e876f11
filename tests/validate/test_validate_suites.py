"""The suite files: one per resource, reviewable JSON, generated expectations in step with the metadata; text rules."""

from __future__ import annotations

import json

import pytest
from validate_helpers import REPO

from yigai import metadata
from yigai.validate import hygiene, suites

SUITES = REPO / "validation"


@pytest.mark.parametrize("name", suites.suite_names())
def test_each_suite_is_sorted_json_in_step_with_the_metadata(name):
    text = (SUITES / f"{name}.json").read_text(encoding="utf-8")
    suite = json.loads(text)
    assert text == suites.dumps(suite), "write suites with sorted keys (python -m yigai.validate.suites)"
    assert suites.sync(name, suite) == suite, "run `python -m yigai.validate.suites` after changing the metadata"
    for expectation in suite["expectations"]:
        meta = expectation["meta"]
        assert meta["check"] and meta["message"] and meta["hint"], expectation


def test_identifier_patterns_come_from_fields_yml_not_the_suites():
    from yigai.validate import rules

    text = "".join(p.read_text(encoding="utf-8") for p in SUITES.glob("*.json"))
    compiled = rules.metadata_rules(metadata.table_names())
    for name in ("plan_id", "task_id", "agency_id"):
        pattern = metadata.fields()[name]["constraints"]["pattern"]
        assert pattern not in text
        assert any(r.field == name and pattern.replace("'", "''") in r.fails for r in compiled), name


def test_every_free_text_field_is_checked_for_clean_text():
    for table in metadata.table_names():
        suite = json.loads((SUITES / f"{table}.json").read_text(encoding="utf-8"))
        checked = {e["kwargs"]["column"] for e in suite["expectations"] if e["meta"]["check"] == "clean-text"}
        exempt = set(suite.get("meta", {}).get("clean_text_exempt", {}))
        for column in metadata.columns(table):
            spec = metadata.fields()[column]
            constraints = spec.get("constraints") or {}
            if spec["type"] == "string" and not constraints.get("pattern") and not constraints.get("enum"):
                assert column in checked or column in exempt, (table, column)


@pytest.mark.parametrize("text, finding", [
    ("醫療衛生", "traditional characters"),
    ("关(guān)于", "inline pinyin (guān)"),
    ("医疗\ufffd卫生", "U+FFFD"),
    ("医疗\x07卫生", "U+0007"),
])
def test_forbidden_text_is_found_and_described(text, finding):
    import re

    assert re.search(hygiene.forbidden_pattern(), text)
    assert finding in hygiene.describe(text)


def test_clean_simplified_text_passes():
    import re

    clean = "深化医药卫生体制改革,到2020年家庭医生签约服务覆盖率达到30%以上(不含重点人群)。显著、乾坤"
    assert hygiene.describe(clean) is None
    assert re.search(hygiene.forbidden_pattern(), "深化医药卫生体制改革(2020年)") is None


def test_known_spam_is_found_when_the_lexicon_exists():
    if not hygiene.spam_strings():
        pytest.skip("src/yigai/data/spam.yml not present")
    import yaml

    term = yaml.safe_load((REPO / "src/yigai/data/spam.yml").read_text(encoding="utf-8"))["terms"][0]
    assert "spam" in hygiene.describe(f"关于{term}印发")
