"""Metrics (SPEC §6): a number with its measure word, currency or %, what it counts, and its category.

The search runs on characters (jieba cuts ``一万六千余``): :data:`QUANTITY` finds an Arabic (9542,
3.4, 1,234), Chinese (一万六千, 十三) or masked (xx, *, X) number, an optional range (500-5000), the
multipliers 万/亿 and the approximate words (余, 多, 以上), then a measure word of
``pipeline/data/metric_measure_words.tsv``. Each candidate then passes the exclusions of SPEC §6, one
named function each (:data:`EXCLUSIONS`): ordinals, dates and times, coined names and slogans (a
phrase printed in quotes somewhere in the document, 三年行动, 六项制度), a count that only totals the
closed list beside it (七项工作制度 after the seven), the count of a recurring requirement (每季度
至少1次), a campaign's length (为期2个月), weather readings, a capacity in a project name, an
article-like 一 (开展一次督查), discourse counts (三个方面) and text flagged as garbled.

The subject comes from the words of the clause around the number: the words before it when the
number closes the phrase (排查整治隐患9542处), the verb before and the noun after when the number
sits between them (召开2次区级部门联席会议 → 召开区级部门联席会议), ``VERB的NOUN`` when the number
leads the phrase (对3家企业作出行政罚款 → 作出行政罚款的企业). A sibling in a list borrows the verb
or the noun of the metric before it (查出事故隐患2365条、火灾隐患683条 → 查出火灾隐患). Word lists
live in ``pipeline/data/metric_words.tsv``; the category comes from :mod:`.category`.
"""

from __future__ import annotations

import calendar
import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterator
from dataclasses import dataclass, replace
from functools import lru_cache
from importlib import resources
from itertools import repeat

from ..learn import chosen, info
from ..learn import subject as _learned_subject
from ..model import Document, Metric
from .category import classify_many, context_of, has_cue, heading_paths, neighbours
from .metric_tables import table_cells

# -- data -------------------------------------------------------------------------------------------


def _rows(name: str) -> list[list[str]]:
    text = (resources.files("pipeline") / "data" / name).read_text("utf-8")
    return [line.split("\t") for line in text.splitlines() if line.strip() and not line.startswith("#")]


@dataclass(frozen=True)
class MeasureWord:
    word: str
    kind: str  # count | money | percent | area | length | weight | volume | time | score
    unit: str
    not_before: str


def _load_measure_words() -> dict[str, MeasureWord]:
    out = {}
    for row in _rows("metric_measure_words.tsv"):
        row += [""] * (4 - len(row))
        word, kind, unit, not_before = (c.strip() for c in row[:4])
        out[word] = MeasureWord(word, kind, unit or word, not_before)
    return out


def _load_words() -> dict[str, tuple[str, ...]]:
    out: dict[str, tuple[str, ...]] = {}
    for row in _rows("metric_words.tsv"):
        words = tuple(w.strip() for w in row[1].split("、") if w.strip())
        out[row[0].strip()] = tuple(sorted(set(words), key=lambda w: -len(w)))
    return out


# things whose turns are counted with 次 (SPEC §6: 人次, 车次, 辆次, 队次 …): a count word or a vehicle,
# a team or a trip, followed by 次, is a measure word of its own
COUNT_NOUNS_WITH_CI = "人家户条场批台辆处项起件份车队船艘架航班栋座"


def _with_ci(words: dict[str, MeasureWord]) -> dict[str, MeasureWord]:
    out = dict(words)
    for ch in COUNT_NOUNS_WITH_CI:
        out.setdefault(ch + "次", MeasureWord(ch + "次", "count", ch + "次", ""))
    return out


MEASURE_WORDS = _with_ci(_load_measure_words())
WORDS = _load_words()
PHYSICAL_KINDS = frozenset({"area", "length", "weight", "volume"})
ACTION_UNITS = frozenset({w for w in MEASURE_WORDS if w.endswith("次")} | {"轮"})


def _alternation(words) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=lambda w: -len(w)))


# -- patterns ---------------------------------------------------------------------------------------

NUM_ARABIC = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
NUM_CHINESE = r"[一二两三四五六七八九十][零〇一二两三四五六七八九十百千万亿]*|(?<=[近逾])[百千万]"
NUM_MASKED = r"(?<![A-Za-z])[xX]+(?:\.[xX]+)?(?![A-Za-z])|\*+|[?？�□]\d+"
_NUM = rf"(?:{NUM_ARABIC})|(?:{NUM_CHINESE})|(?:{NUM_MASKED})"
def _not_before(spec: str) -> str:
    """NOT_BEFORE of the data file: characters, or a regex fragment when it holds a group (目(?!标))."""
    if not spec:
        return ""
    return f"(?!{spec})" if "(" in spec else f"(?![{re.escape(spec)}])"


# the first numeral of a quantity: a Chinese numeral does not start right after a character that could have
# started it (一 of 一一一…): that earlier start matches whenever the later one would (the same digits follow it),
# so the leftmost match is unchanged, and a run of numerals is tried once instead of from each of its characters
# (quadratic: 10 kB of 一 took 4.6 s)
_NUM_FIRST = (rf"(?:{NUM_ARABIC})|(?<!(?<![\d.A-Za-z])(?<!\d,)[一二两三四五六七八九十])(?:{NUM_CHINESE})|"
              rf"(?:{NUM_MASKED})")
_UNIT = "|".join(re.escape(mw.word) + _not_before(mw.not_before)
                 for mw in sorted(MEASURE_WORDS.values(), key=lambda m: -len(m.word)))
QUANTITY = re.compile(
    rf"(?<![\d.A-Za-z])(?<!\d,)(?P<num>{_NUM_FIRST})"
    rf"(?:[ \t]*(?P<sep>[-—–~～至到])[ \t]*(?P<num2>{_NUM}))?"
    r"(?:[ \t]*\n[ \t]*)?"  # a PDF copy breaks the line between a number and its measure word
    r"(?P<ap1>余|多)?(?P<mult>千万|万|亿)?(?P<ap2>余|多)?[ \t]*(?:\n[ \t]*)?"
    rf"(?P<unit>{_UNIT})"
    r"(?P<ap3>以上|左右|以内|以下|余)?"
)
# every character a QUANTITY match can start with: the first characters of NUM_ARABIC (any Unicode digit, as \d),
# NUM_CHINESE (一 … 十, and 百千万 after 近/逾) and NUM_MASKED (x, *, ?, �, □)
_QUANTITY_START = re.compile(r"[\d一二两三四五六七八九十百千万xX*?？�□]")


def quantities(text: str, pos: int = 0, endpos: int | None = None) -> Iterator[re.Match]:
    """``QUANTITY.finditer(text, pos, endpos)``: the same matches, tried only where one can start (a digit, a
    numeral, a mask character) instead of at every position, where the pattern's lookbehinds ran first (about
    4x less time)."""
    find, match = _QUANTITY_START.search, QUANTITY.match
    if endpos is None:
        endpos = len(text)
    while (s := find(text, pos, endpos)) is not None:
        m = match(text, s.start(), endpos)  # the lookbehinds see the text before the start
        if m is None:
            pos = s.start() + 1
        else:
            yield m
            pos = m.end()


TIME_BEFORE = re.compile(r"\d[:：]$")
_CI_AFTER_BREAK = re.compile(r"[ \t]*\n[ \t]*次(?![日年月要数生序级])")  # the 次 of 人次, 辆次 … after a line break
MODALS = frozenset({"要", "需", "须", "需要", "必须", "应", "应当", "应该", "将", "会", "能", "可", "可以", "坚持", "负责"})
BENCHMARK_BEFORE = re.compile(r"(?:高于|低于|快于|慢于|超过|超出)(?:全?[省市县区国][、和]?)+$")
COMPARED = re.compile(r"比|较|同比|环比|常年")
SESSION_AFTER = re.compile(r"^(?:全会|全体会议|会议精神)")
RATE_AFTER = re.compile(r"^[\u4e00-\u9fff]{0,4}率")
ORDINAL_BEFORE = re.compile(r"第[ \t]*$")
ORDINAL_LIST_BEFORE = re.compile(r"第[ \t]*\d+(?:[ \t]*[、,，和及与][ \t]*\d+)*[ \t]*[、,，和及与][ \t]*$")
PRINT_RUN_BEFORE = re.compile(r"(?:共印|印数[:：]?)[ \t]*$")
APPROX_BEFORE = re.compile(rf"(?:{_alternation(WORDS['approx_before'])})[ \t]*$")
DURATION_BEFORE = re.compile(rf"(?:{_alternation(WORDS['duration'])})[ \t]*$")
DURATION_AFTER = re.compile(r"^(?:月|小时|工作日|星期|季度|年头|周|礼拜)")
DAYS_AFTER = re.compile(r"^(?:内|以内|后|前|之内|以后|时间|的时间)")
RECURRING = re.compile(r"每(?:个)?(?:日|天|周|星期|旬|月|季度|季|半年|年|年度|两年|两个月|周末|次)")
RECURRING_MIN = re.compile(_alternation(WORDS["recurring_min"]))
WEATHER = re.compile(_alternation(WORDS["weather"]))
PROJECT_NAME_AFTER = re.compile(rf"^[^\s,，;；。:：、()（）]{{0,14}}(?:{_alternation(WORDS['project_head'])})")
PHASE_AFTER = re.compile(r"^(?:工程|建设|项目|平台|工作|改造)")
COINED_AFTER = re.compile(rf"^[\u4e00-\u9fff]{{0,2}}(?:{_alternation(WORDS['coined_head'])})")
NOT_COUNTED_AFTER = re.compile(rf"^(?:的)?(?:{_alternation(WORDS['not_counted'])})")
QUOTED = re.compile(r"[“\"「『‘]([^“”\"「」『』‘’\n]{1,14})[”\"」』’]")
UNIT_PARENTHETICAL = re.compile(r"[\s]*(?:责任单位|牵头单位|配合单位|责任部门|牵头部门|配合部门|协办单位|主办单位)[:：]")
COLLECTION_BEFORE = re.compile(rf"(?:{_alternation(WORDS['collection'])})$")
TITLE = re.compile(r"《[^《》\n]{0,80}》")
AS_OF = re.compile(r"(?:截至|截止|截止到|截至到|到)[ \t]*(?:(?P<y>\d{4}|[xX]{4})年)?(?P<m>\d{1,2})月"
                   r"(?:(?P<d>\d{1,2})[日号]|(?P<end>底|末|份))?")
MONTHS_SO_FAR = re.compile(r"(?<![\d年])1[-—–~～至到](?P<m>\d{1,2})月(?:份)?(?![\d日])")
SENTENCE_STOP = "。!?！？\n|"
CLAUSE_STOP = SENTENCE_STOP + ",，;；:："
LIST_SEP = re.compile(r"^(?:、|以及|和|及|与|并|,|，|;|；)+")
LIST_ITEMS = re.compile(r"[、和及与]")
_STRIP_HEAD = re.compile(rf"^(?:{_alternation(WORDS['strip_head'])}|全[县区市省镇乡国州]|各[县区市镇乡]|"
                         r"(?:\d{4}|[xX]{4})年(?:度|初|底|内|以来)?|我[办局队委区县市镇处所]|本[办局队委]|"
                         r"\d{1,2}[-—–~～至到]\d{1,2}月(?:份)?|"
                         r"[于在]?(?:\d{1,2}月(?:份)?)?(?:\d{1,2}[日号])?(?:[、和及至到—-]\d{1,2}月(?:\d{1,2}[日号])?)*"
                         r"(?:以来|中旬|上旬|下旬|底|前|后|期间)?(?<=[月日号来旬底前后间])|"
                         r"[,，、\s])")
_STRIP_TAIL = re.compile(rf"(?:{_alternation(WORDS['strip_tail'] + WORDS['approx_before'])}|全[县区市省镇乡]|"
                         r"[,，、\s])$")
_PREPOSITION = re.compile(rf"^(?:{_alternation(WORDS['preposition'])})")
_PREPOSITION_END = re.compile(rf"(?:{_alternation(WORDS['preposition'])})$")
_VERB_ONLY = frozenset(WORDS["verb_only"])
_SCOPE_ADVERBS = frozenset(WORDS["scope_adverb"])
_VAGUE_BEFORE = frozenset(WORDS["vague_before"])
_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}
_MULT = {"万": 10_000, "亿": 100_000_000, "千万": 10_000_000}


# -- numbers ----------------------------------------------------------------------------------------

def chinese_number(s: str) -> int | None:
    """The value of a Chinese numeral (一万六千 → 16000, 十三 → 13), None when it is not one.

    >>> chinese_number("一万六千"), chinese_number("十三"), chinese_number("两千")
    (16000, 13, 2000)
    """
    total, section, digit = 0, 0, None
    for ch in s:
        if ch in _CN_DIGITS:
            if digit is not None and digit != 0:
                return None  # 三五 is vague, not a number
            digit = _CN_DIGITS[ch]
        elif ch in _CN_UNITS:
            section += (1 if digit is None else digit) * _CN_UNITS[ch]
            digit = None
        elif ch in ("万", "亿"):
            section += digit or 0
            total = (total + section) * _MULT[ch]
            section, digit = 0, None
        else:
            return None
    return total + section + (digit or 0)


def _number(s: str) -> tuple[float | int | None, bool, str]:
    """(value, masked, kind) of one number as written."""
    if re.fullmatch(NUM_ARABIC, s):
        v = float(s.replace(",", ""))
        return (int(v) if v.is_integer() and "." not in s else v), False, "arabic"
    if re.fullmatch(r"[零〇一二两三四五六七八九十百千万亿]+", s):
        return chinese_number(s), False, "chinese"
    return None, True, "masked"


def _scale(v, mult: int):
    if v is None:
        return None
    out = v * mult
    if isinstance(out, float):
        out = round(out, 6)
        if out.is_integer() and mult > 1:
            out = int(out)
    return out


# -- candidates -------------------------------------------------------------------------------------

@dataclass
class _Hit:
    start: int  # the number
    end: int  # after the measure word and its approximate word
    num_end: int
    unit_start: int
    unit_end: int
    value: float | int | None
    value_max: float | int | None
    unit: str
    kind: str
    approx: bool
    masked: bool
    numeral: str  # arabic | chinese | masked
    subject: str = ""
    table: bool = False  # a bare number in a count table's column (:mod:`.metric_tables`)
    verb: str = ""
    noun: str = ""
    raw_span: tuple[int, int] = (0, 0)


def _candidates(text: str) -> list[_Hit]:
    out = []
    for m in quantities(text):
        if m.group("unit") == "各" and "\n" in m.group():
            continue  # 1\n各县区人民政府: a list number, and the next line starts with 各
        if any(n and len(n) > 1 and n[0] == "0" and n[1].isdigit() for n in (m.group("num"), m.group("num2"))):
            continue  # 202308-00098: a serial number, not a range
        mw = MEASURE_WORDS[_unit_word(m.group("unit"))]
        value, masked, numeral = _number(m.group("num"))
        if numeral == "masked" and re.match(r"[?？�□]", m.group("num")):
            value = None  # a damaged number: digits were lost
        value_max = None
        if m.group("num2"):
            v2, m2, _ = _number(m.group("num2"))
            value_max, masked = v2, masked or m2
        if numeral == "chinese" and value is None:
            continue
        mult = 1
        if m.group("mult"):
            if numeral == "chinese":
                continue  # 十万 is already folded into the numeral
            mult = _MULT[m.group("mult")]
        if mw.word in ("万元", "亿元"):
            mult *= _MULT[mw.word[0]]
        approx = bool(m.group("ap1") or m.group("ap2") or m.group("ap3"))
        approx = approx or bool(APPROX_BEFORE.search(text[max(0, m.start() - 4):m.start()]))
        unit_end, end = m.end("unit"), m.end()
        ci = _CI_AFTER_BREAK.match(text, unit_end) if end == unit_end and mw.word + "次" in MEASURE_WORDS else None
        if ci:  # 出动人员800人\n次: a PDF copy broke the line inside the measure word 人次
            mw = MEASURE_WORDS[mw.word + "次"]
            unit_end = end = ci.end()
        out.append(_Hit(
            start=m.start(), end=end, num_end=m.end("num"), unit_start=m.start("unit"), unit_end=unit_end,
            value=None if masked else _scale(value, mult), value_max=None if masked else _scale(value_max, mult),
            unit=mw.unit, kind=mw.kind, approx=approx, masked=masked, numeral=numeral,
        ))
    return _ranges(text, out)


RANGE_LINK = re.compile(r"[ \t]*[至到—–~～-][ \t]*")


def _ranges(text: str, hits: list[_Hit]) -> list[_Hit]:
    """A range whose measure word is written twice (500元至2000元) is one metric: value 500, value_max 2000.

    Not a band of scores (75分至89分为良好): the grade rules judge each bound."""
    out: list[_Hit] = []
    for h in hits:
        prev = out[-1] if out else None
        if (prev is not None and prev.value_max is None and not prev.masked and not h.masked and h.kind != "score"
                and prev.unit == h.unit and prev.value is not None and h.value is not None and h.value > prev.value
                and RANGE_LINK.fullmatch(text, prev.end, h.start)):
            out[-1] = replace(prev, end=h.end, unit_start=h.unit_start, unit_end=h.unit_end, value_max=h.value,
                              approx=prev.approx or h.approx)
            continue
        out.append(h)
    return out


def _unit_word(written: str) -> str:
    return written if written in MEASURE_WORDS else written.strip()


# -- exclusions (SPEC §6: not metrics) ----------------------------------------------------------------

class _Spans:
    """Spans ``(start, end)`` looked up in logarithmic time: a scan of every span per candidate made time
    quadratic on a text with a flag or a title per line (benchmarks/bench_adversarial.py, family ``garbled``)."""

    __slots__ = ("starts", "reach")

    def __init__(self, spans):
        spans = sorted(spans)
        self.starts = [s for s, _ in spans]
        self.reach = []  # reach[i]: the furthest end of spans[0..i]
        far = -1
        for _, e in spans:
            far = max(far, e)
            self.reach.append(far)

    def overlaps(self, start: int, end: int) -> bool:
        """Whether a span overlaps ``[start, end)``."""
        k = bisect_left(self.starts, end)
        return k > 0 and self.reach[k - 1] > start

    def holds(self, pos: int) -> bool:
        """Whether a span holds ``pos`` (``start <= pos < end``)."""
        k = bisect_right(self.starts, pos)
        return k > 0 and self.reach[k - 1] > pos


@dataclass(frozen=True)
class _Ctx:
    text: str
    quoted: frozenset[str]
    titles: _Spans
    garbled: _Spans


def _clause_before(text: str, pos: int, limit: int = 40) -> str:
    return text[_run_start(text, pos, limit, CLAUSE_STOP):pos]


def _run_start(text: str, pos: int, limit: int, stops: str) -> int:
    """Where the run of characters not in ``stops`` that ends at ``pos`` starts, at most ``limit`` back: what
    ``i = pos; while i > 0 and pos - i < limit and text[i - 1] not in stops: i -= 1`` gives, by one ``rfind``
    per stop character (in C) instead of a step per character (tests/test_speed_paths.py)."""
    lo = min(pos, max(0, pos - limit))
    return max(lo, max(map(text.rfind, stops, repeat(lo), repeat(pos))) + 1)


def _run_end(text: str, pos: int, limit: int, stops: str) -> int:
    """Where the run of characters not in ``stops`` that starts at ``pos`` ends, at most ``limit`` on:
    ``j = pos; while j < len(text) and j - pos < limit and text[j] not in stops: j += 1``."""
    hi = max(pos, min(len(text), pos + limit))
    return min((k for k in map(text.find, stops, repeat(pos), repeat(hi)) if k >= 0), default=hi)


def _sentence_before(text: str, pos: int, limit: int = 80) -> str:
    return text[_run_start(text, pos, limit, SENTENCE_STOP):pos]


def _after(text: str, pos: int, limit: int = 20) -> str:
    j = pos
    while j < len(text) and j - pos < limit and text[j] not in CLAUSE_STOP:
        j += 1
    return text[pos:j]


def not_ordinal(h: _Hit, c: _Ctx) -> str | None:
    before = c.text[max(0, h.start - 3):h.start]
    if ORDINAL_BEFORE.search(before):
        return "ordinal"
    if ORDINAL_LIST_BEFORE.search(c.text, max(0, h.start - 24), h.start):
        return "ordinal"  # 第1、2、3项问题: every number of a list opened by 第 is an ordinal
    if PRINT_RUN_BEFORE.search(c.text, max(0, h.start - 4), h.start):
        return "print run"  # (共印40份) at the foot of a bulletin or minutes: page furniture
    if TIME_BEFORE.search(before):
        return "clock time"
    if h.numeral == "chinese" and h.unit == "次" and (
            "届" in _clause_before(c.text, h.start, 10) or SESSION_AFTER.match(c.text[h.end:h.end + 4])):
        return "a session's ordinal (十二届人大四次会议, 二次、三次全会)"
    return None


# A score rule (SPEC §8: "score points and weights set how scores are allocated", unlike an achieved score):
# points given or taken (扣2分, 每项加2分, 加分最高不超过5分), a part's points in brackets ((30分), (总分100分)),
# and every number of a sentence that takes or gives points (每少1次扣2分, 整改率每低1个百分点扣1分).
SCORE_ALLOCATION_BEFORE = re.compile(r"(?:扣|加|减|扣除|另加|记|计|赋|满分|总分|分值|最高|最多|最低|不超过|不得超过)[ \t]*$")
SCORE_RULE = re.compile(r"(?:扣|加|减|扣除)[ \t]*(?:\d+(?:\.\d+)?|[一二两三四五六七八九十]+|[xX]+)[ \t]*分(?![钟局类级配成组工项值析布摊担享])")
SCORE_SHARE_BEFORE = re.compile(r"(?:考核|考评|评分|得分|分值|权重|成绩)[\u4e00-\u9fff]{0,4}(?:占|按|比重为|权重为)[ \t]*$")
RULE_STOP = "。；;!?！？\n"
CLOCK_BEFORE = re.compile(r"\d[ \t]*[时点](?:许|左右)?[ \t]*$")


def _rule_sentence(text: str, pos: int, limit: int = 120) -> tuple[int, int]:
    """The span of the sentence, cut at 。；! ? and line ends, that holds ``pos``."""
    return _run_start(text, pos, limit, RULE_STOP), _run_end(text, pos, limit, RULE_STOP)


def not_score_rule(h: _Hit, c: _Ctx) -> str | None:
    """Points and weights of an assessment's rules, and the conditions that take or give points."""
    before = c.text[max(0, h.start - 6):h.start]
    if h.kind == "score":
        if CLOCK_BEFORE.search(before):
            return "clock time (9时许20分)"
        if SCORE_ALLOCATION_BEFORE.search(before):
            return "points allocated by a score rule"
        if re.search(r"[(（][ \t]*(?:总分|满分|分值)?[ \t]*$", before) and re.match(r"[ \t]*[)）]", c.text[h.end:h.end + 2]):
            return "points of a part of the assessment ((30分))"
    if h.kind == "percent" and SCORE_SHARE_BEFORE.search(_clause_before(c.text, h.start, 20)):
        return "weight of a part of the score (日常考核占40%)"
    s, e = _rule_sentence(c.text, h.start)
    rules = [m.span() for m in SCORE_RULE.finditer(c.text, s, e)]
    if any(a <= h.start < b for a, b in rules):
        return "points allocated by a score rule"
    if rules:
        return "condition of a score rule (每少1次扣2分)"
    return None


_BOUND_AFTER = re.compile(r"(?:及)?(?:以上|以下|以内)")
_OR_LINK = re.compile(r"[ \t]*(?:[,，、]?[ \t]*(?:或者|或是|或|和|及|以及|且|并且)|(?P<range>[至到—–~～-]))")


def _bounded(m: re.Match) -> bool:
    return bool(m.group("num2")) or (m.group("ap3") or "") in ("以上", "以下", "以内")


def _class_chain(text: str, m: re.Match, limit: int = 60) -> int | None:
    """Where a chain of quantities joined by 或/和/至, one of them bounded (以上, 1至2人), that ends in 的 + a
    noun ends (死亡3人以上，或受伤10人以上，或直接经济损失1000万元以上的事故), starting at the quantity ``m``."""
    stop, pos, bounded = min(len(text), m.end() + limit), m.end(), _bounded(m)
    while pos < stop:
        b = _BOUND_AFTER.match(text, pos)
        if b:
            pos, bounded = b.end(), True
        if text.startswith("的", pos) and re.match(r"[\u4e00-\u9fff]", text[pos + 1:pos + 2]):
            return pos if bounded else None
        link = _OR_LINK.match(text, pos)
        if not link:
            return None
        q = next(quantities(text, link.end(), stop), None)
        if not q or not re.fullmatch(r"[\u4e00-\u9fff]{0,10}", text[link.end():q.start()]):
            return None
        bounded = bounded or _bounded(q) or bool(link.group("range"))
        pos = q.end()
    return None


def not_class_definition(h: _Hit, c: _Ctx) -> str | None:
    """A level's definition: bounded quantities joined by 或 that end in 的 + noun (发生死亡3人以上，或受伤10人以上
    …的事故; 重伤1至4人或直接经济损失100万元至500万元的事故). An exact count before 的 stays (一次死亡11人的
    重大交通事故 is one accident's toll)."""
    if h.kind == "percent":
        return None
    s, _ = _rule_sentence(c.text, h.start, 60)
    for m in quantities(c.text, s, h.end):
        if m.start() > h.start:
            break
        end = _class_chain(c.text, m)
        if end is not None and end >= h.end:
            return "threshold of a class (…以上的事故)"
    return None


def not_threshold(h: _Hit, c: _Ctx) -> str | None:
    """A bound that defines a class (死亡2人以上事故, 5亿元以上项目), or the base of a rate (每10万公顷, 10万人死亡率)."""
    after = c.text[h.end:h.end + 12]
    if RATE_AFTER.match(after) or c.text[h.start - 1:h.start] == "每":
        return "the base of a rate"
    if h.kind == "percent" or not c.text[h.unit_end:h.end] or c.text[h.unit_end:h.end] not in ("以上", "以下"):
        return None
    if after.startswith("的") and re.match(r"[\u4e00-\u9fff]", after[1:2]):
        return "threshold of a class (以上的…)"
    if re.match(r"的[ \t]*[,，;；]", after):
        return "threshold of a condition (得分在90分以上的，…)"
    words = _pos(after) if re.match(r"[\u4e00-\u9fff]", after[:1]) else ()
    if words and words[0][1][:1] in ("n", "a", "b") and words[0][1] != "nr":
        return "threshold of a class"
    return None


GRADE_AFTER = re.compile(
    r"^(?P<bound>以上|以下|以内)?(?:[(（]含[)）])?(?P<range>[ \t]*[至到—–~～-][ \t]*(?:\d+(?:\.\d+)?|[xX]+)[ \t]*分(?:以上|以下)?(?:[(（]含[)）])?)?"
    r"(?:的)?[ \t]*(?:为|评为|定为|确定为|认定为|记为|属)[ \t]*[“\"]?"
    r"(?:优秀|良好|合格|不合格|基本合格|较好|一般|较差|差|达标|不达标|先进|优|良|中|[A-Da-d]级|[一二三]等|[一二三四]档)")


GRADE_BOUND_BEFORE = re.compile(r"(?:低于|高于|不足|不到|达到|超过|不低于|不少于|少于|大于|小于)[ \t]*$")


def not_grade_threshold(h: _Hit, c: _Ctx) -> str | None:
    """A score bound that defines a grade (90分以上为优秀, 75分至89分为合格): a class, not a count (SPEC §8)."""
    if h.kind != "score":
        return None
    m = GRADE_AFTER.match(c.text[h.unit_end:h.end + 24])
    if not m:
        return None
    # a bound (以上, 至89分, 低于60分) makes it a grade's threshold; 城关镇92分为优秀 is a score achieved
    if m.group("bound") or m.group("range") or GRADE_BOUND_BEFORE.search(c.text[max(0, h.start - 4):h.start]) \
            or re.search(r"[至到—–~～-][ \t]*$", c.text[max(0, h.start - 2):h.start]):
        return "threshold of a grade (90分以上为优秀)"
    return None


# 开展1次专项检查, 组织1次演练: a 1 written before what is done is the article of SPEC §8 in Arabic digits;
# 检查1次 (the count after the work) and 至少组织1次演练 (a minimum) stay counts
ARTICLE_UNITS = frozenset({"次", "轮", "批"})
ARTICLE_NOUN_AFTER = re.compile(r"[\u4e00-\u9fff“\"「]")


def not_vague_chinese(h: _Hit, c: _Ctx) -> str | None:
    """An article-like 一 (开展一次督查, 一批), a vague or word-internal numeral (数十家, 统一)."""
    if h.numeral == "arabic" and h.value == 1 and h.value_max is None and h.unit in ARTICLE_UNITS \
            and ARTICLE_NOUN_AFTER.match(c.text, h.end) \
            and not RECURRING_MIN.search(c.text, max(0, h.start - 8), h.start):
        return "article-like 1 (组织1次应急演练: the 1 comes before what is done)"
    if h.numeral != "chinese":
        return None
    if h.value == 1 and h.value_max is None:
        return "article-like 一"
    prev = c.text[h.start - 1:h.start] if h.start else ""
    if prev in _VAGUE_BEFORE:
        return "vague or word-internal numeral"
    if h.unit == "期":
        return "a phase (二期), not a count"
    if h.unit == "类":
        return "a set of classes (五类企业), not a count"
    if h.kind == "score":
        return "an adverb (十分)"
    if re.search(rf"(?:{NUM_CHINESE})[、,，]$", c.text[max(0, h.start - 3):h.start]):
        return "vague pair of numerals (一、两项)"
    return None


def not_in_name(h: _Hit, c: _Ctx) -> str | None:
    """Numbers inside titles, quoted slogans, or a phrase the document prints in quotes elsewhere."""
    if c.titles.holds(h.start):
        return "inside a title"
    written = c.text[h.start:h.unit_end]
    tail = c.text[h.start:h.start + 16]
    for q in c.quoted:
        if written in q and len(q) <= len(written) + 6 and (q.startswith(written) or q.find(written) <= 2):
            # the number is part of a coined name: “六项制度”, “三个必须”, “两个坚持、三个转变”
            k = q.find(written)
            if tail.startswith(q[k:]) or c.text[max(0, h.start - k):h.start - k + len(q)] == q:
                return "coined name"
    if h.unit == "期" and PHASE_AFTER.match(c.text[h.end:h.end + 2]):
        return "a phase (二期工程)"
    if re.match(r"^[^“”\"\s,，;；。]{0,6}”", c.text[h.end:h.end + 8]):
        return "coined name (its opening quote lost)"
    if _in_unit_parenthetical(c.text, h.start):
        return "inside a unit parenthetical"
    if h.unit == "份" and c.text[max(0, h.start - 2):h.start] == "一式":
        return "copies of the document itself (一式两份)"
    if COLLECTION_BEFORE.search(c.text[max(0, h.start - 4):h.start]):
        return "a collection of texts (精选5篇)"
    return None


def _in_unit_parenthetical(text: str, pos: int) -> bool:
    """``pos`` is inside (责任单位:…) or on a 责任单位:… line: the words there name units."""
    lo = max(0, pos - 121)  # an opener further back is too far anyway; rfind from 0 was quadratic on a long line
    opens = max(text.rfind("(", lo, pos), text.rfind("（", lo, pos), text.rfind("\n", lo, pos))
    if opens < 0 or pos - opens > 120 or re.search(r"[)）]", text[opens:pos]):
        return False
    return UNIT_PARENTHETICAL.match(text[opens + 1:opens + 8]) is not None


def not_closed_list(h: _Hit, c: _Ctx) -> str | None:
    """A count that only totals the closed list printed beside it (调度、报告…协调联络七项工作制度)."""
    if h.value is None or not isinstance(h.value, int) or h.value < 2 or h.value > 12 or h.unit in ACTION_UNITS:
        return None
    before = _clause_before(c.text, h.start)
    if before and not before.endswith(("、", "和", "及", "与")) and "等" not in before:
        items = [x for x in LIST_ITEMS.split(before) if x]
        if len(items) == h.value and all(len(x) <= 12 for x in items[1:]) and not re.search(r"\d", before):
            return "total of the closed list before it"
    after = c.text[h.end:h.end + 80]
    m = re.match(r"^[^,，;；。\n]{0,12}?(?:[(（]|[:：]|[,，]即[:：]?)([^)）。\n]{2,80})", after)
    if m:
        items = [x for x in re.split(r"[、,，;；]", m.group(1)) if x.strip()]
        if len(items) == h.value and not QUANTITY.search(m.group(1)):
            # (电动车楼道充电1处、软管老化1处) is a breakdown of the count, not the names of a set
            return "total of the closed list after it"
    return None


UNIT_PEOPLE = re.compile(r"^(?:人|名)$")


def not_recurring(h: _Hit, c: _Ctx) -> str | None:
    """The count of a recurring requirement (每季度至少1次) is a deadline, not a metric."""
    before = _clause_before(c.text, h.start, 30)
    m = None
    for m in RECURRING.finditer(before):
        pass
    if m is None:
        return None
    gap = before[m.end():]
    lead = before[:m.start()]
    if lead.endswith(("平均", "人均", "户均")):
        return None  # 平均每次督导发现隐患2.6处: an average, not a requirement
    if (lead and _pos(lead) and _is_verb(_pos(lead)[-1][1]) and _pos(lead)[-1][0] not in MODALS
            and not RECURRING_MIN.search(gap)):
        return None  # 编印每日通报24期: 每日 names the bulletin
    if h.unit not in ACTION_UNITS and h.kind == "count" and UNIT_PEOPLE.match(h.unit):
        return None  # 每天安排不少于4人值守: the people assigned, not how often
    if h.kind == "money":
        return None  # 每年安排专项资金不少于3000万元: a budget, an amount however often it is paid
    if RECURRING_MIN.search(gap) or _has_verb(gap) or (h.unit in ACTION_UNITS and len(gap) <= 8):
        return "recurring requirement"
    return None


def not_duration(h: _Hit, c: _Ctx) -> str | None:
    """A campaign's length (为期2个月, 3天内), not days of activity done (播报150余天)."""
    before = c.text[max(0, h.start - 4):h.start]
    after = c.text[h.unit_end:h.unit_end + 4]
    if h.unit == "个" and DURATION_AFTER.match(after):
        return "duration"
    if h.kind == "time" and (DURATION_BEFORE.search(before) or DAYS_AFTER.match(c.text[h.end:h.end + 4])):
        return "duration"
    if h.kind == "time" and WEATHER.search(_clause_before(c.text, h.start, 12)):
        return "weather reading"
    return None


def not_weather(h: _Hit, c: _Ctx) -> str | None:
    if h.kind in PHYSICAL_KINDS and WEATHER.search(_clause_before(c.text, h.start, 10)):
        return "weather or hydrology reading"
    if h.kind == "count" and WEATHER.search(_after(c.text, h.end, 12)):
        return "weather or hydrology event (出现3场明显降雨过程)"
    clause = _clause_before(c.text, h.start, 20)
    if h.kind == "percent" and COMPARED.search(clause) and WEATHER.search(_sentence_before(c.text, h.start, 40)):
        return "change of a weather reading (降雨量…比去年同期增加45%)"
    return None


def not_benchmark(h: _Hit, c: _Ctx) -> str | None:
    """Other places' benchmarks: 增速高于省、市8%."""
    if h.kind == "percent" and BENCHMARK_BEFORE.search(_clause_before(c.text, h.start, 20)):
        return "other places' benchmark"
    return None


def not_project_capacity(h: _Hit, c: _Ctx) -> str | None:
    """A capacity inside a project's name (80万吨乙烯改扩建项目)."""
    if h.kind in PHYSICAL_KINDS and PROJECT_NAME_AFTER.match(c.text[h.end:h.end + 20]):
        return "capacity in a project name"
    after = c.text[h.end:h.end + 8]
    if h.kind in ("weight", "volume") and h.end == h.unit_end and re.match(r"[\u4e00-\u9fff]", after[:1]):
        words = _pos(after)
        if words and words[0][1][:1] == "n":
            return "capacity of a thing (5吨水罐消防车)"
    return None


def not_discourse(h: _Hit, c: _Ctx) -> str | None:
    """Counts that structure the text rather than the work (讲三个方面的意见, 三点要求)."""
    if h.kind == "count" and NOT_COUNTED_AFTER.match(c.text[h.end:h.end + 5]):
        return "discourse count"
    if h.numeral == "chinese" and h.kind == "count" and COINED_AFTER.match(c.text[h.end:h.end + 8]):
        return "coined name (六项制度, 三个必须)"
    if h.numeral == "chinese" and c.text[h.start - 1:h.start] in ("这", "那"):
        return "a count that points back (这两个领域)"
    if c.text[h.unit_start:h.unit_end] == "各" and (not isinstance(h.value, int) or h.unit_start > h.num_end):
        return "a heading number before 各 (3.1 各责任部门)"
    return None


def not_garbled(h: _Hit, c: _Ctx) -> str | None:
    return "garbled text" if c.garbled.overlaps(h.start, h.end) else None


EXCLUSIONS = (not_ordinal, not_threshold, not_class_definition, not_score_rule, not_grade_threshold, not_vague_chinese, not_in_name, not_closed_list, not_recurring, not_duration,
              not_weather, not_benchmark, not_project_capacity, not_discourse, not_garbled)


def exclusion(h: _Hit, c: _Ctx) -> str | None:
    """Why a candidate is not a metric, or None when it is one."""
    for check in EXCLUSIONS:
        why = check(h, c)
        if why:
            return why
    return None


# -- subjects ---------------------------------------------------------------------------------------

@lru_cache(maxsize=4096)
def _pos(s: str) -> tuple[tuple[str, str], ...]:
    """jieba's words and tags of ``s`` (``jieba.posseg.cut``; its decoder of unknown runs memoised)."""
    from ..learn.postag import pos

    return pos(s)


def _is_verb(flag: str) -> bool:
    return flag.startswith("v") and flag not in ("vn",)


def _boundaries(s: str) -> set[int]:
    """The offsets in ``s`` where a jieba word starts or ends."""
    out, k = {0}, 0
    for w, _ in _pos(s):
        k += len(w)
        out.add(k)
    return out


def _strip(s: str) -> tuple[str, int]:
    """``s`` without its leading time/place/scope words and trailing linking words; and the offset dropped.

    Words are only dropped whole (违法行为 keeps its 为); the actor before 共/累计/先后 goes too
    (市应急管理局共立案查处违法行为 → 立案查处违法行为).
    """
    dropped = 0
    while s:
        m = _STRIP_HEAD.match(s)
        if not m or not m.group() or m.end() not in _boundaries(s):
            break
        s, dropped = s[m.end():], dropped + m.end()
    k = 0
    for w, _ in _pos(s)[:-1]:
        k += len(w)
        if w in _SCOPE_ADVERBS:
            s, dropped = s[k:], dropped + k
            k = 0
    while s:
        m = _STRIP_TAIL.search(s)
        if not m or not m.group() or (m.start() == 0 and _PREPOSITION.fullmatch(s)):
            break  # 为*个乡镇: a lone preposition stays, it tells how the phrase runs
        if m.start() not in _boundaries(s) and m.group() not in ",，、 \t":
            break
        s = s[:m.start()]
    return s, dropped


def _left_bound(text: str, pos: int, floor: int, limit: int = 40) -> int:
    """Where the words before ``pos`` start: a clause stop, an unmatched bracket, or ``floor``."""
    i, depth = pos, 0
    while i > floor and pos - i < limit:
        ch = text[i - 1]
        if ch in ")）》”":
            depth += 1
        elif ch in "(（《“":
            if depth == 0:
                break
            depth -= 1
        elif ch in CLAUSE_STOP and depth == 0:
            break
        i -= 1
    return i


def _right_bound(text: str, pos: int, ceiling: int, limit: int = 30) -> int:
    j, depth = pos, 0
    while j < ceiling and j - pos < limit:
        ch = text[j]
        if ch in "(（《“":
            depth += 1
        elif ch in ")）》”":
            if depth == 0:
                break
            depth -= 1
        elif ch in CLAUSE_STOP and depth == 0:
            break
        j += 1
    return j


_NP_VERBS = frozenset(WORDS["np_verb"])
_NP_LEAD = frozenset(WORDS["np_lead"])
_NP_STOP_FLAGS = ("d", "p", "r", "c", "t", "ad", "ud", "ul", "uz", "ug", "uv", "z")


def _np_len(words: tuple[tuple[str, str], ...], i: int = 0) -> int:
    """How many characters of ``words[i:]`` make a noun phrase (森林防火应急救援队伍、共 → 10)."""
    n, depth = 0, 0
    for w, f in words[i:]:
        if w in "“\"" and depth == 0 and n:
            depth = 1
        elif w in "”\"" and depth:
            depth = 0
        elif depth:
            pass  # inside a quoted name: “遏重大”
        elif w in "(（" or w in ")）":
            pass  # 镇(街道)
        elif f == "x" or w == "的" or f in _NP_STOP_FLAGS:
            break
        elif f.startswith("v") and w not in _NP_VERBS and f != "vn" and not (n == 0 and w in _NP_LEAD):
            break
        elif f == "vn" and w not in _NP_VERBS and n:
            break
        n += len(w)
    return n


def _split_np(s: str, after_preposition: bool = False) -> tuple[str, str, str]:
    """The counted noun phrase at the start of ``s``, its complement after 的, and the words after them.

    行业领域的安全生产专家组 → (行业领域, 安全生产专家组, ""); 干部组建… → (干部, "", 组建…).
    A phrase that starts with a verb, an adverb or a preposition has no noun phrase (18次传达学习…).
    """
    words = _pos(s)
    if not words:
        return "", "", s
    w0, f0 = words[0]
    np_lead = w0 in _NP_LEAD and len(words) > 1 and words[1][1][:1] == "n"  # 9个有林单位
    if after_preposition and _is_verb(f0) and len(words) > 1 and words[1][1][:1] == "n":
        np_lead = True  # 为3000户独居老人安装…: after 为/对 the number is followed by its noun
    opens_with_verb = _is_verb(f0) and w0 not in _NP_VERBS and not np_lead
    if opens_with_verb or f0 in _NP_STOP_FLAGS or (f0 == "x" and w0 not in "“\"(（"):
        return "", "", s
    n = len(w0) + _np_len(words, 1) if np_lead and _is_verb(f0) else _np_len(words)
    np, rest = s[:n], s[n:]
    complement = ""
    if np and rest.startswith("的"):
        k = _np_len(_pos(rest[1:]))
        if k:
            complement, rest = rest[1:1 + k], rest[1 + k:]
    return np, complement, rest


def _short_vp(s: str, limit: int = 24) -> str:
    """A verb phrase cut at its first list mark or clause stop and to a readable length."""
    m = re.search(r"[、,，;；。]", s)
    return (s[:m.start()] if m else s)[:limit]


def _plain(s: str) -> str:
    """Without titles' years and quotation marks: 签订《2023年安全生产目标责任书》 → 签订安全生产目标责任书."""
    s = re.sub(r"《(?:\d{4}年|[xX]{4}年)?([^《》]*)》", r"\1", s)
    return re.sub(r"[“”\"]", "", s)


def _split_verb(s: str) -> tuple[str, str]:
    """(verb part, noun part) of a subject: 查出一般隐患 → 查出 | 一般隐患."""
    words = _pos(s)
    last_verb = -1
    for i, (w, f) in enumerate(words):
        if _is_verb(f):
            last_verb = i
    if last_verb < 0:
        return "", s
    k = sum(len(w) for w, _ in words[:last_verb + 1])
    return s[:k], s[k:]


def _has_verb(s: str) -> bool:
    return any(_is_verb(f) for _, f in _pos(s))


def _verb_only(s: str) -> bool:
    if not s:
        return False
    if s in _VERB_ONLY:
        return True
    words = _pos(s)
    return all(_is_verb(f) or f in ("d", "ad", "vd") for _, f in words)


def _trim_long(s: str, limit: int = 20) -> tuple[str, int]:
    """Cut a long subject at its earliest verb that leaves at most ``limit`` characters."""
    if len(s) <= limit:
        return s, 0
    k = 0
    for w, f in _pos(s):
        if _is_verb(f) and len(s) - k <= limit:
            return s[k:], k
        k += len(w)
    return s[-limit:], len(s) - limit


@dataclass
class _Parts:
    """The words around one number: ``core`` before it (stripped); ``np`` (the counted noun),
    ``comp`` (its complement after 的) and ``vp`` (the words after them) after it."""

    cstart: int
    core: str
    left: str  # the words before the number, unstripped
    rpos: int
    np: str
    comp: str
    vp: str
    np_end: int  # where the noun phrase (and its complement) ends
    vp_end: int  # where the clause after it ends
    next_in_list: bool  # the noun phrase is followed by 、/和 and the next metric
    borrowed_vp: bool = False


def _parts(text: str, hits: list[_Hit], n: int, floor: int) -> _Parts:
    h = hits[n]
    lstart = _left_bound(text, h.start, floor)
    if lstart == h.start and text[h.start - 1:h.start] == "\n" and h.start - 1 > floor \
            and text[h.start - 2:h.start - 1] not in CLAUSE_STOP:
        # 累计派出\n80\n余人次: a PDF copy broke the line before the number, inside the sentence
        lstart = _left_bound(text, h.start - 1, floor)
    m = LIST_SEP.match(text[lstart:h.start])
    if m:
        lstart += m.end()
    core, dropped = _strip(text[lstart:h.start].replace("\n", ""))
    nxt = hits[n + 1].start if n + 1 < len(hits) else len(text)
    rpos = h.end
    pm = re.match(r"[(（][^()（）]{1,4}[)）]", text[rpos:])  # 2335条(幅)
    if pm:
        rpos += pm.end()
    rend = _right_bound(text, rpos, nxt)
    right = text[rpos:rend]
    np = comp = vp = ""
    if h.kind != "percent" and right and "\u4e00" <= right[0] <= "\u9fff" and right[0] not in "的等左以余多":
        np, comp, vp = _split_np(right, after_preposition=bool(_PREPOSITION_END.search(core)))
        conj = re.match(r"^(?:以及|和|及|与|、)", vp)
        if np and conj and rend < nxt:
            # 29个部门以及县域内的部分企业分别签订责任书: the verb phrase follows the conjunct
            np2, _, vp2 = _split_np(vp[conj.end():])
            if np2:
                vp = vp2
    elif h.kind != "percent" and right.startswith("的"):
        # xxxx.x分的成绩获评优秀, 2300万平方米的年度治理目标
        k = _np_len(_pos(right[1:]))
        if k:
            comp, vp = right[1:1 + k], right[1 + k:]
    if re.fullmatch(r"[\s、和及与]*|以及", vp):
        vp = ""
    np_end = rpos + len(np) + (len(comp) + 1 if comp else 0)
    between = text[np_end:nxt] if np else ""
    next_in_list = bool(np) and n + 1 < len(hits) and bool(re.fullmatch(r"\s*(?:[、和及与]|以及)\s*", between))
    return _Parts(lstart + dropped, core, text[lstart:h.start], rpos, np, comp, vp, np_end, rend, next_in_list)


def _sentence_start(text: str, pos: int) -> int:
    """Where the sentence of the number at ``pos`` starts; a line break right before the number, after
    words that end no clause, is a PDF copy's (出动人员1260人次、车辆\n310车次) and does not end it."""
    if pos >= 2 and text[pos - 1] == "\n" and text[pos - 2] not in CLAUSE_STOP:
        pos -= 1
    return pos - len(_sentence_before(text, pos, 200))


def _subjects(text: str, hits: list[_Hit]) -> None:
    """Fill subject, verb, noun and raw span of each hit (see the module doc)."""
    parts: list[_Parts] = []
    floor = 0
    for n, h in enumerate(hits):
        sent_start = _sentence_start(text, h.start)
        p = _parts(text, hits, n, floor if floor >= sent_start else 0)
        parts.append(p)
        floor = max(h.end, p.np_end if p.np else h.end)
    # a list of counted nouns shares the verb phrase of its last item: 同*个园区、*个乡镇和*个成员单位签署…
    for n in range(len(parts) - 2, -1, -1):
        p, q = parts[n], parts[n + 1]
        if p.next_in_list and not p.vp.strip() and q.vp.strip():
            p.vp, p.borrowed_vp = q.vp, True
    prev: _Hit | None = None
    for n, h in enumerate(hits):
        p = parts[n]
        same_sentence = prev is not None and prev.end >= _sentence_start(text, h.start)
        core, cstart = p.core, p.cstart
        words = _pos(core) if core else ()
        prep = _PREPOSITION.match(core) or _PREPOSITION_END.search(core)
        core_ends_in_verb = bool(words) and (_is_verb(words[-1][1]) or words[-1][1] == "vn" and len(words) > 1
                                             and words[-2][1] in ("p", "d")) and not _PREPOSITION_END.search(core)
        vp = _short_vp(p.vp)
        own_vp_end = p.np_end + (len(vp) if not p.borrowed_vp else 0)
        verb = noun = ""
        if not p.np and not p.comp and vp and h.unit in ACTION_UNITS:
            # 先后18次传达学习…, 分4次组建5个督查组: the action follows the count
            subject = verb = _verb_core(vp)
            if n + 1 < len(hits) and p.vp_end >= hits[n + 1].start and parts[n + 1].np:
                subject = verb + parts[n + 1].np
            raw = (h.start - _adverb_tail(p.left), p.rpos + len(vp))
        elif p.np or p.comp:
            a, b = p.np, p.comp
            counted = f"{b}的{a}" if (a and b) else (a or b)
            if core_ends_in_verb:
                # 召开2次区级部门联席会议, 选调9名干部, 出台8个重点领域的“遏重大”实施方案
                core_t, _ = _trim_long(core)
                verb = _last_verb_run(core_t) or core_t
                noun = a or b
                subject = verb + counted
                raw = (cstart + len(core) - len(verb), p.np_end)
            else:
                # 对3家企业作出行政罚款, 22个镇(街道)签订…, xxxx余平方米违法建筑被依法拆除完毕
                lead = ""
                if prep:
                    lead = core[prep.end():] if prep.start() == 0 else core[:prep.start()]
                elif core:
                    lead = core
                noun = a or b
                if vp and not re.match(r"^[和及与、]", vp):
                    verb = _verb_core(vp)
                    subject = f"{verb}{b}的{a}" if (a and b) else f"{verb}的{noun}"
                elif prev is not None and same_sentence and prev.verb and prev.unit == h.unit and not core:
                    verb = prev.verb
                    subject = prev.verb + counted
                else:
                    subject = (lead + counted) if lead and not _has_verb(lead) and len(lead) <= 6 else counted
                start = cstart if (prep or not core) else h.start
                raw = (start, own_vp_end if vp else p.np_end)
        elif core_ends_in_verb and vp:
            # 责令12处停产整顿, 造成12人死亡
            core_t, _ = _trim_long(core)
            verb = _last_verb_run(core_t) or core_t
            subject = verb + _verb_core(vp)
            raw = (cstart + len(core) - len(verb), p.rpos + len(vp))
        elif not core and vp and re.search(r"的[\u4e00-\u9fff]{1,8}$", vp):
            # 5家存在重大隐患的企业
            subject, noun = vp, vp.rsplit("的", 1)[1]
            verb = vp.rsplit("的", 1)[0]
            raw = (h.start, p.rpos + len(vp))
        else:
            core_t, k = _trim_long(core)
            subject, raw = core_t, (cstart + k, h.end)
            verb, noun = _split_verb(core_t)
            if prev is not None and same_sentence and not core_t:
                # 共组建起25支…队伍、共1000余人; 涉险群众719户1565人
                subject, verb, noun = prev.subject, prev.verb, prev.noun
            elif prev is not None and same_sentence and (prev.unit == h.unit or _listed_after(text, prev, h)):
                if _verb_only(core_t) and prev.noun:
                    # 查出一般隐患10734处,整改完成10218处
                    subject, verb, noun = core_t + prev.noun, core_t, prev.noun
                elif (core_t and not _has_verb(core_t) and has_cue(prev.noun, strong=True)
                      and not has_cue(core_t, strong=True)):
                    # 其中政府层面xx项 (after 反馈xx项问题)
                    subject, noun = core_t + prev.noun, core_t + prev.noun
                elif core_t and len(core_t) <= 8 and not _has_verb(core_t) and prev.verb:
                    # 查出事故隐患2365条、火灾隐患683条
                    subject, verb, noun = prev.verb + core_t, prev.verb, core_t
        if not subject or _verb_only(subject):
            # a subject that is only a verb (死亡, 同比下降, 召开) or nothing: borrow what the sentence counts
            topic = prev.noun if prev is not None and same_sentence and len(prev.noun) >= 2 else ""
            topic = topic or _topic(text, h, p)
            if topic and topic not in subject:
                # 发生生产安全事故40起,死亡35人 → 生产安全事故死亡; 消防工作会议共召开23次 → 召开消防工作会议
                subject = topic + subject if not subject or RESULT_VERBS.search(subject) else subject + topic
                noun = noun or topic
        h.subject = _clean_subject(subject)
        h.verb, h.noun = verb, noun
        if prev is not None and prev.end == h.start and not core:
            raw = (prev.raw_span[0], raw[1])  # 4441户10252人: one phrase, one raw
        h.raw_span = (min(raw[0], h.start), max(raw[1], h.end))
        prev = h


RESULT_VERBS = re.compile(r"死亡|受伤|失踪|遇难|下降|上升|增长|减少|增加|降低|提高|增幅|降幅|占")
_TOPIC_FLAGS = ("n", "vn", "nz", "ng", "nt", "an")


def _topic(text: str, h: _Hit, p: _Parts) -> str:
    """The noun the sentence is about, for a subject that is only a verb: the last noun phrase of the
    words before the number (the actor dropped before 共/累计 included), else of the clause before."""
    for chunk in (p.left.replace("\n", ""), _clause_before(text, p.cstart - len(p.left) - 1 if p.left else h.start - 1, 30)):
        words = _pos(chunk) if chunk else ()
        run: list[str] = []
        for w, f in reversed(words):
            if f.startswith(_TOPIC_FLAGS) and f != "nr" and not re.search(r"\d", w):
                run.insert(0, w)
            elif run:
                break
        noun = "".join(run)
        if len(noun) >= 2:
            return noun[-12:]
    return ""


def _listed_after(text: str, prev: _Hit, h: _Hit) -> bool:
    """``h`` follows ``prev`` in a 、 list: 储备编织袋5万条、冲锋舟8艘."""
    gap = text[prev.raw_span[1]:h.start]
    return gap.startswith("、") and not re.search(r"[,，;；。:：]", gap)


def _verb_core(vp: str, limit: int = 20) -> str:
    """The verb and its object at the start of a verb phrase (分别签订…责任书,… → 签订…责任书;
    就安全生产工作向区委常委会作专题汇报 → 向区委常委会作专题汇报)."""
    words = list(_pos(_plain(vp)))
    while words and words[0][1] in ("d", "ad", "c", "ul", "uz") and len(words) > 1:
        words.pop(0)
    if words and words[0][1] == "p":
        first_verb = next((i for i, (_, f) in enumerate(words) if _is_verb(f)), None)
        if first_verb is not None:
            last_p = max(i for i, (_, f) in enumerate(words[:first_verb]) if f == "p")
            words = words[last_p:]
    out = ""
    for i, (w, f) in enumerate(words):
        if i and f in ("p", "c") and out and _has_verb(out) or (f == "x" and w not in "“”()（）、"):
            break
        out += w
        if len(out) >= limit:
            break
    return out.rstrip("、")[:limit]


def _adverb_tail(core: str) -> int:
    """How many characters of adverbs end ``core`` (区安委会先后 → 2: 先后18次…)."""
    k = 0
    for w, f in reversed(_pos(core) if core else ()):
        if f not in ("d", "t", "ad"):
            break
        k += len(w)
    return k


def _last_verb_run(s: str) -> str:
    """The verbs at the end of ``s`` (从各单位选调 → 选调; 组建完成 → 组建完成)."""
    words = _pos(s)
    k = len(words)
    while k > 0 and (_is_verb(words[k - 1][1]) or words[k - 1][1] in ("d",) and k < len(words)):
        k -= 1
    return "".join(w for w, _ in words[k:])


def _clean_subject(s: str) -> str:
    s = _plain(s).replace("\n", "")
    s = re.sub(r"^(?:[,，、;；\s]|的)+|(?:[,，、;；\s]|的)+$", "", s)
    return s


# -- as of ------------------------------------------------------------------------------------------

def _as_of(text: str, pos: int, year: int | None) -> str | None:
    """The date of a 截至… (or 1-N月) that opens the sentence of ``pos``."""
    sent = _sentence_before(text, pos, 300)
    m = None
    for m in AS_OF.finditer(sent):
        pass
    if m is not None:
        y = int(m.group("y")) if m.group("y") and m.group("y").isdigit() else year
        return _date(y, int(m.group("m")), int(m.group("d")) if m.group("d") else None)
    for m in MONTHS_SO_FAR.finditer(sent):
        month = int(m.group("m"))
        if 1 <= month < 12:
            return _date(year, month, None)
    return None


def _date(year: int | None, month: int, day: int | None) -> str | None:
    if year is None or not 1 <= month <= 12:
        return None
    last = calendar.monthrange(year, month)[1]
    day = last if day is None else day
    if not 1 <= day <= last:
        return None
    return f"{year:04d}-{month:02d}-{day:02d}"


# -- truncated numbers ------------------------------------------------------------------------------

TRUNCATED = re.compile(r"(?<![\d.])(?P<num>\d+(?:\.\d+)?)[ \t]*\n?$")
MONEY_WORDS = re.compile(r"罚款|罚没|金额|资金|经费|损失|投入|奖励|元")
CUT_FLAGS = ("hidden_text",)


def _truncated(text: str, hits: list[_Hit], cuts: list[int]) -> list[_Hit]:
    """Numbers cut off by the end of the text or a hidden-text gap (…罚款3): damaged, so masked (SPEC §8)."""
    out = []
    for cut in sorted(set(cuts)):
        m = TRUNCATED.search(text[:cut])
        if not m or any(h.start <= m.start() < h.end for h in hits):
            continue
        before = _clause_before(text, m.start(), 12)
        if not before or not re.search(r"[\u4e00-\u9fff]$", before):
            continue
        earlier = [h for h in hits if h.end <= m.start()]
        unit = "元" if MONEY_WORDS.search(before) else (earlier[-1].unit if earlier else None)
        if not unit:
            continue
        mw = MEASURE_WORDS.get(unit)
        out.append(_Hit(start=m.start(), end=m.end("num"), num_end=m.end("num"), unit_start=m.end("num"),
                        unit_end=m.end("num"), value=None, value_max=None, unit=unit,
                        kind=mw.kind if mw else "count", approx=False, masked=True, numeral="masked"))
    return out


# -- the extractor ----------------------------------------------------------------------------------

def _context(doc: Document) -> _Ctx:
    text = doc.text
    quoted = frozenset(m.group(1) for m in QUOTED.finditer(text) if re.search(rf"{NUM_CHINESE}|\d", m.group(1)))
    titles = _Spans((m.start(), m.end()) for m in TITLE.finditer(text))
    garbled = _Spans(f.span for f in doc.flags if f.code == "garbled_text" and f.span)
    return _Ctx(text, quoted, titles, garbled)


# Minutes of a meeting that took several items (议题) are work-safety documents only in the items about
# work safety (SPEC §1): an agenda item's heading starts with what the meeting did with it.
AGENDA_HEADING = re.compile(r"^[ \t]*(?:研究|审议|听取|讨论|审定|学习|传达|通报|议定|部署)")
ON_TOPIC = re.compile(r"安全|事故|隐患|应急|消防|防汛|汛期|防火|火灾|救援|灾害|减灾|抢险|危险|危化|安监|安委|燃气|防溺水|防震")


def off_topic_spans(doc: Document) -> list[tuple[int, int]]:
    """The spans of the agenda items of a minutes document that are not about work safety.

    Only a document whose top-level sections are two or more agenda items (研究…事宜, 审议《…》, 听取…汇报), at
    least one of them about work safety, has any: a plan or report about other things keeps its figures."""
    top = [sec for sec in doc.sections if sec.level == 1]
    items = [sec for sec in top if AGENDA_HEADING.match(sec.heading or "")]
    if len(items) < 2 or len(items) < len(top) / 2:
        return []
    off = [sec.span for sec in items if not ON_TOPIC.search(doc.text[sec.span[0]:sec.span[1]])]
    return off if len(off) < len(items) else []


def _rule_hits(doc: Document) -> list[_Hit]:
    """The quantities that pass the exclusions, in text order, with the rules' subjects and raw spans."""
    text = doc.text
    ctx = _context(doc)
    off = off_topic_spans(doc)
    hits = [h for h in _candidates(text) if exclusion(h, ctx) is None and not any(a <= h.start < b for a, b in off)]
    cuts = [len(text)] + [f.span[0] for f in doc.flags if f.code in CUT_FLAGS and f.span]
    hits += [h for h in _truncated(text, hits, cuts) if not_garbled(h, ctx) is None]
    hits.sort(key=lambda h: h.start)
    _subjects(text, hits)
    cells = _table_hits(text, off)
    if cells:
        taken = {h.start for h in cells}
        hits = sorted([h for h in hits if h.start not in taken] + cells, key=lambda h: h.start)
    return hits


def _table_hits(text: str, off: list[tuple[int, int]]) -> list[_Hit]:
    """The bare numbers of count tables whose header names the measure word (:mod:`.metric_tables`)."""
    if " | " not in text:
        return []
    out = []
    for c in table_cells(text, lambda w: w in MEASURE_WORDS, lambda w: MEASURE_WORDS[w].unit):
        if any(a <= c.start < b for a, b in off):
            continue
        out.append(_Hit(start=c.start, end=c.end, num_end=c.end, unit_start=c.end, unit_end=c.end, value=c.value,
                        value_max=None, unit=c.unit, kind=MEASURE_WORDS[c.word].kind, approx=False, masked=c.masked,
                        numeral="masked" if c.masked else "arabic", subject=c.subject, noun=c.subject, table=True,
                        raw_span=(c.start, c.end)))
    return out


def _subject_model():
    """The trained subject chooser when its cross-validation chose it, else None (the rules' subjects stay)."""
    return chosen(_learned_subject.NAME) if info(_learned_subject.NAME).get("use") == "model" else None


def _learned_subjects(text: str, hits: list[_Hit]) -> None:
    """Replace each rule subject by the learned choice among the clause's candidate spans (models/subject)."""
    model = _subject_model()
    if model is None or not hits:
        return
    rule_subjects = [h.subject for h in hits]
    rule_ends = [h.raw_span[1] for h in hits]
    todo = []
    for n, h in enumerate(hits):
        if h.table:
            continue  # a table cell's subject is its row's label and its column's header
        prev = rule_subjects[n - 1] if n and _learned_subject.same_sentence(text, rule_ends[n - 1], h.start) else ""
        cands = _learned_subject.candidates(text, h.start, rule_subjects[n], h.unit, prev)
        # the rules' subject is the first candidate when there is one; without it (a bare count in a
        # table cell: 生产安全事故死亡人数 | … | 2人) a single candidate is still a subject
        has_rule = bool(cands) and cands[0][0] == rule_subjects[n].replace("\n", "").strip() != ""
        if len(cands) >= (2 if has_rule else 1):
            todo.append((h, cands, has_rule))
    picks = _learned_subject.pick_many(model, [[c[2] for c in cands] for _, cands, _ in todo])
    for (h, cands, has_rule), k in zip(todo, picks):
        subject, start, _ = cands[k]
        if (has_rule and k == 0) or subject == h.subject:
            continue
        h.subject = subject
        if start >= 0 and start < h.raw_span[0]:
            h.raw_span = (start, h.raw_span[1])


def _rule_records(doc: Document) -> list[tuple]:
    """For the subject trainer: (number start, rule subject, raw span, pairing record) of each rule metric."""
    if not doc.text:
        return []
    out = []
    for h in _rule_hits(doc):
        if h.table:
            continue  # not chosen by the subject model (:func:`_learned_subjects`)
        s, e = h.raw_span
        out.append((h.start, h.subject, (s, e), {"subject": h.subject, "unit": h.unit, "value": h.value,
                                                  "masked": h.masked, "raw": doc.text[s:e]}))
    return out


_learned_subject.register_rules(_rule_records)


def find_metrics(doc: Document) -> list[Metric]:
    """The metrics of a structured Document (SPEC §6), in text order.

    Args:
        doc: the Document after the structure stage (``text``, ``sections``, ``year``, ``flags``).

    Returns:
        One :class:`~pipeline.model.Metric` per quantity, ``span`` being its ``raw`` in ``doc.text``.
    """
    text = doc.text
    if not text:
        return []
    hits = _rule_hits(doc)
    _learned_subjects(text, hits)
    categories = classify_many([(h.subject, context_of(text, *h.raw_span), h.unit) for h in hits],
                               neighbours(text, [h.raw_span for h in hits]),
                               heading_paths(doc, [h.raw_span[0] for h in hits]), doc.doc_type,
                               [text[s:e] for s, e in (h.raw_span for h in hits)])
    out = []
    for h, category in zip(hits, categories):
        s, e = h.raw_span
        raw = text[s:e]
        out.append(Metric(
            subject=h.subject, category=category,
            value=h.value, unit=h.unit, raw=raw, span=(s, e), value_max=h.value_max, approx=h.approx,
            masked=h.masked, as_of=_as_of(text, h.start, doc.year),
            section_id=(sec.id if (sec := doc.section_at(h.start)) else None),
        ))
    return out
