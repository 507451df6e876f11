"""Print how many targets carry a standard indicator code, per plan and overall, from a built package.

Usage:
    .venv/bin/python scripts/indicator_coverage.py [PACKAGE_DIR]   (default: datapackage)

Reads PACKAGE_DIR/data/targets.csv and corrections.csv. For each plan it prints the number of targets, how many are
coded (targets.indicator_code not empty), the coded share, and how many were flagged as uncertain (corrections rows
of kind indicator-code); then the same overall, the number of distinct codes used, the codes used by two plans or
more (what lines plans up), and the count of coded targets by indicator_rule. Numbers only; no threshold is checked.
"""

from __future__ import annotations

import csv
import sys
from collections import Counter, defaultdict
from pathlib import Path


def _rows(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def coverage(package_dir: Path) -> list[str]:
    """The report's lines for the package in package_dir."""
    targets = _rows(package_dir / "data" / "targets.csv")
    corrections = _rows(package_dir / "data" / "corrections.csv")
    flagged = Counter(r["plan_id"] for r in corrections if r["kind"] == "indicator-code")
    per_plan: dict[str, list[dict[str, str]]] = defaultdict(list)
    for row in targets:
        per_plan[row["plan_id"]].append(row)
    lines = [f"{'plan':<32} {'targets':>7} {'coded':>6} {'share':>7} {'flagged':>8}"]
    for plan_id in sorted(per_plan):
        rows = per_plan[plan_id]
        coded = sum(1 for r in rows if r["indicator_code"])
        lines.append(f"{plan_id:<32} {len(rows):>7} {coded:>6} {coded / len(rows):>7.1%} {flagged[plan_id]:>8}")
    coded_rows = [r for r in targets if r["indicator_code"]]
    share = len(coded_rows) / len(targets) if targets else 0.0
    lines.append(f"{'overall':<32} {len(targets):>7} {len(coded_rows):>6} {share:>7.1%} {sum(flagged.values()):>8}")
    plans_by_code: dict[str, set[str]] = defaultdict(set)
    for row in coded_rows:
        plans_by_code[row["indicator_code"]].add(row["plan_id"])
    shared = sorted(code for code, plans in plans_by_code.items() if len(plans) > 1)
    lines.append(f"distinct codes used: {len(plans_by_code)}; used by two plans or more: {len(shared)} "
                 f"({', '.join(shared)})")
    rules = Counter(r["indicator_rule"] for r in coded_rows)
    lines.append("coded by rule: " + ", ".join(f"{rule} {n}" for rule, n in sorted(rules.items())))
    return lines


def main(argv: list[str]) -> int:
    package_dir = Path(argv[0]) if argv else Path("datapackage")
    if not (package_dir / "data" / "targets.csv").is_file():
        print(f"error: {package_dir}/data/targets.csv not found (build the package first: make build)",
              file=sys.stderr)
        return 1
    print("\n".join(coverage(package_dir)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
