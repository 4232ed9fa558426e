"""Search: the search page (one box, filters, facets, results grouped by document, pagination) and
``GET /api/search`` (page-level hits, unchanged).

The page keeps the user's work: a malformed query or date re-renders the page (422) with the message beside
its field and every value as typed. Its results are one entry per document (its best page's snippet, the
other matching pages, the number of matching pages), ranked by the document's best page; a page number past
the end shows the last page. The page hits are read in growing chunks, only as far as the result page
needs (each costs its row; only the documents shown get a snippet): until every one is read, the counts are
"at least" (shown with a +).
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Hashable
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from sqlite3 import Connection
from typing import Annotated, Literal
from urllib.parse import quote, quote_plus

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from markupsafe import Markup

from classify.doctype import TYPES
from pipelines.catalog.duplicates import Twins, twins_for
from pipelines.services import documents as docs
from pipelines.services.active import active_index_set
from pipelines.web import views
from pipelines.web.deps import Reader, catalog, render, web
from pipelines.web.lang import request_lang
from pipelines.web.models import Filter, HitOut, SearchOut
from pipelines.web.viewcache import ViewCache, fingerprint
from search.analysis import QueryError, parse_query
from search.backends.columns import ColumnsCache
from search.model import Filters, Hit, SearchResult

router = APIRouter()
IN_PERIOD = {"": None, "yes": True, "no": False}
Short = Annotated[str, Query(max_length=200)]
GROUP_SCAN = 1000  # page hits read at most to group them by document
FIRST_SCAN = 40  # page hits read first; more in growing chunks while a result page lacks documents
OTHER_PAGES = 12  # links to a document's other matching pages shown under its snippet


class _Links:
    """Links to this search with some parameters changed (its facet values, the pager): the query string
    ``urlencode`` would make of the merged parameters without the empty ones, each value encoded once."""

    def __init__(self, params: dict[str, str | int]) -> None:
        self.encoded = {k: _encoded(v) for k, v in params.items()}

    def __call__(self, **changes: str | int) -> str:
        merged = {**self.encoded, **{k: _encoded(v) for k, v in changes.items()}}
        return "/search?" + "&".join(f"{quote_plus(k)}={v}" for k, v in merged.items() if v is not None)


def _encoded(value: str | int | None) -> str | None:
    return None if value in ("", None) else quote_plus(str(value))


@dataclass
class DocHits:
    """One document of the results: its best page first, then its other matching pages in rank order."""

    hits: list[Hit] = field(default_factory=list)

    @property
    def best(self) -> Hit:
        return self.hits[0]

    @property
    def snippet(self) -> Markup:
        """The best page's snippet (HTML-escaped by the backend, marked for a reader)."""
        return Markup(self.best.snippet)

    @cached_property
    def others(self) -> list[int]:
        """The other matching pages, in page order (at most OTHER_PAGES; read once the hits are all in)."""
        return sorted(h.page for h in self.hits[1:])[:OTHER_PAGES]


def group_hits(hits: list[Hit]) -> list[DocHits]:
    """Page hits (best first) → one entry per document, in the order of each document's best page."""
    groups: dict[str, DocHits] = {}
    for hit in hits:
        groups.setdefault(hit.doc_id, DocHits()).hits.append(hit)
    return list(groups.values())


@dataclass
class Grouped:
    """A search read as documents: ``result`` (facets and the total of matching pages, its hits all those
    read), the documents in rank order, and whether every matching page was read (then the number of
    documents and each one's matching pages are exact, else at least that)."""

    result: SearchResult
    groups: list[DocHits]
    complete: bool
    capped: bool  # GROUP_SCAN pages were read and more match


def grouped_search(db: Connection, q: str, filters: Filters, want: int, cache: ColumnsCache | None) -> Grouped:
    """Read the ranked page hits in growing chunks until ``want`` documents are known, every hit is read or
    GROUP_SCAN hits are (each hit costs its page row, so a first page does not read a thousand). Only the best
    page of each of the first ``want`` documents gets a snippet: no other is shown."""
    result = views.run_search(db, q, filters, min(GROUP_SCAN, max(FIRST_SCAN, 2 * want)), 0, cache=cache,
                              snippet_docs=want, reader_marks=True)
    hits = list(result.hits)
    while len(hits) < min(result.total, GROUP_SCAN) and len(group_hits(hits)) < want:
        more = views.run_search(db, q, filters, min(GROUP_SCAN, 4 * len(hits)) - len(hits), len(hits), cache=cache,
                                snippet_docs=want, reader_marks=True)  # (a document first met here is one of them)
        if not more.hits:
            break
        hits += more.hits
    result = dataclasses.replace(result, hits=hits)
    complete = len(hits) >= result.total
    return Grouped(result, group_hits(hits), complete, not complete and len(hits) >= GROUP_SCAN)


def query_error(q: str) -> str | None:
    """What is wrong with the query, said as the search would say it (checked without searching)."""
    try:
        parse_query(q)
    except QueryError as exc:
        error = views.InputError(str(exc))
        error.__cause__ = exc  # (an InputError takes the code and words of the error it comes from)
        return str(error)
    return None


def _form_errors(q: str, date_from: str, date_to: str, unit: str, type_: str, indicator: str,
                 in_period: str) -> tuple[dict[str, str], Filters | None]:
    """Check the form: ({field: message}, the filters when there is no error)."""
    errors: dict[str, str] = {}
    days = {}
    for key, value, label in (("from", date_from, "Từ ngày"), ("to", date_to, "Đến ngày")):
        try:
            days[key] = views.parse_day(value, label)
        except views.InputError as exc:
            errors[key] = str(exc)
    if errors:
        return errors, None
    try:
        return errors, views.make_filters([unit], [type_], [indicator], days["from"], days["to"],
                                          IN_PERIOD[in_period])
    except views.InputError as exc:
        return {"to": str(exc)}, None


def _lists(db: Connection) -> tuple[list[str], list[tuple[str, str]]]:
    """The filter form's lists: the plan's unit names and the active index set's indicators."""
    plan = views.plan_or_503(db)
    return [u.name for u in plan.units], [(i.id, i.name) for i in active_index_set(db).indicators()]


def _twins(db: Connection, ids: list[str], cache: ViewCache, known: Hashable | None) -> dict[str, Twins]:
    """The likely copies of these documents (those that have any), each kept per catalog state."""
    if known is None:
        return twins_for(db, ids)
    kept = {d: cache.get(("twins", known, d)) for d in ids}
    missing = [d for d, twins in kept.items() if twins is None]
    found = twins_for(db, missing) if missing else {}
    for d in missing:
        kept[d] = found.get(d, False)  # (False: none, kept too)
        cache.put(("twins", known, d), kept[d])
    return {d: twins for d, twins in kept.items() if twins}


def _results(request: Request, db: Connection, q: str, filters: Filters, params: dict[str, str],
             page: int, size: int, known: Hashable | None) -> Markup:
    """Search and render the results part of the page (documents, pager, facets) for result page ``page``."""
    found = grouped_search(db, q, filters, page * size + 1, web(request).search_cache)
    result, groups = found.result, found.groups
    known = found.complete or found.capped  # the number of result pages is known
    pages = max(1, math.ceil(len(groups) / size))
    if known:
        page = min(page, pages)  # "trang 50/2" shows the last page
    shown = groups[(page - 1) * size:page * size]
    twins = _twins(db, [g.best.doc_id for g in shown], web(request).views, known)  # likely copies shown
    link = _Links(params)
    facet_links = {name: [(value, count, link(**{key: value}))
                          for value, count in result.facets.get(name, {}).items()]
                   for name, key in (("unit", "unit"), ("doc_type", "type"), ("indicator", "indicator"))}
    return Markup(web(request).templates.get_template("_search_results.html").render({
        "result": result, "groups": shown, "documents": len(groups), "page": page, "size": size,
        "pages": pages if known else None, "q_url": quote(q), "exact": found.complete, "truncated": found.capped,
        "prev_link": link(page=page - 1) if page > 1 else None,
        "next_link": link(page=page + 1) if page < pages else None,  # (unknown: one more was read)
        "facets": facet_links, "twins": twins}))


@router.get("/search", include_in_schema=False)
def search_page(request: Request, user: Reader, q: Annotated[str, Query(max_length=500)] = "",
                unit: Short = "", type: Short = "", indicator: Short = "",
                date_from: Annotated[str, Query(alias="from", max_length=20)] = "",
                date_to: Annotated[str, Query(alias="to", max_length=20)] = "",
                in_period: Annotated[str, Query(pattern="^(|yes|no)$")] = "",
                page: Annotated[int, Query(ge=1, le=10_000)] = 1) -> Response:
    state = web(request)
    size = state.settings.page_size
    params = {"q": q, "unit": unit, "type": type, "indicator": indicator, "from": date_from, "to": date_to,
              "in_period": in_period}
    errors, filters = _form_errors(q, date_from, date_to, unit, type, indicator, in_period)
    results: Markup | None = None
    with catalog(request) as db:
        # (lists and results are kept per catalog state: viewcache.py; None = not kept)
        known = fingerprint(db)
        units, indicators = state.views.get_or_make(known and ("lists", known), lambda: _lists(db))
        chosen = {"unit": unit, "type": type, "indicator": indicator}
        selects = state.views.get_or_make(known and ("selects", known, *chosen.values()), lambda: Markup(
            state.templates.get_template("_search_selects.html").render(
                {"params": chosen, "units": units, "types": TYPES, "indicators": indicators})))
        if filters is not None and q.strip():
            key = known and ("results", known, request_lang(request), tuple(params.items()), page, size)
            try:
                results = state.views.get_or_make(key, lambda: _results(request, db, q, filters, params, page, size,
                                                                                    known))
            except views.InputError as exc:
                errors["q"] = str(exc)
        elif q.strip():
            problem = query_error(q)
            if problem:
                errors["q"] = problem
        recent = [] if results is not None or errors else \
            [r.to_export() for r in docs.list_documents(db, unit or None, 50, 0)[1]]
    return render(request, "search.html", {
        "params": params, "results": results, "recent": recent, "errors": errors,
        "filtered": any(params[k] for k in ("unit", "type", "indicator", "from", "to", "in_period")),
        "selects": selects}, status_code=422 if errors else 200)


@router.get("/api/search", response_model=SearchOut, tags=["search"])
def api_search(request: Request, user: Reader, q: Annotated[str, Query(min_length=1, max_length=500)],
               unit: Annotated[list[Filter], Query()] = [],  # noqa: B006 (FastAPI copies defaults)
               type: Annotated[list[Filter], Query()] = [],  # noqa: B006
               indicator: Annotated[list[Filter], Query()] = [],  # noqa: B006
               date_from: Annotated[date | None, Query(alias="from")] = None,
               date_to: Annotated[date | None, Query(alias="to")] = None,
               in_period: bool | None = None, sort: Literal["relevance", "date"] = "relevance",
               limit: Annotated[int, Query(ge=1, le=100)] = 20, offset: Annotated[int, Query(ge=0, le=100_000)] = 0,
               ) -> SearchOut:
    """Full-text search over pages, with or without diacritics (query syntax: README, *Search*)."""
    filters = views.make_filters(unit, type, indicator, date_from, date_to, in_period)
    with catalog(request) as db:
        result = views.run_search(db, q, filters, limit, offset, sort, web(request).search_cache)
    hits = [HitOut(doc_id=h.doc_id, page=h.page, score=h.score, snippet_html=h.snippet, unit=h.unit,
                   doc_type=h.doc_type, symbol=h.symbol, issued=h.issued, subject=h.subject, source=h.source,
                   url=f"/documents/{h.doc_id}?q={quote(q)}#page-{h.page}") for h in result.hits]
    return SearchOut(query=q, total=result.total, offset=offset, limit=limit, took_ms=round(result.took_ms, 1),
                     hits=hits, facets=result.facets)
