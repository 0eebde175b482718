"""Property tests (hypothesis) over the cleaner, the structure stage and the extractors.

Texts are drawn from the pieces the stages react to (markers, units, dates, counts, dashes, blanks, garbled
bytes, traditional characters, control and format characters, lone surrogates) mixed with arbitrary text. For any
of them: no exception, every span inside its text, the offset map leading back into the raw text, the record one
JSON line, and the steps that should be idempotent are. ``TASKDB_FUZZ_EXAMPLES`` sets the examples per property
(200 here, so the file stays well under a minute); ``scripts/fuzz.py`` runs the same checks 10,000+ times.
"""

from __future__ import annotations

import json
import os
import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.clean import clean, steps
from pipeline.clean.mapped import Mapped
from pipeline.extraction import extract_items, metrics
from pipeline.ingest import from_text
from pipeline.normalise import normalise
from pipeline.structure import structure

N = int(os.environ.get("TASKDB_FUZZ_EXAMPLES", "200"))
SETTINGS = settings(max_examples=N, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

PIECES = [
    "一、", "二、", "(一)", "（二）", "1.", "2、", "(1)", "①", "一是", "二要", "第一,", "第二条", "十、", "十一、",
    "\n", "\n\n", " ", "  ", "\t", "\u3000", "—", "——", "-", "--", "~", "至", "|", " | ", "。", ",", "，", "、", "：",
    ";", "(", ")", "（", "）", "《", "》", "“", "”",
    "区应急管理局", "各镇街", "区住建局、区消防大队", "牵头", "配合", "负责", "责任单位:", "(区安监局牵头,各街道配合)",
    "6月底前", "2024年", "2024年3月15日", "每月", "年底前完成", "下一步", "要", "将", "加强", "开展", "隐患排查整治",
    "共检查企业120家", "隐患356处", "1,234起", "3.5万元", "一万六千余人", "近百家", "xx人", "**处", "?200条",
    "一", "十", "百", "万", "余", "多", "以上", "0", "9", "12", "①②",
    "此处隐藏:1280字,下载后查看", "阅读:1953", "字号:大 中 小", "【打印本页】", "上一篇", "返回顶部",
    "òø", "¡ª", "ǘ┳龊", "區", "縣", "應急管理", "安監局", "qū", "(ān)", "ＡＢＣ１２３",
    "\ufeff", "\u200b", "\x00", "\x0b", "\x1c", "\u2028", "\u0085", "\ud800", "\udfff", "\ufffd", "🙂",
]
MARKERS = [p for p in PIECES[:14]] + ["", "", "一、", "(一)", "1."]
WORDS = [p for p in PIECES[14:] if p not in ("\n", "\n\n")]
# documents made of lines (a marker, then words), and free strings of pieces and arbitrary characters
LINE = st.tuples(st.sampled_from(MARKERS),
                 st.lists(st.one_of(st.sampled_from(WORDS), st.sampled_from(WORDS), st.text(max_size=3)), max_size=10)
                 ).map(lambda t: t[0] + "".join(t[1]))
TEXTS = st.one_of(st.lists(LINE, max_size=14).map("\n".join),
                  st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=4)), max_size=40).map("".join))


def _in(span, n):
    s, e = span
    return 0 <= s <= e <= n


# -- the checks (scripts/fuzz.py runs them too) ------------------------------------------------------------------

def check_clean(text: str) -> None:
    doc = clean(from_text(text))
    raw, out, offs = doc.raw_text, doc.text, doc.offsets
    assert len(offs) == len(out)
    assert all(0 <= o < len(raw) for o in offs), "an offset outside the raw text"
    assert all(a <= b for a, b in zip(offs, offs[1:])), "offsets out of order"
    for f in doc.flags:
        assert f.span is None or _in(f.span, len(out)), f
    if out:
        s, e = doc.raw_span((0, len(out)))
        assert 0 <= s <= e <= len(raw)


def check_idempotent_steps(text: str) -> None:
    m = Mapped.of(text)
    for step in (steps.normalise_newlines, steps.normalise_width, steps.remove_hidden_notices, steps.tidy_whitespace):
        once = step(m)
        assert step(Mapped.of(once.text)).text == once.text, step.__name__
        m = once


def check_structure(text: str) -> None:
    doc = structure(clean(from_text(text)))
    n = len(doc.text)
    by_id = {s.id: s for s in doc.sections}
    for s in doc.sections:
        assert _in(s.span, n) and s.span[0] < s.span[1] or s.span[0] == s.span[1] == n, s
        assert s.heading_span is None or _in(s.heading_span, n), s
        assert s.heading == s.heading.strip(" |\t")
        if s.parent is not None:
            p = by_id[s.parent]
            assert p.level < s.level and p.span[0] <= s.span[0] and s.span[1] <= p.span[1], (p, s)
    for pos in range(0, n + 1, max(1, n // 50)):  # the bisecting lookup finds what a scan of every section finds
        want = None
        for sec in doc.sections:
            if sec.span[0] <= pos < sec.span[1] and (want is None or sec.level >= want.level):
                want = sec
        assert doc.section_at(pos) is want, pos
    for field in (doc.title, doc.issuer):
        assert field is None or "\n" not in field


def check_extract(text: str) -> None:
    doc = normalise(extract_items(structure(clean(from_text(text)))))
    n, raw = len(doc.text), len(doc.raw_text)
    ids = {s.id for s in doc.sections}
    for t in doc.tasks:
        assert _in(t.span, n) and t.span[0] < t.span[1], t
        assert t.section_id is None or t.section_id in ids
        s, e = doc.raw_span(t.span)
        assert 0 <= s <= e <= raw
    for m in doc.metrics:
        assert _in(m.span, n) and m.span[0] < m.span[1], m
        s, e = doc.raw_span(m.span)
        assert 0 <= s <= e <= raw
    line = json.dumps(doc.to_record(), ensure_ascii=False)
    assert "\n" not in line and "\r" not in line
    line.encode("utf-8")  # no lone surrogate reaches the record
    assert json.loads(line)["sha256"] == doc.sha256


_OLD_HIDDEN = re.compile(r"[-—]*\s*此处隐藏[:：]?\s*(\d+)\s*字[,，]?\s*(?:下载后查看|下载后可查看|下载查看)?\s*[-—]*")
_OLD_TRAILING = re.compile(r"[ \t]+(?=\n)|(?<=\n)[ \t]+")
_OLD_QUANTITY = re.compile(metrics.QUANTITY.pattern.replace(f"(?P<num>{metrics._NUM_FIRST})",
                                                            f"(?P<num>{metrics._NUM})"))


def check_linear_rewrites(text: str) -> None:
    """The linear-time patterns find exactly what the backtracking ones they replaced found."""
    assert steps._hidden_notices(text) == [(m.start(), m.end(), m.group(1)) for m in _OLD_HIDDEN.finditer(text)]
    assert [m.span() for m in steps._TRAILING.finditer(text)] == [m.span() for m in _OLD_TRAILING.finditer(text)]
    assert ([(m.span(), m.groupdict()) for m in metrics.QUANTITY.finditer(text)]
            == [(m.span(), m.groupdict()) for m in _OLD_QUANTITY.finditer(text)])


CHECKS = {"clean": check_clean, "idempotent_steps": check_idempotent_steps, "structure": check_structure,
          "extract": check_extract, "linear_rewrites": check_linear_rewrites}

# -- the properties -------------------------------------------------------------------------------------------------


@SETTINGS
@given(TEXTS)
def test_clean_keeps_a_map_into_the_raw_text(text):
    check_clean(text)


@SETTINGS
@given(TEXTS)
def test_whitespace_width_and_notice_steps_are_idempotent(text):
    check_idempotent_steps(text)


@SETTINGS
@given(TEXTS)
def test_structure_gives_nested_sections_inside_the_text(text):
    check_structure(text)


@settings(SETTINGS, max_examples=max(N // 2, 10))
@given(TEXTS)
def test_extraction_spans_inside_the_text_and_one_json_line(text):
    check_extract(text)


@SETTINGS
@given(TEXTS)
def test_linear_rewrites_match_the_old_patterns(text):
    check_linear_rewrites(text.replace("\ud800", "").replace("\udfff", ""))
