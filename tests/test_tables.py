"""Task tables as copies deliver them (SPEC §3, §4, §8): tables with bars, rows the copy left short
(merged cells), and tables flattened to one cell per line without bars. Real corpus documents,
through the rules (``rule_tasks`` on the structured document)."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.extraction.tasks import _space_lists, _table_tasks, _Builder, rule_tasks
from pipeline.run import extract

CORPORA = Path(__file__).resolve().parent.parent / "corpora"


def _tasks(rel: str):
    doc = extract(str(CORPORA / rel), until="structure")
    return doc, rule_tasks(doc)


def _by_text(tasks, start: str):
    hits = [t for t in tasks if t.text.startswith(start)]
    assert hits, f"no task starts with {start!r}: {[t.text[:20] for t in tasks]}"
    return hits[0]


def _units(task):
    return [(u.name, u.role) for u in task.units]


def test_flattened_target_table_rows():
    """dev/210: 项目 / 分值 / 目标任务 / 监考单位, one cell per line, group labels, merged cells."""
    doc, tasks = _tasks("dev/210_deyang_jingyang_2016_mubiao_renwu_fenjiebiao.txt")
    rows = [t for t in tasks if "\n" not in t.text and t.units]
    assert len(rows) >= 24
    first = _by_text(tasks, "地区生产总值增长率")
    assert first.text == "地区生产总值增长率 年终根据全省平均水平综合考核"  # indicator and target, joined by a space
    assert _units(first) == [("区发改局", "responsible"), ("区统计局", "responsible")]  # names run together
    # a row whose target and unit cells the copy merged into the row above takes them from it
    merged = _by_text(tasks, "社会消费品零售总额增长率")
    assert merged.text == "社会消费品零售总额增长率 年终根据全省平均水平综合考核"
    assert _units(merged) == [("区商务局", "responsible"), ("区统计局", "responsible")]
    assert _by_text(tasks, "新引进 5 亿元以上重大项目").text == "新引进 5 亿元以上重大项目 9"
    assert _units(_by_text(tasks, "创新创业孵化载体")) == [("区科技局", "responsible")]
    # group labels (宏观调控, 公共服务) are no tasks
    assert not any(t.text.startswith(("宏观调控", "公共服务")) for t in tasks)


def test_flattened_table_with_coordination_column():
    """dev/201: 工作任务 / 进度要求 / 工作统筹 / 责任单位, the page cut inside the 工作统筹 cell."""
    doc, tasks = _tasks("dev/201_cqjiangjin_2025_zaihai_fangzhi_renwuqingdan.txt")
    row = _by_text(tasks, "制定党政领导干部防灾减灾救灾工作的职责清单")
    assert row.text.endswith("列入党政领导干部培训内容。")  # the cell only, not the marker or the next cells
    assert _units(row) == [("区防减救灾委", "lead")]  # 统筹 is lead (SPEC §8)
    assert [(d.kind, d.date) for d in row.deadlines] == [("by_date", "2025-12-31")]


def test_short_rows_of_a_bar_table():
    """dev/202: six columns, rows short of their merged first cells, a continuation row without its 时限."""
    doc, tasks = _tasks("dev/202_zjchangxing_tuying_fangxun_sanqingdan_biaoge.txt")
    assert _table_tasks(_Builder(doc, light=True))
    row = _by_text(tasks, "明确应消站的防汛工作职责")  # the 任务清单 cell, not the 工作指标 one before it
    assert _units(row) == [("应消站", "responsible")]
    assert [d.kind for d in row.deadlines] == ["range"] and row.deadlines[0].start is None  # 4月, year unknown
    cont = _by_text(tasks, "结合辖区实际")
    assert _units(cont) == [("农村办", "responsible"), ("规划建设办", "responsible"), ("国土所", "responsible"),
                            ("村(社区)", "responsible")]
    assert [d.raw for d in cont.deadlines] == ["4月"]  # the 时限 cell merged with the row above
    assert not any(t.text.startswith("乡镇(街道、园区)党政主要负责人") for t in tasks)  # 工作指标 is no task


def test_flattened_table_cut_after_first_row():
    doc, tasks = _tasks("dev/505_mingyanjiaju_2025_zhongxue_fangnishui_fanti_biaoge.txt")
    row = _by_text(tasks, "举行一次国旗下主题教育")
    assert _units(row) == [("安全办", "responsible")]
    assert not any(t.text.startswith("序号") for t in tasks)


@pytest.mark.parametrize("rel, n_rows, start, units, raw", [
    ("heldout/h4_table_plan.txt", 10, "对辖区38家规模以上工业企业",
     [("镇应急办", "responsible"), ("镇综合行政执法队", "responsible")], "每月"),
    ("heldout2/k6_table_plan_rows.txt", 8, "开展城镇燃气安全专项排查整治",
     [("街道城建办", "lead"), ("街道市场监管所", "support"), ("各社区", "support")], "6月底前"),
    ("heldout3/m5_table_two_cols.txt", 7, "开展危险化学品运输车辆专项整治",
     [("县应急局", "lead"), ("县公安局", "support"), ("县交通运输局", "support")], "2025年6月底前"),
])
def test_bar_tables_keep_their_rows(rel, n_rows, start, units, raw):
    doc, tasks = _tasks(rel)
    rows = [t for t in tasks if any(d.raw == raw for d in t.deadlines) or t.units]
    assert len(rows) >= n_rows
    row = _by_text(tasks, start)
    assert _units(row) == units
    assert [d.raw for d in row.deadlines] == [raw]


def test_cell_name_lists():
    assert _space_lists("区发改局区统计局") == "区发改局、区统计局"
    assert _space_lists("区发改委区统计局") == "区发改委、区统计局"
    assert _space_lists("文化站 派出所工商质监所") == "文化站、派出所、工商质监所"
    assert _space_lists("区防减救灾委(防汛抗旱、") == "区防减救灾委"
    assert _space_lists("区委宣传部") == "区委宣传部"
    assert _space_lists("区水利和湖泊局") == "区水利和湖泊局"
    # a brigade's squad is one unit (heldout14/1404's 大队执勤中队, the fire brigade's own duty squad)
    assert _space_lists("大队执勤中队、县市场监管局") == "大队执勤中队、县市场监管局"
    assert _space_lists("消防大队特勤站") == "消防大队特勤站"


def test_target_table_with_bars_and_cover_notice():
    """heldout4/p03: 序号 | 指标 | 目标值 | 牵头单位 | 配合单位, and the cover notice's dated request before it."""
    doc, tasks = _tasks("heldout4/p03_qu_2021_anquan_mubiao_renwu_fenjiebiao.txt")
    row = _by_text(tasks, "道路交通事故死亡人数")
    assert row.text == "道路交通事故死亡人数 较上年下降8%以上"
    assert _units(row) == [("区公安分局交警大队", "lead"), ("区交通运输局", "support"), ("区教育局", "support")]
    cover = _by_text(tasks, "请各牵头单位于每季度末月25日前")
    assert {d.kind for d in cover.deadlines} == {"recurring", "by_date"}
    assert len([t for t in tasks if t.units and t.units[0].role == "lead"]) >= 11


def test_target_table_with_two_target_columns(tmp_path):
    """目标任务 | 目标值: with no work column, the first target column names the indicator, so each row's task is
    the indicator and its target joined by a space (SPEC §8), not the target value alone. Text written for the test."""
    f = tmp_path / "fenjie.txt"
    f.write_text("某县2025年安全生产目标任务分解表\n\n"
                 "序号 | 目标任务 | 目标值 | 牵头单位 | 配合单位 | 完成时限\n"
                 "1 | 较大生产安全事故起数 | 控制在1起以内 | 县应急管理局 | 县安委会各成员单位 | 12月底前\n"
                 "2 | 消防安全重点单位检查 | 全覆盖检查150家 | 县消防救援大队 | 各乡镇 | 11月底前\n", encoding="utf-8")
    doc = extract(str(f), until="structure")
    tasks = rule_tasks(doc)
    row = _by_text(tasks, "较大生产安全事故起数")
    assert row.text == "较大生产安全事故起数 控制在1起以内"
    assert _units(row) == [("县应急管理局", "lead"), ("县安委会各成员单位", "support")]
    assert _by_text(tasks, "消防安全重点单位检查").text == "消防安全重点单位检查 全覆盖检查150家"


def test_time_field_of_a_unit_parenthetical(tmp_path):
    """（牵头单位：…；配合单位：…；时限：…）: the time field gives the task its deadline though the parenthetical is left
    out of the task text, and a field that restates the text's own recurring deadline is that deadline, not a second
    one. Text written for the test."""
    f = tmp_path / "yaodian.txt"
    f.write_text("某区2025年安全生产工作要点\n\n"
                 "1．修订成员单位安全生产工作职责清单。（牵头单位：区安委办；配合单位：区司法局；时限：2025年4月底前）\n"
                 "2．区安委会每季度至少召开1次全体会议。（牵头单位：区安委办；时限：每季度）\n", encoding="utf-8")
    doc = extract(str(f))
    first, second = doc.tasks
    assert first.text == "修订成员单位安全生产工作职责清单。"
    assert [(d.kind, str(d.date)) for d in first.deadlines] == [("by_date", "2025-04-30")]
    assert [(d.kind, d.freq, d.min_count) for d in second.deadlines] == [("recurring", "quarter", 1)]


def test_an_inspection_groups_table_reads_its_object_column_as_the_work(tmp_path):
    """组别 | 检查对象 | 牵头单位 | 配合单位 | 检查时间, flattened with spaces (heldout24/2408's shape): each group's row is a
    task whose text is what it inspects, with its lead and support units and its dates; the group's name is no unit.
    Text written for the test."""
    f = tmp_path / "groups.txt"
    f.write_text("关于开展2024年汛期安全生产专项检查的通知\n\n各街道：\n分组安排如下：\n"
                 "组别      检查对象                    牵头单位      配合单位          检查时间\n"
                 "第一组    危险化学品生产储存企业（14家）      区应急局      区消防救援站      6月3日至6月7日\n"
                 "第二组    在建工程项目及深基坑（9个）        区住建局      区应急局          6月11日至6月14日\n",
                 encoding="utf-8")
    doc = extract(str(f), until="structure")
    tasks = rule_tasks(doc)
    first = _by_text(tasks, "危险化学品生产储存企业")
    assert _units(first) == [("区应急局", "lead"), ("区消防救援站", "support")]
    assert [(d.kind, d.start, d.end) for d in first.deadlines] == [("range", "2024-06-03", "2024-06-07")]
    assert _units(_by_text(tasks, "在建工程项目")) == [("区住建局", "lead"), ("区应急局", "support")]


def test_rows_a_pdf_wrapped_over_lines_are_one_row_each():
    """train19a/9102: a PDF's numbered table whose cells wrapped (…隐患台 / 账。 | 市住建局（牵头）… | 5月底前; a unit
    cut in its bracket, 市委宣传部（牵 / 头）、…): each row keeps its own units and time, none takes the next row's."""
    doc, tasks = _tasks("train19a/9102_ganlan_shi_anweihui_2021_chengzhen_ranqi_anquan_zhuanxiang_zhengzhi_zerenfengong_pdf.txt")
    first = _by_text(tasks, "全面摸排全市燃气经营企业")
    assert first.text.replace("\n", "").endswith("建立燃气安全隐患台账。")
    assert _units(first) == [("市住建局", "lead"), ("市市场监管局", "responsible"), ("市应急局", "responsible")]
    assert [d.raw for d in first.deadlines] == ["5月底前"]
    fifth = _by_text(tasks, "加强燃气安全宣传")
    assert _units(fifth) == [("市委宣传部", "lead"), ("市住建局", "responsible"), ("市城管局", "responsible")]
    sixth = _by_text(tasks, "对燃气事故隐患突出的企业")
    assert _units(sixth) == [("市应急局", "lead"), ("市住建局", "responsible"), ("市市场监管局", "responsible")]


def test_a_phase_column_is_no_unit_and_a_place_s_collective_is_one(tmp_path):
    # a schedule table: the phase's name (动员部署) ends like an office (署) but is a verb; the unit column holds a
    # park's collective (园区各化工企业)
    f = tmp_path / "plan.txt"
    f.write_text("园区危险化学品安全风险集中治理方案\n\n三、进度安排\n阶段        时间                工作内容                              责任单位\n"
                 "动员部署    2023年3月           制定企业治理方案,完成风险辨识        园区各化工企业\n"
                 "集中治理    2023年4月至10月     对照清单逐项整改,园区组织交叉检查    园区应急环保局\n", "utf-8")
    doc = extract(str(f), until="structure")
    tasks = rule_tasks(doc)
    assert _units(_by_text(tasks, "制定企业治理方案")) == [("园区各化工企业", "responsible")]
    assert _units(_by_text(tasks, "对照清单逐项整改")) == [("园区应急环保局", "responsible")]


@pytest.mark.parametrize("rel, work, done", [
    # a 问题 | 整改措施及时限 | 责任单位 table (train22b/2216): the measures cell is the work, though its header also
    # names the time
    ("train22b/2216_quanchuan_xian_shimen_zhen_2019_ducha_fankui_wenti_zhenggai_baogao_wangye.txt",
     ["镇安监站督促企业安装除尘设施", "镇财政所安排资金5万元补充储备"], []),
    # rows whose time or progress cell says they are done (已完成, 已整改, 已完成整改) are reported, not assigned
    # (train16l/7202, heldout9/907, train22d/2241: three writers, the same reading)
    ("train16l/7202_minchuan_xian_2021_zhuanxiang_zhengzhi_ducha_wenti_zhenggai_taizhang.txt",
     ["修订乡镇安全生产权责清单", "全面清查储备物资"], ["督促企业委托有资质机构完成检测", "督促2家企业按规定配齐"]),
    ("heldout9/907_ruyang_shi_zhujianju_2025_jianzhu_shigong_ducha_wenti_zhenggai_qingdan.txt",
     ["督促建设单位委托第三方监测机构"], ["督促施工单位按照规范整改临时用电线路"]),
])
def test_a_rectification_list_reads_its_measures_and_leaves_out_the_rows_done(rel, work, done):
    _, tasks = _tasks(rel)
    for start in work:
        _by_text(tasks, start)
    for start in done:
        assert not any(t.text.startswith(start) for t in tasks), start
