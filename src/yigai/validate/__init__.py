"""Validate a data package, or a contribution under sources/: one read into DuckDB, every rule as SQL.

`run(path)` works on any copy of the package (a folder holding datapackage.json, e.g. a fork's datapackage/) and on a
sources folder (`sources/` or one `sources/<plan_id>/`). For a package it checks, in order: the files themselves
(safe paths, sizes and hashes, encoding, byte order mark, header; see yigai.validate.files), the descriptor with
Frictionless, then it loads every table once into DuckDB (yigai.validate.loader) and runs every rule as SQL: the
rules compiled from the metadata (types, constraints, keys, same-plan references, outlines; yigai.validate.rules)
and the Great Expectations suites in validation/ compiled to SQL (yigai.validate.sqlsuite), then the golden counts
and digests. For sources it checks source.yml, corrections.yml, the raw file's sha256 and the agency registry, runs
the pipeline for each plan (a stale correction is reported there), builds the package in a temporary folder and
validates that package the same way.

Per-plan rules can be restricted to some plans (`plans=`) while rules across plans (keys, duplicates, references
into other plans) still run over the whole package.
"""

from __future__ import annotations

import threading
from pathlib import Path

from yigai import metadata
from yigai.errors import YigaiError
from yigai.validate import counts, engine, files, loader, rules as metadata_rules
from yigai.validate.report import Problem, Report

__all__ = ["Problem", "Report", "UsageError", "find_suites_dir", "kind_of", "run", "validate_package"]

PACKAGE, SOURCES, PLAN = "package", "sources", "plan"
SUITES_DIR = "validation"
_TARGET_HINT = "pass a package folder (e.g. datapackage/), sources/ or sources/<plan_id>/"


class UsageError(YigaiError):
    """The command was used wrongly (a path that does not exist, not a package): exit status 2."""

    usage = True


def kind_of(path: Path) -> str:
    """Say what a path is: a package, a sources folder or one plan's folder.

    Raises:
        UsageError: when it is none of these.
    """
    if not path.exists():
        raise UsageError("path does not exist", file=str(path), hint=_TARGET_HINT)
    if path.is_file():
        if path.name == "datapackage.json":
            return PACKAGE
        raise UsageError("not a data package (expected a folder or its datapackage.json)", file=str(path),
                         hint=_TARGET_HINT)
    if (path / "datapackage.json").is_file():
        return PACKAGE
    if any((path / name).is_file() for name in ("source.yml", "raw.txt", "corrections.yml")):
        return PLAN
    if (path / "agencies.yml").is_file() or any((child / "source.yml").is_file() for child in path.iterdir()
                                                if child.is_dir()):
        return SOURCES
    raise UsageError("not a data package (no datapackage.json) nor a sources folder (no plan folders)",
                     file=str(path), hint=_TARGET_HINT)


def find_suites_dir(target: Path, explicit: Path | None = None) -> Path:
    """Find validation/: the one given, else next to the target or one of its parents (an unpacked release carries
    its own), the working directory's, the repository's this code was installed from, or the installed wheel's.

    Raises:
        UsageError: when none is found.
    """
    if explicit is not None:
        if not (explicit / counts.FILE).is_file() and not (explicit / "plans.json").is_file():
            raise UsageError("not a folder of expectation suites (no plans.json or golden_counts.json)",
                             file=str(explicit), hint="pass the repository's validation/ folder")
        return explicit
    target = target.resolve()
    candidates = [p / SUITES_DIR for p in (target, *target.parents)]
    candidates += [Path.cwd() / SUITES_DIR, Path(__file__).resolve().parents[3] / SUITES_DIR]
    for candidate in candidates:
        if (candidate / "plans.json").is_file():
            return candidate
    from yigai import assets  # fallback: the suites shipped with the code (an installed wheel's bundle)

    shipped = assets.bundled_suites()
    if shipped is not None:
        return shipped
    raise UsageError("no validation/ folder of expectation suites found", file=str(target),
                     hint="run from the repository root or pass --suites DIR")


def validate_package(root: Path, suites_dir: Path, data_docs: Path | None = None, update_counts: str | None = None,
                     complete: bool = True, strict: bool = False,
                     plans: set[str] | None = None) -> tuple[list[Problem], list[str], list[str]]:
    """Validate the package in `root`; returns (problems, checks run, changes made to the golden counts).

    Args:
        root: the package folder.
        suites_dir: the folder of suites and golden counts.
        data_docs: also render Great Expectations Data Docs there.
        update_counts: first record the package's counts and digests with this reason.
        complete: the package holds every plan (a plan in the golden file but not here is a problem).
        strict: also run Frictionless's row checks (slow; for small packages).
        plans: judge only these plans' rows with the per-plan rules (rules across plans still see everything).
    """
    layout, problems = files.read_layout(root)
    checked = ["files"]
    if layout is None:
        return problems, checked, []
    skip = frozenset(layout.broken)
    frictionless = None if strict else _in_background(lambda: descriptor_check(layout, strict, skip))
    problems += files.check(layout)
    integrity = _in_background(lambda: files.integrity(layout))
    from yigai.validate import suites

    con = loader.connect()
    available, texts, found = load(con, layout)
    problems += found + integrity.result()
    available -= layout.broken
    skip = frozenset(layout.broken)
    frictionless = frictionless or _in_background(lambda: descriptor_check(layout, strict, skip))
    params = suites.parameters()
    suite_files, suite_problems = suites.load(suites_dir)
    problems += suite_problems
    rules, found = compile_rules(available, suite_files, params, suites_dir)
    problems += found
    table_files = {name: layout.path_of(name) for name in metadata.table_names()}
    problems += _described(engine.run(con, rules, available | {engine.TEXTS}, table_files, params, plans))
    problems += _text_resources(con, layout, available)
    checked += ["frictionless" + (" (strict: every row)" if strict else ""), "rules", "suites"]
    if data_docs is not None:
        from yigai.validate import gxdocs

        problems += gxdocs.render(con, suite_files, available, params, data_docs, suites_dir)
    facts = counts.actual(con, available, texts)
    changed = counts.update(facts, suites_dir / counts.FILE, update_counts, complete=complete) \
        if update_counts and "plans" in available else []
    if "plans" in available:
        problems += counts.check(facts, suites_dir / counts.FILE, complete=complete, plans=plans,
                                 table_files=table_files)
    checked.append("golden-counts")
    problems += frictionless.result()
    con.close()
    return _once(problems, layout.broken), checked, changed


def _once(problems: list[Problem], broken: set[str]) -> list[Problem]:
    """A broken file is reported once, for what breaks it: its size and hash then say nothing more."""
    reasons = {p.resource for p in problems if p.check not in ("hash-count", "byte-count")}
    return [p for p in problems if not (p.check in ("hash-count", "byte-count") and p.resource in broken
                                        and p.resource in reasons)]


def compile_rules(available: set[str], suite_files: dict, params: dict, suites_dir: Path) -> tuple[
        list[engine.Rule], list[Problem]]:
    """Every rule: those of the metadata for the loaded tables, then those of the suites (compiled to SQL)."""
    from yigai.validate import sqlsuite

    rules = metadata_rules.metadata_rules(sorted(available))
    problems: list[Problem] = []
    for name, suite in sorted(suite_files.items()):
        compiled, found = sqlsuite.compile_suite(name, suite, params, f"{suites_dir.name}/{name}.json")
        rules += compiled
        problems += found
    return rules, problems


def load(con, layout: files.Layout) -> tuple[set[str], dict[str, str], list[Problem]]:
    """Load the package's readable tables, texts and reference tables into `con`.

    Returns:
        (tables loaded, texts by plan_id, problems of the rows that could not be parsed).
    """
    problems: list[Problem] = []
    available: set[str] = set()
    for name in metadata.table_names():
        if name in layout.files and name not in layout.broken:
            found = loader.load_table(con, name, layout.files[name], layout.path_of(name))
            problems += found
            if found:
                layout.broken.add(name)
            else:
                available.add(name)
    texts = {plan: text for plan, text in layout.text_content.items() if isinstance(text, str)}
    loader.load_texts(con, texts, layout.texts)
    _load_reference_tables(con, layout, available, texts)
    return available, texts, problems


def descriptor_check(layout: files.Layout, strict: bool, broken: frozenset[str]) -> list[Problem]:
    """Frictionless's checks (imported here: its import takes half a second, spent while DuckDB works)."""
    from yigai.validate import descriptor

    return descriptor.check(layout, strict=strict, broken=broken)


class _in_background:
    """Run a function in a thread now; `result()` waits for it (an exception becomes a problem, never a traceback)."""

    def __init__(self, function):
        self._value: list[Problem] = []
        self._thread = threading.Thread(target=self._run, args=(function,), daemon=True)
        self._thread.start()

    def _run(self, function) -> None:
        try:
            self._value = function()
        except Exception as exc:  # noqa: BLE001 - reported, not raised
            self._value = [Problem("internal-error", f"a check failed: {type(exc).__name__}: {exc}",
                                   hint="this is a bug in yigai, not in the package: please report it")]

    def result(self) -> list[Problem]:
        self._thread.join()
        return self._value


def _load_reference_tables(con, layout: files.Layout, available: set[str], texts: dict[str, str]) -> None:
    """What rules compare rows with: the declared text resources, the divisions used, the spans pointed at."""
    ids = sorted(layout.texts)
    con.execute("CREATE OR REPLACE TABLE text_resources (plan_id VARCHAR, path VARCHAR)")
    if ids:
        con.execute("INSERT INTO text_resources SELECT unnest($1), unnest($2)", [ids, [layout.texts[i] for i in ids]])
    codes = [row[0] for table in ("plans", "agencies") if table in available
             for row in con.execute(f"SELECT DISTINCT admin_code FROM {table}").fetchall()]
    loader.load_divisions(con, codes)
    loader.load_spans(con, [t for t in sorted(available) if "char_start" in metadata.columns(t)], texts)


def _text_resources(con, layout: files.Layout, available: set[str]) -> list[Problem]:
    """Every text resource belongs to a plan of the plans table (a stray text is an error)."""
    if "plans" not in available:
        return []
    known = {row[0] for row in con.execute("SELECT plan_id FROM plans").fetchall()}
    return [Problem("stray-text", f"text resource of plan '{plan}', which is not in the plans table",
                    file=files.DESCRIPTOR, resource=layout.text_resource(plan), field="resources",
                    value=layout.texts[plan], hint="every text belongs to a plan: remove it or add the plan",
                    plan=plan) for plan in sorted(set(layout.texts) - known)]


def _described(problems: list[Problem]) -> list[Problem]:
    """Clean-text problems say what the text contains; a character t2s keeps in its phrase (乾坤) is not one."""
    from yigai.validate import hygiene

    out = []
    for problem in problems:
        if problem.check == "clean-text" and problem.value is not None and problem.row is not None:
            described = hygiene.describe(problem.value)
            if described is None:
                continue
            problem.message = f"the text contains {described}"
        out.append(problem)
    return out


def run(path: Path, suites_dir: Path | None = None, fix: bool = False, data_docs: Path | None = None,
        update_counts: str | None = None, strict: bool = False, plans: set[str] | None = None) -> Report:
    """Validate a package or a sources folder and return the report of every problem.

    Args:
        path: a package folder (or its datapackage.json), sources/, or sources/<plan_id>/.
        suites_dir: the folder of expectation suites and golden counts (found automatically when None).
        fix: first apply the safe mechanical fixes (see yigai.validate.fix) and list them in the report.
        data_docs: also render the suites' results as Great Expectations Data Docs into this folder.
        update_counts: record the package's row counts in golden_counts.json with this reason first.
        strict: also run Frictionless's row checks (slow; for small packages).
        plans: judge only these plans with the per-plan rules (rules across plans still see everything).

    Raises:
        UsageError: when the path is not something that can be validated.
    """
    path = Path(path)
    kind = kind_of(path)
    directory = path.parent if path.is_file() else path
    suites_dir = find_suites_dir(directory, suites_dir)
    report = Report(target=str(path))
    if fix:
        from yigai.validate import fix as fixes

        report.fixed += fixes.apply(directory, kind)
    try:
        if kind == PACKAGE:
            problems, checked, changed = validate_package(directory, suites_dir, data_docs, update_counts,
                                                          strict=strict, plans=plans)
        else:
            from yigai.validate import contributions  # imported here: it loads the whole pipeline

            problems, checked, changed = contributions.check(directory, kind == PLAN, suites_dir, data_docs,
                                                             update_counts, strict=strict)
    except (YigaiError, KeyboardInterrupt):
        raise
    except Exception as exc:  # noqa: BLE001 - a bug must still not show a traceback, nor pass as valid
        problems, checked, changed = [Problem(
            "internal-error", f"validation stopped: {type(exc).__name__}: {str(exc)[:300]}", file=str(path),
            hint="this is a bug in yigai, not necessarily in your files: please report it with the input")], [], []
    report.problems += problems
    report.checked += checked
    report.fixed += changed
    return report
