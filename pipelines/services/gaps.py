"""The gap report use case of both front ends: build it for the active (or named) plan, render a format."""

from __future__ import annotations

import sqlite3

from classify.indexset import load_index_set
from pipelines.assessment import gaps
from pipelines.assessment.formats import FORMATS
from pipelines.assessment.plan import Plan
from pipelines.catalog import documents
from pipelines.catalog import scores as score_overrides
from pipelines.services.active import active_plan


def build_report(db: sqlite3.Connection, plan: Plan | None = None) -> gaps.GapReport:
    """The gap report of ``plan`` (default: the catalog's active plan, which may raise ``DataFileError``), with the
    reviewers' score overrides of the plan (the provisional scores: :func:`pipelines.assessment.scores.score`)."""
    plan = plan or active_plan(db)
    index_set = load_index_set(plan.index_set)
    return gaps.build(plan, index_set, documents.records(db, (plan.period_from, plan.period_to), texts=False),
                      score_overrides.overrides(db, plan.id))


def render(report: gaps.GapReport, fmt: str, lang: str = "vi") -> str | bytes:
    """The report in one of :data:`~pipelines.assessment.formats.FORMATS` (``KeyError`` for another), its
    labels in ``lang`` where the format has a choice (the CSV header)."""
    return FORMATS[fmt].rendered(report, lang)
