"""The default backend: SQLite FTS5 tables inside the catalog's own connection.

Layout (every table is prefixed ``search_``; nothing else in the database is touched):

* ``search_fts`` — a *contentless* FTS5 table with two columns: ``exact`` (NFC lowercase tokens) and
  ``folded`` (the same tokens without marks, đ→d). Contentless because the text is stored once, in
  ``search_docs``; FTS5 keeps only the inverted index. ``unicode61 remove_diacritics 0``: the folding is
  ours (FTS5 does not fold đ); the tokenizer only splits on the spaces between our tokens.
* ``search_pages`` — a narrow row per page (rowid = the FTS rowid): facet cell, issue date, in-period
  flag, method, confidence, heading row (``search_heads``, :mod:`search.backends.heads`).
* ``search_cells`` — one row per distinct (unit, doc type, indicator set): counting matches per cell,
  then summing cells per unit, type and indicator, gives all three facets.
* ``search_docs`` — the wide row (ids, symbol, source, subject), read for the hits; its text made one line
  (``squash``) and its ``aligned_fold`` (for the snippets: 20 µs a page, not 150), both zlib-compressed.
* ``search_meta`` — ``schema_version`` (another stored value makes :meth:`needs_rebuild` true) and
  ``generation``, a random token replaced by every write: it tells a :class:`ColumnsCache` when its
  in-memory copy of the page table (:mod:`search.backends.columns`) is stale.

Searching lists the matching rowids once (``group_concat``: FTS5 alone, no join), then filters, counts,
facets and (for ``sort="date"``) orders them in numpy over that copy; FTS5's BM25 ranks the requested
slice. At 100,000 pages this took the facet pass for a 67,000-match query from 88 ms to about 13 ms.

Ranking: first the pages of documents whose symbol is the query or whose heading matches it
(:mod:`search.ranking`, tables and order in :mod:`search.backends.heads`), then the others by FTS5's BM25
on the folded column. The table is built with ``columnsize=0``: no per-page token counts, so BM25 runs
without length normalisation, half the cost per match (24 → 11.5 ms on 20,000 matches), which costs little
where every row is a page of similar length. For a query with diacritics the pages that also match it on
the exact column come first (+``EXACT_TIER``), ranked by BM25 on that column: "bán" never outranks "bàn"
for "bàn", and OCR slips ("tham những") come after the pages spelled as typed.

The backend only runs statements on the connection it is given — never BEGIN, COMMIT or ROLLBACK —
so the caller updates the catalog and the index in one transaction (with Python's default isolation
level the first INSERT or DELETE here opens it implicitly; committing is the caller's job). Searching
runs SELECTs only; when the caller has no transaction open it runs them in one read transaction of its
own (BEGIN … COMMIT): a commit landing mid-search cannot pair one generation's page copy with another's matches.
"""

from __future__ import annotations

import sqlite3
import time
import uuid
import zlib
from collections.abc import Iterable
from datetime import date

from ingest.text import squash
from search.analysis import Query, index_forms, parse_query
from search.backends import columns, heads
from search.backends.columns import ColumnsCache, PageColumns
from search.backends.fts5 import cell_indicators, exact_expression, filter_sql, folded_expression
from search.marking import snippet_marks
from search.model import EXACT_TIER, FACETS, Hit, PageRecord, SearchRequest, SearchResult, elapsed_ms
from search.snippets import aligned_fold, highlight, matcher

# Bump when the tables, the tokenizer or search.analysis change what is stored: needs_rebuild() follows.
SCHEMA_VERSION = 5  # 4: document headings (search/backends/heads.py); 5: the folded text for snippets
TABLES = ("search_fts", "search_pages", "search_cells", "search_cell_indicators", "search_docs", "search_meta",
          *heads.TABLES)

_SCHEMA = f"""
CREATE TABLE search_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE search_cells (
    id INTEGER PRIMARY KEY, unit TEXT NOT NULL, doc_type TEXT NOT NULL, indicators TEXT NOT NULL,
    UNIQUE (unit, doc_type, indicators));
CREATE TABLE search_cell_indicators (
    cell INTEGER NOT NULL, indicator TEXT NOT NULL, PRIMARY KEY (cell, indicator)) WITHOUT ROWID;
CREATE TABLE search_pages (
    id INTEGER PRIMARY KEY, cell INTEGER NOT NULL, issued TEXT, in_period INTEGER, method TEXT, confidence REAL,
    doc INTEGER NOT NULL);
CREATE TABLE search_docs (
    id INTEGER PRIMARY KEY, doc_id TEXT NOT NULL, sha256 TEXT NOT NULL, page INTEGER NOT NULL,
    symbol TEXT, source TEXT, subject TEXT, text BLOB NOT NULL, folded BLOB NOT NULL);
CREATE UNIQUE INDEX search_docs_key ON search_docs (doc_id, page);
CREATE INDEX search_docs_sha256 ON search_docs (sha256);
CREATE VIRTUAL TABLE search_fts USING fts5(exact, folded, content='', columnsize=0,
                                           tokenize='unicode61 remove_diacritics 0');
INSERT INTO search_meta (key, value) VALUES ('schema_version', '{SCHEMA_VERSION}');
{heads.SCHEMA}"""
_NEW_GENERATION = "INSERT OR REPLACE INTO search_meta (key, value) VALUES ('generation', ?)"
_HIT_ROWS = ("SELECT d.id, d.doc_id, d.page, d.text, d.folded, c.unit, c.doc_type, d.symbol, p.issued, d.subject, "
             "d.source FROM search_docs d JOIN search_pages p ON p.id = d.id JOIN search_cells c ON c.id = p.cell "
             "WHERE d.id IN ({})")


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
        seen: dict[str, int] = {}
        written = 0
        for page in pages:
            self._write(page, cells, seen)
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

    def _write(self, page: PageRecord, cells: dict[tuple[str, str, str], int], seen: dict[str, int]) -> None:
        db = self.db
        key = (page.doc_id, page.page)
        row = db.execute("SELECT id FROM search_docs WHERE doc_id = ? AND page = ?", key).fetchone()
        if row:
            self._delete_ids([row[0]])
        exact, folded = index_forms(page.text)
        line = squash(page.text)  # (the same tokens: deleting the page later indexes this text again)
        rowid = db.execute("INSERT INTO search_docs (doc_id, sha256, page, symbol, source, subject, text, folded) "
                           "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                           (page.doc_id, page.sha256, page.page, page.symbol, page.source, page.subject, _pack(line),
                            _pack(aligned_fold(line)))).lastrowid
        db.execute("INSERT INTO search_pages (id, cell, issued, in_period, method, confidence, doc) "
                   "VALUES (?, ?, ?, ?, ?, ?, ?)",
                   (rowid, self._cell(page, cells), page.issued.isoformat() if page.issued else None,
                    None if page.in_period is None else int(page.in_period), page.method, page.confidence,
                    heads.head_id(db, page, seen)))
        db.execute("INSERT INTO search_fts (rowid, exact, folded) VALUES (?, ?, ?)", (rowid, exact, folded))

    def _delete_ids(self, ids: list[int]) -> None:
        db = self.db
        docs = {r[0] for r in db.execute(f"SELECT doc FROM search_pages WHERE id IN ({', '.join('?' * len(ids))})",
                                         ids)} if ids else set()
        for rowid in ids:
            (blob,) = db.execute("SELECT text FROM search_docs WHERE id = ?", (rowid,)).fetchone()
            exact, folded = index_forms(_unpack(blob))  # a contentless table must be told what it indexed
            db.execute("INSERT INTO search_fts (search_fts, rowid, exact, folded) VALUES ('delete', ?, ?, ?)",
                       (rowid, exact, folded))
            db.execute("DELETE FROM search_pages WHERE id = ?", (rowid,))
            db.execute("DELETE FROM search_docs WHERE id = ?", (rowid,))
        heads.drop_orphans(db, docs)

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
        else:
            scored = self._relevance(query, folded, ids, page_columns, where, fargs, req.limit, req.offset)
        return SearchResult(total, self._hits(scored, query, req, page_columns.generation), facets,
                            elapsed_ms(started))

    def _relevance(self, query: Query, folded: str, ids, page_columns: PageColumns, where: str, fargs: list,
                   limit: int, offset: int) -> list[tuple[int, float]]:
        """The pages lifted by the symbol and heading tiers first, then the body ranking of the others."""
        top, bonus = heads.lifted(self.db, query, ids, page_columns)
        scored = [(int(r), float(s)) for r, s in zip(top[offset:offset + limit], bonus[offset:offset + limit],
                                                      strict=True)]
        want = limit - len(scored)
        if want <= 0:
            return scored
        skip = max(0, offset - len(top))  # into the body ranking, once the lifted pages are taken out of it
        lifted = set(top.tolist())
        at, size = (0, skip + want + len(lifted)) if lifted else (skip, want)
        body = (self._tiered(query, folded, where, fargs, size, at) if query.accented
                else self._ranked(folded, where, fargs, size, at))
        return scored + ([hit for hit in body if hit[0] not in lifted][skip:skip + want] if lifted else body)

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
        by_id = {row[0]: row for row in self.db.execute(_HIT_ROWS.format(", ".join("?" * len(ids))), ids)}
        terms, (marks, marks_key) = matcher(query), snippet_marks(query, req.reader_marks)
        rows = [by_id[rowid] for rowid, _ in scored]
        hits = []
        for (rowid, score), row, wanted in zip(scored, rows, req.snippet_mask([r[1] for r in rows]), strict=True):
            _, doc_id, page, blob, folded, unit, doc_type, symbol, issued, subject, source = row
            key = (rowid, terms.key, req.markers, req.snippet_chars, req.html, marks_key)
            snippet = self.cache.snippet(generation, key) if wanted else ""
            if snippet is None:
                snippet = highlight(_unpack(blob), query, req.markers, req.snippet_chars, req.html, terms,
                                    _unpack(folded), marks)
                self.cache.keep_snippet(generation, key, snippet)
            hits.append(Hit(doc_id, page, round(score, 4), snippet, unit or None, doc_type or None, symbol,
                            date.fromisoformat(issued) if issued else None, subject, source))
        return hits
