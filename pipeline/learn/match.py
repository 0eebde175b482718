"""Similarity of texts as SPEC §7 measures it: normalisation, character-bigram Jaccard, greedy pairing.

Shared by the scorer (:mod:`pipeline.evaluate`) and by training, which labels a
candidate by the gold item it would be matched to.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import Any


_NON_WORD = re.compile(r"[\s\W_]+", re.UNICODE)


@lru_cache(maxsize=1)
def _to_simplified() -> Callable[[str], str]:
    try:
        import opencc

        return opencc.OpenCC("t2s").convert
    except Exception:  # pragma: no cover - opencc is a dependency
        return lambda s: s


@lru_cache(maxsize=65536)
def norm(s: str | None) -> str:
    """Compatibility forms folded (full-width → half-width), simplified script, no whitespace or punctuation."""
    s = unicodedata.normalize("NFKC", s or "")
    return _NON_WORD.sub("", _to_simplified()(s))


@lru_cache(maxsize=65536)
def bigrams(s: str | None) -> frozenset[str]:
    """The character bigrams of the normalised string (a one-character string is its own bigram)."""
    s = norm(s)
    if len(s) < 2:
        return frozenset([s]) if s else frozenset()
    return frozenset(s[i:i + 2] for i in range(len(s) - 1))


def jaccard(a: str | None, b: str | None) -> float:
    """Character-bigram Jaccard of two strings; 0 when either is empty."""
    x, y = bigrams(a), bigrams(b)
    if not x or not y:
        return 0.0
    return len(x & y) / len(x | y)


def greedy_pairs(preds: Sequence, golds: Sequence, sim: Callable[[Any, Any], float],
                 threshold: float) -> list[tuple[int, int]]:
    """Pair predictions with gold items one to one, from the most similar pair down.

    Candidates are the pairs with ``sim >= threshold``; ties go to the earlier prediction,
    then the earlier gold item. Returns ``(pred index, gold index)`` in pairing order.
    """
    cands = [(s, i, j) for i, p in enumerate(preds) for j, g in enumerate(golds)
             if (s := sim(p, g)) >= threshold]
    cands.sort(key=lambda c: (-c[0], c[1], c[2]))
    used_p: set[int] = set()
    used_g: set[int] = set()
    pairs = []
    for _, i, j in cands:
        if i in used_p or j in used_g:
            continue
        used_p.add(i)
        used_g.add(j)
        pairs.append((i, j))
    return pairs
