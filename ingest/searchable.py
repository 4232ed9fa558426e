"""Searchable PDFs: the original pages with an invisible OCR text layer (like OCRmyPDF's output).

Word boxes were found on the cleaned image; the page's 3x3 matrix (original raster → cleaned) is
inverted to put each word back where it stands on the original page. Pages that already had a text
layer are copied untouched. Originals are never re-encoded except TIFF frames (stored losslessly).
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from fpdf import FPDF
from fpdf.enums import TextMode
from PIL import Image, ImageOps
from pypdf import PdfReader, PdfWriter

INVISIBLE_FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/liberation2/LiberationSans-Regular.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
)


@dataclass
class PageText:
    n: int
    method: str                      # text | ocr | none
    words: list[list] = field(default_factory=list)  # [text, conf, left, top, width, height, line]
    matrix: list[list[float]] | None = None
    dpi: int = 300


def _font() -> str:
    for path in INVISIBLE_FONT_CANDIDATES:
        if Path(path).exists():
            return path
    raise FileNotFoundError("no TrueType font with Vietnamese glyphs (install fonts-liberation2)")


def _new_pdf() -> FPDF:
    pdf = FPDF(unit="pt")
    pdf.set_auto_page_break(False)
    pdf.set_margins(0, 0, 0)
    pdf.add_font("Invisible", "", _font())
    pdf.set_font("Invisible", size=10)
    pdf.set_compression(True)
    return pdf


def _place_words(pdf: FPDF, page: PageText, scale: float, offset: tuple[float, float] = (0.0, 0.0)) -> None:
    """Write each word invisibly over its box. ``scale`` converts original raster pixels to points."""
    if not page.words:
        return
    inverse = np.linalg.inv(np.array(page.matrix)) if page.matrix else np.eye(3)
    pdf.text_mode = TextMode.INVISIBLE
    for text, _conf, left, top, width, height, _line in page.words:
        corners = np.array([[left, top, 1], [left + width, top + height, 1]], dtype=float).T
        (x0, x1), (y0, y1) = (inverse @ corners)[:2]
        x0, x1 = sorted((x0, x1))
        y0, y1 = sorted((y0, y1))
        size = max(1.0, (y1 - y0) * scale)
        pdf.set_font_size(size)
        natural = pdf.get_string_width(text)
        box_w = (x1 - x0) * scale
        if natural > 0:
            pdf.set_stretching(max(10.0, min(1000.0, 100.0 * box_w / natural)))
        pdf.text(offset[0] + x0 * scale, offset[1] + y1 * scale - size * 0.2, text)
    pdf.set_stretching(100)
    pdf.text_mode = TextMode.FILL


def _overlay(width_pt: float, height_pt: float, page: PageText) -> PdfReader:
    pdf = _new_pdf()
    pdf.add_page(format=(width_pt, height_pt))
    _place_words(pdf, page, 72.0 / page.dpi)
    return PdfReader(io.BytesIO(bytes(pdf.output())))


def searchable_pdf(original: Path, kind: str, pages: list[PageText]) -> bytes:
    """The pages of ``original`` (1-based numbers in ``pages``) with invisible OCR text."""
    writer = PdfWriter()
    if kind == "pdf":
        reader = PdfReader(str(original))
        for page in pages:
            src = reader.pages[page.n - 1]
            if page.method == "ocr" and page.words:
                box = src.mediabox
                over = _overlay(float(box.width), float(box.height), page).pages[0]
                src.merge_translated_page(over, float(box.left), float(box.bottom))
            writer.add_page(src)
    else:
        pdf = _new_pdf()
        with Image.open(original) as img:
            for page in pages:
                img.seek(page.n - 1)
                frame = ImageOps.exif_transpose(img) if kind == "jpeg" else img.copy()
                if frame.mode not in ("RGB", "L"):
                    frame = frame.convert("RGB")
                dpi = img.info.get("dpi", (page.dpi, page.dpi))[0] or page.dpi
                w_pt, h_pt = frame.width * 72.0 / dpi, frame.height * 72.0 / dpi
                pdf.add_page(format=(w_pt, h_pt))
                upright = img.getexif().get(0x0112, 1) == 1  # no EXIF rotation: embed the JPEG as is
                if kind == "jpeg" and upright:
                    pdf.image(str(original), x=0, y=0, w=w_pt, h=h_pt)
                else:
                    pdf.image(frame, x=0, y=0, w=w_pt, h=h_pt)
                _place_words(pdf, PageText(page.n, page.method, page.words, page.matrix, int(dpi)),
                             72.0 / dpi)
        return bytes(pdf.output())
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()
