"""Fetch a URL to a file under an overall deadline and a size cap, saying plainly what was refused and why.

A per-read timeout alone lets a server that drips one byte at a time hold a download forever, and an endless
response fill the disk. Here every download has:

- an overall **deadline** (seconds from the start of the request to the last byte; headers included): when it
  passes, the connection is shut down, whatever it is doing;
- a **size cap** (bytes): a response that declares a larger Content-Length is refused before its body is read, and
  one that sends more than the cap is cut off as soon as it does.

Both are configurable (arguments, or the environment variables YIGAI_DOWNLOAD_TIMEOUT and YIGAI_DOWNLOAD_MAX_BYTES)
and have defaults sized for a national corpus on an ordinary connection. The partial file is removed on any failure.
"""

from __future__ import annotations

import http.client
import os
import re
import socket
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from yigai.errors import UsageError, YigaiError

TIMEOUT_ENV = "YIGAI_DOWNLOAD_TIMEOUT"
MAX_BYTES_ENV = "YIGAI_DOWNLOAD_MAX_BYTES"
DEFAULT_TIMEOUT = 900.0  # 15 minutes for the whole download
DEFAULT_MAX_BYTES = 2 * 1024**3  # 2 GiB of archive
READ_TIMEOUT = 60.0  # no byte at all for this long: give up before the deadline
CHUNK = 1 << 16
NETWORK_HINT = ("check the network connection, the proxy settings (HTTPS_PROXY) and the address, then try again; "
                "or fetch the archive another way and pass its local path")
_UNITS = {"": 1, "b": 1, "k": 1000, "kb": 1000, "kib": 1024, "m": 1000**2, "mb": 1000**2, "mib": 1024**2,
          "g": 1000**3, "gb": 1000**3, "gib": 1024**3}


def parse_size(text: str | int) -> int:
    """Bytes from a size such as 500000, "500MB", "2GiB" or "1.5 GB".

    Raises:
        UsageError: when the text is not a size.
    """
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*", str(text))
    unit = match.group(2).lower() if match else None
    if not match or unit not in _UNITS or float(match.group(1)) <= 0:
        raise UsageError(f"{text!r} is not a size", field="max size", hint="write it like 500MB, 2GiB or 1000000")
    return int(float(match.group(1)) * _UNITS[unit])


def human(size: int) -> str:
    """A byte count for people: 1.5 GiB, 20.0 MiB, 512 bytes."""
    for unit, factor in (("GiB", 1024**3), ("MiB", 1024**2), ("KiB", 1024)):
        if size >= factor:
            return f"{size / factor:.1f} {unit}"
    return f"{size} bytes"


@dataclass(frozen=True)
class Limits:
    """How long a download may take in all, and how large it may be.

    Attributes:
        timeout: the overall deadline in seconds.
        max_bytes: the largest archive accepted, in bytes.
    """

    timeout: float = DEFAULT_TIMEOUT
    max_bytes: int = DEFAULT_MAX_BYTES

    @classmethod
    def configured(cls, timeout: float | None = None, max_bytes: int | str | None = None) -> "Limits":
        """Limits from the arguments, else the environment, else the defaults.

        Raises:
            UsageError: when a value is not a positive number or size.
        """
        if timeout is None and os.environ.get(TIMEOUT_ENV):
            timeout = os.environ[TIMEOUT_ENV]
        if max_bytes is None and os.environ.get(MAX_BYTES_ENV):
            max_bytes = os.environ[MAX_BYTES_ENV]
        try:
            seconds = float(timeout) if timeout is not None else DEFAULT_TIMEOUT
        except ValueError:
            seconds = -1.0
        if not seconds > 0:
            raise UsageError(f"{timeout!r} is not a number of seconds", field=f"timeout ({TIMEOUT_ENV})",
                             hint="give the overall download deadline in seconds, e.g. 600")
        size = parse_size(max_bytes) if max_bytes is not None else DEFAULT_MAX_BYTES
        return cls(timeout=seconds, max_bytes=size)


class _Watched:
    """Remembers the sockets a request opens, so that a watchdog can shut them down at the deadline."""

    def __init__(self) -> None:
        self.sockets: list[socket.socket] = []
        self.expired = False

    def expire(self) -> None:
        self.expired = True
        for sock in self.sockets:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


def _opener(watched: _Watched) -> urllib.request.OpenerDirector:
    def connection(base):
        class Connection(base):  # type: ignore[misc, valid-type]
            def connect(self):  # noqa: D102 - http.client API
                super().connect()
                watched.sockets.append(self.sock)
                if watched.expired:
                    watched.expire()
        return Connection

    class HTTP(urllib.request.HTTPHandler):
        def http_open(self, req):  # noqa: D102 - urllib API
            return self.do_open(connection(http.client.HTTPConnection), req)

    class HTTPS(urllib.request.HTTPSHandler):
        def https_open(self, req):  # noqa: D102 - urllib API
            return self.do_open(connection(http.client.HTTPSConnection), req, context=self._context)

    return urllib.request.build_opener(HTTP, HTTPS)


def fetch(url: str, target: Path, limits: Limits | None = None) -> int:
    """Download `url` into the file `target` within the limits; return the number of bytes written.

    Raises:
        YigaiError: on an HTTP or network error, when the deadline passes, or when the response is larger than the
            cap; the partial file is removed then.
    """
    limits = limits or Limits()
    watched = _Watched()
    watchdog = threading.Timer(limits.timeout, watched.expire)
    watchdog.daemon = True
    started = time.monotonic()
    written = 0
    watchdog.start()
    try:
        request = urllib.request.Request(url, headers={"User-Agent": "yigai", "Accept-Encoding": "identity"})
        with _opener(watched).open(request, timeout=min(READ_TIMEOUT, limits.timeout)) as response, \
                open(target, "wb") as out:
            declared = response.headers.get("Content-Length")
            if declared and declared.isdigit() and int(declared) > limits.max_bytes:
                raise _too_large(url, limits, f"the server announces {human(int(declared))}")
            while True:
                chunk = response.read1(CHUNK) if hasattr(response, "read1") else response.read(CHUNK)
                if not chunk:
                    break
                written += len(chunk)
                if written > limits.max_bytes:
                    raise _too_large(url, limits, f"the server sent more than {human(limits.max_bytes)}")
                out.write(chunk)
                if time.monotonic() - started > limits.timeout:
                    watched.expire()
            if watched.expired:
                raise _too_slow(url, limits, written)
    except YigaiError:
        Path(target).unlink(missing_ok=True)
        raise
    except urllib.error.HTTPError as exc:
        Path(target).unlink(missing_ok=True)
        hint = ("check the version and the release location" if exc.code in (404, 410)
                else "the server refused or failed; try again later, or fetch the archive another way")
        raise YigaiError(f"download failed: HTTP {exc.code} {exc.reason}", file=url, hint=hint) from None
    except (urllib.error.URLError, OSError, http.client.HTTPException, ValueError) as exc:
        Path(target).unlink(missing_ok=True)
        if watched.expired:
            raise _too_slow(url, limits, written) from None
        reason = getattr(exc, "reason", None) or exc or type(exc).__name__
        raise YigaiError(f"download failed: {reason}", file=url, hint=NETWORK_HINT) from None
    finally:
        watchdog.cancel()
    return written


def _too_slow(url: str, limits: Limits, written: int) -> YigaiError:
    return YigaiError(f"download refused: not finished within the deadline of {limits.timeout:g} s "
                      f"({human(written)} received); the partial file was removed", file=url,
                      hint=f"the server is too slow or stalled: try again later, or allow more time with --timeout "
                           f"(or {TIMEOUT_ENV})")


def _too_large(url: str, limits: Limits, why: str) -> YigaiError:
    return YigaiError(f"download refused: {why}, above the size cap of {human(limits.max_bytes)}; nothing was kept",
                      file=url, hint=f"if this really is a Yigai release, raise the cap with --max-size (or "
                                     f"{MAX_BYTES_ENV})")
