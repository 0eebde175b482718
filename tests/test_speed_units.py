"""The units CRF's attribute names (``learn.units._Tagger.names``) with its sparse columns (gazetteer marks,
suffixes, cue words) set where they are rather than tested at every character: per character, exactly the
known attribute names, in order, that crfsuite reads off :func:`pipeline.learn.units.features`'s dict
(issue 7, extraction speed), on the texts of corpus documents' tasks and on whole paragraphs.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline import learn
from pipeline.extraction.units import rule_actors
from pipeline.learn import units as lu

ROOT = Path(__file__).resolve().parents[1]
CORPORA = ROOT / "corpora"


def _names_from_features(feats: list[dict], known: frozenset) -> list[list[str]]:
    """What crfsuite makes of a feature dict: ``key:value`` for a string, ``key`` for True and for the bias."""
    out = []
    for f in feats:
        row = []
        for k, v in f.items():
            name = f"{k}:{v}" if isinstance(v, str) else k
            if (isinstance(v, str) or v is True or (k == "bias" and v)) and name in known:
                row.append(name)
        out.append(row)
    return out


def _texts() -> list[str]:
    out = []
    for path in sorted(CORPORA.glob("**/*.gold.json"))[::3]:
        out += [t["text"] for t in json.loads(path.read_text("utf-8")).get("tasks") or [] if t.get("text")]
    for path in sorted(CORPORA.glob("**/*.txt"))[::25]:  # whole paragraphs: many marks, cues and suffixes each
        out += [p for p in path.read_text("utf-8", errors="replace").split("\n") if len(p) > 40][:8]
    return out


@pytest.mark.skipif(learn.load("units") is None, reason="models/units not trained")
def test_names_are_the_known_names_of_the_feature_dicts():
    tagger = lu._tagger(learn.load("units"))
    assert tagger is not None
    texts = _texts()
    assert len(texts) > 300
    marks = {"gaz_b": 0, "suf_any": 0, "suf_next": 0, "next=": 0, "prev=": 0}
    for text in texts + ["区应急局牵头,区消防救援大队配合,于１０月底前完成。", "由区住建局负责", "要", ""]:
        rules = [(u.name, u.role) for u in rule_actors(text)] if text else []
        new = tagger.names(text, rules)
        assert new == _names_from_features(lu.features(text, rules), tagger.known), text
        for row in new:
            for name in row:
                for m in marks:
                    marks[m] += name.startswith(m)
    assert all(v > 20 for v in marks.values()), marks  # every sparse column was exercised


def test_sparse_column():
    assert lu._sparse(5, {0, 3}, "gaz_b") == ["gaz_b", None, None, "gaz_b", None]
    assert lu._sparse(3, [], "x") == [None, None, None]
