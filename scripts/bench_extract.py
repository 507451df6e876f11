"""Time `yigai extract` (the draft pipeline) on the committed plans and on large inputs, to show linear growth.

Usage:
    .venv/bin/python scripts/bench_extract.py [--sources sources] [--sizes 1,2,4] [--repeat 1] [--no-limit]

Part 1 prints, for each committed raw plan, its size, the best of --repeat runs and the numbers of tasks and
targets drafted. Part 2 grows four kinds of input to each size in --sizes (MB) and runs `yigai extract` on each in
a fresh process, printing wall and CPU time, peak memory (max RSS) and the ratio of each to the same kind's
smallest size, measured in the same run (linear growth gives a time ratio close to the size ratio):

* lines: the committed plans, one after another (ordinary prose, many targets);
* one-line: the same text with every line break replaced by a space (one paragraph of several MB);
* outline: a generated plan body of numbered items with responsibility clauses, prose duties and figures;
* noise: random Chinese characters, digits and punctuation.

Part 3 runs a one-line input of the largest size `yigai extract` reads (draft.MAX_BYTES, 20 MiB) to show it
finishes, and one just over it to show it is refused (exit status 1, in no time). --no-limit skips it.
Numbers only; no thresholds are checked.
"""

from __future__ import annotations

import argparse
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from yigai import registry as registry_module
from yigai import sources
from yigai.extract import draft

CN = "一二三四五六七八九十"


def _outline(size: int) -> str:
    head = "某某市人民政府关于印发某某市医改方案的通知\n\n各区人民政府：\n\n现印发给你们。\n\n某某市人民政府\n2021年3月1日\n\n" \
           "某某市医改方案\n\n"
    parts, total, i = [head], len(head.encode()), 0
    while total < size:
        part = f"{CN[i % 10]}、第{i}部分\n\n"
        for j in range(10):
            part += (f"（{CN[j]}）任务{j}。市卫生健康委负责统筹，各区人民政府要加大投入，到2023年底新增3家社区医院，基层就诊率"
                     "达到65%以上。（牵头单位：市卫生健康委，相关责任单位：市财政局、市医保局）\n\n")
            part += "".join(f"{k}.细则{k}。由市人社局牵头，会同市卫生健康委完善办法，培训1000人次。\n\n" for k in range(1, 6))
        parts.append(part)
        total += len(part.encode())
        i += 1
    return "".join(parts)


def _noise(size: int) -> str:
    rng = random.Random(7)
    alphabet = [chr(c) for c in range(0x4E00, 0x4E00 + 400)] + list("0123456789%。，、；：（）") + ["\n", "达到", "以上"]
    out, total = [], 0
    while total < size:
        piece = rng.choice(alphabet)
        out.append(piece)
        total += len(piece.encode())
    return "".join(out)


def inputs(plans: list[bytes], size: int) -> dict[str, bytes]:
    """The four kinds of input, each cut to `size` bytes (at a character boundary)."""
    text = "\n\n".join(raw.decode("utf-8", errors="ignore") for raw in plans)
    lines = (text * (size // len(text.encode()) + 1))
    kinds = {"lines": lines, "one-line": lines.replace("\n", " "), "outline": _outline(size), "noise": _noise(size)}
    return {name: value.encode()[:size].decode("utf-8", errors="ignore").encode() for name, value in kinds.items()}


def run_once(path: Path) -> tuple[float, float, float, int]:
    """Run `yigai extract` on a file in a fresh process: (wall s, CPU s, max RSS MB, exit status)."""
    code = ("import resource,sys,time\nfrom yigai.cli import main\nsys.argv=['yigai','extract',sys.argv[1],'--table',"
            "'targets','--format','csv']\ntry:\n    main()\nexcept SystemExit as e:\n    status=e.code or 0\nelse:\n"
            "    status=0\nsys.stderr.write('\\nRSS %d\\n' % resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)\n"
            "sys.exit(status)\n")
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    rss = next((int(line.split()[1]) for line in done.stderr.splitlines() if line.startswith("RSS ")), 0)
    return wall, cpu, rss / 1024, done.returncode


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print its tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sources", type=Path, default=Path("sources"))
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--sizes", default="1,2,4", help="sizes in MB, comma-separated")
    parser.add_argument("--no-limit", action="store_true", help="skip the run at the size limit")
    args = parser.parse_args(argv)

    agency_registry = registry_module.load(args.sources / sources.REGISTRY_FILE)
    documents = [(d.name, (d / sources.RAW_FILE).read_bytes()) for d in sources.plan_directories(args.sources)
                 if (d / sources.RAW_FILE).is_file()]
    if not documents:
        print(f"no raw documents under {args.sources}", file=sys.stderr)
        return 1
    print(f"{'plan':<32} {'kB':>8} {'ms':>9} {'tasks':>6} {'targets':>8} {'responsibilities':>17}")
    for name, raw in documents:
        best, result = float("inf"), None
        for _ in range(args.repeat):
            started = time.perf_counter()
            result = draft.run(raw, registry=agency_registry)
            best = min(best, time.perf_counter() - started)
        print(f"{name:<32} {len(raw) / 1024:>8.1f} {best * 1000:>9.1f} {len(result.tables['tasks']):>6} "
              f"{len(result.tables['targets']):>8} {len(result.tables['responsibilities']):>17}")

    sizes = [float(s) for s in args.sizes.split(",")]
    print(f"\n{'input':<10} {'MB':>5} {'wall s':>8} {'cpu s':>8} {'RSS MB':>8} {'size x':>7} {'time x':>7} {'RSS x':>6}")
    with tempfile.TemporaryDirectory() as tmp:
        peers: dict[str, tuple[float, float, float]] = {}
        for size in sizes:
            for kind, raw in inputs([raw for _, raw in documents], int(size * 1_000_000)).items():
                path = Path(tmp) / f"{kind}-{size}.txt"
                path.write_bytes(raw)
                wall, cpu, rss, status = run_once(path)
                base = peers.setdefault(kind, (size, cpu, rss))
                print(f"{kind:<10} {size:>5.1f} {wall:>8.2f} {cpu:>8.2f} {rss:>8.0f} {size / base[0]:>7.2f} "
                      f"{cpu / base[1]:>7.2f} {rss / base[2]:>6.2f}" + ("" if status == 0 else f"  exit {status}"))
        if args.no_limit:
            return 0
        print()
        limit = draft.MAX_BYTES
        for label, size in (("at the limit", limit), ("over it", limit + 1)):
            raw = inputs([raw for _, raw in documents], limit)["one-line"]
            raw = raw + b" " * (size - len(raw))
            path = Path(tmp) / "limit.txt"
            path.write_bytes(raw)
            wall, cpu, rss, status = run_once(path)
            print(f"one-line {label} ({len(raw) / 1024 / 1024:.2f} MiB): wall {wall:.1f} s, cpu {cpu:.1f} s, "
                  f"RSS {rss:.0f} MB, exit status {status}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
