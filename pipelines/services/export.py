"""Write a searchable PDF per logical document from the catalog (``export --pdf DIR``)."""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path

from ingest.searchable import PageText, searchable_pdf
from pipelines.catalog.home import Home
from pipelines.catalog.read import first_source


def _safe_name(text: str) -> str:
    return re.sub(r"[^\w.\- ]+", "_", text).strip(" ._")[:120] or "document"


def export_searchable(home: Home, db: sqlite3.Connection, folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    docs = db.execute("SELECT d.id, d.sha256, d.first_page, d.last_page, f.kind, f.dpi FROM documents d "
                      "JOIN files f USING (sha256) WHERE f.status='done' ORDER BY d.id").fetchall()
    for doc in docs:
        src = first_source(db, doc["sha256"])
        rows = db.execute("SELECT n, method, words, matrix FROM pages WHERE sha256=? AND n BETWEEN ? AND ? "
                          "ORDER BY n", (doc["sha256"], doc["first_page"], doc["last_page"])).fetchall()
        pages = [PageText(r["n"], r["method"], json.loads(r["words"]) if r["words"] else [],
                          json.loads(r["matrix"]) if r["matrix"] else None, doc["dpi"] or 300) for r in rows]
        data = searchable_pdf(home.blob_path(doc["sha256"]), doc["kind"], pages)
        stem = _safe_name(Path(src["source"]).stem if src else doc["id"])
        path = folder / f"{stem} [{doc['id']}].pdf"
        path.write_bytes(data)
        written.append(path)
    return written
