"""A tiny OCR engine for tests, added the way any engine is: one module and one ``register`` call.

It "reads" synthetic pages drawn by :func:`bar_page`: every dark bar is a word whose text says how many
times longer than high it is (``khối3``), bars side by side on one row are one line. A page with no bar
cannot be read (:class:`OcrError`), or with ``OcrSettings(lang="die")`` kills the worker process reading it,
as a crashing engine would (never the test process itself). With ``lang="census"`` each page gets one more
line, ``máy<pid>-<engine token>-<pages this engine read>``, to see which engine read it; with ``lang="threads"``,
``luồng<n>``: the number of threads OpenCV may use in the process that read it. Select the engine
with ``OcrSettings(engine="test")``.
"""

from __future__ import annotations

import os
import secrets

import cv2
import numpy as np
from PIL import Image, ImageDraw

from ingest.engines import register
from ingest.ocr import OcrError, OcrPage, OcrSettings, Word
from ingest.text import nfc

NAME = "test"
BAR_HEIGHT = 14   # below the 36 px the illumination flattening of ingest.preprocess would wash out
CONFIDENCE = 90.0  # above the upside-down retry threshold: one recognise() per page
WORD = "khối"      # written decomposed below: the engine must hand back NFC text
TEST_PROCESS = os.getpid()  # the process that imported this module (pool workers are forked from it)


class BarEngine:
    def __init__(self, settings: OcrSettings) -> None:
        self.settings = settings
        self.pages_read = 0
        self.token = secrets.token_hex(3)

    def id(self) -> str:
        return f"minhchung-test-engine 1|{self.settings.lang}"

    def recognise(self, grey: np.ndarray) -> OcrPage:
        self.pages_read += 1
        count, _, stats, _ = cv2.connectedComponentsWithStats((grey < 128).astype(np.uint8))
        boxes = sorted((tuple(int(v) for v in s[:4]) for s in stats[1:count] if s[4] >= 20), key=lambda b: b[1])
        if not boxes:
            if self.settings.lang == "die" and os.getpid() != TEST_PROCESS:
                os._exit(70)
            raise OcrError("test engine: nothing to read on this page")
        words: list[Word] = []
        line, line_bottom = -1, -1
        for left, top, width, height in boxes:
            if top > line_bottom:
                line, line_bottom = line + 1, top + height
            words.append(Word(nfc(f"kho\u0302\u0301i{round(width / height)}"), CONFIDENCE, left, top, width,
                              height, line))
        if self.settings.lang == "census":
            words.append(Word(f"máy{os.getpid()}-{self.token}-{self.pages_read}", CONFIDENCE, 100, line_bottom + 50,
                              10 * BAR_HEIGHT, BAR_HEIGHT, line + 1))
        if self.settings.lang == "threads":
            words.append(Word(f"luồng{cv2.getNumThreads()}", CONFIDENCE, 100, line_bottom + 50, 10 * BAR_HEIGHT,
                              BAR_HEIGHT, line + 1))
        words.sort(key=lambda w: (w.line, w.left))
        return OcrPage.from_words(words, grey.shape[1], grey.shape[0])


register(NAME, BarEngine)


SPECK = 4  # px: a dust speck, smaller than the 20 px the engine reads as a bar
DUST = [[0]]  # the rows of a page with ink but no word: the blank-page check lets it through, the engine fails


def bar_page(rows: list[list[int]], size: tuple[int, int] = (1000, 700)) -> tuple[Image.Image, str]:
    """A white RGB page with one row of bars per ``rows`` entry (each bar ``n`` bar-heights long), and the
    text the engine reads from it. An empty ``rows`` is a blank page (the intake does not OCR it); a bar
    of length 0 is a row of 40 dust specks, ink the engine does not read (``DUST``: a page it cannot read)."""
    image = Image.new("RGB", size, "white")
    draw = ImageDraw.Draw(image)
    y = 80
    for row in rows:
        x = 100
        for n in row:
            if n == 0:
                for k in range(40):
                    draw.rectangle((x + 20 * k, y, x + 20 * k + SPECK - 1, y + SPECK - 1), fill="black")
                continue
            draw.rectangle((x, y, x + n * BAR_HEIGHT - 1, y + BAR_HEIGHT - 1), fill="black")
            x += n * BAR_HEIGHT + 20
        y += 3 * BAR_HEIGHT
    return image, "\n".join(" ".join(f"{WORD}{n}" for n in row if n) for row in rows if any(row))
