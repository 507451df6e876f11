"""The plans table agrees with a careful reader of each plan (tests/expected/plans/), and plan extraction works on
small pages."""

from __future__ import annotations

import csv

import expectations
import pytest

from yigai.extract import plans


def read(built_package, table):
    with open(built_package / "data" / f"{table}.csv", encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.mark.parametrize("plan_id", expectations.plans_with("plan"))
def test_plans_table_matches_a_careful_reader(built_package, plan_id):
    expected = expectations.load(plan_id)
    row = next(r for r in read(built_package, "plans") if r["plan_id"] == plan_id)
    assert expectations.mismatches(row, expected["plan"]) == {}
    text = (built_package / row["text_path"]).read_text(encoding="utf-8")
    assert text[int(row["char_start"]):int(row["char_end"])].replace("\n", "") == row["title"]


@pytest.mark.plans
def test_titles_and_citations_point_into_the_text(built_package):
    texts = {}
    for row in read(built_package, "citations"):
        text = texts.setdefault(row["plan_id"], (built_package / "texts" / f"{row['plan_id']}.txt").read_text("utf-8"))
        assert text[int(row["char_start"]):int(row["char_end"])] == row["cited_title"]


@pytest.mark.parametrize("plan_id", expectations.plans_with("citations"))
def test_cited_documents_are_found(built_package, plan_id):
    numbers = {r["cited_doc_number"] for r in read(built_package, "citations") if r["plan_id"] == plan_id}
    assert set(expectations.load(plan_id)["citations"]) <= numbers


@pytest.mark.parametrize("plan_id", expectations.plans_with("plan_issuers"))
def test_signers_are_at_their_printed_positions(built_package, plan_id):
    issuers = [r for r in read(built_package, "plan_issuers") if r["plan_id"] == plan_id]
    assert [int(r["position"]) for r in issuers] == expectations.load(plan_id)["plan_issuers"]["positions"]


@pytest.mark.parametrize("plan_id", expectations.plans_with("report"))
def test_the_corrections_report_says_what_a_reader_expects(built_package, plan_id):
    reasons = " | ".join(r["reason"] for r in read(built_package, "corrections") if r["plan_id"] == plan_id)
    assert expectations.matches(reasons, expectations.load(plan_id)["report"]["reasons"])


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
