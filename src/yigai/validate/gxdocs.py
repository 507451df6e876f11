"""Great Expectations Data Docs of the suites, rendered from the same data the SQL engine checked.

Imported only when Data Docs are asked for (`yigai validate --data-docs DIR`): Great Expectations takes seconds to
import. Each suite runs in Great Expectations on its table as loaded in DuckDB (fetched as a DataFrame with the
derived columns the suite uses), so the pages show Great Expectations' own account of the same rules.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import warnings
from pathlib import Path
from typing import Any

import duckdb

from yigai.validate.engine import TEXTS
from yigai.validate.loader import quote
from yigai.validate.report import Problem
from yigai.validate.sqlsuite import DERIVED, Columns

RESULT_FORMAT = {"result_format": "SUMMARY"}


def _context(docs_dir: Path):
    """A temporary file-mode Great Expectations context whose Data Docs site is docs_dir."""
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    docs_dir.parent.mkdir(parents=True, exist_ok=True)
    root = Path(tempfile.mkdtemp(prefix=".gx-context-", dir=docs_dir.parent))
    context = gx.get_context(mode="file", project_root_dir=str(root))
    context.update_data_docs_site("local_site", {
        "class_name": "SiteBuilder", "show_how_to_buttons": False,
        "store_backend": {"class_name": "TupleFilesystemStoreBackend", "base_directory": str(docs_dir.resolve())},
        "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"}})
    context.variables.progress_bars = ProgressBarsConfig(globally=False, metric_calculations=False)
    return context, root


def frame(con: duckdb.DuckDBPyConnection, table: str, suite: dict[str, Any]):
    """The table as a DataFrame with every derived column the suite names."""
    col = Columns({})
    for name in sorted(DERIVED):
        if name in _names(suite):
            col(name)
    extra = "".join(f", {c}" for c in col.columns())
    return con.execute(f"SELECT v.*{extra} FROM {quote('v_' + table)} v {' '.join(col.joins)} ORDER BY v._row").df()


def _names(value: Any) -> set[str]:
    """Every string inside a suite (so the derived columns it refers to are found wherever they appear)."""
    if isinstance(value, dict):
        return set().union(*(_names(v) for v in value.values())) if value else set()
    if isinstance(value, list):
        return set().union(*(_names(v) for v in value)) if value else set()
    return {value} if isinstance(value, str) else set()


def render(con: duckdb.DuckDBPyConnection, suites: dict[str, dict[str, Any]], available: set[str],
           params: dict[str, Any], docs_dir: Path, suites_dir: Path) -> list[Problem]:
    """Run every suite in Great Expectations and write the Data Docs into docs_dir (an earlier site is replaced)."""
    import great_expectations as gx
    from great_expectations.core import ExpectationSuite
    from great_expectations.expectations.expectation_configuration import ExpectationConfiguration

    context, root = _context(docs_dir)
    source = context.data_sources.add_pandas("package")
    problems: list[Problem] = []
    try:
        for name in sorted(set(suites) & (available | {TEXTS})):
            spec = suites[name]
            try:
                configs = [ExpectationConfiguration(type=e["type"], kwargs=e.get("kwargs", {}), meta=e.get("meta"))
                           for e in spec["expectations"]]
                suite = context.suites.add(ExpectationSuite(name=name, expectations=[c.to_domain_obj()
                                                                                     for c in configs],
                                                            meta=spec.get("meta") or {}))
            except Exception as exc:  # a hand edit that Great Expectations cannot read
                problems.append(Problem("suite-file", f"Great Expectations cannot read this suite: {exc}",
                                        file=f"{suites_dir.name}/{name}.json", resource=name))
                continue
            batch = source.add_dataframe_asset(name).add_batch_definition_whole_dataframe("all")
            definition = context.validation_definitions.add(gx.ValidationDefinition(name=name, data=batch,
                                                                                    suite=suite))
            with warnings.catch_warnings():  # pandas warns that the documented patterns have groups; harmless
                warnings.simplefilter("ignore")
                definition.run(batch_parameters={"dataframe": frame(con, name, spec)},
                               expectation_parameters=params, result_format=RESULT_FORMAT)
        if (docs_dir / "index.html").is_file() and (docs_dir / "static").is_dir():
            shutil.rmtree(docs_dir)  # only a folder Great Expectations made
        context.build_data_docs()
    finally:
        shutil.rmtree(root, ignore_errors=True)
    return problems
