"""The contribution guide works as written, and the suite holds for any plan added with it.

On a temporary copy of the repository (its tracked and unignored files, as a fresh clone has them, in a new git
repository whose `origin/main` is the copy as it was), the shell blocks of docs/contributing.md marked
`<!-- test -->` are run in order, as written, with an invented plan page as ~/Downloads/plan.txt: set up, `yigai
add`, `make build`, validate, review the change, commit. Then the plan-generic checks (the tests marked `plans`) run
on that copy, now holding one more plan, and the refusals of `yigai add` are tried there through the installed
command. The copy's `.venv` holds links to this environment's `python` and `yigai` (nothing is installed).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]
GUIDE = REPO / "docs" / "contributing.md"
INVENTED = REPO / "tests" / "add" / "invented-plan.txt"
PLAN_ID = "lianchi-2024-01"  # the plan_id the guide's example gives the page
BLOCK = re.compile(r"^<!-- test -->\n```sh\n(.*?)^```", re.M | re.S)
BIN = Path(sys.executable).parent
TIMEOUT = 1800


def guide_blocks() -> list[str]:
    """The shell blocks of the guide marked for testing, in order."""
    return BLOCK.findall(GUIDE.read_text(encoding="utf-8"))


@dataclass
class Copy:
    """The temporary copy and what running the guide in it gave."""

    root: Path
    env: dict[str, str]
    runs: list[subprocess.CompletedProcess] = field(default_factory=list)

    def run(self, *args: str, check: bool = False) -> subprocess.CompletedProcess:
        return subprocess.run(list(args), cwd=self.root, env=self.env, capture_output=True, text=True,
                              timeout=TIMEOUT, check=check)


def git_files(repo: Path) -> list[str]:
    out = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=repo,
                         capture_output=True, check=True).stdout
    return [p for p in out.decode("utf-8").split("\0") if p and (repo / p).is_file()]


@pytest.fixture(scope="module")
def copy(tmp_path_factory) -> Copy:
    if shutil.which("git") is None or shutil.which("make") is None or not (BIN / "yigai").is_file():
        pytest.skip("needs git, make and the installed yigai command")
    base = tmp_path_factory.mktemp("contributing")
    root = base / "yigai"
    for name in git_files(REPO):
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(REPO / name, root / name)
    venv = root / ".venv" / "bin"
    venv.mkdir(parents=True)
    for name in ("python", "yigai"):
        (venv / name).symlink_to(BIN / name)
    (root / ".venv" / ".installed").touch()  # newer than pyproject.toml and the lock: `make` installs nothing
    home = base / "home"
    (home / "Downloads").mkdir(parents=True)
    shutil.copy2(INVENTED, home / "Downloads" / "plan.txt")
    env = dict(os.environ, HOME=str(home), GIT_AUTHOR_NAME="Contributor", GIT_AUTHOR_EMAIL="c@example.org",
               GIT_COMMITTER_NAME="Contributor", GIT_COMMITTER_EMAIL="c@example.org", GIT_CONFIG_NOSYSTEM="1",
               COLUMNS="200")
    env.pop("VIRTUAL_ENV", None)
    result = Copy(root, env)
    result.run("git", "init", "-q", "-b", "main", check=True)
    result.run("git", "add", "-A", check=True)
    result.run("git", "commit", "-q", "-m", "the repository as cloned", check=True)
    result.run("git", "update-ref", "refs/remotes/origin/main", "HEAD", check=True)
    for block in guide_blocks():
        done = result.run("bash", "-euo", "pipefail", "-c", block)
        result.runs.append(done)
        if done.returncode != 0:
            break
    return result


def test_the_guide_tests_the_whole_loop():
    text = "\n".join(guide_blocks())
    for command in ("make build", "yigai add ~/Downloads/plan.txt", f"--plan-id {PLAN_ID}",
                    f"yigai validate sources/{PLAN_ID}", "yigai validate --changed", "git commit"):
        assert command in text


def test_every_tested_command_of_the_guide_runs_as_written(copy):
    assert len(copy.runs) == len(guide_blocks())
    for block, done in zip(guide_blocks(), copy.runs):
        assert done.returncode == 0, f"{block}\nexit {done.returncode}\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"


def test_the_plan_is_committed_and_nothing_else_is_left(copy):
    assert copy.run("git", "status", "--porcelain", "--untracked-files=all").stdout == ""
    committed = set(copy.run("git", "show", "--name-only", "--format=", "HEAD").stdout.split())
    assert {f"sources/{PLAN_ID}/raw.txt", f"sources/{PLAN_ID}/source.yml", f"sources/{PLAN_ID}/corrections.yml",
            "sources/agencies.yml", "validation/golden_counts.json", f"datapackage/texts/{PLAN_ID}.txt",
            "datapackage/data/plans.csv"} <= committed
    assert (copy.root / "sources" / PLAN_ID / "raw.txt").read_bytes() == INVENTED.read_bytes()
    golden = json.loads((copy.root / "validation" / "golden_counts.json").read_text(encoding="utf-8"))
    assert golden["plans"][PLAN_ID]["reason"] == f"add {PLAN_ID}"
    source = yaml.safe_load((copy.root / "sources" / PLAN_ID / "source.yml").read_text(encoding="utf-8"))
    assert source["raw"]["url"].startswith("https://") and str(source["raw"]["captured"]) == "2024-04-10"
    # the registry kept every line it had, and the proposed bodies follow them
    before = copy.run("git", "show", "HEAD~1:sources/agencies.yml").stdout
    assert (copy.root / "sources" / "agencies.yml").read_text(encoding="utf-8").startswith(before)


def test_add_prints_the_review_checklist(copy):
    added = next(done.stdout for block, done in zip(guide_blocks(), copy.runs) if "yigai add" in block)
    for part in ("Review checklist", "The plan row", "莲池区2024年深化医药卫生体制改革重点工作任务", "Rows per table",
                 "tasks 6", "REVIEW", "proposed in sources/agencies.yml", "130606-health", "Flags"):
        assert part in added, added


def test_the_change_summary_names_the_new_plan_and_its_rows(copy):
    summary = next(done.stdout for block, done in zip(guide_blocks(), copy.runs) if "--changed" in block)
    assert f"| `{PLAN_ID}` | `plans` | 1 | 0 | 0 |" in summary
    assert f"| `{PLAN_ID}` | `tasks` | 6 | 0 | 0 |" in summary
    assert "**minor**" in summary and "**valid**" in summary and "Awaiting review" in summary
    rows = [row.split("|") for row in summary.splitlines() if row.startswith("| `")]
    other_plans = {cells[1].strip(" `") for cells in rows if len(cells) == 8}  # | plan | table | … | fields |
    assert other_plans <= {PLAN_ID, "(shared)"}, "a plan the change does not touch shows no row"


def test_the_plan_generic_checks_pass_with_the_new_plan(copy):
    done = copy.run(sys.executable, "-m", "pytest", "-q", "-m", "plans", "-p", "no:cacheprovider", "tests")
    assert done.returncode == 0, done.stdout[-5000:]
    assert PLAN_ID in copy.run(sys.executable, "-m", "pytest", "-q", "-m", "plans", "--collect-only",
                               "-p", "no:cacheprovider", "tests").stdout


def test_adding_the_same_page_again_is_refused_and_writes_nothing(copy):
    before = copy.run("git", "status", "--porcelain", "--untracked-files=all").stdout
    page = str(Path(copy.env["HOME"]) / "Downloads" / "plan.txt")
    again = copy.run(".venv/bin/yigai", "add", page, "--plan-id", PLAN_ID)
    assert again.returncode == 1 and "already exists" in again.stderr
    twin = copy.run(".venv/bin/yigai", "add", page, "--plan-id", "lianchi-2024-02")
    assert twin.returncode == 1 and f"already the raw.txt of plan {PLAN_ID}" in twin.stderr
    assert copy.run("git", "status", "--porcelain", "--untracked-files=all").stdout == before == ""


def test_the_workflow_runs_the_commands_of_the_guide():
    workflow = yaml.safe_load((REPO / ".github" / "workflows" / "validate.yml").read_text(encoding="utf-8"))
    guide = " ".join(GUIDE.read_text(encoding="utf-8").split())
    commands = [line.strip() for job in workflow["jobs"].values() for step in job["steps"]
                for line in step.get("run", "").splitlines() if line.strip().startswith(".venv/bin/yigai")]
    assert any("validate --changed" in c and "GITHUB_STEP_SUMMARY" in c for c in commands)
    for command in commands:
        words = command.split()
        assert " ".join(words[:3]) in guide, command


def test_a_patch_release_is_refused_for_the_new_plan(copy, tmp_path):
    assert copy.run("git", "archive", "-o", str(tmp_path / "before.tar"), "HEAD~1", "datapackage").returncode == 0
    shutil.unpack_archive(tmp_path / "before.tar", tmp_path / "before")
    for since in ([], ["--since", str(tmp_path / "before" / "datapackage")]):
        done = copy.run(".venv/bin/yigai", "release", "--bump", "patch", "--date", "2026-12-01", *since)
        assert done.returncode == 1 and "at least a minor bump" in done.stderr, done.stderr
        assert "--bump minor" in done.stderr
    assert copy.run("git", "status", "--porcelain", "--untracked-files=all").stdout == ""


def test_the_change_summary_names_changed_fields_and_a_broken_change_fails(copy):
    source = copy.root / "sources" / PLAN_ID / "source.yml"
    text = source.read_text(encoding="utf-8")
    try:
        source.write_text(text.replace("doc_number: 莲政办发〔2024〕7号", "doc_number: 莲政办发〔2024〕8号"),
                          encoding="utf-8")
        stale = copy.run(".venv/bin/yigai", "validate", "--changed", "HEAD")  # the fact adds a report entry…
        assert stale.returncode == 1 and "golden-counts" in stale.stdout and "--update-counts" in stale.stdout
        copy.run(".venv/bin/yigai", "build", check=True)  # …so the counts are recorded again, as the guide says
        copy.run(".venv/bin/yigai", "validate", "datapackage", "--update-counts", "review: doc_number", check=True)
        done = copy.run(".venv/bin/yigai", "validate", "--changed", "HEAD")
        assert done.returncode == 0, done.stdout + done.stderr
        assert f"| `{PLAN_ID}` | `plans` | 0 | 0 | 1 | `doc_number` (1) |" in done.stdout
        assert "**patch**" in done.stdout and "莲政办发〔2024〕8号" in done.stdout
        data = json.loads(copy.run(".venv/bin/yigai", "validate", "--changed", "HEAD", "--format", "json").stdout)
        assert data["source_plans"] == [PLAN_ID] and data["validated_plans"] == [PLAN_ID]
        raw = copy.root / "sources" / PLAN_ID / "raw.txt"
        raw.write_bytes(raw.read_bytes() + "医疗".encode())
        broken = copy.run(".venv/bin/yigai", "validate", "--changed", "HEAD")
        assert broken.returncode == 1 and "sha256" in broken.stdout and "**invalid**" in broken.stdout
    finally:
        copy.run("git", "checkout", "--", "sources", "datapackage", "validation", check=True)
    assert copy.run("git", "status", "--porcelain", "--untracked-files=all").stdout == ""
