"""English names: jurisdictions in official pinyin form, agencies from their function's documented body types."""

from __future__ import annotations

import csv
import re

import pytest

from yigai import divisions, english, metadata, registry as registry_module, sources

from conftest import SOURCES

LATIN = re.compile(r"[A-Za-zÜüÊê' ,\-]+")


@pytest.mark.parametrize("stem, expected", [
    ("西湖", "Xihu"), ("西安", "Xi'an"), ("吕梁", "Lüliang"), ("长治", "Changzhi"), ("成都", "Chengdu"),
    ("朝阳", "Chaoyang"), ("乌鲁木齐", "Ürümqi"), ("洪洞", "Hongtong"),
])
def test_pinyin_follows_the_official_spelling_rules(stem, expected):
    assert english.pinyin(stem) == expected


@pytest.mark.parametrize("code, expected", [
    ("330000", "Zhejiang Province"), ("330100", "Hangzhou City"), ("330106", "Xihu District, Hangzhou"),
    ("110105", "Chaoyang District, Beijing"), ("610000", "Shaanxi Province"), ("150000",
                                                                               "Inner Mongolia Autonomous Region"),
    ("433100", "Xiangxi Tujia and Miao Autonomous Prefecture"), ("469002", "Qionghai City, Hainan"),
])
def test_jurisdictions_are_named_in_pinyin_with_their_suffix(code, expected):
    assert english.jurisdiction_en(code) == expected


def test_every_division_gets_a_latin_name():
    names = divisions._names()  # noqa: SLF001 - the whole division table
    for code, name in names.items():
        if "直辖" in name:
            continue
        assert LATIN.fullmatch(english.jurisdiction_en(code)), (code, name)


@pytest.mark.parametrize("agency_id, name, code, function, expected", [
    ("330106-health", "杭州市西湖区卫生健康局", "330106", "health", "Health Bureau of Xihu District, Hangzhou"),
    ("330100-staffing", "中共杭州市委机构编制委员会办公室", "330100", "staffing",
     "Institutional Staffing Commission Office of the CPC Committee of Hangzhou City"),
    ("330100-government-districts", "杭州市各区人民政府", "330100", "government",
     "District people's governments of Hangzhou City"),
    ("330000-government-counties", "浙江省各县（市、区）人民政府", "330000", "government",
     "County-level people's governments of Zhejiang Province"),
    ("330000-health-prefectures", "浙江省各市卫生健康行政部门", "330000", "health",
     "Prefecture-level health authorities of Zhejiang Province"),
    ("330000-medical-institution-secondary", "浙江省各二级以上医疗机构", "330000", "medical-institution",
     "Secondary and higher-level medical institutions of Zhejiang Province"),
    ("330000-hospital-secondary", "浙江省各二级公立医院", "330000", "hospital",
     "Secondary public hospitals of Zhejiang Province"),
    ("330000-medical-alliance-lead", "浙江省各医疗联合体牵头医院", "330000", "medical-alliance",
     "Lead hospitals of all medical alliances of Zhejiang Province"),
    ("330521-healthcare-security", "湖州市德清县医疗保障分局", "330521", "healthcare-security",
     "Healthcare Security Sub-bureau of Deqing County, Huzhou"),
    ("330106-primary-care", "杭州市西湖区社区卫生服务中心", "330106", "primary-care",
     "Community Health Service Center of Xihu District, Hangzhou"),
    ("120000-government-binhai", "天津滨海新区管理委员会", "120000", "government",
     "Management Committee of Binhai New Area, Tianjin"),
    ("330100-organisation-work-committee", "中共杭州市直属机关工作委员会", "330100", "organisation",
     "CPC Work Committee for Directly Affiliated Organs of Hangzhou City"),
])
def test_agency_names_are_built_from_body_type_and_jurisdiction(agency_id, name, code, function, expected):
    built = english.agency_name(agency_id, name, code, function)
    assert built == english.AgencyName(expected, complete=True)


def test_an_unknown_body_type_falls_back_to_the_function_and_says_so():
    built = english.agency_name("330100-health-2", "杭州市某某所", "330100", "health")
    assert built == english.AgencyName("Health Authority of Hangzhou City", complete=False)


def test_every_registry_agency_has_a_complete_and_unique_english_name():
    registry = registry_module.load(SOURCES / sources.REGISTRY_FILE)
    built = {a.agency_id: english.agency_name(a.agency_id, a.name, a.admin_code, a.function)
             for a in registry.agencies.values()}
    assert all(b.complete for b in built.values()), [i for i, b in built.items() if not b.complete]
    assert len({b.name_en for b in built.values()}) == len(built)
    assert all(LATIN.fullmatch(b.name_en) for b in built.values())


def test_every_function_code_has_body_types_documented():
    table = english._data("functions_en.yml")["functions"]  # noqa: SLF001
    assert set(table) == set(metadata.enum_values("function"))
    assert all(spec["default"] and spec["plural"] for spec in table.values())


def test_every_collective_suffix_of_the_id_scheme_has_an_english_template():
    from yigai.extract import collectives

    templates = english._names()["collective_ids"]  # noqa: SLF001
    assert set(collectives.suffixes()) <= set(templates)
    assert all("{plural}" in t and "{place}" in t for t in templates.values())


def test_a_single_body_whose_id_suffix_is_not_a_collective_is_named_as_one_body():
    built = english.agency_name("330100-government-binhai", "杭州市滨海管理委员会", "330100", "government")
    assert english.collective_suffix("330100-government-binhai", "330100", "government") is None
    assert built.name_en.startswith("Management Committee")


def test_the_published_agencies_have_english_names(built_package):
    with open(built_package / "data" / "agencies.csv", encoding="utf-8", newline="") as handle:
        agencies = list(csv.DictReader(handle))
    assert agencies and all(LATIN.fullmatch(a["agency_name_en"]) for a in agencies)
