"""Unit canonicals that need the document (issue 7 gap 4): an abbreviation of a body the document names in full
elsewhere, the addressee of 你单位 / 你公司 / 该公司, and standard abbreviations of a published list."""

from __future__ import annotations

import pytest

from pipeline.normalise.units import canonical, document_form, resolve_addressee


@pytest.mark.parametrize("name,expected", [
    ("县防指", "县防汛抗旱指挥部"),
    ("县防办", "县防汛抗旱指挥部办公室"),
    ("县防指各成员单位", "县防汛抗旱指挥部各成员单位"),
    ("县人武部", "县人民武装部"),
    ("区三防办", "区防汛防旱防风指挥部办公室"),
    ("区安委办", "区安全生产委员会办公室"),
    ("区城管执法局", "区城市管理行政执法局"),
    ("县防汛办", "县防汛抗旱指挥部办公室"),
    ("各县（市、区）防办", "各县(市、区)防汛抗旱指挥部办公室"),
    # 防办 / 防指 inside another body's name are not the 防汛 body's
    ("县政府办", "县人民政府办公室"), ("县武装部", "县人民武装部"), ("市政府办公厅", "市人民政府办公厅"),
    ("县人防办", "县人防办"), ("镇消防办", "镇消防办"), ("县边防办", "县边防办"),
    ("县消防指挥部", "县消防指挥部"), ("消防指挥中心", "消防指挥中心"),
    ("区城市管理执法局", "区城市管理执法局"),  # written in full: as written
])
def test_standard_abbreviations(name, expected):
    assert canonical(name) == expected


TYPHOON = ("临湾市防汛防台抗旱指挥部关于切实做好台风防御工作的紧急通知\n各县（市、区）防指，市防指各成员单位：\n"
           "市防指决定于9月1日启动防台风Ⅳ级应急响应。各县（市、区）防指要加强值守，市防办要及时汇总。")


@pytest.mark.parametrize("name,expected", [
    ("市防指", "市防汛防台抗旱指挥部"),
    ("市防办", "市防汛防台抗旱指挥部办公室"),
    ("各县（市、区）防指", "各县(市、区)防汛防台抗旱指挥部"),
    ("市防指各成员单位", "市防汛防台抗旱指挥部各成员单位"),
])
def test_abbreviation_of_a_body_the_document_names(name, expected):
    assert document_form(name, canonical(name), TYPHOON) == expected


@pytest.mark.parametrize("text,name,expected", [
    # the document writes the gazetteer's form: it stays
    ("县防汛抗旱指挥部要加强值守。县防指各成员单位要落实责任。", "县防指", "县防汛抗旱指挥部"),
    # a shorter form the document writes is its body's name
    ("区防汛指挥部要加强值守。区防指各成员单位要落实责任。", "区防指", "区防汛指挥部"),
    # the newer name of the forest fire body
    ("3月27日,市森林防灭火指挥部召开调度会。市森防办要每日汇总。", "市森防办", "市森林防灭火指挥部办公室"),
    # a specialised committee named inside a longer name is not the 安委会
    ("增设城镇燃气安全生产专业委员会和涉水领域(防溺水)安全生产专业委员会。安委办要统筹。", "安委办", "安全生产委员会办公室"),
    # written in full: never changed
    ("临湾市防汛防台抗旱指挥部。县防汛抗旱指挥部要值守。", "县防汛抗旱指挥部", "县防汛抗旱指挥部"),
    # nothing in the text: the gazetteer's form
    ("各单位要加强值守。", "县防指", "县防汛抗旱指挥部"),
])
def test_document_form(text, name, expected):
    assert document_form(name, canonical(name), text) == expected


NOTICE = """梧桐区安全生产委员会办公室
安全生产重大事故隐患挂牌督办通知书
区安委办督〔2024〕3号

城西街道办事处：
2024年5月21日，检查组发现重大事故隐患。现将有关事项通知如下：
（一）请你单位立即组织整改。"""

MINUTES = """东山县安全生产委员会办公室
安全生产约谈纪要
时　　间：2020年8月12日上午
地　　点：县应急管理局三楼会议室
被约谈单位：东山县顺达运输有限公司（董事长X到会）
列席单位：县公安局交警大队
一、约谈事由
顺达运输有限公司所属车辆发生事故，该公司存在问题。"""


@pytest.mark.parametrize("text,name,expected", [
    (NOTICE, "你单位", "城西街道办事处"),
    (NOTICE, "该公司", None),  # the addressee is no company
    (MINUTES, "该公司", "东山县顺达运输有限公司"),
    (MINUTES, "你公司", "东山县顺达运输有限公司"),
    ("丽水区应急管理局\n责令限期整改指令书\n\n丽水区鑫达金属制品有限公司：\n经查，你公司存在下列问题：", "你公司",
     "丽水区鑫达金属制品有限公司"),
    # several addressees, a collective, or none: no single unit
    ("关于开展检查的通知\n各乡镇、各有关部门：\n请你单位于5月底前报送。", "你单位", None),
    ("关于开展检查的通知\n甲公司：\n乙公司：\n请你公司报送。", "你公司", None),
    ("各单位要加强值守。你单位要报送。", "你单位", None),
    ("城西街道办事处：\n请区应急局报送。", "区应急局", None),  # not a pronoun
])
def test_addressee(text, name, expected):
    assert resolve_addressee(name, text) == expected


def test_through_the_pipeline():
    import pipeline
    from conftest import CORPORA

    doc = pipeline.extract(CORPORA / "heldout10" /
                           "1003_wutong_qu_anweiban_2024_nongmao_shichang_ranqi_zhongda_yinhuan_guapai_duban.txt")
    canon = {u.name: u.canonical for t in doc.tasks for u in t.units}
    assert canon["你单位"] == "城西街道办事处" and canon["区安委办"] == "区安全生产委员会办公室"
