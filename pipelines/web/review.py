"""A reviewer's corrections from the web (form or API) turned into :mod:`pipelines.services.review` changes."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from datetime import date

from pipelines.services import review as corrections
from pipelines.services.active import active_index_set
from pipelines.web import records
from pipelines.web.views import InputError, plan_or_503


@dataclass
class Review:
    doc_type: str | None = None
    issued: date | None = None
    add_indicators: list[str] = field(default_factory=list)
    remove_indicators: list[str] = field(default_factory=list)
    attach_requirements: list[str] = field(default_factory=list)
    detach_requirements: list[str] = field(default_factory=list)
    note: str | None = None


def changes(review: Review) -> list[corrections.Change]:
    out = []
    if review.doc_type:
        out.append(corrections.Change("doc_type", review.doc_type))
    if review.issued:
        out.append(corrections.Change("issued", review.issued.isoformat()))
    out += [corrections.Change(f"indicator:{i}", True) for i in dict.fromkeys(review.add_indicators) if i]
    out += [corrections.Change(f"indicator:{i}", False) for i in dict.fromkeys(review.remove_indicators) if i]
    out += [corrections.Change(f"requirement:{r}", True) for r in dict.fromkeys(review.attach_requirements) if r]
    out += [corrections.Change(f"requirement:{r}", False) for r in dict.fromkeys(review.detach_requirements) if r]
    return out


def apply_review(db: sqlite3.Connection, doc_id: str, who: str, review: Review, only_changed: bool = False
                 ) -> list[dict]:
    """Validate and store the review (one transaction, audit-logged); returns the audit entries.

    ``only_changed`` drops values equal to the current ones (a form sends every field back)."""
    wanted = changes(review)
    if only_changed:
        wanted = [c for c in wanted if corrections.current_value(db, doc_id, c.field) != c.value]
    if not wanted:
        raise InputError("Không có thay đổi nào để lưu.")
    indicator_ids = {ind.id for ind in active_index_set(db).indicators()}
    requirement_ids = set(records.requirement_names(plan_or_503(db)))
    note = (review.note or "").strip() or None
    try:
        checked = [corrections.validate(c, indicator_ids, requirement_ids) for c in wanted]
        return corrections.correct(db, doc_id, checked, who, note)
    except corrections.CorrectionError as exc:
        raise InputError(str(exc)) from exc
