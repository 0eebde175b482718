"""What a metric measures (docs/MEASURES.md): kind, stage and measure key; sums per measure; cross-metric flags.

The hand counts below were made by reading the three documents, not by running the pipeline: for each measure,
every number the text states for it (SPEC §6: every mention is a metric, a breakdown included) added up.
"""

import math
from pathlib import Path

import pytest

from conftest import CORPORA
from pipeline.model import Metric
from pipeline.normalise.measure import (
    ALL_STAGES,
    OBJECTS,
    assign,
    base_of,
    kind_of,
    load_gold,
    measure_scores,
)

GOLD = CORPORA / "metric_measures.tsv"

HAIFENG = CORPORA / "pool" / "20_haifeng_yingjiju_2022_gongzuo_zongjie_yinhuan_chu.txt"
BAISHA = CORPORA / "heldout6" / "h6_08_baisha_zhen_2016_anquan_shengchan_niandu_zongjie.txt"
XIAN_2018 = CORPORA / "dev" / "302_wuyouwenku_xian_2018_shangbannian_anquan_zongjie_pdf.txt"

#: per document, per measure: the total read off the text (None: a rate or a change, never summed)
HAND_TOTALS = {
    HAIFENG: {
        "hazards_found": 10734 + 2688,  # 查出一般隐患10734处; 排查出一般隐患2688处
        "hazards_rectified": 10218 + 2389,  # 整改完成10218处; 整改2389处
        "major_hazards_found": 3, "major_hazards_rectified": 3,  # 查出重大隐患3处、整改到位3处
        "accidents": 22 + 18 + 2 + 1 + 1,  # 发生事故22起 (道路交通18起, 建筑施工2起, 工商贸1起, 建材1起)
        "deaths": 12 + 8 + 2 + 1 + 1,  # 造成12人死亡 (8人, 2人, 1人, 1人)
        "fines_yuan": 1683900,  # 共罚款168.39万元 (the last 罚款3… is cut off by the copy)
        "enterprises_inspected_times": 23876, "people_deployed_times": 22187,
        "cases_punished": 205, "cases_filed": 108,  # 行政处罚205次; 立案查处108次
        "enterprises_closed": 12 + 56,  # 责令12处停产整顿; 责令56家停产停业整顿
        "accidents_change_pct": None, "deaths_change_pct": None,  # 同比减少21.4%, 同比减少52%
    },
    BAISHA: {
        "accidents": 2, "deaths": 1, "accidents_change": None, "deaths_change": None,  # 较上年分别减少1起、1人
        "agreements_signed": 21 + 63,  # 与21个村(社区)、63家规模以上企业签订了…责任书
        "meetings_held": 9, "teams_deployed": 136 + 1,  # 检查组136个; 应急救援队伍1支
        "enterprises_inspected_times": 1025, "hazards_found": 587, "major_hazards_found": 2,
        "enterprises_closed": 7 + 3,  # 取缔…销售点7个, 关闭…小采石场3家
        "events_held": 5, "materials_publicized": 120 + 6000,  # 横幅120条, 宣传手册6000余册
        "people_trained": 210, "drills_held": 8, "funds_yuan": 380000,
        "hazards_rectified_pct": None,  # 确保整改率达到95%以上
    },
    XIAN_2018: {
        "accidents": 48 + 28 + 6, "deaths": 11 + 5 + 6, "injuries": 25 + 25, "losses_yuan": 1410000,
        "accidents_change": None, "accidents_change_pct": None, "deaths_change_pct": None,
        "accidents_pct": None, "deaths_pct": None,  # 在事故总起数中占58.33%, 在总死亡人数中占45.45%
    },
}


# -- the assignment ---------------------------------------------------------------------------------------------

def test_gold_file_is_large_and_uses_the_closed_lists():
    rows = load_gold(GOLD)
    assert len(rows) >= 300
    assert len({r["doc"] for r in rows}) >= 100
    assert {r["half"] for r in rows} == {"A", "B"}
    for r in rows:
        assert r["stage"] in ALL_STAGES, r
        assert base_of(r["measure"]).split("_")[0] in {o.split("_")[0] for o in OBJECTS}, r


def test_accuracy_against_the_gold_halves():
    """Half A is what the rules were written on; half B was held out (its first run: stage 0.884, measure 0.862)."""
    tuned, held = measure_scores(GOLD, half="A"), measure_scores(GOLD, half="B")
    assert tuned["n"] + held["n"] == len(load_gold(GOLD))
    assert held["stage"] >= 0.85 and held["measure"] >= 0.83, held["misses"]
    assert tuned["stage"] >= 0.90 and tuned["measure"] >= 0.88
    assert held["kind"] >= 0.97


@pytest.mark.parametrize("subject, category, unit, raw, before, expected", [
    ("排查发现隐患", "hazard", "处", "排查发现隐患350处", "", ("count", "found", "hazards_found")),
    ("已整改", "hazard", "处", "已整改420处", "排查发现隐患350处,", ("count", "rectified", "hazards_rectified")),
    ("整改率", "other", "%", "整改率89.3%", "", ("rate", "rectified", "hazards_rectified_pct")),
    ("检查企业", "inspection", "家次", "检查企业23876家次", "", ("count", "inspected", "enterprises_inspected_times")),
    ("罚款", "enforcement", "元", "罚款168.39万元", "", ("amount", "fined", "fines_yuan")),
    ("发生事故", "accident", "起", "发生事故48起", "", ("count", "occurred", "accidents")),
    ("死亡人数同比减少", "accident", "人", "同比减少4人", "死亡11人,", ("change", "died", "deaths_change")),
    ("事故起数同比下降", "other", "%", "下降14.29%", "同比减少8起,", ("change", "occurred", "accidents_change_pct")),
    ("培训", "training", "人次", "培训3200余人次", "", ("count", "trained", "people_trained_times")),
    ("组建督导组", "inspection", "个", "组建督导组3个", "", ("count", "deployed", "teams_deployed")),
])
def test_assign(subject, category, unit, raw, before, expected):
    got = assign(subject, category, unit, raw, before)
    assert (got.kind, got.stage, got.measure) == expected


def test_kind_follows_the_key():
    assert [kind_of(k) for k in ("hazards_found", "fines_yuan", "hazards_rectified_pct", "accidents_change",
                                 "deaths_change_pct", "roads_built_km")] == [
        "count", "amount", "rate", "change", "change", "amount"]


@pytest.fixture(scope="module")
def records():
    import pipeline

    return {p: pipeline.extract(p) for p in (HAIFENG, BAISHA, XIAN_2018)}


def _by_raw(doc):
    return {m.raw: m for m in doc.metrics}


def test_stage_and_measure_on_real_documents(records):
    haifeng = _by_raw(records[HAIFENG])
    assert haifeng["查出一般隐患10734处"].measure == "hazards_found"
    assert haifeng["整改完成10218处"].measure == "hazards_rectified"
    assert haifeng["罚款168.39万元"].measure == "fines_yuan" and haifeng["罚款168.39万元"].kind == "amount"
    assert haifeng["同比减少21.4%"].measure == "accidents_change_pct"
    xian = records[XIAN_2018]
    by_value = [(m.value, m.unit, m.measure) for m in xian.metrics]
    # 全县各类事故累计发生 48 起,同比减少 8 起,下降 14.29%;死亡 11 人,同比减少 4 人,下降 26.67%
    assert by_value[:6] == [(48, "起", "accidents"), (8, "起", "accidents_change"),
                            (14.29, "%", "accidents_change_pct"), (11, "人", "deaths"),
                            (4, "人", "deaths_change"), (26.67, "%", "deaths_change_pct")]
    baisha = _by_raw(records[BAISHA])
    assert baisha["检查企业、场所1025家次"].stage == "inspected"
    assert baisha["开展消防、防汛等应急演练8次"].measure == "drills_held"
    # 较上年分别减少1起、1人: the 人 is the deaths' change, not the accidents'
    assert [m.measure for m in records[BAISHA].metrics[:4]] == ["accidents", "deaths", "accidents_change",
                                                               "deaths_change"]
    for doc in records.values():
        record = doc.to_record()
        assert all({"kind", "stage", "measure"} <= set(m) for m in record["metrics"])


# -- sums per measure ---------------------------------------------------------------------------------------------

def test_hand_counted_totals_equal_query_by_document_and_measure(tmp_path, records):
    import csv
    import io

    from conftest import taskdb_cmd
    import subprocess

    db = tmp_path / "m.sqlite"
    files = [str(p) for p in HAND_TOTALS]
    subprocess.run(taskdb_cmd("ingest", *files, "--db", str(db)), check=True, capture_output=True)
    proc = subprocess.run(taskdb_cmd("query", "--db", str(db), "--metrics-by", "document,measure", "--format",
                                     "csv"), check=True, capture_output=True, text=True)
    rows = list(csv.DictReader(io.StringIO(proc.stdout.lstrip("\ufeff"))))
    got: dict = {}
    for r in rows:
        if r["kind"] == "part":  # a breakdown (其中…) has its own row, never summed into the total's
            continue
        got.setdefault(Path(r["source"]).name, {})[r["measure"]] = (r["kind"], r["total"], r["units"])
    for path, totals in HAND_TOTALS.items():
        have = got[path.name]
        for measure, total in totals.items():
            kind, stored, units = have[measure]
            if total is None:
                assert kind in ("rate", "change") and stored == "", (path.name, measure, have[measure])
            else:
                assert kind in ("count", "amount") and math.isclose(float(stored), total), (path.name, measure,
                                                                                              have[measure])
    # never 处 with %, nor a rate with a count: every row is one kind, and no rate or change has a total
    assert all(r["kind"] in ("count", "amount", "rate", "change", "part") for r in rows)
    assert all(r["total"] == "" for r in rows if r["kind"] in ("rate", "change", "part"))
    assert not any("%" in r["units"] and r["kind"] in ("count", "amount") for r in rows)


def test_metrics_summary_api_by_measure_and_groups(tmp_path, records):
    from pipeline.api import ingest, open_db

    url = str(tmp_path / "api.sqlite")
    ingest([HAIFENG, XIAN_2018], url)
    with open_db(url) as db:
        df = db.metrics_summary(by=["measure"])
        row = df[df["measure"] == "accidents"].iloc[0]
        assert row["total"] == 44 + 82 and row["kind"] == "count" and row["units"] == "起"
        assert df[df["measure"] == "accidents_change_pct"]["total"].isna().all()
        by_stage = db.metrics_summary(by="stage,kind")
        assert {"stage", "kind", "unit", "n", "total"} <= set(by_stage.columns)
        metrics = db.metrics()
        assert {"kind", "stage", "measure"} <= set(metrics.columns)
        with pytest.raises(ValueError, match="'by' option must be one of"):
            db.metrics_summary(by="document,bogus")


BREAKDOWN = """某县应急管理局2024年安全生产工作总结
全年共发生生产安全事故22起、死亡15人，其中道路交通事故18起、死亡12人。
全年排查隐患1200处，已整改1150处。其中重大隐患3处，已整改3处。
检查企业300家次，其中危化企业40家次；另检查商场60家次。
"""


def test_a_breakdown_is_a_part_and_is_not_summed_with_its_total(tmp_path):
    import pipeline
    from pipeline.api import ingest, open_db

    path = tmp_path / "breakdown.txt"
    path.write_text(BREAKDOWN, encoding="utf-8")
    kinds = {(m.value, m.measure): m.kind for m in pipeline.extract(path).metrics}
    assert kinds[(22, "accidents")] == kinds[(15, "deaths")] == "count"
    assert kinds[(18, "accidents")] == kinds[(12, "deaths")] == "part"  # 其中 after the totals, same sentence
    assert kinds[(1150, "hazards_rectified")] == "count"
    assert kinds[(3, "hazards_rectified")] == "part"  # 。其中…: the total is in the sentence before
    assert kinds[(3, "major_hazards_found")] == "count"  # no total of this measure before it
    assert kinds[(40, "enterprises_inspected_times")] == "part"
    assert kinds[(60, "enterprises_inspected_times")] == "count"  # after the breakdown's ；, another total
    ingest([path], str(tmp_path / "b.sqlite"))
    with open_db(str(tmp_path / "b.sqlite")) as db:
        df = db.metrics_summary(by="measure")
    total = df[(df["measure"] == "accidents") & (df["kind"] == "count")].iloc[0]
    assert total["total"] == 22 and total["n"] == 1
    part = df[(df["measure"] == "accidents") & (df["kind"] == "part")].iloc[0]
    assert part["n"] == 1 and str(part["total"]) == "<NA>"  # a part is never summed
    assert df[(df["measure"] == "enterprises_inspected_times") & (df["kind"] == "count")].iloc[0]["total"] == 360


def test_query_refuses_an_unknown_group(tmp_path):
    import subprocess

    from conftest import taskdb_cmd

    db = tmp_path / "e.sqlite"
    subprocess.run(taskdb_cmd("ingest", str(BAISHA), "--db", str(db)), check=True, capture_output=True)
    proc = subprocess.run(taskdb_cmd("query", "--db", str(db), "--metrics-by", "document,colour"),
                          capture_output=True, text=True)
    assert proc.returncode != 0 and "colour" in proc.stderr and "Traceback" not in proc.stderr


# -- flags ----------------------------------------------------------------------------------------------------------

def _extract_text(tmp_path, text: str, name: str = "doc.txt"):
    import pipeline

    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return pipeline.extract(p)


def _codes(doc) -> list[str]:
    return sorted(f.code for f in doc.flags if f.code in ("rectified_exceeds_found", "rate_mismatch",
                                                          "casualties_without_accident", "deadline_before_document"))


REPORT = "某县2024年上半年安全生产工作总结\n一、工作开展情况\n{body}\n二、下一步工作\n继续抓好隐患排查整治。\n"


def test_rectified_more_than_found_is_flagged(tmp_path):
    bad = _extract_text(tmp_path, REPORT.format(body="上半年全县共排查发现隐患350处,已整改420处。"), "bad.txt")
    assert _codes(bad) == ["rectified_exceeds_found"]
    flag = next(f for f in bad.flags if f.code == "rectified_exceeds_found")
    assert "420" in flag.message and "350" in flag.message
    ok = _extract_text(tmp_path, REPORT.format(body="上半年全县共排查发现隐患350处,已整改320处。"), "ok.txt")
    assert _codes(ok) == []


def test_a_rate_that_disagrees_with_its_counts_is_flagged(tmp_path):
    body = "截至5月底,全市共排查燃气用户8.6万户,发现隐患3215处,已整改2870处,整改率{rate}。"
    ok = _extract_text(tmp_path, REPORT.format(body=body.format(rate="89.3%")), "ok.txt")  # 2870/3215 = 89.27%
    assert _codes(ok) == []
    bad = _extract_text(tmp_path, REPORT.format(body=body.format(rate="95%")), "bad.txt")
    assert _codes(bad) == ["rate_mismatch"]


def test_casualties_without_an_accident_are_flagged(tmp_path):
    bad = _extract_text(tmp_path, REPORT.format(body="上半年全县安全生产形势平稳,死亡3人,受伤2人。"), "bad.txt")
    assert _codes(bad) == ["casualties_without_accident", "casualties_without_accident"]
    ok = _extract_text(tmp_path, REPORT.format(body="上半年全县发生生产安全事故2起,死亡3人,受伤2人。"), "ok.txt")
    assert _codes(ok) == []


def test_a_deadline_before_the_documents_date_is_flagged(tmp_path):
    plan = ("某区2024年安全生产工作要点\n一、重点任务\n1.各镇(街道)要于2024年{month}月底前完成辖区企业隐患排查。"
            "(责任单位:区应急管理局)\n\n某区安全生产委员会\n2024年3月2日\n")
    bad = _extract_text(tmp_path, plan.format(month=2), "bad.txt")
    assert bad.meta["date"] == "2024-03-02"
    assert _codes(bad) == ["deadline_before_document"]
    ok = _extract_text(tmp_path, plan.format(month=6), "ok.txt")
    assert _codes(ok) == []


def test_clean_real_documents_get_none_of_the_new_flags(records):
    for doc in records.values():
        assert _codes(doc) == [], doc.source


def test_document_date_reads_the_signing_line():
    from pipeline.normalise.checks import document_date

    assert document_date("……\n白沙镇人民政府\n2016年12月20日") == "2016-12-20"
    assert document_date("……\n二〇二四年三月二日\n") == "2024-03-02"
    assert document_date("截至2024年3月2日,全县…") is None
    assert document_date("……\n2024年2月30日\n") is None


def test_flags_use_the_measures_not_the_words():
    from pipeline.model import Document
    from pipeline.normalise.checks import check_measures

    text = "发现隐患10处,整改12处。"
    ms = (Metric("发现隐患", "hazard", 10, "处", "发现隐患10处", (0, 6), measure="hazards_found", kind="count",
                 stage="found"),
          Metric("整改", "hazard", 12, "处", "整改12处", (7, 11), measure="items_other", kind="count", stage="other"))
    doc = Document(source="x", sha256="0" * 64, format="txt", raw_text=text, text=text, metrics=ms)
    assert check_measures(doc) == []  # not a rectified hazard count: nothing to compare


# -- the database ---------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_database_round_trips_kind_stage_measure(backend, tmp_path, records):
    from test_store import DbFactory

    from pipeline.api import ingest, open_db

    factory = DbFactory(backend, tmp_path)
    try:
        url = factory.new("measure")
        ingest([HAIFENG], url)
        with open_db(url) as db:
            stored = db.metrics()
            flags = db.flags()
            summary = db.metrics_summary(by="document,measure")
        totals = dict(zip(summary["measure"], summary["total"]))
        assert totals["hazards_found"] == HAND_TOTALS[HAIFENG]["hazards_found"]
        assert totals["fines_yuan"] == HAND_TOTALS[HAIFENG]["fines_yuan"]
        expected = [(m.kind, m.stage, m.measure) for m in records[HAIFENG].metrics]
        assert list(zip(stored["kind"], stored["stage"], stored["measure"])) == expected
        assert set(flags["code"]) >= {f.code for f in records[HAIFENG].flags}
    finally:
        factory.cleanup()


def test_version_3_database_is_upgraded(tmp_path):
    from sqlalchemy import create_engine, text

    from pipeline.api import ingest, open_db

    url = str(tmp_path / "v2.sqlite")
    ingest([BAISHA], url)
    engine = create_engine(f"sqlite:///{url}")
    with engine.begin() as conn:  # back to version 3: the metrics table without its three columns
        conn.execute(text("DROP INDEX ix_metrics_measure"))
        for col in ("kind", "stage", "measure"):
            conn.execute(text(f"ALTER TABLE metrics DROP COLUMN {col}"))
        conn.execute(text("UPDATE taskdb_meta SET value = '3' WHERE key = 'schema_version'"))
    engine.dispose()
    ingest([XIAN_2018], url)
    with open_db(url) as db:
        df = db.metrics()
    new = df[df["measure"].notna()]
    assert len(new) and set(new["measure"]) >= {"accidents", "deaths"}
    assert df["measure"].isna().sum() == len(df) - len(new) > 0  # the old rows kept, without a measure


def test_end_to_end_scores_on_one_document(tmp_path):
    import pipeline
    from pipeline.normalise.measure import measure_scores_extracted

    lines = GOLD.read_text("utf-8").splitlines()
    header = next(ln for ln in lines if ln.startswith("doc\t"))
    mine = [ln for ln in lines if ln.startswith("heldout6/h6_08_baisha")]
    assert mine
    sub = tmp_path / "sub.tsv"
    sub.write_text("\n".join([header, *mine]) + "\n", "utf-8")
    got = measure_scores_extracted(sub, pipeline.extract, corpora_root=CORPORA)
    # 发生生产安全事故2起 accidents, 培训210人 people_trained, 培训不少于3期 trainings_held: all three found
    assert (got["n"], got["missed"]) == (len(mine), 0) == (3, 0)
    assert got["stage"] == got["measure"] == 1.0
