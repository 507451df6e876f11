"""Read a mention that names bodies by function and level (县级政府, 财政部门, 各公立医院) as one collective body.

The id scheme (documented in src/yigai/data/agency_aliases.yml and in the agency_id field of fields.yml):

    <admin_code>-<function>-<collective>       330000-government-counties: every county government of Zhejiang

A mention is read as [全省/所有 …][division][scope word]<noun>, matched whole; see `parse`. The result is either a
collective (a Collective with its id and canonical Chinese name), or the plan's own body of that function (a scope
of the plan's own level, or a department's noun without scope in a county's plan), or None when the words do not
name a function and level this way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources as importlib_resources


from yigai import divisions, yamlio
from yigai.divisions import Division

ALIAS_FILE = "data/agency_aliases.yml"
LEVELS = {"province": 0, "prefecture": 1, "county": 2}
SCOPE_LEVELS = {"prefectures": 1, "counties": 2, "districts": 2, "townships": 3}
FILLERS = re.compile(r"^(?:全省|全市|全区|全县|全州|全旗|本省|本市|本区|本县|我省|我市|我区|我县|所有|全部|各类|其他|其它|其余|"
                     r"(?:紧密型)?(?:医共体|医联体|医疗集团)内|县域内|区域内|辖区内?|政府办的?|政府举办的|公办)+")
BRACKETS = str.maketrans("〔〕【】", "（）（）")   # 各区〔市、县〕 is written like 各区（市、县）
TRAILING = re.compile(r"[(（][^()（）]{1,10}[)）]$")


@dataclass(frozen=True)
class Noun:
    """A noun of a collective mention: the function it names, its canonical words, and what kind of body it is."""

    function: str
    zh: str
    institution: bool = False
    scope: str | None = None


@dataclass(frozen=True)
class Rules:
    """The collective rules of agency_aliases.yml."""

    scopes: dict[str, str]                 # scope word → scope
    scope_zh: dict[str, tuple[str, str]]   # scope → (words for departments, words for institutions)
    prefecture_counties: tuple[str, ...]
    nouns: dict[str, Noun]                 # noun word → noun


@dataclass(frozen=True)
class Collective:
    """What a collective mention names.

    Attributes:
        admin_code: the jurisdiction whose bodies are meant.
        function: code list `function`.
        scope: one of the documented collective suffixes, or None for the jurisdiction's own body.
        name: canonical Chinese name (浙江省各县级人民政府), or the own body's generic name (某省卫生健康行政部门).
    """

    admin_code: str
    function: str
    scope: str | None
    name: str

    @property
    def agency_id(self) -> str:
        """<admin_code>-<function>-<scope>, or <admin_code>-<function> for the jurisdiction's own body."""
        return f"{self.admin_code}-{self.function}" + (f"-{self.scope}" if self.scope else "")


@lru_cache(maxsize=1)
def rules() -> Rules:
    """Load the collective rules (src/yigai/data/agency_aliases.yml, key `collectives`)."""
    data = yamlio.safe_load(importlib_resources.files("yigai").joinpath(ALIAS_FILE).read_text(encoding="utf-8"))
    section = data["collectives"]
    scopes, scope_zh = {}, {}
    for scope, spec in section["scopes"].items():
        scope_zh[scope] = (spec["zh"], spec.get("zh_institutions", spec["zh"]))
        for word in spec["words"]:
            scopes[str(word)] = scope
    nouns = {}
    for spec in section["nouns"]:
        noun = Noun(spec["function"], spec["zh"], bool(spec.get("institution")), spec.get("scope"))
        for word in spec["words"]:
            nouns[str(word)] = noun
    return Rules(scopes, scope_zh, tuple(section.get("prefecture_counties") or ()), nouns)


def within(code: str, jurisdiction: Division) -> bool:
    """True when division `code` is the jurisdiction or lies inside it."""
    prefix = {"province": 2, "prefecture": 4, "county": 6}[jurisdiction.level]
    return code[:prefix] == jurisdiction.code[:prefix]


@lru_cache(maxsize=2)
def _word_index(kind: str) -> tuple[frozenset[str], tuple[int, ...]]:
    """The words of a kind ("scopes" or "prefecture_counties") and their lengths, longest first."""
    table = rules()
    words = frozenset(table.scopes if kind == "scopes" else table.prefecture_counties)
    return words, tuple(sorted({len(word) for word in words}, reverse=True))


def _longest(kind: str, text: str) -> str | None:
    """The longest word of a kind that `text` opens with (None when none does).

    Of each length at most one word can open the text (text[:length]), so one set lookup per length finds it.
    """
    words, lengths = _word_index(kind)
    for length in lengths:
        if length <= len(text) and text[:length] in words:
            return text[:length]
    return None


def parse(mention: str, jurisdiction: Division) -> Collective | None:
    """Read a mention as a collective body of the jurisdiction (or of a division inside it it names first)."""
    table = rules()
    rest = FILLERS.sub("", mention.translate(BRACKETS))
    rest = TRAILING.sub("", rest) if TRAILING.search(rest) and rest[:TRAILING.search(rest).start()] else rest
    division = jurisdiction
    found = divisions.find_in(rest) if rest[:1] not in ("各", "县", "市", "区", "乡", "镇") else []
    if found:
        if not within(found[-1].code, jurisdiction):
            return None
        division = found[-1]
        rest = FILLERS.sub("", rest[sum(len(d.name) for d in found):])
    word = _longest("prefecture_counties", rest) if division.level == "prefecture" else None
    scope = "counties" if word else None
    if word is None:
        word = _longest("scopes", rest)
        scope = table.scopes[word] if word else None
        if scope == "prefectures" and division.level == "prefecture" and word.startswith("各市"):
            scope = "counties"
    rest = FILLERS.sub("", rest[len(word):]) if word else rest
    noun = table.nouns.get(rest)
    if noun is None:
        if rest or scope not in ("local", "prefectures", "counties", "districts", "townships"):
            return None
        noun = table.nouns["政府"]
    return _resolve(noun, scope, division, bool(word))


def _resolve(noun: Noun, scope: str | None, division: Division, worded: bool) -> Collective | None:
    """Decide the collective (or own body) a noun with a scope names in a division."""
    level = LEVELS[division.level]
    if scope is None:
        scope = noun.scope
    if scope is None:
        if noun.function == "government" or (not noun.institution and division.level == "county"):
            return _own(noun, division) if noun.function != "government" else None
        scope = "all"
    if scope in ("tertiary", "secondary", "lead") and not noun.institution:
        return None
    if scope == "local" and level >= 2:
        return None
    if scope in SCOPE_LEVELS:
        wanted = SCOPE_LEVELS[scope]
        if wanted < level or (scope == "districts" and division.level != "prefecture"):
            return None
        if wanted == level:
            return Collective(division.code, noun.function, "all", _name(noun, "all", division)) \
                if noun.institution else _own(noun, division)
    if not worded and scope == "all" and noun.function == "government":
        return None
    return Collective(division.code, noun.function, scope, _name(noun, scope, division))


def _own(noun: Noun, division: Division) -> Collective:
    return Collective(division.code, noun.function, None, division.full_name + noun.zh)


def _name(noun: Noun, scope: str, division: Division) -> str:
    departments, institutions = rules().scope_zh.get(scope, ("各", "各"))
    if scope == "lead":
        return f"{division.full_name}各{noun.zh}"
    return f"{division.full_name}{institutions if noun.institution else departments}{noun.zh}"


def suffixes() -> tuple[str, ...]:
    """The collective suffixes of agency ids, in the order documented."""
    return tuple(rules().scope_zh) + ("lead",)
