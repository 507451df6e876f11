"""The files `yigai add` writes for a new plan: source.yml with its facts marked for review, corrections.yml, and the
registry entries it proposes.

Every file is composed as text, so that it reads like the hand-written ones (comments, key order) and the registry's
comments and order are kept: proposed bodies are appended to sources/agencies.yml, never re-dumped. A fact the
extraction was unsure of carries a `# REVIEW: <why>` comment on its line; a reviewer checks it against the page,
corrects the value if needed and deletes the marker (`review_markers` finds those still there). A proposed registry
entry carries `status: proposed`, `proposed_by` and `mention` (see yigai.registry).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from yigai import divisions, sources
from yigai.console import clean
from yigai.errors import YigaiError
from yigai.extract import draft as drafting
from yigai.extract import plans as extract_plans
from yigai.registry import PROPOSED

REVIEW = "REVIEW:"
REVIEW_MARK = re.compile(r"#\s*REVIEW:\s*(.*)$")
LICENCE_STATUS = "public-domain-official-document"
LICENCE_NOTE = ("An official document of a state organ; excluded from copyright protection by Article 5 of the\n"
                "    Copyright Law of the People's Republic of China. Site chrome and injected spam are not part of "
                "the document.")
# A flagged note of plan extraction (yigai.extract.plans) → the fact it is about: the first phrase found decides.
NOTE_FACTS = (("document number", "doc_number"), ("signature date", "issue_date"), ("notice", "notice_title"),
              ("title", "title"))
# Python's name of a raw file's encoding, as source.yml records it (the build decodes raw.txt with it, strictly).
SOURCE_ENCODINGS = {"utf-8": "utf-8", "gb18030": "gb18030"}
BOM_ENCODINGS = {"utf-8": "utf-8-sig", "utf-16-le": "utf-16", "utf-16-be": "utf-16"}


@dataclass
class Fact:
    """One fact of source.yml: its value and, when the extraction was unsure, why it needs review."""

    name: str
    value: Any
    note: str | None = None
    review: list[str] = field(default_factory=list)


@dataclass
class Proposal:
    """A body the new plan names that the registry lacks, as it will be proposed in sources/agencies.yml."""

    agency_id: str
    name: str
    admin_code: str
    function: str
    aliases: list[str]
    mention: str


@dataclass
class PlanFiles:
    """Everything `yigai add` writes for one plan, before it is written.

    Attributes:
        plan_id: the new plan.
        encoding: the encoding source.yml records (the raw bytes decode with it, strictly).
        facts: the facts of source.yml, in order, each with its review notes.
        proposals: bodies proposed for the registry, in agency_id order.
        source_yml: the text of source.yml.
        corrections_yml: the text of corrections.yml.
    """

    plan_id: str
    encoding: str
    facts: list[Fact]
    proposals: list[Proposal]
    source_yml: str
    corrections_yml: str

    def reviews(self) -> list[tuple[str, str]]:
        """(fact, why) for every fact marked for review, in the order of source.yml (a signer's under issuers)."""
        found = []
        for fact in self.facts:
            found += [(fact.name, why) for why in fact.review]
            if fact.name == "issuers":
                found += [(f"issuers[{i}]", note[len(REVIEW):].strip()) for i, (_, note) in
                          enumerate(fact.value, start=1) if note.startswith(REVIEW)]
        return found


def scalar(value: Any) -> str:
    """One YAML scalar as it is written in a flow context (quoted only where YAML needs it)."""
    if value is None:
        return "null"
    if isinstance(value, dt.date):
        return value.isoformat()
    text = yaml.safe_dump(value, allow_unicode=True, width=2**31 - 1, default_flow_style=True)
    text = text[:-len("\n...\n")] if text.endswith("\n...\n") else text.rstrip("\n")
    if isinstance(value, str) and text.startswith("'"):
        quoted = json.dumps(value, ensure_ascii=False)  # quoted as the hand-written files quote ("330302")
        return re.sub("[\x7f-\x9f\u2028\u2029\ufeff]", lambda m: f"\\u{ord(m.group()):04x}", quoted)
    return text


def comment(text: str) -> str:
    """Text for a YAML comment: one line, control characters shown, never ending the line early."""
    return re.sub(r"\s+", " ", clean(text.replace("\\", "\\\\"))).strip()


def source_encoding(raw: bytes, text: str, detected: str) -> str:
    """The encoding to record for raw bytes that `yigai.extract.draft.decode` read as `detected`.

    Raises:
        YigaiError: when the bytes only decode with replacements (the build reads raw.txt strictly).
    """
    has_bom = any(raw.startswith(bom) for bom, _ in drafting.BOMS)
    name = BOM_ENCODINGS.get(detected) if has_bom else SOURCE_ENCODINGS.get(detected)
    try:
        if name is None or raw.decode(name) != text:
            raise UnicodeDecodeError(detected, raw, 0, 1, "not the same text")
    except UnicodeDecodeError:
        raise YigaiError(f"the file was read as {detected}: some of its bytes are not valid UTF-8 or GB18030, and "
                         "the build reads raw.txt exactly as captured", field="FILE",
                         hint="capture the page again (save it as UTF-8), or repair the bytes before adding it; "
                              "`yigai extract FILE` shows what can be read") from None
    return name


def _flags(result: drafting.Draft) -> list[dict]:
    return [row for row in result.tables["corrections"] if row.get("status") == "flagged"]


def _issuers(result: drafting.Draft, registry_ids: set[str]) -> Fact:
    """The signing bodies in printed order: a registry body, a proposed one (review), or an unresolved one (null)."""
    spans = extract_plans.run(result.text).issuers
    rows = {int(r["position"]): r for r in result.tables["plan_issuers"] if r.get("agency_id")}
    names = {r["agency_id"]: r["agency_name"] for r in result.tables["agencies"]}
    fact = Fact("issuers", [])
    for position, span in enumerate(spans, start=1):
        row = rows.get(position)
        if row is None or row["agency_id"] not in names:
            fact.value.append((None, f"{REVIEW} the signer {span.text!r} could not be resolved to a body: write its "
                                     "full official name and add it to sources/agencies.yml, or leave null"))
        elif row["agency_id"] in registry_ids:
            fact.value.append((names[row["agency_id"]], f"registry {row['agency_id']}"))
        else:
            fact.value.append((names[row["agency_id"]], f"{REVIEW} signed by {span.text!r}, proposed as registry "
                                                        f"entry {row['agency_id']}: if you correct its name in "
                                                        "sources/agencies.yml, correct it here too"))
    if not spans:
        fact.review.append("no signing body was found on the page: list the bodies that signed the notice")
    if any(f["kind"] == "issuer-overwritten" for f in _flags(result)):
        fact.review.append("a signature line was overwritten on the page (see the corrections report)")
    return fact


def draft_facts(result: drafting.Draft, registry_ids: set[str], admin_code_given: bool) -> list[Fact]:
    """The facts of a new plan's source.yml from its draft, each with why it needs review (if it does)."""
    row = result.tables["plans"][0]
    division = divisions.get(str(row["admin_code"]))
    origin = "given with --admin-code" if admin_code_given else "read from the page"
    facts = [Fact("title", row.get("title")), Fact("notice_title", row.get("notice_title")),
             Fact("doc_number", row.get("doc_number")),
             Fact("admin_code", str(row["admin_code"]), note=f"{division.full_name}, {division.level} ({origin})"),
             Fact("issue_date", row.get("issue_date")), Fact("publish_date", row.get("publish_date")),
             _issuers(result, registry_ids)]
    by_name = {f.name: f for f in facts}
    missing = {"title": "no title was found: write the plan's title as printed",
               "issue_date": "no date of issue was found: write the date the notice was signed (YYYY-MM-DD)",
               "doc_number": "no document number (文号) was found: write it, or leave null if the page shows none"}
    for name, why in missing.items():
        if by_name[name].value is None:
            by_name[name].review.append(why)
    if by_name["notice_title"].value is None:
        by_name["notice_title"].note = "the page is the plan itself, with no notice issuing it"
    if by_name["publish_date"].value is None:
        by_name["publish_date"].note = "no publication date on the page as read; write it if the page gives one"
    for flag in _flags(result):
        if flag["kind"] == "plan-fact":
            reason = str(flag["reason"])
            target = next((fact for phrase, fact in NOTE_FACTS if phrase in reason), "title")
            by_name[target].review.append(reason)
        elif flag["kind"] == "date" and by_name["issue_date"].value is None:
            by_name["issue_date"].review.append(f"a date cannot be read: {flag['original']!r} ({flag['reason']})")
    return facts


def _fact_lines(fact: Fact) -> list[str]:
    notes = ([f"{REVIEW} {'; '.join(fact.review)}"] if fact.review else []) + ([fact.note] if fact.note else [])
    tail = f"  # {comment(' — '.join(notes))}" if notes else ""
    if fact.name != "issuers":
        value = fact.value
        if fact.name in ("issue_date", "publish_date") and value is not None:
            value = dt.date.fromisoformat(str(value))
        return [f"  {fact.name}: {scalar(value)}{tail}"]
    if not fact.value:
        return [f"  issuers: []{tail}"]
    head = f"  issuers:  # {comment(f'{REVIEW} ' + '; '.join(fact.review))}" if fact.review else "  issuers:"
    return [head] + [f"    - {scalar(name)}  # {comment(note)}" for name, note in fact.value]


def source_yml(plan_id: str, sha256: str, original_name: str, encoding: str, url: str | None,
               captured: dt.date | None, facts: list[Fact]) -> str:
    """The text of a new plan's source.yml."""
    lines = [
        f"# Provenance and curated facts for {plan_id}, written by `yigai add` from the draft of the page.",
        "# Human-owned: the build reads this file and never writes it. A fact whose line says REVIEW is one the",
        "# extraction was unsure of: check it against the page, correct the value if needed, delete the marker.",
        f"plan_id: {plan_id}",
        "raw:",
        f"  file: {sources.RAW_FILE}",
        f"  sha256: {sha256}",
        f"  original_name: {scalar(original_name)}",
        f"  encoding: {encoding}",
        f"  url: {scalar(url)}" + ("" if url else "  # where the page was captured, if known"),
        f"  captured: {scalar(captured)}" + ("" if captured else "  # when the page was captured (YYYY-MM-DD), "
                                                                  "if known"),
        "licence:",
        f"  status: {LICENCE_STATUS}  # a document a state organ issued; change it if the page is not one",
        "  note: >-",
        f"    {LICENCE_NOTE}",
        "facts:  # what a careful reader of the page knows; facts win over the extraction",
    ]
    for fact in facts:
        lines += _fact_lines(fact)
    return "\n".join(lines) + "\n"


def corrections_yml(plan_id: str) -> str:
    """The text of a new plan's corrections.yml: no correction yet, and a commented example of each kind."""
    return f"""# Curated fixes for {plan_id}, reviewed by a person. Each correction states the value it expects to replace
# (expect); when the pipeline no longer produces that value the correction is stale and the build stops.
# See docs/contributing.md, "Corrections". Examples (remove the # to use one):
#
#  - stage: text                    # fix the normalised text itself
#    kind: date
#    expect: "2021520"              # the exact text now in the normalised text
#    value: "2021年5月20日"
#    reason: The signature date lost 年, 月 and 日; the page's 发布日期 is 2021-05-20.
#  - stage: row                     # fix one field of one extracted row
#    table: targets
#    key: {{target_id: "{plan_id}:t003"}}
#    field: unit
#    expect: 个
#    value: 家
#    reason: The figure counts institutions (家), as the sentence says.
corrections: []
"""


def proposals(result: drafting.Draft, registry_ids: set[str]) -> list[Proposal]:
    """The bodies the draft refers to that the registry lacks, with the mention each was first read from."""
    mentions: dict[str, str] = {}
    for flag in result.tables["corrections"]:
        if flag.get("kind") == "draft-agency":
            for agency_id in re.findall(r"\b\d{6}-[a-z0-9-]*[a-z0-9]\b", str(flag.get("reason") or "")):
                mentions.setdefault(agency_id, str(flag.get("original") or ""))
    out = []
    for row in result.tables["agencies"]:
        if row["agency_id"] in registry_ids:
            continue
        aliases = [a for a in str(row.get("aliases") or "").split("|") if a]
        out.append(Proposal(row["agency_id"], row["agency_name"], str(row["admin_code"]), row["function"], aliases,
                            mentions.get(row["agency_id"]) or (aliases[0] if aliases else row["agency_name"])))
    return sorted(out, key=lambda p: p.agency_id)


def registry_text(current: str, plan_id: str, proposed: list[Proposal]) -> str:
    """The registry file with the proposed entries appended (its comments, order and bytes before them kept).

    Raises:
        YigaiError: when the entries cannot be appended to the file as it is laid out (nothing is changed).
    """
    if not proposed:
        return current
    items = re.findall(r"(?m)^( *)- agency_id:", current)
    text = current if current.endswith("\n") or not current else current + "\n"
    if items:
        indent = items[-1]
    elif re.search(r"(?m)^agencies:[ \t]*(#.*)?$", current):
        indent = "  "
    elif not re.search(r"(?m)^agencies:", current):
        text, indent = text + "agencies:\n", "  "
    else:
        indent = None
    if indent is None:
        raise _layout_error()
    pad = indent + "  "
    lines = [f"{indent}# Proposed by `yigai add` for {plan_id}: check each name, function and aliases against the "
             "plan,", f"{indent}# then delete the entry's status, proposed_by and mention lines."]
    for p in proposed:
        lines += [f"{indent}- agency_id: {p.agency_id}", f"{pad}name: {scalar(p.name)}",
                  f"{pad}admin_code: {scalar(p.admin_code)}", f"{pad}function: {p.function}",
                  f"{pad}aliases: [{', '.join(scalar(a) for a in p.aliases)}]", f"{pad}status: {PROPOSED}",
                  f"{pad}proposed_by: {plan_id}", f"{pad}mention: {scalar(p.mention)}"]
    new = text + "\n".join(lines) + "\n"
    try:
        before = yaml.safe_load(current) if current.strip() else None
        after = yaml.safe_load(new)
    except yaml.YAMLError:
        raise _layout_error() from None
    kept = (before or {}).get("agencies") or [] if isinstance(before, dict) else []
    if not isinstance(after, dict) or [a.get("agency_id") for a in after.get("agencies") or []] != \
            [a.get("agency_id") for a in kept] + [p.agency_id for p in proposed]:
        raise _layout_error()
    return new


def _layout_error() -> YigaiError:
    return YigaiError("cannot append the proposed bodies to the registry: its list of agencies is not the block list "
                      "at the end of the file", file=f"sources/{sources.REGISTRY_FILE}", field="agencies",
                      hint="keep `agencies:` as the last key, with one `- agency_id: …` entry per body")


def compose(plan_id: str, raw: bytes, original_name: str, result: drafting.Draft, registry_ids: set[str],
            url: str | None, captured: dt.date | None, admin_code_given: bool) -> PlanFiles:
    """Compose every file of a new plan from its draft (nothing is written).

    Raises:
        YigaiError: when the file cannot be recorded as it is (see source_encoding).
    """
    encoding = source_encoding(raw, drafting.decode(raw)[0], result.encoding)
    facts = draft_facts(result, registry_ids, admin_code_given)
    text = source_yml(plan_id, hashlib.sha256(raw).hexdigest(), Path(original_name).name, encoding, url, captured,
                      facts)
    data = yaml.load(text, Loader=sources._Loader)  # noqa: S506 - the sources' safe loader
    problems = sources.check_source_yml(data, Path(plan_id) / sources.SOURCE_FILE, plan_id)
    if problems:  # a bug in composing, never the contributor's: say what is wrong rather than write it
        raise YigaiError(f"the composed source.yml is not valid: {problems[0].message}", field=problems[0].field,
                         hint="this is a bug in yigai add: please report it with the file")
    return PlanFiles(plan_id, encoding, facts, proposals(result, registry_ids), text, corrections_yml(plan_id))


def review_markers(path: Path) -> list[tuple[int, str]]:
    """(line, why) of every `# REVIEW:` marker still in a YAML file (empty when there is none or no file)."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return []
    return [(n, match.group(1).strip()) for n, line in enumerate(lines, start=1)
            if not line.lstrip().startswith("#") and (match := REVIEW_MARK.search(line))]
