"""Run the fuzz properties of tests/test_fuzz.py many times and report.

    .venv/bin/python scripts/fuzz.py                       # 10,000 examples per property
    .venv/bin/python scripts/fuzz.py -n 50000 --only extract clean --seed 7

For each property: the examples run, the seconds, how many examples gave tasks/metrics/sections (so that the
checks were not run on nothing), and the first failure with hypothesis's shrunk example. Exit status 1 when any
property failed.
"""

from __future__ import annotations

import argparse
import sys
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-n", "--examples", type=int, default=10_000, help="examples per property")
    ap.add_argument("--only", nargs="+", help="properties to run (default: all)")
    ap.add_argument("--seed", type=int, default=0)
    a = ap.parse_args(argv)

    from hypothesis import HealthCheck, given, seed, settings

    import test_fuzz as tf
    from pipeline.clean import clean
    from pipeline.extraction import extract_items
    from pipeline.ingest import from_text
    from pipeline.structure import structure

    names = a.only or list(tf.CHECKS)
    failed = 0
    print(f"{a.examples} examples per property, seed {a.seed}")
    for name in names:
        check = tf.CHECKS[name]
        seen = {"examples": 0, "with_sections": 0, "with_tasks": 0, "with_metrics": 0}

        def make(name=name, check=check, seen=seen):
            def run(text):
                seen["examples"] += 1
                if name == "linear_rewrites":
                    text = text.replace("\ud800", "").replace("\udfff", "")
                check(text)
                if name in ("structure", "extract") and seen["examples"] % 10 == 0:  # a sample, to say what was covered
                    doc = structure(clean(from_text(text)))
                    seen["with_sections"] += bool(doc.sections)
                    if name == "extract":
                        doc = extract_items(doc)
                        seen["with_tasks"] += bool(doc.tasks)
                        seen["with_metrics"] += bool(doc.metrics)
            return run

        prop = seed(a.seed)(settings(max_examples=a.examples, deadline=None, database=None,
                                     suppress_health_check=list(HealthCheck))(given(tf.TEXTS)(make())))
        t = time.perf_counter()
        try:
            prop()
            status = "ok"
        except Exception:
            failed += 1
            status = "FAILED\n" + traceback.format_exc(limit=6)
        dt = time.perf_counter() - t
        cover = ""
        if name in ("structure", "extract"):
            k = max(seen["examples"] // 10, 1)
            cover = f"; of a 1-in-10 sample: sections {seen['with_sections']}/{k}"
            if name == "extract":
                cover += f", tasks {seen['with_tasks']}/{k}, metrics {seen['with_metrics']}/{k}"
        print(f"{name:<18} {seen['examples']:>7} examples {dt:8.1f} s  {status}{cover}", flush=True)
    print("failures:", failed)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
