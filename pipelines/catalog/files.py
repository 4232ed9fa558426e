"""Catalog statements of the intake: sources, files, their pages, and the batch being ingested.

The batch is a temporary table of the source locations seen by the current ingest (the quarantine
report, :func:`quarantined` with ``batch=True``, reads it).

Every error is stored twice: ``error``, the English text (logs, the export), and ``error_code``, its message
code (``pipelines.i18n``; front ends show the text in the user's language from the code).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from pipelines.catalog.db import dumps, now

PAGES_FAILED_CODE = "pages.failed"  # a file's code when some of its pages failed (each page has its own code)


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
    error_code: str | None = None


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
        "INSERT INTO sources (location, source, sha256, unit, received, size, mtime, error, error_code, duplicate_of,"
        " added) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (row.location, row.source, row.sha256, row.unit, row.received, row.size, row.mtime, row.error,
         row.error_code, row.duplicate_of, now()))


# --- files and pages --------------------------------------------------------------------------------------

def insert_file(db: sqlite3.Connection, sha256: str, kind: str, size: int, dpi: int, ocr_mode: str, status: str,
                error: str | None, error_code: str | None = None) -> None:
    db.execute("INSERT INTO files (sha256, kind, size, dpi, ocr_mode, added, status, error, error_code) "
               "VALUES (?,?,?,?,?,?,?,?,?)", (sha256, kind, size, dpi, ocr_mode, now(), status, error, error_code))


def set_page_count(db: sqlite3.Connection, sha256: str, count: int) -> None:
    db.execute("UPDATE files SET page_count=? WHERE sha256=?", (count, sha256))


def add_text_page(db: sqlite3.Connection, sha256: str, n: int, text: str) -> None:
    """A page whose text layer is its text: done without OCR."""
    db.execute("INSERT INTO pages (sha256, n, method, status, text) VALUES (?, ?, 'text', 'done', ?)",
               (sha256, n, text))


def add_skipped_page(db: sqlite3.Connection, sha256: str, n: int) -> None:
    db.execute("INSERT INTO pages (sha256, n, method, status, text, error, error_code) "
               "VALUES (?, ?, 'none', 'done', '', 'not OCRed (--ocr skip)', 'ocr.skipped')", (sha256, n))


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
               "matrix=?, steps=?, cached=?, seconds=?, error=NULL, error_code=NULL WHERE sha256=? AND n=?",
               (page["confidence"], page["text"], dumps(page["words"]), page["width"], page["height"],
                dumps(page["matrix"]), dumps(page["steps"]), int(cached), round(seconds, 3), sha256, n))


def page_blank(db: sqlite3.Connection, sha256: str, n: int, page: dict, reason: str, code: str,
               seconds: float) -> None:
    """A page with nothing to read, not OCRed: done, no text (method ``none``), the reason kept beside it."""
    db.execute("UPDATE pages SET method='none', status='done', confidence=NULL, text='', words=?, width=?, "
               "height=?, matrix=?, steps=?, cached=0, seconds=?, error=?, error_code=? WHERE sha256=? AND n=?",
               (dumps([]), page["width"], page["height"], dumps(page["matrix"]), dumps(page["steps"]),
                round(seconds, 3), reason, code, sha256, n))


def page_failed(db: sqlite3.Connection, sha256: str, n: int, error: str | None, seconds: float,
                error_code: str | None = None) -> None:
    db.execute("UPDATE pages SET status='failed', error=?, error_code=?, seconds=? WHERE sha256=? AND n=?",
               (error, error_code, round(seconds, 3), sha256, n))


def failed_pages(db: sqlite3.Connection, sha256: str) -> list[sqlite3.Row]:
    """(n, error, error_code) of the file's failed pages, in page order."""
    return db.execute("SELECT n, error, error_code FROM pages WHERE sha256=? AND status='failed' ORDER BY n",
                      (sha256,)).fetchall()


def finish_file(db: sqlite3.Connection, sha256: str) -> str:
    """Set a file's status once no page is pending: done, or quarantined naming the failed pages.

    Documents are made by classification (:mod:`pipelines.services.classify`), after the batch's pages."""
    failed = failed_pages(db, sha256)
    if failed:  # code pages.failed; its English text joins the pages' in page.failed's form ("page N: …")
        reason = "; ".join(f"page {r['n']}: {r['error']}" for r in failed)
        db.execute("UPDATE files SET status='quarantined', error=?, error_code=?, finished=? WHERE sha256=?",
                   (reason, PAGES_FAILED_CODE, now(), sha256))
        return "quarantined"
    db.execute("UPDATE files SET status='done', error=NULL, error_code=NULL, finished=? WHERE sha256=?",
               (now(), sha256))
    return "done"


# --- the quarantine ---------------------------------------------------------------------------------------

def quarantined(db: sqlite3.Connection, batch: bool = False) -> list[sqlite3.Row]:
    """Quarantined files and refused zip entries: ``source, sha256, unit, error, error_code`` (the file's error
    when its content was read, else the source's), ordered by source.

    ``batch``: only sources in the ingest batch's TEMP table ``batch`` (every source given, also one whose
    content was already known bad); otherwise each bad content once, under its first source.
    """
    return db.execute(f"""
        SELECT s.source, s.sha256, s.unit,
               CASE WHEN f.error IS NOT NULL THEN f.error ELSE s.error END AS error,
               CASE WHEN f.error IS NOT NULL THEN f.error_code ELSE s.error_code END AS error_code
        FROM sources s
        {"JOIN batch b ON b.location = s.location" if batch else ""}
        LEFT JOIN files f ON f.sha256 = s.sha256
        WHERE (s.sha256 IS NULL AND s.error IS NOT NULL)
           OR (f.status='quarantined' AND {"1" if batch else "s.duplicate_of IS NULL"})
        ORDER BY s.source""").fetchall()
