"""OFD (GB/T 33190, the national e-document format): a zip of XML, read with lxml.

``OFD.xml`` names the document root (``DocBody/DocRoot`` → ``Document.xml``),
which lists the pages (``Pages/Page@BaseLoc`` → ``Content.xml``); a page's text
is in ``TextObject`` elements (``Boundary`` = x y w h in millimetres, y running
down, an optional ``CTM``, the font ``Size``) holding ``TextCode`` elements (the
Unicode text, its ``X``/``Y`` origin inside the boundary and the advances
``DeltaX``/``DeltaY``, where ``g N V`` repeats V N times).

Every character is placed on the page, so producers that write one object per
character, or objects out of reading order, read the same as those that write
one object per line: characters are grouped into lines by baseline, a line into
segments at wide gaps, a page with a gutter that many lines share is read
column by column (lines that cross the gutter, a title say, stay in place), and
lines of two or more segments on a page with several of them are table rows
(cells joined by `` | ``; a line that continues some cells of the row above
without its first column is merged into that row). Lines are then joined into
paragraphs and running headers, footers and page numbers dropped by the PDF
reader's own code (:mod:`pipeline.ingest.pdf`), so an OFD and a PDF of the same
page read alike. Templates (a page's background: letterheads, running lines),
annotations and signatures are not read; fonts are not needed (TextCode holds
Unicode).

Protections: the zip is checked from its directory before anything is inflated
(sizes, compression ratio: the .docx reader's :func:`~pipeline.ingest.docx.check_zip`),
every member is read at most to its declared size, and XML is parsed without
entity expansion, DTD loading or network access. A damaged zip or XML is
``corrupt_file`` (naming the member), a zip without ``OFD.xml`` is
``corrupt_file`` saying so, and an encrypted OFD (``Encryptions`` in ``OFD.xml``
or an encryption entry in the package) is ``encrypted``.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from ..errors import ReaderError

_WIDE = re.compile(r"[\u1100-\uffff]")


@dataclass
class _Char:
    c: str
    x: float  # left edge, mm
    y: float  # baseline, mm, running down
    w: float  # advance
    size: float


@dataclass
class _Seg:
    text: str
    left: float
    right: float


def _parser():
    from lxml import etree

    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
                           huge_tree=False, remove_comments=True, remove_pis=True)


class _Package:
    """The zip, its members read safely and parsed."""

    def __init__(self, path: Path, data: bytes, max_bytes: int):
        from .docx import check_zip

        check_zip(path, data, max_bytes, required=None, what="an OFD document")
        self.path = path
        self.zf = zipfile.ZipFile(io.BytesIO(data))
        self.names = {i.filename.lstrip("/"): i for i in self.zf.infolist()}
        self.lower = {n.lower(): n for n in self.names}
        self.parser = _parser()

    def find(self, name: str) -> str | None:
        name = posixpath.normpath(name.replace("\\", "/").lstrip("/"))
        if name in self.names:
            return name
        return self.lower.get(name.lower())

    def xml(self, name: str, what: str):
        from lxml import etree

        real = self.find(name)
        if real is None:
            raise ReaderError("corrupt_file", self.path, f"the OFD names {what} {name!r}, which is not in the package")
        try:
            raw = self.zf.read(self.names[real])
        except (zipfile.BadZipFile, OSError, EOFError, ValueError) as e:  # a damaged member (CRC, truncated data)
            raise ReaderError("corrupt_file", self.path, f"member {real!r} of the OFD cannot be inflated: {e}") from e
        try:
            root = etree.fromstring(raw, self.parser)
        except etree.XMLSyntaxError as e:
            raise ReaderError("corrupt_file", self.path, f"member {real!r} of the OFD is not well-formed XML: {e}") from e
        if root is None:
            raise ReaderError("corrupt_file", self.path, f"member {real!r} of the OFD holds no XML")
        return root


def _local(el) -> str:
    tag = el.tag
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _text(el) -> str:
    """An element's text with unexpanded entity references' tails (entities are never expanded)."""
    return (el.text or "") + "".join(child.tail or "" for child in el)


def _floats(s: str | None) -> list[float]:
    out = []
    for tok in (s or "").split():
        try:
            out.append(float(tok))
        except ValueError:
            return out
    return out


def _deltas(s: str | None) -> list[float]:
    """``DeltaX``/``DeltaY`` with ``g N V`` (V repeated N times) expanded."""
    toks = (s or "").split()
    out: list[float] = []
    i = 0
    while i < len(toks):
        if toks[i] == "g" and i + 2 < len(toks):
            try:
                n, v = int(float(toks[i + 1])), float(toks[i + 2])
            except ValueError:
                break
            out.extend([v] * max(0, min(n, 100000)))
            i += 3
            continue
        try:
            out.append(float(toks[i]))
        except ValueError:
            break
        i += 1
    return out


def _resolve(base_dir: str, loc: str) -> str:
    loc = (loc or "").strip().replace("\\", "/")
    if loc.startswith("/"):
        return loc.lstrip("/")
    return posixpath.normpath(posixpath.join(base_dir, loc))


def _page_chars(content) -> list[_Char]:
    """Every character of a page's text objects with its position on the page."""
    chars: list[_Char] = []
    for obj in content.iter("{*}TextObject"):
        box = _floats(obj.get("Boundary"))
        if len(box) < 2:
            continue
        bx, by = box[0], box[1]
        size = (_floats(obj.get("Size") or obj.get("size")) or [3.5])[0] or 3.5  # "size": easyofd writes it so
        ctm = _floats(obj.get("CTM"))
        a, b, c, d, e, f = ctm if len(ctm) == 6 else (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
        scale = (abs(d) or abs(a) or 1.0)
        hscale = (_floats(obj.get("HScale")) or [1.0])[0] or 1.0
        cx = cy = 0.0
        for code in obj.iter("{*}TextCode"):
            text = _text(code)
            if not text:
                continue
            xs, ys = _floats(code.get("X")), _floats(code.get("Y"))
            cx = xs[0] if xs else cx
            cy = ys[0] if ys else cy
            dx, dy = _deltas(code.get("DeltaX")), _deltas(code.get("DeltaY"))
            x, y = cx, cy
            n = len(text)
            for i, ch in enumerate(text):
                default = size * (1.0 if _WIDE.match(ch) else 0.5) * hscale
                adv = dx[i] if i < len(dx) else (0.0 if dy and i < len(dy) else default)
                px, py = bx + a * x + c * y + e, by + b * x + d * y + f
                if not ch.isspace() or ch == " ":
                    chars.append(_Char(ch, px, py, abs(adv * (a or 1.0)) or default * scale, size * scale))
                if i < n - 1:
                    x += adv
                    if i < len(dy):
                        y += dy[i]
            cx, cy = x + (dx[n - 1] if n - 1 < len(dx) else 0.0), y
    return chars


def _rules(content) -> tuple[list[tuple[float, float, float]], list[tuple[float, float, float]]]:
    """The straight ruling lines of a page's path objects: horizontal (y, x0, x1) and vertical (x, y0, y1)."""
    horiz, vert = [], []
    for obj in content.iter("{*}PathObject"):
        box = _floats(obj.get("Boundary"))
        data = obj.find("{*}AbbreviatedData")
        if len(box) < 2 or data is None or obj.get("CTM"):
            continue
        toks = _text(data).split()
        pts: list[tuple[float, float]] = []
        cur = None
        i = 0
        while i < len(toks):
            op = toks[i]
            nums = _floats(" ".join(toks[i + 1:i + 3]))
            if op in ("M", "L") and len(nums) == 2:
                pt = (box[0] + nums[0], box[1] + nums[1])
                if op == "L" and cur is not None:
                    pts.append((cur, pt))
                cur = pt
                i += 3
            else:
                i += 1
        for (x0, y0), (x1, y1) in pts:
            if abs(y1 - y0) < 0.5 and abs(x1 - x0) > 15:
                horiz.append((y0, min(x0, x1), max(x0, x1)))
            elif abs(x1 - x0) < 0.5 and abs(y1 - y0) > 3:
                vert.append((x0, min(y0, y1), max(y0, y1)))
    return horiz, vert


def _lines(chars: list[_Char], gap: float = 1.5) -> list[list[_Seg]]:
    """Characters grouped into lines by baseline (top to bottom), each line cut into segments at wide gaps
    (``gap`` font sizes)."""
    if not chars:
        return []
    chars = sorted(chars, key=lambda ch: (ch.y, ch.x))
    rows: list[list[_Char]] = []
    base = None
    for ch in chars:
        if base is None or ch.y - base > 0.4 * ch.size:
            rows.append([ch])
            base = ch.y
        else:
            rows[-1].append(ch)
    out = []
    for row in rows:
        row.sort(key=lambda ch: ch.x)
        segs: list[_Seg] = []
        buf: list[str] = []
        left = right = row[0].x
        prev: _Char | None = None
        for ch in row:
            if prev is not None:
                gap_mm = ch.x - (prev.x + prev.w)
                if gap_mm > gap * max(prev.size, ch.size):
                    text = "".join(buf).strip()
                    if text:
                        segs.append(_Seg(text, left, right))
                    buf, left = [], ch.x
                elif gap_mm > 0.3 * ch.size and buf and buf[-1].isascii() and buf[-1].isalnum() and ch.c.isascii() \
                        and ch.c.isalnum():
                    buf.append(" ")
            if ch.c == " " and not buf:
                left = ch.x + ch.w
            buf.append(ch.c)
            right = max(right, ch.x + ch.w) if ch.c != " " else right
            prev = ch
        text = "".join(buf).strip()
        if text:
            segs.append(_Seg(text, left, right))
        if segs:
            out.append((row, segs))
    return out


def _gutter(lines, width: float) -> float | None:
    """The x of a column gutter that at least three lines leave empty with text on both sides, or None."""
    if len(lines) < 6:
        return None
    best, best_n = None, 0
    lo, hi = 0.3 * width, 0.7 * width
    x = lo
    while x <= hi:
        n = 0
        for _row, segs in lines:
            if len(segs) >= 2 and any(s.right < x for s in segs) and any(s.left > x for s in segs) \
                    and not any(s.left <= x <= s.right for s in segs):
                n += 1
        if n > best_n:
            best, best_n = x, n
        x += 1.0
    if best is None or best_n < 3:
        return None
    # columns, not a table: the lines with a gap there hold one segment on each side (a table has more cells)
    two = [segs for _r, segs in lines if len(segs) >= 2 and not any(s.left <= best <= s.right for s in segs)]
    if sum(len(s) == 2 for s in two) < 0.8 * len(two):
        return None
    # and the text on each side runs as prose: most left-hand segments run up to the gutter (a table's cells do not)
    lefts = [max((s.right for s in segs if s.right < best), default=0.0) for segs in two]
    if sum(r > best - 0.12 * width for r in lefts) < 0.5 * len(lefts):
        return None
    return best


def _prepare(content, pageno: int, height: float):
    """A page's text lines (characters grouped by baseline, cut into segments) and its ruled table's rows."""
    chars = _page_chars(content)
    horiz, vert = _rules(content)
    table = []
    if len(horiz) >= 3 and chars:
        table, chars = _ruled_table(chars, horiz, vert, pageno, height)
    return _lines(chars), table


def _layout(lines, table, pageno: int, width: float, height: float, gutter: float | None,
            body: tuple[float, float] | None = None):
    """The page's lines in reading order, as :class:`pipeline.ingest.pdf.Line` (PDF's y-up coordinates)."""
    if not lines:
        return table
    out = _page_lines_of(lines, pageno, width, height, gutter, body)
    if table:  # the table's rows take their place among the lines, by their top
        return sorted(out + table, key=lambda ln: -ln.top)
    return out


def _doc_gutter(prepared) -> float | None:
    """The gutter most pages share (a page that holds too little of the text to show it uses the others')."""
    from collections import Counter

    found = Counter(round(g) for _l, _t, _w, _h, g in prepared if g is not None)
    return float(found.most_common(1)[0][0]) if found else None


def _page_gutter(lines, page_gutter: float | None, doc_gutter: float | None) -> float | None:
    if page_gutter is not None or doc_gutter is None or not lines:
        return page_gutter
    crossing = sum(any(s.left <= doc_gutter <= s.right for s in segs) for _r, segs in lines)
    return doc_gutter if crossing <= 0.3 * len(lines) else None


def _ruled_table(chars: list[_Char], horiz, vert, pageno: int, height: float):
    """The rows of a table drawn with horizontal rules: the text between two rules is one row, its cells the
    columns (vertical rules, else the left edges its cells' lines share); returns (row Lines, other chars)."""
    from .pdf import Line

    ys = sorted({round(y, 1) for y, _x0, _x1 in horiz})
    x0 = min(x for _y, x, _x1 in horiz)
    x1 = max(x for _y, _x0, x in horiz)
    top, bottom = ys[0], ys[-1]
    inside = [ch for ch in chars if top < ch.y < bottom and x0 - 1 <= ch.x <= x1 + 1]
    rest = [ch for ch in chars if not (top < ch.y < bottom and x0 - 1 <= ch.x <= x1 + 1)]
    if not inside:
        return [], chars
    def band_edges(k: int) -> list[float]:  # the vertical rules that cross band k from top to bottom
        lo, hi = ys[k], ys[k + 1]
        return sorted({round(x, 1) for x, y0, y1 in vert if y0 <= lo + 0.5 and y1 >= hi - 0.5})

    ruled = bool(vert)
    table_band = [not ruled or len(band_edges(k)) >= 2 for k in range(len(ys) - 1)]

    def band_of(y: float) -> int | None:
        return next((i for i in range(len(ys) - 1) if ys[i] < y < ys[i + 1]), None)

    keep = []
    for ch in inside:  # text between two tables (a band no vertical rule crosses) is not in a table
        k = band_of(ch.y)
        (keep if k is not None and table_band[k] else rest).append(ch)
    bands: list[list[list[_Seg]]] = [[] for _ in ys[1:]]
    for row, segs in _lines(keep, gap=0.3):
        k = band_of(row[0].y)
        if k is not None:
            bands[k].append(segs)
    edges = []
    if not ruled:  # the left edges that cells' lines share, clustered within 2 mm
        lefts = sorted(s.left for band in bands for segs in band for s in segs)
        count = []
        for x in lefts:
            if edges and x - edges[-1] <= 2.0:
                count[-1] += 1
            else:
                edges.append(x)
                count.append(1)
        head = next((band for band in bands if band), [])  # the header row names every column, empty ones too
        named = {e for e in edges for segs in head for sg in segs if abs(sg.left - e) <= 2.0}
        edges = [e for e, n in zip(edges, count) if n >= 2 or e in named] or edges[:1]
        edges = [e - 0.5 for e in edges]
    out = []
    for k, band in enumerate(bands):
        if not band:
            continue
        cols = band_edges(k)[:-1] if ruled else edges
        cells = [""] * max(1, len(cols))
        for segs in band:
            for sg in segs:
                col = max([i for i, e in enumerate(cols) if e <= sg.left + 0.5] or [0])
                cells[col] += sg.text
        while len(cells) > 1 and not cells[-1] and not ruled:
            cells.pop()
        out.append(Line("\x00TABLE" + " | ".join(cells), x0, x1, height - ys[k], height - ys[k + 1], pageno))
    return out, rest


def _page_lines_of(lines, pageno: int, width: float, height: float, gutter: float | None,
                   body: tuple[float, float] | None = None):
    from .pdf import Line

    def line(segs: list[_Seg], row: list[_Char], text: str | None = None) -> Line:
        top = min(ch.y - ch.size for ch in row)
        bottom = max(ch.y for ch in row)
        return Line(text if text is not None else _join(segs), segs[0].left, segs[-1].right,
                    height - top, height - bottom, pageno)

    out: list[Line] = []
    if gutter is not None:
        left_col: list[Line] = []
        right_col: list[Line] = []

        def flush():
            out.extend(left_col)
            out.extend(right_col)
            left_col.clear()
            right_col.clear()

        # the paragraph joiner measures a line against the page's left edge and widest line: a column's lines are
        # mapped onto the whole measure (x scaled from the column's extent), so a full column line is a full line
        body = body or (min(s.left for _r, segs in lines for s in segs), max(s.right for _r, segs in lines for s in segs))
        cols = [[s for _r, segs in lines for s in segs if s.right < gutter],
                [s for _r, segs in lines for s in segs if s.left > gutter]]
        extents = [(min(s.left for s in c), max(s.right for s in c)) if c else body for c in cols]

        def column_line(segs, row, k) -> Line:
            ln = line(segs, row)
            lo, hi = extents[k]
            scale = (body[1] - body[0]) / max(hi - lo, 1.0)
            return Line(ln.text, body[0] + (ln.left - lo) * scale, body[0] + (ln.right - lo) * scale,
                        ln.top, ln.bottom, ln.page)

        for row, segs in lines:
            if any(s.left <= gutter <= s.right for s in segs):  # crosses the gutter: a full-width line
                flush()
                out.append(line(segs, row))
                continue
            lsegs = [s for s in segs if s.right < gutter]
            rsegs = [s for s in segs if s.left > gutter]
            if lsegs:
                left_col.append(column_line(lsegs, [ch for ch in row if ch.x < gutter], 0))
            if rsegs:
                right_col.append(column_line(rsegs, [ch for ch in row if ch.x > gutter], 1))
        flush()
        return out
    multi = sum(len(segs) >= 2 for _r, segs in lines)
    table_rows: list[tuple[list[_Seg], list[str]]] = []  # the previous table row: its segments and cells
    for row, segs in lines:
        if len(segs) >= 2 and multi >= 2:
            prev = table_rows[-1] if table_rows and out and out[-1].text.startswith("\x00TABLE") else None
            if prev is not None and segs[0].left > prev[0][0].right and len(segs) < len(prev[0]):
                # the second line of some cells of the row above (its first column is empty): append them
                pcells = prev[1]
                for s in segs:
                    k = min(range(len(prev[0])), key=lambda j: abs(prev[0][j].left - s.left))
                    pcells[k] += s.text
                last = out[-1]
                out[-1] = Line("\x00TABLE" + " | ".join(pcells), last.left, max(last.right, segs[-1].right),
                               last.top, height - max(ch.y for ch in row), pageno)
                continue
            cells = [s.text for s in segs]
            table_rows.append((segs, cells))
            out.append(line(segs, row, "\x00TABLE" + " | ".join(cells)))
        else:
            out.append(line(segs, row))
    return out


def _join(segs: list[_Seg]) -> str:
    return " ".join(s.text for s in segs)


_TRAILING_TOKEN = re.compile(r"[A-Za-z0-9.%]+$")
_DECIMAL_START = re.compile(r"\d+[.．]\d+")
_ENDS_SENTENCE = re.compile(r"[。！？!?；;：:]$")


def _carry_wrapped_tokens(pages) -> None:
    """A number or word that a Chinese line wraps (``截至20`` / ``23年``) moves whole onto the next line.

    The joiner puts a space between two lines that end and begin with Latin letters or digits (right for
    English); in Chinese text the wrap falls anywhere, so ``2023`` would read ``20 23``. A token cut by the
    wrap (no space at the line's end) is moved to the start of the next line, which the joiner then appends
    without a space.
    """
    flat = [(p, i) for p, lines in enumerate(pages) for i in range(len(lines))]
    for (p, i), (q, j) in zip(flat, flat[1:]):
        a, b = pages[p][i], pages[q][j]
        if a.text.startswith("\x00TABLE") or b.text.startswith("\x00TABLE"):
            continue
        d = _DECIMAL_START.match(b.text)
        if d and a.text and not a.text[-1:].isascii() and not _ENDS_SENTENCE.search(a.text):
            # a decimal number wrapped to the line start (8.5亿元) is not an item number (8.): it goes up
            a.text, b.text = a.text + d.group(), b.text[d.end():]
            continue
        m = _TRAILING_TOKEN.search(a.text)
        if not m or m.start() == 0 or a.text[m.start() - 1].isascii() or not b.text[:1].isascii() \
                or not b.text[:1].isalnum():
            continue
        a.text, b.text = a.text[:m.start()], m.group() + b.text


def _text_box(content, width: float, height: float) -> tuple[float, float]:
    """The page's size in the units its text objects use: the declared box, unless the text fills less than
    half of it in both directions (a producer that declares the box in points and places text in other units),
    then the text's own extent with a margin, so that headers and footers are told by their place."""
    right = bottom = 0.0
    for obj in content.iter("{*}TextObject"):
        box = _floats(obj.get("Boundary"))
        if len(box) >= 4:
            right, bottom = max(right, box[0] + box[2]), max(bottom, box[1] + box[3])
    if 0 < right < 0.5 * width and 0 < bottom < 0.5 * height:
        return right * 1.08, bottom * 1.08
    return width, height


def _encrypted(pkg: _Package, ofd_root) -> bool:
    if any(_local(el) in ("Encryptions", "Encryption", "EncryptInfo") for el in ofd_root.iter()):
        return True
    return any(posixpath.basename(n).lower().startswith("encrypt") for n in pkg.names)


def read(path: Path, data: bytes, *, max_bytes: int, **_: object):
    from .pdf import _SPACE_IN_CJK, _drop_running, _paragraphs

    from . import assemble

    pkg = _Package(path, data, max_bytes)
    if pkg.find("OFD.xml") is None:
        raise ReaderError("corrupt_file", path, "a zip file without OFD.xml is not an OFD document")
    root = pkg.xml("OFD.xml", "its entry file")
    if _encrypted(pkg, root):
        raise ReaderError("encrypted", path, "the OFD is encrypted (it has Encryptions entries) and cannot be read")
    doc_roots = [_text(el).strip() for el in root.iter("{*}DocRoot") if _text(el).strip()]
    if not doc_roots:
        raise ReaderError("corrupt_file", path, "OFD.xml names no document (no DocBody/DocRoot)")
    prepared, heights, npages = [], [], 0
    for doc_root in doc_roots:
        doc_path = _resolve("", doc_root)
        doc = pkg.xml(doc_path, "its document")
        base = posixpath.dirname(doc_path)
        default_box = None
        for el in doc.iter("{*}PageArea"):
            box = el.find("{*}PhysicalBox")
            if box is not None:
                default_box = _floats(_text(box))
            break
        for page in doc.iter("{*}Page"):
            loc = page.get("BaseLoc")
            if not loc:
                continue
            npages += 1
            content = pkg.xml(_resolve(base, loc), f"page {npages} at")
            box = content.find("{*}Area/{*}PhysicalBox")
            if box is None:
                box = content.find("{*}Content/{*}PageArea/{*}PhysicalBox")  # where easyofd puts it
            dims = _floats(_text(box)) if box is not None else (default_box or [])
            width, height = (dims[2], dims[3]) if len(dims) >= 4 else (210.0, 297.0)
            width, height = _text_box(content, width, height)
            lines, table = _prepare(content, npages, height)
            prepared.append((lines, table, width, height, _gutter(lines, width)))
            heights.append(height)
    doc_gutter = _doc_gutter(prepared)
    segs = [s for lines, *_ in prepared for _r, ss in lines for s in ss]
    body = (min(s.left for s in segs), max(s.right for s in segs)) if segs else None  # the text's measure
    pages = [_layout(lines, table, k + 1, width, height, _page_gutter(lines, gutter, doc_gutter), body)
             for k, (lines, table, width, height, gutter) in enumerate(prepared)]
    if npages == 0:
        raise ReaderError("empty", path, "the OFD has no pages")
    if not any(pages):
        raise ReaderError("no_text_layer", path,
                          f"none of its {npages} page(s) holds text objects (images only: a scan?): run OCR first")
    pages = _drop_running(pages, heights)
    _carry_wrapped_tokens(pages)
    pieces = [(_SPACE_IN_CJK.sub("", t), a) for t, a in _paragraphs(pages)]
    raw, blocks = assemble(pieces)
    return raw, blocks, {"pages": npages}
