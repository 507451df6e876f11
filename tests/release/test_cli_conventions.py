"""One convention for every command: a missing path is a usage error (exit 2), messages are never hard-wrapped
when piped, every command that prints data has --format json, and a missing optional library names its extra."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from click.testing import CliRunner

from yigai import extras
from yigai.cli import main

MISSING = "no-such-folder-anywhere"


def missing_path_invocations(tmp_path, built_package) -> dict[str, list[str]]:
    nowhere = str(tmp_path / MISSING)
    return {
        "build": ["build", "--sources", nowhere, "--out", str(tmp_path / "out")],
        "validate": ["validate", nowhere],
        "extract": ["extract", nowhere],
        "release": ["release", "--no-build", "--package", nowhere, "--out", str(tmp_path / "out")],
        "diff": ["diff", nowhere, str(built_package)],
        "cite": ["cite", "--package", nowhere],
        "download": ["download", nowhere + ".zip", "--dest", str(tmp_path / "out")],
        "docs": ["docs", "--package", nowhere, "--no-site"],
        "add": ["add", nowhere, "--plan-id", "nowhere-2024-01", "--package", str(tmp_path / "out")],
    }


def test_every_command_is_covered(tmp_path, built_package, repo, release_archive):
    assert set(missing_path_invocations(tmp_path, built_package)) == set(main.commands)
    assert set(data_commands(repo, built_package, release_archive, tmp_path)) == set(main.commands) - {"build", "docs"}


@pytest.mark.parametrize("name", ["build", "validate", "extract", "release", "diff", "cite", "download", "docs",
                                  "add"])
def test_a_missing_path_is_a_usage_error_in_every_command(name, tmp_path, built_package, repo, monkeypatch):
    monkeypatch.chdir(repo)
    result = CliRunner().invoke(main, missing_path_invocations(tmp_path, built_package)[name])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output and MISSING in result.output
    assert not (tmp_path / "out").exists()


def test_messages_are_not_wrapped_when_piped(tmp_path):
    deep = tmp_path / ("a-rather-long-folder-name-" * 6) / "nowhere"
    done = subprocess.run([sys.executable, "-m", "yigai.cli", "diff", str(deep), str(deep)], capture_output=True,
                          text=True, env={"COLUMNS": "40", "PATH": "/usr/bin:/bin"})
    assert done.returncode == 2
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 2 and str(deep) in lines[0] and lines[1].strip().startswith("hint:"), done.stderr


def test_control_characters_in_a_message_are_shown_not_executed(tmp_path):
    evil = tmp_path / "evil\x1b[2Jname"
    result = CliRunner().invoke(main, ["diff", str(evil), str(evil)])
    assert result.exit_code == 2 and "\x1b" not in result.output and "\\x1b[2J" in result.output


def data_commands(repo, built_package, release_archive, tmp_path) -> dict[str, list[str]]:
    raw = next(p for p in sorted((repo / "sources").iterdir()) if (p / "raw.txt").is_file()) / "raw.txt"
    return {
        "validate": ["validate", str(built_package)],
        "extract": ["extract", str(raw)],
        "release": ["release", "--no-build", "--package", str(built_package), "--out", str(tmp_path / "rel")],
        "diff": ["diff", str(built_package), str(built_package)],
        "cite": ["cite"],
        "download": ["download", str(release_archive), "--dest", str(tmp_path / "dl")],
        "add": ["add", str(repo / "tests" / "add" / "invented-plan.txt"), "--plan-id", "invented-2024-01",
                "--sources", str(_sources_copy(repo, tmp_path)), "--no-build"],
    }


def _sources_copy(repo, tmp_path):
    import shutil

    shutil.copytree(repo / "sources", tmp_path / "sources", dirs_exist_ok=True)
    return tmp_path / "sources"


@pytest.mark.parametrize("name", ["validate", "extract", "release", "diff", "cite", "download", "add"])
def test_every_command_that_prints_data_has_json(name, repo, built_package, release_archive, tmp_path, monkeypatch):
    monkeypatch.chdir(repo)
    args = data_commands(repo, built_package, release_archive, tmp_path)[name]
    result = CliRunner(mix_stderr=False).invoke(main, [*args, "--format", "json"]) if _mix_stderr() else \
        CliRunner().invoke(main, [*args, "--format", "json"])
    assert result.exit_code == 0, result.output
    json.loads(result.stdout)


def _mix_stderr() -> bool:
    import inspect

    return "mix_stderr" in inspect.signature(CliRunner).parameters


@pytest.mark.parametrize("command, module, extra", [
    ("validate", "frictionless", "validate"),
    ("validate", "great_expectations.core", "datadocs"),  # only --data-docs needs it
    ("build", "opencc", "build"),
    ("docs", "mkdocs", "docs"),
])
def test_a_missing_extra_is_named_with_its_install_line(command, module, extra):
    error = extras.missing_extra(module, command)
    assert f"pip install 'yigai[{extra}]'" in error.hint
    assert module.split(".")[0].replace("_", "-") in error.message


def test_the_cli_turns_a_missing_library_into_the_install_line(monkeypatch):
    from yigai import validate

    def missing(*args, **kwargs):
        raise ModuleNotFoundError("No module named 'frictionless'", name="frictionless")

    monkeypatch.setattr(validate, "run", missing)
    result = CliRunner().invoke(main, ["validate", "."])
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert "pip install 'yigai[validate]'" in result.output


def test_extras_are_read_from_the_installed_metadata():
    assert "validate" in extras.extras_providing("frictionless")
    assert "datadocs" in extras.extras_providing("great-expectations")
    assert "parquet" in extras.extras_providing("pyarrow") and "build" in extras.extras_providing("pyarrow")
    assert extras.extras_providing("pandas") == []
