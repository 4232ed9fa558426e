"""Provisional scores: list them, and a reviewer's override of one unit's score of one indicator (with a note,
into the audit log). The use case of the CLI (``minhchung scores``) and of the web gaps page's form."""

from __future__ import annotations

import math
import re
import sqlite3
from dataclasses import dataclass

from pipelines.assessment import scores
from pipelines.assessment.plan import Plan
from pipelines.catalog import scores as overrides
from pipelines.catalog.db import Tx, now
from pipelines.i18n import CodedError
from pipelines.services.active import active_plan
from pipelines.services.gaps import build_report


class ScoreError(CodedError, ValueError):
    """An override that is refused: a ``score.*`` message code and its parameters (English ``str()``)."""


@dataclass(frozen=True)
class Overridden:
    """What an override changed: the audit entry written and the score as shown afterwards."""

    entry: dict
    score: scores.IndicatorScore


def parse_points(text: str) -> float:
    """A score as typed: "1.5" or "1,5" (the Vietnamese decimal comma); :class:`ScoreError` otherwise."""
    value = text.strip().replace(",", ".")
    if not re.fullmatch(r"\d+(\.\d+)?|\.\d+", value):
        raise ScoreError("score.not_a_number", value=text.strip()[:40])
    return float(value)


def score_report(db: sqlite3.Connection, plan: Plan | None = None) -> scores.ScoreReport:
    """The provisional scores of the plan (default: the active one) with the reviewers' overrides."""
    return scores.score(build_report(db, plan))


def find_score(report: scores.ScoreReport, plan: Plan, unit_name: str, indicator: str,
               index_set_ids: set[str]) -> tuple[scores.UnitScores, scores.IndicatorScore]:
    unit = plan.unit_for(unit_name)
    found = report.unit(unit.name) if unit else None
    if found is None:
        raise ScoreError("score.unknown_unit", unit=unit_name[:80], plan=plan.id)
    if indicator not in index_set_ids:
        raise ScoreError("score.unknown_indicator", id=indicator[:40], index_set=report.index_set)
    s = found.get(indicator)
    if s is None:
        raise ScoreError("score.not_applicable", id=indicator, unit=found.unit.name)
    return found, s


def override(db: sqlite3.Connection, unit_name: str, indicator: str, points: float | None, who: str, note: str,
             plan: Plan | None = None) -> Overridden:
    """Set (``points``) or remove (``points`` None) a reviewer's score of ``indicator`` for ``unit_name`` (a name
    or alias of the plan's unit), with a note; one transaction with its audit entry. Raises :class:`ScoreError`
    (unknown unit or indicator, not applicable, not scored, out of range, no note, nothing to remove)."""
    plan = plan or active_plan(db)
    report = build_report(db, plan)
    result = scores.score(report)
    unit, s = find_score(result, plan, unit_name, indicator, {i.id for i in report.index_set.indicators()})
    note = " ".join((note or "").split())
    if not note:
        raise ScoreError("score.note_required")
    if s.computed is None:
        raise ScoreError("score.not_scored", id=s.id, why=scores.SCORE_STATUS_VI[s.status])
    if points is None and s.override is None:
        raise ScoreError("score.no_override", id=s.id, unit=unit.unit.name)
    if points is not None and (not math.isfinite(points) or not 0 <= points <= (s.max or 0.0) + 1e-9):
        raise ScoreError("score.out_of_range", points=scores.num(points) if math.isfinite(points) else points,
                         max=scores.num(s.max))
    at = now()
    with Tx(db):
        overrides.write_override(db, plan.id, unit.unit.name, s.id, points, s.computed, s.points, who, at, note)
    entry = {"at": at, "who": who, "doc_id": overrides.audit_key(plan.id, unit.unit.name),
             "field": f"{overrides.AUDIT_PREFIX}{s.id}", "before": s.points, "after": points, "note": note}
    after = scores.score(build_report(db, plan)).unit(unit.unit.name)
    assert after is not None
    return Overridden(entry, after.get(s.id) or s)
