"""Readers on real files: what each format must give, and must not."""

import re
import subprocess

import pytest

from conftest import ROOT, SAMPLES, taskdb_cmd
from pipeline.errors import ReaderError
from pipeline.ingest import READERS, read, sniff


def test_registry_is_data():
    assert {"txt", "docx", "pdf", "html", "doc", "ofd", "xlsx", "xls", "dps", "image"} <= set(READERS)
    for spec in READERS.values():
        assert spec.name.startswith(f"reader.{spec.format}.")


def test_import_pipeline_is_light():
    code = ("import sys, pipeline; heavy = [m for m in ('docx','pdfplumber','pypdfium2','spacy','pandas',"
            "'opencc','selectolax','sklearn','jieba') if m in sys.modules]; print(heavy)")
    out = subprocess.run([__import__("sys").executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert out.stdout.strip() == "[]", out.stdout + out.stderr


def test_docx_restores_word_numbering_from_paragraph_and_style():
    # 001: 一、二、三、 come from the paragraph style; 003: (七) and (二) from startOverride
    d1 = read(SAMPLES / "001_8b8311189899811f.docx")
    assert "一、提升政治站位" in d1.raw_text and "三、要扎实做好" in d1.raw_text
    d3 = read(SAMPLES / "003_5d853f9dda5fdec4.docx")  # traditional script: the reader keeps it
    assert "\n(七)持續" in d3.raw_text
    assert "(二)進一步深化政務公開" in d3.raw_text.replace(" ", "")


def test_docx_leaves_out_headers_and_footers():
    doc = read(SAMPLES / "004_292e0180c7549e92.docx")
    import docx

    section = docx.Document(SAMPLES / "004_292e0180c7549e92.docx").sections[0]
    header = "".join(p.text for p in section.header.paragraphs).strip()
    assert header, "the fixture has a header"
    assert header not in doc.raw_text


def test_pdf_drops_running_header_and_page_numbers():
    doc = read(SAMPLES / "002_2d6767afaa7999d4.pdf")
    assert doc.meta["pages"] >= 10
    for block in doc.blocks:
        assert not re.fullmatch(r"\s*[-—]?\s*\d+\s*[-—]?\s*|第\d+页", block.text), block.text
    import pdfplumber

    with pdfplumber.open(SAMPLES / "002_2d6767afaa7999d4.pdf") as pdf:
        header = pdf.pages[1].extract_text().splitlines()[0].replace(" ", "")
    # the running header repeats the title on every page; the text holds it only as often as the .txt does
    txt = (SAMPLES / "002_2d6767afaa7999d4.txt").read_text("utf-8")
    assert doc.raw_text.replace(" ", "").count(header) == txt.count(header)


def test_pdf_has_no_spurious_spaces_and_joins_broken_words():
    doc = read(SAMPLES / "001_8b8311189899811f.pdf")
    assert not re.search(r"[\u4e00-\u9fff] +[\u4e00-\u9fff0-9]", doc.raw_text)
    # lines of a paragraph are joined without a space, also where a line ends inside a word:
    # no line of the PDF text ends in the middle of a sentence that the next line goes on with
    lines = doc.raw_text.split("\n")
    assert len(lines) < 40  # 6 pages of wrapped lines become a few dozen paragraphs
    assert "认识模糊" in doc.raw_text.replace("\n", "") and "区安委会专门出台了《实施方案》" in doc.raw_text


def test_pdf_tables_are_rows():
    doc = read(ROOT / "corpora/pool/02_dengfeng_xuzhuang_2017_zhuanxiang_zhengzhi_anpaibiao.pdf")
    rows = [b.text for b in doc.blocks if b.kind == "table_row"]
    assert any(r.count(" | ") >= 2 for r in rows)


def test_html_drops_chrome_and_honours_charset():
    doc = read(SAMPLES / "001_8b8311189899811f.html")  # a GBK page
    assert doc.meta["encoding"] in ("gb18030", "gbk")
    # the page's own chrome (nav bar, footer with ICP number, breadcrumb) is not read
    assert "ICP" not in doc.raw_text and "首页</a>" not in doc.raw_text
    assert doc.raw_text.startswith("您好,欢迎访问博文范文网")  # the article's first <p>, a web copy's own chrome
    assert "同志们" in doc.raw_text


@pytest.mark.skipif(not __import__("shutil").which("soffice"), reason="LibreOffice not installed")
def test_legacy_doc_through_libreoffice():
    doc = read(ROOT / "tests/data/doc/sample_004.doc")
    assert doc.format == "doc"
    assert "一、加强组织领导" in doc.raw_text


def test_legacy_doc_without_libreoffice_says_how_to_install(monkeypatch):
    from pipeline.ingest import doc as doc_reader

    monkeypatch.setattr(doc_reader, "soffice", lambda: None)
    with pytest.raises(ReaderError) as e:
        read(ROOT / "tests/data/doc/sample_004.doc")
    assert e.value.code == "missing_dependency"
    assert "apt-get install" in e.value.message and "sample_004.doc" in e.value.message


@pytest.mark.parametrize(("head", "fmt"), [
    (b"%PDF-1.7\n", "pdf"), (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "doc"), (b"<!DOCTYPE html><html>", "html"),
    (b"\x89PNG\r\n\x1a\n", "image:a PNG image"), (b"\xef\xbb\xbf<html>", "html"), ("一、总体要求".encode(), None),
])
def test_sniff(head, fmt):
    assert sniff(head) == fmt


def test_cli_text_format_shows_outline():
    out = subprocess.run(taskdb_cmd("extract", str(SAMPLES / "001_8b8311189899811f.txt"), "--format", "text"),
                         capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 0, out.stderr
    assert "## outline" in out.stdout and "一、 提升政治站位" in out.stdout


def test_html_without_paragraphs_reads_line_breaks(tmp_path):
    page = tmp_path / "br.html"
    page.write_text('<html><head><meta charset="utf-8"><title>区应急管理局2024年工作要点 - 某某网</title></head><body>'
                    '<div class="nav"><a href="/">首页</a></div><div id="content">区应急管理局2024年工作要点<br>'
                    '一、压实安全责任<br>1.4月底前,制定年度工作清单。(责任单位:区安委办)<br>'
                    '2.每季度至少召开1次专题会议。(责任单位:区应急局)</div><div class="footer">版权所有 ICP备12345号</div>'
                    '</body></html>', "utf-8")
    from pipeline.api import extract

    doc = extract(page)
    assert "首页" not in doc.text and "ICP" not in doc.text
    assert [s.number for s in doc.sections] == ["一、", "1.", "2."]  # 1.4月底前 is item 1, not the number 1.4
    assert [(t.units[0].name, t.deadlines[0].date or t.deadlines[0].freq) for t in doc.tasks] == [
        ("区安委办", "2024-04-30"), ("区应急局", "quarter")]
