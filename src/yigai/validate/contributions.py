"""Check a contribution under sources/: each plan folder's files, the agency registry, and the package they build.

For every `sources/<plan_id>/` folder: the folder name is a plan_id; raw.txt and source.yml exist; source.yml and
corrections.yml follow their schema (yigai.sources); raw.txt still has the sha256 that source.yml records (its bytes
are the evidence and are never edited); and the plan runs through the whole pipeline, which is where a stale
correction (one whose `expect` no longer matches) shows up. The registry sources/agencies.yml is checked too. The
plans that pass are then built into a temporary package, which is validated like any package (Frictionless, suites,
golden counts), so a contributor sees every problem before opening a pull request.
"""

from __future__ import annotations

import hashlib
import tempfile
from pathlib import Path
from typing import Any

import yaml

from yigai import newplan, package, pipeline, registry as registry_module, sources
from yigai.errors import StaleCorrectionError, YigaiError
from yigai.validate import fix
from yigai.validate.report import WARNING, Problem

STALE_HINT = ("the pipeline no longer produces what this correction expects: check whether it is still needed, "
              "then update its expect/value or remove it")
SHA_HINT = ("raw.txt must stay byte for byte as captured: restore it (`git checkout -- {path}`); on Windows, set "
            "`git config core.autocrlf false` first. If a new capture replaces it, record its sha256 (`sha256sum "
            "raw.txt`) and capture facts in source.yml")


def _from_error(check: str, exc: YigaiError, file: str | None = None, hint: str | None = None) -> Problem:
    return Problem(check, exc.message, file=exc.file or file, row=exc.row, field=exc.field,
                   hint=exc.hint or hint)


def _yaml(path: Path) -> tuple[Any, dict[tuple, int], list[Problem]]:
    """Parse a YAML file, with format warnings (fixable by --fix) and a clear error when it cannot be read.

    Returns:
        (data, line of every key by path, problems); data is None when the file cannot be read (a problem says why).
    """
    problems = [Problem("format", change[len("not fixed: "):], file=str(path), severity=WARNING,
                        hint="check these lines by hand")
                if change.startswith("not fixed") else
                Problem("format", f"not in canonical form: {change} would fix it", file=str(path), severity=WARNING,
                        hint=f"run `yigai validate --fix {path.parent}`")
                for change in fix.scan(path)]
    try:
        data, lines = sources.load_yaml(path)
        return data, lines, problems
    except YigaiError as exc:
        check = "encoding" if "UTF-8" in exc.message else "yaml"
        return None, {}, problems + [_from_error(check, exc, str(path))]


def _outside(path: Path, root: Path) -> bool:
    """True when a contributed file is a symlink (or in a folder) that leads outside the sources folder."""
    try:
        resolved, base = path.resolve(), root.resolve()
    except (OSError, RuntimeError):
        return True
    return resolved != base and base not in resolved.parents


def _readable(problems: list[Problem]) -> bool:
    return not any(p.severity != WARNING for p in problems)


def check_plan_files(directory: Path, root: Path | None = None) -> list[Problem]:
    """Check one plan folder's files without running the pipeline (nothing outside `root` is read)."""
    plan_id = directory.name
    problems: list[Problem] = []
    root = root or directory.parent
    unsafe = [p for p in (directory, *(directory / n for n in (sources.RAW_FILE, sources.SOURCE_FILE,
                                                                  sources.CORRECTIONS_FILE)))
              if (p.is_symlink() or p == directory) and _outside(p, root)]
    if unsafe:
        return [Problem("unsafe-path", "refused: the file is a symlink that leads outside the sources folder",
                        file=str(p), hint="commit the file itself, not a link to it; it was not read") for p in unsafe]
    if not sources.PLAN_ID_PATTERN.fullmatch(plan_id):
        problems.append(Problem("plan-id", "the folder name is not a valid plan_id", file=str(directory),
                                field="plan_id", value=plan_id,
                                expected="lowercase pinyin words, year, two-digit serial (e.g. hangzhou-xihu-2020-01)",
                                hint="rename the folder; the plan_id is chosen once and never reused"))
    raw_path, source_path = directory / sources.RAW_FILE, directory / sources.SOURCE_FILE
    for required in (raw_path, source_path):
        if not required.is_file():
            problems.append(Problem("missing-file", "file is missing", file=str(required),
                                    hint="every plan folder holds raw.txt and source.yml (corrections.yml is "
                                         "optional); copy source.yml from another plan and edit it"))
    if not source_path.is_file():
        return problems
    source, lines, found = _yaml(source_path)
    problems += found
    if _readable(found):
        problems += [_from_error("source-yml", e) for e in sources.check_source_yml(source, source_path, plan_id,
                                                                                     lines)]
        problems += [Problem("review", f"marked for review: {why}", file=str(source_path), row=line,
                             severity=WARNING, hint="check the fact against the page, correct it if needed, then "
                                                    "delete the '# REVIEW:' marker")
                     for line, why in newplan.review_markers(source_path)]
    raw = source.get("raw") if isinstance(source, dict) else None
    if raw_path.is_file() and isinstance(raw, dict):
        data = raw_path.read_bytes()
        digest = hashlib.sha256(data).hexdigest()
        if raw.get("sha256") and digest != str(raw["sha256"]):
            problems.append(Problem("sha256", "raw.txt does not have the sha256 recorded in source.yml",
                                    file=str(raw_path), field="raw.sha256", value=digest, expected=str(raw["sha256"]),
                                    hint=SHA_HINT.format(path=raw_path)))
        try:
            data.decode(str(raw.get("encoding") or "utf-8"))
        except (UnicodeDecodeError, LookupError) as exc:
            problems.append(Problem("encoding", f"raw.txt cannot be read as {raw.get('encoding') or 'utf-8'}: {exc}",
                                    file=str(raw_path), field="raw.encoding",
                                    hint="record the file's real encoding in source.yml raw.encoding"))
    corrections_path = directory / sources.CORRECTIONS_FILE
    if corrections_path.is_file():
        data, lines, found = _yaml(corrections_path)
        problems += found
        if _readable(found):
            _, errors = sources.parse_corrections(data, corrections_path, plan_id, lines)
            problems += [_from_error("corrections-yml", e) for e in errors]
    return problems


def _same_raw_twice(selected: list[Path], root: Path) -> list[Problem]:
    """The same captured document may be added once: a plan whose raw.txt another plan folder has is an error."""
    digests: dict[Path, str] = {}
    for plan_dir in sources.plan_directories(root):
        raw = plan_dir / sources.RAW_FILE
        if raw.is_file() and not _outside(raw, root):
            digests[plan_dir] = hashlib.sha256(raw.read_bytes()).hexdigest()
    problems = []
    for plan_dir in selected:
        twins = sorted(other.name for other, digest in digests.items()
                       if other != plan_dir and digest == digests.get(plan_dir))
        if twins:
            problems.append(Problem("duplicate-raw", f"raw.txt is the same document as that of {', '.join(twins)}",
                                    file=str(plan_dir / sources.RAW_FILE), field="raw.sha256",
                                    value=digests[plan_dir], plan=plan_dir.name,
                                    hint="a document is added once, under one plan_id: remove one of the folders "
                                         "or capture the document it should be"))
    return problems


def proposed_entries(registry: registry_module.Registry, registry_path: Path) -> list[Problem]:
    """A warning for every registry entry `yigai add` proposed that no reviewer has confirmed yet."""
    return [Problem("proposed-agency", f"{p.agency_id} is proposed for {p.proposed_by} and awaits review",
                    file=str(registry_path), row=p.line, field="status",
                    value=registry.agencies[p.agency_id].name, severity=WARNING,
                    hint="check the name, function and aliases against the plan, then delete the entry's status, "
                         "proposed_by and mention lines")
            for p in sorted(registry.proposed.values(), key=lambda p: p.agency_id)]


def _run_pipeline(directory: Path, registry_path: Path) -> tuple[sources.PlanSource | None, list[Problem]]:
    """Run one plan through every stage; a stale correction or any other failure becomes a Problem."""
    try:
        plan = sources.read_plan(directory)
        pipeline.run(plan, registry_module.load(registry_path))
        return plan, []
    except StaleCorrectionError as exc:
        return None, [_from_error("stale-correction", exc, str(directory / sources.CORRECTIONS_FILE), STALE_HINT)]
    except YigaiError as exc:
        return None, [_from_error("build", exc, str(directory))]
    except Exception as exc:  # a bug, not the contributor's fault: still no traceback, and say so
        return None, [Problem("build-crash", f"the pipeline failed: {type(exc).__name__}: {exc}", file=str(directory),
                              hint="this is a bug in yigai, not in your files: please report it with this plan folder")]


def check(directory: Path, single_plan: bool, suites_dir: Path, data_docs: Path | None = None,
          update_counts: str | None = None, strict: bool = False) -> tuple[list[Problem], list[str], list[str]]:
    """Check a sources folder (or one plan folder) and the package it builds.

    Returns:
        (problems, checks run, changes made to the golden counts).
    """
    from yigai.validate import validate_package

    sources_dir = directory.parent if single_plan else directory
    plan_dirs = [directory] if single_plan else sources.plan_directories(directory)
    registry_path = sources_dir / sources.REGISTRY_FILE
    problems: list[Problem] = []
    if registry_path.is_symlink() and _outside(registry_path, sources_dir):
        return [Problem("unsafe-path", "refused: the registry is a symlink that leads outside the sources folder",
                        file=str(registry_path), hint="commit the file itself; it was not read")], ["sources"], []
    if registry_path.is_file():
        _, _, found = _yaml(registry_path)
        problems += found
        if _readable(found):
            try:
                problems += proposed_entries(registry_module.load(registry_path), registry_path)
            except YigaiError as exc:
                problems.append(_from_error("registry", exc, str(registry_path)))
    checked = ["sources"]
    if any(p.severity != WARNING and p.check in ("registry", "yaml", "encoding") for p in problems):
        return problems, checked, []
    plans = []
    problems += _same_raw_twice(plan_dirs, sources_dir)
    for plan_dir in plan_dirs:
        found = check_plan_files(plan_dir, sources_dir)
        problems += found
        if not _readable(found):
            continue
        plan, found = _run_pipeline(plan_dir, registry_path)
        problems += found
        if plan is not None:
            plans.append(plan)
    checked.append("pipeline")
    if not plans:
        return problems, checked, []
    complete = not single_plan and len(plans) == len(plan_dirs)
    with tempfile.TemporaryDirectory(prefix="yigai-validate-") as tmp:
        out = Path(tmp) / "datapackage"
        try:
            files, _ = package.render(plans, registry_module.load(registry_path))
            package.write(files, out)
        except YigaiError as exc:
            return problems + [_from_error("build", exc)], checked, []
        found, more, changed = validate_package(out, suites_dir, data_docs, update_counts, complete=complete,
                                                strict=strict)
    label = f"(built from {directory}) "
    for problem in found:
        if problem.file and problem.file.split("/")[0] in ("data", "texts", "datapackage.json"):
            problem.file = label + problem.file
    return problems + found, checked + [f"package built from {directory}: " + ", ".join(more)], changed
