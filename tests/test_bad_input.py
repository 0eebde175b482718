"""Bad input: every file that cannot be read is refused with a named code, and a batch goes on.

Contract: SPEC §2. ``taskdb extract FILE... --format jsonl`` prints one JSON
line per input, in input order; a bad file gives ``{"source", "error": {code,
message}}``; exit status 0 when every file was read, 2 when any failed, 1 for a
usage error; never a traceback. ``pipeline.api.extract(path)`` raises
``pipeline.errors.ReaderError`` with the same ``.code`` and a message naming
the file.

Fixtures: ``tests/data/bad/``, made by ``tests/data/make_fixtures.py``.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def _ocr_off(monkeypatch):
    """These fixtures pin the codes of files read without OCR (``--ocr off``, inherited by the CLI through
    TASKDB_OCR): with OCR, scanned.pdf and image.png are read and png_named.pdf (a chart) is ``empty``
    (tests/test_ocr.py)."""
    monkeypatch.setenv("TASKDB_OCR", "off")
DATA = ROOT / "tests" / "data"
BAD = DATA / "bad"
ENC = DATA / "encodings"
GOOD_TXT = ROOT / "corpora" / "samples" / "004_292e0180c7549e92.txt"

ERROR_CODES = {
    "not_found",
    "unsupported_format",
    "corrupt_file",
    "encrypted",
    "no_text_layer",
    "empty",
    "too_large",
    "undecodable",
    "missing_dependency",
    "not_a_regular_file",  # FIFOs, devices, sockets: tests/test_safety.py
    "outside_folder",  # symlinks leaving an ingested folder: tests/test_safety.py
    "too_complex",  # past the per-document time budget: tests/test_linear_time.py
}

# The code each fixture in tests/data/bad/ must be refused with, and why.
EXPECTED_CODES = {
    # 0 bytes.
    "empty.txt": "empty",
    # Decodes fine, but holds nothing but spaces, tabs, newlines and U+3000.
    "whitespace_only.txt": "empty",
    # Claims to be a docx, is not even a zip: a broken file of a known format.
    "corrupt.docx": "corrupt_file",
    # Starts like a zip (PK\x03\x04) but has no central directory.
    "truncated.docx": "corrupt_file",
    # Starts %PDF-, but the first page's content stream is cut and there is no xref or trailer.
    "truncated.pdf": "corrupt_file",
    # A real text PDF locked with a user password.
    "encrypted.pdf": "encrypted",
    # A PDF whose only page is an image of text: a scan, to be OCRed elsewhere.
    "scanned.pdf": "no_text_layer",
    # Random bytes, a fifth of them NULs: no text encoding gives text.
    "binary.txt": "undecodable",
    # Unknown extension, and its bytes (a gzip stream) are no format we read.
    "unsupported.xyz": "unsupported_format",
    # A real PNG: images are not documents we read.
    "image.png": "unsupported_format",
    # The extension lies and the bytes are a PNG: refused as the PNG it is. An
    # analyst reads "unsupported_format: ... is a PNG image" at once; "no_text_layer"
    # would send them looking for a scanned PDF that does not exist.
    "png_named.pdf": "unsupported_format",
}

# Phrases from the start, the middle and the end of the base text (the first
# three lines of the sample) that the good PDF/docx fixtures hold.
BASE_MARKERS = ("全局干部职工在区委", "扣紧安全责任链条", "牢固树立安全发展理念", "罚款3.4万元")

RECORD_KEYS = {"source", "sha256", "format", "title", "doc_type", "year", "issuer", "text", "sections", "tasks", "metrics", "flags"}

GIB = 1 << 30
MIB = 1 << 20


# ----------------------------------------------------------------------- helpers


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


def jsonl(proc: subprocess.CompletedProcess) -> list[dict]:
    """The JSON objects of a jsonl stdout, one per non-blank line (each line must parse)."""
    out = []
    for line in proc.stdout.splitlines():
        if line.strip():
            obj = json.loads(line)
            assert isinstance(obj, dict), line
            out.append(obj)
    return out


def assert_no_traceback(proc: subprocess.CompletedProcess) -> None:
    assert "Traceback" not in proc.stderr, proc.stderr
    assert "Traceback" not in proc.stdout


def fmt_name(value) -> str:
    """A Document's format as a plain string, whether it is a str or a str-Enum."""
    return str(getattr(value, "value", value)).lower()


def squash(text: str) -> str:
    """Text without whitespace, so PDF line wraps do not hide a phrase."""
    return re.sub(r"\s+", "", text)


def run_measured(argv: list[str], timeout: float = 600) -> tuple[int, str, str, int]:
    """Run ``argv`` and return (exit status, stdout, stderr, peak RSS of the child in bytes)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(argv, cwd=ROOT, stdout=out, stderr=err, stdin=subprocess.DEVNULL)
        timer = threading.Timer(timeout, proc.kill)
        timer.start()
        try:
            # wait4 (not Popen.wait) gives this child's own rusage.
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            timer.cancel()
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        # ru_maxrss is in KiB on Linux.
        return proc.returncode, out.read().decode("utf-8"), err.read().decode("utf-8", "replace"), usage.ru_maxrss * 1024


# --------------------------------------------------------------- fixtures exist


def test_error_codes_are_the_pipelines():
    from pipeline.errors import CODES, MEANINGS

    assert set(CODES) == ERROR_CODES and all(MEANINGS[c] for c in CODES)


def test_bad_fixtures_are_committed():
    names = {p.name for p in BAD.iterdir()}
    assert set(EXPECTED_CODES) <= names
    assert {"pdf_named.docx", "docx_named.txt"} <= names
    assert set(EXPECTED_CODES.values()) <= ERROR_CODES
    for p in BAD.iterdir():
        assert p.stat().st_size < 200 * 1024, p


# ------------------------------------------------------- one test per bad file


@pytest.mark.parametrize(("name", "code"), sorted(EXPECTED_CODES.items()))
def test_cli_refuses_bad_file_with_named_code(name: str, code: str):
    path = BAD / name
    proc = run_cli("extract", str(path), "--format", "jsonl")
    assert_no_traceback(proc)
    records = jsonl(proc)
    assert len(records) == 1, proc.stdout
    rec = records[0]
    assert Path(rec["source"]).name == name
    assert "error" in rec, f"{name} was read, expected error {code}: {str(rec)[:300]}"
    assert rec["error"]["code"] == code, rec["error"]
    assert name in rec["error"]["message"]
    assert not rec.get("text"), "an error record carries no text"
    assert proc.returncode == 2, proc.stderr


@pytest.mark.parametrize(("name", "code"), sorted(EXPECTED_CODES.items()))
def test_api_raises_reader_error_with_named_code(name: str, code: str):
    from pipeline.api import extract
    from pipeline.errors import PipelineError, ReaderError

    with pytest.raises(ReaderError) as excinfo:
        extract(str(BAD / name))
    err = excinfo.value
    assert isinstance(err, PipelineError)
    assert err.code == code, f"{name}: {err.code}: {err}"
    assert name in str(err)


def test_cli_missing_path_is_not_found(tmp_path: Path):
    missing = tmp_path / "没有这个文件.docx"
    proc = run_cli("extract", str(missing), "--format", "jsonl")
    assert_no_traceback(proc)
    [rec] = jsonl(proc)
    assert Path(rec["source"]).name == missing.name
    assert rec["error"]["code"] == "not_found"
    assert missing.name in rec["error"]["message"]
    assert proc.returncode == 2


def test_api_missing_path_is_not_found(tmp_path: Path):
    from pipeline.api import extract
    from pipeline.errors import ReaderError

    missing = tmp_path / "missing.pdf"
    with pytest.raises(ReaderError) as excinfo:
        extract(str(missing))
    assert excinfo.value.code == "not_found"
    assert "missing.pdf" in str(excinfo.value)


# ------------------------------------------------------------------------ batch


def test_cli_batch_goes_on_past_bad_files_in_input_order(tmp_path: Path):
    missing = tmp_path / "gone.txt"
    inputs: list[tuple[Path, str | None]] = [
        (GOOD_TXT, None),
        (BAD / "empty.txt", "empty"),
        (BAD / "encrypted.pdf", "encrypted"),
        (missing, "not_found"),
        (ENC / "base_utf8.txt", None),
        (BAD / "corrupt.docx", "corrupt_file"),
        (BAD / "pdf_named.docx", None),
        (BAD / "scanned.pdf", "no_text_layer"),
        (BAD / "binary.txt", "undecodable"),
    ]
    # Names are distinct, so matching by name checks the order.
    assert len({p.name for p, _ in inputs}) == len(inputs)

    proc = run_cli("extract", *(str(p) for p, _ in inputs), "--format", "jsonl")
    assert_no_traceback(proc)
    records = jsonl(proc)
    assert [Path(r["source"]).name for r in records] == [p.name for p, _ in inputs]
    for (path, code), rec in zip(inputs, records):
        if code is None:
            assert "error" not in rec, rec.get("error")
            assert RECORD_KEYS <= set(rec), RECORD_KEYS - set(rec)
            assert rec["text"].strip(), path
            assert rec["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
        else:
            assert rec["error"]["code"] == code, (path.name, rec["error"])
            assert path.name in rec["error"]["message"]
    assert proc.returncode == 2


def test_cli_exit_status_zero_when_every_file_is_read():
    proc = run_cli("extract", str(GOOD_TXT), str(ENC / "base_utf8.txt"), "--format", "jsonl")
    assert_no_traceback(proc)
    records = jsonl(proc)
    assert len(records) == 2
    assert all("error" not in r for r in records), [r.get("error") for r in records]
    assert proc.returncode == 0, proc.stderr


@pytest.mark.parametrize(
    "args",
    [
        pytest.param(("extract", "--format", "jsonl"), id="no-files"),
        pytest.param(("extract", str(GOOD_TXT), "--format", "no-such-format"), id="bad-format"),
        pytest.param(("extract", str(GOOD_TXT), "--no-such-option"), id="bad-option"),
    ],
)
def test_cli_usage_error_exits_1(args: tuple[str, ...]):
    proc = run_cli(*args)
    assert_no_traceback(proc)
    assert proc.returncode == 1, (proc.returncode, proc.stderr)
    assert proc.stderr.strip(), "a usage error says what is wrong"


# ----------------------------------------------------------------- extension lies


def test_cli_pdf_named_docx_is_read_as_pdf():
    proc = run_cli("extract", str(BAD / "pdf_named.docx"), "--format", "jsonl")
    assert_no_traceback(proc)
    [rec] = jsonl(proc)
    assert "error" not in rec, rec.get("error")
    assert rec["format"] == "pdf"
    text = squash(rec["text"])
    for marker in BASE_MARKERS:
        assert marker in text, marker
    assert proc.returncode == 0


def test_cli_docx_named_txt_is_read_as_docx():
    proc = run_cli("extract", str(BAD / "docx_named.txt"), "--format", "jsonl")
    assert_no_traceback(proc)
    [rec] = jsonl(proc)
    assert "error" not in rec, rec.get("error")
    assert rec["format"] == "docx"
    text = squash(rec["text"])
    for marker in BASE_MARKERS:
        assert marker in text, marker
    # Read through the zip, not as bytes: no package names in the text.
    assert "word/document.xml" not in rec["text"] and "Content_Types" not in rec["text"]
    assert proc.returncode == 0


@pytest.mark.parametrize(("name", "fmt"), [("pdf_named.docx", "pdf"), ("docx_named.txt", "docx")])
def test_api_extension_lie_is_read_by_magic_bytes(name: str, fmt: str):
    from pipeline.api import extract

    doc = extract(str(BAD / name))
    assert fmt_name(doc.format) == fmt
    text = squash(doc.text)
    for marker in BASE_MARKERS:
        assert marker in text, marker


def test_cli_png_named_pdf_names_the_real_type():
    proc = run_cli("extract", str(BAD / "png_named.pdf"), "--format", "jsonl")
    assert_no_traceback(proc)
    [rec] = jsonl(proc)
    assert rec["error"]["code"] == "unsupported_format"
    # The file name holds "png" already: look for it in the rest of the message.
    rest = rec["error"]["message"].lower().replace("png_named", "")
    assert "png" in rest, rec["error"]["message"]
    assert proc.returncode == 2


# --------------------------------------------------------------------- zip bomb

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    "</Types>"
)
RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="word/document.xml"/>'
    "</Relationships>"
)
BOMB_SIZE = GIB


@pytest.fixture(scope="session")
def zip_bomb_docx(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A .docx-shaped zip whose word/document.xml inflates to 1 GiB of zeros (about 1 MB on disk)."""
    path = tmp_path_factory.mktemp("zipbomb") / "bomb.docx"
    chunk = bytes(8 * MIB)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", CONTENT_TYPES)
        zf.writestr("_rels/.rels", RELS)
        with zf.open("word/document.xml", "w") as member:
            for _ in range(BOMB_SIZE // len(chunk)):
                member.write(chunk)
    with zipfile.ZipFile(path) as zf:
        declared = sum(i.file_size for i in zf.infolist())
    assert declared >= BOMB_SIZE
    assert path.stat().st_size < 4 * MIB
    return path


@pytest.fixture(scope="session")
def small_docx(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real small .docx (the docx fixture under its true name), for an RSS baseline."""
    path = tmp_path_factory.mktemp("smalldocx") / "small.docx"
    shutil.copyfile(BAD / "docx_named.txt", path)
    return path


def test_cli_zip_bomb_docx_is_too_large_before_inflating(zip_bomb_docx: Path, small_docx: Path):
    base_status, base_out, base_err, base_rss = run_measured(
        [sys.executable, "-m", "pipeline", "extract", str(small_docx), "--format", "jsonl"]
    )
    assert base_status == 0, base_err
    assert "Traceback" not in base_err

    status, out, err, rss = run_measured(
        [sys.executable, "-m", "pipeline", "extract", str(zip_bomb_docx), "--format", "jsonl"]
    )
    assert "Traceback" not in err, err
    [rec] = [json.loads(line) for line in out.splitlines() if line.strip()]
    assert rec["error"]["code"] == "too_large", rec
    assert "bomb.docx" in rec["error"]["message"]
    assert status == 2
    # Inflating the member would add >= 1 GiB. Refusing it costs no more than
    # reading a small docx does (plus slack), and stays far below 1 GiB.
    assert rss < base_rss + 256 * MIB, f"peak RSS {rss / MIB:.0f} MiB vs {base_rss / MIB:.0f} MiB for a small docx"
    assert rss < 0.75 * GIB, f"peak RSS {rss / MIB:.0f} MiB"


API_PROBE = """
import json, sys
from pipeline.api import extract
from pipeline.errors import ReaderError
try:
    extract(sys.argv[1])
except ReaderError as e:
    print(json.dumps({"code": e.code, "message": str(e)}, ensure_ascii=False))
else:
    print(json.dumps({"code": None}))
"""


def test_api_zip_bomb_docx_is_too_large_before_inflating(zip_bomb_docx: Path):
    status, out, err, rss = run_measured([sys.executable, "-c", API_PROBE, str(zip_bomb_docx)])
    assert status == 0, err
    result = json.loads(out.strip().splitlines()[-1])
    assert result["code"] == "too_large", result
    assert "bomb.docx" in result["message"]
    assert rss < 0.75 * GIB, f"peak RSS {rss / MIB:.0f} MiB"
