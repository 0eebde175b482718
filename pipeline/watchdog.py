"""A time budget per document: a runaway document becomes a ``too_complex`` error, never a hang.

The budget is ``BASE + PER_MB × size`` seconds of CPU time (5 s + 20 s per MB by default; the
size is the larger of the file's bytes and its text's UTF-8 bytes once read), set
by ``taskdb extract/ingest --time-budget BASE+PER_MB`` or else ``TASKDB_TIME_BUDGET=BASE+PER_MB``
(``"0"`` or ``"off"`` turns it off). It is
enforced with ``SIGPROF`` (``setitimer(ITIMER_PROF)``, CPU time) in the process that runs the stages —
the ``extract`` process, or each ``ingest`` worker — so it interrupts Python
code and regular-expression searches alike. Off the main thread (where no signal
handler can be set) or where there is no ``SIGPROF`` (Windows), documents run
without a budget.

Memory has a ceiling too: a document that adds more than ``TASKDB_MEMORY_LIMIT`` MB (4000 by default, ``0``
turns it off) to the resident memory of its process is stopped as ``too_large`` (Linux: read from ``/proc``
every 0.25 s of CPU time), so that a huge text is refused by name instead of being killed by the kernel.
"""

from __future__ import annotations

import math
import os
import signal
import threading
import time
from contextlib import contextmanager

from .errors import ReaderError

ENV = "TASKDB_TIME_BUDGET"
DEFAULT = (5.0, 20.0)
# CPU time of the process (user + system), not wall time: on a machine busy with other work a document is not
# stopped for the time it waited; the base covers a cold start (imports and models load with the first document:
# about 2.7 s of CPU)
_TIMER = getattr(signal, "ITIMER_PROF", None)
_SIGNAL = getattr(signal, "SIGPROF", None)


class TooComplex(ReaderError):
    """The document used up its time budget."""

    def __init__(self, path: str, seconds: float, stage: str, n_bytes: int = 0):
        size = f" ({_mb(n_bytes)})" if n_bytes else ""
        super().__init__("too_complex", path, f"not finished within its time budget of {seconds:.3g} s of CPU "
                         f"time{size} (stopped in stage {stage!r}; --time-budget or {ENV}=BASE+PER_MB sets the budget)")
        self.stage = stage


def budget_setting(value: str | None = None) -> tuple[float, float] | None:
    """(base seconds, seconds per MB) from ``TASKDB_TIME_BUDGET`` (or ``value``); None when off."""
    raw = os.environ.get(ENV) if value is None else value
    if raw is None or not raw.strip():
        return DEFAULT
    raw = raw.strip().lower()
    if raw in ("0", "off", "none", "no"):
        return None
    try:
        base, _, per_mb = raw.partition("+")
        out = (float(base), float(per_mb or 0))
    except ValueError:
        out = (float("nan"), 0.0)
    if not all(map(math.isfinite, out)):
        raise ValueError(f"time budget {raw!r} (--time-budget or {ENV}): expected BASE+PER_MB in seconds "
                         "(e.g. 2+20), or 0 to turn it off")
    if out[0] < 0 or out[1] < 0 or out == (0.0, 0.0):
        return None
    return out


def seconds_for(n_bytes: int, setting: tuple[float, float]) -> float:
    return setting[0] + setting[1] * n_bytes / 1e6


class Watch:
    """The running budget of one document: ``stage`` names where it is, ``extend_to`` grows it once the text is known."""

    def __init__(self, path: str, setting: tuple[float, float] | None, n_bytes: int, memory_mb: float | None = None):
        self.path, self.setting, self.stage, self.fired = path, setting, "read", False
        self.n_bytes = n_bytes  # the document's size as the budget counts it (see extend_to)
        self.start = time.process_time()
        self.seconds = seconds_for(n_bytes, setting) if setting else None
        self.memory_mb = memory_mb
        # the ceiling is on what the document adds to the process (a batch's process keeps some of what the
        # documents before it used: freed memory is not always given back)
        self.rss0 = (_rss_mb() or 0.0) if memory_mb is not None else 0.0
        self.over_memory: float | None = None  # the MB it had added when the memory ceiling stopped it

    def extend_to(self, n_bytes: int) -> None:
        """Budget of a larger size (a docx's text is larger than its zipped bytes); never shrinks."""
        self.n_bytes = max(self.n_bytes, n_bytes)
        if self.setting is None or self.seconds is None:
            return
        self.seconds = max(self.seconds, seconds_for(n_bytes, self.setting))  # the next tick reads it

    def error(self) -> ReaderError:
        size = f"a document of {_mb(self.n_bytes)}, " if self.n_bytes else ""
        if self.over_memory is not None:
            spent = time.process_time() - self.start
            budget = f" of its time budget of {self.seconds:.0f} s" if self.seconds is not None else ""
            return ReaderError("too_large", self.path, f"took {self.over_memory:.0f} MB of memory ({size}after "
                               f"{spent:.0f} s of CPU time{budget}), above the ceiling of "
                               f"{self.memory_mb:.0f} MB per document (stopped in stage {self.stage!r}; {MEMORY_ENV}=MB "
                               "sets it, 0 turns it off; or split the file)")
        return TooComplex(self.path, self.seconds or 0.0, self.stage, self.n_bytes)


def _mb(n_bytes: int) -> str:
    """A size for people: ``52.0 MB``, ``3,400 bytes``."""
    return f"{n_bytes / 1e6:.1f} MB" if n_bytes >= 100_000 else f"{n_bytes:,} bytes"


def _importing(frame) -> bool:
    while frame is not None:
        if frame.f_code.co_filename.startswith("<frozen importlib"):
            return True
        frame = frame.f_back
    return False


#: ``watch(setting=FROM_ENV)``: the budget of ``TASKDB_TIME_BUDGET`` (``setting=None`` is no budget)
FROM_ENV = "env"

#: the memory ceiling of a document (resident MB of the process running it), checked with the time budget
MEMORY_ENV = "TASKDB_MEMORY_LIMIT"
DEFAULT_MEMORY_MB = 4000.0
#: CPU seconds between two looks at the process's memory
TICK = 0.25


def memory_limit(value: str | None = None) -> float | None:
    """The memory ceiling in MB from ``TASKDB_MEMORY_LIMIT`` (or ``value``; default 4000), None when off (``0``) or
    where the resident size cannot be read (no ``/proc``)."""
    raw = os.environ.get(MEMORY_ENV) if value is None else value
    if raw is None or not raw.strip():
        mb = DEFAULT_MEMORY_MB
    else:
        try:
            mb = float(raw)
        except ValueError:
            raise ValueError(f"{MEMORY_ENV}={raw!r}: expected megabytes (e.g. 4000), or 0 to turn it off") from None
    if not math.isfinite(mb) or mb <= 0 or _rss_mb() is None:
        return None
    return mb


def _rss_mb() -> float | None:
    """This process's resident memory in MB (Linux), else None."""
    try:
        with open("/proc/self/statm", "rb") as f:
            return int(f.read().split()[1]) * _PAGE / 1e6
    except (OSError, ValueError, IndexError):
        return None


_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


@contextmanager
def watch(path: str, n_bytes: int, setting: tuple[float, float] | None | str = FROM_ENV,
          memory_mb: float | None | str = FROM_ENV):
    """Run the body under the budget of a document of ``n_bytes``; raises :class:`TooComplex` when it runs out,
    and a ``too_large`` :class:`ReaderError` when it has added more than ``memory_mb`` to the process's resident
    memory.

    ``setting`` is ``(base, per_mb)`` seconds, None for no budget, or :data:`FROM_ENV`; ``memory_mb`` is MB, None
    for no ceiling, or :data:`FROM_ENV` (``TASKDB_MEMORY_LIMIT``). Both are checked on ``SIGPROF`` ticks of CPU
    time: the time budget exactly, the memory every :data:`TICK` seconds."""
    if setting == FROM_ENV:
        setting = budget_setting()
    if memory_mb == FROM_ENV:
        memory_mb = memory_limit()
    w = Watch(str(path), setting, n_bytes, memory_mb)
    usable = ((setting is not None or memory_mb is not None) and _TIMER is not None
              and threading.current_thread() is threading.main_thread())
    if not usable:
        yield w
        return

    def _next() -> float:  # CPU seconds to the next look: the end of the budget, or a tick
        left = w.seconds - (time.process_time() - w.start) if w.seconds is not None else TICK
        return max(min(left, TICK) if w.memory_mb is not None else left, 1e-3)

    def _tick(signum, frame):
        over_time = w.seconds is not None and time.process_time() - w.start >= w.seconds
        rss = _rss_mb() if w.memory_mb is not None and not over_time else None
        grown = rss - w.rss0 if rss is not None else None
        if not over_time and (grown is None or grown <= w.memory_mb):
            signal.setitimer(_TIMER, _next())
            return
        if _importing(frame):  # never leave a half-imported module behind: stop once the import is done
            signal.setitimer(_TIMER, 0.02)
            return
        if not over_time:
            w.over_memory = grown
        w.fired = True
        signal.setitimer(_TIMER, 0.5)  # again, should a broad ``except`` swallow this one
        raise w.error()

    outer = signal.getitimer(_TIMER)  # a caller's own timer (a benchmark's cap) is put back after
    old = signal.signal(_SIGNAL, _tick)
    signal.setitimer(_TIMER, _next())
    try:
        yield w
    except ReaderError as e:
        if w.fired and e.code not in ("too_complex", "too_large"):  # a reader turned the interruption into its own
            raise w.error() from None
        raise
    except BaseException:
        if w.fired:  # a stage caught the interruption and raised something else: it is still the budget
            raise w.error() from None
        raise
    finally:
        signal.setitimer(_TIMER, 0)
        signal.signal(_SIGNAL, old)
    if w.fired:  # the body caught the interruption and went on to its end
        raise w.error()
    if outer[0] > 0:
        signal.setitimer(_TIMER, max(outer[0] - (time.process_time() - w.start), 1e-3), outer[1])
