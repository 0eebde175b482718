"""``metrics.quantities`` (QUANTITY tried only where a match can start) finds what ``QUANTITY.finditer`` finds
(issue 7, extraction speed): the same spans and groups on every corpus text and on random strings built from
the characters that make or break a quantity (digits of several scripts, numerals, masks, measure words,
line breaks, the characters of the lookbehinds)."""

from __future__ import annotations

import random
from pathlib import Path

from pipeline.extraction import metrics
from pipeline.extraction.metrics import QUANTITY, quantities

ROOT = Path(__file__).resolve().parents[1]


def _both(text: str):
    old = [(m.span(), m.groupdict()) for m in QUANTITY.finditer(text)]
    new = [(m.span(), m.groupdict()) for m in quantities(text)]
    return old, new


def test_quantities_as_finditer_on_every_corpus_text():
    texts = [p.read_text("utf-8", errors="replace") for p in sorted((ROOT / "corpora").glob("**/*.txt"))]
    assert len(texts) > 400
    found = 0
    for text in texts:
        old, new = _both(text)
        assert new == old, text[:60]
        found += len(old)
    assert found > 5000


def test_quantities_as_finditer_on_random_strings():
    words = sorted(metrics.MEASURE_WORDS)[:80]
    pieces = (list("0123456789０１２３４５６７８９٣.,，、-—~至到余多万亿千百十一二两三四五六七八九零〇近逾xX*?？�□ \t\nA年月日的共计达")
              + words + ["1,000", "3.5", "12", "十二", "二〇二三", "xx", "**", "?3", "以上", "左右", "人次", "家"])
    rng = random.Random(7)
    found = 0
    for _ in range(5000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 30)))
        old, new = _both(text)
        assert new == old, text
        found += len(old)
    assert found > 1000
    # the lookbehinds see the text before a start: a digit after a letter, a numeral after 近, a Chinese run
    for text in ("A12人", "近百人", "逾千家", "一一一一人", "1,5家", "x5人", "3\n人次", "100余家", "ab12家cd３家"):
        assert _both(text)[1] == _both(text)[0]


def test_quantities_in_a_window_as_finditer_and_search():
    """With ``pos`` and ``endpos`` (the class-definition rule's sentence, its chain's next quantity): the same
    matches as ``QUANTITY.finditer(text, pos, endpos)`` and, first of them, as ``QUANTITY.search``."""
    texts = [p.read_text("utf-8", errors="replace") for p in sorted((ROOT / "corpora").glob("**/*.txt"))[::4]]
    rng = random.Random(11)
    compared = found = 0
    for text in texts:
        for _ in range(40):
            a = rng.randrange(len(text) + 1)
            b = min(len(text), a + rng.randint(0, 80))
            old = [(m.span(), m.groupdict()) for m in QUANTITY.finditer(text, a, b)]
            assert [(m.span(), m.groupdict()) for m in quantities(text, a, b)] == old
            first = QUANTITY.search(text, a, b)
            assert (first.span() if first else None) == (old[0][0] if old else None)
            compared += 1
            found += len(old)
    assert compared > 4000 and found > 500
    # a window that cuts a measure word or a number: 死亡3人 cut before 人, 12 cut between its digits
    assert list(quantities("死亡3人", 0, 3)) == [] and [m.group() for m in quantities("共12家", 0, 4)] == ["12家"]
    assert [m.group() for m in quantities("共12家", 2, 4)] == [m.group() for m in QUANTITY.finditer("共12家", 2, 4)]
