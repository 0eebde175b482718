"""Diagnostics beside the SPEC §7 figures: unit canonicalisation and the metric category methods."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from .matching import norm
from .scores import Acc, FormatScore

CATEGORY_METHODS = ("rules", "model")
CONTEXT_WIDTH = 60  # characters either side of a metric's span searched for its sentence


# -- unit canonicalisation (issue 4) -------------------------------------------------------------------------------

@dataclass
class CanonicalScore:
    """How the predicted ``canonical`` of matched units compares with the gold ``canonical``.

    ``names`` counts the distinct written names (gold ``name``, per document) of matched units whose gold
    unit has a canonical; a name is right when every prediction of it carries the gold canonical. A wrong
    merge is two different gold canonicals that the predictions give one canonical name, in one document.
    """

    names: int = 0
    right: int = 0
    wrong_names: list[tuple[str, str, str | None, str]] = field(default_factory=list)  # doc, name, pred, gold
    merges: list[tuple[str, str, list[str]]] = field(default_factory=list)  # doc, pred canonical, gold canonicals

    @property
    def share(self) -> float | None:
        return self.right / self.names if self.names else None

    @property
    def wrong_merges(self) -> int:
        return sum(len(golds) * (len(golds) - 1) // 2 for _, _, golds in self.merges)

    def to_json(self) -> dict[str, Any]:
        return {"names": self.names, "right": self.right,
                "share": None if self.share is None else round(self.share, 4),
                "wrong_merges": self.wrong_merges if self.names else None,
                "merges": [{"document": d, "canonical": c, "gold": g} for d, c, g in self.merges],
                "wrong_names": [{"document": d, "name": n, "canonical": c, "gold": g}
                                for d, n, c, g in self.wrong_names]}


def score_canonicals(fs: FormatScore) -> CanonicalScore:
    out = CanonicalScore()
    for d in fs.docs:
        by_name: dict[str, list[tuple[dict, dict]]] = defaultdict(list)
        gold_by_pred: dict[str, dict[str, str]] = defaultdict(dict)  # pred canonical → {normed gold: gold}
        for pu, gu in d.unit_pairs:
            if not gu.get("canonical"):
                continue
            by_name[norm(gu.get("name"))].append((pu, gu))
            if pu.get("canonical"):
                gold_by_pred[norm(pu["canonical"])].setdefault(norm(gu["canonical"]), gu["canonical"])
        for pairs in by_name.values():
            out.names += 1
            wrong = [(pu, gu) for pu, gu in pairs if norm(pu.get("canonical")) != norm(gu["canonical"])]
            if wrong:
                pu, gu = wrong[0]
                out.wrong_names.append((d.name, gu.get("name"), pu.get("canonical"), gu["canonical"]))
            else:
                out.right += 1
        for pred_can, golds in gold_by_pred.items():
            if len(golds) > 1:
                shown = next(pu["canonical"] for pu, _ in d.unit_pairs if norm(pu.get("canonical")) == pred_can)
                out.merges.append((d.name, shown, sorted(golds.values())))
    return out


# -- metric category methods ---------------------------------------------------------------------------------------

@dataclass
class CategoryMethods:
    """Category accuracy of ``pipeline.extraction.category.predict_category`` per method, on matched metric pairs."""

    available: bool
    note: str = ""
    default: str | None = None
    acc: dict[str, Acc] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {"available": self.available, "note": self.note, "default": self.default,
                "methods": {m: a.row() for m, a in self.acc.items()}, "errors": self.errors}


def metric_context(text: str, span: Sequence[int] | None, width: int = CONTEXT_WIDTH) -> str:
    """The sentence around a span: out to the nearest 。；;！？! or line break, at most ``width`` either side."""
    if not span or not text:
        return ""
    s, e = max(0, int(span[0])), min(len(text), int(span[1]))
    lo, hi = max(0, s - width), min(len(text), e + width)
    stops = "。；;！？!?\n"
    before = max((text.rfind(c, lo, s) for c in stops), default=-1)
    start = before + 1 if before >= 0 else lo
    ends = [i for i in (text.find(c, e, hi) for c in stops) if i >= 0]
    end = min(ends) + 1 if ends else hi
    return text[start:end]


def _category_module():
    """The module and "" when it offers ``predict_category``; else None and why not."""
    import importlib
    import importlib.util

    try:
        if importlib.util.find_spec("pipeline.extraction.category") is None:
            return None, "pipeline.extraction.category does not exist yet"
        mod = importlib.import_module("pipeline.extraction.category")
    except Exception as e:  # being written: report, do not fail the evaluation
        return None, f"pipeline.extraction.category cannot be imported ({type(e).__name__}: {e})"
    if not callable(getattr(mod, "predict_category", None)):
        default = _default_method(mod)
        return None, ("pipeline.extraction.category has no predict_category(subject, context, method) yet"
                      + (f"; its default method is {default!r}" if default else ""))
    return mod, ""


def _default_method(mod) -> str | None:
    """The method the module uses by default: a DEFAULT_METHOD constant, a ``method()`` function, or
    the default of ``predict_category``'s ``method`` parameter."""
    import inspect

    for attr in ("DEFAULT_METHOD", "DEFAULT"):
        v = getattr(mod, attr, None)
        if isinstance(v, str) and v in CATEGORY_METHODS:
            return v
    if callable(getattr(mod, "method", None)):
        try:
            v = mod.method()
        except Exception:
            v = None
        if v in CATEGORY_METHODS:
            return v
    try:
        param = inspect.signature(mod.predict_category).parameters.get("method")
    except (AttributeError, TypeError, ValueError):
        return None
    if param is not None and param.default in CATEGORY_METHODS:
        return param.default
    return None


def _context(mod, text: str, span: Sequence[int] | None) -> str:
    """The text around a metric's span, as the module cuts it (``context_of``) when it says how."""
    if span and text and callable(getattr(mod, "context_of", None)):
        return mod.context_of(text, int(span[0]), int(span[1]))
    return metric_context(text, span)


def score_category_methods(fs: FormatScore) -> CategoryMethods:
    mod, why = _category_module()
    if mod is None:
        return CategoryMethods(False, why)
    out = CategoryMethods(True, default=_default_method(mod))
    pairs = [(d, p, g) for d in fs.docs for p, g in d.metric_pairs]
    for method in CATEGORY_METHODS:
        acc = out.acc[method] = Acc()
        try:
            for d, p, g in pairs:
                got = mod.predict_category(p.get("subject") or "", _context(mod, d.text, p.get("span")), method)
                acc.add(got == g.get("category"))
        except Exception as e:
            out.errors[method] = f"{type(e).__name__}: {e}"
            out.acc[method] = Acc()
    if not pairs:
        out.note = "no matched metric pairs to judge yet"
    return out
