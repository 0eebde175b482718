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
    # the line before must be running text: after a heading (二、组织实施 / (一)北汝河堤段) ``1、`` is a real item
    ("page-chunk marker cutting a word", re.compile(r"(?m)^(?P<prev>.*[\u4e00-\u9fff])\n\d{1,2}、[\u4e00-\u9fff]")),
    ("space between Chinese characters", re.compile(r"[\u4e00-\u9fff] +[\u4e00-\u9fff]")),
    ("lost separator", re.compile(r"\d \.[\u4e00-\u9fff]")),
    ("traditional script", re.compile(r"[區產會導織險責專應與門縣鄉鎮處監機關發實]")),
    ("Cyrillic paragraph mark", re.compile(r"[\u4e00-\u9fff。]Р[\u4e00-\u9fff]")),
]


# an outline heading: a short line opened by an item marker, no finished sentence
_HEADING = re.compile(r"^\s*(?:[一二三四五六七八九十]+[、.]|[(（][一二三四五六七八九十\d]{1,3}[)）]|"
                      r"第[一二三四五六七八九十]+[章节部分条、,，]|[一二三四五六七八九十]+是)")


# the title of a list or plan on its own line: short, no punctuation, a document's name at its end
_TITLE = re.compile(r"^[^，。；：,;:！？!?]{4,40}(?:清单|方案|要点|计划|安排|通知|办法|细则|任务|分工|措施)$")


def artifacts(rx: re.Pattern, text: str) -> list[re.Match]:
    """The places of ``text`` showing the artifact ``rx`` looks for."""
    out = []
    for m in rx.finditer(text):
        prev = m.groupdict().get("prev")
        if prev is not None and _HEADING.match(prev) and len(prev) < 60 and "。" not in prev:
            continue  # a list item under its heading
        if prev is not None and _TITLE.match(prev.strip()):
            continue  # the first item under a list's title (2020年全省防汛抗旱重点工作任务清单\n1、修订…)
        out.append(m)
    return out


@pytest.mark.parametrize("stem,raw_hits", [
    # document-sharing copies: the raw text carries page counters cutting words (…签署安\n4、全生产…)
    ("000_3e4d418ab8c79e1d", 3), ("002_2d6767afaa7999d4", 25),
    ("09_desk33_shi_jianzaijiuzaiwei_2024_gongzuoyaodian_zerendanwei", 1),
    # real items 1、2、… under headings without punctuation (二、组织实施\n1、施工及监理企业…): never an artifact
    ("106_chaozhou_zhujianju_2011_siji_jianzhu_dajiancha_tongzhi", 0),
    ("514_fanwenbaba_qu_qingming_senlin_fanghuo_fangan", 0), ("pair03_plan", 0), ("pair04_plan", 0),
])
def test_chunk_marker_check_tells_counters_from_items(stem, raw_hits):
    rx = next(rx for name, rx in ARTIFACTS if name.startswith("page-chunk"))
    raw = next(CORPORA.rglob(f"{stem}.txt")).read_text("utf-8")
    assert len(artifacts(rx, raw)) == raw_hits


@pytest.mark.parametrize("path", ALL_RENDITIONS, ids=[f"{p.stem[:20]}{p.suffix}" for p in ALL_RENDITIONS])
def test_cleaned_text_has_no_artifacts(path, extract_cached):
    text = extract_cached(path).text
    prose = "\n".join(line for line in text.split("\n") if "|" not in line)  # table cells keep their spaces
    for name, rx in ARTIFACTS:
        if name.startswith("space"):
            m = rx.search(prose)
            assert m is None, f"{name}: {prose[max(0, m.start() - 20):m.end() + 20]!r}"
            continue
        m = next(iter(artifacts(rx, text)), None)
        assert m is None, f"{name}: {text[max(0, m.start() - 20):m.end() + 20]!r}"
