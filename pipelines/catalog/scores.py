"""Reviewers' overrides of provisional scores (``score_overrides``) and their audit entries.

One row per plan × unit × indicator (the latest override wins). Every change, a removal too, is appended to the
same ``audit`` table as the corrections of documents (:func:`pipelines.catalog.documents.write_correction`), with
``doc_id`` = ``score:<plan>:<unit>`` and ``field`` = ``score:<indicator>``, so ``minhchung audit`` lists them.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from pipelines.catalog.db import dumps

AUDIT_PREFIX = "score:"


@dataclass(frozen=True)
class Override:
    """A reviewer's score for one unit and indicator: the points, the score the engine gave when it was set,
    who, when (ISO, UTC) and why."""

    points: float
    original: float | None
    who: str
    at: str
    note: str


def audit_key(plan_id: str, unit: str) -> str:
    """The audit log's ``doc_id`` of a unit's score overrides."""
    return f"{AUDIT_PREFIX}{plan_id}:{unit}"


def overrides(db: sqlite3.Connection, plan_id: str) -> dict[tuple[str, str], Override]:
    """Every override of the plan, by (unit name, indicator id)."""
    rows = db.execute("SELECT unit, indicator, points, original, who, at, note FROM score_overrides "
                      "WHERE plan_id=? ORDER BY unit, indicator", (plan_id,)).fetchall()
    return {(r["unit"], r["indicator"]): Override(r["points"], r["original"], r["who"], r["at"], r["note"])
            for r in rows}


def write_override(db: sqlite3.Connection, plan_id: str, unit: str, indicator: str, points: float | None,
                   original: float | None, before: float | None, who: str, at: str, note: str) -> None:
    """Set (``points``) or remove (``points`` None) one override and append the audit entry (``before``: the
    score shown until now); call inside a transaction."""
    if points is None:
        db.execute("DELETE FROM score_overrides WHERE plan_id=? AND unit=? AND indicator=?", (plan_id, unit, indicator))
    else:
        db.execute("INSERT OR REPLACE INTO score_overrides (plan_id, unit, indicator, points, original, who, at, note) "
                   "VALUES (?, ?, ?, ?, ?, ?, ?, ?)", (plan_id, unit, indicator, points, original, who, at, note))
    db.execute("INSERT INTO audit (at, who, doc_id, field, before, after, note) VALUES (?, ?, ?, ?, ?, ?, ?)",
               (at, who, audit_key(plan_id, unit), f"{AUDIT_PREFIX}{indicator}", dumps(before), dumps(points), note))
