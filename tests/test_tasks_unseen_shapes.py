"""Shapes that fell through on documents nobody had seen (issue 7, session 16): the candidates they need.

A missing candidate can never be learned, so each test writes a small document of the shape (made-up words, not
a corpus document) and checks that the task's words are a candidate, or that the table rules read the rows.
"""

from pipeline.extraction.tasks import task_candidates
from conftest import best_candidate, doc_of


_doc, _best = doc_of, best_candidate


def test_a_table_whose_header_cells_are_in_decorative_brackets_gives_one_task_per_row(tmp_path):
    text = ("西湖镇汛期安全检查工作方案\n一、检查安排\n"
            "『序号』\t『检查内容』\t『责任单位』\t『完成时间』\n"
            "1\t镇区排水管网和低洼易涝点的疏通情况\t镇建设办、镇城管中队\t6月10日前\n"
            "2\t山塘水库的巡查值守和应急预案\t镇水利站\t6月20日前\n"
            "二、工作要求\n各村要于每周一将检查情况报镇应急办。\n")
    doc = _doc(tmp_path, text, until="extract")
    texts = [t.text for t in doc.tasks]
    assert "镇区排水管网和低洼易涝点的疏通情况" in texts and "山塘水库的巡查值守和应急预案" in texts
    row = next(t for t in doc.tasks if t.text.startswith("山塘水库"))
    assert [u.name for u in row.units] == ["镇水利站"] and row.deadlines[0].raw == "6月20日前"


def test_table_rows_that_lost_a_bar_to_a_space_keep_their_columns(tmp_path):
    """`序号 工作任务 | 责任科室 | 完成时限` (a full-width space where the copy lost a bar): the item number is no task,
    and a unit name glued to the words after a space is the row's unit."""
    text = ("某市交通局2024年安全生产重点任务清单\n"
            "序号　工作任务　　　　　　　　　　　　　　责任科室　　　　　　完成时限\n"
            "1　　开展客运站安全隐患专项排查整治　　　　运输管理科　　　　　6月底前\n"
            "2　　组织危险货物运输企业负责人培训，培训不少于200人次 安全监督科　　10月底前\n"
            "3　　完成国省道临水临崖路段护栏改造　　　　公路养护中心　　　　年底前\n")
    doc = _doc(tmp_path, text, until="extract")
    by_text = {t.text: t for t in doc.tasks}
    assert "开展客运站安全隐患专项排查整治" in by_text, list(by_text)
    assert "组织危险货物运输企业负责人培训，培训不少于200人次" in by_text, list(by_text)
    assert [u.name for u in by_text["组织危险货物运输企业负责人培训，培训不少于200人次"].units] == ["安全监督科"]
    assert not any(t.text.strip().isdigit() for t in doc.tasks)


def test_a_row_with_bars_whose_table_is_not_read_is_still_a_candidate(tmp_path):
    """A phase table (阶段 | 时间 | 主要工作) has no unit column: the rules read no table, but each row's work is a
    candidate for the model."""
    text = ("城关镇燃气安全排查方案\n"
            "阶段 | 时间 | 主要工作\n"
            "动员部署 | 4月 | 召开全镇燃气安全排查动员会，印发排查工作方案\n"
            "集中排查 | 5月至7月 | 对全镇餐饮场所和瓶装液化气用户逐户开展入户检查\n")
    cands = task_candidates(_doc(tmp_path, text))
    sim, sources = _best(cands, "对全镇餐饮场所和瓶装液化气用户逐户开展入户检查")
    assert sim == 1.0 and "cell" in sources


def test_a_commitment_clause_without_its_actor_is_a_candidate_with_and_without_the_clause_before(tmp_path):
    """A report's commitments mid-paragraph (…，计划于8月底前…; …，年底前还将…): the clause where the commitment
    starts, and the one before it (whose subject it continues), are both candidates."""
    text = ("青石镇2024年上半年安全生产工作总结\n"
            "一、隐患排查\n"
            "上半年共排查企业212家，发现隐患460处，已整改431处，其余29处正在整改，计划于9月底前全部整改到位。"
            "镇区新建微型消防站3个，年底前还将在其余5个村建成微型消防站。\n")
    cands = task_candidates(_doc(tmp_path, text))
    assert _best(cands, "其余29处正在整改，计划于9月底前全部整改到位。")[0] == 1.0
    assert _best(cands, "年底前还将在其余5个村建成微型消防站。")[0] == 1.0


def test_an_item_whose_sentence_is_wrapped_over_lines_is_a_candidate_with_its_first_line(tmp_path):
    """A notice copied from a phone screen breaks lines inside sentences; the structure takes the item's first
    line for its heading, but a line ending in a comma is the start of the task's words."""
    text = ("关于做好国庆期间安全防范工作的紧急通知\n"
            "各村、镇直各单位：\n"
            "①各村要立即组织网格员开展巡查，\n"
            "对出租房屋和小作坊逐户检查，\n"
            "发现隐患当场督促整改。\n"
            "②镇应急办要在9月28日前\n"
            "完成应急物资的清点补充。\n")
    cands = task_candidates(_doc(tmp_path, text))
    sim, sources = _best(cands, "各村要立即组织网格员开展巡查，对出租房屋和小作坊逐户检查，发现隐患当场督促整改。")
    assert sim == 1.0, sources


def test_multi_level_numbers_and_article_numbers_are_not_the_tasks_words(tmp_path):
    text = ("某化工园区安全风险管控方案\n"
            "2.1 风险分级管控\n"
            "2.1.1 园区安监处负责组织对园区企业开展安全风险评估，6月底前形成评估报告。\n"
            "第五条 被考核单位于每年12月10日前将自查报告报园区安委办。\n")
    cands = task_candidates(_doc(tmp_path, text))
    texts = {t.text for t, _ in cands}
    assert "园区安监处负责组织对园区企业开展安全风险评估，6月底前形成评估报告。" in texts
    assert "被考核单位于每年12月10日前将自查报告报园区安委办。" in texts


def test_inline_items_and_paragraphs_inside_html_residue_are_candidates(tmp_path):
    """A web copy whose HTML the cleaner left (`<h3>…</h3><h3>会议要求,一是…;二是…`): block tags end paragraphs,
    and each 一是/二是 item is a candidate of its own kind."""
    text = ("某镇召开防汛工作部署会\n"
            "<h3>  6月3日,某镇召开防汛工作部署会,镇领导班子成员参加会议。</h3><h3>  会议要求,一是把防汛责任制全面落到实处,"
            "执行领导带班制度;二是各村要对低洼地段群众提前做好转移安置准备;三是加大对水库、河道的巡查力度,确保安全度汛。</h3>\n")
    cands = task_candidates(_doc(tmp_path, text))
    items = [t.text for t, info in cands if "inline_item" in info["sources"]]
    assert "各村要对低洼地段群众提前做好转移安置准备;" in items
    assert not any("<h3>" in t.text or "</h3>" in t.text for t, info in cands if "para" in info["sources"])


def test_forward_sentences_duties_and_counted_work_are_marked():
    from pipeline.learn.tasks import features

    def f(text, **kw):
        return features({"text": text, "sources": ["sent"], "doc_type_proba": {"report": 1.0}, **kw})

    commit = f("街道将在7月份对各社区责任落实情况开展一次考评。", n_deadlines=1)
    assert commit["fwd_sent_when"] == 1.0 and commit["fwd_sent_when&report"] == 1.0
    assert "fwd_sent" not in f("街道已在6月份对各社区开展了考评。")
    duty = features({"text": "负责调集应急运输车辆，保障救援人员和物资运输。", "sources": ["label_unit"],
                     "doc_type_proba": {"other": 1.0}})
    assert duty["duty"] == 1.0 and duty["duty&label_unit"] == 1.0 and duty["duty&other"] == 1.0
    assert f("县工商局负责查处无照经营行为。")["duty"] == 1.0
    assert "duty" not in f("今年以来全县未发生较大事故。")
    done = f("全年累计检查单位5126家，督促整改火灾隐患7683处，临时查封场所41家。")
    assert done["done_counted"] == 1.0 and "fwd_sent" not in done



def test_an_item_closed_by_a_time_field_is_a_candidate_without_it(tmp_path):
    """heldout22/2210 (a member units' task list): `4.新建小型消防站5个。（完成时限：2024年12月底前）` — the time field
    closes the item as a unit parenthetical does (SPEC §3: the task's own words), and its time is the deadline; a short
    item whose body is only the field is its heading with it."""
    text = ("某市安委会成员单位2024年重点工作任务清单\n"
            "一、市消防救援支队\n"
            "1.开展高层建筑消防安全综合治理，完成高层住宅消防设施排查。（完成时限：2024年6月底前）\n"
            "2.新建小型消防站5个。（完成时限：2024年12月底前）\n"
            "二、市公安局\n"
            "1.开展道路交通安全“百日攻坚”行动，严查“三超一疲劳”和酒驾醉驾等违法行为。（5月至8月）\n"
            "2.加强民用爆炸物品运输安全管理（含2024年春节期间）\n")
    cands = {t.text: info for t, info in task_candidates(_doc(tmp_path, text))}
    for words, raw in (("开展高层建筑消防安全综合治理，完成高层住宅消防设施排查。", "2024年6月底前"),
                       ("新建小型消防站5个。", "2024年12月底前"),
                       ("开展道路交通安全“百日攻坚”行动，严查“三超一疲劳”和酒驾醉驾等违法行为。", "5月至8月")):
        assert words in cands, list(cands)
        assert [d.raw for d in cands[words]["pending"][1]] == [raw]
        assert "leaf" in cands[words]["sources"]
    assert "加强民用爆炸物品运输安全管理" not in cands  # a parenthetical that is not all time stays the task's words


def test_a_rectification_ledger_row_offers_its_measure_not_its_longer_fault(tmp_path):
    """A ledger with bars and no unit column (序号 | 企业名称 | 隐患内容 | 整改措施 | 完成时限): the rules read no table,
    and the row's longest cell is the fault; the header names 整改措施 the work (the last content column, as in a
    task table), so that cell is the candidate, marked ``work_col``, with the time column's deadline."""
    text = ("南湖工业园区隐患整改情况报告\n"
            "剩余隐患整改台账如下：\n"
            "序号 | 企业名称 | 隐患内容 | 整改措施 | 完成时限\n"
            "1 | 南湖建材有限公司 | 粉碎车间除尘系统风管积尘严重且未设置泄爆装置 | 清理风管并加装泄爆片 | 9月30日前\n"
            "2 | 恒远化工有限公司 | 甲类仓库与办公楼防火间距不足，仓库内违规堆放杂物 | 迁移仓库 | 年底前\n")
    cands = task_candidates(_doc(tmp_path, text))
    sim, sources = _best(cands, "清理风管并加装泄爆片")
    assert sim == 1.0 and {"cell", "work_col"} <= set(sources)
    sim, sources = _best(cands, "迁移仓库")  # short words: the header, not the length, makes it the work
    assert sim == 1.0 and "work_col" in sources
    task = next(t for t, _ in cands if t.text == "清理风管并加装泄爆片")
    assert [d.raw for d in task.deadlines] == ["9月30日前"]
    assert not any("粉碎车间除尘系统" in t.text and "cell" in info["sources"] for t, info in cands)


def test_an_item_whose_body_is_only_its_term_is_its_heading_and_term(tmp_path):
    """A 指令书's short fault (当班电工未持证上岗。) reads as the item's heading, and its body is only the term
    (整改期限：立即整改。): the item's words are the heading and the term together, as with a time parenthetical."""
    text = ("某县应急管理局\n责令限期整改指令书\n"
            "某某化工有限公司：\n经查，你单位存在下列问题：\n"
            "1.当班电工未持证上岗。整改期限：立即整改。\n"
            "2.厂区东侧消防车通道被原料桶占用，应急照明灯损坏3处。整改期限：2021年6月5日前。\n"
            "某县应急管理局\n2021年5月10日\n")
    cands = task_candidates(_doc(tmp_path, text))
    sim, sources = _best(cands, "当班电工未持证上岗。整改期限：立即整改。")
    assert sim == 1.0 and "leaf" in sources


def test_a_report_table_of_work_done_names_no_work_column(tmp_path):
    """工作任务 | 完成情况 (a report's table of what was done) has no time column: its rows keep the plain cell
    candidate, not marked ``work_col``."""
    text = ("某区应急管理局第三季度工作总结\n"
            "序号 | 工作任务 | 完成情况\n"
            "1 | 开展危险化学品企业专项检查 | 已检查企业42家，发现隐患116处，已全部整改\n")
    cands = task_candidates(_doc(tmp_path, text))
    assert not any("work_col" in info["sources"] for _, info in cands)
