"""Report text for accountability (SPEC §9): sentences with spans, the part of the report they sit in,
organisation names and the wording of progress.

Pure functions over SPEC records (plain dicts): no stage is imported, so :mod:`pipeline.learn.track`
may use them.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

from ..match import norm

# a sentence ends at 。！？, a line break, or their ASCII forms (a semicolon joins clauses of one sentence)
_END = re.compile(r"[。！？!?]+|\n+")

#: headings of the part of a report that plans ahead (SPEC §1: 下一步 / 明年工作思路 / 工作打算)
FORWARD_HEADING = re.compile(r"下一步|下步|打算|思路|工作计划|工作安排|明年|下半年|今后|努力方向|设想|展望")
#: a heading naming a year (2024年工作…): forward when the year is after the report's, and not a review
_YEAR_HEADING = re.compile(r"(\d{4})年")
_REVIEW_HEADING = re.compile(r"完成情况|开展情况|总结|回顾|成效|主要工作")
#: headings of a report's problems part
PROBLEM_HEADING = re.compile(r"问题|不足|短板|困难|差距|薄弱")
#: a sentence that itself looks ahead (outside a forward heading)
FORWARD_SENTENCE = re.compile(r"^(?:[一二三四五六七八九十]+是)?(?:下一步|下步|今后|明年|下半年|将|还将|拟|计划|确保|力争|"
                              r"加快推进|继续|持续|进一步)")

#: wording of work under way (SPEC §9 in_progress) and of work done
IN_PROGRESS = re.compile(r"正在|推进中|稳步推进|有序推进|加快推进|尚未|尚有|仍有|仍在|其余|剩余|未完成|部分完成|"
                         r"逐步|启动|进行中|招录|施工|整改中|已达\d|完成率|进度|滞后")
DONE = re.compile(r"已完成|全部完成|全面完成|均已|已全部|完成了|如期|实现全覆盖|全覆盖|顺利|圆满|建成|投入使用|"
                  r"印发|出台|制定|签订|举办|召开|组织|开展|完成|累计|共计|全年")

# an organisation named in a sentence: a place-free office word at the end of a short run of characters
ORG = re.compile(r"[\u4e00-\u9fff]{1,10}?(?:管理局|监管局|应急局|执法局|公安局|教育局|水利局|水务局|住建局|交通局|"
                 r"交通运输局|农业农村局|商务局|财政局|林业局|局|委员会|安委会|安委办|办公室|指挥部|防汛办|消防办|"
                 r"救援支队|救援大队|支队|大队|派出所|财政所|林业站|工作站|中心|总工会|团县委|团区委|团市委|"
                 r"宣传部|组织部|委员会办公室)")
_NUM = re.compile(r"\d+(?:\.\d+)?")


@dataclass(frozen=True)
class Sentence:
    """One sentence of a report: where it is and in which part of the report."""

    source: str
    index: int  # the report's position in its batch
    text: str
    span: tuple[int, int]
    section_id: str | None
    part: str  # retro | problem | forward
    heading: str = ""  # the headings of its section and the sections above it


def _is_forward(heading: str, year: int | None) -> bool:
    if _REVIEW_HEADING.search(heading):
        return False
    if FORWARD_HEADING.search(heading):
        return True
    m = _YEAR_HEADING.search(heading)
    return bool(m and year is not None and int(m.group(1)) > year)


def _parts_of_sections(sections: list[dict], year: int | None = None) -> dict[str, str]:
    by_id = {s.get("id"): s for s in sections}
    out: dict[str, str] = {}
    for s in sections:
        part, cur, seen = "retro", s, set()
        while cur is not None and cur.get("id") not in seen:
            seen.add(cur.get("id"))
            heading = cur.get("heading") or ""
            if (cur.get("level") or 1) <= 1 or cur is s:
                if _is_forward(heading, year) and (cur.get("level") or 1) <= 1:
                    part = "forward"
                    break
                if PROBLEM_HEADING.search(heading) and (cur.get("level") or 1) <= 1:
                    part = "problem"
                    break
            cur = by_id.get(cur.get("parent"))
        out[s.get("id")] = part
    return out


def sentences(record: dict, index: int = 0) -> list[Sentence]:
    """The sentences of a report record (SPEC §2 shape), with spans in its ``text`` and their part."""
    text = record.get("text") or ""
    sections = sorted((s for s in record.get("sections") or [] if s.get("span")), key=lambda s: s["span"][0])
    parts = _parts_of_sections(sections, record.get("year"))
    title = norm(record.get("title") or "")
    starts = [s["span"][0] for s in sections]
    headings = _headings(sections)
    out: list[Sentence] = []
    pos = 0
    for m in list(_END.finditer(text)) + [None]:
        end = m.end() if m else len(text)
        cut = m.start() if m else len(text)
        raw = text[pos:cut]
        lead = len(raw) - len(raw.lstrip())
        body = raw.strip()
        if len(re.sub(r"\W", "", body)) >= 4 and not (title and norm(body) == title):
            start = pos + lead
            sec = _section_at(sections, starts, start)
            part = parts.get(sec.get("id"), "retro") if sec else "retro"
            keep_end = start + len(body) + (1 if m and m.group(0)[0] not in "\n" else 0)
            out.append(Sentence(record.get("source", ""), index, text[start:keep_end], (start, keep_end),
                                sec.get("id") if sec else None, part, headings.get(sec.get("id"), "") if sec else ""))
        pos = end
    return out


def _headings(sections: list[dict]) -> dict[str, str]:
    by_id = {s.get("id"): s for s in sections}
    out = {}
    for s in sections:
        chain, cur, seen = [], s, set()
        while cur is not None and cur.get("id") not in seen:
            seen.add(cur.get("id"))
            chain.append(cur.get("heading") or "")
            cur = by_id.get(cur.get("parent"))
        out[s.get("id")] = " ".join(reversed(chain))
    return out


def _section_at(sections: list[dict], starts: list[int], pos: int) -> dict | None:
    i = bisect_right(starts, pos) - 1
    while i >= 0:
        s = sections[i]
        if s["span"][0] <= pos < s["span"][1]:
            return s
        i -= 1
    return None


def numbers(text: str) -> set[str]:
    """The numbers of a text that can tie a task to a sentence (not years, not list numbers)."""
    out = set()
    for m in _NUM.finditer(text):
        v = m.group(0)
        if len(v) == 4 and v.startswith(("19", "20")) and "." not in v:
            continue
        if "." in v or len(v) >= 2:
            out.add(v)
    return out


def orgs(text: str) -> set[str]:
    """Organisation names written in a text (the short office word forms included: 区水利局 → 水利局)."""
    out = set()
    for m in ORG.finditer(text):
        name = m.group(0)
        out.add(name)
    return out


def core(name: str) -> str:
    """A unit name without its place prefix, for loose matching (区应急管理局 → 应急管理局)."""
    return re.sub(r"^(?:[xX×*]+|某)?(?:[\u4e00-\u9fff]{0,6}?[省市区县镇乡])?(?=[\u4e00-\u9fff]{2,})", "", name) or name


_PERIOD = (
    (re.compile(r"第?一季度|1-3月|一季度"), 1),
    (re.compile(r"汛前|上半年|半年|1-6月|前半年"), 2),
    (re.compile(r"前三季度|三季度|1-9月"), 3),
    (re.compile(r"全年|年度|工作总结|年终|\d{4}年.{0,12}总结"), 4),
)


def period_rank(record: dict) -> int:
    """How late in its year a report speaks (1 first quarter … 4 the whole year), from its title and opening."""
    head = (record.get("title") or "") + (record.get("text") or "")[:60]
    for pattern, rank in _PERIOD:
        if pattern.search(record.get("title") or ""):
            return rank
    for pattern, rank in _PERIOD:
        if pattern.search(head):
            return rank
    return 3
