"""Properties of normalisation on generated text: idempotent, deterministic, and never losing a character."""

from __future__ import annotations

from collections import Counter
from functools import lru_cache

import opencc
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from yigai import normalise
from yigai.normalise import gbk
from yigai.normalise.text import cjk_chars

ADDED_BY_DATE_REPAIRS = frozenset("年月日")


@lru_cache(maxsize=1)
def same_in_both_scripts() -> list[str]:
    """Common CJK characters that simplified and traditional Chinese write alike (conversion leaves them)."""
    t2s, s2t = opencc.OpenCC("t2s"), opencc.OpenCC("s2t")
    return sorted(ch for ch in gbk.common_characters()
                  if "\u4e00" <= ch <= "\u9fff" and t2s.convert(ch) == ch and s2t.convert(ch) == ch)


WORDS = ["关于", "印发", "实施方案", "的通知", "工作任务", "人民政府", "办公室", "2017", "3月", "29", "〔2016", "〕",
         "26号", "年", "月", "日", "(一)", "一、", "１．", "６５％", "ＤＲＧｓ", "附件:", "索 引 号:", "实 施 方 案"]
PUNCTUATION = list("，。：；（）、《》“”,.:;()?-%+") + [" ", "  ", "\u3000", "\n", "\n\n", "\t"]


def document(characters: list[str], extra: list[str]) -> st.SearchStrategy[str]:
    pieces = st.one_of(st.sampled_from(characters), st.sampled_from(extra), st.sampled_from(list("0123456789abcXYZ")))
    return st.lists(pieces, max_size=60).map("".join)


_SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@_SETTINGS
@given(st.data())
def test_normalisation_is_idempotent(data):
    raw = data.draw(document(same_in_both_scripts()[:400], WORDS + PUNCTUATION + ["|", ">", "医?疗", "〔20235号"]))
    once = normalise.run(raw)
    assert normalise.run(once.text).text == once.text
    assert normalise.run(raw) == once


@_SETTINGS
@given(st.data())
def test_no_character_of_a_simplified_document_is_dropped(data):
    raw = data.draw(document(same_in_both_scripts(), WORDS + PUNCTUATION))
    before, after = Counter(cjk_chars(raw)), Counter(cjk_chars(normalise.run(raw).text))
    assert not before - after
    assert set(after - before) <= ADDED_BY_DATE_REPAIRS


@_SETTINGS
@given(st.data())
def test_every_change_is_placed_on_the_final_text(data):
    raw = data.draw(document(same_in_both_scripts()[:400], WORDS + PUNCTUATION))
    result = normalise.run(raw)
    placed = [c for c in result.changes if c.char_start is not None]
    assert [c.char_start for c in placed] == sorted(c.char_start for c in placed)
    for change in placed:
        assert 0 <= change.char_start < change.char_end <= len(result.text)
        overlapping = [o for o in placed if o is not change and o.char_start < change.char_end
                       and o.char_end > change.char_start]
        if change.status == "repaired" and not overlapping:
            assert result.text[change.char_start:change.char_end] == change.replacement
