"""Shapes whose tasks the grouped cross-validation of session 17 found missing (issue 7): the candidates and
closers they need. Each test writes a small made-up document of the shape, not a corpus document."""

from pipeline.extraction.tasks import rule_tasks, task_candidates
from conftest import best_candidate, doc_of


_doc, _best = doc_of, best_candidate


def test_a_bare_parenthetical_of_unit_names_after_a_finished_sentence_closes_the_item(tmp_path):
    """`1．…4月底前印发实施。（党政办、安环局）`: the names alone in brackets at the end of the line are the item's
    units, as 责任单位 would be, and they are not the task's words."""
    text = ("青山经济开发区2024年安全生产工作要点\n"
            "1．召开开发区安全生产委员会全体会议2次，研究部署年度重点工作。（安全生产办公室）\n"
            "2．修订开发区安全生产责任清单，4月底前印发实施。（党政办、综合执法局）\n"
            "3．各企业要每月开展1次全员隐患自查，建立隐患排查治理台账。\n")
    doc = _doc(tmp_path, text)
    tasks = {t.text: t for t in rule_tasks(doc)}
    assert "修订开发区安全生产责任清单，4月底前印发实施。" in tasks, list(tasks)
    assert [(u.name, u.role) for u in tasks["修订开发区安全生产责任清单，4月底前印发实施。"].units] == [
        ("党政办", "responsible"), ("综合执法局", "responsible")]
    assert "召开开发区安全生产委员会全体会议2次，研究部署年度重点工作。" in tasks
    done = _doc(tmp_path, text, until="extract")
    assert any(t.text == "修订开发区安全生产责任清单，4月底前印发实施。" and t.units for t in done.tasks)


def test_a_bracketed_name_inside_a_sentence_is_an_alias_not_a_closer(tmp_path):
    """`…报县安委办（县应急局）。` names one unit twice: the sentence keeps its words and gets no closer."""
    text = ("关于做好汛期安全生产工作的通知\n"
            "请各乡镇于10月15日前将汛期安全生产工作总结报县安委办（县应急局）。\n")
    doc = _doc(tmp_path, text)
    cands = task_candidates(doc)
    sim, _ = _best(cands, "请各乡镇于10月15日前将汛期安全生产工作总结报县安委办（县应急局）。")
    assert sim == 1.0
    assert not any(t.text == "请各乡镇于10月15日前将汛期安全生产工作总结报县安委办" for t, _ in cands)


def test_a_decision_after_its_reasons_and_the_rest_of_a_count_are_candidates_of_their_own(tmp_path):
    """`为…，根据…，县政府决定从6月至10月在全县开展…`: the decision is a candidate without its reasons;
    `…已整改30处，剩余6处将在6月10日前全部整改到位`: what is left, with its commitment, is one too."""
    text = ("关于开展液化气安全专项整治的通知\n"
            "为深刻吸取近期外地燃气爆炸事故教训，根据省、市统一部署，县政府决定从6月至10月在全县开展液化气安全专项整治。\n"
            "截至5月20日，全县已排查餐饮场所420家，发现隐患36处，已整改30处，剩余6处将在6月10日前全部整改到位。\n")
    cands = task_candidates(_doc(tmp_path, text))
    assert _best(cands, "县政府决定从6月至10月在全县开展液化气安全专项整治。")[0] == 1.0
    assert _best(cands, "剩余6处将在6月10日前全部整改到位。")[0] == 1.0


def test_items_closed_by_parentheticals_before_a_task_table_are_read(tmp_path):
    """A plan whose items close with unit parentheticals and whose 责任分工表 follows them: the items are tasks with
    their parentheticals' units, as well as the table's rows."""
    text = ("城关镇电动自行车安全隐患整治方案\n"
            "一、整治步骤\n"
            "1.对辖区住宅小区楼道开展全覆盖清查，依法清理违规停放充电行为。(牵头单位:镇城管中队 配合单位:各社区)\n"
            "2.对电动自行车销售网点开展抽检，查处非法改装行为。(镇市场监管所牵头,镇派出所配合)\n"
            "二、任务分工表\n"
            "序号 | 工作任务 | 责任单位 | 完成时限\n"
            "1 | 新建集中充电车棚10处 | 镇建设办 | 9月底前\n"
            "2 | 开展消防安全宣传进社区 | 镇应急办 | 10月底前\n")
    doc = _doc(tmp_path, text)
    tasks = {t.text: t for t in rule_tasks(doc)}
    item = "对电动自行车销售网点开展抽检，查处非法改装行为。"
    assert item in tasks, list(tasks)
    assert [(u.name, u.role) for u in tasks[item].units] == [("镇市场监管所", "lead"), ("镇派出所", "support")]
    assert "新建集中充电车棚10处" in tasks


def test_the_chooser_takes_the_sentences_when_together_they_are_worth_more_than_their_paragraph():
    from pipeline.learn.tasks import choose_total

    # a paragraph (0, 100) at 0.9 and its three sentences at 0.8, 0.7 and 0.6: the sentences are worth more
    spans = [(0, 100), (0, 30), (31, 60), (61, 100), (120, 150)]
    assert choose_total([0.9, 0.8, 0.7, 0.6, 0.2], spans, 0.3) == [1, 2, 3]
    # one likely sentence among unlikely ones: the paragraph
    assert choose_total([0.9, 0.8, 0.2, 0.1, 0.5], spans, 0.3) == [0, 4]
    assert choose_total([0.9, 0.8], [(0, 10), (5, 15)], 0.95) == []


def test_the_chooser_finds_the_best_total_of_non_overlapping_spans():
    import itertools
    import random

    from pipeline.learn.tasks import choose_total

    rnd = random.Random(7)
    for _ in range(400):
        n = rnd.randint(0, 8)
        spans = []
        for _ in range(n):
            s = rnd.randint(0, 30)
            spans.append((s, s + rnd.randint(1, 12)))
        probs = [round(rnd.random(), 2) for _ in range(n)]
        thr = rnd.choice([0.2, 0.3, 0.5])
        got = choose_total(probs, spans, thr)
        assert all(probs[i] >= thr for i in got)
        assert not any(spans[a][0] < spans[b][1] and spans[b][0] < spans[a][1] for a, b in itertools.combinations(got, 2))
        best = 0.0
        for r in range(n + 1):
            for c in itertools.combinations([i for i in range(n) if probs[i] >= thr], r):
                if not any(spans[a][0] < spans[b][1] and spans[b][0] < spans[a][1] for a, b in itertools.combinations(c, 2)):
                    best = max(best, sum(probs[i] - thr for i in c))
        assert abs(sum(probs[i] - thr for i in got) - best) < 1e-9
