"""Find tables of indicators in a plan's text, in the layouts scraped pages give them, and fit rows to headers.

See yigai.extract.target_tables for what a table of targets is and how its rows become targets; this module finds
the tables (one row per line with cells split at ``|``, tabs or spaces, or one cell per line), reads their
headers (over one or two lines) and fits each row's cells to the columns by what the cells look like.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

from yigai.extract.figures import Figure, aliases, comparator_after, comparator_before, find_figures, fold, units

PIPE = re.compile(r"\s*[|｜]\s*")
SPACE = re.compile(r"[\t\u3000 ]+")
BRACKETS = re.compile(r"^[(（](.*)[)）]$")
YEAR_CELL = re.compile(r"^(?P<year>(?:19|20)\d{2})\s*年?(?:底|末)?\s*[(（]?(?P<role>[^()（）]{0,6})[)）]?$")
COLUMN_WORDS: dict[str, re.Pattern[str]] = {
    "indicator": re.compile(r"^(?:主要|具体|核心|关键|二级|三级)?指标(?:名称|内容|项目|名)?$|^(?:指标|项目)名称$"),
    "number": re.compile(r"^(?:序号|编号|序)$"),
    "category": re.compile(r"^(?:类别|类型|领域|分类|维度|方面|一级指标|指标类别|指标类型|指标分类)$"),
    "unit": re.compile(r"^(?:计量)?单位$"),
    "attribute": re.compile(r"^(?:指标)?(?:属性|性质)$"),
    "baseline": re.compile(r"^(?:基期|基数|基线|现状|现值|基础|完成|实际)(?:值|水平|数)?$"),
    "target": re.compile(r"^(?:目标|预期|规划|期末)(?:值|目标|任务)?$"),
    "other": re.compile(r"^(?:备注|说明|数据来源|责任单位|牵头单位|牵头部门|责任部门|配合单位)$"),
}
ROLE_WORDS = {"baseline": re.compile(r"基期|基数|基线|现状|现值|基础|完成|实际"), "target": re.compile(r"目标|预期|规划|期末")}
# A unit in brackets after a column's name (目标值（%）, 2025年（张）): the unit of every value in the column.
HEADER_UNIT = re.compile(r"^(?P<name>.+?)[(（](?P<unit>[^()（）]{1,8})[)）]$")
EMPTY_CELL = re.compile(r"^[—\-－/／–~～无]*$")
ATTRIBUTE_CELL = re.compile(r"^(?:预期性|约束性|预期|约束|指导性)$")
UNIT_IN_NAME = re.compile(r"[(（](?P<unit>[^()（）]{1,8})[)）]\s*$")
RANGE_CELL = re.compile(r"^(?P<a>\d+(?:\.\d+)?)\s*[-~—–至到]\s*(?P<b>\d+(?:\.\d+)?)(?P<unit>.*)$")
RELATIVE = re.compile(r"增长|增幅|下降|降低|提高|减少|较|比上年|年均|每年")
OUTLINE_LABEL = re.compile(r"^(?:[一二三四五六七八九十]{1,3}、|[(（][一二三四五六七八九十]{1,3}[)）]|第[一二三四五六七八九十]+[章节条])")
MAX_LINE = 400
MAX_HEADER_CELL = 16


@dataclass
class Cell:
    """One table cell: its text and where it is in the published text."""

    text: str
    start: int
    end: int


@dataclass
class Column:
    """One column of a header: its meaning and, for a target column, the year it states."""

    kind: str
    year: int | None = None
    label: Cell | None = None
    unit: str | None = None


@dataclass
class Table:
    """A table of targets: its columns, rows of cells fitted to them, and its span in the text."""

    columns: list[Column]
    rows: list[list[Cell | None]]
    start: int
    end: int


def column_of(cell: str) -> Column | None:
    """The meaning of a header cell, or None when it is not a header word."""
    name = re.sub(r"\s+", "", cell)
    inner = BRACKETS.match(name)
    name = inner.group(1) if inner else name
    unit = HEADER_UNIT.match(name)
    if unit and parse_unit(unit.group("unit")):
        column = column_of(unit.group("name"))
        if column and column.kind in ("target", "baseline", "year"):
            column.unit = unit.group("unit")
            return column
    year = YEAR_CELL.match(name)
    if year:
        role = year.group("role")
        kind = "baseline" if ROLE_WORDS["baseline"].search(role) else "target" if ROLE_WORDS["target"].search(role) \
            else "year" if not role or role in ("值", "年") else None
        return Column(kind, int(year.group("year"))) if kind else None
    for kind, pattern in COLUMN_WORDS.items():
        if pattern.match(name):
            return Column(kind)
    return None


def lines_of(text: str, start: int) -> list[Cell]:
    """The non-empty lines of text after offset `start`, stripped, as cells with their offsets."""
    out, offset = [], 0
    for line in text.split("\n"):
        if offset + len(line) > start:
            stripped = line.strip()
            if stripped:
                lead = len(line) - len(line.lstrip())
                out.append(Cell(stripped, offset + lead, offset + lead + len(stripped)))
        offset += len(line) + 1
    return out


def _cells(line: Cell, delimiter: re.Pattern[str]) -> list[Cell]:
    """Split a line into cells; a '|' line keeps its empty cells (a Markdown row's outer pipes are dropped)."""
    if len(line.text) > MAX_LINE:
        return []
    cells, position = [], 0
    for match in list(delimiter.finditer(line.text)) + [None]:
        end = match.start() if match else len(line.text)
        piece = line.text[position:end]
        cells.append(Cell(piece, line.start + position, line.start + end))
        position = match.end() if match else len(line.text)
    if delimiter is PIPE:
        if cells and not cells[0].text:
            cells = cells[1:]
        if cells and not cells[-1].text:
            cells = cells[:-1]
    return [c for c in cells if c.text or delimiter is PIPE]


def _delimiter(line: Cell) -> re.Pattern[str]:
    return PIPE if ("|" in line.text or "｜" in line.text) else SPACE


def split_cells(line: Cell) -> list[Cell]:
    """The cells of one line of a table: split at ``|`` when the line has one, else at tabs or runs of spaces."""
    return _cells(line, _delimiter(line))


def _header(cells: list[Cell]) -> list[Column] | None:
    """The columns of a header row, or None when a cell is not a header word."""
    columns = []
    for cell in cells:
        column = column_of(cell.text) if len(cell.text) <= MAX_HEADER_CELL else None
        if column is None:
            return None
        column.label = cell
        columns.append(column)
    return columns


def _annotate(columns: list[Column], notes: list[Column]) -> bool:
    """Apply a second header line that says what the year columns hold (完成值 / 目标值); False if it does not fit."""
    years = [c for c in columns if c.kind == "year" or (c.year and c.kind in ("baseline", "target"))]
    if len(notes) != len(years) or not all(n.kind in ("baseline", "target") for n in notes):
        return False
    for column, note in zip(years, notes):
        column.kind = note.kind
    return True


def _finish(columns: list[Column], issue_year: int | None) -> list[Column] | None:
    """Decide what plain year columns hold, and check the header names an indicator and a target column."""
    years = [c for c in columns if c.kind == "year"]
    explicit_target = any(c.kind == "target" for c in columns)
    for k, column in enumerate(years):
        earliest = len(years) > 1 and k == 0 and (issue_year is None or column.year <= issue_year)
        if explicit_target or (issue_year and column.year < issue_year) or earliest:
            column.kind = "baseline"
        else:
            column.kind = "target"
    kinds = [c.kind for c in columns]
    if kinds.count("indicator") != 1 or "target" not in kinds:
        return None
    return columns


# --- fitting a row to the header ---------------------------------------------------------------------------------

def parse_unit(written: str) -> tuple[str, float, str | None] | None:
    """A unit as written in a unit column or brackets: (published unit, factor, per-unit part) or None."""
    written = fold(written.strip()).replace(" ", "")
    if not written:
        return None
    if re.fullmatch(r"1?:[xX×]|1?:1?", written) or written in ("1:X", "比例"):
        return "比例", 1.0, None
    if written.startswith("1/") and "/" + written[2:] in aliases():
        written = written[1:]
    if written in units():
        return written, 1.0, None
    if written in aliases():
        unit, factor = aliases()[written]
        return unit, factor, None
    if "/" in written and not written.startswith("/"):
        head, per = written.split("/", 1)
        found = parse_unit(head)
        if found and per and not found[2]:
            return found[0], found[1], per
    return None


@dataclass
class Value:
    """What a target cell says: a figure with its comparator, or words that are not a number."""

    figure: Figure | None
    comparator: str | None = None
    approximate: bool = False
    relative: bool = False
    words: str = ""


def parse_value(cell: str) -> Value | None:
    """Read a target cell (≥95, <6, 7.5-8.0, 78左右, 90以上, 1:1.3, 力争每年降低0.5个百分点以上).

    Returns None for an empty cell (—, -, /), Value(figure=None, words=…) for words that are not a number.
    """
    folded = fold(cell.strip())
    if EMPTY_CELL.match(folded):
        return None
    span = RANGE_CELL.match(folded)
    if span:
        a, b = float(span.group("a")), float(span.group("b"))
        written = span.group("unit").strip()
        unit = parse_unit(written) if written else None
        if b > a and (not written or unit):
            factor = unit[1] if unit else 1.0
            name = unit[0] if unit else None
            return Value(Figure(0, len(folded), round(a * factor, 6), round(b * factor, 6), name,
                                units()[name].kind if name else "none", False), "range")
    figures = find_figures(folded)
    if len(figures) != 1:
        return Value(None, words=cell.strip()) if re.search(r"[\u3400-\u9fff]", folded) and not figures else None
    figure = figures[0]
    before = comparator_before(folded, 0, figure.start)
    tail = comparator_after(folded, figure.end)
    lead = folded[:before.start if before else figure.start].strip()
    rest = folded[tail.end:].strip()
    if rest or (lead and not re.fullmatch(r"[\u3400-\u9fff]{1,10}", lead)):
        return None
    if figure.value_max is not None:
        comparator = "range"
    elif tail.approximate:
        comparator = "="
    else:
        comparator = tail.type or (before.type if before else "=")
    return Value(figure, comparator, tail.approximate, bool(RELATIVE.search(lead)))


def _fit_score(kind: str, cell: Cell | None) -> int:
    if cell is None:
        return 0
    text = cell.text
    if kind == "number":
        return 2 if re.fullmatch(r"\d{1,3}", text) else -3
    if kind == "indicator":
        return 2 if re.search(r"[\u3400-\u9fff]", text) and not parse_unit(text) and not ATTRIBUTE_CELL.match(text) \
            and (parse_value(text) is None or parse_value(text).figure is None or len(text) > 8) else -3
    if kind == "unit":
        return 2 if parse_unit(text) else (0 if EMPTY_CELL.match(text) else -2)
    if kind == "attribute":
        return 2 if ATTRIBUTE_CELL.match(text) else -1
    if kind in ("target", "baseline"):
        value = parse_value(text)
        if EMPTY_CELL.match(fold(text)):
            return 1
        return 2 if value and value.figure else (0 if value else -2)
    if kind == "category":
        return 1 if re.fullmatch(r"[\u3400-\u9fff]{2,10}", text) else -2
    return 0


def fit(columns: list[Column], cells: list[Cell]) -> list[Cell | None] | None:
    """Assign a row's cells to the columns (None for a column the row lacks), or None when the row does not fit."""
    kinds = [c.kind for c in columns]
    m, n = len(kinds), len(cells)
    candidates: list[list[Cell | None]] = []
    if n == m:
        candidates.append(list(cells))
    if n < m:
        droppable = [i for i, k in enumerate(kinds) if k not in ("indicator", "target")]
        for dropped in itertools.combinations(droppable, m - n):
            it = iter(cells)
            candidates.append([None if i in dropped else next(it) for i in range(m)])
    if m < n <= m + 3:
        extra = n - m
        candidates.append(list(cells[extra:]))  # leading category cells the header does not name
        at = kinds.index("indicator")
        merged = Cell(" ".join(c.text for c in cells[at:at + extra + 1]), cells[at].start, cells[at + extra].end)
        candidates.append(list(cells[:at]) + [merged] + list(cells[at + extra + 1:]))
    best, best_score = None, None
    for row in candidates:
        score = sum(_fit_score(kind, cell) for kind, cell in zip(kinds, row))
        if best_score is None or score > best_score:
            best, best_score = row, score
    if best is None:
        return None
    indicator = best[kinds.index("indicator")]
    targets = [best[i] for i, k in enumerate(kinds) if k == "target" and best[i] is not None]
    if indicator is None or _fit_score("indicator", indicator) < 0 or not targets or \
            all(_fit_score("target", cell) < 0 for cell in targets):
        return None
    return best


# --- finding tables ----------------------------------------------------------------------------------------------

def _category_line(line: Cell) -> bool:
    return bool(re.fullmatch(r"[\u3400-\u9fff]{2,12}", line.text)) and not OUTLINE_LABEL.match(line.text)


def _line_table(lines: list[Cell], i: int, issue_year: int | None) -> tuple[Table, int] | None:
    """A table with one row per line whose header starts at lines[i]; returns (table, index after it)."""
    delimiter = _delimiter(lines[i])
    # Most lines are prose. A header split at spaces has two cells or more, the first of at most MAX_HEADER_CELL
    # characters (a line is stripped, so its first cell is not empty): without a run of spaces by then, none.
    if delimiter is SPACE and not SPACE.search(lines[i].text, 0, MAX_HEADER_CELL + 1):
        return None
    cells = _cells(lines[i], delimiter)
    columns = _header(cells) if len(cells) >= 2 else None
    if columns is None:
        return None
    j = i + 1
    while j < len(lines) and j <= i + 2:
        more = _header(split_cells(lines[j]))
        if not more:
            break
        if not _annotate(columns, more):
            columns = columns + more
        j += 1
    columns = _finish(columns, issue_year)
    if columns is None:
        return None
    table = Table(columns, [], lines[i].start, lines[j - 1].end)
    while j < len(lines):
        line = lines[j]
        if re.fullmatch(r"[|｜\-:： ]+", line.text):  # the rule under a Markdown header
            j += 1
            continue
        row = fit(columns, _cells(line, delimiter if delimiter is PIPE else _delimiter(line)))
        if row is None:
            if _category_line(line) and j + 1 < len(lines) and \
                    fit(columns, split_cells(lines[j + 1])) is not None:
                j += 1
                continue
            break
        table.rows.append(row)
        table.end = line.end
        j += 1
    return (table, j) if table.rows else None


def _cell_table(lines: list[Cell], i: int, issue_year: int | None) -> tuple[Table, int] | None:
    """A table with one cell per line whose header cells start at lines[i]."""
    k = i
    while k < len(lines) and len(lines[k].text) <= MAX_HEADER_CELL and column_of(lines[k].text):
        k += 1
    if k - i < 3:
        return None
    columns = _header(lines[i:k])
    columns = _finish(columns, issue_year) if columns else None
    if columns is None:
        return None
    kinds = [c.kind for c in columns]
    table = Table(columns, [], lines[i].start, lines[k - 1].end)
    j = k
    if "number" in kinds:
        at = kinds.index("number")
        after = len(kinds) - at - 1
        expected = 1
        while j < len(lines) and not (lines[j].text == str(expected)):
            if j - k > 2 or not _category_line(lines[j]):
                return None
            j += 1
        while j < len(lines) and lines[j].text == str(expected):
            nxt = j + 1
            while nxt < len(lines) and lines[nxt].text != str(expected + 1) and nxt - j <= after + 2:
                nxt += 1
            cells = lines[j:nxt] if nxt < len(lines) and lines[nxt].text == str(expected + 1) else \
                lines[j:j + 1 + after]
            row = fit(columns[at:], list(cells[:1 + after]))
            if row is None:
                break
            table.rows.append([None] * at + row)
            table.end = cells[min(len(cells), 1 + after) - 1].end
            j += len(cells)
            expected += 1
    else:
        width = len(columns)
        while j + width <= len(lines):
            row = fit(columns, lines[j:j + width])
            if row is None:
                break
            table.rows.append(row)
            table.end = lines[j + width - 1].end
            j += width
    return (table, j) if table.rows else None


def tables(text: str, start: int, issue_year: int | None = None) -> list[Table]:
    """Every table of targets after offset `start`."""
    lines = lines_of(text, start)
    found, i = [], 0
    while i < len(lines):
        result = _line_table(lines, i, issue_year) or _cell_table(lines, i, issue_year)
        if result:
            found.append(result[0])
            i = result[1]
        else:
            i += 1
    return found
