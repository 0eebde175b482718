"""Deadline shapes the heldout19-22 and train17 gold showed the grammar missing (sentences written here, in our own
words): a recurring act written with 按 (按季度记录), the count of a clause behind an actor and an object (每季度联合…
对…开展一次), a second 旬 in the first's month (6月中旬至下旬), 一报 as the count (每周一报), a count after a hard
wrap (每年\\n至少组织1次), an occasion glossed with its date (节后第一个工作日（2月22日）). Each has its near miss
beside it, so that a rule read too widely fails here."""

from __future__ import annotations

import pytest

from pipeline.extraction.deadlines import find_deadlines
from test_deadlines_unseen import key  # noqa: E402


@pytest.mark.parametrize("text,expected", [
    # a recurring act written with 按 (a record, a report, a check)
    ("县安委办结合暗访情况按季度记录各乡镇工作进展", [("recurring", "quarter", None)]),
    ("各乡镇按月报送隐患排查治理情况", [("recurring", "month", None)]),
    ("各企业要按月建立隐患排查台账", []),  # a manner of keeping a ledger, no recurring act
    ("按季度划分考核等次", []),
    # the count of the clause behind an actor and an object
    ("每季度会同县市场监督管理局对城区餐饮场所、农家乐和乡村民宿开展一次联合检查", [("recurring", "quarter", 1)]),
    ("每月对辖区企业开展检查，全年累计检查企业500家", [("recurring", "month", None)]),  # the count is of another clause
    # a second 旬 in the first's month: to that 旬's end
    ("县安委会定于9月中旬至下旬开展专项督查", [("range", "2024-09-11", "2024-09-30")]),
    ("于3月上旬至中旬完成自查", [("range", "2024-03-01", "2024-03-20")]),
    ("于9月中旬开展专项督查", [("range", "2024-09-11", "2024-09-20")]),
    # 一报: once
    ("检查进展情况每周一报", [("recurring", "week", 1)]),
    ("隐患整改进度每月一报，年底前全部销号", [("recurring", "month", 1), ("by_date", "2024-12-31")]),
    ("每周一报送值班值守情况", [("recurring", "week", None)]),  # on Mondays: no count
    # the shorthand written without 每 (heldout35/3509, heldout36/3606), other acts once per period (train22c/2230),
    # and a count after a list of the day's times (train22a/2211, train21c/2147)
    ("主汛期实行一周一报，遇重大汛情随时报告", [("recurring", "week", 1)]),
    ("实行挂图作战、一周一调度，确保9月底前全面完成", [("recurring", "week", 1), ("by_date", "2024-09-30")]),
    ("严格落实每周一调度、每月一通报的工作机制", [("recurring", "week", 1), ("recurring", "month", 1)]),
    ("各社区实行24小时值班，每日8时、16时两次向街道防汛办报告情况", [("recurring", "day", 2)]),
    ("统一一周一次", []),  # no act named: not the shorthand
    # a count after a hard wrap inside the sentence
    ("各乡镇每年\n至少开展2次防汛应急演练", [("recurring", "year", 2)]),
    ("县消防救援大队每季度组\n织1次联合演练", [("recurring", "quarter", 1)]),
    ("各乡镇每月召开一次例会。\n县应急局组织1次全县演练", [("recurring", "month", 1)]),  # the next sentence's count
    ("县应急局每月开展督查\n1.组织2次演练", [("recurring", "month", None)]),  # a new item after the break
    # an occasion glossed with its date: the date is when the work is due
    ("节后第一个工作日（2月18日），各科室将值班情况报办公室", [("by_date", "2024-02-18")]),
    ("开学第一周（9月2日）各校开展一次安全教育", [("by_date", "2024-09-02")]),
    ("节后第一个工作日（2月18日）召开了收心会", []),  # told in the past
])
def test_shapes18(text, expected):
    assert [key(d) for d in find_deadlines(text, 2024)] == expected


def test_second_deka_in_a_monthly_plan():
    """With the plan's month known, 中旬至下旬 of another month stays that month's: its bare 下旬 is not the plan's."""
    got = find_deadlines("市安委会决定于6月中旬至下旬开展督查", 2024, month=5)
    assert [(d.raw, key(d)) for d in got] == [("6月中旬至下旬", ("range", "2024-06-11", "2024-06-30"))]


@pytest.mark.parametrize("text,expected", [
    # a time-limit field restating the text's recurrence: read once, with the text's count
    ("对在建工地开展专项检查，每月至少组织一次。（完成时限：每月）", [("recurring", "month", 1)]),
    ("每季度组织一次集中统一行动。（完成时限：每季度）", [("recurring", "quarter", 1)]),
    ("每季度组织一次集中统一行动。（完成时限：每月）", [("recurring", "quarter", 1), ("recurring", "month", None)]),
    ("开展专项检查。（完成时限：每月）", [("recurring", "month", None)]),
    # two requirements of one frequency stay two (heldout21/2109: 每月通报一次…每月5日前将…报区安委办)
    ("区安委办每月通报一次整治进展，各部门于每月5日前将上月整治情况报区安委办", [("recurring", "month", 1),
                                                                            ("recurring", "month", None)]),
])
def test_a_field_restating_the_recurrence(text, expected):
    assert [key(d) for d in find_deadlines(text, 2024)] == expected


def test_a_task_list_whose_time_fields_restate_the_text(tmp_path):
    """heldout22/2210 (a member-unit task list, each item closed by （完成时限：…）): the field's 每月 / 每季度 is the
    item's own 每月至少组织一次 / 每季度组织一次, one requirement each; a field of dates stays beside the text's."""
    from pathlib import Path

    import pipeline

    doc = pipeline.extract(Path(__file__).resolve().parent.parent / "corpora" / "heldout22" /
                           "2210_heyang_shi_anweihui_2024_chengyuan_danwei_zhongdian_gongzuo_renwu_qingdan_wangye.txt")
    def of(words):
        (t,) = [t for t in doc.tasks if words in t.text]
        return [key(d) for d in t.deadlines]

    assert of("危大工程开展专项检查") == [("recurring", "month", 1)]
    assert of("三超一疲劳") == [("recurring", "quarter", 1)]
    assert ("by_date", "2024-07-31") in of("防溺水专题教育")


PHASES = """青石县安全生产专项整治工作方案
为有效防范化解重大安全风险，结合我县实际，制定本方案。
一、工作安排
（一）动员部署（2024年5月）。各乡镇、各部门要制定具体实施方案，建立问题隐患和制度措施清单。
（二）集中整治（2024年6月至10月）。各部门要组织开展拉网式排查整治，对发现的问题隐患逐项整改销号。
（三）总结提升（11月）。各乡镇、各部门要全面总结经验做法，形成一批制度成果。
二、工作要求
（一）加强组织领导（县安委办统筹）。各乡镇要成立工作专班，明确专人负责日常联络工作。
"""


def test_a_phase_headings_bare_month_in_brackets(tmp_path):
    """heldout19/1905's shape (in our own words): a phase heading whose bracket holds a bare month (动员部署（2024年5月）)
    dates the task after it, as one holding a span does (SPEC §8); a bracket that is no date (县安委办统筹) dates nothing."""
    from test_deadlines_unseen import _deadlines_of, _doc

    doc = _doc(tmp_path, "phases.txt", PHASES)
    assert _deadlines_of(doc, "制度措施清单") == [("range", "2024-05-01", "2024-05-31")]
    assert _deadlines_of(doc, "拉网式排查整治") == [("range", "2024-06-01", "2024-10-31")]
    assert _deadlines_of(doc, "形成一批制度成果") == [("range", "2024-11-01", "2024-11-30")]
    assert _deadlines_of(doc, "成立工作专班") == []
