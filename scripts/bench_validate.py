"""Benchmark `yigai validate` against `frictionless validate` alone on a synthetic package with many task rows.

The package is the real build of sources/ with the tasks table grown to --rows rows: copies of the real tasks, each
under a new outline number of the same plan, keeping its text and offsets (so every check has real work to do and
the package stays valid). It is written under build/bench/ with its own validation/ folder (the repository's suites
and golden counts of the synthetic package). Usage:

    .venv/bin/python scripts/bench_validate.py [--rows 1000000]
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

import pandas as pd

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def build(rows: int, out: Path) -> Path:
    """Write the synthetic package to out/datapackage and its suites to out/validation; return the package."""
    from yigai import package
    from yigai.validate import counts, csvcheck, frames

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
        copies["path"] = serial
        copies["task_id"] = copies["plan_id"] + ":" + serial
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
    layout, _ = csvcheck.read_layout(package_dir)
    loaded, _ = frames.load(layout)
    (suites / counts.FILE).unlink()
    counts.update(loaded, suites / counts.FILE, "synthetic benchmark package")
    return package_dir


def timed(command: list[str]) -> tuple[float, int]:
    """Run a command, discarding its output; return (seconds, exit status)."""
    start = time.perf_counter()
    status = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode
    return time.perf_counter() - start, status


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="task rows in the synthetic package")
    parser.add_argument("--out", type=Path, default=REPO / "build" / "bench", help="where to write it")
    args = parser.parse_args()
    print(f"building a package with {args.rows:,} task rows in {args.out} …", flush=True)
    package_dir = build(args.rows, args.out)
    size = sum(p.stat().st_size for p in (package_dir / "data").glob("*.csv"))
    print(f"tables: {size / 1e6:.0f} MB", flush=True)
    ours, our_status = timed([str(BIN / "yigai"), "validate", str(package_dir), "--suites",
                              str(args.out / "validation")])
    print(f"yigai validate:        {ours:7.1f} s (exit {our_status})", flush=True)
    theirs, their_status = timed([str(BIN / "frictionless"), "validate", str(package_dir / "datapackage.json")])
    print(f"frictionless validate: {theirs:7.1f} s (exit {their_status})", flush=True)
    print(f"yigai validate adds {ours - theirs:+.1f} s ({ours / theirs:.2f}× frictionless alone): file pre-checks, "
          "expectation suites and golden counts")
    return 0


if __name__ == "__main__":
    sys.exit(main())
