"""Extraction of tasks, units, deadlines and metrics (issue #3).

Until the extractors land, this stage leaves ``tasks`` and ``metrics`` empty;
the record keeps its SPEC shape from the first version on.
"""

from __future__ import annotations

from ..model import Document


def extract_items(doc: Document) -> Document:
    return doc
