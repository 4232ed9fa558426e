"""Pydantic models of the JSON API (they make the OpenAPI schema at ``/api/openapi.json``), and the input
types and documented error answers the feature modules share."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from pydantic import BaseModel, Field, StringConstraints

Short = Annotated[str, StringConstraints(max_length=80)]
Filter = Annotated[str, StringConstraints(max_length=200)]  # a unit, type or indicator to filter by
DocId = Annotated[str, StringConstraints(max_length=100)]
NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"description": "no such document or page"}}
CSRF: dict[int | str, dict[str, Any]] = {403: {"description": "role not allowed, or missing/wrong X-CSRF-Token"}}


class HitOut(BaseModel):
    doc_id: str
    page: int = Field(description="Page number inside the document (1-based).")
    score: float
    snippet_html: str = Field(description="HTML-escaped snippet, hits wrapped in <mark>.")
    unit: str | None
    doc_type: str | None
    symbol: str | None
    issued: date | None
    subject: str | None
    source: str | None
    url: str


class SearchOut(BaseModel):
    query: str
    total: int = Field(description="Matching pages.")
    offset: int
    limit: int
    took_ms: float
    hits: list[HitOut]
    facets: dict[str, dict[str, int]] = Field(description="doc_type, unit, indicator → value → matching pages.")


class IndicatorOut(BaseModel):
    id: str
    name: str | None
    score: float | None
    why: list[str]
    corrected: bool = False


class CorrectedOut(BaseModel):
    field: str
    value: Any
    who: str
    at: str
    note: str | None


class PageSummaryOut(BaseModel):
    page: int
    file_page: int
    method: str
    confidence: float | None


class AttachmentOut(BaseModel):
    """A part issued with the document (a regulation issued by a decision, an appendix)."""

    type: str | None
    title: str | None
    source_pages: list[int]


class SourcePartOut(BaseModel):
    """A run of pages of one file inside the document (a document sent as one file per page has several)."""

    source: str | None
    sha256: str
    pages: list[int] = Field(description="First and last page in the file, 1-based")


class DocumentOut(BaseModel):
    id: str
    sha256: str
    source: str | None
    source_pages: list[SourcePartOut]
    unit: str | None
    received: str | None
    doc_type: str | None
    doc_type_name: str | None
    doc_type_confidence: float | None
    doc_type_why: list[str] | None
    number: str | None
    symbol: str | None
    issued: str | None
    place: str | None
    issuer: str | None
    parent_issuer: str | None
    subject: str | None
    signer: str | None
    signer_title: str | None
    recipients: list[str] | None
    indicators: list[IndicatorOut]
    in_period: bool | None
    authority: str | None = Field(description="Thẩm quyền ký, e.g. “KT. Chủ tịch”")
    issuer_kind: str | None = Field(description="Loại cơ quan ban hành: SO, HUYEN, XA, CA, VKS, TA, THADS, …")
    party: bool | None = Field(description="Văn bản của Đảng (số ký hiệu kiểu “12-KH/HU”)")
    attachments: list[AttachmentOut] | None
    corrected: list[CorrectedOut]
    duplicates: list[str] = Field(default=[], description="Có thể trùng: văn bản ở tệp khác có cùng số, ký hiệu, "
                                                         "cơ quan ban hành, ngày và nội dung gần giống")
    duplicate_of: str | None = Field(default=None, description="Bản nhận trước của cùng đơn vị (bản được tính)")
    pages: list[PageSummaryOut]
    links: dict[str, str]


class DocumentListOut(BaseModel):
    total: int
    offset: int
    limit: int
    documents: list[DocumentOut]


class BoxOut(BaseModel):
    text: str
    left: float
    top: float
    width: float
    height: float


class PageOut(BaseModel):
    doc_id: str
    page: int
    file_page: int
    method: str
    confidence: float | None
    text: str
    text_html: str = Field(description="The text HTML-escaped, hits of q wrapped in <mark>.")
    hits: int
    image_url: str
    image_width: int
    image_height: int
    boxes: list[BoxOut] = Field(description="Word boxes of the hits of q, in the served image's pixels.")


class AuditOut(BaseModel):
    id: int | None = None
    at: str
    who: str
    doc_id: str
    field: str
    before: Any
    after: Any
    note: str | None


class CorrectionIn(BaseModel):
    doc_type: str | None = Field(None, max_length=10, description="Type code, e.g. KH, QĐ, CV.")
    issued: date | None = None
    add_indicators: list[Short] = Field(default_factory=list, max_length=50)
    remove_indicators: list[Short] = Field(default_factory=list, max_length=50)
    attach_requirements: list[Short] = Field(default_factory=list, max_length=50)
    detach_requirements: list[Short] = Field(default_factory=list, max_length=50)
    note: str | None = Field(None, max_length=2000)


class CorrectionOut(BaseModel):
    entries: list[AuditOut]


class GapCellOut(BaseModel):
    requirement: str
    requirement_name: str
    source: str
    deadline: date | None
    status: str
    status_vi: str
    reason: str
    documents: list[str]


class GapUnitOut(BaseModel):
    unit: str
    unit_kind: str
    documents: int
    complete_pct: float
    counts: dict[str, int]
    cells: list[GapCellOut]


class GapsOut(BaseModel):
    plan: str
    plan_name: str
    index_set: str
    period: list[date]
    units: list[GapUnitOut]
    units_without_submission: list[str]
    unknown_units: dict[str, int]
    unmatched_documents: list[str]


class QuarantinedOut(BaseModel):
    source: str | None
    sha256: str | None
    unit: str | None
    error: str | None


class RemoteProgressOut(BaseModel):
    workers: int = Field(description="remote OCR workers connected to the broker")
    queue_depth: int | None = Field(description="pages waiting in the OCR queue (of every job)")
    in_flight: int | None = Field(description="pages the workers hold")
    error: str | None = Field(description="why the broker could not be asked (credentials masked)")
    text: str = Field(description="the line shown on the job page, in the request's language")


class JobOut(BaseModel):
    id: str
    user: str
    unit: str
    received: str
    files: list[str]
    status: str = Field(description="queued | running | done | failed")
    stage: str
    done: int
    total: int
    created: str
    started: str | None
    finished: str | None
    summary: dict[str, Any] | None
    quarantined: list[QuarantinedOut]
    documents: list[str]
    error: str | None
    url: str
    remote: RemoteProgressOut | None = Field(default=None, description="while the job runs on remote OCR workers "
                                                                        "(a broker is configured)")


class UserOut(BaseModel):
    name: str
    role: str
    role_vi: str


class LoginIn(BaseModel):
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=1024)


class MeOut(BaseModel):
    name: str
    role: str
    role_vi: str
    permissions: list[str]
    csrf_token: str = Field(description="Send it as the X-CSRF-Token header with every POST.")
