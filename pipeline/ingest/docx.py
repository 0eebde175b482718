"""Word .docx with python-docx: body order, tables as rows, Word numbering restored.

Headers and footers are never read (they are not in the body). List numbers that
Word generates (``w:numPr`` on the paragraph or on its style, with the formats of
``numbering.xml``) are written back in front of the text as the reader of the
printed page sees them (一、 (一) 1.), since headings and items depend on them.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from ..errors import ReaderError
from . import assemble

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_CN = "零一二三四五六七八九"
_TIANGAN = "甲乙丙丁戊己庚辛壬癸"


def check_zip(path: Path, data: bytes, max_bytes: int, *, required: str | None = "word/document.xml",
              what: str = "a Word document") -> None:
    """Refuse damaged zips and zip bombs from the sizes in the central directory, before inflating.

    ``required`` is the part the package must hold to be ``what`` (None: the caller checks); the .xlsx and
    OFD readers reuse the checks.
    """
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError, EOFError) as e:
        raise ReaderError("corrupt_file", path, f"{what} that cannot be read: a damaged zip ({e})") from e
    with zf:
        infos = zf.infolist()
        total = sum(i.file_size for i in infos)
        if total > max_bytes:
            raise ReaderError("too_large", path,
                              f"would inflate to {total} bytes (limit {max_bytes}): refused before inflating")
        packed = sum(i.compress_size for i in infos) or 1
        if total > 50 * 1024 * 1024 and total / packed > 100:
            raise ReaderError("too_large", path, f"compression ratio {total // packed}:1 looks like a zip bomb")
        names = {i.filename for i in infos}
        if required and required not in names:
            raise ReaderError("corrupt_file", path, f"a zip file without {required} is not {what}")


def chinese_number(n: int) -> str:
    if n <= 0:
        return str(n)
    if n < 10:
        return _CN[n]
    if n < 100:
        tens, ones = divmod(n, 10)
        return ("" if tens == 1 else _CN[tens]) + "十" + (_CN[ones] if ones else "")
    hundreds, rest = divmod(n, 100)
    tail = "" if rest == 0 else ("零" + _CN[rest] if rest < 10 else chinese_number(rest) if rest >= 20 else "一" + chinese_number(rest))
    return _CN[hundreds] + "百" + tail


def _roman(n: int) -> str:
    vals = [(1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"), (50, "l"), (40, "xl"),
            (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")]
    out = ""
    for v, s in vals:
        while n >= v:
            out += s
            n -= v
    return out


def format_number(n: int, fmt: str) -> str:
    """One counter in one of Word's ``w:numFmt`` formats."""
    if fmt in ("chineseCounting", "chineseCountingThousand", "chineseLegalSimplified", "taiwaneseCounting",
               "taiwaneseCountingThousand", "ideographDigital"):
        return chinese_number(n)
    if fmt == "ideographTraditional":
        return _TIANGAN[(n - 1) % 10]
    if fmt == "decimalEnclosedCircle" or fmt == "decimalEnclosedCircleChinese":
        return chr(0x2460 + n - 1) if 1 <= n <= 20 else str(n)
    if fmt == "decimalEnclosedParen":
        return f"({n})"
    if fmt == "decimalFullWidth":
        return "".join(chr(ord(c) + 0xFEE0) for c in str(n))
    if fmt == "upperLetter":
        return chr(ord("A") + (n - 1) % 26)
    if fmt == "lowerLetter":
        return chr(ord("a") + (n - 1) % 26)
    if fmt == "upperRoman":
        return _roman(n).upper()
    if fmt == "lowerRoman":
        return _roman(n)
    if fmt == "decimalZero":
        return f"{n:02d}"
    if fmt in ("none", "bullet"):
        return ""
    return str(n)


class Numbering:
    """Word's list numbering: ``numbering.xml`` definitions and running counters."""

    def __init__(self, doc):
        self.levels: dict[str, dict[int, dict]] = {}  # abstractNumId -> ilvl -> {start, fmt, text}
        self.nums: dict[str, tuple[str, dict[int, int]]] = {}  # numId -> (abstractNumId, startOverrides)
        self.style_numpr: dict[str, tuple[str | None, int | None]] = {}
        self.counters: dict[str, list[int | None]] = {}
        self.started: set[tuple[str, int]] = set()
        try:
            root = doc.part.numbering_part.element
        except (NotImplementedError, KeyError, AttributeError):
            root = None
        if root is not None:
            for an in root.iter(W + "abstractNum"):
                aid = an.get(W + "abstractNumId")
                self.levels[aid] = {int(lvl.get(W + "ilvl")): self._level(lvl) for lvl in an.iter(W + "lvl")}
            for num in root.iter(W + "num"):
                ref = num.find(W + "abstractNumId")
                overrides = {}
                for ov in num.iter(W + "lvlOverride"):
                    so = ov.find(W + "startOverride")
                    if so is not None:
                        overrides[int(ov.get(W + "ilvl"))] = int(so.get(W + "val"))
                    lvl = ov.find(W + "lvl")
                    if lvl is not None and ref is not None:
                        self.levels.setdefault(ref.get(W + "val"), {})[int(ov.get(W + "ilvl"))] = self._level(lvl)
                if ref is not None:
                    self.nums[num.get(W + "numId")] = (ref.get(W + "val"), overrides)
        # numbering set by paragraph styles (with basedOn inheritance)
        styles = {}
        for st in doc.styles.element.iter(W + "style"):
            sid = st.get(W + "styleId")
            ppr = st.find(W + "pPr")
            numpr = ppr.find(W + "numPr") if ppr is not None else None
            based = st.find(W + "basedOn")
            styles[sid] = (self._numpr(numpr) if numpr is not None else None,
                           based.get(W + "val") if based is not None else None)
        for sid in styles:
            seen, cur = set(), sid
            while cur and cur not in seen and cur in styles:
                seen.add(cur)
                numpr, based = styles[cur]
                if numpr is not None:
                    self.style_numpr[sid] = numpr
                    break
                cur = based

    @staticmethod
    def _level(lvl) -> dict:
        def val(tag, default):
            el = lvl.find(W + tag)
            return el.get(W + "val") if el is not None and el.get(W + "val") is not None else default

        return {"start": int(val("start", "1")), "fmt": val("numFmt", "decimal"), "text": val("lvlText", "")}

    @staticmethod
    def _numpr(numpr) -> tuple[str | None, int | None]:
        nid = numpr.find(W + "numId")
        ilvl = numpr.find(W + "ilvl")
        return (nid.get(W + "val") if nid is not None else None,
                int(ilvl.get(W + "val")) if ilvl is not None else None)

    def label(self, p) -> str:
        """The number Word prints before paragraph element ``p`` ("" for none), advancing the counters."""
        ppr = p.find(W + "pPr")
        num_id, ilvl = None, None
        style_id = None
        if ppr is not None:
            numpr = ppr.find(W + "numPr")
            if numpr is not None:
                num_id, ilvl = self._numpr(numpr)
            ps = ppr.find(W + "pStyle")
            style_id = ps.get(W + "val") if ps is not None else None
        if num_id is None and style_id in self.style_numpr:
            s_num, s_lvl = self.style_numpr[style_id]
            num_id = s_num
            ilvl = s_lvl if ilvl is None else ilvl
        if not num_id or num_id == "0" or num_id not in self.nums:
            return ""
        ilvl = ilvl or 0
        aid, overrides = self.nums[num_id]
        levels = self.levels.get(aid, {})
        counters = self.counters.setdefault(aid, [None] * 9)
        if ilvl in overrides and (num_id, ilvl) not in self.started:
            counters[ilvl] = overrides[ilvl] - 1
        self.started.add((num_id, ilvl))
        lvl = levels.get(ilvl, {"start": 1, "fmt": "decimal", "text": f"%{ilvl + 1}."})
        counters[ilvl] = lvl["start"] if counters[ilvl] is None else counters[ilvl] + 1
        for deeper in range(ilvl + 1, 9):
            counters[deeper] = None
        if lvl["fmt"] == "bullet":
            return ""
        text = lvl["text"]
        for k in range(9):
            token = f"%{k + 1}"
            if token in text:
                c = counters[k] if counters[k] is not None else levels.get(k, {"start": 1})["start"]
                text = text.replace(token, format_number(c, levels.get(k, {"fmt": "decimal"})["fmt"]))
        return text


def _para_text(p) -> str:
    """The visible text of a ``w:p``: runs, tabs and breaks, deleted text left out."""
    out = []
    for el in p.iter():
        tag = el.tag
        if tag == W + "t":
            out.append(el.text or "")
            # an entity reference left unresolved (entities are never expanded) is a child node: the text
            # after it is that node's tail, and is kept
            out.extend(child.tail or "" for child in el)
        elif tag == W + "tab":
            out.append("\t")
        elif tag in (W + "br", W + "cr"):
            out.append("\n")
        elif tag == W + "noBreakHyphen":
            out.append("-")
    return "".join(out)


def _iter_body(parent):
    for child in parent.iterchildren():
        if child.tag in (W + "p", W + "tbl"):
            yield child
        elif child.tag == W + "sdt":
            content = child.find(W + "sdtContent")
            if content is not None:
                yield from _iter_body(content)


def _row_cells(tr) -> list[str]:
    cells = []
    for tc in tr.iterchildren(W + "tc"):
        paras = [(_para_text(p)).strip() for p in tc.iter(W + "p")]
        cells.append("".join(t for t in paras if t))
    return cells


def read(path: Path, data: bytes, *, max_bytes: int, **_: object):
    check_zip(path, data, max_bytes)
    import docx  # python-docx, imported here so that `import pipeline` stays light

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as e:
        raise ReaderError("corrupt_file", path, f"python-docx cannot open it: {type(e).__name__}: {e}") from e
    numbering = Numbering(document)
    pieces = []
    for el in _iter_body(document.element.body):
        if el.tag == W + "p":
            text = _para_text(el)
            if not text.strip():
                continue
            pieces.append((numbering.label(el) + text, {"kind": "paragraph"}))
        else:
            for tr in el.iter(W + "tr"):
                cells = [c for c in _row_cells(tr)]
                if any(cells):
                    pieces.append((" | ".join(cells), {"kind": "table_row"}))
    raw, blocks = assemble(pieces)
    return raw, blocks, {"paragraphs": sum(b.kind == "paragraph" for b in blocks),
                         "table_rows": sum(b.kind == "table_row" for b in blocks)}
