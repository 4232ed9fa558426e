"""Read models over the catalog: the status table and the JSONL export (DESIGN.md §3)."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from datetime import date

from pipelines.services import review as corrections

# Facts that the classification stage fills; null until then (DESIGN.md §3). After the contract's
# fields: authority ("KT. Chủ tịch"), issuer_kind (SO, HUYEN, …), party (Party document scheme), and
# attachments issued with the document ([{"type", "title", "source_pages"}]).
FACT_FIELDS = ("doc_type", "doc_type_name", "doc_type_confidence", "doc_type_why", "number", "symbol",
               "issued", "place", "issuer", "parent_issuer", "subject", "signer", "signer_title",
               "recipients", "indicators", "in_period", "authority", "issuer_kind", "party", "attachments")


def first_source(db: sqlite3.Connection, sha256: str) -> sqlite3.Row | None:
    """The first place this content was received from (its unit and received date count)."""
    return db.execute("SELECT source, unit, received FROM sources WHERE sha256=? AND duplicate_of IS NULL "
                      "ORDER BY id LIMIT 1", (sha256,)).fetchone()


def unit_status(db: sqlite3.Connection) -> list[dict]:
    """One row per unit; pages and documents are counted once per file, then summed per unit."""
    rows = db.execute("""
        WITH first AS (SELECT sha256, MIN(id) AS id FROM sources WHERE sha256 IS NOT NULL GROUP BY sha256),
        unit_of AS (SELECT f.sha256, COALESCE(s.unit, '(no unit)') AS unit
                    FROM first f JOIN sources s ON s.id = f.id),
        page_stats AS (SELECT sha256, COUNT(*) AS pages,
                              SUM(method='ocr' AND status='done') AS ocr_pages,
                              SUM(method='text') AS text_pages,
                              SUM(status='pending') AS pending_pages,
                              SUM(CASE WHEN method='ocr' AND status='done' THEN confidence END) AS confidence_sum
                       FROM pages GROUP BY sha256),
        doc_stats AS (SELECT sha256, COUNT(*) AS documents FROM documents GROUP BY sha256)
        SELECT u.unit,
               COALESCE(SUM(CASE WHEN fl.status='done' THEN d.documents END), 0) AS documents,
               SUM(fl.status IN ('done', 'pending')) AS files,
               COALESCE(SUM(p.pages), 0) AS pages,
               COALESCE(SUM(p.ocr_pages), 0) AS ocr_pages,
               COALESCE(SUM(p.text_pages), 0) AS text_pages,
               COALESCE(SUM(p.pending_pages), 0) AS pending_pages,
               ROUND(SUM(p.confidence_sum) / NULLIF(SUM(p.ocr_pages), 0), 1) AS mean_confidence,
               SUM(fl.status='quarantined') AS quarantined
        FROM unit_of u JOIN files fl USING (sha256)
        LEFT JOIN page_stats p USING (sha256) LEFT JOIN doc_stats d USING (sha256)
        WHERE fl.status != 'archive'
        GROUP BY u.unit ORDER BY u.unit""").fetchall()
    result = [dict(r) for r in rows]
    refused = db.execute("SELECT COALESCE(unit, '(no unit)') AS unit, COUNT(*) AS n FROM sources "
                         "WHERE sha256 IS NULL GROUP BY 1").fetchall()
    by_unit = {r["unit"]: r for r in result}
    for r in refused:
        row = by_unit.setdefault(r["unit"], {"unit": r["unit"], "documents": 0, "files": 0, "pages": 0,
                                             "ocr_pages": 0, "text_pages": 0, "pending_pages": 0,
                                             "mean_confidence": None, "quarantined": 0})
        row["quarantined"] += r["n"]
    return sorted(by_unit.values(), key=lambda r: r["unit"])


def quarantine(db: sqlite3.Connection, batch: bool = False) -> list[dict]:
    """Quarantined files and refused zip entries with their reasons.

    ``batch``: only sources in the ingest batch's TEMP table ``batch`` (every source given, also one whose
    content was already known bad); otherwise each bad content once, under its first source.
    """
    rows = db.execute(f"""
        SELECT s.source, s.sha256, s.unit, COALESCE(f.error, s.error) AS error FROM sources s
        {"JOIN batch b ON b.location = s.location" if batch else ""}
        LEFT JOIN files f ON f.sha256 = s.sha256
        WHERE (s.sha256 IS NULL AND s.error IS NOT NULL)
           OR (f.status='quarantined' AND {"1" if batch else "s.duplicate_of IS NULL"})
        ORDER BY s.source""").fetchall()
    return [dict(r) for r in rows]


def documents(db: sqlite3.Connection, period: tuple[date, date] | None = None, texts: bool = True,
              sha256: str | None = None, doc_id: str | None = None) -> Iterator[dict]:
    """One record per logical document (DESIGN.md §3), then one per quarantined file. Reviewers'
    corrections are applied and listed in ``corrected``; ``period`` decides ``in_period`` of a corrected
    date. ``texts=False`` leaves the page texts out (reports that need only the facts). With ``sha256`` or
    ``doc_id``: only that file's or that document's records, and no quarantined files."""
    where, args = "f.status='done'", []
    if sha256:
        where, args = where + " AND d.sha256=?", [sha256]
    if doc_id:
        where, args = where + " AND d.id=?", [*args, doc_id]
    for doc in db.execute(f"SELECT d.*, f.kind FROM documents d JOIN files f USING (sha256) WHERE {where} "
                          "ORDER BY f.added, d.sha256, d.first_page", args).fetchall():
        src = first_source(db, doc["sha256"])
        pages = db.execute(f"SELECT n, method, confidence{', text' if texts else ''} FROM pages "
                           "WHERE sha256=? AND n BETWEEN ? AND ? ORDER BY n",
                           (doc["sha256"], doc["first_page"], doc["last_page"])).fetchall()
        facts = json.loads(doc["facts"]) if doc["facts"] else {}
        record = {
            "id": doc["id"], "sha256": doc["sha256"], "source": src["source"] if src else None,
            "source_pages": [doc["first_page"], doc["last_page"]],
            "unit": src["unit"] if src else None, "received": src["received"] if src else None,
            "status": "done", "error": None,
            "pages": [{"n": p["n"], "method": p["method"], "confidence": p["confidence"],
                       **({"text": p["text"]} if texts else {})} for p in pages],
        }
        record.update({k: facts.get(k) for k in FACT_FIELDS})
        yield corrections.apply(record, corrections.corrections_of(db, doc["id"]), period)
    if sha256 or doc_id:
        return
    for q in quarantine(db):
        yield {"source": q["source"], "sha256": q["sha256"], "unit": q["unit"], "status": "quarantined",
               "error": q["error"]}
