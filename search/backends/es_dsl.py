"""Pure builders for the Elasticsearch backend: index template, bulk actions, search body.

No client and no server needed, so all of this is unit-tested offline.

Analysis. One ``text`` field analysed by ``mc_exact`` (lowercase, diacritics kept) with a ``text.folded``
sub-field analysed by ``mc_folded`` (lowercase + ``asciifolding``, which maps every Vietnamese vowel and
đ→d). A sub-field rather than ``asciifolding`` with ``preserve_original``: with both forms at the same
position of one field, an exact match and a folded one are the same term statistics, so "bàn" could
not be ranked above "bán"; two fields give the query one clause per form. The tokenizer is
``char_group`` splitting on white space, punctuation and symbols — the same tokens as the SQLite
backend and ``search.analysis`` ("10/CT-TTg" → 10, ct, ttg; "100.000" → 100, 000); the standard
tokenizer would keep "100.000" or "v1.2" whole and the two backends would disagree on such queries.
Text is NFC-normalised by us before indexing and in queries, so no ICU plugin is needed.

Ranking mirrors the SQLite backend: pages match on ``text.folded``; when the query has diacritics the
same query on ``text`` is a ``constant_score`` should-clause worth ``EXACT_TIER``, so exact-diacritic
pages come first and folded-only pages (OCR slips) after them. Above both, two more ``constant_score``
should-clauses (:mod:`search.ranking`): the whole query on the document's ``heading`` (type name, symbol,
trích yếu, signer; ``heading`` or ``heading.folded`` as for the text) worth ``TITLE_TIER``, and the query
read as a số ký hiệu equal to the keyword ``symbol_key`` worth ``SYMBOL_TIER``. Should-clauses only add
to the score of pages the ``must`` clause matched: totals and facets are those of the body match.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from ingest.text import nfc
from search.analysis import Query, Term
from search.model import EXACT_TIER, Filters, PageRecord, SearchRequest
from search.ranking import SYMBOL_TIER, TITLE_TIER, heading, query_symbol_key, symbol_key

SCHEMA_VERSION = 2  # bump with any change below: needs_rebuild() then turns true (2: heading, symbol_key)
FACET_FIELDS = {"doc_type": ("doc_type", 200), "unit": ("unit", 5000), "indicator": ("indicators", 1000)}
SOURCE_FIELDS = ["doc_id", "page", "text", "unit", "doc_type", "symbol", "issued", "subject", "source"]


def alias_name(prefix: str) -> str:
    """What the app reads and writes; it points at exactly one versioned index."""
    return f"{prefix}-pages"


def index_pattern(prefix: str) -> str:
    return f"{prefix}-pages-v*"


def index_name(prefix: str, stamp: str) -> str:
    return f"{prefix}-pages-v{SCHEMA_VERSION}-{stamp}"


def index_template(prefix: str) -> dict[str, Any]:
    """The composable index template (``PUT _index_template/<prefix>-pages``) for the versioned indexes."""
    tokenizer = {"type": "char_group", "tokenize_on_chars": ["whitespace", "punctuation", "symbol"]}
    keyword = {"type": "keyword"}
    return {
        "index_patterns": [index_pattern(prefix)],
        "priority": 100,
        "_meta": {"schema_version": SCHEMA_VERSION, "owner": "minhchung"},
        "template": {
            "settings": {
                "number_of_shards": 1,
                "auto_expand_replicas": "0-1",
                "analysis": {
                    "tokenizer": {"mc_words": tokenizer},
                    "analyzer": {
                        "mc_exact": {"type": "custom", "tokenizer": "mc_words", "filter": ["lowercase"]},
                        "mc_folded": {"type": "custom", "tokenizer": "mc_words",
                                      "filter": ["lowercase", "asciifolding"]},
                    },
                },
            },
            "mappings": {
                "dynamic": "strict",
                "_meta": {"schema_version": SCHEMA_VERSION},
                "properties": {
                    "doc_id": keyword, "sha256": keyword, "page": {"type": "integer"},
                    "text": {"type": "text", "analyzer": "mc_exact",
                             "fields": {"folded": {"type": "text", "analyzer": "mc_folded"}}},
                    "unit": keyword, "doc_type": keyword, "symbol": keyword, "indicators": keyword,
                    "issued": {"type": "date", "format": "strict_date"},
                    "in_period": {"type": "boolean"}, "method": keyword, "confidence": {"type": "float"},
                    "source": {"type": "keyword", "index": False},
                    "subject": {"type": "text", "index": False},
                    "heading": {"type": "text", "analyzer": "mc_exact",
                                "fields": {"folded": {"type": "text", "analyzer": "mc_folded"}}},
                    "symbol_key": keyword,
                },
            },
        },
    }


def doc_id(page: PageRecord) -> str:
    """One ES document per page: ``<doc_id>:<page>``."""
    return f"{page.doc_id}:{page.page}"


def page_source(page: PageRecord) -> dict[str, Any]:
    return {
        "doc_id": page.doc_id, "sha256": page.sha256, "page": page.page, "text": nfc(page.text),
        "unit": page.unit, "doc_type": page.doc_type, "symbol": page.symbol, "indicators": list(page.indicators),
        "issued": page.issued.isoformat() if page.issued else None, "in_period": page.in_period,
        "method": page.method, "confidence": page.confidence, "source": page.source, "subject": page.subject,
        "heading": nfc(heading(page)), "symbol_key": symbol_key(page.symbol),
    }


def bulk_actions(pages: Iterable[PageRecord], index: str) -> Iterator[dict[str, Any]]:
    """``helpers.streaming_bulk`` actions: index (create or replace) each page under its stable id."""
    for page in pages:
        yield {"_op_type": "index", "_index": index, "_id": doc_id(page), "_source": page_source(page)}


# --- queries ------------------------------------------------------------------------------------------


def term_query(term: Term, field: str) -> dict[str, Any]:
    """One term on ``text``/``heading`` (exact) or their ``.folded`` sub-field: match, match_phrase, prefix or
    phrase prefix."""
    exact = not field.endswith(".folded")
    tokens = term.tokens if exact else term.folded
    if term.prefix and len(tokens) == 1:
        return {"prefix": {field: {"value": tokens[0]}}}  # not analysed: we give the analysed form
    text = " ".join(tokens)
    if term.prefix:
        return {"match_phrase_prefix": {field: {"query": text, "max_expansions": 200}}}
    if len(tokens) == 1:
        return {"match": {field: {"query": text}}}
    return {"match_phrase": {field: {"query": text}}}


def text_query(query: Query, field: str) -> dict[str, Any]:
    """The whole query on one field: every clause must match (a clause is an OR), exclusions must not."""
    must = []
    for clause in query.clauses:
        alts = [term_query(term, field) for term in clause]
        must.append(alts[0] if len(alts) == 1 else {"bool": {"should": alts, "minimum_should_match": 1}})
    drop = "text" if query.accented else "text.folded"
    out: dict[str, Any] = {"must": must}
    if query.excluded:
        out["must_not"] = [term_query(term, drop) for term in query.excluded]
    return {"bool": out}


def filter_clauses(filters: Filters) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for field, values in (("unit", filters.units), ("doc_type", filters.doc_types),
                          ("indicators", filters.indicators)):
        if values:
            out.append({"terms": {field: list(values)}})
    if filters.issued_from or filters.issued_to:
        bounds = {}
        if filters.issued_from:
            bounds["gte"] = filters.issued_from.isoformat()
        if filters.issued_to:
            bounds["lte"] = filters.issued_to.isoformat()
        out.append({"range": {"issued": bounds}})
    if filters.in_period is not None:
        out.append({"term": {"in_period": filters.in_period}})
    if filters.method:
        out.append({"term": {"method": filters.method}})
    if filters.min_confidence is not None:  # text-layer pages (no OCR confidence) pass
        out.append({"bool": {"minimum_should_match": 1, "should": [
            {"range": {"confidence": {"gte": float(filters.min_confidence)}}},
            {"bool": {"must_not": [{"exists": {"field": "confidence"}}]}}]}})
    return out


def ranking_clauses(query: Query) -> list[dict[str, Any]]:
    """The should-clauses that order the matching pages: symbol, heading, exact diacritics."""
    heading_field = "heading" if query.accented else "heading.folded"
    clauses = [{"constant_score": {"filter": text_query(query, heading_field), "boost": TITLE_TIER}}]
    key = query_symbol_key(query)
    if key:
        clauses.insert(0, {"constant_score": {"filter": {"term": {"symbol_key": key}}, "boost": SYMBOL_TIER}})
    if query.accented:
        clauses.append({"constant_score": {"filter": text_query(query, "text"), "boost": EXACT_TIER}})
    return clauses


def search_body(query: Query, req: SearchRequest) -> dict[str, Any]:
    """The ``_search`` body: query, filters, sort, page of hits, exact total and the three facets."""
    matching = text_query(query, "text.folded")
    scored: dict[str, Any] = {"must": [matching], "filter": filter_clauses(req.filters)}
    if req.sort == "relevance":
        scored["should"] = ranking_clauses(query)
    if req.sort == "date":
        sort: list[Any] = [{"issued": {"order": "desc", "missing": "_last"}}, {"doc_id": "asc"}, {"page": "asc"}]
    else:
        sort = [{"_score": "desc"}, {"doc_id": "asc"}, {"page": "asc"}]
    body: dict[str, Any] = {
        "query": {"bool": scored}, "from": req.offset, "size": req.limit, "sort": sort,
        "track_total_hits": True, "_source": SOURCE_FIELDS,
    }
    if req.facets:
        body["aggs"] = {name: {"terms": {"field": field, "size": size}} for name, (field, size) in FACET_FIELDS.items()}
    return body
