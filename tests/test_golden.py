"""Golden files per corpus document: the section outline, title, type, year, issuer and cleaned text.

Regenerate with ``PIPELINE_GEN_TEST_DATA=1 pytest tests/test_golden.py`` after a
deliberate change, and read the diff before committing it.
"""

import json
import re

import pytest

from conftest import CORPORA, GEN, GOLDEN, corpus_txts

DOCS = corpus_txts()
ALL_RENDITIONS = sorted(p for p in CORPORA.rglob("*") if p.suffix in (".txt", ".docx", ".pdf", ".html"))


def snapshot(doc) -> dict:
    return {"title": doc.title, "doc_type": doc.doc_type, "year": doc.year, "issuer": doc.issuer,
            "outline": doc.outline().split("\n") if doc.sections else [],
            "flags": sorted({f.code for f in doc.flags}), "text": doc.text.split("\n")}


def test_gen_flag_is_off():
    assert not GEN, "PIPELINE_GEN_TEST_DATA must not be set in CI"


@pytest.mark.parametrize("path", DOCS, ids=[p.stem[:24] for p in DOCS])
def test_golden(path, extract_cached):
    golden = GOLDEN / f"{path.stem}.json"
    actual = snapshot(extract_cached(path))
    if GEN or not golden.exists():
        golden.write_text(json.dumps(actual, ensure_ascii=False, indent=1) + "\n", "utf-8")
        if not GEN:
            pytest.fail(f"golden file {golden.name} was missing and has been written; review and commit it")
    assert actual == json.loads(golden.read_text("utf-8"))


ARTIFACTS = [
    ("hidden-text notice", re.compile(r"此处隐藏\d+字")),
    ("pinyin gloss", re.compile(r"[\u4e00-\u9fff][(（][a-zü]*[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ][a-zü]*[)）]")),
    ("site chrome", re.compile(r"欢迎访问|您现在的位置|本类热门推荐|免责声明|为网友上传分享|配套讲稿|ICP备|下载后查看|本文链接")),
    ("page-chunk marker cutting a word", re.compile(r"[\u4e00-\u9fff]\n\d{1,2}、[\u4e00-\u9fff]")),
    ("space between Chinese characters", re.compile(r"[\u4e00-\u9fff] +[\u4e00-\u9fff]")),
    ("lost separator", re.compile(r"\d \.[\u4e00-\u9fff]")),
    ("traditional script", re.compile(r"[區產會導織險責專應與門縣鄉鎮處監機關發實]")),
    ("Cyrillic paragraph mark", re.compile(r"[\u4e00-\u9fff。]Р[\u4e00-\u9fff]")),
]


@pytest.mark.parametrize("path", ALL_RENDITIONS, ids=[f"{p.stem[:20]}{p.suffix}" for p in ALL_RENDITIONS])
def test_cleaned_text_has_no_artifacts(path, extract_cached):
    text = extract_cached(path).text
    prose = "\n".join(line for line in text.split("\n") if "|" not in line)  # table cells keep their spaces
    for name, rx in ARTIFACTS:
        if name.startswith("space"):
            m = rx.search(prose)
            assert m is None, f"{name}: {prose[max(0, m.start() - 20):m.end() + 20]!r}"
            continue
        m = rx.search(text)
        assert m is None, f"{name}: {text[max(0, m.start() - 20):m.end() + 20]!r}"
