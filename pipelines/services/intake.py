"""The ingest batch: discover sources, store originals, plan pages, OCR them through a page executor.

Why a file was quarantined is decided here and stored on the file (``files.error``) or, for a zip entry
that was refused before any content was read, on the source (``sources.error``). Where the OCR runs is the
executor's business (default: a local process pool).
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from ingest import engines
from ingest.ocr import OcrSettings
from ingest.pages import DEFAULT_PIXEL_LIMIT, PageError, inspect
from ingest.sources import SUPPORTED, SourceItem, ZipLimits, describe_unsupported, iter_sources, sniff
from pipelines.catalog.db import Tx, dumps, finish_file, now
from pipelines.catalog.home import Home
from pipelines.catalog.read import quarantine
from pipelines.executors import LocalPoolExecutor, PageExecutor, PageResult, PageTask
from pipelines.services.classify import classify_pending
from pipelines.services.search import sync_external


@dataclass
class IngestOptions:
    unit: str | None = None
    unit_from_folder: bool = False
    received: date | None = None
    jobs: int = max(1, os.cpu_count() or 1)
    ocr: str = "auto"  # auto | force | skip
    dpi: int = 300
    settings: OcrSettings = field(default_factory=OcrSettings)
    pixel_limit: int = DEFAULT_PIXEL_LIMIT
    zip_limits: ZipLimits = field(default_factory=ZipLimits)
    index_set: str | None = None  # None: the catalog's (or the default)


@dataclass
class Summary:
    sources: int = 0
    new_files: int = 0
    unchanged: int = 0
    duplicates: list[dict] = field(default_factory=list)
    archives: int = 0
    quarantined: list[dict] = field(default_factory=list)
    pages_text: int = 0
    pages_ocr: int = 0
    pages_cached: int = 0
    pages_not_ocred: int = 0
    pages_failed: int = 0
    files_classified: int = 0
    documents: int = 0
    search_warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def to_dict(self) -> dict:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


Progress = Callable[[str, int, int], None]  # (stage, done, total)


def ingest(home: Home, db: sqlite3.Connection, paths: list[Path], opts: IngestOptions,
           progress: Progress | None = None, executor: PageExecutor | None = None) -> Summary:
    """Ingest ``paths``; pages to OCR go to ``executor`` (default: a local pool of ``opts.jobs`` processes).

    Raises :class:`ingest.ocr.OcrError` before reading anything when the OCR engine is not known."""
    start = time.perf_counter()
    summary = Summary()
    if opts.ocr != "skip":
        engines.ensure_known(opts.settings.engine)  # a usage error, not a quarantine of every file
    home.create()
    db.execute("CREATE TEMP TABLE IF NOT EXISTS batch (location TEXT PRIMARY KEY)")
    db.execute("DELETE FROM batch")
    for item in iter_sources(paths, opts.zip_limits):
        summary.sources += 1
        db.execute("INSERT OR IGNORE INTO batch VALUES (?)", (item.location,))
        _discover(home, db, item, opts, summary)
        if progress:
            progress("discover", summary.sources, 0)
    if executor is None:
        executor = LocalPoolExecutor(opts.jobs, home.blobs, home.ocr_cache)
    _run_pages(db, opts, summary, executor, progress)
    classified, summary.documents = classify_pending(db, index_set_ref=opts.index_set)
    summary.files_classified = len(classified)
    summary.search_warnings = sync_external(db, shas=classified)
    summary.quarantined = quarantine(db, batch=True)
    summary.seconds = round(time.perf_counter() - start, 3)
    return summary


def _unit_for(item: SourceItem, opts: IngestOptions) -> tuple[str | None, str | None]:
    if opts.unit:
        return opts.unit, None
    if opts.unit_from_folder:
        if item.unit_hint:
            return item.unit_hint, None
        return None, "no unit: the file is not inside a unit folder (use --unit or put it in a unit folder)"
    return None, None


def _discover(home: Home, db: sqlite3.Connection, item: SourceItem, opts: IngestOptions,
              summary: Summary) -> None:
    unit, unit_error = _unit_for(item, opts)
    received = (opts.received or item.mtime.date()).isoformat()
    mtime = item.mtime.isoformat(timespec="seconds")
    if item.opener is None:  # refused before reading: nothing to store
        with Tx(db):
            if not db.execute("SELECT 1 FROM sources WHERE location=? AND sha256 IS NULL",
                              (item.location,)).fetchone():
                db.execute("INSERT INTO sources (location, source, sha256, unit, received, size, mtime, error, "
                           "added) VALUES (?, ?, NULL, ?, ?, ?, ?, ?, ?)",
                           (item.location, item.source, unit, received, item.size, mtime, item.error, now()))
        return
    known = db.execute("SELECT s.sha256 FROM sources s WHERE s.location=? AND s.size=? AND s.mtime=? "
                       "AND s.sha256 IS NOT NULL ORDER BY s.id DESC LIMIT 1",
                       (item.location, item.size, mtime)).fetchone()
    if known:  # same place, same size and time: same content, no need to read it again
        summary.unchanged += 1
        return
    with item.open() as stream:
        sha, size = home.store(stream)
    with Tx(db):
        if db.execute("SELECT 1 FROM sources WHERE location=? AND sha256=?", (item.location, sha)).fetchone():
            db.execute("UPDATE sources SET mtime=?, size=? WHERE location=? AND sha256=?",
                       (mtime, size, item.location, sha))
            summary.unchanged += 1
            return
        first = db.execute("SELECT id, source FROM sources WHERE sha256=? ORDER BY id LIMIT 1", (sha,)).fetchone()
        db.execute(
            "INSERT INTO sources (location, source, sha256, unit, received, size, mtime, error, duplicate_of, added) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (item.location, item.source, sha, unit, received, size, mtime, unit_error,
             first["id"] if first else None, now()))
        if first:
            summary.duplicates.append({"source": item.source, "same_as": first["source"], "sha256": sha})
            return
        _plan_file(home, db, sha, size, item, opts, summary, unit_error)


def _plan_file(home: Home, db: sqlite3.Connection, sha: str, size: int, item: SourceItem,
               opts: IngestOptions, summary: Summary, unit_error: str | None) -> None:
    blob = home.blob_path(sha)
    with open(blob, "rb") as fh:
        head = fh.read(2048)
    kind = sniff(head)
    row = (sha, kind, size, opts.dpi, opts.ocr, now())
    insert = "INSERT INTO files (sha256, kind, size, dpi, ocr_mode, added, status, error) VALUES (?,?,?,?,?,?,?,?)"
    if item.is_archive:
        db.execute(insert, (*row, "quarantined" if item.error else "archive", item.error))
        summary.archives += 1
        return
    summary.new_files += 1
    error = unit_error
    if error is None and kind not in SUPPORTED:
        error = describe_unsupported(kind, head)
    info = None
    if error is None:
        try:
            info = inspect(blob, kind, opts.dpi, opts.pixel_limit)
        except PageError as exc:
            error = str(exc)
    if info is None:
        db.execute(insert, (*row, "quarantined", error))
        return
    db.execute(insert, (*row, "pending", None))
    db.execute("UPDATE files SET page_count=? WHERE sha256=?", (info.page_count, sha))
    for n in range(1, info.page_count + 1):
        if n in info.text_layer and opts.ocr != "force":
            db.execute("INSERT INTO pages (sha256, n, method, status, text) VALUES (?, ?, 'text', 'done', ?)",
                       (sha, n, info.text_layer[n]))
            summary.pages_text += 1
        elif opts.ocr == "skip":
            db.execute("INSERT INTO pages (sha256, n, method, status, text, error) "
                       "VALUES (?, ?, 'none', 'done', '', 'not OCRed (--ocr skip)')", (sha, n))
            summary.pages_not_ocred += 1
        else:
            db.execute("INSERT INTO pages (sha256, n, method, status) VALUES (?, ?, 'ocr', 'pending')", (sha, n))
    if not db.execute("SELECT 1 FROM pages WHERE sha256=? AND status='pending'", (sha,)).fetchone():
        finish_file(db, sha)


def _run_pages(db: sqlite3.Connection, opts: IngestOptions, summary: Summary, executor: PageExecutor,
               progress: Progress | None) -> None:
    rows = db.execute("SELECT p.sha256, p.n, f.kind, f.dpi FROM pages p JOIN files f USING (sha256) "
                      "WHERE p.status='pending' ORDER BY f.added, p.sha256, p.n").fetchall()
    tasks = [PageTask(r["sha256"], r["n"], r["kind"], r["dpi"] or opts.dpi, opts.settings, opts.pixel_limit)
             for r in rows]
    if tasks:
        executor.run(tasks, _Recorder(db, summary, Counter(t.sha256 for t in tasks), len(tasks), progress))


@dataclass
class _Recorder:
    """Commits each page result on its own and finishes a file when its last page is in."""

    db: sqlite3.Connection
    summary: Summary
    remaining: Counter[str]  # pages still to come, per file
    total: int
    progress: Progress | None
    done: int = 0

    def __call__(self, result: PageResult) -> None:
        db, summary = self.db, self.summary
        with Tx(db):
            if result.ok and result.page is not None:
                page = result.page
                db.execute("UPDATE pages SET status='done', confidence=?, text=?, words=?, width=?, height=?, "
                           "matrix=?, steps=?, cached=?, seconds=?, error=NULL WHERE sha256=? AND n=?",
                           (page["confidence"], page["text"], dumps(page["words"]), page["width"], page["height"],
                            dumps(page["matrix"]), dumps(page["steps"]), int(result.cached),
                            round(result.seconds, 3), result.sha256, result.n))
                if result.cached:
                    summary.pages_cached += 1
                else:
                    summary.pages_ocr += 1
            else:
                db.execute("UPDATE pages SET status='failed', error=?, seconds=? WHERE sha256=? AND n=?",
                           (result.error, round(result.seconds, 3), result.sha256, result.n))
                summary.pages_failed += 1
            self.remaining[result.sha256] -= 1
            if self.remaining[result.sha256] == 0:
                finish_file(db, result.sha256)
        self.done += 1
        if self.progress:
            self.progress("pages", self.done, self.total)
