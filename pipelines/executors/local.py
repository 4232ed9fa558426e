"""Page jobs in a pool of local worker processes (the default executor)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from pipelines.executors.blobs import LocalBlobs
from pipelines.executors.pagejob import PageResult, PageTask, init_worker, one_opencv_thread, run_page

MAX_ATTEMPTS = 2  # a page in flight when a worker died is tried once more in a new pool


class LocalPoolExecutor:
    """``jobs`` worker processes, at most ``2 × jobs`` pages in flight (the rest are not pickled yet).

    When a worker process dies (killed, crashed), the pool is broken: every page that was in flight gets
    one more try in a new pool, and a page in flight at a second death gets a failed result
    (:data:`~pipelines.executors.pagejob.WORKER_DIED`)."""

    def __init__(self, jobs: int, blobs_dir: Path, cache_dir: Path) -> None:
        self.jobs = max(1, jobs)
        self.blobs = LocalBlobs(Path(blobs_dir))
        self.cache_dir = Path(cache_dir)

    def run(self, tasks: Sequence[PageTask], on_result: Callable[[PageResult], None]) -> None:
        queue = list(reversed(tasks))  # popped from the end: tasks start in the order given
        attempts: dict[tuple[str, int], int] = {}
        while queue:
            for task in self._run_pool(queue, on_result):
                key = (task.sha256, task.n)
                attempts[key] = attempts.get(key, 0) + 1
                if attempts[key] >= MAX_ATTEMPTS:
                    on_result(PageResult.died(task))
                else:
                    queue.append(task)

    def _run_pool(self, queue: list[PageTask], on_result: Callable[[PageResult], None]) -> list[PageTask]:
        """Run the queue in one pool; the tasks that were in flight if the pool broke (else none)."""
        workers = min(self.jobs, len(queue))  # a one-page upload forks one worker, not one per core
        with ProcessPoolExecutor(max_workers=workers, initializer=init_worker,
                                 initargs=(self.blobs, self.cache_dir)) as pool:
            in_flight: dict[Future[PageResult], PageTask] = {}
            try:
                first = queue.pop()
                with one_opencv_thread():  # the first submit forks every worker (a forked pool starts them at once)
                    in_flight[pool.submit(run_page, first)] = first
                while queue or in_flight:
                    while queue and len(in_flight) < workers * 2:
                        future = pool.submit(run_page, queue[-1])
                        in_flight[future] = queue.pop()
                    finished, _ = wait(in_flight, return_when=FIRST_COMPLETED)
                    broken = [f for f in finished if isinstance(f.exception(), BrokenProcessPool)]
                    for future in finished:
                        if future not in broken:
                            del in_flight[future]
                            on_result(future.result())  # any other exception is a bug: it propagates
                    if broken:
                        raise BrokenProcessPool(str(broken[0].exception()))
            except BrokenProcessPool:
                return list(in_flight.values())
        return []
