"""Readers, registered per format, and the one entry point :func:`read`.

A reader turns the bytes of one file into ``(raw_text, blocks, meta)``; this
module decides which reader runs, from the file's magic bytes first and its
extension second (a file whose extension lies is read by what it is), and
turns every failure into a named :class:`~pipeline.errors.ReaderError`.
Only regular files are opened, and never more than ``max_bytes`` of them are
read (:mod:`pipeline.ingest.files`); the text a reader returns is scrubbed of
lone surrogates and its ``source`` is the file name as valid Unicode
(:mod:`pipeline.safe_text`). Heavy parsers are imported inside the readers, so
``import pipeline`` stays light.
"""

from __future__ import annotations

import hashlib
import importlib
import logging
from dataclasses import dataclass, replace
from pathlib import Path

from ..errors import ReaderError
from ..model import Block, Document, Flag
from ..safe_text import has_surrogates, name_text, scrub
from .files import read_regular

_log = logging.getLogger(__name__)

#: bytes above which a file (or a docx's inflated content) is refused as ``too_large``
MAX_BYTES = 200 * 1024 * 1024


@dataclass(frozen=True)
class ReaderSpec:
    format: str
    extensions: tuple[str, ...]
    module: str  # pipeline.ingest.<module> defines read(path, data) -> (raw_text, blocks, meta)
    name: str


READERS: dict[str, ReaderSpec] = {
    spec.format: spec
    for spec in (
        ReaderSpec("txt", (".txt", ".text", ".md"), "txt", "reader.txt.v1"),
        ReaderSpec("docx", (".docx",), "docx", "reader.docx.v1"),
        ReaderSpec("pdf", (".pdf",), "pdf", "reader.pdf.v1"),
        ReaderSpec("html", (".html", ".htm", ".xhtml", ".shtml"), "html", "reader.html.v1"),
        ReaderSpec("doc", (".doc", ".wps"), "doc", "reader.doc.v1"),  # .wps: WPS Writer, read like .doc
        ReaderSpec("xlsx", (".xlsx", ".xlsm"), "sheet", "reader.xlsx.v1"),
        ReaderSpec("xls", (".xls", ".et"), "sheet", "reader.xls.v1"),  # .et: WPS Spreadsheets
        ReaderSpec("dps", (".dps", ".ppt"), "dps", "reader.dps.v1"),  # WPS Presentation / PowerPoint 97
        ReaderSpec("ofd", (".ofd",), "ofd", "reader.ofd.v1"),
        ReaderSpec("image", (".png", ".jpg", ".jpeg", ".tif", ".tiff"), "image", "reader.image.ocr.v1"),
    )
}

EXTENSION_TO_FORMAT = {ext: spec.format for spec in READERS.values() for ext in spec.extensions}
SUPPORTED = ", ".join(sorted(EXTENSION_TO_FORMAT))

_IMAGES = {b"\x89PNG": "a PNG image", b"\xff\xd8\xff": "a JPEG image", b"GIF8": "a GIF image",
           b"II*\x00": "a TIFF image", b"MM\x00*": "a TIFF image"}

_OCR_IMAGES = {"image:a PNG image", "image:a JPEG image", "image:a TIFF image"}


def _zip_kind(data: bytes) -> str:
    """docx, xlsx or ofd by the parts the zip's directory lists; ``"zip"`` for another zip, ``"badzip"`` for a
    damaged one whose first entries do not name a Word or Excel part."""
    import io
    import zipfile

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = set(zf.namelist())
    except Exception:  # noqa: BLE001 - a damaged directory: the local headers may still say what it was
        window = data[:65536]
        if b"OFD.xml" in window and b"word/" not in window:  # an OFD package (GB/T 33190)
            return "ofd"
        return "docx" if b"word/" in window else "xlsx" if b"xl/" in window else "badzip"
    if "OFD.xml" in names and "word/document.xml" not in names:
        return "ofd"
    if "word/document.xml" in names:
        return "docx"
    if "xl/workbook.xml" in names:
        return "xlsx"
    return "zip"


def sniff(data: bytes) -> str | None:
    """The format the bytes themselves declare, or None for plain text / unknown.

    Returns a reader format, ``"encrypted"`` for a password-protected Office file (an OLE container
    holding an encrypted package), or ``"image:<what>"`` / ``"zip"`` / ``"badzip"`` for known formats
    no reader handles.
    """
    head = data[:2048]
    if b"%PDF-" in head[:1024]:
        return "pdf"
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return _zip_kind(data)
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        from .sheet import ole_kind  # olefile, only for OLE bytes

        return {"xls": "xls", "encrypted": "encrypted", "ppt": "dps"}.get(ole_kind(data) or "", "doc")
    for magic, what in _IMAGES.items():
        if head.startswith(magic):
            return "image:" + what
    low = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if low.startswith((b"<!doctype html", b"<html")) or (low.startswith(b"<") and b"<body" in head.lower()):
        return "html"
    if low.startswith(b"{\\rtf"):
        return "rtf"
    return None


def detect_format(path: Path, data: bytes) -> str:
    """Pick the reader for a file: magic bytes first, then the extension."""
    ext = path.suffix.lower()
    by_ext = EXTENSION_TO_FORMAT.get(ext)
    sniffed = sniff(data)
    if sniffed == "doc" and by_ext in ("xls", "dps"):
        from .sheet import ole_kind

        if ole_kind(data) is None:  # an OLE file whose directory is damaged: its extension says what it was
            return by_ext
    if sniffed in _OCR_IMAGES:  # a scan or a photo of a page: read through OCR (pipeline/ingest/image.py)
        sniffed = "image"
    if sniffed in READERS:
        if by_ext and by_ext != sniffed:
            _log.info("%s: extension says %s but the bytes are %s; reading as %s", path, by_ext, sniffed, sniffed)
        return sniffed
    if sniffed and sniffed.startswith("image:"):
        raise ReaderError("unsupported_format", path,
                          f"the file is {sniffed[6:]}, not a document (supported: {SUPPORTED}); "
                          "run OCR first if it is a scan")
    if sniffed in ("zip", "badzip") and by_ext == "ofd":  # a zip named .ofd: its reader says what is missing
        return "ofd"
    if sniffed == "encrypted":
        raise ReaderError("encrypted", path, "the file is password-protected (an encrypted Office file): "
                          "save a copy without the password")
    if sniffed in ("zip", "badzip") and by_ext in ("docx", "xlsx"):
        raise ReaderError("corrupt_file", path, f"the extension says {by_ext} but the bytes are "
                          + ("a damaged zip" if sniffed == "badzip" else f"a zip archive that holds no {by_ext} parts"))
    if sniffed in ("zip", "badzip"):
        raise ReaderError("unsupported_format", path,
                          f"the file is a zip archive but not a Word or Excel document (supported: {SUPPORTED})")
    if sniffed == "rtf":
        raise ReaderError("unsupported_format", path, f"the file is RTF (supported: {SUPPORTED}); save it as .docx")
    if by_ext in ("pdf", "docx", "doc", "xlsx", "xls", "dps", "ofd"):
        raise ReaderError("corrupt_file", path,
                          f"the extension says {by_ext} but the bytes are not a {by_ext} file (damaged or mislabelled)")
    if by_ext in ("txt", "html"):
        return by_ext
    raise ReaderError("unsupported_format", path, f"unsupported extension {ext or '(none)'!r}; supported: {SUPPORTED}")


def assemble(pieces: list[tuple[str, dict]]) -> tuple[str, tuple[Block, ...]]:
    """Join block texts with newlines into ``raw_text`` and give each its offsets.

    ``pieces`` are ``(text, attrs)``, attrs being Block fields (kind, page, index).
    """
    parts, blocks, pos = [], [], 0
    for i, (text, attrs) in enumerate(pieces):
        if i:
            parts.append("\n")
            pos += 1
        parts.append(text)
        blocks.append(Block(text=text, start=pos, end=pos + len(text), **{"index": i, **attrs}))
        pos += len(text)
    return "".join(parts), tuple(blocks)


def read(path: str | Path, *, max_bytes: int = MAX_BYTES, ocr: str | None = None, ocr_page=None) -> Document:
    """Read one file into a :class:`Document` (raw text and blocks, not yet cleaned).

    ``ocr`` is the OCR mode for scanned PDF pages and images (``auto``, ``off``, ``force``; None:
    ``TASKDB_OCR``, else ``auto``); ``ocr_page`` is called before each page is OCR'd (the time budget's
    allowance). Pages read by OCR are named in ``meta["ocr"]`` and by an ``ocr`` flag.

    Raises:
        ReaderError: with the SPEC §2 code naming the cause.

    Example:
        >>> doc = read("corpora/samples/004_292e0180c7549e92.txt")  # doctest: +SKIP
        >>> doc.format
        'txt'
    """
    from .ocr import mode as ocr_mode

    ocr = ocr_mode(ocr)  # a bad mode is the caller's ValueError, before the file is opened
    path = Path(path)
    data = read_regular(path, max_bytes)
    if not data.strip():
        raise ReaderError("empty", path, "the file is empty" if not data else "the file holds only whitespace")
    fmt = detect_format(path, data)
    spec = READERS[fmt]
    module = importlib.import_module(f"{__name__}.{spec.module}")
    try:
        raw_text, blocks, meta = module.read(path, data, max_bytes=max_bytes, ocr=ocr, ocr_page=ocr_page)
    except ReaderError:
        raise
    except MemoryError as e:
        raise ReaderError("too_large", path, "not enough memory to read the file") from e
    except Exception as e:  # a parser's own exception: the file is damaged
        _log.debug("reader %s failed on %s", spec.name, path, exc_info=True)
        raise ReaderError("corrupt_file", path, f"{fmt} parser failed: {type(e).__name__}: {e}") from e
    if not raw_text.strip():
        raise ReaderError("empty", path, f"the {fmt} file holds no text")
    if has_surrogates(raw_text):  # a parser let one through (a PDF's ToUnicode map): no encoder takes them
        raw_text = scrub(raw_text)
        blocks = tuple(replace(b, text=scrub(b.text)) for b in blocks)
    if meta.get("html_title"):
        meta["html_title"] = scrub(meta["html_title"])
    flags = tuple(meta.pop("flags", ()))  # what a reader did to the text (a whole-text mojibake repair)
    return Document(
        source=name_text(path),
        sha256=hashlib.sha256(data).hexdigest(),
        format=fmt,
        raw_text=raw_text,
        blocks=blocks,
        meta={"reader": spec.name, **meta},
        flags=flags + _ocr_flags(meta),
    )


def _ocr_flags(meta: dict) -> tuple[Flag, ...]:
    """An ``ocr`` flag when pages were read by OCR (their figures are worth checking against the scan), and a
    ``pages_without_text`` flag when pages without a text layer could not be read."""
    flags = []
    o = meta.get("ocr")
    if o:
        pages = ", ".join(str(p) for p in o["pages"])
        conf = o.get("mean_confidence")
        low = len(o.get("low_confidence_lines") or ())
        flags.append(Flag("ocr", f"page(s) {pages} of {meta.get('pages', '?')} read by OCR ({o['engine']}, mean "
                                 f"confidence {conf if conf is not None else 'n/a'}"
                                 + (f", {low} line(s) below {_low()}" if low else "")
                                 + "): check figures and names against the scan"))
    if meta.get("pages_without_text"):
        pages = ", ".join(str(p) for p in meta["pages_without_text"])
        flags.append(Flag("pages_without_text", f"page(s) {pages} have no text layer and were not read"
                                                + (f": {meta['ocr_unavailable']}" if meta.get("ocr_unavailable")
                                                   else " (--ocr off)")))
    return tuple(flags)


def _low() -> float:
    from .ocr import LOW_CONFIDENCE

    return LOW_CONFIDENCE


def from_text(text: str, source: str = "<text>") -> Document:
    """A read Document from text held in memory, as the .txt reader makes one from a file.

    For callers that have a ``str`` rather than a file: lone surrogates (which
    no encoder, OpenCC's included, accepts) are replaced with U+FFFD and line
    breaks are normalised, so every stage can take the result.

    Example:
        >>> from pipeline.clean import clean
        >>> clean(from_text("区应急管理局\\ud800牵头")).text  # doctest: +SKIP
        '区应急管理局\\ufffd牵头'
    """
    text = scrub(text).replace("\r\n", "\n").replace("\r", "\n")
    raw, blocks = assemble([(line, {"kind": "paragraph", "page": None}) for line in text.split("\n")])
    return Document(source=name_text(source), sha256=hashlib.sha256(raw.encode("utf-8")).hexdigest(), format="txt",
                    raw_text=raw, blocks=blocks, meta={"reader": "reader.text.v1"})
