"""What ``taskdb ingest``, ``export`` and ``query`` show people: progress, summaries, tables.

Kept apart from :mod:`pipeline.cli` so that the commands stay a few lines each.
"""

from __future__ import annotations

import csv
import sys
from collections.abc import Iterable, Sequence
from contextlib import contextmanager
from typing import Any

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table
from rich.text import Text

from ..safe_text import json_line, spreadsheet_text
from .ingest import IngestReport


class RateColumn(ProgressColumn):
    """Documents per second since the start (completed / elapsed)."""

    def render(self, task) -> Text:
        elapsed = task.elapsed or 0.0
        rate = task.completed / elapsed if elapsed > 0 else 0.0
        return Text(f"{rate:6.1f} docs/s", style="progress.data.speed")


@contextmanager
def ingest_progress(console: Console):
    """A progress bar over the files of an ingest; yields the ``on_event`` hook to pass to it."""
    progress = Progress(TextColumn("[bold]ingest"), BarColumn(), MofNCompleteColumn(), RateColumn(),
                        TextColumn("{task.fields[failed]} failed"), TimeElapsedColumn(), TimeRemainingColumn(),
                        console=console, transient=False)
    state: dict[str, Any] = {"task": None}

    def on_event(kind: str, path: str, report: IngestReport) -> None:
        if state["task"] is None:
            state["task"] = progress.add_task("ingest", total=report.n_files, failed=0)
        progress.update(state["task"], completed=report.done, failed=len(report.failed))

    with progress:
        yield on_event


def print_ingest_report(console: Console, report: IngestReport, db: str) -> None:
    """The failed files (a table) and the summary: this run's rows and the database's totals."""
    if report.failed:
        t = Table(title=f"{len(report.failed)} file(s) not stored", title_justify="left", show_lines=False)
        t.add_column("file", overflow="fold")
        t.add_column("code", style="red")
        t.add_column("message", overflow="fold")
        for f in report.failed:
            path = _short(f.path)
            message = f.message.removeprefix(f"{f.path}: ")
            t.add_row(path, f.code, message)
        console.print(t)
    totals = report.totals
    s = Table(title=f"{report.n_files} file(s) in {report.seconds:.1f} s → {db}", title_justify="left")
    s.add_column("")
    s.add_column("this run", justify="right")
    s.add_column("in the database", justify="right")
    new = f"{report.stored} new" + (f" ({report.versions} new versions)" if report.versions else "")
    held = str(totals.get("documents", ""))
    if totals.get("files") is not None:
        held += f" ({totals['files']} files" + (f", {totals['versions']} earlier versions" if totals.get("versions")
                                               else "") + ")"
    s.add_row("documents", f"{new}, {report.renditions} renditions, {report.skipped} already stored",
              held)
    s.add_row("tasks", str(report.tasks), str(totals.get("tasks", "")))
    s.add_row("units", f"{report.unit_links} task links", f"{totals.get('units', '')} "
              f"({totals.get('task_units', '')} task links)")
    s.add_row("metrics", str(report.metrics), str(totals.get("metrics", "")))
    s.add_row("errors", str(len(report.failed)), str(totals.get("errors", "")))
    console.print(s)
    if report.interrupted:
        console.print("[yellow]interrupted: run the same command again to finish the rest[/]")


def _short(path: str) -> str:
    """A path relative to the working folder when it is inside it."""
    import os

    try:
        rel = os.path.relpath(path)
    except ValueError:
        return path
    return path if rel.startswith("..") else rel


def _csv_cell(v: Any) -> str:
    return _cell(v) if isinstance(v, (int, float)) else spreadsheet_text(_cell(v))


def _cell(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


# the share of a table's width each long column gets; the others take what their content needs
_RATIO = {"task": 5, "units": 3, "title": 2, "section": 2, "deadlines": 2, "source": 2, "message": 3}


def print_rows(rows: Iterable[dict], columns: Sequence[str], fmt: str, *, console: Console | None = None,
               title: str | None = None, show: Sequence[str] | None = None) -> int:
    """Rows as a rich table (``table``, the columns in ``show``), CSV or JSON lines on stdout; returns the count."""
    n = 0
    if fmt == "csv":
        # a BOM first: Excel on Windows reads the file as UTF-8 (not the ANSI code page) only with one
        out = getattr(sys.stdout, "buffer", None)
        if out is not None:
            sys.stdout.flush()
            out.write(b"\xef\xbb\xbf")
            out.flush()
        else:
            sys.stdout.write("\ufeff")
        w = csv.writer(sys.stdout)
        w.writerow(columns)
        for r in rows:
            # a text starting with = + - @ gets a quote in front: no spreadsheet runs it as a formula
            w.writerow([_csv_cell(r.get(c)) for c in columns])
            n += 1
        return n
    if fmt == "jsonl":
        for r in rows:
            rec = {c: (int(v) if isinstance(v, float) and v.is_integer() else v) for c, v in
                   ((c, r.get(c)) for c in columns)}
            sys.stdout.write(json_line(rec) + "\n")
            n += 1
        return n
    console = console or Console()
    cols = list(show or columns)
    t = Table(title=title, title_justify="left", show_lines=True, expand=True)
    for c in cols:
        numeric = c in ("n", "total", "n_masked", "n_approx", "year")
        t.add_column(c, justify="right" if numeric else "left", overflow="fold", ratio=_RATIO.get(c),
                     no_wrap=numeric)
    for r in rows:
        t.add_row(*(_cell(r.get(c)) for c in cols))
        n += 1
    t.caption = f"{n} row(s)"
    console.print(t)
    return n


def pick_columns(spec: str | None, columns: Sequence[str]) -> list[str] | None:
    """The columns named in ``--columns a,b,c`` (None when not given); an unknown name is a ValueError."""
    if spec is None:
        return None
    chosen = [c.strip() for c in spec.replace("，", ",").split(",") if c.strip()]
    unknown = [c for c in chosen if c not in columns]
    if unknown or not chosen:
        raise ValueError(f"--columns: {', '.join(unknown) or 'none given'} not among the columns "
                         f"({', '.join(columns)})")
    return chosen


def print_counts(console: Console, counts: dict[str, int], db: str) -> None:
    t = Table(title=f"{db}", title_justify="left")
    t.add_column("table")
    t.add_column("rows", justify="right")
    for k, v in counts.items():
        t.add_row(k, str(v))
    console.print(t)
