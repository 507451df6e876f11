"""Great Expectations suites: what a Table Schema cannot say, stored as reviewable JSON in validation/, run on pandas.

One suite per resource lives in `validation/<resource>.json` (and `validation/texts.json` for the plans' texts).
Each expectation is a Great Expectations 1.x expectation (`type`, `kwargs`) with a `meta` block that makes its
failure readable: `check` (short name), `field` (the column to blame), `message`, `expected` and `hint` (templates
filled with the failing row's values and the run's parameters, e.g. `{char_start}` or `{pattern_plan_id}`).

Expectations whose meta says `"generated": "metadata"` are derived from src/yigai/metadata/ — identifier patterns
(the regexes stay in fields.yml and reach the suite as `$PARAMETER`s), clean text in every free-text field, spans
inside the text, and quotes equal to the text at their offsets. `python -m yigai.validate.suites` rewrites them
after a metadata change; every other expectation is written by hand and kept as it is.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from yigai import metadata
from yigai.validate import hygiene
from yigai.validate.frames import TEXTS, Frame
from yigai.validate.report import Problem

GENERATED = "metadata"
MAX_PROBLEMS_PER_EXPECTATION = 50
MAX_EXAMINED_PER_EXPECTATION = 5000
RESULT_FORMAT = {"result_format": "COMPLETE"}


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
            suite = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            problems.append(Problem("suite-file", "expectation suite file is missing", file=shown, resource=name,
                                    hint="run `python -m yigai.validate.suites` to create it from the metadata"))
            continue
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
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
        constraints = fields[column].get("constraints") or {}
        if column.endswith("_id") and constraints.get("pattern"):
            out.append({"type": "expect_column_values_to_match_regex",
                        "kwargs": {"column": column, "regex": {"$PARAMETER": f"pattern_{column}"}},
                        "meta": _meta("id-pattern", f"{column} does not follow its documented pattern",
                                      f"text matching {{pattern_{column}}}",
                                      f"see the {column} entry of docs/data-dictionary.md for how ids are made")})
    for column in columns:
        spec = fields[column]
        constraints = spec.get("constraints") or {}
        if spec["type"] == "string" and not constraints.get("pattern") and not constraints.get("enum") \
                and column not in (exempt or {}):
            out.append(clean_text_expectation(column))
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


def clean_text_expectation(column: str) -> dict[str, Any]:
    """The clean-text expectation for one column (the message is written per row by yigai.validate.hygiene)."""
    return {"type": "expect_column_values_to_not_match_regex",
            "kwargs": {"column": column, "regex": {"$PARAMETER": "forbidden_text"}},
            "meta": _meta("clean-text", "the text contains what a published text must not",
                          "simplified characters only; no pinyin glosses, U+FFFD, control characters or spam",
                          "published text is normalised: fix the source (corrections.yml) or the normaliser, "
                          "not the CSV")}


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
    return params


# --- running them -----------------------------------------------------------------------------------------------

def _context(docs_dir: Path | None):
    """An in-memory Great Expectations context, or a temporary file-mode one when Data Docs are wanted."""
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    if docs_dir is None:
        context, root = gx.get_context(mode="ephemeral"), None
    else:
        docs_dir.parent.mkdir(parents=True, exist_ok=True)
        root = Path(tempfile.mkdtemp(prefix=".gx-context-", dir=docs_dir.parent))
        context = gx.get_context(mode="file", project_root_dir=str(root))
        context.update_data_docs_site("local_site", {
            "class_name": "SiteBuilder", "show_how_to_buttons": False,
            "store_backend": {"class_name": "TupleFilesystemStoreBackend", "base_directory": str(docs_dir.resolve())},
            "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"}})
    context.variables.progress_bars = ProgressBarsConfig(globally=False, metric_calculations=False)
    return context, root


def run(frames: dict[str, Frame], suites: dict[str, dict[str, Any]], suites_dir: Path,
        docs_dir: Path | None = None) -> list[Problem]:
    """Run each suite on its frame and turn every failed expectation into Problems (one per failing row).

    Args:
        frames: the package's frames with derived columns (see yigai.validate.frames).
        suites: the loaded suite files by resource name.
        suites_dir: where the suites came from (named in problems about a suite itself).
        docs_dir: when given, also render the results as Great Expectations Data Docs there.
    """
    import great_expectations as gx
    from great_expectations.core import ExpectationSuite
    from great_expectations.expectations.expectation_configuration import ExpectationConfiguration

    context, root = _context(docs_dir)
    source = context.data_sources.add_pandas("package")
    params = parameters()
    problems: list[Problem] = []
    try:
        for name in sorted(set(frames) & set(suites)):
            spec, frame = suites[name], frames[name]
            suite_file = f"{suites_dir.name}/{name}.json"
            try:
                configs = [ExpectationConfiguration(type=e["type"], kwargs=e.get("kwargs", {}), meta=e.get("meta"))
                           for e in spec["expectations"]]
                suite = context.suites.add(ExpectationSuite(name=name, expectations=[c.to_domain_obj()
                                                                                     for c in configs],
                                                            meta=spec.get("meta") or {}))
            except Exception as exc:  # a hand edit that Great Expectations cannot read
                problems.append(Problem("suite-file", f"Great Expectations cannot read this suite: {exc}",
                                        file=suite_file, resource=name))
                continue
            batch = source.add_dataframe_asset(name).add_batch_definition_whole_dataframe("all")
            definition = context.validation_definitions.add(gx.ValidationDefinition(name=name, data=batch,
                                                                                    suite=suite))
            with warnings.catch_warnings():  # pandas warns that the documented patterns have groups; harmless
                warnings.filterwarnings("ignore", "This pattern is interpreted as a regular expression")
                result = definition.run(batch_parameters={"dataframe": frame.data}, expectation_parameters=params,
                                        result_format=RESULT_FORMAT)
            for outcome in result.results:
                if not outcome.success:
                    problems += _problems(outcome, frame, params, suite_file)
        if docs_dir is not None:
            _reset_docs(docs_dir)
            context.build_data_docs()
    finally:
        if root is not None:
            shutil.rmtree(root, ignore_errors=True)
    return problems


def _reset_docs(docs_dir: Path) -> None:
    """Remove Data Docs of an earlier run (only a folder Great Expectations made: index.html and static/)."""
    if (docs_dir / "index.html").is_file() and (docs_dir / "static").is_dir():
        shutil.rmtree(docs_dir)


def _text(value: Any) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NaT:
        return ""
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


class _Fill(dict):
    """Template values for one failing row: its cells (as written), then the run's parameters."""

    def __init__(self, data: pd.DataFrame, raw: pd.DataFrame, index: Any, params: dict[str, str]):
        super().__init__()
        self.data, self.raw, self.index, self.params = data, raw, index, params

    def __missing__(self, key: str) -> str:
        if key in self.raw.columns:
            return _text(self.raw.at[self.index, key])
        if key in self.data.columns:
            return _text(self.data.at[self.index, key])
        return self.params.get(key, "{" + key + "}")


def _problems(outcome, frame: Frame, params: dict[str, str], suite_file: str) -> list[Problem]:
    """Problems for one failed expectation: one per failing row (capped), naming file, row, field and value."""
    config = outcome.expectation_config
    meta = dict(config.meta or {})
    kwargs = config.kwargs
    check = meta.get("check") or config.type
    info = outcome.exception_info or {}
    raised = [v for v in info.values() if isinstance(v, dict) and v.get("raised_exception")]
    if info.get("raised_exception") or raised:
        message = info.get("exception_message") or (raised[0].get("exception_message") if raised else "")
        return [Problem(check, f"the expectation could not run: {message}", file=suite_file, resource=frame.name,
                        field=kwargs.get("column") or kwargs.get("column_A"),
                        hint="check the suite file and that the column exists")]
    field = meta.get("field") or kwargs.get("column") or kwargs.get("column_A")
    rows = list(outcome.result.get("unexpected_index_list") or [])
    problems: list[Problem] = []
    for index in rows[:MAX_EXAMINED_PER_EXPECTATION]:
        fill = _Fill(frame.data, frame.raw, index, params)
        value = fill[field] if field else None
        message = meta.get("message", config.type).format_map(fill)
        if check == "clean-text":
            described = hygiene.describe(value or "")
            if described is None:
                continue  # a character t2s changes alone but keeps in this phrase (e.g. 乾 in 乾坤)
            message = f"the text contains {described}"
        problems.append(_located(frame, index, Problem(
            check, message, file=frame.file, resource=frame.name, field=field, value=value,
            expected=meta.get("expected", "").format_map(fill) or None, hint=meta.get("hint"))))
        if len(problems) == MAX_PROBLEMS_PER_EXPECTATION:
            break
    if len(rows) > len(problems) and problems:
        problems.append(Problem(check, f"… and up to {len(rows) - len(problems)} more rows fail this check",
                                file=frame.file, resource=frame.name, field=field))
    return problems


def _located(frame: Frame, index: Any, problem: Problem) -> Problem:
    """Give the problem its row (and, for texts, the file of that line)."""
    if "_row" in frame.data.columns:
        problem.row = int(frame.data.at[index, "_row"])
        problem.file = str(frame.data.at[index, "_file"])
        problem.resource = "text-" + str(frame.data.at[index, "plan_id"])
    else:
        problem.row = int(index)
    return problem


def main(argv: list[str] | None = None) -> int:
    """Refresh the generated expectations of the suite files: `python -m yigai.validate.suites [DIR]`."""
    args = sys.argv[1:] if argv is None else argv
    directory = Path(args[0]) if args else Path("validation")
    for path in write(directory):
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
