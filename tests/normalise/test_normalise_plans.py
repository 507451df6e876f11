"""Acceptance on the committed plans: what every published normalised text must not contain, and what a careful
reader expects of each (tests/expected/plans/<plan_id>.yml)."""

from __future__ import annotations

from collections import Counter

import expectations
import pytest

from normalise_plans import PLAN_IDS, normalised, plan, uncorrected
from yigai import normalise
from yigai.normalise import chrome, garble, script, spam
from yigai.normalise.text import cjk_chars

TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ"


@pytest.mark.plans
@pytest.mark.parametrize("plan_id", PLAN_IDS)
def test_no_spam_remains(plan_id):
    assert not spam.lexicon().token.search(normalised(plan_id).text)


@pytest.mark.plans
@pytest.mark.parametrize("plan_id", PLAN_IDS)
def test_no_traditional_character_remains(plan_id):
    text = normalised(plan_id).text
    assert script.to_simplified(text) == text


@pytest.mark.plans
@pytest.mark.parametrize("plan_id", PLAN_IDS)
def test_no_pinyin_remains(plan_id):
    text = normalised(plan_id).text
    assert script.pinyin_spans(text) == []
    assert not any(ch in TONED for ch in text)


@pytest.mark.plans
@pytest.mark.parametrize("plan_id", PLAN_IDS)
def test_no_chrome_line_remains(plan_id):
    for line in normalised(plan_id).text.split("\n"):
        assert chrome.classify(line) is None and spam.classify(line) is None, line


@pytest.mark.parametrize("plan_id", expectations.plans_with("normalised"))
def test_the_published_text_reads_as_a_careful_reader_expects(plan_id):
    expected = expectations.load(plan_id)["normalised"]
    text = normalised(plan_id).text
    if "text" in expected:
        assert expectations.matches(text, expected["text"])
    for line in expected.get("lines") or []:
        assert line in text.split("\n")
    if expected.get("repaired"):
        assert not any("\ue000" <= ch <= "\uf8ff" for ch in text)
        assert garble.find_runs(text) == []
    if "text_corrections" in expected:
        assert len(plan(plan_id).text_corrections()) == expected["text_corrections"]


@pytest.mark.parametrize("plan_id", expectations.plans_with("normalised.uncorrected_flags"))
def test_damage_is_flagged_until_corrected(plan_id):
    changes = uncorrected(plan_id).changes
    for kind, want in expectations.load(plan_id)["normalised"]["uncorrected_flags"].items():
        found = [c for c in changes if c.kind == kind]
        if isinstance(want, int):
            assert len(found) == want, kind
        else:
            assert [c.original for c in found] == want, kind
            assert all(c.status == "flagged" for c in found), kind


@pytest.mark.plans
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


@pytest.mark.plans
@pytest.mark.parametrize("plan_id", PLAN_IDS)
def test_normalisation_is_deterministic_and_idempotent(plan_id):
    again = normalise.run(plan(plan_id).raw_text, plan(plan_id).text_corrections())
    assert again == normalised(plan_id)
    first = uncorrected(plan_id).text
    assert normalise.run(first).text == first
    corrected = normalised(plan_id).text
    assert normalise.run(corrected).text == corrected


@pytest.mark.plans
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
