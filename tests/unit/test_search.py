"""Search backends: the shared contract (``search_contract.py``) on SQLite always and on Elasticsearch when
``MINHCHUNG_ELASTICSEARCH_URL`` points at a server, plus what each backend promises on its own and the
Elasticsearch pieces that need no server (template, query DSL, bulk actions)."""

from __future__ import annotations

import os
import sqlite3
import uuid
from dataclasses import replace
from datetime import date

import numpy as np
import pytest
from search_contract import *  # noqa: F403 - the contract's test functions run here, on every backend
from search_contract import CORPUS

from search.backends import ES_URL_ENV, backend_name, es_dsl, open_backend
from search.backends.columns import ColumnsCache
from search.backends.fts5 import filter_sql
from search.backends.sqlite import SCHEMA_VERSION, SchemaMismatch, SqliteBackend
from search.model import Filters, PageRecord, SearchRequest

ES_URL = os.environ.get(ES_URL_ENV, "").strip()
NO_ES = f"{ES_URL_ENV} is not set: Elasticsearch contract tests skipped (no server on this machine)"


def _sqlite(tmp_path):
    db = sqlite3.connect(tmp_path / "catalog.sqlite3")
    db.execute("PRAGMA journal_mode=WAL")
    return SqliteBackend(db)


def _es():
    from search.backends.elasticsearch import ElasticsearchBackend

    return ElasticsearchBackend(ES_URL, index_prefix=f"minhchung-test-{uuid.uuid4().hex[:12]}")


@pytest.fixture(params=["sqlite", pytest.param("elasticsearch", marks=pytest.mark.skipif(not ES_URL, reason=NO_ES))])
def backend(request, tmp_path):
    if request.param == "sqlite":
        made = _sqlite(tmp_path)
        yield made
        made.db.close()
    else:
        made = _es()
        yield made
        made.drop()


@pytest.fixture
def loaded(backend):
    backend.index(CORPUS)
    return backend


def _stale_sqlite(backend: SqliteBackend) -> None:
    backend.db.execute("UPDATE search_meta SET value = ? WHERE key = 'schema_version'", (str(SCHEMA_VERSION - 1),))


def _stale_es(backend) -> None:
    backend.es.indices.put_mapping(index=backend.alias, meta={"schema_version": es_dsl.SCHEMA_VERSION - 1})


@pytest.fixture
def stale(backend):
    return _stale_sqlite if isinstance(backend, SqliteBackend) else _stale_es


# --- SQLite only --------------------------------------------------------------------------------------


def test_sqlite_runs_inside_the_callers_transaction(tmp_path):
    backend = _sqlite(tmp_path)
    backend.index(CORPUS[:3])
    assert backend.db.in_transaction  # nothing committed behind the caller's back
    backend.db.rollback()
    assert backend.count() == 0 and backend.needs_rebuild()
    backend.index(CORPUS)
    backend.db.commit()
    backend.delete_file("f1")
    backend.db.rollback()  # the delete was part of the caller's transaction too
    assert backend.count() == len(CORPUS)
    reader = sqlite3.connect(tmp_path / "catalog.sqlite3")
    assert SqliteBackend(reader).search(SearchRequest("dak lak")).total == 1
    assert not reader.in_transaction  # searching runs SELECTs only


def test_sqlite_refuses_to_write_into_an_index_of_another_schema(tmp_path):
    backend = _sqlite(tmp_path)
    backend.index(CORPUS)
    _stale_sqlite(backend)
    with pytest.raises(SchemaMismatch, match="rebuild"):
        backend.index(CORPUS[:1])
    with pytest.raises(SchemaMismatch):
        backend.search(SearchRequest("tham nhũng"))


def test_sqlite_tables_live_beside_the_catalogs_own(tmp_path):
    backend = _sqlite(tmp_path)
    backend.db.execute("CREATE TABLE documents (id TEXT PRIMARY KEY)")
    backend.rebuild(CORPUS)
    backend.clear()
    tables = {name for (name,) in backend.db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert "documents" in tables and all(t == "documents" or t.startswith("search_") for t in tables)


def test_sqlite_facets_can_be_skipped(tmp_path):
    backend = _sqlite(tmp_path)
    backend.index(CORPUS)
    result = backend.search(SearchRequest("năm", facets=False))
    assert result.total == 4 and result.facets == {}


def test_sqlite_page_columns_follow_every_write_commit_and_rollback(tmp_path):
    """One ColumnsCache shared by two connections (as the web app shares it across requests): totals and
    facets follow a commit made elsewhere, the writer's own uncommitted write, and its rollback."""
    cache = ColumnsCache()
    writer = SqliteBackend(sqlite3.connect(tmp_path / "catalog.sqlite3"), cache)
    writer.db.execute("PRAGMA journal_mode=WAL")
    writer.index(CORPUS[:3])
    writer.db.commit()
    reader = SqliteBackend(sqlite3.connect(tmp_path / "catalog.sqlite3"), cache)
    before = reader.search(SearchRequest("năm"))
    writer.index(CORPUS[3:])
    mid = writer.search(SearchRequest("năm"))  # the writer sees its own uncommitted pages
    assert mid.total > before.total and mid.facets != before.facets
    assert reader.search(SearchRequest("năm")).total == before.total  # ... the reader does not
    writer.db.rollback()
    assert writer.search(SearchRequest("năm")).facets == before.facets
    writer.index(CORPUS[3:])
    writer.db.commit()
    after = reader.search(SearchRequest("năm"))
    assert after.total == mid.total and after.facets == mid.facets
    writer.delete_file(CORPUS[0].sha256)
    writer.db.commit()
    assert reader.search(SearchRequest("năm")).total < after.total


def test_sqlite_search_reads_one_snapshot_while_another_connection_commits(tmp_path):
    """A commit landing between the search's statements (here: right after it read the generation token)
    must not mix states: the whole search sees the index as it was when it started."""
    writer = _sqlite(tmp_path)
    writer.index(CORPUS[:3])
    writer.db.commit()
    reader = SqliteBackend(sqlite3.connect(tmp_path / "catalog.sqlite3"))
    before = reader.search(SearchRequest("năm")).total
    reader.cache = ColumnsCache()  # force a reload inside the next search
    injected = []

    def commit_elsewhere(sql: str) -> None:
        if "FROM search_pages" in sql and "group_concat" in sql and not injected:
            injected.append(sql)
            writer.index(CORPUS[3:])
            writer.db.commit()

    reader.db.set_trace_callback(commit_elsewhere)
    during = reader.search(SearchRequest("năm"))
    reader.db.set_trace_callback(None)
    assert injected and during.total == before == len(during.hits)
    assert sum(during.facets["unit"].values()) == before
    assert reader.search(SearchRequest("năm")).total > before  # the next search sees the commit


def test_sqlite_confidence_filter_counts_what_it_ranks(tmp_path):
    """Totals (numpy) and hits (SQL) apply min_confidence to the same float64 values."""
    backend = _sqlite(tmp_path)
    values = [79.99999999, 80.0, 80.00000001, 33.29999999, None]
    backend.index([PageRecord(f"d{i}", f"s{i}", 1, "alpha beta", confidence=c, method="ocr")
                   for i, c in enumerate(values)])
    for floor, expected in ((80, 3), (80.0000001, 1), (33.3, 4)):
        result = backend.search(SearchRequest("alpha", Filters(min_confidence=floor)))
        assert result.total == len(result.hits) == expected, floor


FILTERS = [
    Filters(), Filters(units="Sở Nội vụ"), Filters(doc_types=("KH", "BC")), Filters(indicators="B.1.1"),
    Filters(indicators=("B.1.9", "C.2.1"), doc_types=("KH", "HD")), Filters(issued_from=date(2024, 3, 1)),
    Filters(issued_to=date(2024, 6, 30)), Filters(in_period=True), Filters(in_period=False),
    Filters(method="ocr"), Filters(method="text"), Filters(min_confidence=80),
    Filters(units=("Sở Nội vụ", "Thanh tra tỉnh"), issued_from=date(2023, 1, 1), min_confidence=50),
]


@pytest.mark.parametrize("filters", FILTERS, ids=repr)
def test_sqlite_columns_filter_exactly_as_the_sql_filter(tmp_path, filters):
    """Filters run twice: in numpy over the page columns (totals, facets) and in SQL (the ranking scan).
    Both must select the same pages."""
    backend = _sqlite(tmp_path)
    backend.index(CORPUS)
    args: list = []
    where = filter_sql(filters, args)
    sql = "SELECT p.id FROM search_pages p" + (f" WHERE {where}" if where else "")
    by_sql = sorted(r[0] for r in backend.db.execute(sql, args))
    every = [r[0] for r in backend.db.execute("SELECT id FROM search_pages")]
    by_columns = backend.cache.get(backend.db).select(np.array(every, dtype=np.int64), filters)
    assert sorted(by_columns.tolist()) == by_sql


def test_open_backend_and_the_environment(tmp_path):
    db = sqlite3.connect(":memory:")
    assert isinstance(open_backend("sqlite", db=db), SqliteBackend)
    with pytest.raises(ValueError, match="connection"):
        open_backend("sqlite", db=None)
    with pytest.raises(ValueError, match="unknown"):
        open_backend("whoosh", db=db)
    assert backend_name({}) == "sqlite"
    assert backend_name({ES_URL_ENV: "http://127.0.0.1:9200"}) == "elasticsearch"


def test_request_validation():
    with pytest.raises(ValueError):
        SearchRequest("x", sort="score")
    with pytest.raises(ValueError):
        SearchRequest("x", limit=-1)
    with pytest.raises(ValueError):
        Filters(method="scan")
    with pytest.raises(ValueError):
        Filters(issued_from=date(2025, 1, 1), issued_to=date(2024, 1, 1))
    assert Filters(units="Sở Nội vụ").units == ("Sở Nội vụ",)


def test_sqlite_headings_follow_reindexing_and_deletes(tmp_path):
    from search_contract import RANKED

    backend = _sqlite(tmp_path)
    backend.index(RANKED)
    first = [h.doc_id for h in backend.search(SearchRequest("kế hoạch kê khai tài sản")).hits]
    assert first[0] == "kh-245"
    renamed = [replace(p, subject="Tổng hợp danh sách", doc_type_name="Danh sách") for p in RANKED
               if p.doc_id == "kh-245"]
    backend.index(renamed)  # a correction of the document's facts re-indexes its pages
    assert backend.search(SearchRequest("kế hoạch kê khai tài sản")).hits[0].doc_id == "bc-245"
    heads = backend.db.execute("SELECT doc_id, heading FROM search_heads ORDER BY doc_id").fetchall()
    assert len(heads) == 5 and dict(heads)["kh-245"].startswith("Danh sách")
    backend.delete_document("kh-245")
    backend.delete_file("r2")
    assert {d for (d,) in backend.db.execute("SELECT doc_id FROM search_heads")} == {"cv-245", "qd-ban", "tb-ban"}
    assert backend.search(SearchRequest("tổng hợp danh sách")).total == 0


def test_a_write_after_an_upgrade_rebuilds_an_index_of_an_older_layout(tmp_path):
    """A catalog whose search tables an older release built: classifying a file (index_file) rebuilds them in
    its transaction instead of failing with SchemaMismatch."""
    from pipelines.catalog.db import Tx, connect
    from pipelines.services.search import index_file

    db = connect(tmp_path / "catalog.sqlite3")
    backend = SqliteBackend(db)
    with Tx(db):
        backend.index(CORPUS[:2])
        _stale_sqlite(backend)
    with Tx(db):
        index_file(db, "f1")
    assert not backend.needs_rebuild()
