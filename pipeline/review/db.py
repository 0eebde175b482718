"""SPEC records rebuilt from a taskdb database, for the review pages (no pandas: plain rows, grouped by document)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import func, select


def _span(row: Any) -> list[int] | None:
    if row["span_start"] is None or row["span_end"] is None:
        return None
    return [row["span_start"], row["span_end"]]


def _grouped(conn, table, *order) -> dict[str, list]:
    out: dict[str, list] = defaultdict(list)
    for r in conn.execute(select(table).order_by(table.c.sha256, *order)).mappings():
        out[r["sha256"]].append(r)
    return out


def records(url: str | Path) -> Iterator[dict[str, Any]]:
    """One record per stored document (ordered by its first path), in the shape of ``Document.to_record()``."""
    from ..store.db import open_engine
    from ..store.schema import deadlines, document_paths, documents, flags, metrics, sections, task_units, tasks

    engine = open_engine(url, create=False)
    try:
        with engine.connect() as conn:
            source = (select(func.min(document_paths.c.path)).where(document_paths.c.sha256 == documents.c.sha256)
                      .scalar_subquery())
            docs = list(conn.execute(select(source.label("source"), documents.c.sha256, documents.c.format,
                                            documents.c.title, documents.c.doc_type, documents.c.year,
                                            documents.c.issuer, documents.c.text)).mappings())
            secs = _grouped(conn, sections, sections.c.ord)
            tks = _grouped(conn, tasks, tasks.c.ord)
            tus = _grouped(conn, task_units, task_units.c.task_id, task_units.c.ord)
            dls = _grouped(conn, deadlines, deadlines.c.task_id, deadlines.c.ord)
            mets = _grouped(conn, metrics, metrics.c.ord)
            fls = _grouped(conn, flags, flags.c.ord)
    finally:
        engine.dispose()
    docs.sort(key=lambda d: (d["source"] or "", d["sha256"]))
    for d in docs:
        sha = d["sha256"]
        units_of: dict[str, list] = defaultdict(list)
        for u in tus.get(sha, ()):
            units_of[u["task_id"]].append({"name": u["name"], "canonical": u["canonical"], "role": u["role"],
                                           "span": _span(u)})
        deadlines_of: dict[str, list] = defaultdict(list)
        for x in dls.get(sha, ()):
            deadlines_of[x["task_id"]].append({"kind": x["kind"], "date": x["date"], "start": x["start_date"],
                                               "end": x["end_date"], "freq": x["freq"], "min_count": x["min_count"],
                                               "masked": x["masked"], "raw": x["raw"], "span": _span(x)})
        yield {
            "source": d["source"] or sha, "sha256": sha, "format": d["format"], "title": d["title"],
            "doc_type": d["doc_type"], "year": d["year"], "issuer": d["issuer"], "text": d["text"] or "",
            "sections": [{"id": s["id"], "parent": s["parent"], "level": s["level"], "number": s["number"],
                          "heading": s["heading"], "span": _span(s)} for s in secs.get(sha, ())],
            "tasks": [{"id": t["id"], "section_id": t["section_id"], "span": _span(t), "text": t["text"],
                       "units": units_of.get(t["id"], []), "deadlines": deadlines_of.get(t["id"], [])}
                      for t in tks.get(sha, ())],
            "metrics": [{"subject": m["subject"], "category": m["category"], "value": m["value"],
                         "value_max": m["value_max"], "unit": m["unit"], "approx": m["approx"], "masked": m["masked"],
                         "as_of": m["as_of"], "raw": m["raw"], "span": _span(m), "section_id": m["section_id"]}
                        for m in mets.get(sha, ())],
            "flags": [{"code": f["code"], "message": f["message"], "span": _span(f)} for f in fls.get(sha, ())],
        }


def stored_errors(url: str | Path) -> list[tuple[str, str, str]]:
    """The files the ingests could not read: (path, code, message)."""
    from ..store.db import open_engine
    from ..store.schema import errors

    engine = open_engine(url, create=False)
    try:
        with engine.connect() as conn:
            return [(r.path, r.code, r.message or "") for r in conn.execute(select(errors).order_by(errors.c.path))]
    finally:
        engine.dispose()
