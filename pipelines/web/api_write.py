"""The write side of the JSON API: a reviewer's corrections and a clerk's uploads (with their progress).

Every POST needs the session's CSRF token in the ``X-CSRF-Token`` header (from ``GET /api/me``).
"""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import Annotated

from fastapi import APIRouter, File, Form, HTTPException, Request, UploadFile
from pydantic import StringConstraints

from pipelines.services.uploads import Job
from pipelines.web import views
from pipelines.web.api_models import AuditOut, CorrectionIn, CorrectionOut, JobOut
from pipelines.web.deps import Clerk, ClerkPoster, Reviewer, catalog, web
from pipelines.web.pages_write import submit_upload
from pipelines.web.review import Review, apply_review

router = APIRouter(prefix="/api")
CSRF = {403: {"description": "role not allowed, or missing/wrong X-CSRF-Token"}}


@router.post("/documents/{doc_id}/corrections", response_model=CorrectionOut, tags=["review"],
             responses={404: {"description": "no such document"}, **CSRF})
def api_correct(request: Request, doc_id: Annotated[str, StringConstraints(max_length=100)], body: CorrectionIn,
                user: Reviewer) -> CorrectionOut:
    """Correct the type or issue date, add/remove indicators, attach a document to a plan requirement by
    hand; every change goes to the audit log with who, when, before, after and the note."""
    review = Review(doc_type=body.doc_type or None, issued=body.issued, add_indicators=body.add_indicators,
                    remove_indicators=body.remove_indicators, attach_requirements=body.attach_requirements,
                    detach_requirements=body.detach_requirements, note=body.note)
    with catalog(request) as db:
        views.document_or_404(db, doc_id)
        entries = apply_review(db, doc_id, user.name, review)
    return CorrectionOut(entries=[AuditOut.model_validate(e) for e in entries])


def job_out(job: Job) -> JobOut:
    return JobOut.model_validate({**dataclasses.asdict(job), "url": f"/intake/{job.id}"})


@router.post("/uploads", response_model=JobOut, status_code=202, tags=["intake"],
             responses={413: {"description": "over the upload size limit"}, **CSRF})
def api_upload(request: Request, user: ClerkPoster,
               files: Annotated[list[UploadFile], File(description="PDF, TIFF, JPEG, PNG or ZIP files")],
               unit: Annotated[str, Form(min_length=1, max_length=200)], received: Annotated[date, Form()]) -> JobOut:
    """Queue files (or a zip) received from a unit; processing runs in the background — poll the job."""
    return job_out(submit_upload(request, user, files, unit, received))


@router.get("/uploads", response_model=list[JobOut], tags=["intake"])
def api_jobs(request: Request, user: Clerk) -> list[JobOut]:
    """Intake jobs since the server started, newest first."""
    return [job_out(j) for j in web(request).intake.list()]


@router.get("/uploads/{job_id}", response_model=JobOut, tags=["intake"],
            responses={404: {"description": "no such job"}})
def api_job(request: Request, job_id: Annotated[str, StringConstraints(max_length=40)],
            user: Clerk) -> JobOut:
    """One intake job's progress: stage, pages done of total, and when done its documents and quarantine."""
    job = web(request).intake.get(job_id)
    if job is None:
        raise HTTPException(404, f"Không có đợt tiếp nhận «{job_id}».")
    return job_out(job)
