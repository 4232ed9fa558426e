"""The web app's accounts (``users``): name, role, password hash, and a version that goes up with every new
password or role. Each such change, and removing the user, also deletes the user's sessions
(:mod:`pipelines.catalog.sessions`) in the same transaction."""

from __future__ import annotations

import sqlite3

from pipelines.catalog import sessions
from pipelines.catalog.db import Tx, now

UserRow = sqlite3.Row  # name, role, version, password


def user_row(db: sqlite3.Connection, name: str) -> UserRow | None:
    return db.execute("SELECT name, role, version, password FROM users WHERE name=?", (name,)).fetchone()


def user_rows(db: sqlite3.Connection) -> list[UserRow]:
    return db.execute("SELECT name, role, version, password FROM users ORDER BY name").fetchall()


def upsert_user(db: sqlite3.Connection, name: str, role: str, digest: str, *, update: bool) -> bool:
    """Create the user, or with ``update`` give an existing one the role and hash; False when it exists
    and ``update`` is not set (nothing written)."""
    with Tx(db):
        exists = db.execute("SELECT 1 FROM users WHERE name=?", (name,)).fetchone()
        if exists and not update:
            return False
        if exists:
            db.execute("UPDATE users SET role=?, password=?, version=version+1, updated=? WHERE name=?",
                       (role, digest, now(), name))
            sessions.delete_for_user(db, name)
        else:
            db.execute("INSERT INTO users (name, role, password, created, updated) VALUES (?, ?, ?, ?, ?)",
                       (name, role, digest, now(), now()))
    return True


def set_digest(db: sqlite3.Connection, name: str, digest: str, *, new_version: bool = True) -> bool:
    """Store a new password hash (``new_version`` ends the user's sessions); False when there is no such user."""
    bump = ", version=version+1, updated=?" if new_version else ""
    args = (digest, now(), name) if new_version else (digest, name)
    with Tx(db):
        changed = db.execute(f"UPDATE users SET password=?{bump} WHERE name=?", args).rowcount > 0
        if changed and new_version:
            sessions.delete_for_user(db, name)
        return changed


def delete_user(db: sqlite3.Connection, name: str) -> bool:
    with Tx(db):
        sessions.delete_for_user(db, name)
        return db.execute("DELETE FROM users WHERE name=?", (name,)).rowcount > 0
