"""Plan ↔ report accountability (SPEC §9): `taskdb track`, the task_progress table, `eval --track`.

Real pairs from corpora/pairs/; the statuses asserted here were checked by reading the plan and report.
"""

import importlib.util
import json
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pipeline.run import extract
from pipeline.track import link, related, track_records
from pipeline.learn.tracking.text import sentences

ROOT = Path(__file__).resolve().parent.parent
PAIRS = ROOT / "corpora" / "pairs"
P01 = PAIRS / "01_guangling_anweihui_2023_gongzuoyaodian"
P02 = PAIRS / "02_lanzhou_yingjiju_2022_gongzuoyaodian"
P04 = PAIRS / "04_henan_jiedao_fangxun_2022_fangan"
SCORE_TRACK = ROOT.parent / "shared" / "tools" / "score_track.py"
SHARED_PAIRS = ROOT.parent / "shared" / "corpus" / "pairs"


@pytest.fixture(scope="module")
def records():
    """Every pair document through the whole pipeline, by path relative to the repository."""
    out = {}
    for f in sorted(PAIRS.glob("*/*.txt")):
        out[f.relative_to(ROOT).as_posix()] = extract(f.relative_to(ROOT)).to_record()
    return out


def _pair(records, folder):
    plan = next(r for k, r in records.items() if k.startswith(folder.relative_to(ROOT).as_posix())
                and k.endswith("_plan.txt"))
    reports = [r for k, r in records.items() if k.startswith(folder.relative_to(ROOT).as_posix())
               and "_report" in k]
    return plan, reports


def _by_id(out):
    return {r["task_id"]: r for r in out}


def test_report_sentences_have_their_spans_and_parts(records):
    _, (report,) = _pair(records, P01)
    sents = sentences(report)
    assert all(report["text"][s.span[0]:s.span[1]] == s.text for s in sents)
    def part(start):
        (found,) = [s.part for s in sents if s.text.startswith(start)]
        return found

    assert part("全区37座加油站视频监控") == "retro"
    assert part("一是部分企业主体责任落实") == "problem"  # 存在的问题
    assert part("二是加快推进剩余2.4公里") == "forward"  # 2024年工作思路
    assert not any(s.text == report["title"] for s in sents)  # the title line is no evidence


def test_a_year_review_heading_is_not_forward(records):
    # 2022年工作完成情况 names a year but reviews it; 2023年工作打算 plans
    _, reports = _pair(records, P02)
    report2 = next(r for r in reports if r["source"].endswith("report2.txt"))
    part = {s.text[:10]: s.part for s in sentences(report2)}
    assert part["市应急管理综合行政执"] == "retro"
    assert part["一是全面完成红古区应急"[:10]] == "forward"


def test_statuses_read_off_pair01(records):
    plan, reports = _pair(records, P01)
    out = _by_id(link(plan, reports))
    assert [r["task_id"] for r in out.values()] == [t["id"] for t in plan["tasks"]]
    def task(start):
        (found,) = [r for r in out.values() if r["task_text"].startswith(start)]
        return found

    assert task("按照“三管三必须”")["status"] == "not_reported"  # 职责清单: the report is silent
    assert task("按照“三管三必须”")["evidence"] == []
    assert task("持续开展危险化学品")["status"] == "done"  # 加油站…于6月中旬全部完成
    assert task("巩固燃气安全排查整治")["status"] == "in_progress"  # 6.1 of 8.5 km, 2.4 km 正在施工
    assert task("深入推进经营性自建房")["status"] == "in_progress"  # 171 of 214 done, 43 仍在整改
    fuel = task("持续开展危险化学品")["evidence"]
    assert any("加油站视频监控系统提升改造" in e["text"] for e in fuel)
    report = reports[0]
    for r in out.values():
        for e in r["evidence"]:
            assert e["source"] == report["source"]
            assert report["text"][e["span"][0]:e["span"][1]] == e["text"]
    # the metrics inside an evidence sentence come with it
    check = next(e for e in fuel if "执法检查" in e["text"])
    assert check["section"] == "危化品领域" and check["part"] == "retro"
    assert any("23.6万元" in m for m in check["metrics"])


def test_the_latest_report_decides(records):
    # 王庄社区 is only in the June report (物料储备完成约70%, 木桩尚缺80根正在采购): in progress, and
    # 值班 (t7) is done on the year-end report
    plan, reports = _pair(records, P04)
    out = link(plan, reports)
    wz = next(r for r in out if r["task_text"].startswith("王庄社区"))
    assert wz["status"] == "in_progress"
    assert {Path(e["source"]).name for e in wz["evidence"]} == {"pair04_report.txt"}


def test_reports_link_only_to_their_plans(records):
    out = track_records(list(records.values()))
    plans = [r for r in records.values() if r["doc_type"] == "plan"]
    assert len(out) == sum(len(p["tasks"]) for p in plans)
    for r in out:
        folder = Path(r["plan"]).parent
        assert all(Path(e["source"]).parent == folder for e in r["evidence"])
    p01, _ = _pair(records, P01)
    p02, r02 = _pair(records, P02)
    assert not related(p01, r02[0])  # another city, another year


def test_without_a_model_the_rules_answer(records):
    plan, reports = _pair(records, P01)
    out = link(plan, reports, model=None)
    assert {r["status"] for r in out} <= {"done", "in_progress", "not_reported"}
    assert all((r["status"] == "not_reported") == (not r["evidence"]) for r in out)


def test_under_a_second_per_plan(records):
    for folder in sorted(PAIRS.iterdir()):
        plan, reports = _pair(records, folder)
        link(plan, reports)  # model loaded
        t = time.perf_counter()
        link(plan, reports)
        assert time.perf_counter() - t < 1.0, folder.name


def test_scorer_agrees_with_the_reference(records, tmp_path):
    if not SCORE_TRACK.is_file() or not SHARED_PAIRS.is_dir():
        pytest.skip("tools/score_track.py or the shared pairs not found")
    spec = importlib.util.spec_from_file_location("score_track", SCORE_TRACK)
    ref = importlib.util.module_from_spec(spec)
    sys.path.insert(0, str(SCORE_TRACK.parent))
    try:
        spec.loader.exec_module(ref)
    finally:
        sys.path.remove(str(SCORE_TRACK.parent))
    from pipeline.learn.tracking.score import counts, figures

    preds = track_records(list(records.values()))
    per = []
    for folder in sorted(PAIRS.iterdir()):
        gold = json.loads(next(folder.glob("*.track.json")).read_text("utf-8"))
        per.append(counts([p for p in preds if Path(p["plan"]).parent.name == folder.name], gold))
    assert figures(per) == ref.score(preds, SHARED_PAIRS)


def test_cli_track_jsonl_and_text():
    files = [str(p.relative_to(ROOT)) for p in sorted(P01.glob("*.txt"))]
    res = subprocess.run([sys.executable, "-m", "pipeline", "track", *files], cwd=ROOT, capture_output=True,
                         text=True, timeout=300)
    assert res.returncode == 0, res.stderr
    lines = [json.loads(x) for x in res.stdout.splitlines()]
    assert len(lines) == 11
    assert {x["status"] for x in lines} == {"done", "in_progress", "not_reported"}
    assert set(lines[0]) >= {"plan", "task_id", "task_text", "status", "evidence"}
    res = subprocess.run([sys.executable, "-m", "pipeline", "track", *files, "--format", "text"], cwd=ROOT,
                         capture_output=True, text=True, timeout=300)
    assert res.returncode == 0 and "not_reported" in res.stdout
    res = subprocess.run([sys.executable, "-m", "pipeline", "track"], cwd=ROOT, capture_output=True, text=True,
                         timeout=300)
    assert res.returncode == 1
    # a file that cannot be read is named, the others still linked, exit 2 (SPEC §2)
    res = subprocess.run([sys.executable, "-m", "pipeline", "track", *files, "no/such/report.txt"], cwd=ROOT,
                         capture_output=True, text=True, timeout=300)
    assert res.returncode == 2 and "not_found" in res.stderr
    assert len(res.stdout.splitlines()) == 11


def test_db_task_progress_and_api(tmp_path):
    from pipeline.api import ingest, track

    db = tmp_path / "t.sqlite"
    ingest(sorted(P01.glob("*.txt")) + sorted(P04.glob("*.txt")), db)
    df = track(db=db)
    con = sqlite3.connect(db)
    n_tasks = con.execute("SELECT count(*) FROM tasks t JOIN documents d ON d.sha256 = t.sha256 "
                          "WHERE d.doc_type = 'plan'").fetchone()[0]
    assert n_tasks >= 11 + 9  # the two plans' gold tasks (the extractor may find one more)
    assert len(df) == n_tasks  # a row per task of each plan
    assert set(df.status) == {"done", "in_progress", "not_reported"}
    rows = con.execute("SELECT status, count(DISTINCT plan_sha256 || task_id) FROM task_progress GROUP BY status").fetchall()
    assert sum(n for _, n in rows) == n_tasks
    ev = con.execute("SELECT sentence, span_start, span_end, d.text FROM task_progress p "
                     "JOIN documents d ON d.sha256 = p.report_sha256").fetchall()
    assert ev and all(text[a:b] == s for s, a, b, text in ev)
    assert con.execute("SELECT count(*) FROM task_progress WHERE report_sha256 IS NULL AND status != "
                       "'not_reported'").fetchone()[0] == 0
    con.close()
    again = track(db=db, evidence=True)  # a second run replaces the rows
    con = sqlite3.connect(db)
    assert con.execute("SELECT count(*) FROM task_progress WHERE ord > 0").fetchone()[0] == len(again)
    con.close()


def test_eval_track_fit_and_held_out(tmp_path):
    """`taskdb eval corpora/pairs --track`: the fit; with --cv, leave one pair out meets the issue's targets
    (status accuracy >= 0.85, evidence F1 >= 0.80) and beats the tuned rules."""
    fit_json = tmp_path / "fit.json"
    res = subprocess.run([sys.executable, "-m", "pipeline", "eval", "corpora/pairs", "--track", "--json",
                          str(fit_json)], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert res.returncode == 0, res.stderr
    fit = json.loads(fit_json.read_text("utf-8"))
    assert fit["linker"] == "model"
    assert fit["extractor_tasks"]["tasks"]["f1"] >= 0.95
    assert set(fit["per_pair"]) == {p.name for p in PAIRS.iterdir() if p.is_dir()}
    assert "gold tasks" in res.stdout and "extractor tasks" in res.stdout


@pytest.mark.slow
def test_eval_track_held_out_meets_the_targets(tmp_path):
    cv_json = tmp_path / "cv.json"
    res = subprocess.run([sys.executable, "-m", "pipeline", "eval", "corpora/pairs", "--track", "--cv", "2",
                          "--json", str(cv_json)], cwd=ROOT, capture_output=True, text=True, timeout=1200)
    assert res.returncode == 0, res.stderr
    cv = json.loads(cv_json.read_text("utf-8"))
    assert cv["model"]["status"]["acc"] >= 0.85 and cv["model"]["status"]["n"] == 62
    assert cv["model"]["evidence"]["f1"] >= 0.80
    assert cv["model"]["evidence"]["f1"] > cv["rules"]["evidence"]["f1"]
    assert "leave one pair out" in res.stdout


QINGYANG = ROOT / "tests" / "data" / "track" / "pair_qingyang_2025"


@pytest.fixture(scope="module")
def qingyang():
    plan = extract(QINGYANG.relative_to(ROOT) / "plan.txt").to_record()
    report = extract(QINGYANG.relative_to(ROOT) / "report.txt").to_record()
    gold = json.loads((QINGYANG / "plan.track.json").read_text("utf-8"))
    return plan, report, gold


def test_a_pair_written_after_training(qingyang):
    """tests/data/track/pair_qingyang_2025 (SOURCE.md): written and annotated after the linker was tuned;
    first run: status 6 of 8, evidence P 0.733 R 1.000 F1 0.846 (reference scorer)."""
    from pipeline.learn.tracking.score import counts, figures

    plan, report, gold = qingyang
    assert related(plan, report)
    out = link(plan, [report])
    f = figures([counts(out, gold)])
    assert f["tasks"]["f1"] == 1.0
    assert f["status"]["acc"] >= 0.75 and f["evidence"]["f1"] >= 0.8
    status = {r["task_id"]: r["status"] for r in out}
    assert status["t1"] == "in_progress"  # 31 of 56 路段 整治, 25 正在施工
    assert status["t6"] == "in_progress"  # 11 of 15 劝导站
    assert status["t2"] == status["t3"] == status["t7"] == status["t8"] == "done"
    # a done task keeps no next-year line as evidence (三是持续开展酒驾醉驾… repeats finished work)
    assert not any(e["part"] == "forward" for r in out if r["status"] == "done" for e in r["evidence"])


@pytest.mark.xfail(strict=True, reason="known miss: a task the report never mentions takes a same-unit "
                   "distractor as evidence (县市场监管局 e-bike shop checks for the helmet campaign, 县教育局 "
                   "防溺水 education for the school traffic posts)")
def test_distractors_of_unreported_tasks(qingyang):
    plan, report, _ = qingyang
    status = {r["task_id"]: r["status"] for r in link(plan, [report])}
    assert status["t4"] == status["t5"] == "not_reported"
