"""The named errors of SPEC §2.

Bad input raises :class:`ReaderError` with one of :data:`CODES`; the message
names the file and the cause (and the remedy where there is one). Bugs are
other exceptions: the batch runner reports them as ``internal_error``.
"""

from __future__ import annotations

from .safe_text import name_text

CODES = (
    "not_found",
    "unsupported_format",
    "corrupt_file",
    "encrypted",
    "no_text_layer",
    "empty",
    "too_large",
    "undecodable",
    "missing_dependency",
    "not_a_regular_file",  # a FIFO, device, socket (or a symlink to one): never opened for reading
    "outside_folder",  # a symlink in an ingested folder that leads out of it (see --follow-symlinks)
)


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
