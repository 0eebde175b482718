"""The cleaning steps. Each is ``Mapped -> Mapped`` and small enough to test on its own."""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache

from ..script import t2s
from .mapped import Mapped

CJK = "\u3400-\u4dbf\u4e00-\u9fff"
TERMINAL = "。!?！？;；:：”」』…"
_TERMINAL_END = re.compile(rf"[{TERMINAL})）]\s*$")

# ---------------------------------------------------------------- newlines and widths

_NEWLINES = re.compile(r"\r\n?|[\u2028\u2029\x0b\x0c\x85]")
# web copies that render paragraph breaks as a Cyrillic Р (U+0420) glued between Chinese characters
_CYRILLIC_BREAK = re.compile(rf"(?<=[{CJK}。，,;；:：!?”）)])\u0420(?=[{CJK}“（(0-9一二三四五六七八九十])")


def normalise_newlines(m: Mapped) -> Mapped:
    m = m.sub(_NEWLINES, "\n")
    return m.sub(_CYRILLIC_BREAK, "\n")


# full-width ASCII letters, digits and technical signs become half-width; Chinese punctuation
# (，。、；：？！（）“”《》) is kept as written.
_KEEP_FULLWIDTH = set("，；：？！（）")
_FW = re.compile(r"[\uff01-\uff5e\u3000\u00a0\u2002-\u200a\u200b\ufeff]")


def _fw(m: re.Match) -> str:
    c = m.group()
    if c in _KEEP_FULLWIDTH:
        return c
    if c in "\u200b\ufeff":
        return ""
    if c in "\u3000\u00a0\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a":
        return " "
    return chr(ord(c) - 0xFEE0)


def normalise_width(m: Mapped) -> Mapped:
    return m.sub(_FW, _fw)


# ---------------------------------------------------------------- hidden-text notices

# the notice itself; the dashes and blanks before it are added by _hidden_notices, walking back from it (a regex
# that began with them was retried from every dash and blank of a long run: quadratic in the run)
_HIDDEN = re.compile(r"此处隐藏[:：]?\s*(\d+)\s*字[,，]?\s*(?:下载后查看|下载后可查看|下载查看)?\s*[-—]*")


def _hidden_notices(text: str) -> list[tuple[int, int, str]]:
    """(start, end, hidden count) of every notice with the dashes and blanks before it (as ``[-—]*\\s*此处隐藏…``)."""
    out, prev = [], 0
    for h in _HIDDEN.finditer(text):
        s = h.start()
        while s > prev and text[s - 1].isspace():  # \s of a str pattern is str.isspace
            s -= 1
        while s > prev and text[s - 1] in "-—":
            s -= 1
        out.append((s, h.end(), h.group(1)))
        prev = h.end()
    return out


def remove_hidden_notices(m: Mapped) -> Mapped:
    found = _hidden_notices(m.text)
    for s, e, n in found:
        m.flag("hidden_text", f"the source hides {n} characters here (download notice removed)", s, e)
    return m.splice([(s, e, "") for s, e, _ in found])


# ---------------------------------------------------------------- pinyin glosses

_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ"
# a gloss in any bracket (區(qū), 區（qū）, 區[qū], 區〔qū〕), toned or with a tone number (qu1), maybe after a space
_TONED_UPPER = "ĀÁǍÀĒÉĚÈĪÍǏÌŌÓǑÒŪÚǓÙǕǗǙǛ"
_BOPOMOFO = "\u3105-\u312f\u31a0-\u31bf\u02c7\u02ca\u02cb\u02d9"
# a syllable's letters (either case), a word's syllables (監管(jiān guǎn), 監管(jiānguǎn)), or zhuyin (監(ㄐㄧㄢ))
_GLOSS_SYL = rf"[a-zA-ZüÜ{_TONED}{_TONED_UPPER}]{{1,6}}[1-5]?"
_PINYIN_GLOSS = re.compile(rf"([{CJK}])[ \t]?([(（\[〔【<])({_GLOSS_SYL}(?:[ \-']?{_GLOSS_SYL}){{0,3}}|[{_BOPOMOFO}]{{1,4}}"
                           rf"(?:[ ]?[{_BOPOMOFO}]{{1,4}}){{0,3}})([)）\]〕】>])")
_CLOSING = {"(": ")", "（": "）", "[": "]", "〔": "〕", "【": "】", "<": ">"}
_SYLLABLE = re.compile(r"(?:[bpmfdtnlgkhjqxrzcsyw]|zh|ch|sh)?[iuüv]?(?:[aeoiuüv]|ai|ei|ao|ou|an|en|ang|eng|ong|ia|ie|iao|"
                       r"iu|ian|in|iang|ing|iong|ua|uo|uai|ui|uan|un|uang|er)n?g?[1-5]?")


def _toneless(s: str) -> str:
    import unicodedata

    return "".join(c for c in unicodedata.normalize("NFD", s) if not unicodedata.combining(c))


def strip_pinyin_glosses(m: Mapped) -> Mapped:
    """``區(qū)`` → ``區``: glosses with a tone mark or a tone number, in any bracket pair; in a text glossed
    that way (three such glosses or more) a toneless pinyin syllable too (``區(qu)``). ``(xx)`` masks and other
    brackets stay."""
    found = list(_PINYIN_GLOSS.finditer(m.text))
    marked = [g for g in found if any(c in _TONED for c in g.group(3)) or g.group(3)[-1].isdigit()]
    glossed = len(marked) >= 3

    def keep(g: re.Match) -> bool:
        if _CLOSING[g.group(2)] != g.group(4):
            return True
        body = g.group(3)
        if re.match(f"[{_BOPOMOFO}]", body):
            return False
        if body != body.lower() and not any(c in _TONED_UPPER for c in body):
            return True  # an abbreviation (EMA), not a gloss
        body = body.lower()
        syllables = re.split(r"[ \-']", body)
        if any(c in _TONED for c in body) or all(s[-1:].isdigit() and _SYLLABLE.fullmatch(_toneless(s)) for s in syllables):
            return False
        return not (glossed and len(body) >= 2 and body != "xx" and _SYLLABLE.fullmatch(body))

    return m.splice([(g.start(), g.end(), g.group(1)) for g in found if not keep(g)])


# ---------------------------------------------------------------- byte-garbled runs

# characters that a GBK byte stream read one byte out of step turns into: pinyin letters,
# bopomofo, box drawing, enclosed numerals, Greek/Cyrillic/kana rows of GB2312
@lru_cache(maxsize=1)
def _suspicious_chars() -> frozenset[str]:
    out = set()
    for row in (0xA2, 0xA4, 0xA5, 0xA6, 0xA7, 0xA8, 0xA9):
        for cell in range(0xA1, 0xFF):
            try:
                out.add(bytes([row, cell]).decode("gb2312"))
            except UnicodeDecodeError:
                pass
    return frozenset(out)


# an enclosed numeral alone (①, ⑵, ⒊) among common characters is an item's number that no shift restores, not garbage
_ENCLOSED_NUMERAL = re.compile("[\u2460-\u249b]")


@lru_cache(maxsize=1)
def _suspicious_rx() -> re.Pattern:
    return re.compile("[" + "".join(re.escape(c) for c in sorted(_suspicious_chars())) + "]")


def _suspicious(c: str) -> bool:
    return c in _suspicious_chars()


_COMMON_PUNCT = set("，。、；：（）“”《》,;:()!?！？")


@lru_cache(maxsize=65536)
def _point(c: str) -> int:
    """One character's part of :func:`_common_score`."""
    if c in _COMMON_PUNCT:
        return 1
    if c == "\ufffd":
        return -2
    try:
        b = c.encode("gb2312")
    except UnicodeEncodeError:
        return 0
    return 1 if len(b) == 2 and 0xB0 <= b[0] <= 0xD7 else 0  # GB2312 level 1: the 3,755 common characters


def _common_score(s: str) -> int:
    # the points are cached per character: encoding every character of every candidate window (up to 120 windows
    # of up to 60 characters per suspicious character) was most of restore_garbled's time
    return sum(map(_point, t2s()(s)))


def _shift(s: str) -> str:
    try:
        b = s.encode("gb18030")
    except UnicodeEncodeError:
        return s
    return b[1:].decode("gbk", errors="replace").rstrip("\ufffd")


_GARBLE_START = re.compile(r"[\u00a1-\uffff]")
#: characters a restored window may span, from the character before the first suspicious one
_GARBLE_WINDOW = 60


@lru_cache(maxsize=65536)
def _char_score(c: str) -> int:
    """:func:`_common_score` of one character."""
    return _common_score(c)


@lru_cache(maxsize=65536)
def _gb18030(c: str) -> bytes | None:
    try:
        return c.encode("gb18030")
    except UnicodeEncodeError:
        return None


def _shift_gains(line: str, s: int, first_end: int, scores: list[int]) -> tuple[int, int] | None:
    """The best ``(gain, end)`` of the windows ``line[s:end]`` (``end`` from ``first_end`` on, at most
    :data:`_GARBLE_WINDOW` characters): how much more common Chinese :func:`_shift` makes of the window than it is.

    One pass per start: the window's bytes go through an incremental GBK decoder one character at a time, so the
    score of each longer window is the shorter one's plus what the new bytes decode to (decoding every window
    afresh cost ~1.3 ms per suspicious character: 10 kB of ``òø`` took 6 s). A shifted window's trailing U+FFFD
    are stripped, as :func:`_shift` does; ``scores`` are the prefix sums of the line's own character scores.
    """
    import codecs

    dec = codecs.getincrementaldecoder("gbk")("replace")
    score = trailing = 0
    best = None
    for k in range(s, min(len(line), s + _GARBLE_WINDOW)):
        b = _gb18030(line[k])
        if b is None:  # not encodable: _shift leaves such a window as it is (no gain), and every longer one
            break
        for ch in dec.decode(b[1:] if k == s else b):
            trailing = trailing + 1 if ch == "\ufffd" else 0
            score += _char_score(ch)
        end = k + 1
        if end < first_end:
            continue
        gain = score + 2 * trailing - (scores[end] - scores[s])  # a stripped U+FFFD scored -2
        if gain >= 2 and (best is None or gain > best[0]):
            best = (gain, end)
    return best


def restore_garbled(m: Mapped) -> Mapped:
    """Find runs of GBK text read one byte out of step (``。ǘ┳龊檬∈懈骷``), flag them, restore what the bytes allow.

    At each suspicious character, the windows starting there or one character before, up to
    :data:`_GARBLE_WINDOW` characters long, are read one byte out of step; the one that gains most common
    Chinese (at least 2 characters' worth) is taken. Time is linear in the text (a bounded number of windows per
    suspicious character, each start decoded once).
    """
    text = m.text
    if not _suspicious_rx().search(text):
        return m
    edits = []
    line_start = 0
    for line in text.split("\n"):
        if not _suspicious_rx().search(line):
            line_start += len(line) + 1
            continue
        scores = [0]
        for ch in line:
            scores.append(scores[-1] + _char_score(ch))
        i = 0
        while i < len(line):
            if not _suspicious(line[i]):
                i += 1
                continue
            best = None
            for back in (1, 0):
                s = i - back
                if s < 0:
                    continue
                found = _shift_gains(line, s, i + 2, scores)
                if found and (best is None or found[0] > best[0]):
                    best = (found[0], s, found[1])
            if best:
                _, s, c = best
                edits.append((line_start + s, line_start + c, _shift(line[s:c])))
                i = c
            else:
                j = i
                while j < len(line) and (_suspicious(line[j]) or j - i < 1):
                    j += 1
                if not (j - i == 1 and _ENCLOSED_NUMERAL.match(line[i])):  # ①第三季度完成…: an item's number
                    m.flag("garbled_text", "byte-garbled characters that could not be restored", line_start + i,
                           line_start + j)
                i = j
        line_start += len(line) + 1
    for s, e, r in edits:
        m.flag("garbled_text", f"byte-garbled run restored from its GBK bytes: {text[s:e]!r} → {r!r}", s, e)
    return m.splice(edits)


# ---------------------------------------------------------------- mojibake: UTF-8 read with the wrong code page

# Two kinds, both repaired from the bytes the wrong decoding leaves: UTF-8 read as cp1252 / Latin-1 (关于 →
# å…³äºŽ, ftfy's case) and UTF-8 read as GBK (关于 → 鍏充簬, which ftfy does not handle: the reverse round trip
# ``s.encode("gbk").decode("utf-8")``). A byte the wrong decoding lost (shown as U+FFFD, one per byte, or dropped
# by cp1252's five undefined bytes) loses its character: it is kept as U+FFFD and flagged, never dropped.

_CP1252_SPECIALS = "€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ"
# a run of UTF-8 read as cp1252/Latin-1: lead bytes of multi-byte sequences (Â-ô) each followed by continuation
# bytes (U+0080-U+00BF, or cp1252's letters for 0x80-0x9F, or U+FFFD for a lost one), ASCII allowed between
_LATIN_CONT = "\\u0080-\\u00bf\\ufffd" + re.escape(_CP1252_SPECIALS)
_LATIN_SEQ = rf"[\u00c2-\u00f4\ufffd][{_LATIN_CONT}]{{1,3}}"
_LATIN_LEAD = re.compile("[\u00c2-\u00f4\ufffd]")  # a cheap first look: no such character, no Latin mojibake
_LATIN_RUN = re.compile(rf"{_LATIN_SEQ}(?:\s*[ -~]{{0,12}}?{_LATIN_SEQ})+")
_WANTED = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\u3000-\u303f\uff00-\uffef\u2010-\u2027\u00b7\x20-\x7e\t]")
# the five bytes cp1252 leaves undefined: a decoder with errors="replace" turns each into U+FFFD
_CP1252_HOLES = (0x81, 0x8D, 0x8F, 0x90, 0x9D)


def _cjk(c: str) -> bool:
    return "\u4e00" <= c <= "\u9fff" or "\u3400" <= c <= "\u4dbf"


def _cjk_share(s: str) -> float:
    wide = [c for c in s if c > "\x7f" and c != "\ufffd"]
    return sum(map(_cjk, wide)) / max(1, len(wide))


@lru_cache(maxsize=1)
def _gbk_lead_chars() -> frozenset[str]:
    """Characters GBK makes of a UTF-8 lead byte of a 3-byte sequence (E3-E9, the CJK and CJK punctuation
    rows) and a continuation byte: half the characters of a CJK text read as GBK are among them (鍏 浜 涓 …)."""
    out = set()
    for lead in range(0xE3, 0xEA):
        for cont in range(0x80, 0xC0):
            try:
                out.add(bytes([lead, cont]).decode("gbk"))
            except UnicodeDecodeError:
                pass
    out.update(bytes([0xEF, c]).decode("gbk") for c in range(0xBC, 0xBE))  # ，（：… (full-width forms)
    return frozenset(out)


@lru_cache(maxsize=1)
def _gbk_lead_rx() -> re.Pattern:
    return re.compile("[" + "".join(re.escape(c) for c in sorted(_gbk_lead_chars())) + "]")


@lru_cache(maxsize=65536)
def _gb_bytes(c: str) -> bytes | None:
    """The GB18030 bytes of one character (``b""`` stands for U+FFFD, a lost byte; None: not GBK text)."""
    if c == "\ufffd":
        return b""
    if c < "\x80":
        return c.encode("ascii")
    try:
        b = c.encode("gb18030")
    except UnicodeEncodeError:
        return None
    return b if len(b) == 2 else None


@lru_cache(maxsize=4096)
def _cp_bytes(c: str) -> bytes | None:
    """The byte cp1252 (or Latin-1, for U+0080-U+009F) made this character of (``b""``: U+FFFD, a lost byte)."""
    if c == "\ufffd":
        return b""
    if c <= "\xff":
        return c.encode("latin-1")
    try:
        return c.encode("cp1252")
    except UnicodeEncodeError:
        return None


def _decoded_ok(c: str) -> bool:
    # Chinese text, with the toned letters of pinyin glosses (ā é ǎ ü …)
    return bool(_WANTED.match(c)) and not ("\uff61" <= c <= "\uff9f") or c in "①②③④⑤⑥⑦⑧⑨⑩×℃㎡—…" \
        or "\u00c0" <= c <= "\u024f"


class _Lost:
    """A character with one byte the wrong decoding lost: its known bytes (-1 for the lost one)."""

    __slots__ = ("pattern",)

    def __init__(self, pattern: list[int]):
        self.pattern = pattern


def _any_text(c: str) -> bool:
    return c >= " " and not ("\x7f" <= c <= "\x9f") or c in "\t\n"


def _utf8_from(line: str, i: int, to_bytes, stop_at_newline: bool = True, ok=_decoded_ok):
    """Read ``line[i:]`` as the bytes the wrong decoding saw (``to_bytes`` per character), as UTF-8: the
    longest stretch that decodes to Chinese text.

    Returns ``(end, pieces, sources)``: ``end`` a character index of ``line``, ``pieces`` decoded characters
    and :class:`_Lost` ones (a U+FFFD of the garbled text stands for one lost byte), ``sources`` the index in
    ``line`` of the character each piece's first byte came from.
    """
    out: list = []
    best = None
    src: list[int] = []  # for each piece, the index in ``line`` of the character its first byte came from
    start = i
    need = 0  # continuation bytes still expected
    acc: list[int] = []  # the bytes of the character being read (-1: lost)
    j, n = i, len(line)
    while j < n:
        c = line[j]
        if stop_at_newline and c == "\n":
            break
        bs = to_bytes(c)
        if bs is None:
            break
        seq = list(bs) if bs else [-1]
        bad = False
        for b in seq:
            if need == 0:
                start = j
                if b == -1:  # a lost lead byte: a 3-byte character (CJK) with an unknown first byte
                    acc, need = [-1], 2
                elif b < 0x80:
                    out.append(chr(b))
                    src.append(j)
                elif 0xE0 <= b <= 0xEF:
                    acc, need = [b], 2
                elif 0xC2 <= b <= 0xDF:
                    acc, need = [b], 1
                elif 0xF0 <= b <= 0xF4:
                    acc, need = [b], 3
                else:
                    bad = True
                    break
            else:
                if b == -1 or 0x80 <= b <= 0xBF:
                    acc.append(b)
                    need -= 1
                else:
                    bad = True
                    break
                if need == 0:
                    if -1 in acc:
                        # one byte lost, or the last two of a 3-byte character (GBK drops a pair it has no
                        # character for: both bytes become U+FFFD)
                        if acc.count(-1) > 1 and not (len(acc) == 3 and acc[0] != -1):
                            bad = True
                            break
                        out.append(_Lost(acc))
                        src.append(start)
                    else:
                        try:
                            ch = bytes(acc).decode("utf-8")
                        except UnicodeDecodeError:
                            bad = True
                            break
                        if not ok(ch):
                            bad = True
                            break
                        out.append(ch)
                        src.append(start)
                    acc = []
        if bad:
            break
        j += 1
        if need == 0:
            best = (j, list(out), list(src))
    return best


@lru_cache(maxsize=1)
def _freq() -> dict:
    """Word frequencies of jieba's dictionary (already a dependency): which character a lost byte most likely
    belonged to, given its neighbours."""
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
    jieba.dt.initialize()
    return jieba.dt.FREQ


@lru_cache(maxsize=1)
def _gbk_dead_pairs() -> tuple[tuple[int, int], ...]:
    """Pairs of UTF-8 continuation bytes GBK has no character for (both become U+FFFD)."""
    return tuple((x, y) for x in range(0x80, 0xC0) for y in range(0x80, 0xC0)
                 if bytes([x, y]).decode("gbk", errors="replace") == "\ufffd\ufffd")


@lru_cache(maxsize=1)
def _char_freq() -> dict:
    """How often each character occurs in jieba's words (weighted by the words' frequencies)."""
    out: dict = {}
    for w, f in _freq().items():
        if f:
            for c in w:
                out[c] = out.get(c, 0) + f
    return out


def _candidates(pattern: list[int], holes: tuple[int, ...] | None) -> list[str]:
    """The characters a pattern of known bytes (-1: lost) can be: CJK ideographs and Chinese punctuation."""
    import itertools

    lost = [k for k, b in enumerate(pattern) if b == -1]
    if len(lost) == 1:
        k = lost[0]
        fills = [(v,) for v in (holes if holes is not None else (range(0xE0, 0xF0) if k == 0 else range(0x80, 0xC0)))]
    elif holes is not None:
        fills = list(itertools.product(holes, repeat=len(lost)))
    else:
        fills = list(_gbk_dead_pairs())
    out = []
    for fill in fills:
        it = iter(fill)
        bs = bytes(next(it) if b == -1 else b for b in pattern)
        try:
            c = bs.decode("utf-8")
        except UnicodeDecodeError:
            continue
        if len(c) == 1 and ("\u4e00" <= c <= "\u9fff" or c in _PUNCT_ORDER or (len(pattern) == 2 and c.isalpha())):
            out.append(c)
    return out


# measure words: after a number, the character a lost byte hid is likelier one of these
_MEASURE = frozenset("个户份人次名家处起项件条台辆所座套只吨元批场支册本张篇期天周月年日米亩栋间")
_NUMERAL = frozenset("0123456789一二三四五六七八九十百千万两几")


_PUNCT_ORDER = "，。、：；“”《》（）？！…—〔〕"
_CLOSES = {"》": "《", "”": "“", "）": "（", "〕": "〔", "」": "「", "】": "【"}


def _resolve(pieces: list, holes: tuple[int, ...] | None) -> tuple[str, list[int], int]:
    """Restore the :class:`_Lost` characters of ``pieces``: the one candidate their known bytes allow, or the
    likeliest by jieba's frequencies of the words they make with their neighbours; U+FFFD where none fits.
    Returns ``(text, offsets of guessed characters, characters lost)``."""
    import math

    out: list[str] = []
    guessed: list[int] = []
    lost = 0
    for k, p in enumerate(pieces):
        if not isinstance(p, _Lost):
            out.append(p)
            continue
        cands = _candidates(p.pattern, holes)
        if len(cands) == 1:
            out.append(cands[0])
            continue
        if not cands:
            out.append("\ufffd")
            lost += 1
            continue
        freq, cfreq = _freq(), _char_freq()
        prev = out[-1] if out else ""
        nxt_piece = pieces[k + 1] if k + 1 < len(pieces) else None
        nxt = nxt_piece if isinstance(nxt_piece, str) else ""
        # the next character lost too: the candidates of both, scored by the words they make together
        nxt_cands = _candidates(nxt_piece.pattern, holes) if isinstance(nxt_piece, _Lost) else []
        prev2 = "".join(out[-2:]) if len(out) >= 2 else ""

        after_number = prev[-1:] in _NUMERAL

        simple = t2s()  # jieba's words are simplified: traditional text is scored through OpenCC

        def score(c: str) -> float:
            pair = max((freq.get(simple(c + d), 0) for d in nxt_cands), default=0)
            return (2 * math.log1p(freq.get(simple(prev + c), 0)) + 2 * math.log1p(freq.get(simple(c + nxt), 0))
                    + 2 * math.log1p(pair)
                    + math.log1p(freq.get(simple(prev2 + c), 0)) + 0.3 * math.log1p(cfreq.get(simple(c), 0))
                    + (20 if after_number and c in _MEASURE else 0))

        if not any(map(_cjk, cands)):  # punctuation or letters: a bracket this closes, else the commonest
            before = "".join(out[-80:])
            closing = [c for c in cands if c in _CLOSES and before.rfind(_CLOSES[c]) > before.rfind(c)]
            best = closing[0] if closing else min(cands, key=lambda c: _PUNCT_ORDER.find(c) % 100)
            guessed.append(len(out))
            out.append(best)
            continue
        best = max(cands, key=score)
        if score(best) <= 0:
            out.append("\ufffd")
            lost += 1
            continue
        guessed.append(len(out))
        out.append(best)
    return "".join(out), guessed, lost


def _gbk_runs(line: str) -> list[tuple[int, int, str, list[int], int, list[int]]]:
    """The stretches of ``line`` that are UTF-8 read as GBK: ``(start, end, restored, guessed, lost, sources)``
    (``sources``: where in the run each restored character came from)."""
    leads = _gbk_lead_chars()
    out = []
    i, n = 0, len(line)
    while i < n:
        c = line[i]
        if c not in leads and c != "\ufffd":
            i += 1
            continue
        found = _utf8_from(line, i, _gb_bytes)
        if found:
            j, pieces, src = found
            nlost = sum(isinstance(p, _Lost) for p in pieces)
            plain = "".join(p for p in pieces if isinstance(p, str))
            cjk = sum(map(_cjk, plain))
            garbled = line[i:j]
            gain = _common_score(plain) - _common_score(garbled.replace("\ufffd", ""))
            wide = sum(1 for p in pieces if isinstance(p, _Lost) or p > "\x7f")
            # two Chinese characters at least, and the restored text reads as more common Chinese than the run
            # did (genuine text is already common characters); or, where the wrong decoding lost a byte of
            # most characters (2024骞�3鏈� for 2024年3月: a lead byte before ASCII is always lost), two lost
            # characters at least whose known bytes each fit a Chinese character
            read_ok = cjk >= 2 and gain >= max(2, len(plain) // 4)
            lost_ok = cjk < 2 and nlost >= 2 and all(_candidates(p.pattern, None) for p in pieces
                                                      if isinstance(p, _Lost))
            if (read_ok and nlost <= max(1, wide // 2)) or lost_ok:
                restored, guessed, lost = _resolve(pieces, None)
                out.append((i, j, restored, guessed, lost, [x - i for x in src]))
                i = j
                continue
        i += 1
    return out


def _latin_run(run: str) -> tuple[str, list[int], int] | None:
    """A run of UTF-8 read as cp1252/Latin-1, restored: with ftfy when no byte was lost, else from its bytes
    (a U+FFFD being one of cp1252's five undefined bytes)."""
    ftfy_fixed = None
    if "\ufffd" not in run:
        import ftfy

        fixed = ftfy.fix_encoding(run)
        if fixed != run and _cjk_share(fixed) >= 0.3 and "\ufffd" not in fixed:
            ftfy_fixed = fixed
    pieces: list = []
    src: list[int] = []
    i = 0
    while i < len(run):  # strict UTF-8 is evidence enough here: any text character it decodes to is taken
        found = _utf8_from(run, i, _cp_bytes, stop_at_newline=False, ok=_any_text)
        if found and found[0] > i:
            pieces.extend(found[1])
            src.extend(found[2])
            i = found[0]
        else:  # a character no byte reading fits: kept as it is
            pieces.append(run[i])
            src.append(i)
            i += 1
    restored, guessed, lost = _resolve(pieces, _CP1252_HOLES)
    if ftfy_fixed is not None:  # ftfy's repair; our reading of the same bytes says where each character came from
        return ftfy_fixed, [], 0, (src if restored == ftfy_fixed else None)
    if restored == run or _cjk_share(restored) < 0.3:
        return None
    return restored, guessed, lost, src


def repair_mojibake(text: str) -> tuple[str, list[tuple]]:
    """Every mojibake run of ``text`` repaired: ``(new_text, [(start, end, restored, kind, guessed, lost,
    sources)])``.

    ``kind`` is ``"gbk"`` (UTF-8 read as GBK) or ``"cp1252"`` (UTF-8 read as cp1252/Latin-1); start/end index
    ``text``; ``guessed`` are the offsets in ``restored`` of characters a lost byte left ambiguous, chosen by
    their context; ``lost`` counts the characters kept as U+FFFD; ``sources`` (or None) where in the run each
    restored character came from. Genuine text is left alone.
    """
    edits: list = []
    if _LATIN_LEAD.search(text) and _LATIN_RUN.search(text):
        for m in _LATIN_RUN.finditer(text):
            fixed = _latin_run(m.group())
            if fixed is not None:
                edits.append((m.start(), m.end(), fixed[0], "cp1252", fixed[1], fixed[2], fixed[3]))
    rx = _gbk_lead_rx()
    if rx.search(text):
        pos = 0
        for line in text.split("\n"):
            if len(rx.findall(line, 0, 4000)) >= 2:
                for s, e, r, guessed, lost, src in _gbk_runs(line):
                    if not any(a < pos + e and pos + s < b for a, b, *_ in edits):
                        edits.append((pos + s, pos + e, r, "gbk", guessed, lost, src))
            pos += len(line) + 1
    edits.sort(key=lambda x: x[0])
    out, last = [], 0
    for s, e, r, *_ in edits:
        out.append(text[last:s])
        out.append(r)
        last = e
    out.append(text[last:])
    return "".join(out), edits


_HOW = {"gbk": "UTF-8 text read as GBK", "cp1252": "UTF-8 text read as cp1252/Latin-1"}
_LOST = re.compile("\ufffd+")


def restore_mojibake(m: Mapped) -> Mapped:
    """Repair runs of mojibake inside a document (``鍏充簬`` → ``关于``, ``å…³äºŽ`` → ``关于``) and flag each
    (``mojibake``); a character whose lost byte left several readings is chosen by its context and flagged
    ``guessed_text``; characters nothing recovers stay as U+FFFD, flagged ``garbled_text`` with their span."""
    text = m.text
    if not (_LATIN_LEAD.search(text) or _gbk_lead_rx().search(text)):
        return m
    _new, edits = repair_mojibake(text)
    for s, e, r, kind, guessed, lost, _src in edits:
        more = "".join([f", {len(guessed)} character(s) guessed from their context" if guessed else "",
                        f", {lost} character(s) lost (kept as U+FFFD)" if lost else ""])
        shown = text[s:e] if e - s <= 40 else text[s:s + 37] + "…"
        m.flag("mojibake", f"{_HOW[kind]}, restored from its bytes: {shown!r} → "
                           f"{r if len(r) <= 40 else r[:37] + '…'!r}{more}", s, e)
    pieces = []  # one edit per restored character, from the garbled characters it came from: spans lead back
    for s, e, r, _kind, _guessed, _lost, src in edits:
        if src is None or len(src) != len(r):
            pieces.append((s, e, r))
            continue
        for k, ch in enumerate(r):
            pieces.append((s + src[k], s + src[k + 1] if k + 1 < len(r) else e, ch))
    m = m.splice(pieces)
    shift = 0
    for s, e, r, _kind, guessed, _lost, _src in edits:
        for k in guessed:
            m.flag("guessed_text", f"{r[k]!r} guessed from its context: one of its bytes was lost to the wrong "
                                   "decoding", s + shift + k, s + shift + k + 1)
        shift += len(r) - (e - s)
    for x in _LOST.finditer(m.text):
        m.flag("garbled_text", f"{x.end() - x.start()} character(s) that no decoding recovers (kept as U+FFFD)",
               x.start(), x.end())
    return m


# ---------------------------------------------------------------- traditional → simplified

# frequent characters that exist only in traditional script
_TRADITIONAL_ONLY = re.compile("[們個國這來說時會為學對發後過與經產業區縣鄉鎮處體關開長門問聯義務點擊積極單當應態監責實隱強"
                               "員導織險專環節現規範劃證書歷據條災華資訊檢組織領導設備類場頭費讓認識達問題]")


def t2s_changes(text: str) -> tuple[str, int, int]:
    """``text`` through OpenCC's t2s, how many of its characters that changes (all its Chinese characters when the
    conversion changes the length: certainly converted) and how many Chinese characters it has (0: not converted)."""
    cjk = sum(1 for c in text if "\u4e00" <= c <= "\u9fff")
    if not cjk:
        return text, 0, 0
    conv = t2s()(text)
    changed = sum(a != b for a, b in zip(text, conv)) if len(conv) == len(text) else cjk
    return conv, changed, cjk


def to_simplified(m: Mapped) -> Mapped:
    """Traditional script to simplified with OpenCC, when the text is traditional (≥1% of its characters change)."""
    text = m.text
    if not _TRADITIONAL_ONLY.search(text):  # cheap pre-check: a simplified text loads no converter
        return m
    conv, changed, cjk = t2s_changes(text)
    if not cjk:
        return m
    if changed < 3 or changed < 0.01 * cjk:
        return m
    m.flag("traditional_script", f"traditional script converted to simplified ({changed} characters)", 0, len(text))
    if len(conv) == len(text):
        return m.replace_same_length(conv)
    # rare: a phrase conversion changed the length; convert line by line so the map stays local
    edits, pos = [], 0
    for line in text.split("\n"):
        c = t2s()(line)
        if c != line:
            edits.append((pos, pos + len(line), c))
        pos += len(line) + 1
    return m.splice(edits)


# ---------------------------------------------------------------- site chrome

# the phrase lists live beside the model that uses them as features
from ..learn.boilerplate import CHROME_INLINE as _CHROME_INLINE  # noqa: E402
from ..learn.boilerplate import CHROME_LINE as _CHROME_LINE  # noqa: E402
from ..learn.boilerplate import TRAILER_START as _TRAILER_START  # noqa: E402
from ..learn.boilerplate import _TITLE_END as _TITLE_END_RX  # noqa: E402
from ..learn.boilerplate import nav_bar as _nav_bar  # noqa: E402
from ..learn.boilerplate import position_chrome as _position_chrome  # noqa: E402
from ..learn.boilerplate import rule_chrome as _rule_chrome  # noqa: E402


def _list_chrome_lines(text: str) -> list[tuple[int, int]]:
    """The lines the phrase lists call chrome, and those their place tells (the portal header above them, a
    table of contents above the text): ``(start, end)`` including the newline."""
    out, pos = [], 0
    after_trailer = False
    lines = text.split("\n")
    header = _position_chrome(lines)
    # a sharing site's trailer (关键词:…, 配套讲稿:) follows the text: a 关键词 row of a portal's metadata table
    # above the text opens none (everything short after it went: the title, the salutation, the signature)
    last_body = max((k for k, line in enumerate(lines) if _is_body_line(line)), default=-1)
    for k, line in enumerate(lines):
        end = pos + len(line) + 1
        drop = False
        if k in header or _rule_chrome(line.strip()):
            drop = True
        elif after_trailer and len(line) < 80 and "。" not in line:
            drop = True
        if k > last_body and _TRAILER_START.match(line):
            after_trailer = True
        if drop:
            out.append((pos, min(end, len(text))))
        pos = end
    return out


def _is_body_line(line: str) -> bool:
    """A line that is clearly the document's text: 40 characters or more ending a sentence."""
    t = line.strip()
    return len(t) >= 40 and t[-1] in "。!?！？;；"


def _drop_lines(m: Mapped, spans: list[tuple[int, int]], how: str, keep_newline: bool = False) -> Mapped:
    # with ``keep_newline`` the newline stays (a blank line, tidied later): a removed line is a paragraph
    # boundary, so the lines around it are never rejoined as one broken sentence
    edits = [(s, e - 1 if keep_newline and m.text[e - 1:e] == "\n" else e, "") for s, e in sorted(set(spans))]
    if edits:
        m.flag("site_chrome", f"{len(edits)} line(s) of web-site chrome removed ({how})", edits[0][0], edits[0][1])
    return m.splice(edits)


def remove_site_chrome(m: Mapped) -> Mapped:
    """Drop whole lines that the phrase lists know as the web site's (navigation, download notices, footers)."""
    return _drop_lines(m, _list_chrome_lines(m.text), "phrase lists")


def remove_nav_bars(m: Mapped) -> Mapped:
    """Drop the bars of a site's links (首页 | 政务公开 | 通知公告, 网站首页　机构职能　政务公开…) while their
    separators are still there: spaces between Chinese words are dropped later, which glues such a bar into
    one word (网站首页机构职能政务公开…), and bars parted by | are read as table rows."""
    spans, pos = [], 0
    top: list[tuple[int, int, str]] = []  # the non-blank lines above the first bar, while it may be the site's
    for line in m.text.split("\n"):
        end = pos + len(line) + 1
        t = line.strip()
        if t and _nav_bar(t):
            spans.append((pos, min(end, len(m.text))))
            if top is not None and len(top) <= 3:
                # the site's header above its menu at the top of the page (柳溪镇人民政府, 中国应急信息网 | …主管):
                # short lines without a sentence, a date or a document's title
                spans.extend((s, e) for s, e, x in top if _site_header_line(x))
            top = None
        elif t and top is not None:
            top.append((pos, min(end, len(m.text)), t))
            if len(top) > 3:
                top = None
        pos = end
    return _drop_lines(m, spans, "bar of links", keep_newline=True) if spans else m


def _site_header_line(t: str) -> bool:
    return (len(t) <= 30 and not re.search(r"[。，,；;！!？?]|(?:19|20)\d\d|年\s*\d{1,2}\s*月", t)
            and not _TITLE_END_RX.search(t) and not t.startswith("关于"))


def remove_boilerplate(m: Mapped) -> Mapped:
    """Drop the lines the boilerplate model calls site chrome, and those the phrase lists know.

    Without a trained model (``models/boilerplate.joblib``) this is :func:`remove_site_chrome`.
    """
    from ..learn.boilerplate import chrome_spans

    spans = chrome_spans(m.text)
    if spans is None:
        return remove_site_chrome(m)
    n = len(m.text)
    model = [(s, min(e + 1, n)) for s, e in spans]
    return _drop_lines(m, model + _list_chrome_lines(m.text), "line model and phrase lists", keep_newline=True)


# ---------------------------------------------------------------- chrome inside a line (a grammar of kinds)

# the words of a page's controls: font size, print, close, favourites, share, back to top, error report
_CONTROL = (r"(?:我要)?(?:字[ \t]*[体号](?:[ \t]*[:：])?(?:[ \t]*[【\[(（]?[ \t]*[大中小][ \t]*[】\])）]?){0,3}|[大中小]|打印(?:本页|此页|文章|正文)?|"
            r"关闭(?:本页|窗口|页面)?|(?:加入)?收藏(?:本页|文章)?|分享(?:到)?|返回(?:顶部|首页|列表)?|顶部|我要纠错|纠错|"
            r"推荐(?:给)?(?:好友|朋友)?|复制链接|放大|缩小|默认|保存(?:本页)?|转发|评论|点赞|下载(?:本文|全文)?|订阅|打印预览|"
            r"在线(?:咨询|访谈)|视力保护色|护眼模式|无障碍|繁体|简体)")
_CONTROL_TOKEN = re.compile(rf"[【\[][ \t]*{_CONTROL}[ \t]*[】\]]")
# font-size control written without brackets: 字号:大 中 小, 字体:[大][中][小]
_FONT_SIZE = re.compile(r"[【\[]?[ \t]*字[ \t]*[体号][ \t]*[:：][ \t]*(?:[【\[(（]?[ \t]*[大中小][ \t]*[】\])）]?[ \t]*){1,3}[】\]]?|"
                        r"(?:[【\[(（][ \t]*[大中小][ \t]*[】\])）][ \t]*){3}")
# a line that is only a fragment of such controls (a control cut over several lines: 【 / 大 / 中 / 小】)
_CONTROL_LINE = re.compile(r"^[ \t]*[【\[]?[ \t]*(?:字[体号][:：]?|[大中小])?[ \t]*[】\]]?[ \t]*$", re.M)
# truncation and paywall notices: (未完,全文共1772字,当前显示432字), 此处省略826字, 阅读全部图文, 展开全文
_TRUNCATION = re.compile(
    r"[…]*[(（][^()（）\n]{0,80}?(?:未完|(?:省略|隐藏|略去)[ \t]*\d+[ \t]*字|全文共?[ \t]*\d+[ \t]*字|显示[ \t]*\d+[ \t]*字)"
    r"[^()（）\n]{0,80}(?:[)）][…]*|$)|[(（]?[ \t]*(?:此处|以下|下文|中间)?(?:省略|隐藏|略去)[ \t]*\d+[ \t]*字[ \t]*[)）]?|"
    r"[(（]?[ \t]*全文共[ \t]*\d+[ \t]*字[^)）\n]{0,20}[)）]?|阅读全部图文|(?:(?<=^)|(?<=[ \t…。.]))(?:点击|继续|展开)?(?:阅读|查看|展开)(?:全文|更多|剩余全文)(?:>>|»|>)?(?=[ \t]*$)|"
    r"(?:余下|剩余)全文[^\n。]{0,10}", re.M)
# a page counter inside a line: 第1页共5页, 第 1 页 / 共 5 页
_PAGE_COUNTER = re.compile(r"第[ \t]*\d{1,4}[ \t]*页[ \t]*[,，/、]?[ \t]*共[ \t]*\d{1,4}[ \t]*页")
# style sheet rules and markup: .nav{color:#333;} body{margin:0} <div class="x">, ![](…)
_MARKUP = re.compile(r"(?:[.#@]?[A-Za-z][\w\-]*(?:[ ,.#>:][\w\-.#>: ]*)?[ \t]*)\{[^{}\n]*:[^{}\n]*\}|"
                     r"</?[A-Za-z][A-Za-z0-9]*(?:[ \t][^<>\n]*)?/?>|!\[[^\]\n]*\]\([^)\n]*\)|!\[\]")


# the site's name after a page title (…工作计划 - 道客文库, …的通知_XX市人民政府门户网站)
_SITE_SUFFIX = re.compile(rf"(?<=\S)[ \t]*(?:[ \t][-_|–—][ \t]*|_)[{CJK}A-Za-z0-9]{{2,16}}?"
                          r"(?:文库|范文网|文档网|文章网|网|百科|在线|之家|门户网站|门户|网站|论坛|社区|频道|客户端)[ \t]*$", re.M)


def _page_titles(text: str) -> list[tuple[int, int, str]]:
    """Edits for the page titles of a web copy (``…工作计划 - 道客文库``): the whole line when the title stands again
    as a line of its own within the next ten lines (the document's own title), else the site's name alone."""
    out = []
    for g in _SITE_SUFFIX.finditer(text):
        s = text.rfind("\n", 0, g.start()) + 1
        title = text[s:g.start()].strip()
        following = text[g.end():g.end() + 4000].split("\n", 11)[1:11]
        if title and any(x.strip() == title for x in following):
            out.append((s, g.end(), ""))
        else:
            out.append((g.start(), g.end(), ""))
    return out
# what every match of a kind holds (none spans lines): only the lines with it are searched. Their optional
# brackets, blanks or selector words before the cue were tried from every blank or letter of a run: quadratic on a
# line of spaces between Latin letters (10,000: 1.8 s) or of English words (10,000 characters: 0.9 s)
# a page's metadata glued after the document's title on one line (…工作总结　发布日期：2020-01-09　浏览次数：586): the
# fields a portal stamps (publication date, hits, source), cut so the title stays; a date the document states of
# itself (时间：…, a minutes' header) is not among them
_TITLE_META_TAIL = re.compile(
    r"(?<=总结|通知|方案|报告|汇报|通报|讲话|要点|计划|纪要|意见|清单|实录|情况|规划|简报|动态|决定|公告)"
    r"(?:[ \t\u3000]*[|｜]?[ \t\u3000]*(?:发布(?:日期|时间)|更新时间|(?:信息)?来源|浏览(?:次数|量)|点击(?:数|量)|访问次数|阅读(?:次数|量))"
    r"[ \t]*[:：][^。；;\n]{0,40}){1,4}[ \t\u3000]*$", re.M)
_CUES = {
    _TITLE_META_TAIL: re.compile(r"发布|更新|来源|浏览|点击|访问|阅读"),
    _TRUNCATION: re.compile(r"未完|省略|隐藏|略去|全文|显示|阅读|查看|展开"),
    _MARKUP: re.compile(r"[{<]|!\["),
    _FONT_SIZE: re.compile(r"[字大中小]"),
}


def _sub_by_line(m: Mapped, rx: re.Pattern, cue: re.Pattern) -> Mapped:
    """``m.sub(rx, "")`` for a pattern whose matches stay within a line and hold ``cue``."""
    edits, pos, text = [], 0, m.text
    for line in text.split("\n"):
        end = pos + len(line)
        if cue.search(line):
            edits.extend((x.start(), x.end(), "") for x in rx.finditer(text, pos, end) if x.group())
        pos = end + 1
    return m.splice(edits)


def remove_inline_chrome(m: Mapped) -> Mapped:
    """Chrome glued inside a line, by kind: page controls (``【打印本页】``, ``字号:大 中 小``), truncation and
    paywall notices (``(未完,全文共1772字,当前显示432字)``, ``省略826字``, ``阅读全部图文``), page counters
    (``第1页共5页``), style-sheet or markup fragments, and a page title's site name (the whole page title where the
    document's title follows it). A line left empty is removed later."""
    n_before = len(m.text)
    for rx in (_FONT_SIZE, _CONTROL_TOKEN, _TRUNCATION, _PAGE_COUNTER, _MARKUP, _TITLE_META_TAIL):
        m = _sub_by_line(m, rx, _CUES[rx]) if rx in _CUES else m.sub(rx, "")
    titles = _page_titles(m.text)
    if titles:
        m = m.splice(titles)
    m = m.sub(_CONTROL_LINE, "")
    if len(m.text) != n_before:
        m.flag("site_chrome", f"{n_before - len(m.text)} characters of inline chrome removed", 0, 0)
    return m


# ---------------------------------------------------------------- page-chunk markers

_CHUNK = re.compile(r"^(\d{1,3})、(?=\S)")
_OUTLINE_HEADING = re.compile(r"^\s*(?:[一二三四五六七八九十]+[、.]|[(（][一二三四五六七八九十\d]{1,3}[)）]|第[一二三四五六七八九十]+[章节部分条])")


def join_page_chunks(m: Mapped) -> Mapped:
    """Remove the page counters of document-sharing sites (``…安\\n4、全生产…`` → ``…安全生产…``).

    The counters are a run of line-initial ``N、`` numbered 1, 2, 3 … whose lines are
    long and mostly begin in the middle of a sentence the previous line left open; a counter
    outside such a run is one when it cuts a page (:func:`_page_cut`). Real list items (short,
    or after a finished sentence, a heading or their sibling item) are left alone.
    """
    lines = m.text.split("\n")
    cands = [(i, int(mm.group(1))) for i, line in enumerate(lines) if (mm := _CHUNK.match(line))]
    if not cands:
        return m
    chain = _counter_chain(lines, cands)
    taken = {i for i, _ in chain}
    lone = [(i, n) for i, n in cands if i not in taken and _page_cut(lines, i, n)]
    if not chain and any(n == 2 for _, n in lone):
        # page 1's counter before the lone cuts of pages 2, 3 …: a short line (the issuer's name after the title) is
        # no page cut, but its 1、 is the same site's mark when no other 2、 follows it as its sibling item
        two = min(i for i, n in lone if n == 2)
        ones = [i for i, n in cands if n == 1 and i < two]
        if len(ones) == 1 and not any(n == 2 and i < two for i, n in cands):
            chain = [(ones[0], 1)]
    return _join_counters(m, lines, chain, lone)


def _counter_chain(lines: list[str], cands: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The longest chain of counters numbered n, n+1, n+2 … in document order, when its lines are long and
    mostly continue an open sentence; else none."""
    if len(cands) < 2:
        return []
    # from each candidate, the chain that takes the next number's first candidate after it; lengths from the
    # last candidate back (a walk from each was quadratic)
    nxt: list[int | None] = [None] * len(cands)
    length = [1] * len(cands)
    first_after: dict[int, int] = {}  # number -> its first candidate after the current one
    for k in range(len(cands) - 1, -1, -1):
        n = cands[k][1]
        nxt[k] = first_after.get(n + 1)
        if nxt[k] is not None:
            length[k] = 1 + length[nxt[k]]
        first_after[n] = k
    top = max(range(len(cands)), key=lambda k: length[k])  # the first of the longest
    best: list[tuple[int, int]] = []
    k = top
    while k is not None:
        best.append(cands[k])
        k = nxt[k]
    if len(best) < 2:
        return []
    open_prev = sum(1 for i, _ in best[1:] if i > 0 and not _TERMINAL_END.search(lines[i - 1]))
    avg_len = sum(len(lines[i]) for i, _ in best) / len(best)
    if open_prev < max(1, (len(best) - 1) / 2) or avg_len < 80:
        return []
    return best


def _page_cut(lines: list[str], i: int, n: int) -> bool:
    """Whether the lone counter ``n、`` of line ``i`` stands where a sharing site cut a page (``…较大以上水上交通事\\n
    2、故。``): a later page's number, after a long line left open in the middle of a word, that is no heading
    (二、组织实施) and no paragraph opened by the item before it (``1、…`` items written without a full stop)."""
    prev = lines[i - 1] if i > 0 else ""
    # a cut shows after a shorter line too when the counter's line is a word's last one or two characters before the
    # sentence's punctuation (…聚焦共性难\n4、题，: no list item is two characters long), or when the line before is
    # item n-1 in another marker (1.企业自查。…要对照行业隐患排\n2、查标准…: a list keeps its style)
    # … or when it cuts a number from its unit (…于7月10日至8\n2、月17日: no item opens with 月)
    cut_number = re.search(r"\d$", prev) is not None and re.match(r"\d{1,3}、[月日年号时]", lines[i]) is not None
    plainly_cut = (re.match(rf"\d{{1,3}}、[{CJK}]{{1,2}}[，。；、“”\"]", lines[i]) is not None
                   or re.match(rf"{n - 1}[.．)）](?!\d)", prev) is not None or cut_number)
    if n < 2 or len(prev) < (10 if plainly_cut else 30) or not (re.search(f"[{CJK}]$", prev) or cut_number):
        return False
    if _OUTLINE_HEADING.match(prev) and "。" not in prev and not (len(prev) >= 40 and re.search("[，,；;]", prev)) \
            and not cut_number:
        return False  # a heading; a long numbered item with its sentence running (（2）…，…一律停) is not one
    for k in range(i - 1, max(-1, i - 11), -1):  # the open paragraph the counter would join
        if (mm := _CHUNK.match(lines[k])) and int(mm.group(1)) == n - 1:
            return False
        if k > 0 and _TERMINAL_END.search(lines[k - 1]):
            break
    return True


def _join_counters(m: Mapped, lines: list[str], chain: list[tuple[int, int]], lone: list[tuple[int, int]]) -> Mapped:
    """Remove the counters' marks, each but a chain's first joining its line to the previous one."""
    if not chain and not lone:
        return m
    starts, pos = [], 0
    for line in lines:
        starts.append(pos)
        pos += len(line) + 1
    edits = []
    for k, (i, n) in enumerate(chain):
        marker_len = len(str(n)) + 1
        edits.append((starts[i] - 1 if k > 0 else starts[i], starts[i] + marker_len, ""))
    edits.extend((starts[i] - 1, starts[i] + len(str(n)) + 1, "") for i, n in lone)
    edits.sort()
    first = starts[min(i for i, _ in chain + lone)]
    m.flag("page_chunks", f"{len(edits)} page-chunk markers of a document-sharing site removed", first, first + 1)
    return m.splice(edits)


# ---------------------------------------------------------------- page furniture in text copies

_PAGE_NUMBER_LINE = re.compile(r"^\s*(?:[-—–]\s*\d{1,3}\s*[-—–]|[·•・]\s*\d{1,3}\s*[·•・]|第\s*\d{1,3}\s*页(?:\s*[,，/]?\s*共\s*\d+\s*页)?|\d{1,3}\s*/\s*\d{1,3})\s*$")


_GLUED_PAGE_NUMBER = re.compile(rf"(?<=[，,、；;{CJK}])[ \t]*([-—–][ \t]*\d{{1,3}}[ \t]*[-—–]|[·•・][ \t]*\d{{1,3}}[ \t]*[·•・])[ \t]*$",
                                re.M)


def _foreign_header(h: str) -> bool:
    """A running header that is not the document's own words: no title (…实施方案), no organisation's name alone
    (the issuer over each page), with a number in it (XX县人民政府公报 2022年第3期, …文件汇编 第2辑)."""
    from ..learn.boilerplate import _ORG_LINE, _TITLE_END

    return bool(re.search(r"\d", h)) and not _TITLE_END.search(h) and not _ORG_LINE.match(h) and not _DATE_LINE.match(h)


_DATE_LINE = re.compile(r"^[\d\s年月日./\-]+$")


def _cuts_a_sentence(lines: list[str], k: int) -> bool:
    """Line ``k`` stands between a line left open (no closing punctuation, not a heading) and one that goes on
    with it (no new item): a page's running header inside a sentence the page break cut."""
    before = next((lines[j].strip() for j in range(k - 1, -1, -1) if lines[j].strip()
                   and not _PAGE_NUMBER_LINE.match(lines[j])), "")
    after = next((lines[j].strip() for j in range(k + 1, len(lines)) if lines[j].strip()), "")
    return (len(before) >= 20 and (bool(_OPEN_END.search(before)) or before[-1] in "，,、")
            and not before.startswith("附件")
            and bool(re.match(rf"[{CJK}，,、]", after)) and not _ITEM_START.match(after))


def _headers_cutting_a_sentence(lines: list[str], numbers: list[int], first_text: int) -> set[int]:
    """Lines of running headers seen once: the short line after a page number that cuts a sentence (a two-page copy's only
    header, …施工安全监 / — 2 — / 某县安委会成员单位安全生产工作职责 / 管，每月…), or a copy of one of the document's
    first lines (its letterhead) cutting a sentence further down, where the copy lost its page number."""
    out = set()
    for k in numbers:
        if k > first_text and k + 1 < len(lines):
            h = lines[k + 1].strip()
            if h and len(h) <= 30 and not re.search(r"[。，,；;：:]", h) and _cuts_a_sentence(lines, k + 1):
                out.add(k + 1)
    top = [ln.strip() for ln in lines[first_text:first_text + 40] if ln.strip()][:3]
    for k in range(first_text + 10, len(lines)):
        h = lines[k].strip()
        if h in top and 6 <= len(h) <= 30 and _cuts_a_sentence(lines, k):
            out.add(k)
    return out


def remove_page_furniture(m: Mapped) -> Mapped:
    """Page numbers (``- 3 -``, ``第3页``) on lines of their own, and the running header that follows them.

    A text copied from a paginated document keeps each page's number and header; the header is the
    short line that comes right after a page number and also stands at the top of the document.
    """
    # a page number the copy glued to the end of the line the page break cut (…停产停业整顿，— 2 —): a line of its own
    if _GLUED_PAGE_NUMBER.search(m.text):
        m = m.sub(_GLUED_PAGE_NUMBER, lambda g: "\n" + g.group(1))
    lines = m.text.split("\n")
    numbers = [k for k, ln in enumerate(lines) if _PAGE_NUMBER_LINE.match(ln)]
    if not numbers:
        return m
    # a page number above all the text (a sharing site's 第1页 共5页 at the top) is no page break: the line after
    # it is the document's first line, not a running header
    number_set = set(numbers)
    first_text = next((k for k, ln in enumerate(lines) if ln.strip() and k not in number_set), len(lines))
    after = [lines[k + 1].strip() for k in numbers if k + 1 < len(lines) and k > first_text]
    # counted once (a count per candidate header over every line was quadratic in page numbers)
    n_after, n_lines = Counter(after), Counter(lines)
    headers = {h for h in after if h and len(h) <= 30 and "。" not in h and n_after[h] + n_lines[h] >= 3}
    cutting = _headers_cutting_a_sentence(lines, numbers, first_text)
    edits, pos, seen_header = [], 0, set()
    for k, line in enumerate(lines):
        end = pos + len(line) + 1
        # its first place at the top goes too, unless it is the document's own title or its issuer's name (a
        # PDF that repeats its title on every page; 青禾县应急管理局 over each page and above the signature date)
        drop = _PAGE_NUMBER_LINE.match(line) or k in cutting or (
            line.strip() in headers and (line.strip() in seen_header or k - 1 in numbers
                                         or _foreign_header(line.strip())))
        if line.strip() in headers:
            seen_header.add(line.strip())
        if drop:
            edits.append((pos, min(end, len(m.text)), ""))
        pos = end
    if edits:
        m.flag("page_furniture", f"{len(edits)} page-number and running-header line(s) removed", edits[0][0],
               edits[0][1])
    return m.splice(edits)


# ---------------------------------------------------------------- lost separators

_LOST_SEP = re.compile(r"(?:(?<=^)|(?<=[。;；:：!?！？)）\n" + CJK + r"]))(\s*)(\d{1,2})\s+[.．](?=[" + CJK + r"])", re.M)


def fix_lost_separators(m: Mapped) -> Mapped:
    """``2 .推动`` → ``2. 推动`` (a list number whose dot drifted away)."""
    return m.sub(_LOST_SEP, lambda g: f"{g.group(1)}{g.group(2)}. ")


# ---------------------------------------------------------------- hard line breaks

_ITEM_START = re.compile(r"^\s*(?:[一二三四五六七八九十]+[、.]|[(（][一二三四五六七八九十\d]+[)）]|\d+[.、]|第[一二三四五六七八九十]+[,，、]|"
                         r"[一二三四五六七八九十]+[是要][,，:：]?|同志们)")


_OPEN_END = re.compile(rf"[{CJK}0-9a-zA-Z]$")
_OPEN_START = re.compile(rf"^[{CJK}0-9]")


def rewrap_hard_breaks(m: Mapped) -> Mapped:
    """Join lines broken in the middle of a sentence.

    Two cases: lines broken at a fixed width (web copies of PDFs, fixed-width
    pages), and a body line (it holds a finished sentence, or is long) that
    stops in the middle of a word and goes on in the next line
    (``…对本人承担的安全生产职责认识模\n糊。``). Headings (short, no 。) and
    table rows are never joined.
    """
    m = _rewrap_fixed_width(m)
    lines = m.text.split("\n")
    edits, pos = [], 0
    for k, line in enumerate(lines[:-1]):
        end = pos + len(line)
        nxt = lines[k + 1]
        if (("。" in line or len(line) >= 60) and _OPEN_END.search(line) and _OPEN_START.match(nxt)
                and not _ITEM_START.match(nxt) and "|" not in line and "|" not in nxt):
            edits.append((end, end + 1, ""))
        pos = end + 1
    return m.splice(edits)


def _rewrap_fixed_width(m: Mapped) -> Mapped:
    lines = m.text.split("\n")
    # the width is measured on body lines (they have commas); titles and headings do not count
    open_lens = [len(ln.strip()) for ln in lines if ln.strip() and not _TERMINAL_END.search(ln) and "|" not in ln
                 and re.search(r"[,，、;；]", ln)]
    if len(open_lens) < 3:
        return m
    from collections import Counter

    width, n = Counter(open_lens).most_common(1)[0]
    near = sum(1 for x in open_lens if abs(x - width) <= 2)
    # a fixed width is one that many lines share and that is longer than a heading
    if width < 20 or near < 3 or near < 0.3 * len(open_lens):
        return m
    edits, pos = [], 0
    for k, line in enumerate(lines[:-1]):
        pos_end = pos + len(line)
        nxt = lines[k + 1]
        heading = _ITEM_START.match(line) and "。" not in line and len(line.strip()) < width - 2
        if (len(line.strip()) >= width - 2 and not _TERMINAL_END.search(line) and nxt.strip() and not heading
                and not _ITEM_START.match(nxt) and "|" not in line and "|" not in nxt):
            edits.append((pos_end, pos_end + 1, ""))
        pos = pos_end + 1
    if edits:
        m.flag("hard_line_breaks", f"{len(edits)} lines broken at width {width} rejoined", edits[0][0], edits[0][1])
    return m.splice(edits)


# ---------------------------------------------------------------- whitespace

# from the start of a run of blanks only, possessively (a search retried from each blank of a long run: quadratic)
_TRAILING = re.compile(r"(?<![ \t])[ \t]++(?=\n)|(?<=\n)[ \t]++")
_BLANK_LINES = re.compile(r"\n{2,}")
_EDGES = re.compile(r"^\s+|(?<!\s)\s++$")  # the trailing run from its start only (from each blank: quadratic)
# spaces between two Chinese characters or Chinese punctuation are never meant (a copy's or a PDF's artefact)
_CJK_PUNCT = "，。、；：？！“”‘’《》（）【】…—,;:)"
_SPACE_IN_CJK = re.compile(rf"(?<=[{CJK}{_CJK_PUNCT}])[ \t]+(?=[{CJK}“‘《（【])|(?<=[{CJK}])[ \t]+(?=[{_CJK_PUNCT}])")


_CELL_GAP = re.compile(r"(?<=\S)(?:\t+|[ \u3000]{2,})(?=\S)")


def mark_table_cells(m: Mapped) -> Mapped:
    """Cells separated by tabs or runs of spaces (a table copied as text) become ``a | b | c`` rows.

    A line can be a row when a tab separates two of its cells, or two runs of spaces do (three cells);
    it is one when the line before or after can be one too (a table has rows; one spaced-out line is a
    header strip or a typo). Leading indentation is not a gap. Without this the next step would read the
    gaps as stray spaces between Chinese characters and glue the cells together.
    """
    lines = m.text.split("\n")
    # an empty line (a text of newlines has a million) or one with a bar has no gap: not searched
    gaps = [[] if not line or "|" in line else list(_CELL_GAP.finditer(line)) for line in lines]
    row = [bool(g) and (len(g) >= 2 or "\t" in g[0].group()) for g in gaps]
    edits, pos = [], 0
    for i, line in enumerate(lines):
        if row[i] and ((i > 0 and row[i - 1]) or (i + 1 < len(lines) and row[i + 1])):
            edits.extend((pos + x.start(), pos + x.end(), " | ") for x in gaps[i])
        pos += len(line) + 1
    return m.splice(edits) if edits else m


def tidy_whitespace(m: Mapped) -> Mapped:
    """Trim lines, drop blank lines, and drop spaces between two Chinese characters."""
    m = m.sub(_TRAILING, "")
    m = m.sub(_BLANK_LINES, "\n")
    # spaces inside table rows separate names in a cell (安监站 安监所): kept
    edits, pos = [], 0
    for line in m.text.split("\n"):
        if "|" not in line:
            edits.extend((pos + x.start(), pos + x.end(), "") for x in _SPACE_IN_CJK.finditer(line))
        pos += len(line) + 1
    m = m.splice(edits)
    return m.sub(_EDGES, "")


STEPS = [
    ("restore_mojibake", restore_mojibake),  # before newlines: Latin-1 mojibake holds U+0085 (a UTF-8 byte)
    ("normalise_newlines", normalise_newlines),
    ("strip_pinyin_glosses", strip_pinyin_glosses),
    ("restore_garbled", restore_garbled),
    ("normalise_width", normalise_width),
    ("remove_hidden_notices", remove_hidden_notices),
    ("to_simplified", to_simplified),
    ("remove_nav_bars", remove_nav_bars),  # before spaces between words are dropped and | bars read as tables
    ("mark_table_cells", mark_table_cells),
    ("tidy_whitespace", tidy_whitespace),
    ("remove_page_furniture", remove_page_furniture),  # before the line model: it finds headers by page numbers
    ("remove_inline_chrome", remove_inline_chrome),
    ("remove_boilerplate", remove_boilerplate),
    ("join_page_chunks", join_page_chunks),
    ("fix_lost_separators", fix_lost_separators),
    ("rewrap_hard_breaks", rewrap_hard_breaks),
    ("tidy_whitespace_final", tidy_whitespace),
]
