"""Linking a plan's tasks to the report sentences that speak of them, and their status (SPEC §9).

Works on SPEC records (dicts: from the extractor, a database or a test), so that the files, the
database and training share it. The decisions come from ``models/track`` when it was trained and its
cross-validation chose it (:func:`pipeline.learn.chosen`), else from the tuned rules below.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

from ..match import jaccard
from .features import PAIR_FEATURES, Candidate, Task, pair_candidates, status_features, status_rule
from .text import Sentence, period_rank, sentences

#: the evidence rule without a model: the sentence's best task, close to the task's best sentence
RULE = {"min_cos": 0.12, "min_rel": 0.55}

STATUSES = ("done", "in_progress", "not_reported")


def tasks_of(record: dict) -> list[Task]:
    """The plan's tasks as the linker needs them (units by written and canonical name)."""
    out = []
    for k, t in enumerate(record.get("tasks") or []):
        names = []
        for u in t.get("units") or []:
            for key in ("name", "canonical"):
                if u.get(key) and u[key] not in names:
                    names.append(u[key])
        span = tuple(t["span"]) if t.get("span") else None
        out.append(Task(t.get("id") or f"t{k + 1}", t.get("text") or "", names, span, t.get("section_id")))
    return out


def _affine(model: dict, x: Sequence[float]) -> float:
    z = model["intercept"]
    for v, m, s, w in zip(x, model["mean"], model["scale"], model["coef"]):
        z += (v - m) / (s or 1.0) * w
    return z


def _prob(model: dict, x: Sequence[float]) -> float:
    z = _affine(model, x)
    return 1.0 / (1.0 + math.exp(-z)) if z > -30 else 0.0


def evidence_scores(cands: list[Candidate], model: dict | None, rule: dict | None = None) -> list[float]:
    """A score per candidate, at or above 0.5 meaning evidence: the model's probability, or the rule's 0/1."""
    if model is not None:
        return [_prob(model, c.x) for c in cands]
    r = rule or RULE
    i_cos, i_rel, i_best = (PAIR_FEATURES.index(k) for k in ("cos", "cos_rel_task", "best_task"))
    return [1.0 if c.x[i_cos] >= r["min_cos"] and c.x[i_rel] >= r["min_rel"] and c.x[i_best] else 0.0
            for c in cands]


def report_order(reports: Sequence[dict]) -> dict[int, int]:
    """Each report's place in time (0 the earliest): by period of the year, then input order."""
    order = sorted(range(len(reports)), key=lambda i: (period_rank(reports[i]), i))
    return {i: k for k, i in enumerate(order)}


def decide_status(ev: list[Sentence], rank_of: dict[int, int], model: dict | None) -> str:
    f = status_features(ev, rank_of)
    if not ev:
        return "not_reported"
    if model is None:
        return status_rule(f)
    return "in_progress" if _prob(model, f) >= model.get("threshold", 0.5) else "done"


def current_model() -> dict | None:
    """The trained linker (``models/track``), or None when it was never trained or the rules won its CV."""
    from .. import chosen

    m = chosen("track")
    return m if isinstance(m, dict) else None


def link(plan: dict, reports: Sequence[dict], *, tasks: list[Task] | None = None, model: dict | None | str = "auto",
         ) -> list[dict]:
    """The SPEC §9 records of one plan: one per task, in plan order.

    Args:
        plan: the plan's record (SPEC §2 shape; ``source``, ``tasks``).
        reports: the records of the reports linked to it (see :func:`candidate_reports`).
        tasks: the plan's tasks when not the record's (gold tasks, for evaluation).
        model: the trained linker (dict), None for the rules, "auto" for :func:`current_model`.
    """
    if model == "auto":
        model = current_model()
    tasks, sents, picked = choose_evidence(plan, reports, tasks=tasks, model=model)
    st_model = model.get("status") if isinstance(model, dict) else None
    rank_of = report_order(reports)
    out = []
    for t, chosen in zip(tasks, picked):
        ev = [sents[j] for j, _ in chosen]
        status = decide_status(ev, rank_of, st_model)
        if status == "done":  # what the latest report plans for next year is not what "done" rests on
            latest = max(rank_of.get(s.index, 0) for s in ev)
            chosen = [c for c, s in zip(chosen, ev) if not (s.part == "forward" and rank_of.get(s.index, 0) == latest)]
            ev = [sents[j] for j, _ in chosen]
        out.append({
            "plan": plan.get("source", ""), "task_id": t.id, "task_text": t.text, "status": status,
            "evidence": [_evidence(s, reports[s.index], p) for s, (_, p) in zip(ev, chosen)],
        })
    return out


def choose_evidence(plan: dict, reports: Sequence[dict], *, tasks: list[Task] | None = None,
                    model: dict | None = None) -> tuple[list[Task], list[Sentence], list[list[tuple[int, float]]]]:
    """The plan's tasks, the reports' sentences, and per task its evidence ``(sentence index, score)`` in
    report and text order."""
    tasks = tasks if tasks is not None else tasks_of(plan)
    sents = [s for i, r in enumerate(reports) for s in sentences(r, i)]
    cands = pair_candidates(tasks, sents)
    ev_model = model.get("evidence") if isinstance(model, dict) else None
    rule = model.get("rule") if isinstance(model, dict) else None
    threshold = ev_model.get("threshold", 0.5) if ev_model else 0.5
    scores = evidence_scores(cands, ev_model, rule)
    chosen: dict[int, list[tuple[int, float]]] = {}
    for c, p in zip(cands, scores):
        if p >= threshold:
            chosen.setdefault(c.task, []).append((c.sent, p))
    picked = [sorted(chosen.get(i, []), key=lambda sp: (sents[sp[0]].index, sents[sp[0]].span[0]))
              for i in range(len(tasks))]
    return tasks, sents, picked


def _evidence(s: Sentence, report: dict, score: float) -> dict:
    heading = None
    for sec in report.get("sections") or []:
        if sec.get("id") == s.section_id:
            heading = sec.get("heading")
            break
    metrics = [m.get("raw") for m in report.get("metrics") or []
               if m.get("span") and s.span[0] <= m["span"][0] and m["span"][1] <= s.span[1]]
    return {"source": s.source, "text": s.text, "span": list(s.span), "section_id": s.section_id,
            "section": heading, "part": s.part, "score": round(score, 3), "metrics": metrics}


# -- which reports speak for which plan (SPEC §9 inputs) ---------------------------------------------------------

_PLACE = re.compile(r"([\u4e00-\u9fff]{2,8}?(?:省|市|区|县|镇|乡|街道))")
_LEAD = re.compile(r"^(?:中共)?(?:关于印发)?[《“\"]?")


def _place(record: dict) -> str | None:
    """The place a document speaks for: from its issuer, else its title, else the head of its text (None when
    masked or absent)."""
    for text in (record.get("issuer"), record.get("title"), (record.get("text") or "")[:80]):
        if not text:
            continue
        m = _PLACE.match(_LEAD.sub("", text.strip()))
        if m and not re.search(r"[xX×*某]|^[全我本各该关]", m.group(1)):
            return m.group(1)
    return None


_LEVEL = re.compile(r"^(?:\d{2}[\dXx]{2}年)?(?:[\u4e00-\u9fffXx×*]{0,8}?)(省|自治区|市|区|县|镇|乡|街道)")


def _level(record: dict) -> str | None:
    """The level of government a document speaks for (市, 县, 区, 镇, 街道…), from its issuer or title."""
    for text in (record.get("issuer"), record.get("title")):
        if text:
            m = _LEVEL.match(_LEAD.sub("", text.strip()))
            if m:
                return m.group(1)
    return None


def related(plan: dict, report: dict) -> bool:
    """Whether ``report`` may speak for ``plan`` (SPEC §9).

    The same year (a report of the next year's first months looking back counts: its year is the year
    reported on), and the plan's issuer, or one of its tasks' units as issuer, or the plan's place. Where a
    place is masked or absent: a title on the same work (character-bigram Jaccard >= 0.3, >= 0.4 when a
    year is unknown) at the same level of government. Two known places that differ never link.
    """
    py, ry = plan.get("year"), report.get("year")
    if py is not None and ry is not None and ry != py:
        return False
    pi, ri = plan.get("issuer"), report.get("issuer")
    if pi and ri and pi == ri:
        return True
    pp, rp = _place(plan), _place(report)
    if pp and rp:
        return pp == rp
    if ri and ri in {n for t in tasks_of(plan) for n in t.units}:
        return True
    pl, rl = _level(plan), _level(report)
    if pl and rl and pl != rl:
        return False
    need = 0.3 if py is not None and ry is not None else 0.4
    return jaccard(plan.get("title") or "", report.get("title") or "") >= need


def track_records(records: Sequence[dict], *, model: dict | None | str = "auto") -> list[dict]:
    """Every plan among ``records`` linked to the related reports among them; plans in input order."""
    if model == "auto":
        model = current_model()
    plans = _distinct(r for r in records if r.get("doc_type") == "plan" and not r.get("error"))
    reports = _distinct(r for r in records if r.get("doc_type") == "report" and not r.get("error"))
    out: list[dict] = []
    for p in plans:
        out.extend(link(p, [r for r in reports if related(p, r)], model=model))
    return out


def _distinct(records) -> list[dict]:
    """One record per text: the renditions of a document (.txt, .docx, .pdf, .html of one text) are one
    document, linked and reported once, under its first path."""
    seen: set[str] = set()
    out = []
    for r in records:
        key = r.get("text") or r.get("source", "")
        if key not in seen:
            seen.add(key)
            out.append(r)
    return out


def render_text(records: Sequence[dict]) -> str:
    """``taskdb track --format text``: per plan, each task's status and its evidence sentences."""
    lines: list[str] = []
    plan = None
    mark = {"done": "✔ done", "in_progress": "… in_progress", "not_reported": "✘ not_reported"}
    for r in records:
        if r["plan"] != plan:
            plan = r["plan"]
            lines.append(f"# {plan}")
        lines.append(f"{r['task_id']:>4}  {mark.get(r['status'], r['status']):<16} {r['task_text'][:60]}")
        for e in r["evidence"]:
            where = f"{e['source']}:{e['span'][0]}-{e['span'][1]}"
            extra = f"  [{'; '.join(e['metrics'])}]" if e.get("metrics") else ""
            lines.append(f"        - {e['text']}  ({where}){extra}")
    return "\n".join(lines) + ("\n" if lines else "")
