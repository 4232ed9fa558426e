"""The OCR worker of ``minhchung worker``: a Celery worker whose task runs the same page job as the local pool.

A task's kwargs are JSON: the :class:`~pipelines.executors.pagejob.PageTask` (sha256, page, settings), the
coordinator's blob server URL, the coordinator's results queue and the most deliveries a page may take.
The worker fetches the original through :class:`~pipelines.executors.httpblobs.HttpBlobs` with its token,
runs :class:`~pipelines.executors.pagejob.PageWorker`, and publishes the result (JSON) to the results queue
before the task is acknowledged (``acks_late``). The tesseract program is the worker's own.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import socket
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from celery import Celery, Task

from pipelines.executors.celery_app import (
    KILLS_WORKERS_CODE,
    OCR_QUEUE,
    TASK_NAME,
    WORKER_ERROR_CODE,
    make_app,
    mask_url,
    redact,
)
from pipelines.executors.httpblobs import BlobFetchError, HttpBlobs
from pipelines.executors.pagejob import PageResult, PageWorker, one_opencv_thread
from pipelines.executors.wire import result_to_json, task_from_json
from pipelines.i18n import translate

log = logging.getLogger("minhchung.worker")


@dataclass(frozen=True)
class WorkerSettings:
    token: str
    folder: Path  # local copies of originals: <folder>/blobs
    ocr_cache: Path  # the OCR cache (a shared path lets reruns hit it from any machine)
    tesseract_cmd: str = "tesseract"
    max_blob_bytes: int = 2 * 1024**3
    patience: float = 300.0


class OcrPageTask(Task):
    """One instance per worker process: it keeps the process's page workers (one per coordinator URL, each
    with its engine) between tasks."""

    settings: WorkerSettings | None = None
    _workers: dict[str, PageWorker] | None = None

    def page_worker(self, blob_url: str) -> PageWorker:
        if self.settings is None:
            raise RuntimeError("the worker's settings are set by run_worker")
        if self._workers is None:
            self._workers = {}
        if blob_url not in self._workers:
            os.environ["OMP_THREAD_LIMIT"] = "1"  # one OpenMP thread per tesseract, as in the local pool
            blobs = HttpBlobs(blob_url, self.settings.token, self.settings.folder / "blobs",
                              self.settings.max_blob_bytes, self.settings.patience)
            self._workers[blob_url] = PageWorker(blobs, self.settings.ocr_cache)
        return self._workers[blob_url]


def deliveries(request: Any) -> int:
    """Which delivery of its message this task is (1 = first): RabbitMQ's quorum queue counts the earlier
    ones in ``x-delivery-count``, the same on every machine."""
    return int(getattr(request, "x-delivery-count", None) or 0) + 1


def ocr_page(self: OcrPageTask, task: dict, blob_url: str, reply_to: str, max_deliveries: int = 3) -> None:
    page_task = task_from_json(task)
    worker_settings = self.settings
    if worker_settings is not None:
        page_task = dataclasses.replace(page_task, settings=dataclasses.replace(
            page_task.settings, tesseract_cmd=worker_settings.tesseract_cmd))
    count = deliveries(self.request)
    if count > max_deliveries:
        log.warning("page %s/%d: delivered %d times, each try killed its worker: quarantined", page_task.sha256[:12],
                    page_task.n, count - 1)
        result = PageResult.failed(page_task, KILLS_WORKERS_CODE,
                                   translate(KILLS_WORKERS_CODE, "en", tries=count - 1), 0.0)
    else:
        try:
            result = self.page_worker(blob_url).run(page_task)
        except BlobFetchError as exc:
            log.error("page %s/%d: %s", page_task.sha256[:12], page_task.n, exc)
            result = PageResult.failed(page_task, exc.code, str(exc), 0.0)
        except Exception as exc:  # a bug in one page must not hang the coordinator: it gets a failed page
            log.exception("page %s/%d failed", page_task.sha256[:12], page_task.n)
            result = PageResult.failed(page_task, WORKER_ERROR_CODE,
                                       translate(WORKER_ERROR_CODE, "en", reason=type(exc).__name__), 0.0)
    publish_result(self.app, reply_to, result, self.request.hostname or socket.gethostname())


def publish_result(app: Celery, reply_to: str, result: PageResult, worker: str) -> None:
    """The result to the coordinator's durable queue, confirmed by the broker (publisher confirms)."""
    body = result_to_json(result) | {"worker": worker}
    with app.producer_or_acquire() as producer:
        producer.publish(body, exchange="", routing_key=reply_to, serializer="json", delivery_mode=2,
                         retry=True, retry_policy={"max_retries": 10, "interval_start": 1, "interval_step": 2,
                                                   "interval_max": 10})


def worker_app(broker_url: str, settings: WorkerSettings) -> Celery:
    app = make_app(broker_url)
    task = app.task(bind=True, name=TASK_NAME, base=OcrPageTask)(ocr_page)
    task.settings = settings
    return app


def run_worker(broker_url: str, settings: WorkerSettings, concurrency: int, name: str | None = None,
               loglevel: str = "INFO") -> None:
    """Run the worker until it is stopped (SIGTERM: warm shutdown, the pages in hand are finished)."""
    settings.folder.mkdir(parents=True, exist_ok=True)
    settings.ocr_cache.mkdir(parents=True, exist_ok=True)
    app = worker_app(broker_url, settings)
    log.info("minhchung worker: broker %s, %d processes", mask_url(broker_url), concurrency)
    argv = ["worker", f"--loglevel={loglevel}", f"--concurrency={concurrency}", "-Q", OCR_QUEUE,
            "--without-gossip", "--without-mingle", "--pool=prefork"]
    if name:
        argv += ["-n", name]
    try:
        with one_opencv_thread():  # its prefork processes are forked from this one
            app.worker_main(argv)
    except Exception as exc:  # never show the broker's password
        raise RuntimeError(redact(str(exc), broker_url)) from None
