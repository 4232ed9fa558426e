"""Pages of a stored file: PDF text layers, page counts and page rasters (pdf2image, Pillow).

Every problem raises :class:`PageError` with a sentence a clerk can act on.
"""

from __future__ import annotations

import logging
import subprocess
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from pdf2image import convert_from_path
from pdf2image.exceptions import PDFInfoNotInstalledError, PDFPageCountError, PDFSyntaxError
from PIL import Image, ImageOps
from pypdf import PdfReader
from pypdf.errors import FileNotDecryptedError, PdfReadError

from ingest.text import nfc

DEFAULT_PIXEL_LIMIT = 120_000_000  # an A0 sheet at 300 dpi is ~140 MP; an A4 page ~8.7 MP
MIN_TEXT_CHARS = 40  # letters and digits on a page before its text layer counts as real text
logging.getLogger("pypdf").setLevel(logging.ERROR)  # its repair chatter; failures still raise


class PageError(RuntimeError):
    """A file or page that cannot be read, with the reason."""


@dataclass
class FileInfo:
    kind: str
    page_count: int
    text_layer: dict[int, str] = field(default_factory=dict)  # page number -> real text found there


def has_real_text(text: str) -> bool:
    """A text layer counts when it carries enough letters/digits and is not mostly replacement junk."""
    letters = sum(ch.isalnum() for ch in text)
    junk = text.count("\ufffd") + text.count("(cid:")
    return letters >= MIN_TEXT_CHARS and junk * 10 < letters


def inspect(path: Path, kind: str, dpi: int, pixel_limit: int = DEFAULT_PIXEL_LIMIT) -> FileInfo:
    if kind == "pdf":
        return _inspect_pdf(path, dpi, pixel_limit)
    if kind in ("tiff", "jpeg", "png"):
        return FileInfo(kind, _inspect_image(path, pixel_limit))
    raise PageError(f"unsupported type {kind!r}")


def _inspect_pdf(path: Path, dpi: int, pixel_limit: int) -> FileInfo:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reader = PdfReader(str(path), strict=False)
            if reader.is_encrypted and not reader.decrypt(""):
                raise PageError("encrypted PDF: it needs a password; send it without protection")
            count = len(reader.pages)
            sizes = [(float(p.mediabox.width), float(p.mediabox.height)) for p in reader.pages]
    except PageError:
        raise
    except FileNotDecryptedError as exc:
        raise PageError("encrypted PDF: it needs a password; send it without protection") from exc
    except (PdfReadError, ValueError, KeyError, TypeError, OSError, RecursionError, IndexError) as exc:
        raise PageError(f"corrupt or truncated PDF: {exc}") from exc
    if count == 0:
        raise PageError("PDF has no pages")
    for n, (w, h) in enumerate(sizes, 1):
        pixels = w * h * (dpi / 72) ** 2
        if pixels > pixel_limit:
            raise PageError(f"page {n} is {w / 72:.0f}×{h / 72:.0f} inches: {pixels / 1e6:.0f} MP at {dpi} dpi, "
                            f"over the limit of {pixel_limit / 1e6:.0f} MP")
    return FileInfo("pdf", count, text_layers(path, count))


def text_layers(path: Path, count: int) -> dict[int, str]:
    """Pages whose own text layer has real text (pdftotext, reading order, NFC)."""
    try:
        out = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True,
                             timeout=120, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return {}
    if out.returncode != 0:
        return {}
    chunks = out.stdout.decode("utf-8", "replace").split("\f")
    result = {}
    for n, chunk in enumerate(chunks[:count], 1):
        text = nfc("\n".join(line.rstrip() for line in chunk.strip("\n").splitlines()))
        if has_real_text(text):
            result[n] = text
    return result


def _open_image(path: Path, pixel_limit: int) -> Image.Image:
    Image.MAX_IMAGE_PIXELS = pixel_limit
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            return Image.open(path)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise PageError(f"image too large (possible decompression bomb): {exc}") from exc
    except (OSError, SyntaxError, ValueError) as exc:
        raise PageError(f"corrupt or unreadable image: {exc}") from exc


def _inspect_image(path: Path, pixel_limit: int) -> int:
    img = _open_image(path, pixel_limit)
    with img:
        frames = getattr(img, "n_frames", 1)
        for i in range(frames):
            img.seek(i)
            w, h = img.size
            if w * h > pixel_limit:
                raise PageError(f"page {i + 1} is {w}×{h} pixels, over the limit of {pixel_limit / 1e6:.0f} MP "
                                f"(possible decompression bomb)")
        return frames


def raster(path: Path, kind: str, n: int, dpi: int, pixel_limit: int = DEFAULT_PIXEL_LIMIT,
           timeout: float = 120) -> np.ndarray:
    """Page ``n`` (1-based) as an RGB array; PDFs rendered at ``dpi``, images at their own resolution."""
    if kind == "pdf":
        try:
            images = convert_from_path(str(path), dpi=dpi, first_page=n, last_page=n, timeout=timeout)
        except (PDFPageCountError, PDFSyntaxError, PDFInfoNotInstalledError, OSError) as exc:
            raise PageError(f"page {n} cannot be rendered: {str(exc).strip()[:300]}") from exc
        except subprocess.TimeoutExpired as exc:
            raise PageError(f"page {n}: rendering took longer than {timeout:g} s") from exc
        if not images:
            raise PageError(f"page {n} cannot be rendered: the PDF renderer returned nothing")
        return np.asarray(images[0].convert("RGB"))
    img = _open_image(path, pixel_limit)
    with img:
        try:
            img.seek(n - 1)
            img.load()
            frame = ImageOps.exif_transpose(img) if kind == "jpeg" else img
            return np.asarray(frame.convert("RGB"))
        except (OSError, EOFError, ValueError) as exc:
            raise PageError(f"page {n}: corrupt or truncated image data: {exc}") from exc
