"""The subject of a metric (SPEC §6) as a learned boundary choice among candidates.

The rules of :mod:`pipeline.extraction.metrics` give one subject per metric (the verb then the
counted noun, built from the words on both sides of the number). Here that subject is one candidate
among the spans of the clause that end just before the number (or before its lead-in: 共, 累计, 达,
为 …) and start at any character of the clause: the model learns where a subject starts. A few
filler words (各类, 了, 共 …) dropped from a span give one more candidate each.

Each candidate is described by its first and last characters and bigrams, its length, what precedes
its start, whether 的 or a list mark is inside, whether it is the rules' subject or contains it, the
lead-in word and the measure word. A ``LogisticRegression`` scores each candidate; the extractor
takes the most probable one per metric.

Labels: a rule metric paired (SPEC §7) with a gold metric labels its candidates by the bigram
Jaccard of each with the gold subject: the best one(s) (Jaccard ≥ 0.5, "right" per SPEC §7) are
positive. Metrics where no candidate is right teach nothing and are left out of the fit, but count
(as misses for both methods) in the cross-validated accuracy.

- Trainer protocol (:mod:`pipeline.train`): :data:`NAME`, :data:`STAGE`, :func:`examples`,
  :func:`fit`, :func:`card`.
- The rule subjects come from the extraction stage, which registers its finder on import
  (:func:`register_rules`): the examples always carry the rules' subjects, whatever model the
  extractor would use.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

NAME = "subject"
STAGE = "extract"
CLAUSE_STOP = "。!?！？\n|,，;；:："
MAX_LEFT = 30  # characters of the clause before the number
MAX_LEN = 24  # longest candidate
LEAD_IN = re.compile(r"(?:共计|共|累计|总计|合计|达到|达|约|近|仅|计|逾|超过|有|了|分别|先后|均|为)+$")
FILLER = re.compile(r"各类|各种|各项|各级|了|共计|共|累计|已|先后|分别")
C = 3.0

# (doc) -> [(number start, rule subject, raw span, pairing record)], registered by the extraction stage
_rules: Callable | None = None


def register_rules(fn: Callable) -> None:
    """The extraction stage's rule metrics of a structured Document (see :func:`examples`)."""
    global _rules
    _rules = fn


# -- candidates and features ---------------------------------------------------------------------------

def _left(text: str, num_start: int) -> tuple[str, int, str]:
    """The clause before the number without its lead-in: (core, where the core starts, the lead-in)."""
    j = num_start
    while j > 0 and text[j - 1] in " \t\n" and num_start - j < 3:
        j -= 1  # a PDF line break before the number
    i = j
    while i > 0 and j - i < MAX_LEFT and text[i - 1] not in CLAUSE_STOP:
        i -= 1
    left = text[i:j]
    m = LEAD_IN.search(left)
    lead = m.group() if m else ""
    return left[: len(left) - len(lead)], i, lead


def candidates(text: str, num_start: int, rule_subject: str, unit: str = "",
               prev_subject: str = "") -> list[tuple[str, int, dict]]:
    """The candidate subjects of the number at ``num_start``: (subject, start in ``text`` or -1, features).

    The rules' subject comes first; then each span of the clause ending before the lead-in, longest
    first; then the same spans with filler words or quoted names dropped; then, when an earlier
    metric of the same sentence has a subject (``prev_subject``), that subject followed by each short
    span (死亡 after 发生生产安全事故 → 发生生产安全事故死亡) and that subject alone.
    """
    core, cstart, lead = _left(text, num_start)
    rule = rule_subject or ""
    words = _words(core)
    make = _Features(core, lead, rule, unit, words)
    seen: dict[str, int] = {}
    out: list[tuple[str, int, dict]] = []

    def add(s: str, start: int, kind: str, b: int) -> None:
        s = s.replace("\n", "").strip()
        if kind != "rule":
            mark = _LEAD_MARK.match(s)  # a span that opens on a list mark or a closing bracket: its words follow
            if mark and b >= 0:
                s, start, b = s[mark.end():], start + mark.end(), b + mark.end()
        if not s or s in seen or (kind != "rule" and len(s) < 2):
            return
        seen[s] = len(out)
        out.append((s, start, make(s, kind, b)))

    add(rule, -1, "rule", -1)
    spans = [(core[b:], b) for b in range(len(core)) if 2 <= len(core) - b <= MAX_LEN]
    for s, b in spans:
        add(s, cstart + b, "left", b)
    for s, b in spans:
        f = FILLER.sub("", s)
        if f != s and len(f) >= 2:
            add(f, cstart + b, "filler", b)
        q = QUOTED.sub("", s)
        if q != s and len(q) >= 2:
            add(q, cstart + b, "unquoted", b)
    if prev_subject:
        for s, b in spans:
            if len(s) <= SHORT:
                add(prev_subject + s, cstart + b, "prev+left", b)
        add(prev_subject, -1, "prev", -1)
        # the earlier metric's counted noun with this clause's verb: 发生事故9起、死亡3人 → 事故死亡;
        # 排查隐患120处，已整改115处 → 整改隐患
        nouns = _nouns(prev_subject)
        for s, b in spans:
            if len(s) <= SHORT and not _names_a_noun(s):
                for noun in nouns:
                    add(noun + s, cstart + b, "noun+left", b)
                    if _starts_with_verb(s):
                        add(s + noun, cstart + b, "left+noun", b)
    for subject in distributed(text, num_start):
        add(subject, -1, "distributed", -1)
    for subject in respective(text, num_start):
        add(subject, -1, "respective", -1)
    # a table cell that holds the verb and the number only (控制在42起以内, 新建4处): the row's label
    # cells before it name what is counted (生产安全事故起数 | 控制在42起以内)
    for cell in row_labels(text, cstart):
        add(cell, -1, "cell", -1)
        for s, b in spans:
            if len(s) <= SHORT and not _names_a_noun(s):
                add(s + cell, cstart + b, "left+cell", b)
                add(cell + s, cstart + b, "cell+left", b)
    return out


_CELL_LABEL = re.compile(r"[\u4e00-\u9fff]{2}")
_CELL_NUMBER = re.compile(r"\d")


def row_labels(text: str, cstart: int, limit: int = 2) -> list[str]:
    """The label cells of a table row before the cell at ``cstart``, nearest first (at most ``limit``).

    The readers write a table row as cells joined by ``|``; a clause starting right after a bar is a
    cell. A label cell holds at least two Chinese characters and no digit (not a list number, a count
    or a date); the first cell of such a row is often the item's number and is skipped that way.
    """
    i = cstart
    while i > 0 and text[i - 1] in " \t":
        i -= 1
    if i == 0 or text[i - 1] != "|":
        return []
    line_start = text.rfind("\n", 0, i) + 1
    cells = [c.strip() for c in text[line_start:i - 1].split("|")]
    out = []
    for c in reversed(cells):
        if len(out) >= limit:
            break
        if c and len(c) <= MAX_LEN and _CELL_LABEL.search(c) and not _CELL_NUMBER.search(c):
            out.append(c)
    return out


def _nouns(subject: str) -> list[str]:
    """The counted noun of a subject without its verb (排查一般隐患 → 一般隐患), and its last word (隐患)."""
    from .postag import pos

    words = pos(subject)
    k = 0
    for i, (w, f) in enumerate(words[:-1]):  # the last verb before the noun (a vn opening the subject too)
        if (f.startswith("v") and f != "vn") or (i == 0 and f == "vn"):
            k = sum(len(x) for x, _ in words[:i + 1])
    noun = subject[k:]
    out = [noun] if len(noun) >= 2 else []
    last = words[-1][0] if words else ""
    if len(last) >= 2 and last != noun and words[-1][1][:1] in ("n", "i", "l"):
        out.append(last)
    return out


@lru_cache(maxsize=4096)
def _names_a_noun(s: str) -> bool:
    """Whether ``s`` holds a noun of its own (死亡, 已整改 do not: they count the earlier metric's noun)."""
    from .postag import pos

    return any(f[:1] in ("n", "i", "l", "r") or (f == "vn" and i) for i, (_, f) in enumerate(pos(s)))


@lru_cache(maxsize=4096)
def _starts_with_verb(s: str) -> bool:
    from .postag import pos

    words = pos(s)
    return bool(words) and words[0][1].startswith("v") and words[0][1] != "vn"


# A change stated for several nouns at once, each number in turn (SPEC §6 subjects): 事故起数、死亡人数和直接经济
# 损失同比分别下降11.1%、25.5%和30% → 死亡人数同比下降 for the second number.
_CHANGE = re.compile(r"(?P<cmp>同比|环比|与上年同期相比|与去年同期相比|比上年同期|比去年同期|比上年|比去年|较上年|较去年)?"
                     r"[ \t]*(?:分别|依次|各)?[ \t]*(?P<verb>下降|上升|增长|减少|增加|提高|降低|增幅|降幅)了?[ \t]*$")
_LIST_ITEM = re.compile(r"[ \t]*(?:[\d.,]+|[xX*]+)(?:万|亿)?(?:个百分点|百分点|[%‰]|[^\d\s、和及,，。;；!?！？]{1,2})?[ \t]*")
_LIST_SEP = re.compile(r"[ \t]*(?:、|和|及|以及|,|，)[ \t]*")
_NOUN_SEP = re.compile(r"、|和|及|以及")
_SENT_STOP = "。;；!?！？\n"
_TIME_PLACE = re.compile(r"^(?:今年以来|年初以来|全年|今年|去年|上半年|下半年|[1-9]\d*[-—至~]\d+月(?:份)?|全[省市县区镇乡]|各类)+")


_NUMBER_BEFORE = re.compile(r"(?:[\d.,]+|[xX*]+)(?:万|亿)?(?:个百分点|百分点|[%‰]|[^\d\s、和及,，。;；!?！？]{1,2})?[ \t]*"
                            r"(?:、|和|及|以及|,|，)[ \t]*$")


def _before_list(text: str, num_start: int, limit: int) -> tuple[str, int, int]:
    """The sentence before the number at ``num_start`` (at most ``limit`` characters), how many numbers of its list
    come before it, and where the first of them starts in that stretch."""
    i = num_start
    while i > 0 and num_start - i < limit and text[i - 1] not in _SENT_STOP:
        i -= 1
    before = text[i:num_start]
    k, pos = 0, len(before)
    while m := _NUMBER_BEFORE.search(before[:pos]):  # walk back over the numbers of the list before this one
        k, pos = k + 1, m.start()
    return before, k, pos


def distributed(text: str, num_start: int, limit: int = 100) -> list[str]:
    """The subject of a number in a list that follows a change verb shared by as many nouns (see :data:`_CHANGE`)."""
    before, k, pos = _before_list(text, num_start, limit)
    change = _CHANGE.search(before[:pos])
    if not change or k > 12:
        return []
    n = _list_length(text, num_start, k)  # the whole list: this number and the ones after it
    lead = before[:change.start()]
    lead = re.split(r"[,，:：]", lead)[-1]
    nouns = [x.strip() for x in _NOUN_SEP.split(lead) if x.strip()]
    if n < 2 or len(nouns) < n:
        return []
    nouns = nouns[-n:]
    noun, verb, cmp = nouns[k], change.group("verb"), change.group("cmp") or ""
    noun = _TIME_PLACE.sub("", noun) or noun  # 全年火灾起数 → 火灾起数
    out = [noun + cmp + verb]
    if cmp and cmp != "同比":
        out.append(noun + "同比" + verb)
    if not cmp:
        out.append(noun + "同比" + verb)
    return out


def _list_length(text: str, num_start: int, k: int) -> int:
    """How many numbers a change's list holds: the ``k`` before the one at ``num_start``, it and those after it."""
    n, j = k, num_start
    while True:
        m = _LIST_ITEM.match(text, j)
        if not m or m.end() == j:
            return n
        n, j = n + 1, m.end()
        sep = _LIST_SEP.match(text, j)
        if not sep or not re.match(r"[\d.xX*]", text[sep.end():sep.end() + 1]):
            return n
        j = sep.end()


# The counts a later change refers back to, in order (SPEC §6 subjects): 发生事故37起、死亡21人，同比分别下降15.9%和
# 19.2% → 事故起数同比下降, 死亡人数同比下降; 死亡11人，同比减少4人 → 死亡人数同比减少.
_COUNTED = re.compile(r"(?P<noun>[\u4e00-\u9fff]{1,16}?)[ \t]*(?:共计|共|累计|达到|达|为)?[ \t]*(?:[\d.,]+|[xX*]+)(?:万|亿)?[ \t]*"
                      r"(?P<unit>起|人|处|家|次|宗|元|万元)")
_COUNT_NOUN = {"起": "起数", "人": "人数", "宗": "宗数", "次": "次数"}
_NOT_A_NOUN = re.compile(r"^(?:同比|环比|比上年|比去年|较上年|较去年|与去年同期相比|与上年同期相比)|(?:下降|上升|增长|减少|增加|分别|其中)")
_OPENING = re.compile(r"^(?:[^\u4e00-\u9fff]+|今年以来|年初以来|全年|今年|上半年|下半年|全[省市县区镇乡]|共|累计|"
                      r"发生了?|造成了?|导致|各类|各种)+")


def respective(text: str, num_start: int, limit: int = 100) -> list[str]:
    """The subject of a number after a change verb that refers back to the counts stated before it in its
    sentence, one number each, in order (see :data:`_COUNTED`): the count's noun, as 起数 or 人数 where its
    measure word says so, with the comparison and the verb."""
    before, k, pos = _before_list(text, num_start, limit)
    change = _CHANGE.search(before[:pos])
    if not change or k > 12:
        return []
    head = before[:change.start()].rstrip(" \t,，")
    if not head or head[-1] not in "起人处家次宗元":
        return []  # the change does not follow a count
    counts = [(m.group("noun"), m.group("unit")) for m in _COUNTED.finditer(head)]
    counts = [(n, u) for n, u in counts if not _NOT_A_NOUN.search(n)]
    n = _list_length(text, num_start, k)  # how many numbers the change's list holds
    if len(counts) < n or n < 1:
        return []
    noun, unit = counts[len(counts) - n + k]
    noun = _OPENING.sub("", re.split(r"[、,，;；:：和及]", noun)[-1]) or noun
    if len(noun) < 2:
        return []
    cmp = change.group("cmp") or "同比"
    verb = change.group("verb")
    out = [noun + _COUNT_NOUN.get(unit, "") + cmp + verb]
    if unit in _COUNT_NOUN:
        out.append(noun + cmp + verb)
    return out


SHORT = 6
_LEAD_MARK = re.compile(r"^[、,，;；)）\]】.．:：\s]+")
QUOTED = re.compile(r"[“\"「][^“”\"「」]{1,12}[”\"」]")


def same_sentence(text: str, prev_end: int, num_start: int) -> bool:
    """Whether nothing ends a sentence between an earlier metric and this number."""
    if num_start >= 2 and text[num_start - 1] == "\n" and text[num_start - 2] not in CLAUSE_STOP:
        num_start -= 1  # a PDF copy's line break before the number (车辆\n310车次) ends no sentence
    return 0 <= prev_end <= num_start and not re.search(r"[。!?！？\n|]", text[prev_end:num_start])


@lru_cache(maxsize=4096)
def _words(core: str) -> dict[int, tuple[str, str]]:
    """The jieba words of the clause by start offset: {start: (tag of the word there, tag of the word before)}.

    Cached by clause (two metrics of one clause share it; jieba's tagger is most of this module's time);
    the dict is read, never changed.
    """
    if not core:
        return {}
    from .postag import pos

    out, k, before = {}, 0, "^"
    for word, flag in pos(core):
        out[k] = (flag, before)
        k += len(word)
        before = flag
    out[k] = ("$", before)
    return out


@lru_cache(maxsize=None)
def _bucket(n: int) -> str:
    return str(n) if n <= 8 else ("9-12" if n <= 12 else ("13-18" if n <= 18 else "19+"))


@lru_cache(maxsize=4096)
def _cls(ch: str) -> str:
    if not ch:
        return "none"
    if ch.isdigit():
        return "digit"
    if "\u4e00" <= ch <= "\u9fff":
        return "han"
    return "punct"


_DIGIT = re.compile(r"\d")
_MARK = re.compile(r"[、,，()（）“”]")


@lru_cache(maxsize=8192)
def _cue_roles(s: str) -> tuple[str, ...]:
    """The roles (strong, weak, rate, material) of the category cue words in ``s``, sorted, once each."""
    from .category import cue_hits

    return tuple(sorted({role for _, _, role in cue_hits(s)}))


class _Features:
    """The features for the candidates of one number: the parts that depend on the clause, the lead-in,
    the rules' subject and the unit are made once, those that depend on a span's start once per start, so
    that each candidate only adds its own characters' features. The dicts are those made for each candidate on
    its own, key order included (``tests/test_speed_subject.py`` keeps that path and pins this one to it)."""

    __slots__ = ("core", "lead", "rule", "unit", "words", "tail", "last_tag", "core_noun", "by_start", "parts")

    def __init__(self, core: str, lead: str, rule: str, unit: str, words: dict[int, tuple[str, str]]):
        self.core, self.lead, self.rule, self.unit, self.words = core, lead, rule, unit, words
        self.tail = (f"lead={lead or '-'}", f"unit={unit or '-'}", f"rule_len={_bucket(len(rule))}")
        self.last_tag = f"last_tag={words.get(len(core), ('$', '^'))[1]}"
        self.core_noun = int(any(t[:1] in ("n", "i", "l") or t == "vn" for t, _ in words.values() if t != "$"))
        self.by_start: dict[int, tuple] = {}
        self.parts: dict[int, tuple[str, str]] = {}

    def _start(self, b: int) -> tuple:
        """What a span starting at ``b`` of the clause shares with every other span starting there."""
        hit = self.by_start.get(b)
        if hit is None:
            core, words = self.core, self.words
            prev = core[b - 1] if b > 0 else "^"
            prev2 = core[max(0, b - 2):b] if b > 0 else "^"
            if b >= 0:
                tag, tag_before = words.get(b, ("inside", "inside"))
                lost = _cue_roles(core[:b])
            else:
                tag = tag_before = lost = None
            hit = (prev, f"prev={prev}", f"prev2={prev2}", f"prevcls={_cls(prev)}", tag, tag_before,
                   ".".join(lost) if lost else "")
            self.by_start[b] = hit
        return hit

    def _part(self, b: int) -> tuple[str, str]:
        """The tags (first letters) of the words from ``b`` to the clause's end, and that part's length bucket."""
        hit = self.parts.get(b)
        if hit is None:
            tags = ".".join(sorted({t[:1] for k, (t, _) in self.words.items() if k >= b and t != "$"}))
            hit = self.parts[b] = (tags, _bucket(len(self.core[b:])))
        return hit

    def __call__(self, s: str, kind: str, b: int) -> dict:
        prev, prev_f, prev2_f, prevcls_f, tag, tag_before, lost = self._start(b)
        rule = self.rule
        n = _bucket(len(s))
        lead_f, unit_f, rule_len_f = self.tail
        f = {
            f"kind={kind}": 1, f"first={s[0]}": 1, f"last={s[-1]}": 1, f"first2={s[:2]}": 1, f"last2={s[-2:]}": 1,
            f"len={n}": 1, f"kind_len={kind}|{n}": 1,
            prev_f: 1, prev2_f: 1, f"prev|first={prev}|{s[0]}": 1, prevcls_f: 1,
            lead_f: 1, unit_f: 1, rule_len_f: 1,
        }
        if b >= 0:
            f[f"tag={tag}"] = 1
            f[f"tag_before={tag_before}"] = 1
            f[f"tags={tag_before}|{tag}"] = 1
            f[f"kind_tag={kind}|{tag}"] = 1
            f[self.last_tag] = 1
        if b == 0:
            f["clause_start"] = 1
        if "的" in s:
            f["has_de"] = 1
        if _DIGIT.search(s):
            f["has_digit"] = 1
        if _MARK.search(s):
            f["crosses_mark"] = 1
        if rule and kind != "rule":
            if s == rule:
                f["is_rule"] = 1
            elif rule in s:
                f["contains_rule"] = 1
            elif s in rule:
                f["inside_rule"] = 1
            if rule.endswith(s) or s.endswith(rule):
                f["suffix_rule"] = 1
        if kind == "rule":
            f["rule_in_left"] = int(rule.replace("\n", "") in self.core.replace("\n", ""))
            f["rule_has_de"] = int("的" in rule)
            f["rule_first2=" + rule[:2]] = 1
        if not rule:
            f["no_rule"] = 1
        f[f"cues={'.'.join(_cue_roles(s)) or '-'}"] = 1
        if lost:
            f[f"cues_left_out={lost}|{kind}"] = 1
        f[f"kind|core_noun={kind}|{self.core_noun}"] = 1
        if b >= 0 and kind in _PART_KINDS:
            part_tags, part_len = self._part(b)
            f[f"kind|part_tags={kind}|{part_tags}"] = 1
            f[f"kind|part_len={kind}|{part_len}"] = 1
        return f


_PART_KINDS = frozenset(("noun+left", "left+noun", "prev+left", "left+cell", "cell+left"))


# -- the trainer -----------------------------------------------------------------------------------------

def examples(doc, gold: dict, group: str) -> list[dict]:
    """One example per rule metric paired with a gold metric: its candidates and their Jaccard with the gold subject."""
    from .category import _similarity
    from .match import greedy_pairs, jaccard

    if _rules is None:  # the candidates include the rules' subject: never train without it
        raise RuntimeError("no rule finder registered: import pipeline.extraction.metrics before taking examples")
    golds = [m for m in gold.get("metrics") or [] if m.get("subject")]
    text = doc.text or ""
    if not golds or not text:
        return []
    hits = list(_rules(doc))
    preds = [h[3] for h in hits]
    out = []
    for i, j in sorted(greedy_pairs(preds, golds, _similarity, 0.5)):
        num_start, rule_subject, _, rec = hits[i]
        gs = golds[j]["subject"]
        prev = hits[i - 1][1] if i and same_sentence(text, hits[i - 1][2][1], num_start) else ""
        cands = candidates(text, num_start, rule_subject, rec.get("unit") or "", prev)
        out.append({"group": group, "gold": gs, "rule": rule_subject, "unit": rec.get("unit") or "",
                    "cands": [c[0] for c in cands], "features": [c[2] for c in cands],
                    "jaccard": [round(jaccard(c[0], gs), 4) for c in cands]})
    return out


def _labels(e: dict) -> list[int]:
    best = max(e["jaccard"], default=0.0)
    return [int(best >= 0.5 and j == best) for j in e["jaccard"]]


def _estimator(c: float = C):
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    return make_pipeline(DictVectorizer(sort=True), LogisticRegression(C=c, max_iter=5000))


def _train(exs: list[dict], c: float = C):
    X, y = [], []
    for e in exs:
        labels = _labels(e)
        if not any(labels):
            continue
        X += e["features"]
        y += labels
    if len(set(y)) < 2:
        return None
    return _estimator(c).fit(X, y)


def pick(model, feats: list[dict]) -> int:
    """The index of the most probable candidate (the first one, the rules', on a tie)."""
    if model is None or not feats:
        return 0
    from .fastscore import proba

    probs = proba(model, feats)
    best = 0
    for k, p in enumerate(probs):
        if p > probs[best] + 1e-12:
            best = k
    return best


def pick_many(model, groups: list[list[dict]]) -> list[int]:
    """:func:`pick` for several metrics' candidate lists, in one call of the model."""
    flat = [f for feats in groups for f in feats]
    if model is None or not flat:
        return [0] * len(groups)
    from .fastscore import proba

    probs = proba(model, flat)
    out, i = [], 0
    for feats in groups:
        ps = probs[i:i + len(feats)]
        i += len(feats)
        best = 0
        for k, p in enumerate(ps):
            if p > ps[best] + 1e-12:
                best = k
        out.append(best)
    return out


def _right(e: dict, k: int) -> bool:
    return e["jaccard"][k] >= 0.5 if e["cands"] else False


def cross_validate(exs: list[dict], n_splits: int = 5, c: float = C) -> dict:
    """Subject accuracy (Jaccard ≥ 0.5 with the gold subject) of the model's pick and of the rules' subject,
    on the same folds (GroupKFold by source group)."""
    from sklearn.model_selection import GroupKFold

    groups = [e["group"] for e in exs]
    n = max(2, min(n_splits, len(set(groups))))
    model_ok = [False] * len(exs)
    rule_ok = [bool(e["cands"]) and e["jaccard"][0] >= 0.5 and e["cands"][0] == e["rule"] for e in exs]
    folds = []
    for train, test in GroupKFold(n_splits=n).split(exs, groups=groups):
        model = _train([exs[i] for i in train], c)
        for i in test:
            model_ok[i] = bool(exs[i]["cands"]) and _right(exs[i], pick(model, exs[i]["features"]))
        folds.append({"n": len(test), "documents": len({groups[i] for i in test}),
                      "model": round(sum(model_ok[i] for i in test) / len(test), 4),
                      "rules": round(sum(rule_ok[i] for i in test) / len(test), 4)})

    def acc(ok, idx):
        return round(sum(ok[i] for i in idx) / len(idx), 4) if idx else None

    everything = list(range(len(exs)))
    by_part = {}
    for part in sorted({g.split("/")[0] for g in groups}):
        idx = [i for i in everything if groups[i].split("/")[0] == part]
        by_part[part] = {"n": len(idx), "model": acc(model_ok, idx), "rules": acc(rule_ok, idx)}
    reachable = sum(any(_labels(e)) for e in exs)
    return {"n_splits": n, "folds": folds, "model_accuracy": acc(model_ok, everything),
            "rules_accuracy": acc(rule_ok, everything), "by_part": by_part,
            "reachable": round(reachable / len(exs), 4) if exs else None}


def fit(exs: list[dict], cv: bool = True) -> tuple[object, dict]:
    """Cross-validate model and rules by source group (unless ``cv`` is False), then fit on every example."""
    import datetime

    import sklearn

    exs = sorted(exs, key=lambda e: (e["group"], e["rule"], e["gold"], tuple(e["cands"])))
    if not exs:
        raise ValueError("no gold metrics to learn the subject from")
    model = _train(exs)
    meta = {"metrics": len(exs), "groups": len({e["group"] for e in exs}), "C": C,
            "candidates": sum(len(e["cands"]) for e in exs),
            "sklearn": sklearn.__version__, "date": datetime.date.today().isoformat()}
    if cv:
        res = cross_validate(exs)
        use = "model" if model is not None and res["model_accuracy"] > res["rules_accuracy"] else "rules"
        meta.update({"use": use, "model_accuracy": res["model_accuracy"], "rules_accuracy": res["rules_accuracy"],
                     "cv": f"GroupKFold by source group, {res['n_splits']} folds", "folds": res["folds"],
                     "by_part": res["by_part"], "reachable": res["reachable"]})
    else:
        meta["use"] = "model" if model is not None else "rules"
    return model, meta


def card(meta: dict) -> str:
    if "folds" in meta:
        folds = "\n".join(f"| {i + 1} | {f['documents']} | {f['n']} | {f['model']:.3f} | {f['rules']:.3f} |"
                          for i, f in enumerate(meta["folds"]))
        parts = "\n".join(f"| {p} | {v['n']} | {v['model']:.3f} | {v['rules']:.3f} |"
                          for p, v in meta["by_part"].items())
        held = f"""{meta['cv']}: no source group gives metrics to both sides of a fold. The rules' subject is
scored on the same metrics. A subject is right when its character-bigram Jaccard with the gold
subject is at least 0.5 (SPEC §7). Some candidate is right for {meta['reachable']:.1%} of the metrics
(the ceiling of this choice).

| fold | groups | metrics | model | rules |
|---|---|---|---|---|
{folds}

| folder | metrics | model | rules |
|---|---|---|---|
{parts}

Pooled: **model {meta['model_accuracy']:.3f}**, **rules {meta['rules_accuracy']:.3f}**."""
    else:
        held = "Trained without cross-validation (inside a fold): no held-out figures."
    return f"""# subject: what a metric counts (SPEC §6)

Written by `taskdb train corpora/ --only subject` on {meta['date']} (scikit-learn {meta['sklearn']}),
trainer `pipeline/learn/subject.py`. Used by `pipeline/extraction/metrics.py::find_metrics` when
`subject.json` says `"use": "model"`; otherwise (and whenever this model is absent) the rules' subject
is kept.

## Data

{meta['metrics']} metrics found by the rules and paired (SPEC §7) with a gold metric, from {meta['groups']}
source groups; {meta['candidates']} candidate subjects. Each candidate is labelled by its bigram Jaccard
with the gold subject: the best ones, when at least 0.5, are positive.

## Candidates, features and model

Candidates: the rules' subject; every span of the clause before the number (up to {MAX_LEFT} characters)
that ends before the number's lead-in (共, 累计, 达, 为 …), 2 to {MAX_LEN} characters long, a list mark or
closing bracket at its start left out (、死亡 is 死亡); the same spans
without filler words (各类, 了, 共 …); after an earlier metric of the same sentence, its subject followed by
each short span, and, where the short span names no noun (死亡, 已整改), that subject's counted noun
(without its verb; also its last word) before the span or after it (发生事故9起、死亡3人 → 事故死亡; 排查隐患
120处，已整改115处 → 整改隐患); for a number in a list after a change verb shared by as many nouns, that
noun with the verb (事故起数、死亡人数同比分别下降11.1%、25.5% → 死亡人数同比下降); for a number after a
change verb that follows counts of its sentence, the count it refers back to in turn, its noun as 起数 or 人数
where its measure word says so (发生事故37起、死亡21人，同比分别下降15.9%和19.2% → 死亡人数同比下降). Features (one-hot,
`DictVectorizer`): the kind of candidate (and with it whether the clause has a noun of its own), its
first and last characters and bigrams, its length, the one or two characters before its start (and
the first character with them), whether it starts the clause, holds 的 or crosses a mark (、 , 括号,
引号), how it relates to the rules' subject (equal, contains, inside, shares a suffix), the lead-in
word, the measure word, the roles of the category cue words it holds (strong, weak, rate, material:
`pipeline/data/metric_category_cues.tsv`) and of those the clause has before its start (a subject names
what is counted: 隐患, 检查, 企业). `LogisticRegression(C={meta['C']})` (lbfgs, deterministic; examples sorted)
scores each candidate; the most probable one is the subject (the rules' on a tie).

## Cross-validated subject accuracy (held out)

{held}

Choice: **{meta['use']}**. Retrain with `taskdb train corpora/ --only subject` after changing the gold
files or the rules, and commit the three files.
"""


__all__ = ["NAME", "STAGE", "candidates", "card", "cross_validate", "examples", "fit", "pick", "register_rules"]
