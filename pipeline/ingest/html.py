"""HTML web copies: the page's declared charset honoured, the main content only.

selectolax parses; scripts, styles, navigation, headers, footers, sidebars and
elements whose class/id says they are chrome are dropped; the content root is
the element whose paragraphs hold the most text; each paragraph, heading, list
item and table row becomes a block.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..errors import ReaderError
from . import assemble

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.I)
_CHROME = re.compile(r"nav|menu|footer|header|sidebar|side-bar|breadcrumb|crumb|copyright|related|hot|share|"
                     r"comment|login|banner|toolbar|pager|recommend|advert|\bad\b|topbar|foot|\bhead\b", re.I)
_DROP_TAGS = ("script", "style", "noscript", "nav", "header", "footer", "aside", "form", "iframe", "svg",
              "button", "select", "template")
_BLOCK_TAGS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "tr", "pre", "blockquote", "dd", "dt"}
_ENC_ALIASES = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "big5": "big5hkscs"}


def decode_html(path: Path, data: bytes) -> tuple[str, str]:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "utf-16"
    m = _META_CHARSET.search(data[:4096])
    if m:
        enc = m.group(1).decode("ascii").lower()
        enc = _ENC_ALIASES.get(enc, enc)
        try:
            return data.decode(enc), enc
        except (LookupError, UnicodeDecodeError):
            pass  # a lying declaration: fall back to detection
    from .txt import decode

    return decode(path, data)


def _text(node) -> str:
    return re.sub(r"[ \t\r\n]+", lambda m: "" if "\n" in m.group() else " ", node.text(deep=True, separator="")).strip()


_TAG = re.compile(r"<\s*/?\s*[A-Za-z!?]")


def plain_title(text: str) -> str:
    """The text of a ``<title>``, which HTML keeps as raw characters: markup in it is parsed and only its text
    kept (``<script>``/``<style>`` content dropped), so ``title`` is plain text.
    """
    from selectolax.lexbor import LexborHTMLParser as HTMLParser

    for _ in range(3):  # markup escaped twice (&amp;lt;script&amp;gt;) comes out after a second pass
        if not _TAG.search(text):
            break
        frag = HTMLParser(f"<body>{text}</body>")
        for tag in _DROP_TAGS + ("title", "head"):
            for node in frag.css(tag):
                node.decompose()
        body = frag.body
        text = body.text(deep=True, separator="") if body is not None else ""
    return re.sub(r"\s+", " ", text).strip()


# nesting depth: lexbor's parse time grows with the square of it (200,000 nested divs: minutes), and no real page
# comes near it; past MAX_DEPTH the deeper tags are dropped before parsing (their text kept), as browsers cap it
MAX_DEPTH = 512
_TAG_TOKEN = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9:-]*)([^<>]*)>")  # [^<>]: an unclosed tag is not scanned twice
# elements that never nest in the count: void ones, and those whose end tag the parser supplies (<p><p> are siblings)
_FLAT = frozenset("area base br col embed hr img input link meta param source track wbr keygen "
                  "p li dt dd tr td th option optgroup thead tbody tfoot colgroup rb rt rp rtc html head body".split())


def cap_depth(html: str, limit: int = MAX_DEPTH) -> tuple[str, int]:
    """``html`` with the tags nested deeper than ``limit`` removed (text kept), and how many were removed.

    Depth is counted on the tags as written (one linear scan); a page within the limit is returned as it is.
    """
    def walk(keep):
        depth = top = 0
        for m in _TAG_TOKEN.finditer(html):
            name = m.group(2).lower()
            if name in _FLAT or m.group(3).endswith("/"):
                continue
            if m.group(1):
                if depth > limit:
                    keep(m)
                depth = max(depth - 1, 0)
            else:
                depth += 1
                top = max(top, depth)
                if depth > limit:
                    keep(m)
        return top

    if walk(lambda m: None) <= limit:
        return html, 0
    drop: list[tuple[int, int]] = []
    walk(lambda m: drop.append(m.span()))
    out, pos = [], 0
    for s, e in drop:
        out.append(html[pos:s])
        pos = e
    out.append(html[pos:])
    return "".join(out), len(drop)


def read(path: Path, data: bytes, **_: object):
    from selectolax.lexbor import LexborHTMLParser as HTMLParser

    html, enc = decode_html(path, data)
    html, flattened = cap_depth(html)
    tree = HTMLParser(html)
    title_node = tree.css_first("title")
    page_title = plain_title(title_node.text(strip=True)) if title_node else None
    if page_title:  # "文档标题 - 站点名" / "文档标题_站点名": keep the document's part
        page_title = re.split(r"\s+[-–—|｜_]\s+|_", page_title)[0].strip() or None
    for tag in _DROP_TAGS:
        for node in tree.css(tag):
            node.decompose()
    for node in tree.css("[class], [id]"):
        marks = f"{node.attributes.get('class') or ''} {node.attributes.get('id') or ''}"
        if _CHROME.search(marks) and not re.search(r"content|article|main|text|body", marks, re.I):
            node.decompose()
    body = tree.body or tree.root
    if body is None:
        raise ReaderError("empty", path, "the HTML page has no body")
    # the content root: the element whose own <p>/<tr> children hold the most text
    best, best_len = body, 0
    for node in body.traverse(include_text=False):
        n = sum(len(c.text(deep=True)) for c in node.iter() if c.tag in ("p", "tr"))
        if n > best_len:
            best, best_len = node, n
    root = best if best_len else body
    pieces = []
    for node in root.traverse(include_text=False):
        if node.tag in _BLOCK_TAGS:
            # skip blocks nested in another block (li > p): the outer one carries the text
            parent, nested = node.parent, False
            while parent is not None and parent is not root:
                if parent.tag in _BLOCK_TAGS:
                    nested = True
                    break
                parent = parent.parent
            if nested:
                continue
            if node.tag == "tr":
                cells = [_text(c) for c in node.iter() if c.tag in ("td", "th")]
                text = " | ".join(cells)
                kind = "table_row"
            else:
                text, kind = _text(node), "paragraph"
            for line in text.split("\n"):
                if line.strip():
                    pieces.append((line, {"kind": kind}))
    if not pieces:  # no block elements: the root's text, line by line
        for line in root.text(deep=True, separator="\n").split("\n"):
            if line.strip():
                pieces.append((line.strip(), {"kind": "paragraph"}))
    raw, blocks = assemble(pieces)
    meta = {"encoding": enc, "html_title": page_title}
    if flattened:
        meta["html_tags_past_depth"] = flattened
    return raw, blocks, meta
