"""Inline pinyin annotations are removed and traditional characters converted to simplified ones."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from yigai import normalise
from yigai.normalise import script

from conftest import SOURCES


def test_pinyin_annotations_are_removed_and_characters_simplified():
    result = normalise.run("廣東省人民政府辦公廳關(guān)于印發(fā)")
    assert result.text == "广东省人民政府办公厅关于印发"


def test_only_toned_pinyin_syllables_count_as_annotations():
    assert script.is_pinyin("guān") and script.is_pinyin("lǜ") and script.is_pinyin("zhuǎn")
    for content in ("DRGs", "a", "e", "abc", "xyzā", "一"):
        assert not script.is_pinyin(content)


def test_real_parenthesised_content_is_kept():
    text = "疾病诊断相关组(DRGs)、(一)、(含中西医结合医院)、(a)、(所)"
    assert normalise.run(text).text == text


def test_simplified_text_is_left_as_is():
    text = "广东省推进医疗联合体建设和发展的实施方案,后来里面著作干部"
    assert script.to_simplified(text) == text
    assert normalise.run(text).changes == []


def test_each_line_reports_its_conversion_and_its_annotations():
    result = normalise.run("醫(yī)療服務(wù)\n\n總結(jié)經驗")
    kinds = [(c.kind, c.status) for c in result.changes]
    assert kinds == [("script", "repaired"), ("pinyin", "removed"), ("script", "repaired"), ("pinyin", "removed")]
    first = result.changes[0]
    assert (first.original, first.replacement) == ("醫療服務", "医疗服务")
    assert result.text[first.char_start:first.char_end] == "医疗服务"
    assert result.changes[1].original == "(yī) (wù)" and result.changes[1].char_start is None


def test_plain_view_is_for_recognising_chrome():
    assert script.plain_view("當(dāng)前位置:首頁") == "当前位置:首页"


def test_lines_converted_together_are_converted_as_each_alone():
    lines = [line for path in sorted(SOURCES.glob("*/raw.txt")) for line in path.read_text(encoding="utf-8").split("\n")]
    lines += ["關(guān)于", "乾隆皇帝", "", "后", "著作", "干部乾坤"]
    assert script.lines_to_simplified(lines) == [script.to_simplified(line) for line in lines]
    assert script.lines_to_simplified([]) == []


def test_plain_views_worked_out_together_are_those_worked_out_alone():
    lines = ["當(dāng)前位置:首頁", "广东省", "關(guān)於 (guān)", "首頁 > 政務公開"]
    script.forget_views()
    script.view_lines(lines)
    together = [script.plain_view(line) for line in lines]
    script.forget_views()
    assert together == [script.to_simplified(script.strip_pinyin(line)) for line in lines]


def test_the_syllable_set_is_what_the_syllable_pattern_matches():
    assert all(script._SYLLABLE.fullmatch(syllable) for syllable in script._SYLLABLES)
    letters = "abcdefghijklmnopqrstuvwxyz"
    for first in letters:
        for second in letters + "":
            for rest in ("", "a", "n", "ng", "ang", "ian", "iang", "uang", "ong", "i", "u", "o", "e", "r"):
                text = first + second + rest
                assert (script._SYLLABLE.fullmatch(text) is not None) == (text in script._SYLLABLES), text


@given(st.text(alphabet="abcdeghijklmnopqrstuvwxyzü" + script._TONED + "Ü一(", max_size=8))
@settings(max_examples=500, deadline=None)
def test_is_pinyin_reads_syllables_as_the_syllable_pattern_does(content):
    expected = any(ch in script._TONED for ch in content) and \
        bool(script._SYLLABLE.fullmatch(script._toneless(content)))
    assert script.is_pinyin(content) == expected


_LINE_PIECES = st.sampled_from(["關", "(guān)", "（fā）", "(a)", "(", ")", "　", " ", "\t", "gu", "ān", "（", "）", "x"])


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(_LINE_PIECES, max_size=12).map("".join), max_size=6))
def test_spans_remembered_by_view_lines_are_the_spans_of_each_line(texts):
    """The script pass takes the pinyin spans view_lines remembered: they must be pinyin_spans of each line."""
    script.forget_views()
    script.view_lines([text.strip() for text in texts if text.strip()])
    for text in texts:
        assert script._spans_of_line(text) == script.pinyin_spans(text)
    script.forget_views()
