"""The release archive: byte-reproducible, complete, checksummed, and readable by pandas, DuckDB, SQLite and Frictionless."""

from __future__ import annotations

import csv
import hashlib
import json
import shutil
import sqlite3
import zipfile

import pytest
from frictionless import Package

import yigai
from yigai import metadata, release
from yigai.errors import YigaiError

from .conftest import rehash


def csv_rows(folder, table):
    with open(folder / "data" / f"{table}.csv", encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_a_second_release_of_the_same_package_is_byte_identical(package_copy, project, release_archive, tmp_path):
    again = release.archive(package_copy("elsewhere"), tmp_path / "again", project)
    assert again.name == release_archive.name
    assert again.read_bytes() == release_archive.read_bytes()


def test_parquet_and_sqlite_are_deterministic(built_package):
    descriptor = json.loads((built_package / "datapackage.json").read_text(encoding="utf-8"))
    resource = next(r for r in descriptor["resources"] if r["name"] == "plans")
    assert release.parquet_bytes(built_package, resource) == release.parquet_bytes(built_package, resource)
    assert release.sqlite_bytes(built_package, descriptor) == release.sqlite_bytes(built_package, descriptor)


def test_archive_holds_every_format_in_one_sorted_folder_with_fixed_timestamps(release_archive):
    meta = metadata.package()
    prefix = f"{meta['name']}-{meta['version']}/"
    assert release_archive.name == f"{meta['name']}-{meta['version']}.zip"
    with zipfile.ZipFile(release_archive) as archive:
        infos = archive.infolist()
    names = [i.filename for i in infos]
    assert names == sorted(names) and all(n.startswith(prefix) for n in names)
    inside = {n[len(prefix):] for n in names}
    expected = {"datapackage.json", "README.md", "DATA-DICTIONARY.md", "CITATION.cff", "LICENSE", "LICENSE-DATA.md",
                "CHANGELOG.md", "validation-report.json", "SHA256SUMS", f"{meta['name']}.sqlite"}
    expected |= {f"data/{t}.csv" for t in metadata.table_names()}
    expected |= {f"parquet/{t}.parquet" for t in metadata.table_names()}
    assert expected <= inside
    assert any(n.startswith("texts/") for n in inside)
    stamp = release.release_date(meta)
    assert {i.date_time for i in infos} == {(stamp.year, stamp.month, stamp.day, 0, 0, 0)}
    assert {i.compress_type for i in infos} == {zipfile.ZIP_DEFLATED}


def test_sha256sums_lists_every_other_file(released_folder):
    lines = (released_folder / "SHA256SUMS").read_text(encoding="utf-8").splitlines()
    listed = {}
    for line in lines:
        digest, name = line.split("  ", 1)
        listed[name] = digest
    files = {p.relative_to(released_folder).as_posix() for p in released_folder.rglob("*") if p.is_file()}
    assert set(listed) == files - {"SHA256SUMS"}
    for name, digest in listed.items():
        assert hashlib.sha256((released_folder / name).read_bytes()).hexdigest() == digest, name


def test_validation_report_says_valid_and_names_the_release(released_folder):
    report = json.loads((released_folder / "validation-report.json").read_text(encoding="utf-8"))
    meta = metadata.package()
    assert report["valid"] is True and report["target"] == f"{meta['name']}-{meta['version']}"


def test_frictionless_validates_the_unpacked_release(released_folder):
    report = Package(str(released_folder / "datapackage.json")).validate()
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])


def test_pandas_load_gives_typed_tables_with_every_row(release_archive, built_package):
    tables = yigai.load(release_archive)
    assert list(tables) == metadata.table_names()
    for table, frame in tables.items():
        assert list(frame.columns) == metadata.columns(table)
        assert len(frame) == len(csv_rows(built_package, table)), table
        for column in frame.columns:
            kind = metadata.fields()[column]["type"]
            dtype = str(frame[column].dtype)
            expected = {"integer": "Int64", "number": "float64", "boolean": "boolean", "date": "datetime64[ns]",
                        "string": "string"}[kind]
            assert dtype == expected, (table, column, dtype)


def test_duckdb_reads_the_parquet_and_csv_files(released_folder, built_package):
    duckdb = pytest.importorskip("duckdb")
    connection = duckdb.connect()
    for table in metadata.table_names():
        parquet = released_folder / "parquet" / f"{table}.parquet"
        count = connection.execute(f"SELECT count(*) FROM read_parquet('{parquet}')").fetchone()[0]
        assert count == len(csv_rows(built_package, table)), table
        columns = [row[0] for row in connection.execute(f"DESCRIBE SELECT * FROM read_parquet('{parquet}')").fetchall()]
        assert columns == metadata.columns(table)
    plans = released_folder / "data" / "plans.csv"
    count = connection.execute(f"SELECT count(*) FROM read_csv('{plans}', all_varchar=true)").fetchone()[0]
    assert count == len(csv_rows(built_package, "plans"))
    joined = connection.execute(
        f"SELECT count(*) FROM read_parquet('{released_folder / 'parquet' / 'plan_issuers.parquet'}') i "
        f"JOIN read_parquet('{released_folder / 'parquet' / 'plans.parquet'}') p USING (plan_id)").fetchone()[0]
    assert joined == len(csv_rows(built_package, "plan_issuers"))


def test_sqlite_has_every_table_typed_with_keys_declared(released_folder, built_package):
    meta = metadata.package()
    connection = sqlite3.connect(released_folder / f"{meta['name']}.sqlite")
    try:
        assert connection.execute("PRAGMA foreign_key_check").fetchall() == []
        for table, spec in metadata.resources().items():
            count = connection.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]
            assert count == len(csv_rows(built_package, table)), table
            info = connection.execute(f'PRAGMA table_info("{table}")').fetchall()
            assert [row[1] for row in info] == spec["fields"]
            key = [row[1] for row in sorted(info, key=lambda r: r[5]) if row[5]]
            assert key == spec["primary_key"], table
            types = {row[1]: row[2] for row in info}
            for name in spec["fields"]:
                assert types[name] == release.SQLITE_TYPES[metadata.fields()[name]["type"]], (table, name)
            declared = {(row[2], row[3], row[4]) for row in connection.execute(f'PRAGMA foreign_key_list("{table}")')}
            for fk in spec.get("foreign_keys", []):
                for column, target in zip(fk["fields"], fk["reference"]):
                    assert (fk["resource"], column, target) in declared, (table, fk)
    finally:
        connection.close()


def test_an_invalid_package_is_not_released(package_copy, project, tmp_path):
    broken = package_copy()
    path = broken / "data" / "plans.csv"
    rows = list(csv.reader(path.open(encoding="utf-8", newline="")))
    rows[1][rows[0].index("admin_code")] = "not-a-code"
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)
    rehash(broken)
    out = tmp_path / "out"
    with pytest.raises(YigaiError, match="invalid"):
        release.archive(broken, out, project)
    assert not out.exists() or not any(out.iterdir())


def test_a_package_of_another_version_is_not_released(package_copy, project, tmp_path):
    other = package_copy()
    descriptor = json.loads((other / "datapackage.json").read_text(encoding="utf-8"))
    descriptor["version"] = "99.0.0"
    (other / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    with pytest.raises(YigaiError, match="99.0.0"):
        release.archive(other, tmp_path / "out", project)


def test_release_command_without_build(built_package, tmp_path, monkeypatch):
    from click.testing import CliRunner

    from yigai.cli import main
    from .conftest import REPO

    monkeypatch.chdir(REPO)
    out = tmp_path / "rel"
    result = CliRunner().invoke(main, ["release", "--no-build", "--package", str(built_package), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert (out / f"{metadata.package()['name']}-{metadata.package()['version']}.zip").is_file()
    shutil.rmtree(out)
