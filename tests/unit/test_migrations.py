"""Catalog migrations: each release's catalog opens in this one, and nothing in it is lost."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from pipelines.catalog import connect, documents
from pipelines.catalog.migrations import LATEST, MIGRATIONS, CatalogVersionError, current_version, migrate
from pipelines.catalog.records import DocumentRecord
from pipelines.services.export import export_records
from pipelines.services.search import search
from pipelines.services.users import authenticate
from search.model import SearchRequest

FIXTURES = Path(__file__).parent.parent / "fixtures"


def _tables(db: sqlite3.Connection) -> set[str]:
    return {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}


def _schema(db: sqlite3.Connection) -> set[str]:
    """Tables and indexes (a step may add only an index)."""
    return {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'index')")}


def _v3(tmp_path: Path) -> Path:
    """The catalog written by the last release before user_version (see fixtures/make_v3_catalog.py)."""
    path = tmp_path / "catalog.sqlite3"
    raw = sqlite3.connect(path)
    raw.executescript((FIXTURES / "catalog-v3.sql").read_text(encoding="utf-8"))
    raw.close()
    return path


def test_versions_are_consecutive() -> None:
    assert [v for v, _, _ in MIGRATIONS] == list(range(1, LATEST + 1))


def test_a_new_catalog_is_at_the_latest_version(tmp_path: Path) -> None:
    db = connect(tmp_path / "catalog.sqlite3")
    assert db.execute("PRAGMA user_version").fetchone()[0] == LATEST
    assert {"files", "sources", "pages", "documents", "corrections", "audit", "plan_units", "users", "jobs",
            "outbox", "meta"} <= _tables(db)


def test_the_v3_release_catalog_migrates_with_nothing_lost(tmp_path: Path) -> None:
    path = _v3(tmp_path)
    raw = sqlite3.connect(path)
    assert raw.execute("PRAGMA user_version").fetchone()[0] == 0 and current_version(raw) == 2
    raw.close()
    db = connect(path)
    assert current_version(db) == LATEST
    assert {"jobs", "outbox"} <= _tables(db)
    # the export of the migrated catalog is the export the old release wrote (documents and quarantine)
    old = [json.loads(line) for line in (FIXTURES / "catalog-v3.export.jsonl").read_text("utf-8").splitlines()]
    # changes since (docs/export-contract.md): a quarantined line's error_code, null for a reason stored before
    # codes; a document's likely copies (none here); a document's source_pages, [first, last] then, is a list of
    # (file, pages) parts now, and the old line read with DocumentRecord.from_export is the new one
    assert list(export_records(db)) == [{**r, "error_code": None} if r["status"] == "quarantined" else
                                        {**r, "duplicates": [], "duplicate_of": None,
                                         "source_pages": [{"source": r["source"], "sha256": r["sha256"],
                                                           "pages": r["source_pages"]}]} for r in old]
    assert [DocumentRecord.from_export(r).to_export() for r in old if r["status"] == "done"] == [
        r for r in export_records(db) if r["status"] == "done"]
    assert old[0]["corrected"] and old[-1]["status"] == "quarantined"
    assert documents.audit_log(db)[0]["note"] == "v3 fixture"
    assert authenticate(db, "ratsoat", "ratsoat-demo-2024") is not None
    assert db.execute("SELECT name, kind FROM plan_units").fetchall()[0][:] == ("Sở Tư pháp", "SO")
    # the search tables were not in the dump: the backend rebuilds them from the catalog
    assert search(db, SearchRequest("kế hoạch")).total > 0


@pytest.mark.parametrize("start", range(1, LATEST))
def test_each_older_version_migrates_step_by_step(tmp_path: Path, start: int) -> None:
    db = sqlite3.connect(tmp_path / "catalog.sqlite3", isolation_level=None)
    migrate(db, upto=start)
    assert current_version(db) == start
    before = _schema(db)
    assert migrate(db) == start
    assert current_version(db) == LATEST and before < _schema(db)


def test_a_catalog_of_a_newer_release_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "catalog.sqlite3"
    connect(path).execute(f"PRAGMA user_version = {LATEST + 1}")
    with pytest.raises(CatalogVersionError, match="newer minhchung"):
        connect(path)


def test_a_failing_step_leaves_the_catalog_at_its_version(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                                          ) -> None:
    db = sqlite3.connect(tmp_path / "catalog.sqlite3", isolation_level=None)
    migrate(db, upto=3)

    def broken(db: sqlite3.Connection) -> None:
        db.execute("CREATE TABLE half (x)")
        raise RuntimeError("disk full")

    monkeypatch.setattr("pipelines.catalog.migrations.MIGRATIONS", [*MIGRATIONS[:3], (4, "broken", broken)])
    with pytest.raises(RuntimeError):
        migrate(db)
    assert current_version(db) == 3 and "half" not in _tables(db)
