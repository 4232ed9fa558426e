"""How many pixels OCR reads: the cleaned page scaled so its letters have the height tesseract reads best.

Tesseract's LSTM scales every text line to the model's own input height, so the letters of a 13-point
page scanned at 300 dpi (glyphs some 28 px tall, words 42 px) carry far more pixels than it uses: at half
the size (glyphs 14 px, words 21 px) it read the samples as well or better and took a third less CPU in
its layout analysis and line finding. Smaller letters must not go below that height, or accuracy falls
fast (words of 18 px: 0.66 % CER against 0.19 %; 13 px: 3.2 %; BENCHMARKS.md "OCR speed, third round").

So each page's median glyph height is measured first (connected components of the Otsu-binarised page at
half size, some 10 ms) and the page is given to the engine at ``target / glyph height`` of its size,
never below :data:`MIN_SCALE` and never enlarged. The words come back in the cleaned page's coordinates,
so boxes, reading order, the searchable PDF and the OCR cache see the same page geometry as before. A page
whose cleaning erased a black seal's ring (:mod:`ingest.seal`) is read at full size: the letters the ring
crossed lost pixels there already (at half size the sample's signer "Lê" under the seal read "LZ").
"""

from __future__ import annotations

import cv2
import numpy as np

from ingest.engines import OcrEngine
from ingest.ocr import OcrPage, Word
from ingest.preprocess import Cleaned

# Bump when the rule changes: the OCR cache key names it with the target height (pipelines.executors.pagejob).
RESOLUTION_VERSION = "res2-seal-full"
MIN_SCALE = 0.5  # never below half size: a 150 dpi reading of a 300 dpi scan
STEP = 0.05  # scales are rounded to this, so near-equal pages share a scale (and tesseract a behaviour)
MIN_GLYPHS = 40  # fewer letter-sized components than this: too little text to measure, read as it is


def glyph_height(grey: np.ndarray) -> float | None:
    """Median height in pixels of the letter-sized ink components of a cleaned grey page (uint8, 2-D), or
    None when the page has too few to tell (:data:`MIN_GLYPHS`).

    Measured at half size (a quarter of the pixels; heights doubled back), components between 4 and 60 px
    tall there and at most three times as wide as tall: letters and diacritics, not rules, frames or specks."""
    small = cv2.resize(grey, None, fx=0.5, fy=0.5, interpolation=cv2.INTER_AREA)
    _, ink = cv2.threshold(small, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    _, _, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    heights = stats[1:, cv2.CC_STAT_HEIGHT]
    widths = stats[1:, cv2.CC_STAT_WIDTH]
    letters = heights[(heights >= 4) & (heights <= 60) & (widths <= 3 * heights)]
    if letters.size < MIN_GLYPHS:
        return None
    return float(np.median(letters)) * 2


def ocr_scale(grey: np.ndarray, target_px: int) -> float:
    """The share of its size at which the page goes to the engine: ``target_px`` over its glyph height,
    rounded to :data:`STEP`, within [:data:`MIN_SCALE`, 1]. ``target_px`` 0 reads every page as it is."""
    if target_px <= 0:
        return 1.0
    height = glyph_height(grey)
    if height is None:
        return 1.0
    scale = round(target_px / height / STEP) * STEP
    return min(1.0, max(MIN_SCALE, scale))


def read_at(engine: OcrEngine, grey: np.ndarray, scale: float) -> OcrPage:
    """OCR a cleaned grey page at ``scale`` of its size; the words' boxes in ``grey``'s own pixels."""
    if scale >= 1.0:
        return engine.recognise(grey)
    small = cv2.resize(grey, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    page = engine.recognise(small)
    height, width = grey.shape
    sx, sy = width / small.shape[1], height / small.shape[0]
    words = [Word(w.text, w.conf, round(w.left * sx), round(w.top * sy), round(w.width * sx),
                  round(w.height * sy), w.line) for w in page.words]
    return OcrPage.from_words(words, width, height)


def recognise(engine: OcrEngine, grey: np.ndarray, target_px: int) -> OcrPage:
    """OCR a cleaned grey page at :func:`ocr_scale`; the words' boxes in ``grey``'s own pixels."""
    return read_at(engine, grey, ocr_scale(grey, target_px))


def page_scale(cleaned: Cleaned, target_px: int) -> float:
    """:func:`ocr_scale` for a cleaned page: 1 when its cleaning erased a seal ring. The page turned half
    round has the same scale (the same letters): the upside-down retry reuses it."""
    if any(step.startswith("seal-ring") for step in cleaned.steps):
        return 1.0
    return ocr_scale(cleaned.image, target_px)


def read_cleaned(engine: OcrEngine, cleaned: Cleaned, target_px: int) -> OcrPage:
    """:func:`recognise` for a cleaned page: at full size when its cleaning erased a seal ring."""
    return read_at(engine, cleaned.image, page_scale(cleaned, target_px))
