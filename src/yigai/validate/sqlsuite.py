"""Compile the Great Expectations suites in validation/ to SQL rules over the package in DuckDB.

The suite files stay the reviewable contract, in Great Expectations' own format; this module reads each expectation
(`type`, `kwargs`, `meta`) and writes the SQL that finds the rows breaking it, with the semantics Great Expectations
gives it (missing values are skipped, `ignore_row_if`, `row_condition`, `mostly` is not used by our suites and is
refused). An expectation of a type not compiled here is reported as a problem of the suite file, so a suite can
never be silently skipped. Great Expectations itself is imported only to render Data Docs (yigai.validate.gxdocs).

Derived columns (names starting with "_") put what a rule needs from another table or file into the row:
`_text_length` (length of the plan's text), `_span_text` (text[char_start:char_end]), `_earliest_deadline`
(1 January of the year before the plan's year), `_agency_admin_code` (the division of the row's agency),
`_plan_admin_code_at_agency_level` (the plan's division cut to the agency's level; a body inside the plan's
jurisdiction keeps its own code), `_indicator_measure` and `_target_unit` (for a target with an indicator_code: the
indicator's unit, or "change in <unit>" for a relative target, and the target's own unit, "(none)" for a bare
number; see yigai.indicators.measure), `_division_level` and
`_division_name` (level and full name of the row's admin_code in the GB/T 2260 table; missing when the code is not
in it), `_text_resource_path` (the path of the plan's text resource in datapackage.json), `_own_text_path`
(texts/<plan_id>.txt), `_year_in_plan_id`, `_issue_year`, `_agency_id_stem` (the <admin_code>-<function> an agency_id begins with, else the whole id) and
`_admin_code_and_function`; `_span_verified` is true when the row's quoted words are its span of the text (see
yigai.validate.rules.span_verified_sql), false otherwise (also when the row has no span).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from yigai import metadata
from yigai.indicators import CHANGE_PREFIX, NO_UNIT
from yigai.validate.engine import TEXTS, Rule
from yigai.validate.loader import literal, plan_expression, quote
from yigai.validate.rules import SPANS_JOIN, span_verified_sql
from yigai.validate.report import Problem


@dataclass(frozen=True)
class Derived:
    """A derived column: the join that brings it and its SQL expression."""

    joins: tuple[str, ...]
    expression: str
    needs: tuple[str, ...] = ()


_PLAN_YEAR = ("LEFT JOIN (SELECT plan_id, any_value(coalesce(year(issue_date), TRY_CAST(regexp_extract(plan_id, "
              "'-([0-9]{4})-[0-9]{2}$', 1) AS INTEGER))) AS year FROM plans GROUP BY plan_id) _py "
              "ON _py.plan_id = v._plan")
_AGENCY = ("LEFT JOIN (SELECT agency_id, any_value(admin_code) AS admin_code FROM agencies GROUP BY agency_id) _ag "
           "ON _ag.agency_id = v.agency_id")
_PLAN_CODE = ("LEFT JOIN (SELECT plan_id, any_value(admin_code) AS admin_code FROM plans GROUP BY plan_id) _pc "
              "ON _pc.plan_id = v._plan")
_INDICATOR = ("LEFT JOIN (SELECT indicator_code, any_value(coalesce(indicator_unit, "
              f"{literal(NO_UNIT)})) AS unit FROM indicators GROUP BY indicator_code) _in "
              "ON _in.indicator_code = v.indicator_code")
DERIVED = {
    "_text_length": Derived(("LEFT JOIN texts _tx ON _tx.plan_id = v._plan",), "_tx.length"),
    "_span_text": Derived(("LEFT JOIN spans _sp ON _sp.plan_id = v._plan AND _sp.s = v.char_start "
                           "AND _sp.e = v.char_end",), "_sp.span"),
    "_earliest_deadline": Derived((_PLAN_YEAR,), "make_date(CAST(_py.year - 1 AS BIGINT), 1, 1)", ("plans",)),
    "_agency_admin_code": Derived((_AGENCY,), "_ag.admin_code", ("agencies",)),
    "_plan_admin_code_at_agency_level": Derived(
        (_AGENCY, _PLAN_CODE),
        # a body inside the plan's jurisdiction (a city government tasked by its province's plan) keeps its own code
        "CASE WHEN _pc.admin_code LIKE '%0000' AND left(_ag.admin_code, 2) = left(_pc.admin_code, 2) "
        "THEN _ag.admin_code "
        "WHEN _pc.admin_code LIKE '%00' AND left(_ag.admin_code, 4) = left(_pc.admin_code, 4) THEN _ag.admin_code "
        "WHEN _ag.admin_code LIKE '%0000' THEN left(_pc.admin_code, 2) || '0000' "
        "WHEN _ag.admin_code LIKE '%00' THEN left(_pc.admin_code, 4) || '00' ELSE _pc.admin_code END",
        ("agencies", "plans")),
    # what a coded target's figure must state about its standard indicator (yigai.indicators.measure), and its unit
    "_indicator_measure": Derived(
        (_INDICATOR,), f"CASE WHEN _in.unit IS NULL THEN NULL WHEN coalesce(v.relative, false) "
        f"THEN {literal(CHANGE_PREFIX)} || _in.unit ELSE _in.unit END", ("indicators",)),
    "_target_unit": Derived(
        (_INDICATOR,), f"CASE WHEN _in.unit IS NULL THEN NULL ELSE coalesce(v.unit, {literal(NO_UNIT)}) END",
        ("indicators",)),
    "_division_level": Derived(("LEFT JOIN divisions _dv ON _dv.code = v.admin_code",), "_dv.level"),
    "_division_name": Derived(("LEFT JOIN divisions _dv ON _dv.code = v.admin_code",), "_dv.full_name"),
    "_text_resource_path": Derived(("LEFT JOIN text_resources _tr ON _tr.plan_id = v.plan_id",), "_tr.path"),
    "_own_text_path": Derived((), "'texts/' || v.plan_id || '.txt'"),
    "_year_in_plan_id": Derived((), "TRY_CAST(regexp_extract(v._plan, '-([0-9]{4})-[0-9]{2}$', 1) AS BIGINT)"),
    "_issue_year": Derived((), "year(v.issue_date)"),
    "_agency_id_stem": Derived((), "CASE WHEN v.agency_id = v.admin_code || '-' || v.function OR starts_with("
                                   "v.agency_id, v.admin_code || '-' || v.function || '-') THEN v.admin_code || '-' "
                                   "|| v.function ELSE v.agency_id END"),
    "_admin_code_and_function": Derived((), "v.admin_code || '-' || v.function"),
}
SPAN_VERIFIED = "_span_verified"
_OPERATORS = {"==": "=", "!=": "<>", "<": "<", "<=": "<=", ">": ">", ">=": ">=", "IN": "IN", "NOT_IN": "NOT IN"}


class SuiteError(ValueError):
    """An expectation that cannot be compiled (the message says why)."""


class Columns:
    """Column references of one expectation: plain columns as `v."name"`, derived ones through their joins."""

    def __init__(self, params: dict[str, Any], table: str | None = None):
        self.params = params
        self.table = table
        self.joins: list[str] = []
        self.needs: list[str] = []
        self.derived: list[str] = []

    def __call__(self, name: Any) -> str:
        if not isinstance(name, str) or not name:
            raise SuiteError(f"a column name is required, not {name!r}")
        if name == SPAN_VERIFIED:
            verified = span_verified_sql(self.table) if self.table in metadata.resources() else None
            if verified is None:
                return "CAST(NULL AS BOOLEAN)"
            if SPANS_JOIN not in self.joins:
                self.joins.append(SPANS_JOIN)
            verified = f"coalesce({verified}, false)"  # never NULL: one evaluation answers "not verified"
            if name not in self.derived:
                self.derived.append(name)
                self.verified = verified
            return verified
        if name in DERIVED:
            spec = DERIVED[name]
            for join in spec.joins:
                if join not in self.joins:
                    self.joins.append(join)
            self.needs += [n for n in spec.needs if n not in self.needs]
            if name not in self.derived:
                self.derived.append(name)
            return f"({spec.expression})"
        return f"v.{quote(name)}"

    def value(self, value: Any) -> Any:
        """A kwarg's value, with `{"$PARAMETER": name}` replaced by the run's parameter."""
        if isinstance(value, dict) and set(value) == {"$PARAMETER"}:
            if value["$PARAMETER"] not in self.params:
                raise SuiteError(f"unknown parameter {value['$PARAMETER']!r}")
            return self.params[value["$PARAMETER"]]
        return value

    def columns(self) -> tuple[str, ...]:
        return tuple(f"{self.verified if n == SPAN_VERIFIED else DERIVED[n].expression} AS {quote(n)}"
                     for n in self.derived)


def _bound(value: Any) -> str:
    """A bound of a between: a number, or a date/timestamp written as text."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return literal(value)
    if isinstance(value, (dt.date, dt.datetime)):
        value = value.isoformat()
    if isinstance(value, str):
        try:
            return f"DATE {literal(dt.date.fromisoformat(value[:10]).isoformat())}"
        except ValueError:
            pass
    raise SuiteError(f"a bound must be a number or an ISO date, not {value!r}")


def condition(spec: Any, col: Columns) -> str:
    """SQL for a Great Expectations row_condition (comparison, nullity, and, or)."""
    if spec is None:
        return "true"
    if not isinstance(spec, dict):
        raise SuiteError("row_condition must be a condition object (type comparison, nullity, and or or)")
    kind = spec.get("type")
    if kind in ("and", "or"):
        parts = [condition(c, col) for c in spec.get("conditions") or []]
        if not parts:
            raise SuiteError(f"an '{kind}' condition needs conditions")
        return "(" + f" {kind.upper()} ".join(parts) + ")"
    column = col((spec.get("column") or {}).get("name"))
    if kind == "nullity":
        return f"({column} IS {'' if spec.get('is_null') else 'NOT '}NULL)"
    if kind == "comparison":
        operator = _OPERATORS.get(spec.get("operator"))
        if operator is None:
            raise SuiteError(f"unknown operator {spec.get('operator')!r}")
        parameter = col.value(spec.get("parameter"))
        if operator in ("IN", "NOT IN"):
            return f"({column} {operator} ({', '.join(literal(p) for p in parameter)}))"
        return f"({column} {operator} {literal(parameter)})"
    raise SuiteError(f"unknown row_condition type {kind!r}")


def _fails(kind: str, kwargs: dict[str, Any], col: Columns) -> tuple[str, str | None]:
    """(SQL true for a failing row, the column to blame) for one expectation type."""
    if kind in ("expect_column_values_to_match_regex", "expect_column_values_to_not_match_regex"):
        c = col(kwargs.get("column"))
        regex = col.value(kwargs.get("regex"))
        match = f"regexp_matches({c}, {literal(regex)})"
        return (f"{c} IS NOT NULL AND {'NOT ' if 'not_match' not in kind else ''}{match}",
                kwargs["column"])
    if kind == "expect_column_values_to_be_between":
        c = col(kwargs.get("column"))
        low, high = col.value(kwargs.get("min_value")), col.value(kwargs.get("max_value"))
        if low is None and high is None:
            raise SuiteError("a between needs min_value or max_value")
        parts = []
        if low is not None:
            parts.append(f"{c} {'<=' if kwargs.get('strict_min') else '<'} {_bound(low)}")
        if high is not None:
            parts.append(f"{c} {'>=' if kwargs.get('strict_max') else '>'} {_bound(high)}")
        return f"{c} IS NOT NULL AND ({' OR '.join(parts)})", kwargs["column"]
    if kind in ("expect_column_values_to_be_in_set", "expect_column_values_to_not_be_in_set"):
        c = col(kwargs.get("column"))
        values = col.value(kwargs.get("value_set")) or []
        operator = "NOT IN" if kind.endswith("_be_in_set") and "not_be" not in kind else "IN"
        return f"{c} IS NOT NULL AND {c} {operator} ({', '.join(literal(v) for v in values) or 'NULL'})", \
            kwargs["column"]
    if kind in ("expect_column_values_to_not_be_null", "expect_column_values_to_be_null"):
        c = col(kwargs.get("column"))
        return f"{c} IS {'' if 'not_be' in kind else 'NOT '}NULL", kwargs["column"]
    if kind in ("expect_column_pair_values_a_to_be_greater_than_b", "expect_column_pair_values_to_be_equal",
                "expect_column_pair_values_to_be_in_set"):
        a, b = col(kwargs.get("column_A")), col(kwargs.get("column_B"))
        ignore = kwargs.get("ignore_row_if", "both_values_are_missing")
        skip = {"either_value_is_missing": f"({a} IS NULL OR {b} IS NULL)",
                "both_values_are_missing": f"({a} IS NULL AND {b} IS NULL)", "neither": "false"}.get(ignore)
        if skip is None:
            raise SuiteError(f"unknown ignore_row_if {ignore!r}")
        if kind.endswith("_in_set"):
            pairs = col.value(kwargs.get("value_pairs_set")) or []
            if not all(isinstance(p, (list, tuple)) and len(p) == 2 for p in pairs):
                raise SuiteError("value_pairs_set is a list of [A, B] pairs")
            good = (f"({a}, {b}) IN ({', '.join(f'({literal(x)}, {literal(y)})' for x, y in pairs)})"
                    if pairs else "false")
        elif kind.endswith("_equal"):
            good = f"{a} IS NOT DISTINCT FROM {b}"
        else:
            good = f"{a} {'>=' if kwargs.get('or_equal') else '>'} {b}"
        return f"NOT {skip} AND NOT coalesce({good}, false)", kwargs["column_A"]
    raise SuiteError(f"the expectation type {kind!r} is not supported by the SQL engine; use one of the types "
                     "documented in docs/validation.md")


def compile_suite(name: str, suite: dict[str, Any], params: dict[str, Any], suite_file: str) -> tuple[
        list[Rule], list[Problem]]:
    """The rules of one suite, and a problem for every expectation that cannot be compiled."""
    rules, problems = [], []
    for number, expectation in enumerate(suite.get("expectations") or [], start=1):
        try:
            rules.append(compile_expectation(name, expectation, params))
        except (SuiteError, KeyError, TypeError, AttributeError) as exc:
            problems.append(Problem("suite-file", f"expectation {number} cannot be run: {exc}", file=suite_file,
                                    resource=name, row=number, hint="see docs/validation.md for the expectation "
                                    "types the engine runs"))
    return rules, problems


def compile_expectation(table: str, expectation: dict[str, Any], params: dict[str, Any]) -> Rule:
    """One expectation as a Rule (raises SuiteError when it cannot be compiled)."""
    if not isinstance(expectation, dict):
        raise SuiteError("an expectation is an object with type, kwargs and meta")
    kind, kwargs = expectation.get("type"), expectation.get("kwargs") or {}
    meta = expectation.get("meta") or {}
    if kwargs.get("mostly") not in (None, 1, 1.0):
        raise SuiteError("'mostly' is not supported: a rule holds for every row")
    col = Columns(params, table)
    fails, blamed = _fails(str(kind), kwargs, col)
    where = "true"
    if kwargs.get("row_condition") is not None:
        where = condition(kwargs["row_condition"], col)
        fails = f"CASE WHEN {where} THEN ({fails}) ELSE false END"  # the condition first, always
    screen = None
    if str(kind) == "expect_column_values_to_not_match_regex" and not str(kwargs.get("column", "_")).startswith("_"):
        screen = (col(kwargs["column"]), str(col.value(kwargs.get("regex"))), where)
    field = meta.get("field") or blamed
    per_plan = table == TEXTS or "NULL" not in plan_expression(table)
    return Rule(str(meta.get("check") or kind), table, fails=fails, message=str(meta.get("message") or kind),
                field=field, expected=meta.get("expected"), hint=meta.get("hint"), joins=tuple(col.joins),
                columns=col.columns(), needs=tuple(col.needs), per_plan=per_plan, screen=screen)

