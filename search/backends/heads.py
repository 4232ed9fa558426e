"""The SQLite backend's document headings: the tables behind the symbol and heading tiers
(:mod:`search.ranking`), and the ordering of the pages they lift.

* ``search_heads`` — one row per indexed document: ``doc_id``, its heading text and its symbol key
  (indexed). ``search_pages.doc`` points at it.
* ``search_head_fts`` — a contentless FTS5 table over the headings (``exact``, ``folded``, as for pages).
  Unlike the page table it keeps its column sizes: BM25 with length normalisation ranks a heading that is
  little more than the query above a long one that contains it.

The heading table is small (a few dozen tokens per document, its own doclists), so matching a query
against every heading costs far less than matching the pages, and when the lifted pages fill the requested
slice, the body ranking (BM25 over every matching page, the costly part) is not run at all.
"""

from __future__ import annotations

import sqlite3

import numpy as np

from search.analysis import Query, index_forms
from search.backends.columns import PageColumns
from search.backends.fts5 import exact_expression, folded_expression
from search.model import PageRecord
from search.ranking import SYMBOL_TIER, TITLE_TIER, heading, query_symbol_key, symbol_key

TABLES = ("search_heads", "search_head_fts")
SCHEMA = """
CREATE TABLE search_heads (id INTEGER PRIMARY KEY, doc_id TEXT NOT NULL UNIQUE, heading TEXT NOT NULL,
                           symkey TEXT NOT NULL);
CREATE INDEX search_heads_symkey ON search_heads (symkey);
CREATE INDEX search_pages_doc ON search_pages (doc);
CREATE VIRTUAL TABLE search_head_fts USING fts5(exact, folded, content='', tokenize='unicode61 remove_diacritics 0')
"""


def head_id(db: sqlite3.Connection, page: PageRecord, seen: dict[str, int]) -> int:
    """The heading row of the page's document, created or brought up to date (once per document per
    ``seen``, the write batch's memory)."""
    if page.doc_id in seen:
        return seen[page.doc_id]
    text, key = heading(page), symbol_key(page.symbol)
    row = db.execute("SELECT id, heading, symkey FROM search_heads WHERE doc_id = ?", (page.doc_id,)).fetchone()
    if row is None:
        rowid = db.execute("INSERT INTO search_heads (doc_id, heading, symkey) VALUES (?, ?, ?)",
                           (page.doc_id, text, key)).lastrowid
        db.execute("INSERT INTO search_head_fts (rowid, exact, folded) VALUES (?, ?, ?)", (rowid, *index_forms(text)))
    else:
        rowid = row[0]
        if (row[1], row[2]) != (text, key):  # the document's facts changed (a correction, a new classification)
            _unindex(db, rowid, row[1])
            db.execute("UPDATE search_heads SET heading = ?, symkey = ? WHERE id = ?", (text, key, rowid))
            db.execute("INSERT INTO search_head_fts (rowid, exact, folded) VALUES (?, ?, ?)",
                       (rowid, *index_forms(text)))
    seen[page.doc_id] = rowid
    return rowid


def _unindex(db: sqlite3.Connection, rowid: int, text: str) -> None:
    db.execute("INSERT INTO search_head_fts (search_head_fts, rowid, exact, folded) VALUES ('delete', ?, ?, ?)",
               (rowid, *index_forms(text)))


def drop_orphans(db: sqlite3.Connection, heads: set[int]) -> None:
    """Remove the headings among ``heads`` that no page points at any more (after pages were deleted)."""
    for rowid in heads:
        if db.execute("SELECT 1 FROM search_pages WHERE doc = ? LIMIT 1", (rowid,)).fetchone():
            continue
        row = db.execute("SELECT heading FROM search_heads WHERE id = ?", (rowid,)).fetchone()
        if row is not None:
            _unindex(db, rowid, row[0])
            db.execute("DELETE FROM search_heads WHERE id = ?", (rowid,))


def lifted(db: sqlite3.Connection, query: Query, ids: np.ndarray, pages: PageColumns) -> tuple[np.ndarray, np.ndarray]:
    """The matching pages (``ids``, already filtered) of documents in the symbol or heading tier, in their
    order, and their scores.

    Order: symbol tier, then heading tier; inside a tier every document's first matching page before any
    document's second one (a result page shows documents, not one document's eight pages), and among
    those the best heading (BM25) first; then document and page order.
    """
    expr = exact_expression(query) if query.accented else folded_expression(query)
    rows = db.execute("SELECT rowid, bm25(search_head_fts) FROM search_head_fts WHERE search_head_fts MATCH ?",
                      (expr,)).fetchall()
    heads = np.array([r[0] for r in rows], dtype=np.int64)
    bonus = TITLE_TIER - np.array([r[1] for r in rows], dtype=np.float64)
    key = query_symbol_key(query)
    if key:
        symbol = np.array([r[0] for r in db.execute("SELECT id FROM search_heads WHERE symkey = ?", (key,))],
                          dtype=np.int64)
        heads = np.concatenate([symbol, heads])
        bonus = np.concatenate([np.full(len(symbol), SYMBOL_TIER), bonus])
    if not len(heads) or not len(ids):
        return np.zeros(0, dtype=np.int64), np.zeros(0)
    heads, first = np.unique(heads, return_index=True)  # a symbol match (listed first) wins over its heading
    bonus = bonus[first]
    doc = pages.doc[ids]
    where = np.searchsorted(heads, doc)
    where[where >= len(heads)] = 0
    hit = heads[where] == doc
    picked, doc, score = ids[hit], doc[hit], bonus[where[hit]]
    by_doc = np.lexsort((picked, doc))  # the rank of each page among its document's matching pages
    starts = np.r_[0, np.flatnonzero(np.diff(doc[by_doc])) + 1]
    rank = np.empty(len(picked), dtype=np.int64)
    rank[by_doc] = np.arange(len(picked)) - np.repeat(starts, np.diff(np.r_[starts, len(picked)]))
    order = np.lexsort((picked, doc, -score, rank, score < SYMBOL_TIER))
    return picked[order], score[order]
