"""Units in running text: a character-level sequence labeller for the actors of a directive and their roles.

SPEC §4: where no parenthetical or 责任单位 line closes a task, its units are the
actors the sentence names (电力企业要…, 由X牵头, X会同Y, 请各单位于…前报送), not the
objects of 督促/推动/指导 (SPEC §8). Rules find the common shapes; this model learns
the rest from the gold tasks.

Examples are the gold tasks whose every unit is written in the task's own text
(or that have none): the other tasks take their units from a parenthetical, a
责任单位 line or a table column, and their text says nothing about who acts. Each
gold unit is located in the text (longest names first, every occurrence not inside
a longer one); a unit that cannot be located is skipped. Tags are BIO with the role:
``B-lead``, ``I-lead``, ``B-support``, ``I-support``, ``B-responsible``,
``I-responsible``, ``O``.

Features of a character: itself and its neighbours (±3), bigrams and trigrams
around it, its class (Han, digit, Latin, bracket, punctuation), its place in its
clause, whether a gazetteer name (``pipeline/data/unit_aliases.tsv``) or an
organisation suffix (局 委 办 部门 单位 企业 …) starts or ends there, and the cue
words that follow (要 负责 牵头 配合 会同 应当 须 将 …) or precede (督促 推动 指导 由
请 组织 …) it. The estimator is a linear-chain CRF (sklearn-crfsuite, L-BFGS:
deterministic).

Cross-validation is grouped by document (the ``group`` each example carries).
It scores the within-task unit F1 and role accuracy of the model, of the rules
and of their combinations on the same folds; ``meta["mode"]`` records the one
that scored best, and :mod:`pipeline.extraction.units` follows it.

This module imports no stage: the rule finder it is compared with is handed over
by :func:`register_rules` (the extraction stage registers its own on import).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from functools import lru_cache
from itertools import repeat
from operator import add
from pathlib import Path

from .match import norm

NAME = "units"
# examples come from the gold task texts; "extract" (not "structure") because running the extraction
# stage is what registers the rule finder (pipeline.extraction.units), whose units are a feature
STAGE = "extract"

ROLES = ("lead", "support", "responsible")
MODES = ("rules", "model", "union", "model_or_rules", "model_union")
# the modes the CV may choose: all of them. model_union (the model's names, then the rule names it lacks) was held back
# while its extra rule names cost precision on the task texts the task finder cuts; with the rules' shapes mended it
# scored best both in this CV and in a whole-pipeline check with the recogniser trained out of fold (models/units.md)
CHOOSABLE = MODES
SEED = 0
LABEL_ALL = False  # every free occurrence of a gold name is tagged (else the first only)
FOLDS = 5
C1, C2, ITERATIONS = 0.05, 0.02, 150  # c2 chosen by the grouped CV among 0.01, 0.02, 0.05 (c1 0.03-0.1)
FOLD_MODE = "model"  # the mode of a model fitted without its own CV (the one the full CV chose, models/units.md)

# what an organisation's name ends with (a feature: the model decides)
SUFFIXES = (
    "委员会办公室", "委员会", "指挥部办公室", "指挥部", "办公室", "管理局", "监督局", "分局", "总局", "局", "委", "办",
    "部门", "部", "厅", "署", "大队", "中队", "支队", "总队", "队", "所", "站", "中心", "院", "校", "公司", "集团",
    "政府", "街道", "乡镇", "镇", "乡", "村", "社区", "单位", "企业", "成员单位", "园区", "开发区", "管委会", "协会",
    "工会", "妇联", "小组", "组", "专班", "处", "科", "股", "系统", "机构", "班子", "委会", "村委会", "居委会",
)
# words after an actor (the verb of a directive) and before an object or an actor
NEXT_CUES = (
    "要", "须", "必须", "务必", "应当", "应", "将", "负责", "牵头", "配合", "会同", "协同", "协助", "参与", "统筹",
    "统一", "联合", "共同", "分别", "按照", "依照", "结合", "组织", "加强", "做好", "开展", "于", "在", "对", "把",
    "派", "发布", "抓好", "主要负责", "具体", "作为", "立即", "认真", "切实", "还", "也", "均", "都", "和", "及",
    "、", ",", "，", "等",
)
PREV_CUES = (
    "督促", "推动", "指导", "督导", "帮助", "要求", "由", "请", "组织", "会同", "协调", "配合", "对", "向", "报",
    "报送", "上报", "通知", "经", "与", "和", "及", "、", "在", "根据", "按照", "依据", "到", "深入", "各", "全",
)
_SUBJECT_VERB = re.compile(r"要|须|必须|务必|应当|应|将|负责|牵头|配合|会同|统筹|协助|联合|共同|分别|决定|组织|还|发布|派|加大|开展|对|在|于|把")
SUBJECT = True  # the clause-initial stretch before an actor verb, as a feature
_CLAUSE_END = set("。;；:：!?！？,，\n")
_PUNCT = set("。;；:：!?！？,，、\n\"“”‘’《》")
_BRACKETS = set("()（）〈〉<>[]【】")
_ALIAS_FILE = Path(__file__).resolve().parents[1] / "data" / "unit_aliases.tsv"
_LEVEL = "省市区县镇乡"
_TRAILING_ETC = re.compile(r"(?:等有关部门|等相关部门|等有关单位|等相关单位|等部门|等单位|等[^\W\d_]{1,14}?(?:部门|单位)|等)$")

_rules: Callable[[str], list[tuple[str, str]]] | None = None
_split: Callable[[str], list[str]] | None = None


def register_rules(fn: Callable[[str], list[tuple[str, str]]], split: Callable[[str], list[str]] | None = None) -> None:
    """The rule finder (``text -> [(name, role)]``): a feature of the model, and what it is compared with.

    ``split`` cuts a found name into names (SPEC §4: 、 , ; 和 及 between names); the model's
    names go through it, in cross-validation as in extraction.
    """
    global _rules, _split
    _rules, _split = fn, split


def _finish(found: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The model's names split as SPEC §4 says (by the registered splitter), each name once."""
    if _split is None:
        return found
    out: list[tuple[str, str]] = []
    seen: set[str] = set()
    for name, role in _tidy(found):
        for part in _split(name) or [name]:
            if len(part) >= 2 and norm(part) not in seen:
                seen.add(norm(part))
                out.append((part, role))
    return out


# a cue word the model's span took in at its start (请各村, 根据市安委办): not part of the name
_LEAD_CUE = re.compile(r"^(?:请|由|根据|按照|依据|要求|经(?![发信开贸济管])|把)(?=..)")
# a verb whose object the span took (推动各乡镇, 督促企业, 组织县森林消防专业队, 约谈所在县…): the object is no actor
# (SPEC §8: the objects of 推动, 督促, 督导 are not units; the units are the ones that do the work)
_OBJECT_OF = re.compile(r"^(?:推动|推进|督促|督导|指导|帮助|约谈|通报|组织(?!部)|责成|动员|引导|鼓励|支持|检查|督查)(?=..)")


def _tidy(found: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The model's spans without a leading cue word, and ``A会同B`` cut into A (lead) and B (support)."""
    out: list[tuple[str, str]] = []
    for name, role in found:
        if _OBJECT_OF.match(name):
            continue
        name = _LEAD_CUE.sub("", name)
        if len(name) >= 3 and name[-1] == name[-2]:  # the span took the next word's first character (宣传部部署 → 宣传部部)
            name = name[:-1]
        a, sep, b = name.partition("会同")
        if sep and len(a) >= 2 and len(b) >= 2:
            out += [(a, "lead"), (b, "support")]
        else:
            out.append((name, role))
    return out


# ------------------------------------------------------------------ gazetteer


@lru_cache(maxsize=1)
def gazetteer_names() -> frozenset[str]:
    """Every written and canonical name of the alias table (2+ characters)."""
    out: set[str] = set()
    try:
        lines = _ALIAS_FILE.read_text("utf-8").splitlines()
    except OSError:
        return frozenset()
    for line in lines:
        if not line.strip() or line.startswith("#"):
            continue
        for cell in line.split("\t")[:2]:
            cell = cell.strip()
            if len(cell) >= 2:
                out.add(cell)
    return frozenset(out)


@lru_cache(maxsize=1)
def _canonical_table() -> dict[str, str]:
    out: dict[str, str] = {}
    try:
        lines = _ALIAS_FILE.read_text("utf-8").splitlines()
    except OSError:
        return out
    for line in lines:
        if line.strip() and not line.startswith("#"):
            cells = line.split("\t")
            if len(cells) >= 2:
                out.setdefault(cells[0].strip(), cells[1].strip())
    return out


def canonical(name: str) -> str:
    """The alias table's canonical name (level prefix kept), or the name: an approximation of the normaliser."""
    table = _canonical_table()
    name = re.sub(r"^(?:XX|xx|X|x)+", "", name)
    if name in table:
        return table[name]
    if name[:1] in _LEVEL and name[1:] in table:
        return name[0] + table[name[1:]]
    return name


def fold(text: str) -> str:
    """Compatibility forms folded (full-width → half-width) character by character: offsets are kept."""
    return "".join(map(_fold_char, text))


@lru_cache(maxsize=None)  # one entry per distinct character
def _fold_char(c: str) -> str:
    return f if len(f := unicodedata.normalize("NFKC", c)) == 1 else c


def _find_all(text: str, word: str) -> list[int]:
    out, i = [], text.find(word)
    while i >= 0:
        out.append(i)
        i = text.find(word, i + 1)
    return out


@lru_cache(maxsize=1)
def _gaz_by_bigram() -> dict[str, tuple[str, ...]]:
    out: dict[str, list[str]] = {}
    for name in sorted(gazetteer_names(), key=lambda w: (-len(w), w)):
        out.setdefault(name[:2], []).append(name)
    return {k: tuple(v) for k, v in out.items()}


def _gaz_marks(text: str) -> tuple[set[int], set[int], set[int]]:
    """(starts, ends, insides) of every gazetteer name in ``text``."""
    starts, ends, inside = set(), set(), set()
    table = _gaz_by_bigram()
    for i in range(len(text) - 1):
        for name in table.get(text[i:i + 2], ()):
            if text.startswith(name, i):
                starts.add(i)
                ends.add(i + len(name) - 1)
                inside.update(range(i, i + len(name)))
    return starts, ends, inside


# ------------------------------------------------------------------ features

@lru_cache(maxsize=None)  # one entry per distinct character
def _cls(c: str) -> str:
    if c in _PUNCT:
        return "P"
    if c in _BRACKETS:
        return "B"
    if c.isdigit():
        return "D"
    if c.isascii() and c.isalpha():
        return "L"
    if "\u4e00" <= c <= "\u9fff":
        return "H"
    return "S"


def _context(text: str, rules: Sequence[tuple[str, str]] = ()):
    """What the features of every character of ``text`` (folded) are made of: computed once per text."""
    n = len(text)
    rule_tags = locate(text, rules) or ["O"] * n if rules else ["O"] * n
    g_start, g_end, g_in = _gaz_marks(text)
    suffix_end: dict[int, str] = {}
    for suf in [w for w in SUFFIXES if w in text]:  # the words the text holds, in their order
        for i in _find_all(text, suf):
            e = i + len(suf) - 1
            if len(suf) > len(suffix_end.get(e, "")):
                suffix_end[e] = suf
    cues: dict[int, list[str]] = {}
    for w in [w for w in NEXT_CUES if w in text]:  # a cue word starts right after the character
        for i in _find_all(text, w):
            if i >= 1:
                cues.setdefault(i - 1, []).append("next=" + w)
    for w in [w for w in PREV_CUES if w in text]:  # a cue word ends right before the character
        for i in _find_all(text, w):
            if i + len(w) < n:
                cues.setdefault(i + len(w), []).append("prev=" + w)
    clause_pos = []
    pos = 0
    for c in text:
        clause_pos.append(pos)
        pos = 0 if c in _CLAUSE_END else pos + 1
    subject: dict[int, str] = {}
    subject_verb: dict[int, str] = {}
    if SUBJECT:
        for m in _CLAUSE.finditer(text):
            v = _SUBJECT_VERB.search(m.group(), 0, 31)
            if v and v.start() >= 2:
                for i in range(m.start(), m.start() + v.start()):
                    d = m.start() + v.start() - i
                    subject[i] = "1" if d == 1 else ("2-4" if d <= 4 else ("5-10" if d <= 10 else "11+"))
                    subject_verb[i] = v.group()  # the verb the stretch is the subject of: its role for every name of a list
    pad = "^^^" + text + "$$$"
    classes = list(map(_cls, pad))
    cpos = [str(min(p, 6)) if p < 6 else ("mid" if p < 16 else "far") for p in clause_pos]
    return rule_tags, g_start, g_end, g_in, suffix_end, cues, subject, subject_verb, pad, classes, cpos


_CLAUSE = re.compile(r"[^。;；:：!?！？,，\n]+")


def features(text: str, rules: Sequence[tuple[str, str]] = ()) -> list[dict[str, str | bool | float]]:
    """One feature dict per character of ``text`` (``rules``: the rule finder's units, located as a feature)."""
    text = fold(text)
    n = len(text)
    rule_tags, g_start, g_end, g_in, suffix_end, cues, subject, subject_verb, pad, classes, cpos = _context(text, rules)
    out = []
    for i in range(n):
        j = i + 3
        c = text[i]
        f: dict[str, str | bool | float] = {
            "bias": 1.0, "c": c, "cls": classes[j],
            "c-1": pad[j - 1], "c-2": pad[j - 2], "c-3": pad[j - 3],
            "c+1": pad[j + 1], "c+2": pad[j + 2], "c+3": pad[j + 3],
            "b-1": pad[j - 1:j + 1], "b+1": pad[j:j + 2], "b-2": pad[j - 2:j], "b+2": pad[j + 1:j + 3],
            "t-1": pad[j - 2:j + 1], "t+1": pad[j:j + 3],
            "cls-1": classes[j - 1], "cls+1": classes[j + 1],
            "cpos": cpos[i],
        }
        if i in subject:
            f["subj"] = subject[i]
            f["subj_v"] = subject_verb[i]
        if rule_tags[i] != "O":
            f["rule"] = rule_tags[i]
            f["rule_role"] = rule_tags[i][2:]
        if i in g_start:
            f["gaz_b"] = True
        if i in g_end:
            f["gaz_e"] = True
        if i in g_in:
            f["gaz_i"] = True
        if i in suffix_end:
            f["suf"] = suffix_end[i]
            f["suf_any"] = True
        if i + 1 in suffix_end:
            f["suf_next"] = True
        for cue in cues.get(i, ()):
            f[cue] = True
        out.append(f)
    return out


# ------------------------------------------------------------------ tagging without building feature dicts

class _Tagger:
    """The trained CRF fed with attribute names instead of a feature dict per character.

    crfsuite reads a feature dict as attribute names (``key:value`` for a string, ``key`` for
    ``True`` and the bias, each of weight 1) and skips the names its model does not know. Here the
    names are made one feature template at a time for all the characters of a text, those the model
    does not know are dropped, and crfsuite gets, per character, the same known names in the same
    order as from :func:`features`: the same scores, the same labels (checked on the corpus texts
    in ``tests/test_units.py``), at a third of the cost.
    """

    def __init__(self, model, data: bytes):
        import struct

        magic, _, _, _, _, _, n_attrs, _, _, off_attrs = struct.unpack_from("<4sI4sIIIIIII", data)
        if magic != b"lCRF":
            raise ValueError("not a crfsuite model")
        attrs = _quarks(data, off_attrs)
        if len(attrs) != n_attrs:
            raise ValueError("inconsistent crfsuite model")
        self.known = frozenset(attrs)
        # template → {value: its attribute name}: a character's names are looked up, never built
        self.by: dict[str, dict[str, str]] = {t: {} for t in _TEMPLATES}
        for a in attrs:
            t, sep, v = a.partition(":")
            if sep and t in self.by:
                self.by[t][v] = a
        self.crf = model.tagger_

    def names(self, text: str, rules: Sequence[tuple[str, str]] = ()) -> list[list[str]]:
        """Per character of ``text``, the names of its known attributes in the order of :func:`features`."""
        text = fold(text)
        n = len(text)
        rule_tags, g_start, g_end, g_in, suffix_end, cues, subject, subject_verb, pad, classes, cpos = _context(text, rules)
        by, known, rng = self.by, self.known, range(n)
        cols = [["bias" if "bias" in known else None] * n, list(map(by["c"].get, text)),
                list(map(by["cls"].get, classes[3:n + 3]))]
        for t, d in (("c-1", -1), ("c-2", -2), ("c-3", -3), ("c+1", 1), ("c+2", 2), ("c+3", 3)):
            cols.append(list(map(by[t].get, pad[3 + d:n + 3 + d])))
        for t, lo, hi in (("b-1", -1, 1), ("b+1", 0, 2), ("b-2", -2, 0), ("b+2", 1, 3), ("t-1", -2, 1), ("t+1", 0, 3)):
            grams = pad[3 + lo:n + 3 + lo]
            for k in range(lo + 1, hi):
                grams = map(add, grams, pad[3 + k:n + 3 + k])
            cols.append(list(map(by[t].get, grams)))
        cols += [list(map(by["cls-1"].get, classes[2:n + 2])), list(map(by["cls+1"].get, classes[4:n + 4])),
                 list(map(by["cpos"].get, cpos))]
        if subject:
            cols.append(list(map(by["subj"].get, map(subject.get, rng))))
            cols.append(list(map(by["subj_v"].get, map(subject_verb.get, rng))))
        if any(t != "O" for t in rule_tags):
            cols.append([by["rule"].get(t) if t != "O" else None for t in rule_tags])
            cols.append([by["rule_role"].get(t[2:]) if t != "O" else None for t in rule_tags])
        # the sparse columns (marks at a few positions) are set where they are, not tested at every character
        for marks, name in ((g_start, "gaz_b"), (g_end, "gaz_e"), (g_in, "gaz_i")):
            if marks and name in known:
                cols.append(_sparse(n, marks, name))
        if suffix_end:
            cols.append(list(map(by["suf"].get, map(suffix_end.get, rng))))
            if "suf_any" in known:
                cols.append(_sparse(n, suffix_end, "suf_any"))
            if "suf_next" in known:
                cols.append(_sparse(n, [i - 1 for i in suffix_end if i >= 1], "suf_next"))
        for k in range(max(map(len, cues.values()), default=0)):  # the k-th cue of each character, in order
            col = [None] * n
            for i, cs in cues.items():
                if len(cs) > k and cs[k] in known:
                    col[i] = cs[k]
            cols.append(col)
        return list(map(list, map(filter, repeat(None), zip(*cols))))

    def tag(self, text: str, rules: Sequence[tuple[str, str]] = ()) -> list[str]:
        return self.crf.tag(self.names(text, rules))


def _sparse(n: int, where, name: str) -> list[str | None]:
    """A column of ``n`` characters holding ``name`` at the positions ``where`` (all within the text) and None elsewhere."""
    col: list[str | None] = [None] * n
    for i in where:
        col[i] = name
    return col


_TEMPLATES = ("c", "cls", "c-1", "c-2", "c-3", "c+1", "c+2", "c+3", "b-1", "b+1", "b-2", "b+2", "t-1", "t+1", "cls-1",
              "cls+1", "cpos", "subj", "subj_v", "rule", "rule_role", "suf")


def _quarks(data: bytes, off: int) -> list[str]:
    """The strings of a crfsuite CQDB chunk (labels or attributes), by id."""
    import struct

    chunk, _, _, _, size, bwd = struct.unpack_from("<4sIIIII", data, off)
    if chunk != b"CQDB":
        raise ValueError("no CQDB chunk")
    out = []
    for i in range(size):
        (rec,) = struct.unpack_from("<I", data, off + bwd + 4 * i)
        rid, ksize = struct.unpack_from("<II", data, off + rec)
        if rid != i:
            raise ValueError("inconsistent CQDB chunk")
        out.append(data[off + rec + 8:off + rec + 8 + ksize - 1].decode("utf-8"))
    return out


_taggers: dict[int, tuple[object, _Tagger | None]] = {}


def _tagger(model) -> _Tagger | None:
    """The name-fed tagger of a trained CRF (cached per model object), or None when its file cannot be read."""
    hit = _taggers.get(id(model))
    if hit is None or hit[0] is not model:
        try:
            with open(model.modelfile.name, "rb") as fh:
                hit = (model, _Tagger(model, fh.read()))
        except (AttributeError, OSError, TypeError, ValueError, UnicodeDecodeError):
            hit = (model, None)
        _taggers[id(model)] = hit
    return hit[1]


# ------------------------------------------------------------------ labels and decoding


def locate(text: str, names: Sequence[tuple[str, str]]) -> list[str] | None:
    """BIO tags of ``text`` with the gold ``(name, role)`` located (longest first, every free occurrence).

    None when no gold unit could be located though there are some.
    """
    text = fold(text)
    tags = ["O"] * len(text)
    taken = [False] * len(text)
    found = 0
    for name, role in sorted(names, key=lambda nr: (-len(nr[0]), nr[0])):
        name = fold(name)
        if not name:
            continue
        start = text.find(name)
        hit = False
        while start >= 0:
            end = start + len(name)
            if not any(taken[start:end]):
                tags[start] = f"B-{role}"
                for k in range(start + 1, end):
                    tags[k] = f"I-{role}"
                for k in range(start, end):
                    taken[k] = True
                hit = True
            start = text.find(name, end) if LABEL_ALL else -1
        found += hit
    if names and not found:
        return None
    return tags


def decode(text: str, tags: Sequence[str]) -> list[tuple[str, str]]:
    """``(name, role)`` of each tagged span, in order, trailing 等有关部门 dropped, each name once."""
    spans: list[tuple[int, int, list[str]]] = []
    for i, t in enumerate(tags):
        if t == "O":
            continue
        kind, role = t.split("-", 1)
        if kind == "B" or not spans or spans[-1][1] != i:
            spans.append((i, i + 1, [role]))
        else:
            s, _, roles = spans[-1]
            spans[-1] = (s, i + 1, roles + [role])
    out: list[tuple[str, str]] = []
    seen: set[str] = set()
    for s, e, roles in spans:
        name = _TRAILING_ETC.sub("", text[s:e].strip(" \t,，、;；。:：")).strip()
        if len(name) < 2 or norm(name) in seen:
            continue
        seen.add(norm(name))
        role = max(ROLES, key=lambda r: (roles.count(r), r == roles[0]))
        out.append((name, role))
    return out


def predict(model, text: str, rules: Sequence[tuple[str, str]] = ()) -> list[tuple[str, str]]:
    """The actors ``(name, role)`` the model finds in ``text`` (``rules``: what the rule finder found there)."""
    if not text:
        return []
    tagger = _tagger(model)
    tags = tagger.tag(text, rules) if tagger is not None else model.predict_single(features(text, rules))
    return _finish(decode(text, tags))


def combine(mode: str, rules: list[tuple[str, str]], model: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The units of ``mode``: rules, model, union (rule names, then model names not among them), model_or_rules,
    or model_union (model names, then rule names not among them: the model's span and role win where both name one)."""
    if mode == "rules":
        return list(rules)
    if mode == "model":
        return list(model)
    if mode == "model_or_rules":
        return list(model) if model else list(rules)
    first, then = (model, rules) if mode == "model_union" else (rules, model)
    out = list(first)
    have = [norm(n) for n, _ in first]
    for n, r in then:
        k = norm(n)
        if not any(k == h or k in h or h in k for h in have):
            out.append((n, r))
            have.append(k)
    return out


# ------------------------------------------------------------------ trainer protocol


def _running_text(task: dict) -> bool:
    """A gold task whose every unit is written in its own text (or that has none)."""
    text = fold(task.get("text") or "")
    return all(fold(u.get("name") or "") in text for u in task.get("units") or [])


def examples(doc, gold: dict, group: str) -> list[dict]:
    """One example per running-text gold task: its text, BIO tags, gold units and the rules' units."""
    if _rules is None:  # the model is used with the rules' units as features: never train it without them
        raise RuntimeError("no rule finder registered: import pipeline.extraction.units before taking examples")
    out = []
    for t in gold.get("tasks") or []:
        text = t.get("text") or ""
        if not text.strip() or not _running_text(t):
            continue
        units = [(u["name"], u.get("role") or "responsible") for u in t.get("units") or [] if u.get("name")]
        tags = locate(text, units)
        if tags is None:
            continue
        out.append({"text": text, "tags": tags, "gold": units, "group": group,
                    "rules": list(_rules(text))})
    return out


def _new_crf():
    import sklearn_crfsuite

    return sklearn_crfsuite.CRF(algorithm="lbfgs", c1=C1, c2=C2, max_iterations=ITERATIONS,
                                all_possible_transitions=True)


def _fit_crf(xs: Sequence[list[dict]], ys: Sequence[list[str]]):
    crf = _new_crf()
    crf.fit(list(xs), list(ys))
    crf.training_log_ = None  # timings: not part of the model
    return crf


def units_match(pred: str, gold: str) -> bool:
    """SPEC §7 name match: equal names, or the prediction's canonical is the gold name (normalised)."""
    g = norm(gold)
    return norm(pred) == g or norm(canonical(pred)) == g


def score(pairs: Sequence[tuple[list[tuple[str, str]], list[tuple[str, str]]]],
          match: Callable[[str, str], bool] = units_match) -> dict:
    """Pooled P/R/F1 and role accuracy over ``(predicted, gold)`` unit lists (each gold unit takes the first match)."""
    tp = n_pred = n_gold = role_ok = 0
    for preds, golds in pairs:
        n_pred += len(preds)
        n_gold += len(golds)
        used: set[int] = set()
        for gname, grole in golds:
            for i, (pname, prole) in enumerate(preds):
                if i not in used and match(pname, gname):
                    used.add(i)
                    tp += 1
                    role_ok += prole == grole
                    break
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    return {"p": round(p, 4), "r": round(r, 4), "f1": round(f1, 4),
            "role_acc": round(role_ok / tp, 4) if tp else 0.0, "tp": tp, "pred": n_pred, "gold": n_gold}


def out_of_fold(exs: Sequence[dict], folds: int = FOLDS) -> list[list[tuple[str, str]]]:
    """The model's units for every example, each predicted by a model that did not see its document."""
    from sklearn.model_selection import GroupKFold

    groups = [e["group"] for e in exs]
    k = min(folds, len(set(groups)))
    preds: list[list[tuple[str, str]]] = [[] for _ in exs]
    if k < 2:
        return preds
    xs = [features(e["text"], e["rules"]) for e in exs]
    for train_idx, test_idx in GroupKFold(n_splits=k).split(exs, groups=groups):
        crf = _fit_crf([xs[i] for i in train_idx], [exs[i]["tags"] for i in train_idx])
        for i in test_idx:
            preds[i] = _finish(decode(exs[i]["text"], crf.predict_single(xs[i])))
    return preds


def _is_dev(e: dict) -> bool:
    return e["group"].startswith("dev/")


def _part_of(e: dict) -> str:
    """The corpus part of an example's document: dev, heldout (the first-run sets, heldout*/), train16 (train16*/)."""
    g = e["group"]
    return "dev" if g.startswith("dev/") else "heldout" if g.startswith("heldout") else \
        "train16" if g.startswith("train16") else "older"


# the parts the CV is reported on: `rest` is every part but dev (as the card has always shown it); heldout and
# train16 are the sets annotated after the rules were written, part of `rest`
_PARTS = (("all", lambda e: True), ("dev", _is_dev), ("rest", lambda e: not _is_dev(e)),
          ("heldout", lambda e: _part_of(e) == "heldout"), ("train16", lambda e: _part_of(e) == "train16"))


def fit(exs: list, cv: bool = True) -> tuple[object, dict]:
    """The CRF on every example; with ``cv`` the grouped CV that scores it and chooses the mode
    (without it, inside another cross-validation's fold, the mode is :data:`FOLD_MODE`: the one the last CV chose)."""
    exs = sorted(exs, key=lambda e: (e["group"], e["text"]))
    if not exs:
        return None, {"mode": "rules", "note": "no examples"}
    if not cv:
        crf = _fit_crf([features(e["text"], e["rules"]) for e in exs], [e["tags"] for e in exs])
        return crf, {"mode": FOLD_MODE, "tasks": len(exs), "documents_with_tasks": len({e["group"] for e in exs}),
                     "estimator": f"sklearn-crfsuite CRF lbfgs c1={C1} c2={C2} max_iterations={ITERATIONS}"}
    oof = out_of_fold(exs)
    cv: dict[str, dict] = {}
    for mode in MODES:
        for part, keep in _PARTS:
            pairs = [(combine(mode, e["rules"], p), e["gold"]) for e, p in zip(exs, oof) if keep(e)]
            cv[f"{mode}/{part}"] = score(pairs)
    best = max(CHOOSABLE, key=lambda m: (cv[f"{m}/all"]["f1"], m == "rules"))
    crf = _fit_crf([features(e["text"], e["rules"]) for e in exs], [e["tags"] for e in exs])
    meta = {
        "mode": best,
        "cv_units_f1": cv[f"{best}/all"]["f1"], "cv_role_acc": cv[f"{best}/all"]["role_acc"],
        "cv_units_f1_rules": cv["rules/all"]["f1"], "cv_role_acc_rules": cv["rules/all"]["role_acc"],
        "cv_units_f1_dev": cv[f"{best}/dev"]["f1"], "cv_units_f1_rules_dev": cv["rules/dev"]["f1"],
        "cv": cv, "folds": FOLDS, "grouped_by": "document (source group)",
        "tasks": len(exs), "documents_with_tasks": len({e["group"] for e in exs}),
        "estimator": f"sklearn-crfsuite CRF lbfgs c1={C1} c2={C2} max_iterations={ITERATIONS}",
    }
    return crf, meta


def card(meta: dict) -> str:
    cv = meta.get("cv", {})
    rows = []
    for mode in MODES:
        cells = []
        for part in ("all", "dev", "rest", "heldout", "train16"):
            s = cv.get(f"{mode}/{part}")
            cells.append(f"{s['f1']:.3f} (P {s['p']:.3f} R {s['r']:.3f}) / {s['role_acc']:.3f}" if s else "—")
        rows.append(f"| {mode} | " + " | ".join(cells) + " |")
    return f"""# units: actors of a directive in running text

**What it does.** Tags, character by character, the organisations that a task's own
words name as its actors (电力企业要…, 由X牵头, X会同Y, 请各单位…), with their roles
(BIO tags: lead / support / responsible). Used by `pipeline/extraction/units.py` for
tasks that no unit parenthetical, 责任单位 line or table column closes, in mode
**{meta.get('mode')}** (of the modes below, the one that scored best in cross-validation).

**Data.** The gold tasks of the corpus whose every unit is written in the task's
text, or that have none ({meta.get("tasks")} tasks of {meta.get("documents_with_tasks")} source groups):
gold unit names located in the text; units that cannot be located are skipped.

**Features.** The character, its neighbours (±3), bigrams and trigrams, character
classes, place in the clause, gazetteer names (`pipeline/data/unit_aliases.tsv`)
starting/ending/covering it, organisation suffixes ending there, cue words that
follow (要 负责 牵头 配合 会同 应当 须 …) and precede (督促 推动 指导 由 请 组织 …).

**Estimator.** {meta.get('estimator')}; deterministic (L-BFGS, sorted examples).

**Held-out scores.** {meta.get('folds')}-fold cross-validation grouped by document:
within-task unit F1 (P, R) / role accuracy on matched units, names matched as in
SPEC §7 (equal, or the alias table's canonical equals the gold name). `dev` is
corpora/dev (76 documents nobody tuned the rules on), `rest` every other part; `heldout` (corpora/heldout*/, the
first-run sets) and `train16` (corpora/train16*/) are parts of `rest`.

| mode | all | dev | rest | heldout | train16 |
|---|---|---|---|---|---|
{chr(10).join(rows)}

`rules` is the rule finder alone (`rule_actors` of pipeline/extraction/units.py), `model`
the CRF alone, `union` the rule names plus the model names the rules lack,
`model_or_rules` the model's names, or the rules' where the model finds none, `model_union` the
model names plus the rule names the model lacks (the model's span and role win where both name one unit).
Where the recogniser's span runs on into what the unit does (市政府挂牌督办) or takes in a time at its head
(防火期内镇…办公室), `model_names` of pipeline/extraction/units.py cuts it to the name, in this CV as in extraction.

Units that are not in the task's words at all — a duty line's label (`县教育局：负责…`) or the heading of the list a
task is an item of (`一、县应急局` over `(1)… (2)…`) — are attached after the tasks are cut
(`heading_units`, a rule on the document's layout); they are not part of this model or of its CV.

**Limits.** Trained on {meta.get('tasks')} task texts; names that never occur in
training and carry no suffix or cue are missed. The rules' figures on `rest` are
partly fit (they were tuned on those documents); `dev` is the fair comparison.
"""
