"""Review in the sentence: a static HTML site that shows every extraction where it is written.

``taskdb review FILE… --out DIR`` (or ``--db URL``) writes ``DIR/index.html`` (the documents with their counts of
tasks, units, deadlines, metrics and flags, and the files that could not be read) and one page per document: the
cleaned text with tasks, units (lead / support / responsible, each in its colour), deadlines and metrics highlighted
at their character spans, the document's flags in the margin beside the line they point at, and a side list of
every value whose entries lead to the value in its sentence (a click on a highlight leads back). A page made from
files also shows the reader's original text with each value's span in it (``Document.raw_span``): the database
keeps only the cleaned text, so pages made with ``--db`` have no such link.

The site is self-contained: inline CSS and one inline script allowed by its hash in the page's
Content-Security-Policy, no network, relative links (it works from ``file://``). Every piece of document text
goes through jinja2's autoescape or :func:`markupsafe.escape`; no document text is ever put in a script.

Modules: :mod:`.model` turns a Document or database rows into the page's values, :mod:`.site` renders the pages,
:mod:`.text` is the plain-text listing of ``taskdb extract --format text``.
"""

from __future__ import annotations

from .site import ReviewReport, review_db, review_files, review_records

__all__ = ["ReviewReport", "review_db", "review_files", "review_records"]
