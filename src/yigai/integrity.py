"""The three records that vouch for a release's files, and the checks against them.

- `SHA256SUMS` lists the SHA-256 of every other file of a release (as written by `sha256sum`);
- `datapackage.json` declares the `hash` and `bytes` of every resource (the CSV tables and the texts);
- `manifest.json` (written by `yigai release`) lists every file again with its SHA-256, size and the tool version
  that wrote it, so that the Parquet and SQLite files are covered by the package's own record too, not only by
  `SHA256SUMS`.

A file that differs from any of them is refused: the archive was damaged or altered after release.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

from yigai.errors import YigaiError

SUMS_FILE = "SHA256SUMS"
MANIFEST_FILE = "manifest.json"
TAMPER_HINT = "the archive is damaged or was altered after release: download it again from the official release"


def sha256_file(path: Path, algorithm: str = "sha256") -> str:
    """SHA-256 (or another hashlib algorithm's) hex digest of a file, read in chunks."""
    digest = hashlib.new(algorithm)
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def inside(root: Path, relative: str) -> Path:
    """The path of `relative` under `root`.

    Raises:
        YigaiError: when it would lead outside `root` (an absolute path, `..`, a link out).
    """
    target = (root / relative).resolve()
    if not target.is_relative_to(root.resolve()):
        raise YigaiError(f"path {relative!r} escapes the package folder", file=str(root), hint=TAMPER_HINT)
    return target


def parse_sums(text: str) -> dict[str, str]:
    """Parse SHA256SUMS text (`<hex>  <path>` per line) into path → hex digest.

    Raises:
        YigaiError: when a line is malformed or a path is listed twice, naming the line.
    """
    sums: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        match = re.match(r"^([0-9a-f]{64}) [ *](.+)$", line)
        if not match or match.group(2) in sums:
            raise YigaiError("malformed or repeated checksum line", file=SUMS_FILE, row=number, hint=TAMPER_HINT)
        sums[match.group(2)] = match.group(1)
    return sums


def read_sums(folder: Path) -> dict[str, str]:
    """SHA256SUMS of a folder as path → hex digest (see parse_sums)."""
    return parse_sums((folder / SUMS_FILE).read_text(encoding="utf-8"))


def read_descriptor(folder: Path) -> dict:
    """Return the parsed datapackage.json of a package folder.

    Raises:
        YigaiError: when it is missing or not JSON.
    """
    path = Path(folder) / "datapackage.json"
    if not path.is_file():
        raise YigaiError("no datapackage.json found", file=str(folder),
                         hint="pass a package folder, a release archive or its URL")
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise YigaiError(f"datapackage.json is not valid JSON: {exc}", file=str(path)) from None


def parse_manifest(data: bytes, label: str) -> dict[str, dict]:
    """The files of a manifest.json as path → {"sha256", "bytes", "written_by"}.

    Raises:
        YigaiError: when it is not a manifest.
    """
    try:
        files = json.loads(data.decode("utf-8"))["files"]
        if not all(isinstance(v, dict) and isinstance(v.get("sha256"), str) and isinstance(v.get("bytes"), int)
                   for v in files.values()):
            raise ValueError("an entry lacks sha256 or bytes")
    except (ValueError, KeyError, TypeError, AttributeError, UnicodeDecodeError) as exc:
        raise YigaiError(f"{MANIFEST_FILE} is not a release manifest: {exc}", file=label, hint=TAMPER_HINT) from None
    return files


def declared_files(folder: Path) -> dict[str, tuple[str, str | None, int | None]]:
    """Every file a package folder's own records declare: path → (algorithm, digest or None, bytes or None).

    The resources of datapackage.json, then the files of manifest.json when there is one.
    """
    declared: dict[str, tuple[str, str | None, int | None]] = {}
    for resource in read_descriptor(folder).get("resources", []):
        path = resource.get("path")
        if not isinstance(path, str):
            raise YigaiError(f"resource {resource.get('name')!r} has no single local path", file=str(folder))
        algorithm, digest = "sha256", None
        if resource.get("hash"):
            algorithm, _, digest = str(resource["hash"]).rpartition(":")
            algorithm = algorithm or "md5"
            if algorithm not in ("sha256", "md5"):
                raise YigaiError(f"resource {resource['name']} uses unsupported hash {algorithm}", file=str(folder))
        declared[path] = (algorithm, digest, resource.get("bytes"))
    manifest = Path(folder) / MANIFEST_FILE
    if manifest.is_file():
        for path, entry in parse_manifest(manifest.read_bytes(), str(folder)).items():
            declared.setdefault(path, ("sha256", entry["sha256"], entry["bytes"]))
    return declared


def differences(folder: Path) -> list[str]:
    """Plain descriptions of every file of a folder that differs from what its own records declare (or is missing)."""
    found = []
    for path, (algorithm, digest, size) in sorted(declared_files(folder).items()):
        target = inside(folder, path)
        if not target.is_file():
            found.append(f"{path} is missing")
            continue
        if size is not None and target.stat().st_size != size:
            found.append(f"{path} has {target.stat().st_size} bytes, the record says {size}")
        elif digest and sha256_file(target, algorithm) != digest:
            found.append(f"{path} has a different {algorithm} than the record")
    return found


def verify_resources(folder: Path, label: str) -> None:
    """Check every file datapackage.json (and manifest.json) declares against its hash and size.

    Raises:
        YigaiError: naming the first file that is missing or differs.
    """
    resources = {r.get("path"): r.get("name") for r in read_descriptor(folder).get("resources", [])}
    for path, (algorithm, digest, size) in sorted(declared_files(folder).items()):
        what = f"resource {resources[path]} ({path})" if path in resources else f"file {path}"
        record = "datapackage.json" if path in resources else MANIFEST_FILE
        target = inside(folder, path)
        if not target.is_file():
            raise YigaiError(f"{what} is missing", file=label, hint=TAMPER_HINT)
        if digest:
            actual = sha256_file(target, algorithm)
            if actual != digest:
                raise YigaiError(f"{what} has {algorithm} {actual}, {record} says {digest}", file=label,
                                 hint=TAMPER_HINT)
        if size is not None and target.stat().st_size != size:
            raise YigaiError(f"{what} has {target.stat().st_size} bytes, {record} says {size}", file=label,
                             hint=TAMPER_HINT)


def verify_sums(folder: Path, label: str) -> None:
    """Check every file of the folder against SHA256SUMS: same set of files, same checksums.

    Raises:
        YigaiError: naming the first file that is missing, unlisted or different.
    """
    if not (folder / SUMS_FILE).is_file():
        raise YigaiError(f"no {SUMS_FILE} in the release", file=label, hint=TAMPER_HINT)
    sums = read_sums(folder)
    present = {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()} - {SUMS_FILE}
    for name in sorted(present - set(sums)):
        raise YigaiError(f"file {name} is not listed in {SUMS_FILE}", file=label, hint=TAMPER_HINT)
    for name in sorted(set(sums) - present):
        raise YigaiError(f"file {name} listed in {SUMS_FILE} is missing", file=label, hint=TAMPER_HINT)
    for name, expected in sorted(sums.items()):
        actual = sha256_file(inside(folder, name))
        if actual != expected:
            raise YigaiError(f"checksum mismatch for {name}: sha256 is {actual}, {SUMS_FILE} says {expected}",
                             file=label, hint=TAMPER_HINT)
