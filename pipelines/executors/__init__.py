"""Executors run page jobs (:mod:`pipelines.executors.pagejob`) and hand back one result per task.

:class:`PageExecutor` is the seam between the intake service and where OCR runs: a local process pool
(:class:`LocalPoolExecutor`, the default), the calling process (:class:`InlineExecutor`), or one day
remote workers — tasks carry content ids, not paths, and a worker finds originals through a
:class:`BlobSource`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol

from pipelines.executors.blobs import BlobSource, LocalBlobs
from pipelines.executors.inline import InlineExecutor
from pipelines.executors.local import LocalPoolExecutor
from pipelines.executors.pagejob import WORKER_DIED, WORKER_DIED_CODE, PageResult, PageTask


class PageExecutor(Protocol):
    def run(self, tasks: Sequence[PageTask], on_result: Callable[[PageResult], None]) -> None:
        """Run every task; call ``on_result`` in this thread, in completion order, exactly once per task
        (a failed result when the page could not be done, :data:`WORKER_DIED` when its worker died).
        Returns when all are done; an unexpected exception (a bug) propagates."""
        ...


__all__ = ["WORKER_DIED", "WORKER_DIED_CODE", "BlobSource", "InlineExecutor", "LocalBlobs", "LocalPoolExecutor",
           "PageExecutor", "PageResult", "PageTask"]
