"""Rendering of ``taskdb eval``: per-document rows, totals, cuts by genre and folder, renditions, diagnostics."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .baseline import BASELINE_FIGURES, RENDITION_TOLERANCE, baseline_figures
from .diagnostics import CATEGORY_METHODS
from .scores import ALL_ACC_KEYS, PRF, PRF_KEYS, Acc, FormatScore, breakdown

if TYPE_CHECKING:
    from .corpus import Report
    from .cv import CVReport

NAME_WIDTH = 36
CUT_WIDTH = 24
#: the accuracies shown per genre and folder (metric_approx is near 1 everywhere: totals only)
CUT_ACC_KEYS = ("doc_type", "year", "unit_role", "metric_category", "metric_subject")
CUT_TITLES = {"genre": "genre", "folder": "folder", "dev_genre": "dev/"}


def _f(v: float | None, width: int = 5) -> str:
    return f"{v:.3f}".rjust(width) if v is not None else "—".rjust(width)


def _short(name: str, width: int = NAME_WIDTH) -> str:
    return name if len(name) <= width else name[: width - 1] + "…"


def _prf_cells(prf: dict[str, PRF]) -> str:
    return "  ".join(f"{_f(prf[k].p)} {_f(prf[k].r)} {_f(prf[k].f1)}" for k in PRF_KEYS)


def _acc_line(label: str, a: Acc) -> str:
    if a.acc is None:
        return f"  {label:<17}   —    (n=0)"
    return f"  {label:<17}{a.acc:6.3f}  ({a.ok}/{a.n})"


def _acc_cell(a: Acc) -> str:
    return (f"{a.acc:.3f} ({a.ok}/{a.n})" if a.n else "—").rjust(18)


def render_format(fmt: str, fs: FormatScore, per_document: bool = True, title: str | None = None) -> list[str]:
    """The documents' rows (unless not ``per_document``), the totals, the counts and the accuracies."""
    head1 = " " * NAME_WIDTH + "  " + "  ".join(f"{k:<17}" for k in PRF_KEYS) + "  doc_type"
    head2 = "document".ljust(NAME_WIDTH) + "  " + "  ".join("    P     R    F1" for _ in PRF_KEYS)
    lines = [title or f"== .{fmt}: {len(fs.docs)} documents", head1, head2]
    for d in fs.docs:
        if d.status == "missing":
            note = "MISSING (no ." + fmt + ")"
        elif d.status == "error":
            note = f"ERROR {(d.error or {}).get('code')}"
        elif d.doc_type is None:
            note = "—"
        else:
            note = "ok" if d.doc_type[0] == d.doc_type[1] else f"{d.doc_type[0]}≠{d.doc_type[1]}"
        if per_document:
            lines.append(f"{_short(d.name):<{NAME_WIDTH}}  {_prf_cells(d.prf)}  {note}")
    prf, acc = fs.prf, fs.acc
    lines.append(f"{'TOTAL':<{NAME_WIDTH}}  {_prf_cells(prf)}")
    lines.append("  counts  " + "   ".join(f"{k} tp={prf[k].tp} fp={prf[k].fp} fn={prf[k].fn}" for k in PRF_KEYS))
    lines.append("  accuracy")
    lines += [_acc_line(k, acc[k]) for k in ALL_ACC_KEYS]
    return lines


def render_renditions(report: Report) -> list[str]:
    lines = []
    for fmt, (fs, txt) in report.renditions().items():
        lines += ["", f"== .{fmt} rendition: {len(fs.docs)} documents, against the .txt of the same documents "
                      f"(target |Δ| ≤ {RENDITION_TOLERANCE})"]
        if not fs.docs:
            lines.append("  no document has this rendition")
            continue
        if txt is None:
            lines.append("  (.txt not evaluated: no differences)")
            lines += [f"  {name:<20}{_f(v, 7)}" for name, v in baseline_figures(fs).items()]
            continue
        cur, ref = baseline_figures(fs), baseline_figures(txt)
        lines.append(f"  {'figure':<20}{'.' + fmt:>7}{'.txt':>7}{'Δ':>8}")
        worst, any_off = 0.0, False
        for name in BASELINE_FIGURES:
            a, b = cur[name], ref[name]
            if a is None and b is None:
                delta_s, off = "—", False
            elif a is None or b is None:
                delta_s, off = "n/a", True
            else:
                delta_s, off = f"{a - b:+.3f}", abs(a - b) > RENDITION_TOLERANCE
                worst = max(worst, abs(a - b))
            any_off |= off
            lines.append(f"  {name:<20}{_f(a, 7)}{_f(b, 7)}{delta_s:>8}{'  ✗' if off else ''}")
        lines.append(f"  {'NOT within' if any_off else 'within'} {RENDITION_TOLERANCE} (largest |Δ| {worst:.3f})")
        txt_docs = {d.name: d for d in txt.docs}
        for d in fs.docs:  # the documents whose counts move
            t = txt_docs[d.name]
            diffs = [f"{k} F1 {_f(d.prf[k].f1).strip()} (.txt {_f(t.prf[k].f1).strip()})" for k in PRF_KEYS
                     if (d.prf[k].tp, d.prf[k].fp, d.prf[k].fn) != (t.prf[k].tp, t.prf[k].fp, t.prf[k].fn)]
            if diffs:
                lines.append(f"    {d.name}: " + "; ".join(diffs))
    return lines


def render_canonical(report: Report) -> list[str]:
    lines = ["", "== unit canonicalisation (matched units, .txt)"]
    c = report.canonical
    if c is None or not report.has_gold_canonicals or not c.names:
        why = "gold has no canonicals" if not report.has_gold_canonicals else "no matched unit has a gold canonical"
        lines.append(f"  canonical right      n/a ({why})")
        lines.append("  wrong merges         n/a")
        return lines
    lines.append(f"  canonical right      {c.share:.3f}  ({c.right}/{c.names} distinct written names, per document)")
    lines.append(f"  wrong merges         {c.wrong_merges}")
    for doc, can, golds in c.merges:
        lines.append(f"    {doc}: {can} ← {' | '.join(golds)}")
    return lines


def render_category(report: Report) -> list[str]:
    lines = ["", "== metric category methods (pipeline.extraction.category, matched metric pairs, .txt)"]
    cm = report.category
    if cm is None:
        return lines + ["  .txt not evaluated"]
    if not cm.available:
        return lines + [f"  not available: {cm.note} (the record's own categories are scored above as "
                        "metric_category)"]
    for m in CATEGORY_METHODS:
        mark = "  (default)" if m == cm.default else ""
        if m in cm.errors:
            lines.append(f"  {m:<8} failed: {cm.errors[m]}{mark}")
        else:
            a = cm.acc[m]
            lines.append(f"  {m:<8} " + (f"{a.acc:.3f}  ({a.ok}/{a.n})" if a.n else "—  (n=0)") + mark)
    lines.append(f"  default method: {cm.default or 'not declared by the module'}")
    if cm.note:
        lines.append(f"  {cm.note}")
    return lines


def render_findings(report: Report) -> list[str]:
    return render_findings_of(report.by_format)


def render_findings_of(by_format: dict[str, FormatScore]) -> list[str]:
    lines = ["", "== misses and extras"]
    labels = {"missed": "missed", "extra": "extra ", "wrong": "wrong "}
    for fmt, fs in by_format.items():
        for d in fs.docs:
            if not d.findings:
                continue
            lines.append(f"-- {d.name}.{fmt}" + (" (no record)" if d.status == "missing" else "")
                         + (f" (error {(d.error or {}).get('code')})" if d.status == "error" else ""))
            for f in d.findings:
                pad = "    " * (f.indent + 1)
                lines.append(f"{pad}{labels[f.kind]} {f.what:<8} {f.text}")
    return lines


def render_breakdown(fs: FormatScore, what: str) -> list[str]:
    """P/R/F1 per field and the accuracies, in total and per genre (gold doc_type), per corpus folder
    and, for ``dev/``, per genre its numbering encodes."""
    rows: list[tuple[str, FormatScore]] = [("TOTAL", fs)]
    for cut, groups in breakdown(fs).items():
        rows += [(f"{CUT_TITLES[cut]} {key}", sub) for key, sub in groups.items()]
    head = " " * CUT_WIDTH + " docs  " + "  ".join(f"{k:<17}" for k in PRF_KEYS)
    lines = ["", f"== by genre (gold doc_type), corpus folder and dev/ numbering ({what})", head,
             " " * CUT_WIDTH + "      " + "  ".join("    P     R    F1" for _ in PRF_KEYS)]
    lines += [f"{_short(label, CUT_WIDTH):<{CUT_WIDTH}}{len(sub.docs):5d}  {_prf_cells(sub.prf)}"
              for label, sub in rows]
    lines += ["", " " * CUT_WIDTH + " docs" + "".join(k.rjust(18) for k in CUT_ACC_KEYS)]
    for label, sub in rows:
        acc = sub.acc
        lines.append(f"{_short(label, CUT_WIDTH):<{CUT_WIDTH}}{len(sub.docs):5d}"
                     + "".join(_acc_cell(acc[k]) for k in CUT_ACC_KEYS))
    return lines


def render(report: Report, verbose: bool = False) -> str:
    lines = [f"taskdb eval {report.corpus}: {len(report.gold)} gold documents, {report.files} files extracted "
             f"in {report.seconds:.1f} s"]
    if "txt" in report.by_format:
        lines.append("")
        lines += render_format("txt", report.by_format["txt"])
        lines += render_breakdown(report.by_format["txt"], "txt")
    lines += render_renditions(report)
    if "txt" in report.by_format:
        lines += render_canonical(report)
        lines += render_category(report)
    if verbose:
        lines += render_findings(report)
    return "\n".join(lines) + "\n"


def render_cv(report: CVReport, verbose: bool = False) -> str:
    """The held-out figures: folds, totals, the cuts by genre and folder (and, verbose, every document)."""
    fs = report.scores
    trained = (", ".join(report.trainers) if report.trainers
               else "none (no trainer exists yet: the rules alone are scored)")
    lines = [f"taskdb eval {report.corpus} --cv {report.k}: {len(fs.docs)} gold documents in {report.groups} "
             f"source groups, {report.k} folds, {report.seconds:.1f} s",
             f"models trained per fold: {trained}"]
    for f in report.folds:
        lines.append(f"  fold {f.index}: {len(f.held_out)} documents held out, models trained on "
                     f"{len(f.trained_on)}, {f.seconds:.1f} s")
    lines.append("")
    lines += render_format("txt", fs, per_document=verbose, title=f"== .txt, held out: {len(fs.docs)} documents, "
                           f"counts pooled over the {report.k} folds")
    lines += render_breakdown(fs, f"txt, held out, {report.k} folds")
    if verbose:
        lines += render_findings_of({"txt": fs})
    return "\n".join(lines) + "\n"
