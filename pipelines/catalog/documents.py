"""Documents, reviewers' corrections and the audit log: every SQL statement that reads or writes them.

Document ids are ``<sha256[:16]>-<first page>``, stable across classifications. Corrections live in their
own table (the latest per field wins), so classifying again never overwrites them; the audit log is only
ever appended to. A document that spans files keeps its first part in ``documents`` (its id comes from it)
and the following parts in ``document_parts``.
"""

from __future__ import annotations

import dataclasses
import json
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date

from pipelines.catalog import duplicates, files
from pipelines.catalog.db import dumps
from pipelines.catalog.records import Correction, DocumentRecord, PageInfo, QuarantinedFile, SourcePart, loads


def doc_id(sha256: str, first_page: int) -> str:
    return f"{sha256[:16]}-{first_page}"


@dataclass(frozen=True)
class PartRow:
    """A run of pages of one file inside a document, with the file's kind and dpi."""

    sha256: str
    first_page: int
    last_page: int
    kind: str
    dpi: int

    @property
    def count(self) -> int:
        return self.last_page - self.first_page + 1


@dataclass(frozen=True)
class DocRow:
    """A document's place: its first part (``sha256`` … ``dpi``) and all its parts in order (no facts)."""

    id: str
    sha256: str
    first_page: int
    last_page: int
    kind: str
    dpi: int
    parts: tuple[PartRow, ...] = field(default=())

    @property
    def page_count(self) -> int:
        return sum(p.count for p in self.parts)

    def locate(self, page: int) -> tuple[PartRow, int] | None:
        """The part and file page number of the document's ``page``-th page (1-based), None past its end."""
        if page < 1:
            return None
        for part in self.parts:
            if page <= part.count:
                return part, part.first_page + page - 1
            page -= part.count
        return None


@dataclass(frozen=True)
class FilePlace:
    """A done file and where it was first received from (its folder decides which files are read together)."""

    sha256: str
    location: str
    source: str
    unit: str | None


# --- writing -----------------------------------------------------------------------------------------------

def files_to_classify(db: sqlite3.Connection, everything: bool = False, sha256: str | None = None) -> list[str]:
    """Done files that are in no classified document (or every done file), in the order they were added;
    ``sha256``: that file alone, if it is one of them."""
    where = "" if everything else (" AND NOT EXISTS (SELECT 1 FROM documents d WHERE d.sha256=f.sha256 "
                                   "AND d.facts IS NOT NULL) AND NOT EXISTS (SELECT 1 FROM document_parts p "
                                   "WHERE p.sha256=f.sha256)")
    one = " AND f.sha256=?" if sha256 else ""
    return [r[0] for r in db.execute(f"SELECT sha256 FROM files f WHERE status='done'{where}{one} ORDER BY added",
                                     (sha256,) if sha256 else ())]


def done_file_places(db: sqlite3.Connection, sha256: str | None = None,
                     location_prefix: str | None = None) -> list[FilePlace]:
    """Every done file with its first source's location, display name and unit, in the order added (a file
    without a source row, which ingest never leaves, stands in a folder of its own); or only ``sha256``, or
    only the files whose location begins with ``location_prefix`` (a folder's files and its subfolders')."""
    where, params = "", ()
    if sha256 is not None:
        where, params = " AND f.sha256 = ?", (sha256,)
    elif location_prefix is not None:
        where, params = " AND substr(location, 1, ?) = ?", (len(location_prefix), location_prefix)
    rows = db.execute(f"""
        SELECT f.sha256, COALESCE(s.location, f.sha256) AS location, COALESCE(s.source, f.sha256) AS source,
               s.unit FROM files f
        LEFT JOIN sources s ON s.id = (SELECT id FROM sources WHERE sha256 = f.sha256 AND duplicate_of IS NULL
                                  ORDER BY id LIMIT 1)
        WHERE f.status = 'done'{where} ORDER BY f.added, f.sha256""", params).fetchall()
    return [FilePlace(r["sha256"], r["location"], r["source"], r["unit"]) for r in rows]


def first_page_texts(db: sqlite3.Connection, shas: Sequence[str]) -> dict[str, str]:
    """The text of page 1 of each file (files without pages are left out)."""
    marks = ",".join("?" * len(shas))
    return {r[0]: r[1] or "" for r in db.execute(f"SELECT sha256, text FROM pages WHERE n=1 AND sha256 IN ({marks})",
                                                 list(shas))}


def page_texts(db: sqlite3.Connection, sha256: str) -> list[str]:
    return [r[0] or "" for r in db.execute("SELECT text FROM pages WHERE sha256=? ORDER BY n", (sha256,))]


def replace_documents(db: sqlite3.Connection, sha256: str, docs: Iterable[tuple[int, int, dict]]) -> list[str]:
    """Replace the file's documents by ``(first_page, last_page, facts)``; call inside a transaction."""
    return replace_group(db, [sha256], [([(sha256, first, last)], facts) for first, last, facts in docs])


def replace_group(db: sqlite3.Connection, shas: Sequence[str],
                  docs: Iterable[tuple[Sequence[tuple[str, int, int]], dict]]) -> list[str]:
    """Replace the documents of the files ``shas`` (read together) by ``(parts, facts)``, each part
    ``(sha256, first_page, last_page)`` in reading order; call inside a transaction."""
    marks = ",".join("?" * len(shas))
    db.execute(f"DELETE FROM document_parts WHERE sha256 IN ({marks}) OR doc_id IN "
               f"(SELECT id FROM documents WHERE sha256 IN ({marks}))", [*shas, *shas])
    db.execute(f"DELETE FROM documents WHERE sha256 IN ({marks})", list(shas))
    ids = []
    for parts, facts in docs:
        (sha, first, last), rest = parts[0], parts[1:]
        ids.append(doc_id(sha, first))
        db.execute("INSERT INTO documents (id, sha256, first_page, last_page, facts) VALUES (?, ?, ?, ?, ?)",
                   (ids[-1], sha, first, last, dumps(facts)))
        db.executemany("INSERT INTO document_parts (doc_id, seq, sha256, first_page, last_page) "
                       "VALUES (?, ?, ?, ?, ?)", [(ids[-1], k, *part) for k, part in enumerate(rest, 1)])
    return ids


def write_correction(db: sqlite3.Connection, doc: str, field: str, value: object, before: object, who: str,
                     at: str, note: str | None) -> None:
    """Store one correction and its audit entry; call inside a transaction."""
    db.execute("INSERT OR REPLACE INTO corrections (doc_id, field, value, who, at, note) VALUES (?, ?, ?, ?, ?, ?)",
               (doc, field, dumps(value), who, at, note))
    db.execute("INSERT INTO audit (at, who, doc_id, field, before, after, note) VALUES (?, ?, ?, ?, ?, ?, ?)",
               (at, who, doc, field, dumps(before), dumps(value), note))


# --- reading -----------------------------------------------------------------------------------------------

_DOC_ROWS = ("SELECT d.id, d.sha256, d.first_page, d.last_page, f.kind, COALESCE(f.dpi, 300) FROM documents d "
             "JOIN files f USING (sha256)")


def exists(db: sqlite3.Connection, doc: str) -> bool:
    return db.execute("SELECT 1 FROM documents WHERE id=?", (doc,)).fetchone() is not None


def _with_parts(db: sqlite3.Connection, row: Sequence) -> DocRow:
    head = DocRow(*row)
    rest = db.execute("SELECT p.sha256, p.first_page, p.last_page, f.kind, COALESCE(f.dpi, 300) "
                      "FROM document_parts p JOIN files f USING (sha256) WHERE p.doc_id=? ORDER BY p.seq",
                      (head.id,)).fetchall()
    first = PartRow(head.sha256, head.first_page, head.last_page, head.kind, head.dpi)
    return DocRow(*row, parts=(first, *(PartRow(*r) for r in rest)))


def doc_row(db: sqlite3.Connection, doc: str) -> DocRow | None:
    row = db.execute(f"{_DOC_ROWS} WHERE d.id=?", (doc,)).fetchone()
    return _with_parts(db, row) if row else None


def doc_rows(db: sqlite3.Connection) -> list[DocRow]:
    """Every document of a done file, by id."""
    return [_with_parts(db, r) for r in db.execute(f"{_DOC_ROWS} WHERE f.status='done' ORDER BY d.id").fetchall()]


def stored_facts(db: sqlite3.Connection, doc: str) -> dict:
    row = db.execute("SELECT facts FROM documents WHERE id=?", (doc,)).fetchone()
    return loads(row["facts"], {}) if row else {}


def corrections_of(db: sqlite3.Connection, doc: str) -> tuple[Correction, ...]:
    rows = db.execute("SELECT field, value, who, at, note FROM corrections WHERE doc_id=? ORDER BY field", (doc,))
    return tuple(Correction(r["field"], json.loads(r["value"]), r["who"], r["at"], r["note"]) for r in rows)


def correction_value(db: sqlite3.Connection, doc: str, field: str) -> tuple[bool, object]:
    """(True, value) when the field of the document was corrected, else (False, None)."""
    row = db.execute("SELECT value FROM corrections WHERE doc_id=? AND field=?", (doc, field)).fetchone()
    return (True, json.loads(row["value"])) if row else (False, None)


def audit_log(db: sqlite3.Connection, doc: str | None = None) -> list[dict]:
    rows = db.execute("SELECT * FROM audit" + (" WHERE doc_id=?" if doc else "") + " ORDER BY id",
                      (doc,) if doc else ()).fetchall()
    return [{**dict(r), "before": loads(r["before"]), "after": loads(r["after"])} for r in rows]


def first_source(db: sqlite3.Connection, sha256: str) -> sqlite3.Row | None:
    """The first place this content was received from (its unit and received date count)."""
    return db.execute("SELECT source, unit, received FROM sources WHERE sha256=? AND duplicate_of IS NULL "
                      "ORDER BY id LIMIT 1", (sha256,)).fetchone()


def records(db: sqlite3.Connection, period: tuple[date, date] | None = None, texts: bool = True,
            sha256: str | None = None, doc: str | None = None) -> Iterator[DocumentRecord]:
    """The documents of done files (of one file, or one document), corrections applied (``period`` decides
    ``in_period`` of a corrected date). ``texts=False`` leaves the page texts out. Each record carries its
    likely copies in other files (:mod:`.duplicates`)."""
    twins = duplicates.all_twins(db) if sha256 is None and doc is None else None
    where, args = "f.status='done'", []
    if sha256:
        where, args = where + " AND d.sha256=?", [sha256]
    if doc:
        where, args = where + " AND d.id=?", [*args, doc]
    for row in db.execute(f"SELECT d.*, f.kind FROM documents d JOIN files f USING (sha256) WHERE {where} "
                          "ORDER BY f.added, d.sha256, d.first_page", args).fetchall():
        src = first_source(db, row["sha256"])
        places = [(row["sha256"], row["first_page"], row["last_page"])] + [tuple(p) for p in db.execute(
            "SELECT sha256, first_page, last_page FROM document_parts WHERE doc_id=? ORDER BY seq", (row["id"],))]
        parts, pages = [], []
        for sha, first, last in places:
            part_src = src if sha == row["sha256"] else first_source(db, sha)
            parts.append(SourcePart(sha, part_src["source"] if part_src else None, first, last))
            pages += db.execute(f"SELECT n, method, confidence{', text' if texts else ''} FROM pages "
                                "WHERE sha256=? AND n BETWEEN ? AND ? ORDER BY n", (sha, first, last)).fetchall()
        record = DocumentRecord.from_facts(
            loads(row["facts"], {}), corrections_of(db, row["id"]),
            id=row["id"], sha256=row["sha256"], source=src["source"] if src else None,
            source_pages=tuple(parts), unit=src["unit"] if src else None,
            received=src["received"] if src else None, status="done", error=None,
            pages=tuple(PageInfo(p["n"], p["method"], p["confidence"], p["text"] if texts else None, texts)
                        for p in pages))
        found = twins[row["id"]][1] if twins is not None and row["id"] in twins else \
            duplicates.Twins() if twins is not None else duplicates.twins_of(db, row["id"])
        yield dataclasses.replace(record.effective(period), duplicates=found.duplicates,
                                  duplicate_of=found.duplicate_of)


def quarantined(db: sqlite3.Connection, batch: bool = False) -> list[QuarantinedFile]:
    """Quarantined files and refused zip entries with their reasons and codes (:func:`files.quarantined`)."""
    return [QuarantinedFile(r["source"], r["sha256"], r["unit"], r["error"], error_code=r["error_code"])
            for r in files.quarantined(db, batch)]


def ids_with_units(db: sqlite3.Connection) -> list[tuple[str, str | None]]:
    """Every document of a done file with its unit (a reviewer's correction, else the first source's), newest
    file first."""
    rows = db.execute("""
        SELECT d.id, COALESCE(json_extract(c.value, '$'),
                              (SELECT s.unit FROM sources s WHERE s.sha256 = d.sha256 AND s.duplicate_of IS NULL
                               ORDER BY s.id LIMIT 1)) AS unit
        FROM documents d JOIN files f USING (sha256)
        LEFT JOIN corrections c ON c.doc_id = d.id AND c.field = 'unit'
        WHERE f.status = 'done' ORDER BY f.added DESC, d.sha256, d.first_page""").fetchall()
    return [(r["id"], r["unit"]) for r in rows]


def done_doc_row(db: sqlite3.Connection, doc: str) -> DocRow | None:
    """The document, when its file is done (the web shows no other)."""
    row = db.execute(f"{_DOC_ROWS} WHERE d.id=? AND f.status='done'", (doc,)).fetchone()
    return _with_parts(db, row) if row else None


def page_rows(db: sqlite3.Connection, doc: DocRow, page: int | None = None) -> list[sqlite3.Row]:
    """The stored pages of a document (all, across its parts, or its ``page``-th, 1-based), with words and
    cleaning matrix; each row names its file (``sha256``) and its page in the file (``n``)."""
    if page is None:
        return [r for part in doc.parts for r in db.execute(
            "SELECT * FROM pages WHERE sha256=? AND n BETWEEN ? AND ? ORDER BY n",
            (part.sha256, part.first_page, part.last_page)).fetchall()]
    found = doc.locate(page)
    if found is None:
        return []
    return db.execute("SELECT * FROM pages WHERE sha256=? AND n=?", (found[0].sha256, found[1])).fetchall()


def count_of_files(db: sqlite3.Connection, shas: Iterable[str]) -> int:
    """How many classified documents have a page in one of these files (a document across files counts once)."""
    shas = list(shas)
    if not shas:
        return 0
    marks = ", ".join("?" * len(shas))
    return db.execute(f"SELECT COUNT(*) FROM (SELECT id FROM documents WHERE sha256 IN ({marks}) AND facts IS NOT "
                      f"NULL UNION SELECT doc_id FROM document_parts WHERE sha256 IN ({marks}))",
                      [*shas, *shas]).fetchone()[0]
