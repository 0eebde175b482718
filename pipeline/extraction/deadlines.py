"""Deadlines (SPEC §5): the explicit time requirements in a task's text.

Our own grammar: no library reads these (jionlp takes ``5-10月份`` for May 10,
dateparser fails). Every pattern below is a named, compiled constant; each
match is interpreted by a small handler, overlapping matches are resolved
longest first, and bare dates are kept only where an analyst reads them as a
schedule. The rules:

- ``X月底前 / X月末前 / X月30日前 / X月中旬前`` → ``by_date`` on that day (a
  旬 ends on the 10th, 20th or the month's last day). ``X月前 / X月份前`` means
  *before* the month: the last day of the month before. ``三季度前`` and
  ``上半年前`` mean by the end of that period; ``2025年前`` before that year.
- ``至/到/截至 X月中旬`` (no 前) → ``by_date`` at the end of the period named.
  ``X月底``, ``年底``, ``年内``, ``今年剩余的时间``, ``上半年``, ``(第)三季度(末)``
  → ``by_date`` at the period's end; ``计划/力争/到 2025年`` → end of that year.
- ``A至B``, ``A—B``, ``5-10月份``, ``510月份`` (separator lost: two glued months,
  first < second), ``6月1至30日`` → ``range`` from A's first day to B's last;
  B inherits A's year and month (``次年/翌年`` adds one year). An inverted
  range is kept as written; :func:`is_inverted` tells the caller to flag it.
- ``X月份`` and ``X月上旬`` → ``range`` over the month / the 旬.
- A bare ``X月`` or ``X月X日`` (no 前/至/份/底) is a deadline (a ``range``;
  start = end for a day) in :func:`parse_deadline` (a table cell), but in
  :func:`find_deadlines` only where it is cued: it opens the text or a
  sentence and is followed by a comma (``6月13日,举办…``), it follows
  ``今年/本年/于``, it is coordinated with the deadline before it (``今年5月和8月``),
  or it is followed by ``完成`` (→ ``by_date`` at its end) or by
  ``召开/举办/举行/启动``. A masked bare date (``x月xx日,依法拆除``) is cued only
  by those verbs. Anything followed by ``起/以来/开始/以后/后`` is a start, not a
  deadline.
- ``每季度/每月/每半年/每年/每周/每日(每天)`` → ``recurring``; a following
  ``至少/不少于 … N<measure word>`` or ``… N次`` in the same clause gives
  ``min_count`` (``raw`` then runs from 每 to the count); ``每月26日前`` keeps its
  day in ``raw``.
- Masked parts (``x``, ``xx``, ``XX``, ``*``) give ``masked`` true and null dates.
- Without a year (``year`` None) a deadline that does not name its own year
  keeps kind and raw with null dates. ``今年`` resolves to ``year``; so does
  ``明年``, because the caller already passes the next year for a report's
  明年 part.
- Not deadlines: manners and occasions (常态化, 持续, 定期, 节前, 汛前, 会后, 尽快,
  岁末年初, 重点时段, 节日期间, 每逢节假日, ``年前`` = before Spring Festival,
  ``本月底前`` = no month named), starts (``2025年起``), years alone, coined
  names (三年行动, 十四五), list and document numbers, durations (``3个月``,
  ``三年内``) and quantities.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, replace
from datetime import date, timedelta

from ..model import Deadline

__all__ = ["find_deadlines", "parse_deadline", "is_inverted"]

# -- building blocks ---------------------------------------------------------
MASK = r"[xX×＊*ｘＸ]{1,4}"
_Y = rf"\d{{4}}|{MASK}"
_M = rf"1[0-2]|0?[1-9]|十[一二]?|[一二三四五六七八九]|{MASK}"
_D = rf"3[01]|[12]\d|0?[1-9]|三十一?|二十[一二三四五六七八九]?|十[一二三四五六七八九]?|[一二三四五六七八九]|{MASK}"
_NUMC = r"\d+|[一二两三四五六七八九十]{1,3}"
_BEFORE = r"之前|以前|前(?![后期夕往来二三两几四五六七八九十\d个])"
_SEP = r"(?:起|开始)?(?:至|到)|[—–\-~～－―〜]+|一(?=\d)"
_NOT_AFTER_NUM = r"(?<![\d一二三四五六七八九十两几〇零每第])"
_THIS_YEAR = r"今年|本年|当年|明年"



SINGLE_RE = re.compile(  # (至)? (year)? month (day | 旬 | 底 | 份)? (前)?
    rf"{_NOT_AFTER_NUM}(?P<pre>截至|截止到?|至|到|于)?(?:(?P<y>{_Y})年|(?P<ty>{_THIS_YEAR}))?(?P<m>{_M})月"
    rf"(?:(?P<d>{_D})[日号]|(?P<dek>[上中下])旬|(?P<eom>底|末)|(?P<fen>份))?(?P<before>{_BEFORE})?")
RANGE_RE = re.compile(
    rf"{_NOT_AFTER_NUM}(?:(?P<ay>{_Y})年|(?P<aty>{_THIS_YEAR}))?(?P<am>{_M})月"
    rf"(?:(?P<ad>{_D})[日号]?|(?P<adek>[上中下])旬|份)?(?:{_SEP})"
    rf"(?:(?P<byend>年底|年末)|(?:(?P<by>{_Y})年|(?P<bty>次年|翌年|第二年|明年))?(?:(?P<bm>{_M})月)?"
    rf"(?:(?P<bd>{_D})[日号]|(?P<bdek>[上中下])旬|(?P<beom>底|末)|(?P<bfen>份))?)(?:{_BEFORE})?")
MONTHS_RE = re.compile(  # 5—10月份, 5-10月: the first month written without 月
    rf"{_NOT_AFTER_NUM}(?:(?P<ay>{_Y})年|(?P<aty>{_THIS_YEAR}))?(?P<am>{_M})(?:{_SEP})(?P<bm>{_M})月(?P<fen>份)?")
GLUED_RE = re.compile(r"(?<![\d.])(?P<g>\d{3,4})月(?P<fen>份)?")  # 510月份: a lost separator
YEAR_RE = re.compile(
    rf"(?<![上去前往近每岁\d一二三四五六七八九十两几数多个半周])(?P<pre>(?:计划|力争|争取|确保)?(?:截至|截止到?|至|到|于)?)"
    rf"(?:(?P<y>{_Y})|(?P<ty>今|本|当|明))?年(?P<part>底|末|度?内)?(?P<before>{_BEFORE})?")
QUARTER_RE = re.compile(
    rf"(?<![每本上下前后近\d])(?:(?P<y>{_Y})年|(?P<ty>{_THIS_YEAR}))?第?(?P<q>[一二三四1-4])季度(?:末|底)?"
    rf"(?:{_BEFORE})?(?!以来|度)")
HALF_RE = re.compile(  # 上半年, 2011上半年
    rf"(?<![每本前近对把将\d])(?:(?P<y>\d{{4}}|{MASK}(?=年))年?|(?P<ty>{_THIS_YEAR}))?(?P<h>[上下])半年(?:末|底)?"
    rf"(?:{_BEFORE})?(?!以来|来|[^,，;；。、\n]{{0,6}}的)")  # not 对上半年排查出的隐患: a period named, not a deadline
REMAIN_RE = re.compile(r"今年(?:剩余|剩下|余下)的?(?:时间|时日|日子|几个月)")
_STOP = r",，;；。:：!！?？、\n()（）"
REC_RE = re.compile(
    r"每(?!逢)(?:个|一)?(?P<f>季度|季|半年|年度?|月|周|星期|礼拜|日|天)"
    rf"(?:(?:(?:{_M})月)?(?:(?:{_D})[日号]|[上中下]旬|底|末)|年(?:底|末))?(?:{_BEFORE})?"
    rf"(?:[^{_STOP}]{{0,15}}?(?:至少|不少于|不低于|最少|最低)[^{_STOP}\d一二两三四五六七八九十]{{0,12}}?"
    rf"(?P<ca>{_NUMC})(?:次|个|场|期|轮|批|项|份|篇|件|起|回|遍)"
    rf"|[^{_STOP}\d一二两三四五六七八九十]{{0,12}}?(?P<cb>{_NUMC})次(?!性))?")
START_AFTER = re.compile(r"以来|起(?!草)|开始|至今|以后|之后|后(?!续)")
CUE_VERB = re.compile(r"完成|召开|举办|举行|启动")
OPENING = re.compile(r"(?:^|[。;；!！?？\n])\s*[于在]?$")
PAST = re.compile(r"了|已经|已于|共计|累计|先后|发生")  # a dated event, not a schedule
COORD = re.compile(r"和|、|及|与|或|以及")
FULLWIDTH = str.maketrans("０１２３４５６７８９", "0123456789")

_FREQ = {"季度": "quarter", "季": "quarter", "半年": "half_year", "年": "year", "年度": "year", "月": "month",
         "周": "week", "星期": "week", "礼拜": "week", "日": "day", "天": "day"}
_CN = {"〇": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_TO = ("至", "到")
_ASOF = ("截至", "截止", "截止到")  # 截至5月底 is a reporting date (a metric's as_of), not a deadline


# -- helpers -----------------------------------------------------------------
def _masked(*parts: str | None) -> bool:
    return any(p and p[0] in "xX×＊*ｘＸ" for p in parts)


def _num(s: str) -> int:
    if s.isdigit():
        return int(s)
    if "十" in s:
        a, _, b = s.partition("十")
        return (_CN[a] if a else 1) * 10 + (_CN[b] if b else 0)
    return _CN[s]


def _year(y: str | None, year: int | None) -> int | None:
    return int(y) if y and not _masked(y) else year


def _period(y: int | None, m: int, d: int | None = None, dek: str | None = None) -> tuple[date, date] | None:
    """The first and last day of a month, 旬 or day; None when the year is unknown. Raises on a bad date."""
    last = calendar.monthrange(y or 2000, m)[1]  # 2000 is leap: 2月29日 is valid until a year says no
    if d is not None and not 1 <= d <= last:
        raise ValueError(f"no day {m}/{d}")
    if y is None:
        return None
    if d is not None:
        return date(y, m, d), date(y, m, d)
    if dek:
        lo, hi = {"上": (1, 10), "中": (11, 20), "下": (21, last)}[dek]
        return date(y, m, lo), date(y, m, hi)
    return date(y, m, 1), date(y, m, last)


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None


def _by(d: date | None, masked: bool = False) -> Deadline:
    return Deadline(kind="by_date", date=None if masked else _iso(d), masked=masked)


def is_inverted(d: Deadline) -> bool:
    """A range whose end precedes its start (kept as written; the caller flags ``inverted_range``)."""
    return d.kind == "range" and bool(d.start and d.end) and d.end < d.start


@dataclass
class _Cand:
    start: int
    end: int
    deadline: Deadline
    bare: bool = False  # a bare month or day: kept only where cued
    masked: bool = False


# -- handlers: (match, year, text) -> _Cand | None -----------------------------
def _single(m: re.Match, year: int | None, text: str) -> _Cand | None:
    g = m.groupdict()
    masked = _masked(g["y"], g["m"], g["d"])
    before, pre = g["before"], g["pre"]
    if not before and (START_AFTER.match(text, m.end()) or pre in _ASOF):
        return None
    start = m.end("pre") if pre == "于" else m.start()
    if text[:start].endswith(("已", "已于", "已在", "已经")):  # 已于x月x日前全部整改到位: done, not due
        return None
    p = None if masked else _period(_year(g["y"], year), _num(g["m"]), g["d"] and _num(g["d"]), g["dek"])
    lo, hi = p or (None, None)
    if before:
        point = hi if (g["d"] or g["dek"] or g["eom"]) else (lo and lo - timedelta(days=1))
        return _Cand(start, m.end(), _by(point, masked))
    if pre in _TO or g["eom"]:
        return _Cand(start, m.end(), _by(hi, masked))
    if g["fen"] or g["dek"]:
        return _Cand(start, m.end(), Deadline("range", start=_iso(lo), end=_iso(hi), masked=masked))
    if text.startswith("完成", m.end()):
        return _Cand(start, m.end(), _by(hi, masked), bare=not (g["ty"] or pre), masked=masked)
    return _Cand(start, m.end(), Deadline("range", start=_iso(lo), end=_iso(hi), masked=masked),
                 bare=not (g["ty"] or pre), masked=masked)


def _range(m: re.Match, year: int | None, text: str) -> _Cand | None:
    g = m.groupdict()
    if not (g["bm"] or g["bd"] or g["byend"]):
        return None
    masked = _masked(g["ay"], g["am"], g["ad"], g["by"], g["bm"], g["bd"])
    ay = _year(g["ay"], year)
    by = int(g["by"]) if g["by"] and not masked else (ay + 1 if ay and g["bty"] in ("次年", "翌年", "第二年") else ay)
    am = _num(g["am"]) if not masked else 1
    bm = _num(g["bm"]) if g["bm"] and not masked else (12 if g["byend"] else am)
    a = _period(ay, am, g["ad"] and not masked and _num(g["ad"]) or None, g["adek"])
    b = _period(by, bm, g["bd"] and not masked and _num(g["bd"]) or None, g["bdek"])
    return _Cand(m.start(), m.end(), Deadline("range", start=None if masked or not a else _iso(a[0]),
                                              end=None if masked or not b else _iso(b[1]), masked=masked))


def _months(m: re.Match, year: int | None, text: str) -> _Cand | None:
    if _masked(m["ay"], m["am"], m["bm"]):
        return _Cand(m.start(), m.end(), Deadline("range", masked=True))
    y = _year(m["ay"], year)
    a, b = _period(y, _num(m["am"])), _period(y, _num(m["bm"]))
    return _Cand(m.start(), m.end(), Deadline("range", start=_iso(a and a[0]), end=_iso(b and b[1])))


def _glued(m: re.Match, year: int | None, text: str) -> _Cand | None:
    g = m["g"]
    splits = [(int(g[:i]), int(g[i:])) for i in range(1, len(g)) if g[i] != "0"]
    ok = [(a, b) for a, b in splits if 1 <= a < b <= 12]
    if int(g) <= 12 or len(ok) != 1:
        return None
    a, b = _period(year, ok[0][0]), _period(year, ok[0][1])
    return _Cand(m.start(), m.end(), Deadline("range", start=_iso(a and a[0]), end=_iso(b and b[1])))


def _year_level(m: re.Match, year: int | None, text: str) -> _Cand | None:
    y, pre, part, before = m["y"], m["pre"], m["part"], m["before"]
    masked = _masked(y)
    yr = _year(y, year)
    if pre.endswith(_ASOF) and not before:
        return None
    if part:  # 年底, 年末, 年内, 2025年底前
        return _Cand(m.start(), m.end(), _by(yr and date(yr, 12, 31), masked))
    if not y:  # 年前 (Spring Festival), 今年 alone
        return None
    if before:  # 2025年前: before that year
        return _Cand(m.start(), m.end(), _by(date(yr - 1, 12, 31) if yr and not masked else None, masked))
    nxt = text[m.end():m.end() + 2]
    if not pre or re.match(r"[起度初月\d季上下第xX]|以来|开始", nxt):
        return None
    return _Cand(m.start(), m.end(), _by(yr and date(yr, 12, 31), masked))


def _quarter(m: re.Match, year: int | None, text: str) -> _Cand | None:
    masked, yr, q = _masked(m["y"]), _year(m["y"], year), _num(m["q"])
    end = yr and date(yr, q * 3, calendar.monthrange(yr, q * 3)[1])
    return _Cand(m.start(), m.end(), _by(end, masked))


def _half(m: re.Match, year: int | None, text: str) -> _Cand | None:
    masked, yr = _masked(m["y"]), _year(m["y"], year)
    first = m["h"] == "上"
    return _Cand(m.start(), m.end(), _by(yr and date(yr, 6 if first else 12, 30 if first else 31), masked))


def _remain(m: re.Match, year: int | None, text: str) -> _Cand | None:
    return _Cand(m.start(), m.end(), _by(year and date(year, 12, 31)))


def _recurring(m: re.Match, year: int | None, text: str) -> _Cand | None:
    cnt = m["ca"] or m["cb"]
    return _Cand(m.start(), m.end(), Deadline("recurring", freq=_FREQ[m["f"]], min_count=_num(cnt) if cnt else None))


PATTERNS = ((RANGE_RE, _range), (MONTHS_RE, _months), (GLUED_RE, _glued), (SINGLE_RE, _single),
            (YEAR_RE, _year_level), (QUARTER_RE, _quarter), (HALF_RE, _half), (REMAIN_RE, _remain),
            (REC_RE, _recurring))


def _scan(text: str, year: int | None, cell: bool) -> list[_Cand]:
    norm = text.translate(FULLWIDTH)
    cands = []
    for rx, handler in PATTERNS:
        for m in rx.finditer(norm):
            try:
                c = handler(m, year, norm)
            except (ValueError, KeyError):  # 2月30日, month 13: not a date
                c = None
            if c and c.end > c.start:
                cands.append(c)
    chosen: list[_Cand] = []
    for c in sorted(cands, key=lambda c: (c.start - c.end, c.start)):  # longest first
        if all(c.end <= o.start or c.start >= o.end for o in chosen):
            chosen.append(c)
    chosen.sort(key=lambda c: c.start)
    out: list[_Cand] = []
    for c in chosen:
        if c.bare and not cell and not _cued(norm, c, out[-1] if out else None):
            continue
        out.append(c)
    return out


def _cued(text: str, c: _Cand, prev: _Cand | None) -> bool:
    if CUE_VERB.match(text, c.end):
        return True
    if prev is not None and COORD.fullmatch(text[prev.end:c.start]):
        return True
    if c.masked or not OPENING.search(text[:c.start]) or text[c.end:c.end + 1] not in ",，、:： ":
        return False
    return not PAST.search(re.split(r"[。;；!！?？\n]", text[c.end:], maxsplit=1)[0])


# -- the API -------------------------------------------------------------------
def find_deadlines(text: str, year: int | None, offset: int = 0) -> list[Deadline]:
    """Every explicit time requirement in ``text`` (a task's text), in order.

    Dates resolve against ``year``; ``span`` is ``(offset + start, offset + end)``
    and ``raw`` the matched text.
    """
    return [replace(c.deadline, raw=text[c.start:c.end], span=(offset + c.start, offset + c.end))
            for c in _scan(text, year, cell=False)]


def parse_deadline(raw: str, year: int | None) -> Deadline | None:
    """The deadline of one phrase (a table cell: ``1月份``, ``2月10日前``, ``6月13日``), or None."""
    found = _scan(raw, year, cell=True)
    if not found:
        return None
    c = found[0]
    return replace(c.deadline, raw=raw[c.start:c.end], span=(c.start, c.end))
