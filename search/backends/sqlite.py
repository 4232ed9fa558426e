"""The default backend: SQLite FTS5 tables inside the catalog's own connection.

Layout (every table is prefixed ``search_``; nothing else in the database is touched):

* ``search_fts`` — a *contentless* FTS5 table with two columns: ``exact`` (NFC lowercase tokens) and
  ``folded`` (the same tokens without marks, đ→d). Contentless because the text is stored once, in
  ``search_docs``; FTS5 keeps only the inverted index. ``unicode61 remove_diacritics 0``: the folding is
  ours (FTS5 does not fold đ); the tokenizer only splits on the spaces between our tokens.
* ``search_pages`` — a narrow row per page (rowid = the FTS rowid): facet cell, issue date, in-period
  flag, method, confidence. Filtered ranking joins it; searching reads it through the in-memory copy.
* ``search_cells`` — one row per distinct (unit, doc type, indicator set): a page points at its cell, so
  counting matches per cell, then summing cells per unit, type and indicator, gives all three facets.
* ``search_docs`` — the wide row (ids, symbol, source, subject and the zlib-compressed text), read only
  for the hits shown (and to tell the contentless FTS table what to delete).
* ``search_meta`` — ``schema_version`` (another stored value makes :meth:`needs_rebuild` true) and
  ``generation``, a random token replaced by every write: it tells a :class:`ColumnsCache` when its
  in-memory copy of the page table (:mod:`search.backends.columns`) is stale.

Searching lists the matching rowids once (``group_concat``: FTS5 alone, no join), then filters, counts,
facets and (for ``sort="date"``) orders them in numpy over that copy; FTS5's BM25 ranks the requested
slice. At 100,000 pages this took the facet pass for a 67,000-match query from 88 ms to about 13 ms.

Ranking: pages match on the folded column and are ranked by FTS5's BM25. The table is built with
``columnsize=0``: no per-page token counts are stored, so BM25 runs without length normalisation, which
halves its cost per match (a B-tree lookup less per row: 24 → 11.5 ms on 20,000 matches) and costs little
here, where every row is one page of similar length. When the query carries
diacritics, the pages that also match it on the exact column form a first tier, ranked by BM25 on the
exact column, and folded-only pages follow: "bán" can never outrank "bàn" for the query "bàn", and OCR
slips ("tham những") are found but come after the pages spelled as typed. Exact-tier scores carry
+``EXACT_TIER``. A two-phrase BM25 per tier also costs half of scoring both columns in one query.

The backend only runs statements on the connection it is given — never BEGIN, COMMIT or ROLLBACK —
so the caller updates the catalog and the index in one transaction (with Python's default isolation
level the first INSERT or DELETE here opens it implicitly; committing is the caller's job). Searching
runs SELECTs only; when the caller has no transaction open it runs them in one read transaction of its
own (BEGIN … COMMIT), so a commit landing mid-search cannot pair one generation's page copy with another
generation's matches.
"""

from __future__ import annotations

import sqlite3
import threading
import time
import uuid
import zlib
from collections import OrderedDict
from collections.abc import Iterable
from datetime import date

from search.analysis import Query, highlight, index_forms, match_pattern, parse_query
from search.backends import columns
from search.backends.columns import PageColumns
from search.backends.fts5 import cell_indicators, exact_expression, filter_sql, folded_expression
from search.model import EXACT_TIER, FACETS, Hit, PageRecord, SearchRequest, SearchResult, elapsed_ms

# Bump when the tables, the tokenizer or search.analysis change what is stored: needs_rebuild() follows.
SCHEMA_VERSION = 3
TABLES = ("search_fts", "search_pages", "search_cells", "search_cell_indicators", "search_docs", "search_meta")

_SCHEMA = f"""
CREATE TABLE search_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE search_cells (
    id INTEGER PRIMARY KEY, unit TEXT NOT NULL, doc_type TEXT NOT NULL, indicators TEXT NOT NULL,
    UNIQUE (unit, doc_type, indicators));
CREATE TABLE search_cell_indicators (
    cell INTEGER NOT NULL, indicator TEXT NOT NULL, PRIMARY KEY (cell, indicator)) WITHOUT ROWID;
CREATE TABLE search_pages (
    id INTEGER PRIMARY KEY, cell INTEGER NOT NULL, issued TEXT, in_period INTEGER, method TEXT, confidence REAL);
CREATE TABLE search_docs (
    id INTEGER PRIMARY KEY, doc_id TEXT NOT NULL, sha256 TEXT NOT NULL, page INTEGER NOT NULL,
    symbol TEXT, source TEXT, subject TEXT, text BLOB NOT NULL);
CREATE UNIQUE INDEX search_docs_key ON search_docs (doc_id, page);
CREATE INDEX search_docs_sha256 ON search_docs (sha256);
CREATE VIRTUAL TABLE search_fts USING fts5(exact, folded, content='', columnsize=0,
                                           tokenize='unicode61 remove_diacritics 0');
INSERT INTO search_meta (key, value) VALUES ('schema_version', '{SCHEMA_VERSION}')
"""
_NEW_GENERATION = "INSERT OR REPLACE INTO search_meta (key, value) VALUES ('generation', ?)"


class SchemaMismatch(RuntimeError):
    """The stored index was built with another layout: call ``rebuild()``."""


def tune_connection(db: sqlite3.Connection, cache_mb: int = 64, mmap_mb: int = 1024) -> None:
    """Connection settings worth setting on the catalog connection for searching (no transaction effect).

    Queries read the FTS b-trees and the narrow page table for every match; SQLite's default page
    cache is 2 MB, so without these most reads go through the OS. Measured on 100,000 pages:
    a filtered query 93 → 56 ms, a 8,000-match query 45 → 28 ms.
    """
    db.execute(f"PRAGMA cache_size = -{int(cache_mb) * 1024}")
    db.execute(f"PRAGMA mmap_size = {int(mmap_mb) * 1024 * 1024}")


def _pack(text: str) -> bytes:
    return zlib.compress(text.encode("utf-8"), 6)


def _unpack(blob: bytes) -> str:
    return zlib.decompress(blob).decode("utf-8")


SnippetKey = tuple[int, str, tuple[str, str], int, bool]  # rowid, match pattern, markers, length, html


class ColumnsCache:
    """Holds the last :class:`PageColumns` loaded, across connections and backend objects, and the snippets
    made for that generation.

    A process that searches many times (the web app) keeps one per catalog, so the page table is read
    again only after a write; without one, each backend loads its own copy on its first search.

    Snippets: highlighting a hit reads its whole page (decompress, normalise, match every query term) and was
    most of a 20-hit search on a small catalog (about 4 of 6 ms). A snippet depends only on the page text,
    the query's positive terms (its match pattern) and the marker settings, so the last ``snippets`` of them
    are kept per generation (a write starts an empty set): the same query again, the page and the API
    asking alike, a filter or another sort over the same pages, costs a dictionary look-up per hit.
    """

    def __init__(self, snippets: int = 4096) -> None:
        self.columns: PageColumns | None = None
        self._loading = threading.Lock()  # one reload at a time: concurrent requests wait for it, not repeat it
        self._max_snippets = snippets
        self._snippets: OrderedDict[SnippetKey, str] = OrderedDict()
        self._snippets_of = ""  # the generation they were made for
        self._snippet_lock = threading.Lock()

    def get(self, db: sqlite3.Connection) -> PageColumns:
        """The copy for ``db``'s current generation (call inside one read transaction, as search does)."""
        row = db.execute("SELECT value FROM search_meta WHERE key = 'generation'").fetchone()
        generation = row[0] if row else ""
        current = self.columns
        if current is not None and current.generation == generation:
            return current
        with self._loading:
            current = self.columns
            if current is None or current.generation != generation:
                current = columns.load(db, generation)
                self.columns = current
        return current

    def snippet(self, generation: str, key: SnippetKey) -> str | None:
        with self._snippet_lock:
            if not generation or generation != self._snippets_of:
                return None
            found = self._snippets.get(key)
            if found is not None:
                self._snippets.move_to_end(key)
            return found

    def keep_snippet(self, generation: str, key: SnippetKey, snippet: str) -> None:
        if not self._max_snippets or not generation:
            return
        with self._snippet_lock:
            if generation != self._snippets_of:
                self._snippets.clear()
                self._snippets_of = generation
            self._snippets[key] = snippet
            while len(self._snippets) > self._max_snippets:
                self._snippets.popitem(last=False)


class SqliteBackend:
    """FTS5 search over the tables above, on a connection the caller owns."""

    def __init__(self, db: sqlite3.Connection, cache: ColumnsCache | None = None) -> None:
        self.db = db
        self.cache = cache or ColumnsCache()

    # --- schema -------------------------------------------------------------------------------------

    def stored_version(self) -> int | None:
        """The schema version the index was built with; None when there is no index yet."""
        exists = self.db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'search_meta'")
        if exists.fetchone() is None:
            return None
        row = self.db.execute("SELECT value FROM search_meta WHERE key = 'schema_version'").fetchone()
        return int(row[0]) if row else None

    def needs_rebuild(self) -> bool:
        return self.stored_version() != SCHEMA_VERSION

    def _ensure(self) -> None:
        version = self.stored_version()
        if version is None:
            self._drop()
            for statement in _SCHEMA.split(";"):
                self.db.execute(statement)
            self._touch()
        elif version != SCHEMA_VERSION:
            raise SchemaMismatch(f"the search index has schema v{version}, this version needs v{SCHEMA_VERSION}: "
                                 "rebuild it (minhchung reindex)")

    def _touch(self) -> None:
        """A new generation token: in-memory copies of the page table loaded before are stale."""
        self.db.execute(_NEW_GENERATION, (uuid.uuid4().hex,))

    def _drop(self) -> None:
        for table in TABLES:
            self.db.execute(f"DROP TABLE IF EXISTS {table}")

    # --- writing ------------------------------------------------------------------------------------

    def index(self, pages: Iterable[PageRecord]) -> int:
        self._ensure()
        cells: dict[tuple[str, str, str], int] = {}
        written = 0
        for page in pages:
            self._write(page, cells)
            written += 1
        if written:
            self._touch()
        return written

    def _cell(self, page: PageRecord, cells: dict[tuple[str, str, str], int]) -> int:
        key = (page.unit or "", page.doc_type or "", cell_indicators(page.indicators))
        if key not in cells:
            row = self.db.execute("SELECT id FROM search_cells WHERE unit = ? AND doc_type = ? AND indicators = ?",
                                  key).fetchone()
            if row is None:
                row = (self.db.execute("INSERT INTO search_cells (unit, doc_type, indicators) VALUES (?, ?, ?)",
                                       key).lastrowid,)
                self.db.executemany("INSERT INTO search_cell_indicators (cell, indicator) VALUES (?, ?)",
                                    [(row[0], ind) for ind in set(page.indicators)])
            cells[key] = row[0]
        return cells[key]

    def _write(self, page: PageRecord, cells: dict[tuple[str, str, str], int]) -> None:
        db = self.db
        key = (page.doc_id, page.page)
        row = db.execute("SELECT id FROM search_docs WHERE doc_id = ? AND page = ?", key).fetchone()
        if row:
            self._delete_ids([row[0]])
        text = page.text
        exact, folded = index_forms(text)
        rowid = db.execute("INSERT INTO search_docs (doc_id, sha256, page, symbol, source, subject, text) "
                           "VALUES (?, ?, ?, ?, ?, ?, ?)", (page.doc_id, page.sha256, page.page, page.symbol,
                                                            page.source, page.subject, _pack(text))).lastrowid
        db.execute("INSERT INTO search_pages (id, cell, issued, in_period, method, confidence) "
                   "VALUES (?, ?, ?, ?, ?, ?)",
                   (rowid, self._cell(page, cells), page.issued.isoformat() if page.issued else None,
                    None if page.in_period is None else int(page.in_period), page.method, page.confidence))
        db.execute("INSERT INTO search_fts (rowid, exact, folded) VALUES (?, ?, ?)", (rowid, exact, folded))

    def _delete_ids(self, ids: list[int]) -> None:
        db = self.db
        for rowid in ids:
            (blob,) = db.execute("SELECT text FROM search_docs WHERE id = ?", (rowid,)).fetchone()
            exact, folded = index_forms(_unpack(blob))  # a contentless table must be told what it indexed
            db.execute("INSERT INTO search_fts (search_fts, rowid, exact, folded) VALUES ('delete', ?, ?, ?)",
                       (rowid, exact, folded))
            db.execute("DELETE FROM search_pages WHERE id = ?", (rowid,))
            db.execute("DELETE FROM search_docs WHERE id = ?", (rowid,))

    def _delete_where(self, column: str, value: str) -> None:
        if self.stored_version() is None:
            return
        self._ensure()
        ids = [r[0] for r in self.db.execute(f"SELECT id FROM search_docs WHERE {column} = ?", (value,))]
        if ids:
            self._touch()  # (a page replaced inside index() is covered by index()'s own touch)
        self._delete_ids(ids)

    def delete_file(self, sha256: str) -> None:
        self._delete_where("sha256", sha256)

    def delete_document(self, doc_id: str) -> None:
        self._delete_where("doc_id", doc_id)

    def clear(self) -> None:
        self._drop()
        self._ensure()

    def rebuild(self, pages: Iterable[PageRecord]) -> int:
        self._drop()
        written = self.index(pages)
        self.optimize()
        return written

    def optimize(self) -> None:
        """Merge the FTS5 segments into one b-tree (after a bulk load: queries then read one segment)."""
        self.db.execute("INSERT INTO search_fts (search_fts) VALUES ('optimize')")

    def count(self) -> int:
        if self.stored_version() is None:
            return 0
        return self.db.execute("SELECT count(*) FROM search_pages").fetchone()[0]

    # --- reading ------------------------------------------------------------------------------------

    def search(self, req: SearchRequest) -> SearchResult:
        started = time.perf_counter()
        query = parse_query(req.query)
        own = not self.db.in_transaction
        if own:  # one read snapshot for the generation token, the page copy, the matches and the hits
            self.db.execute("BEGIN")
        try:
            return self._search(req, query, started)
        finally:
            if own:
                self.db.execute("COMMIT")

    def _search(self, req: SearchRequest, query: Query, started: float) -> SearchResult:
        version = self.stored_version()
        if version is None:
            return SearchResult(0, [], {name: {} for name in FACETS}, elapsed_ms(started))
        if version != SCHEMA_VERSION:
            self._ensure()  # raises SchemaMismatch
        fargs: list = []
        where = filter_sql(req.filters, fargs)
        folded = folded_expression(query)
        page_columns = self.cache.get(self.db)
        blob = self.db.execute("SELECT group_concat(rowid) FROM search_fts WHERE search_fts MATCH ?",
                               (folded,)).fetchone()[0]
        ids = page_columns.select(columns.rowids(blob), req.filters)
        total = len(ids)
        facets = page_columns.facets(ids) if req.facets else {}
        if where and total:
            # FTS5 seeks to a rowid range: the ranking scan skips the matches outside the filtered ones
            where += f" AND f.rowid BETWEEN {int(ids.min())} AND {int(ids.max())}"
        if req.limit == 0 or req.offset >= total:
            scored: list[tuple[int, float]] = []
        elif req.sort == "date":
            scored = [(rowid, 0.0) for rowid in page_columns.newest_first(ids, req.limit, req.offset)]
        elif query.accented:
            scored = self._tiered(query, folded, where, fargs, req.limit, req.offset)
        else:
            scored = self._ranked(folded, where, fargs, req.limit, req.offset)
        return SearchResult(total, self._hits(scored, query, req, page_columns.generation), facets,
                            elapsed_ms(started))

    def _from(self, expr: str, where: str, fargs: list) -> tuple[str, list]:
        """FROM/WHERE over the matching pages: the FTS table alone when no filter needs the page row."""
        if where:
            return ("FROM search_fts f JOIN search_pages p ON p.id = f.rowid "
                    f"WHERE search_fts MATCH ? AND {where}", [expr, *fargs])
        return "FROM search_fts f WHERE search_fts MATCH ?", [expr]

    def _ranked(self, expr: str, where: str, fargs: list, limit: int, offset: int,
                bonus: float = 0.0) -> list[tuple[int, float]]:
        source, args = self._from(expr, where, fargs)
        sql = f"SELECT f.rowid, bm25(search_fts) AS s {source} ORDER BY s, f.rowid LIMIT ? OFFSET ?"
        return [(rowid, bonus - s) for rowid, s in self.db.execute(sql, [*args, limit, offset])]

    def _tiered(self, query: Query, folded: str, where: str, fargs: list, limit: int,
                offset: int) -> list[tuple[int, float]]:
        """Exact-diacritic matches first (ranked among themselves), then folded-only matches."""
        exact = exact_expression(query)
        first = self._ranked(exact, where, fargs, limit, offset, bonus=EXACT_TIER)
        if len(first) == limit:
            return first
        if first:
            in_first = offset + len(first)
        else:
            source, args = self._from(exact, where, fargs)
            in_first = self.db.execute(f"SELECT count(*) {source}", args).fetchone()[0]
        rest = self._ranked(f"({folded}) NOT ({exact})", where, fargs, limit - len(first), max(0, offset - in_first))
        return first + rest

    def _hits(self, scored: list[tuple[int, float]], query: Query, req: SearchRequest, generation: str) -> list[Hit]:
        if not scored:
            return []
        ids = [rowid for rowid, _ in scored]
        rows = self.db.execute(
            "SELECT d.id, d.doc_id, d.page, d.text, c.unit, c.doc_type, d.symbol, p.issued, d.subject, d.source "
            "FROM search_docs d JOIN search_pages p ON p.id = d.id JOIN search_cells c ON c.id = p.cell "
            f"WHERE d.id IN ({', '.join('?' * len(ids))})", ids).fetchall()
        by_id = {row[0]: row for row in rows}
        pattern = match_pattern(query)
        hits = []
        for rowid, score in scored:
            _, doc_id, page, blob, unit, doc_type, symbol, issued, subject, source = by_id[rowid]
            key = (rowid, pattern.pattern, req.markers, req.snippet_chars, req.html)
            snippet = self.cache.snippet(generation, key)
            if snippet is None:
                snippet = highlight(_unpack(blob), query, req.markers, req.snippet_chars, req.html, pattern)
                self.cache.keep_snippet(generation, key, snippet)
            hits.append(Hit(doc_id, page, round(score, 4), snippet, unit or None, doc_type or None, symbol,
                            date.fromisoformat(issued) if issued else None, subject, source))
        return hits
