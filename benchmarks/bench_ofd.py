"""Speed of the OFD reader next to the PDF reader, on the same texts, measured in the same run.

Run from the repository root:

    .venv/bin/python benchmarks/bench_ofd.py [--repeat 3] [--json out.json]

Files: the five samples (corpora/samples/NNN.pdf, LibreOffice renditions, and
tests/data/ofd/NNN.ofd, written per GB/T 33190 by tests/ofdwriter.py from the
same .txt) and the long plan (benchmarks/data/long_plan.pdf, and an OFD of
long_plan.txt written into a temporary folder at start; 60 pages). For each
format: the time of ``pipeline.ingest.read`` (the reader alone) and of
``pipeline.api.extract`` (read -> clean -> structure -> extract) over the files,
after one warm-up; the best of ``--repeat`` runs counts. Printed: documents per
second and characters per second of each, and the ratio OFD / PDF (above 1: the
OFD reader is faster). The two formats hold the same text, so the ratio is the
cost of the format, on any machine; absolute rates are this machine's. Nothing
asserts on times.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))
SAMPLES, OFD, DATA = ROOT / "corpora" / "samples", ROOT / "tests" / "data" / "ofd", ROOT / "benchmarks" / "data"


def best_of(fn, files, repeat: int) -> float:
    """The best of ``repeat`` runs of ``fn`` over every file, after a warm-up (bench_ingest's timer)."""
    from bench_ingest import best_of as timed

    return timed(lambda: [fn(f) for f in files], repeat)[0]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--json", type=Path)
    args = ap.parse_args(argv)

    from ofdwriter import paragraphs_of, write_ofd

    from pipeline.api import extract
    from pipeline.ingest import read

    stems = sorted(p.stem for p in SAMPLES.glob("*.txt"))
    with tempfile.TemporaryDirectory() as tmp:
        title, paras = paragraphs_of((DATA / "long_plan.txt").read_text(encoding="utf-8"))
        long_ofd = write_ofd(paras, Path(tmp) / "long_plan.ofd", title=title)
        sets = {
            "samples (5)": {"pdf": [SAMPLES / f"{s}.pdf" for s in stems], "ofd": [OFD / f"{s}.ofd" for s in stems]},
            "long plan": {"pdf": [DATA / "long_plan.pdf"], "ofd": [long_ofd]},
        }
        results = {}
        print(f"{'set':<12} {'stage':<8} {'PDF docs/s':>11} {'OFD docs/s':>11} {'PDF kchar/s':>12} "
              f"{'OFD kchar/s':>12} {'OFD/PDF':>8}")
        for name, files in sets.items():
            chars = {fmt: sum(len(read(f).raw_text) for f in fs) for fmt, fs in files.items()}
            pages = {fmt: sum(read(f).meta.get("pages", 0) for f in fs) for fmt, fs in files.items()}
            for stage, fn in (("read", read), ("extract", extract)):
                t = {fmt: best_of(fn, fs, args.repeat) for fmt, fs in files.items()}
                n = len(files["pdf"])
                row = {"pdf_docs_s": n / t["pdf"], "ofd_docs_s": n / t["ofd"],
                       "pdf_kchar_s": chars["pdf"] / t["pdf"] / 1000, "ofd_kchar_s": chars["ofd"] / t["ofd"] / 1000,
                       "ratio": t["pdf"] / t["ofd"], "pages": pages, "chars": chars}
                results[f"{name} / {stage}"] = row
                print(f"{name:<12} {stage:<8} {row['pdf_docs_s']:>11.2f} {row['ofd_docs_s']:>11.2f} "
                      f"{row['pdf_kchar_s']:>12.0f} {row['ofd_kchar_s']:>12.0f} {row['ratio']:>7.2f}x")
        print("\npages:", {k: v["pages"] for k, v in results.items() if k.endswith("read")})
    if args.json:
        args.json.write_text(json.dumps(results, indent=2, ensure_ascii=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
