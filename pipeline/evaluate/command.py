"""What ``taskdb eval`` does: options checked, the evaluation (or the cross-validation) run and printed."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from .baseline import BASELINE_TOLERANCE, check_baseline, write_baseline
from .corpus import evaluate, gold_docs, parse_formats
from .report import render, render_cv


def _usage(message: str) -> int:
    print(f"Error: {message}", file=sys.stderr)
    return 1


def run(corpus_dir: str | Path, *, verbose: bool = False, json_out: str | Path | None = None,
        formats: str | None = None, baseline: str | Path | None = None, write_baseline_to: str | Path | None = None,
        allow_lower: bool = False, cv: int | None = None, out=None) -> int:
    """What ``taskdb eval`` does; returns the exit status (0, 1 usage error, 3 a figure dropped / baseline refused).

    ``cv`` K: cross-validated figures (:func:`pipeline.evaluate.cv.cross_validate`) instead of the
    fit of the current models; .txt only, and no baseline (the baseline is the whole corpus's fit).
    """
    out = out or sys.stdout
    try:
        fmts = parse_formats(formats)
    except ValueError as e:
        return _usage(str(e))
    if not gold_docs(corpus_dir):
        return _usage(f"no *.gold.json under {corpus_dir}")
    if cv is not None:
        return _run_cv(corpus_dir, cv, formats, fmts, verbose, json_out, baseline or write_baseline_to, out)
    if (baseline or write_baseline_to) and "txt" not in fmts:
        fmts = ("txt", *fmts)  # the baseline is about the .txt documents
    if baseline and not Path(baseline).is_file():
        return _usage(f"no baseline file {baseline}")
    report = evaluate(corpus_dir, fmts)
    out.write(render(report, verbose))
    if json_out:
        Path(json_out).write_text(json.dumps(report.to_json(), ensure_ascii=False, indent=1) + "\n", "utf-8")
    status = 0
    if baseline:
        dropped = check_baseline(report, baseline)
        out.write("\n== baseline " + str(baseline) + "\n")
        if dropped:
            out.write("".join(f"  {m}\n" for m in dropped))
            status = 3
        else:
            out.write(f"  no total below the baseline (tolerance {BASELINE_TOLERANCE})\n")
    if write_baseline_to:
        refused = write_baseline(report, write_baseline_to, allow_lower)
        if refused:
            out.write(f"\nbaseline {write_baseline_to} NOT written: it would lower a figure "
                      "(use --allow-lower to lower it):\n" + "".join(f"  {m}\n" for m in refused))
            status = 3
        else:
            out.write(f"\nbaseline written to {write_baseline_to}\n")
    out.flush()
    return status


def _run_cv(corpus_dir, k: int, formats, fmts: tuple[str, ...], verbose: bool, json_out, baseline, out) -> int:
    from .cv import check_folds, cross_validate

    if formats is not None and fmts != ("txt",):
        return _usage("--cv scores the .txt documents only (renditions are the same documents): "
                      "use --formats txt or leave --formats out")
    if baseline:
        return _usage("--baseline and --write-baseline judge the fit on the whole corpus: not with --cv")
    try:
        check_folds(gold_docs(corpus_dir), k)
    except ValueError as e:
        return _usage(str(e))
    report = cross_validate(corpus_dir, k, progress=lambda msg: print(msg, file=sys.stderr, flush=True))
    out.write(render_cv(report, verbose))
    if json_out:
        Path(json_out).write_text(json.dumps(report.to_json(), ensure_ascii=False, indent=1) + "\n", "utf-8")
    out.flush()
    return 0
