"""Measure OCR (issue 10 item 1): character accuracy, seconds per page and extraction scores of scans we make.

    python scripts/measure_ocr.py [--dpi 150 300] [--samples 000 004] [--model ppocrv4 ppocrv5] [--out DIR]

Each corpora/samples document's .pdf rendition is rendered to page images (grayscale) at each dpi,
``clean`` as rendered and ``noisy`` (rotated by +1° or -1° in turn, Gaussian noise, JPEG at quality 70),
and written as an image-only PDF; ``taskdb``'s reader OCRs it (``--ocr auto``). Character accuracy is
1 - edit distance / length between the OCR'd text and the text the PDF reader reads from the original PDF's
text layer (the same pages, so the same running headers dropped), both NFKC-normalised with whitespace
removed. Seconds per page are wall-clock and CPU seconds of the read (the engine loaded beforehand).
The extraction records of the OCR'd scans are scored against the samples' gold with
``../shared/tools/score.py``, next to the .txt's and the text PDF's.

A traditional-script page: a sample's .txt converted with OpenCC (s2t), drawn with Noto Sans CJK TC at 300
dpi by :func:`render_text_pages`, OCR'd, and compared with the traditional text.

Nothing here is tuned on: the figures are first runs of the reader on these renderings.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import unicodedata
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "corpora" / "samples"
SCORER = ROOT.parent / "shared" / "tools" / "score.py"
if not SCORER.exists():
    SCORER = Path("/work/shared/tools/score.py")


def cjk_font(script: str = "SC") -> tuple[str, int]:
    """A Noto CJK font file and its face index for ``SC`` (simplified) or ``TC`` (traditional)."""
    for family in (f"Noto Sans CJK {script}", f"Noto Serif CJK {script}"):
        try:
            out = subprocess.run(["fc-match", "-f", "%{file}:%{index}", family], capture_output=True, text=True,
                                 timeout=10).stdout
        except (OSError, subprocess.SubprocessError):
            break
        path, _, index = out.rpartition(":")
        if "CJK" in path and Path(path).exists():
            return path, int(index or 0)
    for path in ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
                 "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc"):
        if Path(path).exists():
            return path, {"JP": 0, "KR": 1, "SC": 2, "TC": 3}.get(script, 2)
    raise FileNotFoundError("no CJK font: install fonts-noto-cjk")


def render_text_pages(text: str, dpi: int = 300, script: str = "SC", chars_per_line: int = 34,
                      lines_per_page: int = 30):
    """``text`` drawn on A4 pages (PIL images, grayscale): a 16-pt font, paragraphs indented by two characters
    and wrapped at ``chars_per_line``, as an office prints a document."""
    from PIL import Image, ImageDraw, ImageFont

    path, index = cjk_font(script)
    px = dpi / 72.0
    font = ImageFont.truetype(path, int(16 * px), index=index)
    step = int(16 * px * 1.75)
    width, height = int(595 * px), int(842 * px)
    left, top = int(72 * px), int(72 * px)
    lines: list[str] = []
    for para in text.split("\n"):
        para = para.strip()
        if not para:
            continue
        para = "\u3000\u3000" + para
        while para:
            lines.append(para[:chars_per_line])
            para = para[chars_per_line:]
    pages = []
    for k in range(0, len(lines), lines_per_page):
        img = Image.new("L", (width, height), 255)
        draw = ImageDraw.Draw(img)
        for j, line in enumerate(lines[k:k + lines_per_page]):
            draw.text((left, top + j * step), line, font=font, fill=0)
        pages.append(img)
    return pages


def distort(img, k: int, seed: int = 0):
    """A scanner's faults: rotation by ±1° (alternating by page), Gaussian noise (σ 12) and JPEG at quality 70."""
    import numpy as np
    from PIL import Image

    img = img.convert("L").rotate(1.0 if k % 2 == 0 else -1.0, resample=Image.BICUBIC, fillcolor=255)
    rng = np.random.default_rng(seed + k)
    arr = np.asarray(img, dtype=np.float32) + rng.normal(0, 12, (img.height, img.width))
    img = Image.fromarray(np.clip(arr, 0, 255).astype("uint8"), "L")
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=70)
    return Image.open(io.BytesIO(buf.getvalue()))


def scan_pdf(pages, dpi: int) -> bytes:
    """Page images as an image-only PDF (no text layer), as a scanner writes one."""
    buf = io.BytesIO()
    pages[0].save(buf, "PDF", save_all=True, append_images=pages[1:], resolution=float(dpi))
    return buf.getvalue()


def render_pdf(pdf_path: Path, dpi: int):
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(pdf_path))
    try:
        return [pdf[i].render(scale=dpi / 72, grayscale=True).to_pil().convert("L") for i in range(len(pdf))]
    finally:
        pdf.close()


def _use(model: str) -> None:
    if model == "default":
        os.environ.pop("TASKDB_OCR_MODEL", None)
    else:
        os.environ["TASKDB_OCR_MODEL"] = model


def norm(s: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", s))


def accuracy(got: str, ref: str) -> float:
    from rapidfuzz.distance import Levenshtein

    g, r = norm(got), norm(ref)
    return 1.0 - Levenshtein.distance(g, r) / max(len(r), 1)


def score(records: list[dict], folder: Path) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        pred = Path(tmp) / "pred.jsonl"
        pred.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
        gold = Path(tmp) / "gold"
        gold.mkdir()
        for r in records:
            stem = Path(r["source"]).stem
            (gold / f"{stem}.gold.json").write_bytes((folder / f"{stem}.gold.json").read_bytes())
        out = Path(tmp) / "score.json"
        subprocess.run([sys.executable, str(SCORER), str(pred), str(gold), "--json", str(out)], check=True,
                       capture_output=True)
        return json.loads(out.read_text(encoding="utf-8"))


def f1(s: dict, field: str) -> float | None:
    v = s.get(field)
    if isinstance(v, dict):
        return v.get("f1", v.get("accuracy"))
    return v


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--dpi", type=int, nargs="+", default=[150, 300])
    ap.add_argument("--samples", nargs="+", default=None, help="sample name prefixes (default: all five)")
    ap.add_argument("--model", nargs="+", default=["default"], choices=["default", "ppocrv4", "ppocrv5"],
                    help="default: what taskdb uses (PP-OCRv4, PP-OCRv5 on pages it reads with low confidence)")
    ap.add_argument("--conditions", nargs="+", default=["clean", "noisy"], choices=["clean", "noisy"])
    ap.add_argument("--no-score", action="store_true", help="skip the extraction scores")
    ap.add_argument("--no-traditional", action="store_true")
    ap.add_argument("--json", type=Path, default=None, help="write every figure here")
    args = ap.parse_args(argv)

    sys.path.insert(0, str(ROOT))
    from pipeline.ingest import ocr as ocr_mod
    from pipeline.ingest import read
    from pipeline.run import _run_stages, extract

    names = sorted(p.stem for p in SAMPLES.glob("*.pdf"))
    if args.samples:
        names = [n for n in names if any(n.startswith(s) for s in args.samples)]
    refs = {n: read(SAMPLES / f"{n}.pdf", ocr="off").raw_text for n in names}
    figures: dict = {"samples": names, "rows": []}
    base_scores = {}
    if not args.no_score:
        for fmt in ("txt", "pdf"):
            recs = [extract(SAMPLES / f"{n}.{fmt}").to_record() for n in names]
            base_scores[fmt] = score(recs, SAMPLES)
    rows = []
    for model in args.model:
        _use(model)
        eng = ocr_mod.engine()  # loaded before the clock starts
        if model == "default" and len(ocr_mod._models()) > 1:
            ocr_mod.engine(ocr_mod._models()[1])
            eng = (eng[0], eng[1] + " (+v5 on low confidence)")
        with tempfile.TemporaryDirectory() as tmp:
            for dpi in args.dpi:
                for cond in args.conditions:
                    folder = Path(tmp) / f"{model}-{dpi}-{cond}"
                    folder.mkdir()
                    accs, pages, wall, cpu, records, confs = [], 0, 0.0, 0.0, [], []
                    for n in names:
                        imgs = render_pdf(SAMPLES / f"{n}.pdf", dpi)
                        if cond == "noisy":
                            imgs = [distort(im, k) for k, im in enumerate(imgs)]
                        path = folder / f"{n}.pdf"
                        path.write_bytes(scan_pdf(imgs, dpi))
                        t0, c0 = time.perf_counter(), time.process_time()
                        doc = read(path, ocr="auto")
                        wall += time.perf_counter() - t0
                        cpu += time.process_time() - c0
                        pages += len(imgs)
                        accs.append((accuracy(doc.raw_text, refs[n]), len(norm(refs[n]))))
                        confs.append(doc.meta["ocr"]["mean_confidence"])
                        if not args.no_score:  # the same read Document through the stages
                            records.append(_run_stages(doc, path, None, set(), SimpleNamespace(stage=None)).to_record())
                        print(f"  {model} {dpi} {cond} {n}: accuracy {accs[-1][0]:.4f}", file=sys.stderr, flush=True)
                    acc = sum(a * w for a, w in accs) / sum(w for _, w in accs)
                    row = {"model": model, "engine": eng[1], "dpi": dpi, "condition": cond, "pages": pages,
                           "accuracy": round(acc, 4), "worst_doc_accuracy": round(min(a for a, _ in accs), 4),
                           "wall_s_per_page": round(wall / pages, 2), "cpu_s_per_page": round(cpu / pages, 2),
                           "mean_confidence": round(sum(confs) / len(confs), 4)}
                    if records:
                        row["scores"] = score(records, SAMPLES)
                    rows.append(row)
    figures["rows"] = rows
    figures["base_scores"] = base_scores

    trad = []
    if not args.no_traditional:
        import opencc

        conv = opencc.OpenCC("s2t")
        n = names[-1]
        text = conv.convert((SAMPLES / f"{n}.txt").read_text(encoding="utf-8"))
        imgs = render_text_pages(text, 300, "TC")[:2]
        ref = "".join("".join(line.strip() for line in text.split("\n")))
        for model in args.model:
            _use(model)
            got, t0, confs, names_used = "", time.perf_counter(), [], set()
            for im in imgs:
                res = ocr_mod.ocr_page(im, 1, 1.0)
                got += "".join(ln.text.replace("\x00TABLE", "") for ln in res.lines)
                confs.append(res.confidence or 0.0)
                names_used.add(res.engine)
            secs = (time.perf_counter() - t0) / len(imgs)
            r = norm(ref)[: len(norm(got)) + 40]  # the first two pages of the document
            from rapidfuzz.distance import Levenshtein

            acc = 1.0 - Levenshtein.distance(norm(got), r) / max(len(r), 1)
            s_got = opencc.OpenCC("t2s").convert(got)
            s_ref = opencc.OpenCC("t2s").convert(r)
            acc_s = 1.0 - Levenshtein.distance(norm(s_got), norm(s_ref)) / max(len(norm(s_ref)), 1)
            trad.append({"model": model, "engine": ", ".join(sorted(names_used)),
                         "confidence": round(sum(confs) / len(confs), 4), "sample": n, "pages": len(imgs), "accuracy": round(acc, 4),
                         "accuracy_after_t2s": round(acc_s, 4), "wall_s_per_page": round(secs, 2)})
    figures["traditional"] = trad

    fields = ["tasks", "units", "deadlines", "metrics"]
    print(f"OCR on {len(names)} corpora/samples documents ({', '.join(names)})")
    print()
    print("| engine | dpi | scan | pages | char accuracy (worst doc) | s/page wall | s/page CPU | confidence | "
          + " | ".join(fields) + " |")
    print("|---" * (8 + len(fields)) + "|")
    for fmt, s in base_scores.items():
        print(f"| .{fmt} (no OCR) | | | | | | | | " + " | ".join(f"{f1(s, f) or 0:.3f}" for f in fields) + " |")
    for r in rows:
        sc = r.get("scores") or {}
        print(f"| {r['engine']} | {r['dpi']} | {r['condition']} | {r['pages']} | {r['accuracy']:.4f} "
              f"({r['worst_doc_accuracy']:.4f}) | {r['wall_s_per_page']} | {r['cpu_s_per_page']} | "
              f"{r['mean_confidence']:.3f} | " + " | ".join(f"{f1(sc, f) or 0:.3f}" for f in fields) + " |")
    if trad:
        print()
        print("Traditional script (OpenCC s2t of a sample, Noto Sans CJK TC, 300 dpi):")
        for t in trad:
            print(f"  {t['engine']}: accuracy {t['accuracy']:.4f} against the traditional text, "
                  f"{t['accuracy_after_t2s']:.4f} after both are converted to simplified; "
                  f"confidence {t['confidence']:.3f}; {t['wall_s_per_page']} s/page ({t['pages']} pages of {t['sample']})")
    if args.json:
        args.json.write_text(json.dumps(figures, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
