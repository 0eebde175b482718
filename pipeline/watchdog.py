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

    def __init__(self, path: str, seconds: float, stage: str):
        super().__init__("too_complex", path, f"not finished within its time budget of {seconds:.3g} s of CPU time "
                         f"(stopped in stage {stage!r}; --time-budget or {ENV}=BASE+PER_MB sets the budget)")
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

    def __init__(self, path: str, setting: tuple[float, float] | None, n_bytes: int):
        self.path, self.setting, self.stage, self.fired = path, setting, "read", False
        self.start = time.process_time()
        self.seconds = seconds_for(n_bytes, setting) if setting else None

    def extend_to(self, n_bytes: int) -> None:
        """Budget of a larger size (a docx's text is larger than its zipped bytes); never shrinks."""
        if self.setting is None or self.seconds is None:
            return
        s = seconds_for(n_bytes, self.setting)
        if s > self.seconds:
            self.seconds = s
            left = s - (time.process_time() - self.start)
            if signal.getitimer(_TIMER)[0] > 0:
                signal.setitimer(_TIMER, max(left, 1e-3))


def _importing(frame) -> bool:
    while frame is not None:
        if frame.f_code.co_filename.startswith("<frozen importlib"):
            return True
        frame = frame.f_back
    return False


#: ``watch(setting=FROM_ENV)``: the budget of ``TASKDB_TIME_BUDGET`` (``setting=None`` is no budget)
FROM_ENV = "env"


@contextmanager
def watch(path: str, n_bytes: int, setting: tuple[float, float] | None | str = FROM_ENV):
    """Run the body under the budget of a document of ``n_bytes``; raises :class:`TooComplex` when it runs out.

    ``setting`` is ``(base, per_mb)`` seconds, None for no budget, or :data:`FROM_ENV`."""
    if setting == FROM_ENV:
        setting = budget_setting()
    w = Watch(str(path), setting, n_bytes)
    usable = (setting is not None and _TIMER is not None
              and threading.current_thread() is threading.main_thread())
    if not usable:
        yield w
        return

    def _expired(signum, frame):
        if _importing(frame):  # never leave a half-imported module behind: stop once the import is done
            signal.setitimer(_TIMER, 0.02)
            return
        w.fired = True
        signal.setitimer(_TIMER, 0.5)  # again, should a broad ``except`` swallow this one
        raise TooComplex(w.path, w.seconds or 0.0, w.stage)

    outer = signal.getitimer(_TIMER)  # a caller's own timer (a benchmark's cap) is put back after
    old = signal.signal(_SIGNAL, _expired)
    signal.setitimer(_TIMER, w.seconds)
    try:
        yield w
    except TooComplex:
        raise
    except BaseException:
        if w.fired:  # a stage caught the interruption and raised something else: it is still the budget
            raise TooComplex(w.path, w.seconds or 0.0, w.stage) from None
        raise
    finally:
        signal.setitimer(_TIMER, 0)
        signal.signal(_SIGNAL, old)
    if w.fired:  # the body caught the interruption and went on to its end
        raise TooComplex(w.path, w.seconds or 0.0, w.stage)
    if outer[0] > 0:
        signal.setitimer(_TIMER, max(outer[0] - (time.process_time() - w.start), 1e-3), outer[1])
