"""Canonical unit names, unit kind and level (SPEC §4).

The order of :meth:`Gazetteer.canonical`:

1. the alias gazetteer (``pipeline/data/unit_aliases.tsv``) on the written name;
2. masks dropped (``XX区应急管理局`` → ``区应急管理局``, ``市公安局X分局`` → ``市公安局分局``), then the gazetteer;
3. a level prefix (省/市/区/县/镇/乡/街道) split off and the rest looked up as a core (``区应急局`` →
   区 + 应急管理局); a real place name before the level dropped when the rest is a known unit
   (``龙陵县应急管理局`` → ``县应急管理局``);
4. abbreviations inside the name expanded (``pipeline/data/unit_abbreviations.tsv``:
   ``区安委会各有关成员单位`` → ``区安全生产委员会各有关成员单位``), then steps 1–3 again;
5. fuzzy matching (rapidfuzz) of the name without its level against the gazetteer's canonical names at
   the same level, for variants (``县防汛指部成员单位``); never for collective units, never when the name
   or its core is itself in the gazetteer (two names the gazetteer keeps apart stay apart), only when
   one name's characters are a subsequence of the other's, and only for a unique best candidate. The
   threshold :data:`FUZZY_THRESHOLD` was measured on the gold units (``python -m
   pipeline.normalise.threshold``).

Otherwise the canonical is the (mask-dropped, abbreviation-expanded) written name.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

from ..script import t2s

#: the fuzzy-match threshold (rapidfuzz ``fuzz.ratio`` / 100 of the names without level prefix), measured
#: by ``python -m pipeline.normalise.threshold``: the strictest threshold that keeps every right merge on
#: the gold units (each without its own gazetteer rows) while no merge is wrong (see that module).
FUZZY_THRESHOLD = 0.5
#: a fuzzy candidate must beat the next different canonical by this much
FUZZY_MARGIN = 0.05

# 州 (a prefecture, at the level of a city) and 旗 (a banner, at the level of a county) are levels too
_LEVEL_PREFIX = re.compile(r"^(省|市|州|区|县|旗|镇|乡|街道)(?=.)")
_MASK = re.compile(r"[Xx×*＊]+|某{1,3}|○{2,}")
# a real place name before a level character: 龙陵县应急管理局, 屯溪区安委会办公室, 安康市安全生产委员会办公室
# (a park's kind is no place: 开发区, 高新区, 工业园区, 经济技术开发区, 保税区 … keep their words)
_PLACE = re.compile(r"^(?!各|全|有关|相关|所在|其他)(?!(?:经济技术|经济|高新技术产业|高新技术)?开发区|高新区|工业园?区|"
                    r"产业园区|保税区|新区|示范区|试验区|园区|集中区)"
                    r"(?P<place>(?:(?![省市区县镇乡级])[\u4e00-\u9fff]){2,6}?)"
                    r"(?P<level>省|市|州|区|县|旗|镇|乡|街道)(?P<rest>.{2,})$")
_BRACKETS = str.maketrans({"（": "(", "）": ")", "〈": "(", "〉": ")", "<": "(", ">": ")", "【": "(", "】": ")",
                           "，": ","})
_TRAILING_PAREN = re.compile(r"^(.{2,}?)\([^()]{2,}\)$")
# characters that make another organisation when left out of a name (生态环境局 ≠ 生态环境分局)
ORG_MARKS = set("局委办部队所站厅处科室会组院中心分总支")
# words an abbreviation leaves out whole (应急局 for 应急管理局)
FILLERS = {"管理", "监督管理", "监督"}
PRONOUNS = re.compile(r"^(?:我|本)(?P<head>局|办|委|队|部|厅|站|所|中心|镇|街道|乡|区|县|市|院)$")
# a park's committee named by its kind alone (管委会, 园区管委会, 开发区管委会): the issuer, where the issuer is it
_OWN_COMMITTEE = re.compile(r"^(?P<park>(?:化工|工业)?园区|(?:经济)?开发区|经开区|高新区|新区|)管委会$")
# a body named by its level and head alone (市局, 县局, 省厅): the issuer, where the issuer is that body
LEVEL_HEAD = re.compile(r"^(?P<level>省|市|州|县|区)?(?P<head>局|厅|委)(?P<rest>(?:[^局厅委]{1,12}(?:科|处|室|股|队|支队|总队|大队|中心))?)$")


_SPACES = re.compile(r"\s+")


@lru_cache(maxsize=16384)  # a document asks about each of its unit names about ten times (resolve, kind, level …)
def clean_name(name: str) -> str:
    """Full-width to half-width, brackets unified, spaces removed: the form names are compared in."""
    s = unicodedata.normalize("NFKC", name or "").translate(_BRACKETS)
    return _SPACES.sub("", s).strip(" ,、;")


def drop_masks(name: str) -> str:
    """``XX区应急管理局`` → ``区应急管理局``; ``XX公安分局`` → ``公安分局``; ``市公安局X分局`` → ``市公安局分局``."""
    out = _MASK.sub("", name)
    return out if len(out) >= 2 else name


def split_level(name: str) -> tuple[str, str]:
    """(level prefix as written, rest): ``区应急局`` → (区, 应急局); ``应急局`` → ('', 应急局)."""
    m = _LEVEL_PREFIX.match(name)
    if m and not name.startswith(("市场", "区域", "县区", "市级", "区级", "县级", "乡镇", "镇街", "旗帜", "州市")):
        return m.group(1), name[m.end():]
    return "", name


def level_of(prefix: str) -> str | None:
    return {"乡": "镇", "街道": "镇", "州": "市", "旗": "县"}.get(prefix, prefix) or None


def _data(name: str) -> str:
    return (resources.files("pipeline") / "data" / name).read_text("utf-8")


def _rows(text: str) -> list[list[str]]:
    out = []
    for row in csv.reader(text.splitlines(), delimiter="\t"):
        if row and row[0] and not row[0].startswith("#") and len(row) >= 2:
            out.append([c.strip() for c in row])
    return out


@lru_cache(maxsize=4096)
def _t2s(name: str) -> str:
    """``name`` in simplified script (OpenCC t2s; the cleaner converts a document's text the same way)."""
    return name if name.isascii() else t2s()(name)


def is_subsequence(short: str, long: str) -> bool:
    it = iter(long)
    return all(c in it for c in short)


def _left_out(short: str, long: str) -> list[str]:
    """The runs of ``long`` left out when ``short`` is matched in it as a subsequence (greedy, from the left)."""
    blocks, cur, i = [], [], 0
    for c in long:
        if i < len(short) and c == short[i]:
            i += 1
            if cur:
                blocks.append("".join(cur))
                cur = []
        else:
            cur.append(c)
    if cur:
        blocks.append("".join(cur))
    return blocks


@dataclass
class Gazetteer:
    """Alias table, abbreviation fragments and kind rules; ``canonical(name)`` maps a written name."""

    aliases: dict[str, str]
    fragments: list[tuple[str, str]] = field(default_factory=list)
    kinds: list[tuple[str, str, str]] = field(default_factory=list)  # (kind, where, text)
    # abbreviation -> characters that may not stand right before it (防办 is no 防汛办 in 人防办, 消防办, 边防办)
    not_after: dict[str, str] = field(default_factory=dict)
    threshold: float = FUZZY_THRESHOLD
    margin: float = FUZZY_MARGIN

    def __post_init__(self) -> None:
        self._kinds: dict[str, str] = {}
        self.aliases = {clean_name(k): clean_name(v) for k, v in self.aliases.items()}
        self.known = set(self.aliases) | set(self.aliases.values())
        self.fragments = sorted(self.fragments, key=lambda fe: -len(fe[0]))
        # fuzzy candidates: canonical names split into (level, core)
        self._cands: dict[str, list[str]] = {}
        for c in sorted(set(self.aliases.values())):
            lv, core = split_level(c)
            if self.kind(c) == "collective" or len(core) < 2:
                continue
            self._cands.setdefault(lv, []).append(core)
        self._cache: dict[str, tuple[str, str]] = {}

    # -- loading ------------------------------------------------------------
    @classmethod
    def load(cls, **kw) -> Gazetteer:
        aliases = {r[0]: r[1] for r in _rows(_data("unit_aliases.tsv"))}
        rows = _rows(_data("unit_abbreviations.tsv"))
        fragments = [(r[0], r[1]) for r in rows]
        not_after = {r[0]: r[2] for r in rows if len(r) >= 3 and r[2]}
        kinds = [(r[0], r[1], r[2]) for r in _rows(_data("unit_kinds.tsv")) if len(r) >= 3]
        return cls(aliases, fragments, kinds, not_after=not_after, **kw)

    def without(self, names: set[str]) -> Gazetteer:
        """A copy without the alias rows whose written form is in ``names`` (for leave-one-out measurement)."""
        return Gazetteer({k: v for k, v in self.aliases.items() if k not in names}, self.fragments, self.kinds,
                         self.threshold, self.margin, self.not_after)

    # -- canonical names ----------------------------------------------------
    def canonical(self, name: str) -> str:
        """The canonical name of a written unit name (no document context)."""
        return self.resolve(name)[0]

    def resolve(self, name: str) -> tuple[str, str]:
        """(canonical, how) where how is alias | mask | core | place | expand | fuzzy | written."""
        key = clean_name(name)
        hit = self._cache.get(key)
        if hit is None:
            hit = self._resolve(key)
            self._cache[key] = hit
        return hit

    def _lookup(self, name: str) -> tuple[str, str] | None:
        if name in self.aliases:
            return self.aliases[name], "alias"
        lv, core = split_level(name)
        if lv and core in self.aliases:
            target = self.aliases[core]
            return (target if split_level(target)[0] else lv + target), "core"
        m = _PLACE.match(name)
        if m and not lv:
            rest = m.group("level") + m.group("rest")
            if rest in self.aliases and self.kind(self.aliases[rest]) not in ("collective", "township/street"):
                return self.aliases[rest], "place"
            lv2, core2 = split_level(rest)
            if lv2 and core2 in self.aliases and \
                    self.kind(self.aliases[core2]) not in ("collective", "township/street"):
                return lv2 + self.aliases[core2], "place"
        return None

    def expand(self, name: str) -> str:
        """Abbreviations inside the name expanded, except where the expansion is already written."""
        for abbr, full in self.fragments:
            if abbr not in name:
                continue
            covered = set()
            for m in re.finditer(re.escape(full), name):
                covered.update(range(m.start(), m.end()))
            out, i = [], 0
            barred = self.not_after.get(abbr, "")
            while i < len(name):
                if name.startswith(abbr, i) and not covered.intersection(range(i, i + len(abbr))) \
                        and not (i and name[i - 1] in barred) \
                        and not (abbr.endswith("办") and name.startswith("公室", i + len(abbr))):  # 防指办公室 is written
                    out.append(full)
                    i += len(abbr)
                else:
                    out.append(name[i])
                    i += 1
            name = "".join(out)
        return name

    def _resolve(self, key: str) -> tuple[str, str]:
        if not key:
            return key, "written"
        simple = _t2s(key)
        if simple != key:  # a name in traditional script (縣安委辦): looked up in the simplified script of the tables
            return self._resolve(simple)
        hit = self._lookup(key)
        if hit:
            return hit
        m = _TRAILING_PAREN.match(key)  # 市安委办(工作专班办公室): the name before its gloss
        if m:
            hit = self._lookup(m.group(1)) or self._lookup(drop_masks(m.group(1)))
            if hit:
                return hit[0], hit[1]
        unmasked = drop_masks(key)
        if unmasked != key:
            hit = self._lookup(unmasked)
            if hit:
                return hit[0], "mask"
        expanded = self.expand(unmasked)
        if expanded != unmasked:
            hit = self._lookup(expanded)
            if hit:
                return hit[0], "expand"
        fuzzy = self.fuzzy(expanded)
        if fuzzy:
            return fuzzy, "fuzzy"
        return expanded, ("expand" if expanded != unmasked else "mask" if unmasked != key else "written")

    def fuzzy_candidates(self, name: str, gated: bool = True) -> list[tuple[float, str]]:
        """(score, canonical) of the allowed fuzzy candidates, best first (score = ratio of the cores, 0–1).

        A candidate is allowed when the name, without its level, reads as an abbreviation of it: same level,
        same first and last character, the name's characters a subsequence of the candidate's, and the
        left-out characters neither an organisation's head (局, 委, 办 …, 分) nor one whole word appended
        (农业农村局 is not 农业农村水务局): they fall in two or more places, or are a known filler (管理).
        """
        from rapidfuzz import fuzz

        if self.kind(name) == "collective":
            return []
        lv, core = split_level(name)
        if len(core) < 2 or core in self.known or name in self.known:
            return []
        out = []
        for cand in self._cands.get(lv, []):
            if not gated:  # for the measurement only: rapidfuzz alone
                if cand != core:
                    out.append((fuzz.ratio(core, cand) / 100.0, lv + cand))
                continue
            if len(cand) <= len(core) or cand[0] != core[0] or cand[-1] != core[-1]:
                continue
            if not is_subsequence(core, cand):
                continue
            blocks = _left_out(core, cand)
            if ORG_MARKS & set("".join(blocks)):
                continue
            if len(blocks) < 2 and blocks[0] not in FILLERS:
                continue
            out.append((fuzz.ratio(core, cand) / 100.0, lv + cand))
        out.sort(key=lambda sc: (-sc[0], sc[1]))
        return out

    def fuzzy(self, name: str, threshold: float | None = None, gated: bool = True) -> str | None:
        """The canonical a name not in the gazetteer is a variant of, or None."""
        t = self.threshold if threshold is None else threshold
        cands = self.fuzzy_candidates(name, gated)
        if not cands or cands[0][0] < t:
            return None
        best, target = cands[0]
        rivals = [s for s, c in cands[1:] if c != target]
        if rivals and best - rivals[0] < self.margin:
            return None  # two gazetteer units about as close: merge with neither
        return target

    # -- kind and level -----------------------------------------------------
    def kind(self, canonical: str) -> str:
        """department | committee | government | township/street | enterprise | collective (unit_kinds.tsv)."""
        name = clean_name(canonical)
        if name not in self._kinds:
            self._kinds[name] = self._kind(name)
        return self._kinds[name]

    def _kind(self, name: str) -> str:
        best, best_len = None, -1
        for kind, where, text in self.kinds:
            if where == "name" and name == text:
                return kind
        for kind, where, text in self.kinds:
            if where == "prefix" and name.startswith(text) and kind == "collective":
                return kind
        for kind, where, text in self.kinds:
            ok = (where == "suffix" and name.endswith(text)) or (where == "prefix" and name.startswith(text))
            if ok and len(text) > best_len:
                best, best_len = kind, len(text)
        return best or "department"


def unit_level(canonical: str, kind: str, doc_level: str | None) -> str | None:
    """市/区/县/镇 (or 省) of a unit: its own prefix, else the document's level."""
    name = clean_name(canonical)
    lv, _ = split_level(name)
    if name.startswith(("市公安局", "市生态环境局", "市自然资源和规划局")) and "分局" in name and doc_level in ("区", "县"):
        return doc_level  # a city bureau's branch serves the district
    if lv:
        return level_of(lv)
    m = re.match(r"^(?:各|全)?(?:级各)?(乡镇|乡|镇|街道|村|社区)", name)
    if m or kind == "township/street" and re.search(r"(?:镇|乡|街道|街道办事处)$", name):
        return "镇"
    m = re.match(r"^(?:共青团|团|全|各)(区|县|市)", name)
    if m:
        return m.group(1)
    m = re.match(r"^(区|县|市|镇)级", name)
    if m:
        return m.group(1)
    return doc_level


_SELF_LEVEL = re.compile(r"(?:全|我|本)(区|县|市|镇|乡|街道)")
_ORG_LEVEL = re.compile(r"(?<![乡镇各全])(省|市|区|县|镇|乡)(?:委|政府|人民政府|安委会|安委办|安全生产委员会|应急局|应急管理局|安监局)")


def document_level(issuer: str | None, title: str | None, text: str, unit_names: list[str] = ()) -> str | None:
    """The level of the issuing government (省/市/区/县/镇): the issuer's; else the level most of the
    document's units carry in their names (区应急局, 区安委办: a plan assigns work at its own level); else
    the title's (全区, 区安委会…); else the one the text names most (全县, 我区, 县政府, 县安委办 …)."""
    from collections import Counter

    if issuer:
        lv, _ = split_level(drop_masks(clean_name(issuer)))
        m = re.search(r"(省|市|区|县|镇|乡|街道)(?=[^省市区县镇乡]{0,14}(?:委员会|政府|局|办公室|委|厅|队|办事处)$)",
                      drop_masks(clean_name(issuer)))
        if lv or m:
            return level_of(lv or m.group(1))
    named = Counter(level_of(lv) for lv in (split_level(drop_masks(clean_name(n)))[0] for n in unit_names)
                    if lv and lv not in ("镇", "乡", "街道"))
    if named:
        return named.most_common(1)[0][0]
    for s in (title, text[:20000]):
        if not s:
            continue
        counts = Counter({lv: 3 * n for lv, n in Counter(level_of(x) for x in _SELF_LEVEL.findall(s)).items()})
        counts.update(level_of(x) for x in _ORG_LEVEL.findall(s))
        if counts:
            return counts.most_common(1)[0][0]
    return None


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    """The package gazetteer (loaded once)."""
    return Gazetteer.load()


def canonical(name: str) -> str:
    """The canonical name of ``name`` by the package gazetteer (no document context).

    >>> canonical("XX区应急管理局"), canonical("区应急局"), canonical("区水利和湖泊局")
    ('区应急管理局', '区应急管理局', '区水利和湖泊局')
    """
    return gazetteer().canonical(name)


def resolve_pronoun(name: str, issuer: str | None) -> str | None:
    """``我局`` / ``我办`` / ``本局`` → the issuer's canonical name when the issuer is that kind of body; ``市局`` /
    ``县局`` / ``省厅`` → the issuer's when the issuer is a body of that level and head (a city bureau's own 市局);
    ``管委会`` / ``园区管委会`` → the issuer's when the issuer is a park's 管理委员会 of that kind."""
    m = PRONOUNS.match(clean_name(name))
    park = _OWN_COMMITTEE.match(clean_name(name))
    if park and issuer:
        # 管委会, 园区管委会 in a park committee's own document: the committee that issues it (淮澄经济开发区管理委员会)
        iss = gazetteer().canonical(issuer)
        return iss if iss.endswith("管理委员会") and park.group("park") in iss else None
    if issuer and (lh := LEVEL_HEAD.match(clean_name(name))) and (lh.group("level") or lh.group("rest")):
        # 市局, 县局, 省厅; and an office of it: 市局执法支队, 厅安全生产执法总队 (the issuing bureau's own)
        iss = gazetteer().canonical(issuer)
        same_level = split_level(iss)[0] == lh.group("level") if lh.group("level") else bool(split_level(iss)[0])
        if not (same_level and iss.endswith(lh.group("head"))):
            return None
        rest = lh.group("rest")
        return iss + (gazetteer().expand(rest) if rest else "")
    if not m or not issuer:
        return None
    iss = gazetteer().canonical(issuer)
    head = m.group("head")
    if iss.endswith(head) or (head == "办" and iss.endswith(("办公室", "办事处"))) or (head == "委" and iss.endswith("委员会")):
        return iss
    return None


# -- the document's own names -----------------------------------------------------------------------------
# the head of a body whose name an abbreviation shortens, and the offices and member collectives after it
_BODY_HEAD = re.compile(r"指挥部|委员会")
_HAN = r"[\u4e00-\u9fff]"


def _abbreviation(name: str, rest: str) -> str:
    """The abbreviated body in a written name: 县防指各成员单位 → 防指 (no level, place, collective or bracket
    before it, and not the office or members after it)."""
    core = re.split(r"[省市区县镇乡)）]", clean_name(name))[-1]
    if rest and core.endswith(rest):
        return core[:-len(rest)]
    if rest.startswith("办公室") and core.endswith("办"):  # 防办, 森防办: the body's abbreviation and 办 for its office
        return core[:-1]
    return core


class _BodyForms:
    """:func:`body_forms`'s matcher: ``finditer`` as the compiled pattern of one ``first`` character would give."""

    __slots__ = ("first", "rx")

    def __init__(self, first: str, rx: re.Pattern):
        self.first, self.rx = first, rx

    def finditer(self, text: str) -> Iterator[re.Match]:
        first, match = self.first, self.rx.match
        i = text.find(first)
        while i >= 0:
            m = match(text, i)
            if m is None:
                i = text.find(first, i + 1)
            else:
                yield m
                i = text.find(first, m.end())


@lru_cache(maxsize=None)
def _body_tail(head: str) -> re.Pattern:
    """The pattern of :func:`body_forms` with any one character for ``first``: matched only where ``first`` stands.
    One per head (指挥部, 委员会): compiling a pattern per first character cost about 3 ms each (its Han classes), paid
    by every new abbreviation a process meets."""
    return re.compile(rf".(?:(?<=[省市区县镇乡各].)|(?<![{_HAN[1:-1]})）].)){_HAN}{{0,10}}?{head}", re.S)


def body_forms(first: str, head: str) -> _BodyForms:
    """The written forms of a body whose abbreviation starts with ``first`` and whose name ends in ``head``:
    ``first``, then at most ten Han characters, then ``head``, where ``first`` follows a level (省市区县镇乡), 各, or
    anything but a Han character or a closing bracket (not a body named inside a longer name).

    ``finditer`` jumps from one ``first`` to the next (``str.find``) and matches the head's pattern there, whose
    lookbehinds look back over ``first``: the matches of ``re.compile(rf"{first}(?:(?<=[省市区县镇乡各]{first})|
    (?<![HAN)）]{first})){HAN}{{0,10}}?{head}").finditer`` (tests/test_speed_paths.py), without a pattern compiled
    per first character; written with the lookbehinds before ``first``, every position of the text was tried (the
    same matches, ten times slower on a long document)."""
    if len(first) != 1:
        raise ValueError("body_forms takes the abbreviation's first character")
    return _BodyForms(first, _body_tail(head))


def document_form(name: str, canon: str, text: str) -> str:
    """``canon`` with its body named as the document itself names it in full, where the written ``name``
    abbreviates it (SPEC §4: the standard full name within its own jurisdiction).

    The gazetteer expands 防指 to the usual 防汛抗旱指挥部; a document that writes 临湾市防汛防台抗旱指挥部 and then
    市防指 means its own body: 市防汛防台抗旱指挥部. The document's forms are its names that start with the
    abbreviation's first character, end in the gazetteer's head (指挥部, 委员会) and hold the abbreviation's
    characters in order, and are a fuller or shorter form of the gazetteer's (防汛防台抗旱指挥部, 防汛指挥部 for
    防汛抗旱指挥部); the one it writes most often wins. Where the document writes the gazetteer's form itself, or
    the name is written in full, nothing changes. An office or member collective after the head is kept
    (…指挥部办公室, …指挥部各成员单位).
    """
    m = None
    for m in _BODY_HEAD.finditer(canon):
        pass
    if m is None:
        return canon
    head, rest = m.group(), canon[m.end():]
    body_start = max(canon.rfind(c, 0, m.start()) for c in "省市区县镇乡)）") + 1
    stem = canon[body_start:m.end()]
    abbr = _abbreviation(name, rest)
    if len(stem) < 4 or stem in clean_name(name) or not abbr or head in abbr:
        return canon  # written in full, or not an abbreviation of a body
    if stem in text:
        return canon  # the document writes the gazetteer's form: the abbreviation means that body
    counts: dict[str, int] = {}
    # a whole name: after a level (临湾市防汛防台抗旱指挥部), 各 or the start of a phrase; not a
    # specialised body named inside a longer name (城镇燃气安全生产专业委员会)
    for f in body_forms(abbr[0], head).finditer(text):
        form = f.group()
        if is_subsequence(abbr, form) and form[:2] == stem[:2] and \
                (is_subsequence(stem, form) or is_subsequence(form, stem)):
            counts[form] = counts.get(form, 0) + 1
    if not counts:
        return canon
    best = max(counts, key=lambda f: (counts[f], f == stem, len(f)))
    return canon[:body_start] + best + rest


# a place and its level in the document's own names (its title, issuer or signer): 汝阳市, 安澜区, 青石镇
_OWN_PLACE = re.compile(r"[\u4e00-\u9fff]{2,6}?(?:省|市|州|区|县|旗|镇|乡|街道)")


def other_place(name: str, canon: str, how: str, own: str) -> str:
    """``canon`` with the written place kept where it is not the document's own (SPEC §4 drops a *repeated* place):
    a city's notice that names 城东区住建局 means that district's bureau, 城东区住房和城乡建设局, while 安澜区应急管理局 in
    安澜区's own news is 区应急管理局. ``how`` is how the gazetteer resolved the name (only a dropped place, ``place``,
    is restored); ``own`` holds the document's own names (title, issuer, signer). Where they name no place at all,
    the place stays dropped."""
    if how != "place" or not _OWN_PLACE.search(own):
        return canon
    m = _PLACE.match(drop_masks(clean_name(name)))
    if not m or m.group("place") in own or not canon.startswith(m.group("level")):
        return canon
    return m.group("place") + canon


# a bare member collective (各成员单位) and the written forms that say whose members they are (市防指各成员单位)
MEMBERS = re.compile(r"^(?P<each>各|全体)?成员单位$")
_MEMBER_FORM = re.compile(r"(?P<body>[\u4e00-\u9fff（）()]{1,24}?(?:指挥部|委员会|安委会|防指|森防指|减灾委|消安委|领导小组|联席会议))"
                          r"(?:各|全体)?成员单位")
_BODY = re.compile(r"(?:指挥部|委员会|领导小组|联席会议)$")


def resolve_members(name: str, text: str, issuer: str | None) -> str | None:
    """The body whose members a bare ``各成员单位`` are: the one the document names most with its members
    (``市森林草原防灭火指挥部各成员单位``, ``市防指各成员单位``), else the issuing body when it is one (a 防指's own
    minutes), canonical, with the members after it; else None."""
    m = MEMBERS.match(clean_name(name))
    if not m:
        return None
    gaz = gazetteer()
    counts: dict[str, int] = {}
    for f in _MEMBER_FORM.finditer(text[:20000]):
        body = gaz.canonical(f.group("body"))
        if _BODY.search(body):
            counts[body] = counts.get(body, 0) + 1
    if counts:
        best = sorted(counts, key=lambda b: -counts[b])
        if len(best) > 1 and counts[best[0]] == counts[best[1]]:
            return None  # two bodies named as often: not known whose
        body = best[0]
    elif issuer and _BODY.search(gaz.canonical(issuer)):
        body = gaz.canonical(issuer)
    else:
        return None
    return body + ("各" if m.group("each") == "各" else "全体" if m.group("each") else "") + "成员单位"


# an organisation's name alone on a line (a letterhead or a signature): a body's head at its end, no punctuation
_ORG_LINE = re.compile(r"^[\u4e00-\u9fff（）()]{4,30}?(?:局|委员会|人民政府|政府|办公室|厅|委|队|中心|指挥部|管理处|办事处)$")
_DATE_LINE = re.compile(r"^[（(]?(?:\d{4}|[〇○零一二三四五六七八九]{4})\s*年.{1,8}日[)）]?$")


def document_signer(text: str) -> str | None:
    """The body that signs the document when the title names none: the name over the date line at its end
    (``鹭州市交通运输局`` then ``2022年6月21日``), else a letterhead alone on the first line, or None."""
    tail = [ln.strip() for ln in text[-1500:].split("\n") if ln.strip()][-12:]  # bounded: the last lines only
    for i in range(len(tail) - 1, 0, -1):
        if _DATE_LINE.match(tail[i]) and _ORG_LINE.match(tail[i - 1]):
            return tail[i - 1]
    head = [ln.strip() for ln in text[:200].split("\n") if ln.strip()][:1]
    if head and _ORG_LINE.match(head[0]):
        return head[0]
    return None


# a body the document names in full and then declares its short name: 开发区安全生产监督管理和环境保护局（以下简称区安环局）
_DECLARED = re.compile(r"(?P<pre>[^\n。；;，,：:、“”\"（）()]{2,60})[（(](?:以下)?简称(?:为)?[“\"「『]?"
                       r"(?P<abbr>[^）)”\"」』，,、\s]{2,12})[”\"」』]?[)）]")
# the words before the body's name: the verb of the sentence that names it (由…, 设立…); a body seated in another
# (领导小组办公室设在县农业农村局（以下简称整治办）) is not the one before the bracket
_BEFORE_BODY = re.compile(r"^.*(?:由|对|向|经|决定|会同|联合|请|把|将|设立|成立|组建|组织|调整|充实|即|同)")
_DECLARED_END = re.compile(r"(?:局|委员会|委|办公室|办|厅|部|队|中心|指挥部|小组|政府|站|所|处|公司|集团)$")


def declared_names(text: str) -> dict[str, str]:
    """The short names ``text`` declares for bodies it names in full (``X（以下简称Y）``, ``X（简称Y）``): {Y: X}.
    The full name is what follows the sentence's verb before the bracket; it must end in an office and hold the short
    name's characters in order (区安环局 in 开发区安全生产监督管理和环境保护局)."""
    out: dict[str, str] = {}
    for m in _DECLARED.finditer(text):
        pre, abbr = m.group("pre"), m.group("abbr")
        if re.search(r"设在|挂靠|下设", pre):
            continue
        full = _BEFORE_BODY.sub("", pre).lstrip("_＿ ")
        if len(full) > len(abbr) and _DECLARED_END.search(full) and is_subsequence(abbr, full) \
                and not re.match(r"各|有关|相关|负有", full):
            i = full.find(abbr[0]) if abbr[0] in "省市州县区旗镇乡" and not _PARK.match(full) else 0
            # the place before the level goes, as from any name (莒河县生产安全事故应急指挥部（以下简称县应急指挥部）)
            out.setdefault(abbr, full[i:] if 0 < i <= 6 else full)
    return out


_PARK = re.compile(r"^(?:[^\W\d_]{0,6}?(?:经济技术开发区|经济开发区|开发区|高新区|新区|园区|经开区))")


def declared_level(declared: dict[str, str]) -> str | None:
    """The body a park's document means by a bare 区 (开发区安全生产监督管理和环境保护局（以下简称区安环局）: its 区 is
    开发区, so its 区经发局 is 开发区经济发展局): the park's word, where a declared short name's 区 stands for it."""
    for abbr, full in declared.items():
        m = _PARK.match(full)
        if m and abbr.startswith("区") and not full.startswith("区"):
            return m.group()
    return None


# 你单位, 你公司, 贵公司 (the addressee), 该公司 (the company the document is about), 你县 / 你乡 (the government addressed)
ADDRESSEE = re.compile(r"^(?P<who>你|贵|该)(?P<head>单位|公司|企业|厂|局|所|站|店|场|中心|集团|学校|医院|街道|镇|乡|村|"
                       r"县|区|市|旗)$")
# the parties of an agreement (目标责任书: 甲方：晋峪县人民政府, 乙方：枫口镇人民政府)
PARTY = re.compile(r"^(?P<p>[甲乙丙])方$")
# (both parties on one signature line too: 甲方：柘溪县人民政府（盖章）  乙方：青岗镇人民政府（盖章）)
_PARTY_LINE = (r"(?:^|(?<=[)）\s]))[ \t　]*{p}方[ \t　]*(?:[（(][^）)\n]{{0,10}}[)）])?[ \t　]*[：:][ \t　]*"
               r"(?P<name>[^\s：:，,。;；|（(]{{3,40}})[ \t　]*(?:[（(](?:盖章|签章|公章|印章|章)[)）])?[ \t　]*"
               r"(?=$|[甲乙丙丁]方[ \t　]*[：:])")
# the salutation under the heading: a line that is a name and a colon (城西街道办事处：)
_SALUTATION = re.compile(r"^\s*(?P<name>[^\s：:，,。;；、（）()|]{3,40}?)\s*[：:]\s*$")
# a header field naming the unit the document is about (被约谈单位：东山县顺达运输有限公司（…）)
_SUBJECT_FIELD = re.compile(r"^\s*(?:被约谈单位|被检查单位|被督办单位|被责令单位|受检单位|检查对象|当事人|单位名称|企业名称|"
                            r"被检查企业|被约谈企业)\s*[：:]\s*(?P<name>[^\s（(，,。;；|]{3,40})")
_NOT_ADDRESSEE = re.compile(r"^(?:各|全|有关|相关)|时间|地点|主题|内容|附件|抄送|主送|事由|要求|如下|情况$|问题$")


def resolve_addressee(name: str, text: str) -> str | None:
    """The unit a second-person 你单位 / 你公司 / 贵公司 / 你县 addresses (the salutation under the heading:
    ``丽水区鑫达金属制品有限公司：``), or that 该公司 refers to (a header field: ``被约谈单位：…``, else the
    salutation), when the document names exactly one; 甲方 / 乙方 of an agreement: the one its ``甲方：…`` line names;
    else None."""
    pm = PARTY.match(clean_name(name))
    if pm:
        rx = re.compile(_PARTY_LINE.format(p=pm.group("p")), re.M)
        names = list(dict.fromkeys(f.group("name") for f in rx.finditer(text)
                                   if not re.search(r"盖章|签字|签章|代表|负责人", f.group("name"))))
        return names[0] if len(names) == 1 else None
    m = ADDRESSEE.match(clean_name(name))
    if not m:
        return None
    lines = text.split("\n")[:20]
    found: list[str] = []
    for ln in lines:
        f = _SUBJECT_FIELD.match(ln)
        if f:
            found.append(f.group("name"))
    if not found:
        for ln in lines:
            s = _SALUTATION.match(ln)
            if s and not _NOT_ADDRESSEE.search(s.group("name")):
                found.append(s.group("name"))
    names = list(dict.fromkeys(found))
    if len(names) != 1:
        return None
    who = names[0]
    if m.group("who") == "该" and not who.endswith(m.group("head")):
        return None  # 该公司 is a company: the name must say so
    return who
