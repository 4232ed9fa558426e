"""Reviewers' corrections and the audit log.

A correction sets one field of one document (``doc_type``, ``issued``, ``number``, ``symbol``, ``issuer``,
``signer``, ``subject``, ``unit``) or adds/removes one indicator (field ``indicator:B.1.9``, value true or
false) or attaches/detaches it to a requirement of the plan (field ``requirement:SNV.CT10``, value true or
false; the gap engine counts an attached document as present). Corrections live in their own table, so
classifying again never overwrites them; every change is appended to the audit log with who, when, the
value before and after, and the note.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import date

from classify.doctype import TYPES
from pipelines.catalog.db import Tx, dumps, now

FIELDS = ("doc_type", "issued", "number", "symbol", "issuer", "signer", "subject", "unit")


class CorrectionError(ValueError):
    pass


@dataclass(frozen=True)
class Change:
    field: str
    value: object  # str, ISO date, or bool for indicator:<id>


def validate(change: Change, indicator_ids: set[str], requirement_ids: set[str] | None = None) -> Change:
    """``requirement_ids``: the active plan's requirement ids (needed to accept ``requirement:<id>``)."""
    if change.field.startswith("requirement:"):
        req = change.field.split(":", 1)[1]
        if requirement_ids is None or req not in requirement_ids:
            raise CorrectionError(f"unknown requirement {req!r} (not in the active plan)")
        if not isinstance(change.value, bool):
            raise CorrectionError(f"{change.field} takes true (attach) or false (detach)")
        return change
    if change.field.startswith("indicator:"):
        ind = change.field.split(":", 1)[1]
        if ind not in indicator_ids:
            raise CorrectionError(f"unknown indicator {ind!r} (not in the active index set)")
        return change
    if change.field not in FIELDS:
        raise CorrectionError(f"cannot correct {change.field!r}; fields: {', '.join(FIELDS)}")
    if change.field == "doc_type" and change.value not in TYPES:
        raise CorrectionError(f"unknown type code {change.value!r}; codes: {', '.join(TYPES)}")
    if change.field == "issued":
        try:
            date.fromisoformat(str(change.value))
        except ValueError as exc:
            raise CorrectionError(f"{change.value!r} is not a date YYYY-MM-DD") from exc
    return change


def correct(db: sqlite3.Connection, doc: str, changes: list[Change], who: str, note: str | None) -> list[dict]:
    """Store the changes (one transaction) and append them to the audit log; returns the audit entries."""
    if not db.execute("SELECT 1 FROM documents WHERE id=?", (doc,)).fetchone():
        raise CorrectionError(f"no document {doc!r} (see the ids in 'minhchung export')")
    entries = []
    at = now()
    with Tx(db):
        for change in changes:
            before = current_value(db, doc, change.field)
            db.execute("INSERT OR REPLACE INTO corrections (doc_id, field, value, who, at, note) "
                       "VALUES (?, ?, ?, ?, ?, ?)", (doc, change.field, dumps(change.value), who, at, note))
            db.execute("INSERT INTO audit (at, who, doc_id, field, before, after, note) VALUES (?, ?, ?, ?, ?, ?, ?)",
                       (at, who, doc, change.field, dumps(before), dumps(change.value), note))
            entries.append({"at": at, "who": who, "doc_id": doc, "field": change.field, "before": before,
                            "after": change.value, "note": note})
        from pipelines.services.search import index_document  # (searching reads corrections)

        index_document(db, doc)
    return entries


def current_value(db: sqlite3.Connection, doc: str, field: str) -> object:
    """What export shows now for this field (a correction if any, else the classifier's value)."""
    row = db.execute("SELECT value FROM corrections WHERE doc_id=? AND field=?", (doc, field)).fetchone()
    if row:
        return json.loads(row["value"])
    facts_row = db.execute("SELECT facts FROM documents WHERE id=?", (doc,)).fetchone()
    facts = json.loads(facts_row["facts"]) if facts_row and facts_row["facts"] else {}
    if field.startswith("indicator:"):
        return any(t["id"] == field.split(":", 1)[1] for t in facts.get("indicators") or [])
    if field.startswith("requirement:"):
        return False
    return facts.get(field)


def corrections_of(db: sqlite3.Connection, doc: str) -> list[sqlite3.Row]:
    return db.execute("SELECT * FROM corrections WHERE doc_id=? ORDER BY field", (doc,)).fetchall()


def apply(record: dict, rows: list[sqlite3.Row], period: tuple[date, date] | None) -> dict:
    """The export record with corrections applied; ``corrected`` lists the corrected fields with who/when."""
    if not rows:
        record["corrected"] = []
        return record
    marks = []
    indicators = list(record.get("indicators") or [])
    for row in rows:
        value = json.loads(row["value"])
        field = row["field"]
        if field.startswith("indicator:"):
            ind = field.split(":", 1)[1]
            indicators = [t for t in indicators if t["id"] != ind]
            if value:
                indicators.insert(0, {"id": ind, "score": 1.0, "why": [f"người rà soát {row['who']} thêm"],
                                      "corrected": True})
        elif field.startswith("requirement:"):
            pass  # listed in ``corrected`` only; the gap engine reads it from there
        else:
            record[field] = value
            if field == "doc_type":
                record["doc_type_name"] = TYPES.get(value)
                record["doc_type_confidence"] = 1.0
                record["doc_type_why"] = [f"người rà soát {row['who']} sửa"]
            if field == "issued" and period:
                record["in_period"] = period[0] <= date.fromisoformat(value) <= period[1]
        marks.append({"field": field, "value": value, "who": row["who"], "at": row["at"], "note": row["note"]})
    record["indicators"] = indicators
    record["corrected"] = marks
    return record


def audit_log(db: sqlite3.Connection, doc: str | None = None) -> list[dict]:
    rows = db.execute("SELECT * FROM audit" + (" WHERE doc_id=?" if doc else "") + " ORDER BY id",
                      (doc,) if doc else ()).fetchall()
    return [{**dict(r), "before": json.loads(r["before"]) if r["before"] else None,
             "after": json.loads(r["after"]) if r["after"] else None} for r in rows]
