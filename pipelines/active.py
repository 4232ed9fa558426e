"""The index set (and so the assessment period) this catalog classifies with: remembered in its meta table.

Kept apart from :mod:`pipelines.classifying` so that the search index, the reports and the web app can ask
for the period without importing the classification stage (which itself writes the search index).
"""

from __future__ import annotations

import sqlite3
from datetime import date

from classify.indexset import IndexSet, load_index_set
from pipelines.catalog import Tx

DEFAULT_INDEX_SET = "paca-2024"


def active_index_set(db: sqlite3.Connection, ref: str | None = None) -> IndexSet:
    """The index set named by ``ref`` (and remembered in the catalog), else the catalog's, else the default."""
    if ref:
        index_set = load_index_set(ref)
        with Tx(db):
            db.execute("INSERT OR REPLACE INTO meta VALUES ('index_set', ?)", (ref,))
        return index_set
    row = db.execute("SELECT value FROM meta WHERE key='index_set'").fetchone()
    return load_index_set(row["value"] if row else DEFAULT_INDEX_SET)


def active_period(db: sqlite3.Connection) -> tuple[date, date]:
    """The assessment period of the active index set (decides ``in_period`` of a corrected issue date)."""
    index_set = active_index_set(db)
    return index_set.period_from, index_set.period_to
