"""Unit parentheticals whose label is one of a family (责任股室, 牵头科室, 配合处室 …), the bare time they may hold
(（责任股室：综合协调股，10日前）: the task's deadline, read with the monthly plan's month), and the addressee a letter
hands its list to (…现予以督办。请你县： then 一、… 二、…).

The documents are corpus files with gold; the expectations are their gold units and deadlines.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline import extract
from pipeline.extraction.units import _intro_units, parse_unit_clause

CORPORA = Path(__file__).resolve().parents[1] / "corpora"


def _units(content: str) -> list[tuple[str, str]] | None:
    found = parse_unit_clause(content)
    return None if found is None else [(u.name, u.role) for u in found]


@pytest.mark.parametrize("content, expected", [
    ("责任股室：综合协调股，10日前", [("综合协调股", "responsible")]),
    ("责任科室：安监科，月底前", [("安监科", "responsible")]),
    ("牵头科室：执法科；配合科室：法规科、综合科", [("执法科", "lead"), ("法规科", "support"), ("综合科", "support")]),
    ("牵头股室：应急指挥中心；配合单位：县林业局", [("应急指挥中心", "lead"), ("县林业局", "support")]),
    ("协办处室：规划处", [("规划处", "support")]),
    ("责任股室：应急救援股牵头，县消防救援大队配合，25日前", [("应急救援股", "lead"), ("县消防救援大队", "support")]),
    # a person's label is a field, not a unit (SPEC §8: people are not units)
    ("责任领导：A同志；牵头单位：区发改局", [("区发改局", "lead")]),
    ("责任部门：质安科，长期坚持", [("质安科", "responsible")]),
])
def test_a_label_family_names_the_units(content, expected):
    assert _units(content) == expected


@pytest.mark.parametrize("content, expected", [
    ("牵头：省工业和信息化厅；配合：省应急管理厅、省自然资源厅",
     [("省工业和信息化厅", "lead"), ("省应急管理厅", "support"), ("省自然资源厅", "support")]),
    ("牵头：省发展改革委、省应急管理厅", [("省发展改革委", "lead"), ("省应急管理厅", "lead")]),
    ("牵头：省应急管理厅宣教中心", [("省应急管理厅宣教中心", "lead")]),
    ("牵头： 区住建局 配合：区消防大队", [("区住建局", "lead"), ("区消防大队", "support")]),
    ("配合：各村（社区）", [("各村（社区）", "support")]),
])
def test_a_role_word_alone_before_a_colon_is_a_label(content, expected):
    # (牵头：X；配合：Y): the label's office noun left out; without it 省工业和信息化厅 lost its head to the colon
    assert _units(content) == expected


@pytest.mark.parametrize("content", ["落实单位主体责任", "督促各责任单位整改", "2023年11月",
                                     "主办：盘溪县人民政府办公室　承办：盘溪县大数据中心", "由区应急局牵头：每月调度一次"])
def test_words_that_only_hold_a_label_word_are_no_unit_clause(content):
    assert _units(content) is None


def _by_text(record: dict) -> dict[str, dict]:
    return {t["text"]: t for t in record["tasks"]}


def _pairs(task: dict) -> tuple[set, set]:
    return ({(u["name"], u["role"]) for u in task["units"]},
            {(d["kind"], d["date"], d["start"], d["end"]) for d in task["deadlines"]})


def _check_gold(name: str, min_share: float) -> None:
    path = CORPORA / f"{name}.txt"
    gold = json.loads((CORPORA / f"{name}.gold.json").read_text("utf-8"))
    rec = extract(path)
    got = {t.text: t for t in rec.tasks}
    checked = agreed = 0
    for g in gold["tasks"]:
        t = next((x for k, x in got.items() if k.rstrip("。；;") == g["text"].rstrip("。；;")), None)
        if t is None:
            continue
        checked += 1
        units = {(u.name, u.role) for u in t.units}
        deadlines = {(d.kind, d.date, d.start, d.end) for d in t.deadlines}
        want_u = {(u["name"], u["role"]) for u in g["units"]}
        want_d = {(d["kind"], d["date"], d["start"], d["end"]) for d in g["deadlines"]}
        agreed += units == want_u and want_d <= deadlines
    assert checked >= 3
    assert agreed / checked >= min_share, (agreed, checked)


def test_a_plans_bare_role_labels_close_its_items():
    # 1.全面开展…全覆盖。（牵头：省应急管理厅危化处；配合：各市应急管理局）: lead and support, not the task's words
    _check_gold("heldout19/1911_xx_sheng_yingjiting_2019_weixian_huaxuepin_anquan_zonghe_zhili_gongzuo_yaodian_wangye", 0.85)


def test_a_monthly_plans_closers_give_units_and_their_bare_times():
    # 1.召开…工作。（责任股室：综合协调股，10日前）: 综合协调股, and 10日前 is 11-10 in the plan for November
    _check_gold("heldout18/1807_taoyu_xian_yingjiju_2023_11yue_anquan_shengchan_gongzuo_jihua", 0.85)


def test_the_closers_time_is_a_deadline_of_the_task():
    rec = extract(CORPORA / "heldout18/1807_taoyu_xian_yingjiju_2023_11yue_anquan_shengchan_gongzuo_jihua.txt")
    first = next(t for t in rec.tasks if "第四季度安全生产形势分析会" in t.text)
    assert "责任股室" not in first.text
    assert [u.name for u in first.units] == ["综合协调股"]
    assert ("by_date", "2023-11-10") in {(d.kind, d.date) for d in first.deadlines}


@pytest.mark.parametrize("line, expected", [
    ("以上问题暴露出你县部分行业主管部门监管不到位。现予以督办。请你县：", ["你县"]),
    ("请你单位：", ["你单位"]),
    ("请你公司于收到本通知后：", ["你公司"]),
    ("请县应急局、县住建局：", ["县应急局", "县住建局"]),
    ("各乡镇要重点做好以下工作：", ["各乡镇"]),
    ("各单位要：", ["各单位"]),
    # people, and lines that name nobody, hand the list to no unit
    ("请各位组长：", []),
    ("现将有关事项通知如下：", []),
    ("具体要求如下：", []),
])
def test_the_addressee_of_a_list(line, expected):
    assert [u.name for u in _intro_units(line)] == expected


def test_a_letters_list_goes_to_its_addressee():
    # 督办函: …请你县： 一、立即组织… 二、举一反三… 三、对白沙镇…: each item is the county's (gold: 你县)
    rec = extract(CORPORA / "heldout18/1804_yunling_shi_anweiban_2025_yanmen_xian_duban_han.txt")
    items = [t for t in rec.tasks if t.text.startswith(("立即组织对上述问题", "举一反三", "对白沙镇违规经营"))]
    assert len(items) == 3
    assert all([u.name for u in t.units] == ["你县"] for t in items)


def _actor_names(text: str) -> list[str]:
    from pipeline.extraction.units import actors

    return [u.name for u in actors(text)]


@pytest.mark.parametrize("text, absent", [
    # the object of a verb that sets others to work is no actor (SPEC §8)
    ("推动各乡镇将消防安全纳入网格化管理，每季度至少开展1次消防安全检查。", "推动各乡镇"),
    ("县应急管理局负责做好扑火救援准备，组织县森林消防专业队在高火险区域集中驻防。", "组织县森林消防专业队"),
    ("对发生较大以上事故的，市安委会将一律挂牌督办，并约谈所在县（市、区）政府主要负责人。", "约谈所"),
    # a stretch that runs into a frequency or a count is no name
    ("网格员每周至少巡查所负责楼栋1次，重点看楼道、地下室。", "网格员每周至少巡查所"),
])
def test_objects_and_runaway_stretches_are_no_actors(text, absent):
    assert absent not in _actor_names(text)


def test_a_bare_closing_parenthetical_keeps_an_abbreviation_that_starts_with_jing():
    # 经发局 (经济发展局) is a name, not 经 (by way of) and a clause
    text = "建成园区安全风险智能化管控平台并投入运行，9月底前实现重点企业监测数据全接入。（经发局、安环局）"
    assert _actor_names(text) == ["经发局", "安环局"]
    assert _actor_names("经信局要加强工业企业安全监管。") == ["经信局"]


def test_a_records_unit_field_line_names_the_units_of_its_measure():
    # 整改措施：… then 责任单位：县安监局，各乡镇，县直各行业主管部门 on the next line (gold units)
    name = "heldout16/1611_pugang_xian_2017_sheng_anweihui_duchazu_fankui_yijian_zhenggai_fangan"
    gold = json.loads((CORPORA / f"{name}.gold.json").read_text("utf-8"))
    rec = extract(CORPORA / f"{name}.txt")
    want = next(t for t in gold["tasks"] if t["text"].startswith("组织对全县规模以上企业主要负责人"))
    got = next(t for t in rec.tasks if t.text.startswith("组织对全县规模以上企业主要负责人"))
    assert [u.name for u in got.units] == [u["name"] for u in want["units"]]


@pytest.mark.parametrize("text, expected", [
    # the issuer speaking of itself names no unit (SPEC §8): 街道将…, 我大队将…
    ("街道将在7月份对各社区责任落实情况开展一次考评，考评结果纳入年度综合考核。", []),
    ("你单位应当在改正期限届满前向我大队书面申请复查，逾期不申请的，我大队将依法予以处罚。", ["你单位"]),
    # written beside other units, the same word is one of them
    ("各乡镇、街道和相关部门要采取非常手段，制定森林防火工作方案。", ["各乡镇", "街道", "相关部门"]),
    # people are not units (SPEC §8)
    ("各组长要切实履行职责，带头开展检查。", []),
    ("市委常委要带头深入一线督导检查。", []),
    # bare places with a bracketed level sharing the last name's suffix are one unit (SPEC §8)
    ("各县(市)、区人民政府要继续对种粮农民实施直接补贴。", ["各县(市)、区人民政府"]),
])
def test_issuers_people_and_shared_place_lists(text, expected):
    assert _actor_names(text) == expected


@pytest.mark.parametrize("text, expected", [
    # a time taken for a name (1月底前全部…), a letter that stands for a masked name, a thing ordered to stop
    ("对剩余87处隐患，我局已逐一下达整改指令，将于明年1月底前全部督促整改到位。", []),
    ("区应急管理局要依法对企业违法行为立案查处，整改完成前责令相关生产装置停止使用。", ["区应急管理局"]),
    # a verb at the head of a stretch: its object is no actor
    ("协调市财政局在9月底前为11个乡镇配齐水罐消防车。", []),
    # people (护林员, 责任人) are no units
    ("各级护林员要严格按照网格巡山护林，每天巡护不少于1次。", []),
    # a stretch that took the next word's first character: 由市委宣传部部署 → 市委宣传部
    ("此项工作由市委宣传部部署,各新闻单位落实。", ["市委宣传部", "各新闻单位"]),
])
def test_times_things_verbs_and_runaway_characters_are_no_names(text, expected):
    assert _actor_names(text) == expected


def test_a_heading_that_names_a_committee_gives_its_items_their_unit():
    # 六、各县（市、区）安委会 over 1.… 2.…: the items are the committees' (gold units); 安委会 ends in 委会
    name = "heldout17/1712_meitan_shi_anweihui_2025_chengyuan_danwei_anquan_shengchan_zhongdian_gongzuo_renwu_qingdan"
    rec = extract(CORPORA / f"{name}.txt")
    items = [t for t in rec.tasks if t.text.startswith(("对照本清单", "每半年至少组织1次安全生产综合督查"))]
    assert len(items) == 2
    assert all([u.name for u in t.units] == ["各县（市、区）安委会"] for t in items)


@pytest.mark.parametrize("stem, task_start, expected", [
    # the bare role words before a colon label the names as 牵头单位 / 配合单位 do (gold of both documents)
    ("heldout19/1911_", "推动重大危险源在线监测预警系统建设", [("省应急管理厅科技信息化处", "lead")]),
    ("heldout19/1911_", "全面开展危险化学品重大危险源企业专项督查", [("省应急管理厅危化处", "lead"), ("各市应急管理局", "support")]),
    ("train16g/6703_", "4月30日前完成全县156个行政村", [("县气象局", "lead"), ("各乡镇人民政府", "support"), ("县财政局", "support")]),
])
def test_a_bare_role_word_labels_the_names_of_a_closing_parenthetical(stem, task_start, expected):
    """`…接入省级平台。（牵头：省应急管理厅科技信息化处）`, `（牵头：县气象局；配合：各乡镇人民政府、县财政局）`: 牵头 / 配合
    alone before the colon; the parenthetical closes the task, which takes its units and roles and not its words."""
    path = next(CORPORA.glob(f"{stem}*.txt"))
    task = next(t for t in extract(path).tasks if t.text.startswith(task_start))
    assert [(u.name, u.role) for u in task.units] == expected
    assert "牵头" not in task.text
    gold = json.loads(path.with_name(path.stem + ".gold.json").read_text("utf-8"))
    g = next(t for t in gold["tasks"] if t["text"].startswith(task_start))
    assert [(u["name"], u["role"]) for u in g["units"]] == expected
