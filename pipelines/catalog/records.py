"""The typed read model of a document: :class:`DocumentRecord`, with reviewers' corrections applied.

One record per logical document, in the shape of the export contract (``docs/export-contract.md``); the
web API's ``DocumentOut``, the search index's page records and the gap engine's input are all derived from
it (``tests/unit/test_record_contract.py`` fails when one of them misses a field). Records are frozen: a
correction gives a new record (:meth:`DocumentRecord.effective`), never an edited one.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from datetime import date
from typing import Any

from classify.doctype import TYPES

# Facts that the classification stage fills; null until then. After the first contract's fields:
# authority ("KT. Chủ tịch"), issuer_kind (SO, HUYEN, …), party (Party document scheme), and attachments
# issued with the document ([{"type", "title", "source_pages"}]).
FACT_FIELDS = ("doc_type", "doc_type_name", "doc_type_confidence", "doc_type_why", "number", "symbol",
               "issued", "place", "issuer", "parent_issuer", "subject", "signer", "signer_title",
               "recipients", "indicators", "in_period", "authority", "issuer_kind", "party", "attachments")
# Fields a reviewer may set directly (besides indicator:<id> and requirement:<id>).
CORRECTABLE = ("doc_type", "issued", "number", "symbol", "issuer", "signer", "subject", "unit")


def plain(value: Any) -> Any:
    """JSON-ready copy: tuples become lists, dicts and lists are copied."""
    if isinstance(value, tuple | list):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    return value


def frozen(value: Any) -> Any:
    """Lists become tuples (recursively); dicts stay dicts (their lists become tuples)."""
    if isinstance(value, list | tuple):
        return tuple(frozen(v) for v in value)
    if isinstance(value, dict):
        return {k: frozen(v) for k, v in value.items()}
    return value


@dataclass(frozen=True)
class PageInfo:
    n: int  # page number in the file
    method: str  # text | ocr | none
    confidence: float | None
    text: str | None = None
    has_text: bool = False  # read with texts (export); False for fact-only reads

    def to_export(self) -> dict:
        out = {"n": self.n, "method": self.method, "confidence": self.confidence}
        return out | {"text": self.text} if self.has_text else out


@dataclass(frozen=True)
class SourcePart:
    """A run of pages of one file inside a document (a document sent as one file per page has several)."""

    sha256: str
    source: str | None  # the file's first source, as ``DocumentRecord.source``
    first: int  # page numbers in the file, 1-based, inclusive
    last: int

    @property
    def count(self) -> int:
        return self.last - self.first + 1

    def to_export(self) -> dict:
        return {"source": self.source, "sha256": self.sha256, "pages": [self.first, self.last]}

    @classmethod
    def from_export(cls, data: object, record: dict) -> tuple[SourcePart, ...]:
        """The parts of an export's ``source_pages``: a list of parts, or the ``[first, last]`` pair of an
        export written before documents could span files (the record's own file)."""
        if isinstance(data, list | tuple) and len(data) == 2 and all(isinstance(v, int) for v in data):
            return (cls(record.get("sha256"), record.get("source"), data[0], data[1]),)
        return tuple(cls(p["sha256"], p.get("source"), p["pages"][0], p["pages"][1]) for p in data or ())


@dataclass(frozen=True)
class Correction:
    field: str  # a CORRECTABLE field, indicator:<id> or requirement:<id>
    value: Any  # str, ISO date, or bool for indicator:/requirement:
    who: str
    at: str
    note: str | None

    def to_export(self) -> dict:
        return {"field": self.field, "value": plain(self.value), "who": self.who, "at": self.at, "note": self.note}


@dataclass(frozen=True)
class DocumentRecord:
    id: str
    sha256: str
    source: str | None
    source_pages: tuple[SourcePart, ...]  # the document's files and pages, in reading order (first: ``sha256``)
    unit: str | None
    received: str | None
    status: str
    error: str | None
    pages: tuple[PageInfo, ...]
    doc_type: str | None = None
    doc_type_name: str | None = None
    doc_type_confidence: float | None = None
    doc_type_why: tuple[str, ...] | None = None
    number: str | None = None
    symbol: str | None = None
    issued: str | None = None
    place: str | None = None
    issuer: str | None = None
    parent_issuer: str | None = None
    subject: str | None = None
    signer: str | None = None
    signer_title: str | None = None
    recipients: tuple[str, ...] | None = None
    indicators: tuple[dict, ...] | None = None  # {"id", "score", "why"[, "corrected"]}
    in_period: bool | None = None
    authority: str | None = None
    issuer_kind: str | None = None
    party: bool | None = None  # a Party document (Đảng's numbering scheme, e.g. "12-KH/HU")
    attachments: tuple[dict, ...] | None = None  # {"type", "title", "source_pages"}
    corrected: tuple[Correction, ...] = ()
    # likely copies in other files (pipelines/catalog/duplicates.py), read with the record, never stored:
    duplicates: tuple[str, ...] = ()  # their ids, first received first
    duplicate_of: str | None = None  # the first received copy of the same unit, when it is not this one

    @classmethod
    def from_facts(cls, facts: dict, corrections: tuple[Correction, ...] = (), **base: Any) -> DocumentRecord:
        """A record from the stored classifier facts (a JSON object) and the file's base fields."""
        return cls(**base, **{k: frozen(facts.get(k)) for k in FACT_FIELDS}, corrected=corrections)

    @classmethod
    def from_export(cls, data: dict) -> DocumentRecord:
        """The inverse of :meth:`to_export` (for tests, benchmarks and re-imports of an export)."""
        pages = tuple(PageInfo(p["n"], p["method"], p.get("confidence"), p.get("text"), "text" in p)
                      for p in data.get("pages") or ())
        corrected = tuple(Correction(c["field"], c["value"], c["who"], c["at"], c.get("note"))
                          for c in data.get("corrected") or ())
        base = {f.name: frozen(data.get(f.name)) for f in dataclasses.fields(cls)
                if f.name not in ("pages", "corrected")}
        base["source_pages"] = SourcePart.from_export(data["source_pages"], data)
        base["duplicates"] = base["duplicates"] or ()  # an export of a release before near-duplicates
        base["status"] = data.get("status") or "done"
        return cls(**base, pages=pages, corrected=corrected)

    @property
    def issued_date(self) -> date | None:
        return date.fromisoformat(self.issued) if self.issued else None

    @property
    def attached(self) -> frozenset[str]:
        """Requirement ids a reviewer attached this document to."""
        return frozenset(c.field.split(":", 1)[1] for c in self.corrected
                         if c.field.startswith("requirement:") and c.value)

    def effective(self, period: tuple[date, date] | None) -> DocumentRecord:
        """The record with its corrections applied, in field order (the latest value of each field wins;
        ``period`` decides ``in_period`` of a corrected issue date)."""
        if not self.corrected:
            return self
        changes: dict[str, Any] = {}
        indicators = list(self.indicators or ())
        for c in self.corrected:
            if c.field.startswith("indicator:"):
                ind = c.field.split(":", 1)[1]
                indicators = [t for t in indicators if t["id"] != ind]
                if c.value:
                    indicators.insert(0, {"id": ind, "score": 1.0, "why": (f"người rà soát {c.who} thêm",),
                                          "corrected": True})
            elif c.field.startswith("requirement:"):
                continue  # listed in ``corrected``; the gap engine reads it from there (``attached``)
            else:
                changes[c.field] = c.value
                if c.field == "doc_type":
                    changes |= {"doc_type_name": TYPES.get(c.value), "doc_type_confidence": 1.0,
                                "doc_type_why": (f"người rà soát {c.who} sửa",)}
                if c.field == "issued" and period:
                    changes["in_period"] = period[0] <= date.fromisoformat(c.value) <= period[1]
        return dataclasses.replace(self, **changes, indicators=tuple(indicators))

    def to_export(self) -> dict:
        """The export contract's JSON object (field order as in the contract)."""
        out: dict[str, Any] = {}
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            if f.name == "pages":
                out["pages"] = [p.to_export() for p in value]
            elif f.name == "corrected":
                out["corrected"] = [c.to_export() for c in value]
            elif f.name == "source_pages":
                out["source_pages"] = [p.to_export() for p in value]
            else:
                out[f.name] = plain(value)
        return out


@dataclass(frozen=True)
class QuarantinedFile:
    """A file (or refused zip entry) that could not be processed, with the reason: ``error`` in English and
    ``error_code``, its message code (``pipelines.i18n``; None for a reason stored before codes)."""

    source: str
    sha256: str | None
    unit: str | None
    error: str | None
    status: str = "quarantined"
    error_code: str | None = None

    def to_export(self) -> dict:
        return {"source": self.source, "sha256": self.sha256, "unit": self.unit, "status": self.status,
                "error": self.error, "error_code": self.error_code}


def loads(value: str | None, default: Any = None) -> Any:
    return json.loads(value) if value else default
