"""``taskdb ingest``, ``export`` and ``query`` as a person runs them (issue #4).

Contract: ``taskdb ingest PATH… --db URL [--jobs N]`` exits 0, or 2 when any file
failed (listed in a table at the end), 1 on a usage error; a workbook from
``taskdb export --format xlsx`` holds as many tasks and metrics as ``taskdb
extract`` finds in the same files; an ingest killed with SIGKILL and re-run ends
with exactly the rows of an uninterrupted run. SQLite always; PostgreSQL when
``TASKDB_TEST_PG`` names a server (see ``tests/test_store.py``).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from test_store import BAD, CORPORA, POOL, ROOT, DbFactory, documents_of, dump, good_files, small_copies
from conftest import count_documents

BACKENDS = ["sqlite", "postgresql"]


def taskdb(*args: str, check: bool = False, **kw) -> subprocess.CompletedProcess:
    proc = subprocess.run([sys.executable, "-m", "pipeline", *args], capture_output=True, text=True, cwd=ROOT,
                          env={**os.environ, "COLUMNS": "200"}, **kw)
    if check and proc.returncode != 0:
        raise AssertionError(f"taskdb {' '.join(args)} exited {proc.returncode}\n{proc.stdout}\n{proc.stderr}")
    return proc


@pytest.fixture(params=BACKENDS)
def dbs(request, tmp_path):
    factory = DbFactory(request.param, tmp_path)
    yield factory
    factory.cleanup()


def corpus_files() -> list[Path]:
    from pipeline.store.ingest import collect_files

    return collect_files([CORPORA])


# -- ingest → export xlsx equals extract --------------------------------------------------------------------------

def test_ingest_cli_xlsx_counts_equal_extract(dbs, tmp_path):
    from openpyxl import load_workbook

    url = dbs.new()
    proc = taskdb("ingest", "corpora/", "--db", url, check=True)
    for word in ("documents", "tasks", "units", "metrics", "errors"):
        assert word in proc.stdout

    files = corpus_files()
    ext = taskdb("extract", *map(str, files), "--format", "jsonl", check=True)
    records = {}
    for line in ext.stdout.splitlines():
        rec = json.loads(line)
        assert "error" not in rec, rec
        records[rec["sha256"]] = rec  # the same bytes twice are one file
    # renditions of one text (.txt, .docx, .pdf, .html) are one document, its rows those of the richest
    records = {r["sha256"]: r for r in documents_of(list(records.values()))}
    n_tasks = sum(len(r["tasks"]) for r in records.values())
    n_metrics = sum(len(r["metrics"]) for r in records.values())
    n_links = sum(len(t["units"]) for r in records.values() for t in r["tasks"])
    n_deadlines = sum(len(t["deadlines"]) for r in records.values() for t in r["tasks"])
    assert n_tasks > 0

    out = tmp_path / "taskdb.xlsx"
    taskdb("export", "--db", url, "--format", "xlsx", "--out", str(out), check=True)
    wb = load_workbook(out, read_only=False)
    rows = {ws.title: ws.max_row - 1 for ws in wb.worksheets}  # less the header
    assert rows["documents"] == len(records)
    assert rows["tasks"] == rows["tasks_table"] == n_tasks
    assert rows["metrics"] == rows["metrics_table"] == n_metrics
    assert rows["task_units"] == n_links
    assert rows["deadlines"] == n_deadlines
    assert wb.sheetnames[0] == "tasks"  # the analyst's sheet (tests/test_export_desk.py), the raw tables after
    flat = wb["tasks"]
    header = [c.value for c in flat[1]]
    for col in ("title", "issuer", "year", "section", "task", "牵头", "deadline", "source", "span_start"):
        assert col in header
    for ws in wb.worksheets:  # what an analyst expects when opening it
        assert ws.freeze_panes == "A2", ws.title
        assert ws.auto_filter.ref and ws.auto_filter.ref.startswith("A1:"), ws.title
    task_col = header.index("task") + 1
    letter = flat.cell(row=1, column=task_col).column_letter
    assert flat.column_dimensions[letter].width >= 40
    assert flat.cell(row=2, column=task_col).alignment.wrap_text


def test_ingest_cli_twice_changes_no_row(dbs):
    url = dbs.new()
    taskdb("ingest", "corpora/samples", "--db", url, check=True)
    before = dump(url)
    proc = taskdb("ingest", "corpora/samples", "--db", url, check=True)
    assert "0 new" in proc.stdout
    assert dump(url) == before


# -- bad files -----------------------------------------------------------------------------------------------------

def test_ingest_cli_bad_files_listed_exit_2(dbs):
    url = dbs.new()
    bad = sorted(p for p in BAD.iterdir() if p.is_file())
    proc = taskdb("ingest", *map(str, good_files()), *map(str, bad), "--db", url)
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr
    from pipeline.api import extract_many, open_db

    failing = [Path(r.source).name for r in extract_many(bad) if not r.ok]
    assert len(failing) >= 9
    for name in failing:
        assert name in proc.stdout, name
    with open_db(url) as db:
        assert len(db.errors()) == len(failing)
        readable = [r for r in extract_many([*good_files(), *bad]) if r.ok]
        records = [{"sha256": r.document.sha256, "format": r.document.format, "text": r.document.text,
                    "issuer": r.document.issuer, "year": r.document.year} for r in readable]
        assert len(db.documents()) == len(documents_of(records)) < len(readable)


def test_ingest_cli_usage_errors_exit_1(tmp_path):
    assert taskdb("ingest", "--db", str(tmp_path / "x.sqlite")).returncode == 1  # no path
    assert taskdb("ingest", "corpora/samples", "--jobs", "0", "--db", str(tmp_path / "x.sqlite")).returncode == 1
    proc = taskdb("ingest", "corpora/samples", "--db", "nosuchdriver://x")
    assert proc.returncode == 1 and "Error" in proc.stderr and "Traceback" not in proc.stderr


# -- SIGKILL half way, then re-run ---------------------------------------------------------------------------------



@pytest.mark.parametrize("jobs", ["1", "2"])
def test_ingest_cli_sigkill_then_rerun_equals_uninterrupted(dbs, tmp_path, jobs):
    n = 200
    folder = tmp_path / "copies"
    small_copies(folder, n)
    killed, clean = dbs.new("killed"), dbs.new("clean")
    cmd = [sys.executable, "-m", "pipeline", "ingest", str(folder), "--db", killed, "--jobs", jobs]
    # its own session, so that the kill takes the worker processes too, as a killed terminal would
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    try:
        deadline = time.monotonic() + 240
        while count_documents(killed) < n // 3 and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.02)
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    stored = count_documents(killed)
    assert 0 < stored < n, f"the ingest was not killed half way ({stored} of {n} stored)"

    rerun = taskdb("ingest", str(folder), "--db", killed, "--jobs", jobs, check=True)
    assert f"{n - stored} new, 0 renditions, {stored} already stored" in rerun.stdout
    taskdb("ingest", str(folder), "--db", clean, "--jobs", jobs, check=True)
    a, b = dump(killed), dump(clean)
    assert len(a["documents"]) == n
    assert a == b


# -- export formats and query ----------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def pool_db(tmp_path_factory):
    url = str(tmp_path_factory.mktemp("pool") / "pool.sqlite")
    taskdb("ingest", str(POOL), "--db", url, check=True)
    return url


@pytest.mark.parametrize("fmt", ["csv", "parquet", "jsonl"])
def test_export_cli_one_file_per_table(pool_db, tmp_path, fmt):
    import pandas as pd

    from pipeline.api import open_db

    out = tmp_path / fmt
    taskdb("export", "--db", pool_db, "--format", fmt, "--out", str(out), check=True)
    with open_db(pool_db) as db:
        counts = db.counts()
    names = {p.stem for p in out.iterdir()}
    assert names == {"tasks_flat", *(t for t in counts if t != "runs"), "runs"}
    read = {"csv": lambda p: pd.read_csv(p, encoding="utf-8-sig"), "parquet": pd.read_parquet,
            "jsonl": lambda p: pd.read_json(p, lines=True) if p.stat().st_size else pd.DataFrame()}[fmt]
    for table, n in counts.items():
        assert len(read(out / f"{table}.{fmt}")) == n, table
    assert len(read(out / f"tasks_flat.{fmt}")) == counts["tasks"]
    if fmt == "csv":
        assert (out / "tasks.csv").read_bytes().startswith(b"\xef\xbb\xbf")  # Excel reads it as UTF-8


def test_query_cli_tasks_by_unit_and_role(pool_db):
    from pipeline.api import open_db

    with open_db(pool_db) as db:
        links = db.task_units()
    name = links["name"].value_counts().index[0]  # the most frequent written name
    role = links[links["name"] == name]["role"].iloc[0]
    want = links[(links["name"] == name) | (links["canonical"] == name)]
    want_role = want[want["role"] == role][["sha256", "task_id"]].drop_duplicates()

    proc = taskdb("query", "--db", pool_db, "--unit", name, "--role", role, "--format", "jsonl", check=True)
    rows = [json.loads(line) for line in proc.stdout.splitlines()]
    assert len(rows) == len(want_role)
    assert all(name in r["units"] for r in rows)

    table = taskdb("query", "--db", pool_db, "--unit", name, check=True)
    assert f"{len(want[['sha256', 'task_id']].drop_duplicates())} row(s)" in table.stdout


def test_query_cli_deadlines_metrics_and_counts(pool_db):
    from pipeline.api import open_db

    with open_db(pool_db) as db:
        due = db.deadlines()["due"].dropna()
        counts = db.counts()
    if len(due):
        cut = sorted(due)[len(due) // 2].date().isoformat()  # due is datetime64 in the pandas API
        proc = taskdb("query", "--db", pool_db, "--due-before", cut, "--format", "csv", check=True)
        assert len(proc.stdout.strip().splitlines()) >= 2  # header + at least the task due on `cut`
    for by in ("category", "document", "issuer", "year"):
        proc = taskdb("query", "--db", pool_db, "--metrics-by", by, "--format", "csv", check=True)
        assert proc.stdout.removeprefix("\ufeff").splitlines()[0].split(",")[:1] in (["source"], [by])
    proc = taskdb("query", "--db", pool_db, check=True)
    assert f"{counts['tasks']}" in proc.stdout and "documents" in proc.stdout


@pytest.mark.parametrize("args", [
    ["--due-before", "2024-02-30"],
    ["--role", "boss"],
    ["--metrics-by", "category", "--unit", "区应急管理局"],
])
def test_query_cli_usage_errors_exit_1(pool_db, args):
    proc = taskdb("query", "--db", pool_db, *args)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr


def test_query_and_export_cli_without_a_database(tmp_path):
    missing = str(tmp_path / "none.sqlite")
    for args in (["query", "--db", missing], ["export", "--db", missing, "--format", "csv", "--out", str(tmp_path)]):
        proc = taskdb(*args)
        assert proc.returncode == 1 and "taskdb ingest" in proc.stderr and "Traceback" not in proc.stderr


@pytest.mark.parametrize("command", ["ingest", "export", "query"])
def test_cli_database_commands_have_help_with_an_example(command):
    proc = taskdb(command, "--help", check=True)
    assert "Example: taskdb " + command in proc.stdout.replace("\n", " ").replace("  ", " ")
