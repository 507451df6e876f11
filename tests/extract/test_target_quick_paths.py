"""The quick paths of target reading give what the plain ones give: splitting, fillers, 每/各 scopes, masks, dates."""

from __future__ import annotations

import calendar
import datetime as dt

from hypothesis import example, given, settings
from hypothesis import strategies as st

from yigai import textscan
from yigai.extract import deadlines, figures, target_clauses, target_scopes, targets

PROSE = list("(),;。!?:\n 　12到2025年底全市每各个县医院要均都应分别进一步力争确保的率达50%、和")
FILLERS = list("均都要应能需须总体整进一步逐稳明显有所持续分别力争取确保全市在将的和及 ,、\n1)①是X率")
SCOPES = list("每各个一千人年市县区医院中心村卫生室站人民政府委局的要、(")


@settings(max_examples=400)
@given(text=st.text(alphabet=st.sampled_from(PROSE), max_size=60), cut=st.tuples(st.integers(0, 60),
                                                                                  st.integers(0, 60)))
def test_clauses_and_sentences_are_the_two_splits(text, cut):
    start, end = min(cut[0], len(text)), min(max(cut), len(text))
    assert targets.clauses_and_sentences(text, start, end) == (
        targets.split(text, start, end, targets.CLAUSE_BREAKS), targets.split(text, start, end, targets.SENTENCE_BREAKS))


def test_a_sentence_break_is_a_clause_break_that_no_digit_beside_it_undoes():
    assert set(targets.SENTENCE_BREAKS) <= set(targets.CLAUSE_BREAKS)
    assert not set(":,") & set(targets.SENTENCE_BREAKS)


def _stripped_until_nothing_changes(words: str) -> str:
    previous = None
    while previous != words:
        previous = words
        words = target_clauses.TAIL_FILLERS.sub("", target_clauses.LEAD_FILLERS.sub("", words))
    return words


@settings(max_examples=600)
@given(st.text(alphabet=st.sampled_from(FILLERS), max_size=24))
def test_fillers_are_stripped_in_one_pass(words):
    assert target_clauses.strip_fillers(words) == _stripped_until_nothing_changes(words)


@settings(max_examples=400)
@given(text=st.text(alphabet=st.sampled_from(SCOPES), max_size=40), cut=st.tuples(st.integers(0, 40),
                                                                                   st.integers(0, 40)))
def test_each_scope_is_every_match_that_names_no_body(text, cut):
    start, end = min(cut), max(cut)
    expected = [m.span() for m in target_scopes.EACH.finditer(text, start, end)
                if not target_scopes.BODY_AFTER.match(text, m.end())]
    assert [m.span() for m in target_scopes.each(text, start, end)] == expected
    first = target_scopes.first_each(text, start, end)
    assert (first.span() if first else None) == (expected[0] if expected else None)


def test_each_mask_begins_with_its_openers():
    for pattern, openers in zip(target_clauses.MASKS, target_clauses.MASK_OPENERS):
        first = textscan.first_characters(pattern)
        assert first is not None
        assert {c for c in map(chr, range(0x10000)) if first.match(c)} == set(openers)


def test_the_end_of_a_whole_year_is_the_calendar_s():
    for year in [1, 2, 999, 1900, 2000, 2024, 2100, 9999]:
        assert deadlines.period_end(year) == dt.date(year, 12, calendar.monthrange(year, 12)[1]).isoformat()
        assert deadlines.period_end(year, None, None, "") == deadlines.period_end(year)
    assert deadlines.period_end(0) is None and deadlines.period_end(10000) is None
    assert deadlines.period_end(2024, part="上半年") == "2024-06-30"


@settings(max_examples=600)
@given(text=st.text(alphabet=st.sampled_from(list("12.%个家名元万人次三十五百分之一两到-至年 ,。")), max_size=40),
       cuts=st.lists(st.integers(0, 40), min_size=4, max_size=4))
def test_a_stretch_of_a_paragraph_holds_a_figure_as_the_plain_test_says(text, cuts):
    outer_start, start, end, outer_end = sorted(min(c, len(text)) for c in cuts)
    hint = figures.first_hint(text, outer_start, outer_end)
    if hint is None:
        assert not figures.may_hold_figures(text, start, end)
    else:
        assert figures.may_hold_figures_within(text, hint, start, end) == figures.may_hold_figures(text, start, end)


@settings(max_examples=400)
@given(st.text(alphabet=st.sampled_from(list("进一步持续提升高上增长加下降低减少改善率X\n 的")), max_size=12))
def test_only_words_ending_with_a_change_verb_lose_it(words):
    if not (words.endswith(target_clauses._CHANGE_VERBS) or words.endswith("\n")):
        assert target_clauses.LEAD_CHANGE.sub("", words) == words


def _every_clause_read(ctx, para, seed):
    """_paragraph as it was: every clause of a sentence with figures is read, the ones after its last figure too."""
    found = []
    for s_start, s_end in para.sentences:
        spans = [span for span in para.clauses if s_start <= span[0] < s_end]
        clause_figures = [target_clauses.clause_figures(ctx, para, *span) for span in spans]
        if not any(clause_figures):
            continue
        sentence = target_clauses.Sentence(earlier=found[-1].indicator if found else None)
        for span, figures_of_clause in zip(spans, clause_figures):
            found += target_clauses.read_clause(ctx, para, sentence, seed, *span, figures=figures_of_clause)
    return found


TARGET_WORDS = [",", ",", ";", "。", "。", "\n", "、", "的", "门诊预约诊疗率", "签约覆盖率", "到2025年底", "达到", "不低于",
                "50%", "80", "3家", "新增", "建成", "全市", "每个县", "医院", "要", "确保", "分别", "其中", "以上", "已",
                "提高", "至", "“1+X”", "居民"]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(TARGET_WORDS), max_size=24).map("".join))
@example("门诊预约诊疗率,到2025年底达到50%,全市要确保。签约覆盖率,已达到80,新增3家医院、建成")  # a lead, then clauses after
def test_the_clauses_after_a_sentences_last_figure_change_nothing(text):
    def read(reader):
        ctx = targets.Context(text=text, folded=figures.fold(text), plan_year=2023, issue_year=2023)
        return [reader(ctx, para, None) for para in targets._paragraphs(ctx, 0, [], [])], ctx.changes

    assert read(targets._paragraph) == read(_every_clause_read)
