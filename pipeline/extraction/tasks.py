"""Tasks (SPEC §3) with their units (SPEC §4) and deadlines (SPEC §5).

Where tasks are depends on the kind of document:
- plans: everywhere but the framing sections (指导思想, 总体要求, 工作目标 …);
- reports: only the forward-looking part — sections whose heading says 下一步,
  工作思路, 工作打算, 明年, 下半年 …, a paragraph from ``下一步,`` on, and the
  tail of a report after a hidden-text gap when its items are directives;
- speeches: the directives — numbered items and unnumbered directive paragraphs.

Within such a part, a unit parenthetical (or a ``责任单位:…`` line) closes each
task: the task runs from the end of the previous one, or from the item's body,
up to it. Without parentheticals each lowest-level item is one task, and its
units are the actors the sentences name. A table plan gives one task per row.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import replace

from ..model import Deadline, Document, Section, Task, Unit
from .deadlines import cell_deadlines, deadline_starts, find_deadlines, parse_deadline
from .units import (actors, closing_names, dedupe, looks_like_unit, names_only, parse_cut_clause, parse_unit_clause,
                    split_names, with_lead_roles)

FORWARD = re.compile(r"下一步|工作思路|工作打算|工作计划|工作安排|工作要求|工作重点|明年|下半年|下阶段|今后|努力方向|工作举措|"
                     r"(?:\d{4}|[xX]{2,4})年(?:度)?(?:主要)?工作(?:思路|计划|打算|重点|安排|要点)")
NEXT_YEAR = re.compile(r"明年|下一年|来年")
FRAMING = re.compile(r"指导思想|总体要求|工作目标|基本原则|总体目标|目标任务|主要目标|工作原则|适用范围|编制依据|总体思路|基本情况|"
                     r"存在的问题|存在问题|主要问题|工作成效|主要成效|取得的成效|主要做法|工作开展情况|主要工作情况|工作情况|发展现状|现状")
# a parenthetical, with names inside it that carry their own brackets (各镇(街道)牵头)
PAREN = re.compile(r"[(（](?P<c>(?:[^()（）\n]|[(（][^()（）\n]{1,12}[)）]){2,240})[)）]")
# a parenthetical the copy cut off at the very end of the text: (区公安分局、区民
PAREN_CUT = re.compile(r"[(（](?P<c>[^()（）\n]{2,240})$")
UNIT_LINE = re.compile(r"^(?P<c>(?:责任单位|责任部门|责任处室|牵头单位|牵头部门|牵头处室|配合单位)(?:[及和、/]责任人)?[:：][^\n]*)$", re.M)
# a unit clause closing a task's sentence: …增长8%,责任单位为区经信局;
# also after the sentence's full stop, with a support field after it and the time field that closes the item (…达到100%。
# 责任单位为县安委办，配合单位为县编办；完成时限：4月15日前。): the time field stays the task's deadline
UNIT_TAIL = re.compile(r"[,，;；。.]\s*(?P<c>(?:责任单位|责任部门|牵头单位|牵头部门)(?:[及和、/]责任人)?(?:为|[:：])[^。;；,，\n]{2,80}"
                       r"(?:[,，]\s*(?:配合|协办|参与|协助)(?:单位|部门)(?:为|[:：])[^。;；,，\n]{2,80})?)"
                       r"(?:[。;；,，]\s*(?P<t>(?:完成时限|完成时间|时间要求|时限要求|时限)\s*(?:为|[:：])[^。;；,，\n]{1,30}))?[。;；.]?$")
NEXT_STEP = re.compile(r"下一步[,，:：]?")
SIGNATURE = re.compile(r"\n(?:[^\n。]{2,40}\n)?(?:\d{4}|[二〇零一三四五六七八九]{4})年[\d一二三四五六七八九十]{1,3}月"
                       r"[\d一二三四五六七八九十]{1,3}日\s*$")
PHASE = re.compile(r"阶段|时间安排|步骤|[(（][^)）]*\d+\s*月[^)）]*[)）]")
# a paragraph that opens with work beside the phases (…（三）总结提升阶段（6月16日至6月30日）。…\n同时，抓好以下三项工作：一是…):
# the last phase's dates are not its tasks'
BESIDE_PHASES = re.compile(r"\n[ \t\u3000]*(?:同时|此外|另外|与此同时)[,，]")
COMMITMENT = re.compile(r"(?<=[。;；\n])[^。;；\n]{0,40}(?:确保|力争|计划于|将于|务必)[^。;；\n已了]{0,40}前[^。;；\n已了]{0,30}(?:完毕|完成|到位|办结)[^。;；\n]{0,20}[。;；]")
# a sentence that hands work to a unit (会后由安委办统一梳理): a task even outside the directives
HANDED = re.compile(r"(?<=[。;；:：\n])[^。;；:：\n]{0,40}由[^,，。;；]{2,20}?(?:统一|负责|牵头)[^。;；\n]{2,80}[。;；]")
DIRECTIVE = re.compile(r"要|请|必须|务必|须|应当|确保|一律|坚决|切实|抓好|做好|加强|推进|推动|落实|严格|强化|健全|完善|开展|持续|进一步")
RETRO = re.compile(r"了|以来|先后|累计|共计|共有|已经|已于|取得|成效|成绩|仍有|仍然|存在|不够|不到位|不足|薄弱|圆满|顺利|截至|截止")
_CLOSING = re.compile(r"^同志们[,，!！]")


_CLAUSE_SEP = re.compile(r"[,，;；]")
_N_WORDS: dict[int, re.Pattern] = {}


def _words_below(text: str, n: int) -> bool:
    """``len(re.sub(r"\\W", "", text)) < n`` (fewer than ``n`` word characters), looking no further than the n-th."""
    if len(text) < n:
        return True
    rx = _N_WORDS.get(n)
    if rx is None:
        rx = _N_WORDS[n] = re.compile(rf"(?:\W*\w){{{n}}}")
    return rx.match(text) is None


def _deadlines(text: str, year: int | None, offset: int) -> list[Deadline]:
    return list(find_deadlines(text, year, offset))


# a phase heading's date in brackets (动员部署（2020年5月）): a schedule cell, read even where a bare month in running
# text would not be
_PHASE_DATE = re.compile(r"[(（](?P<d>[^()（）]{2,30})[)）]")


def _phase_dates(heading: str, year: int | None, offset: int) -> list[Deadline]:
    out = []
    for m in _PHASE_DATE.finditer(heading):
        cell = m.group("d")
        d = parse_deadline(cell, year)
        if d is not None and d.kind != "recurring" and d.span[1] - d.span[0] >= len(cell.strip()) - 2:
            out.append(replace(d, span=(offset + m.start("d") + d.span[0], offset + m.start("d") + d.span[1])))
    return out


def _date_heading(heading: str, year: int | None, offset: int) -> list[Deadline]:
    """The date of a heading that is a date alone (a schedule's item: 1—2月, 3月份, 第三季度, 11月中旬前), or none."""
    core = heading.strip(" \t\u3000。.．:：")
    d = parse_deadline(core, year) if 0 < len(core) <= 16 else None
    if d is None or d.kind == "recurring" or d.span != (0, len(core)):
        return []
    at = offset + heading.index(core)
    return [replace(d, span=(at, at + len(core)))]


def _trim(doc: Document, start: int, end: int) -> tuple[int, int]:
    text = doc.text
    while start < end and text[start] in " \t\n,，;；:：。、)）|":
        start += 1
    while end > start and text[end - 1] in " \t\n|":
        end -= 1
    return start, end


def body_start(doc: Document, sec: Section) -> int:
    """Where an item's own words start: after its heading when the first sentence is a heading.

    A heading is a line of its own, or a short first sentence without commas (认真学习贯彻…重要论述。);
    a first sentence that is itself the work (6月1日前,各乡镇…须设立宣传栏。) is kept.
    """
    if not sec.heading_span:
        return sec.body_start
    hs, he = sec.heading_span
    heading = doc.text[hs:he]
    after = doc.text[he:he + 2]
    own_line = he >= len(doc.text) or after[:1] in ("\n", "|") or (after[:1] in "。:：" and after[1:2] in ("\n", ""))
    if own_line or len(heading) <= 16 or (len(heading) <= 40 and not _CLAUSE_SEP.search(heading)):
        return sec.body_start
    return hs


SPEECH_FRAME = re.compile(r"同志们|刚才|大家一起|这次会议|今天.{0,6}会议|下面|我讲|讲几点|强调几点|讲话$|的讲话|副[县区市镇]长|"
                          r"书记|^在.{2,30}会")
_SENTENCE = re.compile(r"[^。!?！？:：]*[。!?！？:：]?")


def _trim_frame(text: str, start: int, end: int) -> tuple[int, int]:
    """Drop a speech's framing sentences around a directive paragraph (同志们:刚才… / 我再强调几点:)."""
    sents = [(m.start() + start, m.end() + start) for m in _SENTENCE.finditer(text[start:end]) if m.group()]
    while sents and SPEECH_FRAME.search(text[sents[0][0]:sents[0][1]]) and not DIRECTIVE_CORE.search(
            text[sents[0][0]:sents[0][1]]):
        sents.pop(0)
    while sents and text[sents[-1][1] - 1] in ":：" and len(sents) > 1:
        sents.pop()
    if not sents:
        return start, end
    return sents[0][0], sents[-1][1]


def _leaves(sections: tuple[Section, ...]) -> list[Section]:
    parents = {s.parent for s in sections}
    return [s for s in sections if s.id not in parents]


class _Index:
    """The section tree of one Document, indexed once: ids, and starts for a binary search."""

    def __init__(self, sections: tuple[Section, ...]):
        self.sections = sections
        self.by_id = {s.id: s for s in sections}
        self.order = sorted(sections, key=lambda s: (s.span[0], s.level))
        self.starts = [s.span[0] for s in self.order]
        self.reach = []  # the furthest end of the sections up to each one: nothing before can hold a later pos
        end = -1
        for sec in self.order:
            end = max(end, sec.span[1])
            self.reach.append(end)
        # per section (by identity; the index holds the sections): in a framing part? its forward part?
        self.framing: dict[int, bool] = {}
        self.forward: dict[int, Section | None] = {}
        self.paths: dict[int, list[str]] = {}  # headings of the section and its ancestors (the task model's)


_INDEX: list[_Index] = []


def _index(doc: Document) -> _Index:
    if not _INDEX or _INDEX[0].sections is not doc.sections:
        _INDEX[:] = [_Index(doc.sections)]
    return _INDEX[0]


def _section_at(doc: Document, pos: int) -> Section | None:
    """``_section_at(doc, pos)`` by binary search: walking back from the last section that starts at or before
    ``pos``, the first one that holds it is the deepest (a descendant starts no earlier than its ancestor)."""
    ix = _index(doc)
    i = bisect.bisect_right(ix.starts, pos) - 1
    while i >= 0 and ix.reach[i] > pos:
        sec = ix.order[i]
        if sec.span[1] > pos:
            return sec
        i -= 1
    return None


def _ancestors(doc: Document, sec: Section | None) -> list[Section]:
    by_id = _index(doc).by_id
    out = []
    while sec is not None:
        out.append(sec)
        sec = by_id.get(sec.parent) if sec.parent else None
    return out


def _in_framing(doc: Document, sec: Section | None) -> bool:
    ix = _index(doc)
    if sec is None or ix.by_id.get(sec.id) is not sec:  # memoised for the document's own sections only
        return any(FRAMING.search(s.heading[:20]) for s in _ancestors(doc, sec))
    hit = ix.framing.get(id(sec))
    if hit is None:
        hit = ix.framing[id(sec)] = any(FRAMING.search(s.heading[:20]) for s in _ancestors(doc, sec))
    return hit


def in_next_years_part(doc: Document, pos: int) -> bool:
    """Whether ``pos`` lies in a part that plans the year after the document's (SPEC §5): a forward-looking section
    naming the next year (明年工作打算, 2025年工作计划 in a 2024 report), or any section whose heading opens with the next
    year's work (二、2013年工作措施 in a 2012 report)."""
    year = doc.year
    sec = _section_at(doc, pos)
    fwd = _forward(doc, sec)
    if fwd is not None and (NEXT_YEAR.search(fwd.heading) or re.search(rf"{year + 1}\s*年", fwd.heading)):
        return True
    return any(re.match(rf"\s*{year + 1}\s*年度?[^，,。；;]{{0,6}}?(?:工作|措施|举措|任务|计划|打算|安排|重点|思路)",
                        s.heading) for s in _ancestors(doc, sec))


def _forward(doc: Document, sec: Section | None) -> Section | None:
    """The forward-looking section this one lies in, if any."""
    ix = _index(doc)
    if sec is None or ix.by_id.get(sec.id) is not sec:
        return next((s for s in _ancestors(doc, sec) if FORWARD.search(s.heading[:30])), None)
    if id(sec) not in ix.forward:
        ix.forward[id(sec)] = next((s for s in _ancestors(doc, sec) if FORWARD.search(s.heading[:30])), None)
    return ix.forward[id(sec)]


# 要 as a directive: after a clause start or an actor (各部门要, 我们要), not 主要/需要/重要/要求
DIRECTIVE_CORE = re.compile(r"(?:^|(?<=[,，。;；:：\n局委办部队所站心院校司府道镇乡街区县市门位们都也还更]))(?:要|须|必须|务必)"
                            r"(?!求|点|素|害|闻|件|是)|请各|请大家|请同志们|务必|"
                            r"(?<=[局委办部队所站心院校司府道镇乡街区县市门位会])将(?=[把对以加进继全持组开做推])")


def _is_plan_like(par: str) -> bool:
    """Words of work to do rather than work done."""
    if _CLOSING.match(par):
        return False
    return len(DIRECTIVE.findall(par)) > 2 * len(RETRO.findall(par))


def _is_directive(par: str) -> bool:
    return bool(DIRECTIVE_CORE.search(par)) and _is_plan_like(par)


class _Builder:
    """Collects tasks. A light builder (for candidates) leaves units and deadlines to the choice:
    they are found only for the candidates chosen."""

    def __init__(self, doc: Document, light: bool = False, memo: dict | None = None):
        self.doc = doc
        self.tasks: list[Task] = []
        self.light = light
        self.pending: dict[tuple[int, int], tuple[list[Unit] | None, list[Deadline]]] = {}
        # what the builders of one text share (task_candidates asks the rules of every genre): the unit
        # closers of a part and the table rows' tasks, which do not depend on the doc_type
        self.memo = {} if memo is None else memo

    def year_for(self, pos: int) -> int | None:
        year = self.doc.year
        return year + 1 if year and in_next_years_part(self.doc, pos) else year

    def phase_deadlines(self, sec: Section | None, span: tuple[int, int], have: list[Deadline]) -> list[Deadline]:
        """The dates of a phase heading above the task (集中攻坚阶段(2023年8月至11月)) are its deadlines (SPEC §8); so is
        the date of a schedule item's heading that is a date alone (（三）4月至6月。开展…, （五）第三季度。…)."""
        out: list[Deadline] = []
        keys = {(d.kind, d.date, d.start, d.end, d.freq, d.min_count) for d in have}
        for anc in _ancestors(self.doc, sec):
            if not anc.heading_span or anc.heading_span[1] > span[0] and anc.heading_span[0] < span[1]:
                continue  # the task's own words
            hs, he = anc.heading_span
            heading = self.doc.text[hs:he]
            if BESIDE_PHASES.search(self.doc.text, he, span[0]):
                continue
            if PHASE.search(heading):
                found = _deadlines(heading, self.year_for(hs), hs) or _phase_dates(heading, self.year_for(hs), hs)
            else:
                found = _date_heading(heading, self.year_for(hs), hs)
            for d in found:
                key = (d.kind, d.date, d.start, d.end, d.freq, d.min_count)
                if key not in keys:
                    keys.add(key)
                    out.append(d)
        return out

    def add(self, start: int, end: int, units: list[Unit] | None, extra_deadlines: list[Deadline] = (),
            min_len: int = 4) -> None:
        start, end = _trim(self.doc, start, end)
        tail = SIGNATURE.search(self.doc.text, start, end)
        if tail:  # the issuer's name and the date under the last item are not its words
            start, end = _trim(self.doc, start, tail.start())
        text = self.doc.text[start:end]
        closer = UNIT_TAIL.search(text) if "单位" in text or "部门" in text else None
        tail_units = parse_unit_clause(closer.group("c")) if closer else None
        if tail_units:  # the closing unit clause names the units; it is not the task's words
            if closer.group("t"):  # nor is the time field after it, whose deadline stays the task's
                at = start + closer.start("t")
                extra_deadlines = [*extra_deadlines, *_deadlines(closer.group("t"), self.year_for(start), at)]
            end = start + closer.start()
            text = self.doc.text[start:end]
            named = {u.name for u in units or ()}
            units = [*(units or ()), *(u for u in tail_units if u.name not in named)]
        closing = closing_names(text) if units is None and "由" in text else None
        if closing:  # 由X牵头，Y配合。 after the words names their units, as a parenthetical would (SPEC §8)
            end = start + len(text[:closing[0]].rstrip())
            text, units = self.doc.text[start:end], closing[1]
        if _words_below(text, min_len):
            return
        sec = _section_at(self.doc, start)
        if self.light:
            self.pending.setdefault((start, end), (units, list(extra_deadlines)))
            self.tasks.append(Task(id=f"t{len(self.tasks) + 1}", section_id=sec.id if sec else None,
                                   span=(start, end), text=text, units=tuple(units or ()),
                                   deadlines=tuple(extra_deadlines)))
            return
        if units is None:
            units = actors(text)
        deadlines = _deadlines(text, self.year_for(start), start)
        said = {(d.kind, d.date, d.start, d.end, d.freq) for d in deadlines}
        # a time cell or field after the words that restates their own deadline (每季度 beside 每季度至少…1次) is that
        # deadline; a phase sentence before them (…阶段,时间为即日起至11月15日。) stays a deadline of its own (SPEC §8)
        deadlines += [d for d in extra_deadlines if (d.kind, d.date, d.start, d.end, d.freq) not in said
                      or (d.span is not None and d.span[1] <= start)]
        deadlines += self.phase_deadlines(sec, (start, end), deadlines)
        self.tasks.append(Task(id=f"t{len(self.tasks) + 1}", section_id=sec.id if sec else None, span=(start, end),
                               text=text, units=tuple(dedupe(units)), deadlines=tuple(deadlines)))


def _unit_closers(doc: Document, start: int, end: int) -> list[tuple[int, int, list[Unit]]]:
    """Unit parentheticals and 责任单位 lines in [start, end): (start, end, units)."""
    text = doc.text
    out = []
    for rx in (PAREN, UNIT_LINE, PAREN_CUT):
        for m in rx.finditer(text, start, end):
            if rx is PAREN_CUT and m.end() != len(text.rstrip()):
                continue
            units = (parse_cut_clause if rx is PAREN_CUT else parse_unit_clause)(m.group("c"))
            if not units and rx is PAREN:
                units = _bare_closer(text, m)
            if units:
                out.append((m.start(), m.end(), units))
    out.sort()
    return out


# a parenthetical of unit names alone after a finished sentence, ending its line (…4月底前印发实施。（党政办、安环局）):
# it closes the item as 责任单位 would (SPEC §3); inside a sentence a bracketed name is an alias (报县安委办（县应急局）)
_BARE_CLOSER_BEFORE = "。；;！!"
_BARE_CLOSER_AFTER = re.compile(r"[。;；]?[ \t\u3000]*(?:\n|$)")


def _bare_closer(text: str, m: re.Match) -> list[Unit] | None:
    if m.start() == 0 or text[m.start() - 1] not in _BARE_CLOSER_BEFORE or not _BARE_CLOSER_AFTER.match(text, m.end()):
        return None
    names = split_names(m.group("c"))
    if not names or not all(looks_like_unit(x) for x in names):
        return None
    return [Unit(name=x, canonical=x, role="responsible") for x in names]


# the time field of a unit parenthetical (牵头单位：…；配合单位：…；时限：2025年4月底前)
_CLOSER_TIME = re.compile(r"(?:完成|整改|办结)?(?:时限|时间|期限)[:：]\s*(?P<t>[^;；,，)）\n]{2,30})")


def _closer_deadlines(b: _Builder, start: int, end: int) -> list[Deadline]:
    """The deadlines a unit parenthetical states in its own time field: the task's, though the parenthetical is
    left out of the task text (SPEC §4)."""
    out: list[Deadline] = []
    for m in _CLOSER_TIME.finditer(b.doc.text, start, end):
        out += _deadlines(m.group("t"), b.year_for(m.start("t")), m.start("t"))
    return out


def _region_tasks(b: _Builder, start: int, end: int, *, speech: bool, framing: bool = True) -> None:
    """Tasks of one part of the document: closed by parentheticals, or one per item / directive paragraph."""
    doc = b.doc

    def _framed(sec):  # a framing section's words are no tasks, unless 下一步 says they are
        return framing and _in_framing(doc, sec)
    key = ("closers", doc.text, start, end)
    closers = b.memo.get(key)
    if closers is None:
        closers = b.memo[key] = _unit_closers(doc, start, end)
    if closers:
        prev = start
        for cs, ce, units in closers:
            sec = _section_at(doc, cs)
            body = body_start(doc, sec) if sec and body_start(doc, sec) <= cs else prev
            s = max(prev, body)
            if sec and sec.span[0] >= prev:  # the item starts after the previous task: its body, not its heading
                s = max(s, body_start(doc, sec))
                ts, te = _trim(doc, s, cs)
                if te - ts < 4 and sec.heading_span:  # nothing but the heading before the closer: it is the task
                    s = sec.heading_span[0]
            b.add(s, cs, with_lead_roles(units, doc.text[s:cs]), _closer_deadlines(b, cs, ce))
            prev = ce
        # a last item cut off before its parenthetical (or one without any): its directive words are a task
        tail_s, tail_e = _trim(doc, prev, end)
        sec = _section_at(doc, tail_s)
        if sec is not None and sec.span[0] >= prev:
            tail_s = max(tail_s, body_start(doc, sec))
        worded = _is_directive if speech or doc.doc_type != "plan" else _is_plan_like
        if tail_e - tail_s >= 8 and worded(doc.text[tail_s:tail_e]) and not _framed(sec):
            b.add(tail_s, tail_e, None)
        # items that close with no parenthetical of their own, among items that do: one task each
        done = [t.span for t in b.tasks]
        closer_starts = [cs for cs, _, _ in closers]  # sorted
        for leaf in _leaves(doc.sections):
            if not (start <= leaf.span[0] < end) or _framed(leaf):
                continue
            k = bisect.bisect_left(closer_starts, leaf.span[0])
            if k < len(closer_starts) and closer_starts[k] < leaf.span[1]:  # a closer inside the leaf
                continue
            ls, le = _trim(doc, body_start(doc, leaf), min(leaf.span[1], end))
            if le - ls < 4 and leaf.heading_span:
                ls, le = leaf.heading_span[0], min(leaf.span[1], end)
            if any(ts < le and te > ls for ts, te in done) or not worded(doc.text[ls:le]):
                continue
            b.add(ls, le, None)
        return
    leaves = [s for s in _leaves(doc.sections) if start <= s.span[0] < end and not _framed(s)]
    if speech:  # a speech's top-level heading over several paragraphs is a topic: its paragraphs are the directives
        leaves = [s for s in leaves if not (s.marker == "一、" and "\n" in doc.text[s.body_start:s.span[1]].strip())]
    covered = []
    for sec in leaves:
        s_end = min(sec.span[1], end)
        closing = re.search(r"\n(?:同志们[,，!！]|[^\n]{2,30}\n\d{4}年\d{1,2}月\d{1,2}日\s*$)", doc.text[sec.span[0]:s_end])
        if closing:  # the closing exhortation, or a signature and date, is not the last item's
            s_end = sec.span[0] + closing.start()
        body_s, body_e = _trim(doc, body_start(doc, sec), s_end)
        if body_e - body_s < 4:  # the item is its heading alone
            body_s, body_e = sec.heading_span if sec.heading_span else (sec.span[0], s_end)
            body_e = min(s_end, body_e + 1)
        elif sec.heading_span and _TIME_CLOSER.fullmatch(doc.text, body_s, body_e):
            body_s = sec.heading_span[0]  # its heading and the time field closing it (新建…5个。（完成时限：…）)
        if speech and not (sec.marker == "一要" or _is_plan_like(doc.text[body_s:body_e])):
            continue
        b.add(body_s, body_e, None)
        covered.append(sec.span)
    # directive paragraphs outside the items (speeches; forward parts without items); a line that runs
    # into an item (a web copy that lost its line breaks) is cut where the item starts
    cuts = sorted({start, end} | {start + m.end() for m in re.finditer("\n", doc.text[start:end])}
                  | {s.span[0] for s in doc.sections if start < s.span[0] < end})
    # the covered spans by start, with the furthest end among each prefix: whether a paragraph starts inside or
    # overlaps one is a bisection (a scan of every covered span per paragraph was quadratic in items)
    covered.sort()
    cov_starts = [cs for cs, _ in covered]
    cov_reach = []
    for _, ce in covered:
        cov_reach.append(max(ce, cov_reach[-1]) if cov_reach else ce)

    def covered_reach(k: int) -> int:  # the furthest end of the covered spans that start before index k
        return cov_reach[k - 1] if k > 0 else -1
    for ps, pe in zip(cuts, cuts[1:]):
        par = doc.text[ps:pe]
        if par.endswith("\n"):
            pe -= 1
            par = par[:-1]
        if not par.strip() or covered_reach(bisect.bisect_right(cov_starts, ps)) > ps:  # ps inside a covered span
            continue
        sec = _section_at(doc, ps)
        if sec is not None and sec.span[0] == ps and sec.body_start >= pe:
            continue  # a heading line
        if sec is not None and sec.span[0] <= ps < sec.body_start:
            ps = sec.body_start
        if _framed(sec):
            continue
        if _is_directive(doc.text[ps:pe]):
            if covered_reach(bisect.bisect_left(cov_starts, pe)) > ps:  # overlaps a covered span
                continue
            if doc.text[ps:pe].rstrip().endswith((":", "：")) and len(doc.text[ps:pe].strip()) <= 40:
                continue  # a lead-in to the items that follow (重点抓好两方面工作:)
            ps, pe = _trim_frame(doc.text, ps, pe)
            b.add(ps, pe, None)
    b.tasks.sort(key=lambda t: t.span)


_UNIT_HEADER = re.compile(r"^(?:(?:责任|牵头|配合|协办|协助|参与|主办|承办|监考|考核|主管|实施|督办|统筹)(?:单位|部门|处室|科室|主体|清单)"
                          r"|工作统筹|单位|部门)$")
_COLUMN_LABEL = {"牵头": "牵头单位", "统筹": "牵头单位", "主办": "牵头单位", "配合": "配合单位", "协办": "配合单位",
                 "协助": "配合单位", "参与": "配合单位"}
_CONTENT_HEADER = re.compile(r"具体工作内容|(?:检查|督查|督导|排查|整治)对象|工作内容|工作措施|主要任务|重点任务|任务|整治行业|行业|领域|内容|事项|项目|指标|措施")
_TIME_HEADER = re.compile(r"完成时限|时间安排|时限|完成时间|时间节点|进度安排|时间|进度要求|期限")
_TARGET_HEADER = re.compile(r"^(?:(?:年度|预期|考核|具体)?目标(?:值|任务)?|指标值|任务目标|目标要求)$")
_SEQ_HEADER = re.compile(r"^(?:序号|编号|序)$")
_SCORE_HEADER = re.compile(r"^(?:分值|分数|权重|得分|考核分值)$")
_CELL_HEADING = re.compile(r"^(?:[一二三四五六七八九十]+、|[(（][一二三四五六七八九十]+[)）])")
# a cell that is only an item marker: 1 / 1. / (一) / 一、
_MARKER_CELL = re.compile(r"^(?:\d{1,3}[.、．]?|[(（][一二三四五六七八九十\d]+[)）]|[一二三四五六七八九十]+、?)$")
_OTHER_HEADER = re.compile(r"备注|对象|责任人|领导|联系人|情况|要求|方式|方法|办法|说明|依据|标准|数量|名称|类别|地点|问题")
_HEADER_NOTE = re.compile(r"[(（][^()（）]*[)）]?$")
# a cell that says the row's work is done (已完成 / 已整改 / 已完成整改 / 已办结销号)
_DONE_CELL = re.compile(r"^(?:均|全部|目前)?已(?:完成|整改|落实|办结|销号|整治)(?:整改|整治|销号)?(?:到位|完毕)?[。.]?$")
# a header that names the work and its time in one cell (整改措施及时限, 工作措施和完成时间): the work column
_WORK_AND_TIME = re.compile(r"^[^及和与、]*(?:措施|任务|内容|事项)[^及和与、]*[及和与、](?:完成)?(?:时限|时间|期限)$")
_DECOR = re.compile(r"[『』【】\[\]「」〖〗]")


def _column_label(h: str) -> str:
    """The unit clause label of a unit column: its role (统筹 and 牵头 lead, 配合 support, SPEC §4/§8)."""
    return next((label for cue, label in _COLUMN_LABEL.items() if cue in h), "责任单位")


def _header_kind(h: str) -> str | None:
    """What a header cell names: seq, unit, time, score, target, content or other; None for no header word."""
    h = _DECOR.sub("", h.strip())  # 『序号』, 【责任单位】, [完成时间]: the words inside
    h = _HEADER_NOTE.sub("", h).strip() if len(h) > 2 else h
    if not _is_header_word(h):
        return None
    if _SEQ_HEADER.match(h):
        return "seq"
    if _UNIT_HEADER.match(h):
        return "unit"
    if _SCORE_HEADER.match(h):
        return "score"
    if _TARGET_HEADER.match(h):
        return "target"
    if _WORK_AND_TIME.match(h):
        return "content"
    if _TIME_HEADER.search(h):
        return "time"
    if _CONTENT_HEADER.search(h):
        return "content"
    return "other" if _OTHER_HEADER.search(h) else "unknown"


def _table_rows(doc: Document) -> list[list[tuple[int, int]]]:
    """The rows of the text's tables, as cell spans: rows written "a | b | c", and copies that put
    one cell per line ("a |", with "|||" for empty cells), regrouped by the header's width."""
    text = doc.text
    rows: list[list[tuple[int, int]]] = []
    pending: list[tuple[int, int]] = []
    width = 0
    pos = 0
    for line in text.split("\n"):
        ls, le = pos, pos + len(line)
        pos = le + 1
        if "|" not in line:
            if pending:
                rows.append(pending)
                pending = []
            continue
        body = line.strip()
        cells = []
        for m in re.finditer(r"[^|]*", line):
            if m.start() > 0 and line[m.start() - 1] != "|":
                continue
            cells.append(_trim(doc, ls + m.start(), ls + m.end()))
        if line.rstrip().endswith("|"):
            cells = cells[:-1]  # the empty piece after the closing bar
        if body.startswith("|") and cells and cells[0][0] == cells[0][1]:
            cells = cells[1:] if len(cells) > 1 and not re.fullmatch(r"\|+", body) else cells
        one_cell = line.count("|") == 1 and line.rstrip().endswith("|") or re.fullmatch(r"\|+", body)
        if not one_cell:
            if pending:
                rows.append(pending)
                pending = []
            rows.append(cells)
            if not width and any(_header_kind(text[s:e]) == "unit" for s, e in cells):
                width = len(cells)
            continue
        if re.fullmatch(r"\|+", body):
            cells = [(ls, ls)] * len(body)
        pending.extend(cells)
        if not width:
            hk = next((k for k, (s, e) in enumerate(pending) if _header_kind(text[s:e]) == "unit"), None)
            if hk is not None:
                # the header run: the short words around 责任单位; it ends at the first real cell
                h0 = hk
                while h0 > 0 and _is_header_word(text[pending[h0 - 1][0]:pending[h0 - 1][1]]):
                    h0 -= 1
                h1 = hk
                while h1 + 1 < len(pending) and _is_header_word(text[pending[h1 + 1][0]:pending[h1 + 1][1]]):
                    h1 += 1
                if h1 + 1 < len(pending):  # the header is complete
                    if h0:
                        rows.append(pending[:h0])
                    width = h1 - h0 + 1
                    rows.append(pending[h0:h1 + 1])
                    pending = pending[h1 + 1:]
        while width and len(pending) >= width:
            rows.append(pending[:width])
            pending = pending[width:]
    if pending:
        rows.append(pending)
    return rows


def _is_header_row(kinds: list[str | None]) -> bool:
    """A run of header words naming a task table: some work, and who does it or by when."""
    if len(kinds) < 3 or any(k is None for k in kinds) or kinds[-1] == "unknown":
        return False
    return "content" in kinds and ("unit" in kinds or "time" in kinds and "target" not in kinds) \
        or "content" in kinds and "target" in kinds and ("unit" in kinds or "score" in kinds)


_ROW_NUMBER = re.compile(r"\d{1,3}[.、．]?")
_DATE_LINE = re.compile(r"^(?:\d{4}|[二〇零一三四五六七八九]{4})年[\d一二三四五六七八九十]{1,3}月[\d一二三四五六七八九十]{1,3}日$")


def _flat_tables(doc: Document) -> list[tuple[list[tuple[int, int]], list[tuple[int, int]], list[bool]]]:
    """Tables the copy flattened without bars: a run of header lines (项目 / 分值 / 目标任务 / 监考单位), then
    one cell per line; or a header line of words apart and one row per line, cells apart by spaces or tabs.
    Each: (header cell spans, cell spans, for each cell whether a row must start there)."""
    text = doc.text
    lines, pos = [], 0
    for line in text.split("\n"):
        lines.append((pos, pos + len(line)))
        pos += len(line) + 1
    out = []
    i = 0
    while i < len(lines):
        ls, le = _trim(doc, *lines[i])
        if "|" in text[lines[i][0]:lines[i][1]]:
            i += 1
            continue
        # a header line of words apart (序号 主要任务 具体工作内容 责任单位 完成时限)
        words = [(ls + m.start(), ls + m.end()) for m in re.finditer(r"\S+", text[ls:le])]
        if len(words) >= 3 and _is_header_row([_header_kind(text[s:e]) for s, e in words]):
            cells, breaks = [], []
            numbered = None  # rows that open with their number (1, 2 …): a line without one goes on with the row above
            open_cell = False  # the line above ended inside a cell (a PDF's table wrapped it: …隐患台 / 账。)
            j = i + 1
            while j < len(lines):
                s0, e0 = _trim(doc, *lines[j])
                line = text[s0:e0]
                parts = re.split(r"\t|\s{2,}", line)
                if len(parts) < 2:
                    parts = line.split()
                if numbered is None:
                    numbered = bool(parts) and bool(_ROW_NUMBER.fullmatch(parts[0]))
                wrapped = bool(numbered and cells and parts and not _ROW_NUMBER.fullmatch(parts[0]))
                if not line or "|" in line or len(parts) < (1 if wrapped else 2) or len(parts) > len(words) + 1 \
                        or wrapped and len(cells) >= 2 and _DATE_LINE.match(line):
                    break
                p = s0
                for k, part in enumerate(parts):
                    ps = text.index(part, p)
                    if k == 0 and wrapped and open_cell:
                        cells[-1] = (cells[-1][0], ps + len(part))  # the rest of the cell the line above cut
                    else:
                        cells.append((ps, ps + len(part)))
                        breaks.append(k == 0 and not wrapped)
                    p = ps + len(part)
                raw = text[lines[j][0]:lines[j][1]]
                open_cell = not re.search(r"(?:\t|\s{2,})$", raw)
                j += 1
            if cells:
                out.append((words, cells, breaks))
            i = j
            continue
        # a run of header lines, one header word per line
        j = i
        kinds = []
        while j < len(lines):
            s0, e0 = _trim(doc, *lines[j])
            k = _header_kind(text[s0:e0]) if s0 < e0 and "|" not in text[s0:e0] else None
            if k is None:
                break
            kinds.append(k)
            j += 1
        while kinds and kinds[-1] == "unknown":  # a header ends at its last known word (not at 宏观调控 after it)
            kinds.pop()
            j -= 1
        if len(kinds) >= 3 and _is_header_row(kinds):
            header = [_trim(doc, *lines[k]) for k in range(i, j)]
            cells = []
            while j < len(lines):
                s0, e0 = _trim(doc, *lines[j])
                line = text[s0:e0]
                if s0 == e0 or "|" in line or _DATE_LINE.match(line) or re.match(r"(?:备\s*)?注[:：]", line):
                    break
                cells.append((s0, e0))
                j += 1
            if cells:
                out.append((header, cells, [False] * len(cells)))
            i = j
            continue
        i = max(j, i + 1)
    return out


def _sync(cells: list[str], kinds: list[str], main: int, breaks: list[bool] | None, cell_kind) -> list[list[int | None]]:
    """Rows rebuilt from a run of cells by their types: each cell is put in a column of the header, left to
    right within a row, so that the cells fit their columns best (a unit list under 责任单位, a deadline under
    完成时限, a number under 分值 …) and as few columns as possible go missing (merged cells of the copy).
    ``breaks[i]`` True: a row starts at cell i, False: it continues the row (rows given by lines); None: free.
    Returns, for each row, the cell index of each column (None: missing)."""
    w = len(kinds)
    skip = {"seq": 0.2, "content": 0.3, "unit": 1.5, "time": 1.5, "target": 1.5, "score": 1.0, "other": 0.8}
    skip_cost = [5.0 if c == main else skip.get(k, 1.0) for c, k in enumerate(kinds)]
    pre = [0.0]
    for c in range(w):
        pre.append(pre[-1] + skip_cost[c])

    def skipped(a: int, b: int) -> float:  # columns a..b-1 missing
        return pre[b] - pre[a] if b > a else 0.0

    def emit(i: int, c: int) -> float:
        t = cell_kind(i)
        k = kinds[c]
        if t == "empty":
            return 0.0
        table = {
            "seq": {"marker": 0.0, "number": 0.3},
            "score": {"number": 0.0, "marker": 0.0},
            "unit": {"units": 0.0},
            "time": {"deadline": 0.0},
            "target": {"number": 0.5, "marker": 0.8, "target": 0.5, "short": 1.0, "text": 1.5, "long": 3.0, "deadline": 2.0},
            "content": {"long": 0.0, "text": 0.3, "short": 0.8, "target": 1.5, "units": 3.0, "deadline": 4.0,
                        "heading": 0.5},
            "other": {"short": 1.0, "text": 1.5, "long": 2.5, "number": 1.5, "units": 2.5, "target": 1.5},
        }
        return table[k].get(t, 8.0)

    n = len(cells)
    inf = float("inf")
    new_row = 1.0
    cost = [[inf] * w for _ in range(n)]
    back: list[list[tuple[int, bool] | None]] = [[None] * w for _ in range(n)]
    for c in range(w):
        if breaks is None or breaks[0] is not False:
            cost[0][c] = skipped(0, c) + emit(0, c)
    for i in range(1, n):
        em = [emit(i, c) for c in range(w)]
        for c in range(w):
            best, arg = inf, None
            for p in range(w):
                if cost[i - 1][p] == inf:
                    continue
                if c > p and (breaks is None or not breaks[i]):  # the same row
                    v = cost[i - 1][p] + skipped(p + 1, c)
                    if v < best:
                        best, arg = v, (p, False)
                if breaks is None or breaks[i]:  # a new row
                    v = cost[i - 1][p] + skipped(p + 1, w) + new_row + skipped(0, c)
                    if v < best:
                        best, arg = v, (p, True)
            if arg is not None:
                cost[i][c] = best + em[c]
                back[i][c] = arg
    last = min(range(w), key=lambda c: (round(cost[n - 1][c] + skipped(c + 1, w), 6), c))
    cols = [0] * n
    starts = [False] * n
    c = last
    for i in range(n - 1, -1, -1):
        cols[i] = c
        if i == 0:
            starts[i] = True
            break
        p, is_new = back[i][c]
        starts[i] = is_new
        c = p
    rows: list[list[int | None]] = []
    for i in range(n):
        if starts[i]:
            rows.append([None] * w)
        rows[-1][cols[i]] = i
    return rows


_GLUED = re.compile(r"(?<=[所站局办队院])(?=[\u4e00-\u9fff]{2,}[所站局办队院]$)")
_PLACE = "区县市镇乡省州旗"


def _unglue(name: str) -> list[str]:
    """Two names the copy ran together: a unit's end, then the same place prefix again (区发改局区统计局)."""
    if len(name) >= 6 and name[0] in _PLACE:
        for j in range(3, len(name) - 2):
            if name[j] == name[0] and name[j - 1] in "局办委所站队院部厅" and re.search(r"[局办委所站队院部厅]$", name):
                return [name[:j]] + _unglue(name[j:])
        return [name]  # one place's name: 区公安分局交警大队 is one unit
    parts = [p for p in _GLUED.split(name) if p]
    # a bureau's brigade (公安西岚分局交警大队, 县市场监管局稽查大队) and a brigade's squad (大队执勤中队) are one unit,
    # the sub-unit
    for k in range(len(parts) - 1, 0, -1):
        if parts[k - 1].endswith("局") and parts[k].endswith("队") or \
                parts[k - 1].endswith(("大队", "支队", "总队")) and parts[k].endswith(("中队", "小队", "站")):
            parts[k - 1:k + 1] = [parts[k - 1] + parts[k]]
    return parts


def _space_lists(cell: str) -> str:
    """A table cell's list of names: spaces separate names after a name's end (安监站 安监所), and a
    name glued to the next (派出所工商质监所, 区发改局区统计局) is cut; a stray space inside a name
    (各县区(开发区) 安委会) stays; a name the copy cut in its bracket (区防减救灾委(防汛抗旱、) is kept."""
    cell = re.sub(r"[(（][^()（）]*$", "", cell)
    cell = re.sub(r"(?<=[所站局办队院委部])\s+(?=[^(（])", "、", cell)
    cell = re.sub(r"\s+", "", cell)
    return "、".join(p for part in cell.split("、") for p in _unglue(part) if p)


_NOT_HEADER = re.compile(r"[\d、,，。;；:：()（）]")


def _is_header_word(c: str) -> bool:
    return 0 < len(c) <= 8 and not _NOT_HEADER.search(c)


def _table_tasks(b: _Builder) -> list[tuple[int, int]]:
    """One task per row of a task table (任务 | 责任单位 | 完成时限; 指标 | 目标值 | 牵头单位): the spans of the
    tables found (empty when there is none).

    Tables arrive with bars (rows "a | b | c", or one cell per line "a |"), flattened without bars (one cell
    per line under a run of header lines), or a row per line with cells apart by spaces. Rows the copy left
    short (merged cells) are rebuilt from the types of their cells (:func:`_sync`), and a missing unit,
    time or target cell is the one of the row above (a merged cell spans rows)."""
    from dataclasses import replace as dc_replace

    from .units import looks_like_unit

    doc = b.doc
    text = doc.text

    def is_units(c: str) -> bool:
        """A cell of unit names, plain or with their roles (县应急局牵头,县公安局配合)."""
        if "。" in c:
            return False
        c = re.sub(r"[(（][^()（）]*$", "", c)  # a name cut in its bracket
        parts = split_names(c)
        if parts and all(looks_like_unit(p) for p in parts):
            return True
        units = parse_unit_clause("责任单位:" + c)
        return bool(units) and all(looks_like_unit(u.name) for u in units)

    def deadline_of(c: str):
        return parse_deadline(c, doc.year) if c and len(c) <= 24 else None

    def cell_kind(c: str) -> str:
        c = c.strip()
        if not c:
            return "empty"
        if _MARKER_CELL.match(c):
            return "marker" if not c.isdigit() or len(c) <= 2 else "number"
        if re.fullmatch(r"[\d.]+%?", c):
            return "number"
        if _CELL_HEADING.match(c):
            return "heading"
        if len(c) <= 40 and deadline_of(c):
            return "deadline"
        if len(c) <= 60 and is_units(c):
            return "units"
        if re.search(r"\d", c) and len(c) <= 20:
            return "target"
        n = len(re.sub(r"\W", "", c))
        return "short" if n <= 8 else "text" if n <= 30 else "long"

    found: list[tuple[int, int]] = []

    def table(header: list[str], rows: list[list[tuple[int, int] | None]], aligned: list[bool]) -> bool:
        kinds = _header_kinds(header)
        unit_cols = [(k, _column_label(h)) for k, h in enumerate(header) if kinds[k] == "unit"]
        unit_col = unit_cols[0][0] if unit_cols else None
        time_col = next((k for k, h in enumerate(header) if kinds[k] == "time"), None)
        contents = [k for k, h in enumerate(header) if kinds[k] == "content" and k != time_col
                    and k not in dict(unit_cols)]
        target_col = next((k for k in range(len(header)) if kinds[k] == "target" and any(c < k for c in contents)), None)
        # the work column: 具体工作内容 where a row also has 主要任务, else the last, most specific one
        contents += [k for k in range(len(header)) if kinds[k] == "target" and k != target_col]
        contents.sort(key=lambda k: (0 if "具体" in header[k] else 1, -k))
        last: dict[int, tuple[int, int]] = {}
        any_task = False
        for row, is_aligned in zip(rows, aligned):
            if is_aligned:  # a rebuilt row: merged cells are the ones above
                if sum(1 for c in row if c is not None) <= 1:
                    continue  # a group label (宏观调控, 一、…)
                for k in [c for c, _ in unit_cols] + [time_col, target_col]:
                    if k is None:
                        continue
                    if row[k] is None and k in last:
                        row[k] = last[k]
                    elif row[k] is not None and row[k][0] < row[k][1]:
                        last[k] = row[k]
            spans = [r if r is not None else (0, 0) for r in row]
            cells = [text[s:e].replace("\n", "") for s, e in spans]  # a cell a PDF's table wrapped is one cell
            if not any(cells):
                continue
            uk = unit_col if unit_col is not None and unit_col < len(cells) and is_units(cells[unit_col]) else \
                next((k for k, c in enumerate(cells) if c and is_units(c) and k not in contents[:1]), None)
            if uk is None:
                uk = next((k for k, c in enumerate(cells) if c and is_units(c)), None)
            tk = time_col if time_col is not None and time_col < len(cells) and deadline_of(cells[time_col]) else \
                next((k for k, c in enumerate(cells) if k != uk and k != target_col and k not in contents[:1]
                      and deadline_of(c)), None)  # (the work cell's own time stays in its words: 整改措施及时限)
            ck = next((k for k in contents if k < len(cells) and cells[k] and k not in (uk, tk)
                       and not _CELL_HEADING.match(cells[k]) and not _MARKER_CELL.match(cells[k])), None)
            in_content_col = ck is not None
            if ck is None:
                ck = next((k for k, c in enumerate(cells) if c and k not in (uk, tk, target_col)
                           and not _CELL_HEADING.match(c) and not _MARKER_CELL.match(c)), None)
            # a row is a task when it has its work and someone or some time to do it by; a row whose work
            # column is filled (a copy cut off before its units) is one too
            has_target = target_col is not None and target_col < len(cells) and bool(cells[target_col])
            if ck is None or (uk is None and tk is None and not has_target and not in_content_col):
                continue
            if any(_DONE_CELL.match(c.strip()) for k, c in enumerate(cells) if k != ck):
                continue  # a row of a 整改 list that its time or progress cell says is done: reported, no task (SPEC §3)
            s, e = spans[ck]
            m = re.match(r"\d+[.、．]\s*", text[s:e])
            if m:
                s += m.end()
            by_column = [(k, label) for k, label in unit_cols if k < len(cells) and cells[k] and is_units(cells[k])]
            if len(unit_cols) > 1 and by_column and uk in dict(by_column) or \
                    len(by_column) == 1 and uk == by_column[0][0] and by_column[0][1] != "责任单位":
                units = [u for k, label in by_column
                         for u in (parse_unit_clause(f"{label}:" + _space_lists(cells[k])) or [])]
            else:
                units = (parse_unit_clause("责任单位:" + _space_lists(cells[uk])) or []) if uk is not None else []
            extra = []
            if tk is not None:  # every deadline of the time cell (每季度通报进展，年底前完成: two)
                at = text.find(cells[tk], *spans[tk])
                extra += [dc_replace(d, span=(at + d.span[0], at + d.span[1]) if at >= 0 and d.span else spans[tk])
                          for d in cell_deadlines(cells[tk], doc.year)]
            n = len(b.tasks)
            b.add(s, e, units, extra, min_len=2)
            if has_target and len(b.tasks) > n:  # a target row: the indicator and its target (SPEC §8)
                t = b.tasks[-1]
                b.tasks[-1] = dc_replace(t, text=f"{t.text} {cells[target_col].strip()}")
            any_task = any_task or len(b.tasks) > n
        return any_task

    # tables with bars
    rows = _table_rows(doc)
    # every header row opens a table that runs to the next one: two sheets (or two tables) with other
    # columns are each read under their own header
    heads = [i for i, r in enumerate(rows) if any(_header_kind(text[s:e]) == "unit" for s, e in r)
             and any(_CONTENT_HEADER.search(text[s:e]) for s, e in r)]
    for header_i, next_i in zip(heads, heads[1:] + [len(rows)]):
        rows[header_i] = _split_header_cells(text, rows[header_i])
        header = [text[s:e] for s, e in rows[header_i]]
        kinds = _header_kinds(header)
        w = len(header)
        body: list[list[tuple[int, int] | None]] = []
        aligned = []
        for row in _wrapped_rows(text, rows[header_i + 1:next_i], w, cell_kind):
            if 2 <= len(row) < w:  # a short row: a bar the copy lost (`1 修订…`, `…3000人次 建筑市场科`) is a space
                row = _split_lost_bars(text, row, w, cell_kind)
            if 2 <= len(row) < w:  # a short row: put its cells in their columns
                cells = [text[s:e] for s, e in row]
                main = _main_column(header, kinds)
                got = _sync(cells, kinds, main, [True] + [False] * (len(row) - 1),
                            lambda i: cell_kind(cells[i]))[0]
                body.append([row[i] if i is not None else None for i in got])
                aligned.append(True)
            else:
                body.append(list(row))
                aligned.append(False)
        if table(header, body, aligned):
            spans = [c for r in rows[header_i:next_i] for c in r if c[1] > c[0]]
            found.append((min(s for s, _ in spans), max(e for _, e in spans)))
    # tables flattened by the copy, without bars
    for hspans, cspans, breaks in _flat_tables(doc):
        if any(fs <= hspans[0][0] < fe for fs, fe in found):  # inside a table found with bars (was a NameError)
            continue
        header = [text[s:e] for s, e in hspans]
        kinds = _header_kinds(header)
        if "seq" not in kinds:  # item numbers the header does not name (1 / (一))
            header, kinds = ["序号"] + header, ["seq"] + kinds
        cells = [text[s:e].replace("\n", "") for s, e in cspans]
        ckinds = [cell_kind(c) for c in cells]
        got = _sync(cells, kinds, _main_column(header, kinds), breaks if any(breaks) else None,
                    lambda i: ckinds[i])
        body = [[cspans[i] if i is not None else None for i in r] for r in got]
        if table(header, body, [True] * len(body)):
            found.append((hspans[0][0], cspans[-1][1]))
    return sorted(found)


def _wrapped_rows(text: str, rows: list[list[tuple[int, int]]], width: int, cell_kind) -> list[list[tuple[int, int]]]:
    """Rows of a numbered table that a PDF wrapped over lines (1 | …建立燃气安全隐患台 / 账。 | 市住建局（牵头）… | 5月底前)
    put back together: the lines after a numbered one, up to the next number, are the rest of its row. Where the
    pieces hold one cell too many per cut cell, the cut cells are joined at the line breaks where a sentence
    goes on (not before a time or a list of units: those open their own cells). Left as they are when the
    pieces do not make one row of the header's width."""
    if not rows or not rows[0] or not _ROW_NUMBER.fullmatch(text[slice(*rows[0][0])].strip()):
        return rows
    groups: list[list[list[tuple[int, int]]]] = []
    for row in rows:
        first = text[slice(*row[0])].strip() if row else ""
        if groups and row and not _ROW_NUMBER.fullmatch(first):
            groups[-1].append(row)
        else:
            groups.append([row])
    out = []
    for group in groups:
        total = sum(map(len, group))
        glue = total - width
        if len(group) == 1 or glue < 0 or glue > len(group) - 1:
            out.extend(group)
            continue
        # the line breaks where a cut cell goes on: after words that end no sentence, before words that are
        # no time or list of units; the first `glue` of them, those before longer words first
        cuts = [k for k in range(1, len(group))
                if not re.search(r"[。；;]$", text[slice(*group[k - 1][-1])].strip())
                and cell_kind(text[slice(*group[k][0])].replace("\n", "")) not in ("deadline", "units")]
        cuts += [k for k in range(1, len(group)) if k not in cuts]  # a name cut in its bracket (市委宣传部（牵 / 头）…)
        joined = set(cuts[:glue])
        row = list(group[0])
        for k in range(1, len(group)):
            if k in joined:
                row[-1] = (row[-1][0], group[k][0][1])
                row.extend(group[k][1:])
            else:
                row.extend(group[k])
        out.append(row)
    return out


def _split_lost_bars(text: str, row: list[tuple[int, int]], width: int, cell_kind) -> list[tuple[int, int]]:
    """Cells of a short row cut at a space where the copy lost a bar: an item number before the words
    (`10 开展…`), or unit names or a time after them (`…不少于3000人次 建筑市场科`, `质监站（配合） 年底前`)."""
    out: list[tuple[int, int]] = []
    for s, e in row:
        cell = text[s:e]
        m = re.match(r"\d{1,3}[ \t\u3000]+(?=\S)", cell)
        if m:
            out.append((s, s + len(cell[:m.end()].rstrip())))
            s += m.end()
            cell = text[s:e]
        k = max(cell.rfind(" "), cell.rfind("\u3000"), cell.rfind("\t"))
        if k > 0 and cell_kind(cell[k + 1:]) in ("units", "deadline") and cell_kind(cell[:k].strip()) not in (
                "units", "deadline", "empty"):
            out += [(s, s + len(cell[:k].rstrip())), (s + k + 1, e)]
        else:
            out.append((s, e))
    return out if len(out) <= width else row


def _split_header_cells(text: str, cells: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """A header cell that is two header words apart by a space (`序号 工作任务`: the copy lost a bar) is two cells."""
    out = []
    for s, e in cells:
        parts = [(s + m.start(), s + m.end()) for m in re.finditer(r"\S+", text[s:e])]
        if len(parts) > 1 and all(_header_kind(text[a:b]) not in (None, "unknown") for a, b in parts):
            out.extend(parts)
        else:
            out.append((s, e))
    return out


def _header_kinds(header: list[str]) -> list[str]:
    """Each header cell's kind (:func:`_header_kind`; no header word: other). Of two target columns and no
    content column (目标任务 | 目标值), the first names the indicator: it is the row's work (SPEC §8: a target
    row's task is the indicator and its target)."""
    kinds = [k if k not in (None, "unknown") else "other" for k in map(_header_kind, header)]
    targets = [k for k, kind in enumerate(kinds) if kind == "target"]
    if len(targets) >= 2 and "content" not in kinds:
        kinds[targets[0]] = "content"
    return kinds


def _main_column(header: list[str], kinds: list[str]) -> int:
    """The column of a row's work: 具体工作内容, else the last content column (before a target column)."""
    contents = [k for k, kind in enumerate(kinds) if kind == "content"]
    if not contents:
        contents = [k for k, kind in enumerate(kinds) if kind == "target"]
    if not contents:
        return 0
    return min(contents, key=lambda k: (0 if "具体" in header[k] else 1, -k))


def rule_tasks(doc: Document, builder: _Builder | None = None) -> list[Task]:
    """The tasks the rules find for the Document's doc_type, in text order (into ``builder`` when given)."""
    b = builder or _Builder(doc)
    text = doc.text
    if b.light and not b.tasks and not b.pending:  # the table rows' tasks, made once per text, sections and year
        key = ("tables", doc.text, doc.sections, doc.year)
        hit = b.memo.get(key)
        if hit is not None:
            tables = hit[0]
            b.tasks.extend(hit[1])
            b.pending.update(hit[2])
        else:
            tables = _table_tasks(b)
            b.memo[key] = (tables, list(b.tasks), dict(b.pending))
    else:
        tables = _table_tasks(b)
    if tables:
        # the rest of a table plan: its paragraphs outside the tables
        table_lines = [m.span() for m in re.finditer(r"^[^\n]*\|[^\n]*$", text, re.M)]
        last_table = max(([table_lines[-1][1]] if table_lines else []) + [e for _, e in tables])
        if last_table < len(text):
            _region_tasks(b, last_table, len(text), speech=False)
        # and the cover notice before them, where it assigns work by a date (请各牵头单位于…前报送)
        first_table = min(s for s, _ in tables)
        # items closed by unit parentheticals before the table (a plan whose 责任分工表 follows its items): each
        # parenthetical closes a task there as anywhere (SPEC §3)
        pre_end = min([first_table] + [ls for ls, _ in table_lines])
        key = ("closers", doc.text, 0, pre_end)
        closers = b.memo.get(key)
        if closers is None:
            closers = b.memo[key] = _unit_closers(doc, 0, pre_end)
        if closers:
            _region_tasks(b, 0, pre_end, speech=False)
        taken = [t.span for t in b.tasks if t.span[1] <= pre_end]
        for m in _SENT_END.finditer(text, 0, first_table):
            if any(ts < m.end() and m.start() < te for ts, te in taken):
                continue
            if len(m.group().strip()) >= 6 and _is_directive(m.group()) and _deadlines(m.group(), doc.year, m.start()):
                b.add(*m.span(), None)
        b.tasks.sort(key=lambda t: t.span)
        return _renumber(b.tasks)
    if doc.doc_type == "report":
        regions = []
        for sec in doc.sections:
            if FORWARD.search(sec.heading[:30]) and not any(r[0] <= sec.span[0] < r[1] for r in regions):
                regions.append((sec.body_start, sec.span[1]))
        # the tail after a hidden-text gap: items that are directives
        gaps = [f.span[0] for f in doc.flags if f.code == "hidden_text" and f.span]
        for g in gaps:
            tail = [s for s in _leaves(doc.sections) if s.span[0] >= g]
            later = [r[0] for r in regions if r[0] >= g]
            tail_end = min(later) if later else len(text)  # up to a forward part found by its heading
            tail = [s for s in tail if s.span[0] < tail_end]
            if tail and all(_is_plan_like(text[s.span[0]:min(s.span[1], tail_end)]) for s in tail) and \
                    not any(r[0] <= g < r[1] for r in regions):
                regions.append((g, tail_end))
        # a commitment with a deadline in the retrospective part (其余问题确保8月底前整改完毕)
        for m in COMMITMENT.finditer(text):
            if any(r[0] <= m.start() < r[1] for r in regions) or not _deadlines(m.group(), doc.year, m.start()):
                continue
            b.add(m.start(), m.end(), None)
        next_steps: list[tuple[int, int]] = []
        for m in NEXT_STEP.finditer(text):
            if any(r[0] <= m.start() < r[1] for r in regions):
                continue
            sec = _section_at(doc, m.start())
            if sec is not None and FORWARD.search(sec.heading[:30]):
                continue
            pe = text.find("\n", m.start())
            pe = len(text) if pe < 0 else pe
            if any(m.end() <= leaf.span[0] < pe for leaf in _leaves(doc.sections)):
                next_steps.append((m.end(), pe))  # 下一步,…:一是…;二是…: one task per item
            else:
                b.add(m.end(), pe, None)
        for rs, re_ in sorted(regions):
            _region_tasks(b, rs, re_, speech=False)
        for rs, re_ in next_steps:
            _region_tasks(b, rs, re_, speech=False, framing=False)
    elif doc.doc_type == "speech":
        _region_tasks(b, 0, len(text), speech=True)
        for m in HANDED.finditer(text):
            if not any(t.span[0] <= m.start() < t.span[1] for t in b.tasks) and actors(m.group()):
                b.add(m.start(), m.end(), None)
    else:
        start = 0
        _region_tasks(b, start, len(text), speech=False)
    b.tasks.sort(key=lambda t: t.span)
    return _renumber(b.tasks)


def _renumber(tasks: list[Task]) -> list[Task]:
    return [Task(id=f"t{i + 1}", section_id=t.section_id, span=t.span, text=t.text, units=t.units,
                 deadlines=t.deadlines) for i, t in enumerate(tasks)]


# -- candidates and the learned choice (issue 7) ------------------------------------------------------------------

_SENT_END = re.compile(r"[^。;；!！?？\n]+[。;；!！?？]?")
_MODES = ("plan", "report", "speech")


def _heading_path(doc: Document, sec: Section | None) -> list[str]:
    ix = _index(doc)
    if sec is None or ix.by_id.get(sec.id) is not sec:
        return [a.heading[:30] for a in _ancestors(doc, sec) if a.heading][:3]
    path = ix.paths.get(id(sec))
    if path is None:
        path = ix.paths[id(sec)] = [a.heading[:30] for a in _ancestors(doc, sec) if a.heading][:3]
    return list(path)


# an item marker inside running text, or the lead-in of meeting news or of a speaker (会议要求,一要…; 二是…;
# 第三,…; 王XX强调,…): not part of the task's words (SPEC §3, §8: the task starts at the directive)
_LEAD_IN = r"(?:会议|[\u4e00-\u9fff]{2,4}?)(?:要求|强调|指出|提出|明确|议定)[,，:：]"
_NUMBERED = r"[一二三四五六七八九十]{1,2}(?:要|是)(?![求点])|第[一二三四五六七八九十]{1,2}[,，、]"  # 一要 二是 第三,
_ITEM = rf"(?:(?:{_NUMBERED})[,，:：]?|(?:首先|其次|再次|最后)[,，]|\d{{1,2}}(?:\.\d{{1,2}}){{1,3}}(?=[ \t\u3000]*[^\d.\s%])[ \t\u3000]*|" \
        rf"第[一二三四五六七八九十百零〇]{{1,4}}条[ \t\u3000]*)"
_INLINE_MARKER = re.compile(rf"\s*(?:{_LEAD_IN}\s*(?:{_ITEM})?|{_ITEM})")


# an inline item marker at a clause start (一要 / 二是 / 第三, / 其次,) inside a paragraph
_INLINE_ITEM_AT = re.compile(rf"(?:(?<=^)|(?<=[,，;；:：。\n]))\s*(?:会议(?:要求|强调|指出)[,，:：]?\s*)?(?:{_NUMBERED})",
                             re.M)


# a time field closing an item's line (…并印发实施。（完成时限：2024年3月底前）; …酒驾醉驾等违法行为。（5月至8月）): it
# closes the task as a unit parenthetical does, and its time is the task's deadline (SPEC §3: the task's own words)
_TIME_CLOSER = re.compile(r"[(（](?P<c>[^()（）\n]{2,30})[)）][。;；]?[ \t\u3000]*$")
_TIME_FIELD = re.compile(r"(?:完成|整改|办结)?(?:时限|时间|期限)[:：]\s*")


def _term_only(text: str, start: int, end: int) -> bool:
    """The words are only a time field (整改期限：立即整改。; 完成时限：6月底前): what an item's heading is given by."""
    m = _TIME_FIELD.match(text, start, end)
    return bool(m) and end - start <= 30 and "\n" not in text[start:end] and "。" not in text[m.end():end].rstrip("。")


def _time_closer(doc: Document, start: int, end: int, year: int | None) -> tuple[int, list[Deadline]] | None:
    """(where the words end, the deadlines) of a span that ends in a time field parenthetical, else None."""
    m = _TIME_CLOSER.search(doc.text, start, end)
    if m is None or _words_below(doc.text[start:m.start()], 4):
        return None
    field = _TIME_FIELD.match(doc.text, m.start("c"), m.end("c"))
    at = field.end() if field else m.start("c")
    value = doc.text[at:m.end("c")].rstrip()
    found = _deadlines(value, year, at)
    if not found:
        d = parse_deadline(value, year)
        found = [replace(d, span=(at + d.span[0], at + d.span[1]))] if d and d.span else []
    if not field and not (found and len(found[0].raw) >= len(value) - 1):
        return None  # a bare parenthetical that is not all time (…（含2024年）): words of the task
    return m.start(), found


def _only_closer(text: str) -> bool:
    rest = UNIT_LINE.sub("", PAREN.sub("", text))
    return _words_below(rest, 4)


def _after_inline_marker(text: str, start: int, end: int) -> int:
    m = _INLINE_MARKER.match(text, start, end)
    return m.end() if m and end - m.end() >= 4 else start


# a line opened by a short label and a colon (县应急局：负责…; 危险化学品企业：应当…; 1月份：召开…): the words after the
# colon are the task's, a label that names units gives its units, one that is a time gives its deadlines
_LABEL_LINE = re.compile(r"[^\s,，。;；:：、()（）“”《》]{2,20}[:：]")
_LABEL_PARTY = re.compile(r"(?:企业|单位|公司|经营户|业主|学校|医院|场所)$")


def _label_candidates(b: _Builder, text: str, ps: int, pe: int, n: int, put) -> int:
    s = ps
    while s < pe and text[s] in " \t\u3000":
        s += 1
    m = _LABEL_LINE.match(text, s, pe)
    if not m or pe - m.end() < 6:
        return n
    label = text[s:m.end() - 1]
    if _UNIT_HEADER.match(label) or UNIT_LINE.match(text, s, pe):
        return n  # 牵头单位：… closes a task, it does not open one
    names = split_names(label)
    units = None
    if names and all(looks_like_unit(x) or _LABEL_PARTY.search(x) for x in names):
        units = [Unit(name=x, canonical=x, role="responsible") for x in names]
    extra = _deadlines(label, b.year_for(s), s) if len(label) <= 12 else []
    b.add(m.end(), pe, units, extra)
    for t in b.tasks[n:]:
        put(t, "label_unit" if units else "label_time" if extra else "label")
    return len(b.tasks)


# where a directive or a commitment starts inside a sentence: after a comma, a request (请…), an actor with its
# verb (县应急局将…, 各村要…, 镇里计划于…, 市政府决定于…开展), what is left of a count with its commitment (剩余6处将…),
# or the words after a speaker's or a meeting's lead-in (X强调，/会议决定，)
_CLAUSE_AT = re.compile(r"(?<=[,，;；])\s*(?=请|[^,，。;；:：\s]{1,16}?[局委办部门位队所站心院府道镇乡街区县市业司村组里会校](?:还|也|均|都|仍|再)?"
                        r"(?:将(?!其)|要(?!求)|须|必须|务必|应当|负责|牵头|计划|拟|决定(?:于|在|自|从|对|开展|组织|实施|启动|召开|即日|立即|\d|[一二三四五六七八九十]{1,2}月)))"
                        # what is left of a count, and what will be done with it (…已整改30处，剩余6处将在6月10日前…)
                        r"|(?<=[,，;；])\s*(?=(?:其余|剩余|余下|尚未整改的?|未整改的?)[^,，。;；:：\s]{0,12}?(?:将|计划|拟|要|须|力争))")
_LEAD_ANY = re.compile(r"[^,，。;；:：\n]{1,16}?(?:强调|要求|指出|提出|决定|表示|指示|明确|部署)[,，:：]\s*")


# a commitment clause without its actor (…，计划于8月底前全部整改到位; …，年底前还将在…建成…): the actor, or what it is
# about, is the clause before, so the candidate may start there too
_COMMIT_AT = re.compile(r"(?<=[,，;；])\s*(?=(?:[^,，。;；:：\s]{1,10}?(?:前|后|起|内|期间|年|月|季度|旬)[,，]?)?"
                        r"(?:还将|也将|将于|将在|将对|将继续|将进一步|计划于|计划在|计划到|拟于|拟在|力争|下一步|下步|"
                        r"并将|同时将|还要|要在|须在|务必))")


def _clause_starts(text: str, ss: int, se: int) -> list[int]:
    out = [m.end() for m in _CLAUSE_AT.finditer(text, ss, se) if se - m.end() >= 8]
    for m in _COMMIT_AT.finditer(text, ss, se):
        if se - m.end() < 8:
            continue
        out.append(m.end())
        comma = m.start() - 1
        prev = max(text.rfind(c, ss, comma) for c in ",，;；。") + 1  # the clause before the comma
        if prev > ss and comma - prev >= 3:
            out.append(prev)
    lead = _LEAD_ANY.match(text, ss, se)
    if lead and se - lead.end() >= 8:
        out.append(lead.end())
    return out


# HTML a copy left in the text (<h3>…</h3><h3>…, <p style=…>, <br>): its block tags end paragraphs as line breaks do
_BLOCK_TAG = re.compile(r"</?(?:h[1-6]|p|div|li|tr|td|th|section|article|table|ul|ol)\b[^<>\n]{0,200}>|<br\s*/?>", re.I)


def _segments(text: str):
    """The paragraphs of the text: its lines, cut again at HTML block tags left in them."""
    pos = 0
    for line in text.split("\n"):
        ls, le = pos, pos + len(line)
        pos = le + 1
        if "<" not in line:
            yield ls, le
            continue
        start = ls
        for m in _BLOCK_TAG.finditer(text, ls, le):
            if m.start() > start:
                yield start, m.start()
            start = m.end()
        if le > start:
            yield start, le


_OPEN_HEADING = re.compile(r"[,，、；;!！]\s*$|(?:要|须|应|负责|将)[^,，。;；]{0,30}$")
_ROW_MARK = re.compile(r"^(?:\d{1,3}[.、．]?|[(（][一二三四五六七八九十\d]+[)）]|[一二三四五六七八九十]+、?)$")


def _bar_cells(b: _Builder, text: str, ps: int, pe: int, keep_empty: bool = False) -> list[tuple[int, int]]:
    """The cells of a row written with bars, trimmed (empty ones only with ``keep_empty``)."""
    cells = []
    pos = ps
    for part in text[ps:pe].split("|"):
        cs, ce = _trim(b.doc, pos, pos + len(part))
        pos += len(part) + 1
        if ce > cs or keep_empty:
            cells.append((cs, ce))
    return cells


def _row_header(b: _Builder, text: str, ps: int, pe: int) -> list[str] | None:
    """The header of a table written with bars that names its work column and when it is due (序号 | 隐患内容 |
    整改措施 | 完成时限): every cell a header word, one a content column, one a time column; else None (a
    checklist, a score sheet or a report's 工作任务 | 完成情况 names no work to be done)."""
    header = [text[s:e] for s, e in _bar_cells(b, text, ps, pe)]
    kinds = [_header_kind(h) for h in header]
    if len(header) < 2 or None in kinds or "content" not in kinds or "time" not in kinds:
        return None
    return header


def _row_cell_candidates(b: _Builder, text: str, ps: int, pe: int, n: int, put,
                         header: list[str] | None = None) -> int:
    """A table row written with bars (`1 | 沿街商铺… | 城管科 | 5月31日前`, 阶段 | 时间 | 主要工作) whose table the
    rules did not read: its longest cell of words is a candidate, with the row's unit cell as its units. Under a
    ``header`` of as many cells that names the work column (隐患内容 | 整改措施 | 完成时限: the last, most specific
    content column, as a task table's), that column's cell is the candidate, and its time column's cell its
    deadline."""
    cells = _bar_cells(b, text, ps, pe)
    if len(cells) < 2:
        return n
    main = extra = None
    if header is not None:
        full = _bar_cells(b, text, ps, pe, keep_empty=True)
        kinds = _header_kinds(header)
        if len(full) == len(header):
            k = _main_column(header, kinds)
            if kinds[k] == "content" and full[k][1] > full[k][0]:
                main = full[k]
            t = next((k for k, kind in enumerate(kinds) if kind == "time"), None)
            d = parse_deadline(text[full[t][0]:full[t][1]], b.doc.year) if t is not None and \
                0 < full[t][1] - full[t][0] <= 24 else None
            extra = [replace(d, span=full[t])] if d else None
    def unit_names(c: str) -> list[str]:
        names = split_names(re.sub(r"\s+", "、", c.strip())) if len(c) <= 60 and "。" not in c else []
        return names if names and all(looks_like_unit(x) for x in names) else []

    # the work: not a number, not a list of units, not a time (区公安分局 区市场监管局 | 6月底前)
    words = [(cs, ce) for cs, ce in cells if not _ROW_MARK.match(text[cs:ce]) and not unit_names(text[cs:ce])
             and not (ce - cs <= 24 and parse_deadline(text[cs:ce], b.doc.year))]
    if not words:
        return n
    cs, ce = main if main in words else max(words, key=lambda c: (len(re.sub(r"\W", "", text[c[0]:c[1]])), -c[0]))
    if _words_below(text[cs:ce], 6 if main is None else 2):
        return n
    units = None
    for us, ue in cells:
        names = unit_names(text[us:ue]) if (us, ue) != (cs, ce) else []
        if names:
            units = [Unit(name=x, canonical=x, role="responsible") for x in names]
            break
    b.add(cs, ce, units, extra or (), min_len=6 if main is None else 2)
    for t in b.tasks[n:]:
        put(t, "cell")
        if main is not None:
            put(t, "work_col")  # the header names it the row's work
    return len(b.tasks)


# a date cut by a hard line break: the line ends in 2024年6 / 于7月 and the next line goes on with 月30日 / 15日
_CUT_DATE = re.compile(r"(?:\d{4}年\d{0,2}|(?<![\d.．])\d{1,2}月)$")
_DATE_GOES_ON = re.compile(r"[ \t\u3000]*\n[ \t\u3000]*(?:\d{1,2}[日号]|月\d{1,2}[日号]|\d{1,2}月(?:底|末|\d{1,2}[日号]))")


def task_candidates(doc: Document) -> list[tuple[Task, dict]]:
    """Every segment that may be a task, with what the task model needs to judge it.

    The rules of each genre (plan, report, speech) propose their tasks, whatever the document's
    type; every lowest-level item, every paragraph and every sentence of a paragraph of several
    sentences is a candidate too. Candidates with the same span are one, remembering who proposed it.
    """
    from dataclasses import replace as dc_replace

    text = doc.text
    found: dict[tuple[int, int], tuple[Task, set[str]]] = {}
    pending: dict[tuple[int, int], tuple[list[Unit] | None, list[Deadline]]] = {}

    closer_only: dict[str, bool] = {}  # _only_closer per text: the item, paragraph and sentence finders repeat spans

    def put(task: Task, source: str) -> None:
        end = task.span[1]
        if _CUT_DATE.search(text, max(0, end - 8), end) and _DATE_GOES_ON.match(text, end):
            return  # a line of a hard-wrapped copy that ends inside a date (于7月 | 15日前): the item goes on
        if task.text.lstrip().startswith(("由", "此项", "该项", "本项")) and names_only(task.text):
            return  # 由X牵头，Y配合。 alone names the units of the words before it; it is no task (SPEC §8)
        if not source.startswith("rule_"):
            alone = closer_only.get(task.text)
            if alone is None:
                alone = closer_only[task.text] = _only_closer(task.text)
            if alone:
                return  # a unit parenthetical or 责任单位 line alone closes a task, it is not one
        key = tuple(task.span)
        if key in found:
            found[key][1].add(source)
        else:
            found[key] = (task, {source})

    final: set[tuple[int, int]] = set()
    memo: dict = {}
    modes = _MODES if doc.doc_type in _MODES else _MODES + (doc.doc_type,)
    for mode in modes:
        d = doc if doc.doc_type == mode else dc_replace(doc, doc_type=mode)
        rb = _Builder(d, light=True, memo=memo)
        for t in rule_tasks(d, rb):
            put(t, f"rule_{mode}" if mode in _MODES else "rule_other")
            if mode == doc.doc_type:
                final.add(tuple(t.span))
        for k, v in rb.pending.items():
            pending.setdefault(k, v)
    b = _Builder(doc, light=True)
    n = 0
    multi_item: set[tuple[int, int]] = set()
    for leaf in _leaves(doc.sections):
        ls, le = _trim(doc, body_start(doc, leaf), leaf.span[1])
        if leaf.heading_span and (le - ls < 4 or _TIME_CLOSER.fullmatch(text, ls, le) or _term_only(text, ls, le)):
            # the item is its heading (and a time field: 新建…5个。（完成时限：…）; 当班电工未持证上岗。整改期限：立即整改。)
            ls, le = leaf.heading_span[0], leaf.span[1]
        b.add(ls, le, None)
        for t in b.tasks[n:]:
            put(t, "leaf")
        n = len(b.tasks)
        if leaf.heading_span and leaf.heading_span[0] < ls and _OPEN_HEADING.search(
                text[leaf.heading_span[0]:leaf.heading_span[1]]):
            # a "heading" that is the first line of a sentence wrapped over lines (①各村要…巡护，\n重点路口…): its
            # words are the task's (SPEC §8: a lead phrase ending in a comma stays)
            b.add(_after_inline_marker(text, leaf.heading_span[0], le), le, None)
            line_end = text.find("\n", leaf.heading_span[1], le)
            if line_end > 0:  # and its first line alone: the lines after it may be a paragraph of their own
                b.add(_after_inline_marker(text, leaf.heading_span[0], line_end), line_end, None)
            for t in b.tasks[n:]:
                put(t, "leaf_full")
            n = len(b.tasks)
    header: list[str] | None = None  # the header of the table written with bars the line is in
    for ps, pe in _segments(text):
        line = text[ps:pe]
        if len(line.strip()) < 6:
            continue
        if "|" in line:
            own = _row_header(b, text, ps, pe)
            n = _row_cell_candidates(b, text, ps, pe, n, put, None if own else header)
            header = own or header
            continue
        header = None
        sec = _section_at(doc, ps)
        if sec is not None and sec.span[0] <= ps < sec.body_start:
            if sec.heading_span and pe - sec.heading_span[0] >= 10 and (
                    sec.body_start >= pe or _TIME_CLOSER.fullmatch(text, *_trim(doc, sec.body_start, pe))):
                # a line that is all item heading (the last item of a list, its body the signature or a
                # trailer, or only a time field closing it): the heading may be the item's only words
                b.add(max(ps, sec.heading_span[0]), pe, None)
                for t in b.tasks[n:]:
                    put(t, "head")
                n = len(b.tasks)
            ps = max(ps, min(sec.body_start, pe))
        n = _label_candidates(b, text, ps, pe, n, put)
        ps = _after_inline_marker(text, ps, pe)
        items = [m.start() for m in _INLINE_ITEM_AT.finditer(text, ps, pe)]
        if len(items) >= 2:  # 一要…;二要…: each lowest-level item is a task (SPEC §3), the paragraph is not
            multi_item.add(_trim(doc, ps, pe))
            for a, z in zip(items, items[1:] + [pe]):
                b.add(_after_inline_marker(text, a, z), z, None)
            for t in b.tasks[n:]:
                put(t, "inline_item")
            n = len(b.tasks)
        b.add(ps, pe, None)
        sents = [m.span() for m in _SENT_END.finditer(text, ps, pe) if len(m.group().strip()) >= 6]
        if len(sents) > 1:
            for ss, se in sents:
                b.add(_after_inline_marker(text, ss, se), se, None)
        for t in b.tasks[n:]:
            put(t, "para" if t.span == _trim(doc, ps, pe) else "sent")
        n = len(b.tasks)
        for ss, se in sents or [(ps, pe)]:  # a directive or commitment that starts inside its sentence
            for cs in _clause_starts(text, ss, se):
                b.add(cs, se, None)
        for t in b.tasks[n:]:
            put(t, "clause")
        n = len(b.tasks)
    # runs of short lines (a table copied without its bars, a list of targets): where each line sits
    lines, pos = [], 0
    for line in text.split("\n"):
        lines.append((pos, pos + len(line), 0 < len(line.strip()) < 100))
        pos += len(line) + 1
    run_of: dict[int, int] = {}
    i = 0
    while i < len(lines):
        j = i
        while j < len(lines) and lines[j][2]:
            j += 1
        for k in range(i, max(j, i + 1)):
            run_of[k] = j - i
        i = max(j, i + 1)
    line_starts = [ls for ls, _, _ in lines]
    import bisect

    for k, v in b.pending.items():
        pending.setdefault(k, v)
    for (s, e), (t, sources) in list(found.items()):  # each candidate closed by a time field, without it
        close = text[e - 1] if text[e - 1] in ")）" else text[e - 2:e - 1] if text[e - 1] in "。;；" else ""
        cut = _time_closer(doc, s, e, b.year_for(s)) if close in (")", "）") else None
        if cut is None:
            continue
        ws, we = _trim(doc, s, cut[0])
        units, extra = pending.get((s, e)) or (None, [])
        if (ws, we) in found:  # the words alone, proposed by another finder: they are closed by the field all the same
            found[(ws, we)][1].update(sources)
            had_units, had = pending.get((ws, we)) or (None, [])
            if not had:
                pending[(ws, we)] = (had_units, [*extra, *cut[1]])
            continue
        pending[(ws, we)] = (units, [*extra, *cut[1]])
        found[(ws, we)] = (dc_replace(t, span=(ws, we), text=text[ws:we], deadlines=(*t.deadlines, *cut[1])), set(sources))
    dl_starts = deadline_starts(text, doc.year)
    text_end = len(text.rstrip())  # a candidate ending here is the last words of the copy (cut off, or the last item)
    proba = doc.meta.get("doc_type_proba") or {doc.doc_type or "other": 1.0}
    out = []
    for (s, e), (t, sources) in sorted(found.items()):
        if any(s <= ms and e >= me and (pending.get((s, e)) or (None,))[0] is None for ms, me in multi_item):
            continue  # it holds several inline items and no parenthetical closes it: its items are the candidates
        sec = _section_at(doc, s)
        k = bisect.bisect_right(line_starts, s) - 1  # the candidate's line, and the words around it on that line
        k_end = bisect.bisect_right(line_starts, max(s, e - 1))
        line_end = line_starts[k_end] - 1 if k_end < len(line_starts) else len(text)
        prev = k - 1
        while prev > 0 and prev > k - 4 and not lines[prev][1] > lines[prev][0]:
            prev -= 1
        out.append((t, {
            "text": t.text, "sources": sorted(sources), "rule_final": (s, e) in final,
            "heading_path": _heading_path(doc, sec), "marker": sec.marker if sec else None,
            "level": sec.level if sec else 0, "pos": s / max(1, len(text)), "at_end": e >= text_end, "n_units": len(t.units),
            "n_deadlines": bisect.bisect_left(dl_starts, e) - bisect.bisect_left(dl_starts, s) + len(t.deadlines),
            "pending": pending.get((s, e)), "doc_type_proba": proba, "framing": _in_framing(doc, sec),
            "forward": _forward(doc, sec) is not None, "before": text[max(0, s - 12):s],
            "line_head": text[line_starts[k]:s][:24],
            "title": doc.title or "", "short_run": run_of.get(k, 0),
            "line_before": text[max(line_starts[k], s - 200):s], "line_after": text[e:min(line_end, e + 200)],
            "prev_line": text[max(lines[prev][0], lines[prev][1] - 60):lines[prev][1]] if prev >= 0 else "",
            "prev_line_head": text[lines[prev][0]:min(lines[prev][1], lines[prev][0] + 24)] if prev >= 0 else "",
        }))
    return out


# the phase sentence that opens a line, the line's tasks after it (第二阶段：严防死守阶段（9月15日至11月15日）。县森林公安局
# 要…。县林业局…于10月中旬前完成…。): the phase's name, its dates, and a full stop or a colon after the bracket
LINE_PHASE = re.compile(r"[ \t\u3000]*(?:[(（]?[一二三四五六七八九十\d]{1,2}[)）、.．]\s*)?(?:第[一二三四五六七八九十\d]{1,2}(?:阶段|步)[:：])?[^。:：\n]{1,40}?(?:。|[)）][:：])")


def _lead_phase_deadlines(b: _Builder, start: int, before: str, have) -> list[Deadline]:
    """The dates of a phase sentence that opens the task's line (自查自纠阶段,时间为即日起至11月15日。各企业…): the
    deadlines of every task after it on that line, as a phase heading's are (SPEC §8)."""
    lead = before.strip()
    at = start - len(before)
    if not lead or len(lead) > 40 or not PHASE.search(lead) or lead[-1] not in "。:：":
        lo = max(0, start - 3000)  # a later task on the line: the phase sentence opening it (bounded per task)
        ls = b.doc.text.rfind("\n", lo, start) + 1
        m = LINE_PHASE.match(b.doc.text, ls, start) if ls or not lo else None
        if m is None or m.end() >= start or not PHASE.search(m.group()):
            return []
        before, at = m.group(), ls
    keys = {(d.kind, d.date, d.start, d.end, d.freq, d.min_count) for d in have}
    return [d for d in _deadlines(before, b.year_for(at), at)
            if (d.kind, d.date, d.start, d.end, d.freq, d.min_count) not in keys]


def find_tasks(doc: Document) -> tuple[list[Task], tuple[tuple[Task, dict], ...]]:
    """The tasks of a structured Document in text order, and the candidates they were chosen from.

    With a trained task model (``models/tasks``) the model scores every candidate and the best
    non-overlapping ones above its threshold are the tasks; without one, the rules of the
    document's type decide.
    """
    from ..learn import load
    from ..learn.tasks import select

    cands = task_candidates(doc)
    model = load("tasks")
    if model is None:
        return rule_tasks(doc), tuple(cands)
    chosen = select(model, [info for _, info in cands], [tuple(t.span) for t, _ in cands])
    from dataclasses import replace as dc_replace

    b = _Builder(doc)
    for i in chosen:  # units and deadlines of the chosen candidates only
        task, info = cands[i]
        units, extra = info.get("pending") or (None, [])
        n = len(b.tasks)
        b.add(*task.span, units, list(extra) + _lead_phase_deadlines(b, task.span[0], info.get("line_before") or "",
                                                                     extra), min_len=1)
        if len(b.tasks) > n and b.tasks[-1].text != task.text:  # words beyond the span (a target row's value)
            b.tasks[-1] = dc_replace(b.tasks[-1], text=task.text)
    b.tasks.sort(key=lambda t: t.span)
    return _renumber(b.tasks), tuple(cands)
