"""Composed subject candidates (SPEC §6 subjects): an earlier metric's noun, and a change verb's list.

The sentences are written for these tests, not copied from the corpus.
"""

from __future__ import annotations

import pytest

from pipeline.learn.subject import candidates, distributed, respective


def _subjects(text: str, number: str, rule: str, prev: str) -> list[str]:
    return [c[0] for c in candidates(text, text.index(number), rule, "人", prev)]


def test_a_verb_alone_borrows_the_earlier_metrics_noun():
    text = "全镇发生交通事故7起、死亡2人。"
    subjects = _subjects(text, "2人", "死亡", "发生交通事故")
    assert "交通事故死亡" in subjects


def test_a_later_verb_takes_the_earlier_noun_after_it():
    text = "共排查出火灾隐患130处，已整改121处。"
    subjects = [c[0] for c in candidates(text, text.index("121"), "整改", "处", "排查出火灾隐患")]
    assert "整改火灾隐患" in subjects or "整改隐患" in subjects


def test_a_span_with_its_own_noun_borrows_nothing():
    text = "检查企业40家，检查工地12个。"
    subjects = [c[0] for c in candidates(text, text.index("12"), "检查工地", "个", "检查企业")]
    assert not any(s.startswith("企业") or s.endswith("企业检查工地") for s in subjects[1:] if s != "检查企业检查工地")


@pytest.mark.parametrize("number, expected", [("9.5%", "火灾起数同比下降"), ("12%", "死亡人数同比下降"),
                                              ("30%", "财产损失同比下降")])
def test_a_change_shared_by_a_list_of_nouns_is_distributed(number, expected):
    text = "全年火灾起数、死亡人数和财产损失同比分别下降9.5%、12%和30%。"
    assert expected in distributed(text, text.index(number))


def test_a_list_longer_than_its_nouns_is_not_distributed():
    text = "死亡人数同比下降9.5%、12%和30%。"
    assert distributed(text, text.index("12%")) == []


@pytest.mark.parametrize("number, expected", [("12.5%", "交通事故起数同比下降"), ("20%", "死亡人数同比下降")])
def test_a_change_after_the_counts_refers_back_to_each_in_turn(number, expected):
    text = "今年以来全县发生交通事故14起、死亡8人，同比分别下降12.5%和20%。"
    assert respective(text, text.index(number))[0] == expected
    assert expected in _subjects(text, number, "同比分别下降", "")


def test_a_change_of_its_own_count_is_not_the_counted_noun():
    text = "全年发生火灾事故9起，同比减少3起，下降25%。"
    assert respective(text, text.index("25%"))[0] == "火灾事故起数同比下降"


def test_a_change_that_follows_no_count_refers_back_to_nothing():
    text = "安全生产投入同比增长15%，隐患整改率达到98%。"
    assert respective(text, text.index("15%")) == []
    text = "发生事故3起，死亡2人，同比分别下降5%、10%和12%。"  # three changes for two counts
    assert respective(text, text.index("10%")) == []
