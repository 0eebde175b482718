"""Worker processes that end with the ingest that started them, however it ends (``kill -9`` included).

An ingest with ``--jobs N`` runs its workers through multiprocessing's forkserver:
the main process starts the forkserver (and the resource tracker), the forkserver
forks the workers. Left alone, nothing of that tree notices a main process killed
by a signal it cannot catch: the workers finish their chunk and wait for the next
one forever, and each holds the forkserver's "alive" pipe and the resource
tracker's pipe open, so those two wait forever as well.

Two independent ways out, so that one stuck path does not keep a worker alive:

- the kernel (Linux): the forkserver is armed with ``PR_SET_PDEATHSIG`` = SIGKILL
  when it starts (it imports this module as its preload, see
  :func:`forkserver_preload`), and every worker likewise in :func:`init_worker`
  (its parent is the forkserver). The main process dies → the kernel kills the
  forkserver → the kernel kills the workers, even one stuck inside a C call that
  holds the GIL;
- everywhere: :func:`init_worker` starts a thread that blocks on multiprocessing's
  parent sentinel (a pipe whose write end only the main process holds) and ends
  the worker when it reads EOF.

With the workers and the forkserver gone, the resource tracker reads EOF on its
pipe and ends too. A normal end of the ingest shuts the pool down first, so none
of this fires then.
"""

from __future__ import annotations

import logging
import os
import signal
import sys
import threading
from contextlib import contextmanager

#: the environment variable through which the main process tells its forkserver whose child it is
ENV_PARENT = "TASKDB_INGEST_PID"

_PR_SET_PDEATHSIG = 1

#: True in a forkserver that an ingest started and armed (the preloads after this module may read it)
ARMED = False


def set_parent_death_signal(sig: int = signal.SIGKILL) -> bool:
    """Ask the kernel to send ``sig`` to this process when its parent ends (Linux; False elsewhere)."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(_PR_SET_PDEATHSIG, int(sig), 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def start_forkserver(ctx, preload: list[str] = ()) -> None:
    """Start the forkserver of the multiprocessing context ``ctx`` armed (see the module's doc).

    The forkserver imports this module (and ``preload``) as it starts; the
    environment variable :data:`ENV_PARENT`, set only while it starts, tells it
    that it is the one to arm. A forkserver already running is kept as it is.
    """
    if ctx.get_start_method() != "forkserver":
        return
    from multiprocessing import forkserver

    ctx.set_forkserver_preload([__name__, *preload])
    os.environ[ENV_PARENT] = str(os.getpid())
    try:
        forkserver.ensure_running()
    finally:
        os.environ.pop(ENV_PARENT, None)


def _arm_forkserver() -> None:
    """Runs when the forkserver imports this module: die with the ingest that started it."""
    global ARMED
    expected = os.environ.pop(ENV_PARENT, None)  # the workers it forks are not forkservers
    if expected is None or expected != str(os.getppid()):
        return  # imported anywhere else (the main process, a worker, a test): nothing to do
    set_parent_death_signal(signal.SIGKILL)
    if str(os.getppid()) != expected:  # the parent died before the signal was armed
        os._exit(1)
    ARMED = True


def _watch_parent() -> None:
    import multiprocessing
    from multiprocessing.connection import wait

    parent = multiprocessing.parent_process()
    if parent is None or getattr(parent, "sentinel", None) is None:
        return
    wait([parent.sentinel])  # returns when the main process's end of the pipe closes: it ended
    os._exit(1)


def init_worker() -> None:
    """Pool initializer: die with the main process; Ctrl-C is the main process's to handle."""
    set_parent_death_signal(signal.SIGKILL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(target=_watch_parent, name="taskdb-lifeline", daemon=True).start()
    try:
        import jieba  # its start-up chatter would tear the progress bar

        jieba.setLogLevel(logging.WARNING)
    except Exception:  # jieba is the extractor's business; without it there is nothing to quiet
        pass


class Terminated(KeyboardInterrupt):
    """SIGTERM reached the ingest: it stops as on Ctrl-C (workers ended, the batch in hand not written, the run
    marked ``interrupted`` in ``runs``); ``taskdb ingest`` then exits 143 (128 + SIGTERM)."""


@contextmanager
def sigterm_stops():
    """Within the body, SIGTERM raises :class:`Terminated` in the main thread (once: a second SIGTERM while the
    ingest closes is ignored, so that the run is still marked). Elsewhere than on the main thread: nothing."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    fired: list[int] = []

    def _stop(signum, frame):
        if fired:
            return
        fired.append(signum)
        raise Terminated(f"signal {signum}")

    old = signal.signal(signal.SIGTERM, _stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, old)


if os.environ.get(ENV_PARENT):
    _arm_forkserver()
