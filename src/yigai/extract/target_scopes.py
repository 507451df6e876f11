"""Who a target applies to: per-region lists, 每个/各 scopes and listed populations.

A target's scope is the sub-area, institution type or population its figure binds, when that is narrower than the
plan's jurisdiction: 甲市达到65% (a region opening the clause), 每个专科联盟… / 各市（州）… (a 每个/各 phrase, which
carries to the later clauses of its sentence unless they open with a subject of their own; a per-capita
denominator such as 每千人口 or a frequency such as 每年 is part of the indicator, not a scope, and a 各 phrase naming
bodies — 各市、区人民政府 — says who acts, not what the figure applies to), 一般人群和重点人群…分别达到40%68% (listed
items paired with the figures), 重点人群签约服务覆盖率 (a population opening the indicator), 2000次/站 (a per-unit
figure → 每站).
"""

from __future__ import annotations

import re

from yigai import divisions

CJK = r"\u3400-\u9fff"
SUFFIX = r"(?:自治州|自治县|自治区|地区|新区|林区|省|市|州|县|区|旗|盟)"
REGION_LIST = re.compile(rf"^(?P<items>(?:[{CJK}]{{2,8}}(?:、|和|及))*[{CJK}]{{1,7}}{SUFFIX})(?:要|应|均|都)?$")
EACH = re.compile(rf"(?:每个|每一个|各个|每(?![千万百十]+(?:人|名|常住|户籍|居民)|年|半年|季|月|周|天|日)|各)(?![级类项种方部有相])"
                  rf"(?:(?![要应将把在对按均都须需的和])[{CJK}]){{0,12}}"
                  r"(?:地级以上市|地级市|联盟|医院|机构|中心|卫生院|医共体|医联体|集团|团队|县|市|区|州|盟|旗|乡镇|街镇|街道|"
                  r"社区|村|卫生室|站|院|所|单位|科室|学校|园区|片区|网格)(?:[(（][^()（）]{1,12}[)）](?:县|市|区)?)?"
                  r"(?![域内级场民、(（])")
# Words after a 各 phrase that make it the name of bodies (各市州卫生健康委要…, 各区人民政府要…): who acts, not a scope.
BODY_AFTER = re.compile(r"[州市县区]?(?:人民政府|政府|党委|卫生|财政|医保|医疗保障|发展|人力|编制|民政|教育|部门|[委局办厅])")


def each(folded: str, start: int, end: int) -> list[re.Match]:
    """The 每/各 phrases in folded[start:end] that say what a figure applies to (not bodies named as actors)."""
    if not _may_hold_each(folded, start, end):
        return []
    return [match for match in EACH.finditer(folded, start, end) if not BODY_AFTER.match(folded, match.end())]


def first_each(folded: str, start: int, end: int) -> re.Match | None:
    """The first of `each`, or None."""
    if not _may_hold_each(folded, start, end):
        return None
    for match in EACH.finditer(folded, start, end):
        if not BODY_AFTER.match(folded, match.end()):
            return match
    return None


def _may_hold_each(folded: str, start: int, end: int) -> bool:
    """False when folded[start:end] holds no 每/各 phrase: every match of EACH begins with 每 or 各."""
    return folded.find("每", start, end) >= 0 or folded.find("各", start, end) >= 0


# A clause opening with its own whole-area, regional or per-capita subject, or with a verb of building (a new
# statement), does not take a 每/各 scope from an earlier clause.
OWN_SCOPE = re.compile(r"[,，;；、\s]*(?:人均|每千人口|每万人口|每十万人口|全(?:市|省|区|县|州)|总|县域|市域|区域|辖区|居民|城乡|"
                       r"新增|新建|新设|增设|建成|建设|组建|创建|配备|配置|培养|培训|引进|招收|招聘|开展|完成)")
POPULATION = re.compile(rf"^[{CJK}]{{1,4}}人群")


def regions(subject: str) -> list[str]:
    """The regions of a per-region list subject (海西州、海南州、黄南州 → three names), or []."""
    match = REGION_LIST.match(subject)
    if not match or subject.startswith(("全", "各", "本", "我", "每")):
        return []
    items = [item for item in re.split(r"、|和|及", match.group("items")) if item]
    suffix = re.search(SUFFIX + "$", items[-1]).group()
    return [item + suffix if not item.endswith(suffix) and is_division(item + suffix) else item for item in items]


def is_division(name: str) -> bool:
    """True when `name` is the full name of a division (梅州市), so that 梅州 in "梅州、云浮市" means it."""
    found = divisions.find_in(name)
    return bool(found) and found[-1].name == name


def distribute(subject: str, count: int) -> tuple[list[str], str] | None:
    """Split "一般人群和重点人群签约率" into the listed scopes and the indicator when it names `count` items."""
    items = re.split(r"、|和|与|及", subject)
    if len(items) != count or not all(items):
        return None
    first, last = items[0], items[-1]
    cut = None
    for size in (2, 1):
        ending = first[-size:]
        position = last.find(ending)
        if len(first) > size and position >= 0:
            cut = position + size
            break
    if cut is None:
        cut = min(len(first), len(last))
    indicator = last[cut:]
    return (items[:-1] + [last[:cut]], indicator) if indicator else None
