"""The index outbox: a change an external index must see is written with the change itself, and drained
after commit, in order, idempotently; a failure is kept and shown, never lost."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from pathlib import Path

import pytest

from pipelines.catalog import connect, outbox
from pipelines.catalog.db import Tx
from pipelines.catalog.home import Home
from pipelines.services.config import Config
from pipelines.services.search import drain_outbox
from pipelines.services.status import current_status
from search.model import PageRecord


class FakeIndex:
    """Records what the drainer asks of it; ``down`` makes it fail like an unreachable server."""

    def __init__(self, down: bool = False) -> None:
        self.down = down
        self.calls: list[tuple[str, str]] = []

    def _check(self) -> None:
        if self.down:
            raise ConnectionError("connection refused")

    def delete_file(self, sha256: str) -> None:
        self._check()
        self.calls.append(("delete_file", sha256))

    def delete_document(self, doc_id: str) -> None:
        self._check()
        self.calls.append(("delete_document", doc_id))

    def index(self, pages: Iterable[PageRecord]) -> int:
        return len(list(pages))


@pytest.fixture
def db(tmp_path: Path):
    db = connect(tmp_path / "catalog.sqlite3")
    outbox.enable(db)  # as the first `reindex --backend elasticsearch` does
    return db


def test_nothing_is_queued_before_an_external_index_was_built(tmp_path: Path) -> None:
    db = connect(tmp_path / "fresh.sqlite3")
    with Tx(db):
        outbox.add(db, "file", "f1")
    assert not outbox.enabled(db) and outbox.pending(db) == []


def test_rows_are_written_only_when_the_change_commits(db) -> None:
    with pytest.raises(RuntimeError), Tx(db):
        outbox.add(db, "document", "doc-1")
        raise RuntimeError("the correction failed")
    assert outbox.pending(db) == []
    with Tx(db):
        outbox.add(db, "file", "ab" * 32)
    assert [(e.kind, e.key) for e in outbox.pending(db)] == [("file", "ab" * 32)]
    with pytest.raises(ValueError):
        outbox.add(db, "page", "x")


def test_drain_applies_in_order_once_and_moves_the_cursor(db) -> None:
    with Tx(db):
        outbox.add(db, "file", "f1")
        outbox.add(db, "document", "d1")
        outbox.add(db, "document", "d1")  # a second correction of the same document
    index = FakeIndex()
    assert drain_outbox(db, "http://es", connect=lambda url: index) == []
    assert index.calls == [("delete_file", "f1"), ("delete_document", "d1")]  # one batch: d1 once
    assert outbox.pending(db) == [] and outbox.applied(db) == 3
    assert drain_outbox(db, "http://es", connect=lambda url: index) == [] and len(index.calls) == 2
    with Tx(db):
        for key in ("f2", "f3", "f2"):
            outbox.add(db, "file", key)
    index.calls.clear()
    assert drain_outbox(db, "http://es", batch=2, connect=lambda url: index) == []
    # batches of two: a key in two batches is applied again (it re-reads the catalog: harmless, and right
    # when the change behind the later row was made while the drain ran)
    assert index.calls == [("delete_file", "f2"), ("delete_file", "f3"), ("delete_file", "f2")]
    assert outbox.applied(db) == 6


def test_a_failed_drain_keeps_the_rows_and_status_shows_the_lag(db, tmp_path: Path) -> None:
    with Tx(db):
        outbox.add(db, "document", "d1")
    warnings = drain_outbox(db, "http://es", connect=lambda url: FakeIndex(down=True))
    assert warnings and "queued" in warnings[0]
    config = Config(Home(tmp_path), es_url="http://es")
    lag = current_status(db, config).outbox
    assert lag is not None and lag["pending"] == 1 and "connection refused" in lag["error"]
    # once fed, the lag shows even where the URL is not set (a command run without it must not hide it)
    assert current_status(db, dataclasses.replace(config, es_url=None)).outbox["pending"] == 1
    assert current_status(connect(tmp_path / "fresh.sqlite3"), dataclasses.replace(config, es_url=None)
                          ).outbox is None
    index = FakeIndex()
    assert drain_outbox(db, "http://es", connect=lambda url: index) == []
    assert index.calls == [("delete_document", "d1")]
    lag = current_status(db, config).outbox
    assert lag["pending"] == 0 and lag["error"] is None


def test_without_an_external_index_nothing_is_drained(db) -> None:
    with Tx(db):
        outbox.add(db, "file", "f1")
    assert drain_outbox(db, None, connect=lambda url: pytest.fail("no backend may be opened")) == []
    assert len(outbox.pending(db)) == 1


def test_a_configured_server_without_an_index_is_told_to_build_it(tmp_path: Path) -> None:
    fresh = connect(tmp_path / "fresh.sqlite3")
    warnings = drain_outbox(fresh, "http://es", connect=lambda url: pytest.fail("nothing to send yet"))
    assert len(warnings) == 1 and "reindex --backend elasticsearch" in warnings[0]


def test_nothing_pending_opens_no_connection(db) -> None:
    assert drain_outbox(db, "http://es", connect=lambda url: pytest.fail("nothing to send")) == []
