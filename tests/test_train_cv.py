"""`taskdb train` and `taskdb eval --cv K` on a small corpus of real documents copied from corpora/.

- train: a model and its card for each trainer that exists; trained twice on the same gold files,
  the models extract the same records from every document;
- the folds: a source group (a document with its renditions, a plan with its reports) is never on
  both sides, folds are deterministic and spread the genres;
- --cv: runs through the CLI and prints the per-field and per-genre figures; each held-out document
  is scored with models whose training list excludes it, and the cross-validated figures differ
  from the plain evaluation only through the training data (given the same models, they are equal).
"""

import io
import json
import shutil
import subprocess
from collections import Counter
from pathlib import Path

import pytest

from conftest import CORPORA, ROOT, taskdb_cmd
from pipeline import evaluate as ev
from pipeline.learn import use_models
from pipeline.run import extract_many
from pipeline.train import available, find_gold, trainer

#: ten real documents from five folders and three genres; the two of pairs/01 are one source group
SMALL = [
    "heldout/h2_report_xiayibu", "heldout/h3_speech", "heldout2/k1_fangan_phases",
    "heldout2/k2_speech_unnumbered", "heldout3/m5_table_two_cols",
    "dev/204_hangzhou_yingjiju_2020_zhineng_mubiao_jindubiao",
    "dev/402_zhongtushe_anhui_2008_meikuang_anquan_shipinhui_spam",
    "dev/501_wangkeheji_nanchang_anquanshengchanyue_huodong_fangan",
    "pairs/01_guangling_anweihui_2023_gongzuoyaodian/pair01_plan",
    "pairs/01_guangling_anweihui_2023_gongzuoyaodian/pair01_report",
]
PAIR = "pairs/01_guangling_anweihui_2023_gongzuoyaodian"


@pytest.fixture(scope="module")
def small(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("small") / "corpus"
    for name in SMALL:
        dest = root / name
        dest.parent.mkdir(parents=True, exist_ok=True)
        for ext in (".txt", ".gold.json"):
            shutil.copy(CORPORA / (name + ext), dest.with_name(dest.name + ext))
    return root


def model_names() -> list[str]:
    return [trainer(n).NAME for n in available()]


@pytest.fixture(scope="module")
def trained_twice(small, tmp_path_factory) -> tuple[Path, Path]:
    """``taskdb train SMALL --out DIR`` run twice (side by side, so that both see the same code):
    every available model trained on the ten documents, in two folders."""
    outs = [tmp_path_factory.mktemp(f"models_{x}") for x in "ab"]
    procs = [subprocess.Popen(taskdb_cmd("train", str(small), "--out", str(out)), stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True, cwd=ROOT) for out in outs]
    for p in procs:
        log, _ = p.communicate()
        assert p.returncode == 0, log
    return outs[0], outs[1]


@pytest.fixture(scope="module")
def trained(trained_twice) -> Path:
    return trained_twice[0]


def records(paths: list[Path], models: Path) -> list[dict]:
    with use_models(models):
        return [r.to_record() for r in extract_many(paths)]


# -- taskdb train --------------------------------------------------------------------------------------------------

def test_train_writes_each_model_and_its_card(trained):
    names = model_names()
    for name in names:
        meta = json.loads((trained / f"{name}.json").read_text("utf-8"))
        assert meta["documents"] == len(SMALL), name
        assert meta["examples"] > 0, name
        card = (trained / f"{name}.md").read_text("utf-8")
        assert card.strip(), f"{name}: empty card"
        assert (trained / f"{name}.joblib").is_file(), name
    assert sorted(p.stem for p in trained.glob("*.md")) == sorted(names)


def test_retrained_models_predict_the_same(small, trained_twice):
    """The same gold files, trained twice: every record is the same."""
    if not available():
        pytest.skip("no trainer exists yet")
    paths = [g.txt for g in find_gold(small)]
    first, second = records(paths, trained_twice[0]), records(paths, trained_twice[1])
    for a, b in zip(first, second, strict=True):
        assert "error" not in a, a
        assert a == b, f"{a['source']}: retrained models extract another record"


# -- the folds -----------------------------------------------------------------------------------------------------

def strata_of(docs) -> dict[str, str]:
    return {g.name: g.load().get("doc_type") or "—" for g in docs}


@pytest.mark.parametrize("k", [2, 5])
def test_folds_keep_every_group_on_one_side(k):
    docs = find_gold(CORPORA)
    strata = strata_of(docs)
    folds = ev.folds(docs, k, strata)
    assert len(folds) == k and all(folds)
    names = [g.name for f in folds for g in f]
    assert sorted(names) == sorted(g.name for g in docs), "every document in exactly one fold"
    side = {}
    for i, f in enumerate(folds):
        for g in f:
            assert side.setdefault(g.group, i) == i, f"group {g.group} on both sides"
    pair = {side[g.group] for g in docs if g.name.startswith(PAIR)}
    assert len(pair) == 1, "a plan and its report are one group"
    for train, held in ev.splits(docs, k, strata):
        held_groups = {g.group for g in held}
        assert not held_groups & {g.group for g in train}
        assert len(train) + len(held) == len(docs)
    # deterministic, balanced, and every large genre in every fold
    assert [[g.name for g in f] for f in ev.folds(docs, k, strata)] == [[g.name for g in f] for f in folds]
    sizes = [len(f) for f in folds]
    assert max(sizes) - min(sizes) <= 2, sizes
    for f in folds:
        genres = Counter(strata[g.name] for g in f)
        assert genres["plan"] and genres["report"], genres


def test_fold_count_is_checked(small):
    docs = find_gold(small)
    assert len({g.group for g in docs}) == len(SMALL) - 1
    with pytest.raises(ValueError, match="at least 2 folds"):
        ev.folds(docs, 1)
    with pytest.raises(ValueError, match="source groups"):
        ev.folds(docs, len(SMALL))
    assert len(ev.folds(docs, len(SMALL) - 1)) == len(SMALL) - 1


# -- taskdb eval --cv ----------------------------------------------------------------------------------------------

def test_cli_eval_cv_prints_fields_and_genres(small, tmp_path):
    out = tmp_path / "cv.json"
    p = subprocess.run(taskdb_cmd("eval", str(small), "--cv", "2", "--json", str(out)),
                       capture_output=True, text=True, cwd=ROOT)
    assert p.returncode == 0, p.stdout + p.stderr
    text = p.stdout
    assert f"--cv 2: {len(SMALL)} gold documents in {len(SMALL) - 1} source groups, 2 folds" in text
    assert "held out" in text and "counts pooled over the 2 folds" in text
    for needle in ("tasks", "units", "deadlines", "metrics", "doc_type", "year", "unit_role", "metric_category",
                   "metric_subject", "genre plan", "genre report", "genre speech", "folder dev/", "folder pairs/",
                   "dev/ 2xx task tables", "dev/ 4xx speeches/news", "dev/ 5xx plans"):
        assert needle in text, needle
    data = json.loads(out.read_text("utf-8"))
    assert data["cv"] == 2 and data["trainers"] == available()
    held = [n for f in data["folds"] for n in f["held_out"]]
    assert sorted(held) == sorted(SMALL)
    for f in data["folds"]:
        assert f["trained_on"] == len(SMALL) - len(f["held_out"])
        assert sorted(f["models"]) == sorted(model_names())
    docs = find_gold(small)
    expected = [[g.name for g in f] for f in ev.folds(docs, 2, strata_of(docs))]
    assert [f["held_out"] for f in data["folds"]] == expected
    assert set(data["per_doc"]) == set(SMALL)
    assert data["per_doc"][f"{PAIR}/pair01_plan"]["fold"] == data["per_doc"][f"{PAIR}/pair01_report"]["fold"]
    totals = data["totals"]
    assert totals["tasks"]["tp"] == sum(r["tasks"]["tp"] for r in data["per_doc"].values())
    assert totals["year"]["n"] == len(SMALL) and totals["doc_type"]["n"] == len(SMALL)
    assert data["breakdown"]["genre"]["plan"]["documents"] + data["breakdown"]["genre"]["report"]["documents"] + \
        data["breakdown"]["genre"]["speech"]["documents"] == len(SMALL)


def test_cv_differs_from_the_fit_only_through_training_data(small, trained):
    """Each fold's training list excludes its held-out documents; given the same models as the plain run
    (the ones trained on all ten, copied in as the fold's), --cv gives the plain run's figures exactly."""
    seen: list[list[str]] = []
    probe = find_gold(small)[0].txt

    def same_models(docs, out):
        seen.append([g.name for g in docs])
        records([probe], out)  # as training does: the stages run while the folder has no model yet
        shutil.copytree(trained, out, dirs_exist_ok=True)
        return {}

    cv = ev.cross_validate(small, 2, trainers=available() or ["none"], train_fn=same_models)
    for fold, train_names in zip(cv.folds, seen, strict=True):
        assert train_names == fold.trained_on
        assert not set(fold.held_out) & set(train_names), "a held-out document was in its fold's training list"
        assert sorted(fold.held_out + train_names) == sorted(SMALL)
    with use_models(trained):
        fit = ev.evaluate(small, "txt").txt
    assert cv.scores.totals() == fit.totals()
    assert cv.scores.to_json()["per_doc"] == fit.to_json()["per_doc"]


def test_cv_without_trainers_scores_the_rules_deterministically(small, tmp_path):
    """No trainer: the rules alone, with no model at all; the same figures on every run."""
    empty = tmp_path / "no_models"
    empty.mkdir()
    a = ev.cross_validate(small, 3, trainers=[])
    b = ev.cross_validate(small, 3, trainers=[])
    ja, jb = a.to_json(), b.to_json()
    ja.pop("seconds"), jb.pop("seconds")
    for f in ja["folds"] + jb["folds"]:
        f.pop("seconds")
    assert ja == jb
    assert all(not f.models for f in a.folds)
    with use_models(empty):
        rules = ev.evaluate(small, "txt").txt
    assert a.scores.totals() == rules.totals()
    assert "no trainer exists yet" in ev.render_cv(a)


def test_cv_usage_errors(small, tmp_path):
    buf = io.StringIO()
    assert ev.run(small, cv=2, formats="txt,html", out=buf) == 1
    assert ev.run(small, cv=2, baseline=tmp_path / "b.json", out=buf) == 1
    assert ev.run(small, cv=len(SMALL), formats="txt", out=buf) == 1  # more folds than groups
    assert buf.getvalue() == ""
    p = subprocess.run(taskdb_cmd("eval", str(small), "--cv", "1"), capture_output=True, text=True, cwd=ROOT)
    assert p.returncode == 1 and "--cv" in p.stderr  # a usage error: K < 2
