"""The patterns behind issue 15's misses on real evidence, each as a rule on the document's structure (the title
area, the "… như sau:" sentence, the issuer), on texts written for the test in the usual Nghị định 30 layout."""

from __future__ import annotations

import pytest

from classify.facts import document_facts
from classify.indexset import IndexSet, load_index_set
from classify.indicators import Tagger
from pipelines.assessment.gaps import STRONG_TAG


@pytest.fixture(scope="module", params=["paca-2024", "paca-2023"])
def tagger(request: pytest.FixtureRequest) -> Tagger:
    return Tagger(load_index_set(request.param))


def head(issuer: str, number: str, *title: str, parent: str = "ỦY BAN NHÂN DÂN TỈNH ĐẮK LẮK") -> str:
    return "\n".join([parent, issuer, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
                      f"Số: {number}", "Đắk Lắk, ngày 15 tháng 01 năm 2024", *title])


def strong(tagger: Tagger, text: str) -> dict[str, float]:
    facts = document_facts([text], tagger=tagger)
    return {t["id"]: t["score"] for t in facts["indicators"] if t["score"] >= STRONG_TAG}


def plan_ids(index_set: IndexSet) -> tuple[str, str]:
    """The yearly plan and its content: A.1.1/A.1.2 in 2023, A.1.2/A.1.3 in 2024 (A.1.1 is the central documents)."""
    return ("A.1.1", "A.1.2") if index_set.year == 2023 else ("A.1.2", "A.1.3")


def test_yearly_plan_without_a_separate_title_line(tagger: Tagger) -> None:
    text = head("", "10/KH-UBND", "THỰC HIỆN CÔNG TÁC PHÒNG, CHỐNG THAM NHŨNG, TIÊU CỰC NĂM 2024",
                "Căn cứ Luật Phòng, chống tham nhũng ngày 20 tháng 11 năm 2018;",
                "Ủy ban nhân dân tỉnh ban hành Kế hoạch thực hiện công tác phòng, chống tham nhũng, tiêu cực năm "
                "2024 như sau:", "I. MỤC ĐÍCH, YÊU CẦU", parent="ỦY BAN NHÂN DÂN")
    facts = document_facts([text])
    assert (facts["doc_type"], facts["subject"]) == ("KH", "THỰC HIỆN CÔNG TÁC PHÒNG, CHỐNG THAM NHŨNG, TIÊU CỰC NĂM "
                                                           "2024")
    assert set(plan_ids(tagger.index_set)) <= set(strong(tagger, text))


def test_a_plan_to_organise_the_self_assessment_is_not_the_yearly_plan(tagger: Tagger) -> None:
    text = head("SỞ TƯ PHÁP", "21/KH-STP", "KẾ HOẠCH",
                "Tổ chức tự đánh giá công tác phòng, chống tham nhũng năm 2023",
                "Thực hiện Kế hoạch số 198/KH-TTCP ngày 06/02/2024 của Thanh tra Chính phủ;",
                "Sở Tư pháp xây dựng Kế hoạch tự đánh giá công tác phòng, chống tham nhũng năm 2023 như sau:")
    tags = strong(tagger, text)
    assert not set(plan_ids(tagger.index_set)) & set(tags)
    assert "X.3" in tags


def test_a_decision_on_internal_procedures_of_legal_education_is_not_propaganda(tagger: Tagger) -> None:
    text = head("", "125/QĐ-UBND", "QUYẾT ĐỊNH",
                "Về việc phê duyệt quy trình nội bộ giải quyết thủ tục hành chính lĩnh vực phổ biến, giáo dục pháp "
                "luật thuộc thẩm quyền giải quyết của Sở Tư pháp", "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH",
                "Căn cứ Luật Phổ biến, giáo dục pháp luật ngày 20 tháng 6 năm 2012;", parent="ỦY BAN NHÂN DÂN")
    tags = strong(tagger, text)
    assert "A.2.2" not in tags
    assert "B.1.1" in tags  # publishing administrative procedures is publicity


def test_a_decision_publishing_administrative_procedures_is_evidence_for_publicity(tagger: Tagger) -> None:
    text = head("", "88/QĐ-UBND", "QUYẾT ĐỊNH",
                "Về việc công bố danh mục thủ tục hành chính mới ban hành, được sửa đổi, bổ sung trong lĩnh vực "
                "hộ tịch thuộc phạm vi chức năng quản lý của Sở Tư pháp", parent="ỦY BAN NHÂN DÂN")
    assert "B.1.1" in strong(tagger, text)


def test_the_yearly_report_on_pctn_work(tagger: Tagger) -> None:
    text = head("ỦY BAN NHÂN DÂN HUYỆN KRÔNG PẮC", "245/BC-UBND", "BÁO CÁO",
                "Công tác phòng, chống tham nhũng năm 2024", "Kính gửi: Thanh tra tỉnh Đắk Lắk",
                parent="")
    assert "X.1" in strong(tagger, text)
    self_assessment = text.replace("Công tác phòng, chống tham nhũng năm 2024",
                                   "Tự đánh giá công tác phòng, chống tham nhũng năm 2024")
    assert "X.1" not in strong(tagger, self_assessment)


def test_repeal_after_review(tagger: Tagger) -> None:
    text = head("", "12/2024/QĐ-UBND", "QUYẾT ĐỊNH",
                "Bãi bỏ toàn bộ văn bản quy phạm pháp luật do Ủy ban nhân dân tỉnh ban hành",
                "Căn cứ kết quả rà soát văn bản quy phạm pháp luật năm 2023;", parent="ỦY BAN NHÂN DÂN")
    assert "A.2.1" in strong(tagger, text)


def test_a_plan_carrying_out_the_national_strategy() -> None:
    tagger = Tagger(load_index_set("paca-2024"))
    text = head("", "1238/KH-UBND", "Thực hiện Nghị quyết số 168/NQ-CP ngày 11/10/2023 của Chính phủ về ban hành "
                "Chiến lược quốc gia phòng, chống tham nhũng, tiêu cực đến năm 2030, UBND tỉnh xây dựng Kế hoạch "
                "thực hiện Chiến lược quốc gia phòng, chống tham nhũng, tiêu cực đến năm 2030 trên địa bàn tỉnh như "
                "sau:", "1. Mục đích", parent="ỦY BAN NHÂN DÂN")
    facts = document_facts([text], tagger=tagger)
    assert facts["subject"] is None and facts["doc_type"] == "KH"
    assert "A.1.1" in strong(tagger, text)
    why = next(t["why"] for t in facts["indicators"] if t["id"] == "A.1.1")
    assert any("như sau" in reason for reason in why)


def test_a_notice_with_no_header_says_what_it_is_in_its_first_sentence(tagger: Tagger) -> None:
    text = ("Thông báo Lịch tiếp công dân năm 2024\n\nSở Y tế thông báo lịch tiếp công dân năm 2024 như sau:\n"
            "1. Thời gian và địa điểm tiếp công dân")
    facts = document_facts([text], tagger=tagger)
    assert (facts["doc_type"], facts["doc_type_confidence"]) == ("TB", 0.65)
    assert "A.2.5" in strong(tagger, text)


def test_reception_below_the_province_and_by_the_peoples_council(tagger: Tagger) -> None:
    city = head("ỦY BAN NHÂN DÂN THÀNH PHỐ BUÔN MA THUỘT", "15/TB-UBND", "THÔNG BÁO",
                "Lịch tiếp công dân định kỳ của Chủ tịch Ủy ban nhân dân thành phố năm 2024", parent="")
    tags = strong(tagger, city)
    assert "A.2.5" in tags and "A.2.4" not in tags  # "thành phố" is not "tỉnh" misread
    province = city.replace("THÀNH PHỐ BUÔN MA THUỘT", "TỈNH ĐẮK LẮK").replace("thành phố năm", "tỉnh năm")
    assert "A.2.4" in strong(tagger, province)
    council = city.replace("Chủ tịch Ủy ban nhân dân thành phố", "Chủ tịch Hội đồng nhân dân thành phố")
    assert not {"A.2.4", "A.2.5"} & set(strong(tagger, council))


def test_a_central_scheme_is_not_a_units_propaganda_plan(tagger: Tagger) -> None:
    text = head("", "861/QĐ-TTg", "QUYẾT ĐỊNH",
                "Phê duyệt Đề án tuyên truyền, phổ biến, giáo dục pháp luật về phòng, chống tham nhũng giai đoạn "
                "2019 - 2021", "THỦ TƯỚNG CHÍNH PHỦ", parent="THỦ TƯỚNG CHÍNH PHỦ")
    facts = document_facts([text], tagger=tagger)
    assert facts["issuer_kind"] == "CENTRAL"
    assert "A.2.2" not in strong(tagger, text)
    local = text.replace("THỦ TƯỚNG CHÍNH PHỦ", "ỦY BAN NHÂN DÂN TỈNH ĐẮK LẮK").replace("861/QĐ-TTg", "86/QĐ-UBND")
    assert "A.2.2" in strong(tagger, local)


def test_the_as_follows_sentence_broken_over_lines_by_ocr(tagger: Tagger) -> None:
    text = ("Lịch tiếp công dân định kỳ của Chủ tịch UBND xã Hòa Phú năm 2024\nCăn cứ Luật Tiếp công dân;\n"
            "Ủy ban nhân dân xã Hòa Phú thông báo lịch tiếp công dân năm 2024 như\nsau:\n1. Tiếp công dân định kỳ")
    assert document_facts([text])["doc_type"] == "TB"
    assert "A.2.5" in strong(tagger, text)
