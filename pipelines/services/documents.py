"""Reading documents for people: one document with its file and pages, a page of the list by unit, the names
of indicators and requirements (the web app's pages and API read through here)."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from classify.indexset import IndexSet
from pipelines.catalog import documents
from pipelines.catalog.records import DocumentRecord
from pipelines.services.active import active_period


@dataclass(frozen=True)
class DocFile:
    """Where a document's pages are: its file, the file's kind and dpi, the page range, the first source."""

    id: str
    sha256: str
    kind: str
    dpi: int
    first_page: int
    last_page: int
    source: str | None

    @property
    def page_count(self) -> int:
        return self.last_page - self.first_page + 1

    def file_page(self, page: int) -> int:
        """The file's page number of the document's page ``page`` (1-based)."""
        return self.first_page + page - 1

    @property
    def row(self) -> documents.DocRow:
        return documents.DocRow(self.id, self.sha256, self.first_page, self.last_page, self.kind, self.dpi)


def doc_file(db: sqlite3.Connection, doc_id: str) -> DocFile | None:
    row = documents.done_doc_row(db, doc_id)
    if row is None:
        return None
    src = documents.first_source(db, row.sha256)
    return DocFile(row.id, row.sha256, row.kind, row.dpi, row.first_page, row.last_page,
                   src["source"] if src else None)


def document_record(db: sqlite3.Connection, doc_id: str, texts: bool = False) -> DocumentRecord:
    """One document's record, corrections applied (without page texts unless asked)."""
    return next(documents.records(db, active_period(db), texts=texts, doc=doc_id))


def page_rows(db: sqlite3.Connection, doc: DocFile) -> list[sqlite3.Row]:
    return documents.page_rows(db, doc.row)


def page_row(db: sqlite3.Connection, doc: DocFile, page: int) -> sqlite3.Row | None:
    """The document's ``page``-th page (1-based), None past its end."""
    rows = documents.page_rows(db, doc.row, page)
    return rows[0] if rows else None


def list_documents(db: sqlite3.Connection, unit: str | None, limit: int, offset: int
                   ) -> tuple[int, list[DocumentRecord]]:
    """A page of documents (newest file first) of one unit or all, corrections applied; the total first.
    Only the page's records are built."""
    ids = [doc for doc, doc_unit in documents.ids_with_units(db) if unit is None or doc_unit == unit]
    return len(ids), [document_record(db, doc) for doc in ids[offset:offset + limit]]


def indicator_names(index_set: IndexSet) -> dict[str, str]:
    return {ind.id: ind.name for ind in index_set.indicators()}
