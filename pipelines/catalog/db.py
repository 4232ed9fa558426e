"""The SQLite catalog (WAL): files, their sources, pages, documents, corrections, audit; quarantine is a status.

Only the main process writes; workers return results. Every page result is committed on its own, so a
killed batch loses at most the pages in flight.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

SCHEMA_VERSION = 2

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS files (
    sha256 TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    size INTEGER NOT NULL,
    page_count INTEGER,
    status TEXT NOT NULL CHECK (status IN ('pending', 'done', 'quarantined', 'archive')),
    error TEXT,
    dpi INTEGER,
    ocr_mode TEXT,
    added TEXT NOT NULL,
    finished TEXT
);
CREATE TABLE IF NOT EXISTS sources (
    id INTEGER PRIMARY KEY,
    location TEXT NOT NULL,
    source TEXT NOT NULL,
    sha256 TEXT REFERENCES files(sha256) DEFERRABLE INITIALLY DEFERRED,
    unit TEXT,
    received TEXT,
    size INTEGER,
    mtime TEXT,
    error TEXT,
    duplicate_of INTEGER REFERENCES sources(id),
    added TEXT NOT NULL,
    UNIQUE (location, sha256)
);
CREATE INDEX IF NOT EXISTS sources_sha ON sources(sha256);
CREATE INDEX IF NOT EXISTS sources_location ON sources(location);
CREATE TABLE IF NOT EXISTS pages (
    sha256 TEXT NOT NULL REFERENCES files(sha256),
    n INTEGER NOT NULL,
    method TEXT NOT NULL CHECK (method IN ('text', 'ocr', 'none')),
    status TEXT NOT NULL CHECK (status IN ('pending', 'done', 'failed')),
    confidence REAL,
    text TEXT,
    words TEXT,
    width INTEGER,
    height INTEGER,
    matrix TEXT,
    steps TEXT,
    error TEXT,
    cached INTEGER,
    seconds REAL,
    PRIMARY KEY (sha256, n)
);
CREATE TABLE IF NOT EXISTS documents (
    id TEXT PRIMARY KEY,
    sha256 TEXT NOT NULL REFERENCES files(sha256),
    first_page INTEGER NOT NULL,
    last_page INTEGER NOT NULL,
    facts TEXT
);
CREATE INDEX IF NOT EXISTS documents_sha ON documents(sha256);
-- A reviewer's correction of one field of one document (the latest wins); kept apart from the facts so
-- that classifying again never overwrites it. Document ids are "<sha256[:16]>-<first page>", stable.
CREATE TABLE IF NOT EXISTS corrections (
    doc_id TEXT NOT NULL,
    field TEXT NOT NULL,
    value TEXT NOT NULL,
    who TEXT NOT NULL,
    at TEXT NOT NULL,
    note TEXT,
    PRIMARY KEY (doc_id, field)
);
-- Every change a person made, never updated or deleted.
CREATE TABLE IF NOT EXISTS audit (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    who TEXT NOT NULL,
    doc_id TEXT NOT NULL,
    field TEXT NOT NULL,
    before TEXT,
    after TEXT,
    note TEXT
);
CREATE INDEX IF NOT EXISTS audit_doc ON audit(doc_id);
"""


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def connect(path: Path) -> sqlite3.Connection:
    path.parent.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(path, timeout=30, isolation_level=None)
    db.row_factory = sqlite3.Row
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    db.execute("PRAGMA foreign_keys=ON")
    db.executescript(SCHEMA)
    row = db.execute("SELECT value FROM meta WHERE key='schema'").fetchone()
    if row is None:
        db.execute("INSERT INTO meta VALUES ('schema', ?)", (str(SCHEMA_VERSION),))
    elif int(row["value"]) > SCHEMA_VERSION:
        raise RuntimeError(f"{path} was written by a newer minhchung (schema {row['value']})")
    elif int(row["value"]) < SCHEMA_VERSION:
        # v1 → v2: new tables only (created above); v1 documents have no facts and are classified again.
        db.execute("UPDATE meta SET value=? WHERE key='schema'", (str(SCHEMA_VERSION),))
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
