"""Metrics in the cells of a count table (SPEC §6): the header names the measure word, the row names the place.

A table of counts per township (``乡镇 | 排查户数（户） | 发现隐患（处） | 已整改（处）``, then
``城关镇 | 6420 | 512 | 468``) writes its numbers bare: the measure word sits in the column's header,
and what is counted is the row's label and the column's header. Each bare number in such a column is
a metric (SPEC §6: a number with its measure word) whose ``raw`` is the number, whose unit is the
header's, and whose subject is ``row label + header`` (城关镇排查户数).

The grammar is the table's, not any document's: the readers write a table row as cells joined by
`` | `` (pipeline/ingest), and a header names its measure word in brackets (``（户）``, ``(万元)``,
``（单位：处）``), or as ``X数`` where X is a measure word (户数, 人数, 起数), or the line above the
table says ``单位：处`` for every column. A column without a measure word (序号, 年份, 电话) gives no
metric; nor does a row whose cells do not line up with the header's.

:func:`table_cells` returns plain tuples; :mod:`.metrics` turns them into metrics (this module does not
import it, so that the metric helpers stay acyclic).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

CELL_SEP = " | "
_BRACKET_UNIT = re.compile(r"[(（][ \t]*(?:单位[:：]?[ \t]*)?(?P<u>[^()（）]{1,4}?)[ \t]*[)）][ \t]*$")
_COUNT_OF = re.compile(r"(?P<u>[\u4e00-\u9fff])数$")  # 户数, 人数, 起数: the number of 户
_TABLE_UNIT_LINE = re.compile(r"^[ \t]*[(（]?[ \t]*(?:计量)?单位[:：][ \t]*(?P<u>[^\s()（）,，、]{1,3})[ \t]*[)）]?[ \t]*$")
_NUMBER_CELL = re.compile(r"^[ \t]*(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|[xX]+|\*+)[ \t]*$")
_MULT = {"万元": 10_000, "亿元": 100_000_000}


@dataclass(frozen=True)
class Cell:
    """A metric of a table cell: the number's span in the text, its value in base units, unit and subject."""

    start: int
    end: int
    value: float | int | None
    unit: str
    word: str  # the measure word as the header writes it (万元 for a value folded into 元)
    masked: bool
    subject: str


def _rows(text: str) -> list[tuple[str, list[tuple[int, int]]]]:
    """Each line of ``text`` as (line, [(cell start, cell end), …] in ``text``); a row's cells split at ``|``."""
    out = []
    pos = 0
    for line in text.split("\n"):
        cells, k = [], 0
        if CELL_SEP in line:  # a row; its cells lie between the bars (an empty cell may be written ` | | `)
            for part in line.split("|"):
                cells.append((pos + k, pos + k + len(part)))
                k += len(part) + 1
        out.append((line, cells))
        pos += len(line) + 1
    return out


def header_unit(cell: str, is_measure_word: Callable[[str], bool]) -> tuple[str, str] | None:
    """(measure word, the header without it) of a header cell that names its measure word, else None.

    >>> header_unit("发现隐患（处）", lambda w: w in {"处", "户"})
    ('处', '发现隐患')
    >>> header_unit("排查户数", lambda w: w in {"处", "户"})
    ('户', '排查户数')
    """
    cell = cell.strip()
    m = _BRACKET_UNIT.search(cell)
    if m and is_measure_word(m.group("u").strip()):
        return m.group("u").strip(), cell[:m.start()].strip()
    m = _COUNT_OF.search(cell)
    if m and len(cell) >= 3 and is_measure_word(m.group("u")):
        return m.group("u"), cell
    return None


def _number(s: str) -> tuple[float | int | None, bool]:
    if re.fullmatch(r"[xX]+|\*+", s):
        return None, True
    v = float(s.replace(",", ""))
    return (int(v) if v.is_integer() and "." not in s else v), False


def table_cells(text: str, is_measure_word: Callable[[str], bool],
                unit_of: Callable[[str], str] = lambda w: w) -> list[Cell]:
    """The bare numbers of the count tables of ``text`` (see the module doc), in text order.

    Args:
        text: the cleaned text, a table row per line with its cells joined by `` | ``.
        is_measure_word: whether a word is a measure word, currency or sign (SPEC §6).
        unit_of: the unit recorded for a measure word (万元 → 元).
    """
    rows = _rows(text)
    out: list[Cell] = []
    header: list[tuple[str, str] | None] | None = None
    default: str | None = None
    for line, cells in rows:
        if not cells:
            header, default = None, None
            m = _TABLE_UNIT_LINE.match(line)
            if m and is_measure_word(m.group("u")):
                default = m.group("u")  # 单位：处 above the table: every column counts in 处
            continue
        texts = [text[s:e] for s, e in cells]
        numeric = [bool(_NUMBER_CELL.match(t)) for t in texts]
        if not any(numeric):
            units = [header_unit(t, is_measure_word) for t in texts]
            if default:
                units = [u or ((default, t.strip()) if t.strip() and i else None) for i, (u, t) in enumerate(zip(units, texts))]
            if any(units):
                header = units
            continue  # else a row of text inside the table (一、城区): the header holds
        if header is None or len(cells) != len(header):
            continue  # no header naming measure words, or cells that do not line up with it
        label = ""
        for (s, e), t, isnum, col in zip(cells, texts, numeric, header):
            if not isnum:
                if col is None and t.strip():
                    label = t.strip()  # the row's label: the last text cell before its numbers
                continue
            if col is None:
                continue
            word, name = col
            m = _NUMBER_CELL.match(t)
            value, masked = _number(m.group("num"))
            if value is not None and word in _MULT:
                value = value * _MULT[word]
                value = int(value) if float(value).is_integer() else round(value, 6)
            out.append(Cell(start=s + m.start("num"), end=s + m.end("num"), value=value, unit=unit_of(word),
                            word=word, masked=masked, subject=label + name))
    return out
