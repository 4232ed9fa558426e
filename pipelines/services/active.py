"""The index set (and so the assessment period) this catalog classifies with, and the plan its gap reports
follow: each remembered in the catalog's meta table once named.

Kept apart from :mod:`pipelines.services.classify` so that the search index, the reports and the web app can ask
for the period without importing the classification stage (which itself writes the search index).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import date
from typing import TypeVar

from classify.indexset import IndexSet, load_index_set
from pipelines.assessment.plan import Plan
from pipelines.assessment.plan_yaml import load_plan
from pipelines.assessment.units import load_units
from pipelines.catalog import settings
from pipelines.catalog.db import Tx

DEFAULT_INDEX_SET = "paca-2024"
DEFAULT_PLAN = "daklak-2024"
_T = TypeVar("_T")


def _remembered(db: sqlite3.Connection, key: str, ref: str | None, default: str, load: Callable[[str], _T]) -> _T:
    """``load(ref)``, remembering ``ref`` under ``key`` once it loaded; without ``ref`` the remembered one, else
    ``default``. Loading errors (IndexSetError, PlanError) propagate: the caller words them for its user."""
    if ref:
        value = load(ref)
        with Tx(db):
            settings.put(db, key, ref)
        return value
    return load(settings.get(db, key) or default)


def active_index_set(db: sqlite3.Connection, ref: str | None = None) -> IndexSet:
    """The index set named by ``ref`` (and remembered in the catalog), else the catalog's, else the default."""
    return _remembered(db, "index_set", ref, DEFAULT_INDEX_SET, load_index_set)


def active_plan(db: sqlite3.Connection, ref: str | None = None) -> Plan:
    """The plan named by ``ref`` (and remembered), else the catalog's, else the bundled default; with the unit
    list a clerk imported for it, if any."""
    plan = _remembered(db, "plan", ref, DEFAULT_PLAN, load_plan)
    units = load_units(db, plan.id)
    return plan.with_units(units) if units else plan


def active_period(db: sqlite3.Connection) -> tuple[date, date]:
    """The assessment period of the active index set (decides ``in_period`` of a corrected issue date)."""
    index_set = active_index_set(db)
    return index_set.period_from, index_set.period_to
