"""Documents: the document page (facts, page images with the hits, review form, audit log) and the JSON
API of documents, pages (text, hit boxes, image), downloads (original, searchable PDF) and the audit log.
:func:`document_response` also draws the page again for a refused correction, the form as the reviewer
left it and the message beside it.

Files are only ever found by document id: no path from the client reaches the file system.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import FileResponse, Response

from ingest.pages import PageError
from pipelines.catalog.records import DocumentRecord
from pipelines.services import documents as docs
from pipelines.services import review
from pipelines.services.active import active_index_set
from pipelines.services.export import document_pdf
from pipelines.services.users import User
from pipelines.web import images, views
from pipelines.web.deps import Reader, catalog, render, web
from pipelines.web.downloads import EXT, MEDIA, attachment, download_name
from pipelines.web.models import NOT_FOUND, AuditOut, BoxOut, DocId, DocumentListOut, DocumentOut, Filter, PageOut

router = APIRouter()


def document_response(request: Request, doc_id: str, user: User, q: str = "", *, saved: str | None = None,
                      form: dict[str, object] | None = None, error: str | None = None,
                      status_code: int = 200) -> Response:
    """The document page; with ``form`` (the review form's fields as sent) and ``error`` it shows the form
    as the reviewer left it with the message beside it (a refused correction keeps the reviewer's work)."""
    with catalog(request) as db:
        view = views.document_view(db, web(request).home, doc_id, q)
        review = views.review_options(db, view["record"]) if user.can("correct") else None
    return render(request, "document.html", {**view, "review": review, "saved": saved, "form": form,
                                             "review_error": error}, status_code=status_code)


@router.get("/documents/{doc_id}", include_in_schema=False)
def document_page(request: Request, doc_id: str, user: Reader,
                  q: Annotated[str, Query(max_length=500)] = "") -> Response:
    return document_response(request, doc_id, user, q, saved=request.query_params.get("saved"))


def document_out(doc: DocumentRecord, names: dict[str, str]) -> DocumentOut:
    """The API's view of a document, derived from its record (tests/unit/test_record_contract.py)."""
    record = doc.to_export()
    pages = [{"page": k, "file_page": p["n"], "method": p["method"], "confidence": p["confidence"]}
             for k, p in enumerate(record["pages"], 1)]
    indicators = [{"id": t["id"], "name": names.get(t["id"]), "score": t.get("score"), "why": t.get("why") or [],
                   "corrected": bool(t.get("corrected"))} for t in record.get("indicators") or []]
    base = f"/api/documents/{record['id']}"
    links = {"page": f"/documents/{record['id']}", "original": f"{base}/original",
             "searchable_pdf": f"{base}/searchable.pdf", "audit": f"{base}/audit"}
    fields = {k: record.get(k) for k in DocumentOut.model_fields if k not in ("pages", "indicators", "links")}
    return DocumentOut.model_validate({**fields, "pages": pages, "indicators": indicators, "links": links})


@router.get("/api/documents", response_model=DocumentListOut, tags=["documents"])
def api_documents(request: Request, user: Reader, unit: Filter | None = None,
                  limit: Annotated[int, Query(ge=1, le=200)] = 50, offset: Annotated[int, Query(ge=0, le=100_000)] = 0,
                  ) -> DocumentListOut:
    """Documents, newest received first, facts with reviewers' corrections applied."""
    with catalog(request) as db:
        total, rows = docs.list_documents(db, unit, limit, offset)
        names = docs.indicator_names(active_index_set(db))
    return DocumentListOut(total=total, offset=offset, limit=limit, documents=[document_out(r, names) for r in rows])


@router.get("/api/documents/{doc_id}", response_model=DocumentOut, tags=["documents"], responses=NOT_FOUND)
def api_document(request: Request, doc_id: DocId, user: Reader) -> DocumentOut:
    """One document: type, symbol, dates, issuer, signer, subject, indicators with reasons, corrections."""
    with catalog(request) as db:
        doc = views.document_or_404(db, doc_id)
        return document_out(docs.document_record(db, doc.id), docs.indicator_names(active_index_set(db)))


@router.get("/api/documents/{doc_id}/pages/{page}", response_model=PageOut, tags=["documents"], responses=NOT_FOUND)
def api_page(request: Request, doc_id: DocId, page: int, user: Reader,
             q: Annotated[str, Query(max_length=500)] = "") -> PageOut:
    """A page's OCR text (hits of ``q`` marked) and the boxes of the hits on the page image."""
    with catalog(request) as db:
        doc = views.document_or_404(db, doc_id)
        row = docs.page_row(db, doc, page)
        if row is None:
            raise HTTPException(404, f"Văn bản {doc_id} không có trang {page} (có {doc.page_count} trang).")
        view = views.page_view(web(request).home, doc, row, views.query_or_none(q))
    return PageOut(doc_id=doc.id, page=view.page, file_page=view.file_page, method=view.method,
                   confidence=view.confidence, text=view.text, text_html=str(view.text_html), hits=view.hits,
                   image_url=f"/api/documents/{doc.id}/pages/{view.page}/image", image_width=view.image_width,
                   image_height=view.image_height,
                   boxes=[BoxOut(text=b.text, left=b.left, top=b.top, width=b.width, height=b.height)
                          for b in view.boxes])


@router.get("/api/documents/{doc_id}/pages/{page}/image", tags=["documents"], response_class=FileResponse,
            responses={200: {"content": {"image/jpeg": {}}}, **NOT_FOUND})
def api_page_image(request: Request, doc_id: DocId, page: int, user: Reader) -> FileResponse:
    """The page as a JPEG, 1100 px wide at most (the word boxes of ``/pages/{page}`` are in its pixels)."""
    state = web(request)
    with catalog(request) as db:
        doc = views.document_or_404(db, doc_id)
    found = doc.locate(page)
    if found is None:
        raise HTTPException(404, f"Văn bản {doc_id} không có trang {page} (có {doc.page_count} trang).")
    part, file_page = found
    try:
        path = images.page_image(state.image_cache, state.home.blob_path(part.sha256), part.sha256, part.kind,
                                 file_page, part.dpi)
    except PageError as exc:
        raise HTTPException(422, f"Không dựng được ảnh trang {page}: {exc}") from exc
    return FileResponse(path, media_type="image/jpeg", headers={"Cache-Control": "private, max-age=86400"})


@router.get("/api/documents/{doc_id}/original", tags=["documents"], response_class=FileResponse,
            responses={200: {"content": {m: {} for m in (*MEDIA.values(), "application/zip")}}, **NOT_FOUND})
def api_original(request: Request, doc_id: DocId, user: Reader) -> FileResponse:
    """The original file exactly as received (the whole file the document was cut from); a document sent as
    several files: a zip of them, in order, under their received names."""
    with catalog(request) as db:
        doc = views.document_or_404(db, doc_id)
    if len(doc.parts) > 1:
        data = docs.originals_zip(web(request).home, doc)
        return Response(data, media_type="application/zip",
                        headers={"Content-Disposition": attachment(download_name(doc, f" [{doc.id}].zip"))})
    return FileResponse(web(request).home.blob_path(doc.sha256), media_type=MEDIA.get(doc.kind),
                        filename=download_name(doc, EXT.get(doc.kind, "")))


@router.get("/api/documents/{doc_id}/searchable.pdf", tags=["documents"], response_class=Response,
            responses={200: {"content": {"application/pdf": {}}}, **NOT_FOUND})
def api_searchable(request: Request, doc_id: DocId, user: Reader) -> Response:
    """The document's pages as a PDF with an invisible OCR text layer (searchable, copyable)."""
    with catalog(request) as db:
        doc = views.document_or_404(db, doc_id)
        data = document_pdf(web(request).home, db, doc.row)
    name = download_name(doc, f" [{doc.id}].pdf")
    return Response(data, media_type="application/pdf", headers={"Content-Disposition": attachment(name)})


@router.get("/api/documents/{doc_id}/audit", response_model=list[AuditOut], tags=["review"], responses=NOT_FOUND)
def api_audit(request: Request, doc_id: DocId, user: Reader) -> list[AuditOut]:
    """Every change reviewers made to the document: who, when, before, after, note."""
    with catalog(request) as db:
        doc = views.document_or_404(db, doc_id)
        return [AuditOut.model_validate(e) for e in review.audit_log(db, doc.id)]
