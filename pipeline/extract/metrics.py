"""Metrics (SPEC §6). Being written (issue #3)."""

from __future__ import annotations


def find_metrics(doc, sdoc=None) -> list:
    return []
