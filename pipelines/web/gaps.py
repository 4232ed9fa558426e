"""Gaps: the unit × requirement matrix of the active plan with one unit's requirements (page), the same as
JSON (``GET /api/gaps``) and as a file (``GET /api/gaps/export``: XLSX, CSV, HTML, JSON)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import Response

from pipelines.assessment import formats as gap_reports
from pipelines.assessment import gaps
from pipelines.assessment.formats import FORMATS
from pipelines.services.gaps import render as render_report
from pipelines.web import views
from pipelines.web.deps import Reader, catalog, render
from pipelines.web.downloads import attachment
from pipelines.web.models import Filter, GapCellOut, GapsOut, GapUnitOut

router = APIRouter()


@router.get("/gaps", include_in_schema=False)
def gaps_page(request: Request, user: Reader, unit: Annotated[str, Query(max_length=200)] = "") -> Response:
    with catalog(request) as db:
        report = views.gap_report(db)
    chosen = None
    if unit:
        chosen = report.unit_gaps(unit)
        if chosen is None:
            raise views.InputError(f"Không có đơn vị «{unit[:80]}» trong kế hoạch {report.plan.id}.")
    return render(request, "gaps.html", {"report": report, **gap_reports.matrix(report), "chosen": chosen,
                                         "statuses": gaps.STATUSES})


def gaps_out(result: gaps.GapReport, unit: str | None) -> GapsOut:
    units = [u for u in result.units if u.cells and (unit is None or u.unit.name == unit)]
    return GapsOut(
        plan=result.plan.id, plan_name=result.plan.name, index_set=result.index_set.id,
        period=[result.plan.period_from, result.plan.period_to],
        units=[GapUnitOut(unit=u.unit.name, unit_kind=u.unit.kind, documents=u.documents, complete_pct=u.complete,
                          counts={s: u.count(s) for s in gaps.STATUSES},
                          cells=[GapCellOut(requirement=c.requirement.id, requirement_name=c.requirement.name,
                                            source=c.requirement.source, deadline=c.requirement.deadline,
                                            status=c.status, status_vi=gaps.STATUS_VI[c.status], reason=c.reason,
                                            documents=[e.doc.id for e in c.evidence]) for c in u.cells])
               for u in units],
        units_without_submission=result.no_submission, unknown_units=result.unknown_units,
        unmatched_documents=[d.id for d in result.unmatched])


@router.get("/api/gaps", response_model=GapsOut, tags=["gaps"], responses={404: {"description": "no such unit"}})
def api_gaps(request: Request, user: Reader, unit: Filter | None = None) -> GapsOut:
    """The unit × requirement matrix of the active plan (one unit's row with ``unit``)."""
    with catalog(request) as db:
        result = views.gap_report(db)
    name = None
    if unit:
        found = result.plan.unit_for(unit)
        if found is None:
            raise HTTPException(404, f"Không có đơn vị «{unit[:80]}» trong kế hoạch {result.plan.id}.")
        name = found.name
    return gaps_out(result, name)


# The format names and media types come from the one registry the CLI's --format reads too.
FormatName = Literal[tuple(FORMATS)]  # type: ignore[valid-type]


@router.get("/api/gaps/export", tags=["gaps"], response_class=Response,
            responses={200: {"content": {f.media_type.split(";")[0]: {} for f in FORMATS.values()}}})
def api_gaps_export(request: Request, user: Reader, format: FormatName = "xlsx") -> Response:  # noqa: A002
    """The gap report as a file: XLSX, CSV (UTF-8 with BOM), one self-contained HTML page, or JSON."""
    with catalog(request) as db:
        result = views.gap_report(db)
    name = f"thieu-minh-chung-{result.plan.id}-{date.today():%Y%m%d}.{format}"
    return Response(render_report(result, format), media_type=FORMATS[format].media_type,
                    headers={"Content-Disposition": attachment(name)})
