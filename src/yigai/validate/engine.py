"""Run rules as SQL over the package loaded in DuckDB and turn every failing row into a Problem.

A rule names the table whose rows it judges, a SQL condition that is true for a bad row (over the alias `v`, the
table's view, plus any joins the rule needs), and how to say what is wrong: message, expected and hint are
templates filled with the failing row's cells (e.g. `{char_start}`) and the run's parameters. Rules of one plan's
rows ("per plan") can be restricted to a set of plans; rules that compare plans with each other (keys, duplicates
across plans) always run over the whole package.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any, Iterable

import duckdb

from yigai.validate.loader import literal, quote
from yigai.validate.report import ERROR, Problem

MAX_PROBLEMS_PER_RULE = 50
TEXTS = "texts"


@dataclass
class Rule:
    """One check, compiled to SQL.

    Attributes:
        check: short name shown in the report (e.g. "foreign-key", "quote-in-text").
        table: the resource whose rows are judged ("texts" for the lines of the plans' texts).
        fails: SQL condition over `v` (and the joins) that is true for a row that breaks the rule.
        message: what is wrong (a template over the row's cells and the parameters).
        field: the column to blame; its value is shown unless `value` says otherwise.
        expected: what the rule expects (template).
        hint: how to fix it (template).
        joins: SQL join clauses the condition needs (over `v`).
        columns: extra `expression AS name` selected for the templates.
        value: SQL expression for the value shown (default: the field as written).
        per_plan: the rule judges each row within its own plan (restrictable to some plans).
        needs: other tables the rule reads (it is skipped when one is broken, as its problems are reported).
        file: the file to name instead of the table's (e.g. a suite file for a rule that cannot run).
        severity: "error" or "warning".
        screen: (SQL text, regex, SQL condition) when the rule can only fail on a row where the condition holds and
            the regex matches the text: rules with the same regex and condition are then screened together, with
            one match over their columns joined.
    """

    check: str
    table: str
    fails: str
    message: str
    field: str | None = None
    expected: str | None = None
    hint: str | None = None
    joins: tuple[str, ...] = ()
    columns: tuple[str, ...] = ()
    value: str | None = None
    per_plan: bool = True
    needs: tuple[str, ...] = ()
    file: str | None = None
    severity: str = ERROR
    screen: tuple[str, str, str] | None = None


def text(value: Any) -> str:
    """A cell as a report shows it: dates in ISO form, whole numbers without a decimal point, missing as ''."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "" if value is None else "NaN"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()[:10]
    return str(value)


class Fill(dict):
    """Template values for one failing row: its cells (as written), then the run's parameters."""

    def __init__(self, row: dict[str, Any], params: dict[str, str]):
        super().__init__()
        self.row, self.params = row, params

    def __missing__(self, key: str) -> str:
        if f"_raw_{key}" in self.row:
            return text(self.row[f"_raw_{key}"])
        if key in self.row:
            return text(self.row[key])
        return str(self.params.get(key, "{" + key + "}"))


def fill(template: str | None, values: Fill) -> str | None:
    """A template filled with a row's values; a template that cannot be filled is shown as written."""
    if not template:
        return template
    try:
        return template.format_map(values)
    except (ValueError, IndexError, AttributeError, KeyError):
        return template


def run(con: duckdb.DuckDBPyConnection, rules: Iterable[Rule], available: set[str], files: dict[str, str],
        params: dict[str, str], plans: set[str] | None = None) -> list[Problem]:
    """Run every rule whose tables are loaded and return the problems, at most MAX_PROBLEMS_PER_RULE each.

    Args:
        con: the connection holding the loaded package (see yigai.validate.loader).
        rules: the rules to run.
        available: the tables loaded (a rule over a broken table is skipped).
        files: table → file path in the package, as reports name it.
        params: template values for messages (e.g. the patterns of fields.yml).
        plans: when given, per-plan rules judge only the rows of these plans.
    """
    runnable = [r for r in rules if r.table in available and set(r.needs) <= available]
    problems: list[Problem] = []
    for rule in _screen(con, runnable, plans):
        problems += _run_rule(con, rule, files, params, plans)
    return problems


def _screen(con: duckdb.DuckDBPyConnection, rules: list[Rule], plans: set[str] | None) -> list[Rule]:
    """The rules that some row breaks, found with as few scans as possible.

    A valid package is the common case. The rules without a regular-expression screen are counted in one statement
    (one scan per table and set of joins); the clean-text rules, whose one large expression is costly to compile,
    are screened with a single match per expression over every column they check, in every table. Only when a
    screen finds something are the rules of that group counted one by one. A rule whose SQL cannot run is returned
    as it is, so that running it alone reports the error.
    """
    plain = [rule for rule in rules if rule.screen is None]
    screened = [rule for rule in rules if rule.screen is not None]
    failing = _screen_groups(con, plain, plans)
    if screened and _any_match(con, screened, plans):
        failing += _screen_groups(con, screened, plans)
    return failing


def _any_match(con: duckdb.DuckDBPyConnection, rules: list[Rule], plans: set[str] | None) -> bool:
    """True when a screened rule's expression matches a row anywhere (one compiled expression per pattern)."""
    by_pattern: dict[str, dict[tuple, list[Rule]]] = {}
    for rule in rules:
        by_pattern.setdefault(rule.screen[1], {}).setdefault((rule.table, rule.joins, rule.screen[2]), []).append(rule)
    for pattern, groups in by_pattern.items():
        parts = []
        for (table, joins, condition), members in groups.items():
            where = _restricted(condition, members[0].per_plan, plans)
            # CASE, not WHERE: DuckDB may reorder a WHERE and run the costly match before the cheap condition.
            parts.append(f"SELECT CASE WHEN {where} THEN concat_ws(chr(10), "
                         f"{', '.join(r.screen[0] for r in members)}) END AS _text FROM "
                         f"{quote('v_' + table)} v {' '.join(joins)}")
        try:
            if con.execute(f"SELECT count(*) FROM ({' UNION ALL '.join(parts)}) WHERE regexp_matches(_text, "
                           f"{literal(pattern)})").fetchone()[0]:
                return True
        except duckdb.Error:
            return True
    return False


def _screen_groups(con: duckdb.DuckDBPyConnection, rules: list[Rule], plans: set[str] | None) -> list[Rule]:
    """The rules that some row breaks: one statement counting the rows that may break a rule of each group."""
    groups: dict[tuple[str, tuple[str, ...]], list[Rule]] = {}
    for rule in rules:
        groups.setdefault((rule.table, rule.joins), []).append(rule)
    keys = list(groups)
    scans = [f"SELECT {i} AS g, count(*) AS n FROM {quote('v_' + table)} v {' '.join(joins)} WHERE "
             f"{_any(groups[(table, joins)], plans)}" for i, (table, joins) in enumerate(keys)]
    try:  # one statement: DuckDB runs the scans side by side, and a valid package costs a single round trip
        hits = {g for g, n in con.execute(" UNION ALL ".join(scans)).fetchall() if n} if scans else set()
    except duckdb.Error:
        hits = set(range(len(keys)))
    failing: list[Rule] = []
    for g in sorted(hits):
        members = groups[keys[g]]
        table, joins = keys[g]
        counts = ", ".join(f"count(*) FILTER (WHERE {_where(rule, plans)})" for rule in members)
        try:
            found = con.execute(f"SELECT {counts} FROM {quote('v_' + table)} v {' '.join(joins)}").fetchone()
        except duckdb.Error:
            failing += members
            continue
        failing += [rule for rule, n in zip(members, found) if n]
    return failing


def _any(rules: list[Rule], plans: set[str] | None) -> str:
    """SQL true for a row that may break one of the rules (regex rules matched once over their columns joined)."""
    conditions = [f"({_where(rule, plans)})" for rule in rules if rule.screen is None]
    patterns: dict[tuple[str, str, bool], list[str]] = {}
    for rule in rules:
        if rule.screen is not None:
            text, pattern, condition = rule.screen
            patterns.setdefault((pattern, condition, plans is not None and rule.per_plan), []).append(text)
    for (pattern, condition, restricted), texts in patterns.items():
        where = _restricted(condition, restricted, plans)
        conditions.append(f"({where} AND regexp_matches(concat_ws(chr(10), {', '.join(texts)}), "
                          f"{literal(pattern)}))")
    return " OR ".join(conditions) or "false"


def _where(rule: Rule, plans: set[str] | None) -> str:
    return _restricted(rule.fails, rule.per_plan, plans)


def _restricted(condition: str, per_plan: bool, plans: set[str] | None) -> str:
    """A condition limited to the rows of the given plans (for a per-plan rule, when plans are given)."""
    if plans is None or not per_plan:
        return f"({condition})"
    return f"({condition}) AND v._plan IN ({', '.join(literal(p) for p in sorted(plans)) or 'NULL'})"


def query(rule: Rule, plans: set[str] | None, limit: int | None) -> str:
    """The SQL selecting the rows that break a rule (with the rule's extra columns and `_value`)."""
    value = rule.value or (f"v.{quote(rule.field)}" if rule.field else "NULL")
    extra = "".join(f", {column}" for column in rule.columns)
    where = _where(rule, plans)
    sql = (f"SELECT v.*{extra}, CAST(({value}) AS VARCHAR) AS _value FROM {quote('v_' + rule.table)} v "
           f"{' '.join(rule.joins)} WHERE {where}")
    return sql + (f" ORDER BY v._row LIMIT {limit}" if limit else "")


def _run_rule(con: duckdb.DuckDBPyConnection, rule: Rule, files: dict[str, str], params: dict[str, str],
              plans: set[str] | None) -> list[Problem]:
    try:
        cursor = con.execute(query(rule, plans, MAX_PROBLEMS_PER_RULE + 1))
        names = [d[0] for d in cursor.description]
        rows = [dict(zip(names, r)) for r in cursor.fetchall()]
    except duckdb.Error as exc:
        return [Problem(rule.check, f"the check could not run: {str(exc).splitlines()[0][:300]}",
                        file=rule.file or files.get(rule.table), resource=rule.table, field=rule.field,
                        hint="check the suite or metadata entry that defines it")]
    problems = [_problem(rule, row, files, params) for row in rows[:MAX_PROBLEMS_PER_RULE]]
    if len(rows) > MAX_PROBLEMS_PER_RULE:
        total = con.execute(f"SELECT count(*) FROM ({query(rule, plans, None)})").fetchone()[0]
        problems.append(Problem(rule.check, f"… and {total - MAX_PROBLEMS_PER_RULE} more rows break this rule",
                                file=files.get(rule.table), resource=rule.table, field=rule.field,
                                severity=rule.severity))
    return problems


def _problem(rule: Rule, row: dict[str, Any], files: dict[str, str], params: dict[str, str]) -> Problem:
    values = Fill(row, params)
    shown = row.get("_value")
    if rule.field and rule.value is None and f"_raw_{rule.field}" in row:
        shown = row[f"_raw_{rule.field}"]
    plan = row.get("_plan")
    if rule.table == TEXTS:
        file, resource = row.get("_file"), f"text-{plan}"
    else:
        file, resource = files.get(rule.table), rule.table
    return Problem(rule.check, fill(rule.message, values) or rule.check, file=file, resource=resource,
                   row=row.get("_row"), field=rule.field, value=None if shown is None else text(shown),
                   expected=fill(rule.expected, values), hint=fill(rule.hint, values), severity=rule.severity,
                   plan=plan if isinstance(plan, str) else None)
