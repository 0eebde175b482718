"""Trainer ``track``: which report sentences speak of a plan task, and the status they give it (SPEC §9).

Trained on the plan–report pairs of ``corpora/pairs/`` (a plan ``NAME.txt`` with ``NAME.track.json``
beside it, and the reports of its folder). Two logistic regressions over the features of
:mod:`pipeline.learn.tracking.features`:

- *evidence*: is this (plan task, report sentence) pair evidence? Candidates are every pair with a
  character n-gram TF-IDF cosine >= 0.03; labelled by the gold evidence of the gold task paired with
  the extractor's task (bigram Jaccard >= 0.5, SPEC §7), and the same rows for the gold plan tasks; the decision
  threshold is chosen by an inner
  leave-one-pair-out CV on the training pairs.
- *status*: done or in_progress, from the wording of the evidence of the latest report (no evidence:
  not_reported).

The held-out figures are leave-one-pair-out (a pair's plan and reports are one group), compared with the
tuned rules of :mod:`pipeline.learn.tracking.link` (their thresholds tuned by the same inner CV); ``use`` says
which one the CV chose. The estimator saved is a plain dict of weights, scored without scikit-learn.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from .tracking.features import PAIR_FEATURES, STATUS_FEATURES, Task, pair_candidates, status_features
from .tracking.link import RULE, choose_evidence, link, report_order, tasks_of
from .tracking.score import counts, ev_text, figures
from .tracking.text import sentences
from .match import greedy_pairs, jaccard

NAME = "track"
STAGE = "normalise"
SEED = 0


@dataclass
class Pair:
    """A plan, its reports and its accountability gold."""

    group: str
    plan: dict
    reports: list[dict]
    track: list[dict]
    plan_gold: dict | None = None


def examples(doc, gold: dict, group: str) -> list:
    """The documents of a pair folder (plans and reports alike; :func:`pairs` puts them together)."""
    src = Path(doc.source)
    if not (group.startswith("pairs/") or any(src.parent.glob("*.track.json"))):
        return []
    rec = doc.to_record()
    track_file = src.with_name(src.stem + ".track.json")
    track = json.loads(track_file.read_text("utf-8")) if track_file.exists() else None
    return [{"group": group, "source": str(src), "record": rec, "track": track, "gold": gold}]


def pairs(exs: Sequence[dict]) -> list[Pair]:
    """The examples of :func:`examples` as pairs (a plan with a track file, and the reports of its group)."""
    by_group: dict[str, list[dict]] = {}
    for e in sorted(exs, key=lambda e: (e["group"], e["source"])):
        by_group.setdefault(e["group"], []).append(e)
    out = []
    for group, items in sorted(by_group.items()):
        reports = [e["record"] for e in items if e["track"] is None and e["record"].get("doc_type") != "plan"]
        for e in items:
            if e["track"] is not None:
                out.append(Pair(group, e["record"], reports, e["track"], e.get("gold")))
    return out


def gold_tasks(pair: Pair) -> list[Task]:
    """The plan's tasks from its gold: the track file's texts, with the units of the plan's gold task."""
    gt = (pair.plan_gold or {}).get("tasks") or []
    out = []
    for k, t in enumerate(pair.track):
        units: list[str] = []
        best = max(gt, key=lambda g: jaccard(g.get("text"), t["task_text"]), default=None)
        if best is not None and jaccard(best.get("text"), t["task_text"]) >= 0.5:
            units = [u.get(x) for u in best.get("units") or [] for x in ("name", "canonical") if u.get(x)]
        out.append(Task(f"t{k + 1}", t["task_text"], units))
    return out


def _same_source(gold_source: str | None, source: str) -> bool:
    return not gold_source or Path(source).name.endswith(Path(gold_source).name)


def labelled(pair: Pair, tasks: list[Task] | None = None):
    """Evidence rows ``(x, y)`` and status rows ``(x, y)`` of one pair (labels from its gold)."""
    tasks = tasks if tasks is not None else tasks_of(pair.plan)
    sents = [s for i, r in enumerate(pair.reports) for s in sentences(r, i)]
    cands = pair_candidates(tasks, sents)
    matched = dict(greedy_pairs(tasks, pair.track, lambda a, b: jaccard(a.text, b["task_text"]), 0.5))
    positive: dict[int, set[int]] = {}
    for i, j in matched.items():
        for e in pair.track[j].get("evidence") or []:
            src = e.get("source") if isinstance(e, dict) else None
            best = max(((jaccard(s.text, ev_text(e)), k) for k, s in enumerate(sents)
                        if _same_source(src, s.source)), default=(0.0, -1))
            if best[0] >= 0.5:
                positive.setdefault(i, set()).add(best[1])
    ev_rows = [(c.x, 1 if c.sent in positive.get(c.task, set()) else 0) for c in cands]
    rank_of = report_order(pair.reports)
    st_rows = []
    for i, j in matched.items():
        status = pair.track[j].get("status")
        if status in ("done", "in_progress") and positive.get(i):
            ev = [sents[k] for k in sorted(positive[i])]
            st_rows.append((status_features(ev, rank_of), 1 if status == "in_progress" else 0))
    return ev_rows, st_rows


def _logreg(rows, c: float = 1.0) -> dict | None:
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import StandardScaler

    X = [x for x, _ in rows]
    y = [v for _, v in rows]
    if len(set(y)) < 2:
        return None
    sc = StandardScaler().fit(X)
    clf = LogisticRegression(C=c, max_iter=2000, random_state=SEED, class_weight="balanced")
    clf.fit(sc.transform(X), y)
    return {"mean": [float(v) for v in sc.mean_], "scale": [float(v) for v in sc.scale_],
            "coef": [float(v) for v in clf.coef_[0]], "intercept": float(clf.intercept_[0]), "threshold": 0.5}


def _predict(pairs_: Sequence[Pair], model: dict | None, gold: bool = False) -> list[dict]:
    return [counts(link(p.plan, p.reports, tasks=gold_tasks(p) if gold else None, model=model), p.track)
            for p in pairs_]


_THRESHOLDS = (0.5, 0.6, 0.7, 0.8, 0.85, 0.9)
_RULE_GRID = [{"min_cos": a, "min_rel": b} for a in (0.06, 0.09, 0.12, 0.15, 0.2) for b in (0.4, 0.55, 0.7, 0.85)]


def _f1(per: list[dict]) -> float:
    return figures(per)["evidence"]["f1"]


def _objective(per: list[dict]) -> float:
    f = figures(per)
    return f["evidence"]["f1"] + f["status"]["acc"]


def fit_model(train: Sequence[Pair], inner: bool = True) -> dict:
    """The linker's weights from ``train`` (threshold by inner leave-one-pair-out when ``inner``)."""
    ev_rows, st_rows = [], []
    for p in train:
        # the extractor's plan tasks and the gold ones: the linker learns what evidence looks like for a task as
        # the gold words it, not only as this extractor happens to cut it (so a retrained tasks model, which cuts
        # the plans a little differently, does not move the linker's weights much)
        for tasks in (None, gold_tasks(p)):
            e, s = labelled(p, tasks)
            ev_rows += e
            st_rows += s
    model = {"evidence": _logreg(ev_rows), "status": _logreg(st_rows), "rule": dict(RULE)}
    if inner and len(train) > 2 and model["evidence"] is not None:
        inner_models = [(p, fit_model([q for q in train if q is not p], inner=False)) for p in train]
        best = max(_THRESHOLDS, key=lambda t: (_objective([counts(link(p.plan, p.reports, model=_with(m, t)), p.track)
                                                           for p, m in inner_models]), -abs(t - 0.5)))
        model["evidence"]["threshold"] = best
        # the status model also learns from the evidence it will meet: what the inner models chose for the
        # pair they did not see (gold evidence always holds the 下一步 repeat; chosen evidence may not)
        extra = [row for p, m in inner_models for row in predicted_status_rows(p, _with(m, best))]
        model["status"] = _logreg(st_rows + extra)
    return model


def predicted_status_rows(pair: Pair, model: dict) -> list:
    """Status rows ``(x, y)`` of the evidence ``model`` chooses for the pair's tasks that gold says were reported."""
    tasks, sents, picked = choose_evidence(pair.plan, pair.reports, model=model)
    rank_of = report_order(pair.reports)
    rows = []
    for i, j in greedy_pairs(tasks, pair.track, lambda a, b: jaccard(a.text, b["task_text"]), 0.5):
        status = pair.track[j].get("status")
        if status in ("done", "in_progress") and picked[i]:
            rows.append((status_features([sents[k] for k, _ in picked[i]], rank_of), int(status == "in_progress")))
    return rows


def _with(model: dict, threshold: float) -> dict:
    return {**model, "evidence": {**model["evidence"], "threshold": threshold}}


def fit_rules(train: Sequence[Pair]) -> dict:
    """The rules' thresholds tuned on ``train`` (evidence F1 plus status accuracy)."""
    best = max(_RULE_GRID, key=lambda r: (_objective(_predict(train, {"rule": r})), -r["min_cos"]))
    return {"rule": best}


def cross_validate(all_pairs: Sequence[Pair]) -> dict:
    """Leave-one-pair-out figures of the model and of the tuned rules (extractor tasks and gold tasks)."""
    out: dict = {"model": [], "rules": [], "model_gold_tasks": [], "rules_gold_tasks": [], "per_pair": {}}
    for p in all_pairs:
        rest = [q for q in all_pairs if q is not p]
        m, r = fit_model(rest), fit_rules(rest)
        cm, cr = _predict([p], m)[0], _predict([p], r)[0]
        out["model"].append(cm)
        out["rules"].append(cr)
        out["model_gold_tasks"].append(_predict([p], m, gold=True)[0])
        out["rules_gold_tasks"].append(_predict([p], r, gold=True)[0])
        out["per_pair"][p.group] = {"model": figures([cm]), "rules": figures([cr])}
    return {k: (figures(v) if isinstance(v, list) else v) for k, v in out.items()}


def fit(exs: list, cv: bool = True):
    all_pairs = pairs(exs)
    meta: dict = {"pairs": len(all_pairs), "features": list(PAIR_FEATURES), "status_features": list(STATUS_FEATURES)}
    if not all_pairs:  # no accountability gold: the rules as they are
        return {"rule": dict(RULE), "evidence": None, "status": None}, {**meta, "use": "rules", "rule": dict(RULE)}
    model = fit_model(all_pairs)
    model["rule"] = fit_rules(all_pairs)["rule"]
    meta["threshold"] = model["evidence"]["threshold"] if model["evidence"] else None
    meta["rule"] = model["rule"]
    if cv and len(all_pairs) >= 3:
        res = cross_validate(all_pairs)
        meta["cv"] = res
        score = {k: res[k]["evidence"]["f1"] + res[k]["status"]["acc"] for k in ("model", "rules")}
        meta["use"] = "model" if score["model"] > score["rules"] else "rules"
        for k in ("model", "rules", "model_gold_tasks", "rules_gold_tasks"):
            meta[f"cv_{k}_status_acc"] = res[k]["status"]["acc"]
            meta[f"cv_{k}_evidence_f1"] = res[k]["evidence"]["f1"]
    if meta.get("use") == "rules":  # the rules with the thresholds tuned on every pair
        model = {"rule": model["rule"], "evidence": None, "status": None}
    return model, meta


def card(meta: dict) -> str:
    lines = [f"# track: plan task ↔ report sentence, and status (SPEC §9)", "",
             f"Trained on {meta.get('pairs')} plan–report pairs (corpora/pairs/). Chosen by leave-one-pair-out "
             f"CV: **{meta.get('use', 'model')}**. Evidence threshold {meta.get('threshold')}; tuned rule "
             f"{meta.get('rule')}.", ""]
    cv = meta.get("cv")
    if cv:
        lines += ["| held out (leave one pair out) | status acc | evidence P | evidence R | evidence F1 |",
                  "|---|---|---|---|---|"]
        for k in ("model", "rules", "model_gold_tasks", "rules_gold_tasks"):
            f = cv[k]
            lines.append(f"| {k} | {f['status']['acc']:.3f} | {f['evidence']['p']:.3f} | {f['evidence']['r']:.3f}"
                         f" | {f['evidence']['f1']:.3f} |")
        lines += ["", "Per pair (model / rules, extractor tasks):", ""]
        for g, v in sorted(cv["per_pair"].items()):
            m, r = v["model"], v["rules"]
            lines.append(f"- {g}: status {m['status']['acc']:.3f} / {r['status']['acc']:.3f}, evidence F1 "
                         f"{m['evidence']['f1']:.3f} / {r['evidence']['f1']:.3f}")
    lines += ["", "Features: " + ", ".join(meta.get("features") or []) + "; status: "
              + ", ".join(meta.get("status_features") or []) + ".",
              "", "Limits: six pairs, written in one style by the annotators; the plan tasks' extractor was "
              "trained on corpora/ including these plans (the 'gold_tasks' rows show the linker alone)."]
    return "\n".join(lines) + "\n"
