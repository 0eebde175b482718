"""Values painted in place: a text cut into lines, each line's stretches wrapped in nested ``<mark>`` elements.

Spans may overlap without nesting (a unit parenthetical that runs past its task, a metric across a deadline):
the text is cut at every span boundary, and each stretch is wrapped in the marks of the values that cover it,
the one that starts first (then the longer, then the lower :data:`~pipeline.review.model.RANK`) outermost. A
mark that cannot stay open across a boundary is closed and opened again, so the HTML always nests; every piece
of a value carries ``data-v`` (and the first one its ``id``), so a value split in pieces is still one value. Lines
are cut the same way: a mark never crosses a line.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable

from markupsafe import Markup, escape

from .model import RANK, Value


def lines_of(text: str) -> list[tuple[int, int]]:
    """The ``[start, end)`` of every line of ``text`` (without its ``\\n``)."""
    out, pos = [], 0
    while True:
        nl = text.find("\n", pos)
        if nl < 0:
            out.append((pos, len(text)))
            return out
        out.append((pos, nl))
        pos = nl + 1


def paint(text: str, values: Iterable[Value], *, raw: bool = False, prefix: str = "v") -> list[Markup]:
    """One HTML fragment per line of ``text``, the values' spans (``raw_span`` when ``raw``) as nested marks.

    The first piece of each value gets ``id="{prefix}-{vid}"``; every piece gets ``data-v="{vid}"``."""
    spans = []
    for v in values:
        sp = v.raw_span if raw else v.span
        if sp:
            spans.append((sp[0], -sp[1], RANK.get(v.kind, 9), v))
    spans.sort(key=lambda x: x[:3])
    order = {id(x[3]): k for k, x in enumerate(spans)}
    starts = [x[0] for x in spans]
    opened: set[str] = set()
    out: list[Markup] = []
    active: list[tuple[int, int, Value]] = []  # (start, end, value) of spans that started before the line's end
    nxt = 0
    for ls, le in lines_of(text):
        hi = bisect.bisect_left(starts, le) if le > ls else bisect.bisect_right(starts, ls)
        while nxt < hi:
            s, neg_e, _, v = spans[nxt]
            active.append((s, -neg_e, v))
            nxt += 1
        active = [a for a in active if a[1] > ls]
        here = [(max(s, ls), min(e, le), v) for s, e, v in active if s < le]
        if not here:
            out.append(Markup(escape(text[ls:le])))
            continue
        cuts = sorted({ls, le, *(s for s, _, _ in here), *(e for _, e, _ in here)})
        parts: list[str] = []
        stack: list[Value] = []
        for a, b in zip(cuts, cuts[1:]):
            want = sorted((v for s, e, v in here if s <= a and e >= b), key=lambda v: order[id(v)])
            keep = 0
            while keep < len(stack) and keep < len(want) and stack[keep] is want[keep]:
                keep += 1
            for _ in range(len(stack) - keep):
                parts.append("</mark>")
            del stack[keep:]
            for v in want[keep:]:
                anchor = ""
                if v.vid not in opened:
                    opened.add(v.vid)
                    anchor = f' id="{prefix}-{escape(v.vid)}"'
                parts.append(f'<mark{anchor} class="{escape(v.css)}" data-v="{escape(v.vid)}">')
                stack.append(v)
            parts.append(str(escape(text[a:b])))
        parts.extend("</mark>" for _ in stack)
        out.append(Markup("".join(parts)))
    return out


def line_of(starts: list[int], pos: int) -> int:
    """The index of the line holding ``pos``, given every line's start."""
    return max(0, bisect.bisect_right(starts, pos) - 1)
