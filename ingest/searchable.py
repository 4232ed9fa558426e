"""Searchable PDFs: the original pages with an invisible OCR text layer (like OCRmyPDF's output).

Word boxes were found on the cleaned image; the page's 3x3 matrix (original raster → cleaned) is
inverted to put each word back where it stands on the original page. Pages that already had a text
layer are copied untouched. Originals are never re-encoded except TIFF frames (stored losslessly).
"""

from __future__ import annotations

import io
import math
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


def _place_words(pdf: FPDF, page: PageText, scale: float) -> None:
    """Write each OCR line invisibly along its baseline on the original page.

    Whole lines (not single words) keep phrase order for PDF search and copy; a line is turned by the
    angle the cleaning step took out (deskew), so it lies on the original, possibly skewed, text row.
    ``scale`` converts original raster pixels to points.
    """
    if not page.words:
        return
    inverse = np.linalg.inv(np.array(page.matrix)) if page.matrix else np.eye(3)
    lines: dict[int, list[list]] = {}
    for word in page.words:
        lines.setdefault(word[6], []).append(word)
    pdf.text_mode = TextMode.INVISIBLE
    for words in lines.values():
        words.sort(key=lambda w: w[2])
        left = min(w[2] for w in words)
        right = max(w[2] + w[4] for w in words)
        bottom = max(w[3] + w[5] for w in words)
        heights = sorted(w[5] for w in words)
        size = max(1.0, heights[len(heights) // 2] * scale * 1.25)
        x, y = back(inverse, left, bottom)
        x2, y2 = back(inverse, right, bottom)
        angle = -math.degrees(math.atan2(y2 - y, x2 - x))  # the row on the original: skewed, or in perspective
        text = " ".join(w[0] for w in words)
        pdf.set_font_size(size)
        natural = pdf.get_string_width(text)
        if natural > 0:
            span = math.hypot(x2 - x, y2 - y)
            pdf.set_stretching(max(10.0, min(1000.0, 100.0 * span * scale / natural)))
        with pdf.rotation(angle, x * scale, y * scale):
            pdf.text(x * scale, y * scale - size * 0.15, text)
    pdf.set_stretching(100)
    pdf.text_mode = TextMode.FILL


def back(inverse: np.ndarray, x: float, y: float) -> tuple[float, float]:
    """A point of the cleaned image on the original raster (``inverse``: the page matrix inverted; a
    perspective-corrected photo's matrix is a homography, hence the division)."""
    px, py, pw = inverse @ np.array([x, y, 1.0])
    return px / pw, py / pw


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
            src = writer.add_page(reader.pages[page.n - 1])  # attached first: pypdf 7 merges only then
            if page.method == "ocr" and page.words:
                box = src.mediabox
                over = _overlay(float(box.width), float(box.height), page).pages[0]
                src.merge_translated_page(over, float(box.left), float(box.bottom))
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
                _place_words(pdf, page, 72.0 / dpi)
        return bytes(pdf.output())
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


def searchable_document(parts: list[tuple[Path, str, list[PageText]]]) -> bytes:
    """One searchable PDF of a document whose pages are in several files: each part ``(original, kind,
    pages)`` as :func:`searchable_pdf` makes it, one after the other."""
    if len(parts) == 1:
        return searchable_pdf(*parts[0])
    writer = PdfWriter()
    for original, kind, pages in parts:
        writer.append(PdfReader(io.BytesIO(searchable_pdf(original, kind, pages))))
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()
