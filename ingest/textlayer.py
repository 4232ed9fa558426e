"""A PDF's own text layer in reading order: ``pdftotext -bbox-layout`` word boxes → :mod:`ingest.reading_order`.

Plain ``pdftotext`` writes a born-digital page in poppler's flow order, which interleaves the two columns of
an official header ("ỦY BAN NHÂN DÂN TỈNH" / "CỘNG HÒA …" / "SỞ NỘI VỤ" / "Đắk Lắk, ngày …") and of the
foot. Here poppler gives only the words, their boxes (PDF points) and its lines; the order is made by the
same code as for OCR pages, so a born-digital page and its scan read alike.

``pdftotext -bbox-layout`` (poppler, already needed) was chosen over pdfplumber after measuring both on the
born-digital sample pages (BENCHMARKS.md, "Reading order and signature block"): same words, one process
for the whole file, no new dependency, and pdfplumber (pure Python) was many times slower per page.
"""

from __future__ import annotations

import re
import subprocess
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

from ingest.reading_order import lines_to_text
from ingest.text import nfc

XHTML = "{http://www.w3.org/1999/xhtml}"
TIMEOUT_S = 120
_CONTROL = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]")


@dataclass
class LayerWord:
    """A word of the text layer, in PDF points; text layers have no confidence (100)."""

    text: str
    left: float
    top: float
    width: float
    height: float
    line: int
    conf: float = 100.0


def layer_words(path: Path) -> list[tuple[float, list[LayerWord]]] | None:
    """(page width, words) for every page of the PDF, or None when pdftotext cannot read it."""
    try:
        out = subprocess.run(["pdftotext", "-bbox-layout", "-enc", "UTF-8", str(path), "-"],
                             capture_output=True, timeout=TIMEOUT_S, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    if out.returncode != 0:
        return None
    try:
        root = ET.fromstring(_CONTROL.sub(b"", out.stdout))  # control characters are not XML
    except ET.ParseError:
        return None
    pages = []
    for page in root.iter(f"{XHTML}page"):
        words: list[LayerWord] = []
        for n, line in enumerate(page.iter(f"{XHTML}line")):
            for w in line.iter(f"{XHTML}word"):
                text = nfc((w.text or "").strip())
                if not text:
                    continue
                x0, y0 = float(w.get("xMin", 0)), float(w.get("yMin", 0))
                x1, y1 = float(w.get("xMax", 0)), float(w.get("yMax", 0))
                words.append(LayerWord(text, x0, y0, x1 - x0, y1 - y0, n))
        pages.append((float(page.get("width", 0)), words))
    return pages


def page_texts(path: Path, count: int) -> dict[int, str]:
    """Page number → the text layer of that page in reading order, NFC (empty pages left out)."""
    pages = layer_words(path) or []
    result = {}
    for n, (width, words) in enumerate(pages[:count], 1):
        text = lines_to_text(words, width)
        if text.strip():
            result[n] = text
    return result
