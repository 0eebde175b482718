"""Metrics in the cells of count tables (SPEC §6; pipeline/extraction/metric_tables.py).

A table whose header names each column's measure word (排查户数（户）, 发现隐患（处）) writes its numbers
bare; each is a metric whose subject is the row's label and the column's header.
"""

from __future__ import annotations

import pytest

import pipeline
from pipeline.extraction.metric_tables import header_unit, table_cells
from pipeline.extraction.metrics import MEASURE_WORDS, find_metrics
from pipeline.model import Document


def _is_mw(w: str) -> bool:
    return w in MEASURE_WORDS


def metrics_of(text: str) -> list:
    return find_metrics(Document(source="t", sha256="", format="txt", raw_text=text, text=text, year=2023))


TABLE = (
    "二、各乡镇排查情况\n"
    "序号 | 乡镇 | 排查户数（户） | 发现隐患（处） | 已整改（处） | 整改率（%） | 备注\n"
    "1 | 北岗镇 | 4210 | 316 | 298 | 94.3 | 无\n"
    "2 | 南河乡 | 1,875 | 92 | xx | 87.0 | \n"
    "合计 | | 6085 | 408 | 380 | 93.1 | \n"
)


def test_each_cell_of_a_count_table_is_a_metric():
    ms = [(m.raw, m.value, m.unit, m.subject) for m in metrics_of(TABLE)]
    assert ms == [
        ("4210", 4210, "户", "北岗镇排查户数"), ("316", 316, "处", "北岗镇发现隐患"),
        ("298", 298, "处", "北岗镇已整改"), ("94.3", 94.3, "%", "北岗镇整改率"),
        ("1,875", 1875, "户", "南河乡排查户数"), ("92", 92, "处", "南河乡发现隐患"),
        ("xx", None, "处", "南河乡已整改"), ("87.0", 87.0, "%", "南河乡整改率"),
        ("6085", 6085, "户", "合计排查户数"), ("408", 408, "处", "合计发现隐患"),
        ("380", 380, "处", "合计已整改"), ("93.1", 93.1, "%", "合计整改率"),
    ]
    masked = [m for m in metrics_of(TABLE) if m.raw == "xx"]
    assert masked[0].masked and masked[0].value is None
    # the serial numbers (序号 has no measure word) are no metrics
    assert not [m for m in metrics_of(TABLE) if m.value in (1, 2)]


def test_a_cell_span_points_at_its_number():
    for m in metrics_of(TABLE):
        assert TABLE[m.span[0]:m.span[1]] == m.raw


def test_money_in_ten_thousands_is_folded_into_yuan():
    text = "单位 | 罚款金额（万元） | 投入资金(万元)\n区应急局 | 12.5 | 300\n"
    ms = [(m.value, m.unit, m.subject) for m in metrics_of(text)]
    assert ms == [(125000, "元", "区应急局罚款金额"), (3000000, "元", "区应急局投入资金")]


def test_a_unit_line_above_the_table_names_every_column():
    text = "单位：处\n镇街 | 排查隐患 | 整改隐患\n东城街道 | 120 | 118\n"
    ms = [(m.value, m.unit, m.subject) for m in metrics_of(text)]
    assert ms == [(120, "处", "东城街道排查隐患"), (118, "处", "东城街道整改隐患")]


def test_a_header_of_counts_names_its_measure_word():
    text = "乡镇 | 检查企业家数 | 参训人数\n城北镇 | 37 | 420\n"
    assert [(m.value, m.unit) for m in metrics_of(text)] == [(37, "家"), (420, "人")]


@pytest.mark.parametrize("text", [
    # no measure word in the header: the numbers are not metrics
    "乡镇 | 排查 | 发现隐患 | 整改\n城关镇 | 6420 | 512 | 468\n",
    # a schedule: years and phone numbers
    "年份 | 联系电话 | 任务\n2024 | 12345678 | 完成改造\n",
    # a row that does not line up with the header
    "乡镇 | 排查户数（户） | 发现隐患（处）\n城关镇 | 6420\n",
    # a table after a break: the header of the earlier one does not reach it
    "乡镇 | 排查户数（户） | 发现隐患（处）\n\n序号 | 年度 | 批次\n1 | 2024 | 3\n",
])
def test_numbers_of_other_tables_are_not_metrics(text):
    assert metrics_of(text) == []


def test_header_unit():
    assert header_unit("发现隐患（处）", _is_mw) == ("处", "发现隐患")
    assert header_unit("金额(单位:万元)", _is_mw) == ("万元", "金额")
    assert header_unit("排查户数", _is_mw) == ("户", "排查户数")
    assert header_unit("备注（其他）", _is_mw) is None
    assert header_unit("序号", _is_mw) is None
    assert header_unit("人数", _is_mw) is None  # 人数 alone names no count of its own


def test_cells_in_measure_words_stay_with_the_quantity_grammar():
    # a cell that writes its own measure word is a quantity like any other; no second metric for it
    text = "乡镇 | 发现隐患（处）\n城关镇 | 512处\n"
    ms = metrics_of(text)
    assert [(m.value, m.unit) for m in ms] == [(512, "处")]
    assert table_cells(text, _is_mw) == []


def test_through_the_pipeline(tmp_path):
    f = tmp_path / "report.txt"
    f.write_text("关于城镇燃气安全排查整治工作进展情况的汇报\n\n一、总体情况\n全县共排查用户9525户。\n" + TABLE,
                 encoding="utf-8")
    doc = pipeline.extract(str(f))
    cells = [m for m in doc.metrics if m.raw in ("4210", "316", "94.3")]
    assert [(m.value, m.unit) for m in cells] == [(4210, "户"), (316, "处"), (94.3, "%")]
    assert all(m.category in ("inspection", "hazard", "other", "scope") for m in cells)
