"""Extraction: tasks (with units and deadlines) and metrics.

Patterns match on characters, not on words: jieba's word boundaries cut
``于4月底前`` and ``一万六千余``, so every extractor works on the cleaned text and
gives character spans.

spaCy is where it earns its place: :func:`to_spacy` turns a processed Document
into a spaCy ``Doc`` (``spacy.blank("zh")`` with the jieba segmenter, told about
the unit gazetteer so that 区应急管理局 stays one token) whose span groups
``tasks``, ``units``, ``deadlines`` and ``metrics`` hold every result as a
``Span`` (``Doc.char_span(..., alignment_mode="expand")``), for notebooks and
for token-level work. It is not built on the batch path: importing spaCy and
loading jieba's dictionary costs about 1.4 s per process, more than reading
five 60-page .docx files (benchmarks/bench_ingest.py), and the extractors do
not need tokens.

Extractors (each a function ``(document) -> list``):
- :mod:`.tasks`: tasks and their units (:mod:`.units`) and deadlines (:mod:`.deadlines`)
- :mod:`.metrics`: quantities with their measure word, subject and category
"""

from __future__ import annotations

from dataclasses import replace
from functools import lru_cache

from ..model import Document


@lru_cache(maxsize=1)
def nlp():
    """The blank Chinese pipeline with jieba, told about our unit names so it does not split them."""
    import spacy

    from .gazetteer import add_to_jieba

    pipe = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "jieba"}}})
    add_to_jieba()
    return pipe


def spacy_doc(text: str):
    """A spaCy Doc over ``text`` (blank zh, jieba)."""
    return nlp()(text)


def to_spacy(doc: Document):
    """The Document as a spaCy Doc whose span groups hold its tasks, units, deadlines and metrics.

    >>> sdoc = to_spacy(pipeline.extract("corpora/samples/002_2d6767afaa7999d4.txt"))  # doctest: +SKIP
    >>> sdoc.spans["tasks"][0].text[:10]
    """
    sdoc = spacy_doc(doc.text)

    def span(s, e, label):
        return sdoc.char_span(s, e, label=label, alignment_mode="expand")

    tasks, units, deadlines = [], [], []
    for t in doc.tasks:
        tasks.append(span(*t.span, "TASK"))
        for d in t.deadlines:
            if d.span:
                deadlines.append(span(*d.span, d.kind.upper()))
        for u in t.units:
            if u.span:
                units.append(span(*u.span, u.role.upper()))
    sdoc.spans["tasks"] = [s for s in tasks if s is not None]
    sdoc.spans["deadlines"] = [s for s in deadlines if s is not None]
    sdoc.spans["units"] = [s for s in units if s is not None]
    sdoc.spans["metrics"] = [s for s in (span(*m.span, m.category.upper()) for m in doc.metrics) if s is not None]
    return sdoc


def extract_items(doc: Document) -> Document:
    """Fill ``tasks`` and ``metrics`` of a structured Document."""
    from .metrics import find_metrics
    from .tasks import find_tasks

    from ..model import Flag
    from .deadlines import is_inverted

    from .units import locate_units

    tasks, candidates = find_tasks(doc)
    from .deadline_context import resolve

    tasks = resolve(doc, locate_units(doc.text, tasks))  # a monthly plan's 8日前, a schedule line's 9月：
    metrics = find_metrics(doc)
    flags = [Flag("inverted_range", f"the range {d.raw!r} ends ({d.end}) before it starts ({d.start}); kept as written",
                  d.span) for t in tasks for d in t.deadlines if d.kind == "range" and is_inverted(d)]
    return replace(doc, tasks=tuple(tasks), metrics=tuple(metrics), flags=tuple(doc.flags) + tuple(flags),
                   task_candidates=candidates)
