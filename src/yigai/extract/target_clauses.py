"""Read the targets of one clause of running text: which figures bind, and the words that state each of them.

The rules are documented in yigai.extract.targets; this module applies them to one paragraph at a time. Every
look-up is bounded (a clause is at most MAX_CLAUSE characters, a look-back at most a few dozen), and the deadlines
and masks of a paragraph are searched by bisection, so reading a paragraph takes time linear in its length.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from yigai.changes import Change
from yigai.extract import target_scopes
from yigai.extract.deadlines import Deadline
from yigai.extract.figures import (Comparator, Figure, Found, Tail, chain_start, comparator_after, comparator_before,
                                   find_figures)

CJK = r"\u3400-\u9fff"
BUILD = re.compile("|".join(sorted((
    "新增设置", "新增配备", "新增", "新建", "新设置", "新设", "设置", "增设", "建成", "建设", "建立", "设立", "组建", "创建",
    "创成", "争创", "打造", "培育", "新培养", "培养", "培训", "新招收", "招收", "新引进", "引进", "招聘", "招募", "配备",
    "配置", "购置", "投放", "形成", "开展", "举办", "遴选", "选择", "确定", "明确", "认定", "评选", "提升", "改造", "升级", "扩建",
    "改扩建", "完成", "实施", "启动", "推广", "派驻", "选派", "下派", "新开", "开设", "开通", "发放"), key=len, reverse=True)))
FUNDING = re.compile(r"预算|投资|投入|资金|补助|经费|拨款|拨付|自筹|筹集|配套")
RATE_END = re.compile(r"(?:率|比例|占比|比重|覆盖面)$")
PART = re.compile(r"\s*其中")
# Words that name who or where, not what is measured (an elliptical clause: 二级医院控制在8天以内).
WHO_END = re.compile(r"(?:医院|机构|中心|卫生院|卫生室|医共体|医联体|人群|居民|地区|[省市县区])$")
# The value a change starts from, closing the words before the figure: 药品收入占比由2019年的32%(降至28%).
BASELINE = re.compile(r"(?:由|从)(?:(?:19|20)\d{2}\s*年(?:底|末)?)?的?\s*\d+(?:\.\d+)?\s*(?:%|‰|个百分点)?$")
MEASURE_END = re.compile(r"(?:数|量|率|比例|占比|比重|规模|总额|金额|面积)$")
CHANGE_END = re.compile(r"(?:增长|增加|提高|提升|下降|降低|减少|上升|下调|上调|增幅|降幅|增速|增长率)$")
RELATIVE = re.compile(r"(?:较|比)(?:上年|去年|上一年|前一年|基期|基线|(?:19|20)\d{2}年)|同比|环比|增幅|降幅|增速|增长率"
                      r"|在原有基础上|年均增长|年增长")
PAST = re.compile(r"已经|现已|现有|目前|已")
LEAD_FILLERS = re.compile(
    r"^(?:[(（]?[0-9０-９一二三四五六七八九十]{1,3}[).、）．]|[①-⑳]|[一二三四五六七八九十]+是|第[一二三四五六七八九十]+条|"
    r"力争|争取|确保|努力|积极|着力|全面|进一步|逐步|持续|不断|同步|继续|同时|其中|并且|并|且|以及|和|及|要|使|让|"
    r"推动|落实|实现|原则上|分别|累计|总计|合计|共|约|有|全市|全省|全区|全县|全州|全镇|本市|本省|本区|本县|我市|我省|我区|"
    r"我县|在|将|的|[\s,、])+")
_TAIL_WORDS = ("均", "都", "要", "应", "能", "需", "须", "总体", "整体", "进一步", "逐步", "稳步", "明显", "有所", "持续", "分别",
               "力争", "争取", "确保")
TAIL_FILLERS = re.compile("(?:" + "|".join(_TAIL_WORDS) + r"|[\s,、])+$")
# The characters a run of TAIL_FILLERS can end with, but for white space.
_TAIL_LAST = frozenset(word[-1] for word in _TAIL_WORDS) | {",", "、"}
_CHANGE_VERBS = ("提升", "提高", "上升", "增长", "增加", "下降", "降低", "减少", "改善")
LEAD_CHANGE = re.compile(r"(?:进一步|持续|不断|明显|逐步|稳步|有所)?(?:" + "|".join(_CHANGE_VERBS) + ")$")
LEAD_VERB = re.compile(r"^(?:提高|提升|增加|降低|减少|扩大|缩小|调整|控制)")
MASKS = (re.compile(r"“[^“”\n]{1,60}”"), re.compile(r"\"[^\"\n]{1,60}\""), re.compile(r"《[^《》\n]{1,120}》"),
         re.compile(r"‘[^‘’\n]{1,40}’"), re.compile(r"「[^「」\n]{1,40}」"),
         re.compile(r"[〔\[]\d{2,6}[〕\]]?\d{0,5}号"))
# The characters each of MASKS begins with: a text lacking them holds no match of that pattern.
MASK_OPENERS = ("“", "\"", "《", "‘", "「", "〔[")
# Patterns used on every figure, compiled once.
_CJK_CHAR = re.compile(rf"[{CJK}]")
_WORD_CHAR = re.compile(rf"[{CJK}A-Za-z]")
_BRACKETED_PLUS = re.compile(r"\([^()]{0,10}\)\+")
_PER_OR_DIGIT = re.compile(r"[每\d]")
_HAS_END = re.compile(r"有$")
# Longest piece of text read as one clause; longer runs without punctuation are read in pieces of this size.
MAX_CLAUSE = 300
# How far before a figure its words are looked for (verbs, the subject of a list item).
LOOK_BACK = 40


@dataclass
class Context:
    """What the extraction needs to know about the whole plan, and the report entries it makes."""

    text: str
    folded: str
    plan_year: int | None = None
    issue_year: int | None = None
    default_deadline: tuple[str, str] | None = None
    changes: list[Change] = field(default_factory=list)


class Paragraph:
    """One line of the body: its clauses and sentences, its deadline phrases and the spans masked from reading.

    The deadline phrases and masks are read on first use (most paragraphs state no figure and need neither), by the
    functions given; `deadlines` and `masks` can also be given as they are.
    """

    def __init__(self, start: int, end: int, clauses: list[tuple[int, int]] | None = None,
                 deadlines: list[Deadline] | Callable[[], list[Deadline]] | None = None,
                 masks: list[tuple[int, int]] | Callable[[], list[tuple[int, int]]] | None = None,
                 sentences: list[tuple[int, int]] | None = None):
        self.start, self.end = start, end
        self.clauses = clauses if clauses is not None else []
        self.sentences = sentences if sentences is not None else []
        self.hint: tuple[int, int] | None = None  # where a figure may first begin (figures.first_hint), when read
        self._deadlines_from, self._masks_from = deadlines, masks
        self._deadlines: list[Deadline] | None = None
        self._deadline_ends: list[int] = []
        self._masks: list[tuple[int, int]] | None = None
        self._mask_starts: list[int] = []
        self._mask_reach: list[int] = []

    @property
    def deadlines(self) -> list[Deadline]:
        """The deadline phrases of the paragraph, in order."""
        if self._deadlines is None:
            given = self._deadlines_from
            self._deadlines = list(given() if callable(given) else given or [])
            self._deadline_ends = [d.end for d in self._deadlines]
        return self._deadlines

    @property
    def masks(self) -> list[tuple[int, int]]:
        """The spans masked from reading, sorted."""
        if self._masks is None:
            given = self._masks_from
            self._masks = sorted(given() if callable(given) else given or [])
            reach, self._mask_reach = -1, []
            for _, end in self._masks:
                reach = max(reach, end)
                self._mask_reach.append(reach)
            self._mask_starts = [s for s, _ in self._masks]
        return self._masks

    def masked(self, position: int) -> bool:
        """True when `position` lies inside a masked span."""
        if not self.masks:
            return False
        k = bisect.bisect_right(self._mask_starts, position) - 1
        return k >= 0 and self._mask_reach[k] > position

    def deadline_before(self, position: int) -> Deadline | None:
        """The last deadline phrase that ends at or before `position`."""
        deadlines = self.deadlines
        k = bisect.bisect_right(self._deadline_ends, position)
        return deadlines[k - 1] if k else None

    def deadlines_within(self, start: int, end: int) -> list[Deadline]:
        """The deadline phrases that overlap text[start:end]."""
        deadlines = self.deadlines
        k = bisect.bisect_right(self._deadline_ends, start)
        out = []
        while k < len(deadlines) and deadlines[k].start < end:
            out.append(deadlines[k])
            k += 1
        return out


@dataclass
class Sentence:
    """State carried from clause to clause within one sentence."""

    scope: str | None = None
    verb: str | None = None
    last_kind: str | None = None
    indicator: str | None = None
    lead: str = ""
    lead_start: int | None = None
    past: bool = False
    earlier: str | None = None   # the indicator of the last target of the sentence before, in the same paragraph


@dataclass
class _Verdict:
    """Why a figure is a target: its comparator word before it, and the verb that makes it a count to build."""

    before: Comparator | None = None
    verb: re.Match | None = None
    noun_verb: re.Match | None = None
    gap: str | None = None
    continued: bool = False


def valid(ctx: Context, para: Paragraph, figure: Figure) -> bool:
    """False for figures that are never targets: years, dates, ordinals, layouts, names in quotes."""
    folded = ctx.folded
    before = folded[figure.start - 1] if figure.start else ""
    after = folded[figure.end:figure.end + 1]
    if before in "第等+" or after == "+" or _BRACKETED_PLUS.match(folded[figure.end:figure.end + 14]):
        return False
    if figure.unit in (None, "年") and 1900 <= figure.value <= 2100 and figure.value.is_integer() and \
            (figure.unit == "年" or after in ("年", "-", "~", "、", "至")):
        return False
    if (figure.unit in ("日", "天") and before == "月") or (figure.unit is None and after in ("月", "号", "日")):
        return False
    return not para.masked(figure.start)  # tested last: the masks of a paragraph are read on first use


def _build_verb(ctx: Context, start: int, figure: Figure) -> re.Match | None:
    """A verb of building or doing that ends right before the figure (新增3家; 约 and 共 may stand in between)."""
    for match in BUILD.finditer(ctx.folded, max(start, figure.start - 10), figure.start):
        if match.end() == figure.start or ctx.folded[match.end():figure.start] in ("约", "共", "累计", "总计", "合计"):
            return match
    return None


def _build_noun_verb(ctx: Context, start: int, figure: Figure, tail_end: int, end: int) -> re.Match | None:
    """建设区级慢病康复理疗站5个: a verb, a noun, then the figure closing the clause or list item."""
    if not (tail_end >= end or ctx.folded[tail_end] in "、,;。)"):
        return None
    best = None
    for match in BUILD.finditer(ctx.folded, max(start, figure.start - LOOK_BACK), figure.start):
        between = ctx.folded[match.end():figure.start]
        if 0 < len(between) <= 30 and "、" not in between and comparator_before(ctx.folded, match.end(), figure.start) \
                is None:
            best = match
    return best


def clean(ctx: Context, para: Paragraph, start: int, end: int, drop: list[tuple[int, int]]) -> str:
    """The words of text[start:end] without deadline phrases, scopes and filler words at either end."""
    if not (deadlines := para.deadlines_within(start, end)) and not drop:  # nothing to cut: one piece
        return strip_fillers(ctx.text[start:end]).strip()
    cut = sorted([(d.start, d.end) for d in deadlines] + drop)
    pieces, position = [], start
    for s, e in cut:
        if e <= position or s >= end:
            continue
        pieces.append(ctx.text[position:max(position, s)])
        position = max(position, e)
    pieces.append(ctx.text[position:end])
    return strip_fillers("".join(pieces)).strip()


def strip_fillers(words: str) -> str:
    """`words` without filler words at either end; stripping again would take nothing more.

    One pass is enough: LEAD_FILLERS stops where no filler begins, and taking words off the end cannot make one
    begin there (the fillers have no look-ahead); TAIL_FILLERS takes the longest run of fillers that ends the
    words (the leftmost start of such a run), so what is left ends with none.
    """
    lead = LEAD_FILLERS.match(words)  # anchored at the start: the one match that sub would take off
    if lead:
        words = words[lead.end():]
    if words and (words[-1] in _TAIL_LAST or words[-1].isspace()):  # else no run of fillers ends the words
        words = TAIL_FILLERS.sub("", words)
    return words


def clause_figures(ctx: Context, para: Paragraph, start: int, end: int) -> list[Figure]:
    """The figures of folded[start:end] that may be targets (see `valid`)."""
    return [f for f in find_figures(ctx.folded, start, end) if valid(ctx, para, f)]


def read_clause(ctx: Context, para: Paragraph, sentence: Sentence, seed: Deadline | None, start: int,
                end: int, figures: list[Figure] | None = None) -> list[Found]:
    """The targets of folded[start:end], one clause of a sentence whose state is carried in `sentence`.

    `figures` are the clause's clause_figures when the caller has them already.
    """
    folded = ctx.folded
    figures = clause_figures(ctx, para, start, end) if figures is None else figures
    each = target_scopes.first_each(folded, start, end)
    if each and (not figures or each.start() < figures[0].start):
        sentence.scope = ctx.text[each.start():each.end()]
    elif target_scopes.OWN_SCOPE.match(folded, start):
        sentence.scope = None
    out: list[Found] = []
    segment, i = start, 0
    while i < len(figures):
        group, tails, j = [figures[i]], [comparator_after(folded, figures[i].end)], i
        distributive = "分别" in folded[max(segment, figures[i].start - LOOK_BACK):figures[i].start]
        while j + 1 < len(figures):
            nxt = figures[j + 1]
            between = folded[tails[-1].end:nxt.start]
            if nxt.unit != figures[j].unit or not (between == "" or (distributive and between in "、,和及与")):
                break
            group.append(nxt)
            tails.append(comparator_after(folded, nxt.end))
            j += 1
        head, tail, rest = group[0], tails[-1], figures[j + 1:]
        verdict = _judge(ctx, sentence, segment, end, head, tail, rest)
        if verdict is None:
            i = j + 1
            continue
        split = _object_end(folded, tail.end, end, head, rest)
        attributive = head.kind == "percent" and (folded[tail.end:tail.end + 1] == "的" or
                                                  _bare_share(ctx, para, segment, head, tail))
        obj = (tail.end, split) if head.kind == "count" or attributive else (tail.end, tail.end)
        out += _rows(ctx, para, sentence, seed, segment, group, tails, verdict, obj)
        sentence.last_kind = head.kind
        verb = verdict.verb or verdict.noun_verb
        sentence.verb = ctx.text[verb.start():verb.end()] if verb else sentence.verb
        segment = split + 1 if split < end and folded[split] == "、" else obj[1]
        i = j + 1
    if not out and not figures:  # a clause without figures may state the indicator of the next ones
        lead = clean(ctx, para, start, end, [(each.start(), each.end())] if each else [])
        if lead.endswith(_CHANGE_VERBS) or lead.endswith("\n"):  # else LEAD_CHANGE, which ends with one, finds none
            lead = LEAD_CHANGE.sub("", lead)
        lead = LEAD_VERB.sub("", lead)
        if lead:
            sentence.lead, sentence.lead_start = lead, start
    return out


def _bare_share(ctx: Context, para: Paragraph, segment: int, head: Figure, tail: Tail) -> bool:
    """Whether a compared percent opens its clause and a noun follows: 三成以上县级医院达到…, 80%以上乡镇卫生院….

    Like 80%以上的县级医院, the words after the figure say what the share is of (the indicator), not the words of
    an earlier clause.
    """
    return bool(tail.type and _CJK_CHAR.match(ctx.folded[tail.end:tail.end + 1])
                and not clean(ctx, para, segment, head.start, []))


def _parallel(who: str, earlier: str) -> str:
    """三级医院平均住院日控制在9天以内，二级医院控制在8天以内: 二级医院 takes the measure of 三级医院平均住院日.

    `who` names institutions, places or people only; when its end (级医院) stands inside the earlier indicator
    after other words, the words after it there are the measure it leaves out.
    """
    for k in range(len(who) - 1, 1, -1):
        at = earlier.find(who[-k:])
        if at > 0 and earlier[at + k:]:
            return who + earlier[at + k:]
    return who


def _object_end(folded: str, tail_end: int, end: int, head: Figure, rest: list[Figure]) -> int:
    """Where the words after a count end: at the 、 before the next figure of the same kind, else at the clause end."""
    for figure in rest:
        if figure.kind == head.kind:
            cut = folded.rfind("、", tail_end, figure.start)
            if cut >= 0:
                return cut
    return end


def _compared(folded: str, start: int, figure: Figure) -> bool:
    """Whether a later figure of the clause is compared (达到60%, 60%以上): a value, not a grade in a name (三级医院)."""
    after = comparator_after(folded, figure.end)
    if figure.kind == "grade" and _CJK_CHAR.match(folded[after.end:after.end + 1]):
        return False  # 80%以上的县级医院达到三级医院服务能力: 三级 names the hospitals' grade, the 80% is the target
    return bool(comparator_before(folded, start, figure.start) or after.type)


def _judge(ctx: Context, sentence: Sentence, segment: int, end: int, figure: Figure, tail: Tail,
           rest: list[Figure]) -> _Verdict | None:
    """Decide whether a figure is a target (see yigai.extract.targets); None when it is not."""
    folded = ctx.folded
    if sentence.past or PAST.search(folded, max(segment, figure.start - LOOK_BACK), figure.start):
        sentence.past = True   # 已达到55%，签约覆盖率达到40%: the rest of the sentence reports the past too
        return None
    before = comparator_before(folded, segment, figure.start)
    following = folded[tail.end:tail.end + 1]
    if figure.kind in ("duration", "age", "grade") or figure.unit is None:
        closes = not _WORD_CHAR.match(following) or figure.kind in ("duration", "age")
        worded = before and (figure.unit or _CJK_CHAR.match(folded[before.start]))
        return _Verdict(before) if worded and closes else None
    verb = _build_verb(ctx, segment, figure)
    later = any(_compared(folded, tail.end, f) for f in rest[:3])
    if figure.chinese and not (before or verb or tail.type):
        return None
    if before or tail.type or tail.approximate:
        condition = later and "的" in folded[tail.end:rest[0].start] if rest else False
        definition = figure.kind == "count" and not verb and "的" in folded[tail.end:end]
        if not before and (condition or definition):
            return None  # a condition inside the indicator: 建有1个及以上…的基层机构占比达到55%
        gap = ctx.text[before.end:figure.start] if before else ""
        return _Verdict(before, verb, None, gap if gap and not _PER_OR_DIGIT.search(gap) else None)
    if verb:
        return _Verdict(None, verb)
    head_start = max(segment, figure.start - LOOK_BACK)
    if figure.kind == "count" and _HAS_END.search(folded[head_start:figure.start]) and \
            (sentence.scope or "每" in folded[head_start:figure.start]):
        return _Verdict()  # 每个村卫生室有1名乡村医生; 每万名居民拥有2-3名全科医生
    if figure.kind in ("count", "money"):
        noun_verb = _build_noun_verb(ctx, segment, figure, tail.end, end)
        if noun_verb:
            return _Verdict(None, None, noun_verb)
    head = folded[head_start:figure.start].rstrip()
    if figure.kind == "money" and FUNDING.search(head):
        return _Verdict()
    if figure.kind == "percent" and (following == "的" and not later or RATE_END.search(head) or
                                     CHANGE_END.search(head)):
        return _Verdict()
    # A part of the figure before (…培养全科医生1000名,其中订单定向医学生200名; 床位数7.2张,其中公立医院床位数5.5张):
    # a measure (…数, …率) is its own indicator, a noun continues the verb before it.
    if sentence.last_kind == figure.kind and PART.match(folded, segment, figure.start):
        return _Verdict(continued=not MEASURE_END.search(head))
    # A list item continuing a count: "…3台、高端保健救护车辆3台" or "…培养40名骨干,180名党务工作者".
    item = folded[segment - 1:segment] == "、" and (tail.end >= end or folded[tail.end] in "、,;。")
    if sentence.last_kind == figure.kind == "count" and (item or (segment == figure.start and segment > 0)) and \
            not BUILD.search(folded, head_start, figure.start):
        return _Verdict(continued=True)
    return None


def _rows(ctx: Context, para: Paragraph, sentence: Sentence, seed: Deadline | None, segment: int,
          group: list[Figure], tails: list[Tail], verdict: _Verdict, obj: tuple[int, int]) -> list[Found]:
    """Turn an accepted figure (or a group of figures sharing their words) into rows."""
    folded, text, head = ctx.folded, ctx.text, group[0]
    if verdict.before:
        subject_end = chain_start(folded, segment, verdict.before)
    elif verdict.verb and head.kind == "count":
        subject_end = verdict.verb.start()
    else:
        subject_end = head.start
    each = target_scopes.each(folded, segment, subject_end)
    if each:
        sentence.scope = text[each[-1].start():each[-1].end()]
    elif target_scopes.OWN_SCOPE.match(folded, segment):
        sentence.scope = None
    subject = BASELINE.sub("", clean(ctx, para, segment, subject_end, [(m.start(), m.end()) for m in each]))
    if verdict.before and folded[verdict.before.start:verdict.before.end] in "至到":
        subject = LEAD_VERB.sub("", subject)  # 提高签约率至50%: the indicator is 签约率
    obj_text = text[obj[0]:obj[1]].lstrip("的").strip()
    regions = target_scopes.regions(subject)
    scopes: list[str | None] = [sentence.scope] * len(group)
    deadline = para.deadline_before(head.start) or seed
    if regions:
        subject = ""
    elif len(group) > 1 and "分别" in folded[max(segment, head.start - LOOK_BACK):head.start]:
        split = target_scopes.distribute(subject, len(group))
        if split and not (deadline and len(deadline.dates) == len(group)):
            scopes, subject = split
    population = target_scopes.POPULATION.match(subject)
    if population and not any(scopes):
        scopes = [population.group()] * len(group)
    if tails[-1].per and not any(scopes):
        scopes = [f"每{tails[-1].per}"] * len(group)

    verb_text = text[verdict.verb.start():verdict.verb.end()] if verdict.verb else ""
    inherited = False
    if head.kind == "count":
        if verb_text and obj_text:
            indicator = (subject if len(subject) <= 4 else "") + verb_text + obj_text
        else:
            indicator = subject + (verdict.gap or verb_text) + obj_text
            bare = not LEAD_FILLERS.sub("", text[segment:head.start]).strip()
            if sentence.verb and indicator and (verdict.continued or (bare and not verdict.verb)):
                indicator = sentence.verb + indicator
    else:
        indicator = subject + obj_text
    indicator = LEAD_FILLERS.sub("", indicator)
    if sentence.indicator and verdict.before and WHO_END.search(indicator):
        indicator = _parallel(indicator, sentence.indicator)
    if not indicator:
        indicator = sentence.indicator or sentence.lead
        inherited = not regions and not sentence.indicator and sentence.lead_start is not None
    # 到2023年达到90%；到2025年，达到95%: a figure with no words of its own restates the sentence before's indicator
    indicator = indicator or sentence.earlier or text[head.start:tails[-1].end]
    sentence.indicator = indicator

    start = segment
    while start < head.start and folded[start] in "、, ":
        start += 1
    if inherited:
        start = sentence.lead_start
    end = max(tails[-1].end, obj[1])
    while end > start and folded[end - 1] in "、, ":
        end -= 1
    if _achieved(ctx, sentence, deadline):
        return []
    words_before = folded[segment:subject_end].rstrip()
    relative = bool(RELATIVE.search(folded, max(segment, head.start - LOOK_BACK), head.start) or
                    (not verdict.verb and not verdict.noun_verb and CHANGE_END.search(words_before)))
    approximate = any(t.approximate for t in tails) or folded[head.start - 1:head.start] == "约"

    out = []
    names = regions or [None]
    for r, region in enumerate(names):
        for k, figure in enumerate(group):
            tail = tails[k] if tails[k].type or tails[k].approximate else tails[-1]
            if figure.value_max is not None:
                comparator = "range"
            elif tail.approximate:
                comparator = "="
            else:
                comparator = tail.type or (verdict.before.type if verdict.before else "=")
            if deadline and len(deadline.dates) == len(group) > 1:
                date, written = deadline.dates[k], deadline.texts[k]
            elif deadline:
                date, written = deadline.dates[-1], deadline.text
            elif ctx.default_deadline:
                date, written = ctx.default_deadline
            else:
                date, written = None, None
            scope = region or scopes[k]
            if figure.unit is None and RATE_END.search(indicator) and 0 < figure.value <= 100:
                figure = _percent(ctx, figure, indicator)
            out.append(Found(figure, comparator, approximate, relative or figure.unit == "个百分点", indicator,
                             scope, date, written, start, end, order=r * len(group) + k))
    return out


def _achieved(ctx: Context, sentence: Sentence, deadline: Deadline | None) -> bool:
    """True for a figure of a period that ended before the plan (十三五期间…达到55%): an achievement.

    The plan's time is its year for an annual plan (2023年…重点工作任务), else the year it was issued.
    """
    now = ctx.plan_year if ctx.default_deadline else ctx.issue_year
    if deadline and now and int(deadline.dates[-1][:4]) < now:
        sentence.past = True
    return sentence.past


def _percent(ctx: Context, figure: Figure, indicator: str) -> Figure:
    """A rate whose % the page lost (门诊预约诊疗率达到80以上): the unit is % and the row is reported."""
    written = ctx.text[figure.start:figure.end]
    ctx.changes.append(Change("extract", "target-unit-inferred", "flagged", written, written + "%",
                              f"the figure {written} of the rate {indicator} has no unit on the page; it is read as "
                              "a percentage", figure.start, figure.end))
    return Figure(figure.start, figure.end, figure.value, figure.value_max, "%", "percent", figure.chinese)
