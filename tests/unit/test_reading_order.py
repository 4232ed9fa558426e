"""Reading order on synthetic word boxes: two-column zones left block first, single-column text untouched."""

from __future__ import annotations

from ingest.ocr import Word
from ingest.reading_order import lines_to_text, page_lines, without_marks

WIDTH = 2480  # an A4 page at 300 dpi
H = 40        # a text line's height


def line(text: str, left: int, top: int, n: int, conf: float = 95.0, height: int = H) -> list[Word]:
    """A line's words from ``left``, 20 px per letter and 15 px between words."""
    words, x = [], left
    for token in text.split():
        words.append(Word(token, conf, x, top, 20 * len(token), height, n))
        x += 20 * len(token) + 15
    return words


def page(*rows: tuple[str, int, int]) -> list[Word]:
    """Words of (text, left, top) lines, each its own engine line, in the order given."""
    return [w for n, (text, left, top) in enumerate(rows) for w in line(text, left, top, n)]


HEADER_LEFT = [("ỦY BAN NHÂN DÂN TỈNH", 380, 200), ("SỞ NỘI VỤ", 520, 260), ("Số: 15/KH-SNV", 480, 360)]
HEADER_RIGHT = [("CỘNG HÒA XÃ HỘI CHỦ NGHĨA", 1300, 200), ("Độc lập - Tự do", 1450, 260),
                ("Đắk Lắk, ngày 10 tháng 01 năm 2024", 1280, 360)]
TITLE = [("KẾ HOẠCH", 1130, 480), ("Thực hiện công tác phòng chống tham nhũng", 700, 540)]
BODY = [("Căn cứ Luật Phòng, chống tham nhũng ngày 20 tháng 11 năm 2018 và các văn bản", 360, 640),
        ("hướng dẫn thi hành./.", 360, 700)]


def texts(rows: list[tuple[str, int, int]]) -> list[str]:
    return [text for text, _, _ in rows]


def test_header_columns_read_as_separate_lines_come_out_left_block_first():
    # the engine returns each column's lines on their own, interleaved by height
    interleaved = [r for pair in zip(HEADER_LEFT, HEADER_RIGHT, strict=True) for r in pair]
    got = page_lines(page(*interleaved, *TITLE, *BODY), WIDTH)
    assert got == texts(HEADER_LEFT) + texts(HEADER_RIGHT) + texts(TITLE) + texts(BODY)


def test_header_rows_read_as_one_line_each_are_split_at_the_gutter():
    words = []
    for n, (left, right) in enumerate(zip(HEADER_LEFT, HEADER_RIGHT, strict=True)):
        words += line(left[0], left[1], left[2], n) + line(right[0], right[1], right[2], n)
    words += [w for k, r in enumerate(TITLE) for w in line(r[0], r[1], r[2], 10 + k)]
    assert page_lines(words, WIDTH) == texts(HEADER_LEFT) + texts(HEADER_RIGHT) + texts(TITLE)


FOOT_LEFT = [("Nơi nhận:", 360, 1000)] + [(f"- Đơn vị số {k} nhận văn bản;", 360, 1060 + 60 * k)
                                          for k in range(9)]
FOOT_RIGHT = [("TM. ỦY BAN NHÂN DÂN", 1450, 1000), ("CHỦ TỊCH", 1600, 1060), ("Trần Đình Phong", 1520, 1340)]


def test_a_foot_whose_recipient_list_is_longer_than_the_signature_block_is_not_interleaved():
    rows = sorted(FOOT_LEFT + FOOT_RIGHT, key=lambda r: (r[2], r[1]))
    got = page_lines(page(*BODY, *rows), WIDTH)
    assert got == texts(BODY) + texts(FOOT_LEFT) + texts(FOOT_RIGHT)


def test_single_column_text_keeps_its_order():
    rows = [*TITLE, *BODY, ("2. Nội dung thứ hai của kế hoạch, viết trên cả dòng như văn bản thường", 360, 760),
            ("ngắn", 360, 820), ("Một dòng thân bài dài hết khổ giấy, không có cột nào ở đây cả nhé", 360, 880)]
    assert page_lines(page(*rows), WIDTH) == texts(rows)


def test_a_zone_ends_at_a_centred_line_and_text_below_stays_below():
    rows = [*HEADER_LEFT, *HEADER_RIGHT, *TITLE]
    got = page_lines(page(*sorted(rows, key=lambda r: r[2])), WIDTH)
    assert got[-2:] == texts(TITLE)


def test_a_pen_stroke_read_as_a_tall_low_confidence_letter_is_left_out_and_does_not_end_a_zone():
    mark = Word("J", 27.0, 1400, 1030, 180, 92, 99)
    rows = sorted(FOOT_LEFT + FOOT_RIGHT, key=lambda r: (r[2], r[1]))
    words = page(*rows) + [mark]
    assert mark not in without_marks(words)
    assert page_lines(words, WIDTH) == texts(FOOT_LEFT) + texts(FOOT_RIGHT)
    # a low-confidence word of text height is kept: it is text read badly, not a mark
    blurred = Word("VI,", 19.0, 500, 1060, 60, H, 98)
    assert blurred in without_marks([*words, blurred])
    # a handwritten signature read as letters with middling confidence (vie: "J/Wo" at 48, 184×100 px)
    signature = Word("J/Wo", 47.9, 1648, 1030, 184, 100, 99)
    assert signature not in without_marks([*words, signature])
    title = Word("KẾ", 92.0, 900, 200, 90, 3 * H, 97)  # large type read with confidence stays
    assert title in without_marks([*words, title])


def test_a_hairline_read_as_flat_low_confidence_letters_is_left_out_but_a_weak_dash_stays():
    rows = sorted(FOOT_LEFT + FOOT_RIGHT, key=lambda r: (r[2], r[1]))
    words = page(*rows)
    hairline = Word("CC", 0.0, 757, 910, 86, 5, 99)  # what tesseract made of a seal's remains (86×5 px)
    dash = Word("-", 12.0, 360, 1300, 20, 5, 98)     # a list dash read weakly: as flat, but no letter
    kept = without_marks([*words, hairline, dash])
    assert hairline not in kept and dash in kept
    assert Word("CC", 91.0, 757, 910, 86, 5, 99) in without_marks([*words, Word("CC", 91.0, 757, 910, 86, 5, 99)])


# Nghị định 172/2025 rendered from a corpus text whose header was flattened into one paragraph: tesseract's words
# (page 1, 300 dpi). "Hà Nội, ngày" ends the wrapped line at the right margin, the date goes on at the left one.
ND172_HEADER = [
    Word("CHÍNH", 97, 448, 303, 167, 48, 0), Word("PHỦ", 97, 634, 303, 103, 48, 0),
    Word("Số:", 97, 945, 310, 64, 41, 0), Word("172/2025/NĐ-CP", 97, 1033, 314, 374, 37, 0),
    Word("|", 97, 1423, 313, 4, 49, 0), Word("CỘNG", 97, 1446, 303, 148, 56, 0),
    Word("HÒA", 97, 1613, 303, 113, 48, 0), Word("XÃ", 96, 1740, 305, 75, 45, 0),
    Word("HỘI", 96, 1832, 303, 91, 56, 0), Word("CHỦ", 97, 1941, 303, 109, 48, 0),
    Word("NGHĨA", 97, 2069, 305, 171, 46, 0), Word("VIỆT", 93, 448, 373, 120, 56, 1),
    Word("NAMĐộc", 81, 584, 382, 212, 47, 1), Word("lập", 93, 813, 382, 62, 50, 1),
    Word("—", 92, 890, 406, 28, 3, 1), Word("Tự", 97, 931, 385, 63, 44, 1), Word("do", 93, 1008, 383, 51, 38, 1),
    Word("-", 76, 1073, 406, 28, 3, 1), Word("Hạnh", 97, 1117, 383, 112, 46, 1),
    Word("phúc", 97, 1246, 382, 102, 50, 1), Word("Hà", 97, 2014, 382, 59, 39, 1),
    Word("Nội,", 96, 2090, 382, 89, 47, 1), Word("ngày", 97, 2198, 382, 102, 50, 1),
    Word("30", 97, 449, 454, 49, 37, 2), Word("tháng", 97, 516, 452, 116, 50, 2), Word("6", 96, 649, 454, 24, 37, 2),
    Word("năm", 97, 689, 453, 89, 38, 2), Word("2025", 89, 796, 454, 104, 37, 2), Word("|", 94, 919, 453, 3, 49, 2),
    Word("NGHỊ", 97, 1233, 549, 151, 51, 3), Word("ĐỊNH", 97, 1402, 550, 148, 50, 3),
]


def test_a_flattened_header_wrapped_as_one_paragraph_is_not_taken_for_two_columns():
    body = line("Căn cứ Luật Tổ chức Chính phủ ngày 18 tháng 02 năm 2025 và Luật Cán bộ công chức", 448, 650, 4)
    got = page_lines(ND172_HEADER + body, 2665)
    assert got[2:4] == ["VIỆT NAMĐộc lập — Tự do - Hạnh phúc Hà Nội, ngày", "30 tháng 6 năm 2025 |"]
    # real header columns (centred in their halves) with a one-line right side are still two columns
    rows = [("UBND TỈNH ĐẮK LẮK", 420, 200), ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 1250, 200),
            ("SỞ NỘI VỤ", 520, 260), ("Số: 15/KH-SNV", 480, 320)]
    assert page_lines(page(*rows) + line("Căn cứ Luật Phòng, chống tham nhũng năm 2018 và các văn bản hướng", 360,
                                          480, 9), WIDTH)[:4] == [
        "UBND TỈNH ĐẮK LẮK", "SỞ NỘI VỤ", "Số: 15/KH-SNV", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"]


def test_noise_between_the_columns_does_not_join_them():
    noise = line("^", 1150, 1180, 97, conf=20.0)
    rows = sorted(FOOT_LEFT + FOOT_RIGHT, key=lambda r: (r[2], r[1]))
    got = page_lines(page(*rows) + noise, WIDTH)
    assert [g for g in got if g != "^"] == texts(FOOT_LEFT) + texts(FOOT_RIGHT)


def test_text_is_the_lines_joined_and_empty_without_words():
    assert lines_to_text(page(*BODY), WIDTH) == "\n".join(texts(BODY))
    assert lines_to_text([], WIDTH) == ""
