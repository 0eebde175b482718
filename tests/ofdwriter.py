"""A small OFD writer (GB/T 33190) for test fixtures: text laid out on A4 pages as a real producer does.

``write_ofd(paragraphs, out)`` lays each paragraph out line by line (first line
indented two characters, CJK characters one em wide, ASCII half an em), one
``TextObject`` per line with its ``Boundary`` and a ``TextCode`` carrying ``X``,
``Y`` and ``DeltaX`` (``g N V`` runs for equal advances), a page number at the
foot of each page (``- N -``, as official documents print it), fonts in
``PublicRes.xml``. Options make the layouts a reader must sort out:

- ``columns=2``: the body in two columns (the title across both);
- ``shuffle=True``: the text objects of each page written in random order;
- ``per_char=True``: one TextObject per character (some producers do this);
- ``table``: rows of cells drawn as a ruled table (cells in columns, long
  cells wrapped onto further lines), after the paragraphs; a paragraph that
  is a list of rows is drawn as such a table in its place;
- ``encrypt=True``: an ``Encryptions`` entry, as an encrypted package has.
"""

from __future__ import annotations

import random
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

NS = "http://www.ofdspec.org/2016"
PAGE_W, PAGE_H = 210.0, 297.0
MARGIN_X, MARGIN_TOP, MARGIN_BOTTOM = 26.0, 37.0, 35.0
SIZE = 4.2  # mm, about 12 pt
LEADING = 7.4


def _w(c: str, size: float = SIZE) -> float:
    return size * (0.5 if c.isascii() else 1.0)


def _delta(text: str, size: float = SIZE) -> str:
    """DeltaX of a run: the advance after each character but the last, with ``g N V`` for repeats."""
    ws = [_w(c, size) for c in text[:-1]]
    out, i = [], 0
    while i < len(ws):
        j = i
        while j < len(ws) and ws[j] == ws[i]:
            j += 1
        n = j - i
        out.append(f"g {n} {ws[i]:g}" if n > 2 else " ".join(f"{ws[i]:g}" for _ in range(n)))
        i = j
    return " ".join(out)


def _wrap(text: str, width: float, indent: float, size: float = SIZE) -> list[tuple[float, str]]:
    """(x offset, line text) of a paragraph set in ``width`` mm, the first line indented."""
    lines, cur, x0, used = [], "", indent, indent
    for c in text:
        if used + _w(c, size) > width + 1e-6 and cur:
            lines.append((x0, cur))
            cur, x0, used = "", 0.0, 0.0
        cur += c
        used += _w(c, size)
    if cur:
        lines.append((x0, cur))
    return lines


class _Page:
    def __init__(self):
        self.objects: list[str] = []
        self.paths: list[str] = []

    def text(self, ids: list[int], x: float, y_top: float, s: str, size: float = SIZE, per_char: bool = False):
        if per_char:
            for c in s:
                self.text(ids, x, y_top, c, size)
                x += _w(c, size)
            return
        ids[0] += 1
        w = sum(_w(c, size) for c in s)
        delta = _delta(s, size)
        dx = f' DeltaX="{delta}"' if delta else ""
        self.objects.append(
            f'<ofd:TextObject ID="{ids[0]}" Boundary="{x:.3f} {y_top:.3f} {w + 1:.3f} {size * 1.4:.3f}" Font="3" '
            f'Size="{size:g}"><ofd:FillColor Value="0 0 0"/><ofd:TextCode X="0" Y="{size:g}"{dx}>'
            f'{escape(s)}</ofd:TextCode></ofd:TextObject>')

    def line(self, ids: list[int], x0: float, y0: float, x1: float, y1: float):
        ids[0] += 1
        self.paths.append(f'<ofd:PathObject ID="{ids[0]}" Boundary="0 0 {PAGE_W} {PAGE_H}" LineWidth="0.25">'
                          f'<ofd:AbbreviatedData>M {x0:.2f} {y0:.2f} L {x1:.2f} {y1:.2f}</ofd:AbbreviatedData>'
                          f'</ofd:PathObject>')


def _layout(paragraphs, title, columns, table, per_char, ids) -> list[_Page]:
    pages = [_Page()]
    body_w = PAGE_W - 2 * MARGIN_X
    y = MARGIN_TOP
    bottom = PAGE_H - MARGIN_BOTTOM
    if title:
        for x, line in _wrap(title, body_w, 0.0, 5.6):
            w = sum(_w(c, 5.6) for c in line)
            pages[-1].text(ids, MARGIN_X + (body_w - w) / 2, y, line, 5.6, per_char)
            y += 10.0
        y += 4.0
    gap = 8.0
    col_w = (body_w - gap) / 2 if columns == 2 else body_w
    col = 0
    col_top = y

    def new_page():
        nonlocal y, col, col_top
        pages.append(_Page())
        y = MARGIN_TOP
        col, col_top = 0, MARGIN_TOP

    def draw_table(rows):
        nonlocal y
        ncol = max(len(r) for r in rows)
        rows = [r + [""] * (ncol - len(r)) for r in rows]
        widths = _column_widths(rows, body_w)
        y += 2.0
        for row in rows:
            cells = [_wrap(c, w - 2, 0.0) for c, w in zip(row, widths)]
            height = max(1, max(len(c) for c in cells)) * LEADING + 2
            if y + height > bottom:
                new_page()
            page = pages[-1]
            x = MARGIN_X
            page.line(ids, MARGIN_X, y, MARGIN_X + body_w, y)
            for k in range(ncol):
                page.line(ids, x, y, x, y + height)
                for i, (_dx, line) in enumerate(cells[k]):
                    page.text(ids, x + 1, y + 1 + i * LEADING, line, SIZE, per_char)
                x += widths[k]
            page.line(ids, x, y, x, y + height)
            y += height
            page.line(ids, MARGIN_X, y, MARGIN_X + body_w, y)
        y += 4.0

    for para in list(paragraphs) + ([table] if table else []):
        if isinstance(para, list):
            draw_table(para)
            continue
        for x, line in _wrap(para, col_w, 2 * SIZE):
            if y + LEADING > bottom:
                if columns == 2 and col == 0:
                    col, y = 1, col_top
                else:
                    new_page()
            left = MARGIN_X + (col_w + gap if col == 1 else 0.0)
            pages[-1].text(ids, left + x, y, line, SIZE, per_char)
            y += LEADING
    return pages


def _column_widths(table, body_w: float) -> list[float]:
    longest = [max(max(sum(_w(c) for c in row[k]) for row in table), 2 * SIZE) + 3 for k in range(len(table[0]))]
    total = sum(longest)
    if total <= body_w:
        return [w * body_w / total for w in longest]
    # squeeze the long columns, keep short ones (序号, 时限) whole
    short = [w for w in longest if w < body_w / len(longest)]
    rest = (body_w - sum(short)) / max(1, len(longest) - len(short))
    return [w if w < body_w / len(longest) else rest for w in longest]


def write_ofd(paragraphs: list[str], out: str | Path, *, title: str | None = None, columns: int = 1,
              shuffle: bool = False, per_char: bool = False, table: list[list[str]] | None = None,
              encrypt: bool = False, seed: int = 0) -> Path:
    """Write an OFD of ``paragraphs`` (and ``table`` rows) to ``out``; returns its path."""
    return write_package(ofd_files(paragraphs, title=title, columns=columns, shuffle=shuffle, per_char=per_char,
                                   table=table, encrypt=encrypt, seed=seed), out)


def ofd_files(paragraphs: list[str], *, title: str | None = None, columns: int = 1, shuffle: bool = False,
              per_char: bool = False, table: list[list[str]] | None = None, encrypt: bool = False,
              seed: int = 0) -> dict[str, str]:
    """The members of an OFD package (name → XML), for tests that alter one before zipping."""
    ids = [10]
    pages = _layout(paragraphs, title, columns, table, per_char, ids)
    rng = random.Random(seed)
    files: dict[str, str] = {}
    head = f'<?xml version="1.0" encoding="UTF-8"?>\n'
    enc = '<ofd:Encryptions>Encryptions.xml</ofd:Encryptions>' if encrypt else ""
    files["OFD.xml"] = (head + f'<ofd:OFD xmlns:ofd="{NS}" Version="1.0" DocType="OFD"><ofd:DocBody><ofd:DocInfo>'
                        f'<ofd:DocID>taskdb-test</ofd:DocID><ofd:Creator>tests/ofdwriter.py</ofd:Creator>'
                        f'</ofd:DocInfo><ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot>{enc}</ofd:DocBody></ofd:OFD>')
    if encrypt:
        files["Encryptions.xml"] = head + f'<ofd:Encryptions xmlns:ofd="{NS}"><ofd:Encryption/></ofd:Encryptions>'
    page_refs = "".join(f'<ofd:Page ID="{i + 1}" BaseLoc="Pages/Page_{i}/Content.xml"/>' for i in range(len(pages)))
    files["Doc_0/Document.xml"] = (
        head + f'<ofd:Document xmlns:ofd="{NS}"><ofd:CommonData><ofd:MaxUnitID>{ids[0] + 10}</ofd:MaxUnitID>'
        f'<ofd:PageArea><ofd:PhysicalBox>0 0 {PAGE_W:g} {PAGE_H:g}</ofd:PhysicalBox></ofd:PageArea>'
        f'<ofd:PublicRes>PublicRes.xml</ofd:PublicRes></ofd:CommonData><ofd:Pages>{page_refs}</ofd:Pages>'
        f'</ofd:Document>')
    files["Doc_0/PublicRes.xml"] = (
        head + f'<ofd:Res xmlns:ofd="{NS}" BaseLoc="Res"><ofd:Fonts><ofd:Font ID="3" FontName="宋体" '
        f'FamilyName="宋体"/></ofd:Fonts></ofd:Res>')
    for i, page in enumerate(pages):
        foot = _Page()
        num = f"- {i + 1} -"
        foot.text(ids, (PAGE_W - sum(_w(c) for c in num)) / 2, PAGE_H - 20.0, num)
        objs = page.objects + foot.objects
        if shuffle:
            rng.shuffle(objs)
        files[f"Doc_0/Pages/Page_{i}/Content.xml"] = (
            head + f'<ofd:Page xmlns:ofd="{NS}"><ofd:Content><ofd:Layer ID="{i + 2}" Type="Body">'
            + "".join(page.paths) + "".join(objs) + '</ofd:Layer></ofd:Content></ofd:Page>')
    return files


def write_package(files: dict[str, str | bytes], out: str | Path) -> Path:
    """Zip ``files`` (name → XML) deterministically: fixed timestamps, members in the given order."""
    out = Path(out)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, text in files.items():
            info = zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, text.encode("utf-8") if isinstance(text, str) else text)
    return out


def paragraphs_of(text: str) -> tuple[str | None, list[str]]:
    """A .txt document as (title, paragraphs): its first non-empty line is the title when it is short."""
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    if lines and len(lines[0]) <= 40:
        return lines[0], lines[1:]
    return None, lines
