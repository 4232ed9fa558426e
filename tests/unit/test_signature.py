"""The signature block as OCR gives it under a seal and after the reading order: marks, lost tone marks,
the Party's "T/M" and a Nơi nhận list longer than the block."""

from __future__ import annotations

from classify.metadata import find_signature, spelled_title
from classify.surnames import spelled_surname


def block(text: str) -> list[str]:
    return text.splitlines()


def test_a_foot_read_left_block_then_right_block():
    foot = block("Nơi nhận:\n- Như Điều 3;\n- Sở Nội vụ (b/c);\n- Văn phòng Ủy ban nhân dân tỉnh (b/c);\n"
                 "- Ông Nguyễn Văn Bình;\n- Lưu: VT, VP.\nKT. CHỦ TỊCH\nPHÓ CHỦ TỊCH\nLê Thị Minh Nguyệt")
    assert find_signature(foot) == ("KT. Chủ tịch", "Phó Chủ tịch", "Lê Thị Minh Nguyệt")


def test_seal_marks_at_the_ends_of_the_name_line_are_dropped():
    for name_line in ("„ Lê Thị Minh Nguyệt", "'Lê Thị Minh Nguyệt", "Lê Thị Minh Nguyệt |", "/^ Trần Đình Phong"):
        got = find_signature(block(f"KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH\n{name_line}"))[2]
        assert got in ("Lê Thị Minh Nguyệt", "Trần Đình Phong"), name_line
    # a list item is never the signer, even a person's name
    assert find_signature(block("KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH\n- Ông Nguyễn Văn Bình;"))[2] is None


def test_a_title_that_lost_a_tone_mark_is_spelled_right():
    assert find_signature(block("TM. ỦY BAN NHÂN DÂN\nCHỦ TICH\nTrần Đình Phong"))[1] == "Chủ tịch"
    assert spelled_title("Pho Giam doc") == "Phó Giám đốc"
    assert spelled_title("Trưởng đoàn") == "Trưởng đoàn"  # not a known title: as read
    assert spelled_title(None) is None


def test_party_authority_written_with_a_slash_and_no_dot():
    assert find_signature(block("T/M BAN THƯỜNG VỤ\nPHÓ BÍ THƯ\nVõ Thành Nhân")) == (
        "T/M Ban thường vụ", "Phó Bí thư", "Võ Thành Nhân")


def test_a_surname_whose_mark_a_seal_changed_is_the_one_family_name_of_its_letters():
    # tesseract's reading of the bitonal sample once the black seal is taken off: the ring's lettering over "ê"
    assert find_signature(block("KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH\nLễ Thị Minh Nguyệt"))[2] == "Lê Thị Minh Nguyệt"
    assert spelled_surname("Trấn Đình Phong") == "Trần Đình Phong"
    assert spelled_surname("Nguyên Văn An") == "Nguyễn Văn An"
    # a family name read right stays; two family names of the same letters ("La", "Lã"): left as read
    assert spelled_surname("Võ Thành Nhân") == "Võ Thành Nhân" and spelled_surname("Vũ Thành Nhân") == "Vũ Thành Nhân"
    assert spelled_surname("Lá Văn Cầu") == "Lá Văn Cầu"
    # letters of no family name (an ethnic name, a rank dropped elsewhere): as read
    assert spelled_surname("Y Ngông Niê Kdăm") == "Y Ngông Niê Kdăm"
