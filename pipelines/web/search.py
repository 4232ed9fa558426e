"""Search: the search page (one box, filters, facets, pagination) and ``GET /api/search``."""

from __future__ import annotations

import math
from datetime import date
from typing import Annotated, Literal
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from classify.doctype import TYPES
from pipelines.services import documents as docs
from pipelines.services.active import active_index_set
from pipelines.web import views
from pipelines.web.deps import Reader, catalog, render, web
from pipelines.web.models import Filter, HitOut, SearchOut

router = APIRouter()
IN_PERIOD = {"": None, "yes": True, "no": False}
Short = Annotated[str, Query(max_length=200)]


def _link(params: dict[str, str | int], **changes: str | int) -> str:
    merged = {**params, **changes}
    return "/search?" + urlencode({k: v for k, v in merged.items() if v not in ("", None)})


@router.get("/search", include_in_schema=False)
def search_page(request: Request, user: Reader, q: Annotated[str, Query(max_length=500)] = "",
                unit: Short = "", type: Short = "", indicator: Short = "",
                date_from: Annotated[str, Query(alias="from", max_length=20)] = "",
                date_to: Annotated[str, Query(alias="to", max_length=20)] = "",
                in_period: Annotated[str, Query(pattern="^(|yes|no)$")] = "",
                page: Annotated[int, Query(ge=1, le=10_000)] = 1) -> Response:
    size = web(request).settings.page_size
    params = {"q": q, "unit": unit, "type": type, "indicator": indicator, "from": date_from, "to": date_to,
              "in_period": in_period}
    filters = views.make_filters([unit], [type], [indicator], views.parse_day(date_from, "Từ ngày"),
                                 views.parse_day(date_to, "Đến ngày"), IN_PERIOD[in_period])
    with catalog(request) as db:
        plan = views.plan_or_503(db)
        indicators = [(i.id, i.name) for i in active_index_set(db).indicators()]
        result = views.run_search(db, q, filters, size, (page - 1) * size,
                                  cache=web(request).search_cache) if q.strip() else None
        recent = [r.to_export() for r in docs.list_documents(db, unit or None, 50, 0)[1]] if result is None else []
    pages = math.ceil(result.total / size) if result else 0
    facet_links = {name: [(value, count, _link(params, **{key: value}))
                          for value, count in (result.facets.get(name, {}) if result else {}).items()]
                   for name, key in (("unit", "unit"), ("doc_type", "type"), ("indicator", "indicator"))}
    return render(request, "search.html", {
        "params": params, "result": result, "page": page, "pages": pages, "recent": recent,
        "prev_link": _link(params, page=page - 1) if page > 1 else None,
        "next_link": _link(params, page=page + 1) if page < pages else None,
        "facets": facet_links, "units": [u.name for u in plan.units], "types": TYPES, "indicators": indicators})


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
