"""Unpack a release archive safely: every member checked against the release's own records before it is written.

An archive is trusted only when every member stays inside the destination (no absolute paths, no `..`, no links),
the archive would not unpack to more than a cap, every member is listed in `SHA256SUMS` with the right checksum
(and the right size in `manifest.json`), and every resource of `datapackage.json` has the hash and size it declares.
All of this is checked while reading the archive, before the first byte is written to disk; the files are then
written to a staging folder next to the destination, checked again, and moved into place in one rename. On any
failure nothing is left behind.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import stat
import tempfile
import zipfile
from pathlib import Path, PurePosixPath

from yigai.errors import YigaiError
from yigai.integrity import (MANIFEST_FILE, SUMS_FILE, TAMPER_HINT, inside, parse_manifest, parse_sums,
                             verify_resources, verify_sums)
from yigai.transfer import human

MAX_UNPACKED_BYTES = 8 * 1024**3  # refuse archives that would unpack to more than 8 GiB
MAX_MEMBERS = 200_000
MAX_RECORD_BYTES = 64 * 1024**2  # SHA256SUMS and manifest.json are read into memory: no larger than this
CHUNK = 1 << 20


def _member_problem(info: zipfile.ZipInfo) -> str | None:
    name = info.filename
    if "\\" in name or "\x00" in name:
        return "has a backslash or NUL in its name"
    if name.startswith("/") or re.match(r"^[A-Za-z]:", name):
        return "is an absolute path"
    if ".." in PurePosixPath(name).parts:
        return "climbs out of the folder with '..'"
    mode = info.external_attr >> 16
    if stat.S_ISLNK(mode):
        return "is a symbolic link"
    return None


def safe_members(archive: zipfile.ZipFile, label: str,
                 max_unpacked: int = MAX_UNPACKED_BYTES) -> dict[str, zipfile.ZipInfo]:
    """Return the archive's files keyed by their path inside the package (the common top folder removed).

    Raises:
        YigaiError: when any member would land outside the destination (zip slip), is a link, is duplicated,
            or the archive has too many members or would unpack to more than `max_unpacked` bytes. Nothing has
            been written then.
    """
    infos = archive.infolist()
    if len(infos) > MAX_MEMBERS:
        raise YigaiError(f"refusing the archive: it has {len(infos)} members, more than {MAX_MEMBERS}", file=label,
                         hint=TAMPER_HINT)
    for info in infos:
        problem = _member_problem(info)
        if problem:
            raise YigaiError(f"refusing the archive: member {info.filename!r} {problem}", file=label,
                             hint="this archive tries to write outside the destination folder; it is not a "
                                  "Yigai release")
    files = [i for i in infos if not i.is_dir()]
    total = sum(i.file_size for i in files)
    if total > max_unpacked:
        raise YigaiError(f"refusing the archive: it would unpack to {human(total)}, above the cap of "
                         f"{human(max_unpacked)}; nothing was written", file=label,
                         hint="if this really is a Yigai release, raise the cap with --max-size")
    tops = {PurePosixPath(i.filename).parts[0] for i in infos}
    strip = len(tops) == 1 and all(len(PurePosixPath(i.filename).parts) > 1 for i in files)
    members: dict[str, zipfile.ZipInfo] = {}
    for info in files:
        parts = PurePosixPath(info.filename).parts[1 if strip else 0:]
        inner = "/".join(p for p in parts if p not in ("", "."))
        if not inner or inner in members:
            raise YigaiError(f"refusing the archive: member {info.filename!r} is empty or duplicated", file=label)
        members[inner] = info
    return members


def _read_record(archive: zipfile.ZipFile, info: zipfile.ZipInfo, label: str) -> bytes:
    if info.file_size > MAX_RECORD_BYTES:
        raise YigaiError(f"refusing the archive: {info.filename} claims {human(info.file_size)}", file=label,
                         hint=TAMPER_HINT)
    return b"".join(_chunks(archive, info, label))


def _chunks(archive: zipfile.ZipFile, info: zipfile.ZipInfo, label: str):
    """The member's bytes in chunks; never more than its declared size (zipfile stops there and checks the CRC)."""
    try:
        with archive.open(info) as source:
            for chunk in iter(lambda: source.read(CHUNK), b""):
                yield chunk
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, NotImplementedError,
            RuntimeError) as exc:
        raise YigaiError(f"member {info.filename} cannot be read: {exc}", file=label, hint=TAMPER_HINT) from None


def _records(archive: zipfile.ZipFile, members: dict[str, zipfile.ZipInfo], sums: dict[str, str],
             label: str) -> dict[str, list[tuple[str, str | None, int | None, str]]]:
    """What datapackage.json and manifest.json (read from the archive, checked against SHA256SUMS) declare:
    member → [(algorithm, digest, bytes, record name)]."""
    declared: dict[str, list[tuple[str, str | None, int | None, str]]] = {}
    for record in ("datapackage.json", MANIFEST_FILE):
        if record not in members:
            continue
        data = _read_record(archive, members[record], label)
        if hashlib.sha256(data).hexdigest() != sums[record]:
            raise YigaiError(f"checksum mismatch for {record}: it differs from {SUMS_FILE}", file=label,
                             hint=TAMPER_HINT)
        if record == MANIFEST_FILE:
            for path, entry in parse_manifest(data, label).items():
                declared.setdefault(path, []).append(("sha256", entry["sha256"], entry["bytes"], record))
            continue
        try:
            resources = json.loads(data.decode("utf-8")).get("resources", [])
        except (ValueError, UnicodeDecodeError, AttributeError) as exc:
            raise YigaiError(f"datapackage.json is not valid JSON: {exc}", file=label, hint=TAMPER_HINT) from None
        for resource in resources:
            if isinstance(resource, dict) and isinstance(resource.get("path"), str):
                algorithm, _, digest = str(resource.get("hash") or "").rpartition(":")
                if digest and (algorithm or "md5") not in ("sha256", "md5"):
                    raise YigaiError(f"resource {resource.get('name')} uses unsupported hash {algorithm}",
                                     file=label)
                declared.setdefault(resource["path"], []).append(
                    (algorithm or "md5", digest or None, resource.get("bytes"), record))
    return declared


def check_members(archive: zipfile.ZipFile, members: dict[str, zipfile.ZipInfo], label: str) -> None:
    """Check every member against SHA256SUMS, datapackage.json and manifest.json, reading but writing nothing.

    Raises:
        YigaiError: naming the first member that is unlisted, missing, of the wrong size or checksum.
    """
    if SUMS_FILE not in members:
        raise YigaiError(f"no {SUMS_FILE} in the release", file=label, hint=TAMPER_HINT)
    sums = parse_sums(_read_record(archive, members[SUMS_FILE], label).decode("utf-8", errors="replace"))
    for name in sorted(set(members) - set(sums) - {SUMS_FILE}):
        raise YigaiError(f"file {name} is not listed in {SUMS_FILE}", file=label, hint=TAMPER_HINT)
    for name in sorted(set(sums) - set(members)):
        raise YigaiError(f"file {name} listed in {SUMS_FILE} is missing", file=label, hint=TAMPER_HINT)
    declared = _records(archive, members, sums, label)
    for name in sorted(set(declared) - set(members)):
        raise YigaiError(f"file {name} declared by {declared[name][0][3]} is missing", file=label, hint=TAMPER_HINT)
    for name, info in sorted(members.items()):
        if name == SUMS_FILE:
            continue
        for _, _, size, record in declared.get(name, []):
            if size is not None and info.file_size != size:
                raise YigaiError(f"file {name} would unpack to {info.file_size} bytes, {record} says {size}",
                                 file=label, hint=TAMPER_HINT)
        digests = {algorithm: hashlib.new(algorithm) for algorithm in
                   {"sha256", *(entry[0] for entry in declared.get(name, []) if entry[1])}}
        for chunk in _chunks(archive, info, label):
            for digest in digests.values():
                digest.update(chunk)
        actual = digests["sha256"].hexdigest()
        if actual != sums[name]:
            raise YigaiError(f"checksum mismatch for {name}: sha256 is {actual}, {SUMS_FILE} says {sums[name]}",
                             file=label, hint=TAMPER_HINT)
        for algorithm, expected, _, record in declared.get(name, []):
            if expected and digests[algorithm].hexdigest() != expected:
                raise YigaiError(f"file {name} has {algorithm} {digests[algorithm].hexdigest()}, {record} says "
                                 f"{expected}", file=label, hint=TAMPER_HINT)


def extract(archive_path: Path, dest: Path, label: str | None = None,
            max_unpacked: int = MAX_UNPACKED_BYTES) -> Path:
    """Unpack a release archive into `dest` after verifying it; on any failure nothing is left behind.

    Every member is checked (path, size, SHA256SUMS, manifest.json) before anything is written; the files are then
    written into a staging folder next to `dest`, checked again (SHA256SUMS, datapackage.json and manifest.json),
    and only then renamed to `dest`.

    Raises:
        YigaiError: when `dest` already holds files, the archive is not a zip, a member escapes the folder, the
            archive is too large, or verification fails.
    """
    label = label or str(archive_path)
    dest = Path(dest).absolute()
    if dest.exists() and (not dest.is_dir() or any(dest.iterdir())):
        raise YigaiError("destination already exists and is not empty", file=str(dest),
                         hint="choose a new folder, or remove the old one first")
    try:
        archive = zipfile.ZipFile(archive_path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise YigaiError(f"not a zip archive: {exc}", file=label, hint=TAMPER_HINT) from None
    with archive:
        members = safe_members(archive, label, max_unpacked)
        check_members(archive, members, label)
        dest.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{dest.name}-partial-", dir=dest.parent))
        try:
            for inner, info in sorted(members.items()):
                target = inside(staging, inner)
                target.parent.mkdir(parents=True, exist_ok=True)
                with open(target, "wb") as out:
                    for chunk in _chunks(archive, info, label):
                        out.write(chunk)
            verify_sums(staging, label)
            verify_resources(staging, label)
            if dest.exists():
                dest.rmdir()
            os.replace(staging, dest)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
    return dest
