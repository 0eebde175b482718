"""Exports: one file (or sheet) per table plus the flat "tasks with units and deadlines" view.

- ``xlsx``: the analyst's workbook (:func:`desk_sheets`). It opens on ``tasks`` (document title, section,
  task, the units of each role by canonical name — 牵头 / 配合 / 负责 —, the deadline as an Excel date, the
  recurring ones as text, and the status ``taskdb track`` stored), then ``metrics`` (measure, stage, value,
  unit and the sentence the number stands in), ``flags`` (with their sentence) and ``progress`` (plan task →
  status → report sentence, from ``task_progress``), then the raw tables (``tasks``, ``metrics`` and ``flags``
  as ``*_table``). Every sheet names documents by title, with the sha256 in the last column(s) for joins;
  paths are relative to the ingest root (the common folder of the stored paths); dates are date cells.
  Every sheet has a bold frozen header, an autofilter, column widths fitted to the content (wide CJK
  characters count double) and wrapped text in the long columns.
- ``csv``: a folder of ``<table>.csv`` in UTF-8 with a BOM, which Excel opens
  as Chinese text rather than mojibake.

In csv and xlsx, a text cell that begins with ``= + - @``, a tab or a carriage
return gets a single quote in front (OWASP), so that no spreadsheet evaluates a
heading or a unit name as a formula; xlsx text cells are always stored as
strings, never as formulas. Numbers stay numbers. parquet and jsonl keep the
values as they are.
- ``parquet``: a folder of ``<table>.parquet`` with a fixed schema per table.
- ``jsonl``: a folder of ``<table>.jsonl``, one object per row.

Rows stream from the database in batches, so an export's memory does not
depend on the size of the database (the workbook holds one title and path per
document, and one document's text at a time for the sentences).
"""

from __future__ import annotations

import csv
import json
import logging
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Iterator
from itertools import islice
from pathlib import Path
from typing import Any

from sqlalchemy import JSON, Boolean, Float, Integer, Table, and_, select

from ..safe_text import spreadsheet_text
from .read import FLAT_COLUMNS, TaskDB, latest_only
from .schema import (
    deadlines,
    document_paths,
    documents,
    errors,
    flags,
    metrics,
    runs,
    sections,
    task_progress,
    task_units,
    tasks,
    unit_aliases,
    units,
)

_log = logging.getLogger(__name__)

FORMATS = ("csv", "xlsx", "parquet", "jsonl")
FLAT = "tasks_flat"
#: exported tables, in sheet order (the flat view comes first)
TABLES: tuple[Table, ...] = (documents, document_paths, sections, tasks, task_units, units, unit_aliases, deadlines,
                             metrics, flags, errors, runs)

_XLSX_MAX_CELL = 32767  # Excel's limit on the characters of one cell
_BATCH = 2000


class _Sheet:
    """A table or view to export: its name, columns, kinds of column and a row iterator."""

    def __init__(self, name: str, columns: list[str], kinds: dict[str, str], rows: Iterator[tuple],
                 caps: dict[str, int] | None = None):
        self.name, self.columns, self.kinds, self.rows = name, columns, kinds, rows
        self.caps = caps or {}  # column → the widest it may be (longer text wraps)


def _kind(col) -> str:
    t = col.type
    if isinstance(t, Boolean):
        return "bool"
    if isinstance(t, Integer):
        return "int"
    if isinstance(t, Float):
        return "float"
    if isinstance(t, JSON):
        return "json"
    return "str"


def _sheets(db: TaskDB) -> Iterator[_Sheet]:
    flat_kinds = {c: "str" for c in FLAT_COLUMNS}
    flat_kinds.update(year="int", span_start="int", span_end="int")
    yield _Sheet(FLAT, list(FLAT_COLUMNS), flat_kinds,
                 (tuple(r[c] for c in FLAT_COLUMNS) for r in db.iter_tasks_flat()))
    for table in TABLES:
        # the rows of the latest version of each document, unless the database was opened with all_versions
        where = latest_only(table.c.sha256, db.all_versions) if table is not errors and "sha256" in table.c else []
        cols, rows = db.rows(select(table).where(*where).order_by(*table.primary_key.columns))
        yield _Sheet(table.name, cols, {c.name: _kind(c) for c in table.columns}, rows)


def _plain(value: Any, kind: str) -> Any:
    """A cell for csv/xlsx/jsonl: JSON as text (jsonl keeps objects), whole floats as ints."""
    if value is None:
        return None
    if kind == "float" and float(value).is_integer():
        return int(value)
    return value


def export(db: TaskDB, out: str | Path, fmt: str) -> list[Path]:
    """Write every table and the flat view to ``out`` in ``fmt``; returns the files written.

    ``out`` is the workbook for ``xlsx`` (a folder gets ``taskdb.xlsx`` inside) and
    a folder for the other formats.
    """
    if fmt not in FORMATS:
        raise ValueError(f"The 'format' option must be one of {set(FORMATS)}. Got {fmt!r} instead.")
    out = Path(out)
    if fmt == "xlsx":
        if out.is_dir() or not out.suffix:
            out = out / "taskdb.xlsx"
        out.parent.mkdir(parents=True, exist_ok=True)
        _write_xlsx(desk_sheets(db), out)
        return [out]
    if out.exists() and not out.is_dir():
        raise ValueError(f"{out}: exists and is not a folder; a {fmt} export writes one file per table into a folder")
    out.mkdir(parents=True, exist_ok=True)
    writer = {"csv": _write_csv, "jsonl": _write_jsonl, "parquet": _write_parquet}[fmt]
    written = []
    for sheet in _sheets(db):
        path = out / f"{sheet.name}.{fmt}"
        writer(sheet, path)
        written.append(path)
    return written


# -- csv / jsonl ----------------------------------------------------------------------------------------------

def _write_csv(sheet: _Sheet, path: Path) -> None:
    kinds = [sheet.kinds.get(c, "str") for c in sheet.columns]
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(sheet.columns)
        for row in sheet.rows:
            w.writerow([_csv_cell(_json_text(v) if k == "json" else _plain(v, k)) for v, k in zip(row, kinds)])


def _csv_cell(value: Any) -> Any:
    return spreadsheet_text(value) if isinstance(value, str) else value


def _write_jsonl(sheet: _Sheet, path: Path) -> None:
    kinds = [sheet.kinds.get(c, "str") for c in sheet.columns]
    with path.open("w", encoding="utf-8") as fh:
        for row in sheet.rows:
            rec = {c: _plain(v, k) for c, v, k in zip(sheet.columns, row, kinds)}
            fh.write(json.dumps(rec, ensure_ascii=False) + "\n")


def _json_text(value: Any) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)


# -- parquet ----------------------------------------------------------------------------------------------------

def _write_parquet(sheet: _Sheet, path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    types = {"bool": pa.bool_(), "int": pa.int64(), "float": pa.float64(), "json": pa.string(), "str": pa.string()}
    kinds = [sheet.kinds.get(c, "str") for c in sheet.columns]
    schema = pa.schema([(c, types[k]) for c, k in zip(sheet.columns, kinds)])
    with pq.ParquetWriter(path, schema) as w:
        wrote = False
        while True:
            batch = list(islice(sheet.rows, _BATCH))
            if not batch and wrote:
                break
            arrays = [pa.array([_json_text(r[i]) if k == "json" else r[i] for r in batch], type=schema.field(i).type)
                      for i, k in enumerate(kinds)]
            w.write_table(pa.Table.from_arrays(arrays, schema=schema))
            wrote = True
            if not batch:
                break


# -- xlsx -------------------------------------------------------------------------------------------------------

def _display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _xlsx_text(value: str) -> str:
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    value = spreadsheet_text(ILLEGAL_CHARACTERS_RE.sub("", value))
    if len(value) > _XLSX_MAX_CELL:
        value = value[: _XLSX_MAX_CELL - 40] + f"…[cut at Excel's cell limit; {len(value)} characters]"
    return value


def _xlsx_date(value: Any, kind: str) -> tuple[Any, str | None]:
    """A stored date (``2024-04-30``) as a date, a timestamp as a naive UTC datetime, each with its number
    format; a value that is not one stays as it is (text), never lost."""
    from datetime import UTC, date, datetime

    if not isinstance(value, str):
        return value, None
    try:
        if kind == "date":
            return date.fromisoformat(value), "yyyy-mm-dd"
        stamp = datetime.fromisoformat(value)
        if stamp.tzinfo is not None:
            stamp = stamp.astimezone(UTC).replace(tzinfo=None)
        return stamp, "yyyy-mm-dd hh:mm:ss"
    except ValueError:
        return value, None


def _write_xlsx(sheets: Iterable[_Sheet], path: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    wb = Workbook(write_only=True)
    bold = Font(bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")
    top = Alignment(vertical="top")
    for sheet in sheets:
        ws = wb.create_sheet(sheet.name[:31])
        kinds = [sheet.kinds.get(c, "str") for c in sheet.columns]
        head = list(islice(sheet.rows, 200))  # a sample to size the columns by
        widths, wrapped = [], []
        for i, (c, k) in enumerate(zip(sheet.columns, kinds)):
            sample = sorted(_display_width(str(r[i])) for r in head if r[i] is not None)
            typical = sample[int(len(sample) * 0.9)] if sample else 0  # the 90th percentile: outliers wrap
            w = max(_display_width(c) + 4, min(typical + 2, 60), 8)  # +4: room for the filter button
            if c == "sha256" or c.endswith("_sha256") or c.endswith("_id") and typical > 16:
                w = 18  # identifiers: enough to tell apart and to filter on, not to read
            cap = sheet.caps.get(c, 60)
            w = min(w, max(cap, _display_width(c) + 4))
            widths.append(w)
            wrapped.append(k in ("str", "json") and typical + 2 > cap and w > 18)
        # write-only sheets take their layout before the first row
        for i, w in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(i)].width = w
        ws.freeze_panes = "A2"
        header = []
        for c in sheet.columns:
            cell = WriteOnlyCell(ws, value=c)
            cell.data_type = "s"
            cell.font = bold
            header.append(cell)
        ws.append(header)
        n = 0
        for row in _chain(head, sheet.rows):
            cells = []
            for v, k, wr in zip(row, kinds, wrapped):
                if k == "json":
                    v = _json_text(v)
                fmt = None
                if k in ("date", "stamp"):
                    v, fmt = _xlsx_date(v, k)
                else:
                    v = _plain(v, k)
                cell = WriteOnlyCell(ws, value=_xlsx_text(v) if isinstance(v, str) else v)
                if isinstance(v, str):
                    cell.data_type = "s"  # text, never a formula (openpyxl takes a str starting with = as one)
                elif fmt:
                    cell.number_format = fmt
                cell.alignment = wrap if wr else top
                cells.append(cell)
            ws.append(cells)
            n += 1
        ws.auto_filter.ref = f"A1:{get_column_letter(max(1, len(sheet.columns)))}{n + 1}"
    wb.save(path)


def _chain(first: list, rest: Iterator) -> Iterator:
    yield from first
    yield from rest


# -- the analyst's workbook (xlsx) -------------------------------------------------------------------------------

#: the analyst's sheets, first in the workbook; a raw table of the same name follows as ``<name>_table``
DESK_SHEETS = ("tasks", "metrics", "flags", "progress")
#: the first columns of the ``tasks`` sheet (then the details, the sha256 last)
TASK_COLUMNS = ("title", "section", "task", "牵头", "配合", "负责", "deadline", "recurring", "status",
                "deadlines_as_written", "units_as_written", "domain", "doc_type", "issuer", "year", "source",
                "section_number", "span_start", "span_end", "task_id", "sha256")
METRIC_COLUMNS = ("title", "section", "measure", "stage", "kind", "value", "unit", "category", "subject",
                  "sentence", "value_max", "approx", "masked", "as_of", "raw", "span_start", "span_end", "source",
                  "ord", "sha256")
FLAG_COLUMNS = ("title", "code", "message", "sentence", "span_start", "span_end", "source", "ord", "sha256")
PROGRESS_COLUMNS = ("plan_title", "plan_section", "plan_task", "status", "report_title", "evidence", "part",
                    "score", "evidence_metrics", "evidence_start", "evidence_end", "plan_source", "report_source",
                    "task_id", "ord", "plan_sha256", "report_sha256")
#: the labels before the task, the metric or the evidence: narrow and wrapped, so that the text they label
#: is in view when the workbook opens
_NARROW = {c: 30 for c in ("title", "section", "plan_title", "plan_section", "report_title", "牵头", "配合", "负责",
                           "recurring", "subject")}
_ROLE_HEADS = {"lead": "牵头", "support": "配合", "responsible": "负责"}
_DATE_COLUMNS = frozenset({"date", "start_date", "end_date", "due", "as_of", "deadline"})
_STAMP_COLUMNS = frozenset({"started_at", "finished_at", "heartbeat_at", "tracked_at"})
_SENTENCE_END = "。！!？?\n"
_SENTENCE_REACH = 300  # characters looked at on each side of a span for its sentence's ends


def sentence_at(text: str | None, start: int | None, end: int | None) -> str | None:
    """The sentence of ``text`` holding the span ``start:end`` (from the previous 。！？ or line end to the next,
    included), at most :data:`_SENTENCE_REACH` characters on each side; None without a span.

    >>> sentence_at("一、总体要求\\n全年排查隐患350处,整改340处。下半年继续。", 12, 18)
    '全年排查隐患350处,整改340处。'
    """
    if not text or start is None or end is None or end <= start or start < 0 or end > len(text):
        return None
    lo, hi = max(0, start - _SENTENCE_REACH), min(len(text), end + _SENTENCE_REACH)
    s = max(max(text.rfind(c, lo, start) for c in _SENTENCE_END) + 1, lo)
    ends = [e for e in (text.find(c, max(start, end - 1), hi) for c in _SENTENCE_END) if e >= 0]
    e = min(ends) + 1 if ends else hi
    return text[s:e].strip() or None


def ingest_root(db: TaskDB) -> str | None:
    """The folder every stored path lies in (documents' and errors'): what the workbook's paths are relative to.

    The common prefix of the smallest and the largest path (in sort order) is the prefix of every path, cut
    back to a folder; a single file's root is its folder. None for a database without paths.
    """
    from sqlalchemy import func as f, union_all

    both = union_all(select(document_paths.c.path.label("p")), select(errors.c.path.label("p"))).subquery()
    with db.engine.connect() as conn:
        lo, hi = conn.execute(select(f.min(both.c.p), f.max(both.c.p))).one()
    if lo is None:
        return None
    if lo == hi:
        return lo.replace("\\", "/").rsplit("/", 1)[0] if "/" in lo.replace("\\", "/") else ""
    n = 0
    while n < min(len(lo), len(hi)) and lo[n] == hi[n]:
        n += 1
    prefix = lo[:n].replace("\\", "/")
    return prefix[:-1] if prefix.endswith("/") else prefix[: max(prefix.rfind("/"), 0)]


class _Desk:
    """What every analyst sheet needs once: the ingest root, the documents' titles and sources, the statuses."""

    def __init__(self, db: TaskDB):
        import re

        from sqlalchemy import inspect

        from .read import _source_of

        self.db = db
        self.root = ingest_root(db)
        self._root_re = re.compile(re.escape(self.root) + r"(/|(?=[\"',;:)\]\s])|$)") if self.root else None
        with db.engine.connect() as conn:
            rows = conn.execute(select(documents.c.sha256, documents.c.title,
                                       _source_of(documents.c.sha256).label("source"))).all()
            self.has_progress = inspect(conn).has_table(task_progress.name)
        self.titles = {r.sha256: r.title or self.relative(r.source) or r.sha256[:12] for r in rows}
        self.sources = {r.sha256: self.relative(r.source) for r in rows}

    def relative(self, value: Any) -> Any:
        """A text with every path under the ingest root made relative to it (the root itself: ``.``)."""
        if not isinstance(value, str) or self._root_re is None or self.root not in value:
            return value
        return self._root_re.sub(lambda m: "" if m.group(1) == "/" else ".", value)

    def current(self, sha_col) -> list:
        """The condition keeping the latest version of each document, where the database keeps versions."""
        latest = getattr(self.db, "_latest", None)
        return latest(sha_col) if latest is not None else []

    def texts(self, conn) -> _Texts:
        return _Texts(conn)


class _Texts:
    """The cleaned text of one document at a time (rows come ordered by document)."""

    def __init__(self, conn):
        self.conn, self.sha, self.text = conn, None, None

    def __call__(self, sha: str) -> str | None:
        if sha != self.sha:
            self.sha = sha
            self.text = self.conn.execute(select(documents.c.text).where(documents.c.sha256 == sha)).scalar()
        return self.text


def _task_rows(desk: _Desk) -> Iterator[tuple]:
    """The ``tasks`` sheet: the flat view's tasks with canonical units per role, dates, recurring text, status."""
    from .read import describe_deadline

    def complete(batch: list[dict]) -> Iterator[tuple]:
        shas = sorted({r["sha256"] for r in batch})
        with desk.db.engine.connect() as conn:
            links: dict[tuple, list] = defaultdict(list)
            for u in conn.execute(select(task_units.c.sha256, task_units.c.task_id, task_units.c.canonical,
                                         task_units.c.name, task_units.c.role)
                                  .where(task_units.c.sha256.in_(shas))
                                  .order_by(task_units.c.sha256, task_units.c.task_id, task_units.c.ord)):
                links[(u.sha256, u.task_id)].append(u)
            dls: dict[tuple, list] = defaultdict(list)
            for d in conn.execute(select(deadlines).where(deadlines.c.sha256.in_(shas))
                                  .order_by(deadlines.c.sha256, deadlines.c.task_id, deadlines.c.ord)).mappings():
                dls[(d["sha256"], d["task_id"])].append(dict(d))
            status: dict[tuple, str] = {}
            if desk.has_progress:
                for p in conn.execute(select(task_progress.c.plan_sha256, task_progress.c.task_id,
                                             task_progress.c.status).distinct()
                                      .where(task_progress.c.plan_sha256.in_(shas))):
                    status[(p.plan_sha256, p.task_id)] = p.status
        for r in batch:
            key = (r["sha256"], r["task_id"])
            us, ds = links.get(key, []), dls.get(key, [])
            roles = {role: "; ".join(dict.fromkeys(u.canonical for u in us if u.role == role)) or None
                     for role in _ROLE_HEADS}
            dues = sorted(d["due"] for d in ds if d["due"] and d["kind"] != "recurring")
            recurring = "; ".join(describe_deadline(d) for d in ds if d["kind"] == "recurring") or None
            yield (desk.titles.get(r["sha256"], r["title"]), r["section"], r["task"], roles["lead"],
                   roles["support"], roles["responsible"], dues[0] if dues else None, recurring,
                   status.get(key), r["deadlines"] or None, r["units"] or None, r["domain"], r["doc_type"],
                   r["issuer"], r["year"], desk.relative(r["source"]), r["section_number"], r["span_start"],
                   r["span_end"], r["task_id"], r["sha256"])

    batch: list[dict] = []
    docs = 0
    for row in desk.db.iter_tasks_flat():
        if not batch or row["sha256"] != batch[-1]["sha256"]:
            if docs >= 200:
                yield from complete(batch)
                batch, docs = [], 0
            docs += 1
        batch.append(row)
    if batch:
        yield from complete(batch)


def _metric_rows(desk: _Desk) -> Iterator[tuple]:
    stmt = (select(metrics, sections.c.heading)
            .select_from(metrics.outerjoin(sections, and_(sections.c.sha256 == metrics.c.sha256,
                                                         sections.c.id == metrics.c.section_id)))
            .where(*desk.current(metrics.c.sha256)).order_by(metrics.c.sha256, metrics.c.ord))
    with desk.db.engine.connect() as side:
        text = desk.texts(side)
        cols, rows = desk.db.rows(stmt)
        for m in rows:
            m = dict(zip(cols, m))
            sha = m["sha256"]
            yield (desk.titles.get(sha), m["heading"], m["measure"], m["stage"], m["kind"], m["value"], m["unit"],
                   m["category"], m["subject"], sentence_at(text(sha), m["span_start"], m["span_end"]),
                   m["value_max"], m["approx"], m["masked"], m["as_of"], m["raw"], m["span_start"], m["span_end"],
                   desk.sources.get(sha), m["ord"], sha)


def _flag_rows(desk: _Desk) -> Iterator[tuple]:
    stmt = select(flags).where(*desk.current(flags.c.sha256)).order_by(flags.c.sha256, flags.c.ord)
    with desk.db.engine.connect() as side:
        text = desk.texts(side)
        cols, rows = desk.db.rows(stmt)
        for f in rows:
            f = dict(zip(cols, f))
            sha = f["sha256"]
            yield (desk.titles.get(sha), f["code"], desk.relative(f["message"]),
                   sentence_at(text(sha), f["span_start"], f["span_end"]), f["span_start"], f["span_end"],
                   desk.sources.get(sha), f["ord"], sha)


def _progress_rows(desk: _Desk) -> Iterator[tuple]:
    if not desk.has_progress:
        return
    stmt = (select(task_progress, tasks.c.text.label("plan_task"), sections.c.heading.label("plan_section"))
            .select_from(task_progress
                         .outerjoin(tasks, and_(tasks.c.sha256 == task_progress.c.plan_sha256,
                                                tasks.c.id == task_progress.c.task_id))
                         .outerjoin(sections, and_(sections.c.sha256 == tasks.c.sha256,
                                                   sections.c.id == tasks.c.section_id)))
            .where(*desk.current(task_progress.c.plan_sha256))
            .order_by(task_progress.c.plan_sha256, tasks.c.ord, task_progress.c.task_id, task_progress.c.ord))
    cols, rows = desk.db.rows(stmt)
    for p in rows:
        p = dict(zip(cols, p))
        plan, report = p["plan_sha256"], p["report_sha256"]
        found = p["metrics"] if isinstance(p["metrics"], list) else []
        yield (desk.titles.get(plan), p["plan_section"], p["plan_task"], p["status"],
               desk.titles.get(report) if report else None, p["sentence"], p["part"], p["score"],
               "; ".join(map(str, found)) or None, p["span_start"], p["span_end"], desk.sources.get(plan),
               desk.sources.get(report) if report else None, p["task_id"], p["ord"], plan, report)


def _desk_kinds(columns: Iterable[str]) -> dict[str, str]:
    ints = {"year", "span_start", "span_end", "ord", "evidence_start", "evidence_end"}
    floats = {"value", "value_max", "score"}
    bools = {"approx", "masked"}
    return {c: "date" if c in _DATE_COLUMNS else "int" if c in ints else "float" if c in floats
            else "bool" if c in bools else "str" for c in columns}


def _raw_sheet(sheet: _Sheet, desk: _Desk) -> _Sheet:
    """A raw table for the workbook: documents named by title first, sha256 columns last, paths relative to the
    ingest root, ``document:<sha256>`` scopes by title, dates and timestamps as date cells."""
    from sqlalchemy import String

    cols = sheet.columns
    table = next((t for t in TABLES if t.name == sheet.name), None)
    hashes = set() if table is None else {c.name for c in table.columns
                                          if isinstance(c.type, String) and c.type.length == 64}
    shas = [c for c in cols if c in hashes or c == "sha256" or c.endswith("_sha256")]  # hashes: last, for joins
    titled = [c for c in shas if c == "sha256" or c.endswith("_sha256") and c != "file_sha256"]
    add = [] if sheet.name == "documents" else [("title" if c == "sha256" else c.removesuffix("_sha256") + "_title", c)
                                                for c in titled]
    keep = [c for c in cols if c not in shas]
    first = ["title"] if "title" in keep else []
    order = [a for a, _ in add] + first + [c for c in keep if c not in first] + shas
    index = {c: i for i, c in enumerate(cols)}
    kinds = dict(sheet.kinds)
    for c in cols:
        if c in _DATE_COLUMNS:
            kinds[c] = "date"
        elif c in _STAMP_COLUMNS:
            kinds[c] = "stamp"
    kinds.update({a: "str" for a, _ in add})
    json_cols = {c for c in cols if kinds.get(c) == "json"}

    def gen() -> Iterator[tuple]:
        for row in sheet.rows:
            out = [desk.titles.get(row[index[src]]) for _, src in add]
            for c in order[len(add):]:
                v = row[index[c]]
                if c == "scope" and isinstance(v, str) and v.startswith("document:"):
                    v = "document:" + desk.titles.get(v[len("document:"):], v[len("document:"):])
                elif c in json_cols and v is not None:
                    v = desk.relative(_json_text(v))
                elif isinstance(v, str):
                    v = desk.relative(v)
                out.append(v)
            yield tuple(out)

    out_kinds = {c: ("str" if c in json_cols else kinds.get(c, "str")) for c in order}
    return _Sheet(sheet.name + "_table" if sheet.name in DESK_SHEETS else sheet.name, order, out_kinds, gen())


def desk_sheets(db: TaskDB) -> Iterator[_Sheet]:
    """The workbook's sheets: ``tasks``, ``metrics``, ``flags``, ``progress``, then the raw tables."""
    desk = _Desk(db)
    for name, columns, rows in (("tasks", TASK_COLUMNS, _task_rows), ("metrics", METRIC_COLUMNS, _metric_rows),
                                ("flags", FLAG_COLUMNS, _flag_rows), ("progress", PROGRESS_COLUMNS, _progress_rows)):
        yield _Sheet(name, list(columns), _desk_kinds(columns), rows(desk), caps=_NARROW)
    for sheet in _sheets(db):
        if sheet.name != FLAT:
            yield _raw_sheet(sheet, desk)
