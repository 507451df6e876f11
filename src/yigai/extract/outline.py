"""Read the numbered outline and the flattened annex tables of a plan body from its published text.

The outline is the tree a reader sees: sections (一、), items ((一) or （一）), sub-items (1. １. 1、), and
further levels ((1), ①). Levels are assigned by the order in which numbering styles first appear, the way a
reader does: the first style met is level 1, a new style met below it is level 2, and a style met again closes
every level below it. Numbers themselves are kept as printed and never trusted for structure, so an outline whose
labels are misnumbered still gets one node per item in the right place.

An item's own text runs from its label to the next labelled line (any level), so it includes unlabelled
paragraphs after it (targets, responsibility clauses, the paragraphs of a section heading) but not its sub-items.
The outline stops at the first annex marker (附件…, 附表…), at the header of a flattened table, at a closing
paragraph after the last item (本方案自印发之日起实施; 各区各单位要…, unless it is the only paragraph under a last section
printed as a bare heading), which belongs to the document, not the item,
or at a signature block closing the document (the issuing bodies' names above a date line of their own).

Annex tables of tasks are recognised from their header cells (序号, then column names such as 工作任务 / 牵头部门 /
相关责任部门 / 完成时间) and read back into rows, in both layouts a scraped page gives them: "flattened" (one cell per
line, as happens when a web page's table is copied as text) and one row per line (cells split at ``|``, tabs or runs
of spaces, as yigai.extract.table_layouts splits tables of indicators).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from yigai import textscan
from yigai.extract import table_layouts
from yigai.extract.plans import is_signature_date, is_signer

CN_NUMERAL = "一二三四五六七八九十百零〇"
DIGIT = "0-9０-９"
CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
# Numbering styles, in no particular order: which level each takes is decided by the document.
LABEL_STYLES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("part", re.compile(rf"第[{CN_NUMERAL}]{{1,4}}(?:部分|章|节)\s*")),
    ("article", re.compile(rf"第[{CN_NUMERAL}]{{1,4}}条\s*")),
    ("cn-dun", re.compile(rf"[{CN_NUMERAL}]{{1,4}}、")),
    ("cn-paren", re.compile(rf"[(（][{CN_NUMERAL}]{{1,4}}[)）]")),
    # 1. １. 1． 1、 but not a decimal figure at the start of a line ("1.5倍"); "１.2019年" is a label and a year.
    ("arabic", re.compile(rf"[{DIGIT}]{{1,3}}(?:[.．](?:(?![{DIGIT}])|(?=[{DIGIT}]{{4}}年))|、)")),
    ("arabic-paren", re.compile(rf"[(（][{DIGIT}]{{1,3}}[)）]")),
    ("circled", re.compile(rf"[{CIRCLED}]")),
)
# The characters a label of each style can open with (the first character class or literal of its pattern).
_OPENING_CHARACTERS = {"part": "第", "article": "第", "cn-dun": CN_NUMERAL, "cn-paren": "(（",
                       "arabic": "0123456789０１２３４５６７８９", "arabic-paren": "(（", "circled": CIRCLED}
# The styles, in the order of LABEL_STYLES, that a line opening with a given character can have.
_STYLES_BY_OPENING: dict[str, tuple[tuple[str, re.Pattern[str]], ...]] = {
    character: tuple((style, pattern) for style, pattern in LABEL_STYLES if character in _OPENING_CHARACTERS[style])
    for character in "".join(_OPENING_CHARACTERS.values())}
ANNEX_MARKER = re.compile(r"^(附件|附表)\s*[0-9０-９一二三四五六七八九十]*\s*([:：]|$)|^(附件|附表)\s*[0-9０-９]+\s")
CLOSING = re.compile(r"^本(实施)?(方案|意见|计划|办法|通知|规定|细则|任务|要点)(自|从|由|有效|执行|施行|印发|发布)")
# A closing call on every addressee (各区各单位要…): the document's, not the last item's, unless it is the only
# paragraph of a last section printed as a bare heading (三、保障措施 / 各地要加强组织领导…), whose content it is.
ADDRESS_ALL = re.compile(r"^各(区|县|市|地|级|部门|单位|地区)[^，,。；;]{0,8}(要|应|务必|须)")
BARE_HEADING = re.compile(r"^[^，,。；;：:]{1,30}$")
# A run-in deadline that opens a paragraph ("到2025年底，…").
DEADLINE_OPENING = re.compile(r"^(到|至|截至|截止)\s*(19|20)\d{2}年")

# Header cells of flattened tables, by the column's meaning.
TABLE_NUMBER_CELLS = ("序号", "编号")
TABLE_COLUMNS: dict[str, tuple[str, ...]] = {
    "task": ("工作任务", "重点任务", "主要任务", "改革任务", "具体任务", "任务内容", "工作内容", "主要内容", "重点工作",
             "工作事项", "任务"),
    "lead": ("牵头部门", "牵头单位", "牵头"),
    "co": ("相关责任部门", "相关责任单位", "配合部门", "配合单位", "协办单位", "参与单位", "相关部门", "相关单位"),
    "responsible": ("责任部门", "责任单位", "负责部门", "负责单位", "实施单位"),
    "time": ("完成时间", "完成时限", "时间进度", "时间节点", "时间安排", "进度安排", "时限", "时间"),
}
MAX_HEADER_CELL = 8
MAX_COLUMNS = 10
RULE_LINE = re.compile(r"^[|｜]?(?:\s*:?-{3,}:?\s*[|｜])+\s*(?::?-{3,}:?)?\s*$")
TIME_CELL = re.compile(rf"^((到|至)?\s*(19|20)\d{{2}}\s*年|(19|20)\d{{2}}[.．\-/]|年内|年底|长期|持续|常态|每年)")


@dataclass
class Line:
    """A non-empty line of the published text, stripped (start/end are offsets of the stripped text)."""

    text: str
    start: int
    end: int


@dataclass
class Node:
    """One item of the outline.

    Attributes:
        label: the label as printed (一、 (三) 4. １.).
        style: the numbering style of the label (a key of LABEL_STYLES).
        depth: level in the tree, 1 for top-level sections.
        lines: the item's own lines: the labelled line, then its unlabelled paragraphs.
        children: sub-items in order.
        parent: the enclosing item (None at the top).
        merged: labels of paragraphs merged into this item as continuations (see merge_continuations).
    """

    label: str
    style: str
    depth: int
    lines: list[Line]
    children: list[Node] = field(default_factory=list)
    parent: Node | None = field(default=None, repr=False)
    merged: list[Line] = field(default_factory=list)

    @property
    def start(self) -> int:
        """Offset of the label."""
        return self.lines[0].start

    @property
    def end(self) -> int:
        """Offset (exclusive) of the end of the item's own text."""
        return self.lines[-1].end

    @property
    def first_line(self) -> str:
        """The labelled line without its label."""
        return self.lines[0].text[len(self.label):].lstrip()


@dataclass
class Table:
    """A flattened table: its column meanings, the span of its header and its rows (lists of cells)."""

    columns: list[str]
    start: int
    rows: list[list[Line]]




@textscan.per_text   # the outline, its tables and the targets read the same lines of a plan; nothing changes a Line
def lines_of(text: str, start: int = 0, end: int | None = None) -> list[Line]:
    """Return the non-empty lines of text[start:end], stripped, with their offsets in `text`."""
    start, end = max(start, 0), max(end, 0)   # bounds read as a regex scan of the lines ([^\n]+) reads them
    found = []
    at = start
    for raw in text[start:end].split("\n"):   # the runs without a line break, and empty ones
        stripped = raw.strip()
        if stripped:
            offset = at + (len(raw) - len(raw.lstrip()))
            found.append(Line(stripped, offset, offset + len(stripped)))
        at += len(raw) + 1
    return found


def label_of(line: str) -> tuple[str, str] | None:
    """Return (style, label) when the line starts with an outline label, else None.

    Only the styles whose labels can open with the line's first character are tried: the others cannot match.
    """
    for style, pattern in _STYLES_BY_OPENING.get(line[:1], ()):
        match = pattern.match(line)
        if match and len(line) > match.end():
            return style, match.group().rstrip()
    return None


def _table_header(lines: list[Line], i: int) -> tuple[list[str], int] | None:
    """If a flattened table header starts at lines[i], return (column meanings, index of the first data line).

    The header is 序号 followed by short cells up to the first row number "1"; cells of unknown meaning become
    "other" columns. It must name a task column and at least one more known column.
    """
    if lines[i].text not in TABLE_NUMBER_CELLS:
        return None
    columns = ["number"]
    j = i + 1
    while j < len(lines) and lines[j].text != "1":
        if len(lines[j].text) > MAX_HEADER_CELL or len(columns) > MAX_COLUMNS:
            return None
        columns.append(_column_meaning(lines[j].text) or "other")
        j += 1
    known = [c for c in columns[1:] if c != "other"]
    return (columns, j) if j < len(lines) and "task" in known and len(known) >= 2 else None


def _row_cells(line: Line) -> list[Line]:
    """The cells of a line of a one-row-per-line table (split at |, tabs or runs of spaces), with their offsets."""
    cells = table_layouts.split_cells(table_layouts.Cell(line.text, line.start, line.end))
    return [Line(cell.text, cell.start, cell.end) for cell in cells]


def _row_table(lines: list[Line], i: int) -> tuple[Table, int] | None:
    """If lines[i] is the header of a one-row-per-line table of tasks, return the table and the index after it.

    The header is 序号 and the columns' names on one line, naming a task column and at least one more known column;
    each row is one line whose first cell is the next row number and which has no more cells than the header.
    """
    if not lines[i].text.lstrip("|｜ ").startswith(TABLE_NUMBER_CELLS):
        return None
    header = _row_cells(lines[i])
    if len(header) < 3 or header[0].text not in TABLE_NUMBER_CELLS or len(header) > MAX_COLUMNS + 1:
        return None
    columns = ["number"] + [_column_meaning(cell.text) or "other" for cell in header[1:]]
    known = [c for c in columns[1:] if c != "other"]
    if "task" not in known or len(known) < 2:
        return None
    table = Table(columns=columns, start=lines[i].start, rows=[])
    j = i + 1
    if j < len(lines) and RULE_LINE.match(lines[j].text):
        j += 1      # a Markdown table's |---|---| line
    while j < len(lines):
        cells = _row_cells(lines[j])
        if not 2 <= len(cells) <= len(columns) or cells[0].text != str(len(table.rows) + 1):
            break
        table.rows.append(cells)
        j += 1
    return (table, j) if table.rows else None


def task_cells(text: str, start: int = 0) -> list[tuple[int, int]]:
    """The spans of the task cells of the tables of tasks after `start` whose rows are one line each."""
    spans = []
    for table in find_tables(text, start):
        for row in table.rows:
            task = table_cells(table, row).get("task")
            if task and len(task) == 1 and "\n" not in text[row[0].start:row[-1].end]:
                spans.append((task[0].start, task[0].end))
    return spans


def _column_meaning(cell: str) -> str | None:
    for meaning, names in TABLE_COLUMNS.items():
        if cell in names:
            return meaning
    return None


def find_tables(text: str, start: int = 0) -> list[Table]:
    """Read every flattened table after `start`.

    A row starts at a line holding the next row number (1, 2, …) and takes the cells up to the next row number. When
    the last column holds the time, a row also ends at the first cell after the task that reads as a time
    (2017年底前, 年内, 长期), so that text after the last row is not swallowed. The tables are those of the text
    read now, remembered for the other readers of the plan (tasks, responsibilities, targets); nothing changes them.
    """
    return _tables_after(text, start)


@textscan.per_text
def _tables_after(text: str, start: int, end: int) -> list[Table]:
    """find_tables (`end` is always the text's end)."""
    lines = lines_of(text, start, end)
    tables: list[Table] = []
    i = 0
    while i < len(lines):
        in_rows = _row_table(lines, i)
        if in_rows is not None:
            tables.append(in_rows[0])
            i = in_rows[1]
            continue
        header = _table_header(lines, i)
        if header is None:
            i += 1
            continue
        columns, j = header
        table = Table(columns=columns, start=lines[i].start, rows=[])
        number = 1
        while j < len(lines) and lines[j].text == str(number):
            row = [lines[j]]
            j += 1
            while j < len(lines) and lines[j].text != str(number + 1):
                row.append(lines[j])
                j += 1
                if columns[-1] == "time" and len(row) > 2 and TIME_CELL.match(row[-1].text):
                    break
            table.rows.append(row)
            number += 1
        tables.append(table)
        i = j
    return tables


def parse(text: str, start: int) -> list[Node]:
    """Return the top-level nodes of the outline that starts at offset `start` (the plan's heading)."""
    lines = lines_of(text, start)
    roots: list[Node] = []
    stack: list[Node] = []          # open nodes, one per level
    styles: list[str] = []          # numbering style of each open level
    for index, line in enumerate(lines):
        if stack and (ANNEX_MARKER.match(line.text) or _table_header(lines, index) or _row_table(lines, index)):
            break
        found = label_of(line.text)
        if found is None:
            if stack:
                stack[-1].lines.append(line)
            continue
        style, label = found
        if style in styles:
            depth = styles.index(style) + 1
            del styles[depth:]
        else:
            styles.append(style)
            depth = len(styles)
        del stack[depth - 1:]
        parent = stack[-1] if stack else None
        node = Node(label=label, style=style, depth=depth, lines=[line], parent=parent)
        (parent.children if parent else roots).append(node)
        stack.append(node)
    if stack:
        last = stack[-1]
        bare = BARE_HEADING.match(last.first_line) is not None
        for k, line in enumerate(last.lines[1:], start=1):
            addressed = ADDRESS_ALL.match(line.text) and not (bare and k == 1)
            if CLOSING.match(line.text) or addressed or _signature_starts(last.lines, k):
                del last.lines[k:]
                break
    return roots


def _signature_starts(lines: list[Line], k: int) -> bool:
    """True when lines[k:] is a closing signature: signing bodies' names down to a date line of its own."""
    for line in lines[k:]:
        if is_signature_date(line.text):
            return True
        if not is_signer(line.text):
            return False
    return False


def walk(nodes: list[Node]):
    """Yield (node, path numbers) for every node in document order; path numbers count order within the parent."""
    def visit(children: list[Node], prefix: tuple[int, ...]):
        for position, node in enumerate(children, start=1):
            path = prefix + (position,)
            yield node, path
            yield from visit(node.children, path)
    yield from visit(nodes, ())


def merge_continuations(nodes: list[Node], has_heading) -> list[Node]:
    """Merge mis-numbered continuation paragraphs into the item they continue; return the nodes that were merged.

    Rule (general, for lists of items that each have a run-in heading followed by a target paragraph): an item
    X of an arabic or circled list is a continuation of the item P just before it when X has no run-in heading of
    its own, its text opens with a deadline ("到2025年底，…"), P has a run-in heading and no paragraph after its
    first, and the item after X (if any) has a run-in heading again. Such an X is the target paragraph of P that the
    source numbered by mistake; it becomes part of P's text and its label is reported.

    Args:
        nodes: top-level nodes (changed in place).
        has_heading: function(node) -> bool telling whether a node has a run-in heading.
    """
    merged: list[Node] = []

    def visit(children: list[Node]) -> None:
        k = 1
        while k < len(children):
            prev, node = children[k - 1], children[k]
            after = children[k + 1] if k + 1 < len(children) else None
            if (node.style in ("arabic", "circled", "arabic-paren") and not node.children
                    and not has_heading(node) and DEADLINE_OPENING.match(node.first_line)
                    and has_heading(prev) and len(prev.lines) == 1 and not prev.children
                    and (after is None or has_heading(after))):
                prev.lines.extend(node.lines)
                prev.merged.append(node.lines[0])
                merged.append(node)
                del children[k]
                continue
            k += 1
        for child in children:
            visit(child.children)

    visit(nodes)
    return merged


def table_cells(table: Table, row: list[Line]) -> dict[str, list[Line]]:
    """Assign the cells of a flattened row to the table's columns.

    Columns holding one cell are filled from both ends; the one column that may hold several cells (相关责任部门 or
    责任单位, one body per line) takes the cells in between. A time column takes the last cell only when it reads as
    a time, so a row missing its time keeps all its bodies.
    """
    cells = list(row[1:])
    columns = table.columns[1:]
    out: dict[str, list[Line]] = {column: [] for column in columns}
    multi = next((i for i, c in enumerate(columns) if c in ("co", "responsible")), len(columns) - 1)
    for column in columns[:multi]:
        if cells:
            out[column] = [cells.pop(0)]
    for column in reversed(columns[multi + 1:]):
        if cells and (column != "time" or TIME_CELL.match(cells[-1].text)):
            out[column] = [cells.pop()]
    out[columns[multi]] = out.get(columns[multi], []) + cells
    return out
