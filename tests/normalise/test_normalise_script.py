"""Inline pinyin annotations are removed and traditional characters converted to simplified ones."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import opencc
import pytest
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


def _t2s_dictionaries() -> list[Path]:
    """The dictionary files OpenCC's t2s configuration reads (normalisation and conversion chain)."""
    share = Path(opencc.__file__).parent / "clib" / "share" / "opencc"
    config = json.loads((share / "t2s.json").read_text(encoding="utf-8"))
    found = []

    def walk(node):
        if isinstance(node, dict):
            if "file" in node:
                found.append(share / node["file"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)
    walk(config)
    return found


def test_no_word_of_the_t2s_dictionaries_holds_white_space(tmp_path):
    """script._padded_view puts the white space around a line back around the view of the stripped line: this holds
    because no dictionary key holds white space (so white space is never part of a converted word)."""
    tool = Path(opencc.__file__).parent / "clib" / "bin" / "opencc_dict"
    dictionaries = _t2s_dictionaries()
    if not tool.exists() or not dictionaries:
        pytest.skip("this OpenCC build ships no opencc_dict tool to read its dictionaries")
    for dictionary in dictionaries:
        out = tmp_path / (dictionary.stem + ".txt")
        subprocess.run([str(tool), "-i", str(dictionary), "-o", str(out), "-f", "ocd2", "-t", "text"], check=True,
                       capture_output=True)
        keys = [line.split("\t")[0] for line in out.read_text(encoding="utf-8").splitlines()]
        assert keys and not [key for key in keys if not key or any(ch.isspace() for ch in key)], dictionary.name


_PADDED_PIECES = st.sampled_from(["關", "於", "乾隆", "著作", "廣東", "醫療", "体系", "(guān)", "（fā）", "　", " ", "\t",
                                  "\u00a0", "\u2003", "x", "的", "後", "髮", "面", "麵"])


@settings(max_examples=300, deadline=None)
@given(st.lists(_PADDED_PIECES, max_size=14).map("".join))
def test_the_view_of_a_padded_line_is_its_conversion(text):
    script.forget_views()
    script.view_lines([text.strip()] if text.strip() else [])
    view = script._padded_view(text)
    if text.strip():
        assert view == script.to_simplified(script.strip_pinyin(text))
    else:
        assert view is None
    script.forget_views()
