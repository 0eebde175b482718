"""Scale-out on Dask: ``taskdb ingest … --cluster`` (issue #8, item 6).

Contract:
- read and extract run on the workers of a Dask cluster (``local:N``, or a
  scheduler's address), the ingest process writes: the rows equal those of one
  clean single-process ingest of the same files, bad files included (the same
  error rows, naming the file and the cause), whether the workers are sent the
  files' bytes (a remote cluster, by default) or their paths (``local:N``,
  ``--shared-files``);
- the per-document time budget (``too_complex``) holds on the workers;
- a worker killed mid-run (SIGKILL) loses nothing: its tasks run again on
  another worker, its own children (forkserver, stage process) end with it, and
  the database ends with the same rows as one clean run;
- a bad ``--cluster`` or an unreachable scheduler is a clear usage error (exit 1).
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest
from conftest import count_documents
from test_store import BAD, ROOT, DbFactory, dump, small_copies

pytest.importorskip("distributed")


@pytest.fixture(scope="module", autouse=True)
def _ocr_off():
    """The bad-file fixtures pin the codes of files read without OCR (``--ocr off``, inherited by the workers
    through TASKDB_OCR, so set before the module's cluster starts): with OCR, png_named.pdf is read and found
    empty (tests/test_ocr.py)."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("TASKDB_OCR", "off")
        yield


#: bad inputs whose error the worker must report as the local path does (the reader's code and message)
BAD_FILES = ["corrupt.docx", "empty.txt", "encrypted.pdf", "png_named.pdf", "truncated.docx"]


@pytest.fixture(scope="module")
def scheduler(_ocr_off):
    """A LocalCluster of 2 worker processes in this process, reached by its tcp:// address as a remote one would be."""
    import logging

    import dask
    from distributed import LocalCluster

    with dask.config.set({"distributed.worker.daemon": False}):
        cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                               silence_logs=logging.ERROR)
        try:
            yield cluster.scheduler_address
        finally:
            cluster.close()


def _batch(folder: Path, n: int) -> list[Path]:
    files = small_copies(folder, n)
    for name in BAD_FILES:
        shutil.copy(BAD / name, folder / name)
    os.mkfifo(folder / "pipe.txt")  # never opened: refused by name on both paths
    return sorted(folder.iterdir())


def _failed(report) -> list[tuple[str, str, str]]:
    return sorted((f.path, f.code, f.message) for f in report.failed)


@pytest.mark.parametrize("backend,shared", [("sqlite", False), ("sqlite", True), ("postgresql", False)],
                         ids=["sqlite-bytes", "sqlite-paths", "postgresql-bytes"])
def test_cluster_rows_equal_one_process(scheduler, backend, shared, tmp_path):
    from pipeline.api import ingest

    factory = DbFactory(backend, tmp_path)
    try:
        folder = tmp_path / "batch"
        _batch(folder, 12)
        on_cluster, single = factory.new("cluster"), factory.new("single")
        report = ingest([folder], on_cluster, cluster=scheduler, shared_files=shared)  # the API, as the CLI calls it
        clean = ingest([folder], single)
        assert report.stored == clean.stored == 12
        assert _failed(report) == _failed(clean)
        assert {code for _, code, _ in _failed(report)} >= {"corrupt_file", "empty", "encrypted",
                                                            "unsupported_format", "not_a_regular_file"}
        assert all(str(folder) in message for _, _, message in _failed(report))  # the file's own path, named
        assert dump(on_cluster) == dump(single)
        again = ingest([folder], on_cluster, cluster=scheduler, shared_files=shared)
        assert (again.stored, again.skipped) == (0, 12)  # stored already: skipped before any worker sees it
        assert dump(on_cluster) == dump(single)
    finally:
        factory.cleanup()


def test_cluster_workers_take_the_ingests_ocr_mode(scheduler, tmp_path):
    """``ocr`` goes to the workers with each task: this module's workers run with TASKDB_OCR=off, yet an ingest
    with ``ocr="auto"`` reads a scan there as one machine does (png_named.pdf: read by OCR, found empty)."""
    pytest.importorskip("rapidocr_onnxruntime")
    from pipeline.api import ingest

    folder = tmp_path / "scan"
    folder.mkdir()
    shutil.copy(BAD / "png_named.pdf", folder / "png_named.pdf")
    codes = {mode: [f.code for f in ingest([folder], tmp_path / f"{mode}.sqlite", cluster=scheduler,
                                               ocr=mode).failed] for mode in ("off", "auto")}
    local = [f.code for f in ingest([folder], tmp_path / "local.sqlite", ocr="auto").failed]
    assert codes["auto"] == local and codes["off"] != local, (codes, local)


def test_api_ingest_cluster_usage_errors(tmp_path):
    from pipeline.api import ingest

    folder = tmp_path / "batch"
    small_copies(folder, 1)
    with pytest.raises(ValueError, match="exclude each other"):
        ingest([folder], tmp_path / "t.sqlite", jobs=2, cluster="local:1")
    with pytest.raises(ValueError, match="goes with cluster"):
        ingest([folder], tmp_path / "t.sqlite", shared_files=True)
    assert not (tmp_path / "t.sqlite").exists()


def _workers(ingest_pid: int) -> list[psutil.Process]:
    """The Dask worker processes of a ``--cluster local:N`` ingest once they are ready (each has its forkserver)."""
    try:
        kids = psutil.Process(ingest_pid).children()
    except psutil.NoSuchProcess:
        return []
    out = []
    for p in kids:
        try:
            if "spawn_main" in " ".join(p.cmdline()) and p.children():
                out.append(p)
        except psutil.NoSuchProcess:
            pass
    return out


def test_cluster_killed_worker_loses_nothing(tmp_path):
    """``taskdb ingest DIR --cluster local:2`` into PostgreSQL; one worker is SIGKILLed mid-run."""
    factory = DbFactory("postgresql", tmp_path)
    try:
        folder = tmp_path / "batch"
        # enough files that the run outlasts the writer's first batches (up to 32 documents or 1 s each): with 24,
        # an idle machine stored them all in the first commit, before a worker could be killed mid-run
        files = small_copies(folder, 160)
        url, single = factory.new("killed"), factory.new("single")
        proc = subprocess.Popen([sys.executable, "-m", "pipeline", "ingest", str(folder), "--db", url,
                                 "--cluster", "local:2"], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True, start_new_session=True)
        try:
            deadline = time.monotonic() + 240
            victim = None
            while time.monotonic() < deadline and proc.poll() is None:
                workers = _workers(proc.pid)
                if len(workers) == 2 and count_documents(url) >= 1:
                    victim = workers[0]
                    break
                time.sleep(0.2)
            assert victim is not None, "the ingest finished or stalled before a worker could be killed"
            orphans = victim.children(recursive=True)  # its forkserver and the process running the stages
            before = count_documents(url)
            os.kill(victim.pid, signal.SIGKILL)
            stdout, stderr = proc.communicate(timeout=300)
        finally:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        assert proc.returncode == 0, f"exit {proc.returncode}\n{stdout}\n{stderr}"
        assert before < len(files), "killed after the end"
        gone, alive = psutil.wait_procs(orphans, timeout=15)
        assert not alive, f"children of the killed worker live on: {alive}"

        from pipeline.api import ingest, open_db

        ingest([folder], single)
        a, b = dump(url), dump(single)
        assert len(a["documents"]) == len(files)
        for table in ("documents", "tasks", "metrics"):
            assert len(a[table]) == len(b[table]), table
        assert {r[0] for r in a["documents"]} == {r[0] for r in b["documents"]}  # the sha256 set
        assert a == b
        with open_db(url) as db:
            runs = db.runs().to_dict("records")
        assert [(r["status"], r["n_stored"], r["n_errors"]) for r in runs] == [("finished", len(files), 0)]
    finally:
        factory.cleanup()


def test_cluster_time_budget_applies_on_the_workers(tmp_path):
    """A document past its time budget is ``too_complex`` on a worker as on one machine (the stages run in the
    worker's child process, whose main thread can take the budget's signal), and the batch goes on."""
    folder = tmp_path / "two"
    small_copies(folder, 2)
    env = {**os.environ, "TASKDB_TIME_BUDGET": "0.001+0"}  # 1 ms of CPU: no document makes it
    outs = {}
    for name, extra in (("local", []), ("cluster", ["--cluster", "local:1"])):
        url = str(tmp_path / f"{name}.sqlite")
        r = subprocess.run([sys.executable, "-m", "pipeline", "ingest", str(folder), "--db", url, *extra],
                           cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
        assert r.returncode == 2, f"{name}: exit {r.returncode}\n{r.stdout}\n{r.stderr}"
        outs[name] = dump(url)["errors"]
    assert len(outs["cluster"]) == 2
    assert all("too_complex" in row for row in outs["cluster"]), outs["cluster"]
    strip = [tuple(v for v in row if not (isinstance(v, str) and "stopped in stage" in v)) for row in outs["local"]]
    assert strip == [tuple(v for v in row if not (isinstance(v, str) and "stopped in stage" in v))
                     for row in outs["cluster"]]


@pytest.mark.parametrize("args,says", [
    (["--cluster", "somewhere"], "expected local:N"),
    (["--cluster", "local:0"], "at least one worker"),
    (["--cluster", "local:1", "--jobs", "2"], "exclude each other"),
    (["--shared-files"], "goes with --cluster"),
])
def test_cluster_cli_usage_errors_exit_1(tmp_path, capsys, args, says):
    from pipeline.cli import main

    f = small_copies(tmp_path / "one", 1)[0]
    assert main(["ingest", str(f), "--db", str(tmp_path / "x.sqlite"), *args]) == 1
    assert says in " ".join(capsys.readouterr().err.split())
    assert not (tmp_path / "x.sqlite").exists() or count_documents(str(tmp_path / "x.sqlite")) == 0


def test_cluster_unreachable_scheduler_is_named():
    from pipeline.store.cluster import ClusterError, ClusterRunner

    started = time.monotonic()
    with pytest.raises(ClusterError, match=r"cannot reach the Dask scheduler at tcp://127\.0\.0\.1:9"):
        with ClusterRunner("tcp://127.0.0.1:9", connect_timeout=2):
            pass
    assert time.monotonic() - started < 30
