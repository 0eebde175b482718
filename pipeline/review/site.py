"""The review site: ``index.html`` and one page per document, written into a folder.

Rendered with jinja2 (autoescape on for every template): document text reaches the HTML only through the
templates' escaping or through :func:`pipeline.review.highlight.paint`, which escapes every stretch it wraps.
The one script is static (it reads ``data-v`` attributes and the URL's fragment, never document text) and is
allowed by its sha256 in the page's Content-Security-Policy; nothing else may run, load or connect.
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .highlight import line_of, lines_of, paint
from .model import ROLE_LABEL, Page, page_from_document, page_from_record

#: the highlight colours (the browser tests look for these pixels in a screenshot)
COLOURS = {
    "task": "#fff1b8",
    "lead": "#ff9e9e",
    "support": "#9ec5ff",
    "responsible": "#93dba0",
    "deadline": "#d5b3ff",
    "metric": "#ffc46b",
}

CSS = """
:root { --task: %(task)s; --lead: %(lead)s; --support: %(support)s; --responsible: %(responsible)s;
        --deadline: %(deadline)s; --metric: %(metric)s; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.7 "Noto Sans CJK SC", "Noto Serif CJK SC", "Source Han Sans SC", "Microsoft YaHei",
       "PingFang SC", sans-serif; color: #222; background: #fff; }
header { padding: 10px 18px; border-bottom: 1px solid #ddd; background: #fafafa; }
header h1 { font-size: 18px; margin: 0 0 4px; }
header .meta { color: #555; font-size: 13px; }
.legend mark { padding: 0 4px; margin-right: 6px; }
.wrap { display: grid; grid-template-columns: minmax(0, 1fr) 380px; }
.doc { padding: 8px 12px 40px 0; }
.row { display: grid; grid-template-columns: 170px minmax(0, 1fr); }
.margin { padding: 0 8px; text-align: right; font-size: 11px; line-height: 1.5; }
.margin a { display: inline-block; margin: 2px 0; padding: 0 4px; border-radius: 3px; background: #c0392b;
            color: #fff; text-decoration: none; max-width: 160px; overflow: hidden; text-overflow: ellipsis;
            white-space: nowrap; }
.txt { white-space: pre-wrap; word-break: break-all; min-height: 1.2em; }
mark { background: none; color: inherit; cursor: pointer; border-radius: 2px; }
mark.task { background: var(--task); }
mark.task[id] { border-left: 2px solid #d9a400; }
mark.unit.lead { background: var(--lead); }
mark.unit.support { background: var(--support); }
mark.unit.responsible { background: var(--responsible); }
mark.deadline { background: var(--deadline); }
mark.metric { background: var(--metric); }
mark.flag { text-decoration: underline wavy #c0392b; }
mark.on { outline: 2px solid #000; }
aside { border-left: 1px solid #ddd; padding: 8px 12px; position: sticky; top: 0; height: 100vh; overflow: auto;
        font-size: 13px; line-height: 1.5; background: #fcfcfc; }
aside h2 { font-size: 14px; margin: 12px 0 4px; }
aside h3 { font-size: 12px; color: #666; margin: 8px 0 2px; font-weight: normal; }
aside ul { list-style: none; padding: 0; margin: 0; }
aside li { margin: 2px 0; padding: 2px 4px; border-radius: 3px; }
aside li li { margin-left: 14px; }
aside li:target, aside li.on { background: #ffeaa7; }
aside .k { display: inline-block; min-width: 2.2em; color: #888; }
aside .raw { color: #888; font-size: 11px; margin-left: 4px; }
.sw { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin-right: 4px; }
.docflags { padding: 6px 18px; color: #c0392b; font-size: 13px; }
.docflags a { color: inherit; }
#original { border-top: 2px solid #ddd; margin-top: 24px; padding: 8px 0 8px 170px; }
#original pre { white-space: pre-wrap; word-break: break-all; font: inherit; }
table { border-collapse: collapse; margin: 12px 18px; font-size: 13px; }
th, td { border: 1px solid #ddd; padding: 3px 8px; text-align: left; vertical-align: top; }
td.n { text-align: right; }
td.title { min-width: 22em; }
td.src { font-size: 12px; color: #666; word-break: break-all; max-width: 28em; }
tr.err td { color: #c0392b; }
""" % COLOURS

#: the page script: a highlight leads to its entry in the side list, an entry (a link) to the highlight; every
#: piece of the value in view is outlined. It reads ids and data attributes only.
SCRIPT = """
(function () {
  function mark(id) {
    document.querySelectorAll('.on').forEach(function (e) { e.classList.remove('on'); });
    if (!id) { return; }
    document.querySelectorAll('[data-v="' + CSS.escape(id) + '"]').forEach(function (e) { e.classList.add('on'); });
    var li = document.getElementById('l-' + id);
    if (li) { li.classList.add('on'); }
  }
  function fromHash() {
    var h = decodeURIComponent(location.hash.slice(1));
    var m = /^[vrl]-(.+)$/.exec(h);
    mark(m ? m[1] : null);
  }
  document.addEventListener('click', function (ev) {
    var m = ev.target.closest('mark[data-v]');
    if (!m) { return; }
    ev.preventDefault();
    var li = document.getElementById('l-' + m.dataset.v);
    if (li) { li.scrollIntoView({block: 'center'}); history.replaceState(null, '', '#l-' + m.dataset.v); }
    mark(m.dataset.v);
  });
  window.addEventListener('hashchange', fromHash);
  fromHash();
})();
"""


def _csp(script: str | None) -> str:
    src = "'none'"
    if script is not None:
        digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")
        src = f"'sha256-{digest}'"
    return (f"default-src 'none'; style-src 'unsafe-inline'; script-src {src}; img-src 'none'; "
            "base-uri 'none'; form-action 'none'")


#: the frame of every page: one <head> (the policy, the style), the body a page fills in
BASE = """<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{{ csp }}">
<meta name="referrer" content="no-referrer">
<title>{% block title %}{% endblock %}</title>
<style>{{ css }}</style>
</head>
<body>
{% block body %}{% endblock %}
</body>
</html>
"""

PAGE = """{% extends "base.html" %}{% block title %}{{ page.title or page.source }}{% endblock %}{% block body %}
{%- from "link.html" import link %}
<header>
  <h1>{{ page.title or "(no title)" }}</h1>
  <div class="meta"><a href="index.html">← index</a> · {{ page.source }} · {{ page.format or "" }}
    · type {{ page.doc_type or "?" }} · year {{ page.year or "?" }} · issuer {{ page.issuer or "?" }}</div>
  <div class="meta legend">
    <mark class="task">task</mark><mark class="unit lead">牵头 lead</mark><mark class="unit support">配合 support</mark>
    <mark class="unit responsible">负责 responsible</mark><mark class="deadline">deadline</mark>
    <mark class="metric">metric</mark><mark class="flag">flag</mark>
    {{ counts.task }} tasks · {{ counts.unit }} units · {{ counts.deadline }} deadlines · {{ counts.metric }} metrics
    · {{ counts.flag }} flags</div>
</header>
{% if doc_flags %}<div class="docflags">{% for f in doc_flags %}<div><a href="#l-{{ f.vid }}">⚑ {{ f.label }}</a>: {{ f.detail }}</div>{% endfor %}</div>{% endif %}
<div class="wrap">
<main class="doc">
{% for line in lines %}<div class="row" id="L{{ loop.index }}"><div class="margin">{% for f in margin.get(loop.index0, ()) %}<a href="#l-{{ f.vid }}" title="{{ f.detail }}">⚑ {{ f.label }}</a>{% endfor %}</div><div class="txt">{{ line }}</div></div>
{% endfor %}
{% if raw_lines is not none %}<section id="original"><h2>原文 original text (the reader's)</h2>
<pre>{% for line in raw_lines %}{{ line }}
{% endfor %}</pre></section>{% endif %}
</main>
<aside>
<h2>Tasks ({{ counts.task }})</h2>
{% for group in groups %}{% if group.heading %}<h3>{{ group.heading }}</h3>{% endif %}
<ul>{% for t in group.tasks %}<li id="l-{{ t.value.vid }}"><span class="k">{{ t.value.label }}</span>{{ link(t.value, t.value.detail|truncate(60, true, "…")) }}
  {% if t.children %}<ul>{% for c in t.children %}<li id="l-{{ c.vid }}"><span class="sw {{ c.css }}" style="background: var(--{{ c.css.split()[-1] }})"></span>{{ link(c, c.label) }} <span class="raw">{{ c.detail }}</span></li>{% endfor %}</ul>{% endif %}</li>
{% endfor %}</ul>{% endfor %}
<h2>Metrics ({{ counts.metric }})</h2>
<ul>{% for m in metrics %}<li id="l-{{ m.vid }}">{{ link(m, m.label) }} <span class="raw">{{ m.detail }}</span></li>{% endfor %}</ul>
<h2>Flags ({{ counts.flag }})</h2>
<ul>{% for f in flags %}<li id="l-{{ f.vid }}">{{ link(f, f.label) }} <span class="raw">{{ f.detail }}</span></li>{% endfor %}</ul>
</aside>
</div>
<script>{{ script }}</script>
{% endblock %}"""

LINK = """{% macro link(v, words) %}{% if v.span %}<a href="#v-{{ v.vid }}">{{ words or "…" }}</a>{% else %}{{ words or "…" }}{% endif %}{% if v.raw_span %}<a class="raw" href="#r-{{ v.vid }}" title="the original text">原文</a>{% endif %}{% endmacro %}"""

INDEX = """{% extends "base.html" %}{% block title %}taskdb review{% endblock %}{% block body %}
<header><h1>taskdb review</h1><div class="meta">{% if root %}{{ root }} · {% endif %}{{ rows|length }} documents · {{ totals.task }} tasks · {{ totals.unit }} units
 · {{ totals.deadline }} deadlines · {{ totals.metric }} metrics · {{ totals.flag }} flags{% if errors %} · {{ errors|length }} files not read{% endif %}</div></header>
<table>
<thead><tr><th>document</th><th>source</th><th>type</th><th>year</th><th>tasks</th><th>units</th><th>deadlines</th><th>metrics</th><th>flags</th></tr></thead>
<tbody>
{% for r in rows %}<tr><td class="title"><a href="{{ r.href }}">{{ r.title or "(no title) " ~ r.source.rsplit("/", 1)[-1] }}</a></td><td class="src">{{ r.shown }}</td><td>{{ r.doc_type or "" }}</td><td>{{ r.year or "" }}</td>
<td class="n">{{ r.task }}</td><td class="n">{{ r.unit }}</td><td class="n">{{ r.deadline }}</td><td class="n">{{ r.metric }}</td><td class="n" title="{{ r.flag_codes }}">{{ r.flag }}</td></tr>
{% endfor %}{% for e in errors %}<tr class="err"><td>error {{ e.code }}</td><td>{{ e.source }}</td><td colspan="7">{{ e.message }}</td></tr>
{% endfor %}</tbody></table>
{% endblock %}"""


@dataclass
class ReviewReport:
    """What :func:`review_files` / :func:`review_db` wrote."""

    out: Path
    pages: list[Path] = field(default_factory=list)
    errors: list[tuple[str, str, str]] = field(default_factory=list)  # (source, code, message)

    @property
    def index(self) -> Path:
        return self.out / "index.html"


class _Site:
    def __init__(self, out: Path):
        from jinja2 import DictLoader, Environment, StrictUndefined

        self.out = out
        templates = {"base.html": BASE, "link.html": LINK, "page.html": PAGE, "index.html": INDEX}
        env = Environment(loader=DictLoader(templates), autoescape=True,
                          undefined=StrictUndefined, trim_blocks=False)
        self.page_t = env.get_template("page.html")
        self.index_t = env.get_template("index.html")
        self.rows: list[dict] = []
        self.report = ReviewReport(out)
        self.names: set[str] = set()

    def _name(self, page: Page) -> str:
        base = "doc-" + (re.sub(r"[^0-9a-f]", "", page.sha256.lower())[:16] or "x")
        name, k = base + ".html", 1
        while name in self.names:
            k += 1
            name = f"{base}-{k}.html"
        self.names.add(name)
        return name

    def add(self, page: Page) -> Path:
        from markupsafe import Markup

        name = self._name(page)
        line_spans = lines_of(page.text)
        starts = [s for s, _ in line_spans]
        lines = paint(page.text, page.values)
        raw_lines = paint(page.raw_text, page.values, raw=True, prefix="r") if page.raw_text is not None else None
        flags = [v for v in page.values if v.kind == "flag"]
        margin: dict[int, list] = {}
        for f in flags:
            if f.span:
                margin.setdefault(line_of(starts, f.span[0]), []).append(f)
        children: dict[str, list] = {}
        for v in page.values:
            if v.parent:
                children.setdefault(v.parent, []).append(v)
        headings = {s["id"]: (f"{s['number']} " if s.get("number") else "") + (s["heading"] or "")
                    for s in page.sections}
        groups: list[dict] = []
        for v in page.values:
            if v.kind != "task":
                continue
            sec = page.task_sections.get(v.vid)
            if not groups or groups[-1]["sec"] != sec:
                groups.append({"sec": sec, "heading": headings.get(sec, ""), "tasks": []})
            groups[-1]["tasks"].append({"value": v, "children": children.get(v.vid, [])})
        counts = {k: page.count(k) for k in ("task", "unit", "deadline", "metric", "flag")}
        html = self.page_t.render(
            page=page, csp=_csp(SCRIPT), css=Markup(CSS), script=Markup(SCRIPT), lines=lines, raw_lines=raw_lines,
            margin=margin, doc_flags=[f for f in flags if not f.span], groups=groups,
            metrics=[v for v in page.values if v.kind == "metric"], flags=flags, counts=counts, ROLE_LABEL=ROLE_LABEL)
        path = self.out / name
        path.write_text(html, "utf-8")
        self.report.pages.append(path)
        self.rows.append({"href": name, "title": page.title, "source": page.source, "doc_type": page.doc_type,
                          "year": page.year, **counts,
                          "flag_codes": ", ".join(sorted({f.label for f in flags}))})
        return path

    def error(self, source: str, code: str, message: str) -> None:
        self.report.errors.append((source, code, message))

    def finish(self) -> ReviewReport:
        from markupsafe import Markup

        totals = {k: sum(r[k] for r in self.rows) for k in ("task", "unit", "deadline", "metric", "flag")}
        errors = [{"source": s, "code": c, "message": m} for s, c, m in self.report.errors]
        root = _common_folder([r["source"] for r in self.rows] + [e["source"] for e in errors])
        for item in (*self.rows, *errors):
            item["shown"] = item["source"][len(root):].lstrip("/") if root else item["source"]
        html = self.index_t.render(csp=_csp(None), css=Markup(CSS), rows=self.rows, totals=totals, errors=errors,
                                   root=root)
        (self.out / "index.html").write_text(html, "utf-8")
        return self.report


def _common_folder(sources: list[str]) -> str:
    """The folder every source is in (the index shows paths below it), or "" when there is none to strip."""
    if len(sources) < 2 or not all(src.startswith("/") for src in sources):
        return ""
    try:
        root = os.path.commonpath(sources)
    except ValueError:
        return ""
    return "" if root in ("/", "") or root in sources else root


def _prepare(out: str | Path) -> Path:
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise NotADirectoryError(f"{out}: not a folder (--out takes the folder the site is written into)")
    out.mkdir(parents=True, exist_ok=True)
    return out


def _expand(paths: Iterable[str | Path]) -> Iterator[Path]:
    """Files as given; a folder walked for the readable formats, as ``taskdb ingest`` walks it."""
    for p in paths:
        p = Path(p)
        if p.is_dir():
            from ..store.ingest import collect_files

            base = Path(os.path.abspath(p))
            for f in collect_files([p]):
                try:
                    yield p / Path(f).relative_to(base)
                except ValueError:
                    yield Path(f)
        else:
            yield p


def _page_of(path: Path, time_budget: str | None) -> Page | tuple[str, str, str]:
    """A file's page, or (source, code, message) when it cannot be read (run in a worker with ``jobs``)."""
    from ..run import extract_many
    from ..safe_text import name_text

    for res in extract_many([path], time_budget=time_budget):
        if res.ok:
            page = page_from_document(res.document)
            page.source = name_text(page.source)
            return page
        return (name_text(res.source), res.code or "error", res.message or "")
    return (name_text(path), "internal_error", "no result")


def review_files(paths: Iterable[str | Path], out: str | Path, *, time_budget: str | None = None,
                 jobs: int = 1) -> ReviewReport:
    """Extract the files (folders are walked) and write the review site into ``out``.

    ``jobs`` > 1 extracts in that many worker processes (the pages are written in input order). A file that
    cannot be read is listed on the index page with its error code and message; the others are still
    reviewed."""
    files = list(_expand(paths))
    site = _Site(_prepare(out))
    if jobs > 1 and len(files) > 1:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor
        from itertools import repeat

        ctx = multiprocessing.get_context("forkserver")
        with ProcessPoolExecutor(max_workers=jobs, mp_context=ctx) as pool:
            results = pool.map(_page_of, files, repeat(time_budget), chunksize=max(1, min(8, len(files) // (4 * jobs))))
            for result in results:
                _add(site, result)
    else:
        for f in files:
            _add(site, _page_of(f, time_budget))
    return site.finish()


def _add(site: _Site, result: Page | tuple[str, str, str]) -> None:
    if isinstance(result, Page):
        site.add(result)
    else:
        site.error(*result)


def review_records(records: Iterable[dict], out: str | Path) -> ReviewReport:
    """Write the review site of SPEC records (``Document.to_record()``, or lines of ``taskdb extract``) into
    ``out``; a record with an ``error`` is listed on the index page."""
    site = _Site(_prepare(out))
    for rec in records:
        if rec.get("error"):
            site.error(str(rec.get("source") or ""), str(rec["error"].get("code") or "error"),
                       str(rec["error"].get("message") or ""))
        else:
            site.add(page_from_record(rec))
    return site.finish()


def review_db(url: str | Path, out: str | Path) -> ReviewReport:
    """Write the review site of every document stored in the database at ``url`` into ``out``.

    The database keeps the cleaned text only, so these pages have no link to the original text."""
    from .db import records

    site = _Site(_prepare(out))
    for rec in records(url):
        site.add(page_from_record(rec))
    for source, code, message in _db_errors(url):
        site.error(source, code, message)
    return site.finish()


def _db_errors(url: str | Path) -> list[tuple[str, str, str]]:
    from .db import stored_errors

    return stored_errors(url)
