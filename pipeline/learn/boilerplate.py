"""Boilerplate lines: which lines of a document are the web site's (chrome), not the document's.

Web copies carry site chrome around and inside the text: navigation and
breadcrumbs, publication-time / view-counter lines, 字号 and share buttons,
download and paywall prompts (``(未完,全文共1772字,当前显示432字)``), page
counters, keyword-spam headers, forum widgets, portal metadata tables. Lists of
known phrases miss the next site's wording, so a line classifier decides from
what a line looks like: its characters (n-grams, digits folded), its length and
mix of scripts, sentence punctuation, its position in the document, the shapes
of its neighbours, repetition, and digit-heavy patterns (dates, counters, sizes).

- Data: ``corpora/boilerplate/lines.tsv``, every non-blank line of the corpus
  documents labelled chrome / content by reading the raw files.
- Trainer protocol (:mod:`pipeline.train`): ``NAME``, ``STAGE``, ``examples``,
  ``fit``, ``card``. The threshold on the chrome probability is chosen on
  out-of-fold predictions (GroupKFold by document) for a chrome precision of at
  least :data:`TARGET_PRECISION`: dropping a content line costs more than
  keeping a chrome line.
- Use: :func:`chrome_spans` (the cleaner's ``remove_boilerplate`` step) returns
  the lines to drop, or None when no model was trained (the cleaner then keeps
  to its lists).

The same :func:`line_view` serves training (on the raw text) and cleaning (on
the text the earlier steps produced): it normalises width, script and pinyin
glosses itself, so both see the same lines.
"""

from __future__ import annotations

import math
import re
import unicodedata
from functools import lru_cache
from pathlib import Path
from typing import Any

NAME = "boilerplate"
STAGE = "read"
TARGET_PRECISION = 0.97
LABELS_FILE = Path(__file__).resolve().parents[2] / "corpora" / "boilerplate" / "lines.tsv"

_CJK = "\u3400-\u4dbf\u4e00-\u9fff"
_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ"
_GLOSS = re.compile(rf"(?<=[{_CJK}])[(（][a-zü{_TONED}]{{1,7}}[)）]")
_SPACES = re.compile(r"\s+")
# frequent characters that exist only in traditional script (a cheap gate before OpenCC)
_TRAD = re.compile("[們個國這來說時會為學對發後過與經產業區縣鄉鎮處體關開長門問聯義務點擊積極單當應態監責實隱強員導織險專環節現規範劃證書歷據條災華資訊檢組領設備類場頭費讓認識達題]")
_SENT_END = "。!?！？;；"
_ITEM = re.compile(r"^(?:[一二三四五六七八九十]+[、.,，]|[(（][一二三四五六七八九十\d]{1,3}[)）]|\d{1,2}[.、](?!\d)|"
                   r"第[一二三四五六七八九十]+[,，、]|[一二三四五六七八九十]+[是要][,，:：]?)")
_PATTERNS = {
    "iso_date": re.compile(r"(?:19|20)\d\d[-/.]\d{1,2}(?:[-/.]\d{1,2})?"),
    "clock": re.compile(r"\d{1,2}:\d\d"),
    "cn_date": re.compile(r"(?:19|20)\d\d年\d{1,2}月\d{1,2}日"),
    "counter": re.compile(r"\d+\s*(?:次|人阅读|阅读|浏览|点击|评论|赞|W|w|万)\b|[:：|]\s*\d+\s*$"),
    "page_count": re.compile(r"第\s*\d+\s*页|共\s*\d+\s*页|\d+\s*页\b|\d+\s*/\s*\d+\s*$"),
    "size": re.compile(r"\d+(?:\.\d+)?\s*[KkMm][Bb]"),
    "url": re.compile(r"https?:|www\.|\.(?:com|cn|net|org|html?)\b|@"),
    "chars_count": re.compile(r"\d+\s*字"),
    "label_colon": re.compile(rf"^[{_CJK}A-Za-z ]{{1,8}}[:：]"),
    "bracket_label": re.compile(r"^[【\[［][^】\]］]{0,12}[】\]］]"),
    "bracket_any": re.compile(r"[【】\[\]]"),
    "ellipsis": re.compile(r"……|\.\.\.|>>|»"),
    "arrow_path": re.compile(r"[>＞›»]\s*\S"),
    "doc_ext": re.compile(r"\.(?:docx?|pdf|pptx?|xlsx?)\b", re.I),
    "html": re.compile(r"<[a-zA-Z/][^>]*>|!\[|\{[^}]*:[^}]*\}|[a-z-]+\s*:\s*[^;]+;"),
    "masked_name": re.compile(r"^[|\s]*[A-Z*]{1,3}某?\s*$"),
    "bullet": re.compile(r"^[-•·*]\s"),
    "paren_whole": re.compile(r"^[(（].*[)）]$"),
}


# the phrase lists of known chrome (the cleaner's fallback without a model, and features of the model)
CHROME_LINE = re.compile(
    r"^\s*[-•·]?\s*(?:"
    r"您好[,，]?\s*欢迎|欢迎(?:访问|来到|光临)|您(?:现在)?的位置|当前位置[:：]|提示[:：]\s*本页|本文链接|"
    r"本站提供下载|下载(?:文档|本文|地址|后查看)|全文下载|立即下载|点击下载|本类热门推荐|热门推荐|相关推荐|猜你喜欢|"
    r"相关文章|免责声明|版权所有|版权声明|.*ICP备|来源[:：]|出处[:：]|发布时间[:：]|上传(?:者|时间)?[:：]|发布[:：]|"
    r"浏览次数|阅读次数|作者[:：]|责编[:：]|[(（]责编[:：]|编辑[:：]|会员专享|举报反馈|配套讲稿|特殊限制|关\s*键\s*词|"
    r"若PPT首页|个别文档中出现的|文档(?:大小|页数)[:：]|分享到|收藏本文|打印本页|关闭窗口|上一篇|下一篇|返回(?:首页|顶部)"
    r")")
CHROME_INLINE = re.compile(r"为网友上传分享的文档|支持在线浏览|站内检索|本站提供下载的DOCX|\d+(?:\.\d+)?\s*KB\s*\d+\s*页|"
                           r"本站所有文档|由用户上传|用户上传|版权归原作者|如发现侵权|侵权内容|联系客服|下载后可查看|"
                           r"仅供学习交流|文档下载|付费下载|VIP|会员免费|浏览[:：]\s*\d+次")
TRAILER_START = re.compile(r"^\s*[-•]?\s*(?:关\s*键\s*词|配套讲稿|特殊限制)")


def rule_chrome(line: str) -> bool:
    """The phrase lists' verdict on one line (without the trailer rule, which needs the lines before)."""
    if len(line) < 300 and CHROME_LINE.match(line):
        return True
    return len(line) < 400 and bool(CHROME_INLINE.search(line)) and not re.search(r"[。;；]\S", line)


# ---------------------------------------------------------------- the line view


@lru_cache(maxsize=1)
def _t2s():
    import opencc

    return opencc.OpenCC("t2s").convert


def normalise_line(s: str, traditional: bool = False) -> str:
    """Width folded (NFKC), pinyin glosses dropped, simplified script when ``traditional``, spaces collapsed."""
    s = unicodedata.normalize("NFKC", s)
    s = _GLOSS.sub("", s)
    if traditional:
        s = _t2s()(s)
    return _SPACES.sub(" ", s).strip()


def line_view(text: str) -> list[tuple[int, int, str]]:
    """The non-blank lines of ``text``: ``(start, end, normalised line)``, ``end`` before the newline."""
    traditional = len(_TRAD.findall(text)) >= 3
    out = []
    pos = 0
    for line in text.split("\n"):
        end = pos + len(line)
        if line.strip():
            out.append((pos, end, normalise_line(line, traditional)))
        pos = end + 1
    return out


# ---------------------------------------------------------------- features


def _bucket(n: int) -> str:
    for b in (1, 2, 5, 10, 20, 40, 80, 160):
        if n <= b:
            return str(b)
    return "big"


def _shape(s: str) -> dict[str, float]:
    n = max(len(s), 1)
    cjk = sum(1 for c in s if "\u3400" <= c <= "\u9fff")
    dig = sum(c.isdigit() for c in s)
    lat = sum(c.isascii() and c.isalpha() for c in s)
    spc = s.count(" ")
    pun = sum(1 for c in s if unicodedata.category(c).startswith("P") or c in "|<>=+~^$")
    return {"cjk": cjk / n, "digit": dig / n, "latin": lat / n, "space": spc / n, "punct": pun / n}


def _line_feats(s: str) -> dict[str, Any]:
    f: dict[str, Any] = {}
    f["len_log"] = math.log1p(len(s)) / 6
    f["len=" + _bucket(len(s))] = 1
    for k, v in _shape(s).items():
        f[k] = v
    f["end_sent"] = float(s[-1] in _SENT_END or s.endswith(("。”", "。)", "。）")))
    f["end_colon"] = float(s[-1] in ":：")
    f["end_open"] = float(s[-1] in ",，、(（")
    f["n_sent"] = min(sum(s.count(c) for c in "。!?！？"), 5) / 5
    f["n_comma"] = min(sum(s.count(c) for c in ",，、"), 10) / 10
    f["pipes"] = min(s.count("|"), 6) / 6
    f["item_start"] = float(bool(_ITEM.match(s)))
    f["all_digits"] = float(bool(re.fullmatch(r"[\d\s.,%-]+", s)))
    f["no_cjk"] = float(not re.search(f"[{_CJK}]", s))
    for k, rx in _PATTERNS.items():
        if rx.search(s):
            f["re_" + k] = 1
    f["rule"] = float(rule_chrome(s))
    return f


def _neighbour_feats(s: str, tag: str) -> dict[str, Any]:
    if s is None:
        return {f"{tag}_none": 1}
    sh = _shape(s)
    return {f"{tag}_len=" + _bucket(len(s)): 1,
            f"{tag}_end_sent": float(s[-1] in _SENT_END),
            f"{tag}_cjk": sh["cjk"], f"{tag}_digit": sh["digit"],
            f"{tag}_item": float(bool(_ITEM.match(s))),
            f"{tag}_rule": float(rule_chrome(s)),
            f"{tag}_colon": float(bool(_PATTERNS["label_colon"].search(s)))}


def _fold_digits(s: str) -> str:
    return re.sub(r"\d", "0", s)


def doc_rows(lines: list[str]) -> list[dict[str, Any]]:
    """One feature row per line of a document: ``{"text": …, "feats": {…}}``."""
    n = len(lines)
    counts: dict[str, int] = {}
    for s in lines:
        counts[s] = counts.get(s, 0) + 1
    long_idx = [i for i, s in enumerate(lines) if len(s) >= 60 and any(c in s for c in "。,，")]
    first_body = long_idx[0] if long_idx else n
    last_body = long_idx[-1] if long_idx else -1
    trailer = next((i for i, s in enumerate(lines) if TRAILER_START.match(s)), None)
    rows = []
    for i, s in enumerate(lines):
        f = _line_feats(s)
        f["rel_pos"] = i / max(n - 1, 1)
        if i < 4:
            f[f"from_start={i}"] = 1
        if n - 1 - i < 4:
            f[f"from_end={n - 1 - i}"] = 1
        f["before_body"] = float(i < first_body)
        f["after_body"] = float(i > last_body)
        f["repeated"] = float(counts[s] > 1)
        f["after_trailer"] = float(trailer is not None and i > trailer)
        for d, tag in ((-2, "p2"), (-1, "p1"), (1, "n1"), (2, "n2")):
            j = i + d
            f.update(_neighbour_feats(lines[j] if 0 <= j < n else None, tag))
        rows.append({"text": _fold_digits(s[:120] + " " + s[-30:] if len(s) > 150 else s), "feats": f})
    return rows


def _texts(rows):
    return [r["text"] for r in rows]


def _feats(rows):
    return [r["feats"] for r in rows]


def _pipeline(C: float = 4.0):
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import FeatureUnion, Pipeline
    from sklearn.preprocessing import FunctionTransformer

    chars = Pipeline([("sel", FunctionTransformer(_texts)),
                      ("tfidf", TfidfVectorizer(analyzer="char", ngram_range=(1, 3), min_df=2, sublinear_tf=True,
                                                lowercase=False))])
    shape = Pipeline([("sel", FunctionTransformer(_feats)), ("dict", DictVectorizer(sort=True))])
    return Pipeline([("features", FeatureUnion([("chars", chars), ("shape", shape)])),
                     ("clf", LogisticRegression(C=C, solver="liblinear", class_weight="balanced", random_state=0))])


# ---------------------------------------------------------------- training


@lru_cache(maxsize=4)
def labels(path: str = str(LABELS_FILE)) -> dict[tuple[str, int], str]:
    """``(document stem, raw line number) -> label`` from the annotation file."""
    out: dict[tuple[str, int], str] = {}
    p = Path(path)
    if not p.exists():
        return out
    for row in p.read_text("utf-8").splitlines():
        if not row.strip() or row.startswith("#") or row.startswith("doc\t"):
            continue
        doc, line, label = row.split("\t")[:3]
        out[(doc, int(line))] = label
    return out


def examples(doc, gold: dict, group: str) -> list[dict[str, Any]]:
    """The labelled lines of one document (documents without annotation give none)."""
    stem = Path(doc.source).stem
    table = labels()
    view = line_view(doc.raw_text)
    nums = [doc.raw_text.count("\n", 0, s) + 1 for s, _, _ in view]
    if not any((stem, k) in table for k in nums):
        return []
    rows = doc_rows([t for _, _, t in view])
    out = []
    for k, row in zip(nums, rows):
        label = table.get((stem, k))
        if label in ("chrome", "content"):
            out.append({**row, "y": int(label == "chrome"), "group": group, "doc": stem, "line": k})
    return out


def _prf(y, pred) -> dict[str, float]:
    tp = sum(1 for a, b in zip(y, pred) if a and b)
    fp = sum(1 for a, b in zip(y, pred) if not a and b)
    fn = sum(1 for a, b in zip(y, pred) if a and not b)
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    return {"precision": round(p, 4), "recall": round(r, 4), "tp": tp, "fp": fp, "fn": fn}


def choose_threshold(y: list[int], proba: list[float], target: float = TARGET_PRECISION) -> float:
    """The lowest threshold whose precision is at least ``target`` (the highest recall at that precision)."""
    best = 0.99
    for t in [x / 100 for x in range(99, 9, -1)]:
        pred = [p >= t for p in proba]
        m = _prf(y, pred)
        if m["tp"] and m["precision"] >= target:
            best = t
    return best


def cross_validate(examples: list[dict], k: int = 5) -> tuple[list[float], list[str]]:
    """Out-of-fold chrome probabilities, folds grouped by ``group`` (one document never on both sides)."""
    from sklearn.model_selection import GroupKFold

    groups = [e["group"] for e in examples]
    y = [e["y"] for e in examples]
    proba = [0.0] * len(examples)
    n_groups = len(set(groups))
    for tr, te in GroupKFold(n_splits=min(k, n_groups)).split(examples, y, groups):
        ytr = [y[i] for i in tr]
        if len(set(ytr)) < 2:
            continue
        pipe = _pipeline().fit([examples[i] for i in tr], ytr)
        for i, p in zip(te, pipe.predict_proba([examples[i] for i in te])[:, 1]):
            proba[i] = float(p)
    return proba, groups


def fit(examples: list[dict]) -> tuple[dict | None, dict]:
    examples = sorted(examples, key=lambda e: (e["group"], e["doc"], e["line"]))
    y = [e["y"] for e in examples]
    if len(set(y)) < 2:
        return None, {"error": "need chrome and content lines"}
    proba, _ = cross_validate(examples)
    thr = choose_threshold(y, proba)
    cv = _prf(y, [p >= thr for p in proba])
    cv_half = _prf(y, [p >= 0.5 for p in proba])
    rule = [bool(e["feats"].get("rule")) for e in examples]
    cv_rules = _prf(y, rule)
    cv_union = _prf(y, [r or p >= thr for r, p in zip(rule, proba)])
    docs_chrome = sorted({e["doc"] for e in examples if e["y"]})
    missed_docs = sorted({e["doc"] for e, p in zip(examples, proba) if e["y"] and p < thr})
    dropped_content = sorted(f"{e['doc']}:{e['line']}" for e, p in zip(examples, proba) if not e["y"] and p >= thr)
    pipe = _pipeline().fit(examples, y)
    meta = {
        "name": NAME,
        "threshold": thr,
        "target_precision": TARGET_PRECISION,
        "lines": len(examples),
        "chrome_lines": sum(y),
        "docs_with_chrome": len(docs_chrome),
        "cv": {"folds": 5, "grouped_by": "document source group", "at_threshold": cv, "at_0.5": cv_half,
               "lists_alone": cv_rules, "lists_or_model": cv_union,
               "docs_with_chrome_left": len(missed_docs), "docs_with_chrome_left_names": missed_docs,
               "content_lines_dropped": dropped_content},
        "model": "LogisticRegression(C=4, balanced) on char 1-3-grams (digits folded) + line-shape features",
    }
    return {"model": pipe, "threshold": thr}, meta


def card(meta: dict) -> str:
    cv = meta.get("cv", {})
    at = cv.get("at_threshold", {})
    half = cv.get("at_0.5", {})
    return f"""# Model card: boilerplate (site-chrome lines)

**Decides** whether a line of a document is the web site's chrome (navigation, breadcrumbs, publication-time
and counter lines, font-size and share buttons, download and paywall prompts, page counters, keyword-spam
headers, portal metadata, forum widgets) or the document's own. Used by the cleaner's `remove_boilerplate`
step; without this model the cleaner uses its phrase lists.

**Data**: `corpora/boilerplate/lines.tsv`: every non-blank line of the {meta.get('documents', '?')} gold
documents labelled by reading the raw files; {meta.get('lines')} lines, {meta.get('chrome_lines')} chrome,
in {meta.get('docs_with_chrome')} documents. Lines holding a gold task or metric are content.

**Features**: character 1-3-grams of the line (digits folded to 0, TF-IDF); length, shares of CJK / digits /
Latin / punctuation / spaces; sentence-final punctuation; item numbering; position (first and last lines,
before the first and after the last body paragraph); shapes of the two lines before and after; repetition;
date, clock, counter, page-count, file-size, URL, `N字`, bracketed-label and markup patterns.

**Estimator**: {meta.get('model')}; threshold {meta.get('threshold')} on the chrome probability, chosen on
out-of-fold predictions for precision >= {meta.get('target_precision')}.

**Held-out scores** (GroupKFold, {cv.get('folds')} folds, grouped by document; chrome is the positive class):

| threshold | precision | recall | content lines dropped | chrome lines kept |
|---|---|---|---|---|
| {meta.get('threshold')} | {at.get('precision')} | {at.get('recall')} | {at.get('fp')} | {at.get('fn')} |
| 0.5 | {half.get('precision')} | {half.get('recall')} | {half.get('fp')} | {half.get('fn')} |

The cleaner drops a line when the model says chrome or the phrase lists match it (the lists are also
features). Measured the same way: lists alone P {cv.get('lists_alone', {}).get('precision')} R
{cv.get('lists_alone', {}).get('recall')}; lists or model P {cv.get('lists_or_model', {}).get('precision')} R
{cv.get('lists_or_model', {}).get('recall')} (lists written on this corpus: their figure is not held out).

Documents that keep at least one annotated chrome line (out of fold, this step alone):
{cv.get('docs_with_chrome_left')} of {meta.get('docs_with_chrome')}.

Content lines the held-out model would drop: {', '.join(cv.get('content_lines_dropped', [])) or 'none'}.

**Limits**: a line is kept or dropped whole, so chrome glued inside a content line (spam words injected into
a sentence, an inline `【X】`) stays; the annotation covers this corpus' sites, and a new kind of site will
bring chrome of new shapes: label its lines in `lines.tsv` and retrain (`taskdb train corpora/ --only
boilerplate`).
"""


# ---------------------------------------------------------------- use


def chrome_spans(text: str, threshold: float | None = None) -> list[tuple[int, int]] | None:
    """The ``(start, end)`` of the lines of ``text`` the model calls chrome; None when no model was trained."""
    from . import load

    est = load(NAME)
    if est is None:
        return None
    view = line_view(text)
    if not view:
        return []
    rows = doc_rows([t for _, _, t in view])
    proba = est["model"].predict_proba(rows)[:, 1]
    thr = est["threshold"] if threshold is None else threshold
    # table cells and rows (``|``) are left to the lists: a Word or PDF rendition of the same table puts its
    # cells on other lines, and the cleaned text must not depend on the rendition
    return [(s, e) for (s, e, t), p in zip(view, proba) if p >= thr and "|" not in t]
