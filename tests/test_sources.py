"""Tests for reading sources/: provenance, hashes and the schema of source.yml and corrections.yml."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest
import yaml

from yigai import sources
from yigai.errors import YigaiError

REPO = Path(__file__).resolve().parents[1]
SOURCES = REPO / "sources"

SHARED = REPO.parent / "shared" / "raw-plans"


def plan_dirs() -> list[Path]:
    return sources.plan_directories(SOURCES)


@pytest.mark.plans
def test_every_plan_has_provenance():
    plans = sources.read_sources(SOURCES)
    assert [p.plan_id for p in plans] == sorted(p.plan_id for p in plans)
    for plan in plans:
        raw = plan.source["raw"]
        assert raw["sha256"] == hashlib.sha256((plan.directory / "raw.txt").read_bytes()).hexdigest()
        assert isinstance(raw["original_name"], str) and raw["original_name"].strip()
        assert "url" in raw and "captured" in raw
        assert plan.source["licence"]["status"]


@pytest.mark.skipif(not SHARED.is_dir(), reason="the original hand-over folder is not beside this clone")
def test_raw_files_are_byte_for_byte_the_originals():
    handed_over = [plan for plan in sources.read_sources(SOURCES)
                   if (SHARED / plan.source["raw"]["original_name"]).is_file()]
    assert handed_over, "no plan's original is in the hand-over folder"
    for plan in handed_over:  # plans added later came from elsewhere
        original = SHARED / plan.source["raw"]["original_name"]
        assert original.read_bytes() == plan.raw_bytes, plan.plan_id


def copy_plan(tmp_path: Path, plan_id: str | None = None) -> Path:
    plan_id = plan_id or plan_dirs()[0].name
    target = tmp_path / "sources" / plan_id
    shutil.copytree(SOURCES / plan_id, target)
    return target


def test_changed_raw_byte_stops_the_build(tmp_path):
    folder = copy_plan(tmp_path)
    data = bytearray((folder / "raw.txt").read_bytes())
    data[100] ^= 0x01
    (folder / "raw.txt").write_bytes(bytes(data))
    with pytest.raises(YigaiError) as excinfo:
        sources.read_plan(folder)
    message = str(excinfo.value)
    assert folder.name in message and "raw.txt" in message and "sha256" in message


def test_source_yml_schema_errors_name_the_field(tmp_path):
    folder = copy_plan(tmp_path)
    data = yaml.safe_load((folder / "source.yml").read_text(encoding="utf-8"))
    data["facts"]["issue_date"] = "21/03/2019"
    (folder / "source.yml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(YigaiError) as excinfo:
        sources.read_plan(folder)
    assert excinfo.value.field == "facts.issue_date"
    assert excinfo.value.file.endswith("source.yml")


def test_folder_name_must_match_plan_id(tmp_path):
    folder = copy_plan(tmp_path)
    renamed = folder.with_name(folder.name[:-2] + ("02" if folder.name[-2:] != "02" else "03"))
    folder.rename(renamed)
    with pytest.raises(YigaiError) as excinfo:
        sources.read_plan(renamed)
    assert excinfo.value.field == "plan_id"


def test_malformed_corrections_are_reported_with_index(tmp_path):
    folder = copy_plan(tmp_path)
    (folder / "corrections.yml").write_text("corrections:\n  - stage: row\n    table: targets\n", encoding="utf-8")
    with pytest.raises(YigaiError) as excinfo:
        sources.read_plan(folder)
    assert excinfo.value.field.startswith("corrections[1].")


def test_invalid_yaml_names_line(tmp_path):
    folder = copy_plan(tmp_path)
    (folder / "source.yml").write_text("plan_id: [unclosed\n", encoding="utf-8")
    with pytest.raises(YigaiError) as excinfo:
        sources.read_plan(folder)
    assert "line" in str(excinfo.value)


LAUGHS = "".join(f"{a}: &{a} [{', '.join([f'*{p}'] * 9)}]\n" for p, a in zip("abcdefg", "bcdefgh"))


@pytest.mark.parametrize("name, text, line", [
    ("corrections.yml", "corrections: &x [*x]\n", 1),                       # a document that holds itself
    ("corrections.yml", "a: &a [x, x, x, x, x, x, x, x, x]\n" + LAUGHS, 2),  # 9^8 items when expanded
    ("source.yml", "plan_id: &id x\nfacts:\n  title: *id\n", 3),           # a plain repeat is refused too
])
def test_yaml_aliases_are_refused_with_their_line(tmp_path, name, text, line):
    folder = copy_plan(tmp_path)
    (folder / name).write_text(text, encoding="utf-8")
    with pytest.raises(YigaiError) as excinfo:
        sources.read_plan(folder)
    assert excinfo.value.row == line and excinfo.value.file.endswith(name)
    assert "alias" in str(excinfo.value)


_CONSTRUCT_CASES = [
    "a: 1\nb: [x, 2, null, true, 1.5, 2020-01-02, 2017-02-30]\nc: {d: e}\n",
    "- 1\n- - 2\n  - {3: 4, null: 5, true: 6, 2020-01-01: 7}\n",
    "a: 1\na: 2\n",  # a later duplicate key wins
    "base: {x: 1}\nmerged:\n  <<: {y: 2}\n  z: 3\n",  # merge key
    "=: value key\n",
    "? [complex, key]\n: v\n",
    "!!set {a, b}\n",
    "!!omap [a: 1, b: 2]\n",
    "x: !!binary aGVsbG8=\n",
    "x: !!python/name:os.system\n",
    "outer: {inner: !!python/tuple [1]}\nlater: !!python/none ''\n",
    "plain scalar\n",
    "x: !!str 12\ny: !!int '7'\n",
    "[" * 3000 + "]" * 3000 + "\n",
]


@pytest.mark.parametrize("text", _CONSTRUCT_CASES)
def test_plain_data_builds_what_pyyaml_builds(text):
    """The direct builder gives PyYAML's data (types and order included), or PyYAML's own error."""
    def build(construct):
        loader = sources._Loader(text)
        try:
            node = loader.get_single_node()
            return ("data", repr(construct(loader, node)))
        except Exception as exc:  # noqa: BLE001 - compared below
            return ("error", type(exc).__name__, str(exc))
        finally:
            loader.dispose()

    assert build(sources._construct) == build(lambda loader, node: loader.construct_document(node))


def test_plain_data_builds_every_committed_yaml_as_pyyaml_does():
    paths = sorted(Path("sources").glob("*/*.yml")) + sorted(Path("tests").rglob("*.yml"))
    assert paths
    for path in paths:
        text = path.read_text(encoding="utf-8")
        if "*" in text:
            continue
        test_plain_data_builds_what_pyyaml_builds(text)


def test_str_is_built_as_the_node_value():
    """_plain_data takes a str node's value as PyYAML's constructor of str does."""
    assert sources._Loader.yaml_constructors[sources._STR] is yaml.constructor.SafeConstructor.construct_yaml_str
