"""Add a new plan from its raw page in one step: `yigai add FILE --plan-id ID`.

The file is drafted like `yigai extract FILE` (yigai.extract.draft), then, in one transaction:

1. `sources/ID/` is written: `raw.txt` (the bytes exactly as given), `source.yml` (sha256, original name, encoding,
   url, capture date, licence, and the facts the draft found, those it was unsure of marked `# REVIEW:`) and an
   empty `corrections.yml` with a commented example (yigai.newplan);
2. every body the plan names that the registry lacks is appended to `sources/agencies.yml` as a proposed entry
   (`status: proposed`, `proposed_by: ID`, `mention`);
3. the package is rebuilt from sources/ into a staging folder and validated, and the golden counts are recorded
   with the reason `add ID` in a staged copy of validation/;
4. only when all of that succeeded do the staged package and golden counts replace `datapackage/` and
   `validation/golden_counts.json`.

On any failure or interruption, sources/, datapackage/ and validation/ are put back exactly as they were. Before
anything is written the file and the id are checked, and these are refused: a plan_id that breaks the documented
pattern or already exists, a file whose bytes are already another plan's raw.txt, a file that is not text (see
yigai.extract.draft.decode), and a plan whose jurisdiction cannot be told (pass --admin-code).
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
import os
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from yigai import cache, divisions, newplan, registry as registry_module, sources
from yigai.errors import UsageError, YigaiError
from yigai.extract import draft as drafting

SCRATCH = ".yigai-add-"  # prefix of the files and folders written aside (git-ignored; removed when add ends)
URL_PATTERN = re.compile(r"https?://[^\s\x00-\x1f\x7f]+")
CHECKLIST_FIELDS = ("title", "notice_title", "doc_number", "jurisdiction", "admin_code", "admin_level", "issue_date",
                    "publish_date", "issuer_names")


class Refused(YigaiError):
    """`yigai add` refuses the file or the id; nothing was written."""


@dataclass
class Request:
    """What the contributor gives `yigai add`.

    Attributes:
        file: the raw page as captured.
        plan_id: the id the plan gets (lowercase pinyin words, year, two-digit serial).
        url: where the page was captured, if known.
        captured: when it was captured, if known.
        admin_code: the jurisdiction's GB/T 2260 code, for a page that does not name it.
    """

    file: Path
    plan_id: str
    url: str | None = None
    captured: dt.date | None = None
    admin_code: str | None = None


@dataclass
class Added:
    """What `yigai add` wrote and what the reviewer should check.

    Attributes:
        plan_id: the new plan.
        files: the files written or changed, relative to the repository.
        plan_row: the plan's row of the plans table.
        counts: the plan's rows per table.
        flags: the plan's flagged entries of the corrections report (kind, original, replacement, reason).
        reviews: (fact, why) for every fact of source.yml marked for review.
        proposals: (agency_id, name, mention) of every body proposed for the registry.
        counts_changed: what the golden counts update changed (one line per plan).
        built: whether the package was rebuilt and the golden counts recorded.
        encoding: the encoding of the raw file.
    """

    plan_id: str
    files: list[str]
    plan_row: dict[str, Any]
    counts: dict[str, int]
    flags: list[dict[str, Any]]
    reviews: list[tuple[str, str]]
    proposals: list[tuple[str, str, str]]
    counts_changed: list[str] = field(default_factory=list)
    built: bool = True
    encoding: str = "utf-8"

    def to_dict(self) -> dict[str, Any]:
        """The result as plain data (for --format json)."""
        return {"plan_id": self.plan_id, "built": self.built, "encoding": self.encoding, "files": self.files,
                "plan": self.plan_row, "counts": self.counts,
                "reviews": [{"fact": f, "why": w} for f, w in self.reviews],
                "proposals": [{"agency_id": a, "name": n, "mention": m} for a, n, m in self.proposals],
                "flags": self.flags, "golden_counts": self.counts_changed}

    def to_text(self) -> str:
        """The review checklist for people."""
        return checklist(self)


def check_request(request: Request, sources_dir: Path) -> tuple[bytes, str]:
    """Refuse what must not be added, before anything is written; returns the raw bytes and their sha256.

    Raises:
        UsageError: for an id, url or admin code that is not valid (exit status 2).
        Refused: for an existing plan, a file already added under another id, or a file that is not text.
    """
    plan_id = request.plan_id
    if not sources.PLAN_ID_PATTERN.fullmatch(plan_id or ""):
        raise UsageError(f"{plan_id!r} is not a valid plan_id", field="--plan-id",
                         hint="lowercase pinyin words of the jurisdiction, the year of issue and a two-digit serial, "
                              "e.g. haidian-2021-01")
    if request.url is not None and not URL_PATTERN.fullmatch(request.url):
        raise UsageError(f"{request.url!r} is not an http(s) URL", field="--url",
                         hint="give the page's address as captured, e.g. https://www.example.gov.cn/art/1.html")
    if request.admin_code is not None:
        try:
            divisions.get(str(request.admin_code))
        except KeyError:
            raise UsageError(f"{request.admin_code!r} is not a GB/T 2260 division code", field="--admin-code",
                             hint="six digits, e.g. 130606 for 保定市莲池区") from None
    if not sources_dir.is_dir():
        raise UsageError("sources directory not found", file=str(sources_dir),
                         hint="run from the repository root or pass --sources DIR")
    target = sources_dir / plan_id
    if target.exists() or target.is_symlink():
        raise Refused(f"plan {plan_id} already exists", file=str(target), field="--plan-id",
                      hint="a plan_id is never reused: choose the next serial (e.g. …-02), or correct the existing "
                           "plan with its corrections.yml")
    raw = drafting.read_file(request.file)
    digest = hashlib.sha256(raw).hexdigest()
    twin = same_document(sources_dir, raw, digest)
    if twin is not None:
        raise Refused(f"this file is already the raw.txt of plan {twin} (same sha256 {digest})", file=str(request.file),
                      hint="a document is added once, under one plan_id; to change that plan, edit its "
                           "corrections.yml")
    try:
        drafting.decode(raw)
    except drafting.NotText as exc:
        raise Refused(exc.message, file=str(request.file), hint=exc.hint) from None
    return raw, digest


def same_document(sources_dir: Path, raw: bytes, digest: str) -> str | None:
    """The plan whose raw.txt has these bytes (only files of the same size are hashed), else None."""
    for directory in sources.plan_directories(sources_dir):
        path = directory / sources.RAW_FILE
        try:
            if path.is_file() and path.stat().st_size == len(raw) and \
                    hashlib.sha256(path.read_bytes()).hexdigest() == digest:
                return directory.name
        except OSError:
            continue
    return None


def draft(request: Request, raw: bytes, agency_registry: registry_module.Registry,
          check_year: bool = True) -> drafting.Draft:
    """Draft every table of the new plan, refusing a plan whose jurisdiction cannot be told, or (check_year) whose
    date of issue is in another year than its plan_id says (validation would refuse the package)."""
    result = drafting.run(raw, plan_id=request.plan_id, registry=agency_registry, admin_code=request.admin_code,
                          name=request.file.name)
    row = result.tables["plans"][0] if result.tables["plans"] else {}
    if not row.get("admin_code"):
        raise Refused("cannot tell which jurisdiction the plan governs: its issuer and title name no division",
                      file=str(request.file), field="--admin-code",
                      hint="pass --admin-code with the GB/T 2260 code of the jurisdiction (e.g. --admin-code 110108)")
    year = request.plan_id.split("-")[-2]
    if check_year and row.get("issue_date") and not str(row["issue_date"]).startswith(year):
        raise Refused(f"the page was issued on {row['issue_date']}, but the plan_id says {year}", field="--plan-id",
                      hint=f"the plan_id holds the year of issue (e.g. {request.plan_id[:-7]}"
                           f"{str(row['issue_date'])[:4]}-01); if the date was misread, add the plan with --no-build "
                           "and correct facts.issue_date in its source.yml")
    return result


class Transaction:
    """Writes to sources/, datapackage/ and validation/ that are all undone unless the block succeeds."""

    def __init__(self, scratch_parent: Path):
        self.scratch = Path(tempfile.mkdtemp(prefix=SCRATCH, dir=scratch_parent))
        self.created: list[Path] = []
        self.originals: dict[Path, bytes | None] = {}
        self.moves: list[tuple[Path, Path]] = []

    def __enter__(self) -> Transaction:
        return self

    def __exit__(self, kind, value, traceback) -> None:
        try:
            if kind is not None:
                self.rollback()
        finally:
            shutil.rmtree(self.scratch, ignore_errors=True)

    def make_folder(self, target: Path, files: dict[str, bytes]) -> None:
        """Create a new folder with these files (written aside, then renamed into place)."""
        staged = Path(tempfile.mkdtemp(prefix=f"{SCRATCH}{target.name}-", dir=target.parent))
        self.created.append(staged)
        for name, data in files.items():
            (staged / name).write_bytes(data)
        os.chmod(staged, 0o755)  # as a folder made by hand (mkdtemp makes it private)
        os.rename(staged, target)
        self.created[-1] = target

    def replace_file(self, target: Path, data: bytes) -> None:
        """Replace a file's bytes (atomically), remembering the old ones."""
        if target not in self.originals:
            self.originals[target] = target.read_bytes() if target.is_file() else None
        cache.write_atomic(target, data, prefix=SCRATCH)

    def swap_in(self, staged: Path, target: Path) -> None:
        """Put `staged` (a file or folder) in place of `target`, keeping the old one aside until the end."""
        aside = self.scratch / f"old-{len(self.moves)}-{target.name}"
        if target.exists():
            os.replace(target, aside)
            self.moves.append((aside, target))
        else:
            self.moves.append((Path(), target))
        os.replace(staged, target)

    def rollback(self) -> None:
        """Put everything back as it was before the transaction."""
        for aside, target in reversed(self.moves):
            if target.is_dir():
                shutil.rmtree(target, ignore_errors=True)
            elif target.exists():
                target.unlink()
            if aside != Path():
                os.replace(aside, target)
        for target, data in self.originals.items():
            if data is None:
                target.unlink(missing_ok=True)
            else:
                cache.write_atomic(target, data, prefix=SCRATCH)
        for folder in reversed(self.created):
            shutil.rmtree(folder, ignore_errors=True)


class ValidationFailed(YigaiError):
    """The package rebuilt with the new plan is not valid; nothing was kept."""


def run(request: Request, sources_dir: Path = Path("sources"), package_dir: Path = Path("datapackage"),
        suites_dir: Path | None = None, build: bool = True, jobs: int = 1, cache_dir: Path | None = None,
        progress: Callable[[str], None] | None = None) -> Added:
    """Add one plan: write its sources, propose its bodies, rebuild, validate and record its golden counts.

    Args:
        request: the file and what the contributor says about it.
        sources_dir: the folder of plan folders and agencies.yml.
        package_dir: the package to rebuild.
        suites_dir: the folder of expectation suites and golden counts (found as `yigai validate` finds it).
        build: rebuild and record the counts (False: write the sources only).
        jobs: worker processes for the build.
        cache_dir: the build cache (None: build every plan).
        progress: told what is being done.

    Raises:
        UsageError, Refused: before anything is written.
        ValidationFailed, YigaiError: when the rebuild or its validation fails; everything is then put back.
    """
    say = progress or (lambda message: None)
    raw, _ = check_request(request, sources_dir)
    registry_path = sources_dir / sources.REGISTRY_FILE
    agency_registry = registry_module.load(registry_path)
    known = set(agency_registry.agencies)
    say("drafting")
    result = draft(request, raw, agency_registry, check_year=build)  # adds the bodies it drafts to the registry
    files = newplan.compose(request.plan_id, raw, request.file.name, result, known,
                            request.url, request.captured, request.admin_code is not None)
    current = registry_path.read_text(encoding="utf-8") if registry_path.is_file() else ""
    registry_new = newplan.registry_text(current, request.plan_id, files.proposals)
    if build:
        suites_dir = _suites(sources_dir, suites_dir)
    plan_dir = sources_dir / request.plan_id
    written = [str(plan_dir / name) for name in (sources.RAW_FILE, sources.SOURCE_FILE, sources.CORRECTIONS_FILE)]
    with Transaction(package_dir.resolve().parent) as tx:
        tx.make_folder(plan_dir, {sources.RAW_FILE: raw, sources.SOURCE_FILE: files.source_yml.encode("utf-8"),
                                  sources.CORRECTIONS_FILE: files.corrections_yml.encode("utf-8")})
        if registry_new != current:
            tx.replace_file(registry_path, registry_new.encode("utf-8"))
            written.append(str(registry_path))
        registry_module.load(registry_path)
        sources.read_plan(plan_dir)
        if not build:
            return _unbuilt(request.plan_id, written, files, result)
        added = _build(request.plan_id, tx, sources_dir, package_dir, suites_dir, jobs, cache_dir, say)
    added.files = written + [str(package_dir), str(suites_dir / "golden_counts.json")]
    added.reviews, added.encoding = files.reviews(), files.encoding
    added.proposals = [(p.agency_id, p.name, p.mention) for p in files.proposals]
    return added


def _suites(sources_dir: Path, given: Path | None) -> Path:
    """The validation/ folder whose golden counts the new plan's are recorded in (the repository's, by default)."""
    from yigai.validate import counts

    suites = given if given is not None else sources_dir.resolve().parent / "validation"
    if not (suites / counts.FILE).is_file():
        raise UsageError("no golden counts to record the new plan's in", file=str(suites / counts.FILE),
                         hint="run from the repository root (next to sources/ and validation/), or pass --suites DIR")
    return suites


def _build(plan_id: str, tx: Transaction, sources_dir: Path, package_dir: Path, suites_dir: Path, jobs: int,
           cache_dir: Path | None, say: Callable[[str], None]) -> Added:
    """Rebuild and validate into the transaction's scratch folder, then swap the results in."""
    from yigai import package, validate
    from yigai.validate import counts

    staged = tx.scratch / "datapackage"
    say("building")
    package.run(sources_dir, staged, jobs=jobs, cache_dir=cache_dir)
    staged_suites = tx.scratch / "validation"
    shutil.copytree(suites_dir, staged_suites)
    say("validating")
    report = validate.run(staged, suites_dir=staged_suites, update_counts=f"add {plan_id}")
    if not report.valid:
        raise ValidationFailed(
            f"the package rebuilt with {plan_id} is not valid, so nothing was added:\n{report.to_text()}",
            plan_id=plan_id, hint=f"the problems above came with the new plan: run `yigai add … --no-build` "
                                  "to write its sources only, fix them with facts or corrections, then `make build` "
                                  f"and `yigai validate datapackage --update-counts \"add {plan_id}\"`")
    golden = json.loads((staged_suites / counts.FILE).read_text(encoding="utf-8"))
    added = Added(plan_id, [], _plan_row(staged, plan_id), dict(golden["plans"][plan_id]["counts"]),
                  _flags(staged, plan_id), [], [], counts_changed=list(report.fixed))
    tx.swap_in(staged, package_dir)
    tx.swap_in(staged_suites / counts.FILE, suites_dir / counts.FILE)
    return added


def _rows(package_dir: Path, table: str, plan_id: str):
    with open(package_dir / "data" / f"{table}.csv", encoding="utf-8", newline="") as handle:
        yield from (row for row in csv.DictReader(handle) if row.get("plan_id") == plan_id)


def _plan_row(package_dir: Path, plan_id: str) -> dict[str, Any]:
    row = next(_rows(package_dir, "plans", plan_id), {})
    return {name: row.get(name) or None for name in CHECKLIST_FIELDS}


def _flags(package_dir: Path, plan_id: str) -> list[dict[str, Any]]:
    return [{k: row.get(k) for k in ("kind", "original", "replacement", "reason")}
            for row in _rows(package_dir, "corrections", plan_id) if row.get("status") == "flagged"]


def _unbuilt(plan_id: str, written: list[str], files: newplan.PlanFiles, result: drafting.Draft) -> Added:
    """The checklist of a plan added without a rebuild: the draft's rows stand in for the package's."""
    row = result.tables["plans"][0]
    counts = {table: len(rows) for table, rows in result.tables.items() if rows and table != "agencies"}
    flags = [{k: r.get(k) for k in ("kind", "original", "replacement", "reason")}
             for r in result.tables["corrections"] if r.get("status") == "flagged"]
    return Added(plan_id, written, {name: row.get(name) for name in CHECKLIST_FIELDS}, counts, flags,
                 files.reviews(), [(p.agency_id, p.name, p.mention) for p in files.proposals], built=False,
                 encoding=files.encoding)


def checklist(added: Added, flag_limit: int = 200) -> str:
    """The review checklist: the plan row, rows per table, facts to review, proposed bodies, every flag, next steps."""
    plan_id = added.plan_id
    done = "rebuilt datapackage/ and recorded its golden counts (reason \"add " + plan_id + "\")" if added.built \
        else "did NOT rebuild (--no-build): the rows below are the draft's"
    lines = [f"Added {plan_id}: wrote sources/{plan_id}/ (raw.txt read as {added.encoding}), "
             f"{len(added.proposals)} proposed bodies in sources/agencies.yml; {done}.", "",
             "Review checklist", "", "1. The plan row (check each value against the page):"]
    width = max(len(name) for name in added.plan_row)
    lines += [f"     {name.ljust(width)}  {_shown(value)}" for name, value in added.plan_row.items()]
    lines += ["", "2. Rows per table: " + ", ".join(f"{t} {n}" for t, n in added.counts.items())]
    lines += ["", f"3. Facts marked REVIEW in sources/{plan_id}/source.yml ({len(added.reviews)}): check each "
              "against the page, correct the value if needed, delete the marker:"]
    lines += [f"     - {fact}: {why}" for fact, why in added.reviews] or ["     (none)"]
    lines += ["", f"4. Bodies proposed in sources/agencies.yml ({len(added.proposals)}): check each name, function "
              "and aliases, then delete its status, proposed_by and mention lines:"]
    lines += [f"     - {agency_id} {name} (printed {_shown(mention)})" for agency_id, name, mention in
              added.proposals] or ["     (none)"]
    lines += ["", f"5. Flags in the corrections report ({len(added.flags)}): read each; fix a wrong row with "
              f"sources/{plan_id}/corrections.yml:"]
    for flag in added.flags[:flag_limit]:
        change = f"{_shown(flag.get('original'))} → {_shown(flag.get('replacement'))}: " \
            if flag.get("original") or flag.get("replacement") else ""
        lines.append(f"     - [{flag.get('kind')}] {change}{_shown(flag.get('reason'))}")
    if len(added.flags) > flag_limit:
        lines.append(f"     - … and {len(added.flags) - flag_limit} more (see --format json)")
    if not added.flags:
        lines.append("     (none)")
    if added.counts_changed:
        lines += ["", "Golden counts recorded:"] + [f"     {line}" for line in added.counts_changed]
    lines += ["", "6. Then: make build (green), and commit:",
              f"     git add sources/{plan_id} sources/agencies.yml validation/golden_counts.json datapackage",
              f'     git commit -m "Add {plan_id}"']
    return "\n".join(lines) + "\n"


def _shown(value: Any, width: int = 120) -> str:
    """A value on one line, shortened, with control characters made visible."""
    from yigai.console import clean

    if value is None or value == "":
        return "(none)"
    text = " ".join(clean(str(value)).split())
    return text if len(text) <= width else text[:width - 1] + "…"
