"""Deadline shapes the train16 sets showed the grammar missing or misreading (sentences written here, in our own words,
not copied from those documents): counts behind words holding a numeral or a parenthetical, 每学期, a yearly budget,
two dates a year, a quarter list's count, a period that modifies a noun, a meeting named by its quarter, a month named
by what was found in it, a weekday in parentheses, a bare month before an adverb and its verb, a year alone opening
a clause. Each has its near miss beside it, so that a rule read too widely fails here."""

from __future__ import annotations

import pytest

from pipeline.extraction.deadlines import find_deadlines


from test_deadlines_unseen import key  # noqa: E402  (the short key of the unseen-shape tests)


@pytest.mark.parametrize("text,expected", [
    # the count of a recurrence behind a word holding a numeral (一线, 两客一危) or a parenthetical (各县（市、区）)
    ("分管领导每季度至少深入一线督导3次", [("recurring", "quarter", 3)]),
    ("每周对辖区“两客一危”企业视频监控记录开展一次抽查", [("recurring", "week", 1)]),
    ("市安委办每半年对各县（市、区）开展1次考核巡查", [("recurring", "half_year", 1)]),
    ("每月对各乡（镇）开展两轮暗访", [("recurring", "month", 2)]),
    ("每月开展一线巡查", [("recurring", "month", None)]),  # 一线 is a word, not a count
    # a school term recurs twice a year
    ("各中小学每学期至少开展2次疏散演练", [("recurring", "half_year", 2)]),
    # a yearly budget is a recurring requirement; a standard or a per-head sum stays a rate
    ("县财政每年安排消防专项经费不少于60万元", [("recurring", "year", None)]),
    ("每名协管员每年补助标准不低于1200元", []),
    ("每月发放值班补贴200元", []),
    # two dates a year: half-yearly (as four a quarter apart are quarterly)
    ("各单位于每年6月25日和12月20日前报送履职报告", [("recurring", "half_year", None)]),
    ("于每年3月、6月、9月、12月底前报送", [("recurring", "quarter", None)]),
    # a quarter list's count after 各
    ("3月、6月、9月、12月底前各召开一次联席会议", [("recurring", "quarter", 1)]),
    # a period that modifies a noun is the period the work or the record is of
    ("认真做好二季度安全防范工作", []),
    ("8月底前对各街道上半年工作情况开展督查", [("by_date", "2024-08-31")]),
    ("上半年完成隐患排查", [("by_date", "2024-06-30")]),
    ("三季度组织开展专项执法", [("by_date", "2024-09-30")]),
    # a meeting named by its quarter, whatever words stand between
    ("于12月中旬召开四季度安全生产形势研判会", [("range", "2024-12-11", "2024-12-20")]),
    ("第三季度由市安委会组织考核", [("by_date", "2024-09-30")]),  # 安委会 is no meeting held
    # a month named by what was found in it
    ("对3月份检查发现的问题开展复查", []),
    ("对5月排查出的隐患逐项销号，6月底前完成", [("by_date", "2024-06-30")]),
    # a weekday in parentheses; the hour the event starts that day
    ("会议定于2024年3月12日（星期二）下午2:30开始", [("by_date", "2024-03-12")]),
    ("自2024年3月1日开始施行", []),
    # a bare month before an adverb and its verb
    ("5月集中开展防汛应急演练", [("range", "2024-05-01", "2024-05-31")]),
    ("5月的降雨较常年偏多", []),
    # a year alone opening a clause before the work done in it (SPEC §8: a year alone is due at its end)
    ("纳入年度预算，2024年安排专项资金50万元", [("by_date", "2024-12-31")]),
    ("2024年全县共检查企业300家", []),
    ("2023年完成了改造", []),
])
def test_train16_shapes(text, expected):
    assert [key(d) for d in find_deadlines(text, 2024)] == expected
