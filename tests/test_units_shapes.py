"""Units in running text: shapes the rule finder (pipeline/extraction/units.py::rule_actors) learned from held-out misses.

Each text is a task text of a corpus gold file (quoted as written); the expected units are its gold units.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.extraction.units import rule_actors

CORPORA = Path(__file__).resolve().parents[1] / "corpora"


def _gold_units(name: str, starts: str) -> list[tuple[str, str]]:
    gold = json.loads((CORPORA / f"{name}.gold.json").read_text("utf-8"))
    task = next(t for t in gold["tasks"] if t["text"].startswith(starts))
    return [(u["name"], u["role"]) for u in task["units"]]


def _found(text: str) -> list[tuple[str, str]]:
    return [(u.name, u.role) for u in rule_actors(text)]


@pytest.mark.parametrize("name, starts", [
    # A联合B: A leads, B supports, as with 会同
    ("heldout5/05_longquan_zhen_2017_senlin_fanghuo_kaizhan_qingkuang_huibao", "镇派出所还将联合林业站"),
    # units after the lead that take part (派员参加, 参与) support it
    ("heldout5/01_liuhe_qu_2019_xunqi_anquan_ducha_tongzhi_baosong", "采取“四不两直”方式进行"),
    ("heldout4/p10_zhen_2018_anquanshengchanyue_huodong_fangan", "镇安委办牵头,镇安委会各成员单位参与"),
    # an order's addressee (责令你公司)
    ("heldout11/1111_lishui_qu_yingjiju_2023_zeling_xianqi_zhenggai_zhilingshu", "现责令你公司"),
    # a collective with its place in brackets, then what it does (成立)
    ("heldout12/1204_baisha_zhen_2023_xiaofang_anquan_zhuanxiang_zhengzhi_shishi_fangan", "召开全镇消防安全专项整治动员会"),
    # 由 before the people who form or head a body: no unit (成员由…负责人组成; 成立由…领导任组长的…)
    ("dev/107_shi_baori_xingdong_zonghe_ducha_tongzhi_wangzhan", "市政府组建7个安全生产综合督查组"),
    # a regulated party after 由 does the work, also through its staff (由…企业的专业送气服务人员统一…)
    ("dev/112_shanwei_zhujianju_pingzhuang_yehuaqi_quxiao_ziti_tonggao", "根据《城镇燃气管理条例》"),
    ("dev/112_shanwei_zhujianju_pingzhuang_yehuaqi_quxiao_ziti_tonggao", "2026年3月1日起"),
    # a unit that sends the people acts (由X派1名县级领导带队)
    ("dev/207_fsou_shi_anweihui_duchafenzu_zeren", "由市经贸委派1名县级领导带队"),
])
def test_gold_units_of_running_text_shapes(name, starts):
    gold = json.loads((CORPORA / f"{name}.gold.json").read_text("utf-8"))
    text = next(t for t in gold["tasks"] if t["text"].startswith(starts))["text"]
    assert sorted(_found(text)) == sorted(_gold_units(name, starts))


def test_the_issuers_partner_supports_it():
    # 我局将联合X / 街道还将联合X: the issuer names no unit of its own (SPEC §8); its partner is support
    name = "heldout11/1101_songlin_jiedao_2023_shangbannian_anquan_shengchan_gongzuo_zongjie"
    gold = _gold_units(name, "下半年，街道还将联合")
    assert ("区消防救援大队", "support") in gold
    assert ("区消防救援大队", "support") in _found("下半年，街道还将联合区消防救援大队对各社区微型消防站队员进行轮训，每季度至少组织1次。")
    assert ("市公安局交警支队", "support") in _found("我局将联合市公安局交警支队，于2020年8月底前完成全市中小学校园周边交通安全隐患再排查。")


def test_joint_work_is_no_partner():
    # 联合执法, 联合检查组, 联合印发: 联合 names joint work, not a partner unit
    found = _found("县应急局要每月开展1次联合执法检查，县住建局组成联合检查组进行抽查。")
    assert all(n not in ("执法检查", "检查组") for n, _ in found)
    assert _found("区森林防火指挥部、区教育局联合印发“致全体学生家长的一封信”。") == [
        ("区森林防火指挥部", "responsible"), ("区教育局", "responsible")]


def test_gazetteer_names_open_a_clause():
    # a known name without an organisation suffix (镇安委会, 市防指) followed by what it does
    assert _found("镇安委会每季度至少召开1次全体会议，分析研判安全生产形势。") == [("镇安委会", "responsible")]
    assert _found("市防指决定于8月13日12时起启动防台风Ⅲ级应急响应。") == [("市防指", "responsible")]


def test_model_union_keeps_the_models_span_and_adds_the_rules_others():
    from pipeline.learn import units as lu

    rules = [("各督查组直接通知", "responsible"), ("市安委会办公室", "responsible")]
    model = [("各督查组", "responsible")]
    # the rules' over-long span overlaps the model's name: the model's wins; a name only the rules found is added
    assert lu.combine("model_union", rules, model) == [("各督查组", "responsible"), ("市安委会办公室", "responsible")]
    assert lu.combine("model_union", [("区应急局", "responsible")], [("区应急局", "lead")]) == [("区应急局", "lead")]
    assert "model_union" in lu.MODES


@pytest.mark.parametrize("text", [
    "我局将坚持问题导向,持续保持高压态势,巩固专项整治成果。",  # the issuer speaking of itself (SPEC §8)
    "为深入贯彻落实国务院安委会关于危险化学品安全专项整治的部署,开展全面排查。",  # a purpose clause
    "各联防单位要各负其责、各尽其力、密切配合,确保林区森林防火工作万无一失。",  # idioms of 各
    "专项整治要从严推进,各项工作要抓实抓细。",  # a collective of things
])
def test_stretches_that_name_no_unit(text):
    names = [n for n, _ in _found(text)]
    assert not any(n.startswith(("我", "为", "各项")) or n in ("各负其责", "各尽其力") for n in names), names


def test_party_committee_and_government_are_one_unit_and_etc_heads_drop():
    from pipeline.extraction.units import split_names

    name = "heldout12/1207_yunfeng_xian_2024_anquan_shengchan_senlin_fanghuo_huiyi_zongjie_jianghua"
    assert ("各乡镇党委、政府", "responsible") in _gold_units(name, "一要把思想认识再提高")
    assert split_names("各乡镇党委、政府") == ["各乡镇党委、政府"]
    assert split_names("县住建局、县交通运输局、县林业局等行业主管部门") == ["县住建局", "县交通运输局", "县林业局"]
    # 会同X举办…: the partner's name ends before the verb (办 of 举办 is no office)
    assert _found("此外，我局还将于9月份会同县人社局举办全县危化品从业人员安全培训。") == [("县人社局", "support")]


@pytest.mark.parametrize("name, starts", [
    # 请 after the addressees (X请于…), and a place list in brackets before a 市直 collective
    ("heldout19/1901_luchuan_shi_anweihui_2013_anquan_shengchan_dajiancha_tongzhi_fenzubiao", "各县（区）、市直有关部门请于"),
    # a letter's addressee in the second person (请你县…)
    ("heldout19/1904_huaiyang_shi_anweiban_2011_wuxi_xian_zhongda_yinhuan_duban_han", "请你县切实履行"),
    # 按职责 after the actors
    ("heldout20/2006_xiaao_xian_2020_yuye_chuanbo_shuishang_jiaotong_anquan_zhuanxiang_zhengzhi_fangan_wenku", "县农业农村局、县海事处"),
    # 每季度联合X…: the issuer's partner supports
    ("heldout20/2009_meixi_xian_yingjiju_2023_zhengxie_tian_dafu_han", "每季度联合县消防救援大队"),
    # 会同A、镇派出所: 派 of 派出所 is no verb
    ("heldout20/2012_yunxiu_zhen_2025_lvyou_jingqu_wuyi_jiejiari_anquan_jiancha_gongzuo_fangan", "镇应急管理办公室牵头"),
    # enterprises named short, closed by 等3家企业
    ("heldout21/2110_huaixi_shi_anweiban_2014_anquan_shengchan_dajiancha_qingkuang_tongbao_pdf", "宏泰化工、金鼎建材"),
    # a city's 安委会 (委会 ends a name as 管委会 does)
    ("heldout22/2206_lanjiang_sheng_anweiban_2024_disan_jidu_mingcha_anfang_qingkuang_tongbao_wangye", "青阳市安委会要督促"),
])
def test_gold_units_of_heldout19_22_shapes(name, starts):
    gold = json.loads((CORPORA / f"{name}.gold.json").read_text("utf-8"))
    task = next(t for t in gold["tasks"] if t["text"].startswith(starts))
    assert sorted(_found(task["text"])) == sorted((u["name"], u["role"]) for u in task["units"])


def test_a_bracket_after_a_name_is_its_seat_not_a_closer():
    from pipeline.extraction.units import actors

    text = "各单位请于12月5日前将活动开展情况和总结报县消防安全委员会办公室（设在县公安消防大队）。"
    assert [(u.name, u.role) for u in actors(text)] == [("各单位", "responsible")]
    # a clause run into a collective is no name; a collective with 的 that opens with 负有 is one
    assert not any("认识" in n for n, _ in _found("统一思想,提高做好安全生产工作重要性的认识各村委会、各企事业单位要认真学习。"))
    assert _found("负有安全监管职责的各有关部门要加强执法检查。") == [("负有安全监管职责的各有关部门", "responsible")]


def test_a_place_and_its_government_are_one_body():
    # SPEC §8: the same organisation named twice is listed once, under its first name
    from pipeline.extraction.units import actors

    name = "heldout21/2101_xiling_xian_zhengfuban_2019_chunjie_lianghui_anquan_shengchan_tongzhi_wangye"
    gold = json.loads((CORPORA / f"{name}.gold.json").read_text("utf-8"))
    task = next(t for t in gold["tasks"] if t["text"].startswith("各乡镇人民政府要切实履行"))
    assert [(u.name, u.role) for u in actors(task["text"])] == [(u["name"], u["role"]) for u in task["units"]], name
    assert [u.name for u in actors("各乡镇要切实履行属地管理责任。各乡镇人民政府要组织排查。")] == ["各乡镇"]
    # 主要负责人 is no 主 + 要: no cut name 各乡镇主 (the rules gave it, and the units model retrained on 637 kept it)
    assert [u.name for u in actors("各乡镇人民政府要组织排查。各乡镇主要负责人春节期间原则上不离开辖区。")] == ["各乡镇人民政府"]


@pytest.mark.parametrize("name, starts", [
    # a list of names alone before a comma, the subject of a later clause's 要/须 (…等,除…外,还要…)
    ("dev/110_qingdao_sifang_2008_qingming_yingji_zhishou_tongzhi_fanti", "区建管局、区民政局"),
    # 交警 is an organisation's word, like 公安 and 消防 (荆门交警将…)
    ("dev/308_jm115_jingmen_2018_shangbannian_jiujia_luntan", "荆门交警将继续"),
    # 由X具体统筹: 统筹 is the verb, X leads (SPEC §8)
    ("dev/504_xialuqu_2025_weichengnianren_fangnishui_fangan", "在区政府领导下,由区安委办具体统筹"),
    # X负责统筹 / X负责牵头: the lead, though the first verb is 负责 (SPEC §8: 统筹 is lead, like 牵头)
    ("train19a/9106_rongao_shi_2024_dianqi_huozai_he_ranqi_anquan_zhengzhi_gongzuo_fangan_wangye", "供电企业要对城中村"),
    ("train19a/9110_yiyang_shi_anjianju_deng_2008_weixian_huowu_daolu_yunshu_lianhe_zhengzhi_tongzhi_pdf", "各地安监部门负责牵头"),
    # a named place acting (清流区将…), a body named through its members (公司领导班子成员 → 公司领导班子)
    ("train19c/9312_tingping_shi_anweihui_2022_xuncha_fankui_wenti_zhenggai_qingdan_wangye", "清流区将每月10日前"),
    ("train19d/9405_jinhe_huagong_gongsi_2024_anquan_huanbao_gongzuo_zongjie", "公司领导班子成员每月"),
])
def test_gold_units_of_train19_and_dev_shapes(name, starts):
    gold = json.loads((CORPORA / f"{name}.gold.json").read_text("utf-8"))
    text = next(t for t in gold["tasks"] if t["text"].startswith(starts))["text"]
    assert sorted(_found(text)) == sorted(_gold_units(name, starts))


@pytest.mark.parametrize("text, expected", [
    # a copy that wrote every 、 as a comma: the names between commas are one list of actors
    ("县安监局会同县国土资源局,县公安局,县工商局对全县非煤矿山开展联合执法检查,每月至少检查1次。",
     [("县安监局", "lead"), ("县国土资源局", "support"), ("县公安局", "support"), ("县工商局", "support")]),
    ("各县市区,各有关部门要在春节期间实行24小时值班。", [("各县市区", "responsible"), ("各有关部门", "responsible")]),
    # A会同B: A leads though B is no name the rules know; the joined pair is never one name
    ("通风科会同调度室每周开展一次瓦斯检查员脱岗专项检查。", [("通风科", "lead")]),
    ("镇安监站会同镇派出所、镇卫生院在集镇农贸市场设立咨询点。",
     [("镇安监站", "lead"), ("镇派出所", "support"), ("镇卫生院", "support")]),
    # named places sharing the last one's office are one unit (SPEC §8, as 各县、区住建局)
    ("县应急局将会同青湖县、松溪县安委会开展联合检查。", [("县应急局", "lead"), ("青湖县、松溪县安委会", "support")]),
    # a level and a sector, a level and a known short name; a collective named by its role with its bracket
    ("今年，县财政将安排安全生产专项资金150万元。", [("县财政", "responsible")]),
    ("镇防指要严格执行24小时值班和领导带班制度。", [("镇防指", "responsible")]),
    ("各牵头处室（单位）要于每季度末月20日前将工作进展情况报厅办公室。", [("各牵头处室（单位）", "lead")]),
])
def test_lists_pairs_and_short_names_in_running_text(text, expected):
    assert _found(text) == expected


@pytest.mark.parametrize("text", ["各乡镇、街道", "各乡镇、街道办事处", "东城区、西城区", "社区、园区管委会"])
def test_generic_places_do_not_share_a_suffix(text):
    from pipeline.extraction.units import split_names

    assert len(split_names(text)) == 2


@pytest.mark.parametrize("text, expected", [
    # the issuer speaking of itself by a bare body word (大队将…) names no unit, though a partner's name ends with it
    ("大队将联合县交警大队、县运管所开展夜查。", [("县交警大队", "support"), ("县运管所", "support")]),
])
def test_the_issuer_speaking_of_itself_by_a_body_word(text, expected):
    from pipeline.extraction.units import actors

    assert [(u.name, u.role) for u in actors(text)] == expected


def test_a_stretch_that_holds_a_role_word_is_no_name():
    # 积极配合市应急管理局 (the issuer supports; no unit of its own), 镇安监站会同镇派出所: never one name
    assert _found("同时，积极配合市应急管理局做好执法检查工作。") == []


@pytest.mark.parametrize("text, expected", [
    # an adverb between the modal and 联合/会同 (将继续联合, 要积极会同): A still leads and B supports (SPEC §4)
    ("2024年，县交通运输局将继续联合县公安局交警大队开展“两客一危”车辆专项整治，每月不少于2次。",
     [("县交通运输局", "lead"), ("县公安局交警大队", "support")]),
    ("县应急局要积极会同县住建局开展检查。", [("县应急局", "lead"), ("县住建局", "support")]),
])
def test_partners_after_an_adverb(text, expected):
    assert _found(text) == expected


def test_a_role_word_before_an_office_noun_is_part_of_the_name():
    # dev/201: 各区级牵头部门要… is one collective (SPEC §8: a collective named 牵头 leads), not 各区级 before 牵头
    name = "dev/201_cqjiangjin_2025_zaihai_fangzhi_renwuqingdan"
    text = next(t for t in json.loads((CORPORA / f"{name}.gold.json").read_text("utf-8"))["tasks"]
                if t["text"].startswith("各区级牵头部门"))["text"]
    assert _found(text) == _gold_units(name, "各区级牵头部门") == [("各区级牵头部门", "lead")]


def test_partners_after_a_time():
    # 县应急局将于6月联合县住建局…: a time between the modal and 联合 (a report's forward sentence)
    assert _found("县应急局将于6月联合县住建局开展燃气安全检查。") == [("县应急局", "lead"), ("县住建局", "support")]


def test_a_closing_sentence_that_only_names_units_closes_its_task(tmp_path):
    # SPEC §8: 由X牵头，Y配合。 / 此项工作由X负责。 after the words works like a parenthetical: its units are the task's,
    # it is not part of the task's words, and it is no task of its own
    from pipeline.extraction.units import closing_names, names_only
    from pipeline.run import extract

    text = "继续对种粮农民实施直接补贴,确保补贴总金额高于上年。由市财政局、农业局、劳动保障局、农机局,各县(市)、区人民政府负责落实。"
    at, units = closing_names(text)  # dev/212's sentence, as written
    assert text[:at].endswith("高于上年。")
    assert [u.name for u in units] == ["市财政局", "农业局", "劳动保障局", "农机局", "各县(市)、区人民政府"]
    assert names_only("由县住建局组织开展全县燃气安全检查。") == []  # it does more than name
    f = tmp_path / "plan.txt"
    f.write_text("青湖县2024年安全生产专项整治工作方案\n\n一、重点任务\n"
                 "（一）开展燃气安全排查整治。对全县餐饮场所燃气管道、报警装置逐一排查，6月底前完成整改。"
                 "由县住建局牵头，县市场监管局、县消防救援大队配合。\n"
                 "（二）加强道路运输安全监管。每月开展一次“两客一危”车辆检查。此项工作由县交通运输局牵头，县公安局交警大队配合。\n",
                 "utf-8")
    tasks = extract(str(f), until="extract").tasks
    assert [t.text for t in tasks] == ["对全县餐饮场所燃气管道、报警装置逐一排查，6月底前完成整改。", "每月开展一次“两客一危”车辆检查。"]
    assert [(u.name, u.role) for u in tasks[0].units] == [
        ("县住建局", "lead"), ("县市场监管局", "support"), ("县消防救援大队", "support")]
    assert [(u.name, u.role) for u in tasks[1].units] == [("县交通运输局", "lead"), ("县公安局交警大队", "support")]


def test_people_heading_a_body_name_no_unit():
    assert _found("各村（社区）要成立由党支部书记任组长的排查小组，对辖区内出租房逐户排查。") == [("各村（社区）", "responsible")]
    assert _found("县安委会组织4个检查组，由县级领导带队，对各乡镇和重点企业进行重点检查。") == [("县安委会", "responsible")]
    assert _found("县安委会组成4个督查组，由县安委会成员单位负责同志带队，对全县12个乡镇进行了督查。") == [("县安委会", "responsible")]


def test_a_body_named_through_its_leaders():
    # SPEC §8: a unit named through its people is the unit (区几大班子领导 → 区几大班子); dev/514's task as written
    assert _gold_units("dev/514_fanwenbaba_qu_qingming_senlin_fanghuo_fangan", "清明节前后,区几大班子领导") == \
        _found("清明节前后,区几大班子领导深入所联系的乡镇、街道督查森林防火工作。") == [("区几大班子", "responsible")]
    assert _found("县四套班子领导分别带队深入联系乡镇开展督查。") == [("县四套班子", "responsible")]
    # people who lead a team are no unit: 县领导带队 (队 there is no 大队)
    assert _found("春节前,县领导带队深入企业检查。") == []
    assert _found("由县消防大队带队开展检查。") == [("县消防大队", "responsible")]


def test_a_unit_through_its_leader_and_no_name_from_the_work():
    # train21a/2104: X总工程师 is X (SPEC §8: a unit named through its people is the unit)
    assert _found("各矿总工程师要亲自抓瓦斯抽采，抽采不达标的工作面一律不准回采。") == [("各矿", "responsible")]
    # train21b: a clause that opens with the work (抓好…消防) or a manner (视情派出工作组) names no unit, nor does 以X为单位
    from pipeline.extraction.units import _NO_NAME
    assert _NO_NAME.search("抓好秋冬季森林防火和冬季消防") and _NO_NAME.search("视情派出工作组")
    assert _NO_NAME.search("各社区以小区为单位") and not _NO_NAME.search("各社区")


def test_a_collective_of_a_sector_is_not_split_on_its_and():
    # train21b/2128: 各省级林业和草原主管部门 is one unit (SPEC §4: split on 和 only between names)
    from pipeline.extraction.units import split_names
    assert split_names("各省级林业和草原主管部门") == ["各省级林业和草原主管部门"]
    assert split_names("县公安局和交通局") == ["县公安局", "交通局"]
    assert split_names("各乡镇和街道") == ["各乡镇", "街道"]


def test_an_inline_item_number_and_a_roster_label_are_no_part_of_a_name():
    # heldout36/3601, heldout38/3802: items run inline in one paragraph (…。（三）镇安办每季度…), so the task's words
    # start at the item's number; heldout35/3502: a 督查组 roster row opens with its team's ordinal (第二组 X牵头…)
    from pipeline.extraction.units import actors
    assert [u.name for u in actors("（三）镇安办每季度至少组织1次非煤矿山和烟花爆竹联合检查。")] == ["镇安办"]
    got = [(u.name, u.role) for u in actors("（三）县公安局负责民用爆炸物品和道路交通领域；危险化学品领域由县安监局牵头，"
                                            "县工商局、县质监局配合。")]
    assert got[0] == ("县公安局", "responsible") and ("县工商局", "support") in got
    assert [(u.name, u.role) for u in actors("第二组 市公安消防支队牵头，市住建局、市质监局配合，督查鹿川县。")] == [
        ("市公安消防支队", "lead"), ("市住建局", "support"), ("市质监局", "support")]


def test_zhen_jie_is_one_collective():
    # heldout36/3605: 属地镇街 (towns and street offices, SPEC §8: a collective written without a separator stays one)
    assert _found("对检查发现的7家无证经营小型加工作坊，区市场监管局将会同属地镇街于4月底前依法取缔。") == [
        ("区市场监管局", "lead"), ("属地镇街", "support")]
