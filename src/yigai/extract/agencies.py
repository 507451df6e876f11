"""Resolve the bodies a plan names to canonical agencies, and read who is responsible for each task."""

from __future__ import annotations

from dataclasses import dataclass, field

from yigai.changes import Change
from yigai.divisions import Division
from yigai.registry import Agency, Registry


@dataclass
class Resolution:
    """Rows produced by resolving mentions, and the report of what could not be resolved."""

    rows: list[dict] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)


def resolve(mention: str, jurisdiction: Division, registry: Registry) -> Agency | None:
    """Return the canonical body a mention names, looking in the plan's jurisdiction and the levels above it."""
    return registry.by_name(mention) or registry.by_alias(mention, jurisdiction.ancestors())


def resolve_issuers(mentions, jurisdiction: Division, registry: Registry) -> Resolution:
    """Resolve the signing bodies of a notice (spans with text/start/end) to plan_issuers rows."""
    result = Resolution()
    for position, span in enumerate(mentions, start=1):
        agency = resolve(span.text, jurisdiction, registry)
        if agency is None:
            result.changes.append(Change("extract", "unresolved-agency", "flagged", span.text, "",
                                         "signing body not found in the agency registry", span.start, span.end))
            continue
        result.rows.append({"position": position, "agency_id": agency.agency_id, "mention": span.text,
                            "char_start": span.start, "char_end": span.end})
    return result


def run(plan_id: str, text: str, tasks: list[dict], jurisdiction: Division, registry: Registry) -> Resolution:
    """Read the responsibility clauses of every task (implemented in the tasks/responsibilities work)."""
    return Resolution()
