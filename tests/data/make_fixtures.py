"""Generate the small input fixtures under ``tests/data/bad/`` and ``tests/data/encodings/``.

Run from the repository root::

    .venv/bin/python tests/data/make_fixtures.py

The outputs are committed; this script documents how they were made and can
remake them.  It is deterministic: fixed random seeds, reportlab's
``invariant`` mode (no dates, fixed document id), zip members with a fixed
timestamp, RC4 encryption with a static id (no random IV).  The one input that
depends on the machine is the raster of ``scanned.pdf``/``image.png``, drawn by
pdfium with whatever CJK font fontconfig offers (Noto CJK here).

Content comes from ``corpora/samples/004_292e0180c7549e92.txt`` (a district
emergency-management bureau's 2023 work summary), so every good PDF and docx
holds real Chinese work-safety text.

bad/ (each file must be refused with the code in EXPECTED_CODES, see
tests/test_bad_input.py):

    empty.txt             0 bytes
    whitespace_only.txt   spaces, tabs, newlines, ideographic spaces (U+3000), UTF-8
    corrupt.docx          random bytes named .docx
    truncated.docx        a real docx cut in half (no zip central directory)
    truncated.pdf         a real multi-page CJK text PDF cut in half (no xref, no trailer)
    encrypted.pdf         a real CJK text PDF encrypted with a user password
    scanned.pdf           one page holding only an image of text: no text layer
    binary.txt            random bytes with many NULs: no text encoding
    unsupported.xyz       a gzip stream under an unknown extension
    image.png             a real PNG (a scan of text)

and the extension liars:

    pdf_named.docx        a real text PDF named .docx  -> read as PDF
    docx_named.txt        a real docx named .txt       -> read as docx
    png_named.pdf         a real PNG named .pdf        -> unsupported_format

encodings/ (each twin must give the same ``text`` and ``sections`` as its
UTF-8 twin, see tests/test_encodings.py):

    base_utf8.txt, base_utf8_bom.txt, base_gb18030.txt, base_utf16.txt (LE, BOM)
    trad_utf8.txt, trad_big5.txt     OpenCC s2t of the base text
    page_utf8.html, page_gbk.html (<meta charset="gbk">),
    page_gbk_http_equiv.html (<meta http-equiv ... charset=gb2312>, GBK bytes)
"""

from __future__ import annotations

import gzip
import html
import io
import random
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
SAMPLE = ROOT / "corpora" / "samples" / "004_292e0180c7549e92.txt"
BAD = HERE / "bad"
ENC = HERE / "encodings"

# Characters that OpenCC's s2t yields but Big5 cannot encode, and the Big5
# form an editor would type instead.
BIG5_SUBSTITUTES = {"爲": "為", "着": "著"}

ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)

# Magic numbers of the formats the pipeline reads (and text BOMs): random
# fixtures must not start with any of them by accident.
MAGICS = (b"%PDF", b"PK", b"\x89PNG", b"\xd0\xcf\x11\xe0", b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"<")


def sample_text() -> str:
    return SAMPLE.read_text(encoding="utf-8")


def base_text(limit: int = 1500) -> str:
    """The first lines of the sample whose length is closest to ``limit`` characters, cut at a line end."""
    lines = sample_text().split("\n")
    best, acc = "", ""
    for line in lines:
        nxt = acc + line + "\n"
        if abs(len(nxt) - limit) < abs(len(best) - limit) or not best:
            best = nxt
        if len(nxt) >= limit:
            break
        acc = nxt
    return best


def trad_text(text: str) -> str:
    """Traditional-script version of ``text`` that Big5 can encode in full."""
    import opencc

    converted = opencc.OpenCC("s2t").convert(text)
    out = []
    for ch in converted:
        ch = BIG5_SUBSTITUTES.get(ch, ch)
        try:
            ch.encode("big5")
        except UnicodeEncodeError:
            continue  # dropped: no Big5 form (none left for this sample)
        out.append(ch)
    return "".join(out)


# --------------------------------------------------------------------------- PDF


def text_pdf(text: str, title: str = "2023年安全生产工作总结") -> bytes:
    """A text PDF in the non-embedded CID font STSong-Light (needs no font file)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    font, size, leading = "STSong-Light", 11, 17
    pdfmetrics.registerFont(UnicodeCIDFont(font))
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4, invariant=1, pageCompression=1)
    c.setTitle(title)
    c.setAuthor("taskdb test fixtures")
    width, height = A4
    margin = 56
    usable = width - 2 * margin

    def new_page_text():
        t = c.beginText(margin, height - margin)
        t.setFont(font, size)
        t.setLeading(leading)
        return t

    t = new_page_text()
    y = height - margin
    for para in text.split("\n"):
        if not para.strip():
            continue
        line = ""
        for ch in para:
            if pdfmetrics.stringWidth(line + ch, font, size) > usable:
                if y < margin + leading:
                    c.drawText(t)
                    c.showPage()
                    t, y = new_page_text(), height - margin
                t.textLine(line)
                y -= leading
                line = ""
            line += ch
        if line:
            if y < margin + leading:
                c.drawText(t)
                c.showPage()
                t, y = new_page_text(), height - margin
            t.textLine(line)
            y -= leading
    c.drawText(t)
    c.showPage()
    c.save()
    return buf.getvalue()


def render_first_page(pdf: bytes, scale: float = 1.0):
    """Rasterise page 1 of ``pdf`` to a greyscale PIL image (what a scanner would give)."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(pdf)
    try:
        page = doc[0]
        bitmap = page.render(scale=scale, grayscale=True)
        img = bitmap.to_pil().convert("L")
        page.close()
    finally:
        doc.close()
    return img


def png_bytes(img) -> bytes:
    buf = io.BytesIO()
    img.save(buf, format="PNG", optimize=True)
    return buf.getvalue()


def image_only_pdf(img) -> bytes:
    """One A4 page whose only content is ``img``: no text operators, no fonts."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4, invariant=1, pageCompression=1)
    c.setTitle("扫描件")
    width, height = A4
    c.drawImage(ImageReader(img), 0, 0, width=width, height=height)
    c.showPage()
    c.save()
    return buf.getvalue()


def encrypt_pdf(pdf: bytes, user: str = "taskdb-user", owner: str = "taskdb-owner") -> bytes:
    """``pdf`` encrypted with a user password (RC4-128, R4: deterministic, no random IV)."""
    import pikepdf

    with pikepdf.open(io.BytesIO(pdf)) as p:
        out = io.BytesIO()
        p.save(
            out,
            encryption=pikepdf.Encryption(user=user, owner=owner, R=4, aes=False, metadata=False),
            static_id=True,
        )
    return out.getvalue()


# -------------------------------------------------------------------------- DOCX


def normalise_zip(data: bytes) -> bytes:
    """Rewrite a zip with fixed timestamps and attributes, members in their original order."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            zi = zipfile.ZipInfo(info.filename, date_time=ZIP_EPOCH)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o644 << 16
            dst.writestr(zi, src.read(info.filename))
    return out.getvalue()


def text_docx(text: str, title: str = "2023年安全生产工作总结") -> bytes:
    """A real .docx made with python-docx: a title paragraph, then one paragraph per line."""
    import datetime as dt

    import docx

    d = docx.Document()
    d.add_heading(title, level=1)
    for para in text.split("\n"):
        if para.strip():
            d.add_paragraph(para)
    cp = d.core_properties
    fixed = dt.datetime(2024, 1, 1, 0, 0, 0)
    cp.author = "taskdb test fixtures"
    cp.last_modified_by = "taskdb test fixtures"
    cp.title = title
    cp.created = fixed
    cp.modified = fixed
    cp.last_printed = fixed
    cp.revision = 1
    buf = io.BytesIO()
    d.save(buf)
    return normalise_zip(buf.getvalue())


# ------------------------------------------------------------------------ random


def random_bytes(seed: int, n: int, nul_share: float = 0.0) -> bytes:
    rng = random.Random(seed)
    data = bytearray(rng.getrandbits(8) for _ in range(n))
    for i in range(n):
        if rng.random() < nul_share:
            data[i] = 0
    while data.startswith(MAGICS):
        data[0] = (data[0] + 1) % 256 or 1
    return bytes(data)


def synthetic_png(seed: int = 7) -> bytes:
    """A small picture with no text at all (bars of a chart), as a PNG."""
    from PIL import Image, ImageDraw

    rng = random.Random(seed)
    img = Image.new("RGB", (320, 200), "white")
    draw = ImageDraw.Draw(img)
    draw.line((20, 180, 300, 180), fill="black", width=2)
    draw.line((20, 20, 20, 180), fill="black", width=2)
    for i in range(8):
        h = rng.randint(20, 150)
        x = 35 + i * 33
        draw.rectangle((x, 180 - h, x + 20, 179), fill=(40 + 25 * i, 90, 160))
    return png_bytes(img)


# -------------------------------------------------------------------------- HTML

HTML_TEMPLATE = """<!DOCTYPE html>
<html lang="zh-CN">
<head>
{meta}
<title>2023年安全生产工作总结_区应急管理局</title>
<link rel="stylesheet" href="/css/style.css">
</head>
<body>
<div class="top">欢迎来到区应急管理局门户网站 <a href="/login">登录</a> <a href="/register">注册</a></div>
<nav>
<ul>
<li><a href="/">首页</a></li>
<li><a href="/zwgk/">政务公开</a></li>
<li><a href="/aqsc/">安全生产</a></li>
<li><a href="/download/">下载中心</a></li>
</ul>
</nav>
<div class="crumb">当前位置: <a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a> &gt; 工作总结</div>
<div class="article">
{paragraphs}
</div>
<div class="hot">
<h3>本类热门推荐</h3>
<ul>
<li><a href="/a/1.html">2024年安全生产月活动方案</a></li>
<li><a href="/a/2.html">防汛抗旱应急预案</a></li>
</ul>
</div>
<footer>
<p>免责声明:本站部分内容来源于网络,仅供学习参考,如有侵权请联系删除。</p>
<p>版权所有 区应急管理局 &copy; 2024</p>
</footer>
</body>
</html>
"""


def page_html(text: str, meta: str) -> str:
    paragraphs = "\n".join(f"<p>{html.escape(line, quote=False)}</p>" for line in text.split("\n") if line.strip())
    return HTML_TEMPLATE.format(meta=meta, paragraphs=paragraphs)


# -------------------------------------------------------------------------- main


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    assert len(data) < 200 * 1024, f"{path} is {len(data)} bytes: keep fixtures under 200 KB"


def make_bad() -> None:
    full = sample_text()
    base = base_text()

    _write(BAD / "empty.txt", b"")
    _write(BAD / "whitespace_only.txt", " \t \n\n\u3000\u3000\r\n   \n\t\n".encode("utf-8"))
    _write(BAD / "corrupt.docx", random_bytes(seed=1, n=8 * 1024))
    _write(BAD / "binary.txt", random_bytes(seed=2, n=4 * 1024, nul_share=0.2))
    # gzip's header carries mtime: pin it.
    _write(BAD / "unsupported.xyz", gzip.compress(base.encode("utf-8"), mtime=0))

    docx_full = text_docx(full)
    _write(BAD / "truncated.docx", docx_full[: len(docx_full) // 2])
    _write(BAD / "docx_named.txt", text_docx(base))

    pdf_full = text_pdf(full)
    _write(BAD / "truncated.pdf", pdf_full[: len(pdf_full) // 2])
    _write(BAD / "encrypted.pdf", encrypt_pdf(text_pdf(base)))
    _write(BAD / "pdf_named.docx", text_pdf(base))

    scan = render_first_page(text_pdf(base), scale=1.0)
    _write(BAD / "scanned.pdf", image_only_pdf(scan))
    # The top third of the scan: a screenshot of a document someone saved as PNG.
    _write(BAD / "image.png", png_bytes(scan.crop((0, 0, scan.width, scan.height // 3))))
    _write(BAD / "png_named.pdf", synthetic_png())


def make_encodings() -> None:
    base = base_text()
    _write(ENC / "base_utf8.txt", base.encode("utf-8"))
    _write(ENC / "base_utf8_bom.txt", b"\xef\xbb\xbf" + base.encode("utf-8"))
    _write(ENC / "base_gb18030.txt", base.encode("gb18030"))
    _write(ENC / "base_utf16.txt", b"\xff\xfe" + base.encode("utf-16-le"))

    trad = trad_text(base)
    _write(ENC / "trad_utf8.txt", trad.encode("utf-8"))
    _write(ENC / "trad_big5.txt", trad.encode("big5"))

    _write(ENC / "page_utf8.html", page_html(base, '<meta charset="utf-8">').encode("utf-8"))
    _write(ENC / "page_gbk.html", page_html(base, '<meta charset="gbk">').encode("gbk"))
    # Sites label GBK pages "gb2312"; browsers (WHATWG) decode that label as GBK.
    _write(
        ENC / "page_gbk_http_equiv.html",
        page_html(base, '<meta http-equiv="Content-Type" content="text/html; charset=gb2312">').encode("gbk"),
    )


def main() -> None:
    make_bad()
    make_encodings()
    for d in (BAD, ENC):
        for p in sorted(d.iterdir()):
            print(f"{p.relative_to(ROOT)}\t{p.stat().st_size}")


if __name__ == "__main__":
    main()
