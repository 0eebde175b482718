"""Plan ↔ report accountability (SPEC §9): which planned task a report speaks of, and how.

- :func:`track_files`: ``taskdb track FILE…`` (the files through the pipeline, then linked)
- :mod:`.db`: ``taskdb track --db``: the documents of a database, the ``task_progress`` table
- the linker itself (:func:`link`, :func:`related`, :func:`track_records`) is
  :mod:`pipeline.learn.tracking`, pure functions over SPEC records shared with its trainer
  (:mod:`pipeline.learn.track`).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from ..learn.tracking.link import STATUSES, link, related, render_text, track_records

__all__ = ["STATUSES", "link", "related", "render_text", "track_files", "track_records"]


def track_files(paths: Iterable[str | Path], *, model="auto", on_error=None) -> list[dict]:
    """``taskdb track FILE…``: every plan among the files linked to the related reports among them.

    The files go through the whole pipeline (:func:`pipeline.run.extract_many`); a file that cannot be
    read is left out, and ``on_error(source, code, message)`` is called for it. Returns the SPEC §9
    records, plans in input order, tasks in plan order.
    """
    from ..run import extract_many

    records = []
    for res in extract_many(list(paths)):
        if res.ok:
            records.append(res.document.to_record())
        elif on_error is not None:
            on_error(res.source, res.code, res.message)
    return track_records(records, model=model)
