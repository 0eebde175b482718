"""jieba's part-of-speech tagger, with its hidden Markov model of unknown-word runs memoised.

``jieba.posseg.cut`` cuts a sentence by the dictionary and sends each run of characters the
dictionary does not know to a Viterbi decoder over (position, tag) states, pure Python and most of
the tagger's time. The metric subject finders tag many overlapping pieces of one clause (the clause,
the words after a number, the subject as it is stripped word by word), so the same unknown runs
come back again and again. :func:`pos` is ``jieba.posseg.cut`` step for step (jieba 0.42: the
dictionary cut, then the decoder for unknown runs), with the decoder's answer kept per run: it
depends on the run alone (the HMM's tables are fixed), so the words and tags are jieba's
(``tests/test_extraction_speed.py`` compares them on the corpus).
"""

from __future__ import annotations

from functools import lru_cache

_quiet = False


def pos(s: str) -> tuple[tuple[str, str], ...]:
    """``((word, tag), …)`` of ``s``, as ``jieba.posseg.cut(s)`` gives them."""
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
    """``POSTokenizer.__cut_detail``: the HMM decoder over an unknown run (its tables are fixed)."""
    import jieba.posseg as pseg

    return tuple((w.word, w.flag) for w in pseg.dt._POSTokenizer__cut_detail(buf))
