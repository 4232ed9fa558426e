"""The document types PCTN evidence really has besides Nghị định 30/2020's: court judgments, indictments,
investigation and inspection conclusions, prosecution decisions, and the report forms of Thông tư 06/2025."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from classify.doctype import classify_type, code_of_symbol
from classify.facts import document_facts
from classify.metadata import find_date, find_symbol

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "judicial"


def facts(text: str) -> dict:
    return document_facts([text])


def test_court_judgment_from_its_number_line() -> None:
    f = facts((FIXTURES / "ban_an_hs_st.txt").read_text(encoding="utf-8"))
    assert (f["doc_type"], f["doc_type_name"], f["symbol"], f["issued"]) == ("BA", "Bản án", "12/2024/HS-ST",
                                                                             "2024-03-15")
    assert (f["issuer"], f["issuer_kind"]) == ("Tòa án nhân dân tỉnh Đắk Lắk", "TA")
    assert f["doc_type_confidence"] >= 0.8 and "bản án" in " ".join(f["doc_type_why"])


def test_indictment_with_ct_code_is_not_a_directive() -> None:
    f = facts((FIXTURES / "cao_trang.txt").read_text(encoding="utf-8"))
    assert (f["doc_type"], f["doc_type_name"], f["symbol"], f["issued"]) == ("CTG", "Cáo trạng", "08/CT-VKS-P3",
                                                                             "2024-01-10")
    assert f["doc_type_confidence"] == 0.99  # the title and the procuracy's symbol agree
    assert f["issuer_kind"] == "VKS"


@pytest.mark.parametrize(("symbol", "code"), [
    ("08/CT-VKS-P3", "CTG"), ("15/CTr-VKSĐL", "CTG"), ("012/CT-UBND", "CT"), ("12-CT/TU", "CT"),
    ("12/2024/HS-ST", "BA"), ("03/2024/HS-PT", "BA"), ("7/2023/DS-ST", "BA"), ("45/KLĐT-PC03", "KLĐT"),
    ("05/KL-TTr", "KL"), ("12/2024/QĐ-UBND", "QĐ"),
])
def test_codes_in_judicial_symbols(symbol: str, code: str) -> None:
    assert code_of_symbol(symbol) == (code, True)


def _doc(issuer: str, number: str, title: list[str]) -> list[str]:
    return [issuer, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", number,
            "Đắk Lắk, ngày 05 tháng 12 năm 2023", *title, "Căn cứ Bộ luật Tố tụng hình sự;"]


@pytest.mark.parametrize(("lines", "code", "subject"), [
    (_doc("CƠ QUAN CẢNH SÁT ĐIỀU TRA", "Số: 45/KLĐT-PC03", ["BẢN KẾT LUẬN ĐIỀU TRA VỤ ÁN HÌNH SỰ",
                                                           "ĐỀ NGHỊ TRUY TỐ"]), "KLĐT", None),
    (_doc("CƠ QUAN CẢNH SÁT ĐIỀU TRA", "Số: 45/KL-CSĐT", ["KẾT LUẬN ĐIỀU TRA"]), "KLĐT", None),
    (_doc("THANH TRA TỈNH", "Số: 05/KL-TTr", ["KẾT LUẬN THANH TRA", "Việc quản lý, sử dụng ngân sách tại Sở Y tế"]),
     "KL", "Việc quản lý, sử dụng ngân sách tại Sở Y tế"),
    (_doc("CƠ QUAN CẢNH SÁT ĐIỀU TRA", "Số: 12/QĐ-CSĐT", ["QUYẾT ĐỊNH KHỞI TỐ VỤ ÁN HÌNH SỰ"]), "QĐ",
     "KHỞI TỐ VỤ ÁN HÌNH SỰ"),
    (_doc("VIỆN KIỂM SÁT NHÂN DÂN TỈNH", "Số: 08/CT-VKS-P3", ["CÁO TRẠNG"]), "CTG", None),
    (_doc("ỦY BAN NHÂN DÂN TỈNH", "Số: 12/CT-UBND", ["CHỈ THỊ", "Về tăng cường công tác phòng, chống tham nhũng"]),
     "CT", "Về tăng cường công tác phòng, chống tham nhũng"),
])
def test_titles_of_investigation_inspection_and_prosecution(lines: list[str], code: str, subject: str | None) -> None:
    f = facts("\n".join(lines))
    assert f["doc_type"] == code, f["doc_type_why"]
    assert f["doc_type_confidence"] >= 0.8
    if subject:
        assert f["subject"] == subject


@pytest.mark.parametrize(("head", "number", "what"), [
    ("Biểu số 01/PCTN", "01", "số liệu tổng hợp"), ("Mẫu số 02/PCTN", "02", "danh sách các vụ việc"),
    ("BIỂU SỐ: 03/PCTN", "03", "văn bản có sơ hở"), ("Bieu so 1/PCTN", "01", "số liệu tổng hợp"),
])
def test_report_forms_of_circular_06_2025(head: str, number: str, what: str) -> None:
    lines = ["ỦY BAN NHÂN DÂN HUYỆN KRÔNG PẮC", head, "TỔNG HỢP KẾT QUẢ CÔNG TÁC PHÒNG, CHỐNG THAM NHŨNG",
             "(Kèm theo Báo cáo số 25/BC-UBND ngày 10/12/2024)", "STT | Nội dung | Số liệu"]
    result = classify_type(lines, None)
    assert (result.code, result.name) == ("BM", "Biểu mẫu báo cáo")
    assert result.subject_on_title == f"Biểu số {number}/PCTN: TỔNG HỢP KẾT QUẢ CÔNG TÁC PHÒNG, CHỐNG THAM NHŨNG"
    assert what in result.why[0] and "06/2025/TT-TTCP" in result.why[0]


def test_a_report_that_cites_the_form_is_still_a_report() -> None:
    lines = _doc("ỦY BAN NHÂN DÂN HUYỆN", "Số: 25/BC-UBND", ["BÁO CÁO", "Kết quả công tác phòng, chống tham nhũng"])
    lines.insert(-1, "(số liệu chi tiết tại Biểu số 01/PCTN kèm theo)")
    assert facts("\n".join(lines))["doc_type"] == "BC"


def test_judgment_number_and_date_lines() -> None:
    lines = ["TÒA ÁN NHÂN DÂN", "HUYỆN KRÔNG PẮC", "Bản án số: 03/2024/HS-ST", "Ngày: 7-5-2024", "NHÂN DANH"]
    assert find_symbol(lines)[:2] == ("03", "03/2024/HS-ST")
    assert find_date(lines) == (date(2024, 5, 7), None)
    assert find_date(["Ngày: 31-2-2024"]) == (None, None)
