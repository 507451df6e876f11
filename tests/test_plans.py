"""The plans table agrees with a careful reader of the five raw pages, and plan extraction works on small pages."""

from __future__ import annotations

import csv

import pytest

from yigai.extract import plans


def read(built_package, table):
    with open(built_package / "data" / f"{table}.csv", encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


EXPECTED = {
    "wenzhou-lucheng-2017-01": ("温鹿政发〔2017〕18号", "2017-03-29", "", "温州市鹿城区", "330302", "county",
                                "鹿城区深化医药卫生体制综合改革先行先试实施方案"),
    "nanjing-2023-01": ("", "2023-12-07", "2023-12-07", "南京市", "320100", "prefecture",
                        "2023年下半年全市深化医药卫生体制改革重点工作任务"),
    "qinghai-2019-01": ("青政办〔2019〕35号", "2019-03-21", "", "青海省", "630000", "province",
                        "青海省深化县域综合医改暨紧密型医疗服务共同体建设实施方案"),
    "sanya-2024-01": ("三府办〔2024〕5号", "2024-01-09", "2024-01-11", "三亚市", "460200", "prefecture",
                      "三亚市公立医院改革与高质量发展示范项目实施方案"),
    "guangdong-2017-01": ("粤府办〔2017〕49号", "2017-06-30", "", "广东省", "440000", "province",
                          "广东省推进医疗联合体建设和发展的实施方案"),
}


def test_plans_table_matches_a_careful_reader(built_package):
    rows = {r["plan_id"]: r for r in read(built_package, "plans")}
    assert set(EXPECTED) <= set(rows)
    for plan_id, (number, issued, published, jurisdiction, code, level, title) in EXPECTED.items():
        row = rows[plan_id]
        assert (row["doc_number"], row["issue_date"], row["publish_date"]) == (number, issued, published), plan_id
        assert (row["jurisdiction"], row["admin_code"], row["admin_level"]) == (jurisdiction, code, level), plan_id
        assert row["title"] == title, plan_id
        text = (built_package / row["text_path"]).read_text(encoding="utf-8")
        assert text[int(row["char_start"]):int(row["char_end"])].replace("\n", "") == title


def test_titles_and_citations_point_into_the_text(built_package):
    texts = {}
    for row in read(built_package, "citations"):
        text = texts.setdefault(row["plan_id"], (built_package / "texts" / f"{row['plan_id']}.txt").read_text("utf-8"))
        assert text[int(row["char_start"]):int(row["char_end"])] == row["cited_title"]
    numbers = {(r["plan_id"], r["cited_doc_number"]) for r in read(built_package, "citations")}
    assert ("wenzhou-lucheng-2017-01", "国办发〔2016〕26号") in numbers
    assert ("nanjing-2023-01", "国卫体改发〔2023〕23号") in numbers
    assert ("sanya-2024-01", "琼府办〔2022〕37号") in numbers
    assert ("guangdong-2017-01", "国办发〔2017〕32号") in numbers


def test_nanjing_unknown_signer_is_marked_not_invented(built_package):
    issuers = [r for r in read(built_package, "plan_issuers") if r["plan_id"] == "nanjing-2023-01"]
    assert [r["position"] for r in issuers] == ["2", "3", "4"]
    plan = next(r for r in read(built_package, "plans") if r["plan_id"] == "nanjing-2023-01")
    assert plan["issuer_names"].startswith("[unknown]；")
    report = [r for r in read(built_package, "corrections") if r["plan_id"] == "nanjing-2023-01"]
    assert any("not legible" in r["reason"] for r in report)


PAGE = """首页 > 政府文件

某某县人民政府关于印发某某县深化医改实施方案的通知

县政府各部门:

现将《某某县深化医改实施方案》印发给你们,请认真贯彻执行。

某某县人民政府

2021年5月6日

某某县深化医改实施方案

为贯彻落实《国务院关于深化医改的意见》(国发〔2020〕3号)精神,制定本方案。

一、总体目标
"""


def test_extracts_facts_from_a_small_page():
    facts = plans.run(PAGE)
    assert facts.notice_title.text == "某某县人民政府关于印发某某县深化医改实施方案的通知"
    assert facts.title.text == "某某县深化医改实施方案"
    assert PAGE[facts.title.start:facts.title.end] == facts.title.text
    assert facts.issue_date == "2021-05-06"
    assert [s.text for s in facts.issuers] == ["某某县人民政府"]
    assert facts.citations[0][0] == "国发〔2020〕3号"
    assert facts.citations[0][1].text == "国务院关于深化医改的意见"
    assert facts.doc_number is None


@pytest.mark.parametrize("line, expected", [
    ("2017年3月29日", "2017-03-29"), ("生成日期: 2023-12-07", "2023-12-07"), ("2017年2月30日", None), ("2023127", None),
])
def test_iso_date(line, expected):
    assert plans.iso_date(line) == expected


def test_metadata_fields_are_read():
    page = "发文字号: 三府办〔2024〕5号\n成文日期: 2024-01-09\n发布日期: 2024-01-11\n\n某市人民政府办公室关于印发《某市方案》的通知\n"
    facts = plans.run(page)
    assert facts.doc_number == "三府办〔2024〕5号"
    assert facts.issue_date == "2024-01-09"
    assert facts.publish_date == "2024-01-11"


def test_a_page_that_is_the_plan_itself_takes_its_own_title():
    page = ("某某市人民政府关于进一步深化医药卫生体制改革的实施意见\n某政发〔2021〕7号\n\n"
            "为贯彻落实《国务院关于深化医改的意见》精神,提出如下意见。\n\n一、总体要求\n")
    facts = plans.run(page)
    assert facts.notice_title is None
    assert facts.title.text == "某某市人民政府关于进一步深化医药卫生体制改革的实施意见"
    assert facts.body_start == 0
    assert [s.text for s in facts.issuers] == ["某某市人民政府"]
    assert facts.doc_number == "某政发〔2021〕7号"


def test_a_notice_that_does_not_issue_another_document_is_the_plan():
    page = "某某县卫生健康局关于做好2022年医改重点工作的通知\n\n各乡镇卫生院:\n\n一、工作目标\n"
    facts = plans.run(page)
    assert facts.notice_title is None
    assert facts.title.text == "某某县卫生健康局关于做好2022年医改重点工作的通知"


def test_a_document_signed_at_its_end():
    page = ("某某市人民政府关于进一步深化医改的实施意见\n\n一、总体目标\n到2020年,全面建立分级诊疗制度。\n\n"
            "某某市人民政府\n\n2019年5月20日\n")
    facts = plans.run(page)
    assert facts.issue_date == "2019-05-20"
    assert [s.text for s in facts.issuers] == ["某某市人民政府"]
    assert page[facts.issuers[0].start:facts.issuers[0].end] == "某某市人民政府"
