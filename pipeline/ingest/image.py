"""Images (.png, .jpg/.jpeg, .tif/.tiff: scans and phone photos of pages) read through OCR (:mod:`.ocr`).

Every frame of a multi-page TIFF is a page. A photo's EXIF orientation is applied
before OCR. The lines are joined into paragraphs by the PDF reader's joining;
``meta["ocr"]`` says which pages were OCR'd and how sure the recogniser was.
With ``--ocr off`` an image is refused as ``unsupported_format`` (as before OCR
existed); without the OCR extra it is ``no_text_layer`` with the command that
installs it.
"""

from __future__ import annotations

import io
from pathlib import Path

from ..errors import ReaderError
from . import assemble
from . import ocr as _ocr

#: pixels above which an image is refused as ``too_large`` (a 600-dpi A3 page is about 70 M)
MAX_PIXELS = 120_000_000
#: the resolution assumed when the file does not state one
DEFAULT_DPI = 200.0


def _dpi(img) -> float:
    dpi = img.info.get("dpi")
    try:
        d = float(dpi[0]) if dpi else 0.0
    except (TypeError, ValueError, IndexError):
        d = 0.0
    return d if 50 <= d <= 2400 else DEFAULT_DPI


def read(path: Path, data: bytes, *, ocr: str | None = None, ocr_page=None, **_: object):
    from PIL import Image, ImageOps, UnidentifiedImageError

    what = {"PNG": "a PNG image", "JPEG": "a JPEG image", "TIFF": "a TIFF image"}
    m = _ocr.mode(ocr)
    try:
        img = Image.open(io.BytesIO(data))
        kind = what.get(img.format or "", f"a {img.format} image")
    except UnidentifiedImageError as e:
        raise ReaderError("corrupt_file", path, f"the image cannot be decoded: {e}") from e
    if m == "off":
        raise ReaderError("unsupported_format", path,
                          f"the file is {kind}, not a document, and OCR is off (--ocr auto reads it)")
    if not _ocr.available():
        raise ReaderError("no_text_layer", path, f"the file is {kind}, which has no text layer; {_ocr.INSTALL_HINT}")
    nframes = getattr(img, "n_frames", 1) or 1
    results, heights = {}, []
    old_max = Image.MAX_IMAGE_PIXELS
    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    try:
        for i in range(nframes):
            img.seek(i)
            if img.width * img.height > MAX_PIXELS:
                raise ReaderError("too_large", path, f"page {i + 1} is {img.width}×{img.height} pixels, "
                                                     f"above the limit of {MAX_PIXELS:,}")
            frame = ImageOps.exif_transpose(img) or img
            frame = frame.convert("RGB") if frame.mode not in ("RGB", "L") else frame
            scale = 72.0 / _dpi(img)
            heights.append(frame.height * scale)
            try:
                results[i + 1] = _ocr.ocr_page(frame, i + 1, scale, ocr_page)
            except _ocr.OcrUnavailable as e:
                raise ReaderError("no_text_layer", path, f"the file is {kind}: {e}") from e
    except (Image.DecompressionBombError, OSError) as e:
        raise ReaderError("corrupt_file" if isinstance(e, OSError) else "too_large", path,
                          f"the image cannot be decoded: {e}") from e
    finally:
        Image.MAX_IMAGE_PIXELS = old_max
    from .pdf import join_pages

    pages = [results[p].lines for p in sorted(results)]
    pieces = join_pages(pages, heights)
    if not any(t.strip() for t, _ in pieces):
        raise ReaderError("empty", path, f"the file is {kind} and OCR found no text in it")
    raw, blocks = assemble(pieces)
    return raw, blocks, {"pages": nframes, "ocr": _ocr.summary(results)}
