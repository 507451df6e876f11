"""Score `yigai extract` against the annotated documents: precision, recall and F1 per document and overall.

Usage:
    .venv/bin/python scripts/eval_extract.py [--annotated tests/extract/annotated] [--sources sources] [--details]

The annotated set (tests/extract/annotated/README.md) holds a careful reading of each committed plan (built as the
package builds it) and short documents in other layouts (drafted as `yigai extract` drafts them). For targets the
scores are given at four levels: value+unit, then also deadline, comparator and scope; for bodies, for the lead
and the co rows (task path + agency_id). Groups: plans (our plans), layouts (documents in other layouts) and
heldout (written before the rules, never used to tune them). --details lists what was missed and what is extra.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from yigai.extract import evaluation
from yigai.extract.evaluation import TARGET_LEVELS, Score

REPO = Path(__file__).resolve().parents[1]


def _cell(score: Score) -> str:
    return f"{score.precision:5.3f} {score.recall:5.3f} {score.f1:5.3f}"


def main(argv: list[str] | None = None) -> int:
    """Print the scores; exit status 0 (numbers only, no thresholds are checked)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--annotated", type=Path, default=REPO / "tests" / "extract" / "annotated")
    parser.add_argument("--sources", type=Path, default=REPO / "sources")
    parser.add_argument("--details", action="store_true", help="list missed and extra targets and bodies")
    args = parser.parse_args(argv)

    columns = " ".join(f"{level + ' P/R/F1':<17}" for level in TARGET_LEVELS) + f" {'lead P/R/F1':<17} {'co P/R/F1':<17}"
    header = f"{'document':<38} {'n':>3} {columns} notes"
    totals: dict[str, dict[str, Score]] = {}
    for annotation in evaluation.annotations(args.annotated):
        if annotation.group == "plans" and not (args.sources / annotation.plan_id).is_dir():
            continue
        if not totals.get(annotation.group):
            print(f"\n[{annotation.group}]\n{header}")
            totals[annotation.group] = {name: Score() for name in (*TARGET_LEVELS, "lead", "co")}
        rows = evaluation.extract(annotation, args.sources)
        scores = evaluation.score_targets(annotation.targets, rows["targets"])
        scores["lead"] = evaluation.score_bodies(annotation.responsibilities, rows["responsibilities"], "lead")
        scores["co"] = evaluation.score_bodies(annotation.responsibilities, rows["responsibilities"], "co")
        for name, score in scores.items():
            totals[annotation.group][name].add(score)
        kinds = {row["kind"] for row in rows["corrections"]}
        notes = [f"no {kind} report" for kind in annotation.flagged if kind not in kinds]
        if annotation.targets and not rows["targets"]:
            notes.append("ZERO TARGETS")
        print(f"{annotation.name[:38]:<38} {len(annotation.targets):>3} "
              + " ".join(f"{_cell(scores[level]):<17}" for level in TARGET_LEVELS)
              + f" {_cell(scores['lead']):<17} {_cell(scores['co']):<17} {'; '.join(notes)}")
        if args.details:
            missed, extra = evaluation.missing_targets(annotation.targets, rows["targets"])
            for item in missed:
                print(f"    missed target {item}")
            for item in extra:
                print(f"    extra  target {item}")
            missed, extra = evaluation.missing_bodies(annotation.responsibilities, rows["responsibilities"])
            for item in missed:
                print(f"    missed body   {item}")
            for item in extra:
                print(f"    extra  body   {item}")
    print("\n[overall, micro-averaged]")
    print(f"{'group':<38} {'n':>3} {columns}")
    for group, scores in totals.items():
        print(f"{group:<38} {scores['value+unit'].expected:>3} "
              + " ".join(f"{_cell(scores[level]):<17}" for level in TARGET_LEVELS)
              + f" {_cell(scores['lead']):<17} {_cell(scores['co']):<17}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
