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


def _corpus_names() -> list[tuple[str, list[str]]]:
    out = []
    for path in sorted(CORPORA.glob("**/*.gold.json"))[::4]:
        txt = path.with_name(path.name.replace(".gold.json", ".txt"))
        if not txt.exists():
            continue
        names = {u["name"] for t in json.loads(path.read_text("utf-8")).get("tasks") or []
                 for u in t.get("units") or [] if u.get("name")}
        out.append((txt.read_text("utf-8", errors="replace"), sorted(names)))
    return out


def test_name_spans_are_the_name_patterns_matches():
    """``_name_spans`` (no pattern compiled per name) finds what ``_name_pattern(name).finditer`` finds: on corpus
    texts with their gold units' names, whole and in windows, and on names written with gaps (white space, a line
    break, 、 , ，: up to two between two characters), including names that hold a gap character themselves."""
    import random

    from pipeline.extraction.units import _name_pattern, _name_spans

    def old(text, name, s, e):
        rx = _name_pattern(name)
        return [] if rx is None else [m.span() for m in rx.finditer(text, s, e)]

    rng = random.Random(7)
    cases = _corpus_names()
    assert len(cases) > 100
    hits = 0
    for text, names in cases:
        for name in names:
            for s, e in [(0, len(text))] + [sorted(rng.sample(range(len(text) + 1), 2)) for _ in range(3)]:
                got = _name_spans(text, name, s, e)
                assert got == old(text, name, s, e), (name, s, e)
                hits += bool(got)
    assert hits > 500
    gaps = [" ", "\n", "、", ",", "，", "\u3000", "  ", "、 ", " \n ", "x"]
    for _ in range(3000):
        name = "".join(rng.choice("县应急局、,， 办") for _ in range(rng.randint(1, 5)))
        text = "".join(c + (rng.choice(gaps) if rng.random() < 0.4 else "") for c in name * rng.randint(1, 3))
        text = "".join(rng.choice(["", "局", "、", " "]) + text[i:i + 4] for i in range(0, len(text), 4))
        s, e = sorted(rng.sample(range(len(text) + 1), 2)) if len(text) > 1 else (0, len(text))
        assert _name_spans(text, name, s, e) == old(text, name, s, e), (name, text, s, e)


def test_written_before_is_the_search_of_name_and_tail():
    """``_written_before(name, tail, text)`` answers as ``re.search(re.escape(name) + tail.pattern, text)`` (the
    patterns once compiled per unit name): both tails, on corpus paragraphs with their gold unit names, and on
    random strings built of names, times, modals, 牵头/统筹 and clause stops (an empty name included)."""
    import random
    import re

    from pipeline.extraction.units import _LEADS_AFTER, _LEADS_LATER, _written_before

    rng = random.Random(11)
    checked = hit = 0
    for text, names in _corpus_names()[::2]:
        paragraphs = [p for p in text.split("\n") if len(p) > 10][:30]
        for name in names[:12]:
            for par in paragraphs:
                for tail in (_LEADS_AFTER, _LEADS_LATER):
                    want = re.search(re.escape(name) + tail.pattern, par) is not None
                    assert _written_before(name, tail, par) == want, (name, par)
                    checked += 1
                    hit += want
    assert checked > 5000 and hit > 20
    bits = ["县应急局", "局", "将", "于", "在", "9月底", "前", "牵头", "统筹", "并", "，", ",", "。", "负责", "配合", "x"]
    for _ in range(4000):
        text = "".join(rng.choice(bits) for _ in range(rng.randint(0, 14)))
        name = rng.choice(["县应急局", "局", "应急", "", "并", "牵头"])
        for tail in (_LEADS_AFTER, _LEADS_LATER):
            assert _written_before(name, tail, text) == (re.search(re.escape(name) + tail.pattern, text) is not None)
