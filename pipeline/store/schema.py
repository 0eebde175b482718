"""The database schema (SQLAlchemy Core), the same on SQLite and PostgreSQL.

Identity is natural wherever the record has one, so that two databases built
from the same files hold the same rows whatever the order of the writes:

- a document is the ``sha256`` of its canonical rendition (the file with the richest text layer,
  :mod:`pipeline.store.renditions`); every file it was seen as — its renditions (.txt, .docx, .pdf,
  .html of one text) and their copies — is a row of ``document_paths`` with the file's own
  ``file_sha256`` and ``format`` (one row per path: a path holds one file at a time);
- a later version of a document (same title and issuer, another text) is another document:
  ``version_of`` names the previous version, ``version`` numbers them and ``latest`` marks the one
  that queries and totals read by default;
- sections and tasks are ``(sha256, id)`` with the record's own ids (``s3``, ``t12``);
- task units, deadlines, metrics and flags are ``(sha256, …, ord)``, their
  position in the record;
- a unit is one organisation within one jurisdiction: ``id`` is a hash of its
  ``scope`` (the document's region — the normaliser's, or the place its issuer
  names — else the document itself: never merged across unknown jurisdictions,
  SPEC §4) and its canonical name.

Dates are ISO strings (``2024-04-30``): they sort and compare as dates on both
databases and survive any export unchanged.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Float,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    true,
)

#: bump when a table changes; :func:`pipeline.store.db.ensure_schema` upgrades the versions in
#: :data:`UPGRADES` and refuses any other
SCHEMA_VERSION = 5

metadata = MetaData()

SHA = String(64)
DATE = Text  # YYYY-MM-DD
STAMP = String(32)  # ISO 8601 UTC timestamp

taskdb_meta = Table(
    "taskdb_meta", metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)

runs = Table(
    "runs", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("pipeline_version", Text, nullable=False),
    Column("stages", JSON, nullable=False),  # stage names and reader versions
    Column("options", JSON, nullable=False),  # the ingest's arguments
    Column("started_at", STAMP, nullable=False),
    Column("finished_at", STAMP),
    Column("status", Text, nullable=False),  # running | finished | interrupted
    Column("host", Text),  # where the ingest runs, and its process id: a later run on the same host
    Column("pid", Integer),  # that finds the process gone marks the run interrupted
    Column("heartbeat_at", STAMP),  # renewed while the run lives; stale: interrupted (any host)
    Column("n_files", Integer),
    Column("n_stored", Integer),  # documents written by this run
    Column("n_skipped", Integer),  # already stored (same sha256): not parsed again
    Column("n_renditions", Integer),  # renditions of a stored document: their paths recorded (schema 5)
    Column("n_errors", Integer),
    Column("n_tasks", Integer),
    Column("n_units", Integer),  # task-unit links written
    Column("n_metrics", Integer),
)

documents = Table(
    "documents", metadata,
    Column("sha256", SHA, primary_key=True),
    Column("format", Text, nullable=False),
    Column("title", Text),
    Column("doc_type", Text),
    Column("year", Integer),
    Column("issuer", Text),
    Column("region", Text),
    Column("n_chars", Integer, nullable=False),
    Column("text", Text, nullable=False),  # the cleaned text every span indexes
    Column("meta", JSON),
    Column("pipeline_version", Text, nullable=False),
    Column("run_id", Integer, ForeignKey("runs.id")),
    Column("text_key", SHA),  # sha256 of the normalised text: renditions of one text share it (schema 5)
    Column("title_key", Text),  # the normalised title: versions share it and the issuer
    Column("version_of", SHA),  # the previous version's sha256 (null: the first, or the only one)
    Column("version", Integer, nullable=False, server_default="1"),  # 1, 2, … in the order of the versions
    Column("latest", Boolean, nullable=False, server_default=true()),  # the newest version: what queries read
    Index("ix_documents_issuer", "issuer"),
    Index("ix_documents_year", "year"),
    Index("ix_documents_text_key", "text_key"),
    Index("ix_documents_title_key", "title_key", "issuer"),
    Index("ix_documents_version_of", "version_of"),
)

document_paths = Table(
    "document_paths", metadata,
    Column("path", Text, primary_key=True),  # absolute
    Column("sha256", SHA, ForeignKey("documents.sha256", ondelete="CASCADE"), nullable=False),  # the document
    Column("mtime", Float),
    Column("size", Integer),
    Column("run_id", Integer, ForeignKey("runs.id")),
    Column("file_sha256", SHA),  # of this file's bytes: the document's sha256 for its canonical rendition
    Column("format", Text),  # of this file: txt | docx | pdf | html | doc
    Index("ix_document_paths_sha256", "sha256"),
    Index("ix_document_paths_file_sha256", "file_sha256"),
)

#: the LSH band hashes of a document's MinHash (:func:`pipeline.store.renditions.band_hashes`): a new file
#: sharing one with a stored document is compared with it as a possible near-duplicate rendition
document_bands = Table(
    "document_bands", metadata,
    Column("sha256", SHA, ForeignKey("documents.sha256", ondelete="CASCADE"), primary_key=True),
    Column("band", Integer, primary_key=True),
    Column("hash", String(16), nullable=False),
    Index("ix_document_bands_hash", "hash", "band"),
)

sections = Table(
    "sections", metadata,
    Column("sha256", SHA, ForeignKey("documents.sha256", ondelete="CASCADE"), primary_key=True),
    Column("id", Text, primary_key=True),
    Column("ord", Integer, nullable=False),
    Column("parent", Text),
    Column("level", Integer),
    Column("number", Text),
    Column("heading", Text),
    Column("marker", Text),
    Column("span_start", Integer),
    Column("span_end", Integer),
)

tasks = Table(
    "tasks", metadata,
    Column("sha256", SHA, ForeignKey("documents.sha256", ondelete="CASCADE"), primary_key=True),
    Column("id", Text, primary_key=True),
    Column("ord", Integer, nullable=False),
    Column("section_id", Text),
    Column("text", Text, nullable=False),
    Column("domain", Text),  # filled by the normaliser; null until then
    Column("span_start", Integer),
    Column("span_end", Integer),
    Index("ix_tasks_domain", "domain"),
)

units = Table(
    "units", metadata,
    Column("id", Text, primary_key=True),  # hash of (scope, canonical)
    Column("scope", Text, nullable=False),  # region:<place> | document:<sha256>
    Column("canonical", Text, nullable=False),
    Column("region", Text),  # null: the jurisdiction is unknown and the scope is one document
    Column("kind", Text),  # the normaliser's: department | committee | government | township/street | …
    Column("level", Text),  # the normaliser's: 省 | 市 | 区 | 县 | 镇
    Index("ix_units_canonical", "canonical"),
)

unit_aliases = Table(
    "unit_aliases", metadata,
    Column("unit_id", Text, ForeignKey("units.id", ondelete="CASCADE"), primary_key=True),
    Column("name", Text, primary_key=True),  # a written name seen for the unit
    Index("ix_unit_aliases_name", "name"),
)

task_units = Table(
    "task_units", metadata,
    Column("sha256", SHA, primary_key=True),
    Column("task_id", Text, primary_key=True),
    Column("ord", Integer, primary_key=True),
    Column("unit_id", Text, ForeignKey("units.id"), nullable=False),
    Column("name", Text, nullable=False),  # as written
    Column("canonical", Text, nullable=False),
    Column("role", Text, nullable=False),  # lead | support | responsible
    Column("span_start", Integer),  # where the name is written in documents.text (null: not found near its task)
    Column("span_end", Integer),
    ForeignKeyConstraint(["sha256", "task_id"], ["tasks.sha256", "tasks.id"], ondelete="CASCADE"),
    Index("ix_task_units_unit_role", "unit_id", "role"),
    Index("ix_task_units_name_role", "name", "role"),
    Index("ix_task_units_canonical_role", "canonical", "role"),
)

deadlines = Table(
    "deadlines", metadata,
    Column("sha256", SHA, primary_key=True),
    Column("task_id", Text, primary_key=True),
    Column("ord", Integer, primary_key=True),
    Column("kind", Text, nullable=False),  # by_date | range | recurring
    Column("date", DATE),
    Column("start_date", DATE),
    Column("end_date", DATE),
    Column("due", DATE),  # date of a by_date, end of a range: what --due-before/after compare
    Column("freq", Text),
    Column("min_count", Integer),
    Column("masked", Boolean, nullable=False),
    Column("raw", Text),
    Column("span_start", Integer),
    Column("span_end", Integer),
    ForeignKeyConstraint(["sha256", "task_id"], ["tasks.sha256", "tasks.id"], ondelete="CASCADE"),
    Index("ix_deadlines_due", "due"),
    Index("ix_deadlines_start_date", "start_date"),
)

metrics = Table(
    "metrics", metadata,
    Column("sha256", SHA, ForeignKey("documents.sha256", ondelete="CASCADE"), primary_key=True),
    Column("ord", Integer, primary_key=True),
    Column("section_id", Text),
    Column("subject", Text),
    Column("category", Text),
    Column("value", Float),
    Column("value_max", Float),
    Column("unit", Text),
    Column("approx", Boolean, nullable=False),
    Column("masked", Boolean, nullable=False),
    Column("as_of", DATE),
    Column("raw", Text),
    Column("span_start", Integer),
    Column("span_end", Integer),
    Column("kind", Text),  # count | amount | rate | change (docs/MEASURES.md)
    Column("stage", Text),  # found, rectified, inspected, … (docs/MEASURES.md)
    Column("measure", Text),  # hazards_found, fines_yuan, …: like sums with like
    Index("ix_metrics_category", "category", "unit"),
    Index("ix_metrics_measure", "measure"),
)

flags = Table(
    "flags", metadata,
    Column("sha256", SHA, ForeignKey("documents.sha256", ondelete="CASCADE"), primary_key=True),
    Column("ord", Integer, primary_key=True),
    Column("code", Text, nullable=False),
    Column("message", Text),
    Column("span_start", Integer),
    Column("span_end", Integer),
    Index("ix_flags_code", "code"),
)

errors = Table(
    "errors", metadata,
    Column("path", Text, primary_key=True),  # one current error per path; cleared once it reads
    Column("sha256", SHA),  # of the bytes, when they could be read
    Column("code", Text, nullable=False),
    Column("message", Text),
    Column("mtime", Float),
    Column("run_id", Integer, ForeignKey("runs.id")),
    Index("ix_errors_code", "code"),
)

#: version → the statements that bring a database of that version to the next one
UPGRADES = {
    1: ("ALTER TABLE runs ADD COLUMN host TEXT", "ALTER TABLE runs ADD COLUMN pid INTEGER",
        "ALTER TABLE runs ADD COLUMN heartbeat_at VARCHAR(32)"),
    2: ("ALTER TABLE task_units ADD COLUMN span_start INTEGER", "ALTER TABLE task_units ADD COLUMN span_end INTEGER"),
    3: ("ALTER TABLE metrics ADD COLUMN kind TEXT", "ALTER TABLE metrics ADD COLUMN stage TEXT",
        "ALTER TABLE metrics ADD COLUMN measure TEXT", "CREATE INDEX ix_metrics_measure ON metrics (measure)"),
    # one document, several files (issue 9): the renditions' keys and the versions; then
    # pipeline.store.renditions.upgrade_renditions fills them and merges the renditions stored apart
    4: ("ALTER TABLE documents ADD COLUMN text_key VARCHAR(64)", "ALTER TABLE documents ADD COLUMN title_key TEXT",
        "ALTER TABLE documents ADD COLUMN version_of VARCHAR(64)",
        "ALTER TABLE documents ADD COLUMN version INTEGER NOT NULL DEFAULT 1",
        "ALTER TABLE documents ADD COLUMN latest BOOLEAN NOT NULL DEFAULT TRUE",
        "ALTER TABLE document_paths ADD COLUMN file_sha256 VARCHAR(64)",
        "ALTER TABLE document_paths ADD COLUMN format TEXT", "ALTER TABLE runs ADD COLUMN n_renditions INTEGER",
        "UPDATE document_paths SET file_sha256 = sha256, "
        "format = (SELECT format FROM documents WHERE documents.sha256 = document_paths.sha256)",
        "CREATE INDEX IF NOT EXISTS ix_documents_text_key ON documents (text_key)",
        "CREATE INDEX IF NOT EXISTS ix_documents_title_key ON documents (title_key, issuer)",
        "CREATE INDEX IF NOT EXISTS ix_documents_version_of ON documents (version_of)",
        "CREATE INDEX IF NOT EXISTS ix_document_paths_file_sha256 ON document_paths (file_sha256)"),
}

#: the tables of the record, parents first (the order of exports and of deletes reversed)
DATA_TABLES = (documents, document_paths, document_bands, sections, tasks, units, unit_aliases, task_units,
               deadlines, metrics, flags, errors)
#: the rows one document owns, children first
DOCUMENT_CHILDREN = (task_units, deadlines, tasks, sections, metrics, flags, document_bands)

# -- plan ↔ report accountability (SPEC §9) ----------------------------------------------------------------------

#: tables written by ``taskdb track --db`` (created by it on first use, so that a database made before
#: them keeps its schema version and every other command never needs them)
progress_metadata = MetaData()

task_progress = Table(
    "task_progress", progress_metadata,
    Column("plan_sha256", SHA, primary_key=True),  # the plan's document
    Column("task_id", Text, primary_key=True),  # its task (tasks.id)
    Column("ord", Integer, primary_key=True),  # 0 for the status row of a task without evidence, else 1, 2, …
    Column("status", Text, nullable=False),  # done | in_progress | not_reported (the task's, on every row)
    Column("report_sha256", SHA),  # the report holding the evidence sentence (null without evidence)
    Column("sentence", Text),
    Column("span_start", Integer),  # in the report's cleaned text
    Column("span_end", Integer),
    Column("section_id", Text),
    Column("part", Text),  # retro | problem | forward: where in the report the sentence sits
    Column("score", Float),
    Column("metrics", JSON),  # the raws of the report's metrics inside the sentence
    Column("tracked_at", STAMP, nullable=False),
    Index("ix_task_progress_status", "status"),
    Index("ix_task_progress_report", "report_sha256"),
)
