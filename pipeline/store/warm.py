"""Workers that start warm: the forkserver of an ingest loads the pipeline once, before it forks any worker.

Imported by the forkserver as a preload (:func:`pipeline.store.lifeline.start_forkserver`);
when the forkserver is one an ingest armed, importing this module runs one small
document through every stage, which imports the stages and loads every model,
jieba's dictionary and the gazetteer. The workers forked afterwards share those
pages with the forkserver (copy-on-write) instead of each loading its own: about
2.6 s of CPU and the time to the first document saved per worker, and less memory.
Imported anywhere else it does nothing.
"""

from __future__ import annotations

import logging
import os
import tempfile

from . import lifeline

_log = logging.getLogger(__name__)

#: a small plan with a task, units with roles, a deadline and a metric: every stage and model has work
WARM_TEXT = """关于印发2024年安全生产工作要点的通知
各镇(街道)、区直各部门:
现将《2024年安全生产工作要点》印发给你们,请认真贯彻落实。
一、工作任务
(一)开展隐患排查整治。全面排查重点行业领域安全隐患,2024年6月30日前完成整改。(区应急管理局牵头,区住建局、区市场监管局配合)
二、工作成效
全年共排查隐患1523处,已整改1498处,整改率98.4%。
某某区安全生产委员会办公室
2024年3月1日
"""


def warm_up() -> None:
    """Run :data:`WARM_TEXT` through every stage (errors are logged, never raised: a cold worker still works)."""
    try:
        import jieba  # its start-up chatter would tear the progress bar

        jieba.setLogLevel(logging.WARNING)
    except Exception:
        pass
    path = None
    try:
        from ..run import extract
        from ..version import __version__
        from .writer import document_rows

        fd, path = tempfile.mkstemp(prefix="taskdb-warm-", suffix=".txt")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(WARM_TEXT)
        document_rows(extract(path), pipeline_version=__version__)
    except Exception:
        _log.debug("warming the forkserver failed", exc_info=True)
    finally:
        if path is not None:
            try:
                os.unlink(path)
            except OSError:
                pass


if lifeline.ARMED:
    warm_up()
