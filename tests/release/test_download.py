"""Download and load: served over HTTP, verified by checksums, refused when tampered or escaping, never half-written."""

from __future__ import annotations

import functools
import hashlib
import http.server
import shutil
import threading
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

import yigai
from yigai import loading, metadata
from yigai.cli import main
from yigai.errors import YigaiError


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def rewrite(source: Path, target: Path, change=None, extra=()) -> Path:
    """Copy a zip, replacing members (inner path → new bytes) and adding raw members (name, bytes[, mode])."""
    change = change or {}
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        prefix = old.namelist()[0].split("/")[0] + "/"
        for info in old.infolist():
            inner = info.filename[len(prefix):]
            data = old.read(info)
            if inner in change:
                data = change[inner](data) if callable(change[inner]) else change[inner]
            new.writestr(info, data)
        for name, data, *mode in extra:
            info = zipfile.ZipInfo(name)
            if mode:
                info.external_attr = mode[0] << 16
            new.writestr(info, data)
    return target


def flip(data: bytes) -> bytes:
    """Change one byte in the middle of a file (a damaged or altered download)."""
    middle = len(data) // 2
    return data[:middle] + bytes([data[middle] ^ 0x01]) + data[middle + 1:]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """A local HTTP server on 127.0.0.1 serving a folder; yields (base URL, folder)."""
    root = tmp_path_factory.mktemp("served")
    handler = functools.partial(Quiet, directory=str(root))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}", root
    finally:
        httpd.shutdown()
        httpd.server_close()


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # noqa: D102 - keep test output clean
        pass


@pytest.fixture(scope="module")
def served(server, release_archive):
    """The release archive on the local server; returns (base URL, served folder, archive name)."""
    base, root = server
    shutil.copy(release_archive, root / release_archive.name)
    return base, root, release_archive.name


def test_download_by_url_verifies_and_unpacks(served, released_folder, tmp_path):
    base, _, name = served
    dest = tmp_path / "got"
    assert loading.download(f"{base}/{name}", dest) == dest.absolute()
    assert tree(dest) == tree(released_folder)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["got"]


def test_download_by_version_uses_the_configured_base_url(served, tmp_path, monkeypatch):
    base, _, _ = served
    monkeypatch.setenv(loading.RELEASE_URL_ENV, base + "/")
    result = CliRunner().invoke(main, ["download", str(metadata.package()["version"]), "--dest", str(tmp_path / "v")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "v" / "datapackage.json").is_file()


def test_a_version_without_a_base_url_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.delenv(loading.RELEASE_URL_ENV, raising=False)
    result = CliRunner().invoke(main, ["download", "1.2.3", "--dest", str(tmp_path / "v")])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert loading.RELEASE_URL_ENV in result.output
    assert not any(tmp_path.iterdir())


def test_load_from_a_url_gives_dataframes(served, built_package):
    base, _, name = served
    tables = yigai.load(f"{base}/{name}")
    assert list(tables) == metadata.table_names()
    assert len(tables["plans"]) == len((built_package / "data" / "plans.csv").read_text(encoding="utf-8").splitlines()) - 1


def test_a_tampered_archive_is_refused_and_nothing_is_left_behind(served, release_archive, tmp_path):
    base, root, _ = served
    rewrite(release_archive, root / "tampered.zip", change={"data/plans.csv": flip})
    dest = tmp_path / "dest"
    result = CliRunner().invoke(main, ["download", f"{base}/tampered.zip", "--dest", str(dest)])
    assert result.exit_code == 1 and "Traceback" not in result.output
    message = " ".join(result.output.split())
    assert "checksum mismatch for data/plans.csv" in message and "altered" in message
    assert not dest.exists() and list(tmp_path.iterdir()) == []


def test_tampering_that_also_rewrites_sha256sums_is_caught_by_the_package_hashes(release_archive, tmp_path):
    with zipfile.ZipFile(release_archive) as archive:
        prefix = archive.namelist()[0].split("/")[0] + "/"
        files = {i.filename[len(prefix):]: archive.read(i) for i in archive.infolist()}
    files["data/plans.csv"] = flip(files["data/plans.csv"])
    sums = "".join(f"{hashlib.sha256(d).hexdigest()}  {n}\n" for n, d in sorted(files.items()) if n != "SHA256SUMS")
    forged = rewrite(release_archive, tmp_path / "forged.zip",
                     change={"data/plans.csv": files["data/plans.csv"], "SHA256SUMS": sums.encode()})
    dest = tmp_path / "dest"
    with pytest.raises(YigaiError, match="datapackage.json says"):
        loading.download(str(forged), dest)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["forged.zip"]


def test_an_unlisted_file_is_refused(release_archive, tmp_path):
    prefix = release_archive.stem
    extra = rewrite(release_archive, tmp_path / "extra.zip", extra=[(f"{prefix}/data/extra.csv", b"a\n1\n")])
    with pytest.raises(YigaiError, match="not listed in SHA256SUMS"):
        loading.download(str(extra), tmp_path / "dest")
    assert not (tmp_path / "dest").exists()


@pytest.mark.parametrize("member, why", [
    ("{prefix}/../../evil.txt", "climbs out"),
    ("../evil.txt", "climbs out"),
    ("/tmp/evil.txt", "absolute path"),
    ("{prefix}/link", "symbolic link"),
])
def test_zip_slip_is_refused_before_anything_is_written(release_archive, tmp_path, member, why):
    prefix = release_archive.stem
    name = member.format(prefix=prefix)
    mode = (0o120777,) if why == "symbolic link" else ()
    evil = rewrite(release_archive, tmp_path / "evil.zip", extra=[(name, b"/etc/passwd", *mode)])
    dest = tmp_path / "deep" / "dest"
    with pytest.raises(YigaiError, match=why):
        loading.download(str(evil), dest)
    assert not (tmp_path / "deep").exists()
    assert not (tmp_path / "evil.txt").exists() and not Path("/tmp/evil.txt").exists()


def test_a_missing_release_is_a_clear_error(served, tmp_path):
    base, _, _ = served
    with pytest.raises(YigaiError, match="HTTP 404"):
        loading.download(f"{base}/yigai-0.0.0.zip", tmp_path / "dest")
    assert list(tmp_path.iterdir()) == []


def test_a_non_empty_destination_is_left_alone(release_archive, tmp_path):
    dest = tmp_path / "dest"
    dest.mkdir()
    (dest / "mine.txt").write_text("keep", encoding="utf-8")
    with pytest.raises(YigaiError, match="not empty"):
        loading.download(str(release_archive), dest)
    assert tree(dest) == {"mine.txt": b"keep"}


def test_load_refuses_a_folder_whose_files_changed(package_copy):
    changed = package_copy()
    path = changed / "data" / "plans.csv"
    path.write_bytes(flip(path.read_bytes()))
    with pytest.raises(YigaiError, match="plans"):
        yigai.load(changed)
