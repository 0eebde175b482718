"""Site chrome left, leave one set out: the chrome line model trained without some corpus folders (by default
the last blind sets heldout16-18 and the training batches train16j-l) and without the kept-aside written
copies, then the whole clean stage of each left-out labelled document, and of the written copies never trained
on (``corpora/boilerplate/written_heldout/``, and ``--extra`` folders of more such copies), with that model.

Prints, per part, the chrome lines left and the content lines lost (a line counts as kept when half its
Chinese characters survive the cleaner, as ``tests/test_boilerplate_unseen.py`` counts it).

    python scripts/measure_chrome_loso.py [--leave heldout16 heldout17 ...] [--extra DIR ...] [--models DIR]

``--models DIR`` skips the training and cleans with the models in DIR (``models/`` for the shipped one: then
the corpus figures are not held out, only the written copies are).
"""
import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.chdir(ROOT)

from pipeline import learn, train  # noqa: E402
from pipeline.clean import run_steps  # noqa: E402
from pipeline.learn import boilerplate as B  # noqa: E402

ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
ap.add_argument("--leave", nargs="*", default=["heldout16", "heldout17", "heldout18",
                                               "train16j", "train16k", "train16l"])
ap.add_argument("--extra", nargs="*", default=[], help="more folders of written copies never trained on")
ap.add_argument("--models", help="clean with the models of this folder instead of training one")
ap.add_argument("-v", action="store_true", help="print every line left or lost")
args = ap.parse_args()


def left_and_lost(raw: str, table: dict[int, str]) -> tuple[list[str], list[str], int, int]:
    kept = set(run_steps(raw).origin)
    lines = raw.split("\n")
    starts = [0]
    for ln in lines:
        starts.append(starts[-1] + len(ln) + 1)
    left, lost, n_c, n_t = [], [], 0, 0
    for k, label in table.items():
        line = lines[k - 1]
        pos = [starts[k - 1] + j for j, c in enumerate(line) if "\u3400" <= c <= "\u9fff"] or \
            [starts[k - 1] + j for j, c in enumerate(line) if not c.isspace()]
        if not pos:
            continue
        share = sum(p in kept for p in pos) / len(pos)
        if label == "chrome":
            n_c += 1
            if share >= 0.5:
                left.append(line.strip())
        elif label == "content":
            n_t += 1
            if share < 0.5:
                lost.append(line.strip())
    return left, lost, n_c, n_t


t0 = time.time()
docs = train.find_gold("corpora")
leave = set(args.leave)


def part_of(g) -> str:
    return g.name.split("/")[0]


out_docs = [g for g in docs if part_of(g) in leave]
table = B.labels()
by_doc: dict[str, dict[int, str]] = {}
for (stem, k), lab in table.items():
    by_doc.setdefault(stem, {})[k] = lab

if args.models:
    mdir = Path(args.models)
else:
    ex = train.collect(B, [g for g in docs if part_of(g) not in leave])
    est, meta = B.fit(ex, cv=False)
    mdir = Path(tempfile.mkdtemp(prefix="chrome_loso_"))
    learn.save(B.NAME, est, meta, "", mdir)
    print(f"trained on {len(ex)} lines without {sorted(leave)} in {time.time() - t0:.0f} s, "
          f"thresholds {meta['threshold_first']}/{meta['threshold']}")

with learn.use_models(mdir):
    parts: dict[str, list] = {}
    for g in out_docs:
        lab = by_doc.get(g.txt.stem)
        if not lab or not any(v == "chrome" for v in lab.values()):
            continue
        raw = g.txt.read_text("utf-8")
        parts.setdefault(part_of(g), []).append((g.txt.stem, raw, lab))
    for folder in [ROOT / "corpora/boilerplate/written_heldout", *args.extra]:
        parts[Path(folder).name] = B.read_written(folder)
    tot = [0, 0, 0, 0]
    for name, items in parts.items():
        n = [0, 0, 0, 0]
        for stem, raw, lab in items:
            left, lost, n_c, n_t = left_and_lost(raw, lab)
            n[0] += len(left)
            n[1] += n_c
            n[2] += len(lost)
            n[3] += n_t
            if args.v:
                for ln in left:
                    print(f"  LEFT {name}/{stem[:40]}: {ln[:90]}")
                for ln in lost:
                    print(f"  LOST {name}/{stem[:40]}: {ln[:90]}")
        tot = [a + b for a, b in zip(tot, n)]
        print(f"{name:18s} docs {len(items):3d}  chrome left {n[0]:3d}/{n[1]:<4d} content lost {n[2]}/{n[3]}")
    print(f"{'all':18s}           chrome left {tot[0]:3d}/{tot[1]:<4d} content lost {tot[2]}/{tot[3]}"
          f"  ({time.time() - t0:.0f} s)")
