"""Reviewers' corrections and the audit log.

A correction sets one field of one document (``doc_type``, ``issued``, ``number``, ``symbol``, ``issuer``,
``signer``, ``subject``, ``unit``) or adds/removes one indicator (field ``indicator:B.1.9``, value true or
false) or attaches/detaches it to a requirement of the plan (field ``requirement:SNV.CT10``, value true or
false; the gap engine counts an attached document as present). Corrections live in their own table, so
classifying again never overwrites them; every change is appended to the audit log with who, when, the
value before and after, and the note.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import date

from classify.doctype import TYPES
from classify.indexset import load_index_set
from pipelines.assessment.plan import Plan, requirements_for
from pipelines.catalog import documents
from pipelines.catalog.db import Tx, now
from pipelines.catalog.records import CORRECTABLE as FIELDS
from pipelines.i18n import CodedError
from pipelines.services.active import active_index_set, active_plan
from pipelines.services.config import Config
from pipelines.services.search import drain_outbox, index_document


class CorrectionError(CodedError, ValueError):
    """A correction that is refused: a ``correction.*`` message code and its parameters (English ``str()``)."""


class NothingToCorrect(CorrectionError):
    """Every value given equals the current one (or none was given)."""

    def __init__(self) -> None:
        super().__init__("correction.nothing")

    def __reduce__(self) -> tuple:
        return (NothingToCorrect, ())


@dataclass(frozen=True)
class Change:
    field: str
    value: object  # str, ISO date, or bool for indicator:<id>


def validate(change: Change, indicator_ids: set[str], requirement_ids: set[str] | None = None) -> Change:
    """``requirement_ids``: the active plan's requirement ids (needed to accept ``requirement:<id>``)."""
    if change.field.startswith("requirement:"):
        req = change.field.split(":", 1)[1]
        if requirement_ids is None or req not in requirement_ids:
            raise CorrectionError("correction.unknown_requirement", id=req)
        if not isinstance(change.value, bool):
            raise CorrectionError("correction.requirement_bool", field=change.field)
        return change
    if change.field.startswith("indicator:"):
        ind = change.field.split(":", 1)[1]
        if ind not in indicator_ids:
            raise CorrectionError("correction.unknown_indicator", id=ind)
        return change
    if change.field not in FIELDS:
        raise CorrectionError("correction.unknown_field", field=change.field, fields=", ".join(FIELDS))
    if change.field == "doc_type" and change.value not in TYPES:
        raise CorrectionError("correction.unknown_type", value=change.value, codes=", ".join(TYPES))
    if change.field == "issued":
        try:
            date.fromisoformat(str(change.value))
        except ValueError as exc:
            raise CorrectionError("correction.not_a_date", value=change.value) from exc
    return change


def correct(db: sqlite3.Connection, doc: str, changes: list[Change], who: str, note: str | None) -> list[dict]:
    """Store the changes (one transaction, with the search index and the outbox row) and append them to the
    audit log; returns the audit entries."""
    if not documents.exists(db, doc):
        raise CorrectionError("correction.no_document", id=doc)
    entries = []
    at = now()
    with Tx(db):
        for change in changes:
            before = current_value(db, doc, change.field)
            documents.write_correction(db, doc, change.field, change.value, before, who, at, note)
            entries.append({"at": at, "who": who, "doc_id": doc, "field": change.field, "before": before,
                            "after": change.value, "note": note})
        index_document(db, doc)
    return entries


def current_value(db: sqlite3.Connection, doc: str, field: str) -> object:
    """What export shows now for this field (a correction if any, else the classifier's value)."""
    corrected, value = documents.correction_value(db, doc, field)
    if corrected:
        return value
    facts = documents.stored_facts(db, doc)
    if field.startswith("indicator:"):
        return any(t["id"] == field.split(":", 1)[1] for t in facts.get("indicators") or [])
    if field.startswith("requirement:"):
        return False
    return facts.get(field)


def requirement_ids(plan: Plan) -> dict[str, str]:
    """Every requirement id of the plan (over all its units) → its name."""
    index_set = load_index_set(plan.index_set)
    out: dict[str, str] = {}
    for unit in plan.units:
        for req in requirements_for(plan, unit, index_set):
            out.setdefault(req.id, req.name)
    return out


@dataclass(frozen=True)
class Reviewed:
    entries: list[dict]  # the audit entries written
    warnings: list[str]  # e.g. Elasticsearch not reachable (the change waits in the outbox)


def review(db: sqlite3.Connection, config: Config, doc: str, changes: list[Change], who: str,
           note: str | None = None, *, only_changed: bool = False) -> Reviewed:
    """The review use case of both front ends: validate the changes against the active index set and plan,
    store them with the audit log and the index (one transaction), then feed external indexes.

    ``only_changed`` drops values equal to the current ones (a form sends every field back). Raises
    :class:`CorrectionError` (nothing to change, unknown document, field, type, indicator or requirement)
    and, when a requirement is named and the plan cannot be read, the plan's ``DataFileError``."""
    if only_changed:
        changes = [c for c in changes if current_value(db, doc, c.field) != c.value]
    if not changes:
        raise NothingToCorrect()
    indicator_ids = {ind.id for ind in active_index_set(db).indicators()}
    needs_plan = any(c.field.startswith("requirement:") for c in changes)
    req_ids = set(requirement_ids(active_plan(db))) if needs_plan else None
    checked = [validate(c, indicator_ids, req_ids) for c in changes]
    entries = correct(db, doc, checked, who, (note or "").strip() or None)
    return Reviewed(entries, drain_outbox(db, config.es_url))


def audit_log(db: sqlite3.Connection, doc: str | None = None) -> list[dict]:
    return documents.audit_log(db, doc)
