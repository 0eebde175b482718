"""The similarity of true renditions vs distinct documents: what ``pipeline.store.renditions.THRESHOLD`` rests on.

Every file of the corpus is read and cleaned (``taskdb extract``'s text); files
of one folder with one stem (``x.txt``, ``x.docx``, ``x.pdf``, ``x.html``) are
renditions of one document, any two files of different stems are distinct
documents. For both kinds of pair it prints the distribution of the Jaccard
similarity of the normalised texts' character-shingle sets, the closest
distinct pairs (to read by hand: two different files may hold one text) and the
margin a threshold leaves on each side.

    PYTHONPATH=. python scripts/measure_renditions.py [--cache /tmp/rendition_texts.json] [--shingle 5]
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from itertools import combinations
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXTS = (".txt", ".docx", ".pdf", ".html", ".doc")


def corpus_files() -> list[Path]:
    return sorted(p for p in (ROOT / "corpora").rglob("*") if p.suffix in EXTS and p.is_file())


def texts(cache: Path | None) -> dict[str, str]:
    if cache is not None and cache.is_file():
        return json.loads(cache.read_text(encoding="utf-8"))
    from pipeline.run import extract_many

    files = corpus_files()
    out = {}
    for res in extract_many([str(p) for p in files]):
        if res.ok:
            out[str(Path(res.source).relative_to(ROOT))] = res.document.text
        else:
            print(f"skipped {res.source}: {res.code}", file=sys.stderr)
    if cache is not None:
        cache.write_text(json.dumps(out, ensure_ascii=False), encoding="utf-8")
    return out


def quantiles(values: list[float]) -> str:
    v = sorted(values)
    if not v:
        return "none"
    q = lambda p: v[min(len(v) - 1, int(p * (len(v) - 1) + 0.5))]  # noqa: E731
    return (f"n={len(v)} min={v[0]:.3f} p01={q(0.01):.3f} p05={q(0.05):.3f} median={q(0.5):.3f} "
            f"p95={q(0.95):.3f} p99={q(0.99):.3f} max={v[-1]:.3f}")


def histogram(values: list[float], bins: int = 10) -> str:
    counts = [0] * bins
    for x in values:
        counts[min(bins - 1, int(x * bins))] += 1
    return "  ".join(f"[{i / bins:.1f},{(i + 1) / bins:.1f}):{c}" for i, c in enumerate(counts))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--cache", type=Path, default=None, help="JSON file of the cleaned texts (made when missing)")
    ap.add_argument("--shingle", type=int, default=None, help="shingle length (default: the store's)")
    args = ap.parse_args(argv)

    from pipeline.store.renditions import SHINGLE, THRESHOLD, jaccard, normalise, shingles, text_key

    k = args.shingle or SHINGLE
    docs = texts(args.cache)
    group = {name: str(Path(name).with_suffix("")) for name in docs}
    sets = {name: shingles(normalise(t), k) for name, t in docs.items()}
    same, distinct = [], []
    exact_same = 0
    closest = []
    by_group = defaultdict(list)
    for name in docs:
        by_group[group[name]].append(name)
    for a, b in combinations(sorted(docs), 2):
        j = jaccard(sets[a], sets[b])
        if group[a] == group[b]:
            same.append(j)
            exact_same += text_key(docs[a]) == text_key(docs[b])
            print(f"rendition {Path(a).name} ~ {Path(b).suffix}: {j:.3f}")
        else:
            distinct.append(j)
            closest.append((j, a, b))
    closest.sort(reverse=True)
    print(f"\nfiles: {len(docs)}, documents (stems): {len(by_group)}, shingle: {k}")
    print(f"true renditions:    {quantiles(same)}; identical normalised text: {exact_same}/{len(same)}")
    print(f"  {histogram(same)}")
    print(f"distinct documents: {quantiles(distinct)}")
    print(f"  {histogram(distinct)}")
    print("closest distinct pairs:")
    for j, a, b in closest[:12]:
        print(f"  {j:.3f} {a}  {b}")
    # the worst a copy's cleaning can do: nothing at all (the raw .txt, chrome, pinyin glosses and page counters
    # kept, only traditional script converted) against its cleaned text
    import opencc

    t2s = opencc.OpenCC("t2s")
    raw = []
    for name, t in docs.items():
        if name.endswith(".txt"):
            data = (ROOT / name).read_bytes()
            try:
                text = data.decode("utf-8")
            except UnicodeDecodeError:
                text = data.decode("gb18030", errors="replace")
            raw.append(jaccard(shingles(normalise(t2s.convert(text)), k), sets[name]))
    print(f"raw .txt vs its cleaned text: {quantiles(raw)}; below the threshold: {sum(x < THRESHOLD for x in raw)}")
    print(f"  {histogram(raw)}")
    lo = max((j for j, *_ in closest), default=0.0)
    hi = min(same, default=1.0)
    print(f"\nthreshold {THRESHOLD}: margin {THRESHOLD - lo:+.3f} above the closest distinct pair ({lo:.3f}), "
          f"{hi - THRESHOLD:+.3f} below the least similar renditions ({hi:.3f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
