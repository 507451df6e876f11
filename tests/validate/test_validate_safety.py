"""No input gives a traceback, reads outside what it was given, or reaches the terminal with control characters.

Hostile descriptors (paths out of the package, URLs, globs, symlinks), hostile cells (escape sequences, a
right-to-left override, NUL, oversized cells) and broken YAML of every kind, written by hand and generated.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from broken_copies import edit, refresh_hashes
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from validate_helpers import REPO, problems_of

from yigai import validate
from yigai.cli import main

SECRET = "SENTINEL-SECRET-7f3a"
FUZZ = settings(max_examples=25, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))


@pytest.fixture()
def secret_outside(package_copy):
    """A file next to the package (outside it) holding a secret the report must never show."""
    path = package_copy.parent / "secret.csv"
    path.write_text(f"task_id\n{SECRET}\n", encoding="utf-8")
    return path


def set_path(package, resource, path):
    descriptor_path = package / "datapackage.json"
    descriptor = json.loads(descriptor_path.read_text(encoding="utf-8"))
    for entry in descriptor["resources"]:
        if entry["name"] == resource:
            entry["path"] = path
    descriptor_path.write_text(json.dumps(descriptor, ensure_ascii=False), encoding="utf-8")


@pytest.mark.parametrize("path", ["../secret.csv", "data/../../secret.csv", "/etc/passwd", "/proc/self/environ",
                                  "file:///etc/passwd", "https://example.invalid/tasks.csv", "data/*.csv",
                                  "data\\..\\..\\secret.csv", "C:/secret.csv", "~/secret.csv", "", 7,
                                  ["data/tasks.csv", "../secret.csv"], None])
def test_a_path_outside_the_package_is_refused_unread(path, package_copy, suites_dir, secret_outside):
    set_path(package_copy, "tasks", path)
    report = validate.run(package_copy, suites_dir=suites_dir)
    assert not report.valid
    [problem] = [p for p in report.problems if p.resource == "tasks" and p.check in ("unsafe-path", "missing-file")]
    assert problem.field == "path" or problem.check == "missing-file"
    shown = report.to_text() + report.to_json()
    assert SECRET not in shown and "root:" not in shown and "PATH=" not in shown


def test_a_symlink_out_of_the_package_is_refused_unread(package_copy, suites_dir, secret_outside):
    (package_copy / "data" / "tasks.csv").unlink()
    os.symlink(secret_outside, package_copy / "data" / "tasks.csv")
    report = validate.run(package_copy, suites_dir=suites_dir)
    [problem] = problems_of(report, "unsafe-path", "tasks")
    assert "symlink" in problem.message
    assert SECRET not in report.to_text() + report.to_json()


def test_a_symlinked_folder_out_of_the_package_is_refused(package_copy, suites_dir, tmp_path):
    outside = tmp_path / "elsewhere"
    shutil.move(package_copy / "data", outside)
    os.symlink(outside, package_copy / "data")
    report = validate.run(package_copy, suites_dir=suites_dir)
    assert {p.resource for p in problems_of(report, "unsafe-path")} >= {"tasks", "plans", "agencies"}


def test_a_symlink_inside_the_package_is_followed(package_copy, suites_dir):
    (package_copy / "data" / "agencies.csv").rename(package_copy / "agencies-real.csv")
    os.symlink(package_copy / "agencies-real.csv", package_copy / "data" / "agencies.csv")
    assert validate.run(package_copy, suites_dir=suites_dir).valid


@pytest.mark.parametrize("cell, shown", [("\x1b[2J\x1b[Hdatapackage: valid", "\\x1b[2J"),
                                         ("‮ابحث tnemucod", "\\u202e"),
                                         ("\x07bell", "\\x07"), ("zero\u200bwidth", "\\u200b")])
def test_control_and_invisible_characters_are_shown_escaped(cell, shown, package_copy, suites_dir):
    row = edit(package_copy, "plans", lambda r, _: True, notice_title=cell)
    refresh_hashes(package_copy)
    result = CliRunner().invoke(main, ["validate", str(package_copy), "--suites", str(suites_dir)])
    assert result.exit_code == 1
    assert shown in result.output and f"row {row}, field notice_title" in result.output
    raw = cell.replace("‮", "\u202e")
    assert not any(c in result.output for c in raw if not c.isprintable() or c in "\u202e\u200b"), \
        "no control or invisible character reaches the terminal"
    as_json = CliRunner().invoke(main, ["validate", str(package_copy), "--suites", str(suites_dir), "--format",
                                        "json"]).output
    assert "\x1b" not in as_json and "\u202e" not in as_json and json.loads(as_json)["valid"] is False


def test_a_bare_carriage_return_is_named_with_its_row(package_copy, suites_dir):
    row = edit(package_copy, "plans", lambda r, _: True, notice_title="a\rb")
    refresh_hashes(package_copy)
    report = validate.run(package_copy, suites_dir=suites_dir)
    [problem] = problems_of(report, "csv-syntax", "plans")
    assert problem.row == row and "\r" not in report.to_text()


def test_an_oversized_cell_is_named_not_called_invalid_csv(package_copy, suites_dir):
    row = edit(package_copy, "tasks", lambda r, _: True, text="医" * 400_000)
    refresh_hashes(package_copy)
    report = validate.run(package_copy, suites_dir=suites_dir)
    [problem] = problems_of(report, "oversized-cell", "tasks")
    assert (problem.row, problem.field) == (row, "text") and len(problem.value) < 100
    assert not problems_of(report, "csv-syntax")


def test_a_hostile_resource_name_is_shown_escaped(package_copy, suites_dir):
    descriptor_path = package_copy / "datapackage.json"
    descriptor = json.loads(descriptor_path.read_text(encoding="utf-8"))
    descriptor["resources"].append({"name": "\x1b]0;owned\x07", "path": "../secret.csv"})
    descriptor_path.write_text(json.dumps(descriptor), encoding="utf-8")
    report = validate.run(package_copy, suites_dir=suites_dir)
    assert not report.valid and "\x1b" not in report.to_text() and "\\x1b" in report.to_text()


json_values = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
                           lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner,
                                                                                       max_size=4), max_leaves=12)
resource_keys = st.sampled_from(["name", "path", "schema", "dialect", "hash", "bytes", "format", "$schema"])


@FUZZ
@given(st.lists(st.dictionaries(resource_keys, json_values | st.sampled_from(
    ["../x", "/etc/passwd", "data/tasks.csv", "texts/x.txt", "tasks", "text-x", "sha256:00"])), max_size=5),
    st.dictionaries(st.sampled_from(["$schema", "profile", "name", "resources"]), json_values, max_size=3))
def test_no_descriptor_gives_a_traceback(tmp_path_factory, built_package, suites_dir, resources, top):
    package = tmp_path_factory.mktemp("fuzz") / "datapackage"
    shutil.copytree(built_package, package)
    descriptor = json.loads((package / "datapackage.json").read_text(encoding="utf-8"))
    descriptor["resources"] = descriptor["resources"][:3] + resources
    descriptor.update(top)
    (package / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    report = validate.run(package, suites_dir=suites_dir)
    assert isinstance(report.to_text(), str) and json.loads(report.to_json())


@FUZZ
@given(st.binary(max_size=300) | st.text(max_size=200).map(lambda t: t.encode("utf-8", "surrogatepass")))
def test_no_table_bytes_give_a_traceback(tmp_path_factory, built_package, suites_dir, data):
    package = tmp_path_factory.mktemp("fuzz") / "datapackage"
    shutil.copytree(built_package, package)
    path = package / "data" / "citations.csv"
    header, _, rest = path.read_bytes().partition(b"\n")
    path.write_bytes(header + b"\n" + data + b"\n" + rest)
    report = validate.run(package, suites_dir=suites_dir)
    assert not report.valid or data.strip() == b""
    assert all(ord(c) >= 32 or c == "\n" for c in report.to_text())


BROKEN_YAML = [
    "facts: [unclosed\n", "\tplan_id: x\n", "- a list\n- at the top\n", "just a string\n", "facts:\n  issue_date: 2017-02-30\n",
    "a: &a [1, 2]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
    "d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: [*d, *d, *d, *d, *d, *d, *d, *d, *d]\n",
    "[" * 2000 + "]" * 2000, "key: !!python/object/apply:os.system ['echo owned']\n", "\x00\x01binary", "",
    "plan_id: 12\nraw: yes\nlicence: [1]\nfacts: 3\n", "facts: {admin_code: 330302, issuers: 5, title: [1]}\n"]


@pytest.mark.parametrize("name", ["source.yml", "corrections.yml"])
@pytest.mark.parametrize("text", BROKEN_YAML, ids=range(len(BROKEN_YAML)))
def test_broken_yaml_of_every_kind_is_named_without_traceback(name, text, tmp_path, suites_dir):
    sources = tmp_path / "sources"
    chosen = next(p.name for p in sorted((REPO / "sources").iterdir()) if (p / "corrections.yml").is_file())
    shutil.copytree(REPO / "sources", sources, ignore=lambda folder, names: [
        n for n in names if Path(folder) == REPO / "sources" and (REPO / "sources" / n).is_dir() and n != chosen])
    plan = sources / chosen
    (plan / name).write_bytes(text.encode("utf-8", "surrogatepass"))
    report = validate.run(plan, suites_dir=suites_dir)
    if text.strip() or name == "source.yml":  # an empty corrections.yml only drops the plan's corrections
        assert not report.valid, report.to_text()
    assert "owned" not in report.to_text().replace("echo owned", "")
    for problem in report.errors:
        if problem.file and problem.file.endswith(name) and problem.check in ("yaml", "source-yml",
                                                                               "corrections-yml"):
            assert problem.row, f"{problem.check}: {problem.message} has no line"


@pytest.mark.parametrize("text", ["agencies:\n  - just a name\n", "- a\n- list\n", "agencies: 5\n",
                                  "agencies:\n  - {agency_id: 330302-health, name: x, admin_code: '330302', "
                                  "function: health, aliases: one}\n", "agencies: [unclosed\n"])
def test_a_broken_registry_is_named_with_its_line(text, tmp_path, suites_dir):
    sources = tmp_path / "sources"
    shutil.copytree(REPO / "sources", sources)
    (sources / "agencies.yml").write_text(text, encoding="utf-8")
    report = validate.run(sources, suites_dir=suites_dir)
    [problem] = [p for p in report.errors if p.file and p.file.endswith("agencies.yml")]
    assert problem.row and problem.check in ("registry", "yaml")


@FUZZ
@given(st.text(max_size=300))
def test_no_yaml_gives_a_traceback(tmp_path_factory, suites_dir, text):
    from yigai.errors import YigaiError
    from yigai.sources import check_source_yml, load_yaml, parse_corrections

    path = tmp_path_factory.mktemp("yaml") / "source.yml"
    path.write_bytes(text.encode("utf-8", "surrogatepass"))
    try:
        data, lines = load_yaml(path)
    except YigaiError:
        return
    check_source_yml(data, path, "x-2020-01", lines)
    parse_corrections(data, path, "x-2020-01", lines)


def test_a_bad_date_and_a_non_integer_occurrence_are_named_with_their_lines(tmp_path):
    from yigai.sources import check_source_yml, load_yaml, parse_corrections

    path = tmp_path / "source.yml"
    path.write_text("plan_id: x-2020-01\nfacts:\n  issue_date: 2017-02-30\n", encoding="utf-8")
    data, lines = load_yaml(path)
    [error] = [e for e in check_source_yml(data, path, "x-2020-01", lines) if e.field == "facts.issue_date"]
    assert error.row == 3 and "2017-02-30" in error.message
    path.write_text("corrections:\n  - stage: text\n    expect: a\n    value: b\n    reason: r\n    occurrence: two\n",
                    encoding="utf-8")
    data, lines = load_yaml(path)
    [error] = parse_corrections(data, path, "x-2020-01", lines)[1]
    assert (error.field, error.row) == ("corrections[1].occurrence", 6)
