"""Draft the rows of every table for one new raw document, for a contributor to review before adding the plan.

This is what `yigai extract FILE` runs: the document is decoded (see decode: a byte-order mark, UTF-8, GB18030;
empty, binary and oversized files are refused with a clear error), wrapped as a plan without a
source.yml, and sent through the same pipeline as the build. The draft differs from a build in three ways: a plan
whose jurisdiction cannot be told gets null jurisdiction fields instead of an error, the agencies table lists only
the bodies the draft rows refer to, and any failure of a stage on odd input is reported as a note instead of
stopping (the rows that could still be read are returned).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from yigai import divisions, metadata, pipeline, sources, tables
from yigai.errors import YigaiError
from yigai.registry import Registry

DEFAULT_PLAN_ID = "draft-0000-01"
ENCODINGS = ("utf-8", "gb18030")
BOMS = ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"))
# Share of characters that may be undecodable before a file is refused as not text.
MAX_DAMAGE = 0.01
# The largest document `yigai extract` reads (a plan is rarely over 1 MB).
MAX_BYTES = 20 * 1024 * 1024
BINARY_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ue000-\uf8ff]")


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


class NotText(YigaiError):
    """The input is not a text document `yigai extract` can read (empty, binary, or in an unknown encoding)."""

    def __init__(self, message: str):
        super().__init__(message, hint="give a plan's text as UTF-8, GB18030/GBK or UTF-16 with a byte-order mark")


def decode(raw: bytes) -> tuple[str, str]:
    """Decode a raw document, or refuse it when it is not a text document.

    Tried in order: a byte-order mark (UTF-8, UTF-16 LE/BE), then strict UTF-8, then strict GB18030, then UTF-8
    with undecodable bytes replaced when they are few (a page with some damaged bytes is still worth drafting).

    Returns:
        (text, name of the encoding used).

    Raises:
        NotText: an empty file, a file of NUL bytes or control characters (binary data, an image, random bytes),
            or one in which more than MAX_DAMAGE of the characters cannot be decoded.
    """
    if not raw.strip():
        raise NotText("the file is empty" if not raw else "the file holds only whitespace")
    for bom, encoding in BOMS:
        if raw.startswith(bom):
            try:
                return _checked(raw[len(bom):].decode(encoding)), encoding
            except UnicodeDecodeError as exc:
                raise NotText(f"the file starts with a {encoding} byte-order mark but is not valid {encoding} "
                              f"(at byte {exc.start + len(bom)})") from None
    if b"\x00" in raw[:65536]:
        raise NotText("the file contains NUL bytes: it is binary data, or UTF-16 text without a byte-order mark "
                      "(save it as UTF-8)")
    for encoding in ENCODINGS:
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            continue
        if not _looks_binary(text):
            return _checked(text), encoding
    text = raw.decode("utf-8", errors="replace")
    damaged = text.count("\ufffd")
    if damaged > MAX_DAMAGE * len(text):
        raise NotText(f"{damaged} of its {len(text)} characters are not valid UTF-8 or GB18030: it is not a text "
                      "document in a supported encoding (UTF-8, GB18030/GBK, UTF-16 with a byte-order mark)")
    return _checked(text), "utf-8 (undecodable bytes replaced)"


def _checked(text: str) -> str:
    """Refuse decoded text that is mostly control characters (binary data that happened to decode)."""
    if _looks_binary(text):
        raise NotText("the file is mostly control characters or private-use code points: it is binary data, not text")
    if not text.strip():
        raise NotText("the file holds no text")
    return text


def _looks_binary(text: str) -> bool:
    """True when a decoded text is mostly control characters or private-use code points (random bytes)."""
    if not text:
        return False
    odd = len(BINARY_CHARACTERS.findall(text))
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
        YigaiError: for errors in the arguments (a plan_id or admin_code that is not valid).
        NotText: when the document is not text (see decode) or is larger than MAX_BYTES.
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
    if len(raw) > MAX_BYTES:
        raise NotText(f"the document is larger than {MAX_BYTES // (1024 * 1024)} MB, more than any plan document")
    try:
        text, encoding = decode(raw)
    except NotText as exc:
        exc.file = exc.file or name
        raise
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
    """Read a document's bytes, naming the file when it cannot be read or is larger than MAX_BYTES."""
    try:
        with open(path, "rb") as handle:
            raw = handle.read(MAX_BYTES + 1)
    except OSError as exc:
        raise YigaiError(f"cannot read the file: {exc.strerror}", file=str(path)) from None
    if len(raw) > MAX_BYTES:
        raise YigaiError(f"the file is larger than {MAX_BYTES // (1024 * 1024)} MB, more than any plan document: "
                         "split it into its plans first", file=str(path))
    return raw
