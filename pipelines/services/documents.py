"""Reading documents for people: one document with its file and pages, a page of the list by unit, the names
of indicators and requirements (the web app's pages and API read through here)."""

from __future__ import annotations

import io
import posixpath
import sqlite3
import zipfile
from dataclasses import dataclass

from classify.indexset import IndexSet
from pipelines.catalog import documents
from pipelines.catalog.home import Home
from pipelines.catalog.records import DocumentRecord
from pipelines.services.active import active_period


@dataclass(frozen=True)
class DocFile:
    """Where a document's pages are: its first file, the file's kind and dpi, the page range, the first
    source; and every part (a document sent as one file per page has several), each with its source."""

    id: str
    sha256: str
    kind: str
    dpi: int
    first_page: int
    last_page: int
    source: str | None
    parts: tuple[documents.PartRow, ...] = ()
    sources: tuple[str | None, ...] = ()  # the first source of each part's file

    @property
    def page_count(self) -> int:
        return sum(p.count for p in self.parts)

    def locate(self, page: int) -> tuple[documents.PartRow, int] | None:
        """The part and file page number of the document's ``page``-th page (1-based), None past its end."""
        return self.row.locate(page)

    def part_of(self, sha256: str) -> documents.PartRow:
        return next(p for p in self.parts if p.sha256 == sha256)

    def page_number(self, sha256: str, n: int) -> int:
        """The document's page number (1-based, across its parts) of page ``n`` of the file ``sha256``."""
        before = 0
        for part in self.parts:
            if part.sha256 == sha256 and part.first_page <= n <= part.last_page:
                return before + n - part.first_page + 1
            before += part.count
        raise ValueError(f"page {n} of {sha256[:16]} is not in document {self.id}")

    @property
    def row(self) -> documents.DocRow:
        return documents.DocRow(self.id, self.sha256, self.first_page, self.last_page, self.kind, self.dpi,
                                self.parts)


def doc_file(db: sqlite3.Connection, doc_id: str) -> DocFile | None:
    row = documents.done_doc_row(db, doc_id)
    if row is None:
        return None
    sources = []
    for part in row.parts:
        src = documents.first_source(db, part.sha256)
        sources.append(src["source"] if src else None)
    return DocFile(row.id, row.sha256, row.kind, row.dpi, row.first_page, row.last_page, sources[0],
                   row.parts, tuple(sources))


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


def originals_zip(home: Home, doc: DocFile) -> bytes:
    """The originals of a document's parts, exactly as received, in a zip in reading order: ``01 <name>``,
    ``02 <name>`` … (stored, not compressed again: scans and photos do not shrink)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as zf:
        for k, (part, source) in enumerate(zip(doc.parts, doc.sources, strict=True), 1):
            name = posixpath.basename(source) if source else part.sha256[:16]
            zf.write(home.blob_path(part.sha256), f"{k:02d} {name}")
    return buf.getvalue()
