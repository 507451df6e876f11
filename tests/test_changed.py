"""`yigai validate --changed [BASE]`: which plan a changed row belongs to, and clear usage errors (exit status 2)
when git, the repository or the base is missing. The whole review of a real change runs in tests/test_contributing.py.
"""

from __future__ import annotations

import subprocess

import pytest
from click.testing import CliRunner

from yigai import changed, gitrepo
from yigai.cli import main

DIFF = {"tables": [
    {"name": "plans", "added": [{"plan_id": "new-2024-01", "title": "T"}], "removed": [], "changed": [
        {"key": {"plan_id": "old-2020-01"}, "fields": {"title": ["a", "b"], "doc_number": ["", "x"]}}]},
    {"name": "tasks", "added": [{"task_id": "new-2024-01:1"}, {"task_id": "new-2024-01:1.1"}], "removed": [
        {"task_id": "old-2020-01:3"}], "changed": [{"key": {"task_id": "old-2020-01:2"}, "fields": {"text": ["a", "b"]}}]},
    {"name": "responsibilities", "added": [], "removed": [], "changed": [
        {"key": {"task_id": "old-2020-01:2", "agency_id": "110000-health"}, "fields": {"role": ["co", "lead"]}}]},
    {"name": "targets", "added": [{"target_id": "new-2024-01:t001", "task_id": "new-2024-01:1"}], "removed": [],
     "changed": []},
    {"name": "agencies", "added": [{"agency_id": "110000-health"}], "removed": [], "changed": [
        {"key": {"agency_id": "110000-finance"}, "fields": {"aliases": ["", "x"]}}]},
]}


def test_rows_are_counted_per_plan_and_table_with_the_fields_changed():
    rows = {(r["plan"], r["table"]): r for r in changed.per_plan(DIFF)}
    assert rows[("new-2024-01", "plans")]["added"] == 1 and rows[("new-2024-01", "tasks")]["added"] == 2
    assert rows[("new-2024-01", "targets")]["added"] == 1
    old = rows[("old-2020-01", "plans")]
    assert old["changed"] == 1 and old["fields"] == {"doc_number": 1, "title": 1}
    assert (rows[("old-2020-01", "tasks")]["removed"], rows[("old-2020-01", "tasks")]["changed"]) == (1, 1)
    assert rows[("old-2020-01", "responsibilities")]["fields"] == {"role": 1}
    shared = rows[(changed.SHARED, "agencies")]
    assert (shared["added"], shared["changed"], shared["fields"]) == (1, 1, {"aliases": 1})
    assert [r["plan"] for r in changed.per_plan(DIFF)][-1] == changed.SHARED  # shared tables come last


def test_markdown_cells_cannot_break_the_table_or_inject_html():
    assert changed._md("a|b<script>\x1b[2J") == "a\\|b&lt;script&gt;\\x1b[2J"


@pytest.fixture()
def repo(tmp_path, monkeypatch):
    def git(*args):
        subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.org", *args], cwd=tmp_path,
                       check=True, capture_output=True)

    git("init", "-q")
    (tmp_path / "sources").mkdir()
    (tmp_path / "sources" / "agencies.yml").write_text("agencies: []\n", encoding="utf-8")
    git("add", "-A")
    git("commit", "-q", "-m", "one")
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.mark.parametrize("base", ["no-such-branch", "HEAD~5", "a b", "HEAD^{tree}"])
def test_a_base_that_is_not_a_commit_is_a_usage_error(repo, base):
    result = CliRunner().invoke(main, ["validate", "--changed", base])
    assert result.exit_code == 2 and "not a commit" in result.output and "Traceback" not in result.output


def test_a_base_is_never_read_as_an_option_of_git(repo):
    target = repo / "owned"
    for base in (f"--output={target}", "-h", "--all"):
        assert gitrepo.commit_of(repo, base) is None
    for base in (f"--output={target}", "--all"):
        result = CliRunner().invoke(main, ["validate", f"--changed={base}"])
        assert result.exit_code == 2 and "Traceback" not in result.output
    assert not target.exists()


def test_without_origin_main_the_default_base_is_the_previous_commit(repo):
    with pytest.raises(changed.UsageError, match="origin/main nor HEAD~1"):
        changed.resolve_base(repo, None)
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-q", "--allow-empty",
                    "-m", "two"], cwd=repo, check=True)
    base = changed.resolve_base(repo, None)
    assert base.name == "HEAD~1" and base.commit == gitrepo.commit_of(repo, "HEAD~1")


def test_outside_a_repository_or_without_git_is_a_usage_error(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))
    result = CliRunner().invoke(main, ["validate", "--changed"])
    assert result.exit_code == 2 and "not a git repository" in result.output
    monkeypatch.setenv("PATH", str(tmp_path / "nowhere"))
    result = CliRunner().invoke(main, ["validate", "--changed", "main"])
    assert result.exit_code == 2 and "git is not installed" in result.output and "Traceback" not in result.output


def test_changed_takes_no_path_nor_options_that_write(repo):
    for extra in (["datapackage"], ["--fix"], ["--update-counts", "why"]):
        result = CliRunner().invoke(main, ["validate", "--changed", "HEAD", *extra])
        assert result.exit_code == 2 and "--changed" in result.output, extra
