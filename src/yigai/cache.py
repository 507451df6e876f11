"""The build cache: each plan's built rows and text, stored under a hash of everything that went into them.

A plan is rebuilt only when something it is built from changes. Its entry is keyed by the SHA-256 of the plan id,
every file of its folder (raw.txt, source.yml, corrections.yml: names and bytes), every file shared by all plans
(the files directly under sources/, such as the agency registry agencies.yml) and the code version: a hash of every
file of the installed yigai package (its code and data files) and of the versions of Python, Unicode and the
libraries whose output the build depends on (OpenCC, cpca, cn2an, PyYAML and libyaml). Any change to any of them
gives a new key, so a stale entry is never found.

An entry is one file, `<cache>/plans/<plan_id>/<key>.entry`: a magic line, a JSON header (the key, the SHA-256 and
length of the body, the lengths of the body's sections and the plan's metadata), then the body. It is written to a
temporary file and renamed, so readers see whole entries only. An entry is used only when its magic line, key,
length and checksum all match: a truncated, corrupt or foreign file is ignored (and rebuilt), never trusted.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import os
import sys
import tempfile
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

MAGIC = b"YIGAI-PLAN-CACHE 1\n"
ENTRY_SUFFIX = ".entry"
# Libraries whose output is part of the published bytes: a new version may change the rows.
DEPENDENCIES = ("OpenCC", "cpca", "cn2an", "PyYAML")
# Package files that the rows of a plan do not depend on (the version number and citation metadata).
NOT_PLAN_INPUTS = ("metadata/package.yml",)


@lru_cache(maxsize=1)
def code_version() -> str:
    """Hash of the code that builds a plan: every file of the installed yigai package, and library versions."""
    import yaml

    root = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file() and p.suffix in (".py", ".yml", ".yaml", ".csv",
                                                                                  ".json", ".txt")):
        relative = path.relative_to(root).as_posix()
        if relative in NOT_PLAN_INPUTS or "__pycache__" in path.parts:
            continue
        digest.update(relative.encode("utf-8") + b"\0" + hashlib.sha256(path.read_bytes()).digest())
    versions = [sys.version, unicodedata.unidata_version, f"libyaml={getattr(yaml, '__with_libyaml__', False)}"]
    for name in DEPENDENCIES:
        try:
            versions.append(f"{name}={importlib.metadata.version(name)}")
        except importlib.metadata.PackageNotFoundError:
            versions.append(f"{name}=(not installed)")
    digest.update("\0".join(versions).encode("utf-8"))
    return digest.hexdigest()


def files_digest(files: list[tuple[str, bytes]]) -> str:
    """SHA-256 over files given as (name, bytes), in name order."""
    digest = hashlib.sha256(b"yigai-files\0")
    for name, data in sorted(files):
        digest.update(name.encode("utf-8") + b"\0" + hashlib.sha256(data).digest())
    return digest.hexdigest()


def plan_key(plan_id: str, files: list[tuple[str, bytes]], shared_digest: str, code: str | None = None) -> str:
    """The cache key of one plan: SHA-256 over its id, its folder's files, the shared inputs and the code version."""
    parts = ["yigai-plan", plan_id, files_digest(files), shared_digest, code or code_version()]
    return hashlib.sha256("\0".join(parts).encode("utf-8")).hexdigest()


@dataclass
class Entry:
    """One plan's built output: named byte sections (its text, CSV rows per table) and metadata (JSON data)."""

    key: str
    meta: dict[str, Any]
    sections: dict[str, bytes] = field(default_factory=dict)


def encode(entry: Entry) -> bytes:
    """Serialise an entry (magic line, JSON header with checksum, body)."""
    names = sorted(entry.sections)
    body = b"".join(entry.sections[name] for name in names)
    header = {"key": entry.key, "sha256": hashlib.sha256(body).hexdigest(), "bytes": len(body),
              "sections": [[name, len(entry.sections[name])] for name in names], "meta": entry.meta}
    return MAGIC + json.dumps(header, ensure_ascii=False, sort_keys=True).encode("utf-8") + b"\n" + body


def decode(data: bytes, key: str) -> Entry | None:
    """Return the entry stored in `data` when it is a whole, uncorrupted entry for `key`; None otherwise."""
    if not data.startswith(MAGIC):
        return None
    end = data.find(b"\n", len(MAGIC))
    if end < 0:
        return None
    try:
        header = json.loads(data[len(MAGIC):end].decode("utf-8"))
        body = data[end + 1:]
        if not isinstance(header, dict) or header.get("key") != key or header.get("bytes") != len(body):
            return None
        if header.get("sha256") != hashlib.sha256(body).hexdigest() or not isinstance(header.get("meta"), dict):
            return None
        sections, offset = {}, 0
        for name, length in header["sections"]:
            sections[str(name)] = body[offset:offset + int(length)]
            offset += int(length)
        if offset != len(body):
            return None
    except (ValueError, TypeError, KeyError, UnicodeDecodeError):
        return None
    return Entry(key, header["meta"], sections)


def write_atomic(path: Path, data: bytes, prefix: str = ".tmp-") -> None:
    """Write a file whole or not at all (temporary file `prefix…` in the same folder, then rename); a file that
    exists keeps its permissions, a new one is readable by all (0644)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    mode = path.stat().st_mode & 0o777 if path.is_file() else 0o644
    handle, temporary = tempfile.mkstemp(prefix=prefix, dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


class PlanCache:
    """A folder of plan entries (normally build/cache, which git ignores)."""

    def __init__(self, directory: Path):
        self.directory = Path(directory)

    def path(self, plan_id: str, key: str) -> Path:
        """Where the entry of this plan and key is stored."""
        return self.directory / "plans" / plan_id / f"{key}{ENTRY_SUFFIX}"

    def get(self, plan_id: str, key: str) -> Entry | None:
        """The verified entry for this key, or None when there is none or it cannot be trusted."""
        try:
            data = self.path(plan_id, key).read_bytes()
        except OSError:
            return None
        return decode(data, key)

    def put(self, plan_id: str, entry: Entry) -> Path:
        """Store an entry (atomically) and return its path."""
        path = self.path(plan_id, entry.key)
        write_atomic(path, encode(entry))
        return path

    def prune(self, plan_id: str, keep: str) -> None:
        """Delete the plan's other entries (older builds of it), keeping the one with key `keep`."""
        folder = self.directory / "plans" / plan_id
        try:
            names = os.listdir(folder)
        except OSError:
            return
        for name in names:
            if name != f"{keep}{ENTRY_SUFFIX}" and name.endswith(ENTRY_SUFFIX):
                (folder / name).unlink(missing_ok=True)
