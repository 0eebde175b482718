"""PDF: text from pypdfium2 (fast), tables from pdfplumber (only on pages that draw a grid).

pypdfium2 gives the text segments of a page with their boxes; we rebuild lines
from them, drop running headers, footers and page numbers (lines at the top or
bottom of the page that repeat across pages, or look like a page number), join
the lines of a paragraph without spurious spaces (so ``市应急\\n管理局`` becomes
``市应急管理局``), and keep tables as rows (`` | `` between cells). A PDF whose
pages carry no characters and cannot be OCR'd is a scan (``no_text_layer``); one that needs a
password is ``encrypted``. A page without a text layer is read through OCR
(:mod:`.ocr`, ``--ocr auto``; ``force`` OCRs every page, ``off`` none), page
by page, so a PDF that mixes both is read whole. See benchmarks/bench_ingest.py for the speed against
pdfplumber's ``extract_text``.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from ..errors import ReaderError
from . import assemble

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\u3000-\u303f\uff00-\uffef\u2018-\u201d\u2014\u2026"
_SPACE_IN_CJK = re.compile(rf"(?<=[{_CJK}0-9])[ \u00a0]+(?=[{_CJK}])|(?<=[{_CJK}])[ \u00a0]+(?=[0-9{_CJK}])")
_PAGE_NO = re.compile(r"^\s*(?:[-—–]\s*\d+\s*[-—–]|第\s*\d+\s*页(?:\s*[,，/]?\s*共\s*\d+\s*页)?|\d+\s*/\s*\d+|\d+|"
                      r"page\s*\d+(?:\s*of\s*\d+)?)\s*$", re.I)
_ENDS_SENTENCE = re.compile(r"[。!?！？:：;；”」』)）]$")
_STARTS_ITEM = re.compile(r"^\s*(?:[一二三四五六七八九十]+[、.．]|[(（][一二三四五六七八九十\d]+[)）]|\d+[.．、]|第[一二三四五六七八九十]+[,，、]|"
                          r"[一二三四五六七八九十]+[是要][,，:：]?)")


@dataclass
class Line:
    text: str
    left: float
    right: float
    top: float
    bottom: float
    page: int

    @property
    def height(self) -> float:
        return max(self.top - self.bottom, 1.0)


def _page_lines(textpage, pageno: int, height: float) -> list[Line]:
    """The lines of one page, in pdfium's reading order, with their boxes.

    pdfium separates lines with generated ``\r\n``; a line's box comes from the
    boxes of its first and last characters (two calls per line, not one per
    character). Spaces pdfium generated between glyphs (a gap where a Latin font
    meets a CJK one) are dropped; spaces in the source are kept.
    """
    import pypdfium2.raw as pdfium_c

    n = textpage.count_chars()
    if n <= 0:
        return []
    text = textpage.get_text_range(0, n)
    if len(text) != n:  # characters outside the BMP: fall back to one call per line of text
        return _page_lines_slow(textpage, pageno)
    out = []
    pos = 0
    raw = textpage.raw
    for line in text.split("\r\n"):
        start, end = pos, pos + len(line)
        pos = end + 2
        stripped = line.strip()
        if not stripped:
            continue
        first = start + (len(line) - len(line.lstrip()))
        last = start + len(line.rstrip()) - 1
        l, b, r0, t = textpage.get_charbox(first)  # (left, bottom, right, top)
        l1, b1, r, t1 = textpage.get_charbox(last)
        chars = []
        for k, c in enumerate(line[first - start:last - start + 1]):
            if c == " " and pdfium_c.FPDFText_IsGenerated(raw, first + k) == 1:
                continue
            chars.append("-" if c in "\x02\ufffe" else c)
        out.append(Line("".join(chars), min(l, l1), max(r0, r), max(t, t1), min(b, b1), pageno))
    return out


def _page_lines_slow(textpage, pageno: int) -> list[Line]:
    out = []
    for i in range(textpage.count_rects()):
        l, b, r, t = textpage.get_rect(i)
        text = textpage.get_text_bounded(l, b, r, t).replace("\r", "").replace("\n", "")
        if text.strip():
            out.append(Line(text.strip(), l, r, t, b, pageno))
    return out


def _norm_repeat(text: str) -> str:
    return re.sub(r"\d+", "#", text.strip())


def _drop_running(pages: list[list[Line]], heights: list[float]) -> list[list[Line]]:
    """Remove running headers/footers and page numbers."""
    edge = Counter()
    for lines, h in zip(pages, heights):
        for ln in lines:
            if ln.top > 0.9 * h or ln.bottom < 0.1 * h:
                edge[_norm_repeat(ln.text)] += 1
    repeated = {k for k, n in edge.items() if len(pages) > 1 and n >= max(2, len(pages) // 2)}
    out = []
    for lines, h in zip(pages, heights):
        kept = []
        for ln in lines:
            at_edge = ln.top > 0.9 * h or ln.bottom < 0.1 * h
            if at_edge and (_PAGE_NO.match(ln.text) or _norm_repeat(ln.text) in repeated):
                continue
            kept.append(ln)
        out.append(kept)
    return out


def _tables(pdf_bytes: bytes, pageno: int):
    """Tables of one page with pdfplumber: [(bbox_top, bbox_bottom, rows)] in PDF coordinates."""
    import io

    import pdfplumber

    with pdfplumber.open(io.BytesIO(pdf_bytes), pages=[pageno + 1]) as pdf:  # 1-based
        page = pdf.pages[0]
        out = []
        for table in page.find_tables():
            x0, top, x1, bottom = table.bbox
            rows = []
            for row in table.extract():
                cells = [re.sub(r"\s*\n\s*", "", c or "").strip() for c in row]
                if any(cells):
                    rows.append(" | ".join(cells))
            # pdfplumber's y runs down from the top; convert to PDF's y-up
            out.append((page.height - top, page.height - bottom, rows))
        return out


def _has_grid(page) -> bool:
    import pypdfium2.raw as pdfium_c

    n = 0
    for _ in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_PATH], max_depth=1):
        n += 1
        if n >= 6:
            return True
    return False


def _paragraphs(pages: list[list[Line]]) -> list[tuple[str, dict]]:
    """Join the lines of each paragraph; a line that fills the measure continues onto the next."""
    all_lines = [ln for lines in pages for ln in lines]
    if not all_lines:
        return []
    left = Counter(round(ln.left) for ln in all_lines).most_common(1)[0][0]
    right = max(ln.right for ln in all_lines)
    pieces: list[tuple[str, dict]] = []
    cur: Line | None = None
    buf = ""
    for ln in all_lines:
        if ln.text.startswith("\x00TABLE"):
            if buf:
                pieces.append((buf, {"kind": "paragraph", "page": cur.page}))
                buf, cur = "", None
            pieces.append((ln.text[len("\x00TABLE"):], {"kind": "table_row", "page": ln.page}))
            continue
        if cur is not None:
            full = cur.right >= right - 1.5 * cur.height
            indented = ln.left > left + 0.8 * ln.height
            if full and not indented and not _STARTS_ITEM.match(ln.text):
                sep = " " if buf[-1:].isascii() and buf[-1:].isalnum() and ln.text[:1].isascii() and ln.text[:1].isalnum() else ""
                buf += sep + ln.text
                cur = ln
                continue
            pieces.append((buf, {"kind": "paragraph", "page": cur.page}))
        buf, cur = ln.text, ln
    if buf:
        pieces.append((buf, {"kind": "paragraph", "page": cur.page}))
    return pieces


def join_pages(pages: list[list[Line]], heights: list[float]) -> list[tuple[str, dict]]:
    """Lines of every page → paragraph and table-row pieces: running headers, footers and page numbers
    dropped, the lines of a paragraph joined (the OCR reader joins its lines with this too)."""
    pages = _drop_running(pages, heights)
    return [(_SPACE_IN_CJK.sub("", t), a) for t, a in _paragraphs(pages)]


def _has_objects(page) -> bool:
    """Anything drawn on the page (an image, paths): a page with none is blank, and not worth OCR."""
    for _ in page.get_objects(max_depth=1):
        return True
    return False


def _ocr_page(page, pageno: int, on_page):
    """One page rendered and OCR'd: its lines in PDF units (see :mod:`.ocr`)."""
    from . import ocr

    w, h = page.get_width(), page.get_height()
    scale = min(300 / 72, ocr.MAX_SIDE / max(w, h, 1.0))  # pixels per PDF unit
    image = page.render(scale=scale, grayscale=True).to_pil()
    return ocr.ocr_page(image, pageno, 1.0 / scale, on_page)


def read(path: Path, data: bytes, *, ocr: str | None = None, ocr_page=None, **_: object):
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    from . import ocr as _ocr

    mode = _ocr.mode(ocr)
    if b"%%EOF" not in data[-2048:]:
        raise ReaderError("corrupt_file", path, "the PDF is truncated (no %%EOF at its end)")
    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as e:
        if "password" in str(e).lower() or getattr(e, "err_code", None) == pdfium_c.FPDF_ERR_PASSWORD:
            raise ReaderError("encrypted", path, "the PDF is encrypted and needs a password to open") from e
        raise ReaderError("corrupt_file", path, f"pdfium cannot open it: {e}") from e
    header_rows: set[str] = set()  # a table's first row, repeated on the pages it continues onto
    ocr_results: dict = {}  # page number -> ocr.PageResult
    unread: list[int] = []  # pages without a text layer that were not OCR'd
    ocr_missing = None
    try:
        pages, heights = [], []
        for i in range(len(pdf)):
            page = pdf[i]
            h = page.get_height()
            tp = page.get_textpage()
            lines = _page_lines(tp, i + 1, h)
            if (mode == "force" or (mode == "auto" and not lines)) and _has_objects(page):
                if ocr_missing is None and _ocr.available():
                    try:
                        ocr_results[i + 1] = res = _ocr_page(page, i + 1, ocr_page)
                        lines = res.lines
                    except _ocr.OcrUnavailable as e:
                        ocr_missing = str(e)
                else:
                    ocr_missing = ocr_missing or f"OCR is not installed; {_ocr.INSTALL_HINT}"
                if ocr_missing is not None and not lines:
                    unread.append(i + 1)
            elif not lines and _has_objects(page):
                unread.append(i + 1)
            if lines and i + 1 not in ocr_results and _has_grid(page):
                tables = _tables(data, i)
                if tables:
                    kept = []
                    emitted = set()
                    for ln in lines:
                        mid = (ln.top + ln.bottom) / 2
                        hit = next((k for k, (top, bottom, _) in enumerate(tables) if bottom - 1 <= mid <= top + 1), None)
                        if hit is None:
                            kept.append(ln)
                        elif hit not in emitted:
                            emitted.add(hit)
                            rows = tables[hit][2]
                            if rows and rows[0] in header_rows:
                                rows = rows[1:]
                            elif rows:
                                header_rows.add(rows[0])
                            for row in rows:
                                kept.append(Line("\x00TABLE" + row, ln.left, ln.right, ln.top, ln.bottom, i + 1))
                    lines = kept
            pages.append(lines)
            heights.append(h)
            tp.close()
            page.close()
        npages = len(pdf)
    finally:
        pdf.close()
    if not any(pages):
        if ocr_results:
            raise ReaderError("empty", path, f"OCR found no text on its {npages} page(s)")
        if mode == "off":
            why = "OCR is off (--ocr auto reads scanned pages)"
        elif ocr_missing:
            why = ocr_missing
        else:
            why = "run OCR first"
        raise ReaderError("no_text_layer", path,
                          f"none of its {npages} page(s) has a text layer (a scan?): {why}")
    pieces = join_pages(pages, heights)
    raw, blocks = assemble(pieces)
    meta: dict = {"pages": npages}
    if ocr_results:
        meta["ocr"] = _ocr.summary(ocr_results)
    if unread:
        meta["pages_without_text"] = unread
        if mode != "off":
            meta["ocr_unavailable"] = ocr_missing or f"OCR is not installed; {_ocr.INSTALL_HINT}"
    return raw, blocks, meta
