"""A domain per task (危险化学品, 消防, 道路交通 … 综合) from its words and its section headings.

Cue words are data: ``pipeline/data/domains.tsv``. Each cue occurrence scores for its domain: 1 in the
task's text, 2 in the heading of the task's own section, 1 in each enclosing section's heading and 0.5 in
the document title. The longest cue wins where cues overlap (森林防火 counts for 森林防火, not 消防). The
best domain wins; 综合 when nothing scores, or when the task's own words name three or more domains and
none of them has half of the score.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache
from importlib import resources

from ..literals import trie_alternation

GENERAL = "综合"


NOT_A_CUE = "-"  # the rows of words that hold a cue without meaning it (规范化工作)


@lru_cache(maxsize=1)
def _rows() -> dict[str, tuple[str, ...]]:
    text = (resources.files("pipeline") / "data" / "domains.tsv").read_text("utf-8")
    out: dict[str, tuple[str, ...]] = {}
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        domain, _, cues = line.partition("\t")
        out[domain.strip()] = out.get(domain.strip(), ()) + tuple(
            c.strip() for c in re.split(r"[、,，]", cues) if c.strip())
    return out


def domain_cues() -> dict[str, tuple[str, ...]]:
    """domain → cue words, in the file's order."""
    return {d: cues for d, cues in _rows().items() if d != NOT_A_CUE}


@lru_cache(maxsize=1)
def _matcher() -> tuple[re.Pattern, dict[str, str]]:
    cue_domain: dict[str, str] = {}
    for domain, cues in _rows().items():
        for c in cues:
            cue_domain.setdefault(c, domain)
    # the longest-first alternation of the cues, written as a trie (the same matches, fewer steps per position)
    return re.compile(trie_alternation(cue_domain)), cue_domain


def cue_counts(text: str | None) -> Counter:
    """domain → number of cue occurrences in ``text`` (longest cue first, no overlaps)."""
    if not text:
        return Counter()
    rx, cue_domain = _matcher()
    return Counter(d for m in rx.finditer(text) if (d := cue_domain[m.group()]) != NOT_A_CUE)


@lru_cache(maxsize=4096)  # a document's tasks share their headings and its title
def _cue_items(text: str | None) -> tuple[tuple[str, int], ...]:
    """:func:`cue_counts`'s items, in its order, for a text read many times (a heading, a title)."""
    return tuple(cue_counts(text).items())


def domain_of(text: str, headings: list[str] = (), title: str | None = None) -> str:
    """The domain of a task: ``headings`` run from the task's own section outwards.

    >>> domain_of("加大对气瓶、电梯等特种设备的安全监管力度。")
    '特种设备'
    >>> domain_of("组织开展防汛演练", ["强化森林防火"])
    '防汛'
    """
    own = cue_counts(text)
    score: Counter = Counter()
    for d, n in own.items():
        score[d] += n
    for i, h in enumerate(headings):
        for d, n in _cue_items(h):
            score[d] += n * (2 if i == 0 else 1)
    for d, n in _cue_items(title):
        score[d] += 0.5 * n
    if not score:
        return GENERAL
    (best, top), *rest = score.most_common()
    if rest and rest[0][1] == top:
        # a tie: the task's own words decide, else the nearest heading
        tied = [d for d, s in score.items() if s == top]
        by_own = sorted(tied, key=lambda d: -own[d])
        if own[by_own[0]] > own[by_own[1]]:
            return by_own[0]
        return GENERAL
    if len(own) >= 3 and top < 0.5 * sum(score.values()):
        return GENERAL
    return best
