"""Make .docx / .pdf / .html renditions of the sample documents, and the long benchmark plan.

Run from the repository root with the project venv:

    .venv/bin/python scripts/make_renditions.py          # build everything, then check it
    .venv/bin/python scripts/make_renditions.py --check  # only check what is on disk

What it makes
-------------
For each sample ``corpora/samples/NNN_hash.txt`` (the gold file ``NNN_hash.gold.json``
beside it is shared by all renditions):

* ``NNN_hash.docx``  written with python-docx: one Word paragraph per non-empty line of the
  .txt, text kept as written.  Where a line starts with a real heading/list marker
  (``一、``, ``(一)``, ``1.`` ...) the marker is removed from the text and the paragraph gets
  real Word automatic numbering instead (``w:numPr`` -> ``w:num`` -> ``w:abstractNum`` in
  numbering.xml, numFmt ``chineseCounting``/``decimal``, lvlText ``%1、`` / ``(%1)`` /
  ``%1.``).  A list whose first number is not the next one of the list before it gets its
  own ``w:num`` with ``w:lvlOverride/w:startOverride``.  In sample 001 and pool 02 the
  ``一、`` headings take their numbering from the paragraph STYLE (``CnHeading1``, whose
  pPr carries numPr); elsewhere numPr sits on the paragraph.  Which lines are numbered is
  decided by eye, per line, in the table ``SAMPLES`` below, not by a heuristic; the
  script refuses to run if a line that looks like a marker is not decided there.
  Every document has a page header (title or issuing body) and a footer with a PAGE
  field.  Fonts: Noto Serif CJK SC (body) / Noto Sans CJK SC (headings), set as
  ``w:eastAsia`` (and ascii/hAnsi) on docDefaults and styles.
* ``NNN_hash.pdf``   the .docx converted by LibreOffice headless; the header and the page
  number footer become running headers/footers of every page.
* ``NNN_hash.html``  a realistic web copy: site chrome (nav bar, 您现在的位置 breadcrumb,
  本类热门推荐 sidebar, footer with 免责声明 / 版权所有 / ICP备案号, <script>, <style>)
  around ``<div class="article-content">`` holding one <p> per non-empty line of the .txt,
  text exactly as in the .txt (HTML-escaped).  001 and 003 are written in GBK with
  ``<meta charset="gbk">``, the others in UTF-8.

For the two table plans of the pool, ``corpora/pool/01_...renwuqingdan.txt`` and
``corpora/pool/02_...anpaibiao.txt``: ``.docx`` and ``.pdf`` beside them, where the
pipe-separated cell lines become a real Word table ("Table Grid"; one row per table
row, one cell per column) and the other lines paragraphs.

For benchmarks: ``benchmarks/data/long_plan.txt``, ``long_plan.docx``, ``long_plan.pdf``
(>= 35 pages): sample 002's text with its page-chunk counters removed, its three plans
split at their inline markers into headings (``一、``) and items (``1.``), repeated as
three parts (``第一部分`` ... by style numbering, each plan restarting its own numbers
with startOverride).  long_plan.txt is the same text, one paragraph a line, with the
numbers written out as Word renders them.

Differences between a rendition and its .txt that come from layout
------------------------------------------------------------------
* docx: numbered paragraphs hold the text without the marker; the marker is rebuilt by
  a reader from numbering.xml as Word renders it (``一、`` from chineseCounting +
  "%1、", ``(七)`` from "(%1)" with startOverride 7, ``1.`` from decimal "%1.").  The
  numbers are followed by nothing (``w:suff nothing``), so whitespace written between a
  marker and its text in the .txt is gone (003 line 18 ``(二) 進一步`` renders
  ``(二)進一步``); ``第一部分`` in the long plan is followed by one space.
* docx/pdf: a page header and a page-number footer that are not in the .txt; the docx
  reader must ignore the header/footer parts, the pdf reader the running lines.
* docx/pdf of the pool tables: a table row is one line of "cell | cell | ..." in a
  reader's output, whereas the .txt of pool 01 has one cell per line ("cell |"); empty
  cells stay empty cells.  In pool 01 two rows whose first column (主要任务) was merged
  in the original carry their empty cell at the end in the .txt; here it is the first
  cell, under 主要任务.  The last row of pool 01 is cut in the .txt (no closing "|") and
  is padded with empty cells.  Rows do not break across pages (w:cantSplit), and the
  header row of a task table is a repeating header row (w:tblHeader), so in the PDF it
  is printed again at the top of every page the table runs onto.
* pdf: lines are broken where the layout breaks them (a paragraph spans several text
  lines and may cross a page break, with header/footer lines in between); pdfplumber
  may add or drop spaces between glyphs; table cells that wrap are interleaved line by
  line with their neighbours in a plain text extraction.
* html: the <title> and the page's <h1> repeat the document title outside the article;
  the text is HTML-escaped (``&amp;``, ``&lt;``) and, for 001/003, GBK-encoded.
* long plan: built text, so its .txt is not a source copy: page-chunk counters of 002
  (``1、`` ... ``51、``) are removed and the chunks joined (``拟`` + ``定``), lost item
  separators are normalised (``2 .督促`` -> ``2.督促``), the web title
  ``…工作要点精选5篇`` is dropped, the cut tail of the copy (``(区公安分局、区民``) is
  trimmed back to the last 。, and each paragraph is one line; the three parts are the
  same text.  pdfplumber puts spaces around Latin letters and digits (``2024 年``).

Determinism: core properties are fixed (author "taskdb", created/modified 2024-01-01),
docx zip entries get a fixed timestamp, and the PDF's /CreationDate, /ModDate, /ID and
/DocChecksum are overwritten in place (same length) after LibreOffice; two runs then
give byte-identical outputs (checked with LibreOffice 7.4).  Every run rewrites every
output (idempotent).
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import html
import io
import os
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import docx
import docx.table
import docx.text.paragraph
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Mm, Pt

ROOT = Path(__file__).resolve().parent.parent
SAMPLES_DIR = ROOT / "corpora" / "samples"
POOL_DIR = ROOT / "corpora" / "pool"
BENCH_DIR = ROOT / "benchmarks" / "data"

FIXED_TIME = dt.datetime(2024, 1, 1, 0, 0, 0)
ZIP_TIME = (2024, 1, 1, 0, 0, 0)
SERIF = "Noto Serif CJK SC"
SANS = "Noto Sans CJK SC"

# --------------------------------------------------------------------------------------
# Per-document decisions (made by reading each file; line numbers are 1-based lines of
# the .txt, counting empty lines).
#
#   numbered  {line: marker}  the line starts with a real heading/list marker: the marker is
#                             removed and replaced by Word numbering rendering the same.
#   counters  [lines]         the line starts with "N、" that is a PAGE-CHUNK COUNTER of a
#                             document-sharing site (the text after it continues a word or
#                             sentence cut at the end of the previous line): kept as written.
#   plain     {line: why}     other lines that start like a marker, or hold a garbled one,
#                             kept as written (documentation; checked to exist).
#   headings  [lines]         numbered lines that are short headings: CnHeading1 style.
#   style_numbering           the "一、" headings get numbering from the CnHeading1 style.
#   align     {line: c|r}     centred / right-aligned lines (titles, dates, signatures).
#   tables    [(ncols, [(first, last, fix)], widths)]  pool only: the rows of each table,
#                             by the lines holding their cells; relative column widths
#                             ("nohead": the first row is not a header row).
# --------------------------------------------------------------------------------------
SAMPLES = {
    "000_3e4d418ab8c79e1d": dict(
        title="2023年区(县)关于安全生产工作开展情况的汇报",
        header="2023年区(县)关于安全生产工作开展情况的汇报",
        footer=("第 ", "PAGE", " 页"),
        # every chunk restarts mid-word: 落|实, 安|全生产, 监|管, 建|立, 督|...
        counters=[3, 4, 5, 6, 7, 8],
        numbered={},
        align={1: "c"},
        html=dict(enc="utf-8", site="墨香文库", channel="工作汇报", date="2023-06-14"),
    ),
    "001_8b8311189899811f": dict(
        title="在全区部署冬春安全治理专项行动及省目标责任制考核迎检工作会议上的讲话",
        header="XX区安全生产委员会办公室",
        footer=("- ", "PAGE", " -"),
        counters=[],
        numbered={15: "一、", 33: "二、", 47: "三、"},
        headings=[15, 33, 47],
        style_numbering=True,
        # 一是要/二是要/三要/一要/二要/三要/第一,/第二,/第三, are written-out directives,
        # not list markers: kept as text.
        align={5: "c", 9: "c"},
        html=dict(enc="gbk", site="博文范文网", channel="讲话致辞", date="2024-11-20"),
    ),
    "002_2d6767afaa7999d4": dict(
        title="区安全生产委员会2024年工作要点",
        header="区安全生产委员会2024年工作要点",
        footer=("— ", "PAGE", " —"),
        # all 51 lines are chunks of a document-sharing site: 拟|定, 排|查, 森|林, 考|核 ...
        counters=list(range(1, 52)),
        numbered={},
        html=dict(enc="utf-8", site="工作计划文库", channel="工作要点", date="2024-02-02"),
    ),
    "003_5d853f9dda5fdec4": dict(
        title="xx區安監局xxxx年工作總結",
        header="xx區安全生產監督管理局",
        footer=("第 ", "PAGE", " 页"),
        counters=[],
        numbered={2: "一、", 3: "(一)", 9: "(七)", 10: "二、", 15: "三、", 18: "(二)"},
        headings=[2, 10, 15],
        plain={
            4: "garbled (二)", 5: "garbled (三)", 6: "garbled (四)", 7: "garbled (五)",
            8: "garbled (六)", 16: "garbled (一)", 20: "garbled (三)", 21: "garbled (四)",
            23: "garbled (五)",
            11: "一是… written directive", 12: "二是…", 13: "三是…", 14: "四是…",
        },
        html=dict(enc="gbk", site="第一范文網", channel="工作總結", date="2018-12-05"),
    ),
    "004_292e0180c7549e92": dict(
        title="区应急管理局2023年工作总结和2024年工作思路",
        header="区应急管理局2023年工作总结",
        footer=("- ", "PAGE", " -"),
        counters=[],
        numbered={2: "一、", 3: "二、", 4: "三、"},
        plain={6: "一是…", 7: "二是…", 8: "三是…", 9: "四是…", 10: "五是…"},
        html=dict(enc="utf-8", site="笔墨斋范文", channel="工作总结", date="2024-01-08"),
    ),
}

POOL = {
    "01_ankang_2021_zhuanxiang_zhengzhi_renwuqingdan": dict(
        title="安康市2021年度安全生产专项整治三年行动任务清单",
        header="安康市安全生产委员会办公室",
        footer=("第 ", "PAGE", " 页"),
        counters=[],
        numbered={},
        plain={36: "(一) inside a table cell", 37: "1. inside a table cell",
               41: "2. inside a table cell", 46: "3. inside a table cell",
               51: "(二) inside a table cell", 52: "4. inside a table cell (cut)"},
        align={20: "c", 21: "c", 22: "c", 23: "c", 26: "r", 27: "r", 28: "c"},
        tables=[
            # the page's metadata box: label | value | label | value
            (4, [(1, 3, None), (4, 7, None), (8, 11, None), (12, 15, None), (16, 19, None)],
             ("nohead", 17, 33, 17, 33)),
            # 主要任务 | 具体工作内容 | 责任单位 | 完成时限 | 推进情况
            (5, [(29, 33, None), (34, 35, None), (36, 40, None),
                 (41, 45, "merged_first"), (46, 50, "merged_first"), (51, 52, "cut")],
             (20, 36, 18, 14, 12)),
        ],
    ),
    "02_dengfeng_xuzhuang_2017_zhuanxiang_zhengzhi_anpaibiao": dict(
        title="徐庄镇2017年安全生产专项整治行动工作计划",
        header="徐庄镇人民政府文件",
        footer=("- ", "PAGE", " -"),
        counters=[],
        numbered={7: "一、", 21: "二、", 26: "三、", 22: "(一)", 23: "(二)", 24: "(三)"},
        headings=[7, 21, 26],
        style_numbering=True,
        align={3: "r", 4: "c", 5: "c"},
        tables=[(3, [(n, n, None) for n in range(8, 21)], (45, 20, 35))],
    ),
}

MARKER_RE = re.compile(
    r"^(?:[一二三四五六七八九十]+、|[(（][一二三四五六七八九十]+[)）]|\d+\s?[.、．](?!\d)|[(（]\d+[)）])"
)
CN_DIGITS = "零一二三四五六七八九"


def cn_to_int(s: str) -> int:
    if s == "十":
        return 10
    if "十" in s:
        a, b = s.split("十")
        return (CN_DIGITS.index(a) if a else 1) * 10 + (CN_DIGITS.index(b) if b else 0)
    return CN_DIGITS.index(s)


def int_to_cn(n: int) -> str:
    if n < 10:
        return CN_DIGITS[n]
    a, b = divmod(n, 10)
    return ("" if a == 1 else CN_DIGITS[a]) + "十" + (CN_DIGITS[b] if b else "")


def parse_marker(marker: str):
    """marker -> (numFmt, lvlText, value, suff)."""
    m = re.fullmatch(r"第([一二三四五六七八九十]+)部分", marker)
    if m:
        return "chineseCounting", "第%1部分", cn_to_int(m.group(1)), "space"
    m = re.fullmatch(r"([一二三四五六七八九十]+)、", marker)
    if m:
        return "chineseCounting", "%1、", cn_to_int(m.group(1)), "nothing"
    m = re.fullmatch(r"([(（])([一二三四五六七八九十]+)([)）])", marker)
    if m:
        return "chineseCounting", m.group(1) + "%1" + m.group(3), cn_to_int(m.group(2)), "nothing"
    m = re.fullmatch(r"(\d+)([.、．])", marker)
    if m:
        return "decimal", "%1" + m.group(2), int(m.group(1)), "nothing"
    m = re.fullmatch(r"([(（])(\d+)([)）])", marker)
    if m:
        return "decimal", m.group(1) + "%1" + m.group(3), int(m.group(2)), "nothing"
    raise ValueError(f"not a marker: {marker!r}")


def render_number(fmt: str, lvl_text: str, value: int) -> str:
    num = int_to_cn(value) if fmt == "chineseCounting" else str(value)
    return lvl_text.replace("%1", num)


# --------------------------------------------------------------------------------------
# Document model
# --------------------------------------------------------------------------------------
@dataclass
class Para:
    text: str
    marker: str | None = None  # removed marker, rendered back by Word numbering
    style: str | None = None  # custom style id
    align: str | None = None  # "c" | "r"
    line: int | None = None  # source line (for messages)


@dataclass
class Table:
    rows: list[list[str]]
    header: bool = True
    widths: tuple | None = None  # relative column widths


@dataclass
class DocSpec:
    name: str
    title: str
    header: str
    footer: tuple
    blocks: list = field(default_factory=list)
    style_numbering: bool = False  # "%1、" list from CnHeading1 style
    part_style_numbering: bool = False  # "第%1部分" list from PartHeading style
    body_pt: float = 12
    line_twips: int = 360


def read_lines(path: Path) -> list[str]:
    text = path.read_text(encoding="utf-8")
    assert "\r" not in text, path
    return text.split("\n")


def check_decisions(name: str, lines: list[str], spec: dict) -> None:
    """Every line that starts like a marker must be decided in the table, and every
    decision must match the line it names."""
    numbered = spec.get("numbered", {})
    counters = set(spec.get("counters", []))
    plain = spec.get("plain", {})
    table_lines = set()
    for _ncols, rows, *_w in spec.get("tables", []):
        for first, last, _fix in rows:
            table_lines.update(range(first, last + 1))
    for n, line in enumerate(lines, 1):
        if n in numbered:
            assert line.startswith(numbered[n]), (name, n, numbered[n], line[:20])
            parse_marker(numbered[n])
        if n in counters:
            assert re.match(r"^\d+、", line), (name, n, line[:20])
        if n in plain:
            assert line.strip(), (name, n)
        if MARKER_RE.match(line) and n not in numbered and n not in counters \
                and n not in plain and n not in table_lines:
            raise SystemExit(f"{name} line {n} starts like a marker but is not decided: {line[:30]!r}")
    # page-chunk counters run 1, 2, 3 ... over the chunk lines
    for i, n in enumerate(sorted(counters), 1):
        assert lines[n - 1].startswith(f"{i}、"), (name, n, lines[n - 1][:10])


def cells_of(line: str) -> list[str]:
    """'a | b | c |' -> [a, b, c];  '||' -> ['', ''];  'x |' -> [x]; a line without a
    closing '|' (cut text) is one cell."""
    if "|" not in line:
        return [line.strip()]
    return [c.strip() for c in line.split("|")[:-1]]


def spec_blocks(lines: list[str], spec: dict) -> list:
    numbered = spec.get("numbered", {})
    headings = set(spec.get("headings", []))
    align = spec.get("align", {})
    tables = {}
    for ncols, rows, *rest in spec.get("tables", []):
        tables[rows[0][0]] = (ncols, rows, rest[0] if rest else None)
    skip = set()
    blocks = []
    for n, line in enumerate(lines, 1):
        if n in skip:
            continue
        if n in tables:
            ncols, rows, widths = tables[n]
            trows = []
            for first, last, fix in rows:
                cells = [c for k in range(first, last + 1) for c in cells_of(lines[k - 1])]
                skip.update(range(first, last + 1))
                if fix == "merged_first":
                    assert len(cells) == ncols and cells[-1] == "", cells
                    cells = [""] + cells[:-1]
                elif fix == "cut":
                    cells = cells + [""] * (ncols - len(cells))
                assert len(cells) == ncols, (n, first, last, cells)
                trows.append(cells)
            blocks.append(Table(trows, header=widths is None or widths[0] != "nohead",
                                widths=None if widths is None else tuple(x for x in widths if x != "nohead")))
            continue
        if not line.strip():
            continue
        if n in numbered:
            marker = numbered[n]
            rest = line[len(marker):].lstrip()
            style = "CnHeading1" if n in headings else None
            blocks.append(Para(rest, marker=marker, style=style, align=align.get(n), line=n))
        else:
            blocks.append(Para(line, align=align.get(n), line=n))
    return blocks


# --------------------------------------------------------------------------------------
# Long benchmark plan from sample 002
# --------------------------------------------------------------------------------------
LONG_PART_TITLES = [
    "区安全生产委员会2024年工作要点(印发稿)",
    "区安全生产委员会2024年工作要点(征求意见稿)",
    "区安全生产委员会2024年工作要点(修订稿)",
]


def split_plan(body: str) -> list[tuple[str | None, str]]:
    """Split one plan's running text at its inline markers, expecting them in order:
    the next heading '二、' after '一、', the next item 'k+1.' (or 'k+1 .', a lost
    separator) after 'k.'.  Returns [(marker or None, text)]."""
    out: list[tuple[str | None, str]] = []
    h, i, pos, cur = 1, 1, 0, None
    while True:
        mh = re.compile(int_to_cn(h) + "、").search(body, pos)
        mi = re.compile(r"(?<![\d.])" + str(i) + r" ?\.(?!\d)").search(body, pos)
        cands = [m for m in (mh, mi) if m]
        if not cands:
            out.append((cur, body[pos:]))
            return out
        m = min(cands, key=lambda m: m.start())
        if m.start() > pos or cur is not None:
            out.append((cur, body[pos:m.start()]))
        if m is mh:
            cur, h = f"{int_to_cn(h)}、", h + 1
        else:
            cur, i = f"{i}.", i + 1
        pos = m.end()


def long_plan_blocks() -> list:
    lines = [l for l in read_lines(SAMPLES_DIR / "002_2d6767afaa7999d4.txt") if l.strip()]
    chunks = []
    for k, l in enumerate(lines, 1):
        assert l.startswith(f"{k}、"), l[:10]
        chunks.append(l[len(f"{k}、"):])
    text = "".join(chunks)
    pieces = re.split(r"(区安全生产委员会2024年工作要点[一二三](?=XX年))", text)
    assert pieces[0] == "区安全生产委员会2024年工作要点精选5篇", pieces[0]
    plans = list(zip(pieces[1::2], pieces[2::2]))
    assert len(plans) == 3
    # the web copy stops inside a unit parenthetical: end the last plan at its last 。
    last_title, last_body = plans[-1]
    assert last_body.endswith("(区公安分局、区民"), last_body[-20:]
    plans[-1] = (last_title, last_body[:last_body.rindex("。") + 1])
    blocks: list = [Para("区安全生产委员会2024年工作要点汇编", style="DocTitle", align="c")]
    for k, part_title in enumerate(LONG_PART_TITLES, 1):
        blocks.append(Para(part_title, marker=f"第{int_to_cn(k)}部分", style="PartHeading"))
        for plan_title, body in plans:
            blocks.append(Para(plan_title, style="PlanTitle", align="c"))
            for marker, ptext in split_plan(body):
                style = "CnHeading1" if marker and marker.endswith("、") else None
                blocks.append(Para(ptext, marker=marker, style=style))
    return blocks


# --------------------------------------------------------------------------------------
# Word writer
# --------------------------------------------------------------------------------------


class Numbering:
    """Allocates abstractNum/num definitions.  One abstractNum per (numFmt, lvlText); a
    list continues in the same w:num while each number is the previous one + 1; a list
    that starts anywhere else gets a new w:num with a startOverride."""

    def __init__(self):
        self.abstracts: dict[tuple, int] = {}
        self.abstract_info: dict[int, tuple] = {}
        self.nums: list[tuple[int, int, int | None]] = []  # (numId, abstractId, override)
        self.last: dict[tuple, tuple[int, int]] = {}  # key -> (numId, value)
        self.base: dict[tuple, int] = {}
        self.style_link: dict[tuple, str] = {}

    def assign(self, marker: str) -> tuple[int, tuple]:
        fmt, lvl_text, value, suff = parse_marker(marker)
        key = (fmt, lvl_text, suff)
        if key not in self.abstracts:
            aid = len(self.abstracts)
            self.abstracts[key] = aid
            self.abstract_info[aid] = key
        aid = self.abstracts[key]
        prev = self.last.get(key)
        if prev and prev[1] + 1 == value:
            num_id = prev[0]
        else:
            num_id = len(self.nums) + 1
            first = key not in self.base
            override = None if (first and value == 1) else value
            self.nums.append((num_id, aid, override))
            if first:
                self.base[key] = num_id
        self.last[key] = (num_id, value)
        return num_id, key

    def xml(self) -> list[str]:
        out = []
        for key, aid in self.abstracts.items():
            fmt, lvl_text, suff = key
            indent = '<w:ind w:left="0" w:firstLine="0"/>' if suff == "space" else \
                '<w:ind w:left="0" w:firstLine="480"/>'
            pstyle = f'<w:pStyle w:val="{self.style_link[key]}"/>' if key in self.style_link else ""
            out.append(
                f'<w:abstractNum {nsdecls("w")} w:abstractNumId="{aid}">'
                f'<w:nsid w:val="{0x5A3C0000 + aid:08X}"/>'
                '<w:multiLevelType w:val="singleLevel"/>'
                f'<w:tmpl w:val="{0x1E2D0000 + aid:08X}"/>'
                '<w:lvl w:ilvl="0">'
                '<w:start w:val="1"/>'
                f'<w:numFmt w:val="{fmt}"/>'
                f"{pstyle}"
                f'<w:suff w:val="{suff}"/>'
                f'<w:lvlText w:val="{lvl_text}"/>'
                '<w:lvlJc w:val="left"/>'
                f"<w:pPr>{indent}</w:pPr>"
                "</w:lvl></w:abstractNum>"
            )
        for num_id, aid, override in self.nums:
            ov = (f'<w:lvlOverride w:ilvl="0"><w:startOverride w:val="{override}"/></w:lvlOverride>'
                  if override is not None else "")
            out.append(f'<w:num {nsdecls("w")} w:numId="{num_id}"><w:abstractNumId w:val="{aid}"/>{ov}</w:num>')
        return out


def set_fonts(rpr_parent, font: str, size_pt: float | None = None, bold: bool = False):
    """rpr_parent: a style element or rPr container; sets explicit fonts (no theme)."""
    rpr = rpr_parent.get_or_add_rPr()
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = parse_xml(f"<w:rFonts {nsdecls('w')}/>")
        rpr.insert(0, rfonts)
    for a in list(rfonts.attrib):
        del rfonts.attrib[a]
    for a in ("ascii", "hAnsi", "eastAsia", "cs"):
        rfonts.set(qn(f"w:{a}"), font)
    if bold:
        rpr.append(parse_xml(f"<w:b {nsdecls('w')}/>"))
    if size_pt:
        for tag in ("sz", "szCs"):
            rpr.append(parse_xml(f'<w:{tag} {nsdecls("w")} w:val="{int(size_pt * 2)}"/>'))


def add_style(doc, style_id: str, name: str, font: str, size_pt: float, bold=False,
              align=None, first_line=None, keep_next=False, page_break=False, num_id=None,
              space_before=0, space_after=0):
    st = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    st.element.set(qn("w:styleId"), style_id)
    st.base_style = doc.styles["Normal"]
    st.next_paragraph_style = doc.styles["Normal"]
    st.quick_style = True
    pf = st.paragraph_format
    if keep_next:
        pf.keep_with_next = True
    if page_break:
        pf.page_break_before = True
    pf.space_before = Pt(space_before)
    pf.space_after = Pt(space_after)
    if align == "c":
        pf.alignment = WD_ALIGN_PARAGRAPH.CENTER
    if first_line is not None:
        pf.first_line_indent = first_line
    if num_id is not None:
        numpr = st.element.get_or_add_pPr().get_or_add_numPr()
        numpr.get_or_add_numId().val = num_id
    set_fonts(st.element, font, size_pt, bold)
    return st


def add_field(paragraph, instr: str, placeholder: str):
    r = paragraph.add_run()
    r._r.append(parse_xml(f'<w:fldChar {nsdecls("w")} w:fldCharType="begin"/>'))
    r = paragraph.add_run()
    r._r.append(parse_xml(f'<w:instrText {nsdecls("w")} xml:space="preserve"> {instr} </w:instrText>'))
    r = paragraph.add_run()
    r._r.append(parse_xml(f'<w:fldChar {nsdecls("w")} w:fldCharType="separate"/>'))
    paragraph.add_run(placeholder)
    r = paragraph.add_run()
    r._r.append(parse_xml(f'<w:fldChar {nsdecls("w")} w:fldCharType="end"/>'))


def build_docx(spec: DocSpec) -> bytes:
    doc = docx.Document()
    body_pt = spec.body_pt
    indent = Pt(body_pt * 2)

    # --- numbering: allocate first (styles need the base numIds) -------------------
    numbering = Numbering()
    para_num: dict[int, int] = {}
    style_num_keys = set()
    for idx, b in enumerate(spec.blocks):
        if isinstance(b, Para) and b.marker:
            num_id, key = numbering.assign(b.marker)
            para_num[idx] = num_id
            if (spec.style_numbering and b.style == "CnHeading1") or \
                    (spec.part_style_numbering and b.style == "PartHeading"):
                style_num_keys.add(key)
    style_num_id = {}
    for key in style_num_keys:
        # style-based numbering only where the whole list is one w:num
        ids = {para_num[i] for i, b in enumerate(spec.blocks)
               if isinstance(b, Para) and b.marker and parse_marker(b.marker)[1] == key[1]
               and b.style in ("CnHeading1", "PartHeading")}
        assert ids == {numbering.base[key]}, (spec.name, key, ids)
        style_id = "PartHeading" if key[1] == "第%1部分" else "CnHeading1"
        numbering.style_link[key] = style_id
        style_num_id[style_id] = numbering.base[key]

    npart = doc.part.numbering_part.element
    for child in list(npart):
        npart.remove(child)
    for x in numbering.xml():
        npart.append(parse_xml(x))

    # --- styles ---------------------------------------------------------------------
    styles_el = doc.styles.element
    dd = styles_el.find(qn("w:docDefaults"))
    styles_el.remove(dd)
    styles_el.insert(0, parse_xml(
        f'<w:docDefaults {nsdecls("w")}><w:rPrDefault><w:rPr>'
        f'<w:rFonts w:ascii="{SERIF}" w:hAnsi="{SERIF}" w:eastAsia="{SERIF}" w:cs="{SERIF}"/>'
        f'<w:sz w:val="{int(body_pt * 2)}"/><w:szCs w:val="{int(body_pt * 2)}"/>'
        '<w:lang w:val="en-US" w:eastAsia="zh-CN" w:bidi="ar-SA"/>'
        '</w:rPr></w:rPrDefault><w:pPrDefault><w:pPr>'
        f'<w:spacing w:after="0" w:line="{spec.line_twips}" w:lineRule="auto"/>'
        '</w:pPr></w:pPrDefault></w:docDefaults>'))
    normal = doc.styles["Normal"]
    set_fonts(normal.element, SERIF, body_pt)
    normal.paragraph_format.first_line_indent = indent
    normal.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    for sname in ("Header", "Footer"):
        set_fonts(doc.styles[sname].element, SERIF, 9)
        doc.styles[sname].paragraph_format.first_line_indent = Pt(0)
    set_fonts(doc.styles["Table Grid"].element, SERIF, 10.5)
    add_style(doc, "DocTitle", "文档标题", SANS, body_pt + 6, bold=True, align="c",
              first_line=Pt(0), space_before=6, space_after=12)
    add_style(doc, "PlanTitle", "篇目标题", SANS, body_pt + 3, bold=True, align="c",
              first_line=Pt(0), keep_next=True, space_before=12, space_after=6)
    add_style(doc, "CnHeading1", "一级标题", SANS, body_pt, bold=True, keep_next=True,
              num_id=style_num_id.get("CnHeading1"), space_before=6)
    add_style(doc, "PartHeading", "部分标题", SANS, body_pt + 6, bold=True, align="c",
              first_line=Pt(0), keep_next=True, page_break=True,
              num_id=style_num_id.get("PartHeading"), space_after=12)

    style_by_id = {s.style_id: s for s in doc.styles}

    # --- page setup, header, footer ---------------------------------------------------
    sec = doc.sections[0]
    sec.page_width, sec.page_height = Mm(210), Mm(297)
    sec.top_margin, sec.bottom_margin = Mm(30), Mm(28)
    sec.left_margin, sec.right_margin = Mm(28), Mm(26)
    sec.header_distance, sec.footer_distance = Mm(15), Mm(15)
    hp = sec.header.paragraphs[0]
    hp.text = spec.header
    hp.alignment = WD_ALIGN_PARAGRAPH.CENTER
    hp._p.get_or_add_pPr().append(parse_xml(
        f'<w:pBdr {nsdecls("w")}><w:bottom w:val="single" w:sz="6" w:space="1" w:color="auto"/></w:pBdr>'))
    fp = sec.footer.paragraphs[0]
    fp.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for piece in spec.footer:
        if piece in ("PAGE", "NUMPAGES"):
            add_field(fp, piece, "1")
        else:
            fp.add_run(piece)

    # --- body -------------------------------------------------------------------------
    body_width = sec.page_width - sec.left_margin - sec.right_margin
    for idx, b in enumerate(spec.blocks):
        if isinstance(b, Table):
            ncols = len(b.rows[0])
            t = doc.add_table(rows=len(b.rows), cols=ncols)
            t.style = doc.styles["Table Grid"]
            t.alignment = WD_TABLE_ALIGNMENT.CENTER
            widths = b.widths or (1,) * ncols
            col_w = [int(body_width * w / sum(widths)) for w in widths]
            for c, w in enumerate(col_w):
                t.columns[c].width = w
            for r, row in enumerate(b.rows):
                for c, txt in enumerate(row):
                    cell = t.cell(r, c)
                    cell.width = col_w[c]
                    p = cell.paragraphs[0]
                    p.paragraph_format.first_line_indent = Pt(0)
                    p.alignment = WD_ALIGN_PARAGRAPH.LEFT
                    run = p.add_run(txt)
                    if b.header and r == 0:
                        run.bold = True
            for r, row in enumerate(t.rows):
                # rows do not break across pages; the header row repeats on each page
                trpr = row._tr.get_or_add_trPr()
                trpr.append(parse_xml(f'<w:cantSplit {nsdecls("w")}/>'))
                if b.header and r == 0:
                    trpr.append(parse_xml(f'<w:tblHeader {nsdecls("w")}/>'))
            continue
        p = doc.add_paragraph(b.text)
        if b.style:
            p.style = style_by_id[b.style]
        if b.align == "c":
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            p.paragraph_format.first_line_indent = Pt(0)
        elif b.align == "r":
            p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            p.paragraph_format.first_line_indent = Pt(0)
        if b.style == "PartHeading" and b.marker == "第一部分":
            p.paragraph_format.page_break_before = False
        if idx in para_num and style_num_id.get(b.style) != para_num[idx]:
            numpr = p._p.get_or_add_pPr().get_or_add_numPr()
            numpr.get_or_add_ilvl().val = 0
            numpr.get_or_add_numId().val = para_num[idx]

    # --- fixed core properties --------------------------------------------------------
    cp = doc.core_properties
    cp.author = "taskdb"
    cp.last_modified_by = "taskdb"
    cp.created = FIXED_TIME
    cp.modified = FIXED_TIME
    cp.last_printed = FIXED_TIME
    cp.revision = 1
    cp.title = spec.title
    cp.subject = ""
    cp.keywords = ""
    cp.comments = "rendition made by scripts/make_renditions.py"
    cp.category = ""

    raw = io.BytesIO()
    doc.save(raw)
    return normalise_zip(raw.getvalue())


def normalise_zip(data: bytes) -> bytes:
    """Same entries, same order, fixed timestamps: byte-identical output run to run."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            zi = zipfile.ZipInfo(info.filename, date_time=ZIP_TIME)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o644 << 16
            dst.writestr(zi, src.read(info.filename))
    return out.getvalue()


# --------------------------------------------------------------------------------------
# PDF via LibreOffice
# --------------------------------------------------------------------------------------
def soffice_to_pdf(docx_paths: list[Path]) -> None:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        raise SystemExit("LibreOffice not found: apt-get install -y libreoffice-writer-nogui fonts-noto-cjk")
    with tempfile.TemporaryDirectory(prefix="taskdb_renditions_") as tmp:
        profile = Path(tmp) / "profile"
        outdir = Path(tmp) / "out"
        outdir.mkdir()
        # one conversion per file: same basename in different folders must not collide
        for p in docx_paths:
            cmd = [soffice, f"-env:UserInstallation=file://{profile}", "--headless",
                   "--norestore", "--convert-to", "pdf", "--outdir", str(outdir), str(p)]
            res = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
            made = outdir / (p.stem + ".pdf")
            if res.returncode != 0 or not made.exists():
                raise SystemExit(f"soffice failed on {p}: {res.stdout}\n{res.stderr}")
            data = fix_pdf_metadata(made.read_bytes(), hashlib.md5(p.read_bytes()).hexdigest())
            p.with_suffix(".pdf").write_bytes(data)
            made.unlink()


def fix_pdf_metadata(data: bytes, digest: str) -> bytes:
    """Overwrite dates, /ID and /DocChecksum in place with values of the same length, so that the
    xref offsets stay valid."""
    def date(m):
        v = m.group(2)
        fixed = b"D:20240101000000" + re.sub(rb"\d", b"0", v[16:])
        assert len(fixed) == len(v)
        return m.group(1) + fixed + b")"

    data = re.sub(rb"(/(?:CreationDate|ModDate)\s*\()(D:[^)]*)\)", date, data)

    def ident(m):
        h1, h2 = m.group(1), m.group(2)
        d = (digest * 4).encode()
        return b"/ID [ <" + d[:len(h1)] + b"> <" + d[:len(h2)] + b"> ]"

    data = re.sub(rb"/ID\s*\[\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*\]", lambda m: fix_len(m, ident(m)), data)
    # LibreOffice's /DocChecksum covers the document including its timestamps
    data = re.sub(rb"/DocChecksum /([0-9A-Fa-f]{32})", lambda m: b"/DocChecksum /" + digest.upper().encode(), data)
    return data


def fix_len(m, new: bytes) -> bytes:
    old = m.group(0)
    if len(new) < len(old):
        new = new[:-1] + b" " * (len(old) - len(new)) + b"]"
    assert len(new) == len(old), (old, new)
    return new


# --------------------------------------------------------------------------------------
# HTML web copy
# --------------------------------------------------------------------------------------
HOT_TITLES = [
    "2024年安全生产月活动总结范文", "乡镇安全生产工作汇报材料", "企业安全生产责任书(通用版)",
    "学校消防安全应急预案", "防汛抗旱工作部署会议讲话稿", "安全生产专项整治三年行动实施方案",
    "应急管理局年度工作总结及下步打算", "街道燃气安全排查整治工作方案",
]
NAV = ["首页", "工作总结", "工作计划", "讲话致辞", "心得体会", "规章制度", "应急预案", "合同范本"]

HTML_STYLE = """
body{margin:0;font:14px/1.8 "Microsoft YaHei",SimSun,sans-serif;color:#333;background:#f5f5f5}
a{color:#2a5db0;text-decoration:none}
.top-bar{background:#2a5db0;color:#fff;padding:4px 20px;font-size:12px}
.top-bar a{color:#fff;margin-left:10px}
.nav ul{list-style:none;margin:0;padding:0 20px;background:#fff;border-bottom:2px solid #2a5db0}
.nav li{display:inline-block;padding:8px 14px}
.breadcrumb{padding:8px 20px;font-size:12px;color:#888}
.main{display:flex;gap:20px;padding:0 20px}
.left{flex:3;background:#fff;padding:20px}
.article-title{text-align:center;font-size:22px}
.info{text-align:center;color:#999;font-size:12px;border-bottom:1px dashed #ddd;padding-bottom:8px}
.article-content p{text-indent:2em;margin:0 0 10px}
.sidebar{flex:1;background:#fff;padding:12px}
.sidebar h3{border-left:4px solid #2a5db0;padding-left:8px;font-size:16px}
.footer{text-align:center;font-size:12px;color:#888;padding:20px;margin-top:20px;border-top:1px solid #ddd}
.download a{display:inline-block;background:#f60;color:#fff;padding:6px 30px;border-radius:3px}
"""


def build_html(name: str, spec: dict, lines: list[str]) -> bytes:
    h = spec["html"]
    enc = h["enc"]
    site = h["site"]
    esc = lambda s: html.escape(s, quote=False)  # noqa: E731
    title = spec["title"]
    paras = "\n".join(f"<p>{esc(l)}</p>" for l in lines if l.strip())
    nav = "".join(f'<li><a href="/{"" if i == 0 else f"list{i}/"}">{n}</a></li>' for i, n in enumerate(NAV))
    hot = "".join(f'<li><a href="/wenku/{i + 101}.html">{t}</a></li>' for i, t in enumerate(HOT_TITLES))
    docid = int(hashlib.md5(name.encode()).hexdigest()[:6], 16) % 900000 + 100000
    meta = '<meta charset="gbk">' if enc == "gbk" else '<meta charset="utf-8">'
    page = f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
{meta}
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{esc(title)} - {site}</title>
<meta name="keywords" content="{esc(title)},{h['channel']},范文">
<meta name="description" content="{site}为您提供{esc(title)},欢迎阅读参考。">
<style>{HTML_STYLE}</style>
<script>
var _hmt = _hmt || [];
(function() {{
  var hm = document.createElement("script");
  hm.src = "/static/js/stat.js?v=20240101";
  var s = document.getElementsByTagName("script")[0];
  s.parentNode.insertBefore(hm, s);
}})();
</script>
</head>
<body>
<div class="top-bar">您好,欢迎访问{site}!<a href="/login.html">登录</a><a href="/reg.html">注册</a><a href="/vip.html">开通VIP</a></div>
<div class="nav"><ul>{nav}</ul></div>
<div class="breadcrumb">您现在的位置:<a href="/">首页</a> &gt; <a href="/list2/">{h['channel']}</a> &gt; 正文</div>
<div class="main">
<div class="left">
<h1 class="article-title">{esc(title)}</h1>
<div class="info">发布时间:{h['date']} &nbsp; 来源:网友投稿 &nbsp; 浏览:<span id="hits">{docid % 9000 + 312}</span>次</div>
<div class="article-content">
{paras}
</div>
<div class="download"><a href="/down/{docid}.html" rel="nofollow">下载本文(.docx)</a></div>
<div class="prev-next">上一篇:<a href="/wenku/{docid - 1}.html">{HOT_TITLES[1]}</a><br>下一篇:<a href="/wenku/{docid + 1}.html">{HOT_TITLES[4]}</a></div>
</div>
<div class="sidebar">
<h3>本类热门推荐</h3>
<ul>{hot}</ul>
<h3>最新范文</h3>
<ul><li><a href="/wenku/201.html">{HOT_TITLES[6]}</a></li><li><a href="/wenku/202.html">{HOT_TITLES[2]}</a></li></ul>
</div>
</div>
<div class="footer">
<p>免责声明:本站文档均由网友上传分享,仅供学习交流使用,版权归原作者所有。如有侵权,请联系我们删除。</p>
<p>Copyright &copy; 2016-2024 {site} 版权所有 &nbsp; <a href="https://beian.miit.gov.cn/" rel="nofollow">苏ICP备16052{docid % 1000:03d}号-1</a></p>
</div>
<script>
document.getElementById("hits").innerHTML = parseInt(document.getElementById("hits").innerHTML) + 1;
</script>
</body>
</html>
"""
    return page.encode(enc)


# --------------------------------------------------------------------------------------
# Checks
# --------------------------------------------------------------------------------------
def squash(s: str) -> str:
    return re.sub(r"\s+", "", s)


def docx_rendered_lines(path: Path) -> tuple[list[str], list[list[str]], dict]:
    """Read a docx back the way a reader should: body paragraphs with their numbers
    rebuilt from numbering.xml (direct numPr, else the style's), tables as rows."""
    d = docx.Document(str(path))
    npart = d.part.numbering_part.element
    abstracts = {}
    for a in npart.findall(qn("w:abstractNum")):
        lvl = a.find(qn("w:lvl"))
        abstracts[a.get(qn("w:abstractNumId"))] = (
            lvl.find(qn("w:numFmt")).get(qn("w:val")), lvl.find(qn("w:lvlText")).get(qn("w:val")),
            int(lvl.find(qn("w:start")).get(qn("w:val"))), lvl.find(qn("w:suff")).get(qn("w:val")))
    nums = {}
    for n in npart.findall(qn("w:num")):
        aid = n.find(qn("w:abstractNumId")).get(qn("w:val"))
        so = n.find(f'{qn("w:lvlOverride")}/{qn("w:startOverride")}')
        nums[n.get(qn("w:numId"))] = (aid, int(so.get(qn("w:val"))) if so is not None else None)
    style_num = {}
    for st in d.styles.element.findall(qn("w:style")):
        nid = st.find(f'{qn("w:pPr")}/{qn("w:numPr")}/{qn("w:numId")}')
        if nid is not None:
            style_num[st.get(qn("w:styleId"))] = nid.get(qn("w:val"))
    counters: dict[str, int] = {}
    lines, tables = [], []
    stats = {"numbered": 0, "from_style": 0, "overrides": sum(1 for v in nums.values() if v[1])}
    body = d.element.body
    for child in body.iterchildren():
        if child.tag == qn("w:tbl"):
            t = docx.table.Table(child, d)
            tables.append([" | ".join(c.text for c in r.cells) for r in t.rows])
            continue
        if child.tag != qn("w:p"):
            continue
        p = docx.text.paragraph.Paragraph(child, d)
        nid = child.find(f'{qn("w:pPr")}/{qn("w:numPr")}/{qn("w:numId")}')
        num_id = nid.get(qn("w:val")) if nid is not None else None
        if num_id is None and p.style is not None and p.style.style_id in style_num:
            num_id = style_num[p.style.style_id]
            stats["from_style"] += 1
        label = ""
        if num_id is not None:
            aid, override = nums[num_id]
            fmt, lvl_text, start, suff = abstracts[aid]
            if num_id not in counters:
                counters[num_id] = override if override is not None else start
            else:
                counters[num_id] += 1
            label = render_number(fmt, lvl_text, counters[num_id]) + (" " if suff == "space" else "")
            stats["numbered"] += 1
        lines.append(label + p.text)
    stats["header"] = d.sections[0].header.paragraphs[0].text
    stats["footer_xml_has_page"] = "PAGE" in "".join(
        t.text or "" for t in d.sections[0].footer._element.iter(qn("w:instrText")))
    cp = d.core_properties
    stats["core"] = (cp.author, cp.created, cp.modified)
    return lines, tables, stats


def pdf_check(path: Path, header: str, expect_lines: list[str], table_cells: list[str]) -> dict:
    import pdfplumber

    out = {"pages": 0, "problems": []}
    body_text = []
    with pdfplumber.open(str(path)) as pdf:
        out["pages"] = len(pdf.pages)
        for i, page in enumerate(pdf.pages, 1):
            txt = page.extract_text() or ""
            cjk = sum(1 for ch in txt if "\u4e00" <= ch <= "\u9fff")
            if cjk < 5:
                out["problems"].append(f"page {i}: no CJK text layer ({cjk} CJK chars)")
            foot = "".join(w["text"] for w in page.extract_words() if w["top"] > page.height * 0.88)
            nums = re.findall(r"\d+", foot)
            if not nums or nums[0] != str(i):
                out["problems"].append(f"page {i}: page number not in footer {foot!r}")
            head = "".join(w["text"] for w in page.extract_words() if w["bottom"] < page.height * 0.12)
            if squash(header) not in squash(head):
                out["problems"].append(f"page {i}: header missing ({head[:30]})")
            plines = txt.split("\n")
            # drop running header (first line) and footer (last line)
            if plines and squash(plines[0]) == squash(header):
                plines = plines[1:]
            if plines and re.fullmatch(r"[-—第\s\d页共]+", plines[-1]):
                plines = plines[:-1]
            body_text.append("".join(plines))
    flat = squash("".join(body_text))
    for l in expect_lines:
        if squash(l) not in flat:
            out["problems"].append(f"line not found in pdf text: {l[:40]!r}")
    if table_cells:
        # wrapped cells interleave in plain text: compare with pdfplumber's table cells
        with pdfplumber.open(str(path)) as pdf:
            got = "".join(squash(c or "") for pg in pdf.pages for t in pg.extract_tables()
                          for row in t for c in row)
        for c in table_cells:
            if c and squash(c) not in got:
                out["problems"].append(f"table cell not found in pdf tables: {c[:30]!r}")
    return out


def html_check(path: Path, spec: dict, lines: list[str]) -> list[str]:
    import lxml.html

    raw = path.read_bytes()
    m = re.search(rb'<meta charset="([^"]+)">', raw)
    enc = m.group(1).decode()
    problems = []
    if enc != spec["html"]["enc"]:
        problems.append(f"charset {enc}")
    root = lxml.html.document_fromstring(raw.decode(enc))
    div = root.find_class("article-content")
    if len(div) != 1:
        return problems + ["no single article-content div"]
    ps = [p.text_content() for p in div[0].findall("p")]
    want = [l for l in lines if l.strip()]
    if ps != want:
        problems.append(f"<p> texts differ from .txt lines ({len(ps)} vs {len(want)})")
    for must in ("本类热门推荐", "免责声明", "版权所有", "ICP备", "您现在的位置"):
        if must not in raw.decode(enc):
            problems.append(f"chrome missing: {must}")
    if root.find(".//head/script") is None or root.find(".//head/style") is None:
        problems.append("head lacks script/style")
    return problems


def expected_rendering(blocks: list) -> tuple[list[str], list[str]]:
    lines, cells = [], []
    for b in blocks:
        if isinstance(b, Table):
            cells.extend(c for r in b.rows for c in r)
            continue
        label = ""
        if b.marker:
            fmt, lvl_text, value, suff = parse_marker(b.marker)
            label = render_number(fmt, lvl_text, value) + (" " if suff == "space" else "")
        lines.append(label + b.text)
    return lines, cells


def check_all(jobs: list[tuple[DocSpec, Path, list[str] | None, dict | None]]) -> bool:
    ok = True
    print(f"{'file':70s} {'bytes':>9s}  notes")
    for spec, docx_path, txt_lines, sdict in jobs:
        exp_lines, exp_cells = expected_rendering(spec.blocks)
        got_lines, got_tables, st = docx_rendered_lines(docx_path)
        problems = []
        if [squash(x) for x in got_lines] != [squash(x) for x in exp_lines]:
            for a, b in zip(got_lines, exp_lines):
                if squash(a) != squash(b):
                    problems.append(f"docx paragraph differs: {a[:30]!r} vs {b[:30]!r}")
                    break
            if len(got_lines) != len(exp_lines):
                problems.append(f"docx paragraph count {len(got_lines)} vs {len(exp_lines)}")
        if txt_lines is not None and sdict is not None and not sdict.get("tables"):
            # the docx, numbers rendered, says what the .txt says line by line
            src = [l for l in txt_lines if l.strip()]
            if [squash(x) for x in got_lines] != [squash(x) for x in src]:
                problems.append("docx (numbers rendered) != .txt lines")
        if not st["footer_xml_has_page"]:
            problems.append("footer lacks PAGE field")
        if st["core"][0] != "taskdb":
            problems.append("core properties")
        print(f"{str(docx_path.relative_to(ROOT)):70s} {docx_path.stat().st_size:9d}  "
              f"{len(got_lines)} paragraphs, {st['numbered']} numbered "
              f"({st['from_style']} via style, {st['overrides']} startOverride nums), "
              f"{len(got_tables)} tables, header {st['header']!r}")
        pdf_path = docx_path.with_suffix(".pdf")
        pc = pdf_check(pdf_path, spec.header, exp_lines, exp_cells)
        problems += pc["problems"]
        print(f"{str(pdf_path.relative_to(ROOT)):70s} {pdf_path.stat().st_size:9d}  {pc['pages']} pages")
        if sdict is not None and "html" in sdict:
            hp = docx_path.with_suffix(".html")
            problems += html_check(hp, sdict, txt_lines)
            print(f"{str(hp.relative_to(ROOT)):70s} {hp.stat().st_size:9d}  {sdict['html']['enc']}")
        if spec.name == "long_plan":
            tp = docx_path.with_suffix(".txt")
            if tp.read_text(encoding="utf-8").split("\n")[:-1] != exp_lines:
                problems.append("long_plan.txt differs from the docx rendering")
            print(f"{str(tp.relative_to(ROOT)):70s} {tp.stat().st_size:9d}")
            if pc["pages"] < 35:
                problems.append(f"long plan has only {pc['pages']} pages")
        for pr in problems:
            print("   PROBLEM:", pr)
        ok &= not problems
    return ok


# --------------------------------------------------------------------------------------
def make_jobs():
    jobs = []
    for name, sdict in SAMPLES.items():
        lines = read_lines(SAMPLES_DIR / f"{name}.txt")
        check_decisions(name, lines, sdict)
        spec = DocSpec(name, sdict["title"], sdict["header"], sdict["footer"],
                       spec_blocks(lines, sdict), style_numbering=sdict.get("style_numbering", False))
        jobs.append((spec, SAMPLES_DIR / f"{name}.docx", lines, sdict))
    for name, sdict in POOL.items():
        lines = read_lines(POOL_DIR / f"{name}.txt")
        check_decisions(name, lines, sdict)
        spec = DocSpec(name, sdict["title"], sdict["header"], sdict["footer"],
                       spec_blocks(lines, sdict), style_numbering=sdict.get("style_numbering", False))
        jobs.append((spec, POOL_DIR / f"{name}.docx", lines, sdict))
    spec = DocSpec("long_plan", "区安全生产委员会2024年工作要点汇编", "区安全生产委员会2024年工作要点汇编",
                   ("第 ", "PAGE", " 页 共 ", "NUMPAGES", " 页"), long_plan_blocks(),
                   style_numbering=False, part_style_numbering=True, body_pt=12, line_twips=400)
    jobs.append((spec, BENCH_DIR / "long_plan.docx", None, None))
    return jobs


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--check", action="store_true", help="only check the outputs on disk")
    args = ap.parse_args()
    os.chdir(ROOT)
    jobs = make_jobs()
    if not args.check:
        BENCH_DIR.mkdir(parents=True, exist_ok=True)
        for spec, path, lines, sdict in jobs:
            path.write_bytes(build_docx(spec))
            if sdict is not None and "html" in sdict:
                path.with_suffix(".html").write_bytes(build_html(spec.name, sdict, lines))
            if spec.name == "long_plan":
                exp_lines, _ = expected_rendering(spec.blocks)
                path.with_suffix(".txt").write_text("".join(l + "\n" for l in exp_lines), encoding="utf-8")
        soffice_to_pdf([path for _, path, _, _ in jobs])
    return 0 if check_all(jobs) else 1


if __name__ == "__main__":
    sys.exit(main())
