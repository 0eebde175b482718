"""The ``taskdb`` command: a thin shell over :mod:`pipeline.api`.

Exit status: 0 when every file was read, 2 when any file failed, 1 for a usage error.
"""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

app = typer.Typer(add_completion=False, no_args_is_help=True, help="taskdb: tasks, units, deadlines and metrics "
                  "from Chinese work-safety documents.")


class OutFormat(str, Enum):
    jsonl = "jsonl"
    text = "text"


class _Out:
    """stdout as UTF-8 bytes whatever its declared encoding: records are UTF-8 (SPEC), and a character the
    stream's encoding lacks is written as a backslash escape rather than ending the batch."""

    def __init__(self) -> None:
        sys.stdout.flush()
        self._buffer = getattr(sys.stdout, "buffer", None)

    def write(self, text: str) -> None:
        if self._buffer is not None:
            self._buffer.write(text.encode("utf-8", "backslashreplace"))
        else:
            sys.stdout.write(text)

    def flush(self) -> None:
        (self._buffer or sys.stdout).flush()


def _show_version(value: bool) -> None:
    if value:
        from .version import __version__

        typer.echo(f"taskdb {__version__}")
        raise typer.Exit()


_TIME_BUDGET_HELP = ("CPU seconds a document may take, BASE+PER_MB: 5+20 (the default) is 5 s plus 20 s per MB of "
                     "the file; 0 turns the limit off. A document past it is a too_complex error and the batch goes "
                     "on. Default: $TASKDB_TIME_BUDGET, else 5+20.")


def _time_budget(value: str | None) -> str | None:
    if value is None:
        return None
    from .watchdog import budget_setting

    try:
        budget_setting(value)
    except ValueError:
        raise typer.BadParameter(f"{value!r} is not BASE+PER_MB in seconds (e.g. 5+20), or 0 for no limit",
                                 param_hint="--time-budget") from None
    return value


_OCR_HELP = ("OCR of scanned PDF pages and .png/.jpg/.tif files (pip install 'taskdb[ocr]'): auto OCRs the pages "
             "without a text layer, off never OCRs (a scan is no_text_layer), force OCRs every page. Default: "
             "$TASKDB_OCR, else auto.")


def _ocr_mode(value: str | None) -> str | None:
    if value is None:
        return None
    from .ingest.ocr import MODES

    if value.strip().lower() not in MODES:
        raise typer.BadParameter(f"must be one of {', '.join(MODES)}, not {value!r}", param_hint="--ocr")
    return value.strip().lower()


@app.callback()
def _root(
    version: Annotated[bool, typer.Option("--version", callback=_show_version, is_eager=True,
                                          help="Print the version and exit.")] = False,
) -> None:
    """taskdb: tasks, units, deadlines and metrics from Chinese work-safety documents."""


@app.command("extract")
def extract_cmd(
    files: Annotated[list[Path], typer.Argument(help="Documents to read (.txt .docx .pdf .html .doc; scans "
                                                            "and .png .jpg .tif through OCR).")],
    format: Annotated[OutFormat, typer.Option("--format", "-f", help="jsonl: SPEC records; text: cleaned text "
                                              "with its section outline.")] = OutFormat.jsonl,
    until: Annotated[str | None, typer.Option("--until", help="Stop after this stage: read, clean, structure, "
                                               "extract or normalise (default: all).")] = None,
    time_budget: Annotated[str | None, typer.Option("--time-budget", metavar="BASE+PER_MB", help=_TIME_BUDGET_HELP,
                                                    callback=_time_budget)] = None,
    ocr: Annotated[str | None, typer.Option("--ocr", metavar="auto|off|force", help=_OCR_HELP,
                                            callback=_ocr_mode)] = None,
) -> None:
    """Print one record per file, in input order; a bad file gives an error line and the batch goes on.

    Example: taskdb extract corpora/samples/*.txt --format jsonl
    """
    from .api import extract_many, pipe_names

    if until is not None and until not in pipe_names():
        raise typer.BadParameter(f"must be one of {pipe_names()}, not {until!r}", param_hint="--until")
    from .safe_text import json_line, name_text

    _STATE["ran"] = True
    failed = 0
    out = _Out()
    for res in extract_many(files, until=until, time_budget=time_budget, ocr=ocr):
        if not res.ok:
            failed += 1
        if format is OutFormat.jsonl:
            # one line per file whatever its name or text holds (bytes that are not UTF-8, U+2028, U+0085)
            out.write(json_line(res.to_record()) + "\n")
        elif res.ok:
            doc = res.document
            out.write(f"# {name_text(doc.source)}\n# title: {doc.title}  type: {doc.doc_type}  year: {doc.year}  "
                      f"issuer: {doc.issuer}\n")
            if doc.sections:
                out.write("## outline\n" + doc.outline() + "\n")
            if doc.flags:
                out.write("## flags\n" + "\n".join(f"- {f.code}: {f.message}" for f in doc.flags) + "\n")
            if doc.tasks or doc.metrics:
                from .review.text import extraction_listing

                out.write("## extractions\n" + extraction_listing(doc.to_record()) + "\n")
            out.write("## text\n" + doc.text + "\n\n")
        else:
            out.write(f"# {name_text(res.source)}\nerror {res.code}: {res.message}\n\n")
        out.flush()
    if failed:
        raise typer.Exit(2)


@app.command("review")
def review_cmd(
    files: Annotated[list[Path] | None, typer.Argument(help="Documents (.txt .docx .pdf .html .doc) or folders "
                                                       "(walked as ingest walks them).")] = None,
    out: Annotated[Path, typer.Option("--out", "-o", help="The folder the site is written into (made if missing; "
                                      "pages already there are overwritten).")] = Path("review"),
    db: Annotated[str | None, typer.Option("--db", help="Review every document stored in this database "
                                           "instead of files.")] = None,
    jobs: Annotated[int, typer.Option("--jobs", "-j", min=1, help="Worker processes that read and extract the "
                                      "files.")] = 1,
    time_budget: Annotated[str | None, typer.Option("--time-budget", metavar="BASE+PER_MB", help=_TIME_BUDGET_HELP,
                                                    callback=_time_budget)] = None,
) -> None:
    """Write a static HTML site showing every task, unit, deadline and metric highlighted in its sentence.

    OUT/index.html lists the documents with their counts; each document's page shows the cleaned text with
    the values in place, flags in the margin, and a side list linking each value to its sentence (and, for
    files, to the original text). Self-contained: open OUT/index.html in a browser, no network needed. A file
    that cannot be read is listed on the index page and the exit status is 2.

    Examples: taskdb review corpora/samples --out review;  taskdb review --db taskdb.sqlite --out review
    """
    if bool(files) == bool(db):
        raise typer.BadParameter("give files or folders, or --db URL (not both)")
    _STATE["ran"] = True
    from .review import review_db, review_files

    try:
        report = review_db(db, out) if db else review_files(files, out, time_budget=time_budget, jobs=jobs)
    except OSError as e:
        raise _fail(f"{out}: cannot write the site ({e.strerror or e})") from None
    except Exception as e:
        from .store import StoreError

        if isinstance(e, StoreError):
            raise _fail(str(e)) from None
        raise
    from .safe_text import name_text

    for source, code, message in report.errors:
        sys.stderr.write(f"{name_text(source)}: error {code}: {message}\n")
    sys.stderr.write(f"{len(report.pages)} pages written; open {name_text(report.index)}\n")
    if report.errors and not db:
        raise typer.Exit(2)


@app.command("eval")
def eval_cmd(
    corpus: Annotated[Path, typer.Argument(exists=True, file_okay=False, help="A folder walked for NAME.gold.json "
                                           "beside NAME.txt and its renditions (.docx .pdf .html).")],
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="List every miss and extra per document.")] = False,
    json_out: Annotated[Path | None, typer.Option("--json", help="Also write every figure to this JSON file.")] = None,
    formats: Annotated[str | None, typer.Option("--formats", help="Formats to score, comma-separated (default "
                                                "txt,docx,pdf,html; with --cv: txt).")] = None,
    baseline: Annotated[Path | None, typer.Option("--baseline", help="Exit 3 when a .txt total is below this "
                                                  "file's by more than 0.0005.")] = None,
    write_baseline: Annotated[Path | None, typer.Option("--write-baseline", help="Write the .txt totals as the new "
                                                        "baseline (refused if a figure would go down).")] = None,
    allow_lower: Annotated[bool, typer.Option("--allow-lower", help="Let --write-baseline lower figures.")] = False,
    cv: Annotated[int | None, typer.Option("--cv", min=2, help="Held-out figures: K folds grouped by source; "
                                           "every model trained on K-1 folds, the other fold extracted and "
                                           "scored (.txt only). With --track: leave one pair out.")] = None,
    track: Annotated[bool, typer.Option("--track", help="Score `taskdb track` on the plan–report pairs "
                                        "(NAME.track.json beside a plan, SPEC §9): status accuracy and "
                                        "evidence F1.")] = False,
) -> None:
    """Score the extraction against the gold files of a corpus (SPEC §7), per format, or held out (--cv K).

    Examples: taskdb eval corpora/ --baseline eval_baseline.json;  taskdb eval corpora/ --cv 5
    """
    _STATE["ran"] = True
    if track:
        from .evaluate.track import run_track

        code = run_track(corpus, cv=cv is not None, json_out=json_out)
        if code:
            raise typer.Exit(code)
        return
    from .evaluate import run

    code = run(corpus, verbose=verbose, json_out=json_out, formats=formats, baseline=baseline,
               write_baseline_to=write_baseline, allow_lower=allow_lower, cv=cv)
    if code:
        raise typer.Exit(code)


@app.command("train")
def train_cmd(
    corpus: Annotated[Path, typer.Argument(exists=True, file_okay=False, help="A folder walked for NAME.gold.json "
                                           "beside NAME.txt.")],
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Where the models go (default: models/, or "
                                             "$TASKDB_MODELS).")] = None,
    only: Annotated[list[str] | None, typer.Option("--only", help="Train only this model (repeatable).")] = None,
) -> None:
    """Rebuild every model (and its card) from the gold files of a corpus, deterministically.

    Example: taskdb train corpora/
    """
    from .train import train

    _STATE["ran"] = True
    metas = train(corpus, out, tuple(only) if only else None)
    from rich.console import Console

    console = Console()
    for name, meta in metas.items():
        held = {k: v for k, v in meta.items() if k.startswith("cv_")}
        console.print(f"[bold]{name}[/]: {meta.get('examples')} examples from {meta.get('documents')} documents; "
                      + ", ".join(f"{k} {v}" for k, v in held.items()), highlight=False)


@app.command("track")
def track_cmd(
    files: Annotated[list[Path] | None, typer.Argument(help="Plans and reports (.txt .docx .pdf .html .doc); "
                                                       "each plan is linked to the reports among them.")] = None,
    db: Annotated[str | None, typer.Option("--db", help="Link every plan of this database to its reports "
                                           "instead, and store the result in its task_progress table.")] = None,
    format: Annotated[OutFormat, typer.Option("--format", "-f", help="jsonl: one SPEC §9 record per plan task; "
                                              "text: per plan, each task's status and evidence.")] = OutFormat.jsonl,
) -> None:
    """Which planned task was reported done, in progress or not at all (SPEC §9), with the evidence sentences.

    A plan is linked to the reports of its year whose issuer is the plan's or one of its tasks' units, or
    of its place; where a place is masked, a report whose title is on the same work at the same level of
    government. Renditions of one text count once. A file that cannot be read is named on stderr and the
    exit status is 2; with --db, the result is also stored in the task_progress table.

    Examples: taskdb track plan.txt report.txt report2.txt;  taskdb track --db taskdb.sqlite --format text
    """
    from .safe_text import json_line

    if bool(files) == bool(db):
        raise typer.BadParameter("give files, or --db URL (not both)")
    _STATE["ran"] = True
    failed: list[str] = []
    if db:
        from .store import StoreError
        from .track.db import track_db

        try:
            records = track_db(db)
        except StoreError as e:
            raise _fail(str(e)) from None
    else:
        from .safe_text import name_text
        from .track import track_files

        def on_error(source: str, code: str, message: str) -> None:
            failed.append(source)
            sys.stderr.write(f"{name_text(source)}: error {code}: {message}\n")

        records = track_files(files, on_error=on_error)
    out = _Out()
    if format is OutFormat.jsonl:
        for r in records:
            out.write(json_line(r) + "\n")
    else:
        from .track import render_text

        out.write(render_text(records))
    out.flush()
    if failed:  # SPEC §2: 2 when any file failed (the others are still linked)
        raise typer.Exit(2)


# -- the database: ingest, export, query (issue #4) ------------------------------------------------------------

_DB_HELP = "SQLite file (created when missing) or postgresql://user:password@host/db URL."
_ALL_VERSIONS_HELP = ("Every version of each document (same title and issuer, another text); by default only "
                      "the latest.")


class ExportFormat(str, Enum):
    csv = "csv"
    xlsx = "xlsx"
    parquet = "parquet"
    jsonl = "jsonl"


class QueryFormat(str, Enum):
    table = "table"
    csv = "csv"
    jsonl = "jsonl"


def _fail(message: str, hint: str | None = None) -> typer.Exit:
    """A usage or database error as one line on stderr (passwords masked), and exit status 1."""
    from rich.console import Console
    from rich.markup import escape

    from .store.db import mask_url

    text = " ".join(mask_url(message).split())
    Console(stderr=True, soft_wrap=True).print(f"[red]Error:[/] {escape(text)}"
                                               + (f" [dim]({escape(hint)})[/]" if hint else ""), highlight=False)
    return typer.Exit(1)


def _iso_date(value: str | None) -> str | None:
    from datetime import date

    if value is None:
        return None
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError:
        raise typer.BadParameter(f"{value!r} is not a date YYYY-MM-DD") from None


@app.command("ingest")
def ingest_cmd(
    paths: Annotated[list[Path], typer.Argument(help="Files and folders; folders are walked recursively for "
                                                "the supported extensions (.txt .docx .pdf .html .doc, and .png .jpg .tif unless --ocr off).")],
    db: Annotated[str, typer.Option("--db", help=_DB_HELP)] = "taskdb.sqlite",
    jobs: Annotated[int, typer.Option("--jobs", "-j", min=1, help="Worker processes that read and extract "
                                      "(the main process is the one writer).")] = 1,
    follow_symlinks: Annotated[bool, typer.Option("--follow-symlinks", help="Read what symlinks in a folder point "
                                                  "to, even outside it, and walk symlinked folders (by default a "
                                                  "link out of the folder is refused as outside_folder).")] = False,
    cluster: Annotated[str | None, typer.Option("--cluster", help="Read and extract on a Dask cluster: local:N "
                                                "(N worker processes here) or a scheduler's address, e.g. "
                                                "tcp://host:8786; this process stays the one writer.")] = None,
    shared_files: Annotated[bool, typer.Option("--shared-files", help="With --cluster tcp://…: the workers see "
                                               "the files at the same paths (a shared file system), send paths, "
                                               "not the files' bytes.")] = False,
    time_budget: Annotated[str | None, typer.Option("--time-budget", metavar="BASE+PER_MB", help=_TIME_BUDGET_HELP,
                                                    callback=_time_budget)] = None,
    ocr: Annotated[str | None, typer.Option("--ocr", metavar="auto|off|force", help=_OCR_HELP,
                                            callback=_ocr_mode)] = None,
) -> None:
    """Store the tasks, units, deadlines and metrics of documents in a database.

    Files are known by the sha256 of their bytes and written in batches
    (each document whole or not at all): files stored already are skipped
    before parsing, a changed file replaces its old version, bad files are kept
    as error rows and listed at the end. Renditions of one text (.txt, .docx,
    .pdf, .html) are one document; a later version is kept as a version. Interrupted, the same command finishes
    the rest. Exit 0, or 2 when any file failed; 130
    after Ctrl-C and 143 after SIGTERM (workers ended, the run marked interrupted).

    Example: taskdb ingest corpora/ --db taskdb.sqlite --jobs 2
    (or --db postgresql://user:pw@host/taskdb --cluster tcp://scheduler:8786)
    """
    from rich.console import Console

    from .api import ingest
    from .store import StoreError
    from .store.console import ingest_progress, print_ingest_report
    from .store.lifeline import Terminated, sigterm_stops

    _STATE["ran"] = True
    err = Console(stderr=True)
    missing = [p for p in paths if not p.exists() and not p.is_symlink()]
    if len(missing) == len(paths):  # nothing to read: say so, and create no database
        from .safe_text import name_text

        raise _fail(f"{', '.join(name_text(str(p)) for p in missing)}: no such file or folder; nothing ingested",
                    "give files or folders holding .txt .docx .pdf .html .doc")
    try:
        if cluster is not None and jobs > 1:
            raise _fail("--jobs and --cluster exclude each other: with --cluster the Dask workers read and extract")
        if cluster is None and shared_files:
            raise _fail("--shared-files goes with --cluster")
        with sigterm_stops(), ingest_progress(err) as on_event:
            report = ingest(paths, db, jobs=jobs, on_event=on_event, follow_symlinks=follow_symlinks,
                            time_budget=time_budget, cluster=cluster, shared_files=shared_files or None, ocr=ocr,
                            on_warning=lambda w: err.print(f"[yellow]warning:[/] {w}", highlight=False))
    except StoreError as e:
        raise _fail(str(e)) from None
    except Terminated:
        err.print("[yellow]terminated (SIGTERM): what was stored stays, the run is marked interrupted; run the same "
                  "command again to finish[/]")
        raise typer.Exit(143) from None
    except KeyboardInterrupt:
        err.print("[yellow]interrupted: what was stored stays; run the same command again to finish[/]")
        raise typer.Exit(130) from None
    from .store.db import mask_url

    print_ingest_report(Console(), report, mask_url(db))
    if report.failed:
        raise typer.Exit(2)


@app.command("export")
def export_cmd(
    out: Annotated[Path, typer.Option("--out", "-o", help="The .xlsx file, or the folder for csv/parquet/jsonl.")],
    format: Annotated[ExportFormat | None, typer.Option("--format", "-f", help="xlsx: one workbook; csv, parquet, "
                                                        "jsonl: one file per table in the --out folder (default: "
                                                        "from the suffix of --out, e.g. x.xlsx).")] = None,
    db: Annotated[str, typer.Option("--db", help=_DB_HELP)] = "taskdb.sqlite",
    all_versions: Annotated[bool, typer.Option("--all-versions", help=_ALL_VERSIONS_HELP)] = False,
) -> None:
    """Export every table and the flat view of tasks as xlsx, csv, parquet or jsonl.

    The workbook opens on "tasks" (document title, section, task, units under
    牵头 / 配合 / 负责, the deadline as a date, the status `taskdb track` stored),
    then "metrics", "flags" and "progress", then the raw tables; csv, parquet
    and jsonl hold the flat view "tasks_flat" and one file per table.

    Example: taskdb export --db taskdb.sqlite --format xlsx --out taskdb.xlsx
    """
    from .store import StoreError
    from .store.export import export
    from .store.read import TaskDB

    _STATE["ran"] = True
    if format is None:
        suffix = out.suffix.lower().lstrip(".")
        if suffix not in ExportFormat.__members__:
            raise _fail(f"cannot tell the export format from {str(out)!r}",
                        "give --format xlsx|csv|parquet|jsonl, or an --out ending in .xlsx")
        format = ExportFormat(suffix)
    try:
        with TaskDB(db, all_versions=all_versions) as tdb:
            written = export(tdb, out, format.value)
    except (StoreError, ValueError) as e:
        raise _fail(str(e)) from None
    except OSError as e:  # a folder that cannot be made, a full disk
        raise _fail(f"{e.filename or out}: cannot write the export ({e.strerror or e})") from None
    for p in written:
        typer.echo(str(p))


@app.command("query")
def query_cmd(
    db: Annotated[str, typer.Option("--db", help=_DB_HELP)] = "taskdb.sqlite",
    unit: Annotated[str | None, typer.Option("--unit", help="Tasks of this unit, as written or canonical "
                                             "(区应急局 or 区应急管理局).")] = None,
    role: Annotated[str | None, typer.Option("--role", help="Only links with this role, lead / support / "
                                             "responsible or 牵头 / 配合 / 负责 (with --unit, or alone).")] = None,
    due_before: Annotated[str | None, typer.Option("--due-before", help="Tasks due on or before YYYY-MM-DD "
                                                   "(a by_date's date, a range's end).")] = None,
    due_after: Annotated[str | None, typer.Option("--due-after", help="Tasks due on or after YYYY-MM-DD.")] = None,
    domain: Annotated[str | None, typer.Option("--domain", help="Tasks of this domain (消防, 防汛, …).")] = None,
    metrics_by: Annotated[str | None, typer.Option("--metrics-by", help="Sum metric values per group, instead of "
                                                   "listing tasks: category, document, issuer, year, measure, "
                                                   "stage or kind, or several comma-separated (document,measure: "
                                                   "per measure key, rates and changes never summed).")] = None,
    format: Annotated[QueryFormat, typer.Option("--format", "-f", help="table for people; csv (UTF-8 with a BOM, "
                                                "for Excel) or jsonl (every column) for tools.")] = QueryFormat.table,
    limit: Annotated[int | None, typer.Option("--limit", "-n", min=1, help="At most this many rows.")] = None,
    columns: Annotated[str | None, typer.Option("--columns", "-c", help="The columns to show, comma-separated "
                                                "(e.g. title,task,lead,due); default: a readable few in a table, "
                                                "every column in csv and jsonl.")] = None,
    no_collective: Annotated[bool, typer.Option("--no-collective", help="Leave out collective units (各乡镇, "
                                                "各有关部门, 各成员单位 …): not matched, not listed.")] = False,
    all_versions: Annotated[bool, typer.Option("--all-versions", help=_ALL_VERSIONS_HELP)] = False,
) -> None:
    """Ask the common questions: tasks by unit, role, deadline or domain; metrics summed by group.

    Task filters combine (AND). --metrics-by sums metric values per group and unit
    of measure (处, 家 and 元 are never added together); with measure among the
    groups, per measure key (hazards_found, fines_yuan, …: found and rectified
    apart, rates and changes never summed). With no question, the row count of
    every table. A document sent as several files (.txt, .docx, .pdf,
    .html) counts once, and only its latest version unless --all-versions.

    Example: taskdb query --unit 区应急管理局 --role lead --due-before 2024-06-30
    """
    from rich.console import Console

    from itertools import islice

    from .store import StoreError
    from .store.console import pick_columns, print_counts, print_rows
    from .store.db import mask_url
    from .store.read import FLAT_COLUMNS, TaskDB, parse_metrics_by, parse_role

    due_before, due_after = _iso_date(due_before), _iso_date(due_after)
    asks_tasks = any(v is not None for v in (unit, role, due_before, due_after, domain)) or no_collective
    if metrics_by is not None and asks_tasks:
        raise typer.BadParameter("--metrics-by sums metrics; it does not combine with the task filters "
                                 "(--unit, --role, --due-before, --due-after, --domain, --no-collective)")
    if metrics_by is not None:
        try:
            metrics_by = ",".join(parse_metrics_by(metrics_by))
        except ValueError as e:
            raise typer.BadParameter(str(e), param_hint="--metrics-by") from None
    _STATE["ran"] = True
    try:
        role = parse_role(role)
        with TaskDB(db, all_versions=all_versions) as tdb:
            if metrics_by is not None:
                df = tdb.metrics_summary(by=metrics_by)
                rows = df.astype(object).where(df.notna(), None).to_dict("records")
                all_cols = list(df.columns)
                narrow = ("sha256", "source", "min", "max") if "measure" in metrics_by.split(",") else ("sha256",)
                default = [c for c in all_cols if c not in narrow]
                title = f"metrics by {metrics_by}"
            elif asks_tasks:
                if unit is not None and not tdb.knows_unit(unit, collective=not no_collective):
                    near = tdb.similar_units(unit, collective=not no_collective)
                    raise _fail(f"no unit {unit!r} in {mask_url(db)}",
                                f"did you mean {' / '.join(near)}?" if near else
                                "no written or canonical name is close; open_db(DB).units() lists them all")
                rows = tdb.iter_tasks_flat(unit=unit, role=role, due_before=due_before, due_after=due_after,
                                           domain=domain, collective=not no_collective)
                all_cols = list(FLAT_COLUMNS)
                default = ["title", "year", "section", "task", "units", "deadlines", "domain"]
                title = "tasks"
            elif format is QueryFormat.table and columns is None and limit is None:
                print_counts(Console(), tdb.counts(), mask_url(db))
                return
            else:
                rows = ({"table": k, "rows": v} for k, v in tdb.counts().items())
                all_cols = default = ["table", "rows"]
                title = mask_url(db)
            chosen = pick_columns(columns, all_cols)
            stream = rows
            if limit is not None:
                rows = islice(rows, limit)
            if format is QueryFormat.table:
                print_rows(rows, chosen or all_cols, "table", title=title, show=chosen or default)
            else:
                print_rows(rows, chosen or all_cols, format.value)
            getattr(stream, "close", lambda: None)()  # a generator cut by --limit lets go of its connections
    except (StoreError, ValueError) as e:
        raise _fail(str(e)) from None


_STATE = {"ran": False}  # set once a command has parsed its arguments


def main(argv: list[str] | None = None) -> int:
    """Run the CLI. Usage errors exit 1 (SPEC §2) rather than click's 2, which here means "a file failed"."""
    try:
        app(args=argv, prog_name="taskdb")
    except SystemExit as e:
        code = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
        if code == 2 and not _STATE["ran"]:
            return 1
        return code
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
