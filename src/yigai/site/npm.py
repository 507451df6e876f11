"""Fetch front-end assets (web fonts, Data Docs scripts) as package tarballs from the npm registry, at build time.

The site must not depend on a CDN when it is read, so every asset it ships is taken from a published npm package,
fetched with the ordinary client (`npm pack`, which checks the registry's integrity hash) into a cache folder
and read from the tarball there. A package pinned with an integrity hash is checked again against the pin, so a
build uses the same bytes on every machine.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import shutil
import subprocess
import tarfile
from dataclasses import dataclass
from pathlib import Path

from yigai.errors import YigaiError

NPM_TIMEOUT = 900


@dataclass(frozen=True)
class NpmPackage:
    """One published npm package version.

    Attributes:
        name: the package name, with its scope if any (@fortawesome/fontawesome-free).
        version: an exact version, or a range (5) that npm resolves to the newest matching release.
        integrity: the registry's Subresource Integrity string (sha512-...) the tarball must match, if pinned.
    """

    name: str
    version: str
    integrity: str | None = None

    @property
    def spec(self) -> str:
        """The spec given to npm (name@version)."""
        return f"{self.name}@{self.version}"

    @property
    def tarball_name(self) -> str:
        """The file name `npm pack` gives the tarball of an exact version."""
        return f"{self.name.lstrip('@').replace('/', '-')}-{self.version}.tgz"


def integrity_of(path: Path) -> str:
    """The Subresource Integrity string (sha512, base64) of a file, as npm records it."""
    with open(path, "rb") as handle:
        digest = hashlib.file_digest(handle, "sha512").digest()
    return "sha512-" + base64.b64encode(digest).decode("ascii")


def _npm() -> str:
    npm = shutil.which("npm")
    if not npm:
        raise YigaiError("npm is not installed, so the site's font and Data Docs assets cannot be fetched",
                         hint="install Node.js and npm (the npm registry is where the assets come from), "
                              "or pass `--font FILE` and `--no-data-docs` to `yigai docs`")
    return npm


def fetch(package: NpmPackage, cache_dir: Path) -> Path:
    """The package's tarball in cache_dir, fetched with `npm pack` unless an exact version is already there.

    Raises:
        YigaiError: when npm fails or the tarball does not match the pinned integrity.
    """
    cache_dir = Path(cache_dir)
    cache_dir.mkdir(parents=True, exist_ok=True)
    cached = cache_dir / package.tarball_name
    if not cached.is_file():
        done = subprocess.run([_npm(), "pack", package.spec, "--json", "--prefer-offline", "--ignore-scripts",
                               "--pack-destination", str(cache_dir)], capture_output=True, text=True,
                              timeout=NPM_TIMEOUT, env=dict(os.environ, npm_config_update_notifier="false"))
        if done.returncode != 0:
            raise YigaiError(f"npm could not fetch {package.spec}: {done.stderr.strip()[-600:]}",
                             hint="check that the npm registry can be reached")
        try:
            cached = cache_dir / json.loads(done.stdout)[0]["filename"].replace("@", "").replace("/", "-")
        except (ValueError, LookupError, TypeError):
            raise YigaiError(f"npm pack {package.spec} printed no file name: {done.stdout[-300:]}") from None
    if package.integrity and integrity_of(cached) != package.integrity:
        cached.unlink()
        raise YigaiError(f"the tarball of {package.spec} does not match its pinned integrity", file=str(cached),
                         hint="the registry served other bytes than the ones this build was made with")
    return cached


def version_of(tarball: Path) -> str:
    """The exact version of the package in a tarball (from its package.json)."""
    return json.loads(read_member(tarball, "package.json"))["version"]


def read_member(tarball: Path, path: str) -> bytes:
    """The bytes of one file of a package tarball, by its path inside the package (dist/x.js).

    Raises:
        YigaiError: when the package has no such file.
    """
    try:
        with tarfile.open(tarball, "r:gz") as archive:
            for member in archive:
                if member.isfile() and member.name.split("/", 1)[-1] == path:
                    return archive.extractfile(member).read()
    except (OSError, EOFError, tarfile.TarError) as error:
        raise YigaiError(f"cannot read the package tarball ({error})", file=str(tarball),
                         hint="delete it so that the next build fetches it again") from None
    raise YigaiError(f"the package has no file {path}", file=str(tarball))


def entry_point(tarball: Path) -> str:
    """The file a CDN serves for the bare package URL (its jsdelivr, unpkg, browser or main field)."""
    manifest = json.loads(read_member(tarball, "package.json"))
    for key in ("jsdelivr", "unpkg", "browser", "main"):
        if isinstance(manifest.get(key), str):
            return manifest[key].removeprefix("./")
    return "index.js"


def extract_member(tarball: Path, path: str, target: Path) -> Path:
    """Write one file of a package tarball to target (atomically) and return target."""
    data = read_member(tarball, path)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f"{target.name}.{os.getpid()}.part")
    partial.write_bytes(data)
    os.replace(partial, target)
    return target
