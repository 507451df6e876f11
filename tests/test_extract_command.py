"""`yigai extract`: useful drafts of plans in other layouts, and no crash on odd input."""

from __future__ import annotations

import csv
import io
import json

import expectations
import pytest
from click.testing import CliRunner

from yigai import metadata
from yigai.cli import main
from yigai.extract import draft

COUNTY = """某某县人民政府办公室关于印发某某县2024年深化医药卫生体制改革工作要点的通知
某政办发〔2024〕8号

各乡镇人民政府，县政府各部门：

现将《某某县2024年深化医药卫生体制改革工作要点》印发给你们，请认真贯彻执行。

某某县人民政府办公室
2024年3月1日

某某县2024年深化医药卫生体制改革工作要点

第一条 推进紧密型县域医共体建设。一是县域内就诊率达到90%以上；二是乡镇卫生院门急诊人次占比提高2个百分点；三是新建2个县域医疗卫生次中心。
第二条 加强公共卫生服务。65岁以上老年人健康管理率达到72%，孕产妇死亡率控制在10/10万以下。
第三条 强化投入保障。县财政安排医改专项资金1200万元。
"""

TABLE = """某某市卫生健康委员会关于印发某某市基层卫生能力提升行动方案的通知

各区卫生健康局：

现印发给你们。

某某市卫生健康委员会
2021年5月6日

某某市基层卫生能力提升行动方案

一、主要指标

序号\t指标名称\t2020年\t2025年\t属性
1\t人均预期寿命（岁）\t77.5\t78.5\t预期性
2\t孕产妇死亡率（/10万）\t12\t≤10\t约束性
3\t每千人口执业(助理)医师数（人）\t2.6\t≥3.2\t预期性

二、重点任务

（一）建设县域医疗卫生次中心。到2023年底，建成10个县域医疗卫生次中心。
"""

TRADITIONAL = """廣東省人民政府辦公廳關於印發廣東省加強基層醫療衛生服務能力建設實施方案的通知
粵府辦〔2019〕12號

各地級以上市人民政府：

現印發給你們，請認真組織實施。

廣東省人民政府辦公廳
2019年5月10日

廣東省加強基層醫療衛生服務能力建設實施方案

一、工作目標

到2020年底，基層醫療衛生機構診療量佔總診療量比例達到65%以上，每個縣（市、區）至少建成一個縣域醫療衛生次中心；全省新增全科醫生5000名。
"""

NO_JURISDICTION = "关于加强基层卫生工作的意见\n\n一、到2025年，基层诊疗量占比达到65%以上，新增3家社区卫生服务中心。\n"


def run(tmp_path, content: bytes | str, *args: str):
    path = tmp_path / "plan.txt"
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    result = CliRunner().invoke(main, ["extract", str(path), "--sources", str(tmp_path / "none"), *args])
    return result


def tables_of(result) -> dict:
    assert result.exit_code == 0, result.output
    start = result.stdout.index("{")
    return json.loads(result.stdout[start:])


def test_json_has_every_table_with_the_package_columns(tmp_path):
    tables = tables_of(run(tmp_path, COUNTY))
    assert list(tables) == metadata.table_names()
    for name, rows in tables.items():
        for row in rows:
            assert list(row) == metadata.columns(name)


def test_county_plan_with_numbered_articles_and_bullets(tmp_path):
    tables = tables_of(run(tmp_path, COUNTY))
    plan = tables["plans"][0]
    assert (plan["jurisdiction"], plan["doc_number"], plan["issue_date"]) == (None, "某政办发〔2024〕8号", "2024-03-01") \
        or plan["admin_level"] == "county"
    got = [(t["indicator"], t["comparator"], t["value"], t["unit"], t["deadline"], t["relative"])
           for t in tables["targets"]]
    assert got == [("县域内就诊率", ">=", 90, "%", "2024-12-31", False),
                   ("乡镇卫生院门急诊人次占比提高", "=", 2, "个百分点", "2024-12-31", True),
                   ("新建县域医疗卫生次中心", "=", 2, "个", "2024-12-31", False),
                   ("65岁以上老年人健康管理率", ">=", 72, "%", "2024-12-31", False),
                   ("孕产妇死亡率", "<=", 10, "/10万", "2024-12-31", False),
                   ("县财政安排医改专项资金", "=", 1200, "万元", "2024-12-31", False)]


def test_plan_with_a_table_of_targets(tmp_path):
    targets = tables_of(run(tmp_path, TABLE))["targets"]
    assert [(t["indicator"], t["comparator"], t["value"], t["unit"], t["deadline"]) for t in targets] == [
        ("人均预期寿命", "=", 78.5, "岁", "2025-12-31"), ("孕产妇死亡率", "<=", 10, "/10万", "2025-12-31"),
        ("每千人口执业(助理)医师数", ">=", 3.2, "人", "2025-12-31"), ("建成县域医疗卫生次中心", "=", 10, "个", "2023-12-31")]


def test_province_plan_in_traditional_characters(tmp_path):
    tables = tables_of(run(tmp_path, TRADITIONAL))
    plan = tables["plans"][0]
    assert plan["title"] == "广东省加强基层医疗卫生服务能力建设实施方案"
    assert (plan["admin_code"], plan["admin_level"]) == ("440000", "province")
    assert [(t["value"], t["comparator"], t["scope"], t["deadline"]) for t in tables["targets"]] == [
        (65, ">=", None, "2020-12-31"), (1, ">=", "每个县（市、区）", "2020-12-31"), (5000, "=", None, "2020-12-31")]


def test_gbk_bytes_are_read_as_gb18030(tmp_path):
    result = run(tmp_path, COUNTY.encode("gb18030"))
    assert "gb18030" in result.stderr
    assert len(tables_of(result)["targets"]) == 6


def test_utf16_with_a_byte_order_mark_is_read(tmp_path):
    result = run(tmp_path, "只有一句话，没有提纲。".encode("utf-16"))
    tables = tables_of(result)
    assert len(tables["plans"]) == 1 and tables["plans"][0]["plan_id"] == "draft-0000-01"
    assert "utf-16" in result.stderr


def test_no_jurisdiction_gives_null_fields_and_a_flag(tmp_path):
    tables = tables_of(run(tmp_path, NO_JURISDICTION))
    plan = tables["plans"][0]
    assert plan["jurisdiction"] is None and plan["admin_code"] is None and plan["admin_level"] is None
    assert any(c["kind"] == "jurisdiction" for c in tables["corrections"])
    assert [t["value"] for t in tables["targets"]] == [65, 3]
    with_code = tables_of(run(tmp_path, NO_JURISDICTION, "--admin-code", "440000"))
    assert with_code["plans"][0]["jurisdiction"] == "广东省"


def test_csv_of_one_table(tmp_path):
    result = run(tmp_path, COUNTY, "--format", "csv", "--table", "targets", "--plan-id", "mouxian-2024-01")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert list(rows[0]) == metadata.columns("targets")
    assert rows[0]["target_id"] == "mouxian-2024-01:t001" and rows[0]["relative"] == "false"


def test_usage_errors(tmp_path):
    assert run(tmp_path, COUNTY, "--format", "csv").exit_code == 2
    assert run(tmp_path, COUNTY, "--table", "nonsense").exit_code == 2
    bad = run(tmp_path, COUNTY, "--plan-id", "Not An Id")
    assert bad.exit_code == 1 and "plan_id" in bad.output and "Traceback" not in bad.output
    code = run(tmp_path, COUNTY, "--admin-code", "999999")
    assert code.exit_code == 1 and "--admin-code" in code.output
    missing = CliRunner().invoke(main, ["extract", str(tmp_path / "missing.txt")])
    assert missing.exit_code == 2 and "file not found" in missing.output and "Traceback" not in missing.output


def test_agencies_are_only_those_the_draft_refers_to(repo, tmp_path):
    path = tmp_path / "plan.txt"
    path.write_bytes((repo / "tests" / "add" / "invented-plan.txt").read_bytes())
    result = CliRunner().invoke(main, ["extract", str(path), "--sources", str(repo / "sources")])
    tables = tables_of(result)
    referenced = {r["agency_id"] for name in ("plan_issuers", "responsibilities") for r in tables[name]}
    assert referenced and {a["agency_id"] for a in tables["agencies"]} == referenced


@pytest.mark.parametrize("plan_id", expectations.plans_with("draft.targets"))
def test_draft_of_a_committed_plan_matches_its_build(repo, plan_id):
    raw = (repo / "sources" / plan_id / "raw.txt").read_bytes()
    result = draft.run(raw, plan_id=plan_id)
    assert result.encoding == "utf-8" and not result.notes
    assert len(result.tables["targets"]) == expectations.load(plan_id)["draft"]["targets"]
    assert all(result.text[t["char_start"]:t["char_end"]] == t["quote"] for t in result.tables["targets"])


def test_decode_prefers_utf8_then_gb18030():
    assert draft.decode("医改".encode("utf-8")) == ("医改", "utf-8")
    assert draft.decode("\ufeff医改".encode("utf-8")) == ("医改", "utf-8")
    assert draft.decode("医改".encode("gbk")) == ("医改", "gb18030")
    assert draft.decode("医改方案".encode("utf-8") * 200 + b"\xff")[1].startswith("utf-8 (")
