"""The scale-out backend: Elasticsearch through the official Python client.

* One ES document per page (id ``<doc_id>:<page>``) with the document's facts copied onto it, so a hit
  is page-accurate and every filter is a keyword/date/boolean field on the hit itself.
* Reads and writes go through the alias ``<prefix>-pages``, which points at one versioned index
  ``<prefix>-pages-v<schema>-<timestamp>`` created from the index template ``<prefix>-pages``.
  :meth:`rebuild` fills a fresh index, then moves the alias in one atomic ``_aliases`` call and drops
  the old index: searches never see a half-built index (no downtime).
* Bulk indexing with ``helpers.streaming_bulk``: 500 pages a request, 429 "too many requests" retried
  with exponential back-off (5 times), connection time-outs retried by the transport (3 times); pages
  that still fail raise :class:`IndexingError` listing the first reasons.
* Analysis, query and template are built by :mod:`search.backends.es_dsl` (pure, tested offline).
  Snippets come from :func:`search.snippets.highlight` over ``_source.text``, as in the SQLite backend,
  so both backends mark the same words the same way.

The client's major version must match the server's (a 9.x client refuses an 8.x server): install
``elasticsearch>=8.13,<9`` for an 8.x cluster, ``>=9,<10`` for 9.x. The client is imported lazily, so the
rest of the project works without it.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from datetime import date
from typing import Any

from search.analysis import parse_query
from search.backends.es_dsl import (
    FACET_FIELDS,
    SCHEMA_VERSION,
    alias_name,
    bulk_actions,
    index_name,
    index_pattern,
    index_template,
    search_body,
)
from search.marking import snippet_marks
from search.model import FACETS, Hit, PageRecord, SearchRequest, SearchResult, elapsed_ms
from search.snippets import highlight, matcher


class IndexingError(RuntimeError):
    """Some pages could not be indexed even after retries."""


def connect(url: str, request_timeout: float = 30.0) -> Any:
    try:
        from elasticsearch import Elasticsearch
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise RuntimeError("the elasticsearch search backend needs the official client: "
                           "pip install 'minhchung[elasticsearch]' (client major version = server major)") from exc
    return Elasticsearch(url, request_timeout=request_timeout, retry_on_timeout=True, max_retries=3)


def stream_bulk(client: Any, actions: Iterable[dict[str, Any]], *, chunk_size: int,
                max_retries: int) -> Iterable[tuple[bool, dict[str, Any]]]:
    """``helpers.streaming_bulk`` with back-off on 429; yields (ok, item) per page, never raises per item."""
    from elasticsearch import helpers

    return helpers.streaming_bulk(client, actions, chunk_size=chunk_size, max_retries=max_retries,
                                  initial_backoff=1, max_backoff=30, raise_on_error=False)


class ElasticsearchBackend:
    """Search pages in Elasticsearch; ``client`` may be given (tests), else one is made for ``url``.

    ``refresh=True`` makes every write visible to the next search (what the CLI and the tests expect);
    a bulk loader may pass False and rely on the one refresh at the end of :meth:`rebuild`.
    """

    def __init__(self, url: str, index_prefix: str = "minhchung", *, client: Any = None, refresh: bool = True,
                 chunk_size: int = 500, max_retries: int = 5) -> None:
        self.es = client if client is not None else connect(url)
        self.prefix = index_prefix
        self.alias = alias_name(index_prefix)
        self.refresh = refresh
        self.chunk_size = chunk_size
        self.max_retries = max_retries

    # --- layout -------------------------------------------------------------------------------------

    def _current(self) -> list[str]:
        """The concrete indexes behind the alias (normally exactly one)."""
        if not self.es.indices.exists_alias(name=self.alias):
            return []
        return sorted(self.es.indices.get_alias(name=self.alias).keys())

    def stored_version(self) -> int | None:
        current = self._current()
        if not current:
            return None
        mapping = self.es.indices.get_mapping(index=current[0])[current[0]]["mappings"]
        return int(mapping.get("_meta", {}).get("schema_version", 0))

    def needs_rebuild(self) -> bool:
        return self.stored_version() != SCHEMA_VERSION

    def _new_index(self) -> str:
        template = index_template(self.prefix)
        self.es.indices.put_index_template(name=self.alias, index_patterns=template["index_patterns"],
                                           priority=template["priority"], template=template["template"],
                                           meta=template["_meta"])
        name = index_name(self.prefix, time.strftime("%Y%m%d%H%M%S") + f"{time.time_ns() % 1_000_000_000:09d}")
        self.es.indices.create(index=name)
        return name

    def _ensure(self) -> None:
        version = self.stored_version()
        if version is None:
            name = self._new_index()
            self.es.indices.update_aliases(actions=[{"add": {"index": name, "alias": self.alias,
                                                             "is_write_index": True}}])
        elif version != SCHEMA_VERSION:
            raise RuntimeError(f"the search index has schema v{version}, this version needs v{SCHEMA_VERSION}: "
                               "rebuild it (minhchung reindex)")

    # --- writing ------------------------------------------------------------------------------------

    def _bulk(self, pages: Iterable[PageRecord], index: str) -> int:
        written, failed = 0, []
        actions = bulk_actions(pages, index)
        for ok, item in stream_bulk(self.es, actions, chunk_size=self.chunk_size, max_retries=self.max_retries):
            if ok:
                written += 1
            else:
                failed.append(item)
        if failed:
            raise IndexingError(f"{len(failed)} pages were not indexed; first: {failed[:3]}")
        return written

    def index(self, pages: Iterable[PageRecord]) -> int:
        self._ensure()
        written = self._bulk(pages, self.alias)
        if self.refresh:
            self.es.indices.refresh(index=self.alias)
        return written

    def _delete(self, field: str, value: str) -> None:
        if self._current():
            self.es.delete_by_query(index=self.alias, query={"term": {field: value}}, refresh=self.refresh,
                                    conflicts="proceed")

    def delete_file(self, sha256: str) -> None:
        self._delete("sha256", sha256)

    def delete_document(self, doc_id: str) -> None:
        self._delete("doc_id", doc_id)

    def clear(self) -> None:
        self.rebuild(())

    def rebuild(self, pages: Iterable[PageRecord]) -> int:
        """Fill a new versioned index, swap the alias onto it atomically, drop the old indexes."""
        old = self._current()
        new = self._new_index()
        self.es.indices.put_settings(index=new, settings={"index": {"refresh_interval": "-1"}})
        try:
            written = self._bulk(pages, new)
        except BaseException:
            self.es.indices.delete(index=new, ignore_unavailable=True)
            raise
        self.es.indices.put_settings(index=new, settings={"index": {"refresh_interval": None}})
        self.es.indices.refresh(index=new)
        actions: list[dict[str, Any]] = [{"remove": {"index": name, "alias": self.alias}} for name in old]
        actions.append({"add": {"index": new, "alias": self.alias, "is_write_index": True}})
        self.es.indices.update_aliases(actions=actions)
        for name in old:
            self.es.indices.delete(index=name, ignore_unavailable=True)
        return written

    def drop(self) -> None:
        """Remove every index of this prefix and the template (tests, uninstall)."""
        # by name: clusters refuse wildcard deletes (action.destructive_requires_name)
        names = self.es.indices.get(index=index_pattern(self.prefix), allow_no_indices=True, expand_wildcards="all")
        for name in names:
            self.es.indices.delete(index=name, ignore_unavailable=True)
        if self.es.indices.exists_index_template(name=self.alias):
            self.es.indices.delete_index_template(name=self.alias)

    def count(self) -> int:
        if not self._current():
            return 0
        return int(self.es.count(index=self.alias)["count"])

    # --- reading ------------------------------------------------------------------------------------

    def search(self, req: SearchRequest) -> SearchResult:
        started = time.perf_counter()
        query = parse_query(req.query)
        facets: dict[str, dict[str, int]] = {name: {} for name in FACETS}
        if not self._current():
            return SearchResult(0, [], facets, elapsed_ms(started))
        resp = self.es.search(index=self.alias, body=search_body(query, req))
        terms, (marks, _) = matcher(query), snippet_marks(query, req.reader_marks)
        hits = []
        found = resp["hits"]["hits"]
        for hit, wanted in zip(found, req.snippet_mask([h["_source"]["doc_id"] for h in found]), strict=True):
            src = hit["_source"]
            snippet = highlight(src.get("text") or "", query, req.markers, req.snippet_chars, req.html,
                                terms, marks=marks) if wanted else ""
            issued = src.get("issued")
            hits.append(Hit(src["doc_id"], int(src["page"]), round(float(hit.get("_score") or 0.0), 4), snippet,
                            src.get("unit"), src.get("doc_type"), src.get("symbol"),
                            date.fromisoformat(issued[:10]) if issued else None, src.get("subject"), src.get("source")))
        for name in FACET_FIELDS:
            buckets = resp.get("aggregations", {}).get(name, {}).get("buckets", [])
            facets[name] = dict(sorted(((b["key"], b["doc_count"]) for b in buckets), key=lambda kv: (-kv[1], kv[0])))
        return SearchResult(int(resp["hits"]["total"]["value"]), hits, facets, elapsed_ms(started))
