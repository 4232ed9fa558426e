"""A scanned PDF page's own image, when the page is nothing but one JPEG at the rendering resolution.

A scanner (and the sample generator) writes each page as ``q W 0 0 H 0 0 cm /Im Do Q``: one JPEG drawn over
the whole page. Rendered at the scan's own resolution, that page is the JPEG's pixels resampled 1:1 by
poppler: a bilinear interpolation at a fraction of a pixel's offset (fitted on the samples: ~0.3 of a pixel
each way), a slight blur that tesseract reads better than the JPEG's own pixels (BENCHMARKS.md, OCR speed).
So the JPEG is decoded and smoothed with a 2×2 box (the same interpolation at half a pixel): mean absolute
difference to poppler's raster 1.1–2.4 grey levels instead of 1.5–5.4 for the bare JPEG, CER as good as
poppler's on the sample pages, for a tenth of the CPU (0.03–0.05 s instead of 0.33–0.46 s for an A4 page at
300 dpi). Anything else — another filter, a mask, a /Decode array, a rotated, cropped or scaled page, other
drawing, another resolution — returns None and the page is rendered by pdftoppm as before.
"""

from __future__ import annotations

import re
from pathlib import Path

import cv2
import numpy as np
from pypdf.errors import PdfReadError

from ingest.pdfread import pdf_reader

# the whole content stream: the page's size as the image matrix at the origin, one XObject drawn
_ONE_IMAGE = re.compile(rb"\s*q\s+([\d.]+)\s+0(?:\.0+)?\s+0(?:\.0+)?\s+([\d.]+)\s+0(?:\.0+)?\s+0(?:\.0+)?\s+cm\s+"
                        rb"/(\S+)\s+Do\s+Q\s*")
# what pypdf raises on a PDF it cannot read as expected: the page is then rendered by pdftoppm
_UNREADABLE = (PdfReadError, ValueError, KeyError, TypeError, AttributeError, IndexError, OSError, RecursionError)


def page_jpeg_red(path: Path, n: int, dpi: int) -> np.ndarray | None:
    """The red plane of page ``n``'s single full-page JPEG when it is drawn at ``dpi`` (±1 pixel), else None."""
    try:
        with pdf_reader(path) as reader:
            data = _jpeg_of(reader.pages[n - 1], dpi)
    except _UNREADABLE:
        return None
    if data is None:
        return None
    decoded = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
    if decoded is None:
        return None
    return smooth_like_poppler(np.ascontiguousarray(decoded[:, :, 2]))  # OpenCV's BGR: red is last


def smooth_like_poppler(red: np.ndarray) -> np.ndarray:
    """The 2×2 box average of each pixel and its upper-left neighbours (edges repeated): the blur of
    poppler's 1:1 rendering of a scanned page, which tesseract reads better than the JPEG's own pixels."""
    return cv2.blur(red, (2, 2), borderType=cv2.BORDER_REPLICATE)


def _jpeg_of(page, dpi: int) -> bytes | None:  # page: pypdf PageObject
    box = [float(v) for v in page.mediabox]
    if (page.get("/Rotate", 0) or 0) % 360 or page.get("/UserUnit") is not None or box[:2] != [0.0, 0.0]:
        return None
    if [float(v) for v in page.cropbox] != box:
        return None
    match = _ONE_IMAGE.fullmatch(page.get_contents().get_data()) if page.get_contents() is not None else None
    if match is None or (float(match[1]), float(match[2])) != (box[2], box[3]):
        return None
    image = page["/Resources"]["/XObject"][f"/{match[3].decode('latin-1')}"].get_object()
    if (image.get("/Subtype") != "/Image" or image.get("/Filter") not in ("/DCTDecode", ["/DCTDecode"])
            or image.get("/ColorSpace") not in ("/DeviceRGB", "/DeviceGray") or image.get("/BitsPerComponent") != 8
            or any(key in image for key in ("/Decode", "/SMask", "/Mask", "/DecodeParms"))):
        return None
    width, height = int(image["/Width"]), int(image["/Height"])
    if abs(width - box[2] / 72 * dpi) > 1 or abs(height - box[3] / 72 * dpi) > 1:
        return None
    return image.get_data()  # DCTDecode is not decoded by pypdf: the JPEG file itself


def page_jpeg_bytes(path: Path) -> dict[int, int]:
    """Page number → bytes of the JPEGs a PDF page draws (their streams, not decoded): a cheap guess of how much
    a scanned page has to read, so a batch can keep its smallest pages for last. {} when unreadable."""
    try:
        with pdf_reader(path) as reader:
            out = {}
            for n, page in enumerate(reader.pages, 1):
                xobjects = (page.get("/Resources") or {}).get("/XObject") or {}
                images = [x.get_object() for x in xobjects.values()]
                out[n] = sum(len(i.get_data()) for i in images
                             if i.get("/Subtype") == "/Image" and i.get("/Filter") in ("/DCTDecode", ["/DCTDecode"]))
            return out
    except _UNREADABLE:
        return {}
