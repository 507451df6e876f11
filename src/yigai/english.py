"""English names: jurisdictions in official pinyin form and agencies from their function's documented body types.

Nothing here is machine-translated. A jurisdiction's English name is the Hanyu Pinyin of its stem (pypinyin, with
the place-name readings and exceptions of src/yigai/data/names_en.yml) and the English of its generic suffix; a
province's is the fixed name the central government uses. An agency's English name is the body type its Chinese
name ends with, from the list of its function (src/yigai/data/functions_en.yml), then "of" and its jurisdiction:
"Health Bureau of Xihu District, Hangzhou". Party bodies are named "… of the CPC Committee of
…", collective bodies by the suffix of their id ("County-level people's governments of Zhejiang Province", see
names_en.yml `collective_ids`), bodies of a new area or development zone "… of Binhai New Area,
Tianjin".
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources as importlib_resources
from typing import Any


from yigai import divisions, yamlio

_VOWEL_INITIAL = ("a", "o", "e")
_NOT_PARENTS = ("市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划")
PARTY_PREFIX = "中共"


@lru_cache(maxsize=None)
def _data(name: str) -> dict[str, Any]:
    text = importlib_resources.files("yigai").joinpath(f"data/{name}").read_text(encoding="utf-8")
    return yamlio.safe_load(text) or {}


def _names() -> dict[str, Any]:
    return _data("names_en.yml")


def _longest_first(table: dict[str, Any]) -> list[tuple[str, Any]]:
    return sorted(table.items(), key=lambda item: (-len(item[0]), item[0]))


def pinyin(stem: str) -> str:
    """The official pinyin form of a place-name stem (西湖 → Xihu, 西安 → Xi'an, 吕梁 → Lüliang).

    Syllables are joined, an apostrophe separates a syllable that starts with a, o or e from the one before it, and
    only the first letter is capitalised.
    """
    names = _names()
    if stem in (names.get("exceptions") or {}):
        return str(names["exceptions"][stem])
    from pypinyin import Style, lazy_pinyin

    readings = names.get("readings") or {}
    syllables = lazy_pinyin(stem, style=Style.NORMAL, v_to_u=True, errors=lambda chars: list(chars))
    if len(syllables) == len(stem):
        syllables = [readings.get(char, syllable) for char, syllable in zip(stem, syllables)]
    word = ""
    for syllable in syllables:
        if word and syllable[:1] in _VOWEL_INITIAL:
            word += "'"
        word += syllable
    return word[:1].upper() + word[1:]


@dataclass(frozen=True)
class _Parsed:
    stem: str
    suffix: str
    autonomous_groups: tuple[str, ...] = ()


def _parse(name: str) -> _Parsed:
    """Split a division name into its stem, generic suffix and the ethnic groups of an autonomous area."""
    names = _names()
    for suffix, _ in _longest_first(names["suffixes"]):
        if name.endswith(suffix) and len(name) > len(suffix):
            stem = name[: -len(suffix)]
            groups: list[str] = []
            if names["suffixes"][suffix].get("autonomous"):
                found = True
                while found:
                    found = False
                    for group, english in _longest_first(_ethnic_forms()):
                        if stem.endswith(group) and len(stem) > len(group):
                            groups.insert(0, english)
                            stem = stem[: -len(group)]
                            found = True
                            break
            return _Parsed(stem, suffix, tuple(groups))
    return _Parsed(name, "")


@lru_cache(maxsize=1)
def _ethnic_forms() -> dict[str, str]:
    """Ethnic group names as they occur in autonomous areas' names: 蒙古族, and without 族 when two characters or more
    remain (博尔塔拉蒙古自治州)."""
    forms = {}
    for group, english in _names()["ethnic_groups"].items():
        forms[group] = english
        if group.endswith("族") and len(group) >= 3:
            forms.setdefault(group[:-1], english)
    return forms


def _groups_text(groups: tuple[str, ...]) -> str:
    if len(groups) <= 2:
        return " and ".join(groups)
    return ", ".join(groups[:-1]) + " and " + groups[-1]


def _own_name(name: str, short: bool) -> str:
    """English of one division name without its parents (杭州市 → Hangzhou City, or Hangzhou when short)."""
    parsed = _parse(name)
    stem = pinyin(parsed.stem)
    if not parsed.suffix:
        return stem
    spec = _names()["suffixes"][parsed.suffix]
    if short and spec.get("short"):
        return stem
    parts = [stem, _groups_text(parsed.autonomous_groups), spec["en"]]
    return " ".join(p for p in parts if p)


def jurisdiction_en(code: str, short: bool = False) -> str:
    """The English name of a GB/T 2260 division, e.g. "Xihu District, Hangzhou", "Hangzhou City", "Zhejiang Province".

    Args:
        code: the six-digit division code.
        short: the form used when the division qualifies a lower one (Hangzhou, Zhejiang).

    Raises:
        KeyError: when the code is not a division.
    """
    division = divisions.get(code)
    provinces = _names()["provinces"]
    if division.level == "province":
        entry = provinces.get(code[:2])
        if entry:
            return entry["short" if short else "name"]
        return _own_name(division.name, short)
    if division.name in _NOT_PARENTS:  # the placeholder rows of municipalities (市辖区 of 北京市 …)
        return jurisdiction_en(code[:2] + "0000", short)
    own = _own_name(division.name, short)
    if division.level == "prefecture":
        return own
    parent_name = divisions._names().get(code[:4] + "00")  # noqa: SLF001 - the table of names, not a division
    if parent_name and parent_name not in _NOT_PARENTS:
        parent = jurisdiction_en(code[:4] + "00", short=True)
    else:
        parent = jurisdiction_en(code[:2] + "0000", short=True)
    return f"{own}, {parent}"


def _strip_jurisdiction(name: str, code: str) -> str:
    """The body part of an agency name: its jurisdiction's name (full, own or without suffix) removed from the front."""
    division = divisions.get(code)
    prefixes = {division.full_name, division.name, divisions.stem(division.name)}
    if division.level == "county":
        prefixes |= {division.full_name.replace(division.name, divisions.stem(division.name))}
        prefixes |= {divisions.stem(division.name)}
    for prefix in sorted(prefixes, key=len, reverse=True):
        if prefix and name.startswith(prefix):
            return name[len(prefix):]
    return name


@dataclass(frozen=True)
class AgencyName:
    """An agency's English name and whether every part of its Chinese name was accounted for."""

    name_en: str
    complete: bool


def collective_suffix(agency_id: str, admin_code: str, function: str) -> str | None:
    """The collective suffix of an agency id (<admin_code>-<function>-<suffix>), or None for a single body."""
    prefix = f"{admin_code}-{function}-"
    if not agency_id.startswith(prefix):
        return None
    suffix = agency_id[len(prefix):]
    return suffix if suffix in (_names().get("collective_ids") or {}) else None


def _collective_template(agency_id: str, name: str, admin_code: str, function: str) -> str | None:
    """The English template of a collective agency (names_en.yml `collective_ids`), or None for a single body."""
    suffix = collective_suffix(agency_id, admin_code, function)
    if suffix is None:
        return None
    if suffix == "secondary" and "以上" in name:
        suffix = "secondary-and-higher"
    return _names()["collective_ids"][suffix]


def agency_name(agency_id: str, name: str, admin_code: str, function: str) -> AgencyName:
    """Build the English name of a body (see the module docstring); `complete` is False when part of the Chinese
    name matched no documented form (the function's default body type is then used)."""
    party = name.startswith(PARTY_PREFIX)
    rest = _strip_jurisdiction(name[len(PARTY_PREFIX):] if party else name, admin_code)
    committee = party and rest.startswith("委")
    if committee:
        rest = rest[1:]
    names = _names()
    functions = _data("functions_en.yml")
    spec = (functions.get("functions") or {}).get(function) or {"default": "Government Body", "forms": {}}
    template = _collective_template(agency_id, name, admin_code, function)
    if template:
        return AgencyName(template.format(plural=spec.get("plural") or "government bodies",
                                          place=jurisdiction_en(admin_code)), complete=True)
    collective = None
    for prefix, english in _longest_first(names.get("collective") or {}):
        if rest.startswith(prefix):
            collective, rest = english, rest[len(prefix):]
            break
    body, leftover = spec["default"], rest
    for forms in (spec.get("forms") or {}, functions.get("any") or {}):
        match = next(((zh, en) for zh, en in _longest_first(forms) if rest.endswith(zh)), None)
        if match:
            body, leftover = match[1], rest[: -len(match[0])]
            break
    else:
        leftover = rest
    area = None
    if leftover:
        for suffix, english in _longest_first(names.get("areas") or {}):
            if leftover.endswith(suffix) and len(leftover) > len(suffix):
                area = f"{pinyin(leftover[: -len(suffix)])} {english}"
                leftover = ""
                break
    if area:
        place = f"{area}, {jurisdiction_en(admin_code, short=True)}"
    else:
        place = jurisdiction_en(admin_code)
    if collective:
        place = f"{collective} {place}"
    if committee:
        english = f"{body} of the CPC Committee of {place}"
    elif party:
        english = f"CPC {body} of {place}"
    else:
        english = f"{body} of {place}"
    return AgencyName(english, complete=not leftover)
