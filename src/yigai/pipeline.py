"""Run every stage for one plan: normalise its text, extract rows, curate them, and collect the corrections report.

Building a plan reads only the plan's inputs, the agency registry and the code (`build`): the bodies it drafts for the
registry are returned with its rows, not added to a registry other plans see, so plans can be built in any order, in
parallel, and cached; yigai.merge combines the drafts of all plans afterwards.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from yigai import curate, divisions, indicators, normalise
from yigai.changes import Change
from yigai.errors import StaleCorrectionError, YigaiError
from yigai.extract import agencies as extract_agencies
from yigai.extract import plans as extract_plans
from yigai.extract import targets as extract_targets
from yigai.extract import tasks as extract_tasks
from yigai.registry import Agency, Registry
from yigai.sources import CORRECTIONS_FILE, PlanSource


@dataclass
class PlanResult:
    """Everything the build publishes about one plan.

    Attributes:
        plan_id: the plan.
        text: the published normalised text.
        rows: rows per table name (plans, plan_issuers, citations, tasks, responsibilities, targets).
        changes: the plan's corrections report, in order.
        drafts: bodies the plan names that the registry lacks, drafted by the alias rules (in the order drafted).
    """

    plan_id: str
    text: str
    rows: dict[str, list[dict]] = field(default_factory=dict)
    changes: list[Change] = field(default_factory=list)
    drafts: list[Agency] = field(default_factory=list)

    def correction_rows(self) -> list[dict]:
        """The plan's corrections report as rows of the `corrections` table."""
        return [change.as_row(self.plan_id, i) for i, change in enumerate(self.changes, start=1)]


def _text_path(plan_id: str) -> str:
    return f"texts/{plan_id}.txt"


def build(plan: PlanSource, registry: Registry) -> PlanResult:
    """Build every row of one plan without changing `registry`; the bodies it drafts are in the result's drafts.

    Raises:
        YigaiError: when the inputs are inconsistent or a correction is stale; names the plan and file.
    """
    local = Registry(dict(registry.agencies))
    result = run(plan, local)
    result.drafts = [agency for agency_id, agency in local.agencies.items() if agency_id not in registry.agencies]
    return result


def run(plan: PlanSource, registry: Registry, draft: bool = False) -> PlanResult:
    """Build every row of one plan.

    Args:
        plan: the plan's committed inputs.
        registry: the canonical agency registry; bodies the plan names but the registry lacks are added as drafts.
        draft: True for `yigai extract` on a new document: a plan whose jurisdiction cannot be told is drafted with
            null jurisdiction fields and no agencies (flagged in its corrections report) instead of stopping.

    Raises:
        YigaiError: when the inputs are inconsistent or a correction is stale; names the plan and file.
    """
    try:
        normalised = normalise.run(plan.raw_text, plan.text_corrections())
    except StaleCorrectionError as exc:
        exc.plan_id = plan.plan_id
        exc.file = exc.file or str(plan.directory / CORRECTIONS_FILE)
        raise
    text = normalised.text
    result = PlanResult(plan_id=plan.plan_id, text=text, changes=list(normalised.changes))

    facts = extract_plans.run(text)
    jurisdiction = _jurisdiction(plan, facts, draft)
    tasks = extract_tasks.run(plan.plan_id, text, facts.body_start)
    if jurisdiction is None:
        responsibility, issuers = extract_agencies.Resolution(), extract_agencies.Resolution()
        result.changes.append(Change("extract", "jurisdiction", "flagged", "", "", "cannot tell which jurisdiction "
                                     "the plan governs, so its agencies were not resolved; add facts: admin_code"))
    else:
        responsibility = extract_agencies.run(plan.plan_id, text, tasks, jurisdiction, registry)
        issuers = extract_agencies.resolve_issuers(facts.issuers, jurisdiction, registry)
    reading = extract_targets.read(plan.plan_id, text, tasks, facts)
    targets = reading.rows

    plan_row = {
        "plan_id": plan.plan_id,
        "title": facts.title.text if facts.title else None,
        "notice_title": facts.notice_title.text if facts.notice_title else None,
        "doc_number": facts.doc_number,
        "jurisdiction": jurisdiction.full_name if jurisdiction else None,
        "admin_code": jurisdiction.code if jurisdiction else None,
        "admin_level": jurisdiction.level if jurisdiction else None,
        "issue_date": facts.issue_date,
        "publish_date": facts.publish_date,
        "issuer_names": None,
        "source_sha256": plan.sha256,
        "text_path": _text_path(plan.plan_id),
        "char_start": facts.title.start if facts.title else None,
        "char_end": facts.title.end if facts.title else None,
    }
    result.rows = {
        "plans": [plan_row],
        "plan_issuers": [dict(row, plan_id=plan.plan_id) for row in issuers.rows],
        "citations": [
            {"plan_id": plan.plan_id, "position": i, "cited_doc_number": number, "cited_title": span.text,
             "char_start": span.start, "char_end": span.end}
            for i, (number, span) in enumerate(facts.citations, start=1)
        ],
        "tasks": tasks,
        "responsibilities": responsibility.rows,
        "targets": targets,
    }
    result.changes += [Change("extract", "plan-fact", "flagged", "", "", note) for note in facts.notes]
    result.changes += responsibility.changes + issuers.changes + reading.changes
    result.changes += curate.run(plan, result.rows, text, registry)
    result.changes += indicators.run(result.rows, indicators.for_plan_directory(plan.directory, draft))
    _fill_issuer_names(result.rows, registry)
    return result


def _jurisdiction(plan: PlanSource, facts: extract_plans.PlanFacts, draft: bool = False) -> divisions.Division | None:
    code = plan.facts.get("admin_code")
    if code:
        try:
            return divisions.get(str(code))
        except KeyError:
            raise YigaiError(f"{code!r} is not a GB/T 2260 code", plan_id=plan.plan_id,
                             file=str(plan.directory / "source.yml"), field="facts.admin_code") from None
    if facts.jurisdiction is None and not draft:
        raise YigaiError("cannot tell which jurisdiction the plan governs (no division named in its issuer or title)",
                         plan_id=plan.plan_id, file=str(plan.directory / "source.yml"), field="facts.admin_code",
                         hint="add facts: admin_code: \"<six digits>\" to source.yml")
    return facts.jurisdiction


def _fill_issuer_names(rows: dict[str, list[dict]], registry: Registry) -> None:
    names = []
    for row in sorted(rows["plan_issuers"], key=lambda r: r["position"]):
        agency = registry.agencies.get(row["agency_id"]) if row.get("agency_id") else None
        names.append(agency.name if agency else (row.get("mention") or "[unknown]"))
    if rows["plan_issuers"] and min(r["position"] for r in rows["plan_issuers"]) > 1:
        names.insert(0, "[unknown]")
    rows["plans"][0]["issuer_names"] = "；".join(names) or None
