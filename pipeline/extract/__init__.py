"""Extraction: tasks (with units and deadlines) and metrics, as spans of a spaCy Doc.

The stage builds one spaCy ``Doc`` over the cleaned text (``spacy.blank("zh")``
with the jieba segmenter, our unit gazetteer added to jieba's dictionary) and
hands it to each extractor. Patterns match on characters — jieba's word
boundaries cut ``于4月底前`` and ``一万六千余`` — and results are mapped to spans
with ``Doc.char_span(..., alignment_mode="expand")`` where a token-level span is
wanted.

Extractors (each a function ``(document, sdoc) -> list``):
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
    return nlp()(text)


def extract_items(doc: Document) -> Document:
    """Fill ``tasks`` and ``metrics`` of a structured Document."""
    from .metrics import find_metrics
    from .tasks import find_tasks

    sdoc = spacy_doc(doc.text)
    tasks = find_tasks(doc, sdoc)
    metrics = find_metrics(doc, sdoc)
    return replace(doc, tasks=tuple(tasks), metrics=tuple(metrics))
