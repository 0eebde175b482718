"""The extractions of a document as plain text, under each section (``taskdb extract --format text``).

::

    ## extractions
    一、构建完善的安全生产责任体系
      1 认真学习贯彻党的二十大精神…
        [t1] 把党的二十大报告对安全生产作出的重要部署落到实处,…
             负责 区委宣传部 (responsible)
             deadline 4月底前 → by_date 2024-04-30
        metric 排查整治隐患9542处 → hazard 9542 处

Sections are listed in document order, indented by level, each with the tasks and metrics whose ``section_id``
is that section; those outside every section come first, under ``(before the first section)``.
"""

from __future__ import annotations

from .model import ROLE_LABEL, describe_deadline, describe_metric

_WIDTH = 100  # a task's text is cut here (the cleaned text itself is printed in full below)


def _cut(text: str, width: int = _WIDTH) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def extraction_listing(rec: dict) -> str:
    """The record's tasks (with units, roles and deadlines) and metrics, under each section."""
    by_sec: dict[str | None, tuple[list, list]] = {}
    for t in rec.get("tasks") or ():
        by_sec.setdefault(t.get("section_id"), ([], []))[0].append(t)
    for m in rec.get("metrics") or ():
        by_sec.setdefault(m.get("section_id"), ([], []))[1].append(m)
    sections = rec.get("sections") or ()
    known = {s.get("id") for s in sections}
    lines: list[str] = []

    def items(tasks: list, metrics: list, indent: str) -> None:
        for t in tasks:
            lines.append(f"{indent}[{t.get('id')}] {_cut(t.get('text') or '')}")
            pad = indent + " " * (len(str(t.get("id"))) + 3)
            for u in t.get("units") or ():
                role = u.get("role")
                canon = u.get("canonical")
                also = f" → {canon}" if canon and canon != u.get("name") else ""
                lines.append(f"{pad}{ROLE_LABEL.get(role, role)} {u.get('name')}{also} ({role})")
            for d in t.get("deadlines") or ():
                lines.append(f"{pad}deadline {d.get('raw')} → {describe_deadline(d)}")
        for m in metrics:
            lines.append(f"{indent}metric {m.get('raw')} → {describe_metric(m)}")

    orphan_tasks: list = []
    orphan_metrics: list = []
    for sid, (ts, ms) in by_sec.items():
        if sid is None or sid not in known:
            orphan_tasks += ts
            orphan_metrics += ms
    if orphan_tasks or orphan_metrics:
        lines.append("(before the first section)")
        items(orphan_tasks, orphan_metrics, "  ")
    for s in sections:
        level = max(1, int(s.get("level") or 1))
        indent = "  " * (level - 1)
        num = f"{s.get('number')} " if s.get("number") else ""
        lines.append(f"{indent}{num}{s.get('heading') or ''}")
        ts, ms = by_sec.get(s.get("id"), ([], []))
        items(ts, ms, indent + "  ")
    n_t = len(rec.get("tasks") or ())
    n_u = sum(len(t.get("units") or ()) for t in rec.get("tasks") or ())
    n_m = len(rec.get("metrics") or ())
    lines.append(f"({n_t} tasks, {n_u} units, {n_m} metrics)")
    return "\n".join(lines)
