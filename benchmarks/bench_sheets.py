"""Speed of the spreadsheet reader, next to the other readers, as documents per second and ratios.

Run from the repository root:

    .venv/bin/python benchmarks/bench_sheets.py              # prints the table
    .venv/bin/python benchmarks/bench_sheets.py --repeat 5 --json bench_sheets.json

Rows, each over a fixed set of files, all measured in this run:

* txt, docx, pdf, html: ``pipeline.ingest.read`` over every file of the format in
  corpora/samples and corpora/pool (the readers the spreadsheet reader sits beside);
* xlsx, xls, et: ``pipeline.ingest.read`` over the workbooks of tests/data/sheets
  (the corpus's table plans written as workbooks; .et is the .xls bytes under WPS's
  extension);
* xlsx-big, xls-big: one generated task table of 3,000 rows x 6 columns with a
  vertical merge every 3 rows and multi-line cells (openpyxl writes it; LibreOffice,
  when installed, converts it to .xls), to show the cost per row.

For the workbook rows the baseline is the bare library walk over the same files
(openpyxl ``load_workbook(read_only=True, data_only=True)`` and every cell value;
xlrd ``open_workbook`` and every cell value), and ``ratio`` = bare time / reader
time (above 1: the reader is faster than the bare walk; the reader also reads
merges, hidden rows and columns and formats the values). ``docs/s`` is documents
per second of the reader. Each measurement is warmed up once, then repeated N
times; the best time counts. Nothing here asserts: it measures.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SHEETS = ROOT / "tests" / "data" / "sheets"


def bare_xlsx(path: Path) -> int:
    import openpyxl

    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    n = sum(1 for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for v in row if v is not None)
    wb.close()
    return n


def bare_xls(path: Path) -> int:
    import xlrd

    book = xlrd.open_workbook(path)
    return sum(1 for sh in book.sheets() for r in range(sh.nrows) for v in sh.row_values(r) if v != "")


def best(fn, files, repeat: int) -> float:
    """The best of ``repeat`` runs of ``fn`` over every file, after a warm-up (bench_ingest's timer)."""
    from bench_ingest import best_of as timed

    return timed(lambda: [fn(f) for f in files], repeat)[0]


def big_workbook(tmp: Path, rows: int = 3000) -> list[Path]:
    import openpyxl
    from openpyxl.styles import Alignment

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["2024年安全生产重点任务分解表"])
    ws.merge_cells("A1:F1")
    ws.append(["序号", "重点任务", "具体措施", "牵头单位", "配合单位", "完成时限"])
    wrap = Alignment(wrap_text=True)
    for i in range(rows):
        r = ws.max_row + 1
        ws.append([i + 1, f"第{i // 3 + 1}项重点任务", f"1.开展第{i + 1}轮隐患排查;\n2.建立整改台账,逐项销号。",
                   "区应急管理局", "区公安分局\n区市场监管局", f"{i % 12 + 1}月底前"])
        ws.cell(r, 3).alignment = wrap
        if i % 3 == 2:
            ws.merge_cells(start_row=r - 2, start_column=2, end_row=r, end_column=2)
    out = [tmp / "big.xlsx"]
    wb.save(out[0])
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    if exe:
        subprocess.run([exe, f"-env:UserInstallation=file://{tmp}/profile", "--headless", "--convert-to", "xls",
                        "--outdir", str(tmp), str(out[0])], capture_output=True, timeout=600, check=False)
        if (tmp / "big.xls").exists():
            out.append(tmp / "big.xls")
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--json", type=Path)
    ap.add_argument("--big-rows", type=int, default=3000)
    args = ap.parse_args(argv)
    from pipeline.ingest import read

    def reader(p: Path) -> int:
        return len(read(p).raw_text)

    corpus = [ROOT / "corpora" / "samples", ROOT / "corpora" / "pool"]
    sets: dict[str, tuple[list[Path], object]] = {}
    for fmt in ("txt", "docx", "pdf", "html"):
        sets[fmt] = (sorted(p for d in corpus for p in d.glob(f"*.{fmt}")), None)
    sets["xlsx"] = (sorted(SHEETS.glob("*.xlsx")), bare_xlsx)
    sets["xls"] = (sorted(SHEETS.glob("*.xls")), bare_xls)
    sets["et"] = (sorted(SHEETS.glob("*.et")), bare_xls)
    results = []
    with tempfile.TemporaryDirectory(prefix="bench-sheets-") as tmp:
        for big in big_workbook(Path(tmp), args.big_rows):
            sets[f"{big.suffix[1:]}-big"] = ([big], bare_xlsx if big.suffix == ".xlsx" else bare_xls)
        print(f"{'format':<10} {'files':>5} {'chars':>9} {'read ms':>9} {'docs/s':>8} {'bare ms':>9} {'ratio':>6}")
        for name, (files, bare) in sets.items():
            if not files:
                continue
            chars = sum(reader(f) for f in files)
            t = best(reader, files, args.repeat)
            tb = best(bare, files, args.repeat) if bare else None
            row = {"format": name, "files": len(files), "chars": chars, "read_ms": t * 1000,
                   "docs_per_s": len(files) / t, "bare_ms": tb * 1000 if tb else None,
                   "ratio": tb / t if tb else None}
            results.append(row)
            print(f"{name:<10} {len(files):>5} {chars:>9} {t * 1000:>9.1f} {len(files) / t:>8.1f} "
                  + (f"{tb * 1000:>9.1f} {tb / t:>6.2f}" if tb else f"{'':>9} {'':>6}"))
    if args.json:
        args.json.write_text(json.dumps(results, indent=1), "utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
