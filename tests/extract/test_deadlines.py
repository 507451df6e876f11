"""Deadlines: each phrasing gives the last day of its stated period; bare years, plan years, lists and properties."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from yigai.extract.deadlines import find_deadlines, governing_deadline, period_end, plan_year_of
from yigai.extract.figures import fold


def last(words: str, plan_year: int | None = 2020, clause_starts=None) -> str | None:
    found = find_deadlines(words, plan_year, clause_starts=clause_starts)
    return found[-1].date if found else None


@pytest.mark.parametrize(("words", "date"), [
    ("到2017年底,完成。", "2017-12-31"),
    ("2018年底前完成。", "2018-12-31"),
    ("2017年6月完成。", "2017-06-30"),
    ("2017年6月份完成。", "2017-06-30"),
    ("2024年2月底前完成。", "2024-02-29"),
    ("2018年6月15日前完成。", "2018-06-15"),
    ("到2020年,全面建立。", "2020-12-31"),
    ("年内完成。", "2020-12-31"),
    ("2019年上半年完成。", "2019-06-30"),
    ("第三季度", None),
    ("2019年第三季度完成。", "2019-09-30"),
    ("2019年第3季度末完成。", "2019-09-30"),
    ("项目实施阶段(2023年11月-2025年10月)", "2025-10-31"),
    ("总结评估阶段(2025年11月-12月)", "2025-12-31"),
    ("争取2018年前试行。", "2017-12-31"),
    ("2018年之前试行。", "2017-12-31"),
    ("2017年起在全区启动。", None),
    ("2017年以来,成效明显。", None),
    ("落实《2023年度考核办法》。", None),
    ("落实《2023年下半年重点工作任务》。", None),
    ("2023年度考核。", None),
    ("2013年的基础上。", None),
    ("2016-2020年期间完成。", "2020-12-31"),
    ("到“十四五”末,覆盖率达到90%。", "2025-12-31"),
    ("“十三五”期间完成。", "2020-12-31"),
    ("6月底前完成。", "2020-06-30"),
    ("今年底完成。", "2020-12-31"),
    ("三年内完成。", None),
    ("到２０２２年底完成。", "2022-12-31"),
])
@pytest.mark.parametrize("clause_starts", [None, {0}])
def test_deadline_phrases(words, date, clause_starts):
    assert last(words, clause_starts=clause_starts) == date


def test_plan_year_phrases_need_the_plan_year():
    assert find_deadlines("年内完成,6月底前启动。", None) == []
    assert [d.date for d in find_deadlines("年内完成,6月底前启动。", 2023)] == ["2023-12-31", "2023-06-30"]


def test_a_list_of_years_gives_one_date_per_year():
    (found,) = find_deadlines("到2017年、2018年底,分别达到50%、60%。")
    assert found.text == "到2017年、2018年底"
    assert found.dates == ("2017-12-31", "2018-12-31") and found.texts == ("2017年", "2018年底")
    assert found.date == "2018-12-31"
    (period,) = find_deadlines("2023-2025年,逐步推开。")
    assert period.dates == ("2025-12-31",) and period.text == "2023-2025年"


def test_bare_years_count_everywhere_or_only_where_a_clause_opens():
    words = "推进2023年中央财政支持项目建设。"
    assert last(words) == "2023-12-31"
    assert last(words, clause_starts={0}) is None
    opened = "力争2019年全面推开,甲率达到50%。"
    assert last(opened, clause_starts={0}) == "2019-12-31"
    assert last("到2019年全面推开。", clause_starts=set()) == "2019-12-31"
    assert last("科学谋划“十四五”时期人才工作。", clause_starts={0}) is None
    assert last("到“十四五”末全面推开。", clause_starts=set()) == "2025-12-31"


def test_offsets_and_words_are_those_of_the_text_within_the_window():
    text = "甲。到２０１８年底前完成;2019年6月底全面推开。"
    found = find_deadlines(text, 2017, start=2)
    assert [text[d.start:d.end] for d in found] == [d.text for d in found] == ["到２０１８年底前", "2019年6月底"]
    assert [d.date for d in find_deadlines(text, 2017, start=2, end=text.index(";"))] == ["2018-12-31"]


def test_governing_deadline_heading_first_else_latest():
    text = "2017年,启动试点。到2018年底,全面推开。2016年已启动。"
    assert governing_deadline(text, None, 2017).date == "2018-12-31"
    assert governing_deadline(text, None, 2017).text == "到2018年底"
    assert governing_deadline(text, "启动阶段(2017年6月底前)", 2017).date == "2017-06-30"
    assert governing_deadline("加强管理。", None, 2017) is None
    listed = governing_deadline("到2017年、2018年底,签约率分别达25%、35%。", None, 2017)
    assert (listed.date, listed.text) == ("2018-12-31", "2018年底")


def test_period_end_and_plan_year():
    assert period_end(2017) == "2017-12-31"
    assert period_end(2017, 6) == "2017-06-30"
    assert period_end(2017, 6, 15) == "2017-06-15"
    assert period_end(2017, part="上半年") == "2017-06-30"
    assert period_end(2017, part="下半年") == "2017-12-31"
    assert period_end(2017, part="第四季度") == "2017-12-31"
    assert period_end(2017, 2, 30) is None and period_end(2017, 13) is None
    assert plan_year_of("sample-2019-01") == 2019
    assert plan_year_of("sample") is None


# --- properties ------------------------------------------------------------------------------------------------


def _month_end(year: int, month: int) -> dt.date:
    following = dt.date(year + month // 12, month % 12 + 1, 1)
    return following - dt.timedelta(days=1)


FORMS = {  # the words after the year → the last day of the period they state
    "年": lambda y, m, d: dt.date(y, 12, 31),
    "年底": lambda y, m, d: dt.date(y, 12, 31),
    "年末前": lambda y, m, d: dt.date(y, 12, 31),
    "年{m}月": lambda y, m, d: _month_end(y, m),
    "年{m}月底前": lambda y, m, d: _month_end(y, m),
    "年{m}月{d}日前": lambda y, m, d: dt.date(y, m, d),
    "年上半年": lambda y, m, d: dt.date(y, 6, 30),
    "年下半年": lambda y, m, d: dt.date(y, 12, 31),
    "年第{q}季度": lambda y, m, d: _month_end(y, 3 * ((m - 1) // 3 + 1)),
}
QUARTER_WORDS = "一二三四"


@settings(max_examples=200, deadline=None)
@given(st.integers(1990, 2099), st.integers(1, 12), st.integers(1, 28), st.sampled_from(sorted(FORMS)),
       st.sampled_from(["", "到", "截至", "力争"]), st.sampled_from(["", "全面推开。", ",完成试点。"]),
       st.booleans())
def test_the_date_is_the_last_day_of_the_stated_period(year, month, day, form, lead, after, wide):
    words = form.format(m=month, d=day, q=QUARTER_WORDS[(month - 1) // 3])
    digits = f"{year}{words}"
    if wide:
        digits = digits.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    text = f"{lead}{digits}{after}"
    found = find_deadlines(text, 2000)
    assert len(found) == 1, (text, found)
    date = dt.date.fromisoformat(found[0].date)
    assert date == FORMS[form](year, month, day)
    assert date >= dt.date(year, 1, 1)
    assert text[found[0].start:found[0].end] == found[0].text


PIECES = ["2017", "２０２５", "年", "月", "日", "6", "12", "31", "底", "末", "前", "以前", "内", "上半年", "第三季度",
          "到", "至", "、", "-", "起", "度", ",", "。", "完成", "《", "》", "“十四五”", "期间", "年内", "今年"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=25), st.booleans())
def test_every_deadline_is_a_valid_date_quoted_from_the_text(pieces, clauses):
    text = "".join(pieces)
    starts = {0} | {m.end() for m in re.finditer(r"[,。]", text)} if clauses else None
    for found in find_deadlines(text, 2020, clause_starts=starts):
        assert text[found.start:found.end] == found.text
        assert len(found.dates) == len(found.texts) and found.date == found.dates[-1]
        for date in found.dates:
            parsed = dt.date.fromisoformat(date)
            assert parsed == _month_end(parsed.year, parsed.month) or "日" in found.text
        years = [int(y) for y in re.findall(r"(?:19|20)\d{2}", found.text.translate(str.maketrans(
            "０１２３４５６７８９", "0123456789")))]
        earliest = min(years, default=2020) - (1 if "前" in found.text else 0)
        assert dt.date.fromisoformat(found.date) >= dt.date(earliest, 1, 1)


UNFOLDED = PIECES + ["二〇二五", "二零二二", "五", "十三五", "１２", "：", "（", "）", " ", "启动", "\n"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(UNFOLDED), max_size=25), st.integers(0, 12), st.integers(0, 12),
       st.sampled_from([None, 2020]))
def test_a_text_left_unfolded_reads_as_the_folded_one(pieces, start, length, plan_year):
    # find_deadlines returns early, without folding, for a window that holds no 年, 月 or 五: the same result as
    # reading the folded text, which the caller may also hand over (and which never takes the early return).
    text = "".join(pieces)
    end = min(len(text), start + length) if length else None
    assert find_deadlines(text, plan_year, start, end) == find_deadlines(text, plan_year, start, end, folded=fold(text))
