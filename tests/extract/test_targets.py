"""Targets: each phrasing read by a general rule, what is not a target, lists, deadlines, tables and the five plans."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from yigai import metadata
from yigai.extract import evaluation, figures, targets
from yigai.extract import tasks as tasks_module

HEAD = ("某某市人民政府关于印发某某市医改实施方案的通知\n\n各区人民政府:\n\n现印发给你们,请认真贯彻执行。\n\n"
        "2020年1月2日\n\n某某市医改实施方案\n\n")
ANNUAL = ("某某市医改办关于印发2023年下半年全市深化医药卫生体制改革重点工作任务的通知\n\n各区:\n\n现印发给你们。\n\n"
          "2023年12月7日\n\n2023年下半年全市深化医药卫生体制改革重点工作任务\n\n")


def extract(body: str, head: str = HEAD, tasks: list[dict] | None = None) -> list[dict]:
    text = head + body
    rows = targets.run("test-2020-01", text, tasks or [])
    for row in rows:
        assert text[row["char_start"]:row["char_end"]] == row["quote"]
    return rows


def test_rows_have_the_columns_in_order():
    rows = extract("到2025年底,基层医疗卫生机构诊疗量占总诊疗量的比例不低于50%,新建3个医联体。")
    assert rows and all(list(row) == list(targets.COLUMNS) for row in rows)


def only(body: str, head: str = HEAD) -> dict:
    rows = extract(body, head)
    assert len(rows) == 1, rows
    return rows[0]


@pytest.mark.parametrize("body, expected", [
    ("到2025年底,基层医疗卫生机构诊疗量占总诊疗量的比例不低于50%。",
     {"indicator": "基层医疗卫生机构诊疗量占总诊疗量的比例", "comparator": ">=", "value": 50, "unit": "%",
      "deadline": "2025-12-31", "deadline_text": "到2025年底", "scope": None, "relative": False}),
    ("公立医院医疗技术服务收入占比达到50%以上。", {"comparator": ">=", "value": 50}),
    ("平均住院日控制在8天以内。", {"indicator": "平均住院日", "comparator": "<=", "value": 8, "unit": "天"}),
    ("管理费用占公立医院费用总额的比重不超过10.5%。", {"comparator": "<=", "value": 10.5}),
    ("全市市域内住院量占比超过85%。", {"indicator": "市域内住院量占比", "comparator": ">", "value": 85}),
    ("平均住院日低于7.85天。", {"comparator": "<", "value": 7.85, "unit": "天"}),
    ("县域内就诊率提高到90%左右。", {"comparator": "=", "value": 90, "approximate": True}),
    ("基本医疗保险参保率提升至98.8%以上。", {"indicator": "基本医疗保险参保率", "comparator": ">=", "value": 98.8}),
    ("新设置3家院前急救站。", {"indicator": "新设置院前急救站", "comparator": "=", "value": 3, "unit": "家"}),
    ("新增普惠托育机构15家。", {"indicator": "新增普惠托育机构", "comparator": "=", "value": 15, "unit": "家"}),
    ("建设8-10个具有优势特殊专科的基层医疗卫生机构。",
     {"comparator": "range", "value": 8, "value_max": 10, "unit": "个"}),
    ("每个地级以上市至少建成一个有明显成效的医联体。",
     {"comparator": ">=", "value": 1, "unit": "个", "scope": "每个地级以上市", "indicator": "建成有明显成效的医联体"}),
    ("床人比不低于1:1.6。", {"comparator": ">=", "value": 1.6, "unit": "比例"}),
    ("医护比达到1∶2以上。", {"comparator": ">=", "value": 2, "unit": "比例"}),
    ("转诊人数年增长10%以上。", {"comparator": ">=", "value": 10, "relative": True}),
    ("每个专科联盟门诊人次较上年增幅不低于5%。", {"relative": True, "scope": "每个专科联盟"}),
    ("医保报销比例在原有基础上下调不低于5个百分点。", {"relative": True, "unit": "个百分点", "value": 5}),
    ("公立医院门诊次均费用增幅不超过10%。", {"relative": True, "comparator": "<="}),
    ("培养十五名全科医生。", {"value": 15, "unit": "名", "indicator": "培养全科医生"}),
    ("新增两家护理院。", {"value": 2, "unit": "家"}),
    ("每年至少调整一次医疗服务价格。", {"comparator": ">=", "value": 1, "unit": "次"}),
    ("年内完成家庭医生随访1.5万人次。", {"value": 15000, "unit": "人次"}),
    ("形成2000次/站以上的服务规模。", {"comparator": ">=", "value": 2000, "unit": "次", "scope": "每站"}),
    ("人均财政补助标准达到每人每年不低于670元。",
     {"indicator": "人均财政补助标准", "comparator": ">=", "value": 670, "unit": "元"}),
    ("实现村级基本医疗服务覆盖率100%。", {"comparator": "=", "value": 100, "indicator": "村级基本医疗服务覆盖率"}),
    ("20%的社区卫生服务中心开设老年病房。", {"comparator": "=", "value": 20, "indicator": "社区卫生服务中心开设老年病房"}),
    ("三级公立医院病例组合指数(CMI值)达1.20。", {"comparator": ">=", "value": 1.2, "unit": None}),
    ("电子病历系统应用水平达到五级(含)以上。", {"comparator": ">=", "value": 5, "unit": "级"}),
    ("人均预期寿命达到79岁。", {"comparator": ">=", "value": 79, "unit": "岁"}),
    ("孕产妇死亡率控制在10/10万以下。", {"comparator": "<=", "value": 10, "unit": "/10万"}),
    ("婴儿死亡率控制在5‰以内。", {"comparator": "<=", "value": 5, "unit": "‰"}),
    ("基层就诊率达到百分之六十五。", {"value": 65, "unit": "%"}),
    ("县域内就诊率达到９０％。", {"value": 90, "unit": "%", "quote": "县域内就诊率达到９０％"}),
    ("一是县域内就诊率达到90%以上。", {"indicator": "县域内就诊率"}),
    # a share opening its clause: the noun after it is what the share is of; a grade in a name is not a figure
    ("到2024年,80%以上的县级医院达到三级医院服务能力。",
     {"indicator": "县级医院达到三级医院服务能力", "comparator": ">=", "value": 80, "unit": "%"}),
    ("到2024年,三成以上县级医院达到二级以上医院服务能力。",
     {"indicator": "县级医院达到二级以上医院服务能力", "comparator": ">=", "value": 30, "unit": "%"}),
    ("（一）90%的乡镇卫生院达到服务能力推荐标准。", {"indicator": "乡镇卫生院达到服务能力推荐标准", "value": 90}),
])
def test_phrasing(body, expected):
    row = only(body)
    for key, value in expected.items():
        assert row[key] == value, (key, row)


@pytest.mark.parametrize("body", [
    "根据《国务院办公厅关于印发深化医药卫生体制改革2016年重点工作任务的通知》(国办发〔2016〕26号)精神。",
    "科学谋划“十四五”时期人才发展工作蓝图。",
    "积极组织333工程、双创计划等高层次人才项目的申报工作。",
    "升级改造120指挥平台,推进5G应用。",
    "推行“1+X”的组合签约服务模式。",
    "通过“1(指挥中心)+12(急救中心)+28(急救站)”的急救布局。",
    "加大对市第一医院等5家医院参与试点的支持。",
    "覆盖甲县、乙县、丙县3县,构建协同救治网络。",
    "牵头医院医师连续工作六个月以上的,可享受当地的工资和津贴补贴。",
    "对慢病患者提供8周的慢病用药长处方服务。",
    "推动定点医疗机构在新版医保目录执行1个月内将国谈药纳入采购目录。",
    "鼓励二级以上医院牵头组建医联体,三级医院要发挥引领作用。",
    "以5年院校教育+3年规范化培训为主。",
    "将支付方式改革范围扩大到一级及以下医疗机构。",
    "已经九届区政府第3次常务会议审议通过。",
    "目前已建成社区卫生服务中心12家。",
    "城乡居民十五分钟健康服务圈进一步完善。",
    "实行县乡村三级统一目录、统一采购,建立一人一档。",
    "按照首诊医疗机构级别只计算一次起付线。",
    "2017年6月30日印发,2023-12-07生效。",
    "推进2023年中央财政支持中医药传承创新发展示范试点项目建设。",
    "建立统一支付平台,支持一体化发展。",
    "建有1个及以上特色科室的基层机构名单由各区确定。",
])
def test_not_a_target(body):
    assert extract(body) == []


def test_a_condition_inside_the_indicator_is_not_a_target():
    row = only("力争年内建有1个及以上基层特色科室的基层机构占比达到55%。")
    assert (row["value"], row["indicator"]) == (55, "建有1个及以上基层特色科室的基层机构占比")


def test_figures_that_lost_their_separator_pair_with_listed_years():
    rows = extract("到2017年、2018年底全区户籍人口规范签约率分别达25%35%。", head=HEAD.replace("2020年1月2日", "2017年1月2日"))
    assert [(r["value"], r["deadline"], r["deadline_text"]) for r in rows] == \
        [(25, "2017-12-31", "2017年"), (35, "2018-12-31", "2018年底")]
    assert {r["indicator"] for r in rows} == {"户籍人口规范签约率"}
    assert rows[0]["quote"] == rows[1]["quote"]


def test_figures_that_lost_their_separator_pair_with_listed_populations():
    rows = extract("全市一般人群和重点人群年内签约率分别达到40%68%以上。", head=ANNUAL)
    assert [(r["value"], r["scope"], r["comparator"], r["deadline"]) for r in rows] == \
        [(40, "一般人群", ">=", "2023-12-31"), (68, "重点人群", ">=", "2023-12-31")]
    assert rows[0]["indicator"] == "签约率"


def test_per_region_list_gives_one_row_per_region():
    rows = extract("2020年,各市(州)县域内住院量占比进一步提升,甲宁市达到65%,乙东市达到75%,丙西州、丁南州、戊南州达到70%。")
    assert [(r["scope"], r["value"]) for r in rows] == [("甲宁市", 65), ("乙东市", 75), ("丙西州", 70), ("丁南州", 70),
                                                        ("戊南州", 70)]
    assert {r["indicator"] for r in rows} == {"县域内住院量占比"}
    assert {r["deadline"] for r in rows} == {"2020-12-31"}
    assert [r["target_id"] for r in rows] == [f"test-2020-01:t{i:03d}" for i in range(1, 6)]


def test_several_figures_in_one_sentence_and_a_list_continuing_a_count():
    rows = extract("到2025年底,新增配备特种救护车辆3台、新生儿转运救护车6辆;新增设置急救站点10个。")
    assert [(r["value"], r["unit"], r["indicator"]) for r in rows] == [
        (3, "台", "新增配备特种救护车辆"), (6, "辆", "新增配备新生儿转运救护车"), (10, "个", "新增设置急救站点")]
    rows = extract("新招收700名左右住院医师规范化培训学员、80名以上农村订单定向医学生,培养40名骨干,180名党务工作者。")
    assert [(r["value"], r["comparator"], r["approximate"], r["indicator"]) for r in rows] == [
        (700, "=", True, "新招收住院医师规范化培训学员"), (80, ">=", False, "新招收农村订单定向医学生"),
        (40, "=", False, "培养骨干"), (180, "=", False, "培养党务工作者")]


def test_budget_and_its_parts():
    rows = extract("项目总预算13.68亿元,其中中央财政补助5亿元,省级财政补助2.5亿元,医院自筹资金3.68亿元。")
    assert [(r["indicator"], r["value"], r["unit"], r["comparator"]) for r in rows] == [
        ("项目总预算", 13.68, "亿元", "="), ("中央财政补助", 5, "亿元", "="), ("省级财政补助", 2.5, "亿元", "="),
        ("医院自筹资金", 3.68, "亿元", "=")]


def test_indicator_taken_from_the_clause_before():
    row = only("同步提高个人缴费标准,达到每人每年不低于380元。")
    assert row["indicator"] == "个人缴费标准" and row["quote"].startswith("同步提高个人缴费标准")


def test_deadline_carries_through_a_paragraph_but_not_into_the_next():
    rows = extract("到2020年底,甲率达到50%;乙率达到60%。\n\n丙率达到70%。\n")
    assert [r["deadline"] for r in rows] == ["2020-12-31", "2020-12-31", None]


def test_deadline_of_a_lead_in_paragraph_carries_into_its_list():
    rows = extract("到2025年,主要指标:\n\n1.甲率达到50%;\n\n2.乙率达到60%。\n\n二、保障措施\n\n丙率达到70%。\n")
    assert [r["deadline"] for r in rows] == ["2025-12-31", "2025-12-31", None]


def test_deadlines_of_months_five_year_plans_and_names():
    assert only("2020年8月底前,各市要明确一个县启动试点工作。")["deadline"] == "2020-08-31"
    assert only("到“十四五”末,覆盖率达到90%。")["deadline"] == "2025-12-31"
    assert only("推进2023年中央财政支持项目建设,新增3家护理院。")["deadline"] is None
    assert only("2023年上半年,覆盖率达到90%。")["deadline"] == "2023-06-30"


def test_annual_plan_gives_its_year_to_nianei_and_to_untimed_figures():
    rows = extract("年内开展1次医疗服务价格调整工作。\n\n新设置3家院前急救站。\n", head=ANNUAL)
    assert [(r["deadline"], r["deadline_text"]) for r in rows] == [("2023-12-31", "年内"),
                                                                   ("2023-12-31", "2023年下半年")]
    assert only("新设置3家院前急救站。")["deadline"] is None


def test_task_is_the_innermost_task_containing_the_quote():
    body = "一、总体目标\n\n到2025年,覆盖率达到90%。\n\n(一)具体任务。新增3家护理院。\n"
    text = HEAD + body
    inner = text.index("(一)")
    tasks = [{"task_id": "test-2020-01:1", "char_start": text.index("一、"), "char_end": len(text), "depth": 1},
             {"task_id": "test-2020-01:1.1", "char_start": inner, "char_end": len(text), "depth": 2}]
    rows = extract(body, tasks=tasks)
    assert [r["task_id"] for r in rows] == ["test-2020-01:1", "test-2020-01:1.1"]
    assert extract(body)[0]["task_id"] is None


def test_a_target_in_a_row_of_a_table_of_tasks_is_read_in_its_task_cell_and_takes_the_rows_time():
    body = ("一、目标\n\n内容。\n\n| 序号 | 重点任务 | 牵头单位 | 完成时间 |\n|---|---|---|---|\n"
            "| 1 | 中选药品使用比例不低于80% | 区医保局 | 2020年10月底 |\n"
            "| 2 | 到2021年底，县域就诊率达到90% | 区卫健局 | 2020年12月底 |\n")
    text = HEAD + body
    rows = extract(body, tasks=tasks_module.run("test-2020-01", text, len(HEAD)))
    assert [(r["task_id"], r["indicator"], r["quote"], r["deadline"]) for r in rows] == [
        ("test-2020-01:A1.1", "中选药品使用比例", "中选药品使用比例不低于80%", "2020-10-31"),
        ("test-2020-01:A1.2", "县域就诊率", "县域就诊率达到90%", "2021-12-31")]


def test_table_of_targets_one_row_per_line():
    body = ("序号\t指标名称\t2020年\t2025年\t属性\n1\t人均预期寿命（岁）\t77.5\t78.5\t预期性\n"
            "2\t孕产妇死亡率（/10万）\t12\t≤10\t约束性\n3\t个人卫生支出占卫生总费用的比重（%）\t28\t27左右\t约束性\n")
    rows = extract(body)
    assert [(r["indicator"], r["comparator"], r["value"], r["unit"], r["deadline"], r["approximate"]) for r in rows] == [
        ("人均预期寿命", "=", 78.5, "岁", "2025-12-31", False), ("孕产妇死亡率", "<=", 10, "/10万", "2025-12-31", False),
        ("个人卫生支出占卫生总费用的比重", "=", 27, "%", "2025-12-31", True)]


def test_table_of_targets_one_cell_per_line():
    body = "到2022年,主要指标如下。\n\n序号\n\n指标\n\n单位\n\n目标值\n\n1\n\n基层诊疗量占比\n\n%\n\n≥65\n\n" \
           "2\n\n县域内就诊率\n\n%\n\n90\n\n三、保障措施\n"
    rows = extract(body)
    assert [(r["indicator"], r["comparator"], r["value"], r["unit"], r["deadline"]) for r in rows] == [
        ("基层诊疗量占比", ">=", 65, "%", "2022-12-31"), ("县域内就诊率", "=", 90, "%", "2022-12-31")]


def test_a_work_table_without_indicators_gives_no_targets():
    body = "序号\n\n工作任务\n\n牵头部门\n\n完成时间\n\n1\n\n成立办公室\n\n区卫计局\n\n2017年6月\n"
    assert extract(body) == []


def test_units_agree_with_the_unit_enum():
    assert set(figures.units()) == set(metadata.enum_values("unit"))
    for written, (unit, factor) in figures.aliases().items():
        assert unit in figures.units() and factor > 0, written


ALPHABET = list("0123456789%、,,。;:()“”+-个家名次年月日") + ["达到", "不低于", "以上", "以内", "左右", "分别", "到2025年底",
                                                        "年内", "新增", "建设", "每个", "县", "市", "率", "\n", "的",
                                                        "一", "十", "亿元", "/站", "1:1.6", "其中", "〔2020〕"]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(ALPHABET), max_size=60))
def test_never_fails_and_quotes_are_the_text_at_their_offsets(pieces):
    rows = extract("".join(pieces))
    assert all(r["comparator"] in metadata.enum_values("comparator") for r in rows)
    assert all(r["unit"] is None or r["unit"] in figures.units() for r in rows)


# --- the committed plans ----------------------------------------------------------------------------------------

# A careful reader's list of every quantified commitment in each plan lives in tests/extract/annotated/plans/
# <plan_id>.yml (value, unit, comparator, deadline, scope), keyed by plan id.
ANNOTATED = Path(__file__).parent / "annotated"
PLANS = {a.plan_id: a for a in evaluation.annotations(ANNOTATED) if a.group == "plans"}


def _package_targets(built: Path) -> dict[str, list[dict]]:
    with open(built / "data" / "targets.csv", encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    out: dict[str, list[dict]] = {}
    for row in rows:
        out.setdefault(row["plan_id"], []).append(row)
    return out


@pytest.mark.parametrize("plan_id", sorted(PLANS))
def test_each_plan_has_every_commitment_once_and_nothing_else(built_package, plan_id):
    rows = _package_targets(built_package).get(plan_id)
    if rows is None:
        pytest.skip(f"{plan_id} is not among the built plans")
    missed, extra = evaluation.missing_targets(PLANS[plan_id].targets, rows)
    assert (missed, extra) == ([], [])


def test_every_quote_is_the_text_at_its_offsets(built_package):
    by_plan = _package_targets(built_package)
    for plan_id, rows in by_plan.items():
        text = (built_package / "texts" / f"{plan_id}.txt").read_text(encoding="utf-8")
        for i, row in enumerate(sorted(rows, key=lambda r: int(r["target_id"].split(":t")[1])), start=1):
            assert row["target_id"] == f"{plan_id}:t{i:03d}"
            assert text[int(row["char_start"]):int(row["char_end"])] == row["quote"], row
            assert row["indicator"], row
            assert not row["task_id"] or row["task_id"].startswith(f"{plan_id}:"), row   # empty outside every item


def test_per_capita_staffing_and_month_deadlines_in_an_annual_plan():
    head = ANNUAL.replace("2023年下半年", "2019年")
    rows = extract("城乡每万名居民拥有2—3名合格的全科医生。\n\n6月底前,新增3家护理院。\n", head=head)
    assert [(r["comparator"], r["value"], r["value_max"], r["deadline"], r["deadline_text"]) for r in rows] == [
        ("range", 2, 3, "2019-12-31", "2019年"), ("=", 3, None, "2019-06-30", "6月底前")]
    assert only("公立医院药占比(不含中药饮片)总体降到30%左右。")["indicator"] == "公立医院药占比(不含中药饮片)"


def test_each_scope_with_a_bracketed_name_and_not_carried_into_a_per_capita_clause():
    rows = extract("到2025年底，每个区（市）县至少建成1个标准化实验室，人均基本公共卫生服务经费补助标准提高至84元。")
    assert [(r["value"], r["unit"], r["scope"]) for r in rows] == [(1, "个", "每个区（市）县"), (84, "元", None)]


# --- figures as pages write them ------------------------------------------------------------------------------------

@pytest.mark.parametrize("body, expected", [
    ("到二〇二五年底，覆盖率达到65%以上。", {"value": 65, "deadline": "2025-12-31", "deadline_text": "到二〇二五年底"}),
    ("公立医院药品收入占比由2019年的32%降至28%。", {"indicator": "公立医院药品收入占比", "comparator": "<=", "value": 28}),
    ("力争每年新增家庭医生团队50个。", {"indicator": "每年新增家庭医生团队", "value": 50, "unit": "个", "scope": None}),
    ("医疗服务收入占比提高至35%-40%。", {"comparator": "range", "value": 35, "value_max": 40, "unit": "%"}),
    ("婴儿死亡率控制在3‰～5‰。", {"comparator": "range", "value": 3, "value_max": 5, "unit": "‰"}),
    ("到二零二二年，县域内就诊率达到九成。", {"value": 90, "unit": "%", "comparator": ">=", "deadline": "2022-12-31"}),
    ("三成以上的社区卫生服务中心设置康复病房。", {"value": 30, "unit": "%", "comparator": ">=",
                                       "indicator": "社区卫生服务中心设置康复病房"}),
    ("建成两个区域医疗中心。", {"value": 2, "unit": "个", "indicator": "建成区域医疗中心"}),
    ("设置率达到百分之百。", {"value": 100, "unit": "%"}),
    ("提高家庭医生签约率至50%。", {"value": 50, "comparator": ">=", "indicator": "家庭医生签约率"}),
    ("降低药占比到30%。", {"value": 30, "comparator": "<=", "indicator": "药占比"}),
    ("每千人口医疗卫生机构床位数达到6.5张。", {"value": 6.5, "unit": "张", "scope": None,
                                    "indicator": "每千人口医疗卫生机构床位数"}),
    ("每万人口全科医生数达到5名。", {"scope": None, "indicator": "每万人口全科医生数"}),
    ("1、新增3家护理院。", {"value": 3, "indicator": "新增护理院"}),
    ("①县域内就诊率达到90%。", {"value": 90, "indicator": "县域内就诊率"}),
])
def test_figures_as_pages_write_them(body, expected):
    row = only(body)
    for key, value in expected.items():
        assert row[key] == value, (key, row)


def test_a_figure_without_words_restates_the_indicator_of_the_sentence_before():
    rows = extract("到2023年,县域内就诊率达到90%;到2025年,达到95%。")
    assert [(r["indicator"], r["value"], r["deadline"]) for r in rows] == [
        ("县域内就诊率", 90, "2023-12-31"), ("县域内就诊率", 95, "2025-12-31")]


@pytest.mark.parametrize("body, indicators", [
    ("三级医院平均住院日控制在9天以内,二级医院控制在8天以内。", ["三级医院平均住院日", "二级医院平均住院日"]),
    ("城市居民签约率达到40%,农村居民达到50%。", ["城市居民签约率", "农村居民签约率"]),
])
def test_an_elliptical_clause_takes_the_measure_of_the_clause_before(body, indicators):
    assert [r["indicator"] for r in extract(body)] == indicators


def test_a_part_introduced_by_qizhong_is_a_target_of_its_own():
    rows = extract("到2025年,全市千人口床位数达到7.2张,其中公立医院床位数5.5张。")
    assert [(r["indicator"], r["comparator"], r["value"], r["deadline"]) for r in rows] == [
        ("千人口床位数", ">=", 7.2, "2025-12-31"), ("公立医院床位数", "=", 5.5, "2025-12-31")]
    rows = extract("培养全科医生1000名,其中订单定向医学生200名。")
    assert [(r["indicator"], r["value"]) for r in rows] == [("培养全科医生", 1000), ("培养订单定向医学生", 200)]
    assert extract("其中,2019年已完成80%。") == []


def test_a_percent_before_a_range_sign_and_points_after_it_are_two_figures():
    found = [(f.value, f.value_max, f.unit) for f in figures.find_figures(figures.fold("增长5%-8个百分点"))]
    assert found == [(5, None, "%"), (8, None, "个百分点")]


def test_a_rate_whose_percent_sign_was_lost_is_read_as_percent_and_reported():
    text = HEAD + "门诊预约诊疗率要达到80以上。"
    reading = targets.read("test-2020-01", text, [])
    assert [(r["indicator"], r["value"], r["unit"], r["comparator"]) for r in reading.rows] == [
        ("门诊预约诊疗率", 80, "%", ">=")]
    assert [c.kind for c in reading.changes] == ["target-unit-inferred"]
    assert only("病例组合指数达到1.2。")["unit"] is None


def test_a_scope_does_not_leak_into_a_clause_with_a_subject_of_its_own():
    rows = extract("每个家庭医生团队签约居民不超过2000人，居民满意度达到90%以上。")
    assert [(r["value"], r["scope"]) for r in rows] == [(2000, "每个家庭医生团队"), (90, None)]
    rows = extract("每个区至少建设1所医院，新增床位2000张。")
    assert [(r["value"], r["scope"]) for r in rows] == [(1, "每个区"), (2000, None)]
    rows = extract("各市、区人民政府要落实主体责任，人员支出占比达到45%以上。")
    assert [(r["value"], r["scope"]) for r in rows] == [(45, None)]


def test_achievements_are_not_targets():
    body = "“十三五”期间，基层诊疗量占比已达到55%，签约覆盖率达到40%。到2025年，基层诊疗量占比达到65%。"
    assert [(r["value"], r["deadline"]) for r in extract(body)] == [(65, "2025-12-31")]
    assert extract("截至2019年底，全市建成社区医院12家。") == []


def test_a_figure_in_a_headline_and_again_in_the_body_gives_two_rows():
    rows = extract("（一）建设两个区域医疗中心。到2023年底，建成两个区域医疗中心。")
    assert [(r["value"], r["deadline"]) for r in rows] == [(2, None), (2, "2023-12-31")]
    assert rows[0]["quote"] != rows[1]["quote"]


def test_target_ids_keep_their_pattern_however_many_targets():
    rows = extract("新增3家护理院。\n" * 1005)
    assert len(rows) == 1005 and rows[-1]["target_id"] == "test-2020-01:t1005"
    pattern = re.compile(metadata.fields()["target_id"]["constraints"]["pattern"])
    assert all(pattern.fullmatch(r["target_id"]) for r in rows)
