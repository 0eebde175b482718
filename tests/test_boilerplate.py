"""The boilerplate line model: annotation data, trainer protocol, and the cleaner's use of it (real corpus lines)."""

from pathlib import Path

import pytest

from pipeline import learn, train
from pipeline.clean import clean_text, run_steps
from pipeline.clean import steps as S
from pipeline.learn import boilerplate as B
from pipeline.learn.match import norm
from pipeline.run import extract

CORPORA = Path(__file__).resolve().parents[1] / "corpora"
TRAINED = learn.load("boilerplate") is not None
needs_model = pytest.mark.skipif(not TRAINED, reason="models/boilerplate.joblib not trained")


def test_annotation_covers_the_corpus():
    table = B.labels()
    stems = {g.txt.stem for g in train.find_gold(CORPORA)}
    assert stems <= {d for d, _ in table}, "every gold document has its lines labelled"
    chrome = [k for k, v in table.items() if v == "chrome"]
    assert len(chrome) >= 200 and len({d for d, _ in chrome}) >= 50


def test_no_chrome_label_on_a_gold_task_or_metric():
    """A line holding a gold task text or metric raw is content by definition."""
    table = B.labels()
    for g in train.find_gold(CORPORA):
        gold = g.load()
        items = [norm(t["text"]) for t in gold.get("tasks", [])] + [norm(m.get("raw")) for m in gold.get("metrics", [])]
        items = [x for x in items if len(x) >= 4]
        for k, line in enumerate(g.txt.read_text("utf-8").splitlines(), 1):
            if table.get((g.txt.stem, k)) == "chrome":
                assert not any(x in norm(line) for x in items), (g.name, k, line)


def test_line_view_is_the_same_on_raw_and_cleaned_lines():
    raw = "區(qū)安監局發佈時間\n\n  ＸＸ区２０２４年  工作 \n"
    view = B.line_view(raw)
    assert [t for _, _, t in view] == ["区安监局发布时间", "XX区2024年 工作"]
    assert [raw[s:e].strip() for s, e, _ in view] == ["區(qū)安監局發佈時間", "ＸＸ区２０２４年  工作"]
    # (the model itself may drop a line: the view is compared on the text the earlier steps produce)
    before_model = [st for st in S.STEPS if st[0] not in ("remove_boilerplate", "remove_inline_chrome")]
    assert B.line_view(clean_text(raw, before_model)) == [(0, 8, "区安监局发布时间"), (9, 19, "XX区2024年工作")]


def test_examples_carry_labels_and_group():
    g = next(g for g in train.find_gold(CORPORA) if g.txt.stem.startswith("307_"))
    ex = B.examples(extract(g.txt, until=B.STAGE), g.load(), g.group)
    by_line = {e["line"]: e for e in ex}
    assert by_line[3]["y"] == 1 and by_line[3]["text"].startswith("阅读:")  # 阅读:1953, digits folded
    assert by_line[7]["y"] == 0  # 截至目前,已排查普通居民用户269户…
    assert {e["group"] for e in ex} == {g.group}


def test_threshold_gives_the_precision_asked():
    y = [1, 1, 1, 0, 0, 1, 0]
    p = [0.99, 0.95, 0.9, 0.92, 0.2, 0.4, 0.1]
    t = B.choose_threshold(y, p, target=0.97)
    assert t > 0.92 and B._prf(y, [q >= t for q in p])["precision"] == 1.0


def test_without_model_the_lists_decide(tmp_path):
    text = "您好,欢迎访问博文范文网!\n正文一句。\n本类热门推荐"
    with learn.use_models(tmp_path):
        assert B.chrome_spans(text) is None
        assert S.remove_boilerplate(S.Mapped.of(text)).text == S.remove_site_chrome(S.Mapped.of(text)).text


@needs_model
@pytest.mark.parametrize("chrome", [
    "【字体:",
    "页数:7页",
    "大小:42.91 KB",
    "热门标签",
    "马上注册",
    "首页 > 文章中心 > 正文",
    "已经注册:立即登录>>",
])
def test_model_drops_real_chrome_lines(chrome):
    body = BODY
    out = clean_text(chrome + "\n" + body)
    assert norm(chrome) not in norm(out)
    assert out.endswith("领导带班制度。")


BODY = ("关于做好防汛工作的通知\n各乡镇人民政府:\n为切实做好今年防汛工作,确保安全度汛,现就有关事项通知如下:\n"
        "一、各乡镇要于5月底前完成汛前检查,建立隐患台账,逐项落实整改。\n二、严格值班值守,落实24小时值班和领导带班制度。")


@needs_model
def test_every_gold_item_survives_the_cleaner():
    """No gold task text or metric raw is lost by dropping lines (the ones the copies cut are missing anyway)."""
    missing = []
    for g in train.find_gold(CORPORA):
        text = norm(extract(g.txt, until="clean").text)
        gold = g.load()
        for x in [t["text"] for t in gold.get("tasks", [])] + [m.get("raw") or "" for m in gold.get("metrics", [])]:
            if norm(x) and norm(x) not in text:
                missing.append((g.txt.stem, x))
    # measured before the line model (phrase lists only): 31 strings that the copies themselves damage; 38 with
    # heldout27-30 and train20a-c (the same 7 with the ninth session's start code: two gold texts that keep a
    # mojibake run the cleaner repairs, five sentences of PDF copies cut by a page's furniture)
    # 40 with heldout31-34 (3107's gold keeps a mojibake run the cleaner repairs; 3406, a 文库 copy: the line model
    # drops the page-chunk line 4、题， beside the site's download prompts; 41 on the first run with the tenth session's
    # start code, when join_page_chunks also kept 2、产停业 of a long numbered item cut mid-word as an item)
    # 45 at 51977d1 (train21a-b: 2144's and 2165's task lines); 43 with the kinds of chrome of unseen sites (s21)
    assert len(missing) <= 43, missing[43:]


@needs_model
def test_offsets_still_lead_back():
    raw = "热门标签\n" + BODY
    m = run_steps(raw)
    assert "热门标签" not in m.text
    assert len(m.origin) == len(m.text)
    i = m.text.index("汛前检查")
    assert raw[m.origin[i]:m.origin[i] + 4] == "汛前检查"


@pytest.mark.parametrize("line", [
    "发布日期:2018-11-23 信息来源:白鹤镇党政办 阅读次数:",  # portal metadata fields
    "索引号 | 01526035-8-/2019-0308001 | 发布机构 | 腾冲市林业和草原局 |",
    "名称:宣城市安全生产委员会关于印发《宣城市城镇燃气安全专项整治实施方案》的通知文号:宣安〔2023〕7号",
    "日期:2024年07月26日来源:重庆人大",
    "[ 发布机构 ] 江津区规划自然资源局",
    "一审:XXX",
    "马上注册", "收藏 分享赚钱", "热门标签", "购物车",  # site controls alone on a line
    "您当前的位置:首页 >政务公开 >法定主动公开内容 >应急管理 >应急预案",  # breadcrumbs
    ">要闻动态>应急动态",
    "《上半年森林防火工作总结》系会员上传分享,可免费在线阅读,更多相关内容请见应用文档-每日文库。",
    "开展安全生产月活动方案篇1",
    "XX娱乐城官网_XX体育投注平台_XX真人视讯入口,XX棋牌游戏下载,最新XX彩票计划网",
    "相关链接:龙泉镇召开清明节森林防火工作部署会",
])
def test_lists_know_chrome_kinds(line):
    assert B.rule_chrome(line)


@pytest.mark.parametrize("line", [
    "时间:2024年5月至10月",  # a plan's schedule, not a portal's date stamp
    "检查时间:每月一次",
    "时间安排",
    "会议时间:5月1日,会议地点:三楼",
    "日期 | 时间 | 值班领导",  # a duty roster's header row
    "各单位于5月底前报送材料,联系人:张三,联系电话:123。",
    "风险等级:重大>较大>一般",
    "各乡镇要于5月底前完成在线阅读平台建设。",
])
def test_lists_leave_content(line):
    assert not B.rule_chrome(line)


@pytest.mark.parametrize("line", [
    "(二)组织召开安全生产工作会。 |",
    "会后,刘海波一行还实地检查了镇农贸市场和两家出租屋的消防安全情况。",
    "永兴县七甲乡:燃气安全专项检查行动全面铺开",
    "牵头单位: | 市城市管理综合执法局 |",
    "后勤保障:",
    "我市上半年查处酒驾违法1075起",
])
def test_model_spares_content_shapes(line):
    row = B.doc_rows([line])[0]
    assert B.spared(row)


def test_spared_lets_metadata_rows_go():
    assert not B.spared(B.doc_rows(["公开目录 | 生态保护 | 发布日期 | 2019-03-08 10:44:58 |"])[0])
    # a metadata table's values, with or without the header row above them, are no task table's rows
    assert not B.spared(B.doc_rows(["431122058/2021-00046 | 枫林县安全生产委员会 | 2021-01-22 | 安全生产"])[0])
    rows = B.doc_rows(["索引号 | 发布机构 | 发文日期 | 主题分类", "SX-2021-0046 | 枫林县安全生产委员会办公室 | 2021年1月22日 | 安全生产"])
    assert rows[1]["feats"].get("cells_as_above_meta") and not B.spared(rows[1])
    # a task table's row with a date cell stays spared
    assert B.spared(B.doc_rows(["3 | 组织开展危化品企业安全风险隐患排查整治 | 区应急管理局 | 2021-06-30"])[0])


def test_masked_signature_date_is_spared():
    """The date under the signature, its digits masked (X月X日) or its year left out, is the document's."""
    rows = B.doc_rows(["各单位要于每月5日前将进展情况报区应急管理局。", "泉港区应急管理局", "X月X日"])
    assert rows[2]["sign_date"] and B.spared(rows[2])
    assert not B.doc_rows(["各单位要于每月5日前将进展情况报区应急管理局。", "X月X日"])[1]["sign_date"]


def test_spun_title_features():
    """An essay site's listing title (the document's title with the site's tail) is marked; the title is not."""
    lines = ["城关镇2022年汛期安全生产工作总结（精选3篇）", "城关镇2022年汛期安全生产工作总结",
             "今年汛期，城关镇共排查隐患37处，整改35处，汛期安全形势平稳。"]
    rows = B.doc_rows(lines)
    assert rows[0]["feats"].get("spun_title_tail") and rows[0]["feats"].get("farm_tail")
    assert not rows[0]["feats"].get("title_like") and not B.spared(rows[0])
    assert not rows[1]["feats"].get("spun_title_tail") and rows[1]["feats"].get("title_like")
    assert B.spun_title_lines(lines) == {0}
    # one title, with a bare 范文 tail, repeated: how the site titles the document itself, not a spun copy
    assert not B.spun_title_lines(["城关镇汛期安全生产工作总结范文", "城关镇汛期安全生产工作总结范文", lines[2]])


@pytest.mark.parametrize(("line", "joined"), [
    ("县长在防汛工作会议上的讲话|防汛工作会议讲话稿|县长防汛讲话范文", True),
    ("城关镇防汛部署会新闻稿_乡镇防汛会议简报", True),
    ("加强危化品企业重大危险源监测 | 区应急管理局 | 区经发局 | 6月底前", False),  # a task table's row
    ("序号 | 工作任务 | 牵头部门 | 完成时限", False),
])
def test_joined_titles(line, joined):
    assert B.joined_titles(line) is joined


@needs_model
def test_forum_copy_loses_its_widgets():
    """A forum copy (dev/308): login links, the post's counters and the poster's profile are gone."""
    g = next(g for g in train.find_gold(CORPORA) if g.txt.stem.startswith("308_"))
    text = extract(g.txt, until="clean").text
    for chrome in ("马上注册", "找回密码", "查看: 1032", "发表于 2018-7-13", "显示全部楼层"):
        assert chrome not in text
    assert "查处酒驾违法1075起" in text


@pytest.mark.parametrize(("line", "kind"), [
    # a newspaper page's masthead, its page's number and its jump notes
    ("江城日报 2014年06月04日 星期三", "newspaper"),
    ("《江城日报》2014-06-04 第03版", "newspaper"),
    ("2014年06月04日 星期三 江城日报", "newspaper"),
    ("第03版：要闻", "newspaper"),
    ("版次：A03", "newspaper"),
    ("（下转第三版）", "newspaper"),
    ("上接第1版", "newspaper"),
    # a forum's or a group's poster remarking on what is shared, and the replies
    ("刚整理出来的，某县2014年安全生产工作要点，供各位参考，觉得有用的顶一下", "poster_remark"),
    ("转一下，供各地参考", "poster_remark"),
    ("写得实在，收藏了，谢谢楼主分享！", "poster_remark"),
    # a pager with the page shown in brackets, and the note that the text goes on over pages
    ("上一页 1 [2] 3 下一页 共9页", "pager"),
    ("内容较长，请翻页继续阅读", "pager"),
    # a writing site's lead-in
    ("导读：本文是一篇关于2018年上半年安全生产工作总结的范文，欢迎阅读参考。", "essay_site"),
    ("导读：本文是关于总经理在集团公司安全生产工作会议上的讲话的文章，仅供参考，如果觉得很不错，欢迎点评和分享。", "essay_site"),
    # a writing site's lead-in under another name, a thread's tagged title, the poster's name before 发表于
    ("前言：本文是公文站会员\"lc***\"上传的实施方案范文，全文共2146字，供各单位写作参考。", "essay_site"),
    ("[转帖] 镇党委书记在全镇安全生产工作会议上的讲话（转）", "forum"),
    ("安检老王 发表于 2012-3-5 10:21 | 只看该作者 |倒序浏览 |阅读模式", "forum"),
    # a sharing site's page title (its name after the title, the file's page)
    ("北辰重机2006年安全月活动方案 - 道客文库", "doc_site_title"),
    ("淯阳市安委会关于开展2019年安全生产综合督查的通知.doc_第1页", "file_link"),
    # a newspaper's byline, spaces dropped by the cleaner or not
    ("本报记者 张三 通讯员 李四", "newspaper"),
    ("本报记者张三通讯员李四", "newspaper"),
    # a tab with its close mark
    ("打安镇 X", "tab_close"),
    ("政策解读 ×", "tab_close"),
])
def test_widget_kinds_of_unseen_sites(line, kind):
    assert B.widget_kind(line) == kind and B.rule_chrome(line)


@pytest.mark.parametrize("line", [
    "下面我讲几点意见，供大家参考。",  # a speech's modest close
    "现将经验做法转发给你们，供各地学习借鉴。",  # a notice forwarding a practice
    "组织全体干部认真学习了。",
    "市长　X",  # a masked name under a title
    "《江城日报》刊发了我县安全生产工作经验。",
    "各单位要在第3版规划中明确责任。",
    "以上数据仅供参考。",
    "前言：本文总结了我县一年来的安全生产工作。",  # a report's own foreword
    "记者：如果发生强降雨，市民怎么获取预警信息？",  # an interview's question
])
def test_widget_kinds_leave_content(line):
    assert not B.rule_chrome(line)


def test_site_name_above_breadcrumb_is_header():
    """The site's name right above its breadcrumb is the site's, whatever stands above it (dev/201's shape);
    a letterhead above the title stays."""
    lines = ["中国政府网 | 重庆市人民政府网 区县规划自然资源局 |注册", "", "重庆市江津区规划和自然资源局", "",
             "您当前的位置:首页 >政务公开 >法定主动公开内容 >应急管理 >应急预案", "关于印发自然灾害防治2025年重点任务清单的通知"]
    assert 2 in B.header_lines(lines)
    letter = ["某某镇人民政府", "关于做好2020年汛期安全工作的通知", "各村（社区），镇属各单位：",
              "为切实做好今年汛期安全工作，现将有关事项通知如下：", "某某镇人民政府", "2020年5月6日"]
    assert not B.header_lines(letter)
    # a letterhead under the portal's metadata, above the title, stays too
    assert not B.header_lines(["发布时间：2020-05-06 来源：某某镇", *letter])


@needs_model
def test_unseen_kinds_leave_the_cleaned_text():
    """A forum copy's header row, remark and pager, a newspaper's masthead and jump note go; the text stays."""
    raw = ("发表于 2014-6-4 10:22:31 | 只看该作者 | 倒序浏览 | 阅读模式\n"
           "刚整理出来的，某县2014年安全生产工作要点，供各位参考，觉得有用的顶一下\n"
           "江城日报 2014年06月04日 星期三\n"
           "某县2014年安全生产工作要点\n"
           "全面贯彻落实党的精神，坚持安全发展，强化红线意识，确保全年各类事故总量下降。\n"
           "（一）加强隐患排查治理。各乡镇要于6月底前完成辖区企业隐患排查。\n"
           "（下转第三版）\n"
           "上一页 1 [2] 3 下一页 共9页\n"
           "内容较长，请翻页继续阅读\n")
    text = clean_text(raw)
    for chrome in ("只看该作者", "顶一下", "江城日报", "下转", "下一页", "翻页"):
        assert chrome not in text
    for content in ("某县2014年安全生产工作要点", "确保全年各类事故总量下降", "6月底前完成辖区企业隐患排查"):
        assert content in text


def test_site_copy_of_the_title():
    """A site's reworded copy of the title, above the document's own with only chrome between, is the site's; a
    copy in the same words, or the title wrapped over two lines, stays."""
    body = "同志们：这次会议的主要任务是，总结2013年全省安全生产工作，部署今年的工作。"
    lines = ["首页 > 文库 > 讲话致辞 > 领导讲话", "全省安委会全体会议讲话稿_在全省安全生产委员会全体会议上的讲话",
             "导语：本文是一篇关于安全生产工作的领导讲话稿，欢迎参考借鉴。", "在全省安全生产委员会全体会议上的讲话", body]
    assert B.title_copy_lines(lines) == {1}
    spun = ["总经理在集团公司安全生产工作会议上的讲话（精选）", "导读：本文是关于总经理讲话的文章，仅供参考，欢迎点评和分享。",
            "总经理在XX煤业集团20XX年安全生产工作会议上的讲话", body]
    assert B.title_copy_lines(spun) == {0}
    same = ["白沙河镇2016年安全生产工作总结", "发布时间：2016-12-27　来源：白沙河镇　浏览次数：248", "白沙河镇2016年安全生产工作总结", body]
    assert not B.title_copy_lines(same)
    wrapped = ["国务院办公厅关于印发国家突发事件应急体系建设十三五规划的通知", "来源:岳阳县政府网 2017-07-20",
               "国务院办公厅关于印发国家突发事件", "应急体系建设十三五规划的通知", body]
    assert not B.title_copy_lines(wrapped)
    # nothing but chrome between the two: a date line between keeps the first
    assert not B.title_copy_lines([lines[1], "（2014年2月18日）", lines[3], body])
