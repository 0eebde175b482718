"""Canonical names the train16 and heldout16-18 gold showed the normaliser missing (names and documents written here):
standard abbreviations of published department names, offices written X办 for X办公室, 你县 / 你乡 addressed by the
salutation, the parties of an agreement (甲方 / 乙方), and 市局 / 县局 of a bureau that signs the document."""

from __future__ import annotations

import pytest

from pipeline.normalise import normalise
from pipeline.normalise.units import canonical, document_signer, resolve_addressee, resolve_pronoun


@pytest.mark.parametrize("name,expected", [
    ("省住建厅", "省住房和城乡建设厅"), ("省住房城乡建设厅", "省住房和城乡建设厅"), ("市住房城乡建设局", "市住房和城乡建设局"),
    ("县广电局", "县广播电视局"), ("县卫计局", "县卫生和计划生育局"), ("市卫生健康委", "市卫生健康委员会"),
    ("州民宗局", "州民族宗教事务局"), ("市建委", "市建设委员会"), ("市住建委", "市住房和城乡建设委员会"),
    ("市人大常委会", "市人民代表大会常务委员会"), ("区应急管理局宣教科", "区应急管理局宣传教育科"),
    ("镇党政办", "镇党政办公室"), ("镇民政办", "镇民政办公室"), ("乡经发办", "乡经济发展办公室"),
    ("团社会事务办", "团社会事务办公室"), ("县金融办", "县金融工作办公室"), ("市防指办", "市防汛抗旱指挥部办公室"),
    # written in full, or another body: unchanged
    ("镇党政办公室", "镇党政办公室"), ("县人防指办", "县人防指办"),
    ("市城建委", "市城建委"), ("县民政局", "县民政局"),
])
def test_standard_abbreviations_of_published_names(name, expected):
    assert canonical(name) == expected


LETTER = "青川市应急管理局\n关于松岭县危化品企业检查问题的督办函\n\n松岭县人民政府：\n你县要于5月底前完成整改。\n"
AGREEMENT = ("2023年度安全生产目标责任书\n\n甲方：石门县人民政府\n乙方：白河镇人民政府\n一、乙方要在3月底前完成……\n"
             "\n甲方（盖章）：\n乙方（盖章）：\n")


def test_you_county_is_the_government_addressed():
    assert resolve_addressee("你县", LETTER) == "松岭县人民政府"
    assert resolve_addressee("你县", "各乡镇：\n你县要…\n") is None  # a collective salutation names no one


def test_the_parties_of_an_agreement():
    assert resolve_addressee("甲方", AGREEMENT) == "石门县人民政府"
    assert resolve_addressee("乙方", AGREEMENT) == "白河镇人民政府"
    assert resolve_addressee("丙方", AGREEMENT) is None


def test_the_city_bureau_that_signs_calls_itself_shi_ju():
    text = "关于开展电梯安全专项检查的通知\n各县区市场监管局：\n请于6月底前报市局。\n\n桐州市市场监督管理局\n2023年5月6日\n"
    assert document_signer(text) == "桐州市市场监督管理局"
    assert resolve_pronoun("市局", document_signer(text)) == "市市场监督管理局"
    assert resolve_pronoun("县局", document_signer(text)) is None  # another level: a county's bureau
    assert resolve_pronoun("市局", "桐州市人民政府") is None  # the issuer is no bureau
    assert document_signer("各单位要加强值守。\n") is None


def test_normalise_uses_the_signer_when_the_title_names_no_issuer(tmp_path):
    import pipeline

    p = tmp_path / "notice.txt"
    p.write_text("关于开展电梯安全专项检查的通知\n\n各县区市场监管局：\n为加强电梯安全管理，现就有关事项通知如下。\n"
                 "一、各县区市场监管局要于6月30日前完成辖区电梯全面检查，检查结果报市局。\n"
                 "二、市局将于7月组织抽查（责任单位：市局）。\n\n桐州市市场监督管理局\n2023年5月6日\n", encoding="utf-8")
    doc = pipeline.extract(p)
    names = {(u.name, u.canonical) for t in doc.tasks for u in t.units}
    assert ("市局", "市市场监督管理局") in names
    assert normalise(doc).tasks == doc.tasks  # the stage is idempotent on its own output


@pytest.mark.parametrize("name,expected", [
    ("州住建局", "州住房和城乡建设局"), ("州应急局", "州应急管理局"), ("黔东南州应急管理局", "州应急管理局"),
    ("正蓝旗应急管理局", "旗应急管理局"), ("杭州市应急管理局", "市应急管理局"),  # 州 inside a city's name stays the place's
])
def test_prefecture_and_banner_levels(name, expected):
    assert canonical(name) == expected


def test_prefecture_and_banner_level_of():
    from pipeline.normalise.units import level_of, split_level

    assert split_level("州住建局") == ("州", "住建局") and level_of("州") == "市" and level_of("旗") == "县"
    assert split_level("州市共建项目办") == ("", "州市共建项目办")


def test_a_place_not_the_documents_own_is_kept():
    """SPEC §4 drops a repeated place: 安澜区应急管理局 in 安澜区's own document is 区应急管理局; in a city's notice that
    names a district's bureau the place says which one (城东区住房和城乡建设局)."""
    from pipeline.normalise.units import gazetteer, other_place

    gaz = gazetteer()

    def canon(name, own):
        return other_place(name, gaz.canonical(name), gaz.resolve(name)[1], own)

    assert canon("城东区住建局", "汝阳市住房和城乡建设局关于印发整改清单的通知") == "城东区住房和城乡建设局"
    assert canon("安澜区应急管理局", "安澜区开展危险化学品联合执法检查") == "区应急管理局"
    assert canon("安澜区应急管理局", "关于开展联合执法检查的通知") == "区应急管理局"  # no own place known: dropped
    assert canon("区应急局", "汝阳市住房和城乡建设局") == "区应急管理局"  # no place written
    assert canon("XX区应急管理局", "汝阳市人民政府") == "区应急管理局"  # a masked place is dropped


def test_normalise_keeps_the_place_of_a_district_a_city_names(tmp_path):
    import pipeline

    p = tmp_path / "letter.txt"
    p.write_text("青川市住房和城乡建设局关于建筑工地安全检查问题整改的通知\n\n各县（区）住建局：\n"
                 "一、城东区住建局要于6月30日前督促问题工地完成整改。\n二、临河县住建局要于7月15日前完成复查。\n"
                 "\n青川市住房和城乡建设局\n2023年6月1日\n", encoding="utf-8")
    doc = pipeline.extract(p)
    names = {u.name: u.canonical for t in doc.tasks for u in t.units}
    assert names.get("城东区住建局") == "城东区住房和城乡建设局"
    assert names.get("临河县住建局") == "临河县住房和城乡建设局"


def test_bare_members_take_the_body_the_document_names():
    from pipeline.normalise.units import resolve_members

    notice = "关于做好防汛工作的通知\n各镇人民政府，县防指各成员单位：\n请各成员单位于6月1日前报送。\n"
    assert resolve_members("各成员单位", notice, None) == "县防汛抗旱指挥部各成员单位"
    minutes = "防汛调度会议纪要\n会议要求，各成员单位要加强值守。\n"
    assert resolve_members("各成员单位", minutes, "青川市森林防火指挥部") == "市森林防火指挥部各成员单位"
    assert resolve_members("各成员单位", minutes, "青川市应急管理局") is None  # a bureau has no members
    two = "县安委会各成员单位、县防指各成员单位：\n"
    assert resolve_members("各成员单位", two, None) is None  # two bodies: whose is not known
    assert resolve_members("县应急管理局", notice, None) is None


@pytest.mark.parametrize("name,expected", [
    # an office written in full after an abbreviation ending in 办 is not expanded twice
    ("县防指办公室", "县防汛抗旱指挥部办公室"), ("市防指办", "市防汛抗旱指挥部办公室"),
    ("市食品药品监管局", "市食品药品监督管理局"), ("区综合执法局", "区综合行政执法局"), ("区综合行政执法局", "区综合行政执法局"),
])
def test_offices_and_supervision_bureaus(name, expected):
    assert canonical(name) == expected


@pytest.mark.parametrize("name,issuer,expected", [
    ("市局执法支队", "潘溪市应急管理局", "市应急管理局执法支队"),
    ("市局宣教科", "潘溪市应急管理局", "市应急管理局宣传教育科"),
    ("厅安全生产执法总队", "云岭省应急管理厅", "省应急管理厅安全生产执法总队"),
    ("市局执法支队", "潘溪县应急管理局", None),  # a county bureau's 市局 is the city's: not known here
    ("局", "潘溪市应急管理局", None),
])
def test_offices_of_the_issuing_bureau(name, issuer, expected):
    assert resolve_pronoun(name, issuer) == expected


@pytest.mark.parametrize("name,expected", [
    # standard abbreviations of published names that heldout19-22 wrote (first run: 0.922 of their names right)
    ("县发展改革局", "县发展和改革局"), ("县经贸局", "县经济贸易局"), ("县文广旅体局", "县文化广电旅游体育局"),
    ("省应急管理厅危化处", "省应急管理厅危险化学品安全监督管理处"), ("危化品经营企业", "危险化学品经营企业"),
    # the older forms stay as they were
    ("县发改局", "县发展和改革局"), ("区发展改革委", "区发展和改革委员会"),
])
def test_standard_abbreviations_of_heldout19_22(name, expected):
    assert canonical(name) == expected


def test_the_parties_of_an_agreement_signed_on_one_line():
    # heldout26/2601's close, as the cleaner gives it: both parties on one line, each with its seal
    signed = "…实行“一票否决”。\n甲方：柘溪县人民政府（盖章）乙方：青岗镇人民政府（盖章）\n县长：罗成钧镇长：覃卫东\n"
    assert resolve_addressee("甲方", signed) == "柘溪县人民政府"
    assert resolve_addressee("乙方", signed) == "青岗镇人民政府"
    assert resolve_addressee("乙方", "甲方：柘溪县人民政府    乙方：青岗镇人民政府\n") == "青岗镇人民政府"
    # a party line that names a person, or a blank to be signed, names no body
    assert resolve_addressee("乙方", "甲方（盖章）：\n乙方（盖章）：\n") is None
    assert resolve_addressee("乙方", "乙方：张三负责人（签字）\n") is None


def test_a_short_name_the_document_declares_is_its_body():
    from pipeline.normalise.units import declared_level, declared_names

    # heldout24/2408's sentence: the body after the verb, declared 区安环局; its 区 is the park's
    text = "管委会决定由开发区安全生产监督管理和环境保护局（以下简称区安环局）牵头，组织3个检查组。"
    declared = declared_names(text)
    assert declared == {"区安环局": "开发区安全生产监督管理和环境保护局"}
    assert declared_level(declared) == "开发区"
    assert declared_names("县人民政府设立县防汛抗旱指挥部（以下简称县防指），负责…") == {"县防指": "县防汛抗旱指挥部"}
    # the place before the level goes, as from any name (train19c/9304); a park's word is no place
    assert declared_names("成立莒河县生产安全事故应急指挥部（以下简称县应急指挥部），负责…") == {
        "县应急指挥部": "县生产安全事故应急指挥部"}
    # a body seated in another is not the one before the bracket; a short name whose characters the name lacks
    assert declared_names("成立领导小组，领导小组办公室设在县农业农村局（以下简称县整治办）。") == {}
    assert declared_names("各县（市、区）人民政府和负有安全生产监管职责的市直部门（以下简称被考核单位）") == {}
    assert declared_level({"县防指": "县防汛抗旱指挥部"}) is None


def test_a_parks_bureaus_through_the_normaliser(tmp_path):
    import pipeline

    p = tmp_path / "park.txt"
    p.write_text("淮澄经济开发区管理委员会关于做好2024年汛期安全生产工作的通知\n\n各街道，区内各企业：\n"
                 "一、开发区安全生产监督管理和环境保护局（以下简称区安环局）要于6月10日前组织汛前检查。\n"
                 "二、区经发局要在6月底前完成仓储物流企业排查。\n三、区规建局要督促在建工地落实防汛加固措施。\n",
                 encoding="utf-8")
    canon = {u.name: u.canonical for t in pipeline.extract(p).tasks for u in t.units}
    assert canon.get("区经发局") == "开发区经济发展局"
    assert canon.get("区规建局") == "开发区规划建设局"


@pytest.mark.parametrize("name,expected", [
    # traditional script is looked up in simplified (heldout26/2610, a badly converted 工作要點)
    ("縣安委辦", "县安全生产委员会办公室"), ("縣安監局", "县安全生产监督管理局"), ("縣編委辦", "县机构编制委员会办公室"),
    # standard abbreviations: 编委办 (机构编制委员会办公室), a park's 规建局 (规划建设局)
    ("县编委办", "县机构编制委员会办公室"), ("区规建局", "区规划建设局"),
    # a county's or city's 应急办 is its government's office; a township's is the township's own
    ("县应急办", "县人民政府应急管理办公室"), ("县政府应急办", "县人民政府应急管理办公室"),
    ("市应急办", "市人民政府应急管理办公室"), ("镇应急办", "镇应急管理办公室"),
    # standard abbreviations of the post-2018 bodies and their offices
    ("危化科", "危险化学品安全监督管理科"), ("县文旅广体局", "县文化旅游广电体育局"),
    ("市应急执法支队", "市应急管理综合行政执法支队"), ("县应急执法大队", "县应急管理综合行政执法大队"),
    ("区工商分局", "区工商行政管理分局"), ("县交通运输综合行政执法大队", "县交通运输综合行政执法大队"),
])
def test_names_of_heldout23_26(name, expected):
    assert canonical(name) == expected


def test_a_park_committee_calls_itself_guanweihui():
    # heldout24/2408 and heldout25/2508 sign as the park's committee and write 管委会 / 园区管委会 of themselves
    assert resolve_pronoun("管委会", "淮澄经济开发区管理委员会") == "淮澄经济开发区管理委员会"
    assert resolve_pronoun("园区管委会", "港川化工园区管理委员会") == "港川化工园区管理委员会"
    # another kind of park, or an issuer that is no committee: not the issuer
    assert resolve_pronoun("园区管委会", "淮澄经济开发区管理委员会") is None
    assert resolve_pronoun("管委会", "县应急管理局") is None
