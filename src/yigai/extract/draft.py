"""Draft the rows of every table for one new raw document, for a contributor to review before adding the plan.

This is what `yigai extract FILE` runs: the document is decoded (UTF-8, else GB18030), wrapped as a plan without a
source.yml, and sent through the same pipeline as the build. The draft differs from a build in three ways: a plan
whose jurisdiction cannot be told gets null jurisdiction fields instead of an error, the agencies table lists only
the bodies the draft rows refer to, and any failure of a stage on odd input is reported as a note instead of
stopping (the rows that could still be read are returned).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from yigai import divisions, metadata, pipeline, sources, tables
from yigai.errors import YigaiError
from yigai.registry import Registry

DEFAULT_PLAN_ID = "draft-0000-01"
ENCODINGS = ("utf-8-sig", "gb18030")


@dataclass
class Draft:
    """The draft rows of one document.

    Attributes:
        tables: rows per table name (every table of the package), with the package's columns in order.
        encoding: how the bytes were decoded (utf-8, gb18030, or "utf-8 (undecodable bytes replaced)").
        notes: what a reviewer should know (stages that failed, duplicate keys).
        text: the normalised text the offsets point into.
    """

    tables: dict[str, list[dict]]
    encoding: str
    notes: list[str] = field(default_factory=list)
    text: str = ""


def decode(raw: bytes) -> tuple[str, str]:
    """Decode a raw document: UTF-8 (with or without BOM), else GB18030, else UTF-8 with undecodable bytes replaced.

    Returns:
        (text, name of the encoding used).
    """
    for encoding in ENCODINGS:
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            continue
        if encoding == "gb18030" and _looks_binary(text):
            break
        return text, "utf-8" if encoding == "utf-8-sig" else encoding
    return raw.decode("utf-8", errors="replace"), "utf-8 (undecodable bytes replaced)"


def _looks_binary(text: str) -> bool:
    """True when a decoded text is mostly control characters or private-use code points (random bytes)."""
    if not text:
        return False
    odd = sum(1 for ch in text if (ord(ch) < 32 and ch not in "\n\r\t") or 0xE000 <= ord(ch) <= 0xF8FF)
    return odd / len(text) > 0.05


@dataclass
class _DraftSource(sources.PlanSource):
    """A plan without source.yml whose raw bytes were decoded by `decode` (the hash stays that of the raw bytes)."""

    decoded: str = ""

    @property
    def raw_text(self) -> str:
        """The decoded document."""
        return self.decoded


def _plan(raw: bytes, text: str, plan_id: str, name: str, admin_code: str | None) -> _DraftSource:
    base = sources.unsourced_plan(raw, plan_id, name)
    plan = _DraftSource(plan_id=base.plan_id, directory=base.directory, raw_bytes=raw, source=base.source, decoded=text)
    if admin_code:
        plan.source["facts"]["admin_code"] = str(admin_code)
    return plan


def run(raw: bytes, plan_id: str = DEFAULT_PLAN_ID, registry: Registry | None = None, admin_code: str | None = None,
        name: str = "draft") -> Draft:
    """Draft every table for one raw document.

    Args:
        raw: the document's bytes as captured.
        plan_id: the plan_id to give the draft rows.
        registry: the agency registry to resolve bodies against (empty when None).
        admin_code: the jurisdiction's GB/T 2260 code, for documents that do not name it.
        name: the document's file name (recorded as its original name).

    Raises:
        YigaiError: only for errors in the arguments (a plan_id or admin_code that is not valid).
    """
    if not sources.PLAN_ID_PATTERN.fullmatch(plan_id):
        raise YigaiError(f"{plan_id!r} is not a valid plan_id (lowercase pinyin words, year, two-digit serial, "
                         "e.g. wenzhou-lucheng-2017-01)", field="--plan-id")
    if admin_code:
        try:
            divisions.get(str(admin_code))
        except KeyError:
            raise YigaiError(f"{admin_code!r} is not a GB/T 2260 division code", field="--admin-code") from None
    registry = registry or Registry()
    text, encoding = decode(raw)
    plan = _plan(raw, text, plan_id, name, admin_code)
    notes: list[str] = []
    try:
        result = pipeline.run(plan, registry, draft=True)
    except YigaiError as exc:
        notes.append(f"the pipeline stopped: {exc}")
        result = _fallback(plan, text, notes)
    except Exception as exc:  # noqa: BLE001 - a draft must never crash; the note says what failed
        notes.append(f"the pipeline failed on this document ({type(exc).__name__}: {exc}); only the rows that "
                     "could be read are drafted")
        result = _fallback(plan, text, notes)
    rows = dict(result.rows)
    rows["corrections"] = result.correction_rows()
    referenced = sorted({r.get("agency_id") for name in ("plan_issuers", "responsibilities")
                         for r in rows.get(name, []) if r.get("agency_id")})
    rows["agencies"] = []
    for agency_id in referenced:
        agency = registry.agencies.get(agency_id)
        try:
            rows["agencies"].append(agency.as_row())
        except (AttributeError, KeyError):
            notes.append(f"agency {agency_id} is referenced but cannot be described")
    out = {}
    for table in metadata.table_names():
        try:
            out[table] = tables.complete_rows(table, rows.get(table, []))
        except YigaiError as exc:
            notes.append(f"{table}: {exc}")
            out[table] = [{c: row.get(c) for c in metadata.columns(table)} for row in rows.get(table, [])]
    return Draft(out, encoding, notes, result.text)


def _fallback(plan: sources.PlanSource, text: str, notes: list[str]) -> pipeline.PlanResult:
    """Read what can still be read, stage by stage, when the pipeline fails on a document."""
    from yigai import normalise
    from yigai.extract import plans, targets, tasks

    result = pipeline.PlanResult(plan_id=plan.plan_id, text=text)
    stages = [("normalise", lambda: setattr(result, "text", normalise.run(text, []).text))]
    facts = plans.PlanFacts()
    found: dict[str, list[dict]] = {"tasks": [], "targets": []}

    def read_facts():
        nonlocal facts
        facts = plans.run(result.text)

    stages += [("plans", read_facts),
               ("tasks", lambda: found.__setitem__("tasks", tasks.run(plan.plan_id, result.text, facts.body_start))),
               ("targets", lambda: found.__setitem__("targets", targets.run(plan.plan_id, result.text, found["tasks"],
                                                                             facts)))]
    for stage, call in stages:
        try:
            call()
        except Exception as exc:  # noqa: BLE001 - report and go on with the next stage
            notes.append(f"stage {stage} failed: {type(exc).__name__}: {exc}")
    result.rows = {
        "plans": [{"plan_id": plan.plan_id, "title": facts.title.text if facts.title else None,
                   "notice_title": facts.notice_title.text if facts.notice_title else None,
                   "doc_number": facts.doc_number, "issue_date": facts.issue_date,
                   "publish_date": facts.publish_date, "source_sha256": plan.sha256,
                   "text_path": f"texts/{plan.plan_id}.txt"}],
        "tasks": found["tasks"], "targets": found["targets"],
    }
    return result


def read_file(path: Path) -> bytes:
    """Read a document's bytes, naming the file when it cannot be read."""
    try:
        return path.read_bytes()
    except OSError as exc:
        raise YigaiError(f"cannot read the file: {exc.strerror}", file=str(path)) from None
