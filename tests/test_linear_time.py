"""Linear time on adversarial text (the rewritten patterns match as before) and the per-document watchdog.

Times are measured by benchmarks/bench_adversarial.py; here a generous CPU budget only catches a hang (the old
patterns took minutes on 100 kB of one character), and the rewrites are checked to find what the old ones found.
"""

import json
import random
import re
import subprocess
import sys

import pytest

from conftest import CORPORA, ROOT
from pipeline.clean import STEPS, clean_text, steps
from pipeline.clean.mapped import Mapped
from pipeline.extraction import metrics
from pipeline.run import extract, extract_many
from pipeline.watchdog import TooComplex, budget_setting, watch

DOC = CORPORA / "samples" / "004_292e0180c7549e92.txt"

OLD_HIDDEN = re.compile(r"[-—]*\s*此处隐藏[:：]?\s*(\d+)\s*字[,，]?\s*(?:下载后查看|下载后可查看|下载查看)?\s*[-—]*")
OLD_TRAILING = re.compile(r"[ \t]+(?=\n)|(?<=\n)[ \t]+")


def _strings(alphabet, n, seed, longest=14):
    rnd = random.Random(seed)
    for _ in range(n):
        yield "".join(rnd.choice(alphabet) for _ in range(rnd.randint(0, longest)))


def test_hidden_notices_are_found_as_by_the_old_pattern():
    alphabet = ["-", "—", " ", "\t", "\n", "\u3000", "此处隐藏", "此处隐藏:", "12", "字", ",", "下载后查看", "x", "一"]
    for t in _strings(alphabet, 30000, 1):
        assert steps._hidden_notices(t) == [(m.start(), m.end(), m.group(1)) for m in OLD_HIDDEN.finditer(t)], t
    m = steps.remove_hidden_notices(Mapped.of("正文——  此处隐藏:1280字,下载后查看 ——正文"))
    assert m.text == "正文正文" and m.flags[0][0] == "hidden_text"


def test_trailing_blanks_are_found_as_by_the_old_pattern():
    for t in _strings([" ", "\t", "\n", "a", "一"], 30000, 2):
        assert [m.span() for m in steps._TRAILING.finditer(t)] == [m.span() for m in OLD_TRAILING.finditer(t)], t


def test_quantities_are_found_as_by_the_old_pattern():
    old = re.compile(metrics.QUANTITY.pattern.replace(f"(?P<num>{metrics._NUM_FIRST})", f"(?P<num>{metrics._NUM})"))
    assert old.pattern != metrics.QUANTITY.pattern
    alphabet = list("一二两三四五六七八九十零百千万亿近逾5,.a个人次家余多以上 \n-至元") + ["万元", "处", "x"]
    for t in _strings(alphabet, 30000, 3, longest=12):
        assert ([(m.span(), m.groupdict()) for m in metrics.QUANTITY.finditer(t)]
                == [(m.span(), m.groupdict()) for m in old.finditer(t)]), t


FAMILIES = {
    "yi": "一" * 100_000,
    "emdash": "—" * 100_000,
    "hyphen": "-" * 100_000,
    "spaces": "安全" + " " * 100_000 + "生产",
    "newlines": "安全" + "\n" * 100_000 + "生产",
}


# the line model's features (pipeline/learn/boilerplate.py) are still quadratic on a megabyte line of - or of
# digits (see the benchmark): its step is left out here until they are rewritten
_STEPS = [(n, f) for n, f in STEPS if n != "remove_boilerplate"]


@pytest.mark.parametrize("family", sorted(FAMILIES))
def test_runs_of_one_character_clean_and_count_within_a_budget(family):
    """Minutes before (100 kB of 一, of dashes, of spaces); a hang guard here, the times are in the benchmark."""
    text = FAMILIES[family]
    with watch(family, 0, setting=(30.0, 0.0)):
        cleaned = clean_text(text, _STEPS)
        list(metrics.QUANTITY.finditer(cleaned))
        list(metrics.QUANTITY.finditer(text))


def test_budget_setting():
    assert budget_setting("") == (5.0, 20.0)
    assert budget_setting("2+20") == (2.0, 20.0)
    assert budget_setting("3") == (3.0, 0.0)
    assert budget_setting("0") is None and budget_setting("off") is None
    with pytest.raises(ValueError, match="TASKDB_TIME_BUDGET"):
        budget_setting("fast")


def test_watchdog_interrupts_a_real_document_and_the_batch_goes_on(monkeypatch):
    want = extract(DOC).to_record()  # warm: models and dictionaries are loaded
    monkeypatch.setenv("TASKDB_TIME_BUDGET", "0.01+0")
    with pytest.raises(TooComplex) as e:
        extract(DOC)
    assert e.value.code == "too_complex" and str(DOC) in e.value.message and "stage" in e.value.message
    results = list(extract_many([DOC, CORPORA / "no_such_file.txt", DOC]))
    assert [r.code for r in results] == ["too_complex", "not_found", "too_complex"]
    monkeypatch.setenv("TASKDB_TIME_BUDGET", "0")
    assert extract(DOC).to_record() == want  # nothing half-done is left behind by an interruption


def test_watchdog_in_the_cli_cold_start_and_after_a_cut():
    """A fresh process (imports and models load inside the first document): cut, then the next documents whole."""
    other = CORPORA / "samples" / "002_2d6767afaa7999d4.txt"
    clean = subprocess.run([sys.executable, "-m", "pipeline.cli", "extract", str(other), "--format", "jsonl"],
                           cwd=ROOT, capture_output=True, text=True, env={**_env(), "TASKDB_TIME_BUDGET": "0"})
    out = subprocess.run([sys.executable, "-m", "pipeline.cli", "extract", str(DOC), str(other), "--format", "jsonl"],
                         cwd=ROOT, capture_output=True, text=True, env={**_env(), "TASKDB_TIME_BUDGET": "0.2+0"})
    lines = [json.loads(x) for x in out.stdout.splitlines()]
    assert len(lines) == 2 and out.returncode == 2, out.stderr
    assert lines[0]["error"]["code"] == "too_complex"
    second = lines[1]
    if "error" in second:  # this machine ran it too slowly for 0.2 s: then it is the budget, not a broken import
        assert second["error"]["code"] == "too_complex", second
    else:
        assert second == json.loads(clean.stdout)


def test_watchdog_in_ingest_workers(tmp_path):
    db = tmp_path / "t.sqlite"
    out = subprocess.run([sys.executable, "-m", "pipeline.cli", "ingest", str(DOC), "--db", str(db), "--jobs", "2"],
                         cwd=ROOT, capture_output=True, text=True, env={**_env(), "TASKDB_TIME_BUDGET": "0.01+0"})
    assert out.returncode == 2, out.stderr
    import sqlite3

    con = sqlite3.connect(db)
    rows = con.execute("SELECT * FROM errors").fetchall()
    assert any("too_complex" in map(str, r) for r in rows), rows
    assert con.execute("SELECT count(*) FROM documents").fetchone()[0] == 0


def _old_restore_garbled(text):
    """restore_garbled as it was before it decoded each window start once (every window decoded afresh): the
    reference its rewrite must agree with. Returns (text, flags)."""
    m = Mapped.of(text)
    if not steps._suspicious_rx().search(text):
        return m.text, m.flags
    edits, line_start = [], 0
    for line in text.split("\n"):
        i = 0
        while i < len(line):
            if not steps._suspicious(line[i]):
                i += 1
                continue
            best = None
            for back in (1, 0):
                s = i - back
                if s < 0:
                    continue
                for c in range(i + 2, min(len(line), s + 60) + 1):
                    restored = steps._shift(line[s:c])
                    gain = steps._common_score(restored) - steps._common_score(line[s:c])
                    if gain >= 2 and (best is None or gain > best[0]):
                        best = (gain, s, c, restored)
            if best:
                _, s, c, restored = best
                edits.append((line_start + s, line_start + c, restored))
                i = c
            else:
                j = i
                while j < len(line) and (steps._suspicious(line[j]) or j - i < 1):
                    j += 1
                if not (j - i == 1 and steps._ENCLOSED_NUMERAL.match(line[i])):  # an item's ①, as restore_garbled
                    m.flag("garbled_text", "byte-garbled characters that could not be restored", line_start + i,
                           line_start + j)
                i = j
        line_start += len(line) + 1
    for s, e, r in edits:
        m.flag("garbled_text", f"byte-garbled run restored from its GBK bytes: {text[s:e]!r} → {r!r}", s, e)
    m = m.splice(edits)
    return m.text, m.flags


def test_restore_garbled_finds_what_decoding_every_window_found():
    """restore_garbled decodes each window start once (linear, ~20× faster on runs of suspicious characters) and
    restores and flags exactly what decoding every window afresh did: random runs of the suspicious characters
    with Chinese, traditional characters and U+FFFD among them, and corpus sentences read one byte out of step."""
    rnd = random.Random(8)
    alphabet = sorted(steps._suspicious_chars())[:200] + list("区应急管理局开展安全生产检查共企业家，。、（）AB 12乾後裏發\ufffd")
    cases = ["".join(rnd.choice(alphabet) for _ in range(rnd.randint(1, 80))) for _ in range(400)]
    lines = [x.strip() for x in DOC.read_text(encoding="utf-8").splitlines() if len(x.strip()) > 10]
    for line in lines[:60]:
        k = rnd.randint(0, len(line))
        cases.append(line[:k] + steps._shift(line[k:k + rnd.randint(2, 40)]) + line[k + 40:])
        cases.append(steps._shift(line) + "\n" + line)
    restored = 0
    for text in cases:
        m = steps.restore_garbled(Mapped.of(text))
        assert (m.text, m.flags) == _old_restore_garbled(text), text
        restored += m.text != text
    assert restored > 50  # the cases do exercise restoration


def _big_text(path, n_bytes: int):
    """A long text made of corpus documents one after the other (generated: nothing this size is committed)."""
    texts = [f.read_text(encoding="utf-8").strip() for f in sorted(CORPORA.glob("*/*.txt"))]
    out, size, i = [], 0, 0
    while size < n_bytes:
        out.append(texts[i % len(texts)])
        size += len(out[-1].encode("utf-8")) + 2
        i += 1
    path.write_text("\n\n".join(out) + "\n", encoding="utf-8")
    return path


def test_a_text_too_big_for_its_ceiling_or_budget_is_refused_naming_size_and_budget(tmp_path, monkeypatch):
    """Issue 8: a huge text finishes, or is refused by name within its budget. The refusal says how big the document
    is and what budget it had, so that the analyst can split it or raise the ceiling; the next document runs."""
    from pipeline.errors import ReaderError
    from pipeline.watchdog import memory_limit

    if memory_limit("100") is None:
        pytest.skip("no /proc/self/statm here: no memory ceiling")
    big = _big_text(tmp_path / "big.txt", 2_000_000)
    # The ceiling is run in a fresh process: one that has already run hundreds of tests reuses the heap they freed,
    # and its resident size need not grow with the document (CI saw a 2 MB text pass a 100 MB ceiling that way).
    script = ("import json, os, sys\n"
              "from pipeline.run import extract\n"
              "from pipeline.errors import ReaderError\n"
              "extract(sys.argv[1])  # warm: models and dictionaries are not the document's memory\n"
              "os.environ.update(TASKDB_TIME_BUDGET='5+20', TASKDB_MEMORY_LIMIT='40')\n"
              "try:\n"
              "    extract(sys.argv[2])\n"
              "    print(json.dumps({'code': None}))\n"
              "except ReaderError as e:\n"
              "    print(json.dumps({'code': e.code, 'message': e.message}))\n")
    env = {k: v for k, v in _env().items() if k != "TASKDB_MEMORY_LIMIT"}  # 40 MB: the cleaner alone takes ~55 on 2 MB
    out = subprocess.run([sys.executable, "-c", script, str(DOC), str(big)], cwd=ROOT, env=env, capture_output=True,
                         text=True, timeout=600)
    assert out.returncode == 0, out.stderr[-2000:]
    got = json.loads(out.stdout.strip().splitlines()[-1])
    msg = got.get("message", "")
    assert got["code"] == "too_large" and str(big) in msg, got
    assert "a document of 2.0 MB" in msg and "time budget of 45 s" in msg and "ceiling of 40 MB" in msg, msg
    assert "stage 'clean'" in msg and "TASKDB_MEMORY_LIMIT" in msg, msg
    monkeypatch.setenv("TASKDB_MEMORY_LIMIT", "0")
    monkeypatch.setenv("TASKDB_TIME_BUDGET", "0.5+0")
    with pytest.raises(TooComplex) as e:
        extract(big)
    assert "(2.0 MB)" in e.value.message and "0.5 s" in e.value.message, e.value.message
    monkeypatch.delenv("TASKDB_TIME_BUDGET")
    assert extract(DOC).tasks


def _env():
    import os

    return {k: v for k, v in os.environ.items() if k != "TASKDB_TIME_BUDGET"}


def test_deep_html_is_flattened_past_the_cap_and_read(tmp_path):
    """200,000 nested divs took minutes to parse (lexbor is quadratic in depth); past 512 the tags are dropped."""
    from pipeline.ingest.html import MAX_DEPTH, cap_depth

    k = 200_000
    page = tmp_path / "deep.html"
    page.write_text("<html><body>" + "<div>" * k + "<p>安全生产检查</p>" + "</div>" * k + "</body></html>", encoding="utf-8")
    with watch(page, 0, setting=(60.0, 0.0)):
        doc = extract(page, until="read")
    assert "安全生产检查" in doc.raw_text and doc.meta["html_tags_past_depth"] == 2 * (k - MAX_DEPTH)
    flat, n = cap_depth("<div>" * 600 + "x" + "</div>" * 600)
    assert n == 2 * (600 - MAX_DEPTH) and flat == "<div>" * MAX_DEPTH + "x" + "</div>" * MAX_DEPTH
    for f in CORPORA.rglob("*.html"):  # real pages are left as they are
        html = f.read_text(encoding="utf-8", errors="replace")
        assert cap_depth(html) == (html, 0), f
    assert cap_depth("<p><p><li><br><img/>" * 2000)[1] == 0  # elements the parser closes itself do not nest


def test_unit_parenthetical_looks_back_120_characters_as_before():
    def old(text, pos):
        opens = max(text.rfind("(", 0, pos), text.rfind("（", 0, pos), text.rfind("\n", 0, pos))
        if opens < 0 or pos - opens > 120 or re.search(r"[)）]", text[opens:pos]):
            return False
        return metrics.UNIT_PARENTHETICAL.match(text[opens + 1:opens + 8]) is not None

    rnd = random.Random(4)
    for _ in range(3000):
        text = "".join(rnd.choice(["(", "（", ")", "\n", "责任单位:", "牵头单位：", "区安监局", "x" * 50, "一"])
                       for _ in range(rnd.randint(0, 12)))
        for pos in range(0, len(text) + 1, 7):
            assert metrics._in_unit_parenthetical(text, pos) == old(text, pos), (text, pos)


def test_time_budget_option_of_extract_and_ingest(tmp_path):
    """--time-budget: a tiny one makes a real document too_complex and the batch goes on; it overrides the env."""
    other = CORPORA / "samples" / "002_2d6767afaa7999d4.txt"
    missing = tmp_path / "missing.txt"
    out = subprocess.run([sys.executable, "-m", "pipeline.cli", "extract", str(DOC), str(missing), str(other),
                          "--format", "jsonl", "--time-budget", "0.001+0"],
                         cwd=ROOT, capture_output=True, text=True, env={**_env(), "TASKDB_TIME_BUDGET": "0"})
    lines = [json.loads(x) for x in out.stdout.splitlines()]
    assert out.returncode == 2 and [x["error"]["code"] for x in lines] == ["too_complex", "not_found", "too_complex"]
    assert str(DOC) in lines[0]["error"]["message"] and "--time-budget" in lines[0]["error"]["message"]
    # the option wins over the environment: 0 is no limit
    out = subprocess.run([sys.executable, "-m", "pipeline.cli", "extract", str(DOC), "--time-budget", "0"],
                         cwd=ROOT, capture_output=True, text=True, env={**_env(), "TASKDB_TIME_BUDGET": "0.001+0"})
    assert out.returncode == 0 and json.loads(out.stdout)["tasks"], out.stderr
    bad = subprocess.run([sys.executable, "-m", "pipeline.cli", "extract", str(DOC), "--time-budget", "fast"],
                         cwd=ROOT, capture_output=True, text=True, env=_env())
    assert bad.returncode == 1 and "--time-budget" in bad.stderr and not bad.stdout
    help_text = subprocess.run([sys.executable, "-m", "pipeline.cli", "ingest", "--help"], cwd=ROOT,
                               capture_output=True, text=True, env={**_env(), "COLUMNS": "200"}).stdout
    assert "--time-budget" in help_text and "too_complex" in help_text

    import sqlite3

    db = tmp_path / "t.sqlite"
    out = subprocess.run([sys.executable, "-m", "pipeline.cli", "ingest", str(DOC), "--db", str(db),
                          "--time-budget", "0.001+0"], cwd=ROOT, capture_output=True, text=True, env=_env())
    assert out.returncode == 2, out.stderr
    con = sqlite3.connect(db)
    assert [r[0] for r in con.execute("SELECT code FROM errors")] == ["too_complex"]
    assert "0.001+0" in con.execute("SELECT options FROM runs").fetchone()[0]
    con.close()
    out = subprocess.run([sys.executable, "-m", "pipeline.cli", "ingest", str(DOC), "--db", str(db),
                          "--time-budget", "0"], cwd=ROOT, capture_output=True, text=True,
                         env={**_env(), "TASKDB_TIME_BUDGET": "0.001+0"})
    assert out.returncode == 0, out.stderr
    assert sqlite3.connect(db).execute("SELECT count(*) FROM documents").fetchone()[0] == 1


def test_memory_ceiling_stops_a_document_by_name_and_the_next_one_runs(monkeypatch):
    """A document that adds more than TASKDB_MEMORY_LIMIT MB to the process is too_large (not killed by the kernel)."""
    from pipeline.errors import ReaderError
    from pipeline.watchdog import memory_limit

    if memory_limit("100") is None:
        pytest.skip("no /proc/self/statm here: no memory ceiling")
    hog = []
    with pytest.raises(ReaderError) as e:
        with watch("big.txt", 0, setting=None, memory_mb=100):
            while True:
                hog.append(b"x" * 1_000_000)  # touched, so resident
                sum(range(20_000))
    assert e.value.code == "too_large" and "big.txt" in e.value.message and "TASKDB_MEMORY_LIMIT" in e.value.message
    assert 100 < len(hog) < 2000
    extract(DOC)  # warm
    monkeypatch.setenv("TASKDB_MEMORY_LIMIT", "100")  # the kept hog is not counted against the next document
    assert extract(DOC).tasks
    assert memory_limit("0") is None and memory_limit("") == 4000.0
    with pytest.raises(ValueError, match="TASKDB_MEMORY_LIMIT"):
        memory_limit("lots")
