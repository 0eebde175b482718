"""Deadlines (SPEC §5, §8): the explicit time requirements in a task's text.

Our own grammar: no library reads these (jionlp takes ``5-10月份`` for May 10,
dateparser fails). Every pattern below is a named, compiled constant; each
match is interpreted by a small handler, overlapping matches are resolved
longest first, and bare dates are kept only where an analyst reads them as a
schedule. Numbers may be Arabic, full-width or Chinese everywhere (``十月份``,
``九月五日至二十五日``, ``二〇二五年底前``); spaces inside a date (``2009 年 6 月
1 日``) are ignored. The rules:

- ``X月底前 / X月末前 / X月30日前 / X月中旬前`` (and ``之前``, ``以前``, a time of
  day between: ``11月18日下午之前``, ``下午5点前``) → ``by_date`` on that day (a 旬
  ends on the 10th, 20th or the month's last day). ``X月前 / X月份前`` (``在十月份
  之前``) means *before* the month: the last day of the month before.
  ``三季度前`` and ``上半年前`` mean by the end of that period; ``2025年前`` before
  that year. ``2024.6.30前`` (dotted, slashed or ISO) is that day; without 前 such a
  date counts only in a table cell (in running text it is a time stamp).
- ``至/到 X月中旬``, ``X月30日止`` (no 前) → ``by_date`` at the end of the period
  named (``即日起至11月15日``, ``自本通告发布之日起至2026年2月28日``). ``X月底``,
  ``年底``, ``2025年年底``, ``年内``, ``今年剩余的时间``, ``上半年``, ``(第)三季度(末)``
  → ``by_date`` at the period's end; ``计划/力争/到/在/于 2025年`` (``在2011年投入使用``),
  ``今年要…`` and a year alone opening a clause before its work (``…,2019年安排专项经费…``) → end of that year.
- ``A至B``, ``A—B``, ``A~B`` (every dash, tilde and 至/到/起至), ``5-10月份``,
  ``510月份`` (separator lost: two glued months, first < second), ``6月1至30日``
  → ``range`` from A's first day to B's last; B inherits A's year and month
  (``次年/翌年`` adds one year, on either side: ``于次年1月20日至2月5日``; ``6月中旬至下旬`` runs to June's end).
  ``2020年至2022年`` (and ``2024—2026年，``) → ``range`` over those years, not the years a plan or a season is of
  (``2025—2027年安全生产规划``, ``2023—2024年度冬春…``). An inverted range is kept as written;
  :func:`is_inverted` tells the caller to flag it.
- Coordinated months sharing one suffix (``6月中旬、12月中旬前``, ``6月、12月的10日前``) → one deadline
  each, the suffix distributed; four months a quarter apart (``在3月、6月、9月、12月底
  前``, ``1月、4月、7月、10月的5日前``) → ``recurring`` quarter, with the count after it (``…底前各通报一次``);
  ``每年`` before two dates (``每年6月30日和12月25日前``) → ``recurring`` half_year.
- ``X月份`` and ``X月上旬`` → ``range`` over the month / the 旬.
- A single day (``6月13日``) on which the work happens → ``by_date`` that day
  (SPEC §8); a bare ``X月`` → ``range`` over the month. In :func:`parse_deadline`
  (a table cell) both always count, and so does ``全年`` (within the year: by its end, as ``年内``); in
  :func:`find_deadlines` only where cued: the date opens the text or a sentence
  and is followed by a comma (``6月13日,举办…``, ``6月1日上午,…``), it follows
  ``今年/本年`` or the preposition ``于/在``, it is coordinated with the deadline
  before it (``今年5月和8月``, ``在5月、6月、7月各组织…``), or it is followed by
  ``完成`` (→ ``by_date`` at its end), by a verb of holding
  (``召开/举办/举行/启动/开展/组织``, an adverb such as ``集中`` before it) or a modal (``要/须/务必/将``: ``6月12日要
  对…``), or, for a day, by ``是`` (``6月12日是咨询日``), or it glosses an occasion in parentheses
  (``节后第一个工作日（2月22日）``), or, for a day, is named by its occasion in quotes
  before a comma (``6月16日“安全生产宣传咨询日”，…设立咨询点``). A time-limit field that restates, without its count, a recurrence the text gave
  (``每月至少组织一次。（完成时限：每月）``) is read once. A clause that tells of
  the past (``了``, ``已经``, ``发生``…) cancels every cue but coordination. A
  masked bare date (``x月xx日,依法拆除``) is cued only by those words. News of a
  meeting held (``2月10日下午,集团公司召开会议…会议强调,要…``) cancels them all. Anything
  followed by ``起/以来/开始/以后/后`` is a start, not a deadline (but a day's hour that starts, ``6月8日（星期二）
  上午9:00开始``, is that day; a weekday in parentheses is read through).
- ``每季度/每月/每半年/每学期/每年/每周/每日(每天)`` → ``recurring`` (a school term: half_year), and so is ``按季度/按月``
  before a recurring act (``按季度记录``, ``按月报送``; not ``按月建立台账``); a following
  ``至少/不少于 … N<measure word>`` or ``… N次`` in the same clause gives
  ``min_count`` (``每周一报``: once; a hard wrap inside the clause is read through; words holding a numeral, ``深入一线``, ``两客一危``, and short parentheticals, ``各县（市、区）``,
  may stand before it, and so may a number of objects: ``每月对3座小煤矿开展一次``) (``raw`` then runs from 每 to the
  count); ``每月26日前`` and ``每年4月份的第一周`` keep their day in ``raw``. ``于次月5日前报送上月…`` (a sentence that
  names the monthly cycle: 上月, 当月, 每月, 本月起) → ``recurring`` month, read once beside the month's own recurrence
  (``每月汇总…，于次月5日前报送``).
- A text in traditional script (``年內``, ``於次年``, ``每週``) is read through OpenCC's t2s, one character for one.
- A table cell (:func:`parse_deadline`) also reads a year alone (``2024年`` → by its end), a year and month in
  figures (``2024.12`` → that month) and month.day ranges (``4.1-4.10``; in running text they may be measures).
- A line break inside a date (a hard-wrapped copy: ``于2024年6\n月30日前``) is read through, as a space is.
- Masked parts (``x``, ``xx``, ``XX``, ``*``, the blanks ``_``/``□`` of a
  template: ``20__年9月1日``) give ``masked`` true and null dates.
- Without a year (``year`` None) a deadline that does not name its own year
  keeps kind and raw with null dates. ``今年`` resolves to ``year``; so does
  ``明年``, because the caller already passes the next year for a report's
  明年 part.
- Not deadlines: manners and occasions (常态化, 持续, 定期, 节前, 汛前, 会后, 尽快,
  岁末年初, 重点时段, 节日期间, 每逢节假日, ``年前`` = before Spring Festival,
  ``本月底前`` = no month named), starts (``2025年起``), years alone, coined
  names (三年行动, 十四五), list and document numbers, durations (``3个月``,
  ``三年内``, ``5个工作日内``) and quantities; reporting dates (``截至6月30日``);
  a period described rather than scheduled (``今年6月份是安全生产月``,
  ``5—9月是主汛期``); dates of a cited document (inside ``《…》`` or after
  ``关于``: ``关于2024年一季度…的通报``); a date line alone (a signature); a period named as the time to
  watch (``紧盯四季度岁末年初关键节点``: followed by 节点/时段/关口, without 前/底/止); 每年/每月 of a rate
  (``每年补助标准不低于3000元``: a standard or a sum of money in its clause, no count; but a yearly budget,
  ``每年安排…不少于800万元``, recurs); a period that modifies a noun (``做好四季度安全防范工作``,
  ``上半年目标责任落实情况``) or the quarter a plan or a record is of (``一季度计划未完成部分``, ``第三季度…卷宗评查``),
  a meeting named by its quarter (``召开二季度安全生产形势分析会``) or a month by
  what was found in it (``对10月份检查发现的隐患``, ``第一季度…安全生产检查中排查出的隐患``); holidays and seasons
  (春节前, 国庆节前, 汛期前: occasions).
"""

from __future__ import annotations

import bisect
import calendar
import re
from dataclasses import dataclass, replace
from datetime import date, timedelta

from ..model import Deadline
from ..script import t2s

__all__ = ["find_deadlines", "deadline_starts", "parse_deadline", "cell_deadlines", "is_inverted"]

# -- building blocks ---------------------------------------------------------
MASKCH = "xX×＊*ｘＸ_＿□"  # x, X, *, and the blanks of a template (20__年, □月)
MASK = r"[xX×＊*ｘＸ_＿□]{1,4}"
_CNDIGIT = "〇○零0一二三四五六七八九"
_Y = rf"\d{{4}}|\d{{2,3}}[xX×＊*ｘＸ_＿□]{{1,2}}|{MASK}|[{_CNDIGIT}]{{4}}"  # 2024, 20xx, 20__, 二〇二四
_M = rf"1[0-2]|0?[1-9]|十[一二]?|[一二三四五六七八九]|{MASK}"
_D = rf"3[01]|[12]\d|0?[1-9]|三十一?|二十[一二三四五六七八九]?|十[一二三四五六七八九]?|[一二三四五六七八九]|{MASK}"
_NUMC = r"\d+|[一二两三四五六七八九十]{1,3}"
_BEFORE = r"之前|以前|前(?![后期夕往来二三两几四五六七八九十\d个])"
_UNTIL = r"为止|止"  # 至5月31日止: until that day
_TOD = (r"(?:上午|下午|中午|晚上|晚间|早上|凌晨|傍晚)?"  # 11月18日下午之前, 下午4:00分前, 17时前
        r"(?:\d{1,2}[:：]\d{2}分?|\d{1,2}[时点](?:\d{1,2}分|半)?|[一二三四五六七八九十]{1,3}[时点]半?)?")
_WEEKDAY = r"[(（](?:星期|周|礼拜)[一二三四五六日天][)）]"  # 6月8日（星期二）上午9:00
_DASHES = r"—–\-~～－―〜‐‑‒─﹣"
_SEP = rf"(?:起|开始)?(?:至|到)|[{_DASHES}]+|一(?=\d)"
_NOT_AFTER_NUM = r"(?<![\d一二三四五六七八九十两几〇零每第])"
_THIS_YEAR = r"今年|本年|当年|明年"
# 于 and 在 as prepositions, not inside a word (关于2020年…, 对于, 由于; 现在, 存在, 正在)
_AT = r"(?<![关对由位属终基鉴用便利过等])于|(?<![正现存所实旨意好内外自])在"


SINGLE_RE = re.compile(  # (至|于)? (year)? month (day (time of day)? | 旬 | 底 | 份)? (前|止)?
    rf"{_NOT_AFTER_NUM}(?P<pre>截至|截止到?|至|到|{_AT})?(?:(?P<y>{_Y})年|(?P<ty>{_THIS_YEAR})|(?P<ny>次年|翌年|第二年))?"
    rf"(?P<m>{_M})月"
    rf"(?:(?P<d>{_D})[日号](?:{_WEEKDAY})?(?P<tod>{_TOD})|(?P<dek>[上中下]|上中|中下)旬|(?P<eom>底|末)|(?P<fen>份))?"
    rf"(?:(?P<before>{_BEFORE})|(?P<until>{_UNTIL}))?")
RANGE_RE = re.compile(
    rf"{_NOT_AFTER_NUM}(?:(?P<ay>{_Y})年|(?P<aty>{_THIS_YEAR})|(?P<any>次年|翌年|第二年))?(?P<am>{_M})月"
    rf"(?:(?P<ad>{_D})[日号]?|(?P<adek>[上中下]|上中|中下)旬|份)?(?:{_SEP})"
    rf"(?:(?P<byend>年底|年末)|(?:(?P<by>{_Y})年|(?P<bty>次年|翌年|第二年|明年))?(?:(?P<bm>{_M})月)?"
    rf"(?:(?P<bd>{_D})[日号]|(?P<bdek>[上中下]|上中|中下)旬|(?P<beom>底|末)|(?P<bfen>份))?)(?:{_BEFORE}|{_UNTIL})?")
MONTHS_RE = re.compile(  # 5—10月份, 5-10月: the first month written without 月
    rf"{_NOT_AFTER_NUM}(?:(?P<ay>{_Y})年|(?P<aty>{_THIS_YEAR}))?(?P<am>{_M})(?:{_SEP})(?P<bm>{_M})月(?P<fen>份)?")
DOTTED_RE = re.compile(  # 2024.6.30前, 2024/06/30, 2024-06-30 (a table cell)
    rf"(?<![\d.])(?P<y>\d{{4}})(?P<s>[./\-])(?P<m>1[0-2]|0?[1-9])(?P=s)(?P<d>3[01]|[12]\d|0?[1-9])(?![\d.])"
    rf"(?P<before>{_BEFORE})?")
MD_DOTTED_RE = re.compile(  # 4.15前, 6.30之前, 6/30前 (a table's or a notice's month.day, no year): only with 前
    rf"(?<![\d.．/\-])(?P<m>1[0-2]|0?[1-9])(?P<s>[.．/])(?P<d>3[01]|[12]\d|0?[1-9])(?![\d.．%/])(?P<before>{_BEFORE})")
MD_RANGE_RE = re.compile(  # 4.1-4.10, 4.1—10 (a phase label's or a table cell's days, no year): in a cell only
    rf"(?<![\d.．/\-])(?P<am>1[0-2]|0?[1-9])[.．](?P<ad>3[01]|[12]\d|0?[1-9])\s*(?:[—–\-~～－]+|至|到)\s*"
    rf"(?:(?P<bm>1[0-2]|0?[1-9])[.．])?(?P<bd>3[01]|[12]\d|0?[1-9])(?![\d.．%])(?:{_BEFORE}|{_UNTIL})?"
    rf"(?![^\s,，;；。、)）]{{0,2}}?(?:米|吨|元|倍|公里|千克|小时|分|度|%|级|万|亿))")
YEARS_RE = re.compile(  # 2020年至2022年, 2024—2026年，: from the first year's first day to the last's last
    rf"(?<![\d〇○零一二三四五六七八九])(?P<ay>{_Y})(?P<a_nian>年)?(?:(?:起|开始)?(?:至|到)|[{_DASHES}]+)(?P<by>{_Y})年"
    # not a period that names a plan or a season (2023—2024年度冬春火灾防控, 2024—2026年行动计划)
    rf"(?![度底末初内间上下第\d])")
GLUED_RE = re.compile(r"(?<![\d.])(?P<g>\d{3,4})月(?P<fen>份)?")  # 510月份: a lost separator
_ITEM = rf"(?:(?:{_Y})年)?(?:{_M})月份?(?:(?:{_D})[日号]|(?:[上中下]|上中|中下)旬|底|末)?"
LIST_RE = re.compile(  # 3月、6月、9月、12月底前; 6月中旬、12月中旬前; 1月、4月、7月、10月的5日前: the last's 底/日/前 is every item's
    rf"{_NOT_AFTER_NUM}(?P<items>{_ITEM}(?:(?:、|和|及|与)(?:{_ITEM}))+)(?:的(?P<sd>{_D})[日号])?(?P<before>{_BEFORE})?")
YEARLY_RE = re.compile(  # 每年6月30日和12月25日前: twice a year (as 3月、6月、9月、12月底前 is every quarter)
    rf"每年的?(?P<items>(?:{_M})月份?(?:(?:{_D})[日号]|底|末)?(?:(?:、|和|及|与)(?:{_M})月份?(?:(?:{_D})[日号]|底|末)?)+)"
    rf"(?P<before>{_BEFORE})?")
_ITEM_RE = re.compile(
    rf"(?:(?P<y>{_Y})年)?(?P<m>{_M})月份?(?:(?P<d>{_D})[日号]|(?P<dek>[上中下]|上中|中下)旬|(?P<eom>底|末))?")
YEAR_RE = re.compile(
    rf"(?<![上去前往近每岁\d一二三四五六七八九十两几数多个半周])"
    rf"(?P<pre>(?:计划|力争|争取|确保)?(?:截至|截止到?|至|到|{_AT})?)"
    rf"(?:(?P<y>{_Y})|(?P<ty>今|本|当|明))?(?P<dup>年(?=年))?年(?P<part>底|末|度?内(?!容))?(?P<before>{_BEFORE})?"
    # 2000年以前建成的自建房: an age that describes things, not a time to finish by
    r"(?![^,，;；。、\n]{0,4}?(?:建成|建造|修建|建设|投用|投产|竣工|出生|登记|注册|出厂|购置|生产)的)")
# a period that modifies a noun (做好四季度安全防范工作, 上半年目标责任落实情况, 二季度安全生产形势分析会): the period
# the work or the record is of, not a time to finish by
_OF_PERIOD = (r"(?:安全生产|安全防范|安全)?(?:工作|情况|形势|总结|目标|任务)|计划(?:未|的|内|任务|目标|数|量|执行|完成情况)"
              r"|(?:行政处罚|执法|事故|安全生产)?(?:案件)?(?:卷宗|案卷|报表|统计数据)")
# months that name the period a record or a plan is of (通报1—10月事故情况, 做好12月份安全生产执法检查计划编制工作): the
# nouns of the record only, never a verb between (6月开展检查并报送情况 is a schedule)
OF_MONTHS = re.compile(r"的?(?:全[省市区县镇乡])?(?:安全生产|安全|消防|防汛|生产|事故|执法|检查|督查|值班|隐患|排查|培训|"
                       r"工作|统计|监管)*(?:计划|总结|情况|数据|形势|报表|要点)")
QUARTER_RE = re.compile(
    rf"(?<![每本上下前后近\d])(?:(?P<y>{_Y})年|(?P<ty>{_THIS_YEAR}))?第?(?P<q>[一二三四1-4])季度(?:末|底)?"
    # 第四季度发生较大事故的乡镇: the time of an event named, not a time to finish by
    rf"(?:{_BEFORE})?(?!以来|度|[^\s,，;；。、]{{0,10}}?(?<![社委协学商])会(?![同商签审])|内?(?:发生|出现|发现|查出|排查出)"
    rf"|{_OF_PERIOD})")
HALF_RE = re.compile(  # 上半年, 2011上半年
    rf"(?<![每本前近对把将\d])(?:(?P<y>\d{{4}}|{MASK}(?=年))年?|(?P<ty>{_THIS_YEAR}))?(?P<h>[上下])半年(?:末|底)?"
    rf"(?:{_BEFORE})?(?!以来|来|[^,，;；。、\n]{{0,6}}的|{_OF_PERIOD})")  # not 对上半年排查出的隐患: a period named, not a deadline
REMAIN_RE = re.compile(r"今年(?:剩余|剩下|余下)的?(?:时间|时日|日子|几个月)")
_STOP = r",，;；。:：!！?？、\n()（）"
_STOP_CLAUSE = r",，;；。:：!！?？\n()（）"  # a list (、) may stand between 每月 and its 至少…N次
# inside the filler between 每月 and its count: a numeral that is part of a word (深入一线, “两客一危”), not a count
# (一次, 两轮), and a short parenthetical (各县（区）, 各县（市、区）)
_WORD_NUM = r"[一二两三四五六七八九十](?![一二两三四五六七八九十]*(?:次|个|场|期|轮|批|项|份|篇|件|起|回|遍))"
_PAREN = r"[(（][^()（）,，;；。\n]{1,6}[)）]"
# a number of the objects in the filler (每月对3座小煤矿开展一次): its measure word is not a count of acts
_OBJ_NUM = r"\d+(?=[座家个所处户名辆台条艘栋间片支只套类])"
# 按季度记录, 按月报送: a recurring act (a record, a report, a check); not a manner of keeping (按月建立工作台账)
_BY_PERIOD = r"按(?=(?:季度?|半年|月|周)(?:记录|报送|上报|通报|报告|开展|组织|召开|检查|调度|统计|汇总|分析|研判|考核|评估))"
# the act of a shorthand rate, once per period: 一报 (but 一报送 is 报送 on day one: 每周一报送 is on Mondays) and
# 一调度, 一通报, 一研判 … (一周一调度, 每月一通报)
_ONCE = r"(?:报(?![送告道表名])|调度|通报|研判|督查|会商|讲评|分析|督办)"
# a time of day, or a list of them (每日8时、16时两次: the count after the list)
_TIMES = (r"(?:上午|下午|晚上)?(?:\d{1,2}[:：]\d{2}|\d{1,2}[时点])"
          r"(?:[、和及](?:上午|下午|晚上)?(?:\d{1,2}[:：]\d{2}|\d{1,2}[时点]))*")
REC_RE = re.compile(
    rf"(?:每(?!逢)(?:个|一)?|{_BY_PERIOD})(?P<f>季度|季|半年|学期|年度?|月|周|星期|礼拜|日|天)"
    rf"(?:的?(?:(?:{_M})月份?|第[一二三]个月|最后一个月|首月|末月)?(?:(?:{_D})[日号]|[上中下]旬|底|末|的?第[一二三四五1-5]个?(?:周|星期))"
    rf"|的?(?:{_M})月份?|年(?:底|末)|{_TIMES})?(?:{_BEFORE})?"
    rf"(?:(?:[^{_STOP_CLAUSE}]|{_PAREN}){{0,30}}?(?:至少|不少于|不低于|最少|最低)(?:[^{_STOP}\d一二两三四五六七八九十]|"
    rf"[一二三四五六七八九十]、|[一二三四五六七八九十](?=级)|{_WORD_NUM}|{_PAREN}|{_OBJ_NUM})"  # 至少对全市一、二级…企业督导检查1次
    rf"{{0,24}}?(?P<ca>{_NUMC})(?:次|个|场|期|轮|批|项|份|篇|件|起|回|遍)"
    # 每周对主次干道、广告牌开展一次巡查, 每周在融媒体中心播发1期, 每季度联合县消防救援大队对农村“三合一”场所、出租屋
    # 开展一次…: the count of the clause (a list, an actor and an object may stand before it)
    rf"|(?:[^{_STOP_CLAUSE}\d一二两三四五六七八九十]|{_WORD_NUM}|{_PAREN}|{_OBJ_NUM}){{0,32}}?(?P<cb>{_NUMC})(?:次|期|场|轮|遍)(?!性)"
    rf"|(?P<cc>一){_ONCE})?")  # 督导情况每周一报, 每周一调度: once
# 一周一报, 一月一调度 written without 每: once per period
ONE_PER_RE = re.compile(rf"(?<![每\d一二两三四五六七八九十第])一(?P<f>周|月|季度|季|日|天)一{_ONCE}")
NEXT_MONTH_RE = re.compile(rf"次月(?P<d>{_D})[日号](?P<tod>{_TOD})(?:{_BEFORE})")  # 于次月5日前报送上月…
# what makes 次月X日前 the limit of every month's cycle (上月的数据, 每月汇总, 自本月起): without it, the month after an
# unnamed event (活动结束后，于次月5日前上报) is relative to an unknown start (SPEC §5)
MONTHLY_CUE = re.compile(r"上月|上个月|当月|每月|逐月|按月|本月起|每个月")
# A monthly plan's day-only forms (8日前, 15日前完成, 下旬, 月底前, 月内): read only where the caller knows the month the
# document covers (``month``); without it they name no month and are not deadlines.
DAY_RE = re.compile(
    rf"(?<![\d一二三四五六七八九十〇零月号日年第每周个余多几两.．:：/\-])(?<!月的)(?<!月份的)"  # 每季度最后一个月的25日前
    rf"(?P<pre>至|到|{_AT})?(?P<d>{_D})[日号](?P<tod>{_TOD})"
    rf"(?:(?P<before>{_BEFORE})|(?P<until>{_UNTIL}))?")
DAYS_RE = re.compile(  # 1日—10日, 11-20日 in a plan for one month: those days of it
    rf"(?<![\d一二三四五六七八九十〇零月号日年第每周个余多几两.．:：/\-])(?P<a>{_D})[日号]?(?:{_SEP})(?P<b>{_D})[日号]"
    rf"(?:{_BEFORE}|{_UNTIL})?")
DEK_RE = re.compile(rf"(?<![月\d一二三四五六七八九十每])(?P<pre>至|到|{_AT})?(?:本月|当月)?(?P<dek>[上中下]|上中|中下)旬(?P<before>{_BEFORE})?")
EOM_RE = re.compile(rf"(?<![每次上下个岁\d一二三四五六七八九十])(?P<pre>至|到|{_AT})?(?:本|当)?月"
                    rf"(?:底|末|内(?![容部外涵设置业务勤河陆地蒙]))(?P<before>{_BEFORE})?")  # 月底前, 月内
# what makes 每年/每月 a rate rather than a recurrence: a standard or a sum of money in its clause
RATE = re.compile(rf"[^{_STOP_CLAUSE}]{{0,20}}?(?:标准|\d+(?:\.\d+)?\s*[万亿千]?元)")
# but 每年安排专项资金不少于800万元: the work of putting money in the budget, done every year
BUDGET = re.compile(r"(?:都|均|要|须|应)?(?:预算|财政)?(?:安排|投入|列支|拨付|筹措|落实)")  # 每年预算安排…不低于200万元
# a period named as the time to watch, not to finish by (紧盯四季度岁末年初关键节点, 聚焦5—9月主汛期重点时段)
FOCUS = re.compile(r"[^,，;；。:：!！?？\n]{0,10}?(?:节点|时段|关口)")
_LIMIT_WORDS = re.compile(r"前|止|底|末")
START_AFTER = re.compile(r"以来|起(?!草)|开始|至今|以后|之后|后(?!续)")
# a date a label names as the time limit (截止时间为6月30日, 完成时限：6月30日, 报送日期：…): a deadline, not a time stamp
LIMIT_LABEL = re.compile(r"(?:截止|完成|报送|上报|整改|办结|报名)(?:时间|时限|日期|期限)\s*(?:为|是|[:：])?\s*$")
TALLY = re.compile(r"[,，、]?\s*(?:全\S{0,3})?(?:共|累计|已|合计|总计)")
# a period followed by what was done or happened in it (今年1至5月，全市共发生事故6起; 1—5月，全区已排查…): reviewed, not scheduled
TALLY_AFTER = re.compile(r"[,，]?\s*(?:全[省市区县镇乡]|我[省市区县镇乡局])?(?:共|累计|已|合计|总计|先后|发生|全[省市区县镇乡]?共)")
# a day, then the place where the work is held (6月16日在县城人民广场集中举办咨询日活动)
AT_PLACE = re.compile(r"在[^,，;；。:：!！?？\n]{1,16}?(?:集中|统一|同步|联合)?(?:召开|举办|举行|启动|开展|组织)")
CUE_VERB = re.compile(r"(?:集中|全面|统一|同步|联合|继续|深入)?(?:完成|召开|举办|举行|启动|开展|组织)|要|须|必须|务必|将"
                      r"|开始")  # 6月12日要对…, 3月21日下午召开…, 6月集中开展…, 6月8日上午9:00开始
# a year alone opening a clause before the work done in it (…，2019年安排专项经费120万元): by its end (SPEC §8)
YEAR_VERB = re.compile(r"(?:要|须|将|力争|确保)?(?:安排|投入|完成|实现|建成|新建|开展|组织)")
# the count after a list of quarter months (3月、6月、9月、12月底前各汇总通报一次)
LIST_COUNT = re.compile(rf"各?(?:[^{_STOP_CLAUSE}\d一二两三四五六七八九十]|{_WORD_NUM}){{0,12}}?(?P<c>{_NUMC})(?:次|期|场|轮|遍)(?!性)")
ATTRIB = re.compile(r"[^,，;；。、]{0,4}?(?:召开|举行|举办|印发|发布|下发|出台|部署|发生|发现|查出)的")  # 3月召开的会议: a past event named
WITHIN = re.compile(r"(?:以内|之内|内)(?!的|容|部|外|涵|设|置|业|务|勤|河|陆|地|蒙)")  # 6月份内完成, 9月内: within the month
IS = re.compile(r"正?是")  # 6月12日是咨询日 (the day of the work); 6月份是安全生产月 (a month described)
# a day named by its occasion in quotes before the comma (6月16日“安全生产宣传咨询日”，镇安监站…设立咨询点): as 是
NAMED_DAY = re.compile(r"[“\"「『][^”\"」』,，。;；\n]{2,16}日[”\"」』](?:当天|当日|期间)?[,，]")
MODAL = re.compile(r"要|须|必须|务必|力争|确保|争取|将")  # 今年要全面开工: by the end of this year
OPENING = re.compile(r"(?:^|[。;；!！?？\n])\s*[于在]?$")
PAST = re.compile(r"(?<![为除])了(?!解)|已经|已于|共计|累计|先后|发生")  # a dated event, not a schedule
CLAUSE_END = re.compile(r"[。;；!！?？\n]")
# an occasion glossed with its date (节后第一个工作日（2月22日）, 开学第一周（9月1日）), and a phase named with its
# date (动员部署（2025年2月）、集中攻坚（…）): the date is when the work is due
GLOSS_BEFORE = re.compile(r"(?:工作日|[节假]后|[节假]日?前|开学|当天|当日|第[一二三四五六七八九十\d]{1,2}(?:天|周)"
                          r"|阶段|部署|攻坚|提升|整治|自查|排查|验收|总结)[(（]$")
GLOSS_AFTER = re.compile(r"[)）]")
NEWS = re.compile(r"会议(?:强调|要求|指出|认为)|在讲话中|讲话(?:中|时)(?:强调|要求|指出)")  # news of a meeting held
COORD = re.compile(r"和|、|及|与|或|以及")
WHOLE_YEAR = re.compile(r"全年度?")
# a time-limit cell that is a year alone (2024年: by its end, SPEC §8) or a year and a month in figures (2024.12: that month)
CELL_YEAR = re.compile(r"(?P<y>(?:19|20)\d{2})\s*年(?:度|内)?(?:完成)?")
CELL_YEAR_MONTH = re.compile(r"(?P<y>(?:19|20)\d{2})\s*[./\-]\s*(?P<m>1[0-2]|0?[1-9])")
TOPIC = ("关于", "关於")  # 关于2024年一季度…的通报: the topic of a document, not a time requirement
BOOK = re.compile(r"《[^《》]*》")  # the title of a cited document: its dates are not this task's
TRIGGER = re.compile(r"[月年季每]|按[半周]|一[周日天]一|\d{4}[./\-]\d|\d[.．/]\d{1,2}(?:之|以)?前|\d[.．]\d{1,2}\s*(?:[—–\-~～－]|至|到)")
SPACE = re.compile(r"[ \t\u3000\xa0]+")
# a line break inside a date (text copied from a PDF, hard-wrapped: 于2024年6\n月30日前, 于7月\n15日前, 6月30日\n前): the
# line goes on with the date's next part, never with an item number (2024年5月\n1.加强…) or a new date (6月30日\n7月…)
NL_IN_DATE = re.compile(
    r"(?<=[\d年月至到—–\-~～])[ \t\u3000\xa0]*\n[ \t\u3000\xa0]*"
    r"(?=\d{1,2}\s*[月日号]|\d{1,2}\s*[—–\-~～至到]\s*\d{1,2}\s*[日号月]|[月日号旬底末]|[上中下]旬)"
    r"|(?<=[\d日号旬底末])[ \t\u3000\xa0]*\n[ \t\u3000\xa0]*(?=之前|以前|前(?![\d一二三四五六七八九十])|至|到|[—–\-~～]\s*\d)")
# a hard wrap inside a recurrence's clause (每年\n至少组织1次, 每年组\n织1次: a PDF copy): the line goes on with the
# sentence (it breaks after a word, not after punctuation or a table cell, and the next line opens with a word, not an
# item number or a note)
NL_IN_REC = re.compile(r"(?:每(?!逢)(?:个|一)?|按)(?:季度|季|半年|学期|年度?|月|周|星期|礼拜|日|天)[^,，;；。:：!！?？()（）|\n]{0,24}"
                       r"(?<![\s、])(?P<nl>[ \t\u3000\xa0]*\n[ \t\u3000\xa0]*)"
                       r"(?=[\u4e00-\u9fff])(?![一二三四五六七八九十第注])")  # not a table row's cell, an item number, a note
_DATECH = set("0123456789年月日号份旬至到—–-~～－" + _CNDIGIT + "十")
FULLWIDTH = str.maketrans("０１２３４５６７８９", "0123456789")

_FREQ = {"季度": "quarter", "季": "quarter", "半年": "half_year", "学期": "half_year", "年": "year", "年度": "year", "月": "month",
         "周": "week", "星期": "week", "礼拜": "week", "日": "day", "天": "day"}
_CN = {"〇": 0, "○": 0, "零": 0, "0": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_TO = ("至", "到")
_AT_WORDS = ("于", "在")
_ASOF = ("截至", "截止", "截止到")  # 截至5月底 is a reporting date (a metric's as_of), not a deadline


# -- helpers -----------------------------------------------------------------
def _masked(*parts: str | None) -> bool:
    return any(p and any(ch in MASKCH for ch in p) for p in parts)


def _num(s: str) -> int:
    if s.isdigit():
        return int(s)
    if "十" in s:
        a, _, b = s.partition("十")
        return (_CN[a] if a else 1) * 10 + (_CN[b] if b else 0)
    return _CN[s]


def _year(y: str | None, year: int | None) -> int | None:
    if not y or _masked(y):
        return year
    return int(y) if y.isdigit() else int("".join(str(_CN.get(ch, ch)) for ch in y))  # 二〇二四


def _period(y: int | None, m: int, d: int | None = None, dek: str | None = None) -> tuple[date, date] | None:
    """The first and last day of a month, 旬 or day; None when the year is unknown. Raises on a bad date."""
    last = calendar.monthrange(y or 2000, m)[1]  # 2000 is leap: 2月29日 is valid until a year says no
    if d is not None and not 1 <= d <= last:
        raise ValueError(f"no day {m}/{d}")
    if y is None:
        return None
    if d is not None:
        return date(y, m, d), date(y, m, d)
    if dek:  # 上旬, 中旬, 下旬, and two of them (中下旬: the 11th to the month's end)
        thirds = {"上": (1, 10), "中": (11, 20), "下": (21, last)}
        return date(y, m, thirds[dek[0]][0]), date(y, m, thirds[dek[-1]][1])
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
    at: bool = False  # after the preposition 于/在: cued unless the clause tells of the past
    day: bool = False  # a single day (6月12日是咨询日: the day of the work)
    cell_only: bool = False  # a bare 2024-06-30 in running text is a time stamp, not a schedule
    cycle: bool = False  # 次月5日前 of a monthly cycle: read once where the text gives the month's recurrence (每月…)


# -- handlers: (match, year, text) -> _Cand | list[_Cand] | None ----------------
def _done_before(text: str, start: int) -> bool:
    return text.endswith(("已", "已于", "已在", "已经"), 0, start)  # 已于x月x日前全部整改到位: done, not due


def _single(m: re.Match, year: int | None, text: str) -> _Cand | None:
    g = m.groupdict()
    masked = _masked(g["y"], g["m"], g["d"])
    before, until, pre = g["before"], g["until"], g["pre"]
    if pre in _ASOF and not before or not (before or until) and START_AFTER.match(text, m.end()) \
            and not (g["tod"] and text.startswith("开始", m.end())):
        return None  # 截至6月30日(止): a reporting date; 6月1日起: a start (but 6月8日上午9:00开始: that day's hour)
    at = pre in _AT_WORDS
    start = m.end("pre") if at else m.start()
    if _done_before(text, start):
        return None
    y = _year(g["y"], year)
    if g["ny"] and y is not None:  # 于次年1月底前: the year after the document's (a yearly cycle's review)
        y += 1
    p = None if masked else _period(y, _num(g["m"]), g["d"] and _num(g["d"]), g["dek"])
    lo, hi = p or (None, None)
    if before:
        point = hi if (g["d"] or g["dek"] or g["eom"]) else (lo and lo - timedelta(days=1))
        return _Cand(start, m.end(), _by(point, masked))
    if (until or pre in _TO) and TALLY_AFTER.match(text, m.end()):
        return None  # 至10月，全县共检查…: the end of a period reviewed
    if until or pre in _TO or g["eom"]:
        return _Cand(start, m.end(), _by(hi, masked))
    if not g["d"] and (IS.match(text, m.end()) or OF_MONTHS.match(text, m.end())) or ATTRIB.match(text, m.end()):
        return None  # 今年6月份是“安全生产月”: a month described; 5月召开的会议: an event named, not a schedule
    if not (g["d"] or g["dek"] or g["eom"]) and (w := WITHIN.match(text, m.end())):  # 6月份内完成: by the month's end
        return _Cand(start, w.end(), _by(hi, masked), masked=masked)
    if g["fen"] and text.startswith("完成", m.end()):  # 9月份完成: by the month's end, as 10月完成
        return _Cand(start, m.end(), _by(hi, masked), bare=not (g["ty"] or g["ny"] or (pre and not at)), masked=masked,
                     at=at)
    if g["fen"] or g["dek"]:
        return _Cand(start, m.end(), Deadline("range", start=_iso(lo), end=_iso(hi), masked=masked))
    bare = not (g["ty"] or g["ny"] or (pre and not at))
    if g["d"]:  # a single day on which the work happens is due that day (SPEC §8)
        return _Cand(start, m.end(), _by(hi, masked), bare=bare, masked=masked, at=at, day=True)
    if text.startswith("完成", m.end()):
        return _Cand(start, m.end(), _by(hi, masked), bare=bare, masked=masked, at=at)
    return _Cand(start, m.end(), Deadline("range", start=_iso(lo), end=_iso(hi), masked=masked),
                 bare=bare, masked=masked, at=at)


def _list(m: re.Match, year: int | None, text: str) -> list[_Cand] | _Cand | None:
    """Coordinated months sharing the last one's 底/旬/日 and 前: 3月、6月、9月、12月底前 (quarterly), 6月中旬、12月中旬前."""
    items = list(_ITEM_RE.finditer(text, m.start("items"), m.end("items")))
    last, before, shared_day = items[-1], m["before"], m["sd"]
    if len(items) < 2 or not (before or last["eom"]) or _done_before(text, m.start()):
        return None
    if shared_day and any(it["d"] or it["dek"] or it["eom"] for it in items):
        return None  # 6月底、12月的5日前: not one suffix shared
    own = [bool(it["d"] or it["dek"] or it["eom"]) for it in items]
    months = [None if _masked(it["m"]) else _num(it["m"]) for it in items]
    if not any(own[:-1]) and not last["dek"] and (not last["d"] or len(items) == 4) and None not in months:
        # every quarter's month (3月、6月、9月、12月底前; 1月、4月、7月、10月的5日前), every month: a recurring requirement
        if len(items) == 4 and all(b - a == 3 for a, b in zip(months, months[1:])):
            if c := LIST_COUNT.match(text, m.end()):
                return _Cand(m.start(), c.end(), Deadline("recurring", freq="quarter", min_count=_num(c["c"])))
            return _Cand(m.start(), m.end(), Deadline("recurring", freq="quarter"))
        if months == list(range(1, 13)):
            return _Cand(m.start(), m.end(), Deadline("recurring", freq="month"))
    out, y = [], year
    for it, has_own in zip(items, own):
        y = _year(it["y"], y)
        if shared_day:
            d, dek, eom = shared_day, None, None
        else:
            d, dek, eom = (it["d"], it["dek"], it["eom"]) if has_own else (last["d"], last["dek"], last["eom"])
        masked = _masked(it["y"], it["m"], d)
        p = None if masked else _period(y, _num(it["m"]), d and _num(d), dek)
        lo, hi = p or (None, None)
        point = lo and lo - timedelta(days=1) if before and not (d or dek or eom) else hi
        out.append(_Cand(it.start(), m.end() if it is last else it.end(), _by(point, masked)))
    return out


def _yearly(m: re.Match, year: int | None, text: str) -> _Cand | None:
    n = len(list(_ITEM_RE.finditer(text, m.start("items"), m.end("items"))))
    freq = {2: "half_year", 4: "quarter", 12: "month"}.get(n)
    return freq and _Cand(m.start(), m.end(), Deadline("recurring", freq=freq))


def _range(m: re.Match, year: int | None, text: str) -> _Cand | None:
    g = m.groupdict()
    if not (g["bm"] or g["bd"] or g["byend"] or g["bdek"]):  # 6月中旬至下旬: the second 旬 in the first's month
        return None
    if IS.match(text, m.end()) or not g["bd"] and not g["beom"] and OF_MONTHS.match(text, m.end()) \
            or TALLY_AFTER.match(text, m.end()):
        return None  # 5—9月是主汛期: a period described; 通报1—10月事故情况: the period a record is of; 1—5月，全市共…
    masked = _masked(g["ay"], g["am"], g["ad"], g["by"], g["bm"], g["bd"])
    ay = _year(g["ay"], year)
    if g["any"] and ay is not None:  # 于次年1月20日至2月5日: both ends in the year after the document's
        ay += 1
    by = _year(g["by"], None) if g["by"] and not masked else (ay + 1 if ay and g["bty"] in ("次年", "翌年", "第二年") else ay)
    am = _num(g["am"]) if not masked else 1
    bm = _num(g["bm"]) if g["bm"] and not masked else (12 if g["byend"] else am)
    a = _period(ay, am, g["ad"] and not masked and _num(g["ad"]) or None, g["adek"])
    b = _period(by, bm, g["bd"] and not masked and _num(g["bd"]) or None, g["bdek"])
    return _Cand(m.start(), m.end(), Deadline("range", start=None if masked or not a else _iso(a[0]),
                                              end=None if masked or not b else _iso(b[1]), masked=masked))


def _months(m: re.Match, year: int | None, text: str) -> _Cand | None:
    if IS.match(text, m.end()) or OF_MONTHS.match(text, m.end()) or TALLY_AFTER.match(text, m.end()):
        return None
    if _masked(m["ay"], m["am"], m["bm"]):
        return _Cand(m.start(), m.end(), Deadline("range", masked=True))
    y = _year(m["ay"], year)
    a, b = _period(y, _num(m["am"])), _period(y, _num(m["bm"]))
    return _Cand(m.start(), m.end(), Deadline("range", start=_iso(a and a[0]), end=_iso(b and b[1])))


def _dotted(m: re.Match, year: int | None, text: str) -> _Cand | None:
    if START_AFTER.match(text, m.end()) and not m["before"]:
        return None
    day = date(int(m["y"]), int(m["m"]), int(m["d"]))
    return _Cand(m.start(), m.end(), _by(day), cell_only=not m["before"])


def _md_dotted(m: re.Match, year: int | None, text: str) -> _Cand | None:
    if _done_before(text, m.start()):
        return None
    p = _period(year, int(m["m"]), int(m["d"]))
    return _Cand(m.start(), m.end(), _by(p and p[1]))


def _md_range(m: re.Match, year: int | None, text: str) -> _Cand | None:
    am, ad, bd = int(m["am"]), int(m["ad"]), int(m["bd"])
    bm = int(m["bm"]) if m["bm"] else am
    a, b = _period(year, am, ad), _period(year, bm, bd)
    return _Cand(m.start(), m.end(), Deadline("range", start=_iso(a and a[0]), end=_iso(b and b[1])), cell_only=True)


def _years(m: re.Match, year: int | None, text: str) -> _Cand | None:
    """2020年至2022年 (and 2024—2026年, before a comma): a range from the first year's first day to the last's last."""
    if not m["a_nian"] and not text.startswith(("，", ","), m.end()):
        return None  # 2024—2026年安全生产规划: the years a plan is of
    if IS.match(text, m.end()) or OF_MONTHS.match(text, m.end()) or TALLY_AFTER.match(text, m.end()) \
            or ATTRIB.match(text, m.end()):
        return None
    if _masked(m["ay"], m["by"]):
        return _Cand(m.start(), m.end(), Deadline("range", masked=True))
    ay, by = _year(m["ay"], None), _year(m["by"], None)
    return _Cand(m.start(), m.end(), Deadline("range", start=date(ay, 1, 1).isoformat(), end=date(by, 12, 31).isoformat()))


def _next_month(m: re.Match, year: int | None, text: str) -> _Cand | None:
    """于次月5日前报送上月… : every month's report, due in the month after (a recurring month requirement)."""
    lo = max((text.rfind(ch, 0, m.start()) for ch in "。;；!！?？\n"), default=-1) + 1
    stop = CLAUSE_END.search(text, m.end())
    if not MONTHLY_CUE.search(text, lo, stop.start() if stop else len(text)):
        return None
    return _Cand(m.start(), m.end(), Deadline("recurring", freq="month"), cycle=True)


def _glued(m: re.Match, year: int | None, text: str) -> _Cand | None:
    g = m["g"]
    splits = [(int(g[:i]), int(g[i:])) for i in range(1, len(g)) if g[i] != "0"]
    ok = [(a, b) for a, b in splits if 1 <= a < b <= 12]
    if int(g) <= 12 or len(ok) != 1 or IS.match(text, m.end()):
        return None
    a, b = _period(year, ok[0][0]), _period(year, ok[0][1])
    return _Cand(m.start(), m.end(), Deadline("range", start=_iso(a and a[0]), end=_iso(b and b[1])))


def _year_level(m: re.Match, year: int | None, text: str) -> _Cand | None:
    y, pre, part, before = m["y"], m["pre"], m["part"], m["before"]
    masked = _masked(y)
    yr = _year(y, year)
    if pre.endswith(_ASOF) and not before or m["dup"] and not (y or m["ty"]):  # 年年开展: every year
        return None
    if pre.endswith(_TO) and TALLY_AFTER.match(text, m.end()):
        return None  # 2021年至2023年，全县共发生…: the end of a period reviewed
    if part:  # 年底, 年末, 年内, 2025年底前, 2025年年底前
        return _Cand(m.start(), m.end(), _by(yr and date(yr, 12, 31), masked))
    if not y:  # 年前 (Spring Festival), 今年 alone; but 今年要全面开工 is due by the year's end
        if m["ty"] in ("今", "本", "明") and not before and MODAL.match(text, m.end()):
            return _Cand(m.start(), m.end(), _by(year and date(year, 12, 31)))
        return None
    if before:  # 2025年前: before that year
        return _Cand(m.start(), m.end(), _by(date(yr - 1, 12, 31) if yr and not masked else None, masked))
    nxt = text[m.end():m.end() + 2]
    if not pre and (m.start() == 0 or text[m.start() - 1] in ",，;；。") and YEAR_VERB.match(text, m.end()) \
            and not PAST.search(text, m.end(), stop.start() if (stop := CLAUSE_END.search(text, m.end())) else len(text)):
        return _Cand(m.start(), m.end(), _by(yr and date(yr, 12, 31), masked))
    if not pre or re.match(r"[起度初月\d季上下第xX的全中里]|以来|开始", nxt):  # not 在2023年的基础上
        return None
    return _Cand(m.start(), m.end(), _by(yr and date(yr, 12, 31), masked))


# a period named by what a check in it found (第一季度建筑工程安全生产检查中排查出的隐患, 对三季度督查发现的问题): the
# time of the findings, not a time to finish by (as 对10月份检查发现的隐患 for a month)
FOUND_IN = re.compile(r"(?:(?!开展|组织|完成|进行|实施|启动|部署)[^\s,，;；。、]){0,16}?(?:检查|督查|排查|巡查|执法|抽查|暗访|督导|考核)"
                      r"(?:中|时|中所|所)?(?:发现|查出|排查出)的")


def _quarter(m: re.Match, year: int | None, text: str) -> _Cand | None:
    if FOUND_IN.match(text, m.end()):
        return None
    masked, yr, q = _masked(m["y"]), _year(m["y"], year), _num(m["q"])
    end = yr and date(yr, q * 3, calendar.monthrange(yr, q * 3)[1])
    return _Cand(m.start(), m.end(), _by(end, masked))


def _half(m: re.Match, year: int | None, text: str) -> _Cand | None:
    masked, yr = _masked(m["y"]), _year(m["y"], year)
    first = m["h"] == "上"
    return _Cand(m.start(), m.end(), _by(yr and date(yr, 6 if first else 12, 30 if first else 31), masked))


def _remain(m: re.Match, year: int | None, text: str) -> _Cand | None:
    return _Cand(m.start(), m.end(), _by(year and date(year, 12, 31)))


def _one_per(m: re.Match, year: int | None, text: str) -> _Cand | None:
    return _Cand(m.start(), m.end(), Deadline("recurring", freq=_FREQ[m["f"]], min_count=1))


def _recurring(m: re.Match, year: int | None, text: str) -> _Cand | None:
    cnt = m["ca"] or m["cb"] or m["cc"]
    if not cnt and RATE.match(text, m.end()) and not BUDGET.match(text, m.end()):
        return None  # 每年补助标准不低于3000元, 每月发放300元: a rate, not a time requirement
    return _Cand(m.start(), m.end(), Deadline("recurring", freq=_FREQ[m["f"]], min_count=_num(cnt) if cnt else None))


#: an event just before a day count with 前 (活动举办20日前, 开学7日前): that many days before the event, not a day
_EVENT_BEFORE = re.compile(r"(?:举办|举行|召开|开幕|开工|开学|开业|开放|到期|启用|施行|出发|竣工)$")


def _day(m: re.Match, year: int | None, text: str, month: int) -> _Cand | None:
    """8日前 / 15日前完成 / 至20日 / 8日，召开… in a plan for one month: that day of the month."""
    if not (m["before"] or m["until"]) and START_AFTER.match(text, m.end()) or _done_before(text, m.start()):
        return None
    if re.match(r"[内间]|以内|之内", text[m.end():m.end() + 2]):  # 7日内: a duration
        return None
    if m["before"] and not m["pre"] and _EVENT_BEFORE.search(text, 0, m.start()):  # 活动举办20日前: days before an event
        return None
    at = m["pre"] in _AT_WORDS
    start = m.end("pre") if at else m.start()
    p = _period(year, month, _num(m["d"]))
    hi = p and p[1]
    if m["before"] or m["until"] or m["pre"] in _TO:
        return _Cand(start, m.end(), _by(hi))
    return _Cand(start, m.end(), _by(hi), bare=True, at=at, day=True)


def _dek(m: re.Match, year: int | None, text: str, month: int) -> _Cand | None:
    """上旬 / 下旬前 in a plan for one month: that third of the month (a range), or by its end."""
    if START_AFTER.match(text, m.end()) and not m["before"] or _done_before(text, m.start()):
        return None
    start = m.end("pre") if m["pre"] in _AT_WORDS else m.start()
    p = _period(year, month, None, m["dek"])
    lo, hi = p or (None, None)
    if m["before"] or m["pre"] in _TO:
        return _Cand(start, m.end(), _by(hi))
    return _Cand(start, m.end(), Deadline("range", start=_iso(lo), end=_iso(hi)))


def _eom(m: re.Match, year: int | None, text: str, month: int) -> _Cand | None:
    """月底前 / 本月底 in a plan for one month: its last day."""
    if _done_before(text, m.start()):
        return None
    start = m.end("pre") if m["pre"] in _AT_WORDS else m.start()
    p = _period(year, month)
    return _Cand(start, m.end(), _by(p and p[1]))


def _days(m: re.Match, year: int | None, text: str, month: int) -> _Cand | None:
    """1日—10日 in a plan for one month: a range over those days."""
    if IS.match(text, m.end()):
        return None
    a, b = _period(year, month, _num(m["a"])), _period(year, month, _num(m["b"]))
    return _Cand(m.start(), m.end(), Deadline("range", start=_iso(a and a[0]), end=_iso(b and b[1])))


MONTH_PATTERNS = ((DAYS_RE, _days), (DAY_RE, _day), (DEK_RE, _dek), (EOM_RE, _eom))

PATTERNS = ((YEARLY_RE, _yearly), (LIST_RE, _list), (RANGE_RE, _range), (MONTHS_RE, _months), (YEARS_RE, _years),
            (NEXT_MONTH_RE, _next_month), (GLUED_RE, _glued), (DOTTED_RE, _dotted), (MD_DOTTED_RE, _md_dotted),
            (MD_RANGE_RE, _md_range),
            (SINGLE_RE, _single),
            (YEAR_RE, _year_level), (QUARTER_RE, _quarter), (HALF_RE, _half), (REMAIN_RE, _remain),
            (REC_RE, _recurring), (ONE_PER_RE, _one_per))
_UNIT = set("年月日号份旬")
_RANGE_SEP = set("至到—–-~～－")
_NUMCH = set("0123456789" + _CNDIGIT + "十")


_UNIT_SEP = _UNIT | _RANGE_SEP
_NUM_UNIT = _NUMCH | _UNIT
_FULLWIDTH_DIGIT = re.compile("[０-９]")
# the traditional forms (OpenCC s2t, s2tw, s2hk) of the characters the patterns above are written in, and 週: a text
# holding one is read through OpenCC's t2s (年內, 於次年, 每週, 組織開展: tests/test_deadlines.py checks the list)
TRADITIONAL = ("萬與專業兩個爲為舉鄉爭於產億會體餘關內冊農況準幾劃辦務動勢區協廠縣發臺號後噸啓啟諮團場學實審對導將屬歲幹並廣"
               "應開強當錄總執報撥據數時來標檢匯點現監礎確禮籌籤緊級線組織終經結統繼續編聯節範補計認訓議記講設評話詢調責賬購費資"
               "輪較過裏裡鑑鍵鎮間隊陸隱項須週戶條棟災礦罰處規輛堅階驗財預類訪進")
_TRADITIONAL_RE = re.compile(f"[{TRADITIONAL}]")


def _simplified(text: str) -> str:
    """``text`` in simplified characters, one for one (the matches' positions are the original text's)."""
    conv = t2s()(text)
    if len(conv) != len(text):  # a phrase conversion changed the length: convert character by character
        conv = "".join(c if len(c := t2s()(ch)) == 1 else ch for ch in text)
    return conv


def _compact(text: str) -> tuple[str, list[int] | None]:
    """``text`` without the spaces inside date expressions (``2009 年 6 月 1 日至 30 日``) and the line breaks
    inside them (``于2024年6\\n月30日前``: :data:`NL_IN_DATE`) or inside a recurrence's clause (``每年\\n至少组织1次``:
    :data:`NL_IN_REC`), and the original index of every kept character
    (None when nothing was dropped)."""
    drops = [(s.start(), s.end()) for s in SPACE.finditer(text)
             if 0 < s.start() and s.end() < len(text)
             and ((text[s.start() - 1] in _NUMCH and text[s.end()] in _UNIT_SEP)
                  or (text[s.start() - 1] in _UNIT_SEP and text[s.end()] in _NUM_UNIT))]
    if "\n" in text:
        breaks = sorted({(b.start(), b.end()) for b in NL_IN_DATE.finditer(text)}
                        | {(b.start("nl"), b.end("nl")) for b in NL_IN_REC.finditer(text)})
        if breaks:  # a break's own blanks are in it: keep the spaces' drops that do not overlap one
            drops = sorted(breaks + [d for d in drops if not any(a < d[1] and d[0] < b for a, b in breaks)])
    if not drops:
        return text, None
    out, idx, pos = [], [], 0
    for a, b in drops:
        out.append(text[pos:a])
        idx.extend(range(pos, a))
        pos = b
    out.append(text[pos:])
    idx.extend(range(pos, len(text)))
    return "".join(out), idx


# Where the patterns can match. No pattern matches one of the characters of CUT (STOP's clause ends: REC_RE's
# filler stops at them, the other patterns are made of digits, date words, dashes, 、和及与 and colons), and every
# match holds one of its pattern's ANCHORS. So a match lies inside one CUT-delimited segment that holds an anchor:
# finditer over those segments only (the cut after each included, for the lookaheads; the lookbehinds see the
# whole text) finds exactly what finditer over the whole text finds, without trying every position of a document.
CUT = re.compile(r"[,，。;；!！?？\n]")
ANCHORS = {YEARLY_RE: "每", LIST_RE: "月", RANGE_RE: "月", MONTHS_RE: "月", YEARS_RE: "年", NEXT_MONTH_RE: "次",
           GLUED_RE: "月", SINGLE_RE: "月", DOTTED_RE: "./-", MD_DOTTED_RE: ".．/", MD_RANGE_RE: ".．",
           YEAR_RE: "年", QUARTER_RE: "季", HALF_RE: "半", REMAIN_RE: "今", REC_RE: "每按", ONE_PER_RE: "一",
           DAY_RE: "日号", DAYS_RE: "日号", DEK_RE: "旬", EOM_RE: "月"}
MONTH_TRIGGER = re.compile(r"[日号旬]|月[底末内]")
_ANCHOR_RE = {chars: re.compile(f"[{re.escape(chars)}]") for chars in set(ANCHORS.values())}


def _segments(text: str) -> dict[str, list[tuple[int, int]]]:
    """For each anchor set, the (pos, endpos) of the CUT-delimited segments holding one (adjacent ones joined),
    in text order; endpos includes the cut that ends the segment."""
    cuts = [m.start() for m in CUT.finditer(text)]
    n = len(text)
    out = {}
    for chars, rx in _ANCHOR_RE.items():
        segs: list[tuple[int, int]] = []
        out[chars] = segs
        if len(chars) == 1 and chars not in text:  # most task texts: no 季, 半, 今 or 每
            continue
        last = -1
        for a in rx.finditer(text):
            if a.start() < last:
                continue  # in the segment already taken
            i = bisect.bisect_left(cuts, a.start())
            lo = cuts[i - 1] + 1 if i else 0
            hi = cuts[i] + 1 if i < len(cuts) else n
            if segs and lo == last:  # right after the previous one: one finditer over both
                segs[-1] = (segs[-1][0], hi)
            else:
                segs.append((lo, hi))
            last = hi
    return out


def _finditer(rx: re.Pattern, text: str, segs: list[tuple[int, int]]):
    for lo, hi in segs:
        yield from rx.finditer(text, lo, hi)


def _scan(text: str, year: int | None, cell: bool, month: int | None = None) -> list[_Cand]:
    if _TRADITIONAL_RE.search(text):
        text = _simplified(text)
    norm, idx = _compact(text.translate(FULLWIDTH) if _FULLWIDTH_DIGIT.search(text) else text)
    if not TRIGGER.search(norm) and not (month and MONTH_TRIGGER.search(norm)):  # most sentences end here
        return []
    books = [(b.start(), b.end()) for b in BOOK.finditer(norm)]  # in order, not overlapping
    book_starts = [a for a, _ in books]
    segments = _segments(norm)
    cands = []
    patterns = PATTERNS if not month else PATTERNS + tuple(
        (rx, lambda m, y, t, h=h: h(m, y, t, month)) for rx, h in MONTH_PATTERNS)
    for rx, handler in patterns:
        segs = segments[ANCHORS[rx]]
        if not segs:
            continue
        for m in _finditer(rx, norm, segs):
            try:
                found = handler(m, year, norm)
            except (ValueError, KeyError):  # 2月30日, month 13: not a date
                found = None
            for c in found if isinstance(found, list) else [found] if found else []:
                k = bisect.bisect_right(book_starts, c.start) - 1  # the last book opened at or before it
                if c.end > c.start and not (k >= 0 and c.end <= books[k][1]) \
                        and not norm.endswith(TOPIC, 0, c.start) \
                        and not (c.deadline.kind != "recurring" and FOCUS.match(norm, c.end)
                                 and not _LIMIT_WORDS.search(norm, c.start, c.end)):
                    cands.append(c)
    chosen: list[_Cand] = []
    # the chosen never overlap: kept in order of start, the one starting last before a candidate's end is the only
    # one it can overlap (a check against every chosen one was quadratic on a megabyte line)
    chosen_starts: list[int] = []
    for c in sorted(cands, key=lambda c: (c.start - c.end, c.start)):  # longest first
        k = bisect.bisect_left(chosen_starts, c.end)
        if k == 0 or chosen[k - 1].end <= c.start:
            chosen.insert(k, c)
            chosen_starts.insert(k, c.start)
    out: list[_Cand] = []
    news_last = None
    for c in chosen:
        if not cell and c.bare and not c.cell_only and news_last is None:
            news_last = _last_start(NEWS, norm)
        if not cell and (c.cell_only or c.bare and not _cued(norm, c, out[-1] if out else None, news_last)):
            continue
        if _restated(norm, c, out):
            continue
        out.append(c)
    if any(c.cycle for c in out):  # 每月汇总…，于次月5日前报送: the month's recurrence, read once (but beside a count of
        # acts, 每月至少开展1次检查，执法情况次月5日前报…, the report's limit is a requirement of its own)
        out = [c for c in out if not (c.cycle and any(
            o is not c and o.deadline.kind == "recurring" and o.deadline.freq == "month" and o.deadline.min_count is None
            for o in out))]
    if idx is not None:
        out = [replace(c, start=idx[c.start], end=idx[c.end - 1] + 1) for c in out]
    return out


# a time-limit field's label (…每月至少组织一次。（完成时限：每月）)
FIELD_LABEL = re.compile(r"(?:时限|期限|时间|日期)\s*[:：为]\s*$")


def _restated(text: str, c: _Cand, before: list[_Cand]) -> bool:
    """A time-limit field that restates, without its count, a recurrence the text gave before it (…每月至少组织一次。
    （完成时限：每月）): the same requirement, read once."""
    d = c.deadline
    return d.kind == "recurring" and d.min_count is None and FIELD_LABEL.search(text, max(0, c.start - 8), c.start) \
        is not None and any(b.deadline.kind == "recurring" and b.deadline.freq == d.freq for b in before)


def _last_start(rx: re.Pattern, text: str) -> int:
    """The last position where ``rx`` matches (-1: nowhere): ``rx.search(text, p)`` finds a match exactly when
    ``p`` is at most this (for a pattern that looks neither behind nor at the string's ends)."""
    last, m = -1, rx.search(text)
    while m:
        last = m.start()
        m = rx.search(text, last + 1)
    return last


def _cued(text: str, c: _Cand, prev: _Cand | None, news_last: int) -> bool:
    if prev is not None and COORD.fullmatch(text[prev.end:c.start]):
        return True
    if c.end <= news_last:  # 2月10日下午,集团公司召开会议…会议强调,要…: the date of a meeting reported
        return False
    stop = CLAUSE_END.search(text, c.end)
    clause_end = stop.start() if stop else len(text)
    if LIMIT_LABEL.search(text, max(0, c.start - 12), c.start):  # 截止时间为6月30日,共检查…: a reporting date
        return not PAST.search(text[c.end:clause_end]) and not TALLY.search(text, c.end, c.end + 12)
    if c.at or CUE_VERB.match(text, c.end) or (c.day and (IS.match(text, c.end) or AT_PLACE.match(text, c.end)
                                                         or NAMED_DAY.match(text, c.end))) \
            or GLOSS_BEFORE.search(text, max(0, c.start - 8), c.start) and GLOSS_AFTER.match(text, c.end):
        return not PAST.search(text[c.end:clause_end])
    if c.masked or not _opening(text, c.start) or not text[c.end:c.end + 1] \
            or text[c.end] not in ",，、:： ":  # a date line alone (a signature) is no schedule
        return False
    return not PAST.search(text[c.end:clause_end])


def _opening(text: str, end: int) -> bool:
    """``OPENING.search(text[:end])`` without copying the text before ``end``: a match is a cut (or the start),
    blanks and 于/在, so it starts at most one character before the run of blanks, 于 and 在 that ends at ``end``."""
    lo = end
    while lo > 0 and (text[lo - 1] in "于在" or text[lo - 1].isspace()):
        lo -= 1
    return OPENING.search(text, max(0, lo - 1), end) is not None


# -- the API -------------------------------------------------------------------
def find_deadlines(text: str, year: int | None, offset: int = 0, month: int | None = None) -> list[Deadline]:
    """Every explicit time requirement in ``text`` (a task's text), in order.

    Dates resolve against ``year``; ``span`` is ``(offset + start, offset + end)``
    and ``raw`` the matched text. ``month``: the one month the document plans for (a monthly plan,
    ``2024年5月份…工作计划``; see ``pipeline.structure.find_month``), which its day-only forms need (``8日前``,
    ``15日前完成``, ``下旬``, ``月底前``); without it those are not read.
    """
    return [replace(c.deadline, raw=text[c.start:c.end], span=(offset + c.start, offset + c.end))
            for c in _scan(text, year, cell=False, month=month)]


def deadline_starts(text: str, year: int | None, month: int | None = None) -> list[int]:
    """Where :func:`find_deadlines` finds its deadlines in ``text``, in order (``[d.span[0] for d in
    find_deadlines(text, year)]`` without making the deadlines)."""
    return sorted(c.start for c in _scan(text, year, cell=False, month=month))


def cell_deadlines(raw: str, year: int | None, month: int | None = None) -> list[Deadline]:
    """Every deadline of a table's time cell read as :func:`parse_deadline` reads its first (每季度通报进展，年底前完成:
    the recurrence and the limit)."""
    found = _scan(raw, year, cell=True, month=month)
    if len(found) < 2:
        d = parse_deadline(raw, year, month)
        return [d] if d else []
    return [replace(c.deadline, raw=raw[c.start:c.end], span=(c.start, c.end)) for c in found]


def parse_deadline(raw: str, year: int | None, month: int | None = None) -> Deadline | None:
    """The deadline of one phrase (a table cell: ``1月份``, ``2月10日前``, ``6月13日``), or None."""
    found = _scan(raw, year, cell=True, month=month)
    if not found:
        cell = raw.strip()
        span = (raw.index(cell), raw.index(cell) + len(cell)) if cell else (0, 0)
        if WHOLE_YEAR.fullmatch(cell) and year:  # a 完成时限 cell 全年: within the year, by its end (as 年内)
            return Deadline("by_date", date=date(year, 12, 31).isoformat(), raw=cell, span=span)
        if m := CELL_YEAR.fullmatch(cell):  # a cell 2024年: by the end of that year
            return Deadline("by_date", date=date(int(m["y"]), 12, 31).isoformat(), raw=cell, span=span)
        if m := CELL_YEAR_MONTH.fullmatch(cell):  # a cell 2024.12: that month
            p = _period(int(m["y"]), int(m["m"]))
            return Deadline("range", start=_iso(p[0]), end=_iso(p[1]), raw=cell, span=span)
        return None
    c = found[0]
    return replace(c.deadline, raw=raw[c.start:c.end], span=(c.start, c.end))
