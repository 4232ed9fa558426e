"""``export --pdf``: the original pages with an invisible OCR text layer that PDF tools can search."""

from __future__ import annotations

import subprocess

from clihelp import run_cli
from pypdf import PdfReader
from sampledocs import expected_documents

from ingest.text import squash


def _pdftotext(path) -> str:
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout


def test_searchable_pdfs_carry_the_ocr_text_over_the_original_pages(ingested, tmp_path):
    out = tmp_path / "pdf"
    run_cli("--home", str(ingested["home"]), "export", "-o", str(tmp_path / "x.jsonl"), "--pdf", str(out),
            check_codes=(0,))
    files = sorted(out.glob("*.pdf"))
    assert len(files) == len(expected_documents(ingested["manifest"]))  # one PDF per document, whatever its files
    multi = [f for f in files if f.name.startswith("Ho so minh chung 2024")]
    assert sorted(len(PdfReader(str(f)).pages) for f in multi) == [2, 3]
    scanned = next(f for f in files if f.name.startswith("KH 15-KH-SNV"))
    reader = PdfReader(str(scanned))
    assert len(reader.pages) == 4
    text = squash(_pdftotext(scanned))
    assert "phòng, chống tham nhũng" in text.lower()
    assert "Số: 15/KH-SNV" in text
    tif = next(f for f in files if f.name.startswith("KH chuyen doi"))
    assert len(PdfReader(str(tif)).pages) == 3 and "chuyển đổi vị trí công tác" in squash(_pdftotext(tif)).lower()
    jpg = next(f for f in files if "trang 1" in f.name and "CT thanh toan" in f.name)
    assert "tiền mặt" in squash(_pdftotext(jpg)).lower()


def test_words_land_where_they_stand_on_the_page(ingested, tmp_path):
    """The number line 'Số: 15/KH-SNV' sits in the top-left quarter of the original page."""
    out = tmp_path / "pdf"
    run_cli("--home", str(ingested["home"]), "export", "-o", str(tmp_path / "x.jsonl"), "--pdf", str(out),
            check_codes=(0,))
    scanned = next(f for f in out.glob("*.pdf") if f.name.startswith("KH 15-KH-SNV"))
    page = PdfReader(str(scanned)).pages[0]
    width, height = float(page.mediabox.width), float(page.mediabox.height)
    hits = []

    def visit(text, cm, tm, font, size):
        if "15/KH-SNV" in text:
            hits.append((tm[4], tm[5]))

    page.extract_text(visitor_text=visit)
    assert hits, "word not found in the text layer"
    x, y = hits[0]
    assert x < width / 2 and y > height * 0.75, (x, y, width, height)
