"""The search backend contract: every backend must pass these (imported by ``test_search.py``, which
parametrises the ``backend`` fixture over sqlite and — when a server is configured — elasticsearch).

Fixtures used: ``backend`` (empty), ``loaded`` (the same backend with ``CORPUS`` indexed) and ``stale``
(a function that makes the stored index look like another schema version).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from search.analysis import QueryError
from search.model import Filters, PageRecord, SearchRequest


def _doc(doc_id: str, sha: str, texts: list[str], **facts) -> list[PageRecord]:
    return [PageRecord(doc_id=doc_id, sha256=sha, page=n, text=text, **facts) for n, text in enumerate(texts, 1)]


CORPUS: list[PageRecord] = [
    *_doc("kh-snv", "f1", [
        "SỞ NỘI VỤ\nSố: 15/KH-SNV\nThực hiện Chỉ thị số 10/CT-TTg ngày 22/4/2019 của Thủ tướng Chính phủ, "
        "Sở Nội vụ xây dựng Kế hoạch phòng, chống tham nhũng năm 2024.",
        "Tổ chức kê khai tài sản, thu nhập lần đầu và hằng năm đối với công chức thuộc diện phải kê khai.",
        "Thực hiện chuyển đổi vị trí công tác đối với công chức làm công tác tổ chức cán bộ, kế toán "
        "theo Nghị định số 59/2019/NĐ-CP của Chính phủ."],
        unit="Sở Nội vụ", doc_type="KH", symbol="15/KH-SNV", issued=date(2024, 1, 15), in_period=True,
        indicators=("A.1.1", "B.1.9"), method="text", source="So-Noi-vu/kh-pctn.pdf",
        subject="Kế hoạch phòng, chống tham nhũng năm 2024"),
    *_doc("bc-kp", "f2", [
        "Báo cáo kết quả công tác phòng, chống tham những 6 tháng đầu năm 2024 trên địa bàn huyện Krông Pắc, "
        "tỉnh Đắk Lắk.",
        "Trong kỳ chưa phát hiện vụ việc tham những; đã tiếp 12 lượt công dân tại bàn tiếp công dân của huyện."],
        unit="UBND huyện Krông Pắc", doc_type="BC", symbol="88/BC-UBND", issued=date(2024, 6, 10),
        in_period=True, indicators=("B.1.1",), method="ocr", confidence=72.5, source="Krong-Pac/bc.tif"),
    *_doc("tb-vp", "f3", [
        "Thông báo kết luận cuộc họp: bàn giao hồ sơ mua sắm bàn ghế cho phòng họp trước ngày 30/11/2023."],
        unit="Văn phòng UBND tỉnh", doc_type="TB", issued=date(2023, 11, 5), in_period=False, method="text"),
    *_doc("qd-stc", "f4", [
        "Quyết định bán đấu giá tài sản công là xe ô tô đã qua sử dụng của Sở Tài chính."],
        unit="Sở Tài chính", doc_type="QĐ", issued=date(2025, 2, 1), in_period=False, method="ocr", confidence=95.0),
    *_doc("cv-stp", "f5", [
        "Công văn về việc rà soát văn bản quy phạm pháp luật <script>alert('x')</script> & biểu mẫu kèm theo."],
        unit="Sở Tư pháp", doc_type="CV", issued=date(2024, 9, 9), in_period=True, method="text"),
    *_doc("hd-stc", "f4", [
        "Hướng dẫn phòng, chống tham nhũng trong doanh nghiệp, tổ chức khu vực ngoài nhà nước."],
        unit="Sở Tài chính", doc_type="HD", issued=date(2024, 3, 20), in_period=True, indicators=("C.2.1",),
        method="ocr", confidence=88.0),
    *_doc("kh-hkpd", "f6", [
        "Kế hoạch tổ chức Hội khỏe Phù Đổng cấp huyện năm 2024 cho học sinh các trường trung học cơ sở.",
        "Dự trù kinh phí tổ chức giải chạy việt dã và các môn bóng đá, cầu lông."],
        unit="UBND huyện Krông Pắc", doc_type="KH", issued=None, method="ocr", confidence=60.0),
    *_doc("bc-ktxh", "f7", [
        "Báo cáo tình hình kinh tế - xã hội tháng 5: tổng thu ngân sách đạt 45% dự toán, giải ngân vốn đầu tư."],
        unit="Văn phòng UBND tỉnh", doc_type="BC", issued=date(2024, 5, 31), in_period=True, method="text"),
]


def _page(doc_id: str, page: int) -> PageRecord:
    return next(p for p in CORPUS if (p.doc_id, p.page) == (doc_id, page))


def _req(query: str, **kw) -> SearchRequest:
    return SearchRequest(query, limit=kw.pop("limit", 50), **kw)


def _keys(backend, query: str, **kw) -> list[tuple[str, int]]:
    return [(h.doc_id, h.page) for h in backend.search(_req(query, **kw)).hits]


def _docs(backend, query: str, **kw) -> set[str]:
    return {doc for doc, _ in _keys(backend, query, **kw)}


def test_index_counts_pages_and_empty_index_finds_nothing(backend):
    assert backend.count() == 0
    assert backend.search(_req("tham nhũng")).total == 0
    assert backend.index(CORPUS) == len(CORPUS)
    assert backend.count() == len(CORPUS)


def test_without_diacritics_finds_the_accented_text_including_d_stroke(loaded):
    for query in ("dak lak", "Đắk Lắk", "DAK LAK", "krong pac"):
        assert ("bc-kp", 1) in _keys(loaded, query), query
    assert _docs(loaded, "so noi vu") == {"kh-snv"}


def test_ocr_slip_is_found_but_ranked_below_exact_spelling(loaded):
    keys = _keys(loaded, "tham nhũng")
    exact, slipped = {("kh-snv", 1), ("hd-stc", 1)}, {("bc-kp", 1), ("bc-kp", 2)}
    assert set(keys) == exact | slipped
    assert max(keys.index(k) for k in exact) < min(keys.index(k) for k in slipped)


def test_exact_diacritics_rank_above_folded_only_matches(loaded):
    keys = _keys(loaded, "bàn")
    assert set(keys[:3]) == {("tb-vp", 1), ("bc-kp", 1), ("bc-kp", 2)}  # bàn giao, địa bàn, bàn tiếp
    assert set(keys[3:]) == {("qd-stc", 1), ("cv-stp", 1)}  # "bán", "văn bản": only by folding, after "bàn"
    assert {"tb-vp", "qd-stc", "bc-kp"} <= _docs(loaded, "ban")  # no diacritics typed: every variant


def test_phrase_needs_adjacent_words_in_order(loaded):
    assert _docs(loaded, '"tài sản công"') == {"qd-stc"}
    assert _docs(loaded, "tài sản công") == {"qd-stc", "kh-snv"}
    assert _docs(loaded, '"công tài sản"') == set()
    assert _docs(loaded, '"kê khai tài sản, thu nhập"') == {"kh-snv"}  # punctuation is not a word


def test_or_binds_tighter_than_and(loaded):
    assert _docs(loaded, '"hội khỏe phù đổng" OR "bán đấu giá"') == {"kh-hkpd", "qd-stc"}
    assert _docs(loaded, 'năm 2024 OR "tháng 5"') == {"kh-snv", "bc-kp", "kh-hkpd"}  # năm AND (2024 OR …)


def test_exclusion_of_words_and_phrases(loaded):
    assert _docs(loaded, '"tham nhũng" -"ngoài nhà nước"') == {"kh-snv", "bc-kp"}
    keys = _keys(loaded, "tổ chức -giải")
    assert ("kh-hkpd", 1) in keys and ("kh-hkpd", 2) not in keys


def test_prefix(loaded):
    assert _docs(loaded, "tham nhũ*") == {"kh-snv", "hd-stc", "bc-kp"}
    assert _keys(loaded, "Krô*") == [("bc-kp", 1)]
    assert _docs(loaded, '"chuyển đổi vị trí công tác*"') == {"kh-snv"}


def test_document_symbols_are_searchable_by_their_parts(loaded):
    assert _keys(loaded, "10/CT-TTg") == [("kh-snv", 1)]
    assert _keys(loaded, "59/2019/NĐ-CP") == [("kh-snv", 3)]
    assert _keys(loaded, "nd-cp 59") == [("kh-snv", 3)]


BROAD = "năm OR của OR các OR về OR trong OR cho OR quyết OR tháng OR thông OR công"  # every document


@pytest.mark.parametrize(("filters", "expected"), [
    (Filters(units="Sở Tài chính"), {"qd-stc", "hd-stc"}),
    (Filters(units=("Sở Tư pháp", "Sở Nội vụ")), {"kh-snv", "cv-stp"}),
    (Filters(doc_types="BC"), {"bc-kp", "bc-ktxh"}),
    (Filters(indicators="B.1.9"), {"kh-snv"}),
    (Filters(indicators=("B.1.1", "C.2.1")), {"bc-kp", "hd-stc"}),
    (Filters(issued_from=date(2024, 6, 10)), {"bc-kp", "qd-stc", "cv-stp"}),
    (Filters(issued_to=date(2024, 1, 15)), {"kh-snv", "tb-vp"}),
    (Filters(issued_from=date(2024, 3, 1), issued_to=date(2024, 6, 30)), {"bc-kp", "hd-stc", "bc-ktxh"}),
    (Filters(in_period=True), {"kh-snv", "bc-kp", "cv-stp", "hd-stc", "bc-ktxh"}),
    (Filters(in_period=False), {"tb-vp", "qd-stc"}),
    (Filters(method="ocr"), {"bc-kp", "qd-stc", "hd-stc", "kh-hkpd"}),
    (Filters(method="text"), {"kh-snv", "tb-vp", "cv-stp", "bc-ktxh"}),
    (Filters(min_confidence=80), {"kh-snv", "tb-vp", "qd-stc", "cv-stp", "hd-stc", "bc-ktxh"}),
    (Filters(units="Sở Tài chính", doc_types="HD", in_period=True), {"hd-stc"}),
])
def test_filters(loaded, filters, expected):
    assert _docs(loaded, BROAD) == {p.doc_id for p in CORPUS}
    result = loaded.search(_req(BROAD, filters=filters))
    assert {h.doc_id for h in result.hits} == expected
    assert result.total == len(result.hits)


def test_facets_count_every_match_not_only_the_page_shown(loaded):
    result = loaded.search(SearchRequest("năm", limit=1))
    assert len(result.hits) == 1 and result.total == 4  # kh-snv p1 p2, bc-kp p1, kh-hkpd p1
    assert result.facets["doc_type"] == {"KH": 3, "BC": 1}
    assert result.facets["unit"] == {"Sở Nội vụ": 2, "UBND huyện Krông Pắc": 2}
    assert result.facets["indicator"] == {"A.1.1": 2, "B.1.9": 2, "B.1.1": 1}
    filtered = loaded.search(SearchRequest("năm", Filters(doc_types="KH")))
    assert filtered.total == 3 and filtered.facets["doc_type"] == {"KH": 3}


def test_hits_report_the_page_and_mark_the_words(loaded):
    (hit,) = loaded.search(SearchRequest('"chuyển đổi vị trí công tác"')).hits
    assert (hit.doc_id, hit.page) == ("kh-snv", 3)
    assert "**chuyển đổi vị trí công tác**" in hit.snippet
    assert (hit.unit, hit.doc_type, hit.symbol, hit.issued) == ("Sở Nội vụ", "KH", "15/KH-SNV", date(2024, 1, 15))
    assert hit.source == "So-Noi-vu/kh-pctn.pdf" and hit.subject.startswith("Kế hoạch")
    assert hit.score > 0
    (hit,) = loaded.search(SearchRequest("dak lak", markers=("[", "]"))).hits
    assert "[Đắk Lắk]" in hit.snippet  # the original spelling is shown, whatever was typed


def test_html_snippets_escape_the_text_but_not_the_markers(loaded):
    (hit,) = loaded.search(SearchRequest("rà soát", markers=("<mark>", "</mark>"), html=True)).hits
    assert "<mark>rà soát</mark>" in hit.snippet
    assert "<script>" not in hit.snippet and "&lt;script&gt;" in hit.snippet and "&amp;" in hit.snippet
    (plain,) = loaded.search(SearchRequest("rà soát")).hits
    assert "<script>" in plain.snippet  # a terminal gets the text as it is


def test_snippets_for_the_best_page_of_the_first_documents_only(loaded):
    every = loaded.search(_req(BROAD)).hits
    some = loaded.search(_req(BROAD, snippet_docs=2)).hits
    assert [(h.doc_id, h.page) for h in some] == [(h.doc_id, h.page) for h in every]  # the same hits, same order
    firsts = [n for n, h in enumerate(every) if h.doc_id not in {g.doc_id for g in every[:n]}][:2]
    assert [n for n, h in enumerate(some) if h.snippet] == firsts and len({every[n].doc_id for n in firsts}) == 2
    assert all(some[n].snippet == every[n].snippet for n in firsts) and all(h.snippet for h in every)
    assert not any(h.snippet for h in loaded.search(_req(BROAD, snippet_docs=0)).hits)


def test_reader_marks_show_the_phrase_and_the_words_as_typed(backend):
    """``reader_marks``: the same window, marked as a reader looks (search.marking); asked again with the words
    typed otherwise, the marks follow what was typed (a backend that keeps snippets must key them by it)."""
    text = ("Triển khai kê khai tài sản tại cơ quan; tài liệu về tham những (bản quét) và tham nhũng "
            "được lưu.")
    backend.index([PageRecord(doc_id="rm", sha256="r1", page=1, text=text)])
    html = {"markers": ("<mark>", "</mark>"), "html": True}
    every = backend.search(SearchRequest("kê khai tài sản tham nhũng", **html)).hits[0].snippet
    reader = backend.search(SearchRequest("kê khai tài sản tham nhũng", reader_marks=True, **html)).hits[0].snippet
    assert every.count("<mark>") > reader.count("<mark>") and "Triển <mark>khai" in every
    assert reader == ("Triển khai <mark>kê khai tài sản</mark> tại cơ quan; tài liệu về tham những (bản quét) và "
                      "<mark>tham nhũng</mark> được lưu.")
    unaccented = backend.search(SearchRequest("ke khai tai san tham nhung", reader_marks=True, **html)).hits[0]
    assert "<mark>tham những</mark>" in unaccented.snippet and "<mark>tham nhũng</mark>" in unaccented.snippet
    again = backend.search(SearchRequest("kê khai tài sản tham nhũng", reader_marks=True, **html)).hits[0]
    assert again.snippet == reader


def test_pagination_walks_every_match_once(loaded):
    everything = _keys(loaded, BROAD)
    pages = [_keys(loaded, BROAD, limit=3, offset=offset) for offset in range(0, len(everything) + 3, 3)]
    walked = [key for page in pages for key in page]
    assert walked == everything and len(set(walked)) == len(CORPUS)
    assert loaded.search(_req(BROAD, limit=3, offset=100)).hits == []
    assert loaded.search(_req(BROAD, limit=3, offset=100)).total == len(CORPUS)


def test_pagination_across_the_exact_and_folded_tiers(loaded):
    everything = _keys(loaded, "bàn")
    assert len(everything) == 5
    for size in (1, 2, 4):
        walked = [k for offset in range(0, 6, size) for k in _keys(loaded, "bàn", limit=size, offset=offset)]
        assert walked == everything, size


def test_sort_by_issue_date_newest_first_undated_last(loaded):
    hits = loaded.search(_req(BROAD, sort="date")).hits
    dated = [h.issued for h in hits if h.issued]
    assert dated == sorted(dated, reverse=True) and hits[0].doc_id == "qd-stc"
    assert [h.doc_id for h in hits[-2:]] == ["kh-hkpd", "kh-hkpd"]


def test_deleting_and_reindexing_a_file_leaves_no_stale_hits(loaded):
    assert _docs(loaded, "bán đấu giá") == {"qd-stc"}
    loaded.delete_file("f4")  # qd-stc and hd-stc came from the same file
    assert _docs(loaded, "bán đấu giá") == set() and _docs(loaded, "ngoài nhà nước") == set()
    assert loaded.count() == len(CORPUS) - 2
    corrected = replace(_page("qd-stc", 1), text="Quyết định thanh lý tài sản công là xe ô tô của Sở Tài chính.")
    assert loaded.index([corrected]) == 1
    assert _docs(loaded, "thanh lý") == {"qd-stc"} and _docs(loaded, "bán đấu giá") == set()
    assert loaded.count() == len(CORPUS) - 1


def test_reindexing_a_page_replaces_it(loaded):
    page = replace(_page("kh-snv", 1), text="Kế hoạch phòng, chống tham nhũng năm 2025 (bản sửa đổi).")
    loaded.index([page])
    assert loaded.count() == len(CORPUS)
    assert _keys(loaded, "bản sửa đổi") == [("kh-snv", 1)] and _keys(loaded, "10/CT-TTg") == []


def test_deleting_a_document(loaded):
    loaded.delete_document("bc-kp")
    assert _docs(loaded, "krông") == set() and loaded.count() == len(CORPUS) - 2
    loaded.delete_document("no-such-document")
    assert loaded.count() == len(CORPUS) - 2


def test_clear(loaded):
    loaded.clear()
    assert loaded.count() == 0 and loaded.search(_req("tham nhũng")).total == 0


def test_malformed_query_is_a_query_error(loaded):
    for bad in ('"tham nhũng', "tham -", "", "   ", "-tham", "OR tham"):
        with pytest.raises(QueryError):
            loaded.search(_req(bad))


def test_needs_rebuild_when_the_stored_schema_version_differs(backend, stale):
    assert backend.needs_rebuild()  # nothing built yet
    backend.index(CORPUS[:2])
    assert not backend.needs_rebuild()
    stale(backend)
    assert backend.needs_rebuild()
    assert backend.rebuild(CORPUS) == len(CORPUS)
    assert not backend.needs_rebuild()
    assert backend.count() == len(CORPUS) and _docs(backend, "dak lak") == {"bc-kp"}


# --- ranking: the document's heading and số ký hiệu first (search/ranking.py) -----------------------------

_PLAN = "Kê khai, công khai bản kê khai tài sản, thu nhập năm 2024"
RANKED: list[PageRecord] = [
    # the plan itself: its trích yếu, symbol and signer once each, as a real header and signature give them
    *_doc("kh-245", "r1", [
        "ỦY BAN NHÂN DÂN HUYỆN KRÔNG PẮC\nSố: 245/KH-UBND\nKrông Pắc, ngày 12 tháng 11 năm 2024\nKẾ HOẠCH\n"
        f"{_PLAN}\nCăn cứ Luật Phòng, chống tham nhũng năm 2018, Ủy ban nhân dân huyện ban hành kế hoạch này.",
        "Các phòng, ban chuyên môn lập danh sách người có nghĩa vụ, gửi về Phòng Nội vụ trước ngày 15/12.",
        "Nơi nhận: Thanh tra tỉnh; Lưu: VT.\nTM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH\nTrần Đình Phong"],
        unit="UBND huyện Krông Pắc", doc_type="KH", doc_type_name="Kế hoạch", symbol="245/KH-UBND",
        subject=_PLAN, signer="Trần Đình Phong", issued=date(2024, 11, 12), in_period=True, method="ocr",
        confidence=90.0),
    # a report that repeats the plan's words, its symbol and its signer's name all through its body
    *_doc("bc-245", "r2", [
        "Thực hiện Kế hoạch số 245/KH-UBND của UBND huyện về kê khai, công khai bản kê khai tài sản, thu nhập "
        "năm 2024, ông Trần Đình Phong chỉ đạo kê khai tài sản, thu nhập; kết quả kê khai tài sản, thu nhập "
        "năm 2024: 100% người có nghĩa vụ đã kê khai tài sản, thu nhập; công khai bản kê khai tài sản, thu nhập "
        "đúng Kế hoạch số 245/KH-UBND. Ông Trần Đình Phong đề nghị tiếp tục kế hoạch kê khai tài sản, thu nhập."],
        unit="UBND huyện Krông Pắc", doc_type="BC", doc_type_name="Báo cáo", symbol="301/BC-UBND",
        subject="Kết quả công tác phòng, chống tham nhũng năm 2024", signer="Lê Thị Bích Ngọc",
        issued=date(2024, 12, 5), in_period=True, method="text"),
    # same number, another symbol; it cites the plan in its trích yếu and three times in its body
    *_doc("cv-245", "r3", [
        "Số: 245/UBND-VP\nV/v đôn đốc thực hiện Kế hoạch số 245/KH-UBND. Theo Kế hoạch 245/KH-UBND và "
        "Kế hoạch 245 KH UBND, các đơn vị báo cáo trước ngày 20/12/2024."],
        unit="UBND huyện Krông Pắc", doc_type="CV", doc_type_name="Công văn", symbol="245/UBND-VP",
        subject="V/v đôn đốc thực hiện Kế hoạch số 245/KH-UBND", signer="Lê Thị Bích Ngọc", method="text"),
    # a heading with "bán", bodies with "bàn": the heading tier must not undo the diacritics typed
    *_doc("qd-ban", "r4", ["Quyết định bán đấu giá tài sản công: bàn giao xe ô tô."],
          doc_type="QĐ", doc_type_name="Quyết định", subject="Bán đấu giá tài sản công", method="text"),
    *_doc("tb-ban", "r5", ["Thông báo: họp bàn giao hồ sơ; bàn giao tài sản, bàn giao con dấu và bàn làm việc."],
          doc_type="TB", doc_type_name="Thông báo", subject="Kết luận cuộc họp giao ban", method="text"),
]


@pytest.fixture
def ranked(backend):
    backend.index(RANKED)
    return backend


def _first_doc(backend, query: str) -> str:
    hits = backend.search(_req(query)).hits
    return hits[0].doc_id if hits else ""


@pytest.mark.parametrize("query", [
    "kê khai tài sản thu nhập năm 2024", "ke khai tai san thu nhap nam 2024", "kê khai, công khai bản kê khai",
    "kế hoạch kê khai tài sản", "ke hoach ke khai tai san", '"công khai bản kê khai"'])
def test_trich_yeu_and_type_rank_the_document_above_body_only_matches(ranked, query):
    assert "bc-245" in _docs(ranked, query)  # the report matches too, and repeats the words far more often
    assert _first_doc(ranked, query) == "kh-245", query


@pytest.mark.parametrize("query", [
    "245/KH-UBND", "245 KH UBND", "245/kh-ubnd", "245-KH-UBND", "245/KH UBND", "số 245/KH-UBND", "so 245 kh ubnd"])
def test_the_number_and_symbol_in_any_spelling_rank_its_document_first(ranked, query):
    assert {"bc-245", "cv-245"} <= _docs(ranked, query)  # both cite it in their bodies, more often
    assert _first_doc(ranked, query) == "kh-245", query
    assert _first_doc(ranked, "245/UBND-VP") == "cv-245"  # the same number with another symbol


@pytest.mark.parametrize("query", ["Trần Đình Phong", "tran dinh phong"])
def test_the_signer_ranks_the_signed_document_first(ranked, query):
    keys = _keys(ranked, query)
    assert keys[0] == ("kh-245", 3) and ("bc-245", 1) in keys  # the page with the signature


def test_the_heading_tier_keeps_the_diacritics_typed(ranked):
    keys = _keys(ranked, "bàn")
    assert [doc for doc, _ in keys[:2]] == ["tb-ban", "qd-ban"]  # "Bán đấu giá" in a heading is not "bàn"
    assert _first_doc(ranked, "bán đấu giá") == "qd-ban"


def test_the_tiers_reorder_matches_but_never_add_one(ranked):
    result = ranked.search(_req("Lê Thị Bích Ngọc"))  # a signer in two headings, in no page text
    assert result.total == 0 and result.hits == []
    plain = ranked.search(_req("kê khai"))
    assert plain.total == 2 and plain.facets["doc_type"] == {"BC": 1, "KH": 1}  # kh-245 p1, bc-245 p1


def test_pagination_across_the_lifted_pages_and_the_body_ranking(ranked):
    for query in ("245/KH-UBND", "kê khai tài sản", "kế hoạch"):
        everything = _keys(ranked, query)
        assert len(everything) == ranked.search(_req(query)).total
        for size in (1, 2, 3):
            walked = [k for offset in range(0, len(everything) + size, size)
                      for k in _keys(ranked, query, limit=size, offset=offset)]
            assert walked == everything, (query, size)
