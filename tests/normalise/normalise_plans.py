"""The committed plans and their normalised texts, computed once for the normalisation tests."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from yigai import normalise
from yigai.sources import PlanSource, read_plan

SOURCES = Path(__file__).resolve().parents[2] / "sources"
PLAN_IDS = sorted(p.name for p in SOURCES.iterdir() if (p / "raw.txt").is_file())


@lru_cache(maxsize=None)
def plan(plan_id: str) -> PlanSource:
    """A committed plan's inputs."""
    return read_plan(SOURCES / plan_id)


@lru_cache(maxsize=None)
def normalised(plan_id: str) -> normalise.Normalised:
    """A committed plan normalised with its text corrections."""
    return normalise.run(plan(plan_id).raw_text, plan(plan_id).text_corrections())


@lru_cache(maxsize=None)
def uncorrected(plan_id: str) -> normalise.Normalised:
    """A committed plan normalised without its corrections."""
    return normalise.run(plan(plan_id).raw_text)
