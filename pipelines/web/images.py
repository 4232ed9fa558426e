"""Page images for the browser and the OCR word boxes drawn over them.

Words were found on the *cleaned* image (deskewed, cropped); the page's 3×3 ``matrix`` maps the original
raster to it. A box is mapped back with the inverse matrix (its four corners, then their bounding box) into
the original raster of the page at the file's dpi, then scaled to the served image, which is that raster
resized to :data:`DISPLAY_WIDTH` pixels wide (never enlarged). Served images are cached under
``cache/web/`` of the data home (JPEG; rendering a PDF page takes ~0.3 s).
"""

from __future__ import annotations

import html
import math
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from markupsafe import Markup
from PIL import Image, ImageOps
from pypdf import PdfReader

from ingest.pages import raster
from search.analysis import Query
from search.marking import reader_matches

DISPLAY_WIDTH = 1100
JPEG_QUALITY = 82


@dataclass(frozen=True)
class Box:
    """A word's box in the served image's pixels."""

    text: str
    left: float
    top: float
    width: float
    height: float
    hit: bool


def raster_size(path: Path, kind: str, n: int, dpi: int) -> tuple[int, int]:
    """(width, height) of page ``n`` as :func:`ingest.pages.raster` renders it, without rendering it."""
    return raster_sizes(path, kind, [n], dpi)[0]


def raster_sizes(path: Path, kind: str, pages: list[int], dpi: int) -> list[tuple[int, int]]:
    """:func:`raster_size` of several pages of one file, opening (and, for a PDF, parsing) the file once."""
    if kind == "pdf":
        reader = PdfReader(str(path))
        sizes = []
        for n in pages:
            page = reader.pages[n - 1]
            w, h = float(page.cropbox.width), float(page.cropbox.height)
            if page.rotation % 180 == 90:
                w, h = h, w
            sizes.append((math.ceil(w * dpi / 72 - 1e-6), math.ceil(h * dpi / 72 - 1e-6)))
        return sizes
    with Image.open(path) as img:
        sizes = []
        for n in pages:
            img.seek(n - 1)
            w, h = img.size
            if kind == "jpeg" and img.getexif().get(0x0112, 1) in (5, 6, 7, 8):
                w, h = h, w
            sizes.append((w, h))
        return sizes


def display_size(size: tuple[int, int]) -> tuple[int, int]:
    w, h = size
    scale = min(1.0, DISPLAY_WIDTH / w)
    return max(1, round(w * scale)), max(1, round(h * scale))


def page_image(cache: Path, blob: Path, sha256: str, kind: str, n: int, dpi: int) -> Path:
    """The cached JPEG of page ``n`` at display size (rendered on first use)."""
    original = raster_size(blob, kind, n, dpi)
    size = display_size(original)
    target = cache / sha256[:2] / f"{sha256}-{n}-{size[0]}.jpg"
    if target.exists():
        return target
    render_dpi = dpi
    if kind == "pdf":  # render near the display size: much faster than the OCR resolution
        render_dpi = max(36, math.ceil(dpi * size[0] / original[0]) + 1)
    image = Image.fromarray(raster(blob, kind, n, render_dpi))
    if image.size != size:
        image = image.resize(size, Image.Resampling.LANCZOS)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(f".{os.getpid()}.{id(image)}.tmp")
    ImageOps.exif_transpose(image).convert("RGB").save(tmp, "JPEG", quality=JPEG_QUALITY, optimize=True)
    os.replace(tmp, target)
    return target


def hit_words(words: list[list], query: Query | None) -> list[bool]:
    """For each OCR word, whether it is part of a hit of the query (phrases may run across lines)."""
    if query is None or not words:
        return [False] * len(words)
    starts, pieces, pos = [], [], 0
    for w in words:
        starts.append(pos)
        pieces.append(str(w[0]))
        pos += len(str(w[0])) + 1
    text = " ".join(pieces)
    flags = [False] * len(words)
    for m_start, m_end in reader_matches(text, query):
        for i, start in enumerate(starts):
            end = start + len(str(words[i][0]))
            if start < m_end and m_start < end:
                flags[i] = True
    return flags


def word_boxes(words: list[list], matrix: list[list[float]] | None, original: tuple[int, int],
               query: Query | None, hits_only: bool = True) -> list[Box]:
    """Boxes of the words (``[text, conf, left, top, width, height, line]`` in cleaned-image pixels) in the
    served image's pixels."""
    inverse = np.linalg.inv(np.array(matrix, dtype=float)) if matrix else np.eye(3)
    scale = display_size(original)[0] / original[0]
    out = []
    for word, hit in zip(words, hit_words(words, query), strict=True):
        if hits_only and not hit:
            continue
        _, _, left, top, width, height, _ = word
        corners = np.array([[left, top, 1], [left + width, top, 1], [left, top + height, 1],
                            [left + width, top + height, 1]], dtype=float).T
        xs, ys, ws = inverse @ corners
        xs, ys = xs / ws, ys / ws  # a perspective-corrected photo's matrix is a homography
        out.append(Box(str(word[0]), round(xs.min() * scale, 1), round(ys.min() * scale, 1),
                       round((xs.max() - xs.min()) * scale, 1), round((ys.max() - ys.min()) * scale, 1), hit))
    return out


def marked_text(text: str, query: Query | None) -> Markup:
    """The page text HTML-escaped, hits wrapped in ``<mark>``."""
    if query is None:
        return Markup(html.escape(text))
    pieces, pos = [], 0
    for start, end in reader_matches(text, query):
        pieces += [html.escape(text[pos:start]), "<mark>", html.escape(text[start:end]), "</mark>"]
        pos = end
    pieces.append(html.escape(text[pos:]))
    return Markup("".join(pieces))
