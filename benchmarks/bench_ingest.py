"""Speed of taskdb's readers and of the whole pipeline, as ratios against the bare libraries.

Run from the repository root:

    .venv/bin/python benchmarks/bench_ingest.py              # prints the tables
    .venv/bin/python benchmarks/bench_ingest.py --repeat 5 --json bench.json

Every figure is measured in the same run as its baseline, on the same files, so
the ratios hold on any machine; absolute times do not.

1. Readers. Per format (txt, docx, pdf, html), on corpora/samples, corpora/pool
   and benchmarks/data/long_plan.*: the time of ``pipeline.ingest.read`` (reader
   only) and of ``pipeline.api.extract`` (read -> clean -> structure -> extract)
   over all the files, against the bare library call on the same files:
   pdf  - pdfplumber ``page.extract_text()`` over all pages;
   docx - python-docx: ``docx.Document(path)``, every paragraph's and table cell's text;
   txt  - ``Path.read_bytes().decode(...)`` with charset_normalizer ``from_bytes(...).best()``;
   html - selectolax ``LexborHTMLParser(html).body.text()``.
   Each is warmed up once (imports, caches), then run N times (``--repeat``); the
   best (minimum) time counts. ratio = bare time / our time: higher is better,
   above 1 means taskdb is faster. Rates use one character count per format (the
   length of ``read``'s raw_text) so that all rates of a row are comparable.

2. Batch, process start included on both sides: five copies of the long plan
   (60 pages), ``taskdb extract f1 ... f5 --format jsonl > /dev/null`` against a
   ``python -c`` script that does the bare pdfplumber (or python-docx) walk on
   the same five files. Targets: on PDFs taskdb takes less time than bare
   pdfplumber; on docx less than 3x the bare walk. Start-up: ``taskdb --help``
   and ``python -c "import pipeline"`` against ``python -c pass``.

A full run takes about two minutes, most of it bare pdfplumber. Nothing
here asserts on times: it is a measurement, not a test.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLES, POOL, DATA = ROOT / "corpora" / "samples", ROOT / "corpora" / "pool", ROOT / "benchmarks" / "data"
PYTHON = sys.executable
TASKDB = str(Path(PYTHON).parent / "taskdb") if (Path(PYTHON).parent / "taskdb").exists() else shutil.which("taskdb")
FORMATS = ("txt", "docx", "pdf", "html")


# --- the bare library calls (baselines) -------------------------------------------------------------------------

def bare_txt(path: Path) -> tuple[str, int]:
    from charset_normalizer import from_bytes

    data = path.read_bytes()
    return data.decode(from_bytes(data).best().encoding), 0


def bare_docx(path: Path) -> tuple[str, int]:
    import docx

    d = docx.Document(str(path))
    parts = [p.text for p in d.paragraphs]
    parts += [cell.text for table in d.tables for row in table.rows for cell in row.cells]
    return "\n".join(parts), 0


def bare_pdf(path: Path) -> tuple[str, int]:
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        return "\n".join(page.extract_text() or "" for page in pdf.pages), len(pdf.pages)


def bare_html(path: Path) -> tuple[str, int]:
    from selectolax.lexbor import LexborHTMLParser

    return LexborHTMLParser(path.read_bytes().decode("utf-8", errors="replace")).body.text(), 0


BARE = {"txt": bare_txt, "docx": bare_docx, "pdf": bare_pdf, "html": bare_html}

# the same walks as scripts for a fresh interpreter (section 2): files are sys.argv[1:]
BARE_PDF_SCRIPT = ("import sys, pdfplumber\n"
                   "for f in sys.argv[1:]:\n"
                   "    with pdfplumber.open(f) as pdf:\n"
                   "        [page.extract_text() for page in pdf.pages]\n")
BARE_DOCX_SCRIPT = ("import sys, docx\n"
                    "for f in sys.argv[1:]:\n"
                    "    d = docx.Document(f)\n"
                    "    [p.text for p in d.paragraphs]\n"
                    "    [c.text for t in d.tables for r in t.rows for c in r.cells]\n")


# --- helpers -------------------------------------------------------------------------------------------------------

def corpus(fmt: str) -> list[Path]:
    """The files of one format: the samples, the pool, and the long plan where it exists."""
    files = sorted(SAMPLES.glob(f"*.{fmt}")) + sorted(POOL.glob(f"*.{fmt}"))
    return files + ([DATA / f"long_plan.{fmt}"] if (DATA / f"long_plan.{fmt}").exists() else [])


def best_of(fn, repeat: int):
    """Warm up once, then run ``fn()`` ``repeat`` times: (minimum wall time in s, the warm-up's result)."""
    result = fn()
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times), result


def best_of_clocks(fn, repeat: int):
    """As :func:`best_of`, timing each run by the wall clock and by the process's CPU time: (minimum wall s, minimum
    CPU s, the warm-up's result). On a machine other jobs load, CPU time moves less than wall time."""
    result = fn()
    walls, cpus = [], []
    for _ in range(repeat):
        t0, c0 = time.perf_counter(), time.process_time()
        fn()
        walls.append(time.perf_counter() - t0)
        cpus.append(time.process_time() - c0)
    return min(walls), min(cpus), result


def pipeline_stamp() -> dict[str, int]:
    """Modification times of pipeline/'s files, to tell whether the code changed during the run."""
    return {str(f): f.stat().st_mtime_ns for f in sorted((ROOT / "pipeline").rglob("*"))
            if f.is_file() and "__pycache__" not in f.parts}


def run(cmd: list[str]) -> None:
    """Run a command, output to /dev/null; a failure is reported, not timed."""
    res = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if res.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd[:3])} ... exited {res.returncode}: {res.stderr.strip()[-2000:]}")


# --- section 1: readers ---------------------------------------------------------------------------------------------

def bench_reader(fmt: str, repeat: int) -> dict:
    """Reader and whole pipeline against the bare library call, on every file of one format."""
    from pipeline.api import extract
    from pipeline.ingest import read

    files = corpus(fmt)
    t_bare, bare = best_of(lambda: [BARE[fmt](f) for f in files], repeat)
    t_read, docs = best_of(lambda: [read(f) for f in files], repeat)
    t_extract, _ = best_of(lambda: [extract(f) for f in files], repeat)
    chars = sum(len(d.raw_text) for d in docs)
    pages = sum(d.meta.get("pages", 0) for d in docs) if fmt == "pdf" else 0
    bare_chars = sum(len(text) for text, _ in bare)
    row = {"format": fmt, "files": len(files), "pages": pages, "chars": chars, "bare_chars": bare_chars,
           "bare_s": t_bare, "read_s": t_read, "extract_s": t_extract,
           "read_ratio": t_bare / t_read, "extract_ratio": t_bare / t_extract}
    for name, t in (("bare", t_bare), ("read", t_read), ("extract", t_extract)):
        row[f"{name}_chars_per_s"] = chars / t
        row[f"{name}_pages_per_s"] = pages / t if pages else None
    return row


def print_readers(rows: list[dict], repeat: int) -> None:
    print(f"1. Readers: best of {repeat} after one warm-up; ratio = bare time / our time "
          "(higher is better, >1 = taskdb faster)")
    print("   chars = characters of read()'s raw_text (bare chars: of the bare call's text); rates in kchar/s, pages/s")
    head = ("reader", "files", "pages", "chars", "bare chars", "bare ms", "read ms", "extract ms",
            "bare kc/s", "read kc/s", "extract kc/s", "read p/s", "extr p/s", "read ratio", "extract ratio")
    widths = [max(len(h), 6) for h in head]
    print("  ".join(h.rjust(w) for h, w in zip(head, widths)))
    for r in rows:
        pps = lambda k: f"{r[k]:.1f}" if r[k] else "-"  # noqa: E731
        cells = (r["format"], r["files"], r["pages"] or "-", r["chars"], r["bare_chars"],
                 f"{r['bare_s'] * 1e3:.1f}", f"{r['read_s'] * 1e3:.1f}", f"{r['extract_s'] * 1e3:.1f}",
                 f"{r['bare_chars_per_s'] / 1e3:.0f}", f"{r['read_chars_per_s'] / 1e3:.0f}",
                 f"{r['extract_chars_per_s'] / 1e3:.0f}", pps("read_pages_per_s"), pps("extract_pages_per_s"),
                 f"{r['read_ratio']:.3g}", f"{r['extract_ratio']:.3g}")
        print("  ".join(str(c).rjust(w) for c, w in zip(cells, widths)))


# --- section 2: batch and start-up, in fresh processes -----------------------------------------------------------

def bench_batch(fmt: str, script: str, limit: float, tmp: Path, repeat: int, until: str | None = None) -> dict:
    """Five copies of the long plan: ``taskdb extract`` against a bare-library script, both as subprocesses.

    ``until="structure"`` measures the ingest stages alone (read, clean, structure), as issue #2 set the target.
    """
    files = []
    for i in range(1, 6):
        files.append(str(tmp / f"long_plan_{i}.{fmt}"))
        if not Path(files[-1]).exists():
            shutil.copyfile(DATA / f"long_plan.{fmt}", files[-1])
    stages = ["--until", until] if until else []
    t_ours, _ = best_of(lambda: run([TASKDB, "extract", *files, "--format", "jsonl", *stages]), repeat)
    t_bare, _ = best_of(lambda: run([PYTHON, "-c", script, *files]), repeat)
    return {"format": fmt + (f" (--until {until})" if until else ""), "files": len(files), "taskdb_s": t_ours,
            "bare_s": t_bare, "ratio": t_bare / t_ours,
            "target": f"taskdb < {limit:g} x bare", "holds": t_ours < limit * t_bare}


def bench_startup(repeat: int) -> dict:
    """Wall time of a bare interpreter, of ``import pipeline`` and of ``taskdb --help``."""
    base, _ = best_of(lambda: run([PYTHON, "-c", "pass"]), repeat)
    imp, _ = best_of(lambda: run([PYTHON, "-c", "import pipeline"]), repeat)
    helps, _ = best_of(lambda: run([TASKDB, "--help"]), repeat)
    return {"python_pass_s": base, "import_pipeline_s": imp, "taskdb_help_s": helps}


def print_batch(rows: list[dict], startup: dict, repeat: int) -> None:
    print(f"\n2. Batch of five long plans (60 pages each), process start included; best of {repeat} after one warm-up;"
          "\n   ratio = bare time / taskdb time (higher is better, >1 = taskdb faster)")
    print(f"{'format':>26}  {'taskdb s':>9}  {'bare s':>9}  {'ratio':>6}  {'target':<22}  holds")
    for r in rows:
        print(f"{r['format']:>26}  {r['taskdb_s']:9.3f}  {r['bare_s']:9.3f}  {r['ratio']:6.2f}  {r['target']:<22}  "
              f"{'yes' if r['holds'] else 'NO'}")
    base = startup["python_pass_s"]
    print(f"\n   Start-up (wall time, best of {repeat}): python -c pass {base * 1e3:.0f} ms; "
          f"python -c 'import pipeline' {startup['import_pipeline_s'] * 1e3:.0f} ms "
          f"({(startup['import_pipeline_s'] - base) * 1e3:+.0f} ms); "
          f"taskdb --help {startup['taskdb_help_s'] * 1e3:.0f} ms ({(startup['taskdb_help_s'] - base) * 1e3:+.0f} ms)")


# --- section 3: extraction ------------------------------------------------------------------------------------------

def bench_extraction(repeat: int) -> dict:
    """Extraction (tasks, units, deadlines, metrics) and normalisation over structured documents, against
    ``jieba.lcut`` over the same texts: characters per second and the ratio."""
    import jieba

    from pipeline.api import extract
    from pipeline.extraction import extract_items
    from pipeline.normalise import normalise

    jieba.setLogLevel(60)
    jieba.initialize()
    docs = [extract(p, until="structure") for p in corpus("txt")]
    chars = sum(len(d.text) for d in docs)
    c_first = first_pass_cpu()
    t_ours, c_ours, _ = best_of_clocks(lambda: [normalise(extract_items(d)) for d in docs], repeat)
    t_jieba, c_jieba, _ = best_of_clocks(lambda: [jieba.lcut(d.text) for d in docs], repeat)
    return {"files": len(docs), "chars": chars, "extract_s": t_ours, "jieba_s": t_jieba,
            "extract_kcps": chars / t_ours / 1000, "jieba_kcps": chars / t_jieba / 1000, "ratio": t_jieba / t_ours,
            "extract_cpu_s": c_ours, "jieba_cpu_s": c_jieba, "ratio_cpu": c_jieba / c_ours,
            "first_pass_cpu_s": c_first, "ratio_first_pass_cpu": c_jieba / c_first}


FIRST_PASS_WARMUP = 8  # documents of corpora/dev run before the first pass (models loaded, process caches warm)
FIRST_PASS_SCRIPT = """
import sys, time
sys.path[:0] = {paths!r}
from bench_ingest import ROOT, corpus
from pipeline.api import extract
from pipeline.extraction import extract_items
from pipeline.normalise import normalise
docs = [extract(p, until="structure") for p in corpus("txt")]
for path in sorted((ROOT / "corpora" / "dev").glob("*.txt"))[:{warmup}]:
    normalise(extract_items(extract(path, until="structure")))
c0 = time.process_time()
for d in docs:
    normalise(extract_items(d))
print(time.process_time() - c0)
"""


def first_pass_cpu() -> float:
    """CPU seconds of one extraction pass over the texts in a fresh process whose models are loaded and whose caches
    are warm from other documents (corpora/dev), so that these texts are new to every memo, as documents are to
    ingest; the passes above repeat texts this process has already extracted (section 1 included)."""
    script = FIRST_PASS_SCRIPT.format(paths=[str(Path(__file__).resolve().parent)] + [p for p in sys.path if p],
                                      warmup=FIRST_PASS_WARMUP)
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT)
    if out.returncode:
        raise SystemExit(f"first-pass run failed:\n{out.stderr}")
    return float(out.stdout.strip().splitlines()[-1])


def print_extraction(row: dict, repeat: int) -> None:
    print(f"\n3. Extraction + normalisation over the structured .txt corpus and the long plan; best of {repeat} after "
          "one warm-up;\n   ratio = jieba.lcut time / our time over the same text (higher is better); the CPU columns "
          "time the same runs by process CPU time (steadier when other jobs load the machine); first pass: one pass in "
          f"CPU time over the texts new to the process (after {FIRST_PASS_WARMUP} other documents), as ingest meets them")
    print(f"{'files':>6} {'chars':>8} {'ours ms':>9} {'jieba ms':>9} {'ours kc/s':>10} {'jieba kc/s':>11} {'ratio':>7}"
          f" {'ours CPU ms':>12} {'jieba CPU ms':>13} {'ratio CPU':>10} {'first pass CPU ms':>18} {'ratio first':>12}")
    print(f"{row['files']:>6} {row['chars']:>8} {row['extract_s'] * 1000:>9.1f} {row['jieba_s'] * 1000:>9.1f} "
          f"{row['extract_kcps']:>10.0f} {row['jieba_kcps']:>11.0f} {row['ratio']:>7.2f}"
          f" {row['extract_cpu_s'] * 1000:>12.1f} {row['jieba_cpu_s'] * 1000:>13.1f} {row['ratio_cpu']:>10.2f}"
          f" {row['first_pass_cpu_s'] * 1000:>18.1f} {row['ratio_first_pass_cpu']:>12.2f}")


# --- main ------------------------------------------------------------------------------------------------------------

def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--repeat", type=int, default=3, help="timed repeats after one warm-up; the best counts (3)")
    ap.add_argument("--json", metavar="OUT", type=Path, help="also write every figure to this JSON file")
    ap.add_argument("--formats", nargs="+", choices=FORMATS, default=list(FORMATS), help="readers to measure")
    ap.add_argument("--skip-batch", action="store_true", help="skip section 2 (subprocesses)")
    args = ap.parse_args(argv)
    if args.repeat < 1:
        ap.error("--repeat must be at least 1")

    results: dict = {"repeat": args.repeat, "python": sys.version.split()[0]}
    stamp = pipeline_stamp()
    results["readers"] = [bench_reader(fmt, args.repeat) for fmt in args.formats]
    print_readers(results["readers"], args.repeat)
    if not args.skip_batch:
        if TASKDB is None:
            ap.error("the taskdb command is not installed next to this python nor on PATH")
        with tempfile.TemporaryDirectory(prefix="bench_ingest_") as tmp:
            results["batch"] = [bench_batch("pdf", BARE_PDF_SCRIPT, 1, Path(tmp), args.repeat),
                                bench_batch("pdf", BARE_PDF_SCRIPT, 1, Path(tmp), args.repeat, "structure"),
                                bench_batch("docx", BARE_DOCX_SCRIPT, 3, Path(tmp), args.repeat),
                                bench_batch("docx", BARE_DOCX_SCRIPT, 3, Path(tmp), args.repeat, "structure")]
        results["startup"] = bench_startup(args.repeat)
        print_batch(results["batch"], results["startup"], args.repeat)
    results["extraction"] = bench_extraction(args.repeat)
    print_extraction(results["extraction"], args.repeat)
    results["pipeline_changed_during_run"] = pipeline_stamp() != stamp
    if results["pipeline_changed_during_run"]:
        print("\nWARNING: files under pipeline/ changed during this run; the figures mix versions: run it again.")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
