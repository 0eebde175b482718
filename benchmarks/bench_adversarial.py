"""Time on adversarial inputs: every stage must stay linear in the size of the document.

Run from the repository root:

    .venv/bin/python benchmarks/bench_adversarial.py                  # 10 kB, 100 kB, 1 MB, 4 MB
    .venv/bin/python benchmarks/bench_adversarial.py --sizes 10 100 --families dash spaces
    .venv/bin/python benchmarks/bench_adversarial.py --stages --sizes 10 30   # per-stage profile

Each family is a text (or an HTML page) built to a size in kB (of UTF-8 bytes),
written to a file and run through the whole pipeline (read -> clean -> structure
-> extract -> normalise) in this process, with a per-run time cap (``--cap``
seconds of wall time; a run past it is cut by SIGALRM and printed as ``>cap``). The figure is
CPU seconds of this process (``time.process_time``, what the watchdog's budget counts) per 100 kB: on a
machine shared with other work, wall time measures the others' load as much as ours (``--wall`` prints wall
seconds instead). ``ratio`` is that figure at a size over the same at the previous size: 1.0 is linear, the
issue's bound is 1.5. The baseline of every ratio is measured in the same run. Nothing here asserts: it is a
measurement.
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

_SENTENCE = "区应急管理局牵头,各镇街配合,6月底前完成隐患排查整治,共检查企业120家,发现隐患356处,已整改341处。"


def _repeat(unit: str, n_bytes: int, sep: str = "") -> str:
    piece = unit + sep
    k = max(1, n_bytes // len(piece.encode()))
    return piece * k


def _html_nested(n_bytes: int) -> str:
    k = max(1, n_bytes // len("<div></div>"))
    return "<html><body>" + "<div>" * k + "安全生产" + "</div>" * k + "</body></html>"


#: name -> (suffix, builder(bytes) -> content)
FAMILIES = {
    "yi": (".txt", lambda n: _repeat("一", n)),
    "emdash": (".txt", lambda n: _repeat("—", n)),
    "hyphen": (".txt", lambda n: _repeat("-", n)),
    "spaces": (".txt", lambda n: "安全" + _repeat(" ", n) + "生产"),
    "newlines": (".txt", lambda n: "安全" + _repeat("\n", n) + "生产"),
    "paren": (".txt", lambda n: _repeat("(", n)),
    "yishi": (".txt", lambda n: _repeat("一是", n)),
    "one_line": (".txt", lambda n: _repeat(_SENTENCE, n)),
    "headings": (".txt", lambda n: _repeat("一、安全生产", n, "\n")),
    "items": (".txt", lambda n: _repeat("(一)加强隐患排查,区应急局牵头,6月底前完成。", n, "\n")),
    "prose": (".txt", lambda n: _repeat(_SENTENCE, n, "\n")),
    # GBK read one byte out of step inside Chinese lines (restore_garbled tries up to 120 windows per character)
    "garbled": (".txt", lambda n: _repeat("区应急管理局开展安全生产检查òø共检查企业十家，发现隐患三百处，已整改二百处。", n, "\n")),
    "digits": (".txt", lambda n: _repeat("1", n)),
    "html_deep": (".html", _html_nested),
}


class _Cap(Exception):
    pass


def _alarm(signum, frame):
    raise _Cap()


_clock = time.process_time


def run_one(path: Path, cap: float, per_stage: bool) -> dict:
    """Seconds for the whole pipeline (and per stage) on one file; None when the cap cut it."""
    from pipeline.ingest import read
    from pipeline.run import _stages

    out: dict = {}
    old = signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, cap)
    t0 = _clock()
    stage = "read"
    try:
        t = _clock()
        doc = read(path)
        out["read"] = _clock() - t
        for name, fn in _stages():
            stage = name
            t = _clock()
            doc = fn(doc)
            out[name] = _clock() - t
        out["total"] = _clock() - t0
    except _Cap:
        out["total"] = None
        out["cut_in"] = stage
    except Exception as e:  # a refusal (too_large, empty ...) is a result, not a crash of the benchmark
        out["total"] = _clock() - t0
        out["error"] = f"{type(e).__name__}: {getattr(e, 'code', '')} {str(e)[:80]}"
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)
    if not per_stage:
        out = {k: v for k, v in out.items() if k in ("total", "cut_in", "error")}
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", nargs="+", type=int, default=[10, 100, 1000, 4000], help="sizes in kB")
    ap.add_argument("--families", nargs="+", default=list(FAMILIES), choices=list(FAMILIES))
    ap.add_argument("--cap", type=float, default=300.0, help="seconds before a run is cut")
    ap.add_argument("--repeat", type=int, default=1, help="runs per size (the best counts)")
    ap.add_argument("--stages", action="store_true", help="print seconds per stage too")
    ap.add_argument("--json", type=Path, help="write every figure here")
    ap.add_argument("--wall", action="store_true", help="wall seconds instead of CPU seconds")
    a = ap.parse_args(argv)
    global _clock
    if a.wall:
        _clock = time.perf_counter

    import os

    os.environ.setdefault("TASKDB_TIME_BUDGET", "0")  # the watchdog off: this measures the stages themselves
    from pipeline.run import extract

    extract(ROOT / "corpora" / "samples" / "002_2d6767afaa7999d4.txt")  # warm up: imports, models, dictionaries
    results: dict = {}
    sizes = sorted(a.sizes)
    head = f"{'family':<10}" + "".join(f"{str(s) + ' kB':>14}" for s in sizes) + "   ratios (s/100kB over previous size)"
    print(("wall" if a.wall else "CPU") + " seconds per 100 kB, whole pipeline in one process"
          + (" (per stage below)" if a.stages else ""))
    print(head)
    with tempfile.TemporaryDirectory() as tmp:
        for fam in a.families:
            suffix, build = FAMILIES[fam]
            row, per100, cut = [], [], False
            for s in sizes:
                if cut:
                    row.append(f"{'skipped':>14}")
                    per100.append(None)
                    continue
                p = Path(tmp) / f"{fam}_{s}{suffix}"
                p.write_text(build(s * 1000), encoding="utf-8")
                best = None
                for _ in range(a.repeat):
                    r = run_one(p, a.cap, a.stages)
                    if r["total"] is None or best is None or (best["total"] is not None and r["total"] < best["total"]):
                        best = r
                    if r["total"] is None:
                        break
                p.unlink()
                results.setdefault(fam, {})[s] = best
                if best["total"] is None:
                    row.append(f"{'>' + str(int(a.cap)) + 's':>14}")
                    per100.append(None)
                    cut = True
                else:
                    v = best["total"] / (s / 100)
                    per100.append(v)
                    row.append(f"{v:>14.3f}")
            ratios = []
            for i in range(1, len(sizes)):
                x, y = per100[i - 1], per100[i]
                ratios.append("  -  " if x is None or y is None or x == 0 else f"{y / x:5.2f}")
            print(f"{fam:<10}" + "".join(row) + "   " + " ".join(ratios), flush=True)
            if a.stages:
                for s in sizes:
                    r = results.get(fam, {}).get(s)
                    if r:
                        print(f"{'':<10}{s} kB: " + ", ".join(
                            f"{k} {v:.2f}" if isinstance(v, float) else f"{k} {v}" for k, v in r.items()), flush=True)
    if a.json:
        a.json.write_text(json.dumps(results, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
