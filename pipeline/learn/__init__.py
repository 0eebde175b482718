"""Learned decisions: features, estimators and the model registry.

The stages ask this package for a trained model by name (:func:`load`); the
train path (:mod:`pipeline.train`) fits the models from gold files and saves them
here (:func:`save`). It imports nothing above :mod:`pipeline.model`, so every
stage can use it and the import graph stays acyclic: the code that runs the
pipeline over training documents lives above the stages, in :mod:`pipeline.train`.

Models live in ``models/`` (or ``$TASKDB_MODELS``): ``NAME.joblib`` (the fitted
estimator), ``NAME.light.pkl.gz`` (the same linear model compiled to NumPy arrays,
:mod:`pipeline.learn.linear`, which loads without importing scikit-learn),
``NAME.json`` (what it was trained on, its held-out scores) and ``NAME.md`` (its card). Loading is lazy and cached per directory, so start-up
pays nothing and a process that never needs a model never loads one.
:func:`use_models` points the registry at another directory for a while
(cross-validation trains each fold's models into a temporary folder).
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

MODELS_ENV = "TASKDB_MODELS"
_cache: dict[tuple[str, str], Any] = {}


_dir_names: dict[str, str] = {}  # $TASKDB_MODELS as set ("" when not) -> the directory's name, made once each


def _dir_name() -> str:
    """``str(models_dir())``, made once per value of ``$TASKDB_MODELS`` (read on every call: :func:`use_models`
    sets it) instead of a ``Path`` and, for the repository's ``models/``, a ``resolve()`` per look-up."""
    env = os.environ.get(MODELS_ENV) or ""
    name = _dir_names.get(env)
    if name is None:
        name = _dir_names[env] = str(Path(env) if env else Path(__file__).resolve().parents[2] / "models")
    return name


def models_dir() -> Path:
    """Where the trained artifacts live: ``$TASKDB_MODELS`` or the repository's ``models/``."""
    return Path(_dir_name())


@contextmanager
def use_models(path: str | Path) -> Iterator[Path]:
    """Load models from ``path`` inside the ``with`` block (worker processes inherit it by the environment)."""
    old = os.environ.get(MODELS_ENV)
    os.environ[MODELS_ENV] = str(path)
    try:
        yield Path(path)
    finally:
        if old is None:
            os.environ.pop(MODELS_ENV, None)
        else:
            os.environ[MODELS_ENV] = old


def load(name: str) -> Any | None:
    """The fitted estimator ``name`` of the current models directory, or None when it was never trained."""
    key = (_dir_name(), name)
    if key not in _cache:
        d = Path(key[0])
        path = d / f"{name}.joblib"
        light = d / f"{name}.light.pkl.gz"  # the same model scored with NumPy: no scikit-learn import
        if light.exists() and path.exists():
            import gzip
            import pickle

            with gzip.open(light, "rb") as f:  # the C unpickler: joblib's pure-Python one takes 0.4 s here
                _cache[key] = pickle.load(f)
        elif path.exists():
            import joblib

            _cache[key] = joblib.load(path)
        else:
            _cache[key] = None
    return _cache[key]


def info(name: str) -> dict:
    """The ``NAME.json`` beside a model (what it was trained on, its scores, choices), or ``{}``; cached like the model."""
    key = (_dir_name(), name + ".json")
    if key not in _cache:
        try:
            _cache[key] = json.loads((Path(key[0]) / f"{name}.json").read_text("utf-8"))
        except (OSError, ValueError):
            _cache[key] = {}
    return _cache[key]


def chosen(name: str) -> Any | None:
    """The model ``name`` when it exists and its cross-validation chose it over the rules (``"use"`` in its
    ``.json`` is not ``"rules"``); None otherwise, or when it cannot be loaded (another scikit-learn, a
    damaged file), so that the caller keeps its rules."""
    if info(name).get("use", "model") == "rules":
        return None
    try:
        return load(name)
    except Exception as e:  # noqa: BLE001
        logging.getLogger(__name__).warning("model %s could not be loaded (%s); using the rules", name, e)
        return None


def forget() -> None:
    """Drop every cached model and card (they are read again on next use)."""
    _cache.clear()


def save(name: str, estimator: Any, meta: dict, card: str, out_dir: str | Path | None = None) -> Path:
    """Write ``NAME.joblib``, ``NAME.json`` and ``NAME.md`` into ``out_dir`` (default: the models directory)."""
    import joblib

    out = Path(out_dir) if out_dir is not None else models_dir()
    out.mkdir(parents=True, exist_ok=True)
    light = out / f"{name}.light.pkl.gz"
    light.unlink(missing_ok=True)
    if estimator is not None:
        joblib.dump(estimator, out / f"{name}.joblib", compress=3)
        import gzip
        import pickle

        from .linear import compile_model

        try:
            compiled = compile_model(estimator)
        except NotImplementedError:
            compiled = None  # not a linear pipeline (the units CRF): loaded as it is
        if compiled is not None:
            with gzip.GzipFile(light, "wb", mtime=0) as f:  # mtime 0: the same model gives the same bytes
                pickle.dump(compiled, f, protocol=5)
    (out / f"{name}.json").write_text(json.dumps(meta, ensure_ascii=False, indent=1, sort_keys=True) + "\n", "utf-8")
    (out / f"{name}.md").write_text(card, "utf-8")
    for key in [k for k in _cache if k[1] in (name, name + ".json")]:
        del _cache[key]
    return out
