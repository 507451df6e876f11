"""The `yigai` command line: thin click commands over the library, each with help and an example."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from yigai import __version__
from yigai.console import Progress, SpinnerColumn, TextColumn, clean, escape, make_console
from yigai.errors import YigaiError

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}
err_console = make_console()  # stderr, never hard-wrapped (a piped message stays on one line)


def say(text: str) -> None:
    """Print a message for people on stderr: not wrapped, no markup, control characters shown as \\xNN."""
    err_console.print(clean(text), highlight=False, markup=False, soft_wrap=True)


def emit(data, output_format: str, text: str | None = None) -> None:
    """Print a command's result on stdout: as JSON with --format json, else as `text` (default: str(data))."""
    if output_format == "json":
        click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))
        return
    body = text if text is not None else str(data)
    click.echo(body, nl=not body.endswith("\n"))


def format_option(*choices: str, default: str | None = None):
    """The --format option of a command that prints data: its own formats plus json."""
    names = list(dict.fromkeys([*choices, "json"]))
    return click.option("--format", "output_format", type=click.Choice(names), default=default or names[0],
                        show_default=True, help=f"Output format ({', '.join(names)}).")


class ExistingPath(click.Path):
    """A path the command reads: when it does not exist, that is a usage error (exit 2) naming it."""

    def __init__(self, what: str = "path", **kwargs) -> None:
        super().__init__(path_type=Path, **kwargs)
        self.what = what

    def convert(self, value, param, ctx):  # noqa: D102 - click API
        if not Path(value).exists():
            self.fail(f"{self.what} not found: {clean(str(value))}", param, ctx)
        return super().convert(value, param, ctx)


class YigaiGroup(click.Group):
    """A click group that reports user errors as plain messages, never tracebacks.

    Exit status 2 for a usage error (a missing path, a missing optional dependency), 1 for any other error.
    """

    def invoke(self, ctx: click.Context):  # noqa: D102 - click API
        try:
            return super().invoke(ctx)
        except YigaiError as exc:
            _report(exc)
            sys.exit(2 if getattr(exc, "usage", False) else 1)
        except ModuleNotFoundError as exc:
            if not exc.name or exc.name.split(".")[0] == "yigai":
                raise
            from yigai import extras

            _report(extras.missing_extra(exc.name, ctx.invoked_subcommand))
            sys.exit(2)


def _report(error: YigaiError) -> None:
    err_console.print("[bold red]error:[/] " + escape(clean(str(error))), highlight=False, markup=True,
                      soft_wrap=True)


def command(group: click.Group, name: str):
    """Register a subcommand with -h/--help and --version."""
    def decorator(func):
        func = click.version_option(__version__, "--version", prog_name="yigai")(func)
        return group.command(name, context_settings=CONTEXT)(func)
    return decorator


@click.group(cls=YigaiGroup, context_settings=CONTEXT)
@click.version_option(__version__, "--version", prog_name="yigai")
def main() -> None:
    """Build, validate and release Yigai (医改), the dataset of China's local health-reform plans.

    \b
    Example:
      yigai build && yigai validate
    """


@command(main, "build")
@click.option("--sources", "sources_dir", type=ExistingPath("sources directory", file_okay=False),
              default=Path("sources"), show_default=True,
              help="Folder of plan folders (raw.txt, source.yml, corrections.yml) and agencies.yml.")
@click.option("--out", "out_dir", type=click.Path(path_type=Path), default=Path("datapackage"), show_default=True,
              help="Folder to write the data package to (replaced atomically).")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None, metavar="N",
              help="Build N plans at a time in worker processes (default: one per core; 1: no workers).")
@click.option("--cache-dir", type=click.Path(path_type=Path, file_okay=False), default=Path("build/cache"),
              show_default=True, help="Keep each built plan here, keyed by a hash of its inputs, the registry and "
              "the code; an unchanged plan is not rebuilt.")
@click.option("--no-cache", is_flag=True, help="Build every plan, neither reading nor writing the cache.")
def build_command(sources_dir: Path, out_dir: Path, jobs: int | None, cache_dir: Path, no_cache: bool) -> None:
    """Build the data package from the committed sources.

    Runs every plan through normalisation, extraction and curation and writes the package. Plans are built in
    parallel, and a plan whose raw.txt, source.yml, corrections.yml, the agency registry and the code are unchanged
    since the last build is taken from the cache. The same inputs always give the same bytes, whatever --jobs and
    whether or not the cache is used. On any error the previous package is left untouched.

    \b
    Example:
      yigai build --sources sources --out datapackage
      yigai build --jobs 1 --no-cache
    """
    from yigai import package

    with Progress(SpinnerColumn(), TextColumn("{task.description}"), console=err_console, transient=True) as bar:
        task = bar.add_task("building", total=None)
        summary = package.run(sources_dir, out_dir, progress=lambda plan_id: bar.update(task, description=plan_id),
                              jobs=jobs or package.default_jobs(), cache_dir=None if no_cache else cache_dir)
    counts = ", ".join(f"{name} {rows}" for name, rows in summary.counts.items())
    err_console.print(f"built {out_dir}: {counts} ({summary.built} plans built, {summary.cached} from the cache)",
                      highlight=False)


@command(main, "validate")
@click.argument("path", type=click.Path(path_type=Path), default=None, required=False)
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="Report for people (text) or machines (json).")
@click.option("--fix", is_flag=True,
              help="First apply safe mechanical fixes (BOM, CRLF, trailing spaces, full-width digits) to your YAML "
                   "or CSV files and list them; raw.txt is never touched.")
@click.option("--data-docs", "data_docs", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Also render the suites' results as Great Expectations Data Docs into this folder "
                   "(e.g. build/data-docs).")
@click.option("--suites", "suites_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder of expectation suites and golden_counts.json (default: the repository's validation/).")
@click.option("--update-counts", "update_counts", metavar="REASON", default=None,
              help="Record the package's row counts and text digests per plan in validation/golden_counts.json, "
                   "with REASON for every plan whose record changes.")
@click.option("--strict", is_flag=True,
              help="Also run Frictionless's own row checks (slow: for CI of small packages).")
@click.option("--changed", "changed_base", is_flag=False, flag_value="", default=None, metavar="[BASE]",
              help="Review the change since git revision BASE (default: origin/main, else HEAD~1): validate the "
                   "plans whose sources or rows changed (and every rule across plans) and print a Markdown summary "
                   "of the rows added, removed and changed per plan and table. Run from the repository root.")
def validate_command(path: Path | None, output_format: str, fix: bool, data_docs: Path | None,
                     suites_dir: Path | None, update_counts: str | None, strict: bool,
                     changed_base: str | None) -> None:
    """Validate a data package (default: datapackage/) or a contribution under sources/.

    A package (any copy, e.g. a fork's datapackage/) is checked file by file (safe paths inside the package,
    sizes, hashes, encoding, header), its descriptor with Frictionless, then every table is read once into DuckDB
    and every rule runs there as SQL: the rules of the data dictionary (types, constraints, keys, same-plan
    references, outlines, spans) and the Great Expectations suites in validation/, then the golden counts and
    digests. A sources folder (sources/ or sources/<plan_id>/) is checked for source.yml and corrections.yml schema,
    raw.txt's sha256, the agency registry and stale corrections, and the package it builds is validated too.
    Problems are grouped by file with resource, row, field, value, expectation and a hint; control characters in
    values are shown escaped.

    With --changed [BASE], the work tree's sources are built and compared with BASE's package (its committed
    datapackage/, else the package built from its sources/), from where the work tree branched from BASE; the
    plans whose sources or rows changed are validated, every rule across plans runs, and the Markdown summary
    (rows added, removed and changed per plan and table, the fields changed, the version bump, facts and registry
    entries awaiting review, the report) is printed: the pull-request check writes it to the job summary.

    Exit status: 0 valid, 1 invalid, 2 usage error (also: no git, or BASE is not a commit).

    \b
    Example:
      yigai validate datapackage --format json
      yigai validate --changed origin/main >> "$GITHUB_STEP_SUMMARY"
      yigai validate sources/nanjing-2023-01 --fix
      yigai validate datapackage --data-docs build/data-docs
      yigai validate datapackage --strict
    """
    from yigai import validate
    from yigai.validate.report import visible

    if changed_base is not None:
        if path is not None or fix or data_docs is not None or update_counts is not None:
            raise click.UsageError("--changed reviews the repository's sources against a git base: give no PATH, "
                                   "--fix, --data-docs or --update-counts with it")
        from yigai.cli_contribute import validate_changed

        validate_changed(changed_base or None, output_format, suites_dir, strict)
        return
    path = Path("datapackage") if path is None else path
    try:
        if update_counts is not None and not update_counts.strip():
            raise validate.UsageError("--update-counts needs a reason", field="--update-counts",
                                      hint='say why the counts change, e.g. --update-counts "tasks read from annex '
                                           'tables"')
        report = validate.run(path, suites_dir=suites_dir, fix=fix, data_docs=data_docs, update_counts=update_counts,
                              strict=strict)
    except YigaiError as exc:
        click.echo(f"error: {visible(str(exc))}", err=True)
        sys.exit(2 if getattr(exc, "usage", False) else 1)
    for line in report.fixed:
        click.echo(f"changed: {visible(line)}", err=True)
    if data_docs is not None:
        click.echo(f"Data Docs: {visible(str(data_docs / 'index.html'))}", err=True)
    click.echo(report.to_json() if output_format == "json" else report.to_text())
    sys.exit(0 if report.valid else 1)


def _date_option(value: str | None):
    import datetime as dt

    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise YigaiError(f"{value!r} is not a date", field="--date", hint="write it as YYYY-MM-DD") from None


@command(main, "release")
@click.option("--bump", type=click.Choice(["patch", "minor", "major"]), default=None,
              help="Bump the dataset version first (refused when smaller than the change requires).")
@click.option("--sources", "sources_dir", type=click.Path(path_type=Path), default=Path("sources"), show_default=True,
              help="Folder of plan folders to build from.")
@click.option("--package", "package_dir", type=click.Path(path_type=Path), default=Path("datapackage"),
              show_default=True, help="Folder the package is built into and released from.")
@click.option("--out", "out_dir", type=click.Path(path_type=Path), default=Path("build/release"), show_default=True,
              help="Folder the archive <name>-<version>.zip is written to.")
@click.option("--date", "date_text", default=None, help="Release date for --bump (YYYY-MM-DD; default: date of the "
              "last git commit).")
@click.option("--since", default=None, help="Previous release to compare with for --bump (folder, archive or URL; "
              "default: see docs/releases.md).")
@click.option("--no-build", is_flag=True, help="Release the package folder as it is, without rebuilding it.")
@format_option("text")
def release_command(bump, sources_dir, package_dir, out_dir, date_text, since, no_build, output_format) -> None:
    """Build, validate and write a byte-reproducible release archive (CSV, Parquet, SQLite, checksums, citation).

    With --bump, the new build is compared with the previous release; the bump must be at least what the
    change requires (patch: corrections; minor: new plans, rows, columns; major: removed or renamed columns or
    tables). package.yml, CITATION.cff, .zenodo.json and CHANGELOG.md are then updated together.

    \b
    Example:
      yigai release
      yigai release --bump minor --date 2026-12-01
      yigai release --no-build --format json
    """
    from yigai import release, versioning

    project = release.Project(Path.cwd())
    if bump:
        if no_build:
            raise click.UsageError("--bump rebuilds the package with the new version; drop --no-build")
        done = versioning.bump(project, sources_dir, package_dir, out_dir, bump, _date_option(date_text), since)
        err_console.print(f"bumped {done.old_version} → {done.new_version} ({done.date}), compared with "
                          f"{done.baseline}", highlight=False)
        path = done.archive
    else:
        path = release.run(project, sources_dir, package_dir, out_dir, build=not no_build)
    emit(release.summary(path), output_format, str(path))


@command(main, "diff")
@click.argument("old")
@click.argument("new")
@click.option("--format", "output_format", type=click.Choice(["markdown", "json"]), default="markdown",
              show_default=True, help="Markdown for people and the changelog, JSON for machines.")
def diff_command(old: str, new: str, output_format: str) -> None:
    """Compare two packages (folders, release archives or URLs): schema changes and rows by primary key.

    \b
    Example:
      yigai diff build/release/yigai-0.1.0.zip datapackage --format json
    """
    from yigai import diff

    changes = diff.run(old, new)
    click.echo(changes.to_json() if output_format == "json" else changes.to_markdown(), nl=False)


@command(main, "cite")
@format_option("apa", "bibtex", "cff")
@click.option("--package", "package_path", default=None,
              help="Cite this package (folder, archive or URL) instead of the installed version.")
@click.option("--plan", "plan_id", default=None, help="Cite the original document of this plan instead.")
@click.option("--sources", "sources_dir", type=click.Path(path_type=Path), default=Path("sources"), show_default=True,
              help="Folder of plan folders whose source.yml gives a plan's source URL (--plan), when present.")
def cite_command(output_format: str, package_path: str | None, plan_id: str | None, sources_dir: Path) -> None:
    """Print a citation of the dataset version, or of a plan's original document (--plan).

    Every citation carries the version and the release year; the dataset's DOI and URLs come from
    src/yigai/metadata/package.yml and are left out while unset. JSON is CSL-JSON (for Zotero, pandoc, citeproc).

    \b
    Example:
      yigai cite --format bibtex
      yigai cite --format json --plan nanjing-2023-01 --package datapackage
    """
    from yigai import cite, metadata
    from yigai.loading import open_package

    if plan_id is None and package_path is None:
        click.echo(cite.dataset_citation(dict(metadata.package()), output_format), nl=False)
        return
    with open_package(package_path or "datapackage", verify_folder=False) as folder:
        meta = cite.package_meta(folder)
        if plan_id is None:
            text = cite.dataset_citation(meta, output_format)
        else:
            plan = cite.find_plan(folder, plan_id)
            text = cite.plan_citation(plan, output_format, cite.version_of(meta), cite.source_url(sources_dir, plan_id))
    click.echo(text, nl=False)


@command(main, "download")
@click.argument("release_ref", metavar="VERSION|URL|ARCHIVE")
@click.option("--dest", type=click.Path(path_type=Path), required=True,
              help="Folder to create for the verified package (must not exist or be empty).")
@click.option("--base-url", default=None, help="Where versions are looked up (default: $YIGAI_RELEASE_URL).")
@click.option("--timeout", type=float, default=None, metavar="SECONDS",
              help="Overall deadline for the download (default: $YIGAI_DOWNLOAD_TIMEOUT, else 900).")
@click.option("--max-size", "max_size", default=None, metavar="SIZE",
              help="Largest archive accepted, e.g. 500MB or 2GiB (default: $YIGAI_DOWNLOAD_MAX_BYTES, else 2GiB).")
@format_option("text")
def download_command(release_ref: str, dest: Path, base_url: str | None, timeout: float | None,
                     max_size: str | None, output_format: str) -> None:
    """Download a release, verify every file before writing it, and unpack it into --dest.

    A version is looked up as <base>/yigai-<version>.zip under $YIGAI_RELEASE_URL (or --base-url). The download
    has an overall deadline and a size cap; every member of the archive is checked against SHA256SUMS,
    datapackage.json and manifest.json before it is written. A slow, oversized or tampered archive, or one whose
    paths leave --dest, is refused with the reason, and nothing is left behind.

    \b
    Example:
      yigai download 0.2.0 --dest yigai-0.2.0
      yigai download https://example.org/yigai-0.2.0.zip --dest yigai-0.2.0 --timeout 300 --max-size 1GiB
    """
    from yigai import loading, transfer

    limits = transfer.Limits.configured(timeout, max_size)
    folder = loading.download(release_ref, dest, base_url, limits)
    descriptor = loading.read_descriptor(folder)
    emit({"path": str(folder), "name": descriptor.get("name"), "version": descriptor.get("version"),
          "files": sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())},
         output_format, str(folder))


@command(main, "docs")
@click.option("--out", "out_dir", type=click.Path(path_type=Path), default=Path("build/site"), show_default=True,
              help="Folder to write the documentation site to.")
@click.option("--package", "package_dir", type=ExistingPath("package folder"), default=Path("datapackage"),
              show_default=True, help="Package whose plans, counts and corrections the site shows.")
@click.option("--sources", "sources_dir", type=ExistingPath("sources directory"), default=Path("sources"),
              show_default=True, help="Folder of plan folders (for each plan's source facts).")
@click.option("--check", is_flag=True, help="Only check that docs/data-dictionary.md and docs/cli.md are up to date.")
@click.option("--no-site", is_flag=True, help="Regenerate docs/data-dictionary.md and docs/cli.md only.")
@click.option("--font", "font", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="A CJK font (OpenType/TrueType) to subset for the site, instead of Source Han Sans SC fetched "
                   "from the npm registry.")
@click.option("--no-data-docs", is_flag=True, help="Skip the Great Expectations Data Docs (data-docs/ in the site).")
def docs_command(out_dir: Path, package_dir: Path, sources_dir: Path, check: bool, no_site: bool, font: Path | None,
                 no_data_docs: bool) -> None:
    """Regenerate the generated docs pages and build the documentation site (MkDocs Material).

    The site has a page per plan (targets, outline, lead bodies, corrections) and per plan text, the targets and
    agencies across plans, SVG charts, Chinese search, a bundled CJK font subset and offline Data Docs. Fonts and
    Data Docs assets are fetched once with npm into build/cache (or $YIGAI_CACHE).

    \b
    Example:
      yigai docs --out build/site
    """
    from yigai import site

    root = Path.cwd()
    if not (root / "mkdocs.yml").is_file():
        raise YigaiError("no mkdocs.yml here", file=str(root), hint="run `yigai docs` from the repository root")
    if check:
        stale = site.stale_pages(root / "docs")
        if stale:
            raise YigaiError(f"generated pages are out of date: {', '.join(stale)}", hint="run `yigai docs --no-site`")
        click.echo("generated pages are up to date")
        return
    site.write_generated(root / "docs")
    if not no_site:
        notes: list[str] = []
        built = site.build_site(root, out_dir, package_dir, sources_dir, font=font, data_docs=not no_data_docs,
                                notes=notes)
        for note in notes:
            err_console.print(note, highlight=False, markup=False, soft_wrap=True)
        click.echo(str(built))


def _agency_registry(sources_dir: Path):
    """The registry of sources_dir, else the one shipped with yigai (a note on stderr says which is used)."""
    from yigai import assets, registry

    found = assets.registry_file(sources_dir)
    if found is None:
        say(f"note: no agency registry in {sources_dir} nor shipped with yigai; bodies are drafted without one")
        return registry.Registry()
    loaded = registry.load(found.path)
    if found.origin != "given folder":
        say(f"note: no {sources_dir / 'agencies.yml'}; using the agency registry shipped with yigai "
            f"({len(loaded.agencies)} bodies): {found.path}")
    return loaded


@command(main, "extract")
@click.argument("file", type=ExistingPath("file", dir_okay=False))
@click.option("--format", "output_format", type=click.Choice(["json", "csv"]), default="json", show_default=True,
              help="One JSON object keyed by table name, or one table (--table) as CSV.")
@click.option("--table", "table", default=None, metavar="NAME",
              help="The table to print (plans, tasks, targets, agencies, responsibilities, …); required with csv.")
@click.option("--plan-id", "plan_id", default="draft-0000-01", show_default=True,
              help="plan_id to give the draft rows (the one the plan will have under sources/).")
@click.option("--admin-code", "admin_code", default=None, metavar="CODE",
              help="GB/T 2260 code of the jurisdiction, for a document that does not name it.")
@click.option("--sources", "sources_dir", type=click.Path(path_type=Path), default=Path("sources"), show_default=True,
              help="Folder whose agencies.yml is used to resolve bodies (when it has none, the registry shipped with "
                   "yigai is used, and a note says so).")
def extract_command(file: Path, output_format: str, table: str | None, plan_id: str, admin_code: str | None,
                    sources_dir: Path) -> None:
    """Draft the rows of every table for one new raw document (no source.yml needed).

    Runs the whole pipeline (normalise, plan facts, tasks, agencies, targets) on FILE and prints the draft rows
    with the package's column names, for review before the plan is added under sources/. The file may be UTF-8,
    GB18030/GBK or UTF-16 with a byte-order mark (the encoding used is reported on stderr); an empty or binary
    file, or one over 20 MB, is refused with an error. A document whose jurisdiction cannot be told gets null
    jurisdiction fields. The agencies table lists only the bodies the draft rows refer to.

    \b
    Example:
      yigai extract new-plan.txt --format csv --table targets
    """
    from yigai import metadata, registry as registry_module, sources, tables
    from yigai.extract import draft

    names = metadata.table_names()
    if table is not None and table not in names:
        raise click.UsageError(f"unknown table {table!r} for --table (tables: {', '.join(names)})")
    if output_format == "csv" and table is None:
        raise click.UsageError("--format csv prints one table: name it with --table (e.g. --table targets)")
    agency_registry = _agency_registry(sources_dir)
    try:
        result = draft.run(draft.read_file(file), plan_id=plan_id, registry=agency_registry, admin_code=admin_code,
                           name=file.name)
    except draft.NotText as exc:
        exc.file = str(file)
        raise
    err_console.print(f"read {file} as {result.encoding}", highlight=False)
    for note in result.notes:
        err_console.print(f"[yellow]note:[/] {note}", highlight=False)
    if output_format == "csv":
        click.echo(tables.to_csv(table, result.tables[table]), nl=False)
        return
    chosen = {table: result.tables[table]} if table else result.tables
    click.echo(json.dumps(chosen, ensure_ascii=False, indent=2))


def _register_contribution_commands() -> None:
    from yigai import cli_contribute

    cli_contribute.register(main)


_register_contribution_commands()

if __name__ == "__main__":  # pragma: no cover
    main()
