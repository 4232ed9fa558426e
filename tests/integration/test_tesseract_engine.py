"""The real tesseract engine on one rendered page: the OcrPage contract, and an id in the format the OCR
cache was keyed with before engines became pluggable (a changed id would make every cached page miss)."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import unicodedata
from pathlib import Path

import numpy as np
import pytest

from ingest import engines
from ingest.engines.tesseract import TesseractEngine
from ingest.ocr import OcrPage, OcrSettings
from ingest.preprocess import clean
from ingest.reading_order import lines_to_text
from ingest.text import cer_any_order
from pipelines.samples.render import render_document
from pipelines.samples.spec import load_specs

MODELS = [*([Path(os.environ["TESSDATA_PREFIX"])] if os.environ.get("TESSDATA_PREFIX") else []),
          Path("/usr/share/tesseract-ocr/5/tessdata"), Path("/usr/share/tesseract-ocr/4.00/tessdata"),
          Path("/usr/share/tessdata"), Path("/usr/local/share/tessdata")]
MODEL = next((folder / "Vietnamese.traineddata" for folder in MODELS
              if (folder / "Vietnamese.traineddata").exists()), None)

pytestmark = pytest.mark.skipif(shutil.which("tesseract") is None or MODEL is None,
                                reason="needs tesseract and its Vietnamese model")


@pytest.fixture(scope="module")
def read_page() -> tuple[OcrPage, np.ndarray, list[str]]:
    """Page 1 of a state (not Party) document: agency column and quốc hiệu side by side, then the body."""
    spec = next(s for s in load_specs() if not s.party and s.parent)
    rendered = render_document(spec)[0]
    grey = clean(np.asarray(rendered.image.convert("RGB"))).image
    engine = engines.create(OcrSettings())
    return engine.recognise(grey), grey, rendered.lines


def test_words_have_text_boxes_confidences_and_lines(read_page):
    page, grey, _ = read_page
    assert (page.height, page.width) == grey.shape
    assert len(page.words) > 50
    for w in page.words:
        assert w.text and w.text == w.text.strip() and unicodedata.is_normalized("NFC", w.text)
        assert 0 <= w.conf <= 100
        assert w.left >= 0 and w.width > 0 and w.left + w.width <= page.width
        assert w.top >= 0 and w.height > 0 and w.top + w.height <= page.height
    lines = [w.line for w in page.words]
    assert lines == sorted(lines) and sorted(set(lines)) == list(range(max(lines) + 1))


def test_page_text_is_nfc_in_reading_order_with_the_mean_confidence(read_page):
    page, _, truth = read_page
    assert unicodedata.is_normalized("NFC", page.text)
    assert page.text == lines_to_text(page.words, page.width)
    assert page.confidence == round(sum(w.conf for w in page.words) / len(page.words), 2)
    assert page.confidence > 80
    assert cer_any_order(truth, page.text) < 0.03
    # the two-column header, which tesseract reads as shared lines: the agency column comes first
    assert page.text.splitlines()[:5] == truth[:5]


def test_the_id_is_the_cache_key_format_of_before():
    """``<tesseract --version first line>|<lang>|<sha256 of the model>[:16]|<config>``, byte for byte."""
    out = subprocess.run(["tesseract", "--version"], capture_output=True, text=True, check=False)
    version = (out.stdout or out.stderr).splitlines()[0].strip()
    digest = hashlib.sha256(MODEL.read_bytes()).hexdigest()[:16]
    engine = engines.create(OcrSettings())
    assert isinstance(engine, TesseractEngine)
    assert engine.id() == f"{version}|Vietnamese|{digest}|--psm 3 -c tessedit_do_invert=0"
    psm6 = engines.create(OcrSettings(psm=6)).id()
    assert psm6 == f"{version}|Vietnamese|{digest}|--psm 6 -c tessedit_do_invert=0"
