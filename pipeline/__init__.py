"""taskdb: Chinese work-safety documents → a structured task database.

Light to import: the heavy libraries load when a stage first needs them.

>>> import pipeline
>>> doc = pipeline.extract("corpora/samples/002_2d6767afaa7999d4.txt")  # doctest: +SKIP
"""

from __future__ import annotations

from .version import __version__

__all__ = ["__version__", "extract", "extract_many", "open_db", "ingest"]


def __getattr__(name: str):
    if name in ("extract", "extract_many", "open_db", "ingest"):
        from . import api

        return getattr(api, name)
    raise AttributeError(f"module 'pipeline' has no attribute {name!r}")
