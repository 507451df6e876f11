"""Load a package into DuckDB once: every table parsed a single time, typed from the metadata, and the texts.

Each table `name` becomes a DuckDB table of the same name holding, in file order, every column as written (strings)
and, for integer, number, date and boolean columns, the typed value under the column's name with the text as
written kept in `_raw_<column>` (so a report shows what the file says). A view `v_<name>` adds `_row` (the data row
number, 1 = first row after the header) and `_plan` (the plan a row belongs to: its plan_id, or the plan part of its
task_id). Rows DuckDB cannot parse (ragged rows, a broken quote, invalid UTF-8, a line over the size limit) are
collected, not fatal, and reported with their row.

The plans' texts become `texts(plan_id, text, length)` and `text_lines(plan_id, line, _row)`; the GB/T 2260 divisions
of every code used in the package become `divisions(code, level, full_name)`, from yigai.divisions (the cpca table).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb

from yigai import metadata
from yigai.validate.report import Problem

MAX_LINE_BYTES = 16 * 1024 * 1024
INTEGER = r"[+-]?[0-9]+"
NUMBER = r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?|NaN|INF|-INF"
DATE = r"[0-9]{4}-[0-9]{2}-[0-9]{2}"
TRUE, FALSE = ("true", "True", "TRUE", "1"), ("false", "False", "FALSE", "0")
# Table Schema type → (its lexical form, the DuckDB type it is read as); a cell of another form is a type error.
_CASTS = {"integer": (INTEGER, "BIGINT"), "number": (NUMBER, "DOUBLE"), "date": (DATE, "DATE")}
_REJECTS = {"TOO MANY COLUMNS": "ragged-row", "MISSING COLUMNS": "ragged-row", "UNQUOTED VALUE": "csv-syntax",
            "INVALID STATE": "csv-syntax", "LINE SIZE OVER MAXIMUM": "oversized-row", "INVALID ENCODING": "encoding",
            "CAST": "csv-syntax"}
_REJECT_HINTS = {
    "ragged-row": "a cell holding a comma or quote must be quoted \"like, this\"; every row needs one cell per column, "
                  "empty for a missing value",
    "csv-syntax": "a cell that holds a quote must be quoted with the quote doubled: \"say \"\"this\"\"\"; check for an "
                  "unclosed quote",
    "oversized-row": f"a row is longer than {MAX_LINE_BYTES // 2**20} MiB: a cell holds far more than one item's text",
    "encoding": "re-save the file as UTF-8, e.g. `iconv -f GB18030 -t UTF-8 old.csv > new.csv`"}
MAX_REJECTS = 20


def quote(name: str) -> str:
    """A SQL identifier, quoted."""
    return '"' + name.replace('"', '""') + '"'


def literal(value: Any) -> str:
    """A SQL literal for a Python value (strings quoted, None as NULL)."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    return "'" + str(value).replace("'", "''") + "'"


def connect(database: str = ":memory:") -> duckdb.DuckDBPyConnection:
    """A DuckDB connection for one validation run (in memory unless a database file is named)."""
    con = duckdb.connect(database, config={"preserve_insertion_order": True})
    con.execute("SET enable_progress_bar = false")
    return con


def typed(column: str, kind: str) -> str:
    """The SQL expression for a column's typed value (NULL when the text is not a valid value of its type)."""
    raw = quote(column)
    if kind in _CASTS:
        lexical, sql_type = _CASTS[kind]
        return f"CASE WHEN regexp_full_match({raw}, '{lexical}') THEN TRY_CAST({raw} AS {sql_type}) END"
    if kind == "boolean":
        return (f"CASE WHEN {raw} IN {tuple(TRUE)} THEN true WHEN {raw} IN {tuple(FALSE)} THEN false END")
    return raw


def plan_expression(table: str) -> str:
    """Which plan a row of `table` belongs to, as SQL over its columns (NULL for shared tables such as agencies)."""
    columns = metadata.columns(table)
    if "plan_id" in columns:
        return '"plan_id"'
    if "task_id" in columns:
        return "split_part(\"task_id\", ':', 1)"
    return "CAST(NULL AS VARCHAR)"


def load_table(con: duckdb.DuckDBPyConnection, name: str, path: Path, shown: str) -> list[Problem]:
    """Parse one CSV into the table `name` and the view `v_name`; returns the rows that could not be parsed.

    When any row cannot be parsed the table is dropped (the file is broken) and only those rows are reported.
    """
    fields = metadata.fields()
    columns = metadata.columns(name)
    spec = "{" + ", ".join(f"{literal(c)}: 'VARCHAR'" for c in columns) + "}"
    select = []
    for column in columns:
        kind = fields[column]["type"]
        select.append(f"{typed(column, kind)} AS {quote(column)}")
        if kind != "string":
            select.append(f"{quote(column)} AS {quote('_raw_' + column)}")
    try:
        con.execute(f"CREATE OR REPLACE TABLE {quote(name)} AS SELECT {', '.join(select)}, {plan_expression(name)} "
                    f"AS _plan FROM read_csv(?, header = true, columns = {spec}, auto_detect = false, delim = ',', "
                    f"quote = '\"', escape = '\"', strict_mode = true, null_padding = false, "
                    f"max_line_size = {MAX_LINE_BYTES}, store_rejects = true, rejects_table = 'rejects_{name}', "
                    f"rejects_scan = 'rejects_scan_{name}', encoding = 'utf-8')", [str(path)])
    except duckdb.Error as exc:
        con.execute(f"DROP TABLE IF EXISTS {quote(name)}")
        row, value = locate(path, len(columns))
        return [Problem("csv-syntax", f"the file cannot be read as CSV: {str(exc).splitlines()[0][:300]}", file=shown,
                        resource=name, row=row, value=value, hint=_REJECT_HINTS["csv-syntax"])]
    problems = _rejects(con, name, shown, len(columns), path)
    if problems:
        con.execute(f"DROP TABLE {quote(name)}")
        return problems
    con.execute(f"CREATE OR REPLACE VIEW {quote('v_' + name)} AS SELECT rowid + 1 AS _row, * FROM {quote(name)}")
    return []


def locate(path: Path, width: int) -> tuple[int | None, str | None]:
    """The first data row Python's strict CSV reader cannot read, or whose width is wrong (slow; on failure only)."""
    import csv
    import io
    import sys

    csv.field_size_limit(sys.maxsize)
    text = path.read_bytes().decode("utf-8", "replace")
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    number = 0
    try:
        for number, row in enumerate(reader):
            if number and len(row) != width:
                return number, ",".join(row)[:300]
    except csv.Error:
        lines = text.split("\n")
        line = reader.line_num
        return max(number, 1), (lines[line - 1] if 0 < line <= len(lines) else "")[:300]
    return None, None


def _rejects(con: duckdb.DuckDBPyConnection, name: str, shown: str, width: int, path: Path) -> list[Problem]:
    rows = con.execute(f"SELECT line, column_name, error_type, csv_line, error_message FROM (SELECT *, row_number() "
                       f"OVER (PARTITION BY line ORDER BY column_idx) AS n FROM rejects_{name}) WHERE n = 1 "
                       "ORDER BY line").fetchall()
    problems = []
    for line, column, kind, text, message in rows[:MAX_REJECTS]:
        check = _REJECTS.get(str(kind), "csv-syntax")
        if check == "encoding":
            from yigai.validate.files import encoding_problem

            data = path.read_bytes()
            try:
                data.decode("utf-8")
            except UnicodeDecodeError as exc:
                return [encoding_problem(data, exc, dict(file=shown, resource=name), lines_are_rows=True)]
        cells = None
        if check == "ragged-row" and "Found:" in str(message):
            cells = str(message).rsplit("Found:", 1)[1].strip()
        problems.append(Problem(
            check, f"row has {cells} cells but the header has {width}" if cells else
            f"the row cannot be read as CSV: {message}", file=shown, resource=name,
            row=max(int(line) - 1, 1), field=column or None, value=(text or "")[:300],
            expected=f"{width} cells" if check == "ragged-row" else None, hint=_REJECT_HINTS[check]))
    if len(rows) > MAX_REJECTS:
        problems.append(Problem(problems[0].check, f"… and {len(rows) - MAX_REJECTS} more rows that cannot be read",
                                file=shown, resource=name))
    return problems


def load_texts(con: duckdb.DuckDBPyConnection, texts: dict[str, str], paths: dict[str, str]) -> None:
    """The plans' texts (`texts`) and their lines (`text_lines`, for the clean-text rules of texts.json)."""
    con.execute("CREATE OR REPLACE TABLE texts (plan_id VARCHAR, text VARCHAR, length BIGINT, text_path VARCHAR)")
    con.execute("CREATE OR REPLACE TABLE text_lines (plan_id VARCHAR, line VARCHAR, _row BIGINT, _file VARCHAR)")
    if not texts:
        return
    ids = sorted(texts)
    con.execute("INSERT INTO texts SELECT unnest($1), unnest($2), unnest($3), unnest($4)",
                [ids, [texts[i] for i in ids], [len(texts[i]) for i in ids], [paths[i] for i in ids]])
    con.execute("INSERT INTO text_lines SELECT plan_id, unnest(string_split(text, chr(10))) AS line, "
                "generate_subscripts(string_split(text, chr(10)), 1) AS _row, text_path FROM texts")
    con.execute("CREATE OR REPLACE VIEW v_texts AS SELECT *, plan_id AS _plan FROM text_lines")


def load_divisions(con: duckdb.DuckDBPyConnection, codes: list[str]) -> None:
    """The GB/T 2260 divisions of the given codes (a code missing from the table gets no row)."""
    from yigai import divisions

    found = []
    for code in sorted({c for c in codes if isinstance(c, str)}):
        try:
            division = divisions.get(code)
        except (KeyError, ValueError):
            continue
        found.append((division.code, division.level, division.full_name))
    con.execute("CREATE OR REPLACE TABLE divisions (code VARCHAR, level VARCHAR, full_name VARCHAR)")
    if found:
        con.execute("INSERT INTO divisions SELECT unnest($1), unnest($2), unnest($3)",
                    [[f[0] for f in found], [f[1] for f in found], [f[2] for f in found]])


def load_spans(con: duckdb.DuckDBPyConnection, tables: list[str], texts: dict[str, str]) -> None:
    """`spans(plan_id, s, e, span, flat)`: text[s:e] of every distinct span the tables point at, cut in Python.

    DuckDB counts characters the same way, but would walk the text from its start for every row; the distinct
    spans are few even in a large package and Python slices a text in constant time. `flat` is the span without
    line breaks (an outline item's text is stored with its blank lines dropped).
    """
    con.execute("CREATE OR REPLACE TABLE spans (plan_id VARCHAR, s BIGINT, e BIGINT, span VARCHAR, flat VARCHAR)")
    parts = [f"SELECT DISTINCT _plan, char_start, char_end FROM {quote(t)} WHERE char_start IS NOT NULL AND "
             "char_end IS NOT NULL AND char_start <= char_end" for t in tables]
    if not parts or not texts:
        return
    plans, starts, ends, spans, flats = [], [], [], [], []
    for plan, start, end in con.execute(" UNION ".join(parts)).fetchall():
        text = texts.get(plan)
        if text is None or end > len(text):
            continue
        span = text[start:end]
        plans.append(plan), starts.append(start), ends.append(end), spans.append(span)
        flats.append(flatten(span))
    if plans:
        con.execute("INSERT INTO spans SELECT unnest($1), unnest($2), unnest($3), unnest($4), unnest($5)",
                    [plans, starts, ends, spans, flats])


WHITESPACE = ("\n",)


def flatten(text: str) -> str:
    """The text without line breaks (the same characters flat_sql removes)."""
    for character in WHITESPACE:
        text = text.replace(character, "")
    return text


def flat_sql(expression: str) -> str:
    """SQL removing line breaks from an expression, as flatten() does."""
    for character in WHITESPACE:
        expression = f"replace({expression}, chr({ord(character)}), '')"
    return expression
