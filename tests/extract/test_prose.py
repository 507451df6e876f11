"""Responsibilities written as prose, and bodies named by function and level (collective bodies)."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from yigai import divisions
from yigai.extract import agencies, collectives, prose, tasks
from yigai.registry import Registry

PLAN = "test-2021-01"
PROVINCE = divisions.get("410000")     # 河南省
CITY = divisions.get("410100")         # 郑州市
COUNTY = divisions.get("410122")       # 中牟县


def bodies(prose_text: str, jurisdiction=PROVINCE) -> dict[str, tuple[str, str, bool]]:
    """agency_id → (role, mention, flagged) of the one task holding `prose_text`."""
    text = f"某方案\n\n一、任务\n\n（一）甲事。{prose_text}\n"
    rows = tasks.run(PLAN, text, 0)
    result = agencies.run(PLAN, text, rows, jurisdiction, Registry())
    out = {}
    for row in result.rows:
        assert text[row["char_start"]:row["char_end"]] == row["mention"]
        assert row["task_id"] == f"{PLAN}:1.1" and row["rule"] == "prose"
        out[row["agency_id"]] = (row["role"], row["mention"], row["flagged"])
    return out


@pytest.mark.parametrize("sentence, expected", [
    # X负责 / X牵头 / X统筹: a stated lead
    ("省卫生健康委负责制定标准。", {"410000-health": ("lead", "省卫生健康委", False)}),
    ("省医保局牵头，省财政厅、省卫生健康委配合。", {"410000-healthcare-security": ("lead", "省医保局", False),
                                         "410000-finance": ("co", "省财政厅", False),
                                         "410000-health": ("co", "省卫生健康委", False)}),
    # X会同Y: X leads, Y shares
    ("省卫生健康委负责制定标准，省发展改革委、省财政厅给予支持。", {
        "410000-health": ("lead", "省卫生健康委", False), "410000-development-reform": ("co", "省发展改革委", False),
        "410000-finance": ("co", "省财政厅", False)}),
    # a list whose first body states its level lends it to a body named without one
    ("省医保局、卫生健康委负责制定办法。", {"410000-healthcare-security": ("lead", "省医保局", False),
                                 "410000-health": ("lead", "卫生健康委", False)}),
    ("省卫生健康委会同省财政厅制定办法。", {"410000-health": ("lead", "省卫生健康委", False),
                                   "410000-finance": ("co", "省财政厅", False)}),
    # 由X…: X leads; 由X牵头，会同Y…: Y shares
    ("日常工作由省卫生健康委承担。", {"410000-health": ("lead", "省卫生健康委", False)}),
    ("由省人社厅牵头，会同省卫生健康委完善评审办法。", {
        "410000-human-resources-social-security": ("lead", "省人社厅", False),
        "410000-health": ("co", "省卫生健康委", False)}),
    ("由医保部门与医共体商讨核定。", {"410000-healthcare-security-all": ("lead", "医保部门", False),
                               "410000-medical-alliance-all": ("co", "医共体", False)}),
    # X要…: the actor, lead when nobody leads explicitly (flagged)
    ("各地人民政府要加大投入。", {"410000-government-local": ("lead", "各地人民政府", True)}),
    # X是…责任主体 / X落实…责任: a stated lead
    ("县级政府是医共体建设的责任主体。", {"410000-government-counties": ("lead", "县级政府", False)}),
    ("各省辖市要落实属地管理责任。", {"410000-government-prefectures": ("lead", "各省辖市", False)}),
    # a list of bodies each with its duty: the one that coordinates leads, the others share (flagged)
    ("卫生健康部门要统筹做好协调。编制部门要合理核定编制。财政部门要落实投入政策。", {
        "410000-health-all": ("lead", "卫生健康部门", False), "410000-staffing-all": ("co", "编制部门", True),
        "410000-finance-all": ("co", "财政部门", True)}),
    # time words and fillers before the subject, adverbs after it
    ("2022年底前全省所有三级公立医院都要启动改革。", {"410000-hospital-tertiary": ("lead", "全省所有三级公立医院", True)}),
    # a list sharing its noun; alternatives joined by 或 that name no body are dropped
    ("甲乙、丙丁市三级公立医院或业务较强的医院要下沉资源。", {}),
    # institutions as collective bodies
    ("乡镇卫生院应当落实签约服务。", {"410000-primary-care-townships": ("lead", "乡镇卫生院", True)}),
    ("牵头医院根据成员单位职能，优化人员结构。", {"410000-medical-alliance-lead": ("lead", "牵头医院", True)}),
])
def test_prose_styles(sentence, expected):
    assert bodies(sentence) == expected


@pytest.mark.parametrize("label", ["（一）", "1.", "第五条 ", "①"])
def test_a_body_right_after_the_items_label_is_read(label):
    text = f"某方案\n\n第一章 任务\n\n{label}省卫生健康委要加强考核。\n"
    rows = tasks.run(PLAN, text, 0)
    result = agencies.run(PLAN, text, rows, PROVINCE, Registry())
    assert [(r["task_id"], r["agency_id"], r["role"], r["mention"]) for r in result.rows] == [
        (f"{PLAN}:1.1", "410000-health", "lead", "省卫生健康委")]


def test_a_list_of_divisions_shares_its_suffix_and_names_their_governments():
    found = bodies("郑州、开封、洛阳市要明确一个试点县。")
    assert found == {"410100-government": ("lead", "郑州", True), "410200-government": ("lead", "开封", True),
                     "410300-government": ("lead", "洛阳市", True)}
    found = bodies("郑州、洛阳市三级公立医院要下沉资源。")
    assert set(found) == {"410100-hospital-tertiary", "410300-hospital-tertiary"}


@pytest.mark.parametrize("sentence", [
    "鼓励三级医院牵头组建医联体。",            # encouragement: the hospitals are the object
    "医共体可以统筹使用资金。",                # permission, not a duty
    "医改领导小组主要负责同志要亲自部署。",      # a person
    "实行党委领导下的院长负责制。",             # 负责制 is a noun
    "医联体牵头单位、成员单位和医保基金共同分担亏损。",   # not a duty to act
    "各有关部门要按照职责分工完善政策。",         # generic
])
def test_prose_that_names_no_responsible_body(sentence):
    assert bodies(sentence) == {}


def test_an_explicit_lead_makes_the_other_actors_co():
    found = bodies("省卫生健康委牵头建立机制。各地要加强组织领导。")
    assert found == {"410000-health": ("lead", "省卫生健康委", False),
                     "410000-government-local": ("co", "各地", True)}


@pytest.mark.parametrize("mention, jurisdiction, agency_id, name", [
    ("县级政府", PROVINCE, "410000-government-counties", "河南省各县级人民政府"),
    ("各县（市、区）人民政府", PROVINCE, "410000-government-counties", "河南省各县级人民政府"),
    ("县级卫生健康行政部门", PROVINCE, "410000-health-counties", "河南省各县级卫生健康行政部门"),
    ("财政部门", PROVINCE, "410000-finance-all", "河南省各级财政部门"),
    ("各级疾控机构", PROVINCE, "410000-disease-control-all", "河南省各疾病预防控制机构"),
    ("各地", PROVINCE, "410000-government-local", "河南省各地人民政府"),
    ("各地级以上市", PROVINCE, "410000-government-prefectures", "河南省各市级人民政府"),
    ("各区人民政府", CITY, "410100-government-districts", "郑州市各区人民政府"),
    ("各区县（市）人民政府", CITY, "410100-government-counties", "郑州市各县级人民政府"),
    ("各公立医院", CITY, "410100-hospital-all", "郑州市各公立医院"),
    ("牵头医院", CITY, "410100-medical-alliance-lead", "郑州市各医疗联合体牵头医院"),
    ("二级以上医疗机构", CITY, "410100-medical-institution-secondary", "郑州市各二级及以上医疗机构"),
    ("各乡镇人民政府（街道办事处）", COUNTY, "410122-government-townships", "郑州市中牟县各乡镇人民政府"),
    ("洛阳市三级公立医院", PROVINCE, "410300-hospital-tertiary", "洛阳市各三级公立医院"),
])
def test_collective_ids_follow_the_documented_scheme(mention, jurisdiction, agency_id, name):
    found = collectives.parse(mention, jurisdiction)
    assert (found.agency_id, found.name) == (agency_id, name)
    assert found.scope in collectives.suffixes()


@pytest.mark.parametrize("mention, jurisdiction, agency_id", [
    ("市级卫生健康部门", CITY, "410100-health"),       # the plan's own level: its own body
    ("卫生健康行政部门", COUNTY, "410122-health"),      # a county has one body of each function
    ("县级人民政府", COUNTY, "410122-government"),
])
def test_a_scope_of_the_plans_own_level_names_its_own_body(mention, jurisdiction, agency_id):
    found = collectives.parse(mention, jurisdiction)
    assert found.scope is None and found.agency_id == agency_id


@pytest.mark.parametrize("mention, jurisdiction", [
    ("有关部门", PROVINCE), ("政府", PROVINCE), ("各区人民政府", PROVINCE), ("各地", COUNTY),
    ("杭州市三级公立医院", PROVINCE), ("三级财政部门", PROVINCE),
])
def test_words_that_name_no_collective(mention, jurisdiction):
    assert collectives.parse(mention, jurisdiction) is None


def test_prose_reader_is_linear_and_keeps_offsets():
    text = "省卫生健康委负责统筹。" * 2000
    mentions = prose.read_prose(text, 0, len(text), [])
    assert len(mentions) == 2000 and all(text[m.start:m.end] == m.text for m in mentions)


SUBJECT_CHARACTERS = "省市县区州局委办院中心政府部门卫生健康各级医疗机构和及与或、（）()要负责牵头探索加强建立全年底前2017 广州深圳汕头"


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=SUBJECT_CHARACTERS, max_size=24))
def test_a_subject_without_a_name_ending_names_no_body(subject):
    """The cheap test of prose._bodies drops only subjects the full reading would drop."""
    if not prose._name_endings().search(subject):
        assert prose._read_bodies(subject, 0) is None
    assert prose._bodies(subject, 0) == prose._read_bodies(subject, 0)


def test_name_endings_cover_every_body_suffix_and_division():
    endings = prose._name_endings()
    for word in ("卫生健康委", "人民政府", "三级公立医院", "各地级以上市", "杭州市", "西湖区", "市（州）"):
        assert endings.search(word[-1])


VERB_CHARACTERS = "按照职责分工负责共同给予以支持配合协助积极同参与牵头抓总单位医院人制定订统筹要应当该须组织部研究院所中心由于，"


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=VERB_CHARACTERS, max_size=40))
def test_verb_at_finds_the_verbs_verb_finds(text):
    """prose.VERB_AT (the verb words without the groups naming their kind) matches exactly where VERB does."""
    assert [m.span() for m in prose.VERB_AT.finditer(text)] == [m.span() for m in prose.VERB.finditer(text)]
    assert [m.span() for m in prose.VERB_AT.finditer(text, 0, 7)] == [m.span() for m in prose.VERB.finditer(text, 0, 7)]


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=VERB_CHARACTERS, max_size=40))
def test_co_words_written_literal_first_match_as_before(text):
    """CO distributes its leading groups ((?:A|B)C → AC|BC), which keeps the words and their priority."""
    grouped = re.compile(r"(?:按照?职责分?工?|分工|共同)负责|(?:给予|予以)(?:支持|配合|协助)|积极配合|配合|协同|协助|参与")
    assert [m.span() for m in re.finditer(prose.CO, text)] == [m.span() for m in grouped.finditer(text)]


def _plain_read_prose(text, start, end, skip):
    """read_prose as written before it split the clauses in one call: cut offsets, then one search per clause."""
    mentions, led = [], False
    skip, k = sorted(skip), 0
    cuts = [m.start() for m in prose.BOUNDARY.finditer(text, start, end)] + [end]
    chunk_start = start
    for chunk_end in cuts:
        this_start, chunk_start = chunk_start, chunk_end + 1
        while k < len(skip) and skip[k][1] <= this_start:
            k += 1
        if (k < len(skip) and skip[k][0] <= this_start) or chunk_end <= this_start:
            continue
        if not prose._name_endings().search(text, this_start, chunk_end):
            continue
        chunk = text[this_start:chunk_end]
        found = prose._read_chunk(chunk, this_start, led, prose._name_endings().search(chunk).start())
        if found:
            led = any(m.role == "lead" for m in found)
            mentions += found
    return mentions


PROSE_PIECES = ["市卫生健康委", "县医保局", "各区", "牵头", "负责", "会同", "配合", "要", "由", "制定方案", "，", "。", "；",
                "\n", "（", "）", "、", "和", "工作", "2020年底前", " ", "甲" * 90]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(PROSE_PIECES), max_size=14).map("".join), st.data())
def test_prose_reads_the_clauses_a_clause_by_clause_scan_reads(text, data):
    """read_prose (clauses split in one call) reads the clauses a scan of cut offsets reads."""
    end = data.draw(st.integers(0, len(text)))
    start = data.draw(st.integers(0, end))
    spans = data.draw(st.lists(st.tuples(st.integers(0, len(text)), st.integers(0, len(text))), max_size=3))
    skip = [(min(a, b), max(a, b)) for a, b in spans]
    assert prose.read_prose(text, start, end, skip) == _plain_read_prose(text, start, end, skip)
