"""Speed of OCR (scanned PDF pages, images) next to the PDF reader on the same documents' text layers.

Run from the repository root:

    .venv/bin/python benchmarks/bench_ocr.py                 # corpora/samples 004 (4 pages)
    .venv/bin/python benchmarks/bench_ocr.py --samples 000 004 --dpi 300 --repeat 2 --json bench.json

For each sample, its .pdf rendition is read by ``pipeline.ingest.read`` (text layer: the baseline, measured in
the same run on the same pages) and, rendered to page images at ``--dpi`` and written as an image-only PDF,
read again with ``--ocr auto`` (every page OCR'd). Printed: documents per second and pages per second of the
PDF reader, seconds per page of OCR (wall and CPU), and the ratio OCR time / text-layer time per page.
The OCR engine is loaded before the clock starts (about a second per process, once); the best of
``--repeat`` runs counts. Nothing asserts on times: it is a measurement, not a test.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "corpora" / "samples"
sys.path.insert(0, str(ROOT))


def _best(fn, repeat: int) -> tuple[float, float]:
    """(wall, cpu) seconds of the fastest of ``repeat`` runs of ``fn``."""
    best = (float("inf"), float("inf"))
    for _ in range(repeat):
        t0, c0 = time.perf_counter(), time.process_time()
        fn()
        wall, cpu = time.perf_counter() - t0, time.process_time() - c0
        if wall < best[0]:
            best = (wall, cpu)
    return best


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--samples", nargs="+", default=["004"], help="sample name prefixes")
    ap.add_argument("--dpi", type=int, default=300)
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--json", type=Path, default=None)
    args = ap.parse_args(argv)

    import pypdfium2 as pdfium

    from pipeline.ingest import ocr, read

    sys.path.insert(0, str(ROOT / "scripts"))
    from measure_ocr import render_pdf, scan_pdf

    names = sorted(p.stem for p in SAMPLES.glob("*.pdf") if any(p.stem.startswith(s) for s in args.samples))
    if not names:
        ap.error(f"no corpora/samples/*.pdf starts with {args.samples}")
    for which in ocr._models():
        ocr.engine(which)  # loaded before the clock starts
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in names:
            src = SAMPLES / f"{n}.pdf"
            pages = len(pdfium.PdfDocument(str(src)))
            read(src)  # warm: imports, caches
            text_wall, text_cpu = _best(lambda: read(src, ocr="off"), max(args.repeat, 3))
            scan = Path(tmp) / f"{n}.pdf"
            scan.write_bytes(scan_pdf(render_pdf(src, args.dpi), args.dpi))
            ocr_wall, ocr_cpu = _best(lambda: read(scan, ocr="auto"), args.repeat)
            rows.append({"sample": n, "pages": pages, "pdf_docs_per_s": round(1 / text_wall, 2),
                         "pdf_pages_per_s": round(pages / text_wall, 1),
                         "ocr_s_per_page": round(ocr_wall / pages, 2), "ocr_cpu_s_per_page": round(ocr_cpu / pages, 2),
                         "ratio": round((ocr_wall / pages) / (text_wall / pages), 1)})
    pages = sum(r["pages"] for r in rows)
    print(f"OCR engine(s): {', '.join(ocr.engine_name(w) for w in ocr._models())}; scans at {args.dpi} dpi; "
          f"best of {args.repeat}")
    print("| sample | pages | PDF reader docs/s | PDF reader pages/s | OCR s/page (wall) | OCR s/page (CPU) | "
          "OCR ÷ text layer, per page |")
    print("|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['sample']} | {r['pages']} | {r['pdf_docs_per_s']} | {r['pdf_pages_per_s']} | "
              f"{r['ocr_s_per_page']} | {r['ocr_cpu_s_per_page']} | {r['ratio']}× |")
    mean = sum(r["ocr_s_per_page"] * r["pages"] for r in rows) / pages
    print(f"OCR: {mean:.2f} s per page over {pages} pages")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
