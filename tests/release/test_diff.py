"""`yigai diff`: rows added, removed and changed by primary key, schema changes, and the bump they require."""

from __future__ import annotations

import csv
import json

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from yigai import diff
from yigai.cli import main

from .conftest import rehash


def read(folder, table):
    with open(folder / "data" / f"{table}.csv", encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def write(folder, table, rows):
    with open(folder / "data" / f"{table}.csv", "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)


def drop_column(folder, table, column):
    rows = read(folder, table)
    index = rows[0].index(column)
    write(folder, table, [r[:index] + r[index + 1:] for r in rows])
    descriptor = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    resource = next(r for r in descriptor["resources"] if r["name"] == table)
    resource["schema"]["fields"] = [f for f in resource["schema"]["fields"] if f["name"] != column]
    (folder / "datapackage.json").write_text(json.dumps(descriptor, ensure_ascii=False), encoding="utf-8")
    rehash(folder)


def correct_one_value(folder):
    """Change one figure of the first target (or, while no target is extracted, one date of a plan)."""
    table, column = ("targets", "value") if len(read(folder, "targets")) > 1 else ("plans", "issue_date")
    rows = read(folder, table)
    index = rows[0].index(column)
    before = rows[1][index]
    rows[1][index] = "12345" if column == "value" else "1999-01-01"
    write(folder, table, rows)
    rehash(folder)
    return table, rows[0], rows[1], column, before, rows[1][index]


def test_one_corrected_target_value_is_exactly_one_change(built_package, package_copy):
    corrected = package_copy()
    table, header, row, column, before, after = correct_one_value(corrected)
    changes = diff.run(built_package, corrected)
    touched = [t for t in changes.tables if not t.empty]
    assert [t.name for t in touched] == [table]
    only = touched[0]
    assert not only.added and not only.removed and len(only.changed) == 1
    key = changes.tables[[t.name for t in changes.tables].index(table)].key
    assert only.changed[0].key == {k: row[header.index(k)] for k in key}
    assert only.changed[0].fields == {column: [before, after]}
    assert not (changes.tables_added or changes.tables_removed or changes.files_changed or changes.metadata_changed)
    assert changes.required_bump()[0] == "patch"
    markdown = changes.to_markdown()
    assert f"`{column}` `{before}` → `{after}`" in markdown
    data = json.loads(changes.to_json())
    assert data["required_bump"]["level"] == "patch"
    assert data["tables"][0]["changed"][0]["fields"] == {column: [before, after]}


def test_diff_command_between_a_release_archive_and_a_corrected_copy(release_archive, package_copy):
    corrected = package_copy()
    table, _, _, column, before, after = correct_one_value(corrected)
    result = CliRunner().invoke(main, ["diff", str(release_archive), str(corrected), "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert [t["name"] for t in data["tables"]] == [table]
    assert data["tables"][0]["changed"][0]["fields"] == {column: [before, after]}
    markdown = CliRunner().invoke(main, ["diff", str(release_archive), str(corrected)]).output
    assert f"| `{table}` | 0 | 0 | 1 |" in markdown


def test_the_same_data_has_no_changes(release_archive, built_package):
    changes = diff.run(release_archive, built_package)
    assert changes.empty and changes.required_bump() == ("none", [])
    assert "No changes." in changes.to_markdown()


def test_a_removed_column_is_major(built_package, package_copy):
    smaller = package_copy()
    drop_column(smaller, "plans", "publish_date")
    changes = diff.run(built_package, smaller)
    plans = next(t for t in changes.tables if t.name == "plans")
    assert plans.columns_removed == ["publish_date"] and not plans.changed
    level, reasons = changes.required_bump()
    assert level == "major" and any("plans.publish_date removed" in r for r in reasons)
    assert "Column `plans.publish_date` removed." in changes.to_markdown()


def test_an_added_column_is_minor(built_package, package_copy):
    smaller = package_copy()
    drop_column(smaller, "plans", "publish_date")
    changes = diff.run(smaller, built_package)
    plans = next(t for t in changes.tables if t.name == "plans")
    assert plans.columns_added == ["publish_date"] and not plans.changed
    assert changes.required_bump()[0] == "minor"


def test_a_renamed_column_is_recognised_and_major(built_package, package_copy):
    renamed = package_copy()
    rows = read(renamed, "plans")
    rows[0][rows[0].index("jurisdiction")] = "region"
    write(renamed, "plans", rows)
    descriptor = json.loads((renamed / "datapackage.json").read_text(encoding="utf-8"))
    resource = next(r for r in descriptor["resources"] if r["name"] == "plans")
    next(f for f in resource["schema"]["fields"] if f["name"] == "jurisdiction")["name"] = "region"
    (renamed / "datapackage.json").write_text(json.dumps(descriptor, ensure_ascii=False), encoding="utf-8")
    rehash(renamed)
    changes = diff.run(built_package, renamed)
    plans = next(t for t in changes.tables if t.name == "plans")
    assert plans.columns_renamed == {"jurisdiction": "region"}
    assert not plans.columns_added and not plans.columns_removed and not plans.changed
    assert changes.required_bump()[0] == "major"


def test_added_and_removed_rows(built_package, package_copy):
    fewer = package_copy()
    rows = read(fewer, "plans")
    write(fewer, "plans", rows[:-1])
    rehash(fewer)
    removed_id = rows[-1][0]
    growth = diff.run(fewer, built_package)
    plans = next(t for t in growth.tables if t.name == "plans")
    assert [r["plan_id"] for r in plans.added] == [removed_id] and not plans.removed
    assert growth.required_bump()[0] == "minor"
    withdrawal = diff.run(built_package, fewer)
    assert withdrawal.required_bump()[0] == "major"
    assert f"- removed `{removed_id}`" in withdrawal.to_markdown()


def test_a_missing_package_is_a_clear_error(tmp_path, built_package):
    result = CliRunner().invoke(main, ["diff", str(tmp_path / "nope"), str(built_package)])
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert "no such package" in " ".join(result.output.split())


def _package(folder, key, columns, rows, ending="\n"):
    """A one-table package: rows as lists of cell text under the given columns, primary key `key`."""
    (folder / "data").mkdir(parents=True)
    with open(folder / "data" / "t.csv", "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator=ending).writerows([columns] + rows)
    schema = {"fields": [{"name": c, "type": "string"} for c in columns], "primaryKey": key}
    descriptor = {"name": "p", "version": "1", "resources": [{"name": "t", "path": "data/t.csv", "schema": schema}]}
    (folder / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    return folder


def _by_dicts(old_rows, new_rows, columns, key):
    """What comparing two tables held as dicts by key gives (the last row of a repeated key wins)."""
    width = len(columns)
    old_rows = [(r + [""] * width)[:width] for r in old_rows]
    new_rows = [(r + [""] * width)[:width] for r in new_rows]
    old = {tuple(r[columns.index(k)] for k in key): dict(zip(columns, r)) for r in old_rows}
    new = {tuple(r[columns.index(k)] for k in key): dict(zip(columns, r)) for r in new_rows}
    added = [new[k] for k in sorted(set(new) - set(old))]
    removed = [old[k] for k in sorted(set(old) - set(new))]
    changed = [(dict(zip(key, k)), {c: [old[k][c], new[k][c]] for c in columns if old[k][c] != new[k][c]})
               for k in sorted(set(old) & set(new))]
    return added, removed, [c for c in changed if c[1]]


CELLS = st.sampled_from(["", "a", "b", "甲", "乙,丙", 'say "hi"', "two\nlines", "10", "9", "~", " "])


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(old=st.lists(st.lists(CELLS, min_size=3, max_size=3), max_size=12),
       new=st.lists(st.lists(CELLS, min_size=2, max_size=4), max_size=12), two_keys=st.booleans(),
       ending=st.sampled_from(["\n", "\r\n"]))
def test_rows_by_key_are_what_dicts_by_key_give(tmp_path_factory, old, new, two_keys, ending):
    """Also for CSV files that are not as the build writes them (CRLF, short and long rows)."""
    columns, key = ["id", "part", "value"], (["id", "part"] if two_keys else ["id"])
    folder = tmp_path_factory.mktemp("keyed")
    changes = diff.run(_package(folder / "old", key, columns, old),
                       _package(folder / "new", key, columns, new, ending))
    table = changes.tables[0]
    added, removed, changed = _by_dicts(old, new, columns, key)
    assert table.added == added and table.removed == removed
    assert [(c.key, c.fields) for c in table.changed] == changed


def test_a_snapshot_keeps_its_tables_after_the_archive_is_closed(release_archive, built_package):
    old = diff.snapshot(release_archive)
    assert len(old.tables["plans"].rows) == len(read(built_package, "plans")) - 1
    assert diff.compare(old, diff.snapshot(built_package)).empty


def test_a_table_that_is_not_utf8_is_a_clear_error(tmp_path):
    broken = _package(tmp_path / "broken", ["id"], ["id", "part", "value"], [["1", "2", "3"]])
    (broken / "data" / "t.csv").write_bytes(b"id,part,value\n1,\xff\xfe,3\n")
    result = CliRunner().invoke(main, ["diff", str(broken), str(broken)])
    assert result.exit_code == 1 and "Traceback" not in result.output and "not UTF-8" in result.output


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(old=st.lists(st.lists(CELLS, min_size=3, max_size=3), max_size=12),
       new=st.lists(st.lists(CELLS, min_size=3, max_size=3), max_size=12))
def test_a_changed_primary_key_matches_rows_as_dicts_rekeyed_in_order(tmp_path_factory, old, new):
    """Old rows by the old key (the last of each wins), re-keyed by the new key in the order their old keys first
    appeared (the later wins), then compared by the new key."""
    columns = ["id", "part", "value"]
    folder = tmp_path_factory.mktemp("rekeyed")
    changes = diff.run(_package(folder / "old", ["id"], columns, old), _package(folder / "new", ["part"], columns, new))
    table = changes.tables[0]
    by_old_key = {r[0]: dict(zip(columns, r)) for r in old}
    rekeyed = {(r["part"],): r for r in by_old_key.values()}
    current = {(r[1],): dict(zip(columns, r)) for r in new}
    assert table.key_change == [["id"], ["part"]]
    assert table.added == [current[k] for k in sorted(set(current) - set(rekeyed))]
    assert table.removed == [rekeyed[k] for k in sorted(set(rekeyed) - set(current))]
    changed = [({"part": k[0]}, {c: [rekeyed[k][c], current[k][c]] for c in columns if rekeyed[k][c] != current[k][c]})
               for k in sorted(set(rekeyed) & set(current))]
    assert [(c.key, c.fields) for c in table.changed] == [c for c in changed if c[1]]
