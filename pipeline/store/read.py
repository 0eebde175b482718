"""Reading the database: rows for exports and queries, pandas DataFrames for notebooks.

pandas is imported only by the methods that return DataFrames.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Boolean, Engine, Integer, Select, and_, case, exists, func, or_, select

from .db import StoreError, open_engine
from .schema import (
    deadlines,
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

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

_log = logging.getLogger(__name__)

ROLES = ("lead", "support", "responsible")
#: role words as analysts write them: the SPEC's names and the Chinese words of the documents
ROLE_WORDS = {"lead": "lead", "support": "support", "responsible": "responsible",
              "牵头": "lead", "牵头单位": "lead", "主责": "lead",
              "配合": "support", "配合单位": "support", "协助": "support", "协办": "support",
              "负责": "responsible", "责任": "responsible", "责任单位": "responsible", "负责单位": "responsible"}
#: columns holding a date (YYYY-MM-DD) or an ISO 8601 timestamp: datetime64 in DataFrames
DATE_COLUMNS = frozenset({"date", "start_date", "end_date", "due", "as_of"})
STAMP_COLUMNS = frozenset({"started_at", "finished_at", "heartbeat_at", "tracked_at"})
COLLECTIVE = "collective"  # the normaliser's kind of 各乡镇, 各有关部门, 各成员单位 …
METRICS_BY = ("category", "document", "issuer", "year", "measure", "stage", "kind")
#: the kinds of measure whose values add up (a rate or a change is never summed: docs/MEASURES.md)
SUMMABLE_KINDS = ("count", "amount")

#: the columns of the flat "tasks with units and deadlines" view, in order
FLAT_COLUMNS = ("source", "title", "doc_type", "issuer", "year", "section_number", "section", "task", "domain",
                "units", "units_canonical", "lead", "support", "responsible", "deadlines", "due",
                "span_start", "span_end", "sha256", "task_id")

_CHUNK = 500  # documents per batch when the flat view gathers units and deadlines


def _pandas():
    try:
        import pandas as pd
    except ImportError as e:  # pragma: no cover - pandas is a dependency
        raise ImportError("taskdb's DataFrame API needs pandas: pip install pandas") from e
    return pd


def parse_role(role: str | None) -> str | None:
    """``lead`` / ``support`` / ``responsible`` for a role as written (牵头 / 配合 / 负责 accepted).

    >>> parse_role("牵头"), parse_role("Support"), parse_role(None)
    ('lead', 'support', None)
    """
    if role is None:
        return None
    found = ROLE_WORDS.get(role.strip()) or ROLE_WORDS.get(role.strip().lower())
    if found is None:
        raise ValueError(f"The 'role' option must be one of lead, support, responsible (or 牵头, 配合, 负责). "
                         f"Got {role!r} instead.")
    return found


def as_datetimes(df: pd.DataFrame) -> pd.DataFrame:
    """Date and timestamp columns (:data:`DATE_COLUMNS`, :data:`STAMP_COLUMNS`) as datetime64, in place.

    A column with a value that is not a date keeps its text (nothing is turned into NaT silently).
    """
    pd = _pandas()
    for col in df.columns:
        if col not in DATE_COLUMNS and col not in STAMP_COLUMNS:
            continue
        values = df[col]
        if str(values.dtype).startswith("datetime64"):
            continue
        fmt = "%Y-%m-%d" if col in DATE_COLUMNS else "ISO8601"
        converted = pd.to_datetime(values, format=fmt, errors="coerce", utc=col in STAMP_COLUMNS)
        if int((converted.isna() & values.notna()).sum()) == 0:
            df[col] = converted
        else:
            _log.warning("column %s holds values that are not dates; kept as text", col)
    return df


def _source_of(sha_col) -> Any:
    """The file a document's rows come from (its canonical rendition; the first such path in sort order), else
    the first path it was seen at: what exports and queries call its source."""
    canonical = (select(func.min(document_paths.c.path))
                 .where(document_paths.c.sha256 == sha_col, document_paths.c.file_sha256 == sha_col)
                 .scalar_subquery())
    first = select(func.min(document_paths.c.path)).where(document_paths.c.sha256 == sha_col).scalar_subquery()
    return func.coalesce(canonical, first)


def latest_only(sha_col, all_versions: bool = False) -> list:
    """The condition keeping the rows of the latest version of each document (none with ``all_versions``)."""
    if all_versions:
        return []
    return [sha_col.in_(select(documents.c.sha256).where(documents.c.latest))]


def _fmt_num(v: float | None) -> str:
    if v is None:
        return "?"
    return str(int(v)) if float(v).is_integer() else f"{v:g}"


def describe_deadline(d: dict) -> str:
    """One deadline as an analyst reads it: ``4月底前 → 2024-04-30``, ``每季度至少1次 → quarter ≥1``."""
    raw = d.get("raw") or d["kind"]
    if d["kind"] == "by_date":
        when = d.get("date") or ("masked" if d.get("masked") else "?")
    elif d["kind"] == "range":
        when = f"{d.get('start_date') or '?'}..{d.get('end_date') or '?'}"
    else:
        when = (d.get("freq") or "?") + (f" ≥{d['min_count']}" if d.get("min_count") else "")
    return f"{raw} → {when}"


class TaskDB:
    """A taskdb database, read as pandas DataFrames (:func:`pipeline.api.open_db` makes one).

    Example:
        >>> from pipeline.api import ingest, open_db
        >>> _ = ingest(["corpora/samples"], "taskdb.sqlite")  # doctest: +SKIP
        >>> db = open_db("taskdb.sqlite")                      # doctest: +SKIP
        >>> db.tasks_flat(unit="区应急管理局", role="lead")[["title", "task", "due"]]  # doctest: +SKIP
        >>> db.metrics_summary(by="category")                  # doctest: +SKIP
    """

    def __init__(self, url: str | Path, *, engine: Engine | None = None, all_versions: bool = False):
        self.url = str(url)
        #: False: every table and view holds the latest version of each document only (one document, however
        #: many files and versions it came as); True: every stored version
        self.all_versions = all_versions
        self.engine = engine if engine is not None else open_engine(url, create=False)

    def close(self) -> None:
        """Release the database connections."""
        self.engine.dispose()

    def __enter__(self) -> TaskDB:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"TaskDB({self.engine.url.render_as_string(hide_password=True)!r})"

    # -- plumbing ------------------------------------------------------------------------------------------
    def rows(self, stmt: Select, *, chunk: int = 2000) -> tuple[list[str], Iterator[tuple]]:
        """The column names and a streaming iterator of the rows of ``stmt``."""
        conn = self.engine.connect()
        res = conn.execution_options(stream_results=True, yield_per=chunk).execute(stmt)
        cols = list(res.keys())

        def gen() -> Iterator[tuple]:
            try:
                for row in res:
                    yield tuple(row)
            finally:
                res.close()
                conn.close()

        return cols, gen()

    def frame(self, stmt: Select) -> pd.DataFrame:
        """The result of a SQLAlchemy ``select`` as a DataFrame (columns kept when it is empty)."""
        pd = _pandas()
        with self.engine.connect() as conn:
            res = conn.execute(stmt)
            df = pd.DataFrame(res.fetchall(), columns=list(res.keys()))
        # integers and flags with gaps stay integers and flags (not floats and objects)
        for col in stmt.selected_columns:
            if col.name in df.columns and isinstance(col.type, (Integer, Boolean)):
                df[col.name] = df[col.name].astype("Int64" if isinstance(col.type, Integer) else "boolean")
        return as_datetimes(df)

    # -- one DataFrame per table ---------------------------------------------------------------------------
    def _latest(self, sha_col) -> list:
        return latest_only(sha_col, self.all_versions)

    def documents(self, *, text: bool = False) -> pd.DataFrame:
        """One row per document (by the sha256 of its canonical rendition), however many files it came as:
        ``source`` (the file its rows come from), ``n_paths`` and ``formats`` (of every file it was seen as),
        and ``version`` / ``version_of`` / ``latest`` (only the latest versions unless ``all_versions``).

        Args:
            text: include the cleaned ``text`` that every span indexes.
        """
        cols = [c for c in documents.c if (text or c.name != "text") and c.name not in ("text_key", "title_key")]
        n_paths = (select(func.count()).where(document_paths.c.sha256 == documents.c.sha256).scalar_subquery())
        df = self.frame(select(_source_of(documents.c.sha256).label("source"), *cols, n_paths.label("n_paths"))
                        .where(*self._latest(documents.c.sha256)).order_by(documents.c.sha256))
        with self.engine.connect() as conn:
            formats: dict[str, set] = defaultdict(set)
            for sha, fmt in conn.execute(select(document_paths.c.sha256, document_paths.c.format)):
                if fmt:
                    formats[sha].add(fmt)
        df.insert(df.columns.get_loc("n_paths") + 1, "formats",
                  [",".join(sorted(formats.get(sha, ()))) for sha in df["sha256"]])
        return df

    def paths(self) -> pd.DataFrame:
        """Every file a document was seen as: ``path``, the document's ``sha256``, the file's own
        ``file_sha256`` and ``format``, its mtime and size."""
        return self.frame(select(document_paths).where(*self._latest(document_paths.c.sha256))
                          .order_by(document_paths.c.path))

    def sections(self) -> pd.DataFrame:
        """The section tree of every document (``parent`` is a section id of the same document)."""
        return self.frame(select(sections).where(*self._latest(sections.c.sha256))
                          .order_by(sections.c.sha256, sections.c.ord))

    def tasks(self) -> pd.DataFrame:
        """One row per task: its text, section, domain and span in the document's ``text``."""
        return self.frame(select(tasks).where(*self._latest(tasks.c.sha256)).order_by(tasks.c.sha256, tasks.c.ord))

    def units(self) -> pd.DataFrame:
        """One row per organisation (a canonical name within one jurisdiction), with ``n_tasks``."""
        n_tasks = (select(func.count()).where(task_units.c.unit_id == units.c.id, *self._latest(task_units.c.sha256))
                   .scalar_subquery())
        return self.frame(select(units, n_tasks.label("n_tasks")).order_by(units.c.canonical, units.c.id))

    def unit_aliases(self) -> pd.DataFrame:
        """Every written name seen for each unit."""
        return self.frame(select(unit_aliases, units.c.canonical, units.c.scope)
                          .join_from(unit_aliases, units).order_by(units.c.canonical, unit_aliases.c.name))

    def task_units(self) -> pd.DataFrame:
        """Task–unit links: the written ``name``, its ``canonical`` form, the ``unit_id`` and the ``role``."""
        return self.frame(select(task_units).where(*self._latest(task_units.c.sha256))
                          .order_by(task_units.c.sha256, task_units.c.task_id, task_units.c.ord))

    def deadlines(self) -> pd.DataFrame:
        """Every deadline; ``due`` is the date of a ``by_date`` and the end of a ``range``."""
        return self.frame(select(deadlines).where(*self._latest(deadlines.c.sha256))
                          .order_by(deadlines.c.sha256, deadlines.c.task_id, deadlines.c.ord))

    def metrics(self) -> pd.DataFrame:
        """Every metric, with its ``kind``, ``stage`` and ``measure`` (docs/MEASURES.md) and its document's title,
        issuer and year."""
        return self.frame(select(metrics, documents.c.title, documents.c.issuer, documents.c.year)
                          .join_from(metrics, documents).where(*self._latest(metrics.c.sha256))
                          .order_by(metrics.c.sha256, metrics.c.ord))

    def flags(self) -> pd.DataFrame:
        """The cleaner's and extractors' flags (garbled runs, hidden text, inverted ranges, …)."""
        return self.frame(select(flags).where(*self._latest(flags.c.sha256)).order_by(flags.c.sha256, flags.c.ord))

    def errors(self) -> pd.DataFrame:
        """The files that could not be read: path, code (SPEC §2), message, and the run that met them."""
        return self.frame(select(errors).order_by(errors.c.path))

    def runs(self) -> pd.DataFrame:
        """Every ingest: pipeline version, options, start and finish, and its counts."""
        return self.frame(select(runs).order_by(runs.c.id))

    def counts(self) -> dict[str, int]:
        """Row counts of every table: ``documents`` counts each document once however many files it came as
        (``document_paths``), and the latest version of each only (unless ``all_versions``), like the rows
        the documents own."""
        out = {}
        with self.engine.connect() as conn:
            for t in (documents, document_paths, sections, tasks, units, unit_aliases, task_units, deadlines,
                      metrics, flags, errors, runs):
                where = self._latest(t.c.sha256) if t is not errors and "sha256" in t.c else []
                out[t.name] = int(conn.execute(select(func.count()).select_from(t).where(*where)).scalar())
        return out

    # -- the flat view and the analyst's questions -----------------------------------------------------------
    def _unit_names(self, *, collective: bool = True) -> list[str]:
        """Every written and canonical unit name in the database (without collective units unless asked)."""
        keep = [] if collective else [or_(units.c.kind.is_(None), units.c.kind != COLLECTIVE)]
        with self.engine.connect() as conn:
            names = set(conn.execute(select(units.c.canonical).where(*keep)).scalars())
            names.update(conn.execute(select(unit_aliases.c.name).join_from(unit_aliases, units)
                                      .where(*keep)).scalars())
        return sorted(n for n in names if n)

    def knows_unit(self, unit: str, *, collective: bool = True) -> bool:
        """Whether ``unit`` is a written or canonical name of some unit of the database."""
        keep = [] if collective else [or_(units.c.kind.is_(None), units.c.kind != COLLECTIVE)]
        alias = select(unit_aliases.c.unit_id).where(unit_aliases.c.name == unit)
        stmt = select(units.c.id).where(or_(units.c.canonical == unit, units.c.id.in_(alias)), *keep).limit(1)
        with self.engine.connect() as conn:
            return conn.execute(stmt).first() is not None

    def similar_units(self, unit: str, *, n: int = 5, collective: bool = True) -> list[str]:
        """Unit names close to ``unit`` (for "did you mean"): names holding it or held by it, then by similarity."""
        import difflib

        names = self._unit_names(collective=collective)
        inside = [x for x in names if len(unit) >= 2 and (unit in x or (len(x) >= 2 and x in unit))]
        inside.sort(key=lambda x: (abs(len(x) - len(unit)), x))
        close = difflib.get_close_matches(unit, names, n=n, cutoff=0.5)
        return list(dict.fromkeys(inside[:n] + close))[:n]

    def _task_filter(self, *, unit: str | None, role: str | None, due_before: str | None, due_after: str | None,
                     domain: str | None, collective: bool = True) -> list:
        role = parse_role(role)
        for name, value in (("due_before", due_before), ("due_after", due_after)):
            if value is not None:
                _check_date(name, value)
        conds: list = []
        same_task = and_(task_units.c.sha256 == tasks.c.sha256, task_units.c.task_id == tasks.c.id)
        if unit is not None or role is not None:
            link = [same_task]
            if unit is not None:  # as written, canonical, or any name written for the same unit
                alias = select(unit_aliases.c.unit_id).where(unit_aliases.c.name == unit)
                link.append(or_(task_units.c.name == unit, task_units.c.canonical == unit,
                                task_units.c.unit_id.in_(alias)))
            if role is not None:
                link.append(task_units.c.role == role)
            if not collective:
                link.append(task_units.c.unit_id.not_in(select(units.c.id).where(units.c.kind == COLLECTIVE)))
            conds.append(exists().where(*link))
        if due_before is not None or due_after is not None:
            window = [deadlines.c.sha256 == tasks.c.sha256, deadlines.c.task_id == tasks.c.id,
                      deadlines.c.due.is_not(None)]
            if due_before is not None:
                window.append(deadlines.c.due <= due_before)
            if due_after is not None:
                window.append(deadlines.c.due >= due_after)
            conds.append(exists().where(*window))
        if domain is not None:
            conds.append(tasks.c.domain == domain)
        conds.extend(self._latest(tasks.c.sha256))
        return conds

    def iter_tasks_flat(self, *, unit: str | None = None, role: str | None = None, due_before: str | None = None,
                        due_after: str | None = None, domain: str | None = None,
                        collective: bool = True) -> Iterator[dict]:
        """The flat view, row by row (see :meth:`tasks_flat`), without holding it all in memory."""
        conds = self._task_filter(unit=unit, role=role, due_before=due_before, due_after=due_after, domain=domain,
                                  collective=collective)
        source = _source_of(documents.c.sha256).label("source")
        stmt = (select(source, documents.c.title, documents.c.doc_type, documents.c.issuer, documents.c.year,
                       sections.c.number.label("section_number"), sections.c.heading.label("section"),
                       tasks.c.text.label("task"), tasks.c.domain, tasks.c.span_start, tasks.c.span_end,
                       tasks.c.sha256, tasks.c.id.label("task_id"))
                .select_from(tasks.join(documents, documents.c.sha256 == tasks.c.sha256)
                             .outerjoin(sections, and_(sections.c.sha256 == tasks.c.sha256,
                                                       sections.c.id == tasks.c.section_id)))
                .where(*conds)
                .order_by(source, tasks.c.sha256, tasks.c.ord))
        # tasks stream from one connection; each batch of documents' units and deadlines come from another
        with self.engine.connect() as conn, self.engine.connect() as side:
            batch: list[dict] = []
            n_docs = 0
            for row in conn.execution_options(stream_results=True, yield_per=2000).execute(stmt).mappings():
                if not batch or row["sha256"] != batch[-1]["sha256"]:
                    if n_docs >= _CHUNK:
                        yield from self._complete(side, batch, collective)
                        batch, n_docs = [], 0
                    n_docs += 1
                batch.append(dict(row))
            if batch:
                yield from self._complete(side, batch, collective)

    def _complete(self, conn, batch: list[dict], collective: bool = True) -> Iterator[dict]:
        shas = sorted({r["sha256"] for r in batch})
        links: dict[tuple[str, str], list[dict]] = defaultdict(list)
        keep = [] if collective else [task_units.c.unit_id.not_in(select(units.c.id).where(units.c.kind == COLLECTIVE))]
        for r in conn.execute(select(task_units).where(task_units.c.sha256.in_(shas), *keep)
                              .order_by(task_units.c.sha256, task_units.c.task_id, task_units.c.ord)).mappings():
            links[(r["sha256"], r["task_id"])].append(dict(r))
        dls: dict[tuple[str, str], list[dict]] = defaultdict(list)
        for r in conn.execute(select(deadlines).where(deadlines.c.sha256.in_(shas))
                              .order_by(deadlines.c.sha256, deadlines.c.task_id, deadlines.c.ord)).mappings():
            dls[(r["sha256"], r["task_id"])].append(dict(r))
        for row in batch:
            key = (row["sha256"], row["task_id"])
            us, ds = links.get(key, []), dls.get(key, [])
            by_role = {role: "; ".join(u["name"] for u in us if u["role"] == role) for role in ROLES}
            canon = list(dict.fromkeys(u["canonical"] for u in us))
            dues = sorted(d["due"] for d in ds if d["due"])
            out = {
                **row,
                "units": "; ".join(f"{u['name']} ({u['role']})" for u in us),
                "units_canonical": "; ".join(canon),
                **by_role,
                "deadlines": "; ".join(describe_deadline(d) for d in ds),
                "due": dues[0] if dues else None,
            }
            yield {c: out.get(c) for c in FLAT_COLUMNS}

    def tasks_flat(self, *, unit: str | None = None, role: str | None = None, due_before: str | None = None,
                   due_after: str | None = None, domain: str | None = None, collective: bool = True) -> pd.DataFrame:
        """One row per task with its document, section, units (with roles) and deadlines joined.

        Filters combine with AND:

        Args:
            unit: tasks with this unit, as written (``区应急局``) or canonical (``区应急管理局``); a written
                name finds the tasks of its unit under any of the unit's names.
            role: with ``unit``, only links of this role (``lead``, ``support``, ``responsible``, or
                ``牵头``, ``配合``, ``负责``); alone, tasks with any unit of this role.
            due_before: tasks with a deadline due on or before this date (``YYYY-MM-DD``); a
                deadline is due on its date (``by_date``) or at its end (``range``).
            due_after: tasks with a deadline due on or after this date.
            domain: tasks of this domain (``消防``, ``防汛``, …; set by the normaliser).
            collective: False leaves out collective units (各乡镇, 各有关部门 …): they neither match
                ``unit``/``role`` nor appear in the unit columns.

        Returns:
            One row per task; ``due`` (the earliest due date) is datetime64.

        Example:
            >>> db.tasks_flat(due_before="2024-06-30")[["task", "units", "deadlines"]]  # doctest: +SKIP
        """
        pd = _pandas()
        rows = list(self.iter_tasks_flat(unit=unit, role=role, due_before=due_before, due_after=due_after,
                                         domain=domain, collective=collective))
        df = pd.DataFrame(rows, columns=list(FLAT_COLUMNS))
        for col in ("year", "span_start", "span_end"):
            df[col] = df[col].astype("Int64")
        return as_datetimes(df)

    def metrics_summary(self, by: str | Sequence[str] = "category") -> pd.DataFrame:
        """Metrics summed per group and per unit of measure (处, 家, 元, … are never added together).

        Args:
            by: one of ``category``, ``document``, ``issuer``, ``year``, ``measure``, ``stage``, ``kind``, or
                several (``"document,measure"`` or a list). With ``measure`` among them, the sums are per
                measure key (docs/MEASURES.md): hazards found in 处 and in 项 add up, hazards found and rectified do
                not, and rates and changes are never summed.

        Returns:
            A DataFrame with the group column(s), ``unit`` (``units`` and ``kind`` when grouped by measure:
            the measure words met, ``处、项``), ``n`` (metrics), ``total`` (sum of ``value``; empty for a rate or
            a change), ``min`` and ``max`` (by measure), ``n_masked`` (metrics without a value) and ``n_approx``.

        Example:
            >>> db.metrics_summary(by="year")  # doctest: +SKIP
            >>> db.metrics_summary(by="document,measure")  # doctest: +SKIP
        """
        keys = parse_metrics_by(by)
        df = self.frame(metrics_summary_stmt(keys, all_versions=self.all_versions))
        if "measure" not in keys:
            return df
        return _by_measure(df, keys)

    def task_context(self, sha256: str, task_id: str, *, width: int = 60) -> dict:
        """Trace a task back to its document: the text around its span, and the paths it came from.

        Example:
            >>> db.task_context(sha, "t12")["context"]  # doctest: +SKIP
            '…4月底前,结合年度区安委会工作要点,制定…'
        """
        with self.engine.connect() as conn:
            row = conn.execute(select(tasks.c.span_start, tasks.c.span_end, tasks.c.text.label("task"),
                                      documents.c.text.label("doc"), documents.c.title)
                               .join_from(tasks, documents)
                               .where(tasks.c.sha256 == sha256, tasks.c.id == task_id)).mappings().first()
            if row is None:
                raise KeyError(f"no task {task_id!r} in document {sha256}")
            paths = list(conn.execute(select(document_paths.c.path).where(document_paths.c.sha256 == sha256)
                                      .order_by(document_paths.c.path)).scalars())
        s, e = row["span_start"] or 0, row["span_end"] or 0
        doc = row["doc"]
        return {"title": row["title"], "paths": paths, "span": (s, e), "task": row["task"], "source_text": doc[s:e],
                "context": doc[max(0, s - width):s] + "【" + doc[s:e] + "】" + doc[e:e + width]}


def parse_metrics_by(by: str | Sequence[str]) -> list[str]:
    """The group keys of ``by`` (``"document,measure"``, ``["document", "measure"]``), checked, in order."""
    names = [b.strip() for b in (by.split(",") if isinstance(by, str) else by)]
    bad = [b for b in names if b not in METRICS_BY]
    if bad or not names or len(set(names)) != len(names):
        raise ValueError(f"The 'by' option must be one of {set(METRICS_BY)}, or several of them comma-separated "
                         f"(document,measure). Got {by!r} instead.")
    return names


def metrics_summary_stmt(by: str | Sequence[str], *, all_versions: bool = False) -> Select:
    """The SQL behind :meth:`TaskDB.metrics_summary`: one row per group and ``unit`` (and ``kind`` when
    grouped by measure; :meth:`TaskDB.metrics_summary` then adds up the units of one measure), over the latest
    version of each document unless ``all_versions``."""
    names = parse_metrics_by(by)
    columns = {
        "category": [metrics.c.category],
        "issuer": [documents.c.issuer],
        "year": [documents.c.year],
        "document": [documents.c.sha256, documents.c.title],
        "measure": [metrics.c.measure],
        "stage": [metrics.c.stage],
        "kind": [metrics.c.kind],
    }
    keys: list = [c for name in names for c in columns[name]]
    if "measure" in names and "kind" not in names:
        keys.append(metrics.c.kind)
    n_masked = func.sum(case((metrics.c.value.is_(None), 1), else_=0))
    n_approx = func.sum(case((metrics.c.approx, 1), else_=0))
    extra = [func.min(metrics.c.value).label("min"), func.max(metrics.c.value).label("max")] \
        if "measure" in names else []
    stmt = (select(*keys, metrics.c.unit, func.count().label("n"), func.sum(metrics.c.value).label("total"),
                   *extra, n_masked.label("n_masked"), n_approx.label("n_approx"))
            .select_from(metrics.join(documents, documents.c.sha256 == metrics.c.sha256))
            .where(*latest_only(documents.c.sha256, all_versions))
            .group_by(*keys, metrics.c.unit)
            .order_by(*keys, metrics.c.unit))
    if "document" in names:
        inner = stmt.subquery()
        order = [inner.c[c.name] for c in keys] + [inner.c.unit]
        stmt = select(_source_of(inner.c.sha256).label("source"), *inner.c).order_by(*order)
    return stmt


def _by_measure(df: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Rows per group, measure and unit → rows per group and measure: the units listed, counts and amounts
    summed, a rate's or a change's total left empty."""
    pd = _pandas()
    group = [c for c in df.columns if c not in ("unit", "n", "total", "min", "max", "n_masked", "n_approx")]
    if "kind" not in group:
        group.append("kind")
    if df.empty:
        out = df.rename(columns={"unit": "units"})
        return out[[*group, "units", "n", "total", "min", "max", "n_masked", "n_approx"]]
    g = df.groupby(group, dropna=False, sort=False)
    out = g.agg(units=("unit", lambda u: "、".join(sorted({x for x in u if x is not None}))), n=("n", "sum"),
                total=("total", lambda t: t.sum(min_count=1)), min=("min", "min"), max=("max", "max"),
                n_masked=("n_masked", "sum"), n_approx=("n_approx", "sum")).reset_index()
    out.loc[~out["kind"].isin(SUMMABLE_KINDS), "total"] = pd.NA
    out["total"] = out["total"].astype("Float64")
    for col in ("n", "n_masked", "n_approx"):
        out[col] = out[col].astype("Int64")
    return out


def _check_date(name: str, value: str) -> None:
    from datetime import date

    try:
        date.fromisoformat(value)
    except (TypeError, ValueError):
        raise ValueError(f"The '{name}' option must be a date YYYY-MM-DD. Got {value!r} instead.") from None


__all__ = ["FLAT_COLUMNS", "latest_only", "METRICS_BY", "ROLES", "ROLE_WORDS", "SUMMABLE_KINDS", "StoreError", "TaskDB",
           "as_datetimes", "describe_deadline", "metrics_summary_stmt", "parse_metrics_by", "parse_role"]
