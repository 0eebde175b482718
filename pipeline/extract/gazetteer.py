"""Unit names and aliases (data in ``pipeline/data/unit_aliases.tsv``), for jieba and for canonicalisation."""

from __future__ import annotations

import csv
from functools import lru_cache
from importlib import resources


@lru_cache(maxsize=1)
def aliases() -> dict[str, str]:
    """written name → canonical name, from the package's data file (empty when it does not exist yet)."""
    try:
        path = resources.files("pipeline") / "data" / "unit_aliases.tsv"
        text = path.read_text("utf-8")
    except (FileNotFoundError, OSError):
        return {}
    out = {}
    for row in csv.reader(text.splitlines(), delimiter="\t"):
        if len(row) >= 2 and row[0] and not row[0].startswith("#"):
            out[row[0].strip()] = row[1].strip()
    return out


_ADDED = False


def add_to_jieba() -> None:
    """Tell jieba every unit name of the gazetteer, so that 区应急管理局 stays one word."""
    global _ADDED
    if _ADDED:
        return
    import jieba

    for name, canonical in aliases().items():
        jieba.add_word(name, freq=50000, tag="nt")
        jieba.add_word(canonical, freq=50000, tag="nt")
    _ADDED = True
