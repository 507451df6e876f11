"""Read the quantified targets of a plan: one row per figure the plan commits to reach, build, spend or hold.

A figure (yigai.extract.figures) is a target when the words around it bind it: a comparator (达到/不低于/以上 …,
控制在/不超过/以内 …), a verb of building or doing right before it (新增3家, 建成2个, 培训1000人次, 开展1次), a budget
noun (总预算13.68亿元, 其中中央财政补助5亿元), a share of units (20%的…开设老年病房), a rate with its value
(覆盖率100%), or a list continuing a target (…3台、高端保健救护车辆3台). It is not a target when it is a year or
date, a section or document number, part of a name in quotes (“1+X”, “十四五”), a layout written with + (5年+3年),
an ordinal (第3次), a descriptive count (市第一医院等5家医院), a condition inside the indicator (建有1个及以上…的
基层机构占比达到55% → only 55% is a target), or a duration in a rule (连续工作六个月以上的, 8周的长处方, 执行1个月内:
durations count only with an explicit comparator before them, e.g. 平均住院日低于7.85天). The deadline is the last
one stated earlier in the paragraph (or in a lead-in paragraph ending with a colon); 年内 is the end of the plan's
year, and in an annual plan (a title such as 2023年下半年…重点工作任务) figures without a stated deadline get the
end of the plan's period. Lists are split: 分别达25%35% pairs the figures with the listed years or populations;
甲市达到65%,…乙州、丙州、丁州达到70% gives one row per region.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from yigai.extract import plans as extract_plans
from yigai.extract import target_scopes, target_tables
from yigai.extract.deadlines import Deadline, find_deadlines, period_end
from yigai.extract.figures import (Comparator, Figure, Found, Tail, chain_start, comparator_after, comparator_before,
                                   find_figures, fold)

CJK = r"\u3400-\u9fff"
BUILD = re.compile("|".join(sorted((
    "新增设置", "新增配备", "新增", "新建", "新设置", "新设", "设置", "增设", "建成", "建设", "建立", "设立", "组建", "创建",
    "创成", "争创", "打造", "培育", "新培养", "培养", "培训", "新招收", "招收", "新引进", "引进", "招聘", "招募", "配备",
    "配置", "购置", "投放", "形成", "开展", "举办", "遴选", "选择", "确定", "明确", "认定", "评选", "提升", "改造", "升级", "扩建",
    "改扩建", "完成", "实施", "启动", "推广", "派驻", "选派", "下派", "新开", "开设", "开通", "发放"), key=len, reverse=True)))
FUNDING = re.compile(r"预算|投资|投入|资金|补助|经费|拨款|拨付|自筹|筹集|配套")
RATE_END = re.compile(r"(?:率|比例|占比|比重|覆盖面)$")
CHANGE_END = re.compile(r"(?:增长|增加|提高|提升|下降|降低|减少|上升|下调|上调|增幅|降幅|增速|增长率)$")
RELATIVE = re.compile(r"(?:较|比)(?:上年|去年|上一年|前一年|基期|基线|(?:19|20)\d{2}年)|同比|环比|增幅|降幅|增速|增长率"
                      r"|在原有基础上|年均增长|年增长")
PAST = re.compile(r"已经|现已|现有|目前|已")
LEAD_FILLERS = re.compile(
    r"^(?:[(]?[0-9一二三四五六七八九十]{1,3}[).、]|[一二三四五六七八九十]+是|第[一二三四五六七八九十]+条|"
    r"力争|争取|确保|努力|积极|着力|全面|进一步|逐步|持续|不断|同步|继续|同时|其中|并且|并|且|以及|和|及|要|使|让|"
    r"推动|落实|实现|原则上|分别|累计|总计|合计|共|约|有|全市|全省|全区|全县|全州|全镇|本市|本省|本区|本县|我市|我省|我区|"
    r"我县|在|将|的|[\s,、])+")
TAIL_FILLERS = re.compile(r"(?:均|都|要|应|能|需|须|总体|整体|进一步|逐步|稳步|明显|有所|持续|分别|力争|争取|确保|[\s,、])+$")
LEAD_CHANGE = re.compile(r"(?:进一步|持续|不断|明显|逐步|稳步|有所)?(?:提升|提高|上升|增长|增加|下降|降低|减少|改善)$")
LEAD_VERB = re.compile(r"^(?:提高|提升|增加|降低|减少|扩大|缩小|调整)")
MASKS = (re.compile(r"“[^“”\n]{1,60}”"), re.compile(r"\"[^\"\n]{1,60}\""), re.compile(r"《[^《》\n]{1,120}》"),
         re.compile(r"‘[^‘’\n]{1,40}’"), re.compile(r"「[^「」\n]{1,40}」"),
         re.compile(r"[〔\[]\d{2,6}[〕\]]?\d{0,5}号"))
CLAUSE_BREAKS = ",;。!?:\n"
SENTENCE_BREAKS = ";。!?\n"
COLUMNS = ("target_id", "plan_id", "task_id", "indicator", "comparator", "value", "value_max", "unit", "deadline",
           "deadline_text", "scope", "relative", "approximate", "quote", "char_start", "char_end")


@dataclass
class Context:
    """What the extraction needs to know about the whole plan."""

    text: str
    folded: str
    plan_year: int | None = None
    default_deadline: tuple[str, str] | None = None


@dataclass
class _Sentence:
    """State carried from clause to clause within one sentence."""

    scope: str | None = None
    verb: str | None = None
    last_kind: str | None = None
    indicator: str | None = None
    lead: str = ""
    lead_start: int | None = None


@dataclass
class _Paragraph:
    start: int
    end: int
    clauses: list[tuple[int, int]] = field(default_factory=list)
    deadlines: list[Deadline] = field(default_factory=list)
    masks: list[tuple[int, int]] = field(default_factory=list)


def _context(text: str, facts: extract_plans.PlanFacts) -> Context:
    ctx = Context(text=text, folded=fold(text))
    title = facts.title.text if facts.title else (facts.notice_title.text if facts.notice_title else "")
    annual = re.search(r"(?P<year>(?:19|20)\d{2})年(?:度)?(?P<part>上半年|下半年)?", fold(title or ""))
    if annual and re.search(r"重点工作|工作要点|工作计划|重点任务|工作任务|工作安排", title):
        part = annual.group("part")
        ctx.plan_year = int(annual.group("year"))
        ctx.default_deadline = (period_end(ctx.plan_year, part=part), annual.group())
    elif facts.issue_date:
        ctx.plan_year = int(facts.issue_date[:4])
    elif title and re.search(r"(?:19|20)\d{2}", fold(title)):
        ctx.plan_year = int(re.search(r"(?:19|20)\d{2}", fold(title)).group())
    return ctx


def _split(folded: str, start: int, end: int, breaks: str) -> list[tuple[int, int]]:
    """Split folded[start:end] at break characters outside parentheses; returns stripped (start, end) pairs."""
    pieces, depth, begin = [], 0, start
    last_close = folded.rfind(")", start, end)
    for i in range(start, end):
        char = folded[i]
        if char == "(" and i < last_close:
            depth += 1
        elif char == ")" and depth:
            depth -= 1
        elif char in breaks and depth == 0 and not (char in ":," and folded[i - 1:i].isdigit()
                                                    and folded[i + 1:i + 2].isdigit()):
            pieces.append((begin, i))
            begin = i + 1
    pieces.append((begin, end))
    out = []
    for s, e in pieces:
        while s < e and folded[s].isspace():
            s += 1
        while e > s and folded[e - 1].isspace():
            e -= 1
        if e > s:
            out.append((s, e))
    return out


def _paragraphs(ctx: Context, start: int, skip: list[tuple[int, int]]) -> list[_Paragraph]:
    out, offset = [], 0
    for line in ctx.text.split("\n"):
        begin, end = offset, offset + len(line)
        offset = end + 1
        if end <= start or not line.strip() or any(s < end and begin < e for s, e in skip):
            continue
        para = _Paragraph(max(begin, start), end)
        para.clauses = _split(ctx.folded, para.start, para.end, CLAUSE_BREAKS)
        para.masks = [(m.start(), m.end()) for pattern in MASKS for m in pattern.finditer(ctx.text, para.start, end)]
        starts = {s for s, _ in para.clauses}
        label = re.match(r"\s*(?:[(]?[0-9一二三四五六七八九十]{1,3}[).、]|第[一二三四五六七八九十]+条)\s*",
                         ctx.folded[para.start:para.end])
        if label:
            starts.add(para.start + label.end())
        para.deadlines = find_deadlines(ctx.text, ctx.plan_year, para.start, para.end, starts, ctx.folded)
        out.append(para)
    return out


def _valid(ctx: Context, para: _Paragraph, figure: Figure) -> bool:
    """False for figures that are never targets: years, dates, ordinals, layouts, names in quotes."""
    folded = ctx.folded
    before = folded[figure.start - 1] if figure.start else ""
    after = folded[figure.end:figure.end + 1]
    if any(s <= figure.start < e for s, e in para.masks):
        return False
    if before in "第等+" or after == "+" or re.match(r"\([^()]{0,10}\)\+", folded[figure.end:figure.end + 14]):
        return False
    if figure.unit in (None, "年") and 1900 <= figure.value <= 2100 and figure.value.is_integer() and \
            (figure.unit == "年" or after in ("年", "-", "~", "、", "至")):
        return False
    if (figure.unit in ("日", "天") and before == "月") or (figure.unit is None and after in ("月", "号", "日")):
        return False
    return True


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
    for match in BUILD.finditer(ctx.folded, start, figure.start):
        between = ctx.folded[match.end():figure.start]
        if 0 < len(between) <= 30 and "、" not in between and comparator_before(ctx.folded, match.end(), figure.start) \
                is None:
            best = match
    return best


def _clean(ctx: Context, para: _Paragraph, start: int, end: int, drop: list[tuple[int, int]]) -> str:
    """The words of text[start:end] without deadline phrases, scopes and filler words at either end."""
    cut = sorted([(d.start, d.end) for d in para.deadlines] + drop)
    pieces, position = [], start
    for s, e in cut:
        if e <= position or s >= end:
            continue
        pieces.append(ctx.text[position:max(position, s)])
        position = max(position, e)
    pieces.append(ctx.text[position:end])
    words = "".join(pieces)
    previous = None
    while previous != words:
        previous = words
        words = TAIL_FILLERS.sub("", LEAD_FILLERS.sub("", words))
    return words.strip()


def _deadline(ctx: Context, para: _Paragraph, seed: Deadline | None, position: int) -> Deadline | None:
    found = [d for d in para.deadlines if d.end <= position]
    return found[-1] if found else seed


def _paragraph(ctx: Context, para: _Paragraph, seed: Deadline | None) -> list[Found]:
    found: list[Found] = []
    for s_start, s_end in _split(ctx.folded, para.start, para.end, SENTENCE_BREAKS):
        sentence = _Sentence()
        for c_start, c_end in [c for c in para.clauses if s_start <= c[0] < s_end]:
            found += _clause(ctx, para, sentence, seed, c_start, c_end)
    return found


def _clause(ctx: Context, para: _Paragraph, sentence: _Sentence, seed: Deadline | None, start: int,
            end: int) -> list[Found]:
    folded = ctx.folded
    figures = [f for f in find_figures(folded, start, end) if _valid(ctx, para, f)]
    each = target_scopes.EACH.search(folded, start, end)
    if each and (not figures or each.start() < figures[0].start):
        sentence.scope = ctx.text[each.start():each.end()]
    out: list[Found] = []
    segment = start
    i = 0
    while i < len(figures):
        group, tails, j = [figures[i]], [comparator_after(folded, figures[i].end)], i
        distributive = "分别" in folded[segment:figures[i].start]
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
        attributive = head.kind == "percent" and folded[tail.end:tail.end + 1] == "的"
        obj = (tail.end, split) if head.kind == "count" or attributive else (tail.end, tail.end)
        out += _rows(ctx, para, sentence, seed, segment, group, tails, verdict, obj)
        sentence.last_kind = head.kind
        verb = verdict.verb or verdict.noun_verb
        sentence.verb = ctx.text[verb.start():verb.end()] if verb else sentence.verb
        segment = split + 1 if split < end and folded[split] == "、" else obj[1]
        i = j + 1
    if not out:
        lead = _clean(ctx, para, start, end, [(each.start(), each.end())] if each else [])
        lead = LEAD_VERB.sub("", LEAD_CHANGE.sub("", lead))
        if lead and not figures:
            sentence.lead, sentence.lead_start = lead, start
    return out


def _object_end(folded: str, tail_end: int, end: int, head: Figure, rest: list[Figure]) -> int:
    """Where the words after a count end: at the 、 before the next figure of the same kind, else at the clause end."""
    for figure in rest:
        if figure.kind == head.kind:
            cut = folded.rfind("、", tail_end, figure.start)
            if cut >= 0:
                return cut
    return end


@dataclass
class _Verdict:
    """Why a figure is a target: its comparator word before it, and the verb that makes it a count to build."""

    before: Comparator | None = None
    verb: re.Match | None = None
    noun_verb: re.Match | None = None
    gap: str | None = None
    continued: bool = False


def _judge(ctx: Context, sentence: _Sentence, segment: int, end: int, figure: Figure, tail: Tail,
           rest: list[Figure]) -> _Verdict | None:
    """Decide whether a figure is a target (see the module docstring); None when it is not."""
    folded = ctx.folded
    before = comparator_before(folded, segment, figure.start)
    verb = _build_verb(ctx, segment, figure)
    if PAST.search(folded, segment, figure.start):
        return None
    following = folded[tail.end:tail.end + 1]
    later = any(comparator_before(folded, tail.end, f.start) or comparator_after(folded, f.end).type for f in rest)
    if figure.kind in ("duration", "age", "grade") or figure.unit is None:
        closes = not re.match(rf"[{CJK}A-Za-z]", following) or figure.kind in ("duration", "age")
        worded = before and (figure.unit or re.match(rf"[{CJK}]", folded[before.start]))
        return _Verdict(before) if worded and closes else None
    if figure.chinese and not (before or verb):
        return None
    if before or tail.type or tail.approximate:
        condition = later and "的" in folded[tail.end:rest[0].start] if rest else False
        definition = figure.kind == "count" and not verb and "的" in folded[tail.end:end]
        if not before and (condition or definition):
            return None  # a condition inside the indicator: 建有1个及以上…的基层机构占比达到55%
        gap = ctx.text[before.end:figure.start] if before else ""
        return _Verdict(before, verb, None, gap if gap and not re.search(r"[每\d]", gap) else None)
    if verb:
        return _Verdict(None, verb)
    if figure.kind == "count" and re.search(r"有$", folded[segment:figure.start]) and \
            (sentence.scope or "每" in folded[segment:figure.start]):
        return _Verdict()  # 每个村卫生室有1名乡村医生; 每万名居民拥有2-3名全科医生
    if figure.kind in ("count", "money"):
        noun_verb = _build_noun_verb(ctx, segment, figure, tail.end, end)
        if noun_verb:
            return _Verdict(None, None, noun_verb)
    head = folded[segment:figure.start].rstrip()
    if figure.kind == "money" and FUNDING.search(head):
        return _Verdict()
    if figure.kind == "percent" and (following == "的" and not later or RATE_END.search(head) or
                                     CHANGE_END.search(head)):
        return _Verdict()
    # A list item continuing a count: "…3台、高端保健救护车辆3台" or "…培养40名骨干,180名党务工作者".
    item = folded[segment - 1:segment] == "、" and (tail.end >= end or folded[tail.end] in "、,;。")
    if sentence.last_kind == figure.kind == "count" and (item or (segment == figure.start and segment > 0)) and \
            not BUILD.search(folded, segment, figure.start):
        return _Verdict(continued=True)
    return None


def _rows(ctx: Context, para: _Paragraph, sentence: _Sentence, seed: Deadline | None, segment: int,
          group: list[Figure], tails: list[Tail], verdict: _Verdict, obj: tuple[int, int]) -> list[Found]:
    """Turn an accepted figure (or a group of figures sharing their words) into rows."""
    folded, text, head = ctx.folded, ctx.text, group[0]
    if verdict.before:
        subject_end = chain_start(folded, segment, verdict.before)
    elif verdict.verb and head.kind == "count":
        subject_end = verdict.verb.start()
    else:
        subject_end = head.start
    each = [m for m in target_scopes.EACH.finditer(folded, segment, subject_end)]
    if each:
        sentence.scope = text[each[-1].start():each[-1].end()]
    elif target_scopes.OWN_SCOPE.match(folded, segment):
        sentence.scope = None
    subject = _clean(ctx, para, segment, subject_end, [(m.start(), m.end()) for m in each])
    obj_text = text[obj[0]:obj[1]].lstrip("的").strip()
    regions = target_scopes.regions(subject)
    scopes: list[str | None] = [sentence.scope] * len(group)
    if regions:
        subject = ""
    elif len(group) > 1 and "分别" in folded[segment:head.start]:
        split = target_scopes.distribute(subject, len(group))
        deadline = _deadline(ctx, para, seed, head.start)
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
    if not indicator:
        indicator = sentence.indicator or sentence.lead
        inherited = not regions and not sentence.indicator and sentence.lead_start is not None
    indicator = indicator or text[head.start:tails[-1].end]
    sentence.indicator = indicator

    start = segment
    while start < head.start and folded[start] in "、, ":
        start += 1
    if inherited:
        start = sentence.lead_start
    end = max(tails[-1].end, obj[1])
    while end > start and folded[end - 1] in "、, ":
        end -= 1
    words_before = folded[segment:subject_end].rstrip()
    relative = bool(RELATIVE.search(folded, segment, head.start) or
                    (not verdict.verb and not verdict.noun_verb and CHANGE_END.search(words_before)))
    approximate = any(t.approximate for t in tails) or folded[head.start - 1:head.start] == "约"
    deadline = _deadline(ctx, para, seed, head.start)

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
            out.append(Found(figure, comparator, approximate, relative or figure.unit == "个百分点", indicator,
                             scope, date, written, start, end, order=r * len(group) + k))
    return out


def _task_for(tasks: list[dict], start: int, end: int) -> str | None:
    """The innermost task whose span contains [start, end) (else the innermost containing start)."""
    best = None
    for wanted in ((start, end), (start, start + 1)):
        for task in tasks:
            s, e = task.get("char_start"), task.get("char_end")
            if s is None or e is None or not (s <= wanted[0] and wanted[1] <= e):
                continue
            if best is None or (e - s, -(task.get("depth") or 0)) < (best["char_end"] - best["char_start"],
                                                                      -(best.get("depth") or 0)):
                best = task
        if best:
            return best["task_id"]
    return None


def run(plan_id: str, text: str, tasks: list[dict], facts: extract_plans.PlanFacts | None = None) -> list[dict]:
    """Return the rows of the `targets` table for one plan.

    Args:
        plan_id: the plan.
        text: the published normalised text.
        tasks: rows of the plan's `tasks` table (task_id, char_start, char_end, depth); each target gets the
            innermost task containing its quote.
        facts: the plan's facts (read from the text when not given): where the body starts, the title and the
            issue date, which give the plan's year.

    Returns:
        Rows with exactly the `targets` columns, in order of appearance; text[char_start:char_end] == quote.
    """
    facts = facts or extract_plans.run(text)
    ctx = _context(text, facts)
    found, spans = target_tables.read(ctx.text, ctx.folded, facts.body_start, ctx.default_deadline, ctx.plan_year)
    seed = None
    for para in _paragraphs(ctx, facts.body_start, spans):
        found += _paragraph(ctx, para, seed)
        own = para.deadlines[-1] if para.deadlines else seed
        seed = own if ctx.folded[para.start:para.end].rstrip().endswith(":") else \
            (seed if not para.deadlines and re.match(r"\s*(?:[(]?\d{1,2}[).、]|[-•·])", ctx.folded[para.start:])
             else None)
    found.sort(key=lambda f: (f.figure.start, f.order))
    rows = []
    for number, item in enumerate(found, start=1):
        row = {
            "target_id": f"{plan_id}:t{number:03d}", "plan_id": plan_id, "task_id": _task_for(tasks, item.start, item.end),
            "indicator": item.indicator, "comparator": item.comparator, "value": item.figure.value,
            "value_max": item.figure.value_max, "unit": item.figure.unit, "deadline": item.deadline,
            "deadline_text": item.deadline_text, "scope": item.scope, "relative": item.relative,
            "approximate": item.approximate, "quote": text[item.start:item.end], "char_start": item.start,
            "char_end": item.end,
        }
        assert text[row["char_start"]:row["char_end"]] == row["quote"]
        rows.append({c: row[c] for c in COLUMNS})
    return rows
