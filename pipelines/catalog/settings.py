"""Named settings of a catalog (the ``meta`` table): the remembered index set and plan, outbox cursors."""

from __future__ import annotations

import sqlite3


def get(db: sqlite3.Connection, key: str) -> str | None:
    row = db.execute("SELECT value FROM meta WHERE key=?", (key,)).fetchone()
    return row[0] if row else None


def put(db: sqlite3.Connection, key: str, value: str) -> None:
    """Set ``key`` (inside the caller's transaction, or on its own in autocommit)."""
    db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))


def delete(db: sqlite3.Connection, key: str) -> None:
    db.execute("DELETE FROM meta WHERE key=?", (key,))
