"""Indicator tagging and issuer kinds on real-looking and OCR-damaged Vietnamese text (no OCR; fast)."""

from __future__ import annotations

import unicodedata
from datetime import date

import pytest

from classify.indexset import IndexSet, load_index_set
from classify.indicators import THRESHOLD, IndicatorTag, Tagger, in_period, tag
from classify.issuers import ISSUER_PATTERNS, issuer_kind


@pytest.fixture(scope="module")
def paca() -> IndexSet:
    return load_index_set("paca-2024")


@pytest.fixture(scope="module")
def tagger(paca: IndexSet) -> Tagger:
    return Tagger(paca)


def ids(tags: list[IndicatorTag]) -> list[str]:
    return [t.id for t in tags]


def get(tags: list[IndicatorTag], ident: str) -> IndicatorTag:
    return next(t for t in tags if t.id == ident)


CAN_CU = """Căn cứ Luật Phòng, chống tham nhũng ngày 20 tháng 11 năm 2018;
Căn cứ Nghị định số 130/2020/NĐ-CP ngày 30 tháng 10 năm 2020 của Chính phủ về kiểm soát tài sản,
thu nhập của người có chức vụ, quyền hạn trong cơ quan, tổ chức, đơn vị;
"""

ASSET_PLAN = f"""UBND TỈNH ĐẮK LẮK
SỞ NỘI VỤ
Số: 15/KH-SNV
Đắk Lắk, ngày 05 tháng 12 năm 2024
KẾ HOẠCH
Kê khai, công khai bản kê khai tài sản, thu nhập năm 2024
{CAN_CU}
I. MỤC ĐÍCH, YÊU CẦU
Tổ chức kê khai hằng năm đúng đối tượng, đúng thời hạn; công khai bản kê khai tại cơ quan.
"""


# --- the examples the index set must tag -------------------------------------------------------------------------

def test_asset_declaration_plan(tagger: Tagger) -> None:
    tags = tagger.tag(ASSET_PLAN, doc_type="KH", subject="Kê khai, công khai bản kê khai tài sản, thu nhập năm 2024",
                      issuer_kind="SO")
    assert ids(tags) == ["B.1.9"]
    assert tags[0].score >= 0.9
    assert 'cụm từ "kê khai, công khai bản kê khai tài sản, thu nhập" trong trích yếu' in tags[0].why
    assert "loại văn bản KH khớp" in tags[0].why


def test_asset_declaration_plan_ocr_damaged_without_subject(tagger: Tagger) -> None:
    damaged = ASSET_PLAN.replace("KẾ HOẠCH", "KÉ HOẠCH").replace(
        "Kê khai, công khai bản kê khai tài sản, thu nhập", "Kê khai công khai bản kê\nkhai tải sản, thu nhâp")
    tags = tagger.tag(damaged, doc_type="KH", subject=None, issuer_kind="SO")
    assert ids(tags)[0] == "B.1.9"
    assert any("trong phần tiêu đề" in why for why in tags[0].why)


def test_job_rotation_with_wrong_tone_marks_and_line_break(tagger: Tagger) -> None:
    tags = tagger.tag("", doc_type="KH", subject="Chuyến đổi vị trí\ncông tác đối với công chức, viên chức năm 2024",
                      issuer_kind="HUYEN")
    assert ids(tags) == ["B.1.7"]
    assert tags[0].why[0] == 'cụm từ "chuyển đổi vị trí công tác" trong trích yếu'


def test_job_rotation_with_run_together_words_is_a_fuzzy_hit(tagger: Tagger) -> None:
    tags = tagger.tag("", doc_type="KH", subject="Chuyển đổi vị trí côngtác năm 2024", issuer_kind=None)
    assert ids(tags) == ["B.1.7"]
    assert tags[0].why[0].startswith('fuzzy 98: "Chuyển đổi vị trí côngtác" ≈ "chuyển đổi vị trí công tác"')
    exact = tagger.tag("", doc_type="KH", subject="Chuyển đổi vị trí công tác năm 2024", issuer_kind=None)
    assert tags[0].score < exact[0].score


def test_code_of_conduct(tagger: Tagger) -> None:
    text = """BỘ TÀI CHÍNH
CỤC THUẾ
Số: 3509/QĐ-CT
QUYẾT ĐỊNH
BAN
HÀNH QUY TẮC ỨNG XỬ VỚI NGƯỜI NỘP THUẾ
CỤC TRƯỞNG CỤC THUẾ
Căn cứ Luật Cán bộ,
công chức ngày 24 tháng 6 năm 2025;
QUYẾT ĐỊNH:
Điều 1. Ban hành kèm theo Quyết định này Quy tắc ứng xử với người nộp thuế."""
    assert ids(tagger.tag(text, doc_type="QĐ", subject=None, issuer_kind=None)) == ["B.1.8"]
    tags = tagger.tag(text, doc_type="QĐ", subject="Ban hành Quy tắc ứng xử với người nộp thuế", issuer_kind=None)
    assert ids(tags) == ["B.1.8"] and tags[0].score == pytest.approx(0.8)


def test_cashless_payment(tagger: Tagger) -> None:
    text = """ỦY BAN NHÂN DÂN
THÀNH PHỐ CẦN THƠ
Số: 157/KH-UBND
KẾ HOẠCH
PHÁT
ĐỘNG PHONG TRÀO THI ĐUA VẬN ĐỘNG THỰC HIỆN CHI TRẢ TRỢ GIÚP XÃ HỘI, HƯU TRÍ XÃ
HỘI KHÔNG DÙNG TIỀN MẶT TRÊN ĐỊA BÀN THÀNH PHỐ CẦN THƠ
Thực hiện Chỉ thị số 21/CT-TTg
ngày 25 tháng 11 năm 2022 của Thủ tướng Chính phủ về thúc đẩy chuyển đổi số
trong chi trả an sinh xã hội không dùng tiền mặt;
"""
    assert ids(tagger.tag(text, doc_type="KH", subject=None, issuer_kind="UBND_TINH")) == ["B.1.4"]
    tags = tagger.tag("", doc_type="BC", subject="Ket qua thanh toan khong dung tien mat nam 2024", issuer_kind="SO")
    assert ids(tags) == ["B.1.4"]


def test_annual_plan_tags_both_plan_indicators(tagger: Tagger) -> None:
    tags = tagger.tag(CAN_CU, doc_type="KH", subject="Kế hoạch công tác phòng, chống tham nhũng năm 2024",
                      issuer_kind="SO")
    assert ids(tags) == ["A.1.2", "A.1.3"]
    assert tags[0].score == tags[1].score == pytest.approx(0.85)
    no_marks = tagger.tag("", doc_type="KH", subject="ke hoach cong tac phong chong tham nhung nam 2024",
                          issuer_kind=None)
    assert ids(no_marks) == ["A.1.2", "A.1.3"]


def test_annual_plan_from_the_title_lines_when_the_subject_is_unknown(tagger: Tagger) -> None:
    text = "ỦY BAN NHÂN DÂN HUYỆN KRÔNG PẮC\nSố: 03/KH-UBND\nKẾ HOẠCH\nCông tác phòng, chống tham nhũng\nnăm 2024\n"
    tags = tagger.tag(text + CAN_CU, doc_type="KH", subject=None, issuer_kind="HUYEN")
    assert ids(tags) == ["A.1.2", "A.1.3"]
    assert tags[0].score == pytest.approx(0.75)


def test_review_of_legal_documents(tagger: Tagger) -> None:
    subject = ("Kết quả rà soát văn bản quy phạm pháp luật về phòng, chống tham nhũng, phát hiện sơ hở, bất cập "
               "để kiểm soát xung đột lợi ích")
    tags = tagger.tag("", doc_type="BC", subject=subject, issuer_kind="SO")
    assert ids(tags)[0] == "A.2.1"
    assert set(ids(tags)) == {"A.2.1", "B.1.6"}


def test_directive_10(tagger: Tagger) -> None:
    subject = ("Triển khai thực hiện Chỉ thị số 10/CT-TTg ngày 22/4/2019 của Thủ tướng Chính phủ về việc tăng "
               "cường xử lý, ngăn chặn có hiệu quả tình trạng nhũng nhiễu, gây phiền hà cho người dân")
    tags = tagger.tag("", doc_type="KH", subject=subject, issuer_kind="SO")
    assert ids(tags) == ["B.1.10"]
    assert tags[0].score == pytest.approx(0.85)


POLICE = """CÔNG AN TỈNH ĐẮK LẮK
Số: 214/BC-CAT-PC03
BÁO CÁO
Số liệu phục vụ đánh giá công tác phòng, chống tham nhũng năm 2024
Trong kỳ đánh giá, Cơ quan Cảnh sát điều tra Công an tỉnh đã khởi
tố 03 vụ, 07 bị can về tội phạm về tham nhũng; đề nghị truy tố 02 vụ, 05 bị can.
"""


def test_police_report_with_prosecution_figures(tagger: Tagger) -> None:
    subject = "Số liệu phục vụ đánh giá công tác phòng, chống tham nhũng năm 2024"
    tags = tagger.tag(POLICE, doc_type="BC", subject=subject, issuer_kind="CA")
    assert ids(tags) == ["C.1.3", "C.2.2"]
    assert 'cụm từ "bị can" trong nội dung' in tags[0].why
    assert "cơ quan ban hành (CA) khớp" in tags[0].why
    # "phục vụ đánh giá công tác …" is one letter from "tự đánh giá công tác …" but is not a self-assessment
    assert "X.2" not in ids(tags)


def test_issuer_kind_helps_a_little(tagger: Tagger) -> None:
    subject = "Số liệu phục vụ đánh giá năm 2024"
    with_issuer = get(tagger.tag(POLICE, doc_type="BC", subject=subject, issuer_kind="CA"), "C.1.3")
    without = get(tagger.tag(POLICE, doc_type="BC", subject=subject, issuer_kind=None), "C.1.3")
    assert with_issuer.score - without.score == pytest.approx(0.05)


def test_district_self_assessment_report(tagger: Tagger) -> None:
    text = """ỦY BAN NHÂN DÂN
HUYỆN KRÔNG PẮC
Số: 112/BC-UBND
BÁO CÁO
Tự đánh giá công tác phòng, chống tham nhũng năm 2024
Thực hiện Kế hoạch số 45/KH-UBND ngày 10/02/2025 của UBND tỉnh về đánh giá công tác phòng, chống
tham nhũng năm 2024; UBND huyện báo cáo kết quả tự chấm điểm như sau:
"""
    tags = tagger.tag(text, doc_type="BC", subject="Tự đánh giá công tác phòng, chống tham nhũng năm 2024",
                      issuer_kind="HUYEN")
    assert ids(tags) == ["X.2"]
    assert tags[0].score == pytest.approx(0.95)


def test_periodic_report(tagger: Tagger) -> None:
    tags = tagger.tag("", doc_type="BC", subject="Kết quả công tác phòng, chống tham nhũng quý III năm 2024",
                      issuer_kind="SO")
    assert ids(tags) == ["X.1"]


# --- what must not be enough -------------------------------------------------------------------------------------

def test_citing_the_law_is_not_enough(tagger: Tagger) -> None:
    text = CAN_CU + """Căn
cứ Kế hoạch số 12/KH-UBND ngày 10/01/2024 về kê khai, công khai bản kê khai tài sản, thu nhập năm 2024;
Sở Nội vụ báo cáo kết quả công tác tổ chức cán bộ năm 2024 như sau."""
    assert tagger.tag(text, doc_type="BC", subject="Kết quả công tác tổ chức cán bộ năm 2024", issuer_kind="SO") == []
    # in the document's own text, phrases count (a body needs three independent ones and the right type)
    own = text.replace("Sở Nội vụ báo cáo", "Đã tổ chức kê khai tài sản, thu nhập; kết quả kê khai: 100% đã kê khai; "
                       "đã công khai bản kê khai. Sở báo cáo")
    tags = tagger.tag(own, doc_type="BC", subject="Kết quả năm 2024", issuer_kind="SO")
    assert ids(tags) == ["B.1.9"] and tags[0].score == pytest.approx(0.55)
    assert tagger.tag(own, doc_type="TTr", subject="Kết quả năm 2024", issuer_kind="SO") == []


def test_thuc_hien_counts_as_citation_only_with_a_document_number(paca: IndexSet) -> None:
    everything = Tagger(paca, threshold=0.01)
    cited = "Thực hiện Kế hoạch số 20/KH-UBND ngày 05/01/2024 về chuyển đổi vị trí công tác; Sở báo cáo như sau."
    own = "Thực hiện chuyển đổi vị trí công tác đối với 12 công chức trong năm 2024."
    cited_tag = get(everything.tag(cited, doc_type="BC", subject=None, issuer_kind=None), "B.1.7")
    own_tag = get(everything.tag(own, doc_type="BC", subject=None, issuer_kind=None), "B.1.7")
    assert cited_tag.why[0] == 'cụm từ "chuyển đổi vị trí công tác" chỉ có trong phần căn cứ/viện dẫn'
    assert own_tag.why[0] == 'cụm từ "chuyển đổi vị trí công tác" trong phần tiêu đề'
    assert (cited_tag.score, own_tag.score) == (pytest.approx(0.3), pytest.approx(0.7))


def test_wrong_type_weighs_against(tagger: Tagger) -> None:
    text = """CHÍNH PHỦ
NGHỊ ĐỊNH
Quy định về xử lý kỷ luật cán bộ, công chức
Căn cứ Luật Cán bộ, công chức ngày 24 tháng 6 năm 2025;
Điều 7. Các hình thức kỷ luật: khiển trách, cảnh cáo, cách chức, buộc thôi việc; thi hành kỷ luật."""
    assert tagger.tag(text, doc_type="NĐ", subject=None, issuer_kind=None) == []
    assert ids(tagger.tag(text, doc_type="QĐ", subject=None, issuer_kind=None)) == ["C.2.1"]
    # a self-assessment report names the year's anti-corruption work but is not the annual plan
    report = tagger.tag("", doc_type="BC", subject="Công tác phòng, chống tham nhũng năm 2024", issuer_kind="SO")
    assert "A.1.1" not in ids(report)


def test_type_codes_are_compared_exactly(tagger: Tagger) -> None:
    subject = "Hướng dẫn thanh toán không dùng tiền mặt"
    assert ids(tagger.tag("", doc_type="HD", subject=subject, issuer_kind=None)) == ["B.1.4"]
    assert tagger.tag("", doc_type="HĐ", subject=subject, issuer_kind=None) == []  # hợp đồng, not hướng dẫn


def test_fuzzy_does_not_swap_words(tagger: Tagger) -> None:
    tags = tagger.tag("", doc_type="BC", subject="Kết quả điều tra vụ việc năm 2024", issuer_kind=None)
    assert tags == []  # not "kết luận điều tra"


def test_unrelated_document_gets_no_tag(tagger: Tagger) -> None:
    text = """ỦY BAN NHÂN DÂN
THÀNH PHỐ HỒ CHÍ MINH
Số: 4240/UBND-VX
V/v khẩn trương hoàn thành cập nhật, đồng bộ
cơ sở dữ liệu cán bộ, công chức, viên chức
Kính gửi: Các cơ quan chuyên môn thuộc Ủy ban nhân dân Thành phố."""
    assert tagger.tag(text, doc_type="CV", subject=None, issuer_kind="UBND_TINH") == []
    assert tagger.tag("", doc_type=None, subject=None, issuer_kind=None) == []


# --- properties of the output ------------------------------------------------------------------------------------

def test_scores_bounded_sorted_and_over_threshold(tagger: Tagger) -> None:
    tags = tagger.tag(POLICE + ASSET_PLAN, doc_type="BC", subject="Kết quả công tác phòng, chống tham nhũng năm 2024",
                      issuer_kind="CA")
    assert len(tags) >= 3
    scores = [t.score for t in tags]
    assert scores == sorted(scores, reverse=True)
    assert all(THRESHOLD <= s <= 1 for s in scores)
    assert all(t.why for t in tags)


def test_nfd_input_and_the_wrapper_give_the_same_answer(paca: IndexSet, tagger: Tagger) -> None:
    subject = "Kê khai, công khai bản kê khai tài sản, thu nhập năm 2024"
    expected = tagger.tag(ASSET_PLAN, doc_type="KH", subject=subject, issuer_kind="SO")
    nfd = tagger.tag(unicodedata.normalize("NFD", ASSET_PLAN), doc_type="KH",
                     subject=unicodedata.normalize("NFD", subject), issuer_kind="SO")
    assert nfd == expected
    assert tag(ASSET_PLAN, doc_type="KH", subject=subject, issuer_kind="SO", index_set=paca) == expected


def test_in_period(paca: IndexSet) -> None:
    assert in_period(date(2023, 12, 16), paca) is True
    assert in_period(date(2024, 12, 15), paca) is True
    assert in_period(date(2023, 12, 15), paca) is False
    assert in_period(date(2024, 12, 16), paca) is False
    assert in_period(None, paca) is None


# --- issuer kinds ------------------------------------------------------------------------------------------------

ISSUERS = [
    ("SỞ NỘI VỤ", "ỦY BAN NHÂN DÂN TỈNH ĐẮK LẮK", "SO"),
    ("Sở Tư pháp", None, "SO"),
    ("VĂN PHÒNG UBND TỈNH", None, "SO"),
    ("ỦY BAN NHÂN DÂN\nHUYỆN KRÔNG PẮC", None, "HUYEN"),
    ("UBND THÀNH PHỐ BUÔN MA THUỘT", "TỈNH ĐẮK LẮK", "HUYEN"),
    ("ỦY BAN NHÂN DÂN THỊ XÃ BUÔN HỒ", None, "HUYEN"),
    ("UBND QUẬN BA ĐÌNH", "UBND THÀNH PHỐ HÀ NỘI", "HUYEN"),
    ("PHÒNG TƯ PHÁP", "UBND HUYỆN EA KAR", "HUYEN"),
    ("ỦY BAN NHÂN DÂN", "HUYỆN KRÔNG BÚK", "HUYEN"),
    ("THANH TRA HUYỆN EA SÚP", None, "HUYEN"),
    ("UỶ BAN NHÂN DÂN TỈNH ĐẮK LẮK", None, "UBND_TINH"),
    ("ỦY BAN NHÂN DÂN\nTHÀNH PHỐ CẦN THƠ", None, "UBND_TINH"),
    ("Ủy ban nhân dân tỉnh Bắc Ninh", None, "UBND_TINH"),
    ("ỦY BAN NHÂN DÂN XÃ EA TU", "UBND THÀNH PHỐ BUÔN MA THUỘT", "XA"),
    ("UBND PHƯỜNG TÂN LỢI", None, "XA"),
    ("UBND THỊ TRẤN PHƯỚC AN", None, "XA"),
    ("CÔNG AN TỈNH ĐẮK LẮK", "BỘ CÔNG AN", "CA"),
    ("VIỆN KIỂM SÁT NHÂN DÂN TỈNH ĐẮK LẮK", None, "VKS"),
    ("TÒA ÁN NHÂN DÂN HUYỆN CƯ M'GAR", None, "TA"),
    ("CỤC THI HÀNH ÁN DÂN SỰ TỈNH ĐẮK LẮK", "BỘ TƯ PHÁP", "THADS"),
    ("ỦY BAN MẶT TRẬN TỔ QUỐC VIỆT NAM TỈNH ĐẮK LẮK", None, "MTTQ"),
    ("THANH TRA TỈNH", "UBND TỈNH ĐẮK LẮK", "TTT"),
    ("THANH TRA CHÍNH PHỦ", None, "TTCP"),
    ("TỈNH ỦY ĐẮK LẮK", None, "PARTY"),
    ("HUYỆN ỦY KRÔNG NĂNG", "ĐẢNG BỘ TỈNH ĐẮK LẮK", "PARTY"),
    ("ĐẢNG ỦY CÔNG AN TỈNH", None, "PARTY"),
    ("BAN THƯỜNG VỤ HUYỆN ỦY", None, "PARTY"),
    ("BAN CHỈ ĐẠO PHÒNG, CHỐNG THAM NHŨNG, TIÊU CỰC TỈNH", None, "PARTY"),
    # no diacritics, lower case, OCR letter errors, words run together
    ("uy ban nhan dan huyen ea kar", None, "HUYEN"),
    ("UY BAN NHAN DAM HUYEN EA KAR", None, "HUYEN"),
    ("ÙY BAN NHẢN DẨN TỈNH ĐẮK LẮK", None, "UBND_TINH"),
    ("UỶBAN NHÂN DÂN XÃ HÒA PHÚ", None, "XA"),
    ("VIEN KIEM SAI NHAN DAN TINH", None, "VKS"),
    ("CỤC THUẾ", "BỘ TÀI CHÍNH", None),
    ("VĂN PHÒNG CHÍNH PHỦ", None, "CENTRAL"),  # the Government, its office and the ministries: no unit's evidence
    ("THỦ TƯỚNG CHÍNH PHỦ", None, "CENTRAL"),
    ("BỘ TƯ PHÁP", None, "CENTRAL"),
    ("BỘ CHỈ HUY QUÂN SỰ TỈNH", None, None),
    ("HỘI ĐỒNG NHÂN DÂN TỈNH", None, None),
    (None, None, None),
]


@pytest.mark.parametrize(("issuer", "parent", "expected"), ISSUERS)
def test_issuer_kind(issuer: str | None, parent: str | None, expected: str | None) -> None:
    assert issuer_kind(issuer, parent) == expected


def test_issuer_kinds_exist_in_the_index_set(paca: IndexSet) -> None:
    known = {k.code for k in paca.issuer_kinds}
    assert {kind for kind, _ in ISSUER_PATTERNS} <= known


def test_phrase_index_finds_every_phrase_with_overlaps_by_start_then_end():
    from classify.indicators import _PhraseIndex

    index = _PhraseIndex()
    for phrase in ("phong chong tham nhung", "tham nhung", "chong tham", "ke khai", "ke khai tai san", "nhung"):
        index.add(phrase, tuple(phrase.split()))
    index.add("", ())  # a phrase with no word is never found
    words = ["ke", "hoach", "phong", "chong", "tham", "nhung", "va", "ke", "khai", "tai", "san", "nhung", "nam"]
    assert index.find(words) == [
        ("phong chong tham nhung", 2, 6), ("chong tham", 3, 5), ("tham nhung", 4, 6), ("nhung", 5, 6),
        ("ke khai", 7, 9), ("ke khai tai san", 7, 11), ("nhung", 11, 12)]
    assert index.find(("phong", "chong")) == [] and index.find(()) == []
