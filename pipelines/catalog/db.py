"""The SQLite catalog (WAL): the connection, its migrations and one explicit transaction helper.

Only the main process writes; workers return results. Every page result is committed on its own, so a
killed batch loses at most the pages in flight.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from pipelines.catalog.migrations import migrate


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def connect(path: Path) -> sqlite3.Connection:
    """Open (creating if needed) the catalog and bring it to the latest version (:mod:`.migrations`)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(path, timeout=30, isolation_level=None)
    db.row_factory = sqlite3.Row
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    db.execute("PRAGMA foreign_keys=ON")
    migrate(db, path)
    return db


class Tx:
    """``with Tx(db):`` — one explicit transaction (BEGIN IMMEDIATE … COMMIT/ROLLBACK)."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db

    def __enter__(self) -> sqlite3.Connection:
        self.db.execute("BEGIN IMMEDIATE")
        return self.db

    def __exit__(self, exc_type, exc, tb) -> None:
        self.db.execute("COMMIT" if exc_type is None else "ROLLBACK")


def finish_file(db: sqlite3.Connection, sha256: str) -> str:
    """Set a file's status once no page is pending: done, or quarantined naming the failed pages.

    Documents are made by classification (:mod:`pipelines.services.classify`), after the batch's pages."""
    failed = db.execute("SELECT n, error FROM pages WHERE sha256=? AND status='failed' ORDER BY n",
                        (sha256,)).fetchall()
    if failed:
        reason = "; ".join(f"page {r['n']}: {r['error']}" for r in failed)
        db.execute("UPDATE files SET status='quarantined', error=?, finished=? WHERE sha256=?",
                   (reason, now(), sha256))
        return "quarantined"
    db.execute("UPDATE files SET status='done', error=NULL, finished=? WHERE sha256=?", (now(), sha256))
    return "done"


def dumps(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
