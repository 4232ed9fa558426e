"""Intake: the clerk's upload page and form, a job's progress page, and the same as JSON (``/api/uploads``:
queue files or a zip, list jobs, one job's progress) with the quarantine list (``GET /api/quarantine``).

Uploads are the only large request bodies the app takes, and only from a logged-in clerk's session
(:mod:`pipelines.web.body_limit`); every POST needs the session's CSRF token.
"""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import Annotated

from fastapi import APIRouter, File, Form, HTTPException, Request, UploadFile
from fastapi.responses import RedirectResponse, Response
from pydantic import StringConstraints

from pipelines.services import documents as docs
from pipelines.services import status
from pipelines.services.uploads import Job, UploadError, store_uploads
from pipelines.services.users import User
from pipelines.web import views
from pipelines.web.deps import Clerk, ClerkPoster, Reader, catalog, render, web
from pipelines.web.models import CSRF, JobOut, QuarantinedOut

router = APIRouter()


def _intake_context(request: Request) -> dict:
    with catalog(request) as db:
        plan = views.plan_or_503(db)
        quarantined = status.quarantined(db)
    return {"units": [u.name for u in plan.units], "jobs": web(request).intake.list(), "quarantined": quarantined,
            "today": date.today().isoformat(), "max_mb": web(request).settings.max_upload_bytes / 1024**2}


def submit_upload(request: Request, user: User, files: list[UploadFile], unit: str, received: date) -> Job:
    """Check the unit and date, store the files in a job folder and queue the job (422 on bad input)."""
    if received > date.today():
        raise views.InputError(f"Ngày nhận {received:%d/%m/%Y} ở tương lai.")
    with catalog(request) as db:
        plan = views.plan_or_503(db)
    known = plan.unit_for(unit.strip())
    if known is None:
        raise views.InputError(f"Đơn vị «{unit[:80]}» không có trong kế hoạch {plan.id} "
                               f"(quản trị viên thêm đơn vị bằng 'minhchung units import').")
    worker = web(request).intake
    job_id, folder = worker.new_folder(known.name)
    try:
        names = store_uploads(folder, [(f.filename, f.file) for f in files])
    except UploadError as exc:
        raise views.InputError(str(exc)) from exc
    return worker.submit(job_id, folder, names, known.name, received, user.name)


def job_out(job: Job) -> JobOut:
    return JobOut.model_validate({**dataclasses.asdict(job), "url": f"/intake/{job.id}"})


@router.get("/intake", include_in_schema=False)
def intake_page(request: Request, user: Clerk) -> Response:
    return render(request, "intake.html", {**_intake_context(request), "error": None})


@router.post("/intake", include_in_schema=False)
def intake_form(request: Request, user: ClerkPoster,
                files: Annotated[list[UploadFile], File()] = [],  # noqa: B006 (FastAPI copies defaults)
                unit: Annotated[str, Form(max_length=200)] = "",
                received: Annotated[str, Form(max_length=20)] = "") -> Response:
    try:
        day = views.parse_day(received, "Ngày nhận")
        if day is None:
            raise views.InputError("Nhập ngày nhận hồ sơ.")
        job = submit_upload(request, user, [f for f in files if f.filename], unit, day)
    except views.InputError as exc:
        return render(request, "intake.html", {**_intake_context(request), "error": str(exc)}, status_code=422)
    return RedirectResponse(f"/intake/{job.id}", 303)


@router.get("/intake/{job_id}", include_in_schema=False)
def job_page(request: Request, job_id: str, user: Clerk) -> Response:
    job = web(request).intake.get(job_id)
    if job is None:
        raise HTTPException(404, "Không có đợt tiếp nhận này (máy chủ chỉ nhớ các đợt từ lần khởi động gần nhất).")
    with catalog(request) as db:
        documents = [docs.document_record(db, d).to_export() for d in job.documents if docs.doc_file(db, d)]
    return render(request, "job.html", {"job": job, "documents": documents})


@router.post("/api/uploads", response_model=JobOut, status_code=202, tags=["intake"],
             responses={413: {"description": "over the upload size limit"}, **CSRF})
def api_upload(request: Request, user: ClerkPoster,
               files: Annotated[list[UploadFile], File(description="PDF, TIFF, JPEG, PNG or ZIP files")],
               unit: Annotated[str, Form(min_length=1, max_length=200)], received: Annotated[date, Form()]) -> JobOut:
    """Queue files (or a zip) received from a unit; processing runs in the background — poll the job."""
    return job_out(submit_upload(request, user, files, unit, received))


@router.get("/api/uploads", response_model=list[JobOut], tags=["intake"])
def api_jobs(request: Request, user: Clerk) -> list[JobOut]:
    """Intake jobs since the server started, newest first."""
    return [job_out(j) for j in web(request).intake.list()]


@router.get("/api/uploads/{job_id}", response_model=JobOut, tags=["intake"],
            responses={404: {"description": "no such job"}})
def api_job(request: Request, job_id: Annotated[str, StringConstraints(max_length=40)],
            user: Clerk) -> JobOut:
    """One intake job's progress: stage, pages done of total, and when done its documents and quarantine."""
    job = web(request).intake.get(job_id)
    if job is None:
        raise HTTPException(404, f"Không có đợt tiếp nhận «{job_id}».")
    return job_out(job)


@router.get("/api/quarantine", response_model=list[QuarantinedOut], tags=["intake"])
def api_quarantine(request: Request, user: Reader) -> list[QuarantinedOut]:
    """Files that could not be processed, with the reason."""
    with catalog(request) as db:
        return [QuarantinedOut.model_validate(q) for q in status.quarantined(db)]
