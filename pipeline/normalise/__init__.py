"""Normalise: canonical units with kind and level, a domain per task, checks of values and dates.

The stage after ``extract`` (DESIGN: Document in, Document out, no I/O):

- every unit gets ``canonical`` (:mod:`.units`: alias gazetteer, masked/repeated place prefix dropped,
  abbreviations expanded, then fuzzy matching with a measured threshold), ``kind`` and ``level``
  (省/市/区/县/镇: the name's own prefix, else the issuing government's level);
  ``我局``/``我办`` become the issuer's canonical name where the issuer is known; ``你单位``/``你公司``/``该公司``
  the addressee the document names in its salutation or header (:func:`.units.resolve_addressee`); an
  abbreviation the document writes in full elsewhere takes the document's form (``市防指`` in a text that names
  ``市防汛防台抗旱指挥部``: :func:`.units.document_form`), and a short name it declares (``X（以下简称区安环局）``)
  the body it declares it for (:func:`.units.declared_names`);
- every task gets ``domain`` (:mod:`.domains`) from its words and section headings;
- every metric gets ``kind``, ``stage`` and ``measure`` (:mod:`.measure`, docs/MEASURES.md);
- deadlines and metrics are checked (:mod:`.checks`), alone and across metrics (rectified > found, a rate
  that disagrees with its counts, casualties without an accident, a deadline before the document's date):
  problems are added to ``flags``, nothing is changed;
- ``meta["level"]`` holds the document's level, ``meta["date"]`` the date that signs it (or None).

:func:`canonical_scores` (:mod:`.scores`) measures canonicalisation against gold files.
"""

from __future__ import annotations

from dataclasses import replace

from ..model import Document, Section, Task
from .checks import check, document_date
from .domains import domain_of
from .measure import measure_metrics
from .scores import canonical_scores
from .units import (Gazetteer, canonical, declared_level, declared_names, document_form, document_level, document_signer, gazetteer, other_place,
                    resolve_addressee, resolve_members, resolve_pronoun, unit_level)

__all__ = ["Gazetteer", "canonical", "canonical_scores", "domain_of", "gazetteer", "normalise"]


def _headings(doc: Document, task: Task, by_id: dict[str, Section] | None = None) -> list[str]:
    """The headings of the task's section and its ancestors, nearest first (``by_id``: the sections by id, made
    once per document by the caller; made here per call it was quadratic in sections)."""
    if by_id is None:
        by_id = {s.id: s for s in doc.sections}
    out, sid, seen = [], task.section_id, set()
    while sid and sid in by_id and sid not in seen:
        seen.add(sid)
        out.append(by_id[sid].heading)
        sid = by_id[sid].parent
    return out


def normalise(doc: Document) -> Document:
    """Canonical units (with kind and level), task domains and value checks of an extracted Document."""
    gaz = gazetteer()
    level = document_level(doc.issuer, doc.title, doc.text, [u.name for t in doc.tasks for u in t.units])
    tasks = []
    by_id = {s.id: s for s in doc.sections}
    issuer = doc.issuer or (document_signer(doc.text) if any(t.units for t in doc.tasks) else None)
    own = " ".join(filter(None, (doc.title, doc.issuer, issuer)))  # the document's own names: its place
    declared = declared_names(doc.text) if any(t.units for t in doc.tasks) else {}
    park = declared_level(declared)
    for t in doc.tasks:
        units = []
        for u in t.units:
            canon = declared.get(u.name) or resolve_pronoun(u.name, issuer) or resolve_addressee(u.name, doc.text) or \
                resolve_members(u.name, doc.text, issuer) or \
                other_place(u.name, document_form(u.name, gaz.canonical(u.name), doc.text), gaz.resolve(u.name)[1], own)
            if park and u.name.startswith("区") and canon.startswith("区") and u.name not in declared:
                canon = park + canon[1:]  # a park's 区经发局: 开发区经济发展局
            kind = gaz.kind(canon)
            units.append(replace(u, canonical=canon, kind=kind, level=unit_level(canon, kind, level)))
        tasks.append(replace(t, units=tuple(units), domain=domain_of(t.text, _headings(doc, t, by_id), doc.title)))
    metrics = tuple(measure_metrics(doc.metrics, doc.text))
    meta = {**doc.meta, "level": level, "date": document_date(doc.text)}
    doc = replace(doc, tasks=tuple(tasks), metrics=metrics, meta=meta)
    return replace(doc, flags=doc.flags + tuple(check(doc)))
