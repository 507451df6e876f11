"""Measure what each install layer of Yigai weighs in a fresh virtual environment (for the README's table).

Builds the wheel (`make dist` does the same), then for each audience creates a new venv under a temporary folder,
installs the wheel with that audience's extras at the pinned versions of requirements/dev.lock (as constraints), and
prints the size the install adds to the empty venv, the whole venv's size, and the number of distributions.

    .venv/bin/python scripts/measure_install.py [--layers base,validate]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LAYERS = {
    "base": "",
    "parquet": "[parquet]",
    "validate": "[validate]",
    "build": "[build]",
    "contributor": "[build,validate]",
    "datadocs": "[datadocs]",
    "docs": "[docs]",
    "test": "[test]",
}


def size_mb(folder: Path) -> float:
    """Bytes on disk under a folder (like `du -s`), in MB (10^6 bytes)."""
    return sum(p.lstat().st_blocks * 512 for p in folder.rglob("*")) / 1e6


def build_wheel(out: Path) -> Path:
    """The wheel of this checkout, built with the venv's own hatchling."""
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
                    "--wheel-dir", str(out), str(ROOT)], check=True)
    return next(out.glob("yigai-*.whl"))


def constraints(temp: Path) -> Path:
    """requirements/dev.lock without hashes, as a pip constraints file (pins only)."""
    lines = []
    for line in (ROOT / "requirements" / "dev.lock").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith((" ", "#")):
            lines.append(line.rstrip(" \\"))
    path = temp / "constraints.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def measure(wheel: Path, extras: str, temp: Path, pins: Path) -> tuple[float, float, int, float]:
    venv = temp / f"venv{extras or '-base'}".replace("[", "-").replace("]", "").replace(",", "-")
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    empty = size_mb(venv)
    started = time.monotonic()
    subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", "-c", str(pins),
                    f"{wheel}{extras}"], check=True)
    seconds = time.monotonic() - started
    listed = subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "list", "--format", "freeze"],
                            capture_output=True, text=True, check=True).stdout.split()
    total = size_mb(venv)
    return total - empty, total, len(listed), seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--layers", default=",".join(LAYERS), help="comma-separated layers to measure")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="yigai-sizes-") as name:
        temp = Path(name)
        wheel = build_wheel(temp / "dist")
        pins = constraints(temp)
        print(f"python {sys.version.split()[0]}, wheel {wheel.name} ({wheel.stat().st_size / 1e3:.0f} kB)")
        print(f"{'layer':<12} {'install':<34} {'adds MB':>8} {'venv MB':>8} {'dists':>6} {'seconds':>8}")
        for layer in args.layers.split(","):
            added, total, count, seconds = measure(wheel, LAYERS[layer], temp, pins)
            line = f"pip install 'yigai{LAYERS[layer]}'"
            print(f"{layer:<12} {line:<34} {added:>8.0f} {total:>8.0f} {count:>6} {seconds:>8.0f}", flush=True)


if __name__ == "__main__":
    main()
