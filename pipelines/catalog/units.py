"""The clerk's unit list of a plan (``plan_units``), as plain rows: (name, kind, aliases)."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable

from pipelines.catalog import settings
from pipelines.catalog.db import Tx

CHANGED = "units_changed"  # a settings counter moved by every replace: readers that keep a unit list compare it

UnitRow = tuple[str, str, tuple[str, ...]]


def replace_units(db: sqlite3.Connection, plan_id: str, units: Iterable[UnitRow]) -> None:
    """Replace the plan's stored list in one transaction (an empty list removes it) and move the change
    counter."""
    with Tx(db):
        settings.put(db, CHANGED, str(int(settings.get(db, CHANGED) or 0) + 1))
        db.execute("DELETE FROM plan_units WHERE plan_id=?", (plan_id,))
        db.executemany("INSERT INTO plan_units (plan_id, name, kind, aliases) VALUES (?, ?, ?, ?)",
                       [(plan_id, name, kind, json.dumps(list(aliases), ensure_ascii=False))
                        for name, kind, aliases in units])


def units_of(db: sqlite3.Connection, plan_id: str) -> list[UnitRow]:
    """The stored list in the order saved ([] when there is none)."""
    rows = db.execute("SELECT name, kind, aliases FROM plan_units WHERE plan_id=? ORDER BY rowid",
                      (plan_id,)).fetchall()
    return [(r[0], r[1], tuple(json.loads(r[2]))) for r in rows]
