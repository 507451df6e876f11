"""Score the extraction against a careful reader's annotations: precision, recall and F1 per document and overall.

An annotation (YAML, see tests/extract/annotated/README.md) lists what a careful reader finds in one document:

* targets, each as [value, unit, comparator, deadline, scope];
* responsibilities, as task path → {lead: [agency_id …], co: [agency_id …]};
* optionally `flagged`: kinds of report entries (corrections rows) the draft must make.

Targets are matched as multisets at four levels, each adding a field to the key: value+unit, then deadline, then
comparator, then scope (so the last level counts a target as found only when all five agree). Bodies are matched
as (task path, agency_id) pairs, separately for lead and co rows. Scores are micro-averaged over documents.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import yaml

TARGET_LEVELS = ("value+unit", "+deadline", "+comparator", "+scope")
_LEVEL_FIELDS = {"value+unit": (0, 1), "+deadline": (0, 1, 3), "+comparator": (0, 1, 3, 2), "+scope": (0, 1, 3, 2, 4)}


@dataclass
class Score:
    """Counts of one comparison: what was found, what the reader lists, and how many of them agree."""

    found: int = 0
    expected: int = 0
    matched: int = 0

    def add(self, other: Score) -> None:
        """Add another comparison's counts (micro-averaging)."""
        self.found += other.found
        self.expected += other.expected
        self.matched += other.matched

    @property
    def precision(self) -> float:
        """Share of what was found that the reader lists (1 when nothing was found)."""
        return self.matched / self.found if self.found else 1.0

    @property
    def recall(self) -> float:
        """Share of what the reader lists that was found (1 when the reader lists nothing)."""
        return self.matched / self.expected if self.expected else 1.0

    @property
    def f1(self) -> float:
        """Harmonic mean of precision and recall."""
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class Annotation:
    """One annotated document.

    Attributes:
        name: the annotation file's stem (a plan_id for the committed plans).
        path: the annotation file.
        plan_id: the plan_id to give the rows.
        group: plans (our committed plans), layouts (documents in other layouts) or heldout (written before the
            rules and never used to tune them).
        admin_code: the jurisdiction, for documents whose text is drafted with `yigai extract`.
        targets: the reader's targets, as tuples (value, unit, comparator, deadline, scope).
        responsibilities: task path → {"lead": [...], "co": [...]}.
        flagged: kinds of report entries the draft must make.
    """

    name: str
    path: Path
    plan_id: str
    group: str
    admin_code: str | None = None
    targets: list[tuple] = field(default_factory=list)
    responsibilities: dict[str, dict[str, list[str]]] = field(default_factory=dict)
    flagged: list[str] = field(default_factory=list)

    @property
    def text_path(self) -> Path:
        """The document annotated (for documents other than the committed plans)."""
        return self.path.with_suffix(".txt")


def _value(value) -> float | None:
    return None if value is None else round(float(value), 6)


def target_key(value, unit, comparator, deadline, scope) -> tuple:
    """The comparable form of a target (numbers rounded, dates as text, empty strings as None)."""
    return (_value(value), unit or None, comparator, str(deadline) if deadline else None, scope or None)


def load(path: Path, group: str) -> Annotation:
    """Read one annotation file."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return Annotation(
        name=path.stem, path=path, plan_id=str(data["plan_id"]), group=group,
        admin_code=str(data["admin_code"]) if data.get("admin_code") else None,
        targets=[target_key(*row) for row in data.get("targets") or []],
        responsibilities={str(k): {"lead": list(v.get("lead") or []), "co": list(v.get("co") or [])}
                          for k, v in (data.get("responsibilities") or {}).items()},
        flagged=list(data.get("flagged") or []))


def annotations(root: Path) -> list[Annotation]:
    """Every annotation under root/{plans,layouts,heldout}, in that order, sorted by name within each group."""
    out = []
    for group in ("plans", "layouts", "heldout"):
        out += [load(path, group) for path in sorted((root / group).glob("*.yml"))]
    return out


def score_targets(expected: list[tuple], rows: list[dict]) -> dict[str, Score]:
    """Compare the reader's targets with the rows of `targets`, at each level of TARGET_LEVELS."""
    found = [target_key(r["value"], r["unit"], r["comparator"], r["deadline"], r["scope"]) for r in rows]
    out = {}
    for level in TARGET_LEVELS:
        fields = _LEVEL_FIELDS[level]
        want = Counter(tuple(t[i] for i in fields) for t in expected)
        got = Counter(tuple(t[i] for i in fields) for t in found)
        out[level] = Score(sum(got.values()), sum(want.values()), sum((want & got).values()))
    return out


def score_bodies(expected: dict[str, dict[str, list[str]]], rows: list[dict], role: str) -> Score:
    """Compare the reader's (task path, agency) pairs of one role with the rows of `responsibilities`."""
    want = {(path, agency) for path, roles in expected.items() for agency in roles.get(role, [])}
    got = {(row["task_id"].split(":", 1)[1], row["agency_id"]) for row in rows if row["role"] == role}
    return Score(len(got), len(want), len(want & got))


def missing_targets(expected: list[tuple], rows: list[dict]) -> tuple[list[tuple], list[tuple]]:
    """(targets the reader lists that were not found, rows found that the reader does not list), on all fields."""
    found = Counter(target_key(r["value"], r["unit"], r["comparator"], r["deadline"], r["scope"]) for r in rows)
    want = Counter(expected)
    return sorted((want - found).elements(), key=str), sorted((found - want).elements(), key=str)


def missing_bodies(expected: dict[str, dict[str, list[str]]], rows: list[dict]) -> tuple[list[tuple], list[tuple]]:
    """((path, role, agency) the reader lists but the rows lack, and rows the reader does not list)."""
    want = {(path, role, agency) for path, roles in expected.items() for role in ("lead", "co")
            for agency in roles.get(role, [])}
    got = {(row["task_id"].split(":", 1)[1], row["role"], row["agency_id"]) for row in rows}
    return sorted(want - got), sorted(got - want)


def extract(annotation: Annotation, sources_dir: Path) -> dict[str, list[dict]]:
    """The rows the code gives for an annotated document: targets, responsibilities and corrections.

    A committed plan (group plans) is built as the package builds it, corrections included, with the registry of
    `sources_dir`; any other document is drafted as `yigai extract` drafts it, with an empty registry (so every
    body is resolved by the general rules) and the annotation's admin_code.
    """
    from yigai import pipeline, sources
    from yigai import registry as registry_module
    from yigai.extract import draft

    if annotation.group == "plans":
        registry = registry_module.load(sources_dir / sources.REGISTRY_FILE)
        plan = sources.read_plan(sources_dir / annotation.plan_id)
        result = pipeline.run(plan, registry)
        return {"targets": result.rows["targets"], "responsibilities": result.rows["responsibilities"],
                "corrections": result.correction_rows()}
    raw = annotation.text_path.read_bytes()
    tables = draft.run(raw, plan_id=annotation.plan_id, admin_code=annotation.admin_code,
                       name=annotation.text_path.name).tables
    return {name: tables[name] for name in ("targets", "responsibilities", "corrections")}
