"""The snippet matcher: one small regex per term, merged as a single leftmost alternation would merge them."""

from __future__ import annotations

import re
import sqlite3
import zlib

import pytest

from ingest.text import squash
from search.analysis import parse_query
from search.backends.sqlite import SqliteBackend
from search.model import PageRecord, SearchRequest
from search.snippets import aligned_fold, find_matches, highlight, matcher

TEXTS = [
    "Ủy ban nhân dân ban hành kế hoạch; cán bộ bàn bạc về ngân sách, ban bố",
    "ban ban ban ban hành ban — xban ban_ _ban bân",
    "tham nhũng tham tham nhũng nhũng, phòng, chống tham những (OCR)",
    "ĐẮK LẮK đắk lắk dak-lak Đắk\nLắk",
    "Kê khai tài sản, thu nhập; kê  khai; KÊ KHAI TÀI SẢN năm 2024",
]
QUERIES = ["ban", '"ban ban"', '"ban hành" ban', "ban OR bàn", "tham nhũng", '"tham nhũng" tham nhũng',
           "nhũ*", '"tham nhũ*" tham', "dak lak", '"dak lak" lak', "kê khai tài sản", '"kê khai" khai OR kê',
           "ban*", "2024 OR năm"]


def reference(text: str, query) -> list[tuple[int, int, int]]:
    """The spans one ``\\b(?:t1|t2|…)`` regex (longest term first) finds on the folded text."""
    terms = sorted(enumerate(query.positive_terms()), key=lambda it: -len(it[1].tokens))
    body = "|".join(f"(?P<t{n}>" + r"[\W_]+".join(map(re.escape, term.folded)) + (r"\w*" if term.prefix else r"\b")
                    + ")" for n, term in terms)
    return [(m.start(), m.end(), int(m.lastgroup[1:])) for m in re.finditer(rf"\b(?:{body})", aligned_fold(text))]


@pytest.mark.parametrize("query", QUERIES)
def test_matches_are_those_of_one_leftmost_alternation(query):
    parsed = parse_query(query)
    for text in TEXTS:
        got = [(m.start, m.end, m.term) for m in find_matches(text, parsed)]
        assert got == reference(text, parsed), (query, text)


def test_terms_start_at_a_word_only_and_overlaps_go_to_the_longest_term():
    text = TEXTS[1]
    spans = [text[m.start:m.end] for m in find_matches(text, parse_query('"ban ban" ban'))]
    assert spans == ["ban ban", "ban ban", "ban", "ban_ _ban", "bân"]  # "_" is no token: "ban_ _ban" is a phrase
    assert find_matches("xban banx bạnx 1ban ban2", parse_query("ban")) == []
    assert [m.term for m in find_matches(text, parse_query('ban "ban hành"'))][:5] == [0, 0, 0, 1, 0]


def test_highlight_with_the_stored_fold_is_the_same_snippet():
    for text in TEXTS:
        line = squash(text)
        for query in QUERIES:
            parsed = parse_query(query)
            assert highlight(line, parsed, ("[", "]"), 60, folded=aligned_fold(line), terms=matcher(parsed)) == \
                highlight(text, parsed, ("[", "]"), 60)


def test_the_sqlite_index_keeps_each_page_as_one_line_and_its_fold_beside_it():
    db = sqlite3.connect(":memory:")
    backend = SqliteBackend(db)
    backend.index([PageRecord("d1", "s1", 1, "Kế hoạch\n\nphòng,   chống THAM NHŨNG tại Đắk Lắk")])
    row = db.execute("SELECT text, folded FROM search_docs").fetchone()
    text, folded = (zlib.decompress(blob).decode() for blob in row)
    assert text == "Kế hoạch phòng, chống THAM NHŨNG tại Đắk Lắk"
    assert folded == "ke hoach phong, chong tham nhung tai dak lak"
    hit = backend.search(SearchRequest("tham nhung dak lak", markers=("[", "]"))).hits[0]
    assert hit.snippet == "Kế hoạch phòng, chống [THAM NHŨNG] tại [Đắk Lắk]"
    backend.delete_document("d1")  # the stored line gives the index the same words to remove
    assert backend.count() == 0 and not backend.search(SearchRequest("tham")).hits
