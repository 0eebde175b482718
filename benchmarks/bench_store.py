"""Ingest into SQLite: throughput for --jobs 1 and --jobs 2, and peak memory as the corpus grows.

Run from the repository root (by hand, not in CI; about six minutes on 2 cores):

    .venv/bin/python benchmarks/bench_store.py                 # 250, 500, 1000 documents
    .venv/bin/python benchmarks/bench_store.py --sizes 100 200 --jobs 1 2 4

The corpus is made from the sample documents (``corpora/samples/*.txt`` and
``corpora/pool/*.txt``, 30 documents of 0.3–44 KB) and the rest of the corpus: copy i
has the numbered title of corpus document i mod N and as many paragraphs as it, drawn at
random from all corpus paragraphs (``make_corpus``), so every copy is a distinct document,
parsed, extracted and stored like a new submission (not a rendition of another).

Each run is the real command, ``taskdb ingest DIR --db fresh.sqlite --jobs N``,
in its own process tree. While it runs, every process of the tree (the main
process, which is the one writer, the forkserver and the workers) is sampled
from ``/proc/PID/status``: ``VmHWM``, the kernel's peak resident set of that
process — the figure ``getrusage(...).ru_maxrss`` reports. "writer" is the
main process's peak, "worker" the largest worker's (the forkserver's children),
"tree" the largest sum of the processes' proportional set sizes (``Pss`` of
``/proc/PID/smaps_rollup``) seen at one moment: the workers share the pages of
the pipeline their forkserver loaded, which a sum of resident sets would count
once per process. Rates: documents / the ingest's own time (from its summary,
process start-up excluded) and documents / wall time (included). CPU: user +
system seconds of every process of the tree (``/proc/PID/stat``, last sample),
per document, and the main process's alone ("writer"); "other load" is how
many cores the rest of the machine kept busy meanwhile (``/proc/stat`` minus the
tree): on a shared machine wall-clock ratios mean little when it is above 0.

Each configuration runs ``--repeat`` times (3), interleaved: the fastest run's
rates count (the least disturbed by whatever else the machine runs), and the
largest peak memory of the runs. Ratios printed: jobs N over jobs 1
(throughput and CPU per document, same corpus), and each size's peak memory
over the smallest size's (flat memory: about 1.0).

``--baseline REV`` measures, in the same run, the store of git revision REV
with the rest of the code as now (``pipeline/store/`` of REV in a copy of
``pipeline/``), and prints the current store's figures over the baseline's:

    .venv/bin/python benchmarks/bench_store.py --sizes 3000 --baseline dfd4d7b
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
#: every corpus text: the paragraphs the benchmark's documents are made of (make_corpus)
CORPUS = sorted((ROOT / "corpora").glob("*/*.txt"))


def make_corpus(folder: Path, n: int) -> Path:
    """``n`` distinct documents made from the corpus's paragraphs.

    Copy ``i`` has the title line of document ``a = i mod N`` of ``corpora/*/*.txt`` with a number of its own,
    and as many body paragraphs as ``a`` has, drawn at random (a generator seeded by ``i``) from the body
    paragraphs of every corpus document. Real documents' lengths and paragraphs, so the stages do the work
    real submissions cost; and two copies share almost no paragraph, as two distinct reports do, so every
    copy is written as a new document (a sample with one line appended, as before renditions landed, is a
    rendition of the sample and costs the writer a path, not a document; copies mixed from a few samples
    share paragraphs and send the writer comparing near-duplicates that real archives seldom hold).
    """
    import random

    folder.mkdir(parents=True, exist_ok=True)
    docs = [[ln for ln in p.read_text(encoding="utf-8").splitlines() if ln.strip()] for p in CORPUS]
    docs = [d for d in docs if len(d) > 1]
    pool = [ln for d in docs for ln in d[1:]]
    for i in range(n):
        rng = random.Random(i)
        doc = docs[i % len(docs)]
        body = rng.sample(pool, min(len(doc) - 1, len(pool)))
        (folder / f"doc_{i:05d}.txt").write_text(f"{doc[0]}（第{i:05d}号）\n" + "\n".join(body) + "\n",
                                                 encoding="utf-8")
    return folder


#: seconds between two samples of the command's processes (the tree's PSS is seen at these moments only)
SAMPLE_S = 0.5


def _children() -> dict[int, list[int]]:
    kids: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as fh:
                stat = fh.read().decode(errors="replace")
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        kids.setdefault(ppid, []).append(int(entry))
    return kids


def _hwm_kb(pid: int) -> int | None:
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def _pss_kb(pid: int) -> int:
    """Proportional set size: the process's own pages plus its share of the pages it shares (the workers share
    the forkserver's loaded pipeline), so that the sum over a tree is the memory the tree really holds."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as fh:
            for line in fh:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


_TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _cpu_s(pid: int) -> float | None:
    """CPU seconds (user + system) process ``pid`` has used so far."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            fields = fh.read().rsplit(b")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / _TICK


def _machine_busy_s() -> float:
    """CPU seconds all cores have been busy since boot (``/proc/stat``), for the load of the rest of the machine."""
    with open("/proc/stat") as fh:
        parts = [int(x) for x in fh.readline().split()[1:]]
    idle = parts[3] + (parts[4] if len(parts) > 4 else 0)
    return (sum(parts[:8]) - idle) / _TICK


def run_ingest(corpus: Path, jobs: int, workdir: Path, tree: Path | None = None) -> dict:
    """One ``taskdb ingest`` into a fresh SQLite file, its process tree's memory sampled all along.

    ``tree``: run the ``pipeline`` package of that folder (see :func:`baseline_tree`) instead of this one's.
    """
    db = workdir / f"bench-{jobs}-{corpus.name}.sqlite"
    for p in workdir.glob(db.name + "*"):
        p.unlink()
    cmd = [PYTHON, "-m", "pipeline", "ingest", str(corpus), "--db", str(db), "--jobs", str(jobs)]
    env = {**os.environ, "COLUMNS": "200"}
    if tree is not None:
        env.update(PYTHONPATH=str(tree), TASKDB_MODELS=str(ROOT / "models"))
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env,
                            cwd=tree or ROOT)
    peak: dict[int, int] = {}  # pid → VmHWM (kB)
    depth: dict[int, int] = {}  # pid → 0 main process, 1 its children (forkserver, resource tracker), 2 workers
    cpu: dict[int, float] = {}  # pid → CPU seconds, last seen
    total_peak = 0
    busy0 = _machine_busy_s()
    while proc.poll() is None:
        kids = _children()
        tree, todo = [], [(proc.pid, 0)]
        while todo:
            pid, level = todo.pop()
            tree.append(pid)
            depth[pid] = level
            todo.extend((kid, level + 1) for kid in kids.get(pid, []))
        for pid in tree:
            hwm = _hwm_kb(pid)
            if hwm:
                peak[pid] = max(peak.get(pid, 0), hwm)
            used = _cpu_s(pid)
            if used is not None:
                cpu[pid] = used
        total_peak = max(total_peak, sum(_pss_kb(pid) for pid in tree))
        # VmHWM is the kernel's own peak, so sampling seldom loses nothing there; sampling every 50 ms (every
        # process's stat, smaps_rollup) kept 0.3 of a core busy, taken from the workers of --jobs 2 alone
        time.sleep(SAMPLE_S)
    wall = time.perf_counter() - started
    busy = _machine_busy_s() - busy0
    out = proc.stdout.read()
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} exited {proc.returncode}:\n{out}")
    m = re.search(r"(\d+) file\(s\) in ([\d.]+) s", out)
    n_files, seconds = int(m.group(1)), float(m.group(2))
    writer = peak.get(proc.pid, 0)
    worker = max((kb for pid, kb in peak.items() if depth.get(pid) == 2), default=0)
    tree_cpu = sum(cpu.values())
    return {"jobs": jobs, "docs": n_files, "seconds": seconds, "wall": wall, "rate": n_files / seconds,
            "cpu_ms": 1000 * tree_cpu / n_files, "writer_cpu_ms": 1000 * cpu.get(proc.pid, 0.0) / n_files,
            "others": max(0.0, busy - tree_cpu) / wall,  # cores the rest of the machine kept busy meanwhile
            "wall_rate": n_files / wall, "writer_mb": writer / 1024, "worker_mb": worker / 1024,
            "total_mb": total_peak / 1024}


def baseline_tree(rev: str, folder: Path) -> Path:
    """A copy of today's ``pipeline/`` whose ``pipeline/store/`` is the one of git revision ``rev``.

    Everything but the store is the same code as the current tree, so the two
    measure the store's part (the writer, the batching, the pool) and nothing else.
    """
    tree = folder / f"baseline-{rev}"
    if tree.exists():
        shutil.rmtree(tree)
    shutil.copytree(ROOT / "pipeline", tree / "pipeline", ignore=shutil.ignore_patterns("__pycache__"))
    listing = subprocess.run(["git", "ls-tree", "--name-only", rev, "pipeline/store/"], cwd=ROOT, check=True,
                             capture_output=True, text=True).stdout.split()
    shutil.rmtree(tree / "pipeline" / "store")
    (tree / "pipeline" / "store").mkdir()
    for name in listing:
        text = subprocess.run(["git", "show", f"{rev}:{name}"], cwd=ROOT, check=True, capture_output=True).stdout
        (tree / name).write_bytes(text)
    return tree


def _best(runs: list[dict]) -> dict:
    # the fastest run is the one least disturbed by the rest of the machine; memory: the worst run
    r = max(runs, key=lambda x: x["rate"])
    return {**r, **{k: max(x[k] for x in runs) for k in ("writer_mb", "worker_mb", "total_mb")},
            "others": sum(x["others"] for x in runs) / len(runs)}


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[250, 500, 1000])
    ap.add_argument("--jobs", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--repeat", type=int, default=3, help="runs per configuration; the fastest counts")
    ap.add_argument("--baseline", metavar="REV", help="also measure the store of this git revision (the rest of "
                    "the code as now), interleaved with the current one")
    ap.add_argument("--keep", help="keep the corpora and databases in this folder")
    args = ap.parse_args(argv)
    if not Path("/proc/self/status").exists():
        raise SystemExit("this benchmark samples /proc for memory: run it on Linux")

    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="bench_store_"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        corpora = {n: make_corpus(work / f"corpus_{n:05d}", n) for n in args.sizes}
        variants: dict[str, Path | None] = {"current": None}
        if args.baseline:
            variants = {f"store of {args.baseline}": baseline_tree(args.baseline, work), "current": None}
        print(f"corpus: distinct documents made of the paragraphs of {len(CORPUS)} corpus documents (.txt); {os.cpu_count()} cores; "
              f"python {sys.version.split()[0]}; load average at start {os.getloadavg()[0]:.1f}\n")
        measured: dict[tuple[str, int, int], list[dict]] = {}
        for n in args.sizes:
            for _ in range(args.repeat):  # variants and jobs interleaved: a change of load hits them alike
                for name, tree in variants.items():
                    for jobs in args.jobs:
                        r = run_ingest(corpora[n], jobs, work, tree)
                        measured.setdefault((name, n, jobs), []).append(r)
                        print(f"  measured {name}, {n} docs, --jobs {jobs}: {r['rate']:.1f} docs/s "
                              f"(others kept {r['others']:.1f} cores busy)", file=sys.stderr)
        results = [dict(_best(runs), variant=name) for (name, _n, _j), runs in measured.items()]

        head = ("| store | documents | --jobs | ingest s | docs/s | docs/s (wall) | CPU ms/doc (tree) "
                "| CPU ms/doc (writer) | other load (cores) | writer peak MB | worker peak MB | tree peak MB |")
        print(head)
        print("|" + "---|" * 12)
        for r in results:
            print(f"| {r['variant']} | {r['docs']} | {r['jobs']} | {r['seconds']:.1f} | {r['rate']:.1f} "
                  f"| {r['wall_rate']:.1f} | {r['cpu_ms']:.1f} | {r['writer_cpu_ms']:.1f} | {r['others']:.1f} "
                  f"| {r['writer_mb']:.0f} | {r['worker_mb']:.0f} | {r['total_mb']:.0f} |")

        print(f"\nthroughput, --jobs N / --jobs {args.jobs[0]} (same documents, same store), best of {args.repeat}:")
        base = {(r["variant"], r["docs"]): r for r in results if r["jobs"] == args.jobs[0]}
        for r in results:
            if r["jobs"] != args.jobs[0]:
                b = base[(r["variant"], r["docs"])]
                print(f"  {r['variant']}: {r['docs']:5d} docs, --jobs {r['jobs']}: {r['rate'] / b['rate']:.2f}x "
                      f"(wall {r['wall_rate'] / b['wall_rate']:.2f}x); CPU per document "
                      f"{r['cpu_ms'] / b['cpu_ms']:.2f}x of --jobs {b['jobs']}'s")
        if args.baseline:
            print("\ncurrent store / baseline store (same documents, same --jobs):")
            old = {(r["docs"], r["jobs"]): r for r in results if r["variant"] != "current"}
            for r in results:
                if r["variant"] == "current":
                    o = old[(r["docs"], r["jobs"])]
                    print(f"  {r['docs']:5d} docs, --jobs {r['jobs']}: {r['rate'] / o['rate']:.2f}x docs/s; "
                          f"writer CPU per document {o['writer_cpu_ms']:.1f} -> {r['writer_cpu_ms']:.1f} ms")

        sizes = sorted(args.sizes)
        if len(sizes) > 1:
            print(f"\npeak memory, each size / {sizes[0]} documents (flat = 1.00), current store:")
            for jobs in args.jobs:
                rows = sorted((r for r in results if r["jobs"] == jobs and r["variant"] == "current"),
                              key=lambda r: r["docs"])
                first = rows[0]
                for r in rows[1:]:
                    parts = [f"writer {r['writer_mb'] / first['writer_mb']:.2f}x",
                             f"tree {r['total_mb'] / first['total_mb']:.2f}x"]
                    if jobs > 1 and first["worker_mb"]:
                        parts.insert(1, f"worker {r['worker_mb'] / first['worker_mb']:.2f}x")
                    print(f"  --jobs {jobs}, {r['docs']:5d} docs: " + ", ".join(parts))
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
