"""Classification stage: split done files into documents and store their facts.

Runs in the main process after a batch's pages (it takes milliseconds per document). A file is classified
when it is done and is in no classified document yet, or when asked again (``minhchung classify``).
The done files of one folder of one unit are read together, in natural name order
(:mod:`classify.assemble`): a file whose first page has no header block continues the previous file's
document. When a file of a folder is classified, so are the files its documents may share pages with; their
documents are replaced in one transaction, and reviewers' corrections, which live in their own table, are
never touched.
"""

from __future__ import annotations

import os
import posixpath
import sqlite3
from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from classify.assemble import FilePages, affected, assemble, continues_previous, natural_key
from classify.facts import document_facts
from classify.indexset import IndexSet
from classify.indicators import Tagger, in_period
from pipelines.catalog import documents
from pipelines.catalog.db import Tx
from pipelines.catalog.documents import FilePlace
from pipelines.services.active import active_index_set
from pipelines.services.search import index_file


@dataclass
class Classifier:
    """The index set and its tagger, built once per run (the tagger compiles every phrase)."""

    index_set: IndexSet
    tagger: Tagger

    @classmethod
    def build(cls, index_set: IndexSet) -> Classifier:
        return cls(index_set, Tagger(index_set))


def folder_of(location: str) -> str:
    """The folder a source was in: the directory of a path, or ``<archive>!<folder in the archive>``."""
    archive, bang, member = location.rpartition("!")
    return f"{archive}!{posixpath.dirname(member)}" if bang else os.path.dirname(location)


def folders(places: list[FilePlace]) -> list[list[FilePlace]]:
    """Done files grouped by unit and folder, each group in natural order of the file names."""
    groups: dict[tuple[str | None, str], list[FilePlace]] = defaultdict(list)
    for place in places:
        groups[(place.unit, folder_of(place.location))].append(place)
    return [sorted(g, key=lambda p: natural_key(posixpath.basename(p.source))) for g in groups.values()]


def classify_group(db: sqlite3.Connection, group: list[FilePlace], classifier: Classifier) -> int:
    """(Re)make the documents of done files of one folder, read in order (a whole folder, or a range of it
    that begins and ends where documents do); returns how many."""
    files = [FilePages(p.sha256, posixpath.basename(p.source), tuple(documents.page_texts(db, p.sha256)))
             for p in group]
    made = []
    for doc in assemble(files):
        facts = document_facts(list(doc.texts), doc.first.first_page, doc.attachments, classifier.tagger)
        facts["segment_why"] = doc.why
        issued = facts["issued"]
        facts["in_period"] = in_period(date.fromisoformat(issued), classifier.index_set) if issued else None
        facts["index_set"] = classifier.index_set.id
        made.append(([(p.key, p.first_page, p.last_page) for p in doc.parts], facts))
    shas = [p.sha256 for p in group]
    with Tx(db):
        documents.replace_group(db, shas, made)
        for sha in shas:  # the search index (and the outbox) change in the same transaction
            index_file(db, sha)
    return len(made)


def classify_file(db: sqlite3.Connection, sha256: str, classifier: Classifier) -> list[str]:
    """Classify a file whose pages are all in (during an ingest, while the other pages are read), with the
    files of its folder its documents may share pages with; returns the sha256s classified. A file done
    before the one it continues is classified again with it when that one comes in. Reads only the file's
    folder (the same runs as ``classify_pending(only={sha256})``, which reads every done file's place)."""
    if not documents.files_to_classify(db, sha256=sha256):
        return []
    place = documents.done_file_places(db, sha256=sha256)[0]
    return _classify_runs(db, classifier, {sha256}, documents.done_file_places(
        db, location_prefix=folder_of(place.location)))[0]


def classify_pending(db: sqlite3.Connection, classifier: Classifier | None = None, everything: bool = False,
                     index_set_ref: str | None = None, only: set[str] | None = None) -> tuple[list[str], int]:
    """Classify done files in no classified document (or every done file; or of those, ``only`` these), each
    with the files of its folder its documents may share pages with (:func:`classify.assemble.affected`);
    returns (the sha256s classified, documents made)."""
    wanted = set(documents.files_to_classify(db, everything))
    if only is not None:
        wanted &= only
    if not wanted:
        return [], 0
    if classifier is None:
        classifier = Classifier.build(active_index_set(db, index_set_ref))
    return _classify_runs(db, classifier, wanted, documents.done_file_places(db))


def _classify_runs(db: sqlite3.Connection, classifier: Classifier, wanted: set[str],
                   places: list[FilePlace]) -> tuple[list[str], int]:
    """Classify the ``wanted`` files among ``places`` (done files), each with the files of its folder its
    documents may share pages with; returns (the sha256s classified, documents made)."""
    runs = []
    for folder in folders(places):
        if not wanted & {p.sha256 for p in folder}:
            continue
        firsts = documents.first_page_texts(db, [p.sha256 for p in folder])
        starts = [not continues_previous(firsts.get(p.sha256, "")) for p in folder]
        runs += [folder[a:b + 1] for a, b in affected(starts, [p.sha256 in wanted for p in folder])]
    made = sum(classify_group(db, run, classifier) for run in runs)
    return [p.sha256 for run in runs for p in run], made
