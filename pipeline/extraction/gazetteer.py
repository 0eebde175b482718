"""The unit gazetteer as the extractors see it: the names to recognise, and jieba told about them.

The gazetteer itself (``pipeline/data/unit_aliases.tsv`` and its companions) is loaded once, by
:func:`pipeline.normalise.units.gazetteer`; this module only reads its alias table.
"""

from __future__ import annotations


def aliases() -> dict[str, str]:
    """written name → canonical name, from the package gazetteer."""
    from ..normalise.units import gazetteer

    return gazetteer().aliases


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
