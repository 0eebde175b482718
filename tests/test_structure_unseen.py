"""Titles and years of document shapes issue 7 expects on unseen documents (written here, in our own words): a
publication line, a WeChat account's date line, a bulletin's issue header, a signature, deadlines alone."""

from __future__ import annotations

import pytest

from pipeline.structure import find_title, find_year

MEETING = "市应急管理局召开安全生产形势分析会\n{}\n6月11日下午，市应急管理局召开安全生产形势分析会。会议要求，各县区要于6月20日前完成专项检查。"


@pytest.mark.parametrize("line", [
    "原创 青石应急 青石应急 2024年06月12日 08:30 浙江",
    "青石应急 2024-06-12 08:30",
    "青石应急\u30002024年6月12日 08:30",
    "发布时间：2024-06-12 08:30:12　来源：市应急管理局",
])
def test_wechat_and_publication_lines(line):
    """The title is the line above the account's (or the site's) date line, and the year is the date line's when the
    body states none."""
    text = MEETING.format(line)
    title = find_title(text)
    assert title == "市应急管理局召开安全生产形势分析会"
    assert find_year(title, text) == 2024


@pytest.mark.parametrize("header,year", [
    ("（2024年第12期）", 2024),
    ("2024年第12期（总第86期）", 2024),
    ("第12期", None),  # no year written anywhere: null (SPEC §8), not guessed
])
def test_bulletin_headers(header, year):
    text = f"安全生产工作简报\n{header}\n县安委办　　　　6月15日\n6月14日，县安委办组织开展宣传咨询日活动。下一步，县安委办将于6月底前组织督查。"
    title = find_title(text)
    assert title == "安全生产工作简报"
    assert find_year(title, text) == year


def test_signature_breaks_a_tie_with_a_year_looked_back_on():
    """A reply dated 2025 that reviews 2024 once and plans 今年 is for 2025."""
    text = ("关于市人大代表建议的答复\n某某代表：\n您提出的建议收悉。现答复如下：\n近年来，我局高度重视。2024年，检查企业3712家。\n"
            "下一步，我局将于今年6月底前组织一轮排查，年底前实现培训全覆盖。\n市应急管理局\n2025年4月18日\n")
    assert find_year(find_title(text), text) == 2025


def test_signature_does_not_outvote_the_body():
    text = ("2023年安全生产工作总结\n2023年，全区检查企业100家。2023年共排查隐患200处。\n区应急管理局\n2024年1月8日\n")
    assert find_year(None, text) == 2023


def test_year_from_the_deadlines_alone():
    text = ("关于做好汛期安全防范工作的通知\n各乡镇人民政府：\n一、各乡镇要于2024年5月20日前完成山洪灾害危险区排查。\n"
            "二、县水利局要于2024年5月31日前完成病险水库除险加固。\n")
    assert find_year(find_title(text), text) == 2024


@pytest.mark.parametrize("title", ["北湖区2024年安全生产重点工作任务分解表", "青石镇2024年安全生产工作责任表",
                                   "2024年消防安全重点工作一览表"])
def test_table_titles(title):
    text = f"{title}\n\n| 序号 | 工作任务 | 牵头单位 | 完成时限 |\n| 1 | 制定责任清单 | 区安委办 | 3月底前 |\n"
    assert find_title(text) == title


@pytest.mark.parametrize("title,month", [
    ("红星社区6月安全工作打算", 6),
    ("街道2024年7月份安全生产工作重点", 7),
    ("十二月份安全生产工作安排", 12),
    ("2024年10月份重点工作任务清单", 10),
    ("5月份工作总结", None),
    ("2024年3月安全生产工作动态", None),
    ("2024年5-6月工作计划", None),
])
def test_monthly_plan_titles(title, month):
    from pipeline.structure import find_month

    assert find_month(title) == month
