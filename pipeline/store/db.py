"""Opening a database: a SQLite file by default, PostgreSQL by URL (psycopg 3)."""

from __future__ import annotations

import json
import logging
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, inspect, select
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from ..errors import PipelineError
from .schema import SCHEMA_VERSION, metadata, taskdb_meta

_log = logging.getLogger(__name__)

DEFAULT_DB = "taskdb.sqlite"


class StoreError(PipelineError):
    """The database cannot be opened or used (bad URL, unreachable server, other schema)."""


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
    if "://" not in text:
        return f"sqlite:///{text}"
    scheme, rest = text.split("://", 1)
    if scheme in ("postgresql", "postgres"):
        return f"postgresql+psycopg://{rest}"
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
        raise StoreError(f"{url!s}: not a database URL or path ({e})") from e


def make_engine(url: str | Path) -> Engine:
    """An Engine for ``url`` (see :func:`normalise_url`), without touching the schema."""
    parsed = _parse(url)
    kwargs: dict = {"json_serializer": lambda o: json.dumps(o, ensure_ascii=False, sort_keys=True)}
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        Path(parsed.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    try:
        engine = create_engine(parsed, **kwargs)
    except Exception as e:  # a missing driver, an unknown dialect
        raise StoreError(f"{url!s}: cannot open ({type(e).__name__}: {e})") from e
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def ensure_schema(engine: Engine) -> None:
    """Create the tables that are missing; refuse a database of another schema version."""
    try:
        with engine.begin() as conn:
            have_meta = inspect(conn).has_table(taskdb_meta.name)
            metadata.create_all(conn, checkfirst=True)
            if not have_meta:
                conn.execute(taskdb_meta.insert().values(key="schema_version", value=str(SCHEMA_VERSION)))
                return
            found = conn.execute(select(taskdb_meta.c.value).where(taskdb_meta.c.key == "schema_version")).scalar()
    except StoreError:
        raise
    except Exception as e:
        raise StoreError(f"{engine.url.render_as_string(hide_password=True)}: cannot use the database "
                         f"({type(e).__name__}: {e})") from e
    if found != str(SCHEMA_VERSION):
        raise StoreError(f"{engine.url.render_as_string(hide_password=True)} holds taskdb schema version {found}, "
                         f"this taskdb writes version {SCHEMA_VERSION}: ingest into a new database")


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
        raise StoreError(f"{url!s}: cannot open the database ({type(e).__name__}: {e})") from e
    if not ok:
        engine.dispose()
        raise StoreError(f"{url!s}: no taskdb tables there; run `taskdb ingest PATH… --db {url!s}` first")
    return engine
