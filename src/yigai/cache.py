"""The build cache: each plan's built rows and text, stored under a hash of everything that went into them.

A plan is rebuilt only when something it is built from changes. Its entry is keyed by the SHA-256 of the plan id,
every file of its folder (raw.txt, source.yml, corrections.yml: names and bytes), every file shared by all plans
(the files directly under sources/, such as the agency registry agencies.yml) and the code version: a hash of every
file of the installed yigai package (its code and data files) and of the versions of Python, Unicode and the
libraries whose output the build depends on (OpenCC, cpca, cn2an, PyYAML and libyaml). Any change to any of them
gives a new key, so a stale entry is never found.

An entry is one file, `<cache>/plans/<plan_id>/<key>.entry`: a magic line, a line with the SHA-256 of everything
after it, a JSON header line (the key, the lengths of the body's sections and the plan's metadata), then the body. It is written to a temporary file and renamed, so readers see whole entries only. An entry
is used only when its magic line, checksum, key and lengths all match: a truncated, corrupt or foreign file is
ignored (and rebuilt), never trusted. An entry read again later (to write a plan that waited for the plans before
it) must still be the entry that was checked (its Seal: the same checksum, over content that has it).

Tables built from inputs all plans share (the `agencies` table, from the registry and every plan's drafts) are
cached the same way under `<cache>/shared/<table>/`, keyed by the SHA-256 of their inputs and the code version.
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

MAGIC = b"YIGAI-PLAN-CACHE 2\n"
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


def shared_key(table: str, inputs: Any) -> str:
    """The cache key of a table built from inputs all plans share: SHA-256 over its name, its inputs (JSON data)
    and the code version."""
    data = json.dumps(inputs, ensure_ascii=False, sort_keys=True, default=repr)
    return hashlib.sha256("\0".join(["yigai-shared", table, code_version(), data]).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Seal:
    """What pins down an entry's bytes once they have been read and checked: reading the file again later, the same
    checksum line over the same content is the same entry, so its header need not be parsed again.

    Attributes:
        sha256: the checksum (hex) of everything after the checksum line: the header line and the body.
        sections: (name, length in bytes) of the body's sections, in order.
    """

    sha256: str
    sections: tuple[tuple[str, int], ...]


@dataclass
class Entry:
    """One plan's built output: named byte sections (its text, CSV rows per table) and metadata (JSON data).

    `seal` is set when the entry was encoded or decoded (see Seal); it is not part of the entry's value."""

    key: str
    meta: dict[str, Any]
    sections: dict[str, bytes] = field(default_factory=dict)
    seal: Seal | None = field(default=None, compare=False)


def encode(entry: Entry) -> bytes:
    """Serialise an entry: magic line, checksum line, JSON header line, body; sets entry.seal."""
    names = sorted(entry.sections)
    layout = tuple((name, len(entry.sections[name])) for name in names)
    header = json.dumps({"key": entry.key, "sections": [list(pair) for pair in layout], "meta": entry.meta},
                        ensure_ascii=False, sort_keys=True).encode("utf-8")
    digest = hashlib.sha256(header)
    digest.update(b"\n")
    for name in names:
        digest.update(entry.sections[name])
    checksum = digest.hexdigest()
    entry.seal = Seal(checksum, layout)
    return b"".join([MAGIC, checksum.encode("ascii"), b"\n", header, b"\n", *(entry.sections[n] for n in names)])


def _content(data: bytes, checksum: str | None = None) -> tuple[str, bytes] | None:
    """An entry's checksum and everything after its checksum line, when that has the checksum the line gives (and,
    when given, `checksum`); None for a file that is not a whole entry as written."""
    if not data.startswith(MAGIC):
        return None
    end = len(MAGIC) + 64
    if data[end:end + 1] != b"\n":
        return None
    written = data[len(MAGIC):end].decode("ascii", "replace")
    content = data[end + 1:]
    if (checksum is not None and written != checksum) or hashlib.sha256(content).hexdigest() != written:
        return None
    return written, content


def _slice(body: bytes, sections) -> dict[str, bytes] | None:
    """Cut the body into its sections; None when the lengths do not add up to the body."""
    out, offset = {}, 0
    for name, length in sections:
        out[str(name)] = body[offset:offset + int(length)]
        offset += int(length)
    return out if offset == len(body) else None


def decode(data: bytes, key: str) -> Entry | None:
    """Return the entry stored in `data` when it is a whole, uncorrupted entry for `key`; None otherwise."""
    checked = _content(data)
    if checked is None:
        return None
    checksum, content = checked
    end = content.find(b"\n")
    if end < 0:
        return None
    try:
        header = json.loads(content[:end].decode("utf-8"))
        body = content[end + 1:]
        if not isinstance(header, dict) or header.get("key") != key or not isinstance(header.get("meta"), dict):
            return None
        layout = tuple((str(name), int(length)) for name, length in header["sections"])
        sections = _slice(body, layout)
    except (ValueError, TypeError, KeyError, UnicodeDecodeError):
        return None
    if sections is None:
        return None
    return Entry(key, header["meta"], sections, Seal(checksum, layout))


def reopen(data: bytes, seal: Seal) -> dict[str, bytes] | None:
    """The sections of an entry read again, when `data` is still exactly the entry `seal` was taken from (the same
    checksum, and content that has it); None otherwise. The caller already holds the entry's metadata."""
    checked = _content(data, seal.sha256)
    if checked is None:
        return None
    content = checked[1]
    return _slice(content[content.find(b"\n") + 1:], seal.sections)


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
    """A folder of entries (normally build/cache, which git ignores): one sub-folder per plan under `plans/`, or,
    with area="shared", one per table built from inputs all plans share (such as `agencies`)."""

    def __init__(self, directory: Path, area: str = "plans"):
        self.directory = Path(directory)
        self.area = area

    def path(self, plan_id: str, key: str) -> Path:
        """Where the entry of this plan (or shared table) and key is stored."""
        return self.directory / self.area / plan_id / f"{key}{ENTRY_SUFFIX}"

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
        folder = self.directory / self.area / plan_id
        try:
            names = os.listdir(folder)
        except OSError:
            return
        for name in names:
            if name != f"{keep}{ENTRY_SUFFIX}" and name.endswith(ENTRY_SUFFIX):
                (folder / name).unlink(missing_ok=True)
