"""Acceptance on the five committed plans: what the published normalised texts must (not) contain."""

from __future__ import annotations

from collections import Counter

import pytest

from normalise_plans import PLAN_IDS, normalised, plan, uncorrected
from yigai import normalise
from yigai.normalise import chrome, garble, script, spam
from yigai.normalise.text import cjk_chars

GUANGDONG = "guangdong-2017-01"
GUANGDONG_RUNS = [  # every damaged run of the Guangdong page, as the raw text shows it, in text order
    "??偨Y", "?;\ue2ae鹂傤~", "??偨Y", "??坡?lián)", "?qū)", "?坡?lián)", "??萍夹g", "??茷榧~", "??漆t",
    "?;\ue2ae鸬慕Y", "?;\ue2ae鸸餐\ue0d2謸?dān)",
]
TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ"


@pytest.mark.parametrize("plan_id", PLAN_IDS)
def test_no_spam_remains(plan_id):
    assert not spam.lexicon().token.search(normalised(plan_id).text)


@pytest.mark.parametrize("plan_id", PLAN_IDS)
def test_no_traditional_character_remains(plan_id):
    text = normalised(plan_id).text
    assert script.to_simplified(text) == text


@pytest.mark.parametrize("plan_id", PLAN_IDS)
def test_no_pinyin_remains(plan_id):
    text = normalised(plan_id).text
    assert script.pinyin_spans(text) == []
    assert not any(ch in TONED for ch in text)


@pytest.mark.parametrize("plan_id", PLAN_IDS)
def test_no_chrome_line_remains(plan_id):
    for line in normalised(plan_id).text.split("\n"):
        assert chrome.classify(line) is None and spam.classify(line) is None, line


def test_every_garbled_run_of_guangdong_is_flagged():
    flagged = [c for c in uncorrected(GUANGDONG).changes if c.kind == "garbled-bytes"]
    assert [c.original for c in flagged] == GUANGDONG_RUNS
    assert all(c.status == "flagged" for c in flagged)


def test_guangdong_corrections_leave_no_damage():
    text = normalised(GUANGDONG).text
    assert "?" not in text and "\ufffd" not in text
    assert not any("\ue000" <= ch <= "\uf8ff" for ch in text)
    assert garble.find_runs(text) == []
    for phrase in ("医疗集团。总结推广", "以医保基金总额管理", "组建专科联盟", "探索纵向专科联盟模式", "以特色专科技术力量",
                   "以特色专科为纽带", "较强的专科医院", "医保基金的结余留用", "和医保基金共同分担"):
        assert phrase in text
    assert len(plan(GUANGDONG).text_corrections()) == 10


def test_guangdong_title_is_simplified():
    assert normalised(GUANGDONG).text.startswith("广东省人民政府办公厅关于印发广东省推进医疗联合体建设和发展实施方案的通知\n")


def test_lucheng_dates_and_document_numbers():
    text = normalised("wenzhou-lucheng-2017-01").text
    assert "2017年3月29日" in text and "2017年6月" in text
    assert "国办发〔2016〕26号" in text and "浙政发〔2016〕19号" in text
    assert "鹿城区深化医药卫生体制综合改革先行先试实施方案\n" in text


def test_sanya_title_line():
    lines = normalised("sanya-2024-01").text.split("\n")
    assert "三亚市人民政府办公室关于印发《三亚市公立医院改革与高质量发展示范项目实施方案》的通知" in lines


def test_nanjing_signature_date_is_flagged_until_corrected():
    flagged = [c for c in uncorrected("nanjing-2023-01").changes if c.kind == "date"]
    assert [(c.original, c.status) for c in flagged] == [("2023127", "flagged")]
    assert "〔2023〕23号" in normalised("nanjing-2023-01").text
    overwritten = [c for c in uncorrected("nanjing-2023-01").changes if c.kind == "issuer-overwritten"]
    assert len(overwritten) == 2


def test_qinghai_full_width_numbers():
    text = normalised("qinghai-2019-01").text
    assert "（DRGs）" in text and "65%" in text and "互联网+" in text and "，" in text


@pytest.mark.parametrize("plan_id", PLAN_IDS)
def test_changes_are_placed_and_ordered(plan_id):
    result = normalised(plan_id)
    placed = [c for c in result.changes if c.char_start is not None]
    starts = [c.char_start for c in placed]
    assert starts == sorted(starts)
    for change in placed:
        assert 0 <= change.char_start < change.char_end <= len(result.text)
        others = [o for o in placed if o is not change and o.char_start < change.char_end and
                  o.char_end > change.char_start]
        if change.status in ("repaired", "curated") and not others:
            assert result.text[change.char_start:change.char_end] == change.replacement, change
    for change in result.changes:
        if change.status == "removed":
            assert change.char_start is None and change.replacement == ""


@pytest.mark.parametrize("plan_id", PLAN_IDS)
def test_normalisation_is_deterministic_and_idempotent(plan_id):
    again = normalise.run(plan(plan_id).raw_text, plan(plan_id).text_corrections())
    assert again == normalised(plan_id)
    first = uncorrected(plan_id).text
    assert normalise.run(first).text == first
    corrected = normalised(plan_id).text
    assert normalise.run(corrected).text == corrected


@pytest.mark.parametrize("plan_id", PLAN_IDS)
def test_every_character_of_the_plan_body_survives(plan_id):
    removed = {c.original for c in uncorrected(plan_id).changes
               if c.status == "removed" and c.kind in ("chrome", "spam")}
    expected: Counter = Counter()
    for line in plan(plan_id).raw_text.splitlines():
        if not line.strip() or line.strip() in removed:
            continue
        for run in reversed(garble.find_runs(line)):  # damaged text is replaced by its correction
            line = line[:run.start] + line[run.end:]
        plain = spam.lexicon().token.sub("", script.plain_view(line))
        expected.update(cjk_chars(plain))
    missing = expected - Counter(cjk_chars(normalised(plan_id).text))
    assert not missing
