"""Tables of indicators in the layouts a scraped page gives them: each row is one target."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from yigai import normalise
from yigai.extract import plans, table_layouts, targets

HEAD = ("某某省人民政府关于印发某某省卫生健康规划的通知\n\n各市人民政府：\n\n现印发给你们。\n\n某某省人民政府\n"
        "2021年3月1日\n\n某某省卫生健康规划\n\n一、主要指标\n\n")


def read(body: str, head: str = HEAD):
    """Normalise like the build (tabs and runs of spaces become one space), then read targets and report."""
    text = normalise.run(head + body, []).text
    reading = targets.read("test-2021-01", text, [], plans.run(text))
    for row in reading.rows:
        assert text[row["char_start"]:row["char_end"]] == row["quote"]
    return reading


def rows(body: str, fields=("indicator", "comparator", "value", "unit", "deadline")):
    return [tuple(r[f] for f in fields) for r in read(body).rows]


PIPE = ("序号|指标名称|单位|2020年|2025年|属性\n1|人均预期寿命|岁|77.6|≥78.6|预期性\n2|婴儿死亡率|‰|4.1|<5|约束性\n"
        "3|孕产妇死亡率|1/10万|11.5|≤12|约束性\n4|床位数|张|6.9|7.5-8.0|预期性\n5|体育锻炼人数比例|%|36.5|>60|预期性\n")


def test_pipe_separated_rows_with_a_unit_column_and_year_columns():
    assert rows(PIPE) == [("人均预期寿命", ">=", 78.6, "岁", "2025-12-31"), ("婴儿死亡率", "<", 5, "‰", "2025-12-31"),
                          ("孕产妇死亡率", "<=", 12, "/10万", "2025-12-31"), ("床位数", "range", 7.5, "张", "2025-12-31"),
                          ("体育锻炼人数比例", ">", 60, "%", "2025-12-31")]
    assert read(PIPE).rows[3]["value_max"] == 8.0


def test_tab_separated_rows_with_category_cells_merged_into_the_first_row_of_their_group():
    body = ("类别\t指标\t单位\t目标值\n服务体系\t社区医院数量\t家\t60\n\t达标率\t%\t≥50\n服务能力\t县域内就诊率\t%\t90以上\n"
            "\t基层诊疗量占比\t%\t65\n\n到2025年完成。\n")
    assert rows(body, ("indicator", "comparator", "value", "unit")) == [
        ("社区医院数量", "=", 60, "家"), ("达标率", ">=", 50, "%"), ("县域内就诊率", ">=", 90, "%"),
        ("基层诊疗量占比", "=", 65, "%")]


def test_space_separated_rows_with_a_header_over_two_lines():
    body = ("序号  指标名称        计量单位   2023年    2024年\n                              完成值    目标值\n"
            "1     孕产妇死亡率    1/10万     9.8       ≤10\n2     5岁以下儿童死亡率   ‰    4.1       ≤6\n")
    assert rows(body) == [("孕产妇死亡率", "<=", 10, "/10万", "2024-12-31"), ("5岁以下儿童死亡率", "<=", 6, "‰", "2024-12-31")]


def test_a_header_that_wrapped_onto_the_next_line():
    body = "序号 | 指标名称 | 单位 |\n2020年现状 | 2025年目标 | 属性\n1 | 平均住院日 | 天 | 7.8 | ≤7.5 | 预期性\n"
    assert rows(body) == [("平均住院日", "<=", 7.5, "天", "2025-12-31")]


def test_markdown_table_with_units_in_the_names_and_the_period_above():
    body = ("到2025年，主要指标如下：\n\n| 指标 | 目标值 |\n|---|---|\n| 每千人口床位数（张/千人） | 8.5 |\n"
            "| 医护比（1：X） | 1：1.3 |\n| 服务收入占比（%） | 35以上 |\n| 门诊量（万人次） | 12 |\n")
    assert rows(body) == [("每千人口床位数", "=", 8.5, "张", "2025-12-31"), ("医护比", "=", 1.3, "比例", "2025-12-31"),
                          ("服务收入占比", ">=", 35, "%", "2025-12-31"), ("门诊量", "=", 120000, "人次", "2025-12-31")]


def test_interim_year_columns_are_targets_and_the_earliest_a_baseline():
    body = ("领域 指标 单位 2020年 2023年 2025年\n水平 人均预期寿命 岁 77.6 — 78\n孕产妇死亡率 /10万 16.2 ≤18 ≤16\n")
    assert rows(body, ("indicator", "value", "deadline")) == [
        ("人均预期寿命", 78, "2025-12-31"), ("孕产妇死亡率", 18, "2023-12-31"), ("孕产妇死亡率", 16, "2025-12-31")]


def test_one_cell_per_line_with_category_cells_before_their_group():
    body = "到2025年主要指标\n\n类别\n序号\n指标\n单位\n目标值\n质量\n1\n四级手术比例\n%\n≥20\n2\n平均住院日\n天\n≤8\n" \
           "效率\n3\n管理费用占比\n%\n≤10\n\n二、保障措施\n"
    assert rows(body) == [("四级手术比例", ">=", 20, "%", "2025-12-31"), ("平均住院日", "<=", 8, "天", "2025-12-31"),
                          ("管理费用占比", "<=", 10, "%", "2025-12-31")]


def test_a_value_that_is_not_a_number_gives_no_target_but_a_report():
    reading = read("指标名称|单位|2025年\n医疗服务收入占比|%|达到省定标准\n县域内就诊率|%|90\n空缺项|%|—\n")
    assert [(r["indicator"], r["value"]) for r in reading.rows] == [("县域内就诊率", 90)]
    assert [(c.kind, c.original) for c in reading.changes] == [("target-not-numeric", "达到省定标准")]


def test_a_rate_without_any_unit_is_a_percentage_and_reported():
    reading = read("指标|2025年\n门诊预约诊疗率|80\n病例组合指数|1.2\n")
    assert [(r["indicator"], r["unit"]) for r in reading.rows] == [("门诊预约诊疗率", "%"), ("病例组合指数", None)]
    assert [c.kind for c in reading.changes] == ["target-unit-inferred"]


@pytest.mark.parametrize("cell, expected", [
    ("≥95", (">=", 95, None)), ("<6", ("<", 6, None)), ("＞60", (">", 60, None)), ("80", ("=", 80, None)),
    ("3.1", ("=", 3.1, None)), ("10-12", ("range", 10, 12)), ("78左右", ("=", 78, None)), ("90%以上", (">=", 90, None)),
    ("力争每年降低0.5个百分点以上", (">=", 0.5, None)),
])
def test_value_cells(cell, expected):
    value = table_layouts.parse_value(cell)
    assert (value.comparator, value.figure.value, value.figure.value_max) == expected


@pytest.mark.parametrize("written, expected", [
    ("%", ("%", 1.0, None)), ("‰", ("‰", 1.0, None)), ("1/10万", ("/10万", 1.0, None)), ("张/千人", ("张", 1.0, "千人")),
    ("万人次", ("人次", 10000.0, None)), ("1：X", ("比例", 1.0, None)), ("岁", ("岁", 1.0, None)), ("公里", None),
])
def test_units_as_written_in_a_unit_column(written, expected):
    assert table_layouts.parse_unit(written) == expected


def test_prose_around_a_table_is_still_read_and_the_table_is_not_read_twice():
    body = PIPE + "\n二、重点任务\n\n到2025年，新建3家社区医院。\n"
    found = rows(body, ("indicator", "value"))
    assert found[-1] == ("新建社区医院", 3) and len(found) == 6




HEADER_CELLS = ["指标", "指标名称", "序号", "单位", "目标值", "2025年", "基期值", "属性", "备注",
                "主要指标主要指标主要指标主要指标名称"]  # the last is longer than a header cell
ROW_CELLS = ["人均预期寿命", "岁", "79", "≥95", "预期性", "1", "—", "基层医疗卫生机构诊疗量占比"]
SEPARATORS = [" ", "  ", "\t", "\u3000", " | ", "｜", "\n"]  # "\n": one cell per line


@st.composite
def table_lines(draw):
    """Lines of a table in some layout (header cells, then rows), maybe with prose before it."""
    width = draw(st.integers(2, 4))
    separator = draw(st.sampled_from(SEPARATORS))
    rows = [draw(st.lists(st.sampled_from(HEADER_CELLS), min_size=width, max_size=width))]
    rows += draw(st.lists(st.lists(st.sampled_from(ROW_CELLS), min_size=width, max_size=width), max_size=3))
    lead = draw(st.lists(st.sampled_from(["到2025年主要指标如下:", "一、主要指标", "指标"]), max_size=2))
    return lead + [line for row in rows for line in separator.join(row).split("\n")]


@settings(max_examples=500, deadline=None)
@given(table_lines())
def test_a_line_without_spaces_early_opens_no_spaced_header(texts):
    # _line_table rules out a line split at spaces with no run of spaces within a header cell's length: reading
    # its cells would find no header.
    text = "\n".join(texts)
    for line in table_layouts.lines_of(text, 0):
        if table_layouts._delimiter(line) is table_layouts.SPACE and \
                not table_layouts.SPACE.search(line.text, 0, table_layouts.MAX_HEADER_CELL + 1):
            cells = table_layouts._cells(line, table_layouts.SPACE)
            assert len(cells) < 2 or table_layouts._header(cells) is None
