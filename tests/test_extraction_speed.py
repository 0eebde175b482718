"""The fast paths of extraction give what the plain paths give (benchmarks/README.md, section 3).

- the units CRF fed with attribute names (pipeline/learn/units.py::_Tagger) labels every text as
  crfsuite does from the feature dicts;
- the task and subject choosers scored by feature name (pipeline/learn/fastscore.py) give the
  compiled models' probabilities;
- the memoised unit finders (pipeline/extraction/units.py) hand out fresh lists;
- the deadline patterns run over the clause segments holding their anchor find what they find over
  the whole text, and the cue checks that no longer copy the text answer as before
  (pipeline/extraction/deadlines.py);
- the builders of one text sharing a memo (unit closers, table rows) find what fresh builders find,
  and the model registry resolves its default directory once (pipeline/extraction/tasks.py,
  pipeline/learn/__init__.py).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline import learn
from pipeline.extraction.units import parse_unit_clause, rule_actors, split_names, with_lead_roles
from pipeline.learn import units as lu
from pipeline.learn.fastscore import proba

ROOT = Path(__file__).resolve().parents[1]
CORPORA = ROOT / "corpora"


def _gold_task_texts() -> list[str]:
    out = []
    for path in sorted(CORPORA.glob("**/*.gold.json")):
        out += [t["text"] for t in json.loads(path.read_text("utf-8")).get("tasks") or [] if t.get("text")]
    return out


@pytest.mark.skipif(learn.load("units") is None, reason="models/units.joblib not trained")
def test_name_fed_crf_labels_as_crfsuite_on_gold_task_texts():
    model = learn.load("units")
    tagger = lu._tagger(model)
    assert tagger is not None
    texts = _gold_task_texts()
    assert len(texts) > 500
    differ = []
    for text in texts:
        rules = [(u.name, u.role) for u in rule_actors(text)]
        if tagger.tag(text, rules) != model.predict_single(lu.features(text, rules)):
            differ.append(text)
    assert differ == []
    # full-width text, a unit the rules find, and the shortest text
    for text in ("区应急局牵头,区消防救援大队配合,于１０月底前完成。", "由区住建局负责", "要"):
        rules = [(u.name, u.role) for u in rule_actors(text)]
        assert tagger.tag(text, rules) == model.predict_single(lu.features(text, rules))


@pytest.mark.skipif(learn.load("tasks") is None, reason="models/tasks not trained")
def test_task_model_scored_by_feature_name_gives_its_probabilities():
    from pipeline.extraction.tasks import task_candidates
    from pipeline.learn.tasks import features
    from pipeline.run import extract

    model = learn.load("tasks")["pipeline"]
    rows = []
    for name in ("samples/000_3e4d418ab8c79e1d", "dev/207_fsou_shi_anweihui_duchafenzu_zeren"):
        doc = extract(CORPORA / f"{name}.txt", until="structure")
        rows += [features(info) for _, info in task_candidates(doc)]
    assert len(rows) > 50
    fast = proba(model, rows)
    slow = model.predict_proba(rows)[:, 1]
    assert max(abs(a - b) for a, b in zip(fast, slow)) < 1e-12


def test_scorer_falls_back_to_the_models_own_predict_proba():
    class Other:
        def predict_proba(self, rows):
            import numpy as np

            return np.array([[0.25, 0.75] for _ in rows])

    assert proba(Other(), [{"a": 1}, {"b": "x"}]) == [0.75, 0.75]
    assert proba(Other(), []) == []


def test_memoised_unit_finders_hand_out_fresh_lists():
    clause = "责任单位:区安委办牵头,区委编办配合"
    first = parse_unit_clause(clause)
    first.append("junk")
    assert [(u.name, u.role) for u in parse_unit_clause(clause)] == [("区安委办", "lead"), ("区委编办", "support")]
    names = split_names("区应急局、区消防救援大队和区水利和湖泊局等有关部门")
    names.clear()
    assert split_names("区应急局、区消防救援大队和区水利和湖泊局等有关部门") == ["区应急局", "区消防救援大队", "区水利和湖泊局"]
    text = "由区应急管理局牵头负责,区消防救援大队配合"
    found = rule_actors(text)
    found.clear()
    assert [u.name for u in rule_actors(text)] == ["区应急管理局", "区消防救援大队"]
    units = parse_unit_clause("责任单位:区应急管理局")
    assert [u.role for u in with_lead_roles(units, "由区应急管理局牵头,开展检查")] == ["lead"]


def test_memoised_pos_tagger_gives_jiebas_words_and_tags():
    import jieba.posseg as pseg

    from pipeline.learn.postag import pos

    strings = ["", " ", "abc 12.5%", "２０２４年", "\r\n区应急局", "XX区xx局x", "各类隐患1.2万处,立案查处违法行为36起"]
    for name in ("samples/000_3e4d418ab8c79e1d", "dev/207_fsou_shi_anweihui_duchafenzu_zeren"):
        for line in (CORPORA / f"{name}.txt").read_text("utf-8").splitlines()[:80]:
            strings += [line[:120]] + [line[i:i + 30] for i in range(0, min(len(line), 120), 11)]
    assert len(strings) > 200
    for s in strings + strings:  # the second time from the memo
        assert pos(s) == tuple((w.word, w.flag) for w in pseg.cut(s)), s


def test_choose_takes_what_the_pairwise_overlap_check_takes():
    import random

    from pipeline.learn.tasks import choose

    def reference(probs, spans, threshold):
        taken = []
        for i in sorted(range(len(probs)), key=lambda i: (-probs[i], spans[i])):
            if probs[i] < threshold:
                break
            s, e = spans[i]
            if not any(s < spans[j][1] and spans[j][0] < e for j in taken):
                taken.append(i)
        return sorted(taken, key=lambda i: spans[i])

    rnd = random.Random(0)
    for trial in range(3000):
        n = rnd.randint(0, 25)
        spans = []
        for _ in range(n):
            s = rnd.randint(0, 60)
            spans.append((s, s + rnd.choice([1, 2, 3, 5, 8, 13, 30]) if trial % 3 else s + rnd.randint(-2, 6)))
        probs = [rnd.choice([0.1, 0.5, 0.9, rnd.random()]) for _ in range(n)]
        threshold = rnd.choice([0.0, 0.3, 0.5])
        assert choose(probs, spans, threshold) == reference(probs, spans, threshold)


# -- deadlines: the patterns over the anchored clause segments only ------------------------------------------

def _corpus_texts() -> list[str]:
    return [p.read_text("utf-8") for p in sorted(CORPORA.glob("**/*.txt"))]


def _random_date_texts(n: int) -> list[str]:
    import random

    rnd = random.Random(7)
    alphabet = list("0123456789一二三四五六七八九十〇年月日号份旬底末前后止至到起开始—-~.、和及与每季度半上下中今本明"
                    "剩余的时间xX*_，,。;；!？\n :：午点时分以来次至少个是了已于在关会议强调讲话")
    return ["".join(rnd.choice(alphabet) for _ in range(rnd.randint(1, 40))) for _ in range(n)]


def test_deadline_patterns_over_anchored_segments_find_what_they_find_over_the_whole_text():
    from pipeline.extraction import deadlines as D

    texts = _corpus_texts() + _random_date_texts(5000)
    assert len(texts) > 5100
    matched = 0
    for text in texts:
        norm = D._compact(text.translate(D.FULLWIDTH))[0]
        segments = D._segments(norm)
        for rx, _ in D.PATTERNS:
            whole = [(m.span(), m.groups()) for m in rx.finditer(norm)]
            assert [(m.span(), m.groups()) for m in D._finditer(rx, norm, segments[D.ANCHORS[rx]])] == whole
            matched += len(whole)
    assert matched > 2000


def test_deadline_cue_checks_without_copies_answer_as_the_copies_do():
    from pipeline.extraction import deadlines as D

    texts = _corpus_texts()[:40] + _random_date_texts(3000) + ["会议强调会议要求", "在讲话中强调", "于 \n", " 在", ""]
    for text in texts:
        last = D._last_start(D.NEWS, text)
        for end in range(0, len(text) + 1, max(1, len(text) // 60)):
            assert D._opening(text, end) == (D.OPENING.search(text[:end]) is not None), (text[:end][-10:],)
            assert (end <= last) == (D.NEWS.search(text, end) is not None)


def test_deadline_starts_are_the_starts_of_the_deadlines_found():
    from pipeline.extraction.deadlines import deadline_starts, find_deadlines

    total = 0
    for text in _corpus_texts():
        for year in (2024, None):
            starts = deadline_starts(text, year)
            assert starts == sorted(d.span[0] for d in find_deadlines(text, year))
            total += len(starts)
    assert total > 500


def test_word_count_check_is_the_substitution_count():
    import random
    import re

    from pipeline.extraction.tasks import _words_below

    rnd = random.Random(3)
    alphabet = list("ab 1,，。、（）_\n中文") + ["\u3000", "２"]
    for _ in range(20000):
        text = "".join(rnd.choice(alphabet) for _ in range(rnd.randint(0, 12)))
        for n in (0, 1, 2, 4):
            assert _words_below(text, n) == (len(re.sub(r"\W", "", text)) < n), (text, n)


# -- the candidate builder: what the genres' rules share is made once ----------------------------------------

@pytest.mark.parametrize("name", ["dev/201_cqjiangjin_2025_zaihai_fangzhi_renwuqingdan",  # a table plan
                                  "dev/209_xianan_2023_zhengfu_gongzuo_baogao_zerenfenjie",  # unit parentheticals
                                  "samples/000_3e4d418ab8c79e1d"])
def test_builders_sharing_a_memo_find_what_fresh_builders_find(name):
    from dataclasses import replace

    from pipeline.extraction.tasks import _Builder, rule_tasks
    from pipeline.run import extract

    doc = extract(CORPORA / f"{name}.txt", until="structure")
    memo: dict = {}
    for mode in ("plan", "report", "speech", "other", "plan"):
        d = replace(doc, doc_type=mode)
        fresh, shared = _Builder(d, light=True), _Builder(d, light=True, memo=memo)
        assert rule_tasks(d, shared) == rule_tasks(d, fresh)
        assert shared.pending == fresh.pending and shared.tasks == fresh.tasks
    assert any(k[0] in ("closers", "tables") for k in memo)


# -- the model registry: the default directory resolved once, use_models still switches ---------------------

def test_models_dir_is_resolved_once_and_follows_use_models(tmp_path, monkeypatch):
    monkeypatch.delenv(learn.MODELS_ENV, raising=False)
    default = learn.models_dir()
    assert default == ROOT / "models"
    assert learn.models_dir() == default
    (tmp_path / "tasks.json").write_text('{"use": "rules"}', "utf-8")
    with learn.use_models(tmp_path):
        assert learn.models_dir() == tmp_path
        assert learn.info("tasks") == {"use": "rules"}
        assert learn.load("tasks") is None and learn.chosen("tasks") is None
    with learn.use_models(str(tmp_path) + "/"):  # the same directory written another way: the same key
        assert learn.models_dir() == tmp_path
    assert learn.models_dir() == default


def test_sparse_viterbi_is_jiebas_decoder():
    """The unknown-run decoder (``postag._viterbi``, each state's predecessors sought among those with a transition
    into it) gives jieba's state path, and ``postag._detail`` jieba's words and tags, on the unknown runs of corpus
    lines and on random runs of common, rare and unseen characters, digits and letters."""
    import random

    import jieba.posseg as pseg
    from jieba.posseg import char_state_tab_P, emit_P, start_P, trans_P
    from jieba.posseg.viterbi import viterbi

    from pipeline.learn import postag

    rng = random.Random(3)
    common = "".join(sorted(char_state_tab_P))[::7]
    pool = common[:400] + "龘靐齉爨鬱" + "区县镇局委办"
    runs = []
    for path in sorted(CORPORA.glob("**/*.txt"))[::20]:
        for line in path.read_text("utf-8", errors="replace").splitlines()[:40]:
            runs += [line[i:i + rng.randint(1, 9)] for i in range(0, min(len(line), 90), 5)]
    runs += ["".join(rng.choice(pool) for _ in range(rng.randint(1, 8))) for _ in range(700)]
    runs += ["".join(rng.choice(pool + "0123456789abcXY.%") for _ in range(rng.randint(1, 10))) for _ in range(300)]
    assert len(runs) > 2000
    decoded = 0
    for run in runs:
        if run and pseg.re_han_detail.fullmatch(run):
            assert postag._viterbi(run) == viterbi(run, char_state_tab_P, start_P, trans_P, emit_P)[1], run
            decoded += 1
        assert postag._detail.__wrapped__(run) == tuple(
            (w.word, w.flag) for w in pseg.dt._POSTokenizer__cut_detail(run)), run
    assert decoded > 1200
