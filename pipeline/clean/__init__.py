"""The cleaner: a list of small steps, each ``Mapped -> Mapped``, in one place (:data:`STEPS`).

Every step keeps the offset map, so the cleaned text leads back to the
original. ``clean_text(s)`` runs the steps on a string (what the tests use);
``clean(doc)`` runs them on a Document.
"""

from __future__ import annotations

from dataclasses import replace

from ..model import Document, Flag
from .mapped import Mapped
from .steps import STEPS

__all__ = ["STEPS", "clean", "clean_text", "run_steps"]


def run_steps(text: str, steps=None) -> Mapped:
    m = Mapped.of(text)
    for _name, step in steps or STEPS:
        m = step(m)
    return m


def clean_text(text: str, steps=None) -> str:
    """The cleaned form of ``text``.

    >>> clean_text("區(qū)安監局")
    '区安监局'
    """
    return run_steps(text, steps).text


def clean(doc: Document) -> Document:
    """Clean a read Document: ``text``, ``offsets`` and the cleaner's ``flags``."""
    import bisect

    m = run_steps(doc.raw_text)
    flags = []
    for code, message, rs, re_ in m.flags:
        s = bisect.bisect_left(m.origin, rs)
        e = bisect.bisect_left(m.origin, re_)
        flags.append(Flag(code, message, (s, max(e, s))))
    return replace(doc, text=m.text, offsets=m.origin, flags=tuple(doc.flags) + tuple(flags))

