"""What the search page reuses between requests, valid while the catalog's content is the same.

A search page costs far more around the search than in it (profiled under load with py-spy: rendering the
results 27 %, the plan and its unit list 21 %, re-marking the snippets for the reader 9 %). All of it depends
only on what :func:`fingerprint` reads in one statement — the remembered plan and index set, the unit list's
change counter and the search index's generation (a new one at every write to the index) — and on the
request's own parameters. So the page keeps

* the filter lists (unit names, indicators) per fingerprint, and
* the rendered results (documents, snippets, facets, pager) per fingerprint + query + filters + page,
* each document's likely copies (near-duplicates: reading texts to compare them cost 15 % of a new query),

in one small LRU map (:class:`ViewCache`) that a fingerprint change makes unreachable: a write, a correction,
a new plan or unit list is seen by the very next request. Nothing user-specific is kept (the header with the
user's name and CSRF token is rendered for each request).
"""

from __future__ import annotations

import sqlite3
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import TypeVar

_T = TypeVar("_T")

# Everything the search page's lists and results depend on besides the request (settings keys in ``meta``:
# pipelines.services.active, pipelines.catalog.units; the search index's generation: search.backends.sqlite).
_FINGERPRINT = ("SELECT (SELECT value FROM meta WHERE key='plan'), (SELECT value FROM meta WHERE key='index_set'), "
                "(SELECT value FROM meta WHERE key='units_changed'), "
                "(SELECT value FROM search_meta WHERE key='generation')")
_NO_INDEX = ("SELECT (SELECT value FROM meta WHERE key='plan'), (SELECT value FROM meta WHERE key='index_set'), "
             "(SELECT value FROM meta WHERE key='units_changed'), NULL")


def fingerprint(db: sqlite3.Connection) -> tuple[str | None, ...] | None:
    """The catalog content the search page depends on, or None when it cannot be cached (no search index
    yet: the search builds it, and a page must not be kept from before)."""
    try:
        row = db.execute(_FINGERPRINT).fetchone()
    except sqlite3.OperationalError:  # no search_meta table: the index was never built
        return None
    return tuple(row) if row[3] is not None else None


class ViewCache:
    """A bounded map (least recently used dropped first), safe across the server's threads. Two requests
    that miss the same key at once both compute it (the work is idempotent; a lock per key is not worth it)."""

    def __init__(self, size: int = 1024) -> None:
        self._size = size
        self._items: OrderedDict[Hashable, object] = OrderedDict()
        self._lock = threading.Lock()

    def get_or_make(self, key: Hashable | None, make: Callable[[], _T]) -> _T:
        """The value kept under ``key``, else ``make()`` (kept unless ``key`` is None; ``make`` never returns
        None here: a kept None would read as missing)."""
        if key is None or not self._size:
            return make()
        kept = self.get(key)
        if kept is not None:
            return kept  # type: ignore[return-value]
        value = make()
        self.put(key, value)
        return value

    def get(self, key: Hashable) -> object | None:
        """The value kept under ``key``, or None (also marking it the most recently used)."""
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
        return None

    def put(self, key: Hashable, value: object) -> None:
        with self._lock:
            self._items[key] = value
            while len(self._items) > self._size:
                self._items.popitem(last=False)

    def __len__(self) -> int:
        return len(self._items)
