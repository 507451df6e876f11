"""Read targets from tables of indicators inside a plan (指标 | 单位 | 2020年 | 2025年 | 属性 …), in any layout.

A scraped page gives such a table in one of two shapes:

* one row per line, its cells separated by ``|`` (a Markdown rule line ``|---|`` is skipped) or by tabs or runs of
  spaces (normalisation writes both as one space);
* one cell per line: the header cells first, then each row's cells in turn (rows are told apart by their row
  number when the table has a 序号 column).

The header names the columns by their meaning: the indicator (指标, 指标名称, 主要指标), targets (目标值, 预期值, or
a year such as 2025年), baselines (基期值, 现状值, or the earliest of several year columns, or a year before the
plan was issued), the unit (单位), the attribute (属性: 预期性/约束性), the category (类别, 领域) and the row number
(序号). A header may be split over two lines: the second line either continues it, or says what the year columns
above it hold (2023年 / 2024年 over 完成值 / 目标值). A table counts as a table of targets when its header names
an indicator column and at least one target column.

Rows are fitted to the header by what their cells look like (a number, a unit, a value, an attribute), so a row
whose category cell was merged into the first row of its group (and so has a cell fewer), or whose indicator holds
a space, is still read right; a category written on a line of its own is skipped. Each value in a target column
gives one target: the indicator cell (its unit in brackets is taken off: 人均预期寿命（岁）), the comparator and
value (≥95, <6, >60, 80, 3.1, 7.5-8.0, 78左右, 90以上, 1:1.3), the unit (from the value cell, else the unit column,
else the brackets of the indicator name: ‰, 1/10万, 张/千人 → 张 per thousand, 万人次 → 人次 × 10000; a rate with no
unit anywhere is read as % and reported; a unit in brackets after a target column's name, 目标值（%）, holds for the
whole column), the scope (a population opening the indicator: 重点人群签约率 → 重点人群), and the deadline of the column's year, else of a deadline stated in the
lines just above the table (到2025年，主要指标如下), else the plan's default. The quote runs from the row's first
cell to the value cell. A target cell that is not a number (达到省定标准, 持续下降) gives no target and is reported
(kind target-not-numeric); an empty cell (—, -, /) gives nothing.
"""

from __future__ import annotations

import bisect

from yigai.changes import Change
from yigai.extract import target_scopes
from yigai.extract.deadlines import find_deadlines, period_end
from yigai.extract.figures import Found, units
from yigai.extract.table_layouts import RELATIVE, UNIT_IN_NAME, Cell, Table, lines_of, parse_unit, parse_value, tables
from yigai.extract.target_clauses import RATE_END, Context


# --- targets -------------------------------------------------------------------------------------------------------

def _unit(name: str) -> tuple[str, float, str | None] | None:
    match = UNIT_IN_NAME.search(name)
    return parse_unit(match.group("unit")) if match else None


class _Lines:
    """The lines of the body, read on first use (only a table whose target columns name no year needs them)."""

    def __init__(self, text: str, body_start: int):
        self.text, self.body_start = text, body_start
        self._lines: list[Cell] | None = None
        self.ends: list[int] = []

    @property
    def lines(self) -> list[Cell]:
        """The non-empty lines of the body (see table_layouts.lines_of); `ends` holds their end offsets."""
        if self._lines is None:
            self._lines = lines_of(self.text, self.body_start)
            self.ends = [line.end for line in self._lines]
        return self._lines


def _caption_deadline(ctx: Context, body: _Lines, table: Table) -> tuple[str, str] | None:
    """A deadline stated in the three lines above a table (到2025年，主要指标如下：), else the plan's default."""
    lines = body.lines
    k = bisect.bisect_right(body.ends, table.start)
    above = lines[max(0, k - 3):k]
    if above:
        phrases = find_deadlines(ctx.text, ctx.plan_year, above[0].start, table.start,
                                 {line.start for line in above}, ctx.folded)
        if phrases:
            return phrases[-1].dates[-1], phrases[-1].text
    return ctx.default_deadline


def read(ctx: Context, body_start: int) -> tuple[list[Found], list[tuple[int, int]]]:
    """Return (targets found in tables of indicators, spans of those tables, which prose reading skips)."""
    out: list[Found] = []
    spans = []
    body = _Lines(ctx.text, body_start)
    for table in tables(ctx.text, body_start, ctx.issue_year):
        spans.append((table.start, table.end))
        kinds = [c.kind for c in table.columns]
        caption = None
        for row in table.rows:
            name_cell = row[kinds.index("indicator")]
            unit_cell = row[kinds.index("unit")] if "unit" in kinds else None
            for column, cell in zip(table.columns, row):
                if column.kind != "target" or cell is None:
                    continue
                if column.year:
                    deadline = (period_end(column.year), column.label.text)
                else:
                    caption = caption or _caption_deadline(ctx, body, table) or (None, None)
                    deadline = caption
                found = _target(ctx, name_cell, unit_cell, cell, deadline, column.unit)
                if found:
                    found.start = next(c.start for c in row if c is not None)
                    out.append(found)
    return out, spans


def _target(ctx: Context, name_cell: Cell, unit_cell: Cell | None, cell: Cell,
            deadline: tuple[str | None, str | None], column_unit: str | None = None) -> Found | None:
    """The target of one value cell, or None (reported when the cell holds words, not a number)."""
    name = name_cell.text
    value = parse_value(cell.text)
    if value is None:
        return None
    if value.figure is None:
        ctx.changes.append(Change("extract", "target-not-numeric", "flagged", cell.text, "",
                                  f"the table sets {cell.text} for the indicator {name}: not a number, so no target "
                                  "row is drafted", cell.start, cell.end))
        return None
    figure = value.figure
    in_name = _unit(name)
    indicator = UNIT_IN_NAME.sub("", name).strip() if in_name else name
    written = (parse_unit(unit_cell.text) if unit_cell is not None else None) or in_name or \
        (parse_unit(column_unit) if column_unit else None)
    unit, per = figure.unit, None
    if unit is None and written:
        unit, factor, per = written
        figure.value = round(figure.value * factor, 6)
        figure.value_max = round(figure.value_max * factor, 6) if figure.value_max is not None else None
    if per and "每" not in indicator:
        indicator = f"每{per}{indicator}"
    if unit is None and RATE_END.search(indicator) and 0 < figure.value <= 100:
        unit = "%"
        ctx.changes.append(Change("extract", "target-unit-inferred", "flagged", cell.text, cell.text + "%",
                                  f"the table gives no unit for the rate {indicator}; its value is read as a "
                                  "percentage", cell.start, cell.end))
    figure.unit = unit
    figure.kind = units()[unit].kind if unit else "none"
    figure.start, figure.end = cell.start, cell.end
    relative = value.relative or bool(RELATIVE.search(indicator)) or unit == "个百分点"
    population = target_scopes.POPULATION.match(indicator)
    return Found(figure, value.comparator, value.approximate, relative, indicator,
                 population.group() if population else None, deadline[0], deadline[1], name_cell.start, cell.end)
