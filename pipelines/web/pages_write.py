"""The pages that change something: a reviewer's correction form and the clerk's intake (upload, progress)."""

from __future__ import annotations

from datetime import date
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, File, Form, HTTPException, Request, UploadFile
from fastapi.responses import RedirectResponse, Response

from pipelines.catalog import read as report
from pipelines.services.uploads import Job, UploadError, store_uploads
from pipelines.services.users import User
from pipelines.web import records, views
from pipelines.web.deps import Clerk, ClerkPoster, Reviewer, catalog, render, web
from pipelines.web.review import Review, apply_review

router = APIRouter(include_in_schema=False)


@router.post("/documents/{doc_id}/corrections")
def correct_form(request: Request, doc_id: str, user: Reviewer,
                 doc_type: Annotated[str, Form(max_length=10)] = "", issued: Annotated[str, Form(max_length=20)] = "",
                 add_indicator: Annotated[str, Form(max_length=40)] = "",
                 remove_indicator: Annotated[list[str], Form()] = [],  # noqa: B006 (FastAPI copies defaults)
                 attach_requirement: Annotated[str, Form(max_length=80)] = "",
                 detach_requirement: Annotated[list[str], Form()] = [],  # noqa: B006
                 note: Annotated[str, Form(max_length=2000)] = "", q: Annotated[str, Form(max_length=500)] = "",
                 ) -> Response:
    review = Review(doc_type=doc_type or None, issued=views.parse_day(issued, "Ngày ban hành"),
                    add_indicators=[add_indicator], remove_indicators=remove_indicator,
                    attach_requirements=[attach_requirement], detach_requirements=detach_requirement, note=note)
    with catalog(request) as db:
        views.document_or_404(db, doc_id)
        entries = apply_review(db, doc_id, user.name, review, only_changed=True)
    back = f"/documents/{quote(doc_id)}?saved={len(entries)}" + (f"&q={quote(q)}" if q else "")
    return RedirectResponse(back + "#audit", 303)


def _intake_context(request: Request) -> dict:
    with catalog(request) as db:
        plan = views.plan_or_503(db)
        quarantined = report.quarantine(db)
    return {"units": [u.name for u in plan.units], "jobs": web(request).intake.list(), "quarantined": quarantined,
            "today": date.today().isoformat(), "max_mb": web(request).settings.max_upload_bytes / 1024**2}


@router.get("/intake")
def intake_page(request: Request, user: Clerk) -> Response:
    return render(request, "intake.html", {**_intake_context(request), "error": None})


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


@router.post("/intake")
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


@router.get("/intake/{job_id}")
def job_page(request: Request, job_id: str, user: Clerk) -> Response:
    job = web(request).intake.get(job_id)
    if job is None:
        raise HTTPException(404, "Không có đợt tiếp nhận này (máy chủ chỉ nhớ các đợt từ lần khởi động gần nhất).")
    with catalog(request) as db:
        documents = [records.document_record(db, doc) for d in job.documents if (doc := records.doc_file(db, d))]
    return render(request, "job.html", {"job": job, "documents": documents})
