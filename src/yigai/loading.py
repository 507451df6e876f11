"""Download, verify and load a Yigai release: checksums first, nothing half-written, tables typed from the schema.

A release archive (`<name>-<version>.zip`) holds one folder with the data package, the other formats (Parquet,
SQLite), `manifest.json` and a `SHA256SUMS` file listing the SHA-256 of every other file; see yigai.integrity for
the checks and yigai.archives for the safe unpacking. Downloads have an overall deadline and a size cap
(yigai.transfer).

Release archives are looked up by version under a base URL given by the environment variable `YIGAI_RELEASE_URL`
(the archive is `<base>/<name>-<version>.zip`); there is no built-in default.
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
import warnings
from pathlib import Path
from typing import Iterator

from yigai.archives import MAX_UNPACKED_BYTES, extract, safe_members  # noqa: F401 - part of this module's API
from yigai.errors import UsageError, YigaiError
from yigai.integrity import (SUMS_FILE, TAMPER_HINT, differences, inside, read_descriptor,  # noqa: F401
                             read_sums, sha256_file, verify_resources, verify_sums)
from yigai.transfer import Limits, fetch

RELEASE_URL_ENV = "YIGAI_RELEASE_URL"
DEFAULT_NAME = "yigai"
FORMATS = ("csv", "parquet", "sqlite")
VERSION_PATTERN = re.compile(r"^v?(\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.-]+)?)$")
_TARGET_HINT = "pass a release version, the URL of a release archive, or a local archive or package folder"


class UnverifiedPackageWarning(UserWarning):
    """A package folder was loaded without its hash checks (verify=False), and some of its files differ."""


def is_url(text: str) -> bool:
    """True when `text` is an http(s) or file URL rather than a local path or a version."""
    return bool(re.match(r"^(https?|file)://", str(text)))


def release_url(version: str, base_url: str | None = None, name: str = DEFAULT_NAME) -> str:
    """Return the URL of the release archive of `version` under the configured base URL.

    Raises:
        UsageError: when `version` is no version (nor an existing path, which the caller checked first).
        YigaiError: when no base URL is given and YIGAI_RELEASE_URL is not set.
    """
    match = VERSION_PATTERN.match(version)
    if not match:
        raise UsageError(f"{version!r} is neither a version (like 1.2.0) nor a URL nor an existing path",
                         hint=_TARGET_HINT)
    base = base_url or os.environ.get(RELEASE_URL_ENV)
    if not base:
        raise YigaiError(f"no release location is configured, so version {version} cannot be resolved",
                         field=RELEASE_URL_ENV,
                         hint=f"set {RELEASE_URL_ENV} to the base URL that holds <name>-<version>.zip archives, "
                              "or pass the full URL of the archive")
    return f"{base.rstrip('/')}/{name}-{match.group(1)}.zip"


def download(version_or_url: str, dest: Path, base_url: str | None = None, limits: Limits | None = None) -> Path:
    """Download a release (by version, URL or local archive path), verify it and unpack it into `dest`.

    Args:
        version_or_url: a version such as "1.2.0" (resolved with YIGAI_RELEASE_URL or `base_url`), the URL of a
            release archive, or the path of a local archive.
        dest: the folder to create; it must not exist or be empty.
        base_url: overrides YIGAI_RELEASE_URL.
        limits: the overall deadline and the size cap (default: Limits.configured(), from the environment).

    Returns:
        The folder holding the verified package.

    Raises:
        UsageError: when the argument is no version, URL or existing archive.
        YigaiError: when the release cannot be fetched in time or within the cap, is tampered with, or tries to
            escape `dest`; nothing is left behind then.
    """
    limits = limits or Limits.configured()
    dest = Path(dest).absolute()
    unpacked_cap = max(MAX_UNPACKED_BYTES, 4 * limits.max_bytes)
    local = Path(version_or_url)
    if not is_url(version_or_url) and local.is_file():
        return extract(local, dest, max_unpacked=unpacked_cap)
    if is_url(version_or_url):
        url = version_or_url
    else:
        if not VERSION_PATTERN.match(version_or_url):
            raise UsageError("no such archive, folder or version", file=version_or_url, hint=_TARGET_HINT)
        from yigai import metadata

        url = release_url(version_or_url, base_url, metadata.package()["name"])
    dest.parent.mkdir(parents=True, exist_ok=True)
    handle, temp_name = tempfile.mkstemp(prefix=f".{dest.name}-download-", suffix=".zip", dir=dest.parent)
    os.close(handle)
    try:
        fetch(url, Path(temp_name), limits)
        return extract(Path(temp_name), dest, label=url, max_unpacked=unpacked_cap)
    finally:
        Path(temp_name).unlink(missing_ok=True)


@contextlib.contextmanager
def open_package(path_or_url: str | Path, verify_folder: bool = True,
                 limits: Limits | None = None) -> Iterator[Path]:
    """Yield a package folder for a folder, a release archive, a URL or a version.

    Archives and downloads are unpacked into a temporary folder that is removed afterwards, and always verified.
    A folder is verified against its datapackage.json hashes (and SHA256SUMS and manifest.json when it has them)
    unless `verify_folder` is false (for comparing or loading work in progress).

    Raises:
        UsageError: when the path does not exist and is no URL or version.
        YigaiError: when the package cannot be fetched or fails verification.
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
        raise UsageError("no such package folder or archive", file=text, hint=_TARGET_HINT)
    with tempfile.TemporaryDirectory(prefix="yigai-load-") as temp:
        yield download(text, Path(temp) / "package", limits=limits)


def load(path_or_url: str | Path, format: str = "csv", verify: bool = True, timeout: float | None = None,
         max_bytes: int | str | None = None) -> dict:
    """Return the tables of a Yigai package as a dict of typed pandas DataFrames, keyed by table name.

    Whatever the format, the frames are the same: types come from the package's Table Schema (integer → Int64,
    number → float64, boolean → boolean, date → datetime64, string → string; empty cells are missing values).

    Args:
        path_or_url: a package folder, a release archive (.zip), the URL of one, or a version (resolved with
            YIGAI_RELEASE_URL). Archives and downloads are always verified before anything is read.
        format: read the tables from the CSV files ("csv"), the release's Parquet files ("parquet", needs
            pyarrow: `pip install 'yigai[parquet]'`) or its SQLite database ("sqlite").
        verify: for a local folder only: False opens a folder you edited without the hash checks; a warning
            (UnverifiedPackageWarning) names every file that differs from the package's records.
        timeout: overall download deadline in seconds (default: $YIGAI_DOWNLOAD_TIMEOUT, else 900).
        max_bytes: largest archive accepted, e.g. "500MB" (default: $YIGAI_DOWNLOAD_MAX_BYTES, else 2 GiB).

    Raises:
        UsageError: when the path does not exist or the format is unknown.
        YigaiError: when the package cannot be fetched or verified, or lacks the requested format.
    """
    from yigai import tabular

    if format not in FORMATS:
        raise UsageError(f"unknown format {format!r}", field="format", hint=f"use one of {', '.join(FORMATS)}")
    limits = Limits.configured(timeout, max_bytes)
    with open_package(path_or_url, verify_folder=verify, limits=limits) as folder:
        if not verify and Path(str(path_or_url)).is_dir():
            changed = differences(folder)
            if changed:
                warnings.warn(f"{path_or_url}: loaded without hash checks; {len(changed)} file(s) differ from the "
                              f"package's records: " + "; ".join(changed), UnverifiedPackageWarning, stacklevel=2)
        return tabular.read_tables(folder, format)
