"""Opening a database: a SQLite file by default, PostgreSQL by URL (psycopg 3)."""

from __future__ import annotations

import json
import logging
import re
import time
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, inspect, select, update
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from ..errors import PipelineError
from .schema import SCHEMA_VERSION, UPGRADES, metadata, taskdb_meta

_log = logging.getLogger(__name__)

DEFAULT_DB = "taskdb.sqlite"


class StoreError(PipelineError):
    """The database cannot be opened or used (bad URL, unreachable server, other schema)."""


#: what --db accepts, for messages
SUPPORTED = ("taskdb supports SQLite (a file path, or sqlite:///PATH) and PostgreSQL "
             "(a postgresql:// URL)")

_PASSWORD_IN_URL = re.compile(r"(\b[A-Za-z][\w+.-]*://[^\s:/@]*:)([^\s@]*)(@)")
_PASSWORD_PARAM = re.compile(r"(\bpassword=)([^\s&;]*)", re.IGNORECASE)


def mask_url(text: str | Path) -> str:
    """``text`` with the password of every URL in it (and any ``password=`` parameter) written ``***``.

    >>> mask_url("postgresql://u:s3cret@db/taskdb")
    'postgresql://u:***@db/taskdb'
    >>> mask_url("taskdb.sqlite")
    'taskdb.sqlite'
    """
    return _PASSWORD_PARAM.sub(r"\1***", _PASSWORD_IN_URL.sub(r"\1***\3", str(text)))


def one_line(e: BaseException, *secrets: str) -> str:
    """An exception as one line for people: the driver's text without SQLAlchemy's link, passwords masked."""
    text = str(e).split("(Background on this error", 1)[0]
    text = " ".join(text.split())
    for secret in secrets:
        if secret:
            text = text.replace(secret, "***")
    return mask_url(f"{type(e).__name__}: {text}" if text else type(e).__name__)


def normalise_url(url: str | Path) -> str:
    """The SQLAlchemy URL for what the user typed.

    A path (``taskdb.sqlite``, ``out/x.db``) is a SQLite file; ``postgresql://…``
    and ``postgres://…`` use psycopg 3; any other SQLAlchemy URL is kept.

    >>> normalise_url("taskdb.sqlite")
    'sqlite:///taskdb.sqlite'
    >>> normalise_url("postgresql://u:p@127.0.0.1/taskdb")
    'postgresql+psycopg://u:p@127.0.0.1/taskdb'
    """
    text = str(url)
    if not text.strip():
        raise StoreError(f"no database given; {SUPPORTED}")
    if "://" not in text:
        return f"sqlite:///{text}"
    scheme, rest = text.split("://", 1)
    if scheme in ("postgresql", "postgres"):
        return f"postgresql+psycopg://{rest}"
    if scheme.split("+", 1)[0] not in ("sqlite", "postgresql"):
        raise StoreError(f"{mask_url(text)}: {scheme.split('+', 1)[0] or 'this'} databases are not supported; "
                         f"{SUPPORTED}")
    return text


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    cur = dbapi_conn.cursor()
    # WAL: readers (a progress poll, a notebook) never block the writer, and a killed
    # writer leaves the last committed document intact. NORMAL is durable against a
    # process crash, which is the failure an interrupted ingest meets.
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.close()


def _parse(url: str | Path):
    try:
        return make_url(normalise_url(url))
    except ArgumentError as e:
        raise StoreError(f"{mask_url(url)}: not a database URL or path ({mask_url(str(e))}); {SUPPORTED}") from e


def make_engine(url: str | Path) -> Engine:
    """An Engine for ``url`` (see :func:`normalise_url`), without touching the schema."""
    parsed = _parse(url)
    kwargs: dict = {"json_serializer": lambda o: json.dumps(o, ensure_ascii=False, sort_keys=True)}
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        try:
            Path(parsed.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise StoreError(f"{url!s}: cannot create its folder ({e.strerror or e})") from e
    try:
        engine = create_engine(parsed, **kwargs)
    except Exception as e:  # a missing driver, an unknown dialect
        raise StoreError(f"{mask_url(url)}: cannot open ({one_line(e, parsed.password or '')}); {SUPPORTED}") from e
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


#: how long two ingests starting on one new database may wait for each other's schema creation
SCHEMA_LOCK_SECONDS = 60.0


def _schema_version(conn) -> str | None:
    """The stored schema version, None when there is none (a new database)."""
    if not inspect(conn).has_table(taskdb_meta.name):
        return None
    return conn.execute(select(taskdb_meta.c.value).where(taskdb_meta.c.key == "schema_version")).scalar()


def _missing_tables(conn) -> set[str]:
    return {t.name for t in metadata.sorted_tables} - set(inspect(conn).get_table_names())


def _lock_schema(conn) -> None:
    """Take the database's schema lock for this transaction: one creator or upgrader at a time.

    SQLite: ``BEGIN IMMEDIATE`` takes the write lock before anything is read (a
    second ingest waits on ``busy_timeout``); PostgreSQL: a transaction-scoped
    advisory lock keyed by the schema (``CREATE TABLE IF NOT EXISTS`` alone races
    on the catalog there).
    """
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql("BEGIN IMMEDIATE")
    elif conn.dialect.name == "postgresql":
        conn.exec_driver_sql("SELECT pg_advisory_xact_lock(hashtext('taskdb schema ' || current_schema()))")


def _locked(e: Exception) -> bool:
    text = str(e).lower()
    return "database is locked" in text or "database table is locked" in text


def ensure_schema(engine: Engine) -> None:
    """Create the tables that are missing, upgrade an older schema, refuse any other version.

    Safe when several ingests start on one new database at once: the check and
    the creation run in one transaction under the schema lock (:func:`_lock_schema`);
    a SQLite file still locked after ``busy_timeout`` (its first connections switch
    it to WAL) is retried for up to :data:`SCHEMA_LOCK_SECONDS`.
    """
    where = engine.url.render_as_string(hide_password=True)
    deadline = time.monotonic() + SCHEMA_LOCK_SECONDS
    delay = 0.05
    while True:
        try:
            found = _create_or_upgrade(engine)
            break
        except StoreError:
            raise
        except Exception as e:
            if _locked(e) and time.monotonic() < deadline:
                _log.debug("schema of %s locked, retrying", where)
                time.sleep(delay)
                delay = min(delay * 2, 1.0)
                continue
            raise StoreError(f"{where}: cannot use the database ({one_line(e, engine.url.password or '')})") from e
    if found != str(SCHEMA_VERSION):
        raise StoreError(f"{where} holds taskdb schema version {found}, this taskdb writes version "
                         f"{SCHEMA_VERSION}: ingest into a new database")


def _upgrade_steps() -> dict:
    """version → the Python step that follows :data:`~pipeline.store.schema.UPGRADES`' statements of that version."""
    from .renditions import upgrade_renditions

    return {4: upgrade_renditions}


_ADD_COLUMN = re.compile(r"ALTER TABLE (\w+) ADD COLUMN (\w+)", re.I)
_CREATE_INDEX = re.compile(r"CREATE INDEX (\w+) ON (\w+)", re.I)


def _already_there(conn, statement: str) -> bool:
    """Whether an upgrade statement's column or index exists already (a database a later version's code touched,
    or one partly upgraded by hand): the step is then skipped, so that upgrading is idempotent."""
    insp = inspect(conn)
    m = _ADD_COLUMN.match(statement)
    if m:
        return m.group(2) in {c["name"] for c in insp.get_columns(m.group(1))}
    m = _CREATE_INDEX.match(statement)
    if m:
        return m.group(1) in {i["name"] for i in insp.get_indexes(m.group(2))}
    return False


def _create_or_upgrade(engine: Engine) -> str | None:
    """The schema version after creating or upgrading the schema (see :func:`ensure_schema`).

    A database at the current version that lacks a table (one that came with this version, or one dropped
    by hand) gets it; a database of an older version in :data:`UPGRADES` is upgraded in place, every step
    in the one transaction, so that a failed upgrade leaves the old version whole.
    """
    with engine.connect() as conn:
        found = _schema_version(conn)
        missing = _missing_tables(conn) if found == str(SCHEMA_VERSION) else None
        conn.rollback()
        if found == str(SCHEMA_VERSION) and not missing:
            return found  # the common case: nothing to create, no lock taken
        _lock_schema(conn)
        found = _schema_version(conn)  # again, under the lock: another ingest may have just made it
        if found is None:
            metadata.create_all(conn, checkfirst=True)
            if inspect(conn).has_table(taskdb_meta.name) and conn.execute(
                    select(taskdb_meta.c.value).where(taskdb_meta.c.key == "schema_version")).first() is None:
                conn.execute(taskdb_meta.insert().values(key="schema_version", value=str(SCHEMA_VERSION)))
            found = str(SCHEMA_VERSION)
        elif found == str(SCHEMA_VERSION):
            metadata.create_all(conn, checkfirst=True)  # the tables that are missing, and nothing else
        elif found.isdigit() and int(found) in UPGRADES:
            version = int(found)
            steps = _upgrade_steps()
            while version in UPGRADES:
                for statement in UPGRADES[version]:
                    if not _already_there(conn, statement):
                        conn.exec_driver_sql(statement)
                if version in steps:
                    metadata.create_all(conn, checkfirst=True)  # the tables the step fills
                    steps[version](conn)
                version += 1
            metadata.create_all(conn, checkfirst=True)  # tables that came with the new versions
            conn.execute(update(taskdb_meta).where(taskdb_meta.c.key == "schema_version")
                         .values(value=str(version)))
            found = str(version)
        conn.commit()
        return found


def open_engine(url: str | Path, *, create: bool = True) -> Engine:
    """An Engine with the schema in place (created when ``create``; else the tables must exist)."""
    if not create:
        parsed = _parse(url)
        if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:") \
                and not Path(parsed.database).expanduser().exists():
            raise StoreError(f"{url!s}: no such database file; run `taskdb ingest PATH… --db {url!s}` first")
    engine = make_engine(url)
    if create:
        ensure_schema(engine)
        return engine
    try:
        with engine.connect() as conn:
            ok = inspect(conn).has_table("documents")
    except Exception as e:
        raise StoreError(f"{mask_url(url)}: cannot open the database ({one_line(e, engine.url.password or '')})") from e
    if not ok:
        engine.dispose()
        raise StoreError(f"{mask_url(url)}: no taskdb tables there; run `taskdb ingest PATH… --db {mask_url(url)}` "
                         "first")
    ensure_schema(engine)  # a database of an older version is upgraded in place before it is read, a newer refused
    return engine
