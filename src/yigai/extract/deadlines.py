"""Deadlines as Chinese plans state them: the words as written and the ISO date at the end of the stated period.

A deadline's date is the last day of the period the words name, since a plan that says "by then" means "by the end
of it":

* 2017年 / 到2017年 / 2017年底 / 2017年末 / 2017年底前 / 2017年内 → 2017-12-31; 2017年6月 / 6月份 / 6月底前 → 2017-06-30;
  2018年6月15日前 → that day; 上半年 → 06-30, 下半年 → 12-31, 第三季度 (第3季度) → 09-30.
* 2018年前 / 以前 / 之前 (before 2018, no month or part of the year) → 2017-12-31, the end of the year before.
* Periods end with their last part: 2023年11月-2025年10月 → 2025-10-31, 2025年11月-12月 → 2025-12-31,
  2023-2025年 → 2025-12-31, “十四五”期间 / 末 / 时期 → 2025-12-31 (十一五 2010, 十二五 2015, 十三五 2020 …).
* A list of years (到2017年、2018年底) is one phrase with one date per year, so that 分别达到50%、60% can pair them.
* 年内 / 今年 / 本年度 / 年底前 (no year written) and a month without a year (6月底前) are in the plan's year.
* Not deadlines: years followed by 度/份/代/起/以来/开始/来/的 (2023年度考核, 2017年起), 三年内 (a duration),
  and anything inside a 《》 title.

A bare year without a lead word (到/至/截至/截止/于/在), a closing word (底/末/前/内/期间) or a month or part of the
year is read in one of two ways, chosen by the caller (see find_deadlines): in the words of one task every such year
is when the task is done (2018年启动试点), while in running text around figures a bare year counts only when it opens
a clause (2019年全面推开…), so that 推进2023年中央财政支持项目 (the name of a programme) is not a deadline.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass

from yigai import textscan
from yigai.extract.figures import fold

YEAR = r"(?:19|20)\d{2}"
_SEPARATOR = r"(?:、|,|和|及|与|至|到|-|~|—|–)"
_RANGE = r"(?:-|~|—|–|至|到)"
DEADLINE = re.compile(
    rf"(?P<lead>(?:到|至|截至|截止到|截止|于|在)\s*)?(?P<years>{YEAR}(?:年?{_SEPARATOR}{YEAR})*)年"
    r"(?!度|份|代|起|以来|开始|来|的)"
    rf"(?:(?P<month>\d{{1,2}})月(?:\s*{_RANGE}\s*(?:(?P<year2>{YEAR})年)?(?P<month2>\d{{1,2}})月|(?P<day>\d{{1,2}})日)?份?)?"
    r"(?(month)|(?!\d))"
    r"(?P<part>[上下]半年[底末]?|第?[一二三四1-4]季度[底末]?|年底|年末|底|末)?(?P<tail>之前|以前|前|内|期间)?")
PLAN_YEAR = re.compile(r"(?<![\d年一二三四五六七八九十两])(?:年内|年底前|今年底?|本年度?内?|年度内)")
MONTH = re.compile(r"(?<![\d年.])(?P<month>1[0-2]|0?[1-9])月(?:(?P<day>[1-3]?\d)日)?(?:底|末)?(?:前|以前|之前)")
FIVE_YEAR = re.compile(r"[“\"]?十(?P<n>[一二三四五六七])五[”\"]?(?:规划)?(?:期间|时期|期末|末)")
TITLE = re.compile(r"《[^《》]*》")
_QUARTER = re.compile(r"([一二三四1-4])季度")
_QUARTER_END = {"一": 3, "二": 6, "三": 9, "四": 12, "1": 3, "2": 6, "3": 9, "4": 12}
_BEFORE = ("前", "以前", "之前")
_YEARS = re.compile(YEAR)
_YEAR_RANGE = re.compile(rf"{YEAR}年?{_RANGE}{YEAR}")
_OPENERS = re.compile(r"(?:力争|争取|确保|计划|预计|努力|到|至|在)*$")


@dataclass(frozen=True)
class Deadline:
    """A deadline phrase of a plan.

    Attributes:
        text: the words as written (with their lead word: 到2025年底).
        date: ISO date of the last day of the stated period (of the last period when the phrase lists several).
        start: offset of the phrase's first character in the text it was read from.
        end: offset after its last character.
        dates: one date per year the phrase lists (2017年、2018年底 → 2017-12-31, 2018-12-31); (date,) otherwise.
        texts: the words of each of those dates (2017年, 2018年底); (text,) otherwise.
    """

    text: str
    date: str
    start: int
    end: int
    dates: tuple[str, ...] = ()
    texts: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not self.dates:
            object.__setattr__(self, "dates", (self.date,))
            object.__setattr__(self, "texts", (self.text,))


def period_end(year: int, month: int | None = None, day: int | None = None, part: str | None = None) -> str | None:
    """ISO date of the last day of a stated period, or None when there is no such day.

    Args:
        year: the year (2017 alone → 2017-12-31).
        month: a month of that year (2017, 6 → 2017-06-30).
        day: a day of that month (2017, 6, 15 → 2017-06-15).
        part: a part of the year as written when no month is given: 上半年 → 06-30, 第三季度 / 第3季度 → 09-30;
            下半年, 年底, 底, 末 → 12-31.
    """
    if not month and not part and type(year) is int and dt.MINYEAR <= year <= dt.MAXYEAR:
        return f"{year:04d}-12-31"  # what the general case gives for a whole year, without building a date
    try:
        if month and day:
            return dt.date(year, month, day).isoformat()
        if not month:
            quarter = _QUARTER.search(part or "")
            month = 6 if part and part.startswith("上半年") else _QUARTER_END[quarter.group(1)] if quarter else 12
        return dt.date(year, month, calendar.monthrange(year, month)[1]).isoformat()
    except (ValueError, calendar.IllegalMonthError):
        return None


def plan_year_of(plan_id: str) -> int | None:
    """The plan's year, which 年内 and a month without a year refer to: the year in its id (<place>-<year>-<nn>)."""
    match = re.search(r"-(\d{4})-\d{2}$", plan_id)
    return int(match.group(1)) if match else None


def find_deadlines(text: str, plan_year: int | None = None, start: int = 0, end: int | None = None,
                   clause_starts: Iterable[int] | None = None, folded: str | None = None) -> list[Deadline]:
    """Every deadline phrase stated in text[start:end], in order; offsets and words are those of `text`.

    Args:
        text: the published text (full-width digits and punctuation are read as ASCII).
        plan_year: the plan's year, which 年内/今年 and a month without a year (6月底前) refer to; None: those
            phrases are not read.
        start: where to start reading.
        end: where to stop reading (None: the end of `text`).
        clause_starts: None when every bare year counts (the words of one task: 2018年启动试点 states when it is
            done); otherwise the offsets where the clauses of the text begin, and a bare year or a five-year plan
            (“十四五”期间) counts only when it opens a clause (after opener words such as 力争/争取/到) or, for the
            latter, follows 到/至.
        folded: fold(text) when the caller has it already (yigai.extract.figures.fold).
    """
    end = len(text) if end is None else end
    if folded is None:
        # Every phrase read below holds 年, 月 or 五 (the checks on has_year, 月 and has_five), and fold() maps
        # characters one for one without producing any of them (it may turn a 五 into 5, never the other way): a
        # text without them states no deadline, and need not be folded.
        if text.find("年", start, end) < 0 and text.find("月", start, end) < 0 and text.find("五", start, end) < 0:
            return []
        folded = fold(text)
    starts = None if clause_starts is None else set(clause_starts)
    # Each pattern needs a character that many stretches of text lack (年, 月, 五): look for it first.
    has_year = folded.find("年", start, end) >= 0
    found: list[Deadline] = []
    # Every match of DEADLINE holds a year of four digits (its group `years`) before 年.
    if has_year and _YEARS.search(folded, start, end):
        found = [d for d in (_dated(match, text, starts) for match in textscan.finditer(DEADLINE, folded, start, end)) if d]
    if plan_year:
        if folded.find("月", start, end) >= 0:
            for match in textscan.finditer(MONTH, folded, start, end):
                day = int(match.group("day")) if match.group("day") else None
                found.append(_phrase(text, match, period_end(plan_year, int(match.group("month")), day)))
        if has_year:
            found += [_phrase(text, match, period_end(plan_year))
                      for match in textscan.finditer(PLAN_YEAR, folded, start, end)]
    has_five = folded.find("五", start, end) >= 0
    if not (found or has_five):
        return []
    titles = [(m.start(), m.end()) for m in TITLE.finditer(folded, start, end)]
    for match in textscan.finditer(FIVE_YEAR, folded, start, end) if has_five else ():
        if starts is None or _opens_clause(folded, match.start(), starts) or folded[match.start() - 1:match.start()] \
                in ("到", "至"):
            year = 2010 + 5 * "一二三四五六七".index(match.group("n"))
            found.append(_phrase(text, match, period_end(year)))
    kept: list[Deadline] = []
    k = 0  # titles and deadlines are both in order of their start: walk them together
    for deadline in sorted((d for d in found if d.date), key=lambda d: d.start):
        while k < len(titles) and titles[k][1] <= deadline.start:
            k += 1
        in_title = k < len(titles) and titles[k][0] <= deadline.start
        if not in_title and not (kept and deadline.start < kept[-1].end):
            kept.append(deadline)
    return kept


def _phrase(text: str, match: re.Match, date: str | None) -> Deadline:
    words = text[match.start():match.end()]
    return Deadline(words, date or "", match.start(), match.end())


def _dated(match: re.Match, text: str, clause_starts: set[int] | None) -> Deadline | None:
    """The deadline a match of DEADLINE states, or None when it is a bare year that does not count or no date."""
    lead, month, part, tail = match.group("lead"), match.group("month"), match.group("part"), match.group("tail")
    if clause_starts is not None and not (lead or tail or part or month or
                                          _opens_clause(match.string, match.start("years"), clause_starts)):
        return None
    years = [int(y) for y in _YEARS.findall(match.group("years"))]
    if _YEAR_RANGE.search(match.group("years")):
        years = years[-1:]  # a period 2023-2025年 ends with its last year
    last = years[-1]
    if match.group("month2"):
        date = period_end(int(match.group("year2") or last), int(match.group("month2")))
    elif tail in _BEFORE and not (month or part):
        date = period_end(last - 1)
    else:
        day = match.group("day")
        date = period_end(last, int(month) if month else None, int(day) if day else None, part)
    dates = [period_end(year) for year in years[:-1]] + [date]
    if None in dates:
        return None
    written = text[match.start():match.end()]
    if len(years) == 1:
        return Deadline(written, date, match.start(), match.end())
    final = text[match.start("years") + match.group("years").rindex(str(last)):match.end()]
    return Deadline(written, date, match.start(), match.end(), tuple(dates),
                    tuple(f"{year}年" for year in years[:-1]) + (final,))


def _opens_clause(folded: str, position: int, clause_starts: set[int]) -> bool:
    """True when only opener words (力争, 争取, 到 …) stand between a clause start and `position`."""
    for begin in range(position, max(-1, position - 8), -1):
        if begin in clause_starts:
            return bool(_OPENERS.fullmatch(folded[begin:position].strip()))
    return False


def governing_deadline(text: str, heading: str | None, plan_year: int | None) -> Deadline | None:
    """The deadline of a whole task: its heading's if the heading states one, else its latest stated date.

    A heading such as 组织动员阶段(2023年10月底前) governs the whole item. Otherwise an item is finished only when
    its last step is, so the latest date is used, with the last words stating it: of a list of years
    (到2017年、2018年底) only the words of that year (2018年底), the offsets remaining those of the whole phrase.
    Every bare year in the item's words counts (see find_deadlines).
    """
    if heading:
        in_heading = find_deadlines(heading, plan_year)
        if in_heading:
            return in_heading[-1]
    stated = [Deadline(words, date, d.start, d.end) for d in find_deadlines(text, plan_year)
              for date, words in zip(d.dates, d.texts)]
    if not stated:
        return None
    latest = max(d.date for d in stated)
    return [d for d in stated if d.date == latest][-1]
