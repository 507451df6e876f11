"""Great Expectations suites: what a Table Schema cannot say, stored as reviewable JSON in validation/.

One suite per resource lives in `validation/<resource>.json` (and `validation/texts.json` for the plans' texts).
Each expectation is a Great Expectations 1.x expectation (`type`, `kwargs`) with a `meta` block that makes its
failure readable: `check` (short name), `field` (the column to blame), `message`, `expected` and `hint` (templates
filled with the failing row's values and the run's parameters, e.g. `{char_start}` or `{pattern_plan_id}`).

Expectations whose meta says `"generated": "metadata"` are derived from src/yigai/metadata/ — clean text in every
free-text field (no control characters in the few exempt ones), spans inside the text, and quotes equal to the text
at their offsets. Types, patterns, enums, ranges and keys are not repeated here: yigai.validate.rules compiles them
from fields.yml and resources.yml directly. `python -m yigai.validate.suites` rewrites them
after a metadata change; every other expectation is written by hand and kept as it is. The suites are compiled to
SQL and run over the package in DuckDB (yigai.validate.sqlsuite); Great Expectations renders them as Data Docs
(yigai.validate.gxdocs) when asked.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any

from yigai import metadata
from yigai.validate import hygiene
from yigai.validate.engine import TEXTS
from yigai.validate.report import Problem
from yigai.validate.rules import span_covered

GENERATED = "metadata"


# --- the suite files --------------------------------------------------------------------------------------------

def suite_names() -> list[str]:
    """The suites the package needs: one per table, and one for the texts."""
    return [*metadata.table_names(), TEXTS]


def dumps(suite: dict[str, Any]) -> str:
    """A suite as reviewable JSON: sorted keys, two-space indent, readable Chinese, final newline."""
    return json.dumps(suite, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def load(directory: Path) -> tuple[dict[str, dict[str, Any]], list[Problem]]:
    """Read every suite file; a missing or malformed one is a problem naming the file."""
    suites: dict[str, dict[str, Any]] = {}
    problems: list[Problem] = []
    for name in suite_names():
        path = directory / f"{name}.json"
        shown = f"{directory.name}/{path.name}"
        try:
            suite = json.loads(path.read_bytes().decode("utf-8"))
        except FileNotFoundError:
            problems.append(Problem("suite-file", "expectation suite file is missing", file=shown, resource=name,
                                    hint="run `python -m yigai.validate.suites` to create it from the metadata"))
            continue
        except (json.JSONDecodeError, UnicodeDecodeError, RecursionError, OSError) as exc:
            problems.append(Problem("suite-file", f"not valid JSON: {exc}", file=shown, resource=name,
                                    row=getattr(exc, "lineno", None)))
            continue
        if not isinstance(suite, dict) or not isinstance(suite.get("expectations"), list):
            problems.append(Problem("suite-file", "a suite is a JSON object with a list of expectations",
                                    file=shown, resource=name, field="expectations"))
            continue
        suites[name] = suite
    return suites, problems


def _meta(check: str, message: str, expected: str, hint: str, field: str | None = None) -> dict[str, Any]:
    meta = {"check": check, "message": message, "expected": expected, "hint": hint, "generated": GENERATED}
    if field:
        meta["field"] = field
    return meta


def generated_expectations(name: str, exempt: dict[str, str] | None = None) -> list[dict[str, Any]]:
    """The expectations of a table that follow from its metadata (fields.yml, resources.yml)."""
    if name not in metadata.resources():
        return []
    fields = metadata.fields()
    columns = metadata.columns(name)
    out: list[dict[str, Any]] = []
    for column in columns:
        spec = fields[column]
        constraints = spec.get("constraints") or {}
        if spec["type"] == "string" and not constraints.get("pattern") and not constraints.get("enum"):
            out.append(control_expectation(column) if column in (exempt or {}) else
                       clean_text_expectation(column, column in span_covered(name)))
    if "char_start" in columns and "char_end" in columns:
        out.append({"type": "expect_column_pair_values_a_to_be_greater_than_b",
                    "kwargs": {"column_A": "char_end", "column_B": "char_start", "or_equal": True,
                               "ignore_row_if": "either_value_is_missing"},
                    "meta": _meta("span-order", "the span ends before it starts", "char_end ≥ char_start "
                                  "({char_start})", "offsets count code points of texts/<plan_id>.txt from 0; "
                                  "char_end is exclusive", "char_end")})
        out.append({"type": "expect_column_pair_values_a_to_be_greater_than_b",
                    "kwargs": {"column_A": "_text_length", "column_B": "char_end", "or_equal": True,
                               "ignore_row_if": "either_value_is_missing"},
                    "meta": _meta("span-in-text", "the span ends after the end of the plan's text",
                                  "char_end ≤ {_text_length} (the length of the plan's text)",
                                  "offsets point into the published text texts/<plan_id>.txt, not the raw file",
                                  "char_end")})
    span = metadata.resources()[name].get("spans")
    if span:
        out.append({"type": "expect_column_pair_values_to_be_equal",
                    "kwargs": {"column_A": span, "column_B": "_span_text", "ignore_row_if": "either_value_is_missing"},
                    "meta": _meta("quote-in-text", f"{span} is not the text at its offsets",
                                  "text[{char_start}:{char_end}] = “{_span_text}”",
                                  f"{span} must equal the plan's published text from char_start to char_end: fix "
                                  "the offsets or the words", span)})
    return out


# A row whose words are verified to be its span of the plan's text is as clean as that text (texts.json checks it).
UNVERIFIED = {"type": "comparison", "column": {"name": "_span_verified"}, "operator": "==", "parameter": False}


def clean_text_expectation(column: str, span_covered: bool = False) -> dict[str, Any]:
    """The clean-text expectation for one column (the message is written per row by yigai.validate.hygiene).

    A column whose words are the plan's text at the row's offsets is checked only on rows where they are not:
    elsewhere it is as clean as the text, which texts.json checks line by line.
    """
    kwargs: dict[str, Any] = {"column": column, "regex": {"$PARAMETER": "forbidden_text"}}
    if span_covered:
        kwargs["row_condition"] = UNVERIFIED
    return {"type": "expect_column_values_to_not_match_regex", "kwargs": kwargs,
            "meta": _meta("clean-text", "the text contains what a published text must not",
                          "simplified characters only; no pinyin glosses, U+FFFD, control characters or spam",
                          "published text is normalised: fix the source (corrections.yml) or the normaliser, "
                          "not the CSV")}


def control_expectation(column: str) -> dict[str, Any]:
    """For a column exempt from the clean-text rule (it quotes damaged text): still no control characters."""
    return {"type": "expect_column_values_to_not_match_regex",
            "kwargs": {"column": column, "regex": {"$PARAMETER": "control_characters"}},
            "meta": _meta("control-characters", "the text contains a control character (e.g. NUL or ESC)",
                          "no control characters", "remove the control character: it is not part of any document "
                          "text and may hide or rewrite what a terminal shows")}


def sync(name: str, suite: dict[str, Any] | None) -> dict[str, Any]:
    """Return the suite with its generated expectations rewritten from the metadata; hand-written ones are kept."""
    suite = dict(suite or {"name": name, "meta": {}, "expectations": []})
    exempt = (suite.get("meta") or {}).get("clean_text_exempt") or {}
    kept = [e for e in suite.get("expectations", []) if (e.get("meta") or {}).get("generated") != GENERATED]
    suite["name"] = name
    suite["expectations"] = generated_expectations(name, exempt) + kept
    return suite


def write(directory: Path) -> list[Path]:
    """Create or refresh every suite file in `directory` (generated expectations only; hand-written kept)."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name in suite_names():
        path = directory / f"{name}.json"
        current = json.loads(path.read_text(encoding="utf-8")) if path.exists() else None
        text = dumps(sync(name, current))
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
            written.append(path)
    return written


def parameters() -> dict[str, str]:
    """The `$PARAMETER` values of the suites: every documented pattern, and the forbidden-text expression."""
    params = {f"pattern_{name}": spec["constraints"]["pattern"] for name, spec in metadata.fields().items()
              if (spec.get("constraints") or {}).get("pattern")}
    params["forbidden_text"] = hygiene.forbidden_pattern()
    params["control_characters"] = hygiene.CONTROL
    params["today"] = dt.date.today().isoformat()
    return params


def main(argv: list[str] | None = None) -> int:
    """Refresh the generated expectations of the suite files: `python -m yigai.validate.suites [DIR]`."""
    args = sys.argv[1:] if argv is None else argv
    directory = Path(args[0]) if args else Path("validation")
    for path in write(directory):
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
