"""Consistency checks of the values extraction found: flags, never changes or drops.

Deadlines: an impossible date (``2024-02-30``, not ISO) is ``impossible_date``; a date more
than :data:`FAR_YEARS` years from the document's year is ``date_far_from_year``; a recurring deadline
with an unknown ``freq`` is ``unknown_freq``, with a count below 1 ``invalid_count``. A range whose end
precedes its start is flagged ``inverted_range`` by extraction (SPEC §5), not here.

Metrics: ``negative_value``; ``inverted_metric_range`` (``value_max`` < ``value``); ``masked_with_value``
(masked but a value) and ``missing_value`` (neither masked nor a value); ``impossible_date`` for a bad
``as_of``; ``rate_over_100`` for a ``%`` rate (率, 比例) above 100.

Across metrics and dates (docs/MEASURES.md; they need the metrics' ``measure``, :mod:`.measure`):

- ``rectified_exceeds_found``: more hazards rectified than found in one sentence (``hazards_rectified``
  420处 after ``hazards_found`` 350处, the nearest found count of the same object and dimension before it);
- ``rate_mismatch``: a stated rate (``hazards_rectified_pct`` 89.3%) that is not rectified / found × 100 of the
  counts before it in its sentence (found, then rectified, then the rate), within the rounding of the stated
  figure (half its last digit; 1 point when a count is approximate);
- ``casualties_without_accident``: deaths, injuries or missing people counted in a paragraph that names no
  accident, fire, disaster or other cause (事故 火灾 灾 溺水 坍塌 爆炸 中毒 …) and holds no accident count
  (a ceiling, 死亡人数控制在…以内, is not casualties);
- ``deadline_before_document``: a deadline (a by_date's date, a range's end) before the document's own date,
  the date line that signs it (:func:`document_date`).
"""

from __future__ import annotations

import datetime as dt
import re

from ..model import Deadline, Document, Flag, Metric

FAR_YEARS = 5
FREQS = {"day", "week", "month", "quarter", "half_year", "year", "ten_days", "two_months", "two_weeks"}


def _date(s: str | None) -> dt.date | None | bool:
    """The date, None when absent, False when impossible."""
    if s is None or s == "":
        return None
    try:
        return dt.date.fromisoformat(str(s))
    except ValueError:
        return False


def check_deadline(d: Deadline, year: int | None, where: str) -> list[Flag]:
    out = []
    span = tuple(d.span) if d.span else None
    for field in ("date", "start", "end"):
        v = getattr(d, field)
        got = _date(v)
        if got is False:
            out.append(Flag("impossible_date", f"{where}: deadline {field} {v!r} ({d.raw}) is not a date", span))
        elif got is not None:
            if year is not None and abs(got.year - year) > FAR_YEARS:
                out.append(Flag("date_far_from_year",
                                f"{where}: deadline {field} {v} ({d.raw}) is far from the document's year {year}",
                                span))
    if d.kind == "recurring":
        if d.freq is not None and d.freq not in FREQS:
            out.append(Flag("unknown_freq", f"{where}: recurring deadline {d.raw!r} has freq {d.freq!r}", span))
        if d.min_count is not None and d.min_count < 1:
            out.append(Flag("invalid_count", f"{where}: recurring deadline {d.raw!r} has min_count {d.min_count}",
                            span))
    return out


def check_metric(m: Metric) -> list[Flag]:
    out = []
    span = tuple(m.span) if m.span else None
    what = f"metric {m.raw!r}"
    if m.value is not None and m.value < 0:
        out.append(Flag("negative_value", f"{what} has a negative value {m.value}", span))
    if m.value is not None and m.value_max is not None and m.value_max < m.value:
        out.append(Flag("inverted_metric_range", f"{what}: value_max {m.value_max} < value {m.value}", span))
    if m.masked and m.value is not None:
        out.append(Flag("masked_with_value", f"{what} is masked but has the value {m.value}", span))
    if not m.masked and m.value is None:
        out.append(Flag("missing_value", f"{what} has no value and is not masked", span))
    if _date(m.as_of) is False:
        out.append(Flag("impossible_date", f"{what}: as_of {m.as_of!r} is not a date", span))
    if m.unit in ("%", "％") and m.value is not None and m.value > 100 and any(c in m.subject for c in ("率", "比例")):
        out.append(Flag("rate_over_100", f"{what}: a rate above 100%", span))
    return out


# -- across metrics and dates -----------------------------------------------------------------------------------

CAUSE = re.compile(r"事故|火灾|火情|火警|灾|溺水|坍塌|倒塌|爆炸|中毒|窒息|触电|坠落|伤亡|险情|车祸|案件|雷击|踩踏|泥石流|洪水|"
                   r"滑坡|地震|台风|暴雨|冲毁|淹")
TARGET = re.compile(r"控制|以内|不超过|指标|目标|力争|确保")
_CN_DIGIT = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {"零": 0, "○": 0, "О": 0}
DATE_LINE = re.compile(r"^[ \t\u3000]*((?:19|20)\d{2}|[二][〇○零О][一二三四五六七八九〇○零О]{2})[ ]?年[ ]?"
                       r"(\d{1,2}|[一二三四五六七八九十]{1,3})[ ]?月[ ]?(\d{1,2}|[一二三四五六七八九十]{1,3})[ ]?日[ \t\u3000]*$",
                       re.M)


def _cn_number(s: str) -> int:
    if s.isdigit():
        return int(s)
    if all(c in _CN_DIGIT for c in s):  # 二〇二四
        return int("".join(str(_CN_DIGIT[c]) for c in s))
    if "十" in s:  # 十, 十二, 二十, 二十一
        tens, _, ones = s.partition("十")
        return (_CN_DIGIT.get(tens, 1) if tens else 1) * 10 + (_CN_DIGIT.get(ones, 0) if ones else 0)
    return _CN_DIGIT.get(s, 0)


def document_date(text: str) -> str | None:
    """The date that signs the document: the last line of the text that is a date alone (2024年3月2日,
    二〇二四年三月二日), as ISO; None when there is none or it is not a date."""
    last = None
    for m in DATE_LINE.finditer(text or ""):
        last = m
    if last is None:
        return None
    try:
        return dt.date(_cn_number(last.group(1)), _cn_number(last.group(2)), _cn_number(last.group(3))).isoformat()
    except ValueError:
        return None


#: how far a paragraph or a sentence is looked for around a metric (a text without breaks stays linear)
PARAGRAPH_REACH, SENTENCE_REACH = 3000, 400


def _paragraph_of(text: str, pos: int) -> tuple[int, int]:
    lo, hi = max(0, pos - PARAGRAPH_REACH), min(len(text), pos + PARAGRAPH_REACH)
    start = max(text.rfind("\n", lo, pos) + 1, lo)
    end = text.find("\n", pos, hi)
    return start, hi if end < 0 else end


def _sentence_span(text: str, pos: int) -> tuple[int, int]:
    lo, hi = max(0, pos - SENTENCE_REACH), min(len(text), pos + SENTENCE_REACH)
    start = max(max(text.rfind(c, lo, pos) for c in "。！!？?\n") + 1, lo)
    ends = [e for e in (text.find(c, pos, hi) for c in "。！!？?\n") if e >= 0]
    return start, min(ends) if ends else hi


def _sentence_of(text: str, pos: int) -> str:
    s, e = _sentence_span(text, pos)
    return text[s:e]


def _split_measure(measure: str) -> tuple[str, str, str] | None:
    """hazards_rectified_pct → (hazards, rectified, _pct); None for keys without a hazard stage."""
    m = re.match(r"^(major_hazards|hazards)_(found|rectified)(.*)$", measure or "")
    return (m.group(1), m.group(2), m.group(3)) if m else None


def _decimals(raw: str, value: float) -> int:
    m = re.search(r"\d+(?:\.(\d+))?\s*[%％]", raw or "")
    if m:
        return len(m.group(1) or "")
    s = repr(float(value))
    return 0 if s.endswith(".0") else len(s.split(".")[1])


def check_measures(doc: Document) -> list[Flag]:
    """Flags across metrics: rectified > found and a rate that disagrees with its counts (within a sentence),
    casualties without an accident (within a paragraph); see the module doc. Metrics without a ``measure`` are
    left out."""
    text = doc.text or ""
    out: list[Flag] = []
    sentences: dict[tuple[int, int], list[Metric]] = {}
    paragraphs: dict[tuple[int, int], list[Metric]] = {}
    for m in doc.metrics:
        if m.measure and m.span:
            sentences.setdefault(_sentence_span(text, m.span[0]), []).append(m)
            paragraphs.setdefault(_paragraph_of(text, m.span[0]), []).append(m)
    for ms in sentences.values():
        ms.sort(key=lambda m: m.span[0])
        for i, m in enumerate(ms):
            key = _split_measure(m.measure)
            if key is None or key[1] != "rectified" or m.value is None or m.masked:
                continue
            obj, _, suffix = key
            if suffix == "":
                found = _nearest(ms[:i], f"{obj}_found")
                if found is not None and m.value > found.value:
                    out.append(Flag("rectified_exceeds_found",
                                    f"metric {m.raw!r}: {m.value:g} {m.unit} rectified is more than the {found.value:g} "
                                    f"{found.unit} found ({found.raw!r})", (found.span[0], m.span[1])))
            elif suffix == "_pct":
                fixed = _nearest(ms[:i], f"{obj}_rectified")
                found = _nearest([o for o in ms[:i] if fixed is not None and o.span[0] < fixed.span[0]],
                                 f"{obj}_found")
                if found is None or fixed is None or not found.value:
                    continue  # a rate needs found, then rectified, then the rate, in one sentence
                computed = fixed.value / found.value * 100
                tol = 0.5 * 10 ** -_decimals(m.raw, m.value) + 1e-9
                if found.approx or fixed.approx or m.approx:
                    tol = max(tol, 1.0)
                if abs(computed - m.value) > tol:
                    out.append(Flag("rate_mismatch",
                                    f"metric {m.raw!r}: the stated rate {m.value:g}% is not {fixed.value:g} / "
                                    f"{found.value:g} = {computed:.2f}% ({fixed.raw!r}, {found.raw!r})",
                                    (found.span[0], m.span[1])))
    for (pstart, pend), ms in paragraphs.items():
        paragraph = text[pstart:pend]
        if any(o.measure == "accidents" for o in ms) or CAUSE.search(paragraph):
            continue
        for m in ms:
            if m.measure not in ("deaths", "injuries", "missing") or not m.value or m.masked:
                continue
            if TARGET.search(_sentence_of(text, m.span[0])):
                continue  # a ceiling (死亡人数控制在…以内), not casualties
            out.append(Flag("casualties_without_accident",
                            f"metric {m.raw!r}: {m.value:g} {m.unit} {m.measure} in a paragraph that names no "
                            f"accident or other cause", tuple(m.span)))
    return out


def _nearest(before: list[Metric], measure: str) -> Metric | None:
    """The last metric of ``measure`` with a value among ``before``."""
    for o in reversed(before):
        if o.measure == measure and o.value is not None and not o.masked:
            return o
    return None


def check_deadline_dates(doc: Document, doc_date: str | None) -> list[Flag]:
    """``deadline_before_document``: deadlines due before the document's date."""
    got = _date(doc_date)
    if not got:
        return []
    out = []
    for t in doc.tasks:
        for d in t.deadlines:
            due = d.date if d.kind == "by_date" else d.end if d.kind == "range" else None
            when = _date(due)
            if when and when < got:
                out.append(Flag("deadline_before_document",
                                f"task {t.id}: deadline {due} ({d.raw}) is before the document's date {doc_date}",
                                tuple(d.span) if d.span else tuple(t.span)))
    return out


def check(doc: Document) -> list[Flag]:
    """The flags of a document's deadlines and metrics, without those its flags already hold."""
    have = {(f.code, tuple(f.span) if f.span else None) for f in doc.flags}
    out: list[Flag] = []
    for t in doc.tasks:
        for d in t.deadlines:
            out.extend(check_deadline(d, doc.year, f"task {t.id}"))
    for m in doc.metrics:
        out.extend(check_metric(m))
    out.extend(check_measures(doc))
    out.extend(check_deadline_dates(doc, (doc.meta or {}).get("date") or document_date(doc.text)))
    fresh, seen = [], set(have)
    for f in out:
        key = (f.code, f.span)
        if key not in seen:
            seen.add(key)
            fresh.append(f)
    return fresh
