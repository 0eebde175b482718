"""``taskdb eval CORPUS --cv K``: held-out figures by cross-validation grouped by source.

The gold documents of the corpus are cut into K folds (:func:`folds`): a source group
(:attr:`pipeline.train.GoldDoc.group`: a document with its renditions, a plan with its
reports, the documents of one site) is always on one side. For each fold, every model is
trained (:func:`pipeline.train.train_all`) on the other K−1 folds into a temporary folder;
inside :func:`pipeline.learn.use_models` of that folder the held-out fold's .txt documents
are extracted once and scored (SPEC §7). Counts are pooled over the folds (micro-average),
so the totals are those of one corpus every document of which was scored by models that
never saw it. Without any trainer the rules alone are scored, fold by fold.

Renditions (.docx .pdf .html) are the same documents: they are not cross-validated.
"""

from __future__ import annotations

import tempfile
import time
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..train import GoldDoc
from .corpus import extract_records, gold_docs
from .scores import FormatScore, breakdown_json, score_document


def _majority(labels: list[str]) -> str:
    counts = Counter(labels)
    top = max(counts.values())
    return min(label for label, n in counts.items() if n == top)


def check_folds(docs: list[GoldDoc], k: int) -> None:
    """Raises ValueError unless ``docs`` can be cut into ``k`` ≥ 2 folds of whole groups."""
    if k < 2:
        raise ValueError(f"--cv needs at least 2 folds; got {k}")
    n = len({d.group for d in docs})
    if n < k:
        raise ValueError(f"{k} folds need at least {k} source groups; the corpus has {n}")


def folds(docs: list[GoldDoc], k: int, strata: Mapping[str, str] | None = None) -> list[list[GoldDoc]]:
    """``k`` folds of ``docs``, whole groups each, deterministic, each fold sorted by name.

    Groups are dealt out largest first; each goes to the fold with the fewest documents of its
    stratum (``strata``: document name → label, here the gold doc_type, so that every genre is
    spread over the folds), then the fewest documents, then the lowest index. Like scikit-learn's
    ``StratifiedGroupKFold`` without the shuffle.

    Raises:
        ValueError: ``k`` < 2, or fewer groups than folds.
    """
    check_folds(docs, k)
    groups: dict[str, list[GoldDoc]] = {}
    for d in sorted(docs, key=lambda d: d.name):
        groups.setdefault(d.group, []).append(d)
    strata = strata or {}
    label = {g: _majority([strata.get(d.name, "") for d in members]) for g, members in groups.items()}
    order = sorted(groups, key=lambda g: (-len(groups[g]), label[g], g))
    out: list[list[GoldDoc]] = [[] for _ in range(k)]
    per_stratum: list[Counter] = [Counter() for _ in range(k)]
    for g in order:
        i = min(range(k), key=lambda f: (per_stratum[f][label[g]], len(out[f]), f))
        out[i].extend(groups[g])
        per_stratum[i][label[g]] += len(groups[g])
    return [sorted(f, key=lambda d: d.name) for f in out]


def splits(docs: list[GoldDoc], k: int, strata: Mapping[str, str] | None = None
           ) -> list[tuple[list[GoldDoc], list[GoldDoc]]]:
    """``(train, held out)`` per fold: the training list is every document outside the fold."""
    out = []
    for held in folds(docs, k, strata):
        names = {d.name for d in held}
        out.append(([d for d in sorted(docs, key=lambda d: d.name) if d.name not in names], held))
    return out


@dataclass
class Fold:
    """One fold: what was held out, what the models were trained on, and which models."""

    index: int  # 1-based
    held_out: list[str]
    trained_on: list[str]
    models: dict[str, dict] = field(default_factory=dict)  # name → meta (as saved in NAME.json)
    seconds: float = 0.0

    def to_json(self) -> dict[str, Any]:
        def brief(meta: dict) -> dict:
            return {k: v for k, v in sorted(meta.items()) if k.startswith("cv_") or k in ("documents", "examples")}

        return {"fold": self.index, "held_out": self.held_out, "trained_on": len(self.trained_on),
                "models": {name: brief(meta) for name, meta in self.models.items()},
                "seconds": round(self.seconds, 2)}


@dataclass
class CVReport:
    corpus: str
    k: int
    trainers: list[str]  # the trainers that exist (none: the rules alone were scored)
    folds: list[Fold]
    scores: FormatScore  # every document, scored by the models of the fold that held it out
    groups: int
    seconds: float

    def fold_of(self, name: str) -> Fold:
        return next(f for f in self.folds if name in f.held_out)

    def to_json(self) -> dict[str, Any]:
        per_doc = self.scores.to_json()
        return {
            "corpus": self.corpus, "cv": self.k, "formats": ["txt"], "groups": self.groups,
            "trainers": self.trainers,
            "folds": [f.to_json() for f in self.folds],
            "totals": self.scores.totals(),
            "documents": per_doc["documents"],
            "breakdown": breakdown_json(self.scores),
            "per_doc": {name: {"fold": self.fold_of(name).index, **row} for name, row in per_doc["per_doc"].items()},
            "seconds": round(self.seconds, 2),
        }


def cross_validate(corpus_dir: str | Path, k: int, *, trainers: list[str] | None = None,
                   train_fn: Callable[[list[GoldDoc], Path], dict[str, dict]] | None = None,
                   progress: Callable[[str], None] | None = None) -> CVReport:
    """Train on K−1 folds, extract and score the held-out fold, for each fold; counts pooled.

    ``trainers`` defaults to :func:`pipeline.train.available`; ``train_fn(docs, out_dir)`` to
    :func:`pipeline.train.train_all` (tests pass their own to watch what each fold trains on).
    """
    from ..learn import use_models
    from ..train import available, train_all

    t0 = time.perf_counter()
    gold = gold_docs(corpus_dir)
    golds = {g.name: g.load() for g in gold}
    strata = {name: g.get("doc_type") or "—" for name, g in golds.items()}
    trainers = available() if trainers is None else list(trainers)
    train_fn = train_fn or (lambda docs, out: train_all(docs, out, tuple(trainers)))
    scored = []
    fold_info = []
    with tempfile.TemporaryDirectory(prefix="taskdb-cv-") as tmp:
        for i, (train, held) in enumerate(splits(gold, k, strata), 1):
            t1 = time.perf_counter()
            train_dir, model_dir = Path(tmp) / f"train{i}", Path(tmp) / f"fold{i}"
            train_dir.mkdir()
            metas = train_fn(train, train_dir) if trainers else {}
            # extracted from a folder of another name: a stage that cached what it found in the folder
            # while training ran (a model not trained yet) starts afresh
            train_dir.rename(model_dir)
            with use_models(model_dir):
                records = extract_records([g.txt for g in held if g.txt.exists()])
            scored += [score_document(g.name, golds[g.name], records.get(g.txt)) for g in held]
            fold = Fold(i, [g.name for g in held], [g.name for g in train], metas or {}, time.perf_counter() - t1)
            fold_info.append(fold)
            if progress:
                progress(f"fold {i}/{k}: {len(held)} held out, models trained on {len(train)} "
                         f"({', '.join(fold.models) or 'none: rules alone'}), {fold.seconds:.1f} s")
    scored.sort(key=lambda d: d.name)
    return CVReport(str(corpus_dir), k, trainers, fold_info, FormatScore(scored),
                    len({g.group for g in gold}), time.perf_counter() - t0)
