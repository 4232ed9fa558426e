"""The OCR engine seam: the registry, the engine contract through the test engine, reading order."""

from __future__ import annotations

import unicodedata

import numpy as np
import ocr_test_engine
import pytest
from ocr_test_engine import BarEngine, bar_page

from ingest import engines
from ingest.engines.tesseract import TesseractEngine
from ingest.engines.tesserocr_engine import TesserocrEngine
from ingest.ocr import OcrError, OcrPage, OcrSettings, Word
from ingest.preprocess import clean
from ingest.reading_order import lines_to_text


def test_the_built_in_and_the_test_engine_are_registered():
    assert {"tesseract", "tesseract-cli", "tesserocr", "test"} <= set(engines.names())
    assert isinstance(engines.create(OcrSettings()), TesserocrEngine | TesseractEngine)  # tesserocr if it imports
    assert isinstance(engines.create(OcrSettings(engine="tesseract-cli")), TesseractEngine)
    assert isinstance(engines.create(OcrSettings(engine="tesserocr")), TesserocrEngine)
    assert isinstance(engines.create(OcrSettings(engine="test")), BarEngine)


def test_an_unknown_engine_is_a_clear_error_naming_the_known_ones():
    with pytest.raises(OcrError) as err:
        engines.create(OcrSettings(engine="abbyy"))
    message = str(err.value)
    assert "unknown OCR engine 'abbyy'" in message
    assert "tesseract" in message and "test" in message
    with pytest.raises(OcrError, match="abbyy"):
        engines.ensure_known("abbyy")
    engines.ensure_known("tesseract")


def test_a_name_is_taken_once():
    engines.register("test", BarEngine)  # the same factory again: importing the module twice is harmless
    with pytest.raises(ValueError, match="already registered"):
        engines.register("tesseract", BarEngine)
    assert isinstance(engines.create(OcrSettings()), TesserocrEngine | TesseractEngine)


def test_each_create_makes_a_new_engine_with_its_settings():
    a, b = engines.create(OcrSettings(engine="test")), engines.create(OcrSettings(engine="test", lang="vie"))
    assert a is not b and a.id() != b.id()


def test_the_test_engine_reads_a_cleaned_synthetic_page():
    image, text = bar_page([[3, 5, 2], [4], [1, 6]])
    page = engines.create(OcrSettings(engine="test")).recognise(clean(np.asarray(image)).image)
    assert page.text == text
    assert unicodedata.is_normalized("NFC", page.text)
    assert [w.line for w in page.words] == [0, 0, 0, 1, 2, 2]
    assert page.confidence == ocr_test_engine.CONFIDENCE
    assert OcrPage.from_dict(page.to_dict()) == page


def test_the_test_engine_cannot_read_a_blank_page():
    image, _ = bar_page([])
    with pytest.raises(OcrError, match="nothing to read"):
        engines.create(OcrSettings(engine="test")).recognise(np.asarray(image.convert("L")))


def _word(text: str, left: int, line: int, width: int = 40, height: int = 20, conf: float = 80.0) -> Word:
    return Word(text, conf, left, 100 + 30 * line, width, height, line)


def test_reading_order_writes_a_two_column_header_left_column_first():
    words = [_word("UBND", 100, 0), _word("CỘNG", 600, 0), _word("HÒA", 645, 0),
             _word("SỞ", 100, 1), _word("Độc", 600, 1), _word("lập", 645, 1),
             _word("Kế", 420, 2), _word("hoạch", 465, 2)]  # a centred title under the header
    assert lines_to_text(words, 1000) == "UBND\nSỞ\nCỘNG HÒA\nĐộc lập\nKế hoạch"


def test_a_page_from_words_has_the_mean_confidence_and_no_confidence_without_words():
    page = OcrPage.from_words([_word("a", 100, 0, conf=90.0), _word("b", 145, 0, conf=80.5)], 1000, 800)
    assert (page.text, page.confidence, page.width, page.height) == ("a b", 85.25, 1000, 800)
    empty = OcrPage.from_words([], 1000, 800)
    assert (empty.text, empty.confidence, empty.words) == ("", None, [])
