"""Curated text corrections are applied last, reported, and stop the build when stale."""

from __future__ import annotations

import pytest

from yigai import normalise
from yigai.errors import StaleCorrectionError
from yigai.sources import Correction


def correction(expect: str, value: str, occurrence: int = 1, index: int = 1) -> Correction:
    return Correction(index=index, stage="text", reason="checked against the original", expect=expect, value=value,
                      occurrence=occurrence, kind="date")


def test_a_correction_applies_to_the_normalised_text():
    result = normalise.run("落款\n\n2023127", [correction("2023127", "2023年12月7日")])
    assert result.text == "落款\n\n2023年12月7日"
    flagged, curated = result.changes
    assert (flagged.kind, flagged.status) == ("date", "flagged")
    assert (curated.stage, curated.kind, curated.status) == ("curate", "date", "curated")
    assert result.text[curated.char_start:curated.char_end] == "2023年12月7日"
    assert (flagged.char_start, flagged.char_end) == (curated.char_start, curated.char_end)


def test_corrections_see_the_simplified_text():
    result = normalise.run("醫(yī)療", [correction("医疗", "医疗卫生")])
    assert result.text == "医疗卫生"


def test_occurrence_picks_the_nth_match():
    result = normalise.run("甲乙甲乙", [correction("甲", "丙", occurrence=2)])
    assert result.text == "甲乙丙乙"


def test_row_corrections_are_ignored():
    row = Correction(index=1, stage="row", reason="x", expect="a", value="b", table="plans", field="title")
    assert normalise.run("正文", [row]).text == "正文"


@pytest.mark.parametrize(("expect", "occurrence"), [("不存在", 1), ("甲", 3)])
def test_a_stale_correction_names_its_index_and_field(expect, occurrence):
    with pytest.raises(StaleCorrectionError) as caught:
        normalise.run("甲乙甲乙", [correction("乙", "丁"), correction(expect, "丙", occurrence, index=2)])
    error = caught.value
    assert error.field == "corrections[2].expect" and error.file is None
    assert expect in error.message


def test_a_stale_correction_names_the_file_when_given():
    with pytest.raises(StaleCorrectionError) as caught:
        normalise.run("甲", [correction("乙", "丙")], corrections_file="sources/x-2020-01/corrections.yml")
    assert caught.value.file == "sources/x-2020-01/corrections.yml"
