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
from pipelines.i18n import CODE, DEFAULT_LANG, Msg, as_msg, stored_message, template, translate
from pipelines.services import documents as docs
from pipelines.services import review
from pipelines.services import search as searching
from pipelines.services.active import active_index_set, active_plan
from pipelines.services.gaps import build_report
from pipelines.web import images
from search.analysis import Query, QueryError, parse_query
from search.backends import backend_name
from search.backends.columns import ColumnsCache
from search.model import Filters, SearchRequest, SearchResult
from search.snippets import find_matches


class InputError(ValueError):
    """Malformed input from a form or a query string, answered with 422 and its message in the request's
    language (:mod:`pipelines.web.errors`).

    ``InputError(code, **params)`` with a message code; or ``InputError(text)``, a route's own sentence (code
    ``input.invalid``), which takes the code of the coded error it is raised from
    (``raise InputError(str(exc)) from exc``). ``str()`` is the message in Vietnamese, the default language,
    as a page shows it."""

    def __init__(self, code_or_text: str, **params: object) -> None:
        super().__init__(code_or_text)
        if CODE.fullmatch(code_or_text) and template(code_or_text, "en") is not None:
            self._msg = Msg(code_or_text, params)
        else:
            self._msg = Msg("input.invalid", {"detail": code_or_text})

    def msg(self) -> Msg:
        cause = as_msg(self.__cause__) if self.__cause__ is not None else None
        return cause if self._msg.code == "input.invalid" and cause else self._msg

    @property
    def code(self) -> str:
        return self.msg().code

    @property
    def params(self) -> dict[str, object]:
        return dict(self.msg().params)

    def message(self, lang: str = DEFAULT_LANG) -> str:
        return self.msg().text(lang)

    def __str__(self) -> str:
        return self.message(DEFAULT_LANG)


class CodedHTTPException(HTTPException):
    """An HTTP error with a message code: ``detail`` is the Vietnamese text; the error handlers answer in the
    request's language with ``code``."""

    def __init__(self, status_code: int, code: str, **params: object) -> None:
        super().__init__(status_code, translate(code, DEFAULT_LANG, **params))
        self.code = code
        self.params = params


# The labels routes give parse_day (in Vietnamese, or as a code): the message names the field in the
# request's language.
DATE_LABELS = {"Từ ngày": "label.date_from", "Đến ngày": "label.date_to", "Ngày nhận": "label.received",
               "Ngày ban hành": "label.issued"}


def parse_day(value: str | None, label: str) -> date | None:
    """YYYY-MM-DD (as a date input sends it) or DD/MM/YYYY; empty is None; else :class:`InputError`
    ``date.invalid`` naming the field (``label``: a code such as ``label.date_from`` or its Vietnamese text)."""
    value = (value or "").strip()
    if not value:
        return None
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    code = DATE_LABELS.get(label, label)
    name: object = Msg(code) if CODE.fullmatch(code) and template(code, "en") is not None else label
    raise InputError("date.invalid", label=name, value=value[:40])


def make_filters(units: list[str], types: list[str], indicators: list[str], issued_from: date | None,
                 issued_to: date | None, in_period: bool | None) -> Filters:
    try:
        return Filters(units=tuple(u for u in units if u), doc_types=tuple(t for t in types if t),
                       indicators=tuple(i for i in indicators if i), issued_from=issued_from, issued_to=issued_to,
                       in_period=in_period)
    except ValueError as exc:
        raise InputError("filter.invalid", detail=exc) from exc


def run_search(db: sqlite3.Connection, q: str, filters: Filters, limit: int, offset: int,
               sort: str = "relevance", cache: ColumnsCache | None = None,
               snippet_docs: int | None = None, reader_marks: bool = False) -> SearchResult:
    """The search with hits marked ``<mark>`` in HTML-escaped snippets (with ``snippet_docs``: only on the best
    page of the first N documents; with ``reader_marks``: what a reader looks for, :mod:`search.marking`); a
    malformed query raises InputError with the query's own code (``query.unbalanced_quote`` …), another bad
    request ``search.invalid``."""
    try:
        req = SearchRequest(q, filters, limit=limit, offset=offset, sort=sort, markers=("<mark>", "</mark>"),
                            html=True, snippet_docs=snippet_docs, reader_marks=reader_marks)
        return searching.search(db, req, backend_name(), cache=cache)
    except QueryError as exc:
        raise InputError(exc.code, **exc.params) from exc
    except ValueError as exc:
        raise InputError("search.invalid", detail=exc) from exc


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
    file: str | None = None  # the page's file name, for a document sent as several files


def page_view(home: Home, doc: docs.DocFile, row: sqlite3.Row, query: Query | None,
              original: tuple[int, int] | None = None, lang: str = DEFAULT_LANG) -> PageView:
    """One page for display (its error in ``lang``); ``original`` is its raster size when the caller already
    knows it. The page may be in any part of the document (its row names its file)."""
    text = row["text"] or ""
    part = doc.part_of(row["sha256"])
    original = original or images.raster_size(home.blob_path(part.sha256), part.kind, row["n"], part.dpi)
    size = images.display_size(original)
    words = loads(row["words"], [])
    boxes = images.word_boxes(words, loads(row["matrix"], None), original, query) if query else []
    hits = len(find_matches(text, query)) if query else 0
    source = doc.sources[doc.parts.index(part)] if len(doc.parts) > 1 else None
    return PageView(doc.page_number(row["sha256"], row["n"]), row["n"], row["method"], row["confidence"], text,
                    images.marked_text(text, query), hits, size[0], size[1], boxes,
                    stored_message(row["error_code"], row["error"], lang), source and source.rsplit("/", 1)[-1])


def document_or_404(db: sqlite3.Connection, doc_id: str) -> docs.DocFile:
    doc = docs.doc_file(db, doc_id)
    if doc is None:
        raise CodedHTTPException(404, "document.not_found", id=doc_id[:80])
    return doc


def plan_or_503(db: sqlite3.Connection) -> Plan:
    try:
        return active_plan(db)
    except DataFileError as exc:
        raise CodedHTTPException(503, "plan.unreadable", detail=exc) from exc


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


def document_view(db: sqlite3.Connection, home: Home, doc_id: str, q: str | None, lang: str = DEFAULT_LANG) -> dict:
    doc = document_or_404(db, doc_id)
    record = docs.document_record(db, doc.id).to_export()
    query = query_or_none(q)
    rows = docs.page_rows(db, doc)
    sizes = [size for part in doc.parts for size in images.raster_sizes(
        home.blob_path(part.sha256), part.kind, [r["n"] for r in rows if r["sha256"] == part.sha256], part.dpi)]
    pages = [page_view(home, doc, row, query, size, lang) for row, size in zip(rows, sizes, strict=True)]
    names = docs.indicator_names(active_index_set(db))
    return {"doc": doc, "record": record, "pages": pages, "indicator_names": names, "q": q or "",
            "audit": review.audit_log(db, doc.id), "query_ok": query is not None or not q,
            "attached": attached(record)}


def gap_report(db: sqlite3.Connection) -> gaps.GapReport:
    return build_report(db, plan_or_503(db))


