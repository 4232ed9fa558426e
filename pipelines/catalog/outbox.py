"""The index outbox: every change an external index (Elasticsearch) must see, as a row written in the same
transaction as the change itself, so that a crash or an unreachable server can delay the index but never
lose a change. A drainer (:func:`pipelines.services.search.drain_outbox`) applies rows after commit, in
order and idempotently (each row re-indexes a whole file or document from the catalog), then records the
last applied sequence number; a failure is recorded and the rows wait for the next drain.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from pipelines.catalog import settings
from pipelines.catalog.db import Tx, now

ENABLED = "outbox.enabled"
APPLIED = "outbox.applied"
ERROR = "outbox.error"
ERROR_AT = "outbox.error_at"
KINDS = ("file", "document")


@dataclass(frozen=True)
class Entry:
    seq: int
    kind: str  # file | document
    key: str  # sha256 or document id
    at: str


@dataclass(frozen=True)
class Lag:
    pending: int  # rows written and not yet applied
    applied: int  # last applied sequence number
    oldest: str | None  # when the oldest pending row was written
    error: str | None  # the last drain's failure, if the last drain failed
    error_at: str | None


def enabled(db: sqlite3.Connection) -> bool:
    """True once an external index was built from this catalog (``reindex --backend elasticsearch``): from
    then on every change is queued, whichever process makes it and whatever its environment."""
    return settings.get(db, ENABLED) == "1"


def enable(db: sqlite3.Connection) -> None:
    settings.put(db, ENABLED, "1")


def add(db: sqlite3.Connection, kind: str, key: str) -> None:
    """Record a change when an external index is fed from this catalog; call inside the transaction that makes
    it. (Before the first external build there is nothing to keep up to date: that build reads everything.)"""
    if kind not in KINDS:
        raise ValueError(f"outbox kind must be one of {KINDS}, not {kind!r}")
    if enabled(db):
        db.execute("INSERT INTO outbox (kind, key, at) VALUES (?, ?, ?)", (kind, key, now()))


def applied(db: sqlite3.Connection) -> int:
    return int(settings.get(db, APPLIED) or 0)


def pending(db: sqlite3.Connection, limit: int = 500) -> list[Entry]:
    rows = db.execute("SELECT seq, kind, key, at FROM outbox WHERE seq > ? ORDER BY seq LIMIT ?",
                      (applied(db), limit)).fetchall()
    return [Entry(*r) for r in rows]


def mark_applied(db: sqlite3.Connection, seq: int) -> None:
    """Move the cursor to ``seq`` (never backwards), clear the last error and drop the applied rows."""
    with Tx(db):
        if seq > applied(db):
            settings.put(db, APPLIED, str(seq))
        settings.delete(db, ERROR)
        settings.delete(db, ERROR_AT)
        db.execute("DELETE FROM outbox WHERE seq <= ?", (seq,))


def mark_failed(db: sqlite3.Connection, error: str) -> None:
    with Tx(db):
        settings.put(db, ERROR, error[:1000])
        settings.put(db, ERROR_AT, now())


def lag(db: sqlite3.Connection) -> Lag:
    cursor = applied(db)
    row = db.execute("SELECT COUNT(*), MIN(at) FROM outbox WHERE seq > ?", (cursor,)).fetchone()
    return Lag(row[0], cursor, row[1], settings.get(db, ERROR), settings.get(db, ERROR_AT))
