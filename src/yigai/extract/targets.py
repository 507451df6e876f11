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

Figures as pages write them: Chinese numerals (两个, 十五名, 百分之七十, 九成 and 三成 → 90% and 30%, years such as
二〇二五年底), a comparator after 提高X至 / 降低X到 (提高签约率至50% → at least 50%), and a rate whose % the page lost
(门诊预约诊疗率达到80以上): the unit is taken as % and the row is reported (kind target-unit-inferred). A
per-capita indicator keeps its denominator (每千人口医疗卫生机构床位数达到6.5张: no scope); a 每/各 scope carries
to the later clauses of its sentence unless a clause opens with its own whole-area, regional or per-capita subject
(全市…, 县域内…, 居民…, 人均…). A figure restated in a headline and again in the body gives a row for each, with
its own quote. Run-in labels (1、 ① (2)) are never figures. Achievements are not targets: a figure after 已/目前/
现有, or one whose deadline (十三五期间, 截至2020年底) ended before the year the plan was issued, and every later
figure of that sentence. Targets in tables of indicators are read by yigai.extract.target_tables; the clause rules
are applied by yigai.extract.target_clauses.

Ids are "<plan_id>:t" and the order of the target in the text, at least three digits (t001 … t999, t1000 …), so
they keep the documented pattern however many targets a plan has.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from functools import lru_cache, partial

from yigai.changes import Change
from yigai.extract import outline
from yigai.extract import plans as extract_plans
from yigai.extract import target_tables
from yigai.extract.deadlines import Deadline, find_deadlines, period_end
from yigai.extract.figures import Found, first_hint, fold, may_hold_figures_within
from yigai.extract.target_clauses import (MASK_OPENERS, MASKS, MAX_CLAUSE, Context, Paragraph, Sentence, clause_figures,
                                          read_clause)

CLAUSE_BREAKS = ",;。!?:\n"
SENTENCE_BREAKS = ";。!?\n"
LABEL = re.compile(r"\s*(?:[(]?[0-9一二三四五六七八九十]{1,3}[).、]|[①-⑳]|第[一二三四五六七八九十]+条)\s*")
LIST_ITEM = re.compile(r"\s*(?:[(]?\d{1,2}[).、]|[①-⑳]|[-•·])")
MAX_NESTING = 64
COLUMNS = ("target_id", "plan_id", "task_id", "indicator", "comparator", "value", "value_max", "unit", "deadline",
           "deadline_text", "scope", "relative", "approximate", "quote", "char_start", "char_end")


@dataclass
class Reading:
    """The targets of a plan and the report entries their reading made (units inferred, values not numeric)."""

    rows: list[dict] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)


def _context(text: str, facts: extract_plans.PlanFacts) -> Context:
    ctx = Context(text=text, folded=fold(text))
    title = facts.title.text if facts.title else (facts.notice_title.text if facts.notice_title else "")
    annual = re.search(r"(?P<year>(?:19|20)\d{2})年(?:度)?(?P<part>上半年|下半年)?", fold(title or ""))
    if facts.issue_date:
        ctx.issue_year = int(facts.issue_date[:4])
    if annual and re.search(r"重点工作|工作要点|工作计划|重点任务|工作任务|工作安排", title):
        part = annual.group("part")
        ctx.plan_year = int(annual.group("year"))
        ctx.default_deadline = (period_end(ctx.plan_year, part=part), annual.group())
    elif facts.issue_date:
        ctx.plan_year = int(facts.issue_date[:4])
    elif title and re.search(r"(?:19|20)\d{2}", fold(title)):
        ctx.plan_year = int(re.search(r"(?:19|20)\d{2}", fold(title)).group())
    return ctx


@lru_cache(maxsize=8)
def _splitters(breaks: str) -> re.Pattern:
    """The characters `split` looks at: brackets and the given break characters."""
    return re.compile("[()" + re.escape(breaks) + "]")


def split(folded: str, start: int, end: int, breaks: str) -> list[tuple[int, int]]:
    """Split folded[start:end] at break characters outside parentheses; returns stripped (start, end) pairs.

    A piece longer than MAX_CLAUSE characters (no punctuation for that long: not prose) is cut into pieces of
    that size, so that reading it stays linear in its length.
    """
    return _pieces(folded, start, end, _breaks(folded, start, end, breaks))


def clauses_and_sentences(folded: str, start: int, end: int) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """split(folded, start, end, CLAUSE_BREAKS) and split(folded, start, end, SENTENCE_BREAKS), in one scan.

    Where a character breaks depends only on the parentheses around it (and, for : and , alone, on the digits
    beside it), and every sentence break is a clause break: the sentence breaks are the clause breaks that are
    sentence break characters.
    """
    breaks = _breaks(folded, start, end, CLAUSE_BREAKS)
    sentence_breaks = [i for i in breaks if folded[i] in SENTENCE_BREAKS]
    return _pieces(folded, start, end, breaks), _pieces(folded, start, end, sentence_breaks)


def _breaks(folded: str, start: int, end: int, breaks: str) -> list[int]:
    """The offsets in folded[start:end] of the break characters outside parentheses (not : or , between digits)."""
    out, depth = [], 0
    last_close = folded.rfind(")", start, end)
    for match in _splitters(breaks).finditer(folded, start, end):
        i, char = match.start(), match.group()
        if char == "(" and i < last_close:
            depth += 1
        elif char == ")" and depth:
            depth -= 1
        elif char in breaks and depth == 0 and not (char in ":," and folded[i - 1:i].isdigit()
                                                    and folded[i + 1:i + 2].isdigit()):
            out.append(i)
    return out


def _pieces(folded: str, start: int, end: int, breaks: list[int]) -> list[tuple[int, int]]:
    """The stripped pieces of folded[start:end] between the `breaks` (see split)."""
    out, begin = [], start
    for stop in (*breaks, end):  # the pieces begin..stop between the breaks, in one pass
        s, e, begin = begin, stop, stop + 1
        while s < e and folded[s].isspace():
            s += 1
        while e > s and folded[e - 1].isspace():
            e -= 1
        while e - s > MAX_CLAUSE:
            out.append((s, s + MAX_CLAUSE))
            s += MAX_CLAUSE
        if e > s:
            out.append((s, e))
    return out


def _paragraphs(ctx: Context, start: int, skip: list[tuple[int, int]], cells: list[tuple[int, int]]):
    """Yield the paragraphs (lines) of the body after `start` that are not inside a table of targets.

    A line that is a row of a table of tasks (`cells`: the spans of their task cells) is read in its task cell only:
    its other cells are bodies, times and row numbers.
    """
    offset, k, c = 0, 0, 0
    skip = sorted(skip)
    for line in ctx.text.split("\n"):
        begin, end = offset, offset + len(line)
        offset = end + 1
        while k < len(skip) and skip[k][1] <= begin:
            k += 1
        if end <= start or not line.strip() or (k < len(skip) and skip[k][0] < end):
            continue
        while c < len(cells) and cells[c][1] <= begin:
            c += 1
        if c < len(cells) and cells[c][0] < end:
            begin, end = cells[c]
        para_start = max(begin, start)
        # A paragraph that cannot hold a figure states no target: it is not split into clauses to be read (but
        # its deadlines may still be read, for the paragraphs after it).
        hint = first_hint(ctx.folded, para_start, end)
        clauses, sentences = clauses_and_sentences(ctx.folded, para_start, end) if hint else (None, [])
        paragraph = Paragraph(para_start, end, clauses, partial(_deadlines, ctx, para_start, end, clauses),
                              partial(_masks, ctx, para_start, end), sentences)
        paragraph.hint = hint
        yield paragraph


def _deadlines(ctx: Context, start: int, end: int, clauses: list[tuple[int, int]] | None) -> list[Deadline]:
    """The deadline phrases of a paragraph; a bare year counts where a clause (or the text after a label) opens."""
    if clauses is None:
        clauses = split(ctx.folded, start, end, CLAUSE_BREAKS)
    starts = {s for s, _ in clauses}
    label = LABEL.match(ctx.folded, start, end)
    if label:
        starts.add(label.end())
    return find_deadlines(ctx.text, ctx.plan_year, start, end, starts, ctx.folded)


def _masks(ctx: Context, start: int, end: int) -> list[tuple[int, int]]:
    """The spans of a paragraph whose figures are never targets: names in quotes, titles, document numbers."""
    text, spans = ctx.text, []
    for pattern, openers in zip(MASKS, MASK_OPENERS):
        for opener in openers:
            if text.find(opener, start, end) >= 0:
                spans += [(m.start(), m.end()) for m in pattern.finditer(text, start, end)]
                break
    return spans


def _paragraph(ctx: Context, para: Paragraph, seed: Deadline | None) -> list[Found]:
    found: list[Found] = []
    clauses, c = para.clauses, 0
    if not clauses:  # no clause, or none that may hold a figure (see _paragraphs)
        return found
    for s_start, s_end in para.sentences:
        while c < len(clauses) and clauses[c][0] < s_start:
            c += 1
        first = c
        while c < len(clauses) and clauses[c][0] < s_end:
            c += 1
        # Clauses are in order and do not overlap (see split), so the last one ends the furthest.
        if first == c or not may_hold_figures_within(ctx.folded, para.hint, clauses[first][0], clauses[c - 1][1]):
            continue
        # A clause that ends by the paragraph's first possible figure holds none (see may_hold_figures_within).
        figures = [clause_figures(ctx, para, *clauses[k]) if clauses[k][1] > para.hint[0] else []
                   for k in range(first, c)]
        # What read_clause carries in `sentence` is read only by the later clauses of the sentence, and a clause
        # without figures gives no target: the clauses after the sentence's last one with figures are not read.
        last = len(figures)
        while last and not figures[last - 1]:
            last -= 1
        if not last:
            continue  # a sentence without figures states no target (what its clauses carry ends with it)
        sentence = Sentence(earlier=found[-1].indicator if found else None)
        for k in range(last):
            found += read_clause(ctx, para, sentence, seed, *clauses[first + k], figures=figures[k])
    return found


class _Tasks:
    """The tasks of a plan ordered by start, to find the innermost task containing a span by bisection."""

    def __init__(self, tasks: list[dict]):
        self.tasks = sorted((t for t in tasks if t.get("char_start") is not None and t.get("char_end") is not None),
                            key=lambda t: (t["char_start"], -t["char_end"]))
        self.starts = [t["char_start"] for t in self.tasks]
        # For each position in the order, the largest end among the tasks up to it: a task starting at or before
        # `start` can contain it only if this reach is beyond it, which bounds the walk back.
        self.reach, reach = [], -1
        for task in self.tasks:
            reach = max(reach, task["char_end"])
            self.reach.append(reach)

    def innermost(self, start: int, end: int) -> str | None:
        """The innermost task whose span contains [start, end) (else the innermost containing start).

        Task spans do not overlap in practice (an item's span ends where its first sub-item begins), so the walk
        back from the last task starting at or before `start` stops at once; it is capped at MAX_NESTING steps.
        """
        for wanted in ((start, end), (start, start + 1)):
            best = None
            k = bisect.bisect_right(self.starts, wanted[0]) - 1
            steps = 0
            while k >= 0 and self.reach[k] >= wanted[1] and steps < MAX_NESTING:
                task = self.tasks[k]
                if task["char_end"] >= wanted[1]:
                    key = (task["char_end"] - task["char_start"], -(task.get("depth") or 0))
                    if best is None or key < best[0]:
                        best = (key, task)
                k -= 1
                steps += 1
            if best:
                return best[1]["task_id"]
        return None


def _row_deadline(ctx: Context, item: Found, task: dict | None) -> tuple[str | None, str | None]:
    """A target's deadline: the one its own words state, else its table row's time (完成时限), else the plan's.

    A target read from a row of a table of tasks whose time column gives a deadline (…比例不低于80% | 县医保局 |
    2024年10月底) takes that deadline when its own words state none.
    """
    stated = item.deadline is not None and not (ctx.default_deadline and item.deadline_text == ctx.default_deadline[1])
    if stated or task is None or not str(task.get("path", "")).startswith("A") or not task.get("deadline"):
        return item.deadline, item.deadline_text
    return task["deadline"], task.get("deadline_text")


def _ends_with_colon(folded: str, start: int, end: int) -> bool:
    """folded[start:end].rstrip().endswith(":"), without copying the paragraph when its last character is no space."""
    if end > start and not folded[end - 1].isspace():
        return folded[end - 1] == ":"
    return folded[start:end].rstrip().endswith(":")


def read(plan_id: str, text: str, tasks: list[dict], facts: extract_plans.PlanFacts | None = None) -> Reading:
    """Read the targets of one plan (see run) and the report entries of their reading."""
    facts = facts or extract_plans.run(text)
    ctx = _context(text, facts)
    found, spans = target_tables.read(ctx, facts.body_start)
    seed = None
    for para in _paragraphs(ctx, facts.body_start, spans, outline.task_cells(text, facts.body_start)):
        found += _paragraph(ctx, para, seed)
        # The deadline a paragraph hands on: a lead-in's (ending with a colon) own last one, else the one it had,
        # through list items that state none; the paragraph's deadlines are read only when they decide it.
        if _ends_with_colon(ctx.folded, para.start, para.end):
            seed = para.deadlines[-1] if para.deadlines else seed
        elif seed is not None and LIST_ITEM.match(ctx.folded, para.start):
            seed = None if para.deadlines else seed
        else:
            seed = None
    found.sort(key=lambda f: (f.figure.start, f.order))
    lookup = _Tasks(tasks)
    reading = Reading(changes=sorted(ctx.changes, key=lambda c: (c.char_start or 0)))
    by_id = {task["task_id"]: task for task in tasks}
    for number, item in enumerate(found, start=1):
        task_id = lookup.innermost(item.start, item.end)
        deadline, deadline_text = _row_deadline(ctx, item, by_id.get(task_id))
        reading.rows.append({  # the columns in the order of COLUMNS
            "target_id": f"{plan_id}:t{number:03d}", "plan_id": plan_id, "task_id": task_id,
            "indicator": item.indicator, "comparator": item.comparator, "value": item.figure.value,
            "value_max": item.figure.value_max, "unit": item.figure.unit, "deadline": deadline,
            "deadline_text": deadline_text, "scope": item.scope, "relative": item.relative,
            "approximate": item.approximate, "quote": text[item.start:item.end], "char_start": item.start,
            "char_end": item.end,
        })
    return reading


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
    return read(plan_id, text, tasks, facts).rows
