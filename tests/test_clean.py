"""Each cleaning step: cases it must change and cases it must leave alone."""

import pytest

from pipeline.clean import clean_text, run_steps
from pipeline.clean import steps as S
from pipeline.clean.mapped import Mapped


def step(fn, text):
    return fn(Mapped.of(text)).text


@pytest.mark.parametrize(("fn", "before", "after"), [
    # page-chunk markers of document-sharing sites, joined to the word they cut
    (S.join_page_chunks, "标题\n1、" + "甲" * 90 + "安\n2、全生产" + "乙" * 90 + "落\n3、实" + "丙" * 90,
     "标题\n" + "甲" * 90 + "安全生产" + "乙" * 90 + "落实" + "丙" * 90),
    # a lone counter where the site cut a page: the line before is long and open in the middle of a word
    (S.join_page_chunks, "一、工作目标\n通过专项整治，" + "甲" * 40 + "，坚决遏制较大以上水上交通事\n2、故。\n二、整治时间",
     "一、工作目标\n通过专项整治，" + "甲" * 40 + "，坚决遏制较大以上水上交通事故。\n二、整治时间"),
    # the same after a numbered item whose sentence runs on (a long line with its commas is no heading)
    (S.join_page_chunks, "1.隐患整治\n（1）" + "甲" * 20 + "，" + "乙" * 20 + "，整改完成前一律停\n2、产停业。\n2.风险管控",
     "1.隐患整治\n（1）" + "甲" * 20 + "，" + "乙" * 20 + "，整改完成前一律停产停业。\n2.风险管控"),
    # a shorter line before a counter whose line is the last character or two of the cut word
    (S.join_page_chunks, "（三）深化阶段（全年）。聚焦共性难\n4、题，逐项攻坚。", "（三）深化阶段（全年）。聚焦共性难题，逐项攻坚。"),
    # a counter after item n-1 written in another marker: the list did not change its style, a page was cut
    (S.join_page_chunks, "三、步骤\n1.企业自查。各单位要对照行业隐患排\n2、查标准开展自查。", "三、步骤\n1.企业自查。各单位要对照行业隐患排查标准开展自查。"),
    # a counter that cuts a number from its unit (heldout35/3502: …至8\n2、月17日), under a heading too; and then the
    # first page's 1、 before the issuer's name is the same site's mark
    (S.join_page_chunks, "某市安委办关于开展督查的通知\n1、某市安全生产委员会办公室\n各县区：\n（二）集中督查阶段（7月23日至8\n"
                         "2、月17日）。督查组分赴各地开展督查。",
     "某市安委办关于开展督查的通知\n某市安全生产委员会办公室\n各县区：\n（二）集中督查阶段（7月23日至8月17日）。督查组分赴各地开展督查。"),
    # hidden-text notices
    (S.remove_hidden_notices, "冬。\n---此处隐藏4896字,下载后查看---\n一是", "冬。\n\n一是"),
    (S.remove_hidden_notices, "---此处隐藏:5620字---", ""),
    # pinyin glosses
    (S.strip_pinyin_glosses, "xx區(qū)安監(jiān)局", "xx區安監局"),
    (S.strip_pinyin_glosses, "鄉（xiāng）鎮（zhèn）", "鄉鎮"),
    # traditional → simplified
    (S.to_simplified, "安全生產監管責任制落實到位", "安全生产监管责任制落实到位"),
    # full-width letters and digits; fullwidth space
    (S.normalise_width, "ＸＸ区２０２４年\u3000工作", "XX区2024年 工作"),
    # lost separators
    (S.fix_lost_separators, "(责任单位:区委宣传部)2 .督促党委", "(责任单位:区委宣传部)2. 督促党委"),
    (S.fix_lost_separators, "体系6 .狠抓", "体系6. 狠抓"),
    # byte-garbled GBK run restored
    (S.restore_garbled, "(一)推動。\n。ㄎ澹┥钊胪七M安全文化建設", "(一)推動。\n（五）深入推進安全文化建設"),
    # Cyrillic Р used as a paragraph break
    (S.normalise_newlines, "做好防汛工作。Р二要健全", "做好防汛工作。\n二要健全"),
    (S.normalise_newlines, "a\r\nb\rc", "a\nb\nc"),
    # site chrome
    (S.remove_site_chrome, "您好,欢迎访问博文范文网!\n正文一句。\n本类热门推荐\n", "正文一句。\n"),
    (S.remove_site_chrome, "正文。\n- 关 键 词:\n- 区县 2023 安全生产", "正文。\n"),
    # spaces between Chinese characters
    (S.tidy_whitespace, "集中抓好 “三项岗位人员”培训\n\n\n(二) 进一步", "集中抓好“三项岗位人员”培训\n(二)进一步"),
])
def test_step_must_change(fn, before, after):
    assert step(fn, before) == after


@pytest.mark.parametrize(("fn", "text"), [
    # real list numbers: short items after finished sentences are not page counters
    (S.join_page_chunks, "工作要求如下:\n1、加强领导。\n2、明确责任。\n3、强化督查。"),
    (S.join_page_chunks, "一段话。\n1、" + "甲" * 90 + "。\n2、" + "乙" * 90 + "。\n3、" + "丙" * 90 + "。"),
    # a lone 2、 after a heading, after a finished sentence, after its sibling item written without a full stop,
    # after a short open line: list items
    (S.join_page_chunks, "二、加强组织领导，落实各级各部门安全生产工作的责任\n2、加强领导。"),
    (S.join_page_chunks, "全县各级各部门要充分认识安全生产工作的重要性和紧迫性，切实增强责任感。\n2、加强领导。"),
    (S.join_page_chunks, "1、加强组织领导，成立以县长为组长的领导小组，统筹协调全县安全生产各项工作\n2、明确责任分工"),
    (S.join_page_chunks, "1、加强组织领导，成立以县长为组长的领导小组，统筹协调\n全县安全生产各项工作，定期研究解决重大问题\n"
                         "2、明确责任分工"),
    (S.join_page_chunks, "具体要求\n2、加强领导。"),
    (S.join_page_chunks, "全县各级各部门要充分认识安全生产工作的重要性和紧迫性，切实增强责任感\n1、加强领导。"),
    # masks are kept as written
    (S.strip_pinyin_glosses, "XX区(xx)应急管理局"),
    (S.strip_pinyin_glosses, "计划(试行)和方案(含燃气终端)"),
    (S.normalise_width, "(责任单位:区委宣传部、区安委办)，“三项岗位”。"),
    (S.to_simplified, "安全生产监管责任制落实到位,进一步压实责任"),
    (S.fix_lost_separators, "罚款3.4万元,2.5亿元"),
    (S.restore_garbled, "区委、区政府高度重视安全生产工作。"),
    (S.remove_site_chrome, "严格落实来源管控,下载的数据要及时上报。"),
    (S.remove_hidden_notices, "此处隐患已整改"),
    (S.normalise_newlines, "Россия"),
    (S.rewrap_hard_breaks, "一、总体要求\n坚持安全第一。\n二、主要任务\n加强监管。"),
])
def test_step_must_not_change(fn, text):
    assert step(fn, text) == text


def test_masked_values_kept():
    assert clean_text("XX区应急管理局排查隐患xx处,*名区级领导,xxxx年") == "XX区应急管理局排查隐患xx处,*名区级领导,xxxx年"


def test_hard_line_breaks_rejoined():
    body = "全县各级各部门要充分认识安全生产工作的重要性和紧迫" "\n性,切实增强做好安全生产工作的责任感和使命感,认真参" "\n与者要积极配合各项检查工作,确保安全生产形势稳定好" "\n转,坚决遏制重特大事故的发生,为全县经济社会发展创造" "\n良好的安全环境。"
    out = clean_text(body)
    assert "紧迫性" in out and "参与者" in out and "\n" not in out


def test_offset_map_leads_back():
    raw = "您好,欢迎访问某文库!\n區(qū)安監局排查隱患9542處。\n---此处隐藏10字,下载后查看---\n一是加強。"
    m = run_steps(raw)
    assert m.text == "区安监局排查隐患9542处。\n一是加强。"
    assert len(m.origin) == len(m.text)
    assert list(m.origin) == sorted(m.origin)
    i = m.text.index("9542")
    assert raw[m.origin[i]:m.origin[i] + 4] == "9542"
    j = m.text.index("一是")
    assert raw[m.origin[j]:m.origin[j] + 2] == "一是"


def test_flags_carry_spans():
    from pipeline.api import extract
    from conftest import SAMPLES

    doc = extract(SAMPLES / "004_292e0180c7549e92.txt")
    hidden = [f for f in doc.flags if f.code == "hidden_text"]
    assert hidden and "4896" in hidden[0].message
    s, e = hidden[0].span
    assert s == e  # the notice is gone from the text: the flag marks the place it was
    assert doc.text[s - 8:s].endswith("安心过冬。\n") or doc.text[s - 8:s].endswith("安心过冬。")
    assert doc.text[s:].lstrip("\n").startswith("一是坚决守牢")


# chrome inside a line, by kind (lines of the corpus' web copies, and text that looks alike but is the document's)
@pytest.mark.parametrize(("before", "after"), [
    ("会后,刘海波一行还实地检查了镇农贸市场。【打印本页】【关闭窗口】", "会后,刘海波一行还实地检查了镇农贸市场。"),
    ("发布日期:2024-05-10 信息来源:县应急管理局 字号:[大][中][小]", "发布日期:2024-05-10 信息来源:县应急管理局"),
    ("【字体:大 中 小】\n各乡镇要加强值守。", "\n各乡镇要加强值守。"),
    ("(未完,全文共1772字,当前显示432字)", ""),
    ("加强隐患排查。……(公文秘书网http://gwms365.cn省略449字,正式会员方可阅读全文)……", "加强隐患排查。"),
    ("开展应急演练……此处省略826字", "开展应急演练……"),
    ("第1页共5页", ""),
    ("<h3>9月3日下午,召开防风防汛工作部署会。</h3>", "9月3日下午,召开防风防汛工作部署会。"),
    (".nav{color:#333;} body{margin:0}\n一、总体要求", "\n一、总体要求"),
    ("【\n大\n中\n小】", "\n\n\n"),
])
def test_inline_chrome_removed(before, after):
    assert step(S.remove_inline_chrome, before) == after


@pytest.mark.parametrize("text", [
    "扶持中小企业和大中小学校开展消防安全教育。",
    "全文共分三章,第一章总则。",
    "时间:8:30-9:00,地点:三楼会议室。",
    "认真阅读全文,领会精神实质。",
    "(县应急管理局牵头,各乡镇配合)",
    "扩大【1】号仓库的覆盖范围",
])
def test_inline_chrome_leaves_content(text):
    assert step(S.remove_inline_chrome, text) == text


@pytest.mark.parametrize(("before", "after"), [
    ("住房和城鄉(xiāng)建設(shè)部", "住房和城鄉建設部"),
    ("區 (qū)域[jiān]督〔dū〕", "區域督"),  # a space before the gloss, other brackets
    ("應(ying1)急(ji2)管", "應急管"),  # tone numbers
    ("區(qū)縣(xiàn)鄉(xiāng)鎮(zhen)", "區縣鄉鎮"),  # toneless, in a text glossed with tones
])
def test_pinyin_gloss_variants(before, after):
    assert step(S.strip_pinyin_glosses, before) == after


def test_toneless_brackets_alone_are_kept():
    assert step(S.strip_pinyin_glosses, "乡镇(zhen)和区(a)") == "乡镇(zhen)和区(a)"


def test_inline_chrome_through_the_whole_cleaner():
    raw = "会后,刘海波一行还实地检查了镇农贸市场。\n【打印本页】\u3000\u3000【关闭窗口】\n"
    assert clean_text(raw) == "会后,刘海波一行还实地检查了镇农贸市场。"


@pytest.mark.parametrize(("stem", "joined", "items"), [
    # a document-sharing copy whose page counters 2、 and 3、 cut 事故 and 组长, each alone at its page's start
    ("2006_xiaao_xian_2020_yuye_chuanbo_shuishang_jiaotong_anquan_zhuanxiang_zhengzhi_fangan_wenku",
     ["坚决遏制较大以上水上交通事故。", "由分管副县长任组长，领导小组办公室"], []),
    # real items after headings without a full stop, and after finished sentences: kept as items
    ("pair03_plan", [], ["4、完善镇消防专项规划", "6、加强火灾隐患排查整治力度", "9、抓好镇专职消防队建设"]),
    ("514_fanwenbaba_qu_qingming_senlin_fanghuo_fangan", [], ["2、市、区森林防火指挥部联合发出", "4、3月21日下午召开"]),
])
def test_page_counters_of_real_documents(stem, joined, items):
    from conftest import CORPORA

    out = clean_text(next(CORPORA.rglob(f"{stem}.txt")).read_text("utf-8"))
    lines = out.split("\n")
    assert all(j in out for j in joined)
    assert not any(S._CHUNK.match(line) for line in lines) if joined else True
    assert all(any(line.startswith(it) for line in lines) for it in items)


# -- a running header seen once, inside a sentence the page break cut ------------------------------------------
_OPEN = "各县（市、区）安委会要立即组织开展一次安全生产大检查，对辖区内道路交通、建筑施工、非煤矿山、人员密集场所"


def test_a_header_after_a_page_number_that_cuts_a_sentence_goes():
    """A two-page copy has one page break, so its header is seen once: it goes where it cuts a sentence."""
    text = ("某县安全生产委员会文件\n关于印发成员单位职责的通知\n" + "一、总则\n" * 8 + _OPEN + "\n— 2 —\n"
            "某县安委会成员单位安全生产工作职责\n进行全面排查，检查情况于11月中旬前报县安委办。\n")
    out = clean_text(text)
    assert "人员密集场所进行全面排查" in out.replace("\n", "") and "成员单位安全生产工作职责" not in out


def test_the_letterhead_copied_into_a_sentence_goes_and_the_signature_stays():
    """The issuer's letterhead repeated where a page broke (its page number lost) goes; the same name as the
    signature, after a finished sentence or an 附件 line and before the date, stays, as does its first copy."""
    head = "沧澜市安全生产委员会办公室"
    text = (head + "\n沧安办〔2009〕47号\n关于全市生产安全事故情况的通报\n" + "一、总体情况良好。\n" * 8 + "— 1 —\n"
            "二、存在的主要问题较多。\n" + _OPEN + "\n" + head + "\n进行全面排查，检查情况于11月中旬前报市安委办。\n"
            "附件：2009年1—9月全市生产安全事故情况统计表\n" + head + "\n2009年10月12日\n")
    out = clean_text(text)
    assert out.startswith(head) and out.count(head) == 2 and out.rstrip().endswith(head + "\n2009年10月12日")
    assert "人员密集场所进行全面排查" in out.replace("\n", "")


def test_real_two_page_copies_lose_their_single_header():
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent / "corpora"
    for stem, gone, joined in [
            ("train18a/8101_lichuan_xian_anweihui_2015_chengyuan_danwei_zhize_pdf", "澧川县安委会成员单位安全生产工作职责",
             "施工安全监管，每月对在建工地"),
            ("train18b/8211_canglan_shi_anweiban_2009_1_9yue_shengchan_anquan_shigu_tongbao_pdf", None,
             "人员密集场所进行全面排查")]:
        out = clean_text((root / f"{stem}.txt").read_text("utf-8"))
        assert joined in out.replace("\n", ""), stem
        if gone:
            assert gone not in out, stem


def test_an_items_enclosed_numeral_is_no_garbage():
    """heldout24/2411's shape: ① and ② opening items (…以下工作：\n①第三季度完成…；\n②6月份组织…) are item numbers, not
    byte-garbled runs: no garbled_text flag (the structure read them as garbled markers, which cut the items from
    their phase heading); a run of suspicious characters that no shift restores is still flagged."""
    text = "市安监局重点做好以下工作：\n①第三季度完成全市零售网点布局规划调整；\n②6月份组织从业人员安全培训。"
    m = S.restore_garbled(Mapped.of(text))
    assert m.text == text and not [f for f in m.flags if f[0] == "garbled_text"]
    m = S.restore_garbled(Mapped.of("加强管理。\nㄎ①┥工作"))
    assert [f for f in m.flags if f[0] == "garbled_text"]
