"""The read side of the JSON API: search, documents, pages (text, boxes, image), downloads, gaps, quarantine.

Files are only ever found by document id: no path from the client reaches the file system.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Annotated, Literal
from urllib.parse import quote

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import FileResponse, Response
from pydantic import StringConstraints

from ingest.pages import PageError
from ingest.searchable import PageText, searchable_pdf
from pipelines.assessment import formats as gap_reports
from pipelines.assessment import gaps
from pipelines.catalog import read as report
from pipelines.services import review as corrections
from pipelines.services.active import active_index_set
from pipelines.services.users import list_users
from pipelines.web import images, records, views
from pipelines.web.api_models import (
    AuditOut,
    BoxOut,
    DocumentListOut,
    DocumentOut,
    GapCellOut,
    GapsOut,
    GapUnitOut,
    HitOut,
    PageOut,
    QuarantinedOut,
    SearchOut,
    UserOut,
)
from pipelines.web.deps import Admin, Reader, catalog, web

router = APIRouter(prefix="/api")
Filter = Annotated[str, StringConstraints(max_length=200)]
MEDIA = {"pdf": "application/pdf", "tiff": "image/tiff", "jpeg": "image/jpeg", "png": "image/png"}
EXT = {"pdf": ".pdf", "tiff": ".tif", "jpeg": ".jpg", "png": ".png"}
DocId = Annotated[str, StringConstraints(max_length=100)]
NOT_FOUND = {404: {"description": "no such document or page"}}


@router.get("/search", response_model=SearchOut, tags=["search"])
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


def document_out(record: dict, names: dict[str, str]) -> DocumentOut:
    first = record["source_pages"][0]
    pages = [{"page": p["n"] - first + 1, "file_page": p["n"], "method": p["method"], "confidence": p["confidence"]}
             for p in record["pages"]]
    indicators = [{"id": t["id"], "name": names.get(t["id"]), "score": t.get("score"), "why": t.get("why") or [],
                   "corrected": bool(t.get("corrected"))} for t in record.get("indicators") or []]
    base = f"/api/documents/{record['id']}"
    links = {"page": f"/documents/{record['id']}", "original": f"{base}/original",
             "searchable_pdf": f"{base}/searchable.pdf", "audit": f"{base}/audit"}
    fields = {k: record.get(k) for k in DocumentOut.model_fields if k not in ("pages", "indicators", "links")}
    return DocumentOut.model_validate({**fields, "pages": pages, "indicators": indicators, "links": links})


@router.get("/documents", response_model=DocumentListOut, tags=["documents"])
def api_documents(request: Request, user: Reader, unit: Filter | None = None,
                  limit: Annotated[int, Query(ge=1, le=200)] = 50, offset: Annotated[int, Query(ge=0, le=100_000)] = 0,
                  ) -> DocumentListOut:
    """Documents, newest received first, facts with reviewers' corrections applied."""
    with catalog(request) as db:
        total, rows = records.list_documents(db, unit, limit, offset)
        names = records.indicator_names(active_index_set(db))
    return DocumentListOut(total=total, offset=offset, limit=limit, documents=[document_out(r, names) for r in rows])


@router.get("/documents/{doc_id}", response_model=DocumentOut, tags=["documents"], responses=NOT_FOUND)
def api_document(request: Request, doc_id: DocId, user: Reader) -> DocumentOut:
    """One document: type, symbol, dates, issuer, signer, subject, indicators with reasons, corrections."""
    with catalog(request) as db:
        doc = views.document_or_404(db, doc_id)
        return document_out(records.document_record(db, doc), records.indicator_names(active_index_set(db)))


@router.get("/documents/{doc_id}/pages/{page}", response_model=PageOut, tags=["documents"], responses=NOT_FOUND)
def api_page(request: Request, doc_id: DocId, page: int, user: Reader,
             q: Annotated[str, Query(max_length=500)] = "") -> PageOut:
    """A page's OCR text (hits of ``q`` marked) and the boxes of the hits on the page image."""
    with catalog(request) as db:
        doc = views.document_or_404(db, doc_id)
        row = records.page_row(db, doc, page)
        if row is None:
            raise HTTPException(404, f"Văn bản {doc_id} không có trang {page} (có {doc.page_count} trang).")
        view = views.page_view(web(request).home, doc, row, views.query_or_none(q))
    return PageOut(doc_id=doc.id, page=view.page, file_page=view.file_page, method=view.method,
                   confidence=view.confidence, text=view.text, text_html=str(view.text_html), hits=view.hits,
                   image_url=f"/api/documents/{doc.id}/pages/{view.page}/image", image_width=view.image_width,
                   image_height=view.image_height,
                   boxes=[BoxOut(text=b.text, left=b.left, top=b.top, width=b.width, height=b.height)
                          for b in view.boxes])


@router.get("/documents/{doc_id}/pages/{page}/image", tags=["documents"], response_class=FileResponse,
            responses={200: {"content": {"image/jpeg": {}}}, **NOT_FOUND})
def api_page_image(request: Request, doc_id: DocId, page: int, user: Reader) -> FileResponse:
    """The page as a JPEG, 1100 px wide at most (the word boxes of ``/pages/{page}`` are in its pixels)."""
    state = web(request)
    with catalog(request) as db:
        doc = views.document_or_404(db, doc_id)
    if not 1 <= page <= doc.page_count:
        raise HTTPException(404, f"Văn bản {doc_id} không có trang {page} (có {doc.page_count} trang).")
    try:
        path = images.page_image(state.image_cache, state.home.blob_path(doc.sha256), doc.sha256, doc.kind,
                                 doc.file_page(page), doc.dpi)
    except PageError as exc:
        raise HTTPException(422, f"Không dựng được ảnh trang {page}: {exc}") from exc
    return FileResponse(path, media_type="image/jpeg", headers={"Cache-Control": "private, max-age=86400"})


def attachment(name: str) -> str:
    """A Content-Disposition for a download (RFC 6266: an ASCII name and the UTF-8 one)."""
    plain = name.encode("ascii", "ignore").decode().replace('"', "") or "tai-ve"
    return f"attachment; filename=\"{plain}\"; filename*=UTF-8''{quote(name)}"


def _download_name(doc: records.DocFile, suffix: str) -> str:
    stem = Path(doc.source or doc.id).stem
    stem = re.sub(r"[^\w.\- ]+", "_", stem).strip(" ._")[:100] or doc.id
    return f"{stem}{suffix}"


@router.get("/documents/{doc_id}/original", tags=["documents"], response_class=FileResponse,
            responses={200: {"content": {m: {} for m in MEDIA.values()}}, **NOT_FOUND})
def api_original(request: Request, doc_id: DocId, user: Reader) -> FileResponse:
    """The original file exactly as received (the whole file the document was cut from)."""
    with catalog(request) as db:
        doc = views.document_or_404(db, doc_id)
    return FileResponse(web(request).home.blob_path(doc.sha256), media_type=MEDIA.get(doc.kind),
                        filename=_download_name(doc, EXT.get(doc.kind, "")))


@router.get("/documents/{doc_id}/searchable.pdf", tags=["documents"], response_class=Response,
            responses={200: {"content": {"application/pdf": {}}}, **NOT_FOUND})
def api_searchable(request: Request, doc_id: DocId, user: Reader) -> Response:
    """The document's pages as a PDF with an invisible OCR text layer (searchable, copyable)."""
    with catalog(request) as db:
        doc = views.document_or_404(db, doc_id)
        rows = records.page_rows(db, doc)
    pages = [PageText(r["n"], r["method"], records.loads(r["words"], []), records.loads(r["matrix"], None), doc.dpi)
             for r in rows]
    data = searchable_pdf(web(request).home.blob_path(doc.sha256), doc.kind, pages)
    name = _download_name(doc, f" [{doc.id}].pdf")
    return Response(data, media_type="application/pdf", headers={"Content-Disposition": attachment(name)})


@router.get("/documents/{doc_id}/audit", response_model=list[AuditOut], tags=["review"], responses=NOT_FOUND)
def api_audit(request: Request, doc_id: DocId, user: Reader) -> list[AuditOut]:
    """Every change reviewers made to the document: who, when, before, after, note."""
    with catalog(request) as db:
        doc = views.document_or_404(db, doc_id)
        return [AuditOut.model_validate(e) for e in corrections.audit_log(db, doc.id)]


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


@router.get("/gaps", response_model=GapsOut, tags=["gaps"], responses={404: {"description": "no such unit"}})
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


@router.get("/gaps/export", tags=["gaps"], response_class=Response,
            responses={200: {"content": {"text/csv": {}, "text/html": {}, "application/json": {},
                                         "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {}}}})
def api_gaps_export(request: Request, user: Reader,
                    format: Literal["xlsx", "csv", "html", "json"] = "xlsx") -> Response:
    """The gap report as a file: XLSX, CSV (UTF-8 with BOM), one self-contained HTML page, or JSON."""
    with catalog(request) as db:
        result = views.gap_report(db)
    media = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
             "csv": "text/csv; charset=utf-8", "html": "text/html; charset=utf-8",
             "json": "application/json"}[format]
    body = gap_reports.to_xlsx(result) if format == "xlsx" else {
        "csv": gap_reports.to_csv, "html": gap_reports.to_html, "json": gap_reports.to_json}[format](result)
    name = f"thieu-minh-chung-{result.plan.id}-{date.today():%Y%m%d}.{format}"
    return Response(body, media_type=media, headers={"Content-Disposition": attachment(name)})


@router.get("/quarantine", response_model=list[QuarantinedOut], tags=["intake"])
def api_quarantine(request: Request, user: Reader) -> list[QuarantinedOut]:
    """Files that could not be processed, with the reason."""
    with catalog(request) as db:
        return [QuarantinedOut.model_validate(q) for q in report.quarantine(db)]


@router.get("/users", response_model=list[UserOut], tags=["admin"])
def api_users(request: Request, user: Admin) -> list[UserOut]:
    """The users and their roles (admin only; users are managed with 'minhchung users')."""
    with catalog(request) as db:
        return [UserOut(name=u.name, role=u.role, role_vi=u.role_vi) for u in list_users(db)]
