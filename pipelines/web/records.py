"""What the web pages and the API read from the catalog: one document with its facts (corrections applied),
its pages, the indicator names, the plan's requirements."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass

from classify.indexset import IndexSet, load_index_set
from pipelines.assessment.plan import Plan, requirements_for
from pipelines.catalog import read as report
from pipelines.catalog.read import first_source
from pipelines.services.active import active_period


@dataclass(frozen=True)
class DocFile:
    """Where a document's pages are: its file, the file's kind and dpi, the page range."""

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


def doc_file(db: sqlite3.Connection, doc_id: str) -> DocFile | None:
    row = db.execute("SELECT d.id, d.sha256, d.first_page, d.last_page, f.kind, f.dpi FROM documents d "
                     "JOIN files f USING (sha256) WHERE d.id=? AND f.status='done'", (doc_id,)).fetchone()
    if row is None:
        return None
    src = first_source(db, row["sha256"])
    return DocFile(row["id"], row["sha256"], row["kind"], row["dpi"] or 300, row["first_page"], row["last_page"],
                   src["source"] if src else None)


def document_record(db: sqlite3.Connection, doc: DocFile) -> dict:
    """The export record of one document (DESIGN.md §3) without page texts, corrections applied."""
    return next(report.documents(db, active_period(db), texts=False, doc_id=doc.id))


def page_rows(db: sqlite3.Connection, doc: DocFile) -> list[sqlite3.Row]:
    return db.execute("SELECT n, method, status, confidence, text, words, matrix, width, height, error FROM pages "
                      "WHERE sha256=? AND n BETWEEN ? AND ? ORDER BY n",
                      (doc.sha256, doc.first_page, doc.last_page)).fetchall()


def page_row(db: sqlite3.Connection, doc: DocFile, page: int) -> sqlite3.Row | None:
    if not 1 <= page <= doc.page_count:
        return None
    return db.execute("SELECT n, method, status, confidence, text, words, matrix, width, height, error FROM pages "
                      "WHERE sha256=? AND n=?", (doc.sha256, doc.file_page(page))).fetchone()


def loads(value: str | None, default: object) -> object:
    return json.loads(value) if value else default


def indicator_names(index_set: IndexSet) -> dict[str, str]:
    return {ind.id: ind.name for ind in index_set.indicators()}


def requirement_names(plan: Plan, index_set: IndexSet | None = None) -> dict[str, str]:
    """Every requirement id of the plan (over all its units) → its name."""
    index_set = index_set or load_index_set(plan.index_set)
    out: dict[str, str] = {}
    for unit in plan.units:
        for req in requirements_for(plan, unit, index_set):
            out.setdefault(req.id, req.name)
    return out


def list_documents(db: sqlite3.Connection, unit: str | None, limit: int, offset: int) -> tuple[int, list[dict]]:
    """A page of documents (newest file first) of one unit or all, facts with corrections; the total first.
    The unit is the first source's, or a reviewer's correction of it; only the page's records are built."""
    rows = db.execute("""
        SELECT d.id, COALESCE(json_extract(c.value, '$'),
                              (SELECT s.unit FROM sources s WHERE s.sha256 = d.sha256 AND s.duplicate_of IS NULL
                               ORDER BY s.id LIMIT 1)) AS unit
        FROM documents d JOIN files f USING (sha256)
        LEFT JOIN corrections c ON c.doc_id = d.id AND c.field = 'unit'
        WHERE f.status = 'done' ORDER BY f.added DESC, d.sha256, d.first_page""").fetchall()
    ids = [r["id"] for r in rows if unit is None or r["unit"] == unit]
    docs = [doc_file(db, doc_id) for doc_id in ids[offset:offset + limit]]
    return len(ids), [document_record(db, doc) for doc in docs if doc is not None]
