"""The standard-indicator code list (sources/indicators.yml) and the general rules that code targets with it."""

from __future__ import annotations

import re

import pytest
import yaml

from yigai import indicators, metadata
from yigai.errors import YigaiError

from conftest import SOURCES

CODES = indicators.load(SOURCES / indicators.INDICATORS_FILE)

# The standard indicators the issue names (national reform monitoring and five-year plans): each must have a code.
STANDARD = ["primary-care-visit-share", "within-county-visit-rate", "within-county-admission-share",
            "family-doctor-contract-coverage", "family-doctor-contract-coverage-key-populations", "beds-per-1000",
            "doctors-per-1000", "nurses-per-1000", "gps-per-10000", "average-length-of-stay", "drug-revenue-share",
            "consumables-revenue-share", "drug-consumables-revenue-share", "medical-service-revenue-share",
            "out-of-pocket-share", "life-expectancy", "infant-mortality", "under5-mortality", "maternal-mortality",
            "inpatient-reimbursement-rate-residents", "inpatient-reimbursement-rate-employees",
            "case-based-payment-coverage"]


def target(wording, unit="%", scope="", relative=False, context="", level="prefecture"):
    return indicators.Target(wording=wording, scope=scope, unit=unit, relative=relative, context=context, level=level)


def code_list(text: str) -> indicators.CodeList:
    return indicators.parse(yaml.safe_load(text), SOURCES / "test-indicators.yml")


def test_the_code_list_covers_the_standard_indicators():
    codes = {i.code for i in CODES.indicators}
    assert set(STANDARD) <= codes


def test_every_indicator_has_english_and_chinese_names_and_documented_codes():
    for indicator in CODES.indicators:
        assert indicator.name_en.strip() and indicator.name.strip(), indicator.code
        assert indicator.name_en.isascii() or "ü" in indicator.name_en, indicator.code
        assert indicator.better in metadata.enum_values("better_direction")
        assert indicator.applies_to in metadata.enum_values("applies_to")
        assert indicator.unit is None or indicator.unit in metadata.enum_values("indicator_unit")
        assert indicator.definition and indicator.framework


def test_every_code_list_of_the_metadata_has_english_and_chinese_labels():
    for name, spec in metadata.fields().items():
        enum = (spec.get("constraints") or {}).get("enum")
        if enum:
            assert set(spec.get("enum_doc") or {}) == set(enum), name
            assert set(spec.get("enum_zh") or {}) == set(enum), name
            assert all(str(v).strip() for v in spec["enum_zh"].values()), name


@pytest.mark.parametrize("indicator", CODES.indicators, ids=lambda i: i.code)
def test_each_standard_name_and_alias_codes_to_its_own_indicator(indicator):
    for wording in [indicator.name, *indicator.aliases]:
        decision = CODES.decide(target(wording, unit=indicator.unit, level="county"))
        assert (decision.code, decision.rule) == (indicator.code, "name"), wording


def test_different_wordings_of_one_indicator_get_one_code():
    wordings = ["基层医疗卫生机构诊疗量占总诊疗量比例", "基层医疗卫生机构诊疗量占总诊疗量的比例", "基层就诊率",
                "基层医疗卫生机构诊疗人次占比"]
    assert {CODES.decide(target(w)).code for w in wordings} == {"primary-care-visit-share"}


def test_a_generic_wording_needs_its_subject_in_the_task_and_a_population_in_the_scope():
    family = "推进家庭医生签约服务高质量发展"
    assert CODES.decide(target("签约率", context=family)) == indicators.Decision(
        "family-doctor-contract-coverage", "pattern-context")
    assert CODES.decide(target("签约率", scope="重点人群", context=family)) == indicators.Decision(
        "family-doctor-contract-coverage-key-populations", "pattern-scope")
    assert CODES.decide(target("签约率", context="推进合同管理")).code is None
    general = CODES.decide(target("签约率", scope="一般人群", context=family))
    assert general.code is None and "general population" in general.flag


def test_an_area_that_depends_on_the_plan_is_coded_only_at_the_right_level():
    assert CODES.decide(target("区域内就诊率", level="county")) == indicators.Decision(
        "within-county-visit-rate", "pattern-level")
    city = CODES.decide(target("区域内就诊率", level="prefecture"))
    assert city.code is None and "within-county" in city.flag


def test_a_close_but_different_wording_is_flagged_not_coded():
    for wording in ("市域内住院量占比", "户籍人口规范签约率", "公立医院医疗技术服务收入占比"):
        decision = CODES.decide(target(wording))
        assert decision.code is None and decision.flag and "not certainly the same" in decision.flag, wording


def test_unless_rules_out_a_narrower_indicator():
    assert CODES.decide(target("药品耗材收入占医疗收入比例")).code == "drug-consumables-revenue-share"
    assert CODES.decide(target("药品收入占医疗收入比例")).code == "drug-revenue-share"


def test_units_must_agree_or_be_documented_conversions():
    assert CODES.unit_agrees("名", "人", False) and CODES.unit_agrees("家", "个", False)
    assert CODES.unit_agrees("万元", "元", False) and CODES.unit_agrees("日", "天", False)
    assert CODES.unit_agrees("%", "人次", True) and CODES.unit_agrees("个百分点", "%", True)
    assert not CODES.unit_agrees("%", "人次", False)
    assert not CODES.unit_agrees("个百分点", "元", True)
    assert not CODES.unit_agrees("天", "%", False)
    assert CODES.unit_agrees(None, None, False) and not CODES.unit_agrees(None, "%", False)
    decision = CODES.decide(target("平均住院日", unit="%"))
    assert decision.code is None and "does not agree" in decision.flag
    assert CODES.decide(target("平均住院日", unit="日")).code == "average-length-of-stay"


def test_a_wording_that_fits_two_indicators_is_flagged():
    codes = code_list("""
indicators:
  - {code: one, name: 甲, name_en: One, unit: "%", better: higher, applies_to: county, framework: f, definition: d,
     patterns: ['比例$']}
  - {code: two, name: 乙, name_en: Two, unit: "%", better: higher, applies_to: county, framework: f, definition: d,
     patterns: ['^某']}
""")
    decision = codes.decide(target("某某比例"))
    assert decision.code is None and "one, two" in decision.flag


def test_run_codes_rows_in_place_keeps_curated_codes_and_reports_flags():
    rows = {"plans": [{"admin_level": "county"}],
            "tasks": [{"task_id": "x-2020-01:1", "heading": "家庭医生", "text": "推进家庭医生签约服务"}],
            "targets": [
                {"target_id": "x-2020-01:t001", "task_id": "x-2020-01:1", "indicator": "签约率", "unit": "%"},
                {"target_id": "x-2020-01:t002", "task_id": "x-2020-01:1", "indicator": "市域内住院量占比", "unit": "%",
                 "char_start": 5, "char_end": 9},
                {"target_id": "x-2020-01:t003", "task_id": "x-2020-01:1", "indicator": "某", "unit": "%",
                 "indicator_code": "life-expectancy"}]}
    changes = indicators.run(rows, CODES)
    first, second, third = rows["targets"]
    assert (first["indicator_code"], first["indicator_rule"]) == ("family-doctor-contract-coverage", "pattern-context")
    assert second["indicator_code"] is None and second["indicator_rule"] is None
    assert (third["indicator_code"], third["indicator_rule"]) == ("life-expectancy", "curated")
    assert [(c.kind, c.status, c.char_start, c.char_end) for c in changes] == [("indicator-code", "flagged", 5, 9)]
    assert "x-2020-01:t002" in changes[0].reason


def test_the_table_rows_publish_names_units_and_rules():
    rows = {r["indicator_code"]: r for r in CODES.rows()}
    assert set(rows) == {i.code for i in CODES.indicators}
    row = rows["within-county-visit-rate"]
    assert row["indicator_name"] == "县域内就诊率" and row["indicator_unit"] == "%"
    assert '"levels": ["county"]' in row["indicator_patterns"] and "县域就诊率" in row["indicator_aliases"]


@pytest.mark.parametrize("text, field", [
    ("indicators: [{code: Bad Code, name: 甲, name_en: A, unit: '%', better: higher, applies_to: county, "
     "framework: f, definition: d}]", "code"),
    ("indicators: [{code: a, name: 甲, unit: '%', better: higher, applies_to: county, framework: f, "
     "definition: d}]", "name_en"),
    ("indicators: [{code: a, name: 甲, name_en: A, unit: 斤, better: higher, applies_to: county, framework: f, "
     "definition: d}]", "unit"),
    ("indicators: [{code: a, name: 甲, name_en: A, unit: '%', better: up, applies_to: county, framework: f, "
     "definition: d}]", "better"),
    ("indicators: [{code: a, name: 甲, name_en: A, unit: '%', better: higher, applies_to: county, framework: f, "
     "definition: d, patterns: ['(']}]", "patterns[0]"),
    ("indicators: [{code: a, name: 甲, name_en: A, unit: '%', better: higher, applies_to: county, framework: f, "
     "definition: d, patterns: [{match: x, levels: [town]}]}]", "patterns[0]"),
    ("unit_conversions: {same_quantity: [{units: [人, 斤]}]}", "unit_conversions.same_quantity"),
])
def test_a_bad_entry_is_named_by_file_row_and_field(text, field):
    with pytest.raises(YigaiError) as caught:
        code_list(text)
    assert caught.value.field == field and caught.value.file.endswith("test-indicators.yml")


def test_duplicate_codes_and_malformed_yaml_are_errors(tmp_path):
    entry = "{code: a, name: 甲, name_en: A, unit: '%', better: higher, applies_to: county, framework: f, definition: d}"
    with pytest.raises(YigaiError, match="duplicate code a") as caught:
        code_list(f"indicators: [{entry}, {entry}]")
    assert caught.value.row == 2
    bad = tmp_path / "indicators.yml"
    bad.write_text("indicators: [\n", encoding="utf-8")
    with pytest.raises(YigaiError, match="not valid YAML"):
        indicators.load(bad)
    assert indicators.load(tmp_path / "missing.yml").indicators == []


def test_a_draft_finds_the_code_list_of_the_sources_folder(tmp_path):
    assert indicators.for_plan_directory(SOURCES / "any-plan").indicators
    assert not indicators.for_plan_directory(tmp_path / "plan").indicators


def test_the_index_codes_every_wording_as_trying_every_indicator_does(monkeypatch):
    import csv

    wordings = [name for i in CODES.indicators for name in [i.name, *i.aliases]]
    with open(SOURCES.parent / "datapackage" / "data" / "targets.csv", encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    wordings += [row["indicator"] for row in rows] + [row["indicator"][1:] for row in rows]
    targets = [target(w, unit=unit, scope=scope) for w in wordings for unit in ("%", None) for scope in ("", "县域")]
    indexed = [CODES.decide(t) for t in targets]
    monkeypatch.setattr(indicators, "_any_of", lambda patterns: None)  # every group tried, as without the index
    tried = indicators.CodeList(CODES.indicators, CODES.unit_pairs)
    assert [tried.decide(t) for t in targets] == indexed
    assert any(d.code for d in indexed) and any(d.flag for d in indexed)


def test_patterns_that_refer_to_their_own_groups_are_not_combined():
    assert indicators._any_of([re.compile(r"(a)\1"), re.compile("b")]) is None
    assert indicators._any_of([re.compile("(?P<x>a)"), re.compile("(?P<x>b)")]) is None
    combined = indicators._any_of([re.compile("门诊.*率$"), re.compile("^床位")])
    assert combined.search("床位数") and combined.search("门诊预约率") and not combined.search("住院率")
    assert not indicators._any_of([]).search("anything")


def test_a_plan_s_targets_are_coded_as_each_would_be_alone():
    wordings = ["基层医疗卫生机构诊疗量占总诊疗量的比例", "签约率", "区域内就诊率", "平均住院日", "某某比例"] * 2
    rows = {"plans": [{"admin_level": "county"}], "tasks": [{"task_id": "t1", "text": "推进家庭医生签约服务"}],
            "targets": [{"target_id": f"p:t{i}", "indicator": w, "unit": ("%", "日", None)[i % 3],
                         "scope": ("", "重点人群")[i % 2], "relative": i % 4 == 3, "task_id": ("t1", None)[i % 2]}
                        for i, w in enumerate(wordings)]}
    indicators.run(rows, CODES)
    for row in rows["targets"]:
        context = "推进家庭医生签约服务" if row["task_id"] else ""
        alone = CODES.decide(indicators.Target(row["indicator"], row["scope"], row["unit"], row["relative"], context,
                                               "county"))
        assert (row["indicator_code"], row["indicator_rule"]) == (alone.code, alone.rule)
    assert any(row["indicator_code"] for row in rows["targets"])
