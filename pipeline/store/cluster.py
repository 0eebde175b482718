"""Scale-out: ``taskdb ingest … --cluster`` reads and extracts on the workers of a Dask cluster.

The ingest process stays what it is on one machine — it walks the folders,
fingerprints the files, skips those stored already, and is the one writer (each
document whole in one transaction, keyed by its sha256) — and hands the files to
parse to ``dask.distributed`` workers instead of its own processes
(:func:`pipeline.store.ingest.run_ingest`'s ``runner``). Each Dask task is a few
files; the rows come back to the ingest as the tasks finish
(``distributed.as_completed``), with at most two tasks per worker thread in
flight, so memory stays flat however large the batch.

Why the workers do not write themselves: a worker holds nothing that matters.
When one is killed, the scheduler runs its unfinished tasks again on another
(its ``allowed-failures``, 3 by default: a task that has killed more workers than
that is reported as ``internal_error`` for its files, one at a time), and the
results it had not handed back yet are computed again; nothing was written for
them, and a document that comes back twice is written once (idempotent by
sha256). Workers need no database credentials, and SQLite works as well as
PostgreSQL (the ingest machine writes); several ingests, on several machines,
may write into one PostgreSQL database at once. The one writer is the ceiling
(``benchmarks/bench_cluster.py`` prints it): beyond it, run one ingest per part
of the archive into the same PostgreSQL database.

Files: with ``--cluster local:N`` the workers read the paths. A remote cluster
is sent the files' bytes by the ingest (which has them: it fingerprints them),
each written to a temporary file of the same name on the worker, so the workers
need nothing but the installed package; ``--shared-files`` sends the paths
instead, when every worker sees the files at the same paths (a shared file
system). A file the ingest cannot read is reported by the ingest itself, with
the reader's code, exactly as on one machine.

On a worker, each task runs the very functions of the local path
(:func:`pipeline.store.ingest._work_chunk`: read → … → normalise → rows) in a
child process of the worker, started from a forkserver that loaded the pipeline
once (:mod:`.warm`) and tied to the worker's life (:mod:`.lifeline`): there the
per-document time budget (``too_complex``) applies, which needs a main thread,
and a parser that crashes the interpreter takes only that child down (the file
is retried alone, then reported). Worker processes are daemonic by default in
Dask and may not have children: start workers with
``DASK_DISTRIBUTED__WORKER__DAEMON=False`` (``--cluster local:N`` does it
itself). A daemonic worker still works, running documents in its own thread,
without the time budget; the ingest warns when it meets one.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import re
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures.process import BrokenProcessPool, ProcessPoolExecutor
from contextlib import ExitStack
from dataclasses import replace
from itertools import islice
from pathlib import Path

from .db import StoreError
from .ingest import CHUNK_SIZE, EventHook, IngestReport, Job, Outcome, _quiet_jieba, _work_chunk, run_ingest
from .lifeline import init_worker, start_forkserver

_log = logging.getLogger(__name__)

#: how long the ingest waits for the scheduler to answer, and for a first worker to join (seconds)
CONNECT_S = 30.0
WORKERS_S = 120.0
#: Dask's setting that lets a worker process have children (the process that runs the stages)
DAEMON_ENV = "DASK_DISTRIBUTED__WORKER__DAEMON"

_LOCAL = re.compile(r"local:(\d+)")
_REMOTE = re.compile(r"(tcp|tls|ws|wss|inproc|ucx)://\S+")


class ClusterError(StoreError):
    """The cluster cannot be used (a bad ``--cluster``, a scheduler out of reach, no worker, a lost scheduler)."""


def parse_cluster(spec: str) -> tuple[str, str | int]:
    """``("local", N)`` for ``local:N``, ``("remote", address)`` for a scheduler address (``tcp://host:8786``)."""
    spec = (spec or "").strip()
    m = _LOCAL.fullmatch(spec)
    if m:
        n = int(m.group(1))
        if n < 1:
            raise ClusterError(f"--cluster {spec}: a local cluster needs at least one worker (local:N, N >= 1)")
        return "local", n
    if _REMOTE.fullmatch(spec):
        return "remote", spec
    raise ClusterError(f"--cluster {spec!r}: expected local:N (a Dask LocalCluster of N worker processes on this "
                       "machine) or the address of a running Dask scheduler, e.g. tcp://host:8786")


# -- the worker side ---------------------------------------------------------------------------------------------

_pool_lock = threading.Lock()
_pool_state: dict = {"pool": None, "generation": 0}


def _nthreads(worker=None) -> int:
    """Threads of this Dask worker: as many processes run the stages (they share their forkserver's pages)."""
    try:
        if worker is None:
            from distributed import get_worker

            worker = get_worker()  # in a task's thread
        return max(1, int(worker.state.nthreads))
    except Exception:  # not in a Dask worker (a test calling this directly)
        return 1


def _can_fork() -> bool:
    """Whether this process may start the process that runs the stages (a daemonic Dask worker may not)."""
    return (not multiprocessing.current_process().daemon
            and "forkserver" in multiprocessing.get_all_start_methods())


def _pool(worker=None) -> tuple[ProcessPoolExecutor, int]:
    with _pool_lock:
        if _pool_state["pool"] is None:
            ctx = multiprocessing.get_context("forkserver")
            # the forkserver loads the pipeline once (warm) and ends with this worker, whatever ends it (lifeline)
            start_forkserver(ctx, preload=["pipeline.store.warm"])
            _pool_state["pool"] = ProcessPoolExecutor(_nthreads(worker), mp_context=ctx, initializer=init_worker)
            _pool_state["generation"] += 1
        return _pool_state["pool"], _pool_state["generation"]


def _drop_pool(generation: int) -> None:
    with _pool_lock:
        pool = _pool_state["pool"]
        if pool is not None and _pool_state["generation"] == generation:
            pool.shutdown(wait=False, cancel_futures=True)
            _pool_state["pool"] = None


def prepare_worker(dask_worker=None) -> dict:
    """Run on every worker as the ingest connects (``Client.run``, which passes ``dask_worker``): start the
    forkserver, which loads the pipeline meanwhile, so that the first documents do not wait for it; say whether
    this worker can run documents isolated."""
    ok = _can_fork()
    if ok:
        try:
            _pool(dask_worker)
        except Exception:  # the first task tries again, and falls back to this thread
            _log.debug("starting the forkserver failed", exc_info=True)
            ok = False
    return {"pid": os.getpid(), "isolated": ok, "nthreads": _nthreads(dask_worker)}


def _run_isolated(jobs: list[Job], tries: int = 2, time_budget: str | None = None,
                  ocr: str | None = None) -> list[Outcome]:
    """``_work_chunk`` in the child process; a chunk whose process died is retried one file at a time, and a file
    that kills a fresh process again is reported, as on one machine."""
    if not _can_fork():
        _quiet_jieba()
        return _work_chunk(jobs, time_budget, ocr)
    pool, generation = _pool()
    try:
        return pool.submit(_work_chunk, jobs, time_budget, ocr).result()
    except BrokenProcessPool:
        _drop_pool(generation)
        if len(jobs) > 1:
            return [out for job in jobs for out in _run_isolated([job], time_budget=time_budget, ocr=ocr)]
        if tries > 1:  # another thread's file may have broken the shared pool: once more on a fresh one
            return _run_isolated(jobs, tries - 1, time_budget, ocr)
        return [Outcome(code="internal_error",
                        message=f"{jobs[0].path}: the worker process died reading this file (a parser crashed)")]


def _renamed(out: Outcome, local: str, original: str) -> Outcome:
    if out.message and local != original:
        return replace(out, message=out.message.replace(local, original))
    return out


def run_task(items: list[tuple[Job, bytes | None]], time_budget: str | None = None,
             ocr: str | None = None) -> list[Outcome]:
    """One Dask task: files (by path, or their bytes) → outcomes, in order (``time_budget`` and ``ocr``: see
    :func:`pipeline.api.ingest`; ``ocr`` None leaves the worker's own ``TASKDB_OCR``)."""
    if all(data is None for _, data in items):
        return _run_isolated([job for job, _ in items], time_budget=time_budget, ocr=ocr)
    with tempfile.TemporaryDirectory(prefix="taskdb-cluster-") as tmp:
        local: list[Job] = []
        for i, (job, data) in enumerate(items):
            if data is None:
                local.append(job)
                continue
            folder = os.path.join(tmp, str(i))  # one folder per file: two files may share a name
            os.mkdir(folder)
            path = os.path.join(folder, os.path.basename(job.path))
            with open(path, "wb") as fh:
                fh.write(data)
            local.append(replace(job, path=path))
        outs = _run_isolated(local, time_budget=time_budget, ocr=ocr)
        return [_renamed(out, lj.path, job.path) for out, lj, (job, _) in zip(outs, local, items)]


# -- the ingest side ---------------------------------------------------------------------------------------------

def _payload(job: Job, send: bool) -> bytes | None:
    from ..ingest import MAX_BYTES
    from ..ingest.files import read_regular

    return read_regular(job.path, MAX_BYTES) if send else None


class ClusterRunner:
    """A connection to a Dask cluster (started here for ``local:N``) that parses jobs on its workers.

    Use as a context manager; calling it with jobs gives ``(job, outcome)`` as tasks finish (a
    :data:`pipeline.store.ingest.Runner`).
    """

    def __init__(self, spec: str, *, shared_files: bool | None = None, chunk_size: int = CHUNK_SIZE,
                 connect_timeout: float = CONNECT_S, workers_timeout: float = WORKERS_S,
                 time_budget: str | None = None, ocr: str | None = None):
        self.time_budget = time_budget
        self.ocr = ocr
        self.kind, self.target = parse_cluster(spec)
        self.spec = spec
        # local:N workers see this machine's files; a remote cluster is sent the bytes unless told they share them
        self.send = not (shared_files if shared_files is not None else self.kind == "local")
        self.chunk_size = chunk_size
        self.connect_timeout, self.workers_timeout = connect_timeout, workers_timeout
        self.client = None
        self.workers: dict[str, dict] = {}
        self.warnings: list[str] = []
        self._stack = ExitStack()

    @property
    def options(self) -> dict:
        return {"cluster": self.spec, "cluster_workers": len(self.workers), "send_files": self.send}

    def __enter__(self) -> ClusterRunner:
        try:
            self._connect()
        except BaseException:
            self._stack.close()
            raise
        return self

    def __exit__(self, *exc) -> None:
        self._stack.close()

    def _connect(self) -> None:
        try:
            import dask
            from distributed import Client
        except ImportError as e:
            raise ClusterError(f"--cluster needs Dask's distributed scheduler ({e}): pip install 'taskdb[cluster]' "
                               "on this machine and on every worker") from None

        if self.kind == "local":
            from distributed import LocalCluster

            # the nannies run in this process and read the setting at each (re)start of a worker
            # no dashboard, so no use for the workers' statistical profiler (a stack sample every 10 ms per worker)
            self._stack.enter_context(dask.config.set({"distributed.worker.daemon": False,
                                                       "distributed.worker.profile.enabled": False}))
            cluster = LocalCluster(n_workers=int(self.target), threads_per_worker=1, processes=True,
                                   dashboard_address=None, silence_logs=logging.ERROR)
            self._stack.callback(cluster.close)
            address = cluster.scheduler_address
        else:
            address = str(self.target)
        try:
            self.client = Client(address, timeout=self.connect_timeout)
        except (OSError, TimeoutError) as e:
            raise ClusterError(f"cannot reach the Dask scheduler at {address} within {self.connect_timeout:.0f} s "
                               f"({type(e).__name__}: {e}); start one with `dask scheduler` and workers with "
                               f"`dask worker {address}`") from None
        self._stack.callback(self.client.close)
        try:
            self.client.wait_for_workers(1, timeout=self.workers_timeout)
        except TimeoutError:
            raise ClusterError(f"no Dask worker joined the scheduler at {address} within "
                               f"{self.workers_timeout:.0f} s; start some with `dask worker {address}`") from None
        self.workers = self.client.run(prepare_worker)
        daemonic = sorted(addr for addr, info in self.workers.items() if not info.get("isolated"))
        if daemonic:
            self.warnings.append(f"{len(daemonic)} of {len(self.workers)} Dask workers are daemonic and run documents "
                                 f"in their own thread, without the time budget (too_complex); start them with "
                                 f"{DAEMON_ENV}=False")

    def _slots(self) -> int:
        return max(2, 2 * sum(self.client.nthreads().values()))

    def __call__(self, jobs: Iterable[Job]) -> Iterator[tuple[Job, Outcome]]:
        from distributed import as_completed

        if self.client is None:
            raise ClusterError("the cluster runner is used outside its `with` block")
        client = self.client
        it = iter(jobs)
        ready: list[tuple[Job, Outcome]] = []  # files the ingest itself answers (it could not read them)
        retry: list[Job] = []  # files of a task that killed workers, now one per task
        inflight: dict[str, tuple[object, list[Job], bool]] = {}
        pending = as_completed()
        slots, slots_at = self._slots(), time.monotonic()

        def submit(chunk: list[Job], alone: bool) -> None:
            items = []
            for job in chunk:
                if self.send:
                    if job.sha256 is None:  # unreadable here: the reader says why, here, as on one machine
                        ready.append((job, _work_chunk([job])[0]))
                        continue
                    try:
                        items.append((job, _payload(job, True)))
                    except Exception:  # gone or changed since it was fingerprinted: the reader says why
                        ready.append((job, _work_chunk([job])[0]))
                        continue
                else:
                    items.append((job, None))
            if items:
                fut = client.submit(run_task, items, self.time_budget, self.ocr, pure=False)
                inflight[fut.key] = (fut, [job for job, _ in items], alone)
                pending.add(fut)

        def fill() -> None:
            nonlocal slots, slots_at
            if time.monotonic() - slots_at > 5.0:  # workers join and leave
                slots, slots_at = self._slots(), time.monotonic()
            while len(inflight) < slots and not ready:
                if retry:
                    submit([retry.pop(0)], True)
                    continue
                chunk = list(islice(it, self.chunk_size))
                if not chunk:
                    return
                submit(chunk, False)

        try:
            fill()
            while inflight or ready:
                while ready:
                    yield ready.pop(0)
                    fill()
                if not inflight:
                    fill()
                    continue
                fut = next(pending)
                _, chunk, alone = inflight.pop(fut.key)
                yield from self._outcomes(fut, chunk, alone, retry)
                fut.release()
                fill()
        finally:
            for fut, _, _ in inflight.values():
                fut.cancel()

    def _outcomes(self, fut, chunk: list[Job], alone: bool, retry: list[Job]) -> Iterator[tuple[Job, Outcome]]:
        from distributed.scheduler import KilledWorker

        try:
            outcomes = fut.result()
        except KilledWorker:
            if not alone:
                retry.extend(chunk)
                return
            yield chunk[0], Outcome(code="internal_error",
                                    message=f"{chunk[0].path}: the Dask workers running this file died, "
                                            "more often than the scheduler's allowed-failures")
            return
        except (OSError, TimeoutError) as e:  # the scheduler is gone: stop, the next run finishes
            raise ClusterError(f"lost the Dask cluster {self.spec} ({type(e).__name__}: {e}); every document "
                               "stored so far is whole: run the same command again to finish") from e
        except Exception as e:  # noqa: BLE001 - a bug in a task: keep the batch going and say where
            if type(e).__name__ == "CancelledError":
                raise ClusterError(f"the Dask cluster {self.spec} cancelled the ingest's tasks (was the scheduler "
                                   "restarted?); run the same command again to finish") from e
            outcomes = [Outcome(code="internal_error", message=f"{job.path}: {type(e).__name__}: {e}")
                        for job in chunk]
        yield from zip(chunk, outcomes)


def run_cluster_ingest(paths: Iterable[str | Path], url: str | Path, *, cluster: str,
                       shared_files: bool | None = None, on_event: EventHook | None = None,
                       follow_symlinks: bool = False, chunk_size: int = CHUNK_SIZE,
                       on_warning: Callable[[str], None] | None = None,
                       time_budget: str | None = None, ocr: str | None = None) -> IngestReport:
    """:func:`pipeline.store.ingest.run_ingest` with read and extract on the Dask cluster ``cluster`` (``local:N``
    or a scheduler's address); this process writes. ``on_warning`` hears what the cluster lacks (daemonic
    workers). See the module's doc."""
    with ClusterRunner(cluster, shared_files=shared_files, chunk_size=chunk_size, time_budget=time_budget,
                       ocr=ocr) as runner:
        for warning in runner.warnings:
            (on_warning or _log.warning)(warning)
        return run_ingest(paths, url, on_event=on_event, follow_symlinks=follow_symlinks, runner=runner,
                          time_budget=time_budget, ocr=ocr)
