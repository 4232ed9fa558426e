"""The text height OCR is given (ingest.resolution): measured from the page, the page scaled to it, the boxes back."""

from __future__ import annotations

import numpy as np
import pytest
from ocr_test_engine import BAR_HEIGHT, BarEngine, bar_page

from ingest.ocr import OcrPage, OcrSettings
from ingest.preprocess import Cleaned, to_grey
from ingest.resolution import MIN_SCALE, glyph_height, ocr_scale, read_cleaned, recognise
from pipelines.samples.plain import render_plain

TEXT = """ỦY BAN NHÂN DÂN TỈNH ĐẮK LẮK
Số: 15/KH-UBND

KẾ HOẠCH
Công tác phòng, chống tham nhũng năm 2024

Thực hiện Luật Phòng, chống tham nhũng năm 2018, Ủy ban nhân dân tỉnh ban hành kế hoạch công tác phòng, chống
tham nhũng năm 2024 với các nội dung chủ yếu sau đây: tuyên truyền, phổ biến, giáo dục pháp luật về phòng,
chống tham nhũng; công khai, minh bạch trong hoạt động của cơ quan, tổ chức, đơn vị; kiểm soát tài sản, thu
nhập của người có chức vụ, quyền hạn; chuyển đổi vị trí công tác; thanh tra, kiểm tra và xử lý tham nhũng.
"""


def page_at(dpi: int) -> np.ndarray:
    return to_grey(np.asarray(render_plain(TEXT, dpi=dpi)[0].image.convert("RGB")))


@pytest.fixture(scope="module")
def pages() -> dict[int, np.ndarray]:
    return {dpi: page_at(dpi) for dpi in (300, 200, 150)}


def test_the_glyph_height_follows_the_letters_size(pages):
    heights = {dpi: glyph_height(page) for dpi, page in pages.items()}
    assert 24 <= heights[300] <= 32, heights  # a 13-14 pt body at 300 dpi
    for dpi in (200, 150):
        assert heights[dpi] == pytest.approx(heights[300] * dpi / 300, rel=0.2), heights


def test_big_letters_are_halved_small_ones_kept(pages):
    assert ocr_scale(pages[300], 14) == MIN_SCALE  # 13-14 pt at 300 dpi: read at 150 dpi
    assert 0.65 <= ocr_scale(pages[200], 14) <= 0.85  # smaller letters: scaled less, to the same height
    assert ocr_scale(pages[150], 14) >= 0.95
    assert ocr_scale(pages[300], 0) == 1.0  # target 0: every page as it is
    assert ocr_scale(pages[300], 100) == 1.0  # never enlarged


def test_a_page_with_too_little_text_to_measure_is_read_as_it_is():
    blank = np.full((3508, 2480), 255, np.uint8)
    assert glyph_height(blank) is None and ocr_scale(blank, 14) == 1.0
    few, _ = bar_page([[2, 3]])
    assert ocr_scale(to_grey(np.asarray(few)), 14) == 1.0


def test_words_come_back_in_the_pages_own_pixels():
    image, text = bar_page([[1, 2, 3, 2, 1, 2, 3, 1, 2, 2]] * 12, size=(2000, 1900))
    grey = to_grey(np.asarray(image))
    assert glyph_height(grey) == pytest.approx(BAR_HEIGHT, abs=2)
    engine = BarEngine(OcrSettings(engine="test"))
    full = engine.recognise(grey)
    half = recognise(engine, grey, BAR_HEIGHT // 2)  # target half the bars' height: read at half size
    assert engine.pages_read == 2 and half.text == full.text == text
    assert (half.width, half.height) == (full.width, full.height) == (2000, 1900)
    for a, b in zip(half.words, full.words, strict=True):
        assert a.line == b.line
        assert np.allclose([a.left, a.top, a.width, a.height], [b.left, b.top, b.width, b.height], atol=2), (a, b)


def test_a_page_whose_seal_ring_was_erased_is_read_at_full_size(pages):
    class Sizes:  # an engine that notes the size of what it is given
        def __init__(self) -> None:
            self.shapes: list[tuple[int, ...]] = []

        def recognise(self, grey: np.ndarray) -> OcrPage:
            self.shapes.append(grey.shape)
            return OcrPage.from_words([], grey.shape[1], grey.shape[0])

    engine = Sizes()
    page = pages[300]
    identity = [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]]
    read_cleaned(engine, Cleaned(page, identity, ["red-channel", "median3"]), 14)
    read_cleaned(engine, Cleaned(page, identity, ["red-channel", "median3", "seal-ring(1)"]), 14)
    half = (round(page.shape[0] * MIN_SCALE), round(page.shape[1] * MIN_SCALE))
    assert engine.shapes == [half, page.shape]
