"""One document, several files: which stored document a newly read file is a rendition or a version of.

A report sent as .txt, .docx, .pdf and .html is one document. Two files are
*renditions* of one document when their cleaned texts are the same once the
differences formats legitimately have are taken out (:func:`normalise`), or
when they are near-duplicates: the Jaccard similarity of their sets of
character :data:`SHINGLE`-grams is at least :data:`THRESHOLD` (a web copy that
keeps a line of site chrome, a PDF that lost a page header). The threshold was
measured on the corpus (``scripts/measure_renditions.py``; docs/STORE.md):
true renditions and distinct documents are far apart, and it sits in the gap
with a margin on both sides.

Stored documents are found by an exact key of the normalised text
(``documents.text_key``) and, for near-duplicates, by MinHash LSH: the
signature's :data:`BANDS` band hashes go into ``document_bands``, a file whose
band hash matches a stored one is a candidate, and a candidate is confirmed by
the exact Jaccard similarity of the two texts.

A *version* is a later text of the same document: not a rendition (its text
changed beyond the threshold), but the same normalised title and issuer (and
year, when both state one). Versions of one document share ``version_of`` (the
sha256 of the first version) and are numbered by year, then in the order they
were stored; queries and totals read the latest version only unless asked for
all.

The *canonical* rendition — the one whose extraction is stored — is the one
with the richest text layer (:func:`richness`): Word first (paragraphs, Word
numbering and table cells as written), then a legacy .doc (the same, through
LibreOffice), plain text, HTML (paragraphs and tables, but site chrome to
remove), PDF last (paragraphs and reading order reconstructed from positions);
among files of one format, the longer cleaned text; then the smaller sha256, so
that any order of ingestion stores the same rows.

Everything here but :func:`richness`'s inputs is pure: the worker processes
compute the keys and band hashes (:func:`fingerprint`), the writer compares.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass

#: character n-grams compared (5 characters: a word or two of Chinese; shorter grams are shared by any two
#: documents of the genre, longer ones make one changed character cost too many)
SHINGLE = 5
#: near-duplicates at or above this Jaccard similarity of their shingle sets are renditions of one document
#: (measured: scripts/measure_renditions.py; docs/STORE.md gives both distributions)
THRESHOLD = 0.6
#: MinHash permutations, and the LSH bands × rows they are cut into: a pair at the threshold becomes a
#: candidate with probability 1 - (1 - 0.6**4)**32 > 0.98, one at 0.7 with > 0.9997
NUM_PERM = 128
BANDS = 32
ROWS = NUM_PERM // BANDS

#: format → rank of its text layer, best first (see the module's docstring)
FORMAT_RANK = {"docx": 0, "doc": 1, "txt": 2, "md": 2, "html": 3, "pdf": 4}

_DROP = re.compile(r"[\s|\u00a0\u200b-\u200f\u2028\u2029\u3000\ufeff]+")


def normalise(text: str) -> str:
    """The text with what formats legitimately change taken out.

    - NFKC: full-width letters, digits and punctuation as their half-width forms (a .txt copied from a
      web page and its .docx disagree on them);
    - every whitespace, newline included: a PDF cannot tell a paragraph's end from a wrapped line, and
      .txt copies break lines where the site did;
    - ``|``: tables are written one row per line (``a | b | c``) from Word and PDF, one cell per line
      (``a |``) in the .txt copies;
    - letters in lower case.

    >>> normalise("一、 总体要求\\n（一）Ａ | 区应急局 |")
    '一、总体要求(一)a区应急局'
    """
    return _DROP.sub("", unicodedata.normalize("NFKC", text)).lower()


def text_key(text: str) -> str:
    """The key of a text: the sha256 of :func:`normalise` (renditions with the same text share it)."""
    return hashlib.sha256(normalise(text).encode("utf-8")).hexdigest()


def title_key(title: str | None) -> str | None:
    """The title as compared between versions (normalised like the text), None when there is none."""
    if not title:
        return None
    key = normalise(title)
    return key or None


def shingles(norm: str, k: int = SHINGLE) -> set[str]:
    """The set of character ``k``-grams of a normalised text (the text itself when it is shorter)."""
    if len(norm) <= k:
        return {norm} if norm else set()
    return {norm[i:i + k] for i in range(len(norm) - k + 1)}


def jaccard(a: set[str], b: set[str]) -> float:
    """|a ∩ b| / |a ∪ b| (1.0 for two empty sets)."""
    if not a and not b:
        return 1.0
    return len(a & b) / len(a | b)


def similarity(text_a: str, text_b: str) -> float:
    """The Jaccard similarity of two cleaned texts' shingle sets: what :data:`THRESHOLD` is compared with."""
    return jaccard(shingles(normalise(text_a)), shingles(normalise(text_b)))


def band_hashes(norm: str) -> list[str]:
    """The :data:`BANDS` LSH band hashes of a normalised text's MinHash (16 hex digits each).

    Deterministic across processes and machines (datasketch's seeded ``affine32`` permutations over sha1 of
    each shingle), so a hash computed by a worker matches one stored by another ingest. Changing
    :data:`NUM_PERM`, :data:`BANDS`, the seed or the scheme makes the stored hashes incomparable: a schema
    upgrade must compute them again.
    """
    from datasketch import MinHash  # numpy and scipy: only when a document is stored

    m = MinHash(num_perm=NUM_PERM, seed=1, scheme="affine32")
    m.update_batch([s.encode("utf-8") for s in sorted(shingles(norm))])
    values = m.hashvalues
    out = []
    for b in range(BANDS):
        chunk = values[b * ROWS:(b + 1) * ROWS].astype("<u8").tobytes()
        out.append(hashlib.blake2b(chunk, digest_size=8).hexdigest())
    return out


@dataclass(frozen=True)
class Fingerprint:
    """What the writer compares a new document by (computed in the worker)."""

    text_key: str
    title_key: str | None
    bands: tuple[str, ...]


def fingerprint(text: str, title: str | None) -> Fingerprint:
    norm = normalise(text)
    return Fingerprint(hashlib.sha256(norm.encode("utf-8")).hexdigest(), title_key(title), tuple(band_hashes(norm)))


def richness(fmt: str | None, n_chars: int | None, sha256: str) -> tuple:
    """The sort key of a rendition, richest text layer first (smallest is canonical).

    >>> sorted([richness("pdf", 900, "a"), richness("docx", 800, "b"), richness("txt", 800, "c")])[0]
    (0, -800, 'b')
    """
    return FORMAT_RANK.get(fmt or "", len(FORMAT_RANK)), -(n_chars or 0), sha256


def same_version_line(a_year: int | None, b_year: int | None) -> bool:
    """Whether two documents with the same title and issuer can be versions of one another: the same year,
    or a year unknown on either side (a 2023 and a 2024 工作要点 of one issuer are two documents)."""
    return a_year is None or b_year is None or a_year == b_year


def same_issuer(a: str | None, b: str | None) -> bool:
    """Whether two issuers can be one (equal once normalised, or unknown on either side)."""
    return not a or not b or normalise(a) == normalise(b)


# -- in the database (one transaction, under lock_documents) --------------------------------------------------------

#: near-duplicate candidates compared exactly, those sharing the most band hashes first
MAX_CANDIDATES = 20


def lock_documents(conn) -> None:
    """Take the documents lock for this transaction, before anything is read, so that two ingests writing into
    one database decide one at a time whether a file is new, a rendition or a version of a stored document, and
    write what they decided before the other one looks.

    PostgreSQL: a transaction-scoped advisory lock. SQLite: ``BEGIN IMMEDIATE``, the database's write lock (a
    second writer waits on ``busy_timeout``, then its transaction is run again:
    :meth:`pipeline.store.writer.Writer._transaction`). The Python driver would otherwise open the transaction
    only at the first INSERT, so the look-ups that decide ran outside it: two ingests reading the .txt and the
    Word file of one text at the same moment both found nothing stored and wrote two documents (the second
    then a version of the first, the text left with one of its two paths).

    Must be the transaction's first statement.
    """
    name = conn.dialect.name
    if name == "postgresql":
        conn.exec_driver_sql("SELECT pg_advisory_xact_lock(hashtext('taskdb documents ' || current_schema()))")
    elif name == "sqlite":
        dbapi = conn.connection.dbapi_connection
        if getattr(dbapi, "in_transaction", False):
            raise RuntimeError("lock_documents must be the first statement of its transaction")
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def find_rendition(conn, text: str, fp: Fingerprint, *, issuer: str | None = None, year: int | None = None,
                   exclude: frozenset[str] | set[str] = frozenset()) -> tuple[str, float] | None:
    """The stored document ``text`` is a rendition of, with the similarity: one with the same normalised text,
    else the most similar near-duplicate at or above :data:`THRESHOLD` whose issuer and year do not
    contradict ``issuer`` and ``year`` (two issuers' copies of one template are two documents)."""
    from sqlalchemy import select

    from .schema import document_bands, documents

    same = conn.execute(select(documents.c.sha256).where(documents.c.text_key == fp.text_key)
                        .order_by(documents.c.sha256)).scalars().all()
    same = [s for s in same if s not in exclude]
    if same:
        return same[0], 1.0
    if not fp.bands:
        return None
    hits: dict[str, int] = {}
    for sha, band, value in conn.execute(select(document_bands.c.sha256, document_bands.c.band, document_bands.c.hash)
                                         .where(document_bands.c.hash.in_(sorted(set(fp.bands))))):
        if 0 <= band < len(fp.bands) and fp.bands[band] == value and sha not in exclude:
            hits[sha] = hits.get(sha, 0) + 1
    if not hits:
        return None
    candidates = sorted(hits, key=lambda s: (-hits[s], s))[:MAX_CANDIDATES]
    mine = shingles(normalise(text))
    best: tuple[float, str] | None = None
    for sha, other, other_issuer, other_year in conn.execute(
            select(documents.c.sha256, documents.c.text, documents.c.issuer, documents.c.year)
            .where(documents.c.sha256.in_(candidates))):
        if not same_issuer(issuer, other_issuer) or not same_version_line(year, other_year):
            continue
        j = jaccard(mine, shingles(normalise(other)))
        if j >= THRESHOLD and (best is None or (j, sha) > best):
            best = (j, sha)
    return (best[1], best[0]) if best else None


def find_version(conn, sha: str, title_key_: str | None, issuer: str | None, year: int | None) -> str | None:
    """A stored document ``sha`` is a later (or earlier) version of: the same normalised title and issuer (both
    known), a year that does not differ; the latest of them when there are several."""
    from sqlalchemy import select

    from .schema import documents

    if not title_key_ or not issuer:
        return None
    rows = conn.execute(select(documents.c.sha256, documents.c.issuer, documents.c.year, documents.c.latest)
                        .where(documents.c.title_key == title_key_, documents.c.sha256 != sha)
                        .order_by(documents.c.sha256)).all()
    rows = [r for r in rows if r.issuer and normalise(r.issuer) == normalise(issuer) and same_version_line(year, r.year)]
    if not rows:
        return None
    rows.sort(key=lambda r: (not r.latest, r.sha256))
    return rows[0].sha256


def family(conn, sha: str) -> list[str]:
    """Every version of the document ``sha`` (itself included): the ``version_of`` links, both ways."""
    from sqlalchemy import select

    from .schema import documents

    seen = {sha}
    todo = [sha]
    while todo:
        cur = todo.pop()
        up = conn.execute(select(documents.c.version_of).where(documents.c.sha256 == cur)).scalar()
        down = conn.execute(select(documents.c.sha256).where(documents.c.version_of == cur)).scalars().all()
        for nxt in ([up] if up else []) + list(down):
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return sorted(seen)


def renumber(conn, shas: list[str]) -> None:
    """Number the versions ``shas`` of one document: by year, then by the earliest modification time of their
    files, then sha256 (any order of ingestion gives the same numbers); each names the one before it in
    ``version_of``, and only the last is ``latest``."""
    from sqlalchemy import func, select, update

    from .schema import document_paths, documents

    if not shas:
        return
    first_mtime = (select(func.min(document_paths.c.mtime)).where(document_paths.c.sha256 == documents.c.sha256)
                   .scalar_subquery())
    rows = conn.execute(select(documents.c.sha256, documents.c.year, first_mtime.label("mtime"))
                        .where(documents.c.sha256.in_(shas))).all()
    rows.sort(key=lambda r: (r.year or 0, r.mtime if r.mtime is not None else float("inf"), r.sha256))
    prev = None
    for i, r in enumerate(rows, start=1):
        conn.execute(update(documents).where(documents.c.sha256 == r.sha256)
                     .values(version_of=prev, version=i, latest=i == len(rows)))
        prev = r.sha256


def drop_document(conn, sha: str, *, refamily: bool = True) -> None:
    """Delete document ``sha``, its rows and the units it alone used; its other versions are numbered again
    (unless ``refamily`` is False: a richer rendition takes its place and its version links)."""
    from sqlalchemy import and_, delete, exists, select

    from .schema import DOCUMENT_CHILDREN, document_paths, documents, task_units, unit_aliases, units

    others = [s for s in family(conn, sha) if s != sha] if refamily else []
    unit_ids = list(conn.execute(select(task_units.c.unit_id).where(task_units.c.sha256 == sha).distinct())
                    .scalars())
    for table in DOCUMENT_CHILDREN:
        conn.execute(delete(table).where(table.c.sha256 == sha))
    conn.execute(delete(document_paths).where(document_paths.c.sha256 == sha))
    conn.execute(delete(documents).where(documents.c.sha256 == sha))
    if others:
        renumber(conn, others)
    if not unit_ids:
        return
    used_alias = exists().where(and_(task_units.c.unit_id == unit_aliases.c.unit_id,
                                     task_units.c.name == unit_aliases.c.name))
    conn.execute(delete(unit_aliases).where(unit_aliases.c.unit_id.in_(unit_ids)).where(~used_alias))
    used_unit = exists().where(task_units.c.unit_id == units.c.id)
    conn.execute(delete(units).where(units.c.id.in_(unit_ids)).where(~used_unit))


def band_rows(sha: str, bands) -> list[dict]:
    return [{"sha256": sha, "band": i, "hash": h} for i, h in enumerate(bands)]


def upgrade_renditions(conn) -> None:
    """Schema 4 → 5 in place: the keys and band hashes of every stored document, then the renditions that
    earlier schemas stored apart merged into one document (the richest keeps its rows, the others' paths move to
    it), then the versions linked. Runs in the upgrade's transaction, under the schema lock."""
    from sqlalchemy import insert, select, update

    from sqlalchemy import delete

    from .schema import document_bands, document_paths, documents

    # keys and bands are computed afresh (a database a later version's code touched may hold some already: a
    # document must not be found as a rendition of itself)
    conn.execute(delete(document_bands))
    conn.execute(update(documents).values(text_key=None))
    rows = conn.execute(select(documents.c.sha256, documents.c.format, documents.c.n_chars)).all()
    order = sorted(rows, key=lambda r: richness(r.format, r.n_chars, r.sha256))
    kept: list[str] = []
    for r in order:
        text, title, issuer, year = conn.execute(
            select(documents.c.text, documents.c.title, documents.c.issuer, documents.c.year)
            .where(documents.c.sha256 == r.sha256)).one()
        fp = fingerprint(text, title)
        match = find_rendition(conn, text, fp, issuer=issuer, year=year)
        if match is not None:  # a poorer rendition of a document kept already: its files join that one
            conn.execute(update(document_paths).where(document_paths.c.sha256 == r.sha256)
                         .values(sha256=match[0]))
            drop_document(conn, r.sha256, refamily=False)
            continue
        conn.execute(update(documents).where(documents.c.sha256 == r.sha256)
                     .values(text_key=fp.text_key, title_key=fp.title_key, version_of=None, version=1, latest=True))
        conn.execute(insert(document_bands), band_rows(r.sha256, fp.bands))
        kept.append(r.sha256)
    for sha in kept:
        if len(family(conn, sha)) > 1:
            continue  # linked already, as an earlier document's version
        title_key_, issuer, year = conn.execute(select(documents.c.title_key, documents.c.issuer, documents.c.year)
                                                .where(documents.c.sha256 == sha)).one()
        prev = find_version(conn, sha, title_key_, issuer, year)
        if prev is not None:
            conn.execute(update(documents).where(documents.c.sha256 == sha).values(version_of=prev))
            renumber(conn, family(conn, sha))
