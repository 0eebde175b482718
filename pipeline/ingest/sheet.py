"""Spreadsheets: .xlsx (openpyxl), .xls (xlrd), and WPS .et (xlrd, else LibreOffice → .xlsx).

Every visible sheet becomes rows of the Document the way the .docx reader gives a
table: one ``table_row`` block per row, its cells joined with `` | ``, so that the
task-table logic of the extraction stage reads them (one task per row with its
牵头 / 配合 units and deadline). What the reader of the printed table sees is what
the rows hold:

* values as displayed: formulas are never evaluated (the value Excel saved is
  read), dates as 2024年3月31日, integral numbers without ``.0``, percentages as
  ``20%``;
* a **vertical** merge (a unit or deadline cell spanning several task rows) is
  repeated in every row it spans, since each of those rows has that unit or
  deadline on paper; a **horizontal** merge (a title, a group label 一、…, a
  header spanning sub-columns) gives its value once, in its first column, the
  other columns left empty, so that every row keeps the sheet's columns and a
  cell stays under its header;
* a header of two rows (责任单位 over 牵头单位 | 配合单位) is one header row: the
  lower row's words under a horizontal merge, the upper row's elsewhere;
* a multi-line cell is one cell (its lines joined, with a space where a line
  does not end in punctuation, so that a list of units one per line stays a list);
* hidden sheets, hidden rows and columns, and empty rows and columns are left
  out; a row with one value before the table starts (a title merged across the
  sheet, a 附件 line) is a paragraph;
* several sheets in workbook order, each after a heading line with its name
  (a workbook of one sheet gets no heading: its name is mostly ``Sheet1``).

Bombs are refused before parsing: the zip's directory sizes (the .docx reader's
:func:`~pipeline.ingest.docx.check_zip`) and any XML part that declares a DTD
(no OOXML part has one; entity-expansion bombs need one).
"""

from __future__ import annotations

import datetime as _dt
import io
import math
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import ReaderError
from . import assemble

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

# ----------------------------------------------------------------------------- what an OLE file holds


def ole_kind(data: bytes) -> str | None:
    """What an OLE2 compound file (.doc, .xls, .et, .wps, an encrypted Office file) holds.

    Returns ``"encrypted"`` (an encrypted OOXML package: .docx / .xlsx saved with a
    password; a .doc / .wps whose FIB says encrypted or obfuscated), ``"xls"`` (a Workbook / Book stream: Excel or WPS Spreadsheets),
    ``"doc"`` (a WordDocument stream: Word or WPS Writer), ``"ppt"`` (PowerPoint or
    WPS Presentation), or None when the directory cannot be read.
    """
    import olefile  # small and pure Python; imported only for OLE bytes

    try:
        ole = olefile.OleFileIO(io.BytesIO(data))
    except Exception:  # noqa: BLE001 - any parser failure: we cannot tell
        return None
    try:
        names = {"/".join(e).lower() for e in ole.listdir(streams=True, storages=False)}
        fib = ole.openstream("WordDocument").read(12) if "worddocument" in names else b""
    except Exception:  # noqa: BLE001
        return None
    finally:
        ole.close()
    if "encryptioninfo" in names and "encryptedpackage" in names:
        return "encrypted"
    if "workbook" in names or "book" in names:
        return "xls"  # an encrypted one is told by xlrd (its FILEPASS record)
    if "worddocument" in names:
        # the FIB's flags: fEncrypted (0x0100) or fObfuscated (0x8000), [MS-DOC] 2.5.2
        if len(fib) >= 12 and int.from_bytes(fib[10:12], "little") & 0x8100:
            return "encrypted"
        return "doc"
    if "powerpoint document" in names:
        return "ppt"
    return None


# ----------------------------------------------------------------------------- the grid

#: cells of one sheet's displayed grid (rows x columns that hold values), and of merge filling, above which
#: the sheet is refused as too_large (a sparse or merge "bomb": a few values far apart, or merges over them)
MAX_CELLS = 10_000_000


class SheetTooLarge(Exception):
    """A sheet whose grid would exceed :data:`MAX_CELLS`."""


@dataclass
class Sheet:
    """One sheet as read: display strings by (row, column), 0-based, and its merges and hidden parts."""

    name: str
    cells: dict[tuple[int, int], str] = field(default_factory=dict)
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)  # r1, c1, r2, c2 inclusive
    hidden_rows: set[int] = field(default_factory=set)
    hidden_cols: set[int] = field(default_factory=set)


_PUNCT_END = tuple("。；;，,、:：!！?？)）》”\"")


def cell_text(value: str) -> str:
    """A cell's text on one line: its lines joined (with a space after a line without closing punctuation)."""
    value = value.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ").replace("|", "/")
    lines = [ln.strip() for ln in value.split("\n")]
    out = ""
    for ln in lines:
        if not ln:
            continue
        if out and not out.endswith(_PUNCT_END):
            out += " "
        out += ln
    return out


def _number_text(v: float, fmt: str) -> str:
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    if isinstance(v, float) and (math.isnan(v) or math.isinf(v)):
        return ""
    fmt = fmt or "General"
    core = fmt.split(";")[0]
    if "%" in core:
        dec = re.search(r"0\.(0+)%", core)
        return f"{v * 100:.{len(dec.group(1)) if dec else 0}f}%"
    dec = re.search(r"0\.(0+)", core)
    if dec and not re.search(r"[yYmdDhHs]", core):
        return f"{v:.{len(dec.group(1))}f}"
    if isinstance(v, int) or float(v).is_integer():
        return str(int(v))
    return f"{v:.10g}"


def _date_text(v: _dt.datetime | _dt.date | _dt.time, fmt: str) -> str:
    if isinstance(v, _dt.time):
        return f"{v.hour}:{v.minute:02d}"
    core = re.sub(r'"[^"]*"|\[[^\]]*\]|\\.', "", (fmt or "").split(";")[0]).lower()
    has_day = "d" in core or not core or core == "general"
    has_month = "m" in core or has_day
    text = f"{v.year}年" + (f"{v.month}月" if has_month else "") + (f"{v.day}日" if has_day else "")
    if isinstance(v, _dt.datetime) and (v.hour or v.minute) and ("h" in core):
        text += f" {v.hour}:{v.minute:02d}"
    return text


def display(value, fmt: str = "General") -> str:
    """A cell value as the sheet shows it, on one line."""
    if value is None:
        return ""
    if isinstance(value, str):
        return cell_text(value)
    if isinstance(value, (_dt.datetime, _dt.date, _dt.time)):
        return _date_text(value, fmt)
    if isinstance(value, _dt.timedelta):
        return str(value)
    if isinstance(value, (int, float)):
        return _number_text(value, fmt)
    return cell_text(str(value))


def sheet_rows(sheet: Sheet) -> tuple[list[list[str]], list[bool]]:
    """The sheet's rows as displayed: merges filled (vertical repeated, horizontal once), a two-row header
    made one, hidden and empty rows and columns left out; and for each row whether its one value is
    merged across the sheet (a title or a group label: a paragraph)."""
    if not sheet.cells:
        return [], []
    import bisect

    cells = dict(sheet.cells)
    vcopy: set[tuple[int, int]] = set()  # cells that repeat the value of a vertical merge above
    hspan: dict[tuple[int, int], int] = {}  # first cell of a horizontal merge -> its last column
    used_r = sorted({r for r, _ in cells})
    used_c = sorted({c for _, c in cells})
    work = 0
    for r1, c1, r2, c2 in sheet.merges:
        # only the rows and columns that hold values: a merge over a million empty rows costs nothing
        rs = used_r[bisect.bisect_left(used_r, r1):bisect.bisect_right(used_r, r2)]
        cs = used_c[bisect.bisect_left(used_c, c1 + 1):bisect.bisect_right(used_c, c2)]
        work += len(rs) * (len(cs) + 1)
        if work > MAX_CELLS:
            raise SheetTooLarge(f"sheet {sheet.name!r}: its merged ranges cover more than {MAX_CELLS} cells")
        v = cells.get((r1, c1), "")
        for r in rs:
            for c in cs:  # covered by a horizontal merge: shown once, in its first column
                cells.pop((r, c), None)
            if v:
                cells[(r, c1)] = v
                if r > r1:
                    vcopy.add((r, c1))
            else:
                cells.pop((r, c1), None)
            if c2 > c1:
                hspan[(r, c1)] = c2
    shown = [(r, c) for r, c in cells if r not in sheet.hidden_rows and c not in sheet.hidden_cols]
    rows = sorted({r for r, _ in shown})
    cols = sorted({c for _, c in shown})
    if len(rows) * len(cols) > MAX_CELLS:
        raise SheetTooLarge(f"sheet {sheet.name!r} spans {len(rows)} rows x {len(cols)} columns holding values "
                            f"(more than {MAX_CELLS} cells): no task table is this large")
    col_at = {c: j for j, c in enumerate(cols)}
    row_at = {r: i for i, r in enumerate(rows)}
    out = [[""] * len(cols) for _ in rows]
    for r, c in shown:
        out[row_at[r]][col_at[c]] = cells[(r, c)]
    # a row whose one value is merged across every column to its right (a title, a group label 一、…)
    across = []
    for r, row in zip(rows, out):
        vals = [c for c, v in zip(cols, row) if v]
        across.append(len(vals) == 1 and (r, vals[0]) in hspan and hspan[(r, vals[0])] >= cols[-1]
                      and len(cols) > 1)
    # a header of two rows: the first row with several values has a horizontal merge, and every value
    # of the next row is either a vertical copy of it or lies under that merge (责任单位 over 牵头 | 配合)
    first = next((i for i, row in enumerate(out) if sum(1 for v in row if v) >= 2), None)
    if first is not None and first + 1 < len(out):
        r0, r1 = rows[first], rows[first + 1]
        spans = [(c1, c2) for (r, c1), c2 in hspan.items() if r == r0]
        under = {c for c1, c2 in spans for c in range(c1, c2 + 1)}
        nxt = out[first + 1]
        if spans and all(not v or (r1, c) in vcopy or c in under for c, v in zip(cols, nxt)) and \
                any(v and c in under and (r1, c) not in vcopy for c, v in zip(cols, nxt)):
            merged = [lo if lo and c in under and (r1, c) not in vcopy else up
                      for c, up, lo in zip(cols, out[first], nxt)]
            out[first:first + 2] = [merged]
            across[first:first + 2] = [False]
    return out, across


def pieces_of(sheets: list[Sheet]) -> tuple[list[tuple[str, dict]], dict]:
    """The reader's blocks for a workbook: per sheet an optional heading, paragraphs, then table rows."""
    pieces: list[tuple[str, dict]] = []
    tables = [(s, *sheet_rows(s)) for s in sheets]
    tables = [t for t in tables if t[1]]
    n_rows = 0
    for s, rows, across in tables:
        if len(tables) > 1:
            pieces.append((cell_text(s.name), {"kind": "heading"}))
        started = False
        for row, is_across in zip(rows, across):
            values = [v for v in row if v]
            if not started and len(values) >= 2:
                started = True
            if not started or is_across:
                pieces.append((values[0], {"kind": "paragraph"}))
            else:
                pieces.append((" | ".join(row), {"kind": "table_row"}))
                n_rows += 1
    meta = {"sheets": len(tables), "table_rows": n_rows, "merged_ranges": sum(len(s.merges) for s in sheets)}
    return pieces, meta


# ----------------------------------------------------------------------------- .xlsx


def check_xml_parts(path: Path, zf: zipfile.ZipFile) -> None:
    """Refuse an OOXML package whose XML parts declare a DTD (entity-expansion bombs need one)."""
    for info in zf.infolist():
        if not info.filename.lower().endswith((".xml", ".rels", ".vml")):
            continue
        with zf.open(info) as fh:
            head = fh.read(4096)
        if b"<!DOCTYPE" in head.upper() or b"<!ENTITY" in head.upper() or \
                b"<\x00!\x00D\x00O\x00C\x00T\x00Y\x00P\x00E" in head.upper():
            raise ReaderError("corrupt_file", path,
                              f"the part {info.filename} declares a DTD (an XML entity-expansion bomb?): "
                              "no spreadsheet part has one")


_MERGE = re.compile(rb'<(?:[\w.-]+:)?mergeCell\b[^>]*?\bref="([A-Za-z]{1,3}\d+):([A-Za-z]{1,3}\d+)"')
_ROW = re.compile(rb"<(?:[\w.-]+:)?row\b([^>]*)>")
_COL = re.compile(rb"<(?:[\w.-]+:)?col\b([^>]*)>")
_HIDDEN = re.compile(rb'\bhidden="(?:1|true)"')
_R_ATTR = re.compile(rb'\br="(\d+)"')
_MINMAX = re.compile(rb'\b(min|max)="(\d+)"')


def _cell_ref(ref: bytes) -> tuple[int, int]:
    """A1 -> (row, column), 0-based."""
    m = re.match(rb"([A-Za-z]+)(\d+)", ref)
    col = 0
    for ch in m.group(1).upper():
        col = col * 26 + ch - 64
    return int(m.group(2)) - 1, col - 1


def _xlsx_layout(zf: zipfile.ZipFile, part: str) -> tuple[list[tuple[int, int, int, int]], set[int], set[int]]:
    """Merges and hidden rows / columns of one worksheet part: its tags scanned as bytes, in chunks (the part
    has no DTD, :func:`check_xml_parts`, so no entity can hide a tag; lxml's iterparse took longer than
    openpyxl's read of the values)."""
    merges, hidden_rows, hidden_cols = [], set(), set()
    carry = b""
    with zf.open(part) as fh:
        while True:
            chunk = fh.read(1 << 22)
            buf = carry + chunk
            cut = buf.rfind(b"<") if chunk else len(buf)
            if cut < 0:
                cut = len(buf)
            body, carry = buf[:cut], buf[cut:]
            for m in _MERGE.finditer(body):
                (r1, c1), (r2, c2) = _cell_ref(m.group(1)), _cell_ref(m.group(2))
                merges.append((min(r1, r2), min(c1, c2), max(r1, r2), max(c1, c2)))
            if b"hidden=" in body:
                for m in _ROW.finditer(body):
                    attrs = m.group(1)
                    if _HIDDEN.search(attrs) and (r := _R_ATTR.search(attrs)):
                        hidden_rows.add(int(r.group(1)) - 1)
                for m in _COL.finditer(body):
                    attrs = m.group(1)
                    if _HIDDEN.search(attrs):
                        mm = dict(_MINMAX.findall(attrs))
                        lo = int(mm.get(b"min", b"1"))
                        hi = int(mm.get(b"max", mm.get(b"min", b"1")))
                        hidden_cols.update(range(lo - 1, min(hi, 16384)))
            if not chunk:
                break
    return merges, hidden_rows, hidden_cols


def read_xlsx(path: Path, data: bytes, max_bytes: int) -> tuple[list[Sheet], dict]:
    from .docx import check_zip

    check_zip(path, data, max_bytes, required="xl/workbook.xml", what="an Excel workbook (.xlsx)")
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        check_xml_parts(path, zf)
        import openpyxl  # imported here so that `import pipeline` stays light

        try:
            wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True, keep_links=False)
        except Exception as e:
            raise ReaderError("corrupt_file", path, f"openpyxl cannot open it: {type(e).__name__}: {e}") from e
        sheets, hidden = [], 0
        try:
            for ws in wb.worksheets:
                if ws.sheet_state != "visible":
                    hidden += 1
                    continue
                s = Sheet(ws.title)
                part = ws._worksheet_path.lstrip("/")
                if part in zf.namelist():
                    s.merges, s.hidden_rows, s.hidden_cols = _xlsx_layout(zf, part)
                ws.reset_dimensions()  # the saved dimension may claim XFD1048576: rows are read as they are
                for row in ws.iter_rows():
                    for cell in row:
                        v = getattr(cell, "value", None)
                        if v is None or v == "":
                            continue
                        text = display(v, getattr(cell, "number_format", "General"))
                        if text:
                            s.cells[(cell.row - 1, cell.column - 1)] = text
                sheets.append(s)
        finally:
            wb.close()
    return sheets, {"hidden_sheets": hidden}


# ----------------------------------------------------------------------------- .xls / .et


def read_xls(path: Path, data: bytes) -> tuple[list[Sheet], dict]:
    import xlrd  # imported here so that `import pipeline` stays light

    try:
        book = xlrd.open_workbook(file_contents=data, formatting_info=True, on_demand=True,
                                  logfile=io.StringIO())
    except xlrd.XLRDError as e:
        if "encrypt" in str(e).lower():
            raise ReaderError("encrypted", path, "the workbook is password-protected: save a copy without "
                              "the password") from e
        raise
    sheets, hidden = [], 0
    try:
        for i in range(book.nsheets):
            sh = book.sheet_by_index(i)
            if sh.visibility:
                hidden += 1
                continue
            s = Sheet(sh.name)
            s.merges = [(r1, c1, r2 - 1, c2 - 1) for r1, r2, c1, c2 in sh.merged_cells]
            s.hidden_rows = {r for r, info in sh.rowinfo_map.items() if info.hidden}
            s.hidden_cols = {c for c, info in sh.colinfo_map.items() if info.hidden}
            for r in range(sh.nrows):
                for c in range(sh.row_len(r)):
                    cell = sh.cell(r, c)
                    if cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK, xlrd.XL_CELL_ERROR):
                        continue
                    fmt = "General"
                    try:
                        fmt = book.format_map[book.xf_list[cell.xf_index].format_key].format_str
                    except (IndexError, KeyError, AttributeError, TypeError):
                        pass
                    v = cell.value
                    if cell.ctype == xlrd.XL_CELL_DATE:
                        try:
                            v = xlrd.xldate_as_datetime(v, book.datemode)
                        except (xlrd.xldate.XLDateError, ValueError, OverflowError):
                            pass
                    elif cell.ctype == xlrd.XL_CELL_BOOLEAN:
                        v = bool(v)
                    text = display(v, fmt)
                    if text:
                        s.cells[(r, c)] = text
            sheets.append(s)
            book.unload_sheet(i)
    finally:
        book.release_resources()
    return sheets, {"hidden_sheets": hidden}


# ----------------------------------------------------------------------------- LibreOffice

INSTALL_HINT = ("install LibreOffice Calc to read WPS spreadsheets: `apt-get install libreoffice-calc-nogui` "
                "(Debian/Ubuntu) or `brew install --cask libreoffice` (macOS), or save the file as .xlsx")


def convert(path: Path, data: bytes, suffix: str, target: str, *, timeout: float = 180,
            hint: str = INSTALL_HINT) -> bytes:
    """The bytes of ``data`` (a file with ``suffix``) converted by LibreOffice headless to ``target``
    (xlsx, docx, pdf), in a temporary directory with its own profile, within ``timeout`` seconds."""
    import os
    import subprocess
    import tempfile

    from .doc import soffice

    exe = soffice()
    if exe is None:
        raise ReaderError("missing_dependency", path, f"LibreOffice is not installed: {hint}")
    with tempfile.TemporaryDirectory(prefix="taskdb-sheet-") as tmp:
        src = Path(tmp) / f"in{suffix}"
        src.write_bytes(data)
        profile = Path(tmp) / "profile"
        cmd = [exe, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", target,
               "--outdir", tmp, str(src)]
        try:
            subprocess.run(cmd, capture_output=True, timeout=timeout, check=False, env={**os.environ, "HOME": tmp})
        except subprocess.TimeoutExpired as e:
            raise ReaderError("corrupt_file", path, f"LibreOffice did not convert the file within {timeout:g} s") from e
        out = Path(tmp) / f"in.{target.split(':')[0]}"
        if not out.exists():
            raise ReaderError("corrupt_file", path, f"LibreOffice could not convert the file to {target} "
                              f"(damaged, or LibreOffice lacks the part that reads it: {hint})")
        return out.read_bytes()


# ----------------------------------------------------------------------------- the reader


def read(path: Path, data: bytes, *, max_bytes: int, **_: object):
    """Read a workbook (.xlsx / .xlsm, .xls, .et) into blocks: see the module docstring."""
    meta: dict = {}
    if data[:4] == b"PK\x03\x04" or data[:4] == b"PK\x05\x06":
        sheets, meta = read_xlsx(path, data, max_bytes)
    elif data[:8] == OLE_MAGIC:
        if ole_kind(data) == "encrypted":
            raise ReaderError("encrypted", path, "the workbook is password-protected (an encrypted Office "
                              "container): save a copy without the password")
        try:
            sheets, meta = read_xls(path, data)
        except ReaderError:
            raise
        except Exception as first:  # noqa: BLE001 - a WPS .et that xlrd does not parse: LibreOffice reads it
            try:
                converted = convert(path, data, path.suffix.lower() or ".xls", "xlsx")
            except ReaderError as e:
                if e.code == "missing_dependency" and path.suffix.lower() != ".et":
                    raise ReaderError("corrupt_file", path, f"xlrd cannot read it ({type(first).__name__}: "
                                      f"{first}), and LibreOffice, which might, is not installed") from first
                raise
            sheets, meta = read_xlsx(path, converted, max_bytes)
            meta["converted_by"] = "libreoffice"
    else:
        raise ReaderError("corrupt_file", path, "not a workbook: neither a zip (.xlsx) nor an OLE file (.xls, .et)")
    try:
        pieces, counts = pieces_of(sheets)
    except SheetTooLarge as e:
        raise ReaderError("too_large", path, str(e)) from e
    raw, blocks = assemble(pieces)
    return raw, blocks, {**counts, **meta}
