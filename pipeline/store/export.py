"""Exports: one file (or sheet) per table plus the flat "tasks with units and deadlines" view.

- ``xlsx``: one workbook, the flat view first; every sheet has a bold frozen
  header, an autofilter, column widths fitted to the content (wide CJK
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
depend on the size of the database.
"""

from __future__ import annotations

import csv
import json
import logging
import unicodedata
from collections.abc import Iterable, Iterator
from itertools import islice
from pathlib import Path
from typing import Any

from sqlalchemy import JSON, Boolean, Float, Integer, Table, select

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

    def __init__(self, name: str, columns: list[str], kinds: dict[str, str], rows: Iterator[tuple]):
        self.name, self.columns, self.kinds, self.rows = name, columns, kinds, rows


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
        _write_xlsx(_sheets(db), out)
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
            if c == "sha256" or c.endswith("_id") and typical > 16:
                w = 18  # identifiers: enough to tell apart and to filter on, not to read
            widths.append(w)
            wrapped.append(k in ("str", "json") and typical + 2 > 60 and w > 18)
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
                v = _plain(v, k)
                cell = WriteOnlyCell(ws, value=_xlsx_text(v) if isinstance(v, str) else v)
                if isinstance(v, str):
                    cell.data_type = "s"  # text, never a formula (openpyxl takes a str starting with = as one)
                cell.alignment = wrap if wr else top
                cells.append(cell)
            ws.append(cells)
            n += 1
        ws.auto_filter.ref = f"A1:{get_column_letter(max(1, len(sheet.columns)))}{n + 1}"
    wb.save(path)


def _chain(first: list, rest: Iterator) -> Iterator:
    yield from first
    yield from rest
