"""Benchmark `yigai build` and `yigai diff` at scale, against today's code (a git ref) measured in the same run.

Synthetic sources of N plans are copies of the committed plans under new plan ids, with the shared inputs (the files
directly under sources/: the agency registry, the indicator code list) of the tree that builds them: this tree's for
this tree, the ref's own for the peer (the registry's format moved with the code). For each N the script prints, for
this tree's code: a cold build (empty cache), a no-op rebuild, a rebuild after one plan's source.yml changed (a
comment: the package stays the same), and whether the three packages are byte-identical; for the peer (the code at
--peer, `git archive`d into a temporary folder and run with the same interpreter; by default PEER, the code before
this wave's work on the build): a build of the same plans. The peer's extraction does less than this tree's (no
prose responsibilities, collective bodies or indicator codes), so the ratio understates the build's own speed-up.
Times are wall-clock seconds (and the CPU seconds of all the build's processes, which a busy machine
distorts less); memory is the peak, over the run, of the summed PSS of the build's processes (the
main process, the forkserver and its workers), sampled every 50 ms. From the cold builds it fits the growth
exponent (log time against log N) and a line (seconds per plan), and projects time and memory to 10,000 plans.

Then it writes two packages whose tasks table has --diff-rows rows (the committed build's tasks copied under new
outline numbers; the second with 1% of rows changed, 0.5% removed and 0.5% added) and times `yigai diff --format
json` between them, for this tree and for the code of each --diff-engine ref (e.g. DUCKDB_DIFF, the diff by key in
DuckDB), whose report must be the same; the peer's diff is timed on packages of --peer-diff-rows rows (its memory
grows with the rows). A projection "on N idle cores" divides the CPU seconds by the processes that build in
parallel: what the build takes when it has the cores to itself (the wall-clock projection depends on the load).

The machine may be shared: run it when it is quiet, and read the ratios (measured in the same run) before the
absolute times. On a virtual machine the host's other guests slow runs down by up to a third (CPU seconds too);
--repeat N builds each size N times, in turns with the peer, and keeps each side's fastest run (the no-op and
one-changed rebuilds too, each changing another plan), and the steal time the host reports during the kept cold build
is printed. Usage:

    .venv/bin/python scripts/bench_build.py [--sizes 50 200 1000] [--jobs 2] [--repeat 2] [--peer REF]
        [--diff-engine REF]
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
MIB = 1024 * 1024
DUCKDB_DIFF = "b797bf0"  # main when issue 12's first part landed: `yigai diff` by key in DuckDB
PEER = "9ff6678"  # the code before this wave's build work (issue 12): single process, no cache, rows in memory


def _letters(i: int) -> str:
    out = ""
    for _ in range(4):
        out = chr(97 + i % 26) + out
        i //= 26
    return out


def shared_inputs(ref: str | None = None) -> dict[str, bytes]:
    """The files directly under sources/ (registry, code lists): this tree's, or those at a git ref."""
    if ref is None:
        return {p.name: p.read_bytes() for p in sorted((REPO / "sources").iterdir()) if p.is_file()}
    listing = subprocess.run(["git", "-C", str(REPO), "ls-tree", ref, "sources/"], check=True, capture_output=True,
                             text=True).stdout
    names = [line.split("\t", 1)[1] for line in listing.splitlines() if line.split()[1] == "blob"]
    return {Path(name).name: subprocess.run(["git", "-C", str(REPO), "show", f"{ref}:{name}"], check=True,
                                            capture_output=True).stdout for name in names}


def write_sources(n: int, out: Path, shared: dict[str, bytes]) -> list[str]:
    """Write n plans (copies of the committed ones under new ids) and the shared inputs; return the plan ids."""
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    originals = sorted(p for p in (REPO / "sources").iterdir() if p.is_dir())
    for name, data in shared.items():
        (out / name).write_bytes(data)
    ids = []
    for i in range(n):
        original = originals[i % len(originals)]
        words, year, serial = original.name.rsplit("-", 2)
        plan_id = f"{words}-x{_letters(i)}-{year}-{serial}"
        folder = out / plan_id
        folder.mkdir()
        shutil.copyfile(original / "raw.txt", folder / "raw.txt")
        for name in ("source.yml", "corrections.yml"):
            if (original / name).exists():
                text = (original / name).read_text(encoding="utf-8").replace(original.name, plan_id)
                (folder / name).write_text(text, encoding="utf-8")
        ids.append(plan_id)
    return ids


def _processes() -> dict[int, tuple[int, int]]:
    """Every process: pid → (parent pid, CPU clock ticks used so far in user and system mode)."""
    out = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as handle:
                    fields = handle.read().rsplit(")", 1)[1].split()
                out[int(entry)] = (int(fields[1]), int(fields[11]) + int(fields[12]))
            except (OSError, ValueError, IndexError):
                continue
    return out


def _tree(pid: int, processes: dict[int, tuple[int, int]]) -> list[int]:
    children: dict[int, list[int]] = {}
    for child, (parent, _) in processes.items():
        children.setdefault(parent, []).append(child)
    out, todo = [], [pid]
    while todo:
        current = todo.pop()
        out.append(current)
        todo += children.get(current, [])
    return out


def _pss(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def measure(command: list[str], env: dict | None = None, stdout=subprocess.DEVNULL) -> tuple[float, int, float]:
    """Run a command; return (wall seconds, peak summed PSS of its process tree in bytes, CPU seconds of the tree).

    Both are sampled every 50 ms (the CPU of each process as last seen). Fails on a non-zero exit status.
    """
    start = time.perf_counter()
    process = subprocess.Popen(command, env=env, stdout=stdout, stderr=subprocess.PIPE)
    peak, ticks = [0], {}

    def sample() -> None:
        while process.poll() is None:
            processes = _processes()
            tree = _tree(process.pid, processes)
            peak[0] = max(peak[0], sum(_pss(p) for p in tree))
            for pid in tree:
                if pid in processes:
                    ticks[pid] = max(ticks.get(pid, 0), processes[pid][1])
            time.sleep(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, err = process.communicate()
    seconds = time.perf_counter() - start
    sampler.join()
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{err.decode(errors='replace')[-3000:]}")
    return seconds, peak[0], sum(ticks.values()) / os.sysconf("SC_CLK_TCK")


def digest(folder: Path) -> str:
    """One hash of every file of a folder (names and bytes)."""
    total = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        total.update(str(path.relative_to(folder)).encode() + b"\0" + hashlib.sha256(path.read_bytes()).digest())
    return total.hexdigest()


class Peer:
    """Today's code: the src/ folder of a git ref, run with this interpreter."""

    def __init__(self, ref: str, folder: Path):
        self.ref = ref
        self.shared = shared_inputs(ref)
        archive = subprocess.run(["git", "-C", str(REPO), "archive", ref, "src"], check=True, capture_output=True)
        subprocess.run(["tar", "-x", "-C", str(folder)], input=archive.stdout, check=True)
        self.env = dict(os.environ, PYTHONPATH=str(folder / "src"))

    def command(self, *args: str) -> list[str]:
        """The peer's `yigai` command line."""
        return [sys.executable, "-m", "yigai.cli", *args]


def ours(*args: str) -> list[str]:
    """This tree's `yigai` command line."""
    return [sys.executable, "-m", "yigai.cli", *args]


def _steal() -> float:
    """CPU seconds the hypervisor gave to other guests so far (steal time, all cores): a sign of a noisy host."""
    with open("/proc/stat", encoding="ascii") as handle:
        fields = handle.readline().split()
    return int(fields[8]) / os.sysconf("SC_CLK_TCK") if len(fields) > 8 else 0.0


def _keep_fastest(row: dict, key: str, run: tuple[float, int, float]) -> bool:
    """Keep the fastest wall-clock time (and its CPU seconds) of repeated runs, and the highest peak memory;
    return whether this run is the fastest so far."""
    seconds, memory, cpu = run
    row[f"{key}_mem"] = max(row.get(f"{key}_mem", 0), memory)
    if f"{key}_s" in row and seconds >= row[f"{key}_s"]:
        return False
    row[f"{key}_s"], row[f"{key}_cpu"] = seconds, cpu
    return True


def bench_sizes(sizes: list[int], jobs: int, peer: Peer, work: Path, repeat: int = 1) -> list[dict]:
    results = []
    shared = shared_inputs()
    for n in sizes:
        sources, peer_sources = work / f"sources-{n}", work / f"peer-sources-{n}"
        ids = write_sources(n, sources, shared)
        write_sources(n, peer_sources, peer.shared)
        cache_dir, out, peer_out = work / f"cache-{n}", work / f"out-{n}", work / f"peer-{n}"
        build = ["build", "--sources", str(sources), "--out", str(out), "--cache-dir", str(cache_dir),
                 "--jobs", str(jobs)]
        row = {"plans": n}
        for _ in range(repeat):  # in turns, so that both meet the same moments of a shared machine
            peer_run = measure(peer.command("build", "--sources", str(peer_sources), "--out", str(peer_out)),
                               env=peer.env)
            shutil.rmtree(cache_dir, ignore_errors=True)
            steal_before = _steal()
            cold_run = measure(ours(*build))
            steal = _steal() - steal_before
            _keep_fastest(row, "peer", peer_run)
            if _keep_fastest(row, "cold", cold_run):
                row["steal"] = steal
        cold = digest(out)
        for _ in range(repeat):
            _keep_fastest(row, "noop", measure(ours(*build)))
        noop = digest(out)
        for turn in range(repeat):  # another plan each time, so that each run rebuilds exactly one
            changed = sources / ids[(len(ids) // 2 + turn) % len(ids)] / "source.yml"
            changed.write_text(changed.read_text(encoding="utf-8") + "# reviewed again\n", encoding="utf-8")
            _keep_fastest(row, "one", measure(ours(*build)))
        row["identical"] = cold == noop == digest(out)
        results.append(row)
        print(f"{n:>6} plans: today {row['peer_s']:6.1f} s ({row['peer_cpu']:6.1f} s CPU) {row['peer_mem'] / MIB:5.0f} "
              f"MiB | cold {row['cold_s']:6.1f} s ({row['cold_cpu']:6.1f} s CPU) {row['cold_mem'] / MIB:4.0f} MiB "
              f"({row['peer_s'] / row['cold_s']:.2f}x; CPU {row['peer_cpu'] / row['cold_cpu']:.2f}x) | no-op "
              f"{row['noop_s']:5.2f} s ({100 * row['noop_s'] / row['cold_s']:.1f}%) | one changed {row['one_s']:5.2f} s "
              f"({100 * row['one_s'] / row['cold_s']:.1f}%) | cold, no-op, one changed: same bytes: "
              f"{row['identical']} | host steal in the cold build {row['steal']:.1f} s", flush=True)
        for folder in (sources, peer_sources, peer_out):
            shutil.rmtree(folder)
    return results


def fit(xs: list[float], ys: list[float]) -> tuple[float, float]:
    """Least-squares line y = a + b x; returns (a, b)."""
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    b = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / (sum((x - mx) ** 2 for x in xs) or 1)
    return my - b * mx, b


def summarise(results: list[dict], target: int, jobs: int) -> None:
    if len(results) < 2:
        return
    ns = [r["plans"] for r in results]
    for label, key, workers in (("this tree", "cold", jobs), ("today", "peer", 1)):
        _, exponent = fit([math.log(n) for n in ns], [math.log(r[f"{key}_s"]) for r in results])
        a, b = fit(ns, [r[f"{key}_s"] for r in results])
        ca, cb = fit(ns, [r[f"{key}_cpu"] for r in results])
        ma, mb = fit(ns, [r[f"{key}_mem"] for r in results])
        print(f"{label}: growth exponent {exponent:.2f}; {1000 * b:.1f} ms per plan ({1000 * cb:.1f} ms CPU); "
              f"projected to {target} plans: {a + b * target:.0f} s at this run's load, "
              f"{(ca + cb * target) / workers:.0f} s on {workers} idle core(s) (CPU seconds / processes building), "
              f"{(ma + mb * target) / MIB:.0f} MiB")
    first, last = results[0], results[-1]
    print(f"memory, this tree: {last['cold_mem'] / MIB:.0f} MiB at {last['plans']} plans vs "
          f"{first['cold_mem'] / MIB:.0f} MiB at {first['plans']} plans "
          f"({(last['cold_mem'] - first['cold_mem']) / MIB:+.0f} MiB)")


def grow_package(base: Path, rows: int, out: Path, variant: bool) -> None:
    """A copy of the package at base whose tasks table has `rows` rows (variant: 1% changed, 0.5% out, 0.5% new)."""
    shutil.rmtree(out, ignore_errors=True)
    shutil.copytree(base, out)
    with open(base / "data" / "tasks.csv", encoding="utf-8", newline="") as handle:
        header, *seed = list(csv.reader(handle))
    at = {name: header.index(name) for name in ("task_id", "plan_id", "path", "heading")}
    path = out / "data" / "tasks.csv"
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        total = rows + (rows // 200 if variant else 0)
        for i in range(total):
            row = list(seed[i % len(seed)])
            row[at["path"]] = f"{100000 + i}"
            row[at["task_id"]] = f"{row[at['plan_id']]}:{100000 + i}"
            if variant and i < rows and i % 200 == 7:
                continue  # removed
            if variant and i % 100 == 3:
                row[at["heading"]] = (row[at["heading"]] or "") + "(修订)"
            writer.writerow(row)
    descriptor = json.loads((out / "datapackage.json").read_text(encoding="utf-8"))
    data = path.read_bytes()
    for resource in descriptor["resources"]:
        if resource["path"] == "data/tasks.csv":
            resource["hash"], resource["bytes"] = "sha256:" + hashlib.sha256(data).hexdigest(), len(data)
    (out / "datapackage.json").write_text(json.dumps(descriptor, ensure_ascii=False, indent=2), encoding="utf-8")


def _time_diff(label: str, count: int, command, env, work: Path) -> bytes:
    """Time `yigai diff --format json` between the packages old/ and new/ of the work folder; return its report."""
    with open(work / "diff.json", "wb") as output:
        seconds, peak, _ = measure(command("diff", str(work / "old"), str(work / "new"), "--format", "json"),
                                   env=env, stdout=output)
    report = (work / "diff.json").read_bytes()
    tasks = next(t for t in json.loads(report)["tables"] if t["name"] == "tasks")
    print(f"diff, {label}: two packages of {count:,} tasks: {seconds:.1f} s, {peak / MIB:.0f} MiB "
          f"(added {len(tasks['added'])}, removed {len(tasks['removed'])}, changed {len(tasks['changed'])})",
          flush=True)
    return report


def bench_diff(rows: int, peer_rows: int, peer: Peer, engines: list[Peer], work: Path) -> None:
    """Time this tree's diff and each engine's (git refs) at `rows` task rows, and the peer's at `peer_rows`."""
    base = work / "base"
    subprocess.run(ours("build", "--sources", str(REPO / "sources"), "--out", str(base), "--no-cache"), check=True,
                   stderr=subprocess.DEVNULL)
    for count in sorted({rows, peer_rows} - {0}):
        grow_package(base, count, work / "old", False)
        grow_package(base, count, work / "new", True)
        reports = {}
        if count == rows:
            reports["this tree"] = _time_diff("this tree", count, ours, None, work)
            for engine in engines:
                reports[engine.ref] = _time_diff(engine.ref, count, engine.command, engine.env, work)
        if count == peer_rows:
            _time_diff(f"today ({peer.ref})", count, peer.command, peer.env, work)
        for ref, report in reports.items():
            if ref != "this tree":
                print(f"  the report of {ref} is the same as this tree's: {report == reports['this tree']}")
        shutil.rmtree(work / "old")
        shutil.rmtree(work / "new")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[50, 200, 1000],
                        help="numbers of plans (none: only the diff)")
    parser.add_argument("--jobs", type=int, default=len(os.sched_getaffinity(0)), help="worker processes")
    parser.add_argument("--peer", default=PEER, help="git ref of today's code to compare with (default: %(default)s, "
                        "the code before this wave's work on the build)")
    parser.add_argument("--diff-rows", type=int, default=1_000_000, help="task rows per package for the diff")
    parser.add_argument("--peer-diff-rows", type=int, default=200_000,
                        help="task rows for the peer's diff (0: skip; it needs ~10 GiB at 1M rows)")
    parser.add_argument("--diff-engine", action="append", default=[], metavar="REF",
                        help="also time the diff of the code at this git ref at --diff-rows (repeatable), e.g. "
                        f"{DUCKDB_DIFF} (the keyed diff in DuckDB)")
    parser.add_argument("--project", type=int, default=10_000, help="number of plans to project to")
    parser.add_argument("--skip-diff", action="store_true", help="only benchmark the build")
    parser.add_argument("--repeat", type=int, default=1, help="build each size cold this many times, in turns with "
                        "the peer, and keep each one's fastest run (a shared machine only ever slows a run down)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="yigai-bench-", dir=REPO / "build" if (REPO / "build").is_dir()
                                     else None) as temp:
        work = Path(temp)
        (work / "peer").mkdir()
        peer = Peer(args.peer, work / "peer")
        print(f"yigai build: this tree vs {args.peer}, --jobs {args.jobs}, {os.cpu_count()} cores, load average "
              f"{os.getloadavg()[0]:.1f}", flush=True)
        if args.sizes:
            summarise(bench_sizes(sorted(args.sizes), args.jobs, peer, work, max(1, args.repeat)), args.project,
                      args.jobs)
        if not args.skip_diff:
            engines = []
            for ref in args.diff_engine:
                (work / f"engine-{ref}").mkdir()
                engines.append(Peer(ref, work / f"engine-{ref}"))
            bench_diff(args.diff_rows, args.peer_diff_rows, peer, engines, work)
        print(f"load average at the end: {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
