"""Reading order on real pages: the sample inbox through the CLI (strict CER), born-digital PDFs through
``pdftotext -bbox-layout``, and one rendered foot read by real tesseract."""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from classify.metadata import find_signature
from ingest import engines
from ingest.ocr import OcrSettings
from ingest.pages import text_layers
from ingest.preprocess import clean
from ingest.reading_order import lines_to_text
from ingest.resolution import read_cleaned, recognise
from ingest.text import cer, cer_any_order, squash
from pipelines.samples.degrade import Degradation
from pipelines.samples.digital import digital_pdf_pages
from pipelines.samples.render import render_document
from pipelines.samples.spec import load_specs
from pipelines.samples.variants import BLACK_INK, bitonal, seal_over_name_pages

# Measured on the sample inbox (BENCHMARKS.md, "Signature block under black seals, symbols, dates"): 36 OCR pages,
# 0.28 % strict and 0.32 % any-order over 57,424 characters, worst page 2.94 % strict; the bitonal page whose
# black seal hid the signer (5.05 % before, with a bound of its own) is 0.66 % now that the seal is taken off
# before OCR (ingest/seal.py); 6 born-digital pages 0.00 % strict. The bounds are the targets.
MAX_STRICT, MAX_ANY, MAX_PAGE_STRICT, MAX_DIGITAL_STRICT = 0.010, 0.004, 0.05, 0.005
# With the model vie two short pages that hold nothing but a signature block (99 and 137 characters) read the
# handwritten signature as 3-4 letters ("J/Wo", "/WW", confidence 41-48, 2.8× the text's height): 7.1 % and
# 6.6 % strict until such marks were left out (ingest/reading_order.py MARK_CONF).


@pytest.fixture
def catalog_db(ingested) -> Iterator[sqlite3.Connection]:
    db = sqlite3.connect(ingested["home"] / "catalog.sqlite3")
    yield db
    db.close()


def _pages(ingested, db: sqlite3.Connection, digital: bool) -> list[tuple[str, int, list[str], str]]:
    prefix, out = ingested["root"].name, []
    for f in ingested["manifest"].good:
        sha = db.execute("SELECT sha256 FROM sources WHERE source=?", (f"{prefix}/{f.path}",)).fetchone()[0]
        for n, page in enumerate(f.pages, 1):
            if page.digital == digital:
                text = db.execute("SELECT text FROM pages WHERE sha256=? AND n=?", (sha, n)).fetchone()[0]
                out.append((f.path, n, page.lines, text))
    return out


def _weighted(pages: list[tuple[str, int, list[str], str]], measure) -> float:  # noqa: ANN001
    sizes = [len(squash(" ".join(lines))) for _, _, lines, _ in pages]
    errors = sum(measure(lines, text) * size for (_, _, lines, text), size in zip(pages, sizes, strict=True))
    return errors / sum(sizes)


def test_ocr_pages_come_out_in_reading_order(ingested, catalog_db):
    pages = _pages(ingested, catalog_db, digital=False)
    assert len(pages) >= 29
    for path, n, lines, text in pages:
        assert cer("\n".join(lines), text) <= MAX_PAGE_STRICT, (path, n, cer("\n".join(lines), text))
    assert _weighted(pages, lambda lines, text: cer("\n".join(lines), text)) <= MAX_STRICT
    assert _weighted(pages, cer_any_order) <= MAX_ANY


def test_born_digital_pages_come_out_in_reading_order(ingested, catalog_db):
    pages = _pages(ingested, catalog_db, digital=True)
    assert len(pages) >= 6 and all(lines for _, _, lines, _ in pages)
    assert _weighted(pages, lambda lines, text: cer("\n".join(lines), text)) <= MAX_DIGITAL_STRICT


def test_every_sample_document_as_a_born_digital_pdf_reads_exactly(tmp_path: Path):
    """Header columns side by side, a công văn's longer left column, Nơi nhận longer than the signature."""
    for spec in load_specs():
        data, truth = digital_pdf_pages(spec)
        pdf = tmp_path / f"{spec.name}.pdf"
        pdf.write_bytes(data)
        got = text_layers(pdf, len(truth))
        for n, lines in enumerate(truth, 1):
            assert got[n].splitlines() == lines, (spec.name, n)


@pytest.mark.skipif(shutil.which("tesseract") is None, reason="needs tesseract")
def test_a_rendered_foot_with_a_long_recipient_list_is_read_left_block_first():
    spec = next(s for s in load_specs() if s.name.startswith("12_"))
    page = render_document(spec)[-1]  # the foot: twelve recipients beside a three-line signature block
    settings = OcrSettings()  # read as the pipeline reads (ingest.resolution: the text height it is given)
    ocr = recognise(engines.create(settings), clean(np.asarray(page.image.convert("RGB"))).image, settings.text_px)
    lines = ocr.text.splitlines()
    recipients = [i for i, line in enumerate(lines) if line.startswith("- ")]
    authority = next(i for i, line in enumerate(lines) if line.startswith("KT."))
    assert len(recipients) >= 10 and max(recipients) < authority
    assert lines[-1] == spec.signer
    assert cer("\n".join(page.lines), ocr.text) < 0.02


@pytest.mark.skipif(shutil.which("tesseract") is None, reason="needs tesseract")
def test_a_black_seal_over_the_signer_on_a_bitonal_scan_is_taken_off_and_the_name_read():
    """The sample's black seal ring crosses "Lê Th…" (another seed than the inbox's TIFF): cleaned (the ring
    found and erased), read by real tesseract, the signature block gives the name and the title."""
    spec = next(s for s in load_specs() if s.name.startswith("12_"))
    image, page = seal_over_name_pages(spec, Degradation(skew_deg=0.6, noise=4), np.random.default_rng(11),
                                       BLACK_INK)[-1]
    cleaned = clean(np.asarray(bitonal(image).convert("L")))
    assert "seal-ring(1)" in cleaned.steps
    ocr = read_cleaned(engines.create(OcrSettings()), cleaned, OcrSettings().text_px)
    text = lines_to_text(ocr.words, ocr.width)
    authority, title, signer = find_signature(text.splitlines())
    assert (title, signer) == ("Phó Chủ tịch", spec.signer)
    assert cer("\n".join(page.lines), text) < 0.03
