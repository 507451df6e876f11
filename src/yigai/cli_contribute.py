"""The commands a contributor adds a plan with: `yigai add`, and the review `yigai validate --changed` prints.

Registered on the `yigai` group by yigai.cli (register), like every command there: thin, with help and an example.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click


def register(group: click.Group) -> None:
    """Add the `add` command to the group."""
    from yigai.cli import ExistingPath, Progress, SpinnerColumn, TextColumn, command, emit, err_console, format_option

    @command(group, "add")
    @click.argument("file", type=ExistingPath("file", dir_okay=False))
    @click.option("--plan-id", "plan_id", required=True,
                  help="The new plan's id: lowercase pinyin of the jurisdiction, year of issue, two-digit serial "
                       "(e.g. lianchi-2024-01).")
    @click.option("--url", default=None, help="Where the page was captured (http or https).")
    @click.option("--captured", type=click.DateTime(formats=["%Y-%m-%d"]), default=None, metavar="YYYY-MM-DD",
                  help="When the page was captured.")
    @click.option("--admin-code", "admin_code", default=None, metavar="CODE",
                  help="GB/T 2260 code of the jurisdiction, for a page that does not name it.")
    @click.option("--sources", "sources_dir", type=ExistingPath("sources directory", file_okay=False),
                  default=Path("sources"), show_default=True, help="Folder of plan folders and agencies.yml.")
    @click.option("--package", "package_dir", type=click.Path(path_type=Path, file_okay=False),
                  default=Path("datapackage"), show_default=True, help="Package folder to rebuild.")
    @click.option("--suites", "suites_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
                  help="Folder of expectation suites and golden_counts.json (default: validation/ next to --sources).")
    @click.option("--no-build", is_flag=True,
                  help="Write the plan's sources and registry proposals only: no rebuild, no golden counts.")
    @click.option("--jobs", "-j", type=click.IntRange(min=1), default=None, metavar="N",
                  help="Build N plans at a time (default: one per core).")
    @format_option("text")
    def add_command(file: Path, plan_id: str, url: str | None, captured, admin_code: str | None, sources_dir: Path,
                    package_dir: Path, suites_dir: Path | None, no_build: bool, jobs: int | None,
                    output_format: str) -> None:
        """Add a new plan from its raw page: sources, registry proposals, rebuild, golden counts, review checklist.

        Copies FILE byte for byte to sources/ID/raw.txt; writes source.yml (sha256, original name, encoding, url,
        capture date, licence, and the facts the draft found, those it was unsure of marked `# REVIEW:`) and an empty
        corrections.yml with a commented example; appends every body the plan names that sources/agencies.yml lacks as a
        proposed entry (status: proposed, proposed_by, mention); rebuilds and validates the package and records the
        golden counts with the reason "add ID". Then prints the review checklist: the plan row, rows per table, the
        facts to review, the proposed bodies and every flag of the corrections report.

        Refused, with nothing written: an id that breaks the pattern or exists, a file already added under another id
        (same sha256), a file that is not text, a page whose jurisdiction cannot be told (pass --admin-code). When the
        rebuild or its validation fails, sources/, datapackage/ and validation/ are put back exactly as they were.

        Exit status: 0 added, 1 refused or failed, 2 usage error.

        \b
        Example:
          yigai add ~/Downloads/plan.txt --plan-id lianchi-2024-01 --captured 2024-04-10
        """
        from yigai import add, package

        request = add.Request(file, plan_id, url, captured.date() if captured else None, admin_code)
        with Progress(SpinnerColumn(), TextColumn("{task.description}"), console=err_console, transient=True) as bar:
            task = bar.add_task("checking", total=None)
            added = add.run(request, sources_dir, package_dir, suites_dir, build=not no_build,
                            jobs=jobs or package.default_jobs(), cache_dir=Path("build/cache"),
                            progress=lambda step: bar.update(task, description=step))
        emit(added.to_dict(), output_format, added.to_text())


def validate_changed(base: str | None, output_format: str, suites_dir: Path | None, strict: bool) -> None:
    """`yigai validate --changed [BASE]`: print the review of the change (Markdown or JSON); exit 0 valid, 1 not."""
    from yigai import changed, package
    from yigai.cli import Progress, SpinnerColumn, TextColumn, err_console

    with Progress(SpinnerColumn(), TextColumn("{task.description}"), console=err_console, transient=True) as bar:
        bar.add_task("building and comparing", total=None)
        review = changed.run(Path.cwd(), base, Path("sources"), suites_dir, jobs=package.default_jobs(),
                             cache_dir=Path("build/cache"), strict=strict)
    if output_format == "json":
        click.echo(json.dumps(review.to_dict(), ensure_ascii=False, indent=2))
    else:
        click.echo(review.to_markdown(), nl=False)
    sys.exit(0 if review.report.valid else 1)
