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

from yigai import package, pipeline, registry as registry_module, sources
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


def _yaml(path: Path) -> tuple[Any, list[Problem]]:
    """Parse a YAML file, with format warnings (fixable by --fix) and a clear error when it cannot be read.

    Returns:
        (data, problems); data is None when the file cannot be read (an error problem says why).
    """
    problems = [Problem("format", change[len("not fixed: "):], file=str(path), severity=WARNING,
                        hint="check these lines by hand")
                if change.startswith("not fixed") else
                Problem("format", f"not in canonical form: {change} would fix it", file=str(path), severity=WARNING,
                        hint=f"run `yigai validate --fix {path.parent}`")
                for change in fix.scan(path)]
    try:
        return yaml.safe_load(path.read_bytes().decode("utf-8")), problems
    except UnicodeDecodeError as exc:
        return None, problems + [Problem("encoding", f"not UTF-8 ({exc.reason} at byte {exc.start})", file=str(path),
                                         hint="save the file as UTF-8")]
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        return None, problems + [Problem("yaml", f"not valid YAML: {getattr(exc, 'problem', None) or exc}",
                                         file=str(path), row=(mark.line + 1) if mark else None,
                                         hint="check the indentation and quoting near that line")]


def _readable(problems: list[Problem]) -> bool:
    return not any(p.severity != WARNING for p in problems)


def check_plan_files(directory: Path) -> list[Problem]:
    """Check one plan folder's files without running the pipeline."""
    plan_id = directory.name
    problems: list[Problem] = []
    if not sources.PLAN_ID_PATTERN.fullmatch(plan_id):
        problems.append(Problem("plan-id", "the folder name is not a valid plan_id", file=str(directory),
                                field="plan_id", value=plan_id,
                                expected="lowercase pinyin words, year, two-digit serial (e.g. wenzhou-lucheng-2017-01)",
                                hint="rename the folder; the plan_id is chosen once and never reused"))
    raw_path, source_path = directory / sources.RAW_FILE, directory / sources.SOURCE_FILE
    for required in (raw_path, source_path):
        if not required.is_file():
            problems.append(Problem("missing-file", "file is missing", file=str(required),
                                    hint="every plan folder holds raw.txt and source.yml (corrections.yml is "
                                         "optional); copy source.yml from another plan and edit it"))
    if not source_path.is_file():
        return problems
    source, found = _yaml(source_path)
    problems += found
    if _readable(found):
        problems += [_from_error("source-yml", e) for e in sources.check_source_yml(source, source_path, plan_id)]
    raw = source.get("raw") if isinstance(source, dict) else None
    if raw_path.is_file() and isinstance(raw, dict):
        data = raw_path.read_bytes()
        digest = hashlib.sha256(data).hexdigest()
        if raw.get("sha256") and digest != raw["sha256"]:
            problems.append(Problem("sha256", "raw.txt does not have the sha256 recorded in source.yml",
                                    file=str(raw_path), field="raw.sha256", value=digest, expected=str(raw["sha256"]),
                                    hint=SHA_HINT.format(path=raw_path)))
        try:
            data.decode(raw.get("encoding") or "utf-8")
        except (UnicodeDecodeError, LookupError) as exc:
            problems.append(Problem("encoding", f"raw.txt cannot be read as {raw.get('encoding') or 'utf-8'}: {exc}",
                                    file=str(raw_path), field="raw.encoding",
                                    hint="record the file's real encoding in source.yml raw.encoding"))
    corrections_path = directory / sources.CORRECTIONS_FILE
    if corrections_path.is_file():
        data, found = _yaml(corrections_path)
        problems += found
        if _readable(found):
            _, errors = sources.parse_corrections(data, corrections_path, plan_id)
            problems += [_from_error("corrections-yml", e) for e in errors]
    return problems


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
    if registry_path.is_file():
        _, found = _yaml(registry_path)
        problems += found
        try:
            registry_module.load(registry_path)
        except YigaiError as exc:
            problems.append(_from_error("registry", exc, str(registry_path)))
    checked = ["sources"]
    if any(p.severity != WARNING and p.check == "registry" for p in problems):
        return problems, checked, []
    plans = []
    for plan_dir in plan_dirs:
        found = check_plan_files(plan_dir)
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
