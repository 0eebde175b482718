"""Every rendition (.docx .pdf .html) reads like its .txt.

Layout-caused differences allowed, each named:
- paragraph breaks: a PDF cannot tell a paragraph that ends at the right margin
  from one that goes on, and the .txt copies break lines where the site did, so
  texts are compared with newlines removed;
- table layout: the pool table plans' .txt holds one cell per line ("cell |"), the
  .docx/.pdf one row per line ("a | b | c"), so those are compared without "|"
  and whitespace;
- the HTML page's <title> gives a title where the .txt has none.
"""

import pytest

from conftest import POOL, SAMPLES, sample_stems

# Known differences, each a defect to mend (strict: a case that starts passing fails until it is taken off):
# - portal metadata of the 01_ankang table plan: the .txt holds one cell per line, so the cleaner drops the
#   label line (标题 |) alone, while the .docx/.pdf row keeps label and value together.
KNOWN = {("01_ankang_2021_zhuanxiang_zhengzhi_renwuqingdan", "docx"): "a portal metadata row kept whole",
         ("01_ankang_2021_zhuanxiang_zhengzhi_renwuqingdan", "pdf"): "a portal metadata row kept whole"}


def _cases(pairs):
    return [pytest.param(*p, marks=pytest.mark.xfail(reason=KNOWN[p], strict=True)) if p in KNOWN else p
            for p in pairs]


RENDITIONS = _cases([(stem, ext) for stem in sample_stems() for ext in ("docx", "pdf", "html")])


@pytest.mark.parametrize(("stem", "ext"), RENDITIONS)
def test_rendition_matches_txt(stem, ext, extract_cached):
    txt = extract_cached(SAMPLES / f"{stem}.txt")
    doc = extract_cached(SAMPLES / f"{stem}.{ext}")
    assert doc.format == ext
    assert doc.text.replace("\n", "") == txt.text.replace("\n", "")
    assert doc.outline() == txt.outline()
    assert [s.span for s in doc.sections] != [] or not txt.sections
    assert (doc.doc_type, doc.year) == (txt.doc_type, txt.year)
    if not (ext == "html" and txt.title is None):
        assert doc.title == txt.title
    assert items(doc) == items(txt)


def items(doc):
    """Tasks and metrics without spans and line breaks (offsets move with the layout)."""
    def dl(d):
        return (d.kind, d.date, d.start, d.end, d.freq, d.min_count, d.masked)

    tasks = [(t.text.replace("\n", ""), [(u.name, u.role) for u in t.units], [dl(d) for d in t.deadlines])
             for t in doc.tasks]
    metrics = [(m.subject, m.category, m.value, m.unit, m.masked, m.approx) for m in doc.metrics]
    return tasks, metrics


TABLE_PLANS = sorted(p.stem for p in POOL.glob("*.docx"))


@pytest.mark.parametrize(("stem", "ext"), _cases([(stem, ext) for stem in TABLE_PLANS for ext in ("docx", "pdf")]))
def test_table_plan_rendition_matches_txt(stem, ext, extract_cached):
    def norm(s):
        return "".join(s.replace("|", "").split())

    txt = extract_cached(POOL / f"{stem}.txt")
    doc = extract_cached(POOL / f"{stem}.{ext}")
    assert norm(doc.text) == norm(txt.text)
    assert doc.outline() == txt.outline()
    rows = [b for b in doc.blocks if b.kind == "table_row"]
    assert len(rows) >= 3, "Word tables are read as rows"
    assert all(" | " in b.text for b in rows)


def test_table_plans_exist():
    assert len(TABLE_PLANS) >= 2
