"""Text with an offset map: every character knows where in the original it came from."""

from __future__ import annotations

import re
from array import array
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class Mapped:
    """``text`` and ``origin`` (``origin[i]`` = index in the original of ``text[i]``).

    Steps never reorder text, so ``origin`` stays non-decreasing and an
    offset in the cleaned text maps back by lookup, and forward by bisection.
    """

    text: str
    origin: array
    flags: list = field(default_factory=list)  # (code, message, raw_start, raw_end)

    @classmethod
    def of(cls, text: str) -> Mapped:
        return cls(text, array("i", range(len(text))))

    def flag(self, code: str, message: str, start: int, end: int) -> None:
        """Record a flag over ``text[start:end]`` (kept in original offsets, so later steps cannot shift it)."""
        rs = self.origin[start] if start < len(self.origin) else (self.origin[-1] + 1 if self.origin else 0)
        re_ = self.origin[end - 1] + 1 if end > start else rs
        self.flags.append((code, message, rs, re_))

    def sub(self, pattern: re.Pattern, repl: str | Callable[[re.Match], str]) -> Mapped:
        """Like ``pattern.sub`` but carrying the offset map along.

        A replacement that occurs inside the matched text maps onto that place
        (so ``區(qū)`` → ``區`` keeps the character's own offset); other
        replacement characters map onto the match's start.
        """
        edits = []
        for m in pattern.finditer(self.text):
            r = repl(m) if callable(repl) else m.expand(repl)
            if r != m.group(0):
                edits.append((m.start(), m.end(), r))
        return self.splice(edits)

    def replace_same_length(self, new_text: str) -> Mapped:
        """Swap in a text of the same length, character for character (e.g. script conversion)."""
        assert len(new_text) == len(self.text)
        return Mapped(new_text, self.origin, self.flags)

    def splice(self, edits: list[tuple[int, int, str]]) -> Mapped:
        """Apply ``(start, end, replacement)`` edits (sorted, not overlapping)."""
        if not edits:
            return self
        pieces: list[str] = []
        origin = array("i")
        pos = 0
        for s, e, r in edits:
            pieces.append(self.text[pos:s])
            origin.extend(self.origin[pos:s])
            pieces.append(r)
            k = self.text[s:e].find(r) if r else -1
            if r and k >= 0:
                origin.extend(self.origin[s + k:s + k + len(r)])
            elif s < len(self.origin):
                origin.extend(self.origin[min(s + j, max(e - 1, s))] for j in range(len(r)))
            else:
                end = self.origin[-1] + 1 if self.origin else 0
                origin.extend(end for _ in r)
            pos = e
        pieces.append(self.text[pos:])
        origin.extend(self.origin[pos:])
        return Mapped("".join(pieces), origin, self.flags)
