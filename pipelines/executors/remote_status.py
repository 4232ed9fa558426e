"""What ``status`` shows of the remote OCR workers: who is connected, how many pages wait in the queue, how
many are in flight. Read from the broker (queue depth) and Celery's remote control (workers, their tasks)."""

from __future__ import annotations

from pipelines.executors.celery_app import OCR_QUEUE, make_app, mask_url, ocr_queue, redact
from pipelines.executors.remote import INSPECT_TIMEOUT


def broker_status(broker_url: str, timeout: float = INSPECT_TIMEOUT) -> dict:
    """``{broker, workers: [{name, processes, in_flight}], queue, queue_depth, in_flight, error}``; ``error``
    (credentials masked) when the broker cannot be asked."""
    out: dict = {"broker": mask_url(broker_url), "queue": OCR_QUEUE, "workers": [], "queue_depth": None,
                 "in_flight": None, "error": None}
    app = make_app(broker_url)
    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, timeout=5)
            _, ready, _ = ocr_queue()(conn.channel()).queue_declare(passive=False)
            out["queue_depth"] = ready
        inspect = app.control.inspect(timeout=timeout)
        stats = inspect.stats() or {}
        active = inspect.active() or {}
        reserved = inspect.reserved() or {}
    except Exception as exc:  # kombu/amqp errors of many kinds: shown, never raised, never with the password
        out["error"] = redact(str(exc) or type(exc).__name__, broker_url)
        return out
    for name in sorted(stats):
        pool = stats[name].get("pool") or {}
        out["workers"].append({"name": name, "processes": pool.get("max-concurrency"),
                               "in_flight": len(active.get(name, [])) + len(reserved.get(name, []))})
    out["in_flight"] = sum(w["in_flight"] for w in out["workers"])
    return out
