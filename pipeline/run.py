"""The stage runner: a file through read → clean → structure → extract → normalise.

The layer every caller of the pipeline stands on (the API, the store's ingest,
training and evaluation); it imports the stages and nothing above them.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from .errors import PipelineError, ReaderError, StageError
from .model import Document

_log = logging.getLogger(__name__)

#: CPU seconds of time budget added for each page read by OCR (a page takes 2–15 s on one loaded core)
OCR_SECONDS_PER_PAGE = 60.0


def _stages() -> list[tuple[str, Callable[[Document], Document]]]:
    from .clean import clean
    from .extraction import extract_items
    from .normalise import normalise
    from .structure import structure

    return [("clean", clean), ("structure", structure), ("extract", extract_items), ("normalise", normalise)]


def pipe_names() -> list[str]:
    return ["read"] + [name for name, _ in _stages()]


def extract(path: str | Path, *, until: str | None = None, disable: Iterable[str] = (),
            time_budget: str | None = None, ocr: str | None = None) -> Document:
    """Read one file and run it through the stages (read → clean → structure → extract).

    Args:
        path: the file.
        until: stop after this stage (``"read"``, ``"clean"``, ``"structure"``, ``"extract"``).
        disable: stages to skip.
        time_budget: CPU seconds allowed, ``"BASE+PER_MB"`` (``"0"``: no limit); None: ``TASKDB_TIME_BUDGET``,
            else 5+20. Each page read by OCR adds :data:`OCR_SECONDS_PER_PAGE` to it.
        ocr: ``"auto"`` (OCR the pages without a text layer, and images), ``"off"`` or ``"force"`` (every page);
            None: ``TASKDB_OCR``, else auto.

    Raises:
        ReaderError: the file cannot be read (its ``code`` names the cause, SPEC §2; ``too_complex`` when the
            document used up its time budget).
        StageError: a stage failed on this document.
        ValueError: ``until``, ``time_budget`` or ``ocr`` is not valid.
    """
    from .ingest import read
    from .ingest.ocr import mode as ocr_mode

    names = pipe_names()
    if until is not None and until not in names:
        raise ValueError(f"The 'until' option must be one of {names}. Got {until!r} instead.")
    from .watchdog import budget_setting, watch

    setting = budget_setting(time_budget)  # None: from the environment
    ocr = ocr_mode(ocr)
    with watch(str(path), _size(path), setting) as w:  # a document past its time budget raises TooComplex (too_complex)

        def ocr_page() -> None:  # OCR costs CPU by the page, not by the byte: each page gets its allowance
            if w.seconds is not None:
                w.seconds += OCR_SECONDS_PER_PAGE

        doc = read(path, ocr=ocr, ocr_page=ocr_page)
        w.extend_to(len(doc.raw_text.encode("utf-8", "surrogatepass")))
        if until == "read":
            return doc
        return _run_stages(doc, path, until, set(disable), w)


def _size(path: str | Path) -> int:
    try:
        return Path(path).stat().st_size
    except (OSError, ValueError):
        return 0


def _run_stages(doc: Document, path: str | Path, until: str | None, skip: set[str], w) -> Document:
    for name, stage in _stages():
        if name in skip:
            continue
        w.stage = name
        try:
            out = stage(doc)
        except PipelineError:
            raise
        except Exception as e:  # a bug: name the stage and the document
            raise StageError(name, str(path), e) from e
        if not isinstance(out, Document):
            raise StageError(name, str(path), TypeError(f"stage returned {type(out).__name__}, not Document"))
        doc = out
        if name == until:
            break
    return doc


@dataclass(frozen=True)
class Result:
    """One input of a batch: its Document, or the error that stopped it."""

    source: str
    document: Document | None = None
    code: str | None = None
    message: str | None = None

    @property
    def ok(self) -> bool:
        return self.document is not None

    def to_record(self) -> dict:
        if self.document is not None:
            return self.document.to_record()
        return {"source": self.source, "error": {"code": self.code, "message": self.message}}


def extract_many(paths: Iterable[str | Path], *, until: str | None = None,
                 time_budget: str | None = None, ocr: str | None = None) -> Iterator[Result]:
    """Extract every file in order; a bad file gives an error Result and the batch goes on (``time_budget``: see
    :func:`extract`; a document past it gives a ``too_complex`` Result; ``ocr``: see :func:`extract`)."""
    if time_budget is not None:
        from .watchdog import budget_setting

        budget_setting(time_budget)  # a bad setting is the caller's error, before any file
    if ocr is not None:
        from .ingest.ocr import mode as ocr_mode

        ocr_mode(ocr)
    for p in paths:
        try:
            yield Result(str(p), document=extract(p, until=until, time_budget=time_budget, ocr=ocr))
        except ReaderError as e:
            yield Result(str(p), code=e.code, message=e.message)
        except StageError as e:
            _log.debug("stage error", exc_info=True)
            yield Result(str(p), code="internal_error", message=str(e))
        except RecursionError as e:
            yield Result(str(p), code="too_large", message=f"{p}: too deeply nested to read ({e})")
