"""Scoring a binary ``DictVectorizer`` → ``LogisticRegression`` model straight from feature dicts.

The compiled models (:mod:`pipeline.learn.linear`) turn every feature dict into a sparse row
(``key → column``), then take one NumPy product per row. For the task and subject choosers, whose
feature dicts have about a hundred keys and whose candidates number in the thousands per corpus,
that bookkeeping costs more than the features. Here the weights are looked up by feature name:
``z = intercept + Σ weight[key] · value``, and ``P(1) = 1 / (1 + exp(−z))`` as scikit-learn's.

The sums are the same sums in another order, so probabilities agree to the last bits (the order of
a feature dict's keys already varies between processes: its bigram sets iterate in hash order).
Models of any other shape (an uncompiled scikit-learn pipeline, a union of vectorisers) are scored
by their own ``predict_proba``.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import repeat
from operator import mul
from typing import Any

# id(model) -> (model, feature name -> weight or None when the model has another shape, intercept, separator)
_weights: dict[int, tuple[Any, dict[str, float] | None, float, str]] = {}


def _dict_weights(model: Any) -> tuple[dict[str, float], float, str] | None:
    """``(feature name → weight, intercept, separator)`` of a compiled binary DictVectorizer → LR model, else None."""
    hit = _weights.get(id(model))
    if hit is None or hit[0] is not model:
        from .linear import LinearModel, _Dict, _Seq

        hit = (model, None, 0.0, "=")
        if isinstance(model, LinearModel) and model.coef.shape[0] == 1:
            steps = model.features.steps if isinstance(model.features, _Seq) else [model.features]
            if len(steps) == 1 and isinstance(steps[0], _Dict):
                vec, row = steps[0], model.coef[0].tolist()
                hit = (model, {name: row[j] for name, j in vec.vocab.items()}, float(model.intercept[0]), vec.sep)
        _weights[id(model)] = hit
    return None if hit[1] is None else hit[1:]


def proba(model: Any, rows: Sequence[dict]) -> list[float]:
    """P(class 1) of each feature dict of ``rows`` under ``model`` (fast path for compiled dict models)."""
    if not rows:
        return []
    fast = _dict_weights(model)
    if fast is None:
        return [float(p) for p in model.predict_proba(list(rows))[:, 1]]
    import numpy as np

    weights, intercept, sep = fast
    get = weights.get
    z = []
    for f in rows:
        try:  # numeric values (the usual case): one pass in C
            z.append(sum(map(mul, map(get, f, repeat(0.0)), f.values())))
        except TypeError:  # a string value: ``key=value`` is the feature
            s = 0.0
            for k, v in f.items():
                if isinstance(v, str):
                    s += get(f"{k}{sep}{v}", 0.0)
                elif v:
                    s += get(k, 0.0) * v
            z.append(s)
    zs = np.asarray(z, dtype=np.float64) + intercept
    return list(1.0 / (1.0 + np.exp(-zs)))
