"""The search index kept with the catalog: what is indexed, when, and the search entry point.

The sqlite index lives in the catalog database and is written in the same transaction as the documents it
describes (classification, corrections), so the two never drift apart. Each indexed page carries its
document's facts with reviewers' corrections applied (:func:`page_records`, derived from the typed
:class:`~pipelines.catalog.records.DocumentRecord`). Every such change is also written to the catalog's
outbox in that transaction; :func:`drain_outbox` feeds Elasticsearch from it after commit, when configured
(``reindex --backend elasticsearch`` rebuilds it from the catalog at any time).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Iterator

from pipelines.catalog import documents, outbox
from pipelines.catalog.db import Tx
from pipelines.catalog.records import DocumentRecord
from pipelines.services.active import active_period
from search.backends import Backend, open_backend
from search.backends.columns import ColumnsCache
from search.backends.sqlite import SqliteBackend, tune_connection
from search.model import PageRecord, SearchRequest, SearchResult

# The DocumentRecord fields copied onto every indexed page (tests/unit/test_record_contract.py checks that
# each exists on the record and that every PageRecord field is filled from the record or its page).
PAGE_FIELDS = ("unit", "doc_type", "symbol", "in_period", "source", "subject", "doc_type_name", "signer")


def pages_of(record: DocumentRecord) -> Iterator[PageRecord]:
    """A document's pages as search records (page numbers inside the document, 1-based, across its parts)."""
    if record.status != "done":
        return
    facts = {name: getattr(record, name) for name in PAGE_FIELDS}
    for k, page in enumerate(record.pages, 1):
        yield PageRecord(doc_id=record.id, sha256=record.sha256, page=k, text=page.text or "",
                         issued=record.issued_date, indicators=tuple(t["id"] for t in record.indicators or ()),
                         method=page.method if page.method in ("text", "ocr") else None,
                         confidence=page.confidence, **facts)


def page_records(db: sqlite3.Connection, sha256: str | None = None, doc_id: str | None = None
                 ) -> Iterator[PageRecord]:
    """Every page of the done documents (of one file, of one document, or all), corrections applied."""
    for record in documents.records(db, active_period(db), texts=True, sha256=sha256, doc=doc_id):
        yield from pages_of(record)


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


def _current(db: sqlite3.Connection) -> SqliteBackend:
    """The catalog index, first rebuilt from the catalog when its layout is older (the first write after an
    upgrade that changed it rebuilds it, in the writer's transaction, instead of failing)."""
    backend = SqliteBackend(db)
    if backend.needs_rebuild() and backend.stored_version() is not None:
        backend.rebuild(page_records(db))
    return backend


def index_file(db: sqlite3.Connection, sha256: str) -> int:
    """Replace the file's pages in the catalog index and queue the change for external indexes; call inside
    the transaction that wrote its documents."""
    outbox.add(db, "file", sha256)
    return _replace(_current(db), db, sha256=sha256)


def index_document(db: sqlite3.Connection, doc_id: str) -> int:
    """Replace one document's pages (after a correction) and queue the change; call inside its transaction."""
    outbox.add(db, "document", doc_id)
    return _replace(_current(db), db, doc_id=doc_id)


def ensure_index(db: sqlite3.Connection) -> int:
    """Rebuild the catalog index when its layout version changed (or it was never built); pages indexed."""
    backend = catalog_index(db)
    if not backend.needs_rebuild():
        return 0
    with Tx(db):
        return backend.rebuild(page_records(db))


def reindex(db: sqlite3.Connection, name: str = "sqlite", url: str | None = None) -> int:
    """Rebuild a backend's index from the catalog (for Elasticsearch this also settles the outbox)."""
    if name == "sqlite":
        with Tx(db):
            return catalog_index(db).rebuild(page_records(db))
    with Tx(db):
        outbox.enable(db)  # from now on every change is queued for it
        mark = db.execute("SELECT COALESCE(MAX(seq), 0) FROM outbox").fetchone()[0]
    count = open_backend(name, url=url).rebuild(page_records(db))
    outbox.mark_applied(db, mark)  # rows written after ``mark`` are applied by the next drain
    return count


def drain_outbox(db: sqlite3.Connection, es_url: str | None, batch: int = 200,
                 connect: Callable[[str], Backend] | None = None) -> list[str]:
    """Apply the pending outbox rows to Elasticsearch (when ``es_url`` is set), in batches, after commit.

    Each row re-indexes its whole file or document from the catalog, so applying a row twice is harmless.
    On failure the error is recorded (``status`` shows it with the lag), the rows wait for the next drain,
    and a warning comes back; the catalog is never undone. ``connect`` opens the backend (tests pass theirs).
    """
    if not es_url:
        return []
    if not outbox.enabled(db):
        return ["Elasticsearch not updated: it holds no index of this catalog yet; run 'minhchung reindex --backend "
                "elasticsearch' once to build it, and later changes reach it by themselves"]
    if not outbox.pending(db, 1):
        return []
    try:
        backend = (connect or (lambda url: open_backend("elasticsearch", url=url)))(es_url)
        while entries := outbox.pending(db, batch):
            _apply(backend, db, entries)
            outbox.mark_applied(db, entries[-1].seq)
    except Exception as exc:  # noqa: BLE001 - any client or network error: the rows stay queued
        message = f"{type(exc).__name__}: {exc}"
        outbox.mark_failed(db, message)
        return [f"Elasticsearch not updated yet ({message}); the change is queued and is applied by the next "
                "command once the server is reachable (see 'minhchung status')"]
    return []


def _apply(backend: Backend, db: sqlite3.Connection, entries: Iterable[outbox.Entry]) -> None:
    seen: set[tuple[str, str]] = set()
    for entry in entries:
        if (entry.kind, entry.key) in seen:
            continue
        seen.add((entry.kind, entry.key))
        if entry.kind == "file":
            _replace(backend, db, sha256=entry.key)
        else:
            _replace(backend, db, doc_id=entry.key)


def search(db: sqlite3.Connection, req: SearchRequest, name: str = "sqlite", url: str | None = None,
           cache: ColumnsCache | None = None) -> SearchResult:
    if name == "sqlite":
        tune_connection(db)  # a larger page cache and mmap for this connection (measured in search_bench)
        ensure_index(db)
        return catalog_index(db, cache).search(req)
    return open_backend(name, url=url).search(req)
