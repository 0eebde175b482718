"""The baseline: the .txt totals CI must not fall below (``eval_baseline.json``), and rendition deltas."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

from .scores import FormatScore

if TYPE_CHECKING:
    from .corpus import Report

RENDITION_TOLERANCE = 0.02  # a rendition's totals should be this close to the .txt totals
BASELINE_TOLERANCE = 0.0005  # a total may fall this much below the baseline before CI fails

#: the totals kept in the baseline: name → (score key, field)
BASELINE_FIGURES: dict[str, tuple[str, str]] = {
    "tasks_f1": ("tasks", "f1"),
    "units_f1": ("units", "f1"),
    "deadlines_f1": ("deadlines", "f1"),
    "metrics_f1": ("metrics", "f1"),
    "doc_type_acc": ("doc_type", "acc"),
    "unit_role_acc": ("unit_role", "acc"),
    "metric_category_acc": ("metric_category", "acc"),
}


# -- the baseline --------------------------------------------------------------------------------------------------

def baseline_figures(fs: FormatScore) -> dict[str, float | None]:
    totals = fs.totals()
    return {name: totals[key][fld] for name, (key, fld) in BASELINE_FIGURES.items()}


def figure_deltas(fs: FormatScore, ref: FormatScore) -> dict[str, float | None]:
    a, b = baseline_figures(fs), baseline_figures(ref)
    return {k: None if a[k] is None or b[k] is None else round(a[k] - b[k], 4) for k in a}


def compare_figures(current: dict[str, float | None], reference: dict[str, float | None],
                    tolerance: float) -> list[str]:
    """The figures of ``current`` below ``reference`` by more than ``tolerance`` (a missing figure counts as 0)."""
    out = []
    for name in BASELINE_FIGURES:
        ref = reference.get(name)
        if ref is None:
            continue
        cur = current.get(name)
        if cur is None or cur < ref - tolerance:
            shown = "n/a" if cur is None else f"{cur:.4f}"
            out.append(f"{name} dropped: {shown} < baseline {ref:.4f}")
    return out


def read_baseline(path: str | Path) -> dict[str, float | None]:
    data = json.loads(Path(path).read_text("utf-8"))
    return data.get("figures", data)


def check_baseline(report: Report, path: str | Path) -> list[str]:
    """What fell below the baseline (by more than :data:`BASELINE_TOLERANCE`) on the .txt documents."""
    return compare_figures(baseline_figures(report.txt), read_baseline(path), BASELINE_TOLERANCE)


def write_baseline(report: Report, path: str | Path, allow_lower: bool = False) -> list[str]:
    """Write the .txt totals as the new baseline; refused (returns what would drop) if any figure is lower.

    The baseline only moves up unless ``allow_lower``.
    """
    path = Path(path)
    figures = baseline_figures(report.txt)
    if path.exists() and not allow_lower:
        lowered = compare_figures(figures, read_baseline(path), 0.0)
        if lowered:
            return lowered
    data = {
        "about": "Totals of `taskdb eval` on the .txt documents; CI (tests/test_eval.py) fails when a figure "
                 f"falls more than {BASELINE_TOLERANCE} below. Raise with `taskdb eval corpora/ --write-baseline "
                 "eval_baseline.json` (it refuses to lower a figure without --allow-lower).",
        "corpus": report.corpus,
        "documents": len(report.txt.docs),
        "figures": figures,
    }
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", "utf-8")
    return []
