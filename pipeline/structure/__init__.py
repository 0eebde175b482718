"""Structure: title, doc_type, year, issuer and the section tree of a cleaned Document.

Headings are found from their markers (一、 (一) 1. (1) ① 一是 一要 第一,) at the
start of a line or, inline, after a finished sentence — inline ones only when they
continue their family's numbering, so that 一是…二是… inside a paragraph are items
but 安全第一, is not. Levels come from nesting: a marker family seen before pops the
tree back to it; a new family nests under the current item. A text that glues
several documents together (the title repeated with 一/二/三 after it) is split
into parts, which become the top-level sections.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from ..model import Document, Section

CN_DIGITS = "零一二三四五六七八九十百"
_CN = "一二三四五六七八九十"


def cn_to_int(s: str) -> int | None:
    """一 → 1, 十二 → 12, 二十三 → 23; None if not a Chinese numeral."""
    if not s or any(c not in CN_DIGITS for c in s):
        return None
    if s == "十":
        return 10
    total, cur = 0, 0
    for c in s:
        if c == "十":
            total += (cur or 1) * 10
            cur = 0
        elif c == "百":
            total += (cur or 1) * 100
            cur = 0
        else:
            cur = CN_DIGITS.index(c)
    return total + cur


# marker families, shallowest first; each regex has a group "n" with the number
FAMILIES: list[tuple[str, re.Pattern]] = [
    # 一、2024年…, 一、10日前… (a monthly plan's items open with their day), 一、5月底前…: an item, not 一、二 or 一.5
    ("一、", re.compile(rf"(?P<n>[{_CN}]{{1,3}})[、.．](?=[^{_CN}、.．\d]|\d{{4}}年|\d{{1,2}}(?:[月日号]|[-—–~～至到]\d{{1,2}}[月日号])"
                       rf"|[{_CN}]{{1,3}}[月日号](?:[^{_CN}、.．]|$))")),
    ("(一)", re.compile(rf"[(（](?P<n>[{_CN}]{{1,3}})[)）]\s*")),
    # 1.4月底前, 1.2009年底前, 1.4—10月开展: an item, not 1.4 or 1.2009
    ("1.", re.compile(r"(?P<n>\d{1,2})(?:[.．](?!\d(?!\d?(?:[月日号]|\s*(?:[—–\-~～－]|至|到)\s*\d{1,2}\s*[月日号])|\d{3}年))\s*|、)")),
    ("(1)", re.compile(r"[(（](?P<n>\d{1,2})[)）]\s*")),
    ("①", re.compile(r"(?P<n>[\u2460-\u2473])")),
    ("一是", re.compile(rf"(?P<n>[{_CN}]{{1,3}})是[,，:：]?")),
    ("一要", re.compile(rf"(?P<n>[{_CN}]{{1,3}})要[,，:：]?")),
    ("第一", re.compile(rf"第(?P<n>[{_CN}]{{1,3}})[,，、:：]")),
]
RANK = {name: i for i, (name, _) in enumerate(FAMILIES)}
_SENTENCE_END = "。;；!?！？:：)）”\n"
_HEADING_END = re.compile(r"[。:：!?！？;；\n|]")

TITLE_WORDS = ("工作要点|工作动态|实施方案|工作方案|活动方案|行动方案|工作计划|工作安排|任务清单|任务分工|工作总结|工作汇报|情况汇报|汇报|"
               "讲话|发言|报告|通报|简报|周报|规划|清单|通知|方案|要点|计划|总结|意见|"
               "分解表|任务表|责任表|安排表|计划表|进度表|一览表|台账")
_TITLE_AT_START = re.compile(rf"^([^,，。;；:：\n]{{4,60}}?(?:{TITLE_WORDS}))")
_FILE_EXT = re.compile(r"\.(?:docx?|pdf|txt|html?)$", re.I)

_SPEECH = re.compile(r"讲话|致辞|发言|讲稿|动员会上|会议上的")
_PLAN = re.compile(r"要点|方案|计划|规划|清单|分工|安排表|安排|实施意见|工作意见")
_REPORT = re.compile(r"总结|汇报|情况|报告|通报|简报|述职|回头看|周报|成效|开展|检查|督查|督促|抓好|召开|推进会")

_ISSUER = re.compile(
    r"((?:[\u4e00-\u9fffXx]{1,12}?)?(?:安全生产委员会办公室|安全生产委员会|安委会办公室|安委会|安委办|应急管理局|应急管理厅|"
    r"应急局|减灾救灾委员会|减灾委员会|防汛抗旱指挥部|消防救援大队|消防大队|人民政府办公室|人民政府|委员会|管理局|镇政府|政府))")


@dataclass
class _Marker:
    family: str
    number: int
    start: int
    marker_end: int
    label: str


_METADATA_KEY = re.compile(r"^\|?\s*(?:信息索引|索引号|所属栏目|发布机构|来源单位|信息分类|公开方式|公开时间|发文字号|印发日期|"
                           r"时效状态|发布时间|访问次数|主题分类|成文日期|文号)")
_NOT_TITLE = re.compile(r"[:：]$|^[\d〇零一二三四五六七八九十]{2,4}年.{1,6}月.{1,6}日$|〔\d{4}〕\d+号$|^\|")
_TITLE_WORD = re.compile(TITLE_WORDS)
_SPAM_PREFIX = re.compile(r"^.*(?:_|app下载|官网入口|手机版)")


_ITEM_START = re.compile(r"(?:[一二三四五六七八九十]{1,3}[、.．]|[(（][一二三四五六七八九十\d]{1,3}[)）]|\d{1,2}[、．]|\d{1,2}\.(?!\d))")


def _tidy_title(t: str) -> str:
    t = _FILE_EXT.sub("", t.strip(" |\t"))
    if _SPAM_PREFIX.search(t):  # a hijacked mirror glues its advert to the title
        rest = _SPAM_PREFIX.sub("", t)
        if _TITLE_WORD.search(rest):
            t = re.sub(r"^下载", "", rest)
    if t.startswith("《") and "》" not in t:
        t = t[1:]
    return t.strip()


# the byline of a web page's article: 发布时间：2024-03-06 10:21　文章来源：…, 来源：… 2018年8月29日, 2024-03-06 来源：…
_BYLINE = re.compile(r"^[|【\[(（]?\s*(?:(?:发布|发表|发文|成文|更新)(?:时间|日期|于)|日期|时间|(?:文章|信息|稿件)?来源|作者|"
                     r"发布者|发布人|浏览次数|点击数|访问量)\s*[:：]"
                     r"|^[|【\[(（]?\s*(?:19|20)\d{2}[-./年]\d{1,2}[-./月]\d{1,2}日?\s*(?:\d{1,2}[:：]\d{2}(?:[:：]\d{2})?)?\s*"
                     r"(?:来源|作者|发布|浏览|阅读|[|】\])）]|$)"
                     # a WeChat account's line: (原创) the account's name(s), the date and the time (青石应急 2024-06-12 08:30)
                     r"|^(?:原创\s*)?(?:[^\s\d,，。:：;；]{2,20}\s+){1,3}(?:19|20)\d{2}[-./年]\d{1,2}[-./月]\d{1,2}日?\s*"
                     r"\d{1,2}[:：]\d{2}(?:[:：]\d{2})?(?:\s|$)")
# a line of site chrome above the article's title: a breadcrumb (首页 > 政务动态), the site's name, a menu
_CHROME_LINE = re.compile(r"[>＞»›]|^(?:首页|当前位置|您的位置|位置)|(?:门户网站|网站|首页|频道)$|[|｜]")


# a line that is only an organisation's name (the issuer over a metadata block), not a title
_ORG_NAME = re.compile(r"[^,，。;；:：\s]{2,30}(?:政府|办公室|委员会|指挥部|局|厅|委|办|中心|大队|支队)")


def _title_over_byline(lines: list[str]) -> str | None:
    """A web copy's title: the line right above the article's byline (发布时间：…　来源：…), where the page's
    chrome (the site's name, a breadcrumb) comes first and the title carries none of the title words (市安委会召开
    2024年第一次全体会议). None when no byline opens the page or the line above it is not title-like."""
    for i, ln in enumerate(lines[:15]):
        if not _BYLINE.match(ln):
            continue
        j = i - 1
        while j >= 0 and not lines[j]:
            j -= 1
        if j < 0:
            return None
        cand = lines[j]
        if not 6 <= len(cand) <= 80 or _CHROME_LINE.search(cand) or _METADATA_KEY.match(cand) \
                or _BYLINE.match(cand) or _NOT_TITLE.search(cand) or cand.startswith(("(", "（")) \
                or cand.endswith(("。", ";", "；", ":", "：", ",", "，")) or _ORG_NAME.fullmatch(cand):
            return None
        return _tidy_title(cand) or None
    return None


def find_title(text: str, meta: dict | None = None, raw_text: str | None = None) -> str | None:
    """The document's title: a metadata 标题 field, else the first title-like line near the top (one with a title
    word: 工作要点, 通知, 讲话 …), else the line above a web page's byline (发布时间：…　来源：…) in the text or in the
    raw page (``raw_text``) when that line is in the text."""
    lines = [ln.strip() for ln in text.split("\n")[:15]]
    for i, ln in enumerate(lines):  # gov-portal metadata: "标题 | …" (value in the same row or the next line)
        m = re.match(r"^\|?\s*标\s*题\s*[|:：]\s*(.*)", ln)
        if m:
            value = m.group(1).strip(" |") or (lines[i + 1].strip(" |") if i + 1 < len(lines) else "")
            if value:
                return _tidy_title(value)
    candidates = []
    for i, ln in enumerate(lines):
        if not ln or len(ln) > 80 or "|" in ln or _METADATA_KEY.match(ln) or _NOT_TITLE.search(ln) \
                or ln.endswith(("。", ";", "；")) or "；" in ln or ln.startswith("【") \
                or _ITEM_START.match(ln) or _CHROME_LINE.search(ln):  # a table row, a digest, a numbered heading
            # (五、11月工作安排), a breadcrumb (首页 > 工作动态)
            continue
        if "," in ln[:12] or "，" in ln[:12]:
            continue
        cand = ln
        # a title broken over two lines: 《…\n…》的通知, or …专项整治行动\n工作计划
        nxt = lines[i + 1] if i + 1 < len(lines) else ""
        if cand.count("《") > cand.count("》") and nxt and len(nxt) <= 40:
            cand += nxt
        elif nxt and len(nxt) <= 12 and _TITLE_WORD.fullmatch(nxt):
            cand += nxt
        candidates.append(cand)
    for cand in candidates:
        if _TITLE_WORD.search(cand):
            return _tidy_title(cand) or None
    byline = _title_over_byline(lines)
    if not byline and raw_text:  # the cleaner took the chrome and the byline away: find them in the raw page
        raw_lines = [ln.strip() for ln in raw_text[:5000].split("\n")[:40]]
        byline = _title_over_byline([ln for ln in raw_lines if ln])
        if byline and byline not in text[:1000]:
            byline = None
    if byline:
        return byline
    m = _TITLE_AT_START.match(text)
    if m and not _CHROME_LINE.search(m.group(1)):
        return _tidy_title(m.group(1))
    html_title = (meta or {}).get("html_title")
    if html_title:
        from ..clean import clean_text

        return clean_text(html_title) or None
    return None


def find_doc_type(title: str | None, text: str) -> str:
    if title:
        from ..learn.doctype import title_class

        # 讲话 names a speech only where the title's grammar allows it (…会议上的讲话), not in news
        # (…出席会议并讲话) nor in a notice (关于学习贯彻…重要讲话精神的通知)
        if _SPEECH.search(title) and title_class(title) in (None, "speech"):
            return "speech"
        if _PLAN.search(title) and not re.search(r"总结|汇报|报告", title):
            return "plan"
        if _REPORT.search(title):
            return "report"
    head = text[:6000]
    speech = len(re.findall(r"同志们|我讲|讲几点意见|我再强调|大家要|提出要求|^[一二三四五六]要", head, re.M))
    plan = 2 * len(re.findall(r"责任单位|牵头单位|配合单位|完成时限|分工负责|[牵]头[,，)）]", head))
    plan += 3 * len(re.findall(r"^\|?\s*(?:牵头单位|责任单位|配合单位|完成时限|工作目标|年度目标)[^|\n]{0,8}\|", head, re.M))
    report = len(re.findall(r"今年以来|年初以来|年内|累计|共检查|排查.{0,6}隐患\d|下一步|取得.{0,4}成效|截至|截止|同比|较上年|"
                            r"比上年|我局|大队|开展了|共发生|予以通报|上半年", head))
    if speech and speech >= max(plan, report) / 2:
        return "speech"
    if plan > report:
        return "plan"
    if report:
        return "report"
    return "other"


_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*年")
_YEAR_RANGE = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*年?\s*[-—–－~～至到]+\s*(?:19|20)\d{2}(?!\d)")
_MASKED_YEAR = re.compile(r"(?:[xX×*＊]{2,4}|[xX]{4}|(?:19|20)[_＿]{2}|二[〇零○Ｏ][xX×*＊_＿]{2})\s*年")
_ISO_DATE = re.compile(r"(?<!\d)((?:19|20)\d{2})[-./](?:0?[1-9]|1[0-2])[-./](?:0?[1-9]|[12]\d|3[01])(?!\d)")
_CN_YEAR = re.compile(r"((?:一[九]|二[〇零○Ｏ0O])[〇零○Ｏ0O一二三四五六七八九]{2})年")
_CN_YEAR_DIGITS = {c: str(i) for i, cs in enumerate(["〇零○Ｏ0O", "一", "二", "三", "四", "五", "六", "七", "八", "九"]) for c in cs}
# a cited document number names its year: 〔2013〕12号, [2011]756号, ﹝2017﹞2号
_DOCNO_YEAR = re.compile(r"[〔\[［﹝【(（]((?:19|20)\d{2})[〕\]］﹞】)）]\s*第?\d")
# a year at the start of a line, glued to what follows (a lost title: 2023一、上半年…), or a year naming a campaign (2023行动)
_BARE_YEAR = re.compile(r"(?:^|(?<=\n))((?:19|20)\d{2})(?=[一二三四五六七八九十(（])|(?<![\d.])((?:19|20)\d{2})(?=行动|专项)")
# a year the document looks forward to (a deadline or target: 2024年5月底前, 到2030年, 至2026年2月28日, 2026年3月1日起)
# or back from (2012年以来) is weak evidence of the year the document is for: a report's 下一步 names next year's
# deadlines, but a plan's deadlines fall in its own year
_FORWARD_BEFORE = re.compile(r"(?:到|至|止|截至|截止)\s*$")
_FORWARD_AFTER = re.compile(r"^\s*年(?:\d{1,2}月)?(?:\d{1,2}日|[上中下]旬|底|末)?(?:前|之前|以前|起|开始)")
_SINCE_AFTER = re.compile(r"^\s*年(?:\d{1,2}月)?(?:\d{1,2}日)?(?:以来|来)")
# the page lines of a document-sharing site or a forum that date the upload or the user, not the document
_NOT_PUBLICATION = re.compile(r"注册|登录|页数|大小|上传|下载|积分")
_CN_FULL_DATE = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*年\s*(?:0?[1-9]|1[0-2])\s*月\s*(?:0?[1-9]|[12]\d|3[01])\s*日")
_CLOCK_AFTER = re.compile(r"[ \t\u3000]*(?:[01]?\d|2[0-3])[:：][0-5]\d(?![\d])")  # 2024年09月27日 18:30: a post's time stamp


def _cn_year(s: str) -> int:
    return int("".join(_CN_YEAR_DIGITS[c] for c in s))


def _year_votes(text: str) -> list[tuple[int, float, int]]:
    """Every year the text states, as (year, weight, position): ¼ for a year looked forward to (and the last year
    of a span), ½ for 以来."""
    out: list[tuple[int, float, int]] = []
    # a span of years (2024—2026年, 《…三年行动计划（2024—2026年）》) is of its first year (SPEC §8); its last year is a
    # bound looked forward to
    ranges = {}
    for m in _YEAR_RANGE.finditer(text):
        ranges[m.end() - 4] = m.start()
        if not text.startswith("年", m.end(1)):  # 2024年—2026年: the first year votes below
            out.append((int(m.group(1)), 1.0, m.start()))
    for m in _YEAR.finditer(text):
        y, s, e = int(m.group(1)), m.start(), m.end(1)
        if s in ranges or _FORWARD_BEFORE.search(text[max(0, s - 3):s]) or _FORWARD_AFTER.match(text[e:e + 12]):
            w = 0.25
        elif _SINCE_AFTER.match(text[e:e + 10]):
            w = 0.5
        else:
            w = 1.0
        out.append((y, w, s))
    for m in _DOCNO_YEAR.finditer(text):
        out.append((int(m.group(1)), 1.0, m.start()))
    for m in _CN_YEAR.finditer(text):
        out.append((_cn_year(m.group(1)), 1.0, m.start()))
    for m in _BARE_YEAR.finditer(text):
        out.append((int(m.group(1) or m.group(2)), 1.0, m.start()))
    return out


def _publication_year(text: str) -> int | None:
    """A web copy's publication line (发布时间:2025-02-21, 来源:… 2018年8月29日, 发表于 2018-7-13), else None."""
    for m in sorted([*_ISO_DATE.finditer(text), *_CN_FULL_DATE.finditer(text)], key=lambda m: m.start()):
        before = text[max(0, m.start() - 16):m.start()]
        if _NOT_PUBLICATION.search(before) or _FORWARD_BEFORE.search(before[-3:]):
            continue  # an upload's date, or a period's bound (自本通告发布之日起至2026年2月28日)
        if m.re is _CN_FULL_DATE and not re.search(r"来源|发布|时间|日期|发表|原创", before) \
                and not _CLOCK_AFTER.match(text, m.end()):
            continue  # a date of the body's own events, not of the page (a page's or a post's has its hour: 18:30)
        return int(m.group(1))
    return None


_IN_FORCE = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日\s*起\s*(?:施行|实施|执行|生效)")
_DUE_IN_YEAR = re.compile(r"(?<![\d至到止])((?:19|20)\d{2})\s*年\s*\d{1,2}\s*月(?:\s*\d{1,2}\s*日|[上中下]旬|底|末)?\s*(?:前|之前|以前)")
_DATE_LINE = re.compile(r"^[(（]\s*((?:19|20)\d{2})\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日\s*[)）]\s*$|"
                        # a minutes' header field: 时间：2010年3月12日上午9:00 (会议时间：…)
                        r"^(?:会议)?时\s*间\s*[:：]\s*((?:19|20)\d{2})\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日"
                        r"(?:\s*[上下]午|\s*晚上)?\s*(?:\d{1,2}[:：时]\d{0,2}分?)?\s*$", re.M)


# a news item's lead: its first line after the title opens with the day of the event, without a year
# (3月5日下午，市安委会召开…; 本网讯 3月5日，…)
_NEWS_LEAD = re.compile(r"^\s*(?:[^\n]{0,12}?讯\s*[:：]?\s*)?(?:\d{1,2}|[一二三四五六七八九十]{1,3})月(?:\d{1,2}|[一二三四五六七八九十]{1,3})日")
_NOT_NEWS_TITLE = re.compile(r"总结|汇报|报告|通报|述职|方案|计划|要点|清单|通知|意见|规划|讲话")


def _news_year(title: str | None, head: str, raw_text: str | None, stated: set[int]) -> int | None:
    """The year of a news item: its byline's (发布时间：2024-03-06) when the body also states that year.

    News of a meeting held in March reviews last year's figures (2023年全市共发生…) more often than it names its
    own year, so the year the body names most is the year reviewed; the page's publication line dates the event,
    and it is taken when the text itself states that year too (SPEC §8: the publication line alone never gives a
    year the document names otherwise). A news item: no title, or a title that is none of the document kinds
    (总结, 报告, 通知, 方案 …), and a body that opens with the day of the event without its year."""
    if title and _NOT_NEWS_TITLE.search(title):
        return None
    lines = [ln for ln in head.split("\n")[:4] if ln.strip()]
    body = lines[1:3] if title and lines and lines[0].strip() == title else lines[:3]
    if not any(_NEWS_LEAD.match(ln) for ln in body):
        return None
    pub = _publication_year(head[:3000]) or (_publication_year(raw_text[:3000]) if raw_text else None)
    return pub if pub in stated else None


_SIGNATURE = re.compile(r"^\s*((?:19|20)\d{2})\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日\s*$")


def _signature_year(text: str) -> int | None:
    """The year of the date line that closes the document (its signature: 2025年4月18日 alone on one of the last
    lines), or None."""
    lines = [ln for ln in text[-600:].split("\n") if ln.strip()][-4:]
    for ln in reversed(lines):
        m = _SIGNATURE.match(ln)
        if m:
            return int(m.group(1))
    return None


def find_year(title: str | None, text: str, raw_text: str | None = None) -> int | None:
    """The year the document is for (SPEC §8 'Year'), or None when the text does not state it.

    The title's year decides (a multi-year plan's first: 2024—2026年 → 2024). Else the year the text
    states most often, counting cited document numbers (〔2013〕12号) and years written in numerals
    (二〇一四年), with half a vote more for the date line that signs it at the end (2025年4月18日: a reply that
    looks back on 2024年 once is for 2025), not counting years it looks forward to (deadlines, targets: 2024年5月底前, 到2030年)
    (a quarter vote: deadlines, targets: 2024年5月底前, 到2030年) and half a vote for 2012年以来; ties
    go to the first stated; a text that names only years it looks forward to states none. A document that masks its own year
    (xx年, 20__年) has none. Only when the text states no year does a web copy's publication line
    (in the text or in the raw page: 发布时间:2025-02-21) give it, except that a news item takes its
    publication year when its body also states it (:func:`_news_year`).
    """
    if title:
        m = _YEAR_RANGE.search(title) or _YEAR.search(title) or re.search(r"(?<!\d)((?:19|20)\d{2})(?!\d)", title)
        if m:
            return int(m.group(1))
        m = _CN_YEAR.search(title)  # 二〇二四年安全生产工作要点
        if m:
            return _cn_year(m.group(1))
        if _MASKED_YEAR.search(title):
            return None
    head = text[:20000]
    dated = _DATE_LINE.search("\n".join(head.split("\n")[:6]))
    if dated:  # a speech's or minutes' own date on a line of its own under the title: (2023年2月16日)
        return int(dated.group(1) or dated.group(2))
    masked = len(_MASKED_YEAR.findall(head))
    votes = _year_votes(head)
    sign = _signature_year(text)
    if sign and votes:  # the date the document was signed breaks a tie with a year its body looks back on
        votes.append((sign, 0.5, len(head)))
    if votes:
        tally: dict[int, float] = {}
        first: dict[int, int] = {}
        for y, w, pos in votes:
            tally[y] = tally.get(y, 0.0) + w
            first[y] = min(first.get(y, pos), pos)
        best = max(tally, key=lambda y: (tally[y], -first[y]))
        if any(w >= 0.5 for _, w, _ in votes):
            if masked > tally[best] * 2:
                return None  # the document masks its own year; the years it names are others'
            news = _news_year(title, head, raw_text, {y for y, w, _ in votes if w >= 0.5})
            return news or best
    if masked:
        return None
    if votes:
        # only years looked forward to: the document's own year is not stated, unless its deadlines name one
        # year to the month, twice or more, and no other (2024年5月底前 … 2024年6月30日前: a plan's deadlines
        # fall in its own year); 至2026年2月28日 / 2026年3月1日起 bound a period, 到2030年 is a target
        due = {int(m.group(1)) for m in _DUE_IN_YEAR.finditer(head)}
        if len(due) == 1 and len(_DUE_IN_YEAR.findall(head)) >= 2 and {y for y, _, _ in votes} == due:
            return due.pop()
        # the page's publication line, where the text names that year only as a limit (截至2024年7月底 in a page of
        # 2024), or only years a period runs on to from the publication (持续到2019年2月28日 in news of December
        # 2018); a plan's own deadlines in a later year (2024年3月底前 on a page of 2023) leave it unknown
        # a rule book's own date of force (本制度自2021年3月1日起施行) when it is the only year the text names
        force = {int(m.group(1)) for m in _IN_FORCE.finditer(text[-3000:])}
        if len(force) == 1 and {y for y, _, _ in votes} == force:
            return force.pop()
        pub = _publication_year(head) or (_publication_year(raw_text[:3000]) if raw_text else None)
        if pub and (pub in {y for y, _, _ in votes}
                    or all(y > pub and _FORWARD_BEFORE.search(head[max(0, pos - 3):pos]) for y, _, pos in votes)):
            return pub
        return None
    return _publication_year(head) or (_publication_year(raw_text[:3000]) if raw_text else None)


# news of a meeting: the body that held it (安和县召开2023年第二次安委会全体会议, 市安委会召开…)
_CONVENER = re.compile(r"^(?P<who>[^,，。:：;；\s]{2,20}?)[:：]?(?:组织召开|召开|举行|举办)")


_MONTH_NUM = r"1[0-2]|0?[1-9]|十[一二]?|[一二三四五六七八九]"
_TITLE_MONTH = re.compile(rf"(?<![\d\-—–~～至到、和及])(?P<m>{_MONTH_NUM})月份?(?![\d\-—–~～至到、和及]|[上中下]旬|底|末|\d*日)")
_MONTH_PLAN = re.compile(r"计划|安排|要点|方案|任务|清单|重点工作|工作重点|打算|部署")
_MONTH_OPENING = re.compile(rf"现将(?:\d{{4}}年)?(?P<m>{_MONTH_NUM})月份?[^。\n]{{0,30}}?(?:工作|任务)(?:安排|计划|要点)(?:如下|如次)")
_NOT_MONTHLY = re.compile(r"年度|季度|半年|学年|学期|(?:19|20)\d{2}\s*[-—–~～至到]")


def find_month(title: str | None, text: str = "") -> int | None:
    """The one month a monthly plan is for (南湖街道2024年5月安全生产工作计划; 现将5月份…重点工作安排如下), whose
    day-only deadlines (``8日前``, ``下旬``, ``月底前``) it resolves against; None for any other document: a title
    naming no month, several months or a span (5—10月, 3月至5月), a day (6月13日), a period longer than a month
    (年度, 季度, 学期), or a month in a title that does not plan (a 10月工作动态 reports)."""
    if title and _MONTH_PLAN.search(title) and not _NOT_MONTHLY.search(title):
        found = _TITLE_MONTH.findall(title)
        if len(found) == 1 and not re.search(r"月.*月", title):
            return cn_to_int(found[0]) if found[0][0] in CN_DIGITS else int(found[0])
        if found:
            return None
    m = _MONTH_OPENING.search(text[:600])
    if m and not (title and _NOT_MONTHLY.search(title)):
        v = m.group("m")
        return cn_to_int(v) if v[0] in CN_DIGITS else int(v)
    return None


def find_issuer(title: str | None) -> str | None:
    if not title:
        return None
    t = re.sub(r"^[(（][^)）]*[)）]", "", title)
    m = _CONVENER.match(t)
    if m:  # the convener, not an organisation named in the meeting's name (…召开二季度安全生产委员会会议)
        who = m.group("who")
        return None if who.startswith(("我", "本")) or re.search(r"\d", who) else who
    m = _ISSUER.search(t)
    if not m:
        return None
    name = m.group(1)
    name = re.sub(r"^(?:关于|在|印发|转发)", "", name)
    name = re.sub(r"^\d{4}年(?:度)?", "", name)
    return name or None


def _candidates(text: str) -> list[_Marker]:
    out = []
    for family, rx in FAMILIES:
        for m in rx.finditer(text):
            s = m.start()
            n = m.group("n")
            num = cn_to_int(n) if n[0] in CN_DIGITS else (ord(n) - 0x245F if "\u2460" <= n <= "\u2473" else int(n))
            if num is None or num == 0:
                continue
            out.append(_Marker(family, num, s, m.end(), m.group(0).strip()))
    out.sort(key=lambda c: (c.start, RANK[c.family]))
    return out


def _split_parts(text: str, title: str | None) -> list[tuple[int, str]]:
    """Starts of glued-together documents: the title repeated with an ordinal (…工作要点一 / 篇二)."""
    if not title or len(title) < 6:
        return []
    core = re.sub(r"(?:精选|范文)?\d+篇$|[(（].*?[)）]$", "", title)
    rx = re.compile(re.escape(core) + rf"(?:[(（]?篇?(?P<n>[{_CN}]|\d)[)）]?)")
    parts = [(m.start(), m.group(0)) for m in rx.finditer(text)]
    return parts if len(parts) >= 2 else []


def _garbled_markers(text: str, flags) -> list[tuple[int, int]]:
    """Line starts where a marker was garbled beyond repair (。ㄈ 进一步…): (start, end of the garbage)."""
    out = []
    for f in flags or ():
        if f.code == "garbled_text" and f.span and "could not be restored" in f.message:
            s, e = f.span
            ls = text.rfind("\n", 0, s) + 1
            if s - ls <= 2 and e > s:
                while e < len(text) and text[e] in " \t":
                    e += 1
                out.append((ls, e))
    return out


def _newline_between(newlines: list[int], start: int, end: int) -> bool:
    """Whether ``text[start:end]`` holds a newline, ``newlines`` being the sorted positions of the text's."""
    import bisect

    return bisect.bisect_left(newlines, start) < bisect.bisect_left(newlines, end)


def find_sections(text: str, title: str | None = None, flags=()) -> list[Section]:
    parts = _split_parts(text, title)
    garbled = _garbled_markers(text, flags)
    part_starts = {s for s, _ in parts}
    last: dict[str, int] = {}
    last_global: dict[str, int] = {}  # numbering that runs on across sections (一、…1. 2. 二、…3. 4.)
    last_pos: dict[str, int] = {}
    stack: list[tuple[str, int]] = []  # (family, index into secs)
    secs: list[dict] = []
    accepted_until = -1
    n_parts = 0

    from ..extraction.deadlines import NL_IN_DATE

    def open_section(family, number, label, start, body_from, level_parent):
        # heading: up to the end of the first sentence/line, or the next marker
        end_m = _HEADING_END.search(text, body_from, body_from + 80)  # one character: past +80 it would not count
        while end_m and text[end_m.start()] == "\n" and (br := NL_IN_DATE.match(text, end_m.start())):
            # a hard-wrapped line broken inside a date (于2024年6\n月30日前): the sentence goes on
            end_m = _HEADING_END.search(text, br.end(), body_from + 80)
        h_end = end_m.start() if end_m else len(text)
        h_end = min(h_end, body_from + 80)
        secs.append({"family": family, "number": number, "label": label, "start": start, "body_from": body_from,
                     "h_end": h_end, "parent": level_parent})

    newlines = [m.start() for m in re.finditer("\n", text)]
    events = sorted([(s, "part", lbl) for s, lbl in parts] + [(s, "garbled", e) for s, e in garbled] +
                    [(c.start, "marker", c) for c in _candidates(text) if c.start not in part_starts],
                    key=lambda e: (e[0], 0 if e[1] == "part" else 1))
    for pos, kind, obj in events:
        if pos < accepted_until:
            continue
        if kind == "part":
            n_parts += 1
            stack = []
            last = {}
            open_section("part", n_parts, obj, pos, pos + len(obj), None)
            stack.append(("part", len(secs) - 1))
            accepted_until = pos + len(obj)
            continue
        if kind == "garbled":  # an item whose number the bytes lost: the next sibling of the open item
            if not stack or stack[-1][0] == "part":
                continue
            fam = stack[-1][0]
            c = _Marker(fam, last.get(fam, 0) + 1, pos, obj, text[pos:obj].strip() or "?")
            stack.pop()
            parent = stack[-1][1] if stack else None
            last[fam] = c.number
            open_section(fam, c.number, c.label, pos, c.marker_end, parent)
            stack.append((fam, len(secs) - 1))
            accepted_until = c.marker_end
            continue
        c: _Marker = obj
        prev = text[pos - 1] if pos else "\n"
        # a table cell starts like a line: "… | 1.编制…"
        at_line_start = prev == "\n" or text[max(0, pos - 2):pos] in ("| ", "|") or (pos > 0 and prev == "|")
        in_stack = [f for f, _ in stack]
        expected = last.get(c.family, 0) + 1
        if at_line_start:
            # a line-initial marker is a heading even when damaged text lost the items before it
            ok = c.number >= expected or c.number == 1 or c.family not in last
        else:
            after_sentence = prev in _SENTENCE_END
            inline_ok_prev = after_sentence or (c.family == "1." and "\u4e00" <= prev <= "\u9fff"
                                                and c.label.endswith((".", "．")))
            # a new list in a new paragraph: a newline between the family's last marker and this one (by bisection
            # over the newlines: slicing the text between them was quadratic on a long line of markers)
            restart = c.number == 1 and _newline_between(newlines, last_pos.get(c.family, pos), pos)
            ok = inline_ok_prev and (c.number == expected or (c.number == 1 and c.family not in last) or restart
                                     or (c.family == "1." and c.number == last_global.get(c.family, 0) + 1 and c.number > 1))
        if not ok:
            continue
        if c.family in in_stack and last.get(c.family) == c.number and prev == "\n" and \
                "|" in text[pos:text.find("\n", pos) % (len(text) + 1)]:
            # the open item's marker and heading again at the start of a table row: a spreadsheet's vertically
            # merged cell, repeated in each row it spans (二、xx | 1.… then 二、xx | 2.…), goes on with the item
            # rather than opening it twice
            open_ = secs[dict(stack)[c.family]]
            heading = text[open_["body_from"]:open_["h_end"]]
            line_start = text.rfind("\n", 0, open_["start"]) + 1
            if heading.strip() and text.startswith(heading, c.marker_end) and line_start == open_["start"] and \
                    "|" in text[open_["start"]:text.find("\n", open_["start"]) % (len(text) + 1)]:
                accepted_until = c.marker_end + len(heading)
                continue
        # nesting: pop back to this family if open, else pop deeper-ranked families and nest
        if c.family in in_stack:
            while stack and stack[-1][0] != c.family:
                f, _ = stack.pop()
                last.pop(f, None)
            stack.pop()
        else:
            while stack and stack[-1][0] != "part" and RANK.get(stack[-1][0], 99) > RANK[c.family]:
                f, _ = stack.pop()
                last.pop(f, None)
        parent = stack[-1][1] if stack else None
        last[c.family] = c.number
        last_global[c.family] = c.number
        last_pos[c.family] = pos
        for f in list(last):  # deeper families restart under a new item
            if f != c.family and f not in [x for x, _ in stack]:
                last.pop(f, None)
        open_section(c.family, c.number, c.label, pos, c.marker_end, parent)
        stack.append((c.family, len(secs) - 1))
        accepted_until = c.marker_end
    # levels, ends, headings
    out: list[Section] = []
    levels: list[int] = []
    for i, s in enumerate(secs):
        level = 1 if s["parent"] is None else levels[s["parent"]] + 1
        levels.append(level)
    for i, s in enumerate(secs):
        end = len(text)
        for j in range(i + 1, len(secs)):
            if levels[j] <= levels[i]:
                end = secs[j]["start"]
                break
        # a heading never runs into the next marker
        h_end = s["h_end"]
        for j in range(i + 1, len(secs)):
            if secs[j]["start"] >= s["body_from"]:
                h_end = min(h_end, secs[j]["start"])
                break
        heading = text[s["body_from"]:h_end].strip(" |\t")
        body_start = h_end + (1 if h_end < len(text) and text[h_end] in "。:：!?！？;；" else 0)
        out.append(Section(id=f"s{i + 1}", parent=f"s{s['parent'] + 1}" if s["parent"] is not None else None,
                           level=levels[i], number=s["label"], heading=heading, span=(s["start"], end),
                           marker=s["family"], heading_span=(s["body_from"], h_end), body_start=body_start))
    return out


DOC_TYPES = ("plan", "report", "speech", "other")


def decide_doc_type(title: str | None, text: str, sections: tuple[Section, ...] | list[Section] = ()
                    ) -> tuple[str, dict[str, float], str, str | None]:
    """(doc_type, probability per label, the rule's doc_type, the rule's doc_type from the title alone).

    The trained model (``models/doctype``) decides when it exists, from the title, the opening, the
    headings and cue counts (the rule's vote among them); without it the rule decides and the
    probabilities are one-hot.
    """
    from ..learn import load

    rule = find_doc_type(title, text)
    title_rule = find_doc_type(title, "") if title else None
    model = load("doctype")
    if model is None:
        return rule, {lab: 1.0 if lab == rule else 0.0 for lab in DOC_TYPES}, rule, title_rule
    from ..learn import doctype

    row = doctype.doc_input(title, text, [s.heading for s in sections if s.level <= 2], rule, title_rule)
    proba = doctype.predict_proba(model, row)
    return doctype.best(proba), proba, rule, title_rule


def structure(doc: Document) -> Document:
    """Fill title, doc_type (with ``meta["doc_type_proba"]``), year, issuer and sections."""
    title = find_title(doc.text, doc.meta, doc.raw_text)
    sections = tuple(find_sections(doc.text, title, doc.flags))
    year = find_year(title, doc.text, doc.raw_text)
    doc_type, proba, rule, title_rule = decide_doc_type(title, doc.text, sections)
    meta = {**doc.meta, "doc_type_proba": {k: round(v, 4) for k, v in proba.items()},
            "doc_type_rule": rule, "doc_type_title_rule": title_rule}
    month = find_month(title, doc.text) if doc_type == "plan" else None
    if month:
        meta["month"] = month  # the month a monthly plan is for: its day-only deadlines (8日前) resolve in it
    return replace(doc, title=title, doc_type=doc_type, year=year,
                   issuer=find_issuer(title), sections=sections, meta=meta)
