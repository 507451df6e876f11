"""Layout: line endings, invisible characters, white space, letter-spaced words and titles broken over lines."""

from __future__ import annotations

import pytest

from yigai import normalise


def test_line_endings_white_space_and_blank_lines_are_tidied():
    raw = "\r\n  标题  \r\n\r\n\r\n\r\n第一段\u3000\u3000内容。\t \r\n\u00a0\n第二段。  \n\n"
    result = normalise.run(raw)
    assert result.text == "标题\n\n第一段 内容。\n\n第二段。"
    assert result.changes == []  # white space carries no content and is not reported


def test_invisible_characters_are_removed_and_reported():
    result = normalise.run("医疗\u200b服务\ufeff\x07\nDRGs \ufffd")
    assert result.text == "医疗服务\nDRGs"
    assert [(c.kind, c.status) for c in result.changes] == [("invisible", "removed")] * 3


def test_a_replacement_character_in_chinese_text_is_flagged_as_damage():
    result = normalise.run("医疗\ufffd服务")
    assert result.text == "医疗\ufffd服务"
    assert [(c.kind, c.status) for c in result.changes] == [("garbled-bytes", "flagged")]


@pytest.mark.parametrize(("raw", "expected"), [
    ("实 施 方 案", "实施方案"),
    ("索 引 号:    012948253/2023-104966 信息分类:    卫健", "索引号: 012948253/2023-104966 信息分类: 卫健"),
    ("文  号:     关 键 词:    深化;医药", "文号: 关键词: 深化;医药"),
    ("  • 标    题: 三亚市人民政府办公室", "• 标题: 三亚市人民政府办公室"),
    ("索 引 号 :015000185/2019-00056", "索引号 :015000185/2019-00056"),
])
def test_letter_spaced_words_are_closed_up(raw, expected):
    assert normalise.run(raw).text == expected


def test_spaced_words_of_ordinary_text_are_kept():
    text = "区卫计局 区财政局\n\n甲 乙"
    assert normalise.run(text).text == text


@pytest.mark.parametrize(("raw", "expected"), [
    ("鹿城区深化医药卫生体制综合改革先行先试\n\n实 施 方 案", "鹿城区深化医药卫生体制综合改革先行先试实施方案"),
    ("2023年下半年全市深化医药卫生\n\n体制改革重点工作任务", "2023年下半年全市深化医药卫生体制改革重点工作任务"),
    ("附件:温州市鹿城区深化医药卫生体制综合改革先行先试\n\n重点工作分解表",
     "附件:温州市鹿城区深化医药卫生体制综合改革先行先试重点工作分解表"),
    ("青海省人民政府办公厅\n关于印发青海省深化县域综合医改暨\n紧密型医疗服务共同体建设实施方案的通知",
     "青海省人民政府办公厅\n关于印发青海省深化县域综合医改暨紧密型医疗服务共同体建设实施方案的通知"),
    ("(此件主动公开)\n\n三亚市公立医院改革\n\n与高质量发展示范项目实施方案",
     "(此件主动公开)\n\n三亚市公立医院改革与高质量发展示范项目实施方案"),
])
def test_titles_broken_over_lines_are_joined(raw, expected):
    result = normalise.run(raw)
    assert result.text == expected
    join = [c for c in result.changes if c.original.count("\n")][-1]
    assert result.text[join.char_start:join.char_end] == join.replacement


@pytest.mark.parametrize("text", [
    "三亚市人民政府办公室\n\n关于印发《实施方案》的通知",  # a body name is not part of the title after it
    "9\n\n制定区域首诊疾病种类目录",
    "2018年底前\n\n制定改革方案",
    "区人力社保局\n\n编制工作方案",
    "(一)加强组织领导\n\n落实工作任务",
    "各区各单位要高度重视,切实加强领导\n\n工作方案",
    "三亚市人民政府办公室\n\n三亚市人民政府办公室",
])
def test_lines_that_are_not_title_fragments_stay_apart(text):
    assert normalise.run(text).text == text
