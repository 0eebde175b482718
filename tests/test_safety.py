"""Safe files and exports (issue 8, item 3).

- Only regular files are read: a symlink leaving an ingested folder is refused as
  ``outside_folder`` (unless ``follow_symlinks``), FIFOs, devices and sockets give
  ``not_a_regular_file`` without blocking, and sizes are checked on the bytes
  actually read.
- XML in .docx is parsed without entity expansion; text after an unresolved
  entity is kept.
- CSV and xlsx cells never start with a formula character; xlsx cells are never
  formulas; the values otherwise round-trip.
- Any file name gives exactly one valid JSON line per file, under a strict UTF-8
  stdout too, and ``ingest`` stores or reports it without a traceback.
- Lone surrogates are scrubbed at the reader; ``title`` is plain text; valid
  UTF-8 is read as UTF-8.
"""

from __future__ import annotations

import csv
import io
import json
import os
import socket
import sqlite3
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from conftest import assert_no_live_formulas

from pipeline.errors import CODES, ReaderError
from pipeline.ingest import read
from pipeline.ingest.files import digest, read_regular, walk
from pipeline.safe_text import FORMULA_START, json_line, name_text, scrub

ROOT = Path(__file__).resolve().parents[1]
GOOD_TXT = ROOT / "corpora" / "samples" / "004_292e0180c7549e92.txt"

posix_only = pytest.mark.skipif(os.name != "posix", reason="FIFOs, sockets, /dev and byte file names are POSIX")


def run_cli(*args: str, timeout: float = 300, env: dict | None = None) -> subprocess.CompletedProcess:
    """``python -m pipeline ARGS`` from the repo root; stdout as bytes (the test decodes it strictly)."""
    full_env = {**os.environ, **(env or {})}
    return subprocess.run([sys.executable, "-m", "pipeline", *args], cwd=ROOT, capture_output=True,
                          timeout=timeout, stdin=subprocess.DEVNULL, env=full_env)


def test_new_codes_are_named():
    assert {"not_a_regular_file", "outside_folder"} <= set(CODES)


# ----------------------------------------------------------------------------- regular files only


@posix_only
def test_fifo_is_refused_without_blocking(tmp_path: Path):
    fifo = tmp_path / "x.txt"
    os.mkfifo(fifo)
    with pytest.raises(ReaderError) as e:
        read(fifo)
    assert e.value.code == "not_a_regular_file"
    assert "FIFO" in e.value.message and str(fifo) in e.value.message
    assert digest(fifo, 1000) is None  # the ingest's fingerprint does not open it either


@posix_only
def test_cli_batch_goes_on_past_a_fifo(tmp_path: Path):
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    proc = run_cli("extract", str(fifo), str(GOOD_TXT), "--until", "read", timeout=120)
    lines = proc.stdout.decode("utf-8").splitlines()
    assert len(lines) == 2, proc.stderr.decode()
    first, second = map(json.loads, lines)
    assert first["error"]["code"] == "not_a_regular_file"
    assert "error" not in second
    assert proc.returncode == 2


@posix_only
def test_device_and_socket_are_refused(tmp_path: Path):
    zero = tmp_path / "zero.txt"
    zero.symlink_to("/dev/zero")  # read to its end, this would never stop
    with pytest.raises(ReaderError) as e:
        read(zero)
    assert e.value.code == "not_a_regular_file" and "character device" in e.value.message
    sock_path = tmp_path / "s.txt"
    with socket.socket(socket.AF_UNIX) as s:
        s.bind(str(sock_path))
        with pytest.raises(ReaderError) as e:
            read(sock_path)
    assert e.value.code == "not_a_regular_file" and "socket" in e.value.message


@pytest.mark.skipif(not Path("/proc/self/maps").is_file(), reason="needs /proc (a regular file that lies about its size)")
def test_size_is_checked_on_the_bytes_read(monkeypatch):
    # /proc files are regular files that say they hold 0 bytes: only the bytes actually read can tell
    proc_file = Path("/proc/self/maps")
    assert proc_file.stat().st_size == 0
    import pipeline.ingest.files as files

    read_sizes = []
    real_read = os.read

    def counting_read(fd, n):
        b = real_read(fd, n)
        read_sizes.append(len(b))
        return b

    monkeypatch.setattr(files.os, "read", counting_read)
    with pytest.raises(ReaderError) as e:
        read_regular(proc_file, 100)
    assert e.value.code == "too_large"
    assert sum(read_sizes) <= 101  # never more than the limit + 1
    with pytest.raises(ReaderError) as e:
        read(proc_file, max_bytes=100)
    assert e.value.code == "too_large"
    assert digest(proc_file, 100) is None
    assert len(read_regular(proc_file, 10_000_000)) > 100  # under the limit it is read whole


def test_read_regular_reads_files_whole(tmp_path: Path):
    p = tmp_path / "a.txt"
    p.write_bytes(b"x" * 3_000_000)
    assert read_regular(p, 3_000_000) == b"x" * 3_000_000
    with pytest.raises(ReaderError) as e:
        read_regular(p, 2_999_999)
    assert e.value.code == "too_large"
    sha, _mtime, size = digest(p, 3_000_000)
    import hashlib

    assert sha == hashlib.sha256(b"x" * 3_000_000).hexdigest() and size == 3_000_000


@posix_only
def test_walk_refuses_symlinks_out_of_the_folder(tmp_path: Path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text("机密", encoding="utf-8")
    docs = tmp_path / "docs"
    (docs / "sub").mkdir(parents=True)
    (docs / "ok.txt").write_text("安全生产", encoding="utf-8")
    (docs / "p.txt").symlink_to(outside / "secret.txt")
    (docs / "same.txt").symlink_to(docs / "ok.txt")  # inside the folder: read
    (docs / "sub" / "up.txt").symlink_to("../ok.txt")
    (docs / "linkdir").symlink_to(outside)
    (docs / "loop").symlink_to(docs)
    files, refused = walk([docs], {".txt"})
    assert sorted(p.name for p in files) == ["ok.txt", "same.txt", "up.txt"]
    assert {r.path.name: r.code for r in refused} == {"p.txt": "outside_folder", "linkdir": "outside_folder"}
    assert all(str(r.path) in r.message and "--follow-symlinks" in r.message for r in refused)
    files, refused = walk([docs], {".txt"}, follow_symlinks=True)
    assert not refused
    names = sorted(p.name for p in files)
    assert names.count("secret.txt") == 1 and "p.txt" in names  # each real folder walked once, no loop
    # a file named explicitly is the caller's choice
    files, refused = walk([docs / "p.txt"], {".txt"})
    assert files == [docs / "p.txt"] and not refused


def test_a_folder_s_notes_are_not_documents(tmp_path: Path):
    """README.md / SOURCE.md beside the documents of a folder (as in corpora/) are not ingested;
    a .md file named explicitly is read as text."""
    from pipeline.store.ingest import supported_extensions

    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "ok.txt").write_bytes(GOOD_TXT.read_bytes())
    (docs / "README.md").write_text("# 说明\n本文件夹收录各区工作总结。", encoding="utf-8")
    (docs / "SOURCE.md").write_text("来源:某区应急管理局网站", encoding="utf-8")
    files, refused = walk([docs], supported_extensions())
    assert [p.name for p in files] == ["ok.txt"] and not refused
    files, _ = walk([docs / "README.md"], supported_extensions())
    assert files == [docs / "README.md"]


@posix_only
def test_ingest_refuses_links_out_and_special_files_by_name(tmp_path: Path):
    from pipeline.api import ingest

    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "passwd.txt").write_text("root:x:0:0:root:/root:/bin/bash\n" * 3, encoding="utf-8")
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "ok.txt").write_bytes(GOOD_TXT.read_bytes())
    (docs / "p.txt").symlink_to(outside / "passwd.txt")
    (docs / "z.txt").symlink_to("/dev/zero")
    os.mkfifo(docs / "f.txt")
    db = tmp_path / "t.sqlite"
    report = ingest([docs], db)
    assert report.stored == 1 and report.n_files == 4
    codes = {Path(f.path).name: f.code for f in report.failed}
    assert codes == {"p.txt": "outside_folder", "z.txt": "outside_folder", "f.txt": "not_a_regular_file"}
    with sqlite3.connect(db) as conn:
        rows = dict(conn.execute("select path, code from errors").fetchall())
        texts = [t for (t,) in conn.execute("select text from documents")]
    assert {Path(p).name: c for p, c in rows.items()} == codes
    assert not any("root:x" in t for t in texts)
    # followed on request: the link's target is read, the device and the FIFO still refused (in worker processes)
    report = ingest([docs], db, follow_symlinks=True, jobs=2)
    codes = {Path(f.path).name: f.code for f in report.failed}
    assert codes == {"z.txt": "not_a_regular_file", "f.txt": "not_a_regular_file"}
    assert report.stored == 1


# ----------------------------------------------------------------------------- XML in .docx


def _docx_with(document_xml_edit) -> bytes:
    import docx

    d = docx.Document()
    d.add_paragraph("MARKER")
    buf = io.BytesIO()
    d.save(buf)
    src = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "word/document.xml":
                data = document_xml_edit(data.decode("utf-8")).encode("utf-8")
            z.writestr(info.filename, data)
    return out.getvalue()


def test_docx_external_entity_is_not_read_and_text_after_it_is_kept(tmp_path: Path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOPSECRET", encoding="utf-8")
    decl = f'<!DOCTYPE w:document [<!ENTITY ext SYSTEM "{secret.as_uri()}"><!ENTITY inner "内部">]>'
    data = _docx_with(lambda s: s.replace("<w:document", decl + "<w:document", 1)
                      .replace("MARKER", "安全生产&ext;工作要点&inner;全文"))
    p = tmp_path / "x.docx"
    p.write_bytes(data)
    doc = read(p)
    assert "TOPSECRET" not in doc.raw_text and "内部" not in doc.raw_text  # never expanded
    assert doc.raw_text == "安全生产工作要点全文"  # the text after each entity is kept


def test_docx_billion_laughs_is_refused(tmp_path: Path):
    ents = '<!ENTITY l0 "lol">' + "".join(
        f'<!ENTITY l{i} "{("&l" + str(i - 1) + ";") * 10}">' for i in range(1, 10))
    data = _docx_with(lambda s: s.replace("<w:document", f"<!DOCTYPE w:document [{ents}]><w:document", 1)
                      .replace("MARKER", "前文&l9;后文"))
    p = tmp_path / "lol.docx"
    p.write_bytes(data)
    try:
        doc = read(p)
    except ReaderError as e:
        assert e.code in ("corrupt_file", "too_large")
    else:
        assert "lol" not in doc.raw_text


# ----------------------------------------------------------------------------- exports

PLAN = "\n".join([
    '=HYPERLINK("http://evil.example/","点击查看")安全生产工作要点',
    "一、=SUM(A1:A9)加强隐患排查治理",
    "(一)+开展危化品专项整治。(牵头单位:=区住建局;配合单位:@区消防救援大队)2024年6月30日前完成。",
    "(二)-开展燃气安全检查。(责任单位:+区应急管理局)2024年9月底前完成。",
    "二、@做好汛期安全",
    "(一)\t=制定防汛预案。(责任单位:-区水务局)2024年5月底前完成。",
    "三、\r加强宣传",
    "全年排查隐患1200处,整改1180处。",
])


@pytest.fixture(scope="module")
def formula_db(tmp_path_factory) -> Path:
    from pipeline.api import ingest

    d = tmp_path_factory.mktemp("formula")
    (d / "docs").mkdir()
    (d / "docs" / "plan.txt").write_bytes(PLAN.encode("utf-8"))
    db = d / "f.sqlite"
    report = ingest([d / "docs"], db)
    assert report.stored == 1, report.failed
    return db


def _unquote(cell: str) -> str:
    return cell[1:] if cell.startswith("'") and cell[1:].startswith(FORMULA_START) else cell


def _is_number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


def test_csv_export_has_no_formula_cells_and_round_trips(formula_db: Path, tmp_path: Path):
    from pipeline.store.export import export
    from pipeline.store.read import TaskDB

    with TaskDB(str(formula_db)) as db:
        flat = db.tasks_flat()
        written = export(db, tmp_path / "csv", "csv")
    dangerous = {v for col in ("title", "section", "units", "lead", "support", "responsible")
                 for v in flat[col].dropna() if str(v).startswith(FORMULA_START)}
    assert len(dangerous) >= 5, flat  # the database does hold such values: the export must escape them
    quoted = 0
    for path in written:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            for row in csv.reader(fh):
                for cell in row:
                    assert not cell.startswith(FORMULA_START) or _is_number(cell), (path.name, cell)
                    quoted += cell.startswith("'")
    assert quoted >= len(dangerous)
    with (tmp_path / "csv" / "tasks_flat.csv").open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == len(flat)
    for row, (_, want) in zip(rows, flat.iterrows()):
        for col in ("title", "section", "task", "units", "lead", "support", "responsible", "deadlines"):
            expected = "" if want[col] is None or want[col] != want[col] else str(want[col])
            assert _unquote(row[col]) == expected, (col, row[col], expected)


def test_xlsx_export_has_no_formulas_and_round_trips(formula_db: Path, tmp_path: Path):
    import openpyxl

    from pipeline.store.export import export
    from pipeline.store.read import TaskDB

    with TaskDB(str(formula_db)) as db:
        flat = db.tasks_flat()
        (out,) = export(db, tmp_path / "t.xlsx", "xlsx")
    wb = openpyxl.load_workbook(out)
    assert_no_live_formulas(wb)
    ws = wb["tasks"]  # the analyst's sheet: units by role under 牵头 / 配合 / 负责, canonical names
    header = [c.value for c in ws[1]]
    got = [dict(zip(header, (c.value for c in r))) for r in ws.iter_rows(min_row=2)]
    assert len(got) == len(flat)
    with TaskDB(str(formula_db)) as db:
        links = db.task_units()
    for row, (_, want) in zip(got, flat.iterrows()):
        for col in ("title", "section", "task"):
            expected = None if want[col] is None or want[col] != want[col] else str(want[col])
            value = row[col] if row[col] is None else _unquote(row[col])
            assert (value or None) == (expected or None), (col, row[col], expected)  # xlsx keeps no empty text
        mine = links[(links["sha256"] == want["sha256"]) & (links["task_id"] == want["task_id"])]
        for role, col in (("lead", "牵头"), ("support", "配合"), ("responsible", "负责")):
            expected = "; ".join(dict.fromkeys(mine.loc[mine["role"] == role, "canonical"])) or None
            value = row[col] if row[col] is None else _unquote(row[col])
            assert value == expected, (col, row[col], expected)


def test_query_csv_escapes_formula_cells(capsys):
    from pipeline.store.console import print_rows

    print_rows([{"unit": "=区住建局", "n": -3, "note": "+1"}, {"unit": "区应急局", "n": 2, "note": None}],
               ["unit", "n", "note"], "csv")
    out = capsys.readouterr().out
    assert out.startswith("\ufeff")  # a BOM, so that Excel on Windows reads UTF-8 (issue 9)
    rows = list(csv.reader(io.StringIO(out.removeprefix("\ufeff"))))
    assert rows == [["unit", "n", "note"], ["'=区住建局", "-3", "'+1"], ["区应急局", "2", ""]]


# ----------------------------------------------------------------------------- file names and JSON lines

NAMES = [b"bad\xffname.txt", "line\u2028sep.txt".encode(), "nel\u0085x.txt".encode(), b"new\nline.txt",
         b"tab\tname.txt", "para\u2029.txt".encode(), b"cr\rname.txt", "普通.txt".encode()]


@posix_only
@pytest.mark.parametrize("stdout_encoding", ["utf-8:strict", "utf-8"])
def test_any_file_name_gives_one_json_line(tmp_path: Path, stdout_encoding: str):
    folder = os.fsencode(tmp_path)
    paths = []
    for i, name in enumerate(NAMES):
        p = os.path.join(folder, name)
        with open(p, "wb") as fh:  # the text holds line separators too
            fh.write(f"安全生产工作要点{i}\n一、加强隐患\u2028排查\u0085治理。\n".encode())
        paths.append(p)
    paths.append(os.path.join(folder, b"missing\xfe\n.txt"))  # an error record for a bad name too
    proc = subprocess.run([sys.executable, "-m", "pipeline", "extract", *paths, "--until", "structure"],
                          cwd=ROOT, capture_output=True, timeout=300, stdin=subprocess.DEVNULL,
                          env={**os.environ, "PYTHONIOENCODING": stdout_encoding})
    assert b"Traceback" not in proc.stderr, proc.stderr.decode("utf-8", "replace")
    text = proc.stdout.decode("utf-8")  # strict: valid UTF-8 only
    lines = text.splitlines()
    assert len(lines) == len(paths), lines
    records = [json.loads(line) for line in lines]
    assert [r["source"] for r in records] == [name_text(os.fsdecode(p)) for p in paths]
    assert records[0]["source"].endswith("bad\\xffname.txt")
    assert all("error" not in r for r in records[:-1])
    assert records[-1]["error"]["code"] == "not_found"
    assert proc.returncode == 2


@posix_only
def test_ingest_stores_any_file_name(tmp_path: Path):
    folder = tmp_path / "docs"
    folder.mkdir()
    for i, name in enumerate(NAMES):
        with open(os.path.join(os.fsencode(folder), name), "wb") as fh:
            fh.write(f"安全生产工作要点{i}\n一、加强隐患排查。\n".encode())
    with open(os.path.join(os.fsencode(folder), b"empty\xff.txt"), "wb"):
        pass  # a failure with a bad name: reported, not a traceback
    db = tmp_path / "n.sqlite"
    proc = run_cli("ingest", str(folder), "--db", str(db), env={"PYTHONIOENCODING": "utf-8:strict"})
    err = proc.stderr.decode("utf-8", "replace")
    assert b"Traceback" not in proc.stdout and "Traceback" not in err, err
    assert proc.returncode == 2, err  # the empty file failed
    with sqlite3.connect(db) as conn:
        stored = {p for (p,) in conn.execute("select path from document_paths")}
        errors = dict(conn.execute("select path, code from errors").fetchall())
    assert stored == {name_text(os.path.join(os.fsencode(folder), n)) for n in NAMES}
    assert errors == {name_text(os.path.join(os.fsencode(folder), b"empty\xff.txt")): "empty"}
    # run again: every name is recognised as stored, nothing parsed twice
    proc = run_cli("ingest", str(folder), "--db", str(db), env={"PYTHONIOENCODING": "utf-8:strict"})
    assert b"already stored" in proc.stdout and b"0 new" in proc.stdout, proc.stdout.decode()


def test_impossible_names_from_the_api_are_named_errors():
    import pipeline

    names = ["a\ud800.txt", "a\x00b.txt", Path("c\ud800\udcff.txt")]
    results = list(pipeline.extract_many(names))
    assert [r.code for r in results] == ["not_found"] * 3
    for r in results:
        line = json_line(r.to_record())
        line.encode("utf-8")
        assert "\x00" not in r.message and len(line.splitlines()) == 1
    assert name_text("a\x00b") == "a\\x00b" and name_text(b"\xff\xfe") == "\\xff\\xfe"


def test_json_line_never_splits_and_is_strict_utf8():
    rec = {"source": "a\u2028b\u2029c\x85d\udcffe\ud800", "text": "安全\n生产\x1c\x1d\x1e\x0b\x0c"}
    line = json_line(rec)
    assert len(line.splitlines()) == 1
    line.encode("utf-8")  # strict
    back = json.loads(line)
    assert back["source"] == "a\u2028b\u2029c\x85d\\xffe\\ud800" and back["text"] == rec["text"]
    assert "安全" in line  # readable, not \\u-escaped


# ----------------------------------------------------------------------------- text


def test_lone_surrogates_are_scrubbed_at_the_reader(tmp_path: Path, monkeypatch):
    from pipeline.clean import clean
    from pipeline.ingest import from_text

    text = "區應急管理局\ud800牽頭,國家安全生產監督管理\udfff" * 3  # traditional: goes through OpenCC
    doc = clean(from_text(text))
    assert "\ufffd" in doc.text and "区应急管理局" in doc.text
    assert scrub("a\ud800b") == "a\ufffdb"
    # a parser that lets one through (a PDF's ToUnicode map can): read() scrubs it, in the blocks too
    import pipeline.ingest.txt as txt

    real = txt.read
    monkeypatch.setattr(txt, "read", lambda path, data, **kw: (lambda r: ("安全\ud83d生产\n" + r[0], r[1], r[2]))(
        real(path, data, **kw)))
    p = tmp_path / "a.txt"
    p.write_text("一、加强隐患排查。", encoding="utf-8")
    doc = read(p)
    assert "\ud83d" not in doc.raw_text and "安全\ufffd生产" in doc.raw_text
    doc.raw_text.encode("utf-8")


def test_html_title_is_plain_text(tmp_path: Path):
    from pipeline.api import extract

    p = tmp_path / "t.html"
    p.write_text("<html><head><meta charset='utf-8'><title>关于做好安全生产<script>alert(1)</script>工作的"
                 "<b>通知</b></title></head><body><div class='content'><p>各街道:</p>"
                 "<p>一、加强隐患排查治理。</p></div></body></html>", encoding="utf-8")
    doc = extract(p, until="structure")
    assert doc.meta["html_title"] == "关于做好安全生产工作的通知"
    assert doc.title and "<" not in doc.title and "alert" not in doc.title


def test_valid_utf8_is_read_as_utf8(tmp_path: Path):
    text = "ǎ区ǎ区ǎ区安全生产ǎ区ǎ区\n" * 20
    p = tmp_path / "u.txt"
    p.write_bytes(text.encode("utf-8"))
    doc = read(p)
    assert doc.meta["encoding"] == "utf-8"
    assert doc.raw_text == text.rstrip("\n") or doc.raw_text == text
    # GBK bytes still go to detection
    p.write_bytes("安全生产工作要点,区应急管理局牵头开展隐患排查治理。\n".encode("gbk") * 5)
    assert read(p).meta["encoding"] == "gb18030"
