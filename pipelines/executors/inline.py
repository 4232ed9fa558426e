"""Page jobs run one after the other in the calling process (unit tests, debugging, tiny batches)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from pipelines.executors.blobs import LocalBlobs
from pipelines.executors.pagejob import PageResult, PageTask, PageWorker


class InlineExecutor:
    """No processes: one :class:`PageWorker` (and so one engine) kept across runs. A crash of the engine
    is the caller's crash; ``OMP_THREAD_LIMIT`` is left as it is."""

    def __init__(self, blobs_dir: Path, cache_dir: Path) -> None:
        self.worker = PageWorker(LocalBlobs(Path(blobs_dir)), Path(cache_dir))

    def run(self, tasks: Sequence[PageTask], on_result: Callable[[PageResult], None]) -> None:
        for task in tasks:
            on_result(self.worker.run(task))
