"""The task chooser's first stage (issue 7, extraction speed): a small model over :func:`quick_features` drops the
candidates under its cut before their features are made. Tests on the candidates of real corpus documents, with the
committed second stage: a cut of zero changes nothing; a cut drops a real share, features are made only for the
candidates it keeps, and the choice among those is the second stage's; the cut chosen by :func:`first_cut` is the
highest that keeps the F1 within the allowed loss."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline import learn
from pipeline.learn import tasks as lt

CORPORA = Path(__file__).resolve().parents[1] / "corpora"


@pytest.fixture(scope="module")
def docs() -> list[list[dict]]:
    from pipeline.extraction.tasks import task_candidates
    from pipeline.run import extract

    paths = sorted(CORPORA.glob("**/*.txt"))[::20]
    return [[info for _, info in task_candidates(extract(p, until="structure"))] for p in paths]


@pytest.fixture(scope="module")
def two_stages(docs):
    """The committed model with a first stage fitted on these candidates (labels: what the committed model chooses),
    compiled as ``taskdb train`` ships it."""
    from pipeline.learn.linear import compile_model

    model = learn.load("tasks")
    if model is None:
        pytest.skip("no task model")
    # the committed second stage alone (its own first stage may drop a candidate the second would take)
    model = {k: v for k, v in model.items() if k not in ("first_stage", "first_cut")}
    X, y = [], []
    for infos in docs:
        spans = [(k, k + 1) for k in range(len(infos))]
        chosen = set(lt.select(model, infos, spans))
        X += [lt.quick_features(i) for i in infos]
        y += [int(k in chosen) for k in range(len(infos))]
    assert 100 < sum(y) < len(y) / 2
    return model, compile_model(lt._first_pipeline().fit(X, y))


def test_a_first_stage_with_cut_zero_chooses_what_one_stage_chooses(docs, two_stages):
    model, first = two_stages
    both = {**model, "first_stage": first, "first_cut": 0.0}
    for infos in docs:
        spans = [(k, k + 1) for k in range(len(infos))]
        assert lt.select(both, infos, spans) == lt.select(model, infos, spans)


def test_the_first_stage_drops_candidates_before_their_features(docs, two_stages, monkeypatch):
    from pipeline.learn.fastscore import proba

    model, first = two_stages
    both = {**model, "first_stage": first, "first_cut": 0.3}
    made: list[int] = []
    plain = lt.features
    monkeypatch.setattr(lt, "features", lambda info, line=True: (made.append(id(info)), plain(info, line))[1])
    n_all = n_kept = n_same = n_chosen = 0
    for infos in docs:
        spans = [(k, k + 1) for k in range(len(infos))]
        kept = lt._first_stage(both, infos)
        q = proba(first, [lt.quick_features(i) for i in infos])
        assert kept == [k for k in range(len(infos)) if q[k] >= 0.3]
        made.clear()
        got = lt.select(both, infos, spans)
        assert set(made) <= {id(infos[k]) for k in kept}  # no feature made for a dropped candidate
        assert set(got) <= set(kept)
        # among the kept candidates, the second stage's choice
        probs = proba(model["pipeline"], [plain(infos[k]) for k in kept])
        assert got == [kept[j] for j in lt.choose_total(probs, [spans[k] for k in kept], model["threshold"])]
        want = lt.select(model, infos, spans)
        n_all, n_kept = n_all + len(infos), n_kept + len(kept)
        n_same += len(set(got) & set(want))
        n_chosen += len(want)
    assert n_kept < 0.6 * n_all, (n_kept, n_all)  # a real share dropped
    assert n_same >= 0.95 * n_chosen, (n_same, n_chosen)  # and nearly all tasks kept


def _example(doc: str, text: str, start: int, gold: list[str]) -> dict:
    return {"info": {"text": text}, "span": (start, start + len(text)), "doc": doc, "gold_texts": gold}


def _synthetic() -> tuple:
    """Ten documents of ten candidates: one task each (second stage P 0.9), nine non-tasks (P 0.1). The first stage
    ranks nine tasks high (0.9) and the task of document 7 among the non-tasks (0.05; 30 non-tasks lower)."""
    import numpy as np

    exs, probs, quick, by_doc = [], [], [], {}
    for d in range(10):
        gold = [f"第{d}项任务要认真落实到位"]
        by_doc[f"d{d}"] = list(range(len(exs), len(exs) + 10))
        for k in range(10):
            text = gold[0] if k == 0 else f"其他内容第{d}段第{k}句话"
            exs.append(_example(f"d{d}", text, 20 * k, gold))
            probs.append(0.9 if k == 0 else 0.1)
            quick.append((0.05 if d == 7 else 0.9) if k == 0 else 0.01 * (k + 1) + 0.001 * d)
    return exs, by_doc, np.array(probs), np.array(quick)


def test_first_cut_is_the_highest_within_the_allowed_loss(monkeypatch):
    exs, by_doc, probs, quick = _synthetic()
    out = lt.first_cut(exs, by_doc, probs, quick, 0.5, 1.0)
    assert out["prf"]["f1"] == 1.0 and out["dropped"] == 0.3 and out["cut"] <= 0.05  # the task of document 7 kept
    assert all(v["f1"] < 1.0 - lt.FIRST_LOSS for v in out["tried"].values() if v["cut"] > out["cut"])
    assert lt.first_cut(exs, by_doc, probs, quick, 0.5, 1.0) == out  # deterministic
    # a loss of one task in ten (F1 0.947) allowed: the cut drops nine candidates in ten
    monkeypatch.setattr(lt, "FIRST_LOSS", 0.06)
    loose = lt.first_cut(exs, by_doc, probs, quick, 0.5, 1.0)
    assert loose["dropped"] == 0.9 and loose["prf"]["f1"] == pytest.approx(0.9474, abs=1e-4)


def test_the_first_stage_score_without_dicts_is_the_dicts_score(docs, two_stages):
    """select() scores the first stage from the cached parts' sums (:func:`_quick_z`); the same z as the weights
    summed over :func:`quick_features`, key by key, on every candidate."""
    from pipeline.learn.fastscore import _dict_weights

    weights, _, _ = _dict_weights(two_stages[1])
    n = 0
    for infos in docs:
        parts: dict = {}
        for info in infos:
            want = sum(weights.get(k, 0.0) * v for k, v in lt.quick_features(info).items())
            assert lt._quick_z(info, weights, parts) == pytest.approx(want, abs=1e-9)
            n += 1
    assert n > 500
