"""Near-duplicates: the same document received twice as different files (a rescan, a photo and a scan).

The same content received twice is one file already (by sha256). A rescan is other bytes, so it becomes a
second document with the same facts. Two documents of different files are *likely the same* when

* they have the same issue date, and
* the same số ký hiệu and the same issuer (both read, compared without case, marks, spaces or
  punctuation, leading zeros dropped: "05/CT-UBND" = "5/ct-ubnd"), and their texts share at least
  :data:`SAME_FACTS_TEXT` of their word 3-shingles (folded); or
* one of the two (symbol or issuer) agrees and the texts share at least :data:`TEXT_ONLY` (OCR misread
  the other).

Distinct documents can share a date and an issuer (a unit issues several documents a day): the text
threshold keeps them apart. Measured on the sample inbox (BENCHMARKS.md, *Ranking and near-duplicates*):
distinct documents share at most 0.03 of their shingles, the same plan rendered twice with other
degradations 0.8.

Facts are the ones in force (reviewers' corrections applied), read at the time they are asked for: a
correction of a symbol, an issuer or a date changes the answer at once. Candidates are found through
the index on the stored issue date (``documents_issued``, migration 6) and the corrections of ``issued``.

Of a group of likely copies in one unit the first received (file added first, then document id) is the
one that counts: the others carry ``duplicate_of`` (the gap report counts them once). Copies sent by two
different units are listed as ``duplicates`` of each other but both count, each for its unit.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass

from ingest.text import fold

SAME_FACTS_TEXT = 0.3  # symbol, issuer and date agree: the texts need only be alike
TEXT_ONLY = 0.6  # symbol or issuer disagrees (an OCR slip): the texts must be much alike
_WORD = re.compile(r"[^\W_]+")

_EFFECTIVE = """
SELECT d.id, d.sha256, f.added,
  COALESCE((SELECT json_extract(c.value, '$') FROM corrections c WHERE c.doc_id = d.id AND c.field = 'unit'),
           (SELECT s.unit FROM sources s WHERE s.sha256 = d.sha256 AND s.duplicate_of IS NULL
            ORDER BY s.id LIMIT 1)) AS unit,
  COALESCE((SELECT json_extract(c.value, '$') FROM corrections c WHERE c.doc_id = d.id AND c.field = 'symbol'),
           json_extract(d.facts, '$.symbol')) AS symbol,
  COALESCE((SELECT json_extract(c.value, '$') FROM corrections c WHERE c.doc_id = d.id AND c.field = 'issuer'),
           json_extract(d.facts, '$.issuer')) AS issuer,
  COALESCE((SELECT json_extract(c.value, '$') FROM corrections c WHERE c.doc_id = d.id AND c.field = 'issued'),
           json_extract(d.facts, '$.issued')) AS issued
FROM documents d JOIN files f USING (sha256)
WHERE f.status = 'done'"""
_ON_DAY = (" AND (json_extract(d.facts, '$.issued') = :day OR d.id IN "
           "(SELECT doc_id FROM corrections WHERE field = 'issued' AND json_extract(value, '$') = :day))")


@dataclass(frozen=True)
class Facts:
    """What decides sameness, with the corrections in force."""

    id: str
    sha256: str
    added: str
    unit: str | None
    symbol: str | None
    issuer: str | None
    issued: str | None


@dataclass(frozen=True)
class Twins:
    duplicates: tuple[str, ...] = ()  # every other document likely to be the same one, first received first
    duplicate_of: str | None = None  # the first received copy in the same unit, when it is not this one


def key(value: str | None) -> str:
    """A symbol or issuer without case, marks, spaces, punctuation or leading zeros; "" for none."""
    return "".join(w.lstrip("0") or "0" if w.isdigit() else w for w in _WORD.findall(fold(value or "")))


def shingles(text: str) -> frozenset[tuple[str, ...]]:
    words = _WORD.findall(fold(text))
    return frozenset(tuple(words[i:i + 3]) for i in range(max(1, len(words) - 2)))


def jaccard(a: frozenset, b: frozenset) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def _text(db: sqlite3.Connection, doc: str) -> str:
    rows = db.execute("SELECT p.text FROM documents d JOIN pages p ON p.sha256 = d.sha256 "
                      "AND p.n BETWEEN d.first_page AND d.last_page WHERE d.id = ? ORDER BY p.n", (doc,))
    return "\n".join(r[0] or "" for r in rows)


def _facts(row: sqlite3.Row | tuple) -> Facts:
    return Facts(*row)


def alike(db: sqlite3.Connection, a: Facts, b: Facts, texts: dict[str, frozenset] | None = None) -> bool:
    """Are ``a`` and ``b`` likely the same document (the rule of the module docstring)?"""
    if a.sha256 == b.sha256 or not a.issued or a.issued != b.issued:
        return False
    same_symbol = bool(key(a.symbol)) and key(a.symbol) == key(b.symbol)
    same_issuer = bool(key(a.issuer)) and key(a.issuer) == key(b.issuer)
    if not (same_symbol or same_issuer):
        return False
    texts = {} if texts is None else texts
    for doc in (a.id, b.id):
        if doc not in texts:
            texts[doc] = shingles(_text(db, doc))
    similar = jaccard(texts[a.id], texts[b.id])
    return similar >= (SAME_FACTS_TEXT if same_symbol and same_issuer else TEXT_ONLY)


def _order(f: Facts) -> tuple[str, str]:
    return (f.added or "", f.id)


def _twins(db: sqlite3.Connection, me: Facts, others: list[Facts], texts: dict[str, frozenset],
           keep: bool = True) -> Twins:
    """``keep``: the others' shingles stay in ``texts`` for the next document of the group (False: each is
    dropped once compared, so one document's look-up holds two texts, not its whole day)."""
    same = []
    for other in others:
        if other.id != me.id and alike(db, me, other, texts):
            same.append(other)
        if not keep and other.id != me.id:
            texts.pop(other.id, None)
    same.sort(key=_order)
    if not same:
        return Twins()
    first = min([me, *(o for o in same if o.unit == me.unit)], key=_order)
    return Twins(tuple(o.id for o in same), None if first.id == me.id else first.id)


def on_day(db: sqlite3.Connection, day: str) -> list[Facts]:
    """Every document of a done file whose issue date in force is ``day`` (through the date index)."""
    return [f for f in map(_facts, db.execute(_EFFECTIVE + _ON_DAY, {"day": day})) if f.issued == day]


def twins_of(db: sqlite3.Connection, doc: str) -> Twins:
    """The likely copies of one document (its facts in force)."""
    rows = db.execute(_EFFECTIVE + " AND d.id = ?", (doc,)).fetchall()
    if not rows:
        return Twins()
    me = _facts(rows[0])
    if not me.issued:
        return Twins()
    return _twins(db, me, on_day(db, me.issued), {}, keep=False)


def twins_for(db: sqlite3.Connection, docs: list[str]) -> dict[str, Twins]:
    """The documents among ``docs`` that have likely copies → their :class:`Twins`, in two queries (the
    facts of ``docs``, then every document of their issue dates): for a page of search results."""
    if not docs:
        return {}
    mine = [f for f in map(_facts, db.execute(_EFFECTIVE + f" AND d.id IN ({', '.join('?' * len(docs))})", docs))
            if f.issued]
    days = sorted({f.issued for f in mine})
    if not days:
        return {}
    marks = ", ".join("?" * len(days))
    by_day: dict[str, list[Facts]] = {}
    for f in map(_facts, db.execute(_EFFECTIVE + f" AND (json_extract(d.facts, '$.issued') IN ({marks}) OR d.id IN "
                                    "(SELECT doc_id FROM corrections WHERE field = 'issued' AND "
                                    f"json_extract(value, '$') IN ({marks})))", [*days, *days])):
        by_day.setdefault(f.issued or "", []).append(f)
    texts: dict[str, frozenset] = {}
    found = {f.id: _twins(db, f, by_day.get(f.issued or "", []), texts) for f in mine}
    return {doc: twins for doc, twins in found.items() if twins.duplicates}


def all_twins(db: sqlite3.Connection) -> dict[str, tuple[Facts, Twins]]:
    """Every document that has likely copies → its facts in force and its :class:`Twins` (one pass over the
    catalog; texts are read only for documents sharing a date and a symbol or issuer)."""
    by_day: dict[str, list[Facts]] = {}
    for facts in map(_facts, db.execute(_EFFECTIVE)):
        if facts.issued:
            by_day.setdefault(facts.issued, []).append(facts)
    out: dict[str, tuple[Facts, Twins]] = {}
    for group in by_day.values():
        if len(group) < 2:
            continue
        texts: dict[str, frozenset] = {}
        for me in group:
            found = _twins(db, me, group, texts)
            if found.duplicates:
                out[me.id] = (me, found)
    return out
