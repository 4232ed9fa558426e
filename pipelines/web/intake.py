"""Intake: the clerk's upload page and form, a job's progress page, and the same as JSON (``/api/uploads``:
queue files or a zip, list jobs, one job's progress) with the quarantine list (``GET /api/quarantine``).

Uploads are the only large request bodies the app takes, and only from a logged-in clerk's session
(:mod:`pipelines.web.body_limit`); every POST needs the session's CSRF token. A clerk sees their own upload
batches, an administrator everyone's; another clerk's batch is answered 404, like one that does not exist.
A refused upload from the form shows the intake page again with the message beside its field and the unit
and date as typed (the browser checks the size before sending; ``?refused=too_large`` names a body the
server refused unread).
"""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import Annotated

from fastapi import APIRouter, File, Form, HTTPException, Query, Request, UploadFile
from fastapi.responses import RedirectResponse, Response
from pydantic import StringConstraints

from pipelines.assessment.plan import Unit
from pipelines.i18n import translate
from pipelines.services import documents as docs
from pipelines.services import status
from pipelines.services.uploads import Job, UploadError, store_uploads
from pipelines.services.users import User
from pipelines.web import views
from pipelines.web.deps import Clerk, ClerkPoster, Reader, catalog, render, web
from pipelines.web.lang import Lang
from pipelines.web.models import CSRF, JobOut, QuarantinedOut

router = APIRouter()
REFUSED = {"too_large": "Tệp gửi lên quá lớn: mỗi lần gửi tối đa {mb:.0f} MB. Chia thành nhiều lần gửi, "
                        "hoặc nén thành ZIP."}


def _said(exc: Exception) -> str:
    """An error's text for the user: its message in Vietnamese when it carries a code, else its text."""
    message = getattr(exc, "message", None)
    return str(message()) if callable(message) else str(exc)


def _owner(user: User) -> str | None:
    """Whose batches the user sees: their own; an administrator everyone's (None)."""
    return None if user.can("admin") else user.name


def _intake_context(request: Request, user: User) -> dict:
    with catalog(request) as db:
        plan = views.plan_or_503(db)
        quarantined = status.quarantined(db)
    return {"units": [u.name for u in plan.units], "jobs": web(request).intake.list(_owner(user)),
            "quarantined": quarantined, "today": date.today().isoformat(),
            "max_mb": web(request).settings.max_upload_bytes / 1024**2,
            "max_bytes": web(request).settings.max_upload_bytes, "errors": {}, "form": {}}


def check_received(received: date) -> date:
    if received > date.today():
        raise views.InputError(f"Ngày nhận {received:%d/%m/%Y} ở tương lai.")
    return received


def known_unit(request: Request, unit: str) -> Unit:
    """The plan's unit named ``unit`` (or one of its aliases); InputError when there is none."""
    with catalog(request) as db:
        plan = views.plan_or_503(db)
    known = plan.unit_for(unit.strip())
    if known is None:
        raise views.InputError(f"Đơn vị «{unit[:80]}» không có trong kế hoạch {plan.id} "
                               f"(quản trị viên thêm đơn vị bằng 'minhchung units import').")
    return known


def queue_files(request: Request, user: User, files: list[UploadFile], unit: Unit, received: date) -> Job:
    """Store the files in a job folder and queue the job (InputError when a file is refused)."""
    worker = web(request).intake
    job_id, folder = worker.new_folder(unit.name)
    try:
        names = store_uploads(folder, [(f.filename, f.file) for f in files])
    except UploadError as exc:
        raise views.InputError(_said(exc)) from exc
    return worker.submit(job_id, folder, names, unit.name, received, user.name)


def submit_upload(request: Request, user: User, files: list[UploadFile], unit: str, received: date) -> Job:
    """Check the unit and date, store the files in a job folder and queue the job (422 on bad input)."""
    check_received(received)
    return queue_files(request, user, files, known_unit(request, unit), received)


def remote_progress(request: Request, job: Job, lang: str) -> dict | None:
    """While a job runs with remote OCR workers: how many are connected, the queue depth, the pages in flight
    (as ``status`` shows them) and that line in ``lang``; None otherwise."""
    remote = web(request).intake.remote_status() if job.status in ("queued", "running") else None
    if remote is None:
        return None
    if remote["error"]:
        text = translate("remote.job_progress_error", lang, reason=remote["error"])
    else:
        text = translate("remote.job_progress", lang, workers=len(remote["workers"]), depth=remote["queue_depth"],
                         in_flight=remote["in_flight"])
    return {"workers": len(remote["workers"]), "queue_depth": remote["queue_depth"],
            "in_flight": remote["in_flight"], "error": remote["error"], "text": text}


def job_out(job: Job, remote: dict | None = None) -> JobOut:
    return JobOut.model_validate({**dataclasses.asdict(job), "url": f"/intake/{job.id}", "remote": remote})


def job_of(request: Request, user: User, job_id: str) -> Job:
    """The job, when it is the user's (or the user is an administrator); 404 otherwise."""
    job = web(request).intake.get(job_id)
    if job is None or (_owner(user) is not None and job.user != user.name):
        raise HTTPException(404, f"Không có đợt tiếp nhận «{job_id[:40]}» của bạn.")
    return job


@router.get("/intake", include_in_schema=False)
def intake_page(request: Request, user: Clerk,
                refused: Annotated[str, Query(max_length=40)] = "") -> Response:
    context = _intake_context(request, user)
    if refused in REFUSED:
        context["errors"] = {"files": REFUSED[refused].format(mb=context["max_mb"])}
    return render(request, "intake.html", context)


@router.post("/intake", include_in_schema=False)
def intake_form(request: Request, user: ClerkPoster,
                files: Annotated[list[UploadFile], File()] = [],  # noqa: B006 (FastAPI copies defaults)
                unit: Annotated[str, Form(max_length=200)] = "",
                received: Annotated[str, Form(max_length=20)] = "") -> Response:
    errors: dict[str, str] = {}
    day = found = None
    try:
        day = views.parse_day(received, "Ngày nhận")
        if day is None:
            raise views.InputError("Nhập ngày nhận hồ sơ.")
        check_received(day)
    except views.InputError as exc:
        errors["received"] = str(exc)
    try:
        found = known_unit(request, unit) if unit.strip() else None
        if found is None:
            raise views.InputError("Chọn đơn vị gửi hồ sơ.")
    except views.InputError as exc:
        errors["unit"] = str(exc)
    chosen = [f for f in files if f.filename]
    if not chosen:
        errors["files"] = "Chọn ít nhất một tệp để tải lên."
    if not errors and day is not None and found is not None:
        try:
            job = queue_files(request, user, chosen, found, day)
        except views.InputError as exc:
            errors["files"] = str(exc)
        else:
            return RedirectResponse(f"/intake/{job.id}", 303)
    context = {**_intake_context(request, user), "errors": errors, "form": {"unit": unit, "received": received}}
    return render(request, "intake.html", context, status_code=422)


@router.get("/intake/{job_id}", include_in_schema=False)
def job_page(request: Request, job_id: str, user: Clerk, lang: Lang) -> Response:
    job = job_of(request, user, job_id)
    with catalog(request) as db:
        documents = [docs.document_record(db, d).to_export() for d in job.documents if docs.doc_file(db, d)]
    return render(request, "job.html", {"job": job, "documents": documents,
                                        "remote": remote_progress(request, job, lang)})


@router.post("/api/uploads", response_model=JobOut, status_code=202, tags=["intake"],
             responses={413: {"description": "over the upload size limit"}, **CSRF})
def api_upload(request: Request, user: ClerkPoster,
               files: Annotated[list[UploadFile], File(description="PDF, TIFF, JPEG, PNG or ZIP files")],
               unit: Annotated[str, Form(min_length=1, max_length=200)], received: Annotated[date, Form()]) -> JobOut:
    """Queue files (or a zip) received from a unit; processing runs in the background — poll the job."""
    return job_out(submit_upload(request, user, files, unit, received))


@router.get("/api/uploads", response_model=list[JobOut], tags=["intake"])
def api_jobs(request: Request, user: Clerk) -> list[JobOut]:
    """Intake jobs, newest first: the clerk's own (an administrator's: everyone's)."""
    return [job_out(j) for j in web(request).intake.list(_owner(user))]


@router.get("/api/uploads/{job_id}", response_model=JobOut, tags=["intake"],
            responses={404: {"description": "no such job, or another clerk's"}})
def api_job(request: Request, job_id: Annotated[str, StringConstraints(max_length=40)],
            user: Clerk, lang: Lang) -> JobOut:
    """One intake job's progress: stage, pages done of total, and when done its documents and quarantine;
    while it runs on remote OCR workers, how many are connected, the queue depth and the pages in flight."""
    job = job_of(request, user, job_id)
    return job_out(job, remote_progress(request, job, lang))


@router.get("/api/quarantine", response_model=list[QuarantinedOut], tags=["intake"])
def api_quarantine(request: Request, user: Reader) -> list[QuarantinedOut]:
    """Files that could not be processed, with the reason."""
    with catalog(request) as db:
        return [QuarantinedOut.model_validate(q) for q in status.quarantined(db)]
