"""Gaps: the unit × requirement matrix of the active plan with one unit's requirements (page), the same as
JSON (``GET /api/gaps``) and as a file (``GET /api/gaps/export``: XLSX, CSV, HTML, JSON; of one unit with
``unit``), with the provisional scores ("điểm tạm tính") of every unit and of the province; a reviewer sets
a unit's score of one indicator with a note from the unit's section (``POST /gaps/scores``, audit log).

The page draws one matrix per unit kind (Sở, ban, ngành; UBND cấp huyện; Công an tỉnh …) with only that
kind's requirements as columns, the ones most of its units have first, so no row sits among columns that
are not its own; the kind of the unit being viewed comes first.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Literal
from urllib.parse import quote

from fastapi import APIRouter, Form, HTTPException, Query, Request
from fastapi.responses import RedirectResponse, Response

from classify.yamlfile import DataFileError
from pipelines.assessment import gaps, scores
from pipelines.assessment.formats import FORMATS
from pipelines.services import scores as score_service
from pipelines.services.gaps import render as render_report
from pipelines.services.users import User
from pipelines.web import views
from pipelines.web.deps import Reader, Reviewer, catalog, render
from pipelines.web.downloads import attachment
from pipelines.web.lang import Lang
from pipelines.web.models import Filter, GapCellOut, GapsOut, GapUnitOut
from pipelines.web.templating import kind_vi

router = APIRouter()


@dataclass(frozen=True)
class Column:
    id: str
    name: str


@dataclass(frozen=True)
class KindMatrix:
    """Units and the requirements they have (columns), with their cells by (unit, id): the units of one kind,
    or (``kind`` None) the kinds that have one unit each, side by side."""

    kind: str | None
    units: tuple[gaps.UnitGaps, ...]
    columns: tuple[Column, ...]
    cells: dict[tuple[str, str], gaps.Cell]

    @property
    def name(self) -> str:
        return kind_vi(self.kind) if self.kind else "Các cơ quan khác"

    @property
    def anchor(self) -> str:
        return self.kind or "KHAC"


def _matrix(kind: str | None, units: list[gaps.UnitGaps], by_count: bool) -> KindMatrix:
    """Columns in the plan's order, unit after unit; ``by_count``: those most of the units have first (a duty
    of one unit last)."""
    seen: dict[str, Column] = {}
    count: dict[str, int] = {}
    for u in units:
        for c in u.cells:
            seen.setdefault(c.requirement.id, Column(c.requirement.id, c.requirement.name))
            count[c.requirement.id] = count.get(c.requirement.id, 0) + 1
    order = sorted(seen, key=lambda rid: -count[rid]) if by_count else list(seen)  # sorted() is stable
    return KindMatrix(kind, tuple(units), tuple(seen[rid] for rid in order),
                      {(u.unit.name, c.requirement.id): c for u in units for c in u.cells})


def kind_matrices(report: gaps.GapReport, first_kind: str | None = None) -> list[KindMatrix]:
    """One matrix per unit kind with several units, in the plan's order of kinds, and one for the kinds of a
    single unit each (Công an tỉnh, Viện kiểm sát …), whose columns come unit after unit so each row's own
    cells stand together; the matrix holding ``first_kind`` comes first."""
    by_kind: dict[str, list[gaps.UnitGaps]] = {}
    for u in report.units:
        if u.cells:
            by_kind.setdefault(u.unit.kind, []).append(u)
    singles = [k for k, units in by_kind.items() if len(units) == 1]
    out: list[KindMatrix] = []
    for kind, units in by_kind.items():
        if len(singles) < 2 or kind not in singles:
            out.append(_matrix(kind, units, by_count=True))
        elif kind == singles[0]:
            out.append(_matrix(None, [by_kind[k][0] for k in singles], by_count=False))
    return sorted(out, key=lambda m: all(u.unit.kind != first_kind for u in m.units))


def for_unit(report: gaps.GapReport, unit: gaps.UnitGaps) -> gaps.GapReport:
    """The report of one unit: its row, its documents that satisfy nothing, no other unit."""
    return dataclasses.replace(report, units=(unit,), unknown_units={}, population=report.units,
                               unmatched=tuple(d for d in report.unmatched
                                               if report.plan.unit_for(d.unit) == unit.unit))


def gaps_response(request: Request, user: User, unit: str, saved: bool = False, form: dict | None = None,
                  score_error: str | None = None) -> Response:
    """The page; with ``form`` and ``score_error`` the override form as the reviewer left it, the message beside."""
    with catalog(request) as db:
        report = views.gap_report(db)
    chosen = report.unit_gaps(unit) if unit else None
    error = None
    if unit and chosen is None:
        error = f"Không có đơn vị «{unit[:80]}» trong kế hoạch {report.plan.id}."
    export = f"&unit={quote(chosen.unit.name)}" if chosen else ""
    result = scores.score(report)
    return render(request, "gaps.html", {
        "report": report, "matrices": kind_matrices(report, chosen.unit.kind if chosen else None),
        "chosen": chosen, "statuses": gaps.STATUSES, "error": error, "unit": unit, "export": export,
        "formats": [f for f in FORMATS if f != "json"], "scores": result, "num": scores.num,
        "score_status_vi": scores.SCORE_STATUS_VI, "chosen_scores": result.unit(chosen.unit.name) if chosen else None,
        "can_override": user.can("correct"), "saved": saved, "form": form or {}, "score_error": score_error},
        status_code=422 if error or score_error else 200)


@router.get("/gaps", include_in_schema=False)
def gaps_page(request: Request, user: Reader, unit: Annotated[str, Query(max_length=200)] = "",
              saved: bool = False) -> Response:
    return gaps_response(request, user, unit, saved)


@router.post("/gaps/scores", include_in_schema=False)
def override_form(request: Request, user: Reviewer, lang: Lang, unit: Annotated[str, Form(max_length=200)],
                  indicator: Annotated[str, Form(max_length=40)] = "", points: Annotated[str, Form(max_length=20)] = "",
                  note: Annotated[str, Form(max_length=2000)] = "", clear: Annotated[str, Form(max_length=5)] = "",
                  ) -> Response:
    """A reviewer's score of one indicator for one unit (or its removal with ``clear``), with a note: through the
    use case the CLI's ``scores override`` calls; the page again with the message when it is refused."""
    form = {"indicator": indicator, "points": points, "note": note, "clear": bool(clear)}
    try:
        value = None if clear else score_service.parse_points(points)
        with catalog(request) as db:
            score_service.override(db, unit, indicator, value, user.name, note, views.plan_or_503(db))
    except score_service.ScoreError as exc:
        return gaps_response(request, user, unit, form=form, score_error=exc.message(lang))
    except DataFileError as exc:
        raise HTTPException(503, f"Kế hoạch đánh giá của kho dữ liệu không đọc được: {exc}") from exc
    return RedirectResponse(f"/gaps?unit={quote(unit)}&saved=1#scores", 303)


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


def _unit_or_404(result: gaps.GapReport, unit: str) -> gaps.UnitGaps:
    found = result.unit_gaps(unit)
    if found is None:
        raise HTTPException(404, f"Không có đơn vị «{unit[:80]}» trong kế hoạch {result.plan.id}.")
    return found


@router.get("/api/gaps", response_model=GapsOut, tags=["gaps"], responses={404: {"description": "no such unit"}})
def api_gaps(request: Request, user: Reader, unit: Filter | None = None) -> GapsOut:
    """The unit × requirement matrix of the active plan (one unit's row with ``unit``)."""
    with catalog(request) as db:
        result = views.gap_report(db)
    return gaps_out(result, _unit_or_404(result, unit).unit.name if unit else None)


# The format names and media types come from the one registry the CLI's --format reads too.
FormatName = Literal[tuple(FORMATS)]  # type: ignore[valid-type]


@router.get("/api/gaps/export", tags=["gaps"], response_class=Response,
            responses={200: {"content": {f.media_type.split(";")[0]: {} for f in FORMATS.values()}},
                       404: {"description": "no such unit"}})
def api_gaps_export(request: Request, user: Reader, format: FormatName = "xlsx",  # noqa: A002
                    unit: Filter | None = None) -> Response:
    """The gap report as a file: XLSX, CSV (UTF-8 with BOM), one self-contained HTML page, or JSON; with
    ``unit``, the report of that unit only."""
    with catalog(request) as db:
        result = views.gap_report(db)
    part = ""
    if unit:
        chosen = _unit_or_404(result, unit)
        result = for_unit(result, chosen)
        part = "-" + (re.sub(r"[^\w]+", "-", chosen.unit.name).strip("-") or "don-vi")
    name = f"thieu-minh-chung-{result.plan.id}{part}-{date.today():%Y%m%d}.{format}"
    return Response(render_report(result, format), media_type=FORMATS[format].media_type,
                    headers={"Content-Disposition": attachment(name)})
