"""Tests for reading a plan body into tasks: outline tree, headings, deadlines, domains, annex tables."""

from __future__ import annotations

import re

import expectations
import pytest
from factories import SOURCES, flattened_table, label, outline_plan, real_plan
from hypothesis import given, settings
from hypothesis import strategies as st

from yigai.extract import outline, tasks

PLAN = "test-2020-01"


def run(plan):
    return tasks.run(PLAN, plan.text, plan.body_start)


# --- invented plans -------------------------------------------------------------------------------------------


def test_outline_paths_parents_and_labels():
    plan = outline_plan([[2, 0], [1]])
    rows = run(plan)
    assert [r["path"] for r in rows] == ["1", "1.1", "1.1.1", "1.1.2", "1.2", "2", "2.1", "2.1.1"]
    assert [r["label"] for r in rows] == plan.labels
    by_path = {r["path"]: r for r in rows}
    assert by_path["1.1.2"]["parent_task_id"] == f"{PLAN}:1.1"
    assert by_path["1"]["parent_task_id"] is None
    assert by_path["1.1.2"]["depth"] == 3 and by_path["1.1.2"]["position"] == 2
    assert by_path["1"]["heading"] == "第1部分任务"
    assert by_path["1"]["text"] == "第1部分任务\n本部分说明第1项工作。"
    assert by_path["1.1.1"]["heading"] == "完善第1项机制"
    # the target paragraph after a sub-item is part of its text
    assert by_path["1.1.1"]["text"].endswith("到2025年底,覆盖率达到90%。")
    assert by_path["1.1.1"]["deadline"] == "2025-12-31"


@pytest.mark.parametrize("styles", [("dun", "fullparen", "wide"), ("dun", "paren", "comma"), ("paren", "dot", "dun")])
def test_every_numbering_style_nests_by_first_appearance(styles):
    plan = outline_plan([[1, 1], [2]], styles=styles)
    rows = run(plan)
    assert [r["depth"] for r in rows] == [1, 2, 3, 2, 3, 1, 2, 3, 3]
    assert [r["label"] for r in rows] == plan.labels


def test_misnumbered_labels_get_paths_by_order():
    # items numbered continuously across sections, one number repeated: paths still count order within the parent
    text = ("某方案\n\n一、甲\n\n(一)做甲事。内容。\n\n(二)做乙事。内容。\n\n二、乙\n\n(三)做丙事。内容。\n\n"
            "(三)做丁事。内容。\n")
    rows = tasks.run(PLAN, text, 0)
    assert [(r["path"], r["label"]) for r in rows] == [
        ("1", "一、"), ("1.1", "(一)"), ("1.2", "(二)"), ("2", "二、"), ("2.1", "(三)"), ("2.2", "(三)")]


def test_notice_before_body_start_is_not_outline():
    text = "关于印发的通知\n\n一、这是通知里的话\n\n某方案\n\n一、目标\n\n内容。\n"
    rows = tasks.run(PLAN, text, text.index("某方案"))
    assert [r["heading"] for r in rows] == ["目标"]


def test_heading_is_a_short_run_in_phrase_only():
    assert tasks.heading_of("建立现代医院管理制度。实行政事分开。") == "建立现代医院管理制度"
    assert tasks.heading_of("构建全市“一张网”") == "构建全市“一张网”"
    assert tasks.heading_of("2019年全面推开县域紧密型医共体建设，完成平台框架搭建工作。") is None
    assert tasks.heading_of("到2025年底,全市培养100名以上骨干。") is None


def test_closing_paragraph_and_annex_marker_end_the_outline():
    text = "某方案\n\n一、目标\n\n(一)甲事。内容。\n\n各区各单位要高度重视,抓好落实。\n\n附件:分解表\n"
    rows = tasks.run(PLAN, text, 0)
    assert rows[-1]["text"] == "甲事。内容。"
    text = "某方案\n\n一、目标\n\n(一)甲事。内容。\n\n附件:分解表\n\n说明文字。\n"
    assert tasks.run(PLAN, text, 0)[-1]["text"] == "甲事。内容。"


def test_a_call_on_every_addressee_under_a_bare_last_heading_is_that_sections_text():
    text = "某方案\n\n一、目标\n\n(一)甲事。内容。\n\n二、保障措施\n\n各地要加强组织领导。\n\n本方案自印发之日起实施。\n"
    rows = tasks.run(PLAN, text, 0)
    assert rows[-1]["path"] == "2" and rows[-1]["text"] == "保障措施\n各地要加强组织领导。"


def test_misnumbered_continuation_is_merged_and_reported():
    text = ("某方案\n\n一、任务\n\n1.甲工程。做甲。\n\n到2025年底,完成甲。(责任单位:区卫计局)\n\n2.乙工程。做乙。\n\n"
            "3.到2025年底,完成乙。(责任单位:区财政局)\n\n4.丙工程。做丙。\n\n到2025年底,完成丙。\n")
    rows = tasks.run(PLAN, text, 0)
    assert [(r["path"], r["label"]) for r in rows] == [("1", "一、"), ("1.1", "1."), ("1.2", "2."), ("1.3", "4.")]
    second = rows[2]
    assert second["text"].endswith("3.到2025年底,完成乙。(责任单位:区财政局)")
    assert text[second["char_start"]:second["char_end"]].endswith("(责任单位:区财政局)")
    assert second["deadline"] == "2025-12-31"
    (change,) = second["_changes"]
    assert change.kind == "outline-continuation" and change.status == "flagged"
    assert text[change.char_start:change.char_end].startswith("3.到2025年底")


def test_items_without_headings_are_not_merged():
    text = "某方案\n\n一、目标\n\n1.2019年全面推开,完成搭建。\n\n2.到2020年,优化完善。\n\n3.到2021年,全面建立。\n"
    rows = tasks.run(PLAN, text, 0)
    assert [r["path"] for r in rows] == ["1", "1.1", "1.2", "1.3"]
    assert not any("_changes" in r for r in rows)


def test_flattened_table_rows_become_annex_tasks():
    table = flattened_table([("成立办公室", ["区卫计局", "区编委办"], "2017年6月"),
                             ("建立制度,完善考核", ["区卫计局", "区财政局", "区人力社保局"], "2017年底前"),
                             ("制定方案", ["区卫计局", "区财政局", "区卫计局"], "长期坚持")])
    text = "某方案\n\n一、目标\n\n内容。\n\n" + table
    rows = tasks.run(PLAN, text, 0)
    annex = [r for r in rows if r["path"].startswith("A")]
    assert [r["path"] for r in annex] == ["A1.1", "A1.2", "A1.3"]
    assert [r["label"] for r in annex] == ["1", "2", "3"]
    assert [r["text"] for r in annex] == ["成立办公室", "建立制度,完善考核", "制定方案"]
    assert [r["deadline"] for r in annex] == ["2017-06-30", "2017-12-31", None]
    assert annex[1]["deadline_text"] == "2017年底前"
    assert all(r["parent_task_id"] is None and r["depth"] == 1 for r in annex)
    assert rows[0]["text"] == "目标\n内容。"        # the annex is not swallowed by the last outline item
    first = annex[0]
    assert text[first["char_start"]:first["char_end"]].split() == ["1", "成立办公室", "区卫计局", "区编委办", "2017年6月"]


ROW_TABLES = {
    "tabs": ("序号\t工作任务\t牵头单位\t配合单位\t完成时限\n"
             "1\t推进医共体建设，县域就诊率达到90%以上\t区卫计局\t区财政局、区医保局\t2024年12月底\n"
             "2\t落实集采结果\t区医保局\t区卫计局\t2024年10月底\n"),
    "pipes": ("| 序号 | 重点任务 | 牵头单位 | 配合单位 | 完成时间 |\n| --- | --- | --- | --- | --- |\n"
              "| 1 | 推进医共体建设，县域就诊率达到90%以上 | 区卫计局 | 区财政局、区医保局 | 2024年12月底 |\n"
              "| 2 | 落实集采结果 | 区医保局 | 区卫计局 | 2024年10月底 |\n"),
    "spaces": ("序号　　工作任务　　牵头单位　　配合单位　　完成时限\n"
               "1　　推进医共体建设，县域就诊率达到90%以上　　区卫计局　　区财政局、区医保局　　2024年12月底\n"
               "2　　落实集采结果　　区医保局　　区卫计局　　2024年10月底\n"),
}


@pytest.mark.parametrize("layout", sorted(ROW_TABLES))
def test_a_table_of_tasks_with_one_row_per_line_gives_annex_tasks(layout):
    text = "某方案\n\n一、目标\n\n内容。\n\n附表\n\n" + ROW_TABLES[layout] + "\n本方案自印发之日起实施。\n"
    rows = tasks.run(PLAN, text, 0)
    annex = [r for r in rows if r["path"].startswith("A")]
    assert [r["path"] for r in annex] == ["A1.1", "A1.2"]
    assert [r["text"] for r in annex] == ["推进医共体建设，县域就诊率达到90%以上", "落实集采结果"]
    assert [r["deadline"] for r in annex] == ["2024-12-31", "2024-10-31"]
    assert rows[0]["text"] == "目标\n内容。"


def test_a_row_table_header_ends_the_outline_without_an_annex_marker():
    text = "某方案\n\n一、目标\n\n内容。\n\n" + ROW_TABLES["tabs"]
    rows = tasks.run(PLAN, text, 0)
    assert rows[0]["text"] == "目标\n内容。"
    assert [r["path"] for r in rows] == ["1", "A1.1", "A1.2"]


def test_articles_nest_under_chapters():
    text = "某方案\n\n第一章 总体目标\n\n第一条 目标。\n\n第二章 重点任务\n\n第二条 甲事。\n\n第三条 乙事。\n"
    rows = tasks.run(PLAN, text, 0)
    assert [(r["path"], r["label"]) for r in rows] == [("1", "第一章"), ("1.1", "第一条"), ("2", "第二章"),
                                                       ("2.1", "第二条"), ("2.2", "第三条")]


def test_table_needs_a_known_header():
    assert outline.find_tables("序号\n\n名称\n\n数量\n\n1\n\n甲\n\n2\n") == []


def test_table_with_extra_columns():
    table = flattened_table([("改革支付方式", "推行按病种付费", ["区医保局", "区卫健局"], "2019年底")],
                            columns=("序号", "重点任务", "具体措施", "牵头单位", "配合单位", "完成时限"))
    rows = tasks.run(PLAN, "某方案\n\n一、目标\n\n内容。\n\n" + table, 0)
    (row,) = [r for r in rows if r["path"].startswith("A")]
    assert (row["text"], row["deadline"]) == ("改革支付方式", "2019-12-31")


def test_deadline_inside_responsibility_clause_is_ignored():
    text = "某方案\n\n一、目标\n\n(一)甲事。内容。(牵头单位:2030年工作专班)\n"
    assert tasks.run(PLAN, text, 0)[-1]["deadline"] is None


def test_domain_rules():
    assert tasks.domain_of("改革医保支付方式", "推进按病种付费。") == "medical-insurance"
    assert tasks.domain_of("加强组织领导", "成立领导小组。") == "governance"
    assert tasks.domain_of("其他", "做好工作。") is None
    # the heading outweighs a single keyword in the text
    assert tasks.domain_of("发展中医药", "支持医保。") == "traditional-medicine"


_KEYWORDS = sorted({keyword for _, keywords in tasks._domain_rules()[1] for keyword in keywords})


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(_KEYWORDS + ["医", "疗", "，", "\n", "推进", "保"]), max_size=12),
       st.one_of(st.none(), st.lists(st.sampled_from(_KEYWORDS + ["医", "加强"]), max_size=4).map("".join)))
def test_domain_is_the_best_score_of_every_keyword_counted(body_pieces, heading):
    # the reference: every keyword of every domain counted in body and heading, no search skipped
    body = "".join(body_pieces)
    weight, rules = tasks._domain_rules()
    scores = [sum(body.count(k) + (weight * heading.count(k) if heading else 0) for k in keywords)
              for _, keywords in rules]
    best = max(scores)
    expected = rules[scores.index(best)][0] if best > 0 else None
    assert tasks.domain_of(heading, body) == expected


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(_KEYWORDS + ["医", "疗", "，", "\n", "推进", "保"]), max_size=12), st.data())
def test_domain_of_a_heading_inside_the_body_is_the_best_score_of_every_keyword_counted(body_pieces, data):
    """A run-in heading is part of the body: domain_of then searches the body alone, and scores as before."""
    body = "".join(body_pieces)
    end = data.draw(st.integers(0, len(body)))
    heading = body[data.draw(st.integers(0, end)):end]
    weight, rules = tasks._domain_rules()
    scores = [sum(body.count(k) + (weight * heading.count(k) if heading else 0) for k in keywords)
              for _, keywords in rules]
    best = max(scores)
    assert tasks.domain_of(heading, body) == (rules[scores.index(best)][0] if best > 0 else None)


# --- properties -----------------------------------------------------------------------------------------------

shapes = st.lists(st.lists(st.integers(min_value=0, max_value=3), min_size=0, max_size=4), min_size=1, max_size=4)
style_sets = st.sampled_from([("dun", "paren", "dot"), ("dun", "fullparen", "wide"), ("paren", "dot", "comma")])


def check_tree(rows, text):
    ids = {r["task_id"] for r in rows}
    assert len(ids) == len(rows)
    outline_rows = [r for r in rows if not r["path"].startswith("A")]
    for row in rows:
        assert 0 <= row["char_start"] < row["char_end"] <= len(text)
        assert text[row["char_start"]:row["char_end"]].startswith(row["label"])
        assert row["parent_task_id"] is None or row["parent_task_id"] in ids
        assert re.fullmatch(r"(A[0-9]+\.)?[0-9]+(\.[0-9]+)*", row["path"])
        if not row["path"].startswith("A"):
            assert row["depth"] == row["path"].count(".") + 1
            assert row["position"] == int(row["path"].split(".")[-1])
    for earlier, later in zip(outline_rows, outline_rows[1:]):
        assert earlier["char_end"] <= later["char_start"]


@settings(max_examples=40, deadline=None)
@given(shape=shapes, styles=style_sets)
def test_generated_outlines_are_well_formed(shape, styles):
    plan = outline_plan(shape, styles=styles)
    rows = run(plan)
    assert [r["label"] for r in rows] == plan.labels
    check_tree(rows, plan.text)


# --- the committed plans (facts about each in tests/expected/plans/<plan_id>.yml) --------------------------------

PLAN_IDS = sorted(p.name for p in SOURCES.iterdir() if (p / "raw.txt").is_file())


def outline_counts(plan) -> dict[str, int]:
    """Tasks of depth 1, 2 and 3, and annex rows."""
    rows = [t for t in plan.tasks if not t["path"].startswith("A")]
    return {"sections": sum(t["depth"] == 1 for t in rows), "items": sum(t["depth"] == 2 for t in rows),
            "subitems": sum(t["depth"] == 3 for t in rows), "annex": len(plan.tasks) - len(rows)}


@pytest.mark.plans
@pytest.mark.parametrize("plan_id", PLAN_IDS)
def test_every_plan_reads_as_a_well_formed_tree(plan_id):
    plan = real_plan(plan_id)
    check_tree(plan.tasks, plan.text)
    for task in plan.tasks:  # item labels are printed where the span says, and the text starts after them
        if not task["path"].startswith("A"):
            first = plan.text[task["char_start"] + len(task["label"]):task["char_end"]].strip()
            assert first.replace("\n", "").replace(" ", "").startswith(task["text"].split("\n")[0][:10])


@pytest.mark.parametrize("plan_id", expectations.plans_with("outline"))
def test_real_plan_structure(plan_id):
    assert outline_counts(real_plan(plan_id)) == expectations.load(plan_id)["outline"]


@pytest.mark.parametrize("plan_id", expectations.plans_with("tasks"))
def test_real_plan_rows(plan_id):
    plan = real_plan(plan_id)
    for path, spec in expectations.load(plan_id)["tasks"].items():
        assert expectations.mismatches(plan.task(path), spec) == {}, f"{plan_id} task {path}"


@pytest.mark.parametrize("plan_id", expectations.plans_with("outline_report"))
def test_real_plan_outline_report(plan_id):
    kinds = [c.kind for c in real_plan(plan_id).changes]
    for kind, count in expectations.load(plan_id)["outline_report"].items():
        assert kinds.count(kind) == count, kind


def test_label_helper_styles():
    assert label("wide", 12) == "１２." and label("paren", 11) == "(十一)" and label("dun", 20) == "二十、"


def test_a_label_opens_with_a_character_its_style_allows():
    # label_of tries only the styles whose labels can open with the line's first character: every other character
    # of the Basic Multilingual Plane, followed by what completes a label of any style, matches no style at all.
    tails = ("一、x", "1.x", "一)x", "一部分x", "一条x", "、x", ")x")
    for style, pattern in outline.LABEL_STYLES:
        allowed = outline._OPENING_CHARACTERS[style]
        for code in range(0x10000):
            character = chr(code)
            if character not in allowed:
                assert not any(pattern.match(character + tail) for tail in tails), (style, character)


def test_outline_stops_at_a_closing_signature():
    text = ("某某市深化医改实施意见\n\n一、总体目标\n到2020年,建立制度。\n\n二、保障措施\n加强组织领导。\n\n"
            "某某市人民政府\n\n2019年5月20日\n")
    rows = tasks.run(PLAN, text, 0)
    last = rows[-1]
    assert last["label"] == "二、" and last["text"] == "保障措施\n加强组织领导。"
    assert last["deadline"] is None


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="ab（）\n", min_size=0, max_size=30), st.data())
def test_blanking_from_a_later_start_is_a_suffix(text, data):
    """tasks._outline_rows reads an item's scoring text as a suffix of its blanked span (one blanking, not two)."""
    end = data.draw(st.integers(0, len(text)))
    start = data.draw(st.integers(0, end))
    later = data.draw(st.integers(start, end))
    bound = st.integers(-2, len(text) + 2)
    spans = data.draw(st.lists(st.tuples(bound, bound), max_size=5))
    assert tasks._without(text, later, end, spans) == tasks._without(text, start, end, spans)[later - start:]


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet="甲 \n\t\r\u3000一、", max_size=16), st.integers(-3, 20), st.integers(-3, 20))
def test_lines_are_the_runs_a_line_pattern_finds(text, start, end):
    """outline.lines_of (the text split at line breaks) gives the lines of the runs [^\\n]+ the regex engine finds."""
    expected = []
    for match in re.compile(r"[^\n]+").finditer(text, start, end):
        raw = match.group()
        if raw.strip():
            offset = match.start() + len(raw) - len(raw.lstrip())
            expected.append((raw.strip(), offset, offset + len(raw.strip())))
    found = outline.lines_of("".join(list(text)), start, end)   # a new text object: nothing remembered
    assert [(line.text, line.start, line.end) for line in found] == expected
