"""Metric categories (SPEC §6): the cue-word rules, the trainer of the model (pipeline/learn/category.py),
and the choice between them."""

import json
import shutil

import pytest

from conftest import CORPORA, ROOT
from pipeline.extraction import category
from pipeline import learn
from pipeline.learn import category as learned
from pipeline.extraction.category import CATEGORIES, context_of, rule_category


@pytest.mark.parametrize("subject, expected", [
    # the verb decides when verb and counted noun disagree
    ("立案调查生产安全事故", "enforcement"),
    ("事前问责发现重大隐患的企业", "enforcement"),
    ("下达责令改正通知书", "document"),
    ("签订安全生产目标责任书的镇(街道)", "responsibility"),
    ("检查企业", "inspection"),
    ("排查整治隐患", "hazard"),
    ("查出重大安全隐患", "major_hazard"),
    ("已完成整改的重大隐患", "major_hazard"),
    ("召开防汛调度会议", "meeting"),
    ("开展防汛演练", "training"),
    ("编发雨水汛情通报", "document"),
    ("拨付救灾资金", "resource"),
    ("发生生产安全事故", "accident"),
    # publicity materials are training whatever the verb
    ("印发宣传彩页", "training"),
    ("张贴刷写横幅标语", "training"),
    ("发放宣传年画", "training"),
    # rates, shares and scores are other
    ("专项预案修订率", "other"),
    ("亿元地区生产总值生产安全事故死亡率降幅", "other"),
    ("举报案件办结率", "other"),
    # what is counted, the head noun of X的Y first
    ("重点行业领域", "scope"),
    ("建成集中停放充电场所的村(社区)", "scope"),
    ("小区内建成停放充电场所", "resource"),
    ("组建森林防火应急救援队伍", "resource"),
    ("电动自行车保有量", "other"),
    ("重建户", "other"),
    # moving people out of danger is neither a loss nor an accident, whatever loss word follows
    ("紧急转移安置受灾群众", "other"),
    ("避险转移", "other"),
    ("受灾人口", "accident"),
    # shapes of the real documents of corpora/dev/ (SPEC §6, §8): traffic enforcement counts, meeting
    # attendance, per-head averages and economic indicators (rates: other), inventories of physical works
    # (scope), people assigned (resource)
    ("查获酒后驾驶违法行为", "enforcement"),
    ("醉驾", "enforcement"),
    ("单位及其负责同志到会", "meeting"),
    ("人均带队督导", "other"),
    ("平均每次督导发现问题和隐患", "other"),
    ("人均社会消费品零售总额", "other"),
    ("固定资产投资指标", "other"),
    ("全镇松干堤防", "scope"),
    ("中小型水库", "scope"),
    ("大进村、铜盘村、联合村、合群村基干民兵", "resource"),
])
def test_category_rules(subject, expected):
    assert rule_category(subject) == expected


def test_category_rules_share_of_units_is_other():
    assert rule_category("各村(社区)完成安装计划", unit="%") == "other"
    assert rule_category("各村(社区)完成安装计划", unit="个") == "scope"


def test_category_rules_context_when_the_subject_names_nothing():
    text = "在水西广场等地悬挂安全宣传空飘10个,搭设彩门2个。"
    i = text.index("搭设")
    ctx = context_of(text, i, text.index("。"))
    assert rule_category("搭设彩门", ctx) == "training"
    # the cue must be in the same sentence, before the metric
    ctx = context_of("森林火灾风险降低。今年全区先后经历18轮次降雨", 13, 24)
    assert rule_category("经历降雨", ctx) == "other"


@pytest.fixture
def models_at(monkeypatch):
    """Point the model registry at a models folder of the test's own."""

    def use(path):
        monkeypatch.setenv("TASKDB_MODELS", str(path))
        return path

    return use


def test_category_defaults_to_rules_without_a_model(models_at, tmp_path):
    models_at(tmp_path / "nothing")
    assert category.method() == "rules"
    assert category.classify("立案调查生产安全事故") == "enforcement"


@pytest.fixture(scope="module")
def small_corpus(tmp_path_factory):
    """Three documents of the corpus, with their gold files."""
    root = tmp_path_factory.mktemp("corpus")
    sub = root / "part"
    sub.mkdir()
    for stem in ("15_sheng_yingjiting_2021_weihua_dajiancha_fanti_xiayibu",
                 "20_haifeng_yingjiju_2022_gongzuo_zongjie_yinhuan_chu",
                 "23_xiaofang_dadui_2020_shangbannian_zongjie_jiancha_danwei"):
        for ext in (".txt", ".gold.json"):
            shutil.copy(CORPORA / "pool" / f"{stem}{ext}", sub / f"{stem}{ext}")
    return root


@pytest.fixture(scope="module")
def small_examples(small_corpus):
    from pipeline.train import collect, find_gold

    return collect(learned, find_gold(small_corpus))


def test_category_examples_carry_the_extractors_subjects(small_examples):
    ex = small_examples
    assert len(ex) == 11 + 29 + 11  # the gold metrics of the three documents
    assert len({e["group"] for e in ex}) == 3
    assert all(e["category"] in CATEGORIES for e in ex)
    # the extractor finds nearly all of these metrics: its subjects and spans are what the model learns from
    assert sum(e["source"] == "extracted" for e in ex) >= 0.9 * len(ex)
    assert all(e["context"].count("\x1f") == 1 for e in ex)


def test_category_cross_validation_groups_by_document(small_examples):
    cv = learned.cross_validate(small_examples)
    assert cv["n_splits"] == 3
    assert [f["documents"] for f in cv["folds"]] == [1, 1, 1]
    assert 0 <= cv["model_accuracy"] <= 1 and cv["rules_accuracy"] >= 0.8


def test_category_train_writes_model_card_and_choice(small_corpus, tmp_path, models_at):
    from pipeline.train import train

    out = tmp_path / "models"
    meta = train(small_corpus, out, ("category",))["metric_category"]
    assert {"use", "model_accuracy", "rules_accuracy", "cv", "folds", "by_part", "sklearn", "date"} <= set(meta)
    assert meta["examples"] == 51 and meta["documents"] == 3
    assert meta["use"] == ("model" if meta["model_accuracy"] > meta["rules_accuracy"] else "rules")
    assert json.loads((out / "metric_category.json").read_text("utf-8")) == meta
    card = (out / "metric_category.md").read_text("utf-8")
    assert "GroupKFold" in card and meta["sklearn"] in card and f"{meta['rules_accuracy']:.3f}" in card
    # retrained on the same data, the model predicts the same
    again = tmp_path / "again"
    train(small_corpus, again, ("category",))
    probe = [("查出火灾隐患", "\x1f"), ("检查单位", "全区共\x1f,其中"), ("罚款", "\x1f")]
    from pipeline.learn import load

    models_at(out)
    first = [learned.predict(load("metric_category"), s, c) for s, c in probe]
    models_at(again)
    assert [learned.predict(load("metric_category"), s, c) for s, c in probe] == first
    # the code follows the recorded choice: force the model and it is used
    (again / "metric_category.json").write_text(json.dumps({**meta, "use": "model"}), "utf-8")
    learn.forget()
    assert category.method() == "model"
    assert category.classify("查出火灾隐患", "\x1f") in CATEGORIES
    learn.forget()


def test_category_stage_holds_no_training_code():
    """Training lives in pipeline.learn; the stage only chooses (and the import graph stays acyclic)."""
    src = (ROOT / "pipeline" / "extraction" / "category.py").read_text("utf-8")
    assert "pipeline.run" not in src and "..run" not in src and "def fit" not in src


def test_category_shipped_choice_is_the_better_one():
    info = json.loads((ROOT / "models" / "metric_category.json").read_text("utf-8"))
    better = "model" if info["model_accuracy"] > info["rules_accuracy"] else "rules"
    assert info["use"] == better
    card = (ROOT / "models" / "metric_category.md").read_text("utf-8")
    assert f"Choice: **{info['use']}**" in card


def test_category_features_name_verb_noun_measure_word_and_lead_in():
    """The classifier sees the subject's verb and counted noun, the measure word's class and the
    characters right before the metric's words (text of corpora/pairs/01: 参训领导干部 after a 培训班 count)."""
    text = "举办区镇两级党政正职应急管理专题培训班2期,参训领导干部126人。"
    i = text.index("参训")
    f = learned.features("参训领导干部", context_of(text, i, text.index("。")), "人")
    tokens = f["tokens"].split()
    assert {"pre2=参训", "suf2=干部", "uclass=people", "b2=期,"} <= set(tokens)
    assert learned.UNIT_CLASS["人次"] == "people" and learned.UNIT_CLASS["万元"] == "money"


def test_category_shipped_model_held_out_floor():
    """The shipped model's cross-validated accuracy (GroupKFold by source) does not fall back below
    what the section headings, doc_type and the neighbours' second pass reached (0.892, dev/ 0.845, when
    they were added; 0.883 and 0.834 before on the same folds; 0.871 before the verb/noun features). 231 documents
    (heldout11/12 joined, new genres): 0.884; the hinge-loss model and the clause's words: 0.890. 267 documents
    (heldout13-15 joined, other folds): 0.887, dev/ 0.826."""
    info = json.loads((ROOT / "models" / "metric_category.json").read_text("utf-8"))
    assert info["model_accuracy"] >= 0.886
    assert info["by_part"]["dev"]["model"] >= 0.825
    assert sum(sum(row.values()) for row in info["confusion"].values()) == info["metrics"]


def test_category_neighbours_link_an_enumeration():
    """The metrics of one sentence are linked to their neighbours; a sentence or list end (。;) cuts the chain
    (text of corpora/dev/316: an inspection count and the counts of its parts)."""
    text = ("据统计,23日晚全市共出动检查组57个、检查人员209人,检查单位400家,其中住宅小区和自建房201家、"
            "沿街门店等场所199家。对检查发现的隐患问题;查出隐患12处")
    raws = ["出动检查组57个", "检查人员209人", "检查单位400家", "住宅小区和自建房201家", "沿街门店等场所199家",
            "查出隐患12处"]
    spans = [(text.index(r), text.index(r) + len(r)) for r in raws]
    assert learned.neighbours(text, spans) == [(None, 1), (0, 2), (1, 3), (2, 4), (3, None), (None, None)]
    assert category.neighbours is learned.neighbours


def test_category_second_pass_sees_the_neighbours_first_answers():
    """features() carries the neighbours' categories; predict_many classifies twice when given links."""
    f = learned.features("检查单位", "\x1f", "家", ("inspection", "none"))
    assert {"prev_cat=inspection", "next_cat=none"} <= set(f["tokens"].split())
    assert "prev_cat=unk" in learned.features("检查单位", "\x1f", "家", learned.UNKNOWN)["tokens"].split()

    class Recorder:
        def __init__(self):
            self.calls = []

        def predict(self, rows):
            self.calls.append([r["tokens"] for r in rows])
            return ["inspection" if "检查" in r["subject"] else "scope" for r in rows]

    m = Recorder()
    items = [("检查单位", "\x1f", "家"), ("住宅小区", "\x1f", "家")]
    assert learned.predict_many(m, items, [(None, 1), (0, None)]) == ["inspection", "scope"]
    assert len(m.calls) == 2
    assert "next_cat=scope" in m.calls[1][0].split() and "prev_cat=inspection" in m.calls[1][1].split()
    m = Recorder()
    learned.predict_many(m, items)
    assert len(m.calls) == 1  # without links: one pass, neighbours unknown


def test_category_model_reads_each_metrics_raw_with_its_number_masked(monkeypatch):
    """The extractor hands the classifier each metric's ``raw``, and the features carry its words with the number
    masked (text of corpora/heldout22/2204: the subject model may pick a wrong span inside such a count; the
    raw still says what is counted and by which verb)."""
    from pipeline.run import extract

    seen = []
    real = learned.predict_many

    def spy(model, items, links=None, headings=None, doc_type=None, raws=None):
        seen.append(list(raws or []))
        return real(model, items, links, headings, doc_type, raws)

    monkeypatch.setattr(learned, "predict_many", spy)
    doc = extract(CORPORA / "heldout22" / "2204_xilan_qu_2023_zhongda_shigu_yinhuan_zhuanxiang_zhengzhi_shishi_fangan_docx.txt")
    if category.method() == "model":
        assert seen == [[m.raw for m in doc.metrics]]
    raw = next(m.raw for m in doc.metrics if "36家" in m.raw)
    assert "危险化学品生产经营企业" in raw
    f = learned.features("危险化学品生产经营企业", "\x1f", "家", raw=raw)
    assert f["raw"] == raw.replace("36", "0") and "36" not in f["raw"]


def test_category_percentages_are_other_whatever_the_model_says():
    """SPEC §8: percentages, shares and rates are `other` (every gold metric in % or ‰ is); the rule stands after
    the model, so that the words around a share (隐患整改率, 覆盖企业) cannot make it another category."""
    class Scope:
        def predict(self, rows):
            return ["scope"] * len(rows)

    items = [("覆盖企业", "\x1f", "%"), ("覆盖企业", "\x1f", "家"), ("整改", "\x1f", "‰")]
    assert learned.predict_many(Scope(), items) == ["other", "scope", "other"]
    assert learned.predict(Scope(), "覆盖企业", "\x1f", "个百分点") == "other"


def test_category_of_every_extracted_percentage_is_other():
    from pipeline.run import extract

    shares = [m for p in sorted((CORPORA / "pool").glob("*.txt"))[:8] for m in extract(p).metrics
              if m.unit in ("%", "‰", "个百分点")]
    assert len(shares) >= 5
    assert {m.category for m in shares} == {"other"}


def test_category_features_read_the_raws_cues_and_a_count_per_occasion():
    """Where the subject is a shorter span than the count's words, the cues of the raw are features of their own
    (text of corpora/dev/407: 20多个单位及其负责同志到会 counts a meeting's attendance, its subject only 单位);
    a count followed by /队次 is an average per occasion, a rate (text of corpora/dev/312: 5.2个/队次)."""
    raw = "20多个单位及其负责同志到会"
    text = "县安监局等" + raw + "。"
    i = text.index(raw)
    tokens = learned.features("单位", context_of(text, i, i + len(raw)), "个", raw=raw)["tokens"].split()
    assert "raw_strong=meeting" in tokens and "subj_weak=scope" in tokens
    assert "raw_strong=meeting" not in learned.features(raw, "\x1f", "个", raw=raw)["tokens"].split()  # not twice
    text = "平均发现隐患问题较多的支队是**(5.2个/队次)、**(3.5个/队次)"
    i = text.index("5.2个")
    assert "per_unit" in learned.features("支队", context_of(text, i, i + 4), "个")["tokens"].split()
    i = text.index("3.5个")
    assert "per_unit" not in learned.features("支队", context_of(text, i - 2, i), "个")["tokens"].split()


def test_category_counts_per_head_or_per_occasion_are_other():
    """SPEC §8: rates are ``other``; a count per head or per occasion is one, whatever the model says (text of
    corpora/dev/312: 人均带队督导17.3次, 平均每次督导发现问题和隐患2.6处, **(5.2个/队次))."""
    assert learned.share_rule("inspection", "次", "人均带队督导") == "other"
    assert learned.share_rule("hazard", "处", "平均每次督导发现问题和隐患") == "other"
    text = "平均发现隐患问题较多的支队是**(5.2个/队次)、**(3.5个/队次)"
    i = text.index("5.2个")
    assert learned.share_rule("scope", "个", "支队", context_of(text, i, i + 4), "5.2个") == "other"
    # an average staffing level is not a rate; nor is a count followed by other words
    assert learned.share_rule("resource", "人", "乡镇应急管理办公室专职人员平均不足") == "resource"
    assert learned.share_rule("hazard", "处", "发现问题和隐患", "\x1f,整改率为82.3%") == "hazard"


def test_category_features_mark_a_meetings_attendance():
    """Those a meeting gathered (召开…会议,…共57人参加) are the meeting's count (SPEC §6: meeting), not resource
    (text of corpora/dev/416); 参加 without a meeting in the sentence (参加培训) is not marked."""
    raw = "全体机关干部和驻村工作队成员共计57人"
    text = "3月25日,迎丰镇召开清明节前夕安全生产工作部署会议," + raw + "参加。"
    i = text.index(raw)
    ctx = context_of(text, i, i + len(raw))
    assert "attend_meeting" in learned.features("机关干部和驻村工作队成员", ctx, "人", raw=raw)["tokens"].split()
    text = "举办应急管理培训班2期," + raw + "参加。"
    i = text.index(raw)
    ctx = context_of(text, i, i + len(raw))
    assert "attend_meeting" not in learned.features("机关干部和驻村工作队成员", ctx, "人", raw=raw)["tokens"].split()
