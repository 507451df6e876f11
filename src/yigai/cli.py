"""The `yigai` command line: thin click commands over the library, each with help and an example."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn

from yigai import __version__
from yigai.errors import YigaiError

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}
err_console = Console(stderr=True)


class YigaiGroup(click.Group):
    """A click group that reports user errors as plain messages, never tracebacks."""

    def invoke(self, ctx: click.Context):  # noqa: D102 - click API
        try:
            return super().invoke(ctx)
        except YigaiError as exc:
            err_console.print(f"[bold red]error:[/] {exc}", highlight=False, markup=True)
            sys.exit(2 if getattr(exc, "usage", False) else 1)


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
@click.option("--sources", "sources_dir", type=click.Path(path_type=Path), default=Path("sources"), show_default=True,
              help="Folder of plan folders (raw.txt, source.yml, corrections.yml) and agencies.yml.")
@click.option("--out", "out_dir", type=click.Path(path_type=Path), default=Path("datapackage"), show_default=True,
              help="Folder to write the data package to (replaced atomically).")
def build_command(sources_dir: Path, out_dir: Path) -> None:
    """Build the data package from the committed sources.

    Runs every plan through normalisation, extraction and curation and writes the package. The same inputs
    always give the same bytes. On any error the previous package is left untouched.

    \b
    Example:
      yigai build --sources sources --out datapackage
    """
    from yigai import package

    with Progress(SpinnerColumn(), TextColumn("{task.description}"), console=err_console, transient=True) as bar:
        task = bar.add_task("building", total=None)
        tables = package.run(sources_dir, out_dir, progress=lambda plan_id: bar.update(task, description=plan_id))
    counts = ", ".join(f"{name} {len(rows)}" for name, rows in tables.items())
    err_console.print(f"built {out_dir}: {counts}", highlight=False)


@command(main, "validate")
@click.argument("path", type=click.Path(path_type=Path), default=Path("datapackage"), required=False)
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="Report for people (text) or machines (json).")
def validate_command(path: Path, output_format: str) -> None:
    """Validate a data package (default: datapackage/).

    Exit status: 0 valid, 1 invalid, 2 usage error.

    \b
    Example:
      yigai validate datapackage --format json
    """
    from yigai import validate

    report = validate.run(path)
    click.echo(report.to_json() if output_format == "json" else report.to_text())
    sys.exit(0 if report.valid else 1)


if __name__ == "__main__":  # pragma: no cover
    main()
