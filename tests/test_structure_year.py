"""The year of a plan that states it only in its deadlines (issue 7, year ≥ 0.95 on new documents)."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.structure import find_title, find_year

CORPORA = Path(__file__).resolve().parent.parent / "corpora"

PLAN = "区城镇燃气安全专项整治实施方案\n一、工作目标\n餐饮场所报警装置安装率达到100%。\n二、工作任务\n{}\n{}\n"


@pytest.mark.parametrize("a,b,year", [
    ("燃气经营企业安全评估 | 区住建局 | 2024年5月底前", "钢瓶赋码管理 | 区市场监管局 | 2024年6月30日前", 2024),
    ("2024年5月底前完成评估。", "2024年10月中旬前完成整改。", 2024),
    # one deadline alone is not enough
    ("2024年5月底前完成评估。", "各街道要加强巡查。", None),
    # two years: the plan's own is not stated
    ("2024年5月底前完成评估。", "2025年6月底前完成整改。", None),
    # a period's bounds and a start are not deadlines: 至2026年2月28日为过渡期, 2026年3月1日起取消
    ("自本通告发布之日起至2026年2月28日为过渡期。", "2026年3月1日起,全市范围内取消自提。", None),
    # a long-range target
    ("到2030年,防灭火能力显著增强。", "到2030年,综合防控水平全面提升。", None),
])
def test_year_from_the_plans_own_deadlines(a, b, year):
    assert find_year(None, PLAN.format(a, b)) == year


def test_a_stated_year_still_wins():
    text = "2023年工作总结\n今年以来,全区2023年共检查企业100家。\n下一步,2024年5月底前完成评估,2024年6月底前完成整改。"
    assert find_year(None, text) == 2023


@pytest.mark.parametrize("title,year", [
    ("二〇二四年安全生产工作要点", 2024),
    ("二零二四年度森林防火工作计划", 2024),
    ("2024年安全生产工作要点", 2024),
])
def test_title_year_in_numerals(title, year):
    assert find_year(title, "2023年全区完成了各项工作。2023年共检查企业100家。") == year


@pytest.mark.parametrize("text,year", [
    # a span of years is of its first year (SPEC §8), even inside a cited title: not of its last
    ("会议审议并原则通过《城区老旧小区改造三年行动计划（2024—2026年）》，要求县住建局于7月底前提请审议。", 2024),
    ("全区安全生产专项整治三年行动（2020-2022年）全面推进。", 2020),
    ("2021年—2023年，全区共投入资金120万元。", 2021),
])
def test_a_span_of_years_is_of_its_first(text, year):
    assert find_year(None, text) == year


def test_news_of_a_meeting_citing_a_multi_year_plan():
    """heldout21/2105 (news of a 县政府常务会议, posted 2024-07-16): its one stated year is a cited plan's 2024—2026年;
    the page date and the span's first year agree on 2024 (its deadlines 8月底前, 9月底前 were read in 2026)."""
    path = CORPORA / "heldout21" / "2105_meigang_xian_2024_zhengfu_changwu_huiyi_xinwen_wangye.txt"
    text = path.read_text(encoding="utf-8")
    assert find_year(find_title(text), text) == 2024
