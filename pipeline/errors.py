"""The named errors of SPEC §2.

Bad input raises :class:`ReaderError` with one of :data:`CODES`; the message
names the file and the cause (and the remedy where there is one). Bugs are
other exceptions: the batch runner reports them as ``internal_error``.
"""

from __future__ import annotations

from .safe_text import name_text

#: every code a file can be refused with, and what it means (the table of SPEC §2 and the README)
MEANINGS: dict[str, str] = {
    "not_found": "no such file, a symbolic link to a missing file, or a file the process may not read",
    "unsupported_format": "not a format taskdb reads (an image, a zip, RTF, an unknown extension), or a directory",
    "corrupt_file": "a known format whose bytes are damaged (a truncated PDF, a docx that is not a zip, "
                    "XML a parser refuses such as an entity-expansion bomb)",
    "encrypted": "a password-protected PDF, or an Office file saved with a password (.docx / .xlsx in an "
                 "encrypted container, an encrypted .xls)",
    "no_text_layer": "a PDF of scanned images (or an image file) that could not be OCR'd: OCR is off (--ocr off) "
                     "or not installed (pip install 'taskdb[ocr]'), as the message says",
    "empty": "no bytes, only whitespace, or a document that holds no text",
    "too_large": "above the size limit, counted on the bytes actually read (a file that grows, a docx that "
                 "would inflate past it), too deeply nested to parse, or taking more memory than its ceiling "
                 "(4000 MB per document by default, TASKDB_MEMORY_LIMIT=MB; 0 turns it off)",
    "undecodable": "bytes that no text encoding turns into text",
    "missing_dependency": "a .doc / .wps / .dps with no LibreOffice installed (a WPS .et that xlrd cannot read, "
                          "with no LibreOffice Calc); the message says how to install it",
    "too_complex": "not finished within its time budget of CPU time (5 s + 20 s per MB by default, --time-budget or TASKDB_TIME_BUDGET=BASE+PER_MB; "
                   "0 turns it off): a runaway document is stopped by name and the batch goes on",
    "not_a_regular_file": "a FIFO, device or socket (or a symlink to one): refused before it is opened, "
                          "so it never blocks a batch",
    "outside_folder": "a symbolic link in an ingested folder whose target is outside that folder: refused "
                      "unless ingest runs with --follow-symlinks",
}

CODES = tuple(MEANINGS)


class PipelineError(Exception):
    """Base of every error the pipeline raises on purpose."""


class ReaderError(PipelineError):
    """A file that cannot be read; ``code`` is one of :data:`CODES`."""

    def __init__(self, code: str, path: str, message: str):
        if code not in CODES:
            raise ValueError(f"unknown error code {code!r}; expected one of {CODES}")
        self.code = code
        self.path = str(path)
        # the message is printed and stored: a name with bytes that are not UTF-8 is written with \\xNN escapes
        self.message = f"{name_text(path)}: {name_text(message)}"
        super().__init__(self.message)


class StageError(PipelineError):
    """A stage failed on a document it was given (a bug, or input it cannot handle)."""

    def __init__(self, stage: str, source: str, cause: BaseException):
        self.stage = stage
        self.source = source
        super().__init__(f"{source}: stage {stage!r} failed: {type(cause).__name__}: {cause}")
