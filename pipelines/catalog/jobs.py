"""Upload jobs of the web app (``jobs``): what a clerk sent, its progress and its outcome; kept across restarts."""

from __future__ import annotations

import json
import sqlite3

from pipelines.catalog.db import Tx

COLUMNS = ("id", "user", "unit", "received", "files", "folder", "created", "status", "stage", "done", "total",
           "started", "finished", "error", "error_code", "summary", "quarantined", "documents")
JSON_COLUMNS = ("files", "summary", "quarantined", "documents")


def save_job(db: sqlite3.Connection, job: dict) -> None:
    """Insert or replace the job (a dict with every column; JSON columns as Python values)."""
    values = [json.dumps(job[c], ensure_ascii=False) if c in JSON_COLUMNS else job[c] for c in COLUMNS]
    with Tx(db):
        db.execute(f"INSERT OR REPLACE INTO jobs ({', '.join(COLUMNS)}) VALUES ({', '.join('?' * len(COLUMNS))})",
                   values)


def _job(row: sqlite3.Row) -> dict:
    return {c: (json.loads(row[c]) if row[c] is not None else None) if c in JSON_COLUMNS else row[c]
            for c in COLUMNS}


def get_job(db: sqlite3.Connection, job_id: str) -> dict | None:
    row = db.execute("SELECT * FROM jobs WHERE id=?", (job_id,)).fetchone()
    return _job(row) if row else None


def list_jobs(db: sqlite3.Connection, user: str | None = None, limit: int = 200) -> list[dict]:
    """The newest jobs first; of one user, or of everyone when ``user`` is None."""
    where, args = ("WHERE user=?", [user]) if user is not None else ("", [])
    rows = db.execute(f"SELECT * FROM jobs {where} ORDER BY created DESC, rowid DESC LIMIT ?", [*args, limit])
    return [_job(r) for r in rows]


def unfinished(db: sqlite3.Connection) -> list[tuple[str, str]]:
    """(id, folder) of the jobs queued or running."""
    rows = db.execute("SELECT id, folder FROM jobs WHERE status IN ('queued', 'running')")
    return [(r["id"], r["folder"]) for r in rows]


def interrupt(db: sqlite3.Connection, ids: list[str], reason: str, finished: str, code: str | None = None) -> int:
    """Mark these jobs, if still queued or running, as failed (left so by a stopped server); returns how many."""
    with Tx(db):
        return sum(db.execute("UPDATE jobs SET status='failed', stage='done', error=?, error_code=?, finished=? "
                              "WHERE id=? AND status IN ('queued', 'running')",
                              (reason, code, finished, job_id)).rowcount for job_id in ids)


def documents_under(db: sqlite3.Connection, like_prefix: str) -> list[str]:
    """Ids of the documents made from sources whose location matches ``like_prefix`` (LIKE, escape ``\\``)."""
    return [r["id"] for r in db.execute(
        "SELECT DISTINCT d.id FROM sources s JOIN documents d ON d.sha256 = s.sha256 "
        "WHERE s.location LIKE ? ESCAPE '\\' ORDER BY d.id", (like_prefix,))]
