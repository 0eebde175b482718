"""Alternations of literal words as a trie, for the regex engine (issue 7, extraction speed).

``re.compile("|".join(escaped words, longest first))`` tries, at every position where one of the words may start,
each of the words in turn: a few hundred branches per position for the cue lists. :func:`trie_alternation` writes the
same words as a trie (安(?:全(?:生产)?|...)): at each character one branch at most can go on, so a position costs a
few steps. It matches what the longest-first alternation matches, also inside a larger pattern: the words that match
at one position are prefixes of each other (they lie on one path of the trie); the alternation tries them longest
first, and so does the trie, whose optional tails are greedy (a tail first, the shorter word when the rest of the
pattern fails after it). Words of the same length cannot both match at one position. ``tests/test_speed_literals.py``
checks the matches against the plain alternation.

No imports from the rest of the package: everything may use it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_END = ""  # a key no character equals: a word ends at this node


def trie_alternation(words: Iterable[str]) -> str:
    """A regex fragment matching what ``"|".join(re.escape(w) for w in sorted(words, key=lambda w: -len(w)))``
    matches, from the same position and to the same end. An empty word, or no word at all, is a ValueError (an
    empty branch would match everywhere)."""
    trie: dict = {}
    for w in words:
        if not w:
            raise ValueError("an empty word in a literal alternation")
        node = trie
        for ch in w:
            node = node.setdefault(ch, {})
        node[_END] = None
    if not trie:
        raise ValueError("no words")
    return _emit(trie)


def _emit(node: dict) -> str:
    alts = [re.escape(ch) + _emit(sub) for ch, sub in sorted((k, v) for k, v in node.items() if k != _END)]
    if not alts:
        return ""
    body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
    if _END in node:  # a word ends here: a longer word first, then this one
        return f"(?:{body})?"
    return body
