"""Strings that are safe to print, store and parse: file names, lone surrogates, JSON lines.

- :func:`name_text` turns a path (which on POSIX may hold bytes that are not
  UTF-8, decoded by Python with ``surrogateescape``) into valid Unicode: each
  undecodable byte becomes ``\\xNN``, as ``ls -b`` and Python's
  ``backslashreplace`` show it. Used for ``source`` in records and for paths in
  the database, so both name a file the same way.
- :func:`scrub` replaces lone surrogates (which no UTF-8 encoder accepts) with
  U+FFFD; readers apply it to every text they return.
- :func:`json_line` is one JSON object on one line that every strict UTF-8
  stream accepts and that ``str.splitlines()`` never splits: lone surrogates are
  written as their ``\\xNN`` names, and U+0085, U+2028, U+2029 (and the other C1
  controls) as ``\\uXXXX`` escapes.

No imports from the rest of the package: everything may use it.
"""

from __future__ import annotations

import json
import os
import re
from typing import Any

_SURROGATE = re.compile("[\ud800-\udfff]")
# what JSON with ensure_ascii=False leaves raw but a line reader or a strict encoder trips on: lone surrogates,
# C1 controls (U+0085 is a line break for str.splitlines), DEL, and U+2028/U+2029
_JSON_UNSAFE = re.compile("[\x7f-\x9f\u2028\u2029\ud800-\udfff]")


def name_text(path: str | os.PathLike[str] | bytes) -> str:
    """A file name as valid Unicode: bytes that are not UTF-8 become ``\\xNN`` (``b\\xff.txt``).

    >>> name_text("b\\udcff.txt")
    'b\\\\xff.txt'
    >>> name_text(b"caf\\xc3\\xa9.txt")
    'café.txt'
    """
    name = os.fspath(path)
    if isinstance(name, bytes):
        text = name.decode("utf-8", "backslashreplace")
    else:
        try:
            text = name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
        except UnicodeEncodeError:  # a surrogate that is not an escaped byte: write its code point
            text = name.encode("utf-8", "backslashreplace").decode("utf-8")
    return text.replace("\x00", "\\x00") if "\x00" in text else text  # no database takes a NUL in text


def has_surrogates(text: str) -> bool:
    return _SURROGATE.search(text) is not None


def scrub(text: str) -> str:
    """``text`` with every lone surrogate replaced by U+FFFD (same length, so offsets stay valid).

    >>> scrub("安\\ud800全")
    '安\\ufffd全'
    """
    return _SURROGATE.sub("\ufffd", text) if _SURROGATE.search(text) else text


def _json_escape(m: re.Match) -> str:
    ch = m.group()
    if "\ud800" <= ch <= "\udfff":
        # inside a JSON string: an escaped backslash then the name of the byte (or code point)
        return "\\" + name_text(ch)
    return f"\\u{ord(ch):04x}"


def json_line(obj: Any) -> str:
    """``obj`` as one line of JSON (no newline at the end), valid UTF-8 once encoded, never split by splitlines.

    Non-ASCII text stays readable (``ensure_ascii=False``); only the characters
    that break lines or encoders are escaped.

    >>> json_line({"source": "a\\u2028b\\udcff.txt"})
    '{"source": "a\\\\u2028b\\\\\\\\xff.txt"}'
    """
    s = json.dumps(obj, ensure_ascii=False, default=str)
    return _JSON_UNSAFE.sub(_json_escape, s) if _JSON_UNSAFE.search(s) else s


#: what makes a spreadsheet read a cell as a formula (OWASP "CSV injection"): = + - @, and a tab or carriage
#: return in front of them
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_text(value: str) -> str:
    """A text cell for CSV or xlsx that no spreadsheet evaluates: one starting with a formula character gets a
    single quote in front (OWASP), which spreadsheets show as text; every other value is unchanged.

    >>> spreadsheet_text('=HYPERLINK("http://x")'), spreadsheet_text("区应急管理局")
    ('\\'=HYPERLINK("http://x")', '区应急管理局')
    """
    return "'" + value if value.startswith(FORMULA_START) else value
