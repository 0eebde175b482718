"""SPEC §7 matching: which predicted task, unit, deadline and metric answers which gold one.

Normalisation, character-bigram Jaccard and the greedy one-to-one pairing live in
:mod:`pipeline.learn.match` (training labels candidates with them too); this module
adds the per-field rules on top of them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

from ..learn.match import bigrams, greedy_pairs, jaccard, norm  # noqa: F401 - re-exported

TASK_THRESHOLD = 0.5  # bigram Jaccard of task texts
MASKED_METRIC_THRESHOLD = 0.5  # bigram Jaccard of subjects (or raws) of two masked metrics
SUBJECT_THRESHOLD = 0.5  # a matched metric's subject is right at this Jaccard


def _round2(v: Any) -> float | None:
    """A number rounded to two decimals (SPEC §7); None when it is not a number."""
    if v is None:
        return None
    try:
        return round(float(v), 2)
    except (TypeError, ValueError):
        return None


def task_similarity(p: dict, g: dict) -> float:
    return jaccard(p.get("text") or "", g.get("text") or "")


def match_tasks(preds: Sequence[dict], golds: Sequence[dict]) -> list[tuple[int, int]]:
    """Tasks pair when their texts' bigram Jaccard is ≥ 0.5; a merged prediction matches one gold task."""
    return greedy_pairs(preds, golds, task_similarity, TASK_THRESHOLD)


def _unit_name(u: Any) -> str | None:
    return u.get("name") if isinstance(u, dict) else u


def units_match(pred: Any, gold: Any) -> bool:
    """Equal names, or the prediction's canonical is the gold name (both normalised)."""
    gold_name = norm(_unit_name(gold))
    if norm(_unit_name(pred)) == gold_name:
        return True
    canonical = pred.get("canonical") if isinstance(pred, dict) else None
    return bool(canonical) and norm(canonical) == gold_name


def match_units(preds: Sequence[Any], golds: Sequence[Any]) -> list[tuple[int, int]]:
    """Each gold unit, in order, takes the first unused predicted unit that matches it."""
    used: set[int] = set()
    pairs = []
    for j, g in enumerate(golds):
        for i, p in enumerate(preds):
            if i not in used and units_match(p, g):
                used.add(i)
                pairs.append((i, j))
                break
    return pairs


def deadline_key(d: dict) -> tuple:
    """What must be equal for two deadlines to match (``raw`` is not compared)."""
    kind = d.get("kind")
    if d.get("masked"):
        return (kind, "masked")
    if kind == "by_date":
        return (kind, d.get("date"))
    if kind == "range":
        return (kind, d.get("start"), d.get("end"))
    if kind == "recurring":
        return (kind, d.get("freq"), d.get("min_count"))
    return (kind,)


def match_deadlines(preds: Sequence[dict], golds: Sequence[dict]) -> tuple[list[int], list[int]]:
    """Deadlines match as multisets of :func:`deadline_key`: the (pred, gold) indices left unmatched."""
    common = Counter(deadline_key(d) for d in preds) & Counter(deadline_key(d) for d in golds)

    def leftovers(items):
        budget = Counter(common)
        out = []
        for i, d in enumerate(items):
            k = deadline_key(d)
            if budget[k]:
                budget[k] -= 1
            else:
                out.append(i)
        return out

    return leftovers(preds), leftovers(golds)


def metric_similarity(p: dict, g: dict) -> float:
    """0 unless ``unit`` and ``value`` agree (masked: both masked and subject or raw Jaccard ≥ 0.5).

    Equal values score 1 + the Jaccard of the subjects, so that where one value occurs twice the
    pair whose subjects agree is taken first.
    """
    if norm(p.get("unit")) != norm(g.get("unit")):
        return 0.0
    if p.get("masked") or g.get("masked"):
        if not (p.get("masked") and g.get("masked")):
            return 0.0
        j = max(jaccard(p.get("subject") or "", g.get("subject") or ""),
                jaccard(p.get("raw") or "", g.get("raw") or ""))
        return j if j >= MASKED_METRIC_THRESHOLD else 0.0
    value = _round2(g.get("value"))
    if value is None or _round2(p.get("value")) != value:
        return 0.0
    return 1.0 + jaccard((p.get("subject") or "") + (p.get("raw") or ""), g.get("subject") or "")


def match_metrics(preds: Sequence[dict], golds: Sequence[dict]) -> list[tuple[int, int]]:
    return greedy_pairs(preds, golds, metric_similarity, MASKED_METRIC_THRESHOLD)
