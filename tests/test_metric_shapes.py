"""Metric shapes that unseen documents write (issue 7), end to end through the pipeline.

Each document below was written for this test (no corpus text): a PDF copy's line breaks inside an
enumeration of counts, measure words the corpus rarely shows (车次 辆次 艘次 孔 台套 类 期 场次 户 米
吨 公里), percentages and 同比 changes, amounts in 万元 / 亿元, counts in the cells of a target
table (目标值 | 完成情况), and a report in traditional script. The values and units are the grammar's
(SPEC §6) and must hold exactly; categories are asserted only where SPEC §6 leaves no doubt.
"""

from __future__ import annotations

import pytest

import pipeline

ENUMERATION = """某镇2025年前三季度安全生产工作情况报告

一、工作开展情况
（一）专项检查。前三季度，镇安办会同派出所、交管中队开展夜查行动，出动检查人员
1260人次、巡逻车辆
310车次、执法船只12艘次，检查渡口码头9处、货运车辆
742辆次，劝导违规载人农用车56辆。
（二）地灾防治。完成地质灾害隐患点监测孔位布设14孔，安装自动化监测设备6台套，清理危险边坡
1.8公里，清运塌方土石
3200吨，加固挡墙420米。
（三）宣传培训。举办“安全大讲堂”6期，开展应急演练22场次，覆盖群众3100户，发放告知书11类。
（四）资金保障。镇财政投入安全生产经费85.5万元，争取上级补助资金0.32亿元。
二、安全形势
前三季度全镇发生一般生产安全事故3起，同比下降40%；死亡2人，同比减少1人；直接经济损失
46万元，同比上升15.2%。
三、重点指标完成情况
序号 | 指标 | 目标值 | 完成情况
1 | 生产安全事故死亡人数 | 控制在5人以内 | 2人
2 | 企业主要负责人安全培训 | 不少于800人次 | 960人次
"""

TRADITIONAL = """某市安全生產工作情況報告

今年以來，全市共檢查生產經營單位3260家，發現安全隱患5142處，已整改4987處，整改率97%。
依法關閉取締非法礦點23個，罰款金額286萬元。舉辦安全培訓班45期，培訓從業人員6800人。
"""


@pytest.fixture(scope="module")
def enumeration(tmp_path_factory):
    path = tmp_path_factory.mktemp("shapes") / "report.txt"
    path.write_text(ENUMERATION, "utf-8")
    return pipeline.extract(path)


@pytest.fixture(scope="module")
def traditional(tmp_path_factory):
    path = tmp_path_factory.mktemp("shapes") / "report_fanti.txt"
    path.write_text(TRADITIONAL, "utf-8")
    return pipeline.extract(path)


def by_value(doc, value, unit):
    found = [m for m in doc.metrics if m.value == value and m.unit == unit]
    assert len(found) == 1, [(m.raw, m.value, m.unit) for m in doc.metrics]
    return found[0]


def test_every_count_of_the_document_is_found_once(enumeration):
    got = [(m.value, m.unit) for m in enumeration.metrics]
    assert got == [
        (1260, "人次"), (310, "车次"), (12, "艘次"), (9, "处"), (742, "辆次"), (56, "辆"),
        (14, "孔"), (6, "台套"), (1.8, "公里"), (3200, "吨"), (420, "米"),
        (6, "期"), (22, "场次"), (3100, "户"), (11, "类"),
        (855000, "元"), (32000000, "元"),
        (3, "起"), (40, "%"), (2, "人"), (1, "人"), (460000, "元"), (15.2, "%"),
        (5, "人"), (2, "人"), (800, "人次"), (960, "人次"),
    ]


@pytest.mark.parametrize("value, unit, previous", [(310, "车次", "1260"), (742, "辆次", "9处")])
def test_a_count_after_a_line_break_does_not_swallow_the_one_before(enumeration, value, unit, previous):
    m = by_value(enumeration, value, unit)
    assert previous not in m.raw and previous not in m.subject
    assert m.raw.replace("\n", "").endswith(f"{value}{unit}")
    assert enumeration.text[m.span[0]:m.span[1]] == m.raw


@pytest.mark.parametrize("value, unit, category", [
    (3, "起", "accident"),
    (40, "%", "other"),  # a change in percent is a rate (SPEC §8)
    (15.2, "%", "other"),
    (1, "人", "accident"),  # a change of a count keeps the count's category (同比减少1人)
    (855000, "元", "resource"),
    (32000000, "元", "resource"),
    (22, "场次", "training"),
    (6, "期", "training"),
])
# not here: 出动检查人员1260人次, people deployed (resource by SPEC's "people assigned") or the inspection they made:
# the gold sets split (resource in most, inspection in heldout13/19/21/22, train16l, train17f, train18b), and the
# category model retrained on 637 documents says inspection; SPEC should settle it
def test_categories_spec_leaves_no_doubt_about(enumeration, value, unit, category):
    assert by_value(enumeration, value, unit).category == category


def test_a_bare_count_in_a_table_cell_is_counted_by_its_row_label(enumeration):
    done = [m for m in enumeration.metrics if m.value == 2 and m.unit == "人" and m.raw.strip() == "2人"]
    assert len(done) == 1
    assert "生产安全事故死亡人数" in done[0].subject
    assert done[0].category == "accident"
    target = by_value(enumeration, 5, "人")
    assert target.approx is True and "死亡人数" in target.subject


def test_traditional_script(traditional):
    got = {(m.value, m.unit): m for m in traditional.metrics}
    assert set(got) == {(3260, "家"), (5142, "处"), (4987, "处"), (97, "%"), (23, "个"), (2860000, "元"),
                        (45, "期"), (6800, "人")}
    assert got[(3260, "家")].category == "inspection"
    assert got[(5142, "处")].category == "hazard"
    assert got[(4987, "处")].category == "hazard"
    assert got[(97, "%")].category == "other"
    assert got[(2860000, "元")].category == "enforcement"
    assert got[(45, "期")].category == "training"


@pytest.mark.parametrize("text", [
    "年度考评得分85分以上为优秀，70分至84分为良好，60分以下为不合格。",
    "考评总分在95分以上的，给予通报表扬。",
    "得分低于60分(含)为不达标。",
])
def test_score_bounds_that_define_a_grade_are_not_metrics(text, tmp_path):
    path = tmp_path / "rules.txt"
    path.write_text("某县安全生产考评办法\n" + text + "\n", "utf-8")
    assert [m.raw for m in pipeline.extract(path).metrics] == []


def test_an_achieved_score_stays_a_metric(tmp_path):
    path = tmp_path / "report.txt"
    path.write_text("某县安全生产考评结果通报\n全县年度考评平均得分86.5分，其中城关镇92分为优秀。\n", "utf-8")
    got = [(m.value, m.unit) for m in pipeline.extract(path).metrics]
    assert (86.5, "分") in got


def test_a_score_achieved_with_its_grade_stays_a_metric(tmp_path):
    path = tmp_path / "report.txt"
    path.write_text("某县安全生产考评结果通报\n城关镇得分92分为优秀。\n", "utf-8")
    assert [(m.value, m.unit) for m in pipeline.extract(path).metrics] == [(92, "分")]


def shapes_of(text: str, tmp_path) -> list[tuple]:
    path = tmp_path / "doc.txt"
    path.write_text("某乡安全生产工作情况\n" + text + "\n", "utf-8")
    return [(m.value, m.unit) for m in pipeline.extract(path).metrics]


def test_a_count_broken_down_in_brackets_is_a_metric(tmp_path):
    # the closed-list rule (七项工作制度 + the seven names) is not for a count whose items are counts
    got = shapes_of("第二组巡查6次，发现隐患3处（线路私拉乱接1处、灭火器过期2处），已整改3处。", tmp_path)
    assert got == [(6, "次"), (3, "处"), (1, "处"), (2, "处"), (3, "处")]
    assert shapes_of("会议议程共三项：一是传达2024年文件；二是通报情况；三是部署工作。", tmp_path) == []


@pytest.mark.parametrize("text", [
    "乡应急办负责每周三次\n向县应急局报送值班信息。",  # a duty's recurring count (SPEC §6: a deadline)
    "这三类场所人员密集，火灾风险高。",  # a count that points back
    "3.2 各村要于每月5日前上报排查台账。",  # a heading number before 各
])
def test_not_metrics(text, tmp_path):
    assert shapes_of(text, tmp_path) == []


def test_people_assigned_under_a_recurring_clause_are_counted(tmp_path):
    assert shapes_of("节日期间每天安排不少于6人在岗值守。", tmp_path) == [(6, "人")]
    assert shapes_of("各村每月至少开展2次巡查。", tmp_path) == []


def test_a_budget_under_a_recurring_clause_is_an_amount(tmp_path):
    # 每年…不少于N万元 is money spent, not how often something is done (SPEC §6: amounts are metrics)
    assert shapes_of("县财政每年列支消防经费不少于120万元，用于微型消防站建设。", tmp_path) == [(1200000, "元")]
    assert shapes_of("每季度至少召开1次安委会会议。", tmp_path) == []


@pytest.mark.parametrize("text", [
    "经复查，你公司第2、4、6项问题尚未整改到位。",  # the numbers of a list opened by 第 are ordinals
    "对第1、3项隐患实行挂牌督办。",
    "（本期共印35份）",  # a bulletin's print run is page furniture
])
def test_ordinal_lists_and_print_runs_are_not_metrics(text, tmp_path):
    assert shapes_of(text, tmp_path) == []


def test_a_range_with_its_measure_word_written_twice_is_one_metric(tmp_path):
    path = tmp_path / "doc.txt"
    path.write_text("某乡安全生产奖惩办法\n对瞒报隐患的班组处以300元至1500元罚款。\n", "utf-8")
    got = [(m.value, m.value_max, m.unit) for m in pipeline.extract(path).metrics]
    assert got == [(300, 1500, "元")]


def test_measure_words_of_ponds_trees_livestock_and_rounds_of_buildings(tmp_path):
    got = shapes_of("全镇现有灌溉机井36口，清理林下枯木1.5万棵，转移牲畜2400头，复查楼栋58栋次。", tmp_path)
    assert got == [(36, "口"), (15000, "棵"), (2400, "头"), (58, "栋次")]
    assert shapes_of("为困难群众的3口之家送去慰问。", tmp_path) == []


def test_an_arabic_1_before_the_work_is_an_article(tmp_path):
    # SPEC §8: an article-like 一次 (开展一次全面督查) is no metric, written 1次 too; a count after the
    # work, a minimum and any other number stay counts
    assert shapes_of("二季度由县林业局组织1次森林火灾扑救演练。", tmp_path) == []
    assert shapes_of("上半年召开专题会议1次，开展2次联合检查。", tmp_path) == [(1, "次"), (2, "次")]
    assert shapes_of("各校年内至少组织1次疏散演练。", tmp_path) == [(1, "次")]
