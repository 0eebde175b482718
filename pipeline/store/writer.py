"""Documents → rows (pure, runs in the workers), and the one writer that stores them.

:func:`document_rows` turns a :class:`~pipeline.model.Document` into the rows of
every table; it does no I/O, so the worker processes run it and hand the main
process only what it writes. :class:`Writer` owns the connection: every method
that changes the database is one transaction, so a document is stored whole or
not at all, whatever kills the process.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import random
import re
import socket
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from operator import itemgetter
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine, and_, bindparam, delete, func, insert, or_, select, update
from sqlalchemy.exc import DBAPIError

from ..model import Document
from .db import StoreError
from .renditions import (
    Fingerprint,
    band_rows,
    drop_document,
    family,
    find_rendition,
    find_version,
    fingerprint,
    lock_documents,
    renumber,
    richness,
)
from .schema import (
    deadlines,
    document_bands,
    document_paths,
    documents,
    errors,
    flags,
    metrics,
    runs,
    sections,
    task_units,
    tasks,
    unit_aliases,
    units,
)

_log = logging.getLogger(__name__)

# A masked name (XX区, xx市, *县, 某区) says nothing about where it is.
_MASKED = re.compile(r"[xX×*＊]|某")
# The place at the head of an issuer: 安康市…, 宜兴市徐舍镇…, 江苏省…; none in 区应急管理局.
_PLACE = re.compile(r"^(?:中共)?((?:[^\s,，、()（）]{1,10}?(?:省|自治区|市|自治州|州|盟|地区|区|县|旗|镇|乡|街道))+)")
_NOT_A_PLACE = re.compile(r"^[全我本各该][省市区县镇乡]")


def region_of(doc: Document) -> str | None:
    """The jurisdiction of a document: the normaliser's ``region`` if it set one, else
    the place its issuer names (``安康市`` in ``安康市安全生产委员会办公室``), else None.

    >>> from pipeline.model import Document
    >>> region_of(Document("x", "0", "txt", "", issuer="宜兴市徐舍镇人民政府"))
    '宜兴市徐舍镇'
    >>> region_of(Document("x", "0", "txt", "", issuer="区应急管理局")) is None
    True
    """
    region = getattr(doc, "region", None) or (doc.meta or {}).get("region")
    if region:
        return str(region)
    if not doc.issuer:
        return None
    m = _PLACE.match(doc.issuer)
    if not m or _MASKED.search(m.group(1)):
        return None
    place = m.group(1)
    # a level word with no name is no place: 全区…, 我县…, 本市…
    return None if _NOT_A_PLACE.match(place) else place


def unit_scope(doc: Document) -> str:
    """Where a canonical unit name is one organisation: the document's region, else the document itself.

    The same canonical name in two districts' documents is two organisations
    (SPEC §4); when a document's district is unknown its units are its own.
    """
    region = region_of(doc)
    return f"region:{region}" if region else f"document:{doc.sha256}"


def unit_id(scope: str, canonical: str) -> str:
    """A stable id for a unit, the same in every database built from the same files."""
    return hashlib.sha1(f"{scope}\x1f{canonical}".encode()).hexdigest()[:20]


def _json_safe(value: Any) -> Any:
    return json.loads(json.dumps(value, ensure_ascii=False, default=str))


def _span(span) -> tuple[int | None, int | None]:
    if not span:
        return None, None
    return int(span[0]), int(span[1])


def _due(kind: str, date: str | None, end: str | None) -> str | None:
    if kind == "by_date":
        return date
    if kind == "range":
        return end
    return None


def _num(v) -> float | None:
    return None if v is None else float(v)


@dataclass
class DocumentRows:
    """Every row one document owns, ready for the writer."""

    sha256: str
    document: dict
    sections: list[dict] = field(default_factory=list)
    tasks: list[dict] = field(default_factory=list)
    units: list[dict] = field(default_factory=list)  # distinct units of this document
    aliases: list[dict] = field(default_factory=list)  # distinct (unit_id, name)
    task_units: list[dict] = field(default_factory=list)
    deadlines: list[dict] = field(default_factory=list)
    metrics: list[dict] = field(default_factory=list)
    flags: list[dict] = field(default_factory=list)
    bands: tuple[str, ...] = ()  # LSH band hashes of the text (pipeline.store.renditions)

    @property
    def richness(self) -> tuple:
        d = self.document
        return richness(d["format"], d["n_chars"], self.sha256)


def document_rows(doc: Document, *, pipeline_version: str) -> DocumentRows:
    """The rows of ``doc`` for every table (no I/O: the worker processes run this)."""
    sha = doc.sha256
    region = region_of(doc)
    scope = unit_scope(doc)
    fp = fingerprint(doc.text, doc.title)
    out = DocumentRows(
        sha256=sha,
        document={
            "sha256": sha, "format": doc.format, "title": doc.title, "doc_type": doc.doc_type, "year": doc.year,
            "issuer": doc.issuer, "region": region, "n_chars": len(doc.text), "text": doc.text,
            "meta": _json_safe(doc.meta or {}), "pipeline_version": pipeline_version,
            "text_key": fp.text_key, "title_key": fp.title_key,
        },
        bands=fp.bands,
    )
    for i, s in enumerate(doc.sections):
        a, b = _span(s.span)
        out.sections.append({"sha256": sha, "id": s.id, "ord": i, "parent": s.parent, "level": s.level,
                             "number": s.number, "heading": s.heading, "marker": s.marker or None,
                             "span_start": a, "span_end": b})
    seen_units: dict[str, dict] = {}
    seen_aliases: set[tuple[str, str]] = set()
    for i, t in enumerate(doc.tasks):
        a, b = _span(t.span)
        out.tasks.append({"sha256": sha, "id": t.id, "ord": i, "section_id": t.section_id, "text": t.text,
                          "domain": getattr(t, "domain", None), "span_start": a, "span_end": b})
        for j, u in enumerate(t.units):
            canonical = u.canonical or u.name
            uid = unit_id(scope, canonical)
            kind, level = getattr(u, "kind", None), getattr(u, "level", None)
            row = seen_units.get(uid)
            if row is None:
                seen_units[uid] = {"id": uid, "scope": scope, "canonical": canonical, "region": region,
                                   "kind": kind, "level": level}
            else:
                row["kind"] = row["kind"] or kind
                row["level"] = row["level"] or level
            if (uid, u.name) not in seen_aliases:
                seen_aliases.add((uid, u.name))
                out.aliases.append({"unit_id": uid, "name": u.name})
            a, b = _span(u.span)
            out.task_units.append({"sha256": sha, "task_id": t.id, "ord": j, "unit_id": uid, "name": u.name,
                                   "canonical": canonical, "role": u.role, "span_start": a, "span_end": b})
        for j, d in enumerate(t.deadlines):
            a, b = _span(d.span)
            out.deadlines.append({"sha256": sha, "task_id": t.id, "ord": j, "kind": d.kind, "date": d.date,
                                  "start_date": d.start, "end_date": d.end, "due": _due(d.kind, d.date, d.end),
                                  "freq": d.freq, "min_count": d.min_count, "masked": bool(d.masked),
                                  "raw": d.raw, "span_start": a, "span_end": b})
    out.units = list(seen_units.values())
    for i, m in enumerate(doc.metrics):
        a, b = _span(m.span)
        out.metrics.append({"sha256": sha, "ord": i, "section_id": m.section_id, "subject": m.subject,
                            "category": m.category, "value": _num(m.value), "value_max": _num(m.value_max),
                            "unit": m.unit, "approx": bool(m.approx), "masked": bool(m.masked), "as_of": m.as_of,
                            "raw": m.raw, "span_start": a, "span_end": b, "kind": m.kind, "stage": m.stage,
                            "measure": m.measure})
    for i, f in enumerate(doc.flags):
        a, b = _span(f.span)
        out.flags.append({"sha256": sha, "ord": i, "code": f.code, "message": f.message,
                          "span_start": a, "span_end": b})
    return out


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


#: a running ingest renews ``runs.heartbeat_at`` this often (seconds) …
HEARTBEAT_S = 10.0
#: … and a run whose heartbeat is older than this is dead, wherever it ran
STALE_AFTER_S = 120.0
HOST = socket.gethostname()

#: times a transaction that a concurrent writer made fail is run again (see Writer._transaction)
RETRIES = 6
#: SQLSTATEs of a transaction that lost to a concurrent one: deadlock, serialisation failure, unique violation
_TRANSIENT_STATES = {"40P01", "40001", "23505"}
T = TypeVar("T")


def _transient(e: DBAPIError) -> bool:
    if getattr(getattr(e, "orig", None), "sqlstate", None) in _TRANSIENT_STATES:
        return True
    return "database is locked" in str(e).lower()


#: keys per IN (…) look-up
LOOKUP_BLOCK = 500


def _blocks(values: Sequence[str]) -> Iterator[list[str]]:
    values = list(values)
    for i in range(0, len(values), LOOKUP_BLOCK):
        yield values[i:i + LOOKUP_BLOCK]


#: what :meth:`Writer.write_documents` did with each file: a new document, a new version of a stored one, a
#: rendition of a stored one (its path recorded; its rows replace the document's when its text layer is richer),
#: or a file whose bytes were stored already
NEW, VERSION, RENDITION, KNOWN = "new", "version", "rendition", "known"


@dataclass(frozen=True)
class Placement:
    """A document's rows and the file they came from: what :meth:`Writer.write_documents` stores."""

    rows: DocumentRows
    path: str
    mtime: float | None
    size: int | None


def _pid_alive(pid: int) -> bool:
    """Whether process ``pid`` exists on this host (a zombie counts as gone)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: it exists
        return True
    except OSError:
        return True
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            return fh.read().rsplit(b")", 1)[1].split()[0] != b"Z"
    except OSError:  # no /proc (not Linux): kill(0) said it exists
        return True


def _is_dead(host: str | None, pid: int | None, last_seen: str | None, limit: datetime) -> bool:
    if host == HOST and pid is not None and not _pid_alive(pid):
        return True
    try:
        seen = datetime.fromisoformat(last_seen) if last_seen else None
    except ValueError:
        seen = None
    if seen is not None and seen.tzinfo is None:
        seen = seen.replace(tzinfo=UTC)
    return seen is None or seen < limit


class Writer:
    """The one writer of an ingest: every public method is one transaction.

    Args:
        engine: an Engine whose schema is in place (:func:`pipeline.store.db.open_engine`).
    """

    def __init__(self, engine: Engine):
        self.engine = engine
        name = engine.dialect.name
        if name == "sqlite":
            from sqlalchemy.dialects.sqlite import insert as dialect_insert
        elif name == "postgresql":
            from sqlalchemy.dialects.postgresql import insert as dialect_insert
        else:
            raise StoreError(f"{name}: unsupported database; use a SQLite file or a postgresql:// URL")
        # statements built once: building them per document cost more than running them
        # DO NOTHING + RETURNING: a row comes back only when this transaction inserted it (rowcount is not
        # reliable across drivers); when a concurrent writer stored the same bytes, its copy stands
        self._insert_document = (dialect_insert(documents).on_conflict_do_nothing(index_elements=["sha256"])
                                 .returning(documents.c.sha256))
        self._insert_rows = {t.name: insert(t) for t in (sections, tasks, metrics, flags, task_units, deadlines)}
        ins_units = dialect_insert(units)
        # a unit first named without kind/level gets them from a later document; set values stay
        self._upsert_units = ins_units.on_conflict_do_update(
            index_elements=["id"],
            set_={"kind": func.coalesce(units.c.kind, ins_units.excluded.kind),
                  "level": func.coalesce(units.c.level, ins_units.excluded.level)},
            where=or_(and_(units.c.kind.is_(None), ins_units.excluded.kind.is_not(None)),
                      and_(units.c.level.is_(None), ins_units.excluded.level.is_not(None))))
        self._insert_aliases = dialect_insert(unit_aliases).on_conflict_do_nothing(index_elements=["unit_id", "name"])
        file_sha = func.coalesce(document_paths.c.file_sha256, document_paths.c.sha256)
        # (file sha256, mtime, size) of a path: what the ingest compares a file with before parsing it
        self._path_state = (select(file_sha, document_paths.c.mtime, document_paths.c.size)
                            .where(document_paths.c.path == bindparam("path")))
        self._path_states = (select(document_paths.c.path, file_sha, document_paths.c.mtime, document_paths.c.size)
                             .where(document_paths.c.path.in_(bindparam("paths", expanding=True))))
        # (document, file, mtime, size) of paths: what the writer compares a placement with
        self._path_full = (select(document_paths.c.path, document_paths.c.sha256, file_sha, document_paths.c.mtime,
                                  document_paths.c.size)
                           .where(document_paths.c.path.in_(bindparam("paths", expanding=True))))
        self._known_renditions = (select(document_paths.c.file_sha256, document_paths.c.sha256,
                                         document_paths.c.format)
                                  .where(document_paths.c.file_sha256.in_(bindparam("shas", expanding=True))))
        self._has_document = select(documents.c.sha256).where(documents.c.sha256 == bindparam("sha"))
        self._stored = (select(documents.c.sha256, documents.c.format)
                        .where(documents.c.sha256.in_(bindparam("shas", expanding=True))))
        self._clear_errors = delete(errors).where(errors.c.path.in_(bindparam("paths", expanding=True)))
        self._clear_error = delete(errors).where(errors.c.path == bindparam("path"))

    # -- runs ----------------------------------------------------------------------------------------------
    def start_run(self, *, pipeline_version: str, stages: Any, options: Any) -> int:
        """Mark the runs found dead ``interrupted`` (see :meth:`close_dead_runs`), then open this one."""
        self.close_dead_runs()
        stamp = now()
        with self.engine.begin() as conn:
            res = conn.execute(insert(runs).values(pipeline_version=pipeline_version, stages=_json_safe(stages),
                                                   options=_json_safe(options), started_at=stamp,
                                                   status="running", host=HOST, pid=os.getpid(),
                                                   heartbeat_at=stamp))
            return int(res.inserted_primary_key[0])

    def heartbeat(self, run_id: int) -> None:
        """Say that run ``run_id`` is alive (:func:`pipeline.store.ingest.run_ingest` does every HEARTBEAT_S)."""
        with self.engine.begin() as conn:
            conn.execute(update(runs).where(runs.c.id == run_id).where(runs.c.status == "running")
                         .values(heartbeat_at=now()))

    def finish_run(self, run_id: int, *, status: str, counts: dict[str, int]) -> None:
        with self.engine.begin() as conn:
            conn.execute(update(runs).where(runs.c.id == run_id).values(finished_at=now(), status=status, **counts))

    def run_counts(self, run_id: int) -> tuple[int, int]:
        """(documents, error rows) the run ``run_id`` left in the database."""
        with self.engine.connect() as conn:
            stored = conn.execute(select(func.count()).select_from(documents)
                                  .where(documents.c.run_id == run_id)).scalar()
            failed = conn.execute(select(func.count()).select_from(errors).where(errors.c.run_id == run_id)).scalar()
        return int(stored), int(failed)

    def close_dead_runs(self) -> list[int]:
        """Mark ``interrupted`` every ``running`` run that is dead; the ids marked.

        Dead: its process is gone from this host, or its heartbeat is older than
        :data:`STALE_AFTER_S` (a run of another machine, or a reused pid). Its
        ``finished_at`` is its last heartbeat, and ``n_stored`` / ``n_errors`` count
        the documents and error rows it left.
        """
        cols = (runs.c.id, runs.c.host, runs.c.pid, runs.c.heartbeat_at, runs.c.started_at)
        with self.engine.connect() as conn:
            running = conn.execute(select(*cols).where(runs.c.status == "running")).all()
        if not running:
            return []
        limit = datetime.now(UTC) - timedelta(seconds=STALE_AFTER_S)
        dead = [r for r in running if _is_dead(r.host, r.pid, r.heartbeat_at or r.started_at, limit)]
        for r in dead:
            with self.engine.begin() as conn:
                stored = conn.execute(select(func.count()).select_from(documents)
                                      .where(documents.c.run_id == r.id)).scalar()
                failed = conn.execute(select(func.count()).select_from(errors).where(errors.c.run_id == r.id)).scalar()
                # only if still running: a concurrent ingest may have closed it meanwhile
                conn.execute(update(runs).where(runs.c.id == r.id).where(runs.c.status == "running")
                             .values(status="interrupted", finished_at=r.heartbeat_at or r.started_at,
                                     n_stored=int(stored), n_errors=int(failed)))
        if dead:
            _log.info("runs %s were interrupted", ", ".join(str(r.id) for r in dead))
        return [r.id for r in dead]

    # -- look-ups (no transaction needed) ------------------------------------------------------------------
    def path_state(self, path: str) -> tuple[str, float | None, int | None] | None:
        """``(sha256, mtime, size)`` stored for ``path``, or None."""
        with self.engine.connect() as conn:
            row = conn.execute(self._path_state, {"path": path}).first()
        return tuple(row) if row else None

    def has_document(self, sha: str) -> bool:
        with self.engine.connect() as conn:
            return conn.execute(self._has_document, {"sha": sha}).first() is not None

    def path_states(self, paths: Sequence[str]) -> dict[str, tuple[str, float | None, int | None]]:
        """:meth:`path_state` of many paths in one query per :data:`LOOKUP_BLOCK` (the paths not stored are left out)."""
        out = {}
        with self.engine.connect() as conn:
            for block in _blocks(paths):
                for row in conn.execute(self._path_states, {"paths": block}):
                    out[row[0]] = tuple(row[1:])
        return out

    def stored(self, shas: Sequence[str]) -> set[str]:
        """Which of ``shas`` (files' sha256) are stored: a document's, or another rendition's of a document."""
        with self.engine.connect() as conn:
            return set(self._known(conn, shas))

    def _known(self, conn: Connection, shas: Sequence[str]) -> dict[str, tuple[str, str | None]]:
        """``file sha256 → (document sha256, format)`` for the files of ``shas`` stored already."""
        out: dict[str, tuple[str, str | None]] = {}
        for block in _blocks(sorted(set(shas))):
            for file_sha, doc_sha, fmt in conn.execute(self._known_renditions, {"shas": block}):
                out.setdefault(file_sha, (doc_sha, fmt))
            for sha, fmt in conn.execute(self._stored, {"shas": block}):
                out[sha] = (sha, fmt)
        return out

    # -- writes --------------------------------------------------------------------------------------------
    def write_document(self, rows: DocumentRows, *, path: str, mtime: float | None, size: int | None,
                       run_id: int) -> bool:
        """Store a document and record ``path`` for it, in one transaction (:meth:`write_documents` of one).

        Returns True when it is a new document (or a new version of one), False when its bytes were stored
        already or it is a rendition of a stored document (then only the path is recorded, and the document's
        rows are this file's when its text layer is the richer).
        """
        return self.write_documents([Placement(rows, path, mtime, size)], run_id=run_id)[0] in (NEW, VERSION)

    def write_documents(self, items: Sequence[Placement], *, run_id: int) -> list[str]:
        """Store several files, each at its path, in one transaction: what an ingest writes per batch.

        Per item, what became of it: :data:`NEW` (a document), :data:`VERSION` (a new version of a stored
        document: same title and issuer, another text), :data:`RENDITION` (the same text, or a near-duplicate,
        as a stored document: one document with one more path) or :data:`KNOWN` (its bytes were stored
        already, or earlier in ``items``). The files are placed richest text layer first, so that a batch
        holding several renditions of one text stores the canonical one's rows; a rendition richer than the
        stored document's replaces its rows (:mod:`pipeline.store.renditions`). The rows of the new documents
        below ``documents`` go in with one statement per table for the whole batch: the writer's cost per
        document is what bounds ``--jobs N``. All or nothing: the caller writes the items one by one when the
        batch fails, so that a document the database refuses is reported alone.
        """
        def write(conn: Connection) -> list[str]:
            lock_documents(conn)
            first: dict[str, DocumentRows] = {}
            for it in items:
                first.setdefault(it.rows.sha256, it.rows)
            # a path whose file changed no longer holds its old document (dropped when no other file holds it)
            for path, doc_sha, file_sha, *_ in self._full_states(conn, [it.path for it in items]):
                rows = next(it.rows for it in items if it.path == path)
                if file_sha != rows.sha256:
                    conn.execute(delete(document_paths).where(document_paths.c.path == path))
                    self._drop_if_orphan(conn, doc_sha)
            doc_of = {f: d for f, (d, _) in self._known(conn, list(first)).items()}
            kinds: dict[str, str] = {}
            fresh: list[DocumentRows] = []  # documents written, their rows below ``documents`` still to write
            versions: list[str] = []
            for sha in sorted((s for s in first if s not in doc_of), key=lambda s: first[s].richness):
                rows = first[sha]
                d = rows.document
                fp = Fingerprint(d.get("text_key") or "", d.get("title_key"), tuple(rows.bands))
                match = find_rendition(conn, d["text"], fp, issuer=d.get("issuer"), year=d.get("year"))
                if match is not None:
                    kinds[sha] = RENDITION
                    target = match[0]
                    fmt, n_chars = conn.execute(select(documents.c.format, documents.c.n_chars)
                                                .where(documents.c.sha256 == target)).one()
                    if rows.richness < richness(fmt, n_chars, target):
                        self._replace(conn, target, rows, run_id, fresh)
                        doc_of = {f: (sha if t == target else t) for f, t in doc_of.items()}
                        doc_of[sha] = sha
                    else:
                        doc_of[sha] = target
                    continue
                doc_of[sha] = sha
                if conn.execute(self._insert_document, dict(d, run_id=run_id)).first() is None:
                    continue  # stored by a concurrent writer (SQLite retries such a transaction): KNOWN
                conn.execute(insert(document_bands), band_rows(sha, rows.bands))
                fresh.append(rows)
                prev = find_version(conn, sha, d.get("title_key"), d.get("issuer"), d.get("year"))
                if prev is None:
                    kinds[sha] = NEW
                else:
                    conn.execute(update(documents).where(documents.c.sha256 == sha).values(version_of=prev))
                    versions.append(sha)
                    kinds[sha] = VERSION
            self._write_children(conn, fresh)
            self._attach_many(conn, items, doc_of, run_id)
            for sha in versions:
                renumber(conn, family(conn, sha))
            out, seen = [], set()
            for it in items:
                out.append(KNOWN if it.rows.sha256 in seen else kinds.get(it.rows.sha256, KNOWN))
                seen.add(it.rows.sha256)
            return out

        return self._transaction(write)

    def _replace(self, conn: Connection, old: str, rows: DocumentRows, run_id: int,
                 fresh: list[DocumentRows]) -> None:
        """A richer rendition takes the place of stored document ``old``: its rows, ``old``'s paths and versions."""
        version_of, version, latest = conn.execute(select(documents.c.version_of, documents.c.version,
                                                          documents.c.latest)
                                                   .where(documents.c.sha256 == old)).one()
        conn.execute(self._insert_document, dict(rows.document, run_id=run_id, version_of=version_of,
                                                 version=version, latest=latest))
        conn.execute(insert(document_bands), band_rows(rows.sha256, rows.bands))
        conn.execute(update(document_paths).where(document_paths.c.sha256 == old).values(sha256=rows.sha256))
        conn.execute(update(documents).where(documents.c.version_of == old).values(version_of=rows.sha256))
        fresh[:] = [r for r in fresh if r.sha256 != old]
        drop_document(conn, old, refamily=False)
        fresh.append(rows)

    def attach_path(self, path: str, sha: str, *, mtime: float | None, size: int | None, run_id: int) -> None:
        """Record that ``path`` holds the stored file ``sha`` (a document's, or a rendition's: one transaction)."""
        def write(conn: Connection) -> None:
            lock_documents(conn)
            known = self._known(conn, [sha]).get(sha)
            if known is None:  # dropped meanwhile by another ingest: the next run reads the file
                return
            self._attach(conn, path, known[0], sha, known[1], mtime, size, run_id)

        self._transaction(write)

    def record_error(self, path: str, *, code: str, message: str, sha: str | None, mtime: float | None,
                     run_id: int) -> None:
        """Keep a failed file as an error row (one per path); a new version that fails replaces the old one."""
        def write(conn: Connection) -> None:
            lock_documents(conn)
            old = conn.execute(select(errors.c.sha256, errors.c.code, errors.c.message, errors.c.mtime)
                               .where(errors.c.path == path)).first()
            values = {"sha256": sha, "code": code, "message": message, "mtime": mtime}
            if old is None:
                conn.execute(insert(errors).values(path=path, run_id=run_id, **values))
            elif tuple(old) != (sha, code, message, mtime):
                conn.execute(update(errors).where(errors.c.path == path).values(run_id=run_id, **values))
            if sha is not None:
                # the file at this path changed into something unreadable: it no longer holds the old version
                held = conn.execute(select(document_paths.c.sha256, document_paths.c.file_sha256)
                                    .where(document_paths.c.path == path)).first()
                if held is not None and (held.file_sha256 or held.sha256) != sha:
                    conn.execute(delete(document_paths).where(document_paths.c.path == path))
                    self._drop_if_orphan(conn, held.sha256)

        self._transaction(write)

    def _transaction(self, work: Callable[[Connection], T]) -> T:
        """Run ``work(conn)`` in one transaction, again when a concurrent writer made it fail.

        Several ingests may write into one database at once (PostgreSQL; SQLite
        serialises them on its lock): a deadlock, a serialisation failure, a key
        another transaction inserted between our look-up and our insert, or a
        SQLite file still locked after ``busy_timeout`` roll the whole transaction
        back, and it is run again, up to :data:`RETRIES` times. Each try reads the
        database afresh, so the retry sees what the other writer committed.
        """
        for attempt in range(RETRIES + 1):
            try:
                with self.engine.begin() as conn:
                    return work(conn)
            except DBAPIError as e:
                if attempt == RETRIES or not _transient(e):
                    raise
                _log.debug("transaction failed (%s), retrying", type(getattr(e, "orig", e)).__name__)
                time.sleep(random.uniform(0.005, 0.02) * 2 ** attempt)
        raise AssertionError("unreachable")

    # -- inside a transaction ------------------------------------------------------------------------------
    def _write_children(self, conn: Connection, docs: Sequence[DocumentRows]) -> None:
        """The rows of new documents below ``documents``, one statement per table."""
        for name in ("sections", "tasks", "metrics", "flags"):
            values = [row for d in docs for row in getattr(d, name)]
            if values:
                conn.execute(self._insert_rows[name], values)
        # units and aliases are shared between documents: every writer locks them in one order (by key), so two
        # writers storing documents with the same units never wait on each other in a circle; one row per key
        # (a unit's first known kind and level), as one statement may not upsert a row twice
        units_by_id: dict[str, dict] = {}
        for d in docs:
            for u in d.units:
                have = units_by_id.get(u["id"])
                if have is None:
                    units_by_id[u["id"]] = dict(u)
                else:
                    have["kind"] = have["kind"] or u["kind"]
                    have["level"] = have["level"] or u["level"]
        if units_by_id:
            conn.execute(self._upsert_units, [units_by_id[k] for k in sorted(units_by_id)])
        aliases = {(a["unit_id"], a["name"]): a for d in docs for a in d.aliases}
        if aliases:
            conn.execute(self._insert_aliases, [aliases[k] for k in sorted(aliases)])
        for name in ("task_units", "deadlines"):
            values = [row for d in docs for row in getattr(d, name)]
            if values:
                conn.execute(self._insert_rows[name], values)

    def _full_states(self, conn: Connection, paths: Sequence[str]) -> list[tuple]:
        """``(path, document sha256, file sha256, mtime, size)`` of the stored ``paths``."""
        out = []
        for block in _blocks(paths):
            out.extend(tuple(r) for r in conn.execute(self._path_full, {"paths": block}))
        return out

    def _attach_many(self, conn: Connection, items: Sequence[Placement], doc_of: dict[str, str],
                     run_id: int) -> None:
        """:meth:`_attach` for many paths: the new ones in one statement, the changed ones one by one."""
        paths = [it.path for it in items]
        old = {p: rest for p, *rest in self._full_states(conn, paths)}
        fresh = []
        for it in items:
            file_sha = it.rows.sha256
            doc_sha = doc_of[file_sha]
            state = old.get(it.path)
            if state is None:
                fresh.append({"path": it.path, "sha256": doc_sha, "file_sha256": file_sha,
                              "format": it.rows.document["format"], "mtime": it.mtime, "size": it.size,
                              "run_id": run_id})
            elif tuple(state) != (doc_sha, file_sha, it.mtime, it.size):
                self._attach(conn, it.path, doc_sha, file_sha, it.rows.document["format"], it.mtime, it.size,
                             run_id)
        if fresh:
            conn.execute(insert(document_paths), sorted(fresh, key=itemgetter("path")))
        for block in _blocks(paths):
            conn.execute(self._clear_errors, {"paths": block})

    def _attach(self, conn: Connection, path: str, sha: str, file_sha: str, fmt: str | None, mtime: float | None,
                size: int | None, run_id: int) -> None:
        """Record that ``path`` holds file ``file_sha`` (of format ``fmt``), a rendition of document ``sha``."""
        old = next(iter(self._full_states(conn, [path])), None)
        values = {"sha256": sha, "file_sha256": file_sha, "format": fmt, "mtime": mtime, "size": size}
        if old is None:
            conn.execute(insert(document_paths).values(path=path, run_id=run_id, **values))
        elif tuple(old[1:]) != (sha, file_sha, mtime, size):
            conn.execute(update(document_paths).where(document_paths.c.path == path).values(run_id=run_id, **values))
            if old[1] != sha:
                self._drop_if_orphan(conn, old[1])
        conn.execute(self._clear_error, {"path": path})

    def _drop_if_orphan(self, conn: Connection, sha: str) -> None:
        """Delete document ``sha`` and its rows when no path holds it any more (and units left unused)."""
        if conn.execute(select(document_paths.c.path).where(document_paths.c.sha256 == sha).limit(1)).first():
            return
        drop_document(conn, sha)
