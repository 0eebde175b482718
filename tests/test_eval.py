"""`taskdb eval` (pipeline/evaluate/): agreement with the reference scorer, the baseline, the renditions.

- Agreement: our scoring and the SPEC's ``tools/score.py`` give the same figures (every P/R/F1,
  count, accuracy, per-document row, missing and error document) on the real corpus output, in
  every format, and on hand-made edge cases and random records.
- The baseline: no total on the .txt documents may fall below ``eval_baseline.json`` (by more than
  0.0005). This is how CI fails on a score drop; raise the baseline with
  ``taskdb eval corpora/ --write-baseline eval_baseline.json`` when scores go up.
- Renditions: each format's totals are within 0.02 of the .txt totals of the same documents.
- Ours only: ``year`` accuracy, and the cuts by genre, corpus folder and dev/ numbering.
  (``--cv`` is tested in tests/test_train_cv.py.)
"""

import io
import json
import random
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import CORPORA, ROOT, SAMPLES, taskdb_cmd
from pipeline import evaluate as ev

BASELINE = ROOT / "eval_baseline.json"


@pytest.fixture(scope="module")
def reference(reference_scorer):
    """The reference scorer of SPEC §7 (the package keeps its own implementation)."""
    return reference_scorer


@pytest.fixture(scope="module")
def report():
    """One evaluation of corpora/ in every format (each file extracted once)."""
    return ev.evaluate(CORPORA)


# -- agreement with tools/score.py ---------------------------------------------------------------------------------

def stem_of(name: str) -> str:
    return name.rsplit("/", 1)[-1]


def assert_agree(ours: ev.FormatScore, ref: dict) -> None:
    """Every figure of score.py's output equals ours."""
    mine = ours.to_json()
    for k in (*ev.PRF_KEYS, *ev.ACC_KEYS):
        assert mine[k] == ref[k], f"{k}: ours {mine[k]} != score.py {ref[k]}"
    docs = mine["documents"]
    assert docs["gold"] == ref["documents"]["gold"]
    assert docs["scored"] == ref["documents"]["scored"]
    assert sorted(stem_of(n) for n in docs["missing"]) == sorted(ref["documents"]["missing"])
    assert sorted((stem_of(n), e["code"]) for n, e in docs["errors"]) == \
        sorted((s, e["code"]) for s, e in ref["documents"]["errors"])
    assert set(map(stem_of, mine["per_doc"])) == set(ref["per_doc"])
    for name, row in mine["per_doc"].items():
        for k in ("tasks", "metrics"):
            assert row[k] == ref["per_doc"][stem_of(name)][k], f"{name} {k}"


def run_reference(reference, tmp_path: Path, golds: dict[str, dict], records: list[dict]) -> dict:
    gold_dir = tmp_path / f"gold{len(list(tmp_path.iterdir()))}"
    gold_dir.mkdir()
    for stem, g in golds.items():
        (gold_dir / f"{stem}.gold.json").write_text(json.dumps(g, ensure_ascii=False), "utf-8")
    return reference.score(records, gold_dir)


def check_agreement(reference, tmp_path, docs: list[tuple[str, dict, dict | None]]) -> ev.FormatScore:
    """``docs``: (stem, gold, record or None for a missing document)."""
    ours = ev.score_corpus(docs)
    ref = run_reference(reference, tmp_path, {s: g for s, g, _ in docs},
                        [dict(r, source=f"x/{s}.txt") for s, _, r in docs if r is not None])
    assert_agree(ours, ref)
    return ours


@pytest.mark.parametrize("fmt", ev.FORMATS)
def test_agrees_with_reference_on_corpus(fmt, report, reference, tmp_path):
    """The real extraction output: score.py on the same records gives the same figures, format by format."""
    fs = report.by_format[fmt]
    assert fs.docs, f"no .{fmt} documents under corpora/"
    gold = {g.name: g for g in report.gold}
    golds = {stem_of(d.name): gold[d.name].load() for d in fs.docs}
    assert len(golds) == len(fs.docs), "gold stems must be unique across the corpus for score.py"
    records = [report.records[gold[d.name].path(fmt)] for d in fs.docs if d.status != "missing"]
    ref = run_reference(reference, tmp_path, golds, records)
    assert_agree(fs, ref)


def task(text, units=(), deadlines=()):
    return {"text": text, "units": list(units), "deadlines": list(deadlines)}


def unit(name, role="responsible", canonical=None):
    u = {"name": name, "role": role}
    if canonical is not None:
        u["canonical"] = canonical
    return u


def dl(kind, **kw):
    return {"kind": kind, "date": None, "start": None, "end": None, "freq": None, "min_count": None,
            "masked": False, "raw": "", **kw}


def metric(subject, value, unit_, category="other", masked=False, approx=False, raw="", **kw):
    return {"subject": subject, "value": value, "unit": unit_, "category": category, "masked": masked,
            "approx": approx, "raw": raw or subject, "value_max": None, **kw}


A = "组织开展全区安全生产大检查,对重点行业领域企业进行全覆盖检查"
B = "加强危险化学品企业安全风险分级管控和隐患排查治理双重预防机制建设"
C = "完善区级应急预案体系,修订完善森林防火和防汛抗旱专项应急预案"


def test_edge_merged_tasks(reference, tmp_path):
    """A prediction that merges two gold tasks matches at most one; the other's units and deadlines are missed."""
    gold = {"doc_type": "plan", "tasks": [task(A, [unit("区应急局", "lead")], [dl("by_date", date="2024-04-30")]),
                                          task(B, [unit("区消防救援大队")], [dl("recurring", freq="month")])],
            "metrics": []}
    rec = {"doc_type": "plan", "tasks": [task(A + B, [unit("区应急局", "lead"), unit("区消防救援大队")],
                                              [dl("by_date", date="2024-04-30")])], "metrics": []}
    assert ev.jaccard(A + B, A) >= 0.5 or ev.jaccard(A + B, B) >= 0.5
    fs = check_agreement(reference, tmp_path, [("merged", gold, rec)])
    assert fs.prf["tasks"].tp == 1 and fs.prf["tasks"].fn == 1


def test_edge_masked_metrics(reference, tmp_path):
    """Masked metrics match on both masked and subject (or raw) Jaccard ≥ 0.5; a masked one never matches a value."""
    gold = {"doc_type": "report", "tasks": [], "metrics": [
        metric("签订目标管理责任书的乡镇", None, "个", "responsibility", masked=True),
        metric("排查整治隐患", None, "处", "hazard", masked=True),
        metric("检查单位", 4201, "家", "inspection"),
        metric("检查单位", 4201, "家", "scope"),  # one value twice: the subject decides the pairing
        metric("罚款", 400000, "元", "enforcement", approx=True),
        metric("成立检查组", 727, "个", "inspection"),
        metric("排查整治隐患", 9542, "处", "hazard"),
    ]}
    rec = {"doc_type": "report", "tasks": [], "metrics": [
        metric("签订责任书乡镇", None, "个", "responsibility", masked=True, raw="签订目标管理责任书的乡镇*个"),
        metric("排查隐患", None, "处", "hazard", masked=False, value_max=None),  # not masked: no match
        metric("涉及企业单位", 4201, "家", "scope"),
        metric("检查单位", 4201.001, "家", "inspection"),  # equal after rounding to two decimals
        metric("罚款金额", 400000.0, "元", "enforcement"),  # approx wrong
        metric("成立检查组", 727, "支", "inspection"),  # unit differs
        metric("排查整改隐患", 9542, "处", "hazard", raw=""),  # subject Jaccard 0.43: matched, subject wrong
    ]}
    fs = check_agreement(reference, tmp_path, [("masked", gold, rec)])
    assert fs.prf["metrics"].tp == 5
    assert (fs.acc["metric_subject"].ok, fs.acc["metric_subject"].n) == (1, 5)


def test_edge_units_via_canonical(reference, tmp_path):
    """A predicted unit matches a gold name by its name or its canonical; roles are judged on matched units."""
    gold = {"doc_type": "plan", "tasks": [task(A, [
        unit("区应急管理局", "lead", "区应急管理局"),
        unit("区安委办", "support", "区安全生产委员会办公室"),
        unit("XX公安分局", "support", "区公安分局"),
        unit("各乡镇街道", "responsible", "各乡镇街道"),
    ])], "metrics": []}
    rec = {"doc_type": "plan", "tasks": [task(A, [
        unit("区应急局", "lead", "区应急管理局"),  # via its canonical
        unit("区安全生产委员会办公室", "lead", "区安全生产委员会办公室"),  # gold canonical only: score.py does not match
        unit("ＸＸ公安分局", "support", "区公安分局"),  # full-width: equal after normalisation
        unit("各乡镇、街道", "responsible", "各乡镇街道"),  # punctuation removed
        unit("区应急局", "lead", "区应急管理局"),  # a duplicate is extra
    ])]}
    fs = check_agreement(reference, tmp_path, [("units", gold, rec)])
    assert fs.prf["units"].tp == 3


def test_edge_missing_and_error_documents(reference, tmp_path):
    """A gold file without a record counts everything as missed (doc_type not judged); an error record is empty."""
    g1 = {"doc_type": "plan", "tasks": [task(A, [unit("区应急局")], [dl("range", start="2024-05-01",
                                                                         end="2024-10-31")])],
          "metrics": [metric("检查单位", 10, "家")]}
    g2 = {"doc_type": "report", "tasks": [task(B, [unit("区住建局")])], "metrics": [metric("罚款", 3, "万元")]}
    g3 = {"tasks": [task(C)], "metrics": []}  # no doc_type
    err = {"error": {"code": "corrupt_file", "message": "broken"}}
    ok = {"doc_type": "plan", "tasks": [task(C)], "metrics": []}
    fs = check_agreement(reference, tmp_path, [("missing", g1, None), ("broken", g2, err), ("notype", g3, ok)])
    assert [d.status for d in fs.docs] == ["missing", "error", "scored"]
    assert fs.acc["doc_type"].n == 1


def test_edge_deadlines_traditional_and_empty(reference, tmp_path):
    """Deadlines compare as multisets (raw ignored, masked by kind only); texts compare in simplified script."""
    gold = {"doc_type": "speech", "tasks": [
        task("區應急管理局要組織開展安全生產大檢查", [], [dl("by_date", date="2024-04-30", raw="4月底前"),
                                                      dl("by_date", masked=True, raw="x月x日前"),
                                                      dl("recurring", freq="quarter", min_count=1)]),
        task("", []),
    ], "metrics": []}
    rec = {"doc_type": "plan", "tasks": [
        task("区应急管理局要组织开展安全生产大检查。", [], [dl("by_date", date="2024-04-30", raw="4月30日前"),
                                                        dl("by_date", date="2024-04-30"),
                                                        dl("by_date", masked=True, date="2024-01-01"),
                                                        dl("recurring", freq="quarter")]),
    ], "metrics": []}
    fs = check_agreement(reference, tmp_path, [("dl", gold, rec), ("empty", {"tasks": [], "metrics": []},
                                                                     {"tasks": [], "metrics": []})])
    assert fs.prf["deadlines"].tp == 2


def test_random_records_agree(reference, tmp_path):
    """Random gold/prediction pairs drawn from a small vocabulary (ties, duplicates, near-misses) agree."""
    rnd = random.Random(20240501)
    texts = [A, B, C, A[:20], A + B, B[5:], C[:15] + A[:10], "年底前完成", "区"]
    names = ["区应急局", "区应急管理局", "区安委办", "各乡镇街道", "区消防救援大队", "XX公安分局"]
    cans = ["区应急管理局", "区安全生产委员会办公室", "各乡镇街道", None]
    roles = ["lead", "support", "responsible"]
    kinds = [dl("by_date", date="2024-04-30"), dl("by_date", date="2024-12-31"), dl("by_date", masked=True),
             dl("range", start="2024-05-01", end="2024-10-31"), dl("recurring", freq="month"),
             dl("recurring", freq="quarter", min_count=1)]
    subjects = ["检查单位", "排查整治隐患", "排查整改隐患", "成立检查组", "罚款", "检查企业单位"]
    values = [None, 1, 12, 12.004, 4201, 400000]
    units_ = ["家", "处", "个", "元", "%"]

    def r_task():
        return task(rnd.choice(texts),
                    [unit(rnd.choice(names), rnd.choice(roles), rnd.choice(cans)) for _ in range(rnd.randint(0, 3))],
                    [dict(rnd.choice(kinds)) for _ in range(rnd.randint(0, 2))])

    def r_metric():
        masked = rnd.random() < 0.25
        return metric(rnd.choice(subjects), None if masked else rnd.choice(values), rnd.choice(units_),
                      rnd.choice(["hazard", "inspection", "scope"]), masked=masked, approx=rnd.random() < 0.3)

    def r_doc():
        return {"doc_type": rnd.choice(["plan", "report", None]),
                "tasks": [r_task() for _ in range(rnd.randint(0, 4))],
                "metrics": [r_metric() for _ in range(rnd.randint(0, 4))]}

    for case in range(60):
        docs = []
        for k in range(rnd.randint(1, 4)):
            roll = rnd.random()
            rec = None if roll < 0.1 else ({"error": {"code": "empty", "message": ""}} if roll < 0.2 else r_doc())
            docs.append((f"c{case}_{k}", r_doc(), rec))
        check_agreement(reference, tmp_path, docs)


# -- the baseline: CI fails on a score drop -------------------------------------------------------------------------

def test_no_figure_below_baseline(report):
    assert BASELINE.is_file(), "eval_baseline.json is missing: taskdb eval corpora/ --write-baseline eval_baseline.json"
    dropped = ev.check_baseline(report, BASELINE)
    assert not dropped, "score dropped below eval_baseline.json:\n" + "\n".join(dropped)


def test_baseline_holds_every_figure():
    figures = ev.read_baseline(BASELINE)
    assert set(figures) == set(ev.BASELINE_FIGURES)


# -- renditions ------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("fmt", [f for f in ev.FORMATS if f != "txt"])
def test_rendition_totals_match_txt(fmt, report):
    """Each rendition's totals are within 0.02 of the .txt totals of the same documents (none skipped)."""
    fs, txt = report.renditions()[fmt]
    expected = {f"samples/{p.stem}" for p in SAMPLES.glob("*.txt")}
    assert expected <= {d.name for d in fs.docs}, f"every sample has a .{fmt}"
    assert all(d.status == "scored" for d in fs.docs), [(d.name, d.error) for d in fs.docs if d.status != "scored"]
    for name, delta in ev.figure_deltas(fs, txt).items():
        cur, ref = ev.baseline_figures(fs)[name], ev.baseline_figures(txt)[name]
        assert (cur is None) == (ref is None), name
        if delta is not None:
            assert abs(delta) <= ev.RENDITION_TOLERANCE, f".{fmt} {name}: {cur} vs .txt {ref}"


def test_pool_renditions_are_scored(report):
    pool = {d.name for fmt in ("docx", "pdf") for d in report.by_format[fmt].docs if d.name.startswith("pool/")}
    assert len(pool) >= 2


# -- the command ------------------------------------------------------------------------------------------------------

@pytest.fixture()
def tiny_corpus(tmp_path):
    """One sample with its gold file and .html rendition."""
    stem = sorted(SAMPLES.glob("*.gold.json"))[2].name[: -len(".gold.json")]
    d = tmp_path / "corpus" / "sub"
    d.mkdir(parents=True)
    for ext in ("gold.json", "txt", "html"):
        shutil.copy(SAMPLES / f"{stem}.{ext}", d / f"{stem}.{ext}")
    return tmp_path / "corpus"


def test_cli_eval_and_baseline_exit_status(tiny_corpus, tmp_path):
    out_json = tmp_path / "out.json"
    base = tmp_path / "base.json"
    p = subprocess.run(taskdb_cmd("eval", str(tiny_corpus), "--json", str(out_json), "--verbose",
                                  "--write-baseline", str(base)), capture_output=True, text=True, cwd=ROOT)
    assert p.returncode == 0, p.stderr
    assert "TOTAL" in p.stdout and ".html rendition" in p.stdout and "baseline written" in p.stdout
    data = json.loads(out_json.read_text("utf-8"))
    assert {f: data["formats"][f]["documents"]["gold"] for f in ev.FORMATS} == {"txt": 1, "docx": 0, "pdf": 0,
                                                                               "html": 1}
    assert data["renditions"]["html"]["delta"] is not None

    figures = json.loads(base.read_text("utf-8"))["figures"]
    figures["units_f1"] = 1.5  # unreachable: must be reported as dropped
    high = tmp_path / "high.json"
    high.write_text(json.dumps({"figures": figures}), "utf-8")
    p = subprocess.run(taskdb_cmd("eval", str(tiny_corpus), "--formats", "txt", "--baseline", str(high)),
                       capture_output=True, text=True, cwd=ROOT)
    assert p.returncode == 3, p.stdout + p.stderr
    assert "units_f1 dropped" in p.stdout


def test_write_baseline_only_moves_up(tiny_corpus, tmp_path):
    base = tmp_path / "b.json"
    base.write_text(json.dumps({"figures": {"tasks_f1": 2.0, "metrics_f1": None}}), "utf-8")
    buf = io.StringIO()
    assert ev.run(tiny_corpus, formats="txt", write_baseline_to=base, out=buf) == 3
    assert "NOT written" in buf.getvalue() and "tasks_f1" in buf.getvalue()
    assert json.loads(base.read_text("utf-8"))["figures"]["tasks_f1"] == 2.0
    assert ev.run(tiny_corpus, formats="txt", write_baseline_to=base, allow_lower=True, out=io.StringIO()) == 0
    assert json.loads(base.read_text("utf-8"))["figures"]["tasks_f1"] <= 1.0
    assert ev.run(tiny_corpus, formats="txt", write_baseline_to=base, out=io.StringIO()) == 0  # equal: fine


def test_bad_formats_is_a_usage_error(tiny_corpus):
    assert ev.run(tiny_corpus, formats="txt,odt", out=io.StringIO()) == 1


def test_metric_context_is_the_sentence():
    text = "一、工作开展。全年共排查整治隐患9542处,其中重大隐患3处;下一步工作。"
    s = text.index("排查")
    assert ev.metric_context(text, [s, s + 10]) == "全年共排查整治隐患9542处,其中重大隐患3处;"


def test_category_methods_on_matched_pairs(monkeypatch):
    """With pipeline.extraction.category present, both methods are judged on the matched metric pairs."""
    import types

    def predict_category(subject: str, context: str, method: str = "rules") -> str:
        assert "隐患" in context
        return "hazard" if method == "rules" else "inspection"

    fake = types.SimpleNamespace(predict_category=predict_category)
    monkeypatch.setattr(ev.diagnostics, "_category_module", lambda: (fake, ""))
    text = "全年共排查整治隐患9542处。"
    gold = {"tasks": [], "metrics": [metric("排查整治隐患", 9542, "处", "hazard")]}
    rec = {"text": text, "tasks": [], "metrics": [metric("排查整治隐患", 9542, "处", "other", span=[3, 12])]}
    cm = ev.score_category_methods(ev.score_corpus([("d", gold, rec)]))
    assert cm.available and cm.default == "rules"
    assert (cm.acc["rules"].ok, cm.acc["model"].ok, cm.acc["rules"].n) == (1, 0, 1)


def test_category_module_absent_is_reported(monkeypatch):
    monkeypatch.setattr(ev.diagnostics, "_category_module", lambda: (None, "pipeline.extraction.category does not exist yet"))
    cm = ev.score_category_methods(ev.score_corpus([]))
    assert not cm.available and "does not exist" in cm.note


def test_canonical_share_and_wrong_merges():
    gold = {"tasks": [task(A, [unit("区应急局", "lead", "区应急管理局"), unit("区安委办", "lead", "区安全生产委员会办公室"),
                               unit("区住建局", "lead", "区住房和城乡建设局")])], "metrics": []}
    rec = {"tasks": [task(A, [unit("区应急局", "lead", "区应急管理局"), unit("区安委办", "lead", "区应急管理局"),
                              unit("区住建局", "lead", "区应急管理局")])], "metrics": []}
    c = ev.score_canonicals(ev.score_corpus([("d", gold, rec)]))
    assert (c.right, c.names, c.wrong_merges) == (1, 3, 3)  # three gold canonicals in one: three pairs


# -- year accuracy and the cuts (ours: score.py has neither) ---------------------------------------------------------

def test_year_accuracy_null_equals_null():
    """year is right when equal to gold's (null = null, "2024" = 2024); an error record has none; a missing
    document is not judged; a gold file without year is not judged."""
    err = {"error": {"code": "empty", "message": ""}}
    fs = ev.score_corpus([
        ("a", {"year": 2024, "tasks": [], "metrics": []}, {"year": 2024, "tasks": [], "metrics": []}),
        ("b", {"year": None, "tasks": [], "metrics": []}, {"year": None, "tasks": [], "metrics": []}),
        ("c", {"year": 2023, "tasks": [], "metrics": []}, {"year": 2024, "tasks": [], "metrics": []}),
        ("d", {"year": None, "tasks": [], "metrics": []}, {"year": 2024, "tasks": [], "metrics": []}),
        ("e", {"year": "2022", "tasks": [], "metrics": []}, {"year": 2022, "tasks": [], "metrics": []}),
        ("f", {"year": 2022, "tasks": [], "metrics": []}, err),
        ("g", {"year": 2022, "tasks": [], "metrics": []}, None),
        ("h", {"tasks": [], "metrics": []}, {"year": 2022, "tasks": [], "metrics": []}),
    ])
    assert (fs.acc["year"].ok, fs.acc["year"].n) == (3, 6)
    assert fs.totals()["year"] == {"acc": 0.5, "n": 6}
    wrong = {d.name: [f.text for f in d.findings if f.what == "year"] for d in fs.docs}
    assert wrong["c"] == ["2024 (gold 2023)"] and wrong["f"] == ["None (gold 2022)"] and not wrong["a"]


def test_year_and_cuts_on_corpus(report):
    """The corpus run judges every gold document's year, and cuts the documents by genre, folder, dev/ number."""
    txt = report.txt
    assert txt.acc["year"].n == len(txt.docs)
    assert txt.acc["year"].acc >= 0.9
    cuts = ev.breakdown(txt)
    assert sum(len(fs.docs) for fs in cuts["genre"].values()) == len(txt.docs)
    assert set(cuts["genre"]) <= {"plan", "report", "speech", "other"}
    assert {"dev/", "samples/", "pool/"} <= set(cuts["folder"])
    assert set(cuts["dev_genre"]) == {"1xx notices", "2xx task tables", "3xx reports", "4xx speeches/news",
                                      "5xx plans"}
    assert sum(len(fs.docs) for fs in cuts["dev_genre"].values()) == len(cuts["folder"]["dev/"].docs)
    # a cut's counts are the sum of its documents' counts
    plan = cuts["genre"]["plan"]
    assert plan.prf["tasks"].tp == sum(d.prf["tasks"].tp for d in txt.docs if d.gold_type == "plan")
    text = ev.render(report)
    assert "genre report" in text and "dev/ 2xx task tables" in text and "year" in text


def test_cut_names():
    assert ev.folder_of("dev/101_x") == "dev/" and ev.folder_of("pairs/01_a/pair01_plan") == "pairs/"
    assert ev.folder_of("x") == "./"
    assert ev.dev_genre_of("dev/305_report") == "3xx reports"
    assert ev.dev_genre_of("pool/305_report") is None and ev.dev_genre_of("dev/SOURCES") is None
