"""Site chrome by kind around a real document: each kind is removed, the document's own lines all stay.

The chrome strings are written for these tests (not copied from the corpus, not training data); the body is
a real corpus document (heldout6/h6_03, a notice with no chrome of its own). Each kind is checked through the
whole cleaner and, for the line kinds, against the phrase lists alone (so it holds without a trained model).
"""

from pathlib import Path

import pytest

from pipeline import learn
from pipeline.clean import clean_text
from pipeline.learn import boilerplate as B
from pipeline.learn.match import norm

CORPORA = Path(__file__).resolve().parents[1] / "corpora"
BODY_FILE = next(CORPORA.rglob("h6_03_fenglin_xian_2021_diwen_yuxue_jinji_tongzhi.txt"))
BODY = BODY_FILE.read_text("utf-8")
BODY_LINES = [norm(x) for x in clean_text(BODY).split("\n") if x.strip()]

# kind -> (chrome above the body, chrome below it, the chrome strings that must be gone)
KINDS = {
    "portal header": ("枫林县人民政府门户网站\n首页 > 政务公开 > 通知公告\n", "",
                      ["枫林县人民政府门户网站", "政务公开"]),
    "portal name before a one-step path": ("枫林县应急管理局　　首页 > 通知公告\n", "", ["首页", "通知公告"]),
    "font size with ideographic spaces": ("【字号：大　中　小】　【我要打印】　【关闭窗口】\n", "", ["字号", "我要打印", "关闭窗口"]),
    "source and time": ("来源：县安委办　　发布时间：2021-01-22 16:05　　浏览次数：1024\n", "",
                        ["发布时间", "浏览次数"]),
    "previous and next": ("", "上一条：县政府召开第三次常务会议\n下一条：我县启动春运安全保障工作\n",
                          ["上一条", "下一条", "春运安全保障"]),
    "previous and next, latin": ("", "pre:县政府召开第三次常务会议next:我县启动春运安全保障工作\n", ["春运安全保障"]),
    "wechat widgets": ("枫林应急\n原创 枫林县应急管理局 枫林应急 2021-01-22 18:30\n",
                       "阅读原文\n阅读 1536　在看 12\n点赞\n赞赏\n长按识别二维码，关注公众号\n写留言\n",
                       ["枫林应急", "原创", "阅读原文", "在看", "点赞", "赞赏", "长按识别", "写留言"]),
    "forum widgets": ("楼主\n发表于 2021-1-22 09:41:07 | 只看该作者\n", "回复\n沙发\n引用\n回复 举报\n",
                      ["楼主", "发表于", "只看该作者", "沙发", "引用", "举报"]),
    "forum profile": ("", "主题\n帖子\n积分\n注册时间\n", ["主题", "帖子", "积分", "注册时间"]),
    "photo captions": ("", "▲ 寒潮来临前，工作人员检查大棚加固情况（县融媒体中心 刘洋/摄）\n图为县交警大队在山区公路撒布融雪剂。\n"
                       "图片来源：县气象局\n摄影：周明\n", ["刘洋", "融雪剂。图片", "撒布融雪剂图片", "周明", "图为"]),
    "editor lines": ("", "责任编辑：陈晓\n（编辑：吴敏　审核：郑强）\n校对：黄丽\n", ["陈晓", "吴敏", "郑强", "黄丽"]),
    "scan a code": ("", "扫一扫在手机打开当前页\n微信扫一扫分享\n", ["扫一扫"]),
    "page controls": ("", "【打印本页】　【关闭窗口】\n【关闭窗口】\n分享到：微信 微博 QQ空间\n", ["打印本页", "关闭窗口", "分享到"]),
    "paywall and page counter": ("", "阅读全部图文\n展开阅读全文\n立即注册\n第1页共5页\n(此处省略826字)\n5 积分　下载\n",
                                 ["阅读全部图文", "展开阅读全文", "立即注册", "第1页共5页", "省略826字", "积分"]),
    "style rules": (".article-title{font-size:18px;color:#333}\n", "", ["font-size", "color"]),
    "comment widget": ("", "网友评论\n发表评论\n已有0条评论\n请文明上网，理性发言\n", ["评论", "文明上网"]),
    "breadcrumb": ("您当前的位置：首页 > 信息公开 > 应急管理 > 预警信息\n", "", ["当前的位置", "信息公开"]),
    "file link": ("", "附件下载：1.低温雨雪冰冻天气防范情况统计表.xlsx\n", ["附件下载", "统计表.xlsx"]),
    "essay site blurb": ("下面是小编为大家整理的低温雨雪天气防范通知范文，欢迎阅读参考。\n", "", ["小编"]),
    "table of contents": ("目录/提纲：……\n一、低温雨雪天气概况\n二、防范工作要求\n……\n", "", ["目录", "低温雨雪天气概况"]),
    "pinyin glosses": ("", "", []),  # the body itself, glossed below
    # an essay site's listing title (the body's title again with the site's tail) and its related links, headed by
    # the page's title in brackets
    "essay site listing": ("关于切实做好近期低温雨雪冰冻天气安全防范工作的紧急通知（精选2篇）\n",
                           "【关于切实做好近期低温雨雪冰冻天气安全防范工作的紧急通知（精选2篇）】相关文章：\n"
                           "乡镇冬季低温雨雪天气防范工作方案范文\n县安委办道路结冰应急处置通知\n",
                           ["精选2篇", "相关文章", "道路结冰应急处置", "乡镇冬季低温雨雪"]),
    "related essays on one line": ("", "相关范文：冬季安全生产工作会议讲话稿｜防范寒潮天气工作部署（通用5篇）\n",
                                   ["相关范文", "寒潮天气工作部署"]),
    "keyword strip": ("", "热门标签：低温雨雪  道路结冰  紧急通知  安全防范\n", ["热门标签", "道路结冰紧急通知"]),
    "document-sharing preview": ("上传人：wen***21 | 页数：4页 | 格式：DOCX | 下载积分：8\n",
                                 "温馨提示：本文档共4页，可免费预览前2页\n还剩2页未读，继续阅读>>\n",
                                 ["上传人", "下载积分", "温馨提示", "免费预览", "未读"]),
    "portal banner with an empty date": ("枫林县人民政府门户网站 | 今天是： | 无障碍浏览 | 长者模式\n", "",
                                         ["门户网站", "今天是", "无障碍", "长者模式"]),
    "metadata values without their header": ("431122058/2021-00046 | 枫林县安委办 | 2021-01-22 | 安全生产\n", "",
                                             ["431122058", "2021-00046", "安全生产2021"]),
    "read-aloud button": ("听全文 约4分钟\n", "", ["听全文", "约4分钟"]),
    "wechat account with a bare stamp": ("枫林发布\n2021年01月22日 18:30 湖南\n", "", ["枫林发布", "18:30"]),
}


def _cleaned(kind: str) -> str:
    head, tail, _ = KINDS[kind]
    return clean_text(head + BODY.rstrip("\n") + "\n" + tail)


@pytest.mark.parametrize("kind", sorted(k for k in KINDS if KINDS[k][2]))
def test_chrome_kind_removed_and_body_kept(kind):
    out = _cleaned(kind)
    flat = norm(out)
    for chrome in KINDS[kind][2]:
        assert norm(chrome) not in flat, (kind, chrome, out[:200])
    lines = {norm(x) for x in out.split("\n")}
    missing = [x for x in BODY_LINES if x not in lines]
    assert not missing, (kind, missing)


@pytest.mark.parametrize("line", [
    "上一条：县政府召开第三次常务会议", "下一篇：我县启动春运安全保障工作", "阅读原文", "阅读 1536 在看 12", "赞赏",
    "长按识别二维码，关注公众号", "原创 枫林县应急管理局 枫林应急 2021-01-22 18:30", "楼主", "沙发", "回复 举报",
    "发表于 2021-1-22 09:41:07 | 只看该作者", "▲ 寒潮来临前，工作人员检查大棚加固情况（县融媒体中心 刘洋/摄）",
    "图为县交警大队在山区公路撒布融雪剂。", "图片来源：县气象局", "摄影：周明", "责任编辑：陈晓", "（编辑：吴敏 审核：郑强）",
    "2021-01-22 | 编辑:admin |", "扫一扫在手机打开当前页", "附件下载：1.统计表.xlsx", "防范工作方案.docx", "5 积分 下载",
    "发表评论", "已有0条评论", "www.example.gov.cn", "共3页：上一页　1　2　3　下一页", "首页 上一页 1 2 下一页 尾页", "8点公文网，让写作更轻松！", "枫林县应急管理局 首页 > 通知公告", "( 版权投诉 | 举报 ) 加入收藏 分享到",
])
def test_lists_know_the_widget_kinds(line):
    assert B.rule_chrome(B.normalise_line(line)), line


@pytest.mark.parametrize("line", [
    # content that shares words with the widgets
    "各乡镇要于1月29日前报送排查隐患数、转移人员数。",
    "审核通过的企业名单由县应急管理局统一公布。",
    "县交通运输局负责回复群众来电,及时处置路面结冰问题。",
    "图书馆、文化馆等公共场所要加强消防安全管理。",
    "引用《安全生产法》第二十一条的规定。",
    "(县应急管理局牵头,县消防救援大队配合)",
    "主要负责同志要靠前指挥。",
    "二维码门牌建设覆盖全县1200户居民。",
    "11.2010",
    "风险等级:重大>较大>一般",
    "附件:1.低温雨雪冰冻天气防范情况统计表",
    "联系人：张建华　　联系电话：0736-8462153（传真同号）",
    "枫林县安全生产委员会办公室",
    "1 2",
    "详见第2页表1",
])
def test_lists_leave_content_that_looks_alike(line):
    assert not B.rule_chrome(B.normalise_line(line)), line


def test_name_lines_above_a_title_are_kept():
    """An issuer's name line above the title is the document's; a portal's name above a breadcrumb is not."""
    assert B.position_chrome(BODY.split("\n")) == set()
    lines = ["枫林县人民政府门户网站", "首页 > 政务公开 > 通知公告", ""] + BODY.split("\n")
    assert B.position_chrome(lines) == {0}
    # a news headline above the portal's metadata line is the document's title
    assert B.position_chrome(["枫林县召开寒潮防范工作部署会", "发布日期:2021-01-22 来源:县应急管理局", "正文。"]) == set()


def test_table_of_contents_above_the_text():
    lines = ["目录/提纲:……", "一、总体情况", "(一)督导频次方面", "二、下一步工作要求", "……", "正文第一段,各支队要加强督导。"]
    assert B.position_chrome(lines) == {0, 1, 2, 3, 4}


def test_pinyin_glossed_copy_of_the_body():
    glossed = BODY.replace("县", "縣(xiàn)").replace("区", "區(qū)")
    out = clean_text(glossed)
    assert "(xiàn)" not in out and "(qū)" not in out
    assert norm(clean_text(BODY)) == norm(out)


def test_without_model_the_widget_kinds_still_go(tmp_path):
    with learn.use_models(tmp_path):
        out = clean_text("上一条：县政府召开第三次常务会议\n" + BODY + "\n责任编辑：陈晓\n阅读原文\n")
    assert "上一条" not in out and "陈晓" not in out and "阅读原文" not in out
    assert "联系人" in out


@pytest.mark.parametrize(("before", "after"), [
    ("加强監管(jiān guǎn)工作", "加强監管工作"),  # a word's gloss, syllables spaced
    ("加强監管(jiānguǎn)工作", "加强監管工作"),  # … or run together
    ("加强監(JIĀN)管", "加强監管"),  # upper case
    ("加强監(ㄐㄧㄢ)管", "加强監管"),  # zhuyin
    ("加强監管(jian1 guan3)", "加强監管"),  # tone numbers
    ("应急管理局(EMA)", "应急管理局(EMA)"),  # an abbreviation stays
    ("XX区(xx)应急局", "XX区(xx)应急局"),  # a mask stays
])
def test_gloss_variants(before, after):
    from pipeline.clean import steps as S

    assert S.strip_pinyin_glosses(S.Mapped.of(before)).text == after


def test_chrome_glued_to_body_lines():
    lines = BODY.rstrip("\n").split("\n")
    lines[4] += "【打印】"
    lines[5] = "字号：大　中　小　" + lines[5]
    lines[6] += "(此处省略826字)阅读全部图文"
    out = clean_text("\n".join(lines))
    for chrome in ("打印", "字号", "省略", "阅读全部图文"):
        assert chrome not in out
    assert {norm(x) for x in out.split("\n")} >= set(BODY_LINES)


def test_page_title_of_a_web_copy():
    """A page title (title - site name) goes whole when the document's own title follows it; alone, only the site's
    name goes."""
    title = BODY.split("\n")[1].strip()
    out = clean_text(f"{title} - 枫林县人民政府门户网站\n{BODY}")
    assert "门户网站" not in out and out.split("\n")[:2] == clean_text(BODY).split("\n")[:2]
    out = clean_text(f"{title}_枫林县人民政府网\n" + "\n".join(BODY.split("\n")[3:]))
    assert out.split("\n")[0] == title


@pytest.mark.parametrize("line", [
    "已赞 在看", "喜欢此内容的人还喜欢", "收录于合集 #安全生产 12个", "(完)", "（来源：枫林县应急管理局）", "(本文来源：县应急管理局)",
    "原标题：关于做好低温雨雪天气防范工作的紧急通知", "主办单位：枫林县人民政府办公室 承办单位：县政务服务中心",
    "本文来自投稿，不代表本站立场", "还没有账号？立即注册", "浏览量：1,234", "手机版", ".nav {", "color: #333;", "}",
    "大小：1.2 MB", "页数：12页", "格式：DOCX  大小：36.5KB", "页数：3 | 字数：2339",
    "上傳人：ab***9 | 頁數：5頁 | 格式：DOC | 下載積分：3",  # traditional script (the cleaner simplifies it first)
    "本文标签：安全生产 工作总结", "剩余3页未读，继续阅读>>", "听全文",
])
def test_lists_know_more_widget_kinds(line):
    assert B.rule_chrome(B.normalise_line(line, traditional=True)), line


@pytest.mark.parametrize(("line", "chrome"), [
    ("SA-2019-00088 | 某县应急管理局 | 2019-06-03 | 安全生产", True),  # a metadata table's values
    ("2024-001 | 某化工企业 | 2024-03-02 | 消防通道堵塞，已督促整改 | 已整改", False),  # a hazard ledger's row
    ("页数统计：共检查企业12家", False),
    ("剩余隐患3处正在整改。", False),
])
def test_metadata_values_and_lookalikes(line, chrome):
    assert B.rule_chrome(B.normalise_line(line)) is chrome, line


@pytest.mark.parametrize("line", [
    "主办单位：县安全生产委员会",  # an activity plan's organiser
    "承办单位：县应急管理局、县消防救援大队",
    "(县应急管理局牵头，县消防救援大队配合)",
    "来源：",  # a form's blank field stays to the lists' other rules
])
def test_more_widget_kinds_leave_content(line):
    assert not B.widget_kind(B.normalise_line(line)), line


@pytest.mark.parametrize("chrome", ["第1页 共5页", "第 1 页/共 5 页", ".nav {\n  color: #333;\n  font-size: 14px;\n}"])
def test_page_counter_and_style_block_around_the_body(chrome):
    """A page counter above the text is no page break: the issuer's line under it (also the signature) stays."""
    out = clean_text(chrome + "\n" + BODY + "\n" + chrome)
    assert {norm(x) for x in out.split("\n")} == set(BODY_LINES)
