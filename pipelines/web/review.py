"""Review: a reviewer's corrections from the document page's form (``POST /documents/{id}/corrections``)
and from the JSON API (``POST /api/documents/{id}/corrections``), turned into
:mod:`pipelines.services.review` changes; every change goes to the audit log."""

from __future__ import annotations

import logging
import sqlite3
from dataclasses import dataclass, field
from datetime import date
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response

from classify.yamlfile import DataFileError
from pipelines.services import review as service
from pipelines.web import views
from pipelines.web.deps import Reviewer, catalog, web
from pipelines.web.documents import document_response
from pipelines.web.lang import Lang
from pipelines.web.models import CSRF, AuditOut, CorrectionIn, CorrectionOut, DocId

router = APIRouter()
log = logging.getLogger("minhchung.web.review")


@dataclass
class Review:
    doc_type: str | None = None
    issued: date | None = None
    add_indicators: list[str] = field(default_factory=list)
    remove_indicators: list[str] = field(default_factory=list)
    attach_requirements: list[str] = field(default_factory=list)
    detach_requirements: list[str] = field(default_factory=list)
    note: str | None = None


def changes(review: Review) -> list[service.Change]:
    out = []
    if review.doc_type:
        out.append(service.Change("doc_type", review.doc_type))
    if review.issued:
        out.append(service.Change("issued", review.issued.isoformat()))
    out += [service.Change(f"indicator:{i}", True) for i in dict.fromkeys(review.add_indicators) if i]
    out += [service.Change(f"indicator:{i}", False) for i in dict.fromkeys(review.remove_indicators) if i]
    out += [service.Change(f"requirement:{r}", True) for r in dict.fromkeys(review.attach_requirements) if r]
    out += [service.Change(f"requirement:{r}", False) for r in dict.fromkeys(review.detach_requirements) if r]
    return out


def apply_review(request: Request, db: sqlite3.Connection, doc_id: str, who: str, review: Review,
                 only_changed: bool = False) -> list[dict]:
    """Store the review through the review use case the CLI calls too (validated, one transaction, audit log,
    search index and outbox, then Elasticsearch fed); returns the audit entries.

    ``only_changed`` drops values equal to the current ones (a form sends every field back)."""
    try:
        done = service.review(db, web(request).config, doc_id, changes(review), who, review.note,
                              only_changed=only_changed)
    except service.NothingToCorrect as exc:
        raise views.InputError("Không có thay đổi nào để lưu.") from exc
    except service.CorrectionError as exc:
        raise views.InputError(str(exc)) from exc
    except DataFileError as exc:
        raise HTTPException(503, f"Kế hoạch đánh giá của kho dữ liệu không đọc được: {exc}") from exc
    for warning in done.warnings:
        log.warning("%s", warning)
    return done.entries


@router.post("/documents/{doc_id}/corrections", include_in_schema=False)
def correct_form(request: Request, doc_id: str, user: Reviewer, lang: Lang,
                 doc_type: Annotated[str, Form(max_length=10)] = "", issued: Annotated[str, Form(max_length=20)] = "",
                 add_indicator: Annotated[str, Form(max_length=40)] = "",
                 remove_indicator: Annotated[list[str], Form()] = [],  # noqa: B006 (FastAPI copies defaults)
                 attach_requirement: Annotated[str, Form(max_length=80)] = "",
                 detach_requirement: Annotated[list[str], Form()] = [],  # noqa: B006
                 note: Annotated[str, Form(max_length=2000)] = "", q: Annotated[str, Form(max_length=500)] = "",
                 ) -> Response:
    form = {"doc_type": doc_type, "issued": issued, "add_indicator": add_indicator,
            "remove_indicator": remove_indicator, "attach_requirement": attach_requirement,
            "detach_requirement": detach_requirement, "note": note}
    try:
        review = Review(doc_type=doc_type or None, issued=views.parse_day(issued, "Ngày ban hành"),
                        add_indicators=[add_indicator], remove_indicators=remove_indicator,
                        attach_requirements=[attach_requirement], detach_requirements=detach_requirement, note=note)
        with catalog(request) as db:
            views.document_or_404(db, doc_id)
            entries = apply_review(request, db, doc_id, user.name, review, only_changed=True)
    except views.InputError as exc:  # the document page again, the form as the reviewer left it
        return document_response(request, doc_id, user, q, form=form, error=exc.message(lang), status_code=422)
    back = f"/documents/{quote(doc_id)}?saved={len(entries)}" + (f"&q={quote(q)}" if q else "")
    return RedirectResponse(back + "#audit", 303)


@router.post("/api/documents/{doc_id}/corrections", response_model=CorrectionOut, tags=["review"],
             responses={404: {"description": "no such document"}, **CSRF})
def api_correct(request: Request, doc_id: DocId, body: CorrectionIn, user: Reviewer) -> CorrectionOut:
    """Correct the type or issue date, add/remove indicators, attach a document to a plan requirement by
    hand; every change goes to the audit log with who, when, before, after and the note."""
    review = Review(doc_type=body.doc_type or None, issued=body.issued, add_indicators=body.add_indicators,
                    remove_indicators=body.remove_indicators, attach_requirements=body.attach_requirements,
                    detach_requirements=body.detach_requirements, note=body.note)
    with catalog(request) as db:
        views.document_or_404(db, doc_id)
        entries = apply_review(request, db, doc_id, user.name, review)
    return CorrectionOut(entries=[AuditOut.model_validate(e) for e in entries])
