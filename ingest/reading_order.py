"""Reading order of OCR words: page text with one line per engine line, two-column rows split.

Any engine that returns words with boxes and a line index gets the same page text from
:func:`lines_to_text`, so the metadata rules see one reading order whatever engine read the page.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol


class PlacedWord(Protocol):
    """What reading order needs of a word (:class:`ingest.ocr.Word` has it)."""

    text: str
    left: int
    width: int
    height: int
    line: int


def lines_to_text(words: Sequence[PlacedWord], page_width: int) -> str:
    """Page text: one line per tesseract line, two-column rows split at the wide gap.

    Tesseract merges the agency column and the quốc hiệu column of a header into one line; splitting a
    line where two words are far apart, and writing a run of such rows left column first, gives the
    reading order a person uses (and that the metadata rules expect).
    """
    lines: dict[int, list[PlacedWord]] = {}
    for w in words:
        lines.setdefault(w.line, []).append(w)
    min_gap = page_width * 0.025
    out: list[str] = []
    pending_left: list[str] = []
    pending_right: list[str] = []

    def flush() -> None:
        out.extend(pending_left)
        out.extend(pending_right)
        pending_left.clear()
        pending_right.clear()

    for line_words in lines.values():
        line_words.sort(key=lambda w: w.left)
        cut = None
        heights = sorted(w.height for w in line_words)
        gap_min = max(min_gap, 1.5 * heights[len(heights) // 2])
        for a, b in zip(line_words, line_words[1:], strict=False):
            if b.left - (a.left + a.width) > gap_min:
                cut = b
                break
        if cut is None:
            flush()
            out.append(" ".join(w.text for w in line_words))
            continue
        k = line_words.index(cut)
        pending_left.append(" ".join(w.text for w in line_words[:k]))
        pending_right.append(" ".join(w.text for w in line_words[k:]))
    flush()
    return "\n".join(out)
