"""Catalog statements of the intake: sources, files, their pages, and the batch being ingested.

The batch is a temporary table of the source locations seen by the current ingest (the quarantine
report, :func:`pipelines.catalog.documents.quarantined` with ``batch=True``, reads it).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from pipelines.catalog.db import dumps, now


@dataclass(frozen=True)
class SourceRow:
    """One place a file was received from; ``sha256`` None for an entry refused before it was read."""

    location: str
    source: str
    sha256: str | None
    unit: str | None
    received: str
    size: int | None
    mtime: str
    error: str | None = None
    duplicate_of: int | None = None


@dataclass(frozen=True)
class PendingPage:
    sha256: str
    n: int
    kind: str
    dpi: int | None


# --- the batch --------------------------------------------------------------------------------------------

def start_batch(db: sqlite3.Connection) -> None:
    db.execute("CREATE TEMP TABLE IF NOT EXISTS batch (location TEXT PRIMARY KEY)")
    db.execute("DELETE FROM batch")


def add_to_batch(db: sqlite3.Connection, location: str) -> None:
    db.execute("INSERT OR IGNORE INTO batch VALUES (?)", (location,))


# --- sources ----------------------------------------------------------------------------------------------

def refused_source_known(db: sqlite3.Connection, location: str) -> bool:
    return db.execute("SELECT 1 FROM sources WHERE location=? AND sha256 IS NULL", (location,)).fetchone() is not None


def unchanged_source(db: sqlite3.Connection, location: str, size: int | None, mtime: str) -> bool:
    """A stored source at this place with this size and time (same content, no need to read it again)."""
    return db.execute("SELECT s.sha256 FROM sources s WHERE s.location=? AND s.size=? AND s.mtime=? "
                      "AND s.sha256 IS NOT NULL ORDER BY s.id DESC LIMIT 1",
                      (location, size, mtime)).fetchone() is not None


def source_has_content(db: sqlite3.Connection, location: str, sha256: str) -> bool:
    return db.execute("SELECT 1 FROM sources WHERE location=? AND sha256=?", (location, sha256)).fetchone() is not None


def touch_source(db: sqlite3.Connection, location: str, sha256: str, mtime: str, size: int) -> None:
    db.execute("UPDATE sources SET mtime=?, size=? WHERE location=? AND sha256=?", (mtime, size, location, sha256))


def first_source_of(db: sqlite3.Connection, sha256: str) -> sqlite3.Row | None:
    """(id, source) of the first source with this content, None for new content."""
    return db.execute("SELECT id, source FROM sources WHERE sha256=? ORDER BY id LIMIT 1", (sha256,)).fetchone()


def insert_source(db: sqlite3.Connection, row: SourceRow) -> None:
    db.execute(
        "INSERT INTO sources (location, source, sha256, unit, received, size, mtime, error, duplicate_of, added) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (row.location, row.source, row.sha256, row.unit, row.received, row.size, row.mtime, row.error,
         row.duplicate_of, now()))


# --- files and pages --------------------------------------------------------------------------------------

def insert_file(db: sqlite3.Connection, sha256: str, kind: str, size: int, dpi: int, ocr_mode: str, status: str,
                error: str | None) -> None:
    db.execute("INSERT INTO files (sha256, kind, size, dpi, ocr_mode, added, status, error) VALUES (?,?,?,?,?,?,?,?)",
               (sha256, kind, size, dpi, ocr_mode, now(), status, error))


def set_page_count(db: sqlite3.Connection, sha256: str, count: int) -> None:
    db.execute("UPDATE files SET page_count=? WHERE sha256=?", (count, sha256))


def add_text_page(db: sqlite3.Connection, sha256: str, n: int, text: str) -> None:
    """A page whose text layer is its text: done without OCR."""
    db.execute("INSERT INTO pages (sha256, n, method, status, text) VALUES (?, ?, 'text', 'done', ?)",
               (sha256, n, text))


def add_skipped_page(db: sqlite3.Connection, sha256: str, n: int) -> None:
    db.execute("INSERT INTO pages (sha256, n, method, status, text, error) "
               "VALUES (?, ?, 'none', 'done', '', 'not OCRed (--ocr skip)')", (sha256, n))


def add_ocr_page(db: sqlite3.Connection, sha256: str, n: int) -> None:
    db.execute("INSERT INTO pages (sha256, n, method, status) VALUES (?, ?, 'ocr', 'pending')", (sha256, n))


def has_pending_pages(db: sqlite3.Connection, sha256: str) -> bool:
    return db.execute("SELECT 1 FROM pages WHERE sha256=? AND status='pending'", (sha256,)).fetchone() is not None


def pending_pages(db: sqlite3.Connection) -> list[PendingPage]:
    """Every page still to OCR (this batch's and any a killed batch left), oldest file first."""
    rows = db.execute("SELECT p.sha256, p.n, f.kind, f.dpi FROM pages p JOIN files f USING (sha256) "
                      "WHERE p.status='pending' ORDER BY f.added, p.sha256, p.n").fetchall()
    return [PendingPage(r["sha256"], r["n"], r["kind"], r["dpi"]) for r in rows]


def page_done(db: sqlite3.Connection, sha256: str, n: int, page: dict, cached: bool, seconds: float) -> None:
    """Store an OCR result (``OcrPage.to_dict()`` plus ``matrix`` and ``steps``)."""
    db.execute("UPDATE pages SET status='done', confidence=?, text=?, words=?, width=?, height=?, "
               "matrix=?, steps=?, cached=?, seconds=?, error=NULL WHERE sha256=? AND n=?",
               (page["confidence"], page["text"], dumps(page["words"]), page["width"], page["height"],
                dumps(page["matrix"]), dumps(page["steps"]), int(cached), round(seconds, 3), sha256, n))


def page_failed(db: sqlite3.Connection, sha256: str, n: int, error: str | None, seconds: float) -> None:
    db.execute("UPDATE pages SET status='failed', error=?, seconds=? WHERE sha256=? AND n=?",
               (error, round(seconds, 3), sha256, n))


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
