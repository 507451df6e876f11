"""Apply a plan's human-reviewed facts (source.yml) and row corrections (corrections.yml) to its extracted rows."""

from __future__ import annotations

from typing import Any

from yigai import divisions, metadata
from yigai.changes import Change
from yigai.errors import StaleCorrectionError, YigaiError
from yigai.registry import Registry
from yigai.sources import CORRECTIONS_FILE, SOURCE_FILE, Correction, PlanSource

PLAN_FACT_FIELDS = ("title", "notice_title", "doc_number", "jurisdiction", "admin_code", "admin_level", "issue_date",
                    "publish_date")


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _apply_facts(plan: PlanSource, rows: dict[str, list[dict]], registry: Registry) -> list[Change]:
    """Let source.yml's curated facts win over extraction, recording every disagreement."""
    changes: list[Change] = []
    facts = dict(plan.facts)
    if "admin_code" in facts and facts["admin_code"] is not None:
        division = divisions.get(str(facts["admin_code"]))
        facts.setdefault("admin_level", division.level)
        facts.setdefault("jurisdiction", division.full_name)
    row = rows["plans"][0]
    for name in PLAN_FACT_FIELDS:
        if name not in facts:
            continue
        wanted = None if facts[name] is None else str(facts[name])
        if _text(row.get(name)) != _text(wanted):
            changes.append(Change("curate", "plan-fact", "curated", _text(row.get(name)), _text(wanted),
                                  f"{SOURCE_FILE} facts.{name} records the value a careful reader of the page gives"))
            row[name] = wanted
    if "issuers" in facts:
        changes += _apply_issuers(plan, rows, registry, facts["issuers"] or [])
    return changes


def _apply_issuers(plan: PlanSource, rows: dict[str, list[dict]], registry: Registry,
                   names: list[str | None]) -> list[Change]:
    changes: list[Change] = []
    extracted = {r["agency_id"]: r for r in rows["plan_issuers"] if r.get("agency_id")}
    curated: list[dict] = []
    for position, name in enumerate(names, start=1):
        if name is None:
            changes.append(Change("curate", "issuer", "flagged", "", "",
                                  f"signing body {position} is not legible on the page ({SOURCE_FILE} records it as "
                                  "unknown); it is left out of plan_issuers"))
            continue
        agency = registry.by_name(str(name))
        if agency is None:
            raise YigaiError(f"issuer {name!r} is not in the agency registry", plan_id=plan.plan_id,
                             file=str(plan.directory / SOURCE_FILE), field="facts.issuers",
                             hint="facts.issuers names registry bodies by their full name: correct the name, or "
                                  "add the body to sources/agencies.yml (see docs/contributing.md, Agencies)")
        found = extracted.get(agency.agency_id)
        curated.append({"plan_id": plan.plan_id, "position": position, "agency_id": agency.agency_id,
                        "mention": found["mention"] if found else None,
                        "char_start": found["char_start"] if found else None,
                        "char_end": found["char_end"] if found else None})
        if not found:
            changes.append(Change("curate", "issuer", "curated", "", agency.name,
                                  f"{SOURCE_FILE} names signing body {position}, which extraction did not find"))
    dropped = [r for r in rows["plan_issuers"] if r.get("agency_id") not in {c["agency_id"] for c in curated}]
    for row in dropped:
        changes.append(Change("curate", "issuer", "curated", _text(row.get("mention")), "",
                              f"{SOURCE_FILE} does not list this body among the signers"))
    rows["plan_issuers"] = curated
    return changes


def _key_matches(row: dict, key: dict[str, Any]) -> bool:
    return all(_text(row.get(k)) == _text(v) for k, v in key.items())


def _stale(plan: PlanSource, correction: Correction, message: str, field: str = "expect") -> StaleCorrectionError:
    return StaleCorrectionError(message, plan_id=plan.plan_id, file=str(plan.directory / CORRECTIONS_FILE),
                                field=f"corrections[{correction.index}].{field}",
                                hint="the extracted data changed since this correction was written: check whether "
                                     "it is still needed, then update or remove it")


def _apply_row_correction(plan: PlanSource, rows: dict[str, list[dict]], text: str, correction: Correction) -> Change:
    table = correction.table
    if table not in rows:
        raise YigaiError(f"unknown table {table!r}", plan_id=plan.plan_id, file=str(plan.directory / CORRECTIONS_FILE),
                         field=f"corrections[{correction.index}].table")
    columns = metadata.columns(table)
    if correction.action == "add":
        new = {c: correction.value.get(c) for c in columns}
        if "plan_id" in columns:
            new["plan_id"] = plan.plan_id
        unknown = set(correction.value) - set(columns)
        if unknown:
            raise _stale(plan, correction, f"unknown columns {sorted(unknown)} for table {table}", "value")
        key = {k: new[k] for k in metadata.primary_key(table)}
        if any(_key_matches(r, key) for r in rows[table]):
            raise _stale(plan, correction, f"a {table} row with key {key} already exists; the correction is stale",
                         "value")
        _check_quote(plan, correction, new, text)
        rows[table].append(new)
        return Change("curate", correction.kind, "curated", "", _describe(new), correction.reason,
                      new.get("char_start"), new.get("char_end"))
    matches = [r for r in rows[table] if _key_matches(r, correction.key or {})]
    if len(matches) != 1:
        raise _stale(plan, correction, f"{len(matches)} {table} rows have key {correction.key} (expected exactly 1)",
                     "key")
    row = matches[0]
    if correction.action == "delete":
        if correction.expect is not None and _text(row.get(correction.field or "")) != _text(correction.expect) \
                and correction.field:
            raise _stale(plan, correction, f"{correction.field} is {row.get(correction.field)!r}, "
                                           f"not the expected {correction.expect!r}")
        rows[table].remove(row)
        return Change("curate", correction.kind, "curated", _describe(row), "", correction.reason,
                      row.get("char_start"), row.get("char_end"))
    if correction.field not in columns:
        raise _stale(plan, correction, f"table {table} has no column {correction.field!r}", "field")
    if _text(row.get(correction.field)) != _text(correction.expect):
        raise _stale(plan, correction, f"{table} {correction.key} {correction.field} is "
                                       f"{row.get(correction.field)!r}, not the expected {correction.expect!r}")
    row[correction.field] = correction.value
    _check_quote(plan, correction, row, text)
    return Change("curate", correction.kind, "curated", _text(correction.expect), _text(correction.value),
                  f"{table} {correction.key} {correction.field}: {correction.reason}",
                  row.get("char_start"), row.get("char_end"))


def _check_quote(plan: PlanSource, correction: Correction, row: dict, text: str) -> None:
    start, end = row.get("char_start"), row.get("char_end")
    quote = row.get("quote")
    if quote is not None and start is not None and end is not None and text[int(start):int(end)] != quote:
        raise YigaiError(f"quote {quote!r} is not the text at {start}:{end} ({text[int(start):int(end)]!r})",
                         plan_id=plan.plan_id, file=str(plan.directory / CORRECTIONS_FILE),
                         field=f"corrections[{correction.index}].value")


def _describe(row: dict) -> str:
    return "; ".join(f"{k}={v}" for k, v in row.items() if v not in (None, "") and k not in ("plan_id",))


def run(plan: PlanSource, rows: dict[str, list[dict]], text: str, registry: Registry) -> list[Change]:
    """Apply curated facts, then row corrections, to a plan's rows in place.

    Returns:
        The changes made, for the corrections report.

    Raises:
        StaleCorrectionError: when a correction's `expect` or key no longer matches the extracted rows.
    """
    changes = _apply_facts(plan, rows, registry)
    for correction in plan.row_corrections():
        changes.append(_apply_row_correction(plan, rows, text, correction))
    return changes
