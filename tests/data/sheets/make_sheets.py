"""Make the spreadsheet fixtures: the table plans of the corpus written as real workbooks.

    python tests/data/sheets/make_sheets.py          # from the repository root; needs LibreOffice Calc

Each workbook is written by openpyxl from its text twin (the document's .txt; for
pool/01, whose .txt is a web copy with one cell per line, from its .docx tables),
the way an office lays such a table out in Excel:

* the notice's paragraphs before and after the table are rows of one cell merged
  across the table's width (a title row), the group labels of the table too
  (一、体系建设);
* a row that the text gives short (its first cells merged with the rows above on
  paper) gets those cells as vertical merges with the cell above; an empty first
  cell under a filled one likewise (the .docx of pool/01);
* a unit or deadline column that repeats a value in consecutive rows is merged
  vertically (one 12月底前 spanning the rows it applies to);
* a header with both 牵头单位 and 配合单位 becomes two header rows: 责任单位
  merged over the two, the other header cells merged down over both rows;
* a work cell of numbered items (1.…;2.…) holds them on separate lines, a
  multi-line cell (wrap text on);
* workbook 01 gets an empty first column and an empty row after the title, and a
  hidden sheet of drafts (which must not be read).

Then LibreOffice converts each .xlsx to .xls (``soffice --headless --convert-to
xls``); the .et fixtures are those .xls bytes under WPS's extension (WPS
Spreadsheets saves .et in the same BIFF8 compound-file format; no WPS is available
here to save a native one).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
OUT = Path(__file__).resolve().parent

#: fixture name -> the corpus document it is written from
SOURCES = {
    "01_ankang": "corpora/pool/01_ankang_2021_zhuanxiang_zhengzhi_renwuqingdan",
    "02_dengfeng": "corpora/pool/02_dengfeng_xuzhuang_2017_zhuanxiang_zhengzhi_anpaibiao",
    "202_changxing": "corpora/dev/202_zjchangxing_tuying_fangxun_sanqingdan_biaoge",
    "h4_table_plan": "corpora/heldout/h4_table_plan",
    "1010_zerenqingdan": "corpora/heldout10/1010_xx_zhen_20xx_anquan_shengchan_zerenqingdan_biaoge",
    "k6_table_plan": "corpora/heldout2/k6_table_plan_rows",
    "m5_two_cols": "corpora/heldout3/m5_table_two_cols",
    "p03_fenjiebiao": "corpora/heldout4/p03_qu_2021_anquan_mubiao_renwu_fenjiebiao",
    "h7_01_fenjiebiao": "corpora/heldout7/h7_01_xian_2021_zhengfu_baogao_mubiao_fenjie_biao",
    "906_nanwan": "corpora/heldout9/906_nanwan_qu_2023_anquan_shengchan_zhongdian_renwu_qingdan",
    "907_ruyang": "corpora/heldout9/907_ruyang_shi_zhujianju_2025_jianzhu_shigong_ducha_wenti_zhenggai_qingdan",
}


#: short rows placed by reading the printed table: 202's row 6 is 任务清单 2. and its units, under the
#: 时限 4月 of the rows above; row 7 (工作事项 2.工作机制 …) is cut short by the copy
LAYOUT = {"202_changxing": {6: (3, (5,)), 7: (1, ())}}


def bar_cells(line: str) -> list[str]:
    cells = [c.strip() for c in line.split("|")]
    if line.rstrip().endswith("|"):
        cells = cells[:-1]
    if line.lstrip().startswith("|") and cells and not cells[0]:
        cells = cells[1:]
    return cells


def items_of_text(text: str) -> list[tuple[str, object]]:
    """("para", line) and ("table", rows) in text order; a table is a run of lines with bars."""
    items: list[tuple[str, object]] = []
    for line in text.split("\n"):
        if "|" in line:
            if items and items[-1][0] == "table":
                items[-1][1].append(bar_cells(line))
            else:
                items.append(("table", [bar_cells(line)]))
        elif line.strip():
            items.append(("para", line.strip()))
    return items


def items_of_docx(path: Path) -> list[tuple[str, object]]:
    import docx

    d = docx.Document(path)
    W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    items = []
    for el in d.element.body.iterchildren():
        if el.tag == W + "p":
            t = "".join(x.text or "" for x in el.iter(W + "t")).strip()
            if t:
                items.append(("para", t))
        elif el.tag == W + "tbl":
            rows = []
            for tr in el.iter(W + "tr"):
                rows.append(["".join(x.text or "" for x in tc.iter(W + "t")).strip() for tc in tr.iterchildren(W + "tc")])
            items.append(("table", rows))
    return items


_ITEM = re.compile(r"(?<=[。;；])\s*(?=(?:\d{1,2}[.、．]|[(（]\d{1,2}[)）])\S)")


def multiline(cell: str) -> str:
    return _ITEM.sub("\n", cell)


def write_workbook(items, out: Path, *, offset_col: int = 0, gap_row: bool = False, hidden_sheet: bool = False,
                   title: str = "任务清单", layout: dict | None = None) -> None:
    """``layout``: row of the table (0 = header) -> (first column, columns merged with the cell above), for
    short rows the text twin does not place (a cell merged down from the row above on the right)."""
    layout = layout or {}
    import openpyxl
    from openpyxl.styles import Alignment

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = title
    wrap = Alignment(wrap_text=True, vertical="center")
    width = max((len(r) for kind, rows in items if kind == "table" for r in rows), default=1)
    r = 1
    c0 = 1 + offset_col

    def across(text: str) -> None:
        nonlocal r
        ws.cell(r, c0, text)
        if width > 1:
            ws.merge_cells(start_row=r, start_column=c0, end_row=r, end_column=c0 + width - 1)
        r += 1

    first_para = True
    for kind, payload in items:
        if kind == "para":
            across(payload)
            if first_para and gap_row:
                r += 1  # an empty row under the title
            first_para = False
            continue
        rows = [row for row in payload if any(row)]
        if not rows:
            continue
        header = rows[0]
        unit_or_time = {k for k, h in enumerate(header) if re.search(r"单位|部门|时限|时间|期限", h)}
        # a two-row header: 责任单位 over 牵头单位 | 配合单位
        lead = next((k for k, h in enumerate(header) if h.startswith("牵头")), None)
        if lead is not None and lead + 1 < len(header) and header[lead + 1].startswith("配合") and len(header) == width:
            for k, h in enumerate(header):
                if k in (lead, lead + 1):
                    ws.cell(r + 1, c0 + k, h)
                else:
                    ws.cell(r, c0 + k, h)
                    ws.merge_cells(start_row=r, start_column=c0 + k, end_row=r + 1, end_column=c0 + k)
            ws.cell(r, c0 + lead, "责任单位")
            ws.merge_cells(start_row=r, start_column=c0 + lead, end_row=r, end_column=c0 + lead + 1)
            r += 2
            rows = rows[1:]
        placed: list[list[str]] = []  # the body rows, right-aligned to the table's width
        twidth = max(len(row) for row in payload)
        starts: dict[int, int] = {}  # row -> its first filled column as written (before the merges fill it)
        up_cols: dict[int, set[int]] = {}  # row -> columns merged with the cell above (layout overrides)
        for i, row in enumerate(rows):
            if (len(row) == 1 or len(row) > 1 and row[0] and not any(row[1:])) and width > 1:
                placed.append(None)  # a group label, merged across
                across(row[0])
                continue
            start, up = layout.get(i + (len(payload) - len(rows)), (twidth - len(row), ()))
            row = [""] * start + row + [""] * (width - start - len(row))
            up_cols[len(placed)] = set(up)
            starts[len(placed)] = start + next((j for j, v in enumerate(row[start:]) if v), 0)
            placed.append(row)
            for k, v in enumerate(row):
                if v:
                    cell = ws.cell(r, c0 + k, multiline(v) if k not in unit_or_time else v)
                    if "\n" in str(cell.value):
                        cell.alignment = wrap
            r += 1
        # vertical merges: empty leading cells continue the cell above; repeated units and deadlines merge
        start_r = r - len(rows)
        for k in range(width):
            run_start = None  # index in placed of the first row of the current merge run
            for i in range(len(placed) + 1):
                row = placed[i] if i < len(placed) else None
                prev = placed[i - 1] if i and placed[i - 1] is not None else None
                cont = False
                if row is not None and prev is not None and prev[k]:
                    lead_empty = row[k] == "" and (k < starts[i] or k in up_cols.get(i, ()))
                    same = k in unit_or_time and row[k] == prev[k]
                    if lead_empty:
                        row[k] = prev[k]  # so that a run below continues it
                    cont = lead_empty or same
                if cont:
                    if run_start is None:
                        run_start = i - 1
                    continue
                if run_start is not None:
                    ws.merge_cells(start_row=start_r + run_start, start_column=c0 + k,
                                   end_row=start_r + i - 1, end_column=c0 + k)
                run_start = None
    if hidden_sheet:
        hs = wb.create_sheet("草稿")
        hs["A1"] = "草稿:本表未定稿的任务"
        hs["A2"] = "不应读出的隐藏任务 | 区某局 | 2099年1月1日前"
        hs.sheet_state = "hidden"
    wb.save(out)


def main() -> int:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    for name, stem in SOURCES.items():
        src = ROOT / stem
        items = items_of_docx(src.with_suffix(".docx")) if name == "01_ankang" else \
            items_of_text(src.with_suffix(".txt").read_text("utf-8"))
        xlsx = OUT / f"{name}.xlsx"
        write_workbook(items, xlsx, offset_col=1 if name == "01_ankang" else 0, gap_row=name == "01_ankang",
                       hidden_sheet=name == "01_ankang", layout=LAYOUT.get(name))
        if soffice is None:
            print("LibreOffice not found: .xls and .et not made", file=sys.stderr)
            continue
        with tempfile.TemporaryDirectory() as tmp:
            subprocess.run([soffice, f"-env:UserInstallation=file://{tmp}/profile", "--headless", "--convert-to",
                            "xls", "--outdir", tmp, str(xlsx)], check=True, capture_output=True, timeout=300)
            xls = Path(tmp) / f"{name}.xls"
            shutil.copy(xls, OUT / f"{name}.xls")
            shutil.copy(xls, OUT / f"{name}.et")
        print(name)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
