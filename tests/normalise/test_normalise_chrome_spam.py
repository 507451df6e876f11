"""Site chrome and injected spam are removed; spam that overwrote 关于 becomes 关于 again."""

from __future__ import annotations

import re

import pytest

from yigai import normalise
from yigai.normalise import chrome, spam


def kinds(result):
    return [(c.kind, c.status) for c in result.changes]


@pytest.mark.parametrize("line", [
    "您现在的位置:首页 > 政务公开 > 政府文件",
    "当前位置：首页 > 信息公开",
    "首页>政策>政策文件>市政府办公室文件",
    "关闭本页】 【打印本页】 【返回顶部",
    "【打印】【关闭】",
    "扫一扫在手机打开当前页",
    "相关稿件",
    "浏览次数:866",
    "更新时间: 2024-01-11 17:34:00",
])
def test_chrome_lines_are_recognised(line):
    assert chrome.classify(line)


@pytest.mark.parametrize("line", [
    "文号: 温鹿政发〔2017〕18号 发布机构: 鹿城区人民政府办公室",
    "索引号: 00823240-4/2024-08277",
    "成文日期: 2024-01-09",
    "发布日期: 2024-01-11",
    "生成日期: 2023-12-07",
    "标题: 关于印发实施方案的通知",
    "信息分类: 卫健、妇女儿童、体育 / 重点工作 / 通知",
    "覆盖率>90%,门诊量>10万人次",
    "(一)加强组织领导。",
    "位置:市中心",
    "家庭医生每年访问2次,阅读3次",
])
def test_fact_lines_and_body_text_are_not_chrome(line):
    assert chrome.classify(line) is None


def test_chrome_is_removed_with_the_section_name_that_repeats_the_trail():
    result = normalise.run("当前位置:首页 > 信息 > 政声传递\n\n政声传递\n\n关于印发方案的通知\n浏览次数:866\n正文。")
    assert result.text == "关于印发方案的通知\n正文。"
    assert kinds(result) == [("chrome", "removed")] * 3
    assert all(c.char_start is None for c in result.changes)


def test_a_counter_inside_a_line_is_removed():
    result = normalise.run("发布日期: 2017-06-30 浏览次数: 866 次")
    assert result.text == "发布日期: 2017-06-30"


def test_spam_lists_are_removed():
    titles = "做受视频国产免费观看|青椒午夜剧场重磅影院|欧美精品卡一卡2卡3卡|国产精品香港三级国产AV下载"
    places = "图们市| 大荔县| 唐河县| 临安市| 寿光市| 达日县| 黔西|"
    assert spam.classify(titles) and spam.classify(places)
    assert normalise.run(f"{titles}\n\n正文。\n\n{places}").text == "正文。"


@pytest.mark.parametrize("line", [
    "序号|工作任务|牵头部门|完成时间",
    "南京市|苏州市",
    "各区人民政府,育才生态区管委会,市各有关单位:",
])
def test_ordinary_lines_are_not_spam(line):
    assert spam.classify(line) is None


@pytest.mark.parametrize(("raw", "expected"), [
    ("三亚市人民政府办公室金牌娱乐,金牌娱乐平台印发《实施方案》的通知", "三亚市人民政府办公室关于印发《实施方案》的通知"),
    ("落实总书记金牌娱乐,金牌娱乐平台深化医药卫生体制改革的重要指示", "落实总书记关于深化医药卫生体制改革的重要指示"),
    ("根据《国务院办公厅金牌娱乐,金牌娱乐平台推动公立医院高质量发展的意见》", "根据《国务院办公厅关于推动公立医院高质量发展的意见》"),
    ("三亚市人民政府办公室\n\n金牌娱乐,金牌娱乐平台印发《公立医院改革》的通知", "三亚市人民政府办公室\n\n关于印发《公立医院改革》的通知"),
])
def test_spam_where_guanyu_belonged_becomes_guanyu(raw, expected):
    result = normalise.run(raw)
    assert result.text == expected
    change = next(c for c in result.changes if c.kind == "spam")
    assert (change.status, change.replacement) == ("repaired", "关于")
    assert result.text[change.char_start:change.char_end] == "关于"
    assert "关于" in change.reason


def test_other_spam_is_removed():
    result = normalise.run("加强医院管理,足球彩票提高服务质量。")
    assert result.text == "加强医院管理,提高服务质量。"
    assert kinds(result) == [("spam", "removed")]


def test_spam_in_place_of_a_signing_body_is_flagged():
    raw = "请认真组织实施。\n\n足球彩票-足球竞彩-足彩网\n\n南京市发展和改革委员会\n\n2023年12月7日"
    result = normalise.run(raw)
    assert "足球" not in result.text
    assert kinds(result) == [("spam", "removed"), ("issuer-overwritten", "flagged")]


def test_spam_as_the_issuing_body_field_is_flagged():
    result = normalise.run("发布机构:    足球彩票-足球竞彩-足彩网 生成日期:    2023-12-07")
    assert result.text == "发布机构: 生成日期: 2023-12-07"
    assert ("issuer-overwritten", "flagged") in kinds(result)


def test_a_spam_line_at_the_top_of_the_page_is_not_an_issuer():
    result = normalise.run("足球彩票\n\n索引号: 012948253/2023-104966\n\n正文。")
    assert kinds(result) == [("spam", "removed")]


def test_the_lexicon_is_shipped_and_compiles():
    lex = spam.lexicon()
    assert "金牌娱乐平台" in lex.terms and "印发" in lex.about_verbs
    assert lex.token.fullmatch("金牌娱乐,金牌娱乐平台") and lex.token.fullmatch("足球彩票-足球竞彩-足彩网")
    assert not re.search(lex.token, "深化医药卫生体制改革,加强娱乐场所卫生监管")
