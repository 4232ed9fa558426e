"""Rule families of classify/: type, symbol, date, issuer, subject, signature, recipients, splitting.

Strings are written the way OCR and text layers give them: broken headers, UỶ/ỦY, lost diacritics,
interleaved columns, a rank before the signer's name.
"""

from __future__ import annotations

from datetime import date

import pytest

from classify.agency import agency_bodies, signer_name
from classify.doctype import classify_type, code_of_symbol, match_title
from classify.metadata import extract, find_date, find_recipients, find_signature, find_symbol
from classify.segment import segment, starts_document

KH_OCR = """ỦY BAN NHÂN DÂN TỈNH ĐẮK LẮK
SỞ NỘI VỤ
Số: 15/KH-SNV
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Đắk Lắk, ngày 10 tháng 01 năm 2024
KÉ HOẠCH
Thực hiện công tác phòng, chống tham nhũng, tiêu cực năm
2024
Căn cứ Luật Phòng, chống tham nhũng ngày 20 tháng 11 năm 2018;
Sở Nội vụ xây dựng Kế hoạch như sau:"""

KH_SIGNATURE = """4. Trưởng các phòng, đơn vị thuộc Sở tổ chức triển khai thực hiện.
Nơi nhận:
- Thanh tra tỉnh (b/c);
KT. GIÁM ĐỐC
PHÓ GIÁM ĐỐC
- Giám đốc Sở (b/c);
- Các phòng, đơn vị thuộc Sở;
^^
- Lưu: VT, TTr.
Nguyễn Văn An"""

# A corpus-style header: every part on its own lines, the agency broken mid-name, UỶ spelling.
CT_CORPUS = """UỶ BAN NHÂN
DÂN
TỈNH ĐẮK LẮK
--------

CỘNG HÒA XÃ
HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
---------------

Số: 012/CT-UBND

Đắk Lắk, ngày
26 tháng 11 năm 2025

CHỈ THỊ

VỀ VIỆC TĂNG CƯỜNG CẢI CÁCH THỦ TỤC HÀNH CHÍNH, NÂNG
CAO CHẤT LƯỢNG PHỤC VỤ NGƯỜI DÂN

Thời gian qua, tỉnh Đắk Lắk đã có nhiều nỗ lực."""

CV_OCR = """ỦY BAN NHÂN DÂN TỈNH ĐẮK LẮK
SỞ TƯ PHÁP
Số: 312/STP-VP
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Đắk Lắk, ngày 25 tháng 3 năm 2024
V/v báo cáo kết quả kê khai, công khai
bản kê khai tài sản, thu nhập năm 2023
Kính gửi: Thanh tra tỉnh Đắk Lắk
Thực hiện Công văn số 42/TTr-PCTN ngày 08 tháng 01 năm 2024 của Thanh tra tỉnh."""

PARTY = """ĐẢNG BỘ TỈNH ĐẮK LẮK
ĐẢNG CỘNG SẢN VIỆT NAM
HUYỆN ỦY KRÔNG PẮC
*
Krông Pắc, ngày 18 tháng 01 năm 2024
Số 12-KH/HU
KẾ HOẠCH
Tuyên truyền, phổ biến, giáo dục pháp luật về phòng, chống
tham nhũng, tiêu cực năm 2024
Thực hiện Nghị quyết Hội nghị lần thứ ba Ban Chấp hành Trung ương Đảng khóa X."""


def lines(text: str) -> list[str]:
    return text.splitlines()


@pytest.mark.parametrize(("line", "code"), [
    ("KẾ HOẠCH", "KH"), ("KÉ HOẠCH", "KH"), ("QUYÉT ĐỊNH", "QĐ"), ("QUY ĐỊNH", "QyĐ"), ("BÁO CÁO:", "BC"),
    ("CHỈ THỊ", "CT"), ("THONG BAO", "TB"), ("KC HOẠCH", "KH"), ("NGHỊ ĐỊNH", "NĐ"), ("TỜ TRÌNH", "TTr"),
    ("KẾ HOẠCH V/V TRIỂN KHAI KÊ KHAI TÀI SẢN", "KH"),
])
def test_type_name_lines_survive_ocr_errors(line: str, code: str) -> None:
    found = match_title(line)
    assert found is not None and found[0] == code


@pytest.mark.parametrize("line", ["CHỦ TỊCH ỦY BAN NHÂN DÂN", "ỦY BAN NHÂN DÂN", "CỘNG HÒA", "SỞ NỘI VỤ"])
def test_agency_and_title_lines_are_not_types(line: str) -> None:
    assert match_title(line) is None


@pytest.mark.parametrize(("symbol", "code", "parsed"), [
    ("15/KH-SNV", "KH", True), ("83/2025/QĐ-UBND", "QĐ", True), ("12-KH/HU", "KH", True),
    ("384-QĐ/TW", "QĐ", True), ("312/STP-VP", None, True), ("4240/UBND-VX", None, True),
    ("5/QD-UBND", "QĐ", True), ("7/HĐ-BQL", "HĐ", True), ("1520/BC-CAT-PC03", "BC", True), (None, None, False),
])
def test_type_code_in_symbol(symbol: str | None, code: str | None, parsed: bool) -> None:
    assert code_of_symbol(symbol) == (code, parsed)


def test_plan_with_damaged_title_is_typed_by_title_and_symbol() -> None:
    result = classify_type(lines(KH_OCR), "15/KH-SNV")
    assert (result.code, result.name) == ("KH", "Kế hoạch")
    assert result.confidence >= 0.95
    assert any("KÉ HOẠCH" in w for w in result.why) and any("15/KH-SNV" in w for w in result.why)


def test_official_letter_without_type_name_is_cv() -> None:
    result = classify_type(lines(CV_OCR), "312/STP-VP")
    assert result.code == "CV" and result.confidence >= 0.9
    assert any("V/v" in w for w in result.why)


def test_unknown_type_is_null_not_a_guess() -> None:
    result = classify_type(lines("Trang 2\nvà các nội dung khác của kế hoạch đã nêu."), None)
    assert result.code is None and result.confidence < 0.6 and result.why


def test_symbol_number_and_date_from_ocr_header() -> None:
    meta = extract(lines(KH_OCR), 6)
    assert (meta.number, meta.symbol) == ("15", "15/KH-SNV")
    assert meta.issued == date(2024, 1, 10) and meta.place == "Đắk Lắk"
    assert (meta.parent_issuer, meta.issuer) == ("Ủy ban nhân dân tỉnh Đắk Lắk", "Sở Nội vụ")
    assert meta.subject == "Thực hiện công tác phòng, chống tham nhũng, tiêu cực năm 2024"


@pytest.mark.parametrize(("line", "expected"), [
    ("Số: 245 /KH-UBND", ("245", "245/KH-UBND")),
    ("Số:245/KH-UBND", ("245", "245/KH-UBND")),
    ("Số: 12/2024/HS-ST", ("12", "12/2024/HS-ST")),
    ("SỐ: 83/2025/QĐ-UBND", ("83", "83/2025/QĐ-UBND")),
    ("Số 12-KH/HU", ("12", "12-KH/HU")),
    # OCR dropped the slash: the number glued to the letter code, or a space where the slash was
    ("Số 245KH-UBND", ("245", "245/KH-UBND")),
    ("Số: 245KH-UBND", ("245", "245/KH-UBND")),
    ("Số: 245 KH-UBND", ("245", "245/KH-UBND")),
    ("Số: 96QĐ-STP", ("96", "96/QĐ-STP")),
    ("Số: 0l2CT-UBND", ("012", "012/CT-UBND")),
    ("Số: 17TTr-UBND", ("17", "17/TTr-UBND")),
    ("ỦY BAN NHÂN DÂN Số: 286KH-UBND Krông Pắc, ngày 05 tháng 3 năm 2024", ("286", "286/KH-UBND")),
    # not symbols: words, a place with a hyphen, a code glued to more letters, a bare number
    ("Số 2 tầng", (None, None)),
    ("Số: 15 người tham dự", (None, None)),
    ("Số 2 Ha-Noi", (None, None)),
    ("Số: 245KH-UBNDx", (None, None)),
    ("Số: 15 BÁO-CÁO", (None, None)),
    ("Số: 245", (None, None)),
    ("Số: 245 KH", (None, None)),
])
def test_symbol_from_real_looking_header_lines(line: str, expected: tuple) -> None:
    assert find_symbol([line])[:2] == expected


def test_corpus_style_header_broken_over_lines() -> None:
    ls = lines(CT_CORPUS)
    number, symbol, _ = find_symbol(ls)
    assert (number, symbol) == ("012", "012/CT-UBND")  # leading zero kept, as printed
    result = classify_type(ls, symbol)
    assert result.code == "CT"
    meta = extract(ls, result.title_line)
    assert meta.issued == date(2025, 11, 26) and meta.place == "Đắk Lắk"
    assert meta.issuer == "Ủy ban nhân dân tỉnh Đắk Lắk" and meta.parent_issuer is None
    assert meta.subject.startswith("VỀ VIỆC TĂNG CƯỜNG") and meta.subject.endswith("NGƯỜI DÂN")


@pytest.mark.parametrize(("text", "expected"), [
    ("Hà Nội, ngày 5 tháng 1 năm 2025", date(2025, 1, 5)),
    ("Cần Thơ, ngày 18\ntháng 11 năm 2025", date(2025, 11, 18)),
    ("Đắk Lắk, ngày 1O tháng 0l năm 2O24", date(2024, 1, 10)),  # OCR's O for 0 and l for 1
    ("Thành phố Hồ Chí\nMinh, ngày 28 tháng 11 năm 2025", date(2025, 11, 28)),
    ("Đắk Lắk, ngày 31 tháng 02 năm 2024", None),  # not a calendar date
    ("Căn cứ Luật ngày 20 tháng 11 năm 2018;", None),  # a date in the body, not the địa danh line
    # a header flattened into one paragraph, the rule under the tiêu ngữ not read (Nghị định 172/2025)
    ("VIỆT NAMĐộc lập — Tự do - Hạnh phúc Hà Nội, ngày\n30 tháng 6 năm 2025 |", date(2025, 6, 30)),
])
def test_issue_dates(text: str, expected: date | None) -> None:
    issued, place = find_date(lines(text))
    assert issued == expected
    if "Hồ Chí" in text:
        assert place == "Thành phố Hồ Chí Minh"
    if "Hạnh phúc" in text:
        assert place == "Hà Nội"


def test_official_letter_subject_and_addressee() -> None:
    meta = extract(lines(CV_OCR))
    assert meta.subject == ("V/v báo cáo kết quả kê khai, công khai bản kê khai tài sản, thu nhập năm 2023")
    assert meta.recipients == ("Thanh tra tỉnh Đắk Lắk",)
    assert meta.issuer == "Sở Tư pháp"


def test_party_document() -> None:
    ls = lines(PARTY)
    number, symbol, _ = find_symbol(ls)
    assert (number, symbol) == ("12", "12-KH/HU")
    result = classify_type(ls, symbol)
    meta = extract(ls, result.title_line)
    assert result.code == "KH" and meta.party
    assert (meta.parent_issuer, meta.issuer) == ("Đảng bộ tỉnh Đắk Lắk", "Huyện ủy Krông Pắc")
    assert meta.issued == date(2024, 1, 18)


def test_signature_block_interleaved_with_recipients() -> None:
    authority, title, signer = find_signature(lines(KH_SIGNATURE))
    assert (authority, title, signer) == ("KT. Giám đốc", "Phó Giám đốc", "Nguyễn Văn An")
    assert find_recipients(lines(KH_SIGNATURE)) == (
        "Thanh tra tỉnh (b/c)", "Giám đốc Sở (b/c)", "Các phòng, đơn vị thuộc Sở", "Lưu: VT, TTr")


def test_three_line_authority_and_rank() -> None:
    block = "Nơi nhận:\n- Như trên;\nTM. ỦY BAN NHÂN DÂN\nKT. CHỦ TỊCH\nPHÓ CHỦ TỊCH\nTrương Công Thái"
    assert find_signature(lines(block))[1:] == ("Phó Chủ tịch", "Trương Công Thái")
    assert signer_name("Đại tá Hoàng Minh Đức") == "Hoàng Minh Đức"
    assert signer_name("- Lưu: VT") is None and signer_name("Nơi nhận") is None


def test_agency_names_from_interleaved_text_layer() -> None:
    header = ["ỦY BAN NHÂN DÂN TỈNH ĐẮK", "LẮK", "", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "", "SỞ NỘI VỤ",
              "Đắk Lắk, ngày 06 tháng 12 năm 2024", "Độc lập - Tự do - Hạnh phúc", "Số: 412/BC-SNV"]
    assert agency_bodies(header) == ["Ủy ban nhân dân tỉnh Đắk Lắk", "Sở Nội vụ"]
    assert agency_bodies(["ỦY BẠN NHÂN DÂN HUYỆN KRÔNG PẮC"]) == ["Ủy ban nhân dân huyện Krông Pắc"]
    assert agency_bodies(["BỘ TÀI CHÍNH", "CỤC THUẾ"]) == ["Bộ Tài chính", "Cục Thuế"]
    assert agency_bodies(["VĂN PHÒNG CHÍNH", "PHỦ"]) == ["Văn phòng Chính phủ"]


def test_place_name_damaged_in_the_header_is_spelled_as_on_the_date_line() -> None:
    # a phone photo: OCR lost the "Ắ" of "PẮC" in the header, the địa danh line kept it
    header = ("ỦY BAN NHÂN DÂN HUYỆN KRÔNG PC\nSố: 05/CT-UBND\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
              "Độc lập - Tự do - Hạnh phúc\nKrông Pắc, ngày 14 tháng 6 năm 2023\nCHỈ THỊ")
    assert extract(lines(header), 5).issuer == "Ủy ban nhân dân huyện Krông Pắc"
    # a date line misread the other way leaves a sound header alone; so does an unrelated place
    misread = header.replace("KRÔNG PC", "KRÔNG PẮC").replace("Krông Pắc,", "Krông Púc,")
    assert extract(lines(misread), 5).issuer == "Ủy ban nhân dân huyện Krông Pắc"
    assert extract(lines(header.replace("Krông Pắc,", "Đắk Lắk,")), 5).issuer == "Ủy ban nhân dân huyện Krông Pc"


def test_page_without_header_has_no_issuer_or_date() -> None:
    meta = extract(lines("2\nvà tổ chức thực hiện.\n" + KH_SIGNATURE))
    assert meta.issuer is None and meta.issued is None and meta.symbol is None
    assert meta.signer == "Nguyễn Văn An"


QD_PAGE = """ỦY BAN NHÂN DÂN TỈNH ĐẮK LẮK
SỞ TƯ PHÁP
Số: 96/QĐ-STP
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Đắk Lắk, ngày 08 tháng 4 năm 2024
QUYẾT ĐỊNH
Ban hành Quy tắc ứng xử của cán bộ, công chức
Điều 1. Ban hành kèm theo Quyết định này Quy tắc ứng xử."""

QD_END = """Điều 3. Chánh Văn phòng Sở chịu trách nhiệm thi hành Quyết định này./.
GIÁM ĐỐC
Hoàng Văn Dũng"""

ATTACHMENT = """ỦY BAN NHÂN DÂN TỈNH ĐẮK LẮK
SỞ TƯ PHÁP
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
QUY TẮC ỨNG XỬ
Của cán bộ, công chức, viên chức Sở Tư pháp
(Ban hành kèm theo Quyết định số 96/QĐ-STP ngày 08 tháng 4 năm 2024)
Chương I"""

BODY = "2\ncủa các phòng, đơn vị; kèm theo Quyết định số 15/QĐ-UBND ngày 02 tháng 3 năm 2024.\nĐiều 2."


def test_split_multi_document_file_with_attachment() -> None:
    pages = [KH_OCR, "2\n" + KH_SIGNATURE, QD_PAGE, QD_END, ATTACHMENT, "2\nĐiều 5. Hết.", PARTY]
    segments = segment(pages)
    assert [(s.first_page, s.last_page) for s in segments] == [(1, 2), (3, 6), (7, 7)]
    assert segments[0].attachments == ()
    (attachment,) = segments[1].attachments
    assert attachment.first_page == 5 and attachment.title.startswith("QUY TẮC ỨNG XỬ")


def test_body_lines_mentioning_a_decision_do_not_split_or_attach() -> None:
    assert not starts_document(BODY)
    assert [(s.first_page, s.last_page, s.attachments) for s in segment([QD_PAGE, BODY])] == [(1, 2, ())]


def test_file_starting_without_header_is_one_document() -> None:
    segments = segment(["2\nvà các nội dung khác.", "3\nNơi nhận:"])
    assert [(s.first_page, s.last_page) for s in segments] == [(1, 2)]
