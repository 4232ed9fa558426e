"""The pages an inspector reads: search, a document with its pages, the gap matrix and a unit's gaps."""

from __future__ import annotations

import math
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response

from classify.doctype import TYPES
from pipelines.assessment import formats as gap_reports
from pipelines.assessment import gaps
from pipelines.services.active import active_index_set
from pipelines.web import records, views
from pipelines.web.deps import AnyUser, Reader, catalog, render, web

router = APIRouter(include_in_schema=False)
IN_PERIOD = {"": None, "yes": True, "no": False}
Short = Annotated[str, Query(max_length=200)]


@router.get("/")
def home(user: AnyUser) -> Response:
    return RedirectResponse("/intake" if user.role == "clerk" else "/search", 303)


def _link(params: dict[str, str | int], **changes: str | int) -> str:
    merged = {**params, **changes}
    return "/search?" + urlencode({k: v for k, v in merged.items() if v not in ("", None)})


@router.get("/search")
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
        recent = records.list_documents(db, unit or None, 50, 0)[1] if result is None else []
    pages = math.ceil(result.total / size) if result else 0
    facet_links = {name: [(value, count, _link(params, **{key: value}))
                          for value, count in (result.facets.get(name, {}) if result else {}).items()]
                   for name, key in (("unit", "unit"), ("doc_type", "type"), ("indicator", "indicator"))}
    return render(request, "search.html", {
        "params": params, "result": result, "page": page, "pages": pages, "recent": recent,
        "prev_link": _link(params, page=page - 1) if page > 1 else None,
        "next_link": _link(params, page=page + 1) if page < pages else None,
        "facets": facet_links, "units": [u.name for u in plan.units], "types": TYPES, "indicators": indicators})


@router.get("/documents/{doc_id}")
def document_page(request: Request, doc_id: str, user: Reader,
                  q: Annotated[str, Query(max_length=500)] = "") -> Response:
    with catalog(request) as db:
        view = views.document_view(db, web(request).home, doc_id, q)
        review = views.review_options(db, view["record"]) if user.can("correct") else None
    saved = request.query_params.get("saved")
    return render(request, "document.html", {**view, "review": review, "saved": saved})


@router.get("/gaps")
def gaps_page(request: Request, user: Reader, unit: Short = "") -> Response:
    with catalog(request) as db:
        report = views.gap_report(db)
    chosen = None
    if unit:
        chosen = report.unit_gaps(unit)
        if chosen is None:
            raise views.InputError(f"Không có đơn vị «{unit[:80]}» trong kế hoạch {report.plan.id}.")
    return render(request, "gaps.html", {"report": report, **gap_reports.matrix(report), "chosen": chosen,
                                         "statuses": gaps.STATUSES})
