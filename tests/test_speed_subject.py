"""The subject chooser's features made once per clause and per span start (``subject._Features``) are the
features :func:`pipeline.learn.subject._features` makes for each candidate on its own (issue 7, extraction
speed): same keys, same values, same key order, on every candidate of the rule metrics of corpus documents.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.api import extract
from pipeline.extraction import metrics
from pipeline.learn import subject

ROOT = Path(__file__).resolve().parents[1]


def _documents(step: int = 5):
    paths = sorted((ROOT / "corpora").glob("**/*.txt"))[::step]
    return [extract(p, until="structure") for p in paths]


@pytest.fixture(scope="module")
def compared(request):
    """Run the candidates of every rule metric of every fifth corpus document, checking each feature dict."""
    seen = {"dicts": 0, "kinds": set(), "starts": set(), "metrics": 0}
    original = subject._Features

    class Checked(original):
        __slots__ = ()

        def __call__(self, s, kind, b):
            new = super().__call__(s, kind, b)
            old = subject._features(s, kind, self.core, b, self.lead, self.rule, self.unit, self.words)
            assert list(new.items()) == list(old.items()), (s, kind, b, self.core)
            seen["dicts"] += 1
            seen["kinds"].add(kind)
            seen["starts"].add(b >= 0)
            return new

    subject._Features = Checked
    try:
        for doc in _documents():
            text = doc.text or ""
            hits = metrics._rule_records(doc)
            for i, (num_start, rule_subject, span, rec) in enumerate(hits):
                prev = hits[i - 1][1] if i and subject.same_sentence(text, hits[i - 1][2][1], num_start) else ""
                subject.candidates(text, num_start, rule_subject, rec.get("unit") or "", prev)
                seen["metrics"] += 1
    finally:
        subject._Features = original
    return seen


def test_features_per_clause_equal_features_per_candidate(compared):
    assert compared["metrics"] > 300
    assert compared["dicts"] > 5000
    # every kind of candidate and both kinds of start (a span of the clause, a composed subject) were compared
    assert {"rule", "left", "filler", "prev", "prev+left", "noun+left"} <= compared["kinds"]
    assert compared["starts"] == {True, False}


def test_features_of_a_clause_by_hand():
    text = "今年以来，共排查一般隐患120处，已整改115处。"
    num = text.index("115")
    make_args = subject._left(text, num)
    core, cstart, lead = make_args
    words = subject._words(core)
    make = subject._Features(core, lead, "整改", "处", words)
    for s, kind, b in [("已整改", "left", 0), ("整改", "left", 1), ("排查一般隐患整改", "noun+left", 1),
                       ("整改", "rule", -1), ("一般隐患", "prev", -1)]:
        new = make(s, kind, b)
        assert list(new.items()) == list(subject._features(s, kind, core, b, lead, "整改", "处", words).items())
    assert make("已整改", "left", 0)["clause_start"] == 1
    assert "unit=处" in make("整改", "left", 1)
