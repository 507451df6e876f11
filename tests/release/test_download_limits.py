"""Downloads that cannot be abused: a dripping server, an endless response and an oversized archive are each refused
within the configured deadline and size cap, with nothing left behind; archive members are checked before writing."""

from __future__ import annotations

import http.server
import threading
import time
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from yigai import archives, loading, transfer
from yigai.cli import main
from yigai.errors import YigaiError

SERVER_LIFETIME = 30.0  # every handler stops by itself after this long, whatever the client does


class Hostile(http.server.BaseHTTPRequestHandler):
    """Serves /drip (one byte every 0.2 s), /drip-headers (headers one byte at a time), /endless (64 KiB chunks
    without end), /big (the archive in `self.server.payload`, with or without Content-Length)."""

    protocol_version = "HTTP/1.1"

    def log_message(self, *args):  # noqa: D102 - keep test output quiet
        pass

    def _send(self, data: bytes) -> bool:
        try:
            self.wfile.write(data)
            self.wfile.flush()
            return True
        except OSError:
            return False

    def do_GET(self):  # noqa: N802, D102 - http.server API
        stop = time.monotonic() + SERVER_LIFETIME
        if self.path == "/drip-headers":
            for byte in b"HTTP/1.1 200 OK\r\nX-Slow: " + b"a" * 10_000:
                if time.monotonic() > stop or not self._send(bytes([byte])):
                    return
                time.sleep(0.2)
            return
        if self.path in ("/big", "/big-unannounced"):
            payload = self.server.payload
            self.send_response(200)
            if self.path == "/big":
                self.send_header("Content-Length", str(len(payload)))
            else:
                self.send_header("Connection", "close")
            self.end_headers()
            self._send(payload)
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/zip")
        if self.path == "/drip":
            self.send_header("Content-Length", str(10**6))
        else:
            self.send_header("Connection", "close")
        self.end_headers()
        chunk = b"x" if self.path == "/drip" else b"\0" * 65536
        while time.monotonic() < stop and self._send(chunk):
            if self.path == "/drip":
                time.sleep(0.2)


@pytest.fixture(scope="module")
def hostile():
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Hostile)
    httpd.daemon_threads = True
    httpd.payload = b""
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield httpd, f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


def timed_refusal(url: str, dest: Path, limits: transfer.Limits) -> tuple[float, str]:
    started = time.monotonic()
    with pytest.raises(YigaiError) as caught:
        loading.download(url, dest, limits=limits)
    return time.monotonic() - started, " ".join(str(caught.value).split())


@pytest.mark.parametrize("path", ["/drip", "/drip-headers"])
def test_a_dripping_server_is_cut_off_at_the_deadline(hostile, tmp_path, path):
    _, base = hostile
    elapsed, message = timed_refusal(base + path, tmp_path / "dest", transfer.Limits(timeout=2, max_bytes=10**9))
    assert elapsed < 4, f"took {elapsed:.1f} s for a 2 s deadline"
    assert "deadline of 2 s" in message and "--timeout" in message
    assert list(tmp_path.iterdir()) == []


def test_an_endless_response_is_cut_off_at_the_size_cap(hostile, tmp_path):
    _, base = hostile
    limits = transfer.Limits(timeout=60, max_bytes=5 * 2**20)
    elapsed, message = timed_refusal(base + "/endless", tmp_path / "dest", limits)
    assert elapsed < 30
    assert "more than 5.0 MiB" in message and "size cap of 5.0 MiB" in message and "--max-size" in message
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("path", ["/big", "/big-unannounced"])
def test_an_oversized_archive_is_refused(hostile, release_archive, tmp_path, path):
    httpd, base = hostile
    httpd.payload = release_archive.read_bytes()
    cap = len(httpd.payload) // 2
    _, message = timed_refusal(base + path, tmp_path / "dest", transfer.Limits(timeout=30, max_bytes=cap))
    assert "above the size cap" in message
    assert ("announces" in message) == (path == "/big")
    assert list(tmp_path.iterdir()) == []


def test_the_same_archive_under_the_cap_is_accepted(hostile, release_archive, tmp_path):
    httpd, base = hostile
    httpd.payload = release_archive.read_bytes()
    folder = loading.download(base + "/big-unannounced", tmp_path / "dest",
                              limits=transfer.Limits(timeout=30, max_bytes=len(httpd.payload)))
    assert (folder / "datapackage.json").is_file() and sorted(p.name for p in tmp_path.iterdir()) == ["dest"]


def test_the_cli_takes_the_limits_and_says_what_was_refused(hostile, tmp_path, monkeypatch):
    _, base = hostile
    result = CliRunner().invoke(main, ["download", base + "/endless", "--dest", str(tmp_path / "d"),
                                       "--max-size", "1MiB", "--timeout", "20"])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "download refused" in result.output and "1.0 MiB" in result.output
    monkeypatch.setenv(transfer.TIMEOUT_ENV, "1")
    started = time.monotonic()
    result = CliRunner().invoke(main, ["download", base + "/drip", "--dest", str(tmp_path / "d")])
    assert result.exit_code == 1 and "deadline of 1 s" in result.output and time.monotonic() - started < 3
    result = CliRunner().invoke(main, ["download", base + "/drip", "--dest", str(tmp_path / "d"), "--max-size", "lots"])
    assert result.exit_code == 2 and "not a size" in result.output
    assert list(tmp_path.iterdir()) == []


def test_a_zip_bomb_is_refused_before_anything_is_written(release_archive, tmp_path):
    bomb = tmp_path / "bomb.zip"
    with zipfile.ZipFile(release_archive) as old, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as new:
        prefix = old.namelist()[0].split("/")[0]
        for info in old.infolist():
            new.writestr(info, old.read(info))
        new.writestr(f"{prefix}/data/huge.csv", b"\0" * (64 * 2**20))
    dest = tmp_path / "out" / "dest"
    with pytest.raises(YigaiError, match=r"would unpack to 6[4-9]\.\d MiB, above the cap of 16\.0 MiB"):
        archives.extract(bomb, dest, max_unpacked=16 * 2**20)
    assert not (tmp_path / "out").exists()


def test_a_member_is_checked_before_it_is_written(release_archive, tmp_path, monkeypatch):
    """An altered Parquet file, with SHA256SUMS forged to match, is refused by manifest.json before any write."""
    import hashlib

    with zipfile.ZipFile(release_archive) as archive:
        prefix = archive.namelist()[0].split("/")[0] + "/"
        files = {i.filename[len(prefix):]: archive.read(i) for i in archive.infolist()}
    name = next(n for n in files if n.startswith("parquet/"))
    files[name] = files[name][:-9] + bytes([files[name][-9] ^ 1]) + files[name][-8:]
    files["SHA256SUMS"] = "".join(f"{hashlib.sha256(d).hexdigest()}  {n}\n" for n, d in sorted(files.items())
                                  if n != "SHA256SUMS").encode()
    forged = tmp_path / "forged.zip"
    with zipfile.ZipFile(forged, "w") as archive:
        for inner, data in files.items():
            archive.writestr(prefix + inner, data)
    writes = []
    real_open = open
    monkeypatch.setattr("builtins.open", lambda f, m="r", *a, **k: (writes.append(f) if "w" in m else None)
                        or real_open(f, m, *a, **k))
    with pytest.raises(YigaiError, match=f"{name} has sha256 .* manifest.json says"):
        archives.extract(forged, tmp_path / "dest")
    assert writes == [] and sorted(p.name for p in tmp_path.iterdir()) == ["forged.zip"]


def test_network_errors_say_what_to_try(tmp_path):
    with pytest.raises(YigaiError) as caught:
        loading.download("http://127.0.0.1:9/yigai-1.0.0.zip", tmp_path / "dest",
                         limits=transfer.Limits(timeout=5, max_bytes=2**20))
    assert "download failed" in str(caught.value) and "proxy" in str(caught.value.hint)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("text, size", [("500", 500), ("2KiB", 2048), ("1.5 MB", 1_500_000), ("2GiB", 2 * 1024**3)])
def test_sizes_are_read_as_people_write_them(text, size):
    assert transfer.parse_size(text) == size
