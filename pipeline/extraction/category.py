"""The category of a metric (SPEC §6), two ways: cue-word rules and a trained classifier.

- :func:`rule_category` reads the cue words of ``pipeline/data/metric_category_cues.tsv``: a rate or a
  score is ``other``; publicity materials are ``training``; otherwise the strong cues (the activity:
  立案, 召开, 印发, 签订 …) decide in the file's order, so that the verb wins over the counted noun
  (立案调查事故 → enforcement); the weak cues (what is counted: 资金, 企业 …) decide last, the head
  noun of ``X的Y`` first. A subject without any cue takes the nearest cue of its context.
- :func:`train_category_model` fits a character n-gram TF-IDF (of the subject and of a context window)
  + logistic regression on the gold metrics of ``corpora/*/*.gold.json``, cross-validates it by
  document (GroupKFold) against the rules on the same folds, and writes ``models/metric_category.joblib``,
  a card ``models/metric_category.md`` and ``models/metric_category.json`` that records which of the two
  scored better. :func:`classify` uses that choice; without the files it uses the rules.

Train with ``python -m pipeline.extraction.category train corpora/ models/``.
"""

from __future__ import annotations

import json
import logging
import os
import re
import sys
from functools import lru_cache
from importlib import resources
from pathlib import Path

_log = logging.getLogger(__name__)

CATEGORIES = ("hazard", "major_hazard", "inspection", "enforcement", "accident", "meeting", "training",
              "document", "resource", "responsibility", "scope", "other")
MODEL_NAME = "metric_category"
CONTEXT_CHARS = 30  # characters of text on each side of a metric's raw that make its context
_HEAD_SPLIT = re.compile(r"的(?=[^的]+$)")  # the last 的: 签订责任书的|乡镇
_PUNCT = re.compile(r"[\s\W_]+")


# -- rules ------------------------------------------------------------------------------------------

@lru_cache(maxsize=1)
def _cues() -> tuple[list[tuple[str, str, str]], re.Pattern]:
    """(cue, category, role) rows in file order, and one pattern that finds the longest cue first."""
    text = (resources.files("pipeline") / "data" / "metric_category_cues.tsv").read_text("utf-8")
    rows: list[tuple[str, str, str]] = []
    seen: set[str] = set()
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        cat, role, cues = line.split("\t")[:3]
        for cue in cues.split("、"):
            cue = cue.strip()
            if cue and cue not in seen:
                seen.add(cue)
                rows.append((cue, cat, role))
    alternation = "|".join(re.escape(c) for c, _, _ in sorted(rows, key=lambda r: -len(r[0])))
    return rows, re.compile(alternation)


def _hits(text: str) -> list[tuple[int, str, str]]:
    """(position, category, role) of the cues in ``text``, longest match first, left to right."""
    rows, pattern = _cues()
    index = {c: (cat, role) for c, cat, role in rows}
    return [(m.start(), *index[m.group()]) for m in pattern.finditer(text)]


@lru_cache(maxsize=1)
def _strong_order() -> list[str]:
    rows, _ = _cues()
    order: list[str] = []
    for _, cat, role in rows:
        if role == "strong" and cat not in order:
            order.append(cat)
    return order


def _decide(text: str) -> str | None:
    """The category that the cues of one phrase name, or None when it has no cue."""
    hits = _hits(text)
    if not hits:
        return None
    roles = {role for _, _, role in hits}
    if "rate" in roles:
        return "other"
    if "material" in roles:
        return "training"
    strong = {cat for _, cat, role in hits if role == "strong"}
    for cat in _strong_order():
        if cat in strong:
            return cat
    # only weak cues: what is counted; in X的Y the head Y decides
    m = _HEAD_SPLIT.search(text)
    groups = (_hits(text[m.end():]), hits) if m else (hits,)
    for group in groups:
        weak = [cat for _, cat, role in group if role == "weak"]
        if weak:
            return weak[-1]  # the head noun comes last: 加装智能点式报警探测器, 指导各街道策划实施…项目
    return None


def has_cue(text: str, strong: bool = False) -> bool:
    """Whether ``text`` names a category by a cue word (隐患, 检查 …); only a strong one if ``strong``."""
    if not text:
        return False
    if strong:
        return any(role != "weak" for _, _, role in _hits(text))
    return _decide(text) is not None


_SENTENCE_END = re.compile(r"[。!?！？\n]")
_SHARES = ("%", "‰", "个百分点", "百分点")


def rule_category(subject: str, context: str = "", unit: str | None = None) -> str:
    """The category of a metric by the cue words of its subject, else of its context.

    Args:
        subject: what is counted (排查整治隐患).
        context: the words around the metric, ``before + "\\x1f" + after`` (:func:`context_of`); when the
            subject names no cue, the cue nearest before the metric in its sentence is taken.
        unit: the metric's unit: a share (%) of units or resources is ``other``, not ``scope``.

    >>> rule_category("立案调查生产安全事故")
    'enforcement'
    >>> rule_category("印发宣传彩页")
    'training'
    """
    cat = _decide(subject)
    if cat is None and context:
        before = context.split("\x1f", 1)[0]
        ends = list(_SENTENCE_END.finditer(before))
        if ends:
            before = before[ends[-1].end():]
        hits = _hits(before)
        if hits:
            _, cat, role = hits[-1]
            cat = "other" if role == "rate" else ("training" if role == "material" else cat)
            if role == "weak" and cat == "scope":
                cat = None  # 企业 nearby says nothing of what a subject without cues counts
    if cat in ("scope", "resource") and unit in _SHARES:
        return "other"
    return cat or "other"


# -- the model ---------------------------------------------------------------------------------------

def models_dir() -> Path:
    """Where the trained artifacts live: ``$TASKDB_MODELS`` or the repository's ``models/``."""
    env = os.environ.get("TASKDB_MODELS")
    return Path(env) if env else Path(__file__).resolve().parents[2] / "models"


@lru_cache(maxsize=1)
def _choice() -> dict:
    path = models_dir() / f"{MODEL_NAME}.json"
    try:
        return json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return {"use": "rules"}


@lru_cache(maxsize=1)
def _model():
    path = models_dir() / f"{MODEL_NAME}.joblib"
    if not path.exists():
        return None
    try:
        import joblib

        return joblib.load(path)
    except Exception as e:  # a model from another scikit-learn, a damaged file: fall back to the rules
        _log.warning("metric category model %s could not be loaded (%s); using the rules", path, e)
        return None


def method() -> str:
    """``"model"`` or ``"rules"``: what :func:`classify` uses (the cross-validated winner)."""
    if _choice().get("use") == "model" and _model() is not None:
        return "model"
    return "rules"


def classify(subject: str, context: str = "", unit: str | None = None) -> str:
    """The category of one metric, by the method that scored better in cross-validation."""
    return predict_category(subject, context, method(), unit)


def predict_category(subject: str, context: str, method: str, unit: str | None = None) -> str:
    """The category by one named method, ``"rules"`` or ``"model"`` (``taskdb eval`` reports both)."""
    if method == "model":
        model = _model()
        if model is None:
            raise FileNotFoundError(f"no {MODEL_NAME}.joblib in {models_dir()}: train it with "
                                    "`python -m pipeline.extraction.category train corpora/ models/`")
        import pandas as pd

        return str(model.predict(pd.DataFrame({"subject": [subject], "context": [context]}))[0])
    if method == "rules":
        return rule_category(subject, context, unit)
    raise ValueError(f"The 'method' option of predict_category must be one of {{'rules', 'model'}}. Got {method!r} instead.")


def _pipeline():
    from sklearn.compose import ColumnTransformer
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline

    features = ColumnTransformer([
        ("subject", TfidfVectorizer(analyzer="char", ngram_range=(1, 2), sublinear_tf=True), "subject"),
        ("context", TfidfVectorizer(analyzer="char", ngram_range=(1, 2), sublinear_tf=True, max_features=3000),
         "context"),
    ], transformer_weights={"subject": 1.0, "context": 0.3})
    return Pipeline([("features", features),
                     ("clf", LogisticRegression(C=100.0, max_iter=3000, class_weight="balanced"))])


def _doc_text(txt: Path) -> str:
    """The cleaned text the extractor sees (falls back to the file's own text)."""
    try:
        from ..run import extract

        return extract(txt, until="clean").text
    except Exception:  # a document the pipeline cannot read still gives its examples
        return txt.read_text("utf-8", errors="replace")


def _norm(s: str) -> str:
    return _PUNCT.sub("", s or "")


def context_of(text: str, start: int, end: int, width: int = CONTEXT_CHARS) -> str:
    """The words around ``text[start:end]``: before, a separator, after (within ``width`` characters)."""
    return text[max(0, start - width):start] + "\x1f" + text[end:end + width]


def _locate(text: str, raw: str, cursor: int) -> tuple[int, int] | None:
    """Where ``raw`` is in ``text``, searching from ``cursor`` on first, ignoring spacing and punctuation."""
    for start in (cursor, 0):
        i = text.find(raw, start)
        if i >= 0:
            return i, i + len(raw)
    # the gold raw may differ in spacing or punctuation: find it among the normalised characters
    keep = [i for i, ch in enumerate(text) if _norm(ch)]
    flat = "".join(text[i] for i in keep)
    key = _norm(raw)
    if not key:
        return None
    j = flat.find(key)
    if j < 0:
        return None
    return keep[j], keep[j + len(key) - 1] + 1


def gold_examples(corpus_dir: str | Path) -> list[dict]:
    """The gold metrics of ``corpus_dir/*/*.gold.json`` with their subject, context, category and document."""
    corpus_dir = Path(corpus_dir)
    out = []
    for gold in sorted(corpus_dir.glob("*/*.gold.json")):
        metrics = json.loads(gold.read_text("utf-8")).get("metrics") or []
        if not metrics:
            continue
        stem = gold.name[: -len(".gold.json")]
        txt = gold.with_name(stem + ".txt")
        text = _doc_text(txt) if txt.exists() else ""
        cursor = 0
        for m in metrics:
            where = _locate(text, m.get("raw") or "", cursor) if text else None
            if where:
                cursor = where[0]
                ctx = context_of(text, *where)
            else:
                ctx = "\x1f" + (m.get("raw") or "")
            out.append({"doc": f"{gold.parent.name}/{stem}", "subject": m.get("subject") or "",
                        "context": ctx, "unit": m.get("unit"), "category": m["category"]})
    return out


def cross_validate(examples: list[dict], n_splits: int = 5) -> dict:
    """Accuracy of the model and of the rules on the same document folds (GroupKFold)."""
    import numpy as np
    import pandas as pd
    from sklearn.model_selection import GroupKFold

    X = pd.DataFrame({"subject": [e["subject"] for e in examples], "context": [e["context"] for e in examples]})
    y = np.array([e["category"] for e in examples])
    groups = np.array([e["doc"] for e in examples])
    units = np.array([e.get("unit") for e in examples], dtype=object)
    n_splits = max(2, min(n_splits, len(set(groups))))
    model_ok = rules_ok = 0
    folds = []
    for train, test in GroupKFold(n_splits=n_splits).split(X, y, groups):
        clf = _pipeline().fit(X.iloc[train], y[train])
        pred = clf.predict(X.iloc[test])
        rules = [rule_category(s, c, u) for s, c, u in
                 zip(X["subject"].iloc[test], X["context"].iloc[test], units[test])]
        m_ok, r_ok = int((pred == y[test]).sum()), int(sum(r == t for r, t in zip(rules, y[test])))
        model_ok += m_ok
        rules_ok += r_ok
        folds.append({"n": len(test), "documents": len(set(groups[test])),
                      "model": round(m_ok / len(test), 4), "rules": round(r_ok / len(test), 4)})
    n = len(y)
    return {"folds": folds, "n_splits": n_splits, "model_accuracy": round(model_ok / n, 4),
            "rules_accuracy": round(rules_ok / n, 4)}


def train_category_model(corpus_dir: str | Path, out_dir: str | Path) -> dict:
    """Train, cross-validate and save the metric category model; record whether it beats the rules.

    Args:
        corpus_dir: the folder whose ``*/*.gold.json`` hold the gold metrics (``corpora/``).
        out_dir: where ``metric_category.joblib``, ``.md`` and ``.json`` are written (``models/``).

    Returns:
        The content of ``metric_category.json``: the cross-validated accuracies and the choice.
    """
    import datetime

    import joblib
    import pandas as pd
    import sklearn

    examples = gold_examples(corpus_dir)
    if not examples:
        raise ValueError(f"no gold metrics under {corpus_dir}/*/*.gold.json")
    cv = cross_validate(examples)
    X = pd.DataFrame({"subject": [e["subject"] for e in examples], "context": [e["context"] for e in examples]})
    model = _pipeline().fit(X, [e["category"] for e in examples])
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    joblib.dump(model, out_dir / f"{MODEL_NAME}.joblib", compress=3)
    use = "model" if cv["model_accuracy"] > cv["rules_accuracy"] else "rules"
    docs = sorted({e["doc"] for e in examples})
    info = {"use": use, "model_accuracy": cv["model_accuracy"], "rules_accuracy": cv["rules_accuracy"],
            "cv": f"GroupKFold by document, {cv['n_splits']} folds", "examples": len(examples),
            "documents": len(docs), "sklearn": sklearn.__version__, "date": datetime.date.today().isoformat()}
    (out_dir / f"{MODEL_NAME}.json").write_text(json.dumps(info, ensure_ascii=False, indent=1) + "\n", "utf-8")
    (out_dir / f"{MODEL_NAME}.md").write_text(_card(info, cv, docs, examples), "utf-8")
    _choice.cache_clear()
    _model.cache_clear()
    return info


def _card(info: dict, cv: dict, docs: list[str], examples: list[dict]) -> str:
    from collections import Counter

    per_doc = Counter(e["doc"] for e in examples)
    per_cat = Counter(e["category"] for e in examples)
    folds = "\n".join(f"| {i + 1} | {f['documents']} | {f['n']} | {f['model']:.3f} | {f['rules']:.3f} |"
                      for i, f in enumerate(cv["folds"]))
    return f"""# metric_category: the category of a metric (SPEC §6)

Written by `python -m pipeline.extraction.category train corpora/ models/` on {info['date']}
(scikit-learn {info['sklearn']}). Used by `pipeline/extraction/category.py::classify` when
`metric_category.json` says `"use": "model"`; otherwise the cue-word rules are used.

## Data

The gold metrics of `corpora/*/*.gold.json`: {info['examples']} examples from {info['documents']} documents.
The context of an example is {CONTEXT_CHARS} characters of the cleaned text on each side of its gold
`raw`, located in the document.

| document | examples |
|---|---|
""" + "\n".join(f"| {d} | {n} |" for d, n in sorted(per_doc.items())) + f"""

Categories: {", ".join(f"{c} {n}" for c, n in per_cat.most_common())}.

## Model

`Pipeline(ColumnTransformer([TfidfVectorizer(char, 1-2) on the subject, TfidfVectorizer(char, 1-2,
3000 features) on the context, weight 0.3]), LogisticRegression(C=100, class_weight="balanced"))`
(the best of a few settings tried: logistic regression and LinearSVC, subject n-grams 1-2 and 1-3,
context weights 0.01-0.5, all between 0.64 and 0.66 by document),
saved with joblib (`metric_category.joblib`); it loads only with a compatible scikit-learn.

## Cross-validated accuracy, by document

{info['cv']}: no document gives examples to both the training and the test side of a fold. The
rules are scored on the same test folds (they are not trained, but their cue list was written while
reading these same documents, so their figure is optimistic).

| fold | documents | examples | model | rules |
|---|---|---|---|---|
{folds}

Pooled over the folds: **model {info['model_accuracy']:.3f}**, **rules {info['rules_accuracy']:.3f}**.
Choice: **{info['use']}** (recorded in `metric_category.json`, which the extractor reads).

These figures classify the gold subjects. End to end (the extractor's own subjects, on the metrics
it matches to gold) the category accuracy is checked by `tests/test_metrics.py`.
Retrain with `python -m pipeline.extraction.category train corpora/ models/` after changing the gold
files or the cue words (`pipeline/data/metric_category_cues.tsv`), and commit the three files.
"""


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if len(argv) != 3 or argv[0] != "train":
        print("usage: python -m pipeline.extraction.category train CORPUS_DIR OUT_DIR", file=sys.stderr)
        return 1
    info = train_category_model(argv[1], argv[2])
    print(json.dumps(info, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
