"""Standard indicators: the code list in sources/indicators.yml, and the general rules that code each target with it.

A target's indicator is first the plan's own wording (基层医疗卫生机构诊疗量占总诊疗量的比例, 基层就诊率 …). This stage
gives every target the code of the standard indicator it measures (`targets.indicator_code`) and the rule that
decided it (`targets.indicator_rule`), by the same rules for every plan: the indicator's standard name and aliases,
its documented patterns (some conditional on the target's scope, its task's text or the plan's level), its `unless`
exclusions, and agreement of units. A wording that is close to an indicator but not certain is left uncoded and
flagged in the corrections report, as is one that fits two indicators or whose unit does not agree.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from yigai import metadata, yamlio
from yigai.changes import Change
from yigai.errors import YigaiError

INDICATORS_FILE = "indicators.yml"
CODE_PATTERN = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")
ANY_UNIT = "*"
NO_UNIT = "(none)"
CHANGE_PREFIX = "change in "
_REQUIRED = ("code", "name", "name_en", "better", "applies_to", "framework", "definition")
_PATTERN_KEYS = {"match", "scope", "context", "levels"}
_WHITESPACE = re.compile(r"\s+")


def normalise_wording(text: str | None) -> str:
    """The wording as the rules see it: no whitespace, no 的, half-width brackets."""
    if not text:
        return ""  # most targets have no scope
    text = _WHITESPACE.sub("", text)
    return text.replace("的", "").replace("（", "(").replace("）", ")")


@dataclass(frozen=True)
class Pattern:
    """One documented pattern of an indicator, with its conditions (see sources/indicators.yml)."""

    match: re.Pattern
    scope: re.Pattern | None = None
    context: re.Pattern | None = None
    levels: tuple[str, ...] = ()

    @property
    def rule(self) -> str:
        """The indicator_rule a match of this pattern records."""
        if self.scope is not None:
            return "pattern-scope"
        if self.context is not None:
            return "pattern-context"
        if self.levels:
            return "pattern-level"
        return "pattern"

    def as_json(self) -> dict[str, Any]:
        """The pattern as published in indicators.indicator_patterns."""
        out: dict[str, Any] = {"match": self.match.pattern}
        if self.scope is not None:
            out["scope"] = self.scope.pattern
        if self.context is not None:
            out["context"] = self.context.pattern
        if self.levels:
            out["levels"] = list(self.levels)
        return out


@dataclass(frozen=True)
class Near:
    """A wording that resembles an indicator without certainly measuring it, and why."""

    match: re.Pattern
    note: str


@dataclass
class Indicator:
    """One standard indicator of the code list (the keys are explained in sources/indicators.yml)."""

    code: str
    name: str
    name_en: str
    unit: str | None
    better: str
    applies_to: str
    framework: str
    definition: str
    aliases: list[str] = field(default_factory=list)
    patterns: list[Pattern] = field(default_factory=list)
    unless: re.Pattern | None = None
    near: list[Near] = field(default_factory=list)
    _names: frozenset[str] | None = field(default=None, init=False, repr=False, compare=False)

    def as_row(self) -> dict[str, Any]:
        """The indicator as a row of the `indicators` table."""
        rules: dict[str, Any] = {"patterns": [p.as_json() for p in self.patterns]}
        if self.unless is not None:
            rules["unless"] = self.unless.pattern
        if self.near:
            rules["near"] = [{"match": n.match.pattern, "note": n.note} for n in self.near]
        return {"indicator_code": self.code, "indicator_name": self.name, "indicator_name_en": self.name_en,
                "indicator_unit": self.unit, "better_direction": self.better, "applies_to": self.applies_to,
                "definition": self.definition, "framework": self.framework,
                "indicator_aliases": "|".join(self.aliases) or None,
                "indicator_patterns": json.dumps(rules, ensure_ascii=False, sort_keys=True)}

    def names(self) -> frozenset[str]:
        """The normalised standard name and aliases (worked out once: the code list does not change once loaded)."""
        if self._names is None:
            self._names = frozenset(normalise_wording(n) for n in [self.name, *self.aliases])
        return self._names


@dataclass(frozen=True)
class Target:
    """What the rules read of one target row (and of its task and plan)."""

    wording: str
    scope: str
    unit: str | None
    relative: bool
    context: str
    level: str | None


@dataclass(frozen=True)
class Decision:
    """The outcome of coding one target: a code and rule, or a flag (reason) for the corrections report."""

    code: str | None = None
    rule: str | None = None
    flag: str | None = None


@dataclass
class CodeList:
    """The indicators and the documented unit conversions."""

    indicators: list[Indicator] = field(default_factory=list)
    unit_pairs: frozenset[tuple[str, str]] = frozenset()
    _index: _Index | None = field(default=None, init=False, repr=False, compare=False)

    def index(self) -> _Index:
        """Look-ups over the whole list, worked out once (the code list does not change once loaded)."""
        if self._index is None:
            self._index = _Index.of(self.indicators)
        return self._index

    def rows(self) -> list[dict[str, Any]]:
        """Rows of the `indicators` table."""
        return [indicator.as_row() for indicator in self.indicators]

    def get(self, code: str) -> Indicator | None:
        """The indicator with this code (None when unknown)."""
        return next((i for i in self.indicators if i.code == code), None)

    def unit_agrees(self, unit: str | None, indicator_unit: str | None, relative: bool) -> bool:
        """True when a target in `unit` can state a value (or, when relative, a change) of the indicator."""
        return (unit or NO_UNIT, measure(indicator_unit, relative)) in self.unit_pairs

    def decide(self, target: Target, possible: dict[str, list[Indicator]] | None = None) -> Decision:
        """Code one target by the general rules (see the header of sources/indicators.yml).

        `possible` holds the indicators that may code each normalised wording, as worked out for the earlier targets
        of the same plan (filled in here); None: they are worked out afresh.
        """
        wording = normalise_wording(target.wording)
        if not wording:
            return Decision()
        with_scope = wording + "|" + target.scope
        scope = normalise_wording(target.scope)
        candidates: dict[str, str] = {}
        index = self.index()
        tried = possible.get(wording) if possible is not None else None
        if tried is None:
            tried = index.possible(wording)
            if possible is not None:
                possible[wording] = tried
        for indicator in tried:
            if indicator.unless is not None and indicator.unless.search(with_scope):
                continue
            if wording in indicator.names():
                candidates.setdefault(indicator.code, "name")
                continue
            for pattern in indicator.patterns:
                if _matches(pattern, wording, scope, target):
                    candidates.setdefault(indicator.code, pattern.rule)
                    break
        if len(candidates) > 1:
            names = ", ".join(sorted(candidates))
            return Decision(flag=f"the wording fits several standard indicators ({names}); left uncoded")
        if candidates:
            code, rule = next(iter(candidates.items()))
            indicator = index.by_code[code]
            if not self.unit_agrees(target.unit, indicator.unit, target.relative):
                return Decision(flag=f"the wording fits standard indicator {code} ({indicator.name}) but the unit "
                                     f"{target.unit or 'none'}{' (a change)' if target.relative else ''} does not "
                                     f"agree with the indicator's unit {indicator.unit or 'none'}; left uncoded")
            return Decision(code=code, rule=rule)
        for indicator in self.indicators if index.nears_find(with_scope) else ():
            for near in indicator.near:
                if near.match.search(with_scope):
                    return Decision(flag=f"the wording is close to standard indicator {indicator.code} "
                                         f"({indicator.name}) but not certainly the same: {near.note}; left uncoded")
        return Decision()


_NOTHING = re.compile(r"(?!)")  # finds nothing anywhere
_UNCOMBINABLE = re.compile(r"\\[1-9]|\(\?P=|\(\?\(")  # back-references: numbered groups move when combined


def _any_of(patterns: list[re.Pattern]) -> re.Pattern | None:
    """One expression that finds something wherever one of the patterns does; None when none can be made."""
    if not patterns:
        return _NOTHING
    if any(p.flags != re.UNICODE or _UNCOMBINABLE.search(p.pattern) for p in patterns):
        return None
    try:
        return re.compile("|".join(f"(?:{p.pattern})" for p in patterns))
    except re.error:  # e.g. a group name used by two patterns
        return None


GROUP_SIZE = 8  # indicators whose patterns are tried together


@dataclass
class _Index:
    """Look-ups over a code list that let `decide` skip indicators that cannot code a wording.

    The indicators are taken in groups of GROUP_SIZE, in list order, each with one expression that finds something
    in a wording exactly when one of the group's `match` patterns does (None when the patterns cannot be combined:
    the group is always tried); `named` gives, for a (normalised) name or alias, the groups holding an indicator of
    that name; `nears` finds something exactly when one of the `near` entries of the list does.
    """

    named: dict[str, frozenset[int]]
    groups: list[tuple[re.Pattern | None, list[Indicator]]]
    nears: re.Pattern | None
    by_code: dict[str, Indicator] = field(default_factory=dict)  # what CodeList.get gives: the first of a code

    @classmethod
    def of(cls, indicators: list[Indicator]) -> _Index:
        """The index of a list of indicators."""
        named: dict[str, set[int]] = {}
        groups = []
        for first in range(0, len(indicators), GROUP_SIZE):
            members = indicators[first:first + GROUP_SIZE]
            for indicator in members:
                for name in indicator.names():
                    named.setdefault(name, set()).add(len(groups))
            groups.append((_any_of([pattern.match for indicator in members for pattern in indicator.patterns]),
                           members))
        by_code = {indicator.code: indicator for indicator in reversed(indicators)}  # the first of a code wins
        return cls({name: frozenset(found) for name, found in named.items()}, groups,
                   _any_of([near.match for indicator in indicators for near in indicator.near]), by_code)

    def possible(self, wording: str) -> list[Indicator]:
        """The indicators that may code a wording (a superset of those that do), in list order."""
        named = self.named.get(wording, frozenset())
        return [indicator for number, (finder, members) in enumerate(self.groups)
                if number in named or finder is None or finder.search(wording) for indicator in members]

    def nears_find(self, text: str) -> bool:
        """False only when no indicator's near entry finds anything in the text."""
        return self.nears is None or self.nears.search(text) is not None


def _matches(pattern: Pattern, wording: str, scope: str, target: Target) -> bool:
    """Whether a pattern codes a target (`wording` and `scope` normalised)."""
    if not pattern.match.search(wording):
        return False
    if pattern.scope is not None and not pattern.scope.search(scope):
        return False
    if pattern.context is not None and not pattern.context.search(target.context):
        return False
    return not pattern.levels or target.level in pattern.levels


def measure(indicator_unit: str | None, relative: bool) -> str:
    """What a target's figure states about its indicator: the indicator's unit, or a change in it."""
    unit = indicator_unit or NO_UNIT
    return CHANGE_PREFIX + unit if relative else unit


def _unit_pairs(conversions: dict[str, Any], where: dict[str, Any]) -> frozenset[tuple[str, str]]:
    """Every allowed (target unit, indicator measure) pair, from the documented conversions."""
    units = metadata.enum_values("unit")
    known = set(units) | {NO_UNIT}

    def check(unit: Any, key: str) -> str:
        if unit not in known:
            raise YigaiError(f"{unit!r} is not a unit of the package", field=f"unit_conversions.{key}", **where)
        return str(unit)

    same: list[tuple[str, str]] = [(u, u) for u in [*units, NO_UNIT]]
    for group in conversions.get("same_quantity") or []:
        members = [check(u, "same_quantity") for u in (group or {}).get("units") or []]
        same += [(a, b) for a in members for b in members if a != b]
    for item in conversions.get("scaled") or []:
        same.append((check(item.get("unit"), "scaled"), check(item.get("indicator_unit"), "scaled")))
    pairs = set(same) | {(a, CHANGE_PREFIX + b) for a, b in same}
    for item in conversions.get("relative") or []:
        unit = check(item.get("unit"), "relative")
        target = item.get("indicator_unit")
        for indicator_unit in ([*units, NO_UNIT] if target == ANY_UNIT else [check(target, "relative")]):
            pairs.add((unit, CHANGE_PREFIX + indicator_unit))
    return frozenset(pairs)


def _regex(value: Any, where: dict[str, Any], key: str) -> re.Pattern:
    try:
        return re.compile(str(value))
    except re.error as exc:
        raise YigaiError(f"{value!r} is not a valid regular expression ({exc})", field=key, **where) from None


def _pattern(item: Any, where: dict[str, Any], key: str) -> Pattern:
    if not isinstance(item, dict):
        return Pattern(_regex(item, where, key))
    unknown = set(item) - _PATTERN_KEYS
    if unknown or "match" not in item:
        raise YigaiError(f"a pattern is a regular expression or a mapping with match and optionally scope, context, "
                         f"levels (found {sorted(item)})", field=key, **where)
    levels = tuple(str(level) for level in item.get("levels") or [])
    bad = [level for level in levels if level not in metadata.enum_values("admin_level")]
    if bad:
        raise YigaiError(f"{bad} are not admin levels ({metadata.enum_values('admin_level')})", field=key, **where)
    return Pattern(_regex(item["match"], where, key),
                   _regex(item["scope"], where, key) if item.get("scope") else None,
                   _regex(item["context"], where, key) if item.get("context") else None, levels)


def _indicator(item: Any, where: dict[str, Any]) -> Indicator:
    if not isinstance(item, dict):
        raise YigaiError("an indicator is a mapping of keys (code, name, name_en …)", **where)
    for key in _REQUIRED:
        if not str(item.get(key) or "").strip():
            raise YigaiError("missing value", field=key, **where)
    code = str(item["code"])
    if not CODE_PATTERN.fullmatch(code):
        raise YigaiError(f"{code!r} is not a code (lowercase words and digits joined by '-')", field="code", **where)
    for key, enum_field in (("better", "better_direction"), ("applies_to", "applies_to"), ("unit", "unit")):
        value = item.get(key)
        if (value is not None or key != "unit") and value not in metadata.enum_values(enum_field):
            raise YigaiError(f"{value!r} is not in the {enum_field} code list", field=key, **where,
                             hint=f"see docs/data-dictionary.md, code list '{enum_field}'")
    near = []
    for i, entry in enumerate(item.get("near") or []):
        if not isinstance(entry, dict) or not entry.get("match") or not entry.get("note"):
            raise YigaiError("a near entry is a mapping with match and note", field=f"near[{i}]", **where)
        near.append(Near(_regex(entry["match"], where, f"near[{i}]"), str(entry["note"])))
    return Indicator(code=code, name=str(item["name"]), name_en=str(item["name_en"]), unit=item.get("unit"),
                     better=str(item["better"]), applies_to=str(item["applies_to"]),
                     framework=" ".join(str(item["framework"]).split()),
                     definition=" ".join(str(item["definition"]).split()),
                     aliases=[str(a) for a in item.get("aliases") or []],
                     patterns=[_pattern(p, where, f"patterns[{i}]") for i, p in enumerate(item.get("patterns") or [])],
                     unless=_regex(item["unless"], where, "unless") if item.get("unless") else None, near=near)


def parse(data: Any, path: Path) -> CodeList:
    """Check and read the content of an indicators file.

    Raises:
        YigaiError: naming the file, the indicator (row) and the field of the first problem.
    """
    if data is None:
        return CodeList()
    if not isinstance(data, dict) or not isinstance(data.get("indicators") or [], list):
        raise YigaiError("the file holds `unit_conversions` and a list `indicators`", file=str(path))
    pairs = _unit_pairs(data.get("unit_conversions") or {}, {"file": str(path)})
    indicators, seen = [], {}
    for row, item in enumerate(data.get("indicators") or [], start=1):
        indicator = _indicator(item, {"file": str(path), "row": row})
        if indicator.code in seen:
            raise YigaiError(f"duplicate code {indicator.code} (also indicator {seen[indicator.code]})",
                             file=str(path), row=row, field="code")
        seen[indicator.code] = row
        indicators.append(indicator)
    return CodeList(indicators, pairs)


@lru_cache(maxsize=8)
def _load_cached(path: str, mtime: float) -> CodeList:
    file = Path(path)
    try:
        data = yamlio.safe_load(file.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise YigaiError(f"not valid YAML: {exc}", file=path) from None
    except UnicodeDecodeError:
        raise YigaiError("not UTF-8 text", file=path) from None
    return parse(data, file)


def load(path: Path) -> CodeList:
    """Load and check an indicators file; a missing file is an empty code list (nothing is coded)."""
    path = Path(path)
    if not path.is_file():
        return CodeList(unit_pairs=_unit_pairs({}, {"file": str(path)}))
    return _load_cached(str(path.resolve()), path.stat().st_mtime)


def for_plan_directory(directory: Path, draft: bool = False) -> CodeList:
    """The code list that applies to a plan folder: sources/indicators.yml beside it.

    A draft (`yigai extract`) has no plan folder; it uses sources/indicators.yml of the working directory, else the
    code list shipped with yigai (the checkout's, or the installed package's; see yigai.assets). A build reads
    only the sources folder it was given.
    """
    from yigai import assets

    directory = Path(directory)
    for candidate in (directory.parent / INDICATORS_FILE, directory / "sources" / INDICATORS_FILE):
        if candidate.is_file():
            return load(candidate)
    shipped = assets.find(assets.INDICATORS) if draft else None
    return load(shipped.path if shipped else directory.parent / INDICATORS_FILE)


def run(rows: dict[str, list[dict]], codes: CodeList) -> list[Change]:
    """Code every target of one plan in place and return the flags for the corrections report.

    A target whose indicator_code is already set (by a correction in corrections.yml) keeps it, with rule curated.
    """
    plan = (rows.get("plans") or [{}])[0]
    tasks = {task.get("task_id"): task for task in rows.get("tasks") or []}
    contexts: dict[str | None, str] = {}  # a task's normalised words, shared by its targets
    possible: dict[str, list[Indicator]] = {}  # the indicators that may code a wording, shared by the plan's targets
    changes: list[Change] = []
    for target in rows.get("targets") or []:
        if target.get("indicator_code"):
            target["indicator_rule"] = "curated"
            continue
        task_id = target.get("task_id")
        if task_id not in contexts:
            task = tasks.get(task_id) or {}
            contexts[task_id] = normalise_wording(" ".join(str(task.get(k) or "") for k in ("heading", "text")))
        decision = codes.decide(Target(
            wording=target.get("indicator") or "", scope=target.get("scope") or "", unit=target.get("unit"),
            relative=bool(target.get("relative")), level=plan.get("admin_level"), context=contexts[task_id]),
            possible)
        target["indicator_code"], target["indicator_rule"] = decision.code, decision.rule
        if decision.flag:
            changes.append(Change("extract", "indicator-code", "flagged", target.get("indicator") or "", "",
                                  f"target {target.get('target_id')}: {decision.flag}",
                                  target.get("char_start"), target.get("char_end")))
    return changes


DOCS_START, DOCS_END = "<!-- indicators:start -->", "<!-- indicators:end -->"


def markdown_table(codes: CodeList) -> str:
    """The code list as a Markdown table (English and Chinese names, unit, direction, population, framework)."""
    def cell(value: Any) -> str:
        return ("—" if value in (None, "") else str(value)).replace("|", r"\|")

    lines = ["| code | English | 中文 | unit | better | applies to | framework |", "|---|---|---|---|---|---|---|"]
    for indicator in sorted(codes.indicators, key=lambda i: i.code):
        lines.append(f"| `{indicator.code}` | {cell(indicator.name_en)} | {cell(indicator.name)} | "
                     f"{cell(indicator.unit)} | {indicator.better} | {indicator.applies_to} | "
                     f"{cell(indicator.framework)} |")
    return "\n".join(lines)


def docs_page(text: str, codes: CodeList) -> str:
    """A docs page with the code list written between its markers (the page is returned unchanged without them)."""
    if DOCS_START not in text or DOCS_END not in text:
        return text
    head, rest = text.split(DOCS_START, 1)
    tail = rest.split(DOCS_END, 1)[1]
    generated = ("Generated from `sources/indicators.yml` by `python -m yigai.indicators`; definitions and matching "
                 "rules are in the `indicators` table.")
    return f"{head}{DOCS_START}\n{generated}\n\n{markdown_table(codes)}\n{DOCS_END}{tail}"


def main(argv: list[str] | None = None) -> int:
    """Rewrite the code list of docs/indicators.md: `python -m yigai.indicators [SOURCES_DIR] [DOCS_PAGE]`."""
    import sys

    args = sys.argv[1:] if argv is None else argv
    sources_dir = Path(args[0]) if args else Path("sources")
    page = Path(args[1]) if len(args) > 1 else Path("docs/indicators.md")
    try:
        codes = load(sources_dir / INDICATORS_FILE)
    except YigaiError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    text = page.read_text(encoding="utf-8")
    new = docs_page(text, codes)
    if new != text:
        page.write_text(new, encoding="utf-8")
        print(f"wrote {page}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
