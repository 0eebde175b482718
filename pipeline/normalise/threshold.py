"""Measure the fuzzy-match threshold on the gold units: ``python -m pipeline.normalise.threshold [corpora]``.

Leave-one-out: for every distinct (written name, gold canonical) pair of the gold files, the gazetteer
loses the rows that would resolve that name directly (its own written form, the form without masks,
its core without level prefix), and the abbreviation fragments are switched off, so that only the
fuzzy step can map it. When the gold canonical equals the written name, the name's row is its
canonical's only row: any merge is then a merge of two units the gazetteer keeps apart, a wrong one.

For each threshold it prints the merges made, how many were right (``precision``), and how many of the
names that needed a merge to a canonical still in the gazetteer got the right one (``recall``).

It also leaves each canonical unit of the gazetteer out in turn and counts the merges of it into
another gazetteer unit (all wrong), and prints the same for rapidfuzz's ratio without the abbreviation
rule of :meth:`Gazetteer.fuzzy_candidates`.

Measured on corpora/samples + corpora/pool (155 distinct gold names, 418 gazetteer units): the ratio
alone merges wrongly at every threshold (precision 0.46–0.58 from 0.2 to 0.75, and 5–78 gazetteer
units merged into others: 公安分局 → 公安局, 区农业农村局 → 区农业农村水务局, 市生态环境局 →
市生态环境分局 …); with the abbreviation rule every
merge is right at every threshold from 0.2 to 0.9, and 23 of the 51 reachable names are merged up to
0.50, fewer above. :data:`~pipeline.normalise.units.FUZZY_THRESHOLD` is that 0.50: the strictest
threshold with the best recall and no wrong merge (:func:`choose`).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from .units import Gazetteer, _TRAILING_PAREN, clean_name, drop_masks, gazetteer, split_level

THRESHOLDS = tuple(round(0.2 + 0.05 * i, 2) for i in range(15))  # 0.20 … 0.90


def gold_pairs(root: str | Path = "corpora") -> list[tuple[str, str]]:
    """Distinct (written name, canonical) of every gold unit that has a canonical, sorted."""
    pairs = set()
    for p in sorted(Path(root).rglob("*.gold.json")):
        for t in json.loads(p.read_text("utf-8")).get("tasks", []):
            for u in t.get("units", []):
                if u.get("canonical"):
                    pairs.add((clean_name(u["name"]), clean_name(u["canonical"])))
    return sorted(pairs)


def _own_rows(name: str) -> set[str]:
    forms = {name, drop_masks(name)}
    m = _TRAILING_PAREN.match(name)
    if m:
        forms.add(m.group(1))
    for f in list(forms):
        lv, core = split_level(f)
        if lv:
            forms.add(core)
    return forms


def keep_apart_cases(gaz: Gazetteer | None = None) -> list[tuple[str, Gazetteer]]:
    """For every canonical of the gazetteer, the gazetteer without that unit's rows: any merge is wrong."""
    base = gaz or gazetteer()
    out = []
    for c in sorted(set(base.aliases.values())):
        if base.kind(c) == "collective":
            continue
        out.append((c, Gazetteer({k: v for k, v in base.aliases.items() if v != c and k != c}, [], base.kinds,
                                 base.threshold, base.margin)))
    return out


def measure(pairs: list[tuple[str, str]], thresholds=THRESHOLDS, gaz: Gazetteer | None = None,
            gated: bool = True) -> list[dict]:
    """One row per threshold: merges, right merges, precision, recall (see the module docstring)."""
    base = gaz or gazetteer()
    cases = []  # (name, gold canonical, candidates, canonical still known)
    for name, gold in pairs:
        g = Gazetteer({k: v for k, v in base.aliases.items() if k not in _own_rows(name)}, [], base.kinds,
                      base.threshold, base.margin)
        cases.append((name, gold, g, gold in g.known and gold != drop_masks(name)))
    apart = keep_apart_cases(base)
    rows = []
    for t in thresholds:
        merges = right = needed = found = 0
        wrong = []
        for name, gold, g, reachable in cases:
            target = g.fuzzy(drop_masks(name), threshold=t, gated=gated)
            needed += reachable
            if target is None:
                continue
            merges += 1
            if target == gold:
                right += 1
                found += reachable
            else:
                wrong.append((name, target, gold))
        apart_wrong = [(c, m) for c, g in apart if (m := g.fuzzy(c, threshold=t, gated=gated))]
        rows.append({"threshold": t, "names": len(cases), "merges": merges, "right": right,
                     "apart": len(apart), "apart_wrong": apart_wrong,
                     "precision": right / merges if merges else 1.0, "needed": needed,
                     "recall": found / needed if needed else 1.0, "wrong": wrong})
    return rows


def choose(rows: list[dict]) -> float:
    """The strictest threshold that keeps the best recall among those whose merges were all right
    (precision 1.0 on the gold, no merge of two gazetteer units)."""
    ok = [r for r in rows if r["precision"] == 1.0 and not r["apart_wrong"]]
    if not ok:
        raise ValueError("no threshold without a wrong merge")
    best = max(r["recall"] for r in ok)
    return max(r["threshold"] for r in ok if r["recall"] == best)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    root = args[0] if args else "corpora"
    pairs = gold_pairs(root)
    plain = {r["threshold"]: r for r in measure(pairs, gated=False)}
    print("rapidfuzz ratio alone, no abbreviation rule (precision on the gold / merges of gazetteer units):")
    print("  " + "  ".join(f"{t:.2f}: {r['precision']:.2f}/{len(r['apart_wrong'])}" for t, r in plain.items()))
    rows = measure(pairs)
    print("gold units, each without its own gazetteer rows (merges right / made), and the gazetteer's own")
    print("units, each left out in turn (any merge of one into another is wrong):")
    print(f"{'threshold':>9} {'names':>5} {'merges':>6} {'right':>5} {'precision':>9} {'recall':>6} "
          f"{'apart':>5} {'wrong':>5}")
    for r in rows:
        print(f"{r['threshold']:>9.2f} {r['names']:>5} {r['merges']:>6} {r['right']:>5} {r['precision']:>9.2f} "
              f"{r['recall']:>6.2f} {r['apart']:>5} {len(r['apart_wrong']):>5}")
        for name, got, gold in r["wrong"]:
            print(f"{'':>12}wrong: {name} → {got} (gold {gold})")
        for name, got in r["apart_wrong"]:
            print(f"{'':>12}merged two gazetteer units: {name} → {got}")
    print(f"chosen threshold (strictest with the best recall and no wrong merge): {choose(rows)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
