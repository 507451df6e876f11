"""Rules compiled from the metadata (src/yigai/metadata/): what writes datapackage.json also writes the checks.

From fields.yml: types, required, patterns, enums, minimum and maximum, unique, finite numbers and the size of a
cell. From resources.yml: primary keys, foreign keys (with `same_plan: true`, the referenced row must belong to the
same plan), `plan_ids` (identifiers that begin with the row's plan_id), `outline` (a tree whose ids, parents, depths
and positions follow from its paths) and `spans` (a quote whose words are the plan's text at its offsets; the
exact comparisons are suite entries, see yigai.validate.suites, and an outline's items are compared here).
"""

from __future__ import annotations

from typing import Any

from yigai import metadata
from yigai.validate.engine import Rule
from yigai.validate.loader import flat_sql, literal, quote

MAX_CELL_BYTES = 1024 * 1024
DICTIONARY = "see docs/data-dictionary.md"
_EXPECTED_TYPE = {"integer": "a whole number", "number": "a number", "date": "an ISO date YYYY-MM-DD that exists",
                  "boolean": "true or false"}


def column_rules(table: str) -> list[Rule]:
    """Types and constraints of every column of a table, from fields.yml (with the table's overrides)."""
    rules: list[Rule] = []
    for column in metadata.columns(table):
        spec = metadata.field_spec(table, column)
        kind = spec["type"]
        c = f"v.{quote(column)}"
        raw = f"v.{quote('_raw_' + column)}" if kind != "string" else c
        constraints = spec.get("constraints") or {}
        where = dict(table=table, field=column)
        if kind != "string":
            rules.append(Rule("type-error", fails=f"{raw} IS NOT NULL AND {c} IS NULL",
                              message=f"the value is not a valid {kind}", expected=_EXPECTED_TYPE[kind],
                              hint="write the value in the column's type (" + DICTIONARY + ")", **where))
        if kind == "number":
            rules.append(Rule("constraint-error", fails=f"NOT isfinite({c})", message="the number is not finite",
                              expected="a finite number (not NaN or infinite)", hint=DICTIONARY, **where))
        if kind == "string":
            rules.append(Rule("oversized-cell", fails=f"strlen({c}) > {MAX_CELL_BYTES}",
                              value=f"left({c}, 60) || '…'", message=f"the cell holds more than "
                              f"{MAX_CELL_BYTES // 1024} KiB of text", expected="one item's text",
                              hint="a cell holds the text of one row; check for a missing quote or a pasted file",
                              **where))
        if constraints.get("required"):
            rules.append(Rule("constraint-error", fails=f"{raw} IS NULL", message="a value is required",
                              expected="a value", hint="every row needs this value (" + DICTIONARY + ")", **where))
        rules += _constraint_rules(column, kind, constraints, c, where)
    return rules


def _constraint_rules(column: str, kind: str, constraints: dict[str, Any], c: str, where: dict) -> list[Rule]:
    rules = []
    hint = "the value breaks a documented constraint (" + DICTIONARY + ")"
    if constraints.get("pattern"):
        pattern = constraints["pattern"]
        rules.append(Rule("constraint-error", fails=f"NOT regexp_full_match({c}, {literal(pattern)})",
                          message="the value breaks the 'pattern' constraint", expected=f"text matching {pattern}",
                          hint=hint, **where))
    if constraints.get("enum"):
        values = constraints["enum"]
        rules.append(Rule("constraint-error", fails=f"{c} NOT IN ({', '.join(literal(v) for v in values)})",
                          message="the value breaks the 'enum' constraint", expected=f"one of {values}", hint=hint,
                          **where))
    for name, operator, word in (("minimum", "<", "at least"), ("maximum", ">", "at most")):
        if constraints.get(name) is not None:
            bound = constraints[name]
            sql_bound = f"DATE {literal(str(bound))}" if kind == "date" else literal(bound)
            rules.append(Rule("constraint-error", fails=f"{c} {operator} {sql_bound}",
                              message=f"the value breaks the '{name}' constraint", expected=f"{word} {bound}",
                              hint=hint, **where))
    if constraints.get("unique"):
        rules.append(duplicates(where["table"], [column], "constraint-error", "the value is not unique",
                                "a value no other row has", "each row needs its own value; a duplicate here means "
                                "the same thing was added twice"))
    return rules


def duplicates(table: str, key: list[str], check: str, message: str, expected: str, hint: str) -> Rule:
    """Rows whose key (all parts present) repeats that of an earlier row; names the first row."""
    columns = ", ".join(quote(k) for k in key)
    present = " AND ".join(f"{quote(k)} IS NOT NULL" for k in key)
    join = (f"JOIN (SELECT {columns}, min(_row) AS _first FROM {quote('v_' + table)} WHERE {present} "
            f"GROUP BY {columns} HAVING count(*) > 1) _dup USING ({columns})")
    return Rule(check, table, fails="v._row > _dup._first", message=message + ": the same as row {_first}",
                field=",".join(key), value=" || ',' || ".join(f"CAST(v.{quote(k)} AS VARCHAR)" for k in key),
                expected=expected, hint=hint, joins=(join,), columns=("_dup._first AS _first",), per_plan=False)


def key_rules(table: str) -> list[Rule]:
    """Primary key and foreign keys of a table, from resources.yml."""
    spec = metadata.resources()[table]
    rules = [duplicates(table, list(spec["primary_key"]), "primary-key", "duplicate primary key",
                        "a key no other row has", "every row needs a unique primary key: remove the duplicate or "
                        "give it its own id")]
    for fk in spec.get("foreign_keys", []):
        ref_table = fk["resource"]
        fields, refs = list(fk["fields"]), list(fk["reference"])
        present = " AND ".join(f"v.{quote(f)} IS NOT NULL" for f in fields)
        match = " AND ".join(f"_r.{quote(r)} = v.{quote(f)}" for f, r in zip(fields, refs))
        shown = ",".join(fields)
        value = " || ',' || ".join(f"v.{quote(f)}" for f in fields)
        if len(fields) == 1:  # a hash anti-join; EXISTS is decorrelated less well against a small table
            missing = (f"v.{quote(fields[0])} NOT IN (SELECT {quote(refs[0])} FROM {quote('v_' + ref_table)} "
                       f"WHERE {quote(refs[0])} IS NOT NULL)")
        else:
            missing = f"NOT EXISTS (SELECT 1 FROM {quote('v_' + ref_table)} _r WHERE {match})"
        rules.append(Rule("foreign-key", table, field=shown, value=value, needs=(ref_table,), per_plan=False,
                          fails=f"{present} AND {missing}",
                          message=f"{shown} '{{_value}}' does not exist in {ref_table}.{','.join(refs)}",
                          expected=f"a {','.join(refs)} listed in {ref_table}",
                          hint="the value must exist in the referenced table: add that row there, or correct the id"))
        if fk.get("same_plan"):
            rules.append(Rule("same-plan", table, field=shown, value=value, needs=(ref_table,),
                              fails=f"{present} AND EXISTS (SELECT 1 FROM {quote('v_' + ref_table)} _r WHERE {match} "
                                    "AND _r._plan IS DISTINCT FROM v._plan)",
                              message=f"{shown} '{{_value}}' belongs to another plan than this row ({{_plan}})",
                              expected=f"a {','.join(refs)} of plan {{_plan}} in {ref_table}",
                              hint="a row may only refer to rows of its own plan"))
    return rules


def identity_rules(table: str) -> list[Rule]:
    """Identifiers that begin with the row's plan, and an outline tree that follows from its paths."""
    spec = metadata.resources()[table]
    rules = []
    for column in spec.get("plan_ids", []):
        rules.append(Rule("same-plan", table, field=column,
                          fails=f"v._plan IS NOT NULL AND NOT starts_with(v.{quote(column)}, v._plan || ':')",
                          message=f"{column} belongs to another plan than this row ({{_plan}})",
                          expected="an id that begins with {_plan}:", hint="ids begin with the plan_id of the row's "
                          "plan: a row may only refer to rows of its own plan"))
    outline = spec.get("outline")
    if outline:
        rules += _outline_rules(table, outline)
    return rules


def _outline_rules(table: str, outline: dict[str, str]) -> list[Rule]:
    """The outline's id is <plan>:<path>; depth counts the path's numbers; the parent drops the last number.

    A path is `[A<table>.]n(.n)*`: an annex table's rows are numbered under their table and are top-level items.
    """
    ident, parent, path, depth, position = (quote(outline[k]) for k in ("id", "parent", "path", "depth",
                                                                          "position"))
    # No regular expressions: the path's pattern is checked by fields.yml; these only take it apart.
    numbers = f"CASE WHEN starts_with(v.{path}, 'A') THEN substr(v.{path}, strpos(v.{path}, '.') + 1) ELSE v.{path} END"
    last = f"string_split(v.{path}, '.')[-1]"
    levels = f"(length({numbers}) - length(replace({numbers}, '.', '')) + 1)"
    parent_path = f"left(v.{path}, length(v.{path}) - length({last}) - 1)"
    hint = "the outline follows from path: id = <plan_id>:<path>, depth = numbers in the path (an annex row's " \
           "table number not counted), parent = the path without its last number, position = its last number"
    return [
        Rule("outline", table, field=outline["id"], fails=f"v.{ident} <> v._plan || ':' || v.{path}",
             message=f"{outline['id']} is not <plan_id>:<{outline['path']}>", expected="{_plan}:{path}", hint=hint),
        Rule("outline", table, field=outline["depth"], fails=f"v.{depth} <> {levels}",
             message=f"{outline['depth']} contradicts {outline['path']} {{path}}", expected="the number of levels "
             "in the path", hint=hint),
        Rule("outline", table, field=outline["position"], fails=f"CAST(v.{position} AS VARCHAR) <> {last}",
             message=f"{outline['position']} contradicts {outline['path']} {{path}}",
             expected="the last number of the path", hint=hint),
        Rule("outline", table, field=outline["parent"],
             fails=f"v.{parent} IS DISTINCT FROM CASE WHEN {levels} > 1 THEN v._plan || ':' || {parent_path} END",
             message=f"{outline['parent']} is not the item above this one in the outline (path {{path}})",
             expected="{_plan}:<path without its last number>, or empty for a top-level item", hint=hint),
    ]


SPANS_JOIN = "LEFT JOIN spans _sp ON _sp.plan_id = v._plan AND _sp.s = v.char_start AND _sp.e = v.char_end"


def span_covered(table: str) -> list[str]:
    """The columns whose words are the plan's text at the row's offsets (when the span check holds)."""
    spec = metadata.resources()[table]
    if spec.get("spans"):
        return [spec["spans"]]
    outline = spec.get("outline_span")
    return [outline["field"], outline["label"], outline["heading"]] if outline else []


def span_verified_sql(table: str) -> str | None:
    """SQL (over `v` and SPANS_JOIN) true when the row's words are its span of the text, NULL without a span.

    An outline item's label and text are its span without the newlines between them (and the spaces a label may have
    after it: 第一部分 总体要求); an annex table row's span covers the whole table row, so its label and text begin it
    once the cell separators are set aside (line breaks, tabs, spaces and bars: a table one cell per line or one row
    per line).
    """
    spec = metadata.resources()[table]
    if spec.get("spans"):
        return f"(_sp.span = v.{quote(spec['spans'])})"
    outline = spec.get("outline_span")
    if not outline:
        return None
    words = flat_sql(f"coalesce(v.{quote(outline['label'])}, '') || v.{quote(outline['field'])}")
    label, text = f"coalesce(v.{quote(outline['label'])}, '')", flat_sql(f"v.{quote(outline['field'])}")
    cells = "'[\\s\u3000|｜]+'"
    return (f"(CASE WHEN starts_with(v.{quote(outline['path'])}, 'A') THEN starts_with("
            f"regexp_replace(_sp.flat, {cells}, '', 'g'), regexp_replace({words}, {cells}, '', 'g')) "
            f"ELSE _sp.flat = {words} OR (starts_with(_sp.flat, {label}) AND ltrim(substr(_sp.flat, "
            f"length({label}) + 1), ' \t\u3000') = {text}) END)")


def outline_span_rule(table: str) -> list[Rule]:
    """An outline item's label and text are its span in the plan's text (see span_verified_sql); heading begins it."""
    spec = metadata.resources()[table].get("outline_span")
    if not spec:
        return []
    return [Rule("quote-in-text", table, field=spec["field"], joins=(SPANS_JOIN,), columns=("_sp.span AS _span_text",),
                 fails=f"_sp.flat IS NOT NULL AND NOT {span_verified_sql(table)}",
                 message=f"{spec['label']} and {spec['field']} are not the text at their offsets",
                 expected="text[{char_start}:{char_end}] = “{_span_text}”",
                 hint="the item's label and text must be the plan's published text from char_start to char_end "
                      "(blank lines aside): fix the offsets or the words"),
            Rule("quote-in-text", table, field=spec["heading"],
                 fails=f"v.{quote(spec['heading'])} IS NOT NULL AND NOT starts_with(v.{quote(spec['field'])}, "
                       f"v.{quote(spec['heading'])})", message=f"{spec['heading']} is not the start of the "
                 f"item's {spec['field']}", expected="the first words of the text",
                 hint="the heading is the item's run-in title, the text up to its first 。")]


def metadata_rules(tables: list[str]) -> list[Rule]:
    """Every rule that follows from the metadata, for the given tables."""
    rules: list[Rule] = []
    for table in tables:
        rules += column_rules(table) + key_rules(table) + identity_rules(table) + outline_span_rule(table)
    return rules
