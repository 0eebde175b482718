"""Issue 9, item 6: the CLI and the pandas API as an analyst meets them.

One-line errors with a hint (never a traceback, never a password), ``--version``,
``query --limit/--columns/--no-collective``, roles in Chinese, unit search by any
name of a unit with "did you mean", a BOM on CSV, dates as datetime64, a short
``repr`` of a Document, and the contract documents in ``docs/``.
"""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = sorted((ROOT / "corpora" / "samples").glob("00[1-4]_*.txt"))
BOM = b"\xef\xbb\xbf"


def run(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    """``taskdb ARGS`` as a user runs it (bytes out, so that a BOM can be seen)."""
    return subprocess.run([sys.executable, "-m", "pipeline", *args], capture_output=True, cwd=cwd,
                          env={**os.environ, "COLUMNS": "200"}, timeout=600)


def err_text(proc: subprocess.CompletedProcess) -> str:
    return proc.stderr.decode("utf-8")


def assert_one_line_error(proc: subprocess.CompletedProcess, *needles: str, secret: str | None = None) -> str:
    """Exit 1, one line on stderr holding every needle, no traceback, nothing on stdout; returns the line."""
    err = err_text(proc)
    lines = [line for line in err.splitlines() if line.strip()]
    assert proc.returncode == 1, (proc.returncode, err)
    assert "Traceback" not in err and len(lines) == 1, err
    assert lines[0].startswith("Error: "), err
    for needle in needles:
        assert needle in lines[0], (needle, err)
    if secret is not None:
        assert secret not in err and secret.encode() not in proc.stdout
    return lines[0]


def csv_rows(stdout: bytes) -> list[list[str]]:
    assert stdout.startswith(BOM), stdout[:20]  # Excel on Windows reads UTF-8 only after a BOM
    return list(csv.reader(io.StringIO(stdout[len(BOM):].decode("utf-8"))))


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> str:
    """Four real sample documents, ingested by the CLI."""
    path = tmp_path_factory.mktemp("polish") / "s.sqlite"
    proc = run("ingest", *map(str, SAMPLES), "--db", str(path))
    assert proc.returncode == 0, err_text(proc)
    return str(path)


# -- errors -----------------------------------------------------------------------------------------------------

def test_version():
    from pipeline.version import __version__

    proc = run("--version")
    assert proc.returncode == 0 and proc.stdout.decode().strip() == f"taskdb {__version__}"


def test_export_infers_xlsx_from_the_suffix(db, tmp_path):
    import openpyxl

    out = tmp_path / "x.xlsx"
    proc = run("export", "--db", db, "--out", str(out))
    assert proc.returncode == 0, err_text(proc)
    wb = openpyxl.load_workbook(out, read_only=True)
    assert wb.sheetnames[0] == "tasks" and "tasks_table" in wb.sheetnames  # the analyst's sheet, then the raw tables
    wb.close()


def test_export_without_format_or_suffix_is_one_line(db, tmp_path):
    proc = run("export", "--db", db, "--out", str(tmp_path / "x.foo"))
    assert_one_line_error(proc, "x.foo", "--format")
    assert not (tmp_path / "x.foo").exists()


def test_ingest_of_a_missing_folder_creates_no_database(tmp_path):
    target = tmp_path / "new.sqlite"
    proc = run("ingest", "nosuchdir/", "--db", str(target), cwd=tmp_path)
    assert_one_line_error(proc, "nosuchdir", "no such file or folder")
    assert not target.exists() and list(tmp_path.iterdir()) == []


def test_api_ingest_of_a_missing_folder_creates_no_database(tmp_path):
    from pipeline.api import ingest

    with pytest.raises(FileNotFoundError, match="nosuchdir"):
        ingest([tmp_path / "nosuchdir"], tmp_path / "new.sqlite")
    assert list(tmp_path.iterdir()) == []


def test_ingest_of_a_missing_file_beside_a_real_one_still_records_it(tmp_path):
    """Only when nothing exists is it a usage error; a missing file in a batch stays an error row (SPEC §2)."""
    target = tmp_path / "t.sqlite"
    proc = run("ingest", str(SAMPLES[0]), str(tmp_path / "gone.txt"), "--db", str(target))
    assert proc.returncode == 2, err_text(proc)
    from pipeline.api import open_db

    with open_db(target) as tdb:
        assert list(tdb.errors()["code"]) == ["not_found"] and len(tdb.documents()) == 1


@pytest.mark.parametrize("url", ["mysql://u:s3cretpw@localhost/taskdb", "mssql+pyodbc://u:s3cretpw@dsn",
                                 "oracle://u:s3cretpw@h/x"])
@pytest.mark.parametrize("command", [["query"], ["export", "--format", "csv", "--out", "o"], ["ingest", "."]])
def test_unsupported_databases_are_named(url, command, tmp_path):
    proc = run(*command, "--db", url, cwd=tmp_path)
    line = assert_one_line_error(proc, "not supported", "SQLite", "postgresql://", secret="s3cretpw")
    assert "u:***@" in line and "MySQLdb" not in line and "No module" not in line
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("command", [["query"], ["export", "--format", "csv", "--out", "o"], ["track"],
                                     ["ingest", str(SAMPLES[0])]])
def test_postgresql_password_is_never_echoed(command, tmp_path):
    url = "postgresql://analyst:s3cret%40pw@127.0.0.1:1/taskdb"  # nothing listens on port 1
    proc = run(*command, "--db", url, cwd=tmp_path)
    line = assert_one_line_error(proc, "analyst:***@127.0.0.1:1", secret="s3cret")
    assert "sqlalche.me" not in line  # SQLAlchemy's link is cut, the driver's reason stays
    assert "Connection refused" in line or "connection" in line.lower()


def test_mask_url():
    from pipeline.store.db import mask_url, one_line

    assert mask_url("postgresql://u:p%40ss@h:5432/db") == "postgresql://u:***@h:5432/db"
    assert mask_url("see postgresql+psycopg://u:x@h/db and host=h password=abc") == \
        "see postgresql+psycopg://u:***@h/db and host=h password=***"
    assert mask_url("postgresql://u@h/db") == "postgresql://u@h/db"  # no password: nothing to hide
    assert mask_url("/data/taskdb.sqlite") == "/data/taskdb.sqlite"
    e = RuntimeError("failed for p@ss\n  retry\n(Background on this error at: https://sqlalche.me/e/21/e3q8)")
    assert one_line(e, "p@ss") == "RuntimeError: failed for *** retry"


@pytest.mark.skipif(not os.environ.get("TASKDB_TEST_PG"), reason="TASKDB_TEST_PG not set")
@pytest.mark.parametrize("command", [["query"], ["ingest", "nothing-here.txt", "--jobs", "1"]])
def test_postgresql_wrong_password_is_not_echoed(command, tmp_path):
    """A real server refuses a wrong password: one line naming the server, the password masked."""
    from sqlalchemy.engine import make_url

    from pipeline.store.db import normalise_url

    real = make_url(normalise_url(os.environ["TASKDB_TEST_PG"]))
    wrong = real.set(password="Wr0ng-Passw0rd").render_as_string(hide_password=False)
    if command[0] == "ingest":  # a file that exists, so that the database is opened
        (tmp_path / command[1]).write_text("关于开展安全生产检查的通知", encoding="utf-8")
    proc = run(*command, "--db", wrong, cwd=tmp_path)
    assert_one_line_error(proc, f"{real.username}:***@{real.host}", secret="Wr0ng-Passw0rd")


# -- query ------------------------------------------------------------------------------------------------------

def query_csv(db: str, *args: str) -> list[list[str]]:
    proc = run("query", "--db", db, *args, "--format", "csv")
    assert proc.returncode == 0, err_text(proc)
    return csv_rows(proc.stdout)


def test_query_csv_has_a_bom_and_reads_back(db):
    import pandas as pd

    proc = run("query", "--db", db, "--role", "lead", "--format", "csv")
    assert proc.stdout.startswith(BOM)
    df = pd.read_csv(io.BytesIO(proc.stdout), encoding="utf-8-sig")
    assert df.columns[0] == "source" and len(df) > 0


def test_query_limit_and_columns(db):
    full = query_csv(db, "--role", "responsible")
    assert len(full) > 6
    rows = query_csv(db, "--role", "responsible", "--limit", "5", "--columns", "title,task,responsible,due")
    assert rows[0] == ["title", "task", "responsible", "due"]
    assert len(rows) == 6
    header = full[0]
    want = [[r[header.index(c)] for c in rows[0]] for r in full[1:6]]
    assert rows[1:] == want  # the first five rows, cut to the columns asked for
    jsonl = run("query", "--db", db, "--role", "responsible", "-n", "2", "-c", "task", "--format", "jsonl")
    lines = jsonl.stdout.decode().splitlines()
    assert jsonl.returncode == 0 and len(lines) == 2 and all(line.startswith('{"task": ') for line in lines)
    table = run("query", "--db", db, "--role", "responsible", "--limit", "3", "--columns", "task,lead")
    assert table.returncode == 0 and "3 row(s)" in table.stdout.decode()
    metrics = query_csv(db, "--metrics-by", "category", "--limit", "2", "--columns", "category,unit,total")
    assert metrics[0] == ["category", "unit", "total"] and len(metrics) == 3


def test_query_unknown_column_is_one_line(db):
    assert_one_line_error(run("query", "--db", db, "--role", "lead", "--columns", "task,owner"),
                          "owner", "task_id")


@pytest.mark.parametrize("word, role", [("牵头", "lead"), ("配合", "support"), ("负责", "responsible"),
                                        ("LEAD", "lead")])
def test_query_role_words(db, word, role):
    assert query_csv(db, "--role", word) == query_csv(db, "--role", role)


def test_query_bad_role_is_one_line(db):
    assert_one_line_error(run("query", "--db", db, "--role", "主办"), "牵头", "lead")


def test_query_unit_by_alias_finds_the_unit_under_its_other_names(db):
    from pipeline.api import open_db

    with open_db(db) as tdb:
        aliases = tdb.unit_aliases()
        links = tdb.task_units()
    # a unit written two ways, each way on some task
    pairs = aliases.merge(aliases, on="unit_id").query("name_x != name_y")
    used = set(links["name"])
    pairs = pairs[pairs["name_x"].isin(used) & pairs["name_y"].isin(used)]
    assert len(pairs), "the samples hold a unit written two ways (区应急局 / 区应急管理局)"
    a, b, unit_id = pairs.iloc[0][["name_x", "name_y", "unit_id"]]
    rows = query_csv(db, "--unit", a, "--columns", "sha256,task_id,units")
    got = {(r[0], r[1]) for r in rows[1:]}
    want = {(s, t) for s, t in links.loc[links["unit_id"] == unit_id, ["sha256", "task_id"]].itertuples(index=False)}
    assert got == want  # every task of the unit, whichever name it was written with
    assert any(b in r[2] and a not in r[2].replace(b, "") for r in rows[1:])


def test_query_unit_by_canonical_name(db):
    rows = query_csv(db, "--unit", "区应急管理局", "--role", "牵头", "--columns", "lead")
    assert len(rows) > 1


def test_query_unknown_unit_says_did_you_mean(db):
    line = assert_one_line_error(run("query", "--db", db, "--unit", "应急管理局"), "应急管理局", "did you mean")
    assert "区应急管理局" in line.split("did you mean", 1)[1]
    line = assert_one_line_error(run("query", "--db", db, "--unit", "区应急管里局"), "did you mean")
    assert "区应急管理局" in line  # a typo
    assert_one_line_error(run("query", "--db", db, "--unit", "某某某"), "no unit")


def test_query_no_collective(db):
    from pipeline.api import open_db

    with open_db(db) as tdb:
        units = tdb.units()
        aliases = tdb.unit_aliases()
        collective_ids = set(units.loc[units["kind"] == "collective", "id"])
        collective = set(aliases.loc[aliases["unit_id"].isin(collective_ids), "name"])
        n_tasks = len(tdb.tasks())
    assert {"各乡镇街道", "各部门"} & collective
    every = query_csv(db, "--no-collective", "--columns", "task_id,units,lead,support,responsible")
    assert len(every) - 1 == n_tasks  # every task still listed; only the collective units are left out
    listed = {n.rsplit(" (", 1)[0] for r in every[1:] for n in r[1].split("; ") if n}
    assert listed and not listed & collective
    with_them = query_csv(db, "--role", "responsible", "--columns", "units")
    assert any(n in r[0] for r in with_them[1:] for n in collective)
    assert_one_line_error(run("query", "--db", db, "--unit", "各部门", "--no-collective"), "no unit")
    assert len(query_csv(db, "--unit", "各部门")) > 1


def test_tasks_flat_no_collective_api(db):
    from pipeline.api import open_db

    with open_db(db) as tdb:
        df = tdb.tasks_flat(role="负责", collective=False)
        assert len(df) and not df["units"].str.contains("各部门 ").any()
        assert len(tdb.tasks_flat(role="负责")) >= len(df)


# -- pandas and the model -------------------------------------------------------------------------------------------

def test_dates_are_datetime64(db):
    import pandas as pd

    from pipeline.api import open_db

    with open_db(db) as tdb:
        deadlines, flat, runs, metrics = tdb.deadlines(), tdb.tasks_flat(), tdb.runs(), tdb.metrics()
    for col in ("date", "start_date", "end_date", "due"):
        assert pd.api.types.is_datetime64_dtype(deadlines[col]), (col, deadlines[col].dtype)
    assert deadlines["due"].notna().any()
    assert pd.api.types.is_datetime64_dtype(flat["due"]) and flat["due"].notna().any()
    assert pd.api.types.is_datetime64_dtype(metrics["as_of"])
    assert isinstance(runs["started_at"].dtype, pd.DatetimeTZDtype)
    assert (runs["finished_at"] >= runs["started_at"]).all()
    by_month = flat.dropna(subset=["due"]).groupby(flat["due"].dt.to_period("M")).size()
    assert by_month.sum() == flat["due"].notna().sum()


def test_a_value_that_is_not_a_date_keeps_its_text():
    import pandas as pd

    from pipeline.store.read import as_datetimes

    df = as_datetimes(pd.DataFrame({"due": ["2024-04-30", "2024-13-01", None], "title": ["a", "b", "c"]}))
    assert list(df["due"][:2]) == ["2024-04-30", "2024-13-01"] and pd.isna(df["due"][2])  # nothing lost to NaT
    df = as_datetimes(pd.DataFrame({"due": ["2024-04-30", None]}))
    assert df["due"].iloc[0] == pd.Timestamp("2024-04-30") and pd.isna(df["due"].iloc[1])


def test_document_repr_is_short():
    import pipeline

    doc = pipeline.extract(str(SAMPLES[0]))
    text = repr(doc)
    assert len(doc.text) > 2000 and len(text) < 400, len(text)
    assert doc.doc_type in text and f"chars={len(doc.text)}" in text and f"tasks={len(doc.tasks)}" in text
    assert (doc.title or "")[:20] in text and doc.text[100:140] not in text


# -- the contract documents ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["SPEC.md", "DESIGN.md"])
def test_contract_documents_live_in_docs(name):
    ours = ROOT / "docs" / name
    assert ours.is_file() and ours.stat().st_size > 1000
    shared = ROOT.parent / "shared" / name
    if shared.is_file():  # on the team's machine: kept verbatim
        assert ours.read_bytes() == shared.read_bytes()


@pytest.mark.parametrize("args", [
    ["ingest", str(SAMPLES[0]), "--db", "/proc/no-such-dir/x.sqlite"],  # a folder that cannot be made
    ["query", "--db", ""],  # no database at all (not an in-memory one)
    ["export", "--db", "{db}", "--out", "/proc/no-such-dir/x.xlsx"],
    ["query", "--db", "{junk}"],  # a file that is not a database
])
def test_other_bad_places_are_one_line(args, db, tmp_path):
    junk = tmp_path / "junk.sqlite"
    junk.write_text("not a database", encoding="utf-8")
    proc = run(*(a.format(db=db, junk=junk) for a in args), cwd=tmp_path)
    assert_one_line_error(proc)
