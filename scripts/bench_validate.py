"""Benchmark `yigai validate` against `frictionless validate` alone and a minimal DuckDB reader (the floor).

The synthetic package is the real build of sources/ with the tasks table grown to --rows rows: copies of the real
tasks, each under a new outline number of the same plan, keeping its label, text and offsets (so every rule has
real work to do and the package stays valid). It is written under build/bench/ with its own validation/ folder (the
repository's suites, and golden counts of the synthetic package). Three commands then run, each as its own process
from a cold start (the fastest of --repeat runs for the quick ones), and their wall times are printed side by side
as ratios measured in the same run:

- `yigai validate PACKAGE` (every rule; no Data Docs);
- `frictionless validate PACKAGE/datapackage.json` (Frictionless alone, far fewer checks);
- the floor: a Python process that imports DuckDB and reads every table of the package into a typed DuckDB table,
  and nothing else.

With --compare-gx it also measures, in-process on the same loaded data, the two ways of running the suites: our
compiler of the suite JSON to SQL, and Great Expectations itself on a SQL engine over DuckDB (needs the
`duckdb-engine` SQLAlchemy dialect, which is not a dependency of yigai: `pip install duckdb-engine`).

    .venv/bin/python scripts/bench_validate.py --rows 200000 --rows 1000000 [--compare-gx]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def build(rows: int, out: Path) -> Path:
    """Write the synthetic package to out/datapackage and its suites to out/validation; return the package."""
    import pandas as pd

    from yigai import package, validate

    shutil.rmtree(out, ignore_errors=True)
    package_dir = out / "datapackage"
    package.run(REPO / "sources", package_dir)
    tasks_path = package_dir / "data" / "tasks.csv"
    tasks = pd.read_csv(tasks_path, dtype=str, keep_default_na=False)
    if tasks.empty:
        raise SystemExit("the build has no tasks to multiply (is task extraction in place?)")
    extra = rows - len(tasks)
    if extra > 0:
        copies = tasks.sample(n=extra, replace=True, random_state=0).reset_index(drop=True)
        serial = (copies.groupby("plan_id").cumcount() + 100000).astype(str)
        annex = copies["path"].str.startswith("A")
        copies["path"] = serial.where(~annex, "A1." + serial)
        copies["task_id"] = copies["plan_id"] + ":" + copies["path"]
        copies["parent_task_id"] = ""
        copies["depth"] = "1"
        copies["position"] = serial
        tasks = pd.concat([tasks, copies], ignore_index=True)
    data = tasks.to_csv(index=False, lineterminator="\n").encode("utf-8")
    tasks_path.write_bytes(data)
    descriptor_path = package_dir / "datapackage.json"
    descriptor = json.loads(descriptor_path.read_text(encoding="utf-8"))
    for resource in descriptor["resources"]:
        if resource["name"] == "tasks":
            resource["hash"] = "sha256:" + hashlib.sha256(data).hexdigest()
            resource["bytes"] = len(data)
    descriptor_path.write_text(json.dumps(descriptor, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    suites = out / "validation"
    shutil.copytree(REPO / "validation", suites)
    (suites / "golden_counts.json").unlink()
    report = validate.run(package_dir, suites_dir=suites, update_counts="synthetic benchmark package")
    if not report.valid:
        raise SystemExit("the synthetic package is not valid:\n" + report.to_text()[:3000])
    return package_dir


def floor(package_dir: Path) -> int:
    """The minimal DuckDB reader: every table of the package into a DuckDB table typed from its Table Schema."""
    import duckdb

    types = {"string": "VARCHAR", "integer": "BIGINT", "number": "DOUBLE", "date": "DATE", "boolean": "BOOLEAN"}
    descriptor = json.loads((package_dir / "datapackage.json").read_text(encoding="utf-8"))
    con = duckdb.connect()
    for resource in descriptor["resources"]:
        if "schema" not in resource:
            continue
        columns = "{" + ", ".join(f"'{f['name']}': '{types.get(f['type'], 'VARCHAR')}'"
                                  for f in resource["schema"]["fields"]) + "}"
        con.execute(f"CREATE TABLE \"{resource['name']}\" AS SELECT * FROM read_csv(?, header = true, "
                    f"columns = {columns}, auto_detect = false, max_line_size = 16777216)",
                    [str(package_dir / resource["path"])])
    return 0


def timed(command: list[str], repeat: int = 1) -> tuple[float, int]:
    """Run a command `repeat` times, discarding its output; return (the fastest seconds, the last exit status).

    The fastest of several runs is the one least disturbed by whatever else the machine is doing.
    """
    best, status = float("inf"), 0
    for _ in range(repeat):
        start = time.perf_counter()
        status = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode
        best = min(best, time.perf_counter() - start)
    return best, status


def compare_gx(package_dir: Path, suites_dir: Path) -> None:
    """Run the suites both ways on the same data loaded in DuckDB: compiled to SQL, and by Great Expectations."""
    import tempfile

    from yigai.validate import engine, files, gx_sql, loader, suites
    from yigai.validate import load as load_package

    imported, _ = timed([sys.executable, "-c", "import great_expectations"])
    print(f"  importing Great Expectations alone (a fresh process): {imported:7.2f} s", flush=True)
    layout, _ = files.read_layout(package_dir)
    files.check(layout)
    with tempfile.TemporaryDirectory() as tmp:
        database = Path(tmp) / "package.duckdb"
        con = loader.connect(str(database))
        available, _, _ = load_package(con, layout)
        params = suites.parameters()
        suite_files, _ = suites.load(suites_dir)
        from yigai.validate import sqlsuite

        compiled = [rule for name, suite in sorted(suite_files.items())
                    for rule in sqlsuite.compile_suite(name, suite, params, name)[0]]
        start = time.perf_counter()
        engine.run(con, compiled, available | {engine.TEXTS}, {}, params)
        ours = time.perf_counter() - start
        print(f"  suites compiled to SQL (ours):            {ours:7.2f} s", flush=True)
        from yigai.validate import gxdocs

        start = time.perf_counter()
        gxdocs.render(con, suite_files, available, params, Path(tmp) / "docs" / "site", suites_dir)
        pandas_way = time.perf_counter() - start
        con.close()
        print(f"  Great Expectations on pandas frames from DuckDB (Data Docs): {pandas_way:7.2f} s", flush=True)
        result = gx_sql.run(database, suite_files, available, params)
        print(f"  Great Expectations on DuckDB SQL:           {result['seconds']:7.2f} s "
              f"(import {result['import']:.2f} s; {result['failed']} of {result['expectations']} expectations "
              f"could not run: {', '.join(sorted(result['errors']))[:200] or 'none'}; {result['unmet']} unmet on this "
              "valid package)", flush=True)
        print(f"  ratios: GE on SQL {result['seconds'] / ours:.1f}x, GE on pandas {pandas_way / ours:.1f}x the "
              "compiled SQL", flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, action="append", help="task rows in a synthetic package (repeatable; "
                        "default 200000 and 1000000)")
    parser.add_argument("--out", type=Path, default=REPO / "build" / "bench", help="where to write them")
    parser.add_argument("--compare-gx", action="store_true", help="also time Great Expectations on DuckDB SQL")
    parser.add_argument("--reuse", action="store_true", help="reuse a synthetic package built by an earlier run")
    parser.add_argument("--repeat", type=int, default=3, help="runs of yigai validate and of the floor (the fastest "
                        "counts); frictionless runs once")
    parser.add_argument("--floor", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.floor:
        return floor(args.floor)
    for rows in args.rows or [200_000, 1_000_000]:
        out = args.out / f"{rows}"
        print(f"building a package with {rows:,} task rows in {out} …", flush=True)
        package_dir = out / "datapackage"
        if not (args.reuse and (package_dir / "datapackage.json").is_file() and (out / "validation").is_dir()):
            package_dir = build(rows, out)
        size = sum(p.stat().st_size for p in (package_dir / "data").glob("*.csv"))
        print(f"tables: {size / 1e6:.0f} MB", flush=True)
        ours, our_status = timed([str(BIN / "yigai"), "validate", str(package_dir), "--suites",
                                  str(out / "validation")], args.repeat)
        theirs, their_status = timed([str(BIN / "frictionless"), "validate", str(package_dir / "datapackage.json")])
        base, base_status = timed([sys.executable, __file__, "--floor", str(package_dir)], args.repeat)
        print(f"  yigai validate:        {ours:7.1f} s (exit {our_status})", flush=True)
        print(f"  frictionless validate: {theirs:7.1f} s (exit {their_status})", flush=True)
        print(f"  DuckDB reader (floor): {base:7.1f} s (exit {base_status})", flush=True)
        print(f"  yigai validate is {theirs / ours:.1f}x faster than frictionless alone and {ours / base:.2f}x the "
              "DuckDB floor", flush=True)
        if args.compare_gx:
            compare_gx(package_dir, out / "validation")
    return 0


if __name__ == "__main__":
    sys.exit(main())
