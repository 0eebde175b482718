"""Review in the sentence (issue 9 item 3): units carry spans, the static review site, ``--format text``.

The browser tests drive Debian's ``chromium`` through ``chromedriver`` with selenium (``.ci/run`` installs both);
without them they skip, naming what is missing.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from conftest import ROOT, SAMPLES, taskdb_cmd
from test_store import BACKENDS, DbFactory

from pipeline.store.schema import SCHEMA_VERSION

SAMPLE = SAMPLES / "002_2d6767afaa7999d4.txt"  # a plan with unit parentheticals, deadlines and metrics
REPORT = SAMPLES / "003_5d853f9dda5fdec4.txt"  # a report: metrics, and a few tasks of its 下一步 part
SPEECH = SAMPLES / "001_8b8311189899811f.txt"


def _env() -> dict:
    return {**os.environ, "PYTHONPATH": str(ROOT)}


# -- units carry their span ---------------------------------------------------------------------------------------

def _stripped(s: str) -> str:
    return re.sub(r"[\s、,，]", "", s)


@pytest.mark.parametrize("path", sorted(SAMPLES.glob("*.txt")), ids=lambda p: p.stem[:12])
def test_every_unit_span_holds_its_name(path, extract_cached):
    doc = extract_cached(path)
    units = [(t, u) for t in doc.tasks for u in t.units]
    assert units or path != SAMPLE
    located = [(t, u) for t, u in units if u.span]
    assert len(located) >= 0.95 * len(units)
    for t, u in located:
        s, e = u.span
        assert _stripped(doc.text[s:e]) == _stripped(u.name), (t.id, u.name, doc.text[s:e])
        # near its task: inside it, in what closes it, or just before it
        assert t.span[0] - 200 <= s and e <= t.span[1] + 300, (t.id, u.name, u.span, t.span)
    rec = doc.to_record()
    spans = [u["span"] for t in rec["tasks"] for u in t["units"]]
    assert all(sp is None or (isinstance(sp, list) and len(sp) == 2) for sp in spans)
    if spans:
        assert next(u for t in rec["tasks"] for u in t["units"]).keys() >= {"name", "canonical", "role", "span"}


def test_two_units_of_one_name_in_one_task_take_two_places(tmp_path):
    from pipeline.api import extract

    p = tmp_path / "plan.txt"
    p.write_text("区应急管理局2024年安全生产工作要点\n一、重点任务\n"
                 "1.4月底前,区应急管理局组织开展危险化学品专项检查。(责任单位:区应急管理局牵头,区消防救援大队配合)\n"
                 "2.6月底前,完成燃气安全专项整治。(责任单位:区住建局、区消防救援大队)\n", "utf-8")
    doc = extract(p)
    by_name = {}
    for t in doc.tasks:
        for u in t.units:
            assert u.span, (t.id, u.name)
            assert doc.text[u.span[0]:u.span[1]] == u.name
            by_name.setdefault(u.name, []).append(u.span)
    assert {"区应急管理局", "区消防救援大队", "区住建局"} <= set(by_name)
    # the two 区消防救援大队 of the two tasks are the two places it is written
    assert len(set(by_name["区消防救援大队"])) == 2


@pytest.fixture(params=BACKENDS)
def db_url(request, tmp_path):
    factory = DbFactory(request.param, tmp_path)
    try:
        yield factory.new("review")
    finally:
        factory.cleanup()


def test_units_spans_are_stored_and_a_version_2_database_is_upgraded(db_url, tmp_path):
    from sqlalchemy import select, text

    from pipeline.api import extract, ingest
    from pipeline.store.db import make_engine
    from pipeline.store.schema import task_units

    url = db_url
    ingest([SAMPLE], url)
    doc = extract(SAMPLE)
    want = {(t.id, j): list(u.span) for t in doc.tasks for j, u in enumerate(t.units)}
    engine = make_engine(url)
    with engine.connect() as conn:
        got = {(r.task_id, r.ord): [r.span_start, r.span_end] for r in conn.execute(select(task_units))}
    assert got == want
    with engine.begin() as conn:  # back to version 2: task_units without spans
        for col in ("span_start", "span_end"):
            conn.execute(text(f"ALTER TABLE task_units DROP COLUMN {col}"))
        conn.execute(text("DROP INDEX IF EXISTS ix_metrics_measure"))  # version 4: the metrics' measures
        for col in ("kind", "stage", "measure"):
            conn.execute(text(f"ALTER TABLE metrics DROP COLUMN {col}"))
        conn.execute(text("UPDATE taskdb_meta SET value = '2' WHERE key = 'schema_version'"))
    engine.dispose()
    from pipeline.api import open_db
    from pipeline.review import review_db

    # read as it is: upgraded in place before it is read (its units without spans, the review without their marks)
    assert len(open_db(url).tasks_flat()) == len(doc.tasks)
    (page,) = review_db(url, tmp_path / "site").pages
    html = page.read_text("utf-8")
    assert 'data-v="t1"' in html and 'id="l-t1-u0"' in html and 'href="#v-t1-u0"' not in html
    assert not re.search(r'data-v="t\d+-u', html)
    ingest([SPEECH], url)
    engine = make_engine(url)
    with engine.connect() as conn:
        version = conn.execute(text("SELECT value FROM taskdb_meta WHERE key = 'schema_version'")).scalar()
        rows = list(conn.execute(select(task_units.c.sha256, task_units.c.span_start)))
    engine.dispose()
    assert version == str(SCHEMA_VERSION)
    old = {r.sha256 for r in rows if r.span_start is None}
    assert old == {doc.sha256}  # the upgraded rows keep null spans; the new document's have theirs
    assert any(r.span_start is not None for r in rows)


# -- highlighting: nesting and splitting --------------------------------------------------------------------------

class _Checker(HTMLParser):
    """Checks that marks nest and collects the text and the pieces of each value."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack, self.text, self.pieces, self.ids = [], [], {}, []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.stack.append(tag)
        if "data-v" in a:
            self.pieces.setdefault(a["data-v"], []).append(len("".join(self.text)))
        if "id" in a:
            self.ids.append(a["id"])

    def handle_endtag(self, tag):
        assert self.stack and self.stack[-1] == tag, (self.stack, tag)
        self.stack.pop()

    def handle_data(self, data):
        self.text.append(data)


def test_overlapping_spans_nest_or_split():
    from pipeline.review.highlight import paint
    from pipeline.review.model import Value

    text = "甲乙丙丁戊己庚辛\n壬癸<b>&"
    values = [Value("t1", "task", "task", (0, 6), ""), Value("t1-u0", "unit", "unit lead", (4, 8), ""),
              Value("m1", "metric", "metric", (2, 12), ""), Value("t2", "task", "task", (9, 14), ""),
              Value("t2-d0", "deadline", "deadline", (9, 14), ""), Value("f1", "flag", "flag", (11, 13), "")]
    lines = paint(text, values)
    assert len(lines) == 2
    for line in lines:
        c = _Checker()
        c.feed(str(line))
        c.close()
        assert c.stack == []
    c = _Checker()
    c.feed("\n".join(str(x) for x in lines))
    assert "".join(c.text) == text  # every character once, escaped and given back
    assert set(c.pieces) == {"t1", "t1-u0", "m1", "t2", "t2-d0", "f1"}
    assert len(c.pieces["m1"]) >= 3  # split at the task's end, the unit's end and the line break
    assert sorted(c.ids) == sorted(f"v-{v.vid}" for v in values)  # one anchor per value
    # equal spans: the task outside the deadline
    assert re.search(r'data-v="t2"><mark id="v-t2-d0"', "".join(map(str, lines)))


# -- the site from files, from a database, and its escaping --------------------------------------------------------

HOSTILE_TEXT = ("区安全生产委员会<script>window.__pwned=1</script>2024年工作要点\n一、重点任务\n"
                "1.4月底前,开展<img src=x onerror=\"window.__pwned=2\">隐患排查整治,排查隐患100处。\n"
                "2.<a href=\"javascript:window.__pwned=3\">点击</a>完成</textarea></title></style>整治 {{ 7*7 }} {% if 1 %}x{% endif %}\n"
                "3.' onmouseover='window.__pwned=4' \"><svg onload=window.__pwned=5>&amp;&lt;<!-- c -->\n")


def hostile_record() -> dict:
    """A record whose every string carries markup: text, title, source, units, deadlines, metrics, flags."""
    t = HOSTILE_TEXT
    i1, i2, i3 = t.index("1.4月"), t.index("2.<a"), t.index("3.'")
    evil = "<script>window.__pwned=6</script>"
    return {
        "source": "<img src=x onerror=window.__pwned=7>.txt", "sha256": "ab" * 32, "format": "txt",
        "title": t[:t.index("\n")], "doc_type": "plan<b>", "year": 2024, "issuer": evil, "text": t,
        "sections": [{"id": "s1", "heading": "重点任务" + evil, "number": "一", "level": 1, "span": [0, len(t)]}],
        "tasks": [
            {"id": "t1\" onclick=\"x", "section_id": "s1", "span": [i1 + 2, i2 - 1], "text": t[i1 + 2:i2 - 1],
             "units": [{"name": "区应急管理局" + evil, "canonical": evil, "role": "lead", "span": [i1 + 10, i1 + 40]}],
             "deadlines": [{"kind": "by_date", "date": "2024-04-30", "raw": "4月底前", "span": [i1 + 2, i1 + 6]}]},
            {"id": "t2", "section_id": "s1", "span": [i2 + 2, i3 - 1], "text": t[i2 + 2:i3 - 1],
             "units": [{"name": "<svg onload=alert(1)>", "canonical": "x", "role": "support<", "span": None}],
             "deadlines": []},
        ],
        "metrics": [{"subject": evil, "category": "hazard", "value": 100, "unit": "处", "raw": "排查隐患100处",
                     "span": [t.index("排查隐患"), t.index("排查隐患") + 9], "section_id": "s1"}],
        "flags": [{"code": "x<script>", "message": "{{ 7*7 }}" + evil, "span": [i3, i3 + 20]},
                  {"code": "doc", "message": evil, "span": None}],
    }


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.names, self.names_count, self.attrs = set(), {}, []

    def handle_starttag(self, tag, attrs):
        self.names.add(tag)
        self.names_count[tag] = self.names_count.get(tag, 0) + 1
        self.attrs.extend(attrs)


def test_hostile_record_is_escaped_everywhere(tmp_path):
    from pipeline.review import review_records

    report = review_records([hostile_record()], tmp_path / "site")
    (page,) = report.pages
    html = page.read_text("utf-8")
    # one script (ours), no tag or attribute of the document's own
    tags = _Tags()
    tags.feed(html)
    assert tags.names <= {"html", "head", "meta", "title", "style", "body", "header", "h1", "h2", "h3", "div", "a",
                          "mark", "main", "aside", "ul", "li", "span", "script", "section", "pre"}, tags.names
    assert tags.names_count["script"] == 1 and "__pwned" not in html.split("<script>")[1].split("</script>")[0]
    assert not [a for a in tags.attrs if a[0].startswith("on") or "javascript" in (a[1] or "")], tags.attrs
    assert not [v for k, v in tags.attrs if k in ("id", "data-v", "href") and not re.fullmatch(r"[#\w.-]+", v)]
    assert "{{ 7*7 }}" in html and ">49<" not in html
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in html
    assert "&lt;/textarea&gt;&lt;/title&gt;&lt;/style&gt;" in html
    # the flag with a span sits in the margin of its line, the one without above the text
    line = next(k for k, ln in enumerate(HOSTILE_TEXT.split("\n")) if ln.startswith("3.'"))
    assert re.search(rf'<div class="row" id="L{line + 1}"><div class="margin"><a href="#l-f1"', html)
    assert re.search(r'<div class="docflags"><div><a href="#l-f2">', html)
    ids = [v for k, v in tags.attrs if k == "id"]
    assert len(ids) == len(set(ids))
    index = report.index.read_text("utf-8")
    assert "<img" not in index and "&lt;img src=x onerror=window.__pwned=7&gt;.txt" in index
    # the CSP admits exactly the page's script
    assert "script-src 'sha256-" in html.replace("&#39;", "'")


def _page_values(html: str) -> set[str]:
    main = html.split('<main class="doc">')[1].split('<section id="original">')[0].split("</main>")[0]
    return set(re.findall(r'data-v="([^"]+)"', main))


def test_review_files_one_highlight_per_value_and_original_links(tmp_path):
    from pipeline.api import extract
    from pipeline.review import review_files
    from pipeline.review.model import page_from_document

    report = review_files([SAMPLE, tmp_path / "missing.txt"], tmp_path / "site")
    assert len(report.pages) == 1 and [e[1] for e in report.errors] == ["not_found"]
    html = report.pages[0].read_text("utf-8")
    page = page_from_document(extract(SAMPLE))
    want = {v.vid for v in page.values if v.span}
    assert page.count("unit") > 100 and page.count("metric") > 0 and page.count("deadline") > 0
    assert _page_values(html) == want
    for vid in want:
        assert html.count(f'id="v-{vid}"') == 1
        assert f'href="#v-{vid}"' in html  # the side list leads to it
    # every value with a span leads to the original text too
    raw_ids = set(re.findall(r'id="r-([^"]+)"', html))
    assert raw_ids == {v.vid for v in page.values if v.raw_span} and len(raw_ids) >= len(want) - 1
    index = report.index.read_text("utf-8")
    assert report.pages[0].name in index and "not_found" in index and "missing.txt" in index
    tags = _Tags()
    tags.feed(html)
    ids = [v for k, v in tags.attrs if k == "id"]
    assert len(ids) == len(set(ids))  # every link has one target


def test_review_from_database_matches_review_from_files(db_url, tmp_path):
    from pipeline.api import ingest
    from pipeline.review import review_db, review_files

    url = db_url
    ingest([SAMPLE, REPORT], url)
    from_db = review_db(url, tmp_path / "db")
    from_files = review_files([SAMPLE, REPORT], tmp_path / "files")
    assert sorted(p.name for p in from_db.pages) == sorted(p.name for p in from_files.pages)
    for p in from_db.pages:
        q = tmp_path / "files" / p.name
        assert _page_values(p.read_text("utf-8")) == _page_values(q.read_text("utf-8"))
        assert 'id="original"' not in p.read_text("utf-8")  # the database keeps no original text


def test_cli_review_and_text_listing(tmp_path, extract_cached):
    out = tmp_path / "site"
    r = subprocess.run(taskdb_cmd("review", str(SAMPLE), str(tmp_path / "nope.docx"), str(REPORT), "--out", str(out),
                                  "--jobs", "2"), capture_output=True, text=True, env=_env(), cwd=ROOT)
    assert r.returncode == 2, r.stderr
    assert "nope.docx: error not_found" in r.stderr and "2 pages written" in r.stderr
    index = (out / "index.html").read_text("utf-8")
    pages = re.findall(r'href="(doc-[0-9a-f]+\.html)"', index)
    assert len(pages) == 2 and all((out / p).is_file() for p in pages)
    assert index.index(SAMPLE.name) < index.index(REPORT.name)  # in input order
    r = subprocess.run(taskdb_cmd("review", "--out", str(out)), capture_output=True, text=True, env=_env(), cwd=ROOT)
    assert r.returncode == 1 and "give files" in r.stderr
    r = subprocess.run(taskdb_cmd("extract", str(SAMPLE), "--format", "text"), capture_output=True, text=True,
                       env=_env(), cwd=ROOT)
    assert r.returncode == 0
    listing = r.stdout.split("## extractions\n")[1].split("## text\n")[0]
    rec = extract_cached(SAMPLE).to_record()
    t = rec["tasks"][8]  # under its section's heading, with units, roles and deadlines
    heading = next(s["heading"] for s in rec["sections"] if s["id"] == t["section_id"])
    at = listing.index(f"[{t['id']}] ")
    assert listing.rfind(heading, 0, at) >= 0
    block = listing[at:].split("\n[", 1)[0]
    for u in t["units"]:
        assert f"{u['name']}" in block and f"({u['role']})" in block
    assert re.search(r"(?m)^\s+metric \S+ → \w+: ", listing)
    assert listing.count("\n") > len(rec["tasks"]) + len(rec["metrics"])


# -- in a real browser --------------------------------------------------------------------------------------------

def _browser_missing() -> str | None:
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed (pip install '.[test]')"
    if not (shutil.which("chromium") or shutil.which("chromium-browser")):
        return "no chromium here (apt-get install chromium chromium-driver; .ci/run installs them)"
    if not shutil.which("chromedriver"):
        return "no chromedriver here (apt-get install chromium-driver; .ci/run installs it)"
    return None


@pytest.fixture(scope="module")
def browser():
    missing = _browser_missing()
    if missing:
        pytest.skip(missing)
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    opts.binary_location = shutil.which("chromium") or shutil.which("chromium-browser")
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--hide-scrollbars",
                "--window-size=1400,900", "--force-device-scale-factor=1", "--force-color-profile=srgb"):
        opts.add_argument(arg)
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(options=opts, service=Service(shutil.which("chromedriver")))
    try:
        yield driver
    finally:
        driver.quit()


def _console_errors(driver) -> list[dict]:
    return [e for e in driver.get_log("browser") if e.get("level") == "SEVERE"]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    from pipeline.review import review_files, review_records

    root = tmp_path_factory.mktemp("review")
    hostile = root / "in" / "<img src=x onerror=window.__pwned=8>.txt"
    hostile.parent.mkdir()
    hostile.write_text(HOSTILE_TEXT, "utf-8")
    files = review_files([SAMPLE, hostile], root / "files")
    records = review_records([hostile_record()], root / "records")
    return files, records


def _hex(colour: str) -> tuple[int, int, int]:
    return tuple(int(colour[k:k + 2], 16) for k in (1, 3, 5))


def test_browser_page_loads_clean_and_paints_the_highlights(browser, site):
    import io

    from PIL import Image

    from pipeline.review.site import COLOURS

    files, _ = site
    page = next(p for p in files.pages if 'class="unit lead"' in p.read_text("utf-8").split("<main")[1])
    browser.get(page.as_uri())
    browser.get_log("browser")  # (a fresh log for this page)
    browser.refresh()
    assert browser.execute_script("return document.readyState") == "complete"
    assert _console_errors(browser) == []
    # the text column only (the legend above it shows every colour whatever the text holds), all of it: the
    # window as tall as the page
    height = browser.execute_script("return document.querySelector('main .row:last-of-type').getBoundingClientRect()"
                                    ".bottom + window.scrollY")
    browser.set_window_size(1400, int(min(height + 300, 12000)))
    png = browser.find_element("css selector", "main.doc").screenshot_as_png
    img = Image.open(io.BytesIO(png)).convert("RGB")
    assert img.width > 600 and img.height > 800
    counts = {}
    for n, rgb in img.getcolors(maxcolors=1 << 22):
        counts[rgb] = counts.get(rgb, 0) + n
    for name in ("task", "lead", "support", "responsible", "deadline", "metric"):
        assert counts.get(_hex(COLOURS[name]), 0) > 200, (name, counts.get(_hex(COLOURS[name])))
    # and nothing is painted in a text without values
    browser.execute_script("document.querySelectorAll('main mark').forEach(function (m) { m.className = ''; });")
    png = browser.find_element("css selector", "main.doc").screenshot_as_png
    bare = {rgb for _, rgb in Image.open(io.BytesIO(png)).convert("RGB").getcolors(maxcolors=1 << 22)}
    assert not bare & {_hex(COLOURS[k]) for k in COLOURS}
    browser.set_window_size(1400, 900)
    browser.refresh()
    # one highlight (a value, in one or more pieces) per extracted value, as the DOM has it
    dom = browser.execute_script(
        "var ids = {}; document.querySelectorAll('main .txt mark[data-v]').forEach(function (m) {"
        " ids[m.dataset.v] = 1; }); return Object.keys(ids);")
    from pipeline.api import extract
    from pipeline.review.model import page_from_document

    want = {v.vid for v in page_from_document(extract(SAMPLE)).values if v.span}
    assert set(dom) == want
    # the side list leads to the value, and the value back to the list
    link = browser.find_element("css selector", 'aside a[href="#v-t9-u0"]')
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'});", link)
    link.click()
    assert browser.execute_script("return location.hash") == "#v-t9-u0"
    target = browser.find_element("id", "v-t9-u0")
    assert "on" in target.get_attribute("class").split()
    assert browser.execute_script("var r = arguments[0].getBoundingClientRect(); "
                                  "return r.top >= 0 && r.bottom <= window.innerHeight;", target)
    target.click()
    assert browser.execute_script("return location.hash") == "#l-t9-u0"
    assert "on" in browser.find_element("id", "l-t9-u0").get_attribute("class").split()
    assert _console_errors(browser) == []


@pytest.mark.parametrize("which", ["files", "records"])
def test_browser_hostile_document_renders_as_text(browser, site, which):
    files, records = site
    report = files if which == "files" else records
    for path in [*report.pages, report.index]:
        browser.get(path.as_uri())
        assert browser.execute_script("return window.__pwned === undefined")
        assert browser.execute_script("return document.querySelectorAll('script').length") == (
            0 if path.name == "index.html" else 1)
        assert browser.execute_script("return document.querySelectorAll('img, svg, textarea, iframe, "
                                      "a[href^=\"javascript\"], [onerror], [onload], [onclick], [onmouseover]')"
                                      ".length") == 0
        assert browser.execute_script("return getComputedStyle(document.body).display") != "none"
        assert _console_errors(browser) == []
    browser.get(report.pages[-1].as_uri())
    body = browser.execute_script("return document.body.innerText")
    assert "{{ 7*7 }}" in body and "49" not in body.replace("2024", "")
    if which == "records":
        assert "<script>window.__pwned=1</script>" in body
        assert "<img src=x onerror=\"window.__pwned=2\">" in body
        assert "</textarea></title></style>" in body
        title = browser.execute_script("return document.title")
        assert title.startswith("区安全生产委员会<script>")
    browser.get(report.index.as_uri())
    assert "onerror=window.__pwned=" in browser.execute_script("return document.body.innerText")
