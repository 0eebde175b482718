"""The cue lists' alternations written as a trie match what the plain longest-first alternations matched
(issue 7, extraction speed: ``pipeline/literals.py``).

``learn.category.cue_hits`` (the metric category's cue words, about 8,400 calls on the benchmark's first pass) and
``normalise.domains.cue_counts`` compiled ``"|".join(longest first)``; they now compile
:func:`~pipeline.literals.trie_alternation` of the same words. The old patterns are built here as they were, and
every match (start, end, word) is compared on corpus texts, on random strings made of the cues' pieces, and inside a
larger pattern that makes the engine backtrack into the alternation.
"""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest

from pipeline.learn import category
from pipeline.literals import trie_alternation
from pipeline.normalise import domains

ROOT = Path(__file__).resolve().parents[1]
CORPORA = ROOT / "corpora"


def _old(words, key) -> re.Pattern:
    return re.compile("|".join(re.escape(w) for w in sorted(words, key=key)))


def _category_words() -> list[str]:
    rows, _ = category._cues()
    return [c for c, _, _ in rows]


def _domain_words() -> list[str]:
    _, cue_domain = domains._matcher()
    return list(cue_domain)


LISTS = {
    "category": (_category_words, lambda w: -len(w), lambda: category._cues()[1]),
    "domains": (_domain_words, lambda w: (-len(w), w), lambda: domains._matcher()[0]),
}


def _texts(n: int = 120) -> list[str]:
    paths = sorted(CORPORA.glob("*/*.txt"))
    step = max(1, len(paths) // n)
    return [p.read_text("utf-8") for p in paths[::step]]


def _spans(rx: re.Pattern, text: str) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), m.group()) for m in rx.finditer(text)]


@pytest.mark.parametrize("name", sorted(LISTS))
def test_the_modules_compile_the_trie(name):
    words, _, compiled = LISTS[name]
    assert compiled().pattern == trie_alternation(words())


@pytest.mark.parametrize("name", sorted(LISTS))
def test_same_matches_on_corpus_texts(name):
    words, key, compiled = LISTS[name]
    old, new = _old(words(), key), compiled()
    n = 0
    for text in _texts():
        got = _spans(new, text)
        assert got == _spans(old, text)
        n += len(got)
    assert n > 500  # the texts hold cues


@pytest.mark.parametrize("name", sorted(LISTS))
def test_same_matches_on_random_strings_of_cue_pieces(name):
    words, key, _ = LISTS[name]
    ws = words()
    old, new = _old(ws, key), re.compile(trie_alternation(ws))
    rnd = random.Random(7)
    pieces = ws + [w[:k] for w in ws for k in range(1, len(w))] + ["，", "的", "和", "a"]
    for _ in range(3000):
        text = "".join(rnd.choice(pieces) for _ in range(rnd.randint(1, 8)))
        assert _spans(new, text) == _spans(old, text), text


def test_same_matches_inside_a_larger_pattern():
    """The rest of a pattern failing after the longest word: both fall back to the shorter words, longest first."""
    ws = ["安全", "安全生产", "安全生产责任", "安", "生产", "产责", "责任制"]
    rnd = random.Random(3)
    alphabet = "安全生产责任制的"
    for tail in (r"责任制", r"[^责]", r"生", r"$", r"(?=产)"):
        old = re.compile(f"(?:{'|'.join(re.escape(w) for w in sorted(ws, key=lambda w: -len(w)))}){tail}")
        new = re.compile(f"(?:{trie_alternation(ws)}){tail}")
        for _ in range(2000):
            text = "".join(rnd.choice(alphabet) for _ in range(rnd.randint(1, 12)))
            assert _spans(new, text) == _spans(old, text), (tail, text)


def test_cue_hits_as_before():
    """``cue_hits`` gives (position, category, role) of the old pattern's matches."""
    rows, _ = category._cues()
    index = {c: (cat, role) for c, cat, role in rows}
    old = _old([c for c, _, _ in rows], lambda w: -len(w))
    for text in _texts(40):
        for line in text.splitlines():
            assert category.cue_hits(line) == [(m.start(), *index[m.group()]) for m in old.finditer(line)]


def test_trie_rejects_empty_words():
    with pytest.raises(ValueError):
        trie_alternation(["安全", ""])
    with pytest.raises(ValueError):
        trie_alternation([])
