"""WPS Presentation .dps (and PowerPoint .ppt): converted to PDF by LibreOffice Impress headless, then read
as a PDF (one page per slide, a slide's text boxes in reading order, tables by their grid)."""

from __future__ import annotations

from pathlib import Path

from . import pdf as pdf_reader
from .sheet import convert

INSTALL_HINT = ("install LibreOffice Impress to read WPS presentations: `apt-get install libreoffice-impress-nogui` "
                "(Debian/Ubuntu) or `brew install --cask libreoffice` (macOS), or save the file as .pdf")


def read(path: Path, data: bytes, *, max_bytes: int, **_: object):
    converted = convert(path, data, path.suffix.lower() if path.suffix.lower() in (".dps", ".ppt") else ".ppt",
                        "pdf", hint=INSTALL_HINT)
    raw, blocks, meta = pdf_reader.read(path, converted, max_bytes=max_bytes)
    return raw, blocks, {**meta, "converted_by": "libreoffice", "slides": meta.get("pages")}
