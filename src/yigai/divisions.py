"""China's administrative divisions (GB/T 2260 codes), read from the table shipped with the cpca package."""

from __future__ import annotations

import csv
import importlib.util
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

# Suffixes that end the name of a division, longest first.
_SUFFIXES = ("特别行政区", "自治州", "自治县", "自治旗", "自治区", "新区", "地区", "林区", "省", "市", "区", "县", "旗", "盟")
# Suffix-free forms that are used in prose ("西湖" for 西湖区, "杭州" for 杭州市).
_MIN_STEM = 2


@dataclass(frozen=True)
class Division:
    """One administrative division.

    Attributes:
        code: six-digit GB/T 2260 code.
        name: official short name of this level alone (西湖区).
        full_name: the name with its parent prefecture prepended for counties (杭州市西湖区); provinces and
            prefectures are named alone (浙江省, 杭州市).
        level: province | prefecture | county, from the code's structure.
    """

    code: str
    name: str
    full_name: str
    level: str

    @property
    def province_code(self) -> str:
        """Code of the province this division belongs to."""
        return self.code[:2] + "0000"

    @property
    def prefecture_code(self) -> str | None:
        """Code of the prefecture this division belongs to (None for provinces)."""
        return None if self.level == "province" else self.code[:4] + "00"

    def ancestors(self) -> list[str]:
        """Codes of this division and every division above it, nearest first."""
        codes = [self.code]
        if self.level == "county":
            codes.append(self.code[:4] + "00")
        if self.level != "province":
            codes.append(self.code[:2] + "0000")
        return codes


def level_of(code: str) -> str:
    """Return the level a GB/T 2260 code denotes (province, prefecture or county)."""
    if code.endswith("0000"):
        return "province"
    if code.endswith("00"):
        return "prefecture"
    return "county"


def _cpca_table() -> Path:
    """cpca's adcodes.csv, found without importing cpca (whose import is slow and not needed to read the table)."""
    spec = importlib.util.find_spec("cpca")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError("cpca is not installed; it provides the table of division codes")
    return Path(next(iter(spec.submodule_search_locations))) / "resources" / "adcodes.csv"


@lru_cache(maxsize=1)
def _names() -> dict[str, str]:
    text = _cpca_table().read_text(encoding="utf-8")
    names: dict[str, str] = {}
    for row in csv.DictReader(text.splitlines()):
        code = row["adcode"][:6]
        if row["adcode"][6:].strip("0") == "" and code not in names:
            names[code] = row["name"]
    return names


def get(code: str) -> Division:
    """Return the division with this code.

    Raises:
        KeyError: when the code is not in the division table.
    """
    code = str(code)
    names = _names()
    if code not in names:
        raise KeyError(f"{code} is not a GB/T 2260 division code in cpca's table")
    level = level_of(code)
    full = names[code]
    if level == "county":
        parent = names.get(code[:4] + "00")
        # Counties directly under a province (省直辖县) have no prefecture row; their own name is enough.
        if parent and not full.startswith(parent) and parent not in ("市辖区", "县", "省直辖县级行政区划"):
            full = parent + full
    return Division(code=code, name=names[code], full_name=full, level=level)


def stem(name: str) -> str:
    """Return a division name without its generic suffix (西湖区 → 西湖, 杭州市 → 杭州)."""
    for suffix in _SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= _MIN_STEM:
            return name[: -len(suffix)]
    return name


@lru_cache(maxsize=1)
def _index() -> tuple[dict[str, list[str]], tuple[int, ...], frozenset[str]]:
    """Codes by division name (ascending), the name lengths that occur, longest first (西湖区 before 湖区), and the
    first two characters of every name."""
    codes: dict[str, list[str]] = {}
    for code, name in sorted(_names().items()):
        if len(name) >= 2:
            codes.setdefault(name, []).append(code)
    return codes, tuple(sorted({len(name) for name in codes}, reverse=True)), frozenset(name[:2] for name in codes)


def searchable_names() -> frozenset[str]:
    """Every division name `find_in` can match (names of two characters or more)."""
    return frozenset(_index()[0])


def find_in(text: str) -> list[Division]:
    """Find the divisions named at the start of a title or issuer (e.g. "杭州市西湖区人民政府").

    Full names are matched (杭州市, 西湖区), the longest name first; a county is accepted only when its prefecture
    or province is consistent with any higher-level division named before it, which resolves names shared by
    several counties. Returns divisions in the order they appear. At each position only one name of each length can
    match, so each position costs one dictionary lookup per name length.
    """
    codes, lengths, openings = _index()
    found: list[Division] = []
    position = 0
    while position < len(text):
        match = None
        if text[position:position + 2] not in openings:  # no name starts here
            break
        for length in lengths:
            name = text[position:position + length]
            if len(name) == length and name in codes:
                chosen = _choose(codes[name], found)
                if chosen:
                    match = (name, chosen)
                    break
        if not match:
            break
        found.append(get(match[1]))
        position += len(match[0])
    return found


def _choose(candidates: list[str], context: list[Division]) -> str | None:
    if not context:
        return candidates[0] if len(candidates) == 1 else None
    parent = context[-1]
    prefix = parent.code[:2] if parent.level == "province" else parent.code[:4]
    inside = [c for c in candidates if c.startswith(prefix) and c != parent.code]
    return inside[0] if len(inside) == 1 else None


def jurisdiction_from(text: str) -> Division | None:
    """Return the lowest division named at the start of a text such as an issuing body or a title.

    Leading qualifiers that are not division names (e.g. "关于") stop the search; a text naming no division
    gives None.
    """
    cleaned = re.sub(r"^[\s《“\"]+", "", text)
    found = find_in(cleaned)
    return found[-1] if found else None
