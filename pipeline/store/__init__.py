"""The store: SQLAlchemy schema, the batch ingest with its one writer, and readers for pandas.

- :mod:`.schema`: the tables (SQLite and PostgreSQL alike) and their indexes
- :mod:`.db`: URLs (a path is a SQLite file; ``postgresql://`` uses psycopg 3) and engines
- :mod:`.writer`: Document → rows, and the writer (one transaction per document)
- :mod:`.ingest`: files → worker processes → the writer
- :mod:`.read`: :class:`TaskDB`, DataFrames and the flat view
- :mod:`.export`: csv, xlsx, parquet and jsonl exports

Notebooks and the CLI use :func:`pipeline.api.open_db` and :func:`pipeline.api.ingest`.
"""

from __future__ import annotations

from .db import DEFAULT_DB, StoreError, normalise_url, open_engine

__all__ = ["DEFAULT_DB", "StoreError", "normalise_url", "open_engine"]
