"""Traditional to simplified script: one OpenCC ``t2s`` converter for the whole package, loaded on first use.

The cleaner converts a traditional document, the deadline grammar reads a traditional sentence through it, the
normaliser looks a traditional name up in the simplified tables, and the scorer compares names in simplified script:
all through :func:`t2s`. No imports from the rest of the package: everything may use it.
"""

from __future__ import annotations

import functools
from typing import Callable


@functools.cache
def t2s() -> Callable[[str], str]:
    """OpenCC's t2s ``convert`` (the library is imported on the first call, not at start-up)."""
    import opencc

    return opencc.OpenCC("t2s").convert
