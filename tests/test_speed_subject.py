"""The subject chooser's features made once per clause and per span start (``subject._Features``) are the
features :func:`_old_features` (the old path, kept here) makes for each candidate on its own (issue 7, extraction
speed): same keys, same values, same key order, on every candidate of the rule metrics of corpus documents.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.api import extract
from pipeline.extraction import metrics
from pipeline.learn import subject

ROOT = Path(__file__).resolve().parents[1]


# the subject chooser's features made for each candidate on its own: the old path the fast one is pinned to
def _old_features(s: str, kind: str, core: str, b: int, lead: str, rule: str, unit: str,
              words: dict[int, tuple[str, str]]) -> dict:
    prev = core[b - 1] if b > 0 else "^"
    prev2 = core[max(0, b - 2):b] if b > 0 else "^"
    f = {
        f"kind={kind}": 1, f"first={s[0]}": 1, f"last={s[-1]}": 1, f"first2={s[:2]}": 1, f"last2={s[-2:]}": 1,
        f"len={subject._bucket(len(s))}": 1, f"kind_len={kind}|{subject._bucket(len(s))}": 1,
        f"prev={prev}": 1, f"prev2={prev2}": 1, f"prev|first={prev}|{s[0]}": 1, f"prevcls={subject._cls(prev)}": 1,
        f"lead={lead or '-'}": 1, f"unit={unit or '-'}": 1,
        f"rule_len={subject._bucket(len(rule))}": 1,
    }
    if b >= 0:
        tag, tag_before = words.get(b, ("inside", "inside"))
        f[f"tag={tag}"] = 1
        f[f"tag_before={tag_before}"] = 1
        f[f"tags={tag_before}|{tag}"] = 1
        f[f"kind_tag={kind}|{tag}"] = 1
        last = words.get(len(core), ("$", "^"))[1]
        f[f"last_tag={last}"] = 1
    if b == 0:
        f["clause_start"] = 1
    if "的" in s:
        f["has_de"] = 1
    if subject._DIGIT.search(s):  # another number's figure inside (下降25%和 before 33.3%)
        f["has_digit"] = 1
    if subject._MARK.search(s):
        f["crosses_mark"] = 1
    if rule and kind != "rule":
        if s == rule:
            f["is_rule"] = 1
        elif rule in s:
            f["contains_rule"] = 1
        elif s in rule:
            f["inside_rule"] = 1
        if rule.endswith(s) or s.endswith(rule):
            f["suffix_rule"] = 1
    if kind == "rule":
        f["rule_in_left"] = int(rule.replace("\n", "") in core.replace("\n", ""))
        f["rule_has_de"] = int("的" in rule)
        f["rule_first2=" + rule[:2]] = 1
    if not rule:
        f["no_rule"] = 1
    # the cue words of the metric categories (隐患, 检查, 企业 …): a subject names what is counted
    cues = subject._cue_roles(s)
    f[f"cues={'.'.join(cues) or '-'}"] = 1
    if b >= 0:
        lost = subject._cue_roles(core[:b])
        if lost:
            f[f"cues_left_out={'.'.join(lost)}|{kind}"] = 1
    # does the clause name what it counts? (死亡3人 after 发生事故9起 does not: a composed subject is needed)
    tags = [t for t, _ in words.values() if t != "$"]
    noun_in_core = any(t[:1] in ("n", "i", "l") or t == "vn" for t in tags)
    f[f"kind|core_noun={kind}|{int(noun_in_core)}"] = 1
    if kind in ("noun+left", "left+noun", "prev+left", "left+cell", "cell+left") and b >= 0:
        part = core[b:]
        f[f"kind|part_tags={kind}|{'.'.join(sorted({t[:1] for t, _ in (words.get(k, ('?', '')) for k in words if k >= b) if t != '$'}))}"] = 1
        f[f"kind|part_len={kind}|{subject._bucket(len(part))}"] = 1
    return f



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
            old = _old_features(s, kind, self.core, b, self.lead, self.rule, self.unit, self.words)
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
        assert list(new.items()) == list(_old_features(s, kind, core, b, lead, "整改", "处", words).items())
    assert make("已整改", "left", 0)["clause_start"] == 1
    assert "unit=处" in make("整改", "left", 1)
