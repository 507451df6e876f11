"""Download, verify and load a Yigai release: checksums first, nothing half-written, tables typed from the schema.

A release archive (`<name>-<version>.zip`) holds one folder with the data package, the other formats and a
`SHA256SUMS` file listing the SHA-256 of every other file. An archive is trusted only when every member stays
inside the destination (no absolute paths, no `..`, no links), every file is listed in `SHA256SUMS` with the right
checksum, and every resource of `datapackage.json` has the hash and size the descriptor declares.

Release archives are looked up by version under a base URL given by the environment variable `YIGAI_RELEASE_URL`
(the archive is `<base>/<name>-<version>.zip`); there is no built-in default.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shutil
import stat
import tempfile
import urllib.error
import urllib.request
import zipfile
from pathlib import Path, PurePosixPath
from typing import Iterator

from yigai.errors import YigaiError

RELEASE_URL_ENV = "YIGAI_RELEASE_URL"
SUMS_FILE = "SHA256SUMS"
DEFAULT_NAME = "yigai"
MAX_UNPACKED_BYTES = 4 * 1024**3  # refuse archives that would unpack to more than 4 GiB
VERSION_PATTERN = re.compile(r"^v?(\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.-]+)?)$")
TAMPER_HINT = "the archive is damaged or was altered after release: download it again from the official release"


def is_url(text: str) -> bool:
    """True when `text` is an http(s) or file URL rather than a local path or a version."""
    return bool(re.match(r"^(https?|file)://", str(text)))


def release_url(version: str, base_url: str | None = None, name: str = DEFAULT_NAME) -> str:
    """Return the URL of the release archive of `version` under the configured base URL.

    Raises:
        YigaiError: when no base URL is given and YIGAI_RELEASE_URL is not set.
    """
    match = VERSION_PATTERN.match(version)
    if not match:
        raise YigaiError(f"{version!r} is neither a version (like 1.2.0) nor a URL nor an existing path",
                         hint="pass a release version, the URL of a release archive, or a local archive/folder")
    base = base_url or os.environ.get(RELEASE_URL_ENV)
    if not base:
        raise YigaiError(f"no release location is configured, so version {version} cannot be resolved",
                         field=RELEASE_URL_ENV,
                         hint=f"set {RELEASE_URL_ENV} to the base URL that holds <name>-<version>.zip archives, "
                              "or pass the full URL of the archive")
    return f"{base.rstrip('/')}/{name}-{match.group(1)}.zip"


def sha256_file(path: Path) -> str:
    """SHA-256 (hex) of a file, read in chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def fetch(url: str, target: Path, timeout: float = 60.0) -> None:
    """Download `url` to the file `target` (streamed).

    Raises:
        YigaiError: on any HTTP or network error, naming the URL.
    """
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response, open(target, "wb") as out:  # noqa: S310
            shutil.copyfileobj(response, out, 1 << 20)
    except urllib.error.HTTPError as exc:
        raise YigaiError(f"download failed: HTTP {exc.code} {exc.reason}", file=url,
                         hint="check the version and the release location") from None
    except (urllib.error.URLError, OSError) as exc:
        raise YigaiError(f"download failed: {getattr(exc, 'reason', exc)}", file=url) from None


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


def safe_members(archive: zipfile.ZipFile, label: str) -> dict[str, zipfile.ZipInfo]:
    """Return the archive's files keyed by their path inside the package (the common top folder removed).

    Raises:
        YigaiError: when any member would land outside the destination (zip slip), is a link, is duplicated,
            or the archive would unpack to an implausible size. Nothing has been written then.
    """
    infos = archive.infolist()
    for info in infos:
        problem = _member_problem(info)
        if problem:
            raise YigaiError(f"refusing the archive: member {info.filename!r} {problem}", file=label,
                             hint="this archive tries to write outside the destination folder; it is not a "
                                  "Yigai release")
    files = [i for i in infos if not i.is_dir()]
    if sum(i.file_size for i in files) > MAX_UNPACKED_BYTES:
        raise YigaiError("refusing the archive: it would unpack to more than 4 GiB", file=label)
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


def _inside(root: Path, relative: str) -> Path:
    target = (root / relative).resolve()
    if not target.is_relative_to(root.resolve()):
        raise YigaiError(f"path {relative!r} escapes the package folder", file=str(root), hint=TAMPER_HINT)
    return target


def read_sums(folder: Path) -> dict[str, str]:
    """Parse SHA256SUMS (`<hex>  <path>` per line, as written by sha256sum) into path → hex digest.

    Raises:
        YigaiError: when a line is malformed, naming the line.
    """
    sums: dict[str, str] = {}
    path = folder / SUMS_FILE
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        match = re.match(r"^([0-9a-f]{64}) [ *](.+)$", line)
        if not match:
            raise YigaiError("malformed checksum line", file=SUMS_FILE, row=number, hint=TAMPER_HINT)
        sums[match.group(2)] = match.group(1)
    return sums


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
        actual = sha256_file(_inside(folder, name))
        if actual != expected:
            raise YigaiError(f"checksum mismatch for {name}: sha256 is {actual}, {SUMS_FILE} says {expected}",
                             file=label, hint=TAMPER_HINT)


def read_descriptor(folder: Path) -> dict:
    """Return the parsed datapackage.json of a package folder.

    Raises:
        YigaiError: when it is missing or not JSON.
    """
    path = folder / "datapackage.json"
    if not path.is_file():
        raise YigaiError("no datapackage.json found", file=str(folder),
                         hint="pass a package folder, a release archive or its URL")
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise YigaiError(f"datapackage.json is not valid JSON: {exc}", file=str(path)) from None


def verify_resources(folder: Path, label: str) -> None:
    """Check every resource of datapackage.json against its declared `hash` and `bytes`.

    Raises:
        YigaiError: naming the resource whose file is missing or differs.
    """
    for resource in read_descriptor(folder).get("resources", []):
        path = resource.get("path")
        if not isinstance(path, str):
            raise YigaiError(f"resource {resource.get('name')!r} has no single local path", file=label)
        target = _inside(folder, path)
        if not target.is_file():
            raise YigaiError(f"resource {resource.get('name')} is missing its file {path}", file=label,
                             hint=TAMPER_HINT)
        declared = resource.get("hash")
        if declared:
            algorithm, _, expected = declared.rpartition(":")
            algorithm = algorithm or "md5"
            if algorithm not in ("sha256", "md5"):
                raise YigaiError(f"resource {resource['name']} uses unsupported hash {algorithm}", file=label)
            digest = hashlib.new(algorithm, target.read_bytes()).hexdigest()
            if digest != expected:
                raise YigaiError(f"resource {resource['name']} ({path}) has {algorithm} {digest}, "
                                 f"datapackage.json says {expected}", file=label, hint=TAMPER_HINT)
        if "bytes" in resource and target.stat().st_size != resource["bytes"]:
            raise YigaiError(f"resource {resource['name']} ({path}) has {target.stat().st_size} bytes, "
                             f"datapackage.json says {resource['bytes']}", file=label, hint=TAMPER_HINT)


def extract(archive_path: Path, dest: Path, label: str | None = None) -> Path:
    """Unpack a release archive into `dest` after verifying it; on any failure nothing is left behind.

    The archive is unpacked into a temporary folder next to `dest`, verified there (SHA256SUMS and resource
    hashes), and only then renamed to `dest`.

    Raises:
        YigaiError: when `dest` already holds files, the archive is not a zip, a member escapes the folder,
            or verification fails.
    """
    label = label or str(archive_path)
    dest = Path(dest).absolute()
    if dest.exists() and (not dest.is_dir() or any(dest.iterdir())):
        raise YigaiError("destination already exists and is not empty", file=str(dest),
                         hint="choose a new folder, or remove the old one first")
    dest.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{dest.name}-partial-", dir=dest.parent))
    try:
        try:
            archive = zipfile.ZipFile(archive_path)
        except (zipfile.BadZipFile, OSError) as exc:
            raise YigaiError(f"not a zip archive: {exc}", file=label, hint=TAMPER_HINT) from None
        with archive:
            for inner, info in sorted(safe_members(archive, label).items()):
                target = _inside(staging, inner)
                target.parent.mkdir(parents=True, exist_ok=True)
                try:
                    with archive.open(info) as source, open(target, "wb") as out:
                        shutil.copyfileobj(source, out, 1 << 20)
                except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError) as exc:
                    raise YigaiError(f"member {info.filename} cannot be read: {exc}", file=label,
                                     hint=TAMPER_HINT) from None
        verify_sums(staging, label)
        verify_resources(staging, label)
        if dest.exists():
            dest.rmdir()
        os.replace(staging, dest)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return dest


def download(version_or_url: str, dest: Path, base_url: str | None = None) -> Path:
    """Download a release (by version, URL or local archive path), verify it and unpack it into `dest`.

    Args:
        version_or_url: a version such as "1.2.0" (resolved with YIGAI_RELEASE_URL or `base_url`), the URL of a
            release archive, or the path of a local archive.
        dest: the folder to create; it must not exist or be empty.
        base_url: overrides YIGAI_RELEASE_URL.

    Returns:
        The folder holding the verified package.

    Raises:
        YigaiError: when the release cannot be fetched, is tampered with, or tries to escape `dest`.
    """
    dest = Path(dest).absolute()
    local = Path(version_or_url)
    if not is_url(version_or_url) and local.is_file():
        return extract(local, dest)
    if not is_url(version_or_url):
        from yigai import metadata

        url = release_url(version_or_url, base_url, metadata.package()["name"])
    else:
        url = version_or_url
    dest.parent.mkdir(parents=True, exist_ok=True)
    handle, temp_name = tempfile.mkstemp(prefix=f".{dest.name}-download-", suffix=".zip", dir=dest.parent)
    os.close(handle)
    try:
        fetch(url, Path(temp_name))
        return extract(Path(temp_name), dest, label=url)
    finally:
        Path(temp_name).unlink(missing_ok=True)


@contextlib.contextmanager
def open_package(path_or_url: str | Path, verify_folder: bool = True) -> Iterator[Path]:
    """Yield a verified package folder for a folder, a release archive, a URL or a version.

    Archives and downloads are unpacked into a temporary folder that is removed afterwards, and always verified.
    A folder is verified against its datapackage.json hashes (and SHA256SUMS when it has one) unless
    `verify_folder` is false (for comparing work in progress).

    Raises:
        YigaiError: when the package cannot be found or fails verification.
    """
    text = str(path_or_url)
    local = Path(text)
    if not is_url(text) and local.is_dir():
        if verify_folder and (local / SUMS_FILE).is_file():
            verify_sums(local, text)
        if verify_folder:
            verify_resources(local, text)
        yield local
        return
    if not is_url(text) and not local.exists() and not VERSION_PATTERN.match(text):
        raise YigaiError("no such package folder or archive", file=text)
    with tempfile.TemporaryDirectory(prefix="yigai-load-") as temp:
        yield download(text, Path(temp) / "package")


def _convert(column, field_type: str):
    import pandas as pd

    if field_type == "integer":
        return pd.to_numeric(column).astype("Int64")
    if field_type == "number":
        return pd.to_numeric(column).astype("float64")
    if field_type == "boolean":
        return column.map({"true": True, "false": False}).astype("boolean")
    if field_type == "date":
        return pd.to_datetime(column, format="%Y-%m-%d")
    return column.astype("string")


def read_tables(folder: Path) -> dict:
    """Read every tabular resource of a package folder into a pandas DataFrame typed from its schema.

    Types: integer → Int64, number → float64, boolean → boolean, date → datetime64, string → string; empty
    cells are missing values.
    """
    import pandas as pd

    tables = {}
    for resource in read_descriptor(folder).get("resources", []):
        schema = resource.get("schema")
        if not schema:
            continue
        frame = pd.read_csv(_inside(folder, resource["path"]), dtype=str, keep_default_na=False,
                            na_values=schema.get("missingValues", [""]), encoding="utf-8")
        for spec in schema["fields"]:
            try:
                frame[spec["name"]] = _convert(frame[spec["name"]], spec.get("type", "string"))
            except (ValueError, TypeError, KeyError) as exc:
                raise YigaiError(f"cannot read column as {spec.get('type')}: {exc}", file=resource["path"],
                                 field=spec["name"]) from None
        tables[resource["name"]] = frame
    return tables


def load(path_or_url: str | Path) -> dict:
    """Return the tables of a Yigai package as a dict of typed pandas DataFrames, keyed by table name.

    Args:
        path_or_url: a package folder, a release archive (.zip), the URL of one, or a version (resolved with
            YIGAI_RELEASE_URL). Archives and downloads are verified before anything is read.

    Raises:
        YigaiError: when the package cannot be found, fetched or verified.
    """
    with open_package(path_or_url) as folder:
        return read_tables(folder)
