"""Chrome of kinds the corpus held once or never, in documents written for this (no outside text).

``corpora/boilerplate/written_heldout/`` holds six web copies (a WeChat article, a news site, an old CMS, two
government portals, an essay site) labelled line by line (``C`` chrome, ``T`` the document's own), written
before the cleaner learned the link bars, link blocks and sized file links below, and never trained on: the
cleaner of that hour left 6 of their 56 chrome lines (two portal name lines, a menu bar parted by ``|``, two
links under 往期推荐 / 猜你喜欢) and dropped none of their 31 content lines. ``corpora/boilerplate/written/``
holds eight more in the same kinds, which the line model trains on.
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
    (tmp_path / "bad.txt").write_text("C\t首页\nX\t正文\n", "utf-8")
    with pytest.raises(ValueError, match=r"bad\.txt: line 2"):
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
])
def test_sized_file_links_and_bylines_are_chrome(line):
    assert B.rule_chrome(line)


@pytest.mark.parametrize("line", [
    "◆区应急局召开一季度安全生产形势分析会",  # a 工作动态's headline: ◆ is a bullet, not a caption's mark
    "■ 节后复工复产安全检查全面完成",
    "附件：1.青峰区2021年安全生产重点任务分解表",  # an official document's own list of attachments
])
def test_bullets_and_attachment_lists_are_content(line):
    assert not B.rule_chrome(line)
