"""The deadline grammar (SPEC §5, §8): every table row, the forms an analyst meets, and the gold corpus."""

from __future__ import annotations

import json
from collections import Counter

import pytest

from conftest import CORPORA
from pipeline.extraction.deadlines import find_deadlines, is_inverted, parse_deadline
from pipeline.structure import find_month, find_title
from pipeline.model import Deadline

FIELDS = ("kind", "date", "start", "end", "freq", "min_count", "masked")


def by(d, masked=False):
    return ("by_date", d, None, None, None, None, masked)


def rng(s, e, masked=False):
    return ("range", None, s, e, None, None, masked)


def rec(freq, n=None):
    return ("recurring", None, None, None, freq, n, False)


def key(d: Deadline) -> tuple:
    return tuple(getattr(d, f) for f in FIELDS)


# (text, expected deadlines) resolved against 2024; every SPEC §5 row and every form of the brief.
CASES = [
    ("4月底前,制定工作清单", [by("2024-04-30")]),
    ("4月末前完成", [by("2024-04-30")]),
    ("4月30日前报送", [by("2024-04-30")]),
    ("5月前完成", [by("2024-04-30")]),
    ("5月份前完成", [by("2024-04-30")]),
    ("1月前完成", [by("2023-12-31")]),
    ("10月中旬前完成", [by("2024-10-20")]),
    ("10月上旬前完成", [by("2024-10-10")]),
    ("10月下旬前完成", [by("2024-10-31")]),
    ("年底前全部完成", [by("2024-12-31")]),
    ("年内完成评估", [by("2024-12-31")]),
    ("要用好今年剩余的时间,查漏补缺", [by("2024-12-31")]),
    ("上半年完成", [by("2024-06-30")]),
    ("下半年完成", [by("2024-12-31")]),
    ("三季度完成", [by("2024-09-30")]),
    ("第三季度末完成", [by("2024-09-30")]),
    ("第三季度", [by("2024-09-30")]),
    ("一季度", [by("2024-03-31")]),
    ("第二季度", [by("2024-06-30")]),
    ("第四季度", [by("2024-12-31")]),
    ("5—10月份,集中开展防溺水专项行动", [rng("2024-05-01", "2024-10-31")]),
    ("5-10月份,集中开展", [rng("2024-05-01", "2024-10-31")]),
    ("510月份,集中开展防溺水专项行动", [rng("2024-05-01", "2024-10-31")]),
    ("5月至10月,开展", [rng("2024-05-01", "2024-10-31")]),
    ("5月—10月,开展", [rng("2024-05-01", "2024-10-31")]),
    ("1月份", [rng("2024-01-01", "2024-01-31")]),
    ("6月1日至30日,县电视台滚动播放", [rng("2024-06-01", "2024-06-30")]),
    ("6月1至30日,结合安全大检查工作", [rng("2024-06-01", "2024-06-30")]),
    ("6月13日,由县安委办牵头举办宣传咨询活动。", [by("2024-06-13")]),  # a single day: by_date (SPEC §8)
    # a day named by its occasion in quotes (train20c/9705, traditional script)
    ("6月16日“安全生產宣傳諮詢日”，鎮安監站會同鎮派出所在集鎮農貿市場設立諮詢點。", [by("2024-06-16")]),
    ("11月9日“119消防宣传日”当天，各单位要组织开展疏散演练。", [by("2024-11-09")]),
    # a quarter whose check is scheduled, the findings after it (not the quarter the findings are of)
    ("第三季度开展安全检查并对发现的问题整改", [by("2024-09-30")]),
    ("三季度组织督查发现的问题年底前整改到位", [by("2024-09-30"), by("2024-12-31")]),
    ("从2024年11月10日至2025年5月10日,组织专项行动", [rng("2024-11-10", "2025-05-10")]),
    ("11月至次年3月,开展冬春治理", [rng("2024-11-01", "2025-03-31")]),
    ("每季度至少1次", [rec("quarter", 1)]),
    ("每季度", [rec("quarter")]),
    ("每月深入一线", [rec("month")]),
    ("每月26日前,把当月总结报送镇安委会", [rec("month")]),
    ("每半年至少组织1次应急演练", [rec("half_year", 1)]),
    ("每年至少向市安委办报送1个执法案例", [rec("year", 1)]),
    ("每周拿出不少于一半的时间", [rec("week")]),
    ("每日滚动播放", [rec("day")]),
    ("每天巡查", [rec("day")]),
    ("每季度开展不少于1次联合执法", [rec("quarter", 1)]),
    ("每季度至少组织研究1次", [rec("quarter", 1)]),
    ("每季度至少专题研究一次", [rec("quarter", 1)]),
    ("每季度集中开展一批重点整治行动", [rec("quarter")]),
    ("每月抓住一、两项薄弱环节", [rec("month")]),
    ("x月x日前报送", [by(None, True)]),
    ("xx月底前完成", [by(None, True)]),
    ("X月底前完成", [by(None, True)]),
    ("计划xxxx年实现全区覆盖", [by(None, True)]),
    ("X月X日至X月X日,开展", [rng(None, None, True)]),
    ("今年x-xx月份期间", [rng(None, None, True)]),
    ("节前完成50%,至10月中旬,要全部完成", [by("2024-10-20")]),
    ("其余问题确保8月底前整改完毕", [by("2024-08-31")]),
    ("1月20日前", [by("2024-01-20")]),
    ("2月5日前", [by("2024-02-05")]),
    ("今年5月和8月,召开2次联席会议", [rng("2024-05-01", "2024-05-31"), rng("2024-08-01", "2024-08-31")]),
    ("于3月15日前报市安办备案", [by("2024-03-15")]),
    ("于6月13日召开动员会", [by("2024-06-13")]),
    ("10月完成中期评估", [by("2024-10-31")]),
    ("十月底前完成", [by("2024-10-31")]),
    ("十二月份", [rng("2024-12-01", "2024-12-31")]),
    ("六月三十日前", [by("2024-06-30")]),
    ("2月底前", [by("2024-02-29")]),
    ("2025年6月底前", [by("2025-06-30")]),
    ("到2025年,建成体系", [by("2025-12-31")]),
    ("5月至年底", [rng("2024-05-01", "2024-12-31")]),
    ("４月底前", [by("2024-04-30")]),
    ("6月1日至30日,县电视台每日滚动播放", [rng("2024-06-01", "2024-06-30"), rec("day")]),
    # SPEC §8 and the forms of the development corpus, each in its general shape
    ("时间为即日起至11月15日。", [by("2024-11-15")]),
    ("自本通告发布之日起至2026年2月28日,开展整治", [by("2026-02-28")]),
    ("从即日起到11月底", [by("2024-11-30")]),
    ("至6月30日止", [by("2024-06-30")]),
    ("在十月份之前完成安全自检", [by("2024-09-30")]),
    ("十月份前完成", [by("2024-09-30")]),
    ("二〇二五年底前完成", [by("2025-12-31")]),
    ("二0二五年六月底前", [by("2025-06-30")]),
    ("2025年年底前完成", [by("2025-12-31")]),
    ("今年年底前完成", [by("2024-12-31")]),
    ("检查情况于11月18日下午之前以书面形式报我局", [by("2024-11-18")]),
    ("11月18日17时前报送", [by("2024-11-18")]),
    ("请于11月18日下午5点前报送", [by("2024-11-18")]),
    ("企业于11月15日把自查自纠情况报送住建局", [by("2024-11-15")]),
    ("3月21日下午召开全区森林防火工作专题会议", [by("2024-03-21")]),
    ("6月1日上午,会同省指导委员会举行新闻发布会", [by("2024-06-01")]),
    ("县政府办、安监局6月12日要对各单位标语悬挂情况进行督查", [by("2024-06-12")]),
    ("6月12日是安全生产咨询日,届时", [by("2024-06-12")]),
    ("并在2011年投入使用", [by("2011-12-31")]),
    ("今年要全面开工、提速推进", [by("2024-12-31")]),
    ("计划在5月、6月、7月各组织一次督查", [rng("2024-05-01", "2024-05-31"), rng("2024-06-01", "2024-06-30"),
                                           rng("2024-07-01", "2024-07-31")]),
    ("各责任单位要在3月、6月、9月、12月底前,将完成情况报送", [rec("quarter")]),
    ("分别于2022年6月中旬、12月中旬前,将落实情况报送", [by("2022-06-20"), by("2022-12-20")]),
    ("分别于6月、12月底前报送", [by("2024-06-30"), by("2024-12-31")]),
    ("9月5日~25日,每个督查组的督查时间在10天左右", [rng("2024-09-05", "2024-09-25")]),
    ("9月5日～9月25日,开展", [rng("2024-09-05", "2024-09-25")]),
    ("9月5-25日,开展", [rng("2024-09-05", "2024-09-25")]),
    ("九月五日至二十五日,开展", [rng("2024-09-05", "2024-09-25")]),
    ("五至十月份,开展", [rng("2024-05-01", "2024-10-31")]),
    ("十一月至次年三月,开展", [rng("2024-11-01", "2025-03-31")]),
    ("自2026年3月1日起至2026年12月31日", [rng("2026-03-01", "2026-12-31")]),
    ("国务院安委会决定于9月份组织督查", [rng("2024-09-01", "2024-09-30")]),
    ("每日(2008年4月4日—6日)下午4:00分前报送", [rec("day"), rng("2008-04-04", "2008-04-06")]),
    ("把每年4月份的第一周定为预防溺水教育活动周", [rec("year")]),
    ("活动时间: 2009 年 6 月 1 日至 30 日。", [rng("2009-06-01", "2009-06-30")]),
    ("1-6 月 份,开展", [rng("2024-01-01", "2024-06-30")]),
    ("2024.6.30前完成", [by("2024-06-30")]),
    ("20__年9月1日-20__年10月30日", [rng(None, None, True)]),
    ("20xx年6月底前完成", [by(None, True)]),
    # forms no corpus document has yet (issue 7: new documents): a labelled time limit, two thirds of a month,
    # a month.day with 前
    ("报送截止时间为6月30日", [by("2024-06-30")]),
    ("截止日期：6月30日", [by("2024-06-30")]),
    ("完成时限：2021年5月31日", [by("2021-05-31")]),
    ("6月中下旬开展检查", [rng("2024-06-11", "2024-06-30")]),
    ("3月上中旬,开展检查", [rng("2024-03-01", "2024-03-20")]),
    ("10月中下旬前完成", [by("2024-10-31")]),
    ("4.15前报送", [by("2024-04-15")]),
    ("请于6.30之前报送", [by("2024-06-30")]),
]


@pytest.mark.parametrize("text,expected", CASES, ids=[c[0] for c in CASES])
def test_forms(text, expected):
    assert [key(d) for d in find_deadlines(text, 2024)] == expected


def test_month_lengths():
    assert find_deadlines("2月底前", 2023)[0].date == "2023-02-28"
    assert find_deadlines("2月底前", 2024)[0].date == "2024-02-29"
    assert find_deadlines("3月前", 2024)[0].date == "2024-02-29"
    assert find_deadlines("11月份", 2024)[0].end == "2024-11-30"
    assert find_deadlines("2月30日前", 2024) == []


NOT_DEADLINES = [
    "常态化开展", "持续推进", "定期研判", "长期坚持", "节前完成", "汛前检查", "会后即印发", "尽快完成",
    "立刻整改", "岁末年初", "重点时段", "节日期间", "每逢节假日", "2024年起", "自2025年起", "xxxx年起",
    "2024年", "2023行动", "三年行动", "十四五", "1. 推动", "2、加强", "〔2021〕3号", "为期2个月",
    "24小时值班", "排查隐患9542处", "x月xx日,依法拆除", "月底前", "本月底前", "年前完成", "三年内完成",
    "前三季度", "去年底", "上一季度", "本季度有执法案件的", "XX年度安全生产", "截至5月底,共检查4201家",
    "6月1日起施行", "7月以来", "8月后,立足全区", "在5月开展了检查", "六月安全月期间", "2个月内完成",
    "已于x月x日前全部整改到位", "2月20日,石浦镇发生火灾", "6月13日前往现场",
    # durations, occasions and starts (SPEC §5, §8)
    "限期整改", "5个工作日内报送", "一周内完成", "会后立即部署", "汛前完成", "2026年3月1日起,全市范围内取消",
    "从3月8日起,组织宣传车", "今年以来", "年年开展", "对上半年排查出的隐患", "截至6月30日止,共检查",
    # periods described, not scheduled; dates of a cited document; the dates of past events
    "今年6月份是全国第四个“安全生产月”", "5—9月是主汛期", "七八月份正是炎热夏季",
    "按照《住房和城乡建设部关于2020年全国城市排水防涝安全责任人名单的通告》的要求",
    "按照《关于切实做好第四季度安全生产工作的通知》的要求", "区安委办关于2024年一季度全区安全生产工作情况的通报",
    "于2月8日、2月13日开展人工增雨作业2次,有效缓解了旱情", "2024年2月26日", "二〇〇九年五月三十一日",
    "发表时间:2006/11/5 9:40:02", "2024-11-01 09:08:29 来源:", "要认真落实在5月召开的全市安全生产会议上的部署",
    "按照今年3月印发的方案", "贯彻6月1日全国安全生产电视电话会议精神",
    "2月10日下午,集团公司召开会议,对春节期间的安全生产工作进行部署。会议强调,要把会议精神学习好",
    "12月10日上午,我市召开专项整治工作会议。X同志在讲话中要求,各级各部门要把隐患排查抓扎实",
    "时间：2020年8月12日上午", "发放宣传资料1.5万份", "增长2.15%", "截止时间为6月30日,共检查企业120家",
    # a day named by its occasion, in a report of what was done (heldout20/2007, heldout23/2305)
    "6月16日“安全宣传咨询日”当天，全区17个街道（镇）同步设立了咨询点", "6月16日“安全宣传咨询日”",
    # a quarter named by what a check in it found (dev/116), as 对10月份检查发现的隐患
    "2019年全国两会期间和第一季度建筑工程安全生产检查中排查出的隐患的整改落实情况。", "对一季度检查发现的问题开展复查",
    "对第三季度督查中发现的问题逐项整改",
]


@pytest.mark.parametrize("text", NOT_DEADLINES)
def test_not_deadlines(text):
    assert find_deadlines(text, 2024) == []


# -- year unknown ------------------------------------------------------------
@pytest.mark.parametrize("text,expected", [
    ("6月1日前,各乡镇设立宣传栏", by(None)),
    ("6月13日,举办宣传咨询活动", by(None)),
    ("至10月中旬,要全部完成", by(None)),
    ("510月份,开展", rng(None, None)),
    ("上半年完成", by(None)),
    ("每季度至少1次", rec("quarter", 1)),
    ("2025年6月底前完成", by("2025-06-30")),
    ("计划2026年实现全覆盖", by("2026-12-31")),
    ("2024年11月10日至2025年5月10日", rng("2024-11-10", "2025-05-10")),
    ("2024年5月至10月", rng("2024-05-01", "2024-10-31")),
    ("3月21日下午召开全区森林防火工作专题会议", by(None)),
    ("6月1日上午,会同省指导委员会举行新闻发布会", by(None)),
    ("今年要全面开工", by(None)),
    ("各责任单位要在3月、6月、9月、12月底前报送", rec("quarter")),
    ("二〇二五年底前完成", by("2025-12-31")),
])
def test_year_none(text, expected):
    assert [key(d) for d in find_deadlines(text, None)] == [expected]


def test_year_none_coordinated():
    found = find_deadlines("计划在5月、6月、7月各组织一次督查,具体时间另行通知。", None)
    assert [key(d) for d in found] == [rng(None, None)] * 3 and [d.raw for d in found] == ["5月", "6月", "7月"]


# -- inverted ranges ---------------------------------------------------------
def test_inverted_kept_as_written():
    (d,) = find_deadlines("从2024年11月10日至2024年5月10日,在全区组织冬春安全治理", 2024)
    assert (d.start, d.end) == ("2024-11-10", "2024-05-10") and is_inverted(d)
    assert not is_inverted(find_deadlines("5月至10月", 2024)[0])
    assert not is_inverted(find_deadlines("4月底前", 2024)[0])
    assert not is_inverted(find_deadlines("5月至10月", None)[0])


# -- raw and span --------------------------------------------------------------
@pytest.mark.parametrize("text,raws", [
    ("认真贯彻,今年5月和8月,召开2次联席会议", ["今年5月", "8月"]),
    ("高危企业主要负责人须每月至少带队全面检查1次,每季度至少组织研究1次安全生产工作", ["每月至少带队全面检查1次", "每季度至少组织研究1次"]),
    ("牢牢把握时间节点。节前完成50%,至10月中旬,要全部完成安装计划。", ["至10月中旬"]),
    ("各单位于3月15日前报市安办备案", ["3月15日前"]),
    ("每月26日前,把当月专项整治工作总结报送镇安委会", ["每月26日前"]),
    ("计划xxxx年实现全区小微企业双体系建设全覆盖", ["计划xxxx年"]),
    ("活动时间: 2009 年 6 月 1 日至 30 日。", ["2009 年 6 月 1 日至 30 日"]),  # spaces kept in raw
    ("请各县区分别于2022年6月中旬、12月中旬前报送", ["2022年6月中旬", "12月中旬前"]),
    ("各责任单位要在3月、6月、9月、12月底前报送", ["3月、6月、9月、12月底前"]),
])
@pytest.mark.parametrize("offset", [0, 1000])
def test_raw_and_span(text, raws, offset):
    found = find_deadlines(text, 2024, offset)
    assert [d.raw for d in found] == raws
    for d in found:
        s, e = d.span
        assert text[s - offset:e - offset] == d.raw


# -- table cells ---------------------------------------------------------------
@pytest.mark.parametrize("cell,expected", [
    ("1月份", rng("2024-01-01", "2024-01-31")),
    ("2月10日前", by("2024-02-10")),
    ("6月13日", by("2024-06-13")),
    ("全年", by("2024-12-31")),  # a 完成时限 cell: within the year, as 年内 (SPEC §5; gold cells 6 to 2)
    ("2024.6.30", by("2024-06-30")),
    ("11月18日下午之前", by("2024-11-18")),
    ("6月", rng("2024-06-01", "2024-06-30")),
    ("2023年8月至11月", rng("2023-08-01", "2023-11-30")),
    ("集中攻坚阶段(2023年8月至11月)", rng("2023-08-01", "2023-11-30")),
    ("第一季度", by("2024-03-31")),
    ("每月", rec("month")),
])
def test_parse_deadline(cell, expected):
    d = parse_deadline(cell, 2024)
    assert d is not None and key(d) == expected
    assert cell[d.span[0]:d.span[1]] == d.raw


@pytest.mark.parametrize("cell", ["长期", "持续推进", "烟花爆竹", "区应急局", "", "常态化"])
def test_parse_deadline_none(cell):
    assert parse_deadline(cell, 2024) is None


# -- the gold corpus ------------------------------------------------------------
# Gold deadlines whose raw is not in the task text come from elsewhere and are the
# caller's business (pipeline/extraction/tasks.py), so they are skipped here:
# - table cells of 完成时限 / 时间 columns: pool/01 (1月20日前, 2月10日前, 2月5日前),
#   pool/02 (1月份…12月份), heldout/h4 (10), heldout2/k6 (8), heldout3/m5 (6),
#   dev/201 (12月底前), dev/202 (4月, five rows);
# - a stage table beside the task: pool/03 (第一季度…第四季度);
# - phase headings' dates (SPEC §8): heldout2/k1 (10), dev/106 (即日起至11月15日,
#   11月16日至11月18日), dev/108 (5月1日至6月30日, 7月1日至7月31日), dev/506
#   (20__年9月1日-20__年10月30日, four tasks), pairs/05 (2023年8月至11月, 2023年12月至2024年5月).
# heldout4 (20) and heldout5 (11), whose task texts the grammar read without a miss or an extra on their
# first run: the time-limit columns of their tables (p03, p04, 02, 03) and the phase headings of p09 and 03.
# heldout6-9 (71): table columns, phase headings and parentheticals (整改时限:…). On their first run the
# grammar read their task texts with 1 miss and 2 extras: a minimum count behind a list of grades (每季度至少
# 对全市一、二级…企业督导检查1次, now read), and a gold raw written with an ellipsis (每月…不少于1次; the
# gold was corrected to the text's own characters).
# The count is pinned so that a change shows (177 since heldout10 joined: six of its gold deadlines have a raw
# outside the task text).
# heldout11/12 (12 + 12 documents) joined with 46 more (223). On their first run the grammar read their task texts
# with 2 extras, mended since (a meeting named by its quarter, 第四季度全体成员会议; an age, 2000年以前建成的), and 8
# misses, all of one monthly plan whose items open with a day or a third of the month (8日前，…, 下旬，…): those need
# the month the plan covers. The grammar now takes it (``month``, from the title by structure.find_month): every
# task text is read with its document's month, and those 8 agree.
# heldout13-15 (36 documents, 2006-2025) joined with 41 more (264). On their first run the grammar read their task
# texts with 10 extras and 6 misses: a quarter as the time of an event, not a limit (对第四季度发生较大事故的乡镇…约谈,
# 对一季度发现问题企业的复查), now read so; 每周…开展一次 / 每周…播发1期 read without their count (a list before the
# count, a 期), now read; 于次年1月底前 read in the document's year, now the next; left, pinned below until mended
# (4 extras, 2 misses, all heldout14): a report's own-year limit read against the next year because a focus period
# beside it (紧盯四季度岁末年初关键节点) reads as a second limit, and 每年 of a standard (每年补助标准不低于3000元) read as a
# recurrence beside 年内. Mended since (all 835 agree): a period followed by 节点/时段/关口 is a time to watch, not a limit
# (FOCUS), and 每年/每月 before a standard or a sum of money is a rate (RATE).
# train16a-l (108 training documents) joined with 142 more (406): all time-limit columns of task tables (6103, 6104,
# 6105, 6306, 6607, 6709, 6904, 6906, 6910, 7008, 7201, 7202, 7206, 7209), a month-by-month schedule table (6309),
# phase headings (6102, 6110, 6511, 6712, 7001, 7006, 7205) and 完成时限 parentheticals (7212). On their first run
# the grammar read their task texts with 23 extras and 32 misses; mended since (11 extras, 13 misses left): a count
# behind a word holding a numeral or a parenthetical (每月至少深入一线检查2次, “两客一危”, 各县（市、区）), 每学期 (half
# year), a yearly budget (每年安排…不少于800万元: recurring, not a rate), two dates a year (每年6月30日和12月25日前:
# half-yearly), a quarter list's count (3月、6月、9月、12月底前各…一次), a period modifying a noun (四季度安全防范工作,
# 上半年目标责任落实情况), a meeting named by its quarter whatever stands between (二季度安全生产形势分析会), a month
# named by what was found in it (10月份检查发现的), a weekday in parentheses and an hour that starts (6月8日（星期二）上午
# 9:00开始), a bare month before an adverb and its verb (6月集中开展), a year alone opening a clause before its work
# (，2019年安排…). tests/test_deadlines_train16.py holds our own sentence for each.
# heldout16-18 (36 documents written blind, 2026-12-05) joined after their first runs; the grammar read their gold task
# texts (first run, end-of-session code) with 3 extras and 2 misses (heldout16 0/1, heldout17 0/0, heldout18 3/1),
# pinned then; 36 more gold deadlines outside their task texts (table time columns, phase lines). Mended since (all
# agree): a day then the place the work is held in (6月16日在…广场集中举办), the months a record or a plan is of (通报1—10月
# 事故情况, 12月份…检查计划编制工作) and an hour after 每日 before its count (每日8时前报送一次);
# tests/test_deadlines_shapes17.py holds our own sentences for each.
SKIPPED_GOLD = 1243  # 1127 before heldout35-38 and train22a-d (96 documents, 116 more: table time columns, phase lines); 1031 before train21a-d (48 documents, 96 more); 961 before heldout31-34 (48 documents, 70 more); 850 before heldout27-30 and train20a-c (82 documents, 111 more: table time columns, phase lines); 825 before train19a-d (48 documents, 25 more); 739 before heldout23-26 (46 documents, 86 more); 662 before train18a-d (48 documents, 77 more); 442 before train17a-h (96 documents, 112 more gold deadlines outside their task texts); 554 before
#: heldout19-22 (46 documents, 108 more)
#: the disagreements of the newest sets left (extra, missed), which the strict check below leaves out. train16's are
#: gold that contradicts SPEC §5/§8 or the older sets, left as annotated (see the report of issue 7's session):
#: c: 年内安装率达到100% unannotated (SPEC §5: 年内 is 12-31); 每月通报一次 without its count (SPEC §5 每季度至少1次,
#:    heldout13-15 每周…一次 counted);
#: d, g: 今年要实现… / 今年要确保… unannotated (dev/410 今年要全面开工 is 12-31); g: 每学期至少组织1次 unannotated
#:    (c/6301, j/7003 and j/7012 annotate the same words half_year 1);
#: f: 本月底前 in a weekly report whose month the title does not give (the caller's month context);
#: i: 今年完成… / 今年新建… / 今年安排… annotated 12-31 (d/6412 今年安排80万元 and the older sets leave them);
#:    每年遴选不少于5个…项目 without its count (samples/002 每季度至少…发布1个 counts 个);
#: j: 全年培训…人次 annotated 12-31 (some thirty 全年 targets in the older sets and train16 are not); 于8月中旬 /
#:    于10月下旬 annotated by_date (SPEC §5 and the older sets: 在11月中旬, 5月上旬 are ranges; b/6211 于6月下旬 too);
#:    年终进行考核 annotated 12-31 (dev/210 年终…考核 is not);
#: k: 于8月下旬 annotated by_date (as j); l: 每学期开学前 unannotated (g/6711 每日下班前 is recurring day).
NEW_SETS = {"heldout13": (0, 0), "heldout14": (0, 0), "heldout15": (0, 0),
            "train16a": (0, 0), "train16b": (0, 0), "train16c": (2, 1), "train16d": (1, 0), "train16e": (0, 0),
            "train16f": (0, 1), "train16g": (2, 0), "train16h": (0, 0), "train16i": (1, 4), "train16j": (3, 6),
            "train16k": (1, 1), "train16l": (1, 0),
            "heldout16": (0, 0), "heldout17": (0, 0), "heldout18": (0, 0),
            # train17 (sixth session), the grammar on their gold task texts after the session's merges, left:
            # a: 月底前 in a minutes' item whose month only the meeting date gives (7304); 完成1—5月…案卷评查, the months
            #    a record is of (7309, read as a range);
            # b: 2020年安排…经费 annotated 12-31 (7411; as train16i against d/6412 and the older sets).
            # Mended by the seventh session: an occasion glossed with its date (节后第一个工作日（2月22日）, a/7312), a count
            # after a hard wrap (每年\n至少组织1次, 每年组\n织1次, b/7402), 每周一报 (d/7610, the count is 一报).
            "train17a": (1, 1), "train17b": (0, 1), "train17c": (0, 0), "train17d": (0, 0), "train17e": (0, 0),
            "train17f": (0, 0), "train17g": (0, 0), "train17h": (0, 0),
            # heldout19-22 (the sixth session's blind sets, moved into corpora/ by the seventh), left:
            # 22: 每学期开学前组织一次 / 每学期不少于2次 unannotated (2210; train16l leaves 每学期开学前 too, c/6301 and
            #    j/7003 annotate 每学期 half_year). Mended by the seventh session: 按季度记录 as quarterly (19/1912), the
            #    count after an actor and an object (每季度联合…对…开展一次, 20/2009), 6月中旬至下旬 to the month's end
            #    (21/2102).
            "heldout19": (0, 0), "heldout20": (0, 0), "heldout21": (0, 0), "heldout22": (2, 0),
            # train18 (seventh session), gold that disagrees with SPEC §5 or the older sets, left as annotated:
            # a: 每学期开学前组织一次 unannotated (8101, as heldout22/2210); 年内为…安装 unannotated (8108; SPEC §5: 年内 is 12-31);
            # b: 每月对…开展一次 / 每月组织一次 annotated month without its count (8206, 8208; heldout13-15 count 一次);
            #    每周一开展一次 annotated week without a count, which also sends the report's 9月底前 to next year (8206);
            #    力争全年检查…不少于800个次 annotated 12-31 (8208; the older sets leave 全年 targets, as train16j).
            # c: gold: 全年立案…不少于30起 / 全年培训不少于… annotated 12-31 (8301, 8307, as b);
            # d: 每日向县防指报送 unannotated (8402); 全年培训… annotated 12-31 and 年内新增… unannotated in one document (8410).
            # Mended by the eighth session (c 3/6 -> 0/3, d 3/2 -> 2/1): 于次年1月20日至2月5日 (次年 applied to a range,
            # c/8312), 2020年至2022年 (a range of years, c/8310), 月内 (the month's end in a monthly plan, c/8304),
            # 20日前，完成第三季度…卷宗评查 (the quarter a record is of, c/8304), 每月对3座小煤矿开展一次 (a count of the
            # objects before the count of acts, d/8412).
            # b/8206's 巡查情况于次月5日前报大队 beside 每月…开展一次 is read (b 4/6 -> 4/5; its 每月 gold leaves uncounted).
            "train18a": (2, 0), "train18b": (4, 5), "train18c": (0, 3), "train18d": (2, 1),
            # heldout23-26 (the seventh session's blind sets, moved in by the eighth), left:
            # 每周五…推送一期 counted 1 (23/2311, gold leaves the count);
            # gold: 全年设立…不少于30个 / 全年组织…培训不少于4800人次 annotated 12-31 (23/2309, 26/2608, as train18b);
            #    3月份完成… annotated as the month's range (25/2510; SPEC §5 gives 1月份 a range in a schedule cell);
            #    a monthly plan's month heading (6月, 12月) found inside its items' words (25/2511).
            # Mended by the eighth session (24 3/3 -> 0/0, 26 0/4 -> 0/1): 于次月5日前…报送上月… read as monthly (24/2409,
            # 26/2609); 年內 and every traditional form (26/2610: the text read through OpenCC); a report's 4月底前…二季度…
            # beside 一季度计划未完成部分 (the quarter a plan is of, 24/2409).
            "heldout23": (1, 2), "heldout24": (0, 0), "heldout25": (1, 3), "heldout26": (0, 1),
            # train19a-d (eighth session's training sets), left: gold that disagrees with SPEC §5 or the older sets:
            # 于8月上旬 / 6月中旬组织一次 / 10月下旬 / 8月下旬 annotated by_date (a/9101, 9107, 9110, c/9308; SPEC and the
            # older sets read a bare 上旬/中旬/下旬 as a range, as train16j); 每周一报 / 每周一开展一次 / 每周通报一次 / 每周开展
            # 一次 / 每季度末前完成一次 annotated without the count (a/9107, c/9302, d/9404-9406; heldout13-15 count it);
            # 每学期开学后一个月内 (a/9105, a limit relative to a start) and 每日巡查 in a 整改要求 (c/9301) unannotated; a
            # report's 6月25日前 resolved against its own year (c/9302).
            # Mended by the eighth session (a 5/5 -> 5/4, b 0/1 -> 0/0, c 4/4 -> 4/3, d 5/7 -> 5/6): 次月5日前…报 as
            # monthly (b/9209, and beside a counted 每月至少开展1次, c/9308), traditional 年內 (a/9108), a phase named with
            # its date in brackets (动员部署（2025年2月）, d/9408), and (d 5/6 -> 3/3) a quarter's month before its day
            # (每季度第一个月10日前召开一次, d/9411), a yearly budget 每年预算安排…不低于200万元 (d/9412), a count of teams before
            # the count of acts (每年汛期前对全县5支专职消防队开展一次, d/9412).
            "train19a": (5, 4), "train19b": (0, 0), "train19c": (4, 3), "train19d": (3, 3),
            # heldout27-30 (the eighth session's blind sets, moved in by the ninth) and train20a-c (ninth session's
            # training sets), pinned at their arrival, left:
            # grammar: 每月最后一个星期五…一次 (27/2705, the weekday of a month), 6月结合“安全生产月”发放 (28/2801, a bare month
            #    before 结合), 较2019年底减少 read as a limit (28/2809, a comparison's base), 按季度向…报告 beside 每月…一次
            #    (29/2908), 每季度末月20日前 beside 次月5日前 (29/2905), a press conference's 下半年…10月底前 sent to next
            #    year (30/3008), 二季度检查计划 (30/3009, the quarter a plan is of, as 24/2409), 6月20日前 read 6-30 after
            #    执法检查数据 of 上半年 (28/2811);
            # gold: 每日…报告一次 / 每季度…报送一次 annotated without the count (30/3003, 3006; heldout13-15 count it);
            #    全年培训不少于3000人次 / 全年对6个县开展 annotated 12-31 (20c/9702, 9710; the older sets leave 全年 targets).
            "heldout27": (0, 1), "heldout28": (2, 1), "heldout29": (0, 2), "heldout30": (5, 3),
            "train20a": (0, 0), "train20b": (0, 0), "train20c": (0, 2),
            # heldout31-34 (the ninth session's blind sets, moved in by the tenth), pinned at their arrival:
            # gold: 每月10日前调度一次 / 每月25日前完成一次 annotated without the count (32/3201, 3207; the split above).
            "heldout31": (0, 0), "heldout32": (2, 2), "heldout33": (0, 0), "heldout34": (0, 0),
            # train21a-d (the tenth session's training sets), pinned at their arrival:
            # grammar: 下半年安全技术措施计划 read as a deadline (21b/2127, 21c/2145: the half-year a plan is of, as
            #    二季度检查计划), 2020年为…配备 (21c/2141, a year alone before 为), a news item's 今晚20时前 / 28日12时前 and
            #    每日6时、12时、18时三次 (21c/2147), 年内再次发生…的 read as a deadline (21c/2149, a condition);
            # gold: 每日16时前 of a 24小时值班 sentence (21b/2129).
            # (21c 4/5 -> 3/4 in the eleventh session: 每日6时、12时、18时三次 counts 3)
            "train21a": (0, 0), "train21b": (3, 1), "train21c": (3, 4), "train21d": (0, 0),
            # heldout35-38 (the tenth session's blind sets, moved in by the eleventh) and train22a-d (the eleventh's
            # training sets), pinned at their arrival after the session's grammar (一周一报 / 一周一调度 / 每月一通报
            # once per period, 每日8时、16时两次 counted: 35 0/2 -> 0/1, 36 2/2 -> 1/0, 22a 1/2 -> 0/1, 22c 6/7 -> 4/5):
            # grammar: a bare month closing a sentence (…，10月, 35/3505); 计划2026年春节前投入使用 read as the year's end
            #    (36/3609; 春节前 is an occasion); 至明年3月底 read in the speech's year by the grammar alone (37/3704: the
            #    pipeline re-reads 明年 in the next year, deadline_context.next_year_said, which this test does not run); 每学期开学前开展一次 read half_year (22d/2240,
            #    as the older sets annotate 每学期); 每周五前 beside 每周对…跟踪 read twice (22d/2241);
            # gold: 上半年把…整改到位 (37/3711, a half-year in a speech, not read in running text); 7月底前 annotated as
            #    the month's range (22a/2203); 9月份完成 / 4月份完成 / 6月份组织 annotated as the month's range where the
            #    grammar reads 份完成 as its end (22b/2216, 22c/2228, 2236; SPEC §5's 1月份 range is a schedule cell's);
            #    6月16日“…咨询日” (22c/2228, a day named by its occasion); 每季度…开展一轮 annotated without the count
            #    (22c/2230); 8月份完成 of a masked year (22c/2233).
            "heldout35": (0, 1), "heldout36": (1, 0), "heldout37": (1, 2), "heldout38": (0, 0),
            "train22a": (0, 1), "train22b": (1, 1), "train22c": (4, 5), "train22d": (2, 0)}


def _month(gold_path) -> int | None:
    txt = gold_path.with_name(gold_path.name.replace(".gold.json", ".txt"))
    if not txt.exists():
        return None
    text = txt.read_text(encoding="utf-8", errors="replace")
    return find_month(find_title(text), text)


def gold_tasks():
    for path in sorted(CORPORA.rglob("*.gold.json")):  # pairs/NN/*.gold.json too
        gold = json.loads(path.read_text(encoding="utf-8"))
        month = _month(path)
        for task in gold["tasks"]:
            yield path.relative_to(CORPORA).parts[0], path.name, gold.get("year"), task, gold.get("doc_type"), month


def test_gold_agreement():
    """Every gold deadline of every task is what the grammar reads in the gold task text, nothing more."""
    counts = Counter()
    wrong = []
    for part, name, year, task, doc_type, month in gold_tasks():
        text = task["text"]
        dls = task.get("deadlines", [])
        gold = Counter(tuple(d.get(f, False if f == "masked" else None) for f in FIELDS)
                       for d in dls if d["raw"] in text)
        pred = Counter(key(d) for d in find_deadlines(text, year, month=month))
        if month:
            counts["all", "month_context"] += sum((gold & pred).values()) - len(find_deadlines(text, year))
        if pred != gold and doc_type == "report" and year:  # a report's plan for next year (the caller's choice)
            pred = Counter(key(d) for d in find_deadlines(text, year + 1, month=month))
        for group in (part, "all"):
            counts[group, "tp"] += sum((gold & pred).values())
            counts[group, "fp"] += sum((pred - gold).values())
            counts[group, "fn"] += sum((gold - pred).values())
            counts[group, "skipped"] += sum(d["raw"] not in text for d in dls)
        if gold != pred and part not in NEW_SETS:
            wrong.append((name, text[:60], sorted(gold - pred, key=str), sorted(pred - gold, key=str)))
    for group in sorted({g for g, _ in counts}):
        print(f"\n{group:9} gold deadlines: {counts[group, 'tp']} agree, {counts[group, 'fp']} extra, "
              f"{counts[group, 'fn']} missed, {counts[group, 'skipped']} skipped (raw not in task text)", end="")
    assert counts["all", "skipped"] == SKIPPED_GOLD
    # read only with the month: heldout12's monthly plan 8日前 ×1, 15日前 ×2, 20日前, 25日前, 上旬, 下旬, 月底前; train16h's
    # (6809, 11月份) 10日前, 15日前, 20日前, 25日前, 中旬, 下旬, 月底前 ×2; heldout18's (1807, 11月份) +1: its day
    # forms agree (before the months a record or a plan is of were read so, 通报1—10月事故情况, it netted -1)
    # train18c a fifth monthly plan (8304, 11月份): +8; its 月内 and its 20日前 beside the quarter a record is of: +2
    assert counts["all", "month_context"] == 27
    assert counts["dev", "tp"] >= 50 and counts["all", "tp"] >= 250 and not wrong, wrong
    for part, (fp, fn) in NEW_SETS.items():  # mending one of them shows here: lower the pinned figure
        assert (counts[part, "fp"], counts[part, "fn"]) == (fp, fn), (part, counts[part, "fp"], counts[part, "fn"])
