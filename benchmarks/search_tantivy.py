"""The second embedded engine for the search benchmark: tantivy with the same exact + folded fields.

Same analysis as the SQLite backend (``search.analysis.index_forms``: space-separated exact and folded
tokens, which tantivy's default tokenizer splits back on the spaces), same query semantics (matching on
the folded field; exact-diacritic matches first via a constant +1000 when the query has diacritics;
exclusions on the exact field then), same filters, facets from tantivy's terms aggregations and
snippets from the same highlighter over the stored text — so the timings compare like for like.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import tantivy

from search.analysis import Query, Term, index_forms, parse_query
from search.model import EXACT_TIER, FACETS, PageRecord, SearchRequest
from search.snippets import highlight, matcher


def _schema() -> tantivy.Schema:
    b = tantivy.SchemaBuilder()
    b.add_text_field("key", stored=True, tokenizer_name="raw")  # doc_id \x1f page
    b.add_text_field("exact", tokenizer_name="default", index_option="position")
    b.add_text_field("folded", tokenizer_name="default", index_option="position")
    b.add_bytes_field("text", stored=True)
    for name in ("unit", "doc_type", "indicator", "method"):
        b.add_text_field(name, fast=True, tokenizer_name="raw")
    b.add_integer_field("issued", indexed=True, fast=True)  # yyyymmdd
    b.add_integer_field("in_period", indexed=True, fast=True)
    b.add_float_field("confidence", indexed=True, fast=True)
    return b.build()


def _ymd(day) -> int:
    return day.year * 10000 + day.month * 100 + day.day


class TantivyEngine:
    def __init__(self, path: Path) -> None:
        path.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.schema = _schema()
        self.index = tantivy.Index(self.schema, path=str(path))

    def build(self, pages: list[PageRecord]) -> float:
        started = time.perf_counter()
        writer = self.index.writer(heap_size=512_000_000, num_threads=1)
        for page in pages:
            exact, folded = index_forms(page.text)
            doc = tantivy.Document()
            doc.add_text("key", f"{page.doc_id}\x1f{page.page}")
            doc.add_text("exact", exact)
            doc.add_text("folded", folded)
            doc.add_bytes("text", page.text.encode("utf-8"))
            for name in ("unit", "doc_type", "method"):
                value = getattr(page, name)
                if value:
                    doc.add_text(name, value)
            for indicator in page.indicators:
                doc.add_text("indicator", indicator)
            if page.issued:
                doc.add_integer("issued", _ymd(page.issued))
            if page.in_period is not None:
                doc.add_integer("in_period", int(page.in_period))
            doc.add_float("confidence", 100.0 if page.confidence is None else page.confidence)
            writer.add_document(doc)
        writer.commit()
        writer.wait_merging_threads()
        self.index.reload()
        return time.perf_counter() - started

    def size_mb(self) -> float:
        return sum(f.stat().st_size for f in self.path.rglob("*") if f.is_file()) / 1e6

    # --- queries ------------------------------------------------------------------------------------

    def _term(self, term: Term, field: str) -> tantivy.Query:
        tokens = term.tokens if field == "exact" else term.folded
        if len(tokens) == 1:
            if term.prefix:
                return tantivy.Query.regex_query(self.schema, field, re.escape(tokens[0]) + ".*")
            return tantivy.Query.term_query(self.schema, field, tokens[0])
        if term.prefix:
            words = [re.escape(t) for t in tokens[:-1]] + [re.escape(tokens[-1]) + ".*"]
            return tantivy.Query.regex_phrase_query(self.schema, field, words)
        return tantivy.Query.phrase_query(self.schema, field, list(tokens))

    def _text_query(self, query: Query, field: str) -> tantivy.Query:
        must = tantivy.Occur.Must
        parts = []
        for clause in query.clauses:
            alts = [self._term(term, field) for term in clause]
            parts.append((must, alts[0] if len(alts) == 1 else
                          tantivy.Query.boolean_query([(tantivy.Occur.Should, q) for q in alts])))
        drop = "exact" if query.accented else "folded"
        parts += [(tantivy.Occur.MustNot, self._term(term, drop)) for term in query.excluded]
        return tantivy.Query.boolean_query(parts)

    def _filters(self, req: SearchRequest) -> list[tantivy.Query]:
        f, s, Q = req.filters, self.schema, tantivy.Query
        out = []
        for field, values in (("unit", f.units), ("doc_type", f.doc_types), ("indicator", f.indicators)):
            if values:
                out.append(Q.term_set_query(s, field, list(values)))
        if f.issued_from or f.issued_to:
            out.append(Q.range_query(s, "issued", tantivy.FieldType.Integer,
                                     _ymd(f.issued_from) if f.issued_from else None,
                                     _ymd(f.issued_to) if f.issued_to else None))
        if f.in_period is not None:
            out.append(Q.term_query(s, "in_period", int(f.in_period)))
        if f.method:
            out.append(Q.term_query(s, "method", f.method))
        if f.min_confidence is not None:
            out.append(Q.range_query(s, "confidence", tantivy.FieldType.Float, float(f.min_confidence), None))
        return out

    def search(self, req: SearchRequest) -> tuple[int, list[tuple[str, int]], dict[str, dict[str, int]]]:
        """(total, [(doc_id, page)] of the requested slice, facets), snippets made as the backend does."""
        query = parse_query(req.query)
        must = tantivy.Occur.Must
        parts = [(must, self._text_query(query, "folded"))]
        parts += [(must, tantivy.Query.const_score_query(q, 0.0)) for q in self._filters(req)]
        if query.accented and req.sort == "relevance":
            exact = tantivy.Query.const_score_query(self._text_query(query, "exact"), EXACT_TIER)
            parts.append((tantivy.Occur.Should, exact))
        q = tantivy.Query.boolean_query(parts)
        searcher = self.index.searcher()
        if req.sort == "date":
            result = searcher.search(q, req.limit, count=True, order_by_field="issued", offset=req.offset)
        else:
            result = searcher.search(q, req.limit, count=True, offset=req.offset)
        aggs = searcher.aggregate(q, {name: {"terms": {"field": name, "size": 1000}} for name in FACETS})
        facets = {name: {b["key"]: b["doc_count"] for b in aggs[name]["buckets"]} for name in FACETS}
        terms = matcher(query)
        keys = []
        for _, address in result.hits:
            doc = searcher.doc(address)
            doc_id, page = doc.get_first("key").split("\x1f")
            highlight(doc.get_first("text").decode("utf-8"), query, req.markers, req.snippet_chars, req.html, terms)
            keys.append((doc_id, int(page)))
        return result.count, keys, facets
