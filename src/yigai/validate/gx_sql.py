"""Great Expectations on a SQL engine over DuckDB: the alternative to compiling the suites to SQL, kept measurable.

scripts/bench_validate.py --compare-gx runs the suites through Great Expectations' SQL execution engine on the
package loaded in a DuckDB database file (needs the `duckdb-engine` SQLAlchemy dialect, not a yigai dependency),
next to our compiler on the same data; docs/validation.md gives the figures and why the compiler was chosen.
"""

from __future__ import annotations

import os
import time
import warnings
from pathlib import Path
from typing import Any

from yigai.validate.engine import TEXTS
from yigai.validate.loader import connect, quote
from yigai.validate.sqlsuite import DERIVED, Columns


def _views(database: Path, suites: dict[str, dict[str, Any]], available: set[str]) -> list[str]:
    """One view per suite holding its table and every derived column it names (GE sees one table at a time)."""
    from yigai.validate.gxdocs import _names

    con = connect(str(database))
    names = []
    for name in sorted(set(suites) & (available | {TEXTS})):
        col = Columns({})
        for derived in sorted(DERIVED):
            if derived in _names(suites[name]):
                col(derived)
        extra = "".join(f", {c}" for c in col.columns())
        con.execute(f"CREATE OR REPLACE VIEW {quote('gx_' + name)} AS SELECT v.*{extra} FROM "
                    f"{quote('v_' + name)} v {' '.join(col.joins)}")
        names.append(name)
    con.close()
    return names


def run(database: Path, suites: dict[str, dict[str, Any]], available: set[str],
        params: dict[str, Any]) -> dict[str, Any]:
    """Run every suite through Great Expectations' SQL engine; returns seconds (import included) and failures."""
    start = time.perf_counter()
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
    import great_expectations as gx
    from great_expectations.core import ExpectationSuite
    from great_expectations.expectations.expectation_configuration import ExpectationConfiguration

    imported = time.perf_counter() - start
    names = _views(database, suites, available)
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False, metric_calculations=False)
    source = context.data_sources.add_sql("package", connection_string=f"duckdb:///{database}")
    total = failed = unmet = 0
    errors: set[str] = set()
    for name in names:
        spec = suites[name]
        suite = context.suites.add(ExpectationSuite(name=name, expectations=[
            ExpectationConfiguration(type=e["type"], kwargs=e.get("kwargs", {}), meta=e.get("meta")).to_domain_obj()
            for e in spec["expectations"]]))
        batch = source.add_table_asset(name=name, table_name=f"gx_{name}").add_batch_definition_whole_table("all")
        definition = context.validation_definitions.add(gx.ValidationDefinition(name=name, data=batch, suite=suite))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            result = definition.run(expectation_parameters=params, result_format={"result_format": "SUMMARY"})
        for outcome in result.results:
            total += 1
            info = outcome.exception_info or {}
            raised = info.get("raised_exception") or any(isinstance(v, dict) and v.get("raised_exception")
                                                         for v in info.values())
            if raised:
                failed += 1
                errors.add(outcome.expectation_config.type)
            elif not outcome.success:
                unmet += 1
    return {"seconds": time.perf_counter() - start, "import": imported, "expectations": total, "failed": failed,
            "errors": errors, "unmet": unmet}
