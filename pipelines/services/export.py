"""Export: the JSONL records of ``docs/export-contract.md`` and a searchable PDF per logical document."""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

from pipelines.catalog import documents
from pipelines.catalog.home import Home
from pipelines.services.active import active_period


def export_records(db: sqlite3.Connection) -> Iterator[dict]:
    """Every document (corrections applied), then every quarantined file, as export objects."""
    for record in documents.records(db, active_period(db)):
        yield record.to_export()
    for q in documents.quarantined(db):
        yield q.to_export()


def write_jsonl(db: sqlite3.Connection, out: TextIO) -> int:
    """Write the export to a text stream, one JSON object per line; returns how many."""
    count = 0
    for record in export_records(db):
        out.write(json.dumps(record, ensure_ascii=False) + "\n")
        count += 1
    return count


def safe_name(text: str, limit: int = 120) -> str:
    return re.sub(r"[^\w.\- ]+", "_", text).strip(" ._")[:limit] or "document"


def document_pdf(home: Home, db: sqlite3.Connection, doc: documents.DocRow) -> bytes:
    """The document's original pages with an invisible text layer along each OCR line: one PDF, also for a
    document sent as several files (its parts one after the other)."""
    from ingest.searchable import PageText, searchable_document  # fpdf takes ~0.25 s to import: only when asked

    rows = documents.page_rows(db, doc)
    parts = []
    for part in doc.parts:
        pages = [PageText(r["n"], r["method"], json.loads(r["words"]) if r["words"] else [],
                          json.loads(r["matrix"]) if r["matrix"] else None, part.dpi)
                 for r in rows if r["sha256"] == part.sha256]
        parts.append((home.blob_path(part.sha256), part.kind, pages))
    return searchable_document(parts)


def pdf_name(db: sqlite3.Connection, doc: documents.DocRow) -> str:
    """``<source file stem> [<document id>].pdf``."""
    src = documents.first_source(db, doc.sha256)
    return f"{safe_name(Path(src['source']).stem if src else doc.id)} [{doc.id}].pdf"


def export_searchable(home: Home, db: sqlite3.Connection, folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for doc in documents.doc_rows(db):
        path = folder / pdf_name(db, doc)
        path.write_bytes(document_pdf(home, db, doc))
        written.append(path)
    return written
