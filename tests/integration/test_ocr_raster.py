"""What OCR is given: the red plane of each page — a scanned PDF page's own JPEG smoothed like poppler's
rendering, else the same pixels as the RGB raster's red channel (PDFs rendered by pdftoppm in memory, PNG,
JPEG and TIFF with RGB, grey and palette frames) — and the cheap blank-page check."""

from __future__ import annotations

import io

import cv2
import numpy as np
import pytest
from PIL import Image

from ingest.pages import PageError, ocr_raster, raster
from ingest.preprocess import BLANK_INK_SHARE, ink_share, is_blank
from pipelines.samples.blank import blank_sheet
from pipelines.samples.digital import digital_pdf
from pipelines.samples.inbox import PROFILES, _image_pdf, scan_pages
from pipelines.samples.render import render_document
from pipelines.samples.spec import load_specs


@pytest.fixture(scope="module")
def scans() -> list[Image.Image]:
    """Two pages of a scanned document (the last with a red seal), shrunk to keep the test quick."""
    pairs = scan_pages(load_specs()[0], "scan", np.random.default_rng(3), dpi=150)
    return [pairs[0][0], pairs[-1][0]]


def test_a_scanned_pdf_page_gives_its_jpeg_smoothed_and_any_other_page_the_rendered_red_plane(tmp_path, scans):
    pdf = tmp_path / "scan.pdf"
    pdf.write_bytes(_image_pdf(scans, 150))  # one JPEG per page at 150 dpi, as a scanner writes it
    for n in (1, 2):
        red = ocr_raster(pdf, "pdf", n, 150)
        assert red.ndim == 2 and red.dtype == np.uint8 and red.flags["C_CONTIGUOUS"]
        jpeg = np.asarray(Image.open(io.BytesIO(_jpeg(scans[n - 1]))).convert("RGB"))[:, :, 0]
        box = cv2.blur(jpeg, (2, 2), borderType=cv2.BORDER_REPLICATE)
        assert red.shape == jpeg.shape and np.abs(red.astype(int) - box).max() <= 2  # decoders may round apart
        # closer to poppler's rendering than the JPEG's own pixels are
        rendered = raster(pdf, "pdf", n, 150)[:, :, 0]
        h, w = min(red.shape[0], rendered.shape[0]), min(red.shape[1], rendered.shape[1])
        ours, bare = (np.abs(rendered[:h, :w].astype(int) - img[:h, :w]).mean() for img in (red, jpeg))
        assert ours < bare * 0.75 and ours < 4
        # at another resolution the page is rendered
        assert np.array_equal(ocr_raster(pdf, "pdf", n, 100), raster(pdf, "pdf", n, 100)[:, :, 0])
    digital = tmp_path / "digital.pdf"
    digital.write_bytes(digital_pdf(load_specs()[2]))  # text and lines drawn, no image: rendered
    assert np.array_equal(ocr_raster(digital, "pdf", 1, 150), raster(digital, "pdf", 1, 150)[:, :, 0])


def _jpeg(image: Image.Image) -> bytes:
    """The JPEG _image_pdf embeds for ``image`` (its own bytes, read back from the PDF)."""
    from pypdf import PdfReader

    page = PdfReader(io.BytesIO(_image_pdf([image], 150))).pages[0]
    (ref,) = page["/Resources"]["/XObject"].values()
    return ref.get_object().get_data()


@pytest.mark.parametrize(("kind", "fmt", "mode"), [("png", "PNG", "RGB"), ("jpeg", "JPEG", "RGB"),
                                                   ("tiff", "TIFF", "L"), ("png", "PNG", "P")])
def test_the_red_plane_of_an_image_is_its_rgb_red_channel(tmp_path, scans, kind, fmt, mode):
    path = tmp_path / f"page.{kind}"
    frames = [s.convert(mode) for s in scans]
    frames[0].save(path, fmt, save_all=fmt == "TIFF", append_images=frames[1:] if fmt == "TIFF" else [])
    for n in (1, 2) if fmt == "TIFF" else (1,):
        assert np.array_equal(ocr_raster(path, kind, n, 300), raster(path, kind, n, 300)[:, :, 0])


def test_a_damaged_pdf_page_is_a_page_error(tmp_path):
    pdf = tmp_path / "bad.pdf"
    pdf.write_bytes(b"%PDF-1.4\n" + b"0" * 500)
    with pytest.raises(PageError) as err:
        ocr_raster(pdf, "pdf", 1, 150)
    assert err.value.code in ("page.render_failed", "page.render_empty")


def test_blank_sheets_and_backs_are_blank_in_every_profile_and_text_pages_are_not():
    specs = load_specs()
    front = render_document(specs[0])[0].image
    for k, profile in enumerate(sorted(PROFILES)):
        rng = np.random.default_rng(k)
        for sheet in (blank_sheet(front.size, profile, rng), blank_sheet(front.size, profile, rng, front)):
            assert is_blank(np.asarray(sheet)[:, :, 0]), profile
        for image, _ in scan_pages(specs[k % len(specs)], profile, rng):
            assert not is_blank(np.asarray(image)[:, :, 0]), profile


def test_a_page_with_one_short_line_is_not_blank():
    page = np.full((3508, 2480), 255, np.uint8)
    page[1700:1745, 300:330] = 0  # about one capital letter at 300 dpi
    assert not is_blank(page)
    assert ink_share(page) < 100 * BLANK_INK_SHARE


def test_the_blank_check_reads_a_page_of_a_pdf_in_memory(tmp_path):
    pdf = tmp_path / "sheets.pdf"
    front = render_document(load_specs()[1])[0].image
    rng = np.random.default_rng(5)
    pdf.write_bytes(_image_pdf([front.convert("RGB"), blank_sheet(front.size, "scan", rng, front)]))
    assert [is_blank(ocr_raster(pdf, "pdf", n, 300)) for n in (1, 2)] == [False, True]
