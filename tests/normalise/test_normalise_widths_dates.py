"""Full-width digits and letters become ASCII; dates and document numbers get back their lost characters."""

from __future__ import annotations

import pytest

from yigai import normalise
from yigai.normalise import dates


@pytest.mark.parametrize(("raw", "expected"), [
    ("１．2019年全面推开", "1.2019年全面推开"),
    ("西宁市达到６５％，海东市达到75％", "西宁市达到65%，海东市达到75%"),
    ("疾病诊断相关分组（ＤＲＧｓ）付费", "疾病诊断相关分组（DRGs）付费"),
    ("发展“互联网＋医疗健康”服务", "发展“互联网+医疗健康”服务"),
    ("２０１７－２０２０年", "2017-2020年"),
])
def test_full_width_digits_letters_and_number_signs_become_ascii(raw, expected):
    assert normalise.run(raw).text == expected


def test_chinese_punctuation_is_kept():
    text = "各市（州），省政府各委、办、厅、局：《方案》“三医联动”；完成。"
    assert normalise.run(text).text == text


def test_each_stretch_is_one_change():
    result = normalise.run("达到６５％以上")
    [change] = result.changes
    assert (change.kind, change.original, change.replacement) == ("width", "６５％", "65%")
    assert result.text[change.char_start:change.char_end] == "65%"


@pytest.mark.parametrize(("raw", "expected"), [
    ("20173月29", "2017年3月29日"),
    ("20176月", "2017年6月"),
    ("201712月5日", "2017年12月5日"),
    ("2017年3月29", "2017年3月29日"),
    ("20230107", "2023年1月7日"),
])
def test_dates_get_back_their_lost_characters(raw, expected):
    result = normalise.run(raw)
    assert result.text == expected
    assert [(c.kind, c.status) for c in result.changes] == [("date", "repaired")]


def test_a_seven_digit_date_with_one_valid_reading_is_repaired():
    result = normalise.run("南京市卫生健康委员会\n\n2023315")  # only 3月15日: 31月5日 is no date
    assert result.text.endswith("2023年3月15日")


def test_bare_digits_that_are_no_date_are_left_alone():
    assert normalise.run("2023135").text == "2023135"  # neither 1月35日 nor 13月5日


@pytest.mark.parametrize("digits", ["2023127", "2023101"])
def test_an_ambiguous_bare_date_is_flagged_and_left(digits):
    result = normalise.run(f"南京市市场监督管理局\n\n{digits}\n\n(信息公开形式:主动公开)")
    assert digits in result.text
    [change] = result.changes
    assert (change.kind, change.status) == ("date", "flagged")
    assert result.text[change.char_start:change.char_end] == digits
    assert "年" in change.reason and " or " in change.reason


def test_readings_of_bare_dates():
    assert dates.readings("2023127") == [(2023, 1, 27), (2023, 12, 7)]
    assert dates.readings("2023101") == [(2023, 1, 1), (2023, 10, 1)]
    assert dates.readings("20230107") == [(2023, 1, 7)]
    assert dates.readings("2023135") == []


@pytest.mark.parametrize(("raw", "expected"), [
    ("(国办发〔201626号)", "(国办发〔2016〕26号)"),
    ("(苏卫体改〔20235号)", "(苏卫体改〔2023〕5号)"),
    ("国办发[2016]26号", "国办发〔2016〕26号"),
    ("国办发〔2016]26号", "国办发〔2016〕26号"),
    ("国办发(2016)26号", "国办发〔2016〕26号"),
    ("国办发（2016）26号", "国办发〔2016〕26号"),
    ("国办发2016〕26号", "国办发〔2016〕26号"),
])
def test_document_numbers_get_standard_year_brackets(raw, expected):
    result = normalise.run(raw)
    assert result.text == expected
    assert [(c.kind, c.status) for c in result.changes] == [("doc-number", "repaired")]


def test_years_in_brackets_that_are_not_document_numbers_are_kept():
    text = "组织动员阶段(2023年10月底前)。三府办〔2024〕5号"
    assert normalise.run(text).text == text
