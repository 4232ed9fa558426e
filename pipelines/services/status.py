"""What ``status`` shows on the CLI and the web: per unit counts, quarantined files, the outbox lag.

A quarantine entry is ``{source, sha256, unit, error, error_code, message}``: ``error`` the stored English
reason and ``error_code`` its message code (for machines), ``message`` the reason in the asked language (for
people; a file whose pages failed lists each page's reason)."""

from __future__ import annotations

import dataclasses
import sqlite3
from dataclasses import dataclass

from pipelines.catalog import documents, duplicates, files, outbox
from pipelines.catalog.status import unit_status
from pipelines.i18n import DEFAULT_LANG, stored_message, translate
from pipelines.services.config import Config


@dataclass(frozen=True)
class Status:
    units: list[dict]
    quarantined: list[dict]  # {source, sha256, unit, error, error_code, message}
    outbox: dict | None  # {pending, applied, oldest, error, error_at} once an external index is fed
    duplicates: list[dict] = dataclasses.field(default_factory=list)  # likely copies (likely_copies)
    remote: dict | None = None  # remote OCR workers when a broker is configured (executors.remote_status)

    def to_dict(self) -> dict:
        out: dict = {"units": self.units, "quarantined": self.quarantined, "duplicates": self.duplicates}
        if self.outbox is not None:
            out["outbox"] = self.outbox
        if self.remote is not None:
            out["remote"] = self.remote
        return out


def quarantined(db: sqlite3.Connection, batch: bool = False, lang: str = DEFAULT_LANG) -> list[dict]:
    """Quarantined files and refused zip entries with their reasons (``batch``: of the ingest batch only),
    ``message`` in ``lang``."""
    return [{"source": r["source"], "sha256": r["sha256"], "unit": r["unit"], "error": r["error"],
             "error_code": r["error_code"], "message": reason(db, r["sha256"], r["error_code"], r["error"], lang)}
            for r in files.quarantined(db, batch)]


def reason(db: sqlite3.Connection, sha256: str | None, code: str | None, error: str | None,
           lang: str = DEFAULT_LANG) -> str | None:
    """A stored quarantine reason in ``lang``; a file whose pages failed: each failed page's reason."""
    if code == files.PAGES_FAILED_CODE and sha256:
        pages = files.failed_pages(db, sha256)
        if pages:
            parts = [translate("page.failed", lang, page=p["n"],
                               reason=stored_message(p["error_code"], p["error"], lang) or "")
                     for p in pages]
            return stored_message(code, error, lang, pages="; ".join(parts))
    return stored_message(code, error, lang)


def likely_copies(db: sqlite3.Connection) -> list[dict]:
    """Documents that are likely copies of one received before them in the same unit (rescans), by unit:
    ``{doc, duplicate_of, unit, symbol, issued, source, source_of}``. The gap report counts each once
    (pipelines/catalog/duplicates.py says what "likely" means)."""
    out = []
    for doc, (facts, twins) in duplicates.all_twins(db).items():
        if twins.duplicate_of:
            source, source_of = (documents.first_source(db, sha) for sha in
                                 (facts.sha256, documents.doc_row(db, twins.duplicate_of).sha256))
            out.append({"doc": doc, "duplicate_of": twins.duplicate_of, "unit": facts.unit, "symbol": facts.symbol,
                        "issued": facts.issued, "source": source["source"] if source else None,
                        "source_of": source_of["source"] if source_of else None})
    return sorted(out, key=lambda r: (r["unit"] or "", r["doc"]))


def current_status(db: sqlite3.Connection, config: Config) -> Status:
    lag = dataclasses.asdict(outbox.lag(db)) if outbox.enabled(db) or config.es_url else None
    remote = None
    if config.broker_url:
        from pipelines.executors.remote_status import broker_status  # Celery only when a broker is configured

        remote = broker_status(config.broker_url)
    return Status(unit_status(db), quarantined(db, lang=config.lang), lag, likely_copies(db), remote)
