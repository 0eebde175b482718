"""SPEC §7 counts: one document scored against its gold (:func:`score_document`), pooled over a corpus.

- :class:`PRF` and :class:`Acc`: counters pooled over documents (micro-average);
- :class:`DocScore`: one document's counts, and its misses and extras for ``--verbose``;
- :class:`FormatScore`: the documents of one format (or one fold, one genre) and their totals;
- :func:`breakdown`: a FormatScore cut by genre (the gold ``doc_type``), by corpus folder, and
  by the genre the ``dev/`` numbering encodes.

The figures of :data:`PRF_KEYS` and :data:`ACC_KEYS` are those of the reference scorer
``tools/score.py``; ``year`` (:data:`EXTRA_ACC_KEYS`) is ours: the gold ``year`` against the
record's, null equal to null.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from .matching import (
    SUBJECT_THRESHOLD, _unit_name, deadline_key, jaccard, match_deadlines, match_metrics, match_tasks, match_units)

PRF_KEYS = ("tasks", "units", "deadlines", "metrics")
ACC_KEYS = ("doc_type", "unit_role", "metric_category", "metric_subject", "metric_approx")  # as score.py
EXTRA_ACC_KEYS = ("year",)  # not in score.py
ALL_ACC_KEYS = ACC_KEYS + EXTRA_ACC_KEYS

#: the genres of ``dev/`` by the hundreds digit of a document's number
DEV_GENRES = {"1": "notices", "2": "task tables", "3": "reports", "4": "speeches/news", "5": "plans"}


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
    return {k: Acc() for k in ALL_ACC_KEYS}


# -- one document --------------------------------------------------------------------------------------------------

@dataclass
class Finding:
    """A miss, an extra or a wrong attribute, for ``--verbose``."""

    kind: str  # "missed" | "extra" | "wrong"
    what: str  # task | unit | deadline | metric | role | category | subject | doc_type | year
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
    gold_type: str | None = None  # the gold doc_type: the document's genre
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
        ds = DocScore(name, "missing", gold_type=gold.get("doc_type"))
        ds.prf["tasks"].add(0, 0, len(gt))
        ds.prf["metrics"].add(0, 0, len(gm))
        for t in gt:
            ds.prf["units"].add(0, 0, len(t.get("units") or []))
            ds.prf["deadlines"].add(0, 0, len(t.get("deadlines") or []))
        ds.findings = [f for t in gt for f in _task_findings("missed", t)]
        ds.findings += [Finding("missed", "metric", _describe_metric(m)) for m in gm]
        return ds

    ds = DocScore(name, "scored", text=record.get("text") or "", gold_type=gold.get("doc_type"))
    if "error" in record:
        ds.status, ds.error = "error", record["error"]
        record = {"tasks": [], "metrics": []}
    if "year" in gold:
        _score_year(ds, record, gold["year"])
    if "doc_type" in gold:
        ds.doc_type = (record.get("doc_type"), gold["doc_type"])
        ds.acc["doc_type"].add(record.get("doc_type") == gold["doc_type"])
        if record.get("doc_type") != gold["doc_type"]:
            ds.findings.append(Finding("wrong", "doc_type", f"{record.get('doc_type')} (gold {gold['doc_type']})"))

    _score_tasks(ds, record.get("tasks") or [], gt)
    _score_metrics(ds, record.get("metrics") or [], gm)
    return ds


def _year(v: Any) -> int | None:
    try:
        return None if v is None else int(v)
    except (TypeError, ValueError):
        return None


def _score_year(ds: DocScore, record: dict, gold_year: Any) -> None:
    """``year`` is right when it equals gold's, null equal to null; an error record has no year
    (so it is right only where gold has none, as its doc_type is judged against none)."""
    pred, want = _year(record.get("year")), _year(gold_year)
    ds.acc["year"].add(pred == want)
    if pred != want:
        ds.findings.append(Finding("wrong", "year", f"{pred} (gold {want})"))


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
            for k in ALL_ACC_KEYS:
                out[k] += d.acc[k]
        return out

    def totals(self) -> dict[str, dict[str, Any]]:
        """The score.py-shaped rows, ``{"tasks": {"p", "r", "f1", "tp", "fp", "fn"}, …, "doc_type": {"acc", "n"}}``,
        and ``year`` (not in score.py)."""
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


# -- cuts of a corpus: genre, folder, dev genre ----------------------------------------------------------------------

def folder_of(name: str) -> str:
    """The corpus folder of a document (``dev/101_x`` → ``dev/``; a document at the top → ``./``)."""
    return name.split("/", 1)[0] + "/" if "/" in name else "./"


def dev_genre_of(name: str) -> str | None:
    """The genre the ``dev/`` numbering encodes (1xx notices … 5xx plans), None elsewhere."""
    parts = name.split("/")
    if len(parts) < 2 or parts[0] != "dev":
        return None
    stem = parts[-1]
    if len(stem) >= 3 and stem[:3].isdigit():
        return f"{stem[0]}xx {DEV_GENRES.get(stem[0], 'other')}"
    return None


def breakdown(fs: FormatScore) -> dict[str, dict[str, FormatScore]]:
    """The documents of ``fs`` cut three ways, each cut's counts pooled as the totals are.

    ``genre``: by the gold ``doc_type`` (``—`` where gold has none); ``folder``: by corpus folder;
    ``dev_genre``: the ``dev/`` documents by the hundreds digit of their number.
    """
    cuts: dict[str, dict[str, list[DocScore]]] = {"genre": {}, "folder": {}, "dev_genre": {}}
    for d in fs.docs:
        cuts["genre"].setdefault(d.gold_type or "—", []).append(d)
        cuts["folder"].setdefault(folder_of(d.name), []).append(d)
        dg = dev_genre_of(d.name)
        if dg:
            cuts["dev_genre"].setdefault(dg, []).append(d)
    return {cut: {k: FormatScore(v) for k, v in sorted(groups.items())} for cut, groups in cuts.items()}


def breakdown_json(fs: FormatScore) -> dict[str, dict[str, dict[str, Any]]]:
    return {cut: {k: {"documents": len(sub.docs), **sub.totals()} for k, sub in groups.items()}
            for cut, groups in breakdown(fs).items()}
