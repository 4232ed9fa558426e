"""Page jobs on OCR workers of other machines, over Celery and RabbitMQ (``ingest --broker``).

The coordinator stays the only catalog writer. For each page it records the task id in the catalog
(:mod:`pipelines.catalog.remote_tasks`) and commits, then publishes the task; workers publish each result to
this coordinator's durable results queue, and a result is acknowledged only after ``on_result`` committed it.
So a coordinator killed mid-batch loses nothing: the rerun finds the results waiting in its queue, waits for
the pages still in the broker instead of sending them again, and ignores a result it already has.

A task that vanished (a coordinator killed between the catalog row and the publish, a broker that lost its
queue) is found when nothing moves: no result for ``idle_check`` seconds, no page waiting in the queue, no
worker holding it (Celery's remote control: ``inspect active/reserved``). It is then sent again.
"""

from __future__ import annotations

import contextlib
import sqlite3
import time
import uuid
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from celery import Celery
from kombu import Connection, Consumer, Message

from pipelines.catalog import remote_tasks
from pipelines.executors import celery_app
from pipelines.executors.celery_app import (
    RETRYABLE_CODES,
    TASK_NAME,
    make_app,
    mask_url,
    ocr_queue,
    redact,
    results_queue,
)
from pipelines.executors.pagejob import PageResult, PageTask
from pipelines.executors.wire import result_from_json, task_to_json
from pipelines.i18n.errors import CodedError

Key = tuple[str, int]
Notice = Callable[[str, dict[str, Any]], None]  # (message code, params): shown by the front end
INSPECT_TIMEOUT = 1.0


class BrokerError(CodedError):
    """The broker cannot be reached or refused the login (``remote.broker_unreachable``)."""


def check_broker(url: str, timeout: float = 5.0) -> None:
    """Connect once; :class:`BrokerError` (credentials masked) when the broker cannot be used: not a RabbitMQ
    URL (``remote.broker_scheme``), or unreachable, or the login refused (``remote.broker_unreachable``)."""
    scheme = urlsplit(url).scheme.lower()
    if scheme not in celery_app.BROKER_SCHEMES:  # (read at call time: the benchmark measures Redis)
        raise BrokerError("remote.broker_scheme", url=mask_url(url), scheme=scheme or "?")
    try:
        with Connection(url, connect_timeout=timeout) as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, timeout=timeout)
    except Exception as exc:  # kombu/amqp raise many kinds (socket, auth, protocol)
        raise BrokerError("remote.broker_unreachable", url=mask_url(url),
                          reason=redact(str(exc) or type(exc).__name__, url)) from None


def coordinator_id(home_root: Path) -> str:
    """The data home's id on the broker (its results queue), made once and kept in the home."""
    path = Path(home_root) / "coordinator-id"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(uuid.uuid4().hex + "\n", encoding="ascii")
    return path.read_text(encoding="ascii").strip()


def in_flight_ids(app: Celery, timeout: float = INSPECT_TIMEOUT) -> tuple[set[str], int]:
    """Ids of the tasks the connected workers hold (running or prefetched), and how many workers answered."""
    inspect = app.control.inspect(timeout=timeout)
    ids: set[str] = set()
    answered = 0
    for reply in (inspect.active() or {}, inspect.reserved() or {}):
        answered = max(answered, len(reply))
        for tasks in reply.values():
            ids.update(t.get("id") for t in tasks if t.get("id"))
    return ids, answered


@dataclass
class RemoteExecutor:
    broker_url: str
    blob_url: str  # where workers fetch originals (the coordinator's blob server)
    coordinator_id: str
    db: sqlite3.Connection
    max_deliveries: int = 3  # a page whose worker died this many times is quarantined
    idle_check: float = 20.0  # seconds without a result before looking for lost tasks
    max_resends: int = 3
    notice: Notice | None = None
    results_expire: float | None = None  # seconds: a results queue of this run only, deleted at its end
    app: Celery = field(init=False)

    def __post_init__(self) -> None:
        self.app = make_app(self.broker_url)

    def run(self, tasks: Sequence[PageTask], on_result: Callable[[PageResult], None]) -> None:
        try:
            with self.app.connection_for_write() as conn:
                conn.ensure_connection(max_retries=3, interval_start=0.5)
                _Run(self, conn, {(t.sha256, t.n): t for t in tasks}, on_result).go()
        except CodedError:
            raise
        except (OSError, *self.app.connection_for_write().connection_errors) as exc:
            raise BrokerError("remote.broker_unreachable", url=mask_url(self.broker_url),
                              reason=redact(str(exc) or type(exc).__name__, self.broker_url)) from None


class _Run:
    """One ``run``: the pages outstanding, their task ids, the results consumer."""

    def __init__(self, ex: RemoteExecutor, conn: Connection, outstanding: dict[Key, PageTask],
                 on_result: Callable[[PageResult], None]) -> None:
        self.ex, self.conn, self.outstanding, self.on_result = ex, conn, outstanding, on_result
        self.channel = conn.channel()
        self.results = results_queue(ex.coordinator_id, ex.results_expire)(self.channel)
        self.ocr = ocr_queue()(self.channel)
        self.resends: Counter[Key] = Counter()
        remote_tasks.drop_resolved(ex.db)
        # Tasks an earlier run sent answer to that run's queue: with a queue of its own, a run sends them again.
        earlier = {} if ex.results_expire else remote_tasks.sent(ex.db)
        self.task_ids = {k: v for k, v in earlier.items() if k in outstanding}

    def go(self) -> None:
        self.ocr.declare()
        self.results.declare()
        consumer = Consumer(self.channel, queues=[self.results], callbacks=[self._on_message], accept=["json"])
        consumer.qos(prefetch_count=64)
        with consumer:
            self._send([t for k, t in self.outstanding.items() if k not in self.task_ids])
            last = time.monotonic()
            while self.outstanding:
                before = len(self.outstanding)
                with contextlib.suppress(TimeoutError):
                    self.conn.drain_events(timeout=1.0)
                if len(self.outstanding) != before:
                    last = time.monotonic()
                elif time.monotonic() - last >= self.ex.idle_check:
                    self._look_for_lost()
                    last = time.monotonic()
        if self.ex.results_expire:  # this run's own queue: nothing more can come for it
            self.results.delete()

    def _send(self, tasks: list[PageTask]) -> None:
        if not tasks:
            return
        ids = {(t.sha256, t.n): uuid.uuid4().hex for t in tasks}
        remote_tasks.mark_sent(self.ex.db, [(sha, n, tid) for (sha, n), tid in ids.items()])  # committed first
        self.task_ids.update(ids)
        with self.ex.app.producer_or_acquire() as producer:
            for task in tasks:
                self.ex.app.send_task(TASK_NAME, task_id=ids[(task.sha256, task.n)], producer=producer,
                                      kwargs={"task": task_to_json(task), "blob_url": self.ex.blob_url,
                                              "reply_to": self.results.name,
                                              "max_deliveries": self.ex.max_deliveries})

    def _on_message(self, body: dict, message: Message) -> None:
        result = result_from_json(body)
        key = (result.sha256, result.n)
        task = self.outstanding.get(key)
        if task is None:  # a page already recorded (a duplicate, or the rerun of a killed coordinator)
            message.ack()
            return
        if result.error_code in RETRYABLE_CODES and self.resends[key] < self.ex.max_resends:
            self.resends[key] += 1
            self._tell(result.error_code, {"page": result.n, "reason": result.error or ""})
            self._send([task])
            message.ack()
            return
        del self.outstanding[key]
        self.on_result(result)  # commits the page
        remote_tasks.forget(self.ex.db, *key)
        message.ack()

    def _look_for_lost(self) -> None:
        _, ready, consumers = self.ocr.queue_declare(passive=True)
        if consumers == 0:
            self._tell("remote.no_workers", {"broker": mask_url(self.ex.broker_url)})
            return
        if ready:
            return
        busy, _ = in_flight_ids(self.ex.app)
        with contextlib.suppress(TimeoutError):  # results that arrived meanwhile
            while True:
                self.conn.drain_events(timeout=0.2)
        lost = [t for k, t in self.outstanding.items() if self.task_ids.get(k) not in busy]
        _, ready, _ = self.ocr.queue_declare(passive=True)
        if lost and not ready:
            self._tell("remote.resent", {"count": len(lost)})
            self._send(lost)

    def _tell(self, code: str, params: dict[str, Any]) -> None:
        if self.ex.notice:
            self.ex.notice(code, params)
