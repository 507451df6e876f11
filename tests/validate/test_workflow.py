"""The pull-request workflow validates the committed package as it is, and fails when it differs from a rebuild."""

from __future__ import annotations

import yaml
from validate_helpers import REPO


def steps() -> list[str]:
    workflow = yaml.safe_load((REPO / ".github" / "workflows" / "validate.yml").read_text(encoding="utf-8"))
    return ["\n".join(line for line in step.get("run", "").splitlines() if "echo" not in line)
            for job in workflow["jobs"].values() for step in job["steps"]]


def test_the_committed_package_is_validated_before_anything_rebuilds_it():
    runs = steps()
    committed = next(i for i, run in enumerate(runs) if "yigai validate datapackage" in run)
    builds = [i for i, run in enumerate(runs) if "yigai build" in run or "make build" in run]
    assert builds and committed < min(builds)
    assert not any("--out datapackage" in run or "make build" in run for run in runs), \
        "nothing may overwrite the committed datapackage/ before it is compared"


def test_the_workflow_fails_when_the_committed_package_differs_from_a_rebuild():
    rebuild = next(run for run in steps() if "yigai build" in run)
    assert "--out build/" in rebuild and "diff" in rebuild and "datapackage" in rebuild and "exit 1" in rebuild
