"""The tasks chooser's threshold is chosen for the re-created real documents as well as for all (learn.tasks.objective).

In grouped CV the chooser is less sure of the tasks of real documents (web copies as analysts receive them) than of
the documents written for the corpus: their F1 peaks at a lower threshold. The threshold is the middle of the
plateau of the mean of the two F1s."""
from collections import defaultdict

import numpy as np

from pipeline.learn import tasks as lt


def _example(doc: str, text: str, start: int, gold: list[str]) -> dict:
    return {"info": {"text": text}, "span": (start, start + len(text)), "doc": doc, "gold_texts": gold}


def _corpus(n_written: int, n_real: int):
    """Written documents: their task at P 0.9, a non-task at 0.15. Real documents (corpora/dev/): their task at
    P 0.25 — the chooser is unsure of them — and a non-task at 0.05."""
    exs, probs = [], []
    for d in range(n_written + n_real):
        real = d >= n_written
        doc = f"corpora/dev/r{d}.txt" if real else f"corpora/train/w{d}.txt"
        gold = [f"第{d}项任务要认真落实到位"]
        exs.append(_example(doc, gold[0], 0, gold))
        probs.append(0.25 if real else 0.9)
        exs.append(_example(doc, f"其他内容第{d}段的一句话", 40, gold))
        probs.append(0.05 if real else 0.15)
    by_doc = defaultdict(list)
    for i, e in enumerate(exs):
        by_doc[e["doc"]].append(i)
    return exs, dict(by_doc), np.array(probs)


def _best(exs, by_doc, probs) -> float:
    per, real = {}, {}
    for t in lt.THRESHOLDS:
        a, r = lt._split_counts(exs, by_doc, probs, t)
        per[t], real[t] = lt._prf(*a), lt._prf(*r)
    return lt.plateau_middle({t: lt.objective(per[t], real[t]) for t in lt.THRESHOLDS})


def test_real_documents_are_those_of_the_real_folders():
    assert lt.is_real("corpora/dev/101_x.txt") and not lt.is_real("corpora/heldout30/3001_x.txt")


def test_without_real_documents_the_objective_is_the_f1_over_all():
    a = {"f1": 0.9, "tp": 9, "fn": 1}
    assert lt.objective(a, {"f1": 0.0, "tp": 0, "fn": 0}) == 0.9
    assert lt.objective(a, {"f1": 0.5, "tp": 5, "fn": 5}) == 0.7


def test_the_threshold_keeps_the_tasks_of_real_documents():
    exs, by_doc, probs = _corpus(40, 10)
    thr = _best(exs, by_doc, probs)
    # the written documents alone would be served by any threshold in (0.15, 0.9]; the real ones need one <= 0.25
    assert thr <= 0.25
    a, r = lt._split_counts(exs, by_doc, probs, thr)
    assert lt._prf(*r)["f1"] == 1.0 and lt._prf(*a)["f1"] == 1.0
    # and without real documents the choice is the middle of the written ones' plateau, above 0.35 (the middle of 0.2 … 0.8)
    written = [e for e in exs if not lt.is_real(e["doc"])]
    by_w = defaultdict(list)
    for i, e in enumerate(written):
        by_w[e["doc"]].append(i)
    assert _best(written, dict(by_w), probs[: len(written)]) > 0.35


def test_the_candidates_of_real_documents_weigh_more_in_the_fits():
    """Where the real documents' annotators and the written documents' disagree on a shape (a preamble's decision: the
    whole sentence in dev/, the clause from 县政府决定 on in the written ones), the real ones are what taskdb is judged
    on: their candidates weigh REAL_WEIGHT in the fits, the others 1."""
    exs, _, _ = _corpus(3, 2)
    w = lt.sample_weights(exs)
    assert w == [1.0] * 6 + [lt.REAL_WEIGHT] * 4 and lt.REAL_WEIGHT > 1.0
    # a shape the written documents call no task and the real ones a task (and another the other way round, so that
    # each class weighs as much in both fits): weighted, the real documents' reading of the shape wins
    X = [{"a": 1.0}] * 3 + [{"b": 1.0}] * 3 + [{"a": 1.0}] * 2 + [{"b": 1.0}] * 2
    y = np.array([0, 0, 0, 1, 1, 1, 1, 1, 0, 0])
    real = [1.0] * 6 + [lt.REAL_WEIGHT] * 4
    plain = lt._pipeline().fit(X, y).predict_proba([{"a": 1.0}])[0, 1]
    weighted = lt._pipeline().fit(X, y, clf__sample_weight=real).predict_proba([{"a": 1.0}])[0, 1]
    assert plain < 0.5 < weighted
