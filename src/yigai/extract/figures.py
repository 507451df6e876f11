"""The vocabulary of quantified targets: figures, units, comparators and deadlines as Chinese plans write them.

A *figure* is a number with its unit as printed (65%, 8-10个, 13.68亿元, 一个, 1:1.6). This module finds figures
and the words around them that say how they bind (达到/不低于/以上 → at least, 控制在/以内 → at most, 左右 →
approximately) and until when (到2025年底, 年内). Whether a figure is a commitment is decided in
yigai.extract.targets. Everything here works on *folded* text: the published text with full-width digits and
punctuation mapped one-to-one to ASCII, so that every offset is also an offset into the published text.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources as importlib_resources

import cn2an
import yaml

_FULL = "０１２３４５６７８９％．（）：∶，；～－＋／＜＞　"
_HALF = "0123456789%.()::,;~-+/<> "
FOLD = str.maketrans(_FULL, _HALF)
CN_DIGITS = "〇零一二两三四五六七八九十百千"
NUMBER = rf"\d+(?:\.\d+)?|[{CN_DIGITS}]+"
# Characters that start a word with a Chinese numeral in it (统一, 唯一, 第一, 之一, 进一步, 初一, 单一 …).
_CN_WORD_BEFORE = set("统唯第之进逐单同专初某万合归划如")
# A unit character followed by one of these is a word, not a unit (支持, 处理, 人员, 家庭, 项目, 年度 …).
_NOT_A_UNIT = {"支": "持撑付出援部", "处": "理置方罚于室长", "人": "员群口才民均事", "家": "庭属长",
               "名": "称单义", "次": "均性", "项": "目", "年": "度龄底末内", "个": "体性案",
               "台": "账", "张": "贴", "套": "餐", "周": "期边岁", "级": "别", "例": "如", "所": "有属在以",
               "元": "素", "天": "然", "日": "间常"}


def fold(text: str) -> str:
    """Map full-width digits and punctuation to ASCII, one character for one (offsets are kept)."""
    return text.translate(FOLD)


@dataclass(frozen=True)
class Unit:
    """A published unit (the `unit` column) and what kind of quantity it measures."""

    name: str
    kind: str
    description: str


@lru_cache(maxsize=1)
def units() -> dict[str, Unit]:
    """The documented units, from src/yigai/data/units.yml, by published name."""
    data = yaml.safe_load(importlib_resources.files("yigai").joinpath("data/units.yml").read_text(encoding="utf-8"))
    return {str(name): Unit(str(name), spec["kind"], spec["description"]) for name, spec in data["units"].items()}


@lru_cache(maxsize=1)
def aliases() -> dict[str, tuple[str, float]]:
    """Every written form of a unit → (published unit, factor to multiply the value by)."""
    data = yaml.safe_load(importlib_resources.files("yigai").joinpath("data/units.yml").read_text(encoding="utf-8"))
    out: dict[str, tuple[str, float]] = {}
    for name, spec in data["units"].items():
        for alias in spec.get("aliases") or []:
            if isinstance(alias, dict):
                for written, factor in alias.items():
                    out[fold(str(written))] = (str(name), float(factor))
            else:
                out[fold(str(alias))] = (str(name), 1.0)
    return out


@lru_cache(maxsize=1)
def figure_pattern() -> re.Pattern:
    """Regular expression of one figure: 百分之N, a ratio a:b, or a number or range with an optional unit."""
    written = "|".join(re.escape(a) for a in sorted(aliases(), key=len, reverse=True))
    return re.compile(
        rf"(?<![\d.A-Za-z])(?:百分之(?P<pct>[{CN_DIGITS}点]+|\d+(?:\.\d+)?)"
        rf"|(?P<ra>\d+(?:\.\d+)?) ?: ?(?P<rb>\d+(?:\.\d+)?)(?![\d:])"
        rf"|(?P<n1>{NUMBER})(?: ?(?:-|~|至|到|—|–) ?(?P<n2>{NUMBER}))?(?P<unit>{written})?)")


@dataclass
class Figure:
    """A number with its unit, as found in folded text.

    Attributes:
        start: offset of the first character of the number.
        end: offset after the unit (or the number when there is none).
        value: the figure (lower bound of a range), converted with the unit's factor.
        value_max: upper bound of a range; None otherwise.
        unit: published unit name, or None when the number has no unit.
        kind: kind of the unit (percent, money, count, duration, age, grade, ratio, other) or "none".
        chinese: True when the number is written in Chinese numerals (一个, 十五).
    """

    start: int
    end: int
    value: float
    value_max: float | None
    unit: str | None
    kind: str
    chinese: bool


def parse_number(text: str) -> float | None:
    """Read an Arabic or Chinese numeral (十五 → 15, 两 → 2); None when it is not a number."""
    try:
        return float(text) if text[0].isdigit() else float(cn2an.cn2an(text, "smart"))
    except (ValueError, KeyError, IndexError, TypeError):
        return None


def find_figures(folded: str, start: int = 0, end: int | None = None) -> list[Figure]:
    """Find every figure in folded[start:end]; numbers that are part of words (统一, 支持) are skipped."""
    found = []
    for match in figure_pattern().finditer(folded, start, len(folded) if end is None else end):
        figure = _figure(match, folded)
        if figure is not None:
            found.append(figure)
    return found


def _figure(match: re.Match, folded: str) -> Figure | None:
    if match.group("pct"):
        value = parse_number(match.group("pct"))
        return None if value is None else Figure(match.start(), match.end(), value, None, "%", "percent", True)
    if match.group("ra"):
        a, b = float(match.group("ra")), float(match.group("rb"))
        if a == 0:
            return None
        return Figure(match.start(), match.end(), round(b / a, 6), None, "比例", "ratio", False)
    n1, n2, written = match.group("n1"), match.group("n2"), match.group("unit")
    chinese = not n1[0].isdigit()
    end = match.end()
    if written and written[0] in _NOT_A_UNIT and folded[end:end + 1] and \
            folded[end] in _NOT_A_UNIT[written[0]] and len(written) == 1:
        written, end = None, match.end("unit") - len(match.group("unit"))
    if chinese:
        if not written or (match.start() > 0 and folded[match.start() - 1] in _CN_WORD_BEFORE):
            return None
        if folded[end:end + 1] in CN_DIGITS:  # 一人一档, 一院一策: idioms, not figures
            return None
    value = parse_number(n1)
    value_max = parse_number(n2) if n2 else None
    if value is None or (n2 and value_max is None):
        return None
    if not written:
        if n2:  # a range needs a unit (2023-12 is a date)
            return None
        return Figure(match.start(), end, value, None, None, "none", chinese)
    unit, factor = aliases()[written]
    value = round(value * factor, 6)
    value_max = round(value_max * factor, 6) if value_max is not None else None
    if value_max is not None and value_max <= value:
        return None
    return Figure(match.start(), end, value, value_max, unit, units()[unit].kind, chinese)


@dataclass
class Found:
    """One target before it gets its id: the figure, how it binds, and the words that state it."""

    figure: Figure
    comparator: str
    approximate: bool
    relative: bool
    indicator: str
    scope: str | None
    deadline: str | None
    deadline_text: str | None
    start: int
    end: int
    order: int = 0


# --- comparators -------------------------------------------------------------------------------------------------

BEFORE = {
    ">=": ["不低于", "不少于", "不小于", "至少", "最少", "达到", "达", "提高到", "提高至", "提升到", "提升至", "增加到",
           "增加至", "增长到", "增长至", "增至", "上升到", "上升至", "扩大到", "扩大至", "保持在", "≥", "≧", ">=", "大于等于"],
    ">": ["超过", "高于", "大于", "多于", ">"],
    "<=": ["不超过", "不高于", "不多于", "不大于", "控制在", "降低到", "降低至", "降到", "降至", "下降到", "下降至",
           "减少到", "减少至", "缩短到", "缩短至", "压缩到", "压缩至", "≤", "≦", "<=", "小于等于"],
    "<": ["低于", "少于", "小于", "不足", "<"],
    "=": ["稳定在"],
}
AFTER = {">=": ["(含)以上", "及以上", "或以上", "以上"], "<=": ["(含)以下", "及以下", "以下", "以内", "之内"],
         "~": ["左右", "上下"]}
_BEFORE_WORDS = sorted(((w, c) for c, ws in BEFORE.items() for w in ws), key=lambda p: -len(p[0]))
BEFORE_PATTERN = re.compile("|".join(re.escape(w) for w, _ in _BEFORE_WORDS))
BEFORE_TYPE = dict(_BEFORE_WORDS)
# 达 is a comparator only on its own, not in 发达, 下达, 到达, 表达 …
_NOT_DA = set("发下传表送通直抵到雷")
AFTER_PATTERN = re.compile(
    r"(?P<grade>甲等|乙等|丙等)?(?P<after>" + "|".join(re.escape(w) for ws in AFTER.values() for w in ws) + ")?")
AFTER_TYPE = {w: c for c, ws in AFTER.items() for w in ws}


@dataclass
class Comparator:
    """A comparator word found before a figure: where it starts and ends in the text, and its type."""

    start: int
    end: int
    type: str


def comparator_before(folded: str, start: int, figure_start: int, gap: int = 6) -> Comparator | None:
    """The last comparator word in folded[start:figure_start] that ends at most `gap` characters before the figure.

    The characters in between may not include punctuation (达到每人每年不低于670元 → 不低于; 至少建成一个 → 至少).
    """
    best = None
    for match in BEFORE_PATTERN.finditer(folded, start, figure_start):
        word = match.group()
        if word == "达" and match.start() > 0 and folded[match.start() - 1] in _NOT_DA:
            continue
        between = folded[match.end():figure_start]
        if len(between) <= gap and not re.search(r"[,;。、!?:\s]", between):
            best = Comparator(match.start(), match.end(), BEFORE_TYPE[word])
    return best


def chain_start(folded: str, start: int, comparator: Comparator) -> int:
    """Where the run of comparator words ending with `comparator` begins (达到每人每年不低于 → at 达到)."""
    position = comparator.start
    glue = re.compile(r"(?:每人|每年|每千人口|每万人口|每百人)+$")
    while position > start:
        head = folded[start:position]
        glued = glue.search(head)
        cut = glued.start() + start if glued else position
        before = [m for m in BEFORE_PATTERN.finditer(folded, start, cut) if m.end() == cut]
        if not before:
            return position
        position = before[-1].start()
    return position


@dataclass
class Tail:
    """The words right after a figure: a per-unit part (/站), a grade letter (甲等) and a comparator (以上, 左右)."""

    end: int
    type: str | None = None
    approximate: bool = False
    per: str | None = None


def comparator_after(folded: str, end: int) -> Tail:
    """Read the words right after a figure (2000次/站以上 → per 站, at least; 90%左右 → approximately)."""
    per, position = None, end
    for size in (1, 2):
        word = folded[end + 1:end + 1 + size]
        rest = folded[end + 1 + size:end + 3 + size]
        if folded[end:end + 1] == "/" and re.fullmatch(r"[\u3400-\u9fff]+", word) and len(word) == size and \
                (not re.match(r"[\u3400-\u9fff]", rest) or AFTER_PATTERN.match(rest).group("after") or rest[0] == "的"):
            per, position = word, end + 1 + size
            break
    match = AFTER_PATTERN.match(folded, position)
    word = match.group("after")
    tail = Tail(match.end() if (word or match.group("grade")) else position, per=per)
    if word:
        kind = AFTER_TYPE[word]
        tail.type, tail.approximate = (None, True) if kind == "~" else (kind, False)
    return tail


# --- deadlines ---------------------------------------------------------------------------------------------------

YEAR = r"(?:19|20)\d{2}"
DEADLINE = re.compile(
    rf"(?P<lead>到|至|截至|截止到|截止|于|在)?(?P<years>{YEAR}(?:年?(?:、|,|和|及|与|至|到|-|~|—){YEAR})*)年"
    r"(?!度|起|以来|开始|来|的)(?:(?P<month>\d{1,2})月(?:(?P<day>\d{1,2})日)?)?"
    r"(?P<part>上半年|下半年|第?[一二三四1-4]季度|年底|年末|底|末)?(?P<tail>前|以前|之前|内|期间)?")
PLAN_YEAR = re.compile(r"(?<![\d年一二三四五六七八九十两])(?:年内|年底前|今年底?|本年度?内?|年度内)")
MONTH = re.compile(r"(?<![\d年.])(?P<month>1[0-2]|0?[1-9])月(?:(?P<day>[1-3]?\d)日)?(?:底|末)?(?:前|以前|之前)")
FIVE_YEAR = re.compile(r"[“\"]?十(?P<n>[一二三四五六七])五[”\"]?(?:规划)?(?:期间|时期|期末|末)")
_QUARTER = {"一": 3, "二": 6, "三": 9, "四": 12, "1": 3, "2": 6, "3": 9, "4": 12}


@dataclass
class Deadline:
    """A deadline phrase: where it is, what it says and the dates it gives (several for 2017年、2018年底)."""

    start: int
    end: int
    text: str
    dates: list[str]
    texts: list[str]


def _last_day(year: int, month: int) -> str:
    return dt.date(year, month, calendar.monthrange(year, month)[1]).isoformat()


def period_end(year: int, month: int | None = None, day: int | None = None, part: str | None = None) -> str | None:
    """ISO date of the last day of a stated period (2017 → 2017-12-31; 2017, 6 → 2017-06-30; 上半年 → 06-30)."""
    try:
        if month and day:
            return dt.date(year, month, day).isoformat()
        if month:
            return _last_day(year, month)
        if part == "上半年":
            return _last_day(year, 6)
        if part and "季度" in part:
            return _last_day(year, _QUARTER[part[-3]])
        return _last_day(year, 12)
    except (ValueError, KeyError):
        return None


def find_deadlines(text: str, folded: str, start: int, end: int, plan_year: int | None,
                   clause_starts: set[int]) -> list[Deadline]:
    """Deadline phrases in text[start:end] (`folded` is fold(text); the phrases are quoted from `text`).

    A year is a deadline when it is introduced (到/至/截至/于/在), closes a period (底/末/前/内), or opens a
    clause (2020年,… ; 2019年全面推开…); a year inside a name (推进2023年中央财政支持…项目) is not.
    年内/今年 and a month without a year (6月底前) are in the plan's year; “十四五”期间/末 give the last year of
    that five-year plan.
    """
    found: list[Deadline] = []
    for match in DEADLINE.finditer(folded, start, end):
        lead, tail, part = match.group("lead"), match.group("tail"), match.group("part")
        opens = _opens_clause(folded, match.start("years"), clause_starts)
        if not (lead or tail or part or match.group("month") or opens):
            continue
        years = [int(y) for y in re.findall(YEAR, match.group("years"))]
        month = int(match.group("month")) if match.group("month") else None
        day = int(match.group("day")) if match.group("day") else None
        if re.search(rf"{YEAR}年?(?:至|到|-|~|—){YEAR}", match.group("years")):
            years = years[-1:]  # a period 2023-2025年 ends with its last year
        dates = [period_end(year, month, day, part) if i == len(years) - 1 else period_end(year)
                 for i, year in enumerate(years)]
        if None in dates:
            continue
        written = text[match.start() if lead else match.start("years"):match.end()]
        last = text[match.start("years") + match.group("years").rindex(str(years[-1])):match.end()]
        texts = [f"{year}年" for year in years[:-1]] + [last] if len(years) > 1 else [written]
        found.append(Deadline(match.start(), match.end(), written, dates, texts))
    if plan_year:
        for match in MONTH.finditer(folded, start, end):
            day = int(match.group("day")) if match.group("day") else None
            date = period_end(plan_year, int(match.group("month")), day)
            if date:
                written = text[match.start():match.end()]
                found.append(Deadline(match.start(), match.end(), written, [date], [written]))
        for match in PLAN_YEAR.finditer(folded, start, end):
            date = period_end(plan_year)
            found.append(Deadline(match.start(), match.end(), text[match.start():match.end()], [date],
                                  [text[match.start():match.end()]]))
    for match in FIVE_YEAR.finditer(folded, start, end):
        if not (_opens_clause(folded, match.start(), clause_starts) or folded[max(0, match.start() - 1)] in "到至"):
            continue
        year = 2000 + 5 * "一二三四五六七".index(match.group("n")) + 10
        written = text[match.start():match.end()]
        found.append(Deadline(match.start(), match.end(), written, [period_end(year)], [written]))
    return sorted(found, key=lambda d: d.start)


_OPENERS = re.compile(r"(?:力争|争取|确保|计划|预计|努力|到|至|在)*$")


def _opens_clause(folded: str, position: int, clause_starts: set[int]) -> bool:
    """True when only opener words (力争, 争取, 到 …) stand between a clause start and `position`."""
    for begin in range(position, max(-1, position - 8), -1):
        if begin in clause_starts:
            return bool(_OPENERS.fullmatch(folded[begin:position].strip()))
    return False
