"""The one document model that moves through every stage.

A :class:`Document` is made by a reader (``raw_text`` and ``blocks``), then each
stage returns a new Document with more fields filled (``dataclasses.replace``):
clean → ``text``, ``offsets`` and ``flags``; structure → ``sections``,
``title``, ``doc_type``, ``year``, ``issuer``; extract → ``tasks`` and
``metrics``. Spans are ``(start, end)`` into ``text``; ``offsets[i]`` is the
index in ``raw_text`` of the character ``text[i]`` came from, so every span
leads back to the original.
"""

from __future__ import annotations

from array import array
from dataclasses import asdict, dataclass, field, fields
from typing import Any

Span = tuple[int, int]


@dataclass(frozen=True)
class Block:
    """A paragraph or table row as the reader found it.

    ``start``/``end`` index ``Document.raw_text``; ``page`` is the PDF page
    (1-based) and ``index`` the paragraph index in the source (docx body order,
    txt line number, html paragraph number).
    """

    text: str
    start: int
    end: int
    kind: str = "paragraph"  # paragraph | table_row | heading
    page: int | None = None
    index: int = 0


@dataclass(frozen=True)
class Flag:
    code: str
    message: str
    span: Span | None = None


@dataclass(frozen=True)
class Section:
    id: str
    parent: str | None
    level: int
    number: str | None
    heading: str
    span: Span
    marker: str = ""  # the marker family: part, 一、, (一), 1., (1), 一是 …
    heading_span: Span | None = None
    body_start: int = 0  # where the item's own words start, after number and heading


@dataclass(frozen=True)
class Unit:
    name: str
    canonical: str
    role: str  # lead | support | responsible
    span: Span | None = None
    # normaliser: department | committee | government | township/street | enterprise | collective
    kind: str | None = None
    level: str | None = None  # normaliser: 省 | 市 | 区 | 县 | 镇


@dataclass(frozen=True)
class Deadline:
    kind: str  # by_date | range | recurring
    date: str | None = None
    start: str | None = None
    end: str | None = None
    freq: str | None = None
    min_count: int | None = None
    masked: bool = False
    raw: str = ""
    span: Span | None = None


@dataclass(frozen=True)
class Task:
    id: str
    section_id: str | None
    span: Span
    text: str
    units: tuple[Unit, ...] = ()
    deadlines: tuple[Deadline, ...] = ()
    domain: str | None = None  # normaliser: 危险化学品, 消防, 道路交通 … 综合 (pipeline/data/domains.tsv)


@dataclass(frozen=True)
class Metric:
    subject: str
    category: str
    value: float | int | None
    unit: str
    raw: str
    span: Span
    value_max: float | int | None = None
    approx: bool = False
    masked: bool = False
    as_of: str | None = None
    section_id: str | None = None
    # normaliser (docs/MEASURES.md): count | amount | rate | change; the verb's stage; the key that sums like with like
    kind: str | None = None
    stage: str | None = None
    measure: str | None = None


@dataclass(frozen=True)
class Document:
    """One submitted file on its way through the pipeline."""

    source: str
    sha256: str
    format: str
    raw_text: str
    blocks: tuple[Block, ...] = ()
    text: str = ""
    offsets: array = field(default_factory=lambda: array("i"), repr=False, compare=False)
    title: str | None = None
    doc_type: str | None = None
    year: int | None = None
    issuer: str | None = None
    sections: tuple[Section, ...] = ()
    tasks: tuple[Task, ...] = ()
    metrics: tuple[Metric, ...] = ()
    flags: tuple[Flag, ...] = ()
    meta: dict[str, Any] = field(default_factory=dict, compare=False)
    # the segments the task model chose among: (Task, features' inputs) pairs; for training and inspection,
    # not part of the record
    task_candidates: tuple[tuple[Task, dict[str, Any]], ...] = field(default=(), compare=False, repr=False)

    def __repr__(self) -> str:
        """A short summary (the text is often 100,000 characters): source, title, type, year, length, counts."""
        title = self.title if self.title is None or len(self.title) <= 40 else self.title[:39] + "…"
        units = sum(len(t.units) for t in self.tasks)
        return (f"Document(source={self.source!r}, title={title!r}, doc_type={self.doc_type!r}, year={self.year!r}, "
                f"format={self.format!r}, chars={len(self.text or self.raw_text)}, sections={len(self.sections)}, "
                f"tasks={len(self.tasks)}, units={units}, metrics={len(self.metrics)}, flags={len(self.flags)})")

    # -- provenance -----------------------------------------------------
    def raw_span(self, span: Span) -> Span:
        """Map a span of the cleaned ``text`` back to ``raw_text``."""
        s, e = span
        if not self.offsets:
            return span
        start = self.offsets[s] if s < len(self.offsets) else len(self.raw_text)
        end = self.offsets[e - 1] + 1 if e > s else start
        return (start, end)

    def section_at(self, pos: int) -> Section | None:
        """The innermost section containing ``pos`` of ``text``: of those that hold it, the one of the highest
        level (the last one listed among equals). A binary search over the section starts when the spans nest
        (they do: a section holds its subsections), so a lookup per task or metric is not linear in sections."""
        ix = _section_index(self.sections)
        if ix is None:  # spans that overlap without nesting: every section is looked at
            best = None
            for sec in self.sections:
                if sec.span[0] <= pos < sec.span[1] and (best is None or sec.level >= best.level):
                    best = sec
            return best
        return ix.at(pos)

    def block_spans(self) -> list[Span]:
        """The blocks' spans in the cleaned ``text`` (via the offset map)."""
        import bisect

        offs = self.offsets
        out = []
        for b in self.blocks:
            s = bisect.bisect_left(offs, b.start)
            e = bisect.bisect_left(offs, b.end)
            out.append((s, e))
        return out

    # -- serialisation ----------------------------------------------------
    def to_record(self) -> dict[str, Any]:
        """The SPEC §2 record."""

        def sec(s: Section) -> dict[str, Any]:
            return {"id": s.id, "parent": s.parent, "level": s.level, "number": s.number,
                    "heading": s.heading, "span": list(s.span), "marker": s.marker}

        def unit(u: Unit) -> dict[str, Any]:
            return {"name": u.name, "canonical": u.canonical, "role": u.role, "kind": u.kind, "level": u.level,
                    "span": list(u.span) if u.span else None}

        def dl(d: Deadline) -> dict[str, Any]:
            out = {f.name: getattr(d, f.name) for f in fields(d) if f.name != "span"}
            out["span"] = list(d.span) if d.span else None
            return out

        return {
            "source": self.source,
            "sha256": self.sha256,
            "format": self.format,
            "title": self.title,
            "doc_type": self.doc_type,
            "year": self.year,
            "issuer": self.issuer,
            "text": self.text,
            "sections": [sec(s) for s in self.sections],
            "tasks": [
                {"id": t.id, "section_id": t.section_id, "span": list(t.span), "text": t.text,
                 "units": [unit(u) for u in t.units], "deadlines": [dl(d) for d in t.deadlines],
                 "domain": t.domain}
                for t in self.tasks
            ],
            "metrics": [
                {**{k: v for k, v in asdict(m).items() if k != "span"}, "span": list(m.span)}
                for m in self.metrics
            ],
            "flags": [{"code": f.code, "message": f.message, "span": list(f.span) if f.span else None}
                      for f in self.flags],
            "meta": self.meta,
        }

    def outline(self) -> str:
        """A readable section outline (one line per section), for people and golden files."""
        lines = []
        for s in self.sections:
            num = f"{s.number} " if s.number else ""
            lines.append(f"{'  ' * (s.level - 1)}{num}{s.heading}")
        return "\n".join(lines)


class _SectionIndex:
    """Sections sorted by start (outer first among equal starts), each with the nearest earlier one enclosing it.

    When spans nest or are disjoint, the sections that hold a position are the chain of enclosing sections of the
    last one starting at or before it (walked up past those that end before it).
    """

    def __init__(self, sections: tuple[Section, ...], order: list[int], enclosing: list[int]):
        self.sections = sections
        self.order = order
        self.starts = [sections[k].span[0] for k in order]
        self.enclosing = enclosing

    def at(self, pos: int) -> Section | None:
        import bisect

        secs, order, enc = self.sections, self.order, self.enclosing
        j = bisect.bisect_right(self.starts, pos) - 1
        while j >= 0 and secs[order[j]].span[1] <= pos:
            j = enc[j]
        best = -1
        while j >= 0:  # every one of this chain holds pos: the highest level, the last listed among equals
            k = order[j]
            if best < 0 or (secs[k].level, k) > (secs[best].level, best):
                best = k
            j = enc[j]
        return secs[best] if best >= 0 else None


_SECTION_INDEX: list = []  # [sections tuple, its index or None]: the last document's, kept while it is in use


def _section_index(sections: tuple[Section, ...]) -> _SectionIndex | None:
    if _SECTION_INDEX and _SECTION_INDEX[0] is sections:
        return _SECTION_INDEX[1]
    order = sorted((k for k, s in enumerate(sections) if s.span[0] < s.span[1]),
                   key=lambda k: (sections[k].span[0], -sections[k].span[1], k))
    enclosing, stack, ok = [], [], True
    for j, k in enumerate(order):
        s, e = sections[k].span
        while stack and sections[order[stack[-1]]].span[1] <= s:
            stack.pop()
        if stack and sections[order[stack[-1]]].span[1] < e:  # overlaps its encloser without nesting
            ok = False
            break
        enclosing.append(stack[-1] if stack else -1)
        stack.append(j)
    ix = _SectionIndex(sections, order, enclosing) if ok else None
    _SECTION_INDEX[:] = [sections, ix]
    return ix
