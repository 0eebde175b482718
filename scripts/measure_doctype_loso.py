"""doc_type held out two ways: the trainer's grouped cross-validation (GroupKFold by source group, as
``taskdb train`` measures it) with its accuracy per corpus part and per label, and leave one set out: the
model trained without some corpus folders (by default the last blind sets heldout16-18 and the training
batches train16j-l), scored on them. Optionally also on folders of extra documents named ``TYPE_….txt``.

    PYTHONPATH=. python scripts/measure_doctype_loso.py [--leave heldout16 ...] [--extra DIR ...]

The pipeline code is the one on PYTHONPATH (run it with another checkout's code to compare before and
after); the corpus is this repository's.
"""
import argparse
import os
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
os.chdir(ROOT)

from pipeline import train  # noqa: E402
from pipeline.learn import doctype as D  # noqa: E402

ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
ap.add_argument("--leave", nargs="*", default=["heldout16", "heldout17", "heldout18",
                                               "train16j", "train16k", "train16l"])
ap.add_argument("--extra", nargs="*", default=[])
args = ap.parse_args()

docs = train.find_gold("corpora")
exs = D._sorted(train.collect(D, docs))
ys = [e["y"] for e in exs]
pred = D.cross_validate(exs)
part = [e["name"].split("corpora/")[-1].split("/")[0] for e in exs]
print(f"grouped CV: {sum(p == y for p, y in zip(pred, ys))}/{len(ys)} = {D._acc(list(zip(pred, ys))):.4f}")
for lab in D.LABELS:
    idx = [i for i, y in enumerate(ys) if y == lab]
    print(f"  recall {lab:7s} {sum(pred[i] == lab for i in idx)}/{len(idx)}")
by_part = Counter(part)
for p in sorted(by_part):
    idx = [i for i in range(len(exs)) if part[i] == p]
    bad = sum(pred[i] != ys[i] for i in idx)
    if bad:
        print(f"  {p:12s} {len(idx) - bad}/{len(idx)}")
for i in range(len(exs)):
    if pred[i] != ys[i]:
        print(f"  CV miss {exs[i]['name'].split('corpora/')[-1]}: {ys[i]} -> {pred[i]}")

leave = set(args.leave)
tr = [e for e, p in zip(exs, part) if p not in leave]
te = [(e, p) for e, p in zip(exs, part) if p in leave]
est = D.make_estimator().fit([e["x"] for e in tr], [e["y"] for e in tr])
ok = 0
for e, p in te:
    got = D.best(D.predict_proba(est, e["x"]))
    ok += got == e["y"]
    if got != e["y"]:
        print(f"  LOSO miss {e['name'].split('corpora/')[-1]}: {e['y']} -> {got}")
print(f"leave one set out ({', '.join(sorted(leave))}): {ok}/{len(te)} = {ok / max(len(te), 1):.4f}")

if args.extra:
    from pipeline.run import extract

    est_all = D.make_estimator().fit([e["x"] for e in exs], ys)
    ok = n = 0
    for folder in args.extra:
        for f in sorted(Path(folder).glob("*.txt")):
            doc = extract(f, until="structure")
            want = f.name.split("_")[0]
            row = D.examples(doc, {"doc_type": want}, f.name)[0]["x"]
            got = D.best(D.predict_proba(est_all, row))
            n += 1
            ok += got == want
            if got != want:
                print(f"  extra miss {f.name}: {want} -> {got}")
    print(f"extra documents (model on the whole corpus): {ok}/{n}")
sys.exit(0)
