"""Plain text: the encoding found by a real detector (charset-normalizer)."""

from __future__ import annotations

import re
from pathlib import Path

from ..errors import ReaderError
from ..model import Block

_BOMS = ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe\x00\x00", "utf-32"), (b"\x00\x00\xfe\xff", "utf-32"),
         (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"))
# what is not text a person wrote (CJK, ASCII printables, whitespace, general punctuation, full-width forms),
# counted: few, where a findall of the plausible characters made a list of every one (50 MB: 17 million strings)
_IMPLAUSIBLE = re.compile(r"[^\u4e00-\u9fff\u3400-\u4dbf\u3000-\u303f\uff00-\uffef\u2000-\u206f\x20-\x7e\s"
                          r"\u00b7\u2460-\u24ff\u2500-\u257f\u0100-\u024f\u3100-\u312f]")


def decode(path: Path, data: bytes) -> tuple[str, str]:
    """Decode bytes of text; returns ``(text, encoding)`` (a whole text of mojibake comes back repaired)."""
    text, enc, _ = decode_text(path, data)
    return text, enc


def whole_mojibake(text: str) -> tuple[str, dict | None]:
    """``(repaired, info)``: ``info`` says what was repaired when the text is mojibake throughout (UTF-8 read as
    cp1252/Latin-1 or as GBK), None otherwise.

    Throughout: the repaired runs cover most (60%) of the text's non-ASCII characters; a document with a few
    runs of mojibake is left to the cleaner, which repairs them in place (``restore_mojibake``), with an offset
    map back to the garbled original.
    """
    from ..clean.steps import repair_mojibake

    fixed, runs = repair_mojibake(text)
    if not runs:
        return text, None
    covered = sum(r[1] - r[0] for r in runs)
    wide = sum(1 for c in text if c > "\x7f")
    if covered < 0.6 * wide:
        return fixed, None
    kinds = sorted({r[3] for r in runs})
    return fixed, {"kinds": kinds, "runs": len(runs), "lost": sum(r[5] for r in runs),
                   "guessed": sum(len(r[4]) for r in runs), "characters": covered}


def decode_text(path: Path, data: bytes) -> tuple[str, str, dict | None]:
    """``(text, encoding, mojibake)``: ``mojibake`` says what was repaired when the whole text was mojibake."""
    for bom, enc in _BOMS:
        if data.startswith(bom):
            try:
                text = data.decode(enc)
            except UnicodeDecodeError as e:
                raise ReaderError("undecodable", path, f"has a {enc} byte-order mark but does not decode: {e}") from e
            fixed, info = whole_mojibake(text)  # Notepad writes a BOM in front of the mojibake it saves
            return (fixed, enc, info) if info else (text, enc, None)
    try:
        # bytes that decode as UTF-8 are UTF-8: text in another multi-byte encoding almost never does, and a
        # detector can mistake unusual UTF-8 (runs of ǎ区) for cp932 or the like
        text, enc = data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        from charset_normalizer import from_bytes

        best = from_bytes(data, cp_isolation=None).best()
        if best is None:
            raise ReaderError("undecodable", path, "no text encoding fits these bytes (binary data?)") from None
        enc = best.encoding
        # GB2312/GBK guesses are read as their superset GB18030, which decodes every GBK byte pair the same
        if enc in ("gb2312", "gbk", "hz"):
            enc = "gb18030"
        text = data.decode(enc, errors="strict") if enc != best.encoding else str(best)
    if "\x00" in text:
        raise ReaderError("undecodable", path, "contains NUL bytes: binary data, not text")
    fixed, mojibake = whole_mojibake(text)
    if mojibake:
        text = fixed
    # judged on the repaired text: runs of mojibake the cleaner repairs are text, and the characters a repair
    # lost are kept as U+FFFD, flagged
    plausible = len(fixed) - sum(1 for _ in _IMPLAUSIBLE.finditer(fixed))
    if fixed != text or mojibake:
        plausible += fixed.count("\ufffd")
    if plausible < 0.9 * len(fixed):
        raise ReaderError("undecodable", path,
                          f"does not read as text in any encoding (best guess {enc}: "
                          f"{len(fixed) - plausible} of {len(fixed)} characters are not text)")
    return text, enc, mojibake


_HOW = {"gbk": "UTF-8 read as GBK (鍏充簬 for 关于)", "cp1252": "UTF-8 read as cp1252/Latin-1 (å…³äºŽ for 关于)"}


def read(path: Path, data: bytes, **_: object):
    from ..model import Flag

    text, enc, mojibake = decode_text(path, data)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    # the raw text is the text (its lines joined by their newlines); a block per line that holds something, with
    # its line number as index: a million empty lines made a million empty blocks (2.4 s per 100 kB of newlines)
    blocks, pos = [], 0
    for i, line in enumerate(text.split("\n")):
        if line:
            blocks.append(Block(text=line, start=pos, end=pos + len(line), kind="paragraph", page=None, index=i))
        pos += len(line) + 1
    meta = {"encoding": enc}
    if mojibake:
        meta["mojibake"] = mojibake
        lost = (f"; {mojibake['guessed']} character(s) with a lost byte guessed from their context"
                if mojibake["guessed"] else "")
        lost += (f"; {mojibake['lost']} character(s) could not be recovered and are kept as U+FFFD"
                 if mojibake["lost"] else "")
        meta["flags"] = [Flag("mojibake", "the whole text was mojibake, " + " and ".join(_HOW[k] for k in mojibake["kinds"])
                              + f": {mojibake['characters']} characters in {mojibake['runs']} run(s) restored from "
                              f"their bytes{lost}", None)]
    return text, tuple(blocks), meta
