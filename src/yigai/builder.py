"""Build one plan, possibly in a worker process: read its folder, run the pipeline, store the result as an entry.

An entry (yigai.cache) holds everything the package needs of the plan: its published text, its rows of each table as
sorted CSV lines, and metadata (title, document number, source URL and hash, the sort keys at both ends of each table's
rows, and the registry drafts the plan proposes). Entries go to the build cache when one is used, else to a scratch
folder; the main process streams them into the package (yigai.package).
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from yigai import cache, metadata, sources, tables
from yigai.errors import YigaiError
from yigai.registry import Registry

if TYPE_CHECKING:
    from yigai import pipeline

# Tables not built per plan but from inputs all plans share: `agencies` is the registry with every plan's drafts.
SHARED_TABLES = ("agencies", "indicators")
READ, BUILD = 0, 1  # the phase a plan failed in: a read error outranks a build error, as reading comes first


def plan_tables() -> list[str]:
    """The tables each plan contributes rows to, in package order."""
    return [name for name in metadata.table_names() if name not in SHARED_TABLES]


@dataclass
class Job:
    """One plan to build: its folder (or its inputs already read) and the cache key its inputs had when listed."""

    index: int
    plan_id: str
    directory: Path | None = None
    plan: sources.PlanSource | None = None
    key: str | None = None


@dataclass
class Done:
    """What building a plan gave: where its entry is, its metadata and seal, or the error and the phase it failed in."""

    index: int
    plan_id: str
    path: str | None = None
    key: str | None = None
    meta: dict[str, Any] | None = None
    seal: cache.Seal | None = None
    cached: bool = False
    phase: int | None = None
    error: YigaiError | None = None


@dataclass
class Settings:
    """What every worker shares: the registry, a digest of the shared inputs, the cache and the scratch folder."""

    registry: Registry
    shared_digest: str
    cache_dir: Path | None
    work_dir: Path


_settings: list[Settings] = []


def setup(settings: Settings) -> None:
    """Prepare this process to build plans (the pool's initializer; also called in-process for --jobs 1)."""
    _settings[:] = [settings]


def folder_files(directory: Path, recursive: bool = True) -> list[tuple[str, bytes]]:
    """Every file of a folder as (relative name, bytes), in name order (sub-folders too when `recursive`).

    A symbolic link to a file counts as the file; links to folders are not followed. A file or sub-folder that cannot
    be read is listed with the bytes `(unreadable)`, so that it still changes the digest."""
    out: list[tuple[str, bytes]] = []
    pending = [("", os.fspath(directory))]
    while pending:
        prefix, folder = pending.pop()
        try:
            with os.scandir(folder) as found:
                listed = list(found)
        except OSError:
            if not prefix:
                raise
            out.append((prefix.rstrip("/"), b"(unreadable)"))
            continue
        for item in listed:
            name = prefix + item.name
            try:
                if recursive and item.is_dir(follow_symlinks=False):
                    pending.append((name + "/", item.path))
                elif item.is_file():
                    with open(item.path, "rb") as handle:
                        out.append((name, handle.read()))
            except OSError:
                out.append((name, b"(unreadable)"))
    return sorted(out)


def shared_digest(sources_dir: Path) -> str:
    """Digest of the inputs every plan may read: the files directly under the sources folder (agencies.yml, …)."""
    return cache.files_digest(folder_files(sources_dir, recursive=False))


def input_key(plan_id: str, directory: Path, shared: str) -> str:
    """The cache key of a plan as its folder is now."""
    try:
        files = folder_files(directory)
    except OSError:
        files = [("(unreadable folder)", b"")]
    return cache.plan_key(plan_id, files, shared)


def entry_of(plan: sources.PlanSource, result: pipeline.PlanResult, key: str) -> cache.Entry:
    """Render a built plan as an entry: its text and sorted CSV lines per table, with the metadata merging needs."""
    rows = dict(result.rows)
    rows["corrections"] = result.correction_rows()
    sections = {"text": result.text.encode("utf-8")}
    blocks = {}
    for table in plan_tables():
        ordered = tables.order(table, rows.get(table) or [])
        sections[table] = tables.csv_lines(table, ordered).encode("utf-8")
        blocks[table] = tables.block_meta(table, ordered)
    plan_row = (result.rows.get("plans") or [{}])[0]
    url = (plan.source.get("raw") or {}).get("url")
    meta = {"plan_id": plan.plan_id, "sha256": plan.sha256,
            "url": url if url is None or isinstance(url, (str, int, float)) else str(url),
            "title": plan_row.get("title"), "doc_number": plan_row.get("doc_number"), "tables": blocks,
            "drafts": [dataclasses.asdict(agency) for agency in result.drafts]}
    return cache.Entry(key, meta, sections)


def run(job: Job) -> Done:
    """Read and build one plan and store its entry; errors in the inputs are returned, not raised."""
    from yigai import pipeline  # imported here: a build that takes every plan from the cache never needs it

    settings = _settings[0]
    try:
        plan = job.plan if job.plan is not None else sources.read_plan(job.directory)
    except YigaiError as exc:
        return Done(job.index, job.plan_id, phase=READ, error=exc)
    try:
        result = pipeline.build(plan, settings.registry)
    except YigaiError as exc:
        return Done(job.index, job.plan_id, phase=BUILD, error=exc)
    cacheable = (settings.cache_dir is not None and job.key is not None and job.directory is not None
                 and input_key(job.plan_id, job.directory, settings.shared_digest) == job.key)
    entry = entry_of(plan, result, job.key if cacheable else f"scratch-{job.index}")
    if cacheable:
        path = cache.PlanCache(settings.cache_dir).put(job.plan_id, entry)
    else:  # not cached: no cache in use, inputs given in memory, or a file changed while the plan was built
        path = settings.work_dir / f"{job.index}{cache.ENTRY_SUFFIX}"
        cache.write_atomic(path, cache.encode(entry))
    return Done(job.index, job.plan_id, str(path), entry.key, entry.meta, entry.seal)
