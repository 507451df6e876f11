"""The vocabulary of quantified targets: figures, units and comparators as Chinese plans write them.

A *figure* is a number with its unit as printed (65%, 8-10个, 13.68亿元, 一个, 1:1.6). This module finds figures
and the words around them that say how they bind (达到/不低于/以上 → at least, 控制在/以内 → at most, 左右 →
approximately); until when (到2025年底, 年内) is read by yigai.extract.deadlines. Whether a figure is a
commitment is decided in yigai.extract.targets. Everything here works on *folded* text: the published text with full-width digits and
punctuation mapped one-to-one to ASCII, so that every offset is also an offset into the published text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources as importlib_resources


from yigai import textscan, yamlio
from yigai.extract import numerals

_FULL = "０１２３４５６７８９％．（）：∶，；～－＋／＜＞　"
_HALF = "0123456789%.()::,;~-+/<> "
FOLD = str.maketrans(_FULL, _HALF)
_FOLD_PAIRS = tuple(zip(_FULL, _HALF))  # no half-width character is also a full-width one: the order does not matter
# A year written in Chinese numerals, one numeral per digit (二〇二五年): folded to Arabic digits one for one.
_CN_YEAR = re.compile(r"[一二][〇零○一二三四五六七八九]{3}(?=年)")
_CN_YEAR_DIGITS = str.maketrans("〇零○一二三四五六七八九", "000123456789")
CN_DIGITS = "〇零一二两三四五六七八九十百千"
NUMBER = rf"\d+(?:\.\d+)?|[{CN_DIGITS}]+"
# Characters that start a word with a Chinese numeral in it (统一, 唯一, 第一, 之一, 进一步, 初一, 单一 …).
_CN_WORD_BEFORE = set("统唯第之进逐单同专初某万合归划如")
# A unit character followed by one of these is a word, not a unit (支持, 处理, 人员, 家庭, 项目, 年度 …).
_NOT_A_UNIT = {"支": "持撑付出援部", "处": "理置方罚于室长", "人": "员群口才民均事", "家": "庭属长",
               "名": "称单义", "次": "均性", "项": "目", "年": "度龄底末内", "个": "体性案",
               "台": "账", "张": "贴", "套": "餐", "周": "期边岁", "级": "别", "例": "如", "所": "有属在以",
               "元": "素", "天": "然", "日": "间常", "成": "为员本果功立效熟绩都长份不"}


def fold(text: str) -> str:
    """Map full-width digits and punctuation to ASCII, one character for one (offsets are kept).

    Years written in Chinese numerals one digit per character (二〇二五年, 二零二二年) become Arabic digits too, so
    that they are read as years and deadlines like 2025年.
    """
    folded = text
    for full, half in _FOLD_PAIRS:  # what text.translate(FOLD) gives, twenty times faster on Chinese text
        if full in folded:
            folded = folded.replace(full, half)
    return _CN_YEAR.sub(lambda m: m.group().translate(_CN_YEAR_DIGITS), folded)


@dataclass(frozen=True)
class Unit:
    """A published unit (the `unit` column) and what kind of quantity it measures."""

    name: str
    kind: str
    description: str


@lru_cache(maxsize=1)
def units() -> dict[str, Unit]:
    """The documented units, from src/yigai/data/units.yml, by published name."""
    data = yamlio.safe_load(importlib_resources.files("yigai").joinpath("data/units.yml").read_text(encoding="utf-8"))
    return {str(name): Unit(str(name), spec["kind"], spec["description"]) for name, spec in data["units"].items()}


@lru_cache(maxsize=1)
def aliases() -> dict[str, tuple[str, float]]:
    """Every written form of a unit → (published unit, factor to multiply the value by)."""
    data = yamlio.safe_load(importlib_resources.files("yigai").joinpath("data/units.yml").read_text(encoding="utf-8"))
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
    """Regular expression of one figure: 百分之N, a ratio a:b, or a number or range with an optional unit.

    A range may write its unit on both ends when it is % or ‰ (35%-40%), not otherwise (5%-8个百分点 is two figures).
    """
    written = "|".join(re.escape(a) for a in sorted(aliases(), key=len, reverse=True))
    return re.compile(
        rf"(?<![\d.A-Za-z])(?:百分之(?P<pct>[{CN_DIGITS}点]+|\d+(?:\.\d+)?)"
        rf"|(?P<ra>\d+(?:\.\d+)?) ?: ?(?P<rb>\d+(?:\.\d+)?)(?![\d:])"
        rf"|(?P<n1>{NUMBER})(?:(?P<u1>%|‰)? ?(?:-|~|至|到|—|–) ?(?P<n2>{NUMBER})(?(u1)(?=(?P=u1))))?"
        rf"(?P<unit>{written})?)")


@lru_cache(maxsize=1)
def _figure_hint() -> re.Pattern:
    """What every figure find_figures keeps contains: a digit, 百分之, or a Chinese numeral (or range) with a unit."""
    written = "|".join(re.escape(a) for a in sorted(aliases(), key=len, reverse=True))
    return re.compile(rf"\d|百分之|[{CN_DIGITS}]+(?: ?(?:-|~|至|到|—|–) ?(?:{NUMBER}))?(?:{written})")


def may_hold_figures(folded: str, start: int, end: int) -> bool:
    """False when find_figures finds nothing in any stretch of folded[start:end] (a quick test, no figure read)."""
    return textscan.search(_figure_hint(), folded, start, end) is not None


def first_hint(folded: str, start: int, end: int) -> tuple[int, int] | None:
    """The span of the first stretch of folded[start:end] that makes may_hold_figures true, or None."""
    match = textscan.search(_figure_hint(), folded, start, end)
    return match.span() if match else None


def may_hold_figures_within(folded: str, hint: tuple[int, int], start: int, end: int) -> bool:
    """may_hold_figures(folded, start, end) for a stretch inside a wider one whose first_hint is `hint`.

    The hint pattern has no anchor or look-around, so whether it matches at a position depends only on the
    characters it takes: a stretch that ends by the hint's start holds none (the wider search found none before
    it), and one that contains the hint holds it.
    """
    if end <= hint[0]:
        return False
    if start <= hint[0] and hint[1] <= end:
        return True
    return may_hold_figures(folded, start, end)


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
    if text[:1].isdigit():
        try:
            return float(text)
        except ValueError:
            return None
    return _chinese_number(text)


@lru_cache(maxsize=4096)
def _chinese_number(text: str) -> float | None:
    """parse_number of a numeral that does not start with a digit (cn2an is slow, and plans use few numerals)."""
    if text[:1] in ("百", "千"):
        text = "一" + text  # 百分之百
    small = numerals.read_small(text)
    if small is not None:  # 0-99 written plainly, read as cn2an reads it (yigai.extract.numerals)
        return small
    try:
        if text[0].isdigit():
            return float(text)
        import cn2an  # imported on first use: it takes a third of a second and most plans never need it

        return float(cn2an.cn2an(text, "smart"))
    except (ValueError, KeyError, IndexError, TypeError):
        return None


def find_figures(folded: str, start: int = 0, end: int | None = None) -> list[Figure]:
    """Find every figure in folded[start:end]; numbers that are part of words (统一, 支持) are skipped."""
    found = []
    for match in textscan.finditer(figure_pattern(), folded, start, end):
        number, unit = match.group("n1", "unit")
        if number and unit is None and not number[0].isdigit():
            continue  # a Chinese numeral without a unit is a word (统一, 一体化), never a figure (see _figure)
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
           "增加至", "增长到", "增长至", "增至", "上升到", "上升至", "扩大到", "扩大至", "保持在", "保持", "≥", "≧", ">=",
           "大于等于"],
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
# 提高X至Y / 降低X到Y: the verb before the indicator, then 至 or 到 right before the figure.
_CHANGE_TO = re.compile(r"(?:(?P<up>提高|提升|增加|增长|扩大|上升)|(?P<down>降低|下降|减少|缩短|压缩|控制))[^,;。、!?:\s至到]{1,28}$")
AFTER_PATTERN = re.compile(
    r"(?P<grade>甲等|乙等|丙等)?(?P<after>" + "|".join(re.escape(w) for ws in AFTER.values() for w in ws) + ")?")
AFTER_TYPE = {w: c for c, ws in AFTER.items() for w in ws}
_PUNCTUATION = re.compile(r"[,;。、!?:\s]")
_PER_GLUE = re.compile(r"(?:每人|每年|每千人口|每万人口|每百人)+$")
_CJK_RUN = re.compile(r"[\u3400-\u9fff]+")
_CJK_CHAR = re.compile(r"[\u3400-\u9fff]")


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
    start = max(start, figure_start - gap - 8)
    for match in BEFORE_PATTERN.finditer(folded, start, figure_start):
        word = match.group()
        if word == "达" and match.start() > 0 and folded[match.start() - 1] in _NOT_DA:
            continue
        between = folded[match.end():figure_start]
        if len(between) <= gap and not _PUNCTUATION.search(between):
            best = Comparator(match.start(), match.end(), BEFORE_TYPE[word])
    if best is None and figure_start > 0 and folded[figure_start - 1] in "至到":
        change = _CHANGE_TO.search(folded, max(0, figure_start - 31), figure_start - 1)
        if change:
            best = Comparator(figure_start - 1, figure_start, ">=" if change.group("up") else "<=")
    return best


def chain_start(folded: str, start: int, comparator: Comparator) -> int:
    """Where the run of comparator words ending with `comparator` begins (达到每人每年不低于 → at 达到)."""
    position = comparator.start
    while position > start:
        head = folded[start:position]
        glued = _PER_GLUE.search(head)
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
    for size in (1, 2) if folded[end:end + 1] == "/" else ():  # a per-unit part follows a /
        word = folded[end + 1:end + 1 + size]
        rest = folded[end + 1 + size:end + 3 + size]
        if _CJK_RUN.fullmatch(word) and len(word) == size and \
                (not _CJK_CHAR.match(rest) or AFTER_PATTERN.match(rest).group("after") or rest[0] == "的"):
            per, position = word, end + 1 + size
            break
    match = AFTER_PATTERN.match(folded, position)
    word = match.group("after")
    tail = Tail(match.end() if (word or match.group("grade")) else position, per=per)
    if word:
        kind = AFTER_TYPE[word]
        tail.type, tail.approximate = (None, True) if kind == "~" else (kind, False)
    return tail
