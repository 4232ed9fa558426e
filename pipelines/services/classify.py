"""Classification stage: split done files into documents and store their facts.

Runs in the main process after a batch's pages (it takes milliseconds per document). A file is classified
when it is done and has no classified document yet, or when asked again (``minhchung classify``); the
documents of a file are replaced in one transaction, and reviewers' corrections, which live in their own
table, are never touched.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import date

from classify.facts import document_facts
from classify.indexset import IndexSet
from classify.indicators import Tagger, in_period
from classify.segment import segment
from pipelines.catalog import documents
from pipelines.catalog.db import Tx
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


def classify_file(db: sqlite3.Connection, sha256: str, classifier: Classifier) -> int:
    """(Re)make the documents of one done file; returns how many."""
    texts = documents.page_texts(db, sha256)
    made = []
    for seg in segment(texts):
        facts = document_facts(texts[seg.first_page - 1:seg.last_page], seg.first_page, seg.attachments,
                               classifier.tagger)
        facts["segment_why"] = seg.why
        issued = facts["issued"]
        facts["in_period"] = in_period(date.fromisoformat(issued), classifier.index_set) if issued else None
        facts["index_set"] = classifier.index_set.id
        made.append((seg.first_page, seg.last_page, facts))
    with Tx(db):
        documents.replace_documents(db, sha256, made)
        index_file(db, sha256)  # the search index (and the outbox) change in the same transaction
    return len(made)


def classify_pending(db: sqlite3.Connection, classifier: Classifier | None = None, everything: bool = False,
                     index_set_ref: str | None = None) -> tuple[list[str], int]:
    """Classify done files without classified documents (or every done file); returns (their sha256s,
    documents made)."""
    shas = documents.files_to_classify(db, everything)
    if not shas:
        return [], 0
    if classifier is None:
        classifier = Classifier.build(active_index_set(db, index_set_ref))
    return shas, sum(classify_file(db, sha, classifier) for sha in shas)
