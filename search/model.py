"""The data a search backend takes and gives: pages in, requests in, results out."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import date

SORTS = ("relevance", "date")
EXACT_TIER = 1000.0  # added to the score of pages that match the query with its diacritics, by every backend
FACETS = ("doc_type", "unit", "indicator")
METHODS = ("text", "ocr")


@dataclass(frozen=True)
class PageRecord:
    """One page of one logical document, with the document's facts copied onto it.

    ``page`` is the page number inside the document (1-based) as reported in hits. ``confidence`` is the
    OCR confidence 0–100 (None for a text-layer page). ``indicators`` are index-set indicator ids.
    """

    doc_id: str
    sha256: str
    page: int
    text: str
    unit: str | None = None
    doc_type: str | None = None
    symbol: str | None = None
    issued: date | None = None
    in_period: bool | None = None
    indicators: tuple[str, ...] = ()
    method: str | None = None
    confidence: float | None = None
    source: str | None = None
    subject: str | None = None
    doc_type_name: str | None = None  # with symbol, subject and signer: the heading (search/ranking.py)
    signer: str | None = None


def _as_tuple(value: str | tuple[str, ...] | list[str] | None) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    return tuple(value)


@dataclass(frozen=True)
class Filters:
    """Restrictions on the pages a query may return; every set field must hold (AND).

    ``units``/``doc_types``/``indicators`` accept one value or several (any of them). A page without an
    issue date never passes a date bound; ``in_period`` passes only pages whose flag is known and equal.
    ``min_confidence`` (0–100) lets text-layer pages (no OCR confidence) through: their text is exact.
    """

    units: tuple[str, ...] = ()
    doc_types: tuple[str, ...] = ()
    indicators: tuple[str, ...] = ()
    issued_from: date | None = None
    issued_to: date | None = None
    in_period: bool | None = None
    method: str | None = None
    min_confidence: float | None = None

    def __post_init__(self) -> None:
        for name in ("units", "doc_types", "indicators"):
            object.__setattr__(self, name, _as_tuple(getattr(self, name)))
        if self.method is not None and self.method not in METHODS:
            raise ValueError(f"method must be one of {METHODS}, not {self.method!r}")
        if self.issued_from and self.issued_to and self.issued_from > self.issued_to:
            raise ValueError(f"issued_from {self.issued_from} is after issued_to {self.issued_to}")


@dataclass(frozen=True)
class SearchRequest:
    """A query with filters, a page of results, an order and how snippets are marked up.

    ``markers`` wrap each hit in the snippet: ``("**", "**")`` for a terminal, ``("<mark>", "</mark>")``
    with ``html=True`` for a web page (the text is HTML-escaped, the markers are not). ``reader_marks`` marks
    what a reader looks for instead of every match (:mod:`search.marking`: a phrase where it stands whole, the
    words in the form typed); the snippet's window is the same.
    ``sort="date"`` is newest issue date first (pages without a date last); pages of one date come in a
    stable order of the backend's (SQLite: the order they were indexed; Elasticsearch: document id, page).
    """

    query: str
    filters: Filters = field(default_factory=Filters)
    limit: int = 20
    offset: int = 0
    sort: str = "relevance"
    markers: tuple[str, str] = ("**", "**")
    html: bool = False
    snippet_chars: int = 240
    facets: bool = True  # False skips the facet counts (a next page of results needs only the total)
    snippet_docs: int | None = None  # snippets for the best page of the first N documents only (None: every hit)
    reader_marks: bool = False

    def __post_init__(self) -> None:
        if self.sort not in SORTS:
            raise ValueError(f"sort must be one of {SORTS}, not {self.sort!r}")
        if not 0 <= self.limit <= 1000:
            raise ValueError(f"limit must be between 0 and 1000, not {self.limit}")
        if self.offset < 0:
            raise ValueError(f"offset must not be negative, not {self.offset}")
        if len(self.markers) != 2:
            raise ValueError("markers must be a pair (before, after)")
        if self.snippet_docs is not None and self.snippet_docs < 0:
            raise ValueError(f"snippet_docs must not be negative, not {self.snippet_docs}")

    def snippet_mask(self, doc_ids: list[str]) -> list[bool]:
        """Which of these hits (in rank order) get a snippet: all, or with ``snippet_docs`` the first hit of
        each of the first N documents (a page of results grouped by document shows no other; the rest get "")."""
        if self.snippet_docs is None:
            return [True] * len(doc_ids)
        seen: set[str] = set()
        mask = []
        for doc_id in doc_ids:
            mask.append(doc_id not in seen and len(seen) < self.snippet_docs)
            seen.add(doc_id)
        return mask


@dataclass(frozen=True)
class Hit:
    doc_id: str
    page: int
    score: float
    snippet: str
    unit: str | None = None
    doc_type: str | None = None
    symbol: str | None = None
    issued: date | None = None
    subject: str | None = None
    source: str | None = None


@dataclass
class SearchResult:
    """``total`` pages match; ``hits`` is the requested slice; ``facets`` count all matching pages.

    ``facets`` maps "doc_type", "unit" and "indicator" to {value: number of matching pages}, most first.
    """

    total: int
    hits: list[Hit]
    facets: dict[str, dict[str, int]]
    took_ms: float


def elapsed_ms(started: float) -> float:
    """Milliseconds since ``started`` (a ``time.perf_counter()`` value), for ``SearchResult.took_ms``."""
    return round((time.perf_counter() - started) * 1000, 3)
