"""Legacy Word .doc: converted to .docx by LibreOffice headless, then read as .docx."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from ..errors import ReaderError
from . import docx as docx_reader

INSTALL_HINT = ("install LibreOffice to read legacy .doc files: `apt-get install libreoffice-writer-nogui` "
                "(Debian/Ubuntu) or `brew install --cask libreoffice` (macOS), or save the file as .docx")


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def read(path: Path, data: bytes, *, max_bytes: int, **_: object):
    exe = soffice()
    if exe is None:
        raise ReaderError("missing_dependency", path, f"LibreOffice is not installed: {INSTALL_HINT}")
    with tempfile.TemporaryDirectory(prefix="taskdb-doc-") as tmp:
        src = Path(tmp) / "in.doc"
        src.write_bytes(data)
        profile = Path(tmp) / "profile"
        cmd = [exe, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "docx",
               "--outdir", tmp, str(src)]
        try:
            subprocess.run(cmd, capture_output=True, timeout=180, check=False, env={**os.environ, "HOME": tmp})
        except subprocess.TimeoutExpired as e:
            raise ReaderError("corrupt_file", path, "LibreOffice did not convert the .doc within 180 s") from e
        out = Path(tmp) / "in.docx"
        if not out.exists():
            raise ReaderError("corrupt_file", path, "LibreOffice could not convert the .doc (damaged file?)")
        raw, blocks, meta = docx_reader.read(path, out.read_bytes(), max_bytes=max_bytes)
    return raw, blocks, {**meta, "converted_by": "libreoffice"}
