"""Metric categories (SPEC §6): the cue-word rules, the trained model, and the choice between them."""

import json
import shutil
import subprocess
import sys

import pytest

from conftest import CORPORA, ROOT
from pipeline.extraction import category
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
def models_at(monkeypatch, tmp_path):
    """Point the category module at a models folder of the test's own, with fresh caches."""

    def use(path):
        monkeypatch.setenv("TASKDB_MODELS", str(path))
        category._choice.cache_clear()
        category._model.cache_clear()
        return path

    yield use
    category._choice.cache_clear()
    category._model.cache_clear()


def test_category_defaults_to_rules_without_a_model(models_at, tmp_path):
    models_at(tmp_path / "nothing")
    assert category.method() == "rules"
    assert category.classify("立案调查生产安全事故") == "enforcement"


@pytest.fixture(scope="module")
def small_corpus(tmp_path_factory):
    """Three documents of the corpus, with their gold files, in the corpus layout (DIR/*/*.gold.json)."""
    root = tmp_path_factory.mktemp("corpus")
    sub = root / "part"
    sub.mkdir()
    for stem in ("15_sheng_yingjiting_2021_weihua_dajiancha_fanti_xiayibu",
                 "20_haifeng_yingjiju_2022_gongzuo_zongjie_yinhuan_chu",
                 "23_xiaofang_dadui_2020_shangbannian_zongjie_jiancha_danwei"):
        for ext in (".txt", ".gold.json"):
            shutil.copy(CORPORA / "pool" / f"{stem}{ext}", sub / f"{stem}{ext}")
    return root


def test_category_gold_examples_find_their_context(small_corpus):
    ex = category.gold_examples(small_corpus)
    assert len(ex) == 11 + 30 + 11
    assert {e["doc"] for e in ex} == {f"part/{p.name[:-10]}" for p in (small_corpus / "part").glob("*.gold.json")}
    located = [e for e in ex if not e["context"].startswith("\x1f")]
    assert len(located) >= 0.9 * len(ex)  # the gold raw is found in the cleaned text
    assert all(e["category"] in CATEGORIES for e in ex)


def test_category_train_writes_model_card_and_choice(small_corpus, tmp_path, models_at):
    out = tmp_path / "models"
    info = category.train_category_model(small_corpus, out)
    assert {"use", "model_accuracy", "rules_accuracy", "cv", "examples", "documents", "sklearn", "date"} <= set(info)
    assert info["examples"] == 52 and info["documents"] == 3
    assert info["use"] == ("model" if info["model_accuracy"] > info["rules_accuracy"] else "rules")
    assert json.loads((out / "metric_category.json").read_text("utf-8")) == info
    card = (out / "metric_category.md").read_text("utf-8")
    assert "GroupKFold" in card and info["sklearn"] in card and f"{info['rules_accuracy']:.3f}" in card
    assert (out / "metric_category.joblib").stat().st_size > 0
    # the code follows the recorded choice: force the model and it is used
    models_at(out)
    (out / "metric_category.json").write_text(json.dumps({**info, "use": "model"}), "utf-8")
    category._choice.cache_clear()
    assert category.method() == "model"
    assert category.classify("查出火灾隐患", "\x1f") in CATEGORIES


def test_category_cross_validation_groups_by_document(small_corpus):
    cv = category.cross_validate(category.gold_examples(small_corpus))
    assert cv["n_splits"] == 3
    assert [f["documents"] for f in cv["folds"]] == [1, 1, 1]


def test_category_command_usage():
    proc = subprocess.run([sys.executable, "-m", "pipeline.extraction.category"], cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 1 and "usage" in proc.stderr


def test_category_shipped_choice_is_the_better_one():
    info = json.loads((ROOT / "models" / "metric_category.json").read_text("utf-8"))
    better = "model" if info["model_accuracy"] > info["rules_accuracy"] else "rules"
    assert info["use"] == better
    card = (ROOT / "models" / "metric_category.md").read_text("utf-8")
    assert f"Choice: **{info['use']}**" in card
