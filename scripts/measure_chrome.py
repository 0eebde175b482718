"""Site chrome left in the cleaned text, held out: the chrome line model's nested grouped cross-validation over
the labelled lines of corpora/boilerplate/lines.tsv, then the whole clean stage of each document with the
held-out line decisions in place of the trained model's. Prints the chrome lines left, the documents keeping
chrome, and the lines holding a gold task or metric that were lost (the figures the README quotes).

    python scripts/measure_chrome.py [--json OUT]    (a few minutes: one nested CV)
"""
import argparse
import bisect
import json
import os
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.chdir(ROOT)

from pipeline import train  # noqa: E402
from pipeline.clean import run_steps  # noqa: E402
from pipeline.clean import steps as S  # noqa: E402
from pipeline.learn import boilerplate as B  # noqa: E402
from pipeline.learn.match import norm  # noqa: E402

ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
ap.add_argument("--json", help="write the lines left and the gold lines lost to this file")
args = ap.parse_args()

t0 = time.time()
docs = train.find_gold("corpora")
ex = train.collect(B, docs)
ex = sorted(ex, key=lambda e: (e["group"], e["doc"], e["line"]))
y = [e["y"] for e in ex]
print("examples", len(ex), "chrome", sum(y), round(time.time() - t0), "s")
r = B.nested_cross_validate(ex)
keep = [B.spared(e) for e in ex]
thr = B.choose_thresholds(y, r["p1"], r["p2"], keep=keep)
pred = [(a >= thr[0] or b >= thr[1]) and not k for a, b, k in zip(r["p1"], r["p2"], keep)]
print("nested CV done", round(time.time() - t0), "s thr", thr, B._prf(y, pred))
rule = [bool(e.get("rule")) for e in ex]
print("lists or model", B._prf(y, [a or b for a, b in zip(rule, pred)]))
drop = {}
for e, q in zip(ex, pred):
    if q:
        drop.setdefault(e["doc"], set()).add(e["line"])
label = {}
for e in ex:
    label.setdefault(e["doc"], {})[e["line"]] = e["y"]

def steps_for(raw, lines_to_drop):
    nl = [i for i, c in enumerate(raw) if c == "\n"]
    def rb(m):
        spans, pos = [], 0
        for line in m.text.split("\n"):
            end = pos + len(line)
            if line.strip():
                j = pos + (len(line) - len(line.lstrip()))
                k = bisect.bisect_left(nl, m.origin[j]) + 1
                if k in lines_to_drop:
                    spans.append((pos, min(end + 1, len(m.text))))
            pos = end + 1
        return S._drop_lines(m, spans + S._list_chrome_lines(m.text), "held out", keep_newline=True)
    return [(n, rb if n == "remove_boilerplate" else f) for n, f in S.STEPS]

left_lines, dropped_content, n_content_gold, docs_left = [], [], 0, set()
docs_with = set()
for g in docs:
    stem = g.txt.stem
    if stem not in label:
        continue
    raw = g.txt.read_text("utf-8")
    m = run_steps(raw, steps_for(raw, drop.get(stem, set())))
    alive = set(m.origin)
    gold = g.load()
    items = [norm(x["text"]) for x in gold.get("tasks", [])] + [norm(x.get("raw") or "") for x in gold.get("metrics", [])]
    items = [x for x in items if len(x) >= 4]
    pos = 0
    for k, line in enumerate(raw.split("\n"), 1):
        span = range(pos, pos + len(line))
        pos += len(line) + 1
        if k not in label[stem]:
            continue
        chars = [i for i in span if re.match(r"[0-9\u3400-\u9fff]", raw[i])]
        if not chars:
            continue
        surv = sum(i in alive for i in chars)
        if label[stem][k]:
            docs_with.add(stem)
            if surv >= 2:
                left_lines.append((stem, k, "".join(raw[i] for i in chars if i in alive)[:80], line.strip()[:80]))
                docs_left.add(stem)
        else:
            nl_ = norm(line)
            holds = len(nl_) >= 4 and any(x in nl_ or (len(nl_) >= 6 and nl_ in x) for x in items)
            if holds:
                n_content_gold += 1
                if surv < 0.5 * len(chars):
                    dropped_content.append((stem, k, line.strip()[:80]))
n_chrome = sum(y)
print(f"CLEAN STAGE held out: chrome lines left {len(left_lines)}/{n_chrome} (recall {1-len(left_lines)/n_chrome:.3f}); "
      f"docs keeping chrome {len(docs_left)}/{len(docs_with)}; gold-holding content lines kept "
      f"{n_content_gold-len(dropped_content)}/{n_content_gold} ({1-len(dropped_content)/max(n_content_gold,1):.4f})")
print("content lines (any) dropped by model held out:", sum(1 for e, q in zip(ex, pred) if q and not e["y"]))
for d in dropped_content:
    print("DROPPED-GOLD", *d)
for l in left_lines:
    print("LEFT", l[0][:40], l[1], "|", l[2], "|", l[3])
if args.json:
    with open(args.json, "w", encoding="utf-8") as fh:
        json.dump({"left": left_lines, "dropped": dropped_content}, fh, ensure_ascii=False, indent=1)
print("total", round(time.time() - t0), "s")
