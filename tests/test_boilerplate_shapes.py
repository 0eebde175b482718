"""Chrome shapes left by the cleaner on the blind web copies of heldout16-18 and train16j-l in a
leave-one-set-out run (`scripts/measure_chrome_loso.py`: the line model trained without those sets), each
tested here on lines written for this test (no corpus line): a portal's name glued to its menu bar, a
metadata table's 标题 row as long as the title, a site's name before 欢迎您 and its controls, a column's name
alone under the site's chrome, a 关键词 row of a metadata table above the text (which opened the sharing sites'
trailer rule and took the title, the salutation and the signature with it), and an official document's
attachment note lost between its last table row and the site's footer. The shapes heldout19-22 left or lost
in the same run (the model trained without them) follow: a column's name after a mark (〉〉通知公告), a head of
related links with its link on its line (★ 相关文件：…), a footer's links glued to its 主办 and 网站标识码 fields,
and a WeChat headline whose two phrases a bar parts (…圆满收官｜这组数字…), lost as chrome."""

from __future__ import annotations

import pytest

from conftest import CORPORA

from pipeline.clean import clean_text
from pipeline.learn import boilerplate as B


@pytest.mark.parametrize("line", [
    "青禾县人民政府信息公开平台　　首页 | 信息公开指南 | 信息公开制度 | 法定主动公开内容 | 信息公开年报",
    "白河镇人民政府网 首页 镇情概况 政务公开 便民服务 互动交流",
    "东岭市应急管理局　欢迎您！　　设为首页 | 加入收藏",
    "石门乡政务网欢迎您的光临 设为首页 加入收藏",
    "标　　题：东岭市人民政府办公室关于印发《东岭市2023年防汛防台风应急工作方案》的通知",
    "标题：青禾县应急管理局关于开展2022年“安全生产月”活动的通知",
    "本文来自【东岭日报】，仅代表作者观点。全国党媒信息公共平台提供信息发布传播服务。",
    # shapes of the sixth session's second written round (f_*), first run 5 of 40 chrome lines left
    "你是本站第 000981 位访客",
    "图片来源于网络，如有侵权请联系删除",
    "【文　　号】东应急〔2022〕4号",
    "东岭县安全生产工作简报 | 第3页",
    "东岭县应急管理局文件汇编第7页",
])
def test_new_shapes_of_chrome(line):
    assert B.rule_chrome(B.normalise_line(line))


@pytest.mark.parametrize("line", [
    "县应急局 县公安局 县交通运输局 县住建局",
    "序号 | 工作任务 | 牵头单位 | 完成时限",
    "县安委办 | 工作内容 | 完成时间",
    "各乡镇人民政府，县直有关单位：",
    "标题党、形式主义问题要坚决纠正。",
    "一、各乡镇要在汛前完成山塘水库检查 第2页",  # a content line cut at a page break keeps its words
    "详见附件第3页",
])
def test_units_headers_and_sentences_stay(line):
    assert not B.rule_chrome(B.normalise_line(line))
    assert not B.nav_bar(line)


def test_a_column_name_under_the_site_chrome():
    lines = ["今天是：2019年4月2日 星期二", "通知公告", "关于开展清明节期间森林防火检查的通知", "各乡镇："]
    assert B.column_lines(lines) == {1}
    # a notice's own short title under a chrome line stays (紧急通知 names a document; 工作要求 is no menu)
    assert B.column_lines(["今天是：2019年4月2日 星期二", "紧急通知", "各乡镇："]) == set()
    assert B.column_lines(["浏览次数：12", "工作要求", "各乡镇要在4月5日前完成检查。"]) == set()


def test_a_keyword_row_above_the_text_opens_no_trailer():
    raw = ("索引号 | 11340000/2021-00031\n关键词 | 安全生产 汛期\n"
           "青禾县应急管理局关于做好汛期安全生产工作的通知\n各乡镇人民政府，县直有关单位：\n"
           "为做好汛期安全生产工作，防范化解重大安全风险，现就有关事项通知如下，请各单位认真贯彻落实。\n"
           "一、各乡镇要在6月10日前完成辖区尾矿库和在建工地的汛前检查。\n"
           "青禾县应急管理局\n2021年5月28日\n")
    out = clean_text(raw)
    for kept in ("关于做好汛期安全生产工作的通知", "各乡镇人民政府", "青禾县应急管理局\n", "2021年5月28日"):
        assert kept in out, kept
    assert "关键词" not in out
    # at the end of a sharing site's copy, the trailer still goes
    out = clean_text("县安全生产工作总结\n今年以来，全县共检查企业320家，发现隐患1200处，已全部整改到位，安全形势平稳向好。\n"
                     "关键词：安全生产 总结\n相关范文\n")
    assert "关键词" not in out and "相关范文" not in out


@pytest.mark.parametrize("line,kept", [
    ("附：各村联络员名单（略）", True),
    ("附件：1.隐患排查整治情况统计表", True),
    ("附件2", True),
    ("附件下载：隐患排查整治情况统计表", False),
    ("附件1.隐患排查整治情况统计表.xlsx", False),
])
def test_an_attachment_note_is_spared_a_file_link_is_not(line, kept):
    row = B.doc_rows([line])[0]
    assert B.spared(row) is kept


def test_a_running_header_kept_between_pages():
    lines = ["河西县应急管理局文件汇编　2021年第2辑", "河西县应急管理局关于加强汛期安全生产工作的通知", "各乡镇：",
             "为切实做好汛期安全生产工作，现就有关事项通知如下。", "一、各乡镇要在6月10日前完成尾矿库汛前检查。",
             "二、县水利局负责水库巡查。", "— 3 —", "河西县应急管理局文件汇编　2021年第2辑",
             "三、各企业要落实24小时值班制度，遇有险情第一时间报告。", "四、县气象局要及时发布预警信息。",
             "河西县应急管理局", "2021年5月20日"]
    assert B.running_header_lines(lines) == {0, 7}
    out = clean_text("\n".join(lines) + "\n")
    assert "文件汇编" not in out and "三、各企业要落实24小时值班制度" in out


def test_repeated_lines_that_are_the_documents_own_stay():
    # a title repeated (a cover and the text), a unit and its deadline cell repeated in a flattened table
    lines = ["青禾县2024年安全生产工作要点(2024-2026年)", "为做好今年安全生产工作，制定本要点，请各单位认真贯彻落实。",
             "县应急管理局 6月底前", "一、开展危化品企业专项检查，确保年内全覆盖。", "县应急管理局 6月底前",
             "青禾县2024年安全生产工作要点(2024-2026年)", "二、各乡镇要落实网格化监管，每季度巡查一次。"]
    assert B.running_header_lines(lines) == set()


def test_a_notices_contact_lines_above_its_signature_are_spared():
    lines = ["各乡镇要于3月20日前报送排查情况。", "联系人：杨某", "联系电话：0838-1234567",
             "电子邮箱：abc@example.gov.cn", "", "附件：1.隐患排查情况统计表", "岷州市应急管理局", "2020年3月2日",
             "联系电话：0838-7654321 地址：人民路1号", "网站标识码：5101000001"]
    view = [x for x in lines if x]
    rows = B.doc_rows(view)
    assert [r["contact"] for r in rows][:4] == [False, True, True, True]
    assert all(B.spared(r) for r in rows[1:4])
    assert not rows[-2]["contact"]  # a site footer's telephone has no signature below it


def test_a_column_name_after_a_mark():
    lines = ["网站首页 | 机构概况 | 政务公开 | 互动交流", "》》通知公告", "东岭县应急管理局关于做好节日期间安全生产工作的通知",
             "各乡镇人民政府："]
    assert B.column_lines(lines) == {1}
    assert B.column_lines(["网站首页 | 机构概况 | 政务公开 | 互动交流", "■ 紧急通知", "各乡镇人民政府："]) == set()


def test_a_links_head_with_its_link_on_its_line():
    lines = ["各乡镇要在6月底前完成辖区危险化学品企业的全面排查，建立问题清单并逐项整改到位。", "东岭县应急管理局",
             "2021年5月6日", "☆ 相关链接：东岭县危险化学品安全专项整治三年行动实施方案", "东岭县应急管理局办公室"]
    assert B.link_block_lines(lines) == {3}  # the line alone: what follows is not taken with it
    # above the text, or a sentence after such a label, is no link
    assert B.link_block_lines(["相关文件：东岭县安全生产专项整治实施方案", lines[0]]) == set()
    assert B.link_block_lines([lines[0], "相关文件：请各乡镇认真组织学习，并于6月底前报送学习情况。"]) == set()


@pytest.mark.parametrize("line", [
    "网站地图｜联系我们｜网站纠错　　主办：东岭市应急管理局　　网站标识码：3301000012",
    "关于我们 | 网站地图　主办单位：青禾县人民政府办公室　承办：青禾县信息中心",
    "联系我们　网站标识码：3308000012",
])
def test_a_footers_links_glued_to_its_fields(line):
    assert B.rule_chrome(B.normalise_line(line))


def test_a_headline_parted_by_a_bar_is_the_title():
    lines = [B.normalise_line(x) for x in [
        "东岭区“安全生产月”活动圆满收官｜这组数字记录我们的6月", "原创 东岭应急 东岭应急管理 2021-07-02 18:05",
        "点击上方蓝字 关注我们",
        "6月是第20个全国“安全生产月”，今年以来，全区共检查企业638家，发现隐患1542处，已整改1379处。"]]
    rows = B.doc_rows(lines)
    assert [r["title_slot"] for r in rows] == [True, False, False, False]
    # a bar of three links or more is no headline
    rows = B.doc_rows(["首页 | 通知公告 | 工作动态"] + lines[1:])
    assert not rows[0]["title_slot"]


@pytest.mark.parametrize(("stem", "gone", "kept"), [
    ("1911_xx_sheng_yingjiting_2019_weixian_huaxuepin_anquan_zonghe_zhili_gongzuo_yaodian_wangye",
     ["〉〉通知公告", "相关文件"], ["XX省应急管理厅关于印发《2019年全省危险化学品安全综合治理工作要点》的通知",
                               "8.建立危险化学品安全专家库"]),
    ("2206_lanjiang_sheng_anweiban_2024_disan_jidu_mingcha_anfang_qingkuang_tongbao_wangye",
     ["网站地图", "网站标识码"], ["澜江省安全生产委员会办公室\n2024年9月30日"]),
    ("2007_rongwan_qu_yingjiju_2021_anquan_shengchan_yue_huodong_gongzhonghao",
     ["原创", "点击上方蓝字"], ["榕湾区“安全生产月”活动圆满收官|这组数字记录我们的6月"]),
])
def test_blind_web_copies_lose_these_shapes(stem, gone, kept):
    out = clean_text(next(CORPORA.rglob(f"{stem}.txt")).read_text("utf-8"))
    assert not [g for g in gone if g in out]
    assert all(k in out for k in kept)
