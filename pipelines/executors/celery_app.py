"""The Celery application shared by the coordinator (``ingest --broker``) and the OCR workers (``worker``).

Why Celery 5 over RabbitMQ: it is the engine Paperless-ngx and Mayan run, and RabbitMQ keeps a task until a
worker acknowledges it. The settings that make a page survive a dying worker:

* ``task_acks_late`` + ``task_reject_on_worker_lost``: a page is acknowledged after its result is published;
  a worker process that dies mid-page (SIGKILL, a crashing engine) gives its page back to the queue;
* ``worker_prefetch_multiplier=1``: a worker holds no more pages than it has processes;
* a **quorum** queue: RabbitMQ counts the deliveries of each message (``x-delivery-count``), so a page that
  kills worker after worker is recognised by its count, whichever machines it killed, and quarantined
  (:data:`KILLS_WORKERS_CODE`) after ``max_deliveries`` tries instead of circling for ever;
* JSON only (``task_serializer``/``accept_content``): no pickle crosses the network.

**No Celery result backend.** A worker publishes each page's result as a JSON message to the coordinator's
own durable queue (:func:`results_queue`) before acknowledging the task, and the coordinator acknowledges a
result only after committing it to the catalog. The ``rpc://`` backend would need no Redis either, but its
reply queue is transient and bound to one client: a coordinator killed mid-batch would lose every result in
flight and its rerun would OCR those pages again. The durable queue keeps them for the rerun.
"""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

from celery import Celery
from kombu import Exchange, Queue

# RabbitMQ only. Redis (Celery's other broker) keeps no delivery count and gives a dead worker's pages back only
# after its visibility timeout: a page that kills workers would circle for ever, a lost worker hold its pages
# an hour (README, "More machines for OCR"; BENCHMARKS.md, issue 13). Such a URL is refused.
BROKER_SCHEMES = ("amqp", "amqps", "pyamqp")
OCR_QUEUE = "minhchung.ocr"
RESULTS_PREFIX = "minhchung.results."
TASK_NAME = "minhchung.ocr_page"
QUORUM = {"x-queue-type": "quorum"}
KILLS_WORKERS_CODE = "remote.page_kills_workers"
BLOB_UNREACHABLE_CODE = "remote.blob_unreachable"
TOKEN_REFUSED_CODE = "remote.token_refused"
BLOB_DIGEST_CODE = "remote.blob_digest"
WORKER_ERROR_CODE = "remote.worker_error"
RETRYABLE_CODES = frozenset({BLOB_UNREACHABLE_CODE, TOKEN_REFUSED_CODE})  # the coordinator sends these again


def mask_url(url: str | None) -> str:
    """The broker URL with its password (and any user info but the name) hidden: safe to print or log."""
    if not url:
        return ""
    try:
        parts = urlsplit(url)
        if parts.password is None and "@" not in parts.netloc:
            return url
        user = parts.username or ""
        host = parts.hostname or ""
        if parts.port:
            host = f"{host}:{parts.port}"
        return urlunsplit((parts.scheme, f"{user}:***@{host}" if user else f"***@{host}", parts.path, "", ""))
    except ValueError:
        return "<broker URL>"


def redact(text: str, url: str | None) -> str:
    """``text`` with the broker URL's password and full URL replaced by the masked form."""
    if not url:
        return text
    text = text.replace(url, mask_url(url))
    try:
        password = urlsplit(url).password
    except ValueError:
        password = None
    return text.replace(password, "***") if password else text


def ocr_queue() -> Queue:
    return Queue(OCR_QUEUE, Exchange(OCR_QUEUE, type="direct"), routing_key=OCR_QUEUE, durable=True,
                 queue_arguments=QUORUM)


def results_queue(coordinator_id: str, expires: float | None = None) -> Queue:
    """The durable queue of one coordinator's results (one per data home), on the default exchange.

    ``expires`` (seconds): RabbitMQ deletes the queue after that long unused (``x-expires``), for the queue of
    one web intake job, which nobody reruns (the next job sends its pending pages again)."""
    name = RESULTS_PREFIX + coordinator_id
    arguments = QUORUM | ({"x-expires": int(expires * 1000)} if expires else {})
    return Queue(name, Exchange(""), routing_key=name, durable=True, auto_delete=False, queue_arguments=arguments)


def make_app(broker_url: str) -> Celery:
    app = Celery("minhchung", broker=broker_url, set_as_current=False)
    app.conf.update(
        task_serializer="json", accept_content=["json"], result_serializer="json", result_accept_content=["json"],
        event_serializer="json",
        task_ignore_result=True,
        task_acks_late=True, task_reject_on_worker_lost=True, worker_prefetch_multiplier=1,
        task_queues=[ocr_queue()], task_default_queue=OCR_QUEUE, task_default_exchange=OCR_QUEUE,
        task_default_routing_key=OCR_QUEUE, task_create_missing_queues=False,
        broker_transport_options={"confirm_publish": True},
        broker_connection_retry_on_startup=True, broker_heartbeat=30,
        worker_send_task_events=False, task_send_sent_event=False,
        worker_hijack_root_logger=False, worker_redirect_stdouts=False,
    )
    return app
