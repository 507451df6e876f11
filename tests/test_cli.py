"""Every command is documented (help with an example, --version) and user errors never show a traceback."""

from __future__ import annotations

import click
import pytest
from click.testing import CliRunner

from yigai import __version__
from yigai.cli import main


def commands() -> list[str]:
    return sorted(main.commands)


@pytest.mark.parametrize("name", commands())
def test_every_command_has_help_with_an_example(name):
    result = CliRunner().invoke(main, [name, "-h"])
    assert result.exit_code == 0, result.output
    assert "Example" in result.output and f"yigai {name}" in result.output
    assert main.commands[name].help and len(main.commands[name].help.splitlines()[0]) > 10


@pytest.mark.parametrize("name", commands())
def test_every_command_has_version(name):
    result = CliRunner().invoke(main, [name, "--version"])
    assert result.exit_code == 0 and __version__ in result.output


def test_top_level_help_and_version():
    runner = CliRunner()
    assert "build" in runner.invoke(main, ["--help"]).output
    assert __version__ in runner.invoke(main, ["--version"]).output


def test_missing_sources_is_a_clear_error_not_a_traceback(tmp_path):
    result = CliRunner().invoke(main, ["build", "--sources", str(tmp_path / "nope"), "--out", str(tmp_path / "out")])
    assert result.exit_code != 0
    assert "Traceback" not in result.output
    assert "sources directory not found" in result.output
    assert not (tmp_path / "out").exists()


def test_every_command_is_in_the_cli_reference(repo):
    reference = repo / "docs" / "cli.md"
    if not reference.exists():
        pytest.skip("docs/cli.md not generated yet")
    text = reference.read_text(encoding="utf-8")
    for name in commands():
        assert f"yigai {name}" in text, name
