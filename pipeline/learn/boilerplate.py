"""Boilerplate lines: which lines of a document are the web site's (chrome), not the document's.

Web copies carry site chrome around and inside the text: navigation and
breadcrumbs, publication-time / view-counter lines, 字号 and share buttons,
download and paywall prompts (``(未完,全文共1772字,当前显示432字)``), page
counters, keyword-spam headers, forum widgets, portal metadata tables. Lists of
known phrases miss the next site's wording, so a line classifier decides from
what a line looks like: its characters (n-grams, digits folded), its length and
mix of scripts, sentence punctuation, its position in the document, the shapes
of its neighbours, repetition, and digit-heavy patterns (dates, counters, sizes).

- Data: ``corpora/boilerplate/lines.tsv``, every non-blank line of the corpus
  documents labelled chrome / content by reading the raw files.
- Two passes: the first scores each line alone; chrome comes in blocks, so a
  second pass rescores it from the first pass's scores of its neighbours and
  its block of short lines, and its place relative to the lines that are clearly
  content (:func:`second_features`). The second pass learns from out-of-fold
  first-pass scores, and is measured by nested grouped cross-validation
  (:func:`nested_cross_validate`).
- Trainer protocol (:mod:`pipeline.train`): ``NAME``, ``STAGE``, ``examples``,
  ``fit``, ``card``. The threshold on the chrome probability is chosen on
  out-of-fold predictions (GroupKFold by document) for a chrome precision of at
  least :data:`TARGET_PRECISION`: dropping a content line costs more than
  keeping a chrome line.
- Use: :func:`chrome_spans` (the cleaner's ``remove_boilerplate`` step) returns
  the lines to drop, or None when no model was trained (the cleaner then keeps
  to its lists).

The same :func:`line_view` serves training (on the raw text) and cleaning (on
the text the earlier steps produced): it normalises width, script and pinyin
glosses itself, so both see the same lines.
"""

from __future__ import annotations

import bisect
import math
import re
import unicodedata
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..script import t2s

NAME = "boilerplate"
STAGE = "read"
TARGET_PRECISION = 0.98  # the lists of kinds find most chrome now: the model may be surer
LABELS_FILE = Path(__file__).resolve().parents[2] / "corpora" / "boilerplate" / "lines.tsv"

_CJK = "\u3400-\u4dbf\u4e00-\u9fff"
_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ"
_GLOSS = re.compile(rf"(?<=[{_CJK}])[(（][a-zü{_TONED}]{{1,7}}[)）]")
_SPACES = re.compile(r"\s+")
# frequent characters that exist only in traditional script (a cheap gate before OpenCC)
_TRAD = re.compile("[們個國這來說時會為學對發後過與經產業區縣鄉鎮處體關開長門問聯義務點擊積極單當應態監責實隱強員導織險專環節現規範劃證書歷據條災華資訊檢組領設備類場頭費讓認識達題]")
_SENT_END = "。!?！？;；"
_ITEM = re.compile(r"^(?:[一二三四五六七八九十]+[、.,，]|[(（][一二三四五六七八九十\d]{1,3}[)）]|\d{1,2}[.、](?!\d)|"
                   r"第[一二三四五六七八九十]+[,，、]|[一二三四五六七八九十]+[是要][,，:：]?)")


class _Markup:
    """Whether a line holds markup: ``<[a-zA-Z/][^>]*>|!\\[|\\{[^}]*:[^}]*\\}|[a-z-]+\\s*:\\s*[^;]+;`` searched in
    linear time. That pattern, retried from every ``<``, ``{`` or letter, read to the line's end from each: a
    line of ``-`` or of ``<a`` was quadratic. Each part is decided by its earliest start instead."""

    _TAG = re.compile(r"<[a-zA-Z/]")
    _RULE = re.compile(r"[a-z-]\s*:[^;]")  # [a-z-]+\s*:\s*[^;]+; is this, then a ; further on

    def search(self, s: str) -> bool:
        if "![" in s:
            return True
        m = self._TAG.search(s)
        if m and ">" in s[m.end():]:
            return True
        if "{" in s:
            parts = s.split("}")
            for part in parts[:-1]:  # a { before the next }, with a : between them
                k = part.find("{")
                if k >= 0 and ":" in part[k + 1:]:
                    return True
        m = self._RULE.search(s)
        return bool(m) and ";" in s[m.end():]


_PATTERNS = {
    "iso_date": re.compile(r"(?:19|20)\d\d[-/.]\d{1,2}(?:[-/.]\d{1,2})?"),
    "clock": re.compile(r"\d{1,2}:\d\d"),
    "cn_date": re.compile(r"(?:19|20)\d\d年\d{1,2}月\d{1,2}日"),
    # a number is tried from its first digit only ((?<!\d)): retried from every digit of a run, a line of digits
    # was quadratic (a match from inside a run is also one from its first digit, so the same lines match)
    "counter": re.compile(r"(?<!\d)\d+\s*(?:次|人阅读|阅读|浏览|点击|评论|赞|W|w|万)\b|[:：|]\s*\d+\s*$"),
    "page_count": re.compile(r"第\s*\d+\s*页|共\s*\d+\s*页|(?<!\d)\d+\s*页\b|(?<!\d)\d+\s*/\s*\d+\s*$"),
    "size": re.compile(r"(?<!\d)\d+(?:\.\d+)?\s*[KkMm][Bb]"),
    "url": re.compile(r"https?:|www\.|\.(?:com|cn|net|org|html?)\b|@"),
    "chars_count": re.compile(r"(?<!\d)\d+\s*字"),
    "label_colon": re.compile(rf"^[{_CJK}A-Za-z ]{{1,8}}[:：]"),
    "bracket_label": re.compile(r"^[【\[［][^】\]］]{0,12}[】\]］]"),
    "bracket_any": re.compile(r"[【】\[\]]"),
    "ellipsis": re.compile(r"……|\.\.\.|>>|»"),
    "arrow_path": re.compile(r"[>＞›»]\s*\S"),
    "doc_ext": re.compile(r"\.(?:docx?|pdf|pptx?|xlsx?)\b", re.I),
    "html": _Markup(),
    "masked_name": re.compile(r"^[|\s]*[A-Z*]{1,3}某?\s*$"),
    "bullet": re.compile(r"^[-•·*]\s"),
    "paren_whole": re.compile(r"^[(（].*[)）]$"),
}
# what a document's own title or signature looks like (a title inside a chrome block is still the document's)
_TITLE_END = re.compile(r"(?:工作动态|周报|快报|专报|通知|通报|方案|规划|总结|要点|报告|汇报|讲话|主持词|致辞|意见|办法|计划|纪要|函|细则|预案|制度|清单|"
                        r"责任书|分解表|汇总表|进度表|一览表|情况|决定|公告|简报)(?:[(（][^)）]{0,20}[)）])?$")
# the tail an essay site puts on a listing's title (…工作总结（精选）, …方案(实用3篇), …通知范文, …（第2页）, …(会员专享)):
# a title with it is the site's listing, not the document's own heading
FARM_TAIL = re.compile(r"(?:范文|模板|范本|例文|大全)(?:\d{1,2}篇|[(（][^)）]{0,10}[)）])?$|"
                       r"[(（](?:(?:精选|通用|实用|优选|推荐|热门|最新|优秀|经典|完整|必备|汇总|合集)(?:\d{1,2}篇)?版?|\d{1,2}篇|"
                       r"(?:会员|VIP)专享|第\d{1,3}页)[)）]$|(?:方案|计划|总结|通知|报告|讲话|发言|要点|预案|稿)\s*\d{1,2}篇$")
# the tail or mark a document-sharing site puts on a copy of the title (…要点（word版）, …要点(可编辑), 【精品】…要点,
# …要点 - 道客巴巴, …要点_百度文库): with it, a line repeating the document's title is the site's
_SITE_WORDS = r"(?:文库|文档|巴巴|豆丁网?|资料网?|范文网|文秘网|公文网|文档网|书屋|共享资料|docin|doc88)"
DOC_SITE_TAIL = re.compile(r"[(（【\[]\s*(?:word|WORD|Word|doc|docx|DOC|DOCX|pdf|PDF)\s*版?\s*[)）】\]]$|"
                           r"[(（【\[](?:可编辑|可编辑版|可修改|可下载|精编版?|完整版|最新版|高清版?|原创|精品|优质|免费)[)）】\]]$|"
                           r"^[【\[](?:精品|优质|精选|推荐|最新|原创|免费|荐|VIP)[】\]]|"
                           rf"\s*[-_|｜–—]\s*[\u4e00-\u9fff0-9A-Za-z]{{0,8}}{_SITE_WORDS}$")
# listing titles joined on one line (县长安全生产讲话|安全生产工作会议讲话稿|…讲话范文, …方案_…方案范文)
_JOIN_SPLIT = re.compile(r"\s*[|｜_]\s*")
_DATE_ONLY = re.compile(r"^(?:(?:19|20)\d\d|[二〇○零0一二三四五六七八九]{4})\s*年\s*[\d一二三四五六七八九十]{1,2}\s*月"
                        r"(?:\s*[\d一二三四五六七八九十]{1,3}\s*日)?$")


# the phrase lists of known chrome (the cleaner's fallback without a model, and features of the model)
CHROME_LINE = re.compile(
    r"^\s*[-•·]?\s*(?:"
    r"您好[,，]?\s*欢迎|欢迎(?:访问|来到|光临)|您(?:现在)?的位置|当前位置[:：]|提示[:：]\s*本页|本文链接|本文地址|原文(?:地址|链接)|文章(?:地址|链接)[:：]|"
    r"本站提供下载|下载(?:文档|本文|地址|后查看)|全文下载|立即下载|点击下载|本类热门推荐|热门推荐|相关推荐|猜你喜欢|"
    r"相关文章|相关链接|推荐阅读|延伸阅读|相关阅读|免责声明|版权所有|版权声明|.*ICP备|来源[:：]|出处[:：]|发布时间[:：]|上传(?:者|时间)?[:：]|发布[:：]|"
    r"浏览次数|阅读次数|作者[:：]|责编[:：]|[(（]责编[:：]|编辑[:：]|会员专享|举报反馈|配套讲稿|特殊限制|关\s*键\s*词|"
    r"若PPT首页|个别文档中出现的|文档(?:大小|页数)[:：]|分享到|收藏本文|打印本页|关闭窗口|上一篇|下一篇|返回(?:首页|顶部)"
    r")")
CHROME_INLINE = re.compile(r"为网友上传分享的文档|^\s*(?:Copyright|COPYRIGHT|版权所有)\s*(?:©|\(c\)|（c）)?|All\s+[Rr]ights\s+[Rr]eserved|"
                           r"^\s*©\s*(?:19|20)\d\d|支持在线浏览|站内检索|本站提供下载的DOCX|\d+(?:\.\d+)?\s*KB\s*\d+\s*页|"
                           r"本站所有文档|由用户上传|用户上传|版权归原作者|如发现侵权|侵权内容|联系客服|下载后可查看|"
                           r"仅供学习交流|文档下载|付费下载|VIP|会员免费|浏览[:：]\s*\d+次")
# portal metadata: a line of label: value fields (发布日期: … 信息来源: … 浏览次数:), or one label line without a sentence
_META_LABEL = (r"(?:(?:发布|更新|成文|印发|生效|失效|公开)(?:日期|时间)|发布机构|发文(?:机关|单位|字号)|信息(?:来源|索引|分类)|来源(?:单位)?|"
               r"索\s*引\s*号|文\s*号|主题分类|体裁分类|组配分类|公开(?:目录|方式|时限|范围)|所属(?:栏目|机构)|栏目|文件分类|"
               r"效力状态|时效状态|浏览(?:量|次数)|访问次数|点击(?:数|量|率)?|阅读(?:量|数|次数)?|作者|责任编辑|编辑|审核|"
               r"[一二三]审|日期|时间|标签|关键词|名\s*称|标\s*题)")
# a label field: after a boundary (a space, a cell, a bracket), or glued to the value before it when a colon
# follows (…的通知文号:宣安〔2023〕7号, 2024年07月26日来源:重庆人大: the cleaner drops spaces between characters)
_META_FIELD = re.compile(rf"(?:(?:^|[\s|\]】:：【\[]){_META_LABEL}\s*(?:[:：|\]】]|\s(?=\S))|"
                         rf"(?<=[{_CJK}\d]){_META_LABEL}[:：])")
_UI_WORD = (r"(?:登录|注册|马上注册|立即注册|免费注册|找回密码|退出|购物车|我的足迹|我的收藏|个人中心|会员中心|分享(?:到|赚钱)?|"
            r"收藏|下载|文件下载|立即下载|打印|关闭|首页|返回|搜索|热门搜索|评论|点赞|举报|最新范文|相关链接|政策咨询|"
            r"[大中小]字号|文档评分|评分|内容概述|温馨提示|网站客服|扫一扫|微信扫一扫|二维码|上一页|下一页|更多|最近浏览|猜你喜欢|版权投诉|投诉|加入收藏|设为首页|"
            r"无障碍(?:阅读|浏览)?|今天是\s*[:：]?|繁体|简体|English|RSS|手机版|电脑版|移动版|长者模式|关怀版|搜索(?:位置|范围|结果)?|匹配度|排序|高级搜索|站内搜索|全文检索|"
            r"热门(?:标签|文章|搜索|排行|阅读|关键词)|相关(?:文章|阅读|推荐|标签|文档))")
# blanks taken possessively (a UI word starts with none of the marks or blanks around it): backtracking through
# three \s* over one run of spaces was cubic (800 spaces after 登录: 4 s)
_UI_LINE = re.compile(rf"^[-•·\s(（【\[]*+{_UI_WORD}(?:[\s|/()（）【】\[\]]++{_UI_WORD})*[\s)）】\]]*+[:：]?\s*+(?:>>|»)?\s*+$")
# essay and document-sharing sites' notices: 由会员上传/分享, 本站为您整理, 未经授权不得转载, 仅正式会员可阅读全文
_SITE_NOTICE = re.compile(r"(?:会员|网友|用户)(?:自行)?(?:上传|分享|投稿)|本站(?:为您|无法|所有|不|仅)|未经(?:授权|许可)[,，]?不得转载|"
                          r"转载请注明|不代表本(?:站|平台|网|号|公众号)(?:的)?(?:立场|观点)|(?:网|站|平台)欢迎(?:您|你)|(?:观点|内容)仅代表作者(?:本人|个人)|仅代表作者(?:本人|个人)?(?:的)?观点|^[\u4e00-\u9fffA-Za-z·()（）]{2,30}?\s*欢迎(?:您|你)(?:的?(?:光临|访问))?\s*[!！]?(?:\s|$)|(?:还没有|没有|已有)(?:账号|帐号)|正式会员|(?:下载|获取)\s*(?:WORD|Word|word|完整)版|稍作修改即可|(?:免费|可)在线阅读|分享赚钱|网站客服|"
                          r"(?:客服|侵权)(?:联系|投诉|QQ)|^[^。]{0,40}(?:范文|模板|文档|文章)[^。]{0,6}篇\s*[一二三四五六七八九十\d]{1,2}$|"
                          r"^.{2,40}篇\s*[一二三四五六七八九十\d]{1,2}$|"
                          # a portal's note under a policy file: 如果您对该政策文件有疑问,可以拨打标题上方的电话咨询相关部门
                          r"^(?:如|如果|若)(?:您|你)对(?:该|本|此)(?:政策|文件|政策文件|信息|内容|解读).{0,16}(?:疑问|问题|意见|建议)|"
                          # the keyword spam of a hacked page's header (gambling sites' names)
                          r"(?:娱乐|彩票|投注|棋牌|百家乐|博彩|真人视讯|电子游艺|电竞|赌场|老虎机)(?:.*(?:娱乐|彩票|投注|棋牌|百家乐|"
                          r"博彩|真人视讯|电子游艺|电竞|赌场|老虎机)){2}")


# chrome of a kind, one pattern per kind (a short line that is nothing but the widget; each kind seen on many sites)
_NAME = rf"[{_CJK}A-Za-z0-9·.*_\-]{{1,20}}"
_STAMP = r"(?:19|20)\d\d[-/.年]\d{1,2}[-/.月]\d{1,2}日?"
_PROVINCE = (r"(?:北京|天津|上海|重庆|河北|山西|辽宁|吉林|黑龙江|江苏|浙江|安徽|福建|江西|山东|河南|湖北|湖南|广东|海南|四川|贵州|"
             r"云南|陕西|甘肃|青海|台湾|内蒙古|广西|西藏|宁夏|新疆|香港|澳门)")
WIDGET_KINDS = {
    # previous / next article links: 上一条:市政府召开…, 下一篇, pre:…next:…
    "prev_next": re.compile(r"^[【\[]?\s*(?:上|下)一?(?:条|篇|页|则|个|章)(?:文章|新闻|信息)?\s*[】\]]?\s*(?:[:：]|$)|^(?:前|后)一篇\s*[:：]|"
                            r"^(?:pre|prev|previous|next)\s*[:：]", re.I),
    # a pager: 共2页：上一页 1 2 下一页, 首页 上一页 1 2 3 下一页 尾页 (a line of nothing but pager words and numbers)
    "pager": re.compile(r"^(?=.*(?:上一页|下一页|尾页|末页))(?:(?:共\s*\d+\s*页|第\s*\d+\s*页|上一页|下一页|首页|尾页|末页|"
                        r"跳转|转到|[\[【(（]?\s*\d{1,3}\s*[\]】)）]?|[:：/|,，<>«»…]+)\s*){2,}$|"
                        # a long text split over pages: 内容较长，请翻页继续阅读, 本文共3页，点击下一页继续阅读
                        r"^.{0,12}(?:内容|文章|全文|篇幅)(?:较长|过长|太长)[,，]?\s*(?:请|可)?(?:点击)?(?:翻页|分页|下一页)(?:继续)?(?:阅读|浏览|查看)"),
    # a newspaper page's masthead and its jump notes: 江城日报 2014年06月04日 星期三 (第3版), (下转第三版), 上接第一版
    "newspaper": re.compile(rf"^[《<]?[{_CJK}]{{2,14}}(?:日报|晚报|时报|早报|晨报|商报|导报|法制报|青年报|农民报)[》>]?\s*[,，|]?\s*"
                            rf"(?:第?\s*[A-Z\d]{{1,3}}\s*版\s*)?{_STAMP}\s*(?:(?:星期|周)[一二三四五六日天])?\s*"
                            r"(?:[,，|]?\s*第?\s*[A-Z\d]{1,3}\s*版(?:\s*[:：]?\s*[\u4e00-\u9fff]{0,8})?)?$|"
                            rf"^{_STAMP}\s*(?:(?:星期|周)[一二三四五六日天])?\s*[《<]?[{_CJK}]{{2,14}}(?:日报|晚报|时报|早报|晨报|商报|导报|法制报|青年报|农民报)[》>]?$|"
                            # the page's number and name (第03版：要闻, A3版 综合新闻, 版次：A03)
                            rf"^(?:{_STAMP}\s*(?:(?:星期|周)[一二三四五六日天])?\s*)?第?\s*[A-Z]?\d{{1,2}}\s*版\s*[:：]?\s*[{_CJK}]{{0,8}}(?:\s*(?:上一版|下一版))*$|^版(?:次|面|号)\s*[:：]\s*第?\s*[A-Z]?[\d一二三四五六七八九十]{{1,3}}\s*版?$|"
                            r"^[(（【\[]?\s*(?:下|上)?(?:转|接|紧接|续)(?:第|至|自)?\s*[一二三四五六七八九十\dA-Z]{1,3}\s*版\s*[)）】\]]?$|"
                            # the digital paper's controls and the page's editors (上一版 下一版, 本版编辑：李四)
                            r"^(?:(?:上一版|下一版|上一期|下一期|版面导航|返回目录|返回版面|往期回顾|数字报|电子版|放大|缩小|默认)[\s|]*){2,6}$|"
                            rf"^[(（]?本版(?:责任)?(?:编辑|责编|校对|美编|组版)\s*[:：]|^[{_CJK}]{{2,14}}(?:日报|晚报|时报|报)(?:数字报|电子版|多媒体数字报)$|"
                            # the paper's byline: 本报记者 张三 通讯员 李四, ■本报讯 记者 张三
                            rf"^[■□●◆▲\s]*(?:(?:本报|本台|本刊)(?:讯)?\s*(?:(?:特约|见习)?记者|通讯员)\s*|(?:(?:特约|见习)?记者|通讯员)\s+)[{_CJK}·]{{2,4}}"
                            rf"(?:\s*(?:(?:本报|本台)?(?:(?:特约|见习)?记者|通讯员)\s*)?[{_CJK}·]{{2,4}}){{0,4}}(?:\s*(?:报道|摄影|摄))?$"),
    # a poster's remark above what it shares (a forum's or a group's): 刚整理出来的，…供各位参考，觉得有用的顶一下; 转一下，供各地参考
    "poster_remark": re.compile(r"顶一下|帮顶|顶起来|楼主(?:辛苦|威武|好人)|(?:感谢|谢谢|多谢)楼主|有用的?(?:朋友|话|同行|同仁)?(?:请|就|可以)?(?:顶|点赞|收藏|点个赞)|刚整理(?:出来|好)?的|"
                                r"拿走不谢|(?:自己|本人)(?:整理|写|总结|收集)的|需要的(?:朋友|同行|同仁)?(?:自取|拿去|可以下载)|"
                                r"^(?:转|转发|转载|分享|发)(?:一下|一个|个|给大家|给各位)[,，。!！~\s]*(?:供|给|请|大家|各位|仅供)?"),
    # WeChat article widgets: 阅读原文, 阅读 2318 在看 17, 点赞, 赞赏, 长按识别二维码, 关注公众号, 写留言
    "wechat": re.compile(r"^(?:(?:阅读原文|在看|点赞|赞赏|喜欢作者|写留言|留言|精选留言|分享|收藏|转发|赞|知道了|取消|允许|"
                         r"已赞|发表|(?:阅读|在看|点赞|赞|分享|推荐)\s*\d+(?:\.\d+)?\s*[万wW+]*)[\s,，|·]*){1,6}$|"
                         # the read-aloud button with the article's length (听全文 约6分钟)
                         r"^(?:喜欢此内容的人还喜欢|收录于(?:合集|话题).{0,30}|听全文\s*(?:约?\s*\d+\s*分(?:钟)?(?:\s*\d+\s*秒)?)?|微信号\s*[:：]\s*\w{2,30}|功能介绍\s*[:：].{0,40})$|"
                         r"^.{0,16}(?:长按(?:识别|扫描|扫码)?(?:图中|下方|上方)?(?:二维码|图片)?|(?:扫码|扫描二维码)?关注(?:我们|公众号|本公众号|本号)|"
                         r"点击(?:上方|下方|右上角)|人赞赏|轻点两下|预览时标签不可点|微信扫一扫).{0,20}$|"
                         # the byline (原创 X市应急管理局 X应急 2020-03-28 18:30; the cleaner has dropped the spaces between names)
                         rf"^(?:原创|转载)\s*{_NAME}(?:\s*{_NAME}){{0,2}}\s*{_STAMP}(?:\s*\d{{1,2}}:\d\d)?"
                         rf"(?:\s*(?:发表于|发布于)?\s*[{_CJK}]{{0,8}})?\s*$"),
    # a page's title with a document-sharing site's name after it (…工作要点_百度文库, …总结 - 道客巴巴)
    "doc_site_title": re.compile(rf"^[^。;；]{{6,80}}?\s*[-_|｜–—]\s*[\u4e00-\u9fff0-9A-Za-z]{{0,8}}{_SITE_WORDS}$"),
    # a tab or a pop-up with its close mark (打安镇 X, 政策解读 ×)
    "tab_close": re.compile(rf"^[{_CJK}A-Za-z·]{{2,20}}\s+[×✕✖╳]$|^[{_CJK}]{{1,16}}(?:镇|乡|街道|县|市|区|局|委|办|中心|政府|网)\s+[Xx]$"),
    # a site's date widget, after its name or alone: 今天是：2017年5月12日 星期五, 2024年3月2日 星期六 农历…
    "today": re.compile(rf"^(?:[{_CJK}A-Za-z]{{2,20}}?\s*)?(?:今天是|今日是?|当前日期|当前时间)\s*[:：]?\s*{_STAMP}\s*"
                        rf"(?:星期|周)[一二三四五六日天](?:\s*农历.{{0,12}})?$|^{_STAMP}\s*(?:星期|周)[一二三四五六日天]\s*农历.{{0,12}}$"),
    # a byline: a name, a date and a clock (青溪县应急管理局 2024-08-02 20:15, 平安石城 2023年7月4日 08:10 江西)
    "byline": re.compile(rf"^{_NAME}(?:\s*{_NAME}){{0,2}}\s+{_STAMP}\s*\d{{1,2}}:\d\d(?::\d\d)?(?:\s*(?:发表于|发布于)?\s*[{_CJK}]{{0,8}})?$"),
    # a publication stamp: 2021-09-15 09:12:03 发布于浙江 来源：滨江发布, 2024年3月2日 来自XX客户端
    # (a WeChat article's stamp ends in the province its account posted from: 2024年03月18日 09:12 广东)
    "stamp": re.compile(rf"^{_STAMP}(?:\s*\d{{1,2}}:\d\d(?::\d\d)?)?\s*(?:发布于|发表于|来自|来源\s*[:：]|作者\s*[:：]|"
                        rf"编辑\s*[:：]|阅读\s*\d|浏览\s*\d)|^{_STAMP}\s*\d{{1,2}}:\d\d\s*{_PROVINCE}$"),
    # forum widgets: 楼主, 沙发, 引用, 回复, 发表于 …, 只看该作者, 2楼, 查看: 1032|回复: 0
    "forum": re.compile(r"^(?:(?:楼主|沙发|板凳|地板|\d{1,4}\s*[楼#]|引用|回复|举报|快速回复|回复\s*举报|只看该作者|电梯直达|"
                        r"倒序浏览|阅读模式|使用道具|返回列表|发新帖|评分|支持|反对|显示全部楼层|楼主\s*\|\s*电梯直达|"
                        # a poster's profile card: 主题 81 帖子 3万 积分 … 注册时间 2016-10-31
                        r"主题|帖子|积分|精华|威望|金钱|金币|贡献|注册时间|最后登录|在线时间|阅读权限|UID|好友|听众|收听|"
                        r"发消息|加好友|打招呼|串个门|实名认证|微信认证|社区元老|忠实会员|社区居民|新手上路|注册会员|中级会员|"
                        r"高级会员|金牌会员|论坛元老|版主|超级版主|管理员|[\u4e00-\u9fff]币)[\s|·,，]*){1,6}$|"
                        # (after the poster's name: 安检老王 发表于 2012-3-5 10:21 | 只看该作者 |倒序浏览 |阅读模式)
                        rf"^(?:{_NAME}\s+)?(?:楼主\s*)?发表于\s*\S{{0,25}}(?:\s+\d{{1,2}}:\d\d(?::\d\d)?)?(?:\s*\|[^|]{{0,16}}){{0,4}}$|"
                        # a thread's title with its tag: [转帖] 镇党委书记在…讲话（转）, 【原创】…
                        r"^[\[【](?:转帖|转载|转|原创|分享|推荐|讨论|求助|资料)[\]】]\s*\S|"
                        r"^(?:查看|浏览|点击)\s*[:：]\s*\d+\s*\|\s*回复\s*[:：]\s*\d+"),
    # comment widgets: 发表评论, 网友评论, 已有0条评论, 请文明上网,理性发言, 共3条评论 登录后发表
    "comments": re.compile(r"^.{0,6}(?:发表|我要|参与|查看|全部|网友|热门|最新|精彩)(?:评论|留言|跟帖)|^.{0,8}(?:已有|共)\s*\d+\s*(?:条|人)"
                           r"(?:评论|留言|跟帖|参与)|文明上网|理性发言|评论区|(?:登录|注册)后(?:发表|参与|评论)|^(?:评论|留言)\s*\(?\d*\)?$"),
    # photo captions and credits: 图为…, ▲会议现场(X/摄), 图片来源:…, 摄影:…, (记者 X 摄)
    "photo": re.compile(rf"^\s*(?:[▲△▼]\s*.{{0,60}}|图为.{{0,100}}|[上下左右]图[:：为].{{0,80}}|"
                        rf"(?:图片(?:来源|来自|由)|图片|摄影|摄像|供图|配图|图文)\s*[:：/].{{0,30}}|图\s*[/／]\s*{_NAME})$|"
                        rf"[(（][^()（）]{{0,24}}(?:[/／]\s*摄|\s摄|摄影|供图)[)）]\s*$"),
    # who edited, checked, proofread the page: 责任编辑:X, (编辑:X 审核:X), 2020-12-15 | 编辑:enablesite |
    "editor": re.compile(rf"^[\s|]*(?:{_STAMP}(?:\s+\d{{1,2}}:\d\d(?::\d\d)?)?[\s|]*)?[(（\[【]?\s*"
                         r"(?:(?:责任编辑|责编|值班编辑|编辑|审核|审校|审稿|终审|初审|复审|[一二三]审|校对|核稿|签发|撰稿|供稿|来稿|记者|通讯员|"
                         r"监制|制作|排版)\s*[:：/]?\s*[^\s:：|()（）\[\]【】]{0,16}[\s|,，、;；]*){1,5}[)）\]】]?[\s|]*$"),
    # a bare address: tujian.org, www.xxx.gov.cn, http://…
    "address": re.compile(r"^(?:https?://)?(?:www\.)?[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,6}(?:[/?#]\S*)?$"),
    # a news item's end mark and source notes: (完), (来源:县应急管理局), 原标题:…
    "source_note": re.compile(r"^[(（]\s*(?:完|全文完|END|end)\s*[)）]$|^[-—_=·~\s]*(?:END|End|end)[-—_=·~\s]*$|"
                              r"^[(（]\s*(?:本文|文章|信息|稿件|图文)?(?:来源|出处|转自)\s*[:：][^()（）]{1,30}[)）]$|^原标题\s*[:：]"),
    # style sheets copied as text, one rule over several lines: .nav { / color: #333; / }
    "style": re.compile(r"^[.#@]?[A-Za-z][\w\-\s,.#>:()\[\]=\"']*\{\s*\}?$|^[a-z-]{2,30}\s*:\s*[^;{}\u4e00-\u9fff]{1,60};\s*$|"
                        r"^\}\s*$"),
    # a portal's footer: 主办单位:… 承办单位:…, 网站标识码, also after the footer's links (网站地图|联系我们 主办:…)
    "footer": re.compile(r"(?:^|[\s|])主办(?:单位)?\s*[:：].{2,40}(?:承办|协办|技术支持|联系|网站标识码|备案)|"
                        r"(?:^|[\s|])网站标识码|^技术支持\s*[:：]"),
    # scan a QR code to read on a phone: 扫一扫在手机打开当前页, 微信扫一扫分享, 手机扫码阅读
    "qr": re.compile(r"^.{0,8}(?:扫一扫|扫码|扫描二维码|二维码|手机(?:打开|浏览|阅读|访问)).{0,16}$"),
    # a link to a file: 附件下载:…, 2022年“119”消防宣传月活动方案.docx, 5 积分 下载
    "file_link": re.compile(r"^\s*(?:附件下载|相关附件|附件链接|下载附件)\s*[:：]?|^[^。;；]{2,80}\.(?:docx?|xlsx?|pdf|wps|pptx?|zip|rar|et)\s*$|"
                            # a sharing site's page of a file (…的通知.doc_第1页)
                            r"^[^。;；]{2,80}\.(?:docx?|xlsx?|pdf|wps|pptx?)\s*[-_—|]?\s*(?:第\s*\d{1,3}\s*页|\d{1,3}\s*/\s*\d{1,3})\s*$|"
                            # a link with the file's format and size: 1. 关于…的报告（PDF，186KB）
                            r"^[^。;；]{2,80}[(（]\s*(?:PDF|DOCX?|XLSX?|WPS|OFD|ZIP|RAR|PPTX?|TXT)\s*[,，、/|]?\s*\d+(?:\.\d+)?\s*[KMG]B?\s*[)）]\s*$|"
                            r"^\d+(?:\.\d+)?\s*(?:积分|金币|下载券|财富值|文币)\s*(?:下载|购买|兑换)?$", re.I),
    # a document-sharing site's facts about the file: 大小:42.91 KB, 页数:7页, 格式:DOCX, 字数:2339, and who uploaded it and
    # what a download costs (上传人:lin***88 | 页数:6页 | 格式:DOC | 下载积分:5)
    "file_meta": re.compile(r"^(?:(?:(?:文件|文档)?大小\s*[:：]\s*\d+(?:\.\d+)?\s*[KMG]?B|(?:文档)?页数\s*[:：]\s*\d+\s*页?|"
                            r"(?:文件|文档)?格式\s*[:：]\s*(?:docx?|pdf|wps|pptx?|xlsx?|txt)|字数\s*[:：]\s*\d+\s*字?|"
                            r"上传(?:者|人|用户|会员)\s*[:：]\s*[^\s|:：]{1,24}|(?:下载|所需)?(?:积分|金币|下载券)\s*[:：]\s*\d+)[\s|,，]*){1,6}$", re.I),
    # a document-sharing site's preview counter: 剩余4页未读,继续阅读>>, 温馨提示:本文档共9页,可免费预览前3页
    "preview": re.compile(r"(?:还剩|剩余|余下)\s*\d+\s*页\s*(?:未读|未显示|未阅读)|本(?:文档|文|篇)共\s*\d+\s*页|"
                         r"(?:可|能)?免费(?:预览|阅读|查看)(?:前)?\s*\d+\s*页|继续阅读\s*(?:>>|»)"),
    # a keyword strip: 热门标签:防汛 地质灾害 部署会, 本文标签:…, Tags:…
    "tags": re.compile(r"^[【\[]?(?:热门|本文|文章|相关|内容|推荐)?(?:标签|标签云|tags?)[】\]]?\s*[:：]", re.I),
    # the document-sharing and essay sites' blurbs: 小编为大家整理的…, 网客范文小编这次为您整理了…, 下载前请…, 写作神器
    "essay_site": re.compile(r"小编(?:这次|为您|为大家|精心|特意|整理|收集)|为(?:您|大家)(?:精心)?(?:整理|收集|搜集)(?:了|的)|"
                             r"写作神器|立即了解|放心下载|下载前请|在线预览时|预览(?:时|后)可能|文档(?:在线)?预览|"
                             # a writing site's lead-in: 导读：本文是一篇关于…的范文，欢迎阅读参考; 希望对您有所帮助
                             r"^[【\[]?(?:导读|导语|前言|摘要|简介|提要|内容(?:简介|提要|摘要))[】\]]?\s*[:：]?\s*(?:本文|这是|以下)"
                             r"(?=.*(?:范文|参考|会员|上传|欢迎|文章|讲话稿|全文共|收藏|下载))|(?:本文|这)是一篇(?:关于)?.{0,60}的(?:范文|文章|文档|参考)|"
                             r"欢迎(?:阅读|大家|您)?(?:参考|借鉴|阅读)(?:与?(?:收藏|分享))?[,，。!！]*$|希望(?:对|能对|可以对|能够对)(?:您|你)(?:有所)?(?:帮助|启发)|"
                             # a writing site's name in its slogan (X公文网,让我们一起…)
                             r"^[0-9A-Za-z\u4e00-\u9fff]{0,4}(?:公文|范文|文秘|写作|文档|作文)(?:网|库|站|吧)(?!站)[,，!！\s].{0,30}$"),
    # a visitor counter: 您是第 0012345 位访问者, 你是本站第1234位访客
    "visitor_counter": re.compile(r"^[\s【\[]*(?:您|你)是(?:本站|本网站?)?(?:的)?第\s*[\d,，]+\s*位(?:访问者|访客|浏览者|来访者|读者)"),
    # an image credit without a name: 图源网络 侵删, 图片来源于网络，如有侵权请联系删除
    "image_credit": re.compile(r"^[\s(（【\[]*图(?:片)?(?:源|来源|来自)(?:于|自)?\s*[:：]?\s*(?:网络|互联网)|侵删\s*[)）】\]]?\s*$"),
    # a PDF page's running header with its page number, once between two pages (青石县安全生产简报 第2页)
    # (a title's or an organisation's name: a content line cut at a page break keeps its own words)
    "page_header": re.compile(r"^(?![一二三四五六七八九十]+[、.]|[(（]?\d{1,2}[)）.、])[^。;；,，:：!?！？]{2,30}?"
                              r"(?:简报|通报|公报|动态|快报|专报|汇编|文件|报告|方案|要点|总结|通知|计划|局|委员会|政府|办公室|指挥部)"
                              r"[\s|]*第\s*\d{1,4}\s*页$"),
}
_WIDGET_MAX = {"poster_remark": 80, "essay_site": 300, "photo": 120, "editor": 80, "file_link": 100, "footer": 120, "preview": 80, "tags": 100,
               "file_meta": 120}
_WIDGET_SENTENCE = {"essay_site", "photo", "comments", "style", "preview", "poster_remark", "pager"}  # kinds that may hold 。 or ; (a caption, a blurb, a rule)


def widget_kind(line: str) -> str | None:
    """The kind of page widget ``line`` is nothing but (:data:`WIDGET_KINDS`), or None."""
    sentence = bool(re.search(r"[。;；]", line))
    for kind, rx in WIDGET_KINDS.items():
        if sentence and kind not in _WIDGET_SENTENCE:
            continue
        if len(line) <= _WIDGET_MAX.get(kind, 60) and rx.search(line):
            return kind
    return None


# a breadcrumb: short segments joined by > (首页 > 政务公开 > 通知公告, 您当前的位置:首页 >政务公开 >…)
_BREADCRUMB = re.compile(r"^(?:[^>›»\n:：]{0,16}|[^>›»\n]{0,12}(?:位置|当前|导航)[^>›»\n]{0,6})(?:\s*[>›»]+\s*[^>›»\n,，。;；]{2,16}){2,}\s*[>›»]?\s*$|^\s*(?:网站)?首页\s*[>›»]|"
                         # a portal's name before a one-step path (青山区人民政府门户网站 政务公开 > 会议纪要, X局 首页 > 通知公告)
                         rf"^[^>›»。，,;；:：]{{0,30}}(?:\s|首页)\s*[>›»]\s*[{_CJK}]{{2,12}}\s*$")


# a bar of links: 首页 | 政务公开 | 通知公告, 网站首页　机构职能　政务公开…, 关于我们 | 网站地图 | 联系我们 — short
# segments parted by | / · or spaces, half of them or more the words of a site's menu, none of them a table's
# column (序号, 责任单位, 完成时限: a table's header is parted the same way)
_NAV_SPLIT = re.compile(r"\s*[|｜/·•]\s*|\s+")
_NAV_WORD = re.compile(r"首页|主页|收藏|概况|公开|动态|服务|互动|交流|专题|专栏|指南|法规|政策|新闻|要闻|资讯|公告|机构|职能|领导|办事|"
                       r"参与|信箱|地图|我们|帮助|声明|隐私|视频|图片|频道|简介|走进|无障碍|繁体|简体|English|登录|注册|"
                       r"长者模式|关怀版|搜索|时政|财经|地方|社会|文化|体育|国际|评论|论坛|下载|友情链接|网站|数据|解读|访谈|"
                       r"直播|便民|咨询|投诉|留言|征集|调查|栏目|导航|手机版|移动版|客户端|App|APP")
_NAV_VETO = re.compile(r"序号|单位|部门|时限|时间|日期|任务|内容|措施|责任|名称|类别|合计|备注|标准|指标|目标|情况|数量|问题|整改|"
                       r"金额|人数|地点|要求|分值|得分|姓名|职务|电话")


def nav_bar(line: str) -> bool:
    """A bar of a site's links (a menu, a footer's links), whatever parts them: | / · or spaces."""
    if len(line) > 120 or re.search(r"[\d。，,;；:：!?！？、()（）《》“”]", line):
        return False
    segs = [x for x in _NAV_SPLIT.split(line.strip()) if x]
    if segs and len(segs) >= 4 and _NAME_LINE.match(segs[0]):
        segs = segs[1:]  # the portal's name glued to its menu (临峪县人民政府信息公开平台　首页 | 政府信息公开指南 | …)
    if len(segs) < 3 or any(len(x) > 10 for x in segs[1:]) or len(segs[0]) > 20:
        return False
    menu = sum(bool(_NAV_WORD.search(x)) for x in segs)
    # a table's column (序号, 责任单位, 完成时限) vetoes the bar, unless it is a menu's item too (法定主动公开内容)
    # in a bar of three menu items or more
    if any(_NAV_VETO.search(x) and (menu < 3 or not _NAV_WORD.search(x)) for x in segs):
        return False
    return menu >= 2 and menu * 2 >= len(segs)


def meta_line(line: str) -> bool:
    """A portal metadata line: two label fields or more (发布日期:… 来源:…), or one label field on a short line
    that is no sentence (发布机构: 三甲镇人民政府)."""
    n = len(_META_FIELD.findall(line))
    # a table row needs a value beside its labels (索引号 | 0152… | 发布机构 | …): 日期 | 时间 | 值班领导 is a header
    if n >= 2 and len(line) <= 160 and ("|" not in line or re.search(r"\d|[:：]", line)):
        return True
    m = re.match(rf"^[\s|\[【]*({_META_LABEL})\s*[:：|\]】]\s*(.*)$", line)
    # the row naming the document (标　　题：…的通知) is as long as its title
    limit = 120 if m and re.fullmatch(r"标\s*题|名\s*称", m.group(1)) else 40
    if n != 1 or not m or len(line) > limit or re.search(r"[。;；，]|,(?!\d{3})", line):
        return False
    # a bare 时间: / 日期: line is chrome only with a portal's date stamp (2025-08-08, 08:33); 时间:5月至10月 is a plan's
    # a meeting's time of day (时间：2010年3月12日上午9:00, a minutes' header) is no portal stamp: portals write 24-hour stamps
    if m.group(1) in ("时间", "日期") and re.search(r"[上下]午|晚上|早上|凌晨", m.group(2)):
        return False
    return m.group(1) not in ("时间", "日期") or bool(re.match(r"^(?:19|20)\d\d[-/.]\d|^\S*\s*\d{1,2}:\d\d|$", m.group(2)))



# a site's or an account's name: no digits, ending like an organisation, a portal or a news account
_NAME_LINE = re.compile(rf"^[{_CJK}A-Za-z ·()（）]{{2,30}}(?:门户网站|网站|政府网|网|平台|人民政府|政府|局|委员会|委|办公室|办|镇|乡|街道|"
                        r"县|市|区|中心|集团|公司|应急|发布|在线|客户端|公众号|头条|新闻|日报|融媒|Document|Home)$|^[A-Za-z ]{2,20}$")


_ACCOUNT = re.compile(rf"^[{_CJK}A-Za-z]{{2,16}}$")


def header_lines(lines: list[str]) -> set[int]:
    """Indexes of the portal header: the site's or account's name lines at the very top of a web copy
    (汝阳市住房和城乡建设局, 清江县人民政府门户网站, 岭北应急) standing right above the site's chrome (a
    breadcrumb, metadata or control line, by the lists), or named again in a chrome line just below (a
    WeChat byline: ``原创 岭北市应急管理局 岭北应急 2020-03-28 18:30``). ``lines``: the document's lines, blank
    ones included; a title-like or dated line is never a name."""
    idx = [i for i, s in enumerate(lines) if s.strip()]
    # the site's top chrome may stand above its name (中国政府网 | 重庆市人民政府网 |注册 / 江津区规划和自然资源局 / 您当前的位置:…):
    # the name then needs chrome right below it too
    lead = 0
    while lead < min(len(idx), 6) and rule_chrome(lines[idx[lead]].strip()):
        lead += 1
    # whatever stands above it, a name right above the site's breadcrumb is the site's (a letterhead is below it)
    crumbed = {i for i, j in zip(idx[:5], idx[1:6]) if _NAME_LINE.match(lines[i].strip()) and _is_name(lines[i].strip())
               and len(lines[j].strip()) <= 120 and _BREADCRUMB.match(lines[j].strip())}
    idx = idx[lead:]
    below = [lines[j].strip() for j in idx[1:4] if rule_chrome(lines[j].strip())]
    run: list[int] = []
    for i in idx[:3]:
        s = lines[i].strip()
        # an account's name of any shape (平安石城) when a chrome line below names it again (its byline)
        named_below = bool(_ACCOUNT.match(s)) and (
            any(re.search(rf"(?:^|\s){re.escape(s)}(?:\s|$)", b) for b in below)
            # or a short name right above a byline (安全青溪 / 青溪县应急管理局 2024-08-02 20:15)
            or (len(s) <= 8 and i + 1 < len(lines) and widget_kind(lines[i + 1].strip()) in ("byline", "wechat", "stamp")))
        if not (_NAME_LINE.match(s) or named_below) or not _is_name(s):
            break
        run.append(i)
    if not run:
        return crumbed
    rest = idx[len(run):len(run) + 3]
    if rest and rule_chrome(lines[rest[0]].strip()):
        return set(run) | crumbed
    if lead:
        return crumbed
    # a name that a chrome line below repeats (a WeChat byline), whatever stands between
    return {i for i in run if any(lines[i].strip() in b for b in below)} | crumbed


def _is_name(s: str) -> bool:
    """No title, heading or chrome line: what a name line of :func:`header_lines` may be."""
    return not (_TITLE_END.search(s) or s.startswith("关于") or _HEADLINE.match(s) or _ITEM.match(s) or rule_chrome(s))


_TOC_HEAD = re.compile(r"^\s*(?:目\s*[录錄]|提\s*[纲綱])(?:\s*/\s*(?:目\s*[录錄]|提\s*[纲綱]))?\s*[:：]?\s*[…\.·]*\s*$")
_TOC_ENTRY = re.compile(r"^[^。;；!?！？]{1,40}$")


def toc_lines(lines: list[str]) -> set[int]:
    """Indexes of a table of contents that a sharing site prints above the text (``目录/提纲:……`` and the
    headings under it, down to the first line that is no numbered heading; a line of dots closes it).
    ``lines``: the document's lines, blank ones included."""
    out: set[int] = set()
    for i, s in enumerate(lines[:40]):
        if not _TOC_HEAD.match(normalise_line(s)):
            continue
        out.add(i)
        for j in range(i + 1, len(lines)):
            t = normalise_line(lines[j])
            if not t:
                continue
            if re.fullmatch(r"[…\.·]+", t):
                out.add(j)
                break
            if not (_TOC_ENTRY.match(t) and (_ITEM.match(t) or re.match(r"^\d+(?:\.\d+)*\s", t))):
                break
            out.add(j)
        break
    return out


def sandwiched_lines(lines: list[str]) -> set[int]:
    """Indexes of short lines standing between two chrome lines the lists know: the values of a widget
    (``主题 / 81 / 帖子``: lines of 10 characters or less, anywhere) and the link names of a footer
    (``相关链接: / 安徽省应急管理厅 / 丰溪县人民政府 / 网站地图 | 联系我们``: lines of 30 or less, after the last
    line of running text). Runs of four lines at most; a run holding a date, a title or a sentence stays."""
    idx = [i for i, s in enumerate(lines) if s.strip()]
    view = {i: normalise_line(lines[i]) for i in idx}
    rule = {i: rule_chrome(view[i]) for i in idx}
    body = [i for i in idx if len(view[i]) >= CONTENT_LEN and view[i][-1] in _SENT_END]
    last_body = body[-1] if body else -1
    out: set[int] = set()
    k = 0
    while k < len(idx):
        if rule[idx[k]]:
            k += 1
            continue
        j = k
        while j < len(idx) and not rule[idx[j]]:
            j += 1
        run = idx[k:j]
        if 0 < k and j < len(idx) and len(run) <= 4:
            limit = 30 if run[0] > last_body else 10
            if all(len(view[i]) <= limit and not re.search(r"[。;；,，!?！？]", view[i]) and not _DATE_ONLY.match(view[i])
                   and not _TITLE_END.search(view[i]) for i in run):
                out.update(run)
        k = j
    return out


# the head of a block of links to other pages: 往期推荐, 相关新闻, 猜你喜欢, 相关链接:, 热门文章, 推荐阅读
# (an essay site heads the block with its page's title in brackets: 【…工作总结(精选)】相关文章:)
_TITLE_TAG = r"(?:[【\[][^】\]]{2,60}[】\]])?"
_LINKS_HEAD = re.compile(r"^[\s【\[★☆▶►■●◆◇•·-]*" + _TITLE_TAG + r"(?:往期(?:推荐|回顾|精选|精彩)|相关(?:新闻|文章|阅读|链接|推荐|报道|信息|文档|文件|稿件|资讯|政策|范文)|"
                         r"猜你喜欢|(?:推荐|延伸|相关|拓展)阅读|热门(?:文章|推荐|排行|阅读|新闻)|(?:更多|精彩|最新)(?:推荐|文章|新闻|阅读)|"
                         r"精彩推荐|今日推荐|本类热门推荐|友情链接|相关专题|"
                         # any short head of a block of links: 热点推荐, 猜你感兴趣, 编辑推荐, 大家都在看
                         r"[\u4e00-\u9fff]{0,8}(?:推荐|感兴趣|喜欢|都在看|热文|热点|排行))[\s】\]]*[:：]?\s*(?:>>|»|更多)?\s*$")
# such a head with its one link after it (★ 相关文件：XX省…实施方案（2016—2018年）): a link's title, no sentence
_LINKS_HEAD_INLINE = re.compile(r"^[\s【\[★☆▶►■●◆◇•·-]*" + _TITLE_TAG + r"(?:往期(?:推荐|回顾)|相关(?:新闻|文章|阅读|链接|推荐|报道|信息|文档|文件|稿件|资讯|政策|解读|范文)|"
                                r"(?:推荐|延伸|相关|拓展)阅读)[\s】\]]*[:：]\s*[^。;；!?！？]{2,60}$")


def link_block_lines(lines: list[str]) -> set[int]:
    """Indexes of a block of links after the text: a head such as 往期推荐 / 相关新闻 / 猜你喜欢 below the last
    line of running text, and the short lines under it that say nothing (a link is a title: no sentence), up
    to 12, down to the first line that is no link; a head with its link on its line (相关文件：…) alone.
    ``lines``: the document's lines, blank ones included."""
    idx = [i for i, s in enumerate(lines) if s.strip()]
    view = {i: normalise_line(lines[i]) for i in idx}
    # (a site's notice that ends a sentence, 本站仅提供存储空间，如有侵权请联系删除。, is no body line)
    body = [i for i in idx if len(view[i]) >= CONTENT_LEN and view[i][-1] in _SENT_END and not rule_chrome(view[i])]
    last_body = body[-1] if body else -1
    out: set[int] = set()
    for k, i in enumerate(idx):
        if i <= last_body:
            continue
        if _LINKS_HEAD_INLINE.match(view[i]):
            out.add(i)
            continue
        if not _LINKS_HEAD.match(view[i]):
            continue
        out.add(i)
        for j in idx[k + 1:k + 13]:
            t = re.sub(r"^[-•·*>»]\s*", "", view[j])
            if len(t) > 40 or re.search(r"[。;；]", t) or _DATE_ONLY.match(t):
                break
            out.add(j)
    return out


_POINTER = re.compile(r"^(?:[>»›〉》]{1,3}|[▶►■□●◆◇★☆])\s*")  # a column's mark before its name (〉〉通知公告)


def column_lines(lines: list[str]) -> set[int]:
    """Indexes of a column's name standing alone under the site's chrome above the text (``今天是：… / 通知公告 /
    关于…的通知``, also after a mark: ``〉〉通知公告``):
    a short line of a menu's words (no title, no item, no sentence) whose line above is chrome by
    the lists, before the first line of running text."""
    idx = [i for i, s in enumerate(lines) if s.strip()]
    out: set[int] = set()
    for k, i in enumerate(idx):
        t = _POINTER.sub("", normalise_line(lines[i]))
        if len(t) >= CONTENT_LEN and t[-1] in _SENT_END:
            break
        # 通知公告 (every portal's column of notices) ends like a title
        if k and len(t) <= 8 and _NAV_WORD.search(t) and not _NAV_VETO.search(t) \
                and (t == "通知公告" or not _TITLE_END.search(t)) \
                and not _ITEM.match(t) and not re.search(r"[\d。，,;；:：!?！？]", t) \
                and rule_chrome(normalise_line(lines[idx[k - 1]])):
            out.add(i)
    return out


def running_header_lines(lines: list[str]) -> set[int]:
    """Indexes of a PDF's running header or footer that the copy kept between the pages' text (``XX县人民政府公报
    2022年第3期`` at the top and again mid-text): a short line with a number and four Chinese characters or more,
    no sentence, label, date or deadline, found again with the same words (its numbers may differ), one of its
    places between two sentences and four lines or more from another. ``lines``: the document's lines."""
    idx = [i for i, s in enumerate(lines) if s.strip()]
    view = {i: normalise_line(lines[i]) for i in idx}
    sent = [i for i in idx if len(view[i]) >= 15 and view[i][-1] in _SENT_END]
    if len(sent) < 2:
        return set()
    at: dict[str, list[int]] = {}
    for i in idx:
        t = view[i]
        key = _fold_digits(re.sub(r"[\s|]", "", t))
        if 4 <= len(key) <= 40 and "0" in key and len(re.findall(f"[{_CJK}]", key)) >= 4 \
                and not re.search(r"[。;；,，:：!?！？月日前底内旬季]", key) and not _ITEM.match(t) and not _TITLE_END.search(t):
            at.setdefault(key, []).append(i)
    out: set[int] = set()
    for places in at.values():
        if len(places) >= 2 and any(sent[0] < i < sent[-1] for i in places) and places[-1] - places[0] >= 4:
            out.update(places)
    return out


def position_chrome(lines: list[str]) -> set[int]:
    """The chrome that its place in the document tells: the portal header and a table of contents above the
    text, short lines between two chrome lines, a block of links after the text, an essay site's listing title
    (:func:`header_lines`, :func:`toc_lines`, :func:`sandwiched_lines`, :func:`link_block_lines`,
    :func:`spun_title_lines`)."""
    return header_lines(lines) | toc_lines(lines) | sandwiched_lines(lines) | link_block_lines(lines) | column_lines(lines) \
        | running_header_lines(lines) | spun_title_lines(lines) | title_copy_lines(lines)


def title_copy_lines(lines: list[str]) -> set[int]:
    """Indexes of the site's copy of the title above the document's own (a portal's or a sharing site's page title,
    a WeChat article's title above its byline): a title-like line near the top whose twin (the same words, one
    holding the other, or mostly the same characters: ``…讲话（精选）`` over ``…在XX煤业集团20XX年…讲话``) follows
    within six lines with nothing but chrome the lists know between them. A copy in the very same words, or one
    that starts the other (a title wrapped or cut), stays: the labels of real copies disagree on it, and the title
    is kept either way. ``lines``: the document's lines."""
    idx = [i for i, s in enumerate(lines) if s.strip()][:16]
    view = {i: normalise_line(lines[i]) for i in idx}
    rule = {i: rule_chrome(view[i]) for i in idx}

    def key(i: int) -> str:
        v = view[i]
        if len(v) > 80 or re.search(r"[。;；!?！？]", v) or rule[i] or _ITEM.match(v) or _DATE_ONLY.match(v):
            return ""
        k = _title_key(DOC_SITE_TAIL.sub("", v))
        return k if len(k) >= 8 else ""

    out: set[int] = set()
    for a, i in enumerate(idx):
        ka = key(i)
        if not ka:
            continue
        for j in idx[a + 1:a + 7]:
            if not rule[j]:
                kb = key(j)
                # (one starting the other is the same title, wrapped or cut: it stays)
                if kb and not (ka.startswith(kb) or kb.startswith(ka)) and j != idx[a + 1] \
                        and (ka in kb or kb in ka or _same_chars(ka, kb) >= 0.7):
                    out.add(i)
                break
    return out


def _same_chars(a: str, b: str) -> float:
    from difflib import SequenceMatcher
    return SequenceMatcher(None, a, b, autojunk=False).ratio()


def spun_title_lines(lines: list[str]) -> set[int]:
    """Indexes of an essay site's listing title above the text (``雎川县…工作总结（精选）``, ``…方案(实用3篇)``): a
    title with the site's tail whose words stand again, without the tail, as a line of the document (its own
    title). ``lines``: the document's lines, blank ones included."""
    idx = [i for i, s in enumerate(lines) if s.strip()]
    view = [normalise_line(lines[i]) for i in idx]
    keys = [_title_key(v) if len(v) <= 80 and not re.search(r"[。;；]", v) else "" for v in view]
    plain = {k for k, v in zip(keys, view) if len(k) >= 8 and not FARM_TAIL.search(v) and "|" not in v}
    out = {i for i, k, v in zip(idx, keys, view) if k in plain and FARM_TAIL.search(v) and re.search(r"[)）]$", v)}
    # a document-sharing site's copy of the title with its mark (…要点（word版）, 【精品】…要点, …要点 - 道客巴巴)
    for i, v in zip(idx, view):
        if len(v) <= 80 and DOC_SITE_TAIL.search(v):
            k = _title_key(DOC_SITE_TAIL.sub("", v))
            if len(k) >= 8 and k in plain and k != _title_key(v):
                out.add(i)
    return out

TRAILER_START = re.compile(r"^\s*+[-•]?\s*+(?:关\s*键\s*词|配套讲稿|特殊限制)")  # possessive: a line of blanks was quadratic


_CRUMB = re.compile(r"\S\s*[>›»]\s*\S.*[>›»]")  # a breadcrumb (首页 > 政务公开 > 通知公告) is never the title


_NAMED_CONTROLS = re.compile(rf"^([{_CJK}A-Za-z·()（）]{{2,30}}?)(?:\s*欢迎(?:您|你)(?:的?(?:光临|访问))?\s*[!！]?)?\s+(?:[|｜]\s*)?([^\s|｜].*)$")


@lru_cache(maxsize=8192)  # a line is also its neighbours' neighbour: features are read, never changed
def rule_chrome(line: str) -> bool:
    """The phrase lists' verdict on one line (without the trailer rule, which needs the lines before)."""
    if len(line) < 300 and CHROME_LINE.match(line):
        return True
    if _UI_LINE.match(line) or meta_line(line) or (len(line) <= 120 and _BREADCRUMB.match(line)) or nav_bar(line):
        return True
    # the site's name before its controls (溪南州安全生产监督管理局　欢迎您！　设为首页 | 加入收藏)
    g = _NAMED_CONTROLS.match(line)
    if g and len(line) <= 80 and _NAME_LINE.match(g.group(1)) and _UI_LINE.match(g.group(2)):
        return True
    if len(line) < 200 and _SITE_NOTICE.search(line):
        return True
    if widget_kind(line):
        return True
    # a metadata table's row of values (an index code, the issuer, a date stamp, a topic), with or without its header:
    # a few short cells, none of them a phrase with punctuation (a hazard ledger's row has a description)
    if "|" in line and len(line) <= 120 and meta_values(line):
        cells = [c.strip() for c in line.split("|") if c.strip()]
        if len(cells) <= 6 and all(len(c) <= 24 and not re.search(r"[，,。；;、]", c) for c in cells):
            return True
    return len(line) < 400 and bool(CHROME_INLINE.search(line)) and not re.search(r"[。;；]\S", line)


# ---------------------------------------------------------------- the line view


def normalise_line(s: str, traditional: bool = False) -> str:
    """Width folded (NFKC), pinyin glosses dropped, simplified script when ``traditional``, spaces collapsed."""
    s = unicodedata.normalize("NFKC", s)
    s = _GLOSS.sub("", s)
    if traditional:
        s = t2s()(s)
    return _SPACES.sub(" ", s).strip()


def line_view(text: str) -> list[tuple[int, int, str]]:
    """The non-blank lines of ``text``: ``(start, end, normalised line)``, ``end`` before the newline."""
    traditional = len(_TRAD.findall(text)) >= 3
    out = []
    pos = 0
    for line in text.split("\n"):
        end = pos + len(line)
        if line.strip():
            out.append((pos, end, normalise_line(line, traditional)))
        pos = end + 1
    return out


# ---------------------------------------------------------------- features


def _bucket(n: int) -> str:
    for b in (1, 2, 5, 10, 20, 40, 80, 160):
        if n <= b:
            return str(b)
    return "big"


@lru_cache(maxsize=8192)
def _shape(s: str) -> dict[str, float]:
    n = max(len(s), 1)
    cjk = sum(1 for c in s if "\u3400" <= c <= "\u9fff")
    dig = sum(c.isdigit() for c in s)
    lat = sum(c.isascii() and c.isalpha() for c in s)
    spc = s.count(" ")
    pun = sum(1 for c in s if unicodedata.category(c).startswith("P") or c in "|<>=+~^$")
    return {"cjk": cjk / n, "digit": dig / n, "latin": lat / n, "space": spc / n, "punct": pun / n}


def _line_feats(s: str) -> dict[str, Any]:
    f: dict[str, Any] = {}
    f["len_log"] = math.log1p(len(s)) / 6
    f["len=" + _bucket(len(s))] = 1
    for k, v in _shape(s).items():
        f[k] = v
    f["end_sent"] = float(s[-1] in _SENT_END or s.endswith(("。”", "。)", "。）")))
    f["end_colon"] = float(s[-1] in ":：")
    f["end_open"] = float(s[-1] in ",，、(（")
    f["n_sent"] = min(sum(s.count(c) for c in "。!?！？"), 5) / 5
    f["n_comma"] = min(sum(s.count(c) for c in ",，、"), 10) / 10
    f["pipes"] = min(s.count("|"), 6) / 6
    f["item_start"] = float(bool(_ITEM.match(s)))
    f["all_digits"] = float(bool(re.fullmatch(r"[\d\s.,%-]+", s)))
    f["no_cjk"] = float(not re.search(f"[{_CJK}]", s))
    for k, rx in _PATTERNS.items():
        if rx.search(s):
            f["re_" + k] = 1
    f.update(_link_shape(s))
    farm = bool(FARM_TAIL.search(s))
    f["farm_tail"] = float(farm)
    f["joined_titles"] = float(joined_titles(s))
    f["title_like"] = float(len(s) <= 80 and not _CRUMB.search(s) and bool(_TITLE_END.search(s) or s.startswith("关于"))
                            and not _PATTERNS["label_colon"].search(s) and "|" not in s and not farm)
    f["date_only"] = float(bool(_DATE_ONLY.match(s)))
    return f


# the shape of a line of links (a menu, a breadcrumb, a footer, a widget): short segments parted by | / > · or
# spaces, words of a site's menu or controls, no verb — what a new site's chrome shares with the known ones
_SEG_SPLIT = re.compile(r"\s*[|｜/>›»·•]+\s*|\s+")
_LINK_WORD = re.compile(r"点击|更多|查看|阅读|下载|分享|收藏|打印|关闭|返回|上一|下一|推荐|相关|链接|扫码|扫一扫|关注|登录|注册|评论|"
                        r"点赞|在看|首页|网站|版权|备案|主办|承办|编辑|审核|来源|发布|浏览|转载|留言|举报|纠错|字号|手机")
_VERB = re.compile(r"开展|加强|落实|推进|召开|组织|进行|完成|实施|检查|部署|做好|确保|建立|提升|发现|整改|参加|举行|制定|报送|"
                   r"负责|配合|排查|督促|要求|强调|指出|坚持|推动|深化|压实|[要将是把对在了]")


def _link_shape(s: str) -> dict[str, float]:
    segs = [x for x in _SEG_SPLIT.split(s) if x]
    n = len(segs)
    short = sum(len(x) <= 6 for x in segs)
    menu = sum(bool(_NAV_WORD.search(x)) for x in segs)
    return {"seg_n": min(n, 10) / 10, "seg_many": float(n >= 3), "seg_short_share": short / n if n else 0.0,
            "seg_menu": min(menu, 5) / 5, "seg_menu_share": menu / n if n else 0.0,
            "link_words": min(len(_LINK_WORD.findall(s)), 4) / 4, "no_verb": float(not _VERB.search(s))}


def joined_titles(s: str) -> bool:
    """Two titles or more joined by | or _ (an essay site's listing titles on one line): every part a phrase of 5
    to 40 characters with no punctuation or figure of a table's cell, half of them or more ending like a title."""
    segs = [x for x in _JOIN_SPLIT.split(s) if x]
    if len(segs) < 2 or not all(5 <= len(x) <= 40 and not re.search(r"[。，,;；:：!?！？、]", x) for x in segs):
        return False
    if any(_TABLE_CELL.match(x) or _DEADLINE_CELL.match(x) for x in segs):
        return False
    titled = sum(bool(_TITLE_END.search(x) or FARM_TAIL.search(x) or re.search(r"(?:稿|新闻|发言|材料|简报)$", x)) for x in segs)
    return titled * 2 >= len(segs)


def _title_key(s: str) -> str:
    """A title without its essay-site tail, brackets, quotes and blanks (what a spun copy shares with the title)."""
    s = re.sub(r"[【】\[\]]", "", s)
    s = re.sub(r"相关(?:文章|范文|文档)\s*[:：]?$|\s*篇\s*[一二三四五六七八九十\d]{1,2}$", "", s)
    s = FARM_TAIL.sub("", FARM_TAIL.sub("", s))
    return re.sub(r"[\s“”\"'‘’《》<>()（）]", "", s)


def spun_titles(lines: list[str]) -> tuple[set[int], set[int]]:
    """Indexes of the lines that repeat another line's title in other words (an essay site's listing title with its
    tail, a bracketed title heading the related links), and of those among them with a bracketed tail, | or 【】."""
    keys = [_title_key(s) if len(s) <= 80 and not re.search(r"[。;；]", s) else "" for s in lines]
    at: dict[str, set[str]] = {}
    for s, k in zip(lines, keys):
        if len(k) >= 8:
            at.setdefault(k, set()).add(s)
    # containment (a spun title longer or shorter than the heading) is tried for the lines with a tail, | or
    # brackets only, at most 20 of them: a document of many short lines stays linear
    marked = [i for i, s in enumerate(lines) if len(keys[i]) >= 8 and (FARM_TAIL.search(s) or "|" in s or "【" in s)][:20]
    twins = set()
    for i, (s, k) in enumerate(zip(lines, keys)):
        if len(k) >= 8 and len(at[k]) > 1:
            twins.add(i)
    for i in marked:
        k = keys[i]
        for j, kj in enumerate(keys):
            if j != i and len(kj) >= 8 and lines[j] != lines[i] and (kj in k or k in kj):
                twins.update((i, j))
    # (a bare 范文/模板 tail is also how an essay site titles the document itself: only a bracketed tail marks the copy)
    return twins, {i for i in twins if (FARM_TAIL.search(lines[i]) and re.search(r"[)）]$", lines[i]))
                   or "|" in lines[i] or "【" in lines[i]}


# a metadata table's row of values (002591046/2017-01833 | 溪塘市安全生产委员会 | 2017-04-12 | 安全生产): an index code
# and a date stamp among its cells, no words of a task
_INDEX_CODE = re.compile(r"^[0-9A-Za-z]{2,}(?:[-/][0-9A-Za-z]{2,}){1,4}$")
_STAMP_CELL = re.compile(r"^\d{4}[-/.]\d{1,2}[-/.]\d{1,2}$|^\d{4}年\d{1,2}月\d{1,2}日$")  # digits may be folded to 0


# a portal's metadata table header (索引号 | 发布机构 | 发文日期 | 主题分类): fields no duty roster or task table has
_META_HEAD = re.compile(r"索\s*引\s*号|发布机构|发文(?:机关|单位|字号|日期)|主题分类|体裁分类|组配分类|公开(?:方式|时限|范围|目录)|"
                        r"成文日期|信息分类|所属(?:栏目|机构)")


def meta_values(s: str) -> bool:
    """A metadata table's row of values: an index code and a date stamp among three cells or more."""
    cells = [c.strip() for c in s.split("|") if c.strip()]
    return (len(cells) >= 3 and any(_INDEX_CODE.match(c) and re.search(r"\d{4}", c) and not _STAMP_CELL.match(c) for c in cells)
            and any(_STAMP_CELL.match(c) for c in cells))


def _neighbour_feats(s: str, tag: str) -> dict[str, Any]:
    if s is None:
        return {f"{tag}_none": 1}
    sh = _shape(s)
    return {f"{tag}_len=" + _bucket(len(s)): 1,
            f"{tag}_end_sent": float(s[-1] in _SENT_END),
            f"{tag}_cjk": sh["cjk"], f"{tag}_digit": sh["digit"],
            f"{tag}_item": float(bool(_ITEM.match(s))),
            f"{tag}_colon": float(bool(_PATTERNS["label_colon"].search(s)))}


#: a cell of a task table's row (a unit, a time limit): a row of them under a row of as many cells is that
#: table's, not a menu bar (汛前安全检查 | 区水务局 | 区应急局 | 5月底前 | 无 under its header)
_TABLE_CELL = re.compile(rf"^(?:[{_CJK}]{{1,16}}(?:局|委|办|中心|大队|支队|政府|街道|镇|乡|公司|部)|"
                         r"(?:(?:19|20)\d\d年)?(?:\d{1,2}月(?:\d{1,2}日|底|末|份|上旬|中旬|下旬)?|年底|年内)(?:前|以前|之前)?|"
                         # a figures table's count cell (1处, 3150人次, 52.8万元, -3处): the row is the table's
                         r"[+\-−]?\d+(?:\.\d+)?\s*(?:万|亿)?(?:人次|家次|辆次|起|处|家|项|条|份|名|人|户|吨|元|辆|座|所|个|次|场|期|台|套))$")


def _fold_digits(s: str) -> str:
    return re.sub(r"\d", "0", s)


_TWO_PHRASES = re.compile(rf"^[^|]*[{_CJK}][^|]{{3,}}\|[^|]{{3,}}[{_CJK}][^|]*$")


def doc_rows(lines: list[str]) -> list[dict[str, Any]]:
    """One feature row per line of a document: ``{"text": …, "feats": {…}}``."""
    n = len(lines)
    counts: dict[str, int] = {}
    folded: dict[str, list[int]] = {}  # a short line again with other digits (a running header: …汇编 第12页 / 第13页)
    for i, s in enumerate(lines):
        counts[s] = counts.get(s, 0) + 1
        if len(s) <= 40 and not any(c in s for c in "。;；"):
            folded.setdefault(_fold_digits(s), []).append(i)
    long_idx = [i for i, s in enumerate(lines) if len(s) >= 60 and any(c in s for c in "。,，")]
    sent = [i for i, s in enumerate(lines) if len(s) >= 15 and s[-1] in _SENT_END] or [n]
    first_body = long_idx[0] if long_idx else n
    last_body = long_idx[-1] if long_idx else -1
    trailer = next((i for i, s in enumerate(lines) if TRAILER_START.match(s)), None)
    # the title's slot: the nearest line above the first sentence of running text that the lists do not call
    # chrome, when it is short and no sentence (高温天气安全生产提示 under a WeChat header)
    first_sent = next((i for i, s in enumerate(lines) if len(s) >= 20 and s[-1] in _SENT_END and re.search("[,，]", s)
                       and not rule_chrome(s)), None)
    title_slot = None
    # the titles of the document again in other words (雎川县…工作总结 / 雎川县…工作总结（精选）): a spun copy with a
    # tail is the site's listing, never the title's slot
    spun, spun_tail = spun_titles(lines)
    if first_sent is not None:
        for j in range(first_sent - 1, max(first_sent - 4, -1), -1):
            if not rule_chrome(lines[j]):
                # a title has words (4 characters running or more), not a bracketed label (【摘要】, [ 大中小 ])
                # (a WeChat headline may part two phrases by one bar: …活动圆满收官｜这组数字记录我们的6月)
                if len(lines[j]) <= 40 and not re.search(r"[。;；:：>]", lines[j]) \
                        and re.search(f"[{_CJK}]{{4}}", lines[j]) and (lines[j].count("|") == 0 or _TWO_PHRASES.match(lines[j])) \
                        and not re.fullmatch(r"[【\[(（].*[】\])）]", lines[j]) and j not in spun_tail:
                    title_slot = j
                break
    rows = []
    for i, s in enumerate(lines):
        f = _line_feats(s)
        if i in spun:
            f["spun_title"] = 1.0
        if i in spun_tail:
            f["spun_title_tail"] = 1.0
        if meta_values(s):
            f["meta_values"] = 1.0
        f["rel_pos"] = i / max(n - 1, 1)
        if i < 4:
            f[f"from_start={i}"] = 1
        if n - 1 - i < 4:
            f[f"from_end={n - 1 - i}"] = 1
        f["before_body"] = float(i < first_body)
        f["after_body"] = float(i > last_body)
        f["repeated"] = float(counts[s] > 1)
        at = folded.get(_fold_digits(s)) if len(s) <= 40 else None
        if at and len(at) > 1:
            f["repeated_folded"] = 1.0
            # a repeat inside the text, far from the other (a PDF page's running header or footer)
            if sent[0] < i < sent[-1] and max(abs(i - j) for j in at) >= 4:
                f["repeated_in_body"] = 1.0
        f["after_trailer"] = float(trailer is not None and i > trailer)
        # a table's row under a row of as many cells (its header or the row before): a menu bar has no such
        # neighbour; with a unit or a time limit in a cell, a task table's row (汛前安全检查 | 区水务局 | 5月底前)
        bars = s.count("|")
        if bars >= 2 and i and lines[i - 1].count("|") == bars:
            f["cells_as_above"] = 1.0
            if len(_META_HEAD.findall(lines[i - 1])) >= 2:
                f["cells_as_above_meta"] = 1.0  # a metadata table's values under its header (索引号|发布机构|…)
            if any(_TABLE_CELL.match(c.strip()) for c in s.split("|")):
                f["cells_as_above_unit"] = 1.0
        for d, tag in ((-2, "p2"), (-1, "p1"), (1, "n1"), (2, "n2")):
            j = i + d
            f.update(_neighbour_feats(lines[j] if 0 <= j < n else None, tag))
        # the phrase lists' verdict is kept beside the features, not among them: the model learns what chrome
        # looks like without leaning on lists written on this corpus (the cleaner applies both)
        rows.append({"text": _fold_digits(s[:120] + " " + s[-30:] if len(s) > 150 else s), "feats": f,
                     "rule": rule_chrome(s),
                     # a signature: an organisation's name right above a date (区应急管理局办公室 / 2024年2月20日印发)
                     "signature": bool(_ORG_LINE.match(s)) and i + 1 < n and bool(_SIGN_DATE.match(lines[i + 1])),
                     # the date under a signature, its year or digits masked (泉溪市凤山区应急管理局 / X月X日)
                     "sign_date": i > 0 and bool(_ORG_LINE.match(lines[i - 1])) and bool(_SIGN_DATE_MASKED.match(s)),
                     # a notice's contact lines above its signature (联系人：… / 电子邮箱：…), not a site footer's
                     "contact": bool(_CONTACT.match(s)) and any(_SIGN_DATE.match(x) for x in lines[i + 1:i + 8]),
                     "title_slot": i == title_slot})
    return rows


def _texts(rows):
    return [r["text"] for r in rows]


def _feats(rows):
    return [r["feats"] for r in rows]


def _pipeline(C: float = 4.0):
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import FeatureUnion, Pipeline
    from sklearn.preprocessing import FunctionTransformer

    chars = Pipeline([("sel", FunctionTransformer(_texts)),
                      ("tfidf", TfidfVectorizer(analyzer="char", ngram_range=(1, 3), min_df=2, sublinear_tf=True,
                                                lowercase=False))])
    shape = Pipeline([("sel", FunctionTransformer(_feats)), ("dict", DictVectorizer(sort=True))])
    return Pipeline([("features", FeatureUnion([("chars", chars), ("shape", shape)])),
                     ("clf", LogisticRegression(C=C, solver="liblinear", class_weight="balanced", random_state=0))])


# ---------------------------------------------------------------- the second pass (blocks)

# chrome comes in blocks (a header, a footer, a sidebar): the second pass reads the first pass's probabilities of
# the lines around a line, and where the line stands relative to the text that is clearly the document's own
SHORT = 40  # a line shorter than this may belong to a block of chrome
CONTENT_LEN = 40  # a line at least this long that ends a sentence is clearly content


def _logit(p: float) -> float:
    p = min(max(p, 1e-4), 1 - 1e-4)
    return math.log(p / (1 - p))


def second_features(rows: list[dict], proba: list[float]) -> list[list[float]]:
    """The second pass's features of each line of one document (``rows`` in line order, first-pass ``proba``)."""
    n = len(rows)
    lens = [round(math.expm1(r["feats"]["len_log"] * 6)) for r in rows]
    sent = [bool(r["feats"].get("end_sent")) for r in rows]
    short = [k < SHORT for k in lens]
    # clearly content: a long line ending a sentence that the first pass does not call chrome (a long
    # disclaimer or paywall notice ends a sentence too)
    content = [i for i in range(n) if lens[i] >= CONTENT_LEN and sent[i] and proba[i] < 0.5]
    first_c = content[0] if content else n
    last_c = content[-1] if content else -1
    # the block of short lines around each line (a long line is a block of its own)
    block = [0] * n
    b = 0
    for i in range(n):
        if i and not (short[i] and short[i - 1]):
            b += 1
        block[i] = b
    members: dict[int, list[int]] = {}
    for i in range(n):
        members.setdefault(block[i], []).append(i)
    # per block, what the other lines of a line's block add up to, from the block's totals (a block of a million
    # short lines was read once per line: quadratic): the highest score and where, the next highest, the sum,
    # and the count of lines the phrase lists know
    stats = {b: _block_stats(ids, proba, rows) for b, ids in members.items()}
    doc_mean = sum(proba) / n if n else 0.0
    # running sums of the first-pass scores and of the lines it calls chrome (prefix and suffix statistics)
    cum = [0.0]
    hi = [0]
    for p in proba:
        cum.append(cum[-1] + p)
        hi.append(hi[-1] + (p >= 0.5))
    head = first_c  # lines before the first clearly-content line
    tail = n - 1 - last_c if content else n
    out = []
    for i in range(n):
        def q(j):
            return proba[j] if 0 <= j < n else 0.0

        blk_n, top, top_at, second, total, known = stats[block[i]]
        n_others = blk_n - 1
        before = i < first_c
        after = i > last_c
        dist = (first_c - i) if before else (i - last_c) if after else 0
        k, k2 = bisect.bisect_left(content, i), bisect.bisect_right(content, i)  # content is in line order
        prev_c = content[k - 1] if k > 0 else None
        next_c = content[k2] if k2 < len(content) else None
        gap = (next_c - prev_c) if prev_c is not None and next_c is not None else n
        out.append([
            proba[i], _logit(proba[i]) / 5,
            q(i - 1), q(i + 1), q(i - 2), q(i + 2),
            max(q(i - 1), q(i + 1)), min(q(i - 1), q(i + 1)),
            (second if i == top_at else top) if n_others else 0.0,
            (total - proba[i]) / n_others if n_others else 0.0,
            math.log1p(blk_n) / 4, float(short[i]), float(sent[i]), float(lens[i] >= CONTENT_LEN and sent[i]),
            float(before), float(after), math.log1p(dist) / 4, float(before and i < 3), float(after and n - 1 - i < 3),
            float(not content), math.log1p(gap) / 4, doc_mean,
            float("|" in rows[i]["text"]),
            rows[i]["feats"].get("title_like", 0.0), rows[i]["feats"].get("date_only", 0.0),
        ] + _span_features(i, n, proba, cum, hi, before, after, first_c, last_c, head, tail)
            + _known_neighbours(rows, i, blk_n, known)
            + [float(before and short[i]), float(after and short[i]), float(before and not sent[i]),
               float(after and not sent[i])])
    return out


def _span_features(i, n, proba, cum, hi, before, after, first_c, last_c, head, tail) -> list[float]:
    """Where a line stands relative to the document's body (the span from the first to the last clearly
    content line) and how chrome-like the lines on each side of it are: chrome sits at the head and the
    tail of a web copy, in runs."""
    lo, up = max(0, i - 3), min(n, i + 4)
    win = [proba[j] for j in range(lo, up) if j != i]
    above = [proba[j] for j in range(lo, i)]
    below = [proba[j] for j in range(i + 1, up)]
    pre = cum[i] / i if i else 0.0  # mean score of every line above
    post = (cum[n] - cum[i + 1]) / (n - 1 - i) if i < n - 1 else 0.0
    # within the head (tail): the share of its lines above (below) this one that the first pass calls chrome
    head_above = hi[i] / i if before and i else 0.0
    tail_below = (hi[n] - hi[i + 1]) / (n - 1 - i) if after and i < n - 1 else 0.0
    return [
        max(win) if win else 0.0, sum(win) / len(win) if win else 0.0,
        sum(p >= 0.5 for p in win) / 6,
        min(max(above, default=0.0), max(below, default=0.0)),  # between two chrome-like lines
        pre, post, head_above, tail_below,
        float(before) * (i / max(first_c, 1)), float(after) * ((n - 1 - i) / max(n - 1 - last_c, 1)),
        math.log1p(head) / 4, math.log1p(tail) / 4, head / n if n else 0.0, tail / n if n else 0.0,
        # the line's own score counts more outside the body, and in a run of chrome-like lines
        _logit(proba[i]) / 5 * before, _logit(proba[i]) / 5 * after, _logit(proba[i]) / 5 * (not before and not after),
        _logit(max(win, default=0.0)) / 5, _logit(max(above, default=0.0)) / 5, _logit(max(below, default=0.0)) / 5,
        _logit(proba[i]) / 5 * (sum(win) / len(win) if win else 0.0),
    ]



def _block_stats(ids: list[int], proba: list[float], rows: list[dict]) -> tuple:
    """(lines, highest score, its first line, highest score of the other lines, sum of scores, lines the phrase
    lists know) of one block."""
    top_at = max(ids, key=lambda j: proba[j])  # the first of equal highest
    second = max((proba[j] for j in ids if j != top_at), default=0.0)
    return (len(ids), proba[top_at], top_at, second, math.fsum(proba[j] for j in ids),
            sum(bool(rows[j].get("rule")) for j in ids))


def _known_neighbours(rows: list[dict], i: int, blk_n: int, known: int) -> list[float]:
    """Whether the lines around a line are chrome the phrase lists know (not the line itself: the model learns
    what chrome looks like, the lists' own verdict is applied beside it); ``known`` of the ``blk_n`` lines of its
    block are."""
    n = len(rows)

    def r(j):
        return float(bool(rows[j].get("rule"))) if 0 <= j < n else 0.0

    return [max(r(i - 1), r(i + 1)), max(r(i - 2), r(i + 2)), r(i - 1) * r(i + 1),
            (known - r(i)) / (blk_n - 1) if blk_n > 1 else 0.0]


def _by_doc(examples: list[dict], idx) -> dict[str, list[int]]:
    docs: dict[str, list[int]] = {}
    for i in idx:
        docs.setdefault(examples[i]["doc"], []).append(i)
    for v in docs.values():
        v.sort(key=lambda i: examples[i]["line"])
    return docs


def _second_matrix(examples: list[dict], idx, proba: dict[int, float]) -> tuple[list[int], list[list[float]]]:
    order, X = [], []
    for _, ids in sorted(_by_doc(examples, idx).items()):
        order.extend(ids)
        X.extend(second_features([examples[i] for i in ids], [proba[i] for i in ids]))
    return order, X


def _second_model():
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    # not class-balanced: the threshold sits near the top of the scale, where balanced weights crowd the scores
    return make_pipeline(StandardScaler(), LogisticRegression(C=0.3, max_iter=2000, random_state=0))


def _first_oof(examples: list[dict], idx: list[int], k: int = 5) -> dict[int, float]:
    """Out-of-fold first-pass probabilities of the examples ``idx`` (GroupKFold by group)."""
    from sklearn.model_selection import GroupKFold

    groups = [examples[i]["group"] for i in idx]
    out = {i: 0.0 for i in idx}
    for tr, te in GroupKFold(n_splits=min(k, len(set(groups)))).split(idx, groups=groups):
        tr_i = [idx[j] for j in tr]
        ytr = [examples[i]["y"] for i in tr_i]
        if len(set(ytr)) < 2:
            continue
        pipe = _pipeline().fit([examples[i] for i in tr_i], ytr)
        te_i = [idx[j] for j in te]
        for i, p in zip(te_i, pipe.predict_proba([examples[i] for i in te_i])[:, 1]):
            out[i] = float(p)
    return out


def _second_oof(examples: list[dict], idx: list[int], p1: dict[int, float], k: int = 5) -> dict[int, float]:
    """Out-of-fold second-pass probabilities over ``idx`` given first-pass probabilities ``p1`` (grouped)."""
    from sklearn.model_selection import GroupKFold

    order, X = _second_matrix(examples, idx, p1)
    y = [examples[i]["y"] for i in order]
    groups = [examples[i]["group"] for i in order]
    out = {i: 0.0 for i in order}
    for tr, te in GroupKFold(n_splits=min(k, len(set(groups)))).split(X, y, groups):
        if len({y[j] for j in tr}) < 2:
            continue
        m = _second_model().fit([X[j] for j in tr], [y[j] for j in tr])
        for j, p in zip(te, m.predict_proba([X[j] for j in te])[:, 1]):
            out[order[j]] = float(p)
    return out


def nested_cross_validate(examples: list[dict], k: int = 5) -> dict[str, Any]:
    """Held-out first- and second-pass probabilities of every example (nested GroupKFold).

    In each outer fold the second pass learns from first-pass probabilities that are themselves out of fold
    (an inner GroupKFold over the outer training documents), so its inputs look like those of a new document;
    its threshold is chosen on the training documents alone (their own out-of-fold second-pass scores).
    Returns ``p1`` (first pass, out of fold), ``p2`` (second pass) and ``thr`` (each example's fold threshold).
    """
    from sklearn.model_selection import GroupKFold

    n = len(examples)
    groups = [e["group"] for e in examples]
    y = [e["y"] for e in examples]
    p1 = [0.0] * n
    p2 = [0.0] * n
    thr = [0.99] * n
    for tr, te in GroupKFold(n_splits=min(k, len(set(groups)))).split(examples, y, groups):
        tr, te = list(tr), list(te)
        if len({y[i] for i in tr}) < 2:
            continue
        inner = _first_oof(examples, tr, k)
        inner2 = _second_oof(examples, tr, inner, k)
        t = choose_threshold([y[i] for i in tr], [inner2[i] for i in tr])
        order, X = _second_matrix(examples, tr, inner)
        second = _second_model().fit(X, [y[i] for i in order])
        first = _pipeline().fit([examples[i] for i in tr], [y[i] for i in tr])
        pt = dict(zip(te, (float(p) for p in first.predict_proba([examples[i] for i in te])[:, 1])))
        order_te, X_te = _second_matrix(examples, te, pt)
        for i, p in zip(order_te, second.predict_proba(X_te)[:, 1]):
            p1[i], p2[i], thr[i] = pt[i], float(p), t
    return {"p1": p1, "p2": p2, "thr": thr}


# ---------------------------------------------------------------- training


@lru_cache(maxsize=4)
def labels(path: str = str(LABELS_FILE)) -> dict[tuple[str, int], str]:
    """``(document stem, raw line number) -> label`` from the annotation file."""
    out: dict[tuple[str, int], str] = {}
    p = Path(path)
    if not p.exists():
        return out
    for row in p.read_text("utf-8").splitlines():
        if not row.strip() or row.startswith("#") or row.startswith("doc\t"):
            continue
        doc, line, label = row.split("\t")[:3]
        out[(doc, int(line))] = label
    return out


WRITTEN_DIR = LABELS_FILE.parent / "written"  # documents written to teach chrome of kinds the corpus lacks
_WRITTEN_LABELS = {"C": "chrome", "T": "content"}


def read_written(folder: str | Path = WRITTEN_DIR) -> list[tuple[str, str, dict[int, str]]]:
    """The labelled documents of ``folder`` (``*.tsv``, not ``.txt``: no reader takes them for corpus documents;
    one line each: ``C<TAB>line`` for chrome, ``T<TAB>line``
    for the document's own text, an empty line for a blank one): ``(name, raw text, {line number: label})``.
    A line in another shape is an error naming the file and the line."""
    out = []
    for f in sorted(Path(folder).glob("*.tsv")):
        lines, table = [], {}
        for k, row in enumerate(f.read_text("utf-8").split("\n"), 1):
            if not row.strip():
                lines.append("")
                continue
            tag, sep, line = row.partition("\t")
            if not sep or tag not in _WRITTEN_LABELS:
                raise ValueError(f"{f}: line {k}: expected C<TAB>line or T<TAB>line, got {row[:40]!r}")
            lines.append(line)
            table[k] = _WRITTEN_LABELS[tag]
        while lines and not lines[-1]:
            lines.pop()
        out.append((f.stem, "\n".join(lines) + "\n", table))
    return out


def written_examples(folder: str | Path = WRITTEN_DIR) -> list[dict[str, Any]]:
    """The labelled lines of the written documents (each its own group), in the shape of :func:`examples`."""
    out = []
    for name, raw, table in read_written(folder):
        view = line_view(raw)
        nums = [raw.count("\n", 0, s) + 1 for s, _, _ in view]
        for k, row in zip(nums, doc_rows([t for _, _, t in view])):
            if k in table:
                out.append({**row, "y": int(table[k] == "chrome"), "group": f"written/{name}",
                            "doc": f"written/{name}", "line": k})
    return out


def examples(doc, gold: dict, group: str) -> list[dict[str, Any]]:
    """The labelled lines of one document (documents without annotation give none)."""
    stem = Path(doc.source).stem
    table = labels()
    view = line_view(doc.raw_text)
    nums = [doc.raw_text.count("\n", 0, s) + 1 for s, _, _ in view]
    if not any((stem, k) in table for k in nums):
        return []
    rows = doc_rows([t for _, _, t in view])
    out = []
    for k, row in zip(nums, rows):
        label = table.get((stem, k))
        if label in ("chrome", "content"):
            out.append({**row, "y": int(label == "chrome"), "group": group, "doc": stem, "line": k})
    return out


def _prf(y, pred) -> dict[str, float]:
    tp = sum(1 for a, b in zip(y, pred) if a and b)
    fp = sum(1 for a, b in zip(y, pred) if not a and b)
    fn = sum(1 for a, b in zip(y, pred) if a and not b)
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    return {"precision": round(p, 4), "recall": round(r, 4), "tp": tp, "fp": fp, "fn": fn}


def choose_threshold(y: list[int], proba: list[float], target: float = TARGET_PRECISION) -> float:
    """The lowest threshold whose precision is at least ``target`` (the highest recall at that precision)."""
    grid = [x / 100 for x in range(99, 9, -1)] + [0.995, 0.998, 0.999]
    best = 0.999
    for t in sorted(grid, reverse=True):
        pred = [p >= t for p in proba]
        m = _prf(y, pred)
        if m["tp"] and m["precision"] >= target:
            best = t
    return best


def choose_thresholds(y: list[int], p1: list[float], p2: list[float],
                      target: float = TARGET_PRECISION, keep: list[bool] | None = None) -> tuple[float, float]:
    """``(t1, t2)``: a line is chrome when its first-pass score >= t1 or its second-pass score >= t2; the pair
    with the highest recall at precision >= ``target`` (ties: the higher thresholds).

    The union keeps a lone chrome line that the first pass is sure of (the second pass, reading neighbours
    that are content, lowers it) and adds the lines of chrome blocks that only the second pass finds.
    """
    grid = sorted({x / 100 for x in range(99, 49, -1)} | {0.995, 0.998, 0.999}, reverse=True)
    best, best_tp = (0.999, 0.999), -1
    keep = keep or [False] * len(y)
    for t1 in [t for t in grid if t >= 0.9]:
        for t2 in grid:
            m = _prf(y, [(a >= t1 or b >= t2) and not k for a, b, k in zip(p1, p2, keep)])
            if m["tp"] and m["precision"] >= target and m["tp"] > best_tp:
                best, best_tp = (t1, t2), m["tp"]
    return best


def cross_validate(examples: list[dict], k: int = 5) -> tuple[list[float], list[str]]:
    """Out-of-fold chrome probabilities, folds grouped by ``group`` (one document never on both sides)."""
    from sklearn.model_selection import GroupKFold

    groups = [e["group"] for e in examples]
    y = [e["y"] for e in examples]
    proba = [0.0] * len(examples)
    n_groups = len(set(groups))
    for tr, te in GroupKFold(n_splits=min(k, n_groups)).split(examples, y, groups):
        ytr = [y[i] for i in tr]
        if len(set(ytr)) < 2:
            continue
        pipe = _pipeline().fit([examples[i] for i in tr], ytr)
        for i, p in zip(te, pipe.predict_proba([examples[i] for i in te])[:, 1]):
            proba[i] = float(p)
    return proba, groups


def _fit_passes(examples: list[dict]) -> tuple[Any, Any, tuple[float, float]]:
    """The first pass fit on all ``examples``, the second fit on their out-of-fold first-pass scores, and the
    thresholds ``(t1, t2)`` on the out-of-fold scores of both (precision >= :data:`TARGET_PRECISION`)."""
    idx = list(range(len(examples)))
    y = [e["y"] for e in examples]
    p1 = _first_oof(examples, idx)
    order, X = _second_matrix(examples, idx, p1)
    second = _second_model().fit(X, [y[i] for i in order])
    p2 = _second_oof(examples, idx, p1)
    thr = choose_thresholds(y, [p1[i] for i in idx], [p2[i] for i in idx], keep=[spared(e) for e in examples])
    first = _pipeline().fit(examples, y)
    return first, second, thr


def fit(examples: list[dict], cv: bool = True, written: bool = True) -> tuple[dict | None, dict]:
    """The two passes on ``examples`` (with ``written``, and the lines of the documents written to teach chrome
    of kinds the corpus lacks, :data:`WRITTEN_DIR`); with ``cv`` their nested held-out scores."""
    n_written = 0
    if written:
        extra = written_examples()
        n_written = len({e["doc"] for e in extra})
        examples = list(examples) + extra
    examples = sorted(examples, key=lambda e: (e["group"], e["doc"], e["line"]))
    y = [e["y"] for e in examples]
    if len(set(y)) < 2:
        return None, {"error": "need chrome and content lines"}
    first, second, thr = _fit_passes(examples)
    meta: dict[str, Any] = {
        "name": NAME,
        "threshold": thr[1], "threshold_first": thr[0],
        "target_precision": TARGET_PRECISION,
        "lines": len(examples),
        "chrome_lines": sum(y),
        "docs_with_chrome": len({e["doc"] for e in examples if e["y"]}),
        "written_documents": n_written,
        "model": "first pass: LogisticRegression(C=4, balanced) on char 1-3-grams (digits folded) + line-shape "
                 "features; second pass: LogisticRegression(C=1) on the first pass's out-of-fold probabilities "
                 "of the line, its neighbours and its block, and its place relative to the content lines",
    }
    if cv:  # the thresholds are chosen on the nested held-out scores (those of a model that never saw the lines)
        r = nested_cross_validate(examples)
        thr = choose_thresholds(y, r["p1"], r["p2"], keep=[spared(e) for e in examples])
        meta["threshold"], meta["threshold_first"] = thr[1], thr[0]
        meta["cv"] = _held_out_report(examples, thr, r)
    return {"model": first, "second": second, "threshold": thr[1], "threshold_first": thr[0]}, meta


def _held_out_report(examples: list[dict], thr: tuple[float, float], r: dict) -> dict[str, Any]:
    y = [e["y"] for e in examples]
    p1, p2, fold_thr = r["p1"], r["p2"], r["thr"]
    t1 = choose_threshold(y, p1)
    t2 = choose_threshold(y, p2)
    rule = [bool(e.get("rule")) for e in examples]
    only_second = [p >= t2 for p in p2]
    keep = [spared(e) for e in examples]
    second = [(a >= thr[0] or b >= thr[1]) and not k for a, b, k in zip(p1, p2, keep)]

    def left(pred):
        return sorted({e["doc"] for e, q in zip(examples, pred) if e["y"] and not q})

    return {
        "folds": 5, "grouped_by": "document source group",
        "first_pass": {**_prf(y, [p >= t1 for p in p1]), "threshold": t1,
                       "docs_with_chrome_left": len(left([p >= t1 for p in p1]))},
        "second_pass_alone": {**_prf(y, only_second), "threshold": t2,
                              "docs_with_chrome_left": len(left(only_second))},
        "at_threshold": {**_prf(y, second), "threshold": list(thr)},
        "fold_thresholds": {**_prf(y, [p >= t for p, t in zip(p2, fold_thr)]),
                            "thresholds": sorted(set(fold_thr))},
        "at_0.5": _prf(y, [p >= 0.5 for p in p2]),
        "lists_alone": _prf(y, rule),
        "lists_or_model": _prf(y, [a or b for a, b in zip(rule, second)]),
        "docs_with_chrome_left": len(left(second)),
        "docs_with_chrome_left_lists_or_model": len(left([a or b for a, b in zip(rule, second)])),
        "docs_with_chrome_left_names": left(second),
        "content_lines_dropped": sorted(f"{e['doc']}:{e['line']}" for e, q in zip(examples, second)
                                        if q and not e["y"]),
    }


def card(meta: dict) -> str:
    cv = meta.get("cv", {})
    at = cv.get("at_threshold", {})
    fold = cv.get("fold_thresholds", {})
    first = cv.get("first_pass", {})
    sec = cv.get("second_pass_alone", {})
    half = cv.get("at_0.5", {})
    lists = cv.get("lists_alone", {})
    union = cv.get("lists_or_model", {})
    return f"""# Model card: boilerplate (site-chrome lines)

**Decides** whether a line of a document is the web site's chrome (navigation, breadcrumbs, publication-time
and counter lines, font-size and share buttons, download and paywall prompts, page counters, keyword-spam
headers, portal metadata, forum widgets) or the document's own. Used by the cleaner's `remove_boilerplate`
step; without this model the cleaner uses its phrase lists.

**Data**: `corpora/boilerplate/lines.tsv`: every non-blank line of the {meta.get('documents', '?')} gold
documents labelled by reading the raw files, and the lines of {meta.get('written_documents', 0)} web copies written
to teach chrome of kinds the corpus lacks (`corpora/boilerplate/written/`: WeChat articles, news sites, old CMS
pages, portals, a document-sharing site; `C<TAB>line` chrome, `T<TAB>line` the document's own); {meta.get('lines')}
lines, {meta.get('chrome_lines')} chrome, in {meta.get('docs_with_chrome')} documents. Lines holding a gold task or
metric are content. `corpora/boilerplate/written_heldout/` (more such copies, written in five rounds, each
scored once before the kinds it showed were added: 6 of 56, 7 of 48, 8 of 33, 3 of 65 and 5 of 40 chrome lines
left, no content line lost) is never trained on: it is the check in `tests/test_boilerplate_unseen.py`.
`scripts/measure_chrome_loso.py` trains this model without the last blind sets (heldout16-18, train16j-l) and
cleans them with it: the closest figure to a first run.

**First pass** (one line at a time): character 1-3-grams of the line (digits folded to 0, TF-IDF); length,
shares of CJK / digits / Latin / punctuation / spaces; sentence-final punctuation; item numbering; title-like
(ends in 通知, 方案, 总结 …) and date-only lines; position (first and last lines, before the first and after
the last body paragraph); shapes of the two lines before and after; repetition (exact, and with its digits folded: a running header whose page number changes; a repeat between two sentences); date, clock, counter,
page-count, file-size, URL, `N字`, bracketed-label and markup patterns; the shape of a line of links (how
many segments parted by | / > · or spaces, the share of short ones, of a site's menu words, link words such as
点击/更多/分享/收藏, no verb); a table's row under a row of as many cells (a menu bar has none), and such a row
with a unit or a time limit in a cell (汛前安全检查 | 区水务局 | 5月底前); an essay site's tail on a title (（精选）,
(实用3篇), 范文, （会员专享）, (第2页)), listing titles joined by | or _, a title standing again in other words (the
document's title with the site's tail, or in brackets over the related links), a metadata table's row of values
(an index code and a date stamp among its cells) and such a row under a portal's metadata header.
Not the phrase lists' verdict on the line itself: the model learns what chrome looks like, and the cleaner applies the lists beside it.

**Second pass** (chrome comes in blocks): the first pass's probability of the line and of the lines at
±1 and ±2, the max and mean over the block of short lines around it, the block's size, whether the line is
before the first or after the last line that is clearly content (a line of 40+ characters ending a sentence)
and how far, the gap between the content lines around it, the document's mean probability; the body span
(the first and last clearly-content lines): prefix and suffix means of the scores, the +-3 window, the head's
and tail's sizes and chrome shares, the line's score inside and outside the body; whether the lines around it
are chrome the phrase lists know. It is trained on
*out-of-fold* first-pass probabilities (GroupKFold by document), so its inputs look like those of a new
document.

**Estimator**: {meta.get('model')}. A line is chrome when the first pass gives it >= {meta.get('threshold_first')}
(a lone chrome line among content, which the second pass lowers) or the second pass >= {meta.get('threshold')};
the pair of thresholds chosen on out-of-fold scores for precision >= {meta.get('target_precision')}, on the decision
as applied: the lines the model never drops (`spared`: table rows with a running-text cell, counts of things
done, titles and headlines, numbered sentences, running text, lines naming the responsible units, list
lead-ins) count as kept.

**Held-out scores** (nested GroupKFold, {cv.get('folds')} outer folds grouped by document; inside each outer
fold the second pass learns from inner out-of-fold first-pass scores; chrome is the positive class):

| decision | precision | recall | content lines dropped | chrome lines kept | documents keeping chrome |
|---|---|---|---|---|---|
| first pass alone, threshold {first.get('threshold')} (chosen out of fold) | {first.get('precision')} | {first.get('recall')} | {first.get('fp')} | {first.get('fn')} | {first.get('docs_with_chrome_left')} |
| second pass alone, threshold {sec.get('threshold')} (chosen out of fold) | {sec.get('precision')} | {sec.get('recall')} | {sec.get('fp')} | {sec.get('fn')} | {sec.get('docs_with_chrome_left')} |
| second pass alone, each fold's threshold chosen on its training documents ({fold.get('thresholds')}) | {fold.get('precision')} | {fold.get('recall')} | {fold.get('fp')} | {fold.get('fn')} | |
| second pass alone, 0.5 | {half.get('precision')} | {half.get('recall')} | {half.get('fp')} | {half.get('fn')} | |
| **the model: first >= {meta.get('threshold_first')} or second >= {meta.get('threshold')}** | {at.get('precision')} | {at.get('recall')} | {at.get('fp')} | {at.get('fn')} | {cv.get('docs_with_chrome_left')} |
| phrase lists alone | {lists.get('precision')} | {lists.get('recall')} | {lists.get('fp')} | {lists.get('fn')} | |
| lists or the model (the cleaner) | {union.get('precision')} | {union.get('recall')} | {union.get('fp')} | {union.get('fn')} | {cv.get('docs_with_chrome_left_lists_or_model')} |

Of {meta.get('docs_with_chrome')} documents with chrome. The lists were written on this corpus: their figure is
not held out. Other cleaner steps also remove some annotated chrome (hidden-text notices, page numbers and
running headers), so the cleaned texts keep less than the last column says.

Content lines the held-out model would drop: {', '.join(cv.get('content_lines_dropped', [])) or 'none'}.

**Limits**: at precision 0.97 the model alone finds about three chrome lines in five: the content lines scored
highest are dates, notes and headings standing inside chrome blocks (a signature date beside a publication
date, `(本文有删减)`), which look like chrome by shape and place; short widget lines of a new layout (a forum
poster's profile: `主题`, `81`, `积分`) score low. The phrase lists add the rest, by kind: portal metadata
fields, site controls alone on a line, breadcrumbs, sharing-site notices, and the page widgets of
`WIDGET_KINDS` (previous/next links, WeChat and forum widgets, photo captions and credits, editor lines,
QR-code prompts, file links with their format and size, publication stamps, comment widgets, bare addresses,
essay sites' blurbs, a sharing site's uploader and preview counters, keyword strips, a metadata table's values), bars of links (`nav_bar`: 首页 | 政务公开 | 通知公告 or parted by spaces, dropped before
the cleaner glues words parted by spaces or reads a | bar as a table row); chrome that its place
tells (`position_chrome`: a portal's or account's name line above the site's chrome, a table of contents
above the text, short lines between two chrome lines, the links under 往期推荐 / 相关新闻 / 猜你喜欢 / 【…】相关文章 after the
text, a column's name such as 通知公告 under the site's chrome, a PDF's running header found again between two
sentences, an essay site's listing title whose words stand again without its tail) goes with them; a portal's name glued to its menu bar or to its controls (…欢迎您！ 设为首页 | 加入收藏)
is the bar's. An official document's attachment note (附：…名单（略）, 附件：1.…清单) is never dropped. The lists were written on this corpus and on
the kinds reported from unseen copies. Chrome glued inside a content line is the cleaner's
`remove_inline_chrome` (a grammar of kinds), not this model's. A new kind of site will bring chrome of new shapes: label its lines in `lines.tsv` and retrain
(`taskdb train corpora/ --only boilerplate`).
"""


# ---------------------------------------------------------------- use


def chrome_spans(text: str, threshold: float | None = None) -> list[tuple[int, int]] | None:
    """The ``(start, end)`` of the lines of ``text`` the model calls chrome; None when no model was trained.

    The first pass scores each line, the second rescores it from the scores of the lines around it.
    """
    from . import load

    est = load(NAME)
    if est is None:
        return None
    view = line_view(text)
    if not view:
        return []
    rows = doc_rows([t for _, _, t in view])
    p1 = [float(p) for p in est["model"].predict_proba(rows)[:, 1]]
    thr = est["threshold"] if threshold is None else threshold
    if est.get("second") is not None:
        p2 = est["second"].predict_proba(second_features(rows, p1))[:, 1]
        t1 = est.get("threshold_first", 1.0)
        proba = [max(b, 1.0) if a >= t1 else b for a, b in zip(p1, p2)]
    else:
        proba = p1
    out, bars = [], -1  # bars: the cell count of the table row just above, kept
    for (s, e, t), p, r in zip(view, proba, rows):
        n = t.count("|")
        # a task table's row under a kept row of as many cells, with a unit or a time-limit cell, is the table's: the
        # line features say so (cells_as_above_unit), and the rule keeps it where a model trained on few such rows
        # does not listen (医疗机构 | 6月份 | 文化站 卫生院, a three-cell row of a workbook's schedule)
        row_of_table = (n >= 2 and n == bars and any(_TABLE_CELL.match(c.strip()) for c in t.split("|"))
                        and not meta_line(t) and not meta_values(t))
        if p >= thr and not spared(r) and not row_of_table:
            out.append((s, e))
            bars = -1
        else:
            bars = n if n >= 2 else -1
    return out


_COUNT = re.compile(r"[\u4e00-\u9fff]\d+(?:\.\d+)?\s*(?:余|多)?(?:起|处|家|名|户|吨|万元|亿元|辆|座|所)")
_LONG_CELL = re.compile(rf"[{_CJK}][^|]{{18,}}[{_CJK}]")


# running text: a sentence of two clauses or more (会后,刘海波一行还实地检查了…情况。); chrome of that shape (a
# disclaimer, an essay site's blurb) is left to the phrase lists
_RUNNING_TEXT = re.compile(r"^(?=[^|]{16,}$)[^|]*[,，;；][^|]*[。!?！？](?:[【\[(（][^】\])）]{0,8}[】\])）])?$")
# an official document's distribution lines (抄送：…, 报：市安委办, 发：各镇（街道）): the document's own
_DISTRIBUTION = re.compile(r"^(?:抄送|抄报|主送|分送|报送|报|送|发)\s*[:：]\s*[\u4e00-\u9fff]")
# a title in brackets (【紧急通知】) and a year alone on a line (a title broken by a PDF copy: 2024 / 年工作总结)
_BRACKET_TITLE = re.compile(r"^[【\[]\s*[^】\]]{0,16}(?:通知|通报|公告|通告|方案|简报|动态|提示|预警|快讯)\s*[】\]]$")
_YEAR_ALONE = re.compile(r"^\d{4}\s*年?$")  # digits are folded to 0 in a row's text
# a headline: a news title (永兴县七甲乡:燃气安全专项检查行动全面铺开, 市应急委召开一季度…分析会) or a title cut
# over two lines (国务院办公厅关于印发国家突发事件)
_HEADLINE = re.compile(rf"^(?=[^。;；,，|]{{12,40}}$)(?:[^:：]{{2,16}}[:：])?[{_CJK}0-9“”\-—]*"
                       rf"(?:召开|举行|举办|开展|部署|推进|启动|铺开|落实|做好|加强|督导|检查|关于)[{_CJK}0-9“”\-—]*$")


# who does the work (牵头单位: | 市城市管理综合执法局 |) and a heading that opens a list (后勤保障:)
_DUTY = re.compile(r"(?:牵头|责任|配合|协办|协助|参与|主责)(?:单位|部门)")
_LEAD_IN = re.compile(rf"^[{_CJK}]{{2,12}}[:：]$")


# who signs: an organisation's name alone on a line; the date under it (2024年2月20日, 2024年2月20日印发)
_ORG_LINE = re.compile(rf"^[{_CJK}X ()（）]{{2,30}}(?:局|委员会|办公室|政府|委|办|中心|大队|支队|队|所|站|公司|镇|乡|街道|指挥部|社区)$")
_SIGN_DATE = re.compile(r"^(?:(?:19|20)\d\d|[二〇○零0一二三四五六七八九X]{4})\s*年\s*[\dX一二三四五六七八九十]{1,2}\s*月"
                        r"(?:\s*[\dX一二三四五六七八九十]{1,3}\s*日)?\s*(?:印发|发布|制)?$")
_SIGN_DATE_MASKED = re.compile(r"^(?:(?:(?:19|20)\d\d|20XX|[二〇○零0一二三四五六七八九X]{4})\s*年\s*)?[\dX一二三四五六七八九十]{1,2}\s*月"
                               r"\s*[\dX一二三四五六七八九十]{1,3}\s*日\s*(?:印发|发布|制)?$")
# a red-headed document's masthead (XX市应急管理局文件), a deadline alone in a table cell (11月30日前, 年底前)
_CONTACT = re.compile(r"^(?:联\s*系\s*人|联系(?:电话|方式|邮箱)|电\s*话|电子(?:邮箱|邮件|信箱)|邮\s*箱|传\s*真|手\s*机)\s*[:：]")
_MASTHEAD = re.compile(rf"^[{_CJK}X]{{2,30}}文件$")
# an essay site's page title at the top is the document's (森林防火最新工作活动方案模板, …方案模板8篇); lower down,
# such a line is a link to another essay
_ESSAY_TITLE = re.compile(rf"^[{_CJK}X0-9]{{2,30}}(?:方案|计划|总结|通知|报告|讲话|要点|预案)(?:模板|范文|范本)(?:\d{{1,2}}篇)?$")
_DEADLINE_CELL = re.compile(r"^(?:(?:19|20)\d\d年)?(?:\d{1,2}月(?:\d{1,2}日|底|末|份|上旬|中旬|下旬)?|年底|年内|上半年|下半年)"
                            r"(?:前|以前|之前|完成)$")
# a task table's row: four cells or more, one of them a phrase (14 | 森林火灾受害率控制在0.9‰以内 | 县林业局 | …)
_PHRASE_CELL = re.compile(rf"[{_CJK}][^|]{{8,}}[{_CJK}\d%‰]")


# an official document's note of its attachments (附：联络员报名表（略）, 附件：1.已完成整改问题清单); a portal's link to
# a file (附件下载：…, 附件1.统计表.doc, with its size) is the site's
_ANNEX = re.compile(r"^附(?=件|\s*[:：])(?!件?\s*下载)(?!.*\.(?:docx?|pdf|xlsx?|wps|et|zip|rar)\b)", re.I)


def spared(row: dict) -> bool:
    """A line the model never drops, whatever its score (the decision is measured with these spared).

    - a table row with a cell of running text (a task table's row: a Word or PDF rendition of the same
      table puts its cells on other lines, and the cleaned text must not depend on the rendition); a row
      of short cells (索引号 | … | 发布机构 | …, 上传者:… | 页数:…) is the portal's metadata and may go;
    - a line that counts something done (查处酒驾违法1075起): chrome counts views and posts, not cases,
      firms or people;
    - a title-like line (…的通知, …实施方案): the title inside a header block is the document's own;
    - a numbered item holding a sentence (``(二)组织召开安全生产工作会。``), a sentence of running text (with
      a bracket tag after it: ``…负责人。【X】``), a headline, a line naming the units responsible, a heading
      that opens a list, an official document's distribution line (``抄送：…``, ``报：市安委办``), a title in
      brackets (``【紧急通知】``), a year alone on a line (a title broken by a PDF copy), the title's slot (the
      nearest short line above the first sentence that the lists do not call chrome);
    - a task table's row of four cells or more with a phrase in one (``14 | 森林火灾受害率控制在0.9‰以内 | 县林业局
      | …``), a deadline alone in a cell (``11月30日前``), a masthead (``XX市应急管理局文件``) and a signature (an
      organisation's name right above a date), and a date alone in brackets under a title (``（2017年2月20日）``).
    """
    t = row["text"]
    f = row["feats"]
    # a metadata table's values (an index code, an issuer, a date stamp) are no task table's row
    values = meta_values(t) or bool(f.get("cells_as_above_meta"))
    if "|" in t and any(_LONG_CELL.search(c) for c in t.split("|")) and not values:
        return True
    if t.count("|") >= 3 and any(_PHRASE_CELL.search(c) for c in t.split("|")) and not meta_line(t) and not values:
        return True
    if row.get("signature") or row.get("sign_date") or row.get("title_slot") or row.get("contact") or _MASTHEAD.match(t) or _DEADLINE_CELL.match(t):
        return True
    if _ESSAY_TITLE.match(t) and any(f.get(f"from_start={k}") for k in range(3)):
        return True
    if f.get("item_start") and re.search(r"[。;；]", t):  # a numbered item that says something: (二)组织召开…会。
        return True
    if _RUNNING_TEXT.search(t) or _HEADLINE.match(t) or _DUTY.search(t) or _LEAD_IN.match(t):
        return True
    if _DISTRIBUTION.match(t) or _BRACKET_TITLE.match(t) or _YEAR_ALONE.match(t) or _ANNEX.match(t) \
            or _BRACKET_DATE.match(t):
        return True
    return bool(_COUNT.search(t)) or bool(f.get("title_like"))


# a date alone in brackets under a speech's or a document's title (（2017年2月20日）): the document's own date line, which
# gives its year; a site's stamp is never bracketed (2024年09月26日 17:45, 发布日期：…)
_BRACKET_DATE = re.compile(r"^[(（]\s*(?:\d{4}|[二〇○零一二三四五六七八九]{4})\s*年\s*[\d一二三四五六七八九十]{1,2}\s*月"
                           r"(?:\s*[\d一二三四五六七八九十]{1,3}\s*日)?\s*[)）]$")
