"""The store (issue #4): schema, one writer, idempotent ingest, replacement, readers.

Contract: every document is written in one transaction, keyed by the sha256 of
its bytes; re-ingesting unchanged files changes no row; a changed file at a
known path replaces that path's old document (and its rows, unless another path
holds the same bytes); a file that cannot be read is an ``errors`` row and the
batch goes on. The same tests run on SQLite and, when ``TASKDB_TEST_PG`` names a
reachable server (``.ci/run`` starts one), on PostgreSQL, each test in its own
schema.

Helpers here (``db_url``, ``dump``, ``good_files``) are shared with
``tests/test_ingest_cli.py``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import uuid
from dataclasses import replace
from pathlib import Path
from urllib.parse import quote

import pytest

ROOT = Path(__file__).resolve().parents[1]
CORPORA = ROOT / "corpora"
POOL = CORPORA / "pool"
SAMPLES = CORPORA / "samples"
BAD = ROOT / "tests" / "data" / "bad"

BACKENDS = ["sqlite", "postgresql"]


# -- backends ----------------------------------------------------------------------------------------------------

def _pg_base() -> str | None:
    """The PostgreSQL URL to test against, or None (skip); fails when CI said a server is there and it is not."""
    url = os.environ.get("TASKDB_TEST_PG")
    if not url:
        return None
    from sqlalchemy import text

    from pipeline.store.db import make_engine

    sep = "&" if "?" in url else "?"
    engine = make_engine(f"{url}{sep}connect_timeout=5")
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as e:
        if os.environ.get("TASKDB_TEST_PG_REQUIRED") == "1":
            pytest.fail(f"TASKDB_TEST_PG={url} is not reachable: {e}")
        return None
    finally:
        engine.dispose()
    return url


class DbFactory:
    """Fresh, empty databases for one test: SQLite files in tmp_path, or PostgreSQL schemas (dropped after)."""

    def __init__(self, backend: str, tmp_path: Path):
        self.backend = backend
        self.tmp_path = tmp_path
        self._schemas: list[str] = []
        self.pg = _pg_base() if backend == "postgresql" else None
        if backend == "postgresql" and self.pg is None:
            pytest.skip("no PostgreSQL server: set TASKDB_TEST_PG=postgresql://user:pw@127.0.0.1/db")

    def new(self, name: str = "db") -> str:
        if self.backend == "sqlite":
            return str(self.tmp_path / f"{name}-{uuid.uuid4().hex[:6]}.sqlite")
        from sqlalchemy import text

        from pipeline.store.db import make_engine

        schema = f"t_{name}_{uuid.uuid4().hex[:8]}".lower()
        engine = make_engine(self.pg)
        with engine.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        engine.dispose()
        self._schemas.append(schema)
        sep = "&" if "?" in self.pg else "?"
        return f"{self.pg}{sep}options={quote('-csearch_path=' + schema)}"

    def cleanup(self) -> None:
        if not self._schemas:
            return
        from sqlalchemy import text

        from pipeline.store.db import make_engine

        engine = make_engine(self.pg)
        with engine.begin() as conn:
            for schema in self._schemas:
                conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        engine.dispose()


@pytest.fixture(params=BACKENDS)
def dbs(request, tmp_path):
    factory = DbFactory(request.param, tmp_path)
    yield factory
    factory.cleanup()


@pytest.fixture
def sqlite_dbs(tmp_path):
    return DbFactory("sqlite", tmp_path)


# -- helpers -----------------------------------------------------------------------------------------------------

#: columns that say when or by which run a row was written, not what it holds
VOLATILE = {"run_id"}


def dump(url: str) -> dict[str, list[tuple]]:
    """Every row of every data table (not ``runs``), without run ids, in primary-key order."""
    from sqlalchemy import select

    from pipeline.store.db import open_engine
    from pipeline.store.schema import DATA_TABLES

    engine = open_engine(url, create=False)
    out = {}
    with engine.connect() as conn:
        for table in DATA_TABLES:
            cols = [c for c in table.columns if c.name not in VOLATILE]
            rows = conn.execute(select(*cols).order_by(*table.primary_key.columns)).all()
            out[table.name] = [tuple(r) for r in rows]
    engine.dispose()
    return out


#: words of the note that makes each copy a document of its own (nothing a task, unit or metric is made of)
_NOTE_WORDS = ("山川 河流 森林 草原 湖泊 星空 云朵 雨露 花园 果树 溪水 晨光 晚霞 松柏 竹林 稻田 麦浪 桃花 柳枝 荷塘 "
               "月色 春风 秋叶 冬雪 夏荷 青石 白沙 红枫 绿茵 蓝天").split()


def _note(i: int) -> str:
    """600 characters of its own for copy ``i``: enough that two copies of one plan (about 0.35 of their shingles
    shared), or a copy and its plan (about 0.5), are below the rendition threshold: distinct documents."""
    import random

    rng = random.Random(i)
    return "附记:" + "".join(rng.choice(_NOTE_WORDS) for _ in range(300)) + "。"


def small_copies(folder: Path, n: int) -> list[Path]:
    """``n`` small distinct documents made from pool plans, each with a last paragraph of its own (so its own
    sha256, and a text that is no near-duplicate of another copy's)."""
    bases = [POOL / name for name in ("02_dengfeng_xuzhuang_2017_zhuanxiang_zhengzhi_anpaibiao.txt",
                                      "01_ankang_2021_zhuanxiang_zhengzhi_renwuqingdan.txt",
                                      "04_qianxi_anquanshengchanyue_huodong_fangan_fanti_zerendanwei.txt")]
    texts = [b.read_text(encoding="utf-8") for b in bases]
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for i in range(n):
        p = folder / f"copy_{i:04d}.txt"
        p.write_text(texts[i % len(texts)].rstrip("\n") + f"\n{_note(i)}\n", encoding="utf-8")
        out.append(p)
    return out


def good_files() -> list[Path]:
    """A handful of corpus files in every format: four documents (the first two files are renditions of one)."""
    return [SAMPLES / "004_292e0180c7549e92.txt", SAMPLES / "004_292e0180c7549e92.docx",
            SAMPLES / "001_8b8311189899811f.html", POOL / "01_ankang_2021_zhuanxiang_zhengzhi_renwuqingdan.pdf",
            POOL / "02_dengfeng_xuzhuang_2017_zhuanxiang_zhengzhi_anpaibiao.txt"]


def documents_of(records: list[dict]) -> list[dict]:
    """The documents a store makes of extract records (``sha256``, ``format``, ``text``, ``issuer``, ``year``): the
    records whose texts are renditions of one another (SPEC: the same normalised text, or shingle Jaccard at
    least THRESHOLD without another issuer or year) grouped, and the richest text layer of each group kept."""
    from pipeline.store.renditions import THRESHOLD, richness, same_issuer, same_version_line, similarity

    records = sorted(records, key=lambda r: richness(r["format"], len(r["text"]), r["sha256"]))
    kept: list[dict] = []
    for r in records:
        if not any(same_issuer(r.get("issuer"), k.get("issuer")) and same_version_line(r.get("year"), k.get("year"))
                   and similarity(r["text"], k["text"]) >= THRESHOLD for k in kept):
            kept.append(r)
    return kept


def _doc(sha: str, *, issuer=None, tasks=(), metrics=(), year=2024, region=None):
    from pipeline.model import Document

    meta = {"region": region} if region else {}
    # a text of its own: documents with one text are renditions of one document (test_renditions_store.py)
    return Document(source=f"/x/{sha}.txt", sha256=sha, format="txt", raw_text="x", text=("正文" + sha) * 5,
                    title=f"文件{sha}", doc_type="plan", year=year, issuer=issuer, tasks=tuple(tasks),
                    metrics=tuple(metrics), meta=meta)


def _task(tid: str, text: str, units=(), deadlines=()):
    from pipeline.model import Task

    return Task(id=tid, section_id=None, span=(0, 4), text=text, units=tuple(units), deadlines=tuple(deadlines))


def _write(url: str, *docs) -> None:
    """Store hand-built Documents through the writer (one transaction each), each at its own path."""
    from pipeline.store.db import open_engine
    from pipeline.store.writer import Writer, document_rows

    engine = open_engine(url)
    w = Writer(engine)
    run = w.start_run(pipeline_version="test", stages=[], options={})
    for d in docs:
        w.write_document(document_rows(d, pipeline_version="test"), path=d.source, mtime=0.0, size=1, run_id=run)
    engine.dispose()


# -- rows of a Document ------------------------------------------------------------------------------------------

def test_store_document_rows_keep_every_item():
    from pipeline.model import Deadline, Flag, Metric, Section, Unit
    from pipeline.store.writer import document_rows

    units = (Unit("区应急局", "区应急管理局", "lead"), Unit("区消防救援大队", "区消防救援大队", "support"),
             Unit("区应急管理局", "区应急管理局", "responsible"))
    dls = (Deadline("by_date", date="2024-04-30", raw="4月底前", span=(1, 5)),
           Deadline("range", start="2024-05-01", end="2024-10-31", raw="5—10月份"),
           Deadline("recurring", freq="quarter", min_count=1, raw="每季度至少1次"))
    doc = _doc("a" * 64, issuer="安康市应急管理局", tasks=[_task("t1", "做事", units, dls)],
               metrics=[Metric("排查整治隐患", "hazard", 9542, "处", "排查整治隐患9542处", (3, 14))])
    doc = replace(doc, sections=(Section("s1", None, 1, "一", "总体要求", (0, 10)),),
                  flags=(Flag("garbled", "乱码", (2, 3)),))
    rows = document_rows(doc, pipeline_version="t")
    assert rows.document["region"] == "安康市"
    assert [u["canonical"] for u in rows.units] == ["区应急管理局", "区消防救援大队"]  # one row per organisation
    assert {a["name"] for a in rows.aliases} == {"区应急局", "区消防救援大队", "区应急管理局"}
    assert [(tu["name"], tu["role"]) for tu in rows.task_units] == [
        ("区应急局", "lead"), ("区消防救援大队", "support"), ("区应急管理局", "responsible")]
    assert [d["due"] for d in rows.deadlines] == ["2024-04-30", "2024-10-31", None]
    assert rows.metrics[0]["value"] == 9542 and rows.metrics[0]["span_start"] == 3
    assert len(rows.sections) == 1 and len(rows.flags) == 1


@pytest.mark.parametrize("issuer, region", [
    ("安康市安全生产委员会办公室", "安康市"),
    ("宜兴市徐舍镇人民政府", "宜兴市徐舍镇"),
    ("区安全生产委员会", None),  # no place name: its district is unknown
    ("XX市减灾救灾委员会", None),  # masked
    ("全区安全生产委员会", None),
    (None, None),
])
def test_store_region_of_issuer(issuer, region):
    from pipeline.store.writer import region_of

    assert region_of(_doc("b" * 64, issuer=issuer)) == region


def test_store_units_are_organisations_within_a_jurisdiction(sqlite_dbs):
    """The same canonical name is one unit within a region, two across regions, and never merged
    between documents whose region is unknown (SPEC §4)."""
    from pipeline.model import Unit

    url = sqlite_dbs.new()
    u = [Unit("区应急局", "区应急管理局", "lead")]
    _write(url,
           _doc("1" * 64, issuer="安康市应急管理局", tasks=[_task("t1", "甲", u)]),
           _doc("2" * 64, issuer="安康市安委办", tasks=[_task("t1", "乙", [Unit("区应急管理局", "区应急管理局",
                                                                                "lead")])]),
           _doc("3" * 64, issuer="汉中市应急管理局", tasks=[_task("t1", "丙", u)]),
           _doc("4" * 64, issuer="区安委会", tasks=[_task("t1", "丁", u)]),
           _doc("5" * 64, issuer=None, tasks=[_task("t1", "戊", u)]))
    from pipeline.api import open_db

    with open_db(url) as db:
        units = db.units()
        aliases = db.unit_aliases()
    assert len(units) == 4  # 安康市 (two documents), 汉中市, and two of unknown district
    ankang = units[units["scope"] == "region:安康市"].iloc[0]
    assert ankang["n_tasks"] == 2
    assert set(aliases[aliases["unit_id"] == ankang["id"]]["name"]) == {"区应急局", "区应急管理局"}


# -- queries -----------------------------------------------------------------------------------------------------

@pytest.fixture
def query_db(dbs):
    from pipeline.model import Deadline, Metric, Unit

    url = dbs.new("query")
    lead, sup = Unit("区应急局", "区应急管理局", "lead"), Unit("区消防救援大队", "区消防救援大队", "support")
    d1 = _doc("1" * 64, issuer="甲市应急管理局", year=2024, tasks=[
        _task("t1", "四月底前制定清单", [lead, sup], [Deadline("by_date", date="2024-04-30", raw="4月底前")]),
        _task("t2", "汛期巡查", [sup], [Deadline("range", start="2024-05-01", end="2024-10-31", raw="5—10月份")]),
        _task("t3", "每季度调度", [Unit("区应急管理局", "区应急管理局", "responsible")],
              [Deadline("recurring", freq="quarter", min_count=1, raw="每季度至少1次")]),
    ], metrics=[Metric("排查隐患", "hazard", 100, "处", "排查隐患100处", (0, 1)),
                Metric("整改隐患", "hazard", 50, "处", "整改隐患50处", (1, 2)),
                Metric("罚款", "enforcement", 30000, "元", "罚款3万元", (2, 3))])
    d2 = _doc("2" * 64, issuer="乙县应急管理局", year=2023, tasks=[], metrics=[
        Metric("排查隐患", "hazard", 7, "处", "排查隐患7处", (0, 1)),
        Metric("检查单位", "inspection", None, "家", "检查单位xx家", (1, 2), masked=True)])
    _write(url, d1, d2)
    # the normaliser's domain, set by hand until it lands
    from sqlalchemy import update

    from pipeline.store.db import open_engine
    from pipeline.store.schema import tasks

    engine = open_engine(url)
    with engine.begin() as conn:
        conn.execute(update(tasks).where(tasks.c.id == "t2").values(domain="防汛"))
    engine.dispose()
    return url


def test_store_tasks_by_domain(query_db):
    from pipeline.api import open_db

    with open_db(query_db) as db:
        assert list(db.tasks_flat(domain="防汛")["task_id"]) == ["t2"]
        assert list(db.tasks_flat(domain="防汛", unit="区应急局")["task_id"]) == []


def test_store_tasks_by_unit_and_role(query_db):
    import pandas as pd

    from pipeline.api import open_db

    with open_db(query_db) as db:
        by_written = db.tasks_flat(unit="区应急局")
        by_canonical = db.tasks_flat(unit="区应急管理局")
        lead = db.tasks_flat(unit="区应急管理局", role="lead")
        support = db.tasks_flat(role="support")
    # a written name finds its unit's tasks under any of the unit's names (issue 9: search by alias)
    assert list(by_written["task_id"]) == ["t1", "t3"]
    assert list(by_canonical["task_id"]) == ["t1", "t3"]
    assert list(lead["task_id"]) == ["t1"]
    assert list(support["task_id"]) == ["t1", "t2"]
    row = by_written.iloc[0]
    assert row["units"] == "区应急局 (lead); 区消防救援大队 (support)"
    assert row["lead"] == "区应急局" and row["support"] == "区消防救援大队"
    assert row["deadlines"] == "4月底前 → 2024-04-30" and row["due"] == pd.Timestamp("2024-04-30")
    assert row["title"] == "文件" + "1" * 64 and row["source"].endswith(".txt")


@pytest.mark.parametrize("before, after, expected", [
    ("2024-06-30", None, ["t1"]),
    (None, "2024-06-30", ["t2"]),  # a range is due at its end
    ("2024-12-31", "2024-04-30", ["t1", "t2"]),  # both ends inclusive
    ("2024-04-29", None, []),
])
def test_store_tasks_by_deadline_window(query_db, before, after, expected):
    from pipeline.api import open_db

    with open_db(query_db) as db:
        assert list(db.tasks_flat(due_before=before, due_after=after)["task_id"]) == expected


def test_store_query_rejects_bad_options(query_db):
    from pipeline.api import open_db

    with open_db(query_db) as db:
        with pytest.raises(ValueError, match="'role' option must be one of"):
            db.tasks_flat(role="boss")
        with pytest.raises(ValueError, match="YYYY-MM-DD"):
            db.tasks_flat(due_before="30/06/2024")
        with pytest.raises(ValueError, match="'by' option must be one of"):
            db.metrics_summary(by="month")


@pytest.mark.parametrize("by, expected", [
    ("category", {("enforcement", "元"): (1, 30000), ("hazard", "处"): (3, 157), ("inspection", "家"): (1, None)}),
    ("year", {(2023, "处"): (1, 7), (2023, "家"): (1, None), (2024, "元"): (1, 30000), (2024, "处"): (2, 150)}),
    ("issuer", {("乙县应急管理局", "处"): (1, 7), ("乙县应急管理局", "家"): (1, None),
                ("甲市应急管理局", "元"): (1, 30000), ("甲市应急管理局", "处"): (2, 150)}),
])
def test_store_metrics_summary(query_db, by, expected):
    from pipeline.api import open_db

    with open_db(query_db) as db:
        df = db.metrics_summary(by=by)
    import pandas as pd

    got = {(r[by], r["unit"]): (r["n"], None if pd.isna(r["total"]) else r["total"]) for r in df.to_dict("records")}
    assert got == expected
    masked = df[df["unit"] == "家"].iloc[0]
    assert masked["n_masked"] == 1


def test_store_metrics_summary_by_document(query_db):
    from pipeline.api import open_db

    with open_db(query_db) as db:
        df = db.metrics_summary(by="document")
    assert list(df.columns[:3]) == ["source", "sha256", "title"]
    assert df.groupby("sha256")["n"].sum().to_dict() == {"1" * 64: 3, "2" * 64: 2}


def test_store_task_context_traces_back_to_the_text(sqlite_dbs):
    from pipeline.api import ingest, open_db

    url = sqlite_dbs.new()
    src = POOL / "02_dengfeng_xuzhuang_2017_zhuanxiang_zhengzhi_anpaibiao.txt"
    ingest([src], url)
    with open_db(url) as db:
        t = db.tasks().iloc[0]
        ctx = db.task_context(t["sha256"], t["id"])
    assert ctx["paths"] == [str(src)]
    s, e = ctx["span"]
    assert (s, e) == (t["span_start"], t["span_end"]) and e > s
    assert f"【{ctx['source_text']}】" in ctx["context"] and len(ctx["source_text"]) == e - s


# -- ingest: idempotence, replacement, bad files -----------------------------------------------------------------

def test_store_ingest_twice_changes_no_row(dbs):
    from pipeline.api import ingest

    url = dbs.new()
    files = good_files()
    first = ingest(files, url)
    assert (first.stored, first.renditions) == (len(files) - 1, 1) and not first.failed
    before = dump(url)
    assert len(before["tasks"]) == first.tasks > 0
    second = ingest(files, url)
    assert (second.stored, second.skipped, second.failed) == (0, len(files), [])
    assert dump(url) == before


def test_store_bad_files_never_stop_the_batch(dbs, tmp_path, monkeypatch):
    """Corrupt, empty and unsupported files among good ones: every good one stored, every bad one listed."""
    monkeypatch.setenv("TASKDB_OCR", "off")  # the bad-file codes are those of files read without OCR
    from pipeline.api import extract_many, ingest, open_db

    url = dbs.new()
    bad = sorted(p for p in BAD.iterdir() if p.is_file())
    missing = tmp_path / "no_such_file.txt"
    files = [*good_files()[:2], *bad, good_files()[2], missing]
    expected = {r.source: r for r in extract_many(files)}
    assert {"corrupt_file", "empty", "unsupported_format"} <= {r.code for r in expected.values() if not r.ok}
    report = ingest(files, url)
    failed = {f.path: f.code for f in report.failed}
    assert failed == {str(Path(p)): r.code for p, r in expected.items() if not r.ok}
    with open_db(url) as db:
        errors = db.errors()
        docs = db.documents()
    assert dict(zip(errors["path"], errors["code"])) == failed
    good_shas = {r.document.sha256 for r in expected.values() if r.ok}
    with open_db(url) as db:
        assert set(db.paths()["file_sha256"]) == good_shas
    # one document per text: good_files()[:2] are renditions of one, and bad/docx_named.txt is a Word file of the
    # pool plan good_files()[3] holds as a PDF
    from pipeline.store.renditions import text_key

    texts = {text_key(r.document.text) for r in expected.values() if r.ok}
    assert len(texts) == 4  # the Word file and the PDF differ in a table's layout: near-duplicates (J = 0.95)
    assert set(docs["sha256"]) <= good_shas and len(docs) == 3
    assert all(msg for msg in errors["message"])

    # once more: nothing changes, the bad files stay listed (not duplicated)
    before = dump(url)
    again = ingest(files, url)
    assert len(again.failed) == len(failed) and again.stored == 0
    assert dump(url) == before


def test_store_changed_file_replaces_its_old_document(dbs, tmp_path):
    from pipeline.api import ingest, open_db

    url = dbs.new()
    folder = tmp_path / "in"
    folder.mkdir()
    a = folder / "plan.txt"
    keep = folder / "other.txt"
    shutil.copy(POOL / "02_dengfeng_xuzhuang_2017_zhuanxiang_zhengzhi_anpaibiao.txt", a)
    shutil.copy(POOL / "01_ankang_2021_zhuanxiang_zhengzhi_renwuqingdan.txt", keep)
    ingest([folder], url)
    with open_db(url) as db:
        old_sha = db.paths().set_index("path").loc[str(a), "sha256"]
        old_tasks = int((db.tasks()["sha256"] == old_sha).sum())
    assert old_tasks > 0

    shutil.copy(POOL / "04_qianxi_anquanshengchanyue_huodong_fangan_fanti_zerendanwei.txt", a)  # a new version
    report = ingest([folder], url)
    assert (report.stored, report.skipped) == (1, 1)
    with open_db(url) as db:
        paths = db.paths().set_index("path")
        assert paths.loc[str(a), "sha256"] != old_sha
        for name in ("documents", "sections", "tasks", "task_units", "deadlines", "metrics", "flags"):
            assert not (getattr(db, name)()["sha256"] == old_sha).any(), name
        assert len(db.documents()) == 2

    # the database is exactly what a fresh ingest of the folder as it is now gives (no orphan unit left)
    fresh = dbs.new("fresh")
    ingest([folder], fresh)
    assert dump(url) == dump(fresh)


def test_store_old_version_kept_while_another_path_holds_it(dbs, tmp_path):
    from pipeline.api import ingest, open_db

    url = dbs.new()
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    src = POOL / "02_dengfeng_xuzhuang_2017_zhuanxiang_zhengzhi_anpaibiao.txt"
    shutil.copy(src, a)
    shutil.copy(src, b)
    first = ingest([a, b], url)
    assert (first.stored, first.skipped) == (1, 1)  # same bytes: one document, two paths
    with open_db(url) as db:
        assert len(db.documents()) == 1 and len(db.paths()) == 2
        sha = db.documents()["sha256"][0]
    shutil.copy(POOL / "01_ankang_2021_zhuanxiang_zhengzhi_renwuqingdan.txt", a)
    ingest([a], url)
    with open_db(url) as db:
        assert set(db.documents()["sha256"]) >= {sha}  # b still holds it
        assert db.paths().set_index("path").loc[str(b), "sha256"] == sha
        assert len(db.documents()) == 2


def test_store_file_that_turns_bad_or_good_again(dbs, tmp_path):
    from pipeline.api import ingest, open_db

    url = dbs.new()
    p = tmp_path / "plan.txt"
    shutil.copy(POOL / "02_dengfeng_xuzhuang_2017_zhuanxiang_zhengzhi_anpaibiao.txt", p)
    ingest([p], url)
    p.write_bytes(b"")  # the submission was overwritten with nothing
    report = ingest([p], url)
    assert [(f.code) for f in report.failed] == ["empty"]
    with open_db(url) as db:
        assert len(db.documents()) == 0 and len(db.tasks()) == 0  # the path no longer holds the plan
        assert list(db.errors()["code"]) == ["empty"]
    shutil.copy(POOL / "01_ankang_2021_zhuanxiang_zhengzhi_renwuqingdan.txt", p)
    report = ingest([p], url)
    assert report.stored == 1 and not report.failed
    with open_db(url) as db:
        assert len(db.errors()) == 0 and len(db.documents()) == 1


def test_store_parallel_ingest_equals_serial(dbs, tmp_path):
    from pipeline.api import ingest

    files = small_copies(tmp_path / "copies", 24)
    serial, parallel = dbs.new("serial"), dbs.new("parallel")
    r1 = ingest(files, serial, jobs=1)
    r2 = ingest(files, parallel, jobs=2)
    assert r1.stored == r2.stored == 24
    assert dump(serial) == dump(parallel)


def test_store_folders_walk_supported_extensions_only(sqlite_dbs, tmp_path):
    from pipeline.store.ingest import collect_files

    (tmp_path / "sub" / ".hidden").mkdir(parents=True)
    for name in ("a.txt", "sub/b.DOCX", "sub/c.gold.json", "sub/.hidden/d.txt", "sub/e.xyz", ".f.txt"):
        (tmp_path / name).write_text("x")
    explicit = tmp_path / "sub" / "e.xyz"
    got = collect_files([tmp_path, explicit, tmp_path / "a.txt"])
    assert got == [tmp_path / "a.txt", tmp_path / "sub" / "b.DOCX", explicit]


def test_store_runs_record_version_options_and_counts(sqlite_dbs):
    import pipeline
    from pipeline.api import ingest, open_db

    url = sqlite_dbs.new()
    report = ingest(good_files()[:2], url)
    with open_db(url) as db:
        runs = db.runs()
    run = runs.iloc[-1]
    assert run["pipeline_version"] == pipeline.__version__
    assert run["status"] == "finished" and run["finished_at"]
    assert run["n_stored"] == report.stored == 1 and run["n_tasks"] == report.tasks  # .txt and .docx of one text
    assert run["n_renditions"] == report.renditions == 1
    assert run["options"]["jobs"] == 1 and "extract" in run["stages"]["stages"]


def test_store_open_db_without_a_database(tmp_path):
    from pipeline.api import open_db
    from pipeline.store import StoreError

    with pytest.raises(StoreError, match="taskdb ingest"):
        open_db(tmp_path / "nothing.sqlite")
    assert not (tmp_path / "nothing.sqlite").exists()  # reading never creates an empty database


def test_store_refuses_another_schema_version(tmp_path):
    from sqlalchemy import update

    from pipeline.store import StoreError
    from pipeline.store.db import open_engine
    from pipeline.store.schema import taskdb_meta

    url = str(tmp_path / "old.sqlite")
    engine = open_engine(url)
    with engine.begin() as conn:
        conn.execute(update(taskdb_meta).values(value="0"))
    engine.dispose()
    with pytest.raises(StoreError, match="schema version 0"):
        open_engine(url)


@pytest.mark.parametrize("given, url", [
    ("taskdb.sqlite", "sqlite:///taskdb.sqlite"),
    ("/data/x.db", "sqlite:////data/x.db"),
    ("postgresql://u:p@127.0.0.1/t", "postgresql+psycopg://u:p@127.0.0.1/t"),
    ("postgres://u@h/t", "postgresql+psycopg://u@h/t"),
    ("postgresql+psycopg://u@h/t", "postgresql+psycopg://u@h/t"),
])
def test_store_normalise_url(given, url):
    from pipeline.store.db import normalise_url

    assert normalise_url(given) == url


def test_store_dataframes_load_pandas_lazily():
    code = ("import sys; import pipeline.api, pipeline.store.read, pipeline.store.ingest; "
            "assert 'pandas' not in sys.modules, 'pandas imported'")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)


# -- batches of the writer ---------------------------------------------------------------------------------------------

def test_store_batches_equal_one_document_per_transaction(dbs, tmp_path):
    from pipeline.store.ingest import run_ingest

    files = small_copies(tmp_path / "copies", 20) + good_files()
    one, many = dbs.new("one"), dbs.new("many")
    r1 = run_ingest(files, one, batch_size=1)
    r2 = run_ingest(files, many, batch_size=8)
    assert r1.stored == r2.stored == len(files) - 1 and not r1.failed and not r2.failed
    assert r1.renditions == r2.renditions == 1  # good_files() holds two renditions of one text
    assert dump(one) == dump(many)


def test_store_document_refused_in_a_batch_is_reported_alone(dbs, tmp_path, monkeypatch):
    """A document the database refuses (here: two tasks with one id) fails alone; the rest of its batch is stored."""
    from dataclasses import replace as dc_replace

    from pipeline.store import ingest as ingest_mod

    files = small_copies(tmp_path / "copies", 6)
    bad = str(files[2])
    work = ingest_mod._work

    def spoil(job, *budget):
        out = work(job, *budget)
        if job.path == bad:
            rows = out.rows
            twice = rows.tasks + [dict(rows.tasks[0])]
            out = dc_replace(out, rows=dc_replace(rows, tasks=twice))
        return out

    monkeypatch.setattr(ingest_mod, "_work", spoil)
    url = dbs.new()
    report = ingest_mod.run_ingest(files, url, batch_size=32)
    assert report.stored == 5
    assert [(f.path, f.code) for f in report.failed] == [(bad, "internal_error")]
    assert "storing failed" in report.failed[0].message
    rows = dump(url)
    assert len(rows["documents"]) == 5 and [e[0] for e in rows["errors"]] == [bad]
