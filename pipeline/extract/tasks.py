"""Tasks (SPEC §3) with their units (SPEC §4) and deadlines (SPEC §5). Being written (issue #3)."""

from __future__ import annotations


def find_tasks(doc, sdoc) -> list:
    return []
