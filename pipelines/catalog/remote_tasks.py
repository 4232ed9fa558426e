"""Catalog statements of the remote executor: which broker task carries each page sent to remote workers.

A row is written (and committed) before its task is published, so a page is never in the broker without the
catalog knowing it; rows of pages no longer pending are dropped at the next remote run."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable

from pipelines.catalog.db import Tx, now


def sent(db: sqlite3.Connection) -> dict[tuple[str, int], str]:
    """(sha256, page) → task id of every page sent and not yet resolved."""
    return {(r["sha256"], r["n"]): r["task_id"] for r in db.execute("SELECT sha256, n, task_id FROM remote_tasks")}


def mark_sent(db: sqlite3.Connection, rows: Iterable[tuple[str, int, str]]) -> None:
    with Tx(db):
        db.executemany("INSERT OR REPLACE INTO remote_tasks (sha256, n, task_id, sent) VALUES (?, ?, ?, ?)",
                       [(sha, n, task_id, now()) for sha, n, task_id in rows])


def forget(db: sqlite3.Connection, sha256: str, n: int) -> None:
    with Tx(db):
        db.execute("DELETE FROM remote_tasks WHERE sha256=? AND n=?", (sha256, n))


def drop_resolved(db: sqlite3.Connection) -> None:
    """Forget the rows of pages that are no longer pending (done or failed by a run that then died)."""
    with Tx(db):
        db.execute("DELETE FROM remote_tasks WHERE NOT EXISTS (SELECT 1 FROM pages p WHERE p.sha256 = "
                   "remote_tasks.sha256 AND p.n = remote_tasks.n AND p.status = 'pending')")
