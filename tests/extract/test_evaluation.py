"""The extraction measured against the careful reader's annotations (tests/extract/annotated), and the scoring."""

from __future__ import annotations

from pathlib import Path

import pytest

from yigai.extract import evaluation
from yigai.extract.evaluation import Score

ANNOTATED = Path(__file__).parent / "annotated"
SOURCES = Path(__file__).resolve().parents[2] / "sources"
ALL = evaluation.annotations(ANNOTATED)
PLANS = [a for a in ALL if a.group == "plans" and (SOURCES / a.plan_id).is_dir()]
OTHERS = [a for a in ALL if a.group != "plans"]


def test_scores_are_multiset_matches_at_each_level():
    rows = [{"value": 50, "unit": "%", "comparator": ">=", "deadline": "2025-12-31", "scope": None},
            {"value": 50, "unit": "%", "comparator": "=", "deadline": None, "scope": None},
            {"value": 3, "unit": "家", "comparator": "=", "deadline": None, "scope": None}]
    expected = [evaluation.target_key(50, "%", ">=", "2025-12-31", None),
                evaluation.target_key(50, "%", ">=", "2025-12-31", None),
                evaluation.target_key(7, "个", "=", None, None)]
    scores = evaluation.score_targets(expected, rows)
    assert (scores["value+unit"].found, scores["value+unit"].expected, scores["value+unit"].matched) == (3, 3, 2)
    assert scores["+deadline"].matched == 1 and scores["+scope"].matched == 1
    assert Score(found=0, expected=0).f1 == 1.0 and round(Score(4, 2, 2).f1, 3) == 0.667


def test_bodies_are_matched_by_task_path_and_role():
    rows = [{"task_id": "x-2020-01:1.1", "agency_id": "a", "role": "lead"},
            {"task_id": "x-2020-01:1.1", "agency_id": "b", "role": "lead"}]
    score = evaluation.score_bodies({"1.1": {"lead": ["a"], "co": ["b"]}}, rows, "lead")
    assert (score.found, score.expected, score.matched) == (2, 1, 1)


@pytest.fixture(scope="module")
def extracted():
    return {a.name: evaluation.extract(a, SOURCES) for a in PLANS + OTHERS}


@pytest.mark.parametrize("annotation", PLANS, ids=lambda a: a.name)
def test_committed_plans_every_task_naming_a_body_has_its_lead_and_bodies(annotation, extracted):
    rows = extracted[annotation.name]["responsibilities"]
    leads = {row["task_id"].split(":", 1)[1] for row in rows if row["role"] == "lead"}
    for path, roles in annotation.responsibilities.items():
        if roles["lead"]:
            assert path in leads, path
    for role in ("lead", "co"):
        score = evaluation.score_bodies(annotation.responsibilities, rows, role)
        assert score.precision >= 0.95 and score.recall >= 0.95, (role, score)
    scores = evaluation.score_targets(annotation.targets, extracted[annotation.name]["targets"])
    assert scores["+scope"].f1 >= 0.98


def test_documents_in_other_layouts(extracted):
    totals = {level: Score() for level in ("value+unit", "+scope", "lead")}
    for annotation in OTHERS:
        rows = extracted[annotation.name]
        assert rows["targets"] or not annotation.targets, f"{annotation.name} yields no targets"
        kinds = {row["kind"] for row in rows["corrections"]}
        assert set(annotation.flagged) <= kinds, annotation.name
        scores = evaluation.score_targets(annotation.targets, rows["targets"])
        totals["value+unit"].add(scores["value+unit"])
        totals["+scope"].add(scores["+scope"])
        totals["lead"].add(evaluation.score_bodies(annotation.responsibilities, rows["responsibilities"], "lead"))
    for level, score in totals.items():
        assert score.recall >= 0.85 and score.precision >= 0.85, (level, score)
