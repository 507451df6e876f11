"""Read targets from tables of indicators inside a plan (指标 | 单位 | 2020年 | 2025年 | 属性 …).

Many plans list their main indicators in a table. Scraped pages give such a table either with one row per line
and cells separated by tabs, | or spaces (normalisation turns tabs into spaces), or with one cell per line (the header cells first, then each
row's cells in turn). A table counts as a table of targets when its header names an indicator column (指标,
指标名称) and a target column (目标, 目标值, or a year such as 2025年 — the latest year when there are several,
the earlier ones being baselines). Each row gives one target: the indicator cell (its unit in brackets, 人均预期
寿命（岁）), the value in the target column (≥95, ≤10, 8-10, 78左右), the deadline from the column's year (or from a
deadline stated just above the table), and the quote from the indicator cell to the value cell.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from yigai.extract.deadlines import find_deadlines, period_end
from yigai.extract.figures import Found, aliases, comparator_after, comparator_before, find_figures, fold, units

DELIMITER = re.compile(r"[\t|\u3000 ]+")
INDICATOR = re.compile(r"^指标(?:名称|内容|项目)?$")
NUMBER_COLUMN = re.compile(r"^(?:序号|编号)$")
TARGET = re.compile(r"^(?:(?P<year>(?:19|20)\d{2})年?(?:底|末)?(?:目标值?|目标|预期值?)?|目标值?|预期(?:目标|值)?)$")
UNIT = re.compile(r"^(?:计量)?单位$")
HEADER_CELL = re.compile(r"^(?:序号|编号|类别|领域|分类|维度|属性|指标性质|指标属性|性质|备注|说明|基期值?|基数|现状值?|"
                         r"基线值?|现值|责任单位|牵头单位|牵头部门|(?:(?:19|20)\d{2}年?.{0,4}))$")
UNIT_IN_NAME = re.compile(r"[(（](?P<unit>[^()（）]{1,6})[)）]\s*$")
RELATIVE = re.compile(r"增长|增幅|下降|降低|提高|减少|较|比上年|年均")


@dataclass
class Cell:
    """One table cell: its text and where it is in the published text."""

    text: str
    start: int
    end: int


@dataclass
class _Header:
    indicator: int
    target: int
    unit: int | None
    number: int | None
    year: int | None
    label: Cell

    def accepts(self, row: list[Cell]) -> bool:
        """True when a run of cells reads as a row of this table (its number cell is a number, its value parses)."""
        if max(self.indicator, self.target) >= len(row) or any(len(c.text) > 60 for c in row):
            return False
        if self.number is not None and self.number < len(row) and not re.fullmatch(r"\d{1,3}", row[self.number].text):
            return False
        return _value(row[self.target].text) is not None


def _header(cells: list[Cell]) -> _Header | None:
    names = [re.sub(r"\s+", "", c.text) for c in cells]
    indicator = next((i for i, n in enumerate(names) if INDICATOR.match(n)), None)
    targets = [(i, TARGET.match(n)) for i, n in enumerate(names) if TARGET.match(n)]
    if indicator is None or not targets:
        return None
    index, match = max(targets, key=lambda t: (t[1].group("year") or "9999", t[0]))
    unit = next((i for i, n in enumerate(names) if UNIT.match(n)), None)
    number = next((i for i, n in enumerate(names) if NUMBER_COLUMN.match(n)), None)
    return _Header(indicator, index, unit, number, int(match.group("year")) if match.group("year") else None,
                   cells[index])


def _lines(text: str, start: int) -> list[Cell]:
    out, offset = [], 0
    for line in text.split("\n"):
        stripped = line.strip()
        if offset + len(line) > start and stripped:
            lead = len(line) - len(line.lstrip())
            out.append(Cell(stripped, offset + lead, offset + lead + len(stripped)))
        offset += len(line) + 1
    return out


def _split_cells(line: Cell) -> list[Cell]:
    cells, position = [], 0
    for piece in DELIMITER.split(line.text) + [None]:
        if piece is None:
            break
        at = line.text.find(piece, position) if piece else position
        if piece.strip():
            lead = len(piece) - len(piece.lstrip())
            cells.append(Cell(piece.strip(), line.start + at + lead, line.start + at + lead + len(piece.strip())))
        position = at + len(piece)
    return cells


def _tables(text: str, start: int) -> list[tuple[_Header, list[list[Cell]], int, int]]:
    """Every table of targets: (header, rows of cells, span start, span end)."""
    lines = _lines(text, start)
    found, i = [], 0
    while i < len(lines):
        cells = _split_cells(lines[i])
        header = _header(cells) if len(cells) >= 2 else None
        if header:  # one row per line
            rows, j = [], i + 1
            while j < len(lines):
                row = _split_cells(lines[j])
                if re.fullmatch(r"[|\-: ]+", lines[j].text):  # the rule under a Markdown header
                    j += 1
                    continue
                if len(row) < 2:
                    break
                rows.append(row)
                j += 1
            found.append((header, rows, lines[i].start, lines[j - 1].end))
            i = j
            continue
        k = i
        while k < len(lines) and len(lines[k].text) <= 16 and \
                any(p.match(lines[k].text) for p in (HEADER_CELL, INDICATOR, UNIT, TARGET)):
            k += 1
        header = _header(lines[i:k]) if k - i >= 2 else None
        if header:  # one cell per line
            width, rows, j = k - i, [], k
            while j + width <= len(lines):
                row = lines[j:j + width]
                if not header.accepts(row):
                    break
                rows.append(row)
                j += width
            if rows:
                found.append((header, rows, lines[i].start, lines[j - 1].end))
                i = j
                continue
        i += 1
    return found


def _value(cell: str) -> tuple[str | None, object] | None:
    """Parse a target cell (≥95, 8-10, 78左右, ≤10/10万): returns (comparator or None, figure) or None."""
    folded = fold(cell.strip())
    figures = find_figures(folded)
    if len(figures) != 1:
        return None
    figure = figures[0]
    before = comparator_before(folded, 0, figure.start)
    rest = folded[:before.start if before else figure.start].strip()
    tail = comparator_after(folded, figure.end)
    if rest or folded[tail.end:].strip():
        return None
    if figure.value_max is not None:
        comparator = "range"
    elif tail.approximate:
        comparator = "="
    else:
        comparator = tail.type or (before.type if before else "=")
    return comparator, figure, tail.approximate


def read(text: str, folded: str, body_start: int, default_deadline: tuple[str, str] | None,
         plan_year: int | None = None) -> tuple[list[Found], list[tuple[int, int]]]:
    """Return (targets found in tables of indicators, spans of those tables, which prose reading skips)."""
    out: list[Found] = []
    spans = []
    for header, rows, span_start, span_end in _tables(text, body_start):
        spans.append((span_start, span_end))
        deadline = (period_end(header.year), header.label.text) if header.year else None
        if deadline is None:
            above = _lines(text[:span_start], body_start)[-2:]
            begin = above[0].start if above else span_start
            phrases = find_deadlines(text, plan_year, begin, span_start, {line.start for line in above}, folded)
            deadline = (phrases[-1].dates[-1], phrases[-1].text) if phrases else default_deadline
        for row in rows:
            if not header.accepts(row):
                continue
            comparator, figure, approximate = _value(row[header.target].text)
            name = row[header.indicator].text
            unit = figure.unit or _unit(name) or (_unit(f"({row[header.unit].text})")
                                                  if header.unit is not None and header.unit < len(row) else None)
            indicator = UNIT_IN_NAME.sub("", name).strip() or name
            cell, target = row[header.indicator], row[header.target]
            start, end = (cell.start, target.end) if cell.start < target.start else (target.start, target.end)
            figure.start, figure.end = target.start, target.end
            figure.unit = unit
            out.append(Found(figure, comparator, approximate, bool(RELATIVE.search(indicator)) or unit == "个百分点",
                             indicator, None, deadline[0] if deadline else None, deadline[1] if deadline else None,
                             start, end))
    return out, spans


def _unit(name: str) -> str | None:
    match = UNIT_IN_NAME.search(name)
    if not match:
        return None
    written = match.group("unit").strip().replace("％", "%")
    if written in units():
        return written
    found = aliases().get(written)
    return found[0] if found else None
