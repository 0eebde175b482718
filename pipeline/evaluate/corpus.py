"""``taskdb eval CORPUS``: every gold document of a corpus folder extracted once and scored, per format.

Each ``NAME.gold.json`` is scored against the record of ``NAME.txt`` and, separately,
against ``NAME.docx`` / ``NAME.pdf`` / ``NAME.html`` where they exist beside it. The gold
files are found as the train path finds them (:func:`pipeline.train.find_gold`).
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..train import GoldDoc, find_gold
from .baseline import baseline_figures, figure_deltas
from .diagnostics import CanonicalScore, CategoryMethods, score_canonicals, score_category_methods
from .scores import FormatScore, breakdown_json, score_corpus

FORMATS = ("txt", "docx", "pdf", "html")


def gold_docs(corpus_dir: str | Path) -> list[GoldDoc]:
    """The gold documents under ``corpus_dir``; none when it is not a folder."""
    try:
        return find_gold(corpus_dir)
    except FileNotFoundError:
        return []


def extract_records(paths: Iterable[Path]) -> dict[Path, dict]:
    """The SPEC §2 record of every file (an error record for a file that cannot be read)."""
    from ..run import extract_many

    paths = list(dict.fromkeys(paths))
    return {p: res.to_record() for p, res in zip(paths, extract_many(paths), strict=True)}


def parse_formats(formats: str | Sequence[str] | None) -> tuple[str, ...]:
    if formats is None:
        return FORMATS
    items = formats.split(",") if isinstance(formats, str) else list(formats)
    out = tuple(dict.fromkeys(f.strip().lstrip(".").lower() for f in items if f.strip()))
    bad = [f for f in out if f not in FORMATS]
    if bad or not out:
        raise ValueError(f"--formats takes a comma-separated list of {', '.join(FORMATS)}; got {formats!r}")
    return tuple(f for f in FORMATS if f in out)


@dataclass
class Report:
    corpus: str
    formats: tuple[str, ...]
    gold: list[GoldDoc]
    by_format: dict[str, FormatScore]
    canonical: CanonicalScore | None
    has_gold_canonicals: bool
    category: CategoryMethods | None
    records: dict[Path, dict]  # every file's record, extracted once
    seconds: float

    @property
    def files(self) -> int:
        return len(self.records)

    @property
    def txt(self) -> FormatScore | None:
        return self.by_format.get("txt")

    def renditions(self) -> dict[str, tuple[FormatScore, FormatScore | None]]:
        """Each rendition format: its scores, and the .txt scores of the same documents."""
        out = {}
        for fmt, fs in self.by_format.items():
            if fmt == "txt":
                continue
            out[fmt] = (fs, self.txt.subset(d.name for d in fs.docs) if self.txt else None)
        return out

    def to_json(self) -> dict[str, Any]:
        rend = {}
        for fmt, (fs, txt) in self.renditions().items():
            rend[fmt] = {"documents": [d.name for d in fs.docs], "totals": fs.totals(),
                         "txt_totals": txt.totals() if txt else None,
                         "delta": figure_deltas(fs, txt) if txt else None}
        return {
            "corpus": self.corpus,
            "formats": {fmt: fs.to_json() for fmt, fs in self.by_format.items()},
            "renditions": rend,
            "baseline_figures": baseline_figures(self.txt) if self.txt else None,
            "breakdown": breakdown_json(self.txt) if self.txt else None,
            "unit_canonical": (self.canonical.to_json() if self.canonical and self.has_gold_canonicals else None),
            "metric_category_methods": self.category.to_json() if self.category else None,
            "files_extracted": self.files,
            "seconds": round(self.seconds, 2),
        }


def evaluate(corpus_dir: str | Path, formats: str | Sequence[str] | None = None) -> Report:
    """Extract every document of the corpus once and score it (SPEC §7), per format.

    Each ``NAME.gold.json`` is scored against ``NAME.txt`` (a missing .txt counts as a missing
    document) and against each rendition ``NAME.docx|pdf|html`` that exists beside it.
    """
    t0 = time.perf_counter()
    fmts = parse_formats(formats)
    gold = gold_docs(corpus_dir)
    golds = {g.name: g.load() for g in gold}
    wanted: dict[str, list[GoldDoc]] = {
        fmt: [g for g in gold if fmt == "txt" or g.path(fmt).exists()] for fmt in fmts}
    paths = [g.path(fmt) for fmt in fmts for g in wanted[fmt] if g.path(fmt).exists()]
    records = extract_records(paths)
    by_format = {
        fmt: score_corpus((g.name, golds[g.name], records.get(g.path(fmt))) for g in wanted[fmt]) for fmt in fmts}
    txt = by_format.get("txt")
    has_canon = any(isinstance(u, dict) and u.get("canonical")
                    for g in golds.values() for t in g.get("tasks") or [] for u in t.get("units") or [])
    return Report(
        corpus=str(corpus_dir), formats=fmts, gold=gold, by_format=by_format,
        canonical=score_canonicals(txt) if txt else None, has_gold_canonicals=has_canon,
        category=score_category_methods(txt) if txt else None,
        records=records, seconds=time.perf_counter() - t0)
