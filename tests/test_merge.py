"""Merging plans built apart: drafts get one id each, and blocks of rows stream into exactly the globally sorted table."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from yigai import merge, tables
from yigai.errors import YigaiError
from yigai.registry import Agency, Registry


def draft(agency_id: str, name: str) -> dict:
    return {"agency_id": agency_id, "name": name, "admin_code": agency_id[:6], "function": "finance",
            "aliases": [name[-3:]]}


def merge_drafts(registry: Registry, proposals: list[tuple[str, list[dict]]]) -> tuple[Registry, dict]:
    """Merge every plan's drafts in order; return the merged registry and the renames."""
    merger = merge.DraftMerger(registry)
    for plan_id, drafts in proposals:
        assert merger.add(plan_id, drafts) == merger.renames.get(plan_id, {})
    return merger.registry, merger.renames


def test_the_same_draft_from_two_plans_is_one_body():
    base = Registry({"330302-health": Agency("330302-health", "甲局", "330302", "health")})
    merged, renames = merge_drafts(base, [("a-2020-01", [draft("330302-finance", "乙局")]),
                                          ("b-2020-01", [draft("330302-finance", "乙局")])])
    assert list(merged.agencies) == ["330302-health", "330302-finance"]
    assert renames == {} and list(base.agencies) == ["330302-health"]


def test_an_id_taken_by_another_name_gets_the_next_number_in_plan_order():
    proposals = [("a-2020-01", [draft("330302-finance", "乙局")]),
                 ("b-2020-01", [draft("330302-finance", "丙局"), draft("330302-finance-2", "丁局")]),
                 ("c-2020-01", [draft("330302-finance", "丙局")])]
    merged, renames = merge_drafts(Registry(), proposals)
    assert {a.agency_id: a.name for a in merged.agencies.values()} == {
        "330302-finance": "乙局", "330302-finance-2": "丙局", "330302-finance-3": "丁局"}
    assert renames == {"b-2020-01": {"330302-finance": "330302-finance-2", "330302-finance-2": "330302-finance-3"},
                       "c-2020-01": {"330302-finance": "330302-finance-2"}}


def test_renaming_rewrites_rows_and_report_and_resorts():
    rows = [{"task_id": "b-2020-01:1", "agency_id": "330302-finance", "role": "lead", "rule": "clause",
             "flagged": False, "mention": "区财政局", "char_start": 1, "char_end": 5},
            {"task_id": "b-2020-01:1", "agency_id": "330302-finance-2", "role": "co", "rule": "clause",
             "flagged": False, "mention": "区丁局", "char_start": 6, "char_end": 9},
            {"task_id": "b-2020-01:1", "agency_id": "330302-finance-3x", "role": "co", "rule": "clause",
             "flagged": False, "mention": "区戊局", "char_start": 10, "char_end": 13}]
    report = [{"plan_id": "b-2020-01", "change_id": 1, "stage": "extract", "kind": "draft-agency",
               "status": "flagged", "original": "区财政局", "replacement": "丙局",
               "reason": "drafted by the alias rules as 330302-finance — confirm it; not 330302-finance-3x"}]
    sections, blocks = {}, {}
    for table, table_rows in (("responsibilities", rows), ("corrections", report)):
        ordered = tables.sort_rows(table, table_rows)
        sections[table] = tables.csv_lines(table, ordered).encode()
        blocks[table] = tables.block_meta(table, ordered)
    mapping = {"330302-finance": "330302-finance-4", "330302-finance-2": "330302-finance-3"}
    sections, blocks = merge.rename(sections, blocks, mapping)
    renamed = tables.parse_lines("responsibilities", sections["responsibilities"].decode())
    assert [r["agency_id"] for r in renamed] == ["330302-finance-3", "330302-finance-3x", "330302-finance-4"]
    assert blocks["responsibilities"]["count"] == 3
    reason = tables.parse_lines("corrections", sections["corrections"].decode())[0]["reason"]
    assert reason == "drafted by the alias rules as 330302-finance-4 — confirm it; not 330302-finance-3x"


def target(plan_id: str, n: int, value: float | None = None) -> dict:
    return {"target_id": f"{plan_id}:t{n:03d}", "plan_id": plan_id, "task_id": f"{plan_id}:1",
            "indicator": "覆盖率", "value": value}


def stream(tmp_path, table: str, plans: list[list[dict]]):
    """Write a table from per-plan blocks; return the writer and the table read back."""
    writer = merge.TableWriter(table, tmp_path / f"{table}.csv")
    blocks = []
    for rows in plans:
        ordered = tables.sort_rows(table, rows)
        blocks.append((tables.block_meta(table, ordered), tables.csv_lines(table, ordered).encode()))
        writer.add(*blocks[-1])
    writer.close()
    if not writer.in_order:
        writer.resort(blocks)
    return writer, (tmp_path / f"{table}.csv").read_text(encoding="utf-8")


def test_blocks_in_plan_order_are_appended_as_they_are(tmp_path):
    plans = [[target("a-2020-01", n) for n in (3, 1, 2)], [], [target("b-2020-01", 1)]]
    writer, text = stream(tmp_path, "targets", plans)
    assert writer.in_order and writer.error is None and writer.rows == 4
    assert text == tables.to_csv("targets", tables.complete_rows("targets", sum(plans, [])))


def test_blocks_that_interleave_are_sorted_as_one_table(tmp_path):
    plans = [[target("a-2020-01", 1), target("c-2020-01", 9)], [target("b-2020-01", 1)]]
    writer, text = stream(tmp_path, "targets", plans)
    assert not writer.in_order
    assert text == tables.to_csv("targets", tables.complete_rows("targets", sum(plans, [])))


def test_a_duplicate_key_names_its_row_in_the_published_table(tmp_path):
    plans = [[target("a-2020-01", 1), target("a-2020-01", 2)], [target("b-2020-01", 1), target("b-2020-01", 1)]]
    writer, _ = stream(tmp_path, "targets", plans)
    assert writer.error.row == 4 and writer.error.file == "data/targets.csv"
    with pytest.raises(YigaiError) as global_sort:
        tables.complete_rows("targets", sum(plans, []))
    assert global_sort.value.row == writer.error.row


def test_a_duplicate_across_two_plans_is_found(tmp_path):
    plans = [[target("a-2020-01", 1)], [target("a-2020-01", 1)]]
    writer = merge.TableWriter("targets", tmp_path / "t.csv")
    blocks = [(tables.block_meta("targets", rows), tables.csv_lines("targets", rows).encode()) for rows in plans]
    for block in blocks:
        writer.add(*block)
    writer.close()
    assert not writer.in_order
    with pytest.raises(YigaiError) as duplicate:
        writer.resort(blocks)
    assert duplicate.value.row == 2


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(st.tuples(st.sampled_from(["a", "b", "c"]), st.integers(1, 30),
                                   st.one_of(st.none(), st.floats(-1e6, 1e6, allow_nan=False))),
                         max_size=6), max_size=5))
def test_streaming_gives_what_one_global_sort_gives(tmp_path_factory, blocks):
    plans = []
    for rows in blocks:
        unique = {f"{plan}-2020-01:t{n:03d}": target(f"{plan}-2020-01", n, value) for plan, n, value in rows}
        plans.append(list(unique.values()))
    random.Random(len(plans)).shuffle(plans)
    everything = sum(plans, [])
    try:
        expected = tables.to_csv("targets", tables.complete_rows("targets", everything))
    except YigaiError as exc:
        expected = exc.row
    folder = tmp_path_factory.mktemp("stream")
    try:
        writer, text = stream(folder, "targets", plans)
        got = writer.error.row if writer.error else text
    except YigaiError as exc:
        got = exc.row
    assert got == expected
