"""Review a change to the data: `yigai validate --changed [BASE]`, what a maintainer reads on a pull request.

The base is a git revision (default: origin/main when it exists, else HEAD~1); the change is measured from where
the work tree branched from it (their merge base), so commits made on the base since are not counted. Then:

1. the plans whose sources changed are found with git (`sources/<plan_id>/…`, committed, staged, edited or new);
2. the working tree's sources/ are built into a scratch package (with the build cache), and the base's package is
   its committed `datapackage/` (or, when it has none, the package built from its sources/);
3. the two are compared with yigai.diff, and every plan whose sources or rows changed is validated with the
   per-plan rules, while every rule across plans runs over the whole package; the changed plans' files and the
   registry are checked too (schema, sha256; proposed bodies and facts still marked REVIEW are listed);
4. a Markdown summary says, per plan and table, how many rows were added, removed and changed, and which fields
   changed, then the smallest version bump the change requires and the validation report. The pull-request
   workflow writes it to the job summary.
"""

from __future__ import annotations

import json
import re
import tempfile
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from yigai import gitrepo, newplan, sources
from yigai.errors import UsageError, YigaiError
from yigai.validate.report import Problem, Report, visible

DEFAULT_BASES = ("origin/main", "HEAD~1")
SHARED = "(shared)"
DETAIL_ROWS = 50


@dataclass
class Base:
    """The revision the change is measured against."""

    name: str
    commit: str
    merge_base: str

    @property
    def label(self) -> str:
        """How the summary names it."""
        short = self.merge_base[:12]
        return f"`{self.name}` (merge base {short})" if self.merge_base != self.commit else f"`{self.name}` ({short})"


@dataclass
class Review:
    """The review of one change.

    Attributes:
        base: what the change is measured against.
        baseline: where the base's package came from.
        source_plans: plans whose folder under sources/ changed.
        shared_sources: changed files directly under sources/ (the registry, the indicators).
        validated: the plans judged by the per-plan rules.
        diff: the data change as `yigai diff --format json` gives it (None when the new package could not be built).
        report: the validation report.
        pending: (file, line, what) of review markers and proposed registry entries still there.
    """

    base: Base
    baseline: str
    source_plans: list[str]
    shared_sources: list[str]
    validated: list[str]
    diff: dict[str, Any] | None
    report: Report
    pending: list[tuple[str, int | None, str]] = field(default_factory=list)
    diff_markdown: str = ""

    def rows(self) -> list[dict[str, Any]]:
        """Rows added, removed and changed per plan and table, with the fields changed (plans in order)."""
        return per_plan(self.diff or {})

    def to_dict(self) -> dict[str, Any]:
        """The review as plain data (for --format json)."""
        return {"base": {"name": self.base.name, "commit": self.base.commit, "merge_base": self.base.merge_base},
                "baseline": self.baseline, "source_plans": self.source_plans, "shared_sources": self.shared_sources,
                "validated_plans": self.validated, "rows": self.rows(), "diff": self.diff,
                "pending_review": [{"file": f, "line": n, "what": w} for f, n, w in self.pending],
                "report": json.loads(self.report.to_json())}

    def to_markdown(self) -> str:
        """The summary for people: the job summary of a pull request."""
        return markdown(self)


def resolve_base(root: Path, name: str | None) -> Base:
    """The base revision: `name`, else origin/main when it exists, else HEAD~1.

    Raises:
        UsageError: when git is missing, the folder is not a work tree, or no candidate is a commit.
    """
    gitrepo.work_tree(root)
    candidates = (name,) if name else DEFAULT_BASES
    for candidate in candidates:
        commit = gitrepo.commit_of(root, candidate)
        if commit:
            return Base(candidate, commit, gitrepo.merge_base(root, commit))
    shown = name if name else " nor ".join(DEFAULT_BASES)
    raise UsageError(f"{visible(shown)} is not a commit in this repository", field="--changed",
                     hint="name the base as a branch, tag or commit (e.g. --changed origin/main after `git fetch "
                          "origin main`)")


def changed_sources(root: Path, commit: str, sources_rel: str = "sources") -> tuple[list[str], list[str]]:
    """(plans whose folder changed, changed files directly under sources/) since `commit`."""
    plans, shared = set(), set()
    for path in gitrepo.changed_since(root, commit, sources_rel):
        parts = path.split("/")
        if len(parts) == 2:
            shared.add(path)
        elif len(parts) > 2 and sources.PLAN_ID_PATTERN.fullmatch(parts[1]):
            plans.add(parts[1])
    return sorted(plans), sorted(shared)


def plan_of(row: dict[str, Any]) -> str:
    """The plan a row (or a row's key) belongs to: its plan_id, else the plan part of its task or target id."""
    if row.get("plan_id"):
        return str(row["plan_id"])
    for name in ("task_id", "target_id"):
        value = str(row.get(name) or "")
        if ":" in value and sources.PLAN_ID_PATTERN.fullmatch(value.split(":", 1)[0]):
            return value.split(":", 1)[0]
    return SHARED


def per_plan(diff: dict[str, Any]) -> list[dict[str, Any]]:
    """Per (plan, table): rows added, removed and changed, and how many rows changed each field."""
    found: dict[tuple[str, str], dict[str, Any]] = defaultdict(
        lambda: {"added": 0, "removed": 0, "changed": 0, "fields": Counter()})
    for table in diff.get("tables") or []:
        name = table["name"]
        for kind in ("added", "removed"):
            for row in table.get(kind) or []:
                found[(plan_of(row), name)][kind] += 1
        for change in table.get("changed") or []:
            entry = found[(plan_of(change.get("key") or {}), name)]
            entry["changed"] += 1
            entry["fields"].update(list(change.get("fields") or {}))
    order = sorted(found, key=lambda key: (key[0] == SHARED, key[0], key[1]))
    return [{"plan": plan, "table": table, "added": found[(plan, table)]["added"],
             "removed": found[(plan, table)]["removed"], "changed": found[(plan, table)]["changed"],
             "fields": dict(sorted(found[(plan, table)]["fields"].items()))} for plan, table in order]


def _baseline(root: Path, base: Base, scratch: Path, jobs: int, cache_dir: Path | None) -> tuple[Path, str]:
    """The base's package: its committed datapackage/, else the package built from its sources/."""
    from yigai import package

    if gitrepo.extract(root, base.merge_base, "datapackage", scratch / "base") and \
            (scratch / "base" / "datapackage" / "datapackage.json").is_file():
        return scratch / "base" / "datapackage", "its committed datapackage/"
    if not gitrepo.extract(root, base.merge_base, "sources", scratch / "base"):
        raise UsageError(f"{base.name} has neither datapackage/ nor sources/", field="--changed",
                         hint="name a base of this repository's history")
    out = scratch / "base-built" / "datapackage"
    package.run(scratch / "base" / "sources", out, jobs=jobs, cache_dir=cache_dir)
    return out, "the package built from its sources/"


def _source_problems(root: Path, plans: list[str], sources_dir: Path) -> list[Problem]:
    """The changed plans' files (schema, sha256) and the registry (its schema, its proposed entries)."""
    from yigai import registry as registry_module
    from yigai.validate import contributions

    problems: list[Problem] = []
    for plan_id in plans:
        if (sources_dir / plan_id).is_dir():
            problems += contributions.check_plan_files(sources_dir / plan_id, sources_dir)
    registry_path = sources_dir / sources.REGISTRY_FILE
    try:
        problems += contributions.proposed_entries(registry_module.load(registry_path), registry_path)
    except YigaiError as exc:
        problems.append(Problem("registry", exc.message, file=exc.file, row=exc.row, field=exc.field, hint=exc.hint))
    return problems


def pending_review(sources_dir: Path, plans: list[str]) -> list[tuple[str, int | None, str]]:
    """Facts still marked REVIEW in the changed plans' source.yml, and registry entries still proposed."""
    from yigai import registry as registry_module

    found = [(str(sources_dir / p / sources.SOURCE_FILE), line, why) for p in plans
             for line, why in newplan.review_markers(sources_dir / p / sources.SOURCE_FILE)]
    try:
        registry = registry_module.load(sources_dir / sources.REGISTRY_FILE)
    except YigaiError:
        return found
    return found + [(str(sources_dir / sources.REGISTRY_FILE), p.line, f"{p.agency_id} proposed for {p.proposed_by}")
                    for p in sorted(registry.proposed.values(), key=lambda p: p.agency_id)]


def run(root: Path, base_name: str | None, sources_dir: Path = Path("sources"), suites_dir: Path | None = None,
        jobs: int = 1, cache_dir: Path | None = None, strict: bool = False) -> Review:
    """Validate the plans a change touches and measure the change of the data against a base revision.

    Raises:
        UsageError: when git, the repository or the base is missing (exit status 2).
    """
    from yigai import diff, package, validate

    base = resolve_base(root, base_name)
    source_plans, shared = changed_sources(root, base.merge_base, sources_dir.as_posix())
    report = Report(target=f"changes since {base.name}")
    report.problems += _source_problems(root, source_plans, sources_dir)
    suites_dir = validate.find_suites_dir(root, suites_dir)
    with tempfile.TemporaryDirectory(prefix="yigai-changed-") as tmp:
        scratch = Path(tmp)
        new = scratch / "new" / "datapackage"
        try:
            package.run(sources_dir, new, jobs=jobs, cache_dir=cache_dir)
        except YigaiError as exc:
            report.problems.append(Problem("build", exc.message, file=exc.file, row=exc.row, field=exc.field,
                                           hint=exc.hint, plan=exc.plan_id))
            report.checked.append("sources")
            return Review(base, "(not compared: the work tree's sources do not build)", source_plans, shared,
                          source_plans, None, report, pending_review(sources_dir, source_plans))
        old, baseline = _baseline(root, base, scratch, jobs, cache_dir)
        changes = diff.run(old, new)
        data = json.loads(changes.to_json())
        touched = {entry["plan"] for entry in per_plan(data)} - {SHARED}
        validated = sorted((set(source_plans) | touched) & _plans_in(new))
        found = validate.run(new, suites_dir=suites_dir, strict=strict, plans=set(validated))
        report.problems += found.problems
        report.checked += ["sources"] + found.checked
        text = changes.to_markdown(level=3, title=False, limit=DETAIL_ROWS)
    return Review(base, baseline, source_plans, shared, validated, data, report,
                  pending_review(sources_dir, source_plans), text)


def _plans_in(package_dir: Path) -> set[str]:
    import csv

    with open(package_dir / "data" / "plans.csv", encoding="utf-8", newline="") as handle:
        return {row["plan_id"] for row in csv.DictReader(handle)}


def _md(text: Any, width: int = 160) -> str:
    """Text from the input made safe inside a Markdown table or list (no HTML, no table breaks, one line)."""
    shown = " ".join(visible(str(text)).split())
    shown = shown if len(shown) <= width else shown[:width - 1] + "…"
    return shown.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("|", "\\|")


def markdown(review: Review) -> str:
    """The Markdown summary of a review (see the module docstring)."""
    lines = ["## Data change", "", f"Compared with {review.base.label}: {review.baseline}, against the package built "
             "from the work tree's `sources/`.", ""]
    plans = ", ".join(f"`{p}`" for p in review.source_plans) or "none"
    shared = ", ".join(f"`{_md(p)}`" for p in review.shared_sources)
    lines += [f"- Plans whose sources changed: {plans}" + (f"; shared sources changed: {shared}" if shared else "")]
    if review.diff is not None:
        level = (review.diff.get("required_bump") or {}).get("level", "none")
        reasons = (review.diff.get("required_bump") or {}).get("reasons") or []
        lines.append(f"- Smallest version bump this requires: **{level}**"
                     + (f" ({_md('; '.join(reasons[:5]))}{'; …' if len(reasons) > 5 else ''})" if reasons else ""))
    lines += ["", "### Rows per plan and table", ""]
    rows = review.rows()
    if review.diff is None:
        lines.append("Not compared: the work tree's sources do not build (see the validation report).")
    elif not rows:
        lines.append("No rows were added, removed or changed.")
    else:
        lines += ["| plan | table | added | removed | changed | fields changed (rows) |", "|---|---|---:|---:|---:|---|"]
        for r in rows:
            fields = ", ".join(f"`{name}` ({n})" for name, n in r["fields"].items())
            lines.append(f"| `{r['plan']}` | `{r['table']}` | {r['added']} | {r['removed']} | {r['changed']} | "
                         f"{fields} |")
    if review.pending:
        lines += ["", "### Awaiting review", ""]
        lines += [f"- `{_md(f)}`" + (f" line {n}" if n else "") + f": {_md(w)}" for f, n, w in review.pending]
    report = review.report
    verdict = "**valid**" if report.valid else f"**invalid** ({len(report.errors)} error(s))"
    judged = ", ".join(f"`{p}`" for p in review.validated) or "none"
    lines += ["", "### Validation", "", f"{verdict}, {len(report.warnings)} warning(s). Per-plan rules judged: "
              f"{judged}; every rule across plans ran over the whole package.", ""]
    if report.problems:
        lines += ["<details><summary>Validation report</summary>", "", "```text",
                  report.to_text().replace("```", "ʼʼʼ").rstrip(), "```", "", "</details>", ""]
    if review.diff_markdown.strip() and rows:
        lines += ["<details><summary>Changed rows</summary>", "", review.diff_markdown.rstrip(), "", "</details>", ""]
    return "\n".join(lines).rstrip() + "\n"
