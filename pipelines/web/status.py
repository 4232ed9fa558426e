"""Status of the data home for people who read it: per unit counts, quarantined files with their reasons in the
reader's language, and the Elasticsearch outbox (changes waiting, since when, the last error) — the same
:func:`pipelines.services.status.current_status` that ``minhchung status`` prints."""

from __future__ import annotations

import dataclasses

from fastapi import APIRouter, Request
from pydantic import BaseModel

from pipelines.services.status import current_status
from pipelines.web.deps import Reader, catalog, web
from pipelines.web.lang import Lang

router = APIRouter()


class OutboxOut(BaseModel):
    pending: int  # changes written and not yet sent to Elasticsearch
    applied: int  # the last change sent (sequence number)
    oldest: str | None  # when the oldest waiting change was made
    error: str | None  # the last failed attempt's error, if the last attempt failed
    error_at: str | None


class StatusOut(BaseModel):
    units: list[dict]
    quarantined: list[dict]
    outbox: OutboxOut | None  # None until an Elasticsearch index is fed from this catalog
    remote: dict | None = None  # remote OCR workers (MINHCHUNG_BROKER_URL): workers, queue_depth, in_flight


@router.get("/api/status", response_model=StatusOut, tags=["intake"])
def api_status(request: Request, user: Reader, lang: Lang) -> StatusOut:
    """Per unit: documents, pages, OCR and text-layer pages, confidence; quarantined files with the reason in
    the reader's language; the Elasticsearch outbox's lag and last error."""
    config = dataclasses.replace(web(request).config, lang=lang)
    with catalog(request) as db:
        view = current_status(db, config)
    return StatusOut(units=view.units, quarantined=view.quarantined,
                     outbox=OutboxOut(**view.outbox) if view.outbox else None, remote=view.remote)
