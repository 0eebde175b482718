"""Deadline shapes no corpus document had when issue 7 listed them (documents written here, in our own words): phase
headings with date ranges, holiday and season words, monthly plans, time-limit columns, traditional script, relative
and recurring limits, dates broken across lines, focus periods and rates. Each is run through the grammar and, as a
whole document, through the pipeline (the task finder included), so a regression anywhere on the way shows."""

from __future__ import annotations

import pytest

import pipeline
from pipeline.extraction.deadlines import find_deadlines, parse_deadline


def key(d):
    if d.kind == "recurring":
        return ("recurring", d.freq, d.min_count)
    if d.kind == "range":
        return ("range", d.start, d.end)
    return ("by_date", d.date)


# -- the grammar -----------------------------------------------------------------
@pytest.mark.parametrize("text,expected", [
    ("一月底前完成摸底排查", [("by_date", "2024-01-31")]),
    ("各有关部门于第三季度完成验收", [("by_date", "2024-09-30")]),
    ("年底前全面完成整治", [("by_date", "2024-12-31")]),
    ("于十一月底前报送", [("by_date", "2024-11-30")]),
    # holidays and seasons are occasions (SPEC §5, §8); the explicit date beside them is the deadline
    ("各乡镇要在春节前完成一轮隐患排查，1月底前将排查情况报县安委办", [("by_date", "2024-01-31")]),
    ("国庆节前组织开展联合检查", []),
    ("元旦前完成烟花爆竹网点清理", []),
    ("中秋节前开展督导", []),
    ("汛期前完成水库隐患排查", []),
    ("在春节、清明、五一等节假日前开展检查", []),
    # relative limits (SPEC §5: a limit relative to an unknown start) and recurring ones
    ("收到通知后3日内明确一名联络员", []),
    ("整改完成后5个工作日内报送整改报告", []),
    ("每月5日前报送上月隐患排查情况", [("recurring", "month", None)]),
    ("每季度末报送工作进展", [("recurring", "quarter", None)]),
    # four months a quarter apart sharing one day: quarterly
    ("于1月、4月、7月、10月的5日前报送上季度工作情况", [("recurring", "quarter", None)]),
    ("于2月、5月、8月、11月底前报送", [("recurring", "quarter", None)]),
    ("分别于6月、12月的10日前报送", [("by_date", "2024-06-10"), ("by_date", "2024-12-10")]),
    # a focus period (a time to watch) beside a limit; a rate beside a limit
    ("紧盯三季度汛期关键节点，9月底前完成隐患整改", [("by_date", "2024-09-30")]),
    ("聚焦5—9月主汛期重点时段，加强值班值守", []),
    ("力争年内每名网格员每年补助标准不低于2000元", [("by_date", "2024-12-31")]),
    ("每月发放交通补贴300元", []),
    ("每年至少组织2次应急演练", [("recurring", "year", 2)]),
    # a recurring day written with 的; a month.day with a slash; a month (份) to be finished in
    ("每年的3月底前报送上年度总结", [("recurring", "year", None)]),
    ("请于6/30前报送", [("by_date", "2024-06-30")]),
    ("于9月份完成验收", [("by_date", "2024-09-30")]),
    ("9月份完成了验收", []),
    # month.day ranges are a cell's or a phase label's only: in running text they may be measures
    ("动员部署阶段（4.1-4.10）", []),
    ("钢管长度3.5-4.5米", []),
])
def test_unseen_forms(text, expected):
    assert [key(d) for d in find_deadlines(text, 2024)] == expected


@pytest.mark.parametrize("text,expected,raw", [
    ("各地于6月\n30日前报送", ("by_date", "2024-06-30"), "6月\n30日前"),
    ("请于2024年6\n月30日前报送", ("by_date", "2024-06-30"), "2024年6\n月30日前"),
    ("于2024年6月30日\n前报送", ("by_date", "2024-06-30"), "2024年6月30日\n前"),
    ("于7月 \n 15日前报送", ("by_date", "2024-07-15"), "7月 \n 15日前"),
    ("5月至\n10月开展夜查行动", ("range", "2024-05-01", "2024-10-31"), "5月至\n10月"),
])
def test_dates_broken_across_lines(text, expected, raw):
    (d,) = find_deadlines(text, 2024, 100)
    assert key(d) == expected and d.raw == raw and text[d.span[0] - 100:d.span[1] - 100] == raw


@pytest.mark.parametrize("text", ["计划在5月\n1.加强检查", "6月30日\n7月1日起施行新规"])
def test_line_breaks_that_end_a_date(text):
    """A line that goes on with an item number or a new date is no continuation of the date before it."""
    assert [d.raw for d in find_deadlines(text, 2024)] in ([], ["5月"])


@pytest.mark.parametrize("cell,expected", [
    ("2024年6月底前", ("by_date", "2024-06-30")),
    ("2024年", ("by_date", "2024-12-31")),
    ("2025年度", ("by_date", "2025-12-31")),
    ("2024.12", ("range", "2024-12-01", "2024-12-31")),
    ("2024年6月底前完成，长期坚持", ("by_date", "2024-06-30")),
    ("第三季度", ("by_date", "2024-09-30")),
    ("4.1-4.10", ("range", "2024-04-01", "2024-04-10")),
    ("动员部署阶段（4.1—10）", ("range", "2024-04-01", "2024-04-10")),
    ("6/30前", ("by_date", "2024-06-30")),
])
def test_time_limit_cells(cell, expected):
    assert key(parse_deadline(cell, 2024)) == expected


@pytest.mark.parametrize("cell", ["长期坚持", "持续推进", "长期", "立行立改", "按时间节点推进", "汛期前", "春节前", "2024",
                                  "3.5-4.5米"])
def test_time_limit_cells_without_a_date(cell):
    assert parse_deadline(cell, 2024) is None


# -- whole documents ---------------------------------------------------------------
def _doc(tmp_path, name, text):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return pipeline.extract(p)


def _deadlines_of(doc, words):
    """The deadlines of the one task whose text holds ``words``."""
    (t,) = [t for t in doc.tasks if words in t.text]
    return sorted(key(d) for d in t.deadlines)


PHASES = """青石县2024年消防安全专项整治行动方案

为深入排查整治火灾隐患，县安委会决定在全县开展消防安全专项整治行动，现制定方案如下。
一、整治范围
全县人员密集场所、高层建筑和“九小”场所。
二、时间步骤
（一）动员部署阶段（4月1日—4月10日）
各乡镇、各有关部门要结合实际制定具体实施方案，召开动员部署会议，明确任务分工。
（二）排查整治阶段（4月11日—8月31日）
1.各乡镇要组织力量对辖区“九小”场所开展全覆盖排查，建立隐患台账。
2.县消防救援大队要对高层建筑消防设施开展抽查检测，督促整改问题。
"""


def test_phase_headings_date_the_tasks_below(tmp_path):
    doc = _doc(tmp_path, "phases.txt", PHASES)
    assert doc.year == 2024
    assert _deadlines_of(doc, "制定具体实施方案") == [("range", "2024-04-01", "2024-04-10")]
    assert _deadlines_of(doc, "九小") == [("range", "2024-04-11", "2024-08-31")]
    assert _deadlines_of(doc, "高层建筑消防设施") == [("range", "2024-04-11", "2024-08-31")]


MONTHLY = """红星街道2024年6月份安全生产工作安排

一、10日前，各社区完成辖区内出租房屋消防安全排查，排查情况报街道安办。
二、中旬，街道组织开展一次防汛应急演练。
三、15日前，街道安办汇总上报“安全生产月”活动开展情况。
四、月底前，各社区要完成沿街商铺燃气报警器安装情况核查。
"""


def test_monthly_plan_items_that_open_with_a_day(tmp_path):
    """一、10日前，…: the item's number is a heading marker although a figure follows it, and its day is June's."""
    doc = _doc(tmp_path, "monthly.txt", MONTHLY)
    assert doc.meta.get("month") == 6
    assert [s.number for s in doc.sections] == ["一、", "二、", "三、", "四、"]
    assert _deadlines_of(doc, "出租房屋") == [("by_date", "2024-06-10")]
    assert _deadlines_of(doc, "防汛应急演练") == [("range", "2024-06-11", "2024-06-20")]
    assert _deadlines_of(doc, "燃气报警器") == [("by_date", "2024-06-30")]


TABLE = """北湖区2024年安全生产重点工作任务分解表

| 序号 | 工作任务 | 牵头单位 | 配合单位 | 完成时限 |
| 1 | 制定全区安全生产责任清单 | 区安委办 | 区各有关部门 | 2024年3月底前 |
| 2 | 开展危险化学品企业安全风险评估 | 区应急管理局 | 区工信局 | 2024年6月底前 |
| 3 | 推进城镇燃气管道老化更新改造 | 区住建局 | 区发改局 | 长期坚持 |
| 4 | 强化道路交通安全隐患排查 | 区公安分局 | 区交通运输局 | 持续推进 |
| 5 | 开展全区综合应急演练 | 区应急管理局 | 区消防救援大队 | 第三季度 |
"""


def test_time_limit_column(tmp_path):
    doc = _doc(tmp_path, "table.txt", TABLE)
    assert doc.title == "北湖区2024年安全生产重点工作任务分解表"
    assert _deadlines_of(doc, "责任清单") == [("by_date", "2024-03-31")]
    assert _deadlines_of(doc, "风险评估") == [("by_date", "2024-06-30")]
    assert _deadlines_of(doc, "燃气管道") == []
    assert _deadlines_of(doc, "道路交通") == []
    assert _deadlines_of(doc, "综合应急演练") == [("by_date", "2024-09-30")]


TRADITIONAL = """東山縣2024年防汛工作方案

一、各鄉鎮要於5月15日前完成轄區內危險區域人員轉移預案的修訂。
二、縣水利局要在汛期前完成水庫、山塘安全隱患排查，6月30日前全部整改到位。
三、各有關部門每月5日前向縣防指報送上月防汛工作開展情況。
"""


def test_traditional_script(tmp_path):
    """Dates read after the conversion to simplified script, and their spans point at the cleaned text's words."""
    doc = _doc(tmp_path, "trad.txt", TRADITIONAL)
    assert doc.year == 2024
    assert _deadlines_of(doc, "转移预案") == [("by_date", "2024-05-15")]
    assert _deadlines_of(doc, "山塘") == [("by_date", "2024-06-30")]
    assert _deadlines_of(doc, "上月防汛") == [("recurring", "month", None)]
    for t in doc.tasks:
        for d in t.deadlines:
            assert doc.text[d.span[0]:d.span[1]] == d.raw


BROKEN = """关于开展2024年建筑施工安全专项检查的通知

各镇人民政府、街道办事处，区各有关单位：
为切实加强建筑施工安全管理，区住建局决定在全区开展建筑施工安全专项检查。现将有关事项通知如下：
一、各施工企业要对在建项目开展全面自查，于2024年6
月30日前将自查报告报区住建局。
二、区住建局将组织检查组开展抽查，各街道于7月
15日前报送辖区在建项目清单。
"""


def test_dates_broken_across_lines_in_a_document(tmp_path):
    """A hard-wrapped copy breaks a date over two lines: the item's heading does not end inside the date, and the
    task's deadline is the whole date."""
    doc = _doc(tmp_path, "broken.txt", BROKEN)
    assert _deadlines_of(doc, "自查报告") == [("by_date", "2024-06-30")]
    assert _deadlines_of(doc, "在建项目清单") == [("by_date", "2024-07-15")]
    assert all(t.text.startswith(("各施工企业", "区住建局")) for t in doc.tasks)


HOLIDAYS = """关于做好2024年元旦春节期间安全生产工作的通知

一、各乡镇要在春节前完成一轮安全隐患全面排查，1月底前将排查情况报县安委办。
二、县应急管理局要在国庆节前组织开展联合检查，节前完成督导。
三、各有关部门要于一月底前完成烟花爆竹经营网点清理整顿，第一季度完成复查。
"""


def test_holidays_are_occasions(tmp_path):
    doc = _doc(tmp_path, "holidays.txt", HOLIDAYS)
    assert _deadlines_of(doc, "全面排查") == [("by_date", "2024-01-31")]
    assert _deadlines_of(doc, "联合检查") == []
    assert _deadlines_of(doc, "烟花爆竹") == [("by_date", "2024-01-31"), ("by_date", "2024-03-31")]


REPORT = """松溪街道2023年上半年安全生产工作总结

今年以来，街道共检查企业120家，排查隐患356处。
下半年，街道还将联合区消防救援大队对各社区微型消防站队员进行轮训，每季度至少组织1次。
今年以来，街道还将继续巩固整治成果。
"""


def test_a_time_phrase_opening_the_tasks_sentence(tmp_path):
    """下半年，街道还将…: where the task's words start after the sentence's opening time phrase, the phrase is the
    task's deadline; 今年以来， (a start, looking back) is none."""
    from pipeline.extraction.deadline_context import opener_deadline
    from pipeline.model import Task

    doc = _doc(tmp_path, "report.txt", REPORT)
    assert doc.year == 2023
    s = doc.text.index("街道还将联合")
    d = opener_deadline(doc, Task(id="x", section_id=None, span=(s, s + 10), text=doc.text[s:s + 10]))
    assert key(d) == ("by_date", "2023-12-31") and doc.text[d.span[0]:d.span[1]] == "下半年"
    s = doc.text.index("街道还将继续")
    assert opener_deadline(doc, Task(id="y", section_id=None, span=(s, s + 10), text=doc.text[s:s + 10])) is None


FIELDS = """城西中学2024年校园安全隐患自查整改报告

一、查出的问题及整改措施
1．实验楼危化品柜未双人双锁，共计2处。
整改措施：更换危化品柜门锁，落实双人双锁管理。
整改时限：2024年5月20日前
责任人：教务处

2．食堂燃气管道老化。
整改措施：委托燃气公司更换食堂燃气管道，安装燃气泄漏报警装置。
责任部门：总务处
完成时间：2024年6月底前

3．宿舍楼消防演练次数不足。
整改措施：由保卫科每学期组织宿舍楼疏散演练。
责任人：保卫科
"""


def test_a_time_limit_field_after_the_task(tmp_path):
    """整改措施：… followed by 整改时限：/完成时间： (other fields of the record between): the task's deadline; a record
    without one takes none from the next record."""
    from pipeline.extraction.deadline_context import field_deadline
    from pipeline.model import Task

    doc = _doc(tmp_path, "fields.txt", FIELDS)

    def task(words):
        s = doc.text.index(words)
        e = doc.text.find("\n", s) % (len(doc.text) + 1)
        return Task(id="x", section_id=None, span=(s, e), text=doc.text[s:e])

    d = field_deadline(doc, task("更换危化品柜门锁"), len(doc.text))
    assert key(d) == ("by_date", "2024-05-20") and doc.text[d.span[0]:d.span[1]] == "2024年5月20日前"
    assert key(field_deadline(doc, task("委托燃气公司"), len(doc.text))) == ("by_date", "2024-06-30")
    assert field_deadline(doc, task("由保卫科每学期"), len(doc.text)) is None
    # a field that comes after the next task is that task's
    nxt = doc.text.index("食堂燃气管道老化")
    t = task("更换危化品柜门锁")
    assert field_deadline(doc, t, t.span[1] + 1) is None and nxt > t.span[1]


NEXT_YEAR = """青山区应急管理局2024年安全生产工作情况报告

今年以来，我局共检查企业300家。
下一步，我局将会同区住建局在明年3月底前完成老旧小区燃气管道改造项目摸底。
各镇街要充实安监力量，明年上半年每个镇街专职安监人员不少于5人。
"""


def test_next_year_said_in_the_running_text(tmp_path):
    """明年 written in a report's running text (not under a 明年工作 heading) is the year after the report's."""
    from pipeline.extraction.deadline_context import next_year_said

    doc = _doc(tmp_path, "next.txt", NEXT_YEAR)
    assert doc.year == 2024
    for words, raw, expected in [("老旧小区", "明年3月底前", ("by_date", "2025-03-31")),
                                 ("专职安监人员", "明年上半年", ("by_date", "2025-06-30"))]:
        s = doc.text.index(raw)
        (d,) = find_deadlines(raw, 2024, s)
        assert key(d) == (expected[0], expected[1].replace("2025", "2024"))  # the grammar reads 明年 as ``year``
        assert key(next_year_said(doc, d)) == expected


NAMED_PHASES = """青石县2024年危险化学品安全专项整治“回头看”工作方案

一、工作目标
全面巩固专项整治成果。
二、实施步骤
第一阶段：动员部署（2024年4月上旬）
各乡镇要制定本辖区“回头看”实施方案，明确责任人。
第二阶段：集中整治（2024年4月中旬至9月底）
县市场监管局要对危化品经营单位开展抽查。
第三阶段：总结提升（10月份）
各乡镇要认真总结，形成书面材料报县安委办。
"""


def test_phase_lines_with_a_numbered_label(tmp_path):
    """第一阶段：动员部署（2024年4月上旬）: a phase line whose number, colon and name stand before its dates."""
    doc = _doc(tmp_path, "named.txt", NAMED_PHASES)
    assert _deadlines_of(doc, "实施方案") == [("range", "2024-04-01", "2024-04-10")]
    assert _deadlines_of(doc, "经营单位开展抽查") == [("range", "2024-04-11", "2024-09-30")]
    assert _deadlines_of(doc, "形成书面材料") == [("range", "2024-10-01", "2024-10-31")]
