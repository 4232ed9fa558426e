"""OCR misreads repaired where the text cannot be right: digit-for-letter confusions in a ký hiệu's letter
codes read back as letters (the number, the year, a body's trailing number never change), and a header place
name that is no Vietnamese syllable spelled as on the date line."""

from __future__ import annotations

import pytest

from classify.metadata import extract, find_symbol
from classify.symbols import repair_code, repair_symbol


@pytest.mark.parametrize(("rest", "expected"), [
    ("/5TP-VP", "/STP-VP"),            # the sample công văn read by the vie model
    ("/KH-UBN0", "/KH-UBN0"),          # a trailing digit may be real: left alone
    ("/QĐ-8CĐ389", "/QĐ-BCĐ389"),      # the steering committee 389: its number stays
    ("/2024/QĐ-UBND", "/2024/QĐ-UBND"),  # the year segment stays digits
    ("/2O24/QĐ-UBND", "/2O24/QĐ-UBND"),  # not a code (one letter): left for the year parser as it was
    ("/Q0Đ-TTCP", "/QOĐ-TTCP"),
    ("-KH/HU", "-KH/HU"),              # a Party symbol
    ("-KH/5U", "-KH/5U"),              # "5U": one letter, a code cannot be told from a misread there
    ("/CT-UBND", "/CT-UBND"),
    ("/UBND-VX", "/UBND-VX"),
])
def test_repair_symbol(rest: str, expected: str) -> None:
    assert repair_symbol(rest) == expected


@pytest.mark.parametrize(("code", "expected"), [
    ("5TP", "STP"), ("STP", "STP"), ("BCĐ389", "BCĐ389"), ("2024", "2024"), ("1", "1"), ("S0", "S0"),
    ("V1P", "VIP"), ("08", "08"),
])
def test_repair_code(code: str, expected: str) -> None:
    assert repair_code(code) == expected


def test_symbol_line_with_a_misread_code() -> None:
    lines = ["SỞ TƯ PHÁP", "Số: 312/5TP-VP", "V/v kê khai tài sản"]
    assert find_symbol(lines)[:2] == ("312", "312/STP-VP")
    lines = ["ỦY BAN NHÂN DÂN", "Số: 83/2025/QĐ-UBND"]
    assert find_symbol(lines)[:2] == ("83", "83/2025/QĐ-UBND")


def test_header_place_with_two_tone_marks_is_spelled_as_on_the_date_line() -> None:
    # the vie model on the phone photo of the sample chỉ thị: "PẮC" read "PÁẮC" (two tones: no syllable)
    header = ("ỦY BAN NHÂN DÂN HUYỆN KRÔNG PÁẮC\nSố: 05/CT-UBND\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
              "Độc lập - Tự do - Hạnh phúc\nKrông Pắc, ngày 14 tháng 6 năm 2023\nCHỈ THỊ")
    assert extract(header.splitlines(), 5).issuer == "Ủy ban nhân dân huyện Krông Pắc"
    # one tone mark is a syllable: a header that reads as Vietnamese is left as it is
    sound = header.replace("PÁẮC", "PÚC")
    assert extract(sound.splitlines(), 5).issuer == "Ủy ban nhân dân huyện Krông Púc"


def test_header_place_with_a_letter_vietnamese_does_not_write_is_spelled_as_on_the_date_line() -> None:
    # a rescan of the sample kế hoạch read at half size: "PẮC" read "PÄC" (a diaeresis is no Vietnamese mark)
    header = ("ỦY BAN NHÂN DÂN HUYỆN KRÔNG PÄC\nSố: 245/KH-UBND\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
              "Độc lập - Tự do - Hạnh phúc\nKrông Pắc, ngày 12 tháng 11 năm 2024\nKẾ HOẠCH")
    assert extract(header.splitlines(), 5).issuer == "Ủy ban nhân dân huyện Krông Pắc"
    for sound in ("KRÔNG PẮC", "KRÔNG PƯC", "KRÔNG PĂC"):  # Vietnamese letters and marks: left as read
        assert extract(header.replace("KRÔNG PÄC", sound).splitlines(), 5).issuer == \
            f"Ủy ban nhân dân huyện {sound.title()}"
