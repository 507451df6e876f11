"""Read who is responsible for a task from its responsibility clauses in brackets (prose: yigai.extract.prose).

Clause styles (the brackets may be half- or full-width; items are separated by 、 and segments by ，,；;):

* labelled: (牵头单位:A,相关责任单位:B、C) → A lead (rule labelled-lead), B and C co (labelled-co). Other labels
  of the same meaning: 牵头部门; 相关责任部门, 配合单位/部门, 协办单位, 参与单位.
* lead verb and shared duty: (A牵头,B、C等部门,D等按职责分工负责) → A lead (lead-verb); B, C, D co (shared-duty).
  Several bodies may lead ("A、B牵头"); a clause that opens with "A负责" (plain 负责, not 分工负责) names A as lead
  too. When no body is said to lead ("(B、C等部门按职责分工负责)"), the first body named is taken as lead and the
  others as co, all flagged: the text does not say who leads, though the first body is the main one.
* unlabelled list: (责任单位:A、B、C) or a bare list → the first body is taken as lead and the others as co, all
  flagged (rule unlabelled-list): the text does not say who leads. When the clause does name a lead ("牵头单位:A;
  责任单位:B" or "责任单位:A牵头,B"), the listed bodies are co (labelled-co); bare names with neither label nor verb
  next to a lead are co and flagged (shared-duty).
* a line of its own that opens with such a label and is not in brackets (责任单位：A、B) is read like a clause.
* inherited: a segment "以下均需A及B负责,不再列出" makes A and B co-responsible (rule inherited) for every later
  task of the same outline level; they are recorded with the words and position printed in the clause.

Bodies named in prose (rule prose) are read by yigai.extract.prose.

Mentions are trimmed of trailing 等部门 / 等单位 / 等 / 按职责分工负责 / 负责 / 牵头; `text` is the trimmed words
as printed and start/end are their offsets in the published text. Whether a mention is a body at all (and which)
is decided when it is resolved.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from yigai import textscan


CLAUSE = re.compile(r"[(（]((?:[^()（）]|[(（][^()（）]{1,30}[)）]){2,600})[)）]")   # one level of brackets inside
# A responsibility line without brackets, on a line of its own: 责任单位：市卫生健康委、市医保局 (its content).
LABEL_LINE_TEXT = r"(?:牵头单位|牵头部门|责任单位|责任部门|负责单位|负责部门|配合单位|配合部门|实施单位)\s*[:：][^\n]{2,300}(?=\n|$)"
LABEL_LINE = re.compile(r"(?<=\n)" + LABEL_LINE_TEXT)
# LABEL_LINE with the line break before it: scanned for from its "\n" in C (see clause_spans).
LABEL_LINE_BREAK = re.compile(r"\n" + LABEL_LINE_TEXT)
CLAUSE_CUE = re.compile(r"牵头|责任单位|责任部门|负责单位|负责部门|按职责分工负责|分工负责|配合单位|配合部门|协办单位|负责\s*$")
LABELS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^(牵头单位|牵头部门|牵头)\s*[:：]"), "lead"),
    (re.compile(r"^(相关责任单位|相关责任部门|配合单位|配合部门|协办单位|参与单位|相关单位|相关部门)\s*[:：]"), "co"),
    (re.compile(r"^(责任单位|责任部门|负责单位|负责部门|实施单位)\s*[:：]"), "list"),
)
INHERIT = re.compile(r"^以下(?:各项|任务)?(?:均需|均由|均请|均要|均)(?P<who>.+?)(?:负责|牵头|配合|落实)?(?:[,，]?不再(?:一一)?列出)?$")
SHARED_END = re.compile(r"(按职责分工负责|按职责负责|分工负责|共同负责|负责|(?:给予|予以)(?:支持|配合|协助)|配合|参与)$")
LEAD_END = re.compile(r"牵头$")
PLAIN_DUTY_END = re.compile(r"(?<!等)(?<!分工)(?<!职责)负责$")
TRIM_END = re.compile(r"(等部门|等单位|等机构|等|按职责分工负责|按职责负责|分工负责|共同负责|负责|牵头|(?:给予|予以)(?:支持|配合|协助)|配合|参与|分别)$")
TRIM_START = re.compile(r"^(由|请|及|和)")
OPENING, CLOSING = "（(〔[【", "）)〕]】"
OPENING_MARK = re.compile("[" + re.escape(OPENING) + "]")
RUN_BREAK = re.compile("[、/]")
# A level word opening a body's name (省卫生健康委, 自治区医保局), not a word like 市场 or 区域.
LEVEL_WORD = re.compile(r"^(?:自治区|自治州|省|市(?!场)|县(?!域)|区(?!域)|州|盟|旗)(?=[\u4e00-\u9fff]{2})")
# A body named with a level, a place, a scope or the party (县卫生健康局, 各地, 中共…工委) keeps its own words.
PLACED = re.compile(r"[省市县区州旗盟]|^(?:各|全|本|中共|党)")
# A segment of a clause: up to a comma or semicolon, or up to spaces before the next label (牵头单位：A 配合单位：B).
SEGMENT = re.compile(r"(?:[^，,；;\s]|\s+(?!(?:牵头|责任|配合|协办|参与|相关|负责|实施)[^\s:：,，;；]{0,6}[:：])(?=[^，,；;\s]))+")
BODY_SUFFIX = ("局", "委", "委员会", "办", "办公室", "厅", "组织部", "宣传部", "统战部", "中心", "管委会", "政府", "联合会",
               "残联", "工会", "工委", "署")

# "<level>级<function>(行政)部门": one body when the level is the plan's own (decided when resolving).
CLASS_PHRASE = re.compile(r"^(省|自治区|市|州|盟|区|县|旗)级.{1,12}?(行政部门|主管部门|部门)$")


@dataclass
class Mention:
    """A body named in a task's text.

    Attributes:
        text: the trimmed words as printed.
        start: offset of the words in the published text.
        end: end offset (exclusive).
        role: lead | co, or None when the prose does not state it (decided by the caller).
        rule: the documented rule (code list `rule`).
        flagged: True when the row rests on an assumption.
        inherited: True for a body a clause assigns to every later task ("以下均需…不再列出").
        name: the words to resolve when they differ from the printed ones (广州 in 广州、深圳市三级公立医院 stands for
            广州市三级公立医院); None otherwise.
    """

    text: str
    start: int
    end: int
    role: str | None
    rule: str
    flagged: bool = False
    inherited: bool = False
    name: str | None = None

    @property
    def resolvable(self) -> str:
        """The words to resolve to a body."""
        return self.name or self.text


def looks_like_body(name: str) -> bool:
    """True when the words end like the name of a government body (局, 委员会, 办公室, 人民政府 …)."""
    return name.endswith(BODY_SUFFIX)


@textscan.per_text   # tasks, responsibilities and prose read the same task spans of a plan
def clause_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Spans of the responsibility clauses in text[start:end]: in brackets (brackets included), or a line of its own
    that opens with a label (责任单位：A、B); the reader skips one character at either end of a span."""
    found = [(m.start(), m.end()) for m in CLAUSE.finditer(text, start, end) if CLAUSE_CUE.search(m.group(1))]
    # a match of LABEL_LINE_BREAK at p - 1 is one of LABEL_LINE at p (whose look-behind sees text[p - 1] even
    # when p == start), so scanning from start - 1 finds the same lines
    found += [(m.start(), m.end() + 1) for m in LABEL_LINE_BREAK.finditer(text, max(start - 1, 0), end)]
    found.sort()
    return found


def _trim(piece: str) -> tuple[str, int]:
    """Trim connectives and trailing 等部门/负责/牵头 from a name; return (name, offset of the name in piece)."""
    name, lead = piece, 0
    while True:
        stripped = name.lstrip()
        lead += len(name) - len(stripped)
        trimmed = TRIM_END.sub("", stripped.rstrip())
        head = TRIM_START.match(trimmed)
        if head:
            lead += head.end()
            trimmed = trimmed[head.end():]
        if trimmed == name:
            return name, lead
        name = trimmed


def items(text: str, offset: int) -> list[tuple[str, int, int]]:
    """Split a run of body names into trimmed (name, start, end) triples."""
    out = []
    for run, run_start in _runs(text):
        for piece, rel in _split_and(run):
            name, lead = _trim(piece)
            if name:
                start = offset + run_start + rel + lead
                out.append((name, start, start + len(name)))
    return out


def _runs(text: str) -> list[tuple[str, int]]:
    """The runs of text between 、 and / outside brackets (各区（市、县）政府 is one run), with their offsets."""
    if OPENING_MARK.search(text) is None:   # outside brackets throughout (a closing bracket alone changes nothing)
        runs, at = [], 0
        for run in RUN_BREAK.split(text):
            if run:
                runs.append((run, at))
            at += len(run) + 1
        return runs
    return _walked_runs(text)


def _walked_runs(text: str) -> list[tuple[str, int]]:
    """`_runs` read by a walk over the characters, keeping count of the brackets open."""
    runs, depth, start = [], 0, 0
    for i, char in enumerate(text):
        if char in OPENING:
            depth += 1
        elif char in CLOSING and depth:
            depth -= 1
        elif char in "、/" and not depth:
            runs.append((text[start:i], start))
            start = i + 1
    runs.append((text[start:], start))
    return [(run, at) for run, at in runs if run]


def _split_and(part: str) -> list[tuple[str, int]]:
    """Split "A及B" when A already ends like a body name (so that 人力资源和社会保障局 stays whole)."""
    for joiner in ("及", "和", "与"):
        index = part.find(joiner)
        while index > 0:
            left = TRIM_END.sub("", part[:index].strip())
            if looks_like_body(left):
                rest = part[index + 1:]
                return [(part[:index], 0)] + [(p, index + 1 + r) for p, r in _split_and(rest)]
            index = part.find(joiner, index + 1)
    return [(part, 0)]


def shared_level(names: list[str]) -> list[str]:
    """The names to resolve of a list whose first body states its level (自治区医保局、卫生健康委): a later body
    named without a level, place or party word (卫生健康委) is of the same level (自治区卫生健康委)."""
    first = LEVEL_WORD.match(names[0]) if names else None
    if first is None:
        return names
    return names[:1] + [first.group() + name if looks_like_body(name) and not PLACED.search(name) else name
                        for name in names[1:]]


def _levelled(found: list[tuple[str, int, int]]) -> dict[int, str]:
    """start → name to resolve, for the bodies of one list that take the level of its first body."""
    names = shared_level([name for name, _, _ in found])
    return {start: name for (printed, start, _), name in zip(found, names) if name != printed}


def read_clause(text: str, start: int, end: int) -> list[Mention]:
    """Read one responsibility clause, text[start:end] being its content without the brackets."""
    mentions: list[Mention] = []
    levelled: dict[int, str] = {}
    # bodies with neither a role label nor a verb yet: (name, start, end, listed after 责任单位:)
    waiting: list[tuple[str, int, int, bool]] = []
    mode: str | None = None
    has_lead = False
    shared: list[Mention] = []
    for match in SEGMENT.finditer(text[start:end]):
        segment = match.group()
        stripped = segment.strip()
        if not stripped:
            continue
        seg_start = start + match.start() + len(segment) - len(segment.lstrip())
        label = next(((m, kind) for pattern, kind in LABELS if (m := pattern.match(stripped))), None)
        if label:
            found, mode = label
            body = stripped[found.end():]
            found_items = items(body, seg_start + found.end())
        else:
            body, found_items = stripped, items(stripped, seg_start)
            inherit = INHERIT.match(stripped)
            if inherit:
                who_start = seg_start + inherit.start("who")
                mentions += [Mention(n, s, e, "co", "inherited", inherited=True)
                             for n, s, e in items(inherit.group("who"), who_start)]
                continue
            if stripped.startswith("不再"):
                continue
        levelled.update(_levelled(found_items))
        if mode == "lead":
            mentions += [Mention(n, s, e, "lead", "labelled-lead") for n, s, e in found_items]
            has_lead = has_lead or bool(found_items)
        elif mode == "co":
            mentions += [Mention(n, s, e, "co", "labelled-co") for n, s, e in found_items]
        elif LEAD_END.search(body) or (PLAIN_DUTY_END.search(body) and not (has_lead or waiting or shared)):
            mentions += [Mention(n, s, e, "lead", "lead-verb") for n, s, e in found_items]
            has_lead = has_lead or bool(found_items)
        elif SHARED_END.search(body):
            shared += [Mention(n, s, e, "co", "shared-duty") for n, s, e, _ in waiting]
            shared += [Mention(n, s, e, "co", "shared-duty") for n, s, e in found_items]
            waiting = []
        else:
            waiting += [(n, s, e, mode == "list") for n, s, e in found_items]
    for mention in shared:
        mention.flagged = not has_lead
    if shared and not has_lead:    # nobody is said to lead: the first body named is taken as lead (flagged)
        shared[0].role = "lead"
    mentions += shared
    for i, (name, s, e, listed) in enumerate(waiting):
        if has_lead or shared:   # 责任单位/bare names next to a stated lead share the task
            mentions.append(Mention(name, s, e, "co", "labelled-co" if listed else "shared-duty",
                                    flagged=not listed or not has_lead))
        else:
            mentions.append(Mention(name, s, e, "lead" if i == 0 else "co", "unlabelled-list", flagged=True))
    for mention in mentions:
        mention.name = levelled.get(mention.start, mention.name)
    return mentions


def read_clauses(text: str, start: int, end: int) -> list[Mention]:
    """Read every responsibility clause in text[start:end]."""
    mentions: list[Mention] = []
    for clause_start, clause_end in clause_spans(text, start, end):
        mentions += read_clause(text, clause_start + 1, clause_end - 1)
    return mentions
