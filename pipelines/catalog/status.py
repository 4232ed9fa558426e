"""The per-unit status table (``minhchung status``, the web's overview)."""

from __future__ import annotations

import sqlite3


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
