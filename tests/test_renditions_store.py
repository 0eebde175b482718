"""One document, several files (issue 9, item 1): renditions, near-duplicates and versions in the store.

- Renditions of one text (.txt, .docx, .pdf, .html of a report) are one document with a path per file;
  counts, queries, exports and the pandas API count it once, and its tasks and metrics are stored once,
  from the rendition with the richest text layer (Word first), whatever the order the files come in.
- A near-duplicate (a web copy with chrome the cleaner left, a table laid out otherwise) is a rendition
  when the Jaccard similarity of its text's 5-character shingles is at least THRESHOLD
  (scripts/measure_renditions.py measured the corpus: true renditions ≥ 0.946, distinct documents ≤ 0.197).
- A later version (same title and issuer, a text changed beyond the threshold) is another document linked
  by version_of / version; queries and totals read the latest version unless asked for all.
- A database written by the previous code (schema 2, renditions stored apart) is upgraded in place: the
  renditions merged, nothing read again.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import threading
from pathlib import Path

import pytest

from conftest import taskdb_cmd
from test_store import BACKENDS, POOL, ROOT, SAMPLES, DbFactory, dump

FIXTURES = ROOT / "tests" / "data" / "store"
FORMATS = ("txt", "docx", "pdf", "html")


def sample_files(*formats: str) -> list[Path]:
    return sorted(p for p in SAMPLES.iterdir() if p.suffix.lstrip(".") in formats)


@pytest.fixture(scope="module")
def ingested(tmp_path_factory):
    """corpora/samples ingested twice: every format, and the .txt files alone."""
    from pipeline.api import ingest

    folder = tmp_path_factory.mktemp("renditions")
    all_url, txt_url = str(folder / "all.sqlite"), str(folder / "txt.sqlite")
    report = ingest([SAMPLES], all_url)
    ingest(sample_files("txt"), txt_url)
    return report, all_url, txt_url


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(taskdb_cmd(*args), cwd=ROOT, capture_output=True, text=True, timeout=300,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})


# -- renditions of the samples -----------------------------------------------------------------------------------

def test_renditions_each_text_counts_once(ingested):
    from pipeline.api import open_db

    report, url, txt_url = ingested
    n_texts = len(sample_files("txt"))
    assert (report.stored, report.renditions, report.failed) == (n_texts, 3 * n_texts, [])
    assert report.totals["documents"] == n_texts and report.totals["files"] == 4 * n_texts
    with open_db(url) as db, open_db(txt_url) as txt:
        docs = db.documents()
        assert len(docs) == n_texts
        assert set(docs["formats"]) == {"docx,html,pdf,txt"} and set(docs["n_paths"]) == {4}
        # the rows come from the Word rendition, the richest text layer
        assert set(docs["format"]) == {"docx"} and all(s.endswith(".docx") for s in docs["source"])
        paths = db.paths()
        assert len(paths) == 4 * n_texts and sorted(set(paths["format"])) == sorted(FORMATS)
        assert (paths["file_sha256"] == paths["sha256"]).sum() == n_texts
        # tasks once: as many as the .txt-only database holds, none listed twice
        counts, txt_counts = db.counts(), txt.counts()
        for table in ("documents", "tasks", "task_units", "deadlines", "metrics", "sections"):
            assert counts[table] == txt_counts[table], table
        flat = db.tasks_flat()
        assert len(flat) == txt_counts["tasks"] and not flat.duplicated(["title", "task"]).any()


def test_renditions_totals_match_the_txt_only_ingest(ingested):
    """Hazards (and every other category) sum as they do from the .txt files alone: no rendition adds to them."""
    from pipeline.api import open_db

    _, url, txt_url = ingested
    with open_db(url) as db, open_db(txt_url) as txt:
        got = db.metrics_summary(by="category")
        want = txt.metrics_summary(by="category")
    key = ["category", "unit"]
    got, want = got.sort_values(key).reset_index(drop=True), want.sort_values(key).reset_index(drop=True)
    assert got[key + ["n", "total"]].equals(want[key + ["n", "total"]])
    hazards = got[got["category"] == "hazard"]
    assert len(hazards) and hazards["total"].sum() > 0


def test_renditions_query_counts_once(ingested):
    _, url, _ = ingested
    n_texts = len(sample_files("txt"))
    out = _cli("query", "--db", url, "--format", "jsonl")
    assert out.returncode == 0, out.stderr
    counts = {r["table"]: r["rows"] for r in map(json.loads, out.stdout.splitlines())}
    assert counts["documents"] == n_texts and counts["document_paths"] == 4 * n_texts
    tasks = _cli("query", "--db", url, "--role", "lead", "--format", "jsonl", "--columns", "sha256,task_id")
    rows = [tuple(json.loads(line).values()) for line in tasks.stdout.splitlines()]
    assert rows and len(rows) == len(set(rows))
    by_doc = _cli("query", "--db", url, "--metrics-by", "document", "--format", "jsonl")
    assert len({json.loads(line)["sha256"] for line in by_doc.stdout.splitlines()}) <= n_texts


def test_renditions_export_lists_each_document_once(ingested, tmp_path):
    from pipeline.api import open_db
    from pipeline.store.export import export

    _, url, _ = ingested
    with open_db(url) as db:
        export(db, tmp_path, "jsonl")
        n_tasks = db.counts()["tasks"]
    docs = (tmp_path / "documents.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(docs) == len(sample_files("txt"))
    assert len((tmp_path / "tasks_flat.jsonl").read_text(encoding="utf-8").splitlines()) == n_tasks
    assert len((tmp_path / "document_paths.jsonl").read_text(encoding="utf-8").splitlines()) == 4 * len(docs)


def test_renditions_reingest_adds_nothing(ingested, tmp_path):
    from pipeline.api import ingest

    _, url, _ = ingested
    copy = tmp_path / "again.sqlite"
    shutil.copy(url, copy)
    before = dump(str(copy))
    again = ingest([SAMPLES], str(copy))
    assert (again.stored, again.renditions, again.skipped) == (0, 0, 4 * len(sample_files("txt")))
    assert dump(str(copy)) == before


def test_renditions_any_order_stores_the_same_rows(ingested, tmp_path):
    """The .txt files first, the richer renditions later: the Word file's rows replace the text file's, and the
    database ends as the one that read every file at once."""
    from pipeline.api import ingest

    _, url, _ = ingested
    late = str(tmp_path / "late.sqlite")
    first = ingest(sample_files("txt"), late)
    then = ingest(sample_files("pdf", "html", "docx"), late)
    assert first.stored == then.renditions // 3 == len(sample_files("txt")) and then.stored == 0
    assert dump(late) == dump(url)


# -- near-duplicates ---------------------------------------------------------------------------------------------

_CHROME = """<html><head><meta charset="utf-8"><title>{title}_某区人民政府门户网站</title></head><body>
<div class="nav">首页 | 政务公开 | 政策文件 | 新闻中心 | 互动交流</div>
<div class="crumb">当前位置:首页 &gt; 政务公开 &gt; 工作总结</div>
<div class="info">发布时间:2024-01-05 来源:区应急管理局 浏览次数:1234</div>
<div class="content">{body}</div>
<p>本文转载自网络,编辑:王某。相关阅读:关于做好冬季安全生产工作的通知;全区召开安全生产工作会议。</p>
<div>【打印本页】【关闭窗口】【加入收藏】</div>
<div class="footer">主办单位:某区人民政府办公室 版权所有 联系电话:0000-1234567 备案号:某ICP备00000000号</div>
</body></html>"""


def _web_copy(txt: Path, out: Path) -> Path:
    """The text of ``txt`` as a portal's page: site chrome around it (which the cleaner removes), an editor's
    note above it and its last paragraph left out (which it cannot know to remove)."""
    from html import escape

    lines = [line for line in txt.read_text(encoding="utf-8").splitlines() if line.strip()]
    lines = ["编者按:本文为该局年度工作总结,刊发时略有删节,标题为编者所加。", *lines[:-1]]
    paras = "".join(f"<p>{escape(line)}</p>" for line in lines)
    out.write_text(_CHROME.format(title="工作汇报", body=paras), encoding="utf-8")
    return out


def test_renditions_a_web_copy_with_chrome_is_one_document(tmp_path):
    from pipeline.api import extract, ingest, open_db
    from pipeline.store.renditions import THRESHOLD, similarity, text_key

    txt = SAMPLES / "004_292e0180c7549e92.txt"
    web = _web_copy(txt, tmp_path / "copy.html")
    a, b = extract(str(txt)), extract(str(web))
    j = similarity(a.text, b.text)
    assert text_key(a.text) != text_key(b.text), "the copy keeps some chrome: a near-duplicate, not the same text"
    assert THRESHOLD <= j < 1.0
    url = str(tmp_path / "db.sqlite")
    report = ingest([txt, web], url)
    assert (report.stored, report.renditions) == (1, 1)
    with open_db(url) as db:
        docs = db.documents()
        assert len(docs) == 1 and docs["formats"][0] == "html,txt"
        assert docs["format"][0] == "txt"  # plain text is a richer layer than a web page


def test_renditions_below_the_threshold_are_two_documents(tmp_path):
    """Half a report is not a rendition of it: another document (no title or issuer to make it a version)."""
    from pipeline.api import ingest, open_db

    src = SAMPLES / "004_292e0180c7549e92.txt"
    lines = src.read_text(encoding="utf-8").splitlines()
    half = tmp_path / "half.txt"
    half.write_text("\n".join(lines[: len(lines) // 3]) + "\n", encoding="utf-8")
    url = str(tmp_path / "db.sqlite")
    report = ingest([src, half], url)
    assert (report.stored, report.renditions, report.versions) == (2, 0, 0)
    with open_db(url) as db:
        assert len(db.documents()) == 2


# -- versions ----------------------------------------------------------------------------------------------------

def _two_versions(folder: Path) -> tuple[Path, Path]:
    """The 2024 工作要点 of a 区安委会, and a later text of it (same title and issuer): its first third, then a
    new closing part."""
    folder.mkdir(parents=True, exist_ok=True)
    src = SAMPLES / "002_2d6767afaa7999d4.txt"
    v1, v2 = folder / "yaodian_v1.txt", folder / "yaodian_v2.txt"
    shutil.copy(src, v1)
    lines = src.read_text(encoding="utf-8").splitlines()
    v2.write_text("\n".join(lines[: len(lines) // 3]) + "\n三、工作要求\n各成员单位要于2024年6月30日前报送上半年工作总结。\n",
                  encoding="utf-8")
    os.utime(v1, (1_700_000_000, 1_700_000_000))
    os.utime(v2, (1_710_000_000, 1_710_000_000))  # modified later: the later version
    return v1, v2


@pytest.mark.parametrize("backend", BACKENDS)
def test_renditions_a_changed_version_is_a_version(backend, tmp_path):
    from pipeline.api import extract, ingest, open_db
    from pipeline.store.renditions import THRESHOLD, similarity

    dbs = DbFactory(backend, tmp_path)
    try:
        url = dbs.new()
        v1, v2 = _two_versions(tmp_path / "in")
        d1, d2 = extract(str(v1)), extract(str(v2))
        assert (d1.title, d1.issuer) == (d2.title, d2.issuer) and d1.title and d1.issuer
        assert similarity(d1.text, d2.text) < THRESHOLD
        report = ingest([v2], url)  # the later version first: numbers follow the files, not the order of ingestion
        report2 = ingest([v1], url)
        assert (report.stored, report2.stored, report2.versions) == (1, 1, 1)
        with open_db(url) as db, open_db(url, all_versions=True) as every:
            latest = db.documents()
            assert len(latest) == 1 and latest["source"][0] == str(v2) and latest["version"][0] == 2
            docs = every.documents().set_index("sha256")
            assert len(docs) == 2
            assert docs.loc[d2.sha256, "version_of"] == d1.sha256 and docs.loc[d1.sha256, "version"] == 1
            assert not docs.loc[d1.sha256, "latest"] and docs.loc[d2.sha256, "latest"]
            assert set(db.tasks()["sha256"]) == {d2.sha256}
            assert every.counts()["tasks"] == len(d1.tasks) + len(d2.tasks) > db.counts()["tasks"] == len(d2.tasks)
        out = _cli("query", "--db", url, "--format", "jsonl")
        assert {r["table"]: r["rows"] for r in map(json.loads, out.stdout.splitlines())}["documents"] == 1
        out = _cli("query", "--db", url, "--format", "jsonl", "--all-versions")
        assert {r["table"]: r["rows"] for r in map(json.loads, out.stdout.splitlines())}["documents"] == 2
        # the later file gone: the first version is the latest again
        v2.unlink()
        v2.write_bytes(b"")
        ingest([v2], url)
        with open_db(url) as db:
            docs = db.documents()
            assert list(docs["sha256"]) == [d1.sha256] and docs["version"][0] == 1 and docs["latest"][0]
    finally:
        dbs.cleanup()


# -- concurrent ingests ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("backend", BACKENDS)
def test_renditions_concurrent_ingests_store_each_text_once(backend, tmp_path):
    """Two ingests at once, one reading the .txt files and one the Word files of the same texts, into one
    database: each text once, with both paths."""
    from pipeline.api import ingest, open_db

    dbs = DbFactory(backend, tmp_path)
    try:
        url = dbs.new()
        ingest([POOL / "02_dengfeng_xuzhuang_2017_zhuanxiang_zhengzhi_anpaibiao.txt"], url)  # the schema, made once
        files = [sample_files("txt")[:3], sample_files("docx")[:3]]
        errors: list[BaseException] = []

        def run(batch):
            try:
                ingest(batch, url)
            except BaseException as e:  # noqa: BLE001 - reported below
                errors.append(e)

        threads = [threading.Thread(target=run, args=(batch,)) for batch in files]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=600)
        assert not errors
        with open_db(url) as db:
            docs = db.documents()
            assert len(docs) == 4 and sorted(docs["n_paths"]) == [1, 2, 2, 2]
            assert len(db.paths()) == 7
    finally:
        dbs.cleanup()


# The race the concurrent test above met once in three CI runs on SQLite, forced: writer A decides where the .txt
# goes (nothing stored: a new document) and is held between deciding and writing, while writer B stores the Word file
# of the same text. Unless A's decision and its write are one step under the database's write lock, B finds nothing
# either and stores the Word file as a second document, which then becomes a *version* of the .txt's (same title and
# issuer): the text shows one of its two paths. With the lock, B waits until A has committed, finds the .txt's
# document and replaces its rows with the Word file's (the richer text layer), keeping both paths.
HOLD_S = 2.0


@pytest.fixture(scope="module")
def rendition_rows():
    """The rows of the .txt and the Word rendition of one sample (extracted once for the module)."""
    from pipeline.api import extract
    from pipeline.store.writer import document_rows

    stem = sample_files("txt")[0].stem
    return [(str(SAMPLES / f"{stem}.{ext}"), document_rows(extract(str(SAMPLES / f"{stem}.{ext}")),
                                                          pipeline_version="test"))
            for ext in ("txt", "docx")]


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("held", ["txt", "docx"])
def test_renditions_a_writer_decides_and_writes_under_one_lock(backend, held, rendition_rows, tmp_path, monkeypatch):
    from pipeline.api import open_db
    from pipeline.store import writer as writer_mod
    from pipeline.store.db import open_engine
    from pipeline.store.writer import NEW, RENDITION, Placement, Writer

    (txt_path, txt_rows), (docx_path, docx_rows) = rendition_rows
    dbs = DbFactory(backend, tmp_path)
    try:
        url = dbs.new()
        open_engine(url).dispose()  # the schema, made once
        first, second = ("A", "B")
        other_done = threading.Event()
        decided = threading.Event()
        real_find = writer_mod.find_rendition

        def find_and_hold(conn, *args, **kwargs):
            found = real_find(conn, *args, **kwargs)
            if threading.current_thread().name == first:
                decided.set()
                other_done.wait(HOLD_S)  # the window: B runs here unless A holds the lock
            return found

        monkeypatch.setattr(writer_mod, "find_rendition", find_and_hold)
        plan = {"txt": (txt_path, txt_rows), "docx": (docx_path, docx_rows)}
        order = [held, "docx" if held == "txt" else "txt"]
        results: dict[str, list[str]] = {}
        errors: list[BaseException] = []

        def write(name: str, what: str) -> None:
            engine = open_engine(url)
            try:
                if name == second:
                    decided.wait(30)
                w = Writer(engine)
                run = w.start_run(pipeline_version="test", stages=[], options={}) if name == first else run_b
                path, rows = plan[what]
                results[what] = w.write_documents([Placement(rows, path, 1.0, 1)], run_id=run)
            except BaseException as e:  # noqa: BLE001 - reported below
                errors.append(e)
            finally:
                if name == second:
                    other_done.set()
                engine.dispose()

        setup = open_engine(url)
        run_b = Writer(setup).start_run(pipeline_version="test", stages=[], options={})
        setup.dispose()
        threads = [threading.Thread(target=write, args=(name, what), name=name)
                   for name, what in zip((first, second), order)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=120)
        assert not errors, errors
        assert results[order[0]] == [NEW] and results[order[1]] == [RENDITION]
        with open_db(url, all_versions=True) as db:
            docs = db.documents()
            assert len(docs) == 1, "the two renditions were stored as two documents"
            assert docs["format"][0] == "docx" and docs["n_paths"][0] == 2
            assert sorted(db.paths()["path"]) == sorted([txt_path, docx_path])
    finally:
        dbs.cleanup()


# -- the upgrade from schema 2 -----------------------------------------------------------------------------------

def _schema2_database(backend: str, dbs: DbFactory, tmp_path: Path) -> str:
    """A database written by the previous code (schema 2): samples/004 as .txt, .docx and .pdf, stored as three
    documents, and a pool plan (tests/data/store/schema2.sqlite, made by `taskdb ingest` before this change; on
    PostgreSQL the same rows under the DDL that code created, tests/data/store/schema2.postgresql.sql)."""
    from sqlalchemy import MetaData, create_engine, select, text

    from pipeline.store.db import make_engine

    sqlite = tmp_path / "schema2.sqlite"
    shutil.copy(FIXTURES / "schema2.sqlite", sqlite)
    if backend == "sqlite":
        return str(sqlite)
    url = dbs.new("schema2")
    source = create_engine(f"sqlite:///{sqlite}")
    target = make_engine(url)
    ddl = (FIXTURES / "schema2.postgresql.sql").read_text(encoding="utf-8")
    with target.begin() as conn:
        for statement in (s.strip() for s in ddl.split(";")):
            body = "\n".join(line for line in statement.splitlines() if not line.startswith("--")).strip()
            if body:
                conn.exec_driver_sql(body)
    src_meta, dst_meta = MetaData(), MetaData()
    src_meta.reflect(source)
    dst_meta.reflect(target)
    with source.connect() as src, target.begin() as dst:
        for table in dst_meta.sorted_tables:
            rows = [dict(r._mapping) for r in src.execute(select(src_meta.tables[table.name]))]
            for row in rows:
                for col in table.columns:
                    if col.name in row and str(col.type) == "BOOLEAN" and row[col.name] is not None:
                        row[col.name] = bool(row[col.name])
                    if col.name in row and str(col.type) == "JSON" and isinstance(row[col.name], str):
                        row[col.name] = json.loads(row[col.name])
            if rows:
                dst.execute(table.insert(), rows)
        dst.execute(text("SELECT setval(pg_get_serial_sequence('runs', 'id'), (SELECT max(id) FROM runs))"))
    source.dispose()
    target.dispose()
    return url


@pytest.mark.parametrize("backend", BACKENDS)
def test_renditions_a_schema_2_database_upgrades_in_place(backend, tmp_path):
    from sqlalchemy import select

    from pipeline.api import ingest, open_db
    from pipeline.store.db import make_engine, open_engine
    from pipeline.store.schema import SCHEMA_VERSION, documents, taskdb_meta

    dbs = DbFactory(backend, tmp_path)
    try:
        url = _schema2_database(backend, dbs, tmp_path)
        engine = make_engine(url)
        with engine.connect() as conn:
            assert conn.execute(select(taskdb_meta.c.value)).scalar() == "2"
            n_tasks_before = conn.exec_driver_sql("SELECT count(*) FROM tasks").scalar()
            assert conn.exec_driver_sql("SELECT count(*) FROM documents").scalar() == 4
        engine.dispose()
        open_engine(url).dispose()  # upgrades
        with open_db(url) as db:
            docs = db.documents()
            assert len(docs) == 2 and sorted(docs["n_paths"]) == [1, 3]
            merged = docs[docs["n_paths"] == 3].iloc[0]
            assert merged["format"] == "docx" and merged["formats"] == "docx,pdf,txt"
            assert db.counts()["tasks"] < n_tasks_before  # the renditions' tasks are there once
            assert set(db.paths()["file_sha256"]) >= set(docs["sha256"])
        engine = make_engine(url)
        with engine.connect() as conn:
            assert conn.execute(select(taskdb_meta.c.value)).scalar() == str(SCHEMA_VERSION)
            assert all(conn.execute(select(documents.c.text_key)).scalars())
        engine.dispose()
        # the same files, read from this checkout: all known by their bytes, nothing parsed or added
        files = [SAMPLES / f"004_292e0180c7549e92.{ext}" for ext in ("txt", "docx", "pdf")]
        files.append(POOL / "02_dengfeng_xuzhuang_2017_zhuanxiang_zhengzhi_anpaibiao.txt")
        before = dump(url)
        report = ingest(files, url)
        assert (report.stored, report.renditions, report.skipped) == (0, 0, 4)
        after = dump(url)
        assert {k: v for k, v in after.items() if k != "document_paths"} == \
            {k: v for k, v in before.items() if k != "document_paths"}
    finally:
        dbs.cleanup()


def test_renditions_a_missing_table_is_made_at_the_current_version(tmp_path):
    """The bug of the previous store: a database at the current version that lacks a table (one added without a
    version bump, or dropped) failed on the schema_version row instead of getting the table."""
    from sqlalchemy import inspect, select

    from pipeline.store.db import make_engine, open_engine
    from pipeline.store.schema import SCHEMA_VERSION, taskdb_meta

    url = str(tmp_path / "db.sqlite")
    open_engine(url).dispose()
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.exec_driver_sql("DROP TABLE document_bands")
    engine.dispose()
    engine = open_engine(url)
    with engine.connect() as conn:
        assert inspect(conn).has_table("document_bands")
        assert conn.execute(select(taskdb_meta.c.value)).scalars().all() == [str(SCHEMA_VERSION)]
    engine.dispose()


# -- the keys ----------------------------------------------------------------------------------------------------

def test_renditions_normalise_takes_out_what_formats_change():
    from pipeline.store.renditions import normalise, text_key

    txt = "一、总体要求\n（一）排查隐患１２０处。\n烟花爆竹 |\n1月份 |\n"
    docx = "一、 总体要求\n(一)排查隐患120处。\n烟花爆竹 | 1月份 |"
    assert normalise(txt) == normalise(docx) == "一、总体要求(一)排查隐患120处。烟花爆竹1月份"
    assert text_key(txt) == text_key(docx) != text_key(docx.replace("120", "210"))


def test_renditions_band_hashes_are_stable():
    """Band hashes are compared with hashes stored by other processes, machines and releases: pinned here, so
    that a change of datasketch's hashing (or of our parameters) is caught before it splits documents."""
    from pipeline.store.renditions import BANDS, band_hashes, normalise

    bands = band_hashes(normalise("区安全生产委员会2024年工作要点"))
    assert len(bands) == BANDS
    assert bands[:3] == ["4a7cd25d0a0a11fc", "9e03fe0375edd530", "1e6172a9a3a6f025"]


def test_renditions_canonical_is_the_richest_text_layer():
    from pipeline.store.renditions import richness

    files = [("pdf", 5000, "a"), ("html", 5200, "b"), ("txt", 4900, "c"), ("docx", 4800, "d"), ("txt", 4950, "e")]
    assert [f[0] + f[2] for f in sorted(files, key=lambda f: richness(*f))] == ["docxd", "txte", "txtc", "htmlb",
                                                                              "pdfa"]
