"""Names keep their official capitalisation (classify/agency.py): abbreviations stay capitals, the level word
("tỉnh", "huyện") is lower case, the place after it is capitalised, an agency's own name only its first word."""

from __future__ import annotations

import pytest

from classify.agency import agency_bodies, written_form


@pytest.mark.parametrize(("printed", "written"), [
    ("UBND TỈNH ĐẮK LẮK", "UBND tỉnh Đắk Lắk"),
    ("UBND HUYỆN KRÔNG PẮC", "UBND huyện Krông Pắc"),
    ("HĐND TỈNH ĐẮK LẮK", "HĐND tỉnh Đắk Lắk"),
    ("UBND THÀNH PHỐ BUÔN MA THUỘT", "UBND thành phố Buôn Ma Thuột"),
    ("ỦY BAN NHÂN DÂN TỈNH ĐẮK LẮK", "Ủy ban nhân dân tỉnh Đắk Lắk"),
    ("SỞ TƯ PHÁP TỈNH ĐẮK LẮK", "Sở Tư pháp tỉnh Đắk Lắk"),
    ("BAN CHỈ ĐẠO PCTN TỈNH ĐẮK LẮK", "Ban Chỉ đạo PCTN tỉnh Đắk Lắk"),
    ("VĂN PHÒNG UBND TỈNH", "Văn phòng UBND tỉnh"),
    ("ĐẢNG ỦY KHỐI CƠ QUAN TỈNH", "Đảng ủy Khối cơ quan tỉnh"),
    ("BỘ CHỈ HUY QUÂN SỰ TỈNH ĐẮK LẮK", "Bộ Chỉ huy quân sự tỉnh Đắk Lắk"),
    ("CÔNG AN HUYỆN EA KAR", "Công an huyện Ea Kar"),
    ("SỞ NỘI VỤ", "Sở Nội vụ"),
    ("VĂN PHÒNG CHÍNH PHỦ", "Văn phòng Chính phủ"),
    ("HUYỆN ỦY KRÔNG PẮC", "Huyện ủy Krông Pắc"),
])
def test_official_capitalisation(printed, written):
    assert written_form(printed.split()) == written


def test_a_header_opened_by_an_abbreviation():
    assert agency_bodies(["UBND TỈNH ĐẮK LẮK", "SỞ NỘI VỤ"]) == ["UBND tỉnh Đắk Lắk", "Sở Nội vụ"]
