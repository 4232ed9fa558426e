"""What ``status`` shows on the CLI and the web: per unit counts, quarantined files, the outbox lag."""

from __future__ import annotations

import dataclasses
import sqlite3
from dataclasses import dataclass

from pipelines.catalog import documents, outbox
from pipelines.catalog.status import unit_status
from pipelines.services.config import Config


@dataclass(frozen=True)
class Status:
    units: list[dict]
    quarantined: list[dict]  # {source, sha256, unit, error}
    outbox: dict | None  # {pending, applied, oldest, error, error_at} once an external index is fed

    def to_dict(self) -> dict:
        out: dict = {"units": self.units, "quarantined": self.quarantined}
        if self.outbox is not None:
            out["outbox"] = self.outbox
        return out


def quarantined(db: sqlite3.Connection, batch: bool = False) -> list[dict]:
    """Quarantined files and refused zip entries with their reasons (``batch``: of the ingest batch only)."""
    return [{"source": q.source, "sha256": q.sha256, "unit": q.unit, "error": q.error}
            for q in documents.quarantined(db, batch)]


def current_status(db: sqlite3.Connection, config: Config) -> Status:
    lag = dataclasses.asdict(outbox.lag(db)) if outbox.enabled(db) or config.es_url else None
    return Status(unit_status(db), quarantined(db), lag)
