"""Scoring ``track`` output as ``tools/score_track.py`` does (SPEC §9): plan tasks paired with gold tasks
by character-bigram Jaccard >= 0.5, status accuracy over the pairs, evidence P/R/F1 by sentence."""

from __future__ import annotations

from collections.abc import Sequence

from ..match import greedy_pairs, jaccard


def ev_text(e) -> str:
    return e.get("text", "") if isinstance(e, dict) else str(e)


def counts(pred: Sequence[dict], gold: Sequence[dict]) -> dict[str, int]:
    """The raw counts of one plan (pooled over plans by :func:`figures`)."""
    pairs = greedy_pairs(pred, gold, lambda a, b: jaccard(a.get("task_text", ""), b.get("task_text", "")), 0.5)
    c = {"t_tp": len(pairs), "t_np": len(pred), "t_ng": len(gold), "st_ok": 0, "st_n": 0,
         "e_tp": 0, "e_np": 0, "e_ng": 0}
    for i, j in pairs:
        p, g = pred[i], gold[j]
        c["st_n"] += 1
        c["st_ok"] += p.get("status") == g.get("status")
        pe = [ev_text(e) for e in p.get("evidence") or []]
        ge = [ev_text(e) for e in g.get("evidence") or []]
        ep = greedy_pairs(pe, ge, jaccard, 0.5)
        c["e_tp"] += len(ep)
        c["e_np"] += len(pe)
        c["e_ng"] += len(ge)
    return c


def _prf(tp: int, np_: int, ng: int) -> dict[str, float]:
    p = tp / np_ if np_ else 0.0
    r = tp / ng if ng else 0.0
    return {"p": round(p, 4), "r": round(r, 4), "f1": round(2 * p * r / (p + r), 4) if p + r else 0.0}


def figures(per_plan: Sequence[dict[str, int]]) -> dict:
    """Pooled figures, in ``score_track.py``'s shape."""
    tot: dict[str, int] = {}
    for c in per_plan:
        for k, v in c.items():
            tot[k] = tot.get(k, 0) + v
    g = tot.get
    return {"pairs": len(per_plan), "tasks": _prf(g("t_tp", 0), g("t_np", 0), g("t_ng", 0)),
            "status": {"acc": round(g("st_ok", 0) / g("st_n", 1), 4) if g("st_n") else 0.0, "n": g("st_n", 0)},
            "evidence": _prf(g("e_tp", 0), g("e_np", 0), g("e_ng", 0))}
