"""Classifying a file as its last page comes in reads its own folder's files, not every done file of the
catalog: the places read for it are the folder's (and, filtered out by folder, those that share its prefix)."""

from __future__ import annotations

from pipelines.catalog import connect, documents, files
from pipelines.catalog.db import Tx
from pipelines.catalog.files import SourceRow
from pipelines.services.classify import folder_of, folders

LOCATIONS = {"a1": "in/A/1.pdf", "a2": "in/A/2.pdf", "ab": "in/AB/3.pdf", "sub": "in/A/sub/4.pdf",
             "zip": "in/z.zip!A/5.pdf", "other": "out/A/6.pdf"}


def catalog(tmp_path):
    db = connect(tmp_path / "catalog.sqlite3")
    with Tx(db):
        for sha, location in LOCATIONS.items():
            files.insert_source(db, SourceRow(location, location, sha, "X", "2024-01-01", 1, "2024-01-01T00:00:00"))
            files.insert_file(db, sha, "pdf", 1, 300, "auto", "done", None)
        files.insert_file(db, "pending", "pdf", 1, 300, "auto", "pending", None)
    return db


def test_the_places_of_a_folder(tmp_path):
    db = catalog(tmp_path)
    (place,) = documents.done_file_places(db, sha256="a2")
    assert (place.location, place.unit) == ("in/A/2.pdf", "X")
    scoped = documents.done_file_places(db, location_prefix=folder_of(place.location))
    assert {p.sha256 for p in scoped} == {"a1", "a2", "ab", "sub"}  # the prefix "in/A"
    everything = documents.done_file_places(db)
    group = [g for g in folders(scoped) if "a2" in {p.sha256 for p in g}]
    assert group == [g for g in folders(everything) if "a2" in {p.sha256 for p in g}]
    assert [p.sha256 for p in group[0]] == ["a1", "a2"]
    assert documents.files_to_classify(db, sha256="a2") == ["a2"]
    assert documents.files_to_classify(db, sha256="pending") == []
    (member,) = documents.done_file_places(db, sha256="zip")
    assert [p.sha256 for p in documents.done_file_places(db, location_prefix=folder_of(member.location))] == ["zip"]
