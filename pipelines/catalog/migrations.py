"""Ordered migrations of the catalog, tracked by ``PRAGMA user_version``.

Each entry moves the catalog from the version before it to its own version, inside one transaction.
Releases before user_version was used (up to commit c7bfb20) kept ``meta.schema`` = 1 or 2 and created
``plan_units`` and ``users`` on first use: such a catalog is adopted at its ``meta.schema`` version and the
later steps (which create tables only if missing) bring it up to date. A catalog written by a newer
release is refused. The FTS5 search tables belong to :mod:`search.backends.sqlite`, which versions them
itself (``search_meta``) and rebuilds them from the catalog when its layout changes.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

V1 = """
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
"""

# A reviewer's correction of one field of one document (the latest wins), kept apart from the facts so
# that classifying again never overwrites it; and every change a person made, never updated or deleted.
V2 = """
CREATE TABLE IF NOT EXISTS corrections (
    doc_id TEXT NOT NULL,
    field TEXT NOT NULL,
    value TEXT NOT NULL,
    who TEXT NOT NULL,
    at TEXT NOT NULL,
    note TEXT,
    PRIMARY KEY (doc_id, field)
);
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

# The clerk's unit list per plan and the web app's accounts (created on first use before user_version).
V3 = """
CREATE TABLE IF NOT EXISTS plan_units (
    plan_id TEXT NOT NULL, name TEXT NOT NULL, kind TEXT NOT NULL, aliases TEXT NOT NULL DEFAULT '[]',
    PRIMARY KEY (plan_id, name));
CREATE TABLE IF NOT EXISTS users (
    name TEXT PRIMARY KEY,
    role TEXT NOT NULL,
    password TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    created TEXT NOT NULL,
    updated TEXT NOT NULL
);
"""

# Upload jobs of the web app (they outlive a restart), and the index outbox: every change an external
# index must see, written in the transaction that made it and drained after commit (pipelines.catalog.outbox).
V4 = """
CREATE TABLE IF NOT EXISTS jobs (
    id TEXT PRIMARY KEY,
    user TEXT NOT NULL,
    unit TEXT NOT NULL,
    received TEXT NOT NULL,
    files TEXT NOT NULL,
    folder TEXT NOT NULL,
    created TEXT NOT NULL,
    status TEXT NOT NULL,
    stage TEXT NOT NULL,
    done INTEGER NOT NULL DEFAULT 0,
    total INTEGER NOT NULL DEFAULT 0,
    started TEXT,
    finished TEXT,
    error TEXT,
    summary TEXT,
    quarantined TEXT,
    documents TEXT
);
CREATE INDEX IF NOT EXISTS jobs_user ON jobs(user, created);
CREATE TABLE IF NOT EXISTS outbox (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL CHECK (kind IN ('file', 'document')),
    key TEXT NOT NULL,
    at TEXT NOT NULL
);
"""


# Server-side web sessions (the cookie carries only a random id), and a stable machine code beside every
# stored error text (quarantine reasons, page failures), so messages can be shown in the reader's language.
V5 = """
CREATE TABLE IF NOT EXISTS sessions (
    id TEXT PRIMARY KEY,
    user TEXT NOT NULL,
    version INTEGER NOT NULL,
    csrf TEXT NOT NULL,
    created TEXT NOT NULL,
    seen TEXT NOT NULL,
    expires TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS sessions_user ON sessions(user);
ALTER TABLE files ADD COLUMN error_code TEXT;
ALTER TABLE sources ADD COLUMN error_code TEXT;
ALTER TABLE pages ADD COLUMN error_code TEXT;
ALTER TABLE jobs ADD COLUMN error_code TEXT;
"""

# Near-duplicates (pipelines/catalog/duplicates.py) look documents up by their issue date.
V6 = """
CREATE INDEX IF NOT EXISTS documents_issued ON documents (json_extract(facts, '$.issued'));
"""

# Pages sent to remote OCR workers (ingest --broker): which task carries each pending page, so that the rerun
# of a killed coordinator waits for the tasks still in the broker instead of sending (and OCRing) them again.
V7 = """
CREATE TABLE IF NOT EXISTS remote_tasks (
    sha256 TEXT NOT NULL,
    n INTEGER NOT NULL,
    task_id TEXT NOT NULL,
    sent TEXT NOT NULL,
    PRIMARY KEY (sha256, n)
);
"""

# Documents that span files (a document sent as one file per page): the parts after a document's first one,
# whose place stays in documents (sha256, first_page, last_page). seq 1, 2, … in reading order.
V8 = """
CREATE TABLE IF NOT EXISTS document_parts (
    doc_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    sha256 TEXT NOT NULL REFERENCES files(sha256),
    first_page INTEGER NOT NULL,
    last_page INTEGER NOT NULL,
    PRIMARY KEY (doc_id, seq)
);
CREATE INDEX IF NOT EXISTS document_parts_sha ON document_parts(sha256);
"""


# A reviewer's override of the provisional score of one unit for one indicator of a plan (the latest wins);
# each change also goes to the audit log (doc_id ``score:<plan>:<unit>``, field ``score:<indicator>``).
V9 = """
CREATE TABLE IF NOT EXISTS score_overrides (
    plan_id TEXT NOT NULL,
    unit TEXT NOT NULL,
    indicator TEXT NOT NULL,
    points REAL NOT NULL CHECK (points >= 0),
    original REAL,
    who TEXT NOT NULL,
    at TEXT NOT NULL,
    note TEXT NOT NULL,
    PRIMARY KEY (plan_id, unit, indicator)
);
"""


def _script(sql: str) -> Callable[[sqlite3.Connection], None]:
    def step(db: sqlite3.Connection) -> None:
        for statement in sql.split(";"):
            if statement.strip():
                db.execute(statement)

    return step


# (version reached, what it adds, the step); the list only ever grows at its end.
MIGRATIONS: list[tuple[int, str, Callable[[sqlite3.Connection], None]]] = [
    (1, "files, sources, pages, documents", _script(V1)),
    (2, "corrections and audit log", _script(V2)),
    (3, "plan units and web users", _script(V3)),
    (4, "upload jobs and the index outbox", _script(V4)),
    (5, "web sessions; error codes beside error texts", _script(V5)),
    (6, "documents indexed by issue date (near-duplicates)", _script(V6)),
    (7, "pages sent to remote OCR workers", _script(V7)),
    (8, "parts of documents that span files", _script(V8)),
    (9, "reviewers' overrides of provisional scores", _script(V9)),
]
LATEST = MIGRATIONS[-1][0]


class CatalogVersionError(RuntimeError):
    """The catalog was written by a newer minhchung."""


def current_version(db: sqlite3.Connection) -> int:
    version = db.execute("PRAGMA user_version").fetchone()[0]
    if version:
        return version
    has_meta = db.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name='meta'").fetchone()
    if not has_meta:
        return 0
    row = db.execute("SELECT value FROM meta WHERE key='schema'").fetchone()
    return int(row[0]) if row else 0  # a release before user_version: its meta.schema


def migrate(db: sqlite3.Connection, path: Path | str = "catalog", upto: int = LATEST) -> int:
    """Bring the catalog to version ``upto`` (default: the latest); returns the version it had."""
    had = current_version(db)
    if had > LATEST:
        raise CatalogVersionError(f"{path} was written by a newer minhchung (catalog version {had}, this "
                                  f"release knows up to {LATEST})")
    for version, _what, step in MIGRATIONS:
        if had < version <= upto:
            db.execute("BEGIN IMMEDIATE")
            try:
                step(db)
                db.execute("INSERT OR REPLACE INTO meta VALUES ('schema', ?)", (str(version),))
                db.execute(f"PRAGMA user_version = {version:d}")
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise
    return had
