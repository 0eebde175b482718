"""The batch: files → worker processes (read, clean, structure, extract, rows) → one writer.

The main process walks the paths, fingerprints each file (sha256, mtime, size)
and skips, before any parsing, every file whose bytes are stored already (it
only records the new path). The rest go to :func:`_work` — in this process for
``jobs=1``, in a :class:`~concurrent.futures.ProcessPoolExecutor` otherwise, a
few files per task and a bounded number of tasks in flight, so memory stays flat
however many files there are; the workers start from a forkserver that loaded
the pipeline once (:mod:`.warm`) and end with this process, whatever ends it
(:mod:`.lifeline`). Results come back as rows (never Documents) and the main
process, the only writer, stores them in batches: up to :data:`BATCH_SIZE`
documents, or what arrived within :data:`BATCH_SECONDS`, per transaction, one
statement per table (a document the database refuses is then retried alone and
reported). A killed run leaves every committed document whole and nothing of a
batch being written; the next run marks it interrupted, skips what is stored
and finishes the rest.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError

from ..ingest.files import walk
from ..safe_text import name_text
from .db import StoreError, open_engine
from .lifeline import init_worker, start_forkserver
from .schema import document_paths, documents, errors, metrics, task_units, tasks, units
from .writer import HEARTBEAT_S, NEW, RENDITION, VERSION, DocumentRows, Placement, Writer

_log = logging.getLogger(__name__)

#: files per worker task: small enough to keep the workers busy at the end, large enough to amortise the pickling
CHUNK_SIZE = 4
#: documents per write transaction, and the longest a document waits in a batch (seconds): one statement per table
#: per batch keeps the single writer's time per document small beside a worker's (benchmarks/bench_store.py)
BATCH_SIZE = 32
BATCH_SECONDS = 1.0
#: files fingerprinted and looked up in the database together, before parsing
LOOKUP_FILES = 64


@dataclass(frozen=True)
class Job:
    path: str  # absolute
    sha256: str | None  # of the bytes as the main process saw them (None: unreadable)
    mtime: float | None
    size: int | None


@dataclass(frozen=True)
class Outcome:
    rows: DocumentRows | None = None
    code: str | None = None
    message: str | None = None


@dataclass(frozen=True)
class FileError:
    path: str
    code: str
    message: str


@dataclass
class IngestReport:
    """What one ingest did (this run) and what the database holds after it (``totals``)."""

    run_id: int
    n_files: int
    stored: int = 0  # documents written (new versions of stored documents included)
    versions: int = 0  # of which new versions of a stored document (same title and issuer, another text)
    renditions: int = 0  # files that are renditions of a stored document (the same text as another file)
    skipped: int = 0  # files whose bytes were stored already
    failed: list[FileError] = field(default_factory=list)
    tasks: int = 0  # rows written by this run
    unit_links: int = 0
    metrics: int = 0
    seconds: float = 0.0
    interrupted: bool = False
    totals: dict[str, int] = field(default_factory=dict)

    @property
    def done(self) -> int:
        return self.stored + self.renditions + self.skipped + len(self.failed)

    @property
    def ok(self) -> bool:
        return not self.failed and not self.interrupted


#: ``on_event(kind, path, report)``: kind is ``stored`` (a new document or version), ``rendition`` (another file of
#: a stored document), ``skipped`` (bytes stored already) or ``failed``
EventHook = Callable[[str, str, IngestReport], None]
#: what reads and extracts instead of this machine's processes: jobs in, ``(job, outcome)`` out as they finish (a
#: generator; :class:`pipeline.store.cluster.ClusterRunner`); its ``options`` attribute, when there is one, goes into
#: the run's options
Runner = Callable[[Iterable[Job]], Iterator[tuple[Job, Outcome]]]


def supported_extensions() -> frozenset[str]:
    from ..ingest import EXTENSION_TO_FORMAT

    return frozenset(EXTENSION_TO_FORMAT)


def collect_files(paths: Iterable[str | Path], *, follow_symlinks: bool = False) -> list[Path]:
    """The files an ingest reads, absolute, each once, in a stable order (see :func:`pipeline.ingest.files.walk`).

    Folders are walked recursively for the supported extensions (hidden files and
    folders left out); a file named explicitly is always taken, whatever its
    extension, so that a bad one is reported rather than silently ignored. Symlinks
    that lead out of a folder are left out here: :func:`run_ingest` reports them.
    """
    from ..ingest.files import walk

    return walk(paths, supported_extensions(), follow_symlinks=follow_symlinks)[0]


def fingerprint(path: Path) -> tuple[str | None, float | None, int | None]:
    """``(sha256, mtime, size)`` of a regular file, read no further than the reader's size limit; Nones when it
    cannot be read (a FIFO, a device, too large, gone: the reader will say why)."""
    from ..ingest import MAX_BYTES
    from ..ingest.files import digest

    return digest(path, MAX_BYTES) or (None, None, None)


# -- the worker side ---------------------------------------------------------------------------------------------

def _quiet_jieba() -> None:
    try:
        import jieba

        jieba.setLogLevel(logging.WARNING)
    except Exception:  # jieba is the extractor's business; without it there is nothing to quiet
        pass


def _work(job: Job, time_budget: str | None = None, ocr: str | None = None) -> Outcome:
    """Read and extract one file into rows (runs in a worker process)."""
    from ..version import __version__
    from ..run import extract_many
    from .writer import document_rows

    try:
        res = next(iter(extract_many([job.path], time_budget=time_budget, ocr=ocr)))
        if not res.ok:
            return Outcome(code=res.code, message=res.message)
        return Outcome(rows=document_rows(res.document, pipeline_version=__version__))
    except MemoryError:
        return Outcome(code="too_large", message=f"{job.path}: not enough memory to process the file")
    except Exception as e:  # a bug: keep the batch going and say where
        _log.debug("internal error on %s", job.path, exc_info=True)
        return Outcome(code="internal_error", message=f"{job.path}: {type(e).__name__}: {e}")


def _work_chunk(chunk: list[Job], time_budget: str | None = None, ocr: str | None = None) -> list[Outcome]:
    return [_work(job, time_budget, ocr) for job in chunk]


class _Pool:
    """Jobs in, ``(job, outcome)`` out as they finish, with at most ``2 × workers`` chunks in flight.

    A worker that dies (a parser crashing the interpreter) breaks the pool: it is
    replaced, and the files of the broken chunks are retried one at a time, so
    only the file that kills a worker is reported as failed.
    """

    def __init__(self, workers: int, chunk_size: int = CHUNK_SIZE, time_budget: str | None = None,
                 ocr: str | None = None):
        self.workers = workers
        self.ocr = ocr
        self.chunk_size = chunk_size
        self.time_budget = time_budget
        methods = multiprocessing.get_all_start_methods()
        # not fork: the main process runs threads (the progress bar) and holds database connections
        self._ctx = multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")
        self._pool: ProcessPoolExecutor | None = None

    def _new_pool(self) -> ProcessPoolExecutor:
        # workers (and the forkserver) end with this process, whatever signal ends it: see lifeline
        start_forkserver(self._ctx, preload=["pipeline.store.warm"])
        return ProcessPoolExecutor(max_workers=self.workers, mp_context=self._ctx, initializer=init_worker)

    def run(self, jobs: Iterable[Job]) -> Iterator[tuple[Job, Outcome]]:
        it = iter(jobs)
        retry: deque[Job] = deque()
        inflight: dict = {}
        self._pool = self._new_pool()
        try:
            while True:
                limit = 1 if retry else 2 * self.workers
                while len(inflight) < limit:
                    chunk = [retry.popleft()] if retry else list(islice(it, self.chunk_size))
                    if not chunk:
                        break
                    inflight[self._pool.submit(_work_chunk, chunk, self.time_budget, self.ocr)] = chunk
                if not inflight:
                    return
                done, _ = wait(inflight, return_when=FIRST_COMPLETED)
                broken = False
                for fut in done:
                    chunk = inflight.pop(fut)
                    try:
                        outcomes = fut.result()
                    except BrokenProcessPool:
                        broken = True
                        if len(chunk) == 1 and limit == 1:
                            yield chunk[0], Outcome(code="internal_error",
                                                    message=f"{chunk[0].path}: the worker process died reading "
                                                            "this file (a parser crashed)")
                        else:
                            retry.extend(chunk)
                        continue
                    yield from zip(chunk, outcomes)
                if broken:
                    for chunk in inflight.values():
                        retry.extend(chunk)
                    inflight.clear()
                    self._pool.shutdown(wait=False, cancel_futures=True)
                    self._pool = self._new_pool()
        except BaseException:  # stopped (Ctrl-C, SIGTERM, a failing database): the files in hand are not waited for
            self._terminate_workers()
            raise
        finally:
            self._pool.shutdown(wait=True, cancel_futures=True)

    def _terminate_workers(self) -> None:
        """End the workers now (their files are read again by the next run)."""
        for proc in list((getattr(self._pool, "_processes", None) or {}).values()):
            try:
                proc.terminate()
            except Exception:  # gone already
                pass


class _Heartbeat:
    """Renews the run's ``heartbeat_at`` every :data:`~pipeline.store.writer.HEARTBEAT_S` from a thread of its own,
    so that a long document (or a stuck one) does not make a live run look dead to another ingest."""

    def __init__(self, writer: Writer, run_id: int, every: float = HEARTBEAT_S):
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._beat, args=(writer, run_id, every), name="taskdb-heartbeat",
                                        daemon=True)
        self._thread.start()

    def _beat(self, writer: Writer, run_id: int, every: float) -> None:
        while not self._stop.wait(every):
            try:
                writer.heartbeat(run_id)
            except Exception:  # a busy or lost database: the main loop meets it too, and says so
                _log.debug("heartbeat of run %s failed", run_id, exc_info=True)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=30)


def _inline(jobs: Iterable[Job], time_budget: str | None = None,
            ocr: str | None = None) -> Iterator[tuple[Job, Outcome]]:
    _quiet_jieba()
    for job in jobs:
        yield job, _work(job, time_budget, ocr)


# -- the main side -----------------------------------------------------------------------------------------------

def _stages() -> dict:
    from ..run import pipe_names
    from ..ingest import READERS

    return {"stages": pipe_names(), "readers": sorted(spec.name for spec in READERS.values())}


def database_totals(engine) -> dict[str, int]:
    """Row counts of the tables a summary shows: ``documents`` (each distinct text once, the latest version of
    each), ``versions`` (earlier versions besides), ``files`` (the paths they were read from), and the tasks,
    task-unit links and metrics of the latest versions."""
    latest = select(documents.c.sha256).where(documents.c.latest)

    def count(table, *where) -> int:
        return int(conn.execute(select(func.count()).select_from(table).where(*where)).scalar())

    with engine.connect() as conn:
        n_docs = count(documents, documents.c.latest)
        return {"documents": n_docs, "versions": count(documents) - n_docs, "files": count(document_paths),
                "tasks": count(tasks, tasks.c.sha256.in_(latest)), "units": count(units),
                "task_units": count(task_units, task_units.c.sha256.in_(latest)),
                "metrics": count(metrics, metrics.c.sha256.in_(latest)), "errors": count(errors)}


def run_ingest(paths: Iterable[str | Path], url: str | Path, *, jobs: int = 1,
               on_event: EventHook | None = None, chunk_size: int = CHUNK_SIZE,
               follow_symlinks: bool = False, batch_size: int = BATCH_SIZE,
               runner: Runner | None = None, time_budget: str | None = None,
               ocr: str | None = None) -> IngestReport:
    """Ingest files and folders into the database at ``url``; see :func:`pipeline.api.ingest`.

    ``runner`` replaces the worker processes of ``jobs`` (a Dask cluster: :mod:`.cluster`); this process stays
    the one writer."""
    from ..version import __version__
    from ..watchdog import budget_setting

    if jobs < 1:
        raise ValueError(f"The 'jobs' option must be at least 1. Got {jobs} instead.")
    if time_budget is not None:
        budget_setting(time_budget)  # a bad setting fails here, not in every worker
    from ..ingest.ocr import IMAGE_EXTENSIONS, mode as ocr_mode

    extensions = supported_extensions()
    if ocr_mode(ocr) == "off":  # images are read by OCR only: with it off, a folder's pictures are not documents
        extensions = extensions - IMAGE_EXTENSIONS
    paths = [paths] if isinstance(paths, (str, Path)) else list(paths)
    engine = open_engine(url)
    try:
        writer = Writer(engine)
        files, refused = walk(paths, extensions, follow_symlinks=follow_symlinks)
        run_id = writer.start_run(pipeline_version=__version__, stages=_stages(),
                                  options={"paths": [name_text(p) for p in paths], "jobs": jobs,
                                           **({"follow_symlinks": True} if follow_symlinks else {}),
                                           **({"time_budget": time_budget} if time_budget is not None else {}),
                                           **({"ocr": ocr} if ocr is not None else {}),
                                           **(getattr(runner, "options", None) or {})})
        report = IngestReport(run_id=run_id, n_files=len(files) + len(refused))
        started = time.perf_counter()
        pending: dict[str, list[Job]] = {}  # sha256 being parsed → other paths with the same bytes

        def emit(kind: str, path: str) -> None:
            if on_event is not None:
                on_event(kind, path, report)

        def fail(job: Job, code: str, message: str) -> None:
            writer.record_error(name_text(job.path), code=code, message=name_text(message), sha=job.sha256,
                                mtime=job.mtime, run_id=run_id)
            report.failed.append(FileError(name_text(job.path), code, name_text(message)))
            emit("failed", job.path)

        for r in refused:  # symlinks out of an ingested folder: named, never read
            fail(Job(str(r.path), None, None, None), r.code, r.message)

        def to_parse() -> Iterator[Job]:
            for start in range(0, len(files), LOOKUP_FILES):
                block = [Job(str(f), *fingerprint(f)) for f in files[start:start + LOOKUP_FILES]]
                # the database names a file as valid Unicode (bytes that are not UTF-8 as \\xNN)
                states = writer.path_states([name_text(j.path) for j in block if j.sha256 is not None])
                stored = writer.stored([j.sha256 for j in block if j.sha256 is not None])
                for job in block:
                    if job.sha256 is not None:
                        unchanged = states.get(name_text(job.path)) == (job.sha256, job.mtime, job.size)
                        if unchanged or job.sha256 in stored:
                            if not unchanged:  # stored already, from another path or before a touch
                                writer.attach_path(name_text(job.path), job.sha256, mtime=job.mtime,
                                                   size=job.size, run_id=run_id)
                            report.skipped += 1
                            emit("skipped", job.path)
                            continue
                        if job.sha256 in pending:  # the same bytes at another path, being parsed or in the batch
                            pending[job.sha256].append(job)
                            continue
                        pending[job.sha256] = []
                    yield job

        batch: list[tuple[Job, DocumentRows]] = []  # extracted, not written yet
        batch_since = 0.0

        def count(job: Job, rows: DocumentRows, kind: str) -> None:
            if kind in (NEW, VERSION):
                report.stored += 1
                report.versions += kind == VERSION
                report.tasks += len(rows.tasks)
                report.unit_links += len(rows.task_units)
                report.metrics += len(rows.metrics)
                emit("stored", job.path)
            elif kind == RENDITION:
                report.renditions += 1
                emit("rendition", job.path)
            else:
                report.skipped += 1
                emit("skipped", job.path)

        def flush() -> None:
            """Write the batch in one transaction; when the database refuses it, each document on its own."""
            entries = [(job, rows, pending.pop(job.sha256, []) if job.sha256 is not None else [])
                       for job, rows in batch]
            batch.clear()
            placements = [Placement(rows, name_text(j.path), j.mtime, j.size)
                          for job, rows, same in entries for j in (job, *same)]
            try:
                news = iter(writer.write_documents(placements, run_id=run_id))
            except Exception:  # find the document it was about, write the others
                _log.debug("batch of %d refused, writing one by one", len(entries), exc_info=True)
                news = None
            for job, rows, same in entries:
                if news is not None:
                    for j in (job, *same):
                        count(j, rows, next(news))
                    continue
                try:
                    kind = writer.write_documents([Placement(rows, name_text(job.path), job.mtime, job.size)],
                                                  run_id=run_id)[0]
                except Exception as e:  # the database refused this document: report it, go on
                    _log.debug("store failed for %s", job.path, exc_info=True)
                    for j in (job, *same):
                        fail(j, "internal_error", f"{j.path}: storing failed: {type(e).__name__}: {e}")
                    continue
                count(job, rows, kind)
                for j in same:
                    writer.attach_path(name_text(j.path), rows.sha256, mtime=j.mtime, size=j.size, run_id=run_id)
                    count(j, rows, "known")

        status = "interrupted"
        heartbeat = _Heartbeat(writer, run_id)
        if runner is not None:
            results = runner(to_parse())
        else:
            results = (_inline(to_parse(), time_budget, ocr) if jobs == 1
                       else _Pool(jobs, chunk_size, time_budget, ocr).run(to_parse()))
        try:
            for job, out in results:
                if out.rows is None:
                    same = pending.pop(job.sha256, []) if job.sha256 is not None else []
                    for j in (job, *same):
                        fail(j, out.code or "internal_error", (out.message or "").replace(job.path, j.path))
                    continue
                if not batch:
                    batch_since = time.monotonic()
                batch.append((job, out.rows))
                if len(batch) >= batch_size or time.monotonic() - batch_since >= BATCH_SECONDS:
                    flush()
            if batch:
                flush()
            status = "finished"
        except SQLAlchemyError as e:  # the database itself failed (server gone, disk full): stop, say so
            raise StoreError(f"the database failed during the ingest ({type(e).__name__}: {e}); every document "
                             "stored so far is whole: run the same command again to finish") from e
        finally:
            heartbeat.stop()
            results.close()
            report.seconds = time.perf_counter() - started
            report.interrupted = status != "finished"
            try:
                n_stored, n_errors = report.stored, len(report.failed)
                if report.interrupted:  # stopped anywhere (within a batch being counted): the database's own figures
                    n_stored, n_errors = writer.run_counts(run_id)
                writer.finish_run(run_id, status=status, counts={
                    "n_files": report.n_files, "n_stored": n_stored, "n_skipped": report.skipped,
                    "n_renditions": report.renditions,
                    "n_errors": n_errors, "n_tasks": report.tasks, "n_units": report.unit_links,
                    "n_metrics": report.metrics})
                report.totals = database_totals(engine)
            except Exception:  # already failing (Ctrl-C, lost server): the original error matters more
                if status == "finished":
                    raise
                _log.debug("could not close run %s", run_id, exc_info=True)
        return report
    finally:
        engine.dispose()
