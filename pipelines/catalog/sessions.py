"""The web app's server-side sessions (``sessions``, migration 5): one row per login.

``id`` holds the SHA-256 (hex) of the random id the browser's cookie carries, never the id itself, so a copy
of the catalog holds no usable cookie. ``version`` is the user's ``users.version`` at login: a password or
role changed since (an older release, or a direct edit) makes the row useless even before it is deleted.
Times are ISO 8601 UTC strings of one format (:func:`pipelines.catalog.db.now`), so they compare as text.
"""

from __future__ import annotations

import sqlite3

from pipelines.catalog.db import Tx

# The session, its user's role and whether the user's version still matches: one primary-key look-up each.
_LOOKUP = """
SELECT s.user AS user, s.csrf AS csrf, s.created AS created, s.seen AS seen, s.expires AS expires,
       u.role AS role, u.version AS user_version, s.version = u.version AS current
FROM sessions s JOIN users u ON u.name = s.user
WHERE s.id = ?
"""


def insert(db: sqlite3.Connection, id_hash: str, user: str, version: int, csrf: str, created: str,
           expires: str) -> None:
    with Tx(db):
        db.execute("INSERT INTO sessions (id, user, version, csrf, created, seen, expires) "
                   "VALUES (?, ?, ?, ?, ?, ?, ?)", (id_hash, user, version, csrf, created, created, expires))


def lookup(db: sqlite3.Connection, id_hash: str) -> sqlite3.Row | None:
    """The session row joined with its user (None when either is gone)."""
    return db.execute(_LOOKUP, (id_hash,)).fetchone()


def touch(db: sqlite3.Connection, id_hash: str, seen: str, expires: str) -> None:
    """Record activity and move the expiry (the caller throttles how often)."""
    with Tx(db):
        db.execute("UPDATE sessions SET seen=?, expires=? WHERE id=?", (seen, expires, id_hash))


def delete(db: sqlite3.Connection, id_hash: str) -> bool:
    with Tx(db):
        return db.execute("DELETE FROM sessions WHERE id=?", (id_hash,)).rowcount > 0


def delete_for_user(db: sqlite3.Connection, user: str) -> int:
    """Every session of ``user``; runs inside the caller's transaction when there is one."""
    if db.in_transaction:
        return db.execute("DELETE FROM sessions WHERE user=?", (user,)).rowcount
    with Tx(db):
        return db.execute("DELETE FROM sessions WHERE user=?", (user,)).rowcount


def delete_expired(db: sqlite3.Connection, now: str) -> int:
    with Tx(db):
        return db.execute("DELETE FROM sessions WHERE expires <= ?", (now,)).rowcount


def count_for_user(db: sqlite3.Connection, user: str) -> int:
    return db.execute("SELECT count(*) FROM sessions WHERE user=?", (user,)).fetchone()[0]
