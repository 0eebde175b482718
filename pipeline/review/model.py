"""What a review page shows, from a processed Document or from the database's rows.

A :class:`Page` is a document's cleaned text and its values (:class:`Value`): every task, unit, deadline, metric
and flag with its span in the text, the CSS class it is painted with and what the side list says about it.
Value ids (``t3``, ``t3-u1``, ``t3-d0``, ``m7``, ``f2``) are made here from positions, never taken from the
document, so that they are safe in HTML ids.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

#: paint order among values with the same span: the task outermost, a flag innermost
RANK = {"task": 0, "unit": 1, "deadline": 2, "metric": 3, "flag": 4}
ROLE_LABEL = {"lead": "牵头", "support": "配合", "responsible": "负责"}


@dataclass
class Value:
    vid: str
    kind: str  # task | unit | deadline | metric | flag
    css: str  # the highlight's classes
    span: tuple[int, int] | None  # in the cleaned text; None: not located
    label: str  # what the side list says
    detail: str = ""
    raw_span: tuple[int, int] | None = None  # in the original text, where the page has it
    parent: str | None = None  # a unit's or a deadline's task


@dataclass
class Page:
    source: str
    sha256: str
    title: str | None
    doc_type: str | None
    year: int | None
    issuer: str | None
    format: str | None
    text: str
    sections: list[dict[str, Any]] = field(default_factory=list)  # {id, heading, number, level}
    values: list[Value] = field(default_factory=list)
    task_sections: dict[str, str | None] = field(default_factory=dict)  # task vid → section id
    metric_sections: dict[str, str | None] = field(default_factory=dict)
    raw_text: str | None = None  # the reader's text, when the page is made from a file

    def count(self, kind: str) -> int:
        return sum(1 for v in self.values if v.kind == kind)


def _span(span: Any, n: int) -> tuple[int, int] | None:
    """A valid, non-empty span inside a text of length ``n``, else None."""
    if not span or len(span) != 2 or span[0] is None or span[1] is None:
        return None
    s, e = max(0, int(span[0])), min(n, int(span[1]))
    return (s, e) if e > s else None


def describe_deadline(d: dict) -> str:
    if d.get("kind") == "by_date":
        when = d.get("date") or ("masked" if d.get("masked") else "?")
    elif d.get("kind") == "range":
        when = f"{d.get('start') or '?'} – {d.get('end') or '?'}"
    else:
        when = f"{d.get('freq') or '?'}" + (f" ≥{d['min_count']}" if d.get("min_count") else "")
    return f"{d.get('kind')}: {when}"


def _num(v: Any) -> str:
    if v is None:
        return "?"
    return str(int(v)) if float(v).is_integer() else f"{v:g}"


def describe_metric(m: dict) -> str:
    value = "masked" if m.get("masked") else _num(m.get("value"))
    if m.get("value_max") is not None:
        value += f"–{_num(m['value_max'])}"
    approx = "≈" if m.get("approx") else ""
    return f"{m.get('category')}: {m.get('subject')} {approx}{value} {m.get('unit') or ''}".rstrip()


def page_from_record(rec: dict[str, Any], *, raw_text: str | None = None, raw_span=None) -> Page:
    """A page from a SPEC record (``Document.to_record()``, or one rebuilt from the database).

    ``raw_span`` maps a span of the cleaned text to the original text (``Document.raw_span``) when
    ``raw_text`` is given."""
    text = rec.get("text") or ""
    n = len(text)
    page = Page(source=str(rec.get("source") or ""), sha256=str(rec.get("sha256") or ""), title=rec.get("title"),
                doc_type=rec.get("doc_type"), year=rec.get("year"), issuer=rec.get("issuer"),
                format=rec.get("format"), text=text, raw_text=raw_text,
                sections=[{"id": s.get("id"), "heading": s.get("heading") or "", "number": s.get("number"),
                           "level": s.get("level") or 1} for s in rec.get("sections") or ()])

    def add(v: Value) -> None:
        if raw_text is not None and raw_span is not None and v.span:
            rs = raw_span(v.span)
            v.raw_span = _span(rs, len(raw_text))
        page.values.append(v)

    for i, t in enumerate(rec.get("tasks") or ()):
        tid = f"t{i + 1}"
        page.task_sections[tid] = t.get("section_id")
        add(Value(tid, "task", "task", _span(t.get("span"), n), str(t.get("id") or tid), t.get("text") or ""))
        for j, u in enumerate(t.get("units") or ()):
            role = u.get("role") if u.get("role") in ROLE_LABEL else "responsible"
            canon = u.get("canonical") or ""
            detail = f"{ROLE_LABEL[role]} {role}" + (f" → {canon}" if canon and canon != u.get("name") else "")
            add(Value(f"{tid}-u{j}", "unit", f"unit {role}", _span(u.get("span"), n), u.get("name") or "",
                      detail, parent=tid))
        for j, d in enumerate(t.get("deadlines") or ()):
            add(Value(f"{tid}-d{j}", "deadline", "deadline", _span(d.get("span"), n), d.get("raw") or "",
                      describe_deadline(d), parent=tid))
    for k, m in enumerate(rec.get("metrics") or ()):
        mid = f"m{k + 1}"
        page.metric_sections[mid] = m.get("section_id")
        add(Value(mid, "metric", "metric", _span(m.get("span"), n), m.get("raw") or "", describe_metric(m)))
    for k, f in enumerate(rec.get("flags") or ()):
        add(Value(f"f{k + 1}", "flag", "flag", _span(f.get("span"), n), f.get("code") or "", f.get("message") or ""))
    return page


def page_from_document(doc) -> Page:
    """A page from a processed :class:`pipeline.model.Document`, with its original text."""
    return page_from_record(doc.to_record(), raw_text=doc.raw_text, raw_span=doc.raw_span)
