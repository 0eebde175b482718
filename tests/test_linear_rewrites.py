"""The linear rewrites of issue 8 find what the old (superlinear) code found, on many random inputs.

Each old form is kept here verbatim; the new one is the module's. Times are in benchmarks/bench_adversarial.py.
"""

import math
import random
import re

import pytest

from pipeline.learn import boilerplate as bp
from pipeline.learn import doctype
from pipeline.learn import tasks as learn_tasks


def _strings(alphabet, n, seed, longest=14):
    rnd = random.Random(seed)
    for _ in range(n):
        yield "".join(rnd.choice(alphabet) for _ in range(rnd.randint(0, longest)))


OLD_LINE_PATTERNS = {
    "counter": re.compile(r"\d+\s*(?:次|人阅读|阅读|浏览|点击|评论|赞|W|w|万)\b|[:：|]\s*\d+\s*$"),
    "page_count": re.compile(r"第\s*\d+\s*页|共\s*\d+\s*页|\d+\s*页\b|\d+\s*/\s*\d+\s*$"),
    "size": re.compile(r"\d+(?:\.\d+)?\s*[KkMm][Bb]"),
    "chars_count": re.compile(r"\d+\s*字"),
    "html": re.compile(r"<[a-zA-Z/][^>]*>|!\[|\{[^}]*:[^}]*\}|[a-z-]+\s*:\s*[^;]+;"),
}


@pytest.mark.parametrize("name", sorted(OLD_LINE_PATTERNS))
def test_line_model_patterns_match_the_same_lines(name):
    alphabet = ["1", "23", ".", " ", "\t", "次", "阅读", "万", "页", "第", "共", "/", ":", "：", "|", "KB", "mb", "字",
                "<", ">", "a", "/", "!", "[", "{", "}", ";", "-", "z", "x", "\n", "一", "W"]
    old, new = OLD_LINE_PATTERNS[name], bp._PATTERNS[name]
    for t in _strings(alphabet, 30000, hash(name) % 1000, longest=12):
        assert bool(new.search(t)) == bool(old.search(t)), (name, t)


def test_ui_line_and_trailer_start_match_the_same_lines():
    old_ui = re.compile(rf"^[-•·\s]*{bp._UI_WORD}(?:[\s|/]+{bp._UI_WORD})*\s*[:：]?\s*(?:>>|»)?\s*$")
    old_trailer = re.compile(r"^\s*[-•]?\s*(?:关\s*键\s*词|配套讲稿|特殊限制)")
    alphabet = [" ", "\t", "-", "•", "·", "登录", "注册", "首页", "|", "/", ":", "：", ">>", "»", "x", "关", "键", "词",
                "配套讲稿", "一"]
    for t in _strings(alphabet, 30000, 5, longest=10):
        assert bool(bp._UI_LINE.match(t)) == bool(old_ui.match(t)), t
        assert bool(bp.TRAILER_START.match(t)) == bool(old_trailer.match(t)), t


def test_task_and_doctype_number_patterns_count_as_before():
    old_target = re.compile(r"(?:增长|下降|控制在|达到|不低于|不超过|低于|高于|以内|以上|完成)[^。]{0,12}\d|\d+(?:\.\d+)?\s*(?:%|亿元|万元|万吨)")
    old_count = re.compile(r"共(?:检查|排查|发现|出动|查处|发生|组织|开展)|\d+(?:家|处|起|人次|家次|次|个|条|项)", re.M)
    new_count = dict(doctype.CUES)["retro_count"]
    alphabet = ["1", "2", ".", " ", "%", "亿元", "万元", "增长", "达到", "。", "家", "处", "人次", "个", "共检查", "x", "\n"]
    for t in _strings(alphabet, 30000, 6, longest=12):
        assert bool(learn_tasks._TARGET.search(t)) == bool(old_target.search(t)), t
        assert new_count.findall(t) == old_count.findall(t), t


def _old_second_features(rows, proba):
    """second_features as it was (quadratic in the lines of a block), kept to check the rewrite."""
    n = len(rows)
    lens = [round(math.expm1(r["feats"]["len_log"] * 6)) for r in rows]
    sent = [bool(r["feats"].get("end_sent")) for r in rows]
    short = [k < bp.SHORT for k in lens]
    content = [i for i in range(n) if lens[i] >= bp.CONTENT_LEN and sent[i] and proba[i] < 0.5]
    first_c = content[0] if content else n
    last_c = content[-1] if content else -1
    block, b = [0] * n, 0
    for i in range(n):
        if i and not (short[i] and short[i - 1]):
            b += 1
        block[i] = b
    members = {}
    for i in range(n):
        members.setdefault(block[i], []).append(i)

    def rule(j):
        return float(bool(rows[j].get("rule"))) if 0 <= j < n else 0.0

    out = []
    for i in range(n):
        blk = members[block[i]]
        others = [proba[j] for j in blk if j != i]
        known = [rule(j) for j in blk if j != i]
        prev_c = max((j for j in content if j < i), default=None)
        next_c = min((j for j in content if j > i), default=None)
        gap = (next_c - prev_c) if prev_c is not None and next_c is not None else n
        out.append((max(others) if others else 0.0, sum(others) / len(others) if others else 0.0,
                    math.log1p(len(blk)) / 4, math.log1p(gap) / 4, sum(known) / len(known) if known else 0.0))
    return out


def test_second_pass_features_as_before():
    rnd = random.Random(7)
    for _ in range(300):
        n = rnd.randint(1, 40)
        rows = [{"text": "x", "feats": {"len_log": math.log1p(rnd.choice([3, 10, 39, 40, 80])) / 6,
                                        "end_sent": float(rnd.random() < 0.5)},
                 "rule": rnd.random() < 0.3} for _ in range(n)]
        proba = [rnd.choice([0.0, 0.2, 0.2, 0.7, 0.99, rnd.random()]) for _ in range(n)]
        new = bp.second_features(rows, proba)
        for i, (mx, mean, size, gap, known) in enumerate(_old_second_features(rows, proba)):
            assert new[i][8] == mx and new[i][10] == size and new[i][20] == gap, (i, rows, proba)
            assert new[i][9] == pytest.approx(mean, abs=1e-12)
            assert new[i][-5] == known  # the last of the four _known_neighbours, before four more


def _old_join_page_chunks(m):
    """join_page_chunks as it was (a walk from every candidate), kept verbatim to check the rewrite."""
    from pipeline.clean.steps import _CHUNK, _TERMINAL_END

    lines = m.text.split("\n")
    starts, pos = [], 0
    for line in lines:
        starts.append(pos)
        pos += len(line) + 1
    cands = [(i, int(mm.group(1))) for i, line in enumerate(lines) if (mm := _CHUNK.match(line))]
    if len(cands) < 2:
        return m
    best = []
    for k, (i, n) in enumerate(cands):
        chain = [(i, n)]
        for j, nn in cands[k + 1:]:
            if nn == chain[-1][1] + 1:
                chain.append((j, nn))
        if len(chain) > len(best):
            best = chain
    if len(best) < 2:
        return m
    open_prev = sum(1 for i, _ in best[1:] if i > 0 and not _TERMINAL_END.search(lines[i - 1]))
    avg_len = sum(len(lines[i]) for i, _ in best) / len(best)
    if open_prev < max(1, (len(best) - 1) / 2) or avg_len < 80:
        return m
    edits = []
    for k, (i, n) in enumerate(best):
        marker_len = len(str(n)) + 1
        if k > 0:
            edits.append((starts[i] - 1, starts[i] + marker_len, ""))
        else:
            edits.append((starts[i], starts[i] + marker_len, ""))
    return m.splice(edits)


def test_page_chunk_chain_as_before():
    """join_page_chunks picks the same chain of N、 counters as the walk from every candidate did (lone counters
    at a page cut, which the old step left, are tested in test_clean)."""
    from pipeline.clean import steps
    from pipeline.clean.mapped import Mapped

    rnd = random.Random(8)
    long = "安全生产工作要加强隐患排查整治" * 6
    for _ in range(3000):
        lines = []
        for _ in range(rnd.randint(2, 14)):
            body = rnd.choice([long, "短", long + "。"])
            lines.append(f"{rnd.randint(1, 5)}、{body}" if rnd.random() < 0.7 else body)
        text = "\n".join(lines)
        chain = steps._counter_chain(lines, [(i, int(mm.group(1))) for i, ln in enumerate(lines)
                                             if (mm := steps._CHUNK.match(ln))])
        new = steps._join_counters(Mapped.of(text), lines, chain, []).text
        assert new == _old_join_page_chunks(Mapped.of(text)).text, text


def test_truncation_notices_by_line_and_trimmed_edges_as_before():
    from pipeline.clean import steps
    from pipeline.clean.mapped import Mapped

    old_edges = re.compile(r"^\s+|\s+$")
    alphabet = [" ", "\t", "\n", "a", "一", "(", "（", ")", "…", "。", "省略", "隐藏", "12", "字", "全文共", "未完", "显示",
                "阅读全部图文", "点击", "阅读", "全文", ">>", "剩余全文", "此处", "更多", "{", "}", ":", "<", ">", "div",
                "![", "]", "](", "x.png", "#", ".", "-", "字号", "大", "中", "小", "【", "】", "[", "]", "字体:"]
    for t in _strings(alphabet, 30000, 9, longest=16):
        assert [x.span() for x in steps._EDGES.finditer(t)] == [x.span() for x in old_edges.finditer(t)], t
        for rx, cue in steps._CUES.items():
            new, old = steps._sub_by_line(Mapped.of(t), rx, cue), Mapped.of(t).sub(rx, "")
            assert (new.text, list(new.origin)) == (old.text, list(old.origin)), (rx.pattern[:20], t)
