"""search.analysis: tokens, the query language and the snippet highlighter (no backend involved)."""

from __future__ import annotations

import unicodedata

import pytest

from search.analysis import QueryError, Term, index_forms, parse_query, tokens
from search.snippets import highlight


def test_tokens_are_runs_of_letters_and_digits_in_nfc_lowercase():
    assert tokens("Chỉ thị số 10/CT-TTg ngày 22/4/2019") == ["chỉ", "thị", "số", "10", "ct", "ttg", "ngày", "22", "4",
                                                            "2019"]
    assert tokens(unicodedata.normalize("NFD", "Đắk Lắk")) == ["đắk", "lắk"]
    assert tokens("tổng kinh phí 970.862.000 đồng; đạt 45%") == ["tổng", "kinh", "phí", "970", "862", "000", "đồng",
                                                                 "đạt", "45"]


def test_index_forms_have_the_same_tokens_exact_and_folded():
    exact, folded = index_forms("Phòng, chống THAM NHŨNG tại Đắk Lắk")
    assert exact == "phòng chống tham nhũng tại đắk lắk"
    assert folded == "phong chong tham nhung tai dak lak"


def test_words_are_anded_and_phrases_kept_together():
    q = parse_query('tham nhũng "kê khai tài sản"')
    assert q.clauses == ((Term(("tham",)),), (Term(("nhũng",)),), (Term(("kê", "khai", "tài", "sản")),))
    assert q.accented and not q.excluded


def test_a_word_with_punctuation_is_a_phrase_of_its_parts():
    (clause,) = parse_query("59/2019/NĐ-CP").clauses
    assert clause == (Term(("59", "2019", "nđ", "cp")),)
    assert clause[0].folded == ("59", "2019", "nd", "cp")


def test_or_groups_its_neighbours_and_binds_tighter_than_and():
    q = parse_query('báo cáo OR "kế hoạch" năm')
    assert q.clauses == ((Term(("báo",)),), (Term(("cáo",)), Term(("kế", "hoạch"))), (Term(("năm",)),))
    assert len(parse_query("a OR b OR c").clauses[0]) == 3
    assert parse_query("tham or nhung").clauses[1] == (Term(("or",)),)  # only upper-case OR is an operator


def test_exclusions_and_prefixes():
    q = parse_query('tham nhũ* -"khu vực ngoài nhà nước" -doanh')
    assert q.clauses[1] == (Term(("nhũ",), prefix=True),)
    assert q.excluded == (Term(("khu", "vực", "ngoài", "nhà", "nước")), Term(("doanh",)))
    assert parse_query('"tham nhũ"*').clauses[0] == (Term(("tham", "nhũ"), prefix=True),)
    assert parse_query("CT-TTg*").clauses[0] == (Term(("ct", "ttg"), prefix=True),)


def test_accent_flag_follows_what_was_typed():
    assert not parse_query("dak lak").accented
    assert parse_query("Đak lak").accented  # đ is a mark too
    assert parse_query("tham -nhũng").accented


def test_curly_quotes_and_punctuation_only_words():
    assert parse_query("“tham nhũng” ,").clauses == ((Term(("tham", "nhũng")),),)
    assert str(parse_query('a OR "b c" -d eak*')) == 'a OR "b c" eak* -d'


@pytest.mark.parametrize(("text", "reason"), [
    ('"tham nhũng', "unbalanced quote"),
    ("tham - nhũng", 'lone "-"'),
    ("tham -", 'lone "-"'),
    ("", "empty query"),
    ("  , ; ", "empty query"),
    ('""', "empty phrase"),
    ("-tham -nhũng", "only excludes"),
    ("OR tham", "OR"),
    ("tham OR", "OR"),
    ("tham OR OR nhũng", "OR"),
    ("tham OR -nhũng", "cannot be part of OR"),
    ("t*", "too short"),
    ("thanh tr*", "too short"),
    ('"công tá*"', "too short"),  # counted without marks: "ta"
    ("*", "must follow"),
])
def test_malformed_queries_say_why(text, reason):
    with pytest.raises(QueryError, match=reason):
        parse_query(text)


def test_highlight_marks_exact_and_folded_occurrences_in_the_original_spelling():
    text = "Báo cáo công tác phòng, chống tham những (OCR) và tham nhũng tại Đắk Lắk."
    out = highlight(text, parse_query("tham nhũng dak lak"), ("[", "]"))
    assert out == "Báo cáo công tác phòng, chống [tham những] (OCR) và [tham nhũng] tại [Đắk Lắk]."


def test_highlight_phrases_prefixes_and_whole_words_only():
    text = "Ủy ban nhân dân ban hành kế hoạch; cán bộ bàn bạc về ngân sách, ban bố"
    assert highlight(text, parse_query('"ban hành"'), ("[", "]")).count("[") == 1
    assert highlight(text, parse_query("ngân*"), ("[", "]")).count("[ngân]") == 1
    assert "[ban] [bố]" not in highlight(text, parse_query("ban"), ("[", "]"))
    assert highlight(text, parse_query("ban"), ("[", "]")).count("[") == 4  # ban, ban, bàn, ban — not "bạc"


def test_highlight_escapes_html_but_not_the_markers():
    out = highlight("Công văn <script>alert(1)</script> & rà soát", parse_query("rà soát"), ("<mark>", "</mark>"),
                    html_escape=True)
    assert out == "Công văn &lt;script&gt;alert(1)&lt;/script&gt; &amp; <mark>rà soát</mark>"


def test_snippet_window_prefers_the_densest_cluster_of_distinct_terms():
    filler = "Các đơn vị tiếp tục thực hiện nhiệm vụ thường xuyên theo kế hoạch đã đề ra. " * 8
    text = "Kê khai ở đầu trang. " + filler + "Tổ chức kê khai tài sản, thu nhập đầy đủ. " + filler
    out = highlight(text, parse_query("kê khai thu nhập"), ("[", "]"), max_chars=120)
    assert "[kê khai] tài sản, [thu nhập]" in out.lower()
    assert out.startswith("…") and out.endswith("…") and len(out) <= 120 + 20
    assert "\n" not in highlight("Dòng một\n\n  dòng hai tham nhũng", parse_query("tham"))


def test_snippet_without_a_hit_is_the_start_of_the_page():
    out = highlight("Kế hoạch tổ chức hội nghị. " * 30, parse_query("không có"), max_chars=60)
    assert out.startswith("Kế hoạch") and out.endswith("…") and len(out) <= 61
