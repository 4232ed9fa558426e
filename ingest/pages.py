"""Pages of a stored file: PDF text layers, page counts and page rasters (pdf2image, Pillow).

Every problem raises :class:`PageError`: a message code with its parameters (the shell shows it in the user's
language, ``pipelines.i18n``) and an English sentence a clerk can act on as ``str()``.
"""

from __future__ import annotations

import logging
import subprocess
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

import numpy as np
from pdf2image import convert_from_path
from pdf2image.exceptions import PDFInfoNotInstalledError, PDFPageCountError, PDFSyntaxError
from PIL import Image, ImageOps
from pypdf.errors import FileNotDecryptedError, PdfReadError

from ingest.pdfimage import page_jpeg_red
from ingest.pdfread import pdf_reader
from ingest.textlayer import page_texts

DEFAULT_PIXEL_LIMIT = 120_000_000  # an A0 sheet at 300 dpi is ~140 MP; an A4 page ~8.7 MP
MIN_TEXT_CHARS = 40  # letters and digits on a page before its text layer counts as real text
logging.getLogger("pypdf").setLevel(logging.ERROR)  # its repair chatter; failures still raise


# English texts of the codes (the same as the shell's catalog, pipelines/i18n/locale/en: a test checks it).
MESSAGES = {
    "file.unsupported_kind": "unsupported type '{kind}'",
    "pdf.encrypted": "encrypted PDF: it needs a password; send it without protection",
    "pdf.corrupt": "corrupt or truncated PDF: {detail}",
    "pdf.no_pages": "PDF has no pages",
    "pdf.page_too_large": "page {page} is {width}×{height} inches: {mp} MP at {dpi} dpi, over the limit of {limit} MP",
    "image.bomb": "image too large (possible decompression bomb): {detail}",
    "image.corrupt": "corrupt or unreadable image: {detail}",
    "image.too_large": ("page {page} is {width}×{height} pixels, over the limit of {limit} MP "
                        "(possible decompression bomb)"),
    "image.truncated": "corrupt or truncated image data: {detail}",
    "page.render_failed": "cannot be rendered: {detail}",
    "page.render_timeout": "rendering took longer than {seconds} s",
    "page.render_empty": "cannot be rendered: the PDF renderer returned nothing",
}


class PageError(RuntimeError):
    """A file or page that cannot be read: ``code`` and ``params`` (strings), ``str()`` the English reason."""

    def __init__(self, code: str, **params: object) -> None:
        self.code = code
        self.params = {k: str(v) for k, v in params.items()}
        super().__init__(MESSAGES[code].format_map(self.params))

    def __reduce__(self) -> tuple:
        return (partial(PageError, self.code, **self.params), ())


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
    raise PageError("file.unsupported_kind", kind=kind)


def _inspect_pdf(path: Path, dpi: int, pixel_limit: int) -> FileInfo:
    try:
        with pdf_reader(path) as reader:
            if reader.is_encrypted and not reader.decrypt(""):
                raise PageError("pdf.encrypted")
            count = len(reader.pages)
            sizes = [(float(p.mediabox.width), float(p.mediabox.height)) for p in reader.pages]
    except PageError:
        raise
    except FileNotDecryptedError as exc:
        raise PageError("pdf.encrypted") from exc
    except (PdfReadError, ValueError, KeyError, TypeError, OSError, RecursionError, IndexError) as exc:
        raise PageError("pdf.corrupt", detail=exc) from exc
    if count == 0:
        raise PageError("pdf.no_pages")
    for n, (w, h) in enumerate(sizes, 1):
        pixels = w * h * (dpi / 72) ** 2
        if pixels > pixel_limit:
            raise PageError("pdf.page_too_large", page=n, width=f"{w / 72:.0f}", height=f"{h / 72:.0f}",
                            mp=f"{pixels / 1e6:.0f}", dpi=dpi, limit=f"{pixel_limit / 1e6:.0f}")
    return FileInfo("pdf", count, text_layers(path, count))


def text_layers(path: Path, count: int) -> dict[int, str]:
    """Pages whose own text layer has real text (:mod:`ingest.textlayer`: word boxes in reading order, NFC)."""
    return {n: text for n, text in page_texts(path, count).items() if has_real_text(text)}


def _open_image(path: Path, pixel_limit: int) -> Image.Image:
    Image.MAX_IMAGE_PIXELS = pixel_limit
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            return Image.open(path)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise PageError("image.bomb", detail=exc) from exc
    except (OSError, SyntaxError, ValueError) as exc:
        raise PageError("image.corrupt", detail=exc) from exc


def _inspect_image(path: Path, pixel_limit: int) -> int:
    img = _open_image(path, pixel_limit)
    with img:
        frames = getattr(img, "n_frames", 1)
        for i in range(frames):
            img.seek(i)
            w, h = img.size
            if w * h > pixel_limit:
                raise PageError("image.too_large", page=i + 1, width=w, height=h, limit=f"{pixel_limit / 1e6:.0f}")
        return frames


def ocr_raster(path: Path, kind: str, n: int, dpi: int, pixel_limit: int = DEFAULT_PIXEL_LIMIT,
               timeout: float = 120) -> np.ndarray:
    """Page ``n`` as OCR reads it: the red plane of the page at ``dpi`` (uint8, 2-D), and nothing else.

    Red seals and stamps are paper-white in it (:func:`ingest.preprocess.to_grey`), so the green and blue
    channels are never kept. A scanned PDF page that is one JPEG at ``dpi`` gives that JPEG's pixels with
    poppler's slight blur (:mod:`ingest.pdfimage`: a tenth of pdftoppm's CPU); any other PDF page is rendered
    by ``pdftoppm`` straight into memory (no pdfinfo call, no temporary file, no PIL decode), its red plane
    the same pixels as ``raster(...)[:, :, 0]``; an image file's red band is read without building RGB
    (tests/integration/test_ocr_raster.py)."""
    if kind == "pdf":
        scanned = page_jpeg_red(path, n, dpi)
        return scanned if scanned is not None else _red_plane(_pdftoppm(path, n, dpi, timeout))
    return _image_frame(path, kind, n, pixel_limit, _red_band)


def _red_band(frame: Image.Image) -> np.ndarray:
    if frame.mode == "L":
        return np.asarray(frame)
    if frame.mode not in ("RGB", "RGBA", "RGBX"):
        frame = frame.convert("RGB")
    return np.asarray(frame.getchannel(0))


def _pdftoppm(path: Path, n: int, dpi: int, timeout: float) -> bytes:
    """Page ``n`` of a PDF as a binary PPM (P6) from ``pdftoppm``, in memory."""
    argv = ["pdftoppm", "-r", str(dpi), "-f", str(n), "-l", str(n), str(path)]
    try:
        out = subprocess.run(argv, capture_output=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired as exc:
        raise PageError("page.render_timeout", seconds=f"{timeout:g}") from exc
    except OSError as exc:
        raise PageError("page.render_failed", detail=str(exc).strip()[:300]) from exc
    if out.returncode != 0 and not out.stdout:
        raise PageError("page.render_failed", detail=out.stderr.decode("utf-8", "replace").strip()[:300])
    if not out.stdout:
        raise PageError("page.render_empty")
    return out.stdout


def _red_plane(ppm: bytes) -> np.ndarray:
    """The red plane of a binary PPM (``P6 W H 255``), as a contiguous uint8 array."""
    fields: list[bytes] = []
    pos = 2
    if not ppm.startswith(b"P6"):
        raise PageError("page.render_failed", detail="the PDF renderer did not return a PPM image")
    while len(fields) < 3:
        while ppm[pos:pos + 1].isspace():
            pos += 1
        if ppm[pos:pos + 1] == b"#":
            pos = ppm.index(b"\n", pos) + 1
            continue
        end = pos
        while not ppm[end:end + 1].isspace():
            end += 1
        fields.append(ppm[pos:end])
        pos = end
    width, height, maxval = (int(f) for f in fields)
    pixels = np.frombuffer(ppm, np.uint8, width * height * 3, pos + 1)
    if maxval != 255:
        raise PageError("page.render_failed", detail=f"unexpected PPM depth {maxval}")
    return np.ascontiguousarray(pixels.reshape(height, width, 3)[:, :, 0])


def raster(path: Path, kind: str, n: int, dpi: int, pixel_limit: int = DEFAULT_PIXEL_LIMIT,
           timeout: float = 120) -> np.ndarray:
    """Page ``n`` (1-based) as an RGB array; PDFs rendered at ``dpi``, images at their own resolution."""
    if kind == "pdf":
        try:
            images = convert_from_path(str(path), dpi=dpi, first_page=n, last_page=n, timeout=timeout)
        except (PDFPageCountError, PDFSyntaxError, PDFInfoNotInstalledError, OSError) as exc:
            raise PageError("page.render_failed", detail=str(exc).strip()[:300]) from exc
        except subprocess.TimeoutExpired as exc:
            raise PageError("page.render_timeout", seconds=f"{timeout:g}") from exc
        if not images:
            raise PageError("page.render_empty")
        return np.asarray(images[0].convert("RGB"))
    return _image_frame(path, kind, n, pixel_limit, lambda frame: np.asarray(frame.convert("RGB")))


def _image_frame(path: Path, kind: str, n: int, pixel_limit: int,
                 pixels: Callable[[Image.Image], np.ndarray]) -> np.ndarray:
    """``pixels`` of frame ``n`` of an image file (a JPEG turned upright by its EXIF orientation)."""
    img = _open_image(path, pixel_limit)
    with img:
        try:
            img.seek(n - 1)
            img.load()
            return pixels(ImageOps.exif_transpose(img) if kind == "jpeg" else img)
        except (OSError, EOFError, ValueError) as exc:
            raise PageError("image.truncated", detail=exc) from exc
