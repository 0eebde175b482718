"""Clean shutdown and safe start of ``taskdb ingest`` (issue #8, item 4; item 7 on PostgreSQL).

Contract:
- ``kill -9`` of the main process of ``taskdb ingest --jobs 2`` leaves no process
  behind: its workers, the forkserver and the resource tracker end within seconds;
- the next ingest marks the killed run ``interrupted`` in ``runs`` (its process is
  gone, or its heartbeat is stale), then finishes the batch: nothing lost, nothing
  stored twice;
- two ingests starting at once on one new database both succeed (exit 0) and
  every document is stored exactly once;
- several ingests writing into one PostgreSQL database at once end with the same
  rows as one clean run (``TASKDB_TEST_PG``; skipped without a server).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest
from test_store import ROOT, DbFactory, dump, small_copies, sqlite_dbs  # noqa: F401 (a fixture)
from conftest import count_documents

BACKENDS = ["sqlite", "postgresql"]


@pytest.fixture(params=BACKENDS)
def dbs(request, tmp_path):
    factory = DbFactory(request.param, tmp_path)
    yield factory
    factory.cleanup()




def _runs(url: str) -> list[dict]:
    from pipeline.api import open_db

    with open_db(url) as db:
        return db.runs().to_dict("records")


def _start(url: str, folder: Path, jobs: int) -> subprocess.Popen:
    # a session of its own: whatever the test finds, it can clean up the whole tree afterwards
    return subprocess.Popen([sys.executable, "-m", "pipeline", "ingest", str(folder), "--db", url, "--jobs", str(jobs)],
                            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)


def _kill_tree(pgid: int) -> None:
    try:
        os.killpg(pgid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def _alive(procs: list[psutil.Process]) -> list[psutil.Process]:
    out = []
    for p in procs:
        try:
            if p.is_running() and p.status() != psutil.STATUS_ZOMBIE:
                out.append(p)
        except psutil.NoSuchProcess:
            pass
    return out


def _wait_mid_run(proc, url: str) -> psutil.Process:
    """The ingest's main process, once mid-run: both workers up (with the forkserver) and some documents stored."""
    main = psutil.Process(proc.pid)
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline and proc.poll() is None:
        if len(main.children(recursive=True)) >= 3 and count_documents(url) >= 10:
            break
        time.sleep(0.05)
    return main


# -- kill -9 leaves no process behind, and the next run marks the run interrupted and finishes it -------------------

@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM])
def test_shutdown_kill_leaves_no_process_and_rerun_finishes(sqlite_dbs, tmp_path, sig):
    n = 200
    folder = tmp_path / "copies"
    small_copies(folder, n)
    url = sqlite_dbs.new("killed")
    proc = _start(url, folder, 2)
    try:
        main = _wait_mid_run(proc, url)
        assert proc.poll() is None, "the ingest ended before it could be killed"
        tree = main.children(recursive=True)
        names = [" ".join(p.cmdline()) for p in tree]
        assert sum("forkserver" in c for c in names) >= 3, names  # the forkserver and two workers
        os.kill(proc.pid, sig)  # the main process only: its children are on their own now
        proc.wait()
        stored = count_documents(url)
        deadline = time.monotonic() + 15
        while _alive(tree) and time.monotonic() < deadline:
            time.sleep(0.1)
        left = _alive(tree)
        assert not left, f"still running after {sig.name} of the ingest: {[' '.join(p.cmdline()) for p in left]}"
    finally:
        _kill_tree(proc.pid)
    assert 0 < stored < n, f"the ingest was not killed half way ({stored} of {n} stored)"

    from pipeline.api import ingest

    report = ingest([folder], url, jobs=2)
    assert (report.stored, report.skipped, report.failed) == (n - stored, stored, [])
    runs = _runs(url)
    assert [r["status"] for r in runs] == ["interrupted", "finished"]
    killed = runs[0]
    assert killed["pid"] == proc.pid and killed["host"] == socket.gethostname()
    assert killed["finished_at"] and killed["n_stored"] == stored  # what it stored, counted when it was found
    assert count_documents(url) == n


def test_shutdown_sigterm_ends_cleanly_and_marks_the_run(sqlite_dbs, tmp_path):
    """SIGTERM to ``taskdb ingest --jobs 2``: workers ended, the run marked interrupted by itself, exit 143."""
    n = 200
    folder = tmp_path / "copies"
    small_copies(folder, n)
    url = sqlite_dbs.new("termed")
    proc = _start(url, folder, 2)
    try:
        main = _wait_mid_run(proc, url)
        assert proc.poll() is None, "the ingest ended before SIGTERM"
        tree = main.children(recursive=True)
        t0 = time.monotonic()
        os.kill(proc.pid, signal.SIGTERM)
        code = proc.wait(timeout=60)
        took = time.monotonic() - t0
        deadline = time.monotonic() + 15
        while _alive(tree) and time.monotonic() < deadline:
            time.sleep(0.1)
        left = _alive(tree)
    finally:
        _kill_tree(proc.pid)
    assert code == 143, code
    assert not left, f"still running after SIGTERM: {[' '.join(p.cmdline()) for p in left]}"
    assert took < 30, took
    stored = count_documents(url)
    runs = _runs(url)  # marked by the run itself, before any other ingest looked
    assert [r["status"] for r in runs] == ["interrupted"] and runs[0]["finished_at"]
    assert runs[0]["n_stored"] == stored and 0 < stored < n

    from pipeline.api import ingest

    report = ingest([folder], url, jobs=2)
    assert (report.stored, report.skipped, report.failed) == (n - stored, stored, [])
    assert [r["status"] for r in _runs(url)] == ["interrupted", "finished"] and count_documents(url) == n


def test_shutdown_stale_runs_marked_interrupted(sqlite_dbs, tmp_path):
    """A run of another host whose heartbeat stopped is interrupted; one that still beats is left alone."""
    from datetime import UTC, datetime, timedelta

    from sqlalchemy import insert

    from pipeline.api import ingest
    from pipeline.store.db import open_engine
    from pipeline.store.schema import runs
    from pipeline.store.writer import STALE_AFTER_S

    url = sqlite_dbs.new()
    engine = open_engine(url)
    now = datetime.now(UTC)
    stamp = lambda dt: dt.isoformat(timespec="seconds")  # noqa: E731
    base = {"pipeline_version": "0", "stages": {}, "options": {}, "status": "running",
            "started_at": stamp(now - timedelta(hours=1))}
    with engine.begin() as conn:
        conn.execute(insert(runs), [
            dict(base, host="elsewhere", pid=1, heartbeat_at=stamp(now - timedelta(seconds=3 * STALE_AFTER_S))),
            dict(base, host="elsewhere", pid=1, heartbeat_at=stamp(now)),
            # this host, a process that is not there (pid numbers never reach 2**22 + 1 on Linux)
            dict(base, host=socket.gethostname(), pid=2**22 + 1, heartbeat_at=stamp(now)),
            # this host, a process that is there: this one
            dict(base, host=socket.gethostname(), pid=os.getpid(), heartbeat_at=stamp(now)),
            # a run of schema version 1 (no host, pid or heartbeat), started an hour ago
            dict(base, host=None, pid=None, heartbeat_at=None),
        ])
    engine.dispose()
    small_copies(tmp_path / "one", 1)
    ingest([tmp_path / "one"], url)
    assert [r["status"] for r in _runs(url)] == ["interrupted", "running", "interrupted", "running",
                                                 "interrupted", "finished"]


def test_shutdown_upgrades_a_version_1_database(sqlite_dbs, tmp_path):
    """A database made by the previous schema (no host/pid/heartbeat in runs) is upgraded in place."""
    from sqlalchemy import text

    from pipeline.api import ingest
    from pipeline.store.db import make_engine

    url = sqlite_dbs.new()
    files = small_copies(tmp_path / "c", 3)
    ingest(files[:2], url)
    engine = make_engine(url)
    with engine.begin() as conn:  # back to version 1 as it was shipped
        for col in ("host", "pid", "heartbeat_at"):
            conn.execute(text(f"ALTER TABLE runs DROP COLUMN {col}"))
        for col in ("span_start", "span_end"):  # version 3: the units' spans
            conn.execute(text(f"ALTER TABLE task_units DROP COLUMN {col}"))
        conn.execute(text("DROP INDEX ix_metrics_measure"))  # version 4: the metrics' measures
        for col in ("kind", "stage", "measure"):
            conn.execute(text(f"ALTER TABLE metrics DROP COLUMN {col}"))
        conn.execute(text("UPDATE taskdb_meta SET value = '1' WHERE key = 'schema_version'"))
    engine.dispose()
    report = ingest(files, url)
    assert (report.stored, report.skipped) == (1, 2)
    runs = _runs(url)
    assert [r["status"] for r in runs] == ["finished", "finished"] and runs[1]["pid"] == os.getpid()


# -- two ingests starting on one new database ---------------------------------------------------------------------

#: import everything first, then start the ingest at the same instant as the other process
_AT_ONCE = ("import sys, time; from pipeline.cli import main; import pipeline.store.ingest, pipeline.store.db; "
            "t = float(sys.argv[1]); time.sleep(max(0.0, t - time.time())); sys.exit(main(sys.argv[2:]))")


def _at_once(*commands: list[str]) -> list[subprocess.CompletedProcess]:
    start = time.time() + 4.0  # after every interpreter has started and imported
    procs = [subprocess.Popen([sys.executable, "-c", _AT_ONCE, repr(start), *cmd], cwd=ROOT, text=True,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, env={**os.environ, "COLUMNS": "200"})
             for cmd in commands]
    out = []
    for p in procs:
        stdout, stderr = p.communicate(timeout=600)
        out.append(subprocess.CompletedProcess(p.args, p.returncode, stdout, stderr))
    return out


@pytest.mark.parametrize("backend", BACKENDS)
def test_shutdown_two_ingests_create_one_new_database(backend, tmp_path):
    factory = DbFactory(backend, tmp_path)
    try:
        files = small_copies(tmp_path / "copies", 6)
        a, b = [str(f) for f in files[:4]], [str(f) for f in files[2:]]  # two files in both
        for trial in range(5):
            url = factory.new(f"race{trial}")
            results = _at_once(["ingest", *a, "--db", url], ["ingest", *b, "--db", url])
            for r in results:
                assert r.returncode == 0, f"trial {trial}: exit {r.returncode}\n{r.stdout}\n{r.stderr}"
            rows = dump(url)
            assert sorted(p for p, *_ in rows["document_paths"]) == sorted(map(str, files))
            assert len(rows["documents"]) == 6
            assert [r["status"] for r in _runs(url)] == ["finished", "finished"]
    finally:
        factory.cleanup()


# -- several writers into one PostgreSQL database ----------------------------------------------------------------------

def test_shutdown_concurrent_postgresql_writers_equal_one_clean_run(tmp_path):
    factory = DbFactory("postgresql", tmp_path)
    try:
        files = [str(f) for f in small_copies(tmp_path / "copies", 60)]
        shared, clean = factory.new("shared"), factory.new("clean")
        # four writers over overlapping thirds (every file ingested by two of them), two with workers
        parts = [files[:30], files[15:45], files[30:], files[:15] + files[45:]]
        results = _at_once(*[["ingest", *part, "--db", shared, "--jobs", str(1 + i % 2)]
                             for i, part in enumerate(parts)])
        for r in results:
            assert r.returncode == 0, f"exit {r.returncode}\n{r.stdout}\n{r.stderr}"
        from pipeline.api import ingest

        ingest(files, clean)
        a, b = dump(shared), dump(clean)
        assert len(a["documents"]) == 60
        assert a == b
        runs = _runs(shared)
        assert [r["status"] for r in runs] == ["finished"] * 4
        assert sum(r["n_stored"] for r in runs) == 60  # each document stored by one writer only
    finally:
        factory.cleanup()


@pytest.mark.parametrize("backend", BACKENDS)
def test_shutdown_concurrent_writers_same_documents_in_any_order(backend, tmp_path):
    """Four writers store the same 40 documents, each in its own order, each document's units in its own order
    (locks taken in opposite orders deadlock unless the writer orders them), the same file path by several
    writers at once: every write succeeds and the rows equal one writer's."""
    import random
    import threading

    from pipeline.model import Unit
    from pipeline.store.db import open_engine
    from pipeline.store.writer import Writer, document_rows
    from test_store import _doc, _task

    names = ["区应急管理局", "区住建局", "区消防救援大队", "区市场监管局", "区交通运输局", "区教育局"]
    rng = random.Random(8)

    def doc(i: int):
        tasks = []
        for t in range(2):
            chosen = rng.sample(names, 4)
            tasks.append(_task(f"t{t}", f"任务{i}-{t}", units=[Unit(name=n, canonical=n, role="lead" if k == 0
                                                                     else "support") for k, n in enumerate(chosen)]))
        return _doc(f"{i:064x}", issuer="某市某区安全生产委员会", tasks=tasks, region="某市某区")

    docs = [doc(i) for i in range(40)]
    rows = [document_rows(d, pipeline_version="test") for d in docs]
    factory = DbFactory(backend, tmp_path)
    try:
        shared, single = factory.new("shared"), factory.new("single")
        engine = open_engine(shared)
        failures: list[BaseException] = []
        new_counts: list[int] = []

        def write(k: int) -> None:
            w = Writer(engine)
            run = w.start_run(pipeline_version="test", stages=[], options={"writer": k})
            order = list(range(len(rows)))
            random.Random(k).shuffle(order)
            n_new = 0
            try:
                for i in order:
                    n_new += w.write_document(rows[i], path=docs[i].source, mtime=0.0, size=1, run_id=run)
            except BaseException as e:  # noqa: BLE001 - reported below
                failures.append(e)
            new_counts.append(n_new)
            w.finish_run(run, status="finished", counts={"n_stored": n_new})

        threads = [threading.Thread(target=write, args=(k,)) for k in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        engine.dispose()
        assert not failures, [f"{type(e).__name__}: {e}" for e in failures]
        assert sum(new_counts) == len(docs)  # each document new to exactly one writer

        engine = open_engine(single)
        w = Writer(engine)
        run = w.start_run(pipeline_version="test", stages=[], options={})
        for d, r in zip(docs, rows):
            w.write_document(r, path=d.source, mtime=0.0, size=1, run_id=run)
        engine.dispose()
        assert dump(shared) == dump(single)
    finally:
        factory.cleanup()


def test_shutdown_transaction_lost_to_another_writer_is_run_again(sqlite_dbs):
    """A deadlock or a key inserted meanwhile by another writer rolls back and runs the whole transaction again;
    any other database error is raised at once."""
    from sqlalchemy import func, insert, select
    from sqlalchemy.exc import DBAPIError, IntegrityError

    from pipeline.store.db import open_engine
    from pipeline.store.schema import taskdb_meta
    from pipeline.store.writer import Writer

    class Lost(Exception):
        sqlstate = "40P01"  # deadlock_detected

    engine = open_engine(sqlite_dbs.new())
    w = Writer(engine)
    tries = []

    def work(conn):
        tries.append(1)
        conn.execute(insert(taskdb_meta).values(key=f"k{len(tries)}", value="x"))
        if len(tries) < 3:
            raise DBAPIError("INSERT …", {}, Lost("deadlock detected"))
        return "done"

    assert w._transaction(work) == "done" and len(tries) == 3
    with engine.connect() as conn:  # the two failed tries left nothing
        assert conn.execute(select(func.count()).select_from(taskdb_meta).where(taskdb_meta.c.key.like("k%"))
                            ).scalar() == 1

    def bad(conn):
        tries.append(1)
        raise IntegrityError("INSERT …", {}, Exception("NOT NULL constraint failed"))

    tries.clear()
    with pytest.raises(IntegrityError):
        w._transaction(bad)
    assert len(tries) == 1
    engine.dispose()
