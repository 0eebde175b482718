"""Metric grammar for score rules, class thresholds and off-topic agenda items (SPEC §1, §6, §8).

The sentences are written for these tests (none is copied from a corpus document): each rule is
checked on a case it must drop and on a look-alike it must keep.
"""

from __future__ import annotations

import pytest

from pipeline.extraction.metrics import find_metrics, off_topic_spans
from pipeline.model import Document, Section


def metrics_of(text: str, **kw) -> list:
    doc = Document(source="t", sha256="", format="txt", raw_text=text, text=text, year=2024, **kw)
    return find_metrics(doc)


def raws(text: str, **kw) -> list[tuple]:
    return [(m.value, m.unit) for m in metrics_of(text, **kw)]


@pytest.mark.parametrize("text", [
    "未按要求召开会议的，每少1次扣3分。",
    "辖区发生较大火灾的扣10分。",
    "每发现1处未整改隐患扣0.5分，扣完为止。",
    "整改率每低2个百分点扣1分。",
    "受到省级通报表扬的，每次加3分，加分最高不超过6分。",
    "（二）安全培训（25分）",
    "考核实行百分制（满分100分）。",
    "年度考评占70%，平时考评占30%。",
    "事故发生于当日8时许15分。",
])
def test_score_rules_and_clock_times_are_not_metrics(text):
    assert raws(text) == []


@pytest.mark.parametrize("text, expected", [
    ("全镇年度考核得分96.5分，位列全县第一。", [(96.5, "分")]),
    ("企业自查发现的隐患占全部隐患的42%。", [(42, "%")]),
    ("要求各村签订率达到100%。未签订的扣2分。", [(100, "%")]),
    ("全年组织应急演练不少于6次。少1次扣1分。", [(6, "次")]),
    ("共查处违法行为12起，罚款15万元。", [(12, "起"), (150000, "元")]),
])
def test_figures_beside_a_score_rule_stay(text, expected):
    assert raws(text) == expected


@pytest.mark.parametrize("text", [
    "造成死亡5人以上，或重伤20人以上，或直接经济损失500万元以上的火灾，启动一级响应。",
    "造成重伤1至4人或直接经济损失100万元至500万元的事故，由县级负责处置。",
    "一次死亡3人以上的事故须在1小时内上报。",
])
def test_thresholds_that_define_a_level_are_not_metrics(text):
    assert [(v, u) for v, u in raws(text) if u != "小时"] == []


@pytest.mark.parametrize("text, expected", [
    ("3月发生一次死亡2人的交通事故。", [(2, "人")]),
    ("全年发生较大事故2起，死亡7人以上。", [(2, "起"), (7, "人")]),
    ("新培训基层救援队员300名以上，配备车辆12辆。", [(300, "名"), (12, "辆")]),
])
def test_counts_that_look_like_thresholds_stay(text, expected):
    assert raws(text) == expected


MINUTES = (
    "县政府常务会议纪要\n"
    "一、研究城区道路改造事宜\n会议同意改造道路5条，总投资3000万元。\n"
    "二、听取全县安全生产工作汇报\n一季度发生生产安全事故4起，检查企业210家。\n"
    "三、审议文化旅游节方案\n会议同意举办活动12场。\n"
)


def _sections(text: str, headings: list[str]) -> list[Section]:
    starts = [text.index(h) for h in headings] + [len(text)]
    return [Section(id=f"s{i + 1}", parent=None, level=1, number=str(i + 1), heading=h[2:], span=(starts[i], starts[i + 1]),
                    marker="一、") for i, h in enumerate(headings)]


def test_minutes_keep_only_the_figures_of_work_safety_items():
    heads = ["一、研究城区道路改造事宜", "二、听取全县安全生产工作汇报", "三、审议文化旅游节方案"]
    doc_sections = _sections(MINUTES, heads)
    assert raws(MINUTES, sections=doc_sections) == [(4, "起"), (210, "家")]


def test_a_document_wholly_about_other_work_keeps_its_figures():
    text = MINUTES.replace("安全生产工作", "农业生产工作").replace("生产安全事故4起", "新建大棚4座")
    heads = ["一、研究城区道路改造事宜", "二、听取全县农业生产工作汇报", "三、审议文化旅游节方案"]
    doc = Document(source="t", sha256="", format="txt", raw_text=text, text=text, sections=_sections(text, heads))
    assert off_topic_spans(doc) == []
    plain = Document(source="t", sha256="", format="txt", raw_text=text, text=text)
    assert [m.raw for m in find_metrics(doc)] == [m.raw for m in find_metrics(plain)]
    assert len(find_metrics(doc)) >= 5


def test_plan_sections_are_not_agenda_items():
    text = "一、加强道路建设\n新建道路5条。\n二、强化安全生产\n检查企业20家。\n"
    heads = ["一、加强道路建设", "二、强化安全生产"]
    assert raws(text, sections=_sections(text, heads)) == [(5, "条"), (20, "家")]


@pytest.mark.parametrize("text, expected", [
    ("查处三轮车违规载客12起。", [(12, "起")]),
    ("本协议一式三份，签订单位30家。", [(30, "家")]),
    ("共抽查工地45个次，开展检查3轮。", [(45, "个次"), (3, "轮")]),
])
def test_measure_words_inside_names_and_frequencies(text, expected):
    assert raws(text) == expected


@pytest.mark.parametrize("text, expected", [
    # a PDF copy broke the line inside 人次 / 辆次: one measure word still
    ("全镇共出动人员800人\n次、车辆120辆\n次，巡查河道15公里。", [(800, "人次"), (120, "辆次"), (15, "公里")]),
    ("出动执法人员 36 人\n 次。", [(36, "人次")]),
    # 次日 on the next line is the next day, not the 次 of 人次
    ("救出被困群众12人\n次日凌晨转移安置。", [(12, "人")]),
])
def test_a_line_break_inside_a_turns_measure_word(text, expected):
    assert [(m.value, m.unit) for m in metrics_of(text)] == expected
