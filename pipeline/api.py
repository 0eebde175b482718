"""The Python API: what the CLI and notebooks call.

>>> from pipeline.api import extract
>>> doc = extract("corpora/samples/004_292e0180c7549e92.txt")  # doctest: +SKIP
>>> doc.doc_type, doc.year
('report', 2023)
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from .run import Result, extract, extract_many, pipe_names

__all__ = ["Result", "extract", "extract_many", "pipe_names", "open_db", "ingest", "track"]


# -- the database (issue #4) -----------------------------------------------------------------------------------

if TYPE_CHECKING:  # pragma: no cover
    from .store.ingest import EventHook, IngestReport
    from .store.read import TaskDB


def open_db(url: str | Path = "taskdb.sqlite", *, all_versions: bool = False) -> TaskDB:
    """Open a database made by :func:`ingest` for reading, as pandas DataFrames.

    Args:
        url: a SQLite file path (the default ``taskdb.sqlite``) or a ``postgresql://user:pw@host/db`` URL.
        all_versions: read every version of each document; by default every DataFrame, count and summary
            holds the latest version only. A document sent as several files (renditions: .txt, .docx, .pdf,
            .html of one text) is always one document, with one row per file in ``.paths()``.

    Returns:
        A :class:`~pipeline.store.read.TaskDB` whose methods return DataFrames: ``.documents()``,
        ``.sections()``, ``.tasks()``, ``.units()``, ``.unit_aliases()``, ``.task_units()``,
        ``.deadlines()``, ``.metrics()``, ``.flags()``, ``.errors()``, ``.runs()``, the flat view
        ``.tasks_flat(unit=, role=, due_before=, due_after=, domain=, collective=)`` (``unit`` as written,
        canonical or any alias of the unit; ``role`` also as 牵头 / 配合 / 负责) and
        ``.metrics_summary(by="category" | "document" | "issuer" | "year" | "measure" | "stage" | "kind")``,
        or several groups (``by="document,measure"``: per measure key, hazards found and rectified apart,
        rates and changes never summed); ``.metrics()`` carries each metric's ``kind``, ``stage`` and
        ``measure`` (docs/MEASURES.md).

    Dates (deadlines' ``date``, ``start_date``, ``end_date``, ``due``; metrics' ``as_of``) and the runs'
    timestamps are datetime64 columns.

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

    return TaskDB(url, all_versions=all_versions)


def ingest(paths: Iterable[str | Path], url: str | Path = "taskdb.sqlite", *, jobs: int = 1,
           on_event: EventHook | None = None, follow_symlinks: bool = False,
           time_budget: str | None = None, cluster: str | None = None, shared_files: bool | None = None,
           on_warning: Callable[[str], None] | None = None, ocr: str | None = None) -> IngestReport:
    """Read, extract and store files and folders into a database; what ``taskdb ingest`` runs.

    Folders are walked recursively for the supported extensions; a file named
    explicitly is always taken. A file is known by the sha256 of its bytes: a
    file whose bytes are stored already is not parsed again (its path is
    recorded), and a changed file at a known path replaces that path's old file.
    Renditions of one text (.txt, .docx, .pdf, .html; near-duplicates above a
    measured similarity) are one document with a path per file, its rows those
    of the richest text layer; a later version (same title and issuer, another
    text) is a version of it (:mod:`pipeline.store.renditions`). The one writer (this process) stores documents in batches, up to
    32 documents or what arrived within 1 s per transaction, each document whole
    or not at all; a batch the database refuses is written again one document
    per transaction, so that only the refused document is reported. A file that
    cannot be read becomes a row of ``errors`` and the batch goes on.
    Interrupted, even by SIGKILL, a re-run finishes the rest with nothing lost
    and nothing duplicated.

    Args:
        paths: files and folders.
        url: a SQLite file path or a ``postgresql://`` URL; the tables are created when missing.
        jobs: worker processes that read and extract (the main process is the one writer).
        on_event: called as ``on_event(kind, path, report)`` after each file, kind being
            ``stored``, ``skipped`` (stored already) or ``failed``.
        follow_symlinks: read what symlinks in a folder point to even outside it (by default such a
            symlink is refused as ``outside_folder``, and symlinked folders are not walked).
        time_budget: CPU seconds per document, ``"BASE+PER_MB"`` (``"0"``: no limit); a document past it is a
            ``too_complex`` error and the batch goes on. None: ``TASKDB_TIME_BUDGET``, else ``"5+20"``.
        cluster: read and extract on a Dask cluster instead of ``jobs`` processes: ``"local:N"`` (a
            LocalCluster of N worker processes here) or a scheduler's address (``"tcp://host:8786"``); this
            process stays the one writer (:mod:`pipeline.store.cluster`).
        shared_files: with a remote ``cluster``, the workers see the files at the same paths: send paths, not
            the files' bytes (None: paths for ``local:N``, bytes otherwise).
        on_warning: hears what the cluster lacks (workers that cannot start a child process).
        ocr: ``"auto"`` (OCR scanned PDF pages and .png/.jpg/.tif files), ``"off"`` (a scan is
            ``no_text_layer``; a folder's images are not walked) or ``"force"`` (OCR every PDF page); None:
            ``TASKDB_OCR``, else auto. With ``cluster`` it is sent to the workers with each task.

    Raises:
        FileNotFoundError: none of ``paths`` exists (and no database is created).
        ValueError: ``jobs`` > 1 with ``cluster``, or ``shared_files`` without it; ``ocr`` not a mode.

    Returns:
        An :class:`~pipeline.store.ingest.IngestReport`: ``stored`` (new documents, ``versions`` among them),
        ``renditions`` (files of stored documents), ``skipped``, ``failed`` (path, code, message), the rows
        written and the database's ``totals``.

    Example:
        >>> report = ingest(["corpora/"], "taskdb.sqlite", jobs=2)  # doctest: +SKIP
        >>> report.stored, len(report.failed), report.totals["tasks"]  # doctest: +SKIP
    """
    from .store.ingest import run_ingest

    paths = [paths] if isinstance(paths, (str, Path)) else list(paths)
    if paths and not any(Path(p).exists() or Path(p).is_symlink() for p in paths):
        # nothing to read: say so before a database is created
        raise FileNotFoundError(f"{', '.join(map(str, paths))}: no such file or folder; nothing ingested")
    if ocr is not None:
        from .ingest.ocr import mode as ocr_mode

        ocr_mode(ocr)  # a bad mode fails before any database is made
    if cluster is not None:
        if jobs > 1:
            raise ValueError("jobs and cluster exclude each other: on a cluster the Dask workers read and extract")
        from .store.cluster import run_cluster_ingest

        return run_cluster_ingest(paths, url, cluster=cluster, shared_files=shared_files, on_event=on_event,
                                  follow_symlinks=follow_symlinks, on_warning=on_warning, time_budget=time_budget,
                                  ocr=ocr)
    if shared_files:
        raise ValueError("shared_files goes with cluster")
    return run_ingest(paths, url, jobs=jobs, on_event=on_event, follow_symlinks=follow_symlinks,
                      time_budget=time_budget, ocr=ocr)


# -- plan ↔ report accountability (SPEC §9, issue #9) -------------------------------------------------------------

def track(files: Iterable[str | Path] | None = None, *, db: str | Path | None = None, write: bool = True,
          evidence: bool = False):
    """Which planned task was reported done, in progress or not at all, as a DataFrame; what ``taskdb track`` runs.

    Args:
        files: plans and reports; each plan among them is linked to the related reports among them.
        db: instead, every plan of this database (its ``task_progress`` table is rewritten when ``write``).
        write: with ``db``, store the result in ``task_progress``.
        evidence: one row per evidence sentence (``source``, ``sentence``, ``span_start``, ``span_end``,
            ``section``, ``part``, ``metrics``) instead of one row per task.

    Returns:
        One row per plan task: ``plan``, ``task_id``, ``task_text``, ``status`` (done / in_progress /
        not_reported), ``n_evidence``, ``reports`` (the sources of its evidence) and ``evidence`` (the
        sentences); plans in input order, tasks in plan order.

    Example:
        >>> df = track(["plan.txt", "report.txt"])            # doctest: +SKIP
        >>> df.status.value_counts()                           # doctest: +SKIP
        >>> track(db="taskdb.sqlite", evidence=True).head()    # doctest: +SKIP
    """
    import pandas as pd

    if (files is None) == (db is None):
        raise ValueError("give files, or db= (not both)")
    if db is not None:
        from .track.db import track_db

        records = track_db(db, write=write)
    else:
        from .track import track_files

        records = track_files(files)
    if evidence:
        rows = [{"plan": r["plan"], "task_id": r["task_id"], "task_text": r["task_text"], "status": r["status"],
                 "source": e["source"], "sentence": e["text"], "span_start": e["span"][0], "span_end": e["span"][1],
                 "section": e.get("section"), "part": e.get("part"), "metrics": e.get("metrics") or []}
                for r in records for e in r["evidence"]]
        cols = ["plan", "task_id", "task_text", "status", "source", "sentence", "span_start", "span_end",
                "section", "part", "metrics"]
        return pd.DataFrame(rows, columns=cols)
    rows = [{"plan": r["plan"], "task_id": r["task_id"], "task_text": r["task_text"], "status": r["status"],
             "n_evidence": len(r["evidence"]), "reports": sorted({e["source"] for e in r["evidence"]}),
             "evidence": [e["text"] for e in r["evidence"]]} for r in records]
    return pd.DataFrame(rows, columns=["plan", "task_id", "task_text", "status", "n_evidence", "reports", "evidence"])
