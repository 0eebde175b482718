"""Why gold tasks are missed: the task chooser's misses on gold documents, counted by cause.

    python scripts/measure_task_misses.py corpora/heldout19 corpora/heldout20 [--threshold 0.4] [--show]

Each gold task the chosen tasks do not match (SPEC §7 pairing) is put under one cause:
- ``no_candidate``: no candidate reaches Jaccard 0.5 with it (a shape the candidate builder never offers);
- ``under_threshold``: the most probable candidate that matches it scores under the threshold;
- ``lost_to_overlap``: a matching candidate is above the threshold but an overlapping span was chosen;
- ``paired_elsewhere``: a matching candidate was chosen but paired with another gold task.
The models are those of ``$TASKDB_MODELS`` (or ``models/``); to measure documents held out, train the tasks model
without them first (``taskdb train CORPUS --out DIR --only tasks`` on a corpus without them). ``--show`` prints each
miss with its closest candidate, its probability and who proposed it.
"""

from __future__ import annotations

import argparse
from collections import Counter, defaultdict


def main() -> None:
    from pipeline.learn import load
    from pipeline.learn import tasks as T
    from pipeline.learn.fastscore import proba
    from pipeline.learn.match import greedy_pairs, jaccard
    from pipeline.train import collect, find_gold, trainer

    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("folders", nargs="+", help="corpus folders with gold files")
    ap.add_argument("--threshold", type=float, help="the model's own by default")
    ap.add_argument("--show", action="store_true", help="print each miss")
    args = ap.parse_args()
    model = load("tasks")
    if model is None:
        raise SystemExit("no tasks model: train one first (taskdb train CORPUS --only tasks)")
    thr = model["threshold"] if args.threshold is None else args.threshold
    exs = [e for f in args.folders for e in collect(trainer("tasks"), find_gold(f))]
    probs = proba(model["pipeline"], [T.features(e["info"]) for e in exs])
    by_doc: dict[str, list[int]] = defaultdict(list)
    for i, e in enumerate(exs):
        by_doc[e["doc"]].append(i)
    causes: Counter = Counter()
    tp = fp = fn = 0
    for doc, idx in by_doc.items():
        p = [probs[i] for i in idx]
        texts = [exs[i]["info"]["text"] for i in idx]
        chosen = T.choose_total(p, [exs[i]["span"] for i in idx], thr)
        gold = exs[idx[0]]["gold_texts"]
        pairs = greedy_pairs([texts[k] for k in chosen], gold, jaccard, 0.5)
        got = {j for _, j in pairs}
        tp, fp = tp + len(pairs), fp + len(chosen) - len(pairs)
        for j, g in enumerate(gold):
            if j in got:
                continue
            fn += 1
            sims = [jaccard(t, g) for t in texts]
            near = [k for k, s in enumerate(sims) if s >= 0.5]
            k = max(near, key=lambda k: p[k]) if near else max(range(len(texts)), key=sims.__getitem__, default=None)
            cause = ("no_candidate" if not near else "under_threshold" if p[k] < thr
                     else "paired_elsewhere" if k in chosen else "lost_to_overlap")
            causes[cause] += 1
            if args.show:
                print(f"{cause}\t{doc}\n  gold: {g[:120]}")
                if k is not None:
                    print(f"  best: {texts[k][:120]}  (J {sims[k]:.2f}, p {p[k]:.2f}, {exs[idx[k]]['info']['sources']})")
    pr, rc = tp / max(1, tp + fp), tp / max(1, tp + fn)
    print(f"threshold {thr}: tasks P {pr:.3f} R {rc:.3f} F1 {2 * pr * rc / max(1e-9, pr + rc):.3f} "
          f"(tp {tp} fp {fp} fn {fn})")
    for cause, n in causes.most_common():
        print(f"  {cause:18} {n}")


if __name__ == "__main__":
    main()
