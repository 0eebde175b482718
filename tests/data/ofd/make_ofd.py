"""Make the OFD fixtures of ``tests/data/ofd/`` with ``tests/ofdwriter.py`` (deterministic).

Run from the repository root::

    .venv/bin/python tests/data/ofd/make_ofd.py

Good files (each the text of a corpus document, laid out on A4 pages with the
TextCode positions a producer writes, page numbers at the foot):

    000_3e4d418ab8c79e1d.ofd … 004_292e0180c7549e92.ofd   the five samples, one TextObject per line
    001_per_char.ofd        sample 001 with one TextObject per character
    004_two_columns.ofd     sample 004 in two columns, the text objects of each page in random order
    002_shuffled.ofd        sample 002 with the text objects of each page in random order
    table_ankang.ofd        the pool table plan 01_ankang, its .docx body in order (a metadata table, the
                            notice, the task table 主要任务 | 具体工作内容 | 责任单位 | 完成时限 | 推进情况)
                            drawn as ruled tables whose long cells wrap onto further lines

Made by a real producer, easyofd 20260427 (``easyofd.ofd.OFD().pdf2ofd(pdf_bytes, optional_text=True)``,
the PDF's pages as images with an invisible text layer of TextObjects; its namespace is
http://blog.yuanhaiying.cn, its font size attribute ``size``, its page box in points while the text is placed
in other units). easyofd needs PyMuPDF, so it was run once in a separate venv and its output committed; this
script does not remake them:

    easyofd_000_3e4d418ab8c79e1d.ofd, easyofd_001_8b8311189899811f.ofd, easyofd_004_292e0180c7549e92.ofd
                            from corpora/samples/NNN.pdf

Bad files (tests/test_ofd.py names the code each must give):

    bad_truncated.ofd       a good OFD cut in half (no zip central directory)   corrupt_file
    bad_not_zip.ofd         random bytes named .ofd                            corrupt_file
    bad_no_ofd_xml.ofd      a zip of a good OFD's members without OFD.xml      corrupt_file
    bad_encrypted.ofd       OFD.xml names an Encryptions entry                 encrypted
    bad_broken_xml.ofd      a page's Content.xml cut mid-element               corrupt_file
    bad_missing_page.ofd    Document.xml names a page that is not in the zip   corrupt_file
    bad_no_text.ofd         pages with no text objects (images only)           no_text_layer
    entities.ofd            a page whose XML declares a billion-laughs entity: read, never expanded
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT / "tests"))

from ofdwriter import ofd_files, paragraphs_of, write_ofd, write_package  # noqa: E402

OUT = Path(__file__).resolve().parent
SAMPLES = ROOT / "corpora" / "samples"


def docx_blocks(docx_path: Path) -> list:
    """The body of a .docx in order (python-docx): paragraphs as strings, tables as lists of rows."""
    import docx

    d = docx.Document(str(docx_path))
    W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    out = []
    for el in d.element.body.iterchildren():
        if el.tag == W + "p":
            text = "".join(t.text or "" for t in el.iter(W + "t")).strip()
            if text:
                out.append(text)
        elif el.tag == W + "tbl":
            rows = []
            for tr in el.iter(W + "tr"):
                cells = ["".join(t.text or "" for t in tc.iter(W + "t")).strip() for tc in tr.iterchildren(W + "tc")]
                if any(cells):
                    rows.append(cells)
            if rows:
                out.append(rows)
    return out


def main() -> None:
    for txt in sorted(SAMPLES.glob("*.txt")):
        title, paras = paragraphs_of(txt.read_text(encoding="utf-8"))
        write_ofd(paras, OUT / f"{txt.stem}.ofd", title=title)
    t1, p1 = paragraphs_of((SAMPLES / "001_8b8311189899811f.txt").read_text(encoding="utf-8"))
    write_ofd(p1, OUT / "001_per_char.ofd", title=t1, per_char=True)
    t4, p4 = paragraphs_of((SAMPLES / "004_292e0180c7549e92.txt").read_text(encoding="utf-8"))
    write_ofd(p4, OUT / "004_two_columns.ofd", title=t4, columns=2, shuffle=True, seed=4)
    t2, p2 = paragraphs_of((SAMPLES / "002_2d6767afaa7999d4.txt").read_text(encoding="utf-8"))
    write_ofd(p2, OUT / "002_shuffled.ofd", title=t2, shuffle=True, seed=2)
    blocks = docx_blocks(ROOT / "corpora" / "pool" / "01_ankang_2021_zhuanxiang_zhengzhi_renwuqingdan.docx")
    write_ofd(blocks, OUT / "table_ankang.ofd")

    good = (OUT / "000_3e4d418ab8c79e1d.ofd").read_bytes()
    (OUT / "bad_truncated.ofd").write_bytes(good[: len(good) // 2])
    (OUT / "bad_not_zip.ofd").write_bytes(random.Random(7).randbytes(3000))
    files = ofd_files(p4[:6], title=t4)
    write_package({k: v for k, v in files.items() if k != "OFD.xml"}, OUT / "bad_no_ofd_xml.ofd")
    write_ofd(p4[:6], OUT / "bad_encrypted.ofd", title=t4, encrypt=True)
    broken = dict(files)
    page = broken["Doc_0/Pages/Page_0/Content.xml"]
    broken["Doc_0/Pages/Page_0/Content.xml"] = page[: len(page) // 2]
    write_package(broken, OUT / "bad_broken_xml.ofd")
    missing = {k: v for k, v in files.items() if k != "Doc_0/Pages/Page_0/Content.xml"}
    write_package(missing, OUT / "bad_missing_page.ofd")
    blank = dict(files)
    for k in blank:
        if k.endswith("Content.xml"):
            blank[k] = ('<?xml version="1.0" encoding="UTF-8"?>\n<ofd:Page xmlns:ofd="http://www.ofdspec.org/2016">'
                        '<ofd:Content><ofd:Layer ID="2"><ofd:ImageObject ID="20" Boundary="0 0 210 297" '
                        'ResourceID="9"/></ofd:Layer></ofd:Content></ofd:Page>')
    write_package(blank, OUT / "bad_no_text.ofd")
    bomb = dict(files)
    lol = "".join(f'<!ENTITY lol{i} "{"&lol%d;" % (i - 1) * 10 if i else "lol"}">' for i in range(10))
    page = bomb["Doc_0/Pages/Page_0/Content.xml"]
    decl, rest = page.split("\n", 1)
    rest = rest.replace("</ofd:TextCode>", "&lol9;</ofd:TextCode>", 1)
    bomb["Doc_0/Pages/Page_0/Content.xml"] = f"{decl}\n<!DOCTYPE ofd:Page [{lol}]>{rest}"
    write_package(bomb, OUT / "entities.ofd")


if __name__ == "__main__":
    main()
