"""How much mojibake taskdb recovers, on made cases: every corpus document garbled each way, then repaired.

    python scripts/measure_mojibake.py [--limit N] [--seed S]

Ways of garbling (what real software does to UTF-8 text):
- ``gbk``: the UTF-8 bytes decoded as GBK, bad bytes replaced (``鍏充簬`` for 关于; Windows Notepad, a GBK
  terminal);
- ``cp1252``: decoded as Windows-1252, its five undefined bytes replaced (``å…³äºŽ``; many web stacks);
- ``latin1``: decoded as ISO-8859-1 (no byte lost).

Scopes: the whole text (read back through the .txt reader from the garbled text saved as UTF-8), one
paragraph (a line of 20+ characters) and one run of 20–200 characters inside the otherwise clean document
(repaired by the cleaner's ``restore_mojibake``, which is what a document goes through). A case is an exact
recovery when the repaired text equals the original; the character rate is the share of the garbled
characters' original text recovered (1 - edit distance / length of the original span). ``false repairs``
counts corpus documents the repair changes when nothing is garbled (must be 0).
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

WAYS = {
    "gbk": lambda s: s.encode("utf-8").decode("gbk", errors="replace"),
    "cp1252": lambda s: s.encode("utf-8").decode("cp1252", errors="replace"),
    "latin1": lambda s: s.encode("utf-8").decode("latin-1"),
}


def _distance(a: str, b: str) -> int:
    from rapidfuzz.distance import Levenshtein

    return Levenshtein.distance(a, b)


def whole(text: str, way: str) -> str:
    from pipeline.ingest.txt import decode_text

    from pipeline.errors import ReaderError

    garbled = WAYS[way](text)
    try:
        out, _enc, _info = decode_text(Path("<made>"), garbled.encode("utf-8"))
    except ReaderError as e:  # not recognised as mojibake: refused as it was before (counted as not recovered)
        print(f"  not recovered ({way}, whole text): {e}", file=sys.stderr)
        return garbled
    return out


def inside(text: str, s: int, e: int, way: str) -> str:
    from pipeline.clean.steps import repair_mojibake

    garbled = text[:s] + WAYS[way](text[s:e]) + text[e:]
    return repair_mojibake(garbled)[0]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--limit", type=int, default=0, help="documents (0: all)")
    ap.add_argument("--skip", type=int, default=0,
                    help="leave out the first N documents (the first 40, sorted by path, are the ones the "
                         "repair's guesses were tuned on: --skip 40 gives the held-out figure)")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args(argv)
    from pipeline.clean.steps import repair_mojibake

    docs = sorted((ROOT / "corpora").rglob("*.txt"))
    docs = docs[args.skip:]
    if args.limit:
        docs = docs[: args.limit]
    rng = random.Random(args.seed)
    table: dict[tuple[str, str], list[int]] = {}  # (scope, way) -> [cases, exact, chars, chars recovered]
    false_repairs = []
    t0 = time.perf_counter()
    for path in docs:
        text = path.read_text(encoding="utf-8").replace("\r\n", "\n")
        if repair_mojibake(text)[1]:
            false_repairs.append(path.name)
        lines = [(m, len(ln)) for m, ln in _line_starts(text) if len(ln.strip()) >= 20]
        if not lines:
            continue
        ls, ll = rng.choice(lines)
        rs_line, rl = rng.choice(lines)
        n = rng.randint(20, 200)
        start = rs_line + rng.randint(0, max(0, rl - n))
        run = (start, min(start + n, rs_line + rl))
        for way in WAYS:
            for scope, (got, want_len) in {
                "whole text": (lambda: whole(text, way), len(text)),
                "one paragraph": (lambda: inside(text, ls, ls + ll, way), ll),
                "run of 20-200": (lambda: inside(text, *run, way), run[1] - run[0]),
            }.items():
                out = got()
                row = table.setdefault((scope, way), [0, 0, 0, 0])
                row[0] += 1
                row[1] += out == text
                row[2] += want_len
                row[3] += max(0, want_len - _distance(out, text))
    took = time.perf_counter() - t0
    print(f"{len(docs)} documents (from number {args.skip + 1} by path), seed {args.seed}, {took:.1f} s\n")
    print(f"| scope | garbled as | cases | exact recoveries | rate | characters recovered |")
    print(f"|---|---|---|---|---|---|")
    for (scope, way), (n, exact, chars, ok) in table.items():
        print(f"| {scope} | {way} | {n} | {exact} | {exact / n:.3f} | {ok / max(chars, 1):.4f} |")
    print(f"\nfalse repairs (documents changed that hold no mojibake): {len(false_repairs)}"
          + (f" {false_repairs}" if false_repairs else ""))
    return 0


def _line_starts(text: str):
    pos = 0
    for line in text.split("\n"):
        yield pos, line
        pos += len(line) + 1


if __name__ == "__main__":
    raise SystemExit(main())
