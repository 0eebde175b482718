"""Deadlines a task's own words leave to the document around them (SPEC §5, §8): run on the tasks found.

The extractor reads each task's text alone; two kinds of time requirement need the document:

- a **monthly plan's day-only forms**: in a plan for one month (``南湖街道2024年5月安全生产工作计划``;
  ``meta["month"]``, set by :func:`pipeline.structure.find_month`), ``8日前``, ``15日前完成``, ``下旬``,
  ``月底前`` are days and thirds of that month (:func:`pipeline.extraction.deadlines.find_deadlines` with
  ``month``);
- a **schedule line's label**: a line that opens with a date and a colon (``9月：开展开学安全大检查；…``,
  ``2025年1月：组织期末安全检查…``, ``第一阶段（4月1日—4月15日）：…``) schedules the tasks on it, as a phase
  heading schedules the tasks under it (SPEC §8); the label is not part of the task's text, so its date is
  added here. The label must be a date and nothing else but a phase word (阶段, 时间, 期间): ``责任单位：``
  or ``工作内容：`` never are, and neither is a sentence. A phase label on a line of its own above the task, in
  the task's section (``动员部署阶段（4月1日—4月15日）`` without an item number, which the section tree does not
  see as a heading), schedules the tasks below it in the same way: the nearest one counts;
- a **sentence's opening time phrase** before the task's words (``下半年，街道还将…`` where the task starts at 街道):
  a date alone before the comma (:func:`opener_deadline`);
- a **time-limit field** after the task in its record (``整改措施：…`` then ``整改时限：2025年3月31日前``, with
  ``责任人：…`` perhaps between), in its section and before the next task (:func:`field_deadline`), or right after
  the task on its own line (``…督促企业修复除尘设施。完成时限：10月底前``: :func:`inline_field_deadline`);
- a **bare time in the unit parenthetical that closes the task** (``…工作。（责任股室：综合协调股，10日前）``): the
  parenthetical is left out of the task's text, and its time, unlabelled, is read like the task's own words (with
  the monthly plan's month) (:func:`closer_deadlines`);
- a **table's time-limit column** (``单位名称 | 主要问题 | 整改时限``) for a task that is a cell of a row and has no
  deadline of its own: that row's time cell, every deadline it holds (:func:`cell_deadlines`); in a row whose header
  names no time column, or that has none (``1 | 排查… | 4月30日前 | 市交通运输局``), its one cell that is a time and
  nothing else, beside a cell of units;
- **明年 in the running text** of a document whose dates the task finder read in the document's own year: the next
  year's (:func:`next_year_said`; in a part that plans the next year the task finder passes that year already); so
  are the dates of a task on a line opened by a label of next year's plans (``2025年工作打算：一是…`` in a 2024
  report: :func:`next_year_line`), which no heading marks;
- a **report's limit that its own date has passed** (``力争1月底前实现…全覆盖`` in a report signed 2018年12月17日): a date
  without its own year that falls well before the date signing the report is next year's (:func:`after_signing`);
  a report commits to what is still to do.

A deadline is added only when the task has none equal to it (nor the same recurrence with its count: 每月至少组织一次
then a field's 每月); nothing is removed (明年's are re-read, not added).
"""

from __future__ import annotations

import bisect
import re
from dataclasses import replace
from datetime import date, timedelta

from ..model import Deadline, Document, Task
from .deadlines import cell_deadlines as read_cell, find_deadlines, parse_deadline

# the words of a line before the task: an optional item number, a label, a colon (or a table cell's bar)
LABEL = re.compile(r"^[\s|]*(?:[(（]?[一二三四五六七八九十\d]{1,2}[)）、.．]\s*)?(?P<lab>[^，,。；;：:\n|]{1,30}?)\s*[:：]\s*$")
# a line that is a phase label alone: an optional item number, the label, an optional colon or full stop
PHASE_LINE = re.compile(r"^[\s|]*(?:[(（]?[一二三四五六七八九十\d]{1,2}[)）、.．]\s*)?"
                        r"(?P<lab>(?:第[一二三四五六七八九十\d]{1,2}(?:阶段|步)\s*[:：]\s*)?[^，,。；;：:\n|]{2,40}?)\s*[:：。]?\s*$")
PHASE_NAME = re.compile(r"阶段|步骤|时间安排")
# what a schedule label may hold besides its date: a phase's name and brackets around the date
PHASE_WORDS = re.compile(r"第[一二三四五六七八九十\d]{1,2}(?:阶段|步)\s*[:：]\s*[^\s()（）:：]{0,8}(?=[(（])"  # 第一阶段：动员部署（4月上旬）
                         r"|第[一二三四五六七八九十\d]{1,2}阶段|[^\s()（）]{0,8}阶段|时间安排|时间|期间|[()（）\s]")


def _key(d: Deadline) -> tuple:
    return (d.kind, d.date, d.start, d.end, d.freq, d.min_count, d.masked)


def _restates(d: Deadline, have) -> bool:
    """A recurrence without its count that the task already has, counted (每月至少组织一次 and a field's 每月)."""
    return d.kind == "recurring" and d.min_count is None and any(
        h.kind == "recurring" and h.freq == d.freq for h in have)


def _offset(doc: Document, t: Task) -> int | None:
    """Where the task's text starts in the document's text (None when the text is not the span's words)."""
    s, e = t.span
    if doc.text[s:e] == t.text:
        return s
    i = doc.text.find(t.text, max(0, s - 200), e + 200 + len(t.text))
    return i if i >= 0 else None


def month_deadlines(doc: Document, t: Task, month: int) -> list[Deadline]:
    """The day-only deadlines of a task in a plan for ``month`` (8日前, 下旬, 月底前) that its text alone does not give."""
    off = _offset(doc, t)
    base = off or 0
    plain = {d.span for d in find_deadlines(t.text, doc.year, base)}
    have = [d.span for d in t.deadlines if d.span]
    out = []
    for d in find_deadlines(t.text, doc.year, base, month=month):
        if d.span in plain or any(a < d.span[1] and d.span[0] < b for a, b in have):
            continue
        out.append(d if off is not None else replace(d, span=None))
    return out


def label_deadline(doc: Document, t: Task) -> Deadline | None:
    """The date of a schedule line's label right before the task on its line (9月：…), or None."""
    s = t.span[0]
    lo = max(0, s - 80)  # a label is short: look no further back (a megabyte line costs nothing per task)
    nl = doc.text.rfind("\n", lo, s)
    if nl < 0 and lo > 0:
        return None  # the task's line starts further back than any label could
    ls = nl + 1
    before = doc.text[ls:s]
    m = LABEL.match(before)
    if not m:
        return None
    lab = m.group("lab")
    d = parse_deadline(lab, doc.year, month=doc.meta.get("month"))  # 1日—10日： in a monthly plan
    if d is None or d.kind == "recurring":
        return None
    rest = lab[:d.span[0]] + lab[d.span[1]:]
    if PHASE_WORDS.sub("", rest):
        return None  # the label says more than a date: 责任单位, a heading, a sentence
    at = ls + m.start("lab")
    return replace(d, span=(at + d.span[0], at + d.span[1]))


# the opening of a sentence before the task's words: a time phrase and a comma (下半年，街道还将…; 10月底前，…)
OPENER = re.compile(r"(?P<lab>[^，,。；;：:！!？?\n|]{2,14})[，,]\s*$")
_SENTENCE_END = re.compile(r"[。；;！!？?\n]")
# what an opener may hold besides its date: 今年, 在/于, 预计/计划 (a time phrase, not a clause)
OPENER_WORDS = re.compile(r"^(?:今年|本年|年内)?(?:预计|计划|力争)?(?:在|于)?$")


def _year_at(doc: Document, pos: int) -> int | None:
    """The year the dates at ``pos`` resolve against: the next one in a report's part that plans the next year (SPEC §5),
    as the task finder reads the task's own words."""
    from .tasks import in_next_years_part

    year = doc.year
    return year + 1 if year and in_next_years_part(doc, pos) else year


def opener_deadline(doc: Document, t: Task) -> Deadline | None:
    """The date of a time phrase that opens the task's sentence before the task's own words (下半年，街道还将…, where
    the task starts at 街道), or None. Only a date alone before the comma counts: 今年以来，… and 会议要求，… never do."""
    s = t.span[0]
    lo = max(0, s - 20)
    ends = list(_SENTENCE_END.finditer(doc.text, lo, s))
    start = ends[-1].end() if ends else (0 if lo == 0 else None)
    if start is None or start >= s:
        return None
    m = OPENER.fullmatch(doc.text, start, s)
    if not m:
        return None
    lab = m.group("lab").strip()
    at = m.start("lab") + (len(m.group("lab")) - len(m.group("lab").lstrip()))
    year = _year_at(doc, s)
    found = find_deadlines(lab, year, month=doc.meta.get("month"))
    if len(found) != 1 and not (d := parse_deadline(lab, year, month=doc.meta.get("month"))):
        return None
    d = found[0] if len(found) == 1 else d
    if d.kind == "recurring" or not OPENER_WORDS.match(lab[:d.span[0]] + lab[d.span[1]:]):
        return None
    return replace(d, span=(at + d.span[0], at + d.span[1]))


def _phase_line(doc: Document, line: str, at: int) -> Deadline | None:
    """The date of a line that is a phase label and nothing else (动员部署阶段（4月1日—4月15日）, 9月：), or None."""
    m = PHASE_LINE.match(line)
    if not m:
        return None
    lab = m.group("lab")
    if not (PHASE_NAME.search(lab) or line.rstrip().endswith((":", "："))):
        return None  # a date alone on its line is a signature or a time stamp, not a phase
    d = parse_deadline(lab, doc.year, month=doc.meta.get("month"))
    if d is None or d.kind == "recurring" or PHASE_WORDS.sub("", lab[:d.span[0]] + lab[d.span[1]:]):
        return None
    start = at + m.start("lab")
    return replace(d, span=(start + d.span[0], start + d.span[1]))


def phase_line_deadline(doc: Document, t: Task, by_id: dict) -> Deadline | None:
    """The date of the nearest phase line above the task in its own section (a phase written as a line of its own,
    without an item number: 动员部署阶段（4月1日—4月15日）, then the tasks of that phase on the lines below; SPEC §8)."""
    sec = by_id.get(t.section_id)
    # the section's words above the task, at most 3000 characters back (30 lines at most): bounded per task
    lo = max(sec.span[0] if sec else 0, t.span[0] - 3000)
    end = doc.text.rfind("\n", lo, t.span[0])  # the lines above the task's own
    n = 0
    while end > lo and n < 30:
        start = max(doc.text.rfind("\n", lo, end) + 1, lo)
        if end - start <= 60:  # a phase line is short; a longer one is no label
            d = _phase_line(doc, doc.text[start:end], start)
            if d is not None:
                return d
        end, n = start - 1, n + 1
    return None


# a field line after the task that gives its time limit (整改措施：… then 整改时限：2025年3月31日前, 责任人：…)
FIELD = re.compile(r"[ \t|]*(?P<lab>(?:整改|完成|办结|落实|工作|报送|上报|销号)?(?:时限|期限|时间|日期))[ \t]*[:：][ \t]*(?P<v>[^\n]{1,30}?)"
                   r"[ \t。；;]*$")
# the other fields of the same record, which may stand between the task and its time limit
OTHER_FIELD = re.compile(r"[ \t|]*(?:责任人|责任单位|责任部门|牵头单位|配合单位|责任领导|督办人|联系人|整改责任人)[ \t]*[:：]")
# a time-limit field glued to the end of another field's line (a copy that lost the line break between them:
# 责任单位：县安监局，各乡镇整改时限：2017年10月31日): the label must say whose time it is (整改/完成 …)
GLUED_FIELD = re.compile(r"(?P<lab>(?:整改|完成|办结|落实|报送|上报|销号)(?:时限|期限|时间|日期))[ \t]*[:：][ \t]*"
                         r"(?P<v>[^\n:：]{1,30}?)[ \t。；;]*$")


def field_deadline(doc: Document, t: Task, next_start: int) -> Deadline | None:
    """The time limit a field line gives right after the task, in its section and before the next task (整改时限：
    2025年3月31日前 below 整改措施：…), or None. Only other fields of the record (责任人：…) may stand between."""
    pos = doc.text.find("\n", t.span[1])
    if pos < 0 or pos > t.span[1] + 2 and doc.text[t.span[1]:pos].strip(" \t。；;"):
        return None  # the task's line goes on after it: no field follows the task
    sec = _section_of(doc, pos + 1)
    for _ in range(3):
        start = pos + 1
        if start >= min(next_start, len(doc.text)):
            return None
        end = doc.text.find("\n", start)
        end = len(doc.text) if end < 0 else end
        if _section_of(doc, start) is not sec:
            return None
        m = FIELD.match(doc.text, start, end)
        if m and doc.text[m.end():end].strip() == "":
            d = parse_deadline(m.group("v"), _year_at(doc, start), month=doc.meta.get("month"))
            if d is None or d.span is None:
                return None
            at = m.start("v")
            return replace(d, span=(at + d.span[0], at + d.span[1]))
        o = OTHER_FIELD.match(doc.text, start, end)
        if not o:
            return None
        g = GLUED_FIELD.search(doc.text, o.end(), end)
        if g:
            d = parse_deadline(g.group("v"), _year_at(doc, start), month=doc.meta.get("month"))
            if d is None or d.span is None:
                return None
            at = g.start("v")
            return replace(d, span=(at + d.span[0], at + d.span[1]))
        pos = end
    return None


# a time-limit field right after the task's words on its line (督办清单: 1.…超量储存…。督促企业立即清理…。完成时限：10月15日前):
# a label that says whose time it is, or 时限/期限 alone (not a bare 时间, which may date an event)
INLINE_FIELD = re.compile(r"[ \t]*[。；;，,]?[ \t]*(?:(?:整改|完成|办结|落实|报送|上报|销号)(?:时限|期限|时间)|时限|期限)[ \t]*[:：][ \t]*"
                          r"(?P<v>[^\n。；;，,]{1,30})")


def inline_field_deadline(doc: Document, t: Task, next_start: int) -> Deadline | None:
    """The time limit a field gives right after the task on its own line (…。完成时限：10月15日前), or None: the field's
    value must open with the time (a copy that lost the line break after it goes on with other words)."""
    m = INLINE_FIELD.match(doc.text, t.span[1])
    if m is None or m.start("v") >= next_start:
        return None
    d = parse_deadline(m.group("v"), _year_at(doc, t.span[0]), month=doc.meta.get("month"))
    if d is None or d.span is None or d.span[0] != 0:
        return None
    at = m.start("v")
    return replace(d, span=(at + d.span[0], at + d.span[1]))


# a unit parenthetical right after the task's words: its content (to the closing bracket, on the same line)
_CLOSER = re.compile(r"\s{0,2}[(（](?P<c>[^()（）\n]{2,240})[)）]")
_CLOSER_PART = re.compile(r"[^,，;；]+")


def closer_deadlines(doc: Document, t: Task) -> list[Deadline]:
    """The times a unit parenthetical closing the task states without a label (（责任股室：X，10日前）, （…牵头，…配合，
    月底前）): each part of it that is a time and nothing else, read with the document's year and month."""
    from .units import parse_unit_clause

    m = _CLOSER.match(doc.text, t.span[1])
    if m is None or not parse_unit_clause(m.group("c")):
        return []
    out = []
    for pm in _CLOSER_PART.finditer(doc.text, m.start("c"), m.end("c")):
        seg = pm.group().strip()
        off = pm.start() + len(pm.group()) - len(pm.group().lstrip())
        if not seg or re.search(r"[:：]", seg):
            continue  # a labelled field (完成时限：…) is the task finder's
        d = parse_deadline(seg, _year_at(doc, off), month=doc.meta.get("month"))
        if d is None or d.span is None or d.span[1] - d.span[0] < len(seg) - 2:
            continue  # a part that says more than a time is a name
        out.append(replace(d, span=(off + d.span[0], off + d.span[1])))
    return out


# a table's time-limit column, by its header (| 单位名称 | 主要问题 | 整改时限 |), or the column of when a scheduled act is
# done (| 组别 | 检查对象 | 牵头单位 | 检查时间 |: the days of each group's inspection); not a document's 发文日期
TIME_COLUMN = re.compile(r"^(?:整改|完成|办结|落实|报送|上报|销号|检查|督查|督导|实施|开展|演练|培训)?"
                         r"(?:时限|期限|时间|日期|时间节点|截止时间)(?:要求|安排)?$")


def _cell_spans(line: str) -> list[tuple[int, int]]:
    """The (start, end) of each cell of a ``a | b | c`` row (outer bars, when written, left out)."""
    spans, at = [], 0
    for part in line.split("|"):
        spans.append((at, at + len(part)))
        at += len(part) + 1
    if line.lstrip().startswith("|"):
        spans = spans[1:]
    if line.rstrip().endswith("|") and spans:
        spans = spans[:-1]
    return spans


def _table_row(line: str) -> bool:
    return line.count("|") >= 2


def cell_deadlines(doc: Document, t: Task, next_start: int | None = None) -> list[Deadline]:
    """The time limits of the task's own table row, where the task is a cell of an ``a | b | c`` row and the table's
    header row names a time-limit column (整改时限, 完成时限, 完成时间): every deadline of that row's cell in that column
    (每季度通报进展，年底前完成: two), or none; without such a header, the row's one time cell (:func:`_time_cell`), for
    the row's last task only (``next_start``: where the next task starts; a row's work is its last, most specific
    column, as the task finder reads a header's)."""
    s, e = t.span
    ls = doc.text.rfind("\n", max(0, s - 2000), s) + 1
    le = doc.text.find("\n", e)
    le = len(doc.text) if le < 0 else le
    row = doc.text[ls:le]
    if not _table_row(row) or e - s > le - ls:
        return []
    # the header: the first row of the run of table lines above (at most 60 rows back)
    head, pos, n = None, ls, 0
    while pos > 0 and n < 60:
        ps = doc.text.rfind("\n", 0, pos - 1) + 1
        line = doc.text[ps:pos - 1]
        if not _table_row(line):
            break
        head, pos, n = line, ps, n + 1
    cells = _cell_spans(row)
    year, month = _year_at(doc, s), doc.meta.get("month")
    hcells = [re.sub(r"\s+", "", head[a:b]) for a, b in _cell_spans(head)] if head is not None else []
    cols = [i for i, h in enumerate(hcells) if TIME_COLUMN.match(h)]
    if len(cols) == 1 and len(hcells) == len(cells):
        k = cols[0]
    elif cols or next_start is not None and next_start < le \
            or (k := _time_cell(row, cells, s - ls, year, month)) is None:
        return []
    a, b = cells[k]
    if ls + a <= s < ls + b:
        return []  # the task is the time cell itself
    return [replace(d, span=(ls + a + d.span[0], ls + a + d.span[1]))
            for d in read_cell(row[a:b], year, month=month) if d.span is not None]


def _time_cell(row: str, cells: list[tuple[int, int]], at: int, year: int | None, month: int | None) -> int | None:
    """The time cell of a task table's row whose header names no time column, or that has none (1 | 排查… | 4月30日前 |
    市交通运输局; 工作指标 | 任务清单 | 责任清单 | 时限清单): the one cell besides the task's that is a time and nothing else
    (4月30日前, 5月至9月, 每季度末), in a row that also names who does it; else None."""
    from .units import parse_unit_clause

    times, units = [], False
    for i, (a, b) in enumerate(cells):
        cell = row[a:b].strip()
        if not cell or a <= at < b:
            continue
        found = [d for d in read_cell(cell, year, month=month) if d.span is not None] if len(cell) <= 24 else []
        if found and found[-1].span[1] - found[0].span[0] >= len(cell) - 2:
            times.append(i)
        elif len(cell) <= 60 and parse_unit_clause("责任单位:" + cell):
            units = True
    return times[0] if len(times) == 1 and units else None


def _section_of(doc: Document, pos: int):
    from .tasks import _section_at

    return _section_at(doc, pos)


NEXT_YEAR_WORD = re.compile(r"明年|来年|下一年度?")
# a label that opens a paragraph of plans for the next year, the tasks on its line after it (2025年工作打算：一是…,
# 明年工作思路：…, 2018年，我们将继续…：一是…) where no heading says so
NEXT_YEAR_LABEL = (r"(?:{y}\s*年(?:度)?|明年|来年|下一年度?)(?:[^。；;：:\n]{{0,8}}?(?:工作)?(?:打算|思路|计划|安排|重点|目标|设想)"
                   r"[ \t]*[:：]|[，,])")  # or a paragraph that opens with the next year: 2018年，我们将…


def next_year_line(doc: Document, t: Task) -> bool:
    """Whether the task stands on a line (paragraph) opened by a label of plans for the next year (``2025年工作打算：``
    in a 2024 report), which the section tree does not see as a heading."""
    if not doc.year:
        return False
    s = t.span[0]
    ls = doc.text.rfind("\n", max(0, s - 2000), s) + 1
    m = re.match(rf"[ \t]*(?:[(（]?[一二三四五六七八九十\d]{{1,2}}[)）、.．]\s*)?{NEXT_YEAR_LABEL.format(y=doc.year + 1)}",
                 doc.text[ls:s])
    return m is not None


def next_year_read(doc: Document, d: Deadline) -> Deadline:
    """``d`` (read in the document's year) read again in the next year."""
    if not d.raw or d.masked:
        return d
    return _read_in(d, doc.year + 1)


def _read_in(d: Deadline, year: int) -> Deadline:
    """``d`` read again in ``year``: its dates moved when its words give one deadline of its kind there."""
    again = find_deadlines(d.raw, year) or ([x] if (x := parse_deadline(d.raw, year)) else [])
    if len(again) != 1 or again[0].kind != d.kind:
        return d
    a = again[0]
    return replace(d, date=a.date, start=a.start, end=a.end)


def next_year_said(doc: Document, d: Deadline) -> Deadline:
    """``d`` read in the next year where its words say so (明年上半年, 在明年3月底前) and the task finder read it in the
    document's own year (outside a part that plans the next year, where it already passes the next year)."""
    if not d.raw or not d.span or not doc.year or not NEXT_YEAR_WORD.search(d.raw) \
            or _year_at(doc, d.span[0]) != doc.year:
        return d
    return _read_in(d, doc.year + 1)


# a deadline's own year (2025年6月底前, 二〇二五年, 今年): it is read as written
OWN_YEAR = re.compile(r"\d{2,4}\s*年|[〇○零一二三四五六七八九]{4}\s*年|[今本明次翌当]年")
#: how long before the signing date a report's limit must fall to be next year's: a date just before it (10月1日至7日
#: in a report signed 10月8日) is work just done
SIGNED_MARGIN = timedelta(days=90)


def after_signing(doc: Document, d: Deadline, signed: date) -> Deadline:
    """``d`` read in the next year when it falls more than :data:`SIGNED_MARGIN` before the date signing the report
    ``doc`` (``力争1月底前…`` in a report of 2018年12月17日 is due 2019-01-31) and neither its words nor its line before
    it name a year (``2024年下半年工作安排：…5月底前…`` is 2024's, whenever signed)."""
    due = d.date if d.kind == "by_date" else d.end if d.kind == "range" else None
    if not due or d.masked or not d.raw or OWN_YEAR.search(d.raw) or date.fromisoformat(due) >= signed - SIGNED_MARGIN:
        return d
    if d.span is not None:
        s = d.span[0]
        line = doc.text[doc.text.rfind("\n", max(0, s - 400), s) + 1:s]
        if re.search(rf"{int(due[:4])}\s*年", line):
            return d
    again = _read_in(d, int(due[:4]) + 1)
    moved = again.date if again.kind == "by_date" else again.end
    return again if moved and date.fromisoformat(moved) > signed else d


def _signed(doc: Document) -> date | None:
    """The date signing a report (its last line that is a date alone), when it is in or after the document's year."""
    from ..normalise.checks import document_date

    if doc.doc_type != "report" or not doc.year:
        return None
    iso = document_date(doc.text)
    signed = date.fromisoformat(iso) if iso else None
    return signed if signed and signed.year >= doc.year else None


def resolve(doc: Document, tasks: list[Task]) -> list[Task]:
    """``tasks`` (of ``doc``) with each task's context deadlines added (see the module's docstring)."""
    month = doc.meta.get("month")
    by_id = {sec.id: sec for sec in doc.sections}
    out = []
    starts = sorted(t.span[0] for t in tasks)
    signed = _signed(doc)
    for t in tasks:
        k = bisect.bisect_right(starts, t.span[0])
        next_start = starts[k] if k < len(starts) else len(doc.text)
        if doc.year and any(d.raw and NEXT_YEAR_WORD.search(d.raw) for d in t.deadlines):
            t = replace(t, deadlines=tuple(next_year_said(doc, d) for d in t.deadlines))
        elif t.deadlines and doc.year and _year_at(doc, t.span[0]) == doc.year and next_year_line(doc, t):
            t = replace(t, deadlines=tuple(next_year_read(doc, d) for d in t.deadlines))
        add: list[Deadline] = []
        keys = {_key(d) for d in t.deadlines}
        if month:
            for d in month_deadlines(doc, t, month):
                if _key(d) not in keys:
                    keys.add(_key(d))
                    add.append(d)
        for d in closer_deadlines(doc, t):
            if _key(d) not in keys and not _restates(d, t.deadlines):
                keys.add(_key(d))
                add.append(d)
        lab = label_deadline(doc, t) or opener_deadline(doc, t) or inline_field_deadline(doc, t, next_start) \
            or field_deadline(doc, t, next_start) \
            or phase_line_deadline(doc, t, by_id)
        labs = [lab] if lab is not None else [] if t.deadlines else cell_deadlines(doc, t, next_start)
        for k, lab in enumerate(labs):
            if _key(lab) not in keys and not _restates(lab, t.deadlines):
                keys.add(_key(lab))
                add.insert(k, lab)
        if add:
            t = replace(t, deadlines=(*t.deadlines, *add))
        if signed is not None and t.deadlines:
            t = replace(t, deadlines=tuple(after_signing(doc, d, signed) for d in t.deadlines))
        out.append(t)
    return out
