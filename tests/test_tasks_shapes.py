"""Shapes the task finder met on blind sets: the candidates they need and the features that tell them apart
(pipeline/extraction/tasks.py::task_candidates, pipeline/learn/tasks.py::features)."""

from conftest import CORPORA
from pipeline.extraction.tasks import task_candidates
from pipeline.learn.tasks import features
from pipeline.run import extract


def _info(text, **kw):
    return {"text": text, "sources": ["sent"], "doc_type_proba": {"plan": 1.0}, **kw}


def test_agenda_and_attendance_lines_are_marked():
    assert features(_info("请区应急管理局局长X同志通报一季度全区安全生产形势;"))["agenda"] == 1.0
    assert features(_info("请区住建局、城南街道和华兴化工有限公司作表态发言;"))["agenda"] == 1.0
    assert features(_info("请各单位于6月28日前将整改落实情况书面报送区安委办。"))["agenda"] == 0.0
    assert features(_info("县安委会各成员单位主要负责同志、各乡镇分管负责同志参加会议。"))["attend"] == 1.0
    assert features(_info("各乡镇要组织干部参加培训。"))["attend"] == 0.0


def test_inspection_scope_items_are_marked_even_with_a_directive_word():
    """`…责任制落实情况；` lists what an inspection looks at (SPEC §8): 落实 does not make it work assigned."""
    f = features(_info("企业安全生产责任制和安全管理制度落实情况；", prev_line="督查内容：重大危险源包保责任制落实情况；"))
    assert f["scope_item"] == 1.0 and f["scope_run"] == 1.0
    assert features(_info("各乡镇要于5月底前完成隐患排查整治。"))["scope_item"] == 0.0


def test_a_candidate_holding_several_labelled_lines_is_marked():
    """heldout12/1210: `9月：…` schedule lines are each a task; the item holding them all is not one."""
    several = features(_info("9月：开展开学安全大检查；组织新生入学安全教育。\n10月：组织全校消防应急疏散演练。"))
    assert several["label_lines:2"] == 1.0
    one = features(_info("组织全校消防应急疏散演练。", sources=["label_time"], line_head="10月：",
                         prev_line_head="9月：开展开学安全大检查；"))
    assert one["label_lines:0"] == 1.0 and one["label_list"] == 1.0


def test_candidates_carry_the_head_of_the_previous_line():
    path = next((CORPORA / "heldout12").glob("1210_*.txt"))
    cands = task_candidates(extract(path, until="structure"))
    labelled = [info for _, info in cands if any(s.startswith("label") for s in info["sources"])]
    assert labelled and all("prev_line_head" in info for _, info in cands)
    assert sum(features(info)["label_list"] for info in labelled) >= 2


def test_a_sanction_announced_for_a_condition_is_marked():
    """SPEC §1: sanctions announced (将予以通报) are commitments; heldout11 and heldout10 wrote them in several ways."""
    for t in ("对逾期未完成整改的单位，街道将提请区安委办予以通报。", "逾期未完成整改的，区安委办将提请区政府对相关责任人进行约谈。",
              "对拒不整改或整改不到位的安全生产违法行为，将依法予以行政处罚。", "区安委办将对推进不力、进度滞后的任务予以通报。"):
        assert features(_info(t))["sanction"] == 1.0, t
    for t in ("对发现的问题，已经依法予以处罚了。", "在检查的基础上，我们开展了通报。", "各乡镇要建立隐患整改台账。"):
        assert features(_info(t))["sanction"] == 0.0, t


def test_the_lines_a_candidate_spans_are_counted():
    assert features(_info("各乡镇要建立台账。"))["lines:1"] == 1.0
    assert features(_info("各乡镇要建立台账。\n县安委办要组建督导组。\n各部门要报送信息。\n"))["lines:3"] == 1.0


def test_a_directive_after_what_only_analyses_on_its_line_is_marked():
    """dev/110: `…防火形势十分严峻。各部门、各单位要切实加强组织领导,…` — the task starts at the directive (SPEC §8)."""
    after = features(_info("各部门、各单位要切实加强组织领导,制定切实可行的应急预案。",
                           line_before="今年是清明节列为法定节假日的第一年,防火形势十分严峻。"))
    assert after["self_fwd&after_lead"] == 1.0
    among = features(_info("各镇街要把本级年度重点任务清单细化完善。", line_before="各区级牵头部门要强化本行业统筹。"))
    assert "self_fwd&after_lead" not in among and among["self_fwd&sib_fwd:1&unnumbered"] == 1.0
    in_item = features(_info("各镇街要把本级年度重点任务清单细化完善。", line_before="各区级牵头部门要强化本行业统筹。",
                             marker="（一）"))
    assert not any(k.endswith("&unnumbered") for k in in_item)


def test_a_decision_said_in_a_sentence_is_marked_with_its_kind():
    decided = features(_info("按照省、市会议精神,市政府决定在全市范围内组织开展安全生产百日行动综合督查工作。"))
    assert decided["decide"] == decided["decide&sent"] == 1.0
    assert "decide&sent" not in features(_info("各乡镇要于5月底前完成隐患排查整治。"))


def test_an_item_whose_heading_is_an_open_clause_is_offered_with_its_first_line_alone(tmp_path):
    """train20a/9502: `四、各乡镇…要于每月10日前将…报县安委办；大检查工作总结请于…前报送。` and a closing paragraph on
    the next line: the structure reads the clause before `；` as the item's heading and the next line as its body, so the
    item's own line is offered from its heading on, without the paragraph after it."""
    p = tmp_path / "notice.txt"
    p.write_text("关于开展安全生产大检查的通知\n各乡镇人民政府，县直有关单位：\n现将有关要求通知如下。\n"
                 "一、各乡镇、各部门要在11月25日前制定大检查实施方案，报县安委办备案。\n"
                 "二、各乡镇、各部门要于每月10日前将上月大检查开展情况报县安委办；大检查工作总结请于2012年1月25日前报送。\n"
                 "县安委会将对大检查开展情况进行通报。\n", encoding="utf-8")
    texts = {t.text for t, _ in task_candidates(extract(p, until="structure"))}
    assert "各乡镇、各部门要于每月10日前将上月大检查开展情况报县安委办；大检查工作总结请于2012年1月25日前报送。" in texts


def test_a_sanction_sentence_opens_forward_like_a_commitment():
    """train20a/9507: `各部门、各街道要…报区安委办。对整治工作不力…的企业，区安委办将依法依规从严处理并予以曝光。` holds two
    tasks; the sanction (SPEC §1: a commitment) counts as a forward sentence, as `区安委办将…` would."""
    para = features(_info("各部门、各街道要于每月25日前将进展情况报区安委办。对整治工作不力、隐患整改不到位的企业，"
                          "区安委办将依法依规从严处理并予以曝光。", sources=["para"]))
    assert para["own_fwd_sents:2"] == 1.0
    alone = features(_info("对整治工作不力、隐患整改不到位的企业，区安委办将依法依规从严处理并予以曝光。",
                           line_before="各部门、各街道要于每月25日前将进展情况报区安委办。"))
    assert alone["self_fwd&sib_fwd:1"] == 1.0
    done = features(_info("对整改不到位的企业，已经依法予以处罚了。", line_before="各部门要加强检查。"))
    assert "self_fwd&sib_fwd:1" not in done


def test_the_last_words_of_a_cut_copy_are_marked(tmp_path):
    """dev-style copies are a page's opening, cut off (train20a/9510, dev/105, dev/207): the last item stops
    mid-sentence and stays a task (SPEC §8); the candidate that ends there is marked, a finished last item is not."""
    p = tmp_path / "cut.txt"
    p.write_text("关于切实加强春节期间烟花爆竹安全管理工作的紧急通知\n各县市区安委会：\n"
                 "一、各县市区要在春节期间实行24小时值班，每日上午10时前将情况报市安委办。\n"
                 "二、各新闻媒体要通过专栏、公益广告等形式广泛宣传烟花爆竹安全知识，引导群众", encoding="utf-8")
    cands = task_candidates(extract(p, until="structure"))
    cut = [info for t, info in cands if t.text.endswith("引导群众")]
    assert cut and all(features(info)["cut_end"] == 1.0 for info in cut)
    assert all(features(info)["cut_end"] == 0.0 for t, info in cands if "24小时值班" in t.text)
    whole = tmp_path / "whole.txt"
    whole.write_text(p.read_text(encoding="utf-8") + "。\n", encoding="utf-8")
    assert not any(features(info)["cut_end"] for _, info in task_candidates(extract(whole, until="structure")))
