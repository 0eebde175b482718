"""Linear models without scikit-learn at run time: the fitted weights of a pipeline, scored with NumPy.

Unpickling a scikit-learn pipeline imports scikit-learn and SciPy (about a second per process), more
than the clean and structure stages spend on a batch of long documents. Our models are linear:
feature functions of ours, character n-gram TF-IDF, ``DictVectorizer``, ``StandardScaler`` and a
``LogisticRegression``, joined by ``Pipeline`` and ``FeatureUnion``. :func:`compile_model` copies
what they learned (vocabularies, idf, means, scales, coefficients) into the small classes below,
which compute the same probabilities (checked in ``tests/test_linear.py`` on corpus inputs) with
NumPy only. :func:`pipeline.learn.save` writes this compiled form beside the estimator
(``NAME.light.pkl.gz``) and :func:`pipeline.learn.load` prefers it.
"""

from __future__ import annotations

import math
import re
import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from itertools import repeat
from operator import add, mul
from typing import Any

import numpy as np

Row = dict[int, float]  # a sparse feature row: column → value

_WHITE = re.compile(r"\s\s+")


# TF-IDF rows of the texts already seen inside a :func:`same_texts` block, per thread:
# ``_local.rows``: id(_Tfidf) -> text -> row (None outside a block)
_local = threading.local()


@contextmanager
def same_texts() -> Iterator[None]:
    """Inside the block, a TF-IDF step turns each distinct text into its row once and hands the same row out
    again (rows are read, never changed, downstream): for a caller that scores one document's items in several
    passes whose text fields stay the same (the metric category's second pass, which only adds the neighbours'
    categories), or many items that share a field (a section heading). The memo ends with the block, so nothing
    outlives the document."""
    outer = getattr(_local, "rows", None)
    _local.rows = {} if outer is None else outer
    try:
        yield
    finally:
        _local.rows = outer


# 1 + log(c) of the small counts (most grams occur once or twice in a field): the same doubles as math.log's
_SMALL = 64
_SUBLINEAR = [float("nan")] + [1.0 + math.log(c) for c in range(1, _SMALL)]


class _Func:
    def __init__(self, func, kw: dict | None):
        self.func, self.kw = func, kw or {}

    def __call__(self, X):
        return self.func(X, **self.kw)


class _Tfidf:
    """TfidfVectorizer.transform for character n-grams, or words from a tokenizer of ours."""

    def __init__(self, v):
        self.vocab: dict[str, int] = dict(v.vocabulary_)
        self.width = len(self.vocab)
        self.idf = np.asarray(v.idf_, dtype=np.float64) if v.use_idf else None
        self.analyzer, self.lowercase, self.tokenizer = v.analyzer, v.lowercase, v.tokenizer
        self.ngram_range, self.sublinear, self.norm = tuple(v.ngram_range), v.sublinear_tf, v.norm

    def _grams(self, text: str) -> list[str]:
        if self.lowercase:
            text = text.lower()
        if self.analyzer == "word":
            tokens = self.tokenizer(text)
            lo, hi = self.ngram_range
            if (lo, hi) == (1, 1):
                return list(tokens)
            return [" ".join(tokens[i:i + n]) for n in range(lo, hi + 1) for i in range(len(tokens) - n + 1)]
        text = _WHITE.sub(" ", text)
        lo, hi = self.ngram_range
        out = list(text) if lo == 1 else []
        size, piece = len(text), text.__getitem__
        for n in range(max(lo, 2), min(hi + 1, size + 1)):  # text[i:i + n] for every i, the slicing in C
            out.extend(map(piece, map(slice, range(size - n + 1), range(n, size + 1))))
        return out

    def _idf_floats(self) -> list[float] | None:
        """The idf as a list of Python floats (made once; models pickled before this method lack the attribute):
        ``c * idf[j]`` on a float is the same double as on a NumPy scalar, without NumPy's per-item cost."""
        try:
            return self._idf_list
        except AttributeError:
            self._idf_list = None if self.idf is None else self.idf.tolist()
            return self._idf_list

    def __call__(self, X) -> list[Row]:
        if self.norm not in ("l2", None):
            raise NotImplementedError(f"TF-IDF norm {self.norm!r}")
        idf, get, sublinear, l2 = self._idf_floats(), self.vocab.get, self.sublinear, self.norm == "l2"
        log = math.log
        table = getattr(_local, "rows", None)
        memo = None if table is None else table.get(id(self))
        if table is not None and memo is None:
            memo = table[id(self)] = {}
        rows = []
        for doc in X:
            if memo is not None:
                row = memo.get(doc)
                if row is not None:
                    rows.append(row)
                    continue
            # each gram counted in C, then its column: the vocabulary gives distinct grams distinct columns, so the
            # columns come in the order of their first gram, as a count per column would put them
            grams = Counter(self._grams(doc))
            if sublinear and idf is not None:
                counts = {j: (_SUBLINEAR[c] if c < _SMALL else 1.0 + log(c)) * idf[j] for g, c in grams.items()
                          if (j := get(g)) is not None}
            elif sublinear:
                counts = {j: _SUBLINEAR[c] if c < _SMALL else 1.0 + log(c) for g, c in grams.items()
                          if (j := get(g)) is not None}
            elif idf is not None:
                counts = {j: c * idf[j] for g, c in grams.items() if (j := get(g)) is not None}
            else:
                counts = {j: float(c) for g, c in grams.items() if (j := get(g)) is not None}
            if l2:
                values = counts.values()
                n = math.sqrt(sum(map(mul, values, values)))
                if n > 0:
                    counts = {j: c / n for j, c in counts.items()}
            rows.append(counts)
            if memo is not None:
                memo[doc] = counts
        return rows


class _Dict:
    """DictVectorizer.transform: numbers as values, strings as ``key=value`` indicator features."""

    def __init__(self, v):
        self.vocab: dict[str, int] = dict(v.vocabulary_)
        self.sep = v.separator
        self.width = len(self.vocab)

    def __call__(self, X) -> list[Row]:
        rows = []
        for d in X:
            row: Row = {}
            for k, v in d.items():
                if isinstance(v, str):
                    k, v = f"{k}{self.sep}{v}", 1.0
                j = self.vocab.get(k)
                if j is not None and v:
                    row[j] = row.get(j, 0.0) + float(v)
            rows.append(row)
        return rows


class _Scale:
    """StandardScaler.transform of dense rows (lists or arrays), or of sparse rows."""

    def __init__(self, s):
        self.mean = np.asarray(s.mean_, dtype=np.float64) if s.with_mean else None
        self.scale = np.asarray(s.scale_, dtype=np.float64) if s.with_std else None
        self.width = int(s.n_features_in_)

    def __call__(self, X) -> list[Row]:
        if isinstance(X, list) and X and isinstance(X[0], dict):
            X = [[r.get(j, 0.0) for j in range(self.width)] for r in X]
        A = np.asarray(X, dtype=np.float64).reshape(-1, self.width)
        if self.mean is not None:
            A = A - self.mean
        if self.scale is not None:
            A = A / self.scale
        return [{j: float(v) for j, v in enumerate(row) if v} for row in A]


class _Seq:
    def __init__(self, steps):
        self.steps = steps
        self.width = next((s.width for s in reversed(steps) if hasattr(s, "width")), None)

    def __call__(self, X):
        for s in self.steps:
            X = s(X)
        return X


class _Union:
    def __init__(self, parts, weights):
        self.parts, self.weights = parts, weights
        self.width = sum(p.width for p in parts)

    def __call__(self, X) -> list[Row]:
        out: list[Row] | None = None
        offset = 0
        for part, w in zip(self.parts, self.weights):
            rows = part(X)
            if out is None:
                out = [{} for _ in rows]
            for o, r in zip(out, rows):  # o[j + offset] = v * w for each (j, v) of r, in r's order, in C
                o.update(zip(map(add, r, repeat(offset)), map(mul, r.values(), repeat(w))))
            offset += part.width
        return out or []


class LinearModel:
    """A compiled pipeline ending in a LogisticRegression: ``predict_proba`` and ``predict`` as scikit-learn's."""

    def __init__(self, features, coef, intercept, classes):
        self.features = features
        self.coef = np.asarray(coef, dtype=np.float64)
        self.intercept = np.asarray(intercept, dtype=np.float64)
        self.classes_ = np.asarray(classes)

    def decision_function(self, X) -> np.ndarray:
        rows = self.features(X) if self.features is not None else X
        out = np.empty((len(rows), self.coef.shape[0]))
        for i, r in enumerate(rows):
            if r:
                cols = np.fromiter(r.keys(), dtype=np.int64, count=len(r))
                vals = np.fromiter(r.values(), dtype=np.float64, count=len(r))
                out[i] = self.coef[:, cols] @ vals
            else:
                out[i] = 0.0
        return out + self.intercept

    def predict_proba(self, X) -> np.ndarray:
        z = self.decision_function(X)
        if z.shape[1] == 1:
            p = 1.0 / (1.0 + np.exp(-z[:, 0]))
            return np.column_stack([1.0 - p, p])
        z = z - z.max(axis=1, keepdims=True)
        e = np.exp(z)
        return e / e.sum(axis=1, keepdims=True)

    def predict(self, X) -> np.ndarray:
        return self.classes_[np.argmax(self.predict_proba(X), axis=1)]


def _compile_step(step) -> Any:
    name = type(step).__name__
    if name == "Pipeline":
        return _Seq([_compile_step(s) for _, s in step.steps])
    if name == "FeatureUnion":
        weights = step.transformer_weights or {}
        return _Union([_compile_step(s) for _, s in step.transformer_list],
                      [float(weights.get(n, 1.0)) for n, _ in step.transformer_list])
    if name == "FunctionTransformer":
        if step.func is None:
            raise NotImplementedError("FunctionTransformer without func")
        return _Func(step.func, step.kw_args)
    if name == "TfidfVectorizer":
        if step.analyzer not in ("char", "word") or step.binary or step.strip_accents or step.preprocessor \
                or step.stop_words or (step.analyzer == "word" and step.tokenizer is None):
            raise NotImplementedError("TfidfVectorizer settings")
        return _Tfidf(step)
    if name == "DictVectorizer":
        return _Dict(step)
    if name == "StandardScaler":
        return _Scale(step)
    raise NotImplementedError(name)


def compile_model(est: Any) -> Any:
    """The NumPy form of ``est``: a Pipeline ending in LogisticRegression, or a dict holding such pipelines
    (other values kept). Raises NotImplementedError for anything else."""
    if isinstance(est, dict):
        out = {}
        for k, v in est.items():
            out[k] = compile_model(v) if type(v).__name__ in ("Pipeline", "LogisticRegression") or \
                isinstance(v, dict) else v
        return out
    name = type(est).__name__
    if name == "LogisticRegression":
        return LinearModel(None, est.coef_, est.intercept_, est.classes_)
    if name != "Pipeline" or type(est.steps[-1][1]).__name__ != "LogisticRegression":
        raise NotImplementedError(name)
    clf = est.steps[-1][1]
    feats = _Seq([_compile_step(s) for _, s in est.steps[:-1]])
    return LinearModel(feats, clf.coef_, clf.intercept_, clf.classes_)
