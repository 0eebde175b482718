"""Normalisation's memos give what the plain functions gave (issue 7, extraction speed):

- ``units.clean_name`` (now memoised, its space pattern compiled once) cleans every unit name of the corpus's
  gold files, and awkward strings, as the function it replaced;
- ``domains.domain_of`` reads its headings' and title's cue counts from a memo (``_cue_items``): the domain of
  every task of corpus documents, with its real heading path and title, is the old function's.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter
from pathlib import Path

from pipeline.normalise import domains
from pipeline.normalise import units as nu

ROOT = Path(__file__).resolve().parents[1]
CORPORA = ROOT / "corpora"


def _old_clean_name(name):
    s = unicodedata.normalize("NFKC", name or "").translate(nu._BRACKETS)
    return re.sub(r"\s+", "", s).strip(" ,、;")


def _old_domain_of(text, headings=(), title=None):
    own = domains.cue_counts(text)
    score: Counter = Counter()
    for d, n in own.items():
        score[d] += n
    for i, h in enumerate(headings):
        for d, n in domains.cue_counts(h).items():
            score[d] += n * (2 if i == 0 else 1)
    for d, n in domains.cue_counts(title).items():
        score[d] += 0.5 * n
    if not score:
        return domains.GENERAL
    (best, top), *rest = score.most_common()
    if rest and rest[0][1] == top:
        tied = [d for d, s in score.items() if s == top]
        by_own = sorted(tied, key=lambda d: -own[d])
        if own[by_own[0]] > own[by_own[1]]:
            return by_own[0]
        return domains.GENERAL
    if len(own) >= 3 and top < 0.5 * sum(score.values()):
        return domains.GENERAL
    return best


def test_clean_name_as_before_on_gold_unit_names():
    names = set()
    for path in sorted(CORPORA.glob("**/*.gold.json")):
        gold = json.loads(path.read_text("utf-8"))
        for t in gold.get("tasks") or []:
            for u in t.get("units") or []:
                names.update(v for v in (u.get("name"), u.get("canonical")) if isinstance(v, str))
    assert len(names) > 500
    odd = [None, "", " ", "（区应急局）", "区 应急\u3000管理局 ,", "ＡＢＣ局；", "\t县林业局\n", "、各乡镇;"]
    for name in sorted(names) + odd:
        assert nu.clean_name(name) == _old_clean_name(name), name
        assert nu.clean_name(name) == _old_clean_name(name)  # the memo's answer too


def test_domain_of_as_before_on_corpus_tasks():
    from pipeline.normalise import _headings
    from pipeline.run import extract

    compared, domains_seen = 0, set()
    for path in sorted(CORPORA.glob("**/*.txt"))[::7]:
        doc = extract(path)
        by_id = {s.id: s for s in doc.sections}
        for t in doc.tasks:
            heads = _headings(doc, t, by_id)
            got = domains.domain_of(t.text, heads, doc.title)
            assert got == _old_domain_of(t.text, heads, doc.title) == t.domain, t.text
            domains_seen.add(got)
            compared += 1
    assert compared > 500 and len(domains_seen) > 5
    # no headings, no title, a title without cues, a tie
    for args in [("组织开展防汛演练", ["强化森林防火"], None), ("加强管理", [], "关于做好防汛工作的通知"), ("", [], ""),
                 ("森林防火和防汛", ["一、防汛"], "森林防火")]:
        assert domains.domain_of(*args) == _old_domain_of(*args)
