"""Consistency checks of the values extraction found: flags, never changes or drops.

Deadlines: an impossible date (``2024-02-30``, not ISO) is ``impossible_date``; a date more
than :data:`FAR_YEARS` years from the document's year is ``date_far_from_year``; a recurring deadline
with an unknown ``freq`` is ``unknown_freq``, with a count below 1 ``invalid_count``. A range whose end
precedes its start is flagged ``inverted_range`` by extraction (SPEC §5), not here.

Metrics: ``negative_value``; ``inverted_metric_range`` (``value_max`` < ``value``); ``masked_with_value``
(masked but a value) and ``missing_value`` (neither masked nor a value); ``impossible_date`` for a bad
``as_of``; ``rate_over_100`` for a ``%`` rate (率, 比例) above 100.
"""

from __future__ import annotations

import datetime as dt

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


def check(doc: Document) -> list[Flag]:
    """The flags of a document's deadlines and metrics, without those its flags already hold."""
    have = {(f.code, tuple(f.span) if f.span else None) for f in doc.flags}
    out: list[Flag] = []
    for t in doc.tasks:
        for d in t.deadlines:
            out.extend(check_deadline(d, doc.year, f"task {t.id}"))
    for m in doc.metrics:
        out.extend(check_metric(m))
    fresh, seen = [], set(have)
    for f in out:
        key = (f.code, f.span)
        if key not in seen:
            seen.add(key)
            fresh.append(f)
    return fresh
