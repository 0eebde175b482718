"""jieba's part-of-speech tagger, with its hidden Markov model of unknown-word runs memoised.

``jieba.posseg.cut`` cuts a sentence by the dictionary and sends each run of characters the
dictionary does not know to a Viterbi decoder over (position, tag) states, pure Python and most of
the tagger's time. The metric subject finders tag many overlapping pieces of one clause (the clause,
the words after a number, the subject as it is stripped word by word), so the same unknown runs
come back again and again. :func:`pos` is ``jieba.posseg.cut`` step for step (jieba 0.42: the
dictionary cut, then the decoder for unknown runs), with the decoder's answer kept per run: it
depends on the run alone (the HMM's tables are fixed), so the words and tags are jieba's
(``tests/test_extraction_speed.py`` compares them on the corpus). The memo helps within a document
only; on a new document the runs are new, so the decoder itself (:func:`_viterbi`) follows only the
transitions that exist, with jieba's sums and ties.
"""

from __future__ import annotations

from functools import lru_cache

_quiet = False


@lru_cache(maxsize=8192)
def pos(s: str) -> tuple[tuple[str, str], ...]:
    """``((word, tag), …)`` of ``s``, as ``jieba.posseg.cut(s)`` gives them. Memoised: the rules' subject finders
    and the subject chooser tag the same pieces, each behind its own memo (on the benchmark's 31 texts, 1,835
    calls for 1,197 distinct strings on a first pass)."""
    global _quiet
    import jieba
    import jieba.posseg as pseg

    if not _quiet:  # its start-up chatter is not for the analyst's terminal (set once: it resets logging's caches)
        import logging

        jieba.setLogLevel(logging.WARNING)
        _quiet = True
    if jieba.pool is not None:  # jieba's parallel mode: its own code path
        return tuple((w.word, w.flag) for w in pseg.cut(s))
    dt = pseg.dt
    dt.makesure_userdict_loaded()
    out: list[tuple[str, str]] = []
    han, skip, num, eng = pseg.re_han_internal, pseg.re_skip_internal, pseg.re_num, pseg.re_eng
    for blk in han.split(s):
        if han.match(blk):
            _cut_dag(dt, blk, out)
            continue
        for x in skip.split(blk):
            if skip.match(x):
                out.append((x, "x"))
            else:
                for xx in x:
                    out.append((xx, "m" if num.match(xx) else ("eng" if eng.match(x) else "x")))
    return tuple(out)


def _cut_dag(dt, sentence: str, out: list[tuple[str, str]]) -> None:
    """``POSTokenizer.__cut_DAG``: the dictionary's best cut; runs of single characters it does not
    know as a word go to the (memoised) decoder."""
    tok = dt.tokenizer
    dag = tok.get_DAG(sentence)
    route: dict = {}
    tok.calc(sentence, dag, route)
    tags, freq = dt.word_tag_tab, tok.FREQ

    def flush(buf: str) -> None:
        if len(buf) == 1:
            out.append((buf, tags.get(buf, "x")))
        elif not freq.get(buf):
            out.extend(_detail(buf))
        else:
            out.extend((c, tags.get(c, "x")) for c in buf)

    x, buf, n = 0, "", len(sentence)
    while x < n:
        y = route[x][1] + 1
        word = sentence[x:y]
        if y - x == 1:
            buf += word
        else:
            if buf:
                flush(buf)
                buf = ""
            out.append((word, tags.get(word, "x")))
        x = y
    if buf:
        flush(buf)


@lru_cache(maxsize=8192)
def _detail(buf: str) -> tuple[tuple[str, str], ...]:
    """``POSTokenizer.__cut_detail``: the HMM decoder over an unknown run (its tables are fixed), with
    :func:`_viterbi` for jieba's decoder."""
    import jieba.posseg as pseg

    out: list[tuple[str, str]] = []
    han, skip, num, eng = pseg.re_han_detail, pseg.re_skip_detail, pseg.re_num, pseg.re_eng
    for blk in han.split(buf):
        if han.match(blk):
            out.extend(_hmm_cut(blk))
            continue
        for x in skip.split(blk):
            if x:
                out.append((x, "m" if num.match(x) else ("eng" if eng.match(x) else "x")))
    return tuple(out)


def _hmm_cut(sentence: str) -> list[tuple[str, str]]:
    """``POSTokenizer.__cut``: the words and tags of the decoder's best (position, tag) path."""
    path = _viterbi(sentence)
    out: list[tuple[str, str]] = []
    begin = nexti = 0
    for i, char in enumerate(sentence):
        where, tag = path[i]
        if where == "B":
            begin = i
        elif where == "E":
            out.append((sentence[begin:i + 1], tag))
            nexti = i + 1
        elif where == "S":
            out.append((char, tag))
            nexti = i + 1
    if nexti < len(sentence):
        out.append((sentence[nexti:], path[nexti][1]))
    return out


_into: dict | None = None  # state -> ((previous state, log P(state | previous)), …): the transitions into it


def _viterbi(obs: str) -> list:
    """The state path ``jieba.posseg.viterbi(obs, char_state_tab_P, start_P, trans_P, emit_P)`` returns, with the
    same sums in the same order, but each state's best predecessor sought among the states with a transition into
    it (about 20 of 256; jieba tries every previous state, adding -inf for the others, and decodes only states
    that some previous state leads to, so one with a transition always wins). That was most of a first pass's tagging
    time: the metric subjects' unknown runs are new on every document (``tests/test_extraction_speed.py``)."""
    global _into
    from jieba.posseg import char_state_tab_P as states
    from jieba.posseg import emit_P, start_P, trans_P
    from jieba.posseg.viterbi import MIN_FLOAT

    if _into is None:
        into: dict = {}
        for y0, nexts in trans_P.items():
            for y, p in nexts.items():
                into.setdefault(y, []).append((y0, p))
        _into = {y: (tuple(v), frozenset(y0 for y0, _ in v)) for y, v in into.items()}
    all_states = trans_P.keys()
    none: tuple = ((), frozenset())
    V = {y: start_P[y] + emit_P[y].get(obs[0], MIN_FLOAT) for y in states.get(obs[0], all_states)}
    mem_path = [dict.fromkeys(V, "")]
    for t in range(1, len(obs)):
        prev = {x: V[x] for x in mem_path[t - 1] if trans_P[x]}
        if not prev:  # jieba's max() of nothing: its own error
            from jieba.posseg.viterbi import viterbi

            return viterbi(obs, states, start_P, trans_P, emit_P)[1]
        ch = obs[t]
        ys = [y for y in dict.fromkeys(states.get(ch, all_states)) if not _into.get(y, none)[1].isdisjoint(prev)]
        if not ys:
            ys = {y for x in prev for y in trans_P[x]}
        V_t, mem = {}, {}
        get = prev.get
        for y in ys:  # (ys holds only states with a transition from one of prev)
            e = emit_P[y].get(ch, MIN_FLOAT)
            V_t[y], mem[y] = max((v + p + e, y0) for y0, p in _into[y][0] if (v := get(y0)) is not None)
        V = V_t
        mem_path.append(mem)
    prob, state = max((V[y], y) for y in mem_path[-1])
    route = [None] * len(obs)
    for i in range(len(obs) - 1, -1, -1):
        route[i] = state
        state = mem_path[i][state]
    return route
