"""Responsible units (SPEC §4): unit parentheticals and the actors of directives.

Two sources:
- a unit parenthetical (or a ``责任单位:…`` line) that closes a task: its names,
  split on 、 , ， ; 和 及 (和 only between whole names), with the role its verb
  gives — 牵头 lead; 配合/协同/参与/协助 support; 分工负责/负责/plain 责任单位
  responsible; ``A会同B负责`` A lead, B support;
- the actors of a directive in running text: the names before 要/须/必须/应/将/负责/牵头/配合
  at the start of a clause (``区消防救援大队要…``), or after 由 (``由区应急管理局牵头负责``).
  :func:`rule_actors` finds them by rule; :func:`actors` adds the trained recogniser
  (:mod:`pipeline.learn.units`, ``models/units.*``), with the rules' names as one of its
  features, in the mode its cross-validation chose; without a trained model it is the rules.
"""

from __future__ import annotations

import dataclasses
import re
from functools import lru_cache

from ..learn import units as learned
from ..model import Unit

# what an organisation's name ends with
ORG_SUFFIX = (
    "委员会办公室|委员会|指挥部办公室|指挥部|办公室|管理局|监督局|分局|总局|局|委|办|部|厅|署|大队|中队|支队|总队|队|"
    "所|站|中心|院|校|公司|集团|政府|街道|乡镇|镇街|镇|乡|村|社区|单位|部门|成员单位|园区|工业园|开发区|示范区|新区|高新区|"
    "试验区|工业区|集中区|发展区|产业园|物流园|保税区|管委会|委会|县区|县市区|"
    "协会|联合会|总工会|工会|团区委|团县委|团市委|妇联|电视台|报社|法院|检察院|海关|银行|医院|学校|幼儿园|"
    "车间|专委会|领导小组|工作组|(?<![重改编分班小])组|专班|督查室|气象台|供电公司|公安|交警|消防|班子|处室|科室|[^各此该两三四多等]处|科|股"
)
# the parties of an agreement (目标责任书: 甲方, 乙方), units as the text defines them
_PARTY_ROLE = re.compile(r"^[甲乙丙丁]方$")
_ORG_END = re.compile(rf"(?:{ORG_SUFFIX})$")
COLLECTIVE = re.compile(r"^(?:各|全[区县市镇]各|区各|县各|市各|有关|相关|负有|所在|其他|其余)")
SECTOR = re.compile(r"^(?:公安|交通|交通运输|安监|应急|住建|教育|民政|卫健|卫生|商务|市场监管|工信|经信|文旅|文广|农业|"
                    r"水利|水务|林业|自然资源|生态环境|环保|消防|城管|气象|电力|通信|旅游|质监|工商|国土|规划|财政|发改|人社|"
                    r"司法|宣传|组织|编办|海事|铁路|邮政|文化|体育|税务|统计|审计|信访|武装部|武警|预备役)$")
ROLE_WORDS = {
    "lead": re.compile(r"牵头(?:负责|抓总|组织)?$"),
    "support": re.compile(r"(?:配合|协同|参与|协助|配合实施)$"),
    "responsible": re.compile(r"(?:分工负责|按职责分工负责|按职责负责|各负其责|负责|落实|实施)$"),
}
# a unit label: a role word and an organisational noun (责任单位, 牵头部门, 责任股室, 配合科室, 协办处室 …), a label
# family rather than a list: the office a plan names (单位, 部门, 处室, 科室, 股室, 机构, and a bare 科 / 股 / 处 before a
# colon) varies from one issuer to the next. The older labels stand without a colon (责任单位为…); the rest need one.
_LABEL_ROLE_WORD = r"责任|牵头|配合|协办|主办|承办|实施|协助|参与|主责|负责|落实"
_LABEL_NOUN = r"单位|部门|处室|科室|股室|机构|科|股|处|室"
LABEL_FAMILY = rf"(?:{_LABEL_ROLE_WORD})(?:{_LABEL_NOUN})|责任主体"
# a bare role word before a colon is a label too (（牵头：省交通运输厅；配合：省公安厅）)
_LABEL = re.compile(r"(?P<label>(?:责任|牵头|配合)(?:单位|部门|处室|科室)|协办单位|主办单位|承办单位|实施单位|责任主体|"
                    rf"(?:{_LABEL_ROLE_WORD})(?:{_LABEL_NOUN})(?=(?:[及和、/]责任人)?\s*[:：])|"
                    # a role word alone before a colon ((牵头：省交通运输厅；配合：省公安厅交警总队)), not inside a word
                    r"(?<![\u4e00-\u9fff])(?:牵头|配合|协办|协助|参与)(?=\s*[:：]))"
                    r"(?:[及和、/]责任人)?\s*(?:[:：]|为(?=\S))?")


def _label_role(label: str | None) -> str:
    """The role a unit label gives the names after it: 牵头 / 主办 lead, 配合 / 协办 / 协助 / 参与 support."""
    if not label:
        return "responsible"
    if label.startswith(("牵头", "主办")):
        return "lead"
    if label.startswith(("配合", "协办", "协助", "参与")):
        return "support"
    return "responsible"


# a time field written bare in a unit parenthetical (（责任股室：综合协调股，10日前）, …，月底前）, …，长期）: no name
_TIME_WORDS = re.compile(r"(?:^|[\d一二三四五六七八九十])(?:日|号|月|年|季度)(?:前|底前|底|中旬|上旬|下旬|内|以前|之前)?$|"
                         r"(?:前|之前|以前|底前|月底|年底|中旬|上旬|下旬|年内|月内|期间|长期|持续|常态化?|全年|每[年季月周日天])"
                         r"(?:完成|落实|推进|开展|坚持)?$|^(?:长期|持续|常态化?|全年|每[年季月周日天])")
_TRAILING_ETC = re.compile(r"(?:等有关部门|等相关部门|等有关单位|等相关单位|等部门|等单位|等[^\W\d_]{1,14}?(?:部门|单位)|"
                           r"等[\d一二三四五六七八九十]{1,3}[家个](?:企业|单位|部门)|等)$")
_SPLIT = re.compile(r"[、,，;；/|]|(?<=\S)以及(?=\S)|(?<=[局委办部队所站心院校司团府道镇乡村区位门园会台室组业间科处方)）])\s*[和及与]\s*(?=\S)|\s+")
_HUIT0NG = re.compile(r"^(?P<a>.+?)会同(?P<b>.+?)(?:共同|分工|按职责)?负责$")


@lru_cache(maxsize=8192)
def looks_like_unit(name: str) -> bool:
    """A written organisation name (or a collective of them), not a person or a thing."""
    name = name.strip()
    if not 2 <= len(name) <= 40:
        return False
    if re.search(r"领导|同志|负责人|干部|群众|人员|企业主|书记|区长|县长|市长|镇长|局长|主任", name) and not _ORG_END.search(name):
        return False
    if re.search(r"[。;；:：“”《》!?]", name):
        return False
    if "的" in name and not re.match(r"负有|涉及|考核|承担|各|有关|相关|其他|所有", name):
        return False  # a clause run into a name (…重要性的认识各村委会); collectives with 的 open with 负有, 涉及 …
    if re.search(r"(?<=..)(?:会同|联合|(?:配合|牵头)(?!单位|部门|处室|科室|股室))", name) or name.endswith(("部署", "带队")):
        return False  # two units and the word that joins them (镇安监站会同镇派出所, 积极配合市应急管理局); a verb (动员部署,
        # 县领导带队: 队 is no 大队 there)
    core = re.sub(r"[(（〈<][^)）〉>]*[)）〉>]", "", name)
    if core[:1] in "省市区县镇乡" and (SECTOR.match(core[1:]) or core[1:] in _known()):
        return True  # a level and a sector or a known short name (县财政, 镇防指)
    if _PLACE_EACH.match(core):
        return True  # a collective of a place (园区各化工企业, 县直各单位, 全镇各村)
    if len(core) >= 3 and _NAMED_PLACE.match(core):
        return True  # a named place as a body (清流区将…, 双沟镇): its government
    return bool(_ORG_END.search(core) or SECTOR.match(core) or _PARTY_ROLE.match(core) or (COLLECTIVE.match(core) and len(core) <= 20)
                or _YOU.fullmatch(core) or core in _known())


_PLACE_EACH = re.compile(r"^[^\W\d_]{1,5}?(?:[省市区县镇乡]|园区|开发区|新区|[县市区]直)各[^\W\d_]{1,12}$")


@lru_cache(maxsize=1)
def _known() -> frozenset[str]:
    from .gazetteer import aliases

    names = aliases()
    return frozenset(names) | frozenset(names.values())


def split_names(text: str) -> list[str]:
    """区应急局、区消防救援大队和区水利和湖泊局等有关部门 → [区应急局, 区消防救援大队, 区水利和湖泊局]."""
    return list(_split_names(text))


# The finders below are pure functions of their text, and a document asks them about the same text
# many times (each genre's rules propose the same items; a clause is parsed for every candidate that
# ends with it): each answer is kept (about 7 calls per distinct text on the benchmark documents).
_MEMO = 8192


@lru_cache(maxsize=_MEMO)
def _split_names(text: str) -> tuple[str, ...]:
    text = _TRAILING_ETC.sub("", text.strip(" \t,，、;；。"))
    # protect 和/及 inside names that the gazetteer knows (区水利和湖泊局)
    out = []
    for part in _split_outside_brackets(text):
        part = part.strip(" \t")
        if part[:1] in "(（" and not re.search(r"[)）]", part):
            part = part[1:]
        if part[-1:] in ")）" and not re.search(r"[(（]", part):
            part = part[:-1]
        part = _TRAILING_ETC.sub("", _NOTE.sub("", part).strip(" \t"))
        part = _PERSON_TAIL.sub("", _ADVERB_TAIL.sub("", part))
        if part:
            out.append(part)
    merged: list[str] = []
    for part in out:
        if merged and re.fullmatch(r"[(（][^()（）]+[)）]", part):  # 市安委办 (工作专班办公室): an alias note
            merged[-1] += part
            continue  # a split that made a non-name half (水利 | 湖泊局) is undone
        if merged and (not looks_like_unit(merged[-1]) or _EACH_SECTOR.match(merged[-1])) and \
                not _PARTY.search(merged[-1]) and not _BARE_PLACE.match(merged[-1]) and not part.startswith("各") and \
                looks_like_unit(merged[-1] + "和" + part) and (merged[-1] + "和" + part) in text:
            merged[-1] = merged[-1] + "和" + part
        else:
            merged.append(part)
    return tuple(_shared_lists(merged, text))


# a collective of a bare sector (各省级林业 | 草原主管部门): the half of one name split on its 和 (各省级林业和草原主管部门)
_EACH_SECTOR = re.compile(r"^各[^\W\d_]{0,3}?级?(?:" + SECTOR.pattern[4:-2] + r")$")
# a bare place (SPEC §8: 各县、区住建局, 市、区森林防火指挥部, 各区、开发区住建局 are one unit each)
_BARE_PLACE = re.compile(r"^各?[省市区县乡镇](?:[(（][省市区县乡镇旗]{1,3}[)）])?$")  # 各县(市)、区人民政府: one unit
# a named place without an office (临江县、石坝县安监局; 盘龙区、官渡区政府: one unit each, as SPEC §8's 各县、区住建局), and
# the head of the last name of such a list; not a generic place (辖区, 社区, 园区, 乡镇, 全县)
_NAMED_PLACE = re.compile(r"^(?![各全本该我其此])(?![省市区县乡镇街道旗]+$)[^\W\d_]{1,4}"
                          r"(?<![社辖城景库山矿片学校街小牧灾林园郊都超村集])[县区市旗镇乡]$")
_NAMED_PLACE_HEAD = re.compile(r"^(?![各全本该我其此])[^\W\d_]{1,4}?(?<![社辖城景库山矿片学校街小牧灾林园郊都超村集])[县区市旗镇乡]")
# what a name that shares the bare places' suffix does not hold (各镇(街道)、区安委会各成员单位 are two units)
_OWN_COLLECTIVE = re.compile(r"各|直|有关|相关|成员")
_PLACE_HEAD = re.compile(r"^(?:[省市区县乡镇]|县[市区]|市县|县区|镇街|乡镇|街道|[^\W\d_]{0,4}(?:开发区|园区|新区|高新区|示范区))")
# a collective of departments (各有关部门, 市政府有关部门) before a bare 单位: one unit (各有关部门和单位)
_COLLECTIVE_DEPT = re.compile(r"(?:各|有关|相关)[^、,，;；]{0,8}部门$")
_LIST_SEP = "、,，和及与"
# a level written alone after a collective of places (各街道、镇; 各县、区; 各县(市)、区): no name of its own, one
# collective with the places before it, as 各县（市、区） is
_LEVEL_ALONE = re.compile(r"^[市区县乡镇旗](?:[(（][市区县乡镇旗、]{1,5}[)）])?$")
_EACH_PLACE = re.compile(r"^各(?:[省市区县乡镇旗]|县[市区]|市县|县区|镇街|乡镇|街道|社区)(?:[(（][^()（）]{1,6}[)）])?"
                         r"(?:[、,，][市区县乡镇旗](?:[(（][^()（）]{1,6}[)）])?)*$")


def _shared_lists(parts: list[str], text: str) -> list[str]:
    """Parts that SPEC §8 keeps as one unit joined again, with their separators as written.

    Bare places (one level character: 县, 区) sharing the last name's suffix (各县、区住建局;
    各区、开发区住建局), a bare 单位 after a collective of departments (各有关部门、单位), and a bare 政府 after
    a 党委 (各乡镇党委、政府: one body, as the pair is written). A list of
    places without a shared suffix stays split (各乡镇、街道: gold splits it).
    """
    if len(parts) < 2:
        return parts

    def joined(a: str, b: str) -> str | None:
        for sep in _LIST_SEP:
            if a + sep + b in text:
                return a + sep + b
        return None

    out: list[str] = []
    i = 0
    while i < len(parts):
        j = i
        named = False
        while j < len(parts) and (_BARE_PLACE.match(parts[j]) or _NAMED_PLACE.match(parts[j])):
            named = named or not _BARE_PLACE.match(parts[j])
            j += 1
        # parts[i:j] bare places; one unit with the next part when it starts with a place and has a suffix
        head = (_NAMED_PLACE_HEAD if named else _PLACE_HEAD).match(parts[j]) if i < j < len(parts) else None
        if head and len(parts[j]) - head.end() >= 2 and _ORG_END.search(parts[j][head.end():]) and \
                not _OWN_COLLECTIVE.search(parts[j]):
            end = j + 1
            whole = parts[i]
            for p in parts[i + 1:end]:
                whole = joined(whole, p) or ""
                if not whole:
                    break
            if whole:
                out.append(whole)
                i = end
                continue
        if out and (parts[i] in ("单位", "企业") and _COLLECTIVE_DEPT.search(out[-1]) or
                    _LEVEL_ALONE.match(parts[i]) and _EACH_PLACE.match(out[-1]) or
                    parts[i] == "政府" and out[-1].endswith("党委")) and (w := joined(out[-1], parts[i])):
            out[-1] = w
        else:
            out.append(parts[i])
        i += 1
    return out


_MASK = {c: chr(0xE000 + i) for i, c in enumerate("、,，;；/ 和及与")}
_UNMASK = {v: k for k, v in _MASK.items()}


_NOTE = re.compile(r"[(（〈<](?:下同|以下简称[^)）〉>]*|简称[^)）〉>]*)[)）〉>]")
_ADVERB_TAIL = re.compile(r"(?:一定|都|也|还|均|同样|继续|务必|必须|切实|进一步|要|分别|同步|同时|具体|共同|主动|积极|认真)+$")
# 市财政局主要领导 (a 责任单位及责任人 line, 会同 in running text): the unit, not its leader
_PERSON_TAIL = re.compile(r"(?:主要负责同志|主要负责人|主要领导|负责同志|负责人|分管领导|领导干部|同志|(?<=班子)(?:成员|领导)|"
                          r"(?<=[局委办部队所站室科组司院校会支])(?:书记|主任|站长|所长|局长|队长|组长)|"
                          r"(?<=[矿厂司])(?:总工程师|矿长|厂长|总经理|经理))$")


def _split_outside_brackets(text: str) -> list[str]:
    """_SPLIT, but never inside (), （）, 〈〉 or 《》: 各县〈市、区〉 is one name."""
    depth, protected = 0, []
    for c in text:
        if c in "(（〈《<":
            depth += 1
        elif c in ")）〉》>":
            depth = max(0, depth - 1)
        protected.append(_MASK.get(c, c) if depth else c)
    return ["".join(_UNMASK.get(c, c) for c in p) for p in _SPLIT.split("".join(protected))]


def _role_of(segment: str) -> tuple[str, str | None]:
    """(names part, role) of one segment of a parenthetical: '区应急局牵头' → ('区应急局', 'lead')."""
    seg = segment.strip()
    for role in ("lead", "support", "responsible"):
        m = ROLE_WORDS[role].search(seg)
        if m:
            return seg[: m.start()].strip(), role
    return seg, None


def _split_clauses(body: str) -> list[str]:
    depth, out, cur = 0, [], []
    for c in body:
        if c in "(（〈《":
            depth += 1
        elif c in ")）〉》":
            depth = max(0, depth - 1)
        if c in ",，;；" and depth == 0:
            out.append("".join(cur))
            cur = []
        else:
            cur.append(c)
    out.append("".join(cur))
    return out


def parse_cut_clause(content: str) -> list[Unit] | None:
    """A unit parenthetical cut off by the end of the copy: its whole names (区公安分局、区民 → 区公安分局)."""
    full = parse_unit_clause(content)
    if full:
        return full
    names = split_names(content)
    if names and not looks_like_unit(names[-1]):
        names = names[:-1]
    if names and all(looks_like_unit(n) for n in names):
        return [Unit(n, n, "responsible") for n in names]
    return None


def parse_unit_clause(content: str) -> list[Unit] | None:
    """The units of a parenthetical's content, or None when it is not about units.

    >>> [(u.name, u.role) for u in parse_unit_clause("责任单位:区安委办牵头,区委编办配合")]
    [('区安委办', 'lead'), ('区委编办', 'support')]
    """
    units = _parse_unit_clause(content)
    return None if units is None else list(units)


# a field of people in a unit parenthetical (责任领导：A同志、D同志；牵头单位：…): people are not units (SPEC §8)
_PEOPLE_FIELD = re.compile(r"(?:^|(?<=[;；,，]))\s*[^:：;；,，()（）]{0,4}(?:领导|责任人|联系人|负责人|联络员)\s*[:：][^;；]*[;；]?")


@lru_cache(maxsize=_MEMO)
def _parse_unit_clause(content: str) -> tuple[Unit, ...] | None:
    content = _PEOPLE_FIELD.sub("", content.strip().rstrip("。"))
    labelled = bool(_LABEL.search(content))
    units: list[Unit] = []
    # split into labelled parts: "牵头单位:A 配合单位:B"
    parts: list[tuple[str | None, str]] = []
    pos, label = 0, None
    for m in _LABEL.finditer(content):
        if m.start() > pos and content[pos:m.start()].strip(" ,，;；"):
            parts.append((label, content[pos:m.start()]))
        label, pos = m.group("label"), m.end()
    parts.append((label, content[pos:]))
    for label, body in parts:
        default_role = _label_role(label)
        pending: list[str] = []
        for seg in _split_clauses(body):
            seg = seg.strip()
            if not seg:
                continue
            m = _HUIT0NG.match(seg)
            if m:
                for n in pending + split_names(m.group("a")):
                    units.append(Unit(n, n, "lead"))
                pending = []
                for n in split_names(m.group("b")):
                    units.append(Unit(n, n, "support"))
                continue
            names_part, role = _role_of(seg)
            names = split_names(names_part)
            if role is None:
                pending.extend(names)
                continue
            for n in pending + names:
                units.append(Unit(n, n, role))
            pending = []
        for n in pending:
            units.append(Unit(n, n, default_role))
    # the next field of the record run into the last name by a copy that lost its line break (县直各行业主管部门整改时限：…)
    units = [Unit(cut, cut, u.role) if _RUN_IN_FIELD.search(u.name) and looks_like_unit(cut := _RUN_IN_FIELD.sub("", u.name))
             else u for u in units]
    units = [_noted_role(u) for u in units if u.name and not _OTHER_FIELD.search(u.name)
             and not _TIME_WORDS.search(u.name)]
    if not units:
        return None
    if not labelled:
        has_role_word = re.search(r"牵头|配合|负责|会同|协同|参与|协助", content)
        if not has_role_word or not all(looks_like_unit(u.name) for u in units):
            return None
    elif not any(looks_like_unit(u.name) for u in units):
        return None
    return tuple(dedupe(units))


# a unit written with its role in brackets (区市场监管局(牵头) in a table cell)
_ROLE_NOTE = re.compile(r"[(（](?P<w>牵头|主办|统筹|配合|协办|协助|参与|负责|责任)(?:单位|部门)?[)）]$")
_NOTE_ROLE = {"牵头": "lead", "主办": "lead", "统筹": "lead", "配合": "support", "协办": "support", "协助": "support",
              "参与": "support", "负责": "responsible", "责任": "responsible"}
_RUN_IN_FIELD = re.compile(r"(?<=[\u4e00-\u9fff）)])(?:整改|完成|办结|落实|工作|报送)?(?:时限|时间|期限|日期)[:：].*$|"
                           r"(?<=[\u4e00-\u9fff）)])(?:整改)?责任人[:：].*$")
# another field of the row that a unit clause ran into (完成时限：…, 整改时限:…)
_OTHER_FIELD = re.compile(r"[:：]|^\d")


# a collective named by its role (各牵头单位, 各配合部门: SPEC §8, a collective named 牵头 leads)
_ROLE_COLLECTIVE = re.compile(r"^(?:各|有关|相关)?[^\W\d_]{0,4}?(?P<w>牵头|配合|协办)(?:单位|部门|科室|处室|股室)"
                              r"(?:[(（][^()（）]{1,6}[)）])?$")  # 各牵头处室（单位）


def _noted_role(u: Unit) -> Unit:
    """The role a unit's own name gives it: a role in brackets after it (区市场监管局(牵头)), or a collective named
    by its role (各牵头单位 lead, 各配合单位 support) where no role word gave it one."""
    c = _ROLE_COLLECTIVE.match(u.name)
    if c and u.role == "responsible":
        return dataclasses.replace(u, role=_NOTE_ROLE[c.group("w")])
    m = _ROLE_NOTE.search(u.name)
    if not m or m.start() < 2:
        return u
    name = u.name[:m.start()].strip()
    return Unit(name, name, _NOTE_ROLE[m.group("w")])


def dedupe(units: list[Unit]) -> list[Unit]:
    """The same organisation named twice is listed once, under its first name and role.

    A later bare name that ends an earlier full one (应急局 after 区应急局), or a place after its government (各乡镇
    after 各乡镇人民政府), is the same organisation.
    """
    seen: list[str] = []
    out = []
    for u in units:
        key = re.sub(r"^(?:XX|xx|X|x)", "", u.name)
        if key in seen or (len(key) >= 3 and not COLLECTIVE.match(key) and any(k.endswith(key) for k in seen)) \
                or any(k in (key + "人民政府", key + "政府") for k in seen) \
                or re.sub(r"(?<=..)(?:人民)?政府$", "", key) in seen:  # 各乡镇 and 各乡镇人民政府: one body
            continue
        seen.append(key)
        out.append(u)
    return out


def with_lead_roles(units: list[Unit], text: str) -> list[Unit]:
    """Units of a closing clause, made lead where the task's own words say they lead (由县安委办牵头)."""
    try:
        return list(_with_lead_roles(tuple(units), text))
    except TypeError:  # a unit that cannot be a key (a span given as a list): not kept
        return list(_with_lead_roles.__wrapped__(tuple(units), text))


@lru_cache(maxsize=_MEMO)
def _with_lead_roles(units: tuple[Unit, ...], text: str) -> tuple[Unit, ...]:
    leads = {a.name for a in rule_actors(text) if a.role == "lead"}
    leads |= {u.name for u in units if _written_before(u.name, _LEADS_AFTER, text)}
    return tuple(Unit(u.name, u.canonical, "lead") if u.name in leads and u.role == "responsible" else u for u in units)


# ---------------------------------------------------------------- actors in running text

_ACTOR_VERB = re.compile(r"(?:要|须|必须|务必|应当|应|将|负责|牵头|配合|协同|统一|作为|主要负责人要|主要负责同志)")
_CLAUSE_START = re.compile(r"(?:^|(?<=[。;；:：!?！？,，\n]))")
_WITH = re.compile(r"(?:^|(?<=[。;；:：!?！？,，\n]))(?:由)?(?P<a>[^。;；:：,，\n]{2,40}?)(?:还|也)?(?:要|将|应|须)?"
                   r"(?:于[^。;；:：,，、\n]{1,10}?)?(?:继续|进一步|积极|主动|及时|定期)?(?P<w>会同|联合)(?P<b>[^。;；:：,，\n]{2,60}?)"
                   r"(?=对|在|开展|组织|修订|做好|共同|抓好|研究|制定|加强|推进|完善|落实|负责|[,，。;；])")
_PLEASE = re.compile(r"请(?P<names>[^。;；]{2,60}?)(?:主要领导|主要负责同志|主要负责人|负责同志)?"
                     r"(?=认真|切实|务必|高度|抓紧|立即|按照|依照|结合|尽快|做好|抓好|把|于|在)")
# what 联合 is followed by when it names joint work rather than a partner
_JOINT_WORK = re.compile(r"(?:执法|检查|督查|惩戒|会商|印发|发出|发布|开展|行动|整治|巡查|调查|攻关|培训|演练|组织)")
# the issuer speaking of itself before 会同/联合 (我局将…, 街道还将…, 我们要…)
_SELF = re.compile(r"^(?:我|本)[局委办镇乡区县市们单位部门中心所站队]{0,2}|^(?:街道|镇|乡)(?:还|也|将|要)")
WITH_ALONE = True
# an order's addressee (现责令你公司：…, 责令该单位立即整改)
_ORDER = re.compile(r"责令(?P<names>[^。;；:：,，\n]{2,20}?)(?=[:：,，]|立即|限期|于|对|在|自|停止|整改|改正|采取)")
_BY = re.compile(r"由(?P<names>[^,，。;；]{2,80}?)(?:分别|共同|具体)?(?P<verb>分别牵头负责|牵头负责|牵头|统筹|统一领导|统一部署|统一|负责|会同|组织|配合|"
                 r"派|抽调|具体|安排|协调|指导|督促)")
# the verbs of _BY, each tried in turn after a 由 (由局综合协调科统筹: 协调 is the name's own, 统筹 the verb)
_BY_VERB = re.compile(_BY.pattern.split("(?P<verb>", 1)[1].rsplit(")", 1)[0])
# a list closed by a collective head (消防、安监、建设和旅游等部门; 市国土、应急、公安等单位): its parts are
# units even when each is a bare sector name (SPEC §4 drops the trailing 等部门)
_CLOSED_LIST = re.compile(r"[、,，和及].*等(?:有关|相关)?(?:部门|单位)$|[、,，和及].*等[\d一二三四五六七八九十]{1,3}[家个](?:企业|单位|部门)$")
_BARE_SECTOR = re.compile(r"^[\u4e00-\u9fff]{2,10}$")
# a clause that starts with a unit's full name and goes on with what it does (区森林防火指挥部组织…)
_DOES = re.compile(r"组成|督促|指导|组织|联合|加大|加强|开展|做好|决定|安排|印发|制定|深入|继续|进一步|还将|共同|统一|抓好|落实|实施|对|在|于|"
                   r"认真|每[日周月季年]|分别|按照|依照|及时|全面|切实|严格|立即|务必|汇总|负责|还|决不能|不得|"
                   r"成立|召开|实行|建立|启动|完成|利用|明确|定期|设立|配齐|组建|健全|完善|推进|按职责|依职责|按照职责")
# a time or occasion before the actors of a clause (汛期(5月1日至9月30日)各乡镇, 即日起市住建…, 专项行动由X)
_TIME_HEAD = re.compile(r"^(?:[^、,，。;；]{0,12}?(?:期间|汛期|即日起|\d{1,2}[日月](?:[至到—-]\d{1,2}[日月])?|前后|以后|之后|交由|由)"
                        r"(?:[(（][^()（）]{0,20}[)）])?)")


# an item's number left at the head of its text (2.1.1 , 3.2 , 第五条, (3)): not part of the actor's name
_ITEM_HEAD = re.compile(r"^\s*(?:\d{1,2}(?:[.．]\d{1,2})+[.．]?(?!\d)|\d{1,2}[、.．)）](?!\d)|[(（]\d{1,2}[)）]|"
                        r"[(（][一二三四五六七八九十]{1,3}[)）]|[一二三四五六七八九十]{1,3}[、．]|"  # an inline item: （三）镇安办每季度…
                        r"第[一二三四五六七八九十百零]{1,4}条)\s*")
# a duty line's label: the unit before a colon at the head of the text (县应急局：负责…)
_UNIT_LABEL = re.compile(r"^\s*(?P<names>[^:：,，。;；\n]{2,30}?)\s*[:：]")
# after 由A牵头 / 由A统筹: the partners (、B和C配合; ，会同B…)
_LEAD_THEN = re.compile(r"(?:负责)?(?:[、,，]\s*(?P<names>[^,，。;；]{2,60}?)(?P<v>配合|协助|参与|协同)|"
                        r"[,，]\s*(?:并)?会同(?P<names2>[^,，。;；]{2,40}))")
_JOIN_SELF = re.compile(r"(?:^|(?<=[。;；:：!?！？,，\n]))(?:下一步|下半年|同时|此外|另外)?[,，]?(?:还|也|并)?(?:(?:将|要)"
                        r"(?:继续)?(?:联合|会同)|(?:积极|主动)?会同|(?:每(?:季度|[年月周日旬])|定期)联合)(?P<b>[^。;；:：,，\n]{2,40})")
_PLEASE_ANY = re.compile(r"(?<![邀聘提申报呈敬特恳延宴])请(?P<rest>[^,，。;；:：]{2,40})")


# 由 before the people who form or head a body (成员由各成员单位负责人组成, 成立由政府分管领导任组长的…): no actor
# (a unit that sends them acts: 由市经贸委派1名县级领导带队)
_BY_PEOPLE = re.compile(r"由(?:(?!派|抽调|安排|指定|明确|组织)[^,，。;；]){2,40}?(?:负责人|负责同志|领导(?:同志)?|干部|人员|局长|主任|书记|[县市区镇乡]长|"
                        r"分管[^,，。;；]{0,6})(?:任|担任|兼任|为|组成|带队|参加)")
# the staff of a unit after it (由燃气经营企业的专业送气服务人员统一…): the unit acts through them
_BY_STAFF = re.compile(r"的[^的,，。;；]{0,10}(?:人员|队伍|力量)$")
# a regulated party after 由 and before its verb (改由瓶装液化石油气经营企业统一配送入户): it does the work (SPEC §4)
_BY_PARTY = re.compile(r"[^\W\d_的]{2,20}(?:企业|经营单位|经营户|经营者|业主)")


def _by_names(names: str) -> list[str]:
    """The units of the names between 由 and its verb: a list of units, or one regulated party."""
    return _unit_names(names) or ([names] if _BY_PARTY.fullmatch(names) else [])


def _by_match(m: re.Match) -> tuple[str, str, int, int] | None:
    """(names, verb, start, end) of the 由…verb at ``m`` (a 由) whose names are all units, trying each verb of the
    clause in turn: the first verb-like word may be the name's own (由局综合协调科统筹)."""
    text, pos = m.string, m.start()
    stop = re.compile(r"[,，。;；]").search(text, pos)
    end = stop.start() if stop else len(text)
    if _BY_PEOPLE.match(text, pos):
        return None
    for v in _BY_VERB.finditer(text, pos + 3, min(end, pos + 83)):
        if v.group() == "负责" and text.startswith(("人", "同志"), v.end()):
            continue  # 由各成员单位负责人组成: 负责人 is a person, not the verb
        names = _BY_STAFF.sub("", re.sub(r"(?:分别|共同|具体)$", "", text[pos + 1:v.start()]))
        if len(names) >= 2 and _by_names(names):
            verb = v.group()
            if verb == "具体" and (then := _BY_VERB.match(text, v.end())):  # 由区安委办具体统筹: the verb is 统筹
                verb, v = then.group(), then
            return names, verb, pos, v.end()
    return None


def _partners(text: str, pos: int) -> list[tuple[int, Unit]]:
    """After a lead (由A牵头, A牵头): the units that take part in its work (、B和C配合; ，会同B…) as support."""
    rest = _LEAD_THEN.match(text, pos)
    if not rest:
        return []
    partners = (_unit_names(rest.group("names")) if rest.group("v")
                else _longest_names(rest.group("names2")) or _unit_names(rest.group("names2")))
    return [(rest.start(), Unit(n, n, "support")) for n in partners]


def _unit_names(names_part: str) -> list[str]:
    """The names of ``names_part`` when every one is a unit (a closed list's bare sectors included), else []."""
    names = split_names(names_part)
    if any(re.search(r"\d", n) for n in names):
        return []  # a number is never part of a name (各责任单位每月25日前: a time ran into it)
    if names and all(looks_like_unit(n) for n in names):
        return names
    if len(names) >= 2 and _CLOSED_LIST.search(names_part.strip()):
        # 工商和旅游: 和 between two bare sectors splits too
        names = [p for n in names for p in (re.split(r"[和及]", n) if not looks_like_unit(n) else [n])]
        if all((looks_like_unit(n) or _BARE_SECTOR.match(n)) and not re.search(r"将|把|要|须", n) for n in names):
            return names
    return []


# a labelled unit parenthetical left inside a task's words ((牵头单位:区住建局配合单位:区市场监管局) whose separator the
# copy lost, so that it did not close the task): its labels give the roles, not the words around them
_LABELLED = re.compile(rf"[(（](?P<c>[^()（）]{{0,4}}(?:{LABEL_FAMILY})[:：][^()（）]{{2,120}})[)）]")


_CLOSING_NAMES = re.compile(r"[(（](?P<c>[^()（）]{2,60})[)）]\s*[。;；]?\s*$")


# the words that give a unit in running text a role other than responsible (SPEC §4/§8: 牵头, 统筹, 配合 …, A会同B,
# 联合X, X参加); a text without any of them gives every actor the plain role
_ROLE_CUE = re.compile(rf"牵头|统筹|主办|配合|协同|协助|协办|参与|参加|会同|联合(?!{_JOINT_WORK.pattern})|支持|主责|为主")


# what the recogniser's spans hold that names no unit (applied to its output only, the rules' features unchanged):
# 全部 (all) is no 部 (5月前全部落实 → 前全部; 安全部 is one); 各类 opens a collective of things unless it ends in a
# party (各类生产安全事故死亡人数控制 is a target, 各类生产经营单位 a unit)
_NOT_SPAN_NAME = re.compile(r"(?<!安)全部$|^各类(?!.*(?:企业|单位|部门|机构|组织|学校|医院|场所|主体|经营户|队伍|协会)$)")


# after a unit's name: a modal and a time, then 牵头 or 统筹 (区人社局将于9月底前牵头完成…)
_LEADS_LATER = re.compile(r"(?:要|将|应|须|必须)?(?:于|在)[^，,。；;、]{1,12}?(?:前|底|内|中旬|上旬|下旬|期间)(?:牵头|统筹)")
# after a unit's name: 牵头 within the clause (由县安委办牵头, 县应急局负责并牵头)
_LEADS_AFTER = re.compile(r"[^。;；,，]{0,12}[,，]?并?牵头")


def _written_before(name: str, tail: re.Pattern, text: str) -> bool:
    """Whether ``name`` is written in ``text`` with ``tail`` matching right after it: ``re.search(re.escape(name) +
    tail.pattern, text)``, without compiling a pattern per name (on a new document most of its unit names are new
    to re's cache)."""
    i = text.find(name)
    while i >= 0:
        if tail.match(text, i + len(name)):
            return True
        i = text.find(name, i + 1)
    return False


# a last sentence that may only name who does the work (由县住建局牵头，县市场监管局配合。; 此项工作由县交通运输局负责。)
_BY_SENTENCE = re.compile(r"(?:^|(?<=[。；;!！]))\s*(?P<s>(?P<this>(?:此项|该项|本项|以上|上述)(?:工作|任务)?)?由[^。；;!！]{2,80}?[。；;]?)\s*$")
# what such a sentence holds besides its names: 由, the role words, separators and a trailing 等部门
_BY_WORDS = re.compile(r"^(?:此项|该项|本项|以上|上述)?(?:工作|任务)?由|(?:分别|共同|具体)?(?:牵头负责|牵头|负责|统筹|配合|协助|参与|"
                       r"协同|会同|组织实施|落实)|等(?:有关|相关)?(?:部门|单位)|[、,，和及与。；;\s]")


def closing_names(text: str) -> tuple[int, list[Unit]] | None:
    """(where it starts, its units) of a last sentence after the task's words that only names who does them
    (由县住建局牵头，县市场监管局、县消防救援大队配合。): like a parenthetical, its units are the task's and it is no
    part of the task's words (SPEC §8); None where there is none, or where it does more than name (由县住建局组织开展…)."""
    m = _BY_SENTENCE.search(text)
    if not m or not m.start("s") or not text[:m.start("s")].strip():
        return None
    units = names_only(m.group("s"))
    return (m.start("s"), units) if units else None


def names_only(sentence: str) -> list[Unit]:
    """The units of a 由… sentence that does nothing but name them (由X牵头，Y配合。), else []."""
    sentence = sentence.strip()
    if not _BY_SENTENCE.fullmatch(sentence):
        return []
    units = rule_actors(sentence)
    rest = sentence
    for u in sorted(units, key=lambda u: -len(u.name)):
        rest = rest.replace(u.name, "")
    return units if units and not _BY_WORDS.sub("", rest) else []



def actors(text: str) -> list[Unit]:
    """Units named as the actors of directives in ``text`` (no parenthetical): the recogniser's, or the rules'.

    A labelled unit parenthetical still inside ``text`` names them, with the roles of its labels."""
    for m in _LABELLED.finditer(text):
        units = parse_unit_clause(m.group("c"))
        if units:
            return dedupe(units)
    closing = _CLOSING_NAMES.search(text)
    if closing:  # a bare parenthetical of unit names that closes the words ((街道安委办), (城建办、各社区)): SPEC §4
        names = _unit_names(closing.group("c"))
        # (a bracket right after a name is its alias or its seat: 报县消防安全委员会办公室（设在县公安消防大队）)
        if names and all((_HEAD_ORG.search(n) or COLLECTIVE.match(n)) and not _NOT_ACTOR.search(n)
                         and not re.match(r"含|包括|包含|如|即|除|不含|特别|重点|主要|尤其|涉及|设在|位于|挂靠", n)
                         for n in names) and not _ORG_END.search(text[:closing.start()]):
            return dedupe([Unit(n, n, "responsible") for n in names])
    by = closing_names(text)
    if by:  # 由X牵头，Y配合。 closing the words works like a parenthetical: its units are the task's (SPEC §8)
        return dedupe(by[1])
    this = _BY_SENTENCE.search(text)
    if this and this.group("this"):  # 此项工作由县住建局负责督促指导。: this work's units, though it says more than names
        named = rule_actors(this.group("s"))
        if named:
            return dedupe(named)
    text = _ITEM_HEAD.sub("", text)  # 2.1.1 园区安监处负责…, 第五条被考核单位于…: the number is not a name
    rules = rule_actors(text)
    model, mode = _model()
    if model is None or mode == "rules":
        return [u for u in rules if not _issuer_itself(u.name, text)]
    found = learned.predict(model, text, [(u.name, u.role) for u in rules])
    pairs = learned.combine(mode, [(u.name, u.role) for u in rules], found)
    if not _ROLE_CUE.search(text):  # no word gives a role (SPEC §4): every actor is responsible
        pairs = [(n, "responsible") for n, _ in pairs]
    else:  # 区人社局将于9月底前牵头完成…: a time between the actor and its 牵头 (the rules read the first verb, 将)
        pairs = [(n, "lead" if r == "responsible" and _written_before(n, _LEADS_LATER, text) else r) for n, r in pairs]
    pairs = [(_tidy_name(n), r) for n, r in pairs]
    return dedupe([_noted_role(Unit(n, n, r)) for n, r in pairs if n and not _NO_NAME.search(n)
                   and not _NOT_SPAN_NAME.search(n) and not _issuer_itself(n, text)])


# a stretch the recogniser took with words around the name: what it names (具体编制由县编办 → 县编办, 镇纪委跟踪督办 →
# 镇纪委), when that is a name
_TIDY_HEAD = re.compile(r"^[^由]{1,8}由(?=[^\W\d_]{2})")
_TIDY_TAIL = re.compile(r"(?:跟踪督办|具体负责|负责督办|督办|负责|牵头|配合)$")


def _tidy_name(name: str) -> str:
    for pattern in (_TIDY_HEAD, _TIDY_TAIL):
        core = pattern.sub("", name)
        if core != name and looks_like_unit(core) and not _NO_NAME.search(core):
            name = core
    return name


# a bare level or body word that a report's issuer uses of itself (街道将…, 街道还将联合…, 公司计划…): SPEC §8, the issuer
# speaking of itself names no unit; written beside others (各乡镇、街道和相关部门要…) it is one
_BARE_SELF = frozenset(("街道", "镇", "乡", "公司", "集团", "县", "区", "市", "局", "大队", "支队", "中心", "社区", "村"))
_SELF_VERB = re.compile(r"(?:还|也|再|并|亦|今年|明年|下一步|下半年)?(?:将|计划|拟|准备|已)")


def _issuer_itself(name: str, text: str) -> bool:
    if name not in _BARE_SELF:
        return False
    # where it opens a clause (not inside a longer name, 县交警大队, nor in a list, 各乡镇、街道)
    at = [m.end() for m in re.finditer(re.escape(name), text)
          if not m.start() or text[m.start() - 1] in "。;；:：!?！？,，\n "]
    return bool(at) and all(_SELF_VERB.match(text, e) for e in at)


def _model():
    """The trained recogniser and the mode its card chose, or (None, "rules"); both cached by the registry
    (and forgotten when the model is retrained)."""
    global _mode_of
    from ..learn import info, load

    model = load(learned.NAME)
    if model is None:
        return None, "rules"
    if _mode_of is not None and _mode_of[0] is model:  # the card read with this very model (a retrained
        return model, _mode_of[1]  # model is a new object, loaded with its new card)
    mode = info(learned.NAME).get("mode", "rules")
    _mode_of = (model, mode if mode in learned.MODES else "rules")
    return _mode_of


_mode_of: tuple[object, str] | None = None


def rule_actors(text: str) -> list[Unit]:
    """Units named as the actors of directives in ``text`` (no parenthetical), by rule."""
    return list(_rule_actors(text))


@lru_cache(maxsize=_MEMO)
def _rule_actors(text: str) -> tuple[Unit, ...]:
    found: list[tuple[int, Unit]] = []
    text = comma_lists(_ITEM_HEAD.sub("", text))
    label = _UNIT_LABEL.match(text)
    if label and not _LABEL.fullmatch(label.group("names").strip()) and not _NOT_ACTOR.search(label.group("names")) \
            and not re.search(r"责令|通知|告知|请|^(?:现|兹|特)", label.group("names")):
        # a duty line's label (县教育局：负责…; 各乡镇人民政府：按照属地管理原则…): the unit it names does the work
        role = "lead" if re.match(r"\s*(?:牵头|统筹)", text[label.end():]) else "responsible"
        found.extend((0, Unit(n, n, role)) for n in _unit_names(label.group("names")))
    for by in map(_by_match, re.finditer("由", text)):
        if by is None:
            continue
        names_part, verb, start, end = by
        role = "lead" if "牵头" in verb or verb == "统筹" else ("support" if verb == "配合" else "responsible")
        names = _by_names(names_part)
        for n in names:
            found.append((start, Unit(n, n, role)))
        if names and role == "lead":
            found.extend(_partners(text, end))
    for m in _JOIN_SELF.finditer(text):
        # (还)将联合X… with no actor of its own (the issuer speaking of itself): X supports (SPEC §8)
        found.extend((m.start("b"), Unit(n, n, "support")) for n in _longest_names(m.group("b")))
    for m in _PLEASE_ANY.finditer(text):
        if not _PLEASE.match(text, m.start()) or not _unit_names(_PLEASE.match(text, m.start()).group("names")):
            # 请你单位严格落实…: the addressee, though the verb after it is not one of _PLEASE's
            found.extend((m.start(), Unit(n, n, "responsible")) for n in _longest_names(m.group("rest")))
    for m in re.finditer(r"由(?P<rest>[^,，。;；]{2,40})", text):
        if _by_match(m) or _BY_PEOPLE.match(text, m.start()):
            continue
        names = _longest_names(m.group("rest"))
        found.extend((m.start(), Unit(n, n, "responsible")) for n in names)
    for m in _PLEASE.finditer(text):
        for n in _unit_names(m.group("names")):
            found.append((m.start(), Unit(n, n, "responsible")))
    for m in _ORDER.finditer(text):
        for n in _unit_names(m.group("names")):
            found.append((m.start(), Unit(n, n, "responsible")))
    # A会同B…: A leads, B supports (SPEC §4), in running text as in parentheticals
    for m in _WITH.finditer(text):
        if m.group("w") == "联合" and _JOINT_WORK.match(m.group("b")):
            continue  # 联合执法, 联合检查组: joint work, not a partner
        self_ = WITH_ALONE and _SELF.search(m.group("a"))
        a = [] if self_ else (_unit_names(_PERSON_TAIL.sub("", m.group("a"))) or _unit_names(_TIME_HEAD.sub("", m.group("a"))))
        b = _longest_names(m.group("b")) or _unit_names(m.group("b"))
        if a and b:
            found.extend((m.start(), Unit(n, n, "lead")) for n in a)
            found.extend((m.start("b"), Unit(n, n, "support")) for n in b)
        elif a and m.group("w") == "会同":  # A会同B: A leads though B is no name the rules know (通风科会同调度室)
            found.extend((m.start(), Unit(n, n, "lead")) for n in a)
        elif b and self_:
            # the issuer speaking of itself names no unit (我局将联合X, 街道还将联合X); its partner supports
            found.extend((m.start("b"), Unit(n, n, "support")) for n in b)
    for clause in re.finditer(r"[^。;；:：!?！？,，\n]+", text):
        c = clause.group()
        if c.startswith("由"):
            continue
        topic = _topic_actors(text, clause)
        if topic:  # 区建管局、区民政局…及各街道办事处等,除…外,还要…: the list is the subject
            found.extend((clause.start(), Unit(n, n, "responsible")) for n in topic)
            continue
        m = _CLAUSE_ACTOR.match(c)
        if m and not _unit_names(_PERSON_TAIL.sub("", m.group("names")).strip()):
            # a verb inside a name (各街道、镇和各牵头单位要…: 牵头 is the collective's own): the next verb whose
            # words before it are all names
            later = (_clause_actor_at(c, n) for n in range(m.start("verb") + 1, min(len(c), 61)))
            m = next((v for v in later if v and _unit_names(_PERSON_TAIL.sub("", v.group("names")).strip())), m)
        if not m and DOES_RULE:
            m = re.match(r"^(?P<names>.{2,60}?)(?P<verb>)(?=" + _DOES.pattern + ")", c)
            if m and not _strong_names(_TIME_HEAD.sub("", _PERSON_TAIL.sub("", m.group("names")))):
                m = None
        if not m:
            continue
        names_part = _PERSON_TAIL.sub("", m.group("names")).strip()
        if not m.group("verb") or not _unit_names(names_part):
            # the clause's first verb is not an actor verb, or what stands before it is not all names
            d = re.match(r"^(?P<names>.{2,60}?)(?P<verb>)(?=" + _DOES.pattern + ")", c) if DOES_RULE else None
            if d and _strong_names(_TIME_HEAD.sub("", _PERSON_TAIL.sub("", d.group("names")))):
                m, names_part = d, _PERSON_TAIL.sub("", d.group("names")).strip()
        names_part = re.sub(r"^(?:[一二三四五六七八九十]+[是要][,，:：]?|第[一二三四五六七八九十]+[,，、]|同时|并|另外|此外|其中|"
                            r"特别是|重点是|还要|也要|今后|下一步|明年|今年|把)[,，]?", "", names_part)
        stripped = _TIME_HEAD.sub("", names_part)
        names = (len(stripped) >= 2 and stripped != names_part and _unit_names(stripped)) or _unit_names(names_part)
        if not names and m.group("verb") in _MODALS:  # a regulated party that must act (液化气经营企业应当…, SPEC §8)
            names = [n for n in split_names(stripped)]
            if not names or not all((_PARTY.search(n) or looks_like_unit(n)) and not _NOT_ACTOR.search(n) and len(n) <= 16
                                    for n in names) or not any(_PARTY.search(n) for n in names):
                names = []
        if not names:
            continue
        verb = m.group("verb")
        rest = c[m.end():m.end() + 4]
        role = "lead" if "牵头" in verb or verb == "统筹" or rest.startswith(("牵头", "统筹")) and verb in _LEAD_AFTER \
            else ("support" if verb in _SUPPORT_VERBS or "配合" in verb
                  or rest.startswith(("密切配合", "积极配合", "主动配合", "配合")) else "responsible")
        for n in names:
            found.append((clause.start(), Unit(n, n, role)))
        if role == "lead" and m.group("verb"):
            found.extend(_partners(text, clause.start() + m.end()))  # A牵头、B配合
    found.sort(key=lambda x: x[0])
    # a stretch that took the next word's first character (由市委宣传部部署 → 市委宣传部部): the name without it
    found = [(p, Unit(u.name[:-1], u.name[:-1], u.role) if len(u.name) >= 3 and u.name[-1] == u.name[-2] else u)
             for p, u in found]
    return tuple(dedupe([_noted_role(u) for _, u in found if not _NO_NAME.search(u.name)]))


# a clause that is only unit names (县公安局, 各县市区): in a copy that wrote every 、 as a comma (县安监局会同县国土资源局,
# 县公安局,县工商局对…; 各县市区,各有关部门要…) it is one item of the list of actors the next clause ends
_NAMES_CLAUSE = re.compile(r"(?<=[,，])[^,，。;；:：!?！？\n]{2,25}(?=[,，])|^[^,，。;；:：!?！？\n]{2,25}(?=[,，])")


@lru_cache(maxsize=_MEMO)
def comma_lists(text: str) -> str:
    """``text`` with the comma after (and before) a clause that is only unit names written as 、, so that the list of
    actors it belongs to is read as one (offsets kept: one character for one)."""
    if "," not in text and "，" not in text:
        return text
    chars = list(text)
    for m in _NAMES_CLAUSE.finditer(text):
        words = m.group().strip()
        names = _unit_names(words)
        if not names or _NOT_ACTOR.search(words) or not all(_strong_names(n) or COLLECTIVE.match(n) for n in names):
            continue
        chars[m.end()] = "、"
        before = m.start() - 1
        if before > 0 and text[before] in ",，" and _ORG_END.search(text[max(0, before - 8):before]) \
                and not _NOT_ACTOR.search(text[before - 1:before]):
            chars[before] = "、"
    return "".join(chars)


# what the rules' stretches hold that names no unit: the issuer speaking of itself (我局将…, SPEC §8), a number,
# a purpose or basis clause (为…, 按照…部署), an idiom of 各 (各负其责, 各尽其力), a collective of things (各项工作),
# a person in charge (政府分管消防…: people are not units)
_NO_NAME = re.compile(r"^(?:我|本)(?:局|委|办|镇|乡|区|县|市|街道|单位|部门|中心|所|站|队|们|司|公司|院|校)$|\d|"
                      rf"^(?:我|本)(?:{ORG_SUFFIX})$|"  # 我大队, 本公司, 我委员会: the issuer of itself (SPEC §8)
                      r"^(?:为|按照|根据|依据|依照|进一步|确保|加派|每[日周月季年]|其他$|各方$|全部$|所有$)|部署$|^各[^\W\d_]其[^\W\d_]$|^各项|"
                      r"(?:均已|已经|已)$|分管|"
                      # an ordinal team of a roster (第二组 市消防支队牵头…, 第三督查组): the bodies after it do the work
                      r"^第[一二三四五六七八九十]{1,3}(?:督查|检查|工作|暗访|巡查)?(?:小组|组)$|"
                      # the object of a verb that sets others to work (推动各乡镇, 督促企业, 组织县森林消防专业队, 约谈所在…:
                      # SPEC §8, the units are the ones that do the work), and a stretch that runs into a count or a
                      # frequency (网格员每周至少巡查所, 各乡镇组建不少于…): no name
                      r"^(?:推动|推进|督促|督导|指导|帮助|约谈|组织(?!部)|责成|动员|引导|鼓励|支持|协调|提请|通报|充实|调整)|"
                      # whom the work is sent or reported to (抄送县委组织部, 并通知管道企业, 上报街道应急办): no actor
                      r"^(?:并|还|再)?(?:抄送|抄报|通知|报送|上报|报请)|^发现[^,，]{0,12}上报|"
                      # a clause that opens with the work or its manner (抓好…消防, 视情派出工作组), a unit of counting
                      # (各社区以小区为单位): no name
                      r"^(?:抓好|做好|加强|强化|深化|视情|适时)|为单位$|"
                      r"至少|不少|不低于|不超过|每[日周月季年天]|"
                      # a time the stretch took for a name (1月底前全部…, 暑假前会同…), a letter standing for a masked
                      # name (A, D), a thing (相关生产装置: 责令 orders a thing to stop, not a unit to act)
                      r"底前|(?:前|以前|之前|期间|以来)$|^[A-Za-zＡ-Ｚ]$|(?:装置|设备|设施|车辆)$|"
                      # a person, not a unit (各组长, 市委常委, 项目经理: SPEC §8, people are not units)
                      r"(?:[组科处局部股队班站所院市县区镇乡村]长|主任|书记|常委|同志|领导|负责人|责任人|干部|人员|职工|员工|经理|"
                      r"(?<![成委])员)$")


_SENTENCE_MODAL = re.compile(r"[^。;；!?！？\n]*?(?:要|须|必须|务必|应当|将)")


def _topic_actors(text: str, clause: re.Match) -> list[str]:
    """The names of a clause that opens its sentence and is nothing but unit names, before a comma, in a sentence
    whose later clause directs (…等,除重要情况须及时报告外,还要…): the subject of that directive."""
    s, e = clause.span()
    if e >= len(text) or text[e] not in ",，" or s and text[s - 1] not in "。;；:：!?！？\n":
        return []
    words = clause.group().strip()
    if _NOT_ACTOR.search(words) or not _SENTENCE_MODAL.match(text, e + 1):
        return []
    names = _unit_names(words)
    return names if names and all(_strong_names(n) or COLLECTIVE.match(n) for n in names) else []


DOES_RULE = True
# a clause's actors and their verb (区消防救援大队要…, 各乡镇负责…, 区应急局牵头…)
# (要 not as the end of 主要/重要/需要 …, 负责 not of 负责人: 各乡镇主要负责人春节期间… names no 各乡镇主)
_CLAUSE_VERB = (r"(?<![主重需只摘纲])要|须|必须|务必|应当|将|负责(?!人|同志)|牵头(?!单位|部门|处室|科室|股室)|"
                r"配合(?!单位|部门|处室|科室|股室)|协同|密切配合|作为|主要负责人要|主要负责同志要|主要负责同志作为|分别牵头|"
                r"统筹|参与|派员参加|参加|协助|请(?=于|在|按|将|认真|切实|务必|及时|抓紧|结合|对照)")
_CLAUSE_ACTOR = re.compile(rf"^(?P<names>.{{2,60}}?)(?P<verb>{_CLAUSE_VERB})")


@lru_cache(maxsize=64)
def _clause_actor_with(n: int) -> re.Pattern:
    return re.compile(rf"^(?P<names>.{{{n}}})(?P<verb>{_CLAUSE_VERB})")


def _clause_actor_at(c: str, n: int) -> re.Match | None:
    """_CLAUSE_ACTOR with the names ``n`` characters long."""
    return _clause_actor_with(n).match(c)
# a clause's actors followed by one of these take part in another unit's work (由区安委办牵头,区应急局、区水利局派员参加)
_SUPPORT_VERBS = frozenset(("参与", "派员参加", "参加", "协助"))
# the verbs after which 牵头 / 统筹 still give the lead (县应急管理局将牵头修订…, 市发展改革局负责统筹协调, SPEC §8)
_LEAD_AFTER = frozenset(("将", "要", "须", "必须", "负责", "应当"))
# parties a directive binds: units of a clause that opens with them before a modal verb only
_MODALS = frozenset(("要", "须", "必须", "务必", "应当"))
_PARTY = re.compile(r"(?:企业|队伍|经营者|经营户|系统|属地)$")


def _longest_names(stretch: str) -> list[str]:
    """The unit names of the longest head of ``stretch`` that ends with an organisation suffix and holds only
    unit names (由镇应急办汇总…, 会同各配合单位细化…), else []."""
    for weak in (False, True):  # a head ending in a sector word (…查处消防) only when no office ends one
        for end in range(min(len(stretch), 40), 1, -1):
            head = stretch[:end]
            if head.endswith("组") and stretch[end:end + 1] in ("成", "织", "建", "合"):
                continue  # 组成, 组织: a verb, not a team's name
            if not weak and _WEAK_END.search(head):
                continue
            if _ORG_END.search(head) and not _NOT_ACTOR.search(head) and not _VERBISH.search(head):
                names = _unit_names(head)
                if names:
                    return names
    return []


_WEAK_END = re.compile(r"(?:^|[、,，和及与])[^、,，和及与]{7,}(?:公安|消防|村|乡|镇|区|社区)$|(?<![、,，和及与])(?:公安|消防)$")


def _strong_names(names_part: str) -> bool:
    """A clause-initial stretch that is only full unit names (区森林防火指挥部、区教育局): each ends with an
    organisation suffix, and none is a collective or a bare word."""
    if _NOT_ACTOR.search(names_part):
        return False
    names = split_names(names_part)
    if len(names) >= 2 or names_part.startswith("各") or re.match(r"(?:其他|其余)[^\W\d_]{0,6}(?:单位|部门)$", names_part):
        return all(looks_like_unit(n) for n in names)
    return bool(names) and all(len(n) >= 3 and (_ORG_END.search(n) or (KNOWN_STRONG and n in _known()))
                               and not COLLECTIVE.match(n) for n in names)


KNOWN_STRONG = True  # a gazetteer name (镇安委会, 市防指) is a full unit name too


# a stretch that holds a preposition or a verb is no name list (为贯彻落实国务院安委会…, 根据市安委办…, 推动区安委会…)
_NOT_ACTOR = re.compile(r"^(?:为|根据|按照|依据|依照|推动|督促|指导|帮助|配合|协助|要求|经(?![发信开贸济管])|在|对|向|把|层层|结合|围绕|针对|通过|"
                        r"会同|联合|由|请|以|与|和|及)|的|将|要|应(?!急)|须|到|贯彻|落实|部署|动员")
# verbs that a name never holds: a head of a stretch that has one runs past the names (镇应急办汇总后报…)
_VERBISH = re.compile(r"\d|组成|成立|依法|查处|报|汇总|组织|开展|负责|发布|通知|细化|制定|统一|安排|派(?!出所)|抽调|协调|指导|督促|对|向|把|后|前|做好|加强|进行|"
                      r"检查|印发|召开|部署|举办|承办")


# the rule finder the recogniser is compared with when it is trained (pipeline.learn imports no stage)
# a time the recogniser's span took in at its head (防火期内镇森林防火指挥部办公室, 年底前各乡镇)
_SPAN_TIME = re.compile(r"^(?:[^\W\d_]{1,3}期(?:内|间)|[年月]?底前|年内|年初|年末|今年|明年|即日起|[上下]半年|[一二三四]季度(?:末|底)?前?)"
                        r"(?=..)")


# a recommendation's verb the span took in at its head (建议市政府…: the unit is 市政府; no name starts with 建议)
_SPAN_ADVICE = re.compile(r"^建议(?=..)")


def model_names(span: str) -> list[str]:
    """The names of a span the recogniser tagged: split as SPEC §4 says, a time at its head dropped, and a part
    that is no unit cut to the names it starts with (市政府挂牌督办 → 市政府, 各督查组直接通知 → 各督查组); a part
    that starts with no name (a bare sector of a list: 应急) is kept as tagged."""
    out = []
    for part in split_names(span):
        part = _SPAN_ADVICE.sub("", _SPAN_TIME.sub("", part))
        for end in range(2, len(part) - 1):  # the span ran on into what the unit does: cut at the verb
            if (_ORG_END.search(part[:end]) or COLLECTIVE.match(part)) and _SPAN_VERB.match(part, end) \
                    and looks_like_unit(part[:end]) \
                    and not _OFFICE_END.search(part) and part not in _known():  # 区委组织部 is one name
                part = part[:end]
                break
        out.append(part)
    return out


_OFFICE_END = re.compile(r"(?:部|局|委|队|所|站|中心|室|科)$")
# what a unit does, after its name (挂牌督办, 通报表彰, 直接通知, 带队, 依法查处)
_SPAN_VERB = re.compile(_VERBISH.pattern + "|" + _DOES.pattern + r"|挂牌|表彰|带队|约谈|直接|处罚|要|将|须|必须|应当|应(?!急)")


learned.register_rules(lambda text: [(u.name, u.role) for u in rule_actors(text)], model_names)


# -- where each unit is written (issue 9: units carry their span) ----------------------------------------------------

#: how far past a task's end its units are looked for (the parenthetical or 责任单位 cell that closes it)
_AFTER = 240
#: how far before a task's start (a 由…负责 sentence, a table row's unit cell before the task cell)
_BEFORE = 160


def _name_pattern(name: str) -> re.Pattern | None:
    """The name as written, allowing white space, a line break or a list separator between its characters (a
    table copy that broke a cell, 各县、区住建局 kept as one unit)."""
    chars = [re.escape(c) for c in name if not c.isspace()]
    if not chars:
        return None
    return re.compile(r"[\s、,，]{0,2}".join(chars))


_NAME_GAP = frozenset("、,，")  # what may stand between a name's characters besides white space


def _name_spans(text: str, name: str, start: int, end: int) -> list[tuple[int, int]]:
    """The spans ``_name_pattern(name).finditer(text, start, end)`` gives, found without compiling a pattern per
    name: on documents new to the process most names are new to re's cache, and compiling their patterns was
    nearly all of :func:`locate_units`'s time (the benchmark's 31 texts after other documents: 336 patterns,
    about 75 of 89 ms CPU). A name holding a gap character itself (、 , ，) is left to the pattern, whose
    backtracking then decides (``tests/test_speed_units.py``)."""
    chars = [c for c in name if not c.isspace()]
    if not chars:
        return []
    if not _NAME_GAP.isdisjoint(chars):
        return [m.span() for m in _name_pattern(name).finditer(text, start, end)]
    first, rest = chars[0], chars[1:]
    out = []
    i = text.find(first, start, end)
    while i >= 0:
        pos = i + 1
        for c in rest:  # at most two gaps, then the character (never a gap itself: no choice to backtrack on)
            gaps = 0
            while gaps < 2 and pos < end and (text[pos] in _NAME_GAP or text[pos].isspace()):
                pos += 1
                gaps += 1
            if pos < end and text[pos] == c:
                pos += 1
            else:
                pos = -1
                break
        if pos < 0:
            i = text.find(first, i + 1, end)
        else:
            out.append((i, pos))
            i = text.find(first, pos, end)
    return out


def locate_units(text: str, tasks: list) -> list:
    """The tasks with each unit's ``span`` in ``text``: where its name is written for that task.

    A unit is looked for first inside its task, then after it up to the next task (the parenthetical or
    the 责任单位 cell that closes it), then just before it (由…牵头 before the task's words). A unit whose
    name is not written near its task (a name the recogniser rebuilt) keeps ``span`` None. Units of one
    task that share a name take successive occurrences, so two units never get one span unless they
    were written once."""
    from dataclasses import replace

    tasks = [t if (u := heading_units(text, t)) is None else replace(t, units=tuple(u)) for t in tasks]
    out = []
    ordered = sorted(range(len(tasks)), key=lambda k: tasks[k].span)
    next_start = {}
    for a, b in zip(ordered, ordered[1:]):
        next_start[a] = tasks[b].span[0]
    for k, t in enumerate(tasks):
        if not t.units or all(u.span for u in t.units):
            out.append(t)
            continue
        s, e = t.span
        after = min(len(text), e + _AFTER, max(next_start.get(k, len(text)), e))
        windows = ((s, e), (e, after), (max(0, s - _BEFORE), s))
        taken: list[tuple[int, int]] = []
        units = []
        for u in t.units:
            span = u.span or _first_free(text, u.name, windows, taken)
            if span:
                taken.append(span)
            units.append(u if span == u.span else replace(u, span=span))
        out.append(replace(t, units=tuple(units)))
    return out


def _first_free(text: str, name: str, windows, taken) -> tuple[int, int] | None:
    for ws, we in windows:
        if we <= ws:
            continue
        # the window's last occurrence before the task (nearest to it), else the first one inside or after it
        found = [(s, e) for s, e in _name_spans(text, name, ws, we) if not any(a < e and s < b for a, b in taken)]
        if found:
            return found[-1] if we <= windows[0][0] else found[0]
    return None


# -- units written as the label or heading a task sits under ---------------------------------------------------------

# an item number at the head of a line, by its style: 一、 (一) 1. 1.1 (1) 1) ① 第一条
_NUMBERS = (
    ("cn", re.compile(r"[一二三四五六七八九十]{1,3}[、.．]")),
    ("(cn)", re.compile(r"[(（][一二三四五六七八九十]{1,3}[)）]")),
    ("d.d", re.compile(r"\d{1,2}(?:[.．]\d{1,2})+[.．、]?(?!\d)")),
    ("d.", re.compile(r"\d{1,2}[、.．](?!\d)")),
    ("(d)", re.compile(r"[(（]\d{1,2}[)）]")),
    ("d)", re.compile(r"\d{1,2}[)）]")),
    ("circled", re.compile(r"[①-⑳]")),
    ("article", re.compile(r"第[一二三四五六七八九十百零]{1,4}[条章节部分]")),
)
# an item number whose words start with a figure (1.3月底前…, 2.5家…): 1. then 3月, not the number 1.3
_NUMBER_THEN_COUNT = re.compile(r"\d{1,2}[.．](?=\d{1,4}(?:[—―\-－~～至到]|月|日|年|季度|个|家|次|项|%|万|亿|处|名|人|台|座|公里|场))")
# a heading or label's own words: the unit's name, then nothing, or a colon and what it does
_HEAD_NAME = re.compile(r"(?P<n>[^:：,，。;；\s]{2,40})\s*(?:[:：].*)?$")
# what a heading that names a unit ends with: an office, not a place or a field (园区, 学校, 企业 are fields too)
_HEAD_ORG = re.compile(r"(?:委员会|委会|指挥部|办公室|管理局|局|委|办|(?<![干内全])部|厅|大队|中队|支队|总队|所|站|中心|公司|集团|"
                       r"政府|管委会|(?<![重改编分班小])组|科|室|(?<![各此该两三四多等])处|股|专班|协会|工会|妇联|街道|乡镇)$")
_HEAD_LOOKBACK = 40  # lines
# a heading that names a unit's duties (五、各村（社区）工作职责; （二）县应急管理局主要职责): the unit is the one named
_DUTY_NOUN = re.compile(r"(?<=[^\W\d_]|[）)])的?(?:主要|工作|具体|安全生产)?(?:职责|工作任务|任务分工)(?:清单)?$")
# a field of a unit's record under its heading (（三）市住建局 / 职责：负责… / 年度任务： / 1.…): the unit is the heading's
_RECORD_FIELD = re.compile(r"^\s*(?:主要|工作|具体|安全生产|年度|重点|目标|本年度|\d{4}年度?)?(?:职责|任务|工作任务|工作职责|"
                           r"重点任务|目标任务|工作目标|工作措施|工作重点|主要措施)\s*[:：]")


def _number_style(line: str) -> tuple[str | None, int]:
    """(style, end) of the item number at the head of ``line`` (after its indent), or (None, indent)."""
    i = len(line) - len(line.lstrip())
    for style, rx in _NUMBERS:
        m = rx.match(line, i)
        if m:
            return style, m.end()
    return None, i


def _head_unit(words: str, label: bool) -> list[str] | None:
    """The units a heading or label names (县应急局, 三、安全环保部, 八、各街道办事处、镇人民政府：按照…, 六、各村党支部书记
    → 各村党支部: a unit named through its people is the unit), or None."""
    duties = _DUTY_NOUN.search(words.strip())
    m = _HEAD_NAME.match(words.strip()[:duties.start()] if duties else words.strip())
    if not m:
        return None
    label = label or bool(duties)  # a unit's duties: any unit, a collective (各村（社区）) too, as in a label
    names = _unit_names(_PERSON_TAIL.sub("", m.group("n")))
    if not names:
        return None
    for name in names:
        if _LABEL.fullmatch(name) or _NOT_ACTOR.search(name) or _NO_NAME.search(name):
            return None
        if not label and not (_HEAD_ORG.search(re.sub(r"[(（][^()（）]*[)）]$", "", name)) or name in _known()):
            return None
    return names


# a line that hands the list below it to its addressee: 请你县：, 请你单位：, 特请各乡镇：, 各单位要：, 要求你公司：
_ADDRESSEE_INTRO = re.compile(r"^(?:现|特|为此|对此|据此)?[,，]?(?:请|要求|责成|责令)(?P<n>[^,，。;；:：]{1,24}?)"
                              r"(?:认真|切实|抓紧|立即)?(?:做好|落实)?(?:(?:以下|如下|下列)[^,，。;；:：]{0,6})?[:：]\s*$"
                              r"|^(?P<m>[^,，。;；:：]{1,24}?)(?:(?:要|须|务必|必须|应当|应)"
                              r"(?:[^,，。;；:：]{1,4}?(?:以下|如下|下列)[^,，。;；:：]{0,10})?"
                              r"|(?:重点|着力|主要|具体|全力)?(?:做好|抓好|落实|完成|开展|履行|负责)(?:以下|如下|下列)[^,，。;；:：]{0,10})"
                              r"[:：]\s*$")
# a year the intro's actor is bound for (青岗镇人民政府2016年度应完成以下…：)
_INTRO_YEAR = re.compile(r"(?:\d{4}年度?|[今本明]年度?|年内)$")


_YOU = re.compile(r"你(?:们)?(?:[省市县区州旗镇乡村]|街道|单位|部门|局|委|办|公司|集团|厂|矿|校|院|所|站|队|中心|社区)")
# words that end in a person (组长, 同志, 负责人, 各位领导): people are not units (SPEC §8)
_PEOPLE_END = re.compile(r"(?:[组科处局部股队班站所院]长|主任|书记|同志|领导|负责人|干部|人员|职工|员工|代表|委员|专家)$")


def _intro_units(line: str, numbered: bool = True) -> list[Unit]:
    """The actors of a line that introduces a list (改正期间，你单位应当采取以下措施：; 各乡镇要重点做好以下工作：;
    the addressee a letter hands its list to: …现予以督办。请你县：, 责令你单位： over unnumbered lines too)."""
    last = re.split(r"[。;；!！?？]", line.rstrip().rstrip(":："))[-1]
    m = _ADDRESSEE_INTRO.match(re.split(r"[。;；!！?？,，]", line.rstrip())[-1].strip())
    if m:
        words = _INTRO_YEAR.sub("", (m.group("n") or m.group("m") or "").strip())
        if words and not _PEOPLE_END.search(words):
            if _YOU.fullmatch(words):  # the letter's addressee in the second person (你县, 你单位, 你公司)
                return [Unit(words, words, "responsible")]
            found = [u for u in (rule_actors("请" + words) or actors("请" + words))
                     if u.role in ("lead", "responsible") and not _NOT_ACTOR.search(u.name)]
            if found:
                return found
    if not numbered or not (re.search(r"(?:以下|如下|下列)[^,，。;；:：]{0,8}[:：]\s*$", line)
                            or not m and re.search(r"[:：]\s*$", line)):
        return []  # (a numbered heading that directs its items too: 2.市公安局要严厉打击…行为：(1)… (2)…)
    return [u for u in rule_actors(last) if u.role in ("lead", "responsible")]


# a rectification item's person in charge (责任人：护理部主任刘秀琴; 责任人：设备科): the unit is the one named
_PERSON_LINE = re.compile(r"[ \t　]*(?:整改)?责任人(?:及联系方式)?[ \t　]*[:：][ \t　]*(?P<v>[^\n]{2,40})")
_TITLE = re.compile(r"(?:主要负责人|负责人|主任|副主任|科长|副科长|部长|局长|副局长|站长|所长|队长|经理|书记|组长|院长|处长|主管)")


# a record's unit field on a line of its own (责任单位：…, 牵头科室：…；配合单位：…)
_FIELD_LINE = re.compile(rf"[ \t　|]*(?P<c>(?:{LABEL_FAMILY})(?:[及和、/]责任人)?[ \t　]*[:：][^\n]{{2,160}})")


def _person_line_units(text: str, end: int) -> list[Unit]:
    """The units of the 责任单位 or 责任人 line among the few lines right after a task (before a blank or numbered
    line)."""
    pos = text.find("\n", end)
    for _ in range(3):
        if pos < 0:
            return []
        nxt = text.find("\n", pos + 1)
        line = text[pos + 1:nxt if nxt >= 0 else len(text)]
        if not line.strip() or _number_style(line)[0] is not None:
            return []
        f = _FIELD_LINE.match(line)
        if f:  # a record's unit field below its measure (整改措施：… then 责任单位：县安监局，各乡镇)
            units = parse_unit_clause(f.group("c"))
            if units:
                return units
        m = _PERSON_LINE.match(line)
        if m:
            value = m.group("v").strip()
            t = _TITLE.search(value)
            names = _unit_names(value[:t.start()] if t else value)
            return [Unit(n, n, "responsible") for n in names if _HEAD_ORG.search(n)]
        pos = nxt
    return []


def heading_units(text: str, task) -> list[Unit] | None:
    """The units of a task that names no actor of its own but sits under a unit: a duty line's label (县发改局：将…,
    the task's words after the colon) or the heading of the list it is an item of (一、县应急局：… (1)负责… (2)…;
    三、安全环保部 1.负责…). None where the task has its own lead or responsible unit, or sits under no unit.

    The heading is the nearest line above the task's line with another numbering style than the task's own
    (its siblings and unnumbered lines between are passed over); a heading that names people (主要负责人,
    班组长) names no unit. The unit is responsible, or lead where the task's words lead (牵头开展…, 会同X…)."""
    if any(u.role in ("lead", "responsible") for u in task.units):
        return None
    s = task.span[0]
    trailer = _person_line_units(text, task.span[1])
    if trailer:
        return dedupe([*trailer, *task.units])
    line_start = text.rfind("\n", 0, s) + 1
    line_end = text.find("\n", s)
    line = text[line_start:line_end if line_end >= 0 else len(text)]
    # the number as far as the task's words start (4.6月底前完成…: item 4, whose words start with 6月底前)
    style, head_end = _number_style(line[:s - line_start])
    before = text[line_start + head_end:s] if s - line_start >= head_end else ""
    names = None
    if before.strip() and not _RECORD_FIELD.fullmatch(before):  # the task's words start after a label on its own line
        if re.search(r"[:：]\s*$", before):
            names = _head_unit(before, label=True)
        if names is None:
            return None
    else:
        pos = line_start
        passed_paragraph = False
        for _ in range(_HEAD_LOOKBACK):
            if pos <= 0:
                break
            prev_start = text.rfind("\n", 0, pos - 1) + 1
            prev = text[prev_start:pos - 1]
            pos = prev_start
            if not prev.strip() or _RECORD_FIELD.match(prev):
                continue  # a blank line, or another field of the record (职责：…; 年度任务：) under the unit's heading
            st, end = _number_style(prev)
            if st is not None and (st == style or style == "d." and _NUMBER_THEN_COUNT.match(prev.lstrip())):
                continue  # a sibling item (1.3月底前… is item 1 whose words start with 3月, not item 1.3)
            if st is None and passed_paragraph:
                break  # above a paragraph that opened the list: a salutation (各科室、各社区：), not a heading
            if st is None and style is not None and not re.search(r"[:：]\s*$", prev):
                names = _head_unit(prev, label=False)  # a heading line that is only a unit's name (安全环保部)
                if names is not None:
                    break
                passed_paragraph = True
                continue  # a sibling's continuation, or a paragraph between (not a heading)
            words = prev[end:]
            if style is None and re.search(r"[:：]\s*\S", words):
                break  # a duty line before an unnumbered paragraph is its sibling, not its heading
            names = _head_unit(words, label=bool(re.search(r"[:：]", words)))
            if names is None and (style is not None or re.search(r"[:：]\s*$", words)):
                intro = _intro_units(words, numbered=style is not None)  # 你单位应当采取以下措施：(一)… (二)…
                if intro:
                    return dedupe([*intro, *task.units])
                if st is None and style is not None and not passed_paragraph:
                    # an intro paragraph that names no actor of its own (…，具体负责以下工作：): the heading above it
                    passed_paragraph = True
                    continue
            break
        if names is None:
            return None
    tail = task.text
    # the role the item's own words give its heading's unit: 牵头开展… lead, 配合做好… support; a duty that starts with
    # 负责 keeps it responsible though it leads some of its work later (负责…，牵头开展…)
    role = ("support" if re.match(r"\s*(?:积极|主动)?(?:配合|协助|协同|参与)", tail) else
            "responsible" if re.match(r"\s*负责", tail) else
            "lead" if re.search(r"(?:^|[,，;；。])\s*(?:并)?(?:牵头|统筹|会同)", tail) else "responsible")
    return dedupe([*(Unit(n, n, role) for n in names), *task.units])
