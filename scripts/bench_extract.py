"""Time `yigai extract` (the draft pipeline) per document: the committed raw plans and a large synthetic document.

Usage:
    .venv/bin/python scripts/bench_extract.py [--sources sources] [--repeat 3] [--copies 50]

Prints one line per document: its size, the best of `--repeat` runs in milliseconds, and the numbers of tasks and
targets drafted. The synthetic document is every committed plan concatenated `--copies` times over (50 × 5 plans
by default), to show how the time grows with length. Numbers only; no thresholds are checked.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from yigai import registry as registry_module
from yigai import sources
from yigai.extract import draft


def _time(raw: bytes, agency_registry, repeat: int) -> tuple[float, draft.Draft]:
    best, result = float("inf"), None
    for _ in range(repeat):
        started = time.perf_counter()
        result = draft.run(raw, registry=agency_registry)
        best = min(best, time.perf_counter() - started)
    return best, result


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print its table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sources", type=Path, default=Path("sources"))
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--copies", type=int, default=50)
    args = parser.parse_args(argv)

    agency_registry = registry_module.load(args.sources / sources.REGISTRY_FILE)
    documents = [(d.name, (d / sources.RAW_FILE).read_bytes()) for d in sources.plan_directories(args.sources)
                 if (d / sources.RAW_FILE).is_file()]
    if not documents:
        print(f"no raw documents under {args.sources}", file=sys.stderr)
        return 1
    synthetic = b"\n\n".join(raw for _, raw in documents) * args.copies
    documents.append((f"synthetic ({args.copies} x {len(documents)} plans)", synthetic))

    print(f"{'document':<40} {'kB':>8} {'ms':>10} {'ms/kB':>7} {'tasks':>6} {'targets':>8}")
    for name, raw in documents:
        seconds, result = _time(raw, agency_registry, 1 if len(raw) > 1_000_000 else args.repeat)
        kilobytes = len(raw) / 1024
        print(f"{name:<40} {kilobytes:>8.1f} {seconds * 1000:>10.1f} {seconds * 1000 / kilobytes:>7.2f} "
              f"{len(result.tables['tasks']):>6} {len(result.tables['targets']):>8}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
