"""Semantic versions for the dataset: find the last release, measure the change, and bump every version record.

`yigai release --bump patch|minor|major` compares the new build with the previous release (the *baseline*):

1. the package given with `--since` (folder, archive or URL), if any;
2. otherwise the committed `datapackage/` at the last release commit, i.e. the last git commit that changed the
   `version:` line of src/yigai/metadata/package.yml (a release commits the bumped files and the rebuilt
   `datapackage/` together);
3. otherwise the archive of the current version in the release folder (build/release/<name>-<version>.zip);
4. otherwise there is no baseline: this is the first release, and any bump is accepted.

The change decides the smallest acceptable bump (see yigai.diff): a bump smaller than that is refused. The new
version and its date (from `--date`, else the date of the last git commit — never the clock) are written to
package.yml, CITATION.cff and .zenodo.json (both generated from package.yml), and an entry generated from the diff
is added to CHANGELOG.md. If anything fails afterwards, those files are restored.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import re
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import yaml

from yigai import cite, diff, metadata
from yigai.errors import YigaiError
from yigai.release import Project

LEVELS = ("patch", "minor", "major")
CHANGELOG_ROW_LIMIT = 20


def bump_version(version: str, level: str) -> str:
    """Return the next version: 1.4.2 → patch 1.4.3, minor 1.5.0, major 2.0.0."""
    match = re.fullmatch(r"(\d+)\.(\d+)\.(\d+)", str(version))
    if not match:
        raise YigaiError(f"version {version!r} is not MAJOR.MINOR.PATCH", file="src/yigai/metadata/package.yml",
                         field="version")
    major, minor, patch = (int(x) for x in match.groups())
    if level == "major":
        return f"{major + 1}.0.0"
    if level == "minor":
        return f"{major}.{minor + 1}.0"
    if level == "patch":
        return f"{major}.{minor}.{patch + 1}"
    raise YigaiError(f"unknown bump {level!r}", field="bump", hint="use patch, minor or major")


def check_bump(level: str, changes: diff.PackageDiff | None, plans: int = 0) -> None:
    """Refuse a bump smaller than the change requires, or a bump when nothing changed.

    Args:
        level: the bump asked for.
        changes: the change since the previous release (None: there is none to compare with).
        plans: how many plans the new package has; without a previous release every one of them is new, and a
            new plan needs at least a minor bump.

    Raises:
        YigaiError: explaining which change requires which bump.
    """
    if changes is None:
        if plans and LEVELS.index(level) < LEVELS.index("minor"):
            raise YigaiError(f"a {level} bump is too small: there is no previous release to compare with, so the "
                             f"package's {plans} plan(s) are all new — a new plan needs at least a minor bump",
                             field="bump", hint="use --bump minor, or name the previous release with --since (see "
                                                "docs/releases.md for the rules)")
        return
    required, reasons = changes.required_bump()
    if required == "none":
        raise YigaiError(f"nothing changed since {changes.old_version}; there is nothing to release",
                         field="bump", hint="make a change first, or release the current version without --bump")
    if LEVELS.index(level) < LEVELS.index(required):
        shown = "; ".join(r for r in reasons[:5]) + ("; …" if len(reasons) > 5 else "")
        raise YigaiError(f"a {level} bump is too small: {shown} — that needs at least a {required} bump",
                         field="bump", hint=f"use --bump {required} (see docs/releases.md for the rules)")


def last_commit_date(root: Path) -> dt.date:
    """The committer date of the last git commit (the default release date, so that releases reproduce).

    Raises:
        YigaiError: when there is no git history to read.
    """
    try:
        out = subprocess.run(["git", "-C", str(root), "log", "-1", "--format=%cs"], check=True,
                             capture_output=True, text=True).stdout.strip()
        return dt.date.fromisoformat(out)
    except (OSError, subprocess.CalledProcessError, ValueError):
        raise YigaiError("no release date given and no git commit to take it from", field="date",
                         hint="pass --date YYYY-MM-DD") from None


def _git(root: Path, *args: str) -> bytes | None:
    try:
        return subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return None


def _git_baseline(project: Project, target: Path) -> str | None:
    relative = project.package_yml.relative_to(project.root).as_posix()
    commit = (_git(project.root, "log", "-1", "--format=%H", "-G^version:", "--", relative) or b"").decode().strip()
    if not commit:
        return None
    data = _git(project.root, "archive", "--format=tar", commit, "datapackage")
    if not data:
        return None
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        if hasattr(tarfile, "data_filter"):
            tar.extractall(target, filter="data")
        else:  # Python < 3.11.4: git archive output is trusted (it comes from our own repository)
            tar.extractall(target)  # noqa: S202
    if not (target / "datapackage" / "datapackage.json").is_file():
        return None
    return f"datapackage/ at the last release commit, {commit[:12]}"


@contextlib.contextmanager
def baseline(project: Project, out_dir: Path, since: str | None = None) -> Iterator[tuple[diff.Snapshot | None, str]]:
    """Yield the snapshot of the previous release and a label saying where it came from (None: first release)."""
    if since:
        yield diff.snapshot(since), str(since)
        return
    with tempfile.TemporaryDirectory(prefix="yigai-baseline-") as temp:
        label = _git_baseline(project, Path(temp))
        if label:
            yield diff.snapshot(Path(temp) / "datapackage"), label
            return
    meta = metadata.package()
    candidate = out_dir / f"{meta['name']}-{meta['version']}.zip"
    if candidate.is_file():
        yield diff.snapshot(candidate), str(candidate)
        return
    yield None, "none (first release)"


def set_version(text: str, version: str, date: dt.date) -> str:
    """package.yml text with `version:` and `date_released:` replaced (comments and layout kept).

    Raises:
        YigaiError: when either key is missing.
    """
    for key, value in (("version", version), ("date_released", date.isoformat())):
        text, count = re.subn(rf"(?m)^{key}:.*$", f"{key}: {value}", text)
        if count != 1:
            raise YigaiError(f"expected one top-level '{key}:' line", file="src/yigai/metadata/package.yml",
                             field=key)
    return text


def changelog_entry(changes: diff.PackageDiff | None, source: str, new: diff.Snapshot) -> str:
    """The CHANGELOG.md body (without heading) for a new version, generated from the diff with the baseline."""
    if changes is None:
        counts = ", ".join(f"`{name}` {len(table.rows)}" for name, table in new.tables.items())
        return f"First release. Rows per table: {counts}.\n"
    body = changes.to_markdown(level=3, title=False, limit=CHANGELOG_ROW_LIMIT)
    return f"Compared with {changes.old_version} ({source}).\n\n{body.strip()}\n"


def add_changelog_entry(text: str, version: str, date: dt.date, entry: str) -> str:
    """CHANGELOG.md text with a new version entry; hand-written notes under "## Unreleased" move into it."""
    heading = f"## {version} — {date.isoformat()}"
    match = re.search(r"(?m)^## Unreleased[ \t]*\n", text)
    if match:
        rest = text[match.end():]
        following = re.search(r"(?m)^## ", rest)
        notes = (rest[:following.start()] if following else rest).strip()
        tail = rest[following.start():] if following else ""
        block = heading + "\n\n" + (notes + "\n\n" if notes else "") + entry.strip() + "\n"
        return text[:match.start()] + "## Unreleased\n\n" + block + ("\n" + tail if tail else "")
    first = re.search(r"(?m)^## ", text)
    block = heading + "\n\n" + entry.strip() + "\n\n"
    if first:
        return text[:first.start()] + block + text[first.start():]
    return text.rstrip("\n") + "\n\n" + block.rstrip("\n") + "\n"


def _plan_count(package_dir: Path) -> int:
    """Rows of the package's plans table."""
    import csv

    with open(package_dir / "data" / "plans.csv", encoding="utf-8", newline="") as handle:
        return sum(1 for _ in csv.DictReader(handle))


@dataclass
class Bump:
    """What a bump did."""

    old_version: str
    new_version: str
    date: dt.date
    baseline: str
    changes: diff.PackageDiff | None
    archive: Path | None = None


def _reload_metadata() -> None:
    clear = getattr(metadata.package, "cache_clear", None)
    if clear:
        clear()


def bump(project: Project, sources_dir: Path, package_dir: Path, out_dir: Path, level: str,
         date: dt.date | None = None, since: str | None = None) -> Bump:
    """Build, compare with the previous release, bump the version everywhere, rebuild and write the archive.

    Raises:
        YigaiError: when the bump is too small, nothing changed, the package is invalid, or the build fails;
            the version files are then left (or put back) as they were.
    """
    from yigai import package, release

    project.check()
    if level not in LEVELS:
        raise YigaiError(f"unknown bump {level!r}", field="bump", hint="use patch, minor or major")
    package.run(sources_dir, package_dir)
    release.validated_report(package_dir, "candidate")
    candidate = diff.snapshot(package_dir)
    with baseline(project, out_dir, since) as (old, source):
        changes = diff.compare(old, candidate) if old else None
    check_bump(level, changes, plans=_plan_count(package_dir))
    old_version = str(metadata.package()["version"])
    new_version = bump_version(old_version, level)
    date = date or last_commit_date(project.root)
    paths = [project.package_yml, project.citation, project.zenodo, project.changelog]
    saved = {p: p.read_bytes() if p.exists() else None for p in paths}
    try:
        yml = set_version(project.package_yml.read_text(encoding="utf-8"), new_version, date)
        project.package_yml.write_text(yml, encoding="utf-8")
        meta = yaml.safe_load(yml)
        project.citation.write_text(cite.cff_text(meta), encoding="utf-8")
        project.zenodo.write_text(cite.zenodo_text(meta), encoding="utf-8")
        entry = changelog_entry(changes, source, candidate)
        project.changelog.write_text(add_changelog_entry(project.changelog.read_text(encoding="utf-8"),
                                                         new_version, date, entry), encoding="utf-8")
        _reload_metadata()
        package.run(sources_dir, package_dir)
        path = release.archive(package_dir, out_dir, project)
    except BaseException:
        for p, data in saved.items():
            if data is None:
                p.unlink(missing_ok=True)
            else:
                p.write_bytes(data)
        _reload_metadata()
        raise
    return Bump(old_version, new_version, date, source, changes, path)
