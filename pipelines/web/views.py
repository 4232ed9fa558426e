"""Data for the pages and the API, built the same way for both: a search, one document with its pages
(text with hits marked, hit boxes on the page image), the gap report of the active plan."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from datetime import date, datetime

from fastapi import HTTPException
from markupsafe import Markup

from classify.doctype import TYPES
from classify.indexset import load_index_set
from classify.yamlfile import DataFileError
from pipelines.assessment import gaps
from pipelines.assessment.plan import Plan, requirements_for
from pipelines.catalog.home import Home
from pipelines.catalog.records import loads
from pipelines.services import documents as docs
from pipelines.services import review
from pipelines.services import search as searching
from pipelines.services.active import active_index_set, active_plan
from pipelines.services.gaps import build_report
from pipelines.web import images
from search.analysis import Query, QueryError, find_matches, parse_query
from search.backends import backend_name
from search.backends.sqlite import ColumnsCache
from search.model import Filters, SearchRequest, SearchResult


class InputError(ValueError):
    """Malformed input from a form or a query string (answered with 422 and this message)."""


def parse_day(value: str | None, label: str) -> date | None:
    """YYYY-MM-DD (as a date input sends it) or DD/MM/YYYY; empty is None."""
    value = (value or "").strip()
    if not value:
        return None
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    raise InputError(f"{label}: «{value[:40]}» không phải là ngày (YYYY-MM-DD hoặc DD/MM/YYYY).")


def make_filters(units: list[str], types: list[str], indicators: list[str], issued_from: date | None,
                 issued_to: date | None, in_period: bool | None) -> Filters:
    try:
        return Filters(units=tuple(u for u in units if u), doc_types=tuple(t for t in types if t),
                       indicators=tuple(i for i in indicators if i), issued_from=issued_from, issued_to=issued_to,
                       in_period=in_period)
    except ValueError as exc:
        raise InputError(f"Bộ lọc không hợp lệ: {exc}") from exc


def run_search(db: sqlite3.Connection, q: str, filters: Filters, limit: int, offset: int,
               sort: str = "relevance", cache: ColumnsCache | None = None) -> SearchResult:
    """The search with hits marked ``<mark>`` in HTML-escaped snippets; malformed queries raise InputError."""
    try:
        req = SearchRequest(q, filters, limit=limit, offset=offset, sort=sort, markers=("<mark>", "</mark>"),
                            html=True)
        return searching.search(db, req, backend_name(), cache=cache)
    except (QueryError, ValueError) as exc:
        raise InputError(f"Câu tìm kiếm không hợp lệ: {exc}") from exc


def query_or_none(q: str | None) -> Query | None:
    try:
        return parse_query(q) if q and q.strip() else None
    except QueryError:
        return None


@dataclass
class PageView:
    page: int  # inside the document, 1-based
    file_page: int
    method: str
    confidence: float | None
    text: str
    text_html: Markup
    hits: int
    image_width: int
    image_height: int
    boxes: list[images.Box] = field(default_factory=list)
    error: str | None = None


def page_view(home: Home, doc: docs.DocFile, row: sqlite3.Row, query: Query | None,
              original: tuple[int, int] | None = None) -> PageView:
    """One page for display; ``original`` is its raster size when the caller already knows it."""
    text = row["text"] or ""
    original = original or images.raster_size(home.blob_path(doc.sha256), doc.kind, row["n"], doc.dpi)
    size = images.display_size(original)
    words = loads(row["words"], [])
    boxes = images.word_boxes(words, loads(row["matrix"], None), original, query) if query else []
    hits = len(find_matches(text, query)) if query else 0
    return PageView(row["n"] - doc.first_page + 1, row["n"], row["method"], row["confidence"], text,
                    images.marked_text(text, query), hits, size[0], size[1], boxes, row["error"])


def document_or_404(db: sqlite3.Connection, doc_id: str) -> docs.DocFile:
    doc = docs.doc_file(db, doc_id)
    if doc is None:
        raise HTTPException(404, f"Không có văn bản mã «{doc_id[:80]}».")
    return doc


def plan_or_503(db: sqlite3.Connection) -> Plan:
    try:
        return active_plan(db)
    except DataFileError as exc:
        raise HTTPException(503, f"Kế hoạch đánh giá của kho dữ liệu không đọc được: {exc}") from exc


def review_options(db: sqlite3.Connection, record: dict) -> dict:
    """What the correction form offers: types, indicators, the requirements of the document's unit."""
    index_set = active_index_set(db)
    plan = plan_or_503(db)
    unit = plan.unit_for(record.get("unit"))
    reqs = requirements_for(plan, unit, load_index_set(plan.index_set)) if unit else []
    return {"types": TYPES, "indicators": [(i.id, i.name) for i in index_set.indicators()],
            "requirements": [(r.id, r.name) for r in reqs],
            "attached": [m["field"].split(":", 1)[1] for m in attached(record)]}


def attached(record: dict) -> list[dict]:
    """The corrections that attach the document to a requirement by hand."""
    return [m for m in record.get("corrected") or [] if m["field"].startswith("requirement:") and m["value"]]


def document_view(db: sqlite3.Connection, home: Home, doc_id: str, q: str | None) -> dict:
    doc = document_or_404(db, doc_id)
    record = docs.document_record(db, doc.id).to_export()
    query = query_or_none(q)
    rows = docs.page_rows(db, doc)
    sizes = images.raster_sizes(home.blob_path(doc.sha256), doc.kind, [row["n"] for row in rows], doc.dpi)
    pages = [page_view(home, doc, row, query, size) for row, size in zip(rows, sizes, strict=True)]
    names = docs.indicator_names(active_index_set(db))
    return {"doc": doc, "record": record, "pages": pages, "indicator_names": names, "q": q or "",
            "audit": review.audit_log(db, doc.id), "query_ok": query is not None or not q,
            "attached": attached(record)}


def gap_report(db: sqlite3.Connection) -> gaps.GapReport:
    return build_report(db, plan_or_503(db))


