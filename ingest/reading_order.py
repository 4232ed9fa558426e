"""Reading order of a page's words: single-column text top to bottom, two-column zones left block first.

Any source of words with boxes and a line index (an OCR engine, a PDF text layer read by
:mod:`ingest.textlayer`) gets the same page text from :func:`lines_to_text`, so the metadata rules see one
reading order whatever read the page.

An official document (Nghị định 30/2020, Phụ lục I) has two two-column zones: the header (agency / Số /
V/v on the left, quốc hiệu / tiêu ngữ / place and date on the right) and the foot (Nơi nhận on the left,
authority / title / seal / signer on the right). An engine may return a row of both columns as one line or
each column's lines separately, interleaved by height. Both come out the same here:

1. every engine line is cut where two words are far apart (a *segment*);
2. two segments side by side (overlapping heights, a wide gap between them) seed a zone with a gutter: the
   x-range between them;
3. the zone grows up and down, segment by segment in height order, while each segment lies wholly on one
   side of the gutter (the gutter narrows to fit it but stays wide); a segment crossing it (a body line, a
   centred title) ends the zone. Tiny or low-confidence segments (a seal or pen stroke read as "NV") neither
   seed nor end a zone;
4. a zone is written as the lines of its left block, then those of its right block; segments above the
   point where both columns have started come first, in height order.

Pen strokes and seal rings that the engine read as a tall, low-confidence "word" are left out of the text
(:func:`without_marks`). Everything outside zones keeps its top-to-bottom order, so single-column body text
is unchanged.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

GAP_PAGE_SHARE = 0.025   # a column gap is at least this share of the page width …
GAP_HEIGHTS = 1.5        # … and this many times the line's median word height
WEAK_CONF = 40.0         # segments whose mean word confidence is below this are noise for zoning
WEAK_CHARS = 3           # … and so are segments with fewer letters and digits than this
CENTRED_SHARE = 0.05     # a line whose centre is this near the text's middle (share of the text width) is centred
MARK_HEIGHTS = 1.8       # a low-confidence "word" this many times the median word height is a pen or seal mark …
MARK_CONF = 60.0         # … low meaning below this (a signature read "J/Wo" at 48, "/WW" at 41: 2.8× the text)
WRAP_MARGIN = 0.03       # a line this near (share of the text width) to both margins is a wrapped line
FLAT_HEIGHTS = 0.25      # … and one of letters this flat (a hairline read as "CC") is no text either


class PlacedWord(Protocol):
    """What reading order needs of a word (:class:`ingest.ocr.Word` has it)."""

    text: str
    conf: float
    left: int | float
    top: int | float
    width: int | float
    height: int | float
    line: int


@dataclass
class Segment:
    """Words of one engine line between two wide gaps."""

    words: list[PlacedWord]
    line: int
    x0: float
    x1: float
    y0: float
    y1: float

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)

    @property
    def mid(self) -> float:
        return (self.y0 + self.y1) / 2

    @property
    def weak(self) -> bool:
        chars = sum(ch.isalnum() for w in self.words for ch in w.text)
        conf = sum(w.conf for w in self.words) / len(self.words)
        return chars < WEAK_CHARS or conf < WEAK_CONF


@dataclass
class Zone:
    """A two-column zone: indexes ``lo..hi`` of the height-sorted segments, the gutter between."""

    lo: int
    hi: int
    gutter: tuple[float, float]


def lines_to_text(words: Sequence[PlacedWord], page_width: float) -> str:
    """Page text in reading order: one line per segment row, two-column zones left block first."""
    return "\n".join(page_lines(words, page_width))


def page_lines(words: Sequence[PlacedWord], page_width: float) -> list[str]:
    """The page's text lines in reading order (see the module docstring)."""
    segments = sorted(segments_of(without_marks(words), page_width), key=lambda s: (s.mid, s.x0))
    min_gap = _min_gap(segments, page_width)
    out: list[str] = []
    i = 0
    for zone in zones(segments, min_gap, page_width):
        out += _rows(segments[i:zone.lo])
        out += _zone_lines(segments[zone.lo:zone.hi + 1], zone.gutter)
        i = zone.hi + 1
    out += _rows(segments[i:])
    return out


def without_marks(words: Sequence[PlacedWord]) -> list[PlacedWord]:
    """The words without pen strokes and seal rings read as letters: a low-confidence "word" far taller than
    the page's text ("J" 180×92 px or "J/Wo" 184×100 px at confidence 48 over a signature where the text is
    35 px high), or letters far flatter than it ("CC" 86×5 px: a hairline left by a seal). No letter of a
    line is that tall or that flat, and a title in large type is read with confidence (90+), so nothing read
    is lost (a low-confidence dash or dot, which is that flat, stays); the words themselves stay on the page
    (boxes, searchable PDF)."""
    heights = sorted(w.height for w in words if w.conf >= WEAK_CONF)
    if not heights:
        return list(words)
    median = heights[len(heights) // 2]
    tall, flat = MARK_HEIGHTS * median, FLAT_HEIGHTS * median
    return [w for w in words
            if not (w.height > tall and w.conf < MARK_CONF)
            and (w.conf >= WEAK_CONF or w.height > flat or not any(c.isalnum() for c in w.text))]


def segments_of(words: Sequence[PlacedWord], page_width: float) -> list[Segment]:
    """Each engine line cut where two neighbouring words are further apart than a column gap."""
    lines: dict[int, list[PlacedWord]] = {}
    for w in words:
        lines.setdefault(w.line, []).append(w)
    out: list[Segment] = []
    for line, line_words in lines.items():
        line_words = sorted(line_words, key=lambda w: w.left)
        heights = sorted(w.height for w in line_words)
        gap_min = max(page_width * GAP_PAGE_SHARE, GAP_HEIGHTS * heights[len(heights) // 2])
        start = 0
        for k in range(1, len(line_words) + 1):
            if k == len(line_words) or line_words[k].left - _right(line_words[k - 1]) > gap_min:
                out.append(_segment(line_words[start:k], line))
                start = k
    return out


def zones(segments: Sequence[Segment], min_gap: float, page_width: float) -> list[Zone]:
    """The two-column zones of height-sorted segments, top to bottom, never overlapping."""
    found: list[Zone] = []
    strong = [s for s in segments if not s.weak] or list(segments)
    if not strong:
        return found
    x0, x1 = min(s.x0 for s in strong), max(s.x1 for s in strong)
    middle = ((x0 + x1) / 2, CENTRED_SHARE * (x1 - x0))
    i = 0
    while i < len(segments):
        seed = _seed(segments, i, min_gap)
        if seed is None:
            i += 1
            continue
        zone = _grow(segments, seed, min_gap, middle)
        if _wrapped(segments[zone.lo:zone.hi + 1], zone.gutter, (x0, x1)):
            i += 1
            continue
        if found and zone.lo <= found[-1].hi:  # grew back into the zone above: keep that one's end
            zone.lo = found[-1].hi + 1
        if zone.lo <= zone.hi:
            found.append(zone)
        i = max(zone.hi + 1, i + 1)
    return found


def _wrapped(members: Sequence[Segment], gutter: tuple[float, float], margins: tuple[float, float]) -> bool:
    """The "zone" is one wrapped line of a single column with a wide gap in it, not two columns: its right
    side is one segment, on the first row, reaching the text's right margin, and the left side starts at the
    left margin and goes on below at that same x (a header flattened into one paragraph: "… Hạnh phúc
    ⟨gap⟩ Hà Nội, ngày" / "30 tháng 6 năm 2025"). Real columns are centred in their halves."""
    middle = (gutter[0] + gutter[1]) / 2
    left = sorted((s for s in members if not s.weak and (s.x0 + s.x1) / 2 < middle), key=lambda s: s.y0)
    right = [s for s in members if not s.weak and (s.x0 + s.x1) / 2 >= middle]
    if len(right) != 1 or len(left) < 2:
        return False
    r, first = right[0], left[0]
    slack = WRAP_MARGIN * (margins[1] - margins[0])
    return (_overlap(r, first) >= 0.5 * min(r.y1 - r.y0, first.y1 - first.y0)
            and r.x1 >= margins[1] - slack and first.x0 <= margins[0] + slack
            and all(abs(s.x0 - first.x0) <= slack for s in left[1:]))


def _seed(segments: Sequence[Segment], i: int, min_gap: float) -> Zone | None:
    """A zone seeded by segment ``i`` and a segment beside it (same height, a column gap apart)."""
    a = segments[i]
    if a.weak:
        return None
    for j in range(i + 1, len(segments)):
        b = segments[j]
        if b.y0 > a.y1:
            break
        if b.weak or _overlap(a, b) < 0.5 * min(a.y1 - a.y0, b.y1 - b.y0):
            continue
        left, right = (a, b) if a.x0 < b.x0 else (b, a)
        if right.x0 - left.x1 >= min_gap:
            return Zone(i, j, (left.x1, right.x0))
    return None


def _grow(segments: Sequence[Segment], seed: Zone, min_gap: float, middle: tuple[float, float]) -> Zone:
    """The seed grown up and down while segments keep to one side of a gutter at least ``min_gap`` wide.

    Going down, a line centred on the text's middle (``middle``: x and tolerance) below the end of both
    columns (a title under the header) also ends the zone, even when it would fit beside the gutter."""
    gl, gr = seed.gutter
    for k in range(seed.lo, seed.hi + 1):  # segments between the seed's two fit the gutter or are noise
        gl, gr = _fit(segments[k], gl, gr, min_gap) or (gl, gr)
    lo, hi = seed.lo, seed.hi
    for step in (1, -1):
        k = (hi if step == 1 else lo) + step
        edge = k - step
        while 0 <= k < len(segments):
            s = segments[k]
            if not s.weak:
                fitted = _fit(s, gl, gr, min_gap)
                if fitted is None or step == 1 and _centred_below(s, segments[lo:k], gl, gr, middle):
                    break
                gl, gr = fitted
                edge = k
            k += step
        if step == 1:
            hi = edge
        else:
            lo = edge
    return Zone(lo, hi, (gl, gr))


def _centred_below(s: Segment, above: Sequence[Segment], gl: float, gr: float,
                   middle: tuple[float, float]) -> bool:
    """``s`` is centred on the text's ``middle`` (a title) and starts below the last line of both columns."""
    centre = (gl + gr) / 2
    mid, tolerance = middle
    if abs((s.x0 + s.x1) / 2 - mid) > tolerance:
        return False
    ends = [max((a.y1 for a in above if not a.weak and ((a.x0 + a.x1) / 2 < centre) == side), default=0.0)
            for side in (True, False)]
    return s.y0 >= max(ends)


def _fit(s: Segment, gl: float, gr: float, min_gap: float) -> tuple[float, float] | None:
    """The gutter narrowed to keep ``s`` on one side, or None when ``s`` crosses it."""
    if s.x1 <= gr - min_gap and s.x0 < gl:
        return max(gl, s.x1), gr
    if s.x0 >= gl + min_gap and s.x1 > gr:
        return gl, min(gr, s.x0)
    if s.x0 >= gl and s.x1 <= gr:  # inside the gutter: it goes to the nearer side if the gutter stays wide
        fitted = (s.x1, gr) if s.x1 - gl < gr - s.x0 else (gl, s.x0)
        return fitted if fitted[1] - fitted[0] >= min_gap else None
    return None


def _zone_lines(members: Sequence[Segment], gutter: tuple[float, float]) -> list[str]:
    """Lead segments (above where both columns have started), the left block, the right block."""
    middle = (gutter[0] + gutter[1]) / 2
    is_left = [(s.x0 + s.x1) / 2 < middle for s in members]
    starts = [min((s.y0 for s, side in zip(members, is_left, strict=True) if side == want and not s.weak),
                  default=None) for want in (True, False)]
    if starts[0] is None or starts[1] is None:
        return _rows(members)
    both = max(starts[0], starts[1])
    lead = [s for s in members if s.y1 <= both]
    left = [s for s, side in zip(members, is_left, strict=True) if side and s.y1 > both]
    right = [s for s, side in zip(members, is_left, strict=True) if not side and s.y1 > both]
    return _rows(lead) + _rows(left) + _rows(right)


def _rows(segments: Sequence[Segment]) -> list[str]:
    """Segments top to bottom; segments of one engine line are joined left to right."""
    rows: dict[int, list[Segment]] = {}
    for s in segments:
        rows.setdefault(s.line, []).append(s)
    ordered = sorted(rows.values(), key=lambda row: min(s.mid for s in row))
    return [" ".join(s.text for s in sorted(row, key=lambda s: s.x0)) for row in ordered]


def _min_gap(segments: Sequence[Segment], page_width: float) -> float:
    heights = sorted(s.y1 - s.y0 for s in segments if not s.weak) or [0.0]
    return max(page_width * GAP_PAGE_SHARE, GAP_HEIGHTS * heights[len(heights) // 2])


def _segment(words: list[PlacedWord], line: int) -> Segment:
    return Segment(words, line, min(w.left for w in words), max(_right(w) for w in words),
                   min(w.top for w in words), max(w.top + w.height for w in words))


def _right(w: PlacedWord) -> float:
    return w.left + w.width


def _overlap(a: Segment, b: Segment) -> float:
    return min(a.y1, b.y1) - max(a.y0, b.y0)
