"""Years the train16 gold showed the finder missing (documents written here, in our own words): a post's or a page's
date line that the cleaner removes (read from the raw page), a page whose text names its year only as a limit, news
whose only year is where a period runs on to; and their near misses: a plan's own later deadline, a period's bound
after 发布之日起至."""

from __future__ import annotations

from pipeline.structure import find_title, find_year

POST_RAW = ("汛期将至！这份防汛安全提示请收好\n原创 青石应急 青石应急 2024年05月27日 18:30 浙江\n听全文\n\n"
            "为做好汛期安全防范，5月20日至24日，县应急管理局组成4个检查组开展汛前检查。下一步，各乡镇要于6月10日前完成山塘水库巡查。\n")
POST_TEXT = POST_RAW.replace("原创 青石应急 青石应急 2024年05月27日 18:30 浙江\n听全文\n\n", "")


def test_a_posts_date_line_in_the_raw_page():
    """The cleaned text has no year; the account's date line (a date with its hour) in the raw page gives it."""
    title = find_title(POST_TEXT)
    assert find_year(title, POST_TEXT) is None
    assert find_year(title, POST_TEXT, raw_text=POST_RAW) == 2024


def test_a_date_of_the_bodys_events_is_no_page_date():
    raw = "汛期安全提示\n2024年05月20日，县应急管理局开展检查。\n"
    assert find_year("汛期安全提示", "汛期安全提示\n县应急管理局开展检查。\n", raw_text=raw) is None


PAGE = ("青河县人民政府\n当前位置：首页 > 政务公开\n青河县燃气安全整治工作进展情况汇报\n发布时间：2024-08-21 16:05　来源：县住建局\n"
        "我县自2023年8月起开展城镇燃气安全整治，现将截至2024年7月底的进展汇报如下。全县共排查隐患144处。\n")


def test_a_page_that_names_its_year_only_as_a_limit():
    text = PAGE.split("\n", 3)[2] + "\n" + PAGE.split("\n", 4)[4]  # the cleaned text: title and body
    assert find_year("青河县燃气安全整治工作进展情况汇报", text, raw_text=PAGE) == 2024


NEWS = ("青石在线 | 新闻中心\n青石县全面开展冬春安全生产大检查\n2018年12月07日 08:52　来源：青石在线\n"
        "记者从县应急管理局了解到，截至12月5日，全县已检查企业873家。下一步，大检查将持续到2019年2月28日。\n")


def test_news_whose_only_year_is_where_a_period_runs_on_to():
    text = "青石县全面开展冬春安全生产大检查\n" + NEWS.split("\n", 3)[3]
    assert find_year("青石县全面开展冬春安全生产大检查", text, raw_text=NEWS) == 2018


def test_a_plans_own_later_deadline_leaves_the_year_unknown():
    raw = "关于做好冬季安全工作的通知\n发布时间：2023-12-20\n各乡镇要于2024年3月底前完成排查。\n"
    text = "关于做好冬季安全工作的通知\n各乡镇要于2024年3月底前完成排查。\n"
    assert find_year("关于做好冬季安全工作的通知", text, raw_text=raw) is None


def test_a_periods_bound_after_the_publication_is_no_page_date():
    text = ("关于取消瓶装液化气自提的通告\n一、自本通告发布之日起至2026年2月28日为过渡期。\n"
            "二、2026年3月1日起，全市取消自提购气。\n")
    assert find_year("关于取消瓶装液化气自提的通告", text) is None


def test_a_rule_books_date_of_force():
    """A 制度 whose only year is the day it takes force (本制度自2021年3月1日起施行) is of that year; a notice that only
    looks forward to a start (2026年3月1日起，全市取消…) in its body states none."""
    text = ("安全生产执法检查工作制度\n第一条　为规范执法检查行为，制定本制度。\n第二条　局执法科每季度开展一次抽查。\n"
            "第三条　本制度自2021年3月1日起施行。\n")
    assert find_year("安全生产执法检查工作制度", text) == 2021
    notice = "关于取消自提购气的通告\n一、2026年3月1日起，全市取消自提购气。\n二、各区要加强宣传。\n"
    assert find_year("关于取消自提购气的通告", notice) is None
