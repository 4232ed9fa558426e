"""Dict views of the read model for callers written before :mod:`pipelines.catalog.records` (the web app
while it moves to the typed records). New code uses :func:`pipelines.catalog.documents.records`."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import date

from pipelines.catalog import documents as docs
from pipelines.catalog.documents import first_source
from pipelines.catalog.records import FACT_FIELDS
from pipelines.catalog.status import unit_status

__all__ = ["FACT_FIELDS", "documents", "first_source", "quarantine", "unit_status"]


def quarantine(db: sqlite3.Connection, batch: bool = False) -> list[dict]:
    return [{"source": q.source, "sha256": q.sha256, "unit": q.unit, "error": q.error}
            for q in docs.quarantined(db, batch)]


def documents(db: sqlite3.Connection, period: tuple[date, date] | None = None, texts: bool = True,
              sha256: str | None = None, doc_id: str | None = None) -> Iterator[dict]:
    """The export records as dicts: the documents, then (without ``sha256``/``doc_id``) the quarantined files."""
    for record in docs.records(db, period, texts, sha256, doc_id):
        yield record.to_export()
    if not (sha256 or doc_id):
        for q in docs.quarantined(db):
            yield q.to_export()
