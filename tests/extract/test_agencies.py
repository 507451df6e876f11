"""Tests for reading responsibilities and resolving the bodies a plan names to canonical agencies."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import expectations
import pytest
from factories import SOURCES, flattened_table, outline_plan, real_plan
from hypothesis import given, settings
from hypothesis import strategies as st

from yigai import divisions, registry
from yigai.extract import agencies, clauses, collectives, tasks
from yigai.extract.plans import Span
from yigai.registry import Agency, Registry

PLAN = "test-2020-01"
COUNTY = divisions.get("330102")        # a county-level district: 区X means its bodies
PREFECTURE = divisions.get("330100")
PROVINCE = divisions.get("330000")


def county_registry() -> Registry:
    reg = Registry()
    for function, name, alias in (("health", "卫生健康局", "区卫健局"), ("finance", "财政局", "区财政局"),
                                  ("staffing", "机构编制委员会办公室", "区编委办")):
        reg.add(Agency(f"330102-{function}", COUNTY.full_name + name, "330102", function, [alias]))
    reg.add(Agency("330100-health", "杭州市卫生健康委员会", "330100", "health", ["市卫生健康委"]))
    return reg


def responsibilities(text: str, jurisdiction=COUNTY, reg: Registry | None = None, body_start: int = 0):
    reg = reg if reg is not None else county_registry()
    rows = tasks.run(PLAN, text, body_start)
    result = agencies.run(PLAN, text, rows, jurisdiction, reg)
    by_task: dict[str, dict[str, dict]] = {}
    for row in result.rows:
        assert text[row["char_start"]:row["char_end"]] == row["mention"]
        by_task.setdefault(row["task_id"].split(":")[1], {})[row["agency_id"]] = row
    return by_task, result, reg


def roles(rows: dict[str, dict]) -> dict[str, tuple[str, str, bool]]:
    return {agency: (row["role"], row["rule"], row["flagged"]) for agency, row in rows.items()}


def item(clause: str, prose: str = "做好工作。") -> str:
    return f"某方案\n\n一、任务\n\n(一)甲事。{prose}{clause}\n"


# --- clause styles --------------------------------------------------------------------------------------------


def test_labelled_clause():
    by_task, result, _ = responsibilities(item("(牵头单位:区卫健局,相关责任单位:区财政局、区编委办)"))
    assert roles(by_task["1.1"]) == {"330102-health": ("lead", "labelled-lead", False),
                                     "330102-finance": ("co", "labelled-co", False),
                                     "330102-staffing": ("co", "labelled-co", False)}
    assert result.changes == []


def test_lead_verb_and_shared_duty_with_trimming():
    by_task, _, _ = responsibilities(item("(区卫健局牵头,区财政局、区编委办等部门按职责分工负责)"))
    assert roles(by_task["1.1"]) == {"330102-health": ("lead", "lead-verb", False),
                                     "330102-finance": ("co", "shared-duty", False),
                                     "330102-staffing": ("co", "shared-duty", False)}
    assert by_task["1.1"]["330102-staffing"]["mention"] == "区编委办"


@pytest.mark.parametrize("brackets", ["（）", "〔〕"])
def test_a_clause_holding_bracketed_words_names_every_body(brackets):
    opening, closing = brackets
    by_task, _, _ = responsibilities(item(f"（责任单位：区卫健局、区财政局，各街道{opening}镇、乡{closing}）"),
                                     jurisdiction=COUNTY, reg=county_registry())
    found = {agency: (row["role"], row["mention"]) for agency, row in by_task["1.1"].items()}
    assert found == {"330102-health": ("lead", "区卫健局"), "330102-finance": ("co", "区财政局"),
                     "330102-government-townships": ("co", f"各街道{opening}镇、乡{closing}")}


@pytest.mark.parametrize("gap", [" ", "\u3000\u3000", "  "])
def test_two_labels_on_one_line_are_two_roles(gap):
    text = f"某方案\n\n一、任务\n\n(一)甲事。做好工作。\n牵头单位：区卫健局{gap}配合单位：区财政局、区编委办\n"
    by_task, _, _ = responsibilities(text)
    assert roles(by_task["1.1"]) == {"330102-health": ("lead", "labelled-lead", False),
                                     "330102-finance": ("co", "labelled-co", False),
                                     "330102-staffing": ("co", "labelled-co", False)}


def test_a_body_named_without_a_level_takes_the_level_of_the_list_it_is_in():
    by_task, _, _ = responsibilities(item("(区卫健局牵头,区财政局、编委办配合)"))
    assert roles(by_task["1.1"]) == {"330102-health": ("lead", "lead-verb", False),
                                     "330102-finance": ("co", "shared-duty", False),
                                     "330102-staffing": ("co", "shared-duty", False)}
    assert by_task["1.1"]["330102-staffing"]["mention"] == "编委办"


def test_bodies_that_give_support_share_the_duty():
    by_task, _, _ = responsibilities(item("(区卫健局牵头,区财政局、区编委办给予支持)"))
    assert roles(by_task["1.1"]) == {"330102-health": ("lead", "lead-verb", False),
                                     "330102-finance": ("co", "shared-duty", False),
                                     "330102-staffing": ("co", "shared-duty", False)}
    assert by_task["1.1"]["330102-staffing"]["mention"] == "区编委办"


def test_a_table_of_tasks_with_one_row_per_line_gives_lead_and_co_rows():
    text = ("某方案\n\n一、任务\n\n内容。\n\n序号\t工作任务\t牵头单位\t配合单位\t完成时限\n"
            "1\t推进医共体建设\t区卫健局\t区财政局、区编委办\t2024年12月底\n")
    by_task, _, _ = responsibilities(text)
    assert roles(by_task["A1.1"]) == {"330102-health": ("lead", "annex-table", False),
                                      "330102-finance": ("co", "annex-table", False),
                                      "330102-staffing": ("co", "annex-table", False)}


def test_shared_duty_without_lead_takes_the_first_body_as_lead_flagged():
    by_task, _, _ = responsibilities(item("（区财政局、区卫健局等部门按职责分工负责）"))
    assert roles(by_task["1.1"]) == {"330102-finance": ("lead", "shared-duty", True),
                                     "330102-health": ("co", "shared-duty", True)}


def test_unlabelled_list_takes_first_as_lead_and_flags_all():
    by_task, _, _ = responsibilities(item("(责任单位:区财政局、区卫健局,区编委办)"))
    assert roles(by_task["1.1"]) == {"330102-finance": ("lead", "unlabelled-list", True),
                                     "330102-health": ("co", "unlabelled-list", True),
                                     "330102-staffing": ("co", "unlabelled-list", True)}


def test_several_leads_and_bodies_of_the_level_above():
    by_task, _, _ = responsibilities(item("(区卫健局、区财政局牵头,市卫生健康委负责)"))
    assert roles(by_task["1.1"]) == {"330102-health": ("lead", "lead-verb", False),
                                     "330102-finance": ("lead", "lead-verb", False),
                                     "330100-health": ("co", "shared-duty", False)}


def test_inherited_clause_applies_to_later_items_of_the_same_level_only():
    text = ("某方案\n\n一、任务\n\n(一)甲事。做甲。(区卫健局牵头,区财政局等按职责分工负责,以下均需区编委办负责,不再列出)\n\n"
            "1.细则。做细。(区财政局牵头)\n\n(二)乙事。做乙。(区财政局牵头)\n\n二、保障\n\n(一)丙事。做丙。\n")
    by_task, _, _ = responsibilities(text)
    assert "330102-staffing" not in by_task.get("1.1", {})          # its own clause lists it only as "以下"
    assert "330102-staffing" not in by_task.get("1.1.1", {})        # a sub-item is another level
    assert roles(by_task["1.2"])["330102-staffing"] == ("co", "inherited", False)
    assert roles(by_task["2.1"])["330102-staffing"] == ("co", "inherited", False)
    assert "2" not in by_task                                        # sections are another level
    mention = by_task["2.1"]["330102-staffing"]
    assert text[mention["char_start"]:mention["char_end"]] == "区编委办"
    assert mention["char_start"] < text.index("(二)")                # printed in the clause of (一)


def test_duplicate_body_keeps_one_row_lead_wins():
    by_task, _, _ = responsibilities(item("(牵头单位:区卫健局,相关责任单位:区财政局、区卫健局)"))
    assert roles(by_task["1.1"]) == {"330102-health": ("lead", "labelled-lead", False),
                                     "330102-finance": ("co", "labelled-co", False)}


def test_prose_roles_by_verb():
    text = item("", "区卫健局会同有关部门加强监测。区财政局要积极配合。")
    by_task, _, _ = responsibilities(text)
    assert roles(by_task["1.1"]) == {"330102-health": ("lead", "prose", False),
                                     "330102-finance": ("co", "prose", False)}
    # a body with only a modal verb: lead when nobody else leads, flagged
    by_task, _, _ = responsibilities(item("", "区财政局要抓紧建立考核体系。"))
    assert roles(by_task["1.1"]) == {"330102-finance": ("lead", "prose", True)}
    # ... and co when another body leads
    by_task, _, _ = responsibilities(item("(区卫健局牵头)", "区财政局要抓紧建立考核体系。"))
    assert roles(by_task["1.1"])["330102-finance"] == ("co", "prose", True)


def test_prose_ignores_nouns_and_non_bodies():
    text = item("", "区卫健局主要负责人兼办公室主任。鼓励三级医院牵头组建医联体。公立医院可以自主分配。"
                    "落实《党支部参与决策意见》。实行院长负责制。")
    by_task, result, _ = responsibilities(text)
    assert by_task == {} and result.changes == []


def test_generic_mentions_are_neither_rows_nor_reports():
    by_task, result, _ = responsibilities(item("(区卫健局牵头,有关部门、各相关部门、各地、其他单位等按职责分工负责)"))
    assert set(by_task["1.1"]) == {"330102-health"}
    assert result.changes == []


def test_unresolved_mention_is_reported_not_dropped():
    text = item("(牵头单位:区卫健局,相关责任单位:区某某工作专班)")
    by_task, result, _ = responsibilities(text)
    assert set(by_task["1.1"]) == {"330102-health"}
    (change,) = result.changes
    assert (change.stage, change.kind, change.status, change.original) == (
        "extract", "unresolved-agency", "flagged", "区某某工作专班")
    assert text[change.char_start:change.char_end] == "区某某工作专班"


def test_alias_rules_draft_a_missing_body_and_report_it():
    by_task, result, reg = responsibilities(item("(牵头单位:区卫计局,相关责任单位:区人力社保局、市委编办)"), reg=Registry())
    assert set(by_task["1.1"]) == {"330102-health", "330102-human-resources-social-security", "330100-staffing"}
    assert reg.agencies["330102-health"].name == COUNTY.full_name + "卫生和计划生育局"
    assert reg.agencies["330102-human-resources-social-security"].name == COUNTY.full_name + "人力资源和社会保障局"
    assert reg.agencies["330100-staffing"].name == "中共" + PREFECTURE.full_name + "委机构编制委员会办公室"
    assert [c.kind for c in result.changes] == ["draft-agency"] * 3


def test_draft_id_does_not_take_an_existing_body():
    reg = county_registry()       # holds 330102-health = 卫生健康局; a 卫计局 is another (older) body
    by_task, _, reg = responsibilities(item("(牵头单位:区卫计局)"), reg=reg)
    assert set(by_task["1.1"]) == {"330102-health-2"}
    assert reg.agencies["330102-health"].name.endswith("卫生健康局")


def test_collective_body_draft():
    by_task, result, reg = responsibilities(item("(责任单位:市卫生健康委,各区人民政府)"), jurisdiction=PREFECTURE)
    assert set(by_task["1.1"]) == {"330100-health", "330100-government-districts"}
    assert reg.agencies["330100-government-districts"].name == PREFECTURE.full_name + "各区人民政府"
    assert [c.kind for c in result.changes] == ["draft-agency"]


def test_class_phrase_of_the_plans_own_level_names_its_body_and_a_lower_level_a_collective():
    reg = Registry()
    reg.add(Agency("330000-health", "浙江省卫生健康委员会", "330000", "health", []))
    text = item("", "省级卫生健康部门要会同相关部门建立标准。县级卫生健康行政部门要加强监管。")
    by_task, result, _ = responsibilities(text, jurisdiction=PROVINCE, reg=reg)
    assert roles(by_task["1.1"]) == {"330000-health": ("lead", "prose", False),
                                     "330000-health-counties": ("co", "prose", True)}
    assert [(c.kind, c.replacement) for c in result.changes] == [("draft-agency", "浙江省各县级卫生健康行政部门")]


def test_annex_table_rows():
    table = flattened_table([("成立办公室", ["区卫健局", "区编委办"], "2017年6月"),
                             ("制定方案", ["区卫健局", "区财政局", "区卫健局"], "2017年底前")])
    by_task, _, _ = responsibilities("某方案\n\n一、目标\n\n内容。\n\n" + table)
    assert roles(by_task["A1.1"]) == {"330102-health": ("lead", "annex-table", False),
                                      "330102-staffing": ("co", "annex-table", False)}
    assert roles(by_task["A1.2"]) == {"330102-health": ("lead", "annex-table", False),
                                      "330102-finance": ("co", "annex-table", False)}


def test_annex_table_with_one_responsible_column_is_an_unlabelled_list():
    table = flattened_table([("成立办公室", ["区卫健局", "区编委办"], "2017年6月")],
                            columns=("序号", "工作任务", "责任单位", "完成时间"))
    by_task, _, _ = responsibilities("某方案\n\n一、目标\n\n内容。\n\n" + table)
    assert roles(by_task["A1.1"]) == {"330102-health": ("lead", "unlabelled-list", True),
                                      "330102-staffing": ("co", "unlabelled-list", True)}


def test_every_generated_item_gets_its_clause():
    plan = outline_plan([[2, 0], [1]], clause="(牵头单位:区卫健局,相关责任单位:区财政局)")
    by_task, result, _ = responsibilities(plan.text, body_start=plan.body_start)
    leaves = {"1.1.1", "1.1.2", "1.2", "2.1.1"}
    assert set(by_task) == leaves
    assert all(roles(by_task[p])["330102-health"] == ("lead", "labelled-lead", False) for p in leaves)
    assert result.changes == []


def test_clause_reader_offsets():
    text = "(市卫生健康委牵头,市发改委、市财政局等部门,各区人民政府等按职责分工负责)"
    mentions = clauses.read_clauses(text, 0, len(text))
    assert [(m.text, m.role, m.rule) for m in mentions] == [
        ("市卫生健康委", "lead", "lead-verb"), ("市发改委", "co", "shared-duty"), ("市财政局", "co", "shared-duty"),
        ("各区人民政府", "co", "shared-duty")]
    assert all(text[m.start:m.end] == m.text for m in mentions)


def test_resolve_issuers_still_resolves_signing_bodies():
    reg = registry.load(SOURCES / "agencies.yml")
    result = agencies.resolve_issuers([Span("温州市鹿城区人民政府", 3, 13), Span("某某委员会", 20, 25)],
                                      divisions.get("330302"), reg)
    assert [r["agency_id"] for r in result.rows] == ["330302-government"]
    assert [c.kind for c in result.changes] == ["unresolved-agency"]


# --- the registry and the committed plans (facts about each in tests/expected/plans/<plan_id>.yml) --------------

PLAN_IDS = sorted(p.name for p in Path(SOURCES).iterdir() if (p / "raw.txt").is_file())


@pytest.mark.plans
def test_registry_aliases_are_unambiguous_within_a_division():
    reg = registry.load(SOURCES / "agencies.yml")
    seen = Counter((a.admin_code, name) for a in reg.agencies.values() for name in {a.name, *a.aliases})
    assert [key for key, n in seen.items() if n > 1] == []


@pytest.mark.plans
@pytest.mark.parametrize("plan_id", PLAN_IDS)
def test_every_plan_has_well_formed_responsibilities(plan_id):
    plan = real_plan(plan_id)
    keys = [(r["task_id"], r["agency_id"]) for r in plan.rows]
    assert len(keys) == len(set(keys))
    task_ids = {t["task_id"] for t in plan.tasks}
    for row in plan.rows:
        assert row["task_id"] in task_ids
        assert plan.text[row["char_start"]:row["char_end"]] == row["mention"]
    # every task that prints a responsibility clause has a lead unless flagged
    for task in plan.tasks:
        if clauses.clause_spans(plan.text, task["char_start"], task["char_end"]):
            rows = [r for r in plan.responsibilities(task["path"]).values() if r["rule"] != "inherited"]
            assert not rows or any(r["role"] == "lead" for r in rows) or all(r["flagged"] for r in rows)


@pytest.mark.parametrize("plan_id", expectations.plans_with("every_body_resolved"))
def test_reviewed_plans_resolve_every_body_from_the_registry(plan_id):
    plan = real_plan(plan_id)
    assert [c for c in plan.changes if c.kind in ("unresolved-agency", "draft-agency")] == []
    for task in plan.tasks:  # every body of a responsibility clause is resolved: the task has rows
        if clauses.clause_spans(plan.text, task["char_start"], task["char_end"]):
            assert [r for r in plan.responsibilities(task["path"]).values() if r["rule"] != "inherited"], \
                task["task_id"]


def responsibility_mismatches(plan, path: str, spec: dict) -> list[str]:
    """What differs between a task's responsibility rows and what the expectation file states."""
    found = plan.responsibilities(path)
    triples = {a: [r["role"], r["rule"], r["flagged"]] for a, r in found.items()}
    problems = []
    if "exact" in spec and triples != {a: list(t) for a, t in spec["exact"].items()}:
        problems.append(f"exact: {triples} != {spec['exact']}")
    for agency_id, want in (spec.get("include") or {}).items():
        if agency_id not in found:
            problems.append(f"{agency_id} missing")
        elif isinstance(want, list) and triples[agency_id] != want:
            problems.append(f"{agency_id}: {triples[agency_id]} != {want}")
        elif isinstance(want, dict) and expectations.mismatches(found[agency_id], want):
            problems.append(f"{agency_id}: {expectations.mismatches(found[agency_id], want)}")
    if "lead" in spec and sorted(a for a, r in found.items() if r["role"] == "lead") != sorted(spec["lead"]):
        problems.append(f"leads {sorted(a for a, r in found.items() if r['role'] == 'lead')} != {spec['lead']}")
    return problems


@pytest.mark.parametrize("plan_id", expectations.plans_with("responsibilities"))
def test_real_plan_responsibilities(plan_id):
    plan = real_plan(plan_id)
    for path, spec in expectations.load(plan_id)["responsibilities"].items():
        assert responsibility_mismatches(plan, path, spec) == [], f"{plan_id} task {path}"


@pytest.mark.parametrize(("clause", "expected"), [
    ("(区卫健局负责)", {"330102-health": ("lead", "lead-verb", False)}),
    ("(区卫健局牵头,区财政局负责)", {"330102-health": ("lead", "lead-verb", False),
                                    "330102-finance": ("co", "shared-duty", False)}),
    ("(牵头单位:区卫健局;责任单位:区财政局)", {"330102-health": ("lead", "labelled-lead", False),
                                         "330102-finance": ("co", "labelled-co", False)}),
    ("(责任单位:区财政局牵头,区卫健局)", {"330102-finance": ("lead", "lead-verb", False),
                                   "330102-health": ("co", "labelled-co", False)}),
    ("(区卫健局牵头,区财政局)", {"330102-health": ("lead", "lead-verb", False),
                             "330102-finance": ("co", "shared-duty", True)}),
    ("(区卫健局、区财政局)", {}),   # no cue word: an ordinary bracket, not a responsibility clause
])
def test_mixed_clause_styles(clause, expected):
    by_task, _, _ = responsibilities(item(clause))
    assert roles(by_task.get("1.1", {})) == expected


FRAGMENTS = ["一、", "(一)", "（二）", "1.", "２.", "3、", "序号", "工作任务", "牵头部门", "完成时间", "1", "2", "\n", "\n\n",
             "。", ",", "、", "(", ")", "牵头单位:", "相关责任单位:", "责任单位:", "区卫健局", "市卫生健康委", "省级卫生健康部门",
             "各区人民政府", "有关部门", "牵头", "等部门按职责分工负责", "以下均需", "不再列出", "要", "会同", "配合",
             "到2025年底", "2017年6月", "年内", "附件:", "本方案自印发之日起实施", "某项工作", "《办法》"]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(FRAGMENTS), max_size=60), st.sampled_from([COUNTY, PREFECTURE, PROVINCE]))
def test_odd_input_never_breaks_the_stages(pieces, jurisdiction):
    text = "".join(pieces)
    rows = tasks.run(PLAN, text, 0)
    result = agencies.run(PLAN, text, rows, jurisdiction, county_registry())
    task_ids = {r["task_id"] for r in rows}
    assert len(task_ids) == len(rows)
    keys = [(r["task_id"], r["agency_id"]) for r in result.rows]
    assert len(keys) == len(set(keys)) and all(r["task_id"] in task_ids for r in result.rows)
    for row in result.rows:
        assert text[row["char_start"]:row["char_end"]] == row["mention"]
    for change in result.changes:
        assert change.char_start is None or text[change.char_start:change.char_end] == change.original


def test_signers_missing_from_the_registry_are_drafted_and_reported():
    known = registry.Registry()
    span = Span("成都市人民政府办公厅", 10, 20)
    result = agencies.resolve_issuers([span], divisions.get("510100"), known)
    assert result.rows == [{"position": 1, "agency_id": "510100-government-office", "mention": "成都市人民政府办公厅",
                            "char_start": 10, "char_end": 20}]
    assert [c.kind for c in result.changes] == ["draft-agency"]
    assert known.agencies["510100-government-office"].name == "成都市人民政府办公厅"


def test_a_signer_that_is_no_body_is_reported_not_dropped():
    result = agencies.resolve_issuers([Span("某某工作室", 0, 5)], divisions.get("510100"), registry.Registry())
    assert result.rows == []
    assert [c.kind for c in result.changes] == ["unresolved-agency"]


def test_clause_spans_are_those_of_the_text_given_whatever_was_read_before():
    first = "一、做好保障(牵头单位:市卫生健康委)。\n责任单位：市医保局、市财政局\n"
    second = "".join(["二、强化监管(市场监管局牵头,各区配合)。\n", "责任单位：市医保局\n"])  # a new text object
    spans = clauses.clause_spans(first, 0, len(first))
    assert spans == [(6, 19), (20, 36)]
    spans.append((0, 1))  # the caller's list is its own
    assert clauses.clause_spans(first, 0, len(first)) == [(6, 19), (20, 36)]
    assert clauses.clause_spans(second, 0, len(second)) == [(6, 20), (21, 32)]
    assert clauses.clause_spans(first, 0, 10) == []


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(["\n", "责任单位", "牵头部门", "：", ":", " ", "甲", "乙乙"]), max_size=16).map("".join),
       st.data())
def test_label_lines_found_from_their_line_break_are_the_label_lines(text, data):
    """clauses.clause_spans scans for LABEL_LINE_BREAK from start - 1: the same lines as LABEL_LINE from start."""
    end = data.draw(st.integers(0, len(text)))
    start = data.draw(st.integers(0, end))
    expected = [m.span() for m in clauses.LABEL_LINE.finditer(text, start, end)]
    found = [(m.start() + 1, m.end()) for m in clauses.LABEL_LINE_BREAK.finditer(text, max(start - 1, 0), end)]
    assert found == expected


_WORDS = st.sampled_from(["市卫生健康委", "卫生健康委", "市医保局", "医保局", "财政局", "市财政局", "人民政府"])
_CODES = st.sampled_from(["510000", "510100", "510104", "330000"])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(_WORDS, _CODES, st.lists(_WORDS, max_size=3)), max_size=8), _WORDS,
       st.lists(_CODES, max_size=5))
def test_the_lookup_index_answers_as_the_registry_does(bodies, word, codes):
    """agencies.Lookup gives what Registry.by_name and Registry.by_alias give (same body, not just an equal one)."""
    known = Registry()
    for i, (name, code, aliases) in enumerate(bodies):
        known.add(Agency(f"{code}-health-{i}", name, code, "health", aliases))
    lookup = agencies.Lookup(known)
    assert lookup.by_name(word) is known.by_name(word)
    assert lookup.by_alias(word, codes) is known.by_alias(word, codes)


def test_the_lookup_index_follows_the_registry_once_refreshed():
    known = Registry()
    lookup = agencies.Lookup(known)
    body = known.add(Agency("510100-health", "成都市卫生健康部门", "510100", "health", []))
    lookup.refresh()
    assert lookup.by_name("成都市卫生健康部门") is body
    body.name = "成都市卫生健康委员会"
    body.aliases.append("市卫健委")
    lookup.refresh()
    assert lookup.by_name("成都市卫生健康部门") is None
    assert lookup.by_alias("市卫健委", ["510100"]) is body


def _plain_longest(words, text):
    best = None
    for word in words:
        if text.startswith(word) and (best is None or len(word) > len(best)):
            best = word
    return best


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(["scopes", "prefecture_counties"]), st.data())
def test_the_longest_scope_word_is_the_one_a_plain_scan_finds(kind, data):
    """collectives._longest (one set lookup per word length) gives the longest word a scan of every word gives."""
    table = collectives.rules()
    words = list(table.scopes) if kind == "scopes" else list(table.prefecture_counties)
    pieces = st.sampled_from(words + ["各", "县", "市", "区", "（", "级", "卫生健康部门", ""])
    text = "".join(data.draw(st.lists(pieces, max_size=4)))
    assert collectives._longest(kind, text) == _plain_longest(words, text)


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet="甲乙、/（(〔[【）)〕]】", max_size=14))
def test_runs_without_an_opening_bracket_are_cut_at_every_mark(text):
    """clauses._runs splits a text without an opening bracket in one call: the runs of the character walk."""
    assert clauses._runs(text) == clauses._walked_runs(text)
