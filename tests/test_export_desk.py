"""The analyst's workbook (issue 9, item 5): ``taskdb export --format xlsx`` after ``ingest`` and ``track``.

corpora/samples and one plan–report pair of corpora/pairs are ingested, ``track`` fills ``task_progress``,
the CLI writes the workbook, and openpyxl reads it back: every value is checked against the database.
"""

from __future__ import annotations

import re
import shutil
import sqlite3
import subprocess
from datetime import date, datetime

import pytest

from conftest import CORPORA, ROOT, SAMPLES, assert_no_live_formulas, taskdb_cmd

PAIR = CORPORA / "pairs" / "01_guangling_anweihui_2023_gongzuoyaodian"
HEX64 = re.compile(r"[0-9a-f]{64}")

openpyxl = pytest.importorskip("openpyxl")


def taskdb(*args: str) -> subprocess.CompletedProcess:
    proc = subprocess.run(taskdb_cmd(*args), cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    return proc


@pytest.fixture(scope="module")
def desk(tmp_path_factory):
    """The database (its folder holds copies of the samples and the pair: the ingest root) and the workbook."""
    from pipeline.api import ingest
    from pipeline.track.db import track_db

    base = tmp_path_factory.mktemp("desk")
    root = base / "archive"
    shutil.copytree(SAMPLES, root / "samples", ignore=shutil.ignore_patterns("*.json", "*.md"))
    shutil.copytree(PAIR, root / "pairs" / PAIR.name, ignore=shutil.ignore_patterns("*.json", "*.md"))
    db = base / "desk.sqlite"
    report = ingest([root], db)
    assert report.stored > 0 and not report.failed, report.failed
    linked = track_db(db)
    assert any(r["status"] == "done" for r in linked)
    out = base / "desk.xlsx"
    taskdb("export", "--db", str(db), "--format", "xlsx", "--out", str(out))
    return {"root": root, "db": db, "xlsx": out, "wb": openpyxl.load_workbook(out)}


def sheet_rows(ws) -> tuple[list[str], list[dict]]:
    header = [c.value for c in ws[1]]
    return header, [dict(zip(header, row)) for row in ws.iter_rows(min_row=2)]


def query(db, sql: str, *args) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql, args).fetchall()


def test_workbook_opens_on_tasks_with_the_analysts_columns(desk):
    wb = desk["wb"]
    assert wb.sheetnames[:4] == ["tasks", "metrics", "flags", "progress"]
    assert wb.active.title == "tasks"
    header = [c.value for c in wb["tasks"][1]]
    assert header[:9] == ["title", "section", "task", "牵头", "配合", "负责", "deadline", "recurring", "status"]
    assert header[-1] == "sha256"
    ws = wb["tasks"]
    widths = [ws.column_dimensions[c.column_letter].width for c in ws[1]]
    assert sum(widths[:2]) <= 60 and widths[2] >= 40  # title and section narrow (wrapped): the task in view
    # the raw tables follow, those named like an analyst's sheet as *_table
    for name in ("documents", "document_paths", "sections", "tasks_table", "task_units", "units", "unit_aliases",
                 "deadlines", "metrics_table", "flags_table", "errors", "runs"):
        assert name in wb.sheetnames[4:], name
    for ws in wb.worksheets:
        assert ws.freeze_panes == "A2", ws.title
        assert ws.auto_filter.ref.startswith("A1:"), ws.title


def test_tasks_sheet_values_match_the_database(desk):
    db = desk["db"]
    _, rows = sheet_rows(desk["wb"]["tasks"])
    n_tasks = query(db, "SELECT count(*) FROM tasks")[0][0]
    assert len(rows) == n_tasks
    titles = dict(query(db, "SELECT sha256, title FROM documents"))
    canon: dict = {}
    for sha, tid, role, name in query(db, "SELECT sha256, task_id, role, canonical FROM task_units ORDER BY ord"):
        canon.setdefault((sha, tid, role), [])
        if name not in canon[(sha, tid, role)]:
            canon[(sha, tid, role)].append(name)
    due: dict = {}
    recurring: dict = {}
    for sha, tid, kind, d, raw in query(db, "SELECT sha256, task_id, kind, due, raw FROM deadlines"):
        if kind == "recurring":
            recurring.setdefault((sha, tid), []).append(raw)
        elif d:
            due[(sha, tid)] = min(d, due.get((sha, tid), d))
    status = dict(((p, t), s) for p, t, s in query(db, "SELECT plan_sha256, task_id, status FROM task_progress"))
    n_dates = 0
    for row in rows:
        key = (row["sha256"].value, row["task_id"].value)
        assert row["title"].value == (titles[key[0]] or row["source"].value)  # untitled: named by its file
        for role, col in (("lead", "牵头"), ("support", "配合"), ("responsible", "负责")):
            assert (row[col].value or None) == ("; ".join(canon.get((*key, role), [])) or None), (key, col)
        if key in due:  # a by_date or a range: a real date cell, the earliest due
            n_dates += 1
            cell = row["deadline"]
            assert cell.is_date and cell.number_format == "yyyy-mm-dd", (key, cell.value)
            assert cell.value.date() == date.fromisoformat(due[key])
        else:
            assert row["deadline"].value is None
        if key in recurring:
            assert all(raw in row["recurring"].value for raw in recurring[key])
        assert row["status"].value == status.get(key)
    assert n_dates >= 10
    assert sum(r["status"].value == "done" for r in rows) >= 3
    assert sum(bool(r["牵头"].value) for r in rows) >= 10


def test_no_absolute_path_and_titles_not_hashes(desk):
    root = str(desk["root"])
    wb = desk["wb"]
    sources = set()
    for ws in wb.worksheets:
        header, rows = sheet_rows(ws)
        hex_cols = set()
        for row in rows:
            for col, cell in row.items():
                v = cell.value
                if not isinstance(v, str):
                    continue
                assert root not in v and str(ROOT) not in v, (ws.title, col, v[:200])
                assert not v.startswith("/"), (ws.title, col, v[:200])
                if HEX64.search(v):
                    hex_cols.add(col)
        # a sha256 never in the first columns: the columns holding one come after every other (non-empty) column
        filled = [c for c in header if any(r[c].value is not None for r in rows)]
        holds = [c in hex_cols for c in filled]
        assert holds == sorted(holds), (ws.title, filled, hex_cols)
        assert not hex_cols & set(header[:3]), (ws.title, header)
        assert not hex_cols or "sha256" in hex_cols or any(c.endswith("_sha256") for c in hex_cols), ws.title
        if "sha256" in header and ws.title != "documents":
            assert header[0] == "title" or header[0].endswith("_title") or ws.title == "units", (ws.title, header)
        for col in ("source", "path", "plan_source", "report_source"):
            if col in header:
                sources.update(r[col].value for r in rows if r[col].value)
    assert any(s.startswith("samples/") for s in sources) and any(s.startswith("pairs/") for s in sources)
    for s in sources:
        assert (desk["root"] / s).is_file(), s  # relative to the ingest root
    # a unit scoped to one document names it by title
    _, units = sheet_rows(wb["units"])
    assert any(u["scope"].value.startswith("document:") for u in units)


def test_metrics_sheet_measures_and_sentences(desk):
    db = desk["db"]
    header, rows = sheet_rows(desk["wb"]["metrics"])
    assert header[:10] == ["title", "section", "measure", "stage", "kind", "value", "unit", "category", "subject",
                           "sentence"]
    assert len(rows) == query(db, "SELECT count(*) FROM metrics")[0][0]
    texts = dict(query(db, "SELECT sha256, text FROM documents"))
    stored = {(s, o): (m, st, v) for s, o, m, st, v in query(db, "SELECT sha256, ord, measure, stage, value "
                                                                  "FROM metrics")}
    measures = set()
    for row in rows:
        key = (row["sha256"].value, row["ord"].value)
        m, st, v = stored[key]
        assert (row["measure"].value, row["stage"].value) == (m, st)
        assert row["value"].value == (None if v is None else (int(v) if float(v).is_integer() else v))
        measures.add(m)
        s, e = row["span_start"].value, row["span_end"].value
        if s is not None and e is not None and e > s:
            sentence = row["sentence"].value
            assert texts[key[0]][s:e].strip() in sentence, (key, sentence)
            assert len(sentence) <= (e - s) + 2 * 300 + 1
    assert {"hazards_found", "hazards_rectified"} <= measures or len(measures - {None}) >= 10, measures
    assert sum(bool(r["sentence"].value) for r in rows) >= 0.9 * len(rows)


def test_flags_sheet(desk):
    db = desk["db"]
    header, rows = sheet_rows(desk["wb"]["flags"])
    assert header[:4] == ["title", "code", "message", "sentence"]
    assert len(rows) == query(db, "SELECT count(*) FROM flags")[0][0] > 0
    texts = dict(query(db, "SELECT sha256, text FROM documents"))
    for row in rows:
        assert row["title"].value and row["code"].value
        s, e = row["span_start"].value, row["span_end"].value
        if s is not None and e is not None and e > s:
            assert texts[row["sha256"].value][s:e].strip() in row["sentence"].value
        else:
            assert row["sentence"].value is None  # a flag of the whole document has no sentence


def test_progress_sheet_from_track(desk):
    db = desk["db"]
    header, rows = sheet_rows(desk["wb"]["progress"])
    assert header[:6] == ["plan_title", "plan_section", "plan_task", "status", "report_title", "evidence"]
    stored = query(db, "SELECT plan_sha256, task_id, ord, status, report_sha256, sentence FROM task_progress")
    assert len(rows) == len(stored) > 0
    titles = dict(query(db, "SELECT sha256, title FROM documents"))
    task_text = {(s, t): x for s, t, x in query(db, "SELECT sha256, id, text FROM tasks")}
    by_key = {(p, t, o): (st, r, sen) for p, t, o, st, r, sen in stored}
    for row in rows:
        key = (row["plan_sha256"].value, row["task_id"].value, row["ord"].value)
        st, report, sentence = by_key[key]
        assert row["status"].value == st
        assert row["plan_title"].value == titles[key[0]]
        assert row["plan_task"].value == task_text[key[:2]]
        assert row["report_title"].value == (titles[report] if report else None)
        assert row["evidence"].value == sentence
    statuses = {r["status"].value for r in rows}
    assert {"done", "not_reported"} <= statuses
    pair_plan = [r for r in rows if r["plan_source"].value.startswith("pairs/")]
    assert pair_plan and any(r["report_source"].value and r["report_source"].value.startswith("pairs/")
                             for r in pair_plan)


def test_raw_tables_have_date_cells(desk):
    _, rows = sheet_rows(desk["wb"]["deadlines"])
    dated = [r["due"] for r in rows if r["due"].value is not None]
    assert dated and all(c.is_date for c in dated)
    _, runs = sheet_rows(desk["wb"]["runs"])
    assert all(isinstance(r["started_at"].value, datetime) for r in runs if r["id"].value is not None)


def test_progress_sheet_without_track_is_empty(tmp_path):
    """A database nobody ran ``track`` on: an empty status column and a progress sheet with its header only."""
    from pipeline.api import ingest
    from pipeline.store.export import export
    from pipeline.store.read import TaskDB

    docs = tmp_path / "docs"
    docs.mkdir()
    shutil.copy(PAIR / "pair01_plan.txt", docs / "plan.txt")
    ingest([docs], tmp_path / "t.sqlite")
    with TaskDB(str(tmp_path / "t.sqlite")) as db:
        (out,) = export(db, tmp_path / "t.xlsx", "xlsx")
    wb = openpyxl.load_workbook(out)
    _, rows = sheet_rows(wb["tasks"])
    assert rows and all(r["status"].value is None for r in rows)
    assert all(r["source"].value == "plan.txt" for r in rows)  # one file: relative to its folder
    assert wb["progress"].max_row == 1


PLAN = "\n".join([
    '=HYPERLINK("http://evil.example/","点击查看")安全生产工作要点',
    "一、=SUM(A1:A9)加强隐患排查治理",
    "(一)+开展危化品专项整治。(牵头单位:=区住建局;配合单位:@区消防救援大队)2024年6月30日前完成。",
    "(二)-开展燃气安全检查。(责任单位:+区应急管理局)2024年9月底前完成。",
    "全年排查隐患1200处,整改1180处。",
])


def test_formula_characters_escaped_in_the_analyst_sheets(tmp_path):
    from pipeline.api import ingest
    from pipeline.store.export import export
    from pipeline.store.read import TaskDB

    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "=plan.txt").write_text(PLAN, encoding="utf-8")
    ingest([docs], tmp_path / "f.sqlite")
    with TaskDB(str(tmp_path / "f.sqlite")) as db:
        (out,) = export(db, tmp_path / "f.xlsx", "xlsx")
    wb = openpyxl.load_workbook(out)
    quoted = assert_no_live_formulas(wb)
    _, rows = sheet_rows(wb["tasks"])
    assert rows[0]["title"].value.startswith("'=HYPERLINK")
    assert rows[0]["source"].value == "'=plan.txt"
    assert any(r["牵头"].value and r["牵头"].value.startswith("'=") for r in rows)
    assert quoted >= 4


def test_sentence_at():
    from pipeline.store.export import sentence_at

    text = "一、总体要求\n全年排查隐患350处,整改340处。下半年继续。"
    assert sentence_at(text, text.index("350"), text.index("350") + 4) == "全年排查隐患350处,整改340处。"
    assert sentence_at(text, 0, 0) is None and sentence_at(text, None, 3) is None
    assert sentence_at(text, 5, len(text) + 5) is None  # a span beyond the text: no sentence, no error
    long = "甲" * 2000 + "排查隐患3处" + "乙" * 2000
    s = sentence_at(long, 2004, 2006)
    assert "隐患3处" in s and len(s) <= 2 + 600


def test_workbook_on_postgresql(tmp_path):
    """The same sheets from a PostgreSQL database: statuses, progress rows, date cells, relative paths."""
    from sqlalchemy import func, select

    from pipeline.api import ingest
    from pipeline.store.export import export
    from pipeline.store.read import TaskDB
    from pipeline.store.schema import task_progress
    from pipeline.track.db import track_db
    from test_store import DbFactory

    factory = DbFactory("postgresql", tmp_path)
    try:
        url = factory.new("desk")
        docs = tmp_path / "pair"
        shutil.copytree(PAIR, docs, ignore=shutil.ignore_patterns("*.json", "*.md"))
        assert not ingest([docs], url).failed
        track_db(url)
        with TaskDB(url) as db:
            (out,) = export(db, tmp_path / "pg.xlsx", "xlsx")
            with db.engine.connect() as conn:
                n_progress = conn.execute(select(func.count()).select_from(task_progress)).scalar()
                statuses = dict(((r.plan_sha256, r.task_id), r.status) for r in conn.execute(
                    select(task_progress.c.plan_sha256, task_progress.c.task_id, task_progress.c.status)))
        wb = openpyxl.load_workbook(out)
        _, tasks = sheet_rows(wb["tasks"])
        assert {r["source"].value for r in tasks} == {"pair01_plan.txt", "pair01_report.txt"}
        for r in tasks:
            assert r["status"].value == statuses.get((r["sha256"].value, r["task_id"].value))
        assert any(r["status"].value == "done" for r in tasks)
        assert any(r["deadline"].is_date for r in tasks)
        _, progress = sheet_rows(wb["progress"])
        assert len(progress) == n_progress > 0
        assert all(r["plan_title"].value for r in progress)
    finally:
        factory.cleanup()
