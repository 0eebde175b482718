"""The task chooser's per-text fast path (issue 7, extraction speed): pipeline/learn/tasks.py reads what depends on a
candidate's words alone once per text and document (``_Words``, in the memo select() opens), and the candidate
builder's fast paths. Each test runs the old code (kept here as the reference) beside the new one on corpus inputs
and asserts the same outputs: the same feature dicts, key order included, and the same chosen tasks."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline import learn
from pipeline.learn import tasks as lt

ROOT = Path(__file__).resolve().parents[1]
CORPORA = ROOT / "corpora"


# -- the old features, as pipeline/learn/tasks.py computed them before the per-text memo (no memo at all) ----------

def _old_sentences(s: str) -> list[str]:
    return [m.group() for m in lt._SENT.finditer(s) if len(m.group().strip()) >= 4]


def _old_profile(sents: list[str]) -> tuple[int, int, int]:
    """Sentences, of them retrospective (done, counted, and neither directive nor commitment), of them forward
    (directive or commitment)."""
    kinds = [lt._sentence_kind(x) for x in sents]
    return len(sents), sum(1 for r, f in kinds if r and not f), sum(1 for _, f in kinds if f)


def _old_features(info: dict) -> dict[str, float]:
    """The features of one candidate (see ``task_candidates`` for the keys of ``info``)."""
    text = info["text"]
    kind = lt._kind(info)
    f: dict[str, float] = {"bias": 1.0, f"kind:{kind}": 1.0}
    proba = info.get("doc_type_proba") or {}
    f.update(lt._dt_features(tuple(proba.items())))
    sources = info.get("sources") or []
    for src in sources:
        f[f"src:{src}"] = 1.0
        if src.startswith("rule_"):
            mode = src[5:]
            f[f"src_weighted:{mode}"] = float(proba.get(mode, 0.0))
            f["src_match"] = f.get("src_match", 0.0) + float(proba.get(mode, 0.0))
    f["n_sources"] = len(sources) / 3
    if info.get("rule_final"):
        f["rule_final"] = 1.0
    f[f"marker:{lt._marker_family(info.get('marker'))}"] = 1.0
    f["level"] = min(info.get("level") or 0, 4) / 4
    f["pos"] = float(info.get("pos") or 0.0)
    f["pos_tail"] = 1.0 if (info.get("pos") or 0) > 0.85 else 0.0
    f["cut_end"] = 1.0 if info.get("at_end") and not text.rstrip().endswith(lt._FINISHED) else 0.0
    f["has_units"] = 1.0 if info.get("n_units") else 0.0
    f["has_deadline"] = 1.0 if info.get("n_deadlines") else 0.0
    f["framing"] = 1.0 if info.get("framing") else 0.0
    f["forward"] = 1.0 if info.get("forward") else 0.0
    n = len(text)
    f[f"len:{min(n // 25, 12)}"] = 1.0
    directive, retro = len(lt._DIRECTIVE.findall(text)), len(lt._RETRO.findall(text))
    f["directive"] = min(directive, 10) / 10
    f["retro"] = min(retro, 10) / 10
    f["directive_gt_retro"] = 1.0 if directive > 2 * retro else 0.0
    # a line's label that names its units (县应急局：负责…) is the actor of the words after it
    f["actor"] = 1.0 if lt._ACTOR.search(text) or "label_unit" in sources else 0.0
    f["frame"] = 1.0 if lt._FRAME.search(text[:40]) else 0.0
    f["commit"] = 1.0 if lt._COMMIT.search(text[:20]) else 0.0
    f["digits"] = min(len(lt._DIGITS.findall(text)), 10) / 10
    tail = text.rstrip()
    f["ends_colon"] = 1.0 if tail.endswith((":", "：")) else 0.0
    f["ends_stop"] = 1.0 if tail.endswith(("。", ";", "；")) else 0.0
    f["table_cell"] = 1.0 if "|" in (info.get("before") or "")[-2:] else 0.0
    f.update(lt._edge_keys(text[:40], "b:"))
    f.update(lt._edge_keys(text[-12:], "e:"))
    f.update(lt._heading_keys(tuple(info.get("heading_path") or ())))
    f.update(lt._title_keys(info.get("title") or "", kind))
    run = info.get("short_run") or 0
    f[f"short_run:{min(run, 6)}"] = 1.0
    f[f"short_run:{min(run, 6)}&{kind}"] = 1.0
    inline = len(lt._INLINE_ITEM.findall(text))
    f[f"inline_items:{min(inline, 3)}"] = 1.0
    f["starts_inline_item"] = 1.0 if lt._INLINE_ITEM.match(text) else 0.0
    f["starts_with_time"] = 1.0 if lt._TIME_START.match(text) else 0.0
    f["target"] = 1.0 if lt._TARGET.search(text) else 0.0
    f.update(lt._edge_keys(lt._SPACE.sub("", info.get("before") or "")[-4:], "pre:"))
    # the lead-in of its line (会议要求,一要… / X强调,… / …作了部署:一是…): demands that follow are tasks,
    # what a meeting heard (通报, 传达, 听取) or what was done (了, 已) is not
    head, before = info.get("line_head") or "", info.get("before") or ""
    demand = 1.0 if lt._DEMAND_LEAD.search(head) or lt._DEMAND_LEAD.search(before) else 0.0
    f["lead_demand"] = demand
    f[f"lead_demand&{kind}"] = demand
    f["lead_demand&report"] = demand * float(proba.get("report", 0.0))
    f["lead_reported"] = 1.0 if lt._REPORTED_LEAD.search(head) else 0.0
    f["lead_retro"] = 1.0 if lt._RETRO_LEAD.search(head) else 0.0
    f.update(_old_context_features(info, kind))
    f.update(_old_act_features(text))
    if f["decide"]:
        f[f"decide&{kind}"] = 1.0
    f.update(_old_forward_sentence(info, kind, f))
    f.update(_old_duty(info, kind))
    f.update(_old_rectify(info, kind))
    return f


def _old_rectify(info: dict, kind: str) -> dict[str, float]:
    text = info["text"]
    term = lt._FIX_TERM.search(text) or lt._FIX_TERM.match((info.get("line_after") or "").lstrip("。;；,，(（ \t\u3000"))
    f = {"fix_term": 1.0, f"fix_term&{kind}": 1.0} if term else {}
    if lt._FAULT.search(text) and not lt._COMMIT_ANY.search(text) and not lt._DIR_S.search(text):
        f.update({"fault": 1.0, f"fault&fix_term:{int(bool(term))}": 1.0})
    return f


def _old_act_features(text: str) -> dict[str, float]:
    t = text.strip()
    lines = sum(1 for x in t.split("\n") if x.strip())
    return {"decide": 1.0 if lt._DECIDE.search(t) else 0.0,
            "sanction": 1.0 if lt._SANCTION.search(t) else 0.0,
            f"lines:{min(lines, 3)}": 1.0,
            "scope_end": 1.0 if lt._SCOPE_END.search(t) and not lt._DIR_S.search(t) else 0.0,
            "scope_item": 1.0 if lt._SCOPE_ITEM.search(t) else 0.0,
            "request": 1.0 if lt._REQUEST.search(t) else 0.0,
            "agenda": 1.0 if lt._AGENDA.search(t) else 0.0,
            "attend": 1.0 if lt._ATTEND.search(t) else 0.0,
            "you_unit": 1.0 if lt._YOU.search(t) else 0.0}


def _old_duty(info: dict, kind: str) -> dict[str, float]:
    text = info["text"].strip()
    if not lt._DUTY.search(text) or (not text.startswith(("负责", "承担", "牵头", "协助", "配合", "组织", "指导"))
                                   and not lt._ACTOR_START.search(text)):
        return {}
    labelled = 1.0 if "label_unit" in (info.get("sources") or []) else 0.0
    other = float((info.get("doc_type_proba") or {}).get("other", 0.0))
    return {"duty": 1.0, f"duty&{kind}": 1.0, "duty&other": other, "duty&label_unit": labelled}


def _old_forward_sentence(info: dict, kind: str, f: dict) -> dict[str, float]:
    text = info["text"]
    report = float((info.get("doc_type_proba") or {}).get("report", 0.0))
    if lt._DONE.search(text) and len(lt._COUNT.findall(text)) >= 2 \
            and not lt._COMMIT_ANY.search(text) and not lt._DIR_S.search(text):
        # what was done, counted (检查单位5126家，督促整改隐患7683处): a report's retrospective part in any shape
        return {"done_counted": 1.0, f"done_counted&{kind}": 1.0, "done_counted&report": report}
    if f.get("n_sents:1") != 1.0 and f.get("n_sents:0") != 1.0:
        return {}
    said = 1.0 if (lt._ACTOR_START.search(text) or lt._COMMIT_ANY.search(text)) else 0.0
    when = 1.0 if (info.get("n_deadlines") or lt._TIME_START.search(text)) else 0.0
    done = 1.0 if lt._DONE.search(text) else 0.0
    if not said or done:
        return {}
    out = {"fwd_sent": 1.0, f"fwd_sent&{kind}": 1.0, "fwd_sent&report": report}
    if when:
        out.update({"fwd_sent_when": 1.0, f"fwd_sent_when&{kind}": 1.0, "fwd_sent_when&report": report})
    return out


def _old_context_features(info: dict, kind: str) -> dict[str, float]:
    """Commitments and actors anywhere in the candidate, and its neighbourhood: a paragraph that mixes what was
    done with what will be done is not one task (its commitment sentence is); a sentence among counts that
    commits (…还将于4月底前…) or among demands (会议要求,…) is."""
    text = info["text"]
    f: dict[str, float] = {}
    commit = 1.0 if lt._COMMIT_ANY.search(text) else 0.0
    f["commit_any"] = commit
    f[f"commit_any&{kind}"] = commit
    f["commit_any&report"] = commit * float((info.get("doc_type_proba") or {}).get("report", 0.0))
    if info.get("framing"):
        f["commit_any&framing"] = commit
    f["actor_start"] = 1.0 if lt._ACTOR_START.search(text) else 0.0
    sents = _old_sentences(text)
    n, retro, fwd = _old_profile(sents)
    f[f"n_sents:{min(n, 5)}"] = 1.0
    f["retro_share"] = retro / n if n else 0.0
    mixed = 1.0 if retro and fwd else 0.0
    f["mixed"] = mixed
    f[f"mixed&{kind}"] = mixed
    f[f"n_actor_sents:{min(sum(1 for x in sents if lt._ACTOR_START.search(x)), 3)}"] = 1.0
    before, after = info.get("line_before") or "", info.get("line_after") or ""
    rn, rretro, _ = _old_profile(_old_sentences(before + after))
    f["line_alone"] = 1.0 if not (before + after).strip() else 0.0
    f["rest_retro_share"] = rretro / rn if rn else 0.0
    f["commit_in_retro_line"] = commit * f["rest_retro_share"]
    closer = lt._CLOSER_AHEAD.search(after)
    f["closer_next"] = 1.0 if closer and closer.start() <= 2 else 0.0
    f["closer_ahead"] = 1.0 if closer and closer.start() > 2 else 0.0
    demand = 1.0 if lt._DEMAND_ANY.search(before) else 0.0
    f["demand_before_in_line"] = demand
    f[f"demand_before_in_line&{kind}"] = demand
    prev = info.get("prev_line") or ""
    f["prev_colon"] = 1.0 if prev.rstrip().endswith((":", "：")) else 0.0
    f["prev_demand"] = 1.0 if lt._DEMAND_ANY.search(prev[-20:]) else 0.0
    # lines opened by a short label (9月：…; 县应急局：负责…): each line is its own task, so a candidate holding several
    # is not one, and a labelled line after another labelled line is one of a list
    labels = len(lt._LABEL_START.findall(text))
    f[f"label_lines:{min(labels, 3)}"] = 1.0
    f["label_list"] = 1.0 if lt._LABEL_HEAD.match(info.get("prev_line_head") or "") and \
        lt._LABEL_HEAD.match(info.get("line_head") or "") else 0.0
    # a list of scope items: the line before ends in 情况 too
    scope_run = 1.0 if lt._SCOPE_ITEM.search(prev.rstrip()) and lt._SCOPE_ITEM.search(text.strip()) else 0.0
    f["scope_run"] = scope_run
    f.update(_old_sibling_features(sents, _old_sentences(before) + _old_sentences(after), kind))
    fwd = [_old_opens_forward(x) for x in sents]
    if len(sents) == 1 and fwd[0]:
        rest = _old_sentences(before) + _old_sentences(after)
        if not info.get("marker"):
            f[f"self_fwd&sib_fwd:{min(sum(map(_old_opens_forward, rest)), 2)}&unnumbered"] = 1.0
        lead = _old_sentences(before)
        if lead and not any(map(_old_opens_forward, lead)):
            f["self_fwd&after_lead"] = 1.0
    return f


def _old_opens_forward(sent: str) -> bool:
    """A sentence that opens with its own actor or commits (X要…, X将…, 计划于…, 还将…) and says nothing done."""
    return bool(lt._ACTOR_START.search(sent.strip()) or lt._COMMIT_ANY.search(sent[:16])
                or lt._SANCTION.search(sent.strip())) and not lt._DONE.search(sent)


def _old_sibling_features(own: list[str], rest: list[str], kind: str) -> dict[str, float]:
    """Whether the sentences of the candidate and of the rest of its line each stand on their own: a paragraph whose
    sentences each open with their actor or a commitment holds several tasks (街道计划于…。还将…。), and a sentence
    among such siblings is one of them; a paragraph whose first sentence only frames the rest is not one task."""
    f: dict[str, float] = {}
    fwd = [_old_opens_forward(x) for x in own]
    n_fwd = sum(fwd)
    if len(own) >= 2:
        f[f"own_fwd_sents:{min(n_fwd, 3)}"] = 1.0
        f[f"own_fwd_sents:{min(n_fwd, 3)}&{kind}"] = 1.0
        if not fwd[0] and n_fwd >= 1:
            f["lead_then_fwd"] = 1.0
    sib = sum(1 for x in rest if _old_opens_forward(x))
    if rest:
        f[f"sib_fwd:{min(sib, 2)}"] = 1.0
        if len(own) == 1 and fwd[0]:
            f[f"self_fwd&sib_fwd:{min(sib, 2)}"] = 1.0
            f[f"self_fwd&sib_fwd:{min(sib, 2)}&{kind}"] = 1.0
    return f

# -- the tests ------------------------------------------------------------------------------------------------------

def _docs(step: int = 9) -> list[list[dict]]:
    """The candidates' infos of every ``step``-th corpus text (all genres and sets), structured."""
    from pipeline.extraction.tasks import task_candidates
    from pipeline.run import extract

    paths = sorted(CORPORA.glob("**/*.txt"))[::step]
    return [[info for _, info in task_candidates(extract(p, until="structure"))] for p in paths]


@pytest.fixture(scope="module")
def docs() -> list[list[dict]]:
    return _docs()


def test_features_with_the_per_text_memo_are_the_old_features(docs):
    assert sum(map(len, docs)) > 1000
    for infos in docs:
        want = [list(_old_features(i).items()) for i in infos]
        assert [list(lt.features(i).items()) for i in infos] == want  # no memo (training)
        lt._local.memo = {}
        try:
            got = [list(lt.features(i).items()) for i in infos]
            again = [list(lt.features(i).items()) for i in infos]  # every text a hit
        finally:
            lt._local.memo = None
        assert got == want
        assert again == want


def test_words_are_shared_per_text_only_inside_select(docs):
    repeated = [[i["text"] for i in infos] for infos in docs if len({i["text"] for i in infos}) < len(infos)]
    assert len(repeated) >= 5  # texts repeat among a document's candidates
    texts = repeated[0]
    assert lt._memo() is None
    assert lt._words(texts[0]) is not lt._words(texts[0])  # outside select nothing is kept
    lt._local.memo = {}
    try:
        assert lt._words(texts[0]) is lt._words(texts[0])
    finally:
        lt._local.memo = None


def test_select_chooses_what_the_old_features_choose(docs):
    from pipeline.learn.fastscore import proba

    model = learn.load("tasks")
    if model is None:
        pytest.skip("no task model")
    # the second stage alone: the committed first stage may drop a candidate the second would take (its cut may
    # cost the grouped-CV F1 up to learn.tasks.FIRST_LOSS); tests/test_tasks_first_stage.py tests it
    model = {k: v for k, v in model.items() if k not in ("first_stage", "first_cut")}
    for infos in docs[:25]:
        spans = [(k, k + 1) for k in range(len(infos))]  # any spans: the choice follows the probabilities
        want = lt.choose_total(proba(model["pipeline"], [_old_features(i) for i in infos]), spans, model["threshold"])
        assert lt.select(model, infos, spans) == want
    assert lt._memo() is None


def test_guarded_searches_answer_as_the_searches_on_every_corpus_line():
    """The literal guards before _TARGET, _AGENDA and _ATTEND (a digit; 请/议程/表态发言; 参加/出席/列席/参会) skip
    only words the patterns cannot match: same answers as the plain searches on every line of every corpus text;
    the sentences by findall are those by finditer."""
    lines = {x.strip() for p in sorted(CORPORA.glob("**/*.txt")) for x in p.read_text("utf-8", errors="replace").split("\n")}
    lines |= {x[i:] for x in list(lines)[:3000] for i in (1, 5)}
    hits = {"act": 0, "target": 0}
    for t in lines:
        assert lt._act_features_of(t) == _old_act_features(t), t
        w = lt._Words(t)
        assert w.tail["target"] == (1.0 if lt._TARGET.search(t) else 0.0), t
        assert w.time_start == bool(lt._TIME_START.search(t)), t
        assert lt._sentences(t) == _old_sentences(t), t
        hits["act"] += _old_act_features(t)["agenda"] + _old_act_features(t)["attend"]
        hits["target"] += w.tail["target"]
    assert hits["act"] > 20 and hits["target"] > 1000


# the commitment pattern before it opened with its literals (a lookbehind first: tried at every position)
_OLD_COMMIT_ANY = __import__("re").compile(
    r"(?<!现)(?:还|也|并|均|都|再|仍|亦|即)?将(?=于|在|继续|进一步|全面|加快|加大|持续|积极|会同|联合|启动|组织|"
    r"开展|实行|实施|严格|依法|对|把|坚持|适时|重点|集中|逐步|按照|深入|不断|着力|予以|建立|推动|推进|完成|"
    r"陆续|尽快|及时|重新|专门|牵头|定期|结合|围绕|针对|认真|切实|进行|一律|视情|根据)|计划(?:于|在|到)|"
    r"拟(?:于|在)|力争|下一步|下步|今后")


def test_commitment_pattern_matches_where_the_old_one_did():
    """Whether _COMMIT_ANY matches (all its callers read) is the old pattern's answer on every corpus line, every
    sentence of one, their 16-character openings, and the 现将/还将/现还将 shapes."""
    lines = {x.strip() for p in sorted(CORPORA.glob("**/*.txt")) for x in p.read_text("utf-8", errors="replace").split("\n")}
    texts = lines | {s for x in lines for s in lt._SENT.findall(x)}
    texts |= {x[:16] for x in list(texts)}
    texts |= {"现将有关事项通知如下", "现还将于6月开展", "还将于6月开展", "也将继续", "现将于", "将其纳入", "我局将于",
              "计划于", "下一步", "将", "现将"}
    hits = 0
    for t in texts:
        want = bool(_OLD_COMMIT_ANY.search(t))
        assert bool(lt._COMMIT_ANY.search(t)) == want, t
        hits += want
    assert len(texts) > 20000 and hits > 500


# -- the gate of select(): the rest of a candidate's line read only where it can lift the candidate to the threshold -

def test_features_without_the_line_and_the_line_features_are_the_features(docs):
    for infos in docs:
        for i in infos:
            own, line = lt.features(i, line=False), lt._line_features(i, lt._kind(i))
            assert not own.keys() & line.keys()
            assert {**own, **line} == lt.features(i)  # the same keys and values (in another order)


def test_the_gate_drops_only_candidates_under_the_threshold_and_most_of_them(docs):
    """Every candidate the gate drops has, with all its features, a probability under the threshold (so
    choose_total, which reads only those at or above it, chooses the same); the line's keys never add more than
    the bound; and the gate drops a real share of the corpus's candidates (about two in three)."""
    from itertools import repeat
    from operator import mul

    from pipeline.learn.fastscore import proba

    model = learn.load("tasks")
    if model is None:
        pytest.skip("no task model")
    gate = lt._gate(model["pipeline"], model["threshold"])
    assert gate is not None
    weights, n_all, n_kept = gate[0], 0, 0
    for infos in docs:
        lt._local.memo = {}
        try:
            keep, rows = lt._gated_rows(infos, *gate)
        finally:
            lt._local.memo = None
        full = [lt.features(i) for i in infos]
        assert [full[i] for i in keep] == rows
        p = proba(model["pipeline"], full)
        assert all(p[i] < model["threshold"] for i in set(range(len(infos))) - set(keep))
        for i in infos:
            line, (a, b) = lt._line_features(i, lt._kind(i)), lt._line_bound(weights, lt._kind(i))
            added = sum(map(mul, map(weights.get, line, repeat(0.0)), line.values()))
            assert added <= a + b * lt.features(i)["commit_any"] + 1e-12
        n_all, n_kept = n_all + len(infos), n_kept + len(keep)
    assert n_kept < 0.6 * n_all, (n_kept, n_all)


def test_select_without_a_gate_chooses_the_same(docs, monkeypatch):
    model = learn.load("tasks")
    if model is None:
        pytest.skip("no task model")
    infos = max(docs, key=len)
    spans = [(k, k + 1) for k in range(len(infos))]
    gated = lt.select(model, infos, spans)
    monkeypatch.setattr(lt, "_gate", lambda *a: None)
    assert lt.select(model, infos, spans) == gated
    assert gated
