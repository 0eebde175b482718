"""``taskdb eval``: score the extraction against the gold annotations of a corpus (SPEC §7).

The scoring is SPEC §7, written here in small functions, and agrees figure for
figure with the reference scorer ``tools/score.py`` beside the SPEC (checked by
``tests/test_eval.py`` on the corpus and on hand-made edge cases):

- :func:`norm`, :func:`bigrams`, :func:`jaccard`: normalisation (NFKC, simplified
  script, whitespace and punctuation removed) and character-bigram Jaccard;
- :func:`greedy_pairs`: one-to-one pairing, from the most similar pair down;
- :func:`match_tasks`, :func:`match_units`, :func:`match_deadlines`, :func:`match_metrics`;
- :class:`PRF` and :class:`Acc`: counters pooled over documents (micro-average);
- :func:`score_document` / :func:`score_corpus`: one document / a list of documents.

:func:`evaluate` walks a corpus folder: each ``NAME.gold.json`` is scored against
the record of ``NAME.txt`` and, separately, against ``NAME.docx`` / ``NAME.pdf`` /
``NAME.html`` where they exist beside it. Every file is extracted once per run.
:func:`render` prints the report; :func:`check_baseline` and :func:`write_baseline`
keep ``eval_baseline.json``, the figures CI must not fall below.
"""

from __future__ import annotations

import json
import re
import sys
import time
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

FORMATS = ("txt", "docx", "pdf", "html")
PRF_KEYS = ("tasks", "units", "deadlines", "metrics")
ACC_KEYS = ("doc_type", "unit_role", "metric_category", "metric_subject", "metric_approx")

TASK_THRESHOLD = 0.5  # bigram Jaccard of task texts
MASKED_METRIC_THRESHOLD = 0.5  # bigram Jaccard of subjects (or raws) of two masked metrics
SUBJECT_THRESHOLD = 0.5  # a matched metric's subject is right at this Jaccard
RENDITION_TOLERANCE = 0.02  # a rendition's totals should be this close to the .txt totals
BASELINE_TOLERANCE = 0.0005  # a total may fall this much below the baseline before CI fails

#: the totals kept in the baseline: name → (score key, field)
BASELINE_FIGURES: dict[str, tuple[str, str]] = {
    "tasks_f1": ("tasks", "f1"),
    "units_f1": ("units", "f1"),
    "deadlines_f1": ("deadlines", "f1"),
    "metrics_f1": ("metrics", "f1"),
    "doc_type_acc": ("doc_type", "acc"),
    "unit_role_acc": ("unit_role", "acc"),
    "metric_category_acc": ("metric_category", "acc"),
}

CATEGORY_METHODS = ("rules", "model")
CONTEXT_WIDTH = 60  # characters either side of a metric's span searched for its sentence


# -- normalisation and similarity: pipeline.learn.match (shared with training) ------------------------------

from .learn.match import bigrams, greedy_pairs, jaccard, norm  # noqa: E402,F401


def _round2(v: Any) -> float | None:
    """A number rounded to two decimals (SPEC §7); None when it is not a number."""
    if v is None:
        return None
    try:
        return round(float(v), 2)
    except (TypeError, ValueError):
        return None


# -- counters ------------------------------------------------------------------------------------------------------

@dataclass
class PRF:
    """True positives, false positives and false negatives, pooled (micro-average)."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, tp: int, npred: int, ngold: int) -> None:
        self.tp += tp
        self.fp += npred - tp
        self.fn += ngold - tp

    def __iadd__(self, other: PRF) -> PRF:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn
        return self

    @property
    def empty(self) -> bool:
        """Nothing to find and nothing found."""
        return not (self.tp or self.fp or self.fn)

    @property
    def p(self) -> float | None:
        return None if self.empty else (self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0)

    @property
    def r(self) -> float | None:
        return None if self.empty else (self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0)

    @property
    def f1(self) -> float | None:
        p, r = self.p, self.r
        if p is None or r is None:
            return None
        return 2 * p * r / (p + r) if p + r else 0.0

    def row(self) -> dict[str, Any]:
        def r4(v):
            return None if v is None else round(v, 4)

        return {"p": r4(self.p), "r": r4(self.r), "f1": r4(self.f1), "tp": self.tp, "fp": self.fp, "fn": self.fn}


@dataclass
class Acc:
    """Right answers out of the pairs judged."""

    ok: int = 0
    n: int = 0

    def add(self, ok: bool) -> None:
        self.n += 1
        self.ok += bool(ok)

    def __iadd__(self, other: Acc) -> Acc:
        self.ok += other.ok
        self.n += other.n
        return self

    @property
    def acc(self) -> float | None:
        return self.ok / self.n if self.n else None

    def row(self) -> dict[str, Any]:
        return {"acc": None if self.acc is None else round(self.acc, 4), "n": self.n}


def _new_prf() -> dict[str, PRF]:
    return {k: PRF() for k in PRF_KEYS}


def _new_acc() -> dict[str, Acc]:
    return {k: Acc() for k in ACC_KEYS}


# -- matching ------------------------------------------------------------------------------------------------------

def task_similarity(p: dict, g: dict) -> float:
    return jaccard(p.get("text") or "", g.get("text") or "")


def match_tasks(preds: Sequence[dict], golds: Sequence[dict]) -> list[tuple[int, int]]:
    """Tasks pair when their texts' bigram Jaccard is ≥ 0.5; a merged prediction matches one gold task."""
    return greedy_pairs(preds, golds, task_similarity, TASK_THRESHOLD)


def _unit_name(u: Any) -> str | None:
    return u.get("name") if isinstance(u, dict) else u


def units_match(pred: Any, gold: Any) -> bool:
    """Equal names, or the prediction's canonical is the gold name (both normalised)."""
    gold_name = norm(_unit_name(gold))
    if norm(_unit_name(pred)) == gold_name:
        return True
    canonical = pred.get("canonical") if isinstance(pred, dict) else None
    return bool(canonical) and norm(canonical) == gold_name


def match_units(preds: Sequence[Any], golds: Sequence[Any]) -> list[tuple[int, int]]:
    """Each gold unit, in order, takes the first unused predicted unit that matches it."""
    used: set[int] = set()
    pairs = []
    for j, g in enumerate(golds):
        for i, p in enumerate(preds):
            if i not in used and units_match(p, g):
                used.add(i)
                pairs.append((i, j))
                break
    return pairs


def deadline_key(d: dict) -> tuple:
    """What must be equal for two deadlines to match (``raw`` is not compared)."""
    kind = d.get("kind")
    if d.get("masked"):
        return (kind, "masked")
    if kind == "by_date":
        return (kind, d.get("date"))
    if kind == "range":
        return (kind, d.get("start"), d.get("end"))
    if kind == "recurring":
        return (kind, d.get("freq"), d.get("min_count"))
    return (kind,)


def match_deadlines(preds: Sequence[dict], golds: Sequence[dict]) -> tuple[list[int], list[int]]:
    """Deadlines match as multisets of :func:`deadline_key`: the (pred, gold) indices left unmatched."""
    common = Counter(deadline_key(d) for d in preds) & Counter(deadline_key(d) for d in golds)

    def leftovers(items):
        budget = Counter(common)
        out = []
        for i, d in enumerate(items):
            k = deadline_key(d)
            if budget[k]:
                budget[k] -= 1
            else:
                out.append(i)
        return out

    return leftovers(preds), leftovers(golds)


def metric_similarity(p: dict, g: dict) -> float:
    """0 unless ``unit`` and ``value`` agree (masked: both masked and subject or raw Jaccard ≥ 0.5).

    Equal values score 1 + the Jaccard of the subjects, so that where one value occurs twice the
    pair whose subjects agree is taken first.
    """
    if norm(p.get("unit")) != norm(g.get("unit")):
        return 0.0
    if p.get("masked") or g.get("masked"):
        if not (p.get("masked") and g.get("masked")):
            return 0.0
        j = max(jaccard(p.get("subject") or "", g.get("subject") or ""),
                jaccard(p.get("raw") or "", g.get("raw") or ""))
        return j if j >= MASKED_METRIC_THRESHOLD else 0.0
    value = _round2(g.get("value"))
    if value is None or _round2(p.get("value")) != value:
        return 0.0
    return 1.0 + jaccard((p.get("subject") or "") + (p.get("raw") or ""), g.get("subject") or "")


def match_metrics(preds: Sequence[dict], golds: Sequence[dict]) -> list[tuple[int, int]]:
    return greedy_pairs(preds, golds, metric_similarity, MASKED_METRIC_THRESHOLD)


# -- one document --------------------------------------------------------------------------------------------------

@dataclass
class Finding:
    """A miss, an extra or a wrong attribute, for ``--verbose``."""

    kind: str  # "missed" | "extra" | "wrong"
    what: str  # task | unit | deadline | metric | role | category | subject | doc_type
    text: str
    indent: int = 0


@dataclass
class DocScore:
    """The counts of one document in one format, and what was missed and extra."""

    name: str
    status: str  # scored | error | missing
    prf: dict[str, PRF] = field(default_factory=_new_prf)
    acc: dict[str, Acc] = field(default_factory=_new_acc)
    error: dict | None = None
    doc_type: tuple[str | None, str | None] | None = None  # (predicted, gold)
    findings: list[Finding] = field(default_factory=list)
    unit_pairs: list[tuple[dict, dict]] = field(default_factory=list)  # matched (pred, gold) units
    metric_pairs: list[tuple[dict, dict]] = field(default_factory=list)  # matched (pred, gold) metrics
    text: str = ""  # the record's cleaned text, for metric contexts


def _one_line(s: str | None) -> str:
    return " ".join((s or "").split())


def _describe_unit(u: Any) -> str:
    if not isinstance(u, dict):
        return str(u)
    can = u.get("canonical")
    extra = f" = {can}" if can and can != u.get("name") else ""
    return f"{u.get('name')}{extra} ({u.get('role')})"


def _describe_deadline(d: dict) -> str:
    k = deadline_key(d)
    fields_ = " ".join("null" if v is None else str(v) for v in k[1:])
    return f"{k[0]} {fields_} «{d.get('raw') or ''}»".replace("  ", " ")


def _describe_metric(m: dict) -> str:
    if m.get("masked"):
        value = "xx"
    else:
        value = f"{m.get('value')}" + (f"–{m.get('value_max')}" if m.get("value_max") is not None else "")
    approx = "~" if m.get("approx") else ""
    raw = f" «{_one_line(m.get('raw'))}»" if m.get("raw") else ""
    return f"{m.get('subject')} {approx}{value}{m.get('unit') or ''} [{m.get('category')}]{raw}"


def _task_findings(kind: str, task: dict) -> list[Finding]:
    out = [Finding(kind, "task", _one_line(task.get("text")))]
    out += [Finding(kind, "unit", _describe_unit(u), 1) for u in task.get("units") or []]
    out += [Finding(kind, "deadline", _describe_deadline(d), 1) for d in task.get("deadlines") or []]
    return out


def score_document(name: str, gold: dict, record: dict | None) -> DocScore:
    """Score one record against its gold annotation (SPEC §7).

    ``record`` None is a missing document: everything in gold counts as missed, and doc_type
    is not judged. An error record is judged as one with no tasks and no metrics and no doc_type.
    """
    gt, gm = gold.get("tasks") or [], gold.get("metrics") or []
    if record is None:
        ds = DocScore(name, "missing")
        ds.prf["tasks"].add(0, 0, len(gt))
        ds.prf["metrics"].add(0, 0, len(gm))
        for t in gt:
            ds.prf["units"].add(0, 0, len(t.get("units") or []))
            ds.prf["deadlines"].add(0, 0, len(t.get("deadlines") or []))
        ds.findings = [f for t in gt for f in _task_findings("missed", t)]
        ds.findings += [Finding("missed", "metric", _describe_metric(m)) for m in gm]
        return ds

    ds = DocScore(name, "scored", text=record.get("text") or "")
    if "error" in record:
        ds.status, ds.error = "error", record["error"]
        record = {"tasks": [], "metrics": []}
    if "doc_type" in gold:
        ds.doc_type = (record.get("doc_type"), gold["doc_type"])
        ds.acc["doc_type"].add(record.get("doc_type") == gold["doc_type"])
        if record.get("doc_type") != gold["doc_type"]:
            ds.findings.append(Finding("wrong", "doc_type", f"{record.get('doc_type')} (gold {gold['doc_type']})"))

    _score_tasks(ds, record.get("tasks") or [], gt)
    _score_metrics(ds, record.get("metrics") or [], gm)
    return ds


def _score_tasks(ds: DocScore, pt: list[dict], gt: list[dict]) -> None:
    pairs = match_tasks(pt, gt)
    ds.prf["tasks"].add(len(pairs), len(pt), len(gt))
    for i, j in sorted(pairs, key=lambda ij: ij[1]):
        p, g = pt[i], gt[j]
        where = f"in task «{_one_line(g.get('text'))[:30]}…»"
        pus, gus = p.get("units") or [], g.get("units") or []
        upairs = match_units(pus, gus)
        ds.prf["units"].add(len(upairs), len(pus), len(gus))
        for ui, uj in upairs:
            pu, gu = pus[ui], gus[uj]
            role = pu.get("role") if isinstance(pu, dict) else None
            gold_role = gu.get("role") if isinstance(gu, dict) else None
            ds.acc["unit_role"].add(role == gold_role)
            if role != gold_role:
                ds.findings.append(Finding("wrong", "role", f"{_unit_name(pu)}: {role} (gold {gold_role}) {where}"))
            if isinstance(pu, dict) and isinstance(gu, dict):
                ds.unit_pairs.append((pu, gu))
        matched_p, matched_g = {ui for ui, _ in upairs}, {uj for _, uj in upairs}
        ds.findings += [Finding("missed", "unit", f"{_describe_unit(u)} {where}") for k, u in enumerate(gus)
                        if k not in matched_g]
        ds.findings += [Finding("extra", "unit", f"{_describe_unit(u)} {where}") for k, u in enumerate(pus)
                        if k not in matched_p]

        pds, gds = p.get("deadlines") or [], g.get("deadlines") or []
        extra_d, missed_d = match_deadlines(pds, gds)
        ds.prf["deadlines"].add(len(pds) - len(extra_d), len(pds), len(gds))
        ds.findings += [Finding("missed", "deadline", f"{_describe_deadline(gds[k])} {where}") for k in missed_d]
        ds.findings += [Finding("extra", "deadline", f"{_describe_deadline(pds[k])} {where}") for k in extra_d]

    # the units and deadlines of an unmatched task are missed (gold) or extra (predicted)
    matched_p, matched_g = {i for i, _ in pairs}, {j for _, j in pairs}
    for j, t in enumerate(gt):
        if j not in matched_g:
            ds.prf["units"].add(0, 0, len(t.get("units") or []))
            ds.prf["deadlines"].add(0, 0, len(t.get("deadlines") or []))
            ds.findings += _task_findings("missed", t)
    for i, t in enumerate(pt):
        if i not in matched_p:
            ds.prf["units"].add(0, len(t.get("units") or []), 0)
            ds.prf["deadlines"].add(0, len(t.get("deadlines") or []), 0)
            ds.findings += _task_findings("extra", t)


def _score_metrics(ds: DocScore, pm: list[dict], gm: list[dict]) -> None:
    pairs = match_metrics(pm, gm)
    ds.prf["metrics"].add(len(pairs), len(pm), len(gm))
    for i, j in pairs:
        p, g = pm[i], gm[j]
        ds.metric_pairs.append((p, g))
        ds.acc["metric_category"].add(p.get("category") == g.get("category"))
        subject_ok = jaccard(p.get("subject") or "", g.get("subject") or "") >= SUBJECT_THRESHOLD
        ds.acc["metric_subject"].add(subject_ok)
        ds.acc["metric_approx"].add(bool(p.get("approx")) == bool(g.get("approx")))
        if p.get("category") != g.get("category"):
            ds.findings.append(Finding("wrong", "category",
                                       f"{_describe_metric(p)}: gold {g.get('category')}"))
        if not subject_ok:
            ds.findings.append(Finding("wrong", "subject", f"{p.get('subject')!r}: gold {g.get('subject')!r}"))
    matched_p, matched_g = {i for i, _ in pairs}, {j for _, j in pairs}
    ds.findings += [Finding("missed", "metric", _describe_metric(m)) for j, m in enumerate(gm) if j not in matched_g]
    ds.findings += [Finding("extra", "metric", _describe_metric(m)) for i, m in enumerate(pm) if i not in matched_p]


# -- a corpus in one format ----------------------------------------------------------------------------------------

@dataclass
class FormatScore:
    """The documents of one format and their pooled totals."""

    docs: list[DocScore]

    @property
    def prf(self) -> dict[str, PRF]:
        out = _new_prf()
        for d in self.docs:
            for k in PRF_KEYS:
                out[k] += d.prf[k]
        return out

    @property
    def acc(self) -> dict[str, Acc]:
        out = _new_acc()
        for d in self.docs:
            for k in ACC_KEYS:
                out[k] += d.acc[k]
        return out

    def totals(self) -> dict[str, dict[str, Any]]:
        """The score.py-shaped rows: ``{"tasks": {"p", "r", "f1", "tp", "fp", "fn"}, …, "doc_type": {"acc", "n"}}``."""
        out: dict[str, dict[str, Any]] = {k: v.row() for k, v in self.prf.items()}
        out.update({k: v.row() for k, v in self.acc.items()})
        return out

    def subset(self, names: Iterable[str]) -> FormatScore:
        keep = set(names)
        return FormatScore([d for d in self.docs if d.name in keep])

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = self.totals()
        out["documents"] = {
            "gold": len(self.docs),
            "scored": sum(d.status != "missing" for d in self.docs),
            "missing": sorted(d.name for d in self.docs if d.status == "missing"),
            "errors": [[d.name, d.error] for d in self.docs if d.status == "error"],
        }
        out["per_doc"] = {d.name: {k: d.prf[k].row() for k in PRF_KEYS} for d in self.docs
                          if d.status != "missing"}
        return out


def score_corpus(items: Iterable[tuple[str, dict, dict | None]]) -> FormatScore:
    """Score ``(name, gold, record or None)`` triples; totals pool the counts of all documents."""
    return FormatScore([score_document(name, gold, record) for name, gold, record in items])


# -- walking a corpus ----------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class GoldDoc:
    """A gold file and the renditions beside it."""

    name: str  # path relative to the corpus folder, without ``.gold.json``
    gold_path: Path

    def path(self, fmt: str) -> Path:
        return self.gold_path.with_name(self.gold_path.name[: -len(".gold.json")] + "." + fmt)

    def load(self) -> dict:
        return json.loads(self.gold_path.read_text("utf-8"))


def find_gold(corpus_dir: str | Path) -> list[GoldDoc]:
    root = Path(corpus_dir)
    found = sorted(root.rglob("*.gold.json"))
    return [GoldDoc(p.relative_to(root).as_posix()[: -len(".gold.json")], p) for p in found]


def extract_records(paths: Iterable[Path]) -> dict[Path, dict]:
    """The SPEC §2 record of every file (an error record for a file that cannot be read)."""
    from .run import extract_many

    paths = list(dict.fromkeys(paths))
    return {p: res.to_record() for p, res in zip(paths, extract_many(paths), strict=True)}


# -- unit canonicalisation (issue 4) -------------------------------------------------------------------------------

@dataclass
class CanonicalScore:
    """How the predicted ``canonical`` of matched units compares with the gold ``canonical``.

    ``names`` counts the distinct written names (gold ``name``, per document) of matched units whose gold
    unit has a canonical; a name is right when every prediction of it carries the gold canonical. A wrong
    merge is two different gold canonicals that the predictions give one canonical name, in one document.
    """

    names: int = 0
    right: int = 0
    wrong_names: list[tuple[str, str, str | None, str]] = field(default_factory=list)  # doc, name, pred, gold
    merges: list[tuple[str, str, list[str]]] = field(default_factory=list)  # doc, pred canonical, gold canonicals

    @property
    def share(self) -> float | None:
        return self.right / self.names if self.names else None

    @property
    def wrong_merges(self) -> int:
        return sum(len(golds) * (len(golds) - 1) // 2 for _, _, golds in self.merges)

    def to_json(self) -> dict[str, Any]:
        return {"names": self.names, "right": self.right,
                "share": None if self.share is None else round(self.share, 4),
                "wrong_merges": self.wrong_merges if self.names else None,
                "merges": [{"document": d, "canonical": c, "gold": g} for d, c, g in self.merges],
                "wrong_names": [{"document": d, "name": n, "canonical": c, "gold": g}
                                for d, n, c, g in self.wrong_names]}


def score_canonicals(fs: FormatScore) -> CanonicalScore:
    out = CanonicalScore()
    for d in fs.docs:
        by_name: dict[str, list[tuple[dict, dict]]] = defaultdict(list)
        gold_by_pred: dict[str, dict[str, str]] = defaultdict(dict)  # pred canonical → {normed gold: gold}
        for pu, gu in d.unit_pairs:
            if not gu.get("canonical"):
                continue
            by_name[norm(gu.get("name"))].append((pu, gu))
            if pu.get("canonical"):
                gold_by_pred[norm(pu["canonical"])].setdefault(norm(gu["canonical"]), gu["canonical"])
        for pairs in by_name.values():
            out.names += 1
            wrong = [(pu, gu) for pu, gu in pairs if norm(pu.get("canonical")) != norm(gu["canonical"])]
            if wrong:
                pu, gu = wrong[0]
                out.wrong_names.append((d.name, gu.get("name"), pu.get("canonical"), gu["canonical"]))
            else:
                out.right += 1
        for pred_can, golds in gold_by_pred.items():
            if len(golds) > 1:
                shown = next(pu["canonical"] for pu, _ in d.unit_pairs if norm(pu.get("canonical")) == pred_can)
                out.merges.append((d.name, shown, sorted(golds.values())))
    return out


# -- metric category methods ---------------------------------------------------------------------------------------

@dataclass
class CategoryMethods:
    """Category accuracy of ``pipeline.extraction.category.predict_category`` per method, on matched metric pairs."""

    available: bool
    note: str = ""
    default: str | None = None
    acc: dict[str, Acc] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {"available": self.available, "note": self.note, "default": self.default,
                "methods": {m: a.row() for m, a in self.acc.items()}, "errors": self.errors}


def metric_context(text: str, span: Sequence[int] | None, width: int = CONTEXT_WIDTH) -> str:
    """The sentence around a span: out to the nearest 。；;！？! or line break, at most ``width`` either side."""
    if not span or not text:
        return ""
    s, e = max(0, int(span[0])), min(len(text), int(span[1]))
    lo, hi = max(0, s - width), min(len(text), e + width)
    stops = "。；;！？!?\n"
    before = max((text.rfind(c, lo, s) for c in stops), default=-1)
    start = before + 1 if before >= 0 else lo
    ends = [i for i in (text.find(c, e, hi) for c in stops) if i >= 0]
    end = min(ends) + 1 if ends else hi
    return text[start:end]


def _category_module():
    """The module and "" when it offers ``predict_category``; else None and why not."""
    import importlib
    import importlib.util

    try:
        if importlib.util.find_spec("pipeline.extraction.category") is None:
            return None, "pipeline.extraction.category does not exist yet"
        mod = importlib.import_module("pipeline.extraction.category")
    except Exception as e:  # being written: report, do not fail the evaluation
        return None, f"pipeline.extraction.category cannot be imported ({type(e).__name__}: {e})"
    if not callable(getattr(mod, "predict_category", None)):
        default = _default_method(mod)
        return None, ("pipeline.extraction.category has no predict_category(subject, context, method) yet"
                      + (f"; its default method is {default!r}" if default else ""))
    return mod, ""


def _default_method(mod) -> str | None:
    """The method the module uses by default: a DEFAULT_METHOD constant, a ``method()`` function, or
    the default of ``predict_category``'s ``method`` parameter."""
    import inspect

    for attr in ("DEFAULT_METHOD", "DEFAULT"):
        v = getattr(mod, attr, None)
        if isinstance(v, str) and v in CATEGORY_METHODS:
            return v
    if callable(getattr(mod, "method", None)):
        try:
            v = mod.method()
        except Exception:
            v = None
        if v in CATEGORY_METHODS:
            return v
    try:
        param = inspect.signature(mod.predict_category).parameters.get("method")
    except (AttributeError, TypeError, ValueError):
        return None
    if param is not None and param.default in CATEGORY_METHODS:
        return param.default
    return None


def _context(mod, text: str, span: Sequence[int] | None) -> str:
    """The text around a metric's span, as the module cuts it (``context_of``) when it says how."""
    if span and text and callable(getattr(mod, "context_of", None)):
        return mod.context_of(text, int(span[0]), int(span[1]))
    return metric_context(text, span)


def score_category_methods(fs: FormatScore) -> CategoryMethods:
    mod, why = _category_module()
    if mod is None:
        return CategoryMethods(False, why)
    out = CategoryMethods(True, default=_default_method(mod))
    pairs = [(d, p, g) for d in fs.docs for p, g in d.metric_pairs]
    for method in CATEGORY_METHODS:
        acc = out.acc[method] = Acc()
        try:
            for d, p, g in pairs:
                got = mod.predict_category(p.get("subject") or "", _context(mod, d.text, p.get("span")), method)
                acc.add(got == g.get("category"))
        except Exception as e:
            out.errors[method] = f"{type(e).__name__}: {e}"
            out.acc[method] = Acc()
    if not pairs:
        out.note = "no matched metric pairs to judge yet"
    return out


# -- the whole evaluation ------------------------------------------------------------------------------------------

@dataclass
class Report:
    corpus: str
    formats: tuple[str, ...]
    gold: list[GoldDoc]
    by_format: dict[str, FormatScore]
    canonical: CanonicalScore | None
    has_gold_canonicals: bool
    category: CategoryMethods | None
    records: dict[Path, dict]  # every file's record, extracted once
    seconds: float

    @property
    def files(self) -> int:
        return len(self.records)

    @property
    def txt(self) -> FormatScore | None:
        return self.by_format.get("txt")

    def renditions(self) -> dict[str, tuple[FormatScore, FormatScore | None]]:
        """Each rendition format: its scores, and the .txt scores of the same documents."""
        out = {}
        for fmt, fs in self.by_format.items():
            if fmt == "txt":
                continue
            out[fmt] = (fs, self.txt.subset(d.name for d in fs.docs) if self.txt else None)
        return out

    def to_json(self) -> dict[str, Any]:
        rend = {}
        for fmt, (fs, txt) in self.renditions().items():
            rend[fmt] = {"documents": [d.name for d in fs.docs], "totals": fs.totals(),
                         "txt_totals": txt.totals() if txt else None,
                         "delta": figure_deltas(fs, txt) if txt else None}
        return {
            "corpus": self.corpus,
            "formats": {fmt: fs.to_json() for fmt, fs in self.by_format.items()},
            "renditions": rend,
            "baseline_figures": baseline_figures(self.txt) if self.txt else None,
            "unit_canonical": (self.canonical.to_json() if self.canonical and self.has_gold_canonicals else None),
            "metric_category_methods": self.category.to_json() if self.category else None,
            "files_extracted": self.files,
            "seconds": round(self.seconds, 2),
        }


def parse_formats(formats: str | Sequence[str] | None) -> tuple[str, ...]:
    if formats is None:
        return FORMATS
    items = formats.split(",") if isinstance(formats, str) else list(formats)
    out = tuple(dict.fromkeys(f.strip().lstrip(".").lower() for f in items if f.strip()))
    bad = [f for f in out if f not in FORMATS]
    if bad or not out:
        raise ValueError(f"--formats takes a comma-separated list of {', '.join(FORMATS)}; got {formats!r}")
    return tuple(f for f in FORMATS if f in out)


def evaluate(corpus_dir: str | Path, formats: str | Sequence[str] | None = None) -> Report:
    """Extract every document of the corpus once and score it (SPEC §7), per format.

    Each ``NAME.gold.json`` is scored against ``NAME.txt`` (a missing .txt counts as a missing
    document) and against each rendition ``NAME.docx|pdf|html`` that exists beside it.
    """
    t0 = time.perf_counter()
    fmts = parse_formats(formats)
    gold = find_gold(corpus_dir)
    golds = {g.name: g.load() for g in gold}
    wanted: dict[str, list[GoldDoc]] = {
        fmt: [g for g in gold if fmt == "txt" or g.path(fmt).exists()] for fmt in fmts}
    paths = [g.path(fmt) for fmt in fmts for g in wanted[fmt] if g.path(fmt).exists()]
    records = extract_records(paths)
    by_format = {
        fmt: score_corpus((g.name, golds[g.name], records.get(g.path(fmt))) for g in wanted[fmt]) for fmt in fmts}
    txt = by_format.get("txt")
    has_canon = any(isinstance(u, dict) and u.get("canonical")
                    for g in golds.values() for t in g.get("tasks") or [] for u in t.get("units") or [])
    return Report(
        corpus=str(corpus_dir), formats=fmts, gold=gold, by_format=by_format,
        canonical=score_canonicals(txt) if txt else None, has_gold_canonicals=has_canon,
        category=score_category_methods(txt) if txt else None,
        records=records, seconds=time.perf_counter() - t0)


# -- the baseline --------------------------------------------------------------------------------------------------

def baseline_figures(fs: FormatScore) -> dict[str, float | None]:
    totals = fs.totals()
    return {name: totals[key][fld] for name, (key, fld) in BASELINE_FIGURES.items()}


def figure_deltas(fs: FormatScore, ref: FormatScore) -> dict[str, float | None]:
    a, b = baseline_figures(fs), baseline_figures(ref)
    return {k: None if a[k] is None or b[k] is None else round(a[k] - b[k], 4) for k in a}


def compare_figures(current: dict[str, float | None], reference: dict[str, float | None],
                    tolerance: float) -> list[str]:
    """The figures of ``current`` below ``reference`` by more than ``tolerance`` (a missing figure counts as 0)."""
    out = []
    for name in BASELINE_FIGURES:
        ref = reference.get(name)
        if ref is None:
            continue
        cur = current.get(name)
        if cur is None or cur < ref - tolerance:
            shown = "n/a" if cur is None else f"{cur:.4f}"
            out.append(f"{name} dropped: {shown} < baseline {ref:.4f}")
    return out


def read_baseline(path: str | Path) -> dict[str, float | None]:
    data = json.loads(Path(path).read_text("utf-8"))
    return data.get("figures", data)


def check_baseline(report: Report, path: str | Path) -> list[str]:
    """What fell below the baseline (by more than :data:`BASELINE_TOLERANCE`) on the .txt documents."""
    return compare_figures(baseline_figures(report.txt), read_baseline(path), BASELINE_TOLERANCE)


def write_baseline(report: Report, path: str | Path, allow_lower: bool = False) -> list[str]:
    """Write the .txt totals as the new baseline; refused (returns what would drop) if any figure is lower.

    The baseline only moves up unless ``allow_lower``.
    """
    path = Path(path)
    figures = baseline_figures(report.txt)
    if path.exists() and not allow_lower:
        lowered = compare_figures(figures, read_baseline(path), 0.0)
        if lowered:
            return lowered
    data = {
        "about": "Totals of `taskdb eval` on the .txt documents; CI (tests/test_eval.py) fails when a figure "
                 f"falls more than {BASELINE_TOLERANCE} below. Raise with `taskdb eval corpora/ --write-baseline "
                 "eval_baseline.json` (it refuses to lower a figure without --allow-lower).",
        "corpus": report.corpus,
        "documents": len(report.txt.docs),
        "figures": figures,
    }
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", "utf-8")
    return []


# -- rendering -----------------------------------------------------------------------------------------------------

NAME_WIDTH = 36


def _f(v: float | None, width: int = 5) -> str:
    return f"{v:.3f}".rjust(width) if v is not None else "—".rjust(width)


def _short(name: str, width: int = NAME_WIDTH) -> str:
    return name if len(name) <= width else name[: width - 1] + "…"


def _prf_cells(prf: dict[str, PRF]) -> str:
    return "  ".join(f"{_f(prf[k].p)} {_f(prf[k].r)} {_f(prf[k].f1)}" for k in PRF_KEYS)


def _acc_line(label: str, a: Acc) -> str:
    if a.acc is None:
        return f"  {label:<17}   —    (n=0)"
    return f"  {label:<17}{a.acc:6.3f}  ({a.ok}/{a.n})"


def render_format(fmt: str, fs: FormatScore) -> list[str]:
    head1 = " " * NAME_WIDTH + "  " + "  ".join(f"{k:<17}" for k in PRF_KEYS) + "  doc_type"
    head2 = "document".ljust(NAME_WIDTH) + "  " + "  ".join("    P     R    F1" for _ in PRF_KEYS)
    lines = [f"== .{fmt}: {len(fs.docs)} documents", head1, head2]
    for d in fs.docs:
        if d.status == "missing":
            note = "MISSING (no ." + fmt + ")"
        elif d.status == "error":
            note = f"ERROR {(d.error or {}).get('code')}"
        elif d.doc_type is None:
            note = "—"
        else:
            note = "ok" if d.doc_type[0] == d.doc_type[1] else f"{d.doc_type[0]}≠{d.doc_type[1]}"
        lines.append(f"{_short(d.name):<{NAME_WIDTH}}  {_prf_cells(d.prf)}  {note}")
    prf, acc = fs.prf, fs.acc
    lines.append(f"{'TOTAL':<{NAME_WIDTH}}  {_prf_cells(prf)}")
    lines.append("  counts  " + "   ".join(f"{k} tp={prf[k].tp} fp={prf[k].fp} fn={prf[k].fn}" for k in PRF_KEYS))
    lines.append("  accuracy")
    lines += [_acc_line(k, acc[k]) for k in ACC_KEYS]
    return lines


def render_renditions(report: Report) -> list[str]:
    lines = []
    for fmt, (fs, txt) in report.renditions().items():
        lines += ["", f"== .{fmt} rendition: {len(fs.docs)} documents, against the .txt of the same documents "
                      f"(target |Δ| ≤ {RENDITION_TOLERANCE})"]
        if not fs.docs:
            lines.append("  no document has this rendition")
            continue
        if txt is None:
            lines.append("  (.txt not evaluated: no differences)")
            lines += [f"  {name:<20}{_f(v, 7)}" for name, v in baseline_figures(fs).items()]
            continue
        cur, ref = baseline_figures(fs), baseline_figures(txt)
        lines.append(f"  {'figure':<20}{'.' + fmt:>7}{'.txt':>7}{'Δ':>8}")
        worst, any_off = 0.0, False
        for name in BASELINE_FIGURES:
            a, b = cur[name], ref[name]
            if a is None and b is None:
                delta_s, off = "—", False
            elif a is None or b is None:
                delta_s, off = "n/a", True
            else:
                delta_s, off = f"{a - b:+.3f}", abs(a - b) > RENDITION_TOLERANCE
                worst = max(worst, abs(a - b))
            any_off |= off
            lines.append(f"  {name:<20}{_f(a, 7)}{_f(b, 7)}{delta_s:>8}{'  ✗' if off else ''}")
        lines.append(f"  {'NOT within' if any_off else 'within'} {RENDITION_TOLERANCE} (largest |Δ| {worst:.3f})")
        txt_docs = {d.name: d for d in txt.docs}
        for d in fs.docs:  # the documents whose counts move
            t = txt_docs[d.name]
            diffs = [f"{k} F1 {_f(d.prf[k].f1).strip()} (.txt {_f(t.prf[k].f1).strip()})" for k in PRF_KEYS
                     if (d.prf[k].tp, d.prf[k].fp, d.prf[k].fn) != (t.prf[k].tp, t.prf[k].fp, t.prf[k].fn)]
            if diffs:
                lines.append(f"    {d.name}: " + "; ".join(diffs))
    return lines


def render_canonical(report: Report) -> list[str]:
    lines = ["", "== unit canonicalisation (matched units, .txt)"]
    c = report.canonical
    if c is None or not report.has_gold_canonicals or not c.names:
        why = "gold has no canonicals" if not report.has_gold_canonicals else "no matched unit has a gold canonical"
        lines.append(f"  canonical right      n/a ({why})")
        lines.append("  wrong merges         n/a")
        return lines
    lines.append(f"  canonical right      {c.share:.3f}  ({c.right}/{c.names} distinct written names, per document)")
    lines.append(f"  wrong merges         {c.wrong_merges}")
    for doc, can, golds in c.merges:
        lines.append(f"    {doc}: {can} ← {' | '.join(golds)}")
    return lines


def render_category(report: Report) -> list[str]:
    lines = ["", "== metric category methods (pipeline.extraction.category, matched metric pairs, .txt)"]
    cm = report.category
    if cm is None:
        return lines + ["  .txt not evaluated"]
    if not cm.available:
        return lines + [f"  not available: {cm.note} (the record's own categories are scored above as "
                        "metric_category)"]
    for m in CATEGORY_METHODS:
        mark = "  (default)" if m == cm.default else ""
        if m in cm.errors:
            lines.append(f"  {m:<8} failed: {cm.errors[m]}{mark}")
        else:
            a = cm.acc[m]
            lines.append(f"  {m:<8} " + (f"{a.acc:.3f}  ({a.ok}/{a.n})" if a.n else "—  (n=0)") + mark)
    lines.append(f"  default method: {cm.default or 'not declared by the module'}")
    if cm.note:
        lines.append(f"  {cm.note}")
    return lines


def render_findings(report: Report) -> list[str]:
    lines = ["", "== misses and extras"]
    labels = {"missed": "missed", "extra": "extra ", "wrong": "wrong "}
    for fmt, fs in report.by_format.items():
        for d in fs.docs:
            if not d.findings:
                continue
            lines.append(f"-- {d.name}.{fmt}" + (" (no record)" if d.status == "missing" else "")
                         + (f" (error {(d.error or {}).get('code')})" if d.status == "error" else ""))
            for f in d.findings:
                pad = "    " * (f.indent + 1)
                lines.append(f"{pad}{labels[f.kind]} {f.what:<8} {f.text}")
    return lines


def render(report: Report, verbose: bool = False) -> str:
    lines = [f"taskdb eval {report.corpus}: {len(report.gold)} gold documents, {report.files} files extracted "
             f"in {report.seconds:.1f} s"]
    if "txt" in report.by_format:
        lines.append("")
        lines += render_format("txt", report.by_format["txt"])
    lines += render_renditions(report)
    if "txt" in report.by_format:
        lines += render_canonical(report)
        lines += render_category(report)
    if verbose:
        lines += render_findings(report)
    return "\n".join(lines) + "\n"


# -- the command ---------------------------------------------------------------------------------------------------

def run(corpus_dir: str | Path, *, verbose: bool = False, json_out: str | Path | None = None,
        formats: str | None = None, baseline: str | Path | None = None, write_baseline_to: str | Path | None = None,
        allow_lower: bool = False, out=None) -> int:
    """What ``taskdb eval`` does; returns the exit status (0, 1 usage error, 3 a figure dropped / baseline refused)."""
    out = out or sys.stdout
    try:
        fmts = parse_formats(formats)
    except ValueError as e:
        print(f"Error: {e}", file=sys.stderr)
        return 1
    if (baseline or write_baseline_to) and "txt" not in fmts:
        fmts = ("txt", *fmts)  # the baseline is about the .txt documents
    if baseline and not Path(baseline).is_file():
        print(f"Error: no baseline file {baseline}", file=sys.stderr)
        return 1
    if not find_gold(corpus_dir):
        print(f"Error: no *.gold.json under {corpus_dir}", file=sys.stderr)
        return 1
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
