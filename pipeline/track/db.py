"""``taskdb track --db URL``: every plan of a database linked to its reports, stored in ``task_progress``."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import delete, insert, select

from ..store.db import open_engine
from ..store.schema import (
    document_paths,
    documents,
    metrics,
    sections,
    task_progress,
    task_units,
    tasks,
)


def records_of(engine, doc_types: tuple[str, ...] = ("plan", "report")) -> list[dict]:
    """The SPEC records (the parts the linker reads) of the database's plans and reports (the latest version of
    each document), by first path."""
    with engine.connect() as conn:
        docs = conn.execute(select(documents.c.sha256, documents.c.title, documents.c.doc_type, documents.c.year,
                                   documents.c.issuer, documents.c.text)
                            .where(documents.c.doc_type.in_(doc_types), documents.c.latest)).fetchall()
        first_path: dict[str, str] = {}
        for sha, path in conn.execute(select(document_paths.c.sha256, document_paths.c.path)
                                      .order_by(document_paths.c.path)):
            first_path.setdefault(sha, path)
        recs = {d.sha256: {"sha256": d.sha256, "source": first_path.get(d.sha256, d.sha256), "title": d.title,
                           "doc_type": d.doc_type, "year": d.year, "issuer": d.issuer, "text": d.text,
                           "sections": [], "tasks": [], "metrics": []} for d in docs}
        for s in conn.execute(select(sections).order_by(sections.c.sha256, sections.c.ord)):
            if s.sha256 in recs:
                recs[s.sha256]["sections"].append({"id": s.id, "parent": s.parent, "level": s.level,
                                                   "heading": s.heading, "span": [s.span_start, s.span_end]})
        by_task: dict[tuple[str, str], dict] = {}
        for t in conn.execute(select(tasks).order_by(tasks.c.sha256, tasks.c.ord)):
            if t.sha256 in recs and recs[t.sha256]["doc_type"] == "plan":
                row = {"id": t.id, "section_id": t.section_id, "text": t.text, "units": [],
                       "span": [t.span_start, t.span_end] if t.span_start is not None else None}
                recs[t.sha256]["tasks"].append(row)
                by_task[(t.sha256, t.id)] = row
        for u in conn.execute(select(task_units).order_by(task_units.c.sha256, task_units.c.task_id,
                                                          task_units.c.ord)):
            row = by_task.get((u.sha256, u.task_id))
            if row is not None:
                row["units"].append({"name": u.name, "canonical": u.canonical, "role": u.role})
        for m in conn.execute(select(metrics.c.sha256, metrics.c.raw, metrics.c.span_start, metrics.c.span_end)
                              .order_by(metrics.c.sha256, metrics.c.ord)):
            if m.sha256 in recs and m.span_start is not None:
                recs[m.sha256]["metrics"].append({"raw": m.raw, "span": [m.span_start, m.span_end]})
    # plans in path order (the order ingest walked them), then reports
    return sorted(recs.values(), key=lambda r: (r["doc_type"] != "plan", r["source"]))


def write_progress(engine, plan_records: list[dict], linked: list[dict]) -> int:
    """Replace the ``task_progress`` rows of the given plans by ``linked`` (SPEC §9 records); returns rows written."""
    task_progress.create(engine, checkfirst=True)
    sha_of_plan = {r["source"]: r["sha256"] for r in plan_records}
    sha_of_source: dict[str, str] = {}
    now = datetime.now(UTC).isoformat(timespec="seconds")
    rows = []
    for rec in linked:
        plan_sha = sha_of_plan.get(rec["plan"])
        if plan_sha is None:
            continue
        base = {"plan_sha256": plan_sha, "task_id": rec["task_id"], "status": rec["status"], "tracked_at": now}
        if not rec["evidence"]:
            rows.append({**base, "ord": 0, "report_sha256": None, "sentence": None, "span_start": None,
                         "span_end": None, "section_id": None, "part": None, "score": None, "metrics": None})
        for k, e in enumerate(rec["evidence"], 1):
            rows.append({**base, "ord": k, "report_sha256": e.get("sha256") or sha_of_source.get(e["source"]),
                         "sentence": e["text"], "span_start": e["span"][0], "span_end": e["span"][1],
                         "section_id": e.get("section_id"), "part": e.get("part"), "score": e.get("score"),
                         "metrics": e.get("metrics") or []})
    with engine.begin() as conn:
        shas = sorted(set(sha_of_plan.values()))
        if shas:
            conn.execute(delete(task_progress).where(task_progress.c.plan_sha256.in_(shas)))
        if rows:
            conn.execute(insert(task_progress), rows)
    return len(rows)


def track_db(url: str | Path, *, model="auto", write: bool = True) -> list[dict]:
    """Link every plan of the database at ``url`` to its reports (SPEC §9); store them in ``task_progress``
    when ``write``. Returns the SPEC §9 records (each evidence with its report's ``sha256``)."""
    from ..learn.tracking.link import current_model, track_records

    engine = open_engine(url, create=False)
    try:
        recs = records_of(engine)
        by_source = {r["source"]: r["sha256"] for r in recs}
        out = track_records(recs, model=current_model() if model == "auto" else model)
        for rec in out:
            for e in rec["evidence"]:
                e["sha256"] = by_source.get(e["source"])
        if write:
            write_progress(engine, [r for r in recs if r["doc_type"] == "plan"], out)
        return out
    finally:
        engine.dispose()
