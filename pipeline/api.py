"""The Python API: what the CLI and notebooks call.

>>> from pipeline.api import extract
>>> doc = extract("corpora/samples/004_292e0180c7549e92.txt")  # doctest: +SKIP
>>> doc.doc_type, doc.year
('report', 2023)
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import PipelineError, ReaderError, StageError
from .model import Document

_log = logging.getLogger(__name__)


def _stages() -> list[tuple[str, Callable[[Document], Document]]]:
    from .clean import clean
    from .extract import extract_items
    from .normalise import normalise
    from .structure import structure

    return [("clean", clean), ("structure", structure), ("extract", extract_items), ("normalise", normalise)]


def pipe_names() -> list[str]:
    return ["read"] + [name for name, _ in _stages()]


def extract(path: str | Path, *, until: str | None = None, disable: Iterable[str] = ()) -> Document:
    """Read one file and run it through the stages (read → clean → structure → extract).

    Args:
        path: the file.
        until: stop after this stage (``"read"``, ``"clean"``, ``"structure"``, ``"extract"``).
        disable: stages to skip.

    Raises:
        ReaderError: the file cannot be read (its ``code`` names the cause, SPEC §2).
        StageError: a stage failed on this document.
    """
    from .ingest import read

    names = pipe_names()
    if until is not None and until not in names:
        raise ValueError(f"The 'until' option must be one of {names}. Got {until!r} instead.")
    doc = read(path)
    if until == "read":
        return doc
    skip = set(disable)
    for name, stage in _stages():
        if name in skip:
            continue
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


def extract_many(paths: Iterable[str | Path], *, until: str | None = None) -> Iterator[Result]:
    """Extract every file in order; a bad file gives an error Result and the batch goes on."""
    for p in paths:
        try:
            yield Result(str(p), document=extract(p, until=until))
        except ReaderError as e:
            yield Result(str(p), code=e.code, message=e.message)
        except StageError as e:
            _log.debug("stage error", exc_info=True)
            yield Result(str(p), code="internal_error", message=str(e))
        except RecursionError as e:
            yield Result(str(p), code="too_large", message=f"{p}: too deeply nested to read ({e})")


# -- the database (issue #4) -----------------------------------------------------------------------------------

if TYPE_CHECKING:  # pragma: no cover
    from .store.ingest import EventHook, IngestReport
    from .store.read import TaskDB


def open_db(url: str | Path = "taskdb.sqlite") -> TaskDB:
    """Open a database made by :func:`ingest` for reading, as pandas DataFrames.

    Args:
        url: a SQLite file path (the default ``taskdb.sqlite``) or a ``postgresql://user:pw@host/db`` URL.

    Returns:
        A :class:`~pipeline.store.read.TaskDB` whose methods return DataFrames: ``.documents()``,
        ``.sections()``, ``.tasks()``, ``.units()``, ``.unit_aliases()``, ``.task_units()``,
        ``.deadlines()``, ``.metrics()``, ``.flags()``, ``.errors()``, ``.runs()``, the flat view
        ``.tasks_flat(unit=, role=, due_before=, due_after=, domain=)`` and
        ``.metrics_summary(by="category" | "document" | "issuer" | "year")``.

    Raises:
        StoreError: no database there, or it cannot be opened.

    Example:
        >>> from pipeline.api import ingest, open_db
        >>> report = ingest(["corpora/"], "taskdb.sqlite")  # doctest: +SKIP
        >>> db = open_db("taskdb.sqlite")                   # doctest: +SKIP
        >>> db.tasks_flat(unit="区应急管理局", role="lead").shape  # doctest: +SKIP
        >>> db.metrics_summary(by="category").head()         # doctest: +SKIP
    """
    from .store.read import TaskDB

    return TaskDB(url)


def ingest(paths: Iterable[str | Path], url: str | Path = "taskdb.sqlite", *, jobs: int = 1,
           on_event: EventHook | None = None) -> IngestReport:
    """Read, extract and store files and folders into a database; what ``taskdb ingest`` runs.

    Folders are walked recursively for the supported extensions; a file named
    explicitly is always taken. Each document is stored in one transaction,
    keyed by the sha256 of its bytes: a file whose bytes are stored already is
    not parsed again (its path is recorded), and a changed file at a known path
    replaces that path's old document. A file that cannot be read becomes a row
    of ``errors`` and the batch goes on. Interrupted, even by SIGKILL, a re-run
    finishes the rest with nothing lost and nothing duplicated.

    Args:
        paths: files and folders.
        url: a SQLite file path or a ``postgresql://`` URL; the tables are created when missing.
        jobs: worker processes that read and extract (the main process is the one writer).
        on_event: called as ``on_event(kind, path, report)`` after each file, kind being
            ``stored``, ``skipped`` (stored already) or ``failed``.

    Returns:
        An :class:`~pipeline.store.ingest.IngestReport`: ``stored``, ``skipped``, ``failed``
        (path, code, message), the rows written and the database's ``totals``.

    Example:
        >>> report = ingest(["corpora/"], "taskdb.sqlite", jobs=2)  # doctest: +SKIP
        >>> report.stored, len(report.failed), report.totals["tasks"]  # doctest: +SKIP
    """
    from .store.ingest import run_ingest

    return run_ingest(paths, url, jobs=jobs, on_event=on_event)
