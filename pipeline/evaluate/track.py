"""``taskdb eval PAIRS --track``: SPEC §9 figures over plan–report pairs (status accuracy, evidence P/R/F1),
as ``tools/score_track.py`` computes them; ``--cv`` gives the leave-one-pair-out figures of the trained
linker (``models/track``), with the plan's tasks from the extractor and from gold."""

from __future__ import annotations

import json
import sys
from pathlib import Path


def _pairs(corpus_dir: str | Path, progress=None):
    """Every pair folder under ``corpus_dir`` (a plan ``NAME.track.json`` beside ``NAME.txt``), extracted."""
    from ..learn.track import Pair
    from ..run import extract

    out = []
    for track_file in sorted(Path(corpus_dir).rglob("*.track.json")):
        folder = track_file.parent
        plan_txt = track_file.with_name(track_file.name[: -len(".track.json")] + ".txt")
        if not plan_txt.exists():
            continue
        if progress:
            progress(f"extracting {folder.name}")
        plan = extract(plan_txt).to_record()
        reports = []
        for f in sorted(folder.glob("*.txt")):
            if f != plan_txt and not (folder / (f.stem + ".track.json")).exists():
                rec = extract(f).to_record()
                if rec.get("doc_type") != "plan":
                    reports.append(rec)
        gold = plan_txt.with_name(plan_txt.stem + ".gold.json")
        out.append(Pair(folder.name, plan, reports, json.loads(track_file.read_text("utf-8")),
                        json.loads(gold.read_text("utf-8")) if gold.exists() else None))
    return out


def _line(name: str, f: dict) -> str:
    return (f"{name:<44} tasks F1={f['tasks']['f1']:.3f}  status acc={f['status']['acc']:.3f} (n={f['status']['n']})"
            f"  evidence P={f['evidence']['p']:.3f} R={f['evidence']['r']:.3f} F1={f['evidence']['f1']:.3f}\n")


def run_track(corpus_dir: str | Path, *, cv: bool = False, json_out=None, predictions=None, out=None) -> int:
    """Score ``track`` on the pairs under ``corpus_dir``; returns the exit status."""
    from ..learn.track import cross_validate, gold_tasks
    from ..learn.tracking.link import current_model, link
    from ..learn.tracking.score import counts, figures

    out = out or sys.stdout
    pairs = _pairs(corpus_dir, progress=lambda m: print(m, file=sys.stderr, flush=True))
    if not pairs:
        print(f"Error: no *.track.json beside a plan under {corpus_dir}", file=sys.stderr)
        return 1
    result: dict = {}
    if cv:
        res = cross_validate(pairs)
        result = res
        out.write("== track, held out: leave one pair out (linker retrained without the pair)\n")
        for k in ("model", "rules", "model_gold_tasks", "rules_gold_tasks"):
            out.write(_line(k, res[k]))
        out.write("-- per pair (model, extractor tasks)\n")
        for g, v in sorted(res["per_pair"].items()):
            out.write(_line("  " + g, v["model"]))
    else:
        model = current_model()
        preds, per, per_gold = [], [], []
        for p in pairs:
            pred = link(p.plan, p.reports, model=model)
            preds.extend(pred)
            per.append(counts(pred, p.track))
            per_gold.append(counts(link(p.plan, p.reports, tasks=gold_tasks(p), model=model), p.track))
        result = {"extractor_tasks": figures(per), "gold_tasks": figures(per_gold),
                  "per_pair": {p.group: figures([c]) for p, c in zip(pairs, per)},
                  "linker": "model" if model else "rules"}
        out.write(f"== track, fit of the current linker ({result['linker']}; quote --cv for held-out figures)\n")
        out.write(_line("extractor tasks", result["extractor_tasks"]))
        out.write(_line("gold tasks", result["gold_tasks"]))
        for g, f in sorted(result["per_pair"].items()):
            out.write(_line("  " + g, f))
        if predictions:
            Path(predictions).write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in preds), "utf-8")
    if json_out:
        Path(json_out).write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", "utf-8")
    out.flush()
    return 0
