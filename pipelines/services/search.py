"""The search index kept with the catalog: what is indexed, when, and the search entry point.

The sqlite index lives in the catalog database and is written in the same transaction as the documents it
describes (classification, corrections), so the two never drift apart. Each indexed page carries its
document's facts with reviewers' corrections applied. Elasticsearch, when configured, is fed after the
catalog commits (``reindex --backend elasticsearch`` rebuilds it from the catalog at any time).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import date

from pipelines.catalog import read as report
from pipelines.services.active import active_period
from search.backends import Backend, backend_name, open_backend
from search.backends.sqlite import ColumnsCache, SqliteBackend, tune_connection
from search.model import PageRecord, SearchRequest, SearchResult


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def page_records(db: sqlite3.Connection, sha256: str | None = None, doc_id: str | None = None
                 ) -> Iterator[PageRecord]:
    """Every page of the done documents (of one file, of one document, or all): the export records
    (:func:`pipelines.catalog.read.documents`, corrections applied) cut into pages."""
    for r in report.documents(db, active_period(db), texts=True, sha256=sha256, doc_id=doc_id):
        if r["status"] != "done":
            continue
        first = r["source_pages"][0]
        for page in r["pages"]:
            yield PageRecord(
                doc_id=r["id"], sha256=r["sha256"], page=page["n"] - first + 1, text=page["text"] or "",
                unit=r["unit"], doc_type=r["doc_type"], symbol=r["symbol"], issued=_date(r["issued"]),
                in_period=r["in_period"], indicators=tuple(t["id"] for t in r["indicators"] or []),
                method=page["method"] if page["method"] in ("text", "ocr") else None,
                confidence=page["confidence"], source=r["source"], subject=r["subject"])


def catalog_index(db: sqlite3.Connection, cache: ColumnsCache | None = None) -> Backend:
    """The sqlite index inside the catalog (always kept up to date). A long-lived process passes one
    ``cache`` for all its searches, so the page columns are read again only after a write."""
    return SqliteBackend(db, cache)


def _replace(backend: Backend, db: sqlite3.Connection, *, sha256: str | None = None, doc_id: str | None = None
             ) -> int:
    """Drop a file's (or one document's) pages from ``backend`` and index them again from the catalog."""
    if sha256 is not None:
        backend.delete_file(sha256)
    else:
        backend.delete_document(doc_id)
    return backend.index(page_records(db, sha256=sha256, doc_id=doc_id))


def index_file(db: sqlite3.Connection, sha256: str) -> int:
    """Replace the file's pages in the catalog index; call inside the transaction that wrote its documents."""
    return _replace(catalog_index(db), db, sha256=sha256)


def index_document(db: sqlite3.Connection, doc_id: str) -> int:
    """Replace one document's pages (after a correction); call inside the correction's transaction."""
    return _replace(catalog_index(db), db, doc_id=doc_id)


def ensure_index(db: sqlite3.Connection) -> int:
    """Rebuild the catalog index when its layout version changed (or it was never built); pages indexed."""
    from pipelines.catalog.db import Tx

    backend = catalog_index(db)
    if not backend.needs_rebuild():
        return 0
    with Tx(db):
        return backend.rebuild(page_records(db))


def reindex(db: sqlite3.Connection, name: str = "sqlite", url: str | None = None) -> int:
    """Rebuild a backend's index from the catalog."""
    from pipelines.catalog.db import Tx

    if name == "sqlite":
        with Tx(db):
            return catalog_index(db).rebuild(page_records(db))
    return open_backend(name, url=url).rebuild(page_records(db))


def sync_external(db: sqlite3.Connection, shas: list[str] | None = None, doc_ids: list[str] | None = None
                  ) -> list[str]:
    """Bring Elasticsearch up to date with these files / documents when ``MINHCHUNG_ELASTICSEARCH_URL`` is
    set (after the catalog committed). Failures do not undo the catalog: they come back as warnings, and
    ``minhchung reindex --backend elasticsearch`` repairs the index."""
    if backend_name() != "elasticsearch" or not (shas or doc_ids):
        return []
    try:
        backend = open_backend("elasticsearch")  # its URL from the same variable
        for sha in shas or []:
            _replace(backend, db, sha256=sha)
        for doc in doc_ids or []:
            _replace(backend, db, doc_id=doc)
    except Exception as exc:  # noqa: BLE001 - any client or network error: the catalog stays right
        return [f"Elasticsearch not updated ({type(exc).__name__}: {exc}); run 'minhchung reindex --backend "
                "elasticsearch' when it is reachable"]
    return []


def search(db: sqlite3.Connection, req: SearchRequest, name: str = "sqlite", url: str | None = None,
           cache: ColumnsCache | None = None) -> SearchResult:
    if name == "sqlite":
        tune_connection(db)  # a larger page cache and mmap for this connection (measured in search_bench)
        ensure_index(db)
        return catalog_index(db, cache).search(req)
    return open_backend(name, url=url).search(req)
