"""The train path: ``taskdb train CORPUS`` rebuilds every model of ``models/`` from the gold files.

A *trainer* is a module of :mod:`pipeline.learn` with

- ``NAME``: the model's name (``models/NAME.joblib``, ``.json``, ``.md``);
- ``STAGE``: the stage a document is run until before its examples are taken
  (``"read"``, ``"clean"``, ``"structure"`` or ``"extract"``);
- ``examples(doc, gold, group) -> list``: the labelled examples of one document
  (``doc`` the Document after ``STAGE``, ``gold`` its gold record, ``group`` its
  source group, to be carried by each example for grouped cross-validation);
- ``fit(examples) -> (estimator, meta)``: a fitted estimator and what the card
  should say (``meta`` is saved as ``NAME.json``; it should hold held-out scores
  measured by grouped cross-validation over ``examples``);
- ``card(meta) -> str``: the model card (Markdown).

Trainers run in :data:`TRAINERS` order, each over documents processed with the
models trained before it (the task model sees the doc_type model's decisions),
so that training sees what extraction will see. Everything is sorted and seeded:
the same gold files give the same models.
"""

from __future__ import annotations

import importlib
import importlib.util
import json
import logging
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

from .learn import use_models

_log = logging.getLogger(__name__)

# the order matters: a trainer's documents are processed with the models trained before it (the category
# model learns from the subjects the subject model chooses, as it will meet them)
TRAINERS = ("boilerplate", "doctype", "tasks", "units", "subject", "category", "track")


@dataclass(frozen=True)
class GoldDoc:
    """A gold file with the text it annotates."""

    name: str  # path relative to the corpus folder, without ``.gold.json``
    gold_path: Path

    @property
    def txt(self) -> Path:
        return self.gold_path.with_name(self.gold_path.name[: -len(".gold.json")] + ".txt")

    def path(self, fmt: str) -> Path:
        return self.gold_path.with_name(self.gold_path.name[: -len(".gold.json")] + "." + fmt)

    def load(self) -> dict:
        return json.loads(self.gold_path.read_text("utf-8"))

    @property
    def group(self) -> str:
        """The source group: documents of one group never sit on both sides of a cross-validation split.

        A document's renditions share its gold file, so they are one document here. The documents of
        one folder under ``pairs/`` (a plan and its reports) are one group; elsewhere a document is
        its own group unless ``groups.tsv`` in its folder (``stem<TAB>group``) says otherwise
        (documents copied from one site).
        """
        parts = self.name.split("/")
        if len(parts) >= 3 and parts[0] == "pairs":
            return "/".join(parts[:2])
        stem = parts[-1]
        table = _groups_table(self.gold_path.parent)
        return table.get(stem, self.name)


def _groups_table(folder: Path) -> dict[str, str]:
    f = folder / "groups.tsv"
    if not f.exists():
        return {}
    out = {}
    for line in f.read_text("utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            stem, group = line.split("\t")[:2]
            out[stem.strip()] = f"{folder.name}/{group.strip()}"
    return out


def find_gold(corpus_dir: str | Path) -> list[GoldDoc]:
    """Every ``NAME.gold.json`` under ``corpus_dir`` (recursively), sorted by path."""
    root = Path(corpus_dir)
    if not root.is_dir():
        raise FileNotFoundError(f"{corpus_dir}: no such folder")
    return [GoldDoc(p.relative_to(root).as_posix()[: -len(".gold.json")], p)
            for p in sorted(root.rglob("*.gold.json"))]


def trainer(name: str) -> ModuleType:
    return importlib.import_module(f"pipeline.learn.{name}")


def available(names: tuple[str, ...] = TRAINERS) -> list[str]:
    """The trainers of :data:`TRAINERS` that exist (a trainer is a module of :mod:`pipeline.learn`)."""
    return [n for n in names if importlib.util.find_spec(f"pipeline.learn.{n}") is not None]


def collect(mod: ModuleType, docs: list[GoldDoc]) -> list:
    """The labelled examples of every document for one trainer (documents that cannot be read are skipped)."""
    from .run import extract

    out: list = []
    for g in docs:
        if not g.txt.exists():
            continue
        try:
            doc = extract(g.txt, until=mod.STAGE)
        except Exception as e:  # noqa: BLE001 - a document the pipeline cannot read gives no examples
            _log.warning("%s: skipped for %s (%s)", g.name, mod.NAME, e)
            continue
        out.extend(mod.examples(doc, g.load(), g.group))
    return out


def folds(docs: list[GoldDoc], k: int) -> list[list[GoldDoc]]:
    """``docs`` in ``k`` folds, a source group never split (GroupKFold: sizes balanced, deterministic)."""
    from sklearn.model_selection import GroupKFold

    groups = [g.group for g in docs]
    k = max(2, min(k, len(set(groups))))
    return [[docs[i] for i in test] for _, test in GroupKFold(n_splits=k).split(docs, groups=groups)]


def collect_out_of_fold(mod: ModuleType, docs: list[GoldDoc], upstream: tuple[str, ...], k: int = 5) -> list:
    """The examples of ``mod`` with each document processed by upstream models that never saw it.

    A model trained after another (tasks after doctype) learns from the upstream model's decisions;
    on its own training documents those are near-certain, on new documents they are not. Training
    the upstream models on the other folds gives the downstream model the decisions it will meet.
    """
    import tempfile

    import shutil

    from .learn import models_dir

    here = models_dir()  # the models trained so far in this run
    retrain = tuple(getattr(mod, "OUT_OF_FOLD_UPSTREAM", upstream))
    out: list = []
    for fold in folds(docs, k):
        held = {g.name for g in fold}
        with tempfile.TemporaryDirectory(prefix="taskdb-oof-") as tmp:
            for name in upstream:  # the upstream models whose decisions are not features: as trained
                if name not in retrain:
                    for f in here.glob(f"{trainer(name).NAME}.*"):
                        shutil.copy(f, tmp)
            train_all([g for g in docs if g.name not in held], tmp, retrain, cv=False)
            with use_models(tmp):
                out.extend(collect(mod, fold))
    return out


def _fit(mod: ModuleType, examples: list, cv: bool):
    """``mod.fit``; without ``cv`` a trainer that can skip its own cross-validation does (``fit(examples, cv=False)``)."""
    import inspect

    if not cv and "cv" in inspect.signature(mod.fit).parameters:
        return mod.fit(examples, cv=False)
    return mod.fit(examples)


def train_all(docs: list[GoldDoc], out_dir: str | Path, names: tuple[str, ...] | None = None,
              cv: bool = True) -> dict[str, dict]:
    """Fit every trainer (in :data:`TRAINERS` order) on ``docs`` and save the models into ``out_dir``.

    With ``cv`` (``taskdb train``) each trainer measures its held-out scores for its card; without it
    (models trained inside a cross-validation fold, or out of fold for a later trainer) it need not.
    Returns each model's ``meta`` (as saved in ``NAME.json``).
    """
    from . import learn

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    wanted = available(names or TRAINERS)
    for name in wanted:  # start clean: no trainer may learn from an earlier run's later model
        for f in out_dir.glob(f"{trainer(name).NAME}.*"):
            if f.suffix in (".joblib", ".json", ".md", ".gz"):
                f.unlink()
    metas: dict[str, dict] = {}
    with use_models(out_dir):
        for name in wanted:
            mod = trainer(name)
            before = tuple(n for n in wanted[:wanted.index(name)])
            if getattr(mod, "OUT_OF_FOLD", False) and before:
                examples = collect_out_of_fold(mod, docs, before)
            else:
                examples = collect(mod, docs)
            estimator, meta = _fit(mod, examples, cv)
            meta = {**meta, "documents": len(docs), "examples": len(examples)}
            learn.save(mod.NAME, estimator, meta, mod.card(meta), out_dir)
            metas[mod.NAME] = meta
    return metas


def train(corpus_dir: str | Path, out_dir: str | Path | None = None,
          names: tuple[str, ...] | None = None) -> dict[str, dict]:
    """``taskdb train CORPUS``: every model rebuilt from the gold files under ``corpus_dir``."""
    from .learn import models_dir

    return train_all(find_gold(corpus_dir), out_dir or models_dir(), names)


