"""How well predicted units are canonicalised, against the gold files (for ``taskdb eval``)."""

from __future__ import annotations

import json
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from ..script import t2s

_PUNCT = re.compile(r"[\s\u3000-\u303f\uff00-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65!-/:-@\[-`{-~·•]")


def norm(s: str | None) -> str:
    """A name as compared (SPEC §7): NFKC (full-width to half-width), simplified script, no whitespace
    or punctuation."""
    return _PUNCT.sub("", t2s()(unicodedata.normalize("NFKC", s or "")))


def _record(r: Any) -> Mapping[str, Any]:
    return r.to_record() if hasattr(r, "to_record") else r


def _gold_index(gold_dir: str | Path) -> dict[str, list[Path]]:
    idx: dict[str, list[Path]] = defaultdict(list)
    for p in sorted(Path(gold_dir).rglob("*.gold.json")):
        idx[p.name[: -len(".gold.json")]].append(p)
    return idx


def _gold_for(source: str, idx: dict[str, list[Path]]) -> Path | None:
    src = Path(source)
    cands = idx.get(src.stem, [])
    if not cands:
        return None
    for p in cands:  # the gold file beside the document, when there are several of that name
        if p.parent.name == src.parent.name:
            return p
    return cands[0]


def canonical_scores(records: Iterable[Any], gold_dir: str | Path) -> dict[str, Any]:
    """Score the canonical names of predicted units against gold canonicals.

    Args:
        records: the documents as ``taskdb extract`` records (dicts with ``source`` and ``tasks[].units[]``
            holding ``name`` and ``canonical``), or :class:`~pipeline.model.Document` objects. A record
            with an ``error`` or without a gold file is skipped.
        gold_dir: a folder searched recursively for ``NAME.gold.json``; a record's gold file is the one
            whose NAME is the stem of its ``source`` (the one in a folder of the same name as the source's
            folder, when several are found).

    Returns:
        A dict with

        - ``documents``: records scored (with a gold file holding canonicals);
        - ``names``: distinct written names, per document, of gold units (with a ``canonical``) that
          also occur among the predicted units of that document (names compared after :func:`norm`);
        - ``right``: of those, the names whose predicted canonical is the gold canonical (every
          predicted unit of that name, when it occurs more than once);
        - ``share``: ``right / names`` (None when ``names`` is 0);
        - ``wrong_merges``: in each document, for each predicted canonical, the number of different gold
          canonicals of the names mapped to it, minus one, summed (the goal is 0);
        - ``mistakes``: ``{"source", "name", "predicted", "gold"}`` of each wrong name;
        - ``merges``: ``{"source", "canonical", "gold", "names"}`` of each wrong merge.

    Example::

        >>> canonical_scores([{"source": "corpora/pool/x.txt", "tasks": []}], "corpora")["names"]
        0
    """
    idx = _gold_index(gold_dir)
    docs = names = right = wrong_merges = 0
    mistakes: list[dict] = []
    merges: list[dict] = []
    for rec in records:
        rec = _record(rec)
        if not rec or rec.get("error") or not rec.get("source"):
            continue
        gp = _gold_for(rec["source"], idx)
        if gp is None:
            continue
        gold: dict[str, str] = {}
        shown: dict[str, str] = {}
        for t in json.loads(gp.read_text("utf-8")).get("tasks", []):
            for u in t.get("units", []):
                if u.get("canonical"):
                    key = norm(u["name"])
                    gold.setdefault(key, norm(u["canonical"]))
                    shown.setdefault(key, u["name"])
        if not gold:
            continue
        docs += 1
        pred: dict[str, set[str]] = defaultdict(set)
        pred_shown: dict[str, str] = {}
        for t in rec.get("tasks", []) or []:
            for u in t.get("units", []) or []:
                key = norm(u.get("name"))
                pred[key].add(norm(u.get("canonical") or u.get("name")))
                pred_shown.setdefault(norm(u.get("canonical") or u.get("name")), u.get("canonical") or u.get("name"))
        groups: dict[str, set[str]] = defaultdict(set)
        group_names: dict[str, list[str]] = defaultdict(list)
        for key, g in gold.items():
            if key not in pred:
                continue
            names += 1
            if pred[key] == {g}:
                right += 1
            else:
                mistakes.append({"source": rec["source"], "name": shown[key],
                                 "predicted": sorted(pred_shown.get(c, c) for c in pred[key]), "gold": g})
            for c in pred[key]:
                groups[c].add(g)
                group_names[c].append(shown[key])
        for c, gs in groups.items():
            if len(gs) > 1:
                wrong_merges += len(gs) - 1
                merges.append({"source": rec["source"], "canonical": pred_shown.get(c, c), "gold": sorted(gs),
                               "names": group_names[c]})
    return {"documents": docs, "names": names, "right": right, "share": right / names if names else None,
            "wrong_merges": wrong_merges, "mistakes": mistakes, "merges": merges}
