"""Both tesseract engines on the same rendered pages: the same OcrPage contract (words with boxes,
confidences and line ids, NFC text in reading order, the mean confidence), nearly the same text, and ids in
the format that keys the OCR cache. ``tesseract`` (the default name) is tesserocr when it imports, else the
tesseract program through pytesseract (``tesseract-cli``)."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
import unicodedata

import numpy as np
import pytest

from ingest import engines
from ingest.engines.tesseract import TesseractEngine, model_files
from ingest.engines.tesserocr_engine import TesserocrEngine, parse_tsv
from ingest.ocr import OcrError, OcrPage, OcrSettings
from ingest.preprocess import clean
from ingest.reading_order import lines_to_text
from ingest.text import cer, cer_any_order
from pipelines.samples.inbox import scan_pages
from pipelines.samples.render import render_document
from pipelines.samples.spec import load_specs

tesserocr = pytest.importorskip("tesserocr")
pytestmark = pytest.mark.skipif(shutil.which("tesseract") is None or not model_files("vie+Vietnamese"),
                                reason="needs tesseract and its vie and Vietnamese models")
ENGINES = ("tesseract-cli", "tesserocr")


@pytest.fixture(scope="module")
def pages() -> list[tuple[np.ndarray, list[str]]]:
    """Page 1 of a state document (agency column and quốc hiệu side by side, then the body) as rendered, and
    page 2 of another scanned skewed with noise, scanner borders."""
    specs = load_specs()
    state = next(s for s in specs if not s.party and s.parent)
    first = render_document(state)[0]
    image, last = scan_pages(specs[3], "scan-skew", np.random.default_rng(7))[1]
    return [(clean(np.asarray(first.image.convert("RGB"))).image, first.lines),
            (clean(np.asarray(image)).image, last.lines)]


@pytest.fixture(scope="module")
def read(pages) -> dict[str, list[OcrPage]]:
    """Every page read by each engine (one engine per name, kept across its pages as a worker keeps it)."""
    out = {}
    for name in ENGINES:
        engine = engines.create(OcrSettings(engine=name))
        out[name] = [engine.recognise(grey) for grey, _ in pages]
    return out


@pytest.mark.parametrize("name", ENGINES)
def test_words_have_text_boxes_confidences_and_lines(name, pages, read):
    for (grey, _), page in zip(pages, read[name], strict=True):
        assert (page.height, page.width) == grey.shape
        assert len(page.words) > 20
        for w in page.words:
            assert w.text and w.text == w.text.strip() and unicodedata.is_normalized("NFC", w.text)
            assert 0 <= w.conf <= 100
            assert w.left >= 0 and w.width > 0 and w.left + w.width <= page.width
            assert w.top >= 0 and w.height > 0 and w.top + w.height <= page.height
        lines = [w.line for w in page.words]
        assert lines == sorted(lines) and sorted(set(lines)) == list(range(max(lines) + 1))


@pytest.mark.parametrize("name", ENGINES)
def test_page_text_is_nfc_in_reading_order_with_the_mean_confidence(name, pages, read):
    for (_, truth), page in zip(pages, read[name], strict=True):
        assert unicodedata.is_normalized("NFC", page.text)
        assert page.text == lines_to_text(page.words, page.width)
        assert page.confidence == round(sum(w.conf for w in page.words) / len(page.words), 2)
        assert page.confidence > 80
        assert cer_any_order(truth, page.text) < 0.03
        assert OcrPage.from_dict(page.to_dict()) == page
    # the two-column header, which tesseract reads as shared lines: the agency column comes first
    lines, truth = read[name][0].text.splitlines()[:5], pages[0][1][:5]
    assert len(lines) == 5 and all(cer(t, line) < 0.1 for t, line in zip(truth, lines, strict=True)), lines


def test_both_engines_read_the_same_words_and_lines(read):
    """Two builds of tesseract (the program and the one in the tesserocr wheel), the same model and settings."""
    for cli, api in zip(read["tesseract-cli"], read["tesserocr"], strict=True):
        assert cer(cli.text, api.text) < 0.01
        assert abs(len(cli.words) - len(api.words)) <= 0.02 * len(cli.words)
        assert max(w.line for w in cli.words) == max(w.line for w in api.words)
        assert abs((cli.confidence or 0) - (api.confidence or 0)) < 3


def test_a_blank_image_gives_an_empty_page_from_both():
    blank = np.full((400, 300), 255, np.uint8)
    for name in ENGINES:
        page = engines.create(OcrSettings(engine=name)).recognise(blank)
        assert (page.text, page.confidence, page.words, page.width, page.height) == ("", None, [], 300, 400)


def test_ids_name_the_library_the_tesseract_version_the_model_digest_and_the_settings():
    lang = OcrSettings().lang
    digest = hashlib.sha256(model_files(lang)[0].read_bytes()).hexdigest()[:16]
    out = subprocess.run(["tesseract", "--version"], capture_output=True, text=True, check=False)
    version = (out.stdout or out.stderr).splitlines()[0].strip()
    # the program's id is the format the OCR cache was keyed with before engines became pluggable
    assert engines.create(OcrSettings(engine="tesseract-cli")).id() == \
        f"{version}|{lang}|{digest}|--psm 3 -c tessedit_do_invert=0"
    inside = tesserocr.tesseract_version().splitlines()[0].strip()
    assert engines.create(OcrSettings(engine="tesserocr", psm=6)).id() == \
        f"tesserocr {tesserocr.__version__} {inside}|{lang}|{digest}|--psm 6 -c tessedit_do_invert=0"
    assert engines.create(OcrSettings(lang="vie")).id() != engines.create(OcrSettings(lang="Vietnamese")).id()


def test_tesseract_is_tesserocr_and_the_program_when_tesserocr_cannot_be_imported_or_one_is_named(monkeypatch):
    assert isinstance(engines.create(OcrSettings()), TesserocrEngine)
    assert isinstance(engines.create(OcrSettings(tesseract_cmd="/opt/tesseract/bin/tesseract")), TesseractEngine)
    monkeypatch.setitem(sys.modules, "tesserocr", None)  # import tesserocr now raises ImportError
    assert isinstance(engines.create(OcrSettings()), TesseractEngine)


def test_tesserocr_timeout_and_missing_model_are_ocr_errors(pages):
    with pytest.raises(OcrError) as err:
        engines.create(OcrSettings(engine="tesserocr", timeout=0.001)).recognise(pages[0][0])
    assert err.value.code == "ocr.timeout"
    with pytest.raises(OcrError) as err:
        engines.create(OcrSettings(engine="tesserocr", lang="klingon")).recognise(pages[0][0])
    assert err.value.code == "ocr.cannot_run" and "klingon" in str(err.value)


def test_tsv_rows_become_image_to_data_columns():
    tsv = "5\t1\t1\t1\t2\t3\t10\t20\t30\t40\t96.5\tSở\n4\t1\t1\t1\t2\t0\t10\t20\t300\t40\t-1\t\n"
    data = parse_tsv(tsv)
    assert data["text"] == ["Sở", ""] and data["conf"] == [96.5, -1.0]
    assert (data["line_num"], data["left"], data["height"]) == ([2, 2], [10, 10], [40, 40])
