"""Features of (plan task, report sentence) pairs and of a task's evidence, for SPEC §9.

Reports paraphrase their plans, so a pair is described by more than shared words:
character n-gram TF-IDF cosine (IDF over the plan's tasks and the reports' sentences, so that
安全生产 weighs little and 加油站视频监控 much), how the pair ranks among the task's sentences
and the sentence's tasks, shared 4-grams and numbers, the task's units named in the sentence or
another organisation named instead, and the part of the report the sentence sits in.

Pure functions: they import neither the stages nor scikit-learn.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass

from ..match import norm
from .text import DONE, FORWARD_SENTENCE, IN_PROGRESS, Sentence, core, numbers, orgs

PAIR_FEATURES = ("cos", "cos_rel_task", "cos_rel_sent", "best_sent", "top3_sent", "best_task", "margin_task",
                 "shared4", "shared_num", "unit_hit", "foreign_org", "forward", "problem", "short",
                 "ip_cue", "done_cue", "cos_x_best_task", "cos_heading", "preamble")

STATUS_FEATURES = ("ip_retro", "forward", "problem", "done_cue", "pct", "n_latest", "latest_rank",
                   "n_reports", "earlier_ip")

#: pairs below this cosine are not candidates (no gold evidence sentence of the pairs is below 0.04)
MIN_COS = 0.03


@dataclass
class Task:
    """A plan task as the linker needs it (from the extractor's record, a database row or a gold file)."""

    id: str
    text: str
    units: list[str]
    span: tuple[int, int] | None = None
    section_id: str | None = None


def _grams(s: str) -> Counter:
    t = norm(s)
    out: Counter = Counter()
    for n in (2, 3):
        out.update(t[i:i + n] for i in range(len(t) - n + 1))
    return out


def _tfidf(texts: list[str], more: list[str] = ()) -> list[dict[str, float]]:
    """TF-IDF vectors (sublinear tf, l2) of ``texts`` and then ``more``, the IDF over ``texts``."""
    counts = [_grams(t) for t in texts]
    df: Counter = Counter()
    for c in counts:
        df.update(c.keys())
    n = len(texts)
    idf = {g: math.log((n + 1) / (d + 1)) + 1.0 for g, d in df.items()}
    top = math.log(n + 1) + 1.0
    vecs = []
    for c in counts + [_grams(t) for t in more]:
        v = {g: (1.0 + math.log(k)) * idf.get(g, top) for g, k in c.items()}
        z = math.sqrt(sum(x * x for x in v.values())) or 1.0
        vecs.append({g: x / z for g, x in v.items()})
    return vecs


def _cos(a: dict[str, float], b: dict[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(x * b.get(g, 0.0) for g, x in a.items())


def _four(s: str) -> set[str]:
    t = norm(s)
    return {t[i:i + 4] for i in range(len(t) - 3)}


@dataclass
class Candidate:
    task: int  # index into the tasks
    sent: int  # index into the sentences
    x: list[float]


def pair_candidates(tasks: list[Task], sents: list[Sentence]) -> list[Candidate]:
    """Every (task, sentence) pair worth scoring, with its features (:data:`PAIR_FEATURES` order)."""
    if not tasks or not sents:
        return []
    heads = sorted({s.heading for s in sents})
    vecs = _tfidf([t.text for t in tasks] + [s.text for s in sents], heads)
    tv, sv = vecs[:len(tasks)], vecs[len(tasks):len(tasks) + len(sents)]
    hv = dict(zip(heads, vecs[len(tasks) + len(sents):]))
    hcos: dict[tuple[int, str], float] = {}
    cos = [[_cos(a, b) for b in sv] for a in tv]
    max_task = [max(row) or 1e-9 for row in cos]
    by_sent = [[cos[i][j] for i in range(len(tasks))] for j in range(len(sents))]
    max_sent = [max(col) or 1e-9 for col in by_sent]
    second_sent = [sorted(col)[-2] if len(col) > 1 else 0.0 for col in by_sent]
    best_task = [col.index(max(col)) for col in by_sent]
    ranks = []
    for row in cos:
        order = sorted(range(len(row)), key=lambda j: (-row[j], j))
        r = [0] * len(row)
        for k, j in enumerate(order):
            r[j] = k
        ranks.append(r)
    t4 = [_four(t.text) for t in tasks]
    s4 = [_four(s.text) for s in sents]
    tnum = [numbers(t.text) for t in tasks]
    snum = [numbers(s.text) for s in sents]
    tcore = [{core(u) for u in t.units if len(core(u)) >= 2} | {core(o) for o in orgs(t.text)} for t in tasks]
    sorgs = [{core(o) for o in orgs(s.text)} for s in sents]
    s_ip = [1.0 if IN_PROGRESS.search(s.text) else 0.0 for s in sents]
    s_done = [1.0 if DONE.search(s.text) else 0.0 for s in sents]
    out = []
    for i, t in enumerate(tasks):
        tn = norm(t.text)
        for j, s in enumerate(sents):
            c = cos[i][j]
            if c < MIN_COS:
                continue
            hit = any(u and u in s.text for u in tcore[i])
            foreign = any(o not in tn and o not in tcore[i] for o in sorgs[j] if len(o) >= 2)
            is_best_task = best_task[j] == i
            margin = (c - second_sent[j]) if is_best_task else (c - max_sent[j])
            out.append(Candidate(i, j, [
                c, c / max_task[i], c / max_sent[j], 1.0 if ranks[i][j] == 0 else 0.0,
                1.0 if ranks[i][j] < 3 else 0.0, 1.0 if is_best_task else 0.0, margin,
                min(len(t4[i] & s4[j]) / 5.0, 3.0), min(len(tnum[i] & snum[j]), 2) / 2.0,
                1.0 if hit else 0.0, 1.0 if foreign and not hit else 0.0,
                1.0 if s.part == "forward" else 0.0, 1.0 if s.part == "problem" else 0.0,
                1.0 if len(norm(s.text)) < 15 else 0.0, s_ip[j], s_done[j],
                c if is_best_task else 0.0, _hcos(hcos, i, s.heading, tv, hv),
                1.0 if s.section_id is None else 0.0,
            ]))
    return out


def _hcos(memo: dict, i: int, heading: str, tv: list, hv: dict) -> float:
    key = (i, heading)
    if key not in memo:
        memo[key] = _cos(tv[i], hv[heading]) if heading else 0.0
    return memo[key]


def status_features(evidence: list[Sentence], rank_of: dict[int, int]) -> list[float]:
    """What the wording of a task's evidence says (:data:`STATUS_FEATURES` order): the latest report's
    sentences decide (``rank_of`` is each report's place in time, by its index)."""
    if not evidence:
        return [0.0] * len(STATUS_FEATURES)
    latest = max(rank_of.get(s.index, 0) for s in evidence)
    last = [s for s in evidence if rank_of.get(s.index, 0) == latest]
    earlier = [s for s in evidence if rank_of.get(s.index, 0) < latest]
    retro = [s for s in last if s.part == "retro" and not FORWARD_SENTENCE.match(s.text)]
    fwd = [s for s in last if s.part == "forward" or (s.part == "retro" and FORWARD_SENTENCE.match(s.text)
                                                       and not DONE.search(s.text))]
    return [
        1.0 if any(IN_PROGRESS.search(s.text) for s in retro) else 0.0,
        1.0 if fwd else 0.0,
        1.0 if any(s.part == "problem" for s in last) else 0.0,
        1.0 if any(DONE.search(s.text) for s in retro) else 0.0,
        1.0 if any("%" in s.text and IN_PROGRESS.search(s.text) for s in last) else 0.0,
        min(len(last), 4) / 4.0,
        float(latest),
        float(len({s.index for s in evidence})),
        1.0 if any(IN_PROGRESS.search(s.text) or s.part != "retro" for s in earlier) else 0.0,
    ]


def status_rule(f: list[float]) -> str:
    """The status the wording rules give (``f`` from :func:`status_features`)."""
    d = dict(zip(STATUS_FEATURES, f))
    if d["n_latest"] == 0:
        return "not_reported"
    if d["ip_retro"] or d["forward"] or d["problem"]:
        return "in_progress"
    return "done"
