"""What a careful reader knows about each committed plan, read from tests/expected/plans/<plan_id>.yml.

Facts about one plan live in that plan's expectation file, never in a test: the tests hold for any set of plans,
so a plan added later needs no change to the tests (it simply has no file, or a file a reviewer writes), and a
file whose plan is not under sources/ is skipped. See tests/expected/README.md for the format.

A value in a file is matched by `matches`: a plain value must be equal (CSV text compared as text, an empty cell
equal to null); a mapping with one of the keys below states something weaker:

    {startswith: "…"}  {endswith: "…"}  {contains: "…" or [..]}  {excludes: "…" or [..]}  {one_of: [..]}
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ROOT / "sources"
FOLDER = Path(__file__).resolve().parent / "expected" / "plans"
OPERATORS = ("startswith", "endswith", "contains", "excludes", "one_of")


@lru_cache(maxsize=None)
def load(plan_id: str) -> dict[str, Any]:
    """The expectation file of a plan (empty when it has none)."""
    path = FOLDER / f"{plan_id}.yml"
    return yaml.safe_load(path.read_text(encoding="utf-8")) or {} if path.is_file() else {}


def plans_with(*keys: str) -> list[str]:
    """The committed plans (under sources/) whose expectation file states `keys` (a dotted path each)."""
    present = sorted(p.name for p in SOURCES.iterdir() if (p / "raw.txt").is_file())
    return [plan_id for plan_id in present if all(get(load(plan_id), key) is not None for key in keys)]


def get(data: dict[str, Any], key: str) -> Any:
    """The value at a dotted path (None when absent)."""
    for part in key.split("."):
        if not isinstance(data, dict):
            return None
        data = data.get(part)
    return data


def _text(value: Any) -> str:
    return "" if value is None else str(value).lower() if isinstance(value, bool) else str(value)


def _listed(value: Any) -> list:
    return value if isinstance(value, list) else [value]


def matches(actual: Any, spec: Any) -> bool:
    """Whether an actual value satisfies what the expectation file states (see the module docstring)."""
    if isinstance(spec, dict) and spec and set(spec) <= set(OPERATORS):
        text = _text(actual)
        checks = {"startswith": lambda v: text.startswith(str(v)), "endswith": lambda v: text.endswith(str(v)),
                  "contains": lambda v: all(str(x) in text for x in _listed(v)),
                  "excludes": lambda v: not any(str(x) in text for x in _listed(v)),
                  "one_of": lambda v: text in {_text(x) for x in v}}
        return all(checks[op](value) for op, value in spec.items())
    if isinstance(spec, list) and isinstance(actual, (list, tuple)):
        return len(spec) == len(actual) and all(matches(a, s) for a, s in zip(actual, spec))
    return _text(actual) == _text(spec)


def mismatches(row: dict[str, Any], spec: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
    """The fields of `row` that do not satisfy `spec` (field → (actual, expected)); empty when all do."""
    return {name: (row.get(name), want) for name, want in spec.items() if not matches(row.get(name), want)}
