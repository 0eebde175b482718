"""The metric category model's fast paths give what the code they replaced gave (issue 7, extraction speed).

- ``category.predict_many`` makes each metric's features once for both passes (``_parts``, then the
  neighbours' categories put in): the rows are :func:`features`'s as they were (the old function is kept
  below), keys and token order included, on every metric of corpus documents, with and without neighbours.
- The compiled TF-IDF step counts each field's grams with ``collections.Counter`` and reads 1 + log(c) of
  small counts from a table: the rows (columns, their order, every value to the last bit) are those of the
  per-gram count loop it replaced, on the category and doctype models and on the corpus's texts.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from pipeline import learn
from pipeline.learn import category, linear
from pipeline.learn.category import (_ATTEND, _CLAUSE_END, _DIGITS, _HEAD_SPLIT, _PER, _SHARES, SEP, UNIT_CLASS,
                                     UNKNOWN, cue_hits, decide, rule_category, sentence_before, share_rule)

ROOT = Path(__file__).resolve().parents[1]
CORPORA = ROOT / "corpora"


def _old_features(subject: str, context: str = "", unit: str | None = None,
             nb: tuple[str, str] | None = None, headings: tuple[str, ...] = (), doc_type: str | None = None,
             raw: str = "") -> dict:
    """One metric as the classifier sees it (a dict: the text fields and the symbolic tokens).

    ``nb`` is the (previous, next) neighbour's category in the same sentence (:func:`neighbours`):
    ``"none"`` where there is no neighbour, ``"unk"`` in the first pass, when it is not known yet.
    ``headings`` is the metric's :func:`heading_path` (its section says what a list counts: 宣传培训,
    存在问题, 隐患排查), ``doc_type`` the document's (a plan's targets, a report's counts).
    """
    subject = subject or ""
    context = context or SEP
    before, _, after = context.partition(SEP)
    tokens = [f"rule={rule_category(subject, context, unit)}", f"unit={unit or ''}"]
    tokens += [f"subj_{role}={cat}" for _, cat, role in cue_hits(subject)]
    m = _HEAD_SPLIT.search(subject)
    head = subject[m.end():] if m else subject
    tokens += [f"head_{role}={cat}" for _, cat, role in cue_hits(head)]
    tokens += [f"sent_{role}={cat}" for _, cat, role in cue_hits(sentence_before(context))]
    tokens += [f"after_{role}={cat}" for _, cat, role in cue_hits(after[:12])]
    if raw and raw != subject:
        tokens += [f"raw_{role}={cat}" for _, cat, role in cue_hits(raw)]
    stop_at = _CLAUSE_END.search(after)
    if (_ATTEND.search(raw or "") or _ATTEND.search(after[:stop_at.start()] if stop_at else after[:12])) and any(
            cat == "meeting" for _, cat, _ in cue_hits(sentence_before(context) + (raw or ""))):
        tokens.append("attend_meeting")
    decided = decide(subject)
    tokens.append(f"subj_decides={decided or 'none'}")
    if unit in _SHARES:
        tokens.append("share")
    tokens.append(f"uclass={UNIT_CLASS.get(unit or '', 'unk')}")
    if _PER.match(after):
        tokens.append("per_unit")
    if subject:  # the verb comes first and the counted noun last: 检查|企业, 排查|隐患, 参加|人员
        tokens += [f"pre1={subject[0]}", f"pre2={subject[:2]}", f"suf1={subject[-1]}", f"suf2={subject[-2:]}"]
        if m:
            tokens.append(f"head2={head[-2:]}")
    tokens.append(f"b2={before[-2:]}")  # right before the metric's words: 其中, 累计, 共有, a list's 、
    if nb is not None:
        tokens += [f"prev_cat={nb[0]}", f"next_cat={nb[1]}"]
    if headings:
        tokens += [f"hd_{role}={cat}" for _, cat, role in cue_hits(headings[0])]
    tokens.append(f"dt={doc_type or ''}")
    ends = list(_CLAUSE_END.finditer(before))
    clause = before[ends[-1].end():] if ends else before
    # the verb that follows the count within its clause (对辖区12家加油站开展专项检查, 对21家企业进行约谈)
    stop = _CLAUSE_END.search(after)
    tokens += [f"aftcl_{role}={cat}" for _, cat, role in cue_hits(after[:stop.start()] if stop else after)]
    first = cue_hits(clause)[:1]  # the clause's first cue: its verb, where the count's own noun says little
    tokens += [f"cl_first={cat}_{role}" for _, cat, role in first]
    return {"subject": subject, "before": before[-15:], "after": after[:10], "tokens": " ".join(tokens),
            "heading": " ".join(headings), "clause": clause, "raw": _DIGITS.sub("0", raw or subject)}



def _old_tfidf_call(step: linear._Tfidf, X) -> list[dict]:
    """_Tfidf.__call__ as it was before this change: a Python step per gram, ``math.log`` per count."""
    idf, get, sublinear, l2 = step._idf_floats(), step.vocab.get, step.sublinear, step.norm == "l2"
    rows = []
    for doc in X:
        counts: dict = {}
        for j in map(get, step._grams(doc)):
            if j is not None:
                counts[j] = counts.get(j, 0) + 1
        if sublinear:
            counts = {j: 1.0 + math.log(c) for j, c in counts.items()}
        if idf is not None:
            counts = {j: c * idf[j] for j, c in counts.items()}
        elif not sublinear:
            counts = {j: float(c) for j, c in counts.items()}
        if l2:
            n = math.sqrt(sum(c * c for c in counts.values()))
            if n > 0:
                counts = {j: c / n for j, c in counts.items()}
        rows.append(counts)
    return rows


def _documents(step: int = 6):
    from pipeline.run import extract

    return [extract(p) for p in sorted(CORPORA.glob("**/*.txt"))[::step]]


@pytest.fixture(scope="module")
def metric_inputs():
    """(subject, context, unit, headings, doc_type, raw) of every metric of every sixth corpus document."""
    out = []
    for doc in _documents():
        text = doc.text or ""
        paths = category.heading_paths(doc, [m.span[0] for m in doc.metrics])
        for m, h in zip(doc.metrics, paths):
            s, e = m.span
            out.append((m.subject or "", category.context_of(text, s, e), m.unit, h, doc.doc_type, text[s:e]))
    return out


def _same(a: list[dict], b: list[dict]) -> bool:
    return len(a) == len(b) and all(list(x.items()) == list(y.items()) for x, y in zip(a, b))


def test_features_from_parts_are_the_old_features(metric_inputs):
    assert len(metric_inputs) > 300
    nbs = [None, UNKNOWN, ("none", "none"), ("hazard", "none"), ("none", "inspection")]
    checked = 0
    for k, (s, c, u, h, dt, r) in enumerate(metric_inputs):
        nb = nbs[k % len(nbs)]
        new = category.features(s, c, u, nb, h, dt, r)
        old = _old_features(s, c, u, nb, h, dt, r)
        assert list(new.items()) == list(old.items()), (s, c)
        parts = category._parts(s, c, u, h, dt, r)
        for other in nbs:  # one set of parts serves every pass
            assert category._with_neighbours(parts, other) == _old_features(s, c, u, other, h, dt, r)
        checked += 1
    # the edge cases: no subject, no context, no unit, no headings
    for args in [("", "", None, (), None), ("检查企业", "", "家", (), "report"), ("", "共" + SEP + "家", None, ("一、",), "")]:
        assert category.features(*args[:3], None, *args[3:]) == _old_features(*args[:3], None, *args[3:])
    assert checked > 300


@pytest.mark.skipif(learn.load("metric_category") is None, reason="models/metric_category not trained")
def test_predict_many_as_two_passes_of_old_features():
    """Each document's categories are those of the old features' two passes scored from scratch."""
    model = learn.load("metric_category")
    docs = _documents()
    compared = 0
    for doc in docs:
        text = doc.text or ""
        if not doc.metrics:
            continue
        spans = [m.span for m in doc.metrics]
        items = [(m.subject or "", category.context_of(text, s, e), m.unit) for m, (s, e) in zip(doc.metrics, spans)]
        links = category.neighbours(text, spans)
        heads = category.heading_paths(doc, [s for s, _ in spans])
        raws = [text[s:e] for s, e in spans]
        new = category.predict_many(model, items, links, heads, doc.doc_type, raws)
        first = [str(c) for c in model.predict([_old_features(s, c, u, UNKNOWN, h, doc.doc_type, r)
                                                for (s, c, u), h, r in zip(items, heads, raws)])]
        nbs = [(first[p] if p is not None else "none", first[q] if q is not None else "none") for p, q in links]
        old = [share_rule(str(p), u, s, c, r) for p, (s, c, u), r in zip(
            model.predict([_old_features(s, c, u, nb, h, doc.doc_type, r)
                           for (s, c, u), nb, h, r in zip(items, nbs, heads, raws)]), items, raws)]
        assert new == old
        compared += len(items)
    assert compared > 300


def _steps(step):
    if isinstance(step, linear._Tfidf):
        yield step
    for s in getattr(step, "steps", []) + getattr(step, "parts", []):
        yield from _steps(s)


@pytest.mark.parametrize("name", ["metric_category", "doctype"])
def test_tfidf_rows_as_the_per_gram_loop(name, metric_inputs, monkeypatch):
    model = learn.load(name)
    if model is None:
        pytest.skip(f"models/{name} not trained")
    steps = list(_steps(model.features))
    assert steps
    texts = [p.read_text("utf-8", errors="replace") for p in sorted(CORPORA.glob("**/*.txt"))[::9]]
    # the fields the category model reads, and whole texts (long ones: counts far above the table's 64)
    fields = [v for s, c, u, h, dt, r in metric_inputs for v in _old_features(s, c, u, UNKNOWN, h, dt, r).values()]
    X = fields + texts + ["", " ", "安全安全安全" * 40]
    compared = 0
    for step in steps:
        new, old = step(X), _old_tfidf_call(step, X)
        assert _same(new, old)
        assert all(type(v) is float for r in new for v in r.values())
        compared += sum(len(r) for r in new)
    assert compared > 10000
    # the whole model's decision values, to the last bit, with the old TF-IDF step in place
    if name == "metric_category":
        X = [_old_features(s, c, u, UNKNOWN, h, dt, r) for s, c, u, h, dt, r in metric_inputs]
    else:
        from pipeline.learn.doctype import doc_input
        X = [doc_input(t.split("\n", 1)[0], t, []) for t in texts]
    dec = model.decision_function(X)
    monkeypatch.setattr(linear._Tfidf, "__call__", _old_tfidf_call)
    assert np.array_equal(dec, model.decision_function(X))


def test_sublinear_table_is_math_log():
    assert all(linear._SUBLINEAR[c] == 1.0 + math.log(c) for c in range(1, linear._SMALL))
