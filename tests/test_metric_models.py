"""The metric category and subject learners (pipeline/learn/category.py, pipeline/learn/subject.py):
the hinge-loss category model in its compiled container, and the subject candidates.
"""

from __future__ import annotations

import json

import pytest

from conftest import CORPORA
from pipeline.learn import category as learned
from pipeline.learn import subject as subjects
from pipeline.learn.linear import compile_model


def _examples() -> list[dict]:
    """Real gold metrics of a few corpus documents, each with its gold subject and the words around its raw."""
    out = []
    for gold_path in sorted(CORPORA.glob("heldout5/*.gold.json"))[:8]:
        text = gold_path.with_name(gold_path.name[: -len(".gold.json")] + ".txt").read_text("utf-8")
        for j, m in enumerate(json.loads(gold_path.read_text("utf-8")).get("metrics") or []):
            where = learned.locate(text, m.get("raw") or "")
            ctx = learned.context_of(text, *where) if where else learned.SEP + (m.get("raw") or "")
            out.append({"group": gold_path.name, "subject": m.get("subject") or "", "context": ctx,
                        "unit": m.get("unit"), "category": m["category"], "source": "gold",
                        "key": f"{gold_path.name}#{j}", "prev": None, "next": None,
                        "headings": (text.split("\n", 1)[0][:30],), "doc_type": "report"})
    return out


@pytest.fixture(scope="module")
def fitted():
    exs = _examples()
    assert len({e["category"] for e in exs}) >= 4, "the fixture documents hold metrics of several categories"
    return exs, learned._fit_two_pass(exs)


def test_the_hinge_loss_model_answers_like_the_svm_it_was_fitted_as(fitted):
    from sklearn.svm import LinearSVC

    exs, model = fitted
    clf = model.steps[-1][1]
    assert type(clf).__name__ == "LogisticRegression"  # the container compile_model compiles
    X = learned._X(exs)
    features = model[:-1]
    y = [e["category"] for e in exs]
    svm = LinearSVC(C=learned.C, class_weight="balanced", random_state=0, max_iter=10000)
    svm.fit(features.transform(learned._X(exs) + learned._X(exs, learned._nb_tokens(exs, {e["key"]: e["category"] for e in exs}))), y + y)
    assert list(model.predict(X)) == list(svm.predict(features.transform(X)))


def test_the_compiled_category_model_predicts_as_the_pipeline(fitted):
    exs, model = fitted
    light = compile_model(model)
    X = learned._X(exs)
    assert list(light.predict(X)) == list(model.predict(X))


def test_the_category_model_learns_what_it_is_shown(fitted):
    exs, model = fitted
    accuracy = sum(p == e["category"] for p, e in zip(model.predict(learned._X(exs)), exs)) / len(exs)
    assert accuracy > 0.9  # on its own training metrics


def test_the_clause_feature_stops_at_the_clause():
    f = learned.features("检查企业", "全年共开展督查12次,其中检查企业" + learned.SEP + "家,发现隐患")
    assert f["clause"] == "其中检查企业"
    assert learned.features("x", "")["clause"] == ""


def test_the_verb_after_the_count_and_the_clauses_first_cue_are_features():
    """A count written before its noun and verb (对辖区12家加油站开展专项检查) shows its category after it:
    the cue words between the count and the clause end are tokens of their own, and so is the first cue
    of the clause before it (its verb, where the counted noun says little)."""
    tokens = learned.features("加油站", "镇安办将对辖区" + learned.SEP + "加油站开展专项检查，发现隐患")["tokens"].split()
    assert "aftcl_strong=inspection" in tokens or "aftcl_weak=inspection" in tokens
    assert not any(t.startswith("aftcl_") and t.endswith("=hazard") for t in tokens)  # 隐患 is past the comma
    tokens = learned.features("企业", "共检查危化企业" + learned.SEP + "，其中")["tokens"].split()
    assert any(t.startswith("cl_first=inspection_") for t in tokens)


def test_the_category_model_learns_from_subjects_of_a_model_that_did_not_see_the_document():
    # pipeline/train.py retrains the subject model without each fold before taking the category examples
    # of that fold (grouped CV 0.888 -> 0.894 on held-out subjects, leave-heldout16-18-out 0.901 -> 0.912)
    assert learned.OUT_OF_FOLD is True and learned.OUT_OF_FOLD_UPSTREAM == ("subject",)


@pytest.mark.parametrize("text, number, expected_absent, expected_present", [
    # a span that opens on a list mark starts after it
    ("发生火灾12起、死亡3人。", "3", "、死亡", "死亡"),
    ("检查企业46家、危险化学品企业12家。", "12", "、危险化学品企业", "危险化学品企业"),
])
def test_subject_candidates_never_open_on_a_mark(text, number, expected_absent, expected_present):
    start = text.index(number, text.index("、"))
    cands = [c[0] for c in subjects.candidates(text, start, "", "", "")]
    assert expected_present in cands
    assert expected_absent not in cands
    assert not [c for c in cands if c[0] in "、,，;；)）"]
