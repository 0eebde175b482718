"""The category of a metric (SPEC §6): the cue-word rules, or the trained model where it scored better.

The rules, the features and the trainer live in :mod:`pipeline.learn.category` (training code does
not belong to a stage); this module decides which of the two the extractor uses. ``taskdb train
corpora/ --only category`` writes ``models/metric_category.{joblib,json,md}``; the ``.json`` records
which method scored better under cross-validation grouped by source (``"use"``). Without the model,
or when the rules won, :func:`classify` uses the rules.
"""

from __future__ import annotations

import logging

from ..learn import category as _learned
from ..learn import chosen
from ..learn.category import CATEGORIES, CONTEXT_CHARS, context_of, has_cue, heading_path, heading_paths, neighbours, rule_category

__all__ = ["CATEGORIES", "CONTEXT_CHARS", "classify", "context_of", "has_cue", "classify_many", "heading_path", "heading_paths", "method", "neighbours",
           "predict_category", "rule_category"]

_log = logging.getLogger(__name__)
MODEL_NAME = _learned.NAME


def method() -> str:
    """``"model"`` or ``"rules"``: what :func:`classify` uses (the cross-validated winner)."""
    return "model" if chosen(MODEL_NAME) is not None else "rules"


def _model():
    return chosen(MODEL_NAME)


def classify(subject: str, context: str = "", unit: str | None = None) -> str:
    """The category of one metric, by the method that scored better in cross-validation."""
    return predict_category(subject, context, method(), unit)


def classify_many(items: list[tuple[str, str, str | None]],
                  links: list[tuple[int | None, int | None]] | None = None,
                  headings: list[tuple[str, ...]] | None = None, doc_type: str | None = None,
                  raws: list[str] | None = None) -> list[str]:
    """The categories of a document's metrics ``(subject, context, unit)``, in text order.

    ``links`` (:func:`neighbours` of their spans) name each metric's neighbours in its sentence: the
    model classifies twice, the second time seeing the neighbours' first answers (an enumeration's
    metrics tend to share a category). ``headings`` holds each metric's :func:`heading_path`, ``doc_type``
    the document's, ``raws`` each metric's ``raw``. The rules ignore all four.
    """
    model = _model()
    if model is None or not items:
        return [rule_category(s, c, u) for s, c, u in items]
    return _learned.predict_many(model, items, links, headings, doc_type, raws)


def predict_category(subject: str, context: str, method: str, unit: str | None = None) -> str:
    """The category by one named method, ``"rules"`` or ``"model"`` (``taskdb eval`` reports both)."""
    if method == "model":
        model = _model()
        if model is None:
            raise FileNotFoundError(f"no {MODEL_NAME} model: train it with `taskdb train corpora/ --only category`")
        return _learned.predict(model, subject, context, unit)
    if method == "rules":
        return rule_category(subject, context, unit)
    raise ValueError(f"The 'method' option of predict_category must be one of {{'rules', 'model'}}. Got {method!r} instead.")
