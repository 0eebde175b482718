"""Fast paths of inference give exactly what the slower code they replaced gave (issue 7, extraction speed).

Each test runs the old code (kept here as the reference) and the new one on corpus inputs and asserts the
same outputs: same matches, same rows (values and key order), same decision values to the last bit. The
records of every corpus document were also diffed byte for byte before and after each change
(benchmarks/README.md); these tests keep the equivalences from drifting.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import numpy as np
import pytest

from pipeline import learn
from pipeline.learn import linear
from pipeline.normalise import units as nu

ROOT = Path(__file__).resolve().parents[1]
CORPORA = ROOT / "corpora"
_HAN = r"[\u4e00-\u9fff]"


def _texts(limit: int | None = None) -> list[str]:
    paths = sorted(CORPORA.glob("**/*.txt"))
    return [p.read_text("utf-8", errors="replace") for p in paths[:limit]]


# -- normalise: the document's own forms of an abbreviated body ----------------------------------------------------

def _old_body_forms(first: str, head: str) -> re.Pattern:
    """The pattern as document_form wrote it before: lookbehinds first, so every position was tried."""
    return re.compile(rf"(?:(?<=[省市区县镇乡各])|(?<![{_HAN[1:-1]})）])){re.escape(first)}{_HAN}{{0,10}}?{head}")


def _compiled_body_forms(first: str, head: str) -> re.Pattern:
    """The pattern as body_forms compiled it per first character until part 9 (lookbehinds after ``first``)."""
    lit = re.escape(first)
    return re.compile(rf"{lit}(?:(?<=[省市区县镇乡各]{lit})|(?<![{_HAN[1:-1]})）]{lit})){_HAN}{{0,10}}?{head}")


def test_body_forms_as_the_pattern_compiled_per_first_character():
    """body_forms finds ``first`` by str.find and matches one pattern per head there: the per-character pattern's
    matches (spans and words), on corpus texts and on random strings of levels, brackets, Han and other characters."""
    import random

    texts = _texts(300)
    rnd = random.Random(11)
    pieces = [*"防汛指挥部委员会市县各安)）(（a1。，\n森", "指挥部", "委员会", "防汛", "安委"]
    texts += ["".join(rnd.choice(pieces) for _ in range(rnd.randint(1, 20))) for _ in range(3000)]
    found = 0
    for head in ("指挥部", "委员会"):
        for first in ["防", "安", "森", "市", "各", "指", "委", ")", "（", ".", "A", "\n", "部"]:
            new, old = nu.body_forms(first, head), _compiled_body_forms(first, head)
            for text in texts:
                a = [(m.span(), m.group()) for m in new.finditer(text)]
                assert a == [(m.span(), m.group()) for m in old.finditer(text)], (first, head, text[:40])
                found += len(a)
    assert found > 300
    assert nu._body_tail("指挥部") is nu._body_tail("指挥部")  # one pattern per head, none per first character


def test_body_forms_match_where_the_old_pattern_matched():
    texts = _texts()
    assert len(texts) > 400
    # first characters of the abbreviations the gazetteer expands, and characters that test the edges: a level
    # character itself, a closing bracket, a regex metacharacter, a non-Han character
    firsts = ["防", "安", "森", "减", "消", "应", "市", "县", ")", "（", ".", "A", "各", "指"]
    compared = found = 0
    for head in ("指挥部", "委员会"):
        for first in firsts:
            new, old = nu.body_forms(first, head), _old_body_forms(first, head)
            for text in texts:
                a = [(m.span(), m.group()) for m in new.finditer(text)]
                b = [(m.span(), m.group()) for m in old.finditer(text)]
                assert a == b, (first, head, text[:40])
                compared += 1
                found += len(a)
    assert compared > 10000 and found > 100
    # the start of the text, after a level, after 各, after a Han character and after a bracket
    text = "防汛抗旱指挥部，市防汛指挥部，各防汛防台指挥部；省防指和临湾防汛指挥部（防汛指挥部）防汛指挥部"
    new, old = nu.body_forms("防", "指挥部"), _old_body_forms("防", "指挥部")
    assert [m.span() for m in new.finditer(text)] == [m.span() for m in old.finditer(text)]
    assert [m.group() for m in new.finditer(text)][:3] == ["防汛抗旱指挥部", "防汛指挥部", "防汛防台指挥部"]


def test_document_form_takes_the_documents_own_name():
    text = "临湾市防汛防台抗旱指挥部办公室：……请市防指各成员单位做好准备。市防汛防台抗旱指挥部"
    assert nu.document_form("市防指", "市防汛抗旱指挥部", text) == "市防汛防台抗旱指挥部"
    assert nu.document_form("市防指", "市防汛抗旱指挥部", "市防指要求") == "市防汛抗旱指挥部"


# -- the compiled linear models: TF-IDF rows and feature unions ------------------------------------------------------

def _old_tfidf(step: linear._Tfidf, X) -> list[dict]:
    """_Tfidf.__call__ as it was: grams sliced in a generator, counts as floats, idf as NumPy scalars."""
    rows = []
    for doc in X:
        text = doc.lower() if step.lowercase else doc
        if step.analyzer == "word":
            grams = step._grams(doc)
        else:
            text = linear._WHITE.sub(" ", text)
            lo, hi = step.ngram_range
            grams = list(text) if lo == 1 else []
            for n in range(max(lo, 2), min(hi + 1, len(text) + 1)):
                grams.extend(text[i:i + n] for i in range(len(text) - n + 1))
        counts: dict = {}
        for g in grams:
            j = step.vocab.get(g)
            if j is not None:
                counts[j] = counts.get(j, 0.0) + 1.0
        if step.sublinear:
            counts = {j: 1.0 + math.log(c) for j, c in counts.items()}
        if step.idf is not None:
            counts = {j: c * step.idf[j] for j, c in counts.items()}
        if step.norm == "l2":
            n = math.sqrt(sum(c * c for c in counts.values()))
            if n > 0:
                counts = {j: c / n for j, c in counts.items()}
        rows.append(counts)
    return rows


def _old_call(step, X):
    """The feature steps as they were, recursively (the old _Tfidf and _Union loops)."""
    if isinstance(step, linear._Tfidf):
        return _old_tfidf(step, X)
    if isinstance(step, linear._Seq):
        for s in step.steps:
            X = _old_call(s, X)
        return X
    if isinstance(step, linear._Union):
        out, offset = None, 0
        for part, w in zip(step.parts, step.weights):
            rows = _old_call(part, X)
            if out is None:
                out = [{} for _ in rows]
            for o, r in zip(out, rows):
                for j, v in r.items():
                    o[offset + j] = v * w
            offset += part.width
        return out or []
    return step(X)


def _same_rows(a: list[dict], b: list[dict]) -> bool:
    return len(a) == len(b) and all(list(x.items()) == list(y.items()) for x, y in zip(a, b))


def _category_rows() -> list[dict]:
    from pipeline.learn.category import SEP, UNKNOWN, features
    from pipeline.run import extract

    rows = []
    for name in ("samples/000_3e4d418ab8c79e1d", "samples/002_2d6767afaa7999d4", "pool/20_haifeng_yingjiju_2022_gongzuo_zongjie_yinhuan_chu"):
        doc = extract(CORPORA / f"{name}.txt")
        text = doc.text
        for m in doc.metrics:
            s, e = m.span
            rows.append(features(m.subject or "", text[max(0, s - 40):s] + SEP + text[e:e + 30], m.unit,
                                 UNKNOWN, ("一、隐患排查",), doc.doc_type))
    return rows


@pytest.mark.skipif(learn.load("metric_category") is None, reason="models/metric_category not trained")
def test_category_model_rows_and_decisions_as_before():
    model = learn.load("metric_category")
    assert isinstance(model, linear.LinearModel)
    rows = _category_rows()
    assert len(rows) > 50
    new, old = model.features(rows), _old_call(model.features, rows)
    assert _same_rows(new, old)
    dec_new = model.decision_function(rows)
    dec_old = linear.LinearModel(None, model.coef, model.intercept, model.classes_).decision_function(old)
    assert np.array_equal(dec_new, dec_old)


@pytest.mark.skipif(learn.load("doctype") is None, reason="models/doctype not trained")
def test_doctype_model_rows_as_before():
    """The doctype model's word vocabulary holds NumPy integers: the union's column shift must keep working."""
    model = learn.load("doctype")
    from pipeline.learn.doctype import doc_input
    from pipeline.run import extract

    docs = [extract(p, until="structure") for p in sorted((CORPORA / "samples").glob("*.txt"))]
    X = [doc_input(d.title, d.text, [s.heading for s in d.sections if s.level <= 2]) for d in docs]
    assert _same_rows(model.features(X), _old_call(model.features, X))
    assert np.array_equal(model.predict_proba(X),
                          linear.LinearModel(None, model.coef, model.intercept, model.classes_)
                          .predict_proba(_old_call(model.features, X)))


def test_tfidf_settings_without_idf_or_norm_give_float_counts():
    class V:  # the fitted attributes of a TfidfVectorizer that _Tfidf reads
        vocabulary_ = {"安全": 0, "全": 1, "安": 2, "生产": 3}
        use_idf, idf_, analyzer, lowercase, tokenizer = False, None, "char", False, None
        ngram_range, sublinear_tf, norm = (1, 2), False, None

    step = linear._Tfidf(V())
    rows = step(["安全生产安全", "", "  安 全  "])
    assert rows == _old_tfidf(step, ["安全生产安全", "", "  安 全  "])
    assert [list(r.items()) for r in rows] == [[(2, 2.0), (1, 2.0), (0, 2.0), (3, 1.0)], [], [(2, 1.0), (1, 1.0)]]
    assert all(type(v) is float for r in rows for v in r.values())


@pytest.mark.skipif(learn.load("metric_category") is None, reason="models/metric_category not trained")
def test_category_passes_sharing_text_rows_decide_as_fresh_rows(monkeypatch):
    """predict_many reuses the first pass's TF-IDF rows in its second pass (linear.same_texts): the categories of
    every metric of a few documents are those of two passes computed from scratch."""
    import contextlib

    from pipeline.extraction import category as ec
    from pipeline.run import extract

    calls = []
    real = ec._learned.predict_many

    def spy(model, items, links=None, headings=None, doc_type=None, raws=None):
        calls.append((model, items, links, headings, doc_type, raws))
        return real(model, items, links, headings, doc_type, raws)

    monkeypatch.setattr(ec._learned, "predict_many", spy)
    for name in ("samples/000_3e4d418ab8c79e1d", "samples/002_2d6767afaa7999d4",
                 "pool/20_haifeng_yingjiju_2022_gongzuo_zongjie_yinhuan_chu", "pool/23_xiaofang_dadui_2020_shangbannian_zongjie_jiancha_danwei"):
        extract(CORPORA / f"{name}.txt")
    monkeypatch.setattr(ec._learned, "predict_many", real)
    assert sum(len(c[1]) for c in calls) > 50 and any(c[2] for c in calls)
    shared = [real(*c) for c in calls]
    with linear.same_texts():  # nested blocks share the outer memo
        assert [real(*c) for c in calls] == shared
    monkeypatch.setattr(linear, "same_texts", contextlib.nullcontext)
    assert [real(*c) for c in calls] == shared
    assert getattr(linear._local, "rows", None) is None  # nothing outlives the block


def test_task_features_with_the_documents_memo_as_without():
    """select() reads each sentence's kind and each text's act features once per document (learn.tasks._local):
    every candidate's features are those computed afresh, key order included, and the memo ends with select."""
    from pipeline.extraction.tasks import task_candidates
    from pipeline.learn import tasks as lt
    from pipeline.learn.fastscore import proba
    from pipeline.run import extract

    infos = []
    for name in ("samples/000_3e4d418ab8c79e1d", "samples/003_5d853f9dda5fdec4",
                 "dev/207_fsou_shi_anweihui_duchafenzu_zeren", "pool/20_haifeng_yingjiju_2022_gongzuo_zongjie_yinhuan_chu"):
        infos.append([info for _, info in task_candidates(extract(CORPORA / f"{name}.txt", until="structure"))])
    assert sum(map(len, infos)) > 100
    fresh = [[lt.features(i) for i in doc] for doc in infos]
    for doc, want in zip(infos, fresh):
        lt._local.memo = {}
        try:
            got = [lt.features(i) for i in doc]
            again = [lt.features(i) for i in doc]  # every look-up a hit
        finally:
            lt._local.memo = None
        assert [list(f.items()) for f in got] == [list(f.items()) for f in want]
        assert [list(f.items()) for f in again] == [list(f.items()) for f in want]
    if learn.load("tasks") is not None:
        model = learn.load("tasks")
        spans = [t.span for t, _ in task_candidates(extract(CORPORA / "samples/000_3e4d418ab8c79e1d.txt",
                                                            until="structure"))]
        assert lt.select(model, infos[0], spans) == lt.choose(proba(model["pipeline"], fresh[0]), list(spans),
                                                              model["threshold"])
        assert lt._memo() is None


def test_memos_belong_to_their_thread():
    """A block opened in one thread is not another thread's: threads that extract side by side neither share
    a memo nor end each other's."""
    import threading

    from pipeline.learn import tasks as lt

    seen = {}

    def other():
        seen["rows"] = getattr(linear._local, "rows", None)
        seen["memo"] = lt._memo()

    with linear.same_texts():
        lt._local.memo = {}
        try:
            t = threading.Thread(target=other)
            t.start()
            t.join()
            assert getattr(linear._local, "rows", None) == {}
        finally:
            lt._local.memo = None
    assert seen == {"rows": None, "memo": None}
    assert getattr(linear._local, "rows", None) is None


# -- metrics: the sentence and clause around a number ---------------------------------------------------------------

def _loop_start(text: str, pos: int, limit: int, stops: str) -> int:
    i = pos
    while i > 0 and pos - i < limit and text[i - 1] not in stops:
        i -= 1
    return i


def _loop_end(text: str, pos: int, limit: int, stops: str) -> int:
    j = pos
    while j < len(text) and j - pos < limit and text[j] not in stops:
        j += 1
    return j


def test_runs_before_and_after_a_position_as_the_character_loops():
    import random

    from pipeline.extraction import metrics as em

    rng = random.Random(7)
    texts = _texts(120) + ["", "。", "a", "检查企业12家。", "\n\n", "共检查|12家；整改9处"]
    checked = 0
    for text in texts:
        positions = {0, len(text)} | {rng.randrange(len(text) + 1) for _ in range(40)} if text else {0}
        for pos in positions:
            for stops in (em.SENTENCE_STOP, em.CLAUSE_STOP, em.RULE_STOP):
                for limit in (0, 1, 10, 40, 60, 120, 300):
                    assert em._run_start(text, pos, limit, stops) == _loop_start(text, pos, limit, stops), (text[:20], pos)
                    assert em._run_end(text, pos, limit, stops) == _loop_end(text, pos, limit, stops), (text[:20], pos)
                    checked += 1
    assert checked > 50000
    text = "一、总体情况\n今年共检查企业120家，发现隐患35处；整改率95%。"
    pos = text.index("35")
    assert em._sentence_before(text, pos) == "今年共检查企业120家，发现隐患"
    assert em._clause_before(text, pos) == "发现隐患"
    assert em._rule_sentence(text, pos) == (text.index("今年"), text.index("；"))
