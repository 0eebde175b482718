"""Text encodings: every encoding twin gives exactly the text and sections of its UTF-8 twin.

Contract: .txt in UTF-8, UTF-8 with BOM, GB18030, UTF-16 (BOM) and Big5, and
.html declaring its charset (``<meta charset>`` or ``http-equiv``), decode to
the same cleaned ``text`` and ``sections`` as the UTF-8 file. Traditional
script comes out simplified (the cleaner converts with OpenCC), so the
traditional twins match the simplified base up to the few characters an
s2t -> t2s round trip changes.

Fixtures: ``tests/data/encodings/``, made by ``tests/data/make_fixtures.py``.
"""

from __future__ import annotations

import difflib
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
ENC = ROOT / "tests" / "data" / "encodings"

FILES = [
    "base_utf8.txt",
    "base_utf8_bom.txt",
    "base_gb18030.txt",
    "base_utf16.txt",
    "trad_utf8.txt",
    "trad_big5.txt",
    "page_utf8.html",
    "page_gbk.html",
    "page_gbk_http_equiv.html",
]

# (twin, its UTF-8 reference)
TWINS = [
    ("base_utf8_bom.txt", "base_utf8.txt"),
    ("base_gb18030.txt", "base_utf8.txt"),
    ("base_utf16.txt", "base_utf8.txt"),
    ("trad_big5.txt", "trad_utf8.txt"),
    ("page_gbk.html", "page_utf8.html"),
    ("page_gbk_http_equiv.html", "page_utf8.html"),
]

# Phrases of the base text (no punctuation, so normalising it cannot hide them).
BASE_MARKERS = ("全局干部职工在区委", "扣紧安全责任链条", "牢固树立安全发展理念", "罚款3.4万元")
# Traditional forms s2t produced in trad_*.txt that must not survive the cleaner.
TRADITIONAL_CHARS = "區產會導織險責專應"

CHROME = ("免责声明", "本类热门推荐", "下载中心", "欢迎来到")


def run_cli(*args: str, timeout: float = 600) -> subprocess.CompletedProcess:
    """Run ``python -m pipeline ARGS`` from the repo root; stdout/stderr decoded as UTF-8."""
    proc = subprocess.run(
        [sys.executable, "-m", "pipeline", *args],
        cwd=ROOT,
        capture_output=True,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
    )
    return subprocess.CompletedProcess(
        proc.args, proc.returncode, proc.stdout.decode("utf-8"), proc.stderr.decode("utf-8", "replace")
    )


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def similarity(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()


@pytest.fixture(scope="module")
def cli_run() -> tuple[subprocess.CompletedProcess, list[dict]]:
    """One CLI run over every encoding fixture: (the process, its records in output order)."""
    proc = run_cli("extract", *(str(ENC / f) for f in FILES), "--format", "jsonl")
    records = [json.loads(line) for line in proc.stdout.splitlines() if line.strip()]
    return proc, records


@pytest.fixture(scope="module")
def rec(cli_run) -> dict[str, dict]:
    """Records by file name."""
    _, records = cli_run
    return {Path(r["source"]).name: r for r in records}


def good(records: dict[str, dict], name: str) -> dict:
    assert name in records, f"no record for {name}"
    r = records[name]
    assert "error" not in r, f"{name}: {r['error']}"
    return r


# ---------------------------------------------------------------- the fixtures


def test_encoding_fixtures_are_what_they_claim():
    base = (ENC / "base_utf8.txt").read_text(encoding="utf-8")
    assert (ENC / "base_utf8_bom.txt").read_bytes().startswith(b"\xef\xbb\xbf")
    assert (ENC / "base_utf16.txt").read_bytes().startswith(b"\xff\xfe")
    assert (ENC / "base_utf8_bom.txt").read_text(encoding="utf-8-sig") == base
    assert (ENC / "base_gb18030.txt").read_text(encoding="gb18030") == base
    assert (ENC / "base_utf16.txt").read_text(encoding="utf-16") == base
    # The non-UTF-8 twins really are not UTF-8.
    for name in ("base_gb18030.txt", "base_utf16.txt", "trad_big5.txt", "page_gbk.html", "page_gbk_http_equiv.html"):
        with pytest.raises(UnicodeDecodeError):
            (ENC / name).read_bytes().decode("utf-8")
    trad = (ENC / "trad_utf8.txt").read_text(encoding="utf-8")
    assert (ENC / "trad_big5.txt").read_bytes().decode("big5") == trad
    # The traditional twin differs enough that the >= 0.98 check below means something.
    assert similarity(trad, base) < 0.9
    assert all(ch in trad for ch in TRADITIONAL_CHARS)


# ------------------------------------------------------------------ via the CLI


def test_cli_reads_every_encoding_fixture(cli_run):
    proc, records = cli_run
    assert "Traceback" not in proc.stderr, proc.stderr
    assert [Path(r["source"]).name for r in records] == FILES
    assert [r.get("error") for r in records] == [None] * len(FILES)
    assert proc.returncode == 0, proc.stderr


def test_cli_base_text_is_read_with_its_sections(rec):
    r = good(rec, "base_utf8.txt")
    assert r["format"] == "txt"
    text = squash(r["text"])
    for marker in BASE_MARKERS:
        assert marker in text, marker
    # 一、加强组织领导… and 二、牢固树立安全发展理念… are headings of the text.
    headings = [s["heading"] or "" for s in r["sections"]]
    assert any("加强组织领导" in h for h in headings), headings
    assert any("牢固树立安全发展理念" in h for h in headings), headings
    for s in r["sections"]:
        start, end = s["span"]
        assert 0 <= start < end <= len(r["text"]), s


@pytest.mark.parametrize(("twin", "ref"), TWINS)
def test_cli_twin_gives_same_text_and_sections(rec, twin: str, ref: str):
    a, b = good(rec, twin), good(rec, ref)
    assert b["text"].strip(), f"{ref} gave no text"
    assert a["format"] == b["format"] == ("html" if ref.endswith(".html") else "txt")
    assert a["text"] == b["text"]
    assert a["sections"] == b["sections"]


def test_cli_no_bom_or_nul_in_text(rec):
    for name in ("base_utf8_bom.txt", "base_utf16.txt"):
        text = good(rec, name)["text"]
        assert "\ufeff" not in text and "\x00" not in text, name


def test_cli_traditional_text_comes_out_simplified(rec):
    trad, base = good(rec, "trad_utf8.txt")["text"], good(rec, "base_utf8.txt")["text"]
    for ch in TRADITIONAL_CHARS:
        assert ch not in trad, ch
    ratio = similarity(trad, base)
    assert ratio >= 0.98, f"only {ratio:.3f} of the characters agree with the simplified base"
    big5 = good(rec, "trad_big5.txt")["text"]
    assert big5 == trad
    assert similarity(big5, base) >= 0.98


def test_cli_traditional_text_has_the_base_sections(rec):
    trad, base = good(rec, "trad_utf8.txt"), good(rec, "base_utf8.txt")
    assert [s["number"] for s in trad["sections"]] == [s["number"] for s in base["sections"]]
    assert [s["level"] for s in trad["sections"]] == [s["level"] for s in base["sections"]]


@pytest.mark.parametrize("name", ["page_utf8.html", "page_gbk.html", "page_gbk_http_equiv.html"])
def test_cli_html_body_matches_the_txt(rec, name: str):
    html_text = squash(good(rec, name)["text"])
    txt_text = squash(good(rec, "base_utf8.txt")["text"])
    for marker in BASE_MARKERS:
        assert marker in html_text, marker
    assert similarity(html_text, txt_text) >= 0.9


@pytest.mark.parametrize("name", ["page_utf8.html", "page_gbk.html"])
def test_cli_html_site_chrome_is_not_in_text(rec, name: str):
    text = good(rec, name)["text"]
    for phrase in CHROME:
        assert phrase not in text, phrase


# ------------------------------------------------------------------ via the API


@pytest.mark.parametrize(("twin", "ref"), TWINS)
def test_api_twin_gives_same_text_and_sections(twin: str, ref: str):
    from pipeline.api import extract

    a, b = extract(str(ENC / twin)), extract(str(ENC / ref))
    assert b.text.strip()
    assert a.text == b.text
    assert len(b.sections) >= 2
    assert a.sections == b.sections


def test_api_traditional_text_comes_out_simplified():
    from pipeline.api import extract

    trad = extract(str(ENC / "trad_big5.txt")).text
    base = extract(str(ENC / "base_utf8.txt")).text
    assert not any(ch in trad for ch in TRADITIONAL_CHARS)
    assert similarity(trad, base) >= 0.98
