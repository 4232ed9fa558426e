"""Search backends behind one contract (the shared suite in ``tests/search_contract.py`` checks it).

* ``sqlite`` (default): SQLite FTS5 tables inside the catalog's own connection; the caller owns the
  transaction, so the catalog and its index change together or not at all.
* ``elasticsearch``: one ES document per page in a versioned index behind an alias; chosen when
  ``MINHCHUNG_ELASTICSEARCH_URL`` is set.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterable, Mapping
from typing import Protocol

from search.model import PageRecord, SearchRequest, SearchResult

ES_URL_ENV = "MINHCHUNG_ELASTICSEARCH_URL"
BACKENDS = ("sqlite", "elasticsearch")


class Backend(Protocol):
    def index(self, pages: Iterable[PageRecord]) -> int:
        """Add or replace pages (keyed by doc_id + page); return how many were written."""
        ...

    def delete_file(self, sha256: str) -> None:
        """Remove every page of every document cut from the file with this digest."""
        ...

    def delete_document(self, doc_id: str) -> None: ...

    def search(self, req: SearchRequest) -> SearchResult:
        """Raise :class:`search.analysis.QueryError` for a malformed query."""
        ...

    def clear(self) -> None: ...

    def count(self) -> int:
        """Number of pages indexed."""
        ...

    def needs_rebuild(self) -> bool:
        """True when there is no index yet or it was built with another layout or analysis version."""
        ...

    def rebuild(self, pages: Iterable[PageRecord]) -> int:
        """Drop the index, create it in the current layout and index ``pages``; return how many."""
        ...


def backend_name(environ: Mapping[str, str] = os.environ) -> str:
    """``elasticsearch`` when ``MINHCHUNG_ELASTICSEARCH_URL`` is set, else ``sqlite``."""
    return "elasticsearch" if environ.get(ES_URL_ENV, "").strip() else "sqlite"


def open_backend(name: str, *, db: sqlite3.Connection | None = None, url: str | None = None) -> Backend:
    """The backend called ``name``; ``db`` is the catalog connection (sqlite), ``url`` the ES address
    (defaults to ``$MINHCHUNG_ELASTICSEARCH_URL``)."""
    if name == "sqlite":
        if db is None:
            raise ValueError("the sqlite search backend needs the catalog's sqlite3 connection (db=...)")
        from search.backends.sqlite import SqliteBackend

        return SqliteBackend(db)
    if name == "elasticsearch":
        url = url or os.environ.get(ES_URL_ENV, "").strip()
        if not url:
            raise ValueError(f"the elasticsearch backend needs a URL: pass url=... or set {ES_URL_ENV}")
        from search.backends.elasticsearch import ElasticsearchBackend

        return ElasticsearchBackend(url)
    raise ValueError(f"unknown search backend {name!r}: choose one of {', '.join(BACKENDS)}")
