"""yigai.load: the same typed frames from CSV, Parquet and SQLite; edited folders opened only when asked, naming
the files that differ; a missing optional library is named with the extra that installs it."""

from __future__ import annotations

import builtins
import json
import warnings

import pandas as pd
import pytest

import yigai
from yigai import metadata
from yigai.errors import YigaiError
from yigai.loading import UnverifiedPackageWarning


def boolean_columns(folder) -> dict[str, list[str]]:
    descriptor = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    return {r["name"]: [f["name"] for f in r["schema"]["fields"] if f["type"] == "boolean"]
            for r in descriptor["resources"] if r.get("schema")}


@pytest.fixture(scope="module")
def from_csv(released_folder):
    return yigai.load(released_folder)


@pytest.mark.parametrize("fmt", ["parquet", "sqlite"])
def test_every_format_gives_the_same_frames(released_folder, from_csv, fmt):
    tables = yigai.load(released_folder, format=fmt)
    assert list(tables) == list(from_csv) == metadata.table_names()
    for name, frame in tables.items():
        pd.testing.assert_frame_equal(frame, from_csv[name], check_exact=True, obj=f"{fmt} {name}")


@pytest.mark.parametrize("fmt", ["csv", "parquet", "sqlite"])
def test_booleans_are_booleans_in_every_format(released_folder, fmt):
    tables = yigai.load(released_folder, format=fmt)
    columns = boolean_columns(released_folder)
    assert any(columns.values()), "the package has boolean columns to check"
    for table, names in columns.items():
        for name in names:
            column = tables[table][name]
            assert str(column.dtype) == "boolean", (fmt, table, name)
            assert set(column.dropna().tolist()) <= {True, False}


def test_a_release_archive_loads_every_table(release_archive):
    tables = yigai.load(release_archive)
    assert list(tables) == metadata.table_names() and all(len(frame) for frame in tables.values())


def test_an_edited_folder_is_refused_unless_asked_and_then_the_changes_are_named(package_copy):
    folder = package_copy()
    path = folder / "data" / "plans.csv"
    text = path.read_text(encoding="utf-8").splitlines()
    header, first = text[0].split(","), text[1].split(",")
    first[header.index("title")] = "An edited title"
    path.write_text("\n".join([text[0], ",".join(first), *text[2:]]) + "\n", encoding="utf-8")
    with pytest.raises(YigaiError, match="plans"):
        yigai.load(folder)
    with pytest.warns(UnverifiedPackageWarning, match=r"1 file\(s\) differ.*data/plans.csv"):
        tables = yigai.load(folder, verify=False)
    assert tables["plans"]["title"].iloc[0] == "An edited title"


def test_an_unedited_folder_opened_without_checks_gives_no_warning(package_copy):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert list(yigai.load(package_copy(), verify=False)) == metadata.table_names()


def test_a_build_folder_has_no_parquet_and_says_so(built_package):
    with pytest.raises(YigaiError, match="no Parquet files"):
        yigai.load(built_package, format="parquet")


def test_an_unknown_format_or_a_missing_path_is_a_usage_error(tmp_path, released_folder):
    with pytest.raises(YigaiError, match="unknown format") as caught:
        yigai.load(released_folder, format="xlsx")
    assert caught.value.usage
    with pytest.raises(YigaiError, match="no such package") as caught:
        yigai.load(tmp_path / "nowhere")
    assert caught.value.usage


def test_parquet_without_pyarrow_names_the_extra(released_folder, monkeypatch):
    real_import = builtins.__import__

    def no_pyarrow(name, *args, **kwargs):
        if name.split(".")[0] == "pyarrow":
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_pyarrow)
    monkeypatch.delitem(__import__("sys").modules, "pyarrow", raising=False)
    monkeypatch.delitem(__import__("sys").modules, "pyarrow.parquet", raising=False)
    with pytest.raises(YigaiError) as caught:
        yigai.load(released_folder, format="parquet")
    assert "pip install 'yigai[parquet]'" in caught.value.hint, caught.value
    assert "pyarrow" in caught.value.message
