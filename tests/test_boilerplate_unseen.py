"""Chrome of kinds the corpus held once or never, in documents written for this (no outside text).

``corpora/boilerplate/written_heldout/`` holds six web copies (a WeChat article, a news site, an old CMS, two
government portals, an essay site) labelled line by line (``C`` chrome, ``T`` the document's own), written
before the cleaner learned the link bars, link blocks and sized file links below, and never trained on: the
cleaner of that hour left 6 of their 56 chrome lines (two portal name lines, a menu bar parted by ``|``, two
links under 往期推荐 / 猜你喜欢) and dropped none of their 31 content lines. Five more (``c_*``: a WeChat
article with 一审/二审/三审, a news portal with （责编：…）, a portal's metadata table, a document-sharing site,
an old CMS with a date widget) were written after those were learned, and its first run left 7 of their 48
chrome lines (a date widget, 上篇：/下篇：, 小字号, the links under 相关文件：, 文档评分) and dropped none of
their 21 content lines; the kinds were then added. Four more (``d_*``: a WeChat article with -END- and
来源丨/编辑丨 lines, a news portal under a slogan line, a portal's 标题/发文字号 fields, an essay site) were written
after that, and the first run left 8 of their 33 chrome lines (link blocks under 热点推荐 / 猜你感兴趣, 本文地址：,
the site's header line above its menu, an account's name above a byline without 原创, -END-) and dropped none
of their 17 content lines; then those kinds were added, and the title's slot spared (the model dropped a
WeChat article's title under its header once they were). Six more (``e_*``: a provincial portal with its name
glued to its menu and a metadata table parted by tabs, a WeChat article with 收录于合集 and 喜欢此内容的人还喜欢, a
city daily's page, a 2008 CMS, a gazette's PDF export with its running header, a bureau's portal with file
links) were written at the start of the sixth session, and the first run left 3 of their 65 chrome lines (the
gazette's running header at the top and mid-text, a link under 喜欢此内容的人还喜欢) and dropped none of their 34
content lines; then a running header's first place and longer link heads were added. Six more (``f_*``: a
WeChat article with 图源网络 侵删, a provincial news site, a 2012 CMS with a visitor counter, a 简报's PDF export
with a page header, a portal with bracketed metadata labels under a bare site name, a 百家号 page) were written
after every change of that session, and the first run with its final code and retrained model left 5 of their
40 chrome lines (the counter, the page header, the credit, 【文　　号】 and the site name above it) and dropped
none of their 35 content lines (the session's start code: the same 5 and none); then those kinds were added.
``corpora/boilerplate/written/`` holds sixteen more copies, which the line model trains on.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.clean import clean_text, run_steps
from pipeline.learn import boilerplate as B

HERE = Path(__file__).resolve().parents[1] / "corpora" / "boilerplate"


def _left_and_lost(raw: str, table: dict[int, str]) -> tuple[list[str], list[str]]:
    """The chrome lines the cleaned text still holds and the content lines it lost, by the offset map (a
    line counts as kept when half its Chinese characters are, or half its visible characters without any)."""
    kept = set(run_steps(raw).origin)
    lines = raw.split("\n")
    starts = [0]
    for ln in lines:
        starts.append(starts[-1] + len(ln) + 1)
    left, lost = [], []
    for k, label in table.items():
        line = lines[k - 1]
        pos = [starts[k - 1] + j for j, c in enumerate(line) if "\u3400" <= c <= "\u9fff"] or \
            [starts[k - 1] + j for j, c in enumerate(line) if not c.isspace()]
        share = sum(p in kept for p in pos) / len(pos)
        if label == "chrome" and share >= 0.5:
            left.append(lines[k - 1])
        if label == "content" and share < 0.5:
            lost.append(lines[k - 1])
    return left, lost


@pytest.mark.parametrize("folder", ["written_heldout", "written"])
def test_written_web_copies_lose_their_chrome_and_keep_their_text(folder):
    docs = B.read_written(HERE / folder)
    assert len(docs) >= 6
    for name, raw, table in docs:
        left, lost = _left_and_lost(raw, table)
        assert not lost, (name, lost)
        assert not left, (name, left)


def test_written_lines_are_training_examples():
    ex = B.written_examples()
    assert {e["doc"] for e in ex} == {f"written/{n}" for n, _, _ in B.read_written()}
    assert {e["y"] for e in ex} == {0, 1}
    assert all(e["group"] == e["doc"] for e in ex)  # each written document is its own group


def test_a_malformed_written_line_names_its_file(tmp_path):
    (tmp_path / "bad.tsv").write_text("C\t首页\nX\t正文\n", "utf-8")
    with pytest.raises(ValueError, match=r"bad\.tsv: line 2"):
        B.read_written(tmp_path)


@pytest.mark.parametrize("line", [
    "首页 | 政务公开 | 通知公告 | 办事服务",
    "首页 | 机构概况 | 政务公开 | 工作动态 | 政策法规 | 办事指南 | 互动交流",
    "鹿鸣街道办事处　　　　首页　|　街道概况　|　政务公开　|　社区服务　|　安全生产",
    "网站首页　　机构职能　　政务公开　　应急管理　　安全生产　　防灾减灾　　公众参与",
    "关于我们 | 网站地图 | 联系我们",
    "新华网 | 首页 | 时政 | 地方 | 财经 | 应急 | 视频",
    "东阳县人民政府门户网站 繁体 | 无障碍 | 长者模式",
])
def test_bars_of_links_are_chrome(line):
    assert B.nav_bar(line)
    assert B.rule_chrome(B.normalise_line(line))


@pytest.mark.parametrize("line", [
    "序号 | 工作任务 | 牵头单位 | 完成时限",  # a table's header is parted the same way
    "县应急局 县公安局 县交通运输局",  # units parted by spaces
    "安全生产 防灾减灾 应急管理",  # no menu words
    "姓名 | 职务 | 联系电话",
    "一、指导思想",
    "2 | 开展危险化学品安全专项整治 | 区应急局 | 11月底前",
])
def test_other_bars_are_not_links(line):
    assert not B.nav_bar(line)


def test_a_bar_of_links_parted_by_spaces_goes_before_the_spaces_are_dropped():
    body = "各乡镇：\n为做好汛期安全生产工作，现将有关事项通知如下。\n"
    out = clean_text("龙门区应急管理局\n网站首页　　机构职能　　政务公开　　应急管理　　安全生产\n" + body)
    assert "机构职能" not in out and "政务公开" not in out
    assert "为做好汛期安全生产工作" in out


def test_a_block_of_links_after_the_text():
    lines = ["青川县开展防汛应急综合演练",
             "6月11日上午，青川县在库区组织开展2024年防汛应急综合演练，县防指成员单位共320余人参加演练。",
             "来源：青川县应急管理局", "往期推荐", "青川县召开安全生产专题会议", "夏季防溺水，这些知识要牢记！",
             "阅读原文", "县应急局将于近期开展检查。", "青川县应急管理局"]
    got = B.link_block_lines(lines)
    assert {3, 4, 5, 6} <= got  # a link's title may hold a comma
    assert 7 not in got and 8 not in got  # a sentence ends the block
    assert 0 not in got and 1 not in got


def test_a_links_head_above_the_text_opens_no_block():
    lines = ["相关新闻", "县应急局召开安全生产会议",
             "6月11日上午，青川县在库区组织开展2024年防汛应急综合演练，县防指成员单位共320余人参加演练。"]
    assert B.link_block_lines(lines) == set()


@pytest.mark.parametrize("line", [
    "1. 关于全区安全生产工作情况的报告（PDF，186KB）",
    "附件：夏季消防安全检查登记表.doc",
    "原创 青川县应急管理局 青川应急 2024-06-12 17:45 发表于四川",
    "原创 石城县应急管理局 平安石城 2023年7月4日 08:10 江西",
    "2021-09-15 09:12:03 发布于浙江 来源：滨江发布",
    "声明：本文由入驻作者编辑撰写，除官方账号外，观点仅代表作者本人，不代表本平台立场。",
    "东岭县应急管理局　设为首页　加入收藏",
    "南山镇政府网今天是:2017年5月12日 星期五",  # a date widget (the cleaner has glued the name to it)
    "上篇:南山镇召开春耕生产工作会议",
    "下一篇文章:白沙乡开展校园安全检查",
    "小字号",
    "文档评分",
    "-END-",
    "本文地址：",
    "青溪县应急管理局 2024-08-02 20:15",
    "Copyright 2022 中国应急信息网 All rights reserved",
    "© 2016 白沙乡人民政府",
])
def test_sized_file_links_and_bylines_are_chrome(line):
    assert B.rule_chrome(line)


@pytest.mark.parametrize("line", [
    "◆区应急局召开一季度安全生产形势分析会",  # a 工作动态's headline: ◆ is a bullet, not a caption's mark
    "■ 节后复工复产安全检查全面完成",
    "附件：1.青峰区2021年安全生产重点任务分解表",  # an official document's own list of attachments
    "时间:2024年3月2日 星期六",  # a meeting's time, not a site's date widget
    "下篇 主要任务",
    "评分标准:",
])
def test_bullets_and_attachment_lists_are_content(line):
    assert not B.rule_chrome(line)


def test_the_site_header_above_its_menu_goes_with_the_menu():
    body = "各乡镇：\n为做好汛期安全生产工作，县应急局决定开展汛期安全生产大检查，现将有关事项通知如下。\n"
    out = clean_text("中国应急信息网 | 应急管理部主管\n首页 资讯 政策 地方 专题 视频\n关于开展汛期安全生产大检查的通知\n" + body)
    assert "中国应急信息网" not in out and "资讯" not in out
    assert out.startswith("关于开展汛期安全生产大检查的通知")


def test_a_links_block_under_any_short_head():
    lines = ["社区2023年安全生产工作总结",
             "2023年，社区围绕安全发展目标，共开展安全检查36次，排查消除隐患97处，全年未发生安全事故。",
             "热点推荐", "社区消防安全工作总结", "猜你感兴趣", "2023年社区综治工作总结"]
    assert {2, 3, 4, 5} <= B.link_block_lines(lines)


def test_the_title_slot_is_spared():
    lines = ["安全青溪", "青溪县应急管理局 2024-08-02 20:15", "点击上方蓝字关注我们", "高温天气安全生产提示",
             "近期我县持续高温,各生产经营单位要合理调整作业时间,避开中午高温时段露天作业。"]
    rows = B.doc_rows(lines)
    assert [r["title_slot"] for r in rows] == [False, False, False, True, False]
    assert B.spared(rows[3])


def test_written_copies_are_no_corpus_documents():
    # the corpus's readers, ingest and the golden tests take every .txt under corpora/: these are not documents
    assert not list(HERE.rglob("*.txt"))
